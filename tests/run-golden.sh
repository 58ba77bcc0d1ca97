#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Golden pass tests.  testdata/PASS/CASE.textproto is an input model in
# protobuf text format (encoded with protoc --encode); beside it:
#   CASE.expect          what `onnxfix check|fix --passes PASS` prints
#   CASE.out.textproto   (rewrite passes) the model fix writes, decoded
# A line "# args: OPTIONS" in CASE.textproto adds OPTIONS to the command.
# --update rewrites the expectations from the current behaviour; review
# the diff before committing.
set -u
ONNXFIX=$(pwd)/onnxfix
PROTO=$(pwd)/proto
update=0
[ "${1:-}" = --update ] && update=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

encode() { protoc --proto_path="$PROTO" --encode=onnx.ModelProto onnx.proto; }
decode() { protoc --proto_path="$PROTO" --decode=onnx.ModelProto onnx.proto; }

compare() {	# compare GOT WANT
	if [ $update -eq 1 ]; then
		cp "$1" "$2"
		pass=$((pass + 1))
	elif cmp -s "$1" "$2"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $2"
		diff -u "$2" "$1" | head -20 | sed 's/^/  | /'
	fi
}

for dir in testdata/*/; do
	p=$(basename "$dir")
	# Only directories holding cases are pass directories (corpus/ and
	# dot/ hold other test data).
	ls "$dir"*.textproto >/dev/null 2>&1 || continue
	name=$(echo "$p" | tr _ -)
	kind=$("$ONNXFIX" passes | awk -v n="$name" '$1 == n { print $2 }')
	if [ -z "$kind" ]; then
		echo "FAIL: $dir: no pass named $name"
		fail=$((fail + 1))
		continue
	fi
	for tp in "$dir"*.textproto; do
		case $tp in *.out.textproto) continue ;; esac
		case=${tp%.textproto}
		rm -f "$T"/*
		if ! grep -v '^#' "$tp" | encode >"$T/case.onnx"; then
			echo "FAIL: $tp does not encode"
			fail=$((fail + 1))
			continue
		fi
		# A line "# args: ..." gives extra options (--target, ...).
		args=$(sed -n 's/^# args: //p' "$tp" | head -1)
		if [ "$kind" = check ]; then
			# shellcheck disable=SC2086
			(cd "$T" && "$ONNXFIX" check --fail-on never \
			    --passes "$name" $args case.onnx >got 2>&1)
			echo "exit $?" >>"$T/got"
			compare "$T/got" "$case.expect"
		else
			(cd "$T" && "$ONNXFIX" fix --passes "$name" $args \
			    -o out.onnx case.onnx >got 2>&1)
			echo "exit $?" >>"$T/got"
			compare "$T/got" "$case.expect"
			# a refused conversion (F411, F413) writes nothing
			: >"$T/out.textproto"
			[ -e "$T/out.onnx" ] &&
			    decode <"$T/out.onnx" >"$T/out.textproto"
			compare "$T/out.textproto" "$case.out.textproto"
			# The result passes the structural check.
			if (cd "$T" && "$ONNXFIX" check -q \
			    --passes structure out.onnx >/dev/null 2>&1) ||
			    grep -q 'F304' "$T/got" ||
			    { grep -q 'error F41[13]' "$T/got" &&
			    [ ! -e "$T/out.onnx" ]; }; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "FAIL: $case: fixed model has errors"
			fi
		fi
	done
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
