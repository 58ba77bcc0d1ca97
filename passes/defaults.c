/* SPDX-License-Identifier: MIT */
/*
 * defaults: attribute values whose meaning differs between frameworks,
 * the hidden defaults that make a converted model compute something
 * slightly different from the model that was trained.
 *
 * Finds: LayerNormalization, InstanceNormalization, GroupNormalization,
 * RMSNormalization and ONNX Runtime's fused layer norms whose epsilon
 * differs from the --expect convention (ONNX/PyTorch 1e-5, Keras/TF
 * 1e-3), differs between nodes of one op type, or becomes 0 in float16
 * (Hugging Face BERT's 1e-12); GELU in its erf and tanh forms (ONNX
 * Gelu-20 approximate, com.microsoft Gelu/BiasGelu/FastGelu/QuickGelu,
 * and decomposed graphs recognised by their constants: 1/sqrt(2) or
 * sqrt(2) next to Erf, sqrt(2/pi) and 0.044715 next to Tanh, 1.702 next
 * to Sigmoid); Resize coordinate_transformation_mode, nearest_mode and
 * cubic_coeff_a against the expected framework and against the
 * TensorRT and onnx2tf restrictions of the --target runtimes;
 * AveragePool count_include_pad on padded pools; Softmax, LogSoftmax
 * and Hardmax below opset 13 on inputs of rank > 2 whose 2-D coercion
 * differs from per-axis semantics; Pad modes the opset or a target does
 * not have; auto_pad (deprecated) and SAME_LOWER against TensorFlow's
 * SAME.  Without --expect only inconsistencies within the model and
 * values that change results anyway are reported.
 * Requires: a loaded model; ranks and element types from struct
 * ir_value.type (unknown ones are never a finding).
 * Preserves: everything (analysis only).
 *
 *	before:  LayerNormalization(X, G) epsilon=0.001, --expect pytorch
 *	report:  node 7 (LayerNormalization): warning H650: normalisation
 *	         epsilon differs from the expected convention: 0.001 ...
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "opdb/opdb.h"
#include "defaults.h"
#include "pass.h"

#define ATTR_STR_MAX 64

static const char *const conv_names[] = {
	"none", "onnx", "pytorch", "keras", "tf",
};

static bool
is_op(const struct ir_node *n, const char *domain, const char *op)
{
	if (!ir_streq(n->op_type, op))
		return false;
	if (domain == NULL)
		return ir_domain_is_onnx(n->domain);
	return ir_streq(n->domain, domain);
}

/* A STRING attribute as a C string (cut at ATTR_STR_MAX - 1 bytes). */
static const char *
attr_s(const struct ir_node *n, const char *name, const char *dflt,
    char *buf)
{
	const struct ir_attr *a = ir_node_attr(n, name);
	size_t len;

	if (a == NULL || a->type != IR_ATTR_STRING || a->s == NULL)
		return dflt;
	len = a->slen < ATTR_STR_MAX - 1 ? a->slen : ATTR_STR_MAX - 1;
	memcpy(buf, a->s, len);
	buf[len] = '\0';
	return buf;
}

/* The value of V when it is a one-element constant (initializer or
 * Constant node); *ELEM (may be NULL) gets its element type. */
static bool
const_scalar_elem(const struct ir_value *v, double *out, int32_t *elem)
{
	const struct ir_tensor *t = NULL;
	uint64_t count;

	if (v == NULL)
		return false;
	if (v->init != NULL) {
		t = v->init;
	} else if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    is_op(v->producer, NULL, "Constant")) {
		const struct ir_attr *a = ir_node_attr(v->producer, "value");

		if (a != NULL && a->type == IR_ATTR_TENSOR)
			t = a->t;
		else if ((a = ir_node_attr(v->producer, "value_float")) !=
		    NULL && a->type == IR_ATTR_FLOAT) {
			*out = a->f;
			if (elem != NULL)
				*elem = IR_ELEM_FLOAT;
			return true;
		}
	}
	/* ir_tensor_get_f64 reads external data in */
	if (t == NULL || ir_tensor_count(t, &count, NULL) < 0 || count != 1)
		return false;
	if (elem != NULL)
		*elem = t->elem;
	return ir_tensor_get_f64(t, 0, out) == 0;
}

static bool
const_scalar(const struct ir_value *v, double *out)
{
	return const_scalar_elem(v, out, NULL);
}

static bool
near(double a, double b)
{
	return fabs(a - b) <= 1e-4 * fabs(b);
}

/* The producer of input I of N, or NULL. */
static const struct ir_node *
producer(const struct ir_node *n, size_t i)
{
	const struct ir_value *v = i < n->ninputs ? n->inputs[i] : NULL;

	return v != NULL && v->kind == IR_VALUE_NODE ? v->producer : NULL;
}

/*
 * N is OP (Mul or Div) of a value and a constant near C (either side for
 * Mul, the divisor for Div): returns the other input, else NULL.
 */
static const struct ir_value *
binary_const(const struct ir_node *n, const char *op, double c)
{
	double d;

	if (n == NULL || !is_op(n, NULL, op) || n->ninputs != 2)
		return NULL;
	if (const_scalar(n->inputs[1], &d) && near(d, c))
		return n->inputs[0];
	if (strcmp(op, "Mul") == 0 && const_scalar(n->inputs[0], &d) &&
	    near(d, c))
		return n->inputs[1];
	return NULL;
}

/* A Mul by a constant near C within DEPTH producers above V. */
static bool
upstream_mul(const struct ir_value *v, double c, int depth)
{
	const struct ir_value *stack[16];
	int dep[16];
	size_t sp = 0, visits = 0;

	stack[sp] = v;
	dep[sp++] = 0;
	while (sp > 0 && visits++ < 32) {
		const struct ir_value *x = stack[--sp];
		int d = dep[sp];
		const struct ir_node *p;
		size_t i;

		if (x == NULL || x->kind != IR_VALUE_NODE ||
		    (p = x->producer) == NULL)
			continue;
		if (binary_const(p, "Mul", c) != NULL)
			return true;
		if (d + 1 >= depth)
			continue;
		for (i = 0; i < p->ninputs && sp < 16; i++) {
			stack[sp] = p->inputs[i];
			dep[sp++] = d + 1;
		}
	}
	return false;
}

/* --- normalisation epsilon -------------------------------------------- */

struct eps_op {
	const char *domain;	/* NULL: the default domain */
	const char *op;
	float dflt;		/* the schema default (contrib: ORT's) */
};

/* Index of the decomposed form, Sqrt(Add(ReduceMean(...), epsilon)). */
#define EPS_DECOMPOSED NEPS_OPS

