#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes the synthetic BatchNormalization models of testdata/verify/
# (bn_*.onnx) that tests/verify.sh runs through `onnxfix fix` and ONNX
# Runtime: grouped and depthwise Conv, ConvTranspose with group 2, Gemm
# with transB 0/1 and alpha/beta != 1, Gemm without C, Conv without bias,
# BN with shared Conv weights, BNs sharing parameters, float16, legacy
# opset-6/7 BN, spatial=0.
# Weights come from numpy's seeded generator, so a rerun writes the same
# files.  Needs Debian's python3-onnx and python3-numpy:
#
#	/usr/bin/python3 tests/gen_bn_verify.py
#	/usr/bin/python3 tests/gen_bn_verify.py --check   # the .fixref sums
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = "testdata/verify/"
rng = np.random.default_rng(20261128)


def arr(name, shape, dt=np.float32, lo=-1.0, hi=1.0):
    return numpy_helper.from_array(
        rng.uniform(lo, hi, size=shape).astype(dt), name)


def bn_inits(p, c, dt=np.float32):
    return [arr(p + ".scale", [c], dt, 0.5, 2.0),
            arr(p + ".B", [c], dt, -0.5, 0.5),
            arr(p + ".mean", [c], dt, -0.5, 0.5),
            arr(p + ".var", [c], dt, 0.01, 2.0)]


def bn(x, y, p, name, **a):
    return helper.make_node("BatchNormalization",
                            [x, p + ".scale", p + ".B", p + ".mean",
                             p + ".var"], [y], name, **a)


def vi(name, shape, et=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, et, shape)


def save(name, nodes, inits, inputs, outputs, opset, ir=8, doc=""):
    g = helper.make_graph(nodes, name, inputs, outputs, inits)
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir
    m.doc_string = doc
    onnx.save(m, OUT + name + ".onnx")


