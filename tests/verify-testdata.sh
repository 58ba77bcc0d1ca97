#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `onnxfix fix` on every model of Debian's libonnx-testdata (the ONNX
# backend test suite: 1,072 node, converted and simple models), checked
# against ONNX Runtime on the suite's own inputs:
#
#  - fix succeeds on every model (exit 0) and its output passes check;
#  - a model fix leaves unchanged is written back byte for byte;
#  - a model fix changes is run in ONNX Runtime beside the original on
#    test_data_set_0/input_*.pb (node tests/ort/oracle.js batch): every
#    output equal within 1e-4 relative, 1e-5 absolute.  A model that ORT
#    does not run in the first place (a newer op, sequence inputs) is
#    counted as skipped: there is nothing for fix to keep.
#
# Skipped with one passing line when libonnx-testdata or the oracle is not
# installed (sh tools/setup.sh --test installs both).
# Last line: "verify-testdata: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
DATA=/usr/share/libonnx-testdata/data
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -d "$DATA" ] || [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
	echo "verify-testdata: libonnx-testdata or the oracle missing (sh tools/setup.sh --test)"
	echo "verify-testdata: 0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

k=0
same=0
find "$DATA" -name model.onnx | LC_ALL=C sort >"$T/models"
: >"$T/pairs"
while read -r m; do
	k=$((k + 1))
	d=${m%/model.onnx}
	out=$T/$k.onnx
	if ! $ONNXFIX fix -q -o "$out" "$m" >"$T/err" 2>&1; then
		bad "fix ${d#"$DATA"/}: exit $?: $(head -1 "$T/err")"
		continue
	fi
	if cmp -s "$m" "$out"; then
		same=$((same + 1))
		rm -f "$out"
		ok
		continue
	fi
	if ! $ONNXFIX check -q --fail-on error "$out" >"$T/err" 2>&1; then
		bad "check of fixed ${d#"$DATA"/}: $(head -1 "$T/err")"
		continue
	fi
	ok
	[ -d "$d/test_data_set_0" ] &&
	    echo "$m $out $d/test_data_set_0" >>"$T/pairs"
done <"$T/models"

node tests/ort/oracle.js batch <"$T/pairs" >"$T/batch" 2>&1
rc=$?
eq=$(grep -c '^equal ' "$T/batch")
sk=$(grep -c '^skip ' "$T/batch")
pass=$((pass + eq + sk))
grep -E '^(differs|broken) ' "$T/batch" | while read -r line; do
	echo "FAIL: ${line#* "$DATA"/}"
done
nbad=$(grep -cE '^(differs|broken) ' "$T/batch")
fail=$((fail + nbad))
if [ $rc -ne 0 ] && [ "$nbad" -eq 0 ]; then
	bad "oracle batch: exit $rc: $(tail -1 "$T/batch")"
fi
echo "verify-testdata: $(wc -l <"$T/models") models, $same unchanged," \
    "$(wc -l <"$T/pairs") changed: $eq equal in ORT, $sk not run by ORT" \
    "before the fix"
echo "verify-testdata: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
