# SPDX-License-Identifier: MIT
# dce's work list had a slot per value but took a value once per use:
# y = Sum(v, v, ...) with 10,000 copies of v, or a dense DAG (node i
# reads every earlier value), pushed past its end (heap corruption).
import sys

from onnx import TensorProto, helper, save

n = 500
nodes = [helper.make_node("Relu", ["x"], ["v"]),
         helper.make_node("Sum", ["v"] * 10000, ["y"]),
         helper.make_node("Relu", ["x"], ["d0"])]
for i in range(1, n):
    nodes.append(helper.make_node("Sum", ["d%d" % j for j in range(i)],
                                  ["d%d" % i]))
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2]),
     helper.make_tensor_value_info("d%d" % (n - 1), TensorProto.FLOAT,
                                   [2])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
