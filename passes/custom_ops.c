/* SPDX-License-Identifier: MIT */
/*
 * custom-ops: replace non-standard operators by standard ONNX ones.
 *
 * ONNX Runtime's optimizer fuses standard subgraphs into com.microsoft
 * contrib operators (Gelu, FastGelu, FusedConv, SkipLayerNormalization,
 * ...) and saves them; exporters leak them too.  Such a model runs only on
 * ONNX Runtime.  Each known contrib operator is rewritten into its exact
 * standard form for the model's default-domain opset: the newest standard
 * operator when the opset has it (Gelu-20, LayerNormalization-17,
 * RMSNormalization-23), primitive operators otherwise.  Every attribute is
 * checked: a value or an input/output combination without an exact
 * standard form leaves the node in place with a finding (C450).  Unknown
 * custom operators are replaced as the user maps them (--map,
 * --map-file), and otherwise stay with a finding (C451): nothing is
 * dropped silently.  Finally, opset imports of domains that no node uses
 * any more, or never used, are removed (never the default domain's, and
 * none when the model has training graphs, which the IR does not see).
 * Requires: nothing.  Preserves: graph inputs and outputs and their
 * names, the values other nodes use, node order (new nodes take the place
 * of the one they replace).
 *
 *	before:  y = com.microsoft::BiasGelu(x, b)           (opset 20)
 *	after:   s = Add(x, b)   y = Gelu(s)
 *	         opset 14: y = Mul(Mul(s, Add(Erf(Mul(s, 1/sqrt 2)), 1)), 0.5)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "opdb/cmap.h"
#include "ir/irbuild.h"
#include "opdb/opdb.h"
#include "pass.h"
#include "ir/shapes.h"

#define MS "com.microsoft"

/* One rewrite in progress. */
struct rw {
	struct pass_ctx *ctx;
	struct ir_graph *g;
	struct ir_node *n;	/* the node replaced */
	int64_t opset;		/* default-domain opset of the node's graph */
	int32_t elem;		/* element type of the computation, 0: unknown */
	struct ir_value *like;	/* a value of that type (CastLike) */
	size_t first;		/* g->nnodes before the rewrite */
	const char *base;	/* name stem for new values */
	char why[256];		/* why it cannot be done */
	struct ir_value *res[4];	/* what replaces n's outputs */
	char ops[256];		/* the new nodes' operators */
	bool oom;
};

/*
 * The schema of OP in the default domain at OPSET, clamped to the newest
 * opset the tables know.
 */
static const struct opdb_schema *
onnx_schema(const char *op, int64_t opset)
{
	int lo, hi, rel;

	if (opdb_domain_range("ai.onnx", &lo, &hi, &rel) == 0 && opset > hi)
		opset = hi;
	return opdb_schema("ai.onnx", op, opset);
}

/* Refuse the rewrite: 0, with the reason for the finding. */
static int refuse(struct rw *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
refuse(struct rw *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return 0;
}

static struct ir_value *
in(const struct rw *r, size_t i)
{
	return i < r->n->ninputs ? r->n->inputs[i] : NULL;
}

/* Is output I of the node used (by a node or as a graph output)? */
static bool
out_used(const struct ir_node *n, size_t i)
{
	const struct ir_value *v = i < n->noutputs ? n->outputs[i] : NULL;

	return v != NULL && (v->nuses > 0 || v->noutputs > 0);
}

/* Inputs present, counting to the last one given. */
static size_t
ninputs(const struct ir_node *n)
{
	size_t k = n->ninputs;

	while (k > 0 && n->inputs[k - 1] == NULL)
		k--;
	return k;
}

/*
 * Element type of V, following producers that keep their first input's
 * type when V carries none (a bounded walk: no type information is not
 * an error, only a reason to be careful).
 */
static int32_t
elem_of(const struct ir_value *v)
{
	static const char *const same[] = {
		"Abs", "Add", "AveragePool", "BatchNormalization", "BiasAdd",
		"BiasGelu", "Ceil", "Clip", "Concat", "Conv", "ConvTranspose",
		"Div", "Dropout", "Elu", "Erf", "Exp", "Expand", "FastGelu",
		"Flatten", "Floor", "FusedConv", "FusedGemm", "FusedMatMul",
		"Gather", "Gelu", "Gemm", "GlobalAveragePool", "GlobalMaxPool",
		"HardSigmoid", "HardSwish", "Identity", "InstanceNormalization",
		"LayerNormalization", "LeakyRelu", "Log", "LogSoftmax", "MatMul",
		"Max", "MaxPool", "Min", "Mish", "Mul", "Neg", "Pad", "Pow",
		"PRelu", "QuickGelu", "Reciprocal", "ReduceMax", "ReduceMean",
		"ReduceMin", "ReduceSum", "Relu", "Reshape", "Resize", "Selu",
		"Sigmoid", "SimplifiedLayerNormalization", "SkipLayerNormalization",
		"Slice", "Softmax", "Softplus", "Softsign", "Split", "Sqrt",
		"Squeeze", "Sub", "Tanh", "Tile", "Transpose", "Unsqueeze",
		"Upsample", "Where",
	};
	int steps;

	for (steps = 0; v != NULL && steps < 256; steps++) {
		const struct ir_node *p = v->producer;
		size_t i;

		if (v->type.kind == IR_TYPE_TENSOR && v->type.elem != 0)
			return v->type.elem;
		if (v->init != NULL)
			return v->init->elem;
		if (v->kind != IR_VALUE_NODE || p == NULL || p->ninputs == 0)
			return 0;
		/* Quantized types follow the zero point (uint8 without
		 * one), dequantized ones the scale. */
		if (strcmp(p->op_type, "QuantizeLinear") == 0) {
			if (p->ninputs < 3 || p->inputs[2] == NULL)
				return IR_ELEM_UINT8;
			v = p->inputs[2];
			continue;
		}
		if (strcmp(p->op_type, "DequantizeLinear") == 0) {
			if (p->ninputs < 2)
				return 0;
			v = p->inputs[1];
			continue;
		}
		if (strcmp(p->op_type, "Cast") == 0) {
			const struct ir_attr *a = ir_node_attr(p, "to");

			return a != NULL && a->type == IR_ATTR_INT ?
			    (int32_t)a->i : 0;
		}
		for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
			if (strcmp(p->op_type, same[i]) == 0)
				break;
		if (i == sizeof(same) / sizeof(same[0]))
			return 0;
		/* Where's first input is the condition. */
		v = p->inputs[strcmp(p->op_type, "Where") == 0 &&
		    p->ninputs > 1 ? 1 : 0];
	}
	return 0;
}

/* The rank a value's own record (type or initializer) gives; -1. */
static int
rank_known(const struct ir_value *v)
{
	if (v == NULL)
		return -1;
	if (v->init != NULL)
		return v->init->rank;
	if (v->type.kind == IR_TYPE_TENSOR)
		return v->type.rank;
	return -1;
}

static bool
in_list(const char *op, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(op, *list) == 0)
			return true;
	return false;
}

/* Number of entries of a constant 1-D int64 input, or -1. */
static int
const_len(const struct ir_value *v)
{
	if (!irbuild_is_const(v) || v->init->rank != 1 ||
	    v->init->elem != IR_ELEM_INT64 || v->init->dims[0] > 8)
		return -1;
	return (int)v->init->dims[0];
}

/*
 * The rank of P's outputs from its inputs' ranks R (-1 unknown), for the
 * operators whose output rank follows from them; -1 otherwise.
 */
