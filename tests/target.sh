#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The target and defaults analyses on real models:
#   - testdata/corpus: custom_op reports com.example::FastGelu as unknown
#     to every target, with and without --target; silero_vad_legacy's
#     eight unused domain imports are no finding; every standard-op model
#     runs on ort-cpu without a finding (paddleocr_cls included);
#   - Debian's libonnx-testdata (when installed): the ort-cpu findings are
#     exactly those of testdata/target/libonnx-ort-cpu.txt, each checked
#     by hand against ONNX Runtime (opset-6 kernels it lacks, the int16
#     Max/Min, uint16 BitShift and unsigned Pow exponents its CPU provider
#     has no kernel for, and the preview.training operators);
#   - the defaults pass finds on the corpus, with and without --expect
#     and --target fp16, exactly testdata/defaults/corpus.txt, and on
#     libonnx-testdata exactly testdata/defaults/libonnx.txt (reviewed:
#     the test models set the non-default values on purpose);
#   - on the PyTorch exports of testdata/defaults/torch/ every rule fires
#     at its node and no safe twin (NAME-ok) gets a finding;
#   - passes/target.c's list of function operators matches ops.tsv.
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
CORPUS=testdata/corpus
LIBONNX=/usr/share/libonnx-testdata/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# not_summary: drop the summary line a text report ends with
not_summary() {
	grep -v '^onnxfix: [0-9][0-9]* \(fatal\|error\|warning\|note\)s\{0,1\}[, ]'
}

# check ARGS...: findings of `onnxfix check` in $T/out
check() {
	"$ONNXFIX" check --fail-on never "$@" 2>&1 | not_summary >"$T/out"
}

# --- custom_op: FastGelu unknown to every target --------------------------
for t in "" ort-cpu ort-cuda ort-dml tensorrt tflite onnx \
    ort-cpu,ort-cuda,ort-dml,tensorrt,tflite,onnx@14; do
	if [ -n "$t" ]; then
		check --passes target --target "$t" "$CORPUS/custom_op.onnx"
	else
		check --passes target "$CORPUS/custom_op.onnx"
	fi
	# Without a target a warning C400; with targets an error C410 for
	# each (the session cannot be created), and no C400.
	if [ -n "$t" ]; then
		nt=$(echo "$t" | tr ',' '\n' | wc -l)
		want="error C410: operator is not supported by the target: [a-z0-9@-]*: custom operator 'com.example::FastGelu' is in none of its operator tables"
		n=$(grep -c "$want" "$T/out")
		if [ "$n" -eq "$nt" ]; then ok; else
			bad "custom_op --target '$t': $n C410 lines, want $nt"
			head -5 "$T/out"
		fi
		grep -q 'C400' "$T/out" && bad "custom_op --target '$t': C400" || ok
	else
		want="warning C400: custom operator is unknown to every target:"
		n=$(grep -c "$want 'com.example::FastGelu'\$" "$T/out")
		if [ "$n" -eq 1 ]; then ok; else
			bad "custom_op: $n C400 lines"; head -5 "$T/out"
		fi
	fi
	# Nothing else per node: the summaries only.
	if grep -v 'C400\|C410\|C420\|C413' "$T/out" | grep -q .; then
		bad "custom_op --target '$t': unexpected findings"
		grep -v 'C400\|C410\|C420\|C413' "$T/out" | head -5
	else ok; fi
done

# --- silero_vad_legacy: eight unused domain imports, no finding -----------
check --passes target "$CORPUS/silero_vad_legacy.onnx"
if [ -s "$T/out" ]; then
	bad "silero_vad_legacy: findings"; head -5 "$T/out"
else ok; fi
check --passes target --target ort-cpu "$CORPUS/silero_vad_legacy.onnx"
if [ "$(grep -vc 'note C421' "$T/out")" -eq 0 ]; then ok; else
	bad "silero_vad_legacy ort-cpu: findings"; head -5 "$T/out"
fi

# --- every standard-op corpus model runs on ort-cpu -----------------------
for f in "$CORPUS"/*.onnx; do
	case $f in */custom_op.onnx) continue ;; esac
	check --target ort-cpu "$f"
	if grep -q ' C4[0-9][0-9]:' "$T/out" &&
	    grep ' C4[0-9][0-9]:' "$T/out" | grep -vq 'note C421'; then
		bad "$f --target ort-cpu: target findings"
		grep ' C4' "$T/out" | head -5
	else ok; fi
	grep -q 'note C421: the target runs every node: ort-cpu' "$T/out" &&
	    ok || bad "$f --target ort-cpu: no C421 summary"
