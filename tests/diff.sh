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
# The JSON parses and agrees with the text.
if /usr/bin/python3 - "$T/ab.json" "$T/ab.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
assert d["format"] == "onnxfix-diff" and d["version"] == 1
assert d["same"] is False
kinds = [c["kind"] for c in d["changes"]]
lines = [l for l in text if not l.startswith(("---", "+++", "ops:", "summary:"))]
assert len(kinds) == len(lines), (len(kinds), len(lines))
for k, l in zip(kinds, lines):
    assert l.split(": ", 1)[1].split(" ")[0].rstrip(":") == k, (k, l)
s = d["summary"]
assert s["transposes_removed"] == 1 and s["nodes_renamed"] == 2
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

# --- diff of a model against its fix output lists what fix reported --------
# 1. dce and toposort alone: note for note.  F301 is a node-removed line,
#    F302 an initializer-removed, F303 a value_info-removed, F300 an
#    order-changed; nothing else differs but the audit entry.
count() { grep -c -- "$1" "$2"; }
exact() {	# exact NAME MODEL PASS
	"$ONNXFIX" fix --passes "$3" -o "$T/fixed.onnx" "$2" >"$T/notes" 2>&1 ||
	    { bad "$1: fix failed"; return; }
	"$ONNXFIX" diff "$2" "$T/fixed.onnx" >"$T/diff"
	rc=$?
	if ! grep -q ' note F30[0-3]' "$T/notes"; then
		[ $rc -eq 0 ] && ok || bad "$1 ($3): fix changed nothing, diff differs"
		return
	fi
	[ $rc -eq 1 ] || { bad "$1 ($3): diff says same"; return; }
	for pair in "F301::node-removed " "F302::initializer-removed " \
	    "F303::value_info-removed " "F300::order-changed"; do
		code=${pair%%::*} kind=${pair#*::}
		a=$(count " note $code" "$T/notes")
		b=$(count ": $kind" "$T/diff")
		[ "$a" -eq "$b" ] && ok ||
		    bad "$1 ($3): $a $code notes, $b '$kind' lines"
	done
	other=$(grep -v -e '^---' -e '^+++' -e '^ops:' -e '^summary:' \
	    -e ': node-removed ' -e ': initializer-removed ' \
	    -e ': value_info-removed ' -e ': order-changed' \
	    -e "^model: metadata 'onnxfix.fix'" "$T/diff")
	[ -z "$other" ] && ok || { bad "$1 ($3): diff lists more than fix reported:"
	    echo "$other" | head -5 | sed 's/^/  | /'; }
}
# 2. The whole pipeline, where passes undo each other's intermediate
#    steps: the diff is the net effect of what fix reported.  It differs
#    exactly when fix recorded its audit entry; the header changes only by
#    that entry and the opset imports F372 removed, the interface not at
#    all; the Transpose count changes as the F317 notes say (plus the
#    Transposes F391 folded and F301 removed) and the BatchNormalization
#    count as the F350 notes say; every node F301 names and every initializer F302 names
#    that existed in the input is listed as removed.
pipeline() {	# pipeline NAME MODEL
	"$ONNXFIX" fix -o "$T/fixed.onnx" "$2" >"$T/notes" 2>&1 ||
	    { bad "$1: fix failed"; return; }
	"$ONNXFIX" diff --format json "$2" "$T/fixed.onnx" >"$T/diff.json"
	echo "exit $?" >>"$T/notes.rc"
	if /usr/bin/python3 - "$2" "$T/fixed.onnx" "$T/notes" "$T/diff.json" <<'PY'
import json, re, sys
import onnx
a = onnx.load(sys.argv[1], load_external_data=False)
b = onnx.load(sys.argv[2], load_external_data=False)
notes = open(sys.argv[3]).read().splitlines()
d = json.load(open(sys.argv[4]))
audit = any(p.key == "onnxfix.fix" for p in b.metadata_props) and \
    not any(p.key == "onnxfix.fix" and p.value == q.value
            for p in a.metadata_props for q in b.metadata_props
            if q.key == "onnxfix.fix")
assert d["same"] == (not audit), ("same", d["same"], audit)
ch = d["changes"]
def note(code):
    return [l for l in notes if " note %s: " % code in l]
dropped = {re.search(r"uses: '([^']*)'", l).group(1) for l in note("F372")}
for c in ch:
    if c["graph"] != "model":
        continue
    if c["kind"] == "opset" and c["b"] is None and c["name"] in dropped:
        dropped.discard(c["name"])
        continue
    assert c["kind"] == "metadata" and c["name"] == "onnxfix.fix", c
assert not dropped, ("F372 without an opset change", dropped)
assert d["summary"]["interface"] == 0, "interface changed"
delta = 0
for l in note("F317"):
    m = re.search(r"(\d+) before, (\d+) after", l)
    delta += int(m.group(1)) - int(m.group(2))
# Transposes other passes remove: folded (F391) or dead (F301).
delta += len([l for l in note("F391") + note("F301")
              if "(Transpose): note" in l])
s = d["summary"]
assert s["transposes_removed"] - s["transposes_added"] == delta, \
    ("transposes", s, delta)
ops = {o["op"]: o["a"] - o["b"] for o in d["ops"]}
bn = [l for l in note("F350")]
if bn:
    assert ops.get("BatchNormalization", 0) == len(bn), ("bn", ops, len(bn))
def nodes(g):
    out = []
    for n in g.node:
        out.append(n)
        for at in n.attribute:
            if at.g.node:
                out += nodes(at.g)
    return out
an = nodes(a.graph)
names = {n.name for n in an if n.name}
outs = {o for n in an for o in n.output}
removed = {c["name"] for c in ch if c["kind"] == "node-removed"}
for l in note("F301"):
    loc = l.split(": note F301")[0]
    m = re.search(r"node \d+ '([^']*)' \([^)]*\)$", loc)
    if m:
        if m.group(1) in names:
            assert m.group(1) in removed, ("F301", m.group(1))
        continue
    out = re.search(r"unused: '([^']*)'$", l).group(1)
    if out in outs:
        assert "-> " + out in removed, ("F301", out)
inits = {t.name for t in a.graph.initializer}
rinit = {c["name"] for c in ch if c["kind"] == "initializer-removed"}
for l in note("F302"):
    if " graph: note" not in l:
        continue
    nm = re.search(r"initializer: '([^']*)'$", l).group(1)
    if nm in inits:
        assert nm in rinit, ("F302", nm)
PY
	then ok; else bad "$1: the diff does not match fix's notes"; fi
}
for f in testdata/corpus/*.onnx; do
	exact "$f" "$f" dce
	exact "$f" "$f" toposort
	pipeline "$f" "$f"
done
for tp in testdata/*/*.textproto; do
	case $tp in *.out.textproto) continue ;; esac
	[ -e "${tp%.textproto}.out.textproto" ] || continue
	encode "$tp" "$T/case.onnx" || { bad "$tp does not encode"; continue; }
	exact "$tp" "$T/case.onnx" dce
	exact "$tp" "$T/case.onnx" toposort
	pipeline "$tp" "$T/case.onnx"
done

echo "diff: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
