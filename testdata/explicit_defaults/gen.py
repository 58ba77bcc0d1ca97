#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Golden cases of the explicit-defaults pass (fix --explicit-defaults):
# one model whose nodes leave attributes to their schema defaults, fixed
# with the option and without it (no change).  Run from the project
# root: python3 testdata/explicit_defaults/gen.py, then
# `make golden-update` and review.
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "defaults"))
from textproto import Model  # noqa: E402

F = 1


def model(what, args):
    m = Model(what, opsets={"": 13}, args=args)
    m.input("X", F, [1, 2, 4, 4])
    m.node("LeakyRelu", ["X"], ["A"])
    m.node("HardSigmoid", ["A"], ["B"], attrs=[("alpha", 0.25)])
    m.node("Selu", ["B"], ["C"])
    m.init("W", F, [2, 2, 3, 3], [0.1] * 36)
    m.node("Conv", ["C", "W"], ["D"], attrs=[("pads", [1, 1, 1, 1])])
    m.node("Clip", ["D"], ["Y"])
    m.output("Y", F, [1, 2, 4, 4])
    return m


for name, what, args in (
        ("written", "defaults left to the schema, --explicit-defaults",
         "--explicit-defaults"),
        ("untouched", "the same without the option: no change", None)):
    with open(os.path.join(HERE, name + ".textproto"), "w") as f:
        f.write(model(what, args).text())