def main():
    # Grouped Conv (group 2), BN output is the graph output.
    save("bn_conv_group",
         [helper.make_node("Conv", ["X", "W", "b"], ["Z"], "conv",
                           group=2, pads=[1, 1, 1, 1]),
          bn("Z", "Y", "p", "bn", epsilon=1e-5)],
         [arr("W", [6, 2, 3, 3]), arr("b", [6])] + bn_inits("p", 6),
         [vi("X", [1, 4, 8, 8])], [vi("Y", [1, 6, 8, 8])], 13,
         doc="Conv group 2 -> BN (graph output)")
    # Depthwise Conv without bias, Keras epsilon.
    save("bn_conv_depthwise",
         [helper.make_node("Conv", ["X", "W"], ["Z"], "dw", group=4,
                           pads=[1, 1, 1, 1], strides=[2, 2]),
          bn("Z", "T", "p", "bn", epsilon=1e-3, momentum=0.99),
          helper.make_node("Relu", ["T"], ["Y"], "relu")],
         [arr("W", [4, 1, 3, 3])] + bn_inits("p", 4),
         [vi("X", [1, 4, 9, 9])], [vi("Y", [1, 4, 5, 5])], 14,
         doc="depthwise Conv without bias -> BN(eps 1e-3) -> Relu")
    # ConvTranspose group 2: C_in 4, M 6.
    save("bn_convtranspose_group",
         [helper.make_node("ConvTranspose", ["X", "W", "b"], ["Z"],
                           "deconv", group=2, strides=[2, 2]),
          bn("Z", "Y", "p", "bn", epsilon=1e-5)],
         [arr("W", [4, 3, 3, 3]), arr("b", [6])] + bn_inits("p", 6),
         [vi("X", [1, 4, 5, 5])], [vi("Y", [1, 6, 11, 11])], 13,
         doc="ConvTranspose group 2 (C_in 4, M 6) -> BN")
    # Gemm transB=1, alpha 0.7, beta 1.3, C of shape (M).
    save("bn_gemm_transb1",
         [helper.make_node("Gemm", ["X", "W", "C"], ["Z"], "fc",
                           transB=1, alpha=0.7, beta=1.3),
          bn("Z", "Y", "p", "bn", epsilon=1e-5)],
         [arr("W", [5, 4]), arr("C", [5])] + bn_inits("p", 5),
         [vi("X", [3, 4])], [vi("Y", [3, 5])], 13,
         doc="Gemm transB=1 alpha 0.7 beta 1.3 -> BN")
    # Gemm transB=0, alpha 1.5, beta 0.5, C of shape (N, M).
    save("bn_gemm_transb0",
         [helper.make_node("Gemm", ["X", "W", "C"], ["Z"], "fc",
                           alpha=1.5, beta=0.5),
          bn("Z", "Y", "p", "bn", epsilon=1e-4)],
         [arr("W", [4, 5]), arr("C", [3, 5])] + bn_inits("p", 5),
         [vi("X", [3, 4])], [vi("Y", [3, 5])], 13,
         doc="Gemm transB=0 alpha 1.5 beta 0.5, C (3, 5) -> BN")
    # Gemm without C (opset 13), beta 2 has no effect.
    save("bn_gemm_noc",
         [helper.make_node("Gemm", ["X", "W"], ["Z"], "fc", transB=1,
                           beta=2.0),
          bn("Z", "Y", "p", "bn", epsilon=1e-5)],
         [arr("W", [5, 4])] + bn_inits("p", 5),
         [vi("X", [3, 4])], [vi("Y", [3, 5])], 13,
         doc="Gemm without C -> BN")
    # Two Convs share W and b; each BN has its own parameters.
    save("bn_shared_weights",
         [helper.make_node("Conv", ["X", "W", "b"], ["Z1"], "c1"),
          bn("Z1", "Y1", "p", "bn1", epsilon=1e-5),
          helper.make_node("Conv", ["X", "W", "b"], ["Z2"], "c2"),
          bn("Z2", "Y2", "q", "bn2", epsilon=1e-3),
          helper.make_node("Add", ["Y1", "Y2"], ["Y"], "add")],
         [arr("W", [3, 3, 1, 1]), arr("b", [3])] + bn_inits("p", 3) +
         bn_inits("q", 3),
         [vi("X", [1, 3, 4, 4])], [vi("Y", [1, 3, 4, 4])], 14,
         doc="two Convs sharing W and b, each -> its own BN")
    # Two BNs share their parameters; the second Conv has no bias.
    save("bn_shared_params",
         [helper.make_node("Conv", ["X", "W1", "b1"], ["Z1"], "c1"),
          bn("Z1", "Y1", "p", "bn1", epsilon=1e-5),
          helper.make_node("Conv", ["X", "W2"], ["Z2"], "c2"),
          bn("Z2", "Y2", "p", "bn2", epsilon=1e-5),
          helper.make_node("Mul", ["Y1", "Y2"], ["Y"], "mul")],
         [arr("W1", [3, 3, 1, 1]), arr("b1", [3]), arr("W2", [3, 3, 1, 1])]
         + bn_inits("p", 3),
         [vi("X", [1, 3, 4, 4])], [vi("Y", [1, 3, 4, 4])], 14,
         doc="two BNs sharing scale, B, mean and var")
    # Conv -> BN inside both branches of an If; the weights live in the
    # main graph, the folded ones in the branches.
    def branch(tag, eps):
        return helper.make_graph(
            [helper.make_node("Conv", ["X", "W", "b"], ["Z" + tag],
                              tag + "conv", pads=[1, 1, 1, 1]),
             bn("Z" + tag, "Y" + tag, "p", tag + "bn", epsilon=eps)],
            tag, [], [vi("Y" + tag, [1, 3, 4, 4])])
    save("bn_subgraph",
         [helper.make_node("Constant", [], ["cond"], "cond",
                           value=helper.make_tensor("c", TensorProto.BOOL,
                                                    [], [True])),
          helper.make_node("If", ["cond"], ["Y"], "if",
                           then_branch=branch("then", 1e-5),
                           else_branch=branch("else", 1e-3))],
         [arr("W", [3, 2, 3, 3]), arr("b", [3])] + bn_inits("p", 3),
         [vi("X", [1, 2, 4, 4])], [vi("Y", [1, 3, 4, 4])], 14,
         doc="Conv -> BN in both branches of an If")
    # float16 Conv and BN, between Casts (the oracle feeds float).
    save("bn_fp16",
         [helper.make_node("Cast", ["X"], ["Xh"], "in",
                           to=TensorProto.FLOAT16),
          helper.make_node("Conv", ["Xh", "W", "b"], ["Z"], "conv",
                           pads=[1, 1, 1, 1]),
          bn("Z", "Yh", "p", "bn", epsilon=1e-3),
          helper.make_node("Cast", ["Yh"], ["Y"], "out",
                           to=TensorProto.FLOAT)],
         [arr("W", [4, 3, 3, 3], np.float16), arr("b", [4], np.float16)] +
         bn_inits("p", 4, np.float16),
         [vi("X", [1, 3, 6, 6])], [vi("Y", [1, 4, 6, 6])], 15,
         doc="Cast -> float16 Conv -> BN -> Cast")
    # Legacy opset 7: is_test=1 and spatial=1, which opset 7 no longer
    # defines (ONNX Runtime refuses the original).
    save("bn_legacy_opset7",
         [helper.make_node("Conv", ["X", "W", "b"], ["Z"], "conv"),
          bn("Z", "Y", "p", "bn", epsilon=1e-5, is_test=1, spatial=1)],
         [arr("W", [3, 2, 1, 1]), arr("b", [3])] + bn_inits("p", 3),
         [vi("X", [1, 2, 4, 4])], [vi("Y", [1, 3, 4, 4])], 7, ir=4,
         doc="opset 7 BN with is_test=1 and spatial=1")
    # Legacy opset 6: consumed_inputs, is_test=1 (ONNX Runtime has no
    # BatchNormalization-6 kernel; the folded model runs).
    save("bn_legacy_opset6",
         [helper.make_node("Conv", ["X", "W", "b"], ["Z"], "conv"),
          bn("Z", "Y", "p", "bn", epsilon=1e-5, is_test=1,
             consumed_inputs=[0, 0, 0, 1, 1])],
         [arr("W", [3, 2, 1, 1]), arr("b", [3])] + bn_inits("p", 3),
         [vi("X", [1, 2, 4, 4])], [vi("Y", [1, 3, 4, 4])], 6, ir=4,
         doc="opset 6 BN with consumed_inputs and is_test=1")
    # spatial=0 at opset 8: per-activation parameters (C, H, W).
    save("bn_nonspatial",
         [bn("X", "Y", "p", "bn", epsilon=1e-5, spatial=0)],
         [arr("p.scale", [2, 3, 3], lo=0.5, hi=2),
          arr("p.B", [2, 3, 3]), arr("p.mean", [2, 3, 3]),
          arr("p.var", [2, 3, 3], lo=0.01, hi=2)],
         [vi("X", [2, 2, 3, 3])], [vi("Y", [2, 2, 3, 3])], 8, ir=4,
         doc="opset 8 BN with spatial=0")


