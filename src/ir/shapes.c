/* SPDX-License-Identifier: MIT */
/*
 * Shape and type inference (see shapes.h for the contract).
 *
 * One run walks every graph with an explicit stack of frames: a frame is
 * a graph, its nodes in topological order and a position.  A node holding
 * subgraphs pushes one frame per subgraph first and is inferred when they
 * are done, so If/Loop/Scan outputs see their bodies' results and bodies
 * see the outer scope.  Per node, an operator function derives the output
 * types from the input types (and small constant tensors); the result is
 * merged into each output's declared type.  The rules follow the ONNX
 * operator specifications (onnx/docs/Operators.md, Changelog.md) and the
 * reference inference of the onnx package where the specification is
 * silent; where runtimes disagree (pooling with ceil_mode whose last
 * window starts in the padding) the dim stays unknown.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag/diag.h"
#include "ir/shapes.h"

#define SH_MAX_CONST 1024	/* elements of a propagated constant */
#define SH_MAX_RANK 64		/* ranks above this are left unknown */

/* A small integer tensor known at inference time; elements may be
 * symbolic (a dim_param) or unknown. */
struct sconst {
	int rank;		/* 0 or 1 */
	size_t n;
	struct ir_dim *e;
};

struct pmap_slot {
	const void *key;
	void *val;
};

/* Pointer-keyed map (value -> constant), open addressing. */
struct pmap {
	struct pmap_slot *v;
	size_t n, cap;
};

struct frame {
	struct ir_graph *g;
	struct ir_node **order;
	size_t pos;
	bool entered;		/* subgraphs of order[pos] are done */
	bool unchecked;		/* order is g->nodes, checked up to pos
				 * (check_order) */
	/* when reporting: the values G declares a type for (its outputs
	 * and value_info, produced in G) -> their derived type (kind
	 * IR_TYPE_NONE until a tensor type is derived) */
	struct pmap der;
};

struct sh {
	struct ir_model *m;
	struct arena tmp;	/* released at the end of the run */
	shapes_report_fn *fn;
	void *arg;
	struct pmap consts;
	struct pmap calls;	/* call node -> body of its local function */
	struct pmap entered;	/* function bodies already inferred */
	struct hmap ops, ms_ops;
	/* the last lookups by op_type and domain string (the loader gives
	 * all nodes of one operator the same strings) */
	struct {
		const char *op, *domain;
		const struct op_entry *e;
	} last[4];
	bool init_inputs_const;	/* ir_version < 4 */
	struct frame *cur;
	/* output types of the node being inferred, reused node to node */
	struct ir_type *out;
	size_t capout;
};

typedef int op_fn(struct sh *s, struct ir_node *n, struct ir_type *out);

/* Pointer map. */

static uint64_t
phash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void *
pmap_get(const struct pmap *h, const void *key)
{
	size_t i;

	if (h->cap == 0)
		return NULL;
	for (i = phash(key) & (h->cap - 1); h->v[i].key != NULL;
	    i = (i + 1) & (h->cap - 1))
		if (h->v[i].key == key)
			return h->v[i].val;
	return NULL;
}

static void
pmap_insert(struct pmap_slot *v, size_t cap, const void *key, void *val)
{
	size_t i;

	for (i = phash(key) & (cap - 1); v[i].key != NULL && v[i].key != key;
	    i = (i + 1) & (cap - 1))
		;
	v[i].key = key;
	v[i].val = val;
}

static int
pmap_put(struct arena *a, struct pmap *h, const void *key, void *val)
{
	if (2 * (h->n + 1) > h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64, j;
		struct pmap_slot *v = arena_array(a, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		for (j = 0; j < h->cap; j++)
			if (h->v[j].key != NULL)
				pmap_insert(v, cap, h->v[j].key, h->v[j].val);
		h->v = v;
		h->cap = cap;
	}
	if (pmap_get(h, key) == NULL)
		h->n++;
	pmap_insert(h->v, h->cap, key, val);
	return 0;
}

/* Dims and types. */

static struct ir_dim
dval(int64_t x)
{
	struct ir_dim d = { IR_DIM_VALUE, x, NULL };

	return d;
}

static struct ir_dim
dunknown(void)
{
	struct ir_dim d = { IR_DIM_UNKNOWN, 0, NULL };

	return d;
}

/* Copy n dims; a rank-0 type has no dims array (NULL), so n == 0 copies
 * nothing rather than handing memcpy a null pointer. */
static void
dcopy(struct ir_dim *dst, const struct ir_dim *src, int64_t n)
{
	if (n > 0)
		memcpy(dst, src, (size_t)n * sizeof(*dst));
}

/* Sizes and attributes beyond this are left alone: no overflow. */
#define SH_BIG ((int64_t)1 << 30)

static bool
big(int64_t x)
{
	return x > SH_BIG || x < -SH_BIG;
}

static bool
isval(const struct ir_dim *d, int64_t x)
{
	return d->kind == IR_DIM_VALUE && d->value == x;
}

/* Known to be the same size. */
static bool
dim_same(const struct ir_dim *a, const struct ir_dim *b)
{
	if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE)
		return a->value == b->value;
	if (a->kind == IR_DIM_PARAM && b->kind == IR_DIM_PARAM)
		return strcmp(a->param, b->param) == 0;
	return false;
}

/* Identical as written (unknown equals unknown). */
static bool
dim_ident(const struct ir_dim *a, const struct ir_dim *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind == IR_DIM_UNKNOWN || dim_same(a, b);
}

static bool
type_ident(const struct ir_type *a, const struct ir_type *b)
{
	int i;

	if (a->kind != b->kind || a->elem != b->elem || a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++)
		if (!dim_ident(&a->dims[i], &b->dims[i]))
			return false;
	return true;
}

static const struct ir_type *
tensor_of(const struct ir_value *v)
{
	if (v == NULL || v->type.kind != IR_TYPE_TENSOR)
		return NULL;
	return &v->type;
}

static struct ir_value *
in_v(const struct ir_node *n, size_t i)
{
	return i < n->ninputs ? n->inputs[i] : NULL;
}

static const struct ir_type *
in_t(const struct ir_node *n, size_t i)
{
	return tensor_of(in_v(n, i));
}

/* Rank of input I, -1 when unknown. */
static int
in_rank(const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);

	return t != NULL ? t->rank : -1;
}

static int32_t
in_elem(const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);

	return t != NULL ? t->elem : 0;
}

/*
 * Make O a tensor of ELEM with RANK unknown dims (RANK -1: unranked).
 * A RANK above SH_MAX_RANK makes O unranked too, with no dims array: a
 * caller whose RANK is not bounded by an input's rank (inputs of a
 * higher rank never reach an operator, see infer_node) checks o->rank
 * before it writes a dim.
 */
static int
mk(struct sh *s, struct ir_type *o, int32_t elem, int rank)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->kind = IR_TYPE_TENSOR;
	o->elem = elem;
	o->rank = rank > SH_MAX_RANK ? -1 : rank;
	if (o->rank < 0)
		return 0;
	o->dims = arena_array(&s->tmp, (size_t)rank + 1, sizeof(*o->dims));
	if (o->dims == NULL)
		return -1;
	for (i = 0; i < rank; i++)
		o->dims[i] = dunknown();
	return 0;
}

/* A count or a dim N as a rank for mk: unknown when negative or above
 * SH_MAX_RANK, rather than converted to an int that may wrap (2^32 + 1
 * is not rank 1). */
static int
rank_v(int64_t n)
{
	return n < 0 || n > SH_MAX_RANK ? -1 : (int)n;
}

static int
rank_n(size_t n)
{
	return n > SH_MAX_RANK ? -1 : (int)n;
}

/* O gets the type of input I (shape shared, read-only). */
static void
same_as(struct ir_type *o, const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);

	if (t != NULL)
		*o = *t;
	o->orig = NULL;
	o->dirty = false;
}

/* O gets the shape of input I with element type ELEM. */
static int
shape_of(struct sh *s, struct ir_type *o, const struct ir_node *n, size_t i,
    int32_t elem)
{
	const struct ir_type *t = in_t(n, i);

	if (t == NULL)
		return mk(s, o, elem, -1);
	same_as(o, n, i);
	o->elem = elem;
	return 0;
}

/* Attributes. */

static int64_t
attr_i(const struct ir_node *n, const char *name, int64_t def)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	return a != NULL && a->type == IR_ATTR_INT ? a->i : def;
}

static const int64_t *
attr_ints(const struct ir_node *n, const char *name, size_t *count)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	*count = 0;
	if (a == NULL || a->type != IR_ATTR_INTS)
		return NULL;
	*count = a->n;
	return a->ints;
}

static bool
attr_is(const struct ir_node *n, const char *name, const char *want,
    bool absent)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL || a->type != IR_ATTR_STRING)
		return absent;
	return a->slen == strlen(want) &&
	    (a->slen == 0 || memcmp(a->s, want, a->slen) == 0);
}

/* Normalise AXIS against RANK; -1 when out of range. */
static int
norm_axis(int64_t axis, int rank)
{
	if (axis < 0)
		axis += rank;
	if (axis < 0 || axis >= rank)
		return -1;
	return (int)axis;
}

/* Constants. */

