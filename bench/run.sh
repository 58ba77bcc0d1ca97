#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Time and peak memory of `onnxfix check` against the onnx package's
# onnx.checker.check_model(onnx.load(path)) (Debian python3-onnx 1.12) on
# the generated models; `cat FILE > /dev/null` is the floor.  Median of 3
# runs; prints a Markdown table.  Needs: python3-onnx python3-numpy time
# (make bench installs them as root).
set -eu
cd "$(dirname "$0")/.."
DIR=build/bench
[ -f $DIR/chain100k.onnx ] || /usr/bin/python3 bench/gen_models.py $DIR

measure() {	# measure CMD...: median "seconds maxrss_kb" of 3 runs
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o $DIR/t.$i "$@" >/dev/null 2>&1 || true
	done
	cat $DIR/t.1 $DIR/t.2 $DIR/t.3 | grep -E '^[0-9.]+ [0-9]+$' | sort -n | sed -n 2p
}

echo "| model | size | tool | time (s) | peak RSS (MiB) |"
echo "|---|---|---|---|---|"
for m in weights40m chain100k; do
	f=$DIR/$m.onnx
	size=$(du -m $f | cut -f1)
	for tool in cat onnxfix onnx; do
		case $tool in
		cat) r=$(measure sh -c "cat $f >/dev/null") ;;
		onnxfix) r=$(measure ./onnxfix check $f) ;;
		onnx) r=$(measure /usr/bin/python3 -c \
		    "import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]))" $f) ;;
		esac
		t=${r% *}
		kb=${r#* }
		echo "| $m | ${size} MB | $tool | $t | $((kb / 1024)) |"
	done
done
