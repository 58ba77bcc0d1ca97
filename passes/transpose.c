/* SPDX-License-Identifier: MIT */
/*
 * transpose: remove the layout Transposes that converters leave behind.
 *
 * TensorFlow and TFLite work channels-last; ONNX's spatial operators are
 * channels-first, so tf2onnx and friends wrap every Conv, Pool and
 * BatchNormalization in a Transpose pair.  Most of these cancel once they
 * are moved next to each other.  This pass cancels inverse pairs, merges
 * consecutive Transposes into one (composed perm), drops identity perms,
 * turns a Transpose that moves only size-1 dims into a Reshape, and pushes
 * Transposes down through layout-agnostic operators (elementwise, Concat,
 * Split, Reduce*, ArgMax/ArgMin, Softmax, Squeeze/Unsqueeze, Slice, Pad,
 * Tile, Gather, Q/DQ) until they meet their inverse (facts file §3.5, after ONNX
 * Runtime's transpose optimizer).  Constant operands are permuted in
 * place, or copied when other nodes share them; one whose data cannot be
 * read and permuted (perm_const_movable: strings, 4-bit, typed complex,
 * data missing or of the wrong length) stops the push, checked before
 * anything changes.
 *
 * Cost model: a push is made only when it removes at least as many
 * Transposes as it adds (counting an inverse Transpose for each
 * non-constant operand and one for each used output), and an even trade
 * only when the outputs lead to another Transpose; cancelling and merging
 * always remove one.  So the pass never adds a Transpose.
 *
 * With --inputs-layout/--outputs-layout the interface changes: an input
 * whose consumers convert it (channels-last to -first for nchw) takes the
 * other layout, and so does an output that a converting Transpose makes,
 * after which the converter's Transposes cancel.  Without them graph
 * input and output names, shapes and layouts are kept: a value that a
 * removed Transpose made for a graph output is renamed, never the output.
 * Requires: nothing (a graph it changes is re-sorted topologically).
 * Preserves: interface (unless asked), names of graph outputs, the order
 * of a graph it does not change.
 *
 *	before:  T1 = Transpose[0,2,3,1](X)  M = Mul(T1, c)
 *	         Y = Transpose[0,3,1,2](M)
 *	after:   Y = Mul(X, c')        (c' = c permuted, or c when a scalar)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass.h"
#include "transpose.h"

struct tp {
	struct pass_ctx *ctx;
	struct ir_model *m;
	struct ir_graph *g;
	struct pshape *sh;	/* by value id, ids below nsh */
	size_t nsh;
	signed char *leads;	/* by value id: leads to a Transpose */
	struct hmap node_names;	/* names of G's nodes, to keep them unique */
	size_t before, removed, added;
	bool changed;
	/* What happened, for notes on the net effect: the Transposes and
	 * the nodes they went through, joined into groups of one rewrite. */
	struct item *items;
	size_t nitems, capitems;
	struct hmap item_of;	/* "%p" of a node -> its item + 1 */
	struct ir_node *through;	/* the node being pushed through */
};

enum {
	IT_ORIG = 1,		/* a Transpose of the input */
	IT_NEW = 2,		/* a Transpose this pass made */
	IT_THROUGH = 4,		/* a node a Transpose was pushed through */
};

struct item {
	struct ir_node *n;
	size_t parent;
	unsigned role;
	const char *name;	/* display name when the pass started */
	const char *perm;	/* IT_ORIG: the perm it had */
	const char **outs;	/* IT_THROUGH: output names it had */
};

static long item(struct tp *t, struct ir_node *n, unsigned role);
static int join(struct tp *t, struct ir_node *a, unsigned ra,
    struct ir_node *b, unsigned rb);

static void
shape_of(struct tp *t, const struct ir_value *v, struct pshape *s)
{
	struct ir_tensor *c;

	s->rank = -1;
	if (v == NULL)
		return;
	if (v->graph == t->g && v->id < t->nsh && t->sh[v->id].rank >= 0) {
		*s = t->sh[v->id];
		return;
	}
	pshape_of_type(&v->type, s);
	if (s->rank < 0 && (c = perm_const(v)) != NULL &&
	    c->rank <= PERM_MAX) {
		int i;

		s->rank = c->rank;
		for (i = 0; i < c->rank; i++)
			s->dim[i] = c->dims[i];
	}
}

/* The perm of live Transpose N (rank from its input when defaulted). */
static bool
node_perm(struct tp *t, const struct ir_node *n, int *p, int *r)
{
	struct pshape s;

	if (!perm_is_transpose(n) || n->ninputs < 1 || n->inputs[0] == NULL ||
	    n->noutputs < 1 || n->outputs[0] == NULL)
		return false;
	shape_of(t, n->inputs[0], &s);
	return perm_of_node(n, s.rank, p, r);
}

static struct ir_node *
producer(const struct ir_value *v)
{
	if (v == NULL || v->kind != IR_VALUE_NODE || v->producer == NULL ||
	    v->producer->dead)
		return NULL;
	return v->producer;
}

/* Give V a tensor type of element ELEM and shape S. */
static int
set_type(struct tp *t, struct ir_value *v, int32_t elem,
    const struct pshape *s)
{
	int i;

	memset(&v->type, 0, sizeof(v->type));
	v->type_inferred = false;
	v->type_derived = false;
	v->elem_derived = false;
	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = elem;
	v->type.rank = s->rank;
	if (s->rank < 0)
		return 0;
	v->type.dims = arena_array(&t->m->arena, (size_t)s->rank + 1,
	    sizeof(*v->type.dims));
	if (v->type.dims == NULL)
		return -1;
	for (i = 0; i < s->rank; i++) {
		v->type.dims[i].kind = s->dim[i] >= 0 ? IR_DIM_VALUE :
		    IR_DIM_UNKNOWN;
		v->type.dims[i].value = s->dim[i] >= 0 ? s->dim[i] : 0;
	}
	return 0;
}

static int32_t
elem_of(const struct ir_value *v)
{
	if (v == NULL)
		return 0;
	if (v->type.kind == IR_TYPE_TENSOR)
		return v->type.elem;
	return v->init ? v->init->elem : 0;
}

static struct ir_value *
new_value(struct tp *t, const char *base)
{
	const char *name = ir_unique_name(t->g, base);

	return name ? ir_value_new(t->g, name, IR_VALUE_NODE) : NULL;
}

static int
set_ints_attr(struct tp *t, struct ir_node *n, const char *name,
    const int64_t *v, size_t cnt, bool list)
{
	struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL) {
		struct ir_attr *na = arena_array(&t->m->arena, n->nattrs + 1,
		    sizeof(*na));

		if (na == NULL)
			return -1;
		if (n->nattrs)
			memcpy(na, n->attrs, n->nattrs * sizeof(*na));
		n->attrs = na;
		a = &n->attrs[n->nattrs++];
		a->name = name;
		a->nvalues = 1;
	}
	a->has_type = true;
	a->dirty = true;
	a->ref_attr_name = NULL;
	if (list) {
		a->type = IR_ATTR_INTS;
		a->ints = arena_array(&t->m->arena, cnt + 1, sizeof(*a->ints));
		if (a->ints == NULL)
			return -1;
		if (cnt)
			memcpy(a->ints, v, cnt * sizeof(*v));
		a->n = cnt;
	} else {
		a->type = IR_ATTR_INT;
		a->i = v[0];
	}
	n->dirty = true;
	return 0;
}

static int
set_perm_attr(struct tp *t, struct ir_node *n, const int *p, int r)
{
	int64_t v[PERM_MAX];
	int i;

	for (i = 0; i < r; i++)
		v[i] = p[i];
	return set_ints_attr(t, n, "perm", v, (size_t)r, true);
}

/* A node name not used in G yet, derived from BASE. */
static const char *
node_name(struct tp *t, const char *base)
{
	const char *name = base;
	unsigned long k;

	for (k = 1; name != NULL && hmap_get(&t->node_names, name) != NULL;
	    k++)
		name = arena_printf(&t->m->arena, "%s__%lu", base, k);
	if (name == NULL || hmap_put(&t->node_names, name, (void *)name,
	    NULL) < 0)
		return NULL;
	return name;
}

