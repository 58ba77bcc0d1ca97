#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --opset over the whole backend test suite (1,072 models): one opset
# down, down to 13, down to 11 and up to 21, each conversion judged by
# onnxfix check, onnx's checker and ONNX Runtime against the suite's
# expected outputs (tests/opset/run.sh; make check runs every 12th model).
# Prints verified / refused / wrong / skipped per direction and the most
# common refusals; doc/performance.md records the last run.
# usage: sh bench/opset.sh [-k DIR]   (-k keeps the converted models)
cd "$(dirname "$0")/.." || exit 1
exec sh tests/opset/run.sh "$@"
