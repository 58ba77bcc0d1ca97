#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --explicit-defaults on every model of Debian's libonnx-testdata
# (make check samples every 8th): check, onnx's checker, diff shows
# attribute additions only, ONNX Runtime bit-identical.  See
# tests/explicit-defaults.sh.
cd "$(dirname "$0")/.." || exit 1
STEP=1 exec sh tests/explicit-defaults.sh "$@"
