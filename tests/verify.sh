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
#  4. Models whose weights are external data (generated now by
#     tests/gen_ext_models.py): fix folds them as it folds the inline copy.
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

# 4. External data: models generated now (tests/gen_ext_models.py, with
#    python3-onnx) whose weights are in a file beside the model.  fix reads
#    them as it reads inline ones: every BatchNormalization folded, the
#    constants folded, the output byte for byte the one of the inline
#    copy and equal to the original in ORT; a data file that is missing
#    is fatal (L140) and says which reads failed (S293); a read past the
#    memory budget is a warning (S293), the node left as it was; tensors
#    read but not changed are written as before (references kept).
notes() {	# notes CODE FILE: how many CODE diagnostics FILE holds
	grep -c " $1: " "$2"
}
if [ $py_ok -eq 1 ]; then
	x=$tmp/ext
	if ! "$PY" tests/gen_ext_models.py "$x" >"$tmp/gen.out" 2>&1; then
		bad "external data: tests/gen_ext_models.py failed:" \
		    "$(tail -n 1 "$tmp/gen.out")"
	else
		$ONNXFIX fix -o "$x/inline/o.onnx" "$x/inline/m.onnx" \
		    >"$tmp/in.out" 2>&1
		if $ONNXFIX fix -o "$x/ext/o.onnx" "$x/ext/m.onnx" \
		    >"$tmp/ex.out" 2>&1; then ok; else
			bad "external data: fix failed:" \
			    "$(head -n 1 "$tmp/ex.out")"
		fi
		[ "$(notes F350 "$tmp/ex.out")" -eq 3 ] &&
		    [ "$(notes F391 "$tmp/ex.out")" -eq 1 ] &&
		    [ "$(notes F351 "$tmp/ex.out")" -eq 0 ] &&
		    [ "$(notes S293 "$tmp/ex.out")" -eq 0 ] && ok ||
		    bad "external data: not every BatchNormalization and" \
		    "constant folded: $(grep -v F302 "$tmp/ex.out" | head -n 3)"
		"$PY" -c 'import sys, onnx
m = onnx.load(sys.argv[1])
sys.exit(any(n.op_type == "BatchNormalization" for n in m.graph.node))' \
		    "$x/ext/o.onnx" && ok ||
		    bad "external data: BatchNormalization left in the output"
		cmp -s "$x/inline/o.onnx" "$x/ext/o.onnx" && ok ||
		    bad "external data: fix output differs from the" \
		    "inline copy's"
		# ORT refuses a Reshape shape in external data: the original is
		# compared as the inline copy.
		$ORACLE compare "$x/inline/m.onnx" "$x/ext/o.onnx" \
		    >"$tmp/cmp.out" 2>&1 && ok ||
		    bad "external data: fixed model differs in ORT:" \
		    "$(cat "$tmp/cmp.out")"
		mkdir -p "$x/xd"
		$ONNXFIX fix -q --external-data d.bin -o "$x/xd/o.onnx" \
		    "$x/ext/m.onnx" >"$tmp/xd.out" 2>&1 &&
		    $ORACLE compare "$x/inline/m.onnx" "$x/xd/o.onnx" \
		    >"$tmp/cmp.out" 2>&1 && ok ||
		    bad "external data: --external-data output differs in" \
		    "ORT: $(cat "$tmp/xd.out" "$tmp/cmp.out" | head -n 2)"
		# past the budget: a warning, the node stays, the data is
		# still copied into the output by range
		$ONNXFIX fix --mem-budget 2M -o "$x/big/o.onnx" \
		    "$x/big/m.onnx" >"$tmp/big.out" 2>&1
		[ $? -eq 0 ] && [ "$(notes S293 "$tmp/big.out")" -eq 1 ] &&
		    grep -q "warning S293: .*'w', needed by bn-fold: .*budget" \
		    "$tmp/big.out" && ok ||
		    bad "external data: a read past the budget is not S293:" \
		    "$(head -n 2 "$tmp/big.out")"
		$ORACLE compare "$x/big/m.onnx" "$x/big/o.onnx" \
		    >"$tmp/cmp.out" 2>&1 && ok ||
		    bad "external data: budget case differs in ORT:" \
		    "$(cat "$tmp/cmp.out")"
		# read, not changed, references kept: still the same ranges
		mkdir -p "$x/kept"
		$ONNXFIX fix -q -o "$x/kept/o.onnx" "$x/keep/m.onnx" \
		    >"$tmp/keep.out" 2>&1 &&
		    cmp -s "$x/keep/w.bin" "$x/kept/w.bin" &&
		    "$PY" -c 'import sys, onnx
a = onnx.load(sys.argv[1], load_external_data=False).graph.initializer
b = onnx.load(sys.argv[2], load_external_data=False).graph.initializer
sys.exit([(t.name, t.data_location, t.external_data) for t in a] !=
         [(t.name, t.data_location, t.external_data) for t in b])' \
		    "$x/keep/m.onnx" "$x/kept/o.onnx" && ok ||
		    bad "external data: tensors read by a pass not written" \
		    "as they were: $(head -n 1 "$tmp/keep.out")"
		# the data file missing: the existing fatal error
		rm "$x/ext/w.bin"
		$ONNXFIX fix -o "$x/ext/o2.onnx" "$x/ext/m.onnx" \
		    >"$tmp/gone.out" 2>&1
		[ $? -eq 2 ] && grep -q 'fatal L140: ' "$tmp/gone.out" &&
		    grep -q 'warning S293: ' "$tmp/gone.out" &&
		    [ ! -e "$x/ext/o2.onnx" ] && ok ||
		    bad "external data: a missing data file is not L140:" \
		    "$(head -n 2 "$tmp/gone.out")"
	fi
else
	echo "verify: external data cases skipped (no python3 with onnx)"
fi

echo "verify: $pass passed, $fail failed"
[ $fail -eq 0 ]
