#!/bin/sh
# SPDX-License-Identifier: MIT
#
# CLI tests: every exit status, malformed inputs (empty file, truncated
# model, HTML renamed .onnx, directory, missing path, FIFO), writing to
# /dev/full, atomic output, the one-line error contract, and the main
# jobs (check, fix, dot, info) on real models.  Runs under a 256 KiB stack
# to prove that no input drives recursion.
set -u
ONNXFIX=${ONNXFIX:-./onnxfix}
CORPUS=testdata/corpus
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME WANT_STATUS ARGS... : stdout in $T/out, stderr in $T/err
run() {
	name=$1 want=$2
	shift 2
	( ulimit -s 256 2>/dev/null; exec $ONNXFIX "$@" ) >"$T/out" 2>"$T/err" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$name: exit $got, want $want"; sed 's/^/  | /' "$T/err" | head -5
	fi
}

# one_line NAME PATTERN: stderr is exactly one line matching PATTERN
one_line() {
	n=$(wc -l <"$T/err")
	if [ "$n" -eq 1 ] && grep -q -- "$2" "$T/err"; then ok; else
		bad "$1: stderr is not one line matching '$2'"; sed 's/^/  | /' "$T/err" | head -5
	fi
}

# --- usage and help --------------------------------------------------------
run "no args" 64
run "bad command" 64 frobnicate
run "version" 0 --version
grep -q '^onnxfix [0-9]' "$T/out" && ok || bad "version output"
run "help" 0 --help
for c in check fix dot diff info passes explain; do
	run "$c -h" 0 "$c" -h
	grep -q "^usage: onnxfix $c" "$T/out" && ok || bad "$c -h output"
done
run "check no model" 64 check
run "fix no output" 64 fix "$CORPUS/bn_small.onnx"
run "unknown pass" 64 fix --passes nosuch -o "$T/x.onnx" "$CORPUS/bn_small.onnx"
run "bad fail-on" 64 check --fail-on sometimes "$CORPUS/bn_small.onnx"
run "bad dot type" 64 dot -T gif "$CORPUS/bn_small.onnx"
run "opset out of range" 64 fix --opset 99 -o "$T/op99.onnx" "$CORPUS/bn_small.onnx"
run "opset not a number" 64 fix --opset 1x -o "$T/op1x.onnx" "$CORPUS/bn_small.onnx"
run "diff bad picture type" 64 diff -T gif "$CORPUS/bn_small.onnx" "$CORPUS/bn_small.onnx"
run "explain" 0 explain S211
grep -q '^S211 error: ' "$T/out" && ok || bad "explain output"
run "explain unknown" 64 explain Z999

