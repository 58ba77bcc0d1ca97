#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Report formats and filters: --format json|sarif|github, --select,
# --ignore, --baseline, on models with known findings (the golden cases of
# testdata/structure/) and on a model whose names try to forge lines
# (newlines, %, ::, commas).  SARIF is validated against the OASIS schema
# (testdata/sarif/) with python3-jsonschema.
# Last line: "report: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

encode() {	# encode TEXTPROTO OUT
	protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto \
	    <"$1" >"$2"
}

run() {	# run WANT ARGS...: stdout $T/out, stderr $T/err
	want=$1
	shift
	$ONNXFIX "$@" >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "onnxfix $*: exit $got, want $want"
		sed 's/^/  | /' "$T/err" | head -3
		return 1
	fi
	ok
}

json() {	# json EXPR: evaluate EXPR over the JSON in $T/out ("d")
	"$PY" -c "import json,sys; d=json.load(open('$T/out')); print($1)"
}

expect() {	# expect WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}

encode testdata/structure/ssa.textproto "$T/ssa.onnx"
encode testdata/structure/shadow.textproto "$T/shadow.onnx"
encode testdata/structure/clean.textproto "$T/clean.onnx"
printf 'not a model' >"$T/bad.onnx"

# A model whose node name and op try to break out of a line or a command.
sed -e 's/op_type: "Neg"/op_type: "Neg"\n    name: "x\\n::error file=evil::forged%0A,:"/' \
    testdata/structure/ssa.textproto >"$T/evil.textproto"
encode "$T/evil.textproto" "$T/evil.onnx"

# --- json ---------------------------------------------------------------
if run 1 check --format json "$T/ssa.onnx" "$T/shadow.onnx" "$T/clean.onnx"
then
	expect "json format" "$(json 'd["format"], d["version"]')" \
	    "onnxfix-report 1"
	expect "json models" "$(json 'len(d["models"])')" 3
	expect "json S210" \
	    "$(json '[f["code"] for f in d["models"][0]["findings"]]')" \
	    "['S210']"
	expect "json statuses" "$(json '[m["status"] for m in d["models"]]')" \
	    "[1, 0, 0]"
	expect "json summary" \
	    "$(json '[d["summary"][k] for k in ("error","warning","exit_status")]')" \
	    "[1, 1, 1]"
	expect "json location" \
	    "$(json 'd["models"][1]["findings"][0]["location"]')" \
	    "node 1 'cond' (If)/then_branch/node 0 (Relu)"
	expect "json no stderr" "$(wc -c <"$T/err")" 0
fi
# A fatal load error is in the document and on stderr as one line.
if run 2 check --format json "$T/bad.onnx" "$T/clean.onnx"; then
	expect "json fatal" "$(json 'd["models"][0]["findings"][0]["level"]')" \
	    fatal
	expect "json fatal stderr" "$(wc -l <"$T/err")" 1
fi

# --- sarif --------------------------------------------------------------
if run 1 check --format sarif "$T/ssa.onnx" "$T/shadow.onnx" "$T/evil.onnx"
then
	"$PY" - "$T/out" >"$T/v" 2>&1 <<'EOF'
import json, sys
import jsonschema
schema = json.load(open("testdata/sarif/sarif-schema-2.1.0.json"))
doc = json.load(open(sys.argv[1]))
jsonschema.Draft4Validator(schema).validate(doc)
run = doc["runs"][0]
print(len(run["results"]), [r["id"] for r in run["tool"]["driver"]["rules"]],
      run["invocations"][0]["exitCode"])
EOF
	if [ $? -eq 0 ]; then ok; else
		bad "sarif does not validate: $(tail -n 3 "$T/v")"
	fi
	expect "sarif content" "$(cat "$T/v")" "3 ['S210', 'S218'] 1"
	# What a code-scanning service (GitHub's upload) requires beyond the
	# schema: a relative uri with a uriBaseId (or a file: URI), a region
	# with startLine >= 1, partialFingerprints on every result, rules
	# with full description and help.
	"$PY" - "$T/out" >"$T/v" 2>&1 <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["runs"][0]
bad = []
for r in run["results"]:
    pl = r["locations"][0]["physicalLocation"]
    al = pl["artifactLocation"]
    if not (al["uri"].startswith("file://") or
            (not al["uri"].startswith("/") and al.get("uriBaseId"))):
        bad.append("uri " + al["uri"])
    if pl.get("region", {}).get("startLine", 0) < 1:
        bad.append("no region.startLine")
    fp = r.get("partialFingerprints", {})
    if not fp or not all(isinstance(v, str) and v for v in fp.values()):
        bad.append("no partialFingerprints")
for rule in run["tool"]["driver"]["rules"]:
    for k in ("fullDescription", "help"):
        if not rule.get(k, {}).get("text"):
            bad.append(rule["id"] + " has no " + k)
print("ok" if not bad else bad)
EOF
	expect "sarif for code scanning" "$(cat "$T/v")" "ok"
fi

# --- github -------------------------------------------------------------
if run 1 check --format github "$T/ssa.onnx" "$T/shadow.onnx" "$T/evil.onnx"
then
	expect "github lines" "$(wc -l <"$T/out")" 3
	if grep -qv '^::\(error\|warning\|notice\) file=[^,:]*,title=onnxfix [A-Z][0-9]*::' "$T/out"
	then
		bad "github: a line is not a workflow command"
		sed 's/^/  | /' "$T/out"
	else
		ok
	fi
	expect "github warning" "$(sed -n 2p "$T/out")" \
	    "::warning file=$T/shadow.onnx,title=onnxfix S218::node 1 'cond' (If)/then_branch/node 0 (Relu): value shadows a name of an enclosing graph: 'A'"
	# The forged name stays inside the message, escaped.
	expect "github escaped" "$(grep -c '^::error file=evil' "$T/out")" 0
	if grep -q 'x\\x0a::error file=evil::forged%250A,:' "$T/out"; then
		ok
	else
		bad "github: forged name not escaped as expected"
		sed 's/^/  | /' "$T/out"
	fi
fi
if run 2 check --format github "$T/bad.onnx"; then
	expect "github fatal" "$(cut -c1-8 "$T/out")" "::error "
fi

# --- select, ignore, fail-on --------------------------------------------
run 0 check --ignore S210 "$T/ssa.onnx" && expect "ignore" "$(wc -l <"$T/out")" 0
run 1 check --select S2 "$T/ssa.onnx"
run 0 check --select S218 "$T/ssa.onnx" && expect "select" "$(wc -l <"$T/out")" 0
run 1 check --select s21 --fail-on warning "$T/shadow.onnx"
run 64 check --select 'S2;x' "$T/ssa.onnx"
run 64 check --format xml "$T/ssa.onnx"

# --- baseline -----------------------------------------------------------
run 1 check --format json "$T/ssa.onnx" "$T/shadow.onnx"
cp "$T/out" "$T/baseline.json"
if run 0 check --baseline "$T/baseline.json" "$T/ssa.onnx" "$T/shadow.onnx"
then
	expect "baseline hides" "$(grep -c 'error\|warning' "$T/out")" 0
	expect "baseline count" "$(sed -n 1p "$T/out")" \
	    "onnxfix: $T/ssa.onnx: 1 finding in the baseline not shown"
fi
# Same findings from another directory: matched by base name.
mkdir -p "$T/sub" && cp "$T/ssa.onnx" "$T/sub/ssa.onnx"
run 0 check -q --baseline "$T/baseline.json" "$T/sub/ssa.onnx"
# A new finding still fails.
run 1 check --baseline "$T/baseline.json" --fail-on warning "$T/evil.onnx"
run 1 check --format json --baseline "$T/baseline.json" "$T/ssa.onnx" \
    "$T/evil.onnx" && expect "baseline json" \
    "$(json '[m["suppressed"] for m in d["models"]], d["summary"]["suppressed"]')" \
    "[1, 0] 1"
# A file that is not a report is an input error, one line.
if run 2 check --baseline "$T/bad.onnx" "$T/ssa.onnx"; then
	expect "baseline bad" "$(wc -l <"$T/err")" 1
fi

# A re-export that inserts a node in front keeps the accepted findings
# accepted: the key leaves out the index of named nodes.
if /usr/bin/python3 - "$T/re1.onnx" "$T/re2.onnx" <<'PY'
import sys
from onnx import TensorProto, helper, save
def model(front):
    nodes = []
    x = "x"
    if front:
        nodes.append(helper.make_node("Relu", ["x"], ["r"], name="/front/Relu"))
        x = "r"
    nodes += [
        helper.make_node("Transpose", [x], ["t1"], name="/Transpose_1", perm=[0, 2, 3, 1]),
        helper.make_node("Relu", ["t1"], ["t2"], name="/Relu_1"),
        helper.make_node("Transpose", ["t2"], ["t3"], name="/Transpose_2", perm=[0, 3, 1, 2]),
        helper.make_node("Transpose", ["t3"], ["t4"], name="/Transpose_3", perm=[0, 1, 2, 3]),
        helper.make_node("Transpose", ["t4"], ["y"], name="/Transpose_4", perm=[0, 1, 2, 3]),
    ]
    g = helper.make_graph(nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4, 4])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
