#!/bin/sh
# SPDX-License-Identifier: MIT
#
# onnxfix diff: the golden comparison of two fixtures (testdata/diff/a
# and b: a removed Transpose, renamed nodes and outputs, changed perm,
# alpha and initializer, interface, opset and producer changes), as text
# and JSON; the exit statuses; and the contract with fix: comparing a
# model with its own fix output lists exactly the rewrites fix reported,
# note for note for dce and toposort alone, as their net effect for the
# whole pipeline (see below), for every corpus model and every golden
# rewrite case.
# sh tests/diff.sh [--update] rewrites the golden outputs.
set -u
ONNXFIX=$(pwd)/${ONNXFIX:-onnxfix}
[ -x "$ONNXFIX" ] || ONNXFIX=${ONNXFIX#"$(pwd)/"}
update=0
[ "${1:-}" = --update ] && update=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
encode() {	# encode TEXTPROTO OUT
	grep -v '^#' "$1" | protoc --proto_path=proto \
	    --encode=onnx.ModelProto onnx.proto >"$2"
}
golden() {	# golden GOT WANT
	if [ $update -eq 1 ]; then
		cp "$1" "$2"; ok
	elif cmp -s "$1" "$2"; then
		ok
	else
		bad "$2"; diff -u "$2" "$1" | head -20 | sed 's/^/  | /'
	fi
}

# --- the fixtures -----------------------------------------------------------
encode testdata/diff/a.pbtxt "$T/a.onnx"
encode testdata/diff/b.pbtxt "$T/b.onnx"
(cd "$T" && "$ONNXFIX" diff a.onnx b.onnx >ab.txt 2>err)
[ $? -eq 1 ] && ok || bad "diff a b: exit status"
[ -s "$T/err" ] && bad "diff a b: stderr" || ok
golden "$T/ab.txt" testdata/diff/a-b.expect
(cd "$T" && "$ONNXFIX" diff --format json -o ab.json a.onnx b.onnx)
[ $? -eq 1 ] && ok || bad "diff json: exit status"
golden "$T/ab.json" testdata/diff/a-b.json
# A BatchNormalization folded by the exporter (new weight names, readers
# on the Conv's own output) reads as that fold: one bn-folded entry per
# BatchNormalization, holding every change, and the picture of the diff
# ghosts exactly the two.
encode testdata/diff/bnfold-a.pbtxt "$T/bna.onnx"
encode testdata/diff/bnfold-b.pbtxt "$T/bnb.onnx"
"$ONNXFIX" diff "$T/bna.onnx" "$T/bnb.onnx" >"$T/bn.txt"
[ $? -eq 1 ] &&
    [ "$(grep -c '^graph: ' "$T/bn.txt")" -eq 2 ] &&
    [ "$(grep -c "^graph: bn-folded BatchNormalization '/b[12]/BatchNormalization': into Conv '/c[12]/Conv'$" "$T/bn.txt")" -eq 2 ] &&
    grep -q '^rewrites: 2 bn-folded (BatchNormalization folded into the node that feeds it)$' "$T/bn.txt" &&
    ok || bad "diff of a fold by the exporter: not two bn-folded entries"
"$ONNXFIX" diff -T dot -o "$T/bn.dot" "$T/bna.onnx" "$T/bnb.onnx"
[ $? -eq 1 ] && [ "$(grep -c 'label="- BatchNormalization' "$T/bn.dot")" -eq 2 ] &&
    [ "$(grep -c 'label="~ Conv' "$T/bn.dot")" -eq 2 ] &&
    [ "$(grep -c 'label="~ ' "$T/bn.dot")" -eq 4 ] &&
    ok || bad "picture of the fold diff"
# The JSON parses and agrees with the text.
if /usr/bin/python3 - "$T/ab.json" "$T/ab.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
assert d["format"] == "onnxfix-diff" and d["version"] == 2
assert d["same"] is False
ents = d["entries"]
lines = [l for l in text if not l.startswith(("---", "+++", "ops:",
         "rewrites:", "summary:", "    "))]
members = [l for l in text if l.startswith("    ")]
assert len(ents) == len(lines), (len(ents), len(lines))
for e, l in zip(ents, lines):
    assert l.split(": ", 1)[1].split(" ")[0].rstrip(":") == e["kind"], (e, l)
    assert (e["code"] is not None) == l.endswith("[%s]" % e["code"]), (e, l)
assert sum(len(e["changes"]) for e in ents if "detail" in e or
           len(e["changes"]) > 1) == len(members)
s = d["summary"]
assert s["transposes_removed"] == 1 and s["nodes_renamed"] == 2
assert s["rewrites"] == 1
PY
then ok; else bad "diff json does not match the text"; fi
# Reversed: removed and added swap.
(cd "$T" && "$ONNXFIX" diff b.onnx a.onnx >ba.txt)
grep -q "node-added Transpose 't0'" "$T/ba.txt" &&
    grep -q "node-removed Identity" "$T/ba.txt" && ok || bad "diff b a"

# --- exit statuses ----------------------------------------------------------
"$ONNXFIX" diff "$T/a.onnx" "$T/a.onnx" >"$T/out"
[ $? -eq 0 ] && grep -q '^summary: same;' "$T/out" && ok || bad "same: exit 0"
"$ONNXFIX" diff --format json "$T/a.onnx" "$T/a.onnx" >"$T/out"
[ $? -eq 0 ] && grep -q '"same": true' "$T/out" && ok || bad "same json"
"$ONNXFIX" diff "$T/a.onnx" "$T/missing.onnx" >/dev/null 2>"$T/err"
[ $? -eq 4 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && ok || bad "missing: exit 4"
printf '<html>' >"$T/page.onnx"
"$ONNXFIX" diff "$T/page.onnx" "$T/a.onnx" >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q 'fatal L1' "$T/err" && ok || bad "not a model: exit 2"
"$ONNXFIX" diff "$T/a.onnx" >/dev/null 2>&1
[ $? -eq 64 ] && ok || bad "one model: exit 64"
"$ONNXFIX" diff --format sarif "$T/a.onnx" "$T/b.onnx" >/dev/null 2>&1
[ $? -eq 64 ] && ok || bad "sarif: exit 64"
"$ONNXFIX" diff -o /dev/full "$T/a.onnx" "$T/b.onnx" >/dev/null 2>&1
[ $? -eq 4 ] && ok || bad "/dev/full: exit 4"

# --- fix --dot-diff: removed nodes are drawn with the edges they had ---------
# bn_small: both folded BatchNormalizations (ghosts) between their Conv and
# the node that now reads the Conv; nhwc_transposes: the cancelled pair.
for m in bn_small:2 nhwc_transposes:3; do
	f=${m%%:*} n=${m#*:}
	"$ONNXFIX" fix --dot-diff "$T/d.dot" -o "$T/d.onnx" \
	    "testdata/corpus/$f.onnx" >/dev/null 2>&1
	i=$(grep -c -- '-> gone[0-9]*[[:space:]]' "$T/d.dot")
	o=$(grep -c -- '^[[:space:]]*gone[0-9]* -> ' "$T/d.dot")
	[ "$i" -eq "$n" ] && [ "$o" -eq "$n" ] && ok ||
	    bad "dot-diff $f: $i edges into ghosts, $o out, want $n each"
done

# --- diff of a model against its fix output lists what fix reported --------
# One to one (tests/diff_match.py): every rewrite note of fix is one diff
# entry of the same code, graph and subject, every diff entry one note,
# for the whole default pipeline, dce alone and toposort alone.
match() {	# match NAME MODEL [PASSES]
	if [ -n "${3:-}" ]; then
		"$ONNXFIX" fix -v --passes "$3" -o "$T/fixed.onnx" "$2" \
		    >"$T/notes" 2>&1
	else
		"$ONNXFIX" fix -v -o "$T/fixed.onnx" "$2" >"$T/notes" 2>&1
	fi || { bad "$1 (${3:-all}): fix failed"; return; }
	"$ONNXFIX" diff --format json "$2" "$T/fixed.onnx" >"$T/diff.json"
	rc=$?
	out=$(/usr/bin/python3 tests/diff_match.py "$2" "$T/notes" \
	    "$T/diff.json" $rc src/diag/diag.def)
	# the known mismatches of this case, exactly (testdata/diff/known.txt)
	known=$(awk -v c="== $1 (${3:-all})" '
	    /^== / { on = ($0 == c); next }
	    on && !/^#/ { print }' testdata/diff/known.txt)
	if [ "$out" = "$known" ]; then
		ok
	elif [ -n "$known" ] && [ -z "$out" ]; then
		bad "$1 (${3:-all}): now matches: remove it from testdata/diff/known.txt"
	else
		bad "$1 (${3:-all}): fix's notes and the diff differ:"
		echo "$out" | head -8 | sed 's/^/  | /'
	fi
}
for f in testdata/corpus/*.onnx; do
	match "$f" "$f" dce
	match "$f" "$f" toposort
	match "$f" "$f"
done
for tp in testdata/*/*.textproto; do
	case $tp in *.out.textproto) continue ;; esac
	[ -e "${tp%.textproto}.out.textproto" ] || continue
	encode "$tp" "$T/case.onnx" || { bad "$tp does not encode"; continue; }
	match "$tp" "$T/case.onnx" dce
	match "$tp" "$T/case.onnx" toposort
	match "$tp" "$T/case.onnx"
done

echo "diff: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
