/* SPDX-License-Identifier: MIT */
/*
 * identity: remove Identity nodes and the nodes that do nothing at
 * inference, keeping every graph output's name.
 *
 * Exporters leave Identity nodes behind (renamed outputs, removed
 * Dropouts, control-flow plumbing) and rewrites can too; they cost a copy
 * each in some runtimes and clutter the graph.  So do nodes that pass
 * their input through unchanged at inference: Dropout (ratio 0, or
 * training_mode absent or constant false, its mask unused; in training
 * mode only with --inference, else with warning F306), Cast to the
 * type its input has, Concat of one input, Reshape and Expand to the
 * shape their input has, Slice of the whole (positive steps, the shape
 * unchanged), Pad by constant zeros and Tile by constant ones, Mul and
 * Div by a constant 1, Sub of 0, Add of integer 0 or float -0.0 (that
 * do not broadcast the other operand).  Shapes
 * count only where they are sure: a graph input's, an initializer's, or
 * one inference derived in full.  A Pad of constant zeros on the
 * spatial dims that only a Conv or AveragePool reads joins that node's
 * pads (an AveragePool then counts the padding, as it did when the
 * zeros were data).
 * An Identity (or no-op) whose output is not a graph output is bypassed:
 * its users read its input.  One that produces a graph output from a
 * value another node of the same graph produces moves the output name
 * to that producer instead.  One that produces a graph output from a
 * graph input, an initializer, a value of an enclosing graph or another
 * graph output stays: the graph needs it to have that output name.
 * Function bodies are left alone.
 * Requires: nothing.  Preserves: graph inputs and outputs and their
 * names, values.
 *
 *	before:  a = Relu(x)   b = Identity(a)   c = Neg(b)   output c
 *	after:   a = Relu(x)   c = Neg(a)                     output c
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fold.h"
#include "ir/irbuild.h"
#include "pass.h"

/*
 * Bypass N, whose output 0 equals its input X; WHY NULL: an Identity
 * (F390), else what makes N a no-op (F396).
 */
static int
remove_one(struct pass_ctx *ctx, struct ir_node *n, struct ir_value *x,
    const char *why)
{
	struct ir_value *y = n->outputs[0];
	struct ir_graph *g = n->graph;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	enum diag_id id = why ? DIAG_F_NOOP : DIAG_F_IDENTITY;
	struct ir_node *p;

	/* y = Identity(y): a cycle (check's S214); nothing to bypass */
	if (x == y)
		return 0;
	if (y->noutputs == 0) {
		pass_report_node(ctx, id, n, "%s%susers of '%s' now read "
		    "'%s'", why ? why : "", why ? ": " : "", diag_esc(b1, y->name),
		    diag_esc(b2, x->name));
		if (ir_value_replace_uses(y, x) < 0)
			return -1;
		ir_node_kill(n);
		return 1;
	}
	p = x->producer;
	if (x->kind != IR_VALUE_NODE || x->graph != g || p == NULL ||
	    p->dead || x->noutputs > 0 || x->duplicate || y->duplicate)
		return 0;
	pass_report_node(ctx, id, n, "%s%s'%s', a graph output, now made by "
	    "the node that made '%s'", why ? why : "", why ? ": " : "",
	    diag_esc(b2, y->name), diag_esc(b1, x->name));
	ir_node_kill(n);
	if (ir_value_replace_uses(x, y) < 0)
		return -1;
	ir_node_set_output(p, (size_t)x->out_index, y);
	/* X names nothing any more; dce drops its value_info. */
	x->producer = NULL;
	return 1;
}

/* V's dims when they are sure and all numbers: a graph input's (the
 * runtime checks them), an initializer's, or derived in full. */
static bool
sure_dims(const struct ir_value *v, int64_t *dims, int *rank)
{
	int k;

	if (v == NULL || v->type.kind != IR_TYPE_TENSOR ||
	    v->type.rank < 0 || v->type.rank > MAX_RANK ||
	    !(v->is_input || v->type_derived || v->init != NULL) ||
	    (v->init != NULL && v->init->rank != v->type.rank))
		return false;
	for (k = 0; k < v->type.rank; k++) {
		if (v->type.dims[k].kind != IR_DIM_VALUE ||
		    v->type.dims[k].value < 0 || (v->init != NULL &&
		    v->init->dims[k] != v->type.dims[k].value))
			return false;
		dims[k] = v->type.dims[k].value;
	}
	*rank = v->type.rank;
	return true;
}

