# SPDX-License-Identifier: MIT
# GatherND with batch_dims = INT64_MAX: shape inference added it to the
# indices' last dim (signed overflow) before comparing with the rank.
import sys

from onnx import TensorProto, helper, save

nodes = [helper.make_node("GatherND", ["x", "i"], ["y"],
                          batch_dims=2**63 - 1)]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3]),
     helper.make_tensor_value_info("i", TensorProto.INT64, [2, 1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
