/* SPDX-License-Identifier: MIT */
/*
 * schema: every node against the operator schema its domain and opset
 * select, from the tables compiled out of src/opdb/ (ONNX's own schemas
 * and ONNX Runtime's com.microsoft contrib schemas).
 *
 * Finds: empty op_type, nodes with neither inputs nor outputs, domains
 * the model does not import, operators the imported opset does not define
 * (in the standard domains; custom domains are the analysis issue's
 * business), deprecated and experimental schemas, input/output arity,
 * absent required inputs, missing required, unknown, duplicate and
 * mistyped attributes, attributes whose value fields disagree with
 * their type, and If/Loop/Scan bodies whose inputs or outputs do not
 * match the node.  Nodes in local-function domains are checked as calls.
 * Requires: a loaded model.  Preserves: everything (analysis only).
 *
 *	before:  Relu(X) with attribute alpha=0.1 at opset 14
 *	report:  node 3 (Relu): error S228: attribute is not defined for the
 *	         operator: 'alpha'
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "opdb/opdb.h"
#include "pass.h"

static bool
is_list_type(enum ir_attr_type t)
{
	return t == IR_ATTR_FLOATS || t == IR_ATTR_INTS ||
	    t == IR_ATTR_STRINGS || t == IR_ATTR_TENSORS ||
	    t == IR_ATTR_GRAPHS || t == IR_ATTR_SPARSE_TENSORS ||
	    t == IR_ATTR_TYPE_PROTOS;
}

/* The AttributeProto field that holds a value of type T. */
static const char *
value_field(enum ir_attr_type t)
{
	static const char *const name[] = {
		[IR_ATTR_FLOAT] = "f", [IR_ATTR_INT] = "i",
		[IR_ATTR_STRING] = "s", [IR_ATTR_TENSOR] = "t",
		[IR_ATTR_GRAPH] = "g", [IR_ATTR_FLOATS] = "floats",
		[IR_ATTR_INTS] = "ints", [IR_ATTR_STRINGS] = "strings",
		[IR_ATTR_TENSORS] = "tensors", [IR_ATTR_GRAPHS] = "graphs",
		[IR_ATTR_SPARSE_TENSOR] = "sparse_tensor",
		[IR_ATTR_SPARSE_TENSORS] = "sparse_tensors",
		[IR_ATTR_TYPE_PROTO] = "tp",
		[IR_ATTR_TYPE_PROTOS] = "type_protos",
	};

	return (unsigned)t <= IR_ATTR__MAX && name[t] != NULL ? name[t] :
	    "no field";
}

/*
 * S231: the value fields against the declared type, as onnx's checker
 * and ONNX Runtime read them: at most one field, and it must be the one
 * the type names (an INT whose value is in f reads as 0 everywhere).
 * None at all is an error for a scalar type only (an empty list has no
 * field on the wire).  Attributes a pass built or changed carry no record
 * of the fields they were read with: the writer encodes them from the
 * type.
 */
static void
check_value_fields(struct pass_ctx *ctx, const struct ir_node *n,
    const struct ir_attr *a)
{
	char b[DIAG_ESCAPE_SIZE];
	unsigned k;

	if (!a->has_type)
		return;
	if (a->nvalues > 1 || (a->nvalues == 0 && !is_list_type(a->type))) {
		pass_report_node(ctx, DIAG_S_ATTR_VALUE, n,
		    "'%s' is %s with %d value fields", diag_esc(b, a->name),
		    ir_attr_type_name(a->type), a->nvalues);
		return;
	}
	if (a->nvalues != 1 || a->orig == NULL || a->dirty ||
	    ((unsigned)a->type <= IR_ATTR__MAX &&
	    a->fields == 1u << a->type))
		return;
	for (k = 0; k <= IR_ATTR__MAX && !(a->fields & 1u << k); k++)
		continue;
	pass_report_node(ctx, DIAG_S_ATTR_VALUE, n,
	    "'%s' is %s, its value is in field %s, not %s", diag_esc(b, a->name),
	    ir_attr_type_name(a->type), value_field((enum ir_attr_type)k),
	    value_field(a->type));
}

