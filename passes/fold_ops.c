/* SPDX-License-Identifier: MIT */
/*
 * The fold pass's kernels for the shape arithmetic exporters emit
 * (passes/fold.c has the pass and the first operators): comparisons and
 * logical operators, Mod, Pow, Where, Range, Expand, Tile,
 * ConstantOfShape, ScatterND, and ReduceMin/Max/Sum/Prod.
 *
 * Each computes exactly what the ONNX operator computes in its element
 * type, or declines (returns 0) and the node stays: integer results
 * that overflow their type, a zero divisor, float Pow other than the
 * exponents whose float result one rounding gives, float Range whose
 * values are not exact integers, ScatterND with duplicate or negative
 * indices.  Float values are held as doubles, which represent every
 * float, float16 and bfloat16 value exactly; comparisons and data
 * movement on them are exact.
 */
#include <math.h>
#include <string.h>

#include "fold.h"
#include "ir/irbuild.h"

/* Integer types whose every value an int64 holds, and their range. */
static bool
int_range(int32_t e, int64_t *lo, int64_t *hi)
{
	switch (e) {
	case IR_ELEM_BOOL: *lo = 0; *hi = 1; return true;
	case IR_ELEM_INT8: *lo = INT8_MIN; *hi = INT8_MAX; return true;
	case IR_ELEM_UINT8: *lo = 0; *hi = UINT8_MAX; return true;
	case IR_ELEM_INT16: *lo = INT16_MIN; *hi = INT16_MAX; return true;
	case IR_ELEM_UINT16: *lo = 0; *hi = UINT16_MAX; return true;
	case IR_ELEM_INT32: *lo = INT32_MIN; *hi = INT32_MAX; return true;
	case IR_ELEM_UINT32: *lo = 0; *hi = UINT32_MAX; return true;
	case IR_ELEM_INT64: *lo = INT64_MIN; *hi = INT64_MAX; return true;
	}
	return false;
}

static bool
fits(int32_t e, int64_t v)
{
	int64_t lo, hi;

	return int_range(e, &lo, &hi) && v >= lo && v <= hi;
}

/*
 * Numpy broadcasting of the NIN operands IN into Y's dims (Y->elem,
 * isint set by the caller), with each operand's strides over Y into ST
 * (0 along a stretched dim).  0 when they do not broadcast or the count
 * overflows.
 */
static int
bcast(const struct cval *const *in, int nin, struct cval *y,
    int64_t st[][MAX_RANK])
{
	int r = 0, j, k;

	for (j = 0; j < nin; j++)
		if (in[j]->rank > r)
			r = in[j]->rank;
	y->rank = r;
	for (k = 0; k < r; k++) {
		int64_t d = 1;

		for (j = 0; j < nin; j++) {
			int kj = k - (r - in[j]->rank);
			int64_t dj = kj >= 0 ? in[j]->dims[kj] : 1;

			if (dj == d || dj == 1)
				continue;
			if (d != 1)
				return 0;
			d = dj;
		}
		y->dims[k] = d;
	}
	if (!fold_dims_count(y->dims, r, &y->n))
		return 0;
	for (j = 0; j < nin; j++) {
		uint64_t s = 1;

		for (k = r - 1; k >= 0; k--) {
			int kj = k - (r - in[j]->rank);
			int64_t dj = kj >= 0 ? in[j]->dims[kj] : 1;

			st[j][k] = dj != 1 ? (int64_t)s : 0;
			/* within the operand's element count, which
			 * is at most y->n when y is not empty */
			if (dj > 0)
				s *= (uint64_t)dj;
		}
	}
	return 1;
}

/*
 * Move IDX to Y's next element and the offsets OFF of the NIN operands
 * (strides ST, from bcast) with it: the innermost dim steps each offset
 * by its stride, a dim that wraps takes back what it added.  The
 * offsets start at 0 with IDX; unsigned arithmetic, so the wrap of a
 * dim's last step is exact.
 */
