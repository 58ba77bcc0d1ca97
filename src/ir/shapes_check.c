/* SPDX-License-Identifier: MIT */
/*
 * What an operator requires of its inputs' shapes and of the attributes
 * and constant inputs that index them: an axis inside the rank, axes
 * that name a dim of size 1 for Squeeze, split sizes that add up, as many
 * repeats or pads as the rank asks for, index depths within the data's
 * rank, the ranks an operator is defined for, convolution attributes
 * per spatial dim, kernels that fit.  ONNX Runtime refuses each of these
 * when it loads or runs the model, and onnx's shape inference fails on
 * most, so each is reported (SHAPES_CONSTRAINT) where inference knows
 * the ranks and values involved; unknown ranks, dims and values never
 * produce a finding.  Runs only when findings are wanted.  With
 * consts_only (onnx's checker's reading, shapes_infer_plain) the
 * comparisons that checker does not make are left out.
 */
#include <inttypes.h>
#include <string.h>

#include "ir/shapes_int.h"

/* The inputs that hold one value or one list (below): the checks of
 * their operators run it first. */
static void vectors(struct sh *s, struct ir_node *n);

/* Report a violated constraint of N. */
#define bad(s, n, ...) shapes_report(s, SHAPES_CONSTRAINT, n, __VA_ARGS__)

/* Is AXIS outside [LO, HI]?  Then report it as WHAT (RANK the rank it
 * indexes). */
static bool
axis_out_of(struct sh *s, struct ir_node *n, const char *what, int64_t axis,
    int64_t lo, int64_t hi, int rank)
{
	if (axis >= lo && axis <= hi)
		return false;
	bad(s, n, "%s %" PRId64 " is outside [%" PRId64 ", %" PRId64
	    "] for rank %d", what, axis, lo, hi, rank);
	return true;
}

/* AXIS against [-RANK - EXTRA, RANK - 1 + EXTRA] (RANK an input's). */
static bool
axis_out(struct sh *s, struct ir_node *n, const char *what, int64_t axis,
    int rank, int extra)
{
	return axis_out_of(s, n, what, axis, -(int64_t)rank - extra,
	    (int64_t)rank - 1 + extra, rank);
}

/* The known element count of input I: its constant's length, else the
 * declared length of a rank-1 shape; -1 when unknown. */
static int64_t
count_of(struct sh *s, const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);
	const struct sconst *c = shapes_cget(s, in_v(n, i));

	if (c != NULL && c->rank == 1)
		return (int64_t)c->n;
	/* onnx's checker counts constants only */
	if (t != NULL && t->rank == 1 && t->dims[0].kind == IR_DIM_VALUE &&
	    t->dims[0].value >= 0 && !s->consts_only)
		return t->dims[0].value;
	return -1;
}

/* axis attribute of N (default DFLT) against input I's rank. */
static void
check_axis(struct sh *s, struct ir_node *n, size_t i, int64_t dflt,
    int extra)
{
	int r = in_rank(n, i);

	if (r >= 0)
		axis_out(s, n, "axis", ir_attr_int(n, "axis", dflt), r, extra);
}

static void
softmax(struct sh *s, struct ir_node *n)
{
	check_axis(s, n, 0, ir_node_opset(n) >= 13 ? -1 : 1, 0);
}

static void
axis0(struct sh *s, struct ir_node *n)
{
	check_axis(s, n, 0, 0, 0);
}

/* GatherElements, ScatterElements (and Scatter): axis, and indices (and
 * updates) of the data's rank. */
static void
elements(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0), ri = in_rank(n, 1), ru = in_rank(n, 2);

	if (r < 0)
		return;
	if (axis_out(s, n, "axis", ir_attr_int(n, "axis", 0), r, 0))
		return;
	if (ri >= 0 && ri != r)
		bad(s, n, "indices have rank %d, data rank %d", ri, r);
	else if (n->ninputs > 2 && ru >= 0 && ru != r)
		bad(s, n, "updates have rank %d, data rank %d", ru, r);
}

