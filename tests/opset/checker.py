# SPDX-License-Identifier: MIT
"""onnx's checker on the converted models of tests/opset/run.sh: reads
lines "FILE OPSET", prints "ok FILE", "bad FILE: why" or "skip FILE: why"
(an opset newer than this onnx knows: its checker cannot judge it)."""
import sys

import onnx
import onnx.checker
import onnx.defs

NEWEST = onnx.defs.onnx_opset_version()

for line in sys.stdin:
    if not line.strip():
        continue
    path, opset = line.split()
    if int(opset) > NEWEST:
        print("skip %s: onnx %s knows opsets up to %d" %
              (path, onnx.__version__, NEWEST))
        continue
    try:
        onnx.checker.check_model(onnx.load(path))
        print("ok %s" % path)
    except Exception as e:  # the checker's own exceptions vary
        print("bad %s: %s" % (path, str(e).strip().splitlines()[0]
                              if str(e).strip() else type(e).__name__))
    sys.stdout.flush()
