/* SPDX-License-Identifier: MIT */
/*
 * bn-normalize: bring every BatchNormalization to the modern inference
 * form, and with --bn-convention to a framework's epsilon and momentum.
 *
 * What it does, per node (the op version stays the one the model's opset
 * import selects; nothing here changes an output unless said so):
 *  - --bn-convention C: epsilon and momentum set to C's values (see bn.h);
 *    the note gives the output-scale change that bn-check computes.  This
 *    is the only change of outputs, so epsilon is never touched without
 *    the option.
 *  - momentum 0.1 (a PyTorch momentum copied without 1 - m) becomes 0.9;
 *    momentum has no effect at inference.
 *  - Training mode (training_mode=1 at opset >= 14, statistics outputs at
 *    opsets 7-13, is_test=0 below 7) becomes inference mode with
 *    --inference when the statistics outputs are unused: they are dropped
 *    and training_mode is removed (is_test=1 below opset 7).  That
 *    changes outputs (the specification's training mode, and ONNX
 *    Runtime, normalise with the batch's statistics, inference mode with
 *    the running ones), so without the option the node stays, with a
 *    warning.
 *  - Attributes the node's opset no longer defines are removed:
 *    consumed_inputs from opset 6, is_test from opset 7, spatial=1 (the
 *    default wherever it exists) at any opset.  Below opset 6
 *    consumed_inputs is required and stays.
 *  - spatial=0 (per-activation statistics, opsets 1-8) in inference with
 *    constant parameters becomes Y = X * s + t with s = scale /
 *    sqrt(var + eps) and t = B - mean * s shaped like the parameters
 *    (C x D1 x ... x Dn), which broadcast against X at every opset
 *    (broadcast=1 below opset 7).
 * Requires: nothing.  Preserves: graph inputs and outputs, node order.
 *
 *	before:  Y, rm, rv = BatchNormalization(X, ..., training_mode=1,
 *	                     momentum=0.1)   rm, rv unused
 *	after:   Y = BatchNormalization(X, ..., momentum=0.9)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bn.h"

struct state {
	size_t cap;	/* initializer list capacity of the current graph */
};

static void
set_eps_momentum(struct pass_ctx *ctx, struct ir_node *n,
    const struct bn_attrs *a)
{
	enum onnxfix_convention c = ctx->o->bn_convention;
	char ib[256];

	if (c != ONNXFIX_CONV_NONE && !bn_conv_eps_ok(c, a->eps)) {
		struct bn_impact imp;
		double target = bn_conv_eps(c);

		bn_impact(&ctx->scratch, n, a->eps, target, &imp);
		if (bn_set_float(n, "epsilon", (float)target) < 0)
			return;
		pass_report_node(ctx, DIAG_F_BN_EPS, n, "%.7g -> %.7g (%s): %s",
		    a->eps, target, bn_conv_name(c),
		    bn_impact_str(ib, sizeof(ib), &imp));
		ctx->changed = true;
	}
	if (c != ONNXFIX_CONV_NONE && bn_conv_momentum(c) >= 0 &&
	    !bn_float_eq(a->momentum, bn_conv_momentum(c))) {
		if (bn_set_float(n, "momentum",
		    (float)bn_conv_momentum(c)) < 0)
			return;
		pass_report_node(ctx, bn_float_eq(a->momentum, 0.1) ?
		    DIAG_F_BN_MOMENTUM_TORCH : DIAG_F_BN_MOMENTUM, n,
		    "%.7g -> %.7g (%s); no effect at inference", a->momentum,
		    bn_conv_momentum(c), bn_conv_name(c));
		ctx->changed = true;
		return;
	}
	if (bn_float_eq(a->momentum, 0.1) && (c == ONNXFIX_CONV_NONE ||
	    bn_conv_momentum(c) < 0)) {
		if (bn_set_float(n, "momentum", 0.9f) < 0)
			return;
		pass_report_node(ctx, DIAG_F_BN_MOMENTUM_TORCH, n,
		    "0.1 -> 0.9; no effect at inference");
		ctx->changed = true;
	}
}

/* Drop N's statistics outputs (all unused). */
static void
drop_extra_outputs(struct ir_node *n)
{
	size_t i;

	for (i = 1; i < n->noutputs; i++)
		if (n->outputs[i] != NULL)
			n->outputs[i]->producer = NULL;
	n->noutputs = 1;
	n->dirty = true;
}

