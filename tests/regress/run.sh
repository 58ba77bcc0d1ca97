#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Regression models for memory-safety and undefined-behaviour bugs: each
# tests/regress/cases/NAME.py writes one model (the structure that once
# corrupted memory, divided by zero or overflowed), and NAME.expect says
# what the commands must do with it.  Every model runs through the whole
# program built with AddressSanitizer and UndefinedBehaviorSanitizer
# (build/asan/onnxfix): any sanitizer report, signal, status 70 or run
# over 20 s fails the case, whatever the expectations say.
#
# NAME.expect, one command a line:   STATUS CODE ARGS...
#   STATUS  the exact exit status
#   CODE    a diagnostic code that must appear in the output (stdout
#           and stderr together), or - for none
#   ARGS    the onnxfix arguments; @ is the model, @D the directory it
#           was written in, @O an empty output directory
# Besides those lines, every model goes through the sweep: check,
# check --target ort-cpu, fix -o, check of fix's output (no status 2),
# dot -T dot and diff of the model against fix's output.
set -u
ONNXFIX=${ONNXFIX_ASAN:-build/asan/onnxfix}
case $ONNXFIX in /*) ;; *) ONNXFIX=$(pwd)/$ONNXFIX ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
SUPP=$(pwd)/testdata/dot/lsan.supp
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=86"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$SUPP:print_suppressions=0:exitcode=86"

# run NAME ARGS...: one command under the sanitizers; status in $got
run() {
	rn=$1
	shift
	timeout -k 2 20 "$ONNXFIX" "$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" -ge 124 ] || [ "$got" -eq 70 ] || [ "$got" -eq 86 ] ||
	    grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
	    -e 'runtime error:' "$T/err"; then
		bad "$rn: onnxfix $*: status $got"
		grep -m 8 -e 'ERROR' -e 'runtime error' -e '#[0-9] ' \
		    -e 'onnxfix:' "$T/err" | head -n 12 | sed 's/^/  | /'
		return 1
	fi
	return 0
}

for py in tests/regress/cases/*.py; do
	name=$(basename "$py" .py)
	D=$T/$name
	mkdir -p "$D"
	M=$D/$name.onnx
	if ! /usr/bin/python3 "$py" "$M" >"$T/gen" 2>&1; then
		bad "$name: generator failed"
		sed 's/^/  | /' "$T/gen" | tail -n 5
		continue
	fi
	exp=tests/regress/cases/$name.expect
	if [ -f "$exp" ]; then
		while read -r want code args; do
			case $want in ''|'#'*) continue ;; esac
			O=$T/o.$name
			rm -rf "$O"
			mkdir -p "$O"
			set --
			for a in $args; do
				a=$(printf '%s' "$a" | sed "s#^@O#$O#; s#^@D#$D#; s#^@\$#$M#")
				set -- "$@" "$a"
			done
			run "$name" "$@" || continue
			if [ "$got" -ne "$want" ]; then
				bad "$name: onnxfix $args: exit $got, want $want"
				head -c 400 "$T/out" "$T/err" | sed 's/^/  | /'
				continue
			fi
			if [ "$code" != - ] &&
			    ! cat "$T/out" "$T/err" | grep -q "$code"; then
				bad "$name: onnxfix $args: no $code"
				head -c 400 "$T/out" "$T/err" | sed 's/^/  | /'
				continue
			fi
			ok
		done <"$exp"
	fi
	F=$D/$name.fixed.onnx
	run "$name" check "$M" && ok
	run "$name" check --target ort-cpu "$M" && ok
	run "$name" dot -T dot -o "$D/$name.dot" "$M" && ok
	if run "$name" fix -o "$F" "$M"; then
		ok
		if [ "$got" -eq 0 ] || [ "$got" -eq 1 ]; then
			if run "$name" check "$F"; then
				if [ "$got" -eq 2 ]; then
					bad "$name: fix's output does not load"
					head -c 300 "$T/err" | sed 's/^/  | /'
				else
					ok
				fi
			fi
			run "$name" diff "$M" "$F" && ok
		fi
	fi
done
echo "regress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
