/* SPDX-License-Identifier: MIT */
/*
 * defaults, second file: float16 readiness (check --target fp16).
 * Before a model is converted to float16 (onnxconverter-common's
 * convert_float_to_float16 and the like), say per node what will
 * overflow, underflow or break:
 *   - float constants beyond 65504 in magnitude, which become infinite
 *     (-1e9 and finfo(float32).min attention masks, clamps at 1e5);
 *   - one-element constants that flush to 0 or become subnormal (1e-10
 *     log clamps, an L2 norm's or a decomposed LayerNorm's 1e-12);
 *   - Resize/Upsample scales and roi, which must stay float32;
 *   - Exp of a value with no max subtracted in front (a hand-written
 *     softmax or softplus) and no clamp within 11 (box decoders):
 *     exp overflows float16 from 11.09 on;
 *   - float reductions over more than 2048 elements, the largest count
 *     float16 holds exactly;
 *   - Cast(to=FLOAT) of a float value feeding a softmax, normalisation
 *     or reduction: an island the exporter kept in float32 on purpose,
 *     which a converter must not rewrite to float16.
 * Constants are named at the Constant node, or for an initializer at
 * its first consumer.  Tensors of more than FP16_SCAN_MAX elements are
 * not scanned (weights that large are never masks).
 * Requires: element types and static dims from shape inference.
 * Preserves: everything (analysis only).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "defaults.h"

#define FP16_MAX 65504.0
#define FP16_MIN_NORMAL 6.103515625e-05		/* 2^-14 */
#define FP16_HALF_MIN_SUB 2.98023223876953125e-08	/* 2^-25: rounds to 0 */
#define FP16_COUNT_MAX 2048			/* 2^11: exact integers */
#define FP16_SCAN_MAX ((uint64_t)1 << 24)

bool
defaults_fp16_target(const struct pass_ctx *ctx)
{
	size_t k;

	for (k = 0; ctx->o != NULL && k < ctx->o->ntargets; k++)
		if (ctx->o->targets[k].kind == ONNXFIX_TARGET_FP16)
			return true;
	return false;
}

static const struct ir_node *
producer(const struct ir_node *n, size_t i)
{
	const struct ir_value *v = i < n->ninputs ? n->inputs[i] : NULL;

	return v != NULL && v->kind == IR_VALUE_NODE ? v->producer : NULL;
}

static bool
is_float_elem(int32_t e)
{
	return e == IR_ELEM_FLOAT || e == IR_ELEM_DOUBLE ||
	    e == IR_ELEM_FLOAT16 || e == IR_ELEM_BFLOAT16;
}

/* --- constants -------------------------------------------------------- */

struct scan {
	uint64_t count;
	uint64_t nbig;		/* finite, beyond 65504 */
	double big;		/* the largest in magnitude of those */
	double small;		/* the one element, when count == 1 */
};

/* Scan T (float32/float64 only): 0, or -1 when not read. */
static int
scan_tensor(const struct ir_tensor *t, struct scan *s)
{
	uint64_t i;
	double v;

	memset(s, 0, sizeof(*s));
	if (t == NULL || (t->elem != IR_ELEM_FLOAT &&
	    t->elem != IR_ELEM_DOUBLE) ||
	    ir_tensor_count(t, &s->count, NULL) < 0 ||
	    s->count > FP16_SCAN_MAX)
		return -1;
	for (i = 0; i < s->count; i++) {
		if (ir_tensor_get_f64(t, i, &v) < 0)
			return -1;
		if (isfinite(v) && fabs(v) > FP16_MAX) {
			if (s->nbig++ == 0 || fabs(v) > fabs(s->big))
				s->big = v;
		}
		if (s->count == 1)
			s->small = v;
	}
	return 0;
}

/* Report what float16 does to the constant WHAT (its name in the
 * detail) at node AT. */
static void
report_scan(struct pass_ctx *ctx, const struct ir_node *at,
    const char *what, const struct scan *s)
{
	double a = fabs(s->small);

	if (s->nbig > 0)
		pass_report_node(ctx, DIAG_H_FP16_OVERFLOW, at, "%s: %" PRIu64
		    " of %" PRIu64 " value%s beyond +-65504 (%g) become%s "
		    "%sinf in float16%s", what, s->nbig, s->count,
		    s->count == 1 ? "" : "s", s->big, s->nbig == 1 ? "s" : "",
		    s->big < 0 ? "-" : "", s->big < 0 ? "; as a mask, a row "
		    "masked entirely gives NaN after Softmax (use -1e4)" :
		    "; keep values within 65504");
	if (s->count != 1 || a == 0 || !isfinite(a))
		return;
	if (a <= FP16_HALF_MIN_SUB)
		pass_report_node(ctx, DIAG_H_FP16_ZERO, at, "%s: %g becomes 0 "
		    "in float16 (the smallest float16 is 6e-08): a log "
		    "clamp or an epsilon guarding a division no longer "
		    "guards (use 1e-4, or keep the node in float32)", what,
		    s->small);
	else if (a < FP16_MIN_NORMAL)
		pass_report_node(ctx, DIAG_H_FP16_SUBNORMAL, at, "%s: %g is "
		    "subnormal in float16 (below 6.1e-05): runtimes that "
		    "flush subnormals make it 0, the others keep 3 to 10 "
		    "bits of it", what, s->small);
}

