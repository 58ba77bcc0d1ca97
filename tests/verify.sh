#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Numeric verification of `onnxfix fix` against ONNX Runtime (the oracle in
# tests/ort/oracle.js, installed by sh tools/setup.sh --test).
#
#  1. The oracle itself: every model with a NAME.ref file gives exactly
#     that output (ORT's reference sums of testdata/corpus/SOURCES.md).
#  2. Every model in testdata/corpus/ and testdata/verify/ is fixed and the
#     fixed model is run against the original on the same inputs: every
#     output equal within 1e-4 relative, 1e-5 absolute.  When outputs
#     differ, each rewrite pass is run alone to name the one that breaks.
#     A model that ORT cannot load is fixed too, and then both must fail
#     the same way unless its NAME.verify lines say the fix makes it load.
#  3. Each fixed model passes python3-onnx's check_model(full_check=True)
#     when the model's IR version and opsets are within what that onnx
#     knows.
#
# Per-model files beside NAME.onnx:
#   NAME.oracle   oracle options for every run (--shape, --zero)
#   NAME.ref      expected `oracle.js run --plain` output
#   NAME.verify   one case per line, "FIX-ARGS | ORACLE-ARGS [| loads]":
#                 onnxfix fix options and extra compare options (--perm-in,
#                 --perm-out); "loads" says the fixed model must load even
#                 when the original does not; "changes" says the fix
#                 changes the outputs on purpose (a repair): the fixed
#                 model's `oracle.js run --plain` output must then equal
#                 NAME.fixref.  Without the file: one case with no
#                 options.
# Last line: "verify: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1

ONNXFIX=${ONNXFIX:-./onnxfix}
ORACLE="node tests/ort/oracle.js"
PY=/usr/bin/python3
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v node >/dev/null 2>&1 ||
    [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
	bad "ONNX Runtime oracle is not installed (run sh tools/setup.sh --test)"
	echo "verify: $pass passed, $fail failed"
	exit 1
fi

# Can python3-onnx check this model?  (IR <= 8 and default opset <= 17 for
# onnx 1.12; other domains are left to the checker.)
py_ok=0
if [ -x "$PY" ] && "$PY" -c 'import onnx' 2>/dev/null; then
	py_ok=1
fi

full_check() {	# full_check FILE WHAT
	[ $py_ok -eq 1 ] || return 0
	"$PY" - "$1" >"$tmp/py.out" 2>&1 <<'EOF'
import sys, onnx
m = onnx.load(sys.argv[1])
v = {o.domain or "ai.onnx": o.version for o in m.opset_import}
if m.ir_version > onnx.IR_VERSION or v.get("ai.onnx", 0) > \
        onnx.defs.onnx_opset_version():
    print("skipped: newer than onnx " + onnx.__version__)
    sys.exit(0)
onnx.checker.check_model(m, full_check=True)
print("ok")
EOF
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$2: check_model(full_check=True) rejects the fixed model:" \
		    "$(tail -n 1 "$tmp/py.out")"
	else
		ok
	fi
}

# 1. The oracle reproduces the reference outputs.
for ref in testdata/*/*.ref; do
	[ -e "$ref" ] || continue
	model=${ref%.ref}.onnx
	args=""
	[ -r "${ref%.ref}.oracle" ] && args=$(cat "${ref%.ref}.oracle")
	# shellcheck disable=SC2086
	$ORACLE run --plain $args "$model" >"$tmp/run.out" 2>&1
	if cmp -s "$tmp/run.out" "$ref"; then
		ok
	else
		bad "$model: ORT output differs from $ref"
		diff "$ref" "$tmp/run.out" | sed 's/^/  /'
	fi
done

passes=$($ONNXFIX passes | awk '$2 == "fix" { print $1 }')

# 2. and 3. Fix and compare.
case_no=0
verify_case() {	# verify_case MODEL FIXARGS ORACLEARGS MUSTLOAD
	model=$1
	base=$(basename "$model" .onnx)
	case_no=$((case_no + 1))
	what="$model${2:+ (fix $2)}"
	fixed="$tmp/$base.$case_no.onnx"
	common=""
	[ -r "${model%.onnx}.oracle" ] && common=$(cat "${model%.onnx}.oracle")
	# shellcheck disable=SC2086
	if ! $ONNXFIX fix -q $2 -o "$fixed" "$model" >"$tmp/fix.out" 2>&1; then
		bad "$what: onnxfix fix failed: $(head -n 1 "$tmp/fix.out")"
		return
	fi
	if [ "$4" = changes ]; then
		# shellcheck disable=SC2086
		$ORACLE run --plain $common "$fixed" >"$tmp/run.out" 2>&1
		if cmp -s "$tmp/run.out" "${model%.onnx}.fixref"; then
			ok
		else
			bad "$what: fixed model's output differs from" \
			    "${model%.onnx}.fixref"
			diff "${model%.onnx}.fixref" "$tmp/run.out" |
			    sed 's/^/  /'
		fi
		return
	fi
	# shellcheck disable=SC2086
	$ORACLE compare $common $3 "$model" "$fixed" >"$tmp/cmp.out" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && grep -q "^oracle: $model: does not" "$tmp/cmp.out"
	then
		# The original does not load or run in ORT.
		if [ "$4" = loads ]; then
			# shellcheck disable=SC2086
			if $ORACLE run $common "$fixed" >"$tmp/run.out" 2>&1
			then
				ok
			else
				bad "$what: fixed model does not run in ORT:" \
				    "$(head -n 1 "$tmp/run.out")"
			fi
		else
			ok
		fi
	elif [ $rc -ne 0 ]; then
		bad "$what: fixed model differs from the original in ORT:"
		sed 's/^/  /' "$tmp/cmp.out"
		for p in $passes; do
			# shellcheck disable=SC2086
			$ONNXFIX fix -q $2 --passes "$p" -o "$tmp/one.onnx" \
			    "$model" >/dev/null 2>&1 || continue
			# shellcheck disable=SC2086
			$ORACLE compare $common $3 "$model" "$tmp/one.onnx" \
			    >/dev/null 2>&1 ||
			    echo "  pass $p alone changes the outputs"
		done
		return
	else
		ok
	fi
	full_check "$fixed" "$what"
}

for model in testdata/corpus/*.onnx testdata/verify/*.onnx; do
	[ -e "$model" ] || continue
	spec=${model%.onnx}.verify
	if [ ! -r "$spec" ]; then
		verify_case "$model" "" "" ""
		continue
	fi
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in ''|'#'*) continue ;; esac
		fixargs=$(printf '%s' "$line" | cut -d'|' -f1)
		orargs=$(printf '%s' "$line" | cut -s -d'|' -f2)
		loads=$(printf '%s' "$line" | cut -s -d'|' -f3 | tr -d ' ')
		verify_case "$model" "$(echo $fixargs)" "$(echo $orargs)" \
		    "$loads" </dev/null
	done <"$spec"
done

echo "verify: $pass passed, $fail failed"
[ $fail -eq 0 ]
