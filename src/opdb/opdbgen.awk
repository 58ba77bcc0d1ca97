# SPDX-License-Identifier: MIT
#
# opdbgen.awk: compile src/opdb/*.tsv (see src/opdb/README.md) into the C
# tables declared at the end of src/opdb/opdb.h.  Run as the Makefile does:
#
#   awk -f src/opdb/opdbgen.awk src/opdb/opsets.tsv src/opdb/schemas.tsv \
#       src/opdb/schemas-ort-contrib.tsv src/opdb/attributes.tsv \
#       src/opdb/io.tsv src/opdb/type-constraints.tsv \
#       src/opdb/runtime-ort-cpu.tsv src/opdb/runtime-ort-cuda.tsv \
#       src/opdb/runtime-ort-dml.tsv src/opdb/runtime-tensorrt.tsv \
#       src/opdb/runtime-onnx2tf.tsv > build/opdb_tables.c
#
# Files are told apart by their base name, so their order on the command
# line does not matter, but for the kernel tables: every
# runtime-ort-NAME.tsv is one, numbered in command-line order with
# runtime-ort-cpu.tsv first (the Makefile passes them sorted).  POSIX awk only (mawk and gawk give byte-identical
# output): no asort, no gensub, no length(array), and no for-in loop feeds
# the output.  Every table is sorted here by (domain, op, version) with a
# stable merge sort comparing bytes through a lookup table, so neither the
# input order nor the locale matters.  Identical type strings, type lists,
# constraint sets, attribute lists and io lists are emitted once and
# shared.  Bad input (unknown file, malformed cell, duplicate key, a row
# naming no schema) prints a message to stderr and exits 1 with no output.

BEGIN {
	FS = "\t"
	failed = 0
	# byte values of the characters allowed in domain and op names
	# (sorting keys); anything else is rejected
	keychars = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_" \
	    "abcdefghijklmnopqrstuvwxyz"
	for (i = 32; i < 127; i++)
		ORD[sprintf("%c", i)] = i
	for (i = 1; i < 32; i++)
		CTL[sprintf("%c", i)] = i
	CTL[sprintf("%c", 127)] = 127
	WHERE = ""
	nref = 0
	# offset 0 of the string pool stands for no string (NULL)
	poolsize = 1
	for (i = 1; i <= length(keychars); i++)
		KEYCH[substr(keychars, i, 1)] = 1
	ATYPE["FLOAT"] = 1; ATYPE["INT"] = 2; ATYPE["STRING"] = 3
	ATYPE["TENSOR"] = 4; ATYPE["GRAPH"] = 5; ATYPE["FLOATS"] = 6
	ATYPE["INTS"] = 7; ATYPE["STRINGS"] = 8; ATYPE["TENSORS"] = 9
	ATYPE["GRAPHS"] = 10; ATYPE["SPARSE_TENSOR"] = 11
	ATYPE["SPARSE_TENSORS"] = 12; ATYPE["TYPE_PROTO"] = 13
	ATYPE["TYPE_PROTOS"] = 14
	OPTION["single"] = "OPDB_SINGLE"
	OPTION["optional"] = "OPDB_OPTIONAL"
	OPTION["variadic"] = "OPDB_VARIADIC"
	# every runtime-ort-NAME.tsv is a kernel table of ONNX Runtime's
	# format named NAME, numbered in the order of the files given (the
	# Makefile sorts them; ort-cpu must come first: OPDB_ORT_CPU is 0)
	NRT = 0
	nstr = 0; ntyl = 0; ntc = 0; nattr = 0; nio = 0
	nschema = 0; ntrt = 0; ntf = 0; ndom = 0
}

function fail(msg) {
	if (!failed)
		print "opdbgen: " (WHERE != "" ? WHERE : FILENAME ":" FNR) \
		    ": " msg > "/dev/stderr"
	failed = 1
	exit 1
}

function need_cols(n) {
	if (NF < n)
		fail("expected at least " n " columns, got " NF)
}

function is_int(s) {
	return s ~ /^-?[0-9]+$/
}

function need_int(s, what) {
	if (!is_int(s))
		fail(what " is not an integer: '" s "'")
	return s
}

