#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes testdata/verify/pads-*.onnx: Conv nodes with asymmetric explicit
# pads (TensorFlow's SAME written out and others), stride 1 and 2, even
# and odd kernels, a grouped and dilated one with bias, at opset 13 (Pad
# takes its pads as an input) and 10 (Pad-2 attributes).  tests/verify.sh
# fixes each with --pads split and requires ONNX Runtime's outputs to be
# the same bit for bit (NAME.verify).  Run from the project root:
#	/usr/bin/python3 testdata/verify/gen_pads.py
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(16)

CASES = [
    # name, size, kernel, stride, dilation, group, pads, opset
    ("pads-k2-s1-same", 5, 2, 1, 1, 1, [0, 0, 1, 1], 13),
    ("pads-k3-s1-asym", 6, 3, 1, 1, 1, [0, 1, 2, 1], 13),
    ("pads-k2-s2-same", 5, 2, 2, 1, 1, [0, 0, 1, 1], 13),
    ("pads-k3-s2-same", 4, 3, 2, 1, 1, [0, 0, 1, 1], 13),
    ("pads-k4-s2-asym", 7, 4, 2, 1, 1, [2, 1, 1, 2], 13),
    ("pads-k3-s2-group-dil", 9, 3, 2, 2, 2, [1, 2, 2, 1], 13),
    ("pads-k3-s2-opset10", 4, 3, 2, 1, 1, [0, 0, 1, 1], 10),
]

for name, size, k, s, d, grp, pads, opset in CASES:
    cin, cout = 2 * grp, 2 * grp
    w = rng.standard_normal((cout, cin // grp, k, k)).astype(np.float32)
    b = rng.standard_normal((cout,)).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv",
                            kernel_shape=[k, k], strides=[s, s],
                            dilations=[d, d], group=grp, pads=pads)
    g = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, cin, size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, cout, None, None])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="testdata/verify/gen_pads.py")
    m.ir_version = 7
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, os.path.join(HERE, name + ".onnx"))
    with open(os.path.join(HERE, name + ".verify"), "w") as f:
        f.write("# the default fix, and --pads split bit for bit\n|\n"
                "--pads split | --rtol 0 --atol 0\n")
