# SPDX-License-Identifier: MIT
# A chain of 40,000 Adds of constants (each the previous result plus a
# shared constant), 1 MB: fold copied the initializer list for every
# folded node and merged its notes one at a time, quadratic in time and
# memory (5,000 exceeded the memory budget); the verifier looked up each
# reader's use record of the shared constant by a scan, and removing the
# readers' records moved the rest of the list every time.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

N = 40000
inits = [
    numpy_helper.from_array(np.array([1.0], dtype=np.float32), "one"),
    numpy_helper.from_array(np.array([0.0], dtype=np.float32), "c0"),
]
nodes = []
prev = "c0"
for i in range(N):
    nodes.append(helper.make_node("Add", [prev, "one"], ["a%d" % i]))
    prev = "a%d" % i
nodes.append(helper.make_node("Add", ["x", prev], ["y"]))
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
    inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
