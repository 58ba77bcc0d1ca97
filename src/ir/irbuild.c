/* SPDX-License-Identifier: MIT */
/*
 * Building blocks for rewrite passes (see irbuild.h): values, nodes,
 * attributes, initializers, and placing new nodes in the node order.
 */
#include <math.h>
#include <string.h>

#include "ir/irbuild.h"

struct ir_value *
irbuild_value(struct ir_graph *g, const char *base)
{
	const char *name = ir_unique_name(g, base);

	if (name == NULL)
		return NULL;
	return ir_value_new(g, name, IR_VALUE_NODE);
}

struct ir_node *
irbuild_node(struct ir_graph *g, const char *op, const char *domain,
    struct ir_value *const *in, size_t nin, size_t nout, const char *base)
{
	struct ir_node *n;
	size_t i;

	n = ir_node_new(g, op, domain, NULL, nin, nout);
	if (n == NULL)
		return NULL;
	for (i = 0; i < nin; i++)
		if (ir_node_set_input(n, i, in[i]) < 0)
			return NULL;
	for (i = 0; i < nout; i++) {
		struct ir_value *v = irbuild_value(g, base);

		if (v == NULL)
			return NULL;
		ir_node_set_output(n, i, v);
	}
	/* Node names are not required to be unique, but tools that key on
	 * them are common: use the first output's (unique) name. */
	n->name = nout > 0 ? n->outputs[0]->name : ir_unique_name(g, base);
	return n;
}

