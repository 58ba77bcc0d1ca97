/* SPDX-License-Identifier: MIT */
/*
 * cse: merge nodes that compute the same thing (common subexpression
 * elimination).
 *
 * Exporters repeat work: every use of x.shape[0] in PyTorch code becomes
 * its own Shape -> Gather -> Unsqueeze chain, every torch.tensor(...)
 * its own Constant; detection models hold the same NonZero, Cast and
 * Concat many times over.  Runtimes without a CSE step compute each one.
 * Two nodes of one graph are the same when they have the same operator,
 * domain, attributes (in the same order, values compared exactly; a
 * tensor attribute only when it is small and inline) and inputs (the
 * same values in the same slots, or small inline initializers of the
 * same type and bytes), and the same outputs present.  The
 * later one goes: its users read the earlier one's outputs.  Left
 * alone: nodes outside the default domain (a custom kernel may have
 * state), the random operators, nodes holding subgraphs, nodes one of
 * whose outputs is a graph output (its name is the interface), and
 * function bodies.  Merging never creates a cycle: the kept node reads
 * what the merged one read.  Runs to a fixed point (a merge makes the
 * readers of both nodes the same).
 * Requires: nothing.  Preserves: graph inputs and outputs, values.
 *
 *	before:  s1 = Shape(x)  a = Gather(s1, 0)   s2 = Shape(x)  b = ...(s2)
 *	after:   s1 = Shape(x)  a = Gather(s1, 0)   b = ...(s1)
 */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "pass.h"

/* Tensor attributes compared by their bytes up to this size. */
#define MAX_TENSOR_BYTES 4096

/* The fold of X into the hash H (keys are compared in full where two
 * hashes meet: the hash only picks where to look). */
static uint64_t
mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0x9e3779b97f4a7c15u;
	return h ^ (h >> 29);
}

static uint64_t
mix_bytes(uint64_t h, const void *p, size_t n)
{
	return n > 0 ? XXH3_64bits_withSeed(p, n, h) : mix(h, 0);
}

