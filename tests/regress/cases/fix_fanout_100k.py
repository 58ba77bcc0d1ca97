# SPDX-License-Identifier: MIT
# 100,000 consumers of one value: the IR check after every rewrite looked
# each input's use record up in its value's list, 10^10 steps here (fix
# took over 20 s).
import sys

from onnx import TensorProto, helper, save

k = 100000
nodes = [helper.make_node("Relu", ["x"], ["r%d" % i]) for i in range(k)]
nodes.append(helper.make_node("Sum", ["r%d" % i for i in range(k)], ["y"]))
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
