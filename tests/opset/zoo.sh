#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --opset on real exports: every model of DIR (the torchvision
# exports of tests/zoo/gen.py, opsets 11 to 17) converted down to 11
# (when above it) and up to 21.  A conversion is
#  - refused: fix exits 1 with F411/F413 and writes nothing;
#  - wrong: fix fails otherwise, the output shows a check error the
#    original lacks, or ONNX Runtime does not load it or gives other
#    outputs than for the original (tests/ort/oracle.js compare --plain:
#    1e-4 relative, 1e-5 absolute, on the same inputs);
#  - kernel: the outputs differ, and the difference starts at an opset
#    step where the converted model has the very nodes of the step
#    before (onnxfix diff: 0 removed, 0 added, 0 changed; only the
#    opset differs): ONNX Runtime's kernels of the two versions compute
#    differently.  Counted apart, never as verified; the step is named;
#  - verified: otherwise.
# Prints one line per direction: "opset-zoo: DIR: N models: V verified,
# R refused, K kernel, W wrong" and the reasons; with -s (strict, make
# check's small set) a refusal or a kernel difference fails too.
# usage: tests/opset/zoo.sh [-s] DIR
# Last line: "opset-zoo: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
STRICT=0
if [ "${1:-}" = -s ]; then
	STRICT=1
	shift
fi
Z=${1:?usage: tests/opset/zoo.sh [-s] DIR}
pass=0
fail=0
if [ ! -d tests/ort/node_modules/onnxruntime-node ] ||
    [ -z "$(ls "$Z"/*.onnx 2>/dev/null)" ]; then
	echo "opset-zoo: no models in $Z or the oracle missing"
	echo "opset-zoo: 0 passed, 0 failed"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

# Where do the outputs of M converted towards TO (from V) first differ
# from M's?  Prints "kernel STEP" when the converted model there has the
# same nodes as one step before, else "wrong STEP".
attribute() {
	m=$1 v=$2 to=$3
	prev=$m
	t=$v
	while [ "$t" -ne "$to" ]; do
		if [ "$to" -gt "$v" ]; then t=$((t + 1)); else t=$((t - 1)); fi
		"$ONNXFIX" fix -q --passes opset --opset "$t" -o "$T/b.$t.onnx" \
		    "$m" >/dev/null 2>&1 || continue
		if ! node tests/ort/oracle.js compare --plain "$m" \
		    "$T/b.$t.onnx" >/dev/null 2>&1; then
			if "$ONNXFIX" diff "$prev" "$T/b.$t.onnx" 2>/dev/null |
			    grep -q 'nodes 0 removed, 0 added, 0 changed'; then
				echo "kernel opset $t"
			else
				echo "wrong opset $t"
			fi
			rm -f "$T"/b.*.onnx
			return
		fi
		prev=$T/b.$t.onnx
	done
	rm -f "$T"/b.*.onnx
	echo "wrong opset $to"
}

errors() {
	"$ONNXFIX" check -q --format text "$1" 2>&1 |
	    sed -n 's/.*: error \([A-Z][0-9]*\):.*/\1/p' | sort -u
}

for to in 11 21; do
	k=0 ver=0 ref=0 ker=0 wrong=0
	: >"$T/reasons"
	for m in "$Z"/*.onnx; do
		n=$(basename "$m" .onnx)
		v=$("$ONNXFIX" info "$m" 2>/dev/null |
		    sed -n 's/^opsets:.*ai\.onnx=\([0-9]*\).*/\1/p')
		[ -n "$v" ] || continue
		if [ "$to" -eq 11 ] && [ "$v" -le 11 ]; then continue; fi
		if [ "$to" -eq 21 ] && [ "$v" -ge 21 ]; then continue; fi
		k=$((k + 1))
		o=$T/$n.$to.onnx
		"$ONNXFIX" fix -q --passes opset --opset "$to" -o "$o" "$m" \
		    >"$T/err" 2>&1
		rc=$?
		if [ $rc -eq 1 ] && grep -q 'error F41[13]' "$T/err"; then
			ref=$((ref + 1))
			echo "  refused $n -> $to: $(grep 'error F41[13]' \
			    "$T/err" | head -n 1 | sed 's/.*error F41[13]: //')"
			[ $STRICT -eq 1 ] && fail=$((fail + 1)) ||
			    pass=$((pass + 1))
			continue
		fi
		why=
		if [ $rc -ne 0 ]; then
			why="fix exit $rc: $(head -n 1 "$T/err")"
		else
			old=$(errors "$m")
			for c in $(errors "$o"); do
				printf '%s\n' "$old" | grep -qx "$c" ||
				    why="check reports $c"
			done
		fi
		if [ -z "$why" ] && ! node tests/ort/oracle.js compare --plain \
		    "$m" "$o" >"$T/cmp" 2>&1; then
			why=$(head -n 1 "$T/cmp")
			at=$(attribute "$m" "$v" "$to")
			case $at in
			kernel*)
				ker=$((ker + 1))
				echo "  kernel $n -> $to: ${at#kernel }: the" \
				    "same nodes as one opset before, other" \
				    "outputs in ONNX Runtime: $why"
				[ $STRICT -eq 1 ] && fail=$((fail + 1)) ||
				    pass=$((pass + 1))
				rm -f "$o"
				continue ;;
			esac
			why="$why (first at ${at#wrong })"
		fi
		if [ -n "$why" ]; then
			wrong=$((wrong + 1))
			fail=$((fail + 1))
			echo "  wrong $n -> $to: $why"
		else
			ver=$((ver + 1))
			pass=$((pass + 1))
		fi
		rm -f "$o"
	done
	echo "opset-zoo: $to: $k models: $ver verified, $ref refused," \
	    "$ker kernel, $wrong wrong"
done
echo "opset-zoo: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
