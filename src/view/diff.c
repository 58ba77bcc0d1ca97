/* SPDX-License-Identifier: MIT */
/*
 * onnxfix_diff(): the semantic difference of two models, for "did
 * re-exporting (or fixing) change anything?" questions.  Compared: the
 * model header (ir_version, producer, opset imports, metadata_props), the
 * main graph's interface (inputs and outputs by name, with types and
 * shapes), an operator histogram, and per graph the nodes, initializers
 * and value_info entries.  Subgraphs are compared when their owners are
 * matched (same attribute); function bodies by domain and name.
 *
 * Nodes are matched in three rounds: by name (same op type), by first
 * output name (same op type, so a renamed node is found), and by
 * structure: op type and domain plus, per input, the matched producer
 * and output slot or the name of a graph input or initializer, taken in
 * B's order so that a chain of renamed nodes matches in one sweep.
 * Unmatched nodes are removed (A) or added (B); matched ones are compared
 * attribute by attribute (values, perms, epsilons, modes) and input by
 * input.  Initializer contents are compared by XXH3 hashes of their
 * bytes (raw_data, or the typed field's elements).
 *
 * The result is a list of changes written as text, one line each:
 *	LOCATION: KIND [OP] ['NAME'] [ATTR]: A -> B
 * or as JSON ({"format": "onnxfix-diff", "version": 1, ...}, described in
 * onnxfix(1)).  Model text is escaped in both.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "onnxfix.h"
#include "io/content.h"
#include "ir/perm.h"

#define DIFF_FORMAT_VERSION 2
#define DIFF_LIST_MAX	8	/* list elements shown per value */

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
	long cur;		/* entry that add() files changes under */
	/* summary counts */
	size_t removed, added, changed, renamed, tr_removed, tr_added;
	size_t inits, interface, header;
	bool oom;
};

/* ---- helpers ---- */

static const char *
esc(struct diff *D, const char *s)
{
	char b[DIAG_ESCAPE_SIZE];
	char *r;

	if (s == NULL)
		return NULL;
	r = arena_strdup(&D->arena, diag_escape_str(b, sizeof(b), s));
	if (r == NULL)
		D->oom = true;
	return r;
}

static const char *
fmt(struct diff *D, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *
fmt(struct diff *D, const char *f, ...)
{
	char b[1024];
	va_list ap;
	char *r;

	va_start(ap, f);
	vsnprintf(b, sizeof(b), f, ap);
	va_end(ap);
	if ((r = arena_strdup(&D->arena, b)) == NULL)
		D->oom = true;
	return r;
}

static struct change *
add(struct diff *D, const char *kind, const char *graph)
{
	struct change *c;

	if (arena_grow(&D->arena, (void **)&D->v, &D->cap, D->n + 1,
	    sizeof(*D->v)) < 0) {
		D->oom = true;
		return NULL;
	}
	c = &D->v[D->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->graph = graph;
	c->entry = D->cur;
	return c;
}

static bool
str_eq(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* "float[1,3,n,?]" into a small buffer. */
static const char *
type_str(struct diff *D, const struct ir_type *t)
{
	char b[512], e[DIAG_ESCAPE_SIZE];
	size_t n = 0;
	int i;

	switch (t->kind) {
	case IR_TYPE_NONE:
		return "?";
	case IR_TYPE_SEQUENCE:
		return "sequence";
	case IR_TYPE_MAP:
		return "map";
	case IR_TYPE_OPTIONAL:
		return "optional";
	case IR_TYPE_OPAQUE:
		return "opaque";
	case IR_TYPE_TENSOR:
	case IR_TYPE_SPARSE:
		break;
	}
	n += (size_t)snprintf(b, sizeof(b), "%s%s",
	    t->kind == IR_TYPE_SPARSE ? "sparse " : "",
	    ir_elem_name(t->elem) ? ir_elem_name(t->elem) : "?");
	if (t->rank >= 0 && t->dims != NULL) {
		for (i = 0; i < t->rank && n < sizeof(b) - 64; i++) {
			const struct ir_dim *d = &t->dims[i];

			n += (size_t)snprintf(b + n, sizeof(b) - n, "%s",
			    i == 0 ? "[" : ",");
			if (d->kind == IR_DIM_VALUE)
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%" PRId64, d->value);
			else if (d->kind == IR_DIM_PARAM)
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%.40s", diag_escape_str(e, sizeof(e),
				    d->param));
			else
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "?");
		}
		snprintf(b + n, sizeof(b) - n, "%s", t->rank == 0 ? "[]" :
		    "]");
	}
	return fmt(D, "%s", b);
}

/* "float 64x3x3x3 #0123456789abcdef". */
static const char *
tensor_str(struct diff *D, const struct ir_tensor *t)
{
	char b[512];
	size_t n;
	int i;

	n = (size_t)snprintf(b, sizeof(b), "%s ", ir_elem_name(t->elem) ?
	    ir_elem_name(t->elem) : "?");
	for (i = 0; i < t->rank && n < sizeof(b) - 64; i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%" PRId64,
		    i ? "x" : "", t->dims[i]);
	if (t->rank == 0)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "scalar");
	snprintf(b + n, sizeof(b) - n, " #%016" PRIx64, io_tensor_hash(t));
	return fmt(D, "%s", b);
}

static bool
tensor_eq(const struct ir_tensor *a, const struct ir_tensor *b)
{
	int i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->elem != b->elem || a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return io_tensor_hash(a) == io_tensor_hash(b);
}

/* An attribute's value as text; graphs are compared on their own. */
static const char *
attr_str(struct diff *D, const struct ir_attr *a)
{
	char b[1024];
	size_t n = 0, i;

	if (a == NULL)
		return NULL;
	switch (a->type) {
	case IR_ATTR_FLOAT:
		return fmt(D, "%.7g", (double)a->f);
	case IR_ATTR_INT:
		return fmt(D, "%" PRId64, a->i);
	case IR_ATTR_STRING: {
		char e[DIAG_ESCAPE_SIZE];
		char *s = arena_strndup(&D->arena, (const char *)a->s,
		    a->slen);

		if (s == NULL) {
			D->oom = true;
			return NULL;
		}
		return fmt(D, "'%s'", diag_escape_str(e, sizeof(e), s));
	}
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		n += (size_t)snprintf(b, sizeof(b), "[");
		for (i = 0; i < a->n && i < DIFF_LIST_MAX; i++) {
			if (a->type == IR_ATTR_INTS)
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%s%" PRId64, i ? "," : "", a->ints[i]);
			else
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%s%.7g", i ? "," : "",
				    (double)a->floats[i]);
		}
		snprintf(b + n, sizeof(b) - n, "%s]",
		    a->n > DIFF_LIST_MAX ? ",..." : "");
		return fmt(D, "%s", b);
	case IR_ATTR_TENSOR:
		return a->t != NULL ? tensor_str(D, a->t) : "tensor";
	case IR_ATTR_GRAPH:
	case IR_ATTR_GRAPHS:
		return "graph";
	default:
		return fmt(D, "%s", ir_attr_type_name(a->type));
	}
}

static bool
attr_eq(const struct ir_attr *x, const struct ir_attr *y)
{
	size_t i;

	if (x->type != y->type)
		return false;
	switch (x->type) {
	case IR_ATTR_FLOAT:
		return memcmp(&x->f, &y->f, sizeof(x->f)) == 0;
	case IR_ATTR_INT:
		return x->i == y->i;
	case IR_ATTR_STRING:
		return x->slen == y->slen &&
		    (x->slen == 0 || memcmp(x->s, y->s, x->slen) == 0);
	case IR_ATTR_INTS:
		if (x->n != y->n)
			return false;
		for (i = 0; i < x->n; i++)
			if (x->ints[i] != y->ints[i])
				return false;
		return true;
	case IR_ATTR_FLOATS:
		return x->n == y->n && (x->n == 0 ||
		    memcmp(x->floats, y->floats, x->n * sizeof(float)) == 0);
	case IR_ATTR_TENSOR:
		return tensor_eq(x->t, y->t);
	case IR_ATTR_GRAPH:
	case IR_ATTR_GRAPHS:
		return true;	/* compared as subgraphs */
	default:
		return str_eq(x->ref_attr_name, y->ref_attr_name);
	}
}

static const char *
node_name(struct diff *D, const struct ir_node *n)
{
	if (n->name != NULL && n->name[0] != '\0')
		return esc(D, n->name);
	if (n->noutputs > 0 && n->outputs[0] != NULL)
		return fmt(D, "-> %s", esc(D, n->outputs[0]->name));
	return "";
}

static const char *
op_name(struct diff *D, const struct ir_node *n)
{
	if (ir_domain_is_onnx(n->domain))
		return esc(D, n->op_type);
	return fmt(D, "%s::%s", esc(D, n->domain), esc(D, n->op_type));
}

static bool
is_transpose(const struct ir_node *n)
{
	return ir_domain_is_onnx(n->domain) &&
	    strcmp(n->op_type, "Transpose") == 0;
}

/* ---- the model header and interface ---- */

