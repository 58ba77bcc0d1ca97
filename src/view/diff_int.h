/* SPDX-License-Identifier: MIT */
/*
 * What the files of onnxfix_diff() share, private to src/view/: the list
 * of changes (struct change), the rewrites recognised among them (struct
 * entry), the state of one comparison (struct diff, its arena holding
 * every string), one side of a pair of graphs with its node matching
 * (struct side), and the functions one file of the diff calls in another.
 * The files, lowest first (none calls into a file listed after it):
 *
 *	diff_value.c	the change list; names, types, tensors and
 *			attributes as escaped text; equal tensors, attributes
 *	diff_match.c	matching the nodes of two graphs
 *	diff_notes.c	recognising what a fix did: one entry per note
 *	diff_write.c	the report as text and as JSON
 *	diff.c		the comparison of two models, graph by graph
 */
#ifndef ONNXFIX_DIFF_INT_H
#define ONNXFIX_DIFF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "onnxfix.h"

/* The code of diagnostic ID as text: entries name fix's notes by the
 * catalogue (src/diag/diag.def), never by spelling a code. */
#define DCODE(id) (diag_table[DIAG_##id].code)

struct change {
	const char *kind;	/* "node-removed", ... (static text) */
	const char *code;	/* the fix rewrite it stands for, or NULL */
	const char *subject;	/* escaped key of that rewrite, or NULL */
	long entry;		/* the rewrite entry it belongs to, or -1 */
	const char *graph;	/* escaped location, "" for the model */
	const char *op;		/* escaped, or NULL */
	const char *name;	/* escaped, or NULL */
	const char *attr;	/* escaped, or NULL */
	const char *a, *b;	/* escaped old and new values, or NULL */
};

/* A rewrite recognised in the low-level changes: one per fix note. */
struct entry {
	const char *kind;	/* "bn-folded", ... (static text) */
	const char *code;	/* fix's note code, or NULL */
	const char *graph;
	const char *op;		/* escaped op of the subject node, or NULL */
	const char *name;	/* escaped display name, or NULL */
	const char *subject;	/* escaped: node name, else its first output */
	const char *text;	/* escaped detail, or NULL */
	bool shown;
};

struct histo {
	const char *op;		/* escaped "domain::op" */
	size_t a, b;
};

struct diff {
	struct arena arena;
	struct change *v;
	size_t n, cap;
	struct histo *h;
	size_t nh, caph;
	struct entry *e;
	size_t ne, cape;
	long cur;		/* entry that diff_add() files changes under */
	/* summary counts */
	size_t removed, added, changed, renamed, tr_removed, tr_added;
	size_t inits, interface, header;
	bool oom;
	/* what a picture of the diff needs (onnxfix_diff_picture) */
	bool picture;
	struct ir_node **matched;	/* B's nodes with a partner */
	size_t nmatched, capmatched;
	struct ir_node **rm;		/* A's nodes without one */
	struct ir_graph **rm_in;	/* the B graph compared with theirs */
	size_t nrm, caprm, caprm_in;
	struct ir_node **ch;		/* B's nodes with changes */
	const char **ch_text;
	size_t nch, capch, capch_text;
};

struct side {
	struct ir_graph *g;
	long *partner;		/* per node index: the other side's, or -1 */
};

/* The changes of one pair of graphs being filed under entries
 * (diff_notes.c). */
struct grp {
	struct diff *D;
	struct side *sa, *sb;
	const char *where;
	long *ga, *gb;		/* entry per node index, or -1 */
	struct hmap inits;	/* B initializer name -> entry + 1 */
};

/* Is N in G's node list at its index (a node of G, dead or alive)? */
static inline bool
diff_in_graph(const struct ir_graph *g, const struct ir_node *n)
{
	return n->graph == g && n->index < g->nnodes &&
	    g->nodes[n->index] == n;
}

/* Strings equal, NULL as "". */
static inline bool
diff_str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* ---- diff_value.c: the change list, values as text ---- */