static int
rank_rule(const struct ir_node *p, const int *rk)
{
	static const char *const same[] = {
		"Abs", "AveragePool", "BatchNormalization", "BiasGelu",
		"Cast", "CastLike", "Ceil", "Clip", "Concat", "Conv",
		"ConvTranspose", "CumSum", "Dropout", "Elu", "Erf", "Exp",
		"FastGelu", "Floor", "FusedConv", "Gelu", "GlobalAveragePool",
		"GlobalMaxPool", "HardSigmoid", "HardSwish", "Identity",
		"InstanceNormalization", "LayerNormalization", "LeakyRelu",
		"Log", "LogSoftmax", "MaxPool", "Neg", "Not", "Pad",
		"QuickGelu", "Reciprocal", "Relu", "Resize", "Round", "Selu",
		"Sigmoid", "Sign", "SimplifiedLayerNormalization",
		"SkipLayerNormalization", "SkipSimplifiedLayerNormalization",
		"Slice", "Softmax", "Softplus", "Softsign", "Split", "Sqrt",
		"Tanh", "Tile", "Trilu", NULL,
	};
	static const char *const bcast[] = {
		"Add", "And", "BiasAdd", "Div", "Equal", "Greater", "Less",
		"Max", "Min", "Mod", "Mul", "Or", "Pow", "PRelu", "Sub",
		"Where", NULL,
	};
	const struct ir_attr *a;
	size_t i;
	int m = -1;

	if (p->ninputs == 0)
		return -1;
	if (in_list(p->op_type, same))
		return rk[0];
	if (in_list(p->op_type, bcast)) {
		for (i = 0; i < p->ninputs; i++) {
			if (p->inputs[i] == NULL)
				continue;
			if (rk[i] < 0)
				return -1;
			if (rk[i] > m)
				m = rk[i];
		}
		return m;
	}
	if (strcmp(p->op_type, "MatMul") == 0 ||
	    strcmp(p->op_type, "FusedMatMul") == 0) {
		if (p->ninputs < 2 || rk[0] < 1 || rk[1] < 1)
			return -1;
		/* A 1-D operand loses its dim in the product. */
		if (rk[0] == 1 && rk[1] == 1)
			return 0;
		if (rk[0] == 1 || rk[1] == 1)
			return (rk[0] == 1 ? rk[1] : rk[0]) - 1;
		return rk[0] > rk[1] ? rk[0] : rk[1];
	}
	if (strncmp(p->op_type, "Reduce", 6) == 0) {
		a = ir_node_attr(p, "keepdims");
		return a == NULL || (a->type == IR_ATTR_INT && a->i != 0) ?
		    rk[0] : -1;
	}
	if (strcmp(p->op_type, "Gemm") == 0 ||
	    strcmp(p->op_type, "FusedGemm") == 0 ||
	    strcmp(p->op_type, "Flatten") == 0)
		return 2;
	if (strcmp(p->op_type, "Transpose") == 0) {
		a = ir_node_attr(p, "perm");
		return a != NULL && a->type == IR_ATTR_INTS ? (int)a->n : rk[0];
	}
	if (strcmp(p->op_type, "Reshape") == 0)
		return p->ninputs > 1 ? const_len(p->inputs[1]) : -1;
	if (strcmp(p->op_type, "Unsqueeze") == 0 ||
	    strcmp(p->op_type, "Squeeze") == 0) {
		int n = -1;

		a = ir_node_attr(p, "axes");
		if (a != NULL && a->type == IR_ATTR_INTS)
			n = (int)a->n;
		else if (p->ninputs > 1)
			n = const_len(p->inputs[1]);
		if (n < 0 || rk[0] < 0)
			return -1;
		return p->op_type[0] == 'U' ? rk[0] + n : rk[0] - n;
	}
	return -1;
}

/*
 * Rank of V: its own record, else derived from its producers' inputs
 * (ONNX Runtime's optimized models carry no value_info).  Iterative, with
 * a memo per call, so that no graph drives recursion.
 */
static int
rank_of(struct rw *r, const struct ir_value *v)
{
	struct ir_graph *g = r->g;
	const struct ir_value **stack;
	int *memo;		/* -3 not seen, -2 in progress, else rank */
	size_t sp = 0, i, cap;
	int rk[8];

	if (v == NULL)
		return -1;
	if (rank_known(v) >= 0 || v->graph != g || v->kind != IR_VALUE_NODE)
		return rank_known(v);
	cap = g->nvalues + 1;
	memo = arena_array(&r->ctx->scratch, cap, sizeof(*memo));
	stack = arena_array(&r->ctx->scratch, cap, sizeof(*stack));
	if (memo == NULL || stack == NULL)
		return -1;
	for (i = 0; i < cap; i++)
		memo[i] = -3;
	stack[sp++] = v;
	while (sp > 0) {
		const struct ir_value *x = stack[sp - 1];
		const struct ir_node *p = x->producer;
		bool pushed = false;

		if (memo[x->id] >= -1) {
			sp--;
			continue;
		}
		if (rank_known(x) >= 0 || x->graph != g ||
		    x->kind != IR_VALUE_NODE || p == NULL || p->dead ||
		    p->ninputs > 8) {
			memo[x->id] = rank_known(x);
			sp--;
			continue;
		}
		if (memo[x->id] == -3) {
			memo[x->id] = -2;
			for (i = 0; i < p->ninputs; i++) {
				const struct ir_value *u = p->inputs[i];

				if (u != NULL && u->graph == g &&
				    memo[u->id] == -3 && sp < cap) {
					stack[sp++] = u;
					pushed = true;
				}
			}
			if (pushed)
				continue;
		}
		for (i = 0; i < p->ninputs; i++) {
			const struct ir_value *u = p->inputs[i];

			rk[i] = u == NULL ? -1 : u->graph != g ?
			    rank_known(u) : memo[u->id] >= -1 ? memo[u->id] :
			    -1;
		}
		memo[x->id] = rank_rule(p, rk);
		sp--;
	}
	return memo[v->id] >= 0 ? memo[v->id] : -1;
}

static bool
is_float(int32_t e)
{
	return e == IR_ELEM_FLOAT || e == IR_ELEM_DOUBLE ||
	    e == IR_ELEM_FLOAT16 || e == IR_ELEM_BFLOAT16;
}

/* Can constants of the computation's type be made?  (Known float type,
 * or CastLike from opset 15.) */
static int
need_consts(struct rw *r)
{
	if (is_float(r->elem))
		return 1;
	if (r->elem == 0 && r->opset >= 15 && r->like != NULL)
		return 1;
	if (r->elem != 0)
		return refuse(r, "element type %s is not a float type",
		    ir_elem_name(r->elem) ? ir_elem_name(r->elem) : "?");
	return refuse(r, "the element type of input 0 is unknown "
	    "(run shape inference first, or use opset 15 or newer)");
}

static struct ir_node *
emit(struct rw *r, const char *op, struct ir_value *const *ins, size_t nin,
    size_t nout)
{
	struct ir_node *n;

	if (r->oom)
		return NULL;
	n = irbuild_node(r->g, op, "", ins, nin, nout, r->base);
	if (n == NULL)
		r->oom = true;
	return n;
}

static struct ir_value *
op1(struct rw *r, const char *op, struct ir_value *a)
{
	struct ir_node *n = emit(r, op, &a, 1, 1);

	return n ? n->outputs[0] : NULL;
}

static struct ir_value *
op2(struct rw *r, const char *op, struct ir_value *a, struct ir_value *b)
{
	struct ir_value *v[2] = { a, b };
	struct ir_node *n = emit(r, op, v, 2, 1);

	return n ? n->outputs[0] : NULL;
}

static void
chk(struct rw *r, int rc)
{
	if (rc < 0)
		r->oom = true;
}

/* A scalar constant V of the computation's type. */
static struct ir_value *
k(struct rw *r, double v)
{
	struct ir_value *c;
	const char *name;

	if (r->oom)
		return NULL;
	name = arena_printf(&r->g->model->arena, "%s_c", r->base);
	if (name == NULL) {
		r->oom = true;
		return NULL;
	}
	if (is_float(r->elem)) {
		c = irbuild_scalar(r->g, name, r->elem, v, 0);
		if (c == NULL)
			r->oom = true;
		return c;
	}
	c = irbuild_scalar(r->g, name, IR_ELEM_FLOAT, v, 0);
	if (c == NULL) {
		r->oom = true;
		return NULL;
	}
	return op2(r, "CastLike", c, r->like);
}

static struct ir_value *
kints(struct rw *r, const int64_t *v, size_t n)
{
	struct ir_value *c;

	if (r->oom)
		return NULL;
	c = irbuild_ints(r->g, arena_printf(&r->g->model->arena, "%s_axes",
	    r->base), v, n);
	if (c == NULL)
		r->oom = true;
	return c;
}

/* ReduceMean over AXES keeping dims, in the form the opset takes. */
static struct ir_value *
reduce_mean(struct rw *r, struct ir_value *x, const int64_t *axes,
    size_t naxes)
{
	struct ir_node *n;

	if (r->opset >= 18) {
		struct ir_value *v[2] = { x, kints(r, axes, naxes) };

		n = emit(r, "ReduceMean", v, 2, 1);
	} else {
		n = emit(r, "ReduceMean", &x, 1, 1);
		if (n != NULL)
			chk(r, irbuild_attr_ints(n, "axes", axes, naxes));
	}
	if (n != NULL)
		chk(r, irbuild_attr_i(n, "keepdims", 1));
	return n ? n->outputs[0] : NULL;
}

/* Gelu, exact (erf) form; needs opset 9 (Erf) below 20. */
static struct ir_value *
gelu_erf(struct rw *r, struct ir_value *x)
{
	struct ir_value *t;

	if (r->opset >= 20)
		return op1(r, "Gelu", x);
	t = op1(r, "Erf", op2(r, "Mul", x, k(r, M_SQRT1_2)));
	t = op2(r, "Add", t, k(r, 1.0));
	return op2(r, "Mul", op2(r, "Mul", x, k(r, 0.5)), t);
}

