#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The layering rule (doc/development.md "Layout", doc/STYLE.md), checked:
#   1. an include points down or within its folder: a folder includes
#      only folders of a lower rank (the public header src/onnxfix.h
#      and its src/targets.def count as rank 2, beside the IR it
#      declares);
#   2. protobuf-c's generated types (onnx.pb-c.h, Onnx__*) only in src/io/;
#   3. Graphviz (cgraph, gvc) only in src/view/;
#   4. no hand-written .c file over 2,000 lines;
#   5. no cycle between object files or between folders in who uses whose
#      symbols (nm on the objects make built).
set -u
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# rank FILE: the rank of the folder FILE lives in
rank() {
	case $1 in
	src/base/*) echo 0 ;;
	src/diag/*) echo 1 ;;
	src/onnxfix.h | src/targets.def | src/ir/*) echo 2 ;;
	src/opdb/*) echo 3 ;;
	src/io/*) echo 4 ;;
	passes/*) echo 5 ;;
	src/view/*) echo 5 ;;
	src/cli/*) echo 6 ;;
	*) echo 9 ;;
	esac
}
folder() { dirname "$1"; }

SRC=$(find src passes -name '*.[ch]' | sort)
for f in $SRC; do
	r=$(rank "$f")
	if [ "$r" -eq 9 ]; then
		bad "$f: not in a layer folder"
		continue
	fi
	good=1
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		# relative to the file's folder first, as the compiler does
		if [ -f "$(dirname "$f")/$inc" ]; then
			t=$(dirname "$f")/$inc
		elif [ -f "src/$inc" ]; then
			t=src/$inc
		elif [ -f "$inc" ]; then
			t=$inc
		else
			continue	# generated (build/)
		fi
		t=$(echo "$t" | sed 's#^\./##; s#/\./#/#g')
		tr_=$(rank "$t")
		if [ "$(folder "$t")" = "$(folder "$f")" ]; then
			continue
		fi
		if [ "$f" = src/onnxfix.h ] && [ "$tr_" -le 2 ]; then
			continue	# the API declares the IR's types
		fi
		if [ "$tr_" -ge "$r" ] && [ "$t" != src/onnxfix.h ]; then
			bad "$f includes $inc (rank $tr_, not below $r)"
			good=0
		elif [ "$t" = src/onnxfix.h ] && [ "$r" -lt 2 ]; then
			bad "$f includes the public header from below the IR"
			good=0
		fi
	done
	if grep -q -e 'onnx\.pb-c\.h' -e 'Onnx__' "$f"; then
		case $f in
		src/io/*) ;;
		*) bad "$f: protobuf types outside src/io/"; good=0 ;;
		esac
	fi
	if grep -q -e '<graphviz/' -e 'gvc\.h' -e 'cgraph\.h' "$f"; then
		case $f in
		src/view/*) ;;
		*) bad "$f: Graphviz outside src/view/"; good=0 ;;
		esac
	fi
	case $f in
	*.c)
		n=$(wc -l <"$f")
		if [ "$n" -gt 2000 ]; then
			bad "$f: $n lines (at most 2,000)"
			good=0
		fi
		;;
	esac
	[ $good -eq 1 ] && ok
done

# 5. Who uses whose symbols, from the objects.
objs=""
for c in $(find src passes -name '*.c' | sort); do
	[ -f "build/${c%.c}.o" ] && objs="$objs build/${c%.c}.o"
done
if [ -z "$objs" ]; then
	bad "no objects under build/ (run make first)"
else
	for o in $objs; do
		nm "$o" | awk -v o="$o" '
		    $1 == "U" { print "U", o, $2 }
		    NF == 3 && $2 ~ /^[TDBR]$/ { print "D", o, $3 }'
	done | /usr/bin/python3 -c '
import sys
defs, uses = {}, []
for line in sys.stdin:
    k, o, s = line.split()
    o = o.replace("build/", "", 1)[:-2]
    if k == "D":
        defs[s] = o
    else:
        uses.append((o, s))
edges = {}
for o, s in uses:
    if s in defs and defs[s] != o:
        edges.setdefault(o, set()).add(defs[s])
def sccs(nodes, edges):
    # Tarjan, iterative
    index, low, on, st, out, n = {}, {}, set(), [], [], [0]
    for v0 in nodes:
        if v0 in index:
            continue
        work = [(v0, iter(sorted(edges.get(v0, ()))))]
        index[v0] = low[v0] = n[0]; n[0] += 1; st.append(v0); on.add(v0)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n[0]; n[0] += 1
                    st.append(w); on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                c = []
                while True:
                    w = st.pop(); on.discard(w); c.append(w)
                    if w == v:
                        break
                if len(c) > 1:
                    out.append(sorted(c))
    return out
nodes = sorted(set(edges) | {d for s in edges.values() for d in s})
bad = 0
for c in sccs(nodes, edges):
    print("FAIL: a call cycle between files: " + " ".join(c)); bad += 1
fe = {}
for a, ds in edges.items():
    for b in ds:
        fa, fb = a.rsplit("/", 1)[0], b.rsplit("/", 1)[0]
        if fa != fb:
            fe.setdefault(fa, set()).add(fb)
fn = sorted(set(fe) | {d for s in fe.values() for d in s})
for c in sccs(fn, fe):
    print("FAIL: a cycle between folders: " + " ".join(c)); bad += 1
print("cycles: %d" % bad)
' >"${TMPDIR:-/tmp}/layers.$$"
	cat "${TMPDIR:-/tmp}/layers.$$" | grep '^FAIL' || true
	c=$(sed -n 's/^cycles: //p' "${TMPDIR:-/tmp}/layers.$$")
	rm -f "${TMPDIR:-/tmp}/layers.$$"
	if [ "${c:-1}" -eq 0 ]; then ok; else fail=$((fail + c)); fi
fi
echo "check-layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
