#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Pictures and diffs kept across a change that should not alter them (a
# split of src/view/, a shared helper): two onnxfix binaries draw and
# compare the same models, and everything they write must be
# byte-identical: DOT (plain, --collapse, --no-scopes, --ops, --focus on a
# node, on a tensor and on a name that is not there), SVG, fix's
# --dot-diff picture and output model, the diff of each model with its
# fix output both ways as text and JSON, every message and every exit
# status.  The models: testdata/corpus/, testdata/verify/, every
# textproto of testdata/ (testdata/dot/ and testdata/diff/ included,
# a and b of testdata/diff/ also against each other) and a sample of
# Debian's libonnx-testdata.  Not part of make check (it needs the old
# binary):
#
#   sh tests/same-view.sh OLD_ONNXFIX NEW_ONNXFIX [SAMPLE]
#
# SAMPLE (default 200) libonnx-testdata models are taken at even steps
# through the sorted list; 0 takes them all.  Build OLD_ONNXFIX from an
# earlier commit, e.g. in a second worktree:
#   git worktree add /tmp/old HEAD~1 && make -C /tmp/old onnxfix
set -u
[ $# -ge 2 ] && [ $# -le 3 ] ||
    { echo "usage: sh tests/same-view.sh OLD NEW [SAMPLE]" >&2; exit 64; }
OLD=$1
NEW=$2
SAMPLE=${3:-200}
export LC_ALL=C
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir "$T/m"

# The model list: real files as they are, textprotos encoded first.
for m in testdata/corpus/*.onnx testdata/verify/*.onnx; do
	[ -f "$m" ] && echo "$m"
done >"$T/list"
for t in testdata/*/*.textproto testdata/*/*.pbtxt; do
	case $t in *.out.textproto) continue ;; esac
	o=$T/m/$(echo "$t" | sed 's#^testdata/##; s#/#__#g').onnx
	grep -v '^#' "$t" | protoc --proto_path=proto \
	    --encode=onnx.ModelProto onnx.proto >"$o" 2>/dev/null &&
	    echo "$o" >>"$T/list"
done
ls /usr/share/libonnx-testdata/data/*/*/model.onnx 2>/dev/null | sort |
    awk -v want="$SAMPLE" '{ v[NR] = $0 }
	END {
		if (want <= 0 || want >= NR) { for (i = 1; i <= NR; i++) print v[i]; exit }
		for (k = 0; k < want; k++) print v[int(k * NR / want) + 1]
	}' >>"$T/list"

# A node and a tensor to --focus on: the middle node (its name, else its
# first output) and the first graph input (else initializer); "-" when
# the model has none or the name is not plain printable text.
/usr/bin/python3 - "$T/list" >"$T/focus" <<'PY'
import sys
try:
    import onnx
except ImportError:
    onnx = None
def ok(s):
    return s and all(32 < ord(c) < 127 for c in s)
for path in open(sys.argv[1]).read().splitlines():
    node = tensor = "-"
    try:
        g = onnx.load(path, load_external_data=False).graph
        if g.node:
            n = g.node[len(g.node) // 2]
            node = n.name if n.name else (n.output[0] if n.output else "")
        if g.input:
            tensor = g.input[0].name
        elif g.initializer:
            tensor = g.initializer[0].name
    except Exception:
        pass
    print("%s\t%s" % (node if ok(node) else "-",
                      tensor if ok(tensor) else "-"))
PY
[ "$(wc -l <"$T/focus")" -eq "$(wc -l <"$T/list")" ] ||
    { echo "same-view: cannot read the models' names" >&2; exit 70; }

# step ARGS...: run $BIN ARGS in $W, then print the command (without the
# binary), its status, stdout and stderr.
step() {
	"$BIN" "$@" >"$W/o" 2>"$W/e"
	echo "== $* : status $?"
	cat "$W/o"
	echo "-- stderr"
	cat "$W/e"
}

# everything BIN writes for model M (focus names FN and FT)
run() {
	M=$1
	rm -rf "$W"
	mkdir "$W"
	step dot -T dot "$M"
	step dot -T dot --collapse "$M"
	step dot -T dot --no-scopes --max-nodes 30 "$M"
	step dot -T dot --ops Conv,MatMul,Transpose,Add --max-nodes 20 "$M"
	[ "$FN" != - ] && step dot -T dot --focus "$FN" --radius 2 "$M"
	[ "$FN" != - ] && step dot -T dot --collapse --focus "$FN" "$M"
	[ "$FT" != - ] && step dot -T dot --focus "$FT" --radius 1 "$M"
	step dot -T dot --focus 'no such name' "$M"
	step dot -T svg "$M"
	step fix -o "$W/fix.onnx" --dot-diff "$W/fix.dot" "$M"
	echo "-- fix.dot"
	cat "$W/fix.dot" 2>/dev/null
	echo "-- fix.onnx"
	cksum <"$W/fix.onnx" 2>/dev/null
	F=$W/fix.onnx
	[ -f "$F" ] || F=$M
	step diff "$M" "$F"
	step diff --format json "$M" "$F"
	step diff "$F" "$M"
	step diff --format json -o "$W/d.json" "$F" "$M"
	cat "$W/d.json" 2>/dev/null
}

W=$T/w
n=0
runs=0
same=0
differ=0
exec 3<"$T/focus"
while IFS= read -r m; do
	IFS='	' read -r FN FT <&3
	n=$((n + 1))
	for b in old new; do
		if [ $b = old ]; then BIN=$OLD; else BIN=$NEW; fi
		run "$m" >"$T/$b.out"
	done
	runs=$((runs + $(grep -c '^== ' "$T/old.out")))
	if cmp -s "$T/old.out" "$T/new.out"; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		echo "differs: $m"
		diff "$T/old.out" "$T/new.out" | head -10 | sed 's/^/  | /'
	fi
done <"$T/list"
exec 3<&-

# The fixtures of testdata/diff against each other.
n=$((n + 1))
for b in old new; do
	if [ $b = old ]; then BIN=$OLD; else BIN=$NEW; fi
	A=$T/m/diff__a.pbtxt.onnx
	B=$T/m/diff__b.pbtxt.onnx
	rm -rf "$W"
	mkdir "$W"
	{
		step diff "$A" "$B"
		step diff --format json "$A" "$B"
		step diff "$B" "$A"
		step diff --format json "$B" "$A"
	} >"$T/$b.out"
done
runs=$((runs + $(grep -c '^== ' "$T/old.out")))
if cmp -s "$T/old.out" "$T/new.out"; then
	same=$((same + 1))
else
	differ=$((differ + 1))
	echo "differs: testdata/diff a b"
fi
echo "same-view: $n models, $runs runs each, $same identical, $differ differ"
[ "$differ" -eq 0 ]
