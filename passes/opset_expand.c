/* SPDX-License-Identifier: MIT */
/*
 * Operators that do not exist at the target opset, expanded by their
 * schema's function body or an exact decomposition into operators of
 * the target (the opset pass, passes/opset.c).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "opset.h"

/* --- operators missing at the target: their function bodies ----------- */

/* CastLike-15 is Cast to the element type of its second input. */
static int
ex_castlike(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	int32_t elem = value_elem(in(n, 1));
	struct ir_value *x = in(n, 0), *outs[1];

	(void)to;
	if (elem == 0)
		return refuse(c, "the element type of input 1 is not known");
	if (ir_node_attr(n, "saturate") != NULL &&
	    ir_attr_int(n, "saturate", 0) != 1)
		return refuse(c, "saturate=0");
	if (x == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if ((k = emit(n->graph, "Cast", &x, 1, outs[0])) == NULL ||
	    irbuild_attr_i(k, "to", elem) < 0)
		return -1;
	return 0;
}

/* HardSwish-14 is x * HardSigmoid(x, alpha 1/6, beta 0.5). */
static int
ex_hardswish(struct conv *c, int to)
{
	struct ir_node *n = c->n, *h;
	struct ir_value *x = in(n, 0), *outs[1];

	(void)to;
	if (x == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if ((h = emit(n->graph, "HardSigmoid", &x, 1, NULL)) == NULL ||
	    irbuild_attr_f(h, "alpha", 1.0f / 6) < 0 ||
	    irbuild_attr_f(h, "beta", 0.5f) < 0 ||
	    emit2(n->graph, "Mul", x, h->outputs[0], outs[0]) == NULL)
		return -1;
	return 0;
}

/* GreaterOrEqual/LessOrEqual-12 are Or(Greater/Less, Equal): NaN
 * compares false in both.  Equal takes floats from 11. */
static int
ex_or_equal(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_value *a = in(n, 0), *b = in(n, 1), *outs[1], *x, *e;
	bool ge = strcmp(n->op_type, "GreaterOrEqual") == 0;

	if (to < 11)
		return refuse(c, "Equal takes floats from opset 11 only");
	if (a == NULL || b == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if ((x = emit2(n->graph, ge ? "Greater" : "Less", a, b, NULL)) ==
	    NULL || (e = emit2(n->graph, "Equal", a, b, NULL)) == NULL ||
	    emit2(n->graph, "Or", x, e, outs[0]) == NULL)
		return -1;
	return 0;
}

/* LayerNormalization-17 by its function body: the mean and variance
 * over axes [axis, rank), D = X - mean, Y = D / sqrt(var + epsilon) *
 * Scale + B (float inputs: the body computes in float anyway). */
static int
ex_layernorm(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *sc = in(n, 1), *b = in(n, 2);
	struct ir_value *outs[3], *mean, *d, *d2, *var, *ve, *sd, *inv, *nrm;
	struct ir_value *eps, *y1;
	int rank = value_rank(x);
	int64_t axis = ir_attr_int(n, "axis", -1), axes[MAXV], j;
	const struct ir_attr *ea = ir_node_attr(n, "epsilon");
	float epsilon = ea != NULL && ea->type == IR_ATTR_FLOAT ? ea->f :
	    1e-5f;

	if (to < 7)
		return refuse(c, "broadcasting starts at opset 7");
	if (value_elem(x) != IR_ELEM_FLOAT)
		return refuse(c, "input not known to be float");
	if (rank < 1 || rank > MAXV)
		return refuse(c, "input of unknown rank");
	if (axis < 0)
		axis += rank;
	if (axis < 0 || axis >= rank)
		return refuse(c, "axis out of range");
	if (attr_is_ref(ea) || attr_is_ref(ir_node_attr(n, "axis")))
		return refuse(c, "attributes refer to function attributes");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "epsilon would be a constant inside a "
		    "function body");
	if (sc == NULL || n->noutputs < 1 || n->outputs[0] == NULL)
		return refuse(c, "unexpected inputs or outputs");
	for (j = axis; j < rank; j++)
		axes[j - axis] = j;
	retire(n, outs, 3);
	if ((eps = irbuild_scalar(g, "opset_epsilon", IR_ELEM_FLOAT, epsilon,
	    0)) == NULL)
		return -1;
	if ((k = emit(g, "ReduceMean", &x, 1, outs[1])) == NULL ||
	    irbuild_attr_ints(k, "axes", axes, (size_t)(rank - axis)) < 0)
		return -1;
	mean = k->outputs[0];
	if ((d = emit2(g, "Sub", x, mean, NULL)) == NULL ||
	    (d2 = emit2(g, "Mul", d, d, NULL)) == NULL)
		return -1;
	if ((k = emit(g, "ReduceMean", &d2, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "axes", axes, (size_t)(rank - axis)) < 0)
		return -1;
	var = k->outputs[0];
	if ((ve = emit2(g, "Add", var, eps, NULL)) == NULL ||
	    (sd = emit2(g, "Sqrt", ve, NULL, NULL)) == NULL ||
	    (inv = emit2(g, "Reciprocal", sd, NULL, outs[2])) == NULL ||
	    (nrm = emit2(g, "Mul", d, inv, NULL)) == NULL)
		return -1;
	if ((y1 = emit2(g, "Mul", nrm, sc, b == NULL ? outs[0] : NULL)) ==
	    NULL)
		return -1;
	if (b != NULL && emit2(g, "Add", y1, b, outs[0]) == NULL)
		return -1;
	return 0;
}

/* Trilu-14 on a matrix of known size: Where of a mask.  The mask keeps
 * column - row >= k (upper) or <= k (lower): constant for a constant k
 * (or none), else Not(Less/Greater) of the constant differences and k
 * (integers: no NaN), from opset 9 (Where). */
static int
ex_trilu(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *kin = in(n, 1), *outs[1], *ins[3];
	int rank = value_rank(x);
	int64_t k = 0, kv[MAXV], rows, cols, i, j, dims[2];
	bool upper = ir_attr_int(n, "upper", 1) != 0, known = true;
	size_t cnt;
	uint8_t *mask;
	int64_t *diff;

	if (to < 9)
		return refuse(c, "Where starts at opset 9");
	if (attr_is_ref(ir_node_attr(n, "upper")))
		return refuse(c, "upper refers to a function attribute");
	if (kin != NULL) {
		const struct ir_tensor *t = perm_const(kin);

		known = t != NULL && perm_const_ints(t, kv, MAXV, &cnt) == 0;
		if (known && cnt != 1)
			return refuse(c, "k is not one value");
		if (known)
			k = kv[0];
		else if (value_elem(kin) != IR_ELEM_INT64)
			return refuse(c, "k not known to be int64");
	}
	if (rank < 2 || x->type.dims[rank - 2].kind != IR_DIM_VALUE ||
	    x->type.dims[rank - 1].kind != IR_DIM_VALUE)
		return refuse(c, "the matrix size is not known");
	rows = x->type.dims[rank - 2].value;
	cols = x->type.dims[rank - 1].value;
	if (rows < 0 || cols < 0 || rows > 4096 || cols > 4096 ||
	    rows * cols > (1 << 20))
		return refuse(c, "the matrix is too large for a constant mask");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "the mask would be a constant inside a "
		    "function body");
	if (n->noutputs != 1 || value_elem(x) == 0 ||
	    value_elem(x) == IR_ELEM_STRING)
		return refuse(c, "unexpected outputs or element type");
	dims[0] = rows;
	dims[1] = cols;
	retire(n, outs, 1);
	if ((ins[2] = irbuild_scalar(g, "opset_zero", value_elem(x), 0,
	    0)) == NULL)
		return -1;
	ins[1] = x;
	if (known) {
		/* the sizes above keep j - i in range */
		if ((mask = arena_alloc(&c->ctx->scratch, (size_t)(rows *
		    cols) + 1)) == NULL)
			return -1;
		for (i = 0; i < rows; i++)
			for (j = 0; j < cols; j++)
				mask[i * cols + j] = upper ? j - i >= k :
				    j - i <= k;
		if ((ins[0] = irbuild_init(g, "opset_mask", IR_ELEM_BOOL, 2,
		    dims, mask, (size_t)(rows * cols))) == NULL)
			return -1;
	} else {
		struct ir_value *d, *cmp;

		if ((diff = arena_array(&c->ctx->scratch, (size_t)(rows *
		    cols) + 1, sizeof(*diff))) == NULL)
			return -1;
		for (i = 0; i < rows; i++)
			for (j = 0; j < cols; j++)
				diff[i * cols + j] = j - i;
		if ((d = irbuild_init(g, "opset_diagonal", IR_ELEM_INT64, 2,
		    dims, diff, (size_t)(rows * cols) * sizeof(*diff))) ==
		    NULL || (cmp = emit2(g, upper ? "Less" : "Greater", d,
		    kin, NULL)) == NULL || (ins[0] = emit2(g, "Not", cmp,
		    NULL, NULL)) == NULL)
			return -1;
	}
	return emit(g, "Where", ins, 3, outs[0]) == NULL ? -1 : 0;
}

/*
 * NegativeLogLikelihoodLoss-12 on INPUT (log-probabilities), and the
 * part of SoftmaxCrossEntropyLoss-12 after its LogSoftmax: pick
 * -input[n][target[n, d...]][d...] with GatherElements, weight it by
 * weight[target] and by target != ignore_index (ignored targets read
 * class 0 and weigh 0), then reduce: none, sum, or the sum divided by
 * the sum of the weights (mean).  Below 12, at 11 at least
 * (GatherElements, Equal on integers).
 */
static int
nll_body(struct conv *c, struct ir_value *input, struct ir_value *target,
    struct ir_value *weight, struct ir_value *y, int32_t fe, int32_t te)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *t = target, *mask = NULL, *w = NULL, *loss, *p;
	struct ir_value *ins[3];
	const struct ir_attr *ii = ir_node_attr(n, "ignore_index");
	char rb[16];
	const char *red = attr_str(n, "reduction", "mean", rb, sizeof(rb));
	int64_t one = 1;

	/* an ignore_index int32 targets cannot hold matches none of them */
	if (ii != NULL && te == IR_ELEM_INT32 && (ii->i < INT32_MIN ||
	    ii->i > INT32_MAX))
		ii = NULL;
	if (ii != NULL) {
		struct ir_value *iic, *zero, *eq, *ne;

		if ((iic = irbuild_scalar_int(g, "opset_ignore", te,
		    ii->i)) == NULL || (zero = irbuild_scalar_int(g,
		    "opset_zero", te, 0)) == NULL)
			return -1;
		if ((eq = emit2(g, "Equal", target, iic, NULL)) == NULL)
			return -1;
		ins[0] = eq;
		ins[1] = zero;
		ins[2] = target;
		if ((k = emit(g, "Where", ins, 3, NULL)) == NULL)
			return -1;
		t = k->outputs[0];
		if ((ne = emit2(g, "Not", eq, NULL, NULL)) == NULL ||
		    (k = emit(g, "Cast", &ne, 1, NULL)) == NULL ||
		    irbuild_attr_i(k, "to", fe) < 0)
			return -1;
		mask = k->outputs[0];
	}
	if ((k = emit(g, "Unsqueeze", &t, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "axes", &one, 1) < 0)
		return -1;
	ins[0] = input;
	ins[1] = k->outputs[0];
	if ((k = emit(g, "GatherElements", ins, 2, NULL)) == NULL ||
	    irbuild_attr_i(k, "axis", 1) < 0)
		return -1;
	p = k->outputs[0];
	if ((k = emit(g, "Squeeze", &p, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "axes", &one, 1) < 0)
		return -1;
	p = k->outputs[0];
	if (weight != NULL) {
		if ((w = emit2(g, "Gather", weight, t, NULL)) == NULL)
			return -1;
		if (mask != NULL && (w = emit2(g, "Mul", w, mask, NULL)) ==
		    NULL)
			return -1;
	} else {
		w = mask;
	}
	if (strcmp(red, "none") == 0) {
		if (w == NULL)
			return emit2(g, "Neg", p, NULL, y) == NULL ? -1 : 0;
		if ((p = emit2(g, "Neg", p, NULL, NULL)) == NULL)
			return -1;
		return emit2(g, "Mul", p, w, y) == NULL ? -1 : 0;
	}
	if ((loss = emit2(g, "Neg", p, NULL, NULL)) == NULL)
		return -1;
	if (w != NULL && (loss = emit2(g, "Mul", loss, w, NULL)) == NULL)
		return -1;
	if (strcmp(red, "mean") == 0 && w == NULL) {
		if ((k = emit(g, "ReduceMean", &loss, 1, y)) == NULL ||
		    irbuild_attr_i(k, "keepdims", 0) < 0)
			return -1;
		return 0;
	}
	if ((k = emit(g, "ReduceSum", &loss, 1, strcmp(red, "sum") == 0 ? y :
	    NULL)) == NULL || irbuild_attr_i(k, "keepdims", 0) < 0)
		return -1;
	if (strcmp(red, "sum") == 0)
		return 0;
	loss = k->outputs[0];
	if ((k = emit(g, "ReduceSum", &w, 1, NULL)) == NULL ||
	    irbuild_attr_i(k, "keepdims", 0) < 0)
		return -1;
	return emit2(g, "Div", loss, k->outputs[0], y) == NULL ? -1 : 0;
}

/* What NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss need
 * below 12: 0, or 1 refused. */
static int
loss_ok(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	char rb[16];
	const char *red = attr_str(n, "reduction", "mean", rb, sizeof(rb));
	int32_t fe = value_elem(in(n, 0)), te = value_elem(in(n, 1));

	if (to < 11)
		return refuse(c, "GatherElements starts at opset 11");
	if (n->graph->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "constants inside a function body");
	if (red == NULL || (strcmp(red, "none") != 0 && strcmp(red, "sum") &&
	    strcmp(red, "mean") != 0))
		return refuse(c, "reduction not none, sum or mean");
	if (fe != IR_ELEM_FLOAT && fe != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (te != IR_ELEM_INT64 && te != IR_ELEM_INT32)
		return refuse(c, "target type not known");
	if (attr_is_ref(ir_node_attr(n, "ignore_index")) ||
	    attr_is_ref(ir_node_attr(n, "reduction")))
		return refuse(c, "attributes refer to function attributes");
	if (n->noutputs < 1 || n->outputs[0] == NULL)
		return refuse(c, "unexpected outputs");
	return 0;
}

static int
ex_nll(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_value *x = in(n, 0), *t = in(n, 1), *w = in(n, 2);
	struct ir_value *outs[1];
	int rc;

	int32_t fe = value_elem(x), te = value_elem(t);

	if ((rc = loss_ok(c, to)) != 0)
		return rc;
	retire(n, outs, 1);
	return nll_body(c, x, t, w, outs[0], fe, te);
}

/* SoftmaxCrossEntropyLoss-12: LogSoftmax along axis 1 (below 13 the
 * 2-D coercion: exact for rank 2, else between Transposes that move
 * the class axis last), then the NegativeLogLikelihoodLoss body. */
static int
ex_sce(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *t = in(n, 1), *w = in(n, 2);
	struct ir_value *outs[2], *lp;
	int rank = value_rank(x), rc, i;
	int64_t perm[MAXV], inv[MAXV];
	int32_t fe = value_elem(x), te = value_elem(t);

	if ((rc = loss_ok(c, to)) != 0)
		return rc;
	if (rank < 2 || rank > MAXV)
		return refuse(c, "scores of unknown rank");
	retire(n, outs, 2);
	if (rank == 2) {
		if ((k = emit(g, "LogSoftmax", &x, 1, outs[1])) == NULL ||
		    irbuild_attr_i(k, "axis", 1) < 0)
			return -1;
		lp = k->outputs[0];
	} else {
		/* perm moves axis 1 last; inv puts it back */
		perm[0] = 0;
		for (i = 1; i < rank - 1; i++)
			perm[i] = i + 1;
		perm[rank - 1] = 1;
		for (i = 0; i < rank; i++)
			inv[perm[i]] = i;
		if ((k = emit(g, "Transpose", &x, 1, NULL)) == NULL ||
		    irbuild_attr_ints(k, "perm", perm, (size_t)rank) < 0)
			return -1;
		lp = k->outputs[0];
		if ((k = emit(g, "LogSoftmax", &lp, 1, NULL)) == NULL ||
		    irbuild_attr_i(k, "axis", rank - 1) < 0)
			return -1;
		lp = k->outputs[0];
		if ((k = emit(g, "Transpose", &lp, 1, outs[1])) == NULL ||
		    irbuild_attr_ints(k, "perm", inv, (size_t)rank) < 0)
			return -1;
		lp = k->outputs[0];
	}
	return nll_body(c, lp, t, w, outs[0], fe, te);
}

/* ThresholdedRelu-10 is Where(x > alpha, x, 0) (opset 9 on). */
static int
ex_thresholdedrelu(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *ins[3], *al;
	const struct ir_attr *a = ir_node_attr(n, "alpha");
	int32_t e = value_elem(x);

	if (to < 9)
		return refuse(c, "Where starts at opset 9");
	if (a != NULL && (a->type != IR_ATTR_FLOAT || attr_is_ref(a)))
		return refuse(c, "alpha not a plain float");
	if (e != IR_ELEM_FLOAT && e != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1)
		return refuse(c, "constants inside a function body");
	retire(n, outs, 1);
	if ((al = irbuild_scalar(g, "opset_alpha", e, a != NULL ? a->f : 1.0,
	    0)) == NULL || (ins[0] = emit2(g, "Greater", x, al, NULL)) ==
	    NULL || (ins[2] = irbuild_scalar(g, "opset_zero", e, 0, 0)) ==
	    NULL)
		return -1;
	ins[1] = x;
	return emit(g, "Where", ins, 3, outs[0]) == NULL ? -1 : 0;
}

/* IsInf-10: |x| (or x, or -x) greater than the largest finite value
 * of its type (NaN compares false, as IsInf says). */
static int
ex_isinf(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *lim, *v = x;
	int32_t e = value_elem(x);
	bool pos = ir_attr_int(n, "detect_positive", 1) != 0;
	bool neg = ir_attr_int(n, "detect_negative", 1) != 0;
	double max = e == IR_ELEM_FLOAT ? FLT_MAX : DBL_MAX;

	if (to < 7)
		return refuse(c, "broadcasting starts at opset 7");
	if (e != IR_ELEM_FLOAT && e != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (attr_is_ref(ir_node_attr(n, "detect_positive")) ||
	    attr_is_ref(ir_node_attr(n, "detect_negative")))
		return refuse(c, "attributes refer to function attributes");
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1)
		return refuse(c, "constants inside a function body");
	retire(n, outs, 1);
	if (pos && neg)
		v = emit2(g, "Abs", x, NULL, NULL);
	else if (!pos && !neg)
		max = INFINITY;		/* nothing is greater */
	if (v == NULL || (lim = irbuild_scalar(g, "opset_max", e,
	    !pos && neg ? -max : max, 0)) == NULL)
		return -1;
	return emit2(g, !pos && neg ? "Less" : "Greater", v, lim, outs[0]) ==
	    NULL ? -1 : 0;
}

/* EyeLike-9 of a matrix of known size is a constant. */
static int
ex_eyelike(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *k;
	int32_t e = (int32_t)ir_attr_int(n, "dtype", value_elem(x));
	int64_t r, cl, i, j, off = ir_attr_int(n, "k", 0), dims[2];
	unsigned w = ir_elem_bits(e) / 8;
	unsigned char one[8], zero[8];
	uint8_t *data;

	(void)to;
	if (value_rank(x) != 2 || x->type.dims[0].kind != IR_DIM_VALUE ||
	    x->type.dims[1].kind != IR_DIM_VALUE)
		return refuse(c, "the matrix size is not known");
	r = x->type.dims[0].value;
	cl = x->type.dims[1].value;
	if (r < 0 || cl < 0 || r > 4096 || cl > 4096 || r * cl > (1 << 20))
		return refuse(c, "the matrix is too large for a constant");
	if (w == 0 || irbuild_encode(e, 1, one) < 0 ||
	    irbuild_encode(e, 0, zero) < 0)
		return refuse(c, "element type %d", (int)e);
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1 ||
	    attr_is_ref(ir_node_attr(n, "k")) ||
	    attr_is_ref(ir_node_attr(n, "dtype")))
		return refuse(c, "inside a function body");
	if ((data = arena_alloc(&c->ctx->scratch, (size_t)(r * cl) * w +
	    1)) == NULL)
		return -1;
	for (i = 0; i < r; i++)
		for (j = 0; j < cl; j++)
			memcpy(data + (size_t)(i * cl + j) * w, j - i == off ?
			    one : zero, w);
	dims[0] = r;
	dims[1] = cl;
	retire(n, outs, 1);
	if ((k = irbuild_init(g, "opset_eye", e, 2, dims, data,
	    (size_t)(r * cl) * w)) == NULL)
		return -1;
	return emit2(g, "Identity", k, NULL, outs[0]) == NULL ? -1 : 0;
}

/*
 * Round-11 (half to even) from Floor: f = Floor(x), d = x - f (exact),
 * up when d > 0.5, or d == 0.5 (neither less nor greater) and f odd
 * (|fmod(f, 2)| > 0.5, Mod-10); NaN and infinities come out of f + 0
 * unchanged.  Opset 10 on (Mod).
 */
static int
ex_round(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *f, *d, *half, *two, *up;
	struct ir_value *lt, *gt, *tie, *m, *odd, *inc;
	int32_t e = value_elem(x);

	if (to < 10)
		return refuse(c, "Mod starts at opset 10");
	if (e != IR_ELEM_FLOAT && e != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1)
		return refuse(c, "constants inside a function body");
	retire(n, outs, 1);
	if ((half = irbuild_scalar(g, "opset_half", e, 0.5, 0)) == NULL ||
	    (two = irbuild_scalar(g, "opset_two", e, 2, 0)) == NULL ||
	    (f = emit2(g, "Floor", x, NULL, NULL)) == NULL ||
	    (d = emit2(g, "Sub", x, f, NULL)) == NULL ||
	    (gt = emit2(g, "Greater", d, half, NULL)) == NULL ||
	    (lt = emit2(g, "Less", d, half, NULL)) == NULL ||
	    (lt = emit2(g, "Or", lt, gt, NULL)) == NULL ||
	    (tie = emit2(g, "Not", lt, NULL, NULL)) == NULL)
		return -1;
	if ((k = emit(g, "Mod", &f, 1, NULL)) == NULL ||
	    set_input(k, 1, two) < 0 || irbuild_attr_i(k, "fmod", 1) < 0)
		return -1;
	m = k->outputs[0];
	if ((m = emit2(g, "Abs", m, NULL, NULL)) == NULL ||
	    (odd = emit2(g, "Greater", m, half, NULL)) == NULL ||
	    (odd = emit2(g, "And", tie, odd, NULL)) == NULL ||
	    (up = emit2(g, "Or", gt, odd, NULL)) == NULL)
		return -1;
	if ((k = emit(g, "Cast", &up, 1, NULL)) == NULL ||
	    irbuild_attr_i(k, "to", e) < 0)
		return -1;
	inc = k->outputs[0];
	return emit2(g, "Add", f, inc, outs[0]) == NULL ? -1 : 0;
}

/* Celu-12 by its function body: alpha * Elu(x / alpha, 1). */
static int
ex_celu(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *al, *d;
	const struct ir_attr *a = ir_node_attr(n, "alpha");

	if (to < 7)
		return refuse(c, "broadcasting starts at opset 7");
	if (a != NULL && (a->type != IR_ATTR_FLOAT || attr_is_ref(a)))
		return refuse(c, "alpha not a plain float");
	if (value_elem(x) != IR_ELEM_FLOAT)
		return refuse(c, "input not known to be float");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "alpha would be a constant inside a function "
		    "body");
	if (n->noutputs != 1)
		return refuse(c, "unexpected outputs");
	retire(n, outs, 1);
	if ((al = irbuild_scalar(g, "opset_alpha", IR_ELEM_FLOAT,
	    a != NULL ? a->f : 1.0, 0)) == NULL ||
	    (d = emit2(g, "Div", x, al, NULL)) == NULL ||
	    (k = emit(g, "Elu", &d, 1, NULL)) == NULL ||
	    irbuild_attr_f(k, "alpha", 1.0f) < 0)
		return -1;
	return emit2(g, "Mul", al, k->outputs[0], outs[0]) == NULL ? -1 : 0;
}

/* ConstantOfShape-9 is Expand (opset 8) of its value as a scalar: a
 * Constant of the one-element value, squeezed, or float 0. */
static int
ex_constantofshape(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *shape = in(n, 0), *outs[1], *v;
	const struct ir_attr *a = ir_node_attr(n, "value");
	static const int64_t axis0 = 0;

	if (to < 8)
		return refuse(c, "Expand starts at opset 8");
	if (a != NULL && (a->type != IR_ATTR_TENSOR || attr_is_ref(a) ||
	    a->t == NULL || a->t->rank != 1 || a->t->dims[0] != 1))
		return refuse(c, "attribute 'value' is not a plain "
		    "one-element tensor");
	if (a == NULL && g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "the default value would be a constant "
		    "inside a function body");
	if (shape == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if (a == NULL) {
		if ((v = irbuild_scalar(g, "opset_value", IR_ELEM_FLOAT, 0,
		    0)) == NULL)
			return -1;
	} else {
		if ((k = emit(g, "Constant", NULL, 0, NULL)) == NULL ||
		    irbuild_attr_copy(k, a, "value") < 0)
			return -1;
		v = k->outputs[0];
		if ((k = emit(g, "Squeeze", &v, 1, NULL)) == NULL ||
		    irbuild_attr_ints(k, "axes", &axis0, 1) < 0)
			return -1;
		v = k->outputs[0];
	}
	return emit2(g, "Expand", v, shape, outs[0]) == NULL ? -1 : 0;
}

/* Operators that do not exist below SINCE and how they are expanded
 * there (their schema's function body). */
static const struct expansion {
	const char *op;
	int (*fn)(struct conv *c, int to);
} expansions[] = {
	{ "CastLike", ex_castlike },
	{ "Celu", ex_celu },
	{ "ConstantOfShape", ex_constantofshape },
	{ "Einsum", opset_einsum },
	{ "EyeLike", ex_eyelike },
	{ "GreaterOrEqual", ex_or_equal },
	{ "HardSwish", ex_hardswish },
	{ "IsInf", ex_isinf },
	{ "LayerNormalization", ex_layernorm },
	{ "LessOrEqual", ex_or_equal },
	{ "NegativeLogLikelihoodLoss", ex_nll },
	{ "Round", ex_round },
	{ "SoftmaxCrossEntropyLoss", ex_sce },
	{ "ThresholdedRelu", ex_thresholdedrelu },
	{ "Trilu", ex_trilu },
};

int
opset_expand(struct conv *c, const struct opdb_schema *s, int to)
{
	size_t i;

	for (i = 0; i < sizeof(expansions) / sizeof(expansions[0]); i++)
		if (strcmp(expansions[i].op, c->n->op_type) == 0)
			return expansions[i].fn(c, to);
	return refuse(c, "%s does not exist before opset %d", c->n->op_type,
	    s->since);
}

