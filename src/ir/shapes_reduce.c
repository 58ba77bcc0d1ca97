/* SPDX-License-Identifier: MIT */
/*
 * Shape rules for operators that reduce or contract axes: Reduce*,
 * ArgMax and ArgMin, TopK, MatMul (MatMulInteger, QLinearMatMul), Gemm,
 * Einsum and Det.
 */
#include <inttypes.h>
#include <string.h>

#include "ir/shapes_int.h"

int
shapes_op_reduce(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int from = strcmp(n->op_type, "ReduceSum") == 0 ? 13 : 18;
	bool keep = ir_attr_int(n, "keepdims", 1) != 0;
	bool given, red[SH_MAX_RANK];
	const int64_t *axes;
	size_t na, k;
	int i, r = 0;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, -1) < 0)
		return -1;
	if (x->rank < 0 || !shapes_axes_of(s, n, from, 1, &axes, &na, &given))
		return 0;
	if (given && na == 0 && ir_node_opset(n) >= from &&
	    ir_attr_int(n, "noop_with_empty_axes", 0) != 0) {
		shapes_same_as(&out[0], n, 0);
		return 0;
	}
	if (!given && ir_node_opset(n) >= from &&
	    ir_attr_int(n, "noop_with_empty_axes", 0) != 0) {
		shapes_same_as(&out[0], n, 0);
		return 0;
	}
	memset(red, 0, sizeof(red));
	for (k = 0; k < na; k++) {
		int a = norm_axis(axes[k], x->rank);

		if (a < 0)
			return 0;
		red[a] = true;
	}
	if (na == 0)
		for (i = 0; i < x->rank; i++)
			red[i] = true;
	for (i = 0; i < x->rank; i++)
		r += keep || !red[i];
	if (shapes_mk(s, &out[0], x->elem, r) < 0)
		return -1;
	for (i = 0, r = 0; i < x->rank; i++) {
		if (!red[i])
			out[0].dims[r++] = x->dims[i];
		else if (keep)
			out[0].dims[r++] = dval(1);
	}
	return 0;
}

int
shapes_op_argmax(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	bool keep = ir_attr_int(n, "keepdims", 1) != 0;
	int axis, i, r = 0;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], IR_ELEM_INT64, -1) < 0)
		return -1;
	if (x->rank < 0 ||
	    (axis = norm_axis(ir_attr_int(n, "axis", 0), x->rank)) < 0)
		return 0;
	if (shapes_mk(s, &out[0], IR_ELEM_INT64, keep ? x->rank :
	    x->rank - 1) < 0)
		return -1;
	for (i = 0; i < x->rank; i++) {
		if (i != axis)
			out[0].dims[r++] = x->dims[i];
		else if (keep)
			out[0].dims[r++] = dval(1);
	}
	return 0;
}

int
shapes_op_topk(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);
	int axis;
	int64_t k;
	bool have;

	if (x == NULL)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
		return -1;
	if (x->rank < 0 ||
	    (axis = norm_axis(ir_attr_int(n, "axis", -1), x->rank)) < 0)
		goto indices;
	dcopy(out[0].dims, x->dims, x->rank);
	if (ir_node_opset(n) < 10) {
		k = ir_attr_int(n, "k", -1);
		have = k >= 0;
	} else {
		have = shapes_cint(s, in_v(n, 1), 0, &k);
	}
	/* as onnx's checker: nothing beyond the rank without k */
	if (!have && s->consts_only) {
		if (shapes_mk(s, &out[0], x->elem, x->rank) < 0)
			return -1;
	} else {
		out[0].dims[axis] = have ? dval(k) : dunknown();
	}
indices:
	if (n->noutputs > 1) {
		out[1] = out[0];
		out[1].elem = IR_ELEM_INT64;
	}
	return 0;
}

static void
inner_mismatch(struct sh *s, struct ir_node *n, const struct ir_dim *a,
    const struct ir_dim *b)
{
	if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE &&
	    a->value != b->value)
		shapes_report(s, SHAPES_MATMUL, n, "inner dims %" PRId64
		    " and %" PRId64, a->value, b->value);
}