static struct ir_attr *
attr_add(struct ir_node *n, const char *name, enum ir_attr_type type)
{
	struct arena *a = &n->graph->model->arena;
	struct ir_attr *v;

	v = arena_array(a, n->nattrs + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	if (n->nattrs > 0)
		memcpy(v, n->attrs, n->nattrs * sizeof(*v));
	n->attrs = v;
	v = &n->attrs[n->nattrs++];
	v->name = arena_strdup(a, name);
	if (v->name == NULL)
		return NULL;
	v->type = type;
	v->has_type = true;
	v->nvalues = 1;
	v->dirty = true;
	n->dirty = true;
	return v;
}

int
irbuild_attr_f(struct ir_node *n, const char *name, float f)
{
	struct ir_attr *a = attr_add(n, name, IR_ATTR_FLOAT);

	if (a == NULL)
		return -1;
	a->f = f;
	return 0;
}

int
irbuild_attr_i(struct ir_node *n, const char *name, int64_t i)
{
	struct ir_attr *a = attr_add(n, name, IR_ATTR_INT);

	if (a == NULL)
		return -1;
	a->i = i;
	return 0;
}

int
irbuild_attr_s(struct ir_node *n, const char *name, const char *s)
{
	struct ir_attr *a = attr_add(n, name, IR_ATTR_STRING);
	char *copy;

	if (a == NULL ||
	    (copy = arena_strdup(&n->graph->model->arena, s)) == NULL)
		return -1;
	a->s = (const uint8_t *)copy;
	a->slen = strlen(s);
	return 0;
}

int
irbuild_attr_ints(struct ir_node *n, const char *name, const int64_t *v,
    size_t count)
{
	struct ir_attr *a = attr_add(n, name, IR_ATTR_INTS);

	if (a == NULL || (a->ints = arena_array(&n->graph->model->arena,
	    count + 1, sizeof(*v))) == NULL)
		return -1;
	if (count > 0)
		memcpy(a->ints, v, count * sizeof(*v));
	a->n = count;
	return 0;
}

int
irbuild_attr_floats(struct ir_node *n, const char *name, const float *v,
    size_t count)
{
	struct ir_attr *a = attr_add(n, name, IR_ATTR_FLOATS);

	if (a == NULL || (a->floats = arena_array(&n->graph->model->arena,
	    count + 1, sizeof(*v))) == NULL)
		return -1;
	if (count > 0)
		memcpy(a->floats, v, count * sizeof(*v));
	a->n = count;
	return 0;
}

int
irbuild_attr_copy(struct ir_node *n, const struct ir_attr *src,
    const char *name)
{
	struct ir_attr *a = attr_add(n, name ? name : src->name, src->type);
	const char *keep;

	if (a == NULL)
		return -1;
	keep = a->name;
	*a = *src;
	a->name = keep;
	/* A renamed attribute must be rebuilt; an unchanged one is written
	 * from its source message. */
	if (name == NULL)
		return 0;
	/* Renamed: rebuilt from the IR fields, which hold plain values. */
	a->dirty = true;
	switch (a->type) {
	case IR_ATTR_FLOAT:
	case IR_ATTR_INT:
	case IR_ATTR_STRING:
	case IR_ATTR_FLOATS:
	case IR_ATTR_INTS:
	case IR_ATTR_TENSOR:
		return 0;
	default:
		return -1;
	}
}

uint16_t
irbuild_half(float f)
{
	uint32_t x, sign, e, m;

	memcpy(&x, &f, 4);
	sign = (x >> 16) & 0x8000;
	e = (x >> 23) & 0xff;
	m = x & 0x7fffff;
	if (e == 0xff)
		return (uint16_t)(sign | 0x7c00 | (m ? 0x200 : 0));
	if (e > 142)
		return (uint16_t)(sign | 0x7c00);
	if (e < 113) {
		/* Subnormal or zero in half precision. */
		if (e < 102)
			return (uint16_t)sign;
		m |= 0x800000;
		{
			unsigned shift = 126 - e;
			uint32_t h = m >> shift;
			uint32_t rem = m & ((1u << shift) - 1);
			uint32_t half = 1u << (shift - 1);

			if (rem > half || (rem == half && (h & 1)))
				h++;
			return (uint16_t)(sign | h);
		}
	}
	{
		uint32_t h = ((e - 112) << 10) | (m >> 13);
		uint32_t rem = m & 0x1fff;

		if (rem > 0x1000 || (rem == 0x1000 && (h & 1)))
			h++;
		return (uint16_t)(sign | h);
	}
}

int
irbuild_encode(int32_t elem, double v, unsigned char *out)
{
	/* an integer from a double outside int64's range (or NaN) has no
	 * defined conversion */
	if (elem != IR_ELEM_FLOAT && elem != IR_ELEM_DOUBLE &&
	    elem != IR_ELEM_FLOAT16 && elem != IR_ELEM_BFLOAT16 &&
	    !(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
		return -1;
	switch (elem) {
	case IR_ELEM_FLOAT: {
		float f = (float)v;
		memcpy(out, &f, 4);
		return 0;
	}
	case IR_ELEM_DOUBLE:
		memcpy(out, &v, 8);
		return 0;
	case IR_ELEM_FLOAT16: {
		uint16_t h = irbuild_half((float)v);
		memcpy(out, &h, 2);
		return 0;
	}
	case IR_ELEM_BFLOAT16: {
		float f = (float)v;
		uint32_t x;
		uint16_t b;

		memcpy(&x, &f, 4);
		/* Round to nearest even on the dropped half. */
		if ((x & 0x7fffffff) <= 0x7f800000)
			x += 0x7fff + ((x >> 16) & 1);
		b = (uint16_t)(x >> 16);
		memcpy(out, &b, 2);
		return 0;
	}
	case IR_ELEM_INT8:
	case IR_ELEM_UINT8:
	case IR_ELEM_BOOL:
		out[0] = (unsigned char)(int64_t)v;
		if (elem == IR_ELEM_BOOL)
			out[0] = v != 0;
		return 0;
	case IR_ELEM_INT16:
	case IR_ELEM_UINT16: {
		int16_t x = (int16_t)(int64_t)v;
		memcpy(out, &x, 2);
		return 0;
	}
	case IR_ELEM_INT32:
	case IR_ELEM_UINT32: {
		int32_t x = (int32_t)(int64_t)v;
		memcpy(out, &x, 4);
		return 0;
	}
	case IR_ELEM_INT64:
	case IR_ELEM_UINT64: {
		int64_t x = (int64_t)v;
		memcpy(out, &x, 8);
		return 0;
	}
	}
	return -1;
}

struct ir_value *
irbuild_init(struct ir_graph *g, const char *base, int32_t elem, int rank,
    const int64_t *dims, const void *data, size_t size)
{
	struct arena *a = &g->model->arena;
	struct ir_tensor *t, **inits;
	struct ir_value *v;
	const char *name;
	uint8_t *copy;

	name = ir_unique_name(g, base);
	t = arena_alloc(a, sizeof(*t));
	copy = arena_alloc(a, size ? size : 1);
	inits = arena_array(a, g->ninits + 1, sizeof(*inits));
	if (name == NULL || t == NULL || copy == NULL || inits == NULL)
		return NULL;
	if (rank > 0 && (t->dims = arena_array(a, (size_t)rank,
	    sizeof(*t->dims))) == NULL)
		return NULL;
	if (rank > 0)
		memcpy(t->dims, dims, (size_t)rank * sizeof(*dims));
	if (size > 0)
		memcpy(copy, data, size);
	t->name = name;
	t->elem = elem;
	t->rank = rank;
	t->storage = IR_DATA_RAW;
	t->data = copy;
	t->size = size;
	t->nfields = 1;
	t->dirty = true;
	if (g->ninits > 0)
		memcpy(inits, g->inits, g->ninits * sizeof(*inits));
	inits[g->ninits++] = t;
	g->inits = inits;
	v = ir_value_new(g, name, IR_VALUE_INITIALIZER);
	if (v == NULL)
		return NULL;
	v->init = t;
	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = elem;
	v->type.rank = rank;
	if (rank > 0) {
		int i;

		v->type.dims = arena_array(a, (size_t)rank,
		    sizeof(*v->type.dims));
		if (v->type.dims == NULL)
			return NULL;
		for (i = 0; i < rank; i++) {
			v->type.dims[i].kind = IR_DIM_VALUE;
			v->type.dims[i].value = dims[i];
		}
	}
	return v;
}

struct ir_value *
irbuild_scalar(struct ir_graph *g, const char *base, int32_t elem,
    double v, int rank)
{
	static const int64_t ones[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	unsigned char buf[8];

	if (rank < 0 || rank > 8 || irbuild_encode(elem, v, buf) < 0)
		return NULL;
	return irbuild_init(g, base, elem, rank, ones, buf,
	    ir_elem_bits(elem) / 8);
}

struct ir_value *
irbuild_scalar_int(struct ir_graph *g, const char *base, int32_t elem,
    int64_t v)
{
	static const int64_t one = 1;
	unsigned char buf[8];
	unsigned bits = ir_elem_bits(elem), i;

	switch (elem) {
	case IR_ELEM_INT8: case IR_ELEM_UINT8: case IR_ELEM_INT16:
	case IR_ELEM_UINT16: case IR_ELEM_INT32: case IR_ELEM_UINT32:
	case IR_ELEM_INT64: case IR_ELEM_UINT64:
		break;
	default:
		return NULL;
	}
	/* little-endian two's complement, cut to the type's width */
	for (i = 0; i < bits / 8; i++)
		buf[i] = (unsigned char)((uint64_t)v >> (8 * i));
	return irbuild_init(g, base, elem, 0, &one, buf, bits / 8);
}

struct ir_value *
irbuild_ints(struct ir_graph *g, const char *base, const int64_t *v,
    size_t count)
{
	int64_t dim = (int64_t)count;

	return irbuild_init(g, base, IR_ELEM_INT64, 1, &dim, v,
	    count * sizeof(*v));
}

void
irbuild_place(struct ir_graph *g, size_t first, const struct ir_node *anchor)
{
	size_t at, k = g->nnodes - first, i;

	if (k == 0 || anchor == NULL)
		return;
	for (at = 0; at < first && g->nodes[at] != anchor; at++)
		;
	if (at == first)
		return;
	/* Rotate [at, nnodes) so the new nodes come first: reverse the
	 * two parts, then the whole, in place. */
#define REVERSE(lo, hi)                                                 \
	for (i = (lo); i < (lo) + ((hi) - (lo)) / 2; i++) {             \
		struct ir_node *x = g->nodes[i];                        \
		g->nodes[i] = g->nodes[(hi) - 1 - (i - (lo))];          \
		g->nodes[(hi) - 1 - (i - (lo))] = x;                    \
	}
	REVERSE(at, first)
	REVERSE(first, g->nnodes)
	REVERSE(at, g->nnodes)
#undef REVERSE
	for (i = at; i < g->nnodes; i++)
		g->nodes[i]->index = (unsigned)i;
}

bool
irbuild_is_const(const struct ir_value *v)
{
	return v != NULL && v->init != NULL && !v->is_input &&
	    !v->sparse_init && v->kind == IR_VALUE_INITIALIZER;
}
