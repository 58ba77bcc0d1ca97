/* SPDX-License-Identifier: MIT */
/*
 * dce: remove nodes whose outputs reach no graph output, initializers no
 * node uses, and value_info entries left describing removed values; and
 * clear the negative dim_values of declarations (an exporter's "dynamic",
 * which ONNX Runtime reads as unknown and onnx's checker as a size: the
 * dim is left with neither value nor name, which both read as unknown).
 *
 * Exporters leave dead branches and unused weights behind (shape
 * computations whose result was folded, parameters of removed layers);
 * they cost load time, memory and file size.  Liveness starts from each
 * graph's outputs and follows inputs and subgraph (outer-scope) uses; a
 * node holding subgraphs dies with everything inside them.  Initializers
 * that are also graph inputs are part of the interface and stay.  Runs
 * to a fixed point, deepest graphs first.
 * Requires: nothing.  Preserves: graph inputs and outputs, live nodes and
 * their order.
 *
 *	before:  A = Relu(X)   B = Neg(X)   output A   initializer W unused
 *	after:   A = Relu(X)                output A
 */
#include <stdio.h>
#include <string.h>

#include "pass.h"

/*
 * Add N and every node of every subgraph inside it to *KILL (*NKILL of
 * *CAP), without recursion.
 */
static int
collect_deep(struct pass_ctx *ctx, struct ir_node *n, struct ir_node ***kill,
    size_t *nkill, size_t *cap)
{
	size_t from = *nkill, k;

	if (arena_grow(&ctx->scratch, (void **)kill, cap, *nkill + 1,
	    sizeof(**kill)) < 0)
		return -1;
	(*kill)[(*nkill)++] = n;
	/* The list is its own work list: each node's subgraphs are
	 * appended after it. */
	for (; from < *nkill; from++) {
		struct ir_node *x = (*kill)[from];
		struct ir_graph *subs[64], **all = subs;
		size_t ns = ir_node_subgraphs(x, subs, 64), j;

		if (ns > 64) {
			/* More than 64 graph attributes: fetch them all. */
			if ((all = arena_array(&ctx->scratch, ns,
			    sizeof(*all))) == NULL)
				return -1;
			ir_node_subgraphs(x, all, ns);
		}
		for (j = 0; j < ns; j++) {
			struct ir_graph *s = all[j];

			if (arena_grow(&ctx->scratch, (void **)kill, cap,
			    *nkill + s->nnodes, sizeof(**kill)) < 0)
				return -1;
			for (k = 0; k < s->nnodes; k++)
				if (!s->nodes[k]->dead)
					(*kill)[(*nkill)++] = s->nodes[k];
		}
	}
	return 0;
}

/* Queue the producer of V when it is a node of G not queued yet. */
static void
mark(struct ir_graph *g, const struct ir_value *v, bool *live,
    struct ir_node **work, size_t *nw)
{
	struct ir_node *p;

	if (v == NULL || v->graph != g || v->kind != IR_VALUE_NODE ||
	    (p = v->producer) == NULL || p->dead || p->graph != g ||
	    p->index >= g->nnodes || g->nodes[p->index] != p ||
	    live[p->index])
		return;
	live[p->index] = true;
	work[(*nw)++] = p;
}

static int
sweep_nodes(struct pass_ctx *ctx, struct ir_graph *g, bool *changed)
{
	struct ir_node **work, **kill = NULL;
	bool *live;
	size_t nw = 0, nkill = 0, cap = 0, i, j;
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];

	if (g->nnodes == 0)
		return 0;
	/* A node is marked live when it is queued, so each is queued at
	 * most once: the list holds the nodes, however many edges (a value
	 * used 10,000 times by one node, or by every later node) lead to
	 * them. */
	live = arena_array(&ctx->scratch, g->nnodes, sizeof(*live));
	work = arena_array(&ctx->scratch, g->nnodes, sizeof(*work));
	if (live == NULL || work == NULL)
		return -1;
	for (i = 0; i < g->nnodes; i++)
		g->nodes[i]->index = (unsigned)i;
	for (i = 0; i < g->noutputs; i++)
		mark(g, g->outputs[i].value, live, work, &nw);
	while (nw > 0) {
		struct ir_node *p = work[--nw];

		for (j = 0; j < p->ninputs + p->nimplicit; j++)
			mark(g, j < p->ninputs ? p->inputs[j] :
			    p->implicit[j - p->ninputs], live, work, &nw);
	}
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];

		if (live[i] || n->dead)
			continue;
		/* A node an earlier pass made is no change to the input. */
		if (ir_node_loaded(n))
			pass_report_node(ctx, DIAG_F_DEAD_NODE, n, "'%s'",
			    diag_esc(b, n->outputs && n->noutputs &&
			    n->outputs[0] ? n->outputs[0]->name : ""));
		if (collect_deep(ctx, n, &kill, &nkill, &cap) < 0)
			return -1;
		*changed = true;
	}
	/* All at once: one at a time, 100,000 dead consumers of one value
	 * would each move the rest of its use list. */
	if (nkill > 0)
		ir_nodes_kill(&ctx->scratch, kill, nkill);
	ir_graph_compact(g);
	(void)path;
	return 0;
}