static const struct eps_op eps_ops[] = {
	{ NULL, "GroupNormalization", 1e-5f },
	{ NULL, "InstanceNormalization", 1e-5f },
	{ NULL, "LayerNormalization", 1e-5f },
	{ NULL, "RMSNormalization", 1e-5f },
	{ "com.microsoft", "SkipLayerNormalization", 1e-12f },
	{ "com.microsoft", "SkipSimplifiedLayerNormalization", 1e-12f },
	{ NULL, "SimplifiedLayerNormalization", 1e-5f },
};
#define NEPS_OPS (sizeof(eps_ops) / sizeof(eps_ops[0]))

static const char *
eps_origin(float e)
{
	if (e == 1e-5f)
		return " (ONNX and PyTorch default)";
	if (e == 1e-3f)
		return " (Keras default)";
	if (e == 1e-12f)
		return " (Hugging Face BERT default)";
	if (e == 1e-6f)
		return " (common in Hugging Face ViT and T5)";
	return "";
}

static float
expected_eps(enum onnxfix_convention c)
{
	return c == ONNXFIX_CONV_KERAS || c == ONNXFIX_CONV_TF ? 1e-3f :
	    1e-5f;
}

/* Distinct epsilons seen per op kind, for the consistency note. */
#define EPS_KEEP 4
struct eps_seen {
	float v[EPS_KEEP];
	size_t count[EPS_KEEP];
	size_t nv, more;
};

static void
check_eps_value(struct pass_ctx *ctx, const struct ir_node *n, size_t k,
    float e, bool given, const struct ir_value *x, struct eps_seen *seen)
{
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;
	size_t i;

	for (i = 0; i < seen->nv; i++)
		if (seen->v[i] == e)
			break;
	if (i < seen->nv)
		seen->count[i]++;
	else if (seen->nv < EPS_KEEP) {
		seen->v[seen->nv] = e;
		seen->count[seen->nv++] = 1;
	} else
		seen->more++;
	if (x != NULL && x->type.kind == IR_TYPE_TENSOR &&
	    x->type.elem == IR_ELEM_FLOAT16 && e > 0 && e < 2.98e-8f)
		pass_report_node(ctx, DIAG_H_EPS_FP16, n, "epsilon %g%s on "
		    "float16 input: the smallest float16 is 6e-08, so the "
		    "variance is no longer guarded against 0", e,
		    eps_origin(e));
	if (c == ONNXFIX_CONV_NONE ||
	    (k < NEPS_OPS && eps_ops[k].domain != NULL))
		return;
	if (e != expected_eps(c))
		pass_report_node(ctx, DIAG_H_EPS, n, "%sepsilon %g%s%s; "
		    "--expect %s uses %g", k == EPS_DECOMPOSED ?
		    "decomposed normalisation, " : "", e, eps_origin(e),
		    given ? "" : " by default", conv_names[c],
		    expected_eps(c));
}

static void
check_eps(struct pass_ctx *ctx, const struct ir_node *n, size_t k,
    struct eps_seen *seen)
{
	check_eps_value(ctx, n, k, ir_attr_float(n, "epsilon", eps_ops[k].dflt),
	    ir_node_attr(n, "epsilon") != NULL,
	    n->ninputs > 0 ? n->inputs[0] : NULL, seen);
}

/*
 * A normalisation written out by an exporter (PyTorch below opset 17,
 * tf2onnx, T5's RMSNorm): Sqrt(Add(ReduceMean(...), epsilon)), the
 * epsilon a constant of at most 0.1.  A float16 constant of exactly 0 is
 * an epsilon that the float16 conversion flushed.
 */
static void
check_eps_decomposed(struct pass_ctx *ctx, const struct ir_node *n,
    struct eps_seen *seen)
{
	const struct ir_node *add = producer(n, 0);
	const struct ir_node *mean;
	double e;
	int32_t elem = 0;
	int side;

	if (add == NULL || !is_op(add, NULL, "Add") || add->ninputs != 2)
		return;
	for (side = 0; side < 2; side++)
		if ((mean = producer(add, (size_t)(1 - side))) != NULL &&
		    is_op(mean, NULL, "ReduceMean") &&
		    const_scalar_elem(add->inputs[side], &e, &elem))
			break;
	if (side == 2 || e < 0 || e > 0.1)
		return;
	if (e == 0) {
		if (elem == IR_ELEM_FLOAT16)
			pass_report_node(ctx, DIAG_H_EPS_FP16, add, "decomposed "
			    "normalisation: the epsilon constant is float16 0, "
			    "flushed from a value below 3e-08 (1e-12 in "
			    "Hugging Face BERT)");
		return;
	}
	check_eps_value(ctx, add, EPS_DECOMPOSED, (float)e, true,
	    add->inputs[1 - side], seen);
}

static void
report_eps_mix(struct pass_ctx *ctx, struct eps_seen *seen)
{
	char text[512];
	size_t k, i, len;

	for (k = 0; k <= NEPS_OPS; k++) {
		if (seen[k].nv < 2)
			continue;
		len = 0;
		text[0] = '\0';
		for (i = 0; i < seen[k].nv; i++) {
			int w = snprintf(text + len, sizeof(text) - len,
			    "%s%g (%zu)", i ? ", " : "", seen[k].v[i],
			    seen[k].count[i]);

			if (w < 0 || (size_t)w >= sizeof(text) - len)
				break;
			len += (size_t)w;
		}
		diag_report(ctx->d, DIAG_H_EPS_MIX, "", "%s epsilon: %s%s",
		    k < NEPS_OPS ? eps_ops[k].op : "decomposed normalisation",
		    text, seen[k].more ? ", ..." : "");
	}
}

/* --- GELU ------------------------------------------------------------- */

enum gelu_form { GELU_NONE, GELU_ERF, GELU_TANH, GELU_SIGMOID };

static const char *const form_names[] = {
	"", "exact erf form", "tanh approximation",
	"sigmoid approximation x*sigmoid(1.702x)",
};
/* Largest difference to the erf form over the reals. */
static const char *const form_error[] = { "", "", "4.7e-04", "2.0e-02" };

/* The GELU form N computes (as a whole or as the telltale node of a
 * decomposition), and a short description of how it was recognised. */
