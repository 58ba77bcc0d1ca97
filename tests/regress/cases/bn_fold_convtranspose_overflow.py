# SPDX-License-Identifier: MIT
# bn-fold of a ConvTranspose with an empty weight of dims [0, 2, 1, 1] and
# group 2^62: its output channel count, M/group x group, overflowed.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

w = TensorProto()
w.name = "W"
w.data_type = TensorProto.FLOAT
w.dims.extend([0, 2, 1, 1])
w.raw_data = b""
inits = [w] + [
    numpy_helper.from_array(np.ones(4, dtype=np.float32), n)
    for n in ("s", "b", "m", "v")
]
nodes = [
    helper.make_node("ConvTranspose", ["x", "W"], ["z"], group=2**62),
    helper.make_node("BatchNormalization", ["z", "s", "b", "m", "v"],
                     ["y"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 0, 2, 2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 15)]),
     sys.argv[1])
