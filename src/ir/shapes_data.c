/* SPDX-License-Identifier: MIT */
/*
 * Shape rules for operators that make tensors or select from them: the
 * sources of the constants shape chains are built of (Shape, Size,
 * Constant, ConstantOfShape, Range), Gather, GatherElements, GatherND,
 * OneHot, Compress, NonZero, and the random generators.
 */
#include <string.h>

#include "ir/shapes_int.h"

int
shapes_op_gather(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *ix = in_t(n, 1);
	const struct sconst *cx, *ci;
	int axis, i, r;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 1 || ix == NULL || ix->rank < 0 ||
	    (axis = norm_axis(ir_attr_int(n, "axis", 0), x->rank)) < 0)
		return 0;
	r = x->rank - 1 + ix->rank;
	if (shapes_mk(s, &out[0], x->elem, r) < 0)
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
	cx = shapes_cget(s, in_v(n, 0));
	ci = shapes_cget(s, in_v(n, 1));
	if (cx != NULL && ci != NULL && cx->rank == 1 && axis == 0) {
		struct sconst *c = shapes_const_new(s, ci->rank, ci->n);
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
		return shapes_cput(s, n->outputs[0], c);
	}
	return 0;
}

int
shapes_op_gather_elements(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shapes_shape_of(s, &out[0], n, 1, in_elem(n, 0));
}

int
shapes_op_gather_nd(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *ix = in_t(n, 1);
	int64_t b = ir_attr_int(n, "batch_dims", 0), k;
	int r, i, j = 0;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, -1) < 0)
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
	if (shapes_mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0; i < ix->rank - 1 && out[0].rank >= 0; i++)
		out[0].dims[j++] = ix->dims[i];
	for (i = (int)(b + k); i < x->rank && out[0].rank >= 0; i++)
		out[0].dims[j++] = x->dims[i];
	return 0;
}

int
shapes_op_onehot(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *ix = in_t(n, 0);
	int64_t depth;
	int axis, i, j = 0;

	if (ix == NULL)
		return 0;
	if (shapes_mk(s, &out[0], in_elem(n, 2), ix->rank < 0 ? -1 :
	    ix->rank + 1) < 0)
		return -1;
	if (out[0].rank < 0 ||
	    (axis = norm_axis(ir_attr_int(n, "axis", -1), out[0].rank)) < 0)
		return 0;
	for (i = 0; i < out[0].rank; i++)
		if (i != axis)
			out[0].dims[i] = ix->dims[j++];
	if (shapes_cint(s, in_v(n, 1), 0, &depth) && depth > 0)
		out[0].dims[axis] = dval(depth);
	return 0;
}

int
shapes_op_compress(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const struct ir_attr *a = ir_node_attr(n, "axis");
	int axis;

	if (x == NULL)
		return 0;
	if (a == NULL)
		return shapes_mk(s, &out[0], x->elem, 1);
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	/* (onnx's checker infers the rank only) */
	if (x->rank < 0 || s->consts_only || (axis = norm_axis(ir_attr_int(n,
	    "axis", 0), x->rank)) < 0)
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	out[0].dims[axis] = dunknown();
	return 0;
}

