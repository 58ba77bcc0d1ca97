#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""fix of a model over 256 MiB whose weight is written from the input's
mapping a window at a time: the output equals the in-memory encoder's
(fix -o -) byte for byte, and fix's peak RSS stays well under the
input's size (the written windows are let go); so does fix of that
output, which changes nothing and writes the whole file from the
mapping.

    /usr/bin/python3 tests/large_spans.py gen DIR
    /usr/bin/python3 tests/large_spans.py check ONNXFIX DIR

gen writes DIR/big.onnx; check runs fix on it from a process that has
allocated nothing large (a child's peak RSS counts its parent's before
the exec), prints one line per failure, removes the files and exits 1 if
any failed.
"""
import filecmp
import os
import resource
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

N = 72 * 1024 * 1024  # floats: 288 MiB of weight


def gen(d):
    w = np.zeros(N, np.float32)
    w[::4099] = 1.5  # not all zero, at no page-aligned stride
    g = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["xi"]),
         helper.make_node("Add", ["xi", "W"], ["y"])],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [N])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [N])],
        [numpy_helper.from_array(w, "W")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    onnx.save(m, os.path.join(d, "big.onnx"))
    return 0


def check(onnxfix, d):
    src = os.path.join(d, "big.onnx")
    out = os.path.join(d, "big.fix.onnx")
    mem = os.path.join(d, "big.stdout.onnx")
    bad = []
    r = subprocess.run([onnxfix, "fix", "-q", "-o", out, src],
                       stderr=subprocess.PIPE)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if r.returncode != 0:
        bad.append("fix exited %d: %s" % (r.returncode,
                                            r.stderr.decode()[:200]))
    elif rss > 160 * 1024:
        bad.append("fix's peak RSS %d MiB for a %d MiB input" % (
            rss // 1024, os.path.getsize(src) >> 20))
    # fix of fix's output: nothing changes, and the whole file is
    # written from the mapping the same way
    out2 = os.path.join(d, "big.fix2.onnx")
    if r.returncode == 0:
        r3 = subprocess.run([onnxfix, "fix", "-q", "-o", out2, out],
                            stderr=subprocess.PIPE)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if r3.returncode != 0:
            bad.append("fix of fix's output exited %d" % r3.returncode)
        elif rss > 160 * 1024:
            bad.append("fix of an unchanged model: peak RSS %d MiB" % (
                rss // 1024))
        elif not filecmp.cmp(out, out2, shallow=False):
            bad.append("fix of fix's output changed it")
    with open(mem, "wb") as f:
        r2 = subprocess.run([onnxfix, "fix", "-q", "-o", "-", src],
                            stdout=f)
    if r2.returncode != 0:
        bad.append("fix -o - exited %d" % r2.returncode)
    elif r.returncode == 0 and not filecmp.cmp(out, mem, shallow=False):
        bad.append("the file output differs from fix -o -")
    for p in (src, out, mem, out2):
        if os.path.exists(p):
            os.unlink(p)
    for line in bad:
        print("large-spans: " + line)
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "gen":
        return gen(argv[2])
    if len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
