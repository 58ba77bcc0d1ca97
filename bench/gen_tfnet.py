#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# A synthetic TensorFlow-style network, as tf2onnx converts one: the
# input is channels-last (NHWC), and each of BLOCKS Conv blocks is wrapped
# in the converter's Transpose pair, [0,3,1,2] before the Conv and
# [0,2,3,1] after its BatchNormalization (Keras defaults: epsilon 1e-3,
# momentum 0.99); a Relu runs channels-last between blocks.  24 blocks
# give 48 Transposes and 24 BatchNormalization nodes.
#
#   /usr/bin/python3 bench/gen_tfnet.py [--blocks N] [--size S] OUT.onnx
#
# Weights come from a fixed seed, so the file is the same on every run.
import argparse

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def build(blocks, size, channels=16):
    rng = np.random.default_rng(24)
    nodes, inits = [], []
    x, cin = "input_nhwc", 3
    for i in range(blocks):
        p = "block%d/" % i
        w = rng.normal(0, (2.0 / (9 * cin)) ** 0.5,
                       (channels, cin, 3, 3)).astype(np.float32)
        b = rng.normal(0, 0.05, channels).astype(np.float32)
        gamma = rng.uniform(0.5, 1.5, channels).astype(np.float32)
        beta = rng.normal(0, 0.1, channels).astype(np.float32)
        mean = rng.normal(0, 0.1, channels).astype(np.float32)
        var = rng.uniform(0.5, 2.0, channels).astype(np.float32)
        for name, a in (("kernel", w), ("bias", b), ("gamma", gamma),
                        ("beta", beta), ("moving_mean", mean),
                        ("moving_variance", var)):
            inits.append(numpy_helper.from_array(a, p + name))
        nodes += [
            helper.make_node("Transpose", [x], [p + "to_nchw"],
                             name=p + "Conv2D__in", perm=[0, 3, 1, 2]),
            helper.make_node("Conv", [p + "to_nchw", p + "kernel",
                                      p + "bias"], [p + "conv"],
                             name=p + "Conv2D", kernel_shape=[3, 3],
                             pads=[1, 1, 1, 1], strides=[1, 1]),
            helper.make_node("BatchNormalization",
                             [p + "conv", p + "gamma", p + "beta",
                              p + "moving_mean", p + "moving_variance"],
                             [p + "bn"], name=p + "FusedBatchNormV3",
                             epsilon=1e-3, momentum=0.99),
        ]
        last = i == blocks - 1
        out = "output_nhwc" if last else p + "to_nhwc"
        nodes.append(helper.make_node("Transpose", [p + "bn"], [out],
                                      name=p + "Conv2D__out",
                                      perm=[0, 2, 3, 1]))
        if not last:
            nodes.append(helper.make_node("Relu", [out], [p + "relu"],
                                          name=p + "Relu"))
            x = p + "relu"
        cin = channels
    g = helper.make_graph(
        nodes, "tfnet",
        [helper.make_tensor_value_info("input_nhwc", TensorProto.FLOAT,
                                       [1, size, size, 3])],
        [helper.make_tensor_value_info("output_nhwc", TensorProto.FLOAT,
                                       [1, size, size, channels])],
        inits)
    m = helper.make_model(g, producer_name="tf2onnx",
                          producer_version="1.16.1",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--blocks", type=int, default=24)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("out")
    a = ap.parse_args()
    with open(a.out, "wb") as f:
        f.write(build(a.blocks, a.size).SerializeToString())


if __name__ == "__main__":
    main()