int
shapes_op_nonzero(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int r = in_rank(n, 0);

	const struct ir_value *v = n->outputs[0];
	char *p;

	if (shapes_mk(s, &out[0], IR_ELEM_INT64, 2) < 0)
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

int
shapes_op_shape(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t start = ir_attr_int(n, "start", 0), end;
	struct sconst *c;
	int64_t i;

	if (shapes_mk(s, &out[0], IR_ELEM_INT64, 1) < 0)
		return -1;
	if (x == NULL || x->rank < 0)
		return 0;
	end = ir_attr_int(n, "end", x->rank);
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
	if ((c = shapes_const_new(s, 1, (size_t)(end - start))) == NULL)
		return -1;
	for (i = start; i < end; i++)
		c->e[i - start] = x->dims[i];
	return shapes_cput(s, n->outputs[0], c);
}

int
shapes_op_size(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	struct sconst *c;

	if (shapes_mk(s, &out[0], IR_ELEM_INT64, 0) < 0)
		return -1;
	if (x == NULL || x->rank < 0)
		return 0;
	if ((c = shapes_const_new(s, 0, 1)) == NULL)
		return -1;
	c->e[0] = shapes_dim_prod(x, 0, x->rank);
	return shapes_cput(s, n->outputs[0], c);
}

int
shapes_op_constant(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a;
	size_t i;

	if (n->nattrs != 1)
		return 0;
	a = &n->attrs[0];
	if (strcmp(a->name, "value") == 0 && a->type == IR_ATTR_TENSOR &&
	    a->t != NULL) {
		if (shapes_mk(s, &out[0], a->t->elem, a->t->rank) < 0)
			return -1;
		/* a tensor of a rank above SH_MAX_RANK stays unranked */
		for (i = 0; out[0].rank >= 0 && i < (size_t)out[0].rank; i++)
			out[0].dims[i] = dval(a->t->dims[i]);
		return shapes_cput(s, n->outputs[0],
		    shapes_const_of_tensor(s, a->t));
	}
	if (strcmp(a->name, "value_int") == 0 && a->type == IR_ATTR_INT) {
		struct sconst *c = shapes_const_new(s, 0, 1);

		if (c == NULL || shapes_mk(s, &out[0], IR_ELEM_INT64, 0) < 0)
			return -1;
		c->e[0] = dval(a->i);
		return shapes_cput(s, n->outputs[0], c);
	}
	if (strcmp(a->name, "value_ints") == 0 && a->type == IR_ATTR_INTS) {
		struct sconst *c;

		if (shapes_mk(s, &out[0], IR_ELEM_INT64, 1) < 0)
			return -1;
		out[0].dims[0] = dval((int64_t)a->n);
		if (a->n > SH_MAX_CONST)
			return 0;
		if ((c = shapes_const_new(s, 1, a->n)) == NULL)
			return -1;
		for (i = 0; i < a->n; i++)
			c->e[i] = dval(a->ints[i]);
		return shapes_cput(s, n->outputs[0], c);
	}
	if (strcmp(a->name, "value_float") == 0 && a->type == IR_ATTR_FLOAT)
		return shapes_mk(s, &out[0], IR_ELEM_FLOAT, 0);
	if (strcmp(a->name, "value_floats") == 0 &&
	    a->type == IR_ATTR_FLOATS) {
		if (shapes_mk(s, &out[0], IR_ELEM_FLOAT, 1) < 0)
			return -1;
		out[0].dims[0] = dval((int64_t)a->n);
		return 0;
	}
	if (strcmp(a->name, "value_string") == 0 &&
	    a->type == IR_ATTR_STRING)
		return shapes_mk(s, &out[0], IR_ELEM_STRING, 0);
	if (strcmp(a->name, "value_strings") == 0 &&
	    a->type == IR_ATTR_STRINGS) {
		if (shapes_mk(s, &out[0], IR_ELEM_STRING, 1) < 0)
			return -1;
		out[0].dims[0] = dval((int64_t)a->n);
	}
	return 0;
}

int
shapes_op_constant_of_shape(struct sh *s, struct ir_node *n,
    struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "value");
	int32_t elem = IR_ELEM_FLOAT;

	const struct sconst *shape = shapes_cget(s, in_v(n, 0));
	struct sconst *c;
	int64_t v = 0, len, i;

	if (a != NULL && a->type == IR_ATTR_TENSOR && a->t != NULL)
		elem = a->t->elem;
	if (shapes_dims_from_const(s, n, 0, elem, &out[0]) < 0)
		return -1;
	/* a small integer vector of one value */
	if (shape == NULL || shape->n != 1 ||
	    shape->e[0].kind != IR_DIM_VALUE ||
	    (elem != IR_ELEM_INT64 && elem != IR_ELEM_INT32))
		return 0;
	len = shape->e[0].value;
	if (len < 0 || len > SH_MAX_CONST ||
	    (a != NULL && (shapes_tensor_small(a->t) != 1 ||
	    shapes_tensor_int(a->t, 0, &v) < 0)))
		return 0;
	if ((c = shapes_const_new(s, 1, (size_t)len)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		c->e[i] = dval(v);
	return shapes_cput(s, n->outputs[0], c);
}

int
shapes_op_range(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int64_t a, b, d, len;

	if (shapes_mk(s, &out[0], in_elem(n, 0), 1) < 0)
		return -1;
	if (!shapes_cint(s, in_v(n, 0), 0, &a) ||
	    !shapes_cint(s, in_v(n, 1), 0, &b) ||
	    !shapes_cint(s, in_v(n, 2), 0, &d) || d == 0 || big(a) ||
	    big(b) || big(d))
		return 0;
	if (d > 0)
		len = b > a ? (b - a + d - 1) / d : 0;
	else
		len = a > b ? (a - b - d - 1) / -d : 0;
	out[0].dims[0] = dval(len);
	if (len <= SH_MAX_CONST) {
		struct sconst *c = shapes_const_new(s, 1, (size_t)len);
		int64_t i;

		if (c == NULL)
			return -1;
		for (i = 0; i < len; i++)
			c->e[i] = dval(a + i * d);
		return shapes_cput(s, n->outputs[0], c);
	}
	return 0;
}

/* RandomUniformLike and co: input 0's shape, dtype or input 0's type. */
int
shapes_op_like(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "dtype");
	int32_t elem = in_elem(n, 0);

	if (a != NULL && a->type == IR_ATTR_INT)
		elem = (int32_t)a->i;
	return shapes_shape_of(s, &out[0], n, 0, elem);
}

int
shapes_op_random(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	size_t ns, i;
	const int64_t *shape = ir_attr_ints(n, "shape", &ns);

	if (shape == NULL)
		return 0;
	if (shapes_mk(s, &out[0], (int32_t)ir_attr_int(n, "dtype",
	    IR_ELEM_FLOAT), rank_n(ns)) < 0)
		return -1;
	for (i = 0; i < ns && out[0].rank >= 0; i++)
		out[0].dims[i] = dval(shape[i]);
	return 0;
}

/* HannWindow, HammingWindow, BlackmanWindow: [size] of output_datatype. */
int
shapes_op_window(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int64_t size;

	if (shapes_mk(s, &out[0], (int32_t)ir_attr_int(n, "output_datatype",
	    IR_ELEM_FLOAT), 1) < 0)
		return -1;
	if (shapes_cint(s, in_v(n, 0), 0, &size) && size >= 0)
		out[0].dims[0] = dval(size);
	return 0;
}

/* A scalar of a fixed type: OptionalHasElement (bool), SequenceLength
 * (int64). */
int
shapes_op_scalar(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shapes_mk(s, &out[0], strcmp(n->op_type, "SequenceLength") == 0 ?
	    IR_ELEM_INT64 : IR_ELEM_BOOL, 0);
}

/* TfIdfVectorizer: float, [N, K] or [K] for input [N, C] or [C], K one
 * more than the largest ngram index. */
int
shapes_op_tfidf(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const int64_t *ix;
	size_t ni, i;
	int64_t k = -1;
	int r = in_rank(n, 0);

	if (shapes_mk(s, &out[0], IR_ELEM_FLOAT, r == 1 || r == 2 ? r : -1) < 0)
		return -1;
	if (out[0].rank < 0)
		return 0;
	if ((ix = ir_attr_ints(n, "ngram_indexes", &ni)) != NULL) {
		for (i = 0; i < ni; i++)
			if (ix[i] > k)
				k = ix[i];
		if (k >= 0 && k < INT64_MAX)
			out[0].dims[r - 1] = dval(k + 1);
	}
	if (r == 2)
		out[0].dims[0] = in_t(n, 0)->dims[0];
	return 0;
}

/* StringNormalizer: strings of the input's rank, [C] or [1, C]; stop
 * words may remove some of C. */
int
shapes_op_strnorm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);

	if (shapes_mk(s, &out[0], IR_ELEM_STRING, x != NULL &&
	    (x->rank == 1 || x->rank == 2) ? x->rank : -1) < 0)
		return -1;
	if (out[0].rank == 2)
		out[0].dims[0] = x->dims[0];
	return 0;
}

/* Unique: Y of X's type, of X's rank with the axis unknown when axis is
 * given, else 1-D; indices, inverse_indices and counts 1-D int64. */
int
shapes_op_unique(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	size_t i;
	int a;

	for (i = 1; i < n->noutputs && i < 4; i++)
		if (shapes_mk(s, &out[i], IR_ELEM_INT64, 1) < 0)
			return -1;
	if (x == NULL)
		return 0;
	if (ir_node_attr(n, "axis") == NULL)
		return shapes_mk(s, &out[0], x->elem, 1);
	if (x->rank < 0 ||
	    (a = norm_axis(ir_attr_int(n, "axis", 0), x->rank)) < 0)
		return shapes_mk(s, &out[0], x->elem, -1);
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	dcopy(out[0].dims, x->dims, x->rank);
	out[0].dims[a] = dunknown();
	return 0;
}
