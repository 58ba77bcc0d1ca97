# SPDX-License-Identifier: MIT
# The transpose pass took any constant operand for one it can permute,
# and failed (status 70) when permuting it did not work: int4, uint4,
# string, typed complex64 and complex128 data, and unreadable data (no
# data field, as when external_data entries come without data_location
# EXTERNAL, or raw data of the wrong length).  Each is the other operand
# of a Concat between a Transpose and its inverse; those Transposes stay.
# An empty constant (a 0 before dims of 2^40: no bytes, and strides that
# would overflow) was taken for unreadable too; it is permuted.
import sys

from onnx import TensorProto, helper, save

S = [1, 2, 3, 4]
T = [1, 3, 4, 2]
N = 24


def const(name, kind):
    c = TensorProto()
    c.name = name
    c.dims.extend(T)
    if kind == "int4":
        c.data_type = 22        # INT4: two to a byte
        c.raw_data = bytes(range(N // 2))
    elif kind == "uint4":
        c.data_type = 21        # UINT4
        c.raw_data = bytes(range(N // 2))
    elif kind == "string":
        c.data_type = TensorProto.STRING
        c.string_data.extend([b"s%d" % i for i in range(N)])
    elif kind == "complex64":
        c.data_type = TensorProto.COMPLEX64
        c.float_data.extend([float(i) for i in range(2 * N)])
    elif kind == "complex128":
        c.data_type = TensorProto.COMPLEX128
        c.double_data.extend([float(i) for i in range(2 * N)])
    elif kind == "nodata":
        c.data_type = TensorProto.FLOAT
        e = c.external_data.add()
        e.key = "location"
        e.value = "missing.bin"
    elif kind == "shortraw":
        c.data_type = TensorProto.FLOAT
        c.raw_data = b"\0" * 5
    elif kind == "empty":
        c.data_type = TensorProto.FLOAT
        del c.dims[:]
        c.dims.extend([0, 1 << 40, 1 << 40, 2])
    return c


nodes, ins, outs, inits = [], [], [], []
for k in ["int4", "uint4", "string", "complex64", "complex128", "nodata",
          "shortraw", "empty"]:
    c = const("c_" + k, k)
    inits.append(c)
    nodes += [
        helper.make_node("Transpose", ["x_" + k], ["t_" + k],
                         perm=[0, 2, 3, 1]),
        helper.make_node("Concat", ["t_" + k, "c_" + k], ["a_" + k],
                         axis=3),
        helper.make_node("Transpose", ["a_" + k], ["y_" + k],
                         perm=[0, 3, 1, 2]),
    ]
    ins.append(helper.make_tensor_value_info("x_" + k, c.data_type, S))
    outs.append(helper.make_tensor_value_info("y_" + k, c.data_type, None))
g = helper.make_graph(nodes, "g", ins, outs, inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