static void
diff_header(struct diff *D, const struct ir_model *a,
    const struct ir_model *b)
{
	struct change *c;
	size_t i, j;

	if (a->ir_version != b->ir_version &&
	    (c = add(D, "ir_version", "")) != NULL) {
		c->a = fmt(D, "%" PRId64, a->ir_version);
		c->b = fmt(D, "%" PRId64, b->ir_version);
		D->header++;
	}
	if ((!str_eq(a->producer_name, b->producer_name) ||
	    !str_eq(a->producer_version, b->producer_version)) &&
	    (c = add(D, "producer", "")) != NULL) {
		c->a = fmt(D, "%s %s", esc(D, a->producer_name ?
		    a->producer_name : ""), esc(D, a->producer_version ?
		    a->producer_version : ""));
		c->b = fmt(D, "%s %s", esc(D, b->producer_name ?
		    b->producer_name : ""), esc(D, b->producer_version ?
		    b->producer_version : ""));
		D->header++;
	}
	if (a->model_version != b->model_version &&
	    (c = add(D, "model_version", "")) != NULL) {
		c->a = fmt(D, "%" PRId64, a->model_version);
		c->b = fmt(D, "%" PRId64, b->model_version);
		D->header++;
	}
	for (i = 0; i < a->nopsets; i++) {
		const char *dom = a->opsets[i].domain;
		int64_t vb = ir_model_opset(b, dom);

		if (vb == a->opsets[i].version)
			continue;
		if ((c = add(D, "opset", "")) == NULL)
			return;
		c->name = dom[0] ? esc(D, dom) : "ai.onnx";
		c->a = fmt(D, "%" PRId64, a->opsets[i].version);
		c->b = vb >= 0 ? fmt(D, "%" PRId64, vb) : NULL;
		if (vb < 0) {
			c->code = "F372";
			c->subject = c->name;
		}
		D->header++;
	}
	for (i = 0; i < b->nopsets; i++) {
		if (ir_model_opset(a, b->opsets[i].domain) >= 0)
			continue;
		if ((c = add(D, "opset", "")) == NULL)
			return;
		c->name = b->opsets[i].domain[0] ?
		    esc(D, b->opsets[i].domain) : "ai.onnx";
		c->b = fmt(D, "%" PRId64, b->opsets[i].version);
		D->header++;
	}
	for (i = 0; i < a->nmeta; i++) {
		for (j = 0; j < b->nmeta; j++)
			if (str_eq(a->meta[i].key, b->meta[j].key))
				break;
		if (j < b->nmeta && str_eq(a->meta[i].value, b->meta[j].value))
			continue;
		if ((c = add(D, "metadata", "")) == NULL)
			return;
		c->name = esc(D, a->meta[i].key);
		c->a = esc(D, a->meta[i].value);
		c->b = j < b->nmeta ? esc(D, b->meta[j].value) : NULL;
		D->header++;
	}
	for (j = 0; j < b->nmeta; j++) {
		for (i = 0; i < a->nmeta; i++)
			if (str_eq(a->meta[i].key, b->meta[j].key))
				break;
		if (i < a->nmeta || (c = add(D, "metadata", "")) == NULL)
			continue;
		c->name = esc(D, b->meta[j].key);
		c->b = esc(D, b->meta[j].value);
		D->header++;
	}
}

/* Graph inputs (initializers left out) or outputs, by name. */
static void
diff_io(struct diff *D, const struct ir_vinfo *va, size_t na,
    const struct ir_vinfo *vb, size_t nb, bool inputs)
{
	struct change *c;
	size_t i, j;

	for (i = 0; i < na; i++) {
		if (inputs && va[i].value != NULL && va[i].value->init != NULL)
			continue;
		for (j = 0; j < nb; j++)
			if (str_eq(va[i].name, vb[j].name))
				break;
		if (j < nb) {
			const char *ta = type_str(D, &va[i].type);
			const char *tb = type_str(D, &vb[j].type);

			if (ta == NULL || tb == NULL || strcmp(ta, tb) == 0)
				continue;
			if ((c = add(D, inputs ? "input-changed" :
			    "output-changed", "graph")) == NULL)
				return;
			c->a = ta;
			c->b = tb;
		} else if ((c = add(D, inputs ? "input-removed" :
		    "output-removed", "graph")) != NULL) {
			c->a = type_str(D, &va[i].type);
		} else {
			return;
		}
		c->name = esc(D, va[i].name);
		D->interface++;
	}
	for (j = 0; j < nb; j++) {
		if (inputs && vb[j].value != NULL && vb[j].value->init != NULL)
			continue;
		for (i = 0; i < na; i++)
			if (str_eq(va[i].name, vb[j].name))
				break;
		if (i < na)
			continue;
		if ((c = add(D, inputs ? "input-added" : "output-added",
		    "graph")) == NULL)
			return;
		c->name = esc(D, vb[j].name);
		c->b = type_str(D, &vb[j].type);
		D->interface++;
	}
}

/* ---- operator histogram ---- */

static void
histo_count(struct diff *D, struct ir_model *m, bool second)
{
	struct ir_graph **gs;
	size_t ng = ir_model_graphs(m, &gs), i, j, k;

	for (i = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++) {
			const struct ir_node *n = gs[i]->nodes[j];
			const char *op;

			if (n->dead)
				continue;
			op = op_name(D, n);
			if (op == NULL)
				return;
			for (k = 0; k < D->nh; k++)
				if (strcmp(D->h[k].op, op) == 0)
					break;
			if (k == D->nh) {
				if (arena_grow(&D->arena, (void **)&D->h,
				    &D->caph, D->nh + 1, sizeof(*D->h)) < 0) {
					D->oom = true;
					return;
				}
				D->h[k].op = op;
				D->h[k].a = D->h[k].b = 0;
				D->nh++;
			}
			if (second)
				D->h[k].b++;
			else
				D->h[k].a++;
		}
}

static int
histo_cmp(const void *x, const void *y)
{
	return strcmp(((const struct histo *)x)->op,
	    ((const struct histo *)y)->op);
}

/* ---- graphs ---- */

struct gpair {
	struct ir_graph *a, *b;
};

struct side {
	struct ir_graph *g;
	long *partner;		/* per node index: the other side's, or -1 */
};

/* A value's key in A's terms: "nI.K" (output K of A's node I), "vNAME"
 * (input or initializer) or NULL when it cannot be expressed. */
static char *
value_key(struct diff *D, const struct ir_value *v, const struct side *own,
    bool is_b)
{
	if (v == NULL)
		return arena_strdup(&D->arena, "-");
	if (v->kind == IR_VALUE_NODE) {
		const struct ir_node *p = v->producer;
		long ia;

		if (p == NULL || p->dead || p->graph != own->g ||
		    p->index >= own->g->nnodes || own->g->nodes[p->index] != p)
			return arena_printf(&D->arena, "o%s", v->name);
		ia = is_b ? own->partner[p->index] : (long)p->index;
		/* A's value whose producer has no partner (yet) may be
		 * B's initializer of that name (a folded constant). */
		if (!is_b && own->partner[p->index] < 0)
			return arena_printf(&D->arena, "v%s", v->name);
		if (ia < 0)
			return NULL;
		return arena_printf(&D->arena, "n%ld.%d", ia, v->out_index);
	}
	return arena_printf(&D->arena, "v%s", v->name);
}

static char *
node_key(struct diff *D, const struct ir_node *n, const struct side *own,
    bool is_b)
{
	char *k = arena_printf(&D->arena, "%s|%s", n->domain, n->op_type);
	size_t i;

	for (i = 0; k != NULL && i < n->ninputs; i++) {
		const struct ir_value *v = n->inputs[i];
		char *vk;
		int hop;

		/* In A, through Transposes and Identities without a partner
		 * (removed): B's node reads what they read. */
		for (hop = 0; !is_b && v != NULL && hop < 16; hop++) {
			const struct ir_node *p = v->producer;

			if (v->kind != IR_VALUE_NODE || p == NULL || p->dead ||
			    p->graph != own->g || p->index >= own->g->nnodes ||
			    own->g->nodes[p->index] != p ||
			    own->partner[p->index] >= 0 || p->ninputs < 1 ||
			    !ir_domain_is_onnx(p->domain) ||
			    (strcmp(p->op_type, "Transpose") != 0 &&
			    strcmp(p->op_type, "Identity") != 0))
				break;
			v = p->inputs[0];
		}
		vk = value_key(D, v, own, is_b);

		if (vk == NULL)
			return NULL;
		k = arena_printf(&D->arena, "%s|%s", k, vk);
	}
	return k;
}

static void
link(struct side *sa, struct side *sb, size_t i, size_t j)
{
	sa->partner[i] = (long)j;
	sb->partner[j] = (long)i;
}

static bool
same_op(const struct ir_node *x, const struct ir_node *y)
{
	return str_eq(x->op_type, y->op_type) &&
	    ir_domain_is_onnx(x->domain) == ir_domain_is_onnx(y->domain) &&
	    (ir_domain_is_onnx(x->domain) || str_eq(x->domain, y->domain));
}

/* Sentinel for a name that occurs more than once. */
static char ambiguous;

static int
match_nodes(struct diff *D, struct side *sa, struct side *sb)
{
	struct ir_graph *ga = sa->g, *gb = sb->g;
	struct hmap byname, byout, bykey;
	size_t i, j, round;

	hmap_init(&byname, &D->arena);
	hmap_init(&byout, &D->arena);
	for (j = 0; j < gb->nnodes; j++) {
		const struct ir_node *n = gb->nodes[j];
		void *old;

		if (n->name != NULL && n->name[0] != '\0' &&
		    hmap_put(&byname, n->name, (void *)(uintptr_t)(j + 1), &old) == 0)
			hmap_set(&byname, n->name, &ambiguous);
		if (n->noutputs > 0 && n->outputs[0] != NULL &&
		    hmap_put(&byout, n->outputs[0]->name, (void *)(uintptr_t)(j + 1),
		    NULL) < 0)
			return -1;
	}
	for (i = 0; i < ga->nnodes; i++) {
		const struct ir_node *n = ga->nodes[i];
		void *v;

		if (n->name == NULL || n->name[0] == '\0' ||
		    (v = hmap_get(&byname, n->name)) == NULL ||
		    v == &ambiguous)
			continue;
		j = (size_t)(uintptr_t)v - 1;
		if (sb->partner[j] < 0 && same_op(n, gb->nodes[j]))
			link(sa, sb, i, j);
	}
	for (i = 0; i < ga->nnodes; i++) {
		const struct ir_node *n = ga->nodes[i];
		void *v;

		if (sa->partner[i] >= 0 || n->noutputs == 0 ||
		    n->outputs[0] == NULL ||
		    (v = hmap_get(&byout, n->outputs[0]->name)) == NULL)
			continue;
		j = (size_t)(uintptr_t)v - 1;
		if (sb->partner[j] < 0 && same_op(n, gb->nodes[j]))
			link(sa, sb, i, j);
	}
	/* Structure: unmatched A nodes by key; B nodes in B's order. */
	for (round = 0; round < 4; round++) {
		bool more = false;

		hmap_init(&bykey, &D->arena);
		for (i = 0; i < ga->nnodes; i++) {
			char *k;

			if (sa->partner[i] >= 0)
				continue;
			if ((k = node_key(D, ga->nodes[i], sa, false)) == NULL)
				continue;
			if (hmap_put(&bykey, k, (void *)(uintptr_t)(i + 1), NULL) < 0)
				return -1;
		}
		for (j = 0; j < gb->nnodes; j++) {
			char *k;
			void *v;

			if (sb->partner[j] >= 0 ||
			    (k = node_key(D, gb->nodes[j], sb, true)) == NULL ||
			    (v = hmap_get(&bykey, k)) == NULL)
				continue;
			i = (size_t)(uintptr_t)v - 1;
			if (sa->partner[i] >= 0)
				continue;
			link(sa, sb, i, j);
			more = true;
		}
		if (!more)
			break;
	}
	return D->oom ? -1 : 0;
}

