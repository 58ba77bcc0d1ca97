#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Small models for tests/profile.sh (onnxfix info --profile).

    /usr/bin/python3 tests/gen_profile_models.py OUTDIR

cnn.onnx: Conv, a grouped Conv whose weight two nodes share, a
ConvTranspose and a Gemm (transB) over a symbolic batch N, each in a name
scope; the hand count is 18688 x N multiply-accumulates.
seq.onnx: an LSTM over [seq, batch, 16] (768 x batch x seq) and a batched
MatMul of [batch,4,seq,16] by [batch,4,16,seq] (64 x batch x seq x seq),
with float16 weights in a Constant node and an int64 initializer.
ext.onnx: two initializers naming the same external bytes (one weight),
with the data file left out: the profile must not read it.
attn.onnx: an opset-23 Attention and a GRU over a symbolic length S
(128 x S x S and 2304 x S).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
F = TensorProto.FLOAT


def init(name, shape, dtype=np.float32):
    return numpy_helper.from_array(np.zeros(shape, dtype), name)


def save(g, name, opset=17):
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    onnx.save(m, os.path.join(out, name))


g = helper.make_graph([
    helper.make_node("Conv", ["x", "w1"], ["y1"], "/enc/conv/Conv",
                     pads=[1, 1, 1, 1]),
    helper.make_node("Conv", ["y1", "wdw"], ["y2"], "/enc/dw/Conv",
                     pads=[1, 1, 1, 1], group=4),
    helper.make_node("Conv", ["y2", "wdw"], ["y3"], "/enc/dw2/Conv",
                     pads=[1, 1, 1, 1], group=4),
    helper.make_node("ConvTranspose", ["y3", "wt"], ["y4"],
                     "/dec/up/ConvTranspose", strides=[2, 2]),
    helper.make_node("Flatten", ["y4"], ["f"], "/head/Flatten"),
    helper.make_node("Gemm", ["f", "wg", "bg"], ["y"], "/head/fc/Gemm",
                     transB=1),
], "cnn", [helper.make_tensor_value_info("x", F, ["N", 3, 8, 8])],
    [helper.make_tensor_value_info("y", F, ["N", 10])],
    [init("w1", [4, 3, 3, 3]), init("wdw", [4, 1, 3, 3]),
     init("wt", [4, 2, 2, 2]), init("wg", [10, 512]), init("bg", [10])])
save(g, "cnn.onnx")

h = 8
g = helper.make_graph([
    helper.make_node("Constant", [], ["r"], "/rnn/Constant", value=
                     numpy_helper.from_array(np.zeros([1, 4 * h, h],
                                                      np.float16))),
    helper.make_node("Cast", ["r"], ["r32"], "/rnn/Cast", to=F),
    helper.make_node("LSTM", ["x", "w", "r32"], ["yl"], "/rnn/LSTM",
                     hidden_size=h),
    helper.make_node("MatMul", ["q", "k"], ["s"], "/attn/MatMul"),
    helper.make_node("Reshape", ["s", "shape"], ["s2"], "/attn/Reshape"),
], "seq", [helper.make_tensor_value_info("x", F, ["seq", "batch", 16]),
           helper.make_tensor_value_info("q", F, ["batch", 4, "seq", 16]),
           helper.make_tensor_value_info("k", F, ["batch", 4, 16, "seq"])],
    [helper.make_tensor_value_info("yl", F, None),
     helper.make_tensor_value_info("s2", F, None)],
    [init("w", [1, 4 * h, 16]),
     numpy_helper.from_array(np.array([-1], np.int64), "shape")])
save(g, "seq.onnx")


def ext(name):
    t = onnx.TensorProto()
    t.name = name
    t.data_type = F
    t.dims.extend([64, 64])
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "ext.bin"), ("offset", "0"),
                 ("length", str(64 * 64 * 4))):
        e = t.external_data.add()
        e.key = k
        e.value = v
    return t


g = helper.make_graph([
    helper.make_node("MatMul", ["x", "a"], ["y1"], "/l1/MatMul"),
    helper.make_node("MatMul", ["y1", "b"], ["y"], "/l2/MatMul"),
], "ext", [helper.make_tensor_value_info("x", F, [2, 64])],
    [helper.make_tensor_value_info("y", F, [2, 64])], [ext("a"), ext("b")])
save(g, "ext.onnx")

# attn.onnx (opset 23): Attention of Q, K, V [2, 4, S, 8] (declared
# output, S symbolic): Q x K^T and weights x V, 2 x 2 x 4 x 8 x S x S =
# 128 x S x S; a GRU over [S, 2, 8] with hidden 16 (3 gates): S x 2 x 48
# x (8 + 16) = 2304 x S.
q = helper.make_tensor_value_info
g = helper.make_graph([
    helper.make_node("Attention", ["q", "k", "v"], ["y"], "/attn/Attention"),
    helper.make_node("GRU", ["x", "w", "r"], ["h"], "/gru/GRU",
                     hidden_size=16),
], "attn", [q("q", F, [2, 4, "S", 8]), q("k", F, [2, 4, "S", 8]),
            q("v", F, [2, 4, "S", 8]), q("x", F, ["S", 2, 8])],
    [q("y", F, [2, 4, "S", 8]), q("h", F, None)],
    [init("w", [1, 48, 8]), init("r", [1, 48, 16])])
save(g, "attn.onnx", opset=23)
