#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Golden pictures: each case of testdata/dot/cases is drawn as DOT and
# compared with testdata/dot/NAME.dot.  DOT written by onnxfix has no
# layout (no coordinates), so the expectations pin the structure: nodes,
# clusters, edges, labels, colours.  Every expectation must also lay out
# with Graphviz.  Then the timing contract: a generated 1,000-node model
# (tools/gen_dot_models.py, when python3-onnx is there) draws as SVG at
# the default settings in less than 20 seconds.
# sh tests/dot.sh [--update] rewrites the expectations.
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
update=0
[ "${1:-}" = --update ] && update=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

grep -v '^#' testdata/dot/cases | while IFS='|' read -r name cmd model opts; do
	[ -n "$name" ] || continue
	case $model in
	*.pbtxt|*.textproto)
		grep -v '^#' "$model" | protoc --proto_path=proto \
		    --encode=onnx.ModelProto onnx.proto >"$T/in.onnx" ;;
	*)	cp "$model" "$T/in.onnx" ;;
	esac
	# shellcheck disable=SC2086
	if [ "$cmd" = fix ]; then
		$ONNXFIX fix --dry-run --dot-diff "$T/got.dot" $opts \
		    "$T/in.onnx" >/dev/null 2>"$T/err"
	else
		$ONNXFIX dot -o "$T/got.dot" $opts "$T/in.onnx" 2>"$T/err"
	fi
	rc=$?
	want=testdata/dot/$name.dot
	# a picture cut at the node limit says so on stderr (O110), and
	# only then; nothing else may be printed
	if grep -q 'more nodes (limit' "$T/got.dot"; then
		if ! grep -q ' warning O110: ' "$T/err"; then
			echo "FAIL: $name: cut without O110 on stderr"
			echo x >>"$T/failed"
			continue
		fi
		grep -v ' warning O110: ' "$T/err" >"$T/err2"
		mv "$T/err2" "$T/err"
	fi
	if [ $rc -ne 0 ] || [ -s "$T/err" ]; then
		echo "FAIL: $name: exit $rc"; sed 's/^/  | /' "$T/err" | head -3
		echo x >>"$T/failed"
		continue
	fi
	if [ $update -eq 1 ]; then
		cp "$T/got.dot" "$want"
	elif ! cmp -s "$T/got.dot" "$want"; then
		echo "FAIL: $want"
		diff -u "$want" "$T/got.dot" | head -20 | sed 's/^/  | /'
		echo x >>"$T/failed"
		continue
	fi
	if ! dot -Tplain "$want" >/dev/null 2>"$T/err"; then
		echo "FAIL: $want does not lay out"
		echo x >>"$T/failed"
		continue
	fi
	echo x >>"$T/passed"
done
pass=$(cat "$T/passed" 2>/dev/null | wc -l)
fail=$(cat "$T/failed" 2>/dev/null | wc -l)

# Without -T, -o's name says the type: PNG and SVG by their magic, DOT
# otherwise; -T wins over the name.
C=testdata/corpus/nhwc_transposes.onnx
$ONNXFIX dot -o "$T/n.png" "$C" && [ "$(head -c 8 "$T/n.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: dot -o n.png is not PNG"; }
$ONNXFIX dot -o "$T/n.svg" "$C" && grep -q '<svg' "$T/n.svg" &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: dot -o n.svg is not SVG"; }
$ONNXFIX dot -o "$T/n.gv" "$C" && head -1 "$T/n.gv" | grep -q '^digraph' &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: dot -o n.gv is not DOT"; }
$ONNXFIX dot -T dot -o "$T/n2.png" "$C" && head -1 "$T/n2.png" | grep -q '^digraph' &&
    pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: -T dot -o n2.png is not DOT"; }

# The node limit of a large model.
if /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
	/usr/bin/python3 tools/gen_dot_models.py big 1000 "$T/big.onnx"
	# by default too large for every node: one box per block, said on
	# stderr in one line with the way to draw the rest
	$ONNXFIX dot -T svg -o "$T/bigb.svg" "$T/big.onnx" 2>"$T/bigerr"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(wc -l <"$T/bigerr")" -eq 1 ] &&
	    grep -q 'note O111: picture simplified for its size: 996 nodes drawn as 166 boxes, one per name scope; --focus SCOPE' "$T/bigerr" &&
	    [ "$(grep -c '<title>n[0-9]*</title>' "$T/bigb.svg")" -eq 167 ] &&
	    grep -q '>block7<' "$T/bigb.svg" &&
	    grep -q '6 nodes: 1 Conv, 1 Relu, 1 GlobalAveragePool' "$T/bigb.svg"
	then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: 1,000-node model: not drawn as 166 boxes"
		head -3 "$T/bigerr"
	fi
	# --focus SCOPE draws a box's 6 nodes and their neighbours
	$ONNXFIX dot --focus block7 --radius 1 -o "$T/bigf.dot" "$T/big.onnx" 2>"$T/bigerr"
	if [ $? -eq 0 ] && [ ! -s "$T/bigerr" ] &&
	    [ "$(grep -cE '^	+n[0-9]+	+\[' "$T/bigf.dot")" -eq 9 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: 1,000-node model: --focus block7 is not its 6 nodes"
	fi
	# the layout runs in a child process: its crash (here a SIGSEGV
	# sent to it) or timeout (SIGXCPU, what RLIMIT_CPU sends) is one
	# O105 line and exit 4, with no file left
	for sig in SEGV XCPU; do
		$ONNXFIX dot -T png --max-nodes 2000 -o "$T/crash.png" \
		    "$T/big.onnx" 2>"$T/crasherr" &
		pid=$!
		i=0
		child=
		while [ $i -lt 600 ] && [ -z "$child" ]; do
			child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null)
			[ -n "$child" ] || sleep 0.05
			i=$((i + 1))
		done
		[ -n "$child" ] && kill -s "$sig" $child
		wait $pid
		rc=$?
		case $sig in
		SEGV)	want='Graphviz crashed (signal 11' ;;
		*)	want='Graphviz took longer than 30 s of CPU' ;;
		esac
		if [ $rc -eq 4 ] && [ ! -e "$T/crash.png" ] &&
		    [ "$(wc -l <"$T/crasherr")" -eq 1 ] &&
		    grep -q "fatal O105: graph layout exceeded its bounds or crashed: $want" "$T/crasherr"
		then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: layout child killed by SIG$sig: exit $rc"
			head -3 "$T/crasherr"
		fi
	done
	# 10,000 parallel edges (Sum(r, x, r, x, ...)) overflowed the stack
	# inside Graphviz under ulimit -s 256 and took minutes without: one
	# edge per value and reader, drawn in a moment, never a signal
	/usr/bin/python3 - "$T/par.onnx" <<'PY'
