# SPDX-License-Identifier: MIT
# bn-fold of a Gemm whose C is (N, 1) would make C (N, M) for N = M =
# 16384: 2 GiB of doubles, and fix failed with "memory budget exceeded"
# on a valid 400 KB model.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

n = 16384
inits = [
    numpy_helper.from_array(np.ones((1, n), dtype=np.float32), "W"),
    numpy_helper.from_array(np.ones((n, 1), dtype=np.float32), "C"),
    numpy_helper.from_array(np.ones(n, dtype=np.float32), "s"),
    numpy_helper.from_array(np.zeros(n, dtype=np.float32), "b"),
    numpy_helper.from_array(np.zeros(n, dtype=np.float32), "m"),
    numpy_helper.from_array(np.ones(n, dtype=np.float32), "v"),
]
nodes = [
    helper.make_node("Gemm", ["x", "W", "C"], ["z"]),
    helper.make_node("BatchNormalization", ["z", "s", "b", "m", "v"],
                     ["y"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n, 1])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n, n])],
    inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 15)]),
     sys.argv[1])
