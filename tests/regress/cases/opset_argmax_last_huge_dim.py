# SPDX-License-Identifier: MIT
# ArgMax with select_last_index over an axis declared 2^63 - 1 long,
# converted to opset 11: the rule built "size - 1" through a double,
# which rounds to 2^63 and has no int64 value (undefined behaviour).
# Integer constants are now built exactly (irbuild_scalar_int).
import sys

from onnx import TensorProto, helper, save

n = helper.make_node("ArgMax", ["x"], ["y"], axis=1, keepdims=1,
                     select_last_index=1)
g = helper.make_graph(
    [n], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                   [2, 9223372036854775807])],
    [helper.make_tensor_value_info("y", TensorProto.INT64, [2, 1])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 12)])
m.ir_version = 7
save(m, sys.argv[1])
