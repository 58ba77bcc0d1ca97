# SPDX-License-Identifier: MIT
# int32 constants whose exact result does not fit int32: 65536 * 65536
# + 4 and a Cast of the int64 4294967300 to int32 are both 4 in a
# runtime (they wrap), and Reshape [4] to that shape is valid.  Shape
# inference kept 4294967300 and reported a Reshape count mismatch.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

a = numpy_helper.from_array(np.array([65536], dtype=np.int32), "a")
b = numpy_helper.from_array(np.array([4], dtype=np.int32), "b")
w = numpy_helper.from_array(np.array([2**32 + 4], dtype=np.int64), "w")
nodes = [
    helper.make_node("Mul", ["a", "a"], ["m"]),
    helper.make_node("Add", ["m", "b"], ["s32"]),
    helper.make_node("Cast", ["s32"], ["s"], to=TensorProto.INT64),
    helper.make_node("Reshape", ["x", "s"], ["y"]),
    helper.make_node("Cast", ["w"], ["w32"], to=TensorProto.INT32),
    helper.make_node("Cast", ["w32"], ["w64"], to=TensorProto.INT64),
    helper.make_node("Reshape", ["x", "w64"], ["z"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, None)],
    [a, b, w])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