/* Do X and Y have the same sure dims? */
static bool
same_dims(const struct ir_value *x, const struct ir_value *y)
{
	int64_t a[MAX_RANK], b[MAX_RANK];
	int ra, rb;

	return sure_dims(x, a, &ra) && sure_dims(y, b, &rb) && ra == rb &&
	    (ra == 0 || memcmp(a, b, (size_t)ra * sizeof(*a)) == 0);
}

/* The constant V read into C: 1, 0 not a readable constant, -1 out of
 * budget. */
static int
read_const(struct pass_ctx *ctx, const struct ir_value *v, struct cval *c)
{
	const struct ir_tensor *t = fold_const(v);

	return t == NULL ? 0 : fold_read(&ctx->scratch, t, c);
}

/* Is every element of the integer constant C equal to WANT? */
static bool
all_ints(const struct cval *c, int64_t want)
{
	size_t i;

	if (!c->isint)
		return false;
	for (i = 0; i < c->n; i++)
		if (c->i[i] != want)
			return false;
	return true;
}

/* Is output K of N absent or unused? */
static bool
unused_out(const struct ir_node *n, size_t k)
{
	const struct ir_value *v = k < n->noutputs ? n->outputs[k] : NULL;

	return v == NULL || (v->nuses == 0 && v->noutputs == 0);
}

/*
 * Is the constant V of N's arithmetic its identity element, so that the
 * other operand X passes through unchanged: every element WANT (bit for
 * bit: -0.0 is not 0.0), and V of rank at most X's with every dim 1, so
 * that broadcasting adds no dim?  1 yes, 0 no, -1 out of budget.
 */
static int
neutral(struct pass_ctx *ctx, const struct ir_value *x,
    const struct ir_value *v, double want)
{
	const struct ir_tensor *t = fold_const(v);
	struct cval c;
	size_t i;
	int k, rc;

	if (t == NULL || x->type.kind != IR_TYPE_TENSOR ||
	    x->type.rank < t->rank || x->type.elem != t->elem)
		return 0;
	for (k = 0; k < t->rank; k++)
		if (t->dims[k] != 1)
			return 0;
	if ((rc = read_const(ctx, v, &c)) <= 0)
		return rc;
	for (i = 0; i < c.n; i++) {
		if (c.isint ? c.i[i] != (int64_t)want : c.f[i] != want ||
		    signbit(c.f[i]) != signbit(want))
			return 0;
	}
	return 1;
}

/*
 * Arithmetic with its identity element: Mul and Div by 1, Sub of 0,
 * and Add of 0 for integers or of -0.0 for floats (x + 0.0 turns -0.0
 * into 0.0).  1 with *X the input that passes through.
 */
static int
arith_noop(struct pass_ctx *ctx, const struct ir_node *n, int *x,
    const char **why)
{
	const char *op = n->op_type;
	const struct ir_value *a = n->inputs[0], *b = n->inputs[1];
	bool isint;
	int rc;

	if (n->ninputs != 2 || a == NULL || b == NULL ||
	    a->type.kind != IR_TYPE_TENSOR || a->type.elem == 0 ||
	    a->type.elem != b->type.elem || n->noutputs != 1)
		return 0;
	isint = !fold_elem_float(a->type.elem);
	if (strcmp(op, "Mul") == 0 || strcmp(op, "Div") == 0) {
		*why = op[0] == 'M' ? "Mul by 1" : "Div by 1";
		if ((rc = neutral(ctx, a, b, 1)) != 0)
			return *x = 0, rc;
		if (op[0] == 'M' && (rc = neutral(ctx, b, a, 1)) != 0)
			return *x = 1, rc;
		return 0;
	}
	if (strcmp(op, "Sub") == 0) {
		*why = "Sub of 0";
		if ((rc = neutral(ctx, a, b, 0)) != 0 ||
		    (!isint && (rc = neutral(ctx, a, b, -0.0)) != 0))
			return *x = 0, rc;
		return 0;
	}
	if (strcmp(op, "Add") == 0) {
		*why = "Add of 0";
		if ((rc = neutral(ctx, a, b, isint ? 0 : -0.0)) != 0)
			return *x = 0, rc;
		if ((rc = neutral(ctx, b, a, isint ? 0 : -0.0)) != 0)
			return *x = 1, rc;
	}
	return 0;
}

