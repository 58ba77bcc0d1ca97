/* SPDX-License-Identifier: MIT */
/*
 * pinned-dims: nodes that pin a dimension the model declares symbolic.
 *
 * An exporter that traces a model writes every size the code computes
 * with a Python int as a constant: view(3, -1), repeat(3, 1, 1),
 * expand(3, 5, 4), zeros(3, 5, 4), arange(5), table[:5] bake the traced
 * batch or sequence length into a Reshape shape, Tile repeats, an Expand
 * shape, a ConstantOfShape or Constant tensor, a Range or a Slice, while
 * dynamic_axes declares the interface dim symbolic.  The model loads,
 * and fails (or silently broadcasts) at any other size.  The same code
 * written with x.shape[i] or -1 takes the size through Shape/Gather and
 * is dynamic.
 *
 * The pass follows axis provenance: for every value and axis, the node
 * (or constant initializer) that introduced a static size there, carried
 * through nodes that keep the axis (elementwise and other same-shape
 * operators, broadcasting, Concat, Transpose, Squeeze/Unsqueeze, the
 * kept axes of Reshape, Slice and MatMul).  A finding (S270) is
 *  - a Reshape or Expand whose constant shape operand holds a size > 1
 *    at an axis that flows from an interface dim_param of its input
 *    (the leading and trailing axes a Reshape keeps);
 *  - a static size > 1 introduced by such a constant, meeting an
 *    interface dim_param on the same axis in a broadcast, a Concat
 *    (outside its axis) or a matrix product: reported at the node that
 *    introduced it (at the meeting node for an initializer).
 * The detail names the dim_param and the traced value.  Sizes taken
 * from Shape (propagated constants whose elements are the dim_params
 * themselves) are never findings, nor are dims without a name.
 * Requires: inferred types and propagated constants (ir/shapes.h).
 * Preserves: everything (analysis).
 *
 *	x: float[batch,seq,4]
 *	y = Reshape(x, [3, -1])		S270 'batch' pinned to 3
 *	y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1]))  clean
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pass.h"
#include "ir/shapes.h"

/* Where a static size on an axis came from. */
struct org {
	const struct ir_node *n;	/* the node that introduced it */
	const struct ir_value *c;	/* else the constant initializer */
};

struct vst {
	struct ir_dim *k;	/* propagated constant, nk elements */
	size_t nk;
	bool has_k;
	struct org *o;		/* per axis of the type, or NULL */
};

struct gst {
	struct ir_graph *g;
	struct vst *v;		/* by value id */
	size_t nv;
};

struct pd {
	struct pass_ctx *ctx;
	struct arena *a;
	struct gst *gs;
	size_t ngs;
	struct hmap params;	/* the main graph inputs' dim_params */
	struct hmap seen;	/* findings made */
	bool oom;
};

static struct vst *
vst_of(struct pd *p, const struct ir_value *v)
{
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < p->ngs; i++)
		if (p->gs[i].g == v->graph)
			return v->id < p->gs[i].nv ? &p->gs[i].v[v->id] : NULL;
	return NULL;
}

static void
got_const(void *arg, const struct ir_value *v, const struct ir_dim *e,
    size_t n)
{
	struct pd *p = arg;
	struct vst *s = vst_of(p, v);

	if (s == NULL || p->oom)
		return;
	if (n > 0 && (s->k = arena_array(p->a, n, sizeof(*e))) == NULL) {
		p->oom = true;
		return;
	}
	if (n > 0)
		memcpy(s->k, e, n * sizeof(*e));
	s->nk = n;
	s->has_k = true;
}

/* The ranked tensor type of V, else NULL. */
static const struct ir_type *
ty(const struct ir_value *v)
{
	if (v == NULL || v->type.kind != IR_TYPE_TENSOR || v->type.rank < 0)
		return NULL;
	return &v->type;
}

static const struct ir_dim *
dim(const struct ir_value *v, int axis)
{
	const struct ir_type *t = ty(v);

	if (t == NULL || axis < 0 || axis >= t->rank)
		return NULL;
	return &t->dims[axis];
}