static void
concat(struct sh *s, struct ir_node *n)
{
	int r = -1, ri;
	size_t i;

	for (i = 0; i < n->ninputs; i++) {
		if ((ri = in_rank(n, i)) < 0)
			continue;
		if (r >= 0 && ri != r) {
			bad(s, n, "input %zu has rank %d, an earlier input "
			    "rank %d", i, ri, r);
			return;
		}
		r = ri;
	}
	if (r >= 0 && ir_node_attr(n, "axis") != NULL)
		axis_out(s, n, "axis", ir_attr_int(n, "axis", 0), r, 0);
}

/* Flatten's axis may also be the rank itself: [-r, r]. */
static void
flatten(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);

	if (r >= 0)
		axis_out_of(s, n, "axis", ir_attr_int(n, "axis", 1),
		    -(int64_t)r, r, r);
}

/* Each of AXES (NA) inside RANK and named once. */
static bool
axes_ok(struct sh *s, struct ir_node *n, const int64_t *axes, size_t na,
    int rank, bool output)
{
	bool seen[SH_MAX_RANK];
	size_t k;

	memset(seen, 0, sizeof(seen));
	for (k = 0; k < na; k++) {
		int a;

		if (axis_out_of(s, n, output ? "axes entry (output)" :
		    "axes entry", axes[k], -(int64_t)rank,
		    (int64_t)rank - 1, rank))
			return false;
		a = norm_axis(axes[k], rank);
		if (seen[a]) {
			bad(s, n, "axes name axis %d twice", a);
			return false;
		}
		seen[a] = true;
	}
	return true;
}

static void
squeeze(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *axes;
	size_t na, k;
	bool given;

	if (x == NULL || x->rank < 0 ||
	    !shapes_axes_of(s, n, 13, 1, &axes, &na, &given) || !given ||
	    !axes_ok(s, n, axes, na, x->rank, false))
		return;
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);

		if (x->dims[a].kind == IR_DIM_VALUE && x->dims[a].value != 1) {
			bad(s, n, "axis %d has size %" PRId64 ", not 1", a,
			    x->dims[a].value);
			return;
		}
	}
}

static void
unsqueeze(struct sh *s, struct ir_node *n)
{
	const int64_t *axes;
	size_t na;
	bool given;
	int r = in_rank(n, 0);

	if (r < 0 || !shapes_axes_of(s, n, 13, 1, &axes, &na, &given) ||
	    !given || (size_t)r + na > SH_MAX_RANK)
		return;
	axes_ok(s, n, axes, na, r + (int)na, true);
}

static void
reduce(struct sh *s, struct ir_node *n)
{
	int from = strcmp(n->op_type, "ReduceSum") == 0 ? 13 : 18;
	const int64_t *axes;
	size_t na;
	bool given;
	int r = in_rank(n, 0);

	if (r < 0 || !shapes_axes_of(s, n, from, 1, &axes, &na, &given) ||
	    !given)
		return;
	axes_ok(s, n, axes, na, r, false);
}

static void
split(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *sp = NULL;
	size_t ns = 0, k;
	int64_t sum = 0;
	int a;

	if (x == NULL || x->rank < 0 || axis_out(s, n, "axis",
	    ir_attr_int(n, "axis", 0), x->rank, 0))
		return;
	a = norm_axis(ir_attr_int(n, "axis", 0), x->rank);
	if (ir_node_opset(n) >= 13 ? in_v(n, 1) == NULL :
	    ir_attr_ints(n, "split", &ns) == NULL) {
		/* equal parts (before num_outputs allowed a shorter last) */
		if (x->dims[a].kind == IR_DIM_VALUE && n->noutputs > 0 &&
		    (ir_node_opset(n) < 18 ||
		    ir_node_attr(n, "num_outputs") == NULL) &&
		    x->dims[a].value % (int64_t)n->noutputs != 0)
			bad(s, n, "axis %d of %" PRId64 " does not split into "
			    "%zu equal parts", a, x->dims[a].value,
			    n->noutputs);
		return;
	}
	if (ir_node_opset(n) >= 13) {
		if (!shapes_cints(s, in_v(n, 1), &sp, &ns))
			return;
	} else {
		sp = ir_attr_ints(n, "split", &ns);
	}
	if (ns != n->noutputs) {
		bad(s, n, "split has %zu sizes for %zu outputs", ns,
		    n->noutputs);
		return;
	}
	for (k = 0; k < ns; k++) {
		if (sp[k] < 0 || sp[k] > INT64_MAX - sum) {
			bad(s, n, "split size %" PRId64 " is not a size",
			    sp[k]);
			return;
		}
		sum += sp[k];
	}
	if (x->dims[a].kind == IR_DIM_VALUE && x->dims[a].value != sum)
		bad(s, n, "split sizes add up to %" PRId64 ", axis %d has "
		    "%" PRId64, sum, a, x->dims[a].value);
}

