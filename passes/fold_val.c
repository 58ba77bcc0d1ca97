/* SPDX-License-Identifier: MIT */
/*
 * The constants the fold pass and its kernels compute with
 * (passes/fold.h): reading an initializer or a Constant node's value
 * into doubles or int64s, sizing and rounding them.  identity reads its
 * constant operands (pads, ratios) with them too.
 */
#include <math.h>
#include <string.h>

#include "fold.h"
#include "ir/irbuild.h"

bool
fold_elem_float(int32_t e)
{
	return e == IR_ELEM_FLOAT || e == IR_ELEM_DOUBLE ||
	    e == IR_ELEM_FLOAT16 || e == IR_ELEM_BFLOAT16;
}

bool
fold_elem_int(int32_t e)
{
	switch (e) {
	case IR_ELEM_INT8: case IR_ELEM_UINT8: case IR_ELEM_INT16:
	case IR_ELEM_UINT16: case IR_ELEM_INT32: case IR_ELEM_UINT32:
	case IR_ELEM_INT64: case IR_ELEM_BOOL:
		return true;
	}
	return false;
}

/* Element I of T as a double or int64 (by ISINT); -1 when unreadable. */
static int
get_elem(const struct ir_tensor *t, size_t i, bool isint, double *f,
    int64_t *iv)
{
	unsigned bytes = ir_elem_bits(t->elem) / 8;
	double d = 0;
	int64_t x = 0;

	if (t->storage == IR_DATA_RAW) {
		const uint8_t *p = t->data + i * bytes;

		switch (t->elem) {
		case IR_ELEM_FLOAT: { float v; memcpy(&v, p, 4); d = v; break; }
		case IR_ELEM_DOUBLE: memcpy(&d, p, 8); break;
		case IR_ELEM_FLOAT16: {
			uint16_t h;
			memcpy(&h, p, 2);
			d = ir_half_to_double(h);
			break;
		}
		case IR_ELEM_BFLOAT16: {
			uint32_t u = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 24;
			float v;
			memcpy(&v, &u, 4);
			d = v;
			break;
		}
		case IR_ELEM_INT8: x = (int8_t)p[0]; break;
		case IR_ELEM_UINT8: x = p[0]; break;
		case IR_ELEM_BOOL: x = p[0] != 0; break;
		case IR_ELEM_INT16: { int16_t v; memcpy(&v, p, 2); x = v; break; }
		case IR_ELEM_UINT16: { uint16_t v; memcpy(&v, p, 2); x = v; break; }
		case IR_ELEM_INT32: { int32_t v; memcpy(&v, p, 4); x = v; break; }
		case IR_ELEM_UINT32: { uint32_t v; memcpy(&v, p, 4); x = v; break; }
		case IR_ELEM_INT64: memcpy(&x, p, 8); break;
		default:
			return -1;
		}
	} else if (t->storage == IR_DATA_TYPED && t->typed != NULL) {
		/* Each type lives in one field (onnx.proto). */
		int want = t->elem == IR_ELEM_FLOAT ? 4 :
		    t->elem == IR_ELEM_DOUBLE ? 10 :
		    t->elem == IR_ELEM_INT64 ? 7 :
		    t->elem == IR_ELEM_UINT32 ? 11 : 5;

		if (t->typed_field != want)
			return -1;
		switch (t->elem) {
		case IR_ELEM_FLOAT:
			d = ((const float *)t->typed)[i];
			break;
		case IR_ELEM_DOUBLE:
			d = ((const double *)t->typed)[i];
			break;
		case IR_ELEM_FLOAT16:
			d = ir_half_to_double((uint16_t)((const int32_t *)
			    t->typed)[i]);
			break;
		case IR_ELEM_INT64:
			x = ((const int64_t *)t->typed)[i];
			break;
		case IR_ELEM_UINT32:
			x = (int64_t)((const uint64_t *)t->typed)[i];
			break;
		case IR_ELEM_INT8: case IR_ELEM_UINT8: case IR_ELEM_INT16:
		case IR_ELEM_UINT16: case IR_ELEM_INT32: case IR_ELEM_BOOL:
			x = ((const int32_t *)t->typed)[i];
			break;
		default:
			return -1;
		}
	} else {
		return -1;
	}
	if (isint) {
		if (fold_elem_float(t->elem))
			return -1;
		*iv = x;
	} else {
		*f = fold_elem_float(t->elem) ? d : (double)x;
	}
	return 0;
}

/*
 * The element count of DIMS (RANK of them) into *N: false when a dim is
 * negative or the product overflows, which no tensor can have.
 */
bool
fold_dims_count(const int64_t *dims, int rank, size_t *n)
{
	uint64_t c = 1;
	int k;

	for (k = 0; k < rank; k++)
		if (dims[k] < 0 ||
		    __builtin_mul_overflow(c, (uint64_t)dims[k], &c))
			return false;
	if (c > SIZE_MAX)
		return false;
	*n = (size_t)c;
	return true;
}

/*
 * Room for C's C->n elements: 1, or 0 when the result would be larger
 * than MAX_BYTES (C->big says so; checked before the doubles are
 * allocated, which take up to 8 times the result's bytes), -1 out of
 * budget.
 */
int
fold_alloc(struct arena *a, struct cval *c)
{
	uint64_t bytes;

	c->f = NULL;
	c->i = NULL;
	c->big = false;
	if (ir_elem_bytes(c->elem, c->n, &bytes) < 0 || bytes > MAX_BYTES ||
	    c->n > MAX_BYTES) {
		c->big = true;
		return 0;
	}
	if (c->isint)
		c->i = arena_array(a, c->n + 1, sizeof(*c->i));
	else
		c->f = arena_array(a, c->n + 1, sizeof(*c->f));
	return c->f == NULL && c->i == NULL ? -1 : 1;
}