#define MAX_ADJ 16

/* ---- rewrites: grouping the changes of one graph ----
 *
 * A rewrite of `onnxfix fix` shows up as several low-level changes: a
 * folded BatchNormalization is a removed node, a producer with new
 * weights and the node's output, and new initializers.  The recognisers
 * below claim nodes of A (removed, or matched with their partner) and
 * added nodes of B for one entry each; a change is filed under the entry
 * of the node it is about, a rewired input under the entry of the node
 * that made the value (removed in A or added in B), and an initializer
 * under the entry of its consumers.  What no recogniser claims stays a
 * change of its own.
 */
struct grp {
	struct diff *D;
	struct side *sa, *sb;
	const char *where;
	long *ga, *gb;		/* entry per node index, or -1 */
	struct hmap inits;	/* B initializer name -> entry + 1 */
};

/* How fix's notes name a node: its name, else its first output. */
static const char *
subject_of(struct diff *D, const struct ir_node *n)
{
	if (n->name != NULL && n->name[0] != '\0')
		return esc(D, n->name);
	if (n->noutputs > 0 && n->outputs[0] != NULL)
		return esc(D, n->outputs[0]->name);
	return "";
}

static long
new_entry(struct diff *D, const char *kind, const char *code,
    const char *where, const struct ir_node *n)
{
	struct entry *e;

	if (arena_grow(&D->arena, (void **)&D->e, &D->cape, D->ne + 1,
	    sizeof(*D->e)) < 0) {
		D->oom = true;
		return -1;
	}
	e = &D->e[D->ne];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->code = code;
	e->graph = where;
	if (n != NULL) {
		e->op = op_name(D, n);
		e->name = node_name(D, n);
		e->subject = subject_of(D, n);
	}
	return (long)D->ne++;
}

static bool
is_op(const struct ir_node *n, const char *op)
{
	return n != NULL && ir_domain_is_onnx(n->domain) &&
	    strcmp(n->op_type, op) == 0;
}

/* Index of V's producer in its side's graph, or -1. */
static long
prod_index(const struct side *s, const struct ir_value *v)
{
	const struct ir_node *p;

	if (v == NULL || v->kind != IR_VALUE_NODE ||
	    (p = v->producer) == NULL || p->dead || p->graph != s->g ||
	    p->index >= s->g->nnodes || s->g->nodes[p->index] != p)
		return -1;
	return (long)p->index;
}

static bool
removed_a(const struct grp *G, long i)
{
	return i >= 0 && G->sa->partner[i] < 0 && !G->sa->g->nodes[i]->dead;
}

static bool
added_b(const struct grp *G, long j)
{
	return j >= 0 && G->sb->partner[j] < 0 && !G->sb->g->nodes[j]->dead;
}

/* Union-find over A nodes (0..na-1) and B nodes (na..). */
static long
uf_find(long *uf, long x)
{
	while (uf[x] != x) {
		uf[x] = uf[uf[x]];
		x = uf[x];
	}
	return x;
}

static void
uf_union(long *uf, long x, long y)
{
	x = uf_find(uf, x);
	y = uf_find(uf, y);
	if (x != y)
		uf[x > y ? x : y] = x < y ? x : y;
}

enum {
	TF_REMOVED = 1,		/* A: removed Transpose */
	TF_CHANGED = 2,		/* A: kept Transpose, perm changed */
	TF_ADDED = 4,		/* B: added Transpose */
	TF_CONVERTED = 8,	/* B: added Reshape/Identity in a Transpose's
				 * place */
	TF_HELPER = 16,		/* B: added Unsqueeze feeding a Transpose */
	TF_THROUGH = 32,	/* A: matched node a Transpose went through */
	TF_REACHED = 64,	/* A: cancelled with one moved down to it */
	TF_MOVED = 128,		/* A: kept in place, now below Identities */
};

/* Does Transpose X feed an Identity that is gone from B? */
static bool
moved_below_identity(const struct grp *G, const struct ir_node *x)
{
	const struct ir_value *o = x->noutputs > 0 ? x->outputs[0] : NULL;
	size_t q;

	for (q = 0; o != NULL && q < o->nuses; q++) {
		const struct ir_node *u = o->uses[q].node;

		if (u->graph == G->sa->g && u->index < G->sa->g->nnodes &&
		    G->sa->g->nodes[u->index] == u &&
		    G->sa->partner[u->index] < 0 && is_op(u, "Identity"))
			return true;
	}
	return false;
}

/* Does matched A node I's partner feed an added Transpose? */
static bool
feeds_added(const struct grp *G, const unsigned char *f, long i)
{
	const struct ir_node *y = G->sb->g->nodes[G->sa->partner[i]];
	size_t na = G->sa->g->nnodes, nb = G->sb->g->nnodes, k, q;

	for (k = 0; k < y->noutputs; k++)
		for (q = 0; y->outputs[k] != NULL &&
		    q < y->outputs[k]->nuses; q++) {
			const struct ir_node *u = y->outputs[k]->uses[q].node;

			if (u->graph == G->sb->g && u->index < nb &&
			    G->sb->g->nodes[u->index] == u &&
			    (f[na + u->index] & TF_ADDED))
				return true;
		}
	return false;
}

/* Does component R hold a node a Transpose went through? */
static bool
has_through(long *uf, const unsigned char *f, size_t na, long r)
{
	size_t k;

	for (k = 0; k < na; k++)
		if ((f[k] & TF_THROUGH) && uf_find(uf, (long)k) == r)
			return true;
	return false;
}

/* "'a', 'b'" of the A (or B) nodes in component R with flag F. */
static const char *
name_list(struct diff *D, const struct grp *G, const long *uf,
    const unsigned char *f, unsigned char want, long r, bool b_side)
{
	const struct ir_graph *g = b_side ? G->sb->g : G->sa->g;
	size_t na = G->sa->g->nnodes, i, len = 0;
	char buf[1024];

	buf[0] = '\0';
	for (i = 0; i < g->nnodes && len < sizeof(buf) - 80; i++) {
		long id = (long)(b_side ? na + i : i);

		if (!(f[id] & want) || uf_find((long *)uf, id) != r)
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "%s'%s'", len ? ", " : "", node_name(D, g->nodes[i]));
	}
	return fmt(D, "%s", buf);
}


static bool
perm_changed(const struct ir_node *x, const struct ir_node *y)
{
	const struct ir_attr *a = ir_node_attr(x, "perm");
	const struct ir_attr *b = ir_node_attr(y, "perm");

	if (a == NULL || b == NULL)
		return a != b;
	return !attr_eq(a, b);
}

/* Attributes a Transpose pushed through a node changes. */
static bool
layout_attr(const char *name)
{
	static const char *const v[] = { "axis", "axes", "perm", "pads",
	    "split", "repeats", "starts", "ends", "steps", NULL };
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(name, v[i]) == 0)
			return true;
	return false;
}

/* Does matched A node I differ from its partner: inputs, the contents of
 * an initializer it reads, attributes (only those a push changes unless
 * OUTPUTS), output names (when OUTPUTS)? */
static bool
node_changed(const struct grp *G, size_t i, bool outputs)
{
	const struct ir_node *x = G->sa->g->nodes[i];
	const struct ir_node *y = G->sb->g->nodes[G->sa->partner[i]];
	size_t k;

	if ((outputs && x->nattrs != y->nattrs) || x->ninputs != y->ninputs ||
	    x->noutputs != y->noutputs)
		return true;
	for (k = 0; k < x->nattrs; k++) {
		const struct ir_attr *ay = ir_node_attr(y, x->attrs[k].name);

		if ((ay == NULL || !attr_eq(&x->attrs[k], ay)) &&
		    (outputs || layout_attr(x->attrs[k].name)))
			return true;
	}
	for (k = 0; k < y->nattrs && !outputs; k++)
		if (ir_node_attr(x, y->attrs[k].name) == NULL &&
		    layout_attr(y->attrs[k].name))
			return true;
	for (k = 0; k < x->ninputs; k++) {
		const struct ir_value *vx = x->inputs[k], *vy = y->inputs[k];
		char *kx, *ky;

		if ((vx == NULL) != (vy == NULL))
			return true;
		if (vx == NULL)
			continue;
		kx = value_key(G->D, vx, G->sa, false);
		ky = value_key(G->D, vy, G->sb, true);
		/* The same name from another producer (a folded node's
		 * output taken over) is that producer's change. */
		if ((kx == NULL || ky == NULL || strcmp(kx, ky) != 0) &&
		    !str_eq(vx->name, vy->name))
			return true;
		if (vx->init != NULL && vy->init != NULL &&
		    !tensor_eq(vx->init, vy->init))
			return true;
	}
	for (k = 0; k < x->noutputs && outputs; k++)
		if ((x->outputs[k] == NULL) != (y->outputs[k] == NULL) ||
		    (x->outputs[k] != NULL &&
		    !str_eq(x->outputs[k]->name, y->outputs[k]->name)))
			return true;
	return false;
}