/* Gelu, tanh approximation (FastGelu). */
static struct ir_value *
gelu_tanh(struct rw *r, struct ir_value *x)
{
	struct ir_node *n;
	struct ir_value *x3, *t;

	if (r->opset >= 20) {
		n = emit(r, "Gelu", &x, 1, 1);
		if (n != NULL)
			chk(r, irbuild_attr_s(n, "approximate", "tanh"));
		return n ? n->outputs[0] : NULL;
	}
	x3 = op2(r, "Mul", op2(r, "Mul", x, x), x);
	t = op2(r, "Add", x, op2(r, "Mul", x3, k(r, 0.044715)));
	t = op1(r, "Tanh", op2(r, "Mul", t, k(r, sqrt(2.0 / M_PI))));
	t = op2(r, "Add", t, k(r, 1.0));
	return op2(r, "Mul", op2(r, "Mul", x, k(r, 0.5)), t);
}

/*
 * The axes [AXIS, rank) as negative numbers, which need no rank: AXIS
 * negative, or positive with the rank of X known.  0 when impossible.
 */
static int
norm_axes(struct rw *r, struct ir_value *x, int64_t axis, int64_t *axes,
    size_t *naxes)
{
	int rank = rank_of(r, x);
	int64_t a;

	if (axis >= 0) {
		if (rank < 0)
			return refuse(r, "axis %lld is positive and the rank "
			    "of the input is unknown", (long long)axis);
		axis -= rank;
	}
	if (axis >= 0 || axis < -8 || (rank >= 0 && -axis > rank))
		return refuse(r, "axis %lld is out of range",
		    (long long)axis);
	*naxes = 0;
	for (a = axis; a < 0; a++)
		axes[(*naxes)++] = a;
	return 1;
}

/* Preconditions of the primitive normalisation forms. */
static int
norm_ok(struct rw *r)
{
	if (r->elem != IR_ELEM_FLOAT && r->elem != IR_ELEM_DOUBLE)
		return refuse(r, "the primitive form is exact only for "
		    "float and double inputs%s", r->elem == 0 ?
		    " and the element type is unknown" : "");
	return 1;
}

/*
 * Layer normalisation of X over AXES: Y, and when asked the mean and
 * 1/sqrt(var + eps).  LayerNormalization-17 when the opset has it.
 */
static int
layer_norm(struct rw *r, struct ir_value *x, struct ir_value *scale,
    struct ir_value *bias, int64_t axis, const int64_t *axes, size_t naxes,
    float eps, struct ir_value **y, struct ir_value **mean,
    struct ir_value **inv)
{
	struct ir_value *m, *d, *var, *iv;

	if (r->opset >= 17) {
		struct ir_value *v[3] = { x, scale, bias };
		struct ir_node *n = emit(r, "LayerNormalization", v,
		    bias ? 3 : 2, mean || inv ? 3 : 1);

		if (n == NULL)
			return -1;
		if (axis != -1)
			chk(r, irbuild_attr_i(n, "axis", axis));
		chk(r, irbuild_attr_f(n, "epsilon", eps));
		*y = n->outputs[0];
		if (mean)
			*mean = n->outputs[1];
		if (inv)
			*inv = n->outputs[2];
		return 0;
	}
	m = reduce_mean(r, x, axes, naxes);
	d = op2(r, "Sub", x, m);
	var = reduce_mean(r, op2(r, "Mul", d, d), axes, naxes);
	iv = op1(r, "Reciprocal", op1(r, "Sqrt", op2(r, "Add", var,
	    k(r, eps))));
	*y = op2(r, "Mul", op2(r, "Mul", d, iv), scale);
	if (bias != NULL)
		*y = op2(r, "Add", *y, bias);
	if (mean)
		*mean = m;
	if (inv)
		*inv = iv;
	return 0;
}

/* RMS normalisation: X / sqrt(mean(X^2) + eps) * scale. */
static int
rms_norm(struct rw *r, struct ir_value *x, struct ir_value *scale,
    int64_t axis, const int64_t *axes, size_t naxes, float eps,
    struct ir_value **y, struct ir_value **inv)
{
	struct ir_value *iv;

	if (r->opset >= 23 && inv == NULL) {
		struct ir_value *v[2] = { x, scale };
		struct ir_node *n = emit(r, "RMSNormalization", v, 2, 1);

		if (n == NULL)
			return -1;
		if (axis != -1)
			chk(r, irbuild_attr_i(n, "axis", axis));
		chk(r, irbuild_attr_f(n, "epsilon", eps));
		*y = n->outputs[0];
		return 0;
	}
	iv = reduce_mean(r, op2(r, "Mul", x, x), axes, naxes);
	iv = op1(r, "Reciprocal", op1(r, "Sqrt", op2(r, "Add", iv,
	    k(r, eps))));
	*y = op2(r, "Mul", op2(r, "Mul", x, iv), scale);
	if (inv)
		*inv = iv;
	return 0;
}

/* --- attributes ---------------------------------------------------------- */

/*
 * Every attribute of the node must be one the rewrite reads (NAMES, a
 * NULL-terminated list) with the type given by TYPES (one letter each:
 * f FLOAT, i INT, s STRING, F FLOATS, I INTS).
 */
static int
attrs_known(struct rw *r, const char *const *names, const char *types)
{
	char b[DIAG_ESCAPE_SIZE];
	size_t i, j;

	for (i = 0; i < r->n->nattrs; i++) {
		const struct ir_attr *a = &r->n->attrs[i];
		static const char letter[] = {
			[IR_ATTR_FLOAT] = 'f', [IR_ATTR_INT] = 'i',
			[IR_ATTR_STRING] = 's', [IR_ATTR_FLOATS] = 'F',
			[IR_ATTR_INTS] = 'I',
		};

		for (j = 0; names[j] != NULL; j++)
			if (strcmp(a->name, names[j]) == 0)
				break;
		if (names[j] == NULL)
			return refuse(r, "attribute '%s' has no standard "
			    "form", diag_esc(b, a->name));
		if ((unsigned)a->type >= sizeof(letter) ||
		    letter[a->type] != types[j] || !ir_attr_value_ok(a) ||
		    a->ref_attr_name != NULL)
			return refuse(r, "attribute '%s' has the wrong type",
			    diag_esc(b, a->name));
	}
	return 1;
}

/* The STRING attribute NAME as a NUL-terminated copy in BUF; DFLT when
 * absent. */
static const char *
attr_s(const struct ir_node *n, const char *name, const char *dflt,
    char *buf, size_t size)
{
	const struct ir_attr *a = ir_node_attr(n, name);
	size_t len;

	if (a == NULL)
		return dflt;
	len = a->slen < size - 1 ? a->slen : size - 1;
	if (len > 0)
		memcpy(buf, a->s, len);
	buf[len] = '\0';
	return buf;
}

/* Copy the listed attributes of the node to N as they are. */
static void
copy_attrs(struct rw *r, struct ir_node *n, const char *const *names)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; names[i] != NULL; i++) {
		const struct ir_attr *a = ir_node_attr(r->n, names[i]);

		if (a != NULL)
			chk(r, irbuild_attr_copy(n, a, NULL));
	}
}

/* --- activations (FusedConv, FusedGemm) ---------------------------------- */

/*
 * Apply activation ACT to X.  P holds its parameters (NP of them, NAN for
 * one not given, which takes the standard default).  With CHECK set only
 * validate (returns 1 or 0 with the reason).
 */
