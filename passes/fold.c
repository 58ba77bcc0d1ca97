/* SPDX-License-Identifier: MIT */
/*
 * fold: evaluate nodes whose inputs are all constants and store their
 * results as initializers.
 *
 * Rewrites leave constant subexpressions behind (a Transpose of a weight,
 * a Cast or Reshape of a constant, arithmetic on scalars) and exporters
 * leave many more; runtimes without a constant folder pay for them at
 * every run.  Constants are initializers that are not graph inputs (an
 * initializer listed as an input can be overridden when the model runs)
 * and the outputs of Constant nodes.  Folded: Transpose, Reshape,
 * Unsqueeze, Squeeze, Flatten, Concat, Split (every part: fold_split),
 * Cast, Identity, the broadcasting
 * Add, Sub, Mul, Div, Min, Max and the unary Neg, Abs, Sqrt, Reciprocal,
 * Relu, Floor, Ceil; Shape and Size of a value whose dims are sure, and
 * Gather and Slice of a Shape that pick only sure dims; the shape
 * arithmetic of passes/fold_ops.c; the sums of products, reductions and
 * functions of passes/fold_num.c (within its work limit: F399).  Float
 * arithmetic is done in double and rounded once, which for these
 * elementwise operations gives exactly the float result (for
 * fold_num.c's, the exact result correctly rounded); integer arithmetic
 * is done in 64 bits, and so is the shape
 * arithmetic, overflow-checked: zero-element constants may have dims
 * whose product does not fit, and a node whose result would have such
 * dims (or a wrapped, negative one) is not folded.  A result larger
 * than 1 MiB, or any input larger, is left alone (the former with a
 * warning, checked before any of it is computed), except for data
 * movement (Transpose, Reshape, Flatten, Squeeze, Unsqueeze) of a raw
 * in-memory constant nothing else reads: its bytes are moved, at any
 * size, into the result that replaces it (fold_move); as are nodes whose
 * outputs are graph outputs, nodes in function bodies (which hold no
 * initializers) and models below IR version 4 (whose initializers must
 * be graph inputs).
 * Requires: nothing.  Preserves: graph inputs and outputs, the values
 * other nodes read (the folded output keeps its name).
 *
 *	before:  W (initializer [4,3])   Wt = Transpose(W)   y = MatMul(x, Wt)
 *	after:   Wt (initializer [3,4])                      y = MatMul(x, Wt)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ir/irbuild.h"
#include "pass.h"
#include "ir/shapes.h"
#include "fold.h"

static int
write_out(struct cval *c, uint8_t *out)
{
	unsigned bytes = ir_elem_bits(c->elem) / 8;
	size_t i;

	/* The common types in one pass each, as the loop below writes
	 * them. */
	if (c->isint && c->elem == IR_ELEM_INT64) {
		if (c->n > 0)
			memcpy(out, c->i, c->n * 8);
		return 0;
	}
	if (!c->isint && c->elem == IR_ELEM_FLOAT) {
		for (i = 0; i < c->n; i++) {
			float f = (float)c->f[i];

			memcpy(out + i * 4, &f, 4);
		}
		return 0;
	}
	if (c->isint && c->elem == IR_ELEM_BOOL) {
		for (i = 0; i < c->n; i++)
			out[i] = c->i[i] != 0;
		return 0;
	}
	for (i = 0; i < c->n; i++) {
		double v = c->isint ? (double)c->i[i] : c->f[i];

		if (c->isint && (c->elem == IR_ELEM_INT64 ||
		    c->elem == IR_ELEM_UINT32 || c->elem == IR_ELEM_INT32)) {
			int64_t x = c->i[i];

			if (c->elem == IR_ELEM_INT64)
				memcpy(out + i * 8, &x, 8);
			else {
				int32_t y = (int32_t)x;
				memcpy(out + i * 4, &y, 4);
			}
			continue;
		}
		if (irbuild_encode(c->elem, v, out + i * bytes) < 0)
			return -1;
	}
	return 0;
}

static bool
same_shape(const struct cval *a, const struct cval *b)
{
	return a->rank == b->rank && memcmp(a->dims, b->dims,
	    (size_t)a->rank * sizeof(*a->dims)) == 0;
}

/* --- the operators --------------------------------------------------- */

/* Axes from the INTS attribute NAME or, when present, input IDX. */
static int
get_axes(const struct cval *in, size_t nin, const struct ir_node *n,
    size_t idx, int64_t *axes, size_t *naxes, bool *given)
{
	const struct ir_attr *a = ir_node_attr(n, "axes");
	size_t i;

	*given = false;
	*naxes = 0;
	if (idx < nin && in[idx].n > 0) {
		if (!in[idx].isint || in[idx].n > MAX_RANK)
			return 0;
		for (i = 0; i < in[idx].n; i++)
			axes[i] = in[idx].i[i];
		*naxes = in[idx].n;
		*given = true;
	} else if (a != NULL) {
		if (a->type != IR_ATTR_INTS || a->n > MAX_RANK)
			return 0;
		for (i = 0; i < a->n; i++)
			axes[i] = a->ints[i];
		*naxes = a->n;
		*given = true;
	}
	return 1;
}

/*
 * Fill Y (dims and payload already set up) from X: element IDX of Y is
 * element BASE + sum IDX[k] * STRIDE[k] of X.  Transpose and Slice are
 * both such a gather.
 */
static void
gather(const struct cval *x, struct cval *y, int64_t base,
    const int64_t *stride)
{
	int64_t idx[MAX_RANK] = { 0 };
	size_t i;
	int k, r = y->rank;

	for (i = 0; i < y->n; i++) {
		int64_t src = base;

		for (k = 0; k < r; k++)
			src += idx[k] * stride[k];
		if (y->isint)
			y->i[i] = x->i[src];
		else
			y->f[i] = x->f[src];
		for (k = r - 1; k >= 0; k--) {
			if (++idx[k] < y->dims[k])
				break;
			idx[k] = 0;
		}
	}
}

/* Y's dims from X's by Transpose N's perm into PERM; 0 when it is not a
 * permutation of X's rank. */
static int
transpose_dims(const struct ir_node *n, const struct cval *x,
    struct cval *y, int64_t *perm)
{
	const struct ir_attr *a = ir_node_attr(n, "perm");
	bool seen[MAX_RANK] = { false };
	int r = x->rank, k;

	for (k = 0; k < r; k++)
		perm[k] = r - 1 - k;
	if (a != NULL) {
		if (a->type != IR_ATTR_INTS || a->n != (size_t)r)
			return 0;
		for (k = 0; k < r; k++)
			perm[k] = a->ints[k];
	}
	for (k = 0; k < r; k++) {
		if (perm[k] < 0 || perm[k] >= r || seen[perm[k]])
			return 0;
		seen[perm[k]] = true;
	}
	*y = *x;
	for (k = 0; k < r; k++)
		y->dims[k] = x->dims[perm[k]];
	return 1;
}

static int
do_transpose(const struct ir_node *n, const struct cval *x, struct cval *y,
    struct arena *ar)
{
	int64_t perm[MAX_RANK], st[MAX_RANK], stride[MAX_RANK];
	int r = x->rank, k, rc;

	if (!transpose_dims(n, x, y, perm))
		return 0;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->n == 0)
		return 1;
	if (!fold_strides(x, st))
		return 0;
	for (k = 0; k < r; k++)
		stride[k] = st[perm[k]];
	gather(x, y, 0, stride);
	return 1;
}

/* New dims for the data of X: copy the payload. */
static int
reshaped(const struct cval *x, struct cval *y, const int64_t *dims, int rank)
{
	size_t n;

	if (rank > MAX_RANK || rank < 0 || !fold_dims_count(dims, rank, &n) ||
	    n != x->n)
		return 0;
	*y = *x;
	y->rank = rank;
	if (rank > 0)
		memcpy(y->dims, dims, (size_t)rank * sizeof(*dims));
	return 1;
}

static int
do_reshape(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y)
{
	int64_t dims[MAX_RANK];
	int64_t known = 1;
	int k, neg = -1;

	if (nin < 2 || !in[1].isint || in[1].rank != 1 ||
	    in[1].n > MAX_RANK)
		return 0;
	for (k = 0; k < (int)in[1].n; k++) {
		dims[k] = in[1].i[k];
		if (dims[k] == 0 && !ir_attr_int(n, "allowzero", 0)) {
			if (k >= in[0].rank)
				return 0;
			dims[k] = in[0].dims[k];
		}
		if (dims[k] == -1) {
			if (neg >= 0)
				return 0;
			neg = k;
		} else if (dims[k] < 0) {
			return 0;
		} else if (__builtin_mul_overflow(known, dims[k], &known)) {
			return 0;
		}
	}
	if (neg >= 0) {
		if (known == 0 || in[0].n % (size_t)known != 0)
			return 0;
		dims[neg] = (int64_t)in[0].n / known;
	}
	return reshaped(&in[0], y, dims, (int)in[1].n);
}