# --- clean models ----------------------------------------------------------
for f in "$CORPUS"/*.onnx; do
	run "check $f" 0 check "$f"
	[ -s "$T/err" ] && bad "check $f: stderr not empty" || ok
done
run "check several" 0 check "$CORPUS/bn_small.onnx" "$CORPUS/paddleocr_cls.onnx"
run "info" 0 info "$CORPUS/silero_vad_legacy.onnx"
grep -q '^ir_version: ' "$T/out" && grep -q '^operators:' "$T/out" && ok || bad "info output"
run "passes" 0 passes
grep -q '^toposort ' "$T/out" && ok || bad "passes output"

# --- fix: output equals input when nothing changes, and is atomic ---------
run "fix noop" 0 fix -o "$T/small.onnx" "$CORPUS/bn_small.onnx"
[ -s "$T/small.onnx" ] && ok || bad "fix wrote nothing"
run "fix again" 0 fix -o "$T/small2.onnx" "$T/small.onnx"
cmp -s "$T/small.onnx" "$T/small2.onnx" && ok || bad "fix not idempotent"
run "fix same output" 4 fix -o "$CORPUS/bn_small.onnx" "$CORPUS/bn_small.onnx"
one_line "fix same output" 'O101'
run "fix dry-run" 0 fix --dry-run "$CORPUS/bn_small.onnx"
run "fix with dot" 0 fix -o "$T/p.onnx" --dot "$T/p.dot" "$CORPUS/paddleocr_cls.onnx"
[ -s "$T/p.dot" ] && ok || bad "fix --dot wrote nothing"
run "fix to /dev/full" 4 fix -o /dev/full "$CORPUS/bn_small.onnx"
one_line "/dev/full" 'O100'
mkdir "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	run "fix to read-only dir" 4 fix -o "$T/ro/x.onnx" "$CORPUS/bn_small.onnx"
	[ -e "$T/ro/x.onnx" ] && bad "partial output in read-only dir" || ok
fi
run "fix to missing dir" 4 fix -o "$T/nodir/x.onnx" "$CORPUS/bn_small.onnx"
one_line "missing dir" 'O100'
# Over an existing output: the new model replaces it (exchanged, then
# the old one unlinked), a hard link to the old file keeps the old
# bytes, the mode stays, and no temporary file is left.
mkdir "$T/over" && cp "$CORPUS/paddleocr_cls.onnx" "$T/over/x.onnx" &&
    chmod 640 "$T/over/x.onnx" && ln "$T/over/x.onnx" "$T/over/old.onnx"
run "fix over an existing file" 0 fix -o "$T/over/x.onnx" "$CORPUS/bn_small.onnx"
cmp -s "$T/over/x.onnx" "$T/small.onnx" && ok || bad "overwrite: not the new model"
cmp -s "$T/over/old.onnx" "$CORPUS/paddleocr_cls.onnx" && ok ||
    bad "overwrite: the old file's other link changed"
[ "$(stat -c %a "$T/over/x.onnx")" = 640 ] && ok || bad "overwrite: mode not kept"
[ "$(ls -a "$T/over" | grep -c '^\.onnxfix\.')" -eq 0 ] && ok ||
    bad "overwrite: temporary file left behind"
run "fix --sync over an existing file" 0 fix --sync -o "$T/over/x.onnx" "$T/over/old.onnx"
run "fix to a new file" 0 fix -o "$T/over/new.onnx" "$T/over/old.onnx"
cmp -s "$T/over/x.onnx" "$T/over/new.onnx" && ok || bad "--sync overwrite"
ls -a "$T" | grep -q '^\.onnxfix\.' && bad "temporary file left behind" || ok
# Spans are copied by the kernel (copy_file_range); to another kind of
# file system it refuses (EXDEV) and the writer writes them from the
# mapping instead: the same bytes, a changed model and an unchanged one.
S=/dev/shm
if [ -d "$S" ] && [ -w "$S" ] &&
    [ "$(stat -f -c %T "$S")" != "$(stat -f -c %T "$T")" ]; then
	run "fix, spans by the kernel" 0 fix -o "$T/xd1.onnx" \
	    "$CORPUS/paddleocr_cls.onnx"
	run "fix to another file system" 0 fix -o "$S/onnxfix-xd.$$.onnx" \
	    "$CORPUS/paddleocr_cls.onnx"
	cmp -s "$T/xd1.onnx" "$S/onnxfix-xd.$$.onnx" && ok ||
	    bad "another file system: not the same bytes"
	run "fix unchanged, to another file system" 0 fix \
	    -o "$S/onnxfix-xd.$$.onnx" "$T/xd1.onnx"
	cmp -s "$T/xd1.onnx" "$S/onnxfix-xd.$$.onnx" && ok ||
	    bad "another file system, unchanged: not the same bytes"
	rm -f "$S/onnxfix-xd.$$.onnx"
fi

# A finding fix's later rounds make again is reported once, although
# the node it is about has another index by then (custom_op: the
# BatchNormalization before it is folded away in the first round).
run "fix custom op" 0 fix -o "$T/custom.onnx" "$CORPUS/custom_op.onnx"
[ "$(grep -c 'warning C451' "$T/out" "$T/err" | awk -F: '{ s += $2 } END { print s }')" -eq 1 ] &&
    ok || bad "fix custom op: C451 reported more than once"

# --- an unsorted graph: check finds it, fix sorts it ----------------------
grep -v '^#' testdata/toposort/unsorted.textproto |
    protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto \
    >"$T/unsorted.onnx"
run "check unsorted" 1 check "$T/unsorted.onnx"
grep -q 'error S211' "$T/out" && ok || bad "unsorted: no S211"
run "fix unsorted" 0 fix -o "$T/sorted.onnx" "$T/unsorted.onnx"
grep -q 'note F300' "$T/out" && ok || bad "fix unsorted: no F300 note"
run "check sorted" 0 check "$T/sorted.onnx"
run "fail-on never" 0 check --fail-on never "$T/unsorted.onnx"

# --- malformed inputs: exit 2 (or 4 for I/O), one line on stderr ----------
: >"$T/empty.onnx"
run "empty file" 2 check "$T/empty.onnx"
one_line "empty file" 'fatal L102'
printf '<!DOCTYPE html>\n<html><body>Not Found</body></html>\n' >"$T/page.onnx"
run "html" 2 check "$T/page.onnx"
one_line "html" 'fatal L122: .*text'
run "directory" 4 info "$CORPUS"
one_line "directory" 'fatal L101: .*directory'
run "missing" 4 check "$T/nonexistent.onnx"
one_line "missing" 'fatal L100'
mkfifo "$T/fifo.onnx"
run "fifo" 4 check "$T/fifo.onnx"
one_line "fifo" 'fatal L101'
printf '\200\000' >"$T/field0.onnx"
run "field 0" 2 check "$T/field0.onnx"
one_line "field 0" 'fatal L11'
src="$CORPUS/silero_vad_legacy.onnx"
size=$(wc -c <"$src")
k=1
while [ $k -lt 16 ]; do
	head -c $((size * k / 16)) "$src" >"$T/trunc.onnx"
	( ulimit -s 256 2>/dev/null; exec $ONNXFIX check "$T/trunc.onnx" ) >"$T/out" 2>"$T/err"
	got=$?
	case $got in
	0|1) ok ;;	# a prefix that ends on a field boundary is a model
	2) one_line "prefix $k/16" 'fatal L1' ;;
	*) bad "prefix $k/16: exit $got" ;;
	esac
	k=$((k + 1))
done
# Model text never starts a line and never reaches the terminal raw.
printf '\032\013\033[31m::error::x\n' >"$T/evil.onnx"
run "escape" 2 check "$T/evil.onnx"
if grep -q "$(printf '\033')" "$T/err" || grep -q '^::' "$T/err"; then
	bad "raw model bytes on stderr"; else ok; fi
# A file name with control bytes is escaped too.
cp "$CORPUS/bn_small.onnx" "$T/$(printf 'a\033b').onnx"
run "escaped name" 4 check "$T/$(printf 'a\033c').onnx"
grep -q "$(printf '\033')" "$T/err" && bad "raw ESC from file name" || ok

# --- BatchNormalization conventions -----------------------------------------
run "bad convention" 64 check --expect caffe "$CORPUS/bn_small.onnx"
run "bad bn-convention" 64 fix --bn-convention caffe -o "$T/x.onnx" \
    "$CORPUS/bn_small.onnx"
run "expect keras" 1 check --fail-on warning --expect onnx \
    "$CORPUS/bn_keras_like.onnx"
grep -q 'warning B600' "$T/out" && ok || bad "B600 under --expect onnx"
run "expect keras ok" 0 check --fail-on warning --expect keras \
    --select B "$CORPUS/bn_keras_like.onnx"
[ -s "$T/out" ] && bad "findings under --expect keras" || ok
run "bn fold" 0 fix -o "$T/bn.onnx" "$CORPUS/bn_small.onnx"
grep -c 'note F350' "$T/out" | grep -qx 2 && ok || bad "two F350 notes"
$ONNXFIX info "$T/bn.onnx" | grep -q BatchNormalization &&
    bad "BatchNormalization left after fix" || ok
# --- fix --map, --map-file (custom-ops) ---------------------------------------
CO="$CORPUS/custom_op.onnx"
run "map" 0 fix --map 'com.example::FastGelu=Gelu(approximate=tanh)' -o "$T/co.onnx" "$CO"
grep -q 'F371' "$T/out" && grep -q "F372.*'com.example'" "$T/out" && ok || bad "map notes"
run "map result" 0 info "$T/co.onnx"
grep -q 'com.example' "$T/out" && bad "custom op or import left" || ok
run "map, no mapping" 0 fix -o "$T/co2.onnx" "$CO"
grep -q 'warning C451' "$T/out" && ok || bad "C451 without a mapping"
for m in 'noequals' 'com.example::FastGelu=NoSuchOp' '::Relu=Gelu' \
    'com.example::FastGelu=Gelu(approximat=tanh)' \
    'com.example::FastGelu=Gelu(approximate=[1])' \
    'com.example::FastGelu=LeakyRelu(alpha=x)' \
    'com.example::FastGelu=Gelu(approximate=tanh' \
    'com.example::FastGelu=Gelu(approximate=tanh,approximate=none)'; do
	run "bad map $m" 64 fix --map "$m" -o "$T/x.onnx" "$CO"
	grep -q "^onnxfix: invalid mapping '" "$T/err" && ok || bad "bad map $m: message"
done
run "map twice" 64 fix --map 'a::B=Relu' --map 'a::B=Sigmoid' -o "$T/x.onnx" "$CO"
printf '# comment\n\na::B=Relu\nbroken line\n' >"$T/maps"
run "map file line" 64 fix --map-file "$T/maps" -o "$T/x.onnx" "$CO"
grep -q "(.*maps:4)" "$T/err" && ok || bad "map file line number"
run "map file missing" 4 fix --map-file "$T/nosuch" -o "$T/x.onnx" "$CO"
one_line "map file missing" 'cannot read map file'
# A mapping whose target does not fit the node stays, with C452.
run "map misfit" 0 fix --map 'com.example::FastGelu=Add' -o "$T/x.onnx" "$CO"
grep -q 'warning C452' "$T/out" && ok || bad "C452"

# --- dot -------------------------------------------------------------------
run "dot" 0 dot -o "$T/g.dot" "$CORPUS/silero_vad_legacy.onnx"
grep -q '^digraph' "$T/g.dot" && ok || bad "dot output"
run "dot svg" 0 dot -T svg -o "$T/g.svg" "$CORPUS/nhwc_transposes.onnx"
grep -q '<svg' "$T/g.svg" && ok || bad "svg output"
run "dot png" 0 dot -T png -o "$T/g.png" "$CORPUS/bn_small.onnx"
head -c 4 "$T/g.png" | grep -q 'PNG' && ok || bad "png output"
run "dot stdout" 0 dot "$CORPUS/bn_small.onnx"
grep -q '^digraph' "$T/out" && ok || bad "dot to stdout"
run "dot /dev/full" 4 dot -o /dev/full "$CORPUS/bn_small.onnx"

# --- layout Transposes: classes, removal, interface change, idempotence ----
NT="$CORPUS/nhwc_transposes.onnx"
run "layout check" 0 check --passes layout "$NT"
[ "$(grep -c 'note P500' "$T/out")" -eq 2 ] &&
    [ "$(grep -c 'warning P501' "$T/out")" -eq 2 ] && ok ||
    bad "layout: want 2 x P500 and 2 x P501"
run "transpose fix" 0 fix -o "$T/nt.onnx" "$NT"
run "transpose fix info" 0 info "$T/nt.onnx"
grep -Eq '^ +2  Transpose$' "$T/out" && ok || bad "fix: want 2 Transposes"
grep -q 'y_nhwc: float\[1,16,16,8\]' "$T/out" && ok ||
    bad "fix changed the interface"
run "transpose fix twice" 0 fix -o "$T/nt3.onnx" "$NT"
cmp -s "$T/nt.onnx" "$T/nt3.onnx" && ok || bad "transpose fix not deterministic"
run "transpose fix again" 0 fix -o "$T/nt2.onnx" "$T/nt.onnx"
grep -q 'F31[0-4]' "$T/out" && bad "transpose fix not idempotent" || ok
run "transpose nchw" 0 fix --inputs-layout nchw --outputs-layout nchw \
    -o "$T/ntc.onnx" "$NT"
run "transpose nchw info" 0 info "$T/ntc.onnx"
grep -q 'Transpose' "$T/out" && bad "nchw: Transposes left" || ok
grep -q 'x_nhwc: float\[1,3,16,16\]' "$T/out" &&
    grep -q 'y_nhwc: float\[1,8,16,16\]' "$T/out" && ok ||
    bad "nchw: interface shapes"
run "transpose no interface" 1 fix --inputs-layout nhwc -o "$T/noif.onnx" \
    "$CORPUS/bn_small.onnx"
grep -q 'error F318' "$T/out" && ok || bad "no F318 error"
[ ! -e "$T/noif.onnx" ] && ok || bad "F318: an output was written"
run "bad layout" 64 fix --inputs-layout nwhc -o "$T/x.onnx" "$NT"
# --- many models: directories, -j, one report, the worst status ----------
mkdir -p "$T/many/sub/deeper" "$T/many/.hidden" "$T/empty"
cp "$CORPUS/bn_small.onnx" "$T/many/b.onnx"
cp "$T/unsorted.onnx" "$T/many/a.onnx"
cp "$CORPUS/custom_op.onnx" "$T/many/sub/deeper/c.onnx"
cp "$CORPUS/bn_small.onnx" "$T/many/.hidden/h.onnx"
cp "$CORPUS/bn_small.onnx" "$T/many/notes.txt"
run "check dir" 1 check --format json "$T/many"
grep '"file"' "$T/out" | sed 's/.*"file": "//; s/".*//' | sed "s|^$T/||" \
    >"$T/files"