static int
tensor_int(const struct ir_tensor *t, size_t i, int64_t *out)
{
	if (t->storage == IR_DATA_RAW) {
		double d;

		if (t->elem == IR_ELEM_INT64) {
			if ((i + 1) * 8 > t->size)
				return -1;
			memcpy(out, t->data + i * 8, 8);
			return 0;
		}
		if (t->elem != IR_ELEM_INT32 && t->elem != IR_ELEM_BOOL &&
		    t->elem != IR_ELEM_INT8 && t->elem != IR_ELEM_UINT8)
			return -1;
		if (ir_tensor_get_f64(t, i, &d) < 0)
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	if (t->storage != IR_DATA_TYPED || t->typed == NULL || i >= t->ntyped)
		return -1;
	switch (t->elem) {
	case IR_ELEM_INT64:
		if (t->typed_field != 7)
			return -1;
		*out = ((const int64_t *)t->typed)[i];
		return 0;
	case IR_ELEM_INT32:
	case IR_ELEM_INT8:
	case IR_ELEM_UINT8:
	case IR_ELEM_BOOL:
		if (t->typed_field != 5)
			return -1;
		*out = ((const int32_t *)t->typed)[i];
		return 0;
	default:
		return -1;
	}
}

static int
tensor_float(const struct ir_tensor *t, size_t i, double *out)
{
	if (t->storage == IR_DATA_RAW)
		return ir_tensor_get_f64(t, i, out);
	if (t->storage != IR_DATA_TYPED || t->typed == NULL || i >= t->ntyped)
		return -1;
	switch (t->elem) {
	case IR_ELEM_FLOAT:
		if (t->typed_field != 4)
			return -1;
		*out = ((const float *)t->typed)[i];
		return 0;
	case IR_ELEM_DOUBLE:
		if (t->typed_field != 10)
			return -1;
		*out = ((const double *)t->typed)[i];
		return 0;
	default:
		return -1;
	}
}

/*
 * Does T's data hold exactly the COUNT elements its dims say: one data
 * field of that many elements (raw bytes or the element type's typed
 * field), or none at all for no elements?  Where the dims and the data
 * disagree (or two data fields each say something), neither is
 * believed: the values are unknown, never read past what is present.
 */
static bool
tensor_holds(const struct ir_tensor *t, uint64_t count)
{
	uint64_t bytes;

	if (t->nfields > 1)
		return false;
	switch (t->storage) {
	case IR_DATA_NONE:
		return count == 0;
	case IR_DATA_RAW:
		return ir_elem_bits(t->elem) % 8 == 0 &&
		    ir_elem_bytes(t->elem, count, &bytes) == 0 &&
		    bytes == t->size;
	case IR_DATA_TYPED:
		return t->typed != NULL &&
		    t->typed_field == ir_elem_typed_field(t->elem) &&
		    t->ntyped == count;
	default:
		return false;
	}
}

/* Element count of T when it is small enough to read (and its data
 * holds that many), else 0. */
static size_t
tensor_small(const struct ir_tensor *t)
{
	uint64_t count;

	if (t == NULL || t->rank > 1 || ir_tensor_count(t, &count, NULL) < 0 ||
	    count > SH_MAX_CONST || !tensor_holds(t, count))
		return 0;
	return (size_t)count;
}

static struct sconst *
const_new(struct sh *s, int rank, size_t n)
{
	struct sconst *c = arena_alloc(&s->tmp, sizeof(*c));
	size_t i;

	if (c == NULL)
		return NULL;
	c->rank = rank;
	c->n = n;
	c->e = arena_array(&s->tmp, n + 1, sizeof(*c->e));
	if (c->e == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		c->e[i] = dunknown();
	return c;
}

/* The constant of an integer tensor, or NULL. */
static struct sconst *
const_of_tensor(struct sh *s, const struct ir_tensor *t)
{
	size_t n = tensor_small(t), i;
	struct sconst *c;

	if (t->rank > 1 || (n == 0 && t->rank == 0))
		return NULL;
	if (t->elem != IR_ELEM_INT64 && t->elem != IR_ELEM_INT32)
		return NULL;
	if (n == 0) {
		uint64_t count;

		if (ir_tensor_count(t, &count, NULL) < 0 || count != 0 ||
		    !tensor_holds(t, 0))
			return NULL;
	}
	if ((c = const_new(s, t->rank, n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		int64_t x;

		if (tensor_int(t, i, &x) < 0)
			return NULL;
		c->e[i] = dval(x);
	}
	return c;
}

/*
 * Initializer T of V when it may be read as V's value: V's type agrees
 * with it.  With ir_version < 4 an initializer may also be a graph
 * input, whose declared type can say more (or other) elements than the
 * initializer holds; the operators size their results by the type, so a
 * disagreement makes the value unknown.
 */
static const struct ir_tensor *
init_of(struct sh *s, const struct ir_value *v)
{
	const struct ir_type *t = &v->type;
	const struct ir_tensor *x = v->init;
	int i;

	if (x == NULL || v->duplicate ||
	    (v->is_input && !s->init_inputs_const))
		return NULL;
	if (t->kind == IR_TYPE_NONE)
		return x;
	if (t->kind != IR_TYPE_TENSOR || (t->elem != 0 && t->elem != x->elem))
		return NULL;
	if (t->rank < 0)
		return x;
	if (t->rank != x->rank)
		return NULL;
	for (i = 0; i < t->rank; i++)
		if (t->dims[i].kind == IR_DIM_VALUE &&
		    t->dims[i].value != x->dims[i])
			return NULL;
	return x;
}

/* The constant value V holds, or NULL. */
static const struct sconst *
cget(struct sh *s, const struct ir_value *v)
{
	struct sconst *c;

	if (v == NULL)
		return NULL;
	if ((c = pmap_get(&s->consts, v)) != NULL)
		return c;
	if (init_of(s, v) == NULL ||
	    (c = const_of_tensor(s, v->init)) == NULL)
		return NULL;
	if (pmap_put(&s->tmp, &s->consts, v, c) < 0)
		return NULL;
	return c;
}

/* Does X fit in integer element type ELEM (int64 or int32)? */
static bool
fits(int32_t elem, int64_t x)
{
	return elem != IR_ELEM_INT32 || (x >= INT32_MIN && x <= INT32_MAX);
}

/* Integer element I of V's constant, when it is a known value. */
static bool
cint(struct sh *s, const struct ir_value *v, size_t i, int64_t *x)
{
	const struct sconst *c = cget(s, v);

	if (c == NULL || i >= c->n || c->e[i].kind != IR_DIM_VALUE)
		return false;
	*x = c->e[i].value;
	return true;
}

/* All elements of V's constant as values into *OUT (tmp memory). */
static bool
cints(struct sh *s, const struct ir_value *v, const int64_t **out,
    size_t *count)
{
	const struct sconst *c = cget(s, v);
	int64_t *x;
	size_t i;

	if (c == NULL)
		return false;
	if ((x = arena_array(&s->tmp, c->n + 1, sizeof(*x))) == NULL)
		return false;
	for (i = 0; i < c->n; i++) {
		if (c->e[i].kind != IR_DIM_VALUE)
			return false;
		x[i] = c->e[i].value;
	}
	*out = x;
	*count = c->n;
	return true;
}

static int
cput(struct sh *s, const struct ir_value *v, struct sconst *c)
{
	if (v == NULL || c == NULL)
		return 0;
	return pmap_put(&s->tmp, &s->consts, v, c);
}

/* Float values of V when it is a constant float tensor (initializer or
 * Constant node). */
static const struct ir_tensor *
const_tensor(struct sh *s, const struct ir_value *v)
{
	const struct ir_attr *a;

	if (v == NULL || v->duplicate)
		return NULL;
	if (v->init != NULL)
		return init_of(s, v);
	if (v->producer == NULL || v->producer->dead ||
	    strcmp(v->producer->op_type, "Constant") != 0 ||
	    !ir_domain_is_onnx(v->producer->domain))
		return NULL;
	a = ir_node_attr(v->producer, "value");
	return a != NULL && a->type == IR_ATTR_TENSOR ? a->t : NULL;
}

static bool
cfloats(struct sh *s, const struct ir_value *v, double **out, size_t *count)
{
	const struct ir_tensor *t = const_tensor(s, v);
	size_t n, i;
	double *x;

	if (t == NULL || (n = tensor_small(t)) == 0 || t->rank != 1)
		return false;
	if ((x = arena_array(&s->tmp, n, sizeof(*x))) == NULL)
		return false;
	for (i = 0; i < n; i++)
		if (tensor_float(t, i, &x[i]) < 0)
			return false;
	*out = x;
	*count = n;
	return true;
}

/* Findings. */

char *
shapes_type_str(const struct ir_type *t, char *buf, size_t size)
{
	const char *en = ir_elem_name(t->elem);
	size_t o;
	int i;

	if (size == 0)
		return buf;
	if (t->kind != IR_TYPE_TENSOR) {
		snprintf(buf, size, "%s", t->kind == IR_TYPE_NONE ? "?" :
		    "non-tensor");
		return buf;
	}
	if (t->elem == 0)
		snprintf(buf, size, "?");
	else if (en != NULL)
		snprintf(buf, size, "%s", en);
	else
		snprintf(buf, size, "elem(%" PRId32 ")", t->elem);
	o = strlen(buf);
	if (t->rank < 0) {
		snprintf(buf + o, size - o, "[...]");
		return buf;
	}
	if (o + 1 < size)
		buf[o++] = '[';
	for (i = 0; i < t->rank && o + 1 < size; i++) {
		char esc[DIAG_ESCAPE_SIZE];
		const struct ir_dim *d = &t->dims[i];

		if (i > 0)
			buf[o++] = ',';
		if (d->kind == IR_DIM_VALUE)
			snprintf(buf + o, size - o, "%" PRId64, d->value);
		else if (d->kind == IR_DIM_PARAM)
			snprintf(buf + o, size - o, "%s",
			    diag_escape_str(esc, sizeof(esc), d->param));
		else
			snprintf(buf + o, size - o, "?");
		o += strlen(buf + o);
	}
	if (o + 1 < size)
		buf[o++] = ']';
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

static void
report_at(struct sh *s, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *fmt, va_list ap)
{
	char buf[1024];

	if (s->fn == NULL)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	s->fn(s->arg, what, g, n, buf);
}

static void
report(struct sh *s, enum shapes_issue what, const struct ir_node *n,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
report(struct sh *s, enum shapes_issue what, const struct ir_node *n,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_at(s, what, n->graph, n, fmt, ap);
	va_end(ap);
}

static void
report_decl(struct sh *s, enum shapes_issue what, const struct ir_value *v,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A declaration finding: at V's producer, or at its graph when V is an
 * initializer. */
static void
report_decl(struct sh *s, enum shapes_issue what, const struct ir_value *v,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_at(s, what, v->graph, v->producer, fmt, ap);
	va_end(ap);
}

static const char *
esc_name(char *buf, const struct ir_value *v)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, v ? v->name : "");
}

/* Broadcasting. */

/*
 * Multidirectional (numpy) broadcast of A into O (O may be A): a 1
 * stretches, equal dims match, equal params match.  Returns 1 when the
 * shapes are proven incompatible (then *BAD is the output axis).
 */
static int
bcast_dim(const struct ir_dim *a, const struct ir_dim *b, struct ir_dim *o)
{
	if (isval(a, 1)) {
		*o = *b;
		return 0;
	}
	if (isval(b, 1)) {
		*o = *a;
		return 0;
	}
	if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE) {
		if (a->value != b->value)
			return 1;
		*o = *a;
		return 0;
	}
	if (a->kind == IR_DIM_VALUE) {
		*o = *a;
		return 0;
	}
	if (b->kind == IR_DIM_VALUE) {
		*o = *b;
		return 0;
	}
	if (dim_same(a, b)) {
		*o = *a;
		return 0;
	}
	*o = dunknown();
	return 0;
}

/*
 * Broadcast the tensor inputs FIRST..LAST of N into O (elem ELEM).
 * Returns 0, or -1 out of memory.  A proven mismatch is reported and
 * leaves O unranked.
 */
static int
bcast_inputs(struct sh *s, struct ir_node *n, size_t first, size_t last,
    int32_t elem, struct ir_type *o)
{
	int rank = 0, i;
	size_t k;

	for (k = first; k <= last && k < n->ninputs; k++) {
		int r = in_rank(n, k);

		if (r < 0)
			return mk(s, o, elem, -1);
		if (r > rank)
			rank = r;
	}
	if (mk(s, o, elem, rank) < 0)
		return -1;
	if (o->rank < 0)
		return 0;
	for (i = 0; i < rank; i++)
		o->dims[i] = dval(1);
	for (k = first; k <= last && k < n->ninputs; k++) {
		const struct ir_type *t = in_t(n, k);
		int off = rank - t->rank;

		for (i = 0; i < t->rank; i++) {
			struct ir_dim prev = o->dims[off + i];

			if (bcast_dim(&prev, &t->dims[i], &o->dims[off + i])) {
				char e1[DIAG_ESCAPE_SIZE];

				report(s, SHAPES_BROADCAST, n,
				    "input %zu '%s' dim %d is %" PRId64
				    ", other inputs give %" PRId64, k,
				    esc_name(e1, n->inputs[k]), i,
				    t->dims[i].value, prev.value);
				return mk(s, o, elem, -1);
			}
		}
	}
	return 0;
}

/* The product of dims FROM..TO-1 of T as a dim (value, a single param or
 * unknown). */
static struct ir_dim
dim_prod(const struct ir_type *t, int from, int to)
{
	const struct ir_dim *param = NULL;
	int64_t p = 1;
	int i;

	for (i = from; i < to; i++) {
		const struct ir_dim *d = &t->dims[i];

		if (d->kind == IR_DIM_VALUE) {
			if (d->value < 0 || (d->value != 0 &&
			    p > INT64_MAX / d->value))
				return dunknown();
			p *= d->value;
		} else if (d->kind == IR_DIM_PARAM && param == NULL) {
			param = d;
		} else {
			return dunknown();
		}
	}
	if (param != NULL)
		return p == 1 ? *param : dunknown();
	return dval(p);
}

/* Operators. */

static int
op_same(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	size_t i;

	(void)s;
	same_as(&out[0], n, 0);
	for (i = 1; i < n->noutputs; i++)
		out[i].kind = IR_TYPE_NONE;
	return 0;
}

static int
op_identity(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_value *v = in_v(n, 0);

	if (v != NULL && v->type.kind != IR_TYPE_NONE) {
		out[0] = v->type;
		out[0].orig = NULL;
		out[0].dirty = false;
	}
	return cput(s, n->outputs[0], (struct sconst *)cget(s, v));
}

static int
op_bool_unary(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shape_of(s, &out[0], n, 0, IR_ELEM_BOOL);
}

static int
op_dropout(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	same_as(&out[0], n, 0);
	/* the mask is of the input's type before opset 10 */
	if (n->noutputs > 1 && n->outputs[1] != NULL &&
	    ir_node_opset(n) >= 10)
		return shape_of(s, &out[1], n, 0, IR_ELEM_BOOL);
	if (n->noutputs > 1 && n->outputs[1] != NULL &&
	    ir_node_opset(n) >= 7)
		same_as(&out[1], n, 0);
	return 0;
}

static int
op_cast(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "to");
	const struct sconst *c;
	struct sconst *r;
	int32_t to;
	size_t i;

	if (a == NULL)
		return 0;
	if (a->type == IR_ATTR_INT)
		to = (int32_t)a->i;
	else
		return 0;	/* opset 1 string form */
	if (shape_of(s, &out[0], n, 0, to) < 0)
		return -1;
	c = cget(s, in_v(n, 0));
	if (c == NULL || (to != IR_ELEM_INT64 && to != IR_ELEM_INT32))
		return 0;
	for (i = 0; i < c->n; i++)
		if (c->e[i].kind == IR_DIM_VALUE &&
		    !fits(to, c->e[i].value))
			break;
	if (i == c->n)
		return cput(s, n->outputs[0], (struct sconst *)c);
	/* a value that int32 cannot hold wraps in a runtime: unknown */
	if ((r = const_new(s, c->rank, c->n)) == NULL)
		return -1;
	for (i = 0; i < c->n; i++)
		if (c->e[i].kind != IR_DIM_VALUE || fits(to, c->e[i].value))
			r->e[i] = c->e[i];
	return cput(s, n->outputs[0], r);
}

static int
op_castlike(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shape_of(s, &out[0], n, 0, in_elem(n, 1));
}

/* Arithmetic on constants, elementwise with scalar broadcast. */
static int
const_arith(struct sh *s, struct ir_node *n)
{
	const struct sconst *a = cget(s, in_v(n, 0));
	const struct sconst *b = cget(s, in_v(n, 1));
	const char *op = n->op_type;
	int32_t elem = in_elem(n, 0);
	struct sconst *c;
	size_t len, i;

	if (a == NULL || b == NULL || n->ninputs != 2)
		return 0;
	if (a->n != b->n && a->n != 1 && b->n != 1)
		return 0;
	len = a->n > b->n ? a->n : b->n;
	if (a->n == 0 || b->n == 0)
		return 0;
	if ((c = const_new(s, a->rank > b->rank ? a->rank : b->rank,
	    len)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		const struct ir_dim *x = &a->e[a->n == 1 ? 0 : i];
		const struct ir_dim *y = &b->e[b->n == 1 ? 0 : i];
		int64_t r;

		if (x->kind != IR_DIM_VALUE || y->kind != IR_DIM_VALUE) {
			/* d * 1, d + 0 keep a symbolic dim */
			if ((strcmp(op, "Mul") == 0 || strcmp(op, "Div") == 0)
			    && isval(y, 1))
				c->e[i] = *x;
			else if (strcmp(op, "Mul") == 0 && isval(x, 1))
				c->e[i] = *y;
			else if ((strcmp(op, "Add") == 0 ||
			    strcmp(op, "Sub") == 0) && isval(y, 0))
				c->e[i] = *x;
			else if (strcmp(op, "Add") == 0 && isval(x, 0))
				c->e[i] = *y;
			/* a symbolic element is a size: never negative */
			else if (strcmp(op, "Equal") == 0 &&
			    ((x->kind == IR_DIM_VALUE && x->value < 0) ||
			    (y->kind == IR_DIM_VALUE && y->value < 0)))
				c->e[i] = dval(0);
			else if (strcmp(op, "Equal") == 0 && dim_same(x, y))
				c->e[i] = dval(1);
			continue;
		}
		if (strcmp(op, "Add") == 0) {
			if (__builtin_add_overflow(x->value, y->value, &r))
				continue;
		} else if (strcmp(op, "Sub") == 0) {
			if (__builtin_sub_overflow(x->value, y->value, &r))
				continue;
		} else if (strcmp(op, "Mul") == 0) {
			if (__builtin_mul_overflow(x->value, y->value, &r))
				continue;
		} else if (strcmp(op, "Div") == 0) {
			/* integer Div truncates toward zero in ONNX
			 * runtimes; only exact quotients are kept */
			if (y->value == 0 || (y->value == -1 &&
			    x->value == INT64_MIN) || x->value % y->value != 0)
				continue;
			r = x->value / y->value;
		} else if (strcmp(op, "Equal") == 0) {
			r = x->value == y->value;
		} else {
			continue;
		}
		/* an int32 result that does not fit wraps (or is undefined)
		 * in a runtime: not the value computed here */
		if (!fits(elem, r))
			continue;
		c->e[i] = dval(r);
	}
	return cput(s, n->outputs[0], c);
}

static int
op_binary(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int32_t elem = in_elem(n, 0);

	if (n->ninputs < 1)
		return 0;
	/* opset < 7 broadcast needs an attribute: only equal ranks */
	if (ir_node_opset(n) < 7 && n->ninputs == 2 &&
	    attr_i(n, "broadcast", 0) != 0)
		return shape_of(s, &out[0], n, 0, elem);
	if (bcast_inputs(s, n, 0, n->ninputs - 1, elem, &out[0]) < 0)
		return -1;
	if (in_elem(n, 0) == IR_ELEM_INT64 || in_elem(n, 0) == IR_ELEM_INT32)
		return const_arith(s, n);
	return 0;
}

static int
op_compare(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (n->ninputs < 1)
		return 0;
	if (ir_node_opset(n) < 7 && attr_i(n, "broadcast", 0) != 0)
		return shape_of(s, &out[0], n, 0, IR_ELEM_BOOL);
	if (bcast_inputs(s, n, 0, n->ninputs - 1, IR_ELEM_BOOL, &out[0]) < 0)
		return -1;
	if (strcmp(n->op_type, "Equal") == 0)
		return const_arith(s, n);
	return 0;
}

static int
op_variadic(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (n->ninputs < 1)
		return 0;
	if (ir_node_opset(n) < 8 && n->ninputs > 1)
		return shape_of(s, &out[0], n, 0, in_elem(n, 0));
	return bcast_inputs(s, n, 0, n->ninputs - 1, in_elem(n, 0), &out[0]);
}

static int
op_where(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct sconst *c, *x, *y;
	struct sconst *r;
	size_t len, i;

	if (n->ninputs != 3)
		return 0;
	if (bcast_inputs(s, n, 0, 2, in_elem(n, 1), &out[0]) < 0)
		return -1;
	c = cget(s, in_v(n, 0));
	x = cget(s, in_v(n, 1));
	y = cget(s, in_v(n, 2));
	if (c == NULL || x == NULL || y == NULL)
		return 0;
	len = c->n;
	if ((x->n != len && x->n != 1) || (y->n != len && y->n != 1) ||
	    len == 0)
		return 0;
	if ((r = const_new(s, 1, len)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (c->e[i].kind != IR_DIM_VALUE)
			continue;
		r->e[i] = c->e[i].value ? x->e[x->n == 1 ? 0 : i] :
		    y->e[y->n == 1 ? 0 : i];
	}
	return cput(s, n->outputs[0], r);
}

static int
op_prelu(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	/* the slope broadcasts to X (unidirectionally from opset 7) */
	(void)s;
	same_as(&out[0], n, 0);
	return 0;
}

/* Spatial output size of a convolution or pooling window. */
static struct ir_dim
window(const struct ir_dim *in, int64_t k, int64_t stride, int64_t dil,
    int64_t pb, int64_t pe, int auto_pad, bool ceil_mode)
{
	int64_t dk, total, q;

	/* stride 1 with padding that makes up for the window keeps even a
	 * symbolic size */
	if (in->kind == IR_DIM_PARAM && stride == 1 && dil >= 1 && k >= 1 &&
	    !big(k) && !big(dil) && !big(pb) && !big(pe)) {
		dk = (k - 1) * dil + 1;
		if (auto_pad == 1 || (auto_pad == 0 && pb + pe == dk - 1) ||
		    (auto_pad == 2 && dk == 1))
			return *in;
		return dunknown();
	}
	if (in->kind != IR_DIM_VALUE || stride < 1 || dil < 1 || k < 1 ||
	    big(in->value) || big(k) || big(stride) || big(dil) || big(pb) ||
	    big(pe) || big(dk = (k - 1) * dil + 1))
		return dunknown();
	if (auto_pad == 1)	/* SAME_UPPER/SAME_LOWER */
		return dval((in->value + stride - 1) / stride);
	if (auto_pad == 2) {	/* VALID */
		if (in->value < dk)
			return dunknown();
		return dval((in->value - dk) / stride + 1);
	}
	total = in->value + pb + pe - dk;
	if (total < 0)
		return dunknown();
	q = total / stride;
	if (ceil_mode && total % stride != 0) {
		/* runtimes differ when the last window starts in the end
		 * padding */
		if ((q + 1) * stride >= in->value + pb)
			return dunknown();
		q++;
	}
	return dval(q + 1);
}

static int
auto_pad_kind(const struct ir_node *n)
{
	if (attr_is(n, "auto_pad", "SAME_UPPER", false) ||
	    attr_is(n, "auto_pad", "SAME_LOWER", false))
		return 1;
	if (attr_is(n, "auto_pad", "VALID", false))
		return 2;
	if (!attr_is(n, "auto_pad", "NOTSET", true))
		return -1;
	return 0;
}

/* Common part of Conv and the pools: spatial dims of OUT from X. */
static int
spatial(struct ir_node *n, const struct ir_type *x, const int64_t *kernel,
    int nk, bool has_dil, bool ceil_mode, struct ir_type *o)
{
	size_t npads, nstrides, ndil;
	const int64_t *pads = attr_ints(n, "pads", &npads);
	const int64_t *strides = attr_ints(n, "strides", &nstrides);
	const int64_t *dil = has_dil ? attr_ints(n, "dilations", &ndil) : NULL;
	int ap = auto_pad_kind(n), i;

	if (!has_dil)
		ndil = 0;
	if (ap < 0 || x->rank != nk + 2 ||
	    (pads != NULL && npads != 2 * (size_t)nk) ||
	    (strides != NULL && nstrides != (size_t)nk) ||
	    (dil != NULL && ndil != (size_t)nk))
		return 0;
	for (i = 0; i < nk; i++)
		o->dims[2 + i] = window(&x->dims[2 + i], kernel[i],
		    strides ? strides[i] : 1, dil ? dil[i] : 1,
		    pads ? pads[i] : 0, pads ? pads[i + nk] : 0, ap,
		    ceil_mode);
	return 0;
}

/* Conv-like: X and W are inputs XI and XI + WD (QLinearConv spreads
 * them out), the result is of ELEM. */
static int
conv_core(struct sh *s, struct ir_node *n, size_t xi, size_t wi,
    int32_t elem, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, xi), *w = in_t(n, wi);
	size_t nks;
	const int64_t *ks = attr_ints(n, "kernel_shape", &nks);
	int64_t *k;
	int rank, i;

	rank = x != NULL && x->rank >= 0 ? x->rank :
	    (w != NULL ? w->rank : -1);
	if (mk(s, &out[0], elem, rank) < 0)
		return -1;
	if (rank < 3)
		return 0;
	if (x != NULL && x->rank >= 0)
		out[0].dims[0] = x->dims[0];
	if (w != NULL && w->rank == rank)
		out[0].dims[1] = w->dims[0];
	if (x == NULL || x->rank < 0)
		return 0;
	if ((k = arena_array(&s->tmp, (size_t)rank, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; i < rank - 2; i++) {
		if (ks != NULL && nks == (size_t)rank - 2)
			k[i] = ks[i];
		else if (ks == NULL && w != NULL && w->rank == rank &&
		    w->dims[2 + i].kind == IR_DIM_VALUE)
			k[i] = w->dims[2 + i].value;
		else
			return 0;
	}
	return spatial(n, x, k, rank - 2, true, false, &out[0]);
}

static int
op_conv(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (strcmp(n->op_type, "QLinearConv") == 0)
		return conv_core(s, n, 0, 3, in_v(n, 7) ? in_elem(n, 7) :
		    in_elem(n, 0), out);
	if (strcmp(n->op_type, "ConvInteger") == 0)
		return conv_core(s, n, 0, 1, IR_ELEM_INT32, out);
	return conv_core(s, n, 0, 1, in_elem(n, 0), out);
}

static int
op_conv_transpose(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *w = in_t(n, 1);
	size_t nks, npads, nstr, ndil, nop, nos;
	const int64_t *ks = attr_ints(n, "kernel_shape", &nks);
	const int64_t *pads = attr_ints(n, "pads", &npads);
	const int64_t *str = attr_ints(n, "strides", &nstr);
	const int64_t *dil = attr_ints(n, "dilations", &ndil);
	const int64_t *op = attr_ints(n, "output_padding", &nop);
	const int64_t *os = attr_ints(n, "output_shape", &nos);
	int64_t group = attr_i(n, "group", 1);
	int rank, nk, ap = auto_pad_kind(n), i;

	rank = x != NULL && x->rank >= 0 ? x->rank :
	    (w != NULL ? w->rank : -1);
	if (mk(s, &out[0], in_elem(n, 0), rank) < 0)
		return -1;
	if (rank < 3)
		return 0;
	nk = rank - 2;
	if (x != NULL && x->rank >= 0)
		out[0].dims[0] = x->dims[0];
	if (w != NULL && w->rank == rank &&
	    w->dims[1].kind == IR_DIM_VALUE && group >= 1 && !big(group) &&
	    !big(w->dims[1].value))
		out[0].dims[1] = dval(w->dims[1].value * group);
	if (os != NULL) {
		/* output_shape holds the spatial dims (or all of them) */
		if (nos == (size_t)nk)
			for (i = 0; i < nk; i++)
				out[0].dims[2 + i] = dval(os[i]);
		else if (nos == (size_t)rank)
			for (i = 0; i < nk; i++)
				out[0].dims[2 + i] = dval(os[2 + i]);
		return 0;
	}
	if (x == NULL || x->rank < 0 || ap < 0 ||
	    (pads && npads != 2 * (size_t)nk) || (str && nstr != (size_t)nk) ||
	    (dil && ndil != (size_t)nk) || (op && nop != (size_t)nk))
		return 0;
	for (i = 0; i < nk; i++) {
		const struct ir_dim *d = &x->dims[2 + i];
		int64_t k, st = str ? str[i] : 1, dl = dil ? dil[i] : 1, v;

		if (ks != NULL && nks == (size_t)nk)
			k = ks[i];
		else if (ks == NULL && w != NULL && w->rank == rank &&
		    w->dims[2 + i].kind == IR_DIM_VALUE)
			k = w->dims[2 + i].value;
		else
			continue;
		if (d->kind == IR_DIM_PARAM && st == 1 && !big(k) &&
		    !big(dl) && dl >= 1 && (!op || !big(op[i])) && (!pads ||
		    (!big(pads[i]) && !big(pads[i + nk]))) && (ap == 1 ||
		    (op ? op[i] : 0) + (k - 1) * dl == (ap == 0 && pads ?
		    pads[i] + pads[i + nk] : 0))) {
			out[0].dims[2 + i] = *d;
			continue;
		}
		if (d->kind != IR_DIM_VALUE || big(d->value) || big(k) ||
		    big(st) || big(dl) || (op && big(op[i])) ||
		    big((k - 1) * dl) || (pads && (big(pads[i]) ||
		    big(pads[i + nk]))))
			continue;
		if (ap == 1) {
			v = d->value * st;
		} else {
			v = st * (d->value - 1) + (op ? op[i] : 0) +
			    (k - 1) * dl + 1;
			if (ap == 0 && pads)
				v -= pads[i] + pads[i + nk];
		}
		if (v >= 0)
			out[0].dims[2 + i] = dval(v);
	}
	return 0;
}

static int
op_pool(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	size_t nks;
	const int64_t *ks = attr_ints(n, "kernel_shape", &nks);
	bool ceil_mode = attr_i(n, "ceil_mode", 0) != 0;
	bool maxpool = strcmp(n->op_type, "MaxPool") == 0;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 3)
		return 0;
	out[0].dims[0] = x->dims[0];
	out[0].dims[1] = x->dims[1];
	if (ks != NULL && nks == (size_t)x->rank - 2 &&
	    spatial(n, x, ks, x->rank - 2, true, ceil_mode, &out[0]) < 0)
		return -1;
	if (maxpool && n->noutputs > 1) {
		out[1] = out[0];
		out[1].elem = IR_ELEM_INT64;
	}
	return 0;
}

static int
op_global_pool(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int i;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	for (i = 0; i < x->rank; i++)
		out[0].dims[i] = i < 2 ? x->dims[i] : dval(1);
	return 0;
}

static int
op_batchnorm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	size_t i;

	same_as(&out[0], n, 0);
	if (ir_node_opset(n) >= 14) {
		for (i = 1; i < n->noutputs && i < 3; i++)
			same_as(&out[i], n, i + 2);
		return 0;
	}
	for (i = 1; i < n->noutputs && i < 5; i++) {
		const struct ir_type *m = in_t(n, 3);

		if (m == NULL || m->rank != 1)
			continue;
		same_as(&out[i], n, 3);
		out[i].elem = in_elem(n, 0);
	}
	(void)s;
	return 0;
}

static int
op_layernorm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int axis, i;
	size_t k;

	same_as(&out[0], n, 0);
	if (x == NULL || x->rank < 0 ||
	    (axis = norm_axis(attr_i(n, "axis", -1), x->rank)) < 0)
		return 0;
	/* Mean and InvStdDev are of stash_type (float by default) */
	for (k = 1; k < n->noutputs && k < 3; k++) {
		if (mk(s, &out[k], (int32_t)attr_i(n, "stash_type",
		    IR_ELEM_FLOAT), x->rank) < 0)
			return -1;
		for (i = 0; i < x->rank; i++)
			out[k].dims[i] = i < axis ? x->dims[i] : dval(1);
	}
	return 0;
}

static int
op_transpose(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	size_t np;
	const int64_t *perm = attr_ints(n, "perm", &np);
	bool seen[SH_MAX_RANK];
	int i;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (perm == NULL) {
		for (i = 0; i < x->rank; i++)
			out[0].dims[i] = x->dims[x->rank - 1 - i];
		return 0;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < x->rank && (size_t)i < np; i++)
		if (perm[i] >= 0 && perm[i] < x->rank)
			seen[perm[i]] = true;
	for (i = 0; i < x->rank; i++)
		if (!seen[i])
			break;
	if (np != (size_t)x->rank || i < x->rank) {
		report(s, SHAPES_PERM, n, "perm has %zu entries for rank %d"
		    "%s", np, x->rank, np == (size_t)x->rank ?
		    " but is not a permutation" : "");
		return mk(s, &out[0], x->elem, -1);
	}
	for (i = 0; i < x->rank; i++)
		out[0].dims[i] = x->dims[perm[i]];
	return 0;
}

/*
 * Reshape target dims from the constant C (elements may be symbolic):
 * 0 copies (unless ALLOWZERO), -1 takes what is left.
 */
static int
reshape_dims(struct sh *s, struct ir_node *n, const struct ir_type *x,
    const struct ir_dim *e, size_t ne, bool allowzero, struct ir_type *o)
{
	const char *pin[SH_MAX_RANK], *pout[SH_MAX_RANK];
	int npin = 0, npout = 0, neg = -1, i, j;
	int64_t vin = 1, vout = 1;
	bool unknown = false, zero_in = false;

	if (mk(s, o, x ? x->elem : in_elem(n, 0), rank_n(ne)) < 0)
		return -1;
	if (o->rank < 0)
		return 0;
	for (i = 0; i < (int)ne; i++) {
		const struct ir_dim *d = &e[i];

		if (d->kind == IR_DIM_VALUE && d->value == 0 && !allowzero) {
			if (x != NULL && x->rank > i)
				o->dims[i] = x->dims[i];
		} else if (d->kind == IR_DIM_VALUE && d->value == -1) {
			if (neg >= 0)
				return 0;	/* malformed */
			neg = i;
		} else if (d->kind == IR_DIM_VALUE && d->value < -1) {
			return mk(s, o, o->elem, o->rank);
		} else {
			o->dims[i] = *d;
		}
	}
	if (x == NULL || x->rank < 0 || x->rank > SH_MAX_RANK)
		return 0;
	/* Both sides as a value times a multiset of params. */
	for (i = 0; i < x->rank; i++) {
		const struct ir_dim *d = &x->dims[i];

		if (d->kind == IR_DIM_VALUE) {
			/* sizes are not negative: VIN and VOUT stay
			 * positive, so vin % vout below is defined */
			if (d->value < 0)
				return 0;
			if (d->value == 0)
				zero_in = true;
			else if (__builtin_mul_overflow(vin, d->value, &vin))
				return 0;
		} else if (d->kind == IR_DIM_PARAM) {
			pin[npin++] = d->param;
		} else {
			unknown = true;
		}
	}
	for (i = 0; i < (int)ne; i++) {
		const struct ir_dim *d = &o->dims[i];

		if (i == neg)
			continue;
		if (d->kind == IR_DIM_VALUE) {
			if (d->value <= 0)
				return 0;
			if (__builtin_mul_overflow(vout, d->value, &vout))
				return 0;
		} else if (d->kind == IR_DIM_PARAM) {
			pout[npout++] = d->param;
		} else {
			unknown = true;
		}
	}
	if (unknown || zero_in)
		return 0;
	/* cancel equal params */
	for (i = 0; i < npout; i++) {
		for (j = 0; j < npin; j++)
			if (pin[j] != NULL && strcmp(pin[j], pout[i]) == 0)
				break;
		if (j == npin)
			return 0;
		pin[j] = NULL;
	}
	for (j = 0; j < npin; j++)
		if (pin[j] != NULL)
			break;
	if (neg < 0) {
		if (j == npin && vin != vout) {
			char t[256];

			report(s, SHAPES_RESHAPE, n, "input %s has %" PRId64
			    " elements, shape asks for %" PRId64,
			    shapes_type_str(x, t, sizeof(t)), vin, vout);
			return mk(s, o, o->elem, -1);
		}
		return 0;
	}
	if (j == npin) {
		if (vin % vout != 0) {
			char t[256];

			report(s, SHAPES_RESHAPE, n, "input %s has %" PRId64
			    " elements, not a multiple of %" PRId64,
			    shapes_type_str(x, t, sizeof(t)), vin, vout);
			return mk(s, o, o->elem, -1);
		}
		o->dims[neg] = dval(vin / vout);
		return 0;
	}
	/* exactly one param left and nothing else: -1 is that param */
	for (i = j + 1; i < npin; i++)
		if (pin[i] != NULL)
			return 0;
	if (vin == vout) {
		o->dims[neg].kind = IR_DIM_PARAM;
		o->dims[neg].param = pin[j];
	}
	return 0;
}

static int
op_reshape(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *st;
	const struct sconst *c;
	bool allowzero = attr_i(n, "allowzero", 0) != 0;

	if (ir_node_opset(n) < 5) {
		size_t ns, i;
		const int64_t *shape = attr_ints(n, "shape", &ns);
		struct ir_dim *e;

		if (shape == NULL)
			return 0;
		if ((e = arena_array(&s->tmp, ns + 1, sizeof(*e))) == NULL)
			return -1;
		for (i = 0; i < ns; i++)
			e[i] = dval(shape[i]);
		return reshape_dims(s, n, x, e, ns, false, &out[0]);
	}
	c = cget(s, in_v(n, 1));
	if (c != NULL && c->rank == 1)
		return reshape_dims(s, n, x, c->e, c->n, allowzero, &out[0]);
	st = in_t(n, 1);
	if (st != NULL && st->rank == 1 && st->dims[0].kind == IR_DIM_VALUE)
		return mk(s, &out[0], x ? x->elem : 0,
		    rank_v(st->dims[0].value));
	return mk(s, &out[0], x ? x->elem : 0, -1);
}

static int
op_flatten(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t axis = attr_i(n, "axis", 1);

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, 2) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return 0;
	out[0].dims[0] = dim_prod(x, 0, (int)axis);
	out[0].dims[1] = dim_prod(x, (int)axis, x->rank);
	return 0;
}

static int
const_concat(struct sh *s, struct ir_node *n)
{
	size_t total = 0, i, j, k = 0;
	struct sconst *c;

	for (i = 0; i < n->ninputs; i++) {
		const struct sconst *a = cget(s, in_v(n, i));

		if (a == NULL || a->rank != 1)
			return 0;
		total += a->n;
	}
	if (total > SH_MAX_CONST || (c = const_new(s, 1, total)) == NULL)
		return total > SH_MAX_CONST ? 0 : -1;
	for (i = 0; i < n->ninputs; i++) {
		const struct sconst *a = cget(s, in_v(n, i));

		for (j = 0; j < a->n; j++)
			c->e[k++] = a->e[j];
	}
	return cput(s, n->outputs[0], c);
}

static int
op_concat(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *aa = ir_node_attr(n, "axis");
	int rank = -1, axis, i;
	int64_t sum = 0;
	bool sum_known = true;
	size_t k;

	for (k = 0; k < n->ninputs; k++) {
		const struct ir_type *t = in_t(n, k);

		if (t != NULL && t->rank >= 0) {
			rank = t->rank;
			break;
		}
	}
	if (mk(s, &out[0], in_elem(n, 0), rank) < 0)
		return -1;
	if (const_concat(s, n) < 0)
		return -1;
	if (rank < 0 || aa == NULL || aa->type != IR_ATTR_INT ||
	    (axis = norm_axis(aa->i, rank)) < 0)
		return 0;
	for (k = 0; k < n->ninputs; k++) {
		const struct ir_type *t = in_t(n, k);

		if (t == NULL || t->rank < 0) {
			sum_known = false;
			continue;
		}
		if (t->rank != rank)
			return mk(s, &out[0], out[0].elem, -1);
		for (i = 0; i < rank; i++) {
			const struct ir_dim *d = &t->dims[i];
			struct ir_dim *o = &out[0].dims[i];

			if (i == axis) {
				if (d->kind != IR_DIM_VALUE ||
				    __builtin_add_overflow(sum, d->value,
				    &sum))
					sum_known = false;
				continue;
			}
			if (o->kind == IR_DIM_VALUE &&
			    d->kind == IR_DIM_VALUE && o->value != d->value) {
				char e1[DIAG_ESCAPE_SIZE];

				report(s, SHAPES_CONCAT, n, "input %zu '%s' "
				    "dim %d is %" PRId64 ", an earlier input "
				    "has %" PRId64, k,
				    esc_name(e1, n->inputs[k]), i, d->value,
				    o->value);
				return mk(s, &out[0], out[0].elem, -1);
			}
			if (o->kind == IR_DIM_UNKNOWN ||
			    (o->kind == IR_DIM_PARAM &&
			    d->kind == IR_DIM_VALUE))
				*o = *d;
		}
	}
	if (sum_known)
		out[0].dims[axis] = dval(sum);
	return 0;
}

static int
op_split(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *split = NULL;
	size_t nsplit = 0, k;
	int axis;
	int64_t d;

	if (x == NULL)
		return 0;
	for (k = 0; k < n->noutputs; k++) {
		if (mk(s, &out[k], x->elem, x->rank) < 0)
			return -1;
		if (x->rank > 0)
			dcopy(out[k].dims, x->dims, x->rank);
	}
	if (x->rank < 0 ||
	    (axis = norm_axis(attr_i(n, "axis", 0), x->rank)) < 0)
		return 0;
	for (k = 0; k < n->noutputs; k++)
		out[k].dims[axis] = dunknown();
	if (ir_node_opset(n) < 13) {
		split = attr_ints(n, "split", &nsplit);
		if (split == NULL && n->ninputs > 1 &&
		    !cints(s, in_v(n, 1), &split, &nsplit))
			return 0;
	} else if (in_v(n, 1) != NULL &&
	    !cints(s, in_v(n, 1), &split, &nsplit)) {
		return 0;
	}
	if (split != NULL) {
		if (nsplit != n->noutputs)
			return 0;
		for (k = 0; k < n->noutputs; k++)
			out[k].dims[axis] = dval(split[k]);
		return 0;
	}
	if (x->dims[axis].kind != IR_DIM_VALUE || n->noutputs == 0 ||
	    big(x->dims[axis].value))
		return 0;
	d = x->dims[axis].value;
	if (ir_node_opset(n) >= 18 && ir_node_attr(n, "num_outputs")) {
		int64_t no = attr_i(n, "num_outputs", 0), each;

		if (no != (int64_t)n->noutputs || no < 1)
			return 0;
		each = (d + no - 1) / no;
		for (k = 0; k < n->noutputs; k++) {
			int64_t left = d - (int64_t)k * each;

			out[k].dims[axis] = dval(left < each ? left : each);
		}
		return 0;
	}
	if (d % (int64_t)n->noutputs != 0)
		return 0;
	for (k = 0; k < n->noutputs; k++)
		out[k].dims[axis] = dval(d / (int64_t)n->noutputs);
	return 0;
}

static int64_t
clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * Length of a slice of a dim of size D (STEP neither 0 nor INT64_MIN);
 * -1 when D is negative.  START and END may be anything: once D is added
 * to a negative one and both are clamped to [-1, D], no difference below
 * overflows.
 */
static int64_t
slice_len(int64_t d, int64_t start, int64_t end, int64_t step)
{
	if (d < 0)
		return -1;
	/* an empty dim: [0, D - 1] is no range to clamp a start to */
	if (d == 0)
		return 0;
	if (start < 0)
		start += d;
	if (end < 0)
		end += d;
	if (step > 0) {
		start = clamp64(start, 0, d);
		end = clamp64(end, 0, d);
		if (end <= start)
			return 0;
		return (end - start - 1) / step + 1;
	}
	start = clamp64(start, 0, d - 1);
	end = clamp64(end, -1, d - 1);
	if (start <= end)
		return 0;
	return (start - end - 1) / (-step) + 1;
}

static int
op_slice(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *st = NULL, *en = NULL, *ax = NULL, *sp = NULL;
	size_t nst = 0, nen = 0, nax = 0, nsp = 0, k;
	const struct sconst *cx;
	bool have;
	int i;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (ir_node_opset(n) < 10) {
		st = attr_ints(n, "starts", &nst);
		en = attr_ints(n, "ends", &nen);
		ax = attr_ints(n, "axes", &nax);
		have = st != NULL && en != NULL;
	} else {
		have = cints(s, in_v(n, 1), &st, &nst) &&
		    cints(s, in_v(n, 2), &en, &nen) &&
		    (in_v(n, 3) == NULL || cints(s, in_v(n, 3), &ax, &nax)) &&
		    (in_v(n, 4) == NULL || cints(s, in_v(n, 4), &sp, &nsp));
	}
	if (!have) {
		/* with known axes, the other dims pass through */
		if (ir_node_opset(n) >= 10 && in_v(n, 3) != NULL &&
		    cints(s, in_v(n, 3), &ax, &nax)) {
			dcopy(out[0].dims, x->dims, x->rank);
			for (k = 0; k < nax; k++) {
				int a = norm_axis(ax[k], x->rank);

				if (a < 0)
					return mk(s, &out[0], x->elem,
					    x->rank);
				out[0].dims[a] = dunknown();
			}
		}
		return 0;
	}
	if (nst != nen || (ax != NULL && nax != nst) ||
	    (sp != NULL && nsp != nst))
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	for (k = 0; k < nst; k++) {
		int a = norm_axis(ax ? ax[k] : (int64_t)k, x->rank);
		int64_t step = sp ? sp[k] : 1;
		const struct ir_dim *d;

		if (a < 0 || step == 0 || step == INT64_MIN)
			return mk(s, &out[0], x->elem, x->rank);
		d = &x->dims[a];
		if (d->kind == IR_DIM_VALUE && slice_len(d->value, st[k],
		    en[k], step) >= 0)
			out[0].dims[a] = dval(slice_len(d->value, st[k],
			    en[k], step));
		else if (!(st[k] == 0 && step == 1 && en[k] >= INT32_MAX))
			out[0].dims[a] = dunknown();
	}
	/*
	 * A slice of a constant vector.  Its length is the constant's own
	 * (the elements present), never the declared dim: when the two
	 * differ (an ir_version 3 input declared longer than its
	 * initializer), neither is to be believed.
	 */
	cx = cget(s, in_v(n, 0));
	if (cx != NULL && cx->rank == 1 && x->rank == 1 && nst == 1 &&
	    isval(&x->dims[0], (int64_t)cx->n)) {
		int64_t step = sp ? sp[0] : 1, start = st[0], len, d, j;
		struct sconst *c;

		d = (int64_t)cx->n;
		len = slice_len(d, start, en[0], step);
		if (len < 0 || !isval(&out[0].dims[0], len))
			return 0;
		if (start < 0)
			start += d;
		start = step > 0 ? clamp64(start, 0, d) :
		    clamp64(start, 0, d - 1);
		if ((c = const_new(s, 1, (size_t)len)) == NULL)
			return -1;
		for (i = 0; i < len; i++) {
			/* within [0, d) by the length's construction;
			 * checked all the same rather than trusted */
			j = start + i * step;
			if (j < 0 || j >= d)
				return 0;
			c->e[i] = cx->e[j];
		}
		return cput(s, n->outputs[0], c);
	}
	return 0;
}

/* Axes of Squeeze/Unsqueeze/Reduce*: attribute or input by opset. */
static bool
axes_of(struct sh *s, struct ir_node *n, int input_from, size_t input,
    const int64_t **axes, size_t *na, bool *given)
{
	*axes = NULL;
	*na = 0;
	if (ir_node_opset(n) < input_from) {
		*axes = attr_ints(n, "axes", na);
		*given = *axes != NULL;
		return true;
	}
	if (in_v(n, input) == NULL) {
		*given = false;
		return true;
	}
	*given = true;
	return cints(s, in_v(n, input), axes, na);
}

static int
op_squeeze(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *axes;
	size_t na, k;
	bool given, drop[SH_MAX_RANK];
	int i, r = 0;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || !axes_of(s, n, 13, 1, &axes, &na, &given))
		return 0;
	memset(drop, 0, sizeof(drop));
	if (!given) {
		for (i = 0; i < x->rank; i++) {
			if (x->dims[i].kind != IR_DIM_VALUE)
				return 0;
			drop[i] = x->dims[i].value == 1;
		}
	}
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);

		if (a < 0)
			return 0;
		drop[a] = true;
	}
	for (i = 0; i < x->rank; i++)
		r += !drop[i];
	if (mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0, r = 0; i < x->rank; i++)
		if (!drop[i])
			out[0].dims[r++] = x->dims[i];
	/* a scalar from a one-element constant */
	if (r == 0) {
		const struct sconst *c = cget(s, in_v(n, 0));

		if (c != NULL && c->n == 1) {
			struct sconst *d = const_new(s, 0, 1);

			if (d == NULL)
				return -1;
			d->e[0] = c->e[0];
			return cput(s, n->outputs[0], d);
		}
	}
	return 0;
}