int
shapes_op_matmul(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	bool q = strcmp(n->op_type, "QLinearMatMul") == 0;
	const struct ir_type *a = in_t(n, 0), *b = in_t(n, q ? 3 : 1);
	int32_t elem = in_elem(n, 0);
	struct ir_dim one = dval(1), *ad, *bd;
	int ra, rb, r, i;

	if (strcmp(n->op_type, "MatMulInteger") == 0)
		elem = IR_ELEM_INT32;
	if (q && in_v(n, 7) != NULL)
		elem = in_elem(n, 7);
	if (a == NULL || b == NULL || a->rank < 1 || b->rank < 1)
		return shapes_mk(s, &out[0], elem, -1);
	/* 1-D operands: A gets a leading 1, B a trailing 1, both dropped */
	ra = a->rank < 2 ? 2 : a->rank;
	rb = b->rank < 2 ? 2 : b->rank;
	ad = arena_array(&s->tmp, (size_t)ra, sizeof(*ad));
	bd = arena_array(&s->tmp, (size_t)rb, sizeof(*bd));
	if (ad == NULL || bd == NULL)
		return -1;
	if (a->rank == 1) {
		ad[0] = one;
		ad[1] = a->dims[0];
	} else {
		dcopy(ad, a->dims, ra);
	}
	if (b->rank == 1) {
		bd[0] = b->dims[0];
		bd[1] = one;
	} else {
		dcopy(bd, b->dims, rb);
	}
	if (ad[ra - 1].kind == IR_DIM_VALUE && bd[rb - 2].kind ==
	    IR_DIM_VALUE && ad[ra - 1].value != bd[rb - 2].value) {
		inner_mismatch(s, n, &ad[ra - 1], &bd[rb - 2]);
		return shapes_mk(s, &out[0], elem, -1);
	}
	r = (ra > rb ? ra : rb);
	if (shapes_mk(s, &out[0], elem, r) < 0)
		return -1;
	for (i = 0; i < r - 2; i++) {
		int ia = i - (r - ra), ib = i - (r - rb);
		struct ir_dim x = ia >= 0 ? ad[ia] : one;
		struct ir_dim y = ib >= 0 ? bd[ib] : one;

		if (shapes_bcast_dim(&x, &y, &out[0].dims[i])) {
			shapes_report(s, SHAPES_BROADCAST, n,
			    "batch dim %d is %" PRId64 " and %" PRId64, i,
			    x.value, y.value);
			return shapes_mk(s, &out[0], elem, -1);
		}
	}
	out[0].dims[r - 2] = ad[ra - 2];
	out[0].dims[r - 1] = bd[rb - 1];
	if (a->rank == 1 && b->rank == 1)
		return shapes_mk(s, &out[0], elem, 0);
	if (a->rank == 1 || b->rank == 1) {
		if (a->rank == 1)
			memmove(&out[0].dims[r - 2], &out[0].dims[r - 1],
			    sizeof(*ad));
		out[0].rank = r - 1;
	}
	return 0;
}

int
shapes_op_gemm(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *a = in_t(n, 0), *b = in_t(n, 1);
	bool ta = ir_attr_int(n, "transA", 0) != 0;
	bool tb = ir_attr_int(n, "transB", 0) != 0;

	if (shapes_mk(s, &out[0], in_elem(n, 0), 2) < 0)
		return -1;
	if (a != NULL && a->rank == 2)
		out[0].dims[0] = a->dims[ta ? 1 : 0];
	if (b != NULL && b->rank == 2)
		out[0].dims[1] = b->dims[tb ? 0 : 1];
	if (a != NULL && a->rank == 2 && b != NULL && b->rank == 2) {
		const struct ir_dim *k1 = &a->dims[ta ? 0 : 1];
		const struct ir_dim *k2 = &b->dims[tb ? 1 : 0];

		/* (onnx's checker does not compare them) */
		if (k1->kind == IR_DIM_VALUE && k2->kind == IR_DIM_VALUE &&
		    k1->value != k2->value && !s->consts_only) {
			inner_mismatch(s, n, k1, k2);
			return shapes_mk(s, &out[0], in_elem(n, 0), -1);
		}
	}
	return 0;
}

/* One operand of an Einsum equation: its letters (ELL where "..."
 * stands) and how many. */
struct eterm {
	char l[SH_MAX_RANK + 1];
	int n;
	int ell;		/* position of "..." in l, -1 when none */
};

#define ELL	'.'

/* Parse the term at [P, END) into T; false when it is not one (a letter
 * outside ASCII, two ellipses, too many letters). */
static bool
eterm_parse(const char *p, const char *end, struct eterm *t)
{
	t->n = 0;
	t->ell = -1;
	for (; p < end; p++) {
		if (*p == ' ')
			continue;
		if (t->n == SH_MAX_RANK)
			return false;
		if (*p == '.') {
			if (t->ell >= 0 || end - p < 3 || p[1] != '.' ||
			    p[2] != '.')
				return false;
			t->ell = t->n;
			t->l[t->n++] = ELL;
			p += 2;
			continue;
		}
		if ((unsigned char)*p >= 128 || *p == ',' || *p == '-' ||
		    *p == '>')
			return false;
		t->l[t->n++] = *p;
	}
	return true;
}

/* Broadcast A and B of the ellipsis: a concrete size other than 1
 * wins; two different ones give unknown. */
static struct ir_dim
ell_dim(struct ir_dim a, struct ir_dim b)
{
	if (isval(&a, 1))
		return b;
	if (isval(&b, 1) || shapes_dim_same(&a, &b))
		return a;
	if (a.kind == IR_DIM_VALUE && b.kind != IR_DIM_VALUE)
		return a;
	if (b.kind == IR_DIM_VALUE && a.kind != IR_DIM_VALUE)
		return b;
	return dunknown();
}