static void
step(const struct cval *y, int nin, int64_t st[][MAX_RANK], int64_t *idx,
    size_t *off)
{
	int j, k;

	for (k = y->rank - 1; k >= 0; k--) {
		for (j = 0; j < nin; j++)
			off[j] += (size_t)st[j][k];
		if (++idx[k] < y->dims[k])
			return;
		for (j = 0; j < nin; j++)
			off[j] -= (size_t)st[j][k] * (size_t)y->dims[k];
		idx[k] = 0;
	}
}

enum cmp { C_EQ, C_LT, C_GT, C_LE, C_GE, C_AND, C_OR, C_XOR };

static int
do_compare(enum cmp op, const struct cval *a, const struct cval *b,
    struct cval *y, struct arena *ar)
{
	const struct cval *in[2] = { a, b };
	int64_t st[2][MAX_RANK], idx[MAX_RANK] = { 0 };
	size_t i, off[2] = { 0 };
	int rc = 0;

	if (a->elem != b->elem || a->isint != b->isint)
		return 0;
	if (op >= C_AND && a->elem != IR_ELEM_BOOL)
		return 0;
	memset(y, 0, sizeof(*y));
	y->elem = IR_ELEM_BOOL;
	y->isint = true;
	if (!bcast(in, 2, y, st) || (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < y->n; i++) {
		bool v;

		if (a->isint) {
			int64_t p = a->i[off[0]], q = b->i[off[1]];

			switch (op) {
			case C_EQ: v = p == q; break;
			case C_LT: v = p < q; break;
			case C_GT: v = p > q; break;
			case C_LE: v = p <= q; break;
			case C_GE: v = p >= q; break;
			case C_AND: v = p && q; break;
			case C_OR: v = p || q; break;
			default: v = (p != 0) != (q != 0); break;
			}
		} else {
			/* NaN compares false (unordered), as in C */
			double p = a->f[off[0]], q = b->f[off[1]];

			switch (op) {
			case C_EQ: v = p == q; break;
			case C_LT: v = p < q; break;
			case C_GT: v = p > q; break;
			case C_LE: v = p <= q; break;
			case C_GE: v = p >= q; break;
			default: return 0;
			}
		}
		y->i[i] = v;
		step(y, 2, st, idx, off);
	}
	return 1;
}

/* Mod: integers take the divisor's sign (fmod 0, Python's %) or the
 * dividend's (fmod 1, C's %); floats need fmod 1 and are exact. */
static int
do_mod(const struct ir_node *n, const struct cval *a, const struct cval *b,
    struct cval *y, struct arena *ar)
{
	const struct cval *in[2] = { a, b };
	int64_t st[2][MAX_RANK], idx[MAX_RANK] = { 0 };
	int64_t fm = ir_attr_int(n, "fmod", 0);
	size_t i, off[2] = { 0 };
	int rc = 0;

	if (a->elem != b->elem || a->isint != b->isint ||
	    a->elem == IR_ELEM_BOOL || (fm != 0 && fm != 1) ||
	    (!a->isint && fm != 1))
		return 0;
	memset(y, 0, sizeof(*y));
	y->elem = a->elem;
	y->isint = a->isint;
	if (!bcast(in, 2, y, st) || (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < y->n; i++) {
		if (a->isint) {
			int64_t p = a->i[off[0]], q = b->i[off[1]], v;

			if (q == 0 || (p == INT64_MIN && q == -1))
				return 0;
			v = p % q;
			if (fm == 0 && v != 0 && ((v < 0) != (q < 0)))
				v += q;
			y->i[i] = v;
		} else {
			y->f[i] = fold_round_to(y->elem,
			    fmod(a->f[off[0]], b->f[off[1]]));
		}
		step(y, 2, st, idx, off);
	}
	return 1;
}

/*
 * Pow.  Integer bases: exact, overflow-checked, non-negative integer
 * exponents.  Float bases: exponents 0, 1 and 2 (the float result of
 * x * x is the double product rounded once); for float, other exponents
 * when powf() and pow() rounded to float agree (the attention scale
 * 32 ** -0.5): libm's pow is not correctly rounded everywhere, so a
 * case where the two differ may be one where runtimes differ too.
 */
static int
do_pow(const struct cval *a, const struct cval *b, struct cval *y,
    struct arena *ar)
{
	const struct cval *in[2] = { a, b };
	int64_t st[2][MAX_RANK], idx[MAX_RANK] = { 0 };
	size_t i, off[2] = { 0 };
	int rc = 0;