static int
activation(struct rw *r, const char *act, const float *p, size_t np,
    bool check, struct ir_value **x)
{
	static const struct {
		const char *name;
		const char *op;		/* NULL: built below */
		const char *pnames[3];	/* standard attribute per param */
		unsigned need;		/* params required */
	} tab[] = {
		{ "Relu", "Relu", { NULL }, 0 },
		{ "Sigmoid", "Sigmoid", { NULL }, 0 },
		{ "Tanh", "Tanh", { NULL }, 0 },
		{ "Softsign", "Softsign", { NULL }, 0 },
		{ "Softplus", "Softplus", { NULL }, 0 },
		{ "LeakyRelu", "LeakyRelu", { "alpha" }, 0 },
		{ "Elu", "Elu", { "alpha" }, 0 },
		{ "ThresholdedRelu", "ThresholdedRelu", { "alpha" }, 0 },
		{ "HardSigmoid", "HardSigmoid", { "alpha", "beta" }, 0 },
		{ "Selu", "Selu", { "alpha", NULL, "gamma" }, 0 },
		{ "Clip", NULL, { NULL }, 2 },
		{ "ScaledTanh", NULL, { NULL }, 2 },
		{ "ParametricSoftplus", NULL, { NULL }, 2 },
	};
	char b[DIAG_ESCAPE_SIZE];
	struct ir_node *n;
	size_t i, j;

	if (act == NULL)
		return 1;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].name, act) == 0)
			break;
	if (i == sizeof(tab) / sizeof(tab[0]))
		return refuse(r, "activation '%s' has no standard form",
		    diag_esc(b, act));
	for (j = 0; j < tab[i].need; j++)
		if (j >= np || isnan(p[j]))
			return refuse(r, "activation '%s' needs %u parameters",
			    diag_esc(b, act), tab[i].need);
	if (strcmp(act, "ThresholdedRelu") == 0 && r->opset < 10)
		return refuse(r, "ThresholdedRelu needs opset 10");
	if (check) {
		if (tab[i].op == NULL && (strcmp(act, "Clip") != 0 ||
		    r->opset >= 11))
			return need_consts(r);
		return 1;
	}
	if (tab[i].op != NULL) {
		n = emit(r, tab[i].op, x, 1, 1);
		for (j = 0; n != NULL && j < 3; j++)
			if (tab[i].pnames[j] != NULL && j < np &&
			    !isnan(p[j]))
				chk(r, irbuild_attr_f(n, tab[i].pnames[j],
				    p[j]));
		*x = n ? n->outputs[0] : NULL;
		return 1;
	}
	if (strcmp(act, "Clip") == 0) {
		if (r->opset >= 11) {
			struct ir_value *v[3] = { *x, k(r, p[0]), k(r, p[1]) };

			n = emit(r, "Clip", v, 3, 1);
		} else {
			n = emit(r, "Clip", x, 1, 1);
			if (n != NULL) {
				chk(r, irbuild_attr_f(n, "min", p[0]));
				chk(r, irbuild_attr_f(n, "max", p[1]));
			}
		}
		*x = n ? n->outputs[0] : NULL;
		return 1;
	}
	/* alpha * f(beta * x) */
	*x = op1(r, strcmp(act, "ScaledTanh") == 0 ? "Tanh" : "Softplus",
	    op2(r, "Mul", *x, k(r, p[1])));
	*x = op2(r, "Mul", *x, k(r, p[0]));
	return 1;
}

/* --- the operators ------------------------------------------------------- */

static int
rw_gelu(struct rw *r)
{
	static const char *const names[] = { NULL };

	if (!attrs_known(r, names, "") || !need_consts(r))
		return 0;
	if (r->opset < 9)
		return refuse(r, "Erf needs opset 9");
	r->res[0] = gelu_erf(r, in(r, 0));
	return 1;
}

/* Gelu in the default domain below opset 20 (a leaked newer op). */
static int
rw_gelu_std(struct rw *r)
{
	static const char *const names[] = { "approximate", NULL };
	char buf[32], buf2[DIAG_ESCAPE_SIZE];
	const char *ap;

	if (!attrs_known(r, names, "s"))
		return 0;
	ap = attr_s(r->n, "approximate", "none", buf, sizeof(buf));
	if (strcmp(ap, "none") != 0 && strcmp(ap, "tanh") != 0)
		return refuse(r, "approximate='%s' is not defined",
		    diag_esc(buf2, ap));
	if (!need_consts(r))
		return 0;
	if (r->opset < 9)
		return refuse(r, "Erf needs opset 9");
	r->res[0] = strcmp(ap, "tanh") == 0 ? gelu_tanh(r, in(r, 0)) :
	    gelu_erf(r, in(r, 0));
	return 1;
}

static int
rw_fast_gelu(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *x = in(r, 0);

	if (!attrs_known(r, names, "") || !need_consts(r))
		return 0;
	if (in(r, 1) != NULL)
		x = op2(r, "Add", x, in(r, 1));
	r->res[0] = gelu_tanh(r, x);
	return 1;
}

static int
rw_bias_gelu(struct rw *r)
{
	static const char *const names[] = { NULL };

	if (!attrs_known(r, names, "") || !need_consts(r))
		return 0;
	if (r->opset < 9)
		return refuse(r, "Erf needs opset 9");
	r->res[0] = gelu_erf(r, op2(r, "Add", in(r, 0), in(r, 1)));
	return 1;
}

static int
rw_quick_gelu(struct rw *r)
{
	static const char *const names[] = { "alpha", NULL };
	float alpha;
	struct ir_value *x = in(r, 0), *t = x;

	if (!attrs_known(r, names, "f"))
		return 0;
	alpha = ir_attr_float(r->n, "alpha", 1.702f);
	if (alpha != 1.0f && !need_consts(r))
		return 0;
	if (alpha != 1.0f)
		t = op2(r, "Mul", x, k(r, alpha));
	r->res[0] = op2(r, "Mul", x, op1(r, "Sigmoid", t));
	return 1;
}

static int
rw_bias_add(struct rw *r)
{
	static const char *const names[] = { NULL };

	if (!attrs_known(r, names, ""))
		return 0;
	r->res[0] = op2(r, "Add", op2(r, "Add", in(r, 0), in(r, 1)),
	    in(r, 2));
	return 1;
}

static int
rw_bias_split_gelu(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *h;
	struct ir_node *s;

	if (!attrs_known(r, names, "") || !need_consts(r))
		return 0;
	if (r->opset < 9)
		return refuse(r, "Erf needs opset 9");
	h = op2(r, "Add", in(r, 0), in(r, 1));
	s = emit(r, "Split", &h, 1, 2);
	if (s == NULL)
		return -1;
	chk(r, irbuild_attr_i(s, "axis", -1));
	if (r->opset >= 18)
		chk(r, irbuild_attr_i(s, "num_outputs", 2));
	r->res[0] = op2(r, "Mul", s->outputs[0],
	    gelu_erf(r, s->outputs[1]));
	return 1;
}

static const char *const conv_attrs[] = {
	"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides",
	NULL,
};

static int
rw_fused_conv(struct rw *r)
{
	static const char *const names[] = {
		"activation", "activation_params", "auto_pad", "dilations",
		"group", "kernel_shape", "pads", "strides", NULL,
	};
	const struct ir_attr *ap = ir_node_attr(r->n, "activation_params");
	char buf[64];
	const char *act;
	struct ir_value *v[3], *y;
	struct ir_node *c;

	if (!attrs_known(r, names, "sFsIiIII"))
		return 0;
	act = attr_s(r->n, "activation", NULL, buf, sizeof(buf));
	if (act != NULL && act[0] == '\0')
		act = NULL;
	if (!activation(r, act, ap ? ap->floats : NULL, ap ? ap->n : 0,
	    true, NULL))
		return 0;
	v[0] = in(r, 0);
	v[1] = in(r, 1);
	v[2] = in(r, 2);
	c = emit(r, "Conv", v, v[2] ? 3 : 2, 1);
	copy_attrs(r, c, conv_attrs);
	y = c ? c->outputs[0] : NULL;
	if (in(r, 3) != NULL)
		y = op2(r, "Add", y, in(r, 3));
	activation(r, act, ap ? ap->floats : NULL, ap ? ap->n : 0, false,
	    &y);
	r->res[0] = y;
	return 1;
}

static int
rw_fused_gemm(struct rw *r)
{
	static const char *const names[] = {
		"activation", "activation_alpha", "activation_beta",
		"activation_gamma", "alpha", "beta", "transA", "transB", NULL,
	};
	static const char *const gemm[] = {
		"alpha", "beta", "transA", "transB", NULL,
	};
	char buf[64];
	const char *act;
	float p[3];
	struct ir_value *v[3], *y;
	struct ir_node *g;

	if (!attrs_known(r, names, "sfffffii"))
		return 0;
	act = attr_s(r->n, "activation", NULL, buf, sizeof(buf));
	if (act != NULL && act[0] == '\0')
		act = NULL;
	p[0] = ir_attr_float(r->n, "activation_alpha", NAN);
	p[1] = ir_attr_float(r->n, "activation_beta", NAN);
	p[2] = ir_attr_float(r->n, "activation_gamma", NAN);
	if (!activation(r, act, p, 3, true, NULL))
		return 0;
	if (in(r, 2) == NULL && r->opset < 11)
		return refuse(r, "Gemm needs input C below opset 11");
	v[0] = in(r, 0);
	v[1] = in(r, 1);
	v[2] = in(r, 2);
	g = emit(r, "Gemm", v, v[2] ? 3 : 2, 1);
	copy_attrs(r, g, gemm);
	y = g ? g->outputs[0] : NULL;
	activation(r, act, p, 3, false, &y);
	r->res[0] = y;
	return 1;
}

