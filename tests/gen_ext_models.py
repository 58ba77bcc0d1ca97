#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes the external-data models of tests/verify.sh (section 4) into
# DIR, at test time: rewrites must read weights held in a data file
# beside the model (data_location EXTERNAL) as they read inline ones.
#
#   DIR/inline/m.onnx          Conv+BN, Conv+BN, Gemm+BN, a Reshape whose
#                              shape is a constant, a constant Add, all
#                              weights inline
#   DIR/ext/m.onnx, w.bin      the same, every tensor in w.bin
#                              (onnx.save_model size_threshold=0)
#   DIR/big/m.onnx, w.bin      Conv+BN with 2.25 MiB of weights in w.bin,
#                              for a read past a small --mem-budget
#   DIR/keep/m.onnx, w.bin,    Conv+BN whose running variance is negative
#   sp.bin                     (read, then not folded) and a sparse
#                              initializer in sp.bin: the writer keeps
#                              every reference (tensors read by a pass
#                              included) and copies the files along
#
# Needs Debian's python3-onnx and python3-numpy (no torch):
#
#	/usr/bin/python3 tests/gen_ext_models.py DIR
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data

rng = np.random.default_rng(20261206)


def arr(name, shape, lo=-1.0, hi=1.0):
    return numpy_helper.from_array(
        rng.uniform(lo, hi, size=shape).astype(np.float32), name)


def bn(p, c, var_lo=0.5):
    return [arr(p + ".s", [c], 0.5, 1.5), arr(p + ".b", [c], -0.2, 0.2),
            arr(p + ".m", [c], -0.5, 0.5), arr(p + ".v", [c], var_lo, 2.0)]


def bn_node(x, p, y):
    return helper.make_node("BatchNormalization",
                            [x, p + ".s", p + ".b", p + ".m", p + ".v"], [y],
                            epsilon=1e-5)


def model(nodes, inits, x_shape, y_shape, sparse=()):
    g = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)],
        inits, sparse_initializer=list(sparse))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="onnxfix-tests")
    m.ir_version = 8
    return m


def main():
    d = sys.argv[1]
    for sub in ("inline", "ext", "big", "keep"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)

    # Conv+BN, Conv (no bias)+BN, Gemm+BN; the Reshape's shape and the
    # Add of two constants are external too (shape inference, fold).
    inits = [arr("w1", [8, 3, 3, 3]), arr("c1", [8]), arr("w2", [4, 8, 1, 1]),
             arr("wg", [5, 64], -0.2, 0.2), arr("cg", [5]),
             numpy_helper.from_array(np.array([1, 64], np.int64), "shape"),
             arr("k1", [5]), arr("k2", [5])]
    inits += bn("bn1", 8) + bn("bn2", 4) + bn("bn3", 5)
    nodes = [
        helper.make_node("Conv", ["x", "w1", "c1"], ["a1"], pads=[1] * 4),
        bn_node("a1", "bn1", "b1"),
        helper.make_node("Relu", ["b1"], ["r1"]),
        helper.make_node("Conv", ["r1", "w2"], ["a2"], strides=[2, 2]),
        bn_node("a2", "bn2", "b2"),
        helper.make_node("Reshape", ["b2", "shape"], ["f"]),
        helper.make_node("Gemm", ["f", "wg", "cg"], ["g"], transB=1),
        bn_node("g", "bn3", "b3"),
        helper.make_node("Add", ["k1", "k2"], ["k"]),
        helper.make_node("Mul", ["b3", "k"], ["y"]),
    ]
    m = model(nodes, inits, [1, 3, 8, 8], [1, 5])
    onnx.checker.check_model(m)
    onnx.save_model(m, os.path.join(d, "inline", "m.onnx"))
    onnx.save_model(m, os.path.join(d, "ext", "m.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="w.bin", size_threshold=0)

    # 256x256x3x3 floats: more than a 2 MiB budget has left.
    inits = [arr("w", [256, 256, 3, 3], -0.05, 0.05)] + bn("bn", 256)
    nodes = [helper.make_node("Conv", ["x", "w"], ["a"], pads=[1] * 4),
             bn_node("a", "bn", "y")]
    m = model(nodes, inits, [1, 256, 4, 4], [1, 256, 4, 4])
    onnx.save_model(m, os.path.join(d, "big", "m.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="w.bin", size_threshold=0)

    # A negative running variance: bn-fold reads the four parameters,
    # then finds a value that is not finite and leaves the node.  The
    # sparse initializer's values are external data the IR does not
    # model, so the writer keeps every reference.
    inits = [arr("w", [4, 3, 1, 1])] + bn("bn", 4, -3.0)
    inits[-1] = numpy_helper.from_array(
        np.array([-2.0, -1.5, -1.0, -0.5], np.float32), "bn.v")
    vals = numpy_helper.from_array(
        np.array([1.0, 2.0], np.float32), "sp")
    idx = numpy_helper.from_array(np.array([0, 3], np.int64), "si")
    with open(os.path.join(d, "keep", "sp.bin"), "wb") as f:
        f.write(vals.raw_data)
    set_external_data(vals, "sp.bin", 0, 8)
    vals.ClearField("raw_data")
    vals.data_location = TensorProto.EXTERNAL
    sp = helper.make_sparse_tensor(vals, idx, [4])
    nodes = [helper.make_node("Conv", ["x", "w"], ["a"]),
             bn_node("a", "bn", "b"),
             helper.make_node("ReduceMean", ["b"], ["r"], axes=[2, 3],
                              keepdims=0),
             helper.make_node("Reshape", ["r", "rs"], ["r4"]),
             helper.make_node("Add", ["r4", "sp"], ["y"])]
    inits.append(numpy_helper.from_array(np.array([4], np.int64), "rs"))
    m = model(nodes, inits, [1, 3, 2, 2], [4], [sp])
    onnx.save_model(m, os.path.join(d, "keep", "m.onnx"),
                    save_as_external_data=True, all_tensors_to_one_file=True,
                    location="w.bin", size_threshold=0)


if __name__ == "__main__":
    main()