# an integer cell, or DFLT when the cell is empty
function int_or(s, dflt, what) {
	if (s == "")
		return dflt
	return need_int(s, what)
}

function need_bool(s, what) {
	if (s != "0" && s != "1")
		fail(what " is not 0/1: '" s "'")
	return s
}

function need_key(s, what,   i) {
	for (i = 1; i <= length(s); i++)
		if (!(substr(s, i, 1) in KEYCH))
			fail("bad character in " what ": '" s "'")
	return s
}

# C string literal for S: backslash, quote and '?' (trigraphs) escaped,
# control bytes as octal; other bytes, including UTF-8, are copied.
function cstr(s,   out, i, c) {
	if (s !~ /[^ -~]/ && index(s, "\\") == 0 && index(s, "\"") == 0 &&
	    index(s, "?") == 0)
		return "\"" s "\""
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\" || c == "\"" || c == "?")
			out = out "\\" c
		else if (c in CTL)
			out = out sprintf("\\%03o", CTL[c])
		else
			out = out c
	}
	return "\"" out "\""
}

# str(S), or 0 (no string) when S is empty
function str_or_none(s) {
	return s == "" ? 0 : str(s)
}

# -1, 0, 1 as A sorts before, with, after B in strcmp (byte) order;
# A and B hold only KEYCH characters
function bcmp(a, b,   n, i, ca, cb) {
	if (a == b)
		return 0
	n = length(a) < length(b) ? length(a) : length(b)
	for (i = 1; i <= n; i++) {
		ca = substr(a, i, 1)
		cb = substr(b, i, 1)
		if (ca != cb)
			return ORD[ca] < ORD[cb] ? -1 : 1
	}
	return length(a) < length(b) ? -1 : 1
}

# order of records X and Y: (KD, KO, KV) with KV numeric
function rcmp(x, y,   c) {
	c = bcmp(KD[x], KD[y])
	if (c)
		return c
	c = bcmp(KO[x], KO[y])
	if (c)
		return c
	if (KV[x] + 0 != KV[y] + 0)
		return KV[x] + 0 < KV[y] + 0 ? -1 : 1
	return 0
}

# stable bottom-up merge sort of record ids A[1..N] by rcmp
function msort(A, n,   w, lo, mid, hi, i, j, k) {
	for (w = 1; w < n; w *= 2) {
		for (lo = 1; lo + w <= n; lo += 2 * w) {
			mid = lo + w - 1
			hi = lo + 2 * w - 1
			if (hi > n)
				hi = n
			i = lo
			j = mid + 1
			k = lo
			while (i <= mid && j <= hi) {
				if (rcmp(A[j], A[i]) < 0)
					TMP[k++] = A[j++]
				else
					TMP[k++] = A[i++]
			}
			while (i <= mid)
				TMP[k++] = A[i++]
			while (j <= hi)
				TMP[k++] = A[j++]
			for (k = lo; k <= hi; k++)
				A[k] = TMP[k]
		}
	}
}

# fail on two records of A[1..N] with the same key (A sorted)
function check_unique(A, n, what,   i) {
	for (i = 2; i <= n; i++)
		if (rcmp(A[i - 1], A[i]) == 0) {
			WHERE = what
			fail("duplicate " KD[A[i]] " " KO[A[i]] " " KV[A[i]])
		}
}

# like check_unique, for kernel rows: one key with the same type
# constraints twice is a duplicate, with other constraints it is not
function check_unique_rows(A, n, what,   i) {
	for (i = 2; i <= n; i++)
		if (rcmp(A[i - 1], A[i]) == 0 && KRAW[A[i - 1]] == KRAW[A[i]]) {
			WHERE = what
			fail("duplicate " KD[A[i]] " " KO[A[i]] " " KV[A[i]])
		}
}

# offset of S in the string pool opdb_tab_pool, where it is kept once
# (byte lengths: the Makefile runs this under LC_ALL=C)
function str(s) {
	if (!(s in STRID)) {
		STRID[s] = poolsize
		POOL[npool++] = cstr(s)
		poolsize += length(s) + 1
	}
	return STRID[s]
}

