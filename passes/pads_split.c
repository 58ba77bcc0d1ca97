/* SPDX-License-Identifier: MIT */
/*
 * pads-split (fix --pads split): a Conv with asymmetric explicit pads
 * becomes a Pad (constant 0) of the difference followed by the Conv with
 * symmetric pads, the form every runtime and converter reads alike
 * (TensorFlow's SAME written out as explicit pads is the common case).
 * Padding with zeros first is exactly what Conv's own padding does, so
 * the result is the same.  Pools are left alone (MaxPool pads with -inf,
 * AveragePool excludes pads unless count_include_pad), as are
 * ConvTranspose (its pads crop), auto_pad nodes and negative pads.  Only
 * runs with --pads split.
 * Requires: a loaded model.
 * Preserves: what every node computes.
 *
 *	before:  Conv(X, W) pads=[0,0,1,1]
 *	after:   Pad(X, [0,0,0,0,0,0,1,1]) -> Conv(., W) pads=[0,0,0,0]
 */
#include <stdio.h>
#include <string.h>

#include "ir/irbuild.h"
#include "pass.h"

#define SPATIAL_MAX 8

/* N is a Conv whose explicit pads differ between begin and end: the
 * spatial count, else 0. */
static size_t
asymmetric(const struct ir_node *n)
{
	const struct ir_attr *ap = ir_node_attr(n, "auto_pad");
	const struct ir_attr *p = ir_node_attr(n, "pads");
	size_t k, i;
	bool asym = false;

	if (!ir_is_op(n, "Conv") || n->ninputs < 2 || n->inputs[0] == NULL ||
	    (ap != NULL && !(ap->type == IR_ATTR_STRING && ap->slen == 6 &&
	    memcmp(ap->s, "NOTSET", 6) == 0)) ||
	    p == NULL || p->type != IR_ATTR_INTS || p->n == 0 ||
	    p->n % 2 != 0 || (k = p->n / 2) > SPATIAL_MAX)
		return 0;
	for (i = 0; i < 2 * k; i++)
		if (p->ints[i] < 0)
			return 0;
	for (i = 0; i < k; i++)
		if (p->ints[i] != p->ints[i + k])
			asym = true;
	return asym ? k : 0;
}

static int
split(struct pass_ctx *ctx, struct ir_graph *g, struct ir_node *n, size_t k)
{
	struct ir_attr *p = ir_node_attr(n, "pads");
	int64_t opset = ir_node_opset(n);
	int64_t full[2 * (SPATIAL_MAX + 2)], *sym;
	size_t rank = k + 2, i, first = g->nnodes;
	struct ir_value *in[2];
	struct ir_node *pad;
	char base[224];

	if (opset < 2)
		return 0;
	memset(full, 0, sizeof(full));
	for (i = 0; i < k; i++) {
		int64_t b = p->ints[i], e = p->ints[i + k];
		int64_t m = b < e ? b : e;

		full[2 + i] = b - m;
		full[rank + 2 + i] = e - m;
	}
	in[0] = n->inputs[0];
	in[1] = NULL;
	if (opset >= 11 && (in[1] = irbuild_ints(g, "pads", full,
	    2 * rank)) == NULL)
		return -1;
	snprintf(base, sizeof(base), "%.200s_pad", n->name != NULL &&
	    n->name[0] ? n->name : "conv");
	if ((pad = irbuild_node(g, "Pad", "", in, opset >= 11 ? 2 : 1, 1,
	    base)) == NULL)
		return -1;
	if (opset < 11 && (irbuild_attr_ints(pad, "pads", full, 2 * rank) < 0 ||
	    irbuild_attr_s(pad, "mode", "constant") < 0))
		return -1;
	if ((sym = arena_array(&g->model->arena, 2 * k + 1,
	    sizeof(*sym))) == NULL)
		return -1;
	for (i = 0; i < k; i++) {
		int64_t b = p->ints[i], e = p->ints[i + k];

		sym[i] = sym[i + k] = b < e ? b : e;
	}
	p->ints = sym;
	p->dirty = true;
	n->dirty = true;
	if (ir_node_set_input(n, 0, pad->outputs[0]) < 0)
		return -1;
	irbuild_place(g, first, n);
	pass_report_node(ctx, DIAG_F_PADS_SPLIT, n, "pads of %zu spatial "
	    "axes: the difference is a Pad in front, the Conv's pads are "
	    "symmetric", k);
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct ir_node **todo;
	size_t ng, i, j, nt;

	if (ctx->o == NULL || !ctx->o->pads_split)
		return 0;
	ng = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];

		if ((g->kind != IR_GRAPH_MAIN && g->kind != IR_GRAPH_SUB) ||
		    g->nnodes == 0)
			continue;
		/* the candidates first: split() inserts nodes */
		if ((todo = arena_array(&ctx->scratch, g->nnodes,
		    sizeof(*todo))) == NULL)
			return -1;
		for (j = 0, nt = 0; j < g->nnodes; j++)
			if (asymmetric(g->nodes[j]) > 0)
				todo[nt++] = g->nodes[j];
		for (j = 0; j < nt; j++) {
			if (split(ctx, g, todo[j], asymmetric(todo[j])) < 0)
				return -1;
			ctx->changed = true;
		}
	}
	return 0;
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->pads_split ? "--pads split" : NULL;
}

const struct pass pass_pads_split = {
	"pads-split", PASS_REWRITE,
	"fix --pads split: asymmetric Conv pads as a Pad and symmetric pads",
	run, asked,
};
