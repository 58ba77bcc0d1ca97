/* SPDX-License-Identifier: MIT */
/*
 * What a node says about itself in the drawing: the category of its
 * operator (convolution, activation, pooling, ...: one fill each, one
 * legend), a line of its key attributes (Conv "3x3 /2 g=32", Resize's
 * mode, Gemm's transB, an axis), the tooltip with every attribute and the
 * names and types of its inputs and outputs, and the schema's name of an
 * input slot ("B" of MatMul), which a folded constant is listed by.
 * Nothing here touches Graphviz.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "opdb/opdb.h"
#include "view/dot_int.h"

/* The multiplication sign, as an entity Graphviz reads: DOT stays ASCII. */
#define TIMES	"&#215;"

/* Operators by category; the first list an op is in wins.  Control
 * flow, custom domains and Transposes with a layout finding keep the
 * looks dot_op_style() gives them. */
static const char *const cat_ops[DOT_NCATS] = {
	[DOT_CAT_CONV] = "Conv ConvTranspose ConvInteger QLinearConv "
	    "DeformConv MatMul Gemm MatMulInteger QLinearMatMul Einsum "
	    "LSTM GRU RNN Attention MultiHeadAttention",
	[DOT_CAT_ACT] = "Relu LeakyRelu PRelu Sigmoid HardSigmoid Tanh Elu "
	    "Selu Celu Gelu FastGelu BiasGelu QuickGelu Mish Softplus "
	    "Softsign HardSwish ThresholdedRelu Clip Softmax LogSoftmax "
	    "Hardmax Swish",
	[DOT_CAT_POOL] = "MaxPool AveragePool GlobalAveragePool "
	    "GlobalMaxPool LpPool GlobalLpPool MaxRoiPool RoiAlign "
	    "MaxUnpool",
	[DOT_CAT_NORM] = "BatchNormalization LayerNormalization "
	    "InstanceNormalization GroupNormalization LRN LpNormalization "
	    "MeanVarianceNormalization SkipLayerNormalization "
	    "SimplifiedLayerNormalization RMSNormalization "
	    "SkipSimplifiedLayerNormalization",
	[DOT_CAT_SHAPE] = "Shape Size Reshape Flatten Squeeze Unsqueeze "
	    "Expand ConstantOfShape Range Constant Cast CastLike EyeLike "
	    "NonZero",
	[DOT_CAT_MOVE] = "Transpose Concat Split Slice Gather GatherElements "
	    "GatherND Scatter ScatterElements ScatterND Pad Tile Resize "
	    "Upsample DepthToSpace SpaceToDepth Identity TopK Compress "
	    "ReverseSequence Trilu SplitToSequence ConcatFromSequence",
	[DOT_CAT_QUANT] = "QuantizeLinear DequantizeLinear "
	    "DynamicQuantizeLinear",
	[DOT_CAT_REDUCE] = "ReduceMean ReduceSum ReduceMax ReduceMin "
	    "ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp "
	    "ReduceSumSquare ArgMax ArgMin CumSum",
	[DOT_CAT_NMS] = "NonMaxSuppression If Loop Scan",
};

static const char *const cat_fill[DOT_NCATS] = {
	[DOT_CAT_MATH] = "#ffffff",
	[DOT_CAT_CONV] = "#b9d3ee",
	[DOT_CAT_ACT] = "#f6c6c0",
	[DOT_CAT_POOL] = "#c6e8c2",
	[DOT_CAT_NORM] = "#bfe6e0",
	[DOT_CAT_SHAPE] = "#e2e2e2",
	[DOT_CAT_MOVE] = TRANSPOSE_FILL,
	[DOT_CAT_QUANT] = "#f3e1b8",
	[DOT_CAT_REDUCE] = "#f9f3c8",
	[DOT_CAT_NMS] = CTRL_FILL,
};

static const char *const cat_name[DOT_NCATS] = {
	[DOT_CAT_MATH] = "elementwise math",
	[DOT_CAT_CONV] = "conv / matmul",
	[DOT_CAT_ACT] = "activation",
	[DOT_CAT_POOL] = "pooling",
	[DOT_CAT_NORM] = "normalisation",
	[DOT_CAT_SHAPE] = "shape, cast",
	[DOT_CAT_MOVE] = "data movement",
	[DOT_CAT_QUANT] = "quantisation",
	[DOT_CAT_REDUCE] = "reduction",
	[DOT_CAT_NMS] = "control flow",
};