/*
 * Strings of the report live in D's arena: S escaped (NULL for NULL), or
 * a printf-style text (at most 1023 bytes).  Out of memory they are NULL
 * and D->oom is set.
 */
const char *diff_esc(struct diff *D, const char *s);
const char *diff_fmt(struct diff *D, const char *f, ...)
    __attribute__((format(printf, 2, 3)));
/* A new change of KIND in GRAPH, filed under D->cur; NULL out of memory
 * (D->oom set). */
struct change *diff_add(struct diff *D, const char *kind, const char *graph);
/* "float[1,3,n,?]"; "float 64x3x3x3 #0123456789abcdef" (content hash);
 * an attribute's value ("[1,2,...]", "'text'"), NULL for NULL. */
const char *diff_type_str(struct diff *D, const struct ir_type *t);
const char *diff_tensor_str(struct diff *D, const struct ir_tensor *t);
const char *diff_attr_str(struct diff *D, const struct ir_attr *a);
/* Same element type, dims and content hash (both NULL: equal). */
bool diff_tensor_eq(const struct ir_tensor *a, const struct ir_tensor *b);
/* Same type and value; graphs are equal here (compared as subgraphs). */
bool diff_attr_eq(const struct ir_attr *x, const struct ir_attr *y);
/* How fix's notes name a node: its name, else its first output. */
const char *diff_subject_of(struct diff *D, const struct ir_node *n);
/* How the report shows a node: its name, else "-> " and its first
 * output, else "". */
const char *diff_node_name(struct diff *D, const struct ir_node *n);
/* "Op", or "domain::Op" outside the default domain. */
const char *diff_op_name(struct diff *D, const struct ir_node *n);

/* ---- diff_match.c: node matching ---- */

/* V's key in A's terms: "nI.K" (output K of A's node I), "vNAME" (input
 * or initializer), "oNAME" (made outside the graph), "-" (no value), or
 * NULL when it cannot be expressed; IS_B when V and OWN are B's. */
char *diff_value_key(struct diff *D, const struct ir_value *v,
    const struct side *own, bool is_b);
/* Fill SA->partner and SB->partner (all -1 before): by name, by first
 * output, then by structure.  0, or -1 out of memory. */
int diff_match_nodes(struct diff *D, struct side *sa, struct side *sb);

/* ---- diff_notes.c: what a fix did ---- */

/* A new entry (for a note CODE, or NULL) about node N (or NULL) in
 * WHERE; its index, or -1 out of memory. */
long diff_new_entry(struct diff *D, const char *kind, const char *code,
    const char *where, const struct ir_node *n);
/* Recognise the rewrites of G's pair of matched graphs: G->ga and G->gb
 * get the entry of each node claimed, G->inits that of initializers.
 * 0, or -1 out of memory. */
int diff_group_graph(struct grp *G);
/* The entry V's removed producer (A) or added producer (B) is filed
 * under; that of a removed (A) or added (B) consumer of V; or -1. */
long diff_value_entry(const struct grp *G, const struct ir_value *v,
    bool b_side);
long diff_user_entry(const struct grp *G, const struct ir_value *v,
    bool b_side);
/* The entry a value of B belongs to (its producer's or a reader's), or
 * of A (its producer's), by name; or -1. */
long diff_bvalue_entry(const struct grp *G, const char *name);
long diff_avalue_entry(const struct grp *G, const char *name);
/* The note code of a BatchNormalization attribute bn-normalize sets or
 * (REMOVED) drops, or NULL. */
const char *diff_bn_attr_code(const char *attr, bool removed);

/* ---- diff_write.c: the report ---- */

/* The report on FP, FA and FB naming the two models. */
void diff_write_text(struct diff *D, FILE *fp, const char *fa,
    const char *fb);
/* The report as JSON on FP, streamed (entries one at a time).  0, or -1
 * on a write error or out of memory. */
int diff_write_json(struct diff *D, FILE *fp, const char *fa,
    const char *fb);

#endif
