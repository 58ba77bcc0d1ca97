# SPDX-License-Identifier: MIT
# An Einsum whose equation attribute is a STRING without its s field (an
# empty string): the opset conversion's equation parser did pointer
# arithmetic on the null string (UBSan, found by the graph fuzzer through
# fix --passes opset).
import sys

from onnx import AttributeProto, TensorProto, helper, save

n = helper.make_node("Einsum", ["x"], ["y"])
a = n.attribute.add()
a.name = "equation"
a.type = AttributeProto.STRING
g = helper.make_graph(
    [n], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