printf 'many/a.onnx\nmany/b.onnx\nmany/sub/deeper/c.onnx\n' |
    cmp -s - "$T/files" && ok || bad "check dir: models or order"
cp "$T/out" "$T/j1.json"
run "check dir -j 3" 1 check -j 3 --format json "$T/many"
cmp -s "$T/out" "$T/j1.json" && ok || bad "-j 3 report differs from -j 1"
run "check -j worst" 2 check -j 2 "$T/many" "$T/empty.onnx" "$CORPUS/bn_small.onnx"
grep -q 'error S211' "$T/out" && ok || bad "-j: findings of a.onnx missing"
one_line "-j fatal" 'fatal L102'
run "check -j text order" 1 check -j 4 --fail-on note "$T/many/b.onnx" "$T/unsorted.onnx" "$T/many/b.onnx" "$T/many/a.onnx"
[ "$(grep -c ' S211: ' "$T/out")" -eq 2 ] && ok || bad "-j text: S211 twice"
for f in text sarif github; do
	run "check $f j1" 1 check --format $f "$T/many" "$T/unsorted.onnx"
	cp "$T/out" "$T/j1.$f"
	run "check $f j2" 1 check -j 2 --format $f "$T/many" "$T/unsorted.onnx"
	cmp -s "$T/out" "$T/j1.$f" && ok || bad "-j 2 $f report differs"
