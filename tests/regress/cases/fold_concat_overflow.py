# SPDX-License-Identifier: MIT
# Concat of zero-element constants whose concatenated dim passes 2^63
# and wraps around to 0 (signed overflow in fold's sum of the axis sizes;
# the wrapped result was folded as an empty [0, 0] tensor).
import sys

from onnx import TensorProto, helper, save


def empty(name, dims):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.raw_data = b""
    return t


names = ["c%d" % i for i in range(4)]
nodes = [
    helper.make_node("Concat", names, ["y"], axis=1),
    helper.make_node("Size", ["y"], ["n"]),
]
g = helper.make_graph(
    nodes, "g", [],
    [helper.make_tensor_value_info("n", TensorProto.INT64, [])],
    [empty(n, [0, 2**62]) for n in names])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