save(model(False), sys.argv[1])
save(model(True), sys.argv[2])
PY
then
	mkdir -p "$T/re"
	run 1 check --format sarif --fail-on warning "$T/re1.onnx"
	cp "$T/out" "$T/re/a.sarif"
	cp "$T/re2.onnx" "$T/re/re1.onnx"
	run 1 check --format sarif --fail-on warning "$T/re/re1.onnx"
	expect "sarif fingerprints survive a re-export" "$("$PY" -c '
import json, sys
fp = lambda p: sorted(r["partialFingerprints"]["onnxfixKey/v1"]
    for r in json.load(open(p))["runs"][0]["results"]
    if r["ruleId"] != "P510")
print(fp(sys.argv[1]) == fp(sys.argv[2]))' "$T/re/a.sarif" "$T/out")" True
	run 1 check --format json --fail-on warning "$T/re1.onnx"
	cp "$T/out" "$T/re/baseline.json"
	n=$(json 'sum(len(m["findings"]) for m in d["models"])')
	cp "$T/re2.onnx" "$T/re/re1.onnx"
	# named nodes moved one place down: their findings stay accepted
	run 0 check --format json --fail-on warning \
	    --baseline "$T/re/baseline.json" --ignore P510 --select P5 \
	    "$T/re/re1.onnx" &&
	    expect "baseline after re-export" \
	    "$(json '[f["location"] for m in d["models"] for f in m["findings"]]')" \
	    "[]"
	[ "$n" -ge 3 ] && pass=$((pass + 1)) ||
	    { fail=$((fail + 1)); echo "FAIL: re-export model has $n findings"; }
else
	echo "skip: re-export baseline (no python3-onnx)"
fi

# --- findings in pictures ------------------------------------------------
encode testdata/structure/unsorted.textproto "$T/unsorted.onnx"
if run 0 dot "$T/unsorted.onnx"; then
	# The node with the error has a red border and its code on the label.
	# (the fill is the category's, the tooltip has the node's inputs
	# and outputs before the finding)
	expect "dot error node" "$(grep -A4 '^	n0	' "$T/out" | tr -d '\t\n')" \
	    'n0[color="#d01c1c",fillcolor="#f6c6c0",label="Relu\nS211",penwidth=3,tooltip="relu\nRelu\ninputs:\n  X: A float[1,4]\noutputs:\n  Y float[1,4]\nS211 node uses a value produced by a later node"];'
	expect "dot clean node" "$(grep -c '^	n1	\[color' "$T/out")" 0
	expect "dot stdout only" "$(wc -c <"$T/err")" 0
fi
run 0 dot --ignore S211 "$T/unsorted.onnx" &&
    expect "dot select" "$(grep -c S211 "$T/out")" 0

echo "report: $pass passed, $fail failed"
[ $fail -eq 0 ]
