#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Models whose weights pass through Transpose, Reshape, Unsqueeze,
Squeeze or Flatten, as exporters leave them with constant folding off,
with weights larger than fold's 1 MiB limit.

    /usr/bin/python3 tests/fold_large/gen.py OUTDIR
    /usr/bin/python3 tests/fold_large/gen.py --verify OUTDIR/M.onnx FIXED

Writes OUTDIR/<case>.onnx for each case below (weights from a fixed
seed).  --verify checks FIXED, onnxfix fix's output of M: each value the
case expects folded is an initializer equal, byte for byte, to numpy's
result on the original weights, and no node of the moved kinds is left
but those the case expects to stay.  Prints one line per failure and
exits 1 if any.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def model(nodes, inits, inputs, outputs, opset=13):
    g = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        [numpy_helper.from_array(a, n) for n, a in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


F, U8 = TensorProto.FLOAT, TensorProto.UINT8
W2 = f32(500, 600)
W4 = rng.integers(0, 256, (8, 16, 80, 110)).astype(np.uint8)
WD = rng.standard_normal((50, 40, 70))
W3 = f32(5, 300, 210)
WS = f32(1000, 300)
WC = f32(300, 1000)

# case: (model, {value: expected array}, op types expected to stay)
CASES = {
    # Linear's weight as a nofold export writes it: MatMul(x, W^T).
    "transpose2d": (model(
        [helper.make_node("Transpose", ["W"], ["Wt"], perm=[1, 0]),
         helper.make_node("MatMul", ["x", "Wt"], ["y"])],
        [("W", W2)], [("x", F, [2, 600])], [("y", F, [2, 500])]),
        {"Wt": W2.T}, []),
    # Bytes moved as whole elements of one byte; the Cast after it
    # would make 4.5 MB from 1.1 MB and stays (F392).
    "transpose4d-u8": (model(
        [helper.make_node("Transpose", ["W"], ["Wt"], perm=[2, 0, 3, 1]),
         helper.make_node("Cast", ["Wt"], ["Wf"], to=F),
         helper.make_node("Add", ["x", "Wf"], ["y"])],
        [("W", W4)], [("x", F, [80, 8, 110, 16])],
        [("y", F, [80, 8, 110, 16])]),
        {"Wt": W4.transpose(2, 0, 3, 1)}, ["Cast"]),
    # The last axis stays in place: rows of 70 doubles move as blocks.
    "transpose3d-f64": (model(
        [helper.make_node("Transpose", ["W"], ["Wt"], perm=[1, 0, 2]),
         helper.make_node("Add", ["x", "Wt"], ["y"])],
        [("W", WD)], [("x", TensorProto.DOUBLE, [40, 50, 70])],
        [("y", TensorProto.DOUBLE, [40, 50, 70])]),
        {"Wt": WD.transpose(1, 0, 2)}, []),
    # X's last axis becomes Y's first: 2-D tiles of 210 x 300 (not a
    # multiple of the tile size) for each of the 5 indices of axis 0.
    "transpose3d-tiles": (model(
        [helper.make_node("Transpose", ["W"], ["Wt"], perm=[2, 0, 1]),
         helper.make_node("Add", ["x", "Wt"], ["y"])],
        [("W", W3)], [("x", F, [210, 5, 300])],
        [("y", F, [210, 5, 300])]),
        {"Wt": W3.transpose(2, 0, 1)}, []),
    # A chain of reshapes: each result is the next one's constant.
    "reshape-chain": (model(
        [helper.make_node("Unsqueeze", ["W", "ax0"], ["W1"]),
         helper.make_node("Flatten", ["W1"], ["W2"], axis=2),
         helper.make_node("Reshape", ["W2", "shp"], ["W3"]),
         helper.make_node("Squeeze", ["W3", "ax0"], ["W4"]),
         helper.make_node("MatMul", ["x", "W4"], ["y"])],
        [("W", WC), ("ax0", np.array([0], np.int64)),
         ("shp", np.array([1, 0, -1], np.int64))],
        [("x", F, [2, 1000])], [("y", F, [2, 300])]),
        {"W4": WC.reshape(1000, 300)}, []),
    # W is read twice: folding would write its 1.2 MB a second time, so
    # the Reshape stays (F392).
    "shared": (model(
        [helper.make_node("Reshape", ["W", "shp"], ["Wr"]),
         helper.make_node("MatMul", ["x", "Wr"], ["y"]),
         helper.make_node("MatMul", ["z", "W"], ["y2"])],
        [("W", WS), ("shp", np.array([300, 1000], np.int64))],
        [("x", F, [2, 300]), ("z", F, [2, 1000])],
        [("y", F, [2, 1000]), ("y2", F, [2, 300])]),
        {}, ["Reshape"]),
}
MOVED = {"Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Cast"}


def verify(orig, fixed):
    name = orig.rsplit("/", 1)[-1][:-len(".onnx")]
    _, want, stay = CASES[name]
    m = onnx.load(fixed)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    bad = 0
    for v, a in want.items():
        got = inits.get(v)
        if got is None:
            print("%s: '%s' is not an initializer" % (name, v))
            bad += 1
        elif got.dtype != a.dtype or got.shape != a.shape or \
                got.tobytes() != np.ascontiguousarray(a).tobytes():
            print("%s: '%s' differs from numpy's" % (name, v))
            bad += 1
    left = sorted(n.op_type for n in m.graph.node if n.op_type in MOVED)
    if left != sorted(stay):
        print("%s: left %s, want %s" % (name, left, sorted(stay)))
        bad += 1
    return bad


def main(argv):
    if len(argv) == 4 and argv[1] == "--verify":
        return 1 if verify(argv[2], argv[3]) else 0
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    import os
    os.makedirs(argv[1], exist_ok=True)
    for name, (m, _, _) in CASES.items():
        onnx.save(m, os.path.join(argv[1], name + ".onnx"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