static int
op_unsqueeze(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *axes;
	size_t na, k;
	bool given, ins[SH_MAX_RANK];
	int i, j, r;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || !axes_of(s, n, 13, 1, &axes, &na, &given) ||
	    !given)
		return 0;
	if (na > SH_MAX_RANK || (r = x->rank + (int)na) > SH_MAX_RANK)
		return 0;
	memset(ins, 0, sizeof(ins));
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], r);

		if (a < 0 || ins[a])
			return 0;
		ins[a] = true;
	}
	if (mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0, j = 0; i < r; i++)
		out[0].dims[i] = ins[i] ? dval(1) : x->dims[j++];
	if (r == 1) {
		const struct sconst *c = cget(s, in_v(n, 0));

		if (c != NULL && c->n == 1) {
			struct sconst *d = const_new(s, 1, 1);

			if (d == NULL)
				return -1;
			d->e[0] = c->e[0];
			return cput(s, n->outputs[0], d);
		}
	}
	return 0;
}

static int
op_reduce(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int from = strcmp(n->op_type, "ReduceSum") == 0 ? 13 : 18;
	bool keep = attr_i(n, "keepdims", 1) != 0, given, red[SH_MAX_RANK];
	const int64_t *axes;
	size_t na, k;
	int i, r = 0;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || !axes_of(s, n, from, 1, &axes, &na, &given))
		return 0;
	if (given && na == 0 && ir_node_opset(n) >= from &&
	    attr_i(n, "noop_with_empty_axes", 0) != 0) {
		same_as(&out[0], n, 0);
		return 0;
	}
	if (!given && ir_node_opset(n) >= from &&
	    attr_i(n, "noop_with_empty_axes", 0) != 0) {
		same_as(&out[0], n, 0);
		return 0;
	}
	memset(red, 0, sizeof(red));
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);

		if (a < 0)
			return 0;
		red[a] = true;
	}
	if (na == 0)
		for (i = 0; i < x->rank; i++)
			red[i] = true;
	for (i = 0; i < x->rank; i++)
		r += keep || !red[i];
	if (mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0, r = 0; i < x->rank; i++) {
		if (!red[i])
			out[0].dims[r++] = x->dims[i];
		else if (keep)
			out[0].dims[r++] = dval(1);
	}
	return 0;
}