static const struct ir_node *
first_user(const struct ir_value *v)
{
	return v->nuses > 0 ? v->uses[0].node : NULL;
}

/* Constants held in Constant and ConstantOfShape nodes. */
static void
check_constant_node(struct pass_ctx *ctx, const struct ir_node *n)
{
	const struct ir_attr *a;
	struct scan s;
	char what[64];

	if (ir_is_op(n, "Constant")) {
		if ((a = ir_node_attr(n, "value_float")) != NULL &&
		    a->type == IR_ATTR_FLOAT) {
			memset(&s, 0, sizeof(s));
			s.count = 1;
			s.small = a->f;
			if (isfinite(a->f) && fabs(a->f) > FP16_MAX) {
				s.nbig = 1;
				s.big = a->f;
			}
			report_scan(ctx, n, "value_float", &s);
			return;
		}
		snprintf(what, sizeof(what), "value");
	} else if (ir_is_op(n, "ConstantOfShape")) {
		snprintf(what, sizeof(what), "fill value");
	} else
		return;
	if ((a = ir_node_attr(n, "value")) == NULL ||
	    a->type != IR_ATTR_TENSOR || scan_tensor(a->t, &s) < 0)
		return;
	if (ir_is_op(n, "ConstantOfShape"))
		s.count = s.count == 1 ? 1 : s.count;
	report_scan(ctx, n, what, &s);
}

static void
check_initializers(struct pass_ctx *ctx, const struct ir_graph *g)
{
	char b[DIAG_ESCAPE_SIZE + 16];
	char e[DIAG_ESCAPE_SIZE];
	size_t i;

	for (i = 0; i < g->nvalues; i++) {
		const struct ir_value *v = g->values[i];
		const struct ir_node *at;
		struct scan s;

		if (v->init == NULL || v->is_input || v->duplicate ||
		    (at = first_user(v)) == NULL ||
		    scan_tensor(v->init, &s) < 0)
			continue;
		snprintf(b, sizeof(b), "initializer '%s'", diag_esc(e, v->name));
		report_scan(ctx, at, b, &s);
	}
}

/* --- Resize scales and roi -------------------------------------------- */

static uint64_t
const_count(const struct ir_value *v)
{
	const struct ir_tensor *t = NULL;
	uint64_t c;

	if (v->init != NULL)
		t = v->init;
	else if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    ir_is_op(v->producer, "Constant")) {
		const struct ir_attr *a = ir_node_attr(v->producer, "value");

		if (a != NULL && a->type == IR_ATTR_TENSOR)
			t = a->t;
	}
	if (t == NULL || ir_tensor_count(t, &c, NULL) < 0)
		return UINT64_MAX;
	return c;
}

static void
check_resize(struct pass_ctx *ctx, const struct ir_node *n)
{
	static const char *const names[] = { "X", "roi", "scales" };
	bool upsample = ir_is_op(n, "Upsample");
	int64_t opset = ir_node_opset(n);
	size_t i, first = 1, last;
	char b[DIAG_ESCAPE_SIZE];

	/* Resize-10 and Upsample: (X, scales); Resize-11+: (X, roi,
	 * scales, sizes) */
	if (upsample || (opset >= 0 && opset < 11))
		last = 1;
	else
		last = 2;
	for (i = first; i <= last && i < n->ninputs; i++) {
		const struct ir_value *v = n->inputs[i];

		if (v == NULL || v->name == NULL || v->name[0] == '\0' ||
		    v->type.kind != IR_TYPE_TENSOR ||
		    v->type.elem != IR_ELEM_FLOAT || const_count(v) == 0)
			continue;
		pass_report_node(ctx, DIAG_H_FP16_RESIZE, n, "%s '%s' is "
		    "float32 and must stay so: the operator takes float %s "
		    "only, so a model whose converter made it float16 no "
		    "longer loads (keep the input in float32)",
		    last == 1 ? "scales" : names[i], diag_esc(b, v->name),
		    last == 1 || i == 2 ? "scales" : "roi");
	}
}

/* --- Exp without max-subtraction -------------------------------------- */

