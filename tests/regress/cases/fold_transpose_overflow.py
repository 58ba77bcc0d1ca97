# SPDX-License-Identifier: MIT
# Transpose of a zero-element constant whose dims multiply past int64:
# fold's row-major strides overflowed.
import sys

from onnx import TensorProto, helper, save

e = TensorProto()
e.name = "e"
e.data_type = TensorProto.FLOAT
e.dims.extend([0, 2**62, 4])
e.raw_data = b""
nodes = [
    helper.make_node("Transpose", ["e"], ["t"], perm=[2, 1, 0]),
    helper.make_node("Size", ["t"], ["n"]),
]
g = helper.make_graph(
    nodes, "g", [],
    [helper.make_tensor_value_info("n", TensorProto.INT64, [])], [e])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