static int
op_argmax(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	bool keep = attr_i(n, "keepdims", 1) != 0;
	int axis, i, r = 0;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], IR_ELEM_INT64, -1) < 0)
		return -1;
	if (x->rank < 0 ||
	    (axis = norm_axis(attr_i(n, "axis", 0), x->rank)) < 0)
		return 0;
	if (mk(s, &out[0], IR_ELEM_INT64, keep ? x->rank : x->rank - 1) < 0)
		return -1;
	for (i = 0; i < x->rank; i++) {
		if (i != axis)
			out[0].dims[r++] = x->dims[i];
		else if (keep)
			out[0].dims[r++] = dval(1);
	}
	return 0;
}

static void
inner_mismatch(struct sh *s, struct ir_node *n, const struct ir_dim *a,
    const struct ir_dim *b)
{
	if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE &&
	    a->value != b->value)
		report(s, SHAPES_MATMUL, n, "inner dims %" PRId64 " and %"
		    PRId64, a->value, b->value);
}

static int
op_matmul(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	bool q = strcmp(n->op_type, "QLinearMatMul") == 0;
	const struct ir_type *a = in_t(n, 0), *b = in_t(n, q ? 3 : 1);
	int32_t elem = in_elem(n, 0);
	struct ir_dim one = dval(1), *ad, *bd;
	int ra, rb, r, i;

	if (strcmp(n->op_type, "MatMulInteger") == 0)
		elem = IR_ELEM_INT32;
	if (q && in_v(n, 7) != NULL)
		elem = in_elem(n, 7);
	if (a == NULL || b == NULL || a->rank < 1 || b->rank < 1)
		return mk(s, &out[0], elem, -1);
	/* 1-D operands: A gets a leading 1, B a trailing 1, both dropped */
	ra = a->rank < 2 ? 2 : a->rank;
	rb = b->rank < 2 ? 2 : b->rank;
	ad = arena_array(&s->tmp, (size_t)ra, sizeof(*ad));
	bd = arena_array(&s->tmp, (size_t)rb, sizeof(*bd));
	if (ad == NULL || bd == NULL)
		return -1;
	if (a->rank == 1) {
		ad[0] = one;
		ad[1] = a->dims[0];
	} else {
		dcopy(ad, a->dims, ra);
	}
	if (b->rank == 1) {
		bd[0] = b->dims[0];
		bd[1] = one;
	} else {
		dcopy(bd, b->dims, rb);
	}
	if (ad[ra - 1].kind == IR_DIM_VALUE && bd[rb - 2].kind ==
	    IR_DIM_VALUE && ad[ra - 1].value != bd[rb - 2].value) {
		inner_mismatch(s, n, &ad[ra - 1], &bd[rb - 2]);
		return mk(s, &out[0], elem, -1);
	}
	r = (ra > rb ? ra : rb);
	if (mk(s, &out[0], elem, r) < 0)
		return -1;
	for (i = 0; i < r - 2; i++) {
		int ia = i - (r - ra), ib = i - (r - rb);
		struct ir_dim x = ia >= 0 ? ad[ia] : one;
		struct ir_dim y = ib >= 0 ? bd[ib] : one;

		if (bcast_dim(&x, &y, &out[0].dims[i])) {
			report(s, SHAPES_BROADCAST, n, "batch dim %d is %"
			    PRId64 " and %" PRId64, i, x.value, y.value);
			return mk(s, &out[0], elem, -1);
		}
	}
	out[0].dims[r - 2] = ad[ra - 2];
	out[0].dims[r - 1] = bd[rb - 1];
	if (a->rank == 1 && b->rank == 1)
		return mk(s, &out[0], elem, 0);
	if (a->rank == 1 || b->rank == 1) {
		if (a->rank == 1)
			memmove(&out[0].dims[r - 2], &out[0].dims[r - 1],
			    sizeof(*ad));
		out[0].rank = r - 1;
	}
	return 0;
}