static int
do_squeeze(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, bool unsq, int64_t opset)
{
	int64_t axes[MAX_RANK], dims[MAX_RANK];
	size_t naxes, i;
	bool given, drop[2 * MAX_RANK] = { false };
	int r = in[0].rank, out, k, j;

	if (!get_axes(in, nin, n, opset >= 13 ? 1 : 99, axes, &naxes,
	    &given))
		return 0;
	if (unsq) {
		out = r + (int)naxes;
		if (!given || out > MAX_RANK)
			return 0;
		for (i = 0; i < naxes; i++) {
			int64_t a = axes[i] < 0 ? axes[i] + out : axes[i];

			if (a < 0 || a >= out || drop[a])
				return 0;
			drop[a] = true;
		}
		for (k = 0, j = 0; k < out; k++)
			dims[k] = drop[k] ? 1 : in[0].dims[j++];
		return reshaped(&in[0], y, dims, out);
	}
	if (!given) {
		for (k = 0; k < r; k++)
			drop[k] = in[0].dims[k] == 1;
	} else {
		for (i = 0; i < naxes; i++) {
			int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];

			if (a < 0 || a >= r || in[0].dims[a] != 1)
				return 0;
			drop[a] = true;
		}
	}
	for (k = 0, j = 0; k < r; k++)
		if (!drop[k])
			dims[j++] = in[0].dims[k];
	return reshaped(&in[0], y, dims, j);
}

static int
do_flatten(const struct ir_node *n, const struct cval *x, struct cval *y)
{
	int64_t axis = ir_attr_int(n, "axis", 1), dims[2] = { 1, 1 };
	int k;

	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return 0;
	/* A zero-element X may have dims whose product overflows. */
	for (k = 0; k < x->rank; k++)
		if (__builtin_mul_overflow(dims[k < axis ? 0 : 1], x->dims[k],
		    &dims[k < axis ? 0 : 1]))
			return 0;
	return reshaped(x, y, dims, 2);
}

static int
do_concat(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar)
{
	int64_t axis = ir_attr_int(n, "axis", INT64_MIN);
	size_t i, outer, o, pos = 0;
	int r = in[0].rank, k, rc;

	if (axis == INT64_MIN || r == 0)
		return 0;
	if (axis < 0)
		axis += r;
	if (axis < 0 || axis >= r)
		return 0;
	*y = in[0];
	y->dims[axis] = 0;
	for (i = 0; i < nin; i++) {
		if (in[i].rank != r || in[i].isint != in[0].isint ||
		    in[i].elem != in[0].elem)
			return 0;
		for (k = 0; k < r; k++)
			if (k != axis && in[i].dims[k] != in[0].dims[k])
				return 0;
		/* Zero-element inputs may have huge dims: the sum can
		 * overflow, and a wrapped one is a wrong tensor. */
		if (__builtin_add_overflow(y->dims[axis], in[i].dims[axis],
		    &y->dims[axis]))
			return 0;
	}
	if (!fold_dims_count(y->dims, r, &y->n) ||
	    !fold_dims_count(in[0].dims, (int)axis, &outer))
		return 0;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->n == 0)
		return 1;
	for (o = 0; o < outer; o++)
		for (i = 0; i < nin; i++) {
			size_t chunk = outer ? in[i].n / outer : 0;

			if (y->isint)
				memcpy(y->i + pos, in[i].i + o * chunk,
				    chunk * sizeof(*y->i));
			else
				memcpy(y->f + pos, in[i].f + o * chunk,
				    chunk * sizeof(*y->f));
			pos += chunk;
		}
	return 1;
}

static int
do_cast(const struct ir_node *n, const struct cval *x, struct cval *y,
    struct arena *ar)
{
	int64_t to = ir_attr_int(n, "to", -1);
	size_t i;
	int rc;

	if (to != (int32_t)to || (!fold_elem_float((int32_t)to) &&
	    !fold_elem_int((int32_t)to)))
		return 0;
	*y = *x;
	y->elem = (int32_t)to;
	y->isint = fold_elem_int(y->elem);
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	/* Through double, a value would be rounded twice: int64 beyond
	 * 2^53 to float, double to float16.  Leave those alone. */
	if (!y->isint && y->elem != IR_ELEM_DOUBLE &&
	    x->elem == IR_ELEM_DOUBLE && y->elem != IR_ELEM_FLOAT)
		return 0;
	for (i = 0; i < x->n; i++) {
		if (!y->isint) {
			if (x->isint && (x->i[i] > (1LL << 53) ||
			    x->i[i] < -(1LL << 53)))
				return 0;
			y->f[i] = x->isint ? (double)x->i[i] : x->f[i];
			continue;
		}
		if (y->elem == IR_ELEM_BOOL && !x->isint) {
			y->i[i] = x->f[i] != 0;
			continue;
		}
		if (x->isint) {
			y->i[i] = x->i[i];
		} else {
			double v = x->f[i];

			/* Out of range or NaN is undefined: leave it. */
			if (!(v > -9.2e18 && v < 9.2e18))
				return 0;
			y->i[i] = (int64_t)v;
		}
		/* Wrap to the target width as C conversions do. */
		switch (y->elem) {
		case IR_ELEM_BOOL: y->i[i] = y->i[i] != 0; break;
		case IR_ELEM_INT8: y->i[i] = (int8_t)y->i[i]; break;
		case IR_ELEM_UINT8: y->i[i] = (uint8_t)y->i[i]; break;
		case IR_ELEM_INT16: y->i[i] = (int16_t)y->i[i]; break;
		case IR_ELEM_UINT16: y->i[i] = (uint16_t)y->i[i]; break;
		case IR_ELEM_INT32: y->i[i] = (int32_t)y->i[i]; break;
		case IR_ELEM_UINT32: y->i[i] = (uint32_t)y->i[i]; break;
		}
		if (x->isint)
			continue;
		if (x->f[i] < 0 && (y->elem == IR_ELEM_UINT8 ||
		    y->elem == IR_ELEM_UINT16 || y->elem == IR_ELEM_UINT32))
			return 0;
	}
	return 1;
}

enum arith { A_ADD, A_SUB, A_MUL, A_DIV, A_MIN, A_MAX };

static int
do_binary(enum arith op, const struct cval *a, const struct cval *b,
    struct cval *y, struct arena *ar)
{
	int64_t sa[MAX_RANK], sb[MAX_RANK], idx[MAX_RANK];
	int r = a->rank > b->rank ? a->rank : b->rank, k, rc;
	size_t i, ia, ib;

