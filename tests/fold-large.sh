#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fold on weights larger than its 1 MiB limit that pass through
# Transpose, Reshape, Flatten, Squeeze or Unsqueeze (the models of
# tests/fold_large/gen.py, as exporters write them with constant folding
# off).  For every case:
#  - fix exits 0, and what the case expects folded is an initializer
#    equal byte for byte to numpy's result (gen.py --verify), with only
#    the nodes it expects left;
#  - fix of fix's output is byte-identical;
#  - ONNX Runtime gives the original's outputs (when the oracle is
#    installed: sh tools/setup.sh --test).
# A weight other nodes read too stays, with the one warning F392 that
# says so.  Then fold's elementwise kernels on operands that broadcast
# every way (tests/fold_kernels/gen.py), checked the same way.  Last
# line: "fold-large: N passed, M failed".
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

if ! "$PY" -c 'import onnx, numpy' 2>/dev/null; then
	echo "fold-large: python3-onnx missing (sh tools/setup.sh --test)"
	echo "fold-large: 0 passed, 0 failed"
	exit 0
fi
if ! "$PY" tests/fold_large/gen.py "$T" >"$T/gen.log" 2>&1; then
	bad "tests/fold_large/gen.py failed: $(head -n 1 "$T/gen.log")"
	echo "fold-large: $pass passed, $fail failed"
	exit 1
fi
oracle=0
[ -d tests/ort/node_modules/onnxruntime-node ] && oracle=1

# check NAME MODEL GENERATOR: fix exits 0; GENERATOR --verify MODEL
# MODEL.fix passes; fix of fix's output is byte-identical; ORT's
# outputs are unchanged (MODEL.err holds fix's messages).
check() {
	if ! "$ONNXFIX" fix -q -o "$2.fix" "$2" >"$2.err" 2>&1; then
		bad "$1: fix failed: $(head -n 1 "$2.err")"
		return
	fi
	ok
	if "$PY" "$3" --verify "$2" "$2.fix" >"$T/v" 2>&1; then ok; else
		bad "$1: $(wc -l <"$T/v") failures"
		sed 's/^/  | /' "$T/v" | head -n 5
	fi
	"$ONNXFIX" fix -q -o "$2.fix2" "$2.fix" >/dev/null 2>&1
	cmp -s "$2.fix" "$2.fix2" && ok || bad "$1: fix is not idempotent"
	if [ $oracle -eq 1 ]; then
		if node tests/ort/oracle.js compare --plain "$2" "$2.fix" \
		    >"$T/cmp" 2>&1; then ok; else
			bad "$1: ORT outputs differ: $(grep -v ' equal' \
			    "$T/cmp" | head -n 1)"
		fi
	fi
}

for m in "$T"/*.onnx; do
	check "$(basename "$m" .onnx)" "$m" tests/fold_large/gen.py
done
want="onnxfix: $T/shared.onnx: node 0 (Reshape): warning F392: constant expression not folded: the result would exceed the size limit: 'Wr' = float[300,1000] would take more than 1048576 bytes beside its input 'W', which other nodes read too"
if [ "$(cat "$T/shared.onnx.err")" = "$want" ]; then ok; else
	bad "shared: the warning is not the one expected"
	sed 's/^/  got | /' "$T/shared.onnx.err" | head -n 3
fi

# fold's elementwise kernels on operands that broadcast every way
# (tests/fold_kernels/gen.py): each result equal to numpy's byte for
# byte, fix idempotent, ORT's outputs unchanged.
if "$PY" tests/fold_kernels/gen.py "$T/kernels.onnx" >"$T/gen.log" 2>&1
then
	check kernels "$T/kernels.onnx" tests/fold_kernels/gen.py
else
	bad "tests/fold_kernels/gen.py failed: $(head -n 1 "$T/gen.log")"
fi

# fold's numeric kernels (tests/fold_kernels/num.py: MatMul, Gemm, Conv,
# the float reductions, Softmax, CumSum, the elementwise functions, at
# the opsets their forms need): each result within one float32 spacing
# of numpy's float64 one (the exact operators equal), fix idempotent,
# ORT's outputs unchanged within the oracle's tolerance.
if ! "$PY" tests/fold_kernels/num.py "$T/num" >"$T/gen.log" 2>&1; then
	bad "tests/fold_kernels/num.py failed: $(head -n 1 "$T/gen.log")"
else
	for k in "$T"/num/num*.onnx; do
		check "$(basename "$k" .onnx)" "$k" tests/fold_kernels/num.py
	done
fi
echo "fold-large: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
