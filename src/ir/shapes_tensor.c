/* SPDX-License-Identifier: MIT */
/*
 * Shape rules for operators that move or regroup elements: Transpose,
 * Reshape, Flatten, Squeeze, Unsqueeze, Concat, Split, Slice, Expand,
 * Tile and Pad.  Reshape resolves its target from a propagated constant,
 * symbolic elements included; Concat, Slice, Squeeze and Unsqueeze
 * carry constants through.
 */
#include <inttypes.h>
#include <string.h>

#include "diag/diag.h"
#include "ir/shapes_int.h"

int
shapes_op_transpose(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	size_t np;
	const int64_t *perm = ir_attr_ints(n, "perm", &np);
	bool seen[SH_MAX_RANK];
	int i;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (perm == NULL) {
		for (i = 0; i < x->rank; i++)
			out[0].dims[i] = x->dims[x->rank - 1 - i];
		return 0;
	}
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < x->rank && (size_t)i < np; i++)
		if (perm[i] >= 0 && perm[i] < x->rank)
			seen[perm[i]] = true;
	for (i = 0; i < x->rank; i++)
		if (!seen[i])
			break;
	if (np != (size_t)x->rank || i < x->rank) {
		shapes_report(s, SHAPES_PERM, n,
		    "perm has %zu entries for rank %d%s", np, x->rank,
		    np == (size_t)x->rank ? " but is not a permutation" : "");
		return shapes_mk(s, &out[0], x->elem, -1);
	}
	for (i = 0; i < x->rank; i++)
		out[0].dims[i] = x->dims[perm[i]];
	return 0;
}

/*
 * Reshape target dims from the constant C (elements may be symbolic):
 * 0 copies (unless ALLOWZERO), -1 takes what is left.
 */
static int
reshape_dims(struct sh *s, struct ir_node *n, const struct ir_type *x,
    const struct ir_dim *e, size_t ne, bool allowzero, struct ir_type *o)
{
	const char *pin[SH_MAX_RANK], *pout[SH_MAX_RANK];
	int npin = 0, npout = 0, neg = -1, i, j;
	int64_t vin = 1, vout = 1;
	bool unknown = false, zero_in = false;

	if (shapes_mk(s, o, x ? x->elem : in_elem(n, 0), rank_n(ne)) < 0)
		return -1;
	if (o->rank < 0)
		return 0;
	for (i = 0; i < (int)ne; i++) {
		const struct ir_dim *d = &e[i];

		if (d->kind == IR_DIM_VALUE && d->value == 0 && !allowzero) {
			if (x != NULL && x->rank > i)
				o->dims[i] = x->dims[i];
		} else if (d->kind == IR_DIM_VALUE && d->value == -1) {
			if (neg >= 0)
				return 0;	/* malformed */
			neg = i;
		} else if (d->kind == IR_DIM_VALUE && d->value < -1) {
			return shapes_mk(s, o, o->elem, o->rank);
		} else {
			o->dims[i] = *d;
		}
	}
	if (x == NULL || x->rank < 0 || x->rank > SH_MAX_RANK)
		return 0;
	/* Both sides as a value times a multiset of params. */
	for (i = 0; i < x->rank; i++) {
		const struct ir_dim *d = &x->dims[i];

		if (d->kind == IR_DIM_VALUE) {
			/* sizes are not negative: VIN and VOUT stay
			 * positive, so vin % vout below is defined */
			if (d->value < 0)
				return 0;
			if (d->value == 0)
				zero_in = true;
			else if (__builtin_mul_overflow(vin, d->value, &vin))
				return 0;
		} else if (d->kind == IR_DIM_PARAM) {
			pin[npin++] = d->param;
		} else {
			unknown = true;
		}
	}
	for (i = 0; i < (int)ne; i++) {
		const struct ir_dim *d = &o->dims[i];

		if (i == neg)
			continue;
		if (d->kind == IR_DIM_VALUE) {
			if (d->value <= 0)
				return 0;
			if (__builtin_mul_overflow(vout, d->value, &vout))
				return 0;
		} else if (d->kind == IR_DIM_PARAM) {
			pout[npout++] = d->param;
		} else {
			unknown = true;
		}
	}
	if (unknown || zero_in)
		return 0;
	/* cancel equal params */
	for (i = 0; i < npout; i++) {
		for (j = 0; j < npin; j++)
			if (pin[j] != NULL && strcmp(pin[j], pout[i]) == 0)
				break;
		if (j == npin)
			return 0;
		pin[j] = NULL;
	}
	for (j = 0; j < npin; j++)
		if (pin[j] != NULL)
			break;
	if (neg < 0) {
		if (j == npin && vin != vout) {
			char t[256];

			shapes_report(s, SHAPES_RESHAPE, n,
			    "input %s has %" PRId64
			    " elements, shape asks for %" PRId64,
			    shapes_type_str(x, t, sizeof(t)), vin, vout);
			return shapes_mk(s, o, o->elem, -1);
		}
		return 0;
	}
	if (j == npin) {
		if (vin % vout != 0) {
			char t[256];

			shapes_report(s, SHAPES_RESHAPE, n,
			    "input %s has %" PRId64
			    " elements, not a multiple of %" PRId64,
			    shapes_type_str(x, t, sizeof(t)), vin, vout);
			return shapes_mk(s, o, o->elem, -1);
		}
		o->dims[neg] = dval(vin / vout);
		return 0;
	}
	/* exactly one param left and nothing else: -1 is that param */
	for (i = j + 1; i < npin; i++)
		if (pin[i] != NULL)
			return 0;
	if (vin == vout) {
		o->dims[neg].kind = IR_DIM_PARAM;
		o->dims[neg].param = pin[j];
	}
	return 0;
}

