/* SPDX-License-Identifier: MIT */
/*
 * The operator version steps of the opset pass (passes/opset.c) that
 * need more than the generic comparison of two schema versions: the
 * attribute <-> input moves and one row each in opset_rules[], with the
 * function that applies the step both ways.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "opset.h"

/* --- attribute <-> input moves ----------------------------------------- */



/* A constant for an attribute moved into an input: an initializer
 * (local functions have none: refused there). */
static int
make_const(struct conv *c, const struct ir_attr *a, enum move_kind k,
    struct ir_value **out)
{
	struct ir_graph *g = c->n->graph;
	int64_t dim;
	int32_t elem;

	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "attribute '%s' would become a constant "
		    "input inside a function body", a->name);
	switch (k) {
	case MV_INTS:
		if (a->type != IR_ATTR_INTS)
			break;
		*out = irbuild_ints(g, a->name, a->ints, a->n);
		return *out == NULL ? -1 : 0;
	case MV_INT1:
		if (a->type != IR_ATTR_INT)
			break;
		*out = irbuild_ints(g, a->name, &a->i, 1);
		return *out == NULL ? -1 : 0;
	case MV_FLOAT:
		if (a->type != IR_ATTR_FLOAT)
			break;
		elem = value_elem(in(c->n, 0));
		if (elem != IR_ELEM_FLOAT && elem != IR_ELEM_DOUBLE &&
		    elem != IR_ELEM_FLOAT16)
			return refuse(c, "attribute '%s': the element type "
			    "of input 0 is not known to be a float type",
			    a->name);
		*out = irbuild_scalar(g, a->name, elem, a->f, 0);
		return *out == NULL ? -1 : 0;
	case MV_FLOATS:
		if (a->type != IR_ATTR_FLOATS)
			break;
		dim = (int64_t)a->n;
		*out = irbuild_init(g, a->name, IR_ELEM_FLOAT, 1, &dim,
		    a->floats, a->n * sizeof(float));
		return *out == NULL ? -1 : 0;
	}
	return refuse(c, "attribute '%s' is not of the type its input takes",
	    a->name);
}

/* Input I of N becomes attribute NAME (down) or the reverse (up). */
static int
move(struct conv *c, const char *name, size_t i, enum move_kind k)
{
	char b[DIAG_ESCAPE_SIZE];
	struct ir_node *n = c->n;

	c->handled = true;
	if (c->down) {
		struct ir_value *v = in(n, i);
		const struct ir_tensor *t;
		int64_t iv[MAXV];
		size_t cnt = 0;
		int rc;

		if (v == NULL)
			return 0;
		if ((t = perm_const(v)) == NULL)
			return refuse(c, "input %zu '%s' is not a constant: "
			    "it cannot become attribute '%s'", i,
			    diag_esc(b, v->name), name);
		switch (k) {
		case MV_INTS:
		case MV_INT1:
			if ((rc = const_ints(c, i, iv, &cnt)) != 0)
				return rc;
			if (k == MV_INT1 && cnt != 1)
				return refuse(c, "input %zu holds %zu values, "
				    "attribute '%s' one", i, cnt, name);
			rc = k == MV_INT1 ? irbuild_attr_i(n, name, iv[0]) :
			    irbuild_attr_ints(n, name, iv, cnt);
			if (rc < 0)
				return -1;
			break;
		case MV_FLOAT:
		case MV_FLOATS: {
			float fv[MAXV];
			int64_t count = perm_const_count(t);
			int64_t j;

			if (count < 0 || count > MAXV ||
			    (k == MV_FLOAT && count != 1))
				return refuse(c, "input %zu '%s' does not hold "
				    "what attribute '%s' takes", i,
				    diag_esc(b, v->name), name);
			if (t->elem != IR_ELEM_FLOAT &&
			    t->elem != IR_ELEM_FLOAT16 &&
			    t->elem != IR_ELEM_DOUBLE)
				return refuse(c, "input %zu '%s' is %s: "
				    "attribute '%s' is a float", i,
				    diag_esc(b, v->name), ir_elem_name(t->elem),
				    name);
			for (j = 0; j < count; j++) {
				double d;

				if (ir_tensor_get_f64(t, (uint64_t)j, &d) < 0)
					return refuse(c, "input %zu '%s': its "
					    "values cannot be read", i,
					    diag_esc(b, v->name));
				fv[j] = (float)d;
				if ((double)fv[j] != d && !isnan(d))
					return refuse(c, "input %zu '%s': "
					    "%.17g is not a float", i,
					    diag_esc(b, v->name), d);
			}
			rc = k == MV_FLOAT ? irbuild_attr_f(n, name, fv[0]) :
			    irbuild_attr_floats(n, name, fv, (size_t)count);
			if (rc < 0)
				return -1;
			break;
		}
		}
		if (ir_node_set_input(n, i, NULL) < 0)
			return -1;
		n->dirty = true;
		trim_inputs(n);
		return 0;
	} else {
		struct ir_attr *a = ir_node_attr(n, name);
		struct ir_value *v = NULL;
		int rc;

		if (a == NULL)
			return 0;
		if (attr_is_ref(a))
			return refuse(c, "attribute '%s' refers to a function "
			    "attribute", name);
		if (in(n, i) != NULL)
			return refuse(c, "attribute '%s' and input %zu both "
			    "given", name, i);
		if ((rc = make_const(c, a, k, &v)) != 0)
			return rc;
		attr_del(n, name);
		return set_input(n, i, v);
	}
}

/* --- rules -------------------------------------------------------------- */


static int
fn_move(struct conv *c, const struct rule *r)
{
	return move(c, r->attr, (size_t)r->input, r->mv);
}

/* Semantics widened at this step: going down, no exact rewrite known
 * (going up, what the old version meant stays valid). */
static int
fn_refuse(struct conv *c, const struct rule *r)
{
	if (!c->down)
		return 0;
	return refuse(c, "%s", r->attr != NULL ? r->attr :
	    "the semantics changed and no exact rewrite is known");
}