static void
tile(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);
	int64_t c = count_of(s, n, 1);

	vectors(s, n);
	if (r >= 0 && c >= 0 && c != r)
		bad(s, n, "%" PRId64 " repeats for input rank %d", c, r);
}

static void
pad(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);
	int64_t c, want;
	size_t na = 0;

	if (r < 0)
		return;
	if (ir_node_opset(n) < 11) {
		if (ir_attr_ints(n, "pads", &na) == NULL &&
		    ir_attr_ints(n, "paddings", &na) == NULL)
			return;
		c = (int64_t)na;
		want = 2 * (int64_t)r;
	} else {
		want = 2 * (int64_t)r;
		if (n->ninputs > 3 && in_v(n, 3) != NULL) {
			int64_t ax = count_of(s, n, 3);

			if (ax < 0)
				return;
			want = 2 * ax;
		}
		c = count_of(s, n, 1);
	}
	if (c >= 0 && c != want)
		bad(s, n, "%" PRId64 " pads, %" PRId64 " wanted for input "
		    "rank %d", c, want, r);
}

static void
gather_nd(struct sh *s, struct ir_node *n)
{
	const struct ir_type *ix = in_t(n, 1);
	int r = in_rank(n, 0);
	int64_t b = ir_attr_int(n, "batch_dims", 0), q;

	if (r < 0 || ix == NULL || ix->rank < 0)
		return;
	if (r < 1 || ix->rank < 1) {
		bad(s, n, "data rank %d and indices rank %d: both must be "
		    "at least 1", r, ix->rank);
		return;
	}
	if (b < 0 || b >= r || b >= ix->rank) {
		bad(s, n, "batch_dims %" PRId64 " is not below the data "
		    "rank %d and the indices rank %d", b, r, ix->rank);
		return;
	}
	if (ix->dims[ix->rank - 1].kind != IR_DIM_VALUE)
		return;
	q = ix->dims[ix->rank - 1].value;
	if (q < 1 || q > r - b)
		bad(s, n, "indices' last dim %" PRId64 " is outside [1, %"
		    PRId64 "] (data rank %d less batch_dims)", q,
		    (int64_t)r - b, r);
}

static void
slice(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);
	int64_t c[4];
	const int64_t *axes;
	size_t na, i;

	vectors(s, n);
	if (ir_node_opset(n) < 10 || r < 0)
		return;
	for (i = 0; i < 4; i++)
		c[i] = i + 1 < n->ninputs && in_v(n, i + 1) != NULL ?
		    count_of(s, n, i + 1) : -2;
	if (c[0] >= 0 && c[1] >= 0 && c[0] != c[1]) {
		bad(s, n, "%" PRId64 " starts and %" PRId64 " ends", c[0],
		    c[1]);
		return;
	}
	for (i = 2; i < 4; i++)
		if (c[i] >= 0 && c[0] >= 0 && c[i] != c[0]) {
			bad(s, n, "%" PRId64 " %s for %" PRId64 " starts",
			    c[i], i == 2 ? "axes" : "steps", c[0]);
			return;
		}
	if (n->ninputs > 3 && in_v(n, 3) != NULL &&
	    shapes_cints(s, in_v(n, 3), &axes, &na))
		axes_ok(s, n, axes, na, r, false);
}

static void
onehot(struct sh *s, struct ir_node *n)
{
	vectors(s, n);
	check_axis(s, n, 0, -1, 1);
}

static void
compress(struct sh *s, struct ir_node *n)
{
	if (ir_node_attr(n, "axis") != NULL)
		check_axis(s, n, 0, 0, 0);
}

static void
matmul(struct sh *s, struct ir_node *n)
{
	size_t i;

	for (i = 0; i < 2; i++)
		if (in_rank(n, i) == 0) {
			bad(s, n, "input %zu is a scalar: MatMul needs rank "
			    "1 or more", i);
			return;
		}
}

