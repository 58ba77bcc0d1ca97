#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The interactive page (onnxfix dot -T html, diff -T html) in a real
# browser: Debian's chromium, headless (sh tools/setup.sh --test installs
# it; without it this test says so and passes).  Each page must be one
# self-contained file (no script, style or image from elsewhere: the only
# URLs are the SVG and XLink namespaces), and loaded with #test=QUERY it
# searches, selects the first match and writes what it found, the side
# panel and any script error into #test-result, which --dump-dom prints.
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "skip: no chromium (sh tools/setup.sh --test installs it)"
	echo "html: 0 passed, 0 failed"
	exit 0
fi

# page QUERY FILE [HOOK]: the JSON the page's test hook (test, or open)
# wrote
page() {
	timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu \
	    --user-data-dir="$T/profile" --dump-dom "file://$2#${3:-test}=$1" \
	    2>/dev/null | sed -n 's/.*<pre id="test-result"[^>]*>\([^<]*\)<.*/\1/p' |
	    sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&nbsp;/ /g; s/&quot;/"/g'
}

# check NAME FILE QUERY NODES HITS PANEL-TEXT...
check() {
	name=$1 file=$2 query=$3 nodes=$4 hits=$5
	shift 5
	if grep -qiE '<script[^>]+src|<link|<img|<iframe|@import|url\(' "$file" ||
	    [ "$(grep -o 'https\?://[^" ]*' "$file" | sort -u |
	    grep -cvE '^http://www.w3.org/(2000/svg|1999/xlink)$')" -ne 0 ]
	then
		bad "$name: not self-contained"
		return
	fi
	page "$query" "$file" >"$T/res"
	if ! [ -s "$T/res" ]; then
		bad "$name: no test result (the script did not run)"
		return
	fi
	/usr/bin/python3 - "$T/res" "$nodes" "$hits" "$@" <<'PY' || { bad "$name: $(cat "$T/res" | head -c 400)"; return; }
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["errors"] == [], r["errors"]
assert r["nodes"] == int(sys.argv[2]), r["nodes"]
assert r["hits"] == int(sys.argv[3]), r["hits"]
for want in sys.argv[4:]:
    assert want in r["panel"], (want, r["panel"])
PY
	ok
}

C=testdata/corpus/nhwc_transposes.onnx
$ONNXFIX dot -T html -o "$T/n.html" "$C" && ok || bad "dot -T html"
# the name of -o says html too
$ONNXFIX dot -o "$T/n2.html" "$C" && cmp -s "$T/n.html" "$T/n2.html" &&
    ok || bad "dot -o x.html is not the page"
# search a node by its name: its panel has its attributes, inputs with
# their slot names and types, and its findings
check "dot page, a node by name" "$T/n.html" "c1%2FConv" 17 2 \
    "Conv" "/c1/Conv" "kernel_shape = [3,3]" "W: c1.weight float[8,3,3,3]" \
    "outputs:"
# by operator: the Transposes, the nodes reading them, the key
check "dot page, an operator" "$T/n.html" "Transpose" 17 9 "perm"
# by tensor name
check "dot page, a tensor" "$T/n.html" "Relu_output_0" 17 2 "/Relu_output_0"

# a diff's page: the ghost of a removed node says so, a changed node
# lists its changes
$ONNXFIX fix --inputs-layout nchw -o "$T/f.onnx" "$C" >/dev/null 2>&1
$ONNXFIX diff -T html -o "$T/d.html" "$C" "$T/f.onnx"
[ $? -eq 1 ] && ok || bad "diff -T html: exit status"
check "diff page, removed" "$T/d.html" "%28removed%29" 16 4 "(removed)" \
    "Transpose"
check "diff page, changed" "$T/d.html" "c2" 16 2 "~ Conv" \
    "input 0: /Transpose_2_output_0 -> /Mul_output_0"

# a simplified picture: a box's panel names its scope and how to draw it
if /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
	/usr/bin/python3 tools/gen_dot_models.py big 1000 "$T/big.onnx"
	$ONNXFIX dot -T html -o "$T/b.html" "$T/big.onnx" 2>/dev/null
	check "simplified page, a box" "$T/b.html" "block42%0A" 169 1 \
	    "6 nodes drawn as one box" "--focus block42"
fi
# opens NAME FILE QUERY PICTURE NODES BACK: the first node that opens in
# place and has QUERY in its text opens the picture PICTURE of NODES
# nodes (its path says so), and Back returns to the BACK nodes
opens() {
	name=$1 file=$2
	page "$3" "$file" open >"$T/res"
	if ! [ -s "$T/res" ]; then
		bad "$name: no test result (the script did not run)"
		return
	fi
	/usr/bin/python3 - "$T/res" "$4" "$5" "$6" <<'PY' || { bad "$name: $(head -c 400 "$T/res")"; return; }
import json, sys
r = json.loads(open(sys.argv[1]).read())
assert r["errors"] == [], r["errors"]
assert r["opened"] is True, r
assert r["name"] == sys.argv[2], r["name"]
assert r["path"] == "model \u203a " + sys.argv[2], r["path"]
assert r["nodes"] == int(sys.argv[3]), r["nodes"]
assert r["depth"] == 1 and r["backDepth"] == 0, r
assert r["back"] == int(sys.argv[4]), r["back"]
PY
	ok
}

# boxes and bodies open in place
if /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
	# a box: block42's six nodes and their neighbours (--radius 1)
	opens "a box opens in place" "$T/b.html" "block42%0A" block42 17 169
	grep -c '<template id="t-x-' "$T/b.html" >"$T/nt"
	[ "$(cat "$T/nt")" -eq 166 ] && ok ||
	    bad "simplified page: $(cat "$T/nt") templates, not 166 boxes"
	# an If whose bodies are too large to draw inline
	/usr/bin/python3 tools/gen_dot_models.py ifbig 400 "$T/if.onnx"
	$ONNXFIX dot -T html -o "$T/i.html" "$T/if.onnx" 2>"$T/err"
	grep -q "note O112: .*1 of 1 boxes and bodies drawn" "$T/err" && ok ||
	    bad "dot -T html: no O112 note: $(cat "$T/err")"
	opens "bodies open in place" "$T/i.html" "If" choose 510 8
fi
echo "html: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
