#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Documentation checks: the man page, the diagnostic catalogue, the pass
# table, the CLI's options and the golden cases must agree.
#   a. every code in src/diag/diag.def has an ".It Sy CODE" entry under
#      DIAGNOSTICS in man/onnxfix.1, in catalogue order, and the page
#      documents no code the catalogue lacks;
#   b. every PASS(name) in passes/passes.def has an ".It Cm name" entry
#      (underscores as dashes) under PASSES, in pipeline order, and vice
#      versa; passes/NAME.c defines pass_NAME; testdata/NAME/ holds at
#      least one golden case (NAME.textproto);
#   c. each command's options, as its -h prints them from its own table in
#      src/cli/main.c (the table the parser reads), are exactly the ones
#      its SYNOPSIS block names, every option appears as "Fl -NAME", and
#      every command has ".Cm NAME" in the SYNOPSIS and an ".It Cm NAME"
#      entry under COMMANDS (skipped when ./onnxfix is not built);
#   d. mandoc -T lint -W warning is silent (skipped without mandoc);
#   e. ./onnxfix passes lists the passes of passes.def in the same order
#      (skipped when ./onnxfix is not built).
# Run from the project root: sh tests/check-docs.sh [-v].  The last line
# is "check-docs: N passed, M failed"; the exit status is 1 if M > 0.
set -u
cd "$(dirname "$0")/.." || exit 1

MAN=man/onnxfix.1
DEF=src/diag/diag.def
PASSES=passes/passes.def
ONNXFIX=${ONNXFIX:-./onnxfix}
verbose=0
[ "${1:-}" = -v ] && verbose=1
pass=0
fail=0