/*
 * The string attributes whose values the operator documents as a closed
 * set (ONNX's operator specification; ONNX Runtime refuses any other
 * when it creates or runs the kernel).  OPS is a "|"-separated list of
 * op_types of the default domain, VALUES of the values from opset SINCE
 * (a later row for the same operator and attribute replaces an earlier
 * one; spellings later opsets dropped are kept where ONNX Runtime still
 * takes them).  The losses' reduction is not here: ONNX Runtime runs any
 * value.
 */
static const struct {
	const char *ops, *attr, *values;
	int since;
} enums[] = {
	{ "Conv|ConvTranspose|ConvInteger|QLinearConv|MaxPool|AveragePool|"
	    "LpPool", "auto_pad", "NOTSET|SAME_UPPER|SAME_LOWER|VALID", 1 },
	{ "Resize", "mode", "nearest|linear|cubic", 10 },
	{ "Upsample", "mode", "nearest|linear|bilinear", 1 },
	{ "Resize", "coordinate_transformation_mode", "half_pixel|"
	    "half_pixel_symmetric|pytorch_half_pixel|align_corners|"
	    "asymmetric|tf_half_pixel_for_nn|tf_crop_and_resize", 11 },
	{ "Resize", "nearest_mode", "round_prefer_floor|round_prefer_ceil|"
	    "floor|ceil", 11 },
	{ "Resize", "keep_aspect_ratio_policy", "stretch|not_larger|"
	    "not_smaller", 18 },
	{ "DepthToSpace", "mode", "DCR|CRD", 11 },
	{ "RNN|GRU|LSTM", "direction", "forward|reverse|bidirectional", 1 },
	{ "GridSample", "mode", "bilinear|nearest|bicubic", 16 },
	{ "GridSample", "mode", "linear|nearest|cubic", 20 },
	{ "GridSample", "padding_mode", "zeros|border|reflection", 16 },
	{ "Gelu", "approximate", "none|tanh", 20 },
	{ "ScatterElements|ScatterND", "reduction", "none|add|mul|max|min",
	    16 },
	{ "RoiAlign", "mode", "avg|max", 10 },
	{ "RoiAlign", "coordinate_transformation_mode",
	    "half_pixel|output_half_pixel", 16 },
	{ "TfIdfVectorizer", "mode", "TF|IDF|TFIDF", 9 },
	{ "StringNormalizer", "case_change_action", "LOWER|UPPER|NONE", 10 },
};

/* Is WORD (LEN bytes) one of the "|"-separated LIST? */
static bool
in_list(const char *list, const char *word, size_t len)
{
	const char *p = list;

	for (;;) {
		const char *e = strchr(p, '|');
		size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

		if (n == len && memcmp(p, word, len) == 0)
			return true;
		if (e == NULL)
			return false;
		p = e + 1;
	}
}

/* A string attribute of N outside the values its operator defines. */
static void
check_enum(struct pass_ctx *ctx, const struct ir_node *n,
    const struct ir_attr *a)
{
	char b[DIAG_ESCAPE_SIZE], v[DIAG_ESCAPE_SIZE];
	size_t i, len;
	char *val;

	if (a->type != IR_ATTR_STRING || a->ref_attr_name != NULL ||
	    !ir_domain_is_onnx(n->domain))
		return;
	for (i = sizeof(enums) / sizeof(enums[0]); i-- > 0;) {
		/* the last row that applies: the newest opset's values */
		if (strcmp(enums[i].attr, a->name) != 0 ||
		    !in_list(enums[i].ops, n->op_type, strlen(n->op_type)) ||
		    ir_node_opset(n) < enums[i].since)
			continue;
		len = a->s != NULL ? a->slen : 0;
		if (in_list(enums[i].values, (const char *)(a->s != NULL ?
		    a->s : (const uint8_t *)""), len))
			return;
		if ((val = arena_alloc(&ctx->scratch, len + 1)) == NULL)
			return;
		if (len > 0)
			memcpy(val, a->s, len);
		val[len] = '\0';
		pass_report_node(ctx, DIAG_S_ATTR_ENUM, n,
		    "'%s' is \"%s\"; %s takes %s", diag_esc(b, a->name),
		    diag_escape_str(v, sizeof(v), val), n->op_type,
		    enums[i].values);
		return;
	}
}