/* V as a one-element float constant (initializer or Constant). */
static bool
const_value(const struct ir_value *v, double *out)
{
	const struct ir_tensor *t = NULL;
	uint64_t c;

	if (v == NULL || v->name == NULL || v->name[0] == '\0')
		return false;
	if (v->init != NULL)
		t = v->init;
	else if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    ir_is_op(v->producer, "Constant")) {
		const struct ir_attr *a = ir_node_attr(v->producer, "value");

		if (a != NULL && a->type == IR_ATTR_TENSOR)
			t = a->t;
	}
	return t != NULL && ir_tensor_count(t, &c, NULL) == 0 && c == 1 &&
	    ir_tensor_get_f64(t, 0, out) == 0;
}

/* exp stays finite in float16 up to log(65504) = 11.09 */
#define EXP_ARG_MAX 11.0

/*
 * Exp's input cannot overflow float16: x - max(x) (or - Max(...)), or
 * clamped from above by a constant within 11 (Clip's max, Min: the box
 * decoders of torchvision clamp at log(1000/16)).
 */
static bool
exp_bounded(const struct ir_node *n)
{
	const struct ir_node *p = producer(n, 0), *m;
	const struct ir_attr *a;
	double hi;
	size_t i;

	if (p == NULL)
		return false;
	if (ir_is_op(p, "Sub") && p->ninputs == 2 &&
	    (m = producer(p, 1)) != NULL &&
	    (ir_is_op(m, "ReduceMax") || ir_is_op(m, "Max")))
		return true;
	if (ir_is_op(p, "Clip")) {
		if (p->ninputs > 2 && const_value(p->inputs[2], &hi))
			return hi <= EXP_ARG_MAX;
		return (a = ir_node_attr(p, "max")) != NULL &&
		    a->type == IR_ATTR_FLOAT && a->f <= EXP_ARG_MAX;
	}
	if (ir_is_op(p, "Min"))
		for (i = 0; i < p->ninputs; i++)
			if (const_value(p->inputs[i], &hi) &&
			    hi <= EXP_ARG_MAX)
				return true;
	return false;
}

static void
check_exp(struct pass_ctx *ctx, const struct ir_node *n)
{
	const struct ir_value *x = n->ninputs > 0 ? n->inputs[0] : NULL;

	if (x == NULL || x->type.kind != IR_TYPE_TENSOR ||
	    !is_float_elem(x->type.elem) || x->init != NULL ||
	    (x->kind == IR_VALUE_NODE && x->producer != NULL &&
	    ir_is_op(x->producer, "Constant")) || exp_bounded(n))
		return;
	pass_report_node(ctx, DIAG_H_FP16_EXP, n, "Exp of a value with no "
	    "maximum subtracted in front: float16 exp overflows to inf from "
	    "11.09 on (write exp(x - max x), or Softmax, or Softplus)");
}

/* --- reductions ------------------------------------------------------- */

/* noop_with_empty_axes=1: no axes reduce nothing. */
static bool
attr_noop(const struct ir_node *n)
{
	const struct ir_attr *a = ir_node_attr(n, "noop_with_empty_axes");

	return a != NULL && a->type == IR_ATTR_INT && a->i != 0;
}

static bool
const_ints(const struct ir_value *v, int64_t *out, size_t max, size_t *n)
{
	const struct ir_tensor *t = NULL;
	uint64_t c, i;
	double d;

	if (v == NULL)
		return false;
	if (v->init != NULL)
		t = v->init;
	else if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    ir_is_op(v->producer, "Constant")) {
		const struct ir_attr *a = ir_node_attr(v->producer, "value");

		if (a != NULL && a->type == IR_ATTR_TENSOR)
			t = a->t;
	}
	if (t == NULL || ir_tensor_count(t, &c, NULL) < 0 || c > max)
		return false;
	for (i = 0; i < c; i++) {
		if (ir_tensor_get_f64(t, i, &d) < 0)
			return false;
		out[i] = (int64_t)d;
	}
	*n = (size_t)c;
	return true;
}