done
run "check empty dir" 2 check "$T/empty"
one_line "empty dir" 'no \*.onnx models found'
run "bad -j" 64 check -j 0 "$CORPUS/bn_small.onnx"
# Progress goes to a terminal only: none here (stderr is a file), none
# in machine formats even when forced.  ONNXFIX_PROGRESS_DELAY=0 shows it
# from the start instead of after a second.
export ONNXFIX_PROGRESS_DELAY=0
run "no progress" 0 check -j 2 "$CORPUS"
[ -s "$T/err" ] && bad "progress without a terminal" || ok
run "no progress json" 0 check --progress --format json "$CORPUS"
[ -s "$T/err" ] && bad "progress in json output" || ok
run "no-progress" 0 fix --no-progress -o "$T/np.onnx" "$CORPUS/paddleocr_cls.onnx"
[ -s "$T/err" ] && bad "fix --no-progress wrote to stderr" || ok
# Forced: "onnxfix: checked 1/N models (P%)" lines redrawn in place, the
# line cleared at the end, the report itself unchanged.
nmodels=$(ls "$CORPUS"/*.onnx | wc -l)
run "progress forced" 0 check -j 2 --progress "$CORPUS"
grep -q "onnxfix: checked 1/$nmodels models (" "$T/err" && ok ||
    bad "check --progress: no progress line"
[ "$(tail -c 4 "$T/err" | od -An -c | tr -d ' ')" = '\r033[K' ] && ok ||
    bad "check --progress: line not cleared at the end"
[ "$(tr '\r' '\n' <"$T/err" | grep -cv -e '^onnxfix: checked' -e '^.\[K$' -e '^$')" -eq 0 ] &&
    ok || bad "check --progress: other text on stderr"
cp "$T/out" "$T/prog.out"
run "progress report" 0 check -j 2 "$CORPUS"
cmp -s "$T/out" "$T/prog.out" && ok || bad "progress changed the report"
run "fix progress forced" 0 fix --progress -o "$T/pg.onnx" "$CORPUS/paddleocr_cls.onnx"
grep -q 'onnxfix: writing [0-9]*/[0-9]* MiB' "$T/err" && ok ||
    bad "fix --progress: no progress line"
# On a terminal (script(1) gives one) it is on by default.
if command -v script >/dev/null 2>&1; then
	script -qec "$ONNXFIX check -q $CORPUS" /dev/null >"$T/tty" 2>&1
	grep -q 'onnxfix: checked 1/' "$T/tty" && ok || bad "no progress on a terminal"
	script -qec "$ONNXFIX check -q --no-progress $CORPUS" /dev/null >"$T/tty" 2>&1
	grep -q 'onnxfix: checked' "$T/tty" && bad "--no-progress on a terminal" || ok
fi
unset ONNXFIX_PROGRESS_DELAY
# A worker that dies (killed by the kernel, a crash) is reported as such,
# status 70, and the other models are still checked and reported in
# order; build/tests/die_on_open.so kills a worker that opens one file.
SHIM=$(pwd)/build/tests/die_on_open.so
if [ -f "$SHIM" ] && [ -z "${ONNXFIX_RUNNER:-}" ]; then
	mkdir -p "$T/die"
	cp "$CORPUS/bn_small.onnx" "$T/die/a.onnx"
	cp "$CORPUS/bn_small.onnx" "$T/die/dies.onnx"
	cp "$CORPUS/custom_op.onnx" "$T/die/z.onnx"
	# (with -j 1 the models are checked in the one process: no workers)
	for j in 2 3; do
		DIE_ON_OPEN=dies.onnx LD_PRELOAD=$SHIM \
		    ASAN_OPTIONS=verify_asan_link_order=0 \
		    run "worker dies -j $j" 70 check -j $j --format json "$T/die"
		/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
st = [(m["file"].rsplit("/", 1)[1], m["status"]) for m in d["models"]]
assert st == [("a.onnx", 0), ("dies.onnx", 70), ("z.onnx", 0)], st
assert any(f["code"] == "C400" for f in d["models"][2]["findings"])
' "$T/out" && ok || bad "worker dies -j $j: report"
		grep -q "dies.onnx: the worker checking it died" "$T/err" && ok ||
		    bad "worker dies -j $j: no message"
	done
elif [ -z "${ONNXFIX_RUNNER:-}" ]; then
	bad "build/tests/die_on_open.so not built"
fi

# --- large payloads: written from the input's spans, same bytes as the
# --- in-memory encoder (stdout) -------------------------------------------
for f in paddleocr_cls silero_vad_legacy silero_vad_op18_ifless; do
	run "fix $f" 0 fix -q -o "$T/$f.onnx" "$CORPUS/$f.onnx"
	run "fix $f stdout" 0 fix -q -o - "$CORPUS/$f.onnx"
	cmp -s "$T/out" "$T/$f.onnx" && ok || bad "$f: streamed output differs"
	run "check $f fixed" 0 check "$T/$f.onnx"
done
# Every write cut short (build/tests/short_io.so: at most 777 bytes a
# call, writev's first piece only): the writer loops to the same bytes,
# whether a span is copied by the kernel, gathered with the messages
# around it or written to external data.
SHORT=$(pwd)/build/tests/short_io.so
if [ -f "$SHORT" ] && [ -z "${ONNXFIX_RUNNER:-}" ]; then
	for f in paddleocr_cls silero_vad_legacy nhwc_transposes; do
		for o in "" "--external-data $f.data --size-threshold 64"; do
			rm -rf "$T/si" && mkdir -p "$T/si/a" "$T/si/b" \
			    "$T/si/c"
			$ONNXFIX fix -q $o -o "$T/si/a/$f.onnx" \
			    "$CORPUS/$f.onnx"
			SHORT_IO=777 LD_PRELOAD=$SHORT \
			    ASAN_OPTIONS=verify_asan_link_order=0 \
			    run "fix $f $o, short writes" 0 fix -q $o \
			    -o "$T/si/b/$f.onnx" "$CORPUS/$f.onnx"
			diff -r "$T/si/a" "$T/si/b" >/dev/null && ok ||
			    bad "fix $f $o: short writes changed the output"
			# a kernel without MADV_POPULATE_READ: spans
			# copied by copy_file_range, cut short too
			NO_POPULATE=1 SHORT_IO=777 LD_PRELOAD=$SHORT \
			    ASAN_OPTIONS=verify_asan_link_order=0 \
			    run "fix $f $o, no populate" 0 fix -q $o \
			    -o "$T/si/c/$f.onnx" "$CORPUS/$f.onnx"
			diff -r "$T/si/a" "$T/si/c" >/dev/null && ok ||
			    bad "fix $f $o: without populate the output differs"
		done
	done
elif [ -z "${ONNXFIX_RUNNER:-}" ]; then
	bad "build/tests/short_io.so not built"
fi
# An input over 256 MiB: its weight written from the mapping a window at
# a time, the same bytes as the in-memory encoder's, at a peak RSS well
# under the input's size (tests/large_spans.py; python3-onnx from
# tools/setup.sh --test).
if [ -z "${ONNXFIX_RUNNER:-}" ] &&
    /usr/bin/python3 -c 'import onnx, numpy' 2>/dev/null; then
	mkdir -p "$T/ls"
	if /usr/bin/python3 tests/large_spans.py gen "$T/ls" &&
	    /usr/bin/python3 tests/large_spans.py check "$ONNXFIX" "$T/ls"
	then ok; else bad "large spans (tests/large_spans.py)"; fi
	rm -rf "$T/ls"
fi
# Graphviz is loaded when a picture is drawn: without it
# (build/tests/no_graphviz.so) check, fix and info work, and every
# picture fails with one O104 line, status 4 and no file, fix --dot
# before it writes the model.
NOGV=$(pwd)/build/tests/no_graphviz.so
if [ -f "$NOGV" ] && [ -z "${ONNXFIX_RUNNER:-}" ]; then
	m="$CORPUS/bn_small.onnx"
	for a in check info "fix -q -o $T/ngv/fixed.onnx"; do
		rm -rf "$T/ngv" && mkdir "$T/ngv"
		LD_PRELOAD=$NOGV run "no Graphviz: $a" 0 $a "$m"
	done
	for a in "dot -o $T/ngv/p.svg" "dot -o $T/ngv/p.dot" \
	    "dot -o $T/ngv/p.html" "diff -T svg -o $T/ngv/p.svg $m" \
	    "fix -q -o $T/ngv/fixed.onnx --dot $T/ngv/p.dot" \
	    "fix -q -o $T/ngv/fixed.onnx --dot-diff $T/ngv/p.svg"; do
		rm -rf "$T/ngv" && mkdir "$T/ngv"
		LD_PRELOAD=$NOGV run "no Graphviz: $a" 4 $a "$m"
		one_line "no Graphviz: $a" \
		    "fatal O104: cannot render graph: Graphviz (libgvc[.a-z0-9]*) could not be loaded: "
		[ -z "$(ls "$T/ngv")" ] && ok ||
		    bad "no Graphviz: $a wrote $(ls "$T/ngv")"
	done
elif [ -z "${ONNXFIX_RUNNER:-}" ]; then
	bad "build/tests/no_graphviz.so not built"
fi
# A model named - is read from standard input: the same findings and the
# same fixed bytes as from the file; empty or oversized input is fatal;
# --in-place needs a file.
"$ONNXFIX" check --format json "$CORPUS/nhwc_transposes.onnx" >"$T/f.json"
"$ONNXFIX" check --format json - <"$CORPUS/nhwc_transposes.onnx" >"$T/s.json"
sed 's/"file": "[^"]*"/"file": X/' "$T/f.json" >"$T/f2.json"
sed 's/"file": "[^"]*"/"file": X/' "$T/s.json" >"$T/s2.json"
cmp -s "$T/f2.json" "$T/s2.json" && grep -q '"file": "-"' "$T/s.json" && ok ||
    bad "check - differs from check FILE"
"$ONNXFIX" fix -q -o "$T/from-file.onnx" "$CORPUS/nhwc_transposes.onnx"
"$ONNXFIX" fix -q -o "$T/from-stdin.onnx" - <"$CORPUS/nhwc_transposes.onnx"
cmp -s "$T/from-file.onnx" "$T/from-stdin.onnx" && ok ||
    bad "fix - differs from fix FILE"
: >"$T/empty-in"
( exec "$ONNXFIX" check - <"$T/empty-in" ) >"$T/out" 2>"$T/err"
[ $? -eq 2 ] && grep -q '^onnxfix: -: fatal L102: input is empty$' "$T/err" &&
    ok || bad "check - of nothing"
( exec "$ONNXFIX" check --max-size 100 - <"$CORPUS/bn_small.onnx" ) >"$T/out" 2>"$T/err"
[ $? -eq 2 ] && grep -q 'fatal L103: .*more than 100 bytes on standard input' "$T/err" &&
    ok || bad "check - over --max-size"
( exec "$ONNXFIX" fix --in-place - <"$CORPUS/bn_small.onnx" ) >"$T/out" 2>"$T/err"
[ $? -eq 64 ] && [ ! -s "$T/out" ] && ok || bad "fix --in-place -"

# --sync: the same bytes, fsync'd before the rename (counted with strace
# where it is installed); without it no fsync, as cp
for f in paddleocr_cls bn_small; do
	run "fix --sync $f" 0 fix -q --sync -o "$T/$f.sync.onnx" "$CORPUS/$f.onnx"
	run "fix $f default" 0 fix -q -o "$T/$f.nosync.onnx" "$CORPUS/$f.onnx"
	cmp -s "$T/$f.sync.onnx" "$T/$f.nosync.onnx" && ok ||
	    bad "$f: --sync output differs"
	if command -v strace >/dev/null 2>&1; then
		strace -f -qq -e trace=fsync -o "$T/strace" "$ONNXFIX" fix -q \
		    --sync -o "$T/$f.sync.onnx" "$CORPUS/$f.onnx"
		[ "$(grep -c '^[0-9]* *fsync(' "$T/strace")" -ge 1 ] && ok ||
		    bad "$f: --sync did not fsync"
		strace -f -qq -e trace=fsync -o "$T/strace" "$ONNXFIX" fix -q \
		    -o "$T/$f.nosync.onnx" "$CORPUS/$f.onnx"
		grep -q 'fsync(' "$T/strace" && bad "$f: fsync without --sync" ||
		    ok
	fi
done
cp "$CORPUS/silero_vad_op18_ifless.onnx" "$T/inplace.onnx"
run "fix --in-place spans" 0 fix -q --in-place "$T/inplace.onnx"
cmp -s "$T/inplace.onnx" "$T/silero_vad_op18_ifless.onnx" && ok ||
    bad "--in-place with spans differs from -o"

# --- external data: a model that fits in one protobuf is written back
# --- with its weights inline; a location outside the model's directory
# --- is a finding in check and fatal in fix (tests/hostile has the rest)
mkdir -p "$T/x/in" "$T/x/out"
ext_model() {	# ext_model LOCATION > FILE
	protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto <<EOF
ir_version: 8
producer_name: "onnxfix-tests"
opset_import { version: 17 }
graph {
  name: "g"
  node { input: "X" input: "W" output: "Y" name: "add" op_type: "Add" }
  initializer {
    name: "W"
    dims: 4
    data_type: 1
    data_location: EXTERNAL
    external_data { key: "location" value: "$1" }
    external_data { key: "offset" value: "0" }
    external_data { key: "length" value: "16" }
  }
  input {
    name: "X"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: 4 } } } }
  }
  output {
    name: "Y"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: 4 } } } }
  }
}
EOF
}
ext_model w.bin >"$T/x/in/m.onnx"
ext_model ../outside.bin >"$T/x/in/bad.onnx"
printf '0123456789abcdef' >"$T/x/in/w.bin"
printf 'outside-the-dir!' >"$T/x/outside.bin"
run "check external" 0 check "$T/x/in/m.onnx"
run "fix external beside" 0 fix -q -o "$T/x/in/m2.onnx" "$T/x/in/m.onnx"
[ "$(ls "$T/x/in" | wc -l)" -eq 4 ] && ok || bad "fix beside wrote other files"
run "fix external elsewhere" 0 fix -q -o "$T/x/out/m.onnx" "$T/x/in/m.onnx"
protoc --proto_path=proto --decode=onnx.ModelProto onnx.proto \
    <"$T/x/out/m.onnx" >"$T/x/dec"