/*
 * The Transpose FusedMatMul applies to X (rank RANK) before multiplying:
 * with TRANS_BATCH, the first dim moves behind the other batch dims
 * (perm 1, ..., RANK - 2, 0, RANK - 1: ORT's transBatchA/B); with
 * TRANS, the last two dims swap afterwards.  X itself when neither.
 */
static struct ir_value *
fused_operand(struct rw *r, struct ir_value *x, int rank, bool trans,
    bool trans_batch)
{
	int64_t perm[8], t;
	struct ir_node *n;
	int i;

	if (!trans && !trans_batch)
		return x;
	for (i = 0; i < rank; i++)
		perm[i] = i;
	if (trans_batch) {
		for (i = 0; i < rank - 2; i++)
			perm[i] = i + 1;
		perm[rank - 2] = 0;
	}
	if (trans) {
		t = perm[rank - 2];
		perm[rank - 2] = perm[rank - 1];
		perm[rank - 1] = t;
	}
	n = emit(r, "Transpose", &x, 1, 1);
	if (n != NULL)
		chk(r, irbuild_attr_ints(n, "perm", perm, (size_t)rank));
	return n ? n->outputs[0] : NULL;
}

static int
rw_fused_matmul(struct rw *r)
{
	static const char *const names[] = {
		"alpha", "transA", "transB", "transBatchA", "transBatchB",
		NULL,
	};
	int64_t ta, tb, tba, tbb;
	float alpha;
	int ra = rank_of(r, in(r, 0)), rb = rank_of(r, in(r, 1));
	struct ir_value *a = in(r, 0), *b = in(r, 1), *y;

	if (!attrs_known(r, names, "fiiii"))
		return 0;
	ta = ir_attr_int(r->n, "transA", 0);
	tb = ir_attr_int(r->n, "transB", 0);
	tba = ir_attr_int(r->n, "transBatchA", 0);
	tbb = ir_attr_int(r->n, "transBatchB", 0);
	alpha = ir_attr_float(r->n, "alpha", 1.0f);
	/* ORT's kernel moves the batch dims of operands of rank 3 and
	 * more only; on a matrix or a vector the flag is refused there */
	if (tba && (ra < 3 || ra > 8))
		return refuse(r, "transBatchA needs A of a known rank from 3 "
		    "to 8 (%s %d)", ra < 0 ? "unknown:" : "rank", ra);
	if (tbb && (rb < 3 || rb > 8))
		return refuse(r, "transBatchB needs B of a known rank from 3 "
		    "to 8 (%s %d)", rb < 0 ? "unknown:" : "rank", rb);
	if (ta && (ra < 2 || ra > 8))
		return refuse(r, "transA needs the rank of A (%s)", ra < 0 ?
		    "unknown" : "out of range");
	if (tb && (rb < 2 || rb > 8))
		return refuse(r, "transB needs the rank of B (%s)", rb < 0 ?
		    "unknown" : "out of range");
	if (alpha != 1.0f && !need_consts(r))
		return 0;
	a = fused_operand(r, a, ra, ta != 0, tba != 0);
	b = fused_operand(r, b, rb, tb != 0, tbb != 0);
	y = op2(r, "MatMul", a, b);
	if (alpha != 1.0f)
		y = op2(r, "Mul", y, k(r, alpha));
	r->res[0] = y;
	return 1;
}

/* SkipLayerNormalization and SkipSimplifiedLayerNormalization. */
static int
rw_skip_norm(struct rw *r, bool simplified)
{
	static const char *const names[] = { "epsilon", NULL };
	int64_t axes[1] = { -1 };
	float eps;
	struct ir_value *s, *bias = in(r, simplified ? 3 : 4);

	if (!attrs_known(r, names, "f"))
		return 0;
	if (out_used(r->n, 1) || out_used(r->n, 2))
		return refuse(r, "its mean or inv_std_var output is used");
	if (!need_consts(r))
		return 0;
	if (((simplified || r->opset < 17) && !norm_ok(r)))
		return 0;
	eps = ir_attr_float(r->n, "epsilon", 1e-12f);
	s = op2(r, "Add", in(r, 0), in(r, 1));
	if (bias != NULL)
		s = op2(r, "Add", s, bias);
	if (simplified)
		rms_norm(r, s, in(r, 2), -1, axes, 1, eps, &r->res[0], NULL);
	else
		layer_norm(r, s, in(r, 2), in(r, 3), -1, axes, 1, eps,
		    &r->res[0], NULL, NULL);
	r->res[3] = s;
	return 1;
}

/* LayerNormalization below opset 17 (ORT's own) and
 * SimplifiedLayerNormalization. */
static int
rw_norm(struct rw *r, bool simplified)
{
	static const char *const names[] = {
		"axis", "epsilon", "stash_type", NULL,
	};
	int64_t axes[8], axis;
	size_t naxes;
	float eps;

	if (!attrs_known(r, names, "ifi"))
		return 0;
	if (ir_attr_int(r->n, "stash_type", 1) != 1)
		return refuse(r, "stash_type %lld is not supported",
		    (long long)ir_attr_int(r->n, "stash_type", 1));
	axis = ir_attr_int(r->n, "axis", -1);
	if (!norm_axes(r, in(r, 0), axis, axes, &naxes) || !need_consts(r))
		return 0;
	if ((simplified || r->opset < 17) && !norm_ok(r))
		return 0;
	eps = ir_attr_float(r->n, "epsilon", 1e-5f);
	if (simplified) {
		if (r->n->noutputs > 2 && out_used(r->n, 2))
			return refuse(r, "output 2 is not defined");
		rms_norm(r, in(r, 0), in(r, 1), axis, axes, naxes, eps,
		    &r->res[0], out_used(r->n, 1) ? &r->res[1] : NULL);
	} else {
		layer_norm(r, in(r, 0), in(r, 1), in(r, 2), axis, axes,
		    naxes, eps, &r->res[0], out_used(r->n, 1) ? &r->res[1] :
		    NULL, out_used(r->n, 2) ? &r->res[2] : NULL);
	}
	return 1;
}

static int
rw_nhwc_conv(struct rw *r)
{
	static const char *const names[] = {
		"auto_pad", "dilations", "group", "kernel_shape", "pads",
		"strides", NULL,
	};
	int64_t pin[8], pout[8];
	int rank = rank_of(r, in(r, 1)), i;
	struct ir_value *v[3];
	struct ir_node *t[3], *c;

	if (!attrs_known(r, names, "sIiIII"))
		return 0;
	if (rank < 0)
		rank = rank_of(r, in(r, 0));
	if (rank < 3 || rank > 8)
		return refuse(r, "the rank of X and W is %s", rank < 0 ?
		    "unknown" : "out of range");
	/* [N, d1.., C] -> [N, C, d1..] and back. */
	pin[0] = 0;
	pin[1] = rank - 1;
	for (i = 2; i < rank; i++)
		pin[i] = i - 1;
	pout[0] = 0;
	for (i = 1; i < rank - 1; i++)
		pout[i] = i + 1;
	pout[rank - 1] = 1;
	t[0] = emit(r, "Transpose", &r->n->inputs[0], 1, 1);
	t[1] = emit(r, "Transpose", &r->n->inputs[1], 1, 1);
	if (t[0] == NULL || t[1] == NULL)
		return -1;
	chk(r, irbuild_attr_ints(t[0], "perm", pin, (size_t)rank));
	chk(r, irbuild_attr_ints(t[1], "perm", pin, (size_t)rank));
	v[0] = t[0]->outputs[0];
	v[1] = t[1]->outputs[0];
	v[2] = in(r, 2);
	c = emit(r, "Conv", v, v[2] ? 3 : 2, 1);
	copy_attrs(r, c, conv_attrs);
	if (c == NULL)
		return -1;
	t[2] = emit(r, "Transpose", &c->outputs[0], 1, 1);
	if (t[2] == NULL)
		return -1;
	chk(r, irbuild_attr_ints(t[2], "perm", pout, (size_t)rank));
	r->res[0] = t[2]->outputs[0];
	return 1;
}

/* Contrib ops that are a standard op of a later opset, same inputs,
 * outputs and attributes. */
static int
rw_rename(struct rw *r, const char *op, int since, const char *const *names,
    const char *types)
{
	struct ir_node *n;
	size_t i;

	if (!attrs_known(r, names, types))
		return 0;
	if (r->opset < since)
		return refuse(r, "%s needs opset %d", op, since);
	n = emit(r, op, r->n->inputs, r->n->ninputs, r->n->noutputs);
	copy_attrs(r, n, names);
	for (i = 0; n != NULL && i < n->noutputs && i < 4; i++)
		r->res[i] = n->outputs[i];
	return 1;
}