/* A new Transpose node IN -> OUT by P. */
static struct ir_node *
add_transpose(struct tp *t, struct ir_value *in, struct ir_value *out,
    const int *p, int r)
{
	const char *name = node_name(t, out->name);
	struct ir_node *n = name ? ir_node_new(t->g, "Transpose", "", name,
	    1, 1) : NULL;

	if (n == NULL || ir_node_set_input(n, 0, in) < 0 ||
	    set_perm_attr(t, n, p, r) < 0)
		return NULL;
	ir_node_set_output(n, 0, out);
	t->added++;
	if (item(t, n, IT_NEW) < 0 || (t->through != NULL &&
	    join(t, n, IT_NEW, t->through, IT_THROUGH) < 0))
		return NULL;
	return n;
}

/* A new initializer holding TENSOR, named after BASE. */
static struct ir_value *
add_init(struct tp *t, struct ir_tensor *ten, const char *base)
{
	struct ir_graph *g = t->g;
	struct ir_tensor **inits;
	struct ir_value *v;
	struct pshape s;
	const char *name = ir_unique_name(g, base);
	int i;

	if (name == NULL || (v = ir_value_new(g, name, IR_VALUE_INITIALIZER))
	    == NULL)
		return NULL;
	inits = arena_array(&t->m->arena, g->ninits + 1, sizeof(*inits));
	if (inits == NULL)
		return NULL;
	if (g->ninits)
		memcpy(inits, g->inits, g->ninits * sizeof(*inits));
	ten->name = name;
	inits[g->ninits++] = ten;
	g->inits = inits;
	v->init = ten;
	s.rank = ten->rank;
	for (i = 0; i < ten->rank && i < PERM_MAX; i++)
		s.dim[i] = ten->dims[i];
	if (set_type(t, v, ten->elem, &s) < 0)
		return NULL;
	return v;
}

/* Can new initializers be added to this graph? */
static bool
inits_ok(struct tp *t)
{
	return !(t->m->has_ir_version && t->m->ir_version < 4);
}

/*
 * Node D, which produced OLD from SRC, goes away and OLD becomes SRC.
 * A graph output keeps its name: SRC's producer is made to produce it,
 * or, when SRC has none here (an input, initializer, outer value, another
 * output), D stays as Identity.
 */
static int
cancel_into(struct tp *t, struct ir_node *d, struct ir_value *src)
{
	struct ir_value *old = d->outputs[0];
	struct ir_node *p = producer(src);

	if (old->noutputs == 0) {
		ir_node_kill(d);
		t->removed++;
		return ir_value_replace_uses(old, src);
	}
	if (p != NULL && src->graph == t->g && src->noutputs == 0 &&
	    p != d && src->graph == old->graph) {
		int k = src->out_index;

		ir_node_kill(d);
		t->removed++;
		ir_node_set_output(p, (size_t)k, old);
		if (ir_value_replace_uses(src, old) < 0)
			return -1;
		src->producer = NULL;
		return 0;
	}
	d->op_type = "Identity";
	d->nattrs = 0;
	d->dirty = true;
	t->removed++;
	return ir_node_set_input(d, 0, src);
}