grep -q 'raw_data: "0123456789abcdef"' "$T/x/dec" &&
    ! grep -q EXTERNAL "$T/x/dec" && ok || bad "weights not inlined"
[ "$(ls "$T/x/out" | wc -l)" -eq 1 ] && ok || bad "fix elsewhere wrote more"
run "check external outside" 1 check "$T/x/in/bad.onnx"
run "fix external outside" 2 fix -q -o "$T/x/out/bad.onnx" "$T/x/in/bad.onnx"
[ -e "$T/x/out/bad.onnx" ] && bad "model written with outside data" || ok
grep -rq 'outside-the-dir' "$T/x/out" && bad "canary in output" || ok
rm "$T/x/in/w.bin"
run "fix external missing" 2 fix -q -o "$T/x/out/m3.onnx" "$T/x/in/m.onnx"
[ -e "$T/x/out/m3.onnx" ] && bad "model written without its data" || ok
ls -a "$T/x/out" | grep -q '^\.onnxfix\.' && bad "temporary file left" || ok

# --- fail closed: what cannot be honoured is an error -------------------
# Each line: STATUS<TAB>PATTERN (on stderr)<TAB>ARGS (@M a model with
# findings, @C a clean model, @T the scratch directory).
M=$CORPUS/nhwc_transposes.onnx
C=$CORPUS/bn_small.onnx
tab=$(printf '\t')
while IFS="$tab" read -r want pat args; do
	case $want in ''|'#'*) continue ;; esac
	set --
	for a in $args; do
		a=$(printf '%s' "$a" | sed "s#^@M\$#$M#; s#^@C\$#$C#; s#^@T#$T#")
		[ "$a" = "''" ] && a=""
		set -- "$@" "$a"
	done
	run "fail-closed: $args" "$want" "$@"
	if [ "$pat" != - ] && ! grep -q -- "$pat" "$T/err"; then
		bad "fail-closed: $args: stderr lacks '$pat'"
		sed 's/^/  | /' "$T/err" | head -3
	fi
