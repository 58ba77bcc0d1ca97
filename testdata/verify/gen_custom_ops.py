#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Generate the contrib-operator models of testdata/verify/ (co-*.onnx):
# one small model per ONNX Runtime com.microsoft operator (and ORT's own
# default-domain LayerNormalization and SimplifiedLayerNormalization)
# that the custom-ops pass decomposes, at the default-domain opsets that
# select its different standard forms (14: primitive operators; 17:
# LayerNormalization-17; 18: ReduceMean with axes as an input; 20:
# Gelu-20; 23: RMSNormalization-23).  tests/verify.sh runs each in ONNX
# Runtime (which implements these operators on CPU) before and after
# `onnxfix fix` and compares the outputs.  Weights are fixed values from a
# small LCG so that the files are reproducible.
#
# Usage: /usr/bin/python3 testdata/verify/gen_custom_ops.py  (from the
# project root; needs Debian's python3-onnx and numpy)
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.dirname(os.path.abspath(__file__))
MS = "com.microsoft"
F = TensorProto.FLOAT
state = [12345]


def rnd(*shape):
    n = int(np.prod(shape)) if shape else 1
    v = []
    for _ in range(n):
        state[0] = (state[0] * 1103515245 + 12345) % 2**31
        v.append(state[0] / 2**31 * 2 - 1)
    return np.array(v, dtype=np.float32).reshape(shape)


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def save(name, opset, nodes, inputs, outputs, inits=(), ms=True):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    imports = [helper.make_opsetid("", opset)]
    if ms:
        imports.append(helper.make_opsetid(MS, 1))
    m = helper.make_model(g, opset_imports=imports,
                          producer_name="onnxfix-tests")
    m.ir_version = 8
    path = os.path.join(OUT, "co-%s-o%d.onnx" % (name, opset))
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def node(op, ins, outs, domain=MS, **attrs):
    return helper.make_node(op, ins, outs, domain=domain, **attrs)


X3 = [2, 3, 8]


def unary(name, op, opsets, **attrs):
    for o in opsets:
        save(name, o, [node(op, ["X"], ["Y"], **attrs)], [vi("X", X3)],
             [vi("Y", X3)])


