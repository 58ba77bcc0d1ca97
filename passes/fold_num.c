/* SPDX-License-Identifier: MIT */
/*
 * The fold pass's kernels for float arithmetic whose exact result a
 * float kernel only approaches: MatMul, Gemm and Conv (sums of
 * products), the float reductions (ReduceSum, ReduceMean, ReduceProd,
 * ReduceSumSquare, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp),
 * Softmax and LogSoftmax, CumSum, and the elementwise functions
 * (Sigmoid, Tanh, Erf, the trigonometric and hyperbolic functions,
 * Softplus, Softsign, Elu, Selu, Celu, LeakyRelu, HardSigmoid,
 * HardSwish, ThresholdedRelu, Mish, Gelu) with Clip, Sign, Round,
 * IsNaN, IsInf and Trilu, which are exact.
 *
 * Each value is computed in double from the exact inputs (sums
 * accumulate in double) and rounded once to its element type: the exact
 * result correctly rounded but for a rounding of double's, where a
 * float runtime accumulates in float in an order of its own (ONNX
 * Runtime's own kernels differ from each other in the last bits).  The
 * fold's checks against ONNX Runtime compare within a tolerance for
 * these, as for BatchNormalization folds.
 *
 * Work is bounded: each kernel takes its multiply-adds (elements for
 * the elementwise ones) from the pass's fold_work before computing, at
 * most FOLD_NODE_WORK for one node, or declines and the node stays.
 */
#include <math.h>
#include <string.h>

#include "fold.h"

/* Take COST from W: false (OVER set) when it is not there. */
static bool
fold_work_take(struct fold_work *w, uint64_t cost)
{
	if (cost > FOLD_NODE_WORK || cost > w->left) {
		w->over = true;
		return false;
	}
	w->left -= cost;
	return true;
}

static bool
is_float(const struct cval *x)
{
	return !x->isint && fold_elem_float(x->elem);
}

/* Y as a float result of ELEM with RANK dims DIMS, its room taken: 1, 0
 * (too large or dims overflowing), -1 out of budget. */
static int
result(struct cval *y, int32_t elem, int rank, const int64_t *dims,
    struct arena *ar)
{
	memset(y, 0, sizeof(*y));
	y->elem = elem;
	y->rank = rank;
	if (rank > 0)
		memcpy(y->dims, dims, (size_t)rank * sizeof(*dims));
	if (!fold_dims_count(y->dims, rank, &y->n))
		return 0;
	return fold_alloc(ar, y);
}

/* ---- elementwise ---- */

static double
sigmoid(double v)
{
	double e;

	if (v >= 0)
		return 1.0 / (1.0 + exp(-v));
	e = exp(v);
	return e / (1.0 + e);
}

static double
softplus(double v)
{
	return v > 0 ? v + log1p(exp(-v)) : log1p(exp(v));
}

