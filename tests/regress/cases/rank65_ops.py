# SPDX-License-Identifier: MIT
# Operators whose output rank goes above shape inference's cap of 64
# (from an input of rank 64 and one more axis, a 65-element shape, an
# attribute or a body output): each output must come out unranked
# rather than be filled through the null dims of an unranked type.
# The Reshape at the end takes a shape whose declared length is
# 2^32 + 1, which once read as rank 1.
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save

r64 = [1] * 64
ones65 = numpy_helper.from_array(np.ones(65, dtype=np.int64), "ones65")
zero = numpy_helper.from_array(np.array([0], dtype=np.int64), "zero")
idx2 = numpy_helper.from_array(np.zeros([1, 1], dtype=np.int64), "idx2")
depth = numpy_helper.from_array(np.array(2, dtype=np.int64), "depth")
onoff = numpy_helper.from_array(np.array([0, 1], dtype=np.float32),
                                "onoff")
trip = numpy_helper.from_array(np.array(2, dtype=np.int64), "trip")
cond = numpy_helper.from_array(np.array(True), "cond")
loop_body = helper.make_graph(
    [helper.make_node("Identity", ["cin"], ["cout"]),
     helper.make_node("Identity", ["x"], ["scan"])], "loop_body",
    [helper.make_tensor_value_info("i", TensorProto.INT64, []),
     helper.make_tensor_value_info("cin", TensorProto.BOOL, [])],
    [helper.make_tensor_value_info("cout", TensorProto.BOOL, []),
     helper.make_tensor_value_info("scan", TensorProto.FLOAT, r64)])
nodes = [
    helper.make_node("Unsqueeze", ["x", "zero"], ["unsq"]),
    helper.make_node("Reshape", ["x", "ones65"], ["resh"]),
    helper.make_node("ConstantOfShape", ["ones65"], ["cos"]),
    helper.make_node("Expand", ["x", "ones65"], ["expd"]),
    helper.make_node("Tile", ["x", "ones65"], ["tile"]),
    helper.make_node("Gather", ["x", "idx2"], ["gath"], axis=0),
    helper.make_node("GatherND", ["x", "idx2"], ["gnd"]),
    helper.make_node("OneHot", ["xi", "depth", "onoff"], ["oneh"]),
    helper.make_node("Concat", ["unsq", "unsq"], ["cat"], axis=0),
    helper.make_node("Range", ["zero", "ones65", "zero"], ["rng"]),
    helper.make_node("RandomNormal", [], ["rnd"], shape=[1] * 65),
    helper.make_node("Loop", ["trip", "cond"], ["lscan"],
                     body=loop_body),
    helper.make_node("Einsum", ["x"], ["ein"],
                     equation="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                     "RSTUVWXYZ0123456789!?->ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "abcdefghijklmnopqrstuvwxyz0123456789!?a"),
    helper.make_node("Reshape", ["x", "shp"], ["resh2"]),
]
outs = ["unsq", "resh", "cos", "expd", "tile", "gath", "gnd", "oneh",
        "cat", "rnd", "lscan", "ein"]
g = helper.make_graph(
    nodes, "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, r64),
     helper.make_tensor_value_info("xi", TensorProto.INT64, r64),
     helper.make_tensor_value_info("shp", TensorProto.INT64, [2**32 + 1])],
    [helper.make_tensor_value_info(o, TensorProto.FLOAT, None)
     for o in outs] +
    [helper.make_tensor_value_info("rng", TensorProto.INT64, None),
     helper.make_tensor_value_info("resh2", TensorProto.FLOAT, [2, 2])],
    [ones65, zero, idx2, depth, onoff, trip, cond])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