def check_corpus(name, eps):
    """NAME (bn_training, bn_small, bn_keras_like: Conv -> BN -> Relu ->
    Conv -> BN -> Relu) in inference mode with epsilon EPS, in float64:
    the reference for the NAME.fixref files (see NAME.verify)."""
    m = onnx.load("testdata/corpus/%s.onnx" % name)
    w = {i.name: numpy_helper.to_array(i).astype(np.float64)
         for i in m.graph.initializer}
    s, xs = 1, []
    for _ in range(3 * 16 * 16):
        s = (s * 1664525 + 1013904223) % 2 ** 32
        xs.append(s / 2 ** 32 * 2 - 1)
    x = np.array(xs).reshape(1, 3, 16, 16)

    def conv(x, k, b=None):
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
        out = np.zeros((1, k.shape[0], 16, 16))
        for i in range(3):
            for j in range(3):
                out += np.einsum("nchw,mc->nmhw",
                                 xp[:, :, i:i + 16, j:j + 16], k[:, :, i, j])
        return out if b is None else out + b[None, :, None, None]

    def norm(x, p):
        c = lambda v: v[None, :, None, None]
        return (x - c(w[p + ".running_mean"])) / \
            np.sqrt(c(w[p + ".running_var"]) + eps) * \
            c(w[p + ".weight"]) + c(w[p + ".bias"])

    y = np.maximum(norm(conv(x, w["c1.weight"], w.get("c1.bias")), "b1"),
                   0)
    y = np.maximum(norm(conv(y, w["c2.weight"], w.get("c2.bias")), "b2"),
                   0)
    print("%s in inference mode, epsilon %g: y sum %.8g" % (name, eps,
                                                           y.sum()))


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        check_corpus("bn_training", float(np.float32(1e-5)))
        check_corpus("bn_keras_like", float(np.float32(1e-3)))
        check_corpus("bn_keras_like", float(np.float32(1e-5)))
    else:
        main()