	if (a->elem == IR_ELEM_BOOL || b->elem == IR_ELEM_BOOL ||
	    (a->isint && !b->isint))
		return 0;
	memset(y, 0, sizeof(*y));
	y->elem = a->elem;
	y->isint = a->isint;
	if (!bcast(in, 2, y, st) || (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < y->n; i++) {
		if (a->isint) {
			int64_t p = a->i[off[0]], q = b->i[off[1]], v = 1;

			if (q < 0 || q > 64)
				return 0;
			while (q-- > 0)
				if (__builtin_mul_overflow(v, p, &v))
					return 0;
			if (!fits(y->elem, v))
				return 0;
			y->i[i] = v;
		} else {
			double p = a->f[off[0]], q = b->isint ?
			    (double)b->i[off[1]] : b->f[off[1]], v;

			if (q == 0)
				v = 1;
			else if (q == 1)
				v = p;
			else if (q == 2)
				v = p * p;
			else if (y->elem == IR_ELEM_FLOAT &&
			    (v = (float)pow(p, q)) == (double)powf(
			    (float)p, (float)q) && isfinite(v))
				;	/* the float and the double pow
					 * agree on the float result */
			else
				return 0;
			/* float16/bfloat16: the kernel's float result
			 * rounded once more; double: p * p in double
			 * is rounded, and pow() may differ */
			if (y->elem == IR_ELEM_DOUBLE && q == 2)
				return 0;
			y->f[i] = fold_round_to(y->elem,
			    y->elem == IR_ELEM_FLOAT16 ||
			    y->elem == IR_ELEM_BFLOAT16 ?
			    (double)(float)v : v);
		}
		step(y, 2, st, idx, off);
	}
	return 1;
}

static int
do_not(const struct cval *x, struct cval *y, struct arena *ar)
{
	size_t i;
	int rc = 0;

	if (x->elem != IR_ELEM_BOOL)
		return 0;
	*y = *x;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < x->n; i++)
		y->i[i] = !x->i[i];
	return 1;
}

static int
do_where(const struct cval *c, const struct cval *a, const struct cval *b,
    struct cval *y, struct arena *ar)
{
	const struct cval *in[3] = { c, a, b };
	int64_t st[3][MAX_RANK], idx[MAX_RANK] = { 0 };
	size_t i, off[3] = { 0 };
	int rc = 0;

	if (c->elem != IR_ELEM_BOOL || a->elem != b->elem ||
	    a->isint != b->isint)
		return 0;
	memset(y, 0, sizeof(*y));
	y->elem = a->elem;
	y->isint = a->isint;
	if (!bcast(in, 3, y, st) || (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < y->n; i++) {
		if (y->isint)
			y->i[i] = c->i[off[0]] ? a->i[off[1]] : b->i[off[2]];
		else
			y->f[i] = c->i[off[0]] ? a->f[off[1]] : b->f[off[2]];
		step(y, 3, st, idx, off);
	}
	return 1;
}

/* The INTS of a 1-D integer constant, at most MAX_RANK of them. */
static bool
shape_operand(const struct cval *s, int64_t *dims, int *rank)
{
	size_t i;

	if (!s->isint || s->elem != IR_ELEM_INT64 || s->rank != 1 ||
	    s->n > MAX_RANK)
		return false;
	for (i = 0; i < s->n; i++)
		dims[i] = s->i[i];
	*rank = (int)s->n;
	return true;
}

/* Expand: X broadcast with the shape operand (either side may
 * stretch). */
static int
do_expand(const struct cval *x, const struct cval *s, struct cval *y,
    struct arena *ar)
{
	struct cval shape;
	const struct cval *in[2] = { x, &shape };
	int64_t st[2][MAX_RANK], idx[MAX_RANK] = { 0 };
	size_t i, off[2] = { 0 };
	int rc = 0, k;