# index in opdb_tab_tyl[] of the list of type strings L (";"-separated)
function tylist(l,   n, t, i) {
	if (!(l in TYLOFF)) {
		TYLOFF[l] = ntyl
		n = split(l, t, ";")
		for (i = 1; i <= n; i++)
			TYL[ntyl++] = str(t[i])
	}
	return TYLOFF[l]
}

# offset in tcs[] of the constraint set G: N entries "param\034types"
# joined by "\035"
function tcgroup(g, n,   e, i, f) {
	if (n == 0)
		return -1
	if (!(g in TCOFF)) {
		TCOFF[g] = ntc
		split(g, e, "\035")
		for (i = 1; i <= n; i++) {
			split(e[i], f, "\034")
			TCS[ntc++] = "{ " str(f[1]) ", " \
			    (f[2] == "" ? 0 : tylist(f[2])) \
			    ", " tcount(f[2]) " }"
		}
	}
	return TCOFF[g]
}

function tcount(l,   t) {
	return l == "" ? 0 : split(l, t, ";")
}

# offset in attrs[] of the list G of N initializers joined by "\035"
function attrgroup(g, n,   e, i) {
	if (n == 0)
		return -1
	if (!(g in ATTROFF)) {
		ATTROFF[g] = nattr
		split(g, e, "\035")
		for (i = 1; i <= n; i++)
			ATTRS[nattr++] = e[i]
	}
	return ATTROFF[g]
}

# offset in io[] of the list G of N initializers joined by "\035"
function iogroup(g, n,   e, i) {
	if (n == 0)
		return -1
	if (!(g in IOOFF)) {
		IOOFF[g] = nio
		split(g, e, "\035")
		for (i = 1; i <= n; i++)
			IOS[nio++] = e[i]
	}
	return IOOFF[g]
}

# index OFF of a group, 0 for none (its count is then 0)
function ref(arr, off) {
	return off < 0 ? 0 : off
}

# remember where the flattened rows of schema key K start
function note_ref(k) {
	if (!(k in REF)) {
		REF[k] = FILENAME ":" FNR
		REFK[nref++] = k
	}
}

function append(arr, key, item) {
	if (key in arr)
		arr[key] = arr[key] "\035" item
	else
		arr[key] = item
}

