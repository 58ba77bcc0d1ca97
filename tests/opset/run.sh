#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --opset on Debian's libonnx-testdata (the ONNX backend test suite),
# judged as issue 19 asks: every model converted one opset down, down to
# 13, down to 11 (from models above those) and up to 21.  A conversion is
#  - refused: fix exits 1 with F411/F413 and writes nothing;
#  - wrong: fix fails otherwise (a crash, an internal error), or the
#    output does not pass `onnxfix check` (no error the original lacks),
#    onnx's checker (opsets it knows), or does not load in ONNX Runtime,
#    or gives other outputs than the suite's output_*.pb (rtol 1e-3,
#    atol 1e-7) where ORT reproduces them with the original;
#  - verified: otherwise, where ORT reproduces them with the original;
#  - skipped: ORT does not reproduce them with the original.
# The percentage is verified / (verified + refused + wrong).
#
# usage: tests/opset/run.sh [-e EVERY] [-p FILE] [-d "DIRS"] [-k DIR]
#                            [-g FLOORS]
#   -e N      every Nth model only (a bounded sample; default all)
#   -p FILE   also the models whose test directory FILE names (one per
#             line, # comments), whatever -e leaves out
#   -d DIRS   directions among down1 13 11 21 (default all four)
#   -k DIR    keep the converted models and the logs in DIR
#   -g "D:P D:P"  fail unless direction D verifies at least P percent
# Exit status 1 when a conversion is wrong or a floor is not met.
# Skipped with one passing line when libonnx-testdata or the ORT oracle
# is missing.  Last line: "opset: N passed, M failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
PY=${PYTHON:-/usr/bin/python3}
DATA=${OPSET_DATA:-/usr/share/libonnx-testdata/data}
EVERY=1
DIRS="down1 13 11 21"
KEEP=
FLOORS=
PINNED=/dev/null
while getopts e:p:d:k:g: o; do
	case $o in
	e) EVERY=$OPTARG ;;
	p) PINNED=$OPTARG ;;
	d) DIRS=$OPTARG ;;
	k) KEEP=$OPTARG ;;
	g) FLOORS=$OPTARG ;;
	*) echo "usage: $0 [-e EVERY] [-p FILE] [-d DIRS] [-k DIR]" \
	       "[-g FLOORS]" >&2
	   exit 64 ;;
	esac