static void
check_reduce(struct pass_ctx *ctx, const struct ir_node *n)
{
	const struct ir_value *x = n->ninputs > 0 ? n->inputs[0] : NULL;
	const struct ir_attr *a = ir_node_attr(n, "axes");
	int64_t axes[16];
	size_t na = 0, i;
	bool all = false, on[16];
	uint64_t count = 1;
	int rank, d;

	if (x == NULL || x->type.kind != IR_TYPE_TENSOR ||
	    !is_float_elem(x->type.elem) || x->type.rank < 0 ||
	    x->type.rank > 16)
		return;
	rank = x->type.rank;
	if (a != NULL && a->type == IR_ATTR_INTS) {
		if (a->n > 16)
			return;
		for (i = 0; i < a->n; i++)
			axes[i] = a->ints[i];
		na = a->n;
	} else if (n->ninputs > 1 && n->inputs[1] != NULL &&
	    n->inputs[1]->name != NULL && n->inputs[1]->name[0] != '\0') {
		if (!const_ints(n->inputs[1], axes, 16, &na))
			return;
	}
	if (na == 0) {
		if (attr_noop(n))
			return;
		all = true;
	}
	memset(on, 0, sizeof(on));
	for (i = 0; i < na; i++) {
		int64_t ax = axes[i] < 0 ? axes[i] + rank : axes[i];

		if (ax < 0 || ax >= rank)
			return;
		on[ax] = true;
	}
	for (d = 0; d < rank; d++) {
		if (!all && !on[d])
			continue;
		if (x->type.dims[d].kind != IR_DIM_VALUE ||
		    x->type.dims[d].value < 0)
			return;
		if (__builtin_mul_overflow(count,
		    (uint64_t)x->type.dims[d].value, &count))
			return;
	}
	if (count <= FP16_COUNT_MAX)
		return;
	pass_report_node(ctx, DIAG_H_FP16_REDUCE, n, "%s over %" PRIu64
	    " elements: float16 holds integers exactly only up to 2048 and "
	    "nothing beyond 65504, so a float16 sum stops counting and a "
	    "mean's divisor is %s (keep the node in float32)", n->op_type,
	    count, count > 65504 ? "inf" : "rounded");
}

/* --- the exporter's float32 islands ----------------------------------- */

static bool
sensitive(const struct ir_node *n)
{
	static const char *const ops[] = {
		"Exp", "LayerNormalization", "Log", "LogSoftmax", "Pow",
		"ReduceLogSumExp", "ReduceMean", "ReduceSum", "ReduceSumSquare",
		"Softmax", "Sqrt", NULL,
	};
	size_t i;

	if (!ir_domain_is_onnx(n->domain))
		return false;
	for (i = 0; ops[i] != NULL; i++)
		if (ir_streq(n->op_type, ops[i]))
			return true;
	return false;
}

static void
check_cast(struct pass_ctx *ctx, const struct ir_node *n)
{
	const struct ir_attr *to = ir_node_attr(n, "to");
	const struct ir_value *x = n->ninputs > 0 ? n->inputs[0] : NULL;
	const struct ir_value *y = n->noutputs > 0 ? n->outputs[0] : NULL;
	const struct ir_node *u;
	char b[DIAG_ESCAPE_SIZE], un[DIAG_ESCAPE_SIZE + 4] = "";
	size_t i;

	if (to == NULL || to->type != IR_ATTR_INT || to->i != IR_ELEM_FLOAT ||
	    x == NULL || y == NULL || x->type.kind != IR_TYPE_TENSOR ||
	    !is_float_elem(x->type.elem) || x->type.elem == IR_ELEM_DOUBLE)
		return;
	for (i = 0; i < y->nuses; i++)
		if (y->uses[i].node != NULL && sensitive(y->uses[i].node))
			break;
	if (i == y->nuses)
		return;
	u = y->uses[i].node;
	if (u->name != NULL && u->name[0] != '\0')
		snprintf(un, sizeof(un), " '%s'", diag_esc(b, u->name));
	pass_report_node(ctx, DIAG_H_FP16_CAST, n, "Cast(to=FLOAT) in front "
	    "of %s%s: the exporter computes it in float32 on purpose; a "
	    "converter that rewrites the Cast to float16 loses that (keep "
	    "the node out of the conversion: onnxconverter-common's "
	    "node_block_list)", u->op_type, un);
}

/* --- driver ----------------------------------------------------------- */

static bool
is_reduce(const struct ir_node *n)
{
	static const char *const ops[] = {
		"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
		"ReduceMean", "ReduceSum", "ReduceSumSquare", NULL,
	};
	size_t i;

	for (i = 0; ops[i] != NULL; i++)
		if (ir_streq(n->op_type, ops[i]))
			return true;
	return false;
}

int
defaults_fp16(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t ng, i, j;

	ng = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < ng; i++) {
		check_initializers(ctx, graphs[i]);
		for (j = 0; j < graphs[i]->nnodes; j++) {
			const struct ir_node *n = graphs[i]->nodes[j];

			if (!ir_domain_is_onnx(n->domain))
				continue;
			if (ir_streq(n->op_type, "Constant") ||
			    ir_streq(n->op_type, "ConstantOfShape"))
				check_constant_node(ctx, n);
			else if (ir_streq(n->op_type, "Resize") ||
			    ir_streq(n->op_type, "Upsample"))
				check_resize(ctx, n);
			else if (ir_streq(n->op_type, "Exp"))
				check_exp(ctx, n);
			else if (is_reduce(n))
				check_reduce(ctx, n);
			else if (ir_streq(n->op_type, "Cast"))
				check_cast(ctx, n);
		}
	}
	return 0;
}
