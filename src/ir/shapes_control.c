/* SPDX-License-Identifier: MIT */
/*
 * Shape rules for control flow: If, Loop and Scan outputs from the types
 * their bodies derived (the engine infers a body before its node, and
 * gives a Loop or Scan body the types of its inputs first).  Where two
 * branches or an iteration's input and output differ, only what they
 * agree on is kept.
 */
#include "ir/shapes_int.h"

/* Control flow: merge two types (equal parts kept). */
static int
type_join(struct sh *s, const struct ir_type *a, const struct ir_type *b,
    struct ir_type *o)
{
	int i;

	if (a == NULL || b == NULL || a->kind != IR_TYPE_TENSOR ||
	    b->kind != IR_TYPE_TENSOR)
		return 0;
	if (shapes_mk(s, o, a->elem == b->elem ? a->elem : 0,
	    a->rank == b->rank ? a->rank : -1) < 0)
		return -1;
	for (i = 0; i < o->rank; i++)
		if (shapes_dim_same(&a->dims[i], &b->dims[i]))
			o->dims[i] = a->dims[i];
	return 0;
}

int
shapes_op_if(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *t = shapes_subgraph(n, "then_branch");
	struct ir_graph *e = shapes_subgraph(n, "else_branch");
	size_t i;

	if (t == NULL || e == NULL || t->noutputs != n->noutputs ||
	    e->noutputs != n->noutputs)
		return 0;
	for (i = 0; i < n->noutputs; i++)
		if (type_join(s, shapes_gout(t, i), shapes_gout(e, i),
		    &out[i]) < 0)
			return -1;
	return 0;
}

int
shapes_op_loop(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *b = shapes_subgraph(n, "body");
	size_t i, ncarry;

	if (b == NULL || n->ninputs < 2 || b->noutputs < 1)
		return 0;
	ncarry = n->ninputs - 2;
	if (b->noutputs < 1 + ncarry ||
	    n->noutputs != b->noutputs - 1)
		return 0;
	for (i = 0; i < n->noutputs; i++) {
		const struct ir_type *t = shapes_gout(b, i + 1);

		if (t == NULL)
			continue;
		if (i < ncarry) {
			if (type_join(s, t, in_t(n, i + 2), &out[i]) < 0)
				return -1;
			continue;
		}
		/* scan outputs: iterations stacked on a leading axis */
		if (shapes_mk(s, &out[i], t->elem, t->rank < 0 ? -1 :
		    t->rank + 1) < 0)
			return -1;
		if (out[i].rank > 0)
			dcopy(out[i].dims + 1, t->dims, t->rank);
	}
	return 0;
}

/* Scan (opset 9 on): state variables, then scan outputs stacked on
 * their axis. */
/*
 * Scan-8: input 0 is the optional sequence_lens, every other input and
 * output has the batch dim first, and scan inputs and outputs the
 * sequence dim second.
 */
static int
scan8(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *b = shapes_subgraph(n, "body");
	int64_t nscan = ir_attr_int(n, "num_scan_inputs", -1);
	const struct ir_type *x;
	struct ir_dim batch = dunknown(), len = dunknown();
	size_t nstate, i;
	int j;

	if (b == NULL || nscan < 1 || n->ninputs < 1 ||
	    (size_t)nscan > n->ninputs - 1 ||
	    b->ninputs != n->ninputs - 1 || b->noutputs != n->noutputs)
		return 0;
	nstate = n->ninputs - 1 - (size_t)nscan;
	if (nstate > n->noutputs)
		return 0;
	for (i = 1; i < n->ninputs; i++)
		if ((x = in_t(n, i)) != NULL && x->rank >= 1) {
			batch = x->dims[0];
			break;
		}
	if ((x = in_t(n, 1 + nstate)) != NULL && x->rank >= 2)
		len = x->dims[1];
	for (i = 0; i < n->noutputs; i++) {
		const struct ir_type *t = shapes_gout(b, i);
		int extra = i < nstate ? 1 : 2;

		if (t == NULL)
			continue;
		if (shapes_mk(s, &out[i], t->elem, t->rank < 0 ? -1 :
		    t->rank + extra) < 0)
			return -1;
		if (out[i].rank < 0)
			continue;
		out[i].dims[0] = batch;
		if (extra == 2)
			out[i].dims[1] = len;
		for (j = 0; j < t->rank; j++)
			out[i].dims[j + extra] = t->dims[j];
	}
	return 0;
}

int
shapes_op_scan(struct sh *s, struct ir_node *n, struct ir_type *out)
{
	struct ir_graph *b;
	size_t nstate, i, na, noa;
	const int64_t *ax = ir_attr_ints(n, "scan_input_axes", &na);
	const int64_t *oax = ir_attr_ints(n, "scan_output_axes", &noa);
	const struct ir_type *first;
	struct ir_dim len = dunknown();
	int a;

	if (ir_node_opset(n) < 9)
		return scan8(s, n, out);
	if (shapes_scan_counts(n, &b, &nstate) < 0)
		return 0;
	first = in_t(n, nstate);
	if (first != NULL && first->rank > 0 &&
	    (a = norm_axis(ax && na > 0 ? ax[0] : 0, first->rank)) >= 0)
		len = first->dims[a];
	for (i = 0; i < n->noutputs; i++) {
		const struct ir_type *t = shapes_gout(b, i);
		size_t k = i - nstate;
		int r, j, p;

		if (t == NULL)
			continue;
		if (i < nstate) {
			if (type_join(s, t, in_t(n, i), &out[i]) < 0)
				return -1;
			continue;
		}
		r = t->rank < 0 ? -1 : t->rank + 1;
		if (shapes_mk(s, &out[i], t->elem, r) < 0)
			return -1;
		/* out[i] is unranked, too, when R is above SH_MAX_RANK */
		if (out[i].rank < 0 || (a = norm_axis(oax && k < noa ?
		    oax[k] : 0, r)) < 0) {
			out[i].rank = -1;
			continue;
		}
		for (j = 0, p = 0; j < r; j++)
			out[i].dims[j] = j == a ? len : t->dims[p++];
	}
	return 0;
}
