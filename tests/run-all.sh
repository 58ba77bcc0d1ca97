#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make check: every unit test program (cmocka), the golden pass tests,
# the CLI tests and the documentation checks.  Each runner prints
# "NAME: N passed, M failed"; this script sums them up in the last line.
set -u
total_pass=0
total_fail=0

tally() {	# tally FILE: add up the runner's closing line
	line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$1" |
	    tail -n 1)
	if [ -z "$line" ]; then
		total_fail=$((total_fail + 1))
		echo "$2: no result line"
		return
	fi
	p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
for t in "$@"; do
	name=$(basename "$t")
	${ONNXFIX_RUNNER:-} "$t" >"$out" 2>&1
	rc=$?
	grep -v '^\[ *\(RUN\|OK\) *\]' "$out" | grep -v '^$'
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out")
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out")
	p=${p:-0}
	f=${f:-0}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "$name: $p passed, $f failed"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
for s in tests/run-golden.sh tests/cli.sh tests/check-docs.sh \
    tests/check-layers.sh tests/report.sh \
    tests/shapes-onnx.sh tests/target.sh tests/dot.sh tests/diff.sh \
    tests/html.sh \
    tests/hostile/run.sh tests/regress/run.sh tests/fuzz/replay.sh \
    tests/verify.sh tests/verify-testdata.sh \
    tests/input-shape.sh tests/pinned/run.sh tests/opset/cases.sh \
    tests/fold-large.sh \
    tests/explicit-defaults.sh tests/zoo/run.sh tests/profile.sh; do
	sh "$s" >"$out" 2>&1
	cat "$out"
	tally "$out" "$s"
done
# fix --opset on those real exports (tests/zoo/run.sh made them): down
# to 11 and up to 21, every one converted and equal in ONNX Runtime.
sh tests/opset/zoo.sh -s "${ZOO_DIR:-build/zoo}" >"$out" 2>&1
cat "$out"
tally "$out" tests/opset/zoo.sh
# onnxfix check against onnx's checker and ONNX Runtime on a bounded,
# seeded set of broken models (tests/differential/run.sh): a class whose
# recall falls below its floor, or an error on a model both accept, fails.
sh tests/differential/run.sh --gate --limit 60 >"$out" 2>&1
cat "$out"
tally "$out" tests/differential/run.sh
# --target ort-cpu against ONNX Runtime's session creation on every 5th
# libonnx-testdata model and element-type variant (tests/differential/
# ortcpu.sh): recall and precision floors per class.
sh tests/differential/ortcpu.sh --gate >"$out" 2>&1
cat "$out"
tally "$out" tests/differential/ortcpu.sh
# fix --opset on a fixed sample of the backend test suite (every 12th
# model and one per conversion rule, tests/opset/rules.txt; four
# directions; tests/opset/run.sh): no wrong conversion, and
# the verified share of each direction above its floor (bench/opset.sh
# runs all of them).
sh tests/opset/run.sh -e 12 -p tests/opset/rules.txt \
    -g "down1:80 13:85 11:88 21:98" >"$out" 2>&1
cat "$out"
tally "$out" tests/opset/run.sh
# A bounded, reproducible fuzz run when clang is there (a fixed number of
# executions from a fixed seed; CI_FUZZ_SECONDS=0 skips it; make fuzz-run
# fuzzes for a time instead).
if command -v "${CLANG:-clang}" >/dev/null 2>&1 &&
    [ "${CI_FUZZ_SECONDS:-60}" -gt 0 ]; then
	if make -s fuzz >"$out" 2>&1; then
		sh tests/fuzz/run.sh --runs >"$out" 2>&1
	else
		echo "fuzz: 0 passed, 1 failed (make fuzz)" >>"$out"
	fi
	cat "$out"
	tally "$out" tests/fuzz/run.sh
fi
echo "check: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
