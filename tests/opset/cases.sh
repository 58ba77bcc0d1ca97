#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --opset on generated models (tests/opset/gen_cases.py): for each,
# either the converted model gives ONNX Runtime's outputs of the
# original (tests/ort/oracle.js batch, on the inputs the generator
# stored beside it: negative indices included) and a second conversion
# to the same opset changes nothing, or fix refuses with
# F411, exit 1, and writes nothing, as the case says.
# Skipped with one passing line when onnx or the oracle is missing.
# Last line: "opset-cases: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
PY=${PYTHON:-/usr/bin/python3}
pass=0
fail=0
if ! "$PY" -c 'import onnx, numpy' 2>/dev/null ||
    [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
	echo "opset-cases: onnx or the oracle missing (sh tools/setup.sh --test)"
	echo "opset-cases: 0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
if ! "$PY" tests/opset/gen_cases.py "$T" >"$T/gen.log" 2>&1; then
	echo "FAIL: gen_cases.py: $(tail -n 1 "$T/gen.log")"
	echo "opset-cases: 0 passed, 1 failed"
	exit 1
fi
while read -r f to expect; do
	m=$T/$f
	o=$T/${f%.onnx}.to$to.onnx
	"$ONNXFIX" fix -q --passes opset --opset "$to" -o "$o" "$m" \
	    >"$T/err" 2>&1
	rc=$?
	case $expect in
	refused)
		if [ $rc -eq 1 ] && grep -q 'error F411' "$T/err" &&
		    [ ! -e "$o" ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: $f -> $to: expected a refusal, exit $rc:" \
			    "$(head -n 1 "$T/err")"
		fi
		continue ;;
	esac
	if [ $rc -ne 0 ]; then
		fail=$((fail + 1))
		echo "FAIL: $f -> $to: exit $rc: $(head -n 1 "$T/err")"
		continue
	fi
	echo "$m $o ${m%.onnx}.data" |
	    node tests/ort/oracle.js batch >"$T/cmp" 2>&1
	if grep -q '^equal ' "$T/cmp"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $f -> $to: $(tail -n 1 "$T/cmp")"
	fi
	"$ONNXFIX" fix -q --passes opset --opset "$to" -o "$o.2" "$o" \
	    >/dev/null 2>&1
	if cmp -s "$o" "$o.2"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $f -> $to: a second conversion changed the model"
	fi
done <"$T/cases.txt"
echo "opset-cases: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
