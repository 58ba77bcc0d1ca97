/* SPDX-License-Identifier: MIT */
/*
 * IR to Graphviz: onnxfix_dot() draws a model as DOT, SVG or PNG.  This is
 * the only file that includes cgraph.  Graph objects get synthetic names
 * (n0, in0, out0, init0, undef0, cluster_0, more0), never model names,
 * and every piece of model text that reaches a label passes through
 * lab_text(), which keeps a small set of printable ASCII and writes every
 * other byte as \\xNN, so the output is plain ASCII whatever the model
 * holds.  Subgraphs (If/Loop/Scan bodies) and function bodies become
 * clusters, built from the breadth-first graph list without recursion.
 *
 *	(x float[1,3,16,16]) --> [Conv / conv1 / W float[8,3,3,3]]
 *	    --y float[1,8,16,16]--> [Relu / relu1] --> (out float[...])
 * (an input, an op with a folded initializer, an edge label, an output)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cgraph.h>
#include <gvc.h>
#include <xxhash.h>

#include "onnxfix.h"

/*
 * Limits that keep huge models drawable: past DOT_MAX_OPS op nodes no
 * more are added, and one note node says how many were left out (the
 * DOT for a 100,000-node model stays small and quick; laying out even
 * the 2,000 drawn nodes is Graphviz's business).  Input, output,
 * initializer and undefined-value nodes and edges have limits of their
 * own, so no list in a hostile model can make the drawing unbounded.
 */
#define DOT_MAX_OPS	500	/* default of --max-nodes */
#define DOT_RADIUS	3	/* default of --radius */
#define DOT_FAST_LAYOUT	100	/* more drawn nodes: bounded layout passes */
#define DOT_MAX_VALUES	4000
#define DOT_MAX_EDGES	20000

/*
 * Initializer folding: a model with more than DOT_FOLD_INITS initializers
 * (all graphs together, as they share one picture) does not draw an
 * initializer that is read by exactly one node input (in its own graph
 * or, as an outer-scope value, in a subgraph) and is not a graph output;
 * it becomes an extra line of its consumer's label instead ("W
 * float[64,3,3,3]"), so a network's weights cost no layout and draw no
 * edges across clusters.  Other initializers, and every initializer of a
 * smaller model, are grey notes with an edge.  At most DOT_FOLD_LINES
 * such lines are listed per node, then "(+K more)".
 */
#define DOT_FOLD_INITS	30
#define DOT_FOLD_LINES	4

/* Model text is shortened to this many bytes in labels (middle cut with
 * "..."), and to DIAG_NAME_MAX in tooltips. */
#define DOT_NAME_SHORT	40
#define DOT_DIM_SHORT	16
#define DOT_MAX_DIMS	10
#define LABEL_SIZE	2048

#define FONT		"Helvetica,Arial,sans-serif"
#define OP_FILL		"#dce8f6"
#define OP_BORDER	"#3b6ea5"
#define CTRL_FILL	"#fff0c2"
#define CTRL_BORDER	"#b8860b"
#define CUSTOM_FILL	"#fbdcc4"
#define CUSTOM_BORDER	"#c0602a"
#define IN_FILL		"#d3f0d3"
#define IN_BORDER	"#3c8c3c"
#define OUT_FILL	"#f6d5e2"
#define OUT_BORDER	"#a8476e"
#define INIT_FILL	"#ececec"
#define INIT_BORDER	"#9a9a9a"
#define UNDEF_BORDER	"#cc2222"
#define CLUSTER_FILL	"#f7f7f7"
#define CLUSTER_BORDER	"#a0a0a0"
#define NOTE_FILL	"#ffffcc"
/* Borders of nodes with findings, by the worst level. */
#define FIND_ERROR	"#d01c1c"
#define FIND_WARNING	"#e08a00"
#define FIND_NOTE	"#2c7fb8"
/* Transposes; those a layout finding (P5xx) classifies take the class's
 * fill from CLASS_FILL, by code. */
#define TRANSPOSE_FILL	"#e4dcf4"
#define TRANSPOSE_BORDER	"#6a4c9c"
static const char *const class_fill[] = {
	"#f4a6a6", "#a6d8f4", "#c6f4a6", "#f4dca6", "#d8a6f4", "#a6f4e4",
};
/* Before/after drawing. */
#define NEW_FILL	"#c9f2c1"
#define NEW_BORDER	"#2a8a2a"
#define CHANGED_BORDER	"#c07000"
#define GHOST_COLOR	"#a0a0a0"
#define SCOPE_BORDER	"#b8b8b8"
/* Name scopes: at most this many levels become nested clusters. */
#define DOT_SCOPE_DEPTH	6
/* Left-out operators listed by name in the summary note. */
#define DOT_SUMMARY_OPS	6
/* Codes listed on a node's label, then "+K". */
#define DOT_MARK_CODES	3

/*
 * Object names through a discipline of our own: cgraph's default makes an
 * object's id the address of its interned name and keeps subgraphs in id
 * order, so clusters would be written in heap order.  Here ids count up
 * in creation order (even for names, odd for anonymous objects), which
 * makes the output the same on every run.
 */
struct dot_ids {
	Agdisc_t disc;		/* first: the discipline finds us through it */
	Agiddisc_t iddisc;
	Agraph_t *g;		/* the root, whose string pool holds names */
	struct arena arena;	/* the name table, drawing scratch */
	struct hmap map;	/* name -> id */
	char **names;		/* id / 2 - 1 -> name */
	size_t nnames, capnames;
	IDTYPE anon;
	bool oom;
};

/* Why an op node is not drawn (struct dgraph.hide). */
enum {
	SHOWN,
	HIDE_FOLD,		/* a Constant drawn in its consumer's label */
	HIDE_FILTER,		/* outside --focus/--radius or --ops */
	HIDE_COLLAPSE,		/* in a repeated block drawn once */
};

/*
 * A name scope ("/encoder/layer.3" of "/encoder/layer.3/attn/MatMul"):
 * prefixes of node names up to a '/'.  A scope holding at least two drawn
 * nodes, and fewer than its parent, becomes a cluster.
 */
struct scope {
	const char *name;	/* the node name it is a prefix of */
	size_t len;		/* prefix length */
	int parent;		/* enclosing scope, -1: the graph */
	int up;			/* nearest enclosing cluster scope, -1 */
	unsigned count;		/* drawn nodes inside, at any depth */
	uint64_t sig;		/* hash of their op types, in order */
	size_t first;		/* first node inside (graph position) */
	bool cluster;
	int group;		/* -1, or the first member of its group */
	unsigned members;	/* for a group's first member: how many */
	int last;		/* for a group's first member: the last one */
	size_t *nodes;		/* a group's first member: its nodes */
	unsigned nth;		/* running count while mapping */
	Agraph_t *ag;
};

/* One graph of the model as drawn. */
struct dgraph {
	struct ir_graph *g;
	Agraph_t *ag;		/* NULL: not drawn (its owner was not) */
	Agnode_t **vnode;	/* per value id: input/initializer/undefined */
	bool *vskip;		/* per value id: left out (over the limit) */
	Agnode_t **opnode;	/* per node index */
	Agnode_t *first;	/* first node made inside the cluster */
	unsigned cluster;
	unsigned char *hide;	/* per node index: SHOWN or why not */
	size_t *rep;		/* per node index: its drawn stand-in */
	int *scope;		/* per node index: its deepest scope, -1 */
	int *gmember;		/* per node index: collapse group member, -1 */
	struct hmap scopemap;	/* prefix -> scope index + 1 */
	struct scope *scopes;
	size_t nscopes, capscopes;
	unsigned stamp;		/* --ops edge search */
	unsigned *seen;
	size_t *queue;
};

/* A node removed by the rewrites, drawn ghosted (before/after). */
struct ghost {
	uintptr_t node;
	Agnode_t *an;
};

/* Operators left out, for the summary note. */
struct tally {
	const char *op;
	size_t n;
};

struct dgraph_key {
	uintptr_t key;
	struct dgraph *dg;
};

/* The findings about one node (diag.subject), sorted by node address. */
struct mark {
	uintptr_t node;
	int level;		/* worst enum diag_level */
	size_t first, n;	/* into struct dot.mark_ids */
};

struct dot {
	struct ir_model *m;
	struct diag_list *d;
	struct dot_ids ids;
	Agraph_t *root;
	struct dgraph *dg;
	struct dgraph_key *keys;	/* sorted by graph address */
	size_t ndg;
	/* attribute symbols */
	Agsym_t *g_label, *g_style, *g_color, *g_fill, *g_fontsize,
	    *g_labeljust, *g_tooltip;
	Agsym_t *n_label, *n_shape, *n_style, *n_fill, *n_color,
	    *n_fontsize, *n_tooltip, *n_penwidth, *n_fontcolor;
	Agsym_t *e_label, *e_style, *e_lhead, *e_color, *e_arrowhead,
	    *e_tooltip;
	/* counters for names and limits */
	unsigned nop, nin, nout, ninit, nundef, ncluster;
	size_t nvalues, nedges;
	size_t skip_ops, skip_values, skip_edges;
	bool fold;		/* fold single-use initializers */
	struct mark *marks;
	size_t nmarks;
	enum diag_id *mark_ids;	/* codes per mark, in report order */
	enum onnxfix_status status;
	struct onnxfix_dot_options opt;	/* defaults filled in */
	unsigned max_ops;
	size_t nfolded, nfiltered, ncollapsed;
	struct tally *tally;	/* ops over the node limit */
	size_t ntally, captally;
	uintptr_t *before;	/* sorted: live nodes before the rewrites */
	size_t nbefore;
	struct ghost *ghosts;	/* sorted by node */
	size_t nghosts;
	bool classes[50];	/* P500-P549 seen on drawn Transposes */
	size_t nnew, nchanged;
};

/*
 * The look of an op node.  This is the one place that decides it: the
 * kind of operator sets the fill, the worst finding about the node the
 * border (error red, warning orange, note blue, thicker than plain).
 */
struct dot_style {
	const char *fill;	/* NULL: the default (OP_FILL) */
	const char *border;	/* NULL: the default (OP_BORDER) */
	const char *penwidth;	/* NULL: the default */
};

struct label {
	char s[LABEL_SIZE];
	size_t n;
	bool full;		/* something did not fit */
};

/* Graphviz's last complaint, for the diagnostic when a call fails. */
static char gv_msg[256];

static int
gv_err(char *msg)
{
	size_t n;

	snprintf(gv_msg, sizeof(gv_msg), "%s", msg != NULL ? msg : "");
	n = strlen(gv_msg);
	while (n > 0 && (gv_msg[n - 1] == '\n' || gv_msg[n - 1] == ' '))
		gv_msg[--n] = '\0';
	return 0;
}

/* ---- the id discipline ---- */

static void *
ids_open(Agraph_t *g, Agdisc_t *disc)
{
	struct dot_ids *ids = (struct dot_ids *)disc;	/* starts with it */

	ids->g = g;
	return ids;
}

static long
ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct dot_ids *ids = state;
	char *copy;
	void *v;

	(void)objtype;
	if (str == NULL) {
		*id = ids->anon;
		ids->anon += 2;
		return 1;
	}
	if ((v = hmap_get(&ids->map, str)) != NULL) {
		*id = (IDTYPE)(uintptr_t)v;
		return 1;
	}
	if (!createflag)
		return 0;
	/* cgraph reads flags stored in front of a name (is it HTML?), so
	 * names must come from its own string pool. */
	copy = agstrdup(ids->g, str);
	if (copy == NULL || arena_grow(&ids->arena, (void **)&ids->names,
	    &ids->capnames, ids->nnames + 1, sizeof(*ids->names)) < 0)
		goto oom;
	ids->names[ids->nnames++] = copy;
	*id = (IDTYPE)ids->nnames * 2;
	if (hmap_put(&ids->map, copy, (void *)(uintptr_t)*id, NULL) < 0)
		goto oom;
	return 1;
