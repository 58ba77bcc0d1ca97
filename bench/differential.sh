#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The full differential run of `onnxfix check` (tests/differential/run.sh
# without --limit): every source model accepted by onnx's checker and
# ONNX Runtime, broken once per breakage class, judged by the three
# tools; prints the per-class table, the control on the unmutated
# originals, every miss and every error on a mutant both tools accept.
# make check runs the bounded version (60 mutants a class) with recall
# floors; this one has no floors and takes about a minute.
#
# Then `check --target ort-cpu` against ONNX Runtime's session creation
# on every libonnx-testdata model and every element-type variant of its
# one-node models (tests/differential/ortcpu.sh, no floors): recall and
# precision per class, every miss and false alarm.
#
#   sh bench/differential.sh [--seed N] [--keep DIR]
set -u
cd "$(dirname "$0")/.." || exit 1
sh tests/differential/run.sh "$@"
rc=$?
sh tests/differential/ortcpu.sh || rc=1
exit $rc