/* Transposes cancelled, merged, pushed, dropped, turned into Reshape. */
static int
group_transposes(struct grp *G)
{
	struct diff *D = G->D;
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t na = ga->nnodes, nb = gb->nnodes, i, j, k, q;
	long *uf, *ent, *stamp, *stack;
	unsigned char *f;
	struct hmap byname;

	uf = arena_array(&D->arena, na + nb + 1, sizeof(*uf));
	ent = arena_array(&D->arena, na + nb + 1, sizeof(*ent));
	f = arena_array(&D->arena, na + nb + 1, 1);
	if (uf == NULL || ent == NULL || f == NULL)
		return -1;
	for (i = 0; i < na + nb; i++) {
		uf[i] = (long)i;
		ent[i] = -1;
	}
	hmap_init(&byname, &D->arena);
	for (i = 0; i < na; i++) {
		struct ir_node *x = ga->nodes[i];

		if (x->dead || !is_op(x, "Transpose") || G->ga[i] >= 0)
			continue;
		if (G->sa->partner[i] < 0) {
			f[i] |= TF_REMOVED;
			if ((x->name != NULL && x->name[0] != '\0' &&
			    hmap_put(&byname, x->name, (void *)(i + 1),
			    NULL) < 0) || (x->noutputs > 0 &&
			    x->outputs[0] != NULL && hmap_put(&byname,
			    x->outputs[0]->name, (void *)(i + 1), NULL) < 0))
				return -1;
		} else if (perm_changed(x, gb->nodes[G->sa->partner[i]])) {
			f[i] |= TF_CHANGED;
		} else if (!str_eq(x->name, gb->nodes[G->sa->partner[i]]->name)
		    && x->name != NULL && x->name[0] != '\0' &&
		    moved_below_identity(G, x)) {
			/* Moved below Identities since removed: a new
			 * Transpose in the old one's place. */
			f[i] |= TF_MOVED;
			f[na + G->sa->partner[i]] |= TF_ADDED | TF_MOVED;
			uf_union(uf, (long)i, (long)na + G->sa->partner[i]);
		}
	}
	for (j = 0; j < nb; j++) {
		struct ir_node *y = gb->nodes[j];
		void *v = NULL;

		if (!added_b(G, (long)j) || G->gb[j] >= 0)
			continue;
		if (is_op(y, "Transpose")) {
			f[na + j] |= TF_ADDED;
		} else if ((is_op(y, "Reshape") || is_op(y, "Identity")) &&
		    ((y->name != NULL && (v = hmap_get(&byname, y->name)) !=
		    NULL) || (y->noutputs > 0 && y->outputs[0] != NULL &&
		    (v = hmap_get(&byname, y->outputs[0]->name)) != NULL))) {
			f[na + j] |= TF_CONVERTED;
			uf_union(uf, (long)(na + j), (long)(uintptr_t)v - 1);
		}
	}
	/* Unsqueezes that feed an added Transpose. */
	for (j = 0; j < nb; j++) {
		struct ir_node *y = gb->nodes[j];
		long p;

		if (!(f[na + j] & TF_ADDED))
			continue;
		p = prod_index(G->sb, y->inputs[0]);
		if (p >= 0 && added_b(G, p) &&
		    is_op(gb->nodes[p], "Unsqueeze")) {
			f[na + p] |= TF_HELPER;
			uf_union(uf, (long)(na + j), (long)na + p);
		}
		if (p >= 0 && (f[na + p] & TF_ADDED))
			uf_union(uf, (long)(na + j), (long)na + p);
	}
	/* Nodes a Transpose went through: downstream of a removed one, in
	 * A, the changed nodes up to the next Transpose (unchanged ones in
	 * between are passed); next to an added one in B, the changed
	 * nodes it feeds or is fed by. */
	stamp = arena_array(&D->arena, na + 1, sizeof(*stamp));
	stack = arena_array(&D->arena, 2 * (na + 1), sizeof(*stack));
	if (stamp == NULL || stack == NULL)
		return -1;
	for (i = 0; i < na; i++)
		stamp[i] = -1;
	/*
	 * In the order of the graph, as the transpose pass visits them: a
	 * Transpose right below another merges or cancels with it, unless
	 * that one already cancelled with one moved down to it; one a moved
	 * Transpose reached is done; any other is moved down itself.
	 */
	for (i = 0; i < na; i++) {
		size_t nst = 0;
		long x, p;

		if (!(f[i] & (TF_REMOVED | TF_CHANGED)))
			continue;
		p = prod_index(G->sa, ga->nodes[i]->inputs[0]);
		if (p >= 0 && (f[p] & (TF_REMOVED | TF_CHANGED)) &&
		    !(f[p] & TF_REACHED)) {
			uf_union(uf, (long)i, p);
			continue;
		}
		if ((f[i] & TF_REACHED) ||
		    has_through(uf, f, na, uf_find(uf, (long)i)))
			continue;
		stamp[i] = (long)i;
		stack[nst++] = (long)i;
		stack[nst++] = 0;
		while (nst > 0) {
			long depth = stack[--nst];
			struct ir_node *xn;

			x = stack[--nst];
			xn = ga->nodes[x];

			for (k = 0; k < xn->noutputs; k++) {
				const struct ir_value *o = xn->outputs[k];

				for (q = 0; o != NULL && q < o->nuses; q++) {
					struct ir_node *u = o->uses[q].node;
					long ui = (long)u->index, nd = depth + 1;

					if (u->graph != ga || (size_t)ui >= na ||
					    ga->nodes[ui] != u ||
					    stamp[ui] == (long)i)
						continue;
					stamp[ui] = (long)i;
					if (f[ui] & (TF_REMOVED | TF_CHANGED)) {
						/* Next to each other: below. */
						if (x != (long)i) {
							uf_union(uf, (long)i,
							    ui);
							f[ui] |= TF_REACHED;
						}
						continue;
					}
					/* A removed Identity (its own entry)
					 * is passed through. */
					if (removed_a(G, ui) &&
					    is_op(u, "Identity")) {
						stack[nst++] = ui;
						stack[nst++] = depth;
						continue;
					}
					/* Only where the transpose pass
					 * pushes (perm_push_kind). */
					if (G->sa->partner[ui] < 0 ||
					    G->ga[ui] >= 0 ||
					    is_op(u, "Transpose") ||
					    perm_push_kind(u) == PUSH_NONE)
						continue;
					if (node_changed(G, (size_t)ui, false)) {
						f[ui] |= TF_THROUGH;
						uf_union(uf, (long)i, ui);
						nd = 0;
						/* It stopped below this one. */
						if (feeds_added(G, f, ui))
							continue;
					} else if (nd > 8) {
						continue;
					}
					stack[nst++] = ui;
					stack[nst++] = nd;
				}
			}
		}
		/* Upstream: a Transpose pushed down from a kept one (it
		 * has other users) cancelled here; the changed nodes it
		 * went through feed this one. */
		{
			long chain[16], up, c;
			size_t nch = 0, q2;
			bool kept = false;

			for (x = (long)i; x >= 0 && nch < 16 && !kept;
			    x = up) {
				const struct ir_node *xn = ga->nodes[x];

				up = -1;
				for (k = 0; k < xn->ninputs && up < 0 &&
				    !kept; k++) {
					c = prod_index(G->sa, xn->inputs[k]);
					if (c < 0)
						continue;
					/* The top: fed by a kept Transpose. */
					if (x != (long)i && is_op(ga->nodes[c],
					    "Transpose") &&
					    G->sa->partner[c] >= 0) {
						kept = true;
						break;
					}
					if (stamp[c] != (long)i &&
					    G->sa->partner[c] >= 0 &&
					    G->ga[c] < 0 &&
					    !is_op(ga->nodes[c], "Transpose") &&
					    perm_push_kind(ga->nodes[c]) !=
					    PUSH_NONE &&
					    node_changed(G, (size_t)c, false))
						up = c;
				}
				if (up >= 0)
					chain[nch++] = up;
			}
			for (q2 = 0; kept && q2 < nch; q2++) {
				stamp[chain[q2]] = (long)i;
				f[chain[q2]] |= TF_THROUGH;
				uf_union(uf, (long)i, chain[q2]);
			}
		}
	}
	for (j = 0; j < nb; j++) {
		struct ir_node *y = gb->nodes[j];
		long p, pa;

		if (!(f[na + j] & (TF_ADDED | TF_CONVERTED)) ||
		    (f[na + j] & TF_MOVED))
			continue;
		for (k = 0; k < y->noutputs; k++) {
			const struct ir_value *o = y->outputs[k];

			for (q = 0; o != NULL && q < o->nuses; q++) {
				const struct ir_node *u = o->uses[q].node;

				if (u->graph != gb || u->index >= nb ||
				    gb->nodes[u->index] != u ||
				    (pa = G->sb->partner[u->index]) < 0 ||
				    G->ga[pa] >= 0 || is_op(u, "Transpose") ||
				    perm_push_kind(u) == PUSH_NONE ||
				    !node_changed(G, (size_t)pa, true))
					continue;
				f[pa] |= TF_THROUGH;
				uf_union(uf, (long)(na + j), pa);
			}
		}
		p = prod_index(G->sb, y->inputs[0]);
		if (p >= 0 && (pa = G->sb->partner[p]) >= 0 &&
		    G->ga[pa] < 0 && !is_op(gb->nodes[p], "Transpose") &&
		    perm_push_kind(gb->nodes[p]) != PUSH_NONE &&
		    node_changed(G, (size_t)pa, true)) {
			f[pa] |= TF_THROUGH;
			uf_union(uf, (long)(na + j), pa);
		}
	}
	/* One entry per component that lost or gained a Transpose. */
	for (i = 0; i < na + nb; i++) {
		long r, e;
		size_t nr = 0, nc = 0, nadd = 0, nconv = 0, nthr = 0;
		const char *kind, *code;
		struct entry *en;
		const struct ir_node *subj = NULL;
		bool reshape = false, moved = false;

		if (!(f[i] & (TF_REMOVED | TF_ADDED | TF_CONVERTED |
		    TF_MOVED)))
			continue;
		r = uf_find(uf, (long)i);
		if (ent[r] >= 0)
			continue;
		for (k = 0; k < na + nb; k++) {
			if (uf_find(uf, (long)k) != r)
				continue;
			if (f[k] & TF_REMOVED) {
				if (nr++ == 0)
					subj = ga->nodes[k];
			}
			nc += (f[k] & TF_CHANGED) != 0;
			nadd += (f[k] & TF_ADDED) != 0;
			nthr += (f[k] & TF_THROUGH) != 0;
			if ((f[k] & TF_MOVED) && k < na) {
				moved = true;
				if (nr++ == 0)
					subj = ga->nodes[k];
			}
			if (f[k] & TF_CONVERTED) {
				nconv++;
				reshape = reshape ||
				    is_op(gb->nodes[k - na], "Reshape");
			}
		}
		if (moved) {
			kind = "transposes-pushed";
			code = "F313";
		} else if (nthr > 0 && nadd + nc + nconv == 0) {
			kind = "transposes-cancelled";
			code = "F310";
		} else if (nthr > 0) {
			kind = "transposes-pushed";
			code = "F313";
		} else if (reshape) {
			kind = "transpose-to-reshape";
			code = "F314";
		} else if (nadd + nc > 0) {
			kind = "transposes-merged";
			code = "F311";
		} else if (nr >= 2) {
			kind = "transposes-cancelled";
			code = "F310";
		} else if (nr == 1) {
			kind = "transpose-removed";
			code = "F312";
		} else {
			kind = "transposes-added";
			code = NULL;
		}
		if ((e = new_entry(D, kind, code, G->where, subj)) < 0)
			return -1;
		ent[r] = e;
		en = &D->e[e];
		en->text = fmt(D, "removed %s%s%s%s%s%s%s",
		    nr ? name_list(D, G, uf, f, TF_REMOVED | TF_MOVED, r,
		    false) :
		    "none",
		    nthr ? "; through " : "", nthr ? name_list(D, G, uf, f,
		    TF_THROUGH, r, false) : "",
		    nadd + nconv ? "; added " : "", nadd + nconv ?
		    name_list(D, G, uf, f, TF_ADDED | TF_CONVERTED, r,
		    true) : "",
		    nc ? "; changed " : "", nc ? name_list(D, G, uf, f,
		    TF_CHANGED, r, false) : "");
		for (k = 0; k < na + nb; k++) {
			if (uf_find(uf, (long)k) != r || f[k] == 0)
				continue;
			if (k < na)
				G->ga[k] = e;
			else
				G->gb[k - na] = e;
		}
	}
	return D->oom ? -1 : 0;
}