/* The attributes that name a tensor element type (TensorProto's
 * DataType), by operator. */
static const struct {
	const char *ops, *attr;
} elem_attrs[] = {
	{ "Cast", "to" },
	{ "EyeLike|RandomNormal|RandomUniform|RandomNormalLike|"
	    "RandomUniformLike|Multinomial|Bernoulli", "dtype" },
	{ "HannWindow|HammingWindow|BlackmanWindow", "output_datatype" },
};

/* An element type attribute of N that names no element type (0 is
 * UNDEFINED). */
static void
check_elem_attr(struct pass_ctx *ctx, const struct ir_node *n,
    const struct ir_attr *a)
{
	char b[DIAG_ESCAPE_SIZE];
	size_t i;

	if (a->type != IR_ATTR_INT || a->ref_attr_name != NULL ||
	    !ir_domain_is_onnx(n->domain))
		return;
	for (i = 0; i < sizeof(elem_attrs) / sizeof(elem_attrs[0]); i++)
		if (strcmp(elem_attrs[i].attr, a->name) == 0 &&
		    in_list(elem_attrs[i].ops, n->op_type,
		    strlen(n->op_type)) &&
		    (a->i < 1 || a->i > IR_ELEM__MAX)) {
			pass_report_node(ctx, DIAG_S_ATTR_ENUM, n,
			    "'%s' is %" PRId64 ", not a tensor element type",
			    diag_esc(b, a->name), a->i);
			return;
		}
}

/*
 * A Constant holds one value: 'value', 'sparse_value' or one of the
 * 'value_*' attributes (onnx's checker and ONNX Runtime refuse none and
 * more than one).
 */
static void
check_constant(struct pass_ctx *ctx, const struct ir_node *n)
{
	const char *first = NULL, *second = NULL;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	size_t i;

	if (strcmp(n->op_type, "Constant") != 0 ||
	    !ir_domain_is_onnx(n->domain))
		return;
	for (i = 0; i < n->nattrs; i++) {
		const char *name = n->attrs[i].name;

		if (strcmp(name, "value") != 0 &&
		    strcmp(name, "sparse_value") != 0 &&
		    strncmp(name, "value_", 6) != 0)
			continue;
		if (first == NULL)
			first = name;
		else if (second == NULL)
			second = name;
	}
	if (first == NULL)
		pass_report_node(ctx, DIAG_S_ATTR_REQUIRED, n, "one of "
		    "'value', 'value_*' or 'sparse_value'");
	else if (second != NULL)
		pass_report_node(ctx, DIAG_S_ATTR_DUP, n, "'%s' and '%s': a "
		    "Constant holds one value", diag_esc(b1, first),
		    diag_esc(b2, second));
}

