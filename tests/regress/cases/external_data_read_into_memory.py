# SPDX-License-Identifier: MIT
# fix read external data back into the model through the memory budget
# (L130 past 64 MiB): now the writer copies it from the file by range as
# it writes, through a record the tensor's raw_data points at while it
# writes.  Two 1 MiB initializers in one file, a Constant's value in
# another, and a small one: every path that writes them (stream, stdout,
# --external-data below and above the threshold) under the sanitizers.
import os
import sys

import numpy as np
from onnx import TensorProto, helper

d = os.path.dirname(sys.argv[1])
n = 1 << 18
w = np.arange(2 * n, dtype=np.float32)
w.tofile(os.path.join(d, "w.bin"))
np.arange(4, dtype=np.float32).tofile(os.path.join(d, "c.bin"))


def ext(name, dims, loc, off, length):
    t = TensorProto()
    t.name = name
    t.dims.extend(dims)
    t.data_type = TensorProto.FLOAT
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", loc), ("offset", str(off)),
                 ("length", str(length))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


inits = [ext("a", [n], "w.bin", 0, 4 * n), ext("b", [n], "w.bin", 4 * n,
                                              4 * n),
         ext("s", [1], "c.bin", 0, 4)]
nodes = [
    helper.make_node("Constant", [], ["c"], value=ext("c", [4], "c.bin", 0,
                                                      16)),
    helper.make_node("Add", ["x", "a"], ["t"]),
    helper.make_node("Add", ["t", "b"], ["u"]),
    helper.make_node("Add", ["u", "s"], ["y"]),
    helper.make_node("ReduceSum", ["c"], ["z"], keepdims=0),
]
g = helper.make_graph(
    nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n]),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, [])],
    initializer=inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
m.ir_version = 8
with open(sys.argv[1], "wb") as f:
    f.write(m.SerializeToString())