oom:
	ids->oom = true;
	return 0;
}

static long
ids_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 0;
}

static void
ids_free(void *state, int objtype, IDTYPE id)
{
	struct dot_ids *ids = state;

	/* The name table itself goes with the arena, after agclose(). */
	(void)objtype;
	if (id % 2 == 0 && id != 0 && id / 2 <= ids->nnames &&
	    ids->names[id / 2 - 1] != NULL) {
		agstrfree(ids->g, ids->names[id / 2 - 1]);
		ids->names[id / 2 - 1] = NULL;
	}
}

static char *
ids_print(void *state, int objtype, IDTYPE id)
{
	struct dot_ids *ids = state;

	(void)objtype;
	if (id % 2 != 0 || id == 0 || id / 2 > ids->nnames)
		return NULL;
	return ids->names[id / 2 - 1];
}

static void
ids_close(void *state)
{
	(void)state;
}

static void
ids_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static void
ids_init(struct dot_ids *ids, struct budget *budget)
{
	memset(ids, 0, sizeof(*ids));
	ids->iddisc.open = ids_open;
	ids->iddisc.map = ids_map;
	ids->iddisc.alloc = ids_alloc;
	ids->iddisc.free = ids_free;
	ids->iddisc.print = ids_print;
	ids->iddisc.close = ids_close;
	ids->iddisc.idregister = ids_register;
	ids->disc.mem = &AgMemDisc;
	ids->disc.id = &ids->iddisc;
	ids->disc.io = &AgIoDisc;
	arena_init(&ids->arena, budget);
	hmap_init(&ids->map, &ids->arena);
	ids->anon = 1;
}

/* ---- errors ---- */

/* Record the first failure; returns -1 for "return fail(...)". */
static int
fail(struct dot *D, enum onnxfix_status st, const char *what)
{
	char esc[DIAG_ESCAPE_SIZE];

	if (D->status != ONNXFIX_OK)
		return -1;
	if (D->ids.oom)
		st = ONNXFIX_EBUDGET;
	D->status = st;
	if (st == ONNXFIX_EBUDGET)
		diag_report(D->d, DIAG_LOAD_BUDGET, "", "while drawing: %s",
		    what);
	else if (gv_msg[0] != '\0')
		diag_report(D->d, DIAG_OUT_RENDER, "", "%s: %s", what,
		    diag_escape_str(esc, sizeof(esc), gv_msg));
	else
		diag_report(D->d, DIAG_OUT_RENDER, "", "%s", what);
	return -1;
}

/* ---- labels ---- */

/* Bytes shown as they are; everything else becomes \\xNN. */
static bool
safe_byte(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr(" _./:;,()[]{}+*=<>#@!?~^|-", c) != NULL;
}

/* Append our own text (no model bytes), all or nothing. */
static void
lab_lit(struct label *l, const char *s)
{
	size_t n = strlen(s);

	if (l->full || l->n + n >= sizeof(l->s)) {
		l->full = true;
		return;
	}
	memcpy(l->s + l->n, s, n + 1);
	l->n += n;
}

/*
 * Append N bytes of model text.  A backslash starts an escape in a
 * Graphviz label (\n, \N, \G, ...), so the escape is written with a
 * doubled backslash, which the label shows as one: "\\x1b" reads \x1b.
 */
static void
lab_bytes(struct label *l, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && !l->full; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];

		if (safe_byte(c)) {
			e[0] = (char)c;
			e[1] = '\0';
		} else {
			e[0] = '\\';
			e[1] = '\\';
			e[2] = 'x';
			e[3] = hex[c >> 4];
			e[4] = hex[c & 15];
			e[5] = '\0';
		}
		lab_lit(l, e);
	}
}

/* N bytes of model text at S, cut in the middle to MAX; true when cut. */
static bool
lab_span(struct label *l, const char *s, size_t n, size_t max)
{
	size_t head, tail;

	if (n <= max) {
		lab_bytes(l, s, n);
		return false;
	}
	head = (max - 3) * 2 / 3;
	tail = max - 3 - head;
	lab_bytes(l, s, head);
	lab_lit(l, "...");
	lab_bytes(l, s + n - tail, tail);
	return true;
}

/* Model string S, cut in the middle to MAX bytes; true when cut. */
static bool
lab_text(struct label *l, const char *s, size_t max)
{
	return lab_span(l, s, s != NULL ? strlen(s) : 0, max);
}

static void
lab_num(struct label *l, long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", v);
	lab_lit(l, b);
}

static void
lab_elem(struct label *l, int32_t elem)
{
	const char *name = elem != 0 ? ir_elem_name(elem) : NULL;

	if (name != NULL) {
		lab_lit(l, name);
	} else if (elem == 0) {
		lab_lit(l, "?");
	} else {
		lab_lit(l, "elem");
		lab_num(l, elem);
	}
}

static bool
type_known(const struct ir_type *t)
{
	if (t->kind == IR_TYPE_NONE)
		return false;
	if (t->kind == IR_TYPE_TENSOR && t->elem == 0 && t->rank < 0)
		return false;
	return true;
}

/* "float[1,3,n,?]": symbolic dims by name, unknown ones as ?. */
static void
lab_type(struct label *l, const struct ir_type *t)
{
	int i;

	switch (t->kind) {
	case IR_TYPE_NONE:
		return;
	case IR_TYPE_SEQUENCE:
		lab_lit(l, "sequence");
		return;
	case IR_TYPE_MAP:
		lab_lit(l, "map");
		return;
	case IR_TYPE_OPTIONAL:
		lab_lit(l, "optional");
		return;
	case IR_TYPE_OPAQUE:
		lab_lit(l, "opaque");
		return;
	case IR_TYPE_SPARSE:
		lab_lit(l, "sparse ");
		break;
	case IR_TYPE_TENSOR:
		break;
	}
	lab_elem(l, t->elem);
	if (t->rank < 0 || t->dims == NULL)
		return;
	lab_lit(l, "[");
	for (i = 0; i < t->rank && i < DOT_MAX_DIMS; i++) {
		const struct ir_dim *dm = &t->dims[i];

		if (i > 0)
			lab_lit(l, ",");
		if (dm->kind == IR_DIM_VALUE)
			lab_num(l, dm->value);
		else if (dm->kind == IR_DIM_PARAM && dm->param != NULL &&
		    dm->param[0] != '\0')
			lab_text(l, dm->param, DOT_DIM_SHORT);
		else
			lab_lit(l, "?");
	}
	if (t->rank > DOT_MAX_DIMS) {
		lab_lit(l, ",...rank ");
		lab_num(l, t->rank);
	}
	lab_lit(l, "]");
}

/* An initializer's type: the value's, else the tensor's own dims. */
static void
lab_init_type(struct label *l, const struct ir_value *v)
{
	const struct ir_tensor *t = v->init;
	int i;

	if (type_known(&v->type) || t == NULL) {
		lab_type(l, &v->type);
		return;
	}
	lab_elem(l, t->elem);
	lab_lit(l, "[");
	for (i = 0; i < t->rank && i < DOT_MAX_DIMS; i++) {
		if (i > 0)
			lab_lit(l, ",");
		lab_num(l, t->dims[i]);
	}
	if (t->rank > DOT_MAX_DIMS)
		lab_lit(l, ",...");
	lab_lit(l, "]");
}

/* ---- cgraph helpers ---- */

static int
set(struct dot *D, void *obj, Agsym_t *sym, const char *v)
{
	if (agxset(obj, sym, (char *)v) != 0)
		return fail(D, ONNXFIX_EIO, "cannot set an attribute");
	return 0;
}

static Agsym_t *
declare(struct dot *D, int kind, const char *name, const char *def)
{
	Agsym_t *s = agattr(D->root, kind, (char *)name, (char *)def);

	if (s == NULL)
		fail(D, ONNXFIX_EIO, "cannot declare an attribute");
	return s;
}

static int
declare_all(struct dot *D)
{
	/* Graph-wide settings first; they are not set per object. */
	declare(D, AGRAPH, "rankdir", "TB");
	declare(D, AGRAPH, "compound", "true");
	declare(D, AGRAPH, "fontname", FONT);
	declare(D, AGRAPH, "nodesep", "0.3");
	declare(D, AGRAPH, "ranksep", "0.35");
	declare(D, AGRAPH, "labelloc", "t");
	D->g_label = declare(D, AGRAPH, "label", "");
	D->g_style = declare(D, AGRAPH, "style", "");
	D->g_color = declare(D, AGRAPH, "color", "");
	D->g_fill = declare(D, AGRAPH, "fillcolor", "");
	D->g_fontsize = declare(D, AGRAPH, "fontsize", "14");
	D->g_labeljust = declare(D, AGRAPH, "labeljust", "");
	D->g_tooltip = declare(D, AGRAPH, "tooltip", "");
	declare(D, AGNODE, "fontname", FONT);
	D->n_label = declare(D, AGNODE, "label", "\\N");
	D->n_shape = declare(D, AGNODE, "shape", "box");
	D->n_style = declare(D, AGNODE, "style", "rounded,filled");
	D->n_fill = declare(D, AGNODE, "fillcolor", OP_FILL);
	D->n_color = declare(D, AGNODE, "color", OP_BORDER);
	D->n_fontsize = declare(D, AGNODE, "fontsize", "10");
	D->n_tooltip = declare(D, AGNODE, "tooltip", "");
	D->n_penwidth = declare(D, AGNODE, "penwidth", "1");
	D->n_fontcolor = declare(D, AGNODE, "fontcolor", "black");
	declare(D, AGNODE, "height", "0.3");
	declare(D, AGEDGE, "fontname", FONT);
	declare(D, AGEDGE, "fontsize", "8");
	declare(D, AGEDGE, "fontcolor", "#404040");
	declare(D, AGEDGE, "arrowsize", "0.6");
	D->e_label = declare(D, AGEDGE, "label", "");
	D->e_style = declare(D, AGEDGE, "style", "");
	D->e_lhead = declare(D, AGEDGE, "lhead", "");
	D->e_color = declare(D, AGEDGE, "color", "#707070");
	D->e_arrowhead = declare(D, AGEDGE, "arrowhead", "normal");
	D->e_tooltip = declare(D, AGEDGE, "tooltip", "");
	return D->status == ONNXFIX_OK ? 0 : -1;
}

static Agnode_t *
mknode_in(struct dot *D, struct dgraph *dg, Agraph_t *ag, const char *prefix,
    unsigned k)
{
	char id[32];
	Agnode_t *n;

	snprintf(id, sizeof(id), "%s%u", prefix, k);
	n = agnode(ag, id, 1);
	if (n == NULL) {
		fail(D, ONNXFIX_EIO, "cannot add a node");
		return NULL;
	}
	if (dg != NULL && dg->first == NULL)
		dg->first = n;
	return n;
}

static Agnode_t *
mknode(struct dot *D, struct dgraph *dg, const char *prefix, unsigned k)
{
	return mknode_in(D, dg, dg != NULL ? dg->ag : D->root, prefix, k);
}

