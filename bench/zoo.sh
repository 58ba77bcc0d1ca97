#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `onnxfix fix` against ONNX Runtime's basic optimiser (bench/ort_basic.js:
# session creation at graphOptimizationLevel 'basic' with
# optimizedModelFilePath) on the torchvision exports of tests/zoo/gen.py.
#
#   sh bench/zoo.sh [MODEL.onnx...]
#
# Without arguments: every model of $ZOO_DIR (default build/zoo-full,
# generated there with --set full when missing).  ONNXFIX names the
# binary (default ./onnxfix).  Per model, a Markdown row: the main
# graph's non-Constant nodes originally, after fix and after ORT basic;
# the Transposes and BatchNormalization nodes of each; the seconds fix
# and ORT's optimise-and-save took (the fastest of $RUNS runs, default
# 3: the whole process for fix, from spawn to exit as bench/timeit.c
# measures it, session creation for ORT) and their ratio; and, as the
# floor any tool that writes the model pays, the seconds `cp` takes to
# copy the model file (timed like fix, the fastest of as many runs) and
# its ratio to ORT's time.  Every tool writes a new file: the output of
# the run before is removed first, untimed (replacing a file costs the
# kernel the freeing of its blocks, about a third of cp's time on the
# smaller models, and ORT would pay it in its truncation, fix in its
# rename), and sync(2) runs before each timed run (in timeit, and
# before ORT's) so that no write-back of the run before overlaps it.  A last row sums
# the counts and gives the median and worst of both ratios.  Rows marked "*" have more non-Constant nodes, Transposes or
# BatchNormalization after fix than after ORT.
set -u
cd "$(dirname "$0")/.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
Z=${ZOO_DIR:-build/zoo-full}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

if [ $# -eq 0 ]; then
	if [ ! -d "$Z" ] || [ -z "$(ls "$Z"/*.onnx 2>/dev/null)" ]; then
		/usr/bin/python3 tests/zoo/gen.py "$Z" --set full >&2 ||
		    exit 1
	fi
	set -- "$Z"/*.onnx
fi

# "nonconst transposes bn" of a model's main graph
counts() {
	node bench/ort_basic.js count "$1" |
	    awk '{ print $7 - $9, $3, $5 }'
}

echo "| model | nodes orig | fix | ORT | Transpose orig | fix | ORT |" \
    "BN orig | fix | ORT | fix s | ORT s | ratio | cp s | cp/ORT |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
RUNS=${RUNS:-3}
# timeit (bench/timeit.c): a run's wall time from spawn to exit
${CC:-cc} -O2 -o "$T/timeit" bench/timeit.c || exit 1
for m in "$@"; do
	n=$(basename "$m" .onnx)
	tf= to= tc= i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		t=$("$T/timeit" 1 "$T/fix.onnx" "$ONNXFIX" fix -q \
		    -o "$T/fix.onnx" "$m") || break
		tf=$(echo "$t ${tf:-$t}" |
		    awk '{ print ($1 < $2 ? $1 : $2) }')
		rm -f "$T/ort.onnx"
		sync
		t=$(node bench/ort_basic.js optimize "$m" "$T/ort.onnx" \
		    2>/dev/null) || break
		to=$(echo "$t ${to:-$t}" |
		    awk '{ print ($1 < $2 ? $1 : $2) }')
		t=$("$T/timeit" 1 "$T/cp.onnx" cp "$m" "$T/cp.onnx") ||
		    break
		tc=$(echo "$t ${tc:-$t}" |
		    awk '{ print ($1 < $2 ? $1 : $2) }')
	done
	if [ $i -lt "$RUNS" ] || [ -z "$to" ]; then
		echo "| $n | fix or ORT failed |"
		continue
	fi
	set -- $(counts "$m") $(counts "$T/fix.onnx") $(counts "$T/ort.onnx")
	# 1-3 original, 4-6 fix, 7-9 ORT
	mark=
	if [ "$4" -gt "$7" ] || [ "$5" -gt "$8" ] || [ "$6" -gt "$9" ]; then
		mark=" *"
	fi
	echo "$n $1 $4 $7 $2 $5 $8 $3 $6 $9 $tf $to $tc" >>"$T/rows"
	echo "| $n$mark | $1 | $4 | $7 | $2 | $5 | $8 | $3 | $6 | $9 |" \
	    "$tf | $to | $(echo "$tf $to" |
	    awk '{ printf "%.3f", ($2 > 0 ? $1 / $2 : 0) }') | $tc |" \
	    "$(echo "$tc $to" |
	    awk '{ printf "%.3f", ($2 > 0 ? $1 / $2 : 0) }') |"
done
[ -s "$T/rows" ] || exit 0
awk '
# median of the n values of a[] (insertion sort: few rows), worst in a[n]
function median(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	for (i = 2; i <= 13; i++) s[i] += $i
	r[NR] = $12 > 0 ? $11 / $12 : 0
	c[NR] = $12 > 0 ? $13 / $12 : 0
}
END {
	n = NR
	med = median(r, n)
	cmed = median(c, n)
	printf "| total (%d models) | %d | %d | %d | %d | %d | %d | %d | %d |" \
	    " %d | %.2f | %.2f | median %.3f, worst %.3f | %.2f |" \
	    " median %.3f, worst %.3f |\n", n, s[2], s[3], s[4], s[5], s[6],
	    s[7], s[8], s[9], s[10], s[11], s[12], med, r[n], s[13], cmed, c[n]
}' "$T/rows"
