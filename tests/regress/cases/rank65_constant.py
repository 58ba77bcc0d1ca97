# SPDX-License-Identifier: MIT
# A Constant whose value tensor has rank 65: shape inference caps ranks
# at 64 and left the output unranked (no dims), then wrote the 65 dims
# through the null dims array.
import sys

from onnx import TensorProto, helper, save

t = helper.make_tensor("t", TensorProto.FLOAT, [1] * 65, [0.0])
nodes = [helper.make_node("Constant", [], ["y"], value=t)]
g = helper.make_graph(
    nodes, "g", [],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
