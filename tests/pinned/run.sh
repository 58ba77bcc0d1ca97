#!/bin/sh
# SPDX-License-Identifier: MIT
#
# pinned-dims (S270) on real exporter output: the models of
# tests/pinned/gen.py, exported now with Debian's PyTorch, give exactly
# the findings of tests/pinned/expect (every pinning node flagged with
# its dim_param and traced value; none on the clean twins), and no model
# of testdata/corpus, libonnx-testdata (/usr/share/libonnx-testdata) or
# the zoo exports ($ZOO_DIR, default build/zoo, when there) gets any.
# The torch part is skipped with a message when torch is missing
# (sh tools/setup.sh --test installs it).
# Last line: "pinned: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
PY=/usr/bin/python3
Z=${ZOO_DIR:-build/zoo}
LIBONNX=${LIBONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# findings MODEL: its S270 lines, the path left out
findings() {
	"$ONNXFIX" check --fail-on never "$1" 2>&1 |
	    sed -n "s|^onnxfix: $1: \(.*warning S270: .*\)|\1|p"
}

if "$PY" -c 'import torch' 2>/dev/null; then
	if "$PY" tests/pinned/gen.py "$T/m" >"$T/gen.log" 2>&1; then
		for m in "$T"/m/*.onnx; do
			n=$(basename "$m" .onnx)
			findings "$m" | sed "s|^|$n: |"
		done >"$T/got"
		if cmp -s tests/pinned/expect "$T/got"; then ok; else
			bad "findings differ from tests/pinned/expect"
			diff tests/pinned/expect "$T/got" | head -20 |
			    sed 's/^/  | /'
		fi
		# every pinned model has a finding, no clean twin has one
		for m in "$T"/m/*_pinned*.onnx; do
			n=$(basename "$m" .onnx)
			grep -q "^$n: " "$T/got" && ok ||
			    bad "$n: no finding"
		done
		grep -q "_clean[_a-z]*: " "$T/got" &&
		    bad "a clean twin has a finding" || ok
	else
		bad "tests/pinned/gen.py failed"
		tail -5 "$T/gen.log" | sed 's/^/  | /'
	fi
else
	echo "pinned: torch missing, exporter models skipped"
fi

# none on models that declare their dims honestly
for d in testdata/corpus "$LIBONNX" "$Z"; do
	[ -d "$d" ] || continue
	find "$d" -name '*.onnx' | sort >"$T/list"
	[ -s "$T/list" ] || continue
	cnt=0
	while read -r m; do
		"$ONNXFIX" check -q --passes pinned-dims --fail-on never \
		    "$m" 2>&1 | grep -q 'S270' && {
			bad "$m: S270"
			cnt=$((cnt + 1))
		}
	done <"$T/list"
	[ $cnt -eq 0 ] && ok
done
echo "pinned: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