static Agedge_t *
mkedge(struct dot *D, Agnode_t *t, Agnode_t *h)
{
	Agedge_t *e;

	if (D->nedges >= DOT_MAX_EDGES) {
		D->skip_edges++;
		return NULL;
	}
	e = agedge(D->root, t, h, NULL, 1);
	if (e == NULL) {
		fail(D, ONNXFIX_EIO, "cannot add an edge");
		return NULL;
	}
	D->nedges++;
	return e;
}

static int
dgraph_cmp(const void *a, const void *b)
{
	uintptr_t x = ((const struct dgraph_key *)a)->key;
	uintptr_t y = ((const struct dgraph_key *)b)->key;

	return x < y ? -1 : x > y;
}

static struct dgraph *
find_dgraph(const struct dot *D, const struct ir_graph *g)
{
	struct dgraph_key k, *r;

	k.key = (uintptr_t)g;
	r = bsearch(&k, D->keys, D->ndg, sizeof(*D->keys), dgraph_cmp);
	return r != NULL ? r->dg : NULL;
}

/* ---- drawing ---- */

/* The drawn node of op N of DG's graph, NULL when not drawn. */
static Agnode_t *
op_of(const struct dgraph *dg, const struct ir_node *n)
{
	if (n == NULL || n->dead || n->graph != dg->g ||
	    n->index >= dg->g->nnodes || dg->g->nodes[n->index] != n)
		return NULL;
	return dg->opnode[n->index];
}

static const struct mark *
find_mark(const struct dot *D, const struct ir_node *n)
{
	size_t lo = 0, hi = D->nmarks;
	uintptr_t key = (uintptr_t)n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (D->marks[mid].node == key)
			return &D->marks[mid];
		if (D->marks[mid].node < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * Index the findings that name a node (diag.subject) so each op node can
 * show them.  Findings about nodes of other models cannot occur: the list
 * is the one the caller filled for this model.
 */
static int
index_marks(struct dot *D)
{
	struct diag_list *d = D->d;
	struct arena *a = &D->ids.arena;
	size_t i, j, n = 0, k;

	if (d == NULL)
		return 0;
	for (i = 0; i < d->n; i++)
		if (d->v[i].subject != NULL)
			n++;
	if (n == 0)
		return 0;
	D->marks = arena_array(a, n, sizeof(*D->marks));
	D->mark_ids = arena_array(a, n, sizeof(*D->mark_ids));
	if (D->marks == NULL || D->mark_ids == NULL)
		return -1;
	/* One mark per node: sort (node, report order) pairs. */
	for (i = 0, k = 0; i < d->n; i++) {
		if (d->v[i].subject == NULL)
			continue;
		D->marks[k].node = (uintptr_t)d->v[i].subject;
		D->marks[k].first = i;	/* report position, for now */
		k++;
	}
	qsort(D->marks, n, sizeof(*D->marks), mark_cmp);
	for (i = 0, k = 0; i < n; i = j) {
		struct mark m = D->marks[i];
		size_t first = k;

		m.level = -1;
		for (j = i; j < n && D->marks[j].node == m.node; j++) {
			const struct diag *x = &d->v[D->marks[j].first];
			int lv = (int)diag_table[x->id].level;
			size_t q;

			if (lv > m.level)
				m.level = lv;
			for (q = first; q < k; q++)
				if (D->mark_ids[q] == x->id)
					break;
			if (q == k)
				D->mark_ids[k++] = x->id;
		}
		m.first = first;
		m.n = k - first;
		D->marks[D->nmarks++] = m;
	}
	/* qsort is not stable: list each node's codes in code order. */
	for (i = 0; i < D->nmarks; i++) {
		enum diag_id *v = D->mark_ids + D->marks[i].first;
		size_t nn = D->marks[i].n, x, y;

		for (x = 1; x < nn; x++)
			for (y = x; y > 0 && v[y - 1] > v[y]; y--) {
				enum diag_id t = v[y];

				v[y] = v[y - 1];
				v[y - 1] = t;
			}
	}
	return 0;
}

/* Is NAME one of the comma-separated LIST? */
static bool
in_list(const char *list, const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && n > 0 && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool
is_op(const struct ir_node *n, const char *op)
{
	return n->op_type != NULL && strcmp(n->op_type, op) == 0 &&
	    ir_domain_is_onnx(n->domain);
}

/* Uses of V as a node input (not the owners' implicit records). */
static size_t
direct_uses(const struct ir_value *v, const struct ir_use **first)
{
	size_t i, k = 0;

	for (i = 0; i < v->nuses; i++)
		if (v->uses[i].index >= 0) {
			if (k++ == 0 && first != NULL)
				*first = &v->uses[i];
		}
	return k;
}

/*
 * A Constant whose one output is read by exactly one node of its own
 * graph and is no graph output: drawn as a line of that node's label.
 */
static bool
const_folded(const struct ir_node *n)
{
	const struct ir_value *v;
	const struct ir_use *u = NULL;

	if (!is_op(n, "Constant") || n->ninputs != 0 || n->noutputs != 1 ||
	    (v = n->outputs[0]) == NULL || v->noutputs != 0 ||
	    v->nuses != 1 || direct_uses(v, &u) != 1 ||
	    u->node->graph != n->graph || u->node->dead)
		return false;
	return n->nattrs == 1;
}

/* V is drawn as a line of its consumer's label: a single-use
 * initializer or folded Constant. */
static bool
folded(const struct dot *D, const struct ir_value *v)
{
	if (v->kind == IR_VALUE_NODE)
		return v->producer != NULL && !v->producer->dead &&
		    const_folded(v->producer);
	if (!D->fold || v->kind != IR_VALUE_INITIALIZER || v->init == NULL ||
	    v->noutputs != 0)
		return false;
	return direct_uses(v, NULL) == 1;
}

/* The first layout class (P5xx) among the findings about N, or -1. */
static int
mark_class(const struct dot *D, const struct ir_node *n)
{
	const struct mark *mk = find_mark(D, n);
	size_t i;

	if (mk == NULL)
		return -1;
	for (i = 0; i < mk->n; i++) {
		const char *c = diag_table[D->mark_ids[mk->first + i]].code;

		if (c[0] == 'P' && c[1] == '5' && c[2] >= '0' && c[2] <= '4' &&
		    c[3] >= '0' && c[3] <= '9' && c[4] == '\0')
			return (c[2] - '0') * 10 + (c[3] - '0');
	}
	return -1;
}

static bool
was_before(const struct dot *D, const struct ir_node *n)
{
	size_t lo = 0, hi = D->nbefore;
	uintptr_t key = (uintptr_t)n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (D->before[mid] == key)
			return true;
		if (D->before[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void
op_style(const struct dot *D, const struct ir_node *n, struct dot_style *s)
{
	const struct mark *mk = find_mark(D, n);
	int cls;

	memset(s, 0, sizeof(*s));
	if (mk != NULL) {
		s->border = mk->level >= DIAG_ERROR ? FIND_ERROR :
		    mk->level == DIAG_WARNING ? FIND_WARNING : FIND_NOTE;
		s->penwidth = mk->level >= DIAG_WARNING ? "3" : "2";
	}
	if (ir_node_subgraphs(n, NULL, 0) > 0) {
		s->fill = CTRL_FILL;
		s->border = CTRL_BORDER;
	} else if (!ir_domain_is_onnx(n->domain)) {
		s->fill = CUSTOM_FILL;
		if (s->border == NULL)
			s->border = CUSTOM_BORDER;
	} else if (is_op(n, "Transpose")) {
		cls = mark_class(D, n);
		s->fill = cls >= 0 ? class_fill[cls % (int)(sizeof(class_fill) /
		    sizeof(class_fill[0]))] : TRANSPOSE_FILL;
		if (s->border == NULL)
			s->border = TRANSPOSE_BORDER;
	}
	if (D->opt.diff) {
		if (!was_before(D, n)) {
			s->fill = NEW_FILL;
			s->border = NEW_BORDER;
			s->penwidth = "3";
		} else if (n->dirty) {
			s->border = CHANGED_BORDER;
			s->penwidth = "3";
		}
	}
}

/* "64x3x3x3", "scalar". */
static void
lab_dims(struct label *l, int rank, const int64_t *dims)
{
	int i;

	if (rank == 0) {
		lab_lit(l, "scalar");
		return;
	}
	for (i = 0; i < rank && i < DOT_MAX_DIMS; i++) {
		if (i > 0)
			lab_lit(l, "x");
		lab_num(l, dims[i]);
	}
	if (rank > DOT_MAX_DIMS)
		lab_lit(l, "x...");
}

/* "= 1,-1" for a tensor of at most four readable elements; false when
 * the values cannot be shown. */
static bool
lab_values(struct label *l, const struct ir_tensor *t)
{
	uint64_t count, i;
	char b[40];
	double x;

	if (ir_tensor_count(t, &count, NULL) < 0 || count == 0 || count > 4)
		return false;
	for (i = 0; i < count; i++)
		if (ir_tensor_get_f64(t, i, &x) < 0)
			return false;
	lab_lit(l, "= ");
	for (i = 0; i < count; i++) {
		ir_tensor_get_f64(t, i, &x);
		if (x > -9e18 && x < 9e18 && x == (double)(long long)x)
			snprintf(b, sizeof(b), "%s%lld", i > 0 ? "," : "",
			    (long long)x);
		else if (x >= 9e18 || x <= -9e18)
			snprintf(b, sizeof(b), "%s%s", i > 0 ? "," : "",
			    x > 0 ? "max" : "min");
		else
			snprintf(b, sizeof(b), "%s%.4g", i > 0 ? "," : "", x);
		lab_lit(l, b);
	}
	return true;
}

/* One folded line: "W 64x3x3x3", "shape int64 2 = 1,-1". */
static void
lab_fold(struct label *l, const struct ir_value *v)
{
	const struct ir_tensor *t = v->init;
	const struct ir_attr *a = NULL;

	if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    v->producer->nattrs == 1) {
		a = &v->producer->attrs[0];
		t = a->type == IR_ATTR_TENSOR ? a->t : NULL;
	}
	lab_text(l, v->name, DOT_NAME_SHORT / 2);
	lab_lit(l, " ");
	if (t != NULL) {
		if (lab_values(l, t))
			return;
		if (t->elem != IR_ELEM_FLOAT) {
			lab_elem(l, t->elem);
			lab_lit(l, " ");
		}
		lab_dims(l, t->rank, t->dims);
		return;
	}
	if (a == NULL) {
		lab_init_type(l, v);
		return;
	}
	switch (a->type) {
	case IR_ATTR_FLOAT: {
		char b[40];

		snprintf(b, sizeof(b), "= %.4g", (double)a->f);
		lab_lit(l, b);
		break;
	}
	case IR_ATTR_INT:
		lab_lit(l, "= ");
		lab_num(l, a->i);
		break;
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		lab_lit(l, "list of ");
		lab_num(l, (long long)a->n);
		break;
	default:
		lab_text(l, a->name, DOT_NAME_SHORT / 2);
		break;
	}
}

/*
 * The codes of the findings about N as a last label line ("B601 P503",
 * then "+K"), and their text in the tooltip, so a picture can be read
 * beside the report.
 */
static void
mark_label(const struct dot *D, const struct ir_node *n, struct label *l,
    struct label *tip)
{
	const struct mark *mk = find_mark(D, n);
	size_t i;

	if (mk == NULL)
		return;
	lab_lit(l, "\\n");
	for (i = 0; i < mk->n && i < DOT_MARK_CODES; i++) {
		if (i > 0)
			lab_lit(l, " ");
		lab_lit(l, diag_table[D->mark_ids[mk->first + i]].code);
	}
	if (mk->n > DOT_MARK_CODES) {
		lab_lit(l, " +");
		lab_num(l, (long long)(mk->n - DOT_MARK_CODES));
	}
	for (i = 0; i < mk->n; i++) {
		const struct diag_info *info =
		    &diag_table[D->mark_ids[mk->first + i]];

		if (tip->n > 0)
			lab_lit(tip, "\\n");
		lab_lit(tip, info->code);
		lab_lit(tip, " ");
		lab_lit(tip, info->text);
	}
}

/* ---- what is drawn: folding, --focus, --ops, scopes, --collapse ---- */

/* Add N's op type to the tally of nodes over the node limit. */
static void
tally_add(struct dot *D, const struct ir_node *n)
{
	const char *op = n->op_type != NULL ? n->op_type : "";
	size_t i;

	for (i = 0; i < D->ntally; i++)
		if (strcmp(D->tally[i].op, op) == 0) {
			D->tally[i].n++;
			return;
		}
	if (D->ntally >= 256 || arena_grow(&D->ids.arena, (void **)&D->tally,
	    &D->captally, D->ntally + 1, sizeof(*D->tally)) < 0)
		return;		/* the note lists the most frequent only */
	D->tally[D->ntally].op = op;
	D->tally[D->ntally].n = 1;
	D->ntally++;
}

static int
tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->op, y->op);
}

/* Does N or one of its outputs carry the name FOCUS? */
static bool
names_focus(const struct ir_node *n, const char *focus)
{
	size_t i;

	if (n->name != NULL && strcmp(n->name, focus) == 0)
		return true;
	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i] != NULL &&
		    strcmp(n->outputs[i]->name, focus) == 0)
			return true;
	return false;
}

/*
 * --focus: keep the nodes within opt.radius hops (inputs and consumers,
 * breadth-first with an explicit queue) of the node named FOCUS, or of the
 * producer or consumers of the tensor named FOCUS, in the graph that
 * holds it; the owners of the enclosing graphs stay so that its cluster
 * is drawn.  Everything else is hidden.  Returns -1 when nothing has the
 * name (a diagnostic says so).
 */
static int
select_focus(struct dot *D)
{
	const char *focus = D->opt.focus;
	struct dgraph *fg = NULL;
	size_t *queue, *dist, qh = 0, qt = 0, i, j, k, gi;
	bool *keep_owner;
	struct arena *a = &D->ids.arena;

	for (gi = 0; gi < D->ndg && fg == NULL; gi++) {
		struct ir_graph *g = D->dg[gi].g;

		for (i = 0; i < g->nnodes; i++)
			if (!g->nodes[i]->dead &&
			    names_focus(g->nodes[i], focus)) {
				fg = &D->dg[gi];
				break;
			}
		for (i = 0; fg == NULL && i < g->nvalues; i++)
			if (g->values[i]->kind != IR_VALUE_NODE &&
			    strcmp(g->values[i]->name, focus) == 0)
				fg = &D->dg[gi];
	}
	if (fg == NULL) {
		char esc[DIAG_ESCAPE_SIZE];

		D->status = ONNXFIX_EIO;
		diag_report(D->d, DIAG_OUT_RENDER, "",
		    "--focus: no node or tensor named '%s'",
		    diag_escape_str(esc, sizeof(esc), focus));
		return -1;
	}
	queue = arena_array(a, fg->g->nnodes + 1, sizeof(*queue));
	dist = arena_array(a, fg->g->nnodes + 1, sizeof(*dist));
	keep_owner = arena_array(a, D->ndg + 1, sizeof(*keep_owner));
	if (queue == NULL || dist == NULL || keep_owner == NULL)
		return fail(D, ONNXFIX_EBUDGET, "focus");
	for (i = 0; i < fg->g->nnodes; i++) {
		struct ir_node *n = fg->g->nodes[i];

		dist[i] = SIZE_MAX;
		if (n->dead)
			continue;
		if (names_focus(n, focus)) {
			dist[i] = 0;
			queue[qt++] = i;
			continue;
		}
		for (j = 0; j < n->ninputs; j++)
			if (n->inputs[j] != NULL &&
			    n->inputs[j]->kind != IR_VALUE_NODE &&
			    strcmp(n->inputs[j]->name, focus) == 0) {
				dist[i] = 0;
				queue[qt++] = i;
				break;
			}
	}
	while (qh < qt) {
		struct ir_node *n = fg->g->nodes[queue[qh]];
		size_t d0 = dist[queue[qh++]];

		if (d0 >= D->opt.radius)
			continue;
		for (j = 0; j < n->ninputs + n->noutputs; j++) {
			struct ir_value *v = j < n->ninputs ? n->inputs[j] :
			    n->outputs[j - n->ninputs];
			struct ir_node *p;

			if (v == NULL || v->graph != fg->g)
				continue;
			p = v->producer;
			if (j < n->ninputs && v->kind == IR_VALUE_NODE &&
			    p != NULL && !p->dead && dist[p->index] ==
			    SIZE_MAX) {
				dist[p->index] = d0 + 1;
				queue[qt++] = p->index;
			}
			if (j < n->ninputs)
				continue;
			for (k = 0; k < v->nuses; k++) {
				struct ir_node *c = v->uses[k].node;

				if (c->graph == fg->g && !c->dead &&
				    dist[c->index] == SIZE_MAX) {
					dist[c->index] = d0 + 1;
					queue[qt++] = c->index;
				}
			}
		}
	}
	for (i = 0; i < fg->g->nnodes; i++)
		if (dist[i] == SIZE_MAX && fg->hide[i] == SHOWN)
			fg->hide[i] = HIDE_FILTER;
	/* Graphs other than fg's: keep the owner chain above fg, hide every
	 * graph not below a kept node (those are not drawn at all). */
	{
		struct ir_graph *g = fg->g;

		while (g->kind == IR_GRAPH_SUB && g->owner != NULL) {
			struct dgraph *pg = find_dgraph(D, g->owner->graph);

			if (pg == NULL)
				break;
			keep_owner[pg - D->dg] = true;
			for (i = 0; i < pg->g->nnodes; i++)
				if (pg->g->nodes[i] != g->owner &&
				    pg->hide[i] == SHOWN)
					pg->hide[i] = HIDE_FILTER;
			g = g->owner->graph;
		}
	}
	for (gi = 0; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];
		struct ir_graph *g = dg->g;
		struct dgraph *pg;

		if (dg == fg || keep_owner[gi])
			continue;
		if (g->kind == IR_GRAPH_SUB && g->owner != NULL &&
		    (pg = find_dgraph(D, g->owner->graph)) != NULL &&
		    !g->owner->dead && pg->hide[g->owner->index] == SHOWN)
			continue;	/* below a kept node: drawn */
		for (i = 0; i < g->nnodes; i++)
			if (dg->hide[i] == SHOWN)
				dg->hide[i] = HIDE_FILTER;
	}
	return 0;
}

