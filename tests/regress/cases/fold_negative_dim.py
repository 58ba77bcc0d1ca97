# SPDX-License-Identifier: MIT
# fix wrote an initializer with dims [0, INT64_MIN], which its own check
# rejects: fold concatenated two zero-element constants of dims
# [0, 2^62] and the axis size wrapped to a negative one.
import sys

from onnx import TensorProto, helper, save


def empty(name, dims):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.raw_data = b""
    return t


nodes = [
    helper.make_node("Concat", ["a", "b"], ["y"], axis=1),
    helper.make_node("Size", ["y"], ["n"]),
]
g = helper.make_graph(
    nodes, "g", [],
    [helper.make_tensor_value_info("n", TensorProto.INT64, [])],
    [empty("a", [0, 2**62]), empty("b", [0, 2**62])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
