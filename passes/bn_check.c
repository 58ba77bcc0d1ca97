/* SPDX-License-Identifier: MIT */
/*
 * bn-check: BatchNormalization epsilon and momentum against the framework
 * conventions, training mode in an inference model, legacy attributes.
 *
 * A model ported between frameworks keeps working but drifts: Keras
 * normalises with epsilon 1e-3, PyTorch and ONNX with 1e-5, TensorFlow's
 * fused kernel clamps epsilon to 1.001e-5, and a PyTorch momentum of 0.1
 * copied without converting it to ONNX's 1 - m convention trains the
 * running statistics the wrong way.  Epsilons are compared after float32
 * rounding with a relative tolerance.  The impact of an epsilon change is
 * computed from the running-variance initializer: the output scale of
 * channel c changes by sqrt((var[c] + eps_found) / (var[c] + eps_expected)).
 * With --expect the model is compared with that convention; without it,
 * values that are not ONNX's defaults and epsilons that differ within one
 * model are reported.  A model-level note names the producer and the
 * conventions found whenever a node has a finding.
 * Requires: nothing.  Preserves: everything (analysis only).
 *
 *	before:  BatchNormalization(epsilon=0.001, momentum=0.99), --expect onnx
 *	report:  warning B600: epsilon differs from the expected convention:
 *	         0.001 (Keras default), expected 1e-05 (onnx): output scale ...
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bn.h"

/* Distinct epsilons of the model, for B602 and the summary. */
#define MAX_EPS 8

struct eps_seen {
	double eps;
	size_t count;
	const struct ir_node *first;
};

struct state {
	struct eps_seen eps[MAX_EPS];
	size_t neps;
	bool more_eps;		/* more than MAX_EPS distinct values */
	size_t nbn;
	size_t nfindings;
	size_t keras, pytorch, tf;	/* nodes matching each default */
};

static const char *
origin_str(char *buf, size_t size, const char *origin)
{
	if (origin == NULL)
		return "";
	snprintf(buf, size, " (%s)", origin);
	return buf;
}

static void
note_eps(struct state *s, const struct ir_node *n, double eps)
{
	size_t i;

	for (i = 0; i < s->neps; i++)
		if (bn_float_eq(s->eps[i].eps, eps)) {
			s->eps[i].count++;
			return;
		}
	if (s->neps == MAX_EPS) {
		s->more_eps = true;
		return;
	}
	s->eps[s->neps].eps = eps;
	s->eps[s->neps].count = 1;
	s->eps[s->neps].first = n;
	s->neps++;
}

static void
check_eps(struct pass_ctx *ctx, struct state *s, const struct ir_node *n,
    const struct bn_attrs *a)
{
	enum onnxfix_convention want = ctx->o->expect;
	char ob[64], ib[256];
	struct bn_impact imp;
	double target;

	if (!a->has_eps) {
		pass_report_node(ctx, DIAG_B_EPS_ABSENT, n, "default 1e-05 "
		    "applies; converters that read the attribute "
		    "unconditionally may fail");
		s->nfindings++;
	}
	if (want != ONNXFIX_CONV_NONE) {
		if (bn_conv_eps_ok(want, a->eps))
			return;
		target = bn_conv_eps(want);
		bn_impact(&ctx->scratch, n, a->eps, target, &imp);
		pass_report_node(ctx, DIAG_B_EPS_EXPECT, n,
		    "%.7g%s, expected %.7g (%s): %s", a->eps,
		    origin_str(ob, sizeof(ob), bn_eps_origin(a->eps)),
		    target, bn_conv_name(want),
		    bn_impact_str(ib, sizeof(ib), &imp));
		s->nfindings++;
		return;
	}
	if (bn_float_eq(a->eps, BN_EPS_DEFAULT))
		return;
	bn_impact(&ctx->scratch, n, a->eps, BN_EPS_DEFAULT, &imp);
	pass_report_node(ctx, DIAG_B_EPS_NONDEFAULT, n,
	    "%.7g%s; against 1e-05: %s", a->eps,
	    origin_str(ob, sizeof(ob), bn_eps_origin(a->eps)),
	    bn_impact_str(ib, sizeof(ib), &imp));
	s->nfindings++;
}

/* Float16 models: epsilon below float16's normal range is subnormal
 * there (1e-5 and 1.001e-5 both become 1.00136e-5) or zero. */
