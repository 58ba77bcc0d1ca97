# SPDX-License-Identifier: MIT
# An identity Transpose whose output is a graph output, reading a
# Transpose of unknown rank (no perm, input without a shape): the
# identity one is cancelled by giving its producer the graph output's
# name, and the producer's visit then judged the output it had before
# (now unused) and removed the node that produces the graph output
# (exit 70, "input comes from a removed node"; found by the graph fuzzer
# through the seeded run of make check).
import sys

from onnx import TensorProto, helper, save

g = helper.make_graph(
    [helper.make_node("Transpose", ["x"], ["t"]),
     helper.make_node("Transpose", ["t"], ["y"], perm=[0, 1]),
     helper.make_node("Relu", ["y"], ["z"])],
    "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, None)])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
