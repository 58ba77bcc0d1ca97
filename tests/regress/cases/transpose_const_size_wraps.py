# SPDX-License-Identifier: MIT
# A constant whose byte size wraps around 2^64 passed for a short one: a
# DOUBLE [1,3,768614336404564651,1] "needs" 3 x 768614336404564651 x 8 =
# 2^64 + 8 bytes, 8 once wrapped, and has 8.  Pushing a Transpose through
# the Add permuted 2^61 + 1 elements into an 8-byte buffer (heap write),
# in fix and in check, whose layout analysis runs the transpose pass on a
# copy.  A second constant holds DOUBLE values in float_data (4 bytes an
# entry, read as 8: a read past the array).  Neither is permuted.
import sys

from onnx import TensorProto, helper, save

S = [1, 3, 768614336404564651, 1]
big = TensorProto()
big.name = "big"
big.data_type = TensorProto.DOUBLE
big.dims.extend(S)
big.raw_data = b"\0" * 8
narrow = TensorProto()
narrow.name = "narrow"
narrow.data_type = TensorProto.DOUBLE
narrow.dims.extend([1, 3, 4, 2])
narrow.float_data.extend([float(i) for i in range(24)])
nodes = [
    helper.make_node("Transpose", ["x"], ["t"], perm=[0, 2, 3, 1]),
    helper.make_node("Add", ["t", "big"], ["a"]),
    helper.make_node("Transpose", ["a"], ["y"], perm=[0, 3, 1, 2]),
    helper.make_node("Transpose", ["x2"], ["t2"], perm=[0, 2, 3, 1]),
    helper.make_node("Add", ["t2", "narrow"], ["a2"]),
    helper.make_node("Transpose", ["a2"], ["y2"], perm=[0, 3, 1, 2]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.DOUBLE,
                                   ["n", "c", "h", "w"]),
     helper.make_tensor_value_info("x2", TensorProto.DOUBLE, [1, 2, 3, 4])],
    [helper.make_tensor_value_info("y", TensorProto.DOUBLE, None),
     helper.make_tensor_value_info("y2", TensorProto.DOUBLE, None)],
    [big, narrow])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