static int
op_gemm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *a = in_t(n, 0), *b = in_t(n, 1);
	bool ta = attr_i(n, "transA", 0) != 0, tb = attr_i(n, "transB", 0) != 0;

	if (mk(s, &out[0], in_elem(n, 0), 2) < 0)
		return -1;
	if (a != NULL && a->rank == 2)
		out[0].dims[0] = a->dims[ta ? 1 : 0];
	if (b != NULL && b->rank == 2)
		out[0].dims[1] = b->dims[tb ? 0 : 1];
	if (a != NULL && a->rank == 2 && b != NULL && b->rank == 2) {
		const struct ir_dim *k1 = &a->dims[ta ? 0 : 1];
		const struct ir_dim *k2 = &b->dims[tb ? 1 : 0];

		if (k1->kind == IR_DIM_VALUE && k2->kind == IR_DIM_VALUE &&
		    k1->value != k2->value) {
			inner_mismatch(s, n, k1, k2);
			return mk(s, &out[0], in_elem(n, 0), -1);
		}
	}
	return 0;
}

static int
op_gather(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *ix = in_t(n, 1);
	const struct sconst *cx, *ci;
	int axis, i, r;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 1 || ix == NULL || ix->rank < 0 ||
	    (axis = norm_axis(attr_i(n, "axis", 0), x->rank)) < 0)
		return 0;
	r = x->rank - 1 + ix->rank;
	if (mk(s, &out[0], x->elem, r) < 0)
		return -1;
	if (out[0].rank < 0)
		return 0;
	for (i = 0; i < axis; i++)
		out[0].dims[i] = x->dims[i];
	for (i = 0; i < ix->rank; i++)
		out[0].dims[axis + i] = ix->dims[i];
	for (i = axis + 1; i < x->rank; i++)
		out[0].dims[ix->rank + i - 1] = x->dims[i];
	/* picking from a constant vector */
	cx = cget(s, in_v(n, 0));
	ci = cget(s, in_v(n, 1));
	if (cx != NULL && ci != NULL && cx->rank == 1 && axis == 0) {
		struct sconst *c = const_new(s, ci->rank, ci->n);
		size_t k;

		if (c == NULL)
			return -1;
		for (k = 0; k < ci->n; k++) {
			int64_t j;

			if (ci->e[k].kind != IR_DIM_VALUE)
				continue;
			j = ci->e[k].value;
			if (j < 0)
				j += (int64_t)cx->n;
			if (j >= 0 && (size_t)j < cx->n)
				c->e[k] = cx->e[j];
		}
		return cput(s, n->outputs[0], c);
	}
	return 0;
}

static int
op_gather_elements(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shape_of(s, &out[0], n, 1, in_elem(n, 0));
}

static int
op_shape(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t start = attr_i(n, "start", 0), end;
	struct sconst *c;
	int64_t i;

	if (mk(s, &out[0], IR_ELEM_INT64, 1) < 0)
		return -1;
	if (x == NULL || x->rank < 0)
		return 0;
	end = attr_i(n, "end", x->rank);
	if (ir_node_opset(n) < 15) {
		start = 0;
		end = x->rank;
	}
	if (start < 0)
		start += x->rank;
	if (end < 0)
		end += x->rank;
	start = clamp64(start, 0, x->rank);
	end = clamp64(end, 0, x->rank);
	if (end < start)
		end = start;
	out[0].dims[0] = dval(end - start);
	if ((c = const_new(s, 1, (size_t)(end - start))) == NULL)
		return -1;
	for (i = start; i < end; i++)
		c->e[i - start] = x->dims[i];
	return cput(s, n->outputs[0], c);
}

static int
op_size(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	struct sconst *c;

	if (mk(s, &out[0], IR_ELEM_INT64, 0) < 0)
		return -1;
	if (x == NULL || x->rank < 0)
		return 0;
	if ((c = const_new(s, 0, 1)) == NULL)
		return -1;
	c->e[0] = dim_prod(x, 0, x->rank);
	return cput(s, n->outputs[0], c);
}

static int
op_constant(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a;
	size_t i;

	if (n->nattrs != 1)
		return 0;
	a = &n->attrs[0];
	if (strcmp(a->name, "value") == 0 && a->type == IR_ATTR_TENSOR &&
	    a->t != NULL) {
		if (mk(s, &out[0], a->t->elem, a->t->rank) < 0)
			return -1;
		/* a tensor of a rank above SH_MAX_RANK stays unranked */
		for (i = 0; out[0].rank >= 0 && i < (size_t)out[0].rank; i++)
			out[0].dims[i] = dval(a->t->dims[i]);
		return cput(s, n->outputs[0], const_of_tensor(s, a->t));
	}
	if (strcmp(a->name, "value_int") == 0 && a->type == IR_ATTR_INT) {
		struct sconst *c = const_new(s, 0, 1);

		if (c == NULL || mk(s, &out[0], IR_ELEM_INT64, 0) < 0)
			return -1;
		c->e[0] = dval(a->i);
		return cput(s, n->outputs[0], c);
	}
	if (strcmp(a->name, "value_ints") == 0 && a->type == IR_ATTR_INTS) {
		struct sconst *c;

		if (mk(s, &out[0], IR_ELEM_INT64, 1) < 0)
			return -1;
		out[0].dims[0] = dval((int64_t)a->n);
		if (a->n > SH_MAX_CONST)
			return 0;
		if ((c = const_new(s, 1, a->n)) == NULL)
			return -1;
		for (i = 0; i < a->n; i++)
			c->e[i] = dval(a->ints[i]);
		return cput(s, n->outputs[0], c);
	}
	if (strcmp(a->name, "value_float") == 0 && a->type == IR_ATTR_FLOAT)
		return mk(s, &out[0], IR_ELEM_FLOAT, 0);
	if (strcmp(a->name, "value_floats") == 0 &&
	    a->type == IR_ATTR_FLOATS) {
		if (mk(s, &out[0], IR_ELEM_FLOAT, 1) < 0)
			return -1;
		out[0].dims[0] = dval((int64_t)a->n);
		return 0;
	}
	if (strcmp(a->name, "value_string") == 0 &&
	    a->type == IR_ATTR_STRING)
		return mk(s, &out[0], IR_ELEM_STRING, 0);
	if (strcmp(a->name, "value_strings") == 0 &&
	    a->type == IR_ATTR_STRINGS) {
		if (mk(s, &out[0], IR_ELEM_STRING, 1) < 0)
			return -1;
		out[0].dims[0] = dval((int64_t)a->n);
	}
	return 0;
}

/* Output dims from a shape input given as a constant vector. */
static int
dims_from_const(struct sh *s, struct ir_node *n, size_t input,
    int32_t elem, struct ir_type *o)
{
	const struct sconst *c = cget(s, in_v(n, input));
	const struct ir_type *t = in_t(n, input);
	size_t i;

	if (c != NULL && c->rank == 1) {
		if (mk(s, o, elem, rank_n(c->n)) < 0)
			return -1;
		for (i = 0; i < c->n && o->rank >= 0; i++)
			if (c->e[i].kind != IR_DIM_VALUE ||
			    c->e[i].value >= 0)
				o->dims[i] = c->e[i];
		return 0;
	}
	if (t != NULL && t->rank == 1 && t->dims[0].kind == IR_DIM_VALUE)
		return mk(s, o, elem, rank_v(t->dims[0].value));
	return mk(s, o, elem, -1);
}

static int
op_constant_of_shape(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "value");
	int32_t elem = IR_ELEM_FLOAT;

	const struct sconst *shape = cget(s, in_v(n, 0));
	struct sconst *c;
	int64_t v = 0, len, i;

	if (a != NULL && a->type == IR_ATTR_TENSOR && a->t != NULL)
		elem = a->t->elem;
	if (dims_from_const(s, n, 0, elem, &out[0]) < 0)
		return -1;
	/* a small integer vector of one value */
	if (shape == NULL || shape->n != 1 ||
	    shape->e[0].kind != IR_DIM_VALUE ||
	    (elem != IR_ELEM_INT64 && elem != IR_ELEM_INT32))
		return 0;
	len = shape->e[0].value;
	if (len < 0 || len > SH_MAX_CONST ||
	    (a != NULL && (tensor_small(a->t) != 1 ||
	    tensor_int(a->t, 0, &v) < 0)))
		return 0;
	if ((c = const_new(s, 1, (size_t)len)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		c->e[i] = dval(v);
	return cput(s, n->outputs[0], c);
}

static int
op_expand(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	struct ir_type shape;
	int r, i;

	if (dims_from_const(s, n, 1, in_elem(n, 0), &shape) < 0)
		return -1;
	if (x == NULL || x->rank < 0 || shape.rank < 0)
		return mk(s, &out[0], in_elem(n, 0), -1);
	r = x->rank > shape.rank ? x->rank : shape.rank;
	if (mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0; i < r; i++) {
		int ix = i - (r - x->rank), is = i - (r - shape.rank);
		struct ir_dim a = ix >= 0 ? x->dims[ix] : dval(1);
		struct ir_dim b = is >= 0 ? shape.dims[is] : dval(1);

		if (bcast_dim(&a, &b, &out[0].dims[i])) {
			report(s, SHAPES_BROADCAST, n, "dim %d is %" PRId64
			    ", shape asks for %" PRId64, i, a.value,
			    b.value);
			return mk(s, &out[0], x->elem, -1);
		}
		/* an unknown target may still be 1 */
		if (b.kind == IR_DIM_UNKNOWN && !isval(&a, 1))
			out[0].dims[i] = a.kind == IR_DIM_VALUE ? a :
			    dunknown();
	}
	return 0;
}

static int
op_tile(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *rep;
	size_t nr;
	int i;

	if (x == NULL || ir_node_opset(n) < 6)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0 || !cints(s, in_v(n, 1), &rep, &nr) ||
	    nr != (size_t)x->rank)
		return 0;
	for (i = 0; i < x->rank; i++) {
		int64_t v;

		if (rep[i] == 1)
			out[0].dims[i] = x->dims[i];
		else if (x->dims[i].kind == IR_DIM_VALUE && rep[i] >= 0 &&
		    !__builtin_mul_overflow(x->dims[i].value, rep[i], &v))
			out[0].dims[i] = dval(v);
	}
	return 0;
}

static int
op_pad(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *pads, *axes = NULL;
	size_t np, na = 0, k;
	int i;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (ir_node_opset(n) < 11) {
		pads = attr_ints(n, "pads", &np);
		if (pads == NULL)
			pads = attr_ints(n, "paddings", &np);
		if (pads == NULL)
			return 0;
	} else if (!cints(s, in_v(n, 1), &pads, &np)) {
		return 0;
	}
	if (in_v(n, 3) != NULL && !cints(s, in_v(n, 3), &axes, &na))
		return 0;
	if (axes == NULL) {
		if (np != 2 * (size_t)x->rank)
			return 0;
		for (i = 0; i < x->rank; i++) {
			const struct ir_dim *d = &x->dims[i];

			if (pads[i] == 0 && pads[i + x->rank] == 0)
				out[0].dims[i] = *d;
			else if (d->kind == IR_DIM_VALUE && !big(d->value) &&
			    !big(pads[i]) && !big(pads[i + x->rank]))
				out[0].dims[i] = dval(d->value + pads[i] +
				    pads[i + x->rank]);
		}
		return 0;
	}
	if (np != 2 * na)
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);
		const struct ir_dim *d;

		if (a < 0)
			return mk(s, &out[0], x->elem, x->rank);
		d = &x->dims[a];
		if (pads[k] == 0 && pads[k + na] == 0)
			continue;
		out[0].dims[a] = d->kind == IR_DIM_VALUE && !big(d->value) &&
		    !big(pads[k]) && !big(pads[k + na]) ? dval(d->value +
		    pads[k] + pads[k + na]) : dunknown();
	}
	return 0;
}

static int
op_topk(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int axis;
	int64_t k;
	bool have;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0 ||
	    (axis = norm_axis(attr_i(n, "axis", -1), x->rank)) < 0)
		goto indices;
	dcopy(out[0].dims, x->dims, x->rank);
	if (ir_node_opset(n) < 10) {
		k = attr_i(n, "k", -1);
		have = k >= 0;
	} else {
		have = cint(s, in_v(n, 1), 0, &k);
	}
	out[0].dims[axis] = have ? dval(k) : dunknown();
indices:
	if (n->noutputs > 1) {
		out[1] = out[0];
		out[1].elem = IR_ELEM_INT64;
	}
	return 0;
}

static int
op_range(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int64_t a, b, d, len;

	if (mk(s, &out[0], in_elem(n, 0), 1) < 0)
		return -1;
	if (!cint(s, in_v(n, 0), 0, &a) || !cint(s, in_v(n, 1), 0, &b) ||
	    !cint(s, in_v(n, 2), 0, &d) || d == 0 || big(a) || big(b) ||
	    big(d))
		return 0;
	if (d > 0)
		len = b > a ? (b - a + d - 1) / d : 0;
	else
		len = a > b ? (a - b - d - 1) / -d : 0;
	out[0].dims[0] = dval(len);
	if (len <= SH_MAX_CONST) {
		struct sconst *c = const_new(s, 1, (size_t)len);
		int64_t i;

		if (c == NULL)
			return -1;
		for (i = 0; i < len; i++)
			c->e[i] = dval(a + i * d);
		return cput(s, n->outputs[0], c);
	}
	return 0;
}