/* F of V for the elementwise operator OP with node N's attributes. */
static double
unary(const struct ir_node *n, const char *op, double v)
{
	double a, g;

	if (strcmp(op, "Sigmoid") == 0)
		return sigmoid(v);
	if (strcmp(op, "Tanh") == 0)
		return tanh(v);
	if (strcmp(op, "Erf") == 0)
		return erf(v);
	if (strcmp(op, "Sin") == 0)
		return sin(v);
	if (strcmp(op, "Cos") == 0)
		return cos(v);
	if (strcmp(op, "Tan") == 0)
		return tan(v);
	if (strcmp(op, "Asin") == 0)
		return asin(v);
	if (strcmp(op, "Acos") == 0)
		return acos(v);
	if (strcmp(op, "Atan") == 0)
		return atan(v);
	if (strcmp(op, "Sinh") == 0)
		return sinh(v);
	if (strcmp(op, "Cosh") == 0)
		return cosh(v);
	if (strcmp(op, "Asinh") == 0)
		return asinh(v);
	if (strcmp(op, "Acosh") == 0)
		return acosh(v);
	if (strcmp(op, "Atanh") == 0)
		return atanh(v);
	if (strcmp(op, "Exp") == 0)
		return exp(v);
	if (strcmp(op, "Log") == 0)
		return log(v);
	if (strcmp(op, "Softplus") == 0)
		return softplus(v);
	if (strcmp(op, "Softsign") == 0)
		return v / (1.0 + fabs(v));
	if (strcmp(op, "Round") == 0)
		return nearbyint(v);	/* halves to even */
	if (strcmp(op, "Mish") == 0)
		return v * tanh(softplus(v));
	if (strcmp(op, "HardSwish") == 0)
		return v * fmax(0.0, fmin(1.0, v / 6.0 + 0.5));
	a = ir_attr_float(n, "alpha", 0);
	if (strcmp(op, "LeakyRelu") == 0)
		return v < 0 ? (double)ir_attr_float(n, "alpha", 0.01f) * v : v;
	if (strcmp(op, "Elu") == 0)
		return v < 0 ? (double)ir_attr_float(n, "alpha", 1.0f) *
		    expm1(v) : v;
	if (strcmp(op, "Celu") == 0) {
		a = ir_attr_float(n, "alpha", 1.0f);
		return fmax(0.0, v) + fmin(0.0, a * expm1(v / a));
	}
	if (strcmp(op, "Selu") == 0) {
		a = ir_attr_float(n, "alpha", 1.67326319217681884765625f);
		g = ir_attr_float(n, "gamma", 1.05070102214813232421875f);
		return v > 0 ? g * v : g * a * expm1(v);
	}
	if (strcmp(op, "HardSigmoid") == 0) {
		a = ir_attr_float(n, "alpha", 0.2f);
		g = ir_attr_float(n, "beta", 0.5f);
		return fmax(0.0, fmin(1.0, a * v + g));
	}
	if (strcmp(op, "ThresholdedRelu") == 0)
		return v > (double)ir_attr_float(n, "alpha", 1.0f) ? v : 0.0;
	/* Gelu */
	if (ir_attr_str_is(n, "approximate", "tanh", false))
		return 0.5 * v * (1.0 + tanh(0.79788456080286535588 *
		    (v + 0.044715 * v * v * v)));
	return 0.5 * v * (1.0 + erf(v / sqrt(2.0)));
}

static const char *const unary_ops[] = {
	"Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "Celu", "Cos",
	"Cosh", "Elu", "Erf", "Exp", "Gelu", "HardSigmoid", "HardSwish",
	"LeakyRelu", "Log", "Mish", "Round", "Selu", "Sigmoid", "Sin",
	"Sinh", "Softplus", "Softsign", "Tan", "Tanh", "ThresholdedRelu",
};

static bool
in_list(const char *op, const char *const *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (op[0] == l[i][0] && strcmp(op, l[i]) == 0)
			return true;
	return false;
}

static int
do_unary(const struct ir_node *n, const struct cval *x, struct cval *y,
    struct arena *ar, int64_t opset, struct fold_work *w)
{
	const char *op = n->op_type;
	size_t i;
	int rc;

	/* Gelu is a standard operator from opset 20 */
	if (!is_float(x) || (strcmp(op, "Gelu") == 0 && opset < 20) ||
	    !fold_work_take(w, x->n))
		return 0;
	if ((rc = result(y, x->elem, x->rank, x->dims, ar)) <= 0)
		return rc;
	for (i = 0; i < x->n; i++)
		y->f[i] = fold_round_to(y->elem, unary(n, op, x->f[i]));
	return 1;
}

/* Sign of any number type; IsNaN and IsInf of floats (bool). */
static int
do_sign_isx(const struct ir_node *n, const struct cval *x, struct cval *y,
    struct arena *ar, struct fold_work *w)
{
	const char *op = n->op_type;
	bool neg = ir_attr_int(n, "detect_negative", 1) != 0;
	bool pos = ir_attr_int(n, "detect_positive", 1) != 0;
	size_t i;
	int rc;

	if (x->elem == IR_ELEM_BOOL || (op[0] == 'I' && !is_float(x)) ||
	    !fold_work_take(w, x->n))
		return 0;
	*y = *x;
	if (op[0] == 'I') {
		y->elem = IR_ELEM_BOOL;
		y->isint = true;
	}
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < x->n; i++) {
		if (x->isint) {
			y->i[i] = (x->i[i] > 0) - (x->i[i] < 0);
		} else if (strcmp(op, "Sign") == 0) {
			double v = x->f[i];

			y->f[i] = isnan(v) ? v : (double)((v > 0) - (v < 0));
		} else if (strcmp(op, "IsNaN") == 0) {
			y->i[i] = isnan(x->f[i]) != 0;
		} else {
			double v = x->f[i];

			y->i[i] = isinf(v) && ((v > 0 && pos) || (v < 0 && neg));
		}
	}
	return 1;
}

/* Clip: bounds from inputs 1 and 2 (opset 11 on; scalars) or from the
 * min and max attributes; any number type from opset 12. */
