#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate the models the picture and diff tests use.

    /usr/bin/python3 tools/gen_dot_models.py layers N FILE   transformer-like encoder
        with N identical layers named /encoder/layer.K/... (textproto)
    /usr/bin/python3 tools/gen_dot_models.py big N FILE       N-node model: a chain
        of conv blocks with side branches, binary .onnx, for timing
    /usr/bin/python3 tools/gen_dot_models.py ifbig N FILE     an If whose two
        branches hold N nodes each (bodies too large to draw inline)

Needs the onnx Python package (Debian python3-onnx).  The layers model is
committed as testdata/dot/layers.pbtxt (N=12); big models are generated
at test or benchmark time.
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper
from google.protobuf import text_format


def layers(n):
    d = 4
    nodes, inits = [], []
    rng = np.random.default_rng(7)

    def w(name, shape):
        inits.append(numpy_helper.from_array(
            rng.standard_normal(shape).astype(np.float32), name))
        return name

    nodes.append(helper.make_node("MatMul", ["x", w("emb.w", [d, d])],
                                  ["h0"], name="/embeddings/MatMul"))
    h = "h0"
    for k in range(n):
        p = "/encoder/layer.%d" % k
        q = "l%d" % k
        nodes += [
            helper.make_node("MatMul", [h, w(q + ".wq", [d, d])],
                             [q + "q"], name=p + "/attention/query/MatMul"),
            helper.make_node("MatMul", [h, w(q + ".wk", [d, d])],
                             [q + "k"], name=p + "/attention/key/MatMul"),
            helper.make_node("MatMul", [h, w(q + ".wv", [d, d])],
                             [q + "v"], name=p + "/attention/value/MatMul"),
            helper.make_node("Transpose", [q + "k"], [q + "kt"],
                             name=p + "/attention/Transpose", perm=[0, 2, 1]),
            helper.make_node("MatMul", [q + "q", q + "kt"], [q + "s"],
                             name=p + "/attention/MatMul"),
            helper.make_node("Softmax", [q + "s"], [q + "p"],
                             name=p + "/attention/Softmax", axis=-1),
            helper.make_node("MatMul", [q + "p", q + "v"], [q + "a"],
                             name=p + "/attention/MatMul_1"),
            helper.make_node("Add", [q + "a", h], [q + "r"],
                             name=p + "/Add"),
            helper.make_node("MatMul", [q + "r", w(q + ".w1", [d, d])],
                             [q + "f"], name=p + "/ffn/MatMul"),
            helper.make_node("Relu", [q + "f"], [q + "g"],
                             name=p + "/ffn/Relu"),
            helper.make_node("Add", [q + "g", q + "r"], [q + "o"],
                             name=p + "/ffn/Add"),
        ]
        h = q + "o"
    nodes.append(helper.make_node("ReduceMean", [h], ["y"],
                                  name="/pooler/ReduceMean", axes=[1]))
    g = helper.make_graph(
        nodes, "encoder",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["batch", 8, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       ["batch", 1, d])],
        inits)
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def big(n):
    nodes, inits = [], []
    rng = np.random.default_rng(3)
    c = 8
    h = "x"
    k = 0
    while len(nodes) + 6 <= n:
        wn = "w%d" % k
        inits.append(numpy_helper.from_array(
            (rng.standard_normal([c, c, 3, 3]) * 0.1).astype(np.float32),
            wn))
        nodes += [
            helper.make_node("Conv", [h, wn], ["c%d" % k], pads=[1, 1, 1, 1],
                             name="block%d/conv" % k),
            helper.make_node("Relu", ["c%d" % k], ["r%d" % k],
                             name="block%d/relu" % k),
            helper.make_node("GlobalAveragePool", ["r%d" % k], ["p%d" % k],
                             name="block%d/se/pool" % k),
            helper.make_node("Sigmoid", ["p%d" % k], ["s%d" % k],
                             name="block%d/se/sigmoid" % k),
            helper.make_node("Mul", ["r%d" % k, "s%d" % k], ["m%d" % k],
                             name="block%d/se/mul" % k),
            helper.make_node("Add", ["m%d" % k, h], ["a%d" % k],
                             name="block%d/add" % k),
        ]
        h = "a%d" % k
        k += 1
    nodes.append(helper.make_node("Identity", [h], ["y"], name="out"))
    g = helper.make_graph(
        nodes, "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       [1, c, 16, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                       [1, c, 16, 16])],
        inits)
    m = helper.make_model(g, producer_name="onnxfix-bench",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def ifbig(n):
    def branch(name, op):
        nodes, h = [], "x"
        for k in range(n):
            nodes.append(helper.make_node(op, [h], ["%s%d" % (name, k)],
                                          name="%s/%s%d" % (name, op, k)))
            h = "%s%d" % (name, k)
        nodes.append(helper.make_node("Identity", [h], [name + "_out"],
                                      name=name + "/out"))
        return helper.make_graph(
            nodes, name, [],
            [helper.make_tensor_value_info(name + "_out", TensorProto.FLOAT,
                                           [1, 8])])
    nodes = [
        helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0, name="sum"),
        helper.make_node("Greater", ["s", "zero"], ["c"], name="test"),
        helper.make_node("If", ["c"], ["y"], name="choose",
                         then_branch=branch("then", "Relu"),
                         else_branch=branch("else", "Sigmoid")),
    ]
    g = helper.make_graph(
        nodes, "ifbig",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
        [numpy_helper.from_array(np.array(0, np.float32), "zero")])
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def main():
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "layers":
        with open(path, "w") as f:
            f.write("# generated by tools/gen_dot_models.py layers %d\n" % n)
            f.write(text_format.MessageToString(layers(n)))
    elif kind == "big":
        with open(path, "wb") as f:
            f.write(big(n).SerializeToString())
    elif kind == "ifbig":
        with open(path, "wb") as f:
            f.write(ifbig(n).SerializeToString())
    else:
        sys.exit("unknown kind " + kind)


if __name__ == "__main__":
    main()