/* Old broadcasting (axis, broadcast attributes, below 7). */
static int
fn_old_broadcast(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	const struct ir_attr *bc = ir_node_attr(n, "broadcast");
	bool gemm = strcmp(r->op, "Gemm") == 0;

	if (c->down) {
		if (gemm)	/* C broadcasts one way either way */
			return set_attr_i(n, "broadcast", 1);
		if (!same_shape(in(n, 0), in(n, 1)))
			return refuse(c, "inputs of different or unknown "
			    "shapes broadcast only with the old 'broadcast' "
			    "attribute, whose alignment differs");
		return 0;
	}
	if (bc != NULL && (bc->type != IR_ATTR_INT || attr_is_ref(bc)))
		return refuse(c, "attribute 'broadcast' is not a plain int");
	if (!gemm && bc != NULL && bc->i != 0 &&
	    ir_node_attr(n, "axis") != NULL) {
		int ra = value_rank(in(n, 0)), rb = value_rank(in(n, 1));

		if (ra < 0 || rb < 0 || ir_attr_int(n, "axis", 0) != ra - rb)
			return refuse(c, "broadcast along an axis other than "
			    "the trailing ones");
	}
	attr_del(n, "broadcast");
	attr_del(n, "axis");
	return 0;
}

/* Max, Min, Sum, Mean below 8: every input of one shape. */
static int
fn_variadic_broadcast(struct conv *c, const struct rule *r)
{
	size_t i;

	(void)r;
	if (!c->down)
		return 0;
	for (i = 1; i < c->n->ninputs; i++)
		if (!same_shape(in(c->n, 0), in(c->n, i)))
			return refuse(c, "inputs of different or unknown "
			    "shapes: multidirectional broadcasting starts "
			    "at %s-8", c->n->op_type);
	return 0;
}

/* Give V the type of X with its dims permuted by PERM (RANK entries),
 * so that the type checks of the step see the new input. */
static int
type_permuted(struct ir_value *v, const struct ir_value *x,
    const int64_t *perm, int rank)
{
	int i;

	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = value_elem(x);
	v->type.rank = rank;
	if (rank == 0)
		return 0;
	v->type.dims = arena_array(&v->graph->model->arena, (size_t)rank,
	    sizeof(*v->type.dims));
	if (v->type.dims == NULL)
		return -1;
	for (i = 0; i < rank; i++)
		v->type.dims[i] = x->type.dims[perm[i]];
	return 0;
}

/* Softmax-13 along an inner axis going down: between two Transposes
 * that swap that axis with the last one, along which the 2-D coercion
 * of the older versions is the same operation. */