/*
 * Einsum: the output's letters (given after "->", or in implicit mode
 * the letters that appear once, in ASCII order, after the ellipsis)
 * take the sizes the operands give them; "..." stands for the
 * broadcast of the operands' remaining leading dims.  The element type
 * is the operands' in any case.
 */
int
shapes_op_einsum(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_attr *a = ir_node_attr(n, "equation");
	struct ir_dim letter[128], ell[SH_MAX_RANK];
	struct eterm t, o;
	int count[128], nell = 0, i, d;
	bool seen[128], any_ell = false;
	const char *p, *end, *arrow, *q;
	size_t k = 0;

	if (shapes_mk(s, &out[0], in_elem(n, 0), -1) < 0)
		return -1;
	/* a STRING attribute without its s field holds "" */
	if (a == NULL || a->type != IR_ATTR_STRING || a->s == NULL)
		return 0;
	p = (const char *)a->s;
	end = p + a->slen;
	arrow = NULL;
	for (q = p; q + 1 < end; q++)
		if (q[0] == '-' && q[1] == '>') {
			arrow = q;
			break;
		}
	memset(seen, 0, sizeof(seen));
	memset(count, 0, sizeof(count));
	for (i = 0; i < SH_MAX_RANK; i++)
		ell[i] = dval(1);
	/* the operands, comma-separated before the arrow */
	for (q = p; ; k++) {
		const char *stop = arrow != NULL ? arrow : end;
		const char *c = memchr(q, ',', (size_t)(stop - q));
		const struct ir_type *x = in_t(n, k);
		int e;

		if (c == NULL)
			c = stop;
		if (k >= n->ninputs || !eterm_parse(q, c, &t))
			return 0;
		if (x == NULL || x->rank < 0) {
			for (i = 0; i < t.n; i++)
				if (t.l[i] != ELL) {
					if (!seen[(int)t.l[i]])
						letter[(int)t.l[i]] = dunknown();
					seen[(int)t.l[i]] = true;
					count[(int)t.l[i]]++;
				}
			if (t.ell >= 0)
				nell = -1;	/* its length is unknown */
		} else {
			/* dims per letter; "..." takes what is left */
			e = x->rank - (t.n - (t.ell >= 0));
			if (e < 0 || (t.ell < 0 && e != 0))
				return 0;
			for (i = 0, d = 0; i < t.n; i++) {
				if (t.l[i] == ELL) {
					int j;

					any_ell = true;
					if (nell >= 0 && e > nell)
						nell = e;
					for (j = 0; j < e; j++)
						ell[SH_MAX_RANK - e + j] =
						    ell_dim(ell[SH_MAX_RANK -
						    e + j], x->dims[d + j]);
					d += e;
					continue;
				}
				if (!seen[(int)t.l[i]] ||
				    letter[(int)t.l[i]].kind != IR_DIM_VALUE)
					letter[(int)t.l[i]] = x->dims[d];
				seen[(int)t.l[i]] = true;
				count[(int)t.l[i]]++;
				d++;
			}
		}
		if (c == stop)
			break;
		q = c + 1;
	}
	if (k + 1 != n->ninputs)
		return 0;
	/* the output's letters */
	if (arrow != NULL) {
		if (!eterm_parse(arrow + 2, end, &o))
			return 0;
	} else {
		o.n = 0;
		o.ell = -1;
		if (any_ell || nell < 0) {
			o.ell = 0;
			o.l[o.n++] = ELL;
		}
		for (i = 0; i < 128; i++)
			if (count[i] == 1 && o.n < SH_MAX_RANK)
				o.l[o.n++] = (char)i;
	}
	if (o.ell >= 0 && nell < 0)
		return 0;	/* the ellipsis' length is unknown */
	d = o.n - (o.ell >= 0) + (o.ell >= 0 ? nell : 0);
	if (shapes_mk(s, &out[0], in_elem(n, 0), d) < 0)
		return -1;
	/* more than SH_MAX_RANK dims; or as onnx's checker, the rank only */
	if (out[0].rank < 0 || s->consts_only)
		return 0;
	for (i = 0, d = 0; i < o.n; i++) {
		if (o.l[i] == ELL) {
			int j;

			for (j = 0; j < nell; j++)
				out[0].dims[d++] = ell[SH_MAX_RANK - nell + j];
			continue;
		}
		if (!seen[(int)o.l[i]])
			return shapes_mk(s, &out[0], in_elem(n, 0), -1);
		out[0].dims[d++] = letter[(int)o.l[i]];
	}
	return 0;
}

int
shapes_op_det(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	const struct ir_type *x = in_t(n, 0);

	if (x == NULL || x->rank < 2)
		return 0;
	if (shapes_mk(s, &out[0], x->elem, x->rank - 2) < 0)
		return -1;
	dcopy(out[0].dims, x->dims, x->rank - 2);
	return 0;
}