done

# --- libonnx-testdata on ort-cpu: exactly the reviewed findings -----------
if [ -d "$LIBONNX" ]; then
	find "$LIBONNX" -name model.onnx | LC_ALL=C sort |
	    xargs "$ONNXFIX" check --fail-on never --passes target \
	    --target ort-cpu 2>&1 | not_summary |
	    grep -v 'note C421' | sed "s|$LIBONNX/||" >"$T/libonnx"
	if cmp -s "$T/libonnx" testdata/target/libonnx-ort-cpu.txt; then ok; else
		bad "libonnx-testdata ort-cpu findings differ from" \
		    "testdata/target/libonnx-ort-cpu.txt"
		diff -u testdata/target/libonnx-ort-cpu.txt "$T/libonnx" | head -20
	fi
else
	echo "skip: $LIBONNX is not installed"
fi

# --- defaults on the corpus: exactly the reviewed findings ---------------
# (PaddleOCR's explicit HardSigmoid slope 0.2 under --expect pytorch; under
# --target fp16 silero_vad_legacy's 2^20 constant; nothing else)
for e in none onnx pytorch keras tf fp16; do
	case $e in
	none) set -- ;;
	fp16) set -- --target fp16 ;;
	*) set -- --expect $e --target tensorrt,tflite ;;
	esac
	echo "# $e"
	for f in "$CORPUS"/*.onnx; do
		"$ONNXFIX" check --fail-on never --passes defaults "$@" "$f" \
		    2>&1 | not_summary
	done
done >"$T/corpus"
if cmp -s "$T/corpus" testdata/defaults/corpus.txt; then ok; else
	bad "corpus defaults findings differ from testdata/defaults/corpus.txt"
	diff -u testdata/defaults/corpus.txt "$T/corpus" | head -20
fi

# --- defaults on PyTorch exports: each rule fires, no twin (*-ok) does ------
# (testdata/defaults/torch/gen.py; the expected findings in torch.txt)
while read -r name args; do
	echo "# $name $args"
	# shellcheck disable=SC2086
	"$ONNXFIX" check --fail-on never --passes defaults $args \
	    "testdata/defaults/torch/$name.onnx" 2>&1 | not_summary
done <testdata/defaults/torch/args.txt >"$T/torch"
if cmp -s "$T/torch" testdata/defaults/torch.txt; then ok; else
	bad "PyTorch export defaults findings differ from" \
	    "testdata/defaults/torch.txt"
	diff -u testdata/defaults/torch.txt "$T/torch" | head -20
fi
if grep -A1 '^# [a-z0-9-]*-ok ' "$T/torch" | grep -q '^onnxfix:'; then
	bad "a safe twin (*-ok) has a defaults finding"
else ok; fi

# --- defaults on libonnx-testdata: exactly the reviewed findings ----------
# (the test models set the non-default values on purpose: epsilons of 0.1,
# cubic a=-0.5, tf_crop_and_resize, edge padding, SAME_LOWER, ...)
if [ -d "$LIBONNX" ]; then
	for e in none pytorch keras tf fp16; do
		case $e in
		none) set -- --target tensorrt,tflite ;;
		fp16) set -- --target fp16 ;;
		*) set -- --target tensorrt,tflite --expect $e ;;
		esac
		echo "# $e"
		find "$LIBONNX" -name model.onnx | LC_ALL=C sort |
		    xargs "$ONNXFIX" check --fail-on never --passes defaults \
		    "$@" 2>&1 | not_summary | sed "s|$LIBONNX/||"
	done >"$T/libonnx"
	if cmp -s "$T/libonnx" testdata/defaults/libonnx.txt; then ok; else
		bad "libonnx-testdata defaults findings differ from" \
		    "testdata/defaults/libonnx.txt"
		diff -u testdata/defaults/libonnx.txt "$T/libonnx" | head -20
	fi
fi

# --- the function-operator list against ops.tsv ---------------------------
awk -F'\t' '$2 == "ai.onnx" && $8 == 1 { print $3 }' src/opdb/ops.tsv |
    LC_ALL=C sort >"$T/want"
awk '/^static const char \*const function_ops\[\]/ { on = 1; next }
    on && /^};/ { exit } on' passes/target.c | tr ',' '\n' |
    sed -n 's/.*"\([A-Za-z0-9]*\)".*/\1/p' >"$T/got"
if cmp -s "$T/want" "$T/got"; then ok; else
	bad "passes/target.c function_ops differs from src/opdb/ops.tsv"
	diff "$T/want" "$T/got" | head -5
fi

echo "target: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
