#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Generate the golden cases of the layout (analysis) and transpose
# (rewrite) passes as textproto, and the transpose cases again as binary
# models under testdata/verify/ so that tests/verify.sh checks each
# rewrite against ONNX Runtime.  Needs python3-onnx and numpy (Debian).
#
#   /usr/bin/python3 tools/gen_layout_cases.py     (from the project root)
#
# Each case is a few nodes; its first comment line says what it tests and
# whether the rule must fire.  Weights come from a fixed seed.
import os
import sys

import numpy as np
from google.protobuf import text_format
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
rng = np.random.default_rng(20261128)


def arr(name, shape, typed=False):
    a = rng.uniform(-1, 1, size=shape).astype(np.float32)
    if typed:
        return helper.make_tensor(name, F, shape, a.flatten().tolist())
    return numpy_helper.from_array(a, name)


def ints(name, vals):
    return numpy_helper.from_array(np.array(vals, dtype=np.int64), name)


def T(x, y, perm=None):
    if perm is None:
        return helper.make_node("Transpose", [x], [y], name=y)
    return helper.make_node("Transpose", [x], [y], name=y, perm=perm)


def N(op, ins, outs, **attrs):
    return helper.make_node(op, ins, outs, name=outs[0], **attrs)


def vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=13, producer="onnxfix-tests"):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(g, producer_name=producer,
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


NHWC = [0, 2, 3, 1]
NCHW = [0, 3, 1, 2]


def conv_w(name, cout, cin, k=1):
    return arr(name, [cout, cin, k, k])


transpose = {}
layout = {}

# --- transpose (rewrite) ------------------------------------------------------
transpose["cancel-direct"] = ("an inverse pair cancels (fires)", model(
    [T("X", "a", NCHW), T("a", "b", NHWC), N("Relu", ["b"], ["Y"])],
    [vi("X", [1, 4, 5, 3])], [vi("Y", [1, 4, 5, 3])]))
transpose["merge-equal-dims"] = (
    "two [0,2,3,1] on equal dims merge into [0,3,1,2], not cancel (fires)",
    model([T("X", "a", NHWC), T("a", "Y", NHWC)],
          [vi("X", [1, 4, 4, 4])], [vi("Y", [1, 4, 4, 4])]))
transpose["identity"] = ("identity perm removed, output name kept (fires)",
                         model([N("Relu", ["X"], ["a"]),
                                T("a", "Y", [0, 1, 2])],
                               [vi("X", [2, 3, 4])], [vi("Y", [2, 3, 4])]))
transpose["size1-reshape"] = (
    "a Transpose moving only size-1 dims becomes Reshape (fires)",
    model([T("X", "Y", [0, 2, 1, 3])],
          [vi("X", [1, 5, 1, 7])], [vi("Y", [1, 1, 5, 7])]))
transpose["size1-real-move"] = (
    "moving non-1 dims is a real Transpose (must not)",
    model([T("X", "Y", [0, 3, 2, 1])],
          [vi("X", [1, 5, 1, 7])], [vi("Y", [1, 7, 1, 5])]))
transpose["push-mul-const"] = (
    "pushed through Mul with a per-channel constant, which is permuted "
    "(fires)",
    model([T("X", "a", NHWC), N("Mul", ["a", "c"], ["b"]),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 4, 5])], [vi("Y", [1, 3, 4, 5])],
          [arr("c", [3])]))
transpose["shared-init"] = (
    "a constant shared with another node is copied, not changed (fires)",
    model([T("X", "a", NHWC), N("Add", ["a", "c"], ["b"]),
           T("b", "Y", NCHW), N("Mul", ["Z", "c"], ["W"])],
          [vi("X", [1, 3, 2, 2]), vi("Z", [1, 2, 2, 3])],
          [vi("Y", [1, 3, 2, 2]), vi("W", [1, 2, 2, 3])],
          [arr("c", [1, 1, 1, 3], typed=True)]))
transpose["multi-consumer"] = (
    "a Transpose with two consumers and no inverse after them stays "
    "(must not)",
    model([T("X", "a", NHWC), N("Relu", ["a"], ["Y"]),
           N("Reshape", ["a", "s"], ["W"])],
          [vi("X", [1, 3, 2, 2])], [vi("Y", [1, 2, 2, 3]), vi("W", [12])],
          [ints("s", [12])]))
transpose["multi-consumer-cancel"] = (
    "two consumers, one branch cancels: one Transpose less (fires)",
    model([T("X", "a", NHWC), N("Relu", ["a"], ["b"]), T("b", "Y", NCHW),
           N("Reshape", ["a", "s"], ["W"])],
          [vi("X", [1, 3, 2, 2])], [vi("Y", [1, 3, 2, 2]), vi("W", [12])],
          [ints("s", [12])]))