static void
note(struct tp *t, enum diag_id id, const struct ir_node *n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
note(struct tp *t, enum diag_id id, const struct ir_node *n,
    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	/* The steps are not reported: notes() reports their net effect. */
	t->changed = true;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	(void)id;
	(void)n;
}

/* N's item (added with ROLE when new), or -1 when out of budget. */
static long
item(struct tp *t, struct ir_node *n, unsigned role)
{
	struct item *it;
	char key[32];
	const char *k;
	void *i;

	/* By address: a scan of the items would be quadratic in the
	 * Transposes (100,000 of them on one value). */
	snprintf(key, sizeof(key), "%p", (void *)n);
	if ((i = hmap_get(&t->item_of, key)) != NULL) {
		t->items[(uintptr_t)i - 1].role |= role;
		return (long)((uintptr_t)i - 1);
	}
	if (arena_grow(&t->ctx->scratch, (void **)&t->items, &t->capitems,
	    t->nitems + 1, sizeof(*t->items)) < 0 ||
	    (k = arena_strdup(&t->ctx->scratch, key)) == NULL ||
	    hmap_put(&t->item_of, k, (void *)(uintptr_t)(t->nitems + 1),
	    NULL) < 0)
		return -1;
	it = &t->items[t->nitems];
	memset(it, 0, sizeof(*it));
	it->n = n;
	it->parent = t->nitems;
	it->role = role;
	it->name = n->name != NULL && n->name[0] != '\0' ? n->name :
	    arena_printf(&t->ctx->scratch, "-> %s", n->noutputs > 0 &&
	    n->outputs[0] != NULL ? n->outputs[0]->name : "");
	return (long)t->nitems++;
}

static size_t
item_root(struct tp *t, size_t i)
{
	while (t->items[i].parent != i)
		i = t->items[i].parent = t->items[t->items[i].parent].parent;
	return i;
}

/* Record that A and B are one rewrite; -1 when out of budget. */
static int
join(struct tp *t, struct ir_node *a, unsigned ra, struct ir_node *b,
    unsigned rb)
{
	long x = item(t, a, ra), y;
	size_t rx, ry;

	if (x < 0 || (y = item(t, b, rb)) < 0)
		return -1;
	rx = item_root(t, (size_t)x);
	ry = item_root(t, (size_t)y);
	if (rx != ry)
		t->items[rx > ry ? rx : ry].parent = rx < ry ? rx : ry;
	return 0;
}

/*
 * Transpose N: fold a Transpose producing its input into it, and drop it
 * when the perm becomes the identity.  Returns 1 when N is gone.
 */
static int
fold(struct tp *t, struct ir_node *n)
{
	struct ir_node *pn;
	int p[PERM_MAX], q[PERM_MAX], c[PERM_MAX], r, rq;
	char a[64], b[64], e[DIAG_ESCAPE_SIZE];
	bool merged = false;

	if (!node_perm(t, n, p, &r))
		return 0;
	pn = producer(n->inputs[0]);
	if (pn != NULL && pn->graph == t->g && node_perm(t, pn, q, &rq) &&
	    rq == r) {
		perm_compose(q, p, r, c);
		if (join(t, n, 0, pn, 0) < 0 ||
		    ir_node_set_input(n, 0, pn->inputs[0]) < 0)
			return -1;
		if (!perm_is_identity(c, r)) {
			note(t, DIAG_F_TP_MERGED, n, "[%s] then [%s] is [%s]",
			    perm_str(q, r, a, sizeof(a)),
			    perm_str(p, r, b, sizeof(b)),
			    perm_str(c, r, e, sizeof(e)));
			if (set_perm_attr(t, n, c, r) < 0)
				return -1;
		}
		if (pn->outputs[0]->nuses == 0 &&
		    pn->outputs[0]->noutputs == 0) {
			ir_node_kill(pn);
			t->removed++;
		}
		memcpy(p, c, sizeof(c));
		merged = true;
	}
	if (!perm_is_identity(p, r))
		return 0;
	if (merged)
		note(t, DIAG_F_TP_CANCELLED, n, "'%s'",
		    diag_esc(e, n->outputs[0]->name));
	else
		note(t, DIAG_F_TP_IDENTITY, n, "'%s'",
		    diag_esc(e, n->outputs[0]->name));
	if (cancel_into(t, n, n->inputs[0]) < 0)
		return -1;
	return 1;
}

/* Transposable input slots of C: every input, or input 0. */
static size_t
slots_of(const struct ir_node *c)
{
	enum perm_push k = perm_push_kind(c);

	if (k == PUSH_BROADCAST || k == PUSH_CONCAT)
		return c->ninputs;
	return c->ninputs ? 1 : 0;
}

static bool
out_used(const struct ir_value *o)
{
	return o != NULL && (o->nuses > 0 || o->noutputs > 0);
}

/* Is every use of V a Transpose of this graph (so that a Transpose
 * put before them merges into them)? */
static bool
into_transposes(struct tp *t, const struct ir_value *v)
{
	size_t j;

	if (v->noutputs > 0 || v->nuses == 0)
		return false;
	for (j = 0; j < v->nuses; j++)
		if (v->uses[j].index != 0 ||
		    !perm_is_transpose(v->uses[j].node) ||
		    v->uses[j].node->graph != t->g)
			return false;
	return true;
}

/* Is C the only user of V? */
static bool
only_by(const struct ir_value *v, const struct ir_node *c)
{
	size_t j;

	if (v->noutputs > 0)
		return false;
	for (j = 0; j < v->nuses; j++)
		if (v->uses[j].node != c || v->uses[j].index < 0)
			return false;
	return true;
}

/* Does any output of C lead (through pushable nodes) to a Transpose? */
static bool
leads(struct tp *t, const struct ir_node *c)
{
	size_t k;

	for (k = 0; k < c->noutputs; k++) {
		const struct ir_value *o = c->outputs[k];

		if (o == NULL)
			continue;
		if (o->graph == t->g && o->id < t->nsh && t->leads[o->id])
			return true;
	}
	return false;
}

/*
 * Does N remove axes (Reduce or ArgMax/ArgMin without keepdims, Squeeze)?
 * A Transpose moved into it often leaves nothing behind: a channels-last
 * global pooling, ReduceMean over H and W, needs none after it.
 */
static bool
drops_rank(const struct ir_node *n)
{
	switch (perm_push_kind(n)) {
	case PUSH_REDUCE:
	case PUSH_ARG:
		return ir_attr_int(n, "keepdims", 1) == 0;
	case PUSH_SQUEEZE:
		return true;
	default:
		return false;
	}
}

static void
compute_leads(struct tp *t)
{
	struct ir_graph *g = t->g;
	size_t i, k;

	memset(t->leads, 0, t->nsh);
	/* Reverse order: a node's consumers are seen before it.  A value
	 * leads when a Transpose uses it, or a pushable node whose outputs
	 * lead. */
	for (i = g->nnodes; i-- > 0;) {
		struct ir_node *n = g->nodes[i];

		if (n->dead || !(perm_is_transpose(n) || drops_rank(n) ||
		    (perm_push_kind(n) != PUSH_NONE && leads(t, n))))
			continue;
		for (k = 0; k < n->ninputs; k++) {
			struct ir_value *v = n->inputs[k];

			if (v != NULL && v->graph == g && v->id < t->nsh)
				t->leads[v->id] = 1;
		}
	}
}

/* The one node that uses V, through one slot, or NULL. */
static const struct ir_node *
sole_user(const struct ir_value *v)
{
	if (v == NULL || v->noutputs > 0 || v->nuses != 1 ||
	    v->uses[0].index < 0)
		return NULL;
	return v->uses[0].node;
}

/* May a Transpose pass N on its own, its other inputs being scalar
 * constants (so that the push neither adds nor needs one beside)? */
static bool
passes_alone(const struct ir_node *n, const struct ir_value *from)
{
	const struct ir_tensor *ct;
	size_t j;

	if (n->noutputs != 1 || n->nimplicit > 0)
		return false;
	switch (perm_push_kind(n)) {
	case PUSH_UNARY:
		return n->inputs[0] == from;
	case PUSH_REDUCE:
		return n->inputs[0] == from && ir_attr_int(n, "keepdims", 1) != 0
		    && (n->ninputs < 2 || n->inputs[1] == NULL ||
		    perm_const(n->inputs[1]) != NULL);
	case PUSH_BROADCAST:
		for (j = 0; j < n->ninputs; j++)
			if (n->inputs[j] != from && (n->inputs[j] == NULL ||
			    (ct = perm_const(n->inputs[j])) == NULL ||
			    perm_const_count(ct) != 1))
				return false;
		return true;
	default:
		return false;
	}
}

/*
 * A diamond: Transpose TN feeds C and S, and C's output reaches S alone,
 * through a chain of nodes a Transpose passes on its own (x - mean(x) of
 * a decomposed LayerNorm: ReduceMean then Sub; its variance: Pow,
 * ReduceMean, Add, Sqrt, then Div).  Pushing through C costs one
 * Transpose (after C); each push along the chain is an even trade; then
 * both inputs of S come from Transposes of the same perm, which the push
 * through S removes, TN with them, adding one after S.  So the pushes
 * together trade TN for the one after S: allowed, like any even trade,
 * when S leads to another Transpose, and only when every push is sure to
 * follow (S elementwise, its other inputs scalar constants).  ADDED and
 * NGONE are C's own count.
 */
static bool
diamond(struct tp *t, const struct ir_node *tn, const struct ir_node *c,
    size_t added, size_t ngone)
{
	const struct ir_value *y = tn->outputs[0], *v;
	const struct ir_node *s;
	size_t j;
	int len;

	if (added != ngone + 1 || c->noutputs != 1 || y->noutputs > 0)
		return false;
	/* along the chain to the first node that also reads TN */
	v = c->outputs[0];
	for (len = 0; len < 16; len++) {
		if ((s = sole_user(v)) == NULL || s == c ||
		    s->graph != t->g || s->dead)
			return false;
		for (j = 0; j < s->ninputs && s->inputs[j] != y; j++)
			;
		if (j < s->ninputs)
			break;
		if (!passes_alone(s, v))
			return false;
		v = s->outputs[0];
	}
	if (len == 16 || s->noutputs != 1 || s->nimplicit > 0 ||
	    perm_push_kind(s) != PUSH_BROADCAST || !leads(t, s))
		return false;
	/* TN's uses: C and S only */
	for (j = 0; j < y->nuses; j++)
		if (y->uses[j].index < 0 || (y->uses[j].node != c &&
		    y->uses[j].node != s))
			return false;
	for (j = 0; j < s->ninputs; j++) {
		const struct ir_tensor *ct;

		if (s->inputs[j] == y || s->inputs[j] == v)
			continue;
		if (s->inputs[j] == NULL ||
		    (ct = perm_const(s->inputs[j])) == NULL ||
		    perm_const_count(ct) != 1)
			return false;
	}
	return true;
}

/*
 * Push Transpose T (perm P, rank R) through its consumer C when the cost
 * model allows.  Returns 1 when pushed, 0 when not, -1 out of memory.
 */
static int
try_push(struct tp *t, struct ir_node *tn, struct ir_node *c)
{
	struct plan pl;
	struct ir_node *src[MAX_IO];
	struct ir_node *gone[MAX_IO];
	size_t ns, j, k, ngone = 0, added = 0;
	struct pshape s;
	char e[DIAG_ESCAPE_SIZE], pb[64];
	int i;

	if (c->dead || c->graph != t->g || c->ninputs > MAX_IO ||
	    c->noutputs > MAX_IO || perm_push_kind(c) == PUSH_NONE ||
	    c->nimplicit > 0)
		return 0;
	if (!node_perm(t, tn, pl.p, &pl.r))
		return 0;
	perm_inverse(pl.p, pl.r, pl.inv);
	shape_of(t, c->ninputs > 1 ? c->inputs[1] : NULL, &s);
	if (!tp_plan(c, &pl, &s))
		return 0;
	ns = slots_of(c);
	for (j = 0; j < c->ninputs; j++) {
		struct ir_value *b = c->inputs[j];
		struct ir_node *bp = producer(b);
		int q[PERM_MAX], qr;
		int64_t cnt;
		struct ir_tensor *ct;

		pl.act[j] = SLOT_KEEP;
		src[j] = NULL;
		if (j >= ns || b == NULL)
			continue;
		if (bp != NULL && bp->graph == t->g && node_perm(t, bp, q,
		    &qr) && qr == pl.r && memcmp(q, pl.p, (size_t)qr *
		    sizeof(*q)) == 0) {
			pl.act[j] = SLOT_FROM_T;
			src[j] = bp;
			continue;
		}
		if (j == 0 && perm_push_kind(c) != PUSH_BROADCAST &&
		    perm_push_kind(c) != PUSH_CONCAT)
			return 0;	/* slot 0 must be the Transpose */
		shape_of(t, b, &s);
		if (s.rank < 0 || s.rank > pl.r)
			return 0;
		pl.srank[j] = s.rank;
		ct = perm_const(b);
		cnt = ct ? perm_const_count(ct) : -1;
		if (ct != NULL && cnt == 1)
			continue;	/* a scalar broadcasts either way */
		if (ct != NULL && !perm_const_movable(ct))
			return 0;	/* data it cannot permute: stay */
		if (perm_push_kind(c) == PUSH_CONCAT && s.rank != pl.r)
			return 0;
		if (ct == NULL) {
			for (i = 0; i < s.rank && s.dim[i] == 1; i++)
				;
			if (i == s.rank && s.rank >= 0)
				continue;	/* all dims 1 */
		}
		/* External data is read in here, before anything
		 * changes; when it cannot be, the constant gets a
		 * Transpose of its own. */
		if (ct != NULL && ct->rank == s.rank && inits_ok(t) &&
		    perm_const_readable(ct)) {
			pl.act[j] = SLOT_CONST;
			continue;
		}
		pl.act[j] = SLOT_NEW_T;
		if (!(bp != NULL && bp->graph == t->g &&
		    perm_is_transpose(bp) && only_by(bp->outputs[0], c)))
			added++;	/* else it merges into that one */
	}
	/* Transposes that die: all their uses are slots of C bypassing. */
	for (j = 0; j < c->ninputs; j++) {
		struct ir_node *bp = src[j];
		struct ir_value *o;
		size_t u, cnt = 0;
		bool dup = false;

		if (bp == NULL)
			continue;
		for (k = 0; k < ngone; k++)
			dup = dup || gone[k] == bp;
		if (dup)
			continue;
		o = bp->outputs[0];
		for (u = 0; u < o->nuses; u++)
			if (o->uses[u].node == c && o->uses[u].index >= 0 &&
			    pl.act[o->uses[u].index] == SLOT_FROM_T)
				cnt++;
		if (cnt == o->nuses && o->noutputs == 0)
			gone[ngone++] = bp;
	}
	for (k = 0; k < c->noutputs; k++)
		if (out_used(c->outputs[k]) && !perm_is_identity(pl.q[k],
		    pl.qr[k]) && !into_transposes(t, c->outputs[k]))
			added++;
	if ((added > ngone || (added == ngone && !leads(t, c))) &&
	    !diamond(t, tn, c, added, ngone))
		return 0;

	/* Record the push: C, the Transposes it bypasses, the ones it
	 * makes; C's output names, to give them back at the end. */
	{
		long ci = item(t, c, IT_THROUGH);
		struct item *it;

		if (ci < 0)
			return -1;
		it = &t->items[ci];
		if (it->outs == NULL && c->noutputs > 0) {
			it->outs = arena_array(&t->ctx->scratch, c->noutputs,
			    sizeof(*it->outs));
			if (it->outs == NULL)
				return -1;
			for (k = 0; k < c->noutputs; k++)
				it->outs[k] = c->outputs[k] ?
				    c->outputs[k]->name : NULL;
		}
		for (j = 0; j < c->ninputs; j++)
			if (pl.act[j] == SLOT_FROM_T && src[j] != NULL &&
			    join(t, c, IT_THROUGH, src[j], 0) < 0)
				return -1;
		t->through = c;
	}
	/* Apply: inputs first. */
	for (j = 0; j < c->ninputs; j++) {
		struct ir_value *b = c->inputs[j], *nb;
		struct ir_tensor *ct, tmp;
		int64_t dims[PERM_MAX];
		int off;

		switch (pl.act[j]) {
		case SLOT_KEEP:
			break;
		case SLOT_FROM_T:
			if (ir_node_set_input(c, j, src[j]->inputs[0]) < 0)
				return -1;
			break;
		case SLOT_CONST:
			ct = perm_const(b);
			/* Unsqueeze at the front to rank r, then permute. */
			tmp = *ct;
			off = pl.r - ct->rank;
			for (i = 0; i < pl.r; i++)
				dims[i] = i < off ? 1 : ct->dims[i - off];
			tmp.rank = pl.r;
			tmp.dims = dims;
			ct = perm_const_transpose(&t->m->arena, &tmp, pl.inv,
			    NULL);
			if (ct == NULL)
				return -1;
			if (b->kind == IR_VALUE_INITIALIZER && b->nuses == 1 &&
			    b->noutputs == 0) {
				/* Only C uses it: rewrite in place. */
				struct pshape ps;

				ct->name = b->init->name;
				ct->orig = b->init->orig;
				*b->init = *ct;
				ps.rank = ct->rank;
				for (i = 0; i < ct->rank; i++)
					ps.dim[i] = ct->dims[i];
				if (set_type(t, b, ct->elem, &ps) < 0)
					return -1;
				if (b->graph == t->g && b->id < t->nsh)
					t->sh[b->id] = ps;
				break;
			}
			if ((nb = add_init(t, ct, b->name)) == NULL ||
			    ir_node_set_input(c, j, nb) < 0)
				return -1;
			break;
		case SLOT_NEW_T: {
			struct ir_value *cur = b;

			shape_of(t, b, &s);
			if (s.rank < pl.r) {
				/* Unsqueeze the leading axes first. */
				int64_t ax[PERM_MAX];
				int nax = pl.r - s.rank;
				struct ir_node *un;
				struct ir_value *uv, *axv;
				struct pshape us;

				for (i = 0; i < nax; i++)
					ax[i] = i;
				if ((uv = new_value(t, b->name)) == NULL ||
				    (un = ir_node_new(t->g, "Unsqueeze", "",
				    node_name(t, uv->name), 1, 1)) == NULL)
					return -1;
				if (ir_node_opset(c) >= 13) {
					struct ir_tensor *at =
					    perm_const_ints_new(&t->m->arena,
					    NULL, ax, (size_t)nax,
					    IR_ELEM_INT64);

					if (at == NULL || (axv = add_init(t,
					    at, "axes")) == NULL ||
					    ir_node_add_input(un, axv) < 0)
						return -1;
				} else if (set_ints_attr(t, un, "axes", ax,
				    (size_t)nax, true) < 0) {
					return -1;
				}
				if (ir_node_set_input(un, 0, b) < 0)
					return -1;
				ir_node_set_output(un, 0, uv);
				us.rank = pl.r;
				for (i = 0; i < pl.r; i++)
					us.dim[i] = i < nax ? 1 :
					    s.dim[i - nax];
				if (set_type(t, uv, elem_of(b), &us) < 0)
					return -1;
				cur = uv;
				s = us;
			}
			if ((nb = new_value(t, b->name)) == NULL)
				return -1;
			{
				struct pshape ts;

				ts.rank = pl.r;
				for (i = 0; i < pl.r; i++)
					ts.dim[i] = s.dim[pl.inv[i]];
				if (set_type(t, nb, elem_of(b), &ts) < 0 ||
				    add_transpose(t, cur, nb, pl.inv, pl.r) ==
				    NULL || ir_node_set_input(c, j, nb) < 0)
					return -1;
			}
			break;
		}
		}
	}
	/* Attribute and input edits. */
	if (pl.attr != NULL && set_ints_attr(t, c, pl.attr, pl.vals,
	    pl.nvals, pl.list) < 0)
		return -1;
	if (pl.input_slot >= 0) {
		struct ir_tensor *at = perm_const_ints_new(&t->m->arena, NULL,
		    pl.vals, pl.nvals, pl.input_elem);
		struct ir_value *axv;
		const char *base = strcmp(c->op_type, "Pad") == 0 ? "pads" :
		    strcmp(c->op_type, "Tile") == 0 ? "repeats" : "axes";

		if (at == NULL || (axv = add_init(t, at, base)) == NULL)
			return -1;
		while (c->ninputs <= (size_t)pl.input_slot)
			if (ir_node_add_input(c, NULL) < 0)
				return -1;
		if (ir_node_set_input(c, (size_t)pl.input_slot, axv) < 0)
			return -1;
	}
	/* Outputs: C now makes the untransposed value; a Transpose makes
	 * the original one, name and consumers unchanged. */
	for (k = 0; k < c->noutputs; k++) {
		struct ir_value *o = c->outputs[k], *no;
		struct pshape os, ns2;
		int qi[PERM_MAX];

		if (o == NULL || perm_is_identity(pl.q[k], pl.qr[k]))
			continue;
		if ((no = new_value(t, o->name)) == NULL)
			return -1;
		shape_of(t, o, &os);
		ns2.rank = os.rank == pl.qr[k] ? os.rank : -1;
		perm_inverse(pl.q[k], pl.qr[k], qi);
		for (i = 0; i < ns2.rank; i++)
			ns2.dim[i] = os.dim[qi[i]];
		if (set_type(t, no, elem_of(o), &ns2) < 0)
			return -1;
		ir_node_set_output(c, k, no);
		if (!out_used(o)) {
			o->producer = NULL;
			continue;
		}
		if (add_transpose(t, no, o, pl.q[k], pl.qr[k]) == NULL)
			return -1;
	}
	c->dirty = true;
	for (k = 0; k < ngone; k++) {
		if (gone[k]->outputs[0]->nuses == 0 && !gone[k]->dead) {
			ir_node_kill(gone[k]);
			t->removed++;
		}
	}
	t->through = NULL;
	note(t, DIAG_F_TP_PUSHED, c, "[%s] moved below '%s'",
	    perm_str(pl.p, pl.r, pb, sizeof(pb)), diag_esc(e, c->op_type));
	return 1;
}

/*
 * Push Transpose TN (X -> Z) through its consumer Reshape C (Z -> S) when
 * the Reshape only splits and merges dims in blocks that the perm moves
 * whole: each block of consecutive Z dims with the product of a block of
 * consecutive S dims comes from consecutive dims of X, in order.  Then
 * C reshapes X itself (each X block into its S dims) and a Transpose
 * that moves the blocks follows, which often meets the next one (the
 * window partitions of a vision transformer: a Transpose [0,2,1,3]
 * before a Reshape that splits two dims, then the partition's own
 * Transpose).  All dims known; same cost rule as try_push.  1 pushed, 0
 * not, -1 out of memory.
 */
static int
try_reshape(struct tp *t, struct ir_node *tn, struct ir_node *c)
{
	struct ir_value *y = tn->outputs[0], *x = tn->inputs[0], *sv, *nx;
	struct ir_tensor *st;
	struct pshape xs, ns;
	int p[PERM_MAX], r, i, k, nb = 0, zs[PERM_MAX + 1], ss[PERM_MAX + 1];
	int order[PERM_MAX], q[PERM_MAX], ns_n = 0, qn = 0, b, j;
	int64_t z[PERM_MAX], sh[PERM_MAX], ns64[PERM_MAX], known = 1, prod = 1;
	size_t n, u;
	int neg = -1;
	bool gone, ident;
	long ci;

	if (c->dead || c->graph != t->g || c->ninputs != 2 ||
	    c->inputs[0] != y || c->inputs[1] == y || c->noutputs != 1 ||
	    c->outputs[0] == NULL || c->nimplicit > 0 ||
	    ir_attr_int(c, "allowzero", 0) != 0 || !inits_ok(t) ||
	    !node_perm(t, tn, p, &r) || x == NULL)
		return 0;
	if ((st = perm_const(c->inputs[1])) == NULL ||
	    perm_const_ints(st, sh, PERM_MAX, &n) < 0 || n == 0)
		return 0;
	shape_of(t, x, &xs);
	if (xs.rank != r)
		return 0;
	for (i = 0; i < r; i++) {
		z[i] = xs.dim[p[i]];
		if (z[i] < 1 || z[i] > INT32_MAX)
			return 0;
		known *= z[i];
		if (known > INT32_MAX)
			return 0;
	}
	/* S: 0 copies Z's dim, -1 takes what is left */
	for (k = 0; k < (int)n; k++) {
		if (sh[k] == 0 && k < r)
			sh[k] = z[k];
		if (sh[k] == -1 && neg < 0)
			neg = k;
		else if (sh[k] < 1 || sh[k] > INT32_MAX)
			return 0;
		else
			prod *= sh[k];
		if (prod > INT32_MAX)
			return 0;
	}
	if (neg >= 0) {
		if (known % prod != 0)
			return 0;
		sh[neg] = known / prod;
	} else if (prod != known) {
		return 0;
	}
	/* blocks: Z[zs[b]..zs[b+1]) <-> S[ss[b]..ss[b+1]) */
	for (i = 0, k = 0; i < r && k < (int)n; nb++) {
		int64_t pz = z[i], ps = sh[k];

		zs[nb] = i;
		ss[nb] = k;
		while (pz != ps) {
			if (pz < ps && i + 1 < r)
				pz *= z[++i];
			else if (ps < pz && k + 1 < (int)n)
				ps *= sh[++k];
			else
				return 0;
		}
		i++;
		k++;
	}
	if (i != r || k != (int)n)
		return 0;
	zs[nb] = r;
	ss[nb] = (int)n;
	/* each block from consecutive X dims, in order */
	for (b = 0; b < nb; b++)
		for (j = zs[b] + 1; j < zs[b + 1]; j++)
			if (p[j] != p[j - 1] + 1)
				return 0;
	/* the blocks in X order: by their first X dim */
	for (b = 0; b < nb; b++)
		order[b] = b;
	for (b = 1; b < nb; b++)
		for (j = b; j > 0 && p[zs[order[j]]] < p[zs[order[j - 1]]];
		    j--) {
			int tmp = order[j];

			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	/* X reshaped: each block's S dims, blocks in X order; where each
	 * S dim lands there */
	{
		int at[PERM_MAX];

		for (b = 0; b < nb; b++)
			for (k = ss[order[b]]; k < ss[order[b] + 1]; k++) {
				at[k] = ns_n;
				ns64[ns_n++] = sh[k];
			}
		for (k = 0; k < (int)n; k++)
			q[qn++] = at[k];
	}
	ident = perm_is_identity(q, qn);
	/* cost: TN goes when C is its only user */
	gone = y->noutputs == 0;
	for (u = 0; u < y->nuses; u++)
		gone = gone && y->uses[u].node == c;
	if (!gone || (!ident && !leads(t, c)))
		return 0;

	if ((ci = item(t, c, IT_THROUGH)) < 0 ||
	    join(t, c, IT_THROUGH, tn, 0) < 0)
		return -1;
	if (t->items[ci].outs == NULL) {
		t->items[ci].outs = arena_array(&t->ctx->scratch, 1,
		    sizeof(*t->items[ci].outs));
		if (t->items[ci].outs == NULL)
			return -1;
		t->items[ci].outs[0] = c->outputs[0]->name;
	}
	if ((st = perm_const_ints_new(&t->m->arena, NULL, ns64,
	    (size_t)ns_n, IR_ELEM_INT64)) == NULL ||
	    (sv = add_init(t, st, c->inputs[1]->name)) == NULL ||
	    ir_node_set_input(c, 0, x) < 0 || ir_node_set_input(c, 1, sv) < 0)
		return -1;
	if (!ident) {
		struct ir_value *o = c->outputs[0];

		if ((nx = new_value(t, o->name)) == NULL)
			return -1;
		ns.rank = ns_n;
		for (k = 0; k < ns_n; k++)
			ns.dim[k] = ns64[k];
		if (set_type(t, nx, elem_of(o), &ns) < 0)
			return -1;
		ir_node_set_output(c, 0, nx);
		t->through = c;
		if (add_transpose(t, nx, o, q, qn) == NULL)
			return -1;
		t->through = NULL;
	}
	c->dirty = true;
	if (y->nuses == 0 && y->noutputs == 0 && !tn->dead) {
		ir_node_kill(tn);
		t->removed++;
	}
	t->changed = true;
	note(t, DIAG_F_TP_PUSHED, c, "moved below 'Reshape' (it splits and "
	    "merges whole blocks of the permuted dims)");
	return 1;
}

/* Visit Transpose N: fold, then push into its consumers. */
static int
visit(struct tp *t, struct ir_node *n)
{
	struct ir_node *cons[MAX_IO];
	struct ir_value *y;
	size_t nc = 0, j, k;
	int rc;

	if ((rc = fold(t, n)) != 0)
		return rc < 0 ? -1 : 0;
	if (n->dead || !perm_is_transpose(n))
		return 0;
	y = n->outputs[0];
	if (y->nuses == 0)
		return 0;
	for (j = 0; j < y->nuses && nc < MAX_IO; j++) {
		struct ir_node *u = y->uses[j].node;
		bool dup = false;

		for (k = 0; k < nc; k++)
			dup = dup || cons[k] == u;
		if (!dup && y->uses[j].index >= 0)
			cons[nc++] = u;
	}
	for (j = 0; j < nc; j++) {
		if (cons[j]->dead)
			continue;
		if (perm_is_transpose(cons[j]) && cons[j]->graph == t->g) {
			if (fold(t, cons[j]) < 0)
				return -1;
		} else if (ir_is_op(cons[j], "Reshape")) {
			if (try_reshape(t, n, cons[j]) < 0)
				return -1;
		} else if (try_push(t, n, cons[j]) < 0) {
			return -1;
		}
	}
	/* a consumer that cancelled into N may have given N its own
	 * output (cancel_into): judge the output N has now */
	y = n->outputs[0];
	if (!n->dead && y != NULL && y->nuses == 0 && y->noutputs == 0) {
		ir_node_kill(n);
		t->removed++;
	}
	return 0;
}

/* --- the interface ---------------------------------------------------- */

static int
permute_vinfo(struct tp *t, struct ir_vinfo *s, const int *q, int r)
{
	struct ir_dim *d;
	int i;

	if (s->type.rank != r)
		return 0;
	d = arena_array(&t->m->arena, (size_t)r + 1, sizeof(*d));
	if (d == NULL)
		return -1;
	for (i = 0; i < r; i++)
		d[i] = s->type.dims[q[i]];
	s->type.dims = d;
	s->type.dirty = true;
	return 0;
}

/*
 * Is Y made by a Transpose with perm WANT, directly or through a chain
 * of single-use elementwise nodes that the Transpose can move below?
 */
static bool
converted_output(struct tp *t, struct ir_value *y, const int *want, int r)
{
	struct ir_value *v = y;
	size_t steps;

	for (steps = 0; steps < 64; steps++) {
		struct ir_node *d = producer(v);
		int p[PERM_MAX], rr;

		if (d == NULL || d->graph != t->g)
			return false;
		if (perm_is_transpose(d))
			return node_perm(t, d, p, &rr) && rr == r &&
			    memcmp(p, want, (size_t)r * sizeof(*p)) == 0;
		if (perm_push_kind(d) != PUSH_UNARY || d->ninputs < 1 ||
		    d->noutputs != 1 || (v != y && (v->nuses != 1 ||
		    v->noutputs > 0)))
			return false;
		v = d->inputs[0];
		if (v == NULL || v->nuses != 1 || v->noutputs > 0)
			return false;
	}
	return false;
}

static int
change_interface(struct tp *t)
{
	const struct onnxfix_options *o = t->ctx->o;
	struct ir_graph *g = t->g;
	char e[DIAG_ESCAPE_SIZE], pb[64];
	size_t i, j;
	int changed = 0, nin;

	if (o->inputs_layout != ONNXFIX_LAYOUT_KEEP)
		for (i = 0; i < g->ninputs; i++) {
			struct ir_vinfo *s = &g->inputs[i];
			struct ir_value *v = s->value, *w;
			enum perm_kind conv = o->inputs_layout ==
			    ONNXFIX_LAYOUT_NCHW ? PERM_TO_FIRST : PERM_TO_LAST;
			int p[PERM_MAX], q[PERM_MAX], back[PERM_MAX], r = -1;
			struct pshape ws;
			bool hit = false;

			if (v == NULL || v->init != NULL || v->graph != g ||
			    v->noutputs > 0 || s->type.rank < 3 || s->type.rank > PERM_MAX)
				continue;
			r = s->type.rank;
			perm_layout(conv, r, q);
			for (j = 0; j < v->nuses && !hit; j++) {
				struct ir_node *u = v->uses[j].node;
				int rr;

				hit = u->graph == g && node_perm(t, u, p, &rr) &&
				    rr == r && memcmp(p, q, (size_t)r *
				    sizeof(*p)) == 0;
			}
			if (!hit)
				continue;
			perm_inverse(q, r, back);
			pshape_of_type(&s->type, &ws);
			if ((w = new_value(t, v->name)) == NULL ||
			    set_type(t, w, s->type.elem, &ws) < 0 ||
			    ir_value_replace_uses(v, w) < 0 ||
			    permute_vinfo(t, s, q, r) < 0)
				return -1;
			v->type = s->type;
			v->type_inferred = false;
			v->type_derived = false;
			v->elem_derived = false;
			if (add_transpose(t, v, w, back, r) == NULL)
				return -1;
			t->added--;	/* part of the interface change */
			pass_report_node(t->ctx, DIAG_F_TP_INPUT,
			    w->producer, "'%s' now %s, [%s] inside",
			    diag_esc(e, v->name), o->inputs_layout ==
			    ONNXFIX_LAYOUT_NCHW ? "nchw" : "nhwc",
			    perm_str(back, r, pb, sizeof(pb)));
			changed++;
		}
	if (o->inputs_layout != ONNXFIX_LAYOUT_KEEP && changed == 0) {
		diag_report(t->ctx->d, DIAG_F_TP_NO_INTERFACE, "graph",
		    "--inputs-layout: no input feeds a [%s] Transpose",
		    o->inputs_layout == ONNXFIX_LAYOUT_NCHW ? "0,r-1,1,..." :
		    "0,2,...,1");
		t->ctx->refused = true;
	}
	nin = changed;
	if (o->outputs_layout != ONNXFIX_LAYOUT_KEEP)
		for (i = 0; i < g->noutputs; i++) {
			struct ir_vinfo *s = &g->outputs[i];
			struct ir_value *y = s->value, *y2;
			struct ir_node *d = producer(y);
			enum perm_kind conv = o->outputs_layout ==
			    ONNXFIX_LAYOUT_NCHW ? PERM_TO_LAST : PERM_TO_FIRST;
			int p[PERM_MAX], back[PERM_MAX], want[PERM_MAX], r;
			struct pshape ys;

			if (y == NULL || d == NULL || d->graph != g ||
			    y->is_input || s->type.rank < 3 ||
			    s->type.rank > PERM_MAX)
				continue;
			r = s->type.rank;
			perm_layout(conv, r, want);
			if (!converted_output(t, y, want, r))
				continue;
			memcpy(p, want, sizeof(want));
			perm_inverse(p, r, back);
			pshape_of_type(&s->type, &ys);
			if ((y2 = new_value(t, y->name)) == NULL ||
			    set_type(t, y2, s->type.elem, &ys) < 0 ||
			    ir_value_replace_uses(y, y2) < 0)
				return -1;
			/* Keep the graph outputs on Y. */
			for (j = 0; j < g->noutputs; j++)
				if (g->outputs[j].value == y2) {
					g->outputs[j].value = y;
					y2->noutputs--;
					y->noutputs++;
				}
			ir_node_set_output(d, (size_t)y->out_index, y2);
			if (permute_vinfo(t, s, back, r) < 0)
				return -1;
			for (j = 0; j < g->noutputs; j++)
				if (g->outputs[j].value == y)
					g->outputs[j].type = s->type;
			y->type = s->type;
			y->type_inferred = false;
			y->type_derived = false;
			y->elem_derived = false;
			if (add_transpose(t, y2, y, back, r) == NULL)
				return -1;
			t->added--;
			pass_report_node(t->ctx, DIAG_F_TP_OUTPUT,
			    y->producer, "'%s' now %s", diag_esc(e, y->name),
			    o->outputs_layout == ONNXFIX_LAYOUT_NCHW ? "nchw" :
			    "nhwc");
			changed++;
		}
	if (o->outputs_layout != ONNXFIX_LAYOUT_KEEP && changed == nin) {
		diag_report(t->ctx->d, DIAG_F_TP_NO_INTERFACE, "graph",
		    "--outputs-layout: no output made by a [%s] Transpose",
		    o->outputs_layout == ONNXFIX_LAYOUT_NCHW ? "0,2,...,1" :
		    "0,r-1,1,...");
		t->ctx->refused = true;
	}
	if (changed)
		t->changed = true;
	return changed;
}

/* --- Transposes that move only size-1 dims ----------------------------- */

static int
to_reshape(struct tp *t, struct ir_node *n)
{
	int p[PERM_MAX], r, i, last = -1, unknown = 0;
	int64_t shape[PERM_MAX];
	struct pshape s;
	struct ir_tensor *ct;
	struct ir_value *sv;
	char e[DIAG_ESCAPE_SIZE], pb[64];

	if (ir_node_opset(n) < 5 || !inits_ok(t) || !node_perm(t, n, p, &r))
		return 0;
	shape_of(t, n->inputs[0], &s);
	if (s.rank != r || perm_is_identity(p, r))
		return 0;
	for (i = 0; i < r; i++) {
		int64_t d = s.dim[p[i]];

		if (d == 0)
			return 0;
		if (d != 1) {
			if (p[i] < last)
				return 0;	/* a real move */
			last = p[i];
		}
		if (d > 0)
			shape[i] = d;
		else if (p[i] == i)
			shape[i] = 0;	/* copy the input's dim */
		else if (unknown++ == 0)
			shape[i] = -1;
		else
			return 0;
	}
	ct = perm_const_ints_new(&t->m->arena, NULL, shape, (size_t)r,
	    IR_ELEM_INT64);
	if (ct == NULL || (sv = add_init(t, ct, "shape")) == NULL)
		return -1;
	note(t, DIAG_F_TP_RESHAPE, n, "[%s] on '%s'",
	    perm_str(p, r, pb, sizeof(pb)), diag_esc(e, n->inputs[0]->name));
	n->op_type = "Reshape";
	n->nattrs = 0;
	n->dirty = true;
	t->removed++;
	return ir_node_add_input(n, sv);
}

/* The perm attribute as text, "" when absent. */
static const char *
perm_text(struct tp *t, const struct ir_node *n)
{
	const struct ir_attr *a = ir_node_attr(n, "perm");
	char b[256];
	size_t i, len = 0;

	b[0] = '\0';
	for (i = 0; a != NULL && a->type == IR_ATTR_INTS && i < a->n &&
	    len < sizeof(b) - 24; i++)
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%lld",
		    i ? "," : "", (long long)a->ints[i]);
	return arena_printf(&t->ctx->scratch, "%s", b);
}

/*
 * A node pushed through got a new output name; when the Transposes that
 * took its old name are gone, it gets its old name back, so the output
 * model differs from the input only where it has to.
 */
static int
restore_names(struct tp *t)
{
	size_t i, k, q;

	for (i = 0; i < t->nitems; i++) {
		struct item *it = &t->items[i];
		struct ir_node *c = it->n;

		if (!(it->role & IT_THROUGH) || it->outs == NULL || c->dead)
			continue;
		for (k = 0; k < c->noutputs; k++) {
			struct ir_value *v = c->outputs[k], *w;

			if (v == NULL || it->outs[k] == NULL ||
			    strcmp(v->name, it->outs[k]) == 0 || v->noutputs)
				continue;
			w = hmap_get(&t->g->names, it->outs[k]);
			if (w != NULL && (w == v || w->kind != IR_VALUE_NODE ||
			    (w->producer != NULL && !w->producer->dead) ||
			    w->nuses > 0 || w->noutputs > 0 || w->is_input ||
			    w->init != NULL))
				continue;
			if (hmap_set(&t->g->names, it->outs[k], v) < 0)
				return -1;
			v->name = it->outs[k];
			c->dirty = true;
			for (q = 0; q < v->nuses; q++)
				v->uses[q].node->dirty = true;
		}
	}
	return 0;
}

enum {
	ST_REMOVED = 1,		/* a Transpose of the input, gone */
	ST_CHANGED = 2,		/* a Transpose of the input, new perm */
	ST_ADDED = 4,		/* a new Transpose */
	ST_CONVERTED = 8,	/* now a Reshape or Identity */
	ST_THROUGH = 16,	/* a node pushed through */
};

/* An item's place in its group: groups by root, members by position in
 * the input. */
struct member {
	size_t root;
	unsigned order;
	size_t i;
};

static int
cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* "'a', 'b'": the names of the items of group G[0..N) (in the order of
 * the input) with state STATE in WANT (see net_notes). */
static const char *
item_list(struct tp *t, const struct member *g, size_t n,
    const unsigned char *state, unsigned char want)
{
	char b[1024], e[DIAG_ESCAPE_SIZE];
	size_t len = 0, j;

	b[0] = '\0';
	for (j = 0; j < n; j++) {
		const struct item *it = &t->items[g[j].i];

		if (!(state[g[j].i] & want))
			continue;
		if (len > sizeof(b) - 80)
			break;
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s'%s'",
		    len ? ", " : "", diag_escape_str(e, sizeof(e),
		    it->name));
		/* A Transpose that stays: with its perm. */
		if ((want & (ST_ADDED | ST_CHANGED)) && len < sizeof(b) &&
		    !it->n->dead && strcmp(it->n->op_type, "Transpose") == 0)
			len += (size_t)snprintf(b + len, sizeof(b) - len,
			    " [%s]", perm_text(t, it->n));
	}
	return arena_printf(&t->ctx->scratch, "%s", b);
}