/* The scope (prefix of NAME of length LEN) in DG, made when absent. */
static int
scope_get(struct dot *D, struct dgraph *dg, const char *name, size_t len,
    int parent, size_t pos)
{
	struct scope *sc;
	char key[512];
	void *v;
	char *copy;

	/* The prefix names the scope (and so its parent too). */
	if (len >= sizeof(key))
		return -1;
	memcpy(key, name, len);
	key[len] = '\0';
	if ((v = hmap_get(&dg->scopemap, key)) != NULL)
		return (int)((uintptr_t)v - 1);
	if ((copy = arena_strndup(&D->ids.arena, name, len)) == NULL ||
	    hmap_put(&dg->scopemap, copy,
	    (void *)(uintptr_t)(dg->nscopes + 1), NULL) < 0 ||
	    arena_grow(&D->ids.arena, (void **)&dg->scopes, &dg->capscopes,
	    dg->nscopes + 1, sizeof(*dg->scopes)) < 0)
		return -2;
	sc = &dg->scopes[dg->nscopes];
	memset(sc, 0, sizeof(*sc));
	sc->name = name;
	sc->len = len;
	sc->parent = parent;
	sc->up = -1;
	sc->first = pos;
	sc->group = -1;
	sc->last = -1;
	return (int)dg->nscopes++;
}

/* Digits at the end of the scope's last component: "layer.3". */
static bool
scope_stem(const struct scope *sc, size_t *start, size_t *stem)
{
	size_t s = sc->len, e = sc->len;

	while (s > 0 && sc->name[s - 1] != '/')
		s--;
	while (e > s && sc->name[e - 1] >= '0' && sc->name[e - 1] <= '9')
		e--;
	*start = s;
	*stem = e;
	return e < sc->len && e > s;
}

/*
 * Name scopes of DG's drawn nodes, which ones become clusters, and with
 * --collapse the repeated ones: siblings whose last components differ
 * only in a trailing number ("layer.0" ... "layer.11") and whose nodes
 * have the same op types in the same order.  A group's first member is
 * drawn (labelled "x12"), the others' nodes are hidden and stand in by
 * the first member's node at the same position.
 */
static int
build_scopes(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	unsigned total = 0;
	size_t i, j;

	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		const char *nm = n->name;
		int parent = -1, depth = 0;
		size_t k;

		dg->scope[i] = -1;
		dg->gmember[i] = -1;
		if (n->dead || dg->hide[i] != SHOWN)
			continue;
		total++;
		if (nm == NULL)
			continue;
		for (k = 1; nm[k] != '\0' && depth < DOT_SCOPE_DEPTH; k++) {
			int s;

			if (nm[k] != '/' || nm[k - 1] == '/')
				continue;
			s = scope_get(D, dg, nm, k, parent, i);
			if (s == -2)
				return fail(D, ONNXFIX_EBUDGET, "scopes");
			if (s < 0)
				break;
			dg->scopes[s].count++;
			dg->scopes[s].sig = dg->scopes[s].sig * 1000003u ^
			    XXH3_64bits(n->op_type, strlen(n->op_type));
			parent = s;
			depth++;
		}
		dg->scope[i] = parent;
	}
	for (i = 0; i < dg->nscopes; i++) {
		struct scope *sc = &dg->scopes[i];
		unsigned pc = sc->parent >= 0 ?
		    dg->scopes[sc->parent].count : total;

		sc->cluster = sc->count >= 2 && sc->count < pc;
		sc->up = sc->parent;
		while (sc->up >= 0 && !dg->scopes[sc->up].cluster)
			sc->up = dg->scopes[sc->up].parent;
	}
	if (!D->opt.collapse || dg->nscopes > 20000)
		return 0;
	/* Groups: quadratic in the siblings of one parent, bounded above. */
	for (i = 0; i < dg->nscopes; i++) {
		struct scope *a = &dg->scopes[i];
		size_t as, ae;

		if (!a->cluster || a->group >= 0 || !scope_stem(a, &as, &ae))
			continue;
		for (j = i + 1; j < dg->nscopes; j++) {
			struct scope *b = &dg->scopes[j];
			size_t bs, be;

			if (!b->cluster || b->group >= 0 || b->up != a->up ||
			    b->count != a->count || b->sig != a->sig ||
			    !scope_stem(b, &bs, &be) || ae - as != be - bs ||
			    memcmp(a->name + as, b->name + bs, ae - as) != 0)
				continue;
			if (a->group < 0) {
				a->group = (int)i;
				a->members = 1;
			}
			b->group = (int)i;
			a->members++;
			a->last = (int)j;
		}
		if (a->group >= 0 && (a->nodes = arena_array(&D->ids.arena,
		    a->count, sizeof(*a->nodes))) == NULL)
			return fail(D, ONNXFIX_EBUDGET, "scopes");
	}
	/* Each node's outermost group member; positions within it. */
	for (i = 0; i < g->nnodes; i++) {
		int s = dg->scope[i], m = -1;
		struct scope *ms, *first;

		for (; s >= 0; s = dg->scopes[s].parent)
			if (dg->scopes[s].group >= 0)
				m = s;
		if (m < 0)
			continue;
		dg->gmember[i] = m;
		ms = &dg->scopes[m];
		first = &dg->scopes[ms->group];
		if (ms->nth >= first->count)
			continue;	/* cannot happen: counts are equal */
		if (ms == first) {
			first->nodes[ms->nth++] = i;
		} else {
			dg->rep[i] = first->nodes[ms->nth++];
			dg->hide[i] = HIDE_COLLAPSE;
			D->ncollapsed++;
		}
	}
	/* A stand-in can itself be in an inner collapsed group. */
	for (i = 0; i < g->nnodes; i++) {
		size_t r = i, steps = 0;

		if (dg->hide[i] != HIDE_COLLAPSE)
			continue;
		while (dg->hide[r] == HIDE_COLLAPSE && steps++ < 64)
			r = dg->rep[r];
		dg->rep[i] = r;
	}
	return 0;
}