static int
softmax_down(struct conv *c, int64_t axis, int rank)
{
	struct ir_node *n = c->n, *k;
	struct ir_value *x = in(n, 0), *y, *t, *mid;
	int64_t perm[MAXV];
	int i;

	if (rank < 0 || rank > MAXV)
		return refuse(c, "%s-13 along axis %" PRId64 " of an input "
		    "of unknown rank is not the 2-D coercion of the older "
		    "versions", n->op_type, axis);
	if (n->noutputs != 1 || (y = n->outputs[0]) == NULL || x == NULL)
		return refuse(c, "unexpected inputs or outputs");
	for (i = 0; i < rank; i++)
		perm[i] = i;
	perm[axis] = rank - 1;
	perm[rank - 1] = axis;
	if ((k = emit(n->graph, "Transpose", &x, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "perm", perm, (size_t)rank) < 0)
		return -1;
	t = k->outputs[0];
	if ((mid = irbuild_value(n->graph, "opset_moved")) == NULL ||
	    type_permuted(t, x, perm, rank) < 0 ||
	    type_permuted(mid, x, perm, rank) < 0 ||
	    ir_node_set_input(n, 0, t) < 0)
		return -1;
	ir_node_set_output(n, 0, mid);
	if ((k = emit(n->graph, "Transpose", &mid, 1, y)) == NULL ||
	    irbuild_attr_ints(k, "perm", perm, (size_t)rank) < 0)
		return -1;
	n->dirty = true;
	return set_attr_i(n, "axis", rank - 1);
}

/* Softmax, LogSoftmax, Hardmax: below 13 the input is coerced to 2-D at
 * axis (default 1); from 13 the operation runs along axis (default -1).
 * The same where axis is the last one; going up otherwise: Flatten,
 * the op along axis 1, Reshape back. */
static int
fn_softmax(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	int rank = value_rank(in(n, 0));
	int64_t axis = ir_attr_int(n, "axis", c->down ? -1 : 1);
	struct ir_value *x = in(n, 0), *y, *flat, *shape, *mid;
	struct ir_node *fl, *sh, *rs;
	struct ir_value *fin[1], *rin[2];

	(void)r;
	if (ir_node_attr(n, "axis") != NULL &&
	    (ir_node_attr(n, "axis")->type != IR_ATTR_INT ||
	    attr_is_ref(ir_node_attr(n, "axis"))))
		return refuse(c, "attribute 'axis' is not a plain int");
	if (rank >= 0 && axis < 0)
		axis += rank;
	if (rank >= 0 && (axis < 0 || axis >= rank))
		return refuse(c, "axis out of range");
	if ((rank >= 0 && axis == rank - 1) || (rank < 0 && axis == -1))
		return set_attr_i(n, "axis", -1);
	if (c->down)
		return softmax_down(c, axis, rank);
	if (axis < 0)
		return refuse(c, "negative axis on an input of unknown rank");
	if (n->noutputs != 1 || (y = n->outputs[0]) == NULL || x == NULL)
		return refuse(c, "unexpected outputs");
	/* Flatten(x, axis) -> op(axis=1) -> Reshape(Shape(x)) */
	fin[0] = x;
	if ((fl = irbuild_node(n->graph, "Flatten", "", fin, 1, 1,
	    "opset_flat")) == NULL || irbuild_attr_i(fl, "axis", axis) < 0)
		return -1;
	if ((sh = irbuild_node(n->graph, "Shape", "", fin, 1, 1,
	    "opset_shape")) == NULL)
		return -1;
	flat = fl->outputs[0];
	shape = sh->outputs[0];
	if ((mid = irbuild_value(n->graph, "opset_2d")) == NULL)
		return -1;
	if (ir_node_set_input(n, 0, flat) < 0)
		return -1;
	ir_node_set_output(n, 0, mid);
	rin[0] = mid;
	rin[1] = shape;
	if ((rs = irbuild_node(n->graph, "Reshape", "", rin, 2, 0,
	    "opset_reshape")) == NULL)
		return -1;
	rs->noutputs = 1;
	rs->outputs = arena_array(&n->graph->model->arena, 1,
	    sizeof(*rs->outputs));
	if (rs->outputs == NULL)
		return -1;
	ir_node_set_output(rs, 0, y);
	n->dirty = true;
	return set_attr_i(n, "axis", 1);
}

/* Negative axes arrive at 11: below, normalise them by the rank. */
static int
fn_neg_axes(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	struct ir_attr *a;
	int rank;
	size_t k;

	(void)r;
	if (!c->down)
		return 0;
	/* Unsqueeze's axes index its output */
	rank = strcmp(n->op_type, "Unsqueeze") == 0 ?
	    value_rank(n->noutputs > 0 ? n->outputs[0] : NULL) :
	    value_rank(in(n, 0));
	if ((a = ir_node_attr(n, "axis")) != NULL && a->type == IR_ATTR_INT &&
	    a->i < 0) {
		if (attr_is_ref(a) || rank < 0)
			return refuse(c, "negative axis on an input of unknown "
			    "rank");
		a->i += rank;
		a->dirty = true;
		n->dirty = true;
	}
	if ((a = ir_node_attr(n, "axes")) != NULL && a->type == IR_ATTR_INTS)
		for (k = 0; k < a->n; k++)
			if (a->ints[k] < 0) {
				if (attr_is_ref(a) || rank < 0)
					return refuse(c, "negative axes on an "
					    "input of unknown rank");
				a->ints[k] += rank;
				a->dirty = true;
				n->dirty = true;
			}
	return 0;
}

/*
 * OneHot-11 takes indices in [-depth, depth) and a negative axis in
 * [-r-1, -1]; below, indices outside [0, depth) give all off-values.
 * Going down: a negative index becomes index + depth, or depth when
 * that is still negative; depth cast through int64 to the indices'
 * type as the kernels read it, and the axis counted from the front
 * (r + 1 output axes).
 */
static int
fn_onehot11(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *idx = in(n, 0), *depth = in(n, 1), *ins[3], *d;
	struct ir_value *zero, *sum;
	struct ir_attr *a = ir_node_attr(n, "axis");
	int32_t e = value_elem(idx);
	int rank = value_rank(idx);
	int64_t none = 0;

	(void)r;
	if (!c->down)
		return 0;
	if (a != NULL && (a->type != IR_ATTR_INT || attr_is_ref(a)))
		return refuse(c, "attribute 'axis' is not a plain int");
	if (a != NULL && a->i < -1) {
		if (rank < 0)
			return refuse(c, "negative axis on indices of unknown "
			    "rank");
		a->i += rank + 1;
		a->dirty = true;
		n->dirty = true;
	}
	switch (e) {
	case IR_ELEM_UINT8: case IR_ELEM_UINT16: case IR_ELEM_UINT32:
	case IR_ELEM_UINT64:
		return 0;	/* never negative */
	case IR_ELEM_INT32: case IR_ELEM_INT64: case IR_ELEM_FLOAT:
	case IR_ELEM_DOUBLE:
		break;
	default:
		return refuse(c, "indices not known to be int32, int64, "
		    "float or double, which Add, Less and Where take");
	}
	if (idx == NULL || depth == NULL)
		return refuse(c, "unexpected inputs");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "constants inside a function body");
	/* depth: a scalar (or one element) of the indices' type */
	if ((ins[0] = irbuild_ints(g, "opset_scalar", &none, 0)) == NULL ||
	    (d = emit2(g, "Reshape", depth, ins[0], NULL)) == NULL)
		return -1;
	if (value_elem(depth) != IR_ELEM_INT64) {
		if ((k = emit(g, "Cast", &d, 1, NULL)) == NULL ||
		    irbuild_attr_i(k, "to", IR_ELEM_INT64) < 0)
			return -1;
		d = k->outputs[0];
	}
	if (e != IR_ELEM_INT64) {
		if ((k = emit(g, "Cast", &d, 1, NULL)) == NULL ||
		    irbuild_attr_i(k, "to", e) < 0)
			return -1;
		d = k->outputs[0];
	}
	/* below -depth: depth, off in every version (ONNX Runtime's older
	 * kernels add depth to a negative index too) */
	if ((zero = irbuild_scalar(g, "opset_zero", e, 0, 0)) == NULL ||
	    (sum = emit2(g, "Add", idx, d, NULL)) == NULL ||
	    (ins[0] = emit2(g, "Less", sum, zero, NULL)) == NULL)
		return -1;
	ins[1] = d;
	ins[2] = sum;
	if ((k = emit(g, "Where", ins, 3, NULL)) == NULL ||
	    (ins[0] = emit2(g, "Less", idx, zero, NULL)) == NULL)
		return -1;
	ins[1] = k->outputs[0];
	ins[2] = idx;
	if ((k = emit(g, "Where", ins, 3, NULL)) == NULL)
		return -1;
	return set_input(n, 0, k->outputs[0]);
}

/* Gather-11 takes negative indices; below, only non-negative ones mean
 * the same: known ones are kept, others become Where(indices < 0,
 * indices + D, indices) when the size D of the gathered axis is known. */
static int
fn_gather(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *data = in(n, 0), *idx = in(n, 1), *ins[3];
	int64_t v[MAXV], axis;
	int32_t e = value_elem(idx);
	int rank = value_rank(data);
	size_t cnt, i;
	int rc;

	if (!c->down)
		return 0;
	if ((rc = fn_neg_axes(c, r)) != 0)
		return rc;
	if (perm_const(idx) != NULL && const_ints(c, 1, v, &cnt) == 0) {
		for (i = 0; i < cnt && v[i] >= 0; i++)
			;
		if (i == cnt)
			return 0;
	}
	axis = ir_attr_int(n, "axis", 0);
	if (rank < 1 || axis < 0 || axis >= rank ||
	    data->type.dims[axis].kind != IR_DIM_VALUE ||
	    data->type.dims[axis].value <= 0)
		return refuse(c, "indices may be negative, which only "
		    "Gather-11 defines, and the size of axis %" PRId64 " is "
		    "not known", axis);
	if (e != IR_ELEM_INT32 && e != IR_ELEM_INT64)
		return refuse(c, "indices not known to be int32 or int64");
	if (e == IR_ELEM_INT32 && data->type.dims[axis].value > INT32_MAX)
		return refuse(c, "axis %" PRId64 " is longer than int32 "
		    "indices count", axis);
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "constants inside a function body");
	if ((ins[1] = irbuild_scalar(g, "opset_zero", e, 0, 0)) == NULL ||
	    (ins[0] = emit2(g, "Less", idx, ins[1], NULL)) == NULL ||
	    (ins[2] = irbuild_scalar_int(g, "opset_size", e,
	    data->type.dims[axis].value)) == NULL ||
	    (ins[1] = emit2(g, "Add", idx, ins[2], NULL)) == NULL)
		return -1;
	ins[2] = idx;
	if ((k = emit(g, "Where", ins, 3, NULL)) == NULL)
		return -1;
	return set_input(n, 1, k->outputs[0]);
}

