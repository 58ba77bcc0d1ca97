# SPDX-License-Identifier: MIT
# Slices of constants with INT64_MIN and INT64_MAX starts, ends and steps
# (signed overflow in fold's element counts: -INT64_MIN, end - start +
# step - 1), a Slice of a zero-element constant whose dims multiply past
# int64 (overflow in the strides), and a backward Slice of a dim of size
# 0, which fold made one element long (a [2, 1] result from no data).
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

MIN, MAX = -2**63, 2**63 - 1


def ints(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.int64), name)


e = TensorProto()
e.name = "e"
e.data_type = TensorProto.FLOAT
e.dims.extend([0, 2**62, 4])
e.raw_data = b""
inits = [
    numpy_helper.from_array(np.arange(16, dtype=np.float32).reshape(4, 4),
                            "x"),
    e,
    ints("smax", [MAX, MAX]), ints("smin", [MIN, MIN]),
    ints("ax", [0, 1]), ints("stepmin", [MIN, MIN]),
    ints("stepmax", [MAX, MAX]), ints("z", [0]), ints("one", [1]),
    ints("ax2", [2]),
    numpy_helper.from_array(np.zeros((2, 0), dtype=np.float32), "w"),
    ints("m1", [-1]), ints("m10", [-10]), ints("s0", [-1]),
]
nodes = [
    # Backwards from the last row and column, one element each.
    helper.make_node("Slice", ["x", "smax", "smin", "ax", "stepmin"],
                     ["a"]),
    # Forwards from the first, one element each.
    helper.make_node("Slice", ["x", "smin", "smax", "ax", "stepmax"],
                     ["b"]),
    helper.make_node("Slice", ["e", "z", "one", "ax2"], ["c"]),
    helper.make_node("Concat", ["a", "b"], ["ab"], axis=0),
    helper.make_node("Add", ["ab", "in"], ["y"]),
    helper.make_node("Size", ["c"], ["n"]),
    helper.make_node("Slice", ["w", "m1", "m10", "one", "m1"], ["ws"]),
    # Empty, as the dims say; a one-element-long result would make
    # [2] here.
    helper.make_node("Reshape", ["ws", "s0"], ["wr"]),
    helper.make_node("Add", ["wr", "in0"], ["w2"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("in", TensorProto.FLOAT, [2, 1]),
     helper.make_tensor_value_info("in0", TensorProto.FLOAT, [0])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 1]),
     helper.make_tensor_value_info("n", TensorProto.INT64, []),
     helper.make_tensor_value_info("w2", TensorProto.FLOAT, [0])],
    inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
