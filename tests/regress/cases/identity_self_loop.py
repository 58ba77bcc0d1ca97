# SPDX-License-Identifier: MIT
# y = Identity(y), and a two-Identity cycle: fix's identity pass moved the
# uses of a value onto itself forever (found by the structure-aware
# fuzzer).  check reports the cycle (S214); fix must end.
import sys

from onnx import TensorProto, helper, save

nodes = [
    helper.make_node("Identity", ["y"], ["y"], name="self"),
    helper.make_node("Identity", ["b"], ["a"], name="ab"),
    helper.make_node("Identity", ["a"], ["b"], name="ba"),
    helper.make_node("Add", ["a", "x"], ["z"], name="use"),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2]),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, [2])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