static int
do_clip(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, int64_t opset, struct fold_work *w)
{
	const struct cval *x = &in[0];
	double lo = -INFINITY, hi = INFINITY;
	int64_t ilo = INT64_MIN, ihi = INT64_MAX;
	size_t i, k;
	int rc;

	if (x->elem == IR_ELEM_BOOL || (x->isint && opset < 12) ||
	    !fold_work_take(w, x->n))
		return 0;
	if (opset < 11) {
		if (nin != 1)
			return 0;
		lo = ir_attr_float(n, "min", -INFINITY);
		hi = ir_attr_float(n, "max", INFINITY);
	} else {
		for (k = 1; k < nin && k < 3; k++) {
			const struct cval *b = &in[k];

			if (b->n != 1 || b->elem != x->elem)
				return 0;
			if (x->isint)
				*(k == 1 ? &ilo : &ihi) = b->i[0];
			else
				*(k == 1 ? &lo : &hi) = b->f[0];
		}
		if (nin > 3)
			return 0;
	}
	/*
	 * A runtime clips to its type's limits where a bound is absent,
	 * and NaN meets its min and max in an order of its own: such
	 * values are left to it.
	 */
	for (i = 0; !x->isint && i < x->n; i++)
		if (isnan(x->f[i]) || (isinf(x->f[i]) && (isinf(lo) ||
		    isinf(hi))))
			return 0;
	*y = *x;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < x->n; i++) {
		if (x->isint) {
			int64_t v = x->i[i];

			v = v < ilo ? ilo : v;
			y->i[i] = v > ihi ? ihi : v;
		} else {
			double v = x->f[i];

			if (v < lo)
				v = lo;
			if (v > hi)
				v = hi;
			y->f[i] = fold_round_to(y->elem, v);
		}
	}
	return 1;
}

/* Trilu: the upper (or lower) triangle of the last two dims from
 * diagonal k, the rest zero; exact for every type. */
static int
do_trilu(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, struct fold_work *w)
{
	const struct cval *x = &in[0];
	bool upper = ir_attr_int(n, "upper", 1) != 0;
	int64_t k = 0, rows, cols, r, c;
	size_t i;
	int rc;

	if (x->rank < 2 || nin > 2 || !fold_work_take(w, x->n))
		return 0;
	if (nin == 2 && in[1].n > 0) {
		if (!in[1].isint || in[1].n != 1)
			return 0;
		k = in[1].i[0];
	}
	*y = *x;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	rows = x->dims[x->rank - 2];
	cols = x->dims[x->rank - 1];
	for (i = 0; i < x->n; i++) {
		bool keep;

		c = (int64_t)(i % (size_t)cols);
		r = (int64_t)(i / (size_t)cols % (size_t)rows);
		/* c - r against k, without overflow for any k */
		keep = upper ? c - r >= k : c - r <= k;
		if (x->isint)
			y->i[i] = keep ? x->i[i] : 0;
		else
			y->f[i] = keep ? x->f[i] : 0.0;
	}
	return 1;
}

/* ---- reductions ---- */

enum fred { F_SUM, F_MEAN, F_PROD, F_SUMSQ, F_L1, F_L2, F_LOGSUM,
	F_LOGSUMEXP };

static const struct {
	const char *op;
	enum fred r;
} freds[] = {
	{ "ReduceSum", F_SUM }, { "ReduceMean", F_MEAN },
	{ "ReduceProd", F_PROD }, { "ReduceSumSquare", F_SUMSQ },
	{ "ReduceL1", F_L1 }, { "ReduceL2", F_L2 },
	{ "ReduceLogSum", F_LOGSUM }, { "ReduceLogSumExp", F_LOGSUMEXP },
};

/*
 * A float reduction: each output sums (or multiplies) its inputs in
 * double; the mean divides by their count, L2 takes the root, LogSum
 * the log, LogSumExp shifts by the maximum first.  Axes from input 1
 * from opset 13 for ReduceSum, 18 for the others.
 */
static int
do_freduce(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, int64_t opset, enum fred op,
    struct fold_work *w)
{
	const struct cval *x = &in[0];
	int64_t ys[MAX_RANK], idx[MAX_RANK] = { 0 }, dims[MAX_RANK];
	bool red[MAX_RANK];
	double *mx = NULL;
	size_t i, o, count = 1;
	int r = x->rank, j, out = 0, rc, pass;