/* Returns true when N is (now) in inference mode. */
static bool
to_inference(struct pass_ctx *ctx, struct ir_node *n,
    const struct bn_attrs *a)
{
	if (!a->training)
		return true;
	if (a->extra_used > 0) {
		pass_report_node(ctx, DIAG_F_BN_TRAINING_KEPT, n,
		    "%zu of %zu statistics outputs are used", a->extra_used,
		    a->extra_outputs);
		return false;
	}
	if (ctx->o == NULL || !ctx->o->inference) {
		pass_report_node(ctx, DIAG_F_BN_TRAINING_KEPT, n,
		    "inference mode would change its outputs where a runtime "
		    "honours training mode (ONNX Runtime normalises with the "
		    "batch's statistics); --inference makes that change");
		return false;
	}
	drop_extra_outputs(n);
	if (a->opset >= 14) {
		bn_drop_attr(n, "training_mode");
		pass_report_node(ctx, DIAG_F_BN_INFERENCE, n,
		    "training_mode=1 removed, %zu unused statistics outputs "
		    "dropped", a->extra_outputs);
	} else if (a->opset >= 7) {
		pass_report_node(ctx, DIAG_F_BN_INFERENCE, n,
		    "%zu unused statistics outputs dropped", a->extra_outputs);
	} else {
		if (bn_set_int(n, "is_test", 1) < 0)
			return false;
		pass_report_node(ctx, DIAG_F_BN_INFERENCE, n,
		    "is_test=1 set at opset %lld, %zu unused statistics "
		    "output%s dropped", (long long)a->opset, a->extra_outputs,
		    a->extra_outputs == 1 ? "" : "s");
	}
	ctx->changed = true;
	return true;
}

static void
legacy_attrs(struct pass_ctx *ctx, struct ir_node *n,
    const struct bn_attrs *a)
{
	if (a->has_consumed) {
		if (a->opset >= 6) {
			bn_drop_attr(n, "consumed_inputs");
			pass_report_node(ctx, DIAG_F_BN_LEGACY_ATTR, n,
			    "'consumed_inputs' (opset %lld does not define it)",
			    (long long)a->opset);
			ctx->changed = true;
		} else {
			pass_report_node(ctx, DIAG_F_BN_LEGACY_KEPT, n,
			    "opset %lld requires 'consumed_inputs'",
			    (long long)a->opset);
		}
	}
	if (a->has_is_test && a->opset >= 7) {
		bn_drop_attr(n, "is_test");
		pass_report_node(ctx, DIAG_F_BN_LEGACY_ATTR, n,
		    "'is_test=%lld' (opset %lld does not define it)",
		    (long long)a->is_test, (long long)a->opset);
		ctx->changed = true;
	}
	if (a->has_spatial && a->spatial != 0) {
		bn_drop_attr(n, "spatial");
		pass_report_node(ctx, DIAG_F_BN_LEGACY_ATTR, n,
		    "'spatial=%lld' (%s)", (long long)a->spatial,
		    a->opset >= 9 ? "not defined since opset 9" :
		    "the default");
		ctx->changed = true;
	}
}