/*
 * One note per group of steps, on the net effect: which Transposes of
 * the input are gone, which nodes they went through, which Transposes are
 * new and which have a new perm.  A Transpose pushed below a node and
 * cancelled there is one F310 "through" that node, not a push and a
 * cancel.  Located at the first Transpose removed.  Groups are reported
 * in the order of their first item; each is walked once, sorted, so that
 * 100,000 groups cost no 100,000 walks of every item.
 */
static int
net_notes(struct tp *t)
{
	unsigned char *state;
	struct member *mem;
	size_t *first, *end, i, j;

	if (restore_names(t) < 0)
		return -1;
	state = arena_alloc(&t->ctx->scratch, t->nitems + 1);
	mem = arena_array(&t->ctx->scratch, t->nitems + 1, sizeof(*mem));
	first = arena_array(&t->ctx->scratch, t->nitems + 1, sizeof(*first));
	end = arena_array(&t->ctx->scratch, t->nitems + 1, sizeof(*end));
	if (state == NULL || mem == NULL || first == NULL || end == NULL)
		return -1;
	for (i = 0; i < t->nitems; i++) {
		const struct item *it = &t->items[i];
		const struct ir_node *n = it->n;
		bool tp = !n->dead && strcmp(n->op_type, "Transpose") == 0;

		state[i] = 0;
		if ((it->role & IT_ORIG) && !tp)
			state[i] |= ST_REMOVED;
		if ((it->role & IT_ORIG) && tp && it->perm != NULL &&
		    strcmp(it->perm, perm_text(t, n)) != 0)
			state[i] |= ST_CHANGED;
		if ((it->role & IT_NEW) && tp)
			state[i] |= ST_ADDED;
		if ((it->role & (IT_ORIG | IT_NEW)) && !n->dead && !tp)
			state[i] |= ST_CONVERTED;
		if ((it->role & IT_THROUGH) && !n->dead &&
		    !(it->role & (IT_ORIG | IT_NEW)))
			state[i] |= ST_THROUGH;
		mem[i].root = item_root(t, i);
		mem[i].order = n->order;
		mem[i].i = i;
	}
	if (t->nitems > 1)
		qsort(mem, t->nitems, sizeof(*mem), cmp_member);
	/* Each root's members: mem[first[root]..end[root]). */
	for (i = 0; i < t->nitems; i = j) {
		for (j = i; j < t->nitems && mem[j].root == mem[i].root; j++)
			;
		first[mem[i].root] = i;
		end[mem[i].root] = j;
	}
	for (i = 0; i < t->nitems; i++) {
		size_t r = item_root(t, i), nr = 0, nc = 0, nadd = 0;
		size_t nconv = 0, nthr = 0, ng;
		const struct ir_node *subj = NULL, *chg = NULL;
		const struct member *g;
		bool reshape = false;
		enum diag_id id;

		if (end[r] == 0)
			continue;	/* reported at its first item */
		g = &mem[first[r]];
		ng = end[r] - first[r];
		end[r] = 0;
		for (j = 0; j < ng; j++) {
			const struct ir_node *n = t->items[g[j].i].n;
			unsigned char st = state[g[j].i];

			if ((st & ST_REMOVED) && subj == NULL)
				subj = n;
			if ((st & ST_CHANGED) && chg == NULL)
				chg = n;
			nr += (st & ST_REMOVED) != 0;
			nc += (st & ST_CHANGED) != 0;
			nadd += (st & ST_ADDED) != 0;
			nthr += (st & ST_THROUGH) != 0;
			if (st & ST_CONVERTED) {
				nconv++;
				reshape = reshape ||
				    strcmp(n->op_type, "Reshape") == 0;
			}
		}
		if (nthr > 0 && nadd + nc + nconv == 0)
			id = DIAG_F_TP_CANCELLED;
		else if (nthr > 0)
			id = DIAG_F_TP_PUSHED;
		else if (reshape)
			id = DIAG_F_TP_RESHAPE;
		else if (nadd + nc > 0)
			id = DIAG_F_TP_MERGED;
		else if (nr >= 2)
			id = DIAG_F_TP_CANCELLED;
		else if (nr == 1)
			id = DIAG_F_TP_IDENTITY;
		else
			continue;	/* no net change */
		if (subj == NULL)
			subj = chg;
		if (subj == NULL)
			continue;
		pass_report_node(t->ctx, id, subj, "removed %s%s%s%s%s%s%s",
		    nr ? item_list(t, g, ng, state, ST_REMOVED) : "none",
		    nthr ? "; through " : "", nthr ? item_list(t, g, ng,
		    state, ST_THROUGH) : "", nadd + nconv ? "; added " : "",
		    nadd + nconv ? item_list(t, g, ng, state, ST_ADDED |
		    ST_CONVERTED) : "", nc ? "; changed " : "",
		    nc ? item_list(t, g, ng, state, ST_CHANGED) : "");
	}
	return 0;
}