	if (a->elem != b->elem || a->isint != b->isint)
		return 0;
	y->elem = a->elem;
	y->isint = a->isint;
	y->rank = r;
	/* Numpy broadcasting: align right, 1 stretches. */
	for (k = 0; k < r; k++) {
		int ka = k - (r - a->rank), kb = k - (r - b->rank);
		int64_t da = ka >= 0 ? a->dims[ka] : 1;
		int64_t db = kb >= 0 ? b->dims[kb] : 1;

		if (da != db && da != 1 && db != 1)
			return 0;
		y->dims[k] = da == 1 ? db : da;
	}
	/* Zero-element operands may broadcast to dims whose product
	 * overflows: no tensor has those. */
	if (!fold_dims_count(y->dims, r, &y->n))
		return 0;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->n == 0)
		return 1;
	/* Strides of the operands' own dims: each operand's element count
	 * is at most y->n, nonzero here, so these do not overflow. */
	{
		size_t s = 1;

		for (k = r - 1; k >= 0; k--) {
			int ka = k - (r - a->rank);

			sa[k] = ka >= 0 && a->dims[ka] != 1 ? (int64_t)s : 0;
			if (ka >= 0)
				s *= (size_t)a->dims[ka];
		}
		s = 1;
		for (k = r - 1; k >= 0; k--) {
			int kb = k - (r - b->rank);

			sb[k] = kb >= 0 && b->dims[kb] != 1 ? (int64_t)s : 0;
			if (kb >= 0)
				s *= (size_t)b->dims[kb];
		}
	}
	/* The operands' offsets follow IDX one step at a time (a dim that
	 * wraps takes back what it added; unsigned, so exact). */
	memset(idx, 0, sizeof(idx));
	ia = ib = 0;
	for (i = 0; i < y->n; i++) {
		if (y->isint) {
			int64_t p = a->i[ia], q = b->i[ib], v;

			switch (op) {
			case A_ADD:
				if (__builtin_add_overflow(p, q, &v))
					return 0;
				break;
			case A_SUB:
				if (__builtin_sub_overflow(p, q, &v))
					return 0;
				break;
			case A_MUL:
				if (__builtin_mul_overflow(p, q, &v))
					return 0;
				break;
			case A_DIV:
				if (q == 0 || (p == INT64_MIN && q == -1))
					return 0;
				v = p / q;
				break;
			case A_MIN:
				v = p < q ? p : q;
				break;
			default:
				v = p > q ? p : q;
				break;
			}
			if (y->elem != IR_ELEM_INT64 && y->elem !=
			    IR_ELEM_INT32 && op != A_MIN && op != A_MAX)
				return 0;	/* narrow wrap-around */
			if (y->elem == IR_ELEM_INT32 && v != (int32_t)v)
				return 0;
			y->i[i] = v;
		} else {
			double p = a->f[ia], q = b->f[ib], v;

			switch (op) {
			case A_ADD: v = p + q; break;
			case A_SUB: v = p - q; break;
			case A_MUL: v = p * q; break;
			case A_DIV: v = p / q; break;
			case A_MIN: v = p < q ? p : q; break;
			default: v = p > q ? p : q; break;
			}
			if ((op == A_MIN || op == A_MAX) && (isnan(p) ||
			    isnan(q)))
				v = NAN;
			/* float16 and bfloat16 kernels compute in float and
			 * round; so does this. */
			y->f[i] = fold_round_to(y->elem, v);
		}
		for (k = r - 1; k >= 0; k--) {
			ia += (size_t)sa[k];
			ib += (size_t)sb[k];
			if (++idx[k] < y->dims[k])
				break;
			ia -= (size_t)sa[k] * (size_t)y->dims[k];
			ib -= (size_t)sb[k] * (size_t)y->dims[k];
			idx[k] = 0;
		}
	}
	return 1;
}

static int
do_unary(const char *op, const struct cval *x, struct cval *y,
    struct arena *ar)
{
	size_t i;
	int rc;

	*y = *x;
	if (x->isint && strcmp(op, "Neg") != 0 && strcmp(op, "Abs") != 0 &&
	    strcmp(op, "Relu") != 0)
		return 0;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (i = 0; i < x->n; i++) {
		if (x->isint) {
			int64_t v = x->i[i];

			if (v == INT64_MIN)
				return 0;
			if (strcmp(op, "Neg") == 0)
				v = -v;
			else if (strcmp(op, "Abs") == 0)
				v = v < 0 ? -v : v;
			else
				v = v < 0 ? 0 : v;
			if (y->elem == IR_ELEM_UINT8 || y->elem ==
			    IR_ELEM_UINT16 || y->elem == IR_ELEM_UINT32 ||
			    y->elem == IR_ELEM_BOOL) {
				if (strcmp(op, "Neg") == 0)
					return 0;
			}
			y->i[i] = v;
			continue;
		}
		{
			double v = x->f[i];

			if (strcmp(op, "Neg") == 0)
				v = -v;
			else if (strcmp(op, "Abs") == 0)
				v = fabs(v);
			else if (strcmp(op, "Sqrt") == 0)
				v = sqrt(v);
			else if (strcmp(op, "Reciprocal") == 0)
				v = 1.0 / v;
			else if (strcmp(op, "Relu") == 0)
				v = v < 0 ? 0 : v;
			else if (strcmp(op, "Floor") == 0)
				v = floor(v);
			else if (strcmp(op, "Ceil") == 0)
				v = ceil(v);
			else
				return 0;
			y->f[i] = fold_round_to(y->elem, v);
		}
	}
	return 1;
}

/* A dim not known, in the partial shape that Gather and Slice of a
 * Shape read: no folded value may hold it. */
#define UNKNOWN_DIM INT64_MIN

/*
 * Shape of X: its type when fully static and trustworthy (a graph
 * input, whose shape the runtime enforces, or a type inference derived),
 * or an initializer's dims, which come from its data.  An initializer
 * that is also a graph input (overridable) has a known shape only when
 * its declared type agrees with its data.
 */
static int
do_shape(const struct ir_node *n, const struct ir_value *x, struct cval *y,
    struct arena *ar, bool partial)
{
	int64_t start = 0, end, r, dims[MAX_RANK];
	size_t count;
	int k, rc = 0;

	if (x == NULL || x->type.kind != IR_TYPE_TENSOR || x->type.rank < 0 ||
	    x->type.rank > MAX_RANK || !(x->is_input || x->type_derived ||
	    x->init != NULL))
		return 0;
	r = x->type.rank;
	if (x->init != NULL && x->init->rank != r)
		return 0;
	for (k = 0; k < r; k++) {
		if (x->type.dims[k].kind != IR_DIM_VALUE ||
		    x->type.dims[k].value < 0) {
			if (!partial || x->init != NULL)
				return 0;
			dims[k] = UNKNOWN_DIM;
			continue;
		}
		if (x->init != NULL &&
		    x->init->dims[k] != x->type.dims[k].value)
			return 0;
		dims[k] = x->type.dims[k].value;
	}
	if (x->init != NULL && !fold_dims_count(dims, (int)r, &count))
		return 0;
	if (strcmp(n->op_type, "Size") == 0) {
		if (partial)
			return 0;
		memset(y, 0, sizeof(*y));
		y->elem = IR_ELEM_INT64;
		y->isint = true;
		y->n = 1;
		if (!fold_dims_count(dims, (int)r, &count) ||
		    count > INT64_MAX || (rc = fold_alloc(ar, y)) <= 0)
			return rc;
		y->i[0] = (int64_t)count;
		return 1;
	}
	end = ir_attr_int(n, "end", r);
	start = ir_attr_int(n, "start", 0);
	if (start < 0)
		start += r;
	if (end < 0)
		end += r;
	start = start < 0 ? 0 : start > r ? r : start;
	end = end < 0 ? 0 : end > r ? r : end;
	if (end < start)
		end = start;
	memset(y, 0, sizeof(*y));
	y->elem = IR_ELEM_INT64;
	y->isint = true;
	y->rank = 1;
	y->dims[0] = end - start;
	y->n = (size_t)(end - start);
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	for (k = 0; k < end - start; k++)
		y->i[k] = dims[start + k];
	return 1;
}

static int
do_gather(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar)
{
	const struct cval *d = &in[0], *ix = &in[1];
	int64_t axis = ir_attr_int(n, "axis", 0), dim;
	size_t outer, inner, i, j, o;
	int k, rc;

	if (nin != 2 || !ix->isint || d->rank == 0 ||
	    d->rank + ix->rank - 1 > MAX_RANK)
		return 0;
	if (axis < 0)
		axis += d->rank;
	if (axis < 0 || axis >= d->rank)
		return 0;
	dim = d->dims[axis];
	/* Out-of-range indices are an error even when Y is empty. */
	for (j = 0; j < ix->n; j++)
		if (ix->i[j] < -dim || ix->i[j] >= dim)
			return 0;
	*y = *d;
	y->rank = 0;
	for (k = 0; k < axis; k++)
		y->dims[y->rank++] = d->dims[k];
	for (k = 0; k < ix->rank; k++)
		y->dims[y->rank++] = ix->dims[k];
	for (k = (int)axis + 1; k < d->rank; k++)
		y->dims[y->rank++] = d->dims[k];
	if (!fold_dims_count(y->dims, y->rank, &y->n))
		return 0;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->n == 0)
		return 1;
	/* Factors of y->n, nonzero here: they fit. */
	outer = inner = 1;
	for (k = 0; k < axis; k++)
		outer *= (size_t)d->dims[k];
	for (k = (int)axis + 1; k < d->rank; k++)
		inner *= (size_t)d->dims[k];
	for (o = 0; o < outer; o++)
		for (j = 0; j < ix->n; j++) {
			int64_t q = ix->i[j] < 0 ? ix->i[j] + dim : ix->i[j];
			size_t dst = (o * ix->n + j) * inner;
			size_t src = (o * (size_t)dim + (size_t)q) * inner;

			for (i = 0; i < inner; i++) {
				if (y->isint)
					y->i[dst + i] = d->i[src + i];
				else
					y->f[dst + i] = d->f[src + i];
			}
		}
	return 1;
}