static enum gelu_form
gelu_form(const struct ir_node *n, const char **how)
{
	char b[ATTR_STR_MAX];

	if (is_op(n, NULL, "Gelu")) {
		*how = "Gelu";
		return strcmp(attr_s(n, "approximate", "none", b), "tanh") ==
		    0 ? GELU_TANH : GELU_ERF;
	}
	if (ir_streq(n->domain, "com.microsoft")) {
		*how = n->op_type;
		if (ir_streq(n->op_type, "Gelu") ||
		    ir_streq(n->op_type, "BiasGelu"))
			return GELU_ERF;
		if (ir_streq(n->op_type, "FastGelu"))
			return GELU_TANH;
		if (ir_streq(n->op_type, "QuickGelu"))
			return GELU_SIGMOID;
		return GELU_NONE;
	}
	if (!ir_domain_is_onnx(n->domain))
		return GELU_NONE;
	if (ir_streq(n->op_type, "Erf")) {
		const struct ir_node *p = producer(n, 0);

		*how = "Erf of x/sqrt(2)";
		if (binary_const(p, "Div", M_SQRT2) != NULL ||
		    binary_const(p, "Mul", M_SQRT1_2) != NULL)
			return GELU_ERF;
	} else if (ir_streq(n->op_type, "Tanh")) {
		const struct ir_value *v;

		*how = "Tanh of sqrt(2/pi)*(x+0.044715x^3)";
		v = binary_const(producer(n, 0), "Mul", 0.7978845608);
		if (v != NULL && upstream_mul(v, 0.044715, 4))
			return GELU_TANH;
	} else if (ir_streq(n->op_type, "Sigmoid")) {
		*how = "Sigmoid of 1.702x";
		if (binary_const(producer(n, 0), "Mul", 1.702) != NULL)
			return GELU_SIGMOID;
	}
	return GELU_NONE;
}

struct gelu_count {
	size_t n[4];
};

static void
check_gelu(struct pass_ctx *ctx, const struct ir_node *n,
    struct gelu_count *gc)
{
	const char *how = "";
	enum gelu_form f = gelu_form(n, &how);
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;

	if (f == GELU_NONE)
		return;
	gc->n[f]++;
	if (f != GELU_ERF && c != ONNXFIX_CONV_NONE)
		pass_report_node(ctx, DIAG_H_GELU, n, "%s (%s); --expect %s "
		    "uses the exact erf form; results differ by up to %s",
		    form_names[f], how, conv_names[c], form_error[f]);
}

static void
report_gelu(struct pass_ctx *ctx, const struct gelu_count *gc)
{
	size_t approx = gc->n[GELU_TANH] + gc->n[GELU_SIGMOID];
	int f;

	if (gc->n[GELU_ERF] > 0 && approx > 0) {
		diag_report(ctx->d, DIAG_H_GELU_MIX, "", "%zu exact erf, %zu "
		    "tanh and %zu sigmoid GELU nodes", gc->n[GELU_ERF],
		    gc->n[GELU_TANH], gc->n[GELU_SIGMOID]);
		return;
	}
	if (ctx->o != NULL && ctx->o->expect != ONNXFIX_CONV_NONE)
		return;
	for (f = GELU_TANH; f <= GELU_SIGMOID; f++)
		if (gc->n[f] > 0)
			diag_report(ctx->d, DIAG_H_GELU_APPROX, "", "%zu GELU "
			    "node%s the %s; the exact erf form (the default "
			    "of ONNX, PyTorch and Keras) differs by up to %s",
			    gc->n[f], gc->n[f] == 1 ? " uses" : "s use",
			    form_names[f], form_error[f]);
}

/* --- target restrictions (free text of the opdb tables) --------------- */

/*
 * In TEXT, the sentence that starts with LEAD lists `words` in
 * backticks: 1 when WORD is among them, 0 when not, -1 when TEXT has no
 * such sentence.
 */
static int
sentence_lists(const char *text, const char *lead, const char *word)
{
	const char *p, *end;
	size_t wl = strlen(word);

	if (text == NULL || (p = strstr(text, lead)) == NULL)
		return -1;
	p += strlen(lead);
	end = strstr(p, ". ");
	if (end == NULL)
		end = p + strlen(p);
	while ((p = strchr(p, '`')) != NULL && p < end) {
		const char *q = strchr(p + 1, '`');

		if (q == NULL || q > end)
			break;
		if ((size_t)(q - p - 1) == wl && strncmp(p + 1, word, wl) == 0)
			return 1;
		p = q + 1;
	}
	return 0;
}

/*
 * In TEXT, "`ATTR` in `{a, b}`" lists WORD: 1, 0, or -1 when absent.
 */
static int
set_lists(const char *text, const char *attr, const char *word)
{
	char lead[64];
	const char *p, *end;
	size_t wl = strlen(word);

	if (text == NULL)
		return -1;
	snprintf(lead, sizeof(lead), "`%s` in `{", attr);
	if ((p = strstr(text, lead)) == NULL)
		return -1;
	p += strlen(lead);
	if ((end = strchr(p, '}')) == NULL)
		return -1;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;

		while (p < e && *p == ' ')
			p++;
		if ((size_t)(e - p) == wl && strncmp(p, word, wl) == 0)
			return 1;
		p = e + 1;
	}
	return 0;
}

/* --- Resize ----------------------------------------------------------- */

static bool
one_of(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (ir_streq(s, *list))
			return true;
	return false;
}

static void
resize_expect(struct pass_ctx *ctx, const struct ir_node *n,
    enum onnxfix_convention c, const char *mode, const char *ctm,
    const char *nm, float a, bool v10)
{
	static const char *const pt_linear[] = {
		"pytorch_half_pixel", "align_corners", "half_pixel", NULL,
	};
	static const char *const tf_linear[] = {
		"half_pixel", "pytorch_half_pixel", "asymmetric",
		"align_corners", NULL,
	};
	static const char *const tf_nearest[] = {
		"tf_half_pixel_for_nn", "asymmetric", "half_pixel",
		"align_corners", NULL,
	};
	char b[DIAG_ESCAPE_SIZE], d[DIAG_ESCAPE_SIZE];

	if (c == ONNXFIX_CONV_PYTORCH) {
		if (strcmp(mode, "nearest") == 0 && !v10 &&
		    !(strcmp(ctm, "asymmetric") == 0 &&
		    strcmp(nm, "floor") == 0) &&
		    !(strcmp(ctm, "half_pixel") == 0 &&
		    strcmp(nm, "round_prefer_floor") == 0))
			pass_report_node(ctx, DIAG_H_RESIZE, n, "nearest with "
			    "'%s' and '%s'; PyTorch's nearest is asymmetric "
			    "with floor (nearest-exact: half_pixel with "
			    "round_prefer_floor)", diag_esc(b, ctm), diag_esc(d, nm));
		else if ((strcmp(mode, "linear") == 0 ||
		    strcmp(mode, "cubic") == 0) && !one_of(ctm, pt_linear))
			pass_report_node(ctx, DIAG_H_RESIZE, n, "%s with '%s'; "
			    "PyTorch uses pytorch_half_pixel, or align_corners "
			    "with align_corners=True", diag_esc(b, mode), diag_esc(d, ctm));
		if (strcmp(mode, "cubic") == 0 && a != -0.75f)
			pass_report_node(ctx, DIAG_H_RESIZE, n, "cubic_coeff_a "
			    "%g; PyTorch's bicubic uses -0.75", a);
	} else if (c == ONNXFIX_CONV_TF || c == ONNXFIX_CONV_KERAS) {
		if (strcmp(mode, "nearest") == 0 && !one_of(ctm, tf_nearest))
			pass_report_node(ctx, DIAG_H_RESIZE, n, "nearest with "
			    "'%s'; TensorFlow's nearest is "
			    "tf_half_pixel_for_nn (TF2) or asymmetric (TF1)",
			    diag_esc(b, ctm));
		else if (strcmp(mode, "nearest") != 0 &&
		    !one_of(ctm, tf_linear))
			pass_report_node(ctx, DIAG_H_RESIZE, n, "%s with '%s'; "
			    "TensorFlow uses half_pixel (TF2), asymmetric (TF1) "
			    "or align_corners", diag_esc(b, mode), diag_esc(d, ctm));
		if (strcmp(mode, "cubic") == 0 && a != -0.5f)
			pass_report_node(ctx, DIAG_H_RESIZE, n, "cubic_coeff_a "
			    "%g; TensorFlow's bicubic uses -0.5", a);
	}
}

