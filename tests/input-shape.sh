#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fix --input-shape and --dim-param on the model of
# tests/input_shape/gen.py (inputs x[batch,seq,4] and m[batch,seq], an
# exporter's Shape chain, a weight in external data):
#  - every misfit is one F400 error naming the input and what
#    contradicts, exit 2, and no output is written;
#  - fixed, the inputs, outputs and value_info are static, no Shape node
#    is left, and ONNX Runtime gives the original's outputs at that shape
#    (tests/ort/oracle.js compare --shape, when the oracle is installed);
#  - the external weight is never read (its file may be missing).
# Last line: "input-shape: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
ONNXFIX=${ONNXFIX:-$(pwd)/onnxfix}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if ! "$PY" tests/input_shape/gen.py "$T/m" >"$T/gen.log" 2>&1; then
	bad "tests/input_shape/gen.py failed"
	sed 's/^/  | /' "$T/gen.log" | head -5
	echo "input-shape: $pass passed, $fail failed"
	exit 1
fi
M=$T/m/chain.onnx
E="onnxfix: $M: error F400: input shape cannot be fixed as given: nothing changed:"

# refused ARGS... / WANT: exit 2, exactly the one line WANT, no output
refused() {
	want=$1
	shift
	rm -f "$T/out.onnx"
	"$ONNXFIX" fix -o "$T/out.onnx" "$@" "$M" >"$T/got" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat "$T/got")" = "$E $want" ] &&
	    [ ! -e "$T/out.onnx" ]; then ok; else
		bad "$*: exit $rc"
		printf '  want | %s\n' "$E $want"
		sed 's/^/  got  | /' "$T/got" | head -5
	fi
}
refused "--input-shape names 'y', which is not a graph input (inputs: 'x', 'm')" \
    --input-shape y=1,2
refused "--input-shape names 'w', which is not a graph input (inputs: 'x', 'm')" \
    --input-shape w=4,4
refused "input 'x' has rank 3 (float[batch,seq,4]); --input-shape gives 2 dims" \
    --input-shape x=2,5
refused "input 'x' dim 2 is 4 (float[batch,seq,4]); --input-shape gives 8" \
    --input-shape x=2,5,8
refused "input 'x' dim 0: '-1' is neither a size (0 or more) nor a dim_param name" \
    --input-shape x=-1,5,4
refused "dim_param 'batch' is given two values: 2 by --input-shape x=2,5,4 (dim 0) and 3 by --input-shape m=3,5 (dim 0)" \
    --input-shape x=2,5,4 --input-shape m=3,5
refused "dim_param 'seq' is given two values: 7 by --dim-param seq=7 and 5 by --input-shape x=2,5,4 (dim 1)" \
    --dim-param seq=7 --input-shape x=2,5,4
refused "input 'x' is given two --input-shape options" \
    --input-shape x=2,5,4 --input-shape x=2,5,4
refused "--dim-param names 'time', which no graph input uses" \
    --dim-param time=3
refused "--dim-param 'seq=x' is not NAME=VALUE with a size of 0 or more" \
    --dim-param seq=x
"$ONNXFIX" fix -o "$T/out.onnx" --input-shape x4 "$M" >"$T/got" 2>&1
[ $? -eq 64 ] && grep -q "takes NAME=D1,D2" "$T/got" && ok ||
    bad "--input-shape without '=' is not a usage error"

# fixed: x by --input-shape, m through the dim_params it shares
mkdir "$T/o"
if "$ONNXFIX" fix -q -o "$T/o/fixed.onnx" --input-shape x=2,5,4 "$M" \
    >"$T/got" 2>&1; then
	"$ONNXFIX" info "$T/o/fixed.onnx" >"$T/info"
	sed -n '/^inputs:/,/^operators:/p' "$T/info" >"$T/io"
	cat >"$T/want" <<'EOW'
inputs:
  x: float[2,5,4]
  m: float[2,5]
outputs:
  y: float[2,20]
  q: float[2,5,4]
  z: float[2,5]
operators:
EOW
	cmp -s "$T/io" "$T/want" && ok || {
		bad "fixed interface"
		diff "$T/want" "$T/io" | sed 's/^/  | /'
	}
	grep -q ' Shape$' "$T/info" && bad "a Shape node is left" || ok
	"$ONNXFIX" check -q "$T/o/fixed.onnx" >/dev/null 2>&1 && ok ||
	    bad "the fixed model does not pass check"
	if [ -d tests/ort/node_modules/onnxruntime-node ]; then
		node tests/ort/oracle.js compare "$M" "$T/o/fixed.onnx" \
		    --shape x=2,5,4 --shape m=2,5 >"$T/ort" 2>&1 && ok ||
		    { bad "ORT outputs differ"; head -3 "$T/ort"; }
	fi
else
	bad "fix --input-shape failed"
	head -5 "$T/got"
fi

# --dim-param alone; the notes say what changed
"$ONNXFIX" fix --dry-run --dim-param batch=1 "$M" >"$T/got" 2>&1
grep -c "note F401: fixed the dims of a graph input: input '[xm]': float\[batch,seq.*\] -> float\[1,seq" \
    "$T/got" | grep -q '^2$' && ok || bad "--dim-param batch=1 notes"

# the weight is never read: without its file, no S293
rm "$T/m/w.bin"
"$ONNXFIX" fix --dry-run --input-shape x=2,5,4 "$M" >"$T/got" 2>&1
[ $? -eq 0 ] && ! grep -q S293 "$T/got" && ok ||
    bad "the external weight was read"
echo "input-shape: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