/*
 * auto_pad SAME_UPPER/SAME_LOWER spelled out as pads, which every
 * version reads alike: output ceil(in / stride), the total padding
 * (out - 1) * stride + (kernel - 1) * dilation + 1 - in, the odd one at
 * the end (UPPER) or the start (LOWER).  Needs the spatial sizes.
 */
static int
explicit_pads(struct conv *c, bool upper)
{
	struct ir_node *n = c->n;
	const struct ir_value *x = in(n, 0), *w = in(n, 1);
	const struct ir_attr *ks = ir_node_attr(n, "kernel_shape");
	const struct ir_attr *st = ir_node_attr(n, "strides");
	const struct ir_attr *dl = ir_node_attr(n, "dilations");
	int rank = value_rank(x), sp, i;
	int64_t pads[2 * MAXV];

	if (rank < 3 || rank - 2 > MAXV)
		return refuse(c, "SAME padding on an input of unknown rank");
	sp = rank - 2;
	for (i = 0; i < sp; i++) {
		int64_t in_ = x->type.dims[i + 2].value, k, s = 1, d = 1;
		int64_t out, eff, total;

		if (x->type.dims[i + 2].kind != IR_DIM_VALUE || in_ <= 0)
			return refuse(c, "SAME padding on an input of unknown "
			    "size");
		if (ks != NULL && ks->type == IR_ATTR_INTS &&
		    ks->n == (size_t)sp)
			k = ks->ints[i];
		else if (strcmp(n->op_type, "Conv") == 0 && ks == NULL &&
		    value_rank(w) == rank &&
		    w->type.dims[i + 2].kind == IR_DIM_VALUE)
			k = w->type.dims[i + 2].value;
		else
			return refuse(c, "SAME padding with kernel_shape not "
			    "known");
		if (st != NULL && (st->type != IR_ATTR_INTS ||
		    st->n != (size_t)sp))
			return refuse(c, "strides not plain");
		if (dl != NULL && (dl->type != IR_ATTR_INTS ||
		    dl->n != (size_t)sp))
			return refuse(c, "dilations not plain");
		if (st != NULL)
			s = st->ints[i];
		if (dl != NULL)
			d = dl->ints[i];
		if (s <= 0 || d <= 0 || k <= 0 || k > (1 << 20) ||
		    d > (1 << 20) || s > (1 << 20) || in_ > (INT64_C(1) << 40))
			return refuse(c, "kernel, stride or dilation out of "
			    "range");
		out = (in_ + s - 1) / s;
		eff = (k - 1) * d + 1;
		total = (out - 1) * s + eff - in_;
		if (total < 0)
			return refuse(c, "SAME padding with a negative total");
		pads[upper ? i : i + sp] = total / 2;
		pads[upper ? i + sp : i] = total - total / 2;
	}
	attr_del(n, "auto_pad");
	attr_del(n, "pads");
	return irbuild_attr_ints(n, "pads", pads, (size_t)(2 * sp));
}

/* Conv, pools at 11: only the explicit-pads forms are kept. */
static int
fn_pool11(struct conv *c, const struct rule *r)
{
	char b[32];
	const char *ap;

	(void)r;
	if (!c->down)
		return 0;
	ap = attr_str(c->n, "auto_pad", "NOTSET", b, sizeof(b));
	if (ap != NULL && strcmp(c->n->op_type, "ConvTranspose") != 0 &&
	    (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0))
		return explicit_pads(c, strcmp(ap, "SAME_UPPER") == 0);
	if (ap == NULL || (strcmp(ap, "NOTSET") != 0 &&
	    strcmp(ap, "VALID") != 0))
		return refuse(c, "auto_pad other than NOTSET or VALID");
	if (strcmp(c->n->op_type, "ConvTranspose") == 0 &&
	    ir_node_attr(c->n, "output_shape") != NULL)
		return refuse(c, "output_shape");
	return 0;
}

/* BatchNormalization-14: inference only below it (one output). */
static int
fn_bn14(struct conv *c, const struct rule *r)
{
	size_t i;

	(void)r;
	c->handled = true;
	for (i = 1; i < c->n->noutputs; i++)
		if (c->n->outputs[i] != NULL)
			return refuse(c, "training outputs: their meaning "
			    "differs between BatchNormalization-9 and -14");
	return 0;
}

/* BatchNormalization-7 drops is_test, -9 drops spatial (1: the only
 * form left). */
static int
fn_bn_legacy(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	size_t i;

	if (c->down)
		return 0;
	for (i = 1; i < n->noutputs; i++)
		if (n->outputs[i] != NULL)
			return refuse(c, "training outputs");
	if (r->since == 9 && ir_attr_int(n, "spatial", 1) != 1)
		return refuse(c, "spatial=0 (per-activation statistics)");
	attr_del(n, r->since == 9 ? "spatial" : "is_test");
	return 0;
}

/* Dropout-7 drops is_test (inference either way). */
static int
fn_drop_attr(struct conv *c, const struct rule *r)
{
	if (!c->down)
		attr_del(c->n, r->attr);
	return 0;
}

/*
 * ArgMax/ArgMin-12 with select_last_index 1, going down: the first
 * index along the reversed axis (Slice with step -1, opset 10), turned
 * back: (size - 1) - index, the size known or read by Shape and Gather.
 */
