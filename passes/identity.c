/* SPDX-License-Identifier: MIT */
/*
 * identity: remove Identity nodes, keeping every graph output's name.
 *
 * Exporters leave Identity nodes behind (renamed outputs, removed
 * Dropouts, control-flow plumbing) and rewrites can too; they cost a copy
 * each in some runtimes and clutter the graph.  An Identity whose output
 * is not a graph output is bypassed: its users read its input.  One that
 * produces a graph output from a value another node of the same graph
 * produces moves the output name to that producer instead.  One that
 * produces a graph output from a graph input, an initializer, a value of
 * an enclosing graph or another graph output stays: the graph needs it to
 * have that output name.  Function bodies are left alone.
 * Requires: nothing.  Preserves: graph inputs and outputs and their
 * names, values.
 *
 *	before:  a = Relu(x)   b = Identity(a)   c = Neg(b)   output c
 *	after:   a = Relu(x)   c = Neg(a)                     output c
 */
#include <stdio.h>
#include <string.h>

#include "pass.h"

static const char *
esc(char *buf, const char *s)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, s);
}

static int
remove_one(struct pass_ctx *ctx, struct ir_node *n)
{
	struct ir_value *x = n->inputs[0], *y = n->outputs[0];
	struct ir_graph *g = n->graph;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	struct ir_node *p;

	/* y = Identity(y): a cycle (check's S214); nothing to bypass */
	if (x == y)
		return 0;
	if (y->noutputs == 0) {
		pass_report_node(ctx, DIAG_F_IDENTITY, n, "users of '%s' now read "
		    "'%s'", esc(b1, y->name), esc(b2, x->name));
		if (ir_value_replace_uses(y, x) < 0)
			return -1;
		ir_node_kill(n);
		return 1;
	}
	p = x->producer;
	if (x->kind != IR_VALUE_NODE || x->graph != g || p == NULL ||
	    p->dead || x->noutputs > 0 || x->duplicate || y->duplicate)
		return 0;
	pass_report_node(ctx, DIAG_F_IDENTITY, n, "'%s', a graph output, "
	    "now made by the node that made '%s'", esc(b2, y->name),
	    esc(b1, x->name));
	ir_node_kill(n);
	if (ir_value_replace_uses(x, y) < 0)
		return -1;
	ir_node_set_output(p, (size_t)x->out_index, y);
	/* X names nothing any more; dce drops its value_info. */
	x->producer = NULL;
	return 1;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t ng, i, j;
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
			int rc;

			if (n->dead || strcmp(n->op_type, "Identity") != 0 ||
			    !ir_domain_is_onnx(n->domain) || n->ninputs != 1 ||
			    n->noutputs != 1 || n->inputs[0] == NULL ||
			    n->outputs[0] == NULL || n->nattrs != 0)
				continue;
			if ((rc = remove_one(ctx, n)) < 0)
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
	"remove Identity nodes, keeping graph output names",
	run,
};