/* Slice: inputs (opset 10 on) or attributes (below). */
static int
do_slice(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, int64_t opset)
{
	const struct cval *x = &in[0];
	int64_t st[MAX_RANK], en[MAX_RANK], sp[MAX_RANK], base, off;
	int64_t starts[MAX_RANK], ends[MAX_RANK], axes[MAX_RANK],
	    steps[MAX_RANK], xs[MAX_RANK];
	bool seen[MAX_RANK];
	size_t na, i;
	int r = x->rank, k, rc;

	if (r == 0)
		return 0;
	if (opset >= 10) {
		if (nin < 3 || !in[1].isint || !in[2].isint ||
		    in[1].n != in[2].n || in[1].n > (size_t)r)
			return 0;
		na = in[1].n;
		for (i = 0; i < na; i++) {
			starts[i] = in[1].i[i];
			ends[i] = in[2].i[i];
			axes[i] = (int64_t)i;
			steps[i] = 1;
		}
		if (nin > 3 && in[3].n > 0) {
			if (!in[3].isint || in[3].n != na)
				return 0;
			for (i = 0; i < na; i++)
				axes[i] = in[3].i[i];
		}
		if (nin > 4 && in[4].n > 0) {
			if (!in[4].isint || in[4].n != na)
				return 0;
			for (i = 0; i < na; i++)
				steps[i] = in[4].i[i];
		}
	} else {
		const struct ir_attr *as = ir_node_attr(n, "starts");
		const struct ir_attr *ae = ir_node_attr(n, "ends");
		const struct ir_attr *ax = ir_node_attr(n, "axes");

		if (nin != 1 || as == NULL || ae == NULL ||
		    as->type != IR_ATTR_INTS || ae->type != IR_ATTR_INTS ||
		    as->n != ae->n || as->n > (size_t)r || (ax != NULL &&
		    (ax->type != IR_ATTR_INTS || ax->n != as->n)))
			return 0;
		na = as->n;
		for (i = 0; i < na; i++) {
			starts[i] = as->ints[i];
			ends[i] = ae->ints[i];
			axes[i] = ax ? ax->ints[i] : (int64_t)i;
			steps[i] = 1;
		}
	}
	for (k = 0; k < r; k++) {
		st[k] = 0;
		en[k] = x->dims[k];
		sp[k] = 1;
		seen[k] = false;
	}
	/* Starts and ends are any int64 (INT64_MIN, INT64_MAX included):
	 * adding a dim to a negative one cannot overflow, and after the
	 * clamping every bound is within [-1, d]. */
	for (i = 0; i < na; i++) {
		int64_t a = axes[i] < 0 ? axes[i] + r : axes[i], d, b, e;

		if (a < 0 || a >= r || steps[i] == 0 || seen[a])
			return 0;
		seen[a] = true;
		d = x->dims[a];
		b = starts[i] < 0 ? starts[i] + d : starts[i];
		e = ends[i] < 0 ? ends[i] + d : ends[i];
		if (steps[i] > 0) {
			b = b < 0 ? 0 : b > d ? d : b;
			e = e < 0 ? 0 : e > d ? d : e;
		} else {
			/* Into [0, d - 1]: -1, no element, when d is 0. */
			b = b < 0 ? 0 : b;
			b = b > d - 1 ? d - 1 : b;
			e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
		}
		st[a] = b;
		en[a] = e;
		sp[a] = steps[i];
	}
	*y = *x;
	for (k = 0; k < r; k++) {
		/* |step| as unsigned: -INT64_MIN is not an int64. */
		uint64_t m = sp[k] > 0 ? (uint64_t)sp[k] :
		    -(uint64_t)sp[k];
		int64_t span = sp[k] > 0 ? en[k] - st[k] : st[k] - en[k];

		y->dims[k] = span > 0 ? (int64_t)((uint64_t)(span - 1) / m) +
		    1 : 0;
		/* One element or none: the step is never applied, and
		 * a huge one would overflow the stride below. */
		if (y->dims[k] <= 1)
			sp[k] = 1;
	}
	if (!fold_dims_count(y->dims, r, &y->n))
		return 0;
	if ((rc = fold_alloc(ar, y)) <= 0)
		return rc;
	if (y->n == 0)
		return 1;
	/* Y is not empty, so every start is an index into X and every
	 * offset below is one of X's: these fit; checked all the same. */
	if (!fold_strides(x, xs))
		return 0;
	base = 0;
	for (k = 0; k < r; k++)
		if (__builtin_mul_overflow(st[k], xs[k], &off) ||
		    __builtin_add_overflow(base, off, &base) ||
		    __builtin_mul_overflow(xs[k], sp[k], &xs[k]))
			return 0;
	gather(x, y, base, xs);
	return 1;
}

/* Evaluate N on the constants IN; 1 with the result in Y, 0 when N is not
 * foldable, -1 out of budget. */
static int
eval(const struct ir_node *n, const struct cval *in, size_t nin,
    struct cval *y, struct arena *ar, int64_t opset, struct fold_work *w)
{
	static const struct {
		const char *op;
		enum arith a;
	} bin[] = {
		{ "Add", A_ADD }, { "Sub", A_SUB }, { "Mul", A_MUL },
		{ "Div", A_DIV }, { "Min", A_MIN }, { "Max", A_MAX },
	};
	static const char *const un[] = {
		"Neg", "Abs", "Sqrt", "Reciprocal", "Relu", "Floor", "Ceil",
	};
	const char *op = n->op_type;
	size_t i;

	if (strcmp(op, "Transpose") == 0 && nin == 1)
		return do_transpose(n, &in[0], y, ar);
	if (strcmp(op, "Gather") == 0)
		return do_gather(n, in, nin, y, ar);
	if (strcmp(op, "Slice") == 0)
		return do_slice(n, in, nin, y, ar, opset);
	if (strcmp(op, "Reshape") == 0 && opset >= 5)
		return do_reshape(n, in, nin, y);
	if (strcmp(op, "Unsqueeze") == 0 || strcmp(op, "Squeeze") == 0)
		return do_squeeze(n, in, nin, y, op[0] == 'U', opset);
	if (strcmp(op, "Flatten") == 0 && nin == 1)
		return do_flatten(n, &in[0], y);
	if (strcmp(op, "Concat") == 0 && opset >= 4)
		return do_concat(n, in, nin, y, ar);
	if (strcmp(op, "Cast") == 0 && nin == 1 && opset >= 6)
		return do_cast(n, &in[0], y, ar);
	if (strcmp(op, "Identity") == 0 && nin == 1) {
		*y = in[0];
		return 1;
	}
	for (i = 0; i < sizeof(bin) / sizeof(bin[0]); i++)
		if (strcmp(op, bin[i].op) == 0) {
			/* Min and Max are variadic; fold the common two. */
			if (nin != 2 || (opset < 7 && !same_shape(&in[0],
			    &in[1])))
				return 0;
			return do_binary(bin[i].a, &in[0], &in[1], y, ar);
		}
	for (i = 0; i < sizeof(un) / sizeof(un[0]); i++)
		if (strcmp(op, un[i]) == 0 && nin == 1)
			return do_unary(op, &in[0], y, ar);
	/* ReduceSum and ReduceProd: of integers exactly, of floats by
	 * fold_num.c */
	if (fold_num_has(op) && !(fold_ops_has(op) && nin > 0 &&
	    in[0].isint))
		return fold_num_eval(n, in, nin, y, ar, opset, w);
	return fold_ops_eval(n, in, nin, y, ar, opset);
}

static bool
foldable_op(const struct ir_node *n)
{
	static const char *const ops[] = {
		"Abs", "Add", "Cast", "Ceil", "Concat", "Div",
		"Flatten", "Floor", "Gather", "Identity", "Max", "Min",
		"Mul", "Neg", "Reciprocal", "Relu", "Reshape", "Shape",
		"Size", "Slice", "Sqrt", "Squeeze", "Sub", "Transpose",
		"Unsqueeze",
	};
	size_t i;

	if (ir_domain_is_onnx(n->domain) && strcmp(n->op_type, "Split") == 0 &&
	    n->nimplicit == 0 && n->noutputs > 0) {
		for (i = 0; i < n->noutputs; i++)
			if (n->outputs[i] != NULL &&
			    n->outputs[i]->noutputs > 0)
				return false;
		return true;
	}
	if (!ir_domain_is_onnx(n->domain) || n->noutputs != 1 ||
	    n->outputs[0] == NULL || n->outputs[0]->noutputs > 0 ||
	    n->nimplicit > 0)
		return false;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (n->op_type[0] == ops[i][0] &&
		    strcmp(n->op_type, ops[i]) == 0)
			return true;
	return fold_ops_has(n->op_type) || fold_num_has(n->op_type);
}

/* The pass's state while it runs. */
struct fold_state {
	struct arena tmp;	/* the constants of the latest nodes */
	struct fold_work work;	/* arithmetic left for this run */
	struct hmap warned;	/* "%p" of the nodes reported too large */
	size_t cap;		/* room in the current graph's inits */
};

