#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Behaviour kept across a change that should not alter it (a move of
# code, a split, a shared helper): two onnxfix binaries run `fix` on every
# model of testdata/corpus/ and of Debian's libonnx-testdata, and their
# outputs (the written model, the exit status and what was printed) must
# be byte-identical.  Not part of make check (it needs the old binary):
#
#   sh tests/same-output.sh OLD_ONNXFIX NEW_ONNXFIX
#
# Build OLD_ONNXFIX from an earlier commit, e.g. in a second worktree:
#   git worktree add /tmp/old HEAD~1 && make -C /tmp/old onnxfix
set -u
[ $# -eq 2 ] || { echo "usage: sh tests/same-output.sh OLD NEW" >&2; exit 64; }
OLD=$1
NEW=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
n=0
same=0
differ=0
for m in testdata/corpus/*.onnx /usr/share/libonnx-testdata/data/*/*/model.onnx; do
	[ -f "$m" ] || continue
	n=$((n + 1))
	for b in old new; do
		if [ $b = old ]; then bin=$OLD; else bin=$NEW; fi
		rm -f "$T/$b.onnx"
		"$bin" fix -o "$T/$b.onnx" "$m" >"$T/$b.out" 2>"$T/$b.err"
		echo "status $?" >>"$T/$b.out"
		"$bin" check --format json "$m" >>"$T/$b.out" 2>>"$T/$b.err"
		echo "status $?" >>"$T/$b.out"
		[ -f "$T/$b.onnx" ] || : >"$T/$b.onnx"
	done
	if cmp -s "$T/old.onnx" "$T/new.onnx" &&
	    cmp -s "$T/old.out" "$T/new.out" &&
	    cmp -s "$T/old.err" "$T/new.err"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "differs: $m"
	fi
done
echo "same-output: $n models, $same identical, $differ differ"
[ "$differ" -eq 0 ]