static void
check_fp16(struct pass_ctx *ctx, struct state *s, const struct ir_node *n,
    const struct bn_attrs *a)
{
	const struct ir_value *x = n->inputs[0];
	double h;

	if (x == NULL || x->type.kind != IR_TYPE_TENSOR ||
	    x->type.elem != IR_ELEM_FLOAT16 || a->eps >= 6.103515625e-05)
		return;
	h = bn_round_half(a->eps);
	if (h == 0)
		pass_report_node(ctx, DIAG_B_EPS_FP16, n, "%.7g rounds to "
		    "zero in float16", a->eps);
	else
		pass_report_node(ctx, DIAG_B_EPS_FP16, n, "%.7g is subnormal "
		    "in float16 and rounds to %.7g", a->eps, h);
	s->nfindings++;
}

static void
check_momentum(struct pass_ctx *ctx, struct state *s,
    const struct ir_node *n, const struct bn_attrs *a)
{
	enum onnxfix_convention want = ctx->o->expect;
	char ob[64];
	double target;

	if (bn_float_eq(a->momentum, 0.1)) {
		pass_report_node(ctx, DIAG_B_MOMENTUM_TORCH, n, "momentum 0.1 "
		    "weighs the old running value (ONNX convention), PyTorch's "
		    "0.1 is 0.9 here; no effect at inference");
		s->nfindings++;
		return;
	}
	if (want != ONNXFIX_CONV_NONE) {
		target = bn_conv_momentum(want);
		if (target < 0 || bn_float_eq(a->momentum, target))
			return;
		pass_report_node(ctx, DIAG_B_MOMENTUM_EXPECT, n,
		    "%.7g%s, expected %.7g (%s); no effect at inference",
		    a->momentum, origin_str(ob, sizeof(ob),
		    bn_momentum_origin(a->momentum)), target,
		    bn_conv_name(want));
		s->nfindings++;
		return;
	}
	if (bn_float_eq(a->momentum, BN_MOMENTUM_DEFAULT))
		return;
	pass_report_node(ctx, DIAG_B_MOMENTUM_NONDEFAULT, n,
	    "%.7g%s; no effect at inference", a->momentum,
	    origin_str(ob, sizeof(ob), bn_momentum_origin(a->momentum)));
	s->nfindings++;
}

static void
check_mode(struct pass_ctx *ctx, struct state *s, const struct ir_node *n,
    const struct bn_attrs *a)
{
	if (a->training) {
		if (a->opset >= 14)
			pass_report_node(ctx, DIAG_B_TRAINING, n,
			    "training_mode=1 with %zu statistics outputs, "
			    "%zu of them used; runtimes that honour it "
			    "normalise with the batch's statistics",
			    a->extra_outputs, a->extra_used);
		else if (a->opset >= 7)
			pass_report_node(ctx, DIAG_B_TRAINING, n,
			    "%zu statistics outputs (opset %lld computes "
			    "them in training mode), %zu of them used",
			    a->extra_outputs, (long long)a->opset,
			    a->extra_used);
		else
			pass_report_node(ctx, DIAG_B_TRAINING, n,
			    "is_test=%lld%s at opset %lld",
			    (long long)a->is_test,
			    a->has_is_test ? "" : " (default)",
			    (long long)a->opset);
		s->nfindings++;
	}
	if (a->has_consumed) {
		pass_report_node(ctx, DIAG_B_LEGACY, n, "'consumed_inputs'%s",
		    a->opset >= 6 ? " (not defined since opset 6)" :
		    " (required below opset 6)");
		s->nfindings++;
	}
	if (a->has_is_test) {
		pass_report_node(ctx, DIAG_B_LEGACY, n, "'is_test=%lld'%s",
		    (long long)a->is_test, a->opset >= 7 ?
		    " (not defined since opset 7)" : "");
		s->nfindings++;
	}
	if (a->has_spatial && a->spatial != 0) {
		pass_report_node(ctx, DIAG_B_LEGACY, n, "'spatial=%lld'%s",
		    (long long)a->spatial, a->opset >= 9 ?
		    " (not defined since opset 9)" : "");
		s->nfindings++;
	}
	if (a->has_spatial && a->spatial == 0) {
		pass_report_node(ctx, DIAG_B_NONSPATIAL, n,
		    "per-activation statistics at opset %lld%s",
		    (long long)a->opset, a->opset >= 9 ?
		    " no longer defines spatial" : "");
		s->nfindings++;
	}
}

