# SPDX-License-Identifier: MIT
# One local function, a Conv whose strides reference the function's
# attribute "s", called twice: with s = 2 (a 4x4 output) and s = 1
# (8x8).  info --profile prices each call with its own shapes and
# attributes: 3 x 16 x 2 x 9 + 3 x 64 x 2 x 9 = 864 + 3456 = 4320 MACs.
# A second function calls itself: never entered twice.
import sys

import numpy as np
from onnx import AttributeProto, TensorProto, helper, numpy_helper, save

conv = helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1],
                        kernel_shape=[3, 3])
ref = AttributeProto()
ref.name = "strides"
ref.ref_attr_name = "s"
ref.type = AttributeProto.INTS
conv.attribute.append(ref)
ops = [helper.make_opsetid("", 13), helper.make_opsetid("local", 1)]
f = helper.make_function("local", "F", ["x", "w"], ["y"], [conv], ops,
                         attributes=["s"])
loop = helper.make_function(
    "local", "Self", ["x"], ["y"],
    [helper.make_node("Self", ["x"], ["y"], domain="local")], ops)
g = helper.make_graph(
    [helper.make_node("F", ["a", "w"], ["b"], domain="local", s=[2, 2]),
     helper.make_node("F", ["a", "w"], ["c"], domain="local", s=[1, 1]),
     helper.make_node("Self", ["c"], ["d"], domain="local")], "g",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 2, 8, 8])],
    [helper.make_tensor_value_info("b", TensorProto.FLOAT, None),
     helper.make_tensor_value_info("d", TensorProto.FLOAT, None)],
    [numpy_helper.from_array(np.ones((3, 2, 3, 3), np.float32), "w")])
m = helper.make_model(g, opset_imports=ops, functions=[f, loop])
m.ir_version = 8
save(m, sys.argv[1])
