#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the benchmark models into a directory (default build/bench):

  weights40m.onnx  12 MatMul+Add layers with 1024x1024 float weights
                   (about 50 MB of initializers, a few dozen nodes)
  chain100k.onnx   a 100,000-node chain of alternating Relu and Neg
                   (and chain25k, chain50k: memory against node count)

and, with --large (about 4.6 GB of disk; bench/run.sh deletes them after):

  matmul1g5.onnx   a 1.48 GB single-file model: 22 MatMul layers with
                   4096 x 4096 float weights
  ext3g.onnx       a 3.2 GB model in external data (ext3g.onnx.data):
                   48 MatMul layers with 4096 x 4096 float weights

The large models are written piece by piece (the payloads straight from
numpy into the file), so generating them takes little memory.  Uses Debian's
python3-onnx only to build the small protobufs.
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


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def field(number, payload_len):
    """Tag and length prefix of a length-delimited field."""
    return varint(number << 3 | 2) + varint(payload_len)


def matmul_graph(layers, n):
    """The graph without its initializers, and the weights' names."""
    nodes, names = [], []
    prev = "x"
    for i in range(layers):
        out = "y" if i == layers - 1 else "h%d" % i
        names.append("w%d" % i)
        nodes.append(helper.make_node("MatMul", [prev, "w%d" % i], [out],
                                      name="mm%d" % i))
        prev = out
    g = helper.make_graph(
        nodes, "large", [helper.make_tensor_value_info(
            "x", TensorProto.FLOAT, [1, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, n])])
    return g, names


def weight(i, n):
    # Cheap, layer-dependent values; small so that the chain stays finite.
    return np.full((n, n), 1.0 / (n * (i + 1)), dtype=np.float32)


def large_single(path, layers=22, n=4096):
    """A single-file model; the initializers' bytes go straight to disk."""
    g, names = matmul_graph(layers, n)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    head = m.SerializeToString()
    graph_bytes = g.SerializeToString()
    nbytes = n * n * 4
    tensors = []
    for name in names:
        t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=[n, n])
        h = t.SerializeToString() + field(9, nbytes)
        tensors.append(h)
    inits_len = sum(len(field(5, len(h) + nbytes)) + len(h) + nbytes
                    for h in tensors)
    # The model without its graph, then the graph (field 7) with the
    # initializers (GraphProto field 5) appended to it.
    m.ClearField("graph")
    with open(path, "wb") as f:
        f.write(m.SerializeToString())
        f.write(field(7, len(graph_bytes) + inits_len))
        f.write(graph_bytes)
        for i, h in enumerate(tensors):
            f.write(field(5, len(h) + nbytes))
            f.write(h)
            f.write(weight(i, n).tobytes())
    del head


def large_external(path, layers=48, n=4096):
    """A model whose weights live in PATH.data (ONNX external data)."""
    g, names = matmul_graph(layers, n)
    data = os.path.basename(path) + ".data"
    nbytes = n * n * 4
    with open(path + ".data", "wb") as f:
        for i, name in enumerate(names):
            f.write(weight(i, n).tobytes())
            t = g.initializer.add()
            t.name = name
            t.data_type = TensorProto.FLOAT
            t.dims.extend([n, n])
            t.data_location = TensorProto.EXTERNAL
            for k, v in (("location", data), ("offset", str(i * nbytes)),
                         ("length", str(nbytes))):
                e = t.external_data.add()
                e.key = k
                e.value = v
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = args[0] if args else "build/bench"
    os.makedirs(out, exist_ok=True)
    weights_model(os.path.join(out, "weights40m.onnx"))
    chain_model(os.path.join(out, "chain100k.onnx"))
    # smaller chains: memory against node count
    chain_model(os.path.join(out, "chain25k.onnx"), 25000)
    chain_model(os.path.join(out, "chain50k.onnx"), 50000)
    if "--large" in sys.argv:
        large_single(os.path.join(out, "matmul1g5.onnx"))
        large_external(os.path.join(out, "ext3g.onnx"))


if __name__ == "__main__":
    main()