static bool
big_value(const struct ir_dim *d)
{
	return d != NULL && d->kind == IR_DIM_VALUE && d->value > 1;
}

/* Is D a dim_param the interface declares? */
static bool
iparam(struct pd *p, const struct ir_dim *d)
{
	return d != NULL && d->kind == IR_DIM_PARAM &&
	    hmap_get(&p->params, d->param) != NULL;
}

static bool
same_dim(const struct ir_dim *a, const struct ir_dim *b)
{
	if (a == NULL || b == NULL || a->kind != b->kind)
		return false;
	if (a->kind == IR_DIM_VALUE)
		return a->value == b->value;
	if (a->kind == IR_DIM_PARAM)
		return strcmp(a->param, b->param) == 0;
	return false;
}

/* Where V's static size on AXIS came from (n and c NULL: nowhere). */
static struct org
org_of(struct pd *p, const struct ir_value *v, int axis)
{
	struct org o = { NULL, NULL };
	const struct vst *s = vst_of(p, v);
	const struct ir_type *t = ty(v);

	if (t == NULL || axis < 0 || axis >= t->rank ||
	    !big_value(&t->dims[axis]))
		return o;
	if (s != NULL && s->o != NULL && (s->o[axis].n || s->o[axis].c))
		return s->o[axis];
	/* a constant tensor: its dims are what the exporter traced */
	if (v->kind == IR_VALUE_INITIALIZER)
		o.c = v;
	else if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    ir_is_op(v->producer, "Constant"))
		o.n = v->producer;
	return o;
}

static bool
has_org(struct org o)
{
	return o.n != NULL || o.c != NULL;
}

/* The constant V holds (propagated by inference), or NULL. */
static const struct vst *
konst(struct pd *p, const struct ir_value *v)
{
	const struct vst *s = vst_of(p, v);

	return s != NULL && s->has_k ? s : NULL;
}

/* S270 once per (node, dim_param, value). */
static void
pinned(struct pd *p, const struct ir_node *at, const char *param,
    int64_t value, const char *detail)
{
	char e[DIAG_ESCAPE_SIZE], key[128 + DIAG_ESCAPE_SIZE];
	const char *k;

	snprintf(key, sizeof(key), "%p %" PRId64 " %s", (const void *)at,
	    value, param);
	if (hmap_get(&p->seen, key) != NULL)
		return;
	if ((k = arena_strdup(p->a, key)) == NULL ||
	    hmap_set(&p->seen, k, (void *)k) < 0) {
		p->oom = true;
		return;
	}
	pass_report_node(p->ctx, DIAG_S_PINNED, at, "dim_param '%s' pinned "
	    "to %" PRId64 ": %s", diag_esc(e, param), value, detail);
}

#define DETAIL (3 * DIAG_ESCAPE_SIZE + 256)

/* A static size from O meets interface dim_param D (of value W) at node
 * N, axis AXIS of the static operand SV. */
static void
meet(struct pd *p, const struct ir_node *n, struct org o,
    const struct ir_value *sv, int64_t value, const struct ir_dim *d,
    const struct ir_value *w)
{
	char e1[DIAG_ESCAPE_SIZE], e2[DIAG_ESCAPE_SIZE], e3[DIAG_ESCAPE_SIZE];
	char detail[DETAIL];

	if (o.n != NULL)
		snprintf(detail, sizeof(detail), "this size reaches '%s' and "
		    "meets '%s' at node '%s'", diag_esc(e1, sv->name),
		    diag_esc(e2, w->name), diag_esc(e3, n->name != NULL ? n->name :
		    n->op_type));
	else
		snprintf(detail, sizeof(detail), "constant '%s' has this size "
		    "on the axis of '%s'", diag_esc(e1, o.c->name),
		    diag_esc(e2, w->name));
	pinned(p, o.n != NULL ? o.n : n, d->param, value, detail);
}