def main():
    unary("gelu", "Gelu", [14, 20])
    unary("fastgelu", "FastGelu", [14, 20])
    unary("quickgelu", "QuickGelu", [14])
    unary("quickgelu-alpha1", "QuickGelu", [14], alpha=1.0)
    for o in [14, 20]:
        save("fastgelu-bias", o, [node("FastGelu", ["X", "B"], ["Y"])],
             [vi("X", X3)], [vi("Y", X3)], [init("B", rnd(8))])
        save("biasgelu", o, [node("BiasGelu", ["X", "B"], ["Y"])],
             [vi("X", X3)], [vi("Y", X3)], [init("B", rnd(8))])

    # FusedConv: activations, the sum input Z, Clip below opset 11.
    xc = [1, 2, 5, 5]
    w = init("W", rnd(3, 2, 3, 3))
    b = init("B", rnd(3))
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    for act, params, opsets in [("Relu", None, [14]),
                                ("Tanh", None, [14]),
                                ("Sigmoid", None, [14]),
                                ("LeakyRelu", [0.2], [14]),
                                ("HardSigmoid", [0.3, 0.4], [14]),
                                ("Clip", [-0.5, 0.5], [10, 14])]:
        a = dict(conv, activation=act)
        if params:
            a["activation_params"] = params
        for o in opsets:
            save("fusedconv-" + act.lower(), o,
                 [node("FusedConv", ["X", "W", "B"], ["Y"], **a)],
                 [vi("X", xc)], [vi("Y", [1, 3, 5, 5])], [w, b])
    save("fusedconv-sum", 14,
         [node("FusedConv", ["X", "W", "B", "Z"], ["Y"],
               activation="Relu", **conv)],
         [vi("X", xc), vi("Z", [1, 3, 5, 5])], [vi("Y", [1, 3, 5, 5])],
         [w, b])

    # FusedGemm: Gemm attributes and activations.
    for act, attrs in [("Relu", {}),
                       ("LeakyRelu", dict(activation_alpha=0.1)),
                       ("Elu", dict(activation_alpha=0.7)),
                       ("HardSigmoid", dict(activation_alpha=0.3,
                                            activation_beta=0.6)),
                       ("Selu", dict(activation_alpha=1.5,
                                     activation_gamma=1.1)),
                       ("Softplus", {}), ("Softsign", {})]:
        save("fusedgemm-" + act.lower(), 14,
             [node("FusedGemm", ["A", "B", "C"], ["Y"], activation=act,
                   alpha=0.5, beta=2.0, transB=1, **attrs)],
             [vi("A", [4, 6])], [vi("Y", [4, 5])],
             [init("B", rnd(5, 6)), init("C", rnd(5))])
    save("fusedgemm-transa", 14,
         [node("FusedGemm", ["A", "B"], ["Y"], activation="Tanh",
               transA=1)],
         [vi("A", [6, 4])], [vi("Y", [4, 5])], [init("B", rnd(6, 5))])

    # FusedMatMul: transA, transB, alpha, batched.
    save("fusedmatmul", 14,
         [node("FusedMatMul", ["A", "B"], ["Y"], transA=1, transB=1,
               alpha=0.25)],
         [vi("A", [2, 6, 4]), vi("B", [2, 5, 6])], [vi("Y", [2, 4, 5])])
    save("transposematmul", 14,
         [node("TransposeMatMul", ["A", "B"], ["Y"], transB=1)],
         [vi("A", [3, 4])], [vi("Y", [3, 5])], [init("B", rnd(5, 4))])

    # SkipLayerNormalization and the RMS variants.
    g, bt, bs = init("G", rnd(8)), init("Bt", rnd(8)), init("Bs", rnd(8))
    for o in [14, 17, 20]:
        save("skiplayernorm", o,
             [node("SkipLayerNormalization",
                   ["X", "S", "G", "Bt", "Bs"], ["Y", "", "", "Sum"],
                   epsilon=1e-5)],
             [vi("X", X3), vi("S", X3)], [vi("Y", X3), vi("Sum", X3)],
             [g, bt, bs])
    save("skiplayernorm-plain", 14,
         [node("SkipLayerNormalization", ["X", "S", "G"], ["Y"])],
         [vi("X", X3), vi("S", X3)], [vi("Y", X3)], [g])
    for o in [14, 18, 23]:
        save("skipsimplifiedlayernorm", o,
             [node("SkipSimplifiedLayerNormalization",
                   ["X", "S", "G", "Bs"], ["Y"], epsilon=1e-5)],
             [vi("X", X3), vi("S", X3)], [vi("Y", X3)], [g, bs])

    # ORT's own default-domain LayerNormalization (below opset 17) and
    # SimplifiedLayerNormalization, with their statistics outputs.
    g2 = init("G", rnd(3, 8))
    save("layernorm-ort", 14,
         [node("LayerNormalization", ["X", "G", "Bt"],
               ["Y", "M", "I"], domain="", axis=-2, epsilon=1e-3)],
         [vi("X", X3)],
         [vi("Y", X3), vi("M", [2, 1, 1]), vi("I", [2, 1, 1])],
         [g2, init("Bt", rnd(3, 8))], ms=False)
    for o in [14, 18]:
        save("simplifiedlayernorm", o,
             [node("SimplifiedLayerNormalization", ["X", "G"],
                   ["Y", "I"], domain="", axis=-1, epsilon=1e-5)],
             [vi("X", X3)], [vi("Y", X3), vi("I", [2, 3, 1])],
             [g], ms=False)

    # Operators that are standard operators of later opsets.
    save("trilu", 14, [node("Trilu", ["X", "K"], ["Y"], upper=0)],
         [vi("X", [4, 5])], [vi("Y", [4, 5])],
         [init("K", np.array(1, dtype=np.int64))])
    save("gathernd", 14, [node("GatherND", ["X", "I"], ["Y"])],
         [vi("X", [3, 4])], [vi("Y", [2, 4])],
         [init("I", np.array([[2], [0]], dtype=np.int64))])
    save("expanddims", 14, [node("ExpandDims", ["X", "A"], ["Y"])],
         [vi("X", [3, 4])], [vi("Y", [3, 1, 4])],
         [init("A", np.array(1, dtype=np.int32))])
    save("unique", 14, [node("Unique", ["X"], ["Y", "I", "C"])],
         [vi("X", [8])],
         [vi("Y", [None]), vi("I", [8], TensorProto.INT64),
          vi("C", [None], TensorProto.INT64)])
    save("range", 14, [node("Range", ["S", "L"], ["R"]),
                       helper.make_node("Add", ["X", "R"], ["Y"])],
         [vi("X", [5])], [vi("Y", [5])],
         [init("S", np.array(1.5, dtype=np.float32)),
          init("L", np.array(6.5, dtype=np.float32))])
    # QuantizeLinear / DequantizeLinear of com.microsoft (QDQ models of
    # ORT's quantization tool): per tensor, per axis, 16-bit at opset 21.
    for name, o, zp, scale, axis in [
            ("qdq-uint8", 14, np.array(128, dtype=np.uint8),
             np.array(0.05, dtype=np.float32), None),
            ("qdq-int8-axis", 14, np.array([0, 3, -3], dtype=np.int8),
             np.array([0.02, 0.05, 0.1], dtype=np.float32), 1),
            ("qdq-int16", 21, np.array(-7, dtype=np.int16),
             np.array(0.001, dtype=np.float32), None)]:
        a = {} if axis is None else dict(axis=axis)
        save(name, o,
             [node("QuantizeLinear", ["X", "S", "Z"], ["q"], **a),
              node("DequantizeLinear", ["q", "S", "Z"], ["Y"], **a)],
             [vi("X", X3)], [vi("Y", X3)], [init("S", scale),
                                           init("Z", zp)])
    # FusedMatMul with transBatchA/B (ORT's attention fusion): the
    # first dim moves behind the other batch dims, then transA/B swap
    # the last two; ranks 3 and 4, batch broadcast, alpha.
    save("fusedmatmul-transbatcha", 14,
         [node("FusedMatMul", ["A", "B"], ["Y"], transBatchA=1)],
         [vi("A", [4, 2, 3]), vi("B", [2, 3, 5])], [vi("Y", [2, 4, 5])])
    save("fusedmatmul-transbatchb", 14,
         [node("FusedMatMul", ["A", "B"], ["Y"], transBatchB=1, transB=1,
               alpha=0.5)],
         [vi("A", [2, 3, 4, 6]), vi("B", [5, 2, 3, 6])],
         [vi("Y", [2, 3, 4, 5])])
    save("fusedmatmul-transbatch-both", 14,
         [node("FusedMatMul", ["A", "B"], ["Y"], transBatchA=1, transA=1,
               transBatchB=1, alpha=0.125)],
         [vi("A", [6, 1, 3, 4]), vi("B", [6, 2, 3, 5])],
         [vi("Y", [2, 3, 4, 5])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