static void
check_attrs(struct pass_ctx *ctx, const struct ir_node *n,
    const struct opdb_schema *s)
{
	char b[DIAG_ESCAPE_SIZE];
	bool in_function;
	const struct ir_graph *top = n->graph;
	struct hmap seen;
	size_t i, j;

	while (top->parent != NULL)
		top = top->parent;
	in_function = top->kind == IR_GRAPH_FUNCTION;
	/* Duplicates: a hash map past a few attributes (a hostile node
	 * may have 10^5 of them). */
	hmap_init(&seen, &ctx->scratch);
	for (i = 0; i < n->nattrs; i++) {
		const struct ir_attr *a = &n->attrs[i];
		const struct opdb_attr *sa;
		bool dup = false;

		if (n->nattrs <= 8) {
			for (j = 0; j < i; j++)
				if (strcmp(n->attrs[j].name, a->name) == 0)
					dup = true;
		} else {
			dup = hmap_put(&seen, a->name, (void *)a, NULL) == 0;
		}
		if (dup) {
			pass_report_node(ctx, DIAG_S_ATTR_DUP, n, "'%s'",
			    diag_esc(b, a->name));
			continue;
		}
		if (a->ref_attr_name != NULL && a->ref_attr_name[0] != '\0' &&
		    in_function)
			continue;
		check_value_fields(ctx, n, a);
		if (s == NULL || !s->io_documented)
			continue;
		sa = opdb_schema_attr(s, a->name);
		if (sa == NULL) {
			pass_report_node(ctx, DIAG_S_ATTR_UNKNOWN, n, "'%s'",
			    diag_esc(b, a->name));
			continue;
		}
		if (sa->type != (unsigned)a->type)
			pass_report_node(ctx, DIAG_S_ATTR_TYPE, n,
			    "'%s' is %s, the schema says %s",
			    diag_esc(b, a->name), ir_attr_type_name(a->type),
			    ir_attr_type_name((enum ir_attr_type)sa->type));
		else {
			check_enum(ctx, n, a);
			check_elem_attr(ctx, n, a);
		}
	}
	if (s == NULL || !s->io_documented)
		return;
	for (i = 0; i < s->nattrs; i++)
		if (opdb_attrs(s)[i].required &&
		    ir_node_attr(n, opdb_s(opdb_attrs(s)[i].name)) == NULL)
			pass_report_node(ctx, DIAG_S_ATTR_REQUIRED, n, "'%s'",
			    opdb_s(opdb_attrs(s)[i].name));
}

static void
check_arity(struct pass_ctx *ctx, const struct ir_node *n,
    const struct opdb_schema *s)
{
	size_t i;

	if (!s->io_documented)
		return;
	if ((long long)n->ninputs < s->min_in ||
	    (long long)n->ninputs > s->max_in)
		pass_report_node(ctx, DIAG_S_INPUT_ARITY, n,
		    "%zu given, %d to %d allowed", n->ninputs, s->min_in,
		    s->max_in);
	if ((long long)n->noutputs < s->min_out ||
	    (long long)n->noutputs > s->max_out)
		pass_report_node(ctx, DIAG_S_OUTPUT_ARITY, n,
		    "%zu given, %d to %d allowed", n->noutputs, s->min_out,
		    s->max_out);
	for (i = 0; i < n->ninputs && i < s->ninputs; i++)
		if (n->inputs[i] == NULL &&
		    opdb_inputs(s)[i].option == OPDB_SINGLE)
			pass_report_node(ctx, DIAG_S_REQUIRED_INPUT, n,
			    "input %zu '%s'", i,
			    opdb_s(opdb_inputs(s)[i].name));
}

/* The ONNX type string of V ("tensor(float)") in BUF; NULL when
 * unknown. */
static const char *
type_str(const struct ir_value *v, char *buf, size_t size)
{
	if (v == NULL || v->type.kind != IR_TYPE_TENSOR ||
	    v->type.elem <= 0 || v->type.elem > IR_ELEM__MAX)
		return NULL;
	snprintf(buf, size, "tensor(%s)", ir_elem_name(v->type.elem));
	return buf;
}

/*
 * The element types of N's inputs against schema S, as ONNX Runtime's
 * graph resolution and onnx's checker judge them: a type the input's
 * type constraint does not list, or one type parameter bound to two
 * types by two inputs, is refused by both.  Only types the model
 * declares are known here (inference comes later).
 */
