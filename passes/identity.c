/* SPDX-License-Identifier: MIT */
/*
 * identity: remove Identity nodes and the nodes that do nothing at
 * inference, keeping every graph output's name.
 *
 * Exporters leave Identity nodes behind (renamed outputs, removed
 * Dropouts, control-flow plumbing) and rewrites can too; they cost a copy
 * each in some runtimes and clutter the graph.  So do nodes that pass
 * their input through unchanged at inference: Dropout (ratio 0, or
 * training_mode absent or constant false, its mask unused), Cast to the
 * type its input has, Concat of one input, Reshape and Expand to the
 * shape their input has, Slice of the whole (positive steps, the shape
 * unchanged), Pad by constant zeros and Tile by constant ones.  Shapes
 * count only where they are sure: a graph input's, an initializer's, or
 * one inference derived in full.
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
#include <stdio.h>
#include <string.h>

#include "fold.h"
#include "pass.h"

static const char *
esc(char *buf, const char *s)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, s);
}

/*
 * Bypass N, whose output 0 equals its input X; WHY NULL: an Identity
 * (F390), else what makes N a no-op (F394).
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
		    "'%s'", why ? why : "", why ? ": " : "", esc(b1, y->name),
		    esc(b2, x->name));
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
	    esc(b2, y->name), esc(b1, x->name));
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
 * Is N a no-op at inference?  1 with the reason in *WHY, 0 not (or not
 * sure), -1 out of budget.  Its output 0 then equals its input 0.
 */
static int
noop(struct pass_ctx *ctx, const struct ir_node *n, int64_t opset,
    const char **why)
{
	const char *op = n->op_type;
	const struct ir_value *x = n->inputs[0], *y = n->outputs[0];
	struct cval c;
	size_t k;
	int rc;

	if (strcmp(op, "Dropout") == 0) {
		if (n->noutputs > 2 || !unused_out(n, 1))
			return 0;
		if (opset < 7)
			return fold_attr_int(n, "is_test", 0) != 0 ?
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
		if (n->ninputs < 2 || n->inputs[1] == NULL ||
		    (rc = read_const(ctx, n->inputs[1], &c)) <= 0)
			return rc;
		if (c.n == 1 && !c.isint && c.f[0] == 0) {
			*why = "Dropout, ratio 0";
			return 1;
		}
		return 0;
	}
	if (n->noutputs != 1)
		return 0;
	if (strcmp(op, "Cast") == 0 && opset >= 6 && n->ninputs == 1) {
		int64_t to = fold_attr_int(n, "to", -1);

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
			int rc;

			if (n->dead || !ir_domain_is_onnx(n->domain) ||
			    n->ninputs < 1 || n->noutputs < 1 ||
			    n->inputs[0] == NULL || n->outputs[0] == NULL ||
			    n->nimplicit > 0)
				continue;
			if (strcmp(n->op_type, "Identity") == 0) {
				if (n->ninputs != 1 || n->noutputs != 1 ||
				    n->nattrs != 0)
					continue;
			} else if ((rc = noop(ctx, n, opset, &why)) <= 0) {
				if (rc < 0)
					return -1;
				continue;
			}
			if ((rc = remove_one(ctx, n, n->inputs[0], why)) < 0)
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

const struct pass pass_identity = {
	"identity", PASS_REWRITE,
	"remove Identity nodes and no-ops, keeping graph output names",
	run,
};