/* Output slot K's provenance array (zeroed), or NULL (no ranked type). */
static struct org *
out_orgs(struct pd *p, const struct ir_node *n, size_t k)
{
	const struct ir_value *y = k < n->noutputs ? n->outputs[k] : NULL;
	const struct ir_type *t = ty(y);
	struct vst *s = vst_of(p, y);

	if (t == NULL || s == NULL || t->rank == 0)
		return NULL;
	if (s->o == NULL && (s->o = arena_array(p->a, (size_t)t->rank,
	    sizeof(*s->o))) == NULL)
		p->oom = true;
	return s->o;
}

/* Copy input I's provenance to output axis J when the dims agree. */
static void
copy_axis(struct pd *p, const struct ir_node *n, struct org *o, int j,
    const struct ir_value *in, int i)
{
	const struct ir_dim *a = dim(n->outputs[0], j), *b = dim(in, i);

	if (!has_org(o[j]) && same_dim(a, b))
		o[j] = org_of(p, in, i);
}

static bool
is_bcast(const struct ir_node *n)
{
	static const char *const ops[] = {
		"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less",
		"Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or",
		"Xor", "Where", "Max", "Min", "Sum", "Mean", "BitShift",
		"PRelu", "BitwiseAnd", "BitwiseOr", "BitwiseXor", NULL,
	};
	size_t i;

	if (!ir_domain_is_onnx(n->domain))
		return false;
	for (i = 0; ops[i] != NULL; i++)
		if (strcmp(n->op_type, ops[i]) == 0)
			return true;
	return false;
}

/*
 * Operands INS[0..NIN) broadcast (right-aligned) into the output of rank
 * R, axis SKIP excepted (Concat's): static sizes meeting interface
 * dim_params, and the output's provenance.
 */
static void
broadcast(struct pd *p, const struct ir_node *n,
    const struct ir_value *const *ins, const int *ranks, size_t nin,
    int r, int skip, struct org *o)
{
	int j;
	size_t i, k;

	for (j = 0; j < r; j++) {
		if (j == skip)
			continue;
		for (i = 0; i < nin; i++) {
			int ai = j - (r - ranks[i]);
			const struct ir_dim *d = dim(ins[i], ai);
			struct org og;

			if (!big_value(d))
				continue;
			og = org_of(p, ins[i], ai);
			if (!has_org(og))
				continue;
			if (o != NULL && !has_org(o[j]) &&
			    same_dim(dim(n->outputs[0], j), d))
				o[j] = og;
			for (k = 0; k < nin; k++) {
				int ak = j - (r - ranks[k]);
				const struct ir_dim *e = dim(ins[k], ak);

				if (k != i && iparam(p, e))
					meet(p, n, og, ins[i], d->value, e,
					    ins[k]);
			}
		}
	}
}

static void
do_bcast(struct pd *p, const struct ir_node *n, bool concat)
{
	const struct ir_value *ins[16];
	int ranks[16], r = 0, skip = -1;
	size_t i, nin = 0;
	struct org *o = out_orgs(p, n, 0);

	for (i = 0; i < n->ninputs && nin < 16; i++) {
		const struct ir_type *t = ty(n->inputs[i]);

		if (t == NULL)
			continue;
		ins[nin] = n->inputs[i];
		ranks[nin++] = t->rank;
		if (t->rank > r)
			r = t->rank;
	}
	if (concat) {
		const struct ir_attr *a = ir_node_attr(n, "axis");

		if (a == NULL || a->type != IR_ATTR_INT)
			return;
		skip = (int)(a->i < 0 ? a->i + r : a->i);
		for (i = 0; i < nin; i++)
			if (ranks[i] != r)
				return;
	}
	broadcast(p, n, ins, ranks, nin, r, skip, o);
}

