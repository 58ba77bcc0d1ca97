#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Differential test of `onnxfix check` against the two tools a CI
# pipeline's model must get past: onnx's checker (python3-onnx,
# check_model(full_check=True)) and ONNX Runtime (creating an inference
# session, tests/differential/ort_load.js).
#
#   sh tests/differential/run.sh [--limit N] [--seed N] [--keep DIR]
#                                [--gate]
#
#  1. The sources: every node test model of Debian's libonnx-testdata
#     (/usr/share/libonnx-testdata/data/node/*/model.onnx) and every
#     model of testdata/corpus/, judged by all three tools.  The control:
#     onnxfix must report no error on a source both onnx and ORT accept.
#  2. The mutants: tests/differential/gen.py breaks the sources accepted
#     by both, one breakage class per generator function (at most N per
#     class with --limit; all sources without), seeded by --seed
#     (default 1), the same files on every run.
#  3. Each mutant is judged by the three tools.  The table gives, per
#     class: mutants, rejected by onnx, by ORT, by onnxfix (an error or
#     fatal finding with a failing status), onnxfix's recall against
#     "rejected by onnx or ORT" and its false alarms against "accepted by
#     both" (an error where ORT accepts the model but warns that a
#     declared shape contradicts its own inference, "Error merging shape
#     info", is listed apart: that is ORT's finding too, not a false
#     alarm); then the misses and false alarms by class and variant, each
#     group with one example (every one of them in DIR/details with
#     --keep).
#
# --gate (make check, through tests/run-all.sh): fail when the recall of
# a class falls below its floor in tests/differential/thresholds or when
# onnxfix reports an error on a source both tools accept; the last line
# is "differential: N passed, M failed" (one check per class with a floor
# and one for the control).  --keep DIR keeps the mutants and verdicts.
set -u
cd "$(dirname "$0")/../.." || exit 1
D=tests/differential
PY=/usr/bin/python3
ONNXFIX=${ONNXFIX:-./onnxfix}
case $ONNXFIX in /*) ;; *) ONNXFIX=$(pwd)/$ONNXFIX ;; esac
LIMIT=0 SEED=1 KEEP= GATE=0
while [ $# -gt 0 ]; do
	case $1 in
	--limit) LIMIT=$2; shift 2 ;;
	--seed) SEED=$2; shift 2 ;;
	--keep) KEEP=$2; shift 2 ;;
	--gate) GATE=1; shift ;;
	*) echo "usage: run.sh [--limit N] [--seed N] [--keep DIR] [--gate]" >&2
	   exit 64 ;;
	esac
done

fail() {
	echo "differential: $*"
	echo "differential: 0 passed, 1 failed"
	exit 1
}
"$PY" -c 'import onnx, numpy' 2>/dev/null ||
    fail "needs $PY with onnx and numpy (sh tools/setup.sh --test)"
command -v node >/dev/null 2>&1 &&
    [ -d tests/ort/node_modules/onnxruntime-node ] ||
    fail "ONNX Runtime is not installed (sh tools/setup.sh --test)"
[ -x "$ONNXFIX" ] || fail "no $ONNXFIX (make)"

if [ -n "$KEEP" ]; then
	T=$KEEP
	rm -rf "$T/mutants"
	mkdir -p "$T" || exit 1
else
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT INT TERM
fi

# judge LIST: the three verdicts on every file of LIST, appended to
# $T/verdicts as "TOOL ok|reject FILE [MESSAGE]"
judge() {
	"$PY" $D/gen.py onnx <"$1" | sed 's/^/onnx /' >>"$T/verdicts"
	"$PY" $D/gen.py ort $D/ort_load.js <"$1" | sed 's/^/ort /' \
	    >>"$T/verdicts"
	"$PY" $D/gen.py fix "$ONNXFIX" <"$1" | sed 's/^/fix /' \
	    >>"$T/verdicts"
}

: >"$T/verdicts"
LC_ALL=C ls /usr/share/libonnx-testdata/data/node/*/model.onnx \
    "$(pwd)"/testdata/corpus/*.onnx 2>/dev/null >"$T/originals"
[ -s "$T/originals" ] || fail "no source models"
judge "$T/originals"
awk 'FNR == NR { if ($1 != "fix" && $2 == "reject") bad[$3] = 1; next }
    !($1 in bad)' "$T/verdicts" "$T/originals" >"$T/accepted"
"$PY" $D/gen.py mutate "$T/mutants" "$SEED" "$LIMIT" <"$T/accepted" \
    >"$T/manifest" || fail "gen.py mutate failed"
awk '{ print $3 }' "$T/manifest" >"$T/mutant-list"
judge "$T/mutant-list"
echo "differential: $(wc -l <"$T/originals") sources," \
    "$(wc -l <"$T/accepted") accepted by onnx $("$PY" -c \
    'import onnx; print(onnx.__version__)') and ORT" \
    "$(sed -n 's/.*"version": "\(.*\)".*/\1/p' \
    tests/ort/node_modules/onnxruntime-node/package.json | head -1)," \
    "seed $SEED, limit ${LIMIT:-0}"
"$PY" $D/gen.py report "$T/manifest" "$T/originals" "$T/verdicts" \
    "$([ $GATE -eq 1 ] && echo $D/thresholds)" "$T/details" >"$T/report"
rc=$?
cat "$T/report"
[ -z "$KEEP" ] || echo "differential: every miss and false alarm in $T/details"
if [ $GATE -eq 1 ]; then
	nf=$(grep -c '^FAIL: ' "$T/report")
	[ $rc -ne 0 ] && [ "$nf" -eq 0 ] && nf=1
	np=$(($(grep -c '^[a-z_]' $D/thresholds) + 1 - nf))
	[ "$np" -lt 0 ] && np=0
	echo "differential: $np passed, $nf failed"
	[ "$nf" -eq 0 ]
fi