int
shapes_op_reshape(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0), *st;
	const struct sconst *c;
	bool allowzero = ir_attr_int(n, "allowzero", 0) != 0;

	if (ir_node_opset(n) < 5) {
		size_t ns, i;
		const int64_t *shape = ir_attr_ints(n, "shape", &ns);
		struct ir_dim *e;

		if (shape == NULL)
			return 0;
		if ((e = arena_array(&s->tmp, ns + 1, sizeof(*e))) == NULL)
			return -1;
		for (i = 0; i < ns; i++)
			e[i] = dval(shape[i]);
		return reshape_dims(s, n, x, e, ns, false, &out[0]);
	}
	c = shapes_cget(s, in_v(n, 1));
	if (c != NULL && c->rank == 1)
		return reshape_dims(s, n, x, c->e, c->n, allowzero, &out[0]);
	st = in_t(n, 1);
	if (st != NULL && st->rank == 1 && st->dims[0].kind == IR_DIM_VALUE)
		return shapes_mk(s, &out[0], x ? x->elem : 0,
		    rank_v(st->dims[0].value));
	return shapes_mk(s, &out[0], x ? x->elem : 0, -1);
}

int
shapes_op_flatten(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int64_t axis = ir_attr_int(n, "axis", 1);

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, 2) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (axis < 0)
		axis += x->rank;
	if (axis < 0 || axis > x->rank)
		return 0;
	out[0].dims[0] = shapes_dim_prod(x, 0, (int)axis);
	out[0].dims[1] = shapes_dim_prod(x, (int)axis, x->rank);
	return 0;
}

static int
const_concat(struct sh *s, struct ir_node *n)
{
	size_t total = 0, i, j, k = 0;
	struct sconst *c;

	for (i = 0; i < n->ninputs; i++) {
		const struct sconst *a = shapes_cget(s, in_v(n, i));

		if (a == NULL || a->rank != 1)
			return 0;
		total += a->n;
	}
	if (total > SH_MAX_CONST || (c = shapes_const_new(s, 1, total)) == NULL)
		return total > SH_MAX_CONST ? 0 : -1;
	for (i = 0; i < n->ninputs; i++) {
		const struct sconst *a = shapes_cget(s, in_v(n, i));

		for (j = 0; j < a->n; j++)
			c->e[k++] = a->e[j];
	}
	return shapes_cput(s, n->outputs[0], c);
}

int
shapes_op_concat(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *aa = ir_node_attr(n, "axis");
	int rank = -1, axis, i;
	int64_t sum = 0;
	bool sum_known = true;
	size_t k;

	for (k = 0; k < n->ninputs; k++) {
		const struct ir_type *t = in_t(n, k);

		if (t != NULL && t->rank >= 0) {
			rank = t->rank;
			break;
		}
	}
	if (shapes_mk(s, &out[0], in_elem(n, 0), rank) < 0)
		return -1;
	if (const_concat(s, n) < 0)
		return -1;
	if (rank < 0 || aa == NULL || aa->type != IR_ATTR_INT ||
	    (axis = norm_axis(aa->i, rank)) < 0)
		return 0;
	for (k = 0; k < n->ninputs; k++) {
		const struct ir_type *t = in_t(n, k);

		if (t == NULL || t->rank < 0) {
			sum_known = false;
			continue;
		}
		if (t->rank != rank)
			return shapes_mk(s, &out[0], out[0].elem, -1);
		for (i = 0; i < rank; i++) {
			const struct ir_dim *d = &t->dims[i];
			struct ir_dim *o = &out[0].dims[i];

			if (i == axis) {
				if (d->kind != IR_DIM_VALUE ||
				    __builtin_add_overflow(sum, d->value,
				    &sum))
					sum_known = false;
				continue;
			}
			if (o->kind == IR_DIM_VALUE &&
			    d->kind == IR_DIM_VALUE && o->value != d->value) {
				char e1[DIAG_ESCAPE_SIZE];

				shapes_report(s, SHAPES_CONCAT, n,
				    "input %zu '%s' dim %d is %" PRId64
				    ", an earlier input has %" PRId64, k,
				    shapes_esc_name(e1, n->inputs[k]), i,
				    d->value, o->value);
				return shapes_mk(s, &out[0], out[0].elem, -1);
			}
			if (o->kind == IR_DIM_UNKNOWN ||
			    (o->kind == IR_DIM_PARAM &&
			    d->kind == IR_DIM_VALUE))
				*o = *d;
		}
	}
	if (sum_known)
		out[0].dims[axis] = dval(sum);
	return 0;
}