static int
fn_arg12(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *y, *mid, *ins[5], *last, *one;
	const struct ir_attr *a = ir_node_attr(n, "select_last_index");
	int rank = value_rank(x);
	int64_t axis = ir_attr_int(n, "axis", 0), v, perm[MAXV];
	int i;

	(void)r;
	if (!c->down || a == NULL || (a->type == IR_ATTR_INT &&
	    !attr_is_ref(a) && a->i == 0))
		return 0;	/* the generic comparison drops a 0 */
	if (a->type != IR_ATTR_INT || attr_is_ref(a) ||
	    attr_is_ref(ir_node_attr(n, "axis")))
		return refuse(c, "attributes refer to function attributes");
	if (c->to < 10)
		return refuse(c, "select_last_index needs Slice with steps, "
		    "from opset 10");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "constants inside a function body");
	if (x == NULL || n->noutputs != 1 || (y = n->outputs[0]) == NULL)
		return refuse(c, "unexpected inputs or outputs");
	if (rank >= 0 && axis < 0)
		axis += rank;
	if (rank >= 0 && (axis < 0 || axis >= rank))
		return refuse(c, "axis out of range");
	if (rank < 0 || rank > MAXV)
		return refuse(c, "select_last_index on an input of unknown "
		    "rank");
	/* x reversed along axis */
	v = -1;
	if ((ins[1] = irbuild_ints(g, "opset_starts", &v, 1)) == NULL ||
	    (ins[4] = irbuild_ints(g, "opset_steps", &v, 1)) == NULL)
		return -1;
	v = INT64_MIN;
	if ((ins[2] = irbuild_ints(g, "opset_ends", &v, 1)) == NULL ||
	    (ins[3] = irbuild_ints(g, "opset_axes", &axis, 1)) == NULL)
		return -1;
	ins[0] = x;
	for (i = 0; i < rank; i++)
		perm[i] = i;
	if ((k = emit(g, "Slice", ins, 5, NULL)) == NULL ||
	    type_permuted(k->outputs[0], x, perm, rank) < 0 ||
	    set_input(n, 0, k->outputs[0]) < 0)
		return -1;
	/* size - 1 */
	if (x->type.dims[axis].kind == IR_DIM_VALUE &&
	    x->type.dims[axis].value > 0) {
		if ((last = irbuild_scalar_int(g, "opset_last",
		    IR_ELEM_INT64, x->type.dims[axis].value - 1)) == NULL)
			return -1;
	} else {
		if ((ins[0] = emit2(g, "Shape", x, NULL, NULL)) == NULL ||
		    (ins[1] = irbuild_scalar_int(g, "opset_axis",
		    IR_ELEM_INT64, axis)) == NULL ||
		    (ins[0] = emit2(g, "Gather", ins[0], ins[1], NULL)) ==
		    NULL || (one = irbuild_scalar(g, "opset_one",
		    IR_ELEM_INT64, 1, 0)) == NULL ||
		    (last = emit2(g, "Sub", ins[0], one, NULL)) == NULL)
			return -1;
	}
	if ((mid = irbuild_value(g, "opset_first")) == NULL)
		return -1;
	ir_node_set_output(n, 0, mid);
	if (emit2(g, "Sub", last, mid, y) == NULL)
		return -1;
	attr_del(n, "select_last_index");
	return 0;
}

/* Is V a constant scalar (or one element) 0? */
static bool
ratio_zero(const struct ir_value *v)
{
	struct ir_tensor buf;
	const struct ir_tensor *t = perm_const(v);
	uint64_t n;
	int bad;
	double f;

	if (t == NULL)
		return false;
	t = ir_tensor_view(t, &buf);
	return ir_tensor_count(t, &n, &bad) == 0 && n == 1 &&
	    ir_tensor_get_f64(t, 0, &f) == 0 && f == 0;
}

/* Dropout-12: ratio becomes an input; training_mode must be false. */
static int
fn_dropout12(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt;
	int rc;

	(void)r;
	c->handled = true;
	if (!c->down)
		return move(c, "ratio", 1, MV_FLOAT);
	/* the mask of inference is all ones from 12 on; ONNX Runtime's
	 * kernels of the older versions do not give that */
	if (c->n->noutputs > 1 && c->n->outputs[1] != NULL) {
		struct ir_value *mask = c->n->outputs[1];

		if (mask->nuses > 0 || mask->noutputs > 0)
			return refuse(c, "the mask output: ONNX Runtime's "
			    "Dropout before 12 does not give the all-ones "
			    "mask of inference");
		/* read by nothing: dropped */
		mask->producer = NULL;
		c->n->noutputs = 1;
		c->n->dirty = true;
	}
	if (in(c->n, 2) != NULL) {
		/* training with ratio 0 keeps every element as well */
		if (((rc = const_ints(c, 2, v, &cnt)) != 0 || cnt != 1 ||
		    v[0] != 0) && !ratio_zero(in(c->n, 1)))
			return refuse(c, "training_mode not a constant false "
			    "and ratio not a constant 0");
		if (ir_node_set_input(c->n, 2, NULL) < 0)
			return -1;
		trim_inputs(c->n);
	}
	if (ir_node_attr(c->n, "seed") != NULL)
		attr_del(c->n, "seed");
	return move(c, "ratio", 1, MV_FLOAT);
}

/* Slice-10: steps (input 4) exists only from 10; down, all ones. */
static int
fn_slice10(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt, i;
	int rc;

	(void)r;
	c->handled = true;
	if (!c->down || in(c->n, 4) == NULL)
		return 0;
	if ((rc = const_ints(c, 4, v, &cnt)) != 0)
		return rc;
	for (i = 0; i < cnt; i++)
		if (v[i] != 1)
			return refuse(c, "step %" PRId64 " other than 1",
			    v[i]);
	if (ir_node_set_input(c->n, 4, NULL) < 0)
		return -1;
	trim_inputs(c->n);
	return 0;
}

/* Slice-11 takes negative axes. */
static int
fn_slice11(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt, i;
	int rc;

	(void)r;
	if (!c->down || in(c->n, 3) == NULL)
		return 0;
	if ((rc = const_ints(c, 3, v, &cnt)) != 0)
		return rc;
	for (i = 0; i < cnt; i++)
		if (v[i] < 0)
			return refuse(c, "negative axis, which only Slice-11 "
			    "defines");
	return 0;
}

