# SPDX-License-Identifier: MIT
# An If whose branches have a different number of outputs than the node
# (then: one, else: three, the node: two).  onnx's checker and ONNX
# Runtime reject it; inference must skip the node without reading past
# either branch's outputs.
import sys

from onnx import TensorProto, helper, save


def branch(name, n):
    outs = ["%s%d" % (name, i) for i in range(n)]
    return helper.make_graph(
        [helper.make_node("Identity", ["x"], [o]) for o in outs], name,
        [], [helper.make_tensor_value_info(o, TensorProto.FLOAT, [2])
             for o in outs])


nodes = [helper.make_node("If", ["c"], ["y", "z"],
                          then_branch=branch("t", 1),
                          else_branch=branch("e", 3))]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("c", TensorProto.BOOL, []),
     helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