/* "d0,d1,..." into BUF. */
static const char *
fmt_dims(char *buf, size_t size, const int64_t *dims, int rank)
{
	size_t len = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < rank && len + 24 < size; k++) {
		snprintf(buf + len, size - len, "%s%lld", k ? "," : "",
		    (long long)dims[k]);
		len = strlen(buf);
	}
	return buf;
}

/*
 * A result larger than the limit is not folded, with a warning (once a
 * node: run() sweeps the graph again after changes).  OUT's dims are
 * known unless DIMS is false.  KEPT, when not NULL, is the large input
 * that other nodes read too (so the result would add to the file).
 */
static int
too_large_beside(struct pass_ctx *ctx, struct fold_state *st,
    const struct ir_node *n, const struct cval *out, bool dims,
    const struct ir_value *kept)
{
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE], d[128];
	const char *key = arena_printf(&ctx->scratch, "%p", (const void *)n);
	int rc;

	if (key == NULL || (rc = hmap_put(&st->warned, key, (void *)n,
	    NULL)) < 0)
		return -1;
	if (rc == 0)
		return 0;
	diag_escape_str(b1, sizeof(b1), n->outputs[0]->name);
	if (kept != NULL)
		pass_report_node(ctx, DIAG_F_FOLD_TOO_LARGE, n,
		    "'%s' = %s[%s] would take more than %u bytes beside "
		    "its input '%s', which other nodes read too", b1,
		    ir_elem_name(out->elem), fmt_dims(d, sizeof(d),
		    out->dims, out->rank), MAX_BYTES,
		    diag_escape_str(b2, sizeof(b2), kept->name));
	else if (dims)
		pass_report_node(ctx, DIAG_F_FOLD_TOO_LARGE, n,
		    "'%s' = %s[%s] would take more than %u bytes", b1,
		    ir_elem_name(out->elem), fmt_dims(d, sizeof(d),
		    out->dims, out->rank), MAX_BYTES);
	else
		pass_report_node(ctx, DIAG_F_FOLD_TOO_LARGE, n,
		    "'%s' (%s) would take more than %u bytes", b1,
		    ir_elem_name(out->elem), MAX_BYTES);
	return 0;
}

/* N's arithmetic is past what one node, or the rest of the run, may
 * take: not folded, with a warning (once a node). */
static int
too_much(struct pass_ctx *ctx, struct fold_state *st, const struct ir_node *n)
{
	const char *key = arena_printf(&ctx->scratch, "%p", (const void *)n);
	char b[DIAG_ESCAPE_SIZE];
	int rc;

	st->work.over = false;
	if (key == NULL || (rc = hmap_put(&st->warned, key, (void *)n,
	    NULL)) < 0)
		return -1;
	if (rc == 0)
		return 0;
	pass_report_node(ctx, DIAG_F_FOLD_WORK, n, "'%s': more than %llu "
	    "multiply-adds for one node, or past the %llu of the whole fix",
	    diag_escape_str(b, sizeof(b), n->outputs[0]->name),
	    (unsigned long long)FOLD_NODE_WORK,
	    (unsigned long long)FOLD_RUN_WORK);
	return 0;
}

/* too_large_beside without a shared input. */
static int
too_large(struct pass_ctx *ctx, struct fold_state *st,
    const struct ir_node *n, const struct cval *out, bool dims)
{
	return too_large_beside(ctx, st, n, out, dims, NULL);
}

/*
 * A Concat's result is as large as its inputs together: with many
 * inputs, reading them all is what would exceed the budget.  1 when
 * their bytes add up to more than the limit.
 */
static bool
inputs_too_large(const struct ir_node *n, size_t nin, int32_t *elem)
{
	uint64_t total = 0, count, bytes;
	size_t i;

	if (strcmp(n->op_type, "Concat") != 0)
		return false;
	for (i = 0; i < nin; i++) {
		const struct ir_tensor *t = fold_const(n->inputs[i]);

		/* Not a readable constant: cval_read refuses it. */
		if (t == NULL || ir_tensor_count(t, &count, NULL) < 0 ||
		    ir_elem_bytes(t->elem, count, &bytes) < 0)
			return false;
		*elem = t->elem;
		if (__builtin_add_overflow(total, bytes, &total) ||
		    total > MAX_BYTES)
			return true;
	}
	return false;
}

/* N's data input when N is a Gather or Slice of a live Shape node: that
 * Shape node; else NULL. */
static const struct ir_node *
shape_of(const struct ir_node *n)
{
	const struct ir_value *v = n->ninputs > 1 ? n->inputs[0] : NULL;
	const struct ir_node *p;

	if (v == NULL || v->kind != IR_VALUE_NODE ||
	    (p = v->producer) == NULL || p->dead || p->ninputs != 1 ||
	    strcmp(p->op_type, "Shape") != 0 ||
	    !ir_domain_is_onnx(p->domain) ||
	    (strcmp(n->op_type, "Gather") != 0 &&
	    strcmp(n->op_type, "Slice") != 0))
		return NULL;
	return p;
}

/*
 * A new initializer named after Y, an output of N: OUT's element type
 * and dims, the BYTES at DATA (kept, not copied), into *TP (install_done
 * gives it to Y).  0, or -1 out of budget.
 */
static int
install_value(struct fold_state *st, struct ir_node *n, struct ir_value *y,
    const struct cval *out, const uint8_t *data, size_t bytes,
    struct ir_tensor **tp)
{
	struct ir_graph *g = n->graph;
	struct ir_tensor *t;

	t = arena_alloc(&g->model->arena, sizeof(*t));
	if (t == NULL || (out->rank > 0 &&
	    (t->dims = arena_array(&g->model->arena, (size_t)out->rank,
	    sizeof(*t->dims))) == NULL))
		return -1;
	/* The list grows geometrically: a copy per fold would make a long
	 * chain of folds quadratic in time and memory. */
	if (st->cap < g->ninits + 1) {
		void *v = g->inits;
		size_t cap = g->ninits;

		if (arena_grow(&g->model->arena, &v, &cap, g->ninits + 1,
		    sizeof(*g->inits)) < 0)
			return -1;
		g->inits = v;
		st->cap = cap;
	}
	t->name = y->name;
	t->elem = out->elem;
	t->rank = out->rank;
	if (out->rank > 0)
		memcpy(t->dims, out->dims, (size_t)out->rank *
		    sizeof(*t->dims));
	t->storage = IR_DATA_RAW;
	t->data = data;
	t->size = bytes;
	t->nfields = 1;
	t->dirty = true;
	g->inits[g->ninits++] = t;
	*tp = t;
	return 0;
}

/* N goes, and each value YS[k] that install_value gave tensor TS[k]
 * becomes that initializer (after the kill, which detaches N's
 * outputs). */
static void
install_done(struct ir_node *n, struct ir_value **ys, struct ir_tensor **ts,
    size_t ny)
{
	size_t k;

	ir_node_kill(n);
	for (k = 0; k < ny; k++) {
		ys[k]->kind = IR_VALUE_INITIALIZER;
		ys[k]->producer = NULL;
		ys[k]->init = ts[k];
	}
}

/* N's one output, OUT, as an initializer holding DATA; N goes. */
static int
install(struct pass_ctx *ctx, struct fold_state *st, struct ir_node *n,
    const struct cval *out, const uint8_t *data, size_t bytes)
{
	struct ir_value *y = n->outputs[0];
	struct ir_tensor *t;
	char b1[DIAG_ESCAPE_SIZE], dims[128];

	if (install_value(st, n, y, out, data, bytes, &t) < 0)
		return -1;
	pass_report_node(ctx, DIAG_F_FOLDED, n, "'%s' = %s[%s]",
	    diag_escape_str(b1, sizeof(b1), y->name), ir_elem_name(out->elem),
	    fmt_dims(dims, sizeof(dims), out->dims, out->rank));
	install_done(n, &y, &t, 1);
	return 1;
}

/* Data movement a large constant may go through: the result holds the
 * same bytes, in the same or a permuted order. */
static bool
move_op(const struct ir_node *n)
{
	static const char *const ops[] = { "Transpose", "Reshape", "Flatten",
	    "Squeeze", "Unsqueeze" };
	size_t i;

	if (!ir_domain_is_onnx(n->domain))
		return false;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(n->op_type, ops[i]) == 0)
			return true;
	return false;
}

/* COUNT elements of SIZE bytes from SRC, STEP bytes apart, to DST one
 * after another. */
