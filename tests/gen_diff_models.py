# SPDX-License-Identifier: MIT
"""
Synthetic converter-style models for the fix/diff contract
(tests/diff-testdata.sh DIR): NHWC graphs wrapped in layout Transposes
the way TensorFlow converters leave them, with BatchNormalization to
fold, com.microsoft contrib operators, Identity chains, constant
subexpressions and dead code.

usage: python3 tests/gen_diff_models.py DIR [COUNT]
Writes DIR/mNNN.onnx (style 1) and DIR/nNNN.onnx (style 2), COUNT each
(default 60), from fixed seeds.
"""
import os
import random
import sys

import numpy as np
import onnx
from onnx import helper as h, TensorProto as TP, numpy_helper as nh

def builder(prefix, outname):
    """Node and initializer makers sharing one counter: node names are
    PREFIX + op_N (or empty when not named), output I is outname(N, I)."""
    nodes, inits = [], []
    cnt = [0]
    def nm(p):
        cnt[0] += 1
        return "%s_%d" % (p, cnt[0])
    def init(name, arr):
        inits.append(nh.from_array(np.asarray(arr), name)); return name
    def node(op, ins, nout=1, domain="", named=True, **attrs):
        n = nm(op)
        outs = [outname(n, i) for i in range(nout)]
        nodes.append(h.make_node(op, ins, outs, name=((prefix + n) if named else ""), domain=domain, **attrs))
        return outs if nout > 1 else outs[0]
    return nodes, inits, nm, init, node


def model1(seed):
    r = random.Random(seed)
    nodes, inits, nm, init, node = builder(
        "/", lambda n, i: n + "_out%d" % i if i else n + "_out")
    C = r.choice([3, 4])
    H = 8
    x = "x"
    cur = x  # NHWC
    ch = C
    for b in range(r.randint(1, 4)):
        t = node("Transpose", [cur], perm=[0, 3, 1, 2], named=r.random() < 0.8)
        oc = r.choice([4, 8])
        W = init(nm("W"), np.random.RandomState(seed + b).randn(oc, ch, 3, 3).astype(np.float32))
        ins = [t, W]
        if r.random() < 0.5:
            ins.append(init(nm("B"), np.random.RandomState(seed).randn(oc).astype(np.float32)))
        y = node("Conv", ins, pads=[1, 1, 1, 1])
        if r.random() < 0.8:
            rs = np.random.RandomState(seed + 7 * b)
            p = [init(nm("s"), rs.rand(oc).astype(np.float32) + .5),
                 init(nm("bb"), rs.randn(oc).astype(np.float32)),
                 init(nm("m"), rs.randn(oc).astype(np.float32)),
                 init(nm("v"), rs.rand(oc).astype(np.float32) + .5)]
            y = node("BatchNormalization", [y] + p, epsilon=r.choice([1e-3, 1e-5]),
                     momentum=r.choice([0.99, 0.9]))
        k = r.random()
        if k < 0.3:
            y = node("FastGelu", [y], domain="com.microsoft")
        elif k < 0.5:
            y = node("Gelu", [y], domain="com.microsoft")
        else:
            y = node("Relu", [y])
        if r.random() < 0.4:
            y = node("Identity", [y], named=r.random() < 0.5)
        if r.random() < 0.5:
            y = node("Mul", [y, init(nm("c"), np.float32(r.choice([2.0, 0.5])))])
        t2 = node("Transpose", [y], perm=[0, 2, 3, 1], named=r.random() < 0.8)
        if r.random() < 0.4 and ch == oc and b > 0:
            t2 = node("Add", [t2, cur])
        if r.random() < 0.3:
            t2 = node("Identity", [t2])
        cur = t2
        ch = oc
    # constant subexpression for a final Reshape
    out = cur
    if r.random() < 0.7:
        s = node("Shape", [cur])
        g = node("Gather", [s, init(nm("i0"), np.array(0, dtype=np.int64))], axis=0)
        u = node("Unsqueeze", [g, init(nm("ax"), np.array([0], dtype=np.int64))])
        cc = node("Concat", [u, init(nm("m1"), np.array([-1], dtype=np.int64))], axis=0)
        out = node("Reshape", [cur, cc])
    if r.random() < 0.5:
        node("Neg", [cur])  # dead
        inits.append(nh.from_array(np.zeros(3, np.float32), nm("unused")))
    nodes[-1].output[0] = "y" if nodes[-1].op_type != "Neg" else nodes[-1].output[0]
    if nodes[-1].op_type == "Neg":
        # rename the real output
        for n in nodes:
            for i, o in enumerate(n.output):
                if o == out:
                    n.output[i] = "y"
            for i, o in enumerate(n.input):
                if o == out:
                    n.input[i] = "y"
        out = "y"
    else:
        out = "y"
    g = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", TP.FLOAT, [1, H, H, C])],
                     [h.make_tensor_value_info("y", TP.FLOAT, None)], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m