static bool
value_gone(const struct ir_value *v)
{
	if (v == NULL)
		return false;
	if (v->kind == IR_VALUE_NODE)
		return v->producer == NULL || v->producer->dead;
	if (v->kind == IR_VALUE_INITIALIZER)
		return v->init != NULL && v->nuses == 0 && v->noutputs == 0;
	return false;
}

static void
sweep_inits(struct pass_ctx *ctx, struct ir_graph *g, bool *changed)
{
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];
	size_t i;

	ir_graph_path(g, path, sizeof(path));
	for (i = 0; i < g->ninits; i++) {
		struct ir_tensor *t = g->inits[i];
		struct ir_value *v;

		if (t == NULL)
			continue;
		v = hmap_get(&g->names, t->name);
		if (v == NULL || v->init != t || v->is_input || v->nuses ||
		    v->noutputs)
			continue;
		if (t->orig != NULL)
			diag_report(ctx->d, DIAG_F_DEAD_INIT, path, "'%s'",
			    diag_esc(b, t->name));
		g->inits[i] = NULL;
		v->init = NULL;
		v->kind = IR_VALUE_UNDEFINED;
		*changed = true;
	}
	for (i = 0; i < g->nvalue_info; i++) {
		struct ir_vinfo *s = &g->value_info[i];

		if (s->name == NULL || s->value == NULL)
			continue;
		if (!value_gone(s->value) &&
		    !(s->value->kind == IR_VALUE_UNDEFINED &&
		    s->value->init == NULL && s->value->nuses == 0))
			continue;
		if (s->orig != NULL)
			diag_report(ctx->d, DIAG_F_DEAD_VALUE_INFO, path,
			    "'%s'", diag_esc(b, s->name));
		s->name = NULL;
		*changed = true;
	}
}

/* Clear the negative dim_values of G's declared tensor types. */
static void
clear_negative(struct pass_ctx *ctx, struct ir_graph *g)
{
	struct ir_vinfo *lists[3] = { g->inputs, g->outputs, g->value_info };
	size_t counts[3] = { g->ninputs, g->noutputs, g->nvalue_info };
	static const char *const kinds[] = { "input", "output",
	    "value_info" };
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];
	size_t k, i;
	int j;

	for (k = 0; k < 3; k++)
		for (i = 0; i < counts[k]; i++) {
			struct ir_vinfo *vi = &lists[k][i];
			struct ir_type *t = &vi->type;
			size_t from = ctx->d->n;
			int cleared = 0;

			if (vi->name == NULL || t->kind != IR_TYPE_TENSOR ||
			    t->dims == NULL)
				continue;
			for (j = 0; j < t->rank; j++)
				if (t->dims[j].kind == IR_DIM_VALUE &&
				    t->dims[j].value < 0) {
					t->dims[j].kind = IR_DIM_UNKNOWN;
					t->dims[j].value = 0;
					cleared++;
				}
			if (cleared == 0)
				continue;
			t->dirty = true;
			ctx->changed = true;
			diag_report(ctx->d, DIAG_F_NEG_DIM, ir_graph_path(g,
			    path, sizeof(path)), "%s '%s': %d dim%s",
			    kinds[k], diag_esc(b, vi->name), cleared,
			    cleared == 1 ? "" : "s");
			diag_name_value(ctx->d, from, vi->name);
		}
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	bool changed = true;
	size_t n, i;

	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++)
		if (graphs[i]->kind != IR_GRAPH_FUNCTION &&
		    graphs[i]->kind != IR_GRAPH_TRAINING)
			clear_negative(ctx, graphs[i]);

	while (changed) {
		changed = false;
		n = ir_model_graphs(ctx->m, &graphs);
		for (i = n; i-- > 0;) {
			if (graphs[i]->kind == IR_GRAPH_FUNCTION)
				continue;	/* outputs are the signature */
			if (sweep_nodes(ctx, graphs[i], &changed) < 0)
				return -1;
		}
		if (ir_rebuild_implicit(ctx->m) < 0)
			return -1;
		for (i = n; i-- > 0;)
			if (graphs[i]->kind != IR_GRAPH_FUNCTION)
				sweep_inits(ctx, graphs[i], &changed);
		if (changed)
			ctx->changed = true;
	}
	return 0;
}

const struct pass pass_dce = {
	"dce", PASS_REWRITE,
	"remove dead nodes, unused initializers and stale value_info; "
	    "clear negative dims",
	run, NULL,
};
