# SPDX-License-Identifier: MIT
# An attribute typed INTS that holds a graph: the loader counted the
# graphs in the INTS length with no ints behind it, and the transpose
# rewrite, the DOT writer and diff read ints[0] (NULL: SIGSEGV).
import sys

from onnx import AttributeProto, TensorProto, helper, save

body = helper.make_graph(
    [helper.make_node("Identity", ["a"], ["b"])], "body",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1])],
    [helper.make_tensor_value_info("b", TensorProto.FLOAT, [1])])
t = helper.make_node("Transpose", ["x"], ["y"])
perm = t.attribute.add()
perm.name = "perm"
perm.type = AttributeProto.INTS
perm.graphs.extend([body])
g = helper.make_graph(
    [t], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