/* Split-18: num_outputs, or the split input, must be given. */
static int
fn_split18(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	const struct ir_attr *a = ir_node_attr(n, "num_outputs");

	(void)r;
	if (!c->down) {
		if (in(n, 1) == NULL && a == NULL)
			return irbuild_attr_i(n, "num_outputs",
			    (int64_t)n->noutputs);
		return 0;
	}
	if (a == NULL)
		return 0;
	if (a->type != IR_ATTR_INT || attr_is_ref(a) ||
	    a->i != (int64_t)n->noutputs)
		return refuse(c, "num_outputs differs from the outputs");
	/* Split-13 without split divides evenly; -18 lets the last part
	 * be smaller: equal when the dimension divides */
	{
		int64_t axis = ir_attr_int(n, "axis", 0);
		const struct ir_value *x = in(n, 0);
		int rank = value_rank(x);

		if (rank < 0)
			return refuse(c, "input of unknown rank");
		if (axis < 0)
			axis += rank;
		if (axis < 0 || axis >= rank ||
		    x->type.dims[axis].kind != IR_DIM_VALUE ||
		    a->i <= 0 || x->type.dims[axis].value % a->i != 0)
			return refuse(c, "the split dimension is not known "
			    "to divide evenly into num_outputs parts");
	}
	attr_del(n, "num_outputs");
	return 0;
}

/* Gemm-11: C optional; below, a zero C. */
static int
fn_gemm11(struct conv *c, const struct rule *r)
{
	struct ir_value *z;
	int32_t elem = value_elem(in(c->n, 0));

	(void)r;
	c->handled = true;
	if (!c->down || in(c->n, 2) != NULL)
		return 0;
	if (c->n->graph->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "C would be a constant inside a function");
	if ((z = irbuild_scalar(c->n->graph, "opset_zero", elem, 0, 0)) ==
	    NULL)
		return elem == 0 ? refuse(c, "element type unknown") : -1;
	return set_input(c->n, 2, z);
}

/* Resize-13: roi and scales optional; below, empty ones. */
static int
fn_resize13(struct conv *c, const struct rule *r)
{
	int64_t zero = 0;
	size_t i;

	(void)r;
	c->handled = true;
	if (!c->down)
		return 0;
	for (i = 1; i <= 2; i++) {
		struct ir_value *e;

		if (in(c->n, i) != NULL)
			continue;
		if (c->n->graph->kind == IR_GRAPH_FUNCTION)
			return refuse(c, "roi/scales would be constants "
			    "inside a function");
		if ((e = irbuild_init(c->n->graph, i == 1 ? "opset_roi" :
		    "opset_scales", IR_ELEM_FLOAT, 1, &zero, NULL, 0)) ==
		    NULL || set_input(c->n, i, e) < 0)
			return -1;
	}
	return 0;
}

/* Resize-19 adds the half_pixel_symmetric mode. */
static int
fn_resize19(struct conv *c, const struct rule *r)
{
	const struct ir_attr *a = ir_node_attr(c->n,
	    "coordinate_transformation_mode");

	(void)r;
	if (c->down && attr_str_is(a, "half_pixel_symmetric"))
		return refuse(c, "coordinate mode half_pixel_symmetric");
	return 0;
}

/* Pad-19 adds the wrap mode. */
static int
fn_pad19(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down && attr_str_is(ir_node_attr(c->n, "mode"), "wrap"))
		return refuse(c, "mode wrap");
	return 0;
}

/* QuantizeLinear/DequantizeLinear-13 add per-axis scales. */
static int
fn_quant13(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down && value_rank(in(c->n, 1)) != 0)
		return refuse(c, "scale not known to be a scalar: per-axis "
		    "quantisation starts at 13");
	if (c->down)
		attr_del(c->n, "axis");
	return 0;
}

/* RoiAlign-16: the default coordinate mode became half_pixel; -10 is
 * output_half_pixel. */
static int
fn_roialign16(struct conv *c, const struct rule *r)
{
	const struct ir_attr *a = ir_node_attr(c->n,
	    "coordinate_transformation_mode");

	(void)r;
	if (!c->down)
		return set_attr_s(c->n, "coordinate_transformation_mode",
		    "output_half_pixel");
	if (!attr_str_is(a, "output_half_pixel"))
		return refuse(c, "coordinate mode half_pixel, which "
		    "RoiAlign-10 does not have");
	attr_del(c->n, "coordinate_transformation_mode");
	return 0;
}

/* GridSample-20 renamed bilinear/bicubic to linear/cubic and took N-D
 * inputs. */
static int
fn_gridsample20(struct conv *c, const struct rule *r)
{
	char b[32];
	const char *m;

	(void)r;
	m = attr_str(c->n, "mode", c->down ? "linear" : "bilinear", b,
	    sizeof(b));
	if (m == NULL)
		return refuse(c, "mode not a plain string");
	if (c->down && value_rank(in(c->n, 0)) != 4)
		return refuse(c, "input not known to be 4-D");
	if (strcmp(m, "nearest") == 0)
		return set_attr_s(c->n, "mode", m);
	if (c->down)
		return strcmp(m, "linear") == 0 ? set_attr_s(c->n, "mode",
		    "bilinear") : strcmp(m, "cubic") == 0 ?
		    set_attr_s(c->n, "mode", "bicubic") :
		    refuse(c, "mode '%s'", m);
	return strcmp(m, "bilinear") == 0 ? set_attr_s(c->n, "mode",
	    "linear") : strcmp(m, "bicubic") == 0 ? set_attr_s(c->n, "mode",
	    "cubic") : refuse(c, "mode '%s'", m);
}

/* Upsample-9 became Resize-10 (same inputs and modes); Upsample is
 * deprecated from 10 on. */
static int
fn_upsample10(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down)
		return refuse(c, "Upsample is deprecated at 10");
	c->n->op_type = "Resize";
	c->n->dirty = true;
	c->handled = true;
	return 0;
}

/* Resize-10 samples with asymmetric coordinates, nearest rounding down
 * when upsampling; Resize-11 spells that out. */