static int
op_nonzero(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int r = in_rank(n, 0);

	const struct ir_value *v = n->outputs[0];
	char *p;

	if (mk(s, &out[0], IR_ELEM_INT64, 2) < 0)
		return -1;
	if (r >= 0)
		out[0].dims[0] = dval(r);
	/* the count is data-dependent but one size wherever the output goes:
	 * a symbol named after the output (in model memory, as the type
	 * keeps it) */
	if (v == NULL || (p = arena_printf(&s->m->arena, "NonZero(%s)",
	    v->name)) == NULL)
		return v == NULL ? 0 : -1;
	out[0].dims[1].kind = IR_DIM_PARAM;
	out[0].dims[1].param = p;
	return 0;
}

/*
 * floor(D * SCALE); unknown when float and double arithmetic round to
 * different sizes (runtimes compute it either way).
 */
static struct ir_dim
scaled(int64_t d, double scale)
{
	double x;
	float f;

	/* a scale beyond float's range is no float to compare with (nor
	 * a size): only an X below 1e15 is converted, to float and back to
	 * an integer */
	if (d < 0 || !(scale > 0) || scale > 1e15)
		return dunknown();
	x = floor((double)d * scale);
	if (!isfinite(x) || x > 1e15)
		return dunknown();
	f = floorf((float)d * (float)scale);
	if ((double)f != x)
		return dunknown();
	return dval((int64_t)x);
}

static int
op_resize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int opset = ir_node_opset(n);
	size_t scales_in, sizes_in = 3, nax = 0, k, ns;
	const int64_t *axes = attr_ints(n, "axes", &nax);
	double *sc;
	int i;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (strcmp(n->op_type, "Upsample") == 0) {
		const struct ir_attr *a = ir_node_attr(n, "scales");

		if (opset < 9 && a != NULL && a->type == IR_ATTR_FLOATS &&
		    a->n == (size_t)x->rank) {
			for (i = 0; i < x->rank; i++)
				if (x->dims[i].kind == IR_DIM_VALUE)
					out[0].dims[i] = scaled(
					    x->dims[i].value, a->floats[i]);
			return 0;
		}
		scales_in = 1;
		sizes_in = 99;
	} else {
		scales_in = opset < 11 ? 1 : 2;
	}
	if (!attr_is(n, "keep_aspect_ratio_policy", "stretch", true) ||
	    attr_is(n, "coordinate_transformation_mode",
	    "tf_crop_and_resize", false))
		return 0;
	if (axes == NULL) {
		nax = (size_t)x->rank;
	} else {
		for (k = 0; k < nax; k++)
			if (norm_axis(axes[k], x->rank) < 0)
				return 0;
	}
	if (sizes_in < n->ninputs && in_v(n, sizes_in) != NULL) {
		const struct sconst *c = cget(s, in_v(n, sizes_in));

		if (c == NULL || c->n != nax)
			return 0;
		dcopy(out[0].dims, x->dims, x->rank);
		for (k = 0; k < nax; k++) {
			int a = axes ? norm_axis(axes[k], x->rank) : (int)k;

			out[0].dims[a] = c->e[k];
		}
		return 0;
	}
	if (!cfloats(s, in_v(n, scales_in), &sc, &ns) || ns != nax)
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	for (k = 0; k < nax; k++) {
		int a = axes ? norm_axis(axes[k], x->rank) : (int)k;
		const struct ir_dim *d = &x->dims[a];

		if (sc[k] == 1.0)
			continue;
		out[0].dims[a] = d->kind == IR_DIM_VALUE ?
		    scaled(d->value, sc[k]) : dunknown();
	}
	return 0;
}

static int
op_einsum(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "equation");
	struct ir_dim letter[128];
	bool seen[128];
	const char *p, *end, *arrow;
	size_t k = 0;
	int r = 0, i;

	/* a STRING attribute without its s field holds "" */
	if (a == NULL || a->type != IR_ATTR_STRING || a->s == NULL)
		return 0;
	p = (const char *)a->s;
	end = p + a->slen;
	arrow = memchr(p, '>', a->slen);
	if (arrow == NULL || arrow == p || arrow[-1] != '-' ||
	    memchr(p, '.', a->slen) != NULL)
		return 0;	/* implicit output or ellipsis */
	memset(seen, 0, sizeof(seen));
	for (; p < arrow - 1; p++) {
		const struct ir_type *t;
		int d = 0;

		if (*p == ' ')
			continue;
		if (*p == ',') {
			k++;
			continue;
		}
		t = in_t(n, k);
		if ((unsigned char)*p >= 128)
			return 0;
		/* position of this letter within operand k */
		for (const char *q = p; q > (const char *)a->s && q[-1] !=
		    ',' && q[-1] != ' '; q--)
			d++;
		if (t == NULL || t->rank < 0 || d >= t->rank) {
			if (!seen[(int)*p])
				letter[(int)*p] = dunknown();
			seen[(int)*p] = true;
			continue;
		}
		if (!seen[(int)*p] || letter[(int)*p].kind != IR_DIM_VALUE)
			letter[(int)*p] = t->dims[d];
		seen[(int)*p] = true;
	}
	/* each operand has as many letters as dims */
	for (p = (const char *)a->s, k = 0, r = 0; p <= arrow - 1; p++) {
		if (p == arrow - 1 || *p == ',') {
			const struct ir_type *t = in_t(n, k);

			if (t != NULL && t->rank >= 0 && t->rank != r)
				return 0;
			k++;
			r = 0;
		} else if (*p != ' ') {
			r++;
		}
	}
	if (k != n->ninputs)
		return 0;
	r = 0;
	for (p = arrow + 1; p < end; p++)
		if (*p != ' ')
			r++;
	if (mk(s, &out[0], in_elem(n, 0), r) < 0)
		return -1;
	if (out[0].rank < 0)
		return 0;	/* more letters than SH_MAX_RANK */
	for (p = arrow + 1, i = 0; p < end; p++) {
		if (*p == ' ')
			continue;
		if ((unsigned char)*p >= 128 || !seen[(int)*p])
			return mk(s, &out[0], in_elem(n, 0), -1);
		out[0].dims[i++] = letter[(int)*p];
	}
	return 0;
}

/* Control flow: merge two types (equal parts kept). */
static int
type_join(struct sh *s, const struct ir_type *a, const struct ir_type *b,
    struct ir_type *o)
{
	int i;

	if (a == NULL || b == NULL || a->kind != IR_TYPE_TENSOR ||
	    b->kind != IR_TYPE_TENSOR)
		return 0;
	if (mk(s, o, a->elem == b->elem ? a->elem : 0,
	    a->rank == b->rank ? a->rank : -1) < 0)
		return -1;
	for (i = 0; i < o->rank; i++)
		if (dim_same(&a->dims[i], &b->dims[i]))
			o->dims[i] = a->dims[i];
	return 0;
}

static struct ir_graph *
subgraph(const struct ir_node *n, const char *name)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	return a != NULL && a->type == IR_ATTR_GRAPH ? a->g : NULL;
}

static const struct ir_type *
gout(const struct ir_graph *g, size_t i)
{
	if (g == NULL || i >= g->noutputs || g->outputs[i].value == NULL)
		return NULL;
	return tensor_of(g->outputs[i].value);
}

static int
op_if(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *t = subgraph(n, "then_branch");
	struct ir_graph *e = subgraph(n, "else_branch");
	size_t i;

	if (t == NULL || e == NULL || t->noutputs != n->noutputs ||
	    e->noutputs != n->noutputs)
		return 0;
	for (i = 0; i < n->noutputs; i++)
		if (type_join(s, gout(t, i), gout(e, i), &out[i]) < 0)
			return -1;
	return 0;
}

static int
op_loop(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *b = subgraph(n, "body");
	size_t i, ncarry;

	if (b == NULL || n->ninputs < 2 || b->noutputs < 1)
		return 0;
	ncarry = n->ninputs - 2;
	if (b->noutputs < 1 + ncarry ||
	    n->noutputs != b->noutputs - 1)
		return 0;
	for (i = 0; i < n->noutputs; i++) {
		const struct ir_type *t = gout(b, i + 1);

		if (t == NULL)
			continue;
		if (i < ncarry) {
			if (type_join(s, t, in_t(n, i + 2), &out[i]) < 0)
				return -1;
			continue;
		}
		/* scan outputs: iterations stacked on a leading axis */
		if (mk(s, &out[i], t->elem, t->rank < 0 ? -1 :
		    t->rank + 1) < 0)
			return -1;
		if (out[i].rank > 0)
			dcopy(out[i].dims + 1, t->dims, t->rank);
	}
	return 0;
}

/* RandomUniformLike and co: input 0's shape, dtype or input 0's type. */
static int
op_like(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "dtype");
	int32_t elem = in_elem(n, 0);

	if (a != NULL && a->type == IR_ATTR_INT)
		elem = (int32_t)a->i;
	return shape_of(s, &out[0], n, 0, elem);
}

static int
op_random(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	size_t ns, i;
	const int64_t *shape = attr_ints(n, "shape", &ns);

	if (shape == NULL)
		return 0;
	if (mk(s, &out[0], (int32_t)attr_i(n, "dtype", IR_ELEM_FLOAT),
	    rank_n(ns)) < 0)
		return -1;
	for (i = 0; i < ns && out[0].rank >= 0; i++)
		out[0].dims[i] = dval(shape[i]);
	return 0;
}

static int
op_depth_space(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	bool d2s = strcmp(n->op_type, "DepthToSpace") == 0;
	int64_t b = attr_i(n, "blocksize", 0);
	int i;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank != 4 || b < 1 || big(b) || big(b * b))
		return 0;
	out[0].dims[0] = x->dims[0];
	for (i = 1; i < 4; i++) {
		const struct ir_dim *d = &x->dims[i];
		bool shrink = (i == 1) == d2s;
		int64_t f = i == 1 ? b * b : b;

		if (d->kind != IR_DIM_VALUE || big(d->value))
			continue;
		if (!shrink)
			out[0].dims[i] = dval(d->value * f);
		else if (d->value % f == 0)
			out[0].dims[i] = dval(d->value / f);
	}
	return 0;
}

static int
op_quantize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int32_t elem = IR_ELEM_UINT8;

	if (in_v(n, 2) != NULL)
		elem = in_elem(n, 2);
	else if (ir_node_attr(n, "output_dtype") != NULL)
		elem = (int32_t)attr_i(n, "output_dtype", 0);
	return shape_of(s, &out[0], n, 0, elem);
}

static int
op_dequantize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int32_t elem = IR_ELEM_FLOAT;

	if (ir_node_opset(n) >= 19)
		elem = in_elem(n, 1);
	return shape_of(s, &out[0], n, 0, elem);
}

static int
op_dyn_quantize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (shape_of(s, &out[0], n, 0, IR_ELEM_UINT8) < 0)
		return -1;
	if (n->noutputs > 1 && mk(s, &out[1], IR_ELEM_FLOAT, 0) < 0)
		return -1;
	if (n->noutputs > 2 && mk(s, &out[2], IR_ELEM_UINT8, 0) < 0)
		return -1;
	return 0;
}

static int
op_gather_nd(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *ix = in_t(n, 1);
	int64_t b = attr_i(n, "batch_dims", 0), k;
	int r, i, j = 0;

	if (x == NULL)
		return 0;
	if (mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || ix == NULL || ix->rank < 1 || b < 0 ||
	    ix->dims[ix->rank - 1].kind != IR_DIM_VALUE)
		return 0;
	k = ix->dims[ix->rank - 1].value;
	/* 1 <= k <= rank(x) - b and b < rank(indices); compared without
	 * forming b + k, which a batch_dims of INT64_MAX overflows */
	if (b >= ix->rank || b > x->rank || k < 1 || k > x->rank - b)
		return 0;
	r = ix->rank - 1 + x->rank - (int)(b + k);
	if (mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0; i < ix->rank - 1 && out[0].rank >= 0; i++)
		out[0].dims[j++] = ix->dims[i];
	for (i = (int)(b + k); i < x->rank && out[0].rank >= 0; i++)
		out[0].dims[j++] = x->dims[i];
	return 0;
}

static int
op_onehot(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *ix = in_t(n, 0);
	int64_t depth;
	int axis, i, j = 0;

	if (ix == NULL)
		return 0;
	if (mk(s, &out[0], in_elem(n, 2), ix->rank < 0 ? -1 :
	    ix->rank + 1) < 0)
		return -1;
	if (out[0].rank < 0 ||
	    (axis = norm_axis(attr_i(n, "axis", -1), out[0].rank)) < 0)
		return 0;
	for (i = 0; i < out[0].rank; i++)
		if (i != axis)
			out[0].dims[i] = ix->dims[j++];
	if (cint(s, in_v(n, 1), 0, &depth) && depth > 0)
		out[0].dims[axis] = dval(depth);
	return 0;
}

static int
op_nms(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (mk(s, &out[0], IR_ELEM_INT64, 2) < 0)
		return -1;
	out[0].dims[1] = dval(3);
	(void)n;
	return 0;
}

/* RNN, GRU, LSTM: Y, Y_h (and Y_c). */
static int
op_rnn(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t hidden = attr_i(n, "hidden_size", -1);
	bool batch_first = attr_i(n, "layout", 0) != 0;
	struct ir_dim seq, batch, nd, h;
	size_t k;

	if (x == NULL || x->rank != 3)
		return 0;
	seq = x->dims[batch_first ? 1 : 0];
	batch = x->dims[batch_first ? 0 : 1];
	nd = dval(attr_is(n, "direction", "bidirectional", false) ? 2 : 1);
	h = hidden > 0 ? dval(hidden) : dunknown();
	if (n->noutputs > 0) {
		if (mk(s, &out[0], x->elem, 4) < 0)
			return -1;
		if (batch_first) {
			out[0].dims[0] = batch;
			out[0].dims[1] = seq;
			out[0].dims[2] = nd;
		} else {
			out[0].dims[0] = seq;
			out[0].dims[1] = nd;
			out[0].dims[2] = batch;
		}
		out[0].dims[3] = h;
	}
	for (k = 1; k < n->noutputs && k < 3; k++) {
		if (mk(s, &out[k], x->elem, 3) < 0)
			return -1;
		out[k].dims[batch_first ? 0 : 1] = batch;
		out[k].dims[batch_first ? 1 : 0] = nd;
		out[k].dims[2] = h;
	}
	return 0;
}

static int
op_compress(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const struct ir_attr *a = ir_node_attr(n, "axis");
	int axis;

	if (x == NULL)
		return 0;
	if (a == NULL)
		return mk(s, &out[0], x->elem, 1);
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0 || (axis = norm_axis(attr_i(n, "axis", 0),
	    x->rank)) < 0)
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	out[0].dims[axis] = dunknown();
	return 0;
}

static int
op_grid_sample(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *gr = in_t(n, 1);
	int i;

	if (x == NULL || x->rank < 3)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	out[0].dims[0] = x->dims[0];
	out[0].dims[1] = x->dims[1];
	if (gr != NULL && gr->rank == x->rank)
		for (i = 2; i < x->rank; i++)
			out[0].dims[i] = gr->dims[i - 1];
	return 0;
}

static int
op_roi_align(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *rois = in_t(n, 1);

	if (mk(s, &out[0], in_elem(n, 0), 4) < 0)
		return -1;
	if (rois != NULL && rois->rank == 2)
		out[0].dims[0] = rois->dims[0];
	if (x != NULL && x->rank == 4)
		out[0].dims[1] = x->dims[1];
	out[0].dims[2] = dval(attr_i(n, "output_height", 1));
	out[0].dims[3] = dval(attr_i(n, "output_width", 1));
	return 0;
}