static void
strided_copy(uint8_t *dst, const uint8_t *src, int64_t step, size_t count,
    size_t size)
{
	size_t j;

	switch (size) {
	case 1:
		for (j = 0; j < count; j++)
			dst[j] = src[(int64_t)j * step];
		break;
	case 2:
		for (j = 0; j < count; j++)
			memcpy(dst + j * 2, src + (int64_t)j * step, 2);
		break;
	case 4:
		for (j = 0; j < count; j++)
			memcpy(dst + j * 4, src + (int64_t)j * step, 4);
		break;
	case 8:
		for (j = 0; j < count; j++)
			memcpy(dst + j * 8, src + (int64_t)j * step, 8);
		break;
	default:
		for (j = 0; j < count; j++)
			memcpy(dst + j * size, src + (int64_t)j * step, size);
	}
}

/* Square tiles of a 2-D transpose: both sides stay in cache. */
#define TILE 64

/*
 * One 2-D slice of a transpose: NQ x NO elements of SIZE bytes, the Q
 * index running along SRC (SIZE apart) and ODST bytes apart in DST, the
 * O index ISRC bytes apart in SRC and along DST; tile by tile.
 */
static void
tiled(uint8_t *dst, const uint8_t *src, size_t nq, size_t no, int64_t odst,
    int64_t isrc, size_t size)
{
	size_t a0, b0, a;

	for (a0 = 0; a0 < nq; a0 += TILE)
		for (b0 = 0; b0 < no; b0 += TILE) {
			size_t ae = nq - a0 < TILE ? nq : a0 + TILE;
			size_t nb = no - b0 < TILE ? no - b0 : TILE;

			for (a = a0; a < ae; a++)
				strided_copy(dst + (int64_t)a * odst +
				    (int64_t)(b0 * size), src + a * size +
				    (int64_t)b0 * isrc, isrc, nb, size);
		}
}

/*
 * Transpose the SIZE-byte elements of SRC (dims X) into DST (dims Y,
 * Y's axis k is X's axis PERM[k]).  Trailing axes that stay in place
 * move as one block.  Otherwise X's last axis moves to Y's axis Q: the
 * plane of Y's axes Q and last is a 2-D transpose, done in tiles, for
 * each index of the other axes.
 */
static void
transpose_bytes(const uint8_t *src, uint8_t *dst, const struct cval *x,
    const struct cval *y, const int64_t *perm, size_t size)
{
	int64_t st[MAX_RANK], stride[MAX_RANK], ost[MAX_RANK];
	int64_t idx[MAX_RANK] = { 0 };
	size_t block = size, pos = 0, total = y->n * size, inner, rest, i;
	int r = y->rank, k, q = 0;

	if (total == 0)
		return;
	(void)fold_strides(x, st);	/* the count fits: no overflow */
	while (r > 0 && perm[r - 1] == r - 1) {
		block *= (size_t)y->dims[r - 1];
		r--;
	}
	if (r == 0) {
		memcpy(dst, src, total);
		return;
	}
	for (k = 0; k < r; k++)
		stride[k] = st[perm[k]] * (int64_t)size;
	inner = (size_t)y->dims[r - 1];
	if (block != size) {
		/* Rows of BLOCK bytes, each from its own place. */
		while (pos < total) {
			int64_t off = 0;
			size_t j;

			for (k = 0; k < r - 1; k++)
				off += idx[k] * stride[k];
			for (j = 0; j < inner; j++, pos += block)
				memcpy(dst + pos, src + off +
				    (int64_t)j * stride[r - 1], block);
			for (k = r - 2; k >= 0; k--) {
				if (++idx[k] < y->dims[k])
					break;
				idx[k] = 0;
			}
		}
		return;
	}
	/* X's last axis is Y's axis Q (not Y's last: that one stayed). */
	for (k = 0; k < r; k++)
		if (perm[k] == r - 1)
			q = k;
	ost[r - 1] = (int64_t)size;
	for (k = r - 2; k >= 0; k--)
		ost[k] = ost[k + 1] * y->dims[k + 1];
	rest = 1;
	for (k = 0; k < r - 1; k++)
		if (k != q)
			rest *= (size_t)y->dims[k];
	for (i = 0; i < rest; i++) {
		int64_t in = 0, out = 0;

		for (k = 0; k < r - 1; k++)
			if (k != q) {
				in += idx[k] * stride[k];
				out += idx[k] * ost[k];
			}
		tiled(dst + out, src + in, (size_t)y->dims[q], inner, ost[q],
		    stride[r - 1], size);
		for (k = r - 2; k >= 0; k--) {
			if (k == q)
				continue;
			if (++idx[k] < y->dims[k])
				break;
			idx[k] = 0;
		}
	}
}

/*
 * A Transpose, Reshape, Flatten, Squeeze or Unsqueeze of a constant
 * stored raw, in memory, with whole-byte elements: its bytes are moved,
 * not read as numbers (a reshape keeps them as they are, a Transpose
 * permutes whole elements), which is exact for every element type.
 * When nothing else reads the constant, the result replaces it in the
 * file, so folding does not grow the file whatever its size.  When
 * other nodes read it too, the result is a second copy: made by the
 * generic fold within MAX_BYTES, past it left with the warning of
 * too_large.  1 folded, 0 not, -1 out of budget.
 */
static int
fold_move(struct pass_ctx *ctx, struct fold_state *st, struct ir_node *n,
    size_t nin, int64_t opset)
{
	const struct ir_value *x = n->inputs[0];
	const struct ir_tensor *t = fold_const(x);
	struct arena *ar = &st->tmp;
	struct cval *in, out;
	int64_t perm[MAX_RANK];
	uint64_t count, bytes;
	unsigned bits;
	uint8_t *buf;
	size_t i;
	bool shared;
	int rc;

	if (t == NULL || t->storage != IR_DATA_RAW || t->rank < 0 ||
	    t->rank > MAX_RANK || (bits = ir_elem_bits(t->elem)) == 0 ||
	    bits % 8 != 0 || ir_tensor_count(t, &count, NULL) < 0 ||
	    ir_elem_bytes(t->elem, count, &bytes) < 0 || t->size != bytes)
		return 0;
	shared = x->nuses != 1 || x->noutputs > 0;
	if (shared && bytes <= MAX_BYTES)
		return 0;
	in = arena_array(ar, nin, sizeof(*in));
	if (in == NULL)
		return -1;
	/* X's header: dims without a payload. */
	memset(&in[0], 0, sizeof(in[0]));
	in[0].elem = t->elem;
	in[0].rank = t->rank;
	if (t->rank > 0)
		memcpy(in[0].dims, t->dims, (size_t)t->rank *
		    sizeof(*t->dims));
	in[0].n = (size_t)count;
	in[0].isint = fold_elem_int(t->elem);
	for (i = 1; i < nin; i++) {
		const struct ir_tensor *c = n->inputs[i] == NULL ? NULL :
		    fold_const(n->inputs[i]);

		if (c == NULL)
			return 0;
		if ((rc = fold_read(ar, c, &in[i])) <= 0)
			return rc;
	}
	memset(&out, 0, sizeof(out));
	if (strcmp(n->op_type, "Transpose") == 0)
		rc = transpose_dims(n, &in[0], &out, perm);
	else if (strcmp(n->op_type, "Reshape") == 0)
		rc = do_reshape(n, in, nin, &out);
	else if (strcmp(n->op_type, "Flatten") == 0)
		rc = do_flatten(n, &in[0], &out);
	else
		rc = do_squeeze(n, in, nin, &out,
		    strcmp(n->op_type, "Unsqueeze") == 0, opset);
	if (rc <= 0 || !fold_dims_count(out.dims, out.rank, &i) ||
	    i != out.n)
		return 0;
	if (shared)
		return too_large_beside(ctx, st, n, &out, true, x);
	if (strcmp(n->op_type, "Transpose") != 0)
		return install(ctx, st, n, &out, t->data, (size_t)bytes);
	buf = arena_alloc(&n->graph->model->arena, bytes ? (size_t)bytes : 1);
	if (buf == NULL)
		return -1;
	transpose_bytes(t->data, buf, &in[0], &out, perm, bits / 8);
	return install(ctx, st, n, &out, buf, (size_t)bytes);
}

static int buf_add(struct arena *a, char **b, size_t *len, size_t *cap,
    const char *s);

/*
 * The sizes of Split N's NOUT parts of a dim of D (opset OPSET) into SZ:
 * the split attribute (below 13) or input (from 13), else num_outputs
 * (from 18: parts of ceil(D / num_outputs), the last what is left),
 * else equal parts.  1 known, 0 not (a wrong split is not folded), -1
 * out of budget.
 */