FNR == 1 {
	base = FILENAME
	sub(/.*\//, "", base)
	if (base ~ /^runtime-ort-[a-z0-9-]+\.tsv$/ && !(base in RTFILE)) {
		NRT++
		RTFILE[base] = NRT
		RTNAME[NRT] = NRT
		RTLABEL[NRT] = substr(base, 9, length(base) - 12)
		NK[NRT] = 0
		if (NRT == 1 && RTLABEL[1] != "ort-cpu")
			fail("runtime-ort-cpu.tsv must be the first kernel table")
	}
	if (base != "opsets.tsv" && base != "schemas.tsv" &&
	    base != "schemas-ort-contrib.tsv" && base != "attributes.tsv" &&
	    base != "io.tsv" && base != "type-constraints.tsv" &&
	    !(base in RTFILE) && base != "runtime-tensorrt.tsv" &&
	    base != "runtime-onnx2tf.tsv")
		fail("unknown input file")
	SEEN[base] = 1
	if ($1 != "source" && $1 != "domain")
		fail("no header row")
	next
}

$0 == "" { next }

base == "opsets.tsv" {
	need_cols(5)
	if ($1 != "onnx" && $1 != "ort")
		fail("bad source '" $1 "'")
	need_key($2, "domain")
	if ($2 in DOMSEEN)
		fail("duplicate domain " $2)
	DOMSEEN[$2] = 1
	mx = int_or($4, "2147483647", "max_version")
	DOMS[ndom++] = "{ " str($2) ", " need_int($3, "min_version") ", " \
	    mx ", " int_or($5, mx, "last_release_version") ", " \
	    ($1 == "onnx") " }"
	next
}

base == "schemas.tsv" || base == "schemas-ort-contrib.tsv" {
	need_cols(11)
	id = ++nschema
	KD[id] = need_key($1, "domain")
	KO[id] = need_key($2, "op_type")
	KV[id] = need_int($3, "since_version")
	k = $1 SUBSEP $2 SUBSEP $3
	if (k in SCHEMA)
		fail("duplicate schema " $1 " " $2 " " $3)
	SCHEMA[k] = id
	SCH[id] = need_int($4, "last_version") ", " \
	    need_bool($5, "deprecated") ", " \
	    need_bool($6, "experimental") ", " \
	    need_bool($11, "io_documented") ", " \
	    (base == "schemas-ort-contrib.tsv") ", " \
	    int_or($7, -1, "min_inputs") ", " int_or($8, -1, "max_inputs") \
	    ", " int_or($9, -1, "min_outputs") ", " \
	    int_or($10, -1, "max_outputs")
	next
}

base == "attributes.tsv" {
	need_cols(8)
	if (!($6 in ATYPE))
		fail("unknown attribute type " $6)
	k = $2 SUBSEP $3 SUBSEP need_int($4, "since_version")
	append(ATTR, k, "{ " str($5) ", " ATYPE[$6] ", " \
	    need_bool($7, "required") ", " \
	    (need_bool($8, "has_default") == "1" ? str($9) : 0) " }")
	NATTR[k]++
	note_ref(k)
	next
}

base == "io.tsv" {
	need_cols(11)
	if ($5 != "input" && $5 != "output")
		fail("bad direction " $5)
	if (!($8 in OPTION))
		fail("bad option " $8)
	if ($9 != "" && $9 != "0" && $9 != "1")
		fail("bad heterogeneous " $9)
	k = $2 SUBSEP $3 SUBSEP need_int($4, "since_version")
	d = $5 == "input" ? "I" : "O"
	if ($6 != NIO[d, k] + 0)
		fail($5 " index " $6 " out of order")
	append(IO, d SUBSEP k, "{ " str($7) ", " str($11) ", " \
	    OPTION[$8] ", " ($9 == "1") " }")
	NIO[d, k]++
	note_ref(k)
	next
}

base == "type-constraints.tsv" {
	need_cols(6)
	k = $2 SUBSEP $3 SUBSEP need_int($4, "since_version")
	if ($6 ~ /^;|;;|;$/)
		fail("empty type in " $6)
	append(TC, k, $5 "\034" $6)
	NTC[k]++
	note_ref(k)
	next
}

base in RTFILE {
	need_cols(5)
	rt = RTFILE[base]
	NK[rt]++
	id = rt SUBSEP NK[rt]
	KD[id] = need_key($1, "domain")
	KO[id] = need_key($2, "op_type")
	KV[id] = need_int($3, "since_version")
	need_int($4, "end_version")
	KRAW[id] = $5
	# {"T":["tensor(float)",...],"T1":[...]}: no nesting, no escapes
	j = $5
	if (j !~ /^\{.*\}$/ || index(j, "\\"))
		fail("bad type_constraints " j)
	j = substr(j, 2, length(j) - 2)
	g = ""
	n = 0
	if (j != "") {
		n = split(j, part, "],")
		for (i = 1; i <= n; i++) {
			p = part[i]
			if (i == n) {
				if (substr(p, length(p)) != "]")
					fail("bad type_constraints " $5)
				p = substr(p, 1, length(p) - 1)
			}
			q = index(p, "\":[")
			if (substr(p, 1, 1) != "\"" || q < 3)
				fail("bad type_constraints " $5)
			param = substr(p, 2, q - 2)
			p = substr(p, q + 3)
			if (p != "") {
				if (p !~ /^".*"$/)
					fail("bad type_constraints " $5)
				p = substr(p, 2, length(p) - 2)
				gsub(/","/, ";", p)
				if (index(p, "\"") || p ~ /^;|;;|;$/)
					fail("bad type_constraints " $5)
			}
			if (index(param, "\""))
				fail("bad type_constraints " $5)
			g = g (i > 1 ? "\035" : "") param "\034" p
		}
	}
	KTC[id] = g
	KNTC[id] = n
	KEND[id] = $4
	next
}

base == "runtime-tensorrt.tsv" {
	need_cols(6)
	ntrt++
	id = "trt" SUBSEP ntrt
	KD[id] = need_key($1, "domain")
	KO[id] = need_key($2, "op_type")
	KV[id] = 0
	if ($3 != "Y" && $3 != "N")
		fail("bad supported " $3)
	ROW[id] = ($3 == "Y") ", " need_bool($4, "experimental") ", " \
	    str_or_none($5) ", " str_or_none($6)
	next
}

base == "runtime-onnx2tf.tsv" {
	need_cols(7)
	ntf++
	id = "tf" SUBSEP ntf
	KD[id] = need_key($1, "domain")
	KO[id] = need_key($2, "op_type")
	KV[id] = 0
	ROW[id] = str_or_none($3) ", " str_or_none($4) ", " \
	    str_or_none($5) ", " str_or_none($6) ", " str_or_none($7)
	next
}

END {
	if (failed)
		exit 1
	WHERE = "(end)"
	if (!("opsets.tsv" in SEEN) || !("schemas.tsv" in SEEN) ||
	    !("attributes.tsv" in SEEN) || !("io.tsv" in SEEN) ||
	    !("type-constraints.tsv" in SEEN))
		fail("missing input file")

	# every flattened row must belong to a schema
	for (i = 0; i < nref; i++)
		if (!(REFK[i] in SCHEMA)) {
			WHERE = REF[REFK[i]]
			fail("row names no schema")
		}

	for (i = 1; i <= nschema; i++)
		SORTED[i] = i
	msort(SORTED, nschema)
	check_unique(SORTED, nschema, "schemas")
	for (i = 1; i <= nschema; i++) {
		id = SORTED[i]
		k = KD[id] SUBSEP KO[id] SUBSEP KV[id]
		a = attrgroup(ATTR[k], NATTR[k] + 0)
		ii = iogroup(IO["I", k], NIO["I", k] + 0)
		oo = iogroup(IO["O", k], NIO["O", k] + 0)
		t = tcgroup(TC[k], NTC[k] + 0)
		SLINE[i] = "{ " str(KD[id]) ", " str(KO[id]) ", " KV[id] ", " \
		    SCH[id] ", " ref("attrs", a) ", " (NATTR[k] + 0) ", " \
		    ref("io", ii) ", " ref("io", oo) ", " (NIO["I", k] + 0) \
		    ", " (NIO["O", k] + 0) ", " ref("tcs", t) ", " \
		    (NTC[k] + 0) " },"
	}

	for (r = 1; r <= NRT; r++) {
		rt = RTNAME[r]
		split("", KS)
		for (i = 1; i <= NK[rt]; i++)
			KS[i] = rt SUBSEP i
		msort(KS, NK[rt])
		# a (domain, op, since_version) key may repeat: ORT registers
		# some kernels for combinations of types only, one row each
		# (runtime-ort-cpu.tsv, tools/gen-ort-cpu.py); the merge sort
		# is stable, so such rows keep their file order
		check_unique_rows(KS, NK[rt], rt)
		for (i = 1; i <= NK[rt]; i++) {
			id = KS[i]
			t = tcgroup(KTC[id], KNTC[id])
			KLINE[rt, i] = "{ " str(KD[id]) ", " str(KO[id]) ", " \
			    KV[id] ", " KEND[id] ", " ref("tcs", t) ", " \
			    KNTC[id] " },"
		}
	}

	for (i = 1; i <= ntrt; i++)
		TRTS[i] = "trt" SUBSEP i
	msort(TRTS, ntrt)
	check_unique(TRTS, ntrt, "runtime-tensorrt.tsv")
	for (i = 1; i <= ntf; i++)
		TFS[i] = "tf" SUBSEP i
	msort(TFS, ntf)
	check_unique(TFS, ntf, "runtime-onnx2tf.tsv")
	# intern these domains and ops too, before the pool is printed
	for (i = 1; i <= ntrt; i++) {
		id = TRTS[i]
		TRTLINE[i] = "{ " str(KD[id]) ", " str(KO[id]) ", " ROW[id] \
		    " },"
	}
	for (i = 1; i <= ntf; i++) {
		id = TFS[i]
		TFLINE[i] = "{ " str(KD[id]) ", " str(KO[id]) ", " ROW[id] \
		    " },"
	}

	print "/* Generated by src/opdb/opdbgen.awk from src/opdb/ (TSV): " \
	    "do not edit. */"
	print ""
	print "#include <stddef.h>"
	print ""
	print "#include \"opdb/opdb.h\""
	print ""
	# Pointer-free tables: strings are offsets into one pool and
	# groups are indices, so the tables need no relocation at start-up.
	print "const char opdb_tab_pool[] ="
	print "\t\"\\0\""
	for (i = 0; i < npool; i++)
		print "\t" POOL[i] " \"\\0\""
	print "\t;"
	print ""
	print "const unsigned opdb_tab_tyl[] = {"
	for (i = 0; i < ntyl; i++)
		print "\t" TYL[i] ","
	print "\t0,"
	print "};"
	print ""
	print "const struct opdb_tc opdb_tab_tcs[] = {"
	for (i = 0; i < ntc; i++)
		print "\t" TCS[i] ","
	print "\t{ 0, 0, 0 },"
	print "};"
	print ""
	print "const struct opdb_attr opdb_tab_attrs[] = {"
	for (i = 0; i < nattr; i++)
		print "\t" ATTRS[i] ","
	print "\t{ 0, 0, 0, 0 },"
	print "};"
	print ""
	print "const struct opdb_io opdb_tab_io[] = {"
	for (i = 0; i < nio; i++)
		print "\t" IOS[i] ","
	print "\t{ 0, 0, 0, 0 },"
	print "};"

	print ""
	print "const struct opdb_schema opdb_tab_schemas[] = {"
	for (i = 1; i <= nschema; i++)
		print "\t" SLINE[i]
	if (!nschema)
		print "\t{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, " \
		    "0, 0, 0, 0, 0, 0, 0, 0 },"
	print "};"
	print "const size_t opdb_tab_nschemas = " nschema ";"

	for (r = 1; r <= NRT; r++) {
		rt = RTNAME[r]
		if (!NK[rt])
			continue
		print ""
		print "static const struct opdb_kernel k" r "[] = {"
		for (i = 1; i <= NK[rt]; i++)
			print "\t" KLINE[rt, i]
		print "};"
	}
	print ""
	print "const struct opdb_kernel *const opdb_tab_kernels[] = {"
	for (r = 1; r <= NRT; r++)
		print "\t" (NK[RTNAME[r]] ? "k" r : "NULL") ","
	print "\tNULL,"
	print "};"
	print "const size_t opdb_tab_nkernels[] = {"
	for (r = 1; r <= NRT; r++)
		print "\t" NK[RTNAME[r]] ","
	print "\t0,"
	print "};"
	print "const char *const opdb_tab_kernel_names[] = {"
	for (r = 1; r <= NRT; r++)
		print "\t\"" RTLABEL[r] "\","
	print "\tNULL,"
	print "};"
	print "const int opdb_tab_nkernel_tables = " NRT ";"

	print ""
	print "const struct opdb_trt opdb_tab_trt[] = {"
	for (i = 1; i <= ntrt; i++)
		print "\t" TRTLINE[i]
	if (!ntrt)
		print "\t{ 0, 0, 0, 0, 0, 0 },"
	print "};"
	print "const size_t opdb_tab_ntrt = " ntrt ";"

	print ""
	print "const struct opdb_tf opdb_tab_tf[] = {"
	for (i = 1; i <= ntf; i++)
		print "\t" TFLINE[i]
	if (!ntf)
		print "\t{ 0, 0, 0, 0, 0, 0, 0 },"
	print "};"
	print "const size_t opdb_tab_ntf = " ntf ";"

	print ""
	print "const struct opdb_domain opdb_tab_domains[] = {"
	for (i = 0; i < ndom; i++)
		print "\t" DOMS[i] ","
	if (!ndom)
		print "\t{ 0, 0, 0, 0, 0 },"
	print "};"
	print "const size_t opdb_tab_ndomains = " ndom ";"
}