/*
 * Is N a no-op at inference?  1 with the reason in *WHY and in *X the
 * input its output 0 equals, 0 not (or not sure), -1 out of budget.
 */
static int
noop(struct pass_ctx *ctx, const struct ir_node *n, int64_t opset,
    const char **why, int *ix)
{
	const char *op = n->op_type;
	const struct ir_value *x = n->inputs[0], *y = n->outputs[0];
	struct cval c;
	double ratio;
	size_t k;
	int rc = 0;

	*ix = 0;
	if (opset >= 7 && (rc = arith_noop(ctx, n, ix, why)) != 0)
		return rc;

	if (strcmp(op, "Dropout") == 0) {
		if (n->noutputs > 2 || !unused_out(n, 1))
			return 0;
		if (opset < 7)
			return ir_attr_int(n, "is_test", 0) != 0 ?
			    (*why = "Dropout in test mode", 1) : 0;
		if (opset < 12 || n->ninputs < 3 || n->inputs[2] == NULL) {
			*why = "Dropout at inference";
			return 1;
		}
		if ((rc = read_const(ctx, n->inputs[2], &c)) <= 0)
			return rc;
		if (c.n == 1 && c.isint && c.i[0] == 0) {
			*why = "Dropout, training_mode false";
			return 1;
		}
		if (c.n != 1 || !c.isint)
			return 0;
		/* training_mode constant true: a ratio of 0 still passes the
		 * input through; any other drops a random part of it at
		 * every run, which --inference asks to undo */
		ratio = 0.5;
		if (n->ninputs >= 2 && n->inputs[1] != NULL) {
			if ((rc = read_const(ctx, n->inputs[1], &c)) <= 0)
				return rc;
			if (c.n != 1 || c.isint)
				return 0;
			ratio = c.f[0];
		}
		if (ratio == 0) {
			*why = "Dropout, ratio 0";
			return 1;
		}
		if (ctx->o != NULL && ctx->o->inference) {
			*why = "Dropout in training mode, --inference";
			return 1;
		}
		pass_report_node(ctx, DIAG_F_DROPOUT_TRAINING_KEPT, n,
		    "it drops a random %g of its input at every run; "
		    "--inference removes it, as ONNX Runtime's optimiser does",
		    ratio);
		return 0;
	}
	if (n->noutputs != 1)
		return 0;
	if (strcmp(op, "Cast") == 0 && opset >= 6 && n->ninputs == 1) {
		int64_t to = ir_attr_int(n, "to", -1);

		if (x->type.kind == IR_TYPE_TENSOR && x->type.elem != 0 &&
		    to == x->type.elem && (x->is_input ||
		    x->elem_derived || x->init != NULL)) {
			*why = "Cast to the type of its input";
			return 1;
		}
		return 0;
	}
	if (strcmp(op, "Concat") == 0 && n->ninputs == 1) {
		*why = "Concat of one input";
		return 1;
	}
	if ((strcmp(op, "Reshape") == 0 || strcmp(op, "Expand") == 0) &&
	    n->ninputs == 2 && same_dims(x, y)) {
		*why = op[0] == 'R' ? "Reshape to the shape of its input" :
		    "Expand to the shape of its input";
		return 1;
	}
	if (strcmp(op, "Slice") == 0 && same_dims(x, y)) {
		/* With positive steps, a slice as large as the input along
		 * every axis is the whole (a size-1 axis has one element
		 * whatever the step). */
		if (opset >= 10 && n->ninputs > 4 && n->inputs[4] != NULL) {
			if ((rc = read_const(ctx, n->inputs[4], &c)) <= 0)
				return rc;
			if (!c.isint)
				return 0;
			for (k = 0; k < c.n; k++)
				if (c.i[k] <= 0)
					return 0;
		}
		*why = "Slice of the whole";
		return 1;
	}
	if (strcmp(op, "Pad") == 0) {
		const struct ir_attr *a = ir_node_attr(n, "pads");

		if (opset >= 11) {
			if (n->ninputs < 2 || n->inputs[1] == NULL ||
			    (rc = read_const(ctx, n->inputs[1], &c)) <= 0)
				return rc;
			if (!all_ints(&c, 0))
				return 0;
		} else {
			if (a == NULL || a->type != IR_ATTR_INTS)
				return 0;
			for (k = 0; k < a->n; k++)
				if (a->ints[k] != 0)
					return 0;
		}
		*why = "Pad by zeros";
		return 1;
	}
	if (strcmp(op, "Tile") == 0 && n->ninputs == 2 && opset >= 6) {
		if ((rc = read_const(ctx, n->inputs[1], &c)) <= 0)
			return rc;
		if (!all_ints(&c, 1))
			return 0;
		*why = "Tile by ones";
		return 1;
	}
	return 0;
}

