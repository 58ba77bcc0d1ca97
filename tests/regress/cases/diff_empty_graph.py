# SPDX-License-Identifier: MIT
# A graph with no node at all: diff sorted its empty operator table with
# qsort(NULL, 0, ...), undefined behaviour UBSan reports (found by the
# structure-aware fuzzer).
import sys

from onnx import TensorProto, helper, save

g = helper.make_graph(
    [], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])])
save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
     sys.argv[1])