def model2(seed):
    r = random.Random(seed)
    rs = np.random.RandomState(seed)
    nodes, inits, nm, init, node = builder(
        "tf/", lambda n, i: n + "_o%d" % i)
    C = 4
    cur = "x"
    for b in range(r.randint(2, 5)):
        k = r.randrange(9)
        if k == 0:   # conv block with BN
            t = node("Transpose", [cur], perm=[0, 3, 1, 2], named=r.random() < .7)
            y = node("Conv", [t, init(nm("W"), rs.randn(C, C, 1, 1).astype(np.float32))])
            y = node("BatchNormalization", [y] + [init(nm("p"), (rs.rand(C) + .5).astype(np.float32)) for _ in range(4)], epsilon=1e-3)
            cur = node("Transpose", [node("Relu", [y])], perm=[0, 2, 3, 1], named=r.random() < .7)
        elif k == 1:  # two branches into Add
            a = node("Transpose", [cur], perm=[0, 3, 1, 2])
            b2 = node("Transpose", [node("Sigmoid", [cur])], perm=[0, 3, 1, 2])
            s = node("Add", [a, b2])
            cur = node("Transpose", [s], perm=[0, 2, 3, 1])
        elif k == 2:  # concat + split
            a = node("Transpose", [cur], perm=[0, 3, 1, 2])
            c = node("Concat", [a, a], axis=1)
            sp = node("Split", [c], nout=2, axis=1)
            cur = node("Transpose", [node("Add", sp)], perm=[0, 2, 3, 1])
        elif k == 3:  # standalone BN in NHWC (not foldable), training mode at opset 15
            t = node("Transpose", [cur], perm=[0, 3, 1, 2])
            bn = node("BatchNormalization", [t] + [init(nm("q"), (rs.rand(C) + .5).astype(np.float32)) for _ in range(4)], epsilon=1e-3, momentum=0.99)
            cur = node("Transpose", [bn], perm=[0, 2, 3, 1])
        elif k == 4:  # contrib
            op = r.choice(["FastGelu", "Gelu", "BiasGelu"])
            ins = [cur] + ([init(nm("bias"), rs.randn(C).astype(np.float32))] if op == "BiasGelu" else [])
            cur = node(op, ins, domain="com.microsoft")
        elif k == 5:  # identity chain
            cur = node("Identity", [node("Identity", [cur], named=False)])
        elif k == 6:  # softmax over channels through transposes
            t = node("Transpose", [cur], perm=[0, 3, 1, 2])
            sm = node("Softmax", [t], axis=1)
            cur = node("Transpose", [sm], perm=[0, 2, 3, 1])
        elif k == 7:  # Mul by per-channel constant in NCHW
            t = node("Transpose", [cur], perm=[0, 3, 1, 2])
            m = node("Mul", [t, init(nm("cc"), rs.rand(1, C, 1, 1).astype(np.float32))])
            cur = node("Transpose", [m], perm=[0, 2, 3, 1])
        else:  # gemm + bn on a flattened branch, added back via reshape of constant shape
            sh = node("Shape", [cur])
            g = node("Gather", [sh, init(nm("i"), np.array([0, 1, 2], dtype=np.int64))], axis=0)
            cc = node("Concat", [g, init(nm("m"), np.array([-1], dtype=np.int64))], axis=0)
            cur = node("Reshape", [cur, cc])
    nodes.append(h.make_node("Identity", [cur], ["y"], name="out"))
    g = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", TP.FLOAT, [1, 6, 6, C])],
                     [h.make_tensor_value_info("y", TP.FLOAT, None)], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 15), h.make_opsetid("com.microsoft", 1)])
    m.ir_version = 8
    return m


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    os.makedirs(out, exist_ok=True)
    for s in range(count):
        onnx.save(model1(s), os.path.join(out, "m%03d.onnx" % s))
        onnx.save(model2(s), os.path.join(out, "n%03d.onnx" % s))


if __name__ == "__main__":
    main()
