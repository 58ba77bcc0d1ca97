#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The adversarial matrix (tests/hostile/gen.py): every generated fixture
# runs under a 256 KiB stack, 1 s of CPU time and 256 MiB of address
# space, and must give its exact exit status and diagnostic code.  For
# every case: at most one line on stderr, at most 512 bytes, printable
# ASCII only, no line starting with "::", no byte of the canary file that
# lies outside the model directory in any output, and no output file at
# all when the status says failure.  Then A24: the real models of
# testdata/corpus load and write back byte-identical under the same
# limits.
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
case $ONNXFIX in /*) ;; *) ONNXFIX=$(pwd)/$ONNXFIX ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

D=$T/d
python3 tests/hostile/gen.py "$D" || { echo "hostile: 0 passed, 1 failed"; exit 1; }
CANARY=$(cat "$D/canary.txt")

# limited CMD...: run with the bounds; status in $got
limited() {
	timeout -k 1 20 sh -c 'ulimit -s 256; ulimit -t 1; ulimit -v 262144;
	    exec "$@"' sh "$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
}

tab=$(printf '\t')
while IFS="$tab" read -r name want code rest; do
	O=$T/o/$name
	mkdir -p "$O"
	post=""
	set --
	IFS="$tab"
	for a in $rest; do
		case $a in
		=cmp:*) post=$a; continue ;;
		esac
		a=$(printf '%s' "$a" | sed "s#^@O#$O#; s#^@#$D#")
		set -- "$@" "$a"
	done
	IFS=" "
	limited "$ONNXFIX" "$@"
	if [ "$got" -ne "$want" ]; then
		bad "$name: exit $got, want $want"
		head -c 300 "$T/err" | sed 's/^/  | /'
		continue
	fi
	if [ "$code" != "-" ]; then
		if [ "$want" -ge 2 ]; then f=$T/err; else f=$T/out; fi
		grep -q " $code" "$f" || { bad "$name: no $code"; head -c 300 "$T/out" "$T/err" | sed 's/^/  | /'; continue; }
	fi
	n=$(wc -l <"$T/err")
	sz=$(head -n 1 "$T/err" | wc -c)
	[ "$n" -le 1 ] && [ "$sz" -le 513 ] || { bad "$name: stderr $n lines, $sz bytes"; continue; }
	if LC_ALL=C grep -q '[^ -~]' "$T/err" "$T/out" ||
	    grep -q '^::' "$T/err" "$T/out"; then
		bad "$name: raw bytes or '::' in the output"; continue
	fi
	if grep -rqF "$CANARY" "$T/out" "$T/err" "$O"; then
		bad "$name: the canary escaped"; continue
	fi
	if [ "$want" -ge 2 ] && [ -n "$(ls -A "$O")" ]; then
		bad "$name: output left behind: $(ls -A "$O")"; continue
	fi
	# a rejected input: fix must fail the same way and leave nothing
	if [ "$want" -ge 2 ] && [ "$1" = check ]; then
		eval "model=\${$#}"
		limited "$ONNXFIX" fix -o "$O/fixed.onnx" --dot "$O/fixed.dot" \
		    "$model"
		if [ "$got" -ne "$want" ] || [ -n "$(ls -A "$O")" ]; then
			bad "$name: fix exit $got or output left: $(ls -A "$O")"
			continue
		fi
	fi
	if [ -n "$post" ]; then
		a=$(echo "$post" | cut -d: -f2 | sed "s#^@O#$O#; s#^@#$D#")
		b=$(echo "$post" | cut -d: -f3 | sed "s#^@O#$O#; s#^@#$D#")
		cmp -s "$a" "$b" || { bad "$name: $a and $b differ"; continue; }
	fi
	ok
done <"$D/cases.tsv"

# A24: real models, same bounds, written back unchanged
for f in testdata/corpus/*.onnx; do
	b=$(basename "$f" .onnx)
	limited "$ONNXFIX" fix --passes none -o "$T/$b.onnx" "$f"
	if [ "$got" -eq 0 ] && cmp -s "$f" "$T/$b.onnx"; then ok; else
		bad "a24 $b: exit $got or changed"; fi
done

# Regression: fix --external-data wrote every tensor at offset 0 and left
# Constant attributes inline.  fix --external-data and back must be
# byte-identical, with offsets aligned to 4 KiB.
mkdir -p "$T/x"
for f in testdata/corpus/*.onnx; do
	b=$(basename "$f" .onnx)
	limited "$ONNXFIX" fix --passes none --external-data "$b.data" \
	    --size-threshold 0 -o "$T/x/$b.onnx" "$f"
	[ "$got" -eq 0 ] || { bad "external $b: exit $got"; continue; }
	limited "$ONNXFIX" check --passes structure "$T/x/$b.onnx"
	[ "$got" -eq 0 ] || { bad "external $b: check exit $got"; continue; }
	if protoc --decode_raw <"$T/x/$b.onnx" | grep -A1 '"offset"' |
	    sed -n 's/.*2: "\([0-9]*\)"/\1/p' | awk '$1 % 4096 { bad = 1 }
	    END { exit bad }'; then ok; else bad "external $b: unaligned"; fi
	limited "$ONNXFIX" fix --passes none -o "$T/x/$b.back.onnx" \
	    "$T/x/$b.onnx"
	if [ "$got" -eq 0 ] && cmp -s "$f" "$T/x/$b.back.onnx"; then ok; else
		bad "external $b: not the same after the round trip"; fi
done

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