	if (!is_float(x) || !fold_work_take(w, 2 * x->n))
		return 0;
	rc = fold_reduce_axes(n, in, nin, opset >= (op == F_SUM ? 13 : 18),
	    red);
	if (rc <= 0)
		return 0;
	if (rc == 2) {
		*y = *x;
		return 1;
	}
	for (j = 0; j < r; j++) {
		if (red[j])
			count *= (size_t)x->dims[j];
		if (!red[j])
			dims[out++] = x->dims[j];
		else if (ir_attr_int(n, "keepdims", 1) != 0)
			dims[out++] = 1;
	}
	/* the mean, log or max of nothing is not a number worth folding */
	if (count == 0 && op != F_SUM && op != F_PROD && op != F_SUMSQ &&
	    op != F_L1 && op != F_L2)
		return 0;
	if ((rc = result(y, x->elem, out, dims, ar)) <= 0)
		return rc;
	{
		int64_t s = 1;

		for (j = r - 1; j >= 0; j--) {
			ys[j] = red[j] ? 0 : s;
			if (!red[j])
				s *= x->dims[j];
		}
	}
	if (op == F_LOGSUMEXP) {
		if ((mx = arena_array(ar, y->n + 1, sizeof(*mx))) == NULL)
			return -1;
		for (o = 0; o < y->n; o++)
			mx[o] = -INFINITY;
	}
	for (o = 0; o < y->n; o++)
		y->f[o] = op == F_PROD ? 1.0 : 0.0;
	for (pass = op == F_LOGSUMEXP ? 0 : 1; pass < 2; pass++) {
		memset(idx, 0, sizeof(idx));
		for (i = 0; i < x->n; i++) {
			double v = x->f[i];

			o = 0;
			for (j = 0; j < r; j++)
				o += (size_t)(idx[j] * ys[j]);
			if (pass == 0)
				mx[o] = v > mx[o] || isnan(v) ? v : mx[o];
			else if (op == F_PROD)
				y->f[o] *= v;
			else if (op == F_SUMSQ || op == F_L2)
				y->f[o] += v * v;
			else if (op == F_L1)
				y->f[o] += fabs(v);
			else if (op == F_LOGSUMEXP)
				y->f[o] += isinf(mx[o]) ? exp(v) :
				    exp(v - mx[o]);
			else
				y->f[o] += v;
			for (j = r - 1; j >= 0; j--) {
				if (++idx[j] < x->dims[j])
					break;
				idx[j] = 0;
			}
		}
	}
	for (o = 0; o < y->n; o++) {
		double v = y->f[o];

		if (op == F_MEAN)
			v /= (double)count;
		else if (op == F_L2)
			v = sqrt(v);
		else if (op == F_LOGSUM)
			v = log(v);
		else if (op == F_LOGSUMEXP)
			v = isinf(mx[o]) ? log(v) : mx[o] + log(v);
		y->f[o] = fold_round_to(y->elem, v);
	}
	return 1;
}

/* ---- Softmax, LogSoftmax, CumSum ---- */

/* The OUTER x LEN x INNER view of X around AXIS (opset 13 on: that axis
 * alone; below: Softmax's 2-D coercion, LEN the product from AXIS on and
 * INNER 1). */
static bool
around(const struct cval *x, int64_t axis, bool coerce, size_t *outer,
    size_t *len, size_t *inner)
{
	int a, j;

	if (axis < -x->rank || axis >= x->rank || x->rank < 1)
		return false;
	a = (int)(axis < 0 ? axis + x->rank : axis);
	*outer = *len = *inner = 1;
	for (j = 0; j < x->rank; j++) {
		size_t d = (size_t)x->dims[j];

		if (j < a)
			*outer *= d;
		else if (j == a || coerce)
			*len *= d;
		else
			*inner *= d;
	}
	return true;
}

static int
do_softmax(const struct ir_node *n, const struct cval *x, struct cval *y,
    struct arena *ar, int64_t opset, struct fold_work *w)
{
	bool logs = n->op_type[0] == 'L';
	size_t outer, len, inner, o, k, t;
	int rc;

	/* an empty X may have dims whose product overflows */
	if (!is_float(x) || x->n == 0 || !fold_work_take(w, 3 * x->n) ||
	    !around(x, ir_attr_int(n, "axis", opset >= 13 ? -1 : 1),
	    opset < 13, &outer, &len, &inner))
		return 0;
	if ((rc = result(y, x->elem, x->rank, x->dims, ar)) <= 0)
		return rc;
	for (o = 0; o < outer; o++)
		for (t = 0; t < inner; t++) {
			const double *p = x->f + o * len * inner + t;
			double *q = y->f + o * len * inner + t;
			double m = -INFINITY, s = 0;

			for (k = 0; k < len; k++)
				m = p[k * inner] > m || isnan(p[k * inner]) ?
				    p[k * inner] : m;
			for (k = 0; k < len; k++)
				s += exp(p[k * inner] - m);
			for (k = 0; k < len; k++)
				q[k * inner] = fold_round_to(y->elem, logs ?
				    p[k * inner] - m - log(s) :
				    exp(p[k * inner] - m) / s);
		}
	return 1;
}

