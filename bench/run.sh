#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Time and peak memory of onnxfix against the onnx package (Debian
# python3-onnx 1.12: onnx.load + onnx.checker.check_model) and ONNX
# Runtime's optimise-and-save (bench/ort_optimize.js, onnxruntime-node,
# graphOptimizationLevel 'basic'), with `cat FILE > /dev/null` and `cp` as
# the floors, all on the same generated files in one run.  Median of 3
# runs (time and peak RSS from /usr/bin/time -f '%e %M'), page cache warm.
# Prints a Markdown table, then the ratios the targets are stated in.
#
#   sh bench/run.sh [--large | --chain] [DIR]
#
# --large adds the 1.48 GB single-file model and the 3.2 GB external-data
# model (about 4.6 GB of disk, plus room for one output of each tool);
# they are deleted at the end, the small models are kept.  --chain times
# only `onnxfix check` and onnx's load + check_model on the 25,000,
# 50,000 and 100,000-node chains (time, peak memory, and their ratios).
# DIR defaults to build/bench.  Needs python3-onnx python3-numpy time node
# (make bench installs the Debian packages as root).
set -eu
cd "$(dirname "$0")/.."
LARGE= CHAIN=
case ${1:-} in
--large) LARGE=--large; shift ;;
--chain) CHAIN=1; shift ;;
esac
DIR=${1:-build/bench}
OUT=$DIR/out
mkdir -p "$DIR" "$OUT"
PY=/usr/bin/python3
if [ ! -f "$DIR/chain25k.onnx" ] ||
    { [ -n "$LARGE" ] && [ ! -f "$DIR/matmul1g5.onnx" ]; }; then
	$PY bench/gen_models.py "$DIR" $LARGE
fi
[ -f "$DIR/tfnet.onnx" ] || $PY bench/gen_tfnet.py "$DIR/tfnet.onnx"
cleanup() {
	rm -rf "$OUT"
	[ -z "$LARGE" ] || rm -f "$DIR/matmul1g5.onnx" "$DIR/ext3g.onnx" \
	    "$DIR/ext3g.onnx.data" "$DIR/canonical.onnx"
}
trap cleanup EXIT INT TERM

# measure CMD...: the median run's "seconds maxrss_kb" of 3 (the median
# of each separately), or "fail" when the command failed every time.
measure() {
	: >"$DIR/t.all"
	for i in 1 2 3; do
		rm -rf "$OUT" && mkdir -p "$OUT"
		# no write-back of an earlier run (or of the generated
		# models) during this one: every run starts with no dirty
		# pages waiting; the input itself stays in the page cache
		sync
		if /usr/bin/time -f '%e %M' -o "$DIR/t.$i" "$@" \
		    >/dev/null 2>"$DIR/err.$i"; then
			tail -n 1 "$DIR/t.$i" >>"$DIR/t.all"
		fi
	done
	if [ ! -s "$DIR/t.all" ]; then
		echo fail
		return
	fi
	t=$(cut -d' ' -f1 "$DIR/t.all" | sort -n | sed -n '2p;$p' | head -1)
	k=$(cut -d' ' -f2 "$DIR/t.all" | sort -n | sed -n '2p;$p' | head -1)
	echo "$t $k"
}

ONNX_CHECK='import onnx, sys
m = onnx.load(sys.argv[1])
# a model over 2 GB is checked by path (the documented way)
onnx.checker.check_model(sys.argv[1] if sys.argv[2] == "path" else m)'

# row MODEL-LABEL TOOL CMD...: run, print a table row, remember the result
row() {
	label=$1 tool=$2
	shift 2
	r=$(measure "$@")
	if [ "$r" = fail ]; then
		echo "| $label | $tool | failed | | $(head -c 200 "$DIR/err.1" |
		    head -n 1 | tr '|' '/') |"
		eval "R_$(echo "$tool" | tr -c 'a-z0-9\n' '_')=fail"
		return
	fi
	t=${r% *} kb=${r#* }
	echo "| $label | $tool | $t | $((kb / 1024)) | |"
	eval "R_$(echo "$tool" | tr -c 'a-z0-9\n' '_')=\"$t $kb\""
}

ratio() {	# ratio A B: A / B to two places ("-" when either is missing)
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "" || b == "" || b + 0 == 0) print "-";
		else printf "%.3f", a / b }'
}

first() { echo "${1%% *}"; }
second() { echo "${1#* }"; }

summary() {	# summary LABEL: the ratios of the targets
	c=$(first "$R_onnxfix_check") f=$(first "$R_onnxfix_fix")
	echo "$1: check/cat $(ratio "$c" "$(first "$R_cat")")," \
	    "check peak $(( $(second "$R_onnxfix_check") / 1024 )) MiB," \
	    "fix/cp $(ratio "$f" "$(first "$R_cp")")," \
	    "fix --sync/(cp+sync) $(ratio "$(first "$R_onnxfix_fix___sync")" \
	    "$(first "$R_cp___sync")")," \
	    "check/onnx $(ratio "$c" "$(first "${R_onnx_load_check:-}")")," \
	    "fix/ort $(ratio "$f" "$(first "${R_ort_optimise_save:-}")")" \
	    >>"$DIR/summary"
}

