#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The model of tests/input-shape.sh (fix --input-shape, --dim-param).

    /usr/bin/python3 tests/input_shape/gen.py OUTDIR

chain.onnx: inputs x float[batch,seq,4] and m float[batch,seq]; the
exporter's chain Shape(x) -> Gather -> Unsqueeze -> Concat -> Reshape
flattens x per batch row; x @ w with w in external data (w.bin);
outputs declared with exporter-style dim names (Reshape_dim_1) and a
value_info naming seq.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
F = TensorProto.FLOAT
w = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
g = helper.make_graph([
    helper.make_node("Shape", ["x"], ["s"], "/Shape"),
    helper.make_node("Gather", ["s", "i0"], ["b"], "/Gather", axis=0),
    helper.make_node("Unsqueeze", ["b", "ax0"], ["bu"], "/Unsqueeze"),
    helper.make_node("Concat", ["bu", "m1"], ["t"], "/Concat", axis=0),
    helper.make_node("Reshape", ["x", "t"], ["y"], "/Reshape"),
    helper.make_node("MatMul", ["x", "w"], ["q"], "/MatMul"),
    helper.make_node("Mul", ["m", "m"], ["mm"], "/Mul"),
    helper.make_node("Relu", ["mm"], ["z"], "/Relu"),
], "chain",
    [helper.make_tensor_value_info("x", F, ["batch", "seq", 4]),
     helper.make_tensor_value_info("m", F, ["batch", "seq"])],
    [helper.make_tensor_value_info("y", F, ["batch", "Reshape_dim_1"]),
     helper.make_tensor_value_info("q", F, ["batch", "seq", 4]),
     helper.make_tensor_value_info("z", F, [None, None])],
    [numpy_helper.from_array(np.array(0, np.int64), "i0"),
     numpy_helper.from_array(np.array([0], np.int64), "ax0"),
     numpy_helper.from_array(np.array([-1], np.int64), "m1"),
     numpy_helper.from_array(w, "w")],
    value_info=[helper.make_tensor_value_info("mm", F, ["batch", "seq"])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
t = m.graph.initializer[3]
with open(os.path.join(out, "w.bin"), "wb") as f:
    f.write(t.raw_data)
t.ClearField("raw_data")
t.data_location = TensorProto.EXTERNAL
for k, v in (("location", "w.bin"), ("offset", "0"), ("length", "64")):
    e = t.external_data.add()
    e.key = k
    e.value = v
onnx.save(m, os.path.join(out, "chain.onnx"))