static void
gemm(struct sh *s, struct ir_node *n)
{
	size_t i;
	int r;

	for (i = 0; i < 2; i++)
		if ((r = in_rank(n, i)) >= 0 && r != 2) {
			bad(s, n, "input %zu has rank %d: Gemm needs rank 2",
			    i, r);
			return;
		}
}

/* Operators defined for one rank (DepthToSpace, SpaceToDepth: 4) or
 * from a least rank (Trilu, Det: 2). */
static void blocks(struct sh *s, struct ir_node *n);

static void
rank4(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);

	if (r >= 0 && r != 4) {
		bad(s, n, "input rank %d: %s needs rank 4", r, n->op_type);
		return;
	}
	blocks(s, n);
}

static void
rank2up(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);

	if (r >= 0 && r < 2)
		bad(s, n, "input rank %d: %s needs rank 2 or more", r,
		    n->op_type);
}

static void
range(struct sh *s, struct ir_node *n)
{
	size_t i;
	int r;

	for (i = 0; i < n->ninputs && i < 3; i++)
		if ((r = in_rank(n, i)) > 0) {
			bad(s, n, "input %zu has rank %d: Range takes "
			    "scalars", i, r);
			return;
		}
}

static void
topk(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t k;
	int a;

	vectors(s, n);
	if (x == NULL || x->rank < 0 || axis_out(s, n, "axis",
	    ir_attr_int(n, "axis", -1), x->rank, 0))
		return;
	a = norm_axis(ir_attr_int(n, "axis", -1), x->rank);
	if (ir_node_opset(n) >= 10 && in_v(n, 1) != NULL &&
	    shapes_cint(s, in_v(n, 1), 0, &k) &&
	    x->dims[a].kind == IR_DIM_VALUE && k > x->dims[a].value)
		bad(s, n, "k %" PRId64 " is more than the %" PRId64
		    " elements of axis %d", k, x->dims[a].value, a);
}

static void
resize(struct sh *s, struct ir_node *n)
{
	int r = in_rank(n, 0);
	int64_t c;
	size_t i;

	if (r < 0 || ir_node_opset(n) < 11 ||
	    ir_node_attr(n, "axes") != NULL)
		return;
	/* scales (input 2) or sizes (input 3), one per dim when given;
	 * an empty tensor stands for an absent input */
	for (i = 2; i < 4 && i < n->ninputs; i++)
		if (in_v(n, i) != NULL && (c = count_of(s, n, i)) > 0 &&
		    c != r) {
			bad(s, n, "%" PRId64 " %s for input rank %d", c,
			    i == 2 ? "scales" : "sizes", r);
			return;
		}
}

static void
reshape(struct sh *s, struct ir_node *n)
{
	const int64_t *v;
	size_t nv, i, minus = 0;

	vectors(s, n);
	if (n->ninputs < 2 || in_v(n, 1) == NULL ||
	    !shapes_cints(s, in_v(n, 1), &v, &nv))
		return;
	for (i = 0; i < nv; i++) {
		if (v[i] == -1)
			minus++;
		else if (v[i] < -1) {
			bad(s, n, "shape entry %" PRId64 " is below -1", v[i]);
			return;
		}
	}
	if (minus > 1)
		bad(s, n, "shape has %zu entries -1: at most one can be "
		    "inferred", minus);
}

/* SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss: labels [N, d1..dk]
 * for scores [N, C, d1..dk]. */
static void
loss(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0), *y = in_t(n, 1);
	int i;

	/* onnx's checker compares them for NegativeLogLikelihoodLoss */
	if (x == NULL || y == NULL || x->rank < 0 || y->rank < 0 ||
	    (s->consts_only && strcmp(n->op_type,
	    "NegativeLogLikelihoodLoss") != 0))
		return;
	if (x->rank < 2 || y->rank != x->rank - 1) {
		bad(s, n, "labels of rank %d for scores of rank %d (one less "
		    "wanted, scores rank 2 or more)", y->rank, x->rank);
		return;
	}
	for (i = 0; i < y->rank; i++) {
		const struct ir_dim *a = &y->dims[i];
		const struct ir_dim *b = &x->dims[i == 0 ? 0 : i + 1];

		if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE &&
		    a->value != b->value) {
			bad(s, n, "labels dim %d is %" PRId64 ", scores dim "
			    "%d is %" PRId64, i, a->value, i == 0 ? 0 : i + 1,
			    b->value);
			return;
		}
	}
}

