#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `onnxfix check --target ort-cpu` against ONNX Runtime's CPU provider
# (tests/differential/ortcpu.py): recall and precision on the
# libonnx-testdata models (real) and on an element-type sweep of its
# one-node models (sweep).
#
#   sh tests/differential/ortcpu.sh [--gate] [--every N] [--keep DIR]
#
# --gate (make check, through tests/run-all.sh): every 5th model of each
# class, and a class whose recall or precision falls below its floor in
# tests/differential/ortcpu-floors fails; the last line is "ortcpu: N
# passed, M failed" (one check per class).  bench/differential.sh runs
# every model.
set -u
cd "$(dirname "$0")/../.." || exit 1
D=tests/differential
PY=/usr/bin/python3
ONNXFIX=${ONNXFIX:-./onnxfix}
case $ONNXFIX in /*) ;; *) ONNXFIX=$(pwd)/$ONNXFIX ;; esac
GATE=0 EVERY=1 KEEP=
while [ $# -gt 0 ]; do
	case $1 in
	--gate) GATE=1; EVERY=5; shift ;;
	--every) EVERY=$2; shift 2 ;;
	--keep) KEEP=$2; shift 2 ;;
	*) echo "usage: ortcpu.sh [--gate] [--every N] [--keep DIR]" >&2
	   exit 64 ;;
	esac
done
fail() {
	echo "ortcpu: $*"
	echo "ortcpu: 0 passed, 1 failed"
	exit 1
}
"$PY" -c 'import onnx' 2>/dev/null ||
    fail "needs $PY with onnx (sh tools/setup.sh --test)"
command -v node >/dev/null 2>&1 &&
    [ -d tests/ort/node_modules/onnxruntime-node ] ||
    fail "ONNX Runtime is not installed (sh tools/setup.sh --test)"
[ -x "$ONNXFIX" ] || fail "no $ONNXFIX (make)"
[ -d /usr/share/libonnx-testdata/data ] ||
    fail "no libonnx-testdata (sh tools/setup.sh --test)"
set -- "$ONNXFIX" --every "$EVERY"
[ -n "$KEEP" ] && set -- "$@" --keep "$KEEP"
[ $GATE -eq 1 ] && set -- "$@" --floors $D/ortcpu-floors
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
"$PY" $D/ortcpu.py "$@" >"$out" 2>&1
rc=$?
cat "$out"
if [ $GATE -eq 1 ]; then
	nf=$(grep -c '^FAIL: ' "$out")
	[ $rc -ne 0 ] && [ "$nf" -eq 0 ] && nf=1
	np=$((2 - nf))
	[ "$np" -lt 0 ] && np=0
	echo "ortcpu: $np passed, $nf failed"
	[ "$nf" -eq 0 ]
fi