/* The cluster a node goes in; made with its enclosing ones on first use. */
static Agraph_t *
scope_ag(struct dot *D, struct dgraph *dg, int s)
{
	struct scope *sc;
	struct label l = { .n = 0 }, tip = { .n = 0 };
	Agraph_t *parent;
	size_t from;
	char id[32];

	if (s < 0)
		return dg->ag;
	sc = &dg->scopes[s];
	if (sc->ag != NULL)
		return sc->ag;
	if ((parent = scope_ag(D, dg, sc->up)) == NULL)
		return NULL;
	snprintf(id, sizeof(id), "cluster_%u", D->ncluster++);
	if ((sc->ag = agsubg(parent, id, 1)) == NULL) {
		fail(D, ONNXFIX_EIO, "cannot add a cluster");
		return NULL;
	}
	from = sc->up >= 0 ? dg->scopes[sc->up].len + 1 : 0;
	if (from < sc->len && sc->name[from] == '/')
		from++;
	lab_span(&l, sc->name + from, sc->len - from, DOT_NAME_SHORT);
	lab_bytes(&tip, sc->name, sc->len < DIAG_NAME_MAX ? sc->len :
	    DIAG_NAME_MAX);
	if (sc->group == s && sc->last >= 0) {
		const struct scope *z = &dg->scopes[sc->last];
		size_t zs = z->len;

		while (zs > 0 && z->name[zs - 1] != '/')
			zs--;
		lab_lit(&l, " .. ");
		lab_span(&l, z->name + zs, z->len - zs, DOT_NAME_SHORT);
		lab_lit(&l, "  x");
		lab_num(&l, sc->members);
	}
	if (set(D, sc->ag, D->g_label, l.s) < 0 ||
	    set(D, sc->ag, D->g_tooltip, tip.s) < 0 ||
	    set(D, sc->ag, D->g_style, sc->group == s ? "rounded,bold" :
	    "rounded") < 0 ||
	    set(D, sc->ag, D->g_color, sc->group == s ? CTRL_BORDER :
	    SCOPE_BORDER) < 0 ||
	    set(D, sc->ag, D->g_fontsize, "9") < 0 ||
	    set(D, sc->ag, D->g_labeljust, "l") < 0)
		return NULL;
	return sc->ag;
}

/* Hide what the options leave out, before anything is drawn. */
static int
select_nodes(struct dot *D)
{
	size_t gi, i;

	for (gi = 0; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];
		struct ir_graph *g = dg->g;

		for (i = 0; i < g->nnodes; i++) {
			struct ir_node *n = g->nodes[i];

			dg->rep[i] = i;
			if (n->dead)
				continue;
			if (const_folded(n)) {
				dg->hide[i] = HIDE_FOLD;
				D->nfolded++;
			} else if (D->opt.ops != NULL &&
			    !in_list(D->opt.ops, n->op_type)) {
				dg->hide[i] = HIDE_FILTER;
			}
		}
	}
	if (D->opt.focus != NULL && select_focus(D) < 0)
		return -1;
	for (gi = 0; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];

		for (i = 0; i < dg->g->nnodes; i++)
			if (dg->hide[i] == HIDE_FILTER)
				D->nfiltered++;
		if (!D->opt.no_scopes && build_scopes(D, dg) < 0)
			return -1;
	}
	return 0;
}

static int
draw_op(struct dot *D, struct dgraph *dg, size_t pos)
{
	struct ir_node *n = dg->g->nodes[pos];
	struct label l = { .n = 0 }, tip = { .n = 0 };
	struct dot_style st;
	Agraph_t *where;
	Agnode_t *an;
	size_t i, nfold = 0, from = 0;
	int s = dg->scope[pos];

	if (dg->hide[pos] != SHOWN)
		return 0;
	if (D->nop >= D->max_ops) {
		D->skip_ops++;
		tally_add(D, n);
		return 0;
	}
	/* The nearest scope that is a cluster holds the node; its label
	 * then shows the name below that scope. */
	while (s >= 0 && !dg->scopes[s].cluster)
		s = dg->scopes[s].parent;
	if ((where = scope_ag(D, dg, s)) == NULL)
		return -1;
	if (s >= 0)
		from = dg->scopes[s].len + 1;
	if ((an = mknode_in(D, dg, where, "n", D->nop++)) == NULL)
		return -1;
	dg->opnode[pos] = an;
	if (D->opt.diff && !was_before(D, n)) {
		lab_lit(&l, "+ ");
		D->nnew++;
	} else if (D->opt.diff && n->dirty) {
		lab_lit(&l, "~ ");
		D->nchanged++;
	}
	if (!ir_domain_is_onnx(n->domain)) {
		lab_text(&l, n->domain, DOT_NAME_SHORT);
		lab_lit(&l, "::");
	}
	if (n->op_type == NULL || n->op_type[0] == '\0')
		lab_lit(&l, "(no op_type)");
	else
		lab_text(&l, n->op_type, DOT_NAME_SHORT);
	if (n->name != NULL && n->name[0] != '\0') {
		const char *shown = strlen(n->name) > from ? n->name + from :
		    n->name;

		/* "/a/b/Conv" in scope /a/b is just Conv: say it once. */
		if (n->op_type == NULL || strcasecmp(shown + (shown[0] ==
		    '/'), n->op_type) != 0) {
			lab_lit(&l, "\\n");
			lab_text(&l, shown, DOT_NAME_SHORT);
		}
		lab_text(&tip, n->name, DIAG_NAME_MAX);
	}
	if (is_op(n, "Transpose")) {
		const struct ir_attr *perm = ir_node_attr(n, "perm");

		if (perm != NULL && perm->type == IR_ATTR_INTS) {
			lab_lit(&l, "\\nperm ");
			for (i = 0; i < perm->n && i < DOT_MAX_DIMS; i++) {
				if (i > 0)
					lab_lit(&l, ",");
				lab_num(&l, perm->ints[i]);
			}
			if (perm->n > DOT_MAX_DIMS)
				lab_lit(&l, ",...");
		}
	}
	for (i = 0; i < n->ninputs; i++) {
		struct ir_value *v = n->inputs[i];

		if (v == NULL || !folded(D, v))
			continue;
		if (nfold++ >= DOT_FOLD_LINES)
			continue;
		lab_lit(&l, "\\n");
		lab_fold(&l, v);
	}
	if (nfold > DOT_FOLD_LINES) {
		lab_lit(&l, "\\n(+");
		lab_num(&l, (long long)(nfold - DOT_FOLD_LINES));
		lab_lit(&l, " more)");
	}
	mark_label(D, n, &l, &tip);
	if (is_op(n, "Transpose") && mark_class(D, n) >= 0)
		D->classes[mark_class(D, n)] = true;
	if (set(D, an, D->n_label, l.s) < 0 ||
	    (tip.n > 0 && set(D, an, D->n_tooltip, tip.s) < 0))
		return -1;
	op_style(D, n, &st);
	if ((st.fill != NULL && set(D, an, D->n_fill, st.fill) < 0) ||
	    (st.border != NULL && set(D, an, D->n_color, st.border) < 0) ||
	    (st.penwidth != NULL &&
	    set(D, an, D->n_penwidth, st.penwidth) < 0))
		return -1;
	return 0;
}

/* NAME and, when known, TYPE on a second line; a tooltip when cut. */
static int
label_value(struct dot *D, Agnode_t *an, const char *name,
    const struct ir_type *t, const char *extra)
{
	struct label l = { .n = 0 }, tip = { .n = 0 };

	if (lab_text(&l, name, DOT_NAME_SHORT))
		lab_text(&tip, name, DIAG_NAME_MAX);
	if (t != NULL && type_known(t)) {
		lab_lit(&l, "\\n");
		lab_type(&l, t);
	}
	if (extra != NULL)
		lab_lit(&l, extra);
	if (set(D, an, D->n_label, l.s) < 0 ||
	    (tip.n > 0 && set(D, an, D->n_tooltip, tip.s) < 0))
		return -1;
	return 0;
}

static int
node_look(struct dot *D, Agnode_t *an, const char *shape, const char *style,
    const char *fill, const char *border, const char *fontsize)
{
	if (set(D, an, D->n_shape, shape) < 0 ||
	    set(D, an, D->n_style, style) < 0 ||
	    set(D, an, D->n_fill, fill) < 0 ||
	    set(D, an, D->n_color, border) < 0 ||
	    (fontsize != NULL && set(D, an, D->n_fontsize, fontsize) < 0))
		return -1;
	return 0;
}

/* The node standing for input, initializer or undefined value V. */
static Agnode_t *
value_node(struct dot *D, struct dgraph *vg, struct ir_value *v)
{
	Agnode_t *an;
	int rc;

	if (vg->vnode[v->id] != NULL || vg->vskip[v->id])
		return vg->vnode[v->id];
	if (D->nvalues >= DOT_MAX_VALUES) {
		vg->vskip[v->id] = true;
		D->skip_values++;
		return NULL;
	}
	D->nvalues++;
	switch (v->kind) {
	case IR_VALUE_INPUT:
		if ((an = mknode(D, vg, "in", D->nin++)) == NULL)
			return NULL;
		rc = node_look(D, an, "ellipse", "filled", IN_FILL, IN_BORDER,
		    NULL);
		if (rc == 0)
			rc = label_value(D, an, v->name, &v->type, NULL);
		break;
	case IR_VALUE_INITIALIZER:
		if ((an = mknode(D, vg, "init", D->ninit++)) == NULL)
			return NULL;
		rc = node_look(D, an, "note", "filled", INIT_FILL, INIT_BORDER,
		    "8");
		if (rc == 0) {
			struct label l = { .n = 0 }, tip = { .n = 0 };

			if (lab_text(&l, v->name, DOT_NAME_SHORT))
				lab_text(&tip, v->name, DIAG_NAME_MAX);
			lab_lit(&l, "\\n");
			lab_init_type(&l, v);
			rc = set(D, an, D->n_label, l.s);
			if (rc == 0 && tip.n > 0)
				rc = set(D, an, D->n_tooltip, tip.s);
		}
		break;
	case IR_VALUE_UNDEFINED:
	default:
		if ((an = mknode(D, vg, "undef", D->nundef++)) == NULL)
			return NULL;
		rc = node_look(D, an, "ellipse", "dashed", "white",
		    UNDEF_BORDER, "8");
		if (rc == 0)
			rc = label_value(D, an, v->name, NULL,
			    "\\n(undefined)");
		break;
	}
	if (rc < 0)
		return NULL;
	vg->vnode[v->id] = an;
	return an;
}

