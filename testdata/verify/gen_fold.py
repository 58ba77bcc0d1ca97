#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Generate testdata/verify/fold-ops.onnx and the golden inputs
# testdata/fold/shape-arith.textproto and testdata/identity/noops.textproto:
# constant shape arithmetic the fold pass evaluates (Mod with both fmod
# conventions, Pow, comparisons, logical operators, Where, Range,
# Expand, Tile, ConstantOfShape, ScatterND, Size, ReduceMin/Max/Sum/Prod)
# and the inference no-ops the identity pass removes (Dropout, Cast,
# Concat, Reshape, Expand, Slice, Pad, Tile); also pad-merge.onnx and
# testdata/identity/pad-merge.textproto.  Each constant result is added
# to a graph input, so that tests/verify.sh compares what ONNX Runtime
# computes at run time with what fix folded.
#
# Usage: /usr/bin/python3 testdata/verify/gen_fold.py  (from the project
# root; needs Debian's python3-onnx and numpy)
import os
import sys

import numpy as np
from google.protobuf import text_format
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
F = TensorProto.FLOAT


def const(name, arr):
    return helper.make_node("Constant", [], [name], name=name,
                            value=numpy_helper.from_array(np.asarray(arr),
                                                          name))


def fold_cases():
    """(nodes, result name, numpy result) of each constant expression."""
    i64 = lambda *v: np.array(v, dtype=np.int64)
    cases = []
    a = i64(-7, 7, -7, 7, 5, 0)
    b = i64(3, 3, -3, -3, -2, 4)
    cases.append(([const("ma", a), const("mb", b),
                   helper.make_node("Mod", ["ma", "mb"], ["mod0"])],
                  "mod0", np.mod(a, b)))
    a32, b32 = a.astype(np.int32), b.astype(np.int32)
    cases.append(([const("ma32", a32), const("mb32", b32),
                   helper.make_node("Mod", ["ma32", "mb32"], ["mod1"],
                                    fmod=1)],
                  "mod1", np.fmod(a32, b32)))
    fa = np.array([5.5, -5.5, 7.25], dtype=np.float32)
    fb = np.array([2, 2, -0.5], dtype=np.float32)
    cases.append(([const("mfa", fa), const("mfb", fb),
                   helper.make_node("Mod", ["mfa", "mfb"], ["modf"],
                                    fmod=1)],
                  "modf", np.fmod(fa, fb)))
    pa = np.array([32, 1.5, -3], dtype=np.float32)
    pb = np.array([-0.5], dtype=np.float32)
    cases.append(([const("pa", pa[:2]), const("pb", pb),
                   helper.make_node("Pow", ["pa", "pb"], ["pow0"])],
                  "pow0", np.power(pa[:2], pb)))
    cases.append(([const("pc", pa), const("pd", np.float32(2)),
                   helper.make_node("Pow", ["pc", "pd"], ["pow1"])],
                  "pow1", pa * pa))
    cases.append(([const("pi", i64(2, 3, -4)), const("pj", i64(10, 3, 3)),
                   helper.make_node("Pow", ["pi", "pj"], ["powi"])],
                  "powi", i64(1024, 27, -64)))
    ca = i64(1, 5, 3)
    cb = i64(3, 5, 1)
    for op, fn in [("Equal", np.equal), ("Less", np.less),
                   ("Greater", np.greater), ("LessOrEqual", np.less_equal),
                   ("GreaterOrEqual", np.greater_equal)]:
        o = op.lower()
        cases.append(([const(o + "a", ca.reshape(3, 1)),
                       const(o + "b", cb),
                       helper.make_node(op, [o + "a", o + "b"], [o + "c"]),
                       helper.make_node("Where", [o + "c", o + "a",
                                                  o + "b"], [o])],
                      o, np.where(fn(ca.reshape(3, 1), cb),
                                  ca.reshape(3, 1), cb)))
    t = np.array([True, False, True, False])
    u = np.array([True, True, False, False])
    for op, fn in [("And", np.logical_and), ("Or", np.logical_or),
                   ("Xor", np.logical_xor)]:
        o = op.lower()
        cases.append(([const(o + "a", t), const(o + "b", u),
                       helper.make_node(op, [o + "a", o + "b"], [o + "c"]),
                       helper.make_node("Not", [o + "c"], [o + "n"]),
                       helper.make_node("Cast", [o + "n"], [o], to=F)],
                      o, (~fn(t, u)).astype(np.float32)))
    cases.append(([const("rs", np.int64(0)), const("rl", np.int64(10)),
                   const("rd", np.int64(3)),
                   helper.make_node("Range", ["rs", "rl", "rd"], ["range"])],
                  "range", np.arange(0, 10, 3, dtype=np.int64)))
    cases.append(([const("rfs", np.float32(1)), const("rfl", np.float32(-6)),
                   const("rfd", np.float32(-2)),
                   helper.make_node("Range", ["rfs", "rfl", "rfd"],
                                    ["rangef"])],
                  "rangef", np.arange(1, -6, -2, dtype=np.float32)))
    e = np.array([[1.5], [2.5], [-1]], dtype=np.float32)
    cases.append(([const("ex", e), const("es", i64(2, 1, 4)),
                   helper.make_node("Expand", ["ex", "es"], ["expand"])],
                  "expand", e * np.ones((2, 3, 4), dtype=np.float32)))
    tl = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    cases.append(([const("tx", tl), const("tr", i64(2, 1)),
                   helper.make_node("Tile", ["tx", "tr"], ["tile"])],
                  "tile", np.tile(tl, (2, 1))))
    cases.append(([const("cs", i64(2, 3)),
                   helper.make_node("ConstantOfShape", ["cs"], ["cos"],
                                    value=numpy_helper.from_array(
                                        np.array([7], dtype=np.int64)))],
                  "cos", np.full((2, 3), 7, dtype=np.int64)))
    cases.append(([const("cs0", i64(4)),
                   helper.make_node("ConstantOfShape", ["cs0"], ["cos0"])],
                  "cos0", np.zeros(4, dtype=np.float32)))
    d = np.arange(12, dtype=np.float32).reshape(4, 3)
    upd = -np.arange(6, dtype=np.float32).reshape(2, 3)
    sc = d.copy()
    sc[1], sc[3] = upd[0], upd[1]
    cases.append(([const("sd", d), const("si", i64(1, 3).reshape(2, 1)),
                   const("su", upd),
                   helper.make_node("ScatterND", ["sd", "si", "su"],
                                    ["scatter"])],
                  "scatter", sc))
    rx = np.array([[3, -1, 7], [2, 9, -4]], dtype=np.int64)
    rf = np.array([[1.5, -2.25, 0.5], [8, -0.125, 3]], dtype=np.float32)
    cases.append(([const("rmin", rf),
                   helper.make_node("ReduceMin", ["rmin"], ["redmin"],
                                    keepdims=0)],
                  "redmin", np.float32(rf.min())))
    cases.append(([const("rmax", rf),
                   helper.make_node("ReduceMax", ["rmax"], ["redmax"],
                                    axes=[1])],
                  "redmax", rf.max(axis=1, keepdims=True)))
    cases.append(([const("rsum", rx), const("rsuma", i64(0)),
                   helper.make_node("ReduceSum", ["rsum", "rsuma"],
                                    ["redsum"], keepdims=0)],
                  "redsum", rx.sum(axis=0)))
    cases.append(([const("rprod", rx),
                   helper.make_node("ReduceProd", ["rprod"], ["redprod"])],
                  "redprod", np.prod(rx, keepdims=True)))
    cases.append(([const("zx", d),
                   helper.make_node("Size", ["zx"], ["size"])],
                  "size", np.int64(12)))
    return cases