static int
do_cumsum(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, struct fold_work *w)
{
	const struct cval *x = &in[0];
	bool excl = ir_attr_int(n, "exclusive", 0) != 0;
	bool rev = ir_attr_int(n, "reverse", 0) != 0;
	size_t outer, len, inner, o, k, t;
	int rc;

	if (nin != 2 || !in[1].isint || in[1].n != 1 || in[1].rank > 1 ||
	    x->elem == IR_ELEM_BOOL || x->n == 0 || !fold_work_take(w, x->n) ||
	    !around(x, in[1].i[0], false, &outer, &len, &inner))
		return 0;
	if (x->isint && x->elem != IR_ELEM_INT64 && x->elem != IR_ELEM_INT32)
		return 0;
	*y = *x;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (o = 0; o < outer; o++)
		for (t = 0; t < inner; t++) {
			double s = 0;
			int64_t si = 0;

			for (k = 0; k < len; k++) {
				size_t kk = rev ? len - 1 - k : k;
				size_t at = (o * len + kk) * inner + t;

				if (x->isint) {
					if (excl)
						y->i[at] = si;
					if (__builtin_add_overflow(si, x->i[at],
					    &si) || (x->elem == IR_ELEM_INT32 &&
					    si != (int32_t)si))
						return 0;
					if (!excl)
						y->i[at] = si;
				} else {
					if (excl)
						y->f[at] = fold_round_to(y->elem,
						    s);
					s += x->f[at];
					if (!excl)
						y->f[at] = fold_round_to(y->elem,
						    s);
				}
			}
		}
	return 1;
}

/* ---- MatMul, Gemm, Conv ---- */

/*
 * MatMul with numpy's rules: a 1-D operand is a row (A) or a column (B)
 * whose dim the result drops, the batch dims broadcast.
 */
static int
do_matmul(const struct cval *a, const struct cval *b, struct cval *y,
    struct arena *ar, struct fold_work *w)
{
	int64_t ad[MAX_RANK], bd[MAX_RANK], yd[MAX_RANK];
	int64_t sa[MAX_RANK], sb[MAX_RANK], idx[MAX_RANK] = { 0 };
	int ra = a->rank, rb = b->rank, r, j, nb, yr = 0;
	size_t m, kk, nn, batch = 1, bi, i, jj, t, oa, ob;
	uint64_t cost;
	int rc;

	if (!is_float(a) || a->elem != b->elem || b->isint || ra < 1 ||
	    rb < 1)
		return 0;
	/* promoted views of rank >= 2 */
	if (ra == 1) {
		ad[0] = 1;
		ad[1] = a->dims[0];
		ra = 2;
	} else {
		memcpy(ad, a->dims, (size_t)ra * sizeof(*ad));
	}
	if (rb == 1) {
		bd[0] = b->dims[0];
		bd[1] = 1;
		rb = 2;
	} else {
		memcpy(bd, b->dims, (size_t)rb * sizeof(*bd));
	}
	if (ad[ra - 1] != bd[rb - 2])
		return 0;
	m = (size_t)ad[ra - 2];
	kk = (size_t)ad[ra - 1];
	nn = (size_t)bd[rb - 1];
	r = ra > rb ? ra : rb;
	nb = r - 2;
	if (r > MAX_RANK)
		return 0;
	/* batch dims: align right, 1 stretches */
	{
		size_t s1 = m * kk, s2 = kk * nn;

		for (j = nb - 1; j >= 0; j--) {
			int ja = j - (r - ra), jb = j - (r - rb);
			int64_t da = ja >= 0 ? ad[ja] : 1;
			int64_t db = jb >= 0 ? bd[jb] : 1;

			if (da != db && da != 1 && db != 1)
				return 0;
			yd[j] = da == 1 ? db : da;
			sa[j] = da == 1 ? 0 : (int64_t)s1;
			sb[j] = db == 1 ? 0 : (int64_t)s2;
			s1 *= (size_t)da;
			s2 *= (size_t)db;
			batch *= (size_t)yd[j];
		}
	}
	/* every batch is a step, even an empty one */
	if (__builtin_mul_overflow((uint64_t)m, (uint64_t)nn, &cost) ||
	    __builtin_mul_overflow(cost, (uint64_t)(kk ? kk : 1), &cost) ||
	    __builtin_add_overflow(cost, 1, &cost) ||
	    __builtin_mul_overflow(cost, (uint64_t)batch, &cost) ||
	    !fold_work_take(w, cost))
		return 0;
	{
		int64_t dims[MAX_RANK];

		for (j = 0; j < nb; j++)
			dims[yr++] = yd[j];
		if (a->rank > 1)
			dims[yr++] = (int64_t)m;
		if (b->rank > 1)
			dims[yr++] = (int64_t)nn;
		if ((rc = result(y, a->elem, yr, dims, ar)) <= 0)
			return rc;
	}
	oa = ob = 0;
	for (bi = 0; bi < batch; bi++) {
		for (i = 0; i < m; i++)
			for (jj = 0; jj < nn; jj++) {
				double s = 0;

				for (t = 0; t < kk; t++)
					s += a->f[oa + i * kk + t] *
					    b->f[ob + t * nn + jj];
				y->f[(bi * m + i) * nn + jj] =
				    fold_round_to(y->elem, s);
			}
		for (j = nb - 1; j >= 0; j--) {
			oa += (size_t)sa[j];
			ob += (size_t)sb[j];
			if (++idx[j] < yd[j])
				break;
			oa -= (size_t)sa[j] * (size_t)yd[j];
			ob -= (size_t)sb[j] * (size_t)yd[j];
			idx[j] = 0;
		}
	}
	return 1;
}