/* The framework the producer implies, for the summary. */
static const char *
producer_convention(const struct ir_model *m)
{
	static const struct {
		const char *prefix;
		const char *what;
	} tab[] = {
		/* producer_name prefix, conventions it implies */
		{ "pytorch", "PyTorch (epsilon 1e-05, momentum 0.9)" },
		{ "tf2onnx", "TensorFlow/Keras (epsilon 1e-3 Keras, "
		    "1.001e-05 fused, 1e-4 raw)" },
		{ "keras2onnx", "Keras (epsilon 1e-3, momentum 0.99)" },
		{ "paddle2onnx", "Paddle (epsilon 1e-05, momentum 0.9)" },
		{ "onnx-tf", "TensorFlow" },
		{ "skl2onnx", "scikit-learn" },
	};
	size_t i;

	if (m->producer_name == NULL)
		return NULL;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strncmp(m->producer_name, tab[i].prefix,
		    strlen(tab[i].prefix)) == 0)
			return tab[i].what;
	return NULL;
}

static void
summary(struct pass_ctx *ctx, struct state *s)
{
	struct ir_model *m = ctx->m;
	char pn[DIAG_ESCAPE_SIZE], pv[DIAG_ESCAPE_SIZE], eps[512];
	const char *conv = producer_convention(m);
	size_t i, len = 0;

	eps[0] = '\0';
	for (i = 0; i < s->neps && len < sizeof(eps) - 64; i++)
		len += (size_t)snprintf(eps + len, sizeof(eps) - len,
		    "%s%.7g x%zu", i ? ", " : "", s->eps[i].eps,
		    s->eps[i].count);
	if (s->more_eps)
		snprintf(eps + len, sizeof(eps) - len, ", ...");
	diag_report(ctx->d, DIAG_B_SUMMARY, "model",
	    "%zu node%s, epsilon %s; Keras defaults in %zu, "
	    "PyTorch/ONNX in %zu, TF in %zu; producer '%s'%s%s%s%s",
	    s->nbn, s->nbn == 1 ? "" : "s", eps, s->keras, s->pytorch, s->tf,
	    diag_escape_str(pn, sizeof(pn), m->producer_name ?
	    m->producer_name : ""),
	    m->producer_version && *m->producer_version ? " " : "",
	    diag_escape_str(pv, sizeof(pv), m->producer_version ?
	    m->producer_version : ""),
	    conv ? ", whose conventions are " : "", conv ? conv : "");
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct state s;
	size_t ng, gi, i;
	char b[DIAG_ESCAPE_SIZE];

	if (!pass_uses_op(ctx, NULL, "BatchNormalization"))
		return 0;
	memset(&s, 0, sizeof(s));
	ng = ir_model_graphs(ctx->m, &graphs);
	for (gi = 0; gi < ng; gi++) {
		struct ir_graph *g = graphs[gi];

		if (g->kind == IR_GRAPH_TRAINING)
			continue;
		for (i = 0; i < g->nnodes; i++) {
			const struct ir_node *n = g->nodes[i];
			struct bn_attrs a;

			if (!bn_is_bn(n))
				continue;
			bn_read(n, &a);
			s.nbn++;
			note_eps(&s, n, a.eps);
			if (bn_float_eq(a.eps, 1e-3))
				s.keras++;
			else if (bn_float_eq(a.eps, 1e-5))
				s.pytorch++;
			else if (bn_float_eq(a.eps, 1.001e-5) ||
			    bn_float_eq(a.eps, 1e-4))
				s.tf++;
			check_eps(ctx, &s, n, &a);
			check_fp16(ctx, &s, n, &a);
			check_momentum(ctx, &s, n, &a);
			check_mode(ctx, &s, n, &a);
		}
	}
	if (s.neps > 1) {
		/* The odd ones out: every value but the most common. */
		size_t common = 0;

		for (i = 1; i < s.neps; i++)
			if (s.eps[i].count > s.eps[common].count)
				common = i;
		for (i = 0; i < s.neps; i++) {
			char path[IR_PATH_SIZE];

			if (i == common)
				continue;
			ir_node_path(s.eps[i].first, path, sizeof(path));
			diag_report(ctx->d, DIAG_B_EPS_MIXED, "model",
			    "%.7g in %zu node%s (first at %s), %.7g in %zu",
			    s.eps[i].eps, s.eps[i].count,
			    s.eps[i].count == 1 ? "" : "s", path,
			    s.eps[common].eps, s.eps[common].count);
		}
		s.nfindings++;
	}
	if (s.nfindings > 0)
		summary(ctx, &s);
	(void)b;
	return 0;
}

const struct pass pass_bn_check = {
	"bn-check", PASS_ANALYSIS,
	"BatchNormalization epsilon/momentum conventions, training mode",
	run, NULL,
};