/* The ghost of removed node N (before/after), NULL when not drawn. */
static Agnode_t *
ghost_of(const struct dot *D, const struct ir_node *n)
{
	size_t i;

	for (i = 0; i < D->nghosts; i++)
		if (D->ghosts[i].node == (uintptr_t)n)
			return D->ghosts[i].an;
	return NULL;
}

/* A small dashed node naming V, whose producer is not drawn (--focus). */
static Agnode_t *
stub_node(struct dot *D, struct dgraph *vg, struct ir_value *v)
{
	Agnode_t *an;

	if (vg->vnode[v->id] != NULL || vg->vskip[v->id])
		return vg->vnode[v->id];
	if (D->nvalues >= DOT_MAX_VALUES) {
		vg->vskip[v->id] = true;
		D->skip_values++;
		return NULL;
	}
	D->nvalues++;
	if ((an = mknode(D, vg, "stub", D->nundef++)) == NULL ||
	    node_look(D, an, "ellipse", "dashed", "white", GHOST_COLOR,
	    "8") < 0 || label_value(D, an, v->name, &v->type, NULL) < 0)
		return NULL;
	vg->vnode[v->id] = an;
	return an;
}

static int
edge_style(struct dot *D, Agedge_t *e, const char *style, const char *color)
{
	if ((style != NULL && set(D, e, D->e_style, style) < 0) ||
	    (color != NULL && set(D, e, D->e_color, color) < 0))
		return -1;
	return 0;
}

/*
 * --ops: edges from the nearest drawn nodes (and graph inputs) above
 * hidden node PI to HEAD, found by a bounded backward search through
 * hidden nodes, drawn dashed ("through nodes not drawn").
 */
static int
ancestors(struct dot *D, struct dgraph *vg, size_t pi, Agnode_t *head)
{
	struct ir_graph *g = vg->g;
	size_t qh = 0, qt = 0, work = 0, j;

	if (vg->seen == NULL) {
		vg->seen = arena_array(&D->ids.arena, g->nnodes + 1,
		    sizeof(*vg->seen));
		vg->queue = arena_array(&D->ids.arena, g->nnodes + 1,
		    sizeof(*vg->queue));
		if (vg->seen == NULL || vg->queue == NULL)
			return fail(D, ONNXFIX_EBUDGET, "edge search");
	}
	vg->stamp++;
	vg->seen[pi] = vg->stamp;
	vg->queue[qt++] = pi;
	while (qh < qt && work++ < 4096) {
		struct ir_node *n = g->nodes[vg->queue[qh++]];

		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];
			struct ir_node *p;
			Agnode_t *tail = NULL;
			Agedge_t *e;

			if (v == NULL || v->graph != g)
				continue;
			p = v->producer;
			if (v->kind == IR_VALUE_INPUT) {
				tail = value_node(D, vg, v);
			} else if (v->kind == IR_VALUE_NODE && p != NULL &&
			    !p->dead && p->index < g->nnodes &&
			    g->nodes[p->index] == p &&
			    vg->seen[p->index] != vg->stamp) {
				vg->seen[p->index] = vg->stamp;
				if (vg->hide[p->index] == SHOWN)
					tail = vg->opnode[p->index];
				else if (vg->hide[p->index] == HIDE_FILTER)
					vg->queue[qt++] = p->index;
			}
			if (D->status != ONNXFIX_OK)
				return -1;
			if (tail == NULL ||
			    agedge(D->root, tail, head, NULL, 0) != NULL)
				continue;
			if ((e = mkedge(D, tail, head)) == NULL) {
				if (D->status != ONNXFIX_OK)
					return -1;
				continue;
			}
			if (edge_style(D, e, "dashed", NULL) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Exporters name tensors after their producer: "/c1/Conv_output_0" is
 * output 0 of node "/c1/Conv".  Such a name is left off the edge label.
 */
static bool
generated_name(const struct ir_value *v)
{
	const struct ir_node *p = v->producer;
	const char *r;
	size_t n;

	if (v->kind != IR_VALUE_NODE || p == NULL || p->name == NULL ||
	    (n = strlen(p->name)) == 0 || strncmp(v->name, p->name, n) != 0)
		return false;
	r = v->name + n;
	if (strncmp(r, "_output_", 8) != 0 || r[8] == '\0')
		return false;
	for (r += 8; *r != '\0'; r++)
		if (*r < '0' || *r > '9')
			return false;
	return true;
}

/*
 * The edge carrying V into HEAD: the op node at HPOS of HG (SIZE_MAX for
 * an output or a ghost).  Its tail is V's input, initializer or
 * undefined-value node, or the node that makes V: drawn, its stand-in in
 * a collapsed block, a ghost, a stub (--focus) or, with --ops, the drawn
 * nodes above it.  Edges inside a collapsed group are not drawn; an edge
 * moved to a stand-in is drawn once.
 */
static int
edge_in(struct dot *D, struct dgraph *hg, struct ir_value *v, Agnode_t *head,
    size_t hpos, bool ghost, bool want_label)
{
	struct label l = { .n = 0 }, tip = { .n = 0 };
	struct dgraph *vg = find_dgraph(D, v->graph);
	struct ir_node *p = v->producer;
	bool outer = v->graph != hg->g, named = false;
	bool remap = hpos != SIZE_MAX && hg->hide[hpos] == HIDE_COLLAPSE;
	const char *style = outer || ghost ? "dashed" : NULL;
	Agnode_t *tail = NULL;
	Agedge_t *e;

	if (vg == NULL || vg->ag == NULL || v->id >= vg->g->nvalues ||
	    vg->g->values[v->id] != v)
		return 0;
	if (v->kind != IR_VALUE_NODE) {
		if (v->kind == IR_VALUE_UNDEFINED && ghost)
			return 0;	/* a removed initializer */
		tail = value_node(D, vg, v);
	} else if (p == NULL) {
		return 0;
	} else if (p->dead) {
		tail = ghost_of(D, p);
		named = true;
	} else if (p->graph != vg->g || p->index >= vg->g->nnodes ||
	    vg->g->nodes[p->index] != p) {
		return 0;
	} else {
		size_t pi = p->index;
		int pm = vg->gmember[pi], hm = hpos != SIZE_MAX ?
		    hg->gmember[hpos] : -1;

		named = true;
		if (!outer && pm >= 0 && hm >= 0 &&
		    vg->scopes[pm].group == vg->scopes[hm].group &&
		    (pm != hm || remap))
			return 0;
		switch (vg->hide[pi]) {
		case SHOWN:
			tail = vg->opnode[pi];
			break;
		case HIDE_COLLAPSE:
			tail = vg->opnode[vg->rep[pi]];
			remap = true;
			break;
		case HIDE_FILTER:
			if (D->opt.ops != NULL)
				return ancestors(D, vg, pi, head);
			tail = stub_node(D, vg, v);
			named = false;
			break;
		default:
			return 0;
		}
	}
	if (D->status != ONNXFIX_OK)
		return -1;
	if (tail == NULL ||
	    (remap && agedge(D->root, tail, head, NULL, 0) != NULL))
		return 0;
	if ((e = mkedge(D, tail, head)) == NULL)
		return D->status == ONNXFIX_OK ? 0 : -1;
	if (edge_style(D, e, style, ghost ? GHOST_COLOR : NULL) < 0)
		return -1;
	if (!named || !want_label)
		return 0;
	if (generated_name(v)) {
		/* The name says nothing the picture does not: tooltip only. */
		lab_text(&tip, v->name, DIAG_NAME_MAX);
	} else if (lab_text(&l, v->name, DOT_NAME_SHORT)) {
		lab_text(&tip, v->name, DIAG_NAME_MAX);
	}
	if (type_known(&v->type)) {
		if (l.n > 0)
			lab_lit(&l, "\\n");
		lab_type(&l, &v->type);
	}
	if (set(D, e, D->e_label, l.s) < 0 ||
	    (tip.n > 0 && set(D, e, D->e_tooltip, tip.s) < 0))
		return -1;
	return 0;
}

static int
draw_output(struct dot *D, struct dgraph *dg, const struct ir_vinfo *vi)
{
	const struct ir_type *t = &vi->type;
	const struct ir_value *v = vi->value;
	Agnode_t *an;

	/* With --focus or --ops, outputs of nodes not drawn are left out. */
	if (v != NULL && v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    v->graph == dg->g && !v->producer->dead &&
	    v->producer->index < dg->g->nnodes &&
	    dg->g->nodes[v->producer->index] == v->producer &&
	    dg->hide[v->producer->index] == HIDE_FILTER)
		return 0;
	if (D->nvalues >= DOT_MAX_VALUES) {
		D->skip_values++;
		return 0;
	}
	D->nvalues++;
	if ((an = mknode(D, dg, "out", D->nout++)) == NULL)
		return -1;
	if (!type_known(t) && vi->value != NULL)
		t = &vi->value->type;
	if (node_look(D, an, "ellipse", "filled", OUT_FILL, OUT_BORDER,
	    NULL) < 0 || label_value(D, an, vi->name, t, NULL) < 0)
		return -1;
	if (vi->value == NULL)
		return 0;
	return edge_in(D, dg, vi->value, an, SIZE_MAX, false, false);
}

/* "If 'name' / then_branch" or "function 'domain::name'". */
static void
cluster_label(struct label *l, const struct ir_graph *g)
{
	const struct ir_node *o = g->owner;
	const struct ir_attr *a;

	if (g->kind == IR_GRAPH_FUNCTION) {
		lab_lit(l, "function '");
		if (g->function != NULL) {
			if (g->function->domain != NULL &&
			    g->function->domain[0] != '\0') {
				lab_text(l, g->function->domain,
				    DOT_NAME_SHORT);
				lab_lit(l, "::");
			}
			lab_text(l, g->function->name, DOT_NAME_SHORT);
		}
		lab_lit(l, "'");
		return;
	}
	if (o == NULL) {
		lab_lit(l, "subgraph");
		return;
	}
	lab_text(l, o->op_type, DOT_NAME_SHORT);
	if (o->name != NULL && o->name[0] != '\0') {
		lab_lit(l, " '");
		lab_text(l, o->name, DOT_NAME_SHORT);
		lab_lit(l, "'");
	}
	lab_lit(l, " / ");
	lab_text(l, g->attr_name, DOT_NAME_SHORT);
	a = g->attr_name != NULL ? ir_node_attr(o, g->attr_name) : NULL;
	if (a != NULL && a->type == IR_ATTR_GRAPHS) {
		lab_lit(l, "[");
		lab_num(l, g->attr_index);
		lab_lit(l, "]");
	}
}

/* Make DG's cluster, or decide the graph is not drawn. */
static int
open_graph(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	struct dgraph *parent = NULL;
	struct label l = { .n = 0 };
	Agraph_t *pag = D->root;
	char id[32];

	if (g == D->m->graph) {
		dg->ag = D->root;
		return 0;
	}
	if (g->kind == IR_GRAPH_SUB) {
		if (g->owner == NULL ||
		    (parent = find_dgraph(D, g->owner->graph)) == NULL ||
		    parent->ag == NULL || op_of(parent, g->owner) == NULL)
			return 0;	/* owner not drawn: nor is this */
		pag = parent->ag;
	}
	dg->cluster = D->ncluster++;
	snprintf(id, sizeof(id), "cluster_%u", dg->cluster);
	if ((dg->ag = agsubg(pag, id, 1)) == NULL)
		return fail(D, ONNXFIX_EIO, "cannot add a cluster");
	cluster_label(&l, g);
	if (set(D, dg->ag, D->g_label, l.s) < 0 ||
	    set(D, dg->ag, D->g_style, "rounded,filled") < 0 ||
	    set(D, dg->ag, D->g_color, CLUSTER_BORDER) < 0 ||
	    set(D, dg->ag, D->g_fill, CLUSTER_FILL) < 0 ||
	    set(D, dg->ag, D->g_fontsize, "10") < 0 ||
	    set(D, dg->ag, D->g_labeljust, "l") < 0)
		return -1;
	return 0;
}

/* A dotted edge from the owner into the cluster it holds. */
static int
link_owner(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	struct dgraph *parent;
	Agnode_t *owner;
	Agedge_t *e;
	char id[32];

	if (g->kind != IR_GRAPH_SUB || dg->first == NULL)
		return 0;
	parent = find_dgraph(D, g->owner->graph);
	owner = op_of(parent, g->owner);
	if ((e = mkedge(D, owner, dg->first)) == NULL)
		return D->status == ONNXFIX_OK ? 0 : -1;
	snprintf(id, sizeof(id), "cluster_%u", dg->cluster);
	if (set(D, e, D->e_lhead, id) < 0 ||
	    set(D, e, D->e_style, "dotted") < 0 ||
	    set(D, e, D->e_color, CTRL_BORDER) < 0 ||
	    set(D, e, D->e_arrowhead, "odot") < 0)
		return -1;
	return 0;
}

/* Removed nodes of DG's graph (before/after), dashed and grey. */
static int
draw_ghosts(struct dot *D, struct dgraph *dg)
{
	size_t i;

	for (i = 0; i < D->opt.nbefore; i++) {
		const struct ir_node *n = D->opt.before[i];
		struct label l = { .n = 0 }, tip = { .n = 0 };
		Agnode_t *an;

		if (n == NULL || !n->dead || n->graph != dg->g)
			continue;
		if (D->nop >= D->max_ops) {
			D->skip_ops++;
			tally_add(D, n);
			continue;
		}
		if ((an = mknode(D, dg, "gone", (unsigned)D->nghosts)) ==
		    NULL)
			return -1;
		D->nop++;
		D->ghosts[D->nghosts].node = (uintptr_t)n;
		D->ghosts[D->nghosts].an = an;
		D->nghosts++;
		lab_lit(&l, "- ");
		lab_text(&l, n->op_type, DOT_NAME_SHORT);
		if (n->name != NULL && n->name[0] != '\0') {
			lab_lit(&l, "\\n");
			if (lab_text(&l, n->name, DOT_NAME_SHORT))
				lab_text(&tip, n->name, DIAG_NAME_MAX);
		} else if (n->noutputs > 0 && n->outputs[0] != NULL) {
			lab_lit(&l, "\\n-> ");
			lab_text(&l, n->outputs[0]->name, DOT_NAME_SHORT);
		}
		lab_lit(&l, "\\n(removed)");
		if (node_look(D, an, "box", "rounded,dashed", "white",
		    GHOST_COLOR, NULL) < 0 ||
		    set(D, an, D->n_fontcolor, GHOST_COLOR) < 0 ||
		    set(D, an, D->n_label, l.s) < 0 ||
		    (tip.n > 0 && set(D, an, D->n_tooltip, tip.s) < 0))
			return -1;
	}
	return 0;
}

/* The drawn node of N: live (drawn op) or removed (its ghost). */
static Agnode_t *
drawn_node(struct dot *D, const struct ir_node *n)
{
	struct dgraph *vg;

	if (n->dead)
		return ghost_of(D, n);
	if ((vg = find_dgraph(D, n->graph)) == NULL || vg->ag == NULL)
		return NULL;
	return op_of(vg, n);
}

/*
 * The edges removed nodes of DG's graph had before the rewrites, to and
 * from the nodes still drawn (dashed, grey): a folded BatchNormalization
 * shows between its Conv and the Conv's new users.  From the snapshot's
 * edge list, which follows its nodes and a NULL.
 */
static int
ghost_edges(struct dot *D, struct dgraph *dg)
{
	struct ir_node *const *ev = D->opt.before + D->opt.nbefore + 1;
	size_t i;

	if (D->opt.before[D->opt.nbefore] != NULL)
		return 0;
	for (i = 0; ev[i] != NULL && ev[i + 1] != NULL; i += 2) {
		const struct ir_node *p = ev[i], *c = ev[i + 1];
		Agnode_t *tail, *head;
		Agedge_t *e;

		if (!(p->dead && p->graph == dg->g) &&
		    !(c->dead && c->graph == dg->g))
			continue;
		if ((tail = drawn_node(D, p)) == NULL ||
		    (head = drawn_node(D, c)) == NULL || tail == head ||
		    agedge(D->root, tail, head, NULL, 0) != NULL)
			continue;
		if ((e = mkedge(D, tail, head)) == NULL)
			return D->status == ONNXFIX_OK ? 0 : -1;
		if (edge_style(D, e, "dashed", GHOST_COLOR) < 0)
			return -1;
	}
	return D->status == ONNXFIX_OK ? 0 : -1;
}

static int
draw_graph(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	size_t i, j, first_ghost = D->nghosts;

	if (open_graph(D, dg) < 0)
		return -1;
	if (dg->ag == NULL) {
		for (i = 0; i < g->nnodes; i++)
			if (!g->nodes[i]->dead &&
			    dg->hide[i] == SHOWN) {
				D->skip_ops++;
				tally_add(D, g->nodes[i]);
			}
		return 0;
	}
	for (i = 0; i < g->ninputs && D->opt.focus == NULL &&
	    D->opt.ops == NULL; i++) {
		struct ir_value *v = g->inputs[i].value;

		if (v != NULL && v->kind == IR_VALUE_INPUT && v->graph == g &&
		    v->id < g->nvalues && g->values[v->id] == v &&
		    value_node(D, dg, v) == NULL &&
		    D->status != ONNXFIX_OK)
			return -1;
	}
	for (i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead && draw_op(D, dg, i) < 0)
			return -1;
	if (D->opt.diff && draw_ghosts(D, dg) < 0)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		Agnode_t *head = dg->opnode[dg->rep[i]];

		if (n->dead || head == NULL || (dg->hide[i] != SHOWN &&
		    dg->hide[i] != HIDE_COLLAPSE))
			continue;
		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];

			if (v == NULL || folded(D, v))
				continue;
			if (edge_in(D, dg, v, head, i, false, true) < 0)
				return -1;
		}
	}
	for (i = first_ghost; i < D->nghosts; i++) {
		const struct ir_node *n = (const struct ir_node *)
		    D->ghosts[i].node;

		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];
			struct dgraph *vg;
			Agnode_t *tail;
			Agedge_t *e;

			if (v == NULL)
				continue;
			/* A value a rewrite took from its live producer (a
			 * folded BatchNormalization's input): still drawn
			 * from that producer. */
			if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
			    !v->producer->dead &&
			    (vg = find_dgraph(D, v->producer->graph)) != NULL &&
			    (v->id >= vg->g->nvalues ||
			    vg->g->values[v->id] != v) &&
			    (tail = op_of(vg, v->producer)) != NULL) {
				if ((e = mkedge(D, tail, D->ghosts[i].an)) !=
				    NULL && edge_style(D, e, "dashed",
				    GHOST_COLOR) < 0)
					return -1;
				if (D->status != ONNXFIX_OK)
					return -1;
				continue;
			}
			if (edge_in(D, dg, v, D->ghosts[i].an, SIZE_MAX, true,
			    true) < 0)
				return -1;
		}
	}
	if (D->opt.diff && first_ghost < D->nghosts && ghost_edges(D, dg) < 0)
		return -1;
	for (i = 0; i < g->noutputs; i++)
		if (draw_output(D, dg, &g->outputs[i]) < 0)
			return -1;
	return link_owner(D, dg);
}