def noop_cases(x="X"):
    """(nodes, result name) of each no-op on X [2, 3]."""
    c = []
    c.append(([const("dr", np.float32(0)), const("dt", np.bool_(True)),
               helper.make_node("Dropout", [x, "dr", "dt"], ["drop"])],
              "drop"))
    c.append(([helper.make_node("Dropout", [x], ["drop2"])], "drop2"))
    c.append(([helper.make_node("Cast", [x], ["cast"], to=F)], "cast"))
    c.append(([helper.make_node("Concat", [x], ["concat"], axis=0)],
              "concat"))
    c.append(([const("rsh", np.array([2, -1], dtype=np.int64)),
               helper.make_node("Reshape", [x, "rsh"], ["reshape"])],
              "reshape"))
    c.append(([const("exs", np.array([1, 3], dtype=np.int64)),
               helper.make_node("Expand", [x, "exs"], ["expand_x"])],
              "expand_x"))
    c.append(([const("sls", np.array([0, -5], dtype=np.int64)),
               const("sle", np.array([9, 3], dtype=np.int64)),
               helper.make_node("Slice", [x, "sls", "sle"], ["slice"])],
              "slice"))
    c.append(([const("pp", np.zeros(4, dtype=np.int64)),
               helper.make_node("Pad", [x, "pp"], ["pad"], mode="edge")],
              "pad"))
    c.append(([const("tt", np.ones(2, dtype=np.int64)),
               helper.make_node("Tile", [x, "tt"], ["tile_x"])],
              "tile_x"))
    c.append(([const("one1", np.ones((1, 1), dtype=np.float32)),
               helper.make_node("Mul", ["one1", x], ["mul1"])], "mul1"))
    c.append(([const("onef", np.float32(1)),
               helper.make_node("Div", [x, "onef"], ["div1"])], "div1"))
    c.append(([const("zerof", np.float32(0)),
               helper.make_node("Sub", [x, "zerof"], ["sub0"])], "sub0"))
    c.append(([const("negzero", np.float32(-0.0)),
               helper.make_node("Add", [x, "negzero"], ["add0"])], "add0"))
    # not no-ops: a reversing Slice, a Pad that shifts, a Dropout whose
    # mask is read, x + 0.0 (-0.0 becomes 0.0), a Mul by ones that
    # broadcasts
    c.append(([helper.make_node("Add", [x, "zerof"], ["addpos0"])],
              "addpos0"))
    c.append(([const("ones3", np.ones((1, 2, 3), dtype=np.float32)),
               helper.make_node("Mul", [x, "ones3"], ["mulb"]),
               const("ax0", np.array([0], dtype=np.int64)),
               helper.make_node("Squeeze", ["mulb", "ax0"], ["mulbs"])],
              "mulbs"))
    c.append(([const("rvs", np.array([-1], dtype=np.int64)),
               const("rve", np.array([-9], dtype=np.int64)),
               const("rva", np.array([0], dtype=np.int64)),
               const("rvp", np.array([-1], dtype=np.int64)),
               helper.make_node("Slice", [x, "rvs", "rve", "rva", "rvp"],
                                ["reverse"])],
              "reverse"))
    c.append(([const("ps", np.array([0, 1, 0, -1], dtype=np.int64)),
               helper.make_node("Pad", [x, "ps"], ["shift"])],
              "shift"))
    c.append(([helper.make_node("Dropout", [x], ["drop3", "mask"]),
               helper.make_node("Cast", ["mask"], ["maskf"], to=F),
               helper.make_node("Add", ["drop3", "maskf"], ["masked"])],
              "masked"))
    return c