static void
resize_targets(struct pass_ctx *ctx, const struct ir_node *n,
    const char *mode, const char *ctm, const char *nm)
{
	const struct onnxfix_options *o = ctx->o;
	const struct ir_value *x = n->ninputs > 0 ? n->inputs[0] : NULL;
	char b[DIAG_ESCAPE_SIZE];
	size_t k;

	for (k = 0; o != NULL && k < o->ntargets; k++) {
		enum opdb_family f = opdb_target_family(o->targets[k].kind);

		if (f == OPDB_FAM_TRT) {
			const struct opdb_trt *r = opdb_tensorrt("", "Resize");
			const char *t = r ? opdb_s(r->restrictions) : NULL;

			if (sentence_lists(t, "Supported resize modes:",
			    mode) == 0)
				pass_report_node(ctx, DIAG_H_RESIZE_TARGET, n,
				    "tensorrt: mode '%s'", diag_esc(b, mode));
			if (sentence_lists(t, "Supported resize transformation "
			    "modes:", ctm) == 0)
				pass_report_node(ctx, DIAG_H_RESIZE_TARGET, n,
				    "tensorrt: coordinate_transformation_mode "
				    "'%s'", diag_esc(b, ctm));
			if (strcmp(mode, "nearest") == 0 &&
			    sentence_lists(t, "Supported nearest modes:",
			    nm) == 0)
				pass_report_node(ctx, DIAG_H_RESIZE_TARGET, n,
				    "tensorrt: nearest_mode '%s'", diag_esc(b, nm));
			if (ir_attr_int(n, "antialias", 0) != 0 && t != NULL &&
			    strstr(t, "Antialiasing is not supported") != NULL)
				pass_report_node(ctx, DIAG_H_RESIZE_TARGET, n,
				    "tensorrt: antialias=1");
		} else if (f == OPDB_FAM_ONNX2TF) {
			const struct opdb_tf *r = opdb_onnx2tf("", "Resize");
			const char *t = r ? opdb_s(r->constraints) : NULL;

			if (t != NULL && strstr(t, "Rank-4 only") != NULL &&
			    x != NULL && x->type.kind == IR_TYPE_TENSOR &&
			    x->type.rank >= 0 && x->type.rank != 4)
				pass_report_node(ctx, DIAG_H_RESIZE_TARGET, n,
				    "tflite: rank-%d input; onnx2tf resizes "
				    "rank-4 tensors only", x->type.rank);
			if (strcmp(mode, "cubic") == 0 &&
			    set_lists(t, "coordinate_transformation_mode",
			    ctm) == 0)
				pass_report_node(ctx, DIAG_H_RESIZE_TARGET, n,
				    "tflite: cubic with "
				    "coordinate_transformation_mode '%s'",
				    diag_esc(b, ctm));
		}
	}
}

static void
check_resize(struct pass_ctx *ctx, const struct ir_node *n)
{
	char mb[ATTR_STR_MAX], cb[ATTR_STR_MAX], nb[ATTR_STR_MAX];
	int64_t opset = ir_node_opset(n);
	bool v10 = opset >= 0 && opset < 11;
	const char *mode = attr_s(n, "mode", "nearest", mb);
	/* Resize-10 has no such attribute: its coordinates are asymmetric. */
	const char *ctm = v10 ? "asymmetric" :
	    attr_s(n, "coordinate_transformation_mode", "half_pixel", cb);
	const char *nm = attr_s(n, "nearest_mode", "round_prefer_floor", nb);
	float a = ir_attr_float(n, "cubic_coeff_a", -0.75f);

	if (ctx->o != NULL)
		resize_expect(ctx, n, ctx->o->expect, mode, ctm, nm, a, v10);
	resize_targets(ctx, n, mode, ctm, nm);
}

/* --- AveragePool ------------------------------------------------------ */

struct pool_count {
	size_t incl, excl;
};

static void
check_avgpool(struct pass_ctx *ctx, const struct ir_node *n,
    struct pool_count *pc)
{
	const struct ir_attr *pads = ir_node_attr(n, "pads");
	char b[ATTR_STR_MAX];
	const char *ap = attr_s(n, "auto_pad", "NOTSET", b);
	int64_t cip = ir_attr_int(n, "count_include_pad", 0);
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;
	bool padded = strncmp(ap, "SAME_", 5) == 0;
	size_t i;

	if (pads != NULL && pads->type == IR_ATTR_INTS)
		for (i = 0; i < pads->n; i++)
			if (pads->ints[i] != 0)
				padded = true;
	if (!padded)
		return;
	if (cip)
		pc->incl++;
	else
		pc->excl++;
	if (c == ONNXFIX_CONV_PYTORCH && !cip)
		pass_report_node(ctx, DIAG_H_AVGPOOL, n, "count_include_pad=0 "
		    "on a padded pool: the border averages exclude the padding;"
		    " PyTorch's nn.AvgPool2d includes it by default "
		    "(count_include_pad=True)");
	else if ((c == ONNXFIX_CONV_TF || c == ONNXFIX_CONV_KERAS) && cip)
		pass_report_node(ctx, DIAG_H_AVGPOOL, n, "count_include_pad=1 "
		    "on a padded pool; TensorFlow's SAME average pooling "
		    "excludes the padding");
}