static bool
random_op(const char *op)
{
	static const char *const ops[] = {
		"Bernoulli", "Dropout", "Multinomial", "RandomNormal",
		"RandomNormalLike", "RandomUniform", "RandomUniformLike",
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (op[0] == ops[i][0] && strcmp(op, ops[i]) == 0)
			return true;
	return false;
}

/* Whether attribute A can be compared (not a graph, a large or
 * non-inline tensor, a function's attribute reference), and its hash
 * into *H. */
static bool
attr_hash(const struct ir_attr *a, uint64_t *h)
{
	const struct ir_tensor *t = a->t;
	uint64_t x;

	if (a->ref_attr_name != NULL)
		return false;
	x = mix_bytes(*h, a->name, strlen(a->name));
	x = mix(x, (uint64_t)a->type);
	switch (a->type) {
	case IR_ATTR_FLOAT: {
		uint32_t b;

		memcpy(&b, &a->f, sizeof(b));
		x = mix(x, b);
		break;
	}
	case IR_ATTR_INT:
		x = mix(x, (uint64_t)a->i);
		break;
	case IR_ATTR_STRING:
		x = mix(mix_bytes(x, a->s, a->slen), a->slen);
		break;
	case IR_ATTR_FLOATS:
		x = mix(mix_bytes(x, a->floats, a->n * sizeof(*a->floats)),
		    a->n);
		break;
	case IR_ATTR_INTS:
		x = mix(mix_bytes(x, a->ints, a->n * sizeof(*a->ints)), a->n);
		break;
	case IR_ATTR_TENSOR:
		if (t == NULL || t->storage != IR_DATA_RAW ||
		    t->size > MAX_TENSOR_BYTES || t->nfields != 1 ||
		    t->rank < 0)
			return false;
		x = mix(mix(x, (uint64_t)t->elem), (uint64_t)t->rank);
		if (t->rank > 0)
			x = mix_bytes(x, t->dims, (size_t)t->rank *
			    sizeof(*t->dims));
		x = mix(mix_bytes(x, t->data, t->size), t->size);
		break;
	default:
		return false;
	}
	*h = x;
	return true;
}

/* Attributes that attr_hash took: the same name, type and value, bit for
 * bit. */
static bool
attr_same(const struct ir_attr *a, const struct ir_attr *b)
{
	const struct ir_tensor *s = a->t, *t = b->t;

	if (a->type != b->type || strcmp(a->name, b->name) != 0)
		return false;
	if (a->type != IR_ATTR_TENSOR)
		return ir_attr_plain_eq(a, b);
	/* raw and small, as attr_hash took it */
	return s->elem == t->elem && s->rank == t->rank &&
	    s->size == t->size && (s->rank == 0 || memcmp(s->dims, t->dims,
	    (size_t)s->rank * sizeof(*s->dims)) == 0) && (s->size == 0 ||
	    memcmp(s->data, t->data, s->size) == 0);
}

/*
 * Small inline initializers by value: the first one seen with a given
 * element type, storage, dims and bytes stands for all that equal it, so
 * a node's key holds that one's address rather than the bytes (read once
 * a run, not once a node a round).  XXH3 of the bytes only picks where
 * to look; equality is always checked in full.
 */
/* An open-addressed table of pointers P (with a second pointer Q) by
 * their hash H, in scratch memory; a slot is free when P is NULL.  The
 * same hash may be stored many times: equality is the caller's. */
struct slot {
	const void *p, *q;
	uint64_t h;
};

struct ptab {
	struct slot *v;
	size_t n, cap;		/* cap is 0 or a power of two */
	struct arena *a;
};

static void
ptab_init(struct ptab *t, struct arena *a)
{
	memset(t, 0, sizeof(*t));
	t->a = a;
}

/* The first slot from H's on, in probe order: the caller steps on with
 * ptab_next until a free slot. */
static struct slot *
ptab_first(const struct ptab *t, uint64_t h)
{
	return t->cap == 0 ? NULL : &t->v[h & (t->cap - 1)];
}

static struct slot *
ptab_next(const struct ptab *t, struct slot *s)
{
	return s + 1 == t->v + t->cap ? t->v : s + 1;
}

/* Store P (and Q) under H: 0, -1 out of memory. */
static int
ptab_add(struct ptab *t, uint64_t h, const void *p, const void *q)
{
	struct slot *s;

	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64, i;
		struct slot *old = t->v, *v;

		if ((v = arena_array(t->a, cap, sizeof(*v))) == NULL)
			return -1;
		memset(v, 0, cap * sizeof(*v));
		t->v = v;
		i = t->cap;
		t->cap = cap;
		while (i-- > 0)
			if (old[i].p != NULL) {
				for (s = ptab_first(t, old[i].h); s->p != NULL;
				    s = ptab_next(t, s))
					;
				*s = old[i];
			}
	}
	for (s = ptab_first(t, h); s->p != NULL; s = ptab_next(t, s))
		;
	s->p = p;
	s->q = q;
	s->h = h;
	t->n++;
	return 0;
}

struct consts {
	struct ptab by_value;	/* a value -> its representative */
	struct ptab by_digest;	/* the representatives by their bytes */
};

/* V's bytes and their count when V is a small inline initializer that
 * is not a graph input; NULL else. */
static const void *
const_bytes(const struct ir_value *v, size_t *bytes)
{
	const struct ir_tensor *t;

	if (v == NULL || v->kind != IR_VALUE_INITIALIZER || v->is_input ||
	    v->sparse_init || v->duplicate || v->graph == NULL ||
	    (t = v->init) == NULL || t->rank < 0 || t->nfields != 1)
		return NULL;
	if (t->storage == IR_DATA_RAW) {
		*bytes = t->size;
	} else if (t->storage == IR_DATA_TYPED && t->typed != NULL) {
		switch (t->typed_field) {
		case 4: case 5: *bytes = t->ntyped * 4; break;
		case 7: case 10: case 11: *bytes = t->ntyped * 8; break;
		default: return NULL;
		}
	} else {
		return NULL;
	}
	if (*bytes > MAX_TENSOR_BYTES)
		return NULL;
	return t->storage == IR_DATA_RAW ? (const void *)t->data : t->typed;
}

