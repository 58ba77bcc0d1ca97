#!/bin/sh
# SPDX-License-Identifier: MIT
#
# onnxfix on real exporter output: the torchvision models of
# tests/zoo/gen.py, exported now with Debian's PyTorch into build/zoo/
# (the "small" set here; bench/zoo.sh runs the full set against ONNX
# Runtime's optimiser).  For every model:
#
#  - check exits 0 or 1 (never 2 or a signal) and fix exits 0;
#  - the fixed model passes check with no error;
#  - fix of fix's output is byte-identical (fix is idempotent);
#  - ONNX Runtime gives the same outputs for the original and the fixed
#    model (tests/ort/oracle.js compare: 1e-4 relative, 1e-5 absolute);
#    channels-last models whose input layout fix changes are compared
#    with the matching --perm-in;
#  - fix leaves no more non-Constant nodes, Transposes or
#    BatchNormalization in the main graph than ONNX Runtime's basic
#    optimiser (bench/ort_basic.js), but for retinanet_resnet50_op11 of
#    the full set, whose 1.4 MB anchor table fold leaves unfolded
#    (doc/performance.md).
#
# Skipped with one passing line when torch or the oracle is missing
# (sh tools/setup.sh --test installs both).
# Last line: "zoo: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
PY=/usr/bin/python3
Z=${ZOO_DIR:-build/zoo}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if ! "$PY" -c 'import torch, torchvision' 2>/dev/null ||
    [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
	echo "zoo: torch or the oracle missing (sh tools/setup.sh --test)"
	echo "zoo: 0 passed, 0 failed"
	exit 0
fi
if ! "$PY" tests/zoo/gen.py "$Z" --set "${ZOO_SET:-small}" >/dev/null 2>&1
then
	bad "tests/zoo/gen.py failed"
	echo "zoo: $pass passed, $fail failed"
	exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

for m in "$Z"/*.onnx; do
	n=$(basename "$m" .onnx)
	"$ONNXFIX" check -q "$m" >/dev/null 2>&1
	rc=$?
	if [ $rc -le 1 ]; then ok; else bad "$n: check exit $rc"; fi
	if ! "$ONNXFIX" fix -q -o "$T/$n.fix.onnx" "$m" >"$T/err" 2>&1; then
		bad "$n: fix failed: $(head -n 1 "$T/err")"
		continue
	fi
	ok
	if "$ONNXFIX" check -q --fail-on error "$T/$n.fix.onnx" \
	    >"$T/chk" 2>&1; then
		ok
	else
		bad "$n: check of fix's output: $(head -n 2 "$T/chk")"
	fi
	"$ONNXFIX" fix -q -o "$T/$n.fix2.onnx" "$T/$n.fix.onnx" >/dev/null 2>&1
	if cmp -s "$T/$n.fix.onnx" "$T/$n.fix2.onnx"; then
		ok
	else
		bad "$n: fix is not idempotent"
	fi
	if node tests/ort/oracle.js compare --plain "$m" "$T/$n.fix.onnx" \
	    >"$T/cmp" 2>&1; then
		ok
	else
		bad "$n: ORT outputs differ: $(head -n 2 "$T/cmp")"
	fi
	[ "$n" = retinanet_resnet50_op11 ] && continue
	if node bench/ort_basic.js optimize "$m" "$T/$n.ort.onnx" \
	    >/dev/null 2>&1; then
		# "non-Constant Transpose BatchNormalization" of each
		f=$(node bench/ort_basic.js count "$T/$n.fix.onnx" |
		    awk '{ print $7 - $9, $3, $5 }')
		o=$(node bench/ort_basic.js count "$T/$n.ort.onnx" |
		    awk '{ print $7 - $9, $3, $5 }')
		if echo "$f $o" | awk '{ exit !($1 <= $4 && $2 <= $5 &&
		    $3 <= $6) }'; then ok; else
			bad "$n: fix leaves $f (nodes, Transposes, BN)," \
			    "ORT's basic optimiser $o"
		fi
	else
		bad "$n: ORT's optimiser failed"
	fi
done
echo "zoo: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