/*
 * The summary of what is not drawn: nodes over the limit with their most
 * frequent operators, nodes --focus/--ops left out, repeated blocks
 * drawn once, values and edges over their limits.
 */
static int
draw_note(struct dot *D)
{
	struct label l = { .n = 0 };
	Agnode_t *an;
	size_t i;

	if (D->skip_ops == 0 && D->skip_values == 0 && D->skip_edges == 0 &&
	    D->nfiltered == 0 && D->ncollapsed == 0)
		return 0;
	if ((an = mknode(D, NULL, "more", 0)) == NULL)
		return -1;
	lab_lit(&l, "not drawn:");
	if (D->skip_ops > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->skip_ops);
		lab_lit(&l, " more nodes (limit ");
		lab_num(&l, D->max_ops);
		lab_lit(&l, ")");
		qsort(D->tally, D->ntally, sizeof(*D->tally), tally_cmp);
		for (i = 0; i < D->ntally && i < DOT_SUMMARY_OPS; i++) {
			lab_lit(&l, i == 0 ? ": " : ", ");
			lab_num(&l, (long long)D->tally[i].n);
			lab_lit(&l, " ");
			lab_text(&l, D->tally[i].op, DOT_NAME_SHORT / 2);
		}
		if (D->ntally > DOT_SUMMARY_OPS)
			lab_lit(&l, ", ...");
	}
	if (D->nfiltered > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->nfiltered);
		lab_lit(&l, D->opt.focus != NULL ?
		    " nodes beyond --radius of --focus" :
		    " nodes not in --ops (dashed edges pass through them)");
	}
	if (D->ncollapsed > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->ncollapsed);
		lab_lit(&l, " nodes of repeated blocks (drawn once, xN)");
	}
	if (D->skip_values > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->skip_values);
		lab_lit(&l, " inputs, outputs or initializers");
	}
	if (D->skip_edges > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->skip_edges);
		lab_lit(&l, " edges");
	}
	if (node_look(D, an, "note", "filled", NOTE_FILL, "#999966", NULL) <
	    0 || set(D, an, D->n_label, l.s) < 0)
		return -1;
	return 0;
}

/* Keys for the before/after drawing and the layout classes seen. */
static int
draw_legend(struct dot *D)
{
	struct label l = { .n = 0 };
	Agnode_t *an, *prev = NULL;
	Agedge_t *e;
	unsigned k = 0;
	int c;

	if (D->opt.diff) {
		if ((an = mknode(D, NULL, "key", k++)) == NULL)
			return -1;
		lab_lit(&l, "fix: ");
		lab_num(&l, (long long)D->nnew);
		lab_lit(&l, " new (+, green), ");
		lab_num(&l, (long long)D->nchanged);
		lab_lit(&l, " changed (~, orange border), ");
		lab_num(&l, (long long)D->nghosts);
		lab_lit(&l, " removed (-, dashed)");
		if (node_look(D, an, "note", "filled", NOTE_FILL, "#999966",
		    NULL) < 0 || set(D, an, D->n_label, l.s) < 0)
			return -1;
		prev = an;
	}
	for (c = 0; c < 50; c++) {
		char code[8];
		const struct diag_info *info;

		if (!D->classes[c])
			continue;
		snprintf(code, sizeof(code), "P5%02d", c);
		if ((info = diag_lookup(code)) == NULL)
			continue;
		l.n = 0;
		l.s[0] = '\0';
		l.full = false;
		lab_lit(&l, "Transpose ");
		lab_lit(&l, info->code);
		lab_lit(&l, ": ");
		lab_lit(&l, info->text);
		if ((an = mknode(D, NULL, "key", k++)) == NULL ||
		    node_look(D, an, "box", "filled", class_fill[c %
		    (int)(sizeof(class_fill) / sizeof(class_fill[0]))],
		    TRANSPOSE_BORDER, "9") < 0 ||
		    set(D, an, D->n_label, l.s) < 0)
			return -1;
		/* Keys stack in a column (an invisible edge between). */
		if (prev != NULL && (e = mkedge(D, prev, an)) != NULL &&
		    set(D, e, D->e_style, "invis") < 0)
			return -1;
		if (D->status != ONNXFIX_OK)
			return -1;
		prev = an;
	}
	return 0;
}