static bool
same_const(const struct ir_value *a, const struct ir_value *b)
{
	const struct ir_tensor *s = a->init, *t = b->init;
	const void *p, *q;
	size_t m, n;

	p = const_bytes(a, &m);
	q = const_bytes(b, &n);
	return m == n && s->elem == t->elem && s->storage == t->storage &&
	    s->typed_field == t->typed_field && s->rank == t->rank &&
	    (s->rank == 0 || memcmp(s->dims, t->dims, (size_t)s->rank *
	    sizeof(*s->dims)) == 0) && (m == 0 || memcmp(p, q, m) == 0);
}

/* The value standing for V (V itself when first), NULL when V is not a
 * small inline initializer; *FAILED on running out of memory. */
static const struct ir_value *
represent(struct consts *c, const struct ir_value *v, bool *failed)
{
	const struct ir_tensor *t;
	const struct ir_value *r = NULL;
	const void *data;
	struct slot *sl;
	uint64_t h, hv;
	size_t bytes;

	if ((data = const_bytes(v, &bytes)) == NULL)
		return NULL;
	hv = mix(0, (uint64_t)(uintptr_t)v);
	for (sl = ptab_first(&c->by_value, hv); sl != NULL && sl->p != NULL;
	    sl = ptab_next(&c->by_value, sl))
		if (sl->p == v)
			return sl->q;
	t = v->init;
	h = mix(mix(mix(mix(0, (uint64_t)t->elem), (uint64_t)t->storage),
	    (uint64_t)t->typed_field), (uint64_t)t->rank);
	if (t->rank > 0)
		h = mix_bytes(h, t->dims, (size_t)t->rank * sizeof(*t->dims));
	h = mix(mix_bytes(h, data, bytes), bytes);
	for (sl = ptab_first(&c->by_digest, h); sl != NULL && sl->p != NULL;
	    sl = ptab_next(&c->by_digest, sl))
		if (sl->h == h && same_const(sl->p, v)) {
			r = sl->p;
			break;
		}
	if (r == NULL) {
		r = v;
		if (ptab_add(&c->by_digest, h, v, NULL) < 0)
			goto oom;
	}
	if (ptab_add(&c->by_value, hv, v, r) < 0)
		goto oom;
	return r;
oom:
	*failed = true;
	return NULL;
}

/*
 * N's hash into *H: 1, 0 when N is not merged with anything, -1 out of
 * memory.  What two nodes must share to be merged (node_same): the
 * operator, the inputs (the same values, or equal small constants) in
 * the same slots, the same outputs present, and the same attributes in
 * the same order.
 */
static int
node_hash(struct consts *c, const struct ir_node *n, uint64_t *h)
{
	uint64_t x;
	size_t i;
	bool failed = false;

	if (n->dead || !ir_domain_is_onnx(n->domain) || n->noutputs == 0 ||
	    n->nimplicit > 0 || random_op(n->op_type))
		return 0;
	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i] != NULL && (n->outputs[i]->noutputs > 0 ||
		    n->outputs[i]->duplicate))
			return 0;
	x = mix_bytes(0, n->op_type, strlen(n->op_type));
	x = mix(mix(x, n->ninputs), n->noutputs);
	for (i = 0; i < n->ninputs; i++) {
		const struct ir_value *v = n->inputs[i];
		const struct ir_value *r = represent(c, v, &failed);

		/* equal small constants under one address, marked apart
		 * from the values keyed by their own */
		x = r != NULL ? mix(mix(x, 1), (uint64_t)(uintptr_t)r) :
		    mix(mix(x, 2), (uint64_t)(uintptr_t)v);
	}
	if (failed)
		return -1;
	for (i = 0; i < n->noutputs; i++)
		x = mix(x, n->outputs[i] != NULL);
	x = mix(x, n->nattrs);
	for (i = 0; i < n->nattrs; i++)
		if (!attr_hash(&n->attrs[i], &x))
			return 0;
	*h = x;
	return 1;
}