static void
check_types(struct pass_ctx *ctx, const struct ir_node *n,
    const struct opdb_schema *s)
{
	char tb[9][32], b[DIAG_ESCAPE_SIZE];
	const char *bound[8] = { NULL };
	const char *param[8] = { NULL };
	size_t i, k, np = 0;

	if (!s->io_documented || s->ninputs == 0 || s->contrib)
		return;
	for (i = 0; i < n->ninputs; i++) {
		const struct opdb_io *io = &opdb_inputs(s)[i < s->ninputs ? i :
		    (size_t)s->ninputs - 1];
		const struct opdb_tc *tc;
		const char *t = type_str(n->inputs[i], tb[np < 8 ? np : 8],
		    sizeof(tb[0]));

		if (t == NULL || (i >= s->ninputs &&
		    io->option != OPDB_VARIADIC))
			continue;
		if (strncmp(opdb_s(io->type), "tensor(", 7) == 0) {
			if (strcmp(opdb_s(io->type), t) != 0)
				pass_report_node(ctx, DIAG_S_TYPE_CONSTRAINT, n,
				    "input %zu '%s' is %s; '%s' takes %s", i,
				    diag_esc(b, n->inputs[i]->name), t,
				    opdb_s(io->name), opdb_s(io->type));
			continue;
		}
		if ((tc = opdb_schema_tc(s, opdb_s(io->type))) == NULL)
			continue;
		if (!opdb_tc_allows(tc, t)) {
			pass_report_node(ctx, DIAG_S_TYPE_CONSTRAINT, n,
			    "input %zu '%s' is %s, not a type of %s", i,
			    diag_esc(b, n->inputs[i]->name), t,
			    opdb_s(io->type));
			continue;
		}
		if (io->heterogeneous)
			continue;
		for (k = 0; k < np &&
		    strcmp(param[k], opdb_s(io->type)) != 0; k++)
			continue;
		if (k == np && np < 8) {
			param[np] = opdb_s(io->type);
			bound[np++] = t;
		} else if (k < np && strcmp(bound[k], t) != 0) {
			pass_report_node(ctx, DIAG_S_TYPE_CONSTRAINT, n,
			    "input %zu '%s' is %s, but %s is %s by an earlier "
			    "input", i, diag_esc(b, n->inputs[i]->name), t,
			    opdb_s(io->type), bound[k]);
		}
	}
}

/* Report when body NAME of N does not have NIN inputs (unless NIN is -1)
 * and NOUT outputs. */
static void
check_body(struct pass_ctx *ctx, const struct ir_node *n, const char *name,
    long long nin, long long nout)
{
	const struct ir_attr *a = ir_node_attr(n, name);
	const struct ir_graph *g;

	if (a == NULL || a->type != IR_ATTR_GRAPH || (g = a->g) == NULL)
		return;		/* S227/S229 */
	if (nin >= 0 && (long long)g->ninputs != nin)
		pass_report_node(ctx, DIAG_S_SUBGRAPH_ARITY, n,
		    "%s has %zu inputs, the node calls for %lld", name,
		    g->ninputs, nin);
	if ((long long)g->noutputs != nout)
		pass_report_node(ctx, DIAG_S_SUBGRAPH_ARITY, n,
		    "%s has %zu outputs, the node calls for %lld", name,
		    g->noutputs, nout);
}

/*
 * The bodies of the control-flow operators against the node, as the
 * onnx checker's inference and ONNX Runtime count them.  Below
 * ir_version 4 a graph's initializers may be listed as inputs too, so
 * only the outputs are counted there.
 */
static void
check_bodies(struct pass_ctx *ctx, const struct ir_node *n, int64_t opset)
{
	const struct ir_model *m = ctx->m;
	bool inputs = !m->has_ir_version || m->ir_version >= 4;
	long long nin = (long long)n->ninputs, nout = (long long)n->noutputs;

	if (!ir_domain_is_onnx(n->domain))
		return;
	if (strcmp(n->op_type, "If") == 0) {
		check_body(ctx, n, "then_branch", inputs ? 0 : -1, nout);
		check_body(ctx, n, "else_branch", inputs ? 0 : -1, nout);
	} else if (strcmp(n->op_type, "Loop") == 0 && nin >= 2) {
		check_body(ctx, n, "body", inputs ? nin : -1, nout + 1);
	} else if (strcmp(n->op_type, "Scan") == 0 && nin >= 1) {
		/* opset 8 has sequence_lens first, not a body input */
		check_body(ctx, n, "body", !inputs ? -1 :
		    opset < 9 ? nin - 1 : nin, nout);
	}
}

/*
 * The opset and schema of a node, remembered per (op_type, domain, graph)
 * string pointers: the loader gives every node with the same op_type the
 * same string, so a model's nodes are looked up once per operator.
 */