	memset(&shape, 0, sizeof(shape));
	if (!shape_operand(s, shape.dims, &shape.rank))
		return 0;
	for (k = 0; k < shape.rank; k++)
		if (shape.dims[k] < 0)
			return 0;
	memset(y, 0, sizeof(*y));
	y->elem = x->elem;
	y->isint = x->isint;
	if (!bcast(in, 2, y, st) || (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < y->n; i++) {
		if (y->isint)
			y->i[i] = x->i[off[0]];
		else
			y->f[i] = x->f[off[0]];
		step(y, 1, st, idx, off);
	}
	return 1;
}

static int
do_tile(const struct cval *x, const struct cval *r, struct cval *y,
    struct arena *ar)
{
	int64_t rep[MAX_RANK], idx[MAX_RANK] = { 0 }, st[MAX_RANK];
	int64_t xi[MAX_RANK] = { 0 };
	size_t i, src = 0;
	int rank, k, rc = 0;

	if (!shape_operand(r, rep, &rank) || rank != x->rank || rank == 0)
		return 0;
	memset(y, 0, sizeof(*y));
	y->elem = x->elem;
	y->isint = x->isint;
	y->rank = rank;
	for (k = 0; k < rank; k++)
		if (rep[k] < 0 || __builtin_mul_overflow(x->dims[k], rep[k],
		    &y->dims[k]))
			return 0;
	if (!fold_dims_count(y->dims, rank, &y->n) ||
	    (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->n == 0)
		return 1;
	if (!fold_strides(x, st))
		return 0;
	/* SRC follows IDX modulo X's dims, one step at a time. */
	for (i = 0; i < y->n; i++) {
		if (y->isint)
			y->i[i] = x->i[src];
		else
			y->f[i] = x->f[src];
		for (k = rank - 1; k >= 0; k--) {
			src += (size_t)st[k];
			if (++xi[k] == x->dims[k]) {
				xi[k] = 0;
				src -= (size_t)st[k] * (size_t)x->dims[k];
			}
			if (++idx[k] < y->dims[k])
				break;
			idx[k] = 0;
		}
	}
	return 1;
}

/* ConstantOfShape: the value attribute (one element; float 0 when
 * absent) repeated over the shape operand. */
static int
do_constant_of_shape(const struct ir_node *n, const struct cval *s,
    struct cval *y, struct arena *ar)
{
	const struct ir_attr *a = ir_node_attr(n, "value");
	struct cval v;
	size_t i;
	int rc = 0, k;

