#!/bin/sh
# SPDX-License-Identifier: MIT
#
# A bounded libFuzzer run of every target (make fuzz-run; make check runs
# it when clang is present): SECONDS for each loader target (prescan,
# load) and for the structure-aware one (struct), a quarter of it for the
# others, from the committed corpus (testdata/fuzz/TARGET/, not modified:
# new inputs go to a temporary directory).  Flags as in the hardening
# plan: -timeout=2 (no input may take more than 1 s; 2 s leaves room for
# a loaded machine), -rss_limit_mb=1024, -max_len=1048576.  struct runs
# check, fix twice, dot, save and diff on each input and its mutator
# builds graphs of thousands of nodes: -timeout=10 -rss_limit_mb=2048.
# Any crash, leak, timeout or out-of-memory fails; the input is kept in
# build/fuzz/artifacts/ to be committed under testdata/fuzz/TARGET/ with a
# regression test.
#
#   sh tests/fuzz/run.sh [SECONDS]       (default 60; 0 skips)
#   sh tests/fuzz/run.sh --runs          (make check: a fixed number of
#                                         executions from seed 1 per target,
#                                         so a run gives the same verdict
#                                         on every machine and load)
set -u
runs=0
if [ "${1:-}" = --runs ]; then
	runs=1
	shift
fi
S=${1:-60}
pass=0
fail=0
if [ "$S" -eq 0 ]; then
	echo "fuzz: 0 passed, 0 failed (CI_FUZZ_SECONDS=0)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p build/fuzz/artifacts
targets="prescan load passes dot external cli struct"
# make check runs the loader targets and struct (the others: make
# fuzz-run).
[ $runs -eq 1 ] && targets="prescan load struct"
# struct: at most 1,000 copies of one node input per mutation.
FUZZ_STRUCT_FANOUT=${FUZZ_STRUCT_FANOUT:-1000}
export FUZZ_STRUCT_FANOUT
for t in $targets; do
	case $t in
	prescan|load|struct) secs=$S ;;
	*) secs=$((S / 4 > 0 ? S / 4 : 1)) ;;
	esac
	timeout=2
	rss=1024
	# struct: up to two models of a 256 MiB budget each live at once
	[ "$t" = struct ] && timeout=10 && rss=2048
	bound="-max_total_time=$secs"
	label="${secs}s"
	if [ $runs -eq 1 ]; then
		case $t in
		prescan) n=400000 ;;
		load) n=80000 ;;
		struct) n=2500 ;;
		*) n=8000 ;;
		esac
		bound="-runs=$n -seed=1"
		label="$n runs from seed 1"
	fi
	mkdir -p "$T/$t"
	dict=""
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	[ -f tests/fuzz/onnx.dict ] && [ -z "$dict" ] && [ "$t" != external ] &&
	    [ "$t" != struct ] &&
	    dict="-dict=tests/fuzz/onnx.dict"
	# shellcheck disable=SC2086
	if "build/fuzz/fuzz_$t" $bound -timeout=$timeout \
	    -rss_limit_mb=$rss -max_len=1048576 -print_final_stats=1 \
	    -artifact_prefix="build/fuzz/artifacts/$t-" $dict \
	    "$T/$t" "testdata/fuzz/$t" >"$T/log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/log")
		echo "fuzz $t: $label, ${execs:-?} executions, no finding"
		pass=$((pass + 1))
	else
		echo "FAIL: fuzz $t: see build/fuzz/artifacts/"
		grep -E 'ERROR|SUMMARY|fuzz: |Test unit written' "$T/log" |
		    head -8 | sed 's/^/  | /'
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