static int
fn_resize11(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	char b[32];
	const char *mode = attr_str(n, "mode", "nearest", b, sizeof(b));
	int64_t zero = 0;
	struct ir_value *roi;

	(void)r;
	c->handled = true;
	if (mode == NULL)
		return refuse(c, "mode not a plain string");
	if (c->down) {
		char cb[40], nb[40];
		const char *ct = attr_str(n, "coordinate_transformation_mode",
		    "half_pixel", cb, sizeof(cb));
		const char *nm = attr_str(n, "nearest_mode",
		    "round_prefer_floor", nb, sizeof(nb));

		if (ct == NULL || strcmp(ct, "asymmetric") != 0)
			return refuse(c, "coordinate mode other than "
			    "asymmetric");
		if (strcmp(mode, "nearest") == 0 &&
		    (nm == NULL || strcmp(nm, "floor") != 0))
			return refuse(c, "nearest mode other than floor");
		if (strcmp(mode, "nearest") != 0 && strcmp(mode, "linear"))
			return refuse(c, "mode '%s'", mode);
		if (in(n, 3) != NULL || in(n, 2) == NULL)
			return refuse(c, "sizes instead of scales");
		if (strcmp(mode, "nearest") == 0) {
			/* upsampling only: rounding down is then exact */
			struct ir_tensor *t = perm_const(in(n, 2));
			int64_t k, cnt = t ? perm_const_count(t) : -1;

			for (k = 0; k < cnt; k++) {
				double d;

				if (ir_tensor_get_f64(t, (uint64_t)k, &d) < 0 ||
				    d < 1)
					break;
			}
			if (cnt < 0 || k < cnt)
				return refuse(c, "nearest with scales not "
				    "known to be >= 1");
		}
		attr_del(n, "coordinate_transformation_mode");
		attr_del(n, "nearest_mode");
		attr_del(n, "cubic_coeff_a");
		attr_del(n, "exclude_outside");
		attr_del(n, "extrapolation_value");
		if (ir_node_set_input(n, 1, in(n, 2)) < 0 ||
		    ir_node_set_input(n, 2, NULL) < 0)
			return -1;
		trim_inputs(n);
		return 0;
	}
	if (strcmp(mode, "nearest") == 0) {
		struct ir_tensor *t = perm_const(in(n, 1));
		int64_t k, cnt = t ? perm_const_count(t) : -1;

		for (k = 0; k < cnt; k++) {
			double d;

			if (ir_tensor_get_f64(t, (uint64_t)k, &d) < 0 || d < 1)
				break;
		}
		if (cnt < 0 || k < cnt)
			return refuse(c, "nearest with scales not known to be "
			    ">= 1: Resize-10 rounds those differently");
		if (set_attr_s(n, "nearest_mode", "floor") < 0)
			return -1;
	} else if (strcmp(mode, "linear") != 0) {
		return refuse(c, "mode '%s'", mode);
	}
	if (set_attr_s(n, "coordinate_transformation_mode", "asymmetric") < 0)
		return -1;
	if (n->graph->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "roi would be a constant inside a function");
	if ((roi = irbuild_init(n->graph, "opset_roi", IR_ELEM_FLOAT, 1,
	    &zero, NULL, 0)) == NULL)
		return -1;
	if (set_input(n, 2, in(n, 1)) < 0 || ir_node_set_input(n, 1, roi) < 0)
		return -1;
	return 0;
}

/* Scatter-9 became ScatterElements-11 (deprecated from 11 on). */
static int
fn_scatter11(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down)
		return refuse(c, "Scatter is deprecated at 11");
	c->n->op_type = "ScatterElements";
	c->n->dirty = true;
	c->handled = true;
	return 0;
}

/* Shape-15 takes start and end: below, Shape and a Slice of it (which
 * clamps the same way), made at the target opset. */
static int
fn_shape15(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	const struct ir_attr *sa = ir_node_attr(n, "start");
	const struct ir_attr *ea = ir_node_attr(n, "end");
	int64_t st = ir_attr_int(n, "start", 0), en = ir_attr_int(n, "end", INT64_MAX);
	int64_t zero = 0;
	int target = c->ctx->o->opset;
	struct ir_value *y, *mid, *ins[4];

	(void)r;
	if (!c->down || (sa == NULL && ea == NULL))
		return 0;
	if (attr_is_ref(sa) || attr_is_ref(ea) ||
	    (sa != NULL && sa->type != IR_ATTR_INT) ||
	    (ea != NULL && ea->type != IR_ATTR_INT))
		return refuse(c, "start or end not a plain int");
	attr_del(n, "start");
	attr_del(n, "end");
	if (st == 0 && ea == NULL)
		return 0;
	if (g->kind == IR_GRAPH_FUNCTION && target >= 10)
		return refuse(c, "start and end would be constants inside a "
		    "function body");
	if (n->noutputs != 1 || (y = n->outputs[0]) == NULL ||
	    (mid = irbuild_value(g, "opset_shape")) == NULL)
		return n->noutputs != 1 ? refuse(c, "unexpected outputs") : -1;
	ir_node_set_output(n, 0, mid);
	ins[0] = mid;
	if (target >= 10) {
		if ((ins[1] = irbuild_ints(g, "opset_start", &st, 1)) == NULL ||
		    (ins[2] = irbuild_ints(g, "opset_end", &en, 1)) == NULL ||
		    (ins[3] = irbuild_ints(g, "opset_axes", &zero, 1)) ==
		    NULL || emit(g, "Slice", ins, 4, y) == NULL)
			return -1;
		return 0;
	}
	if ((k = emit(g, "Slice", ins, 1, y)) == NULL ||
	    irbuild_attr_ints(k, "starts", &st, 1) < 0 ||
	    irbuild_attr_ints(k, "ends", &en, 1) < 0 ||
	    irbuild_attr_ints(k, "axes", &zero, 1) < 0)
		return -1;
	return 0;
}

/* Constant-12 adds value_float(s) and value_int(s): below, the same
 * tensor in value. */
static int
fn_constant12(struct conv *c, const struct rule *r)
{
	static const char *const names[] = {
		"value_float", "value_floats", "value_int", "value_ints",
	};
	struct ir_node *n = c->n;
	struct arena *a = &n->graph->model->arena;
	struct ir_tensor *t;
	struct ir_attr v;
	const struct ir_attr *src = NULL;
	size_t i, w, cnt;
	const void *data;
	int64_t one;
	uint8_t *copy;

	(void)r;
	if (!c->down)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && src == NULL; i++)
		src = ir_node_attr(n, names[i]);
	if (src == NULL)
		return 0;
	i--;
	if (attr_is_ref(src) || !ir_attr_value_ok(src) ||
	    (unsigned)src->type != (i % 2 == 0 ? (i < 2 ? IR_ATTR_FLOAT :
	    IR_ATTR_INT) : (i < 2 ? IR_ATTR_FLOATS : IR_ATTR_INTS)))
		return refuse(c, "attribute '%s' is not a plain value",
		    src->name);
	w = i < 2 ? sizeof(float) : sizeof(int64_t);
	cnt = i % 2 == 0 ? 1 : src->n;
	data = i == 0 ? (const void *)&src->f : i == 1 ?
	    (const void *)src->floats : i == 2 ? (const void *)&src->i :
	    (const void *)src->ints;
	one = (int64_t)cnt;
	if ((t = arena_alloc(a, sizeof(*t))) == NULL ||
	    (copy = arena_alloc(a, cnt * w + 1)) == NULL)
		return -1;
	memset(t, 0, sizeof(*t));
	if (i % 2 == 1 && (t->dims = arena_array(a, 1, sizeof(*t->dims))) ==
	    NULL)
		return -1;
	if (cnt > 0)
		memcpy(copy, data, cnt * w);
	t->name = "";
	t->elem = i < 2 ? IR_ELEM_FLOAT : IR_ELEM_INT64;
	t->rank = i % 2 == 1 ? 1 : 0;
	if (t->rank == 1)
		t->dims[0] = one;
	t->storage = IR_DATA_RAW;
	t->data = copy;
	t->size = cnt * w;
	t->nfields = 1;
	t->dirty = true;
	memset(&v, 0, sizeof(v));
	v.name = "value";
	v.type = IR_ATTR_TENSOR;
	v.has_type = true;
	v.t = t;
	v.nvalues = 1;
	attr_del(n, names[i]);
	if (irbuild_attr_copy(n, &v, "value") < 0)
		return -1;
	n->dirty = true;
	return 0;
}