/* Whether N computes what M does (both hashed by node_hash). */
static bool
node_same(struct consts *c, const struct ir_node *n, const struct ir_node *m)
{
	bool failed = false;
	size_t i;

	if (n->ninputs != m->ninputs || n->noutputs != m->noutputs ||
	    n->nattrs != m->nattrs || strcmp(n->op_type, m->op_type) != 0)
		return false;
	for (i = 0; i < n->ninputs; i++) {
		const struct ir_value *u = n->inputs[i], *v = m->inputs[i];
		const struct ir_value *r = represent(c, u, &failed);
		const struct ir_value *s = represent(c, v, &failed);

		if (r != NULL || s != NULL ? r != s : u != v)
			return false;
	}
	for (i = 0; i < n->noutputs; i++)
		if ((n->outputs[i] != NULL) != (m->outputs[i] != NULL))
			return false;
	for (i = 0; i < n->nattrs; i++)
		if (!attr_same(&n->attrs[i], &m->attrs[i]))
			return false;
	return true;
}

/* Merge N into the earlier M: N's users read M's outputs. */
static int
merge(struct pass_ctx *ctx, struct ir_node *n, struct ir_node *m)
{
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	size_t i;

	pass_report_node(ctx, DIAG_F_CSE, n, "users of '%s' now read '%s'",
	    diag_esc(b1, n->outputs[0] ? n->outputs[0]->name : ""),
	    diag_esc(b2, m->outputs[0] ? m->outputs[0]->name : ""));
	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i] != NULL && ir_value_replace_uses(
		    n->outputs[i], m->outputs[i]) < 0)
			return -1;
	ir_node_kill(n);
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct consts c;
	size_t ng, i, j;
	bool any = false, again = true;

	ptab_init(&c.by_value, &ctx->scratch);
	ptab_init(&c.by_digest, &ctx->scratch);
	while (again) {
		again = false;
		ng = ir_model_graphs(ctx->m, &graphs);
		for (i = 0; i < ng; i++) {
			struct ir_graph *g = graphs[i];
			const struct ir_graph *top = g;
			struct ptab seen;
			bool changed = false;

			while (top->parent != NULL)
				top = top->parent;
			if (top->kind == IR_GRAPH_FUNCTION)
				continue;
			ptab_init(&seen, &ctx->scratch);
			for (j = 0; j < g->nnodes; j++) {
				struct ir_node *n = g->nodes[j];
				struct slot *sl;
				uint64_t h;
				int rc;

				if ((rc = node_hash(&c, n, &h)) < 0)
					return -1;
				if (rc == 0)
					continue;
				for (sl = ptab_first(&seen, h); sl != NULL &&
				    sl->p != NULL; sl = ptab_next(&seen, sl))
					if (sl->h == h &&
					    node_same(&c, n, sl->p))
						break;
				if (sl == NULL || sl->p == NULL) {
					if (ptab_add(&seen, h, n, NULL) < 0)
						return -1;
					continue;
				}
				if (merge(ctx, n, (struct ir_node *)(uintptr_t)
				    sl->p) < 0)
					return -1;
				changed = true;
			}
			if (changed) {
				ir_graph_compact(g);
				any = again = true;
			}
		}
	}
	if (any) {
		ctx->changed = true;
		if (ir_rebuild_implicit(ctx->m) < 0)
			return -1;
	}
	return 0;
}

const struct pass pass_cse = {
	"cse", PASS_REWRITE,
	"merge nodes that compute the same thing",
	run, NULL,
};