def mapping_np(dtype):
    return {np.dtype(np.float32): TensorProto.FLOAT,
            np.dtype(np.int64): TensorProto.INT64,
            np.dtype(np.int32): TensorProto.INT32,
            np.dtype(np.bool_): TensorProto.BOOL}[np.dtype(dtype)]


def pad_model():
    """Pads of zeros that identity merges into a Conv or AveragePool, and
    ones it keeps (a value of 1, the channel axis, an AveragePool with
    padding it does not count, a Pad read twice)."""
    i64 = lambda *v: np.array(v, dtype=np.int64)
    w = (np.arange(2 * 2 * 3 * 3, dtype=np.float32).reshape(2, 2, 3, 3) -
         17) / 8
    nodes = [
        const("p1", i64(0, 0, 1, 2, 0, 0, 1, 0)),
        helper.make_node("Pad", ["X", "p1"], ["xp1"], name="pad_avg"),
        helper.make_node("AveragePool", ["xp1"], ["avg"],
                         kernel_shape=[3, 3]),
        const("p2", i64(0, 0, 1, 1, 0, 0, 2, 1)),
        helper.make_node("Pad", ["X", "p2"], ["xp2"], name="pad_conv"),
        helper.make_node("Conv", ["xp2", "W"], ["conv"], pads=[1, 0, 0, 1]),
        const("p3", i64(0, 0, 1, 1, 0, 0, 1, 1)),
        const("one", np.float32(1)),
        helper.make_node("Pad", ["X", "p3", "one"], ["xp3"],
                         name="pad_one"),
        helper.make_node("Conv", ["xp3", "W"], ["conv_one"]),
        const("p4", i64(0, 1, 0, 0, 0, 1, 0, 0)),
        helper.make_node("Pad", ["X", "p4"], ["xp4"], name="pad_channel"),
        helper.make_node("AveragePool", ["xp4"], ["avg_c"],
                         kernel_shape=[2, 2]),
        helper.make_node("Pad", ["X", "p1"], ["xp5"], name="pad_uncounted"),
        helper.make_node("AveragePool", ["xp5"], ["avg_u"],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Pad", ["X", "p1"], ["xp6"], name="pad_twice"),
        helper.make_node("Conv", ["xp6", "W"], ["conv_a"]),
        helper.make_node("Relu", ["xp6"], ["conv_b"]),
    ]
    vi = helper.make_tensor_value_info
    outs = [vi(n, F, d) for n, d in [
        ("avg", [1, 2, 5, 6]), ("conv", [1, 2, 7, 7]),
        ("conv_one", [1, 2, 5, 6]), ("avg_c", [1, 4, 4, 5]),
        ("avg_u", [1, 2, 7, 8]), ("conv_a", [1, 2, 5, 6]),
        ("conv_b", [1, 2, 7, 8])]]
    g = helper.make_graph(nodes, "g", [vi("X", F, [1, 2, 5, 6])], outs,
                          [numpy_helper.from_array(w, "W")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)],
                          producer_name="onnxfix-tests")
    m.ir_version = 8
    return m