/* BatchNormalization: scale, B, mean and var of C elements. */
static void
batchnorm(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0), *p;
	size_t i;

	/* onnx's checker compares them from BatchNormalization-15 */
	if (x == NULL || x->rank < 2 ||
	    (s->consts_only && ir_node_opset(n) < 15))
		return;
	for (i = 1; i < 5 && i < n->ninputs; i++) {
		if ((p = in_t(n, i)) == NULL || p->rank < 0)
			continue;
		if (p->rank != 1) {
			bad(s, n, "input %zu has rank %d: one value per "
			    "channel wanted", i, p->rank);
			return;
		}
		if (p->dims[0].kind == IR_DIM_VALUE &&
		    x->dims[1].kind == IR_DIM_VALUE &&
		    p->dims[0].value != x->dims[1].value) {
			bad(s, n, "input %zu has %" PRId64 " values for %"
			    PRId64 " channels", i, p->dims[0].value,
			    x->dims[1].value);
			return;
		}
	}
}

/*
 * Conv, ConvTranspose, ConvInteger, QLinearConv and the pools: the
 * spatial attributes one per spatial dim (pads two), W of X's rank, X's
 * channels those W takes with the group (Conv), and a kernel, dilated,
 * no larger than the padded input where no auto_pad sizes it.
 */
static void
convpool(struct sh *s, struct ir_node *n)
{
	static const char *const one[] = { "kernel_shape", "strides",
	    "dilations", "output_padding" };
	bool conv = strstr(n->op_type, "Conv") != NULL;
	bool qlinear = strcmp(n->op_type, "QLinearConv") == 0;
	const struct ir_type *x = in_t(n, 0);
	const struct ir_type *w = conv ? in_t(n, qlinear ? 3 : 1) : NULL;
	const int64_t *ks, *pads, *dil;
	size_t nk = 0, np = 0, nd = 0, c, k;
	int64_t sp;

	if (x == NULL || x->rank < 0)
		return;
	if (x->rank < 3) {
		bad(s, n, "input rank %d: %s needs a batch, a channel and a "
		    "spatial dim", x->rank, n->op_type);
		return;
	}
	sp = x->rank - 2;
	for (c = 0; c < sizeof(one) / sizeof(one[0]); c++) {
		const int64_t *v = ir_attr_ints(n, one[c], &k);
		size_t j;

		if (v != NULL && (int64_t)k != sp) {
			bad(s, n, "%s has %zu values for %" PRId64 " spatial "
			    "dims", one[c], k, sp);
			return;
		}
		/* sizes and steps are positive (output_padding may be 0) */
		for (j = 0; v != NULL && j < k; j++)
			if (v[j] < (c == 3 ? 0 : 1)) {
				bad(s, n, "%s[%zu] is %" PRId64, one[c], j,
				    v[j]);
				return;
			}
	}
	if ((pads = ir_attr_ints(n, "pads", &np)) != NULL &&
	    (int64_t)np != 2 * sp) {
		bad(s, n, "pads has %zu values for %" PRId64 " spatial dims "
		    "(two each)", np, sp);
		return;
	}
	if (w != NULL && w->rank >= 0 && w->rank != x->rank) {
		bad(s, n, "weights of rank %d for input rank %d", w->rank,
		    x->rank);
		return;
	}
	/* (onnx's checker does not compare the channels) */
	if (w != NULL && w->rank >= 2 && strcmp(n->op_type, "ConvTranspose")
	    && !s->consts_only && x->dims[1].kind == IR_DIM_VALUE &&
	    w->dims[1].kind == IR_DIM_VALUE) {
		int64_t g = ir_attr_int(n, "group", 1);

		if (g < 1 || w->dims[1].value > INT64_MAX / g ||
		    w->dims[1].value * g != x->dims[1].value) {
			bad(s, n, "input has %" PRId64 " channels, weights "
			    "take %" PRId64 " per group of %" PRId64,
			    x->dims[1].value, w->dims[1].value, g);
			return;
		}
	}
	/* the kernel against the padded input (explicit pads only) */
	if (strcmp(n->op_type, "ConvTranspose") == 0 ||
	    !ir_attr_str_is(n, "auto_pad", "NOTSET", true))
		return;
	ks = ir_attr_ints(n, "kernel_shape", &nk);
	dil = ir_attr_ints(n, "dilations", &nd);
	for (k = 0; k < (size_t)sp; k++) {
		const struct ir_dim *d = &x->dims[k + 2];
		int64_t kk, p0, p1, dl;

		if (ks != NULL && nk == (size_t)sp)
			kk = ks[k];
		else if (w != NULL && w->rank == x->rank &&
		    w->dims[k + 2].kind == IR_DIM_VALUE)
			kk = w->dims[k + 2].value;
		else
			continue;
		dl = dil != NULL && nd == (size_t)sp ? dil[k] : 1;
		p0 = pads != NULL ? pads[k] : 0;
		p1 = pads != NULL ? pads[k + (size_t)sp] : 0;
		if (d->kind != IR_DIM_VALUE || big(d->value) || big(kk) ||
		    big(dl) || big(p0) || big(p1) || kk < 1 || dl < 1)
			continue;
		if ((kk - 1) * dl + 1 > d->value + p0 + p1) {
			bad(s, n, "kernel of %" PRId64 " (dilated %" PRId64
			    ") is larger than spatial dim %zu, %" PRId64
			    " with pads %" PRId64 " and %" PRId64, kk,
			    (kk - 1) * dl + 1, k, d->value, p0, p1);
			return;
		}
	}
}