struct memo {
	const char *op, *domain;
	const struct ir_graph *g;
	int64_t opset;		/* ir_node_opset */
	int64_t judged;		/* the opset the schema is chosen by */
	const struct opdb_schema *s;
};

#define MEMO_SIZE 64

static const struct memo *
memo_get(struct memo *memo, const struct ir_node *n)
{
	uintptr_t h = ((uintptr_t)n->op_type >> 4) ^
	    ((uintptr_t)n->graph >> 6) ^ ((uintptr_t)n->domain >> 3);
	struct memo *e = &memo[(h ^ (h >> 7)) % MEMO_SIZE];
	int lo, hi, last;

	if (e->op == n->op_type && e->domain == n->domain && e->g == n->graph)
		return e;
	e->op = n->op_type;
	e->domain = n->domain;
	e->g = n->graph;
	e->opset = ir_node_opset(n);
	e->judged = e->opset;
	/* A newer opset than the tables know: judge the node by the
	 * newest schema (S204 reports the opset itself). */
	if (opdb_domain_range(n->domain, &lo, &hi, &last) == 0 &&
	    e->judged > hi)
		e->judged = hi;
	e->s = e->opset >= 0 ? opdb_schema(n->domain, n->op_type, e->judged) :
	    NULL;
	return e;
}

static void
check_node(struct pass_ctx *ctx, const struct hmap *locals,
    struct memo *memo, const struct ir_node *n)
{
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];
	const struct opdb_schema *s;
	const struct memo *e;
	int64_t opset;

	if (n->op_type[0] == '\0') {
		pass_report_node(ctx, DIAG_S_OP_EMPTY, n, NULL);
		return;
	}
	if (n->ninputs == 0 && n->noutputs == 0)
		pass_report_node(ctx, DIAG_S_NODE_EMPTY, n, NULL);
	e = memo_get(memo, n);
	if (e->opset < 0) {
		pass_report_node(ctx, DIAG_S_DOMAIN_NOT_IMPORTED, n, "'%s'",
		    diag_esc(b, n->domain));
		return;
	}
	if (pass_is_local_function(ctx, locals, n)) {
		check_attrs(ctx, n, NULL);
		return;
	}
	opset = e->judged;
	/* Only domains whose whole operator set is in the tables can say
	 * "no such operator"; com.microsoft is checked when known. */
	s = e->s;
	if (s == NULL) {
		if (opdb_domain_is_onnx(n->domain))
			pass_report_node(ctx, DIAG_S_OP_UNKNOWN, n,
			    "'%s' in '%s' opset %" PRId64,
			    diag_esc(b, n->op_type),
			    diag_esc(c, n->domain[0] ? n->domain : "ai.onnx"),
			    opset);
		check_attrs(ctx, n, NULL);
		return;
	}
	if (s->deprecated) {
		pass_report_node(ctx, DIAG_S_OP_DEPRECATED, n,
		    "'%s' since opset %d", opdb_s(s->op), s->since);
		return;
	}
	if (s->experimental)
		pass_report_node(ctx, DIAG_S_OP_EXPERIMENTAL, n, "'%s'",
		    opdb_s(s->op));
	check_arity(ctx, n, s);
	check_types(ctx, n, s);
	check_attrs(ctx, n, s);
	if (s->io_documented)
		check_constant(ctx, n);
	check_bodies(ctx, n, opset);
}

static int
run(struct pass_ctx *ctx)
{
	struct memo memo[MEMO_SIZE];
	struct ir_graph **graphs;
	struct hmap locals;
	size_t n, i, j;

	memset(memo, 0, sizeof(memo));

	/* A hash map: a hostile model may have thousands of functions. */
	if (pass_local_functions(ctx, &locals) < 0)
		return -1;
	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++)
		for (j = 0; j < graphs[i]->nnodes; j++)
			check_node(ctx, &locals, memo, graphs[i]->nodes[j]);
	return 0;
}

const struct pass pass_schema = {
	"schema", PASS_ANALYSIS,
	"nodes against their operator schema: op, arity, attributes",
	run, NULL,
};