/* spatial=0 -> Mul and Add; returns the reason when it cannot. */
static const char *
nonspatial(struct pass_ctx *ctx, struct state *s, struct ir_node *n,
    const struct bn_attrs *a)
{
	struct ir_graph *g = n->graph;
	const struct ir_tensor *p[4];
	const struct ir_value *x = n->inputs[0];
	double *v[4], *sc, *sh;
	struct ir_value *sv, *tv, *mid;
	struct ir_node *mul, *add;
	int64_t cnt, i;
	int k;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	const char *name;

	if (g->kind == IR_GRAPH_FUNCTION)
		return "in a function body (no initializers)";
	if (n->ninputs < 5 || x == NULL)
		return "an input is absent";
	for (k = 0; k < 4; k++)
		if ((p[k] = bn_const(n->inputs[k + 1])) == NULL)
			return "a parameter is not a constant initializer";
	cnt = bn_count(p[0]);
	for (k = 0; k < 4; k++) {
		int rc = bn_count(p[k]) != cnt || p[k]->rank != p[0]->rank ?
		    1 : bn_read_f64(&ctx->scratch, p[k], cnt, &v[k]);

		if (rc < 0)
			return NULL;	/* out of budget */
		if (rc > 0)
			return "parameters differ in shape or are not "
			    "readable floats";
	}
	if (x->type.kind != IR_TYPE_TENSOR || x->type.rank < 2 ||
	    x->type.rank - 1 != p[0]->rank)
		return "the input's rank is unknown or does not match the "
		    "parameters (C x D1 x ... x Dn)";
	for (k = 0; k < p[0]->rank; k++)
		if (x->type.dims[k + 1].kind != IR_DIM_VALUE ||
		    x->type.dims[k + 1].value != p[0]->dims[k])
			return "the parameters' shape is not the input's "
			    "C x D1 x ... x Dn";
	if (x->type.elem != p[0]->elem)
		return "parameters and input differ in element type";
	sc = arena_array(&ctx->scratch, (size_t)cnt + 1, sizeof(*sc));
	sh = arena_array(&ctx->scratch, (size_t)cnt + 1, sizeof(*sh));
	if (sc == NULL || sh == NULL)
		return NULL;
	for (i = 0; i < cnt; i++) {
		sc[i] = v[0][i] / sqrt(v[3][i] + (double)(float)a->eps);
		sh[i] = v[1][i] - v[2][i] * sc[i];
	}
	sv = bn_new_init(g, &s->cap, arena_printf(&g->model->arena,
	    "%s_bn_scale", n->outputs[0]->name), p[0]->elem, p[0]->rank,
	    p[0]->dims, sc);
	tv = bn_new_init(g, &s->cap, arena_printf(&g->model->arena,
	    "%s_bn_shift", n->outputs[0]->name), p[0]->elem, p[0]->rank,
	    p[0]->dims, sh);
	if (sv == NULL || tv == NULL)
		return NULL;
	name = arena_printf(&g->model->arena, "%s_bn_scaled",
	    n->outputs[0]->name);
	if (name == NULL || (name = ir_unique_name(g, name)) == NULL)
		return NULL;
	mid = ir_value_new(g, name, IR_VALUE_NODE);
	mul = ir_node_new(g, "Mul", n->domain, n->name ? arena_printf(
	    &g->model->arena, "%s_mul", n->name) : NULL, 2, 1);
	add = ir_node_new(g, "Add", n->domain, n->name, 2, 1);
	if (mid == NULL || mul == NULL || add == NULL)
		return NULL;
	mid->type = x->type;
	ir_node_set_output(mul, 0, mid);
	if (ir_node_set_input(mul, 0, n->inputs[0]) < 0 ||
	    ir_node_set_input(mul, 1, sv) < 0 ||
	    ir_node_set_input(add, 0, mid) < 0 ||
	    ir_node_set_input(add, 1, tv) < 0)
		return NULL;
	if (a->opset < 7 && (bn_set_int(mul, "broadcast", 1) < 0 ||
	    bn_set_int(add, "broadcast", 1) < 0))
		return NULL;
	pass_report_node(ctx, DIAG_F_BN_NONSPATIAL, n, "%lld per-activation "
	    "parameters folded into '%s' and '%s'", (long long)cnt,
	    diag_escape_str(b1, sizeof(b1), sv->name),
	    diag_escape_str(b2, sizeof(b2), tv->name));
	ir_node_kill(n);
	drop_extra_outputs(n);
	ir_node_set_output(add, 0, n->outputs[0]);
	n->noutputs = 0;
	bn_move_after(mul, n);
	bn_move_after(add, mul);
	ctx->changed = true;
	return "";
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct state s;
	size_t ng, gi, i;

	ng = ir_model_graphs(ctx->m, &graphs);
	for (gi = 0; gi < ng; gi++) {
		struct ir_graph *g = graphs[gi];

		if (g->kind == IR_GRAPH_TRAINING)
			continue;
		s.cap = 0;
		for (i = 0; i < g->nnodes; i++) {
			struct ir_node *n = g->nodes[i];
			struct bn_attrs a;
			const char *why;

			if (!bn_is_bn(n))
				continue;
			bn_read(n, &a);
			set_eps_momentum(ctx, n, &a);
			if (!to_inference(ctx, n, &a))
				continue;
			legacy_attrs(ctx, n, &a);
			if (!a.has_spatial || a.spatial != 0)
				continue;
			bn_read(n, &a);
			why = nonspatial(ctx, &s, n, &a);
			if (why == NULL)
				return -1;
			if (*why != '\0')
				pass_report_node(ctx, DIAG_F_BN_LEGACY_KEPT, n,
				    "spatial=0 stays: %s", why);
		}
	}
	/* Subgraphs may no longer use the outer parameters. */
	return ctx->changed && ctx->m->graph != NULL && ng > 1 ?
	    ir_rebuild_implicit(ctx->m) : 0;
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->bn_convention != ONNXFIX_CONV_NONE ? "--bn-convention" :
	    o->inference ? "--inference" : NULL;
}

const struct pass pass_bn_normalize = {
	"bn-normalize", PASS_REWRITE,
	"BatchNormalization: inference form, legacy attributes, conventions",
	run, asked,
};