/* ConstantOfShape: a shape of sizes. */
static void
constant_of_shape(struct sh *s, struct ir_node *n)
{
	const int64_t *v;
	size_t nv, i;

	vectors(s, n);
	if (n->ninputs < 1 || !shapes_cints(s, in_v(n, 0), &v, &nv))
		return;
	for (i = 0; i < nv; i++)
		if (v[i] < 0) {
			bad(s, n, "shape entry %zu is %" PRId64, i, v[i]);
			return;
		}
}

/* Einsum: one term per input, as many letters as the input's rank
 * (beyond an ellipsis), one size per letter. */
static void
einsum(struct sh *s, struct ir_node *n)
{
	const struct ir_attr *a = ir_node_attr(n, "equation");
	struct ir_dim size[128];
	bool seen[128];
	const char *p, *end;
	size_t k = 0;

	if (a == NULL || a->type != IR_ATTR_STRING || a->s == NULL)
		return;
	p = (const char *)a->s;
	end = p + a->slen;
	for (const char *q = p; q + 1 < end; q++)
		if (q[0] == '-' && q[1] == '>') {
			end = q;
			break;
		}
	memset(seen, 0, sizeof(seen));
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const struct ir_type *t = in_t(n, k);
		int letters = 0, i = 0;
		bool ell = false;
		const char *q;

		if (c == NULL)
			c = end;
		for (q = p; q < c; q++)
			if (*q == '.')
				ell = true;
			else if (*q != ' ')
				letters++;
		if (k >= n->ninputs) {
			bad(s, n, "the equation has more terms than the %zu "
			    "inputs", n->ninputs);
			return;
		}
		if (t != NULL && t->rank >= 0 && (ell ? letters > t->rank :
		    letters != t->rank)) {
			bad(s, n, "term %zu has %d letters for input rank %d",
			    k, letters, t->rank);
			return;
		}
		/* sizes per letter, when the term has no ellipsis (onnx's
		 * checker does not compare them) */
		for (q = p; t != NULL && t->rank >= 0 && !ell &&
		    !s->consts_only && q < c; q++) {
			unsigned char l = (unsigned char)*q;

			if (l == ' ')
				continue;
			if (l < 128 && t->dims[i].kind == IR_DIM_VALUE) {
				if (seen[l] && size[l].value != 1 &&
				    t->dims[i].value != 1 &&
				    size[l].value != t->dims[i].value) {
					bad(s, n, "letter '%c' is %" PRId64
					    " and %" PRId64, l, size[l].value,
					    t->dims[i].value);
					return;
				}
				if (!seen[l] || size[l].value == 1)
					size[l] = t->dims[i];
				seen[l] = true;
			}
			i++;
		}
		k++;
		if (c == end)
			break;
		p = c + 1;
	}
	if (k != n->ninputs)
		bad(s, n, "the equation has %zu terms for %zu inputs", k,
		    n->ninputs);
}