/* Set the INT or INTS attribute NAME of N (COUNT values of V; INTS
 * when LIST), replacing one there is. */
static int
set_attr(struct ir_node *n, const char *name, const int64_t *v,
    size_t count, bool list)
{
	struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL)
		return list ? irbuild_attr_ints(n, name, v, count) :
		    irbuild_attr_i(n, name, v[0]);
	a->has_type = true;
	a->dirty = true;
	a->ref_attr_name = NULL;
	if (list) {
		a->type = IR_ATTR_INTS;
		a->ints = arena_array(&n->graph->model->arena, count + 1,
		    sizeof(*a->ints));
		if (a->ints == NULL)
			return -1;
		if (count > 0)
			memcpy(a->ints, v, count * sizeof(*v));
		a->n = count;
	} else {
		a->type = IR_ATTR_INT;
		a->i = v[0];
	}
	n->dirty = true;
	return 0;
}

/* Is the STRING attribute NAME of N absent or WANT? */
static bool
str_attr_is(const struct ir_node *n, const char *name, const char *want)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	return a == NULL || (a->type == IR_ATTR_STRING && a->ref_attr_name ==
	    NULL && a->slen == strlen(want) && memcmp(a->s, want,
	    a->slen) == 0);
}

/*
 * A Pad of constant zeros on the spatial dims only, read by one Conv or
 * AveragePool and nothing else, becomes part of that node's pads: the
 * padded zeros add nothing to a convolution, and an average that counts
 * padding (count_include_pad) divides by the same kernel size.  1 when
 * merged, 0 when not, -1 out of budget.
 */