static int
op_det(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);

	if (x == NULL || x->rank < 2)
		return 0;
	if (mk(s, &out[0], x->elem, x->rank - 2) < 0)
		return -1;
	dcopy(out[0].dims, x->dims, x->rank - 2);
	return 0;
}

/* Scan (opset 9 on): state variables, then scan outputs stacked on
 * their axis. */
static int
scan_counts(const struct ir_node *n, struct ir_graph **body, size_t *nstate)
{
	int64_t nscan = attr_i(n, "num_scan_inputs", -1);

	*body = subgraph(n, "body");
	if (*body == NULL || ir_node_opset(n) < 9 || nscan < 1 ||
	    (size_t)nscan > n->ninputs)
		return -1;
	*nstate = n->ninputs - (size_t)nscan;
	if ((*body)->ninputs != n->ninputs ||
	    (*body)->noutputs != n->noutputs || *nstate > n->noutputs)
		return -1;
	return 0;
}

static int
op_scan(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *b;
	size_t nstate, i, na, noa;
	const int64_t *ax = attr_ints(n, "scan_input_axes", &na);
	const int64_t *oax = attr_ints(n, "scan_output_axes", &noa);
	const struct ir_type *first;
	struct ir_dim len = dunknown();
	int a;

	if (scan_counts(n, &b, &nstate) < 0)
		return 0;
	first = in_t(n, nstate);
	if (first != NULL && first->rank > 0 &&
	    (a = norm_axis(ax && na > 0 ? ax[0] : 0, first->rank)) >= 0)
		len = first->dims[a];
	for (i = 0; i < n->noutputs; i++) {
		const struct ir_type *t = gout(b, i);
		size_t k = i - nstate;
		int r, j, p;

		if (t == NULL)
			continue;
		if (i < nstate) {
			if (type_join(s, t, in_t(n, i), &out[i]) < 0)
				return -1;
			continue;
		}
		r = t->rank < 0 ? -1 : t->rank + 1;
		if (mk(s, &out[i], t->elem, r) < 0)
			return -1;
		/* out[i] is unranked, too, when R is above SH_MAX_RANK */
		if (out[i].rank < 0 || (a = norm_axis(oax && k < noa ?
		    oax[k] : 0, r)) < 0) {
			out[i].rank = -1;
			continue;
		}
		for (j = 0, p = 0; j < r; j++)
			out[i].dims[j] = j == a ? len : t->dims[p++];
	}
	return 0;
}

struct op_entry {
	const char *name;
	op_fn *fn;
};

static const struct op_entry op_table[] = {
	/* same type and shape as input 0 */
	{ "Abs", op_same }, { "Acos", op_same }, { "Acosh", op_same },
	{ "Asin", op_same }, { "Asinh", op_same }, { "Atan", op_same },
	{ "Atanh", op_same }, { "BitwiseNot", op_same }, { "Ceil", op_same },
	{ "Celu", op_same }, { "Clip", op_same }, { "Cos", op_same },
	{ "Cosh", op_same }, { "CumSum", op_same }, { "Elu", op_same },
	{ "Erf", op_same }, { "Exp", op_same }, { "Floor", op_same },
	{ "Gelu", op_same }, { "HardSigmoid", op_same },
	{ "HardSwish", op_same }, { "Hardmax", op_same },
	{ "InstanceNormalization", op_same }, { "LRN", op_same },
	{ "LeakyRelu", op_same }, { "Log", op_same },
	{ "LogSoftmax", op_same }, { "LpNormalization", op_same },
	{ "MeanVarianceNormalization", op_same }, { "Mish", op_same },
	{ "Neg", op_same }, { "Reciprocal", op_same }, { "Relu", op_same },
	{ "Round", op_same }, { "Selu", op_same }, { "Shrink", op_same },
	{ "Sigmoid", op_same }, { "Sign", op_same }, { "Sin", op_same },
	{ "Sinh", op_same }, { "Softmax", op_same }, { "Softplus", op_same },
	{ "Softsign", op_same }, { "Sqrt", op_same }, { "Tan", op_same },
	{ "Tanh", op_same }, { "ThresholdedRelu", op_same },
	{ "Identity", op_identity }, { "PRelu", op_prelu },
	{ "Dropout", op_dropout },
	{ "IsInf", op_bool_unary }, { "IsNaN", op_bool_unary },
	{ "Not", op_bool_unary },
	{ "Cast", op_cast }, { "CastLike", op_castlike },
	/* broadcasting */
	{ "Add", op_binary }, { "Sub", op_binary }, { "Mul", op_binary },
	{ "Div", op_binary }, { "Pow", op_binary }, { "Mod", op_binary },
	{ "BitShift", op_binary }, { "BitwiseAnd", op_binary },
	{ "BitwiseOr", op_binary }, { "BitwiseXor", op_binary },
	{ "Equal", op_compare }, { "Less", op_compare },
	{ "Greater", op_compare }, { "LessOrEqual", op_compare },
	{ "GreaterOrEqual", op_compare }, { "And", op_compare },
	{ "Or", op_compare }, { "Xor", op_compare },
	{ "Max", op_variadic }, { "Min", op_variadic }, { "Sum", op_variadic },
	{ "Mean", op_variadic }, { "Where", op_where },
	/* convolution and pooling */
	{ "Conv", op_conv }, { "ConvTranspose", op_conv_transpose },
	{ "MaxPool", op_pool }, { "AveragePool", op_pool },
	{ "LpPool", op_pool },
	{ "GlobalAveragePool", op_global_pool },
	{ "GlobalMaxPool", op_global_pool },
	{ "GlobalLpPool", op_global_pool },
	{ "BatchNormalization", op_batchnorm },
	{ "LayerNormalization", op_layernorm },
	/* shape manipulation */
	{ "Transpose", op_transpose }, { "Reshape", op_reshape },
	{ "Flatten", op_flatten }, { "Concat", op_concat },
	{ "Split", op_split }, { "Slice", op_slice },
	{ "Squeeze", op_squeeze }, { "Unsqueeze", op_unsqueeze },
	{ "Expand", op_expand }, { "Tile", op_tile }, { "Pad", op_pad },
	{ "Gather", op_gather }, { "GatherElements", op_gather_elements },
	{ "Shape", op_shape }, { "Size", op_size },
	{ "Constant", op_constant },
	{ "ConstantOfShape", op_constant_of_shape },
	{ "Resize", op_resize }, { "Upsample", op_resize },
	/* reductions */
	{ "ReduceSum", op_reduce }, { "ReduceMean", op_reduce },
	{ "ReduceMax", op_reduce }, { "ReduceMin", op_reduce },
	{ "ReduceProd", op_reduce }, { "ReduceL1", op_reduce },
	{ "ReduceL2", op_reduce }, { "ReduceLogSum", op_reduce },
	{ "ReduceLogSumExp", op_reduce }, { "ReduceSumSquare", op_reduce },
	{ "ArgMax", op_argmax }, { "ArgMin", op_argmax },
	/* products */
	{ "MatMul", op_matmul }, { "MatMulInteger", op_matmul },
	{ "Gemm", op_gemm }, { "Einsum", op_einsum },
	/* the rest */
	{ "TopK", op_topk }, { "Range", op_range }, { "NonZero", op_nonzero },
	{ "If", op_if }, { "Loop", op_loop }, { "Scan", op_scan },
	{ "Bernoulli", op_like }, { "EyeLike", op_like },
	{ "RandomNormalLike", op_like }, { "RandomUniformLike", op_like },
	{ "RandomNormal", op_random }, { "RandomUniform", op_random },
	{ "Scatter", op_same }, { "ScatterElements", op_same },
	{ "ScatterND", op_same }, { "Trilu", op_same },
	{ "ReverseSequence", op_same }, { "GroupNormalization", op_same },
	{ "DepthToSpace", op_depth_space }, { "SpaceToDepth", op_depth_space },
	{ "QuantizeLinear", op_quantize },
	{ "DequantizeLinear", op_dequantize },
	{ "DynamicQuantizeLinear", op_dyn_quantize },
	{ "QLinearConv", op_conv }, { "ConvInteger", op_conv },
	{ "QLinearMatMul", op_matmul },
	{ "GatherND", op_gather_nd }, { "OneHot", op_onehot },
	{ "NonMaxSuppression", op_nms }, { "Compress", op_compress },
	{ "RNN", op_rnn }, { "GRU", op_rnn }, { "LSTM", op_rnn },
	{ "GridSample", op_grid_sample }, { "RoiAlign", op_roi_align },
	{ "Det", op_det },
};

/*
 * com.microsoft operators whose shapes ONNX Runtime documents
 * (docs/ContribOperators.md) and that its optimizer leaves in re-saved
 * models.
 */
static const struct op_entry ms_table[] = {
	{ "BiasGelu", op_binary }, { "FastGelu", op_same },
	{ "FusedConv", op_conv }, { "FusedGemm", op_gemm },
	{ "Gelu", op_same }, { "QuickGelu", op_same },
	{ "SkipLayerNormalization", op_same },
};

/* Merging a derivation into a value. */

/*
 * The type V starts from in this run: what was declared (or set by a
 * pass) before inference refined it.
 */
static const struct ir_type *
base_of(const struct ir_value *v)
{
	return v->type_inferred ? &v->type_decl : &v->type;
}

/* Does T have a negative dim_value (written by some exporters for a
 * dynamic dim)? */
static bool
has_negative(const struct ir_type *t)
{
	int i;

	if (t->kind != IR_TYPE_TENSOR)
		return false;
	for (i = 0; i < t->rank; i++)
		if (t->dims[i].kind == IR_DIM_VALUE && t->dims[i].value < 0)
			return true;
	return false;
}

/* T with negative dim_values read as unknown, into O. */
static int
sanitize(struct sh *s, const struct ir_type *t, struct ir_type *o)
{
	int i;

	*o = *t;
	if (!has_negative(t))
		return 0;
	o->dims = arena_array(&s->tmp, (size_t)t->rank, sizeof(*o->dims));
	if (o->dims == NULL)
		return -1;
	for (i = 0; i < t->rank; i++)
		o->dims[i] = t->dims[i].kind == IR_DIM_VALUE &&
		    t->dims[i].value < 0 ? dunknown() : t->dims[i];
	return 0;
}

/*
 * Merge derived D into base B: unknown parts are filled, a dim_param
 * gives way to a concrete size, and where the two contradict each other
 * the derivation wins (it follows from the inputs; the contradiction is
 * reported against the declaration, once, without cascading).
 */
static int
merge(struct sh *s, const struct ir_type *base, const struct ir_type *d,
    struct ir_type *o)
{
	struct ir_type clean, dclean;
	const struct ir_type *b = &clean;
	int i;

	if (sanitize(s, base, &clean) < 0)
		return -1;
	if (d != NULL) {
		if (sanitize(s, d, &dclean) < 0)
			return -1;
		d = &dclean;
	}
	*o = *b;
	if (d == NULL || d->kind != IR_TYPE_TENSOR)
		return 0;
	if (b->kind == IR_TYPE_NONE) {
		*o = *d;
		return 0;
	}
	if (b->kind != IR_TYPE_TENSOR)
		return 0;
	if (d->elem != 0)
		o->elem = d->elem;
	if (d->rank < 0)
		return 0;
	if (b->rank != d->rank) {
		o->rank = d->rank;
		o->dims = d->dims;
		return 0;
	}
	for (i = 0; i < b->rank; i++) {
		const struct ir_dim *x = &b->dims[i], *y = &d->dims[i];

		if (y->kind == IR_DIM_UNKNOWN || dim_ident(x, y) ||
		    (x->kind == IR_DIM_PARAM && y->kind == IR_DIM_PARAM))
			continue;
		if (o->dims == b->dims) {
			o->dims = arena_array(&s->tmp, (size_t)b->rank,
			    sizeof(*o->dims));
			if (o->dims == NULL)
				return -1;
			dcopy(o->dims, b->dims, b->rank);
		}
		o->dims[i] = *y;
	}
	return 0;
}

/*
 * Store T as V's type (model memory when it changed).  SHARE: T's dims
 * are model memory already (another value's type, never changed in
 * place) and are taken as they are rather than copied.
 */
static int
store(struct sh *s, struct ir_value *v, const struct ir_type *t, bool share)
{
	const struct ir_type *b = base_of(v);
	struct ir_type base = *b;

	if (type_ident(t, &base)) {
		v->type = base;
		v->type_inferred = false;
		memset(&v->type_decl, 0, sizeof(v->type_decl));
		return 0;
	}
	if (!v->type_inferred)
		v->type_decl = base;
	v->type_inferred = true;
	if (type_ident(t, &v->type))
		return 0;
	v->type = *t;
	v->type.orig = NULL;
	v->type.dirty = false;
	if (t->rank > 0 && !share) {
		v->type.dims = arena_array(&s->m->arena, (size_t)t->rank,
		    sizeof(*t->dims));
		if (v->type.dims == NULL)
			return -1;
		dcopy(v->type.dims, t->dims, t->rank);
	} else if (t->rank <= 0) {
		v->type.dims = NULL;
	}
	return 0;
}

static int
commit(struct sh *s, struct ir_value *v, const struct ir_type *t)
{
	return store(s, v, t, false);
}

/* Compare a declaration with the derivation. */
static void
check_decl(struct sh *s, const struct ir_vinfo *vi, const struct ir_type *d,
    const char *where)
{
	const struct ir_type *t = &vi->type;
	const struct ir_value *n = vi->value;
	const char *what = n->producer != NULL ? "inferred" : "initializer is";
	char e[DIAG_ESCAPE_SIZE], a[256], b[256];
	int i;

	if (t->kind != IR_TYPE_TENSOR || d->kind != IR_TYPE_TENSOR)
		return;
	if (t->elem != 0 && d->elem != 0 && t->elem != d->elem) {
		report_decl(s, SHAPES_DECL_ELEM, n, "%s '%s' is %s, %s %s",
		    where, esc_name(e, vi->value),
		    shapes_type_str(t, a, sizeof(a)), what,
		    shapes_type_str(d, b, sizeof(b)));
		return;
	}
	if (t->rank < 0 || d->rank < 0)
		return;
	if (t->rank != d->rank) {
		report_decl(s, SHAPES_DECL_RANK, n, "%s '%s' is %s, %s %s",
		    where, esc_name(e, vi->value),
		    shapes_type_str(t, a, sizeof(a)), what,
		    shapes_type_str(d, b, sizeof(b)));
		return;
	}
	/* some exporters write 0 or -1 for a dynamic dim: not a size */
	for (i = 0; i < t->rank; i++)
		if (t->dims[i].kind == IR_DIM_VALUE && t->dims[i].value > 0 &&
		    d->dims[i].kind == IR_DIM_VALUE &&
		    t->dims[i].value != d->dims[i].value)
			break;
	if (i < t->rank)
		report_decl(s, SHAPES_DECL_DIM, n, "%s '%s' is %s, %s %s",
		    where, esc_name(e, vi->value),
		    shapes_type_str(t, a, sizeof(a)), what,
		    shapes_type_str(d, b, sizeof(b)));
}

/* Is V a value of G whose declared type check_graph compares? */
static bool
declared(const struct ir_graph *g, const struct ir_value *v)
{
	return v != NULL && v->graph == g && v->kind == IR_VALUE_NODE &&
	    v->producer != NULL;
}

/* The derived type of declared value V, NULL when none was derived. */
static const struct ir_type *
derived(const struct frame *f, const struct ir_value *v)
{
	const struct ir_type *d = pmap_get(&f->der, v);

	return d != NULL && d->kind != IR_TYPE_NONE ? d : NULL;
}