int
shapes_op_split(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *split = NULL;
	size_t nsplit = 0, k;
	int axis;
	int64_t d;

	if (x == NULL)
		return 0;
	for (k = 0; k < n->noutputs; k++) {
		if (shapes_mk(s, &out[k], x->elem, x->rank) < 0)
			return -1;
		if (x->rank > 0)
			dcopy(out[k].dims, x->dims, x->rank);
	}
	if (x->rank < 0 ||
	    (axis = norm_axis(ir_attr_int(n, "axis", 0), x->rank)) < 0)
		return 0;
	for (k = 0; k < n->noutputs; k++)
		out[k].dims[axis] = dunknown();
	if (ir_node_opset(n) < 13) {
		split = ir_attr_ints(n, "split", &nsplit);
		if (split == NULL && n->ninputs > 1 &&
		    !shapes_cints(s, in_v(n, 1), &split, &nsplit))
			return 0;
	} else if (in_v(n, 1) != NULL &&
	    !shapes_cints(s, in_v(n, 1), &split, &nsplit)) {
		return 0;
	}
	if (split != NULL) {
		if (nsplit != n->noutputs)
			return 0;
		for (k = 0; k < n->noutputs; k++)
			out[k].dims[axis] = dval(split[k]);
		return 0;
	}
	if (x->dims[axis].kind != IR_DIM_VALUE || n->noutputs == 0 ||
	    big(x->dims[axis].value))
		return 0;
	d = x->dims[axis].value;
	if (ir_node_opset(n) >= 18 && ir_node_attr(n, "num_outputs")) {
		int64_t no = ir_attr_int(n, "num_outputs", 0), each;

		if (no != (int64_t)n->noutputs || no < 1)
			return 0;
		each = (d + no - 1) / no;
		for (k = 0; k < n->noutputs; k++) {
			int64_t left = d - (int64_t)k * each;

			out[k].dims[axis] = dval(left < each ? left : each);
		}
		return 0;
	}
	if (d % (int64_t)n->noutputs != 0)
		return 0;
	for (k = 0; k < n->noutputs; k++)
		out[k].dims[axis] = dval(d / (int64_t)n->noutputs);
	return 0;
}

/*
 * Length of a slice of a dim of size D (STEP neither 0 nor INT64_MIN);
 * -1 when D is negative.  START and END may be anything: once D is added
 * to a negative one and both are clamped to [-1, D], no difference below
 * overflows.
 */
static int64_t
slice_len(int64_t d, int64_t start, int64_t end, int64_t step)
{
	if (d < 0)
		return -1;
	/* an empty dim: [0, D - 1] is no range to clamp a start to */
	if (d == 0)
		return 0;
	if (start < 0)
		start += d;
	if (end < 0)
		end += d;
	if (step > 0) {
		start = clamp64(start, 0, d);
		end = clamp64(end, 0, d);
		if (end <= start)
			return 0;
		return (end - start - 1) / step + 1;
	}
	start = clamp64(start, 0, d - 1);
	end = clamp64(end, -1, d - 1);
	if (start <= end)
		return 0;
	return (start - end - 1) / (-step) + 1;
}

