# SPDX-License-Identifier: MIT
# A Scan whose body output has rank 65: the scan output stacks it to
# rank 66, above the cap of 64, and its dims were written through the
# null dims array of the unranked result.
import sys

from onnx import TensorProto, helper, save

big = [1] * 65
body = helper.make_graph(
    [helper.make_node("Identity", ["c"], ["o"])], "body",
    [helper.make_tensor_value_info("e", TensorProto.FLOAT, [])],
    [helper.make_tensor_value_info("o", TensorProto.FLOAT, big)])
nodes = [helper.make_node("Scan", ["x"], ["y"], body=body,
                          num_scan_inputs=1)]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3]),
     helper.make_tensor_value_info("c", TensorProto.FLOAT, big)],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)]),
     sys.argv[1])
