/* SPDX-License-Identifier: MIT */
/*
 * The plans of the transpose pass (passes/transpose.c): for each kind of
 * layout-agnostic node (perm_push_kind), what a Transpose pushed through
 * it changes: the axes, perm or shape attributes and inputs it remaps,
 * and the perm each output then needs.
 */
#include <stdlib.h>
#include <string.h>

#include "transpose.h"

static bool
norm_axis(int64_t a, int r, int *out)
{
	if (a < -r || a >= r)
		return false;
	*out = (int)(a < 0 ? a + r : a);
	return true;
}

/* Integer list from attribute NAME (attr_first) or input slot SLOT. */
static int
ints_from(const struct ir_node *n, bool from_attr, const char *name,
    size_t slot, int64_t *v, size_t *cnt, bool *present, int32_t *elem)
{
	*present = false;
	*elem = IR_ELEM_INT64;
	if (from_attr) {
		struct ir_attr *a = ir_node_attr(n, name);

		if (a == NULL)
			return 0;
		if (a->type != IR_ATTR_INTS || a->n > 2 * PERM_MAX)
			return -1;
		memcpy(v, a->ints, a->n * sizeof(*v));
		*cnt = a->n;
		*present = true;
		return 0;
	}
	if (slot >= n->ninputs || n->inputs[slot] == NULL)
		return 0;
	{
		struct ir_tensor *c = perm_const(n->inputs[slot]);

		if (c == NULL || perm_const_ints(c, v, 2 * PERM_MAX, cnt) < 0)
			return -1;
		*elem = c->elem;
	}
	*present = true;
	return 0;
}