one_file() {	# one_file LABEL FILE: the tools on a single-file model
	label=$1 f=$2
	row "$label" cat sh -c "cat '$f' >/dev/null"
	row "$label" cp cp "$f" "$OUT/copy.onnx"
	# the same durability as onnxfix fix --sync
	row "$label" "cp + sync" sh -c "cp '$f' '$OUT/copy.onnx' &&
	    sync '$OUT/copy.onnx'"
	row "$label" "onnxfix check" ./onnxfix check -q "$f"
	row "$label" "onnxfix fix" ./onnxfix fix -q -o "$OUT/fixed.onnx" "$f"
	row "$label" "onnxfix fix --sync" ./onnxfix fix -q --sync \
	    -o "$OUT/fixed.onnx" "$f"
	row "$label" "onnx load+check" $PY -c "$ONNX_CHECK" "$f" model
	row "$label" "ort optimise+save" node bench/ort_optimize.js "$f" \
	    "$OUT/ort.onnx"
	summary "$label"
}

if [ -n "$CHAIN" ]; then
	echo "| chain | onnxfix check (s) | MiB | onnx load+check (s) | MiB |" \
	    "time ratio |"
	echo "|---|---|---|---|---|---|"
	for k in 25 50 100; do
		f=$DIR/chain${k}k.onnx
		c=$(measure ./onnxfix check -q "$f")
		o=$(measure $PY -c "$ONNX_CHECK" "$f" model)
		echo "| ${k},000 nodes | ${c% *} | $(( ${c#* } / 1024 )) |" \
		    "${o% *} | $(( ${o#* } / 1024 )) |" \
		    "$(ratio "${c% *}" "${o% *}") |"
	done
	exit 0
fi

: >"$DIR/summary"
echo "| model | tool | time (s) | peak RSS (MiB) | note |"
echo "|---|---|---|---|---|"
one_file "12 x MatMul 1024x1024 (49 MB)" "$DIR/weights40m.onnx"
one_file "100,000-node chain (3 MB)" "$DIR/chain100k.onnx"
one_file "24-block NHWC convnet (tf2onnx style)" "$DIR/tfnet.onnx"
if [ -n "$LARGE" ]; then
	one_file "22 x MatMul 4096x4096 (1.48 GB)" "$DIR/matmul1g5.onnx"
	# The generated file is not in protobuf's canonical field order, so
	# fix re-encodes its small messages and the payloads move off their
	# page offsets.  fix's own output is canonical: fixing it again,
	# when no pass changes anything, is one copy of the whole file.
	label="22 x MatMul 4096x4096 (1.48 GB), canonical"
	./onnxfix fix -q -o "$DIR/canonical.onnx" "$DIR/matmul1g5.onnx"
	row "$label" cp cp "$DIR/canonical.onnx" "$OUT/copy.onnx"
	row "$label" "onnxfix fix" ./onnxfix fix -q -o "$OUT/fixed.onnx" \
	    "$DIR/canonical.onnx"
	rm -f "$DIR/canonical.onnx"
	echo "$label: fix/cp $(ratio "$(first "$R_onnxfix_fix")" \
	    "$(first "$R_cp")")" >>"$DIR/summary"
	f=$DIR/ext3g.onnx
	R_onnxfix_fix___sync=
	label="48 x MatMul 4096x4096, external data (3.2 GB)"
	row "$label" cat sh -c "cat '$f' '$f.data' >/dev/null"
	row "$label" cp cp "$f" "$f.data" "$OUT/"
	row "$label" "cp + sync" sh -c "cp '$f' '$f.data' '$OUT/' &&
	    sync '$OUT/ext3g.onnx' '$OUT/ext3g.onnx.data'"
	row "$label" "onnxfix check" ./onnxfix check -q "$f"
	# written beside the input, sharing its data file
	row "$label" "onnxfix fix" ./onnxfix fix -q -o "$DIR/ext3g.fixed.onnx" "$f"
	rm -f "$DIR/ext3g.fixed.onnx"
	# written elsewhere: the data file is copied along
	row "$label" "onnxfix fix (other dir)" \
	    ./onnxfix fix -q -o "$OUT/ext3g.onnx" "$f"
	row "$label" "onnxfix fix --sync (other dir)" \
	    ./onnxfix fix -q --sync -o "$OUT/ext3g.onnx" "$f"
	# one opset down: the weights are copied by range, never read
	row "$label" "onnxfix fix --opset 16 (other dir)" \
	    ./onnxfix fix -q --opset 16 -o "$OUT/ext3g.onnx" "$f"
	row "$label" "onnxfix fix --opset 16 (beside)" \
	    ./onnxfix fix -q --opset 16 -o "$DIR/ext3g.op16.onnx" "$f"
	rm -f "$DIR/ext3g.op16.onnx"
	row "$label" "onnx load+check" $PY -c "$ONNX_CHECK" "$f" path
	row "$label" "ort optimise+save" node bench/ort_optimize.js "$f" \
	    "$OUT/ort.onnx"
	summary "$label (fix beside the input)"
	# the other-directory rows against cp, which also copies the data
	R_onnxfix_fix=$R_onnxfix_fix__other_dir_
	R_onnxfix_fix___sync=$R_onnxfix_fix___sync__other_dir_
	summary "$label (fix to another directory)"
fi
echo
cat "$DIR/summary"
echo
echo "Peak RSS of onnxfix check against chain length:"
for k in 25 50 100; do
	r=$(measure ./onnxfix check -q "$DIR/chain${k}k.onnx")
	echo "  ${k},000 nodes: $(( ${r#* } / 1024 )) MiB, ${r% *} s"
done
