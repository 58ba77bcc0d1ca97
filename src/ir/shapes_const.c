/* SPDX-License-Identifier: MIT */
/*
 * Constants for shape inference: the pointer map the run keeps them (and
 * its other bookkeeping) in, and the small integer tensors known at
 * inference time.  An initializer (or Constant node) is read when its
 * data holds exactly what its dims say; rules propagate constants from
 * node to node (Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains
 * of exporters), with symbolic elements, through shapes_cput().
 */
#include <string.h>

#include "ir/shapes_int.h"

static uint64_t
phash(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

void *
shapes_pmap_get(const struct pmap *h, const void *key)
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

int
shapes_pmap_put(struct arena *a, struct pmap *h, const void *key, void *val)
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
	if (shapes_pmap_get(h, key) == NULL)
		h->n++;
	pmap_insert(h->v, h->cap, key, val);
	return 0;
}

int
shapes_tensor_int(const struct ir_tensor *t, size_t i, int64_t *out)
{
	struct ir_tensor view;

	t = ir_tensor_view(t, &view);	/* external data read in */
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
	struct ir_tensor view;

	t = ir_tensor_view(t, &view);	/* external data read in */
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
 * External data counts as raw data once it is read in (the callers
 * read it only for small tensors).
 */
static bool
tensor_holds(const struct ir_tensor *t, uint64_t count)
{
	struct ir_tensor view;
	uint64_t bytes;

	t = ir_tensor_view(t, &view);
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
size_t
shapes_tensor_small(const struct ir_tensor *t)
{
	uint64_t count;

	if (t == NULL || t->rank > 1 || ir_tensor_count(t, &count, NULL) < 0 ||
	    count > SH_MAX_CONST || !tensor_holds(t, count))
		return 0;
	return (size_t)count;
}

struct sconst *
shapes_const_new(struct sh *s, int rank, size_t n)
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
struct sconst *
shapes_const_of_tensor(struct sh *s, const struct ir_tensor *t)
{
	struct sconst *c;
	size_t n, i;

	/* Type and rank first: external data is read in only for a
	 * tensor that can be a constant here. */
	if (t->rank > 1 ||
	    (t->elem != IR_ELEM_INT64 && t->elem != IR_ELEM_INT32))
		return NULL;
	n = shapes_tensor_small(t);
	if (n == 0 && t->rank == 0)
		return NULL;
	if (n == 0) {
		uint64_t count;

		if (ir_tensor_count(t, &count, NULL) < 0 || count != 0 ||
		    !tensor_holds(t, 0))
			return NULL;
	}
	if ((c = shapes_const_new(s, t->rank, n)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		int64_t x;

		if (shapes_tensor_int(t, i, &x) < 0)
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
const struct sconst *
shapes_cget(struct sh *s, const struct ir_value *v)
{
	struct sconst *c;

	if (v == NULL)
		return NULL;
	if ((c = shapes_pmap_get(&s->consts, v)) != NULL)
		return c;
	if (init_of(s, v) == NULL ||
	    (c = shapes_const_of_tensor(s, v->init)) == NULL)
		return NULL;
	if (shapes_pmap_put(&s->tmp, &s->consts, v, c) < 0)
		return NULL;
	return c;
}

/* Integer element I of V's constant, when it is a known value. */
bool
shapes_cint(struct sh *s, const struct ir_value *v, size_t i, int64_t *x)
{
	const struct sconst *c = shapes_cget(s, v);

	if (c == NULL || i >= c->n || c->e[i].kind != IR_DIM_VALUE)
		return false;
	*x = c->e[i].value;
	return true;
}

/* All elements of V's constant as values into *OUT (tmp memory). */
bool
shapes_cints(struct sh *s, const struct ir_value *v, const int64_t **out,
    size_t *count)
{
	const struct sconst *c = shapes_cget(s, v);
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

int
shapes_cput(struct sh *s, const struct ir_value *v, struct sconst *c)
{
	if (v == NULL || c == NULL)
		return 0;
	/* as onnx's checker infers (no data propagation): the values of
	 * initializers and Constant nodes only */
	if (s->consts_only && v->producer != NULL &&
	    strcmp(v->producer->op_type, "Constant") != 0)
		return 0;
	return shapes_pmap_put(&s->tmp, &s->consts, v, c);
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

bool
shapes_cfloats(struct sh *s, const struct ir_value *v, double **out,
    size_t *count)
{
	const struct ir_tensor *t = const_tensor(s, v);
	size_t n, i;
	double *x;

	if (t == NULL || (n = shapes_tensor_small(t)) == 0 || t->rank != 1)
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