/* Output perm after removing axes MASK (in the pre-transpose frame). */
static int
squeeze_perm(const int *p, int r, const bool *gone_x, int *q)
{
	int pos[PERM_MAX], k = 0, i, j = 0;

	for (i = 0; i < r; i++)
		pos[i] = gone_x[i] ? -1 : k++;
	for (i = 0; i < r; i++)
		if (!gone_x[p[i]])
			q[j++] = pos[p[i]];
	return j;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The N axes V of a Reduce or Squeeze whose input is transposed by P
 * (rank R): each names input axis P[a], marked in GONE; they become the
 * plan's sorted list, written back to the attribute (ATTR_AXES) or to
 * input 1 of element type ELEM.  False when one is out of range or
 * named twice.
 */
static bool
axes_through(struct plan *pl, const int64_t *v, size_t n, int r,
    const int *p, bool *gone, bool attr_axes, int32_t elem)
{
	size_t k;
	int a;

	if (n > (size_t)r)
		return false;
	for (k = 0; k < n; k++) {
		if (!norm_axis(v[k], r, &a) || gone[p[a]])
			return false;
		gone[p[a]] = true;
		pl->vals[k] = p[a];
	}
	qsort(pl->vals, n, sizeof(pl->vals[0]), cmp_i64);
	pl->nvals = n;
	pl->list = true;
	if (attr_axes) {
		pl->attr = "axes";
	} else {
		pl->input_slot = 1;
		pl->input_elem = elem;
	}
	return true;
}

static void
all_outputs(struct plan *pl, const struct ir_node *c, const int *q, int r)
{
	size_t k;

	for (k = 0; k < c->noutputs && k < MAX_IO; k++) {
		memcpy(pl->q[k], q, (size_t)r * sizeof(*q));
		pl->qr[k] = r;
	}
}

/*
 * What pushing Transpose(P) (producing the value in slot 0 of C, or in
 * any broadcast slot) through C needs.  False when it cannot be pushed.
 */
bool
tp_plan(const struct ir_node *c, struct plan *pl, const struct pshape *s1)
{
	enum perm_push kind = perm_push_kind(c);
	int64_t opset = ir_node_opset(c), v[2 * PERM_MAX];
	int r = pl->r, i, a;
	const int *p = pl->p;
	bool present, gone[PERM_MAX] = { false };
	size_t n = 0, k;
	int32_t elem;

	pl->attr = NULL;
	pl->input_slot = -1;
	switch (kind) {
	case PUSH_UNARY:
	case PUSH_BROADCAST:
		all_outputs(pl, c, p, r);
		return true;
	case PUSH_QDQ:
		if (ir_attr_int(c, "block_size", 0) != 0)
			return false;
		if (opset >= 13 && c->ninputs > 1 && c->inputs[1] != NULL) {
			const struct pshape s = *s1;

			if (s.rank != 0 && !(s.rank == 1 && s.dim[0] == 1)) {
				if (!norm_axis(ir_attr_int(c, "axis", 1), r, &a))
					return false;
				pl->attr = "axis";
				pl->vals[0] = p[a];
				pl->nvals = 1;
				pl->list = false;
			}
		}
		all_outputs(pl, c, p, r);
		return true;
	case PUSH_CONCAT:
	case PUSH_SPLIT:
	case PUSH_ARG:
		if (kind == PUSH_CONCAT && ir_node_attr(c, "axis") == NULL)
			return false;
		if (!norm_axis(ir_attr_int(c, "axis", 0), r, &a))
			return false;
		pl->attr = "axis";
		pl->vals[0] = p[a];
		pl->nvals = 1;
		pl->list = false;
		if (kind == PUSH_ARG && ir_attr_int(c, "keepdims", 1) == 0) {
			int q[PERM_MAX];

			gone[p[a]] = true;
			pl->qr[0] = squeeze_perm(p, r, gone, q);
			memcpy(pl->q[0], q, sizeof(q));
			return true;
		}
		all_outputs(pl, c, p, r);
		return true;
	case PUSH_SOFTMAX:
		if (opset >= 13) {
			if (!norm_axis(ir_attr_int(c, "axis", -1), r, &a))
				return false;
			pl->attr = "axis";
			pl->vals[0] = p[a];
			pl->nvals = 1;
			pl->list = false;
		} else {
			/* 2-D coercion at axis: the perm must keep the
			 * leading axes among themselves. */
			if (!norm_axis(ir_attr_int(c, "axis", 1), r, &a))
				return false;
			for (i = 0; i < a; i++)
				if (p[i] >= a)
					return false;
		}
		all_outputs(pl, c, p, r);
		return true;
	case PUSH_REDUCE: {
		bool attr_axes = opset < 18 &&
		    !(strcmp(c->op_type, "ReduceSum") == 0 && opset >= 13);
		int64_t keep = ir_attr_int(c, "keepdims", 1);
		int q[PERM_MAX];

		if (ints_from(c, attr_axes, "axes", 1, v, &n, &present,
		    &elem) < 0)
			return false;
		if (!present || n == 0) {
			if (ir_attr_int(c, "noop_with_empty_axes", 0)) {
				all_outputs(pl, c, p, r);
				return true;
			}
			/* Reduce-all: the result has no layout left. */
			pl->qr[0] = keep ? r : 0;
			for (i = 0; i < r; i++)
				pl->q[0][i] = i;
			return true;
		}
		if (!axes_through(pl, v, n, r, p, gone, attr_axes, elem))
			return false;
		if (keep) {
			all_outputs(pl, c, p, r);
		} else {
			pl->qr[0] = squeeze_perm(p, r, gone, q);
			memcpy(pl->q[0], q, sizeof(q));
		}
		return true;
	}
	case PUSH_SQUEEZE: {
		bool attr_axes = opset < 13;
		int q[PERM_MAX];

		if (ints_from(c, attr_axes, "axes", 1, v, &n, &present,
		    &elem) < 0 || !present || n == 0 ||
		    !axes_through(pl, v, n, r, p, gone, attr_axes, elem))
			return false;
		pl->qr[0] = squeeze_perm(p, r, gone, q);
		memcpy(pl->q[0], q, sizeof(q));
		return true;
	}
	case PUSH_UNSQUEEZE: {
		bool attr_axes = opset < 13, ins[PERM_MAX] = { false };
		int R, j[PERM_MAX], nj = 0;

		if (ints_from(c, attr_axes, "axes", 1, v, &n, &present,
		    &elem) < 0 || !present || n == 0)
			return false;
		R = r + (int)n;
		if (R > PERM_MAX)
			return false;
		for (k = 0; k < n; k++) {
			if (!norm_axis(v[k], R, &a) || ins[a])
				return false;
			ins[a] = true;
		}
		for (i = 0; i < R; i++)
			if (!ins[i])
				j[nj++] = i;
		for (i = 0; i < R; i++)
			pl->q[0][i] = i;
		for (i = 0; i < r; i++)
			pl->q[0][j[i]] = j[p[i]];
		pl->qr[0] = R;
		return true;
	}
	case PUSH_SLICE: {
		bool attr_form = opset < 10;
		int64_t st[2 * PERM_MAX];
		size_t ns = 0;

		if (ints_from(c, attr_form, "axes", 3, v, &n, &present,
		    &elem) < 0)
			return false;
		if (!present) {
			int32_t se;

			if (ints_from(c, attr_form, "starts", 1, st, &ns,
			    &present, &se) < 0 || !present || ns > (size_t)r)
				return false;
			for (k = 0; k < ns; k++)
				v[k] = (int64_t)k;
			n = ns;
			elem = se;
		}
		if (n > (size_t)r)
			return false;
		for (k = 0; k < n; k++) {
			if (!norm_axis(v[k], r, &a))
				return false;
			pl->vals[k] = p[a];
		}
		pl->nvals = n;
		pl->list = true;
		if (attr_form) {
			pl->attr = "axes";
		} else {
			pl->input_slot = 3;
			pl->input_elem = elem;
		}
		all_outputs(pl, c, p, r);
		return true;
	}
	case PUSH_PAD:
	case PUSH_TILE: {
		bool attr_form = kind == PUSH_PAD && opset < 11;
		size_t want = kind == PUSH_PAD ? 2 * (size_t)r : (size_t)r;

		if (kind == PUSH_PAD && (opset < 2 || (c->ninputs > 3 &&
		    c->inputs[3] != NULL)))
			return false;
		if (kind == PUSH_TILE && opset < 6)
			return false;
		if (ints_from(c, attr_form, kind == PUSH_PAD ? "pads" :
		    "repeats", 1, v, &n, &present, &elem) < 0 || !present ||
		    n != want)
			return false;
		for (i = 0; i < r; i++) {
			pl->vals[p[i]] = v[i];
			if (kind == PUSH_PAD)
				pl->vals[r + p[i]] = v[r + i];
		}
		pl->nvals = n;
		pl->list = true;
		if (attr_form) {
			pl->attr = "pads";
		} else {
			pl->input_slot = 1;
			pl->input_elem = elem;
		}
		all_outputs(pl, c, p, r);
		return true;
	}
	case PUSH_GATHER: {
		/*
		 * Gather(Transpose(x, P), axis a, indices of rank Q) is
		 * Gather(x, axis P[a]) with its output transposed: the
		 * indices' dims stand where axis P[a] stood, and the other
		 * axes of x keep P's order around them.
		 */
		int b, qn = s1->rank, pos[PERM_MAX], o = 0;

		if (qn < 0 || r - 1 + qn > PERM_MAX ||
		    !norm_axis(ir_attr_int(c, "axis", 0), r, &a))
			return false;
		b = p[a];
		for (i = 0; i < r; i++)
			if (i != b)
				pos[i] = i < b ? i : i - 1 + qn;
		for (i = 0; i < a; i++)
			pl->q[0][o++] = pos[p[i]];
		for (i = 0; i < qn; i++)
			pl->q[0][o++] = b + i;
		for (i = a + 1; i < r; i++)
			pl->q[0][o++] = pos[p[i]];
		pl->qr[0] = o;
		pl->attr = "axis";
		pl->vals[0] = b;
		pl->nvals = 1;
		pl->list = false;
		return true;
	}
	case PUSH_NONE:
		break;
	}
	return false;
}
