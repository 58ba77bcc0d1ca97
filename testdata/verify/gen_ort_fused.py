#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# A transformer-style block in standard ONNX, written the way exporters
# write it (MatMul + Add, Gelu as Div/Erf/Add/Mul/Mul, a tanh Gelu,
# LayerNormalization as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/
# Add, a scaled MatMul of a transposed input), for ONNX Runtime's
# optimizer to fuse into com.microsoft operators.  ort_optimize.js saves
# what ONNX Runtime makes of it at the "extended" level; tests/verify.sh
# then checks that `onnxfix fix` turns that back into standard ONNX with
# the same outputs.
#
# Usage (from the project root):
#   /usr/bin/python3 testdata/verify/gen_ort_fused.py /tmp/b.onnx OPSET
#   node testdata/verify/ort_optimize.js /tmp/b.onnx \
#       testdata/verify/ort-fused-block-oOPSET.onnx
# (committed for OPSET 14 and 17; ReduceMean takes axes as an attribute
# up to opset 17.)
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

H = 16
state = [777]


def rnd(*shape):
    n = int(np.prod(shape))
    v = []
    for _ in range(n):
        state[0] = (state[0] * 1103515245 + 12345) % 2**31
        v.append((state[0] / 2**31 * 2 - 1) * 0.5)
    return np.array(v, dtype=np.float32).reshape(shape)


def c(name, arr):
    return numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name)


def layer_norm(x, g, b, out, p):
    return [
        helper.make_node("ReduceMean", [x], [p + "m"], axes=[-1]),
        helper.make_node("Sub", [x, p + "m"], [p + "d"]),
        helper.make_node("Pow", [p + "d", "two"], [p + "d2"]),
        helper.make_node("ReduceMean", [p + "d2"], [p + "v"], axes=[-1]),
        helper.make_node("Add", [p + "v", "eps"], [p + "ve"]),
        helper.make_node("Sqrt", [p + "ve"], [p + "s"]),
        helper.make_node("Div", [p + "d", p + "s"], [p + "n"]),
        helper.make_node("Mul", [p + "n", g], [p + "ng"]),
        helper.make_node("Add", [p + "ng", b], [out]),
    ]


def main():
    nodes = []
    # Dense + erf Gelu.
    nodes += [
        helper.make_node("MatMul", ["X", "W1"], ["h1"]),
        helper.make_node("Add", ["h1", "b1"], ["h1b"]),
        helper.make_node("Div", ["h1b", "sqrt2"], ["g1"]),
        helper.make_node("Erf", ["g1"], ["g2"]),
        helper.make_node("Add", ["g2", "one"], ["g3"]),
        helper.make_node("Mul", ["h1b", "g3"], ["g4"]),
        helper.make_node("Mul", ["g4", "half"], ["gelu"]),
        helper.make_node("MatMul", ["gelu", "W2"], ["h2"]),
        helper.make_node("Add", ["h2", "b2"], ["h2b"]),
        # Residual + LayerNormalization.
        helper.make_node("Add", ["X", "h2b"], ["res"]),
    ]
    nodes += layer_norm("res", "ln_g", "ln_b", "ln", "ln_")
    # A tanh Gelu (FastGelu pattern).
    nodes += [
        helper.make_node("Mul", ["ln", "ln"], ["t0"]),
        helper.make_node("Mul", ["t0", "ln"], ["t1"]),
        helper.make_node("Mul", ["t1", "k044"], ["t2"]),
        helper.make_node("Add", ["ln", "t2"], ["t3"]),
        helper.make_node("Mul", ["t3", "ksq"], ["t4"]),
        helper.make_node("Tanh", ["t4"], ["t5"]),
        helper.make_node("Add", ["t5", "one"], ["t6"]),
        helper.make_node("Mul", ["ln", "half"], ["t7"]),
        helper.make_node("Mul", ["t7", "t6"], ["fg"]),
        # Scaled MatMul of a transposed operand (FusedMatMul pattern).
        helper.make_node("Transpose", ["fg"], ["fgT"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["fgT", "fg"], ["mm"]),
        helper.make_node("Mul", ["mm", "scale"], ["Y"]),
        helper.make_node("Relu", ["ln"], ["Z"]),
    ]
    inits = [
        c("W1", rnd(H, 2 * H)), c("b1", rnd(2 * H)),
        c("W2", rnd(2 * H, H)), c("b2", rnd(H)),
        c("ln_g", rnd(H) + 1), c("ln_b", rnd(H)),
        c("sqrt2", np.sqrt(2.0)), c("one", 1.0), c("half", 0.5),
        c("two", 2.0), c("eps", 1e-5),
        c("k044", 0.044715), c("ksq", np.sqrt(2.0 / np.pi)),
        c("scale", 0.125),
    ]
    f = TensorProto.FLOAT
    g = helper.make_graph(
        nodes, "block",
        [helper.make_tensor_value_info("X", f, [1, 4, H])],
        [helper.make_tensor_value_info("Y", f, [1, H, H]),
         helper.make_tensor_value_info("Z", f, [1, 4, H])], inits)
    opset = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="onnxfix-tests")
    m.ir_version = 8
    with open(sys.argv[1], "wb") as out:
        out.write(m.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
