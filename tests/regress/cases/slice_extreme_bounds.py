# SPDX-License-Identifier: MIT
# Slice lengths with starts, ends and steps at INT64_MIN and INT64_MAX,
# and a negative step over an empty constant vector, which once came out
# as length 1 (the start clamped to [0, -1]).  The Reshape of [5] to
# Concat(slice of the empty vector, [5]) is to rank 1, as declared.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save


def i64(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.int64), name)


inits = [i64("empty", np.zeros([0])), i64("five", [5]),
         i64("lo", [-2**63]), i64("hi", [2**63 - 1]),
         i64("m1", [-1]), i64("mhi", [-(2**63 - 1)]), i64("zero", [0])]
nodes = [
    helper.make_node("Slice", ["empty", "m1", "lo", "zero", "m1"], ["e"]),
    helper.make_node("Concat", ["e", "five"], ["shape"], axis=0),
    helper.make_node("Reshape", ["x", "shape"], ["y"]),
    helper.make_node("Slice", ["x", "lo", "hi", "zero", "hi"], ["s1"]),
    helper.make_node("Slice", ["x", "hi", "lo", "zero", "mhi"], ["s2"]),
    helper.make_node("Slice", ["x", "lo", "hi", "zero", "mhi"], ["s3"]),
    helper.make_node("Slice", ["x", "hi", "lo", "zero", "m1"], ["s4"]),
    helper.make_node("Slice", ["x", "lo", "lo", "zero", "lo"], ["s5"]),
]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [5])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [5]),
     helper.make_tensor_value_info("s1", TensorProto.FLOAT, [1]),
     helper.make_tensor_value_info("s2", TensorProto.FLOAT, [1]),
     helper.make_tensor_value_info("s3", TensorProto.FLOAT, [0]),
     helper.make_tensor_value_info("s4", TensorProto.FLOAT, [5]),
     helper.make_tensor_value_info("s5", TensorProto.FLOAT, None)],
    inits)
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