/* --- Softmax below opset 13 ------------------------------------------- */

static void
check_softmax(struct pass_ctx *ctx, const struct ir_node *n)
{
	const struct ir_value *x = n->ninputs > 0 ? n->inputs[0] : NULL;
	int64_t opset = ir_node_opset(n), axis;
	int rank, d;

	if (opset < 0 || opset >= 13 || x == NULL ||
	    x->type.kind != IR_TYPE_TENSOR || x->type.rank <= 2)
		return;
	rank = x->type.rank;
	axis = ir_attr_int(n, "axis", 1);
	if (axis < 0)
		axis += rank;
	if (axis < 0 || axis >= rank - 1)
		return;
	/* Trailing dims of size 1 ([N, C, 1, 1] classifiers): the same. */
	for (d = (int)axis + 1; d < rank; d++)
		if (x->type.dims[d].kind != IR_DIM_VALUE ||
		    x->type.dims[d].value != 1)
			break;
	if (d == rank)
		return;
	pass_report_node(ctx, DIAG_H_SOFTMAX, n, "axis %" PRId64 " of a "
	    "rank-%d input at opset %" PRId64 ": %s runs over dims %" PRId64
	    "..%d together, not along axis %" PRId64 " alone as from opset 13",
	    axis, rank, opset, n->op_type, axis, rank - 1, axis);
}

/* --- Pad -------------------------------------------------------------- */

static void
check_pad(struct pass_ctx *ctx, const struct ir_node *n)
{
	static const char *const modes[] = {
		"constant", "reflect", "edge", "wrap", NULL,
	};
	char mb[ATTR_STR_MAX], b[DIAG_ESCAPE_SIZE];
	const char *mode = attr_s(n, "mode", "constant", mb);
	int64_t opset = ir_node_opset(n);
	const struct onnxfix_options *o = ctx->o;
	size_t k;

	if (!one_of(mode, modes)) {
		pass_report_node(ctx, DIAG_H_PAD_MODE, n, "'%s' is not an "
		    "ONNX Pad mode (constant, reflect, edge, wrap)",
		    diag_esc(b, mode));
		return;
	}
	if (strcmp(mode, "wrap") == 0 && opset >= 0 && opset < 19)
		pass_report_node(ctx, DIAG_H_PAD_OPSET, n, "'wrap' is defined "
		    "from opset 19, the model imports %" PRId64, opset);
	for (k = 0; o != NULL && k < o->ntargets; k++) {
		const struct opdb_tf *r;

		if (opdb_target_family(o->targets[k].kind) !=
		    OPDB_FAM_ONNX2TF)
			continue;
		r = opdb_onnx2tf("", "Pad");
		if (r != NULL && set_lists(opdb_s(r->constraints), "mode",
		    mode) == 0)
			pass_report_node(ctx, DIAG_H_PAD_TARGET, n, "tflite: "
			    "mode '%s'; onnx2tf converts constant and reflect",
			    diag_esc(b, mode));
	}
}

/* --- auto_pad --------------------------------------------------------- */

struct autopad_count {
	size_t upper, lower, valid;
};

static void
check_autopad(struct pass_ctx *ctx, const struct ir_node *n,
    struct autopad_count *ac)
{
	static const char *const ops[] = {
		"AveragePool", "Conv", "ConvInteger", "ConvTranspose",
		"LpPool", "MaxPool", "QLinearConv", NULL,
	};
	char b[ATTR_STR_MAX];
	const char *ap;
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;

	if (!ir_domain_is_onnx(n->domain) || !one_of(n->op_type, ops))
		return;
	ap = attr_s(n, "auto_pad", "NOTSET", b);
	if (strcmp(ap, "SAME_UPPER") == 0)
		ac->upper++;
	else if (strcmp(ap, "SAME_LOWER") == 0)
		ac->lower++;
	else if (strcmp(ap, "VALID") == 0)
		ac->valid++;
	if (strcmp(ap, "SAME_LOWER") == 0 &&
	    (c == ONNXFIX_CONV_TF || c == ONNXFIX_CONV_KERAS))
		pass_report_node(ctx, DIAG_H_SAME_LOWER, n, "SAME_LOWER puts "
		    "the odd padding first; TensorFlow's SAME puts it last "
		    "(SAME_UPPER)");
}

static void
report_autopad(struct pass_ctx *ctx, const struct autopad_count *ac)
{
	size_t n = ac->upper + ac->lower + ac->valid;

	if (n == 0)
		return;
	diag_report(ctx->d, DIAG_H_AUTO_PAD, "", "%zu node%s (SAME_UPPER %zu, "
	    "SAME_LOWER %zu, VALID %zu); explicit pads say the same portably"
	    "%s", n, n == 1 ? "" : "s", ac->upper, ac->lower, ac->valid,
	    ac->lower > 0 ? "; SAME_LOWER puts the odd padding first, unlike "
	    "TensorFlow's SAME" : "");
}

/* --- explicit pads that are not symmetric ------------------------------ */

enum pads_kind { PADS_SYMMETRIC, PADS_TF_SAME, PADS_ASYMMETRIC };

/*
 * Classify N's explicit pads: symmetric, TensorFlow's SAME written out
 * (every uneven axis one larger at the end, as SAME_UPPER computes it
 * from the input size, kernel, stride and dilation where those are
 * known), or other asymmetric.
 */
static enum pads_kind
pads_kind(const struct ir_node *n, const struct ir_attr *p)
{
	const struct ir_attr *ks = ir_node_attr(n, "kernel_shape");
	const struct ir_attr *st = ir_node_attr(n, "strides");
	const struct ir_attr *dl = ir_node_attr(n, "dilations");
	const struct ir_value *x = n->ninputs > 0 ? n->inputs[0] : NULL;
	size_t k = p->n / 2, i;
	bool asym = false, same = true;

	for (i = 0; i < k; i++) {
		int64_t b = p->ints[i], e = p->ints[i + k];
		int64_t in, kern, s, d, out, total;

		if (b == e)
			continue;
		asym = true;
		if (b == INT64_MAX || e != b + 1) {	/* no overflow */
			same = false;
			continue;
		}
		/* check against SAME_UPPER where the sizes are known */
		if (ks == NULL || ks->type != IR_ATTR_INTS || ks->n != k ||
		    x == NULL || x->type.kind != IR_TYPE_TENSOR ||
		    x->type.rank != (int)k + 2 ||
		    x->type.dims[i + 2].kind != IR_DIM_VALUE)
			continue;
		in = x->type.dims[i + 2].value;
		kern = ks->ints[i];
		s = st != NULL && st->type == IR_ATTR_INTS && st->n == k ?
		    st->ints[i] : 1;
		d = dl != NULL && dl->type == IR_ATTR_INTS && dl->n == k ?
		    dl->ints[i] : 1;
		if (in <= 0 || in > INT32_MAX || kern <= 0 || kern > INT32_MAX ||
		    s <= 0 || s > INT32_MAX || d <= 0 || d > INT32_MAX)
			continue;
		out = (in + s - 1) / s;
		total = (out - 1) * s + (kern - 1) * d + 1 - in;
		if (total < 0)
			total = 0;
		if (b != total / 2 || e != total - total / 2)
			same = false;
	}
	return !asym ? PADS_SYMMETRIC : same ? PADS_TF_SAME : PADS_ASYMMETRIC;
}

