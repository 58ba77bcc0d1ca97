#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `onnxfix fix` against ONNX Runtime's own offline optimisation (session
# creation at graphOptimizationLevel 'basic' with optimizedModelFilePath,
# bench/ort_basic.js) on the synthetic TensorFlow-style network
# (bench/gen_tfnet.py: 24 Conv blocks, 48 Transposes, 24 Keras BNs) and
# on the 100,000-node chain (bench/gen_models.py).  Median of 3 runs of
# time and peak RSS (the whole process: node's own start-up included for
# ORT); then the Transposes and BatchNormalization nodes each leaves and
# an ORT comparison of the outputs.  Prints Markdown tables.
set -eu
cd "$(dirname "$0")/.."
DIR=build/bench
mkdir -p $DIR
[ -f $DIR/chain100k.onnx ] || /usr/bin/python3 bench/gen_models.py $DIR
[ -f $DIR/tfnet.onnx ] || /usr/bin/python3 bench/gen_tfnet.py $DIR/tfnet.onnx

measure() {	# measure CMD...: median "seconds maxrss_kb" of 3 runs
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o $DIR/t.$i "$@" >/dev/null 2>&1 || true
	done
	cat $DIR/t.1 $DIR/t.2 $DIR/t.3 | grep -E '^[0-9.]+ [0-9]+$' | sort -n | sed -n 2p
}

echo "| model | tool | time (s) | peak RSS (MiB) |"
echo "|---|---|---|---|"
for m in tfnet chain100k; do
	f=$DIR/$m.onnx
	for tool in onnxfix ort; do
		case $tool in
		onnxfix) r=$(measure ./onnxfix fix -q -o $DIR/$m.fixed.onnx $f) ;;
		ort) r=$(measure node bench/ort_basic.js optimize $f \
		    $DIR/$m.ort.onnx) ;;
		esac
		t=${r% *}
		kb=${r#* }
		echo "| $m | $tool | $t | $((kb / 1024)) |"
	done
done
echo
echo "| tfnet | Transpose | BatchNormalization | nodes |"
echo "|---|---|---|---|"
./onnxfix fix -q --inputs-layout nchw --outputs-layout nchw \
    -o $DIR/tfnet.nchw.onnx $DIR/tfnet.onnx
for v in "original:tfnet" "ORT basic:tfnet.ort" "onnxfix fix:tfnet.fixed" \
    "onnxfix fix --inputs-layout nchw --outputs-layout nchw:tfnet.nchw"; do
	node bench/ort_basic.js count "$DIR/${v#*:}.onnx" |
	    awk -v n="${v%%:*}" '{ print "| " n " | " $3 " | " $5 " | " $7 " |" }'
done
echo
node tests/ort/oracle.js compare $DIR/tfnet.onnx $DIR/tfnet.fixed.onnx
node tests/ort/oracle.js compare $DIR/tfnet.onnx $DIR/tfnet.ort.onnx
node tests/ort/oracle.js compare --perm-in input_nhwc=0,3,1,2 \
    --perm-out output_nhwc=0,3,1,2 $DIR/tfnet.onnx $DIR/tfnet.nchw.onnx