/* The name V has in B: its own, or the graph output name a chain of
 * removed Identities that reads it gave it (identity-removed took it
 * over). */
static const char *
b_name(const struct grp *G, const struct ir_value *v)
{
	const struct ir_value *w = v;
	size_t q;
	int hop;

	for (hop = 0; w != NULL && hop < 16; hop++) {
		const struct ir_value *next = NULL;

		for (q = 0; q < w->nuses && next == NULL; q++) {
			const struct ir_node *u = w->uses[q].node;

			if (u->graph == G->sa->g &&
			    u->index < G->sa->g->nnodes &&
			    G->sa->g->nodes[u->index] == u &&
			    removed_a(G, (long)u->index) &&
			    is_op(u, "Identity") && u->noutputs > 0 &&
			    u->outputs[0] != NULL)
				next = u->outputs[0];
		}
		if (next != NULL && next->noutputs > 0)
			return next->name;
		w = next;
	}
	return v != NULL ? v->name : NULL;
}

/* A BatchNormalization folded into the matched node that feeds it. */
static int
group_bn_fold(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i;

	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i], *y;
		long p, e;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0 ||
		    !is_op(x, "BatchNormalization") || x->ninputs < 1 ||
		    x->noutputs < 1 || x->outputs[0] == NULL)
			continue;
		p = prod_index(G->sa, x->inputs[0]);
		if (p < 0 || G->sa->partner[p] < 0 || G->ga[p] >= 0)
			continue;
		y = gb->nodes[G->sa->partner[p]];
		if (y->noutputs < 1 || y->outputs[0] == NULL ||
		    (!str_eq(y->outputs[0]->name, x->outputs[0]->name) &&
		    !str_eq(y->outputs[0]->name, b_name(G, x->outputs[0]))))
			continue;
		if ((e = new_entry(G->D, "bn-folded", "F350", G->where, x)) < 0)
			return -1;
		G->D->e[e].text = fmt(G->D, "into %s '%s'", op_name(G->D,
		    ga->nodes[p]), node_name(G->D, ga->nodes[p]));
		G->ga[i] = G->ga[p] = e;
	}
	return 0;
}

static void
claim_init(struct grp *G, const char *name, long e)
{
	if (name != NULL && hmap_put(&G->inits, name, (void *)(e + 1),
	    NULL) < 0)
		G->D->oom = true;
}

/*
 * A removed node whose output is a new initializer in B: a folded
 * constant, with the removed nodes that only fed it (their values gone).
 */
static int
group_folded(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i, k, q, head;
	long *work;
	size_t nwork;

	work = arena_array(&G->D->arena, ga->nnodes + 1, sizeof(*work));
	if (work == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		const struct ir_value *bv = NULL;
		long e;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0)
			continue;
		for (k = 0; k < x->noutputs && bv == NULL; k++) {
			const struct ir_value *v;

			if (x->outputs[k] == NULL)
				continue;
			v = ir_lookup(gb, x->outputs[k]->name);
			if (v != NULL && v->init != NULL && v->graph == gb)
				bv = v;
		}
		if (bv == NULL)
			continue;
		if ((e = new_entry(G->D, "constant-folded", "F391", G->where,
		    x)) < 0)
			return -1;
		G->D->e[e].text = fmt(G->D, "into initializer '%s'",
		    esc(G->D, bv->name));
		claim_init(G, bv->name, e);
		G->ga[i] = e;
		nwork = 0;
		work[nwork++] = (long)i;
		for (head = 0; head < nwork; head++) {
			struct ir_node *m = ga->nodes[work[head]];

			for (k = 0; k < m->ninputs; k++) {
				long p = prod_index(G->sa, m->inputs[k]);
				struct ir_node *pn;
				bool only = true;
				size_t o;

				/* Shape and Size read no values; a
				 * Constant stays a node (dce drops it). */
				if (!removed_a(G, p) || G->ga[p] >= 0 ||
				    is_op(m, "Shape") || is_op(m, "Size") ||
				    is_op(ga->nodes[p], "Constant"))
					continue;
				pn = ga->nodes[p];
				for (o = 0; o < pn->noutputs && only; o++) {
					const struct ir_value *v =
					    pn->outputs[o];

					if (v == NULL)
						continue;
					if (ir_lookup(gb, v->name) != NULL ||
					    v->noutputs > 0)
						only = false;
					for (q = 0; q < v->nuses; q++)
						if (v->uses[q].node->graph !=
						    ga || G->ga[v->uses[q].node->
						    index] != e)
							only = false;
				}
				if (!only)
					continue;
				G->ga[p] = e;
				work[nwork++] = p;
			}
		}
	}
	return G->D->oom ? -1 : 0;
}

/* A removed node whose outputs added nodes of B now make: a custom
 * operator decomposed, a BatchNormalization rewritten, a Transpose
 * turned into something else. */
static int
group_replaced(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i, k, q, head, nwork;
	long *work;

	work = arena_array(&G->D->arena, gb->nnodes + 1, sizeof(*work));
	if (work == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		const char *kind = NULL, *code = NULL;
		long e = -1;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0)
			continue;
		nwork = 0;
		for (k = 0; k < x->noutputs; k++) {
			long p;

			if (x->outputs[k] == NULL)
				continue;
			p = prod_index(G->sb, ir_lookup(gb,
			    x->outputs[k]->name));
			if (p < 0)
				p = prod_index(G->sb, ir_lookup(gb,
				    b_name(G, x->outputs[k])));
			if (!added_b(G, p) || G->gb[p] >= 0)
				continue;
			if (e < 0) {
				if (is_op(x, "BatchNormalization")) {
					kind = "bn-rewritten";
					code = "F346";
				} else {
					kind = "op-replaced";
					code = "F370";
				}
				e = new_entry(G->D, kind, code, G->where, x);
				if (e < 0)
					return -1;
				G->ga[i] = e;
			}
			G->gb[p] = e;
			work[nwork++] = p;
		}
		for (head = 0; head < nwork; head++) {
			struct ir_node *m = gb->nodes[work[head]];

			for (q = 0; q < m->ninputs; q++) {
				long p = prod_index(G->sb, m->inputs[q]);

				if (!added_b(G, p) || G->gb[p] >= 0)
					continue;
				G->gb[p] = e;
				work[nwork++] = p;
			}
		}
		if (e >= 0)
			G->D->e[e].text = fmt(G->D, "by %zu node%s", nwork,
			    nwork == 1 ? "" : "s");
	}
	return G->D->oom ? -1 : 0;
}

static int
group_graph(struct grp *G)
{
	struct ir_graph *ga = G->sa->g;
	size_t i;

	if (group_bn_fold(G) < 0 || group_folded(G) < 0)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		long e;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0 ||
		    !is_op(x, "Identity"))
			continue;
		if ((e = new_entry(G->D, "identity-removed", "F390", G->where,
		    x)) < 0)
			return -1;
		G->D->e[e].text = fmt(G->D, "'%s' was '%s'", esc(G->D,
		    x->noutputs > 0 && x->outputs[0] ? x->outputs[0]->name :
		    ""), esc(G->D, x->ninputs > 0 && x->inputs[0] ?
		    x->inputs[0]->name : ""));
		G->ga[i] = e;
	}
	if (group_transposes(G) < 0)
		return -1;
	return group_replaced(G);
}