done <<'EOF_CASES'
# 2. selectors and pass lists that name nothing valid for the command
64	no diagnostic code is or starts with 'S2111'; did you mean S211?	check --select S2111 @M
64	no diagnostic code is or starts with 'Z1'	check --select Z1 @M
64	an empty list selects nothing	check --select '' @M
64	an empty entry	check --select S2,,C4 @M
64	no diagnostic code is or starts with 'X9'	check --ignore X9 @M
64	'bn-fold' is a fix pass; check runs: structure	check --passes bn-fold @M
64	'structure' is a check pass; fix runs: custom-ops	fix --passes structure -o @T/fc.onnx @M
64	unknown pass 'transpse', did you mean transpose	fix --skip transpse -o @T/fc.onnx @M
64	'dce' is a fix pass	dot --passes dce @M
# 3. each command takes exactly its own options; no abbreviations
64	options are not abbreviated: did you mean --allow-hardlinks?	check --all @M
64	info writes text or json	info --format sarif @M
64	info does not take --bn-convention	info --bn-convention pytorch @M
64	info does not take -j	info -j 4 @M
64	unknown option --bogus (check takes: --help --quiet	check --bogus @M
64	fix does not take --target	fix --target ort-cpu -o @T/fc.onnx @M
64	diff does not take -q	diff -q @M @C
64	passes does not take --quiet (it takes: --help)	passes --quiet
64	dot does not take --fail-on	dot --fail-on note @M
64	--fail-on needs a value	check @M --fail-on
64	--dry-run takes no value	fix --dry-run=yes @M
# values are one of the valid ones, and the message lists them
64	bad level (one of: note, warning, error, never) 'warn'	check --fail-on warn @M
64	unknown target (one of: onnx, onnx@OPSET, ort-cpu	check --target trt @M
64	unknown format (one of: text, json, sarif, github) 'xml'	check --format xml @M
64	unknown output type (one of: dot, svg, png, html) 'gif'	dot -T gif @M
64	unknown layout (one of: nchw, nhwc) 'NHWC'	fix --inputs-layout NHWC -o @T/fc.onnx @M
64	bad size	check --max-size 99999999999G @M
# options that shape another need it
64	give --dot-diff FILE too	fix --collapse -o @T/fc.onnx @M
64	give --focus NAME too	dot --radius 2 @M
64	give --external-data FILE too	fix --size-threshold 4K -o @T/fc.onnx @M
# an option whose pass --passes or --skip leaves out would do nothing
64	--opset is carried out by the pass opset, which --skip leaves out	fix --skip opset --opset 11 -o @T/fc.onnx @M
64	--ir-version is carried out by the pass opset, which --passes leaves out	fix --passes fold --ir-version 8 -o @T/fc.onnx @M
64	--inference is carried out by the pass bn-normalize, which --passes leaves out	fix --passes fold,dce --inference -o @T/fc.onnx @M
64	--bn-convention is carried out by the pass bn-normalize, which --skip leaves out	fix --skip bn-normalize --bn-convention onnx -o @T/fc.onnx @M
64	--explicit-defaults is carried out by the pass explicit-defaults, which --passes leaves out	fix --passes none --explicit-defaults -o @T/fc.onnx @M
64	--pads split is carried out by the pass pads-split, which --skip leaves out	fix --skip pads-split --pads split -o @T/fc.onnx @M
64	--inputs-layout is carried out by the pass transpose, which --skip leaves out	fix --skip transpose --inputs-layout nchw -o @T/fc.onnx @M
64	--map is carried out by the pass custom-ops, which --passes leaves out	fix --passes fold --map a::B=Relu -o @T/fc.onnx @M
64	give -o FILE or --in-place, not both	fix --in-place -o @T/fc.onnx @T/copy.onnx
64	--dry-run writes nothing	fix --dry-run -o @T/fc.onnx @M
64	cannot both go to standard output	fix -o - --dot - @M
64	diff writes text or json	diff --format sarif @M @C
# a --focus name that is not there suggests the names containing it
4	names that contain it: '/Transpose', '/Transpose_1'	dot --focus Transpose @M
# explain: whole entries, prefixes, --list; unknown codes fail
64	unknown diagnostic code 'Q1'	explain S211 Q1
64	--list takes no code	explain --list S211
64	help takes one command name	help frob
EOF_CASES
[ -e "$T/fc.onnx" ] && bad "fail-closed: a refused fix wrote its output" || ok

# 1. fix -o -: the model alone on stdout, every message on stderr
"$ONNXFIX" fix -o - "$M" >"$T/stdout.onnx" 2>"$T/err"
[ $? -eq 0 ] && ok || bad "fix -o -: exit status"
grep -q 'note ' "$T/err" && ok || bad "fix -o -: the notes are not on stderr"
run "fix -o -: the output loads" 0 check "$T/stdout.onnx"
"$ONNXFIX" fix -o "$T/file.onnx" "$M" >/dev/null 2>&1
cmp -s "$T/stdout.onnx" "$T/file.onnx" && ok ||
    bad "fix -o -: stdout differs from -o FILE"
"$ONNXFIX" fix --format json -o - "$M" >"$T/stdout.onnx" 2>"$T/err"
head -c 1 "$T/err" | grep -q '{' && ok || bad "fix -o - --format json: the report is not on stderr"
cmp -s "$T/stdout.onnx" "$T/file.onnx" && ok || bad "fix -o - --format json: stdout is not the model"

# 3. check -o FILE: the report in FILE (atomically), nothing on stdout
run "check -o sarif" 1 check --fail-on note --format sarif -o "$T/r.sarif" "$M"
[ -s "$T/out" ] && bad "check -o: the report went to stdout" || ok
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["version"] == "2.1.0"' "$T/r.sarif" 2>/dev/null &&
    ok || bad "check -o: $T/r.sarif is not a SARIF report"
run "check -o text" 1 check --fail-on note -o "$T/r.txt" "$M"
grep -q ' L[0-9]\| [A-Z][0-9][0-9]*: ' "$T/r.txt" && ok || bad "check -o: text report empty"
run "check -o missing dir" 4 check -o "$T/nodir/r.txt" "$M"
grep -q 'cannot write the report' "$T/err" && ok || bad "check -o: no message for an unwritable report"
run "check -o /dev/full" 4 check -o /dev/full "$M"
cp "$M" "$T/self.onnx"
run "check -o r.sarif" 1 check --fail-on note -o "$T/auto.sarif" "$M"
/usr/bin/python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["version"] == "2.1.0"' "$T/auto.sarif" 2>/dev/null &&
    ok || bad "check -o x.sarif: not SARIF"
run "diff -o x.json" 1 diff -o "$T/d.json" "$M" "$C"
head -c 1 "$T/d.json" | grep -q '{' && ok || bad "diff -o x.json: not JSON"
run "fix -o dir/" 4 fix -o "$T/" "$M"
grep -q "fatal O100: cannot write output: .*: is a directory" "$T/err" && ok ||
    bad "fix -o dir/: no O100 naming the output"
grep -q ' F3' "$T/out" && bad "fix -o dir/: passes ran before the output was refused" || ok
run "fix -o missing dir" 4 fix -o "$T/nodir/x.onnx" "$M"
grep -q "nodir/x.onnx: its directory does not exist" "$T/err" && ok ||
    bad "fix -o missing dir: O100 does not name the output"
run "check -o the model" 64 check -o "$T/self.onnx" "$T/self.onnx"
cmp -s "$M" "$T/self.onnx" && ok || bad "check -o overwrote the model it checked"
ls -a "$T" | grep -q '^\.onnxfix\.' && bad "check -o: temporary file left" || ok

# explain prints the whole entry; a prefix and --list list codes
run "explain entry" 0 explain S211
[ "$(wc -l <"$T/out")" -ge 3 ] && grep -q 'toposort' "$T/out" && ok ||
    bad "explain S211: not the whole entry"
run "explain prefix" 0 explain S21
grep -q '^S211 ' "$T/out" && grep -q '^S212 ' "$T/out" && ok || bad "explain S21: not a list"
run "explain --list" 0 explain --list
[ "$(wc -l <"$T/out")" -eq "$(grep -c '^DIAG(' src/diag/diag.def)" ] && ok ||
    bad "explain --list: not one line per code"
run "help check" 0 help check
"$ONNXFIX" check -h | cmp -s - "$T/out" && ok || bad "help check differs from check -h"

# --- a missing data file named by many tensors is one finding, with the
# --- count, in check and in fix (it was one line per tensor)
gone_init() {	# gone_init I: initializer WI, 16 bytes at 16 I of gone.bin
	cat <<EOF
  initializer { name: "W$1" dims: 4 data_type: 1 data_location: EXTERNAL
    external_data { key: "location" value: "gone.bin" }
    external_data { key: "offset" value: "$((16 * $1))" }
    external_data { key: "length" value: "16" } }
EOF
}
protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto \
    >"$T/x/in/gone.onnx" <<EOF
ir_version: 8
opset_import { version: 17 }
graph {
  name: "g"
  node { input: "X" input: "W0" output: "A" op_type: "Add" }
  node { input: "A" input: "W1" output: "B" op_type: "Add" }
  node { input: "B" input: "W2" output: "Y" op_type: "Add" }
$(gone_init 0; gone_init 1; gone_init 2)
  input { name: "X"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: 4 } } } } }
  output { name: "Y"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: 4 } } } } }
}
EOF
run "check missing data file" 1 check "$T/x/in/gone.onnx"
[ "$(grep -c " S281: " "$T/out")" -eq 1 ] && grep -q \
    "location 'gone.bin': no such file; 3 tensors use it, the first 'W0'" \
    "$T/out" && ok || bad "missing file: not one S281 with the count"
