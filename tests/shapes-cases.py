#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Writes the golden cases of the shapes pass (testdata/shapes/*.textproto)
# with the onnx package's helpers.  Run from the top directory, then
# `make golden-update` and review the .expect files.
import numpy as np
from google.protobuf import text_format
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(comment, nodes, inputs, outputs, inits=(), value_info=(),
          opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs,
                          initializer=list(inits), value_info=value_info)
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return "# " + comment + "\n" + text_format.MessageToString(m)


N = helper.make_node
cases = {
    "elem-fires": model(
        "S260: the graph output declares int64, Relu yields float",
        [N("Relu", ["X"], ["Y"])],
        [vi("X", F, [1, 4])], [vi("Y", I64, [1, 4])]),
    "elem-clean": model(
        "S260 must not fire: Cast yields the declared int64",
        [N("Cast", ["X"], ["Y"], to=I64)],
        [vi("X", F, [1, 4])], [vi("Y", I64, [1, 4])]),
    "rank-fires": model(
        "S261: stale value_info of rank 1 for a rank-2 value",
        [N("Relu", ["X"], ["T"]), N("Neg", ["T"], ["Y"])],
        [vi("X", F, [1, 4])], [vi("Y", F, [1, 4])],
        value_info=[vi("T", F, [4])]),
    "rank-clean": model(
        "S261 must not fire: value_info of unknown shape and right rank",
        [N("Relu", ["X"], ["T"]), N("Flatten", ["T"], ["U"]),
         N("Neg", ["U"], ["Y"])],
        [vi("X", F, [2, 3, 4])], [vi("Y", F, [2, 12])],
        value_info=[vi("T", F, None), vi("U", F, ["n", None])]),
    "dim-fires": model(
        "S262: value_info says 8 where Reshape makes 12",
        [N("Shape", ["X"], ["s"]),
         N("Gather", ["s", "zero"], ["b"], axis=0),
         N("Unsqueeze", ["b", "zero1"], ["bu"]),
         N("Concat", ["bu", "minus1"], ["target"], axis=0),
         N("Reshape", ["X", "target"], ["T"]),
         N("Relu", ["T"], ["Y"])],
        [vi("X", F, ["batch", 3, 4])], [vi("Y", F, ["batch", 12])],
        inits=[numpy_helper.from_array(np.array(0, dtype=np.int64),
                                       "zero"),
               const("zero1", [0]), const("minus1", [-1])],
        value_info=[vi("T", F, ["batch", 8])]),
    "dim-clean": model(
        "S262 must not fire: a dim_param against a concrete size",
        [N("Shape", ["X"], ["s"]),
         N("Gather", ["s", "zero"], ["b"], axis=0),
         N("Unsqueeze", ["b", "zero1"], ["bu"]),
         N("Concat", ["bu", "minus1"], ["target"], axis=0),
         N("Reshape", ["X", "target"], ["T"]),
         N("Relu", ["T"], ["Y"])],
        [vi("X", F, ["batch", 3, 4])], [vi("Y", F, ["batch", "w"])],
        inits=[numpy_helper.from_array(np.array(0, dtype=np.int64),
                                       "zero"),
               const("zero1", [0]), const("minus1", [-1])],
        value_info=[vi("T", F, ["n", 12])]),
    "broadcast-fires": model(
        "S263: 4 and 3 meet on the last axis of Add",
        [N("Add", ["X", "B"], ["Y"])],
        [vi("X", F, [1, 4]), vi("B", F, [3])], [vi("Y", F, None)]),
    "broadcast-clean": model(
        "S263 must not fire: 1 stretches, equal params match",
        [N("Add", ["X", "B"], ["T"]), N("Mul", ["T", "C"], ["Y"])],
        [vi("X", F, ["n", 1, 4]), vi("B", F, [3, 1]),
         vi("C", F, ["n", 3, "k"])], [vi("Y", F, ["n", 3, 4])]),
    "reshape-fires": model(
        "S264: 6 elements reshaped to 8",
        [N("Reshape", ["X", "s"], ["Y"])],
        [vi("X", F, [2, 3])], [vi("Y", F, None)],
        inits=[const("s", [4, 2])]),
    "reshape-clean": model(
        "S264 must not fire: 0 copies, -1 takes the rest",
        [N("Reshape", ["X", "s"], ["Y"])],
        [vi("X", F, [2, 3, 4])], [vi("Y", F, [2, 2, 6])],
        inits=[const("s", [0, 2, -1])]),
    "concat-fires": model(
        "S265: Concat on axis 0 of widths 4 and 5",
        [N("Concat", ["A", "B"], ["Y"], axis=0)],
        [vi("A", F, [1, 4]), vi("B", F, [2, 5])], [vi("Y", F, None)]),
    "concat-clean": model(
        "S265 must not fire: widths agree, axis sizes add up",
        [N("Concat", ["A", "B"], ["Y"], axis=-2)],
        [vi("A", F, [1, 4]), vi("B", F, [2, "w"])],
        [vi("Y", F, [3, 4])]),
    "matmul-fires": model(
        "S266: MatMul of [2,3] by [4,5]",
        [N("MatMul", ["A", "B"], ["Y"])],
        [vi("A", F, [2, 3]), vi("B", F, [4, 5])], [vi("Y", F, None)]),
    "matmul-clean": model(
        "S266 must not fire: batched MatMul and Gemm with transB",
        [N("MatMul", ["A", "B"], ["T"]),
         N("Reshape", ["T", "s"], ["U"]),
         N("Gemm", ["U", "W"], ["Y"], transB=1)],
        [vi("A", F, [7, 2, 3]), vi("B", F, [3, 5]), vi("W", F, [6, 70])],
        [vi("Y", F, [1, 6])], inits=[const("s", [1, -1])]),
    "perm-fires": model(
        "S267: perm [0,0] names axis 0 twice",
        [N("Transpose", ["X"], ["Y"], perm=[0, 0])],
        [vi("X", F, [2, 3])], [vi("Y", F, None)]),
    "perm-clean": model(
        "S267 must not fire: a permutation, and the default reversal",
        [N("Transpose", ["X"], ["T"], perm=[0, 2, 1]),
         N("Transpose", ["T"], ["Y"])],
        [vi("X", F, [2, 3, 4])], [vi("Y", F, [3, 4, 2])]),
}

for name, text in cases.items():
    with open("testdata/shapes/%s.textproto" % name, "w") as f:
        f.write(text)