transpose["output-name"] = (
    "the pair around Relu cancels and the graph output keeps its name "
    "(fires)",
    model([T("X", "a", NCHW), N("Relu", ["a"], ["b"]), T("b", "Y", NHWC)],
          [vi("X", [1, 4, 4, 3])], [vi("Y", [1, 4, 4, 3])]))
transpose["binary-nonconst"] = (
    "Add with a non-constant operand and no inverse after it: moving "
    "would add Transposes (must not)",
    model([T("X", "a", NHWC), N("Add", ["a", "Z"], ["Y"])],
          [vi("X", [1, 3, 2, 2]), vi("Z", [1, 2, 2, 3])],
          [vi("Y", [1, 2, 2, 3])]))
transpose["binary-nonconst-cancel"] = (
    "Add with a non-constant operand before an inverse: two Transposes "
    "become one, on the operand (fires)",
    model([T("X", "a", NHWC), N("Add", ["a", "Z"], ["b"]),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 2]), vi("Z", [1, 2, 2, 3])],
          [vi("Y", [1, 3, 2, 2])]))
transpose["binary-both"] = (
    "Add of two Transposes with the same perm (fires)",
    model([T("X", "a", NHWC), T("Z", "z", NHWC), N("Add", ["a", "z"], ["b"]),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 2]), vi("Z", [1, 3, 2, 2])],
          [vi("Y", [1, 3, 2, 2])]))
transpose["binary-lower-rank"] = (
    "a lower-rank constant is unsqueezed, then permuted (fires)",
    model([T("X", "a", NHWC), N("Sub", ["a", "c"], ["b"]),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 4])], [vi("Y", [1, 3, 2, 4])],
          [arr("c", [4, 3])]))
transpose["concat-axis"] = (
    "Concat axis follows the perm (fires)",
    model([T("X", "a", NHWC), T("Z", "z", NHWC),
           N("Concat", ["a", "z"], ["b"], axis=3), T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 2]), vi("Z", [1, 2, 2, 2])],
          [vi("Y", [1, 5, 2, 2])]))
transpose["split-axis"] = (
    "Split axis follows the perm (fires)",
    model([T("X", "a", NHWC), N("Split", ["a"], ["b", "c"], axis=3),
           T("b", "Y", NCHW), T("c", "W", NCHW)],
          [vi("X", [1, 4, 2, 3])], [vi("Y", [1, 2, 2, 3]),
                                    vi("W", [1, 2, 2, 3])]))
transpose["softmax-op11-axis3"] = (
    "Softmax-11 over the last axis: the 2-D coercion crosses the perm "
    "(must not)",
    model([T("X", "a", NHWC), N("Softmax", ["a"], ["b"], axis=3),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 4])], [vi("Y", [1, 3, 2, 4])], opset=11))
transpose["softmax-op11-axis1"] = (
    "Softmax-11 at axis 1: the perm stays inside the coerced groups "
    "(fires)",
    model([T("X", "a", NHWC), N("Softmax", ["a"], ["b"], axis=1),
           T("b", "Y", NCHW)],
          [vi("X", [2, 3, 2, 4])], [vi("Y", [2, 3, 2, 4])], opset=11))
transpose["softmax-op13"] = (
    "Softmax-13: axis -1 becomes perm[3] (fires)",
    model([T("X", "a", NHWC), N("Softmax", ["a"], ["b"]),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 4])], [vi("Y", [1, 3, 2, 4])]))
transpose["reduce-keepdims0"] = (
    "ReduceMean over H,W with keepdims 0: the Transpose vanishes (fires)",
    model([T("X", "a", NHWC),
           N("ReduceMean", ["a"], ["Y"], axes=[1, 2], keepdims=0)],
          [vi("X", [1, 3, 4, 5])], [vi("Y", [1, 3])]))
transpose["reduce-keepdims1"] = (
    "ReduceSum-13 axes input permuted, keepdims 1 (fires)",
    model([T("X", "a", NHWC), N("ReduceSum", ["a", "ax"], ["b"]),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 4, 5])], [vi("Y", [1, 1, 1, 5])],
          [ints("ax", [1, 3])]))
transpose["rank3"] = (
    "3-D [0,2,1] pair around Relu (fires)",
    model([T("X", "a", [0, 2, 1]), N("Relu", ["a"], ["b"]),
           T("b", "Y", [0, 2, 1])],
          [vi("X", [1, 6, 4])], [vi("Y", [1, 6, 4])]))
transpose["rank5"] = (
    "5-D [0,2,3,4,1] pair around Add with a per-channel constant (fires)",
    model([T("X", "a", [0, 2, 3, 4, 1]), N("Add", ["a", "c"], ["b"]),
           T("b", "Y", [0, 4, 1, 2, 3])],
          [vi("X", [1, 3, 2, 2, 2])], [vi("Y", [1, 3, 2, 2, 2])],
          [arr("c", [3])]))