import sys
import onnx
from onnx import helper, TensorProto as T
v = lambda n: helper.make_tensor_value_info(n, T.FLOAT, [1, 4])
g = helper.make_graph([helper.make_node("Relu", ["x"], ["r"], name="relu"),
    helper.make_node("Sum", ["r"] * 10000, ["y"], name="sum"),
    helper.make_node("Sum", ["r", "x"] * 5000, ["z"], name="sum2")],
    "g", [v("x")], [v("y"), v("z")])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]),
    sys.argv[1])
PY
	(ulimit -s 256; $ONNXFIX dot -T svg -o "$T/par.svg" "$T/par.onnx") \
	    2>"$T/parerr"
	rc=$?
	$ONNXFIX dot -o "$T/par.dot" "$T/par.onnx"
	if [ $rc -eq 0 ] && [ ! -s "$T/parerr" ] &&
	    [ "$(grep -c -- '->' "$T/par.dot")" -eq 6 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: parallel edges: exit $rc"
		head -2 "$T/parerr"
	fi
	# an explicit --max-nodes is a cut
	$ONNXFIX dot -T svg --max-nodes 500 -o "$T/big.svg" "$T/big.onnx" 2>"$T/bigerr"
	rc=$?
	# the cut is said on stderr, in one line, with the way to draw more
	if [ "$(wc -l <"$T/bigerr")" -eq 1 ] &&
	    grep -q 'warning O110: picture cut at the node limit: 497 nodes not drawn.*--max-nodes N' "$T/bigerr"
	then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: 1,000-node model: no O110 line on stderr"
	fi
	if [ $rc -eq 0 ] &&
	    grep -q 'not drawn:' "$T/big.svg" &&
	    grep -q '497 more nodes (limit 500): 83 GlobalAveragePool, 83 Mul, 83 Relu' "$T/big.svg"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: 1,000-node model: exit $rc"
	fi
	$ONNXFIX dot --collapse -o "$T/bigc.dot" "$T/big.onnx"
	if grep -q 'block0 .. block165  x166' "$T/bigc.dot"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL: 1,000-node model: no x166 block"
	fi
else
	echo "skip: 1,000-node model (no python3-onnx)"
fi
# A picture of a diff marks exactly what the JSON diff lists: its removed
# nodes ghosted ("- Op / name"), added ones "+", changed ones "~" (one per
# node with changes), changed graph inputs and outputs "(changed)".
for c in nhwc_transposes bn_keras_like paddleocr_cls custom_op; do
	/usr/bin/python3 -c '' 2>/dev/null || break
	C=testdata/corpus/$c.onnx
	$ONNXFIX fix --inputs-layout nchw -o "$T/f.onnx" "$C" >/dev/null 2>&1 ||
	    $ONNXFIX fix -o "$T/f.onnx" "$C" >/dev/null 2>&1
	$ONNXFIX diff -T dot -o "$T/d.dot" "$C" "$T/f.onnx"
	rc=$?
	$ONNXFIX diff --format json -o "$T/d.json" "$C" "$T/f.onnx"
	got="$(grep -c 'label="- ' "$T/d.dot") $(grep -c 'label="+ ' "$T/d.dot") $(grep -c 'label="~ ' "$T/d.dot") $(grep -c '(changed)' "$T/d.dot")"
	want=$(/usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["nodes_removed"], s["nodes_added"], s["nodes_changed"], s["interface"])' "$T/d.json")
	# and the removed nodes by name
	gotn=$(grep -A1 'label="- ' "$T/d.dot" | sed -n 's/.*label="- [^\\]*\\n\([^\\]*\)\\n.*/\1/p' | sort | tr '\n' ' ')
	wantn=$(/usr/bin/python3 -c 'import json, sys
for e in json.load(open(sys.argv[1]))["entries"]:
    for c in e.get("changes", []):
        if c["kind"] == "node-removed":
            print(c["name"])' "$T/d.json" | sort | tr '\n' ' ')
	if [ $rc -eq 1 ] && [ -n "$want" ] && [ "$got" = "$want" ] &&
	    [ "$gotn" = "$wantn" ] && dot -Tplain "$T/d.dot" >/dev/null; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: diff picture of $c: marks '$got' names '$gotn', JSON '$want' names '$wantn' (exit $rc)"
	fi
done
echo "dot: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