/* Gemm (opset 7 on): alpha * A' B' + beta * C, C broadcasting to the
 * M x N result. */
static int
do_gemm(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, struct fold_work *w)
{
	const struct cval *a = &in[0], *b = &in[1], *c = nin > 2 ? &in[2] :
	    NULL;
	bool ta = ir_attr_int(n, "transA", 0) != 0;
	bool tb = ir_attr_int(n, "transB", 0) != 0;
	double alpha = ir_attr_float(n, "alpha", 1.0f);
	double beta = ir_attr_float(n, "beta", 1.0f);
	int64_t dims[2];
	size_t m, kk, nn, i, j, t;
	uint64_t cost;
	int rc;

	if (nin < 2 || nin > 3 || !is_float(a) || b->elem != a->elem ||
	    b->isint || a->rank != 2 || b->rank != 2)
		return 0;
	m = (size_t)a->dims[ta ? 1 : 0];
	kk = (size_t)a->dims[ta ? 0 : 1];
	nn = (size_t)b->dims[tb ? 0 : 1];
	if ((size_t)b->dims[tb ? 1 : 0] != kk)
		return 0;
	/* C: unidirectional broadcast to [M, N] */
	if (c != NULL && c->n > 0) {
		int64_t cm = c->rank >= 2 ? c->dims[c->rank - 2] : 1;
		int64_t cn = c->rank >= 1 ? c->dims[c->rank - 1] : 1;

		if (c->elem != a->elem || c->isint || c->rank > 2 ||
		    (cm != 1 && (size_t)cm != m) ||
		    (cn != 1 && (size_t)cn != nn))
			return 0;
	}
	if (__builtin_mul_overflow((uint64_t)m, (uint64_t)nn, &cost) ||
	    __builtin_mul_overflow(cost, (uint64_t)(kk ? kk : 1), &cost) ||
	    !fold_work_take(w, cost))
		return 0;
	dims[0] = (int64_t)m;
	dims[1] = (int64_t)nn;
	if ((rc = result(y, a->elem, 2, dims, ar)) <= 0)
		return rc;
	for (i = 0; i < m; i++)
		for (j = 0; j < nn; j++) {
			double s = 0, v;

			for (t = 0; t < kk; t++)
				s += a->f[ta ? t * m + i : i * kk + t] *
				    b->f[tb ? j * kk + t : t * nn + j];
			v = alpha * s;
			if (c != NULL && c->n > 0) {
				int64_t cm = c->rank >= 2 ?
				    c->dims[c->rank - 2] : 1;
				int64_t cn = c->rank >= 1 ?
				    c->dims[c->rank - 1] : 1;

				v += beta * c->f[(cm == 1 ? 0 : i) *
				    (size_t)cn + (cn == 1 ? 0 : j)];
			}
			y->f[i * nn + j] = fold_round_to(y->elem, v);
		}
	return 1;
}

/* An ints attribute of K entries (absent: all DFLT); false when it is
 * there with another count. */