/* Read T into C; 1 done, 0 not foldable, -1 out of budget. */
int
fold_read(struct arena *a, const struct ir_tensor *t, struct cval *c)
{
	struct ir_tensor view;
	uint64_t count, bytes;
	size_t i;
	int rc;

	if (t == NULL || t->rank > MAX_RANK || t->rank < 0 ||
	    (!fold_elem_float(t->elem) && !fold_elem_int(t->elem)) ||
	    ir_tensor_count(t, &count, NULL) < 0 ||
	    ir_elem_bytes(t->elem, count, &bytes) < 0 || bytes > MAX_BYTES)
		return 0;
	/* External data is read in now that it is known to be small
	 * enough to fold. */
	t = ir_tensor_view(t, &view);
	if (t->storage == IR_DATA_RAW ? t->size != bytes :
	    t->storage != IR_DATA_TYPED || t->nfields != 1 ||
	    t->ntyped != count ||
	    t->typed_field != ir_elem_typed_field(t->elem))
		return 0;
	c->elem = t->elem;
	c->rank = t->rank;
	if (t->rank > 0)
		memcpy(c->dims, t->dims, (size_t)t->rank * sizeof(*c->dims));
	c->n = (size_t)count;
	c->isint = fold_elem_int(t->elem);
	if ((rc = fold_alloc(a, c)) <= 0)
		return rc;
	/* The common types in one pass each, as get_elem reads them. */
	if (t->storage == IR_DATA_RAW && t->elem == IR_ELEM_INT64) {
		if (c->n > 0)	/* an empty tensor may have no data */
			memcpy(c->i, t->data, c->n * 8);
		return 1;
	}
	if (t->storage == IR_DATA_RAW && t->elem == IR_ELEM_FLOAT) {
		for (i = 0; i < c->n; i++) {
			float v;

			memcpy(&v, t->data + i * 4, 4);
			c->f[i] = v;
		}
		return 1;
	}
	if (t->storage == IR_DATA_RAW && t->elem == IR_ELEM_BOOL) {
		for (i = 0; i < c->n; i++)
			c->i[i] = t->data[i] != 0;
		return 1;
	}
	for (i = 0; i < c->n; i++)
		if (get_elem(t, i, c->isint, c->f ? &c->f[i] : NULL,
		    c->i ? &c->i[i] : NULL) < 0)
			return 0;
	return 1;
}

/* The constant tensor behind V: an initializer that is not a graph
 * input, or a Constant node's value. */
const struct ir_tensor *
fold_const(const struct ir_value *v)
{
	const struct ir_node *p;
	const struct ir_attr *a;

	if (irbuild_is_const(v))
		return v->init;
	if (v == NULL || v->kind != IR_VALUE_NODE || (p = v->producer) ==
	    NULL || p->dead || strcmp(p->op_type, "Constant") != 0 ||
	    !ir_domain_is_onnx(p->domain) || p->nattrs != 1)
		return NULL;
	a = &p->attrs[0];
	if (strcmp(a->name, "value") != 0 || a->type != IR_ATTR_TENSOR ||
	    a->ref_attr_name != NULL)
		return NULL;
	return a->t;
}

/* Row-major element strides of X's dims into ST; false on overflow (a
 * zero-element X may have dims whose product does not fit). */
bool
fold_strides(const struct cval *x, int64_t *st)
{
	int64_t s = 1;
	int k;

	for (k = x->rank - 1; k >= 0; k--) {
		st[k] = s;
		if (__builtin_mul_overflow(s, x->dims[k], &s))
			return false;
	}
	return true;
}

/* Round V to the precision of ELEM, as a kernel of that type would. */
double
fold_round_to(int32_t elem, double v)
{
	unsigned char b[8];
	struct ir_tensor t;
	int64_t one = 1;
	double out;

	if (elem == IR_ELEM_DOUBLE)
		return v;
	if (elem == IR_ELEM_FLOAT)
		return (float)v;
	memset(&t, 0, sizeof(t));
	t.elem = elem;
	t.rank = 1;
	t.dims = &one;
	t.storage = IR_DATA_RAW;
	t.data = b;
	t.size = ir_elem_bits(elem) / 8;
	if (irbuild_encode(elem, v, b) < 0 || get_elem(&t, 0, false, &out,
	    NULL) < 0)
		return v;
	return out;
}

int
fold_reduce_axes(const struct ir_node *n, const struct cval *in, size_t nin,
    bool axes_input, bool *red)
{
	const struct ir_attr *aa = ir_node_attr(n, "axes");
	size_t k, na = 0;
	int r = in[0].rank, j;
	bool any = false;

	for (j = 0; j < MAX_RANK; j++)
		red[j] = false;
	if (axes_input) {
		if (aa != NULL)
			return 0;
		if (nin > 1 && in[1].n > 0) {
			if (!in[1].isint || in[1].rank != 1)
				return 0;
			na = in[1].n;
		}
	} else {
		if (nin > 1)
			return 0;
		if (aa != NULL) {
			if (aa->type != IR_ATTR_INTS)
				return 0;
			na = aa->n;
		}
	}
	if (na > (size_t)r)
		return 0;
	for (k = 0; k < na; k++) {
		int64_t a = axes_input ? in[1].i[k] : aa->ints[k];

		if (a < 0)
			a += r;
		if (a < 0 || a >= r || red[a])
			return 0;
		red[a] = any = true;
	}
	if (!any) {
		if (ir_attr_int(n, "noop_with_empty_axes", 0) != 0)
			return 2;
		for (j = 0; j < r; j++)
			red[j] = true;
	}
	return 1;
}