/* The entry a value's removed producer (A) or added producer (B) is
 * filed under, or -1. */
static long
value_entry(const struct grp *G, const struct ir_value *v, bool b_side)
{
	long p = prod_index(b_side ? G->sb : G->sa, v);

	if (p < 0)
		return -1;
	if (b_side)
		return added_b(G, p) ? G->gb[p] : -1;
	return removed_a(G, p) ? G->ga[p] : -1;
}

/* The entry of a removed (A) or added (B) consumer of V, or -1. */
static long
user_entry(const struct grp *G, const struct ir_value *v, bool b_side)
{
	const struct side *s = b_side ? G->sb : G->sa;
	size_t q;

	for (q = 0; v != NULL && q < v->nuses; q++) {
		const struct ir_node *u = v->uses[q].node;
		long e;

		if (u->graph != s->g || u->index >= s->g->nnodes ||
		    s->g->nodes[u->index] != u)
			continue;
		e = b_side ? (added_b(G, (long)u->index) ?
		    G->gb[u->index] : -1) : (removed_a(G, (long)u->index) ?
		    G->ga[u->index] : -1);
		if (e >= 0)
			return e;
	}
	return -1;
}

/* The entry of any B node that reads V (added, or matched and claimed). */
static long
reader_entry(const struct grp *G, const struct ir_value *v)
{
	size_t q;

	for (q = 0; v != NULL && q < v->nuses; q++) {
		const struct ir_node *u = v->uses[q].node;
		long e;

		if (u->graph != G->sb->g || u->index >= G->sb->g->nnodes ||
		    G->sb->g->nodes[u->index] != u)
			continue;
		e = G->sb->partner[u->index] < 0 ? G->gb[u->index] :
		    G->ga[G->sb->partner[u->index]];
		if (e >= 0)
			return e;
	}
	return -1;
}

/* BatchNormalization attributes bn-normalize sets or drops: the code of
 * its note. */
static const char *
bn_attr_code(const char *attr, bool removed)
{
	if (strcmp(attr, "epsilon") == 0)
		return "F340";
	if (strcmp(attr, "momentum") == 0)
		return "F341";
	if (strcmp(attr, "training_mode") == 0 ||
	    (strcmp(attr, "is_test") == 0 && !removed))
		return "F343";
	if (strcmp(attr, "consumed_inputs") == 0 ||
	    strcmp(attr, "is_test") == 0 || strcmp(attr, "spatial") == 0)
		return "F345";
	return NULL;
}