static void
do_matmul(struct pd *p, const struct ir_node *n)
{
	const struct ir_value *a = n->inputs[0], *b = n->ninputs > 1 ?
	    n->inputs[1] : NULL;
	const struct ir_type *ta = ty(a), *tb = ty(b);
	const struct ir_value *ins[2] = { a, b };
	struct org *o = out_orgs(p, n, 0);
	const struct ir_dim *ka, *kb;
	int ranks[2], r;

	if (ta == NULL || tb == NULL || ta->rank < 2 || tb->rank < 2)
		return;
	ranks[0] = ta->rank - 2;
	ranks[1] = tb->rank - 2;
	r = ranks[0] > ranks[1] ? ranks[0] : ranks[1];
	broadcast(p, n, ins, ranks, 2, r, -1, o);
	/* the inner dims must be equal */
	ka = dim(a, ta->rank - 1);
	kb = dim(b, tb->rank - 2);
	if (big_value(ka) && iparam(p, kb) &&
	    has_org(org_of(p, a, ta->rank - 1)))
		meet(p, n, org_of(p, a, ta->rank - 1), a, ka->value, kb, b);
	if (big_value(kb) && iparam(p, ka) &&
	    has_org(org_of(p, b, tb->rank - 2)))
		meet(p, n, org_of(p, b, tb->rank - 2), b, kb->value, ka, a);
	if (o != NULL) {
		copy_axis(p, n, o, r, a, ta->rank - 2);
		copy_axis(p, n, o, r + 1, b, tb->rank - 1);
	}
}

/* A constant shape operand's element I as a size > 1 it introduces. */
static bool
literal(const struct vst *k, size_t i, int64_t *v)
{
	if (k == NULL || i >= k->nk || k->k[i].kind != IR_DIM_VALUE ||
	    k->k[i].value <= 1)
		return false;
	*v = k->k[i].value;
	return true;
}

static void
do_reshape(struct pd *p, const struct ir_node *n)
{
	char e1[DIAG_ESCAPE_SIZE], b[DETAIL];
	const struct ir_value *x = n->inputs[0];
	const struct vst *k = n->ninputs > 1 ? konst(p, n->inputs[1]) : NULL;
	const struct ir_type *tx = ty(x), *ty_ = ty(n->outputs[0]);
	const struct ir_attr *az = ir_node_attr(n, "allowzero");
	bool allowzero = az != NULL && az->type == IR_ATTR_INT && az->i;
	struct org *o = out_orgs(p, n, 0);
	int r, i, lead = 0;
	int64_t v;

	if (k == NULL || tx == NULL || ty_ == NULL ||
	    (size_t)ty_->rank != k->nk)
		return;
	r = ty_->rank;
	/* the leading axes the reshape keeps, then the trailing ones */
	for (i = 0; i < r && i < tx->rank; i++, lead++) {
		const struct ir_dim *s = &k->k[i], *d = &tx->dims[i];

		if (s->kind == IR_DIM_VALUE && s->value == 0 && !allowzero)
			;
		else if (same_dim(s, d))
			;
		else if (iparam(p, d) && literal(k, (size_t)i, &v)) {
			snprintf(b, sizeof(b), "shape element %d of the "
			    "Reshape of '%s'", i, diag_esc(e1, x->name));
			pinned(p, n, d->param, v, b);
		} else
			break;
		if (o != NULL)
			o[i] = org_of(p, x, i);
	}
	for (i = 1; i <= r - lead && i <= tx->rank - lead; i++) {
		const struct ir_dim *s = &k->k[r - i], *d = &tx->dims[tx->rank -
		    i];

		if (same_dim(s, d))
			;
		else if (iparam(p, d) && literal(k, (size_t)(r - i), &v)) {
			snprintf(b, sizeof(b), "shape element %d of the "
			    "Reshape of '%s'", r - i, diag_esc(e1, x->name));
			pinned(p, n, d->param, v, b);
		} else
			break;
		if (o != NULL)
			o[r - i] = org_of(p, x, tx->rank - i);
	}
	/* the other sizes are the constant's */
	for (i = 0; o != NULL && i < r; i++)
		if (!has_org(o[i]) && literal(k, (size_t)i, &v) &&
		    big_value(&ty_->dims[i]))
			o[i].n = n;
}

