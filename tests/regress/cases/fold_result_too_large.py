# SPDX-License-Identifier: MIT
# A valid Gather of small constants whose result would be 16384 x 16384
# floats: fold allocated its doubles (2 GiB) before comparing the result
# with its size limit, and fix failed with "memory budget exceeded".
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

n = 16384
inits = [
    numpy_helper.from_array(np.ones((n, 1), dtype=np.float32), "d"),
    numpy_helper.from_array(np.zeros(n, dtype=np.int64), "i"),
]
nodes = [
    helper.make_node("Gather", ["d", "i"], ["g"], axis=1),
    helper.make_node("Add", ["g", "x"], ["y"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, n])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, n])],
    inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