def textproto(path, comment, model):
    with open(path, "w") as f:
        for line in comment.splitlines():
            f.write("# " + line + "\n")
        f.write(text_format.MessageToString(model))


def model(nodes, inputs, outputs, opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="onnxfix-tests")
    m.ir_version = 8
    return m


def main():
    vi = helper.make_tensor_value_info
    # golden fold case: each result read by an Identity to a graph
    # output (an output itself is never folded)
    nodes, outs = [], []
    for ns, name, val in fold_cases():
        nodes += ns
        nodes.append(helper.make_node("Identity", [name], ["out_" + name]))
        outs.append(vi("out_" + name, mapping_np(
            np.asarray(val).dtype), list(np.shape(val))))
    textproto(os.path.join(ROOT, "testdata/fold/shape-arith.textproto"),
              "F391: Mod (fmod 0 and 1), Pow, comparisons, Where, logical "
              "operators,\nRange, Expand, Tile, ConstantOfShape, "
              "ScatterND, Size on constants\n(testdata/verify/gen_fold.py)\n"
              "args: -v",
              model(nodes, [], outs))
    # golden identity case
    nodes, outs = [helper.make_node("Relu", ["X"], ["r"])], []
    for ns, name in noop_cases("r"):
        nodes += ns
        nodes.append(helper.make_node("Neg", [name], ["y_" + name]))
        outs.append(vi("y_" + name, F, [2, 3]))
    x = vi("X", F, [2, 3])
    textproto(os.path.join(ROOT, "testdata/identity/noops.textproto"),
              "F396: Dropout (ratio 0; opset 17 default), Cast to its own "
              "type, Concat\nof one input, Reshape and Expand to the same "
              "shape, Slice of the\nwhole, Pad of zeros, Tile by ones, Mul "
              "and Div by 1, Sub of 0, Add of -0.0;\nkept: a reversing "
              "Slice, a shifting Pad, a Dropout whose mask is read,\n"
              "Add of 0.0, a Mul by ones that broadcasts "
              "(testdata/verify/gen_fold.py)\nargs: -v",
              model(nodes, [x], outs))
    # ORT check: every constant result added to an input of its shape
    nodes, ins, outs = [], [x], []
    for ns, name, val in fold_cases():
        val = np.asarray(val)
        nodes += ns
        src = name
        if val.dtype != np.float32:
            nodes.append(helper.make_node("Cast", [name], [name + "_f"],
                                          to=F))
            src = name + "_f"
        ins.append(vi("in_" + name, F, list(val.shape)))
        nodes.append(helper.make_node("Add", ["in_" + name, src],
                                      ["y_" + name]))
        outs.append(vi("y_" + name, F, list(val.shape)))
    for ns, name in noop_cases():
        nodes += ns
        nodes.append(helper.make_node("Neg", [name], ["y_" + name]))
        outs.append(vi("y_" + name, F, [2, 3]))
    m = model(nodes, ins, outs)
    with open(os.path.join(ROOT, "testdata/verify/fold-ops.onnx"),
              "wb") as f:
        f.write(m.SerializeToString())
    m = pad_model()
    textproto(os.path.join(ROOT, "testdata/identity/pad-merge.textproto"),
              "F397: Pads of zeros merged into an AveragePool (which then "
              "counts the\npadding) and a Conv; kept: a pad value of 1, "
              "the channel axis, an\nAveragePool with padding it does not "
              "count, a Pad read twice\n(testdata/verify/gen_fold.py)",
              m)
    with open(os.path.join(ROOT, "testdata/verify/pad-merge.onnx"),
              "wb") as f:
        f.write(m.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
