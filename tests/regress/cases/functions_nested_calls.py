# SPDX-License-Identifier: MIT
# Local functions nested 24 deep, each calling the next twice, the last
# holding a MatMul: 16M instances of it.  info --profile prices calls
# until its budget of body nodes, counts the rest as not known, and
# ends at once; a function that calls itself (F0 -> F0) is not entered
# again.
import sys

from onnx import TensorProto, helper, save

D = 24
funcs = []
for k in range(D):
    if k == D - 1:
        nodes = [helper.make_node("MatMul", ["x", "x"], ["y"])]
    else:
        nodes = [helper.make_node("F%d" % (k + 1), ["x"], ["t"],
                                  domain="local"),
                 helper.make_node("F%d" % (k + 1), ["t"], ["y"],
                                  domain="local")]
    funcs.append(helper.make_function("local", "F%d" % k, ["x"], ["y"],
                                      nodes,
                                      [helper.make_opsetid("", 13),
                                       helper.make_opsetid("local", 1)]))
funcs.append(helper.make_function(
    "local", "Self", ["x"], ["y"],
    [helper.make_node("Self", ["x"], ["y"], domain="local")],
    [helper.make_opsetid("", 13), helper.make_opsetid("local", 1)]))
g = helper.make_graph(
    [helper.make_node("F0", ["a"], ["b"], domain="local"),
     helper.make_node("Self", ["b"], ["c"], domain="local")], "g",
    [helper.make_tensor_value_info("a", TensorProto.FLOAT, [4, 4])],
    [helper.make_tensor_value_info("c", TensorProto.FLOAT, [4, 4])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                        helper.make_opsetid("local", 1)],
                      functions=funcs)
m.ir_version = 8
save(m, sys.argv[1])