	memset(y, 0, sizeof(*y));
	if (!shape_operand(s, y->dims, &y->rank))
		return 0;
	for (k = 0; k < y->rank; k++)
		if (y->dims[k] < 0)
			return 0;
	memset(&v, 0, sizeof(v));
	if (a == NULL) {
		v.elem = IR_ELEM_FLOAT;
	} else {
		if (a->type != IR_ATTR_TENSOR || a->ref_attr_name != NULL ||
		    (rc = fold_read(ar, a->t, &v)) <= 0)
			return a->type != IR_ATTR_TENSOR ||
			    a->ref_attr_name != NULL ? 0 : rc;
		if (v.n != 1)
			return 0;
	}
	y->elem = v.elem;
	y->isint = fold_elem_int(v.elem);
	if (!fold_dims_count(y->dims, y->rank, &y->n) ||
	    (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < y->n; i++) {
		if (y->isint)
			y->i[i] = a != NULL ? v.i[0] : 0;
		else
			y->f[i] = a != NULL ? v.f[0] : 0;
	}
	return 1;
}

/* Scalars (or one-element tensors) START, LIMIT, DELTA of one type. */
static int
do_range(const struct cval *in, struct cval *y, struct arena *ar)
{
	size_t i;
	int rc = 0;

	if (in[0].n != 1 || in[1].n != 1 || in[2].n != 1 ||
	    in[0].rank != 0 || in[1].rank != 0 || in[2].rank != 0 ||
	    in[0].elem != in[1].elem || in[0].elem != in[2].elem ||
	    (in[0].elem != IR_ELEM_INT16 && in[0].elem != IR_ELEM_INT32 &&
	    in[0].elem != IR_ELEM_INT64 && in[0].elem != IR_ELEM_FLOAT &&
	    in[0].elem != IR_ELEM_DOUBLE))
		return 0;
	memset(y, 0, sizeof(*y));
	y->elem = in[0].elem;
	y->isint = in[0].isint;
	y->rank = 1;
	if (y->isint) {
		int64_t s = in[0].i[0], l = in[1].i[0], d = in[2].i[0], span,
		    cnt;

		if (d == 0 || __builtin_sub_overflow(l, s, &span) ||
		    (span == INT64_MIN && d == -1))
			return 0;
		/* ceil(span / d), at least 0 */
		cnt = span / d + ((span % d != 0) && ((span < 0) ==
		    (d < 0)) ? 1 : 0);
		y->dims[0] = cnt < 0 ? 0 : cnt;
		if (!fold_dims_count(y->dims, 1, &y->n) ||
		    (rc = fold_alloc(ar, y)) <= 0)
			return rc;
		for (i = 0; i < y->n; i++) {
			int64_t v;

			if (__builtin_mul_overflow((int64_t)i, d, &v) ||
			    __builtin_add_overflow(v, s, &v) ||
			    !fits(y->elem, v))
				return 0;
			y->i[i] = v;
		}
	} else {
		/* Exact integers below 2^24: every value and the count
		 * are the same whether computed in float or double,
		 * by accumulation or by multiplication. */
		double s = in[0].f[0], l = in[1].f[0], d = in[2].f[0], c;
		const double lim = 16777216.0;

		if (!(fabs(s) < lim && fabs(l) < lim && fabs(d) < lim) ||
		    s != floor(s) || l != floor(l) || d != floor(d) || d == 0)
			return 0;
		c = ceil((l - s) / d);
		y->dims[0] = c < 0 ? 0 : (int64_t)c;
		if (!fold_dims_count(y->dims, 1, &y->n) ||
		    (rc = fold_alloc(ar, y)) <= 0)
			return rc;
		for (i = 0; i < y->n; i++) {
			double v = s + (double)i * d;

			if (!(fabs(v) < lim))
				return 0;
			y->f[i] = v;
		}
	}
	return 1;
}

/* ScatterND without reduction: indices in range, none negative, no
 * two the same (their order of writing is unspecified). */
static int
do_scatter_nd(const struct ir_node *n, const struct cval *in,
    struct cval *y, struct arena *ar)
{
	const struct cval *d = &in[0], *ix = &in[1], *u = &in[2];
	const struct ir_attr *red = ir_node_attr(n, "reduction");
	int64_t kk, ds[MAX_RANK];
	size_t nidx, slice, j, m;
	uint8_t *hit;
	int k, rc = 0;

