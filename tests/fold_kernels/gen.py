#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Constant expressions whose operands broadcast against each other in
every way numpy allows (a dim of 1 stretched on either side, ranks that
differ, a scalar), for fold's elementwise kernels: the arithmetic, the
comparisons and logic, Where, Mod, Pow, Expand, Tile and Not.

    /usr/bin/python3 tests/fold_kernels/gen.py OUT.onnx
    /usr/bin/python3 tests/fold_kernels/gen.py --verify OUT.onnx FIXED

Writes one model in which each expression's result is added to an input
of its shape (so the graph keeps one Add per expression).  --verify
checks FIXED, onnxfix fix's output: every expression folded into one
initializer equal, byte for byte, to numpy's result, and no node left but
the Adds.  Prints one line per failure and exits 1 if any.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def i64(*shape):
    return rng.integers(-9, 10, shape).astype(np.int64)


def b(*shape):
    return rng.integers(0, 2, shape).astype(np.bool_)


def fmod0(p, q):
    """Mod with fmod 0: the remainder takes the divisor's sign."""
    return np.mod(p, q)


# name: (op, attributes, operands, numpy's result)
A = f32(2, 1, 3)
B = f32(4, 1)
C = f32(3)
S = f32(1)
I = i64(2, 1, 3)
J = i64(4, 1)
K = rng.integers(1, 7, (1, 4)).astype(np.int64) * \
    np.array([1, -1, 1, -1], dtype=np.int64)
L = b(2, 1)
M = b(1, 3)
CB = b(2, 1, 3)
X = f32(3, 1)
T = f32(2, 3)
T3 = f32(1, 2, 3)
P = f32(2, 3)
CASES = {
    "add": ("Add", {}, [A, B], A + B),
    "sub": ("Sub", {}, [B, A], B - A),
    "mul": ("Mul", {}, [C, A], C * A),
    "div": ("Div", {}, [A, S], A / S),
    "min": ("Min", {}, [A, B], np.minimum(A, B)),
    "max": ("Max", {}, [B, C], np.maximum(B, C)),
    "iadd": ("Add", {}, [I, J], I + J),
    "imul": ("Mul", {}, [J, I], J * I),
    "equal": ("Equal", {}, [I, J], I == J),
    "less": ("Less", {}, [A, B], A < B),
    "greater": ("Greater", {}, [J, I], J > I),
    "and": ("And", {}, [L, M], L & M),
    "or": ("Or", {}, [M, L], M | L),
    "xor": ("Xor", {}, [L, M], L ^ M),
    "where": ("Where", {}, [CB, f32(1, 4, 1), C], None),
    "mod": ("Mod", {}, [i64(3, 1), K], None),
    "pow": ("Pow", {}, [P, np.array([2.0, 1.0, 0.0], np.float32)],
            P * P * np.array([1, 0, 0], np.float32) +
            P * np.array([0, 1, 0], np.float32) +
            np.array([0, 0, 1], np.float32)),
    "expand": ("Expand", {}, [X, np.array([2, 1, 4], np.int64)],
               np.broadcast_to(X, (2, 3, 4)).copy()),
    "tile": ("Tile", {}, [T, np.array([2, 3], np.int64)],
             np.tile(T, (2, 3))),
    "tile3": ("Tile", {}, [T3, np.array([3, 1, 2], np.int64)],
              np.tile(T3, (3, 1, 2))),
    "not": ("Not", {}, [CB], ~CB),
}
w = CASES["where"][2]
CASES["where"] = ("Where", {}, w, np.where(w[0], w[1], w[2]))
m = CASES["mod"][2]
CASES["mod"] = ("Mod", {}, m, fmod0(m[0], m[1]))

ELEM = {np.dtype(np.float32): TensorProto.FLOAT,
        np.dtype(np.int64): TensorProto.INT64,
        np.dtype(np.bool_): TensorProto.BOOL}


def build(cases=None, opset=13):
    """The model of CASES (name: operator, attributes, operands, a result
    of the dtype and shape the expression gives) at OPSET; checked by
    onnx's checker up to the opset it knows (16)."""
    nodes, inits, inputs, outputs = [], [], [], []
    for name, (op, attrs, args, want) in (cases or CASES).items():
        names = []
        for k, a in enumerate(args):
            names.append("%s_in%d" % (name, k))
            inits.append(numpy_helper.from_array(a, names[-1]))
        nodes.append(helper.make_node(op, names, [name + "_c"],
                                      name=name, **attrs))
        # bool results go through Cast so that an Add can read them
        val = name + "_c"
        if want.dtype == np.bool_:
            nodes.append(helper.make_node(
                "Cast", [val], [name + "_n"], name=name + "_cast",
                to=TensorProto.INT64))
            val = name + "_n"
            et = TensorProto.INT64
        else:
            et = ELEM[want.dtype]
        nodes.append(helper.make_node("Add", ["x_" + name, val],
                                      ["y_" + name], name=name + "_add"))
        inputs.append(helper.make_tensor_value_info("x_" + name, et,
                                                    list(want.shape)))
        outputs.append(helper.make_tensor_value_info("y_" + name, et,
                                                     list(want.shape)))
    g = helper.make_graph(nodes, "g", inputs, outputs, inits)
    mdl = helper.make_model(g, opset_imports=[helper.make_opsetid("",
                                                                   opset)])
    mdl.ir_version = 8 if opset < 20 else 9
    if opset <= 16:
        onnx.checker.check_model(mdl)
    return mdl


def folded(fixed_path, cases):
    """Each case's initializer in FIXED, fix's output of build(CASES)
    (None when the expression was not folded), and the failures seen:
    nodes left besides the Adds, expressions not folded."""
    fixed = onnx.load(fixed_path)
    inits = {t.name: numpy_helper.to_array(t) for t in fixed.graph.initializer}
    bad = []
    left = [n.op_type for n in fixed.graph.node if n.op_type != "Add"]
    if left:
        bad.append("nodes left besides the Adds: %s" % sorted(set(left)))
    adds = {n.output[0]: n for n in fixed.graph.node if n.op_type == "Add"}
    got = {}
    for name, case in cases.items():
        n = adds.get("y_" + name)
        got[name] = inits.get(n.input[1]) if n is not None else None
        if got[name] is None:
            bad.append("%s (%s): not folded" % (name, case[0]))
    return got, bad


def verify(fixed_path):
    results, bad = folded(fixed_path, CASES)
    for name, (op, _, _, want) in CASES.items():
        got = results[name]
        if got is None:
            continue
        if want.dtype == np.bool_:
            want = want.astype(np.int64)
        if got.dtype != want.dtype or got.shape != want.shape or \
                got.tobytes() != want.tobytes():
            bad.append("%s (%s): %s%s %s, numpy %s%s %s" % (
                name, op, got.dtype, list(got.shape), got.ravel()[:6],
                want.dtype, list(want.shape), want.ravel()[:6]))
    for line in bad:
        print("fold-kernels: " + line)
    return 1 if bad else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--verify":
        return verify(argv[3])
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    onnx.save(build(), argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