static void
do_expand(struct pd *p, const struct ir_node *n)
{
	char e1[DIAG_ESCAPE_SIZE], b[DETAIL];
	const struct ir_value *x = n->inputs[0];
	const struct vst *k = n->ninputs > 1 ? konst(p, n->inputs[1]) : NULL;
	const struct ir_type *tx = ty(x), *ty_ = ty(n->outputs[0]);
	struct org *o = out_orgs(p, n, 0);
	int r, j;
	int64_t v;

	if (k == NULL || tx == NULL || ty_ == NULL)
		return;
	r = ty_->rank;
	for (j = 0; j < r; j++) {
		int ai = j - (r - tx->rank), si = j - (r - (int)k->nk);
		const struct ir_dim *d = dim(x, ai);

		if (si >= 0 && literal(k, (size_t)si, &v)) {
			if (iparam(p, d)) {
				snprintf(b, sizeof(b), "shape element %d of "
				    "the Expand of '%s'", si, diag_esc(e1, x->name));
				pinned(p, n, d->param, v, b);
			} else if (o != NULL && (d == NULL ||
			    (d->kind == IR_DIM_VALUE && d->value == 1))) {
				o[j].n = n;
				continue;
			}
		}
		if (o != NULL && ai >= 0)
			copy_axis(p, n, o, j, x, ai);
	}
}

/* Tile, ConstantOfShape, Range, Slice: sizes from constant operands. */
static void
do_source(struct pd *p, const struct ir_node *n)
{
	const struct ir_type *ty_ = ty(n->outputs[0]);
	const struct ir_value *x = n->inputs[0];
	struct org *o = out_orgs(p, n, 0);
	const struct vst *k;
	int j;
	int64_t v;

	if (o == NULL || ty_ == NULL)
		return;
	for (j = 0; j < ty_->rank; j++) {
		const struct ir_dim *d = &ty_->dims[j];

		if (!big_value(d))
			continue;
		if (ir_is_op(n, "Tile")) {
			k = n->ninputs > 1 ? konst(p, n->inputs[1]) : NULL;
			if (literal(k, (size_t)j, &v))
				o[j].n = n;
			else
				copy_axis(p, n, o, j, x, j);
		} else if (ir_is_op(n, "ConstantOfShape")) {
			k = konst(p, x);
			if (literal(k, (size_t)j, &v))
				o[j].n = n;
		} else if (ir_is_op(n, "Range")) {
			o[j].n = n;
		} else {	/* Slice */
			const struct ir_dim *dx = dim(x, j);

			if (same_dim(d, dx))
				copy_axis(p, n, o, j, x, j);
			else if (dx != NULL && dx->kind == IR_DIM_VALUE)
				o[j].n = n;
		}
	}
}

static void
do_transpose(struct pd *p, const struct ir_node *n)
{
	const struct ir_type *tx = ty(n->inputs[0]);
	const struct ir_attr *a = ir_node_attr(n, "perm");
	struct org *o = out_orgs(p, n, 0);
	int i;

	if (o == NULL || tx == NULL)
		return;
	if (a != NULL && (a->type != IR_ATTR_INTS || a->n != (size_t)tx->rank))
		return;
	for (i = 0; i < tx->rank; i++) {
		int64_t q = a != NULL ? a->ints[i] : tx->rank - 1 - i;

		if (q >= 0 && q < tx->rank)
			copy_axis(p, n, o, i, n->inputs[0], (int)q);
	}
}

/* Squeeze, Unsqueeze: the axes that are not 1, in order. */
static void
do_squeeze(struct pd *p, const struct ir_node *n)
{
	const struct ir_type *tx = ty(n->inputs[0]), *ty_ = ty(n->outputs[0]);
	struct org *o = out_orgs(p, n, 0);
	int i = 0, j = 0;

	if (o == NULL || tx == NULL || ty_ == NULL)
		return;
	for (;;) {
		while (i < tx->rank && tx->dims[i].kind == IR_DIM_VALUE &&
		    tx->dims[i].value == 1)
			i++;
		while (j < ty_->rank && ty_->dims[j].kind == IR_DIM_VALUE &&
		    ty_->dims[j].value == 1)
			j++;
		if (i == tx->rank || j == ty_->rank)
			return;
		if (!same_dim(&tx->dims[i], &ty_->dims[j]))
			return;
		copy_axis(p, n, o, j, n->inputs[0], i);
		i++;
		j++;
	}
}

