#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --explicit-defaults on Debian's libonnx-testdata, every STEP-th model
# (STEP=8 in make check; bench/explicit_defaults.sh runs them all):
#
#  - fix --passes explicit-defaults --explicit-defaults exits 0, and its
#    output passes check --fail-on error;
#  - python3-onnx's check_model(full_check=True) accepts every output
#    whose original it accepts;
#  - onnxfix diff of the two shows attribute additions only;
#  - ONNX Runtime gives bit-identical outputs for the original and the
#    written model on test_data_set_0 (tests/ort/oracle.js batch
#    --exact); a model ORT does not run in the first place is skipped.
#
# Skipped with one passing line when libonnx-testdata is missing; the ORT
# step is skipped when the oracle is.  Last line: "explicit-defaults: N
# passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
DATA=${DATA:-/usr/share/libonnx-testdata/data}
STEP=${STEP:-8}
PY=/usr/bin/python3
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ ! -d "$DATA" ]; then
	echo "explicit-defaults: libonnx-testdata missing (sh tools/setup.sh --test)"
	echo "explicit-defaults: 0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

find "$DATA" -name model.onnx | LC_ALL=C sort |
    awk -v s="$STEP" '(NR - 1) % s == 0' >"$T/models"
: >"$T/pairs"
: >"$T/written"
k=0
nw=0
while read -r m; do
	k=$((k + 1))
	d=${m%/model.onnx}
	out=$T/$k.onnx
	if ! $ONNXFIX fix -q --passes explicit-defaults --explicit-defaults \
	    -o "$out" "$m" >"$T/err" 2>&1; then
		bad "fix ${d#"$DATA"/}: $(head -1 "$T/err")"
		continue
	fi
	if cmp -s "$m" "$out"; then
		ok
		continue
	fi
	nw=$((nw + 1))
	if ! $ONNXFIX check -q --fail-on error "$out" >"$T/err" 2>&1; then
		bad "check of ${d#"$DATA"/}: $(head -1 "$T/err")"
		continue
	fi
	# diff: attribute additions only (and fix's own metadata entry);
	# diff may explain additions as a rewrite (BatchNormalization's
	# momentum and training_mode: a header line "[F3xx]" over them)
	$ONNXFIX diff "$m" "$out" >"$T/diff" 2>&1
	if grep -v -e '^--- ' -e '^+++ ' -e ': attribute-added ' \
	    -e '^    attribute-added ' \
	    -e ": [a-z-]* [A-Za-z]* '[^']*' \\[F3[0-9][0-9]\\]\$" \
	    -e "^model: metadata 'onnxfix.fix': (none) -> " \
	    -e '^summary: differ; [0-9]* rewrites; nodes 0 removed, 0 added, [0-9]* changed, 0 renamed; transposes 0 removed, 0 added; initializers 0; interface 0; header 1$' \
	    "$T/diff" | grep -q .; then
		bad "diff of ${d#"$DATA"/} shows more than attribute additions"
		head -5 "$T/diff"
		continue
	fi
	ok
	echo "$m $out" >>"$T/written"
	[ -d "$d/test_data_set_0" ] &&
	    echo "$m $out $d/test_data_set_0" >>"$T/pairs"
done <"$T/models"

# onnx's checker: every written model whose original it accepts
if [ -s "$T/written" ] && "$PY" -c 'import onnx' 2>/dev/null; then
	"$PY" - "$T/written" <<'PYEOF' >"$T/py" 2>&1
import sys
import onnx
for line in open(sys.argv[1]):
    a, b = line.split()
    try:
        onnx.checker.check_model(onnx.load(a), full_check=True)
    except Exception:
        continue
    try:
        onnx.checker.check_model(onnx.load(b), full_check=True)
        print("ok")
    except Exception as e:
        print("FAIL: onnx checker on the written %s: %s" %
              (a, str(e).splitlines()[0] if str(e) else type(e).__name__))
PYEOF
	n=$(grep -c '^ok$' "$T/py")
	pass=$((pass + n))
	if grep -q '^FAIL' "$T/py"; then
		fail=$((fail + $(grep -c '^FAIL' "$T/py")))
		grep '^FAIL' "$T/py" | head -5
	fi
fi

# ONNX Runtime: bit-identical outputs
if [ -s "$T/pairs" ] && command -v node >/dev/null 2>&1 &&
    [ -d tests/ort/node_modules/onnxruntime-node ]; then
	node tests/ort/oracle.js batch --exact <"$T/pairs" >"$T/ort" 2>&1
	pass=$((pass + $(grep -c '^equal ' "$T/ort")))
	if grep -q '^differs \|^broken ' "$T/ort"; then
		fail=$((fail + $(grep -c '^differs \|^broken ' "$T/ort")))
		grep '^differs \|^broken ' "$T/ort" | head -5
	fi
	echo "explicit-defaults: $(wc -l <"$T/models") models, $nw written," \
	    "$(grep -c '^equal ' "$T/ort") bit-identical in ORT," \
	    "$(grep -c '^skip ' "$T/ort") not run by ORT"
fi
echo "explicit-defaults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
