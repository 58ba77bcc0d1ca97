#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Two onnxfix binaries on the benchmark models, in one run: `check` and
# `fix` on each generated model (bench/gen_models.py, bench/gen_tfnet.py),
# median of 5 runs each (time and peak RSS from /usr/bin/time), the runs
# of the two binaries interleaved so that both see the same machine.  For
# a change that must not slow onnxfix down (a move of code, a split).
#
#   sh bench/compare.sh OLD_ONNXFIX NEW_ONNXFIX [DIR]
set -eu
[ $# -ge 2 ] || { echo "usage: sh bench/compare.sh OLD NEW [DIR]" >&2; exit 64; }
OLD=$1
NEW=$2
DIR=${3:-build/bench}
PY=/usr/bin/python3
mkdir -p "$DIR"
[ -f "$DIR/chain100k.onnx" ] || $PY bench/gen_models.py "$DIR" >/dev/null
[ -f "$DIR/tfnet.onnx" ] || $PY bench/gen_tfnet.py "$DIR/tfnet.onnx" >/dev/null
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

# one BIN ARGS...: "seconds kib" of one run
one() {
	sync
	/usr/bin/time -f '%e %M' -o "$T/t" "$@" >/dev/null 2>&1 || true
	cat "$T/t"
}

# median FILE COLUMN
median() {
	sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

echo "| model | command | old s | new s | old MiB | new MiB |"
echo "|---|---|---|---|---|---|"
for f in "$DIR"/tfnet.onnx "$DIR"/weights40m.onnx "$DIR"/chain25k.onnx \
    "$DIR"/chain50k.onnx "$DIR"/chain100k.onnx; do
	[ -f "$f" ] || continue
	for cmd in check fix; do
		: >"$T/old" ; : >"$T/new"
		for i in 1 2 3 4 5; do
			for b in old new; do
				if [ $b = old ]; then bin=$OLD; else bin=$NEW; fi
				if [ $cmd = check ]; then
					one "$bin" check -q "$f" >>"$T/$b"
				else
					one "$bin" fix -q -o "$T/out.onnx" "$f" >>"$T/$b"
				fi
			done
		done
		printf '| %s | %s | %s | %s | %s | %s |\n' "$(basename "$f")" \
		    "$cmd" "$(median "$T/old" 1)" "$(median "$T/new" 1)" \
		    "$(median "$T/old" 2 | awk '{ printf "%.1f", $1 / 1024 }')" \
		    "$(median "$T/new" 2 | awk '{ printf "%.1f", $1 / 1024 }')"
	done
done
