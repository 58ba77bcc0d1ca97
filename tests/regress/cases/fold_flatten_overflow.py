# SPDX-License-Identifier: MIT
# Flatten of a zero-element constant whose dims multiply past int64
# (signed overflow in fold's product of the dims after the axis), and
# Reshapes of it whose target dims do the same, with 0 and -1.
import sys

from onnx import TensorProto, helper, numpy_helper, save
import numpy as np


def empty(name, dims):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.raw_data = b""
    return t


def shape(name, v):
    return numpy_helper.from_array(np.array(v, dtype=np.int64), name)


nodes = [
    helper.make_node("Flatten", ["c"], ["f"], axis=1),
    helper.make_node("Size", ["f"], ["n0"]),
    helper.make_node("Reshape", ["c", "s1"], ["r1"], allowzero=1),
    helper.make_node("Size", ["r1"], ["n1"]),
    helper.make_node("Reshape", ["c", "s2"], ["r2"]),
    helper.make_node("Size", ["r2"], ["n2"]),
]
g = helper.make_graph(
    nodes, "g", [],
    [helper.make_tensor_value_info(n, TensorProto.INT64, [])
     for n in ("n0", "n1", "n2")],
    [empty("c", [0, 2**62, 4]),
     shape("s1", [2**62, 4, 0]),
     shape("s2", [0, 0, -1])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)]),
     sys.argv[1])
