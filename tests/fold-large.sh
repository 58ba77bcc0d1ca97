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

for m in "$T"/*.onnx; do
	n=$(basename "$m" .onnx)
	if ! "$ONNXFIX" fix -q -o "$T/$n.fix" "$m" >"$T/$n.err" 2>&1; then
		bad "$n: fix failed: $(head -n 1 "$T/$n.err")"
		continue
	fi
	ok
	if "$PY" tests/fold_large/gen.py --verify "$m" "$T/$n.fix" \
	    >"$T/v" 2>&1; then ok; else bad "$(head -n 1 "$T/v")"; fi
	"$ONNXFIX" fix -q -o "$T/$n.fix2" "$T/$n.fix" >/dev/null 2>&1
	if cmp -s "$T/$n.fix" "$T/$n.fix2"; then ok; else
		bad "$n: fix is not idempotent"
	fi
	if [ $oracle -eq 1 ]; then
		if node tests/ort/oracle.js compare --plain "$m" "$T/$n.fix" \
		    >"$T/cmp" 2>&1; then ok; else
			bad "$n: ORT outputs differ: $(head -n 1 "$T/cmp")"
		fi
	fi
done
want="onnxfix: $T/shared.onnx: node 0 (Reshape): warning F392: constant expression not folded: the result would exceed the size limit: 'Wr' = float[300,1000] would take more than 1048576 bytes beside its input 'W', which other nodes read too"
if [ "$(cat "$T/shared.err")" = "$want" ]; then ok; else
	bad "shared: the warning is not the one expected"
	sed 's/^/  got | /' "$T/shared.err" | head -n 3
fi

# fold's elementwise kernels on operands that broadcast every way
# (tests/fold_kernels/gen.py): each result equal to numpy's byte for
# byte, fix idempotent, ORT's outputs unchanged.
k="$T/kernels"
if ! "$PY" tests/fold_kernels/gen.py "$k.onnx" >"$T/gen.log" 2>&1; then
	bad "tests/fold_kernels/gen.py failed: $(head -n 1 "$T/gen.log")"
elif ! "$ONNXFIX" fix -q -o "$k.fix" "$k.onnx" >"$k.err" 2>&1; then
	bad "kernels: fix failed: $(head -n 1 "$k.err")"
else
	ok
	if "$PY" tests/fold_kernels/gen.py --verify "$k.onnx" "$k.fix" \
	    >"$T/v" 2>&1; then ok; else
		bad "kernels: $(wc -l <"$T/v") failures"
		sed 's/^/  | /' "$T/v" | head -n 5
	fi
	"$ONNXFIX" fix -q -o "$k.fix2" "$k.fix" >/dev/null 2>&1
	cmp -s "$k.fix" "$k.fix2" && ok || bad "kernels: fix is not idempotent"
	if [ $oracle -eq 1 ]; then
		if node tests/ort/oracle.js compare --plain "$k.onnx" "$k.fix" \
		    >"$T/cmp" 2>&1; then ok; else
			bad "kernels: ORT outputs differ: $(head -n 1 "$T/cmp")"
		fi
	fi
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
		n=$(basename "$k" .onnx)
		if ! "$ONNXFIX" fix -q -o "$k.fix" "$k" >"$k.err" 2>&1; then
			bad "$n: fix failed: $(head -n 1 "$k.err")"
			continue
		fi
		ok
		if "$PY" tests/fold_kernels/num.py --verify "$k" "$k.fix" \
		    >"$T/v" 2>&1; then ok; else
			bad "$n: $(wc -l <"$T/v") failures"
			sed 's/^/  | /' "$T/v" | head -n 5
		fi
		"$ONNXFIX" fix -q -o "$k.fix2" "$k.fix" >/dev/null 2>&1
		cmp -s "$k.fix" "$k.fix2" && ok ||
		    bad "$n: fix is not idempotent"
		if [ $oracle -eq 1 ]; then
			if node tests/ort/oracle.js compare --plain "$k" \
			    "$k.fix" >"$T/cmp" 2>&1; then ok; else
				bad "$n: ORT outputs differ: $(grep -v ' equal' \
				    "$T/cmp" | head -n 1)"
			fi
		fi
	done
fi
echo "fold-large: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