static void
check_pads(struct pass_ctx *ctx, const struct ir_node *n)
{
	static const char *const ops[] = {
		"AveragePool", "Conv", "ConvTranspose", "DeformConv", "LpPool",
		"MaxPool", NULL,
	};
	const struct onnxfix_options *o = ctx->o;
	const struct ir_attr *p = ir_node_attr(n, "pads");
	char ab[ATTR_STR_MAX], text[160];
	const char *ap = attr_s(n, "auto_pad", "NOTSET", ab);
	enum pads_kind kind;
	size_t i, k, len = 0;

	if (o == NULL || o->ntargets == 0 || !one_of(n->op_type, ops) ||
	    strcmp(ap, "NOTSET") != 0 || p == NULL ||
	    p->type != IR_ATTR_INTS || p->n == 0 || p->n % 2 != 0 ||
	    (kind = pads_kind(n, p)) == PADS_SYMMETRIC)
		return;
	text[0] = '\0';
	for (i = 0; i < p->n && len < sizeof(text) - 24; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s%" PRId64, i ? "," : "", p->ints[i]);
	for (k = 0; k < o->ntargets; k++) {
		const char *why = NULL;
		enum opdb_family f = opdb_target_family(o->targets[k].kind);

		if (f == OPDB_FAM_ONNX2TF &&
		    (ir_streq(n->op_type, "Conv") ||
		    ir_streq(n->op_type, "MaxPool"))) {
			const struct opdb_tf *r = opdb_onnx2tf("", n->op_type);

			if (r != NULL && opdb_s(r->constraints) != NULL &&
			    strstr(opdb_s(r->constraints),
			    "zero pads or `auto_pad="
			    "SAME_*`") != NULL)
				why = "tflite: onnx2tf maps zero pads or "
				    "auto_pad SAME onto TFLite's VALID and SAME";
		} else if (f == OPDB_FAM_TRT &&
		    ir_streq(n->op_type, "DeformConv")) {
			const struct opdb_trt *r = opdb_tensorrt("",
			    n->op_type);

			if (r != NULL && opdb_s(r->restrictions) != NULL &&
			    strstr(opdb_s(r->restrictions),
			    "must be the same") != NULL)
				why = "tensorrt: its DeformConv needs the same "
				    "pads at the beginning and the end";
		}
		if (why == NULL)
			continue;
		pass_report_node(ctx, DIAG_H_PADS_TARGET, n, "pads [%s]: %s; "
		    "%s%s", text, kind == PADS_TF_SAME ? "TensorFlow's SAME "
		    "written out (auto_pad=SAME_UPPER says the same)" :
		    "asymmetric, not TensorFlow's SAME", why,
		    ir_streq(n->op_type, "Conv") ? " (fix --pads split "
		    "writes a Pad and a symmetric Conv)" : "");
	}
}

/* --- framework conventions of single operators ------------------------ */

/* The model's producer names PyTorch (torch.onnx writes "pytorch"). */
static bool
producer_pytorch(const struct pass_ctx *ctx)
{
	const char *p = ctx->m->producer_name;

	return p != NULL && strcmp(p, "pytorch") == 0;
}

/*
 * GRU linear_before_reset: PyTorch's nn.GRU and Keras' reset_after=True
 * multiply the reset gate into (Rh h + Rbh), ONNX's default 0 (TF1's
 * GRUCell, Keras reset_after=False) into h before Rh.  Two equations,
 * not a rounding difference.
 */
static void
check_gru(struct pass_ctx *ctx, const struct ir_node *n)
{
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;
	const struct ir_attr *a = ir_node_attr(n, "linear_before_reset");
	int64_t lbr = ir_attr_int(n, "linear_before_reset", 0);
	const char *why = NULL;

	if (lbr == 0 && (c == ONNXFIX_CONV_PYTORCH ||
	    c == ONNXFIX_CONV_KERAS))
		why = c == ONNXFIX_CONV_PYTORCH ? "--expect pytorch: nn.GRU" :
		    "--expect keras: GRU(reset_after=True), the TF2 default,";
	else if (lbr == 0 && c == ONNXFIX_CONV_NONE && producer_pytorch(ctx))
		why = "the producer is PyTorch, whose nn.GRU";
	if (why != NULL) {
		pass_report_node(ctx, DIAG_H_GRU_RESET, n, "linear_before_reset"
		    "=0%s: the candidate gate is tanh(W x + R (r * h) + ...); "
		    "%s applies the reset gate after the recurrent product, "
		    "tanh(W x + r * (R h + Rb) + ...) (linear_before_reset=1); "
		    "the equations differ, so no tolerance makes the outputs "
		    "agree", a == NULL ? " (absent: the ONNX default)" : "",
		    why);
		return;
	}
	if (lbr != 0 && c == ONNXFIX_CONV_TF)
		pass_report_node(ctx, DIAG_H_GRU_RESET, n, "linear_before_reset"
		    "=%" PRId64 ": the reset gate multiplies (R h + Rb); "
		    "--expect tf: TF1's GRUCell and Keras GRU(reset_after="
		    "False) multiply h before R (linear_before_reset=0); the "
		    "equations differ", lbr);
}

/* Relative closeness for coefficients written as float32. */
static bool
coef_eq(double a, double b)
{
	return fabs(a - b) <= 1e-6 * fabs(b) + 1e-9;
}

static const char *
leaky_origin(double a)
{
	if (coef_eq(a, 0.01))
		return " (the ONNX and PyTorch default)";
	if (coef_eq(a, 0.2))
		return " (tf.nn.leaky_relu's default)";
	if (coef_eq(a, 0.3))
		return " (Keras' default)";
	if (coef_eq(a, 0.1))
		return " (Darknet's, YOLO's)";
	return "";
}

static void
check_leakyrelu(struct pass_ctx *ctx, const struct ir_node *n)
{
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;
	bool given = ir_node_attr(n, "alpha") != NULL;
	double a = ir_attr_float(n, "alpha", 0.01f), want;

	/* under onnx a written alpha means what it says */
	if (c == ONNXFIX_CONV_NONE || c == ONNXFIX_CONV_ONNX)
		return;
	want = c == ONNXFIX_CONV_TF ? 0.2 : c == ONNXFIX_CONV_KERAS ? 0.3 :
	    0.01;
	if (!coef_eq(a, want))
		pass_report_node(ctx, DIAG_H_LEAKY_ALPHA, n, "alpha %g%s%s; "
		    "--expect %s uses %g", a, leaky_origin(a), given ? "" :
		    ", left to the schema default (which several runtimes "
		    "and converters get wrong)", conv_names[c], want);
}

/*
 * HardSigmoid y = max(0, min(1, alpha x + beta)): ONNX and Keras 2 use
 * 0.2 and 0.5, PyTorch, Paddle 2.x and Keras 3 1/6 and 0.5 (relu6(x +
 * 3) / 6).  PaddleOCR's backbones pass slope 0.2 explicitly.
 */
static void
check_hardsigmoid(struct pass_ctx *ctx, const struct ir_node *n)
{
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;
	double a = ir_attr_float(n, "alpha", 0.2f), b = ir_attr_float(n, "beta", 0.5f);
	bool onnx_v = coef_eq(a, 0.2) && coef_eq(b, 0.5);
	bool torch_v = coef_eq(a, 1.0 / 6) && coef_eq(b, 0.5);

	if (c == ONNXFIX_CONV_PYTORCH && !torch_v) {
		/* the node is hardsigmoid(6 alpha x + 6 beta - 3) */
		double t = 6 * b - 3;
		char off[40] = "";

		if (fabs(t) > 1e-6)
			snprintf(off, sizeof(off), " %c %.6g", t < 0 ? '-' :
			    '+', fabs(t));
		pass_report_node(ctx, DIAG_H_HARDSIGMOID, n, "alpha %g, beta "
		    "%g%s; PyTorch's Hardsigmoid is alpha 1/6, beta 0.5: this "
		    "node computes torch hardsigmoid(%.6g*x%s)", a, b,
		    onnx_v ? " (the ONNX and Keras 2 default, PaddleOCR's "
		    "explicit slope)" : "", 6 * a, off);
	} else if ((c == ONNXFIX_CONV_KERAS || c == ONNXFIX_CONV_TF) &&
	    !onnx_v && !torch_v)
		pass_report_node(ctx, DIAG_H_HARDSIGMOID, n, "alpha %g, beta "
		    "%g; Keras' hard_sigmoid is alpha 0.2, beta 0.5 (Keras 2) "
		    "or 1/6, 0.5 (Keras 3)", a, b);
}

/*
 * Selu: the ONNX schema's defaults are float32 1.67326319 and
 * 1.05070102, but its documentation prints 1.67326 and 1.0507, and
 * runtimes built from the documentation use those.
 */
static void
check_selu(struct pass_ctx *ctx, const struct ir_node *n)
{
	bool ga = ir_node_attr(n, "alpha") != NULL;
	bool gg = ir_node_attr(n, "gamma") != NULL;

	if (ga && gg)
		return;
	pass_report_node(ctx, DIAG_H_SELU, n, "%s%s%s left to the default: "
	    "the exact SELU constants are alpha 1.6732632423543772 and "
	    "gamma 1.0507009873554805 (PyTorch; float32 1.67326319, "
	    "1.05070102), while ONNX documents 1.67326 and 1.0507 "
	    "(relative 2e-6 and 9e-7 off) and runtimes that follow the "
	    "documentation use those; write them (fix --explicit-defaults)",
	    ga ? "" : "alpha", !ga && !gg ? " and " : "", gg ? "" : "gamma");
}

/* --- training behaviour in an inference graph ------------------------- */

/* A model that trains: TrainingInfoProto graphs or training operators. */
static bool
is_training_model(struct pass_ctx *ctx, struct ir_graph **graphs, size_t ng)
{
	size_t i, j;

	if (ctx->m->has_training_info)
		return true;
	for (i = 0; i < ng; i++)
		for (j = 0; j < graphs[i]->nnodes; j++) {
			const char *d = graphs[i]->nodes[j]->domain;

			if (ir_streq(d, "ai.onnx.preview.training") ||
			    ir_streq(d, "ai.onnx.training"))
				return true;
		}
	return false;
}

static void
check_dropout(struct pass_ctx *ctx, const struct ir_node *n)
{
	double t, r = 0.5;
	bool rk;

	/* training_mode is an input from opset 12 on */
	if (n->ninputs < 3 || !const_scalar(n->inputs[2], &t) || t == 0)
		return;
	rk = n->ninputs > 1 && n->inputs[1] != NULL &&
	    const_scalar(n->inputs[1], &r);
	if (rk && r == 0)
		return;
	pass_report_node(ctx, DIAG_H_TRAINING, n, "training_mode is a "
	    "constant true: the node zeroes a random %s of its input and "
	    "scales the rest at every inference, so the output changes from "
	    "run to run (export with training=TrainingMode.EVAL)", rk ?
	    (r == 0.5 ? "half" : "fraction") : "fraction");
}

static bool
is_random_op(const struct ir_node *n)
{
	static const char *const ops[] = {
		"Bernoulli", "RandomNormal", "RandomNormalLike",
		"RandomUniform", "RandomUniformLike", NULL,
	};

	return ir_domain_is_onnx(n->domain) && one_of(n->op_type, ops);
}

static void
check_random(struct pass_ctx *ctx, const struct ir_node *n)
{
	bool seeded = ir_node_attr(n, "seed") != NULL;

	pass_report_node(ctx, DIAG_H_RANDOM, n, "the model has no "
	    "training outputs, and its output changes from run to run%s", seeded ? " (the seed fixes it for "
	    "one runtime only: each generates its own sequence)" : "");
}

/* --- optimizer epsilon ------------------------------------------------ */

/*
 * Adam and Adagrad of ai.onnx.preview.training: Operators.md documents
 * epsilon's default as 0.0, the schema in onnx/defs (and so the checker
 * and the reference implementation) holds 1e-6; neither is a framework's.
 */
static void
check_optimizer(struct pass_ctx *ctx, const struct ir_node *n)
{
	enum onnxfix_convention c = ctx->o ? ctx->o->expect :
	    ONNXFIX_CONV_NONE;
	bool adam = ir_streq(n->op_type, "Adam");
	const struct ir_attr *a = ir_node_attr(n, "epsilon");
	double e = ir_attr_float(n, "epsilon", 0.0f), want;
	char conv[96];

	if (e != 0)
		return;
	switch (c) {
	case ONNXFIX_CONV_PYTORCH:
		want = adam ? 1e-8 : 1e-10;
		break;
	case ONNXFIX_CONV_KERAS:
	case ONNXFIX_CONV_TF:
		want = 1e-7;
		break;
	default:
		want = 0;
		break;
	}
	if (want > 0)
		snprintf(conv, sizeof(conv), "; --expect %s uses %g",
		    conv_names[c], want);
	else
		snprintf(conv, sizeof(conv), "; PyTorch uses %s, Keras 1e-7, "
		    "ONNX Runtime's AdamW 1e-6", adam ? "1e-8" : "1e-10");
	pass_report_node(ctx, DIAG_H_OPT_EPS, n, "epsilon %s: the update "
	    "divides by sqrt(accumulated squares) alone, which is 0 for a "
	    "parameter whose gradients have been 0, giving inf or NaN%s",
	    a == NULL ? "absent, so 0 as ONNX documents it (onnx's C++ "
	    "schema and reference implementation use 1e-6: consumers "
	    "disagree)" : "is 0", conv);
}

/* --- driver ----------------------------------------------------------- */

/* The operators the checks above start from (domain NULL: the default
 * domain): a model without any gets no finding. */
static const struct {
	const char *domain, *op;
} looked_at[] = {
	{ NULL, "AveragePool" }, { NULL, "Bernoulli" }, { NULL, "Conv" },
	{ NULL, "ConvInteger" }, { NULL, "ConvTranspose" },
	{ NULL, "DeformConv" }, { NULL, "Dropout" },
	{ NULL, "Erf" }, { NULL, "Gelu" }, { NULL, "GroupNormalization" },
	{ NULL, "GRU" }, { NULL, "Hardmax" }, { NULL, "HardSigmoid" },
	{ NULL, "InstanceNormalization" }, { NULL, "LayerNormalization" },
	{ NULL, "LeakyRelu" }, { NULL, "LogSoftmax" }, { NULL, "LpPool" },
	{ NULL, "MaxPool" }, { NULL, "Pad" }, { NULL, "QLinearConv" },
	{ NULL, "RandomNormal" }, { NULL, "RandomNormalLike" },
	{ NULL, "RandomUniform" }, { NULL, "RandomUniformLike" },
	{ NULL, "RMSNormalization" }, { NULL, "Resize" }, { NULL, "Selu" },
	{ NULL, "Sigmoid" }, { NULL, "SimplifiedLayerNormalization" },
	{ NULL, "Softmax" }, { NULL, "Sqrt" }, { NULL, "Tanh" },
	{ "ai.onnx.preview.training", "Adagrad" },
	{ "ai.onnx.preview.training", "Adam" },
	{ "com.microsoft", "BiasGelu" }, { "com.microsoft", "FastGelu" },
	{ "com.microsoft", "Gelu" }, { "com.microsoft", "QuickGelu" },
	{ "com.microsoft", "SkipLayerNormalization" },
	{ "com.microsoft", "SkipSimplifiedLayerNormalization" },
};

static bool
anything_to_check(struct pass_ctx *ctx)
{
	size_t i;

	if (defaults_fp16_target(ctx))
		return true;
	for (i = 0; i < sizeof(looked_at) / sizeof(looked_at[0]); i++)
		if (pass_uses_op(ctx, looked_at[i].domain, looked_at[i].op))
			return true;
	return false;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct eps_seen seen[NEPS_OPS + 1];
	struct gelu_count gc;
	struct pool_count pc = { 0, 0 };
	struct autopad_count ac = { 0, 0, 0 };
	size_t ng, i, j, k;
	bool training;

	if (!anything_to_check(ctx))
		return 0;
	memset(seen, 0, sizeof(seen));
	memset(&gc, 0, sizeof(gc));
	ng = ir_model_graphs(ctx->m, &graphs);
	training = is_training_model(ctx, graphs, ng);
	for (i = 0; i < ng; i++)
		for (j = 0; j < graphs[i]->nnodes; j++) {
			const struct ir_node *n = graphs[i]->nodes[j];

			for (k = 0; k < NEPS_OPS; k++)
				if (is_op(n, eps_ops[k].domain, eps_ops[k].op))
					check_eps(ctx, n, k, &seen[k]);
			if (is_op(n, NULL, "Sqrt"))
				check_eps_decomposed(ctx, n,
				    &seen[EPS_DECOMPOSED]);
			check_gelu(ctx, n, &gc);
			check_autopad(ctx, n, &ac);
			if (ir_streq(n->domain, "ai.onnx.preview.training") &&
			    (ir_streq(n->op_type, "Adam") ||
			    ir_streq(n->op_type, "Adagrad")))
				check_optimizer(ctx, n);
			if (!ir_domain_is_onnx(n->domain))
				continue;
			check_pads(ctx, n);
			if (!training && is_random_op(n))
				check_random(ctx, n);
			else if (!training && ir_streq(n->op_type, "Dropout"))
				check_dropout(ctx, n);
			else if (ir_streq(n->op_type, "GRU"))
				check_gru(ctx, n);
			else if (ir_streq(n->op_type, "LeakyRelu"))
				check_leakyrelu(ctx, n);
			else if (ir_streq(n->op_type, "HardSigmoid"))
				check_hardsigmoid(ctx, n);
			else if (ir_streq(n->op_type, "Selu"))
				check_selu(ctx, n);
			if (ir_streq(n->op_type, "Resize"))
				check_resize(ctx, n);
			else if (ir_streq(n->op_type, "AveragePool"))
				check_avgpool(ctx, n, &pc);
			else if (ir_streq(n->op_type, "Softmax") ||
			    ir_streq(n->op_type, "LogSoftmax") ||
			    ir_streq(n->op_type, "Hardmax"))
				check_softmax(ctx, n);
			else if (ir_streq(n->op_type, "Pad"))
				check_pad(ctx, n);
		}
	report_eps_mix(ctx, seen);
	report_gelu(ctx, &gc);
	if (pc.incl > 0 && pc.excl > 0)
		diag_report(ctx->d, DIAG_H_AVGPOOL_MIX, "", "count_include_pad"
		    "=1 on %zu padded pool%s, 0 on %zu", pc.incl,
		    pc.incl == 1 ? "" : "s", pc.excl);
	report_autopad(ctx, &ac);
	return defaults_fp16_target(ctx) ? defaults_fp16(ctx) : 0;
}

const struct pass pass_defaults = {
	"defaults", PASS_ANALYSIS,
	"framework-dependent defaults: epsilons, GELU, Resize, pooling, ...",
	run, NULL,
};