static int
rw_gather_nd(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *idx = in(r, 1);
	struct ir_node *c;

	if (!attrs_known(r, names, ""))
		return 0;
	if (r->opset < 11)
		return refuse(r, "GatherND needs opset 11");
	if (elem_of(idx) != IR_ELEM_INT64) {
		c = emit(r, "Cast", &idx, 1, 1);
		if (c == NULL)
			return -1;
		chk(r, irbuild_attr_i(c, "to", IR_ELEM_INT64));
		idx = c->outputs[0];
	}
	r->res[0] = op2(r, "GatherND", in(r, 0), idx);
	return 1;
}

static int
rw_range(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *v[3] = { in(r, 0), in(r, 1), in(r, 2) };
	struct ir_node *n;

	if (!attrs_known(r, names, ""))
		return 0;
	if (r->opset < 11)
		return refuse(r, "Range needs opset 11");
	if (v[2] == NULL) {
		int32_t e = elem_of(v[0]);
		unsigned char buf[8];

		if (e == 0 || irbuild_encode(e, 1, buf) < 0)
			return refuse(r, "delta is absent and the element "
			    "type is unknown");
		v[2] = irbuild_scalar(r->g, arena_printf(&r->g->model->arena,
		    "%s_delta", r->base), e, 1, 0);
		if (v[2] == NULL)
			return -1;
	}
	n = emit(r, "Range", v, 3, 1);
	r->res[0] = n ? n->outputs[0] : NULL;
	return 1;
}

static int
rw_unique(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *x = in(r, 0);
	struct ir_node *n;

	if (!attrs_known(r, names, ""))
		return 0;
	if (r->opset < 11)
		return refuse(r, "Unique needs opset 11");
	/* First-occurrence order; outputs y, inverse indices, counts. */
	n = emit(r, "Unique", &x, 1, 4);
	if (n == NULL)
		return -1;
	chk(r, irbuild_attr_i(n, "sorted", 0));
	r->res[0] = n->outputs[0];
	r->res[1] = n->outputs[2];
	r->res[2] = n->outputs[3];
	return 1;
}

static int
rw_expand_dims(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *ax = in(r, 1), *v[2];
	struct ir_node *n;
	double a;

	if (!attrs_known(r, names, ""))
		return 0;
	if (irbuild_is_const(ax) && ax->init->rank <= 1 &&
	    ir_tensor_get_f64(ax->init, 0, &a) == 0) {
		int64_t axis = (int64_t)a;

		if (r->opset >= 13) {
			v[0] = in(r, 0);
			v[1] = kints(r, &axis, 1);
			n = emit(r, "Unsqueeze", v, 2, 1);
		} else {
			n = emit(r, "Unsqueeze", &r->n->inputs[0], 1, 1);
			if (n != NULL)
				chk(r, irbuild_attr_ints(n, "axes", &axis, 1));
		}
		r->res[0] = n ? n->outputs[0] : NULL;
		return 1;
	}
	if (r->opset < 13)
		return refuse(r, "axis is not a constant and Unsqueeze takes "
		    "axes as an attribute below opset 13");
	{
		int64_t one = 1;
		struct ir_node *c = emit(r, "Cast", &ax, 1, 1);

		if (c == NULL)
			return -1;
		chk(r, irbuild_attr_i(c, "to", IR_ELEM_INT64));
		v[0] = c->outputs[0];
		v[1] = kints(r, &one, 1);
		v[1] = op2(r, "Reshape", v[0], v[1]);
	}
	v[0] = in(r, 0);
	n = emit(r, "Unsqueeze", v, 2, 1);
	r->res[0] = n ? n->outputs[0] : NULL;
	return 1;
}

static int
rw_bias_dropout(struct rw *r)
{
	static const char *const names[] = { "seed", NULL };
	struct ir_value *tm = in(r, 4);
	double t;

	if (!attrs_known(r, names, "i"))
		return 0;
	if (out_used(r->n, 1))
		return refuse(r, "its mask output is used");
	if (tm != NULL && !(irbuild_is_const(tm) &&
	    ir_tensor_get_f64(tm->init, 0, &t) == 0 && t == 0))
		return refuse(r, "training_mode is not a constant false");
	r->res[0] = op2(r, "Add", in(r, 0), in(r, 1));
	if (in(r, 2) != NULL)
		r->res[0] = op2(r, "Add", r->res[0], in(r, 2));
	return 1;
}

static int
rw_gemm_fast_gelu(struct rw *r)
{
	static const char *const names[] = { NULL };
	struct ir_value *y;

	if (!attrs_known(r, names, "") || !need_consts(r))
		return 0;
	y = op2(r, "MatMul", in(r, 0), in(r, 1));
	if (in(r, 2) != NULL)
		y = op2(r, "Add", y, in(r, 2));
	r->res[0] = gelu_tanh(r, y);
	return 1;
}

/* The opset from which standard (De)QuantizeLinear take quantized type
 * E; 0 when never. */
static int
quant_since(int32_t e)
{
	switch (e) {
	case IR_ELEM_INT8:
	case IR_ELEM_UINT8:
	case IR_ELEM_INT32:
		return 13;
	case IR_ELEM_INT16:
	case IR_ELEM_UINT16:
	case IR_ELEM_INT4:
	case IR_ELEM_UINT4:
		return 21;
	}
	return 0;
}

/* com.microsoft DequantizeLinear and QuantizeLinear: the standard ones
 * from opset 13 (axis), as far as their types allow. */
static int
rw_quant(struct rw *r, bool dq)
{
	static const char *const names[] = { "axis", NULL };
	int32_t q = dq ? elem_of(in(r, 0)) : in(r, 2) ? elem_of(in(r, 2)) :
	    IR_ELEM_UINT8;
	int32_t f = elem_of(in(r, 1));
	int need = quant_since(q);

	if (q == 0 || f == 0)
		return refuse(r, "the element types are unknown");
	if (need == 0 || (!dq && q == IR_ELEM_INT32))
		return refuse(r, "%s is not a quantized type of the standard "
		    "operator", ir_elem_name(q) ? ir_elem_name(q) : "?");
	if (f == IR_ELEM_FLOAT16 && need < 19)
		need = 19;
	else if (f != IR_ELEM_FLOAT && f != IR_ELEM_FLOAT16)
		return refuse(r, "scale type %s is not supported",
		    ir_elem_name(f) ? ir_elem_name(f) : "?");
	return rw_rename(r, dq ? "DequantizeLinear" : "QuantizeLinear",
	    need, names, "i");
}

static int
rw_dequantize(struct rw *r)
{
	return rw_quant(r, true);
}

static int
rw_quantize(struct rw *r)
{
	return rw_quant(r, false);
}

static int rw_trilu(struct rw *r);

/* Known operators: (domain, op) -> rewrite.  "" is the default domain,
 * for ORT's own versions of later standard ops. */
static const struct known {
	const char *domain, *op;
	int (*fn)(struct rw *r);
	int arg;		/* passed to shared rewrites */
} known[] = {
	{ MS, "BiasAdd", rw_bias_add, 0 },
	{ MS, "BiasDropout", rw_bias_dropout, 0 },
	{ MS, "BiasGelu", rw_bias_gelu, 0 },
	{ MS, "BiasSplitGelu", rw_bias_split_gelu, 0 },
	{ MS, "DequantizeLinear", rw_dequantize, 0 },
	{ MS, "ExpandDims", rw_expand_dims, 0 },
	{ MS, "FastGelu", rw_fast_gelu, 0 },
	{ MS, "FusedConv", rw_fused_conv, 0 },
	{ MS, "FusedGemm", rw_fused_gemm, 0 },
	{ MS, "FusedMatMul", rw_fused_matmul, 0 },
	{ MS, "GatherND", rw_gather_nd, 0 },
	{ MS, "Gelu", rw_gelu, 0 },
	{ MS, "GemmFastGelu", rw_gemm_fast_gelu, 0 },
	{ MS, "LayerNormalization", NULL, 0 },
	{ MS, "NhwcConv", rw_nhwc_conv, 0 },
	{ MS, "QuantizeLinear", rw_quantize, 0 },
	{ MS, "QuickGelu", rw_quick_gelu, 0 },
	{ MS, "Range", rw_range, 0 },
	{ MS, "SimplifiedLayerNormalization", NULL, 1 },
	{ MS, "SkipLayerNormalization", NULL, 2 },
	{ MS, "SkipSimplifiedLayerNormalization", NULL, 3 },
	{ MS, "TransposeMatMul", rw_fused_matmul, 0 },
	{ MS, "Trilu", rw_trilu, 0 },
	{ MS, "Unique", rw_unique, 0 },
	{ "", "Gelu", rw_gelu_std, 0 },
	{ "", "LayerNormalization", NULL, 0 },
	{ "", "SimplifiedLayerNormalization", NULL, 1 },
};

