#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the benchmark models into a directory (default build/bench):

  weights40m.onnx  12 MatMul+Add layers with 1024x1024 float weights
                   (about 50 MB of initializers, a few dozen nodes)
  chain100k.onnx   a 100,000-node chain of alternating Relu and Neg

Uses Debian's python3-onnx only to build the protobufs.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def weights_model(path):
    rng = np.random.default_rng(1)
    n = 1024
    nodes, inits = [], []
    prev = "x"
    for i in range(12):
        w = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n,), dtype=np.float32)
        inits.append(numpy_helper.from_array(w, "w%d" % i))
        inits.append(numpy_helper.from_array(b, "b%d" % i))
        nodes.append(helper.make_node("MatMul", [prev, "w%d" % i],
                                      ["m%d" % i]))
        out = "y" if i == 11 else "a%d" % i
        nodes.append(helper.make_node("Add", ["m%d" % i, "b%d" % i],
                                      [out]))
        prev = out
    g = helper.make_graph(
        nodes, "weights", [helper.make_tensor_value_info(
            "x", TensorProto.FLOAT, [1, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])],
        inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(m, path)


def chain_model(path, count=100000):
    nodes = []
    prev = "x"
    for i in range(count):
        out = "y" if i == count - 1 else "v%d" % i
        nodes.append(helper.make_node("Relu" if i % 2 == 0 else "Neg",
                                      [prev], [out], name="n%d" % i))
        prev = out
    g = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info(
            "x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(m, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/bench"
    os.makedirs(out, exist_ok=True)
    weights_model(os.path.join(out, "weights40m.onnx"))
    chain_model(os.path.join(out, "chain100k.onnx"))


if __name__ == "__main__":
    main()
