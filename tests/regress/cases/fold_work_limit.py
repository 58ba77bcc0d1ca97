# SPDX-License-Identifier: MIT
# Constant MatMuls whose arithmetic passes fold's work limits: one of
# 2^25 multiply-adds (past the 2^24 a node may take), and 40 that share
# one weight and take 2^21 each (past the 2^26 a run may take after 32
# of them).  Each such node stays, with the one warning F399, and fix
# goes on; the first 32 small ones fold.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

rng = np.random.default_rng(5)
a = rng.standard_normal((256, 512)).astype(np.float32)
b = rng.standard_normal((512, 256)).astype(np.float32)
w = rng.standard_normal((128, 128)).astype(np.float32)
inits = [numpy_helper.from_array(a, "a"), numpy_helper.from_array(b, "b"),
         numpy_helper.from_array(w, "w")]
nodes = [helper.make_node("MatMul", ["a", "b"], ["big"], name="big"),
         helper.make_node("Add", ["big", "x"], ["y"], name="add")]
outs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [256, 256])]
for k in range(40):
    v = rng.standard_normal((128, 128)).astype(np.float32)
    inits.append(numpy_helper.from_array(v, "v%d" % k))
    nodes.append(helper.make_node("MatMul", ["v%d" % k, "w"], ["m%d" % k],
                                  name="m%d" % k))
    nodes.append(helper.make_node("Add", ["m%d" % k, "z"], ["o%d" % k],
                                  name="o%d" % k))
    outs.append(helper.make_tensor_value_info("o%d" % k, TensorProto.FLOAT,
                                              [128, 128]))
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [256, 256]),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, [128, 128])],
    outs, inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
