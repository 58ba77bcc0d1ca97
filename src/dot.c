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

#include <cgraph.h>
#include <gvc.h>

#include "onnxfix.h"

/*
 * Limits that keep huge models drawable: past DOT_MAX_OPS op nodes no
 * more are added, and one note node says how many were left out (the
 * DOT for a 100,000-node model stays small and quick; laying out even
 * the 2,000 drawn nodes is Graphviz's business).  Input, output,
 * initializer and undefined-value nodes and edges have limits of their
 * own, so no list in a hostile model can make the drawing unbounded.
 */
#define DOT_MAX_OPS	2000
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
#define DOT_DIM_SHORT	32
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

/* One graph of the model as drawn. */
struct dgraph {
	struct ir_graph *g;
	Agraph_t *ag;		/* NULL: not drawn (its owner was not) */
	Agnode_t **vnode;	/* per value id: input/initializer/undefined */
	bool *vskip;		/* per value id: left out (over the limit) */
	Agnode_t **opnode;	/* per node index */
	Agnode_t *first;	/* first node made inside the cluster */
	unsigned cluster;
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
	    *g_labeljust;
	Agsym_t *n_label, *n_shape, *n_style, *n_fill, *n_color,
	    *n_fontsize, *n_tooltip, *n_penwidth;
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

/* Model string S, cut in the middle to MAX bytes; true when cut. */
static bool
lab_text(struct label *l, const char *s, size_t max)
{
	size_t n = s != NULL ? strlen(s) : 0;
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
	declare(D, AGNODE, "fontname", FONT);
	D->n_label = declare(D, AGNODE, "label", "\\N");
	D->n_shape = declare(D, AGNODE, "shape", "box");
	D->n_style = declare(D, AGNODE, "style", "rounded,filled");
	D->n_fill = declare(D, AGNODE, "fillcolor", OP_FILL);
	D->n_color = declare(D, AGNODE, "color", OP_BORDER);
	D->n_fontsize = declare(D, AGNODE, "fontsize", "10");
	D->n_tooltip = declare(D, AGNODE, "tooltip", "");
	D->n_penwidth = declare(D, AGNODE, "penwidth", "1");
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
mknode(struct dot *D, struct dgraph *dg, const char *prefix, unsigned k)
{
	Agraph_t *ag = dg != NULL ? dg->ag : D->root;
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

static void
op_style(const struct dot *D, const struct ir_node *n, struct dot_style *s)
{
	const struct mark *mk = find_mark(D, n);

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
	}
}

/* V is drawn as a line of its consumer's label (see DOT_FOLD_INITS). */
static bool
folded(const struct dot *D, const struct ir_value *v)
{
	size_t i, direct = 0;

	if (!D->fold || v->kind != IR_VALUE_INITIALIZER || v->init == NULL ||
	    v->noutputs != 0)
		return false;
	/* Records with index -1 are the owners' implicit uses of a value
	 * that a node inside their subgraphs reads: not uses of their own. */
	for (i = 0; i < v->nuses; i++)
		if (v->uses[i].index >= 0)
			direct++;
	return direct == 1;
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

static int
draw_op(struct dot *D, struct dgraph *dg, size_t pos)
{
	struct ir_node *n = dg->g->nodes[pos];
	struct label l = { .n = 0 }, tip = { .n = 0 };
	struct dot_style st;
	Agnode_t *an;
	size_t i, nfold = 0;

	if (D->nop >= DOT_MAX_OPS) {
		D->skip_ops++;
		return 0;
	}
	if ((an = mknode(D, dg, "n", D->nop++)) == NULL)
		return -1;
	dg->opnode[pos] = an;
	if (!ir_domain_is_onnx(n->domain)) {
		lab_text(&l, n->domain, DOT_NAME_SHORT);
		lab_lit(&l, "::");
	}
	if (n->op_type == NULL || n->op_type[0] == '\0')
		lab_lit(&l, "(no op_type)");
	else
		lab_text(&l, n->op_type, DOT_NAME_SHORT);
	if (n->name != NULL && n->name[0] != '\0') {
		lab_lit(&l, "\\n");
		lab_text(&l, n->name, DOT_NAME_SHORT);
		lab_text(&tip, n->name, DIAG_NAME_MAX);
	}
	for (i = 0; i < n->ninputs; i++) {
		struct ir_value *v = n->inputs[i];

		if (v == NULL || !folded(D, v))
			continue;
		if (nfold++ >= DOT_FOLD_LINES)
			continue;
		lab_lit(&l, "\\n");
		lab_text(&l, v->name, DOT_NAME_SHORT / 2);
		lab_lit(&l, " ");
		lab_init_type(&l, v);
	}
	if (nfold > DOT_FOLD_LINES) {
		lab_lit(&l, "\\n(+");
		lab_num(&l, (long long)(nfold - DOT_FOLD_LINES));
		lab_lit(&l, " more)");
	}
	mark_label(D, n, &l, &tip);
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

/*
 * Where an edge carrying V starts; *NAMED is set when that is an op node,
 * so the edge itself must name V (other sources show the name).
 */
static Agnode_t *
source_of(struct dot *D, struct ir_value *v, bool *named)
{
	struct dgraph *vg = find_dgraph(D, v->graph);
	struct ir_node *p = v->producer;

	*named = false;
	if (vg == NULL || vg->ag == NULL || v->id >= vg->g->nvalues ||
	    vg->g->values[v->id] != v)
		return NULL;
	if (v->kind == IR_VALUE_NODE) {
		*named = true;
		return op_of(vg, p);
	}
	return value_node(D, vg, v);
}

static int
draw_edge(struct dot *D, struct ir_value *v, Agnode_t *head, bool outer,
    bool want_label)
{
	struct label l = { .n = 0 }, tip = { .n = 0 };
	Agnode_t *tail;
	Agedge_t *e;
	bool named;

	tail = source_of(D, v, &named);
	if (D->status != ONNXFIX_OK)
		return -1;
	if (tail == NULL)
		return 0;
	if ((e = mkedge(D, tail, head)) == NULL)
		return D->status == ONNXFIX_OK ? 0 : -1;
	if (outer && set(D, e, D->e_style, "dashed") < 0)
		return -1;
	if (!named || !want_label)
		return 0;
	if (lab_text(&l, v->name, DOT_NAME_SHORT))
		lab_text(&tip, v->name, DIAG_NAME_MAX);
	if (type_known(&v->type)) {
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
	Agnode_t *an;

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
	return draw_edge(D, vi->value, an, vi->value->graph != dg->g, false);
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

static int
draw_graph(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	size_t i, j;

	if (open_graph(D, dg) < 0)
		return -1;
	if (dg->ag == NULL) {
		for (i = 0; i < g->nnodes; i++)
			if (!g->nodes[i]->dead)
				D->skip_ops++;
		return 0;
	}
	for (i = 0; i < g->ninputs; i++) {
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
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];

		if (n->dead || dg->opnode[i] == NULL)
			continue;
		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];

			if (v == NULL || folded(D, v))
				continue;
			if (draw_edge(D, v, dg->opnode[i], v->graph != g,
			    true) < 0)
				return -1;
		}
	}
	for (i = 0; i < g->noutputs; i++)
		if (draw_output(D, dg, &g->outputs[i]) < 0)
			return -1;
	return link_owner(D, dg);
}

static int
draw_note(struct dot *D)
{
	struct label l = { .n = 0 };
	Agnode_t *an;

	if (D->skip_ops == 0 && D->skip_values == 0 && D->skip_edges == 0)
		return 0;
	if ((an = mknode(D, NULL, "more", 0)) == NULL)
		return -1;
	lab_num(&l, (long long)D->skip_ops);
	lab_lit(&l, " more nodes not drawn");
	if (D->skip_values > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->skip_values);
		lab_lit(&l, " inputs, outputs or initializers not drawn");
	}
	if (D->skip_edges > 0) {
		lab_lit(&l, "\\n");
		lab_num(&l, (long long)D->skip_edges);
		lab_lit(&l, " edges not drawn");
	}
	if (node_look(D, an, "note", "filled", NOTE_FILL, "#999966", NULL) <
	    0 || set(D, an, D->n_label, l.s) < 0)
		return -1;
	return 0;
}

static int
build(struct dot *D)
{
	struct ir_model *m = D->m;
	struct arena *a = &D->ids.arena;
	struct ir_graph **gs;
	struct label l = { .n = 0 };
	size_t i, ninits = 0;

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
		if (dg->vnode == NULL || dg->vskip == NULL ||
		    dg->opnode == NULL)
			return fail(D, ONNXFIX_EBUDGET, "node tables");
		D->keys[i].key = (uintptr_t)gs[i];
		D->keys[i].dg = dg;
		ninits += gs[i]->ninits;
	}
	D->fold = ninits > DOT_FOLD_INITS;
	qsort(D->keys, D->ndg, sizeof(*D->keys), dgraph_cmp);
	/* Breadth-first: a cluster's parent is always made before it. */
	for (i = 0; i < D->ndg; i++)
		if (draw_graph(D, &D->dg[i]) < 0)
			return -1;
	return draw_note(D);
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
onnxfix_dot(struct ir_model *m, const char *out,
    enum onnxfix_dot_format fmt, struct diag_list *d)
{
	enum onnxfix_status st;
	struct dot D;
	agusererrf old;

	memset(&D, 0, sizeof(D));
	D.m = m;
	D.d = d;
	D.status = ONNXFIX_OK;
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