	if (red != NULL && (red->type != IR_ATTR_STRING || red->slen != 4 ||
	    memcmp(red->s, "none", 4) != 0))
		return 0;
	if (!ix->isint || ix->rank < 1 || d->elem != u->elem ||
	    d->rank == 0)
		return 0;
	kk = ix->dims[ix->rank - 1];
	if (kk < 1 || kk > d->rank ||
	    u->rank != ix->rank - 1 + d->rank - (int)kk)
		return 0;
	for (k = 0; k < ix->rank - 1; k++)
		if (u->dims[k] != ix->dims[k])
			return 0;
	for (k = (int)kk; k < d->rank; k++)
		if (u->dims[ix->rank - 1 + k - (int)kk] != d->dims[k])
			return 0;
	*y = *d;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->isint)
		memcpy(y->i, d->i, d->n * sizeof(*y->i));
	else
		memcpy(y->f, d->f, d->n * sizeof(*y->f));
	if (d->n == 0 || !fold_strides(d, ds))
		return d->n == 0 && ix->n == 0 ? 1 : 0;
	nidx = ix->n / (size_t)kk;
	slice = (size_t)ds[kk - 1];
	/* one flag per slice of data: duplicates are refused */
	if ((hit = arena_array(ar, d->n / slice + 1, 1)) == NULL)
		return -1;
	memset(hit, 0, d->n / slice + 1);
	for (j = 0; j < nidx; j++) {
		size_t base = 0;

		for (k = 0; k < kk; k++) {
			int64_t q = ix->i[j * (size_t)kk + (size_t)k];

			if (q < 0 || q >= d->dims[k])
				return 0;
			base += (size_t)q * (size_t)ds[k];
		}
		if (hit[base / slice]++)
			return 0;
		for (m = 0; m < slice; m++) {
			if (y->isint)
				y->i[base + m] = u->i[j * slice + m];
			else
				y->f[base + m] = u->f[j * slice + m];
		}
	}
	return 1;
}

enum red { R_MIN, R_MAX, R_SUM, R_PROD };

/*
 * ReduceMin and ReduceMax of any type, ReduceSum and ReduceProd of
 * integers (exact, overflow-checked; float sums depend on their order).
 * Axes from the attribute or, from AXES_INPUT's opset on, input 1; none
 * given: all, or nothing with noop_with_empty_axes.
 */
static int
do_reduce(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, enum red op, bool axes_input)
{
	const struct cval *x = &in[0];
	int64_t keep = ir_attr_int(n, "keepdims", 1),
	    idx[MAX_RANK] = { 0 }, ys[MAX_RANK];
	bool red[MAX_RANK], *seen;
	size_t i;
	int r = x->rank, j, out = 0, rc = 0;

	if ((op == R_SUM || op == R_PROD) && !x->isint)
		return 0;
	if (x->elem == IR_ELEM_BOOL)
		return 0;
	if ((rc = fold_reduce_axes(n, in, nin, axes_input, red)) <= 0)
		return 0;
	if (rc == 2) {
		*y = *x;
		return 1;
	}
	rc = 0;
	memset(y, 0, sizeof(*y));
	y->elem = x->elem;
	y->isint = x->isint;
	for (j = 0; j < r; j++) {
		/* min and max of nothing are not defined */
		if (red[j] && x->dims[j] == 0 && (op == R_MIN || op == R_MAX))
			return 0;
		if (!red[j])
			y->dims[out++] = x->dims[j];
		else if (keep)
			y->dims[out++] = 1;
	}
	y->rank = out;
	if (!fold_dims_count(y->dims, out, &y->n) ||
	    (rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if ((seen = arena_array(ar, y->n + 1, sizeof(*seen))) == NULL)
		return -1;
	memset(seen, 0, y->n + 1);
	/* strides of Y over X's index space (0 along a reduced axis) */
	{
		int64_t s = 1;

		for (j = r - 1; j >= 0; j--) {
			ys[j] = red[j] ? 0 : s;
			/* a zero-element X may have huge dims */
			if (!red[j] && __builtin_mul_overflow(s, x->dims[j],
			    &s))
				return 0;
		}
	}
	for (i = 0; i < x->n; i++) {
		size_t o = 0;

		for (j = 0; j < r; j++)
			o += (size_t)(idx[j] * ys[j]);
		if (x->isint) {
			int64_t v = x->i[i], *d = &y->i[o];

			if (!seen[o])
				*d = v;
			else if (op == R_MIN)
				*d = v < *d ? v : *d;
			else if (op == R_MAX)
				*d = v > *d ? v : *d;
			else if (op == R_SUM ?
			    __builtin_add_overflow(*d, v, d) :
			    __builtin_mul_overflow(*d, v, d))
				return 0;
		} else {
			double v = x->f[i], *d = &y->f[o];

			/* NaN wins, as in fmin/fmax-free kernels */
			if (!seen[o] || isnan(v))
				*d = v;
			else if (!isnan(*d))
				*d = op == R_MIN ? (v < *d ? v : *d) :
				    (v > *d ? v : *d);
		}
		seen[o] = true;
		for (j = r - 1; j >= 0; j--) {
			if (++idx[j] < x->dims[j])
				break;
			idx[j] = 0;
		}
	}
	for (i = 0; i < y->n; i++) {
		if (!seen[i]) {
			/* an empty sum is 0, an empty product 1 */
			if (op == R_SUM)
				y->i[i] = 0;
			else if (op == R_PROD)
				y->i[i] = 1;
			else
				return 0;
		}
		if (x->isint && !fits(y->elem, y->i[i]))
			return 0;
	}
	return 1;
}

static const struct {
	const char *op;
	enum cmp c;
} cmps[] = {
	{ "Equal", C_EQ }, { "Less", C_LT }, { "Greater", C_GT },
	{ "LessOrEqual", C_LE }, { "GreaterOrEqual", C_GE },
	{ "And", C_AND }, { "Or", C_OR }, { "Xor", C_XOR },
};

static const char *const others[] = {
	"ConstantOfShape", "Expand", "Mod", "Not", "Pow", "Range",
	"ReduceMax", "ReduceMin", "ReduceProd", "ReduceSum", "ScatterND",
	"Tile", "Where",
};

bool
fold_ops_has(const char *op)
{
	size_t i;

	for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++)
		if (op[0] == cmps[i].op[0] && strcmp(op, cmps[i].op) == 0)
			return true;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (op[0] == others[i][0] && strcmp(op, others[i]) == 0)
			return true;
	return false;
}

int
fold_ops_eval(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, int64_t opset)
{
	const char *op = n->op_type;
	size_t i;

	for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++)
		if (strcmp(op, cmps[i].op) == 0)
			return nin == 2 && opset >= 7 ?
			    do_compare(cmps[i].c, &in[0], &in[1], y, ar) : 0;
	if (strcmp(op, "Not") == 0)
		return nin == 1 ? do_not(&in[0], y, ar) : 0;
	if (strcmp(op, "Mod") == 0)
		return nin == 2 ? do_mod(n, &in[0], &in[1], y, ar) : 0;
	if (strcmp(op, "Pow") == 0)
		return nin == 2 && opset >= 7 ?
		    do_pow(&in[0], &in[1], y, ar) : 0;
	if (strcmp(op, "Where") == 0)
		return nin == 3 ? do_where(&in[0], &in[1], &in[2], y, ar) : 0;
	if (strcmp(op, "Expand") == 0)
		return nin == 2 && opset >= 8 ? do_expand(&in[0], &in[1], y, ar) : 0;
	if (strcmp(op, "Tile") == 0)
		return nin == 2 && opset >= 6 ?
		    do_tile(&in[0], &in[1], y, ar) : 0;
	if (strcmp(op, "ConstantOfShape") == 0)
		return nin == 1 && opset >= 9 ? do_constant_of_shape(n, &in[0], y, ar) : 0;
	if (strcmp(op, "Range") == 0)
		return nin == 3 && opset >= 11 ? do_range(in, y, ar) : 0;
	if (strcmp(op, "ReduceMin") == 0 || strcmp(op, "ReduceMax") == 0)
		return do_reduce(n, in, nin, y, ar, op[6] == 'M' && op[7] == 'i' ?
		    R_MIN : R_MAX, opset >= 18);
	if (strcmp(op, "ReduceSum") == 0 && nin > 0 && in[0].isint)
		return do_reduce(n, in, nin, y, ar, R_SUM, opset >= 13);
	if (strcmp(op, "ReduceProd") == 0 && nin > 0 && in[0].isint)
		return do_reduce(n, in, nin, y, ar, R_PROD, opset >= 18);
	if (strcmp(op, "ScatterND") == 0)
		return nin == 3 && opset >= 11 ? do_scatter_nd(n, in, y, ar) : 0;
	return 0;
}