done
if [ ! -d "$DATA" ] || [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
	echo "opset: libonnx-testdata or the oracle missing (sh tools/setup.sh --test)"
	echo "opset: 0 passed, 0 failed"
	exit 0
fi
if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP" || exit 1
	T=$KEEP
else
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT INT TERM
fi
havepy=1
$PY -c 'import onnx' 2>/dev/null || havepy=0

# the models and their ai.onnx opsets
sed 's/#.*//; /^[[:space:]]*$/d' "$PINNED" >"$T/pinned" || exit 64
find "$DATA" -name model.onnx | LC_ALL=C sort |
    awk -v e="$EVERY" -v p="$T/pinned" '
	BEGIN { while ((getline l < p) > 0) { gsub(/[ \t]/, "", l); pin[l] = 1 } }
	{ d = $0; sub(/\/model\.onnx$/, "", d); sub(/.*\//, "", d) }
	(NR - 1) % e == 0 || d in pin { print; seen[d] = 1 }
	END { for (k in pin) if (!(k in seen)) print k > "/dev/stderr" }' \
    >"$T/models" 2>"$T/unknown"
# a name -p lists that no model has is a mistake, not a smaller sample
if [ -s "$T/unknown" ]; then
	echo "opset: $PINNED names no model of $DATA: $(tr '\n' ' ' <"$T/unknown")"
	echo "opset: 0 passed, 1 failed"
	exit 1
fi
: >"$T/opsets"
while read -r m; do
	v=$($ONNXFIX info "$m" 2>/dev/null |
	    sed -n 's/^opsets:.*ai\.onnx=\([0-9]*\).*/\1/p')
	echo "$m ${v:-0}" >>"$T/opsets"
done <"$T/models"

# the error codes check reports on a model
errors() {
	$ONNXFIX check -q --format text "$1" 2>&1 |
	    sed -n 's/.*: error \([A-Z][0-9]*\):.*/\1/p' | sort -u
}

failed=0
summary=
for dir in $DIRS; do
	: >"$T/$dir.pairs"
	: >"$T/$dir.check"
	: >"$T/$dir.wrong"
	: >"$T/$dir.reasons"
	k=0
	while read -r m v; do
		case $dir in
		down1) t=$((v - 1)); [ "$v" -gt 1 ] || continue ;;
		21) t=21; [ "$v" -gt 0 ] && [ "$v" -lt 21 ] || continue ;;
		*) t=$dir; [ "$v" -gt "$dir" ] || continue ;;
		esac
		k=$((k + 1))
		d=${m%/model.onnx}
		out=$T/$dir.$k.onnx
		$ONNXFIX fix -q --passes opset --opset "$t" -o "$out" "$m" \
		    >"$T/err" 2>&1
		rc=$?
		if [ $rc -eq 1 ] && grep -q 'error F41[13]' "$T/err"; then
			grep 'error F41[13]' "$T/err" | head -1 |
			    sed 's/.*(opset [0-9]*): //; s/^.*error F413: //' \
			    >>"$T/$dir.reasons"
			echo "$m - $d" >>"$T/$dir.pairs"
			continue
		fi
		if [ $rc -ne 0 ]; then
			echo "wrong $m: fix exit $rc: $(head -1 "$T/err")" \
			    >>"$T/$dir.wrong"
			continue
		fi
		new=$(errors "$out")
		if [ -n "$new" ]; then
			old=$(errors "$m")
			extra=$(printf '%s\n' "$new" | while read -r c; do
				printf '%s\n' "$old" | grep -qx "$c" ||
				    echo "$c"; done)
			if [ -n "$extra" ]; then
				echo "wrong $m: check reports $(echo $extra)" \
				    >>"$T/$dir.wrong"
				continue
			fi
		fi
		echo "$out $t" >>"$T/$dir.check"
		echo "$m $out $d" >>"$T/$dir.pairs"
	done <"$T/opsets"
	if [ $havepy -eq 1 ] && [ -s "$T/$dir.check" ]; then
		$PY tests/opset/checker.py <"$T/$dir.check" >"$T/$dir.checked"
		grep '^bad ' "$T/$dir.checked" | while read -r _ f rest; do
			m=$(grep " $f " "$T/$dir.pairs" | cut -d' ' -f1)
			echo "wrong $m: onnx checker: $rest" >>"$T/$dir.wrong"
			grep -v " $f " "$T/$dir.pairs" >"$T/p.tmp"
			mv "$T/p.tmp" "$T/$dir.pairs"
		done
	fi
	node tests/opset/verify.js <"$T/$dir.pairs" >"$T/$dir.ort" 2>&1
	grep '^wrong ' "$T/$dir.ort" >>"$T/$dir.wrong"
	ver=$(grep -c '^verified ' "$T/$dir.ort")
	ref=$(grep -c '^refused ' "$T/$dir.ort")
	skip=$(grep -c '^skip ' "$T/$dir.ort")
	wrong=$(wc -l <"$T/$dir.wrong")
	tot=$((ver + ref + wrong))
	pct=0
	[ $tot -gt 0 ] && pct=$((ver * 1000 / tot))
	line="opset: $dir: $k models: $ver verified, $ref refused, $wrong wrong, $skip skipped ($((pct / 10)).$((pct % 10))% verified)"
	echo "$line"
	summary="$summary$line
"
	sed 's/^/  /' "$T/$dir.wrong"
	sort "$T/$dir.reasons" | sed 's/[0-9][0-9]*/N/g; s/'"'"'[^'"'"']*'"'"'/X/g' |
	    sort | uniq -c | sort -rn | head -8 | sed 's/^/  refused: /'
	[ "$wrong" -eq 0 ] || failed=$((failed + 1))
	for f in $FLOORS; do
		[ "${f%%:*}" = "$dir" ] || continue
		if [ "$pct" -lt $((${f#*:} * 10)) ]; then
			echo "FAIL: $dir verifies $((pct / 10))%, floor ${f#*:}%"
			failed=$((failed + 1))
		fi
	done
done
n=$(echo $DIRS | wc -w)
echo "opset: $((n - failed < 0 ? 0 : n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
