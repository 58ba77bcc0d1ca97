#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make check: replay the committed fuzz corpus and every past crasher
# (testdata/fuzz/TARGET/) through each target's gcc-built replay driver
# (build/fuzz/replay_TARGET), under $ONNXFIX_RUNNER (valgrind with
# make VALGRIND=1).  Last line: "fuzz-replay: N passed, M failed", one
# per target.
set -u
pass=0
fail=0
for t in prescan load passes dot external cli struct; do
	bin=build/fuzz/replay_$t
	dir=testdata/fuzz/$t
	# the model targets also replay every real model
	case $t in external) ;; *) dir="$dir testdata/corpus" ;; esac
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin not built"; fail=$((fail + 1)); continue
	fi
	if out=$(${ONNXFIX_RUNNER:-} "$bin" --name="$t" $dir 2>"${TMPDIR:-/tmp}/replay.$$"); then
		echo "$out"
		pass=$((pass + 1))
	else
		echo "FAIL: replay $t: $(grep '^replay: ' "${TMPDIR:-/tmp}/replay.$$" | tail -1)"
		tail -5 "${TMPDIR:-/tmp}/replay.$$" | sed 's/^/  | /'
		fail=$((fail + 1))
	fi
done
rm -f "${TMPDIR:-/tmp}/replay.$$"
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