/* DepthToSpace, SpaceToDepth: a positive blocksize that divides the
 * channels, or the height and width. */
static void
blocks(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t b = ir_attr_int(n, "blocksize", 0);
	int i;

	if (b < 1) {
		bad(s, n, "blocksize %" PRId64 " is not positive", b);
		return;
	}
	if (x == NULL || x->rank != 4 || b > SH_BIG)
		return;
	if (strcmp(n->op_type, "DepthToSpace") == 0) {
		if (x->dims[1].kind == IR_DIM_VALUE &&
		    x->dims[1].value % (b * b) != 0)
			bad(s, n, "%" PRId64 " channels are not a multiple "
			    "of blocksize %" PRId64 " squared",
			    x->dims[1].value, b);
		return;
	}
	for (i = 2; i < 4; i++)
		if (x->dims[i].kind == IR_DIM_VALUE &&
		    x->dims[i].value % b != 0) {
			bad(s, n, "dim %d of %" PRId64 " is not a multiple of "
			    "blocksize %" PRId64, i, x->dims[i].value, b);
			return;
		}
}

static void
lrn(struct sh *s, struct ir_node *n)
{
	int64_t size = ir_attr_int(n, "size", 0);

	if (size < 1)
		bad(s, n, "size %" PRId64 " is not positive", size);
}

/*
 * The inputs that hold one value or one list: a shape, repeats, axes,
 * k, depth, a condition.  RANK1 inputs must be 1-D; ONE inputs hold a
 * single element (of any rank: ONNX Runtime takes an If condition of
 * [1, 1]).  (Expand's shape is left
 * out: ONNX Runtime runs a 2-D one.)
 */
static void
vectors(struct sh *s, struct ir_node *n)
{
	static const struct {
		const char *op;
		int from;		/* opset the input form starts at */
		unsigned rank1, one;	/* bit i: input i */
	} rows[] = {
		{ "Reshape", 5, 1u << 1, 0 },
		{ "Tile", 6, 1u << 1, 0 },
		{ "ConstantOfShape", 9, 1u << 0, 0 },
		{ "Slice", 10, 0x1eu, 0 },
		{ "TopK", 10, 1u << 1, 1u << 1 },
		{ "OneHot", 9, 0, 1u << 1 },
		{ "If", 1, 0, 1u << 0 },
	};
	size_t r, i;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		if (strcmp(rows[r].op, n->op_type) != 0 ||
		    ir_node_opset(n) < rows[r].from)
			continue;
		for (i = 0; i < n->ninputs && i < 8; i++) {
			const struct ir_type *t = in_t(n, i);
			const struct ir_dim c = t != NULL && t->rank >= 0 ?
			    shapes_dim_prod(t, 0, t->rank) : dunknown();

			if (t == NULL || t->rank < 0)
				continue;
			if ((rows[r].rank1 >> i & 1) && t->rank != 1) {
				bad(s, n, "input %zu has rank %d: a 1-D tensor "
				    "wanted", i, t->rank);
				return;
			}
			if ((rows[r].one >> i & 1) && c.kind == IR_DIM_VALUE &&
			    c.value != 1) {
				bad(s, n, "input %zu has %" PRId64 " elements: a "
				    "single value wanted", i, c.value);
				return;
			}
		}
		return;
	}
}