static int
split_sizes(const struct ir_node *n, size_t nin, int64_t opset, int64_t d,
    size_t nout, int64_t *sz, struct arena *ar)
{
	const int64_t *v = NULL;
	struct cval c;
	size_t cnt = 0, k;
	int64_t sum = 0;
	int rc;

	if (opset < 13) {
		v = ir_attr_ints(n, "split", &cnt);
		if (v == NULL && ir_node_attr(n, "split") != NULL)
			return 0;
	} else if (nin > 1) {
		if ((rc = fold_read(ar, fold_const(n->inputs[1]), &c)) <= 0)
			return rc;
		if (!c.isint || c.rank != 1)
			return 0;
		v = c.i;
		cnt = c.n;
	}
	if (v != NULL) {
		if (cnt != nout)
			return 0;
		for (k = 0; k < nout; k++) {
			if (v[k] < 0 || __builtin_add_overflow(sum, v[k], &sum))
				return 0;
			sz[k] = v[k];
		}
		return sum == d;
	}
	if (opset >= 18 && ir_node_attr(n, "num_outputs") != NULL) {
		int64_t num = ir_attr_int(n, "num_outputs", 0), chunk;

		if (num < 1 || (uint64_t)num != nout || d < 0)
			return 0;
		chunk = d / num + (d % num != 0);
		for (k = 0; k < nout; k++) {
			sz[k] = d - sum < chunk ? d - sum : chunk;
			sum += sz[k];
		}
		return sum == d;
	}
	if (d % (int64_t)nout != 0)
		return 0;
	for (k = 0; k < nout; k++)
		sz[k] = d / (int64_t)nout;
	return 1;
}

/*
 * Split of a constant: each part a slice along the axis, copied as the
 * elements are (exact for every type fold reads).  One note names every
 * part.  1 folded, 0 not, -1 out of budget.
 */
static int
fold_split(struct pass_ctx *ctx, struct fold_state *st, struct ir_node *n,
    size_t nin, int64_t opset)
{
	struct arena *ar = &st->tmp;
	const struct ir_tensor *t;
	struct ir_value **ys;
	struct ir_tensor **ts;
	struct cval x, y;
	int64_t axis, *sz, off = 0, outer = 1, inner = 1;
	size_t nout = n->noutputs, ny = 0, k, o, len = 0, cap = 0;
	char b[DIAG_ESCAPE_SIZE], dims[128], *note = NULL;
	int rc, a, i;

	if (nin < 1 || nin > 2 || (t = fold_const(n->inputs[0])) == NULL ||
	    (nin == 2 && fold_const(n->inputs[1]) == NULL))
		return 0;
	if ((rc = fold_read(ar, t, &x)) <= 0)
		return rc;
	axis = ir_attr_int(n, "axis", 0);
	if (x.rank < 1 || axis < -x.rank || axis >= x.rank)
		return 0;
	a = (int)(axis < 0 ? axis + x.rank : axis);
	sz = arena_array(ar, nout, sizeof(*sz));
	ys = arena_array(ar, nout, sizeof(*ys));
	ts = arena_array(ar, nout, sizeof(*ts));
	if (sz == NULL || ys == NULL || ts == NULL)
		return -1;
	if ((rc = split_sizes(n, nin, opset, x.dims[a], nout, sz, ar)) <= 0)
		return rc;
	for (i = 0; x.n > 0 && i < a; i++)
		outer *= x.dims[i];
	for (i = a + 1; x.n > 0 && i < x.rank; i++)
		inner *= x.dims[i];
	for (k = 0; k < nout; k++) {
		struct ir_value *v = n->outputs[k];
		int64_t at = off;
		uint64_t bytes;
		uint8_t *data;

		off += sz[k];
		if (v == NULL)
			continue;
		y = x;
		y.dims[a] = sz[k];
		/* an empty X may have dims whose product overflows */
		y.n = x.n == 0 ? 0 : (size_t)(outer * sz[k] * inner);
		if ((rc = fold_alloc(ar, &y)) <= 0)
			return rc;
		for (o = 0; x.n > 0 && o < (size_t)outer; o++) {
			size_t from = ((size_t)o * (size_t)x.dims[a] +
			    (size_t)at) * (size_t)inner;
			size_t to = (size_t)o * (size_t)sz[k] * (size_t)inner;
			size_t cnt = (size_t)sz[k] * (size_t)inner;

			if (cnt == 0)
				continue;
			if (x.isint)
				memcpy(y.i + to, x.i + from, cnt * sizeof(*y.i));
			else
				memcpy(y.f + to, x.f + from, cnt * sizeof(*y.f));
		}
		if (ir_elem_bytes(y.elem, y.n, &bytes) < 0)
			return 0;
		data = arena_alloc(&n->graph->model->arena, bytes ? bytes : 1);
		if (data == NULL)
			return -1;
		if (write_out(&y, data) < 0)
			return 0;
		if (install_value(st, n, v, &y, data, (size_t)bytes,
		    &ts[ny]) < 0)
			return -1;
		ys[ny++] = v;
		if (buf_add(&ctx->scratch, &note, &len, &cap, len ? ", '" :
		    "'") < 0 || buf_add(&ctx->scratch, &note, &len, &cap,
		    diag_escape_str(b, sizeof(b), v->name)) < 0 ||
		    buf_add(&ctx->scratch, &note, &len, &cap, "' = ") < 0 ||
		    buf_add(&ctx->scratch, &note, &len, &cap,
		    ir_elem_name(y.elem)) < 0 ||
		    buf_add(&ctx->scratch, &note, &len, &cap, "[") < 0 ||
		    buf_add(&ctx->scratch, &note, &len, &cap, fmt_dims(dims,
		    sizeof(dims), y.dims, y.rank)) < 0 ||
		    buf_add(&ctx->scratch, &note, &len, &cap, "]") < 0)
			return -1;
	}
	pass_report_node(ctx, DIAG_F_FOLDED, n, "%s", note != NULL ? note :
	    "no part used");
	install_done(n, ys, ts, ny);
	return 1;
}

static int
fold_node(struct pass_ctx *ctx, struct fold_state *st, struct ir_node *n,
    int64_t opset)
{
	const struct ir_node *p;
	struct arena *ar = &st->tmp;
	struct ir_graph *g = n->graph;
	struct cval *in, out;
	uint64_t bytes;
	uint8_t *data;
	size_t nin = n->ninputs, i, count;
	int rc = 0;

	/* A malformed node may have no output at all. */
	if (!foldable_op(n) || n->noutputs == 0 || n->outputs[0] == NULL)
		return 0;
	st->work.over = false;	/* set by this node's kernel alone */
	/* Absent trailing optionals only. */
	while (nin > 0 && n->inputs[nin - 1] == NULL)
		nin--;
	if (nin == 0)
		return 0;
	if (move_op(n) && (rc = fold_move(ctx, st, n, nin, opset)) != 0)
		return rc;
	if (strcmp(n->op_type, "Split") == 0)
		return fold_split(ctx, st, n, nin, opset);
	memset(&out, 0, sizeof(out));
	if (inputs_too_large(n, nin, &out.elem))
		return too_large(ctx, st, n, &out, false);
	in = arena_array(ar, nin, sizeof(*in));
	if (in == NULL)
		return -1;
	if (strcmp(n->op_type, "Shape") == 0 ||
	    strcmp(n->op_type, "Size") == 0) {
		if (nin != 1 || (rc = do_shape(n, n->inputs[0], &out, ar,
		    false)) <= 0)
			return rc;
	} else if ((p = shape_of(n)) != NULL) {
		/* Gather or Slice of a Shape whose input has some dims
		 * unknown (a dynamic batch): what it picks may be known. */
		for (i = 1; i < nin; i++)
			if (fold_const(n->inputs[i]) == NULL)
				return 0;
		if ((rc = do_shape(p, p->inputs[0], &in[0], ar, true)) <= 0)
			return rc;
		for (i = 1; i < nin; i++)
			if ((rc = fold_read(ar, fold_const(n->inputs[i]),
			    &in[i])) <= 0)
				return rc;
		if ((rc = eval(n, in, nin, &out, ar, opset, &st->work)) <= 0)
			return rc;
		for (i = 0; i < out.n; i++)
			if (out.i[i] == UNKNOWN_DIM)
				return 0;
	} else {
		/* Every input constant before any is read: external
		 * data is read in only for a node that can fold. */
		for (i = 0; i < nin; i++)
			if (fold_const(n->inputs[i]) == NULL)
				return 0;
		for (i = 0; i < nin; i++)
			if ((rc = fold_read(ar, fold_const(n->inputs[i]),
			    &in[i])) <= 0)
				return rc;
		rc = eval(n, in, nin, &out, ar, opset, &st->work);
		if (rc == 0 && out.big)
			return too_large(ctx, st, n, &out, true);
		if (rc == 0 && st->work.over)
			return too_much(ctx, st, n);
		if (rc <= 0)
			return rc;
	}
	/* Whatever the operator computed, the result is a tensor: no
	 * negative dim (-1 was resolved), and as many elements as its dims
	 * say (zero-element inputs may carry dims whose product does not
	 * fit, and a wrapped dim or product is a wrong tensor). */
	if (out.rank < 0 || out.rank > MAX_RANK ||
	    !fold_dims_count(out.dims, out.rank, &count) || count != out.n)
		return 0;
	if (ir_elem_bytes(out.elem, out.n, &bytes) < 0 || bytes > MAX_BYTES)
		return too_large(ctx, st, n, &out, true);
	data = arena_alloc(&g->model->arena, bytes ? bytes : 1);
	if (data == NULL)
		return -1;
	if (write_out(&out, data) < 0)
		return 0;
	return install(ctx, st, n, &out, data, (size_t)bytes);
}