#define MOVE(op, since, attr, i, k) { op, since, fn_move, attr, i, k }
#define RULE(op, since, fn) { op, since, fn, NULL, 0, MV_INTS }
#define NO(op, since, why) { op, since, fn_refuse, why, 0, MV_INTS }
#define OLD_BC(op) RULE(op, 7, fn_old_broadcast)
#define NEG(op) RULE(op, 11, fn_neg_axes)
#define REDUCE(op, since) MOVE(op, since, "axes", 1, MV_INTS), NEG(op)

/*
 * The operator version steps that need more than the generic comparison
 * (docs/Changelog.md of onnx gives each version's change), sorted by op
 * then since; the rows of one step apply in order.
 */
const struct rule opset_rules[] = {
	OLD_BC("Add"), OLD_BC("And"),
	NEG("ArgMax"), RULE("ArgMax", 12, fn_arg12),
	NEG("ArgMin"), RULE("ArgMin", 12, fn_arg12),
	RULE("AveragePool", 11, fn_pool11),
	RULE("BatchNormalization", 7, fn_bn_legacy),
	RULE("BatchNormalization", 9, fn_bn_legacy),
	RULE("BatchNormalization", 14, fn_bn14),
	MOVE("Clip", 11, "min", 1, MV_FLOAT),
	MOVE("Clip", 11, "max", 2, MV_FLOAT),
	NEG("Compress"), NEG("Concat"),
	RULE("Constant", 12, fn_constant12),
	RULE("Conv", 11, fn_pool11),
	RULE("ConvTranspose", 11, fn_pool11),
	RULE("DequantizeLinear", 13, fn_quant13),
	OLD_BC("Div"),
	{ "Dropout", 7, fn_drop_attr, "is_test", 0, MV_INTS },
	RULE("Dropout", 12, fn_dropout12),
	OLD_BC("Equal"),
	NEG("Flatten"),
	RULE("Gather", 11, fn_gather),
	OLD_BC("Gemm"),
	RULE("Gemm", 11, fn_gemm11),
	OLD_BC("Greater"),
	RULE("GridSample", 20, fn_gridsample20),
	NEG("Hardmax"), RULE("Hardmax", 13, fn_softmax),
	OLD_BC("Less"),
	NEG("LogSoftmax"), RULE("LogSoftmax", 13, fn_softmax),
	RULE("LpPool", 11, fn_pool11),
	RULE("Max", 8, fn_variadic_broadcast),
	RULE("MaxPool", 11, fn_pool11),
	RULE("Mean", 8, fn_variadic_broadcast),
	RULE("Min", 8, fn_variadic_broadcast),
	OLD_BC("Mul"),
	RULE("OneHot", 11, fn_onehot11),
	OLD_BC("Or"),
	MOVE("Pad", 11, "pads", 1, MV_INTS),
	MOVE("Pad", 11, "value", 2, MV_FLOAT),
	RULE("Pad", 19, fn_pad19),
	OLD_BC("Pow"),
	RULE("QuantizeLinear", 13, fn_quant13),
	REDUCE("ReduceL1", 18), REDUCE("ReduceL2", 18),
	REDUCE("ReduceLogSum", 18), REDUCE("ReduceLogSumExp", 18),
	REDUCE("ReduceMax", 18), REDUCE("ReduceMean", 18),
	REDUCE("ReduceMin", 18), REDUCE("ReduceProd", 18),
	REDUCE("ReduceSum", 13), REDUCE("ReduceSumSquare", 18),
	MOVE("Reshape", 5, "shape", 1, MV_INTS),
	RULE("Resize", 11, fn_resize11),
	RULE("Resize", 13, fn_resize13),
	RULE("Resize", 19, fn_resize19),
	RULE("RoiAlign", 16, fn_roialign16),
	NO("Scan", 11, "negative axes start at Scan-11"),
	RULE("Scatter", 11, fn_scatter11),
	RULE("Shape", 15, fn_shape15),
	MOVE("Slice", 10, "starts", 1, MV_INTS),
	MOVE("Slice", 10, "ends", 2, MV_INTS),
	MOVE("Slice", 10, "axes", 3, MV_INTS),
	RULE("Slice", 10, fn_slice10),
	RULE("Slice", 11, fn_slice11),
	NEG("Softmax"), RULE("Softmax", 13, fn_softmax),
	NEG("Split"),
	MOVE("Split", 13, "split", 1, MV_INTS),
	RULE("Split", 18, fn_split18),
	NEG("Squeeze"),
	MOVE("Squeeze", 13, "axes", 1, MV_INTS),
	OLD_BC("Sub"),
	RULE("Sum", 8, fn_variadic_broadcast),
	MOVE("TopK", 10, "k", 1, MV_INT1),
	NEG("TopK"),
	NEG("Unsqueeze"),
	MOVE("Unsqueeze", 13, "axes", 1, MV_INTS),
	MOVE("Upsample", 9, "scales", 1, MV_FLOATS),
	RULE("Upsample", 10, fn_upsample10),
	OLD_BC("Xor"),
};

const size_t opset_nrules = sizeof(opset_rules) / sizeof(opset_rules[0]);

/* Ops of the reduce family at 11 take negative axes (listed with the
 * moves above); ReduceSum at 13 and the rest at 18 move axes. */