static int
rw_trilu(struct rw *r)
{
	static const char *const names[] = { "upper", NULL };

	return rw_rename(r, "Trilu", 14, names, "i");
}

static int
run_known(struct rw *r, const struct known *kn)
{
	if (kn->fn != NULL)
		return kn->fn(r);
	switch (kn->arg) {
	case 0:
		return rw_norm(r, false);
	case 1:
		return rw_norm(r, true);
	case 2:
		return rw_skip_norm(r, false);
	default:
		return rw_skip_norm(r, true);
	}
}

/* The known rewrite for node N at default-domain OPSET, or NULL. */
static const struct known *
find_known(const struct ir_node *n)
{
	bool onnx = ir_domain_is_onnx(n->domain);
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct known *kn = &known[i];

		if (strcmp(kn->op, n->op_type) != 0 ||
		    (kn->domain[0] ? !(strcmp(kn->domain, n->domain) == 0) :
		    !onnx))
			continue;
		return kn;
	}
	return NULL;
}

/* --- user mappings ------------------------------------------------------- */

static int
map_attr_fits(const struct opdb_schema *s, const struct cmap_attr *a)
{
	const struct opdb_attr *at = opdb_schema_attr(s, a->name);

	return at != NULL && at->type == (unsigned char)a->type;
}

static void
attr_text(char *buf, size_t size, const struct cmap *m)
{
	size_t i, len;

	snprintf(buf, size, "%s", m->target);
	if (m->nattrs == 0)
		return;
	for (i = 0; i < m->nattrs; i++) {
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s=%s", i ? "," : "(",
		    m->attrs[i].name, m->attrs[i].text);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, ")");
}

static int
set_map_attr(struct ir_node *n, const struct cmap_attr *a)
{
	switch (a->type) {
	case IR_ATTR_FLOAT:
		return irbuild_attr_f(n, a->name, a->f);
	case IR_ATTR_INT:
		return irbuild_attr_i(n, a->name, a->i);
	case IR_ATTR_STRING:
		return irbuild_attr_s(n, a->name, a->s);
	case IR_ATTR_FLOATS:
		return irbuild_attr_floats(n, a->name, a->floats, a->n);
	case IR_ATTR_INTS:
		return irbuild_attr_ints(n, a->name, a->ints, a->n);
	default:
		return -1;
	}
}

static const struct cmap_attr *
map_get(const struct cmap *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nattrs; i++)
		if (strcmp(m->attrs[i].name, name) == 0)
			return &m->attrs[i];
	return NULL;
}

/*
 * Apply mapping M to the node: 1 done, 0 refused (reason in r->why), -1
 * out of budget.  A target the opset lacks is decomposed when this pass
 * knows how (Gelu below 20, LayerNormalization below 17).
 */
static int
apply_map(struct rw *r, const struct cmap *m)
{
	const struct opdb_schema *s = onnx_schema(m->target, r->opset);
	size_t nin = ninputs(r->n), nout = r->n->noutputs, i;
	char b[DIAG_ESCAPE_SIZE];
	struct ir_node *n;

	while (nout > 0 && r->n->outputs[nout - 1] == NULL)
		nout--;
	if (s == NULL || s->deprecated) {
		const struct cmap_attr *a;
		int64_t axes[8], axis = -1;
		size_t naxes;

		if (strcmp(m->target, "Gelu") == 0 && r->opset >= 9) {
			const char *ap = "none";

			if ((a = map_get(m, "approximate")) != NULL)
				ap = a->s;
			if (nin != 1 || nout != 1)
				return refuse(r, "Gelu takes 1 input and 1 "
				    "output");
			if (strcmp(ap, "none") != 0 && strcmp(ap, "tanh"))
				return refuse(r, "approximate='%s' is not "
				    "defined", diag_esc(b, ap));
			if (!need_consts(r))
				return 0;
			r->res[0] = strcmp(ap, "tanh") == 0 ?
			    gelu_tanh(r, in(r, 0)) : gelu_erf(r, in(r, 0));
			return 1;
		}
		if (strcmp(m->target, "LayerNormalization") == 0 &&
		    r->opset >= 7) {
			if (nin < 2 || nin > 3 || nout < 1 || nout > 3)
				return refuse(r, "LayerNormalization takes "
				    "2 or 3 inputs and 1 to 3 outputs");
			if ((a = map_get(m, "stash_type")) != NULL &&
			    a->i != 1)
				return refuse(r, "stash_type must be 1");
			if ((a = map_get(m, "axis")) != NULL)
				axis = a->i;
			if (!norm_axes(r, in(r, 0), axis, axes, &naxes) ||
			    !need_consts(r) || !norm_ok(r))
				return 0;
			a = map_get(m, "epsilon");
			layer_norm(r, in(r, 0), in(r, 1), in(r, 2), axis,
			    axes, naxes, a ? a->f : 1e-5f, &r->res[0],
			    out_used(r->n, 1) ? &r->res[1] : NULL,
			    out_used(r->n, 2) ? &r->res[2] : NULL);
			return 1;
		}
		return refuse(r, "%s is not defined at opset %lld",
		    diag_esc(b, m->target), (long long)r->opset);
	}
	if ((int)nin < s->min_in || (int)nin > s->max_in)
		return refuse(r, "%s takes %d to %d inputs, the node has %zu",
		    diag_esc(b, m->target), s->min_in, s->max_in, nin);
	if ((int)nout < s->min_out || (int)nout > s->max_out)
		return refuse(r, "%s takes %d to %d outputs, the node has %zu",
		    diag_esc(b, m->target), s->min_out, s->max_out, nout);
	for (i = 0; i < m->nattrs; i++)
		if (!map_attr_fits(s, &m->attrs[i]))
			return refuse(r, "%s-%d has no %s attribute '%s'",
			    diag_esc(b, m->target), s->since,
			    ir_attr_type_name(m->attrs[i].type),
			    m->attrs[i].name);
	for (i = 0; i < s->nattrs; i++) {
		const struct opdb_attr *sa = &opdb_attrs(s)[i];

		if (sa->required && map_get(m, opdb_s(sa->name)) == NULL)
			return refuse(r, "the mapping does not give the "
			    "required attribute '%s'", opdb_s(sa->name));
	}
	n = emit(r, m->target, r->n->inputs, nin, nout);
	if (n == NULL)
		return -1;
	for (i = 0; i < m->nattrs; i++)
		chk(r, set_map_attr(n, &m->attrs[i]));
	for (i = 0; i < nout && i < 4; i++)
		r->res[i] = r->n->outputs[i] ? n->outputs[i] : NULL;
	return 1;
}

/* --- driver -------------------------------------------------------------- */

/* The new nodes' operators, for the note. */
static void
ops_list(struct rw *r)
{
	size_t i, len;

	r->ops[0] = '\0';
	for (i = r->first; i < r->g->nnodes; i++) {
		len = strlen(r->ops);
		if (len + 32 >= sizeof(r->ops)) {
			snprintf(r->ops + len, sizeof(r->ops) - len, ", ...");
			return;
		}
		snprintf(r->ops + len, sizeof(r->ops) - len, "%s%s",
		    len ? ", " : "", r->g->nodes[i]->op_type);
	}
}

/*
 * Bind the new values to the node's outputs, so the names other nodes
 * and the graph outputs use stay, and put the new nodes in its place.
 */
static int
finish(struct rw *r)
{
	struct ir_node *n = r->n;
	size_t i, j;

	ir_node_kill(n);
	for (i = 0; i < n->noutputs; i++) {
		struct ir_value *old = n->outputs[i], *v;
		struct ir_node *p;
		bool shared = false;

		if (old == NULL)
			continue;
		v = i < 4 ? r->res[i] : NULL;
		if (v == NULL)
			continue;	/* checked unused */
		for (j = 0; j < i; j++)
			if (r->res[j] == v)
				shared = true;
		p = v->producer;
		if (!shared && v->kind == IR_VALUE_NODE && p != NULL &&
		    p->index >= r->first && !p->dead) {
			if (ir_value_replace_uses(v, old) < 0)
				return -1;
			ir_node_set_output(p, (size_t)v->out_index, old);
			/* A later result naming V now means OLD. */
			for (j = i + 1; j < 4; j++)
				if (r->res[j] == v)
					r->res[j] = old;
		} else {
			p = emit(r, "Identity", &v, 1, 1);
			if (p == NULL)
				return -1;
			ir_node_set_output(p, 0, old);
		}
	}
	ops_list(r);
	irbuild_place(r->g, r->first, n);
	return 0;
}