/* Is OP a word of the space-separated LIST? */
static bool
in_words(const char *list, const char *op)
{
	size_t n = strlen(op);
	const char *p = list;

	if (n == 0)
		return false;
	while ((p = strstr(p, op)) != NULL) {
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

int
dot_op_category(const struct ir_node *n)
{
	int c;

	if (n->op_type == NULL)
		return DOT_CAT_MATH;
	for (c = 1; c < DOT_NCATS; c++)
		if (cat_ops[c] != NULL && in_words(cat_ops[c], n->op_type))
			return c;
	return DOT_CAT_MATH;
}

const char *
dot_category_fill(int c)
{
	return c >= 0 && c < DOT_NCATS ? cat_fill[c] : cat_fill[0];
}

const char *
dot_category_name(int c)
{
	return c >= 0 && c < DOT_NCATS ? cat_name[c] : cat_name[0];
}

/* A Constant holding its value in one attribute. */
static bool
is_constant(const struct ir_node *n)
{
	return ir_is_op(n, "Constant") && n->ninputs == 0 &&
	    n->noutputs == 1 && n->nattrs == 1;
}

/*
 * The constant V is: an initializer, a Constant's output, or an Identity
 * of one (exporters put Identity nodes in front of shared weights), in
 * at most a few steps, without recursion.
 */
const struct ir_value *
dot_const_source(const struct ir_value *v)
{
	int steps;

	for (steps = 0; v != NULL && steps < 8; steps++) {
		const struct ir_node *p = v->producer;

		if (v->kind == IR_VALUE_INITIALIZER)
			return v->init != NULL ? v : NULL;
		if (v->kind != IR_VALUE_NODE || p == NULL || p->dead)
			return NULL;
		if (is_constant(p))
			return v;
		if (!ir_is_op(p, "Identity") || p->ninputs != 1 ||
		    p->noutputs != 1)
			return NULL;
		v = p->inputs[0];
	}
	return NULL;
}

/* ---- slot names ---- */

static const struct opdb_schema *
node_schema(const struct ir_node *n)
{
	const char *dom = n->domain != NULL && n->domain[0] != '\0' ?
	    n->domain : "ai.onnx";
	long long v = ir_node_opset(n);
	int lo, hi, last;

	if (n->op_type == NULL)
		return NULL;
	if (opdb_domain_range(dom, &lo, &hi, &last) == 0 && v > hi)
		v = hi;
	return opdb_schema(dom, n->op_type, v);
}

const char *
dot_slot_name(const struct ir_node *n, size_t i)
{
	const struct opdb_schema *s = node_schema(n);

	if (s == NULL || !s->io_documented || s->ninputs == 0)
		return NULL;
	if (i < s->ninputs && opdb_inputs(s)[i].option != OPDB_VARIADIC)
		return opdb_s(opdb_inputs(s)[i].name);
	return NULL;
}

/* ---- attributes ---- */

static void
lab_float(struct label *l, double f)
{
	char b[40];

	snprintf(b, sizeof(b), "%.4g", f);
	dot_lab_lit(l, b);
}

/* "3x3" of the list with SEP between, or "2" when all entries are equal
 * and FOLD_SAME. */
static void
lab_ints(struct label *l, const int64_t *v, size_t n, const char *sep,
    bool fold_same)
{
	size_t i;
	bool same = n > 0;

	for (i = 1; i < n; i++)
		same = same && v[i] == v[0];
	if (fold_same && same) {
		dot_lab_num(l, v[0]);
		return;
	}
	for (i = 0; i < n && i < DOT_MAX_DIMS; i++) {
		if (i > 0)
			dot_lab_lit(l, sep);
		dot_lab_num(l, v[i]);
	}
	if (n > DOT_MAX_DIMS)
		dot_lab_lit(l, ",...");
}

static const struct ir_attr *
attr_of(const struct ir_node *n, const char *name, enum ir_attr_type t)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	return a != NULL && a->type == t ? a : NULL;
}

static bool
ints_all(const struct ir_attr *a, int64_t v)
{
	size_t i;

	for (i = 0; a != NULL && i < a->n; i++)
		if (a->ints[i] != v)
			return false;
	return true;
}

/* Separator before the next item of the attributes. */
static void
sep(struct label *l, bool *first)
{
	dot_lab_lit(l, " ");
	*first = false;
}

/* The kernel of a Conv: kernel_shape, else the weight's trailing dims. */
static void
conv_kernel(struct label *l, const struct ir_node *n, bool *first)
{
	const struct ir_attr *k = attr_of(n, "kernel_shape", IR_ATTR_INTS);
	const struct ir_value *w;

	if (k != NULL && k->n > 0) {
		sep(l, first);
		lab_ints(l, k->ints, k->n, TIMES, false);
		return;
	}
	if (n->ninputs < 2 || (w = n->inputs[1]) == NULL ||
	    (w = dot_const_source(w)) == NULL)
		return;
	if (w->init != NULL && w->init->rank > 2) {
		sep(l, first);
		lab_ints(l, w->init->dims + 2, (size_t)w->init->rank - 2,
		    TIMES, false);
	}
}

static void
lab_string_attr(struct label *l, const struct ir_attr *a)
{
	if (a != NULL && a->type == IR_ATTR_STRING)
		dot_lab_span(l, (const char *)a->s, a->slen, DOT_NAME_SHORT);
}

void
dot_lab_attrs(struct label *l, const struct ir_node *n)
{
	const char *op = n->op_type != NULL ? n->op_type : "";
	const struct ir_attr *a;
	bool first = true;

	if (!ir_domain_is_onnx(n->domain) && strcmp(op, "FusedConv") != 0)
		return;
	if (strcmp(op, "Conv") == 0 || strcmp(op, "ConvTranspose") == 0 ||
	    strcmp(op, "QLinearConv") == 0 || strcmp(op, "ConvInteger") == 0 ||
	    strcmp(op, "FusedConv") == 0 || strcmp(op, "MaxPool") == 0 ||
	    strcmp(op, "AveragePool") == 0 || strcmp(op, "LpPool") == 0) {
		conv_kernel(l, n, &first);
		if ((a = attr_of(n, "strides", IR_ATTR_INTS)) != NULL &&
		    !ints_all(a, 1) && a->n > 0) {
			sep(l, &first);
			dot_lab_lit(l, "/");
			lab_ints(l, a->ints, a->n, ",", true);
		}
		if ((a = attr_of(n, "dilations", IR_ATTR_INTS)) != NULL &&
		    !ints_all(a, 1) && a->n > 0) {
			sep(l, &first);
			dot_lab_lit(l, "d=");
			lab_ints(l, a->ints, a->n, ",", true);
		}
		if ((a = attr_of(n, "group", IR_ATTR_INT)) != NULL &&
		    a->i != 1) {
			sep(l, &first);
			dot_lab_lit(l, "g=");
			dot_lab_num(l, a->i);
		}
		if ((a = attr_of(n, "auto_pad", IR_ATTR_STRING)) != NULL &&
		    !(a->slen == 6 && memcmp(a->s, "NOTSET", 6) == 0)) {
			sep(l, &first);
			lab_string_attr(l, a);
		}
		if ((a = attr_of(n, "ceil_mode", IR_ATTR_INT)) != NULL &&
		    a->i != 0) {
			sep(l, &first);
			dot_lab_lit(l, "ceil");
		}
		return;
	}
	if (strcmp(op, "Resize") == 0 || strcmp(op, "Upsample") == 0) {
		sep(l, &first);
		if ((a = attr_of(n, "mode", IR_ATTR_STRING)) != NULL)
			lab_string_attr(l, a);
		else
			dot_lab_lit(l, "nearest");
		if ((a = attr_of(n, "coordinate_transformation_mode",
		    IR_ATTR_STRING)) != NULL) {
			dot_lab_lit(l, " ");
			lab_string_attr(l, a);
		}
		if ((a = attr_of(n, "nearest_mode", IR_ATTR_STRING)) != NULL) {
			dot_lab_lit(l, " ");
			lab_string_attr(l, a);
		}
		return;
	}
	if (strcmp(op, "Gemm") == 0) {
		if ((a = attr_of(n, "transA", IR_ATTR_INT)) != NULL &&
		    a->i != 0) {
			sep(l, &first);
			dot_lab_lit(l, "transA");
		}
		if ((a = attr_of(n, "transB", IR_ATTR_INT)) != NULL &&
		    a->i != 0) {
			sep(l, &first);
			dot_lab_lit(l, "transB");
		}
		if ((a = attr_of(n, "alpha", IR_ATTR_FLOAT)) != NULL &&
		    a->f != 1.0f) {
			sep(l, &first);
			dot_lab_lit(l, "alpha=");
			lab_float(l, a->f);
		}
		if ((a = attr_of(n, "beta", IR_ATTR_FLOAT)) != NULL &&
		    a->f != 1.0f) {
			sep(l, &first);
			dot_lab_lit(l, "beta=");
			lab_float(l, a->f);
		}
		return;
	}
	if (strcmp(op, "Cast") == 0 &&
	    (a = attr_of(n, "to", IR_ATTR_INT)) != NULL) {
		const char *e = ir_elem_name((int32_t)a->i);

		sep(l, &first);
		dot_lab_lit(l, "to ");
		if (e != NULL)
			dot_lab_lit(l, e);
		else
			dot_lab_num(l, a->i);
		return;
	}
	if ((a = attr_of(n, "axis", IR_ATTR_INT)) != NULL) {
		sep(l, &first);
		dot_lab_lit(l, "axis=");
		dot_lab_num(l, a->i);
	}
	if ((a = attr_of(n, "axes", IR_ATTR_INTS)) != NULL) {
		sep(l, &first);
		dot_lab_lit(l, "axes=");
		lab_ints(l, a->ints, a->n, ",", false);
	}
	if ((a = attr_of(n, "keepdims", IR_ATTR_INT)) != NULL && a->i == 0) {
		sep(l, &first);
		dot_lab_lit(l, "keepdims=0");
	}
	if ((a = attr_of(n, "alpha", IR_ATTR_FLOAT)) != NULL) {
		sep(l, &first);
		dot_lab_lit(l, "alpha=");
		lab_float(l, a->f);
	}
	if ((a = attr_of(n, "mode", IR_ATTR_STRING)) != NULL) {
		sep(l, &first);
		lab_string_attr(l, a);
	}
}

/* One attribute's value for the tooltip. */
static void
tip_attr(struct label *l, const struct ir_attr *a)
{
	size_t i;

	switch (a->type) {
	case IR_ATTR_FLOAT:
		lab_float(l, a->f);
		break;
	case IR_ATTR_INT:
		dot_lab_num(l, a->i);
		break;
	case IR_ATTR_STRING:
		dot_lab_span(l, (const char *)a->s, a->slen, DOT_NAME_SHORT);
		break;
	case IR_ATTR_INTS:
		dot_lab_lit(l, "[");
		lab_ints(l, a->ints, a->n, ",", false);
		dot_lab_lit(l, "]");
		break;
	case IR_ATTR_FLOATS:
		dot_lab_lit(l, "[");
		for (i = 0; i < a->n && i < DOT_MAX_DIMS; i++) {
			if (i > 0)
				dot_lab_lit(l, ",");
			lab_float(l, a->floats[i]);
		}
		if (a->n > DOT_MAX_DIMS)
			dot_lab_lit(l, ",...");
		dot_lab_lit(l, "]");
		break;
	case IR_ATTR_TENSOR:
		dot_lab_lit(l, "tensor");
		break;
	case IR_ATTR_GRAPH:
		dot_lab_lit(l, "graph");
		break;
	default:
		dot_lab_lit(l, "(");
		dot_lab_num(l, a->type);
		dot_lab_lit(l, ")");
		break;
	}
}

/* "  X: name float[1,3,224,224]" for each input or output. */
static void
tip_values(struct label *l, const struct ir_node *n, bool in)
{
	size_t i, cnt = in ? n->ninputs : n->noutputs;

	for (i = 0; i < cnt && i < 16; i++) {
		const struct ir_value *v = in ? n->inputs[i] : n->outputs[i];
		const char *slot = in ? dot_slot_name(n, i) : NULL;

		if (v == NULL)
			continue;
		dot_lab_lit(l, "\\n  ");
		if (slot != NULL) {
			dot_lab_lit(l, slot);
			dot_lab_lit(l, ": ");
		}
		dot_lab_text(l, v->name, DIAG_NAME_MAX / 2);
		if (v->init != NULL) {
			dot_lab_lit(l, " ");
			dot_lab_init_type(l, v);
		} else if (dot_type_known(&v->type)) {
			dot_lab_lit(l, " ");
			dot_lab_type(l, &v->type);
		}
	}
	if (cnt > 16)
		dot_lab_lit(l, "\\n  ...");
}

void
dot_tip_node(struct label *tip, const struct ir_node *n)
{
	size_t i;

	if (tip->n > 0)
		dot_lab_lit(tip, "\\n");
	dot_lab_text(tip, n->op_type, DOT_NAME_SHORT);
	for (i = 0; i < n->nattrs && i < 32; i++) {
		const struct ir_attr *a = &n->attrs[i];

		dot_lab_lit(tip, "\\n  ");
		dot_lab_text(tip, a->name, DOT_NAME_SHORT);
		dot_lab_lit(tip, " = ");
		tip_attr(tip, a);
	}
	if (n->ninputs > 0)
		dot_lab_lit(tip, "\\ninputs:");
	tip_values(tip, n, true);
	if (n->noutputs > 0)
		dot_lab_lit(tip, "\\noutputs:");
	tip_values(tip, n, false);
}