static int
merge_pad(struct pass_ctx *ctx, struct ir_node *n, int64_t opset)
{
	struct ir_value *y = n->outputs[0];
	struct ir_node *c;
	const struct ir_attr *a;
	int64_t pads[2 * MAX_RANK], cp[2 * MAX_RANK], one = 1;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE], b3[DIAG_ESCAPE_SIZE];
	struct cval v;
	size_t np, k, r, sp;
	bool avg;
	int rc = 0;

	if (n->noutputs != 1 || y->nuses != 1 || y->noutputs > 0 ||
	    (c = y->uses[0].node) == NULL || c->dead || c->graph != n->graph ||
	    y->uses[0].index != 0 || !ir_domain_is_onnx(c->domain) ||
	    !str_attr_is(n, "mode", "constant"))
		return 0;
	avg = strcmp(c->op_type, "AveragePool") == 0;
	if ((!avg && strcmp(c->op_type, "Conv") != 0) || (avg && opset < 7) ||
	    !str_attr_is(c, "auto_pad", "NOTSET"))
		return 0;
	/* the pads, and a pad value of 0 */
	if (opset >= 11) {
		if (n->ninputs < 2 || n->inputs[1] == NULL ||
		    (n->ninputs > 3 && n->inputs[3] != NULL) ||
		    (rc = read_const(ctx, n->inputs[1], &v)) <= 0)
			return rc;
		if (!v.isint || v.n > 2 * MAX_RANK)
			return 0;
		np = v.n;
		for (k = 0; k < np; k++)
			pads[k] = v.i[k];
		if (n->ninputs > 2 && n->inputs[2] != NULL) {
			if ((rc = read_const(ctx, n->inputs[2], &v)) <= 0)
				return rc;
			if (v.n != 1 || (v.isint ? v.i[0] != 0 : v.f[0] != 0))
				return 0;
		}
	} else {
		a = ir_node_attr(n, opset >= 2 ? "pads" : "paddings");
		if (a == NULL || a->type != IR_ATTR_INTS ||
		    a->n > 2 * MAX_RANK)
			return 0;
		np = a->n;
		for (k = 0; k < np; k++)
			pads[k] = a->ints[k];
		a = ir_node_attr(n, "value");
		if (a != NULL && (a->type != IR_ATTR_FLOAT || a->f != 0))
			return 0;
	}
	r = np / 2;
	if (np % 2 != 0 || r < 3 || pads[0] != 0 || pads[1] != 0 ||
	    pads[r] != 0 || pads[r + 1] != 0)
		return 0;
	for (k = 0; k < np; k++)
		if (pads[k] < 0)
			return 0;
	/* the consumer's own pads, spatial begins then ends */
	sp = r - 2;
	a = ir_node_attr(c, "pads");
	if (a != NULL && (a->type != IR_ATTR_INTS || a->n != 2 * sp ||
	    a->ref_attr_name != NULL))
		return 0;
	for (k = 0; k < 2 * sp; k++)
		cp[k] = a != NULL ? a->ints[k] : 0;
	if (avg && ir_attr_int(c, "count_include_pad", 0) == 0)
		for (k = 0; k < 2 * sp; k++)
			if (cp[k] != 0)
				return 0;
	for (k = 0; k < sp; k++)
		if (__builtin_add_overflow(cp[k], pads[2 + k], &cp[k]) ||
		    __builtin_add_overflow(cp[sp + k], pads[r + 2 + k],
		    &cp[sp + k]))
			return 0;
	if (set_attr(c, "pads", cp, 2 * sp, true) < 0 ||
	    (avg && set_attr(c, "count_include_pad", &one, 1, false) < 0))
		return -1;
	pass_report_node(ctx, DIAG_F_PAD_MERGED, n, "'%s' into the pads of "
	    "%s '%s', which now reads '%s'", diag_esc(b1, y->name), c->op_type,
	    diag_esc(b2, c->outputs[0] != NULL ? c->outputs[0]->name : ""),
	    diag_esc(b3, n->inputs[0]->name));
	if (ir_node_set_input(c, 0, n->inputs[0]) < 0)
		return -1;
	ir_node_kill(n);
	return 1;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t ng, i, j;
	int64_t opset = ir_model_opset(ctx->m, "");
	bool any = false;

	ng = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];
		const struct ir_graph *top = g;
		bool changed = false;

		while (top->parent != NULL)
			top = top->parent;
		if (top->kind == IR_GRAPH_FUNCTION)
			continue;	/* outputs are the signature */
		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *n = g->nodes[j];
			const char *why = NULL;
			int rc, ix = 0;

			if (n->dead || !ir_domain_is_onnx(n->domain) ||
			    n->ninputs < 1 || n->noutputs < 1 ||
			    n->inputs[0] == NULL || n->outputs[0] == NULL ||
			    n->nimplicit > 0)
				continue;
			if (strcmp(n->op_type, "Pad") == 0 && (rc =
			    merge_pad(ctx, n, opset)) != 0) {
				if (rc < 0)
					return -1;
				changed = true;
				continue;
			}
			if (strcmp(n->op_type, "Identity") == 0) {
				if (n->ninputs != 1 || n->noutputs != 1 ||
				    n->nattrs != 0)
					continue;
			} else if ((rc = noop(ctx, n, opset, &why, &ix)) <= 0) {
				if (rc < 0)
					return -1;
				continue;
			}
			if ((rc = remove_one(ctx, n, n->inputs[ix], why)) < 0)
				return -1;
			if (rc > 0)
				changed = true;
		}
		if (changed) {
			ir_graph_compact(g);
			any = true;
		}
	}
	if (any) {
		ctx->changed = true;
		if (ir_rebuild_implicit(ctx->m) < 0)
			return -1;
	}
	return 0;
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->inference ? "--inference" : NULL;
}

const struct pass pass_identity = {
	"identity", PASS_REWRITE,
	"remove Identity nodes and no-ops, keeping graph output names",
	run, asked,
};