static const char *
fold_name(const struct ir_node *n)
{
	if (n->name != NULL && n->name[0] != '\0')
		return n->name;
	return n->noutputs > 0 && n->outputs[0] != NULL ?
	    n->outputs[0]->name : "";
}

/* Append S to the string *B (*LEN long, room for *CAP bytes). */
static int
buf_add(struct arena *a, char **b, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	void *v = *b;

	if (arena_grow(a, &v, cap, *len + n + 1, 1) < 0)
		return -1;
	*b = v;
	memcpy(*b + *len, s, n + 1);
	*len += n;
	return 0;
}

/* "%p" of P into BUF: the key of a folded value. */
static const char *
ptr_key(char *buf, size_t size, const void *p)
{
	snprintf(buf, size, "%p", p);
	return buf;
}

#define NONE SIZE_MAX

/*
 * A folded value that only other folded nodes read is not in the output:
 * its note (from index N0 on) joins the note of the first folded node
 * that read it, "; with 'A', 'B'", so that one note names the whole
 * folded expression; a joining note brings its own list along.  The notes
 * form a forest (each joins one later note), and a root's list is its
 * tree in preorder, children in note order: built once per root and
 * dropped at once, which keeps a chain of any length linear.
 */
static int
merge_chains(struct pass_ctx *ctx, size_t n0)
{
	struct diag_list *l = ctx->d;
	struct arena *a = &ctx->scratch;
	struct hmap notes;
	size_t cnt = l->n - n0, i, j, k, r, top, len, cap;
	size_t *parent, *first, *last, *next, *stack;
	bool *drop, any = false;
	char b[DIAG_ESCAPE_SIZE], kb[32], *s;
	const char *key;

	if (cnt < 2)
		return 0;
	parent = arena_array(a, cnt, sizeof(*parent));
	first = arena_array(a, cnt, sizeof(*first));
	last = arena_array(a, cnt, sizeof(*last));
	next = arena_array(a, cnt, sizeof(*next));
	stack = arena_array(a, cnt + 1, sizeof(*stack));
	drop = arena_array(a, cnt, sizeof(*drop));
	if (parent == NULL || first == NULL || last == NULL ||
	    next == NULL || stack == NULL || drop == NULL)
		return -1;
	hmap_init(&notes, a);
	/* The folded values nothing else reads, to their notes. */
	for (i = 0; i < cnt; i++) {
		const struct ir_node *n = l->v[n0 + i].subject;
		bool unread = true;

		parent[i] = first[i] = last[i] = next[i] = NONE;
		if (l->v[n0 + i].id != DIAG_F_FOLDED || n == NULL ||
		    !n->dead || n->noutputs == 0)
			continue;
		/* every part of a folded Split */
		for (k = 0; k < n->noutputs; k++)
			if (n->outputs[k] != NULL && (n->outputs[k]->nuses >
			    0 || n->outputs[k]->noutputs > 0))
				unread = false;
		for (k = 0; unread && k < n->noutputs; k++) {
			if (n->outputs[k] == NULL)
				continue;
			key = arena_strdup(a, ptr_key(kb, sizeof(kb),
			    n->outputs[k]));
			if (key == NULL || hmap_put(&notes, key,
			    (void *)(uintptr_t)(i + 1), NULL) < 0)
				return -1;
		}
	}
	/* Each joins the first later folded node that read it. */
	for (j = 0; j < cnt; j++) {
		const struct ir_node *u = l->v[n0 + j].subject;

		if (l->v[n0 + j].id != DIAG_F_FOLDED || u == NULL)
			continue;
		for (k = 0; k < u->ninputs; k++) {
			void *p;

			if (u->inputs[k] == NULL || (p = hmap_get(&notes,
			    ptr_key(kb, sizeof(kb), u->inputs[k]))) == NULL)
				continue;
			i = (size_t)(uintptr_t)p - 1;
			if (i >= j || parent[i] != NONE)
				continue;
			parent[i] = j;
			drop[i] = true;
			any = true;
		}
	}
	if (!any)
		return 0;
	/* Children in note order. */
	for (i = 0; i < cnt; i++) {
		if ((j = parent[i]) == NONE)
			continue;
		if (first[j] == NONE)
			first[j] = i;
		else
			next[last[j]] = i;
		last[j] = i;
	}
	for (r = 0; r < cnt; r++) {
		if (parent[r] != NONE || first[r] == NONE)
			continue;
		s = NULL;
		len = cap = 0;
		top = 0;
		stack[top++] = first[r];
		while (top > 0) {
			i = stack[--top];
			if (buf_add(a, &s, &len, &cap, len ? ", '" :
			    "; with '") < 0 || buf_add(a, &s, &len, &cap,
			    diag_escape_str(b, sizeof(b),
			    fold_name(l->v[n0 + i].subject))) < 0 ||
			    buf_add(a, &s, &len, &cap, "'") < 0)
				return -1;
			if (next[i] != NONE)
				stack[top++] = next[i];
			if (first[i] != NONE)
				stack[top++] = first[i];
		}
		if (pass_amend_note(ctx, n0 + r, "%s", s) < 0)
			return -1;
	}
	pass_drop_notes(ctx, n0, drop);
	return 0;
}

#undef NONE

/* The scratch memory of one node's fold, emptied after each node: its
 * largest block, up to this size, is kept for the next node, so that
 * folds of large masks (a Swin block's Equal, Not and Where of 150,000
 * elements each) do not each fault in fresh pages. */
#define TMP_KEEP (32u << 20)

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct fold_state st;
	size_t ng, i, j, n0 = ctx->d->n;
	int64_t opset = ir_model_opset(ctx->m, "");
	bool again = true;
	int rc = 0;

	/* Below IR version 4 every initializer must be a graph input, and
	 * one that is can be overridden: a folded value has no place. */
	if (opset < 1 || (ctx->m->has_ir_version && ctx->m->ir_version < 4))
		return 0;
	arena_init(&st.tmp, ctx->m->budget);
	hmap_init(&st.warned, &ctx->scratch);
	st.work.left = ctx->fold_work < FOLD_RUN_WORK ?
	    FOLD_RUN_WORK - ctx->fold_work : 0;
	st.work.over = false;
	while (again && rc == 0) {
		again = false;
		ng = ir_model_graphs(ctx->m, &graphs);
		for (i = 0; i < ng && rc == 0; i++) {
			struct ir_graph *g = graphs[i];
			const struct ir_graph *top = g;
			bool changed = false;

			while (top->parent != NULL)
				top = top->parent;
			if (top->kind == IR_GRAPH_FUNCTION)
				continue;
			/* The initializer list has no spare room yet. */
			st.cap = g->ninits;
			for (j = 0; j < g->nnodes; j++) {
				if (g->nodes[j]->dead)
					continue;
				rc = fold_node(ctx, &st, g->nodes[j], opset);
				arena_reset(&st.tmp, TMP_KEEP);
				if (rc < 0)
					break;
				if (rc > 0)
					changed = true;
				rc = 0;
			}
			if (changed) {
				ir_graph_compact(g);
				ctx->changed = true;
				again = true;
			}
		}
	}
	arena_release(&st.tmp);
	ctx->fold_work = FOLD_RUN_WORK - st.work.left;
	if (rc < 0 || merge_chains(ctx, n0) < 0)
		return -1;
	/* Initializers are typed by their data; refresh what follows. */
	if (ctx->changed && shapes_infer(ctx->m) < 0)
		return -1;
	return 0;
}

const struct pass pass_fold = {
	"fold", PASS_REWRITE,
	"fold constant subexpressions into initializers",
	run, NULL,
};