/* Slots in F->der for the values whose declarations G holds. */
static int
want_derived(struct sh *s, struct frame *f)
{
	struct ir_graph *g = f->g;
	size_t i, n = g->noutputs + g->nvalue_info;

	for (i = 0; i < n; i++) {
		struct ir_value *v = i < g->noutputs ? g->outputs[i].value :
		    g->value_info[i - g->noutputs].value;
		struct ir_type *d;

		if (!declared(g, v) || pmap_get(&f->der, v) != NULL)
			continue;
		if ((d = arena_alloc(&s->tmp, sizeof(*d))) == NULL ||
		    pmap_put(&s->tmp, &f->der, v, d) < 0)
			return -1;
	}
	return 0;
}

static void
check_graph(struct sh *s, struct frame *f)
{
	struct ir_graph *g = f->g;
	const struct ir_type *d;
	size_t i;

	if (s->fn == NULL)
		return;
	for (i = 0; i < g->noutputs; i++) {
		struct ir_value *v = g->outputs[i].value;

		if (declared(g, v) && (d = derived(f, v)) != NULL)
			check_decl(s, &g->outputs[i], d, "graph output");
	}
	for (i = 0; i < g->nvalue_info; i++) {
		struct ir_value *v = g->value_info[i].value;

		if (declared(g, v) && (d = derived(f, v)) != NULL)
			check_decl(s, &g->value_info[i], d, "value_info");
		/* an initializer's own dims are its type */
		if (v != NULL && v->graph == g &&
		    v->kind == IR_VALUE_INITIALIZER && v->init != NULL &&
		    !v->duplicate)
			check_decl(s, &g->value_info[i], base_of(v),
			    "value_info");
	}
}

/* Are DIMS those of an input's type (model memory, shared as is)?
 * Types that pass a shape through (Relu, Neg, Cast, ...) end up so. */
static bool
input_dims(const struct ir_node *n, const struct ir_dim *dims)
{
	size_t i;

	for (i = 0; dims != NULL && i < n->ninputs; i++)
		if (n->inputs[i] != NULL && n->inputs[i]->type.dims == dims)
			return true;
	return false;
}

static int
infer_node(struct sh *s, struct frame *f, struct ir_node *n)
{
	const struct op_entry *e = NULL;
	struct ir_graph *body;
	struct ir_type *out;
	size_t i;

	if (n->noutputs == 0)
		return 0;
	if (arena_grow(&s->tmp, (void **)&s->out, &s->capout, n->noutputs,
	    sizeof(*s->out)) < 0)
		return -1;
	out = s->out;
	memset(out, 0, n->noutputs * sizeof(*out));
	for (i = 0; i < n->noutputs; i++)
		out[i].rank = -1;
	/* ranks beyond SH_MAX_RANK are not worth the arithmetic (and the
	 * operators count on it: their per-axis arrays hold SH_MAX_RANK
	 * entries, and mk gives no dims beyond it); a function body's
	 * attribute references have no value yet */
	for (i = 0; i < n->ninputs; i++)
		if (in_rank(n, i) > SH_MAX_RANK)
			goto merge;
	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].ref_attr_name != NULL)
			goto merge;
	for (i = 0; i < 4; i++)
		if (s->last[i].op == n->op_type &&
		    s->last[i].domain == n->domain)
			break;
	if (i < 4) {
		e = s->last[i].e;
	} else {
		if (ir_domain_is_onnx(n->domain))
			e = hmap_get(&s->ops, n->op_type);
		else if (strcmp(n->domain, "com.microsoft") == 0)
			e = hmap_get(&s->ms_ops, n->op_type);
		memmove(s->last + 1, s->last, 3 * sizeof(s->last[0]));
		s->last[0].op = n->op_type;
		s->last[0].domain = n->domain;
		s->last[0].e = e;
	}
	if (e != NULL && e->fn(s, n, out) < 0)
		return -1;
	if (e == NULL && (body = pmap_get(&s->calls, n)) != NULL)
		for (i = 0; i < n->noutputs; i++)
			if (gout(body, i) != NULL)
				out[i] = *gout(body, i);
merge:
	for (i = 0; i < n->noutputs; i++) {
		struct ir_value *v = n->outputs[i];
		struct ir_type t, *d;

		if (v == NULL || v->producer != n)
			continue;
		if (out[i].kind == IR_TYPE_TENSOR && v->graph == f->g &&
		    (d = pmap_get(&f->der, v)) != NULL)
			*d = out[i];
		if (merge(s, base_of(v), &out[i], &t) < 0 ||
		    store(s, v, &t, input_dims(n, t.dims)) < 0)
			return -1;
	}
	return 0;
}

/* Before a Loop body runs: types of its inputs from the Loop's. */
static int
enter_loop(struct sh *s, struct ir_node *n)
{
	struct ir_graph *b = subgraph(n, "body");
	size_t i;

	if (b == NULL || b->ninputs < 2 || b->ninputs != n->ninputs)
		return 0;
	for (i = 0; i < b->ninputs; i++) {
		struct ir_value *v = b->inputs[i].value;
		struct ir_type t, d;

		if (v == NULL || v->graph != b)
			continue;
		if (i < 2) {
			if (mk(s, &d, i == 0 ? IR_ELEM_INT64 : IR_ELEM_BOOL,
			    -1) < 0)
				return -1;
		} else {
			/* loop-carried shapes may change per iteration:
			 * only the element type is sure */
			if (mk(s, &d, in_elem(n, i), -1) < 0)
				return -1;
		}
		if (merge(s, base_of(v), &d, &t) < 0 || commit(s, v, &t) < 0)
			return -1;
	}
	return 0;
}

/* The key of a function or call in s->calls bookkeeping. */
static const char *
fkey(struct sh *s, const char *domain, const char *name)
{
	return arena_printf(&s->tmp, "%s\x01%s", domain ? domain : "",
	    name ? name : "");
}

/*
 * Local functions called exactly once get that call's input types (a
 * body holds one type per value, so several call sites would mix).
 */
static int
find_calls(struct sh *s)
{
	struct hmap count;
	struct ir_graph **gs;
	size_t ng, i, j;
	int pass;

	if (s->m->nfunctions == 0)
		return 0;
	hmap_init(&count, &s->tmp);
	for (i = 0; i < s->m->nfunctions; i++) {
		struct ir_function *fn = s->m->functions[i];
		const char *k = fkey(s, fn->domain, fn->name);

		if (k == NULL)
			return -1;
		/* a name defined twice (or overloaded) is ambiguous */
		if (hmap_set(&count, k, fn->body == NULL ||
		    hmap_get(&count, k) != NULL ? (void *)&count :
		    (void *)fn) < 0)
			return -1;
	}
	ng = ir_model_graphs(s->m, &gs);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ng; i++)
			for (j = 0; j < gs[i]->nnodes; j++) {
				struct ir_node *n = gs[i]->nodes[j];
				const char *k;
				struct ir_function *fn;

				if (n->dead || ir_domain_is_onnx(n->domain))
					continue;
				if ((k = fkey(s, n->domain, n->op_type)) ==
				    NULL)
					return -1;
				fn = hmap_get(&count, k);
				if (fn == NULL || fn == (void *)&count)
					continue;
				if (pass == 0 && pmap_get(&s->calls, fn)) {
					/* a second call site */
					if (hmap_set(&count, k,
					    (void *)&count) < 0)
						return -1;
					continue;
				}
				if (pass == 0 && pmap_put(&s->tmp, &s->calls,
				    fn, n) < 0)
					return -1;
				if (pass == 1 && pmap_put(&s->tmp, &s->calls,
				    n, fn->body) < 0)
					return -1;
			}
	return 0;
}

/* Before a function body runs for its one call: the call's input
 * types. */
static int
enter_call(struct sh *s, struct ir_node *n, struct ir_graph *b)
{
	size_t i;

	for (i = 0; i < b->ninputs && i < n->ninputs; i++) {
		struct ir_value *v = b->inputs[i].value;
		const struct ir_value *x = n->inputs[i];
		struct ir_type t;

		if (v == NULL || v->graph != b || x == NULL)
			continue;
		if (merge(s, base_of(v), &x->type, &t) < 0 ||
		    commit(s, v, &t) < 0)
			return -1;
	}
	return pmap_put(&s->tmp, &s->entered, b, b);
}

/*
 * Does node I of G's list keep the list in topological order: live,
 * numbered I, and nothing it uses comes from a node of G at or after it?
 */
static bool
in_order(const struct ir_graph *g, size_t i)
{
	const struct ir_node *n = g->nodes[i];
	size_t j;

	if (n->dead || n->index != i)
		return false;
	for (j = 0; j < n->ninputs + n->nimplicit; j++) {
		const struct ir_value *v = j < n->ninputs ? n->inputs[j] :
		    n->implicit[j - n->ninputs];

		if (v != NULL && v->producer != NULL &&
		    v->producer->graph == g && v->producer->index >= i)
			return false;
	}
	return true;
}

/*
 * Usually a graph's node list is in topological order already: a frame
 * takes the nodes as they are and checks each one as it comes to it
 * (in_order), while it reads that node anyway.  The first one out of
 * order (or dead) switches the frame to the stable topological order,
 * whose first F->pos nodes are the ones done (ir_graph_toposort keeps
 * a prefix of live nodes in order where it is), and inference goes on
 * from there.  Dead nodes are skipped in either order.
 */
static int
check_order(struct sh *s, struct frame *f)
{
	struct ir_graph *g = f->g;
	struct ir_node *cycle;

	if (!f->unchecked || in_order(g, f->pos))
		return 0;
	f->unchecked = false;
	f->order = arena_array(&s->tmp, g->nnodes + 1, sizeof(*f->order));
	if (f->order == NULL)
		return -1;
	return ir_graph_toposort(g, f->order, &cycle) < 0 ? -1 : 0;
}

/* Before a Scan body runs: state elements, scan inputs sliced. */
static int
enter_scan(struct sh *s, struct ir_node *n)
{
	struct ir_graph *b;
	size_t nstate, i, na;
	const int64_t *ax = attr_ints(n, "scan_input_axes", &na);

	if (scan_counts(n, &b, &nstate) < 0)
		return 0;
	for (i = 0; i < b->ninputs; i++) {
		struct ir_value *v = b->inputs[i].value;
		const struct ir_type *x = in_t(n, i);
		struct ir_type t, d;
		int a, j, p;

		if (v == NULL || v->graph != b || x == NULL)
			continue;
		if (i < nstate || x->rank < 1) {
			if (mk(s, &d, x->elem, -1) < 0)
				return -1;
		} else {
			if (mk(s, &d, x->elem, x->rank - 1) < 0)
				return -1;
			a = norm_axis(ax && i - nstate < na ? ax[i - nstate] :
			    0, x->rank);
			/* d is unranked, too, when x is of a rank above
			 * SH_MAX_RANK + 1 */
			if (a < 0 || d.rank < 0) {
				d.rank = -1;
				a = -1;
			}
			for (j = 0, p = 0; a >= 0 && j < x->rank; j++)
				if (j != a)
					d.dims[p++] = x->dims[j];
		}
		if (merge(s, base_of(v), &d, &t) < 0 || commit(s, v, &t) < 0)
			return -1;
	}
	return 0;
}

static int
push(struct sh *s, struct frame **stack, size_t *n, size_t *cap,
    struct ir_graph *g)
{
	struct frame *f;
	size_t i;

	if (arena_grow(&s->tmp, (void **)stack, cap, *n + 1,
	    sizeof(**stack)) < 0)
		return -1;
	f = &(*stack)[(*n)++];
	memset(f, 0, sizeof(*f));
	f->g = g;
	if (s->fn != NULL && want_derived(s, f) < 0)
		return -1;
	/* declared inputs and initializers: negative dims are unknown */
	for (i = 0; i < g->nvalues; i++) {
		struct ir_value *v = g->values[i];
		struct ir_type t;

		/* a large graph's values are more than the cache holds:
		 * ask for later ones while this one is read */
		if (i + 16 < g->nvalues)
			__builtin_prefetch(g->values[i + 16]);
		if (v->kind == IR_VALUE_NODE || !has_negative(base_of(v)))
			continue;
		if (merge(s, base_of(v), NULL, &t) < 0 || commit(s, v, &t) < 0)
			return -1;
	}
	f->order = g->nodes;
	f->unchecked = true;
	return 0;
}

static int
run_graph(struct sh *s, struct ir_graph *root)
{
	struct frame *stack = NULL;
	size_t n = 0, cap = 0;

	if (push(s, &stack, &n, &cap, root) < 0)
		return -1;
	while (n > 0) {
		struct frame *f = &stack[n - 1];
		struct ir_graph *subs[16], *body;
		struct ir_node *nd;
		size_t k, i;

		if (f->pos == f->g->nnodes) {
			check_graph(s, f);
			n--;
			continue;
		}
		if (check_order(s, f) < 0)
			return -1;
		nd = f->order[f->pos];
		if (nd->dead) {
			f->pos++;
			continue;
		}
		k = ir_node_subgraphs(nd, NULL, 0);
		body = pmap_get(&s->calls, nd);
		if (body != NULL && !f->entered &&
		    pmap_get(&s->entered, body) == NULL) {
			f->entered = true;
			if (enter_call(s, nd, body) < 0 ||
			    push(s, &stack, &n, &cap, body) < 0)
				return -1;
			continue;
		}
		if (k > 0 && !f->entered) {
			struct ir_graph **gs = subs;

			f->entered = true;
			if (k > 16 && (gs = arena_array(&s->tmp, k,
			    sizeof(*gs))) == NULL)
				return -1;
			ir_node_subgraphs(nd, gs, k);
			if (ir_domain_is_onnx(nd->domain) &&
			    strcmp(nd->op_type, "Loop") == 0 &&
			    enter_loop(s, nd) < 0)
				return -1;
			if (ir_domain_is_onnx(nd->domain) &&
			    strcmp(nd->op_type, "Scan") == 0 &&
			    enter_scan(s, nd) < 0)
				return -1;
			for (i = k; i > 0; i--)
				if (push(s, &stack, &n, &cap, gs[i - 1]) < 0)
					return -1;
			continue;
		}
		if (infer_node(s, f, nd) < 0)
			return -1;
		f->pos++;
		f->entered = false;
	}
	return 0;
}

int
shapes_infer_report(struct ir_model *m, shapes_report_fn *fn, void *arg)
{
	struct sh s;
	size_t i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.m = m;
	s.fn = fn;
	s.arg = arg;
	s.init_inputs_const = m->has_ir_version && m->ir_version < 4;
	arena_init(&s.tmp, m->budget);
	hmap_init(&s.ops, &s.tmp);
	hmap_init(&s.ms_ops, &s.tmp);
	for (i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++)
		if (hmap_set(&s.ops, op_table[i].name,
		    (void *)&op_table[i]) < 0) {
			rc = -1;
			goto out;
		}
	for (i = 0; i < sizeof(ms_table) / sizeof(ms_table[0]); i++)
		if (hmap_set(&s.ms_ops, ms_table[i].name,
		    (void *)&ms_table[i]) < 0) {
			rc = -1;
			goto out;
		}
	if (find_calls(&s) < 0) {
		rc = -1;
		goto out;
	}
	if (m->graph != NULL && run_graph(&s, m->graph) < 0) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < m->nfunctions; i++)
		if (m->functions[i]->body != NULL &&
		    pmap_get(&s.entered, m->functions[i]->body) == NULL &&
		    run_graph(&s, m->functions[i]->body) < 0) {
			rc = -1;
			goto out;
		}
out:
	arena_release(&s.tmp);
	return rc;
}

int
shapes_infer(struct ir_model *m)
{
	return shapes_infer_report(m, NULL, NULL);
}