int
shapes_op_slice(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *st = NULL, *en = NULL, *ax = NULL, *sp = NULL;
	size_t nst = 0, nen = 0, nax = 0, nsp = 0, k;
	const struct sconst *cx;
	bool have;
	int i;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (ir_node_opset(n) < 10) {
		st = ir_attr_ints(n, "starts", &nst);
		en = ir_attr_ints(n, "ends", &nen);
		ax = ir_attr_ints(n, "axes", &nax);
		have = st != NULL && en != NULL;
	} else {
		have = shapes_cints(s, in_v(n, 1), &st, &nst) &&
		    shapes_cints(s, in_v(n, 2), &en, &nen) &&
		    (in_v(n, 3) == NULL ||
		    shapes_cints(s, in_v(n, 3), &ax, &nax)) &&
		    (in_v(n, 4) == NULL ||
		    shapes_cints(s, in_v(n, 4), &sp, &nsp));
	}
	if (!have) {
		/* with known axes, the other dims pass through */
		if (ir_node_opset(n) >= 10 && in_v(n, 3) != NULL &&
		    shapes_cints(s, in_v(n, 3), &ax, &nax)) {
			dcopy(out[0].dims, x->dims, x->rank);
			for (k = 0; k < nax; k++) {
				int a = norm_axis(ax[k], x->rank);

				if (a < 0)
					return shapes_mk(s, &out[0], x->elem,
					    x->rank);
				out[0].dims[a] = dunknown();
			}
		}
		return 0;
	}
	if (nst != nen || (ax != NULL && nax != nst) ||
	    (sp != NULL && nsp != nst))
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	for (k = 0; k < nst; k++) {
		int a = norm_axis(ax ? ax[k] : (int64_t)k, x->rank);
		int64_t step = sp ? sp[k] : 1;
		const struct ir_dim *d;

		if (a < 0 || step == 0 || step == INT64_MIN)
			return shapes_mk(s, &out[0], x->elem, x->rank);
		d = &x->dims[a];
		if (d->kind == IR_DIM_VALUE && slice_len(d->value, st[k],
		    en[k], step) >= 0)
			out[0].dims[a] = dval(slice_len(d->value, st[k],
			    en[k], step));
		else if (!(st[k] == 0 && step == 1 && en[k] >= INT32_MAX))
			out[0].dims[a] = dunknown();
	}
	/*
	 * A slice of a constant vector.  Its length is the constant's own
	 * (the elements present), never the declared dim: when the two
	 * differ (an ir_version 3 input declared longer than its
	 * initializer), neither is to be believed.
	 */
	cx = shapes_cget(s, in_v(n, 0));
	if (cx != NULL && cx->rank == 1 && x->rank == 1 && nst == 1 &&
	    isval(&x->dims[0], (int64_t)cx->n)) {
		int64_t step = sp ? sp[0] : 1, start = st[0], len, d, j;
		struct sconst *c;

		d = (int64_t)cx->n;
		len = slice_len(d, start, en[0], step);
		if (len < 0 || !isval(&out[0].dims[0], len))
			return 0;
		if (start < 0)
			start += d;
		start = step > 0 ? clamp64(start, 0, d) :
		    clamp64(start, 0, d - 1);
		if ((c = shapes_const_new(s, 1, (size_t)len)) == NULL)
			return -1;
		for (i = 0; i < len; i++) {
			/* within [0, d) by the length's construction;
			 * checked all the same rather than trusted */
			j = start + i * step;
			if (j < 0 || j >= d)
				return 0;
			c->e[i] = cx->e[j];
		}
		return shapes_cput(s, n->outputs[0], c);
	}
	return 0;
}

int
shapes_op_squeeze(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *axes;
	size_t na, k;
	bool given, drop[SH_MAX_RANK];
	int i, r = 0;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || !shapes_axes_of(s, n, 13, 1, &axes, &na, &given))
		return 0;
	memset(drop, 0, sizeof(drop));
	if (!given) {
		for (i = 0; i < x->rank; i++) {
			if (x->dims[i].kind != IR_DIM_VALUE)
				return 0;
			drop[i] = x->dims[i].value == 1;
		}
	}
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);

		if (a < 0)
			return 0;
		drop[a] = true;
	}
	for (i = 0; i < x->rank; i++)
		r += !drop[i];
	if (shapes_mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0, r = 0; i < x->rank; i++)
		if (!drop[i])
			out[0].dims[r++] = x->dims[i];
	/* a scalar from a one-element constant */
	if (r == 0) {
		const struct sconst *c = shapes_cget(s, in_v(n, 0));

		if (c != NULL && c->n == 1) {
			struct sconst *d = shapes_const_new(s, 0, 1);

			if (d == NULL)
				return -1;
			d->e[0] = c->e[0];
			return shapes_cput(s, n->outputs[0], d);
		}
	}
	return 0;
}