static bool
ints_attr(const struct ir_node *n, const char *name, size_t k, int64_t dflt,
    int64_t *v)
{
	const int64_t *p;
	size_t cnt, i;

	p = ir_attr_ints(n, name, &cnt);
	if (p == NULL && ir_node_attr(n, name) != NULL)
		return false;
	for (i = 0; i < k; i++)
		v[i] = p != NULL && cnt == k ? p[i] : dflt;
	return p == NULL || cnt == k;
}

/*
 * Conv: X [N, C, D...], W [M, C/group, K...], optional B [M]; strides,
 * dilations, pads or auto_pad as the operator defines them.
 */
static int
do_conv(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, struct fold_work *w)
{
	const struct cval *x = &in[0], *wt = &in[1], *b = nin > 2 ? &in[2] :
	    NULL;
	int64_t st[MAX_RANK], dl[MAX_RANK], pd[2 * MAX_RANK], ks[MAX_RANK];
	int64_t od[MAX_RANK], opos[MAX_RANK], kpos[MAX_RANK];
	int64_t g = ir_attr_int(n, "group", 1), nb, cin, cout, cg, mg;
	size_t osp = 1, ksp = 1, isp = 1, o, q;
	uint64_t cost;
	int sr = x->rank - 2, j, rc;
	bool same = ir_attr_str_is(n, "auto_pad", "SAME_UPPER", false) ||
	    ir_attr_str_is(n, "auto_pad", "SAME_LOWER", false);
	bool lower = ir_attr_str_is(n, "auto_pad", "SAME_LOWER", false);
	bool valid = ir_attr_str_is(n, "auto_pad", "VALID", false);

	if (nin < 2 || nin > 3 || !is_float(x) || wt->elem != x->elem ||
	    wt->isint || sr < 1 || wt->rank != x->rank || g < 1 ||
	    (b != NULL && b->n > 0 && (b->elem != x->elem || b->rank != 1 ||
	    b->dims[0] != wt->dims[0])))
		return 0;
	if (!ir_attr_str_is(n, "auto_pad", "NOTSET", true) && !same &&
	    !valid)
		return 0;
	nb = x->dims[0];
	cin = x->dims[1];
	cout = wt->dims[0];
	if (cin % g != 0 || cout % g != 0 || wt->dims[1] != cin / g)
		return 0;
	cg = cin / g;
	mg = cout / g;
	if (!ints_attr(n, "strides", (size_t)sr, 1, st) ||
	    !ints_attr(n, "dilations", (size_t)sr, 1, dl) ||
	    !ints_attr(n, "pads", 2 * (size_t)sr, 0, pd) ||
	    !ints_attr(n, "kernel_shape", (size_t)sr, 0, ks))
		return 0;
	/* x->n == 0: its dims may be huge; nothing to compute */
	if (x->n == 0)
		return 0;
	for (j = 0; j < sr; j++) {
		int64_t k = wt->dims[2 + j], d = x->dims[2 + j], ext, span;

		if ((ks[j] != 0 && ks[j] != k) || st[j] < 1 || dl[j] < 1 ||
		    pd[j] < 0 || pd[sr + j] < 0 || k < 1 ||
		    __builtin_mul_overflow(dl[j], k - 1, &ext) ||
		    __builtin_add_overflow(ext, 1, &ext))
			return 0;
		/* ext: the dilated kernel's extent */
		if (same) {
			int64_t out = d / st[j] + (d % st[j] != 0), tot;

			if (__builtin_mul_overflow(out - 1, st[j], &tot) ||
			    __builtin_add_overflow(tot, ext - d, &tot))
				return 0;
			tot = tot > 0 ? tot : 0;
			pd[j] = lower ? tot - tot / 2 : tot / 2;
			pd[sr + j] = tot - pd[j];
		} else if (valid) {
			pd[j] = pd[sr + j] = 0;
		}
		/* every index the loops below form lies within span */
		if (__builtin_add_overflow(d, pd[j], &span) ||
		    __builtin_add_overflow(span, pd[sr + j], &span) ||
		    span < ext)
			return 0;
		od[j] = (span - ext) / st[j] + 1;
		if (__builtin_mul_overflow(osp, (size_t)od[j], &osp))
			return 0;
		ksp *= (size_t)k;
		isp *= (size_t)d;
	}
	if (__builtin_mul_overflow((uint64_t)nb * (uint64_t)cout,
	    (uint64_t)osp, &cost) || __builtin_mul_overflow(cost,
	    (uint64_t)cg * (uint64_t)ksp, &cost) || !fold_work_take(w, cost))
		return 0;
	{
		int64_t dims[MAX_RANK];

		dims[0] = nb;
		dims[1] = cout;
		for (j = 0; j < sr; j++)
			dims[2 + j] = od[j];
		if ((rc = result(y, x->elem, x->rank, dims, ar)) <= 0)
			return rc;
	}
	for (o = 0; o < y->n; o++) {
		size_t rest = o, ic, xoff, woff;
		int64_t mo, no, gi;
		double s;

		for (j = sr - 1; j >= 0; j--) {
			opos[j] = (int64_t)(rest % (size_t)od[j]);
			rest /= (size_t)od[j];
		}
		mo = (int64_t)(rest % (size_t)cout);
		no = (int64_t)(rest / (size_t)cout);
		gi = mo / mg;
		s = b != NULL && b->n > 0 ? b->f[mo] : 0.0;
		for (ic = 0; ic < (size_t)cg; ic++) {
			xoff = ((size_t)no * (size_t)cin + (size_t)(gi * cg) +
			    ic) * isp;
			woff = ((size_t)mo * (size_t)cg + ic) * ksp;
			for (q = 0; q < ksp; q++) {
				size_t kr = q, at = 0;
				bool inside = true;

				for (j = sr - 1; j >= 0; j--) {
					kpos[j] = (int64_t)(kr %
					    (size_t)wt->dims[2 + j]);
					kr /= (size_t)wt->dims[2 + j];
				}
				for (j = 0; j < sr && inside; j++) {
					int64_t p = opos[j] * st[j] - pd[j] +
					    kpos[j] * dl[j];

					if (p < 0 || p >= x->dims[2 + j])
						inside = false;
					else
						at = at * (size_t)x->dims[2 + j] +
						    (size_t)p;
				}
				if (inside)
					s += x->f[xoff + at] * wt->f[woff + q];
			}
		}
		y->f[o] = fold_round_to(y->elem, s);
	}
	return 1;
}