run "fix missing data file" 2 fix -q -o "$T/x/out/gone.onnx" \
    "$T/x/in/gone.onnx"
one_line "fix missing data file" "L140.*'gone.bin': no such file; 3 tensors"

# --- 100 MiB of external data written to another directory under a
# --- 16 MiB budget: the bytes are copied by range into the output, never
# --- held in memory (it failed with L130), and come out the same
mkdir -p "$T/big/in" "$T/big/out" "$T/big/back"
n=$((25 * 1024 * 1024))
head -c $((4 * n)) /dev/urandom >"$T/big/in/w.bin"
protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto \
    >"$T/big/in/m.onnx" <<EOF
ir_version: 8
opset_import { version: 17 }
graph {
  name: "g"
  node { input: "X" input: "W" output: "Y" op_type: "Add" }
  initializer { name: "W" dims: $n data_type: 1 data_location: EXTERNAL
    external_data { key: "location" value: "w.bin" }
    external_data { key: "offset" value: "0" }
    external_data { key: "length" value: "$((4 * n))" } }
  input { name: "X"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: $n } } } } }
  output { name: "Y"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: $n } } } } }
}
EOF
run "fix 100 MiB external, small budget" 0 fix -q --mem-budget 16M \
    -o "$T/big/out/m.onnx" "$T/big/in/m.onnx"
[ "$(ls "$T/big/out")" = m.onnx ] &&
    [ "$(wc -c <"$T/big/out/m.onnx")" -gt $((4 * n)) ] && ok ||
    bad "100 MiB external: weights not inline"
run "100 MiB back out" 0 fix -q --mem-budget 16M --external-data w.bin \
    -o "$T/big/back/m.onnx" "$T/big/out/m.onnx"
cmp -s "$T/big/in/w.bin" "$T/big/back/w.bin" && ok ||
    bad "100 MiB external: data differs after the round trip"
( ulimit -s 256 2>/dev/null; exec $ONNXFIX fix -q --mem-budget 16M -o - \
    "$T/big/in/m.onnx" ) 2>/dev/null | cmp -s - "$T/big/out/m.onnx" && ok ||
    bad "100 MiB external to stdout differs"
rm -rf "$T/big"