static void
diff_node(struct diff *D, const char *where, const struct grp *G,
    size_t i, size_t j)
{
	const struct side *sa = G->sa, *sb = G->sb;
	const struct ir_node *x = sa->g->nodes[i], *y = sb->g->nodes[j];
	const char *op = op_name(D, x), *nm = node_name(D, x);
	struct change *c;
	bool changed = false;
	bool bn = G->ga[i] < 0 && is_op(x, "BatchNormalization");
	long base = G->ga[i], inf = -1, e;
	size_t k, q;

	D->cur = base;
	if (!str_eq(x->name, y->name)) {
		if ((c = add(D, "node-renamed", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->a = esc(D, x->name ? x->name : "");
		c->b = esc(D, y->name ? y->name : "");
		D->renamed++;
	}
	for (k = 0; k < x->nattrs + y->nattrs; k++) {
		const struct ir_attr *ax, *ay;
		const char *code;

		if (k < x->nattrs) {
			ax = &x->attrs[k];
			ay = ir_node_attr(y, ax->name);
			if (ay != NULL && attr_eq(ax, ay))
				continue;
		} else {
			ay = &y->attrs[k - x->nattrs];
			ax = NULL;
			if (ir_node_attr(x, ay->name) != NULL)
				continue;
		}
		code = bn ? bn_attr_code(ax ? ax->name : ay->name, ay == NULL)
		    : NULL;
		D->cur = base;
		if (code != NULL && strcmp(code, "F343") == 0) {
			if (inf < 0)
				inf = new_entry(D, "bn-inference", code, where,
				    x);
			D->cur = inf;
			code = NULL;
		}
		if ((c = add(D, ax == NULL ? "attribute-added" : ay ?
		    "attribute-changed" : "attribute-removed", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->attr = esc(D, ax ? ax->name : ay->name);
		c->a = attr_str(D, ax);
		c->b = attr_str(D, ay);
		if (code != NULL) {
			c->code = code;
			c->subject = subject_of(D, x);
		}
		changed = true;
	}
	for (k = 0; k < x->ninputs || k < y->ninputs; k++) {
		const struct ir_value *vx = k < x->ninputs ? x->inputs[k] :
		    NULL;
		const struct ir_value *vy = k < y->ninputs ? y->inputs[k] :
		    NULL;
		char *kx = value_key(D, vx, sa, false);
		char *ky = value_key(D, vy, sb, true);

		if (kx != NULL && ky != NULL && strcmp(kx, ky) == 0)
			continue;
		/* The same tensor name from another producer: that node's
		 * removal or addition is the change, listed on its own. */
		if (vx != NULL && vy != NULL && str_eq(vx->name, vy->name))
			continue;
		if ((e = value_entry(G, vx, false)) < 0 &&
		    (e = value_entry(G, vy, true)) < 0)
			e = base;
		D->cur = e;
		if ((c = add(D, "input-rewired", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->attr = fmt(D, "input %zu", k);
		c->a = vx != NULL ? esc(D, vx->name) : NULL;
		c->b = vy != NULL ? esc(D, vy->name) : NULL;
		changed = true;
	}
	for (q = 0; q < x->noutputs || q < y->noutputs; q++) {
		const struct ir_value *ox = q < x->noutputs ? x->outputs[q] :
		    NULL;
		const struct ir_value *oy = q < y->noutputs ? y->outputs[q] :
		    NULL;

		if ((ox == NULL) == (oy == NULL) &&
		    (ox == NULL || str_eq(ox->name, oy->name)))
			continue;
		if ((e = user_entry(G, ox, false)) < 0 &&
		    (e = user_entry(G, oy, true)) < 0)
			e = base;
		if (bn && oy == NULL) {
			if (inf < 0)
				inf = new_entry(D, "bn-inference", "F343",
				    where, x);
			e = inf;
		}
		D->cur = e;
		if ((c = add(D, "output-renamed", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->attr = fmt(D, "output %zu", q);
		c->a = ox != NULL ? esc(D, ox->name) : NULL;
		c->b = oy != NULL ? esc(D, oy->name) : NULL;
		changed = true;
	}
	D->cur = -1;
	if (changed)
		D->changed++;
}

static const char *
outputs_str(struct diff *D, const struct ir_node *n)
{
	char b[1024], e[DIAG_ESCAPE_SIZE];
	size_t len = 0, k;

	b[0] = '\0';
	for (k = 0; k < n->noutputs && len < sizeof(b) - 80; k++)
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%.60s",
		    k ? ", " : "", n->outputs[k] ? diag_escape_str(e,
		    sizeof(e), n->outputs[k]->name) : "");
	return fmt(D, "%s", b);
}

/* The entry a B value belongs to: its producer's or a reader's. */
static long
bvalue_entry(const struct grp *G, const char *name)
{
	const struct ir_value *v = ir_lookup(G->sb->g, name);
	void *h = hmap_get(&G->inits, name);
	long p, e;

	if (h != NULL)
		return (long)(uintptr_t)h - 1;
	if (v == NULL)
		return -1;
	if ((p = prod_index(G->sb, v)) >= 0) {
		e = G->sb->partner[p] < 0 ? G->gb[p] :
		    G->ga[G->sb->partner[p]];
		if (e >= 0)
			return e;
	}
	return reader_entry(G, v);
}

static int
diff_inits(struct diff *D, const char *where, const struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	struct hmap hb;
	struct change *c;
	size_t i;

	hmap_init(&hb, &D->arena);
	for (i = 0; i < gb->ninits; i++)
		if (gb->inits[i] != NULL && gb->inits[i]->name != NULL &&
		    hmap_put(&hb, gb->inits[i]->name, gb->inits[i], NULL) < 0)
			return -1;
	for (i = 0; i < ga->ninits; i++) {
		const struct ir_tensor *ta = ga->inits[i], *tb;

		if (ta == NULL || ta->name == NULL)
			continue;
		tb = hmap_get(&hb, ta->name);
		if (tb != NULL && tensor_eq(ta, tb))
			continue;
		D->cur = tb != NULL ? bvalue_entry(G, ta->name) : -1;
		if ((c = add(D, tb ? "initializer-changed" :
		    "initializer-removed", where)) == NULL)
			return -1;
		c->name = esc(D, ta->name);
		if (tb == NULL) {
			c->code = "F302";
			c->subject = c->name;
		}
		c->a = tensor_str(D, ta);
		c->b = tb ? tensor_str(D, tb) : NULL;
		D->inits++;
	}
	hmap_init(&hb, &D->arena);
	for (i = 0; i < ga->ninits; i++)
		if (ga->inits[i] != NULL && ga->inits[i]->name != NULL &&
		    hmap_put(&hb, ga->inits[i]->name, ga->inits[i], NULL) < 0)
			return -1;
	for (i = 0; i < gb->ninits; i++) {
		const struct ir_tensor *tb = gb->inits[i];

		if (tb == NULL || tb->name == NULL ||
		    hmap_get(&hb, tb->name) != NULL)
			continue;
		D->cur = bvalue_entry(G, tb->name);
		if ((c = add(D, "initializer-added", where)) == NULL)
			return -1;
		c->name = esc(D, tb->name);
		c->b = tensor_str(D, tb);
		D->inits++;
	}
	D->cur = -1;
	return 0;
}

/* The entry an A value belongs to: its producer's. */
static long
avalue_entry(const struct grp *G, const char *name)
{
	const struct ir_value *v = ir_lookup(G->sa->g, name);
	long p = prod_index(G->sa, v);

	return p >= 0 ? G->ga[p] : -1;
}

static int
diff_value_info(struct diff *D, const char *where, const struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	struct hmap h;
	struct change *c;
	size_t i, pass;

	for (pass = 0; pass < 2; pass++) {
		struct ir_graph *x = pass ? gb : ga, *y = pass ? ga : gb;

		hmap_init(&h, &D->arena);
		for (i = 0; i < y->nvalue_info; i++)
			if (y->value_info[i].name != NULL &&
			    hmap_put(&h, y->value_info[i].name,
			    &y->value_info[i], NULL) < 0)
				return -1;
		for (i = 0; i < x->nvalue_info; i++) {
			const struct ir_vinfo *vx = &x->value_info[i], *vy;
			const char *tx, *ty;

			if (vx->name == NULL)
				continue;
			vy = hmap_get(&h, vx->name);
			if (vy == NULL) {
				D->cur = pass ? bvalue_entry(G, vx->name) : -1;
				c = add(D, pass ? "value_info-added" :
				    "value_info-removed", where);
				D->cur = -1;
				if (c == NULL)
					return -1;
				c->name = esc(D, vx->name);
				if (!pass) {
					c->code = "F303";
					c->subject = c->name;
				}
				*(pass ? &c->b : &c->a) = type_str(D,
				    &vx->type);
				continue;
			}
			if (pass)
				continue;
			tx = type_str(D, &vx->type);
			ty = type_str(D, &vy->type);
			if (tx == NULL || ty == NULL || strcmp(tx, ty) == 0)
				continue;
			if ((D->cur = bvalue_entry(G, vx->name)) < 0)
				D->cur = avalue_entry(G, vx->name);
			c = add(D, "value_info-changed", where);
			D->cur = -1;
			if (c == NULL)
				return -1;
			c->name = esc(D, vx->name);
			c->a = tx;
			c->b = ty;
		}
	}
	return 0;
}

/*
 * Compare one pair of graphs; matched owners of subgraphs push their
 * graph pairs on WORK (no recursion).
 */
/* No node of B reads an output of A's node N, none is a graph output. */
static bool
unread(struct ir_graph *gb, const struct ir_node *n)
{
	size_t k;

	for (k = 0; k < n->noutputs; k++) {
		const struct ir_value *v;

		if (n->outputs[k] == NULL || (v = ir_lookup(gb,
		    n->outputs[k]->name)) == NULL)
			continue;
		if (v->nuses > 0 || v->noutputs > 0)
			return false;
	}
	return true;
}

static int
diff_graph(struct diff *D, struct ir_graph *ga, struct ir_graph *gb,
    struct gpair **work, size_t *nwork, size_t *capwork)
{
	char path[IR_PATH_SIZE];
	const char *where;
	struct side sa = { ga, NULL }, sb = { gb, NULL };
	struct grp G;
	struct change *c;
	size_t i, j;
	long last = -1;
	bool reordered = false;

	where = esc(D, ir_graph_path(ga, path, sizeof(path)));
	sa.partner = arena_array(&D->arena, ga->nnodes + 1,
	    sizeof(*sa.partner));
	sb.partner = arena_array(&D->arena, gb->nnodes + 1,
	    sizeof(*sb.partner));
	if (where == NULL || sa.partner == NULL || sb.partner == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		ga->nodes[i]->index = (unsigned)i;
		sa.partner[i] = -1;
	}
	for (j = 0; j < gb->nnodes; j++) {
		gb->nodes[j]->index = (unsigned)j;
		sb.partner[j] = -1;
	}
	if (match_nodes(D, &sa, &sb) < 0)
		return -1;
	memset(&G, 0, sizeof(G));
	G.D = D;
	G.sa = &sa;
	G.sb = &sb;
	G.where = where;
	G.ga = arena_array(&D->arena, ga->nnodes + 1, sizeof(*G.ga));
	G.gb = arena_array(&D->arena, gb->nnodes + 1, sizeof(*G.gb));
	if (G.ga == NULL || G.gb == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++)
		G.ga[i] = -1;
	for (j = 0; j < gb->nnodes; j++)
		G.gb[j] = -1;
	hmap_init(&G.inits, &D->arena);
	if (group_graph(&G) < 0)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		const struct ir_node *n = ga->nodes[i];

		if (n->dead)
			continue;
		if (sa.partner[i] < 0) {
			D->cur = G.ga[i];
			c = add(D, "node-removed", where);
			D->cur = -1;
			if (c == NULL)
				return -1;
			c->op = op_name(D, n);
			c->name = node_name(D, n);
			c->a = outputs_str(D, n);
			if (G.ga[i] < 0 && unread(gb, n)) {
				c->code = "F301";
				c->subject = subject_of(D, n);
			}
			D->removed++;
			D->tr_removed += is_transpose(n);
			continue;
		}
		if (sa.partner[i] < last)
			reordered = true;
		last = sa.partner[i];
		diff_node(D, where, &G, i, (size_t)sa.partner[i]);
	}
	for (j = 0; j < gb->nnodes; j++) {
		const struct ir_node *n = gb->nodes[j];

		if (n->dead || sb.partner[j] >= 0)
			continue;
		D->cur = G.gb[j];
		c = add(D, "node-added", where);
		D->cur = -1;
		if (c == NULL)
			return -1;
		c->op = op_name(D, n);
		c->name = node_name(D, n);
		c->b = outputs_str(D, n);
		D->added++;
		D->tr_added += is_transpose(n);
	}
	if (reordered) {
		if ((c = add(D, "order-changed", where)) == NULL)
			return -1;
		c->code = "F300";
		c->subject = "";
	}
	if (diff_inits(D, where, &G) < 0 ||
	    diff_value_info(D, where, &G) < 0)
		return -1;
	/* Subgraphs of matched nodes, by attribute name and position. */
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i], *y;
		size_t k;

		if (sa.partner[i] < 0)
			continue;
		y = gb->nodes[sa.partner[i]];
		for (k = 0; k < x->nattrs; k++) {
			const struct ir_attr *ax = &x->attrs[k];
			const struct ir_attr *ay = ir_node_attr(y, ax->name);
			size_t q, nq;

			if (ay == NULL)
				continue;
			nq = ax->type == IR_ATTR_GRAPHS ? (ax->n < ay->n ?
			    ax->n : ay->n) : 1;
			for (q = 0; q < nq; q++) {
				struct ir_graph *sx = ax->g, *sy = ay->g;

				if (ax->type == IR_ATTR_GRAPHS &&
				    ay->type == IR_ATTR_GRAPHS) {
					sx = ax->graphs[q];
					sy = ay->graphs[q];
				}
				if (sx == NULL || sy == NULL)
					continue;
				if (arena_grow(&D->arena, (void **)work,
				    capwork, *nwork + 1, sizeof(**work)) < 0)
					return -1;
				(*work)[*nwork].a = sx;
				(*work)[*nwork].b = sy;
				(*nwork)++;
			}
		}
	}
	return D->oom ? -1 : 0;
}

static int
diff_all_graphs(struct diff *D, struct ir_model *a, struct ir_model *b)
{
	struct gpair *work = NULL;
	size_t nwork = 0, capwork = 0, i, j;

	if (arena_grow(&D->arena, (void **)&work, &capwork, 1,
	    sizeof(*work)) < 0)
		return -1;
	work[nwork].a = a->graph;
	work[nwork].b = b->graph;
	nwork++;
	for (i = 0; i < a->nfunctions; i++)
		for (j = 0; j < b->nfunctions; j++) {
			const struct ir_function *fa = a->functions[i];
			const struct ir_function *fb = b->functions[j];

			if (!str_eq(fa->name, fb->name) ||
			    !str_eq(fa->domain, fb->domain) ||
			    fa->body == NULL || fb->body == NULL)
				continue;
			if (arena_grow(&D->arena, (void **)&work, &capwork,
			    nwork + 1, sizeof(*work)) < 0)
				return -1;
			work[nwork].a = fa->body;
			work[nwork].b = fb->body;
			nwork++;
		}
	/* Breadth-first over the queue; it grows as owners match. */
	for (i = 0; i < nwork; i++)
		if (diff_graph(D, work[i].a, work[i].b, &work, &nwork,
		    &capwork) < 0)
			return -1;
	return 0;
}

/* ---- output ---- */

/* "node-removed", "opset" of a new domain...: only one side exists. */
static bool
one_sided(const char *kind)
{
	size_t n = strlen(kind);

	return (n > 8 && strcmp(kind + n - 8, "-removed") == 0) ||
	    (n > 6 && strcmp(kind + n - 6, "-added") == 0);
}

/* One change: "KIND [OP] ['NAME'] [ATTR][: A [-> B]]". */
static void
print_change(FILE *fp, const struct change *c)
{
	fprintf(fp, "%s", c->kind);
	if (c->op != NULL)
		fprintf(fp, " %s", c->op);
	if (c->name != NULL)
		fprintf(fp, " '%s'", c->name);
	if (c->attr != NULL)
		fprintf(fp, " %s", c->attr);
	if (one_sided(c->kind)) {
		if (c->a != NULL || c->b != NULL)
			fprintf(fp, ": %s", c->a ? c->a : c->b);
	} else if (c->a != NULL || c->b != NULL) {
		fprintf(fp, ": %s -> %s", c->a ? c->a : "(none)",
		    c->b ? c->b : "(none)");
	}
}

static size_t
count_rewrites(const struct diff *D)
{
	size_t i, n = 0;

	for (i = 0; i < D->n; i++)
		n += D->v[i].entry < 0 && D->v[i].code != NULL;
	for (i = 0; i < D->ne; i++)
		n += D->e[i].code != NULL;
	return n;
}

/*
 * A change that belongs to no entry is one line; an entry is a line
 *	LOCATION: KIND [OP] ['NAME'][: DETAIL] [CODE]
 * followed by its changes, indented.  CODE is the fix note it stands for.
 */
static void
write_text(struct diff *D, FILE *fp, const char *fa, const char *fb)
{
	char e1[DIAG_ESCAPE_SIZE], e2[DIAG_ESCAPE_SIZE];
	size_t i, k;

	fprintf(fp, "--- %s\n+++ %s\n", diag_escape_str(e1, sizeof(e1), fa),
	    diag_escape_str(e2, sizeof(e2), fb));
	for (i = 0; i < D->n; i++) {
		const struct change *c = &D->v[i];
		struct entry *e;

		if (c->entry < 0) {
			fprintf(fp, "%s: ", c->graph[0] ? c->graph : "model");
			print_change(fp, c);
			fprintf(fp, "%s%s%s\n", c->code ? " [" : "",
			    c->code ? c->code : "", c->code ? "]" : "");
			continue;
		}
		e = &D->e[c->entry];
		if (e->shown)
			continue;
		e->shown = true;
		fprintf(fp, "%s: %s", e->graph[0] ? e->graph : "model",
		    e->kind);
		if (e->op != NULL)
			fprintf(fp, " %s", e->op);
		if (e->name != NULL)
			fprintf(fp, " '%s'", e->name);
		if (e->text != NULL)
			fprintf(fp, ": %s", e->text);
		fprintf(fp, "%s%s%s\n", e->code ? " [" : "",
		    e->code ? e->code : "", e->code ? "]" : "");
		for (k = i; k < D->n; k++) {
			if (D->v[k].entry != c->entry)
				continue;
			fprintf(fp, "    ");
			print_change(fp, &D->v[k]);
			fprintf(fp, "\n");
		}
	}
	for (i = 0; i < D->ne; i++)
		D->e[i].shown = false;
	for (i = 0; i < D->nh; i++)
		if (D->h[i].a != D->h[i].b)
			fprintf(fp, "ops: %s %zu -> %zu (%+ld)\n", D->h[i].op,
			    D->h[i].a, D->h[i].b,
			    (long)D->h[i].b - (long)D->h[i].a);
	fprintf(fp, "summary: %s; %zu rewrites; nodes %zu removed, %zu added,"
	    " %zu changed, %zu renamed; transposes %zu removed, %zu added; "
	    "initializers %zu; interface %zu; header %zu\n", D->n ? "differ" :
	    "same", count_rewrites(D), D->removed, D->added, D->changed,
	    D->renamed, D->tr_removed, D->tr_added, D->inits, D->interface,
	    D->header);
}

/* Set O[K] to V, or append V to the array O when K is NULL. */
static void
put(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (v == NULL || (k != NULL ? json_object_set_new(o, k, v) :
	    json_array_append_new(o, v)) < 0)
		*bad = true;
}

static void
put_str(json_t *o, const char *k, const char *s, bool *bad)
{
	if (s != NULL)
		put(o, k, json_string(s), bad);
}

static json_t *
change_json(const struct change *c)
{
	json_t *o = json_object();
	bool bad = o == NULL;

	if (bad)
		return NULL;
	put_str(o, "kind", c->kind, &bad);
	put_str(o, "op", c->op, &bad);
	put_str(o, "name", c->name, &bad);
	put_str(o, "attr", c->attr, &bad);
	put(o, "a", c->a ? json_string(c->a) : json_null(), &bad);
	put(o, "b", c->b ? json_string(c->b) : json_null(), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static char *
write_json(struct diff *D, const char *fa, const char *fb)
{
	char e[DIAG_ESCAPE_SIZE];
	json_t *root = json_object(), *ch = json_array(), *hi = json_array();
	json_t *sum = json_object();
	bool bad = root == NULL || ch == NULL || hi == NULL || sum == NULL;
	char *s = NULL;
	size_t i;

	if (bad)
		goto out;
	put(root, "format", json_string("onnxfix-diff"), &bad);
	put(root, "version", json_integer(DIFF_FORMAT_VERSION), &bad);
	put(root, "a", json_string(diag_escape_str(e, sizeof(e), fa)), &bad);
	put(root, "b", json_string(diag_escape_str(e, sizeof(e), fb)), &bad);
	put(root, "same", json_boolean(D->n == 0), &bad);
	for (i = 0; i < D->n; i++) {
		const struct change *c = &D->v[i];
		json_t *o, *members;
		size_t k;

		if (c->entry >= 0 && D->e[c->entry].shown)
			continue;
		if ((o = json_object()) == NULL ||
		    json_array_append_new(ch, o) < 0 ||
		    (members = json_array()) == NULL) {
			bad = true;
			break;
		}
		if (c->entry < 0) {
			put_str(o, "kind", c->kind, &bad);
			put(o, "code", c->code ? json_string(c->code) :
			    json_null(), &bad);
			put_str(o, "graph", c->graph[0] ? c->graph : "model",
			    &bad);
			put_str(o, "subject", c->subject, &bad);
			put_str(o, "op", c->op, &bad);
			put_str(o, "name", c->name, &bad);
			put(members, NULL, change_json(c), &bad);
		} else {
			struct entry *en = &D->e[c->entry];

			en->shown = true;
			put_str(o, "kind", en->kind, &bad);
			put(o, "code", en->code ? json_string(en->code) :
			    json_null(), &bad);
			put_str(o, "graph", en->graph[0] ? en->graph : "model",
			    &bad);
			put_str(o, "subject", en->subject, &bad);
			put_str(o, "op", en->op, &bad);
			put_str(o, "name", en->name, &bad);
			put_str(o, "detail", en->text, &bad);
			for (k = i; k < D->n; k++)
				if (D->v[k].entry == c->entry)
					put(members, NULL,
					    change_json(&D->v[k]), &bad);
		}
		put(o, "changes", members, &bad);
	}
	for (i = 0; i < D->ne; i++)
		D->e[i].shown = false;
	for (i = 0; i < D->nh; i++) {
		json_t *o;

		if (D->h[i].a == D->h[i].b)
			continue;
		if ((o = json_object()) == NULL ||
		    json_array_append_new(hi, o) < 0) {
			bad = true;
			break;
		}
		put_str(o, "op", D->h[i].op, &bad);
		put(o, "a", json_integer((json_int_t)D->h[i].a), &bad);
		put(o, "b", json_integer((json_int_t)D->h[i].b), &bad);
	}
	put(sum, "rewrites", json_integer((json_int_t)count_rewrites(D)),
	    &bad);
	put(sum, "nodes_removed", json_integer((json_int_t)D->removed), &bad);
	put(sum, "nodes_added", json_integer((json_int_t)D->added), &bad);
	put(sum, "nodes_changed", json_integer((json_int_t)D->changed), &bad);
	put(sum, "nodes_renamed", json_integer((json_int_t)D->renamed), &bad);
	put(sum, "transposes_removed", json_integer((json_int_t)
	    D->tr_removed), &bad);
	put(sum, "transposes_added", json_integer((json_int_t)D->tr_added),
	    &bad);
	put(sum, "initializers", json_integer((json_int_t)D->inits), &bad);
	put(sum, "interface", json_integer((json_int_t)D->interface), &bad);
	put(sum, "header", json_integer((json_int_t)D->header), &bad);
	put(root, "summary", sum, &bad);
	sum = NULL;
	put(root, "ops", hi, &bad);
	hi = NULL;
	put(root, "entries", ch, &bad);
	ch = NULL;
	if (!bad)
		s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
out:
	json_decref(sum);
	json_decref(hi);
	json_decref(ch);
	json_decref(root);
	return s;
}

enum onnxfix_status
onnxfix_diff(struct ir_model *a, struct ir_model *b, const char *path,
    bool json, bool *differ, struct diag_list *d)
{
	enum onnxfix_status st;
	struct diff D;
	char *buf = NULL;
	size_t len = 0;

	memset(&D, 0, sizeof(D));
	D.cur = -1;
	arena_init(&D.arena, a->budget);
	diff_header(&D, a, b);
	diff_io(&D, a->graph->inputs, a->graph->ninputs, b->graph->inputs,
	    b->graph->ninputs, true);
	diff_io(&D, a->graph->outputs, a->graph->noutputs, b->graph->outputs,
	    b->graph->noutputs, false);
	if (!D.oom && diff_all_graphs(&D, a, b) < 0)
		D.oom = true;
	histo_count(&D, a, false);
	histo_count(&D, b, true);
	if (D.oom) {
		arena_release(&D.arena);
		diag_report(d, DIAG_LOAD_BUDGET, "", "while comparing");
		return ONNXFIX_EBUDGET;
	}
	qsort(D.h, D.nh, sizeof(*D.h), histo_cmp);
	*differ = D.n > 0;
	if (json) {
		buf = write_json(&D, a->path ? a->path : "-",
		    b->path ? b->path : "-");
		if (buf != NULL)
			len = strlen(buf);
	} else {
		FILE *fp = open_memstream(&buf, &len);

		if (fp != NULL) {
			write_text(&D, fp, a->path ? a->path : "-",
			    b->path ? b->path : "-");
			if (fclose(fp) != 0) {
				free(buf);
				buf = NULL;
			}
		}
	}
	arena_release(&D.arena);
	if (buf == NULL) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "while writing the diff");
		return ONNXFIX_EBUDGET;
	}
	if (json) {
		/* json_dumps has no final newline. */
		char *nb = realloc(buf, len + 2);

		if (nb == NULL) {
			free(buf);
			diag_report(d, DIAG_LOAD_BUDGET, "", "diff output");
			return ONNXFIX_EBUDGET;
		}
		buf = nb;
		buf[len++] = '\n';
		buf[len] = '\0';
	}
	st = onnxfix_write_file(path, buf, len, d);
	free(buf);
	return st;
}