static int
ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static int
build(struct dot *D)
{
	struct ir_model *m = D->m;
	struct arena *a = &D->ids.arena;
	struct ir_graph **gs;
	struct label l = { .n = 0 };
	size_t i, j, ninits = 0;

	D->root = agopen("onnx", Agdirected, &D->ids.disc);
	if (D->root == NULL)
		return fail(D, ONNXFIX_EIO, "cannot create the graph");
	if (declare_all(D) < 0)
		return -1;
	if (index_marks(D) < 0)
		return fail(D, ONNXFIX_EBUDGET, "findings");
	if (m->graph != NULL && m->graph->name != NULL &&
	    m->graph->name[0] != '\0') {
		lab_lit(&l, "graph '");
		lab_text(&l, m->graph->name, DOT_NAME_SHORT);
		lab_lit(&l, "'");
		if (set(D, D->root, D->g_label, l.s) < 0)
			return -1;
	}
	D->ndg = ir_model_graphs(m, &gs);
	if (D->ndg == 0 && (m->graph != NULL || m->nfunctions > 0))
		return fail(D, ONNXFIX_EBUDGET, "graph list");
	D->dg = arena_array(a, D->ndg + 1, sizeof(*D->dg));
	D->keys = arena_array(a, D->ndg + 1, sizeof(*D->keys));
	if (D->dg == NULL || D->keys == NULL)
		return fail(D, ONNXFIX_EBUDGET, "graph list");
	for (i = 0; i < D->ndg; i++) {
		struct dgraph *dg = &D->dg[i];

		dg->g = gs[i];
		dg->vnode = arena_array(a, gs[i]->nvalues + 1,
		    sizeof(*dg->vnode));
		dg->vskip = arena_array(a, gs[i]->nvalues + 1,
		    sizeof(*dg->vskip));
		dg->opnode = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->opnode));
		dg->hide = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->hide));
		dg->rep = arena_array(a, gs[i]->nnodes + 1, sizeof(*dg->rep));
		dg->scope = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->scope));
		dg->gmember = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->gmember));
		if (dg->vnode == NULL || dg->vskip == NULL ||
		    dg->opnode == NULL || dg->hide == NULL ||
		    dg->rep == NULL || dg->scope == NULL ||
		    dg->gmember == NULL)
			return fail(D, ONNXFIX_EBUDGET, "node tables");
		hmap_init(&dg->scopemap, a);
		for (j = 0; j < gs[i]->nnodes; j++) {
			dg->rep[j] = j;
			dg->scope[j] = -1;
			dg->gmember[j] = -1;
		}
		D->keys[i].key = (uintptr_t)gs[i];
		D->keys[i].dg = dg;
		ninits += gs[i]->ninits;
	}
	(void)ninits;
	D->fold = true;
	qsort(D->keys, D->ndg, sizeof(*D->keys), dgraph_cmp);
	if (D->opt.diff) {
		D->before = arena_array(a, D->opt.nbefore + 1,
		    sizeof(*D->before));
		D->ghosts = arena_array(a, D->opt.nbefore + 1,
		    sizeof(*D->ghosts));
		if (D->before == NULL || D->ghosts == NULL)
			return fail(D, ONNXFIX_EBUDGET, "node tables");
		for (i = 0; i < D->opt.nbefore; i++)
			D->before[i] = (uintptr_t)D->opt.before[i];
		D->nbefore = D->opt.nbefore;
		qsort(D->before, D->nbefore, sizeof(*D->before), ptr_cmp);
	}
	if (select_nodes(D) < 0)
		return -1;
	/* Breadth-first: a cluster's parent is always made before it. */
	for (i = 0; i < D->ndg; i++)
		if (draw_graph(D, &D->dg[i]) < 0)
			return -1;
	if (draw_note(D) < 0 || draw_legend(D) < 0)
		return -1;
	/*
	 * dot's network simplex passes dominate the layout of large graphs
	 * (seconds for a few hundred nodes); capping their iterations at
	 * 2 x nodes keeps a 500-node picture under a second or two and, on
	 * the models tried, changes little but some edge lengths.
	 */
	if (D->nop > DOT_FAST_LAYOUT &&
	    (declare(D, AGRAPH, "nslimit", "2") == NULL ||
	    declare(D, AGRAPH, "nslimit1", "2") == NULL))
		return -1;
	return 0;
}

/*
 * agwrite() breaks quoted strings longer than 128 bytes with a backslash
 * and a newline, which DOT reads as nothing.  Labels never hold a raw
 * newline (lab_text escapes it), so every newline inside quotes is such
 * a break: join them again, so that no line of the output starts with
 * model text (a "::error::" at the start of a CI log line would be read
 * as a command).  Our text holds no double quote, and agwrite escapes
 * none, so a quote always opens or closes a string.
 */
static size_t
join_lines(char *s, size_t n)
{
	size_t i, o = 0;
	bool quoted = false;

	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (quoted && s[i] == '\n' && o > 0 &&
		    s[o - 1] == '\\') {
			o--;
			continue;
		}
		s[o++] = s[i];
	}
	return o;
}

static enum onnxfix_status
write_dot(struct dot *D, const char *out)
{
	enum onnxfix_status st;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		fail(D, ONNXFIX_EBUDGET, "output buffer");
		return D->status;
	}
	rc = agwrite(D->root, fp);
	if (fflush(fp) != 0 || ferror(fp))
		rc = -1;
	if (fclose(fp) != 0 || buf == NULL) {
		free(buf);
		fail(D, ONNXFIX_EBUDGET, "output buffer");
		return D->status;
	}
	if (rc != 0) {
		free(buf);
		fail(D, ONNXFIX_EIO, "cannot write DOT");
		return D->status;
	}
	len = join_lines(buf, len);
	st = onnxfix_write_file(out, buf, len, D->d);
	free(buf);
	return st;
}

/*
 * One Graphviz context for the process, made on first use and kept: the
 * pango plugin of Graphviz 2.4x caches a font name that gvFreeContext()
 * frees, so a second context would read freed memory.  Graphviz is not
 * reentrant anyway.
 */
static GVC_t *
gv_context(void)
{
	static GVC_t *gvc;

	if (gvc == NULL)
		gvc = gvContext();
	return gvc;
}

static enum onnxfix_status
write_image(struct dot *D, const char *out, const char *format)
{
	enum onnxfix_status st;
	char *buf = NULL;
	unsigned int len = 0;
	GVC_t *gvc;

	if ((gvc = gv_context()) == NULL) {
		fail(D, ONNXFIX_EIO, "cannot start Graphviz");
		return D->status;
	}
	/* cairo refuses bitmaps over 32767 pixels a side and says so on
	 * stderr: shrink a picture larger than 330 inches (at 96 dpi). */
	if (format[0] == 'p' &&
	    agattr(D->root, AGRAPH, "size", "330,330") == NULL) {
		fail(D, ONNXFIX_EIO, "cannot set the size");
		return D->status;
	}
	if (gvLayout(gvc, D->root, "dot") != 0) {
		fail(D, ONNXFIX_EIO, "layout failed");
		return D->status;
	}
	if (gvRenderData(gvc, D->root, format, &buf, &len) != 0 ||
	    buf == NULL) {
		if (buf != NULL)
			gvFreeRenderData(buf);
		fail(D, ONNXFIX_EIO, format[0] == 's' ?
		    "cannot render SVG" : "cannot render PNG");
		gvFreeLayout(gvc, D->root);
		return D->status;
	}
	if (gvFreeLayout(gvc, D->root) != 0) {
		gvFreeRenderData(buf);
		fail(D, ONNXFIX_EIO, "cannot free the layout");
		return D->status;
	}
	st = onnxfix_write_file(out, buf, len, D->d);
	gvFreeRenderData(buf);
	return st;
}

enum onnxfix_status
onnxfix_dot_opts(struct ir_model *m, const char *out,
    enum onnxfix_dot_format fmt, const struct onnxfix_dot_options *opt,
    struct diag_list *d)
{
	enum onnxfix_status st;
	struct dot D;
	agusererrf old;

	memset(&D, 0, sizeof(D));
	D.m = m;
	D.d = d;
	D.status = ONNXFIX_OK;
	if (opt != NULL)
		D.opt = *opt;
	if (D.opt.radius == 0)
		D.opt.radius = DOT_RADIUS;
	D.max_ops = D.opt.max_nodes > 0 ? D.opt.max_nodes : DOT_MAX_OPS;
	ids_init(&D.ids, m->budget);
	/* Graphviz reports through us, never on stderr. */
	gv_msg[0] = '\0';
	old = agseterrf(gv_err);
	if (build(&D) == 0) {
		switch (fmt) {
		case ONNXFIX_SVG:
			st = write_image(&D, out, "svg");
			break;
		case ONNXFIX_PNG:
			st = write_image(&D, out, "png");
			break;
		case ONNXFIX_DOT:
		default:
			st = write_dot(&D, out);
			break;
		}
	} else {
		st = D.status;
	}
	if (D.root != NULL)
		agclose(D.root);
	agseterrf(old);
	arena_release(&D.ids.arena);
	return st;
}

enum onnxfix_status
onnxfix_dot(struct ir_model *m, const char *out,
    enum onnxfix_dot_format fmt, struct diag_list *d)
{
	return onnxfix_dot_opts(m, out, fmt, NULL, d);
}

size_t
onnxfix_dot_snapshot(struct ir_model *m, struct ir_node ***out)
{
	struct ir_graph **gs;
	size_t ng = ir_model_graphs(m, &gs), i, j, k, n = 0, ne = 0;
	struct ir_node **v;

	*out = NULL;
	for (i = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++)
			ne += gs[i]->nodes[j]->ninputs;
	for (i = 0; i < ng; i++)
		n += gs[i]->nnodes;
	/* The nodes, NULL, then the edges as (producer, consumer) pairs,
	 * NULL: a removed node is drawn with the edges it had. */
	if ((v = arena_array(&m->arena, n + 2 * ne + 2, sizeof(*v))) == NULL)
		return 0;
	for (i = 0, n = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++)
			if (!gs[i]->nodes[j]->dead)
				v[n++] = gs[i]->nodes[j];
	v[n] = NULL;
	for (i = 0, ne = n + 1; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++) {
			struct ir_node *c = gs[i]->nodes[j];

			for (k = 0; !c->dead && k < c->ninputs; k++) {
				const struct ir_value *iv = c->inputs[k];

				if (iv == NULL || iv->kind != IR_VALUE_NODE ||
				    iv->producer == NULL || iv->producer->dead)
					continue;
				v[ne++] = iv->producer;
				v[ne++] = c;
			}
		}
	v[ne] = NULL;
	*out = v;
	return n;
}