transpose["unsqueeze-squeeze"] = (
    "Unsqueeze then Squeeze (opset 13 axes inputs) (fires)",
    model([T("X", "a", [0, 2, 1]), N("Unsqueeze", ["a", "u"], ["b"]),
           N("Squeeze", ["b", "u"], ["c"]), T("c", "Y", [0, 2, 1])],
          [vi("X", [2, 3, 4])], [vi("Y", [2, 3, 4])],
          [ints("u", [1])]))
transpose["slice-pad-tile"] = (
    "Slice axes, Pad pads and Tile repeats follow the perm (fires)",
    model([T("X", "a", NHWC),
           N("Slice", ["a", "st", "en", "ax"], ["b"]),
           N("Pad", ["b", "pads"], ["c"]),
           N("Tile", ["c", "rep"], ["d"]), T("d", "Y", NCHW)],
          [vi("X", [1, 3, 4, 5])], [vi("Y", [1, 4, 3, 12])],
          [ints("st", [1, 0]), ints("en", [3, 2]), ints("ax", [1, 3]),
           ints("pads", [0, 0, 1, 0, 0, 1, 0, 0]), ints("rep", [1, 1, 2, 2])]))
transpose["argmax-keepdims0"] = (
    "ArgMax over the channels with keepdims 0 (fires)",
    model([T("X", "a", NHWC),
           N("ArgMax", ["a"], ["b"], axis=3, keepdims=0),
           N("Cast", ["b"], ["Y"], to=F)],
          [vi("X", [1, 3, 2, 4])], [vi("Y", [1, 2, 4])]))
transpose["qdq-per-axis"] = (
    "QuantizeLinear/DequantizeLinear per-axis: axis follows the perm "
    "(fires)",
    model([T("X", "a", NHWC),
           N("QuantizeLinear", ["a", "s", "z"], ["q"], axis=3),
           N("DequantizeLinear", ["q", "s", "z"], ["b"], axis=3),
           T("b", "Y", NCHW)],
          [vi("X", [1, 3, 2, 2])], [vi("Y", [1, 3, 2, 2])],
          [numpy_helper.from_array(np.array([0.1, 0.2, 0.05], np.float32),
                                   "s"),
           numpy_helper.from_array(np.array([0, 3, -2], np.int8), "z")]))
then_g = helper.make_graph(
    [T("X", "ta", NHWC), N("Neg", ["ta"], ["tb"]), T("tb", "tY", NCHW)],
    "then", [], [vi("tY", [1, 3, 2, 2])])
else_g = helper.make_graph([N("Relu", ["X"], ["eY"])], "else", [],
                           [vi("eY", [1, 3, 2, 2])])
transpose["subgraph"] = (
    "a pair inside an If branch cancels (fires)",
    model([N("If", ["C"], ["Y"], then_branch=then_g, else_branch=else_g)],
          [vi("X", [1, 3, 2, 2]), vi("C", [], TensorProto.BOOL)],
          [vi("Y", [1, 3, 2, 2])]))
transpose["none"] = ("no Transpose: the model is unchanged (must not)",
                     model([N("Relu", ["X"], ["Y"])], [vi("X", [2, 2])],
                           [vi("Y", [2, 2])]))

# --- layout (analysis) ----------------------------------------------------------
W = conv_w("w", 3, 3)
layout["interface-and-pair"] = (
    "interface Transposes and a pair cancelling around Mul (fires)",
    model([T("X", "a", NCHW), N("Conv", ["a", "w"], ["b"]),
           T("b", "c", NHWC), N("Mul", ["c", "k"], ["d"]),
           T("d", "e", NCHW), N("Conv", ["e", "w"], ["f"]),
           T("f", "Y", NHWC)],
          [vi("X", [1, 4, 4, 3])], [vi("Y", [1, 4, 4, 3])],
          [W, arr("k", [])], producer="tf2onnx"))
layout["sandwich"] = (
    "the converter's pair around Conv, feeding a Reshape (fires)",
    model([N("Relu", ["X"], ["r"]), T("r", "a", NCHW),
           N("Conv", ["a", "w"], ["b"]), T("b", "c", NHWC),
           N("Reshape", ["c", "s"], ["Y"])],
          [vi("X", [1, 2, 2, 3])], [vi("Y", [12])],
          [W, ints("s", [12])]))
layout["required"] = (
    "layout Transposes that stay: Reshape, several consumers (fires)",
    model([T("X", "a", NCHW), N("Conv", ["a", "w"], ["b"]),
           T("b", "c", NHWC), N("Reshape", ["c", "s"], ["Y"]),
           N("Relu", ["c"], ["W"])],
          [vi("X", [1, 2, 2, 3])], [vi("Y", [12]), vi("W", [1, 2, 2, 3])],
          [W, ints("s", [12])]))
