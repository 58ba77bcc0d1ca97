# SPDX-License-Identifier: MIT
# INT64_MIN / -1 in shape inference's constant propagation (SIGFPE):
# a shape computed as Div of two int64 constants feeds a Reshape.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

a = numpy_helper.from_array(np.array([-2**63], dtype=np.int64), "a")
b = numpy_helper.from_array(np.array([-1], dtype=np.int64), "b")
nodes = [
    helper.make_node("Constant", [], ["ca"], value=a),
    helper.make_node("Constant", [], ["cb"], value=b),
    helper.make_node("Div", ["ca", "cb"], ["q"]),
    helper.make_node("Mod", ["ca", "cb"], ["r"]),
    helper.make_node("Concat", ["q", "r"], ["s"], axis=0),
    helper.make_node("Reshape", ["x", "s"], ["y"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
