# SPDX-License-Identifier: MIT
"""Models for tests/opset/cases.sh: operators whose conversion below
their opset needs a decomposition or a rewrite the backend test suite
covers thinly (Einsum equations, Softmax along inner axes, OneHot and
Gather with negative indices, Dropout in training mode with ratio 0).
Each line of OUTDIR/cases.txt: file, target opset, expected outcome
("same": converted, ORT gives the same outputs; "refused": exit 1 with
F411 and no output).
usage: gen_cases.py OUTDIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
lines = []


rng = np.random.default_rng(7)
NP = {T.FLOAT: np.float32, T.INT64: np.int64, T.INT32: np.int32}


def feed(vi, ints):
    """An input for VI: symbolic dims 2, floats normal, integers drawn
    from the range INTS (negative ones included where the case wants)."""
    t = vi.type.tensor_type
    dims = [d.dim_value if d.HasField("dim_value") else 2
            for d in t.shape.dim]
    if t.elem_type == T.FLOAT and ints is None:
        return rng.standard_normal(dims).astype(np.float32)
    lo, hi = ints if ints is not None else (-3, 3)
    return rng.integers(lo, hi + 1, dims).astype(NP[t.elem_type])


def save(name, nodes, ins, opset, target, expect, inits=(), ints=None):
    g = h.make_graph(nodes, name, ins,
                     [h.make_tensor_value_info("y", T.FLOAT, None)],
                     initializer=list(inits))
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = 7
    onnx.save(m, os.path.join(out, name + ".onnx"))
    lines.append("%s.onnx %d %s" % (name, target, expect))
    if expect != "same":
        return
    d = os.path.join(out, name + ".data")
    os.makedirs(d, exist_ok=True)
    for k, vi in enumerate(ins):
        r = ints.get(vi.name) if isinstance(ints, dict) else None
        v = nh.from_array(feed(vi, r), vi.name)
        with open(os.path.join(d, "input_%d.pb" % k), "wb") as f:
            f.write(v.SerializeToString())


EINSUM = [
    ("bij,bjk->bik", [[2, 3, 4], [2, 4, 5]]),
    ("...ij,...jk->...ik", [[2, 3, 3, 4], [1, 3, 4, 5]]),
    ("ij,jk", [[3, 4], [4, 5]]),
    ("i,j->ij", [[3], [4]]),
    ("abcd,cdef->abef", [[2, 3, 4, 5], [4, 5, 6, 2]]),
    ("ij,jk,kl->il", [[2, 3], [3, 4], [4, 5]]),
    ("B G H I D, B G H J D -> B G H I J", [[1, 2, 3, 3, 4], [1, 2, 3, 5, 4]]),
    ("ijk->", [[2, 3, 4]]),
    ("ij->ji", [[3, 4]]),
    ("ij->ij", [[3, 4]]),
    ("bn,anm,bm->ba", [[2, 3], [4, 3, 5], [2, 5]]),
    ("...i,i", [[2, 3, 4], [4]]),
    ("Ab,bC -> CA", [[3, 4], [4, 5]]),
    ("i,i", [[5], [5]]),
    ("ab,ab->ab", [[2, 1], [1, 3]]),
    ("ab,b->a", [[2, 3], [1]]),
    ("bij,bjk->bik", [["N", 3, 4], ["N", 4, 5]]),
    ("bij,bjk->bik", [[1, 3, 4], [2, 4, 5]]),
    # diagonals: a label repeated within one operand
    ("ii->i", [[3, 3]]),
    ("ii", [[4, 4]]),
    ("bii->bi", [[2, 3, 3]]),
    ("iji->j", [[3, 2, 3]]),
    ("iii->i", [[2, 2, 2]]),
    ("ij,jj->i", [[2, 3], [3, 3]]),
]
for k, (eq, shapes) in enumerate(EINSUM):
    ins = [h.make_tensor_value_info("x%d" % i, T.FLOAT, s)
           for i, s in enumerate(shapes)]
    n = h.make_node("Einsum", ["x%d" % i for i in range(len(shapes))],
                    ["y"], equation=eq)
    save("einsum%02d" % k, [n], ins, 12, 11, "same")
# refused: a diagonal of unknown size; two labels of one group of
# unknown sizes
# an implicit output of 54 ellipsis dims and 26 letters: more than 64
# dims, refused (it overran the label list once)
ins = [h.make_tensor_value_info("x0", T.FLOAT, [1] * 64),
       h.make_tensor_value_info("x1", T.FLOAT, [1] * 16)]
save("einsum_wide", [h.make_node("Einsum", ["x0", "x1"], ["y"],
                                 equation="...ABCDEFGHIJ,KLMNOPQRSTUVWXYZ")],
     ins, 12, 11, "refused")
for k, (eq, shapes) in enumerate([("ii->i", [["N", "N"]]),
                                   ("aij,ajk->aik",
                                    [["A", "B", 4], ["A", 4, "C"]]),
                                   ("abc,bcd->ad",
                                    [[2, "B", "C"], ["B", "C", 3]])]):
    ins = [h.make_tensor_value_info("x%d" % i, T.FLOAT, s)
           for i, s in enumerate(shapes)]
    n = h.make_node("Einsum", ["x%d" % i for i in range(len(shapes))],
                    ["y"], equation=eq)
    save("einsum_no%d" % k, [n], ins,
         12, 11, "same" if k == 1 else "refused")

# Softmax family along an inner axis, 13 -> 12 and -> 11
for op in ("Softmax", "LogSoftmax", "Hardmax"):
    for axis in (0, 1, -2):
        x = h.make_tensor_value_info("x", T.FLOAT, [2, 3, 4])
        n = h.make_node(op, ["x"], ["y"], axis=axis)
        save("%s_axis%d" % (op.lower(), axis), [n], [x], 13, 11, "same")
x = h.make_tensor_value_info("x", T.FLOAT, None)
save("softmax_unknown_rank", [h.make_node("Softmax", ["x"], ["y"], axis=0)],
     [x], 13, 12, "refused")

# OneHot-11 with negative indices and a negative axis, -> 10
# (the index and depth types of ONNX Runtime's kernels)
for k, (itype, dtype, axis) in enumerate([(T.INT64, np.int64, -2),
                                          (T.INT32, np.int32, -1),
                                          (T.FLOAT, np.float32, 1),
                                          (T.INT64, np.int64, 0)]):
    idx = h.make_tensor_value_info("i", itype, [2, 3])
    depth = nh.from_array(np.array([5], dtype=dtype), "depth")
    vals = nh.from_array(np.array([0.5, 2.0], dtype=np.float32), "vals")
    n = h.make_node("OneHot", ["i", "depth", "vals"], ["y"], axis=axis)
    save("onehot%d" % k, [n], [idx], 11, 10, "same", [depth, vals],
         {"i": (-7, 6)})

# Gather-11 with indices that may be negative, -> 10
data = h.make_tensor_value_info("d", T.FLOAT, [4, 6])
idx = h.make_tensor_value_info("i", T.INT64, [3])
for axis in (0, 1, -1):
    save("gather_axis%d" % axis,
         [h.make_node("Gather", ["d", "i"], ["y"], axis=axis)],
         [data, idx], 13, 10, "same", (),
         {"i": (-4, 3) if axis == 0 else (-6, 5)})
data = h.make_tensor_value_info("d", T.FLOAT, ["N", 6])
save("gather_unknown", [h.make_node("Gather", ["d", "i"], ["y"], axis=0)],
     [data, idx], 13, 10, "refused")

# Dropout-12 in training mode with ratio 0 (torch's attention dropout)
x = h.make_tensor_value_info("x", T.FLOAT, [2, 3])
ratio = nh.from_array(np.array(0, dtype=np.float32), "ratio")
train = nh.from_array(np.array(True), "train")
save("dropout_train_r0",
     [h.make_node("Dropout", ["x", "ratio", "train"], ["y", "mask"])],
     [x], 13, 11, "same", [ratio, train])
ratio = nh.from_array(np.array(0.3, dtype=np.float32), "ratio")
save("dropout_train_r03",
     [h.make_node("Dropout", ["x", "ratio", "train"], ["y"])],
     [x], 13, 11, "refused", [ratio, train])

# ArgMax/ArgMin-12 select_last_index, -> 11: ties (small integers),
# a dim of unknown size, a negative axis
for op in ("ArgMax", "ArgMin"):
    for k, (shape, axis, keep) in enumerate([(["N", 5], 1, 1),
                                             (["N", 5], 0, 0),
                                             ([3, 4, 5], -2, 0)]):
        x = h.make_tensor_value_info("x", T.INT32, shape)
        save("%s_last%d" % (op.lower(), k),
             [h.make_node(op, ["x"], ["a"], axis=axis, keepdims=keep,
                          select_last_index=1),
              h.make_node("Cast", ["a"], ["y"], to=T.FLOAT)],
             [x], 13, 11, "same", (), {"x": (-2, 2)})

# ConstantOfShape-9 and Celu-12, expanded
shp = h.make_tensor_value_info("s", T.INT64, [2])
val = nh.from_array(np.array([7], dtype=np.int32), "v")
save("constantofshape", [h.make_node("ConstantOfShape", ["s"], ["y0"],
                                     value=val),
                         h.make_node("Cast", ["y0"], ["y"], to=T.FLOAT)],
     [shp], 11, 8, "same", (), {"s": (0, 3)})
x = h.make_tensor_value_info("x", T.FLOAT, [2, 3])
save("celu", [h.make_node("Celu", ["x"], ["y"], alpha=0.7)], [x], 12, 11,
     "same")

with open(os.path.join(out, "cases.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
