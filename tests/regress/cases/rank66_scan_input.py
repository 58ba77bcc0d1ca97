# SPDX-License-Identifier: MIT
# A Scan whose scanned input has rank 66: the body input is one slice of
# it, rank 65, above the cap of 64, and its dims were written through
# the null dims array of the unranked result.
import sys

from onnx import TensorProto, helper, save

body = helper.make_graph(
    [helper.make_node("Identity", ["e"], ["o"])], "body",
    [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)],
    [helper.make_tensor_value_info("o", TensorProto.FLOAT, None)])
nodes = [helper.make_node("Scan", ["x"], ["y"], body=body,
                          num_scan_inputs=1)]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2] + [1] * 65)],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)]),
     sys.argv[1])
