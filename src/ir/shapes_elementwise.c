/* SPDX-License-Identifier: MIT */
/*
 * Shape rules for elementwise operators: unary ones (same type and shape
 * as input 0), Identity, Dropout, the boolean tests, Cast and CastLike,
 * the broadcasting binary and variadic ones, comparisons and logical
 * operators, Where, PRelu, and quantization.  Integer arithmetic and
 * Equal on propagated constants are computed here, where exact.
 */
#include <string.h>

#include "ir/shapes_int.h"

int
shapes_op_same(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	size_t i;

	(void)s;
	shapes_same_as(&out[0], n, 0);
	for (i = 1; i < n->noutputs; i++)
		out[i].kind = IR_TYPE_NONE;
	return 0;
}

int
shapes_op_identity(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_value *v = in_v(n, 0);

	if (v != NULL && v->type.kind != IR_TYPE_NONE) {
		out[0] = v->type;
		out[0].orig = NULL;
		out[0].dirty = false;
	}
	return shapes_cput(s, n->outputs[0],
	    (struct sconst *)shapes_cget(s, v));
}

int
shapes_op_bool_unary(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shapes_shape_of(s, &out[0], n, 0, IR_ELEM_BOOL);
}

int
shapes_op_dropout(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	shapes_same_as(&out[0], n, 0);
	/* the mask is of the input's type before opset 10 */
	if (n->noutputs > 1 && n->outputs[1] != NULL &&
	    ir_node_opset(n) >= 10)
		return shapes_shape_of(s, &out[1], n, 0, IR_ELEM_BOOL);
	if (n->noutputs > 1 && n->outputs[1] != NULL &&
	    ir_node_opset(n) >= 7)
		shapes_same_as(&out[1], n, 0);
	return 0;
}

/* Does X fit in integer element type ELEM (int64 or int32)? */
static bool
fits(int32_t elem, int64_t x)
{
	return elem != IR_ELEM_INT32 || (x >= INT32_MIN && x <= INT32_MAX);
}

int
shapes_op_cast(struct sh *s, struct ir_node *n, struct ir_type *out)
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
	if (shapes_shape_of(s, &out[0], n, 0, to) < 0)
		return -1;
	c = shapes_cget(s, in_v(n, 0));
	if (c == NULL || (to != IR_ELEM_INT64 && to != IR_ELEM_INT32))
		return 0;
	for (i = 0; i < c->n; i++)
		if (c->e[i].kind == IR_DIM_VALUE &&
		    !fits(to, c->e[i].value))
			break;
	if (i == c->n)
		return shapes_cput(s, n->outputs[0], (struct sconst *)c);
	/* a value that int32 cannot hold wraps in a runtime: unknown */
	if ((r = shapes_const_new(s, c->rank, c->n)) == NULL)
		return -1;
	for (i = 0; i < c->n; i++)
		if (c->e[i].kind != IR_DIM_VALUE || fits(to, c->e[i].value))
			r->e[i] = c->e[i];
	return shapes_cput(s, n->outputs[0], r);
}

int
shapes_op_castlike(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	return shapes_shape_of(s, &out[0], n, 0, in_elem(n, 1));
}

/* Arithmetic on constants, elementwise with scalar broadcast. */
static int
const_arith(struct sh *s, struct ir_node *n)
{
	const struct sconst *a = shapes_cget(s, in_v(n, 0));
	const struct sconst *b = shapes_cget(s, in_v(n, 1));
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
	if ((c = shapes_const_new(s, a->rank > b->rank ? a->rank : b->rank,
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
			else if (strcmp(op, "Equal") == 0 &&
			    shapes_dim_same(x, y))
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
	return shapes_cput(s, n->outputs[0], c);
}

int
shapes_op_binary(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int32_t elem = in_elem(n, 0);

	if (n->ninputs < 1)
		return 0;
	/* opset < 7 broadcast needs an attribute: only equal ranks */
	if (ir_node_opset(n) < 7 && n->ninputs == 2 &&
	    ir_attr_int(n, "broadcast", 0) != 0)
		return shapes_shape_of(s, &out[0], n, 0, elem);
	if (shapes_bcast_inputs(s, n, 0, n->ninputs - 1, elem, &out[0]) < 0)
		return -1;
	if (in_elem(n, 0) == IR_ELEM_INT64 || in_elem(n, 0) == IR_ELEM_INT32)
		return const_arith(s, n);
	return 0;
}

int
shapes_op_compare(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (n->ninputs < 1)
		return 0;
	if (ir_node_opset(n) < 7 && ir_attr_int(n, "broadcast", 0) != 0)
		return shapes_shape_of(s, &out[0], n, 0, IR_ELEM_BOOL);
	if (shapes_bcast_inputs(s, n, 0, n->ninputs - 1, IR_ELEM_BOOL,
	    &out[0]) < 0)
		return -1;
	if (strcmp(n->op_type, "Equal") == 0)
		return const_arith(s, n);
	return 0;
}

int
shapes_op_variadic(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (n->ninputs < 1)
		return 0;
	if (ir_node_opset(n) < 8 && n->ninputs > 1)
		return shapes_shape_of(s, &out[0], n, 0, in_elem(n, 0));
	return shapes_bcast_inputs(s, n, 0, n->ninputs - 1, in_elem(n, 0),
	    &out[0]);
}

int
shapes_op_where(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct sconst *c, *x, *y;
	struct sconst *r;
	size_t len, i;

	if (n->ninputs != 3)
		return 0;
	if (shapes_bcast_inputs(s, n, 0, 2, in_elem(n, 1), &out[0]) < 0)
		return -1;
	c = shapes_cget(s, in_v(n, 0));
	x = shapes_cget(s, in_v(n, 1));
	y = shapes_cget(s, in_v(n, 2));
	if (c == NULL || x == NULL || y == NULL)
		return 0;
	len = c->n;
	if ((x->n != len && x->n != 1) || (y->n != len && y->n != 1) ||
	    len == 0)
		return 0;
	if ((r = shapes_const_new(s, 1, len)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (c->e[i].kind != IR_DIM_VALUE)
			continue;
		r->e[i] = c->e[i].value ? x->e[x->n == 1 ? 0 : i] :
		    y->e[y->n == 1 ? 0 : i];
	}
	return shapes_cput(s, n->outputs[0], r);
}

int
shapes_op_prelu(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	/* the slope broadcasts to X (unidirectionally from opset 7) */
	(void)s;
	shapes_same_as(&out[0], n, 0);
	return 0;
}

int
shapes_op_quantize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int32_t elem = IR_ELEM_UINT8;

	if (in_v(n, 2) != NULL)
		elem = in_elem(n, 2);
	else if (ir_node_attr(n, "output_dtype") != NULL)
		elem = (int32_t)ir_attr_int(n, "output_dtype", 0);
	return shapes_shape_of(s, &out[0], n, 0, elem);
}

int
shapes_op_dequantize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	int32_t elem = IR_ELEM_FLOAT;

	if (ir_node_opset(n) >= 19)
		elem = in_elem(n, 1);
	return shapes_shape_of(s, &out[0], n, 0, elem);
}

int
shapes_op_dyn_quantize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (shapes_shape_of(s, &out[0], n, 0, IR_ELEM_UINT8) < 0)
		return -1;
	if (n->noutputs > 1 && shapes_mk(s, &out[1], IR_ELEM_FLOAT, 0) < 0)
		return -1;
	if (n->noutputs > 2 && shapes_mk(s, &out[2], IR_ELEM_UINT8, 0) < 0)
		return -1;
	return 0;
}