static void
do_node(struct pd *p, const struct ir_node *n)
{
	const struct ir_type *tx, *ty_;
	struct org *o;
	int j;

	if (n->ninputs == 0 || n->noutputs == 0 || n->outputs[0] == NULL)
		return;
	if (ir_is_op(n, "Concat")) {
		do_bcast(p, n, true);
		return;
	}
	if (is_bcast(n)) {
		do_bcast(p, n, false);
		return;
	}
	if (n->inputs[0] == NULL)
		return;
	if (ir_is_op(n, "MatMul")) {
		do_matmul(p, n);
		return;
	}
	if (ir_is_op(n, "Reshape")) {
		do_reshape(p, n);
		return;
	}
	if (ir_is_op(n, "Expand")) {
		do_expand(p, n);
		return;
	}
	if (ir_is_op(n, "Tile") || ir_is_op(n, "ConstantOfShape") ||
	    ir_is_op(n, "Range") || ir_is_op(n, "Slice")) {
		do_source(p, n);
		return;
	}
	if (ir_is_op(n, "Transpose")) {
		do_transpose(p, n);
		return;
	}
	if (ir_is_op(n, "Squeeze") || ir_is_op(n, "Unsqueeze")) {
		do_squeeze(p, n);
		return;
	}
	/* any other operator: the axes it keeps from its first input */
	tx = ty(n->inputs[0]);
	ty_ = ty(n->outputs[0]);
	if (tx == NULL || ty_ == NULL || tx->rank != ty_->rank ||
	    (o = out_orgs(p, n, 0)) == NULL)
		return;
	for (j = 0; j < ty_->rank; j++)
		copy_axis(p, n, o, j, n->inputs[0], j);
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct pd p;
	size_t i, j, ng;
	int k;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.a = &ctx->scratch;
	hmap_init(&p.params, p.a);
	hmap_init(&p.seen, p.a);
	/* the dims the interface declares symbolic */
	for (i = 0; i < ctx->m->graph->ninputs; i++) {
		const struct ir_vinfo *vi = &ctx->m->graph->inputs[i];

		if (vi->type.kind != IR_TYPE_TENSOR ||
		    (vi->value != NULL && vi->value->init != NULL))
			continue;
		for (k = 0; k < vi->type.rank; k++)
			if (vi->type.dims[k].kind == IR_DIM_PARAM &&
			    hmap_set(&p.params, vi->type.dims[k].param,
			    (void *)vi) < 0)
				return -1;
	}
	if (p.params.n == 0)
		return 0;
	ng = ir_model_graphs(ctx->m, &graphs);
	if ((p.gs = arena_array(p.a, ng + 1, sizeof(*p.gs))) == NULL)
		return -1;
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];

		if (g->kind == IR_GRAPH_FUNCTION)
			continue;
		p.gs[p.ngs].g = g;
		p.gs[p.ngs].nv = g->nvalues;
		if ((p.gs[p.ngs++].v = arena_array(p.a, g->nvalues + 1,
		    sizeof(struct vst))) == NULL)
			return -1;
	}
	if (shapes_infer_consts(ctx->m, got_const, &p) < 0 || p.oom)
		return -1;
	for (i = 0; i < p.ngs; i++) {
		struct ir_graph *g = p.gs[i].g;
		struct ir_node **order, *cyc;

		if ((order = arena_array(p.a, g->nnodes + 1,
		    sizeof(*order))) == NULL)
			return -1;
		ir_graph_toposort(g, order, &cyc);
		for (j = 0; j < g->nnodes; j++)
			if (!order[j]->dead)
				do_node(&p, order[j]);
		if (p.oom)
			return -1;
	}
	return 0;
}

const struct pass pass_pinned_dims = {
	"pinned-dims", PASS_ANALYSIS,
	"dims the interface declares symbolic that a constant pins",
	run, NULL,
};