int
shapes_op_unsqueeze(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *axes;
	size_t na, k;
	bool given, ins[SH_MAX_RANK];
	int i, j, r;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || !shapes_axes_of(s, n, 13, 1, &axes, &na, &given) ||
	    !given)
		return 0;
	if (na > SH_MAX_RANK || (r = x->rank + (int)na) > SH_MAX_RANK)
		return 0;
	memset(ins, 0, sizeof(ins));
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], r);

		if (a < 0 || ins[a])
			return 0;
		ins[a] = true;
	}
	if (shapes_mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0, j = 0; i < r; i++)
		out[0].dims[i] = ins[i] ? dval(1) : x->dims[j++];
	if (r == 1) {
		const struct sconst *c = shapes_cget(s, in_v(n, 0));

		if (c != NULL && c->n == 1) {
			struct sconst *d = shapes_const_new(s, 1, 1);

			if (d == NULL)
				return -1;
			d->e[0] = c->e[0];
			return shapes_cput(s, n->outputs[0], d);
		}
	}
	return 0;
}

int
shapes_op_expand(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	struct ir_type shape;
	int r, i;

	if (shapes_dims_from_const(s, n, 1, in_elem(n, 0), &shape) < 0)
		return -1;
	if (x == NULL || x->rank < 0 || shape.rank < 0)
		return shapes_mk(s, &out[0], in_elem(n, 0), -1);
	r = x->rank > shape.rank ? x->rank : shape.rank;
	if (shapes_mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0; i < r; i++) {
		int ix = i - (r - x->rank), is = i - (r - shape.rank);
		struct ir_dim a = ix >= 0 ? x->dims[ix] : dval(1);
		struct ir_dim b = is >= 0 ? shape.dims[is] : dval(1);

		if (shapes_bcast_dim(&a, &b, &out[0].dims[i])) {
			shapes_report(s, SHAPES_BROADCAST, n,
			    "dim %d is %" PRId64 ", shape asks for %" PRId64,
			    i, a.value, b.value);
			return shapes_mk(s, &out[0], x->elem, -1);
		}
		/* an unknown target may still be 1 */
		if (b.kind == IR_DIM_UNKNOWN && !isval(&a, 1))
			out[0].dims[i] = a.kind == IR_DIM_VALUE ? a :
			    dunknown();
	}
	return 0;
}

int
shapes_op_tile(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *rep;
	size_t nr;
	int i;

	if (x == NULL || ir_node_opset(n) < 6)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0 || !shapes_cints(s, in_v(n, 1), &rep, &nr) ||
	    nr != (size_t)x->rank)
		return 0;
	for (i = 0; i < x->rank; i++) {
		int64_t v;

		if (rep[i] == 1)
			out[0].dims[i] = x->dims[i];
		else if (x->dims[i].kind == IR_DIM_VALUE && rep[i] >= 0 &&
		    !__builtin_mul_overflow(x->dims[i].value, rep[i], &v))
			out[0].dims[i] = dval(v);
	}
	return 0;
}

int
shapes_op_pad(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	const int64_t *pads, *axes = NULL;
	size_t np, na = 0, k;
	int i;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0)
		return 0;
	if (ir_node_opset(n) < 11) {
		pads = ir_attr_ints(n, "pads", &np);
		if (pads == NULL)
			pads = ir_attr_ints(n, "paddings", &np);
		if (pads == NULL)
			return 0;
	} else if (!shapes_cints(s, in_v(n, 1), &pads, &np)) {
		return 0;
	}
	if (in_v(n, 3) != NULL && !shapes_cints(s, in_v(n, 3), &axes, &na))
		return 0;
	if (axes == NULL) {
		if (np != 2 * (size_t)x->rank)
			return 0;
		for (i = 0; i < x->rank; i++) {
			const struct ir_dim *d = &x->dims[i];

			if (pads[i] == 0 && pads[i + x->rank] == 0)
				out[0].dims[i] = *d;
			else if (d->kind == IR_DIM_VALUE && !big(d->value) &&
			    !big(pads[i]) && !big(pads[i + x->rank]))
				out[0].dims[i] = dval(d->value + pads[i] +
				    pads[i + x->rank]);
		}
		return 0;
	}
	if (np != 2 * na)
		return 0;
	dcopy(out[0].dims, x->dims, x->rank);
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);
		const struct ir_dim *d;

		if (a < 0)
			return shapes_mk(s, &out[0], x->elem, x->rank);
		d = &x->dims[a];
		if (pads[k] == 0 && pads[k + na] == 0)
			continue;
		out[0].dims[a] = d->kind == IR_DIM_VALUE && !big(d->value) &&
		    !big(pads[k]) && !big(pads[k + na]) ? dval(d->value +
		    pads[k] + pads[k + na]) : dunknown();
	}
	return 0;
}
