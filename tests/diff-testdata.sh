#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The fix/diff contract on Debian's libonnx-testdata models (1,072): for
# every model fix changes, `onnxfix diff MODEL FIXED` lists exactly the
# rewrites fix reported (tests/diff_match.py).  About 90 s on two cores,
# so not part of make check: sh tests/diff-testdata.sh [DIR].
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
DIR=${1:-/usr/share/libonnx-testdata/data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
n=0 changed=0 bad=0
for f in $(find "$DIR" -name '*.onnx' | sort); do
	n=$((n + 1))
	"$ONNXFIX" fix -v -o "$T/f.onnx" "$f" >"$T/notes" 2>&1 || continue
	"$ONNXFIX" diff --format json "$f" "$T/f.onnx" >"$T/d.json"
	rc=$?
	[ $rc -eq 1 ] && changed=$((changed + 1))
	if ! out=$(/usr/bin/python3 tests/diff_match.py "$f" "$T/notes" \
	    "$T/d.json" $rc src/diag/diag.def 2>&1); then
		bad=$((bad + 1))
		echo "FAIL: $f"
		echo "$out" | head -6 | sed 's/^/  | /'
	fi
done
echo "diff-testdata: $n models, $changed changed by fix, $bad mismatched"
[ "$bad" -eq 0 ]
