# SPDX-License-Identifier: MIT
# IR 3: an initializer is also a graph input, and the input declares more
# elements (1000) than the initializer holds (3).  Slices, a Gather and a
# Shape of it: what fold reads of a constant must be counted from its
# data, never from a declared type.  Below IR 4 fold also made
# initializers that are not graph inputs (the Shape, from the declared
# type, and the Neg of a Constant), which check rejects there.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def ints(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.int64), name)


inits = [ints("c", [1, 2, 3]), ints("st", [0]), ints("en", [1000]),
         ints("i", [2])]
nodes = [
    helper.make_node("Slice", ["c", "st", "en"], ["s"]),
    helper.make_node("Shape", ["c"], ["sh"]),
    helper.make_node("Slice", ["sh", "st", "en"], ["s2"]),
    helper.make_node("Gather", ["c", "i"], ["g"], axis=0),
    helper.make_node("Concat", ["s", "s2", "g"], ["cc"], axis=0),
    helper.make_node("Constant", [], ["k"],
                     value=numpy_helper.from_array(
                         np.array([5], dtype=np.int64), "k")),
    helper.make_node("Neg", ["k"], ["nk"]),
    helper.make_node("Add", ["cc", "nk"], ["ccn"]),
    helper.make_node("Add", ["ccn", "x"], ["y"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.INT64, [1]),
     helper.make_tensor_value_info("c", TensorProto.INT64, [1000]),
     helper.make_tensor_value_info("st", TensorProto.INT64, [1]),
     helper.make_tensor_value_info("en", TensorProto.INT64, [1]),
     helper.make_tensor_value_info("i", TensorProto.INT64, [1])],
    [helper.make_tensor_value_info("y", TensorProto.INT64, None)], inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 3
save(m, sys.argv[1])
