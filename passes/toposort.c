/* SPDX-License-Identifier: MIT */
/*
 * toposort: put every graph's nodes in topological order.
 *
 * ONNX requires nodes to be sorted (IR.md), and runtimes and the onnx
 * checker reject graphs that are not; hand-edited models and some
 * converters produce them.  The sort is stable: a node moves only when a
 * value it uses would otherwise come later, so a sorted graph is left
 * exactly as it was.  Uses inside subgraphs count as uses by the node
 * holding the subgraph.  A graph with a cycle cannot be sorted: it is
 * left unchanged with a warning.
 * Requires: nothing.  Preserves: values, names, interface.
 *
 *	before:  n0: B = Relu(A)   n1: A = Neg(X)
 *	after:   n0: A = Neg(X)    n1: B = Relu(A)
 */
#include <stdio.h>
#include <string.h>

#include "pass.h"

static int
sort_graph(struct pass_ctx *ctx, struct ir_graph *g)
{
	struct ir_node **order, *cycle = NULL;
	char path[IR_PATH_SIZE];
	size_t i, moved = 0;
	int rc;

	if (g->nnodes < 2)
		return 0;
	order = arena_array(&ctx->scratch, g->nnodes, sizeof(*order));
	if (order == NULL)
		return -1;
	rc = ir_graph_toposort(g, order, &cycle);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		pass_report_node(ctx, DIAG_F_CYCLE_KEPT, cycle, NULL);
		return 0;
	}
	for (i = 0; i < g->nnodes; i++)
		if (order[i] != g->nodes[i])
			moved++;
	if (moved == 0)
		return 0;
	memcpy(g->nodes, order, g->nnodes * sizeof(*order));
	for (i = 0; i < g->nnodes; i++)
		g->nodes[i]->index = (unsigned)i;
	ctx->changed = true;
	diag_report(ctx->d, DIAG_F_RESORTED, ir_graph_path(g, path,
	    sizeof(path)), "%zu of %zu nodes moved", moved, g->nnodes);
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t n, i;

	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++)
		if (sort_graph(ctx, graphs[i]) < 0)
			return -1;
	return 0;
}

const struct pass pass_toposort = {
	"toposort", PASS_REWRITE,
	"sort nodes into topological order (stable)",
	run, NULL,
};