/* If: both branches give each output the same element type. */
static void
if_branches(struct sh *s, struct ir_node *n)
{
	struct ir_graph *a = shapes_subgraph(n, "then_branch");
	struct ir_graph *b = shapes_subgraph(n, "else_branch");
	size_t i;

	vectors(s, n);
	if (a == NULL || b == NULL || a->noutputs != b->noutputs)
		return;		/* S234's */
	for (i = 0; i < a->noutputs; i++) {
		const struct ir_type *x = shapes_gout(a, i);
		const struct ir_type *y = shapes_gout(b, i);

		if (x != NULL && y != NULL && x->kind == IR_TYPE_TENSOR &&
		    y->kind == IR_TYPE_TENSOR && x->elem != 0 &&
		    y->elem != 0 && x->elem != y->elem) {
			shapes_report(s, SHAPES_BRANCHES, n, "output %zu is "
			    "%s in then_branch, %s in else_branch", i, ir_elem_name(x->elem) ?
			    ir_elem_name(x->elem) : "?", ir_elem_name(y->elem) ?
			    ir_elem_name(y->elem) : "?");
			return;
		}
	}
}

/* Gather: constant indices inside the axis' size. */
static void
gather(struct sh *s, struct ir_node *n)
{
	const struct ir_type *x = in_t(n, 0);
	const struct sconst *c;
	int64_t d, v;
	size_t i;
	int a;

	if (x == NULL || x->rank < 1 || axis_out(s, n, "axis",
	    ir_attr_int(n, "axis", 0), x->rank, 0))
		return;
	a = norm_axis(ir_attr_int(n, "axis", 0), x->rank);
	if (x->dims[a].kind != IR_DIM_VALUE ||
	    (c = shapes_cget(s, in_v(n, 1))) == NULL)
		return;
	d = x->dims[a].value;
	for (i = 0; i < c->n; i++)
		if (shapes_cint(s, in_v(n, 1), i, &v) && (v < -d || v >= d)) {
			bad(s, n, "index %" PRId64 " is outside [%" PRId64
			    ", %" PRId64 "] of axis %d", v, -d, d - 1, a);
			return;
		}
}

struct check_entry {
	const char *name;
	void (*fn)(struct sh *s, struct ir_node *n);
};

static const struct check_entry table[] = {
	{ "Softmax", softmax }, { "LogSoftmax", softmax },
	{ "Hardmax", softmax },
	{ "Gather", gather }, { "ArgMax", axis0 }, { "ArgMin", axis0 },
	{ "GatherElements", elements }, { "ScatterElements", elements },
	{ "Scatter", elements },
	{ "Concat", concat }, { "Flatten", flatten },
	{ "Squeeze", squeeze }, { "Unsqueeze", unsqueeze },
	{ "ReduceSum", reduce }, { "ReduceMean", reduce },
	{ "ReduceMax", reduce }, { "ReduceMin", reduce },
	{ "ReduceProd", reduce }, { "ReduceL1", reduce },
	{ "ReduceL2", reduce }, { "ReduceLogSum", reduce },
	{ "ReduceLogSumExp", reduce }, { "ReduceSumSquare", reduce },
	{ "Split", split }, { "Tile", tile }, { "Pad", pad },
	{ "GatherND", gather_nd }, { "Slice", slice },
	{ "OneHot", onehot }, { "Compress", compress },
	{ "MatMul", matmul }, { "Gemm", gemm },
	{ "DepthToSpace", rank4 }, { "SpaceToDepth", rank4 },
	{ "Trilu", rank2up }, { "Det", rank2up },
	{ "Range", range }, { "TopK", topk }, { "Resize", resize },
	{ "Reshape", reshape },
	{ "SoftmaxCrossEntropyLoss", loss },
	{ "NegativeLogLikelihoodLoss", loss },
	{ "BatchNormalization", batchnorm },
	{ "Conv", convpool }, { "ConvTranspose", convpool },
	{ "ConvInteger", convpool }, { "QLinearConv", convpool },
	{ "MaxPool", convpool }, { "AveragePool", convpool },
	{ "LpPool", convpool },
	{ "ConstantOfShape", constant_of_shape }, { "Einsum", einsum },
	{ "LRN", lrn }, { "If", if_branches },
};


int
shapes_check_init(struct sh *s)
{
	size_t i;

	hmap_init(&s->checks, &s->tmp);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (hmap_set(&s->checks, table[i].name, (void *)&table[i]) < 0)
			return -1;
	return 0;
}

void
shapes_check_node(struct sh *s, struct ir_node *n)
{
	const struct check_entry *e;

	if (s->fn == NULL || !ir_domain_is_onnx(n->domain))
		return;
	if ((e = hmap_get(&s->checks, n->op_type)) != NULL)
		e->fn(s, n);
}
