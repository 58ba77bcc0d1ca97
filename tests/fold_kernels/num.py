#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Constant expressions for fold's numeric kernels (passes/fold_num.c):
MatMul with numpy's 1-D and batch rules, Gemm, Conv in one to three
dims with strides, dilations, pads, auto_pad and groups, the float
reductions, Softmax, LogSoftmax, CumSum, the elementwise functions, and
the exact Clip, Sign, Round, IsNaN, IsInf and Trilu.

    /usr/bin/python3 tests/fold_kernels/num.py OUTDIR
    /usr/bin/python3 tests/fold_kernels/num.py --verify MODEL FIXED

Writes OUTDIR/num13.onnx, num14.onnx, num18.onnx and num20.onnx (the
opset each operator form needs); in each, every expression's result is
added to an input of its shape.  --verify checks FIXED, onnxfix fix's
output of MODEL: every expression folded into an initializer of numpy's
dtype and shape, within one float32 spacing of numpy's float64 result
(the exact operators: equal), and no node left but the Adds.  Prints one
line per failure and exits 1 if any.
"""
import os
import sys

import numpy as np
import onnx

import gen as kernels  # tests/fold_kernels/gen.py: the model builder

rng = np.random.default_rng(23)


def f32(*shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def d(x):
    return x.astype(np.float64)


def conv(x, w, b, strides, pads, dil, group):
    """Reference N-D convolution in float64 (pads: begins then ends)."""
    x, w = d(x), d(w)
    sr = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[sr + i])
                                       for i in range(sr)])
    ks = w.shape[2:]
    ext = [dil[i] * (ks[i] - 1) + 1 for i in range(sr)]
    out = [(xp.shape[2 + i] - ext[i]) // strides[i] + 1 for i in range(sr)]
    n, cin = x.shape[:2]
    m = w.shape[0]
    cg, mg = cin // group, m // group
    y = np.zeros([n, m] + out)
    for pos in np.ndindex(*out):
        sl = tuple(slice(pos[i] * strides[i],
                         pos[i] * strides[i] + ext[i], dil[i])
                   for i in range(sr))
        for g in range(group):
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + sl]
            wg = w[g * mg:(g + 1) * mg]
            y[(slice(None), slice(g * mg, (g + 1) * mg)) + pos] = \
                np.tensordot(patch, wg, axes=(list(range(1, sr + 2)),
                                              list(range(1, sr + 2))))
    if b is not None:
        y += d(b).reshape([1, m] + [1] * sr)
    return y


def same_pads(x, k, strides, dil, lower):
    sr = len(k)
    pb, pe = [], []
    for i in range(sr):
        dim = x.shape[2 + i]
        out = -(-dim // strides[i])
        tot = max(0, (out - 1) * strides[i] + dil[i] * (k[i] - 1) + 1 - dim)
        b = tot - tot // 2 if lower else tot // 2
        pb.append(b)
        pe.append(tot - b)
    return pb + pe


def softmax(x, axis):
    x = d(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def logsoftmax(x, axis):
    x = d(x)
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-d(x)))


def softplus(x):
    return np.log1p(np.exp(d(x)))


# One table per opset: name -> (op, attributes, operands, float64 or
# exact result, exact?)
CASES = {13: {}, 14: {}, 18: {}, 20: {}}
c13 = CASES[13]

A, B = f32(3, 4), f32(4, 5)
c13["matmul"] = ("MatMul", {}, [A, B], d(A) @ d(B), False)
A, B = f32(2, 1, 3, 4), f32(3, 4, 2)
c13["matmul_batch"] = ("MatMul", {}, [A, B], d(A) @ d(B), False)
A, B = f32(4), f32(2, 4, 3)
c13["matmul_1d_a"] = ("MatMul", {}, [A, B], d(A) @ d(B), False)
A, B = f32(2, 3, 4), f32(4)
c13["matmul_1d_b"] = ("MatMul", {}, [A, B], d(A) @ d(B), False)
A, B = f32(4), f32(4)
c13["matmul_1d_both"] = ("MatMul", {}, [A, B], np.array(d(A) @ d(B)),
                         False)
A, B, C = f32(4, 3), f32(5, 4), f32(5)
c13["gemm_trans"] = ("Gemm", {"transA": 1, "transB": 1, "alpha": 0.5,
                              "beta": 2.0}, [A, B, C],
                     0.5 * (d(A).T @ d(B).T) + 2.0 * d(C), False)
A, B, C = f32(2, 3), f32(3, 2), f32(2, 1)
c13["gemm_col"] = ("Gemm", {}, [A, B, C], d(A) @ d(B) + d(C), False)
A, B = f32(2, 3), f32(3, 2)
c13["gemm_noc"] = ("Gemm", {}, [A, B], d(A) @ d(B), False)

X, W, Bc = f32(1, 3, 7, 6), f32(4, 3, 3, 2), f32(4)
c13["conv2d"] = ("Conv", {"strides": [2, 1], "pads": [1, 0, 1, 1],
                          "dilations": [1, 2]}, [X, W, Bc],
                 conv(X, W, Bc, [2, 1], [1, 0, 1, 1], [1, 2], 1), False)
X, W = f32(2, 4, 5, 5), f32(6, 2, 3, 3)
c13["conv_group_same"] = ("Conv", {"group": 2, "auto_pad": "SAME_UPPER"},
                          [X, W], conv(X, W, None, [1, 1],
                                       same_pads(X, [3, 3], [1, 1],
                                                 [1, 1], False),
                                       [1, 1], 2), False)
X, W = f32(1, 2, 9), f32(3, 2, 4)
c13["conv1d_same_lower"] = ("Conv", {"auto_pad": "SAME_LOWER",
                                     "strides": [2]}, [X, W],
                            conv(X, W, None, [2],
                                 same_pads(X, [4], [2], [1], True), [1], 1),
                            False)
X, W = f32(1, 1, 5, 5), f32(2, 1, 2, 2)
c13["conv_valid"] = ("Conv", {"auto_pad": "VALID", "dilations": [2, 2]},
                     [X, W], conv(X, W, None, [1, 1], [0, 0, 0, 0],
                                  [2, 2], 1), False)
X, W = f32(1, 2, 4, 4, 3), f32(2, 2, 2, 2, 2)
c13["conv3d"] = ("Conv", {"pads": [1, 0, 1, 0, 1, 1]}, [X, W],
                 conv(X, W, None, [1, 1, 1], [1, 0, 1, 0, 1, 1], [1, 1, 1],
                      1), False)

R = f32(2, 3, 4)
P = f32(2, 3, 4, lo=0.1, hi=2.0)
c13["reducesum"] = ("ReduceSum", {"keepdims": 0},
                    [R, np.array([1], np.int64)], d(R).sum(axis=1), False)
c13["reducemean"] = ("ReduceMean", {"axes": [0, 2]}, [R],
                     d(R).mean(axis=(0, 2), keepdims=True), False)
c13["reducemean_all"] = ("ReduceMean", {"keepdims": 0}, [R],
                         np.array(d(R).mean()), False)
c13["reducel1"] = ("ReduceL1", {"axes": [-1]}, [R],
                   np.abs(d(R)).sum(axis=-1, keepdims=True), False)
c13["reducel2"] = ("ReduceL2", {"axes": [1]}, [R],
                   np.sqrt((d(R) ** 2).sum(axis=1, keepdims=True)), False)
c13["reducesumsquare"] = ("ReduceSumSquare", {"axes": [0]}, [R],
                          (d(R) ** 2).sum(axis=0, keepdims=True), False)
c13["reducelogsum"] = ("ReduceLogSum", {"axes": [2]}, [P],
                       np.log(d(P).sum(axis=2, keepdims=True)), False)
c13["reducelogsumexp"] = ("ReduceLogSumExp", {"axes": [1], "keepdims": 0},
                          [R * 20], np.log(np.exp(d(R * 20)).sum(axis=1)),
                          False)
c13["reduceprod"] = ("ReduceProd", {"axes": [1]}, [R],
                     d(R).prod(axis=1, keepdims=True), False)
c13["softmax"] = ("Softmax", {"axis": 1}, [R], softmax(R, 1), False)
c13["logsoftmax"] = ("LogSoftmax", {}, [R], logsoftmax(R, -1), False)
c13["cumsum_rev_excl"] = ("CumSum", {"exclusive": 1, "reverse": 1},
                          [R, np.array(1, np.int64)],
                          np.flip(np.cumsum(np.flip(d(R), 1), 1) -
                                  np.flip(d(R), 1), 1), False)
I = rng.integers(-50, 50, (3, 4)).astype(np.int64)
c13["cumsum_int"] = ("CumSum", {}, [I, np.array(0, np.int32)],
                     np.cumsum(I, 0), True)

U = f32(3, 5)
UNIT = f32(3, 5, lo=-0.95, hi=0.95)
GE1 = f32(3, 5, lo=1.0, hi=4.0)
POS = f32(3, 5, lo=0.05, hi=5.0)
for name, op, x, want, attrs in [
        ("sigmoid", "Sigmoid", U * 4, sigmoid(U * 4), {}),
        ("tanh", "Tanh", U, np.tanh(d(U)), {}),
        ("erf", "Erf", U, None, {}),
        ("sin", "Sin", U * 3, np.sin(d(U * 3)), {}),
        ("cos", "Cos", U * 3, np.cos(d(U * 3)), {}),
        ("tan", "Tan", U / 2, np.tan(d(U / 2)), {}),
        ("asin", "Asin", UNIT, np.arcsin(d(UNIT)), {}),
        ("acos", "Acos", UNIT, np.arccos(d(UNIT)), {}),
        ("atan", "Atan", U * 5, np.arctan(d(U * 5)), {}),
        ("sinh", "Sinh", U, np.sinh(d(U)), {}),
        ("cosh", "Cosh", U, np.cosh(d(U)), {}),
        ("asinh", "Asinh", U, np.arcsinh(d(U)), {}),
        ("acosh", "Acosh", GE1, np.arccosh(d(GE1)), {}),
        ("atanh", "Atanh", UNIT, np.arctanh(d(UNIT)), {}),
        ("softplus", "Softplus", U * 3, softplus(U * 3), {}),
        ("softsign", "Softsign", U, d(U) / (1 + np.abs(d(U))), {}),
        ("exp", "Exp", U, np.exp(d(U)), {}),
        ("log", "Log", POS, np.log(d(POS)), {}),
        ("leakyrelu", "LeakyRelu", U, np.where(U < 0, np.float64(
            np.float32(0.2)) * d(U), d(U)), {"alpha": 0.2}),
        ("elu", "Elu", U, np.where(U < 0, np.float64(np.float32(0.7)) *
                                   np.expm1(d(U)), d(U)), {"alpha": 0.7}),
        ("hardsigmoid", "HardSigmoid", U * 4, np.clip(
            np.float64(np.float32(0.2)) * d(U * 4) + 0.5, 0, 1), {}),
        ("thresholdedrelu", "ThresholdedRelu", U,
         np.where(d(U) > np.float64(np.float32(0.3)), d(U), 0),
         {"alpha": 0.3})]:
    c13[name] = (op, attrs, [x], want, False)
# erf without scipy: math.erf per element
c13["erf"] = ("Erf", {}, [U], np.vectorize(__import__("math").erf)(d(U)),
              False)
SA, SG = np.float64(np.float32(1.67326319217681884765625)), \
    np.float64(np.float32(1.05070102214813232421875))
c13["selu"] = ("Selu", {}, [U], np.where(U > 0, SG * d(U),
                                         SG * SA * np.expm1(d(U))), False)
c13["celu"] = ("Celu", {"alpha": 2.0}, [U],
               np.maximum(0, d(U)) + np.minimum(0, 2.0 * np.expm1(d(U) /
                                                                 2.0)),
               False)
RND = np.array([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, 0.49999997, -3.7]],
               np.float32)
c13["round"] = ("Round", {}, [RND], np.round(RND), True)
c13["sign"] = ("Sign", {}, [U], np.sign(U), True)
c13["sign_int"] = ("Sign", {}, [I], np.sign(I), True)
SPEC = np.array([[np.nan, np.inf, -np.inf, 1.0], [0.0, -2.0, np.nan, 3.0]],
                np.float32)
c13["isnan"] = ("IsNaN", {}, [SPEC], np.isnan(SPEC), True)
c13["isinf_neg"] = ("IsInf", {"detect_positive": 0}, [SPEC],
                    np.isneginf(SPEC), True)
c13["clip"] = ("Clip", {}, [U, np.array(-0.5, np.float32),
                            np.array(0.75, np.float32)],
               np.clip(U, -0.5, 0.75), True)
c13["clip_int"] = ("Clip", {}, [I, np.array(-10, np.int64),
                                np.array(20, np.int64)],
                   np.clip(I, -10, 20), True)

c14 = CASES[14]
TR = f32(2, 4, 5)
c14["trilu_upper"] = ("Trilu", {}, [TR, np.array(1, np.int64)],
                      np.triu(TR, 1), True)
c14["trilu_lower"] = ("Trilu", {"upper": 0}, [TR, np.array(-1, np.int64)],
                      np.tril(TR, -1), True)
c14["trilu_int"] = ("Trilu", {}, [I], np.triu(I), True)
c14["hardswish"] = ("HardSwish", {}, [U * 4],
                    d(U * 4) * np.clip(d(U * 4) / 6 + 0.5, 0, 1), False)

c18 = CASES[18]
c18["mish"] = ("Mish", {}, [U * 3], d(U * 3) * np.tanh(softplus(U * 3)),
               False)
c18["reducemean_input"] = ("ReduceMean", {"keepdims": 0},
                           [R, np.array([0, -1], np.int64)],
                           d(R).mean(axis=(0, 2)), False)
c18["reducel2_input"] = ("ReduceL2", {},
                         [R, np.array([1], np.int64)],
                         np.sqrt((d(R) ** 2).sum(axis=1, keepdims=True)),
                         False)

c20 = CASES[20]
erf = np.vectorize(__import__("math").erf)
c20["gelu"] = ("Gelu", {}, [U * 3],
               0.5 * d(U * 3) * (1 + erf(d(U * 3) / np.sqrt(2))), False)
c20["gelu_tanh"] = ("Gelu", {"approximate": "tanh"}, [U * 3],
                    0.5 * d(U * 3) * (1 + np.tanh(np.sqrt(2 / np.pi) *
                                                  (d(U * 3) + 0.044715 *
                                                   d(U * 3) ** 3))),
                    False)

def result_dtype(args, want, op):
    if want.dtype == np.bool_:
        return np.dtype(np.bool_)
    return args[0].dtype


def build(opset):
    """gen.py's model of these cases: each result's dtype and shape."""
    return kernels.build({
        name: (op, attrs, args, np.zeros(np.shape(want),
                                         result_dtype(args, want, op)))
        for name, (op, attrs, args, want, _) in CASES[opset].items()},
        opset)


def verify(model_path, fixed_path):
    opset = [o.version for o in onnx.load(model_path).opset_import
             if o.domain in ("", "ai.onnx")][0]
    results, bad = kernels.folded(fixed_path, CASES[opset])
    for name, (op, _, args, want, exact) in CASES[opset].items():
        got = results[name]
        if got is None:
            continue
        dt = result_dtype(args, want, op)
        if dt == np.bool_:
            dt = np.dtype(np.int64)
        want = np.asarray(want).astype(dt) if exact else want
        if got.dtype != dt or got.shape != want.shape:
            bad.append("%s (%s): %s%s, numpy %s%s" % (
                name, op, got.dtype, list(got.shape), dt,
                list(want.shape)))
            continue
        if exact:
            ok = got.tobytes() == want.tobytes()
        else:
            w32 = want.astype(np.float32)
            ok = bool(np.all(np.abs(d(got) - want) <=
                             np.spacing(np.abs(w32)).astype(np.float64)))
        if not ok:
            bad.append("%s (%s): %s, numpy %s" % (
                name, op, got.ravel()[:4], np.asarray(want).ravel()[:4]))
    for line in bad:
        print("fold-num: " + line)
    return 1 if bad else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--verify":
        return verify(argv[2], argv[3])
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for opset in CASES:
        onnx.save(build(opset), os.path.join(argv[1], "num%d.onnx" % opset))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
