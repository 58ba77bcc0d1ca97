# SPDX-License-Identifier: MIT
# A Conv whose first begin pad is INT64_MAX: telling TensorFlow's SAME
# from other asymmetric pads computed begin + 1 (signed overflow, found
# by the graph fuzzer through check --target ort-cpu).
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

w = numpy_helper.from_array(np.ones([2, 1, 3, 3], np.float32), "w")
g = helper.make_graph(
    [helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3],
                      pads=[2**63 - 1, 0, 0, 0])],
    "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