# --- references the writer keeps (a sparse initializer's) go along with
# --- their files, beneath the output's directory
mkdir -p "$T/x/in/sub" "$T/x/sp"
printf '0123456789abcdef' >"$T/x/in/sub/v.bin"
sparse_model() {	# sparse_model LOCATION > FILE
	protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto <<EOF
ir_version: 8
opset_import { version: 17 }
graph {
  name: "g"
  node { input: "X" input: "W" output: "Y" op_type: "Add" }
  sparse_initializer {
    values { name: "W" dims: 4 data_type: 1 data_location: EXTERNAL
      external_data { key: "location" value: "$1" } }
    indices { name: "I" dims: 4 data_type: 7 int64_data: [0, 1, 2, 3] }
    dims: 4
  }
  input { name: "X"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: 4 } } } } }
  output { name: "Y"
    type { tensor_type { elem_type: 1 shape { dim { dim_value: 4 } } } } }
}
EOF
}
sparse_model sub/v.bin >"$T/x/in/sparse.onnx"
sparse_model v.bin >"$T/x/in/sub/sparse.onnx"
run "check sparse external" 0 check "$T/x/in/sparse.onnx"
run "fix sparse external elsewhere" 0 fix -q -o "$T/x/sp/m.onnx" \
    "$T/x/in/sparse.onnx"
cmp -s "$T/x/in/sub/v.bin" "$T/x/sp/sub/v.bin" && ok ||
    bad "sparse external: data file not copied along"
run "check sparse external copy" 0 check "$T/x/sp/m.onnx"
# --external-data must not replace the file a kept reference names
run "fix sparse external, data file of the same name" 4 fix -q \
    --external-data v.bin -o "$T/x/in/sub/m.onnx" "$T/x/in/sub/sparse.onnx"
[ ! -e "$T/x/in/sub/m.onnx" ] &&
    [ "$(cat "$T/x/in/sub/v.bin")" = 0123456789abcdef ] && ok ||
    bad "model written over its data"

# info --format json: the same facts as data
run "info json" 0 info --format json "$CORPUS/paddleocr_cls.onnx" "$CORPUS/bn_small.onnx"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["models"]
assert d["format"] == "onnxfix-info" and len(m) == 2
assert m[0]["parameters"] == 133665 and m[1]["nodes"] == 6
assert m[1]["inputs"][0] == {"name": "x", "type": "float[1,3,16,16]"}
assert sum(o["count"] for o in m[1]["operators"]) == 6
' "$T/out" && ok || bad "info --format json: wrong document"

# info counts the weights held in Constant nodes (PaddleOCR keeps all of
# them there)
run "info constants" 0 info "$CORPUS/paddleocr_cls.onnx"
grep -q '^parameters:   133665 (534660 bytes)$' "$T/out" && ok ||
    bad "info: Constant-node parameters not counted"

# --- the library: make install PREFIX=X, then a program built with
# --- <onnxfix/onnxfix.h> and pkg-config for X ---------------------------
if command -v make >/dev/null 2>&1 && command -v pkg-config >/dev/null 2>&1
then
	if make -s install PREFIX="$T/inst" >"$T/inst.log" 2>&1; then
		ok
		cat >"$T/prog.c" <<'EOF_C'
#include <stdio.h>
#include <onnxfix/onnxfix.h>
int
main(int argc, char **argv)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m;

	onnxfix_options_default(&o);
	diag_list_init(&d);
	if (argc < 2 || onnxfix_load(argv[1], &o, &d, &m) != ONNXFIX_OK)
		return 2;
	printf("%zu\n", m->graph->nnodes);
	/* the report writers are public too */
	{
		struct report r;
		int st = 0;

		report_init(&r, REPORT_JSON, "check");
		r.out = fopen("/dev/null", "w");
		onnxfix_check(m, &o, &d);
		report_add(&r, argv[1], &d, &st);
		if (r.out == NULL || report_finish(&r, 0) < 0)
			return 3;
		fclose(r.out);
		report_release(&r);
	}
	onnxfix_model_free(m);
	diag_list_release(&d);
	return 0;
}
EOF_C
		PKG_CONFIG_PATH="$T/inst/lib/pkgconfig"
		export PKG_CONFIG_PATH
		grep -q "^prefix=$T/inst\$" "$T/inst/lib/pkgconfig/onnxfix.pc" &&
		    ok || bad "install: onnxfix.pc does not name PREFIX"
		if ${CC:-cc} -o "$T/prog" "$T/prog.c" $(pkg-config --cflags \
		    --libs --static onnxfix) 2>"$T/cc.log"; then
			[ "$("$T/prog" "$CORPUS/bn_small.onnx")" = 6 ] && ok ||
			    bad "install: the program gives a wrong node count"
		else
			bad "install: a program does not build against it"
			head -5 "$T/cc.log" | sed 's/^/  | /'
		fi
		unset PKG_CONFIG_PATH
	else
		bad "make install PREFIX=$T/inst failed"
		tail -5 "$T/inst.log" | sed 's/^/  | /'
	fi
fi

# The --target help lists every row of src/targets.def (the usage error
# spells them from the table itself)
help_t=$($ONNXFIX check -h | tr '\n' ' ' | tr -s ' ' |
    sed -n 's/.*judge support by runtimes: //p' | sed 's/ --[a-z].*//' |
    sed 's/\([a-z0-9-]*\)\[@OPSET\]/\1, \1@OPSET/')
err_t=$($ONNXFIX check --target bogus "$CORPUS/bn_small.onnx" 2>&1 |
    sed -n "s/.*unknown target (one of: \(.*\)) 'bogus'.*/\1/p")
if [ -n "$err_t" ] && [ "$help_t" = "$err_t" ]; then ok; else
	bad "--target help '$help_t' is not the table's '$err_t'"; fi
n_def=$(grep -c '^TARGET(' src/targets.def)
n_err=$(echo "$err_t" | tr ',' '\n' | grep -vc '@OPSET')
[ "$n_def" = "$n_err" ] && ok ||
    bad "targets.def has $n_def rows, the usage error lists $n_err"

# fix groups the notes and warnings of one code past three a model: -q
# keeps the warnings' group line, -v lists each, check lists each
protoc --proto_path=proto --encode=onnx.ModelProto onnx.proto \
    <testdata/bn_normalize/training-many.textproto >"$T/train5.onnx"
for mode in "" -q -v; do
	run "fix $mode, five F344" 0 fix $mode --dry-run "$T/train5.onnx"
	n=$(grep -c 'warning F344:' "$T/out")
	g=$(grep -c 'warning F344: .*: and 2 more like these' "$T/out")
	case $mode in
	-v) want="5 0" ;;
	*) want="4 1" ;;
	esac
	[ "$n $g" = "$want" ] && ok ||
	    bad "fix $mode: $n F344 lines, $g grouped; want $want"
done
run "check, five B607" 0 check "$T/train5.onnx"
[ "$(grep -c 'warning B607:' "$T/out")" -eq 5 ] &&
    ! grep -q 'more like these' "$T/out" && ok ||
    bad "check did not list each of its five B607 findings"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
