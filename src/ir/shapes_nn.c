/* SPDX-License-Identifier: MIT */
/*
 * Shape rules for neural-network operators: Conv (QLinearConv,
 * ConvInteger, FusedConv), ConvTranspose, the pools and global pools,
 * BatchNormalization and LayerNormalization, Resize and Upsample,
 * DepthToSpace and SpaceToDepth, RNN/GRU/LSTM, GridSample, RoiAlign and
 * NonMaxSuppression.  Where runtimes disagree (pooling with ceil_mode
 * whose last window starts in the padding, a scaled size that float and
 * double round differently) the dim stays unknown.
 */
#include <math.h>
#include <string.h>

#include "ir/shapes_int.h"

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
	if (ir_attr_str_is(n, "auto_pad", "SAME_UPPER", false) ||
	    ir_attr_str_is(n, "auto_pad", "SAME_LOWER", false))
		return 1;
	if (ir_attr_str_is(n, "auto_pad", "VALID", false))
		return 2;
	if (!ir_attr_str_is(n, "auto_pad", "NOTSET", true))
		return -1;
	return 0;
}

/* Common part of Conv and the pools: spatial dims of OUT from X. */
static int
spatial(struct ir_node *n, const struct ir_type *x, const int64_t *kernel,
    int nk, bool has_dil, bool ceil_mode, struct ir_type *o)
{
	size_t npads, nstrides, ndil;
	const int64_t *pads = ir_attr_ints(n, "pads", &npads);
	const int64_t *strides = ir_attr_ints(n, "strides", &nstrides);
	const int64_t *dil = has_dil ?
	    ir_attr_ints(n, "dilations", &ndil) : NULL;
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
	const int64_t *ks = ir_attr_ints(n, "kernel_shape", &nks);
	int64_t *k;
	int rank, i;

	rank = x != NULL && x->rank >= 0 ? x->rank :
	    (w != NULL ? w->rank : -1);
	if (shapes_mk(s, &out[0], elem, rank) < 0)
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

int
shapes_op_conv(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (strcmp(n->op_type, "QLinearConv") == 0)
		return conv_core(s, n, 0, 3, in_v(n, 7) ? in_elem(n, 7) :
		    in_elem(n, 0), out);
	if (strcmp(n->op_type, "ConvInteger") == 0)
		return conv_core(s, n, 0, 1, IR_ELEM_INT32, out);
	return conv_core(s, n, 0, 1, in_elem(n, 0), out);
}

int
shapes_op_conv_transpose(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *w = in_t(n, 1);
	size_t nks, npads, nstr, ndil, nop, nos;
	const int64_t *ks = ir_attr_ints(n, "kernel_shape", &nks);
	const int64_t *pads = ir_attr_ints(n, "pads", &npads);
	const int64_t *str = ir_attr_ints(n, "strides", &nstr);
	const int64_t *dil = ir_attr_ints(n, "dilations", &ndil);
	const int64_t *op = ir_attr_ints(n, "output_padding", &nop);
	const int64_t *os = ir_attr_ints(n, "output_shape", &nos);
	int64_t group = ir_attr_int(n, "group", 1);
	int rank, nk, ap = auto_pad_kind(n), i;

	rank = x != NULL && x->rank >= 0 ? x->rank :
	    (w != NULL ? w->rank : -1);
	if (shapes_mk(s, &out[0], in_elem(n, 0), rank) < 0)
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

int
shapes_op_pool(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	size_t nks;
	const int64_t *ks = ir_attr_ints(n, "kernel_shape", &nks);
	bool ceil_mode = ir_attr_int(n, "ceil_mode", 0) != 0;
	bool maxpool = strcmp(n->op_type, "MaxPool") == 0;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
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

int
shapes_op_global_pool(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int i;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	for (i = 0; i < x->rank; i++)
		out[0].dims[i] = i < 2 ? x->dims[i] : dval(1);
	return 0;
}

int
shapes_op_batchnorm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	size_t i;

	shapes_same_as(&out[0], n, 0);
	if (ir_node_opset(n) >= 14) {
		for (i = 1; i < n->noutputs && i < 3; i++)
			shapes_same_as(&out[i], n, i + 2);
		return 0;
	}
	for (i = 1; i < n->noutputs && i < 5; i++) {
		const struct ir_type *m = in_t(n, 3);

		if (m == NULL || m->rank != 1)
			continue;
		shapes_same_as(&out[i], n, 3);
		out[i].elem = in_elem(n, 0);
	}
	(void)s;
	return 0;
}

int
shapes_op_layernorm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int axis, i;
	size_t k;

	shapes_same_as(&out[0], n, 0);
	if (x == NULL || x->rank < 0 ||
	    (axis = norm_axis(ir_attr_int(n, "axis", -1), x->rank)) < 0)
		return 0;
	/* Mean and InvStdDev are of stash_type (float by default) */
	for (k = 1; k < n->noutputs && k < 3; k++) {
		if (shapes_mk(s, &out[k], (int32_t)ir_attr_int(n,
		    "stash_type", IR_ELEM_FLOAT), x->rank) < 0)
			return -1;
		for (i = 0; i < x->rank; i++)
			out[k].dims[i] = i < axis ? x->dims[i] : dval(1);
	}
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

int
shapes_op_resize(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int opset = ir_node_opset(n);
	size_t scales_in, sizes_in = 3, nax = 0, k, ns;
	const int64_t *axes = ir_attr_ints(n, "axes", &nax);
	double *sc;
	int i;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
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
	if (!ir_attr_str_is(n, "keep_aspect_ratio_policy", "stretch", true) ||
	    ir_attr_str_is(n, "coordinate_transformation_mode",
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
		const struct sconst *c = shapes_cget(s, in_v(n, sizes_in));

		if (c == NULL || c->n != nax)
			return 0;
		dcopy(out[0].dims, x->dims, x->rank);
		for (k = 0; k < nax; k++) {
			int a = axes ? norm_axis(axes[k], x->rank) : (int)k;

			out[0].dims[a] = c->e[k];
		}
		return 0;
	}
	if (!shapes_cfloats(s, in_v(n, scales_in), &sc, &ns) || ns != nax)
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

int
shapes_op_depth_space(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	bool d2s = strcmp(n->op_type, "DepthToSpace") == 0;
	int64_t b = ir_attr_int(n, "blocksize", 0);
	int i;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
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

int
shapes_op_nms(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	if (shapes_mk(s, &out[0], IR_ELEM_INT64, 2) < 0)
		return -1;
	out[0].dims[1] = dval(3);
	(void)n;
	return 0;
}

/* RNN, GRU, LSTM: Y, Y_h (and Y_c). */
int
shapes_op_rnn(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t hidden = ir_attr_int(n, "hidden_size", -1);
	bool batch_first = ir_attr_int(n, "layout", 0) != 0;
	struct ir_dim seq, batch, nd, h;
	size_t k;

	if (x == NULL || x->rank != 3)
		return 0;
	seq = x->dims[batch_first ? 1 : 0];
	batch = x->dims[batch_first ? 0 : 1];
	nd = dval(ir_attr_str_is(n, "direction", "bidirectional", false) ?
	    2 : 1);
	h = hidden > 0 ? dval(hidden) : dunknown();
	if (n->noutputs > 0) {
		if (shapes_mk(s, &out[0], x->elem, 4) < 0)
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
		if (shapes_mk(s, &out[k], x->elem, 3) < 0)
			return -1;
		out[k].dims[batch_first ? 0 : 1] = batch;
		out[k].dims[batch_first ? 1 : 0] = nd;
		out[k].dims[2] = h;
	}
	return 0;
}

int
shapes_op_grid_sample(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *gr = in_t(n, 1);
	int i;

	if (x == NULL || x->rank < 3)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	out[0].dims[0] = x->dims[0];
	out[0].dims[1] = x->dims[1];
	if (gr != NULL && gr->rank == x->rank)
		for (i = 2; i < x->rank; i++)
			out[0].dims[i] = gr->dims[i - 1];
	return 0;
}

int
shapes_op_roi_align(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *rois = in_t(n, 1);

	if (shapes_mk(s, &out[0], in_elem(n, 0), 4) < 0)
		return -1;
	if (rois != NULL && rois->rank == 2)
		out[0].dims[0] = rois->dims[0];
	if (x != NULL && x->rank == 4)
		out[0].dims[1] = x->dims[1];
	out[0].dims[2] = dval(ir_attr_int(n, "output_height", 1));
	out[0].dims[3] = dval(ir_attr_int(n, "output_width", 1));
	return 0;
}

/*
 * SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss: scores [N, C,
 * d1..dk] give a loss of their element type, [N, d1..dk] with reduction
 * "none" and a scalar otherwise; SoftmaxCrossEntropyLoss's log_prob is
 * of the scores' type and shape.
 */
int
shapes_op_loss(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *y = in_t(n, 1);
	int i;

	if (x == NULL)
		return 0;
	if (n->noutputs > 1)
		shapes_same_as(&out[1], n, 0);
	if (!ir_attr_str_is(n, "reduction", "none", false))
		return shapes_mk(s, &out[0], x->elem, 0);
	if (x->rank < 2)
		return shapes_mk(s, &out[0], x->elem, -1);
	if (shapes_mk(s, &out[0], x->elem, x->rank - 1) < 0)
		return -1;
	out[0].dims[0] = x->dims[0];
	for (i = 2; i < x->rank; i++)
		out[0].dims[i - 1] = x->dims[i];
	/* the labels' dims where they are known (as onnx infers it) */
	if (y != NULL && y->rank == x->rank - 1)
		for (i = 0; i < y->rank; i++)
			if (y->dims[i].kind != IR_DIM_UNKNOWN)
				out[0].dims[i] = y->dims[i];
	return 0;
}

/*
 * DFT: the input [batch, signal dims..., 1 or 2] gives [..., 2] of its
 * element type; the transformed axis (attribute axis, default 1, before
 * opset 20; input 2, default -2, from it) is dft_length long when that
 * is given, and onesided keeps floor(length / 2) + 1 of it.
 */
int
shapes_op_dft(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t axis, len;
	struct ir_dim d;
	int ax;

	if (x == NULL || x->rank < 2)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	dcopy(out[0].dims, x->dims, x->rank);
	out[0].dims[x->rank - 1] = dval(2);
	if (ir_node_opset(n) >= 20) {
		axis = -2;
		if (in_v(n, 2) != NULL && !shapes_cint(s, in_v(n, 2), 0, &axis))
			axis = INT64_MIN;
	} else {
		axis = ir_attr_int(n, "axis", 1);
	}
	/* the last dim holds the real and imaginary parts */
	ax = axis == INT64_MIN ? -1 : norm_axis(axis, x->rank);
	if (ax < 0 || ax == x->rank - 1) {
		int i;

		for (i = 0; i < x->rank - 1; i++)
			out[0].dims[i] = dunknown();
		return 0;
	}
	d = x->dims[ax];
	if (in_v(n, 1) != NULL)
		d = shapes_cint(s, in_v(n, 1), 0, &len) && len >= 0 ?
		    dval(len) : dunknown();
	if (ir_attr_int(n, "onesided", 0) != 0)
		d = d.kind == IR_DIM_VALUE && d.value >= 0 ?
		    dval(d.value / 2 + 1) : dunknown();
	out[0].dims[ax] = d;
	return 0;
}

/*
 * MaxUnpool: X's type; the output_shape input when it is a known
 * constant, else N and C of X and each spatial dim (in - 1) * stride +
 * kernel - pads at both ends.
 */
int
shapes_op_maxunpool(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *ks, *st, *pd, *os;
	size_t nk, ns, np, no, i;

	if (x == NULL)
		return 0;
	if (n->ninputs > 2 && in_v(n, 2) != NULL) {
		if (!shapes_cints(s, in_v(n, 2), &os, &no))
			return shapes_mk(s, &out[0], x->elem, x->rank);
		if (shapes_mk(s, &out[0], x->elem, rank_n(no)) < 0)
			return -1;
		for (i = 0; i < no && out[0].rank >= 0; i++)
			out[0].dims[i] = os[i] >= 0 ? dval(os[i]) : dunknown();
		return 0;
	}
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	ks = ir_attr_ints(n, "kernel_shape", &nk);
	st = ir_attr_ints(n, "strides", &ns);
	pd = ir_attr_ints(n, "pads", &np);
	if (x->rank < 2 || ks == NULL || nk != (size_t)x->rank - 2 ||
	    (st != NULL && ns != nk) || (pd != NULL && np != 2 * nk))
		return 0;
	out[0].dims[0] = x->dims[0];
	out[0].dims[1] = x->dims[1];
	for (i = 0; i < nk; i++) {
		const struct ir_dim *d = &x->dims[i + 2];
		int64_t stride = st ? st[i] : 1, v;

		if (d->kind != IR_DIM_VALUE || big(d->value) || d->value < 1 ||
		    big(stride) || stride < 1 || big(ks[i]) ||
		    (pd != NULL && (big(pd[i]) || big(pd[i + nk]))))
			continue;
		v = (d->value - 1) * stride + ks[i] -
		    (pd ? pd[i] + pd[i + nk] : 0);
		if (v >= 0)
			out[0].dims[i + 2] = dval(v);
	}
	return 0;
}
