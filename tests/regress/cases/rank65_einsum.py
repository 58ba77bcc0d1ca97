# SPDX-License-Identifier: MIT
# An Einsum whose equation names 65 output letters: the output rank is
# above the cap of 64, the output type was left unranked and its letters
# were written through the null dims array.
import sys

from onnx import TensorProto, helper, save

nodes = [helper.make_node("Einsum", ["x"], ["y"],
                          equation="a->" + "a" * 65)]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 12)]),
     sys.argv[1])
