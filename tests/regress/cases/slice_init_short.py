# SPDX-License-Identifier: MIT
# A Slice of a constant whose declared length exceeds its data: with
# ir_version 3 an initializer is also a graph input, whose declared type
# (a million elements) says more than the initializer holds (three).
# The slice length came from the declaration and the constant was read
# that far past its elements.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

c = numpy_helper.from_array(np.array([1, 2, 3], dtype=np.int64), "c")
st = numpy_helper.from_array(np.array([0], dtype=np.int64), "st")
en = numpy_helper.from_array(np.array([2**62], dtype=np.int64), "en")
nodes = [
    helper.make_node("Slice", ["c", "st", "en"], ["s"]),
    helper.make_node("Reshape", ["x", "s"], ["y"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [6]),
     helper.make_tensor_value_info("c", TensorProto.INT64, [1000000]),
     helper.make_tensor_value_info("st", TensorProto.INT64, [1]),
     helper.make_tensor_value_info("en", TensorProto.INT64, [1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [c, st, en])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 10)])
m.ir_version = 3
save(m, sys.argv[1])