/* Is N a call of a model-local function? */
static bool
is_function_call(const struct ir_model *m, const struct ir_node *n)
{
	size_t i;

	for (i = 0; i < m->nfunctions; i++) {
		const struct ir_function *f = m->functions[i];

		if (strcmp(f->name ? f->name : "", n->op_type) == 0 &&
		    strcmp(f->domain ? f->domain : "", n->domain) == 0)
			return true;
	}
	return false;
}

/* A node this pass should look at: a non-standard operator. */
static bool
is_custom(const struct ir_model *m, const struct ir_node *n)
{
	int64_t opset;

	if (is_function_call(m, n))
		return false;
	if (!opdb_domain_is_onnx(n->domain))
		return true;
	if (!ir_domain_is_onnx(n->domain))
		return false;	/* ai.onnx.ml and the like are standard */
	opset = ir_node_opset(n);
	return opset >= 0 && onnx_schema(n->op_type, opset) == NULL;
}

static int
rewrite_node(struct pass_ctx *ctx, struct ir_node *n, struct cmap *maps,
    size_t nmaps)
{
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE], b3[DIAG_ESCAPE_SIZE];
	char what[300], path[IR_PATH_SIZE];
	const struct known *kn;
	const struct cmap *m;
	bool in_function;
	struct rw r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.g = n->graph;
	r.n = n;
	{
		const struct ir_graph *top = r.g;

		while (top->parent != NULL)
			top = top->parent;
		in_function = top->kind == IR_GRAPH_FUNCTION;
	}
	r.opset = in_function ? -1 : ir_model_opset(ctx->m, "");
	if (!is_custom(ctx->m, n))
		return 0;
	snprintf(what, sizeof(what), "%s%s%s", n->domain[0] ?
	    diag_esc(b1, n->domain) : "", n->domain[0] ? "::" : "",
	    diag_esc(b2, n->op_type));
	m = cmap_find(maps, nmaps, n->domain, n->op_type);
	if (m != NULL)
		maps[m - maps].uses++;
	kn = m ? NULL : find_known(n);
	if (m == NULL && kn == NULL) {
		pass_report_node(ctx, DIAG_C_CUSTOM_UNKNOWN, n, "%s", what);
		return 0;
	}
	if (r.opset < 0) {
		pass_report_node(ctx, m ? DIAG_C_MAP_MISFIT :
		    DIAG_C_CUSTOM_KEPT, n, "%s: %s", what,
		    in_function ? "inside a function body" :
		    "the model imports no ONNX opset");
		return 0;
	}
	r.like = n->ninputs > 0 ? n->inputs[0] : NULL;
	r.elem = elem_of(r.like);
	r.first = r.g->nnodes;
	r.base = n->noutputs > 0 && n->outputs[0] != NULL ?
	    n->outputs[0]->name : n->op_type;
	rc = m ? apply_map(&r, m) : run_known(&r, kn);
	if (rc < 0 || r.oom)
		return -1;
	if (rc == 0) {
		/* Refusals happen before anything is built. */
		if (r.g->nnodes != r.first)
			return -1;
		pass_report_node(ctx, m ? DIAG_C_MAP_MISFIT :
		    DIAG_C_CUSTOM_KEPT, n, "%s: %s", what, r.why);
		return 0;
	}
	/* The notes locate the node where it was. */
	ir_node_path(n, path, sizeof(path));
	if (finish(&r) < 0 || r.oom)
		return -1;
	if (m != NULL) {
		char t[512], dropped[256];
		size_t i, len;

		attr_text(t, sizeof(t), m);
		dropped[0] = '\0';
		for (i = 0; i < n->nattrs; i++) {
			len = strlen(dropped);
			snprintf(dropped + len, sizeof(dropped) - len, "%s%s",
			    len ? ", " : "", diag_esc(b1, n->attrs[i].name));
		}
		diag_report(ctx->d, DIAG_F_CUSTOM_MAPPED, path, "%s -> %s "
		    "(%s, from %s)", what, diag_esc(b3, t), r.ops,
		    diag_esc(b2, m->where));
		/* the mapping names the target's attributes; what the node
		 * held is gone, which may change what it computes */
		if (dropped[0] != '\0')
			diag_report(ctx->d, DIAG_C_MAP_DROPS_ATTRS, path,
			    "%s: %s (from %s)", what, dropped,
			    diag_esc(b2, m->where));
	} else {
		diag_report(ctx->d, DIAG_F_CUSTOM_DECOMPOSED, path,
		    "%s -> %s", what, r.ops);
	}
	ctx->changed = true;
	return 0;
}

/* Remove the imports of domains no node uses. */
static int
drop_imports(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	struct ir_graph **graphs;
	size_t ng, i, j, k = 0;
	bool *used;

	if (m->has_training_info || m->nopsets == 0)
		return 0;
	used = arena_array(&ctx->scratch, m->nopsets, sizeof(*used));
	if (used == NULL)
		return -1;
	ng = ir_model_graphs(m, &graphs);
	for (i = 0; i < ng; i++)
		for (j = 0; j < graphs[i]->nnodes; j++) {
			const struct ir_node *n = graphs[i]->nodes[j];
			size_t d;

			if (n->dead)
				continue;
			for (d = 0; d < m->nopsets; d++)
				if (!used[d] && (ir_domain_is_onnx(
				    m->opsets[d].domain) ?
				    ir_domain_is_onnx(n->domain) :
				    strcmp(m->opsets[d].domain,
				    n->domain) == 0))
					used[d] = true;
		}
	for (i = 0; i < m->nfunctions; i++) {
		const struct ir_function *f = m->functions[i];
		size_t d, e;

		/* A function's own imports, and the domain it is defined
		 * in, need the model's import too in some runtimes. */
		for (d = 0; d < m->nopsets; d++)
			if (f->domain != NULL && strcmp(f->domain,
			    m->opsets[d].domain) == 0)
				used[d] = true;
		for (e = 0; e < f->nopsets; e++)
			for (d = 0; d < m->nopsets; d++)
				if (strcmp(f->opsets[e].domain,
				    m->opsets[d].domain) == 0)
					used[d] = true;
	}
	for (i = 0; i < m->nopsets; i++) {
		char b[DIAG_ESCAPE_SIZE];

		if (used[i] || ir_domain_is_onnx(m->opsets[i].domain)) {
			m->opsets[k++] = m->opsets[i];
			continue;
		}
		diag_report(ctx->d, DIAG_F_OPSET_UNUSED, "", "'%s' version "
		    "%lld", diag_esc(b, m->opsets[i].domain),
		    (long long)m->opsets[i].version);
		m->opsets_dirty = true;
		ctx->changed = true;
	}
	m->nopsets = k;
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct cmap *maps = NULL;
	size_t ng, nmaps = 0, i, j;
	char why[1024];
	int rc;

	rc = cmap_load(&ctx->scratch, ctx->o, &maps, &nmaps, why,
	    sizeof(why));
	if (rc == -3)
		return -1;
	if (rc < 0) {
		diag_report(ctx->d, DIAG_C_MAP_INVALID, "", "%s", why);
		return 0;
	}
	ng = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];
		size_t n0 = g->nnodes;

		/* New nodes are appended and placed; walk the original
		 * ones, which keep their relative order. */
		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *n = g->nodes[j];

			if (n->dead || !ir_node_loaded(n))
				continue;
			if (rewrite_node(ctx, n, maps, nmaps) < 0)
				return -1;
		}
		if (g->nnodes != n0)
			ir_graph_compact(g);
	}
	/* A mapping the user asked for that nothing used: a typo in the
	 * domain or operator, or a model that is not the expected one. */
	for (i = 0; i < nmaps; i++) {
		char b[DIAG_ESCAPE_SIZE], w[DIAG_ESCAPE_SIZE];

		if (maps[i].uses == 0)
			diag_report(ctx->d, DIAG_C_MAP_UNUSED, "", "%s (from %s)",
			    diag_esc(b, maps[i].spec), diag_esc(w, maps[i].where));
	}
	if (ctx->changed && ir_rebuild_implicit(ctx->m) < 0)
		return -1;
	/* Later passes read the types of the values made here. */
	if (ctx->changed && shapes_infer(ctx->m) < 0)
		return -1;
	return drop_imports(ctx);
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->nmaps > 0 ? "--map" : o->map_file != NULL ? "--map-file" :
	    NULL;
}

const struct pass pass_custom_ops = {
	"custom-ops", PASS_REWRITE,
	"replace custom operators by standard ONNX ones",
	run, asked,
};