/* ---- dispatch ---- */

static const char *const other_ops[] = {
	"Clip", "Conv", "CumSum", "Gemm", "IsInf", "IsNaN", "LogSoftmax",
	"MatMul", "Sign", "Softmax", "Trilu",
};

bool
fold_num_has(const char *op)
{
	size_t i;

	for (i = 0; op[0] == 'R' && i < sizeof(freds) / sizeof(freds[0]);
	    i++)
		if (strcmp(op, freds[i].op) == 0)
			return true;
	return in_list(op, unary_ops, sizeof(unary_ops) /
	    sizeof(unary_ops[0])) || in_list(op, other_ops,
	    sizeof(other_ops) / sizeof(other_ops[0]));
}

int
fold_num_eval(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, int64_t opset, struct fold_work *w)
{
	const char *op = n->op_type;
	size_t i;

	if (nin == 0)
		return 0;
	for (i = 0; i < sizeof(freds) / sizeof(freds[0]); i++)
		if (strcmp(op, freds[i].op) == 0)
			return do_freduce(n, in, nin, y, ar, opset, freds[i].r,
			    w);
	if (in_list(op, unary_ops, sizeof(unary_ops) / sizeof(unary_ops[0])))
		return nin == 1 ? do_unary(n, &in[0], y, ar, opset, w) : 0;
	if (strcmp(op, "Sign") == 0 || strcmp(op, "IsNaN") == 0 ||
	    strcmp(op, "IsInf") == 0)
		return nin == 1 ? do_sign_isx(n, &in[0], y, ar, w) : 0;
	if (strcmp(op, "Clip") == 0)
		return do_clip(n, in, nin, y, ar, opset, w);
	if (strcmp(op, "Trilu") == 0)
		return opset >= 14 ? do_trilu(n, in, nin, y, ar, w) : 0;
	if (strcmp(op, "Softmax") == 0 || strcmp(op, "LogSoftmax") == 0)
		return nin == 1 ? do_softmax(n, &in[0], y, ar, opset, w) : 0;
	if (strcmp(op, "CumSum") == 0)
		return opset >= 11 ? do_cumsum(n, in, nin, y, ar, w) : 0;
	if (strcmp(op, "MatMul") == 0)
		return nin == 2 ? do_matmul(&in[0], &in[1], y, ar, w) : 0;
	if (strcmp(op, "Gemm") == 0)
		return opset >= 7 ? do_gemm(n, in, nin, y, ar, w) : 0;
	if (strcmp(op, "Conv") == 0)
		return do_conv(n, in, nin, y, ar, w);
	return 0;
}
