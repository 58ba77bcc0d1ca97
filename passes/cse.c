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

/* A growing key string in scratch memory. */
struct key {
	struct arena *a;
	char *s;
	size_t len, cap;
	bool failed;
};

static void
add(struct key *k, const void *p, size_t n)
{
	void *v = k->s;

	if (k->failed)
		return;
	if (arena_grow(k->a, &v, &k->cap, k->len + n + 1, 1) < 0) {
		k->failed = true;
		return;
	}
	k->s = v;
	memcpy(k->s + k->len, p, n);
	k->len += n;
	k->s[k->len] = '\0';
}

/* Bytes as hex: keys are C strings (hmap), and model bytes may hold
 * NUL. */
static void
add_hex(struct key *k, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = p;
	char buf[64];
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		buf[j++] = hex[b[i] >> 4];
		buf[j++] = hex[b[i] & 15];
		if (j == sizeof(buf)) {
			add(k, buf, j);
			j = 0;
		}
	}
	add(k, buf, j);
	add(k, ";", 1);
}

static void
add_str(struct key *k, const char *s)
{
	add_hex(k, s, strlen(s));
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

/* Attribute A into K: false when it cannot be compared (a graph, a large
 * or non-inline tensor, a function's attribute reference). */
static bool
add_attr(struct key *k, const struct ir_attr *a)
{
	const struct ir_tensor *t = a->t;
	int32_t ty = (int32_t)a->type;

	if (a->ref_attr_name != NULL)
		return false;
	add_str(k, a->name);
	add_hex(k, &ty, sizeof(ty));
	switch (a->type) {
	case IR_ATTR_FLOAT:
		add_hex(k, &a->f, sizeof(a->f));
		return true;
	case IR_ATTR_INT:
		add_hex(k, &a->i, sizeof(a->i));
		return true;
	case IR_ATTR_STRING:
		add_hex(k, a->s, a->slen);
		return true;
	case IR_ATTR_FLOATS:
		add_hex(k, a->floats, a->n * sizeof(*a->floats));
		return true;
	case IR_ATTR_INTS:
		add_hex(k, a->ints, a->n * sizeof(*a->ints));
		return true;
	case IR_ATTR_TENSOR:
		if (t == NULL || t->storage != IR_DATA_RAW ||
		    t->size > MAX_TENSOR_BYTES || t->nfields != 1 ||
		    t->rank < 0)
			return false;
		add_hex(k, &t->elem, sizeof(t->elem));
		add_hex(k, &t->rank, sizeof(t->rank));
		if (t->rank > 0)
			add_hex(k, t->dims, (size_t)t->rank *
			    sizeof(*t->dims));
		add_hex(k, t->data, t->size);
		return true;
	default:
		return false;
	}
}

/*
 * Small inline initializers by value: the first one seen with a given
 * element type, storage, dims and bytes stands for all that equal it, so
 * a node's key holds that one's address rather than the bytes (read once
 * a run, not once a node a round).  XXH3 of the bytes only picks where
 * to look; equality is always checked in full.
 */
struct consts {
	struct hmap by_value;	/* "%p" of a value -> its representative */
	struct hmap by_digest;	/* "digest/j" -> a representative */
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
represent(struct consts *c, struct arena *a, const struct ir_value *v,
    bool *failed)
{
	const struct ir_tensor *t;
	const struct ir_value *r;
	const void *data;
	char kb[48];
	const char *key;
	uint64_t h;
	size_t bytes, j;
	int32_t head[3];

	if ((data = const_bytes(v, &bytes)) == NULL)
		return NULL;
	snprintf(kb, sizeof(kb), "%p", (const void *)v);
	if ((r = hmap_get(&c->by_value, kb)) != NULL)
		return r;
	t = v->init;
	head[0] = t->elem;
	head[1] = (int32_t)t->storage;
	head[2] = t->typed_field;
	h = XXH3_64bits_withSeed(head, sizeof(head), (uint64_t)t->rank);
	if (t->rank > 0)
		h = XXH3_64bits_withSeed(t->dims, (size_t)t->rank *
		    sizeof(*t->dims), h);
	h = XXH3_64bits_withSeed(data, bytes, h);
	for (j = 0;; j++) {
		char db[48];

		snprintf(db, sizeof(db), "%016llx/%zu", (unsigned long long)h,
		    j);
		if ((r = hmap_get(&c->by_digest, db)) == NULL) {
			if ((key = arena_strdup(a, db)) == NULL ||
			    hmap_put(&c->by_digest, key, (void *)v, NULL) < 0)
				goto oom;
			r = v;
			break;
		}
		if (same_const(r, v))
			break;
	}
	if ((key = arena_strdup(a, kb)) == NULL ||
	    hmap_put(&c->by_value, key, (void *)r, NULL) < 0)
		goto oom;
	return r;
oom:
	*failed = true;
	return NULL;
}

/*
 * The key of N into K: 1, 0 when N is not merged with anything, -1 out
 * of memory.
 */
static int
node_key(struct key *k, struct consts *c, const struct ir_node *n)
{
	size_t i;

	if (n->dead || !ir_domain_is_onnx(n->domain) || n->noutputs == 0 ||
	    n->nimplicit > 0 || random_op(n->op_type))
		return 0;
	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i] != NULL && (n->outputs[i]->noutputs > 0 ||
		    n->outputs[i]->duplicate))
			return 0;
	k->len = 0;
	add_str(k, n->op_type);
	add_hex(k, &n->ninputs, sizeof(n->ninputs));
	add_hex(k, &n->noutputs, sizeof(n->noutputs));
	for (i = 0; i < n->ninputs; i++) {
		const struct ir_value *v = n->inputs[i];
		const struct ir_value *r = represent(c, k->a, v, &k->failed);

		/* equal small constants under one address, marked apart
		 * from the values keyed by their own */
		if (r != NULL) {
			add(k, "c", 1);
			add_hex(k, &r, sizeof(r));
		} else {
			add_hex(k, &v, sizeof(v));
		}
	}
	for (i = 0; i < n->noutputs; i++)
		add(k, n->outputs[i] != NULL ? "o" : "-", 1);
	add(k, ";", 1);
	for (i = 0; i < n->nattrs; i++)
		if (!add_attr(k, &n->attrs[i]))
			return 0;
	return k->failed ? -1 : 1;
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
	struct key k;
	size_t ng, i, j;
	bool any = false, again = true;

	memset(&k, 0, sizeof(k));
	k.a = &ctx->scratch;
	hmap_init(&c.by_value, &ctx->scratch);
	hmap_init(&c.by_digest, &ctx->scratch);
	while (again) {
		again = false;
		ng = ir_model_graphs(ctx->m, &graphs);
		for (i = 0; i < ng; i++) {
			struct ir_graph *g = graphs[i];
			const struct ir_graph *top = g;
			struct hmap seen;
			bool changed = false;

			while (top->parent != NULL)
				top = top->parent;
			if (top->kind == IR_GRAPH_FUNCTION)
				continue;
			hmap_init(&seen, &ctx->scratch);
			for (j = 0; j < g->nnodes; j++) {
				struct ir_node *n = g->nodes[j];
				const char *key;
				void *old = NULL;
				int rc;

				if ((rc = node_key(&k, &c, n)) < 0)
					return -1;
				if (rc == 0)
					continue;
				if ((key = arena_strdup(&ctx->scratch,
				    k.s)) == NULL || (rc = hmap_put(&seen, key,
				    n, &old)) < 0)
					return -1;
				if (rc > 0)
					continue;
				if (merge(ctx, n, old) < 0)
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