ok() { pass=$((pass + 1)); [ $verbose -eq 1 ] && echo "ok: $*"; return 0; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
skip() { echo "skip: $*"; }

# section NAME: the lines of man page section NAME (without its .Sh line)
section() {
	[ -r "$MAN" ] || return 0
	awk -v s="$1" '/^\.Sh / { insec = ($0 == ".Sh " s); next } insec' \
	    "$MAN"
}

# in_list WORD LIST: is WORD one of the newline-separated words of LIST?
in_list() {
	printf '%s\n' "$2" | grep -qxF -- "$1"
}

# same_order WHAT WANT GOT: both lists hold the same words in one order
same_order() {
	if [ "$2" = "$3" ]; then
		ok "$1 in order"
	else
		bad "$1: order differs"
		echo "  want:" $2
		echo "   got:" $3
	fi
}

if [ ! -r "$MAN" ]; then
	bad "$MAN is missing"
fi

# --- a. diagnostic codes ----------------------------------------------------
codes=$(sed -n 's/^DIAG([A-Z_0-9]*, *"\([A-Z][0-9][0-9]*\)".*/\1/p' "$DEF")
if [ -z "$codes" ]; then
	bad "$DEF: no codes found"
fi
diag_sec=$(section DIAGNOSTICS)
man_codes=$(printf '%s\n' "$diag_sec" |
    sed -n 's/^\.It Sy \([A-Z][0-9][0-9]*\)\([ 	].*\)\{0,1\}$/\1/p')
for c in $codes; do
	if in_list "$c" "$man_codes"; then
		ok "code $c documented"
	else
		bad "code $c (in $DEF) has no '.It Sy $c' entry in" \
		    "DIAGNOSTICS of $MAN"
	fi
done
for c in $man_codes; do
	in_list "$c" "$codes" ||
	    bad "$MAN documents code $c, which $DEF does not have"
done
dups=$(printf '%s\n' "$man_codes" | sort | uniq -d)
if [ -n "$dups" ]; then
	bad "$MAN documents codes more than once:" $dups
else
	ok "no code documented twice"
fi
# Order: the catalogue's codes as they appear in the man page.
man_known=$(for c in $man_codes; do in_list "$c" "$codes" && echo "$c"; done)
def_known=$(for c in $codes; do in_list "$c" "$man_codes" && echo "$c"; done)
same_order "DIAGNOSTICS entries vs $DEF" "$def_known" "$man_known"

# --- b. passes --------------------------------------------------------------
pnames=$(sed -n 's/^PASS(\([a-z0-9_]*\)).*/\1/p' "$PASSES")
if [ -z "$pnames" ]; then
	bad "$PASSES: no passes found"
fi
cli_names=$(printf '%s\n' "$pnames" | tr _ -)
man_passes=$(section PASSES |
    sed -n 's/^\.It Cm \([a-z0-9-]*\)\([ 	].*\)\{0,1\}$/\1/p')
for p in $pnames; do
	cli=$(echo "$p" | tr _ -)
	if in_list "$cli" "$man_passes"; then
		ok "pass $cli documented"
	else
		bad "pass $p (in $PASSES) has no '.It Cm $cli' entry in" \
		    "PASSES of $MAN"
	fi
	if [ ! -f "passes/$p.c" ]; then
		bad "pass $p: passes/$p.c is missing"
	elif grep -q "^const struct pass pass_$p[ 	]*=" "passes/$p.c"; then
		ok "passes/$p.c defines pass_$p"
	else
		bad "pass $p: passes/$p.c does not define pass_$p"
	fi
	ncases=0
	if [ -d "testdata/$p" ]; then
		for tp in "testdata/$p"/*.textproto; do
			[ -f "$tp" ] || continue
			case $tp in *.out.textproto) continue ;; esac
			ncases=$((ncases + 1))
		done
	fi
	if [ ! -d "testdata/$p" ]; then
		bad "pass $p: testdata/$p/ is missing (no golden cases)"
	elif [ $ncases -eq 0 ]; then
		bad "pass $p: testdata/$p/ holds no *.textproto case"
	else
		ok "pass $p: $ncases golden case(s)"
	fi
done
for p in $man_passes; do
	in_list "$p" "$cli_names" ||
	    bad "PASSES of $MAN documents '$p', which $PASSES does not have"
done
same_order "PASSES entries vs $PASSES" "$cli_names" "$man_passes"

# --- c. options and commands ------------------------------------------------
# The options each command takes come from its own table in src/cli/, the
# same table that parses them; -h prints it.  Each command's SYNOPSIS
# block (from ".Cm NAME" to the next ".Nm onnxfix") names exactly its
# options (-h aside), "Op Ar limits" exactly when it takes the limits,
# and every option appears as "Fl -NAME" in the page.
if [ -x "$ONNXFIX" ]; then
	cmds=$("$ONNXFIX" -h | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
	[ -n "$cmds" ] || bad "$ONNXFIX -h lists no commands"
	syn=$(section SYNOPSIS)
	com=$(section COMMANDS)
	for c in $cmds; do
		if printf '%s\n' "$syn" | grep -qx "\.Cm $c" &&
		    printf '%s\n' "$com" | grep -Eq "^\.It Cm $c( |\$)"; then
			ok "command $c documented"
		else
			bad "command $c lacks '.Cm $c' in SYNOPSIS or" \
			    "'.It Cm $c' in COMMANDS of $MAN"
		fi
		help=$("$ONNXFIX" "$c" -h)
		# "q quiet", "- format": the letter (- for none) and name
		pairs=$(printf '%s\n' "$help" | awk '/^options:/ { on = 1; next }
		    /^[a-z]+:/ { on = 0 } on' |
		    sed -n 's/^  -\([A-Za-z]\), --\([a-z0-9-]*\).*/\1 \2/p;
		    s/^  --\([a-z0-9-]*\).*/- \1/p' | grep -v ' help$')
		own=$(printf '%s\n' "$pairs" | awk '{ print $2 }')
		shorts=$(printf '%s\n' "$pairs" | awk '$1 != "-" { print $1 }')
		limits=$(printf '%s\n' "$help" | grep -c '^limits:')
		block=$(printf '%s\n' "$syn" | awk -v c="$c" '
		    $0 == ".Cm " c { on = 1; next } /^\.Nm onnxfix/ { on = 0 } on')
		while read -r l o; do
			[ -n "$o" ] || continue
			if printf '%s\n' "$block" |
			    grep -Eq "Fl -$o([^a-z0-9-]|\$)" || { [ "$l" != - ] &&
			    printf '%s\n' "$block" |
			    grep -Eq "Fl $l([^A-Za-z0-9-]|\$)"; }; then
				ok "$c --$o in SYNOPSIS"
			else
				bad "$c takes --$o (its -h says so) but its" \
				    "SYNOPSIS in $MAN does not name it"
			fi
			grep -Eq "Fl -$o([^a-z0-9-]|\$)" "$MAN" ||
			    bad "option --$o does not appear as 'Fl -$o' in $MAN"
		done <<EOP
$pairs
EOP
		for o in $(printf '%s\n' "$block" | grep -oE 'Fl [A-Za-z]( |$)' |
		    sed 's/Fl //; s/ //'); do
			if printf '%s\n' "$shorts" | grep -qx -- "$o"; then
				ok "$c SYNOPSIS -$o is taken"
			else
				bad "$c SYNOPSIS names -$o, which $c -h does" \
				    "not list"
			fi
		done
		for o in $(printf '%s\n' "$block" | grep -oE 'Fl -[a-z0-9-]+' |
		    sed 's/Fl --*//'); do
			if printf '%s\n' "$own" | grep -qx -- "$o"; then
				ok "$c SYNOPSIS --$o is taken"
			else
				bad "$c SYNOPSIS names --$o, which $c -h does" \
				    "not list"
			fi
		done
		hasl=$(printf '%s\n' "$block" | grep -c 'Op Ar limits')
		if [ "$hasl" -eq "$limits" ]; then
			ok "$c limits in SYNOPSIS"
		else
			bad "$c: SYNOPSIS 'Op Ar limits' ($hasl) disagrees with" \
			    "-h's limits section ($limits)"
		fi
	done
	for o in $("$ONNXFIX" check -h | awk '/^limits:/ { on = 1; next } on' |
	    grep -oE -- '--[a-z0-9-]+' | sed 's/--//'); do
		grep -Eq "Fl -$o([^a-z0-9-]|\$)" "$MAN" ||
		    bad "limit --$o does not appear as 'Fl -$o' in $MAN"
	done
else
	skip "$ONNXFIX is not built: options not compared"
fi

# --- d. mandoc lint ---------------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -T lint -W warning "$MAN" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then
		ok "mandoc -T lint -W warning is silent"
	else
		bad "mandoc -T lint -W warning $MAN (exit $rc):"
		printf '%s\n' "$out" | head -20 | sed 's/^/  | /'
	fi
else
	skip "mandoc is not installed: man page lint not run"
fi

# --- e. onnxfix passes ------------------------------------------------------
if [ -x "$ONNXFIX" ]; then
	listed=$("$ONNXFIX" passes 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "$ONNXFIX passes exited $rc"
		printf '%s\n' "$listed" | head -5 | sed 's/^/  | /'
	else
		same_order "'$ONNXFIX passes' vs $PASSES" "$cli_names" \
		    "$(printf '%s\n' "$listed" | awk '{ print $1 }')"
	fi
else
	skip "$ONNXFIX is not built: 'onnxfix passes' not compared"
fi

echo "check-docs: $pass passed, $fail failed"
[ $fail -eq 0 ]