static size_t
count_transposes(const struct ir_graph *g)
{
	size_t i, c = 0;

	for (i = 0; i < g->nnodes; i++)
		c += perm_is_transpose(g->nodes[i]);
	return c;
}

static int
resort(struct tp *t)
{
	struct ir_graph *g = t->g;
	struct ir_node **order, *cycle;
	size_t i;
	int rc;

	ir_graph_compact(g);
	if (g->nnodes < 2)
		return 0;
	order = arena_array(&t->ctx->scratch, g->nnodes, sizeof(*order));
	if (order == NULL)
		return -1;
	rc = ir_graph_toposort(g, order, &cycle);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	memcpy(g->nodes, order, g->nnodes * sizeof(*order));
	for (i = 0; i < g->nnodes; i++)
		g->nodes[i]->index = (unsigned)i;
	return 0;
}

static int
run_graph(struct pass_ctx *ctx, struct ir_graph *g)
{
	struct tp t;
	char path[IR_PATH_SIZE];
	size_t i, after;
	int round;
	bool any;

	/* A graph with a cycle (S214) has no order to push along: a
	 * Transpose pushed round the cycle would come back forever. */
	if (g->nnodes > 1) {
		struct ir_node **order, *cycle = NULL;

		order = arena_array(&ctx->scratch, g->nnodes, sizeof(*order));
		if (order == NULL)
			return -1;
		if (ir_graph_toposort(g, order, &cycle) != 0)
			return cycle != NULL ? 0 : -1;
	}
	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	t.m = ctx->m;
	t.g = g;
	t.before = count_transposes(g);
	hmap_init(&t.node_names, &ctx->scratch);
	hmap_init(&t.item_of, &ctx->scratch);
	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i]->name != NULL && hmap_put(&t.node_names,
		    g->nodes[i]->name, g->nodes[i], NULL) < 0)
			return -1;
	for (i = 0; i < g->nnodes; i++) {
		long k;

		if (!perm_is_transpose(g->nodes[i]))
			continue;
		if ((k = item(&t, g->nodes[i], IT_ORIG)) < 0)
			return -1;
		t.items[k].perm = perm_text(&t, g->nodes[i]);
	}
	/* The interface changes once: a later round finds the converters
	 * gone because the first round used them. */
	if (g->kind == IR_GRAPH_MAIN && !ctx->interface_done) {
		ctx->interface_done = true;
		if (change_interface(&t) < 0)
			return -1;
		/* refused: fix writes nothing, so nothing more to do */
		if (ctx->refused)
			return 0;
	}
	if (t.before == 0 && !t.changed)
		return 0;
	any = t.changed;
	for (round = 0; round < 4; round++) {
		t.changed = false;
		/* A graph nothing changed in keeps its order (toposort
		 * reports an unsorted one); one that changed is re-sorted. */
		if ((any && resort(&t) < 0) ||
		    pshape_scan(&ctx->scratch, g, &t.sh) < 0)
			return -1;
		t.nsh = g->nvalues;
		t.leads = arena_alloc(&ctx->scratch, t.nsh + 1);
		if (t.leads == NULL)
			return -1;
		compute_leads(&t);
		for (i = 0; i < g->nnodes; i++)
			if (perm_is_transpose(g->nodes[i]) &&
			    visit(&t, g->nodes[i]) < 0)
				return -1;
		any = any || t.changed;
		if (!t.changed)
			break;
	}
	if ((any && resort(&t) < 0) ||
	    pshape_scan(&ctx->scratch, g, &t.sh) < 0)
		return -1;
	t.nsh = g->nvalues;
	for (i = 0; i < g->nnodes; i++)
		if (perm_is_transpose(g->nodes[i]) &&
		    to_reshape(&t, g->nodes[i]) < 0)
			return -1;
	t.changed = t.changed || any;
	if (!t.changed)
		return 0;
	if (resort(&t) < 0 || net_notes(&t) < 0)
		return -1;
	ctx->changed = true;
	after = count_transposes(g);
	diag_report(ctx->d, DIAG_F_TP_SUMMARY, ir_graph_path(g, path,
	    sizeof(path)), "%zu before, %zu after", t.before, after);
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t n, i;

	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++) {
		if (graphs[i]->kind != IR_GRAPH_MAIN &&
		    graphs[i]->kind != IR_GRAPH_SUB)
			continue;
		if (run_graph(ctx, graphs[i]) < 0)
			return -1;
	}
	if (ctx->changed && ir_rebuild_implicit(ctx->m) < 0)
		return -1;
	return 0;
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->inputs_layout != ONNXFIX_LAYOUT_KEEP ? "--inputs-layout" :
	    o->outputs_layout != ONNXFIX_LAYOUT_KEEP ? "--outputs-layout" :
	    NULL;
}

const struct pass pass_transpose = {
	"transpose", PASS_REWRITE,
	"cancel, merge and push layout Transposes; change the interface "
	"layout on request",
	run, asked,
};