layout["equal-dims"] = (
    "equal dims: [0,2,3,1] twice is mergeable, not a cancelling pair "
    "(fires P502 only)",
    model([N("Relu", ["X"], ["r"]), T("r", "a", NHWC), T("a", "b", NHWC),
           N("Relu", ["b"], ["Y"])],
          [vi("X", [1, 4, 4, 4])], [vi("Y", [1, 4, 4, 4])]))
layout["identity"] = ("identity perm (fires)",
                      model([N("Relu", ["X"], ["r"]),
                             T("r", "a", [0, 1, 2]),
                             N("Relu", ["a"], ["Y"])],
                            [vi("X", [2, 3, 4])], [vi("Y", [2, 3, 4])]))
layout["size1"] = ("a Transpose moving only size-1 dims (fires)",
                   model([N("Relu", ["X"], ["r"]),
                          T("r", "a", [0, 2, 1, 3]),
                          N("Relu", ["a"], ["Y"])],
                         [vi("X", [1, 5, 1, 7])], [vi("Y", [1, 1, 5, 7])]))
layout["attention"] = (
    "a head-split [0,2,1,3] is no layout Transpose: no finding (must not)",
    model([N("Reshape", ["X", "s"], ["r"]), T("r", "a", [0, 2, 1, 3]),
           N("MatMul", ["a", "a2"], ["Y"])],
          [vi("X", [1, 4, 8])], [vi("Y", [1, 2, 4, 4])],
          [ints("s", [1, 4, 2, 4]), arr("a2", [4, 4])]))
layout["tf-clean"] = (
    "a tf2onnx model without Transposes: no finding (must not)",
    model([N("Conv", ["X", "w"], ["Y"])], [vi("X", [1, 3, 2, 2])],
          [vi("Y", [1, 3, 2, 2])], [W], producer="tf2onnx"))
layout["rank3-interface"] = (
    "3-D [0,2,1] Transposes at both ends of a Conv1d (fires)",
    model([T("X", "a", [0, 2, 1]), N("Conv", ["a", "w1"], ["b"]),
           T("b", "Y", [0, 2, 1])],
          [vi("X", [1, 6, 3])], [vi("Y", [1, 6, 3])],
          [arr("w1", [3, 3, 1])]))
layout["rank5-pair"] = (
    "5-D pair cancelling through Relu (fires)",
    model([N("Relu", ["X"], ["r"]), T("r", "a", [0, 2, 3, 4, 1]),
           N("Relu", ["a"], ["b"]), T("b", "c", [0, 4, 1, 2, 3]),
           N("Relu", ["c"], ["Y"])],
          [vi("X", [1, 2, 2, 2, 2])], [vi("Y", [1, 2, 2, 2, 2])]))
layout["softmax-op11"] = (
    "Softmax-11 over the last axis blocks the pair: no cancelling "
    "finding (must not)",
    model([N("Relu", ["X"], ["r"]), T("r", "a", NHWC),
           N("Softmax", ["a"], ["b"], axis=3), T("b", "c", NCHW),
           N("Relu", ["c"], ["Y"])],
          [vi("X", [1, 3, 2, 4])], [vi("Y", [1, 3, 2, 4])], opset=11))
layout["softmax-op13"] = (
    "Softmax-13 lets the pair cancel (fires)",
    model([N("Relu", ["X"], ["r"]), T("r", "a", NHWC),
           N("Softmax", ["a"], ["b"], axis=3), T("b", "c", NCHW),
           N("Relu", ["c"], ["Y"])],
          [vi("X", [1, 3, 2, 4])], [vi("Y", [1, 3, 2, 4])]))
layout["invalid-perm"] = ("a perm that repeats an axis (fires)",
                          model([T("X", "Y", [0, 0, 1])],
                                [vi("X", [2, 3, 4])], [vi("Y", [2, 2, 3])]))
layout["subgraph"] = (
    "a cancelling pair inside an If branch (fires)",
    transpose["subgraph"][1])


def write_text(path, comment, m):
    with open(path, "w") as f:
        f.write("# " + comment + "\n")
        f.write(text_format.MessageToString(m))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    for d in ("testdata/transpose", "testdata/layout", "testdata/verify"):
        os.makedirs(d, exist_ok=True)
    for name, (comment, m) in sorted(transpose.items()):
        write_text("testdata/transpose/%s.textproto" % name, comment, m)
        if name not in ("none",):
            with open("testdata/verify/transpose-%s.onnx" % name, "wb") as f:
                f.write(m.SerializeToString())
    for name, (comment, m) in sorted(layout.items()):
        write_text("testdata/layout/%s.textproto" % name, comment, m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
