#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Golden cases of the pads-split pass (fix --pads split).  Run from the
# project root: python3 testdata/pads_split/gen.py, then
# `make golden-update` and review.  The numeric check against ONNX
# Runtime is testdata/verify/pads-*.onnx (tests/verify.sh).
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "defaults"))
from textproto import Model  # noqa: E402

F = 1


def model(name, what, pads, args, opset=13, op="Conv"):
    m = Model(what, opsets={"": opset}, args=args)
    m.input("X", F, [1, 1, 4, 4])
    attrs = [("kernel_shape", [2, 2]), ("strides", [2, 2]), ("pads", pads)]
    if op == "Conv":
        m.init("W", F, [1, 1, 2, 2], [0.25] * 4)
        m.node("Conv", ["X", "W"], ["Y"], name="conv", attrs=attrs)
    else:
        m.node(op, ["X"], ["Y"], name="pool", attrs=attrs)
    m.output("Y", F, None)
    with open(os.path.join(HERE, name + ".textproto"), "w") as f:
        f.write(m.text())


model("split", "asymmetric Conv pads, --pads split", [0, 1, 1, 0],
      "--pads split")
model("split-opset10", "asymmetric Conv pads at opset 10 (Pad-2 "
      "attributes), --pads split", [1, 0, 2, 1], "--pads split", opset=10)
model("symmetric", "symmetric Conv pads, --pads split: no change",
      [1, 1, 1, 1], "--pads split")
model("maxpool", "asymmetric MaxPool pads, --pads split: no change",
      [0, 0, 1, 1], "--pads split", op="MaxPool")
model("no-option", "asymmetric Conv pads without --pads: no change",
      [0, 0, 1, 1], None)
