/* SPDX-License-Identifier: MIT */
/*
 * target: custom operators and what each runtime chosen with --target can
 * load, from the operator tables compiled out of src/opdb/ (ONNX schemas,
 * ONNX Runtime's CPU, CUDA and DirectML kernel registrations, the
 * onnx-tensorrt support matrix, onnx2tf's support tables).
 *
 * Always, with or without --target: operators that no table knows
 * (custom operators, C400), the known non-standard domains the nodes use
 * and what they tie the model to (C401, C402), and TensorRT plugins left
 * in the default domain (C403).  Domains that are imported but used by no
 * node are not findings.
 * Per target and node: operator absent (C410), schema version without a
 * kernel (C411), element type not accepted (C412), experimental, partial
 * or deprecated support (C414), CUDA/DirectML nodes that fall back to the
 * CPU provider (C416).  Per target: model opset outside its range (C413)
 * and a summary with the unsupported op types and the number of
 * contiguous supported regions (fallback islands, C420/C421).
 *
 * Like ONNX Runtime, a node's kernel is found from its schema since-version
 * resolved at the model's opset, not from the opset itself.  Element types
 * come from struct ir_value.type: an unknown element type (0) is never a
 * finding.  Unknown ops of the standard domains, undeclared domains and
 * deprecated schemas are the schema pass's findings (S221-S223); here they
 * only count as unsupported in the summaries.
 * Every lookup is a binary search; regions are a union-find over data
 * edges, so the pass is linear in the model size.
 * Requires: a loaded model.  Preserves: everything (analysis only).
 *
 *	before:  com.example::FastGelu(X), --target ort-cpu
 *	report:  node 3 (FastGelu): warning C400: custom operator is unknown
 *	         to every target: 'com.example::FastGelu'
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opdb/opdb.h"
#include "pass.h"

/*
 * Versions of the tables (src/opdb/sources.json): the CUDA and DML
 * tables are ONNX Runtime 1.25's documentation; 1.25 is built against
 * onnx 1.20.1, so it knows ai.onnx up to opset 25 and ai.onnx.ml up to
 * 5, and guarantees support from opset 7 on.  The CPU table is measured
 * from ONNX Runtime 1.30 (tools/gen-ort-cpu.py), which loads ai.onnx up
 * to opset 26.  The onnx-tensorrt matrix covers opsets 9 to 20.
 */
#define ORT_ML_MAX 5

/*
 * ONNX operators whose newest schema has a function body (src/opdb/ops.tsv,
 * function=1), sorted: ONNX Runtime inlines such a node when no kernel
 * serves it, so a missing kernel is not a finding.  tests/target.sh
 * compares this list with ops.tsv.
 */
static const char *const function_ops[] = {
	"AffineGrid", "Attention", "Bernoulli", "BlackmanWindow", "CastLike",
	"CausalConvWithState", "Celu", "CenterCropPad", "Clip",
	"DynamicQuantizeLinear", "Elu", "Gelu", "GreaterOrEqual",
	"GroupNormalization", "HammingWindow", "HannWindow", "HardSigmoid",
	"HardSwish", "LayerNormalization", "LeakyRelu", "LessOrEqual",
	"LinearAttention", "LogSoftmax", "MeanVarianceNormalization", "Mish",
	"NegativeLogLikelihoodLoss", "PRelu", "RMSNormalization", "Range",
	"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
	"ReduceSumSquare", "Relu", "RotaryEmbedding", "Selu", "SequenceMap",
	"Shrink", "Softmax", "SoftmaxCrossEntropyLoss", "Softplus",
	"Softsign", "SwiGLU", "Swish", "ThresholdedRelu",
};

/*
 * Default-domain operators that ONNX Runtime runs without a kernel listed
 * in docs/OperatorKernels.md: Constant becomes an initializer when the
 * graph is loaded, and the NonMaxSuppression kernels of the CPU and CUDA
 * providers (versions 10 and 11+) are registered without type
 * constraints, which the generated document leaves out.
 */
static bool
ort_builtin(int rt, const char *op, int since)
{
	if (strcmp(op, "Constant") == 0)
		return true;
	return strcmp(op, "NonMaxSuppression") == 0 && since >= 10 &&
	    (rt == OPDB_ORT_CPU || rt == opdb_kernel_table("ort-cuda"));
}

static int
cmp_str(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool
is_function_op(const char *domain, const char *op)
{
	return ir_domain_is_onnx(domain) && bsearch(op, function_ops,
	    sizeof(function_ops) / sizeof(function_ops[0]),
	    sizeof(function_ops[0]), cmp_str) != NULL;
}

/* Known non-standard domains, sorted by name (strcmp) for bsearch. */
struct domain_info {
	const char *domain;
	bool tied;		/* an optimised artefact (C402), not C401 */
	const char *what;
};

static const struct domain_info known_domains[] = {
	{ "ai.onnx.contrib", false,
	  "onnxruntime-extensions operators: ONNX Runtime runs them only "
	  "with the extensions library registered, no other runtime does" },
	{ "ai.onnx.converters.tensorflow", false,
	  "TensorFlow operators that tf2onnx left unconverted (--custom-ops):"
	  " no runtime runs them without a matching custom-op library" },
	{ "com.microsoft", false,
	  "ONNX Runtime contrib operators (some written by ONNX Runtime's "
	  "offline graph optimisation): only ONNX Runtime runs them" },
	{ "com.microsoft.dml", true,
	  "DirectML fused operators written by an offline-optimised ONNX "
	  "Runtime session: only ONNX Runtime's DirectML provider runs them" },
	{ "com.microsoft.experimental", false,
	  "ONNX Runtime experimental operators: only ONNX Runtime runs them" },
	{ "com.microsoft.nchwc", true,
	  "ONNX Runtime NCHWc layout operators written by an offline session "
	  "at optimisation level all: only ONNX Runtime's CPU provider runs "
	  "them, on CPUs with the instruction set it was optimised on; save "
	  "the model at level extended or below" },
	{ "com.ms.internal.nhwc", true,
	  "ONNX Runtime's internal NHWC layout operators written by an "
	  "offline-optimised session: only the provider it was optimised "
	  "for runs them" },
	{ "mmcv", false,
	  "mmcv operators: need the mmcv/mmdeploy custom-op library (ONNX "
	  "Runtime) or plugin (TensorRT)" },
	{ "mmdeploy", false,
	  "mmdeploy operators: need mmdeploy's custom-op library (ONNX "
	  "Runtime) or plugin (TensorRT)" },
	{ "org.pytorch.aten", false,
	  "ATen fallback of torch.onnx: runs only where the ATen operator is "
	  "registered (PyTorch, ONNX Runtime training builds); export "
	  "without the ATen fallback" },
};
#define NKNOWN_DOMAINS (sizeof(known_domains) / sizeof(known_domains[0]))

/* How a node relates to the tables, target-independent. */
enum nclass {
	NC_STANDARD,	/* an ONNX-domain op with a schema at its opset */
	NC_KNOWN,	/* another op that some table knows */
	NC_CUSTOM,	/* known to no table (C400) */
	NC_PLUGIN,	/* a *_TRT name in the default domain (C403) */
	NC_INVALID,	/* the schema pass reports it (S220-S223) */
	NC_FUNCTION,	/* a call of a model-local function */
};

/* Verdict of one target on one node. */
enum verdict {
	V_OK,
	V_NO,		/* reported: not supported (C410..C412) */
	V_FALLBACK,	/* reported: runs on ORT's CPU provider (C416) */
	V_SILENT,	/* not supported, reported by another code */
	V_CAST,		/* runs in float between Casts (float16 on CPU) */
};

struct ninfo {
	const struct ir_node *n;
	enum nclass cls;
	int64_t opset;		/* the model's opset for the node's domain */
	const struct opdb_schema *s;	/* at opset, NULL when none */
};

/*
 * A small cache of verdicts that report nothing, keyed by everything that
 * decides them, so that the many nodes of one op type with the same
 * element types are judged once (and the classification likewise).
 */
#define MEMO_SLOTS 64
#define MEMO_TYPES 8
struct memo {
	const char *op, *domain;	/* op NULL: an empty slot */
	int64_t opset;
	unsigned char ntypes;
	int32_t types[MEMO_TYPES];	/* inputs then outputs, 0 unknown */
	int value;			/* enum verdict or enum nclass */
	const struct opdb_schema *s;	/* classification only */
};

struct tstate {
	struct memo *memo;		/* MEMO_SLOTS entries */
	const struct onnxfix_target *t;
	struct opdb_target rt;		/* its row of src/targets.def */
	char label[32];
	unsigned char *ok;	/* per global node index: 1 supported */
	size_t nunsupported;
	size_t ncast;		/* supported through float16 Casts */
};

#define QNAME_SIZE (2 * DIAG_ESCAPE_SIZE + 4)

/* N's operator, escaped: "Op" in the default domain, else "domain::Op". */
static const char *
qname(char *buf, const struct ir_node *n)
{
	char d[DIAG_ESCAPE_SIZE], o[DIAG_ESCAPE_SIZE];

	if (ir_domain_is_onnx(n->domain))
		snprintf(buf, QNAME_SIZE, "%s", diag_esc(o, n->op_type));
	else
		snprintf(buf, QNAME_SIZE, "%s::%s", diag_esc(d, n->domain),
		    diag_esc(o, n->op_type));
	return buf;
}

static const char *
dom_name(const char *d)
{
	return d[0] == '\0' ? "ai.onnx" : d;
}

static int
cmp_domain_info(const void *key, const void *elem)
{
	return strcmp(key, ((const struct domain_info *)elem)->domain);
}

static const struct domain_info *
domain_info(const char *domain)
{
	return bsearch(domain, known_domains, NKNOWN_DOMAINS,
	    sizeof(known_domains[0]), cmp_domain_info);
}

/* Does any table know (DOMAIN, OP)? */
static bool
known_anywhere(const char *domain, const char *op)
{
	const struct opdb_kernel *k;
	int rt;

	if (opdb_op_known(domain, op))
		return true;
	for (rt = 0; rt < opdb_kernel_tables(); rt++)
		if (opdb_kernels(rt, domain, op, &k) > 0)
			return true;
	return opdb_tensorrt(domain, op) != NULL ||
	    opdb_onnx2tf(domain, op) != NULL;
}

static bool
is_trt_plugin_name(const char *op)
{
	size_t n = strlen(op);

	return n > 4 && strcmp(op + n - 4, "_TRT") == 0;
}

/* The schema of OP at OPSET, clamped to the newest opset known. */
static const struct opdb_schema *
schema_at(const char *domain, const char *op, int64_t opset)
{
	int lo, hi, last;

	if (opdb_domain_range(domain, &lo, &hi, &last) == 0 && opset > hi)
		opset = hi;
	return opdb_schema(domain, op, opset);
}

/* Fill KEY from N (returns false when N has too many slots to cache)
 * and return its slot in a MEMO_SLOTS table. */
static bool
memo_key(const struct ir_node *n, int64_t opset, bool types,
    struct memo *key, size_t *slot)
{
	uint32_t h = 2166136261u;
	const char *c;
	size_t i;

	if (types && n->ninputs + n->noutputs > MEMO_TYPES)
		return false;
	key->op = n->op_type;
	key->domain = n->domain;
	key->opset = opset;
	key->ntypes = 0;
	for (c = n->op_type; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	h ^= (uint32_t)opset * 2654435761u;
	if (types) {
		for (i = 0; i < n->ninputs + n->noutputs; i++) {
			const struct ir_value *v = i < n->ninputs ?
			    n->inputs[i] : n->outputs[i - n->ninputs];
			int32_t e = v != NULL &&
			    v->type.kind == IR_TYPE_TENSOR ? v->type.elem : 0;

			key->types[key->ntypes++] = e;
			h = (h ^ (uint32_t)e) * 16777619u;
		}
	}
	*slot = h % MEMO_SLOTS;
	return true;
}

static bool
memo_equal(const struct memo *a, const struct memo *b)
{
	return a->op != NULL && a->opset == b->opset &&
	    a->ntypes == b->ntypes &&
	    (a->op == b->op || strcmp(a->op, b->op) == 0) &&
	    (a->domain == b->domain || strcmp(a->domain, b->domain) == 0) &&
	    memcmp(a->types, b->types, a->ntypes * sizeof(a->types[0])) == 0;
}

static void classify_node(struct pass_ctx *ctx, const struct hmap *locals,
    struct ninfo *ni);

static void
classify(struct pass_ctx *ctx, const struct hmap *locals, struct ninfo *ni,
    struct memo *memo)
{
	const struct ir_model *m = ctx->m;
	struct memo key;
	size_t slot;

	ni->opset = ir_node_opset(ni->n);
	if (m->nfunctions > 0 || !memo_key(ni->n, ni->opset, false, &key,
	    &slot)) {
		classify_node(ctx, locals, ni);
		return;
	}
	if (memo_equal(&memo[slot], &key)) {
		ni->cls = (enum nclass)memo[slot].value;
		ni->s = memo[slot].s;
		return;
	}
	classify_node(ctx, locals, ni);
	key.value = (int)ni->cls;
	key.s = ni->s;
	memo[slot] = key;
}

/* The class of operator OP of DOMAIN imported at OPSET, other than a
 * local function; its schema at OPSET (or NULL) into *S. */
static enum nclass
op_class(const char *domain, const char *op, int64_t opset,
    const struct opdb_schema **s)
{
	*s = NULL;
	if (op[0] == '\0')
		return NC_INVALID;
	if (opset >= 0)
		*s = schema_at(domain, op, opset);
	if (*s != NULL && opdb_domain_is_onnx(domain))
		return (*s)->deprecated ? NC_INVALID : NC_STANDARD;
	if (known_anywhere(domain, op))
		return opset < 0 ? NC_INVALID : NC_KNOWN;
	if (ir_domain_is_onnx(domain) && is_trt_plugin_name(op))
		return NC_PLUGIN;
	if (opdb_domain_is_onnx(domain))
		return NC_INVALID;	/* S222 */
	return NC_CUSTOM;
}

static void
classify_node(struct pass_ctx *ctx, const struct hmap *locals,
    struct ninfo *ni)
{
	const struct ir_node *n = ni->n;

	ni->s = NULL;
	ni->opset = ir_node_opset(n);
	if (n->op_type[0] != '\0' && pass_is_local_function(ctx, locals, n))
		ni->cls = NC_FUNCTION;
	else
		ni->cls = op_class(n->domain, n->op_type, ni->opset, &ni->s);
}

/* The ONNX type string of V ("tensor(float)"); NULL when unknown. */
static const char *
tensor_type(const struct ir_value *v)
{
	static const char *const names[IR_ELEM__MAX + 1] = {
		NULL, "tensor(float)", "tensor(uint8)", "tensor(int8)",
		"tensor(uint16)", "tensor(int16)", "tensor(int32)",
		"tensor(int64)", "tensor(string)", "tensor(bool)",
		"tensor(float16)", "tensor(double)", "tensor(uint32)",
		"tensor(uint64)", "tensor(complex64)", "tensor(complex128)",
		"tensor(bfloat16)", "tensor(float8e4m3fn)",
		"tensor(float8e4m3fnuz)", "tensor(float8e5m2)",
		"tensor(float8e5m2fnuz)", "tensor(uint4)", "tensor(int4)",
		"tensor(float4e2m1)", "tensor(float8e8m0)", "tensor(uint2)",
		"tensor(int2)",
	};

	if (v == NULL || v->type.kind != IR_TYPE_TENSOR ||
	    v->type.elem <= 0 || v->type.elem > IR_ELEM__MAX)
		return NULL;
	return names[v->type.elem];
}

/* The list of types of TC as "float, int64, ..." into BUF. */
static void
type_list(char *buf, size_t size, const struct opdb_tc *tc)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < tc->ntypes && len + 1 < size; i++) {
		const char *t = opdb_tc_type(tc, i);
		size_t tl = strlen(t);
		int w;

		if (strncmp(t, "tensor(", 7) == 0 && tl > 8)
			w = snprintf(buf + len, size - len, "%s%.*s",
			    i ? ", " : "", (int)(tl - 8), t + 7);
		else
			w = snprintf(buf + len, size - len, "%s%s",
			    i ? ", " : "", t);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

/*
 * The schema type parameter of input (IS_INPUT) or output slot I of S, or
 * NULL when the slot has a literal type, is heterogeneous or undocumented.
 */
static const char *
slot_param(const struct opdb_schema *s, size_t i, bool is_input)
{
	const struct opdb_io *io = is_input ? opdb_inputs(s) : opdb_outputs(s);
	size_t nio = is_input ? s->ninputs : s->noutputs;

	if (!s->io_documented || nio == 0)
		return NULL;
	if (i >= nio) {
		if (io[nio - 1].option != OPDB_VARIADIC)
			return NULL;
		i = nio - 1;
	}
	if (io[i].heterogeneous ||
	    strncmp(opdb_s(io[i].type), "tensor(", 7) == 0 ||
	    strchr(opdb_s(io[i].type), '(') != NULL)
		return NULL;
	return opdb_s(io[i].type);
}

/*
 * Check N's known element types against ACCEPTS(ARG, PARAM, TYPE).  On the
 * first refusal writes the reason into WHY and returns false.
 */
typedef bool (*accepts_fn)(const void *arg, const char *param,
    const char *type, char *list, size_t lsize);

static bool
types_ok(const struct ir_node *n, const struct opdb_schema *s,
    accepts_fn accepts, const void *arg, char *why, size_t size)
{
	char list[512], vb[DIAG_ESCAPE_SIZE];
	size_t i;
	int pass;

	if (s == NULL)
		return true;
	for (pass = 0; pass < 2; pass++) {
		bool in = pass == 0;
		size_t cnt = in ? n->ninputs : n->noutputs;

		for (i = 0; i < cnt; i++) {
			const struct ir_value *v = in ? n->inputs[i] :
			    n->outputs[i];
			const char *param = slot_param(s, i, in);
			const char *type = tensor_type(v);

			if (param == NULL || type == NULL)
				continue;
			if (accepts(arg, param, type, list, sizeof(list)))
				continue;
			snprintf(why, size, "%s %zu '%s' is %s; %s accepts %s",
			    in ? "input" : "output", i, diag_esc(vb, v->name),
			    ir_elem_name(v->type.elem), param, list);
			return false;
		}
	}
	return true;
}

struct kernel_set {
	const struct opdb_kernel *first;
	size_t n;
	int since;
	const struct opdb_kernel *only;	/* non-NULL: judge this row alone */
	bool cast16;		/* float16 runs as float through Casts */
	bool *casted;		/* set when that was needed */
};

static bool
kernels_allow(const struct kernel_set *ks, const char *param,
    const char *type, const struct opdb_tc **shown)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		const struct opdb_kernel *k = &ks->first[i];
		const struct opdb_tc *tc;

		if (k->since > ks->since || ks->since > k->end ||
		    (ks->only != NULL && k != ks->only))
			continue;
		if ((tc = opdb_kernel_tc(k, param)) == NULL ||
		    opdb_tc_allows(tc, type))
			return true;
		if (shown != NULL && *shown == NULL)
			*shown = tc;
	}
	return false;
}

static bool
kernel_accepts(const void *arg, const char *param, const char *type,
    char *list, size_t lsize)
{
	const struct kernel_set *ks = arg;
	const struct opdb_tc *shown = NULL;

	if (kernels_allow(ks, param, type, &shown))
		return true;
	/*
	 * ONNX Runtime's InsertCastTransformer runs a float16 node that the
	 * CPU provider has only a float kernel for in float, between Casts.
	 */
	if (ks->cast16 && strcmp(type, "tensor(float16)") == 0 &&
	    kernels_allow(ks, param, "tensor(float)", NULL)) {
		*ks->casted = true;
		return true;
	}
	if (shown != NULL)
		type_list(list, lsize, shown);
	return shown == NULL;
}

static bool
schema_accepts(const void *arg, const char *param, const char *type,
    char *list, size_t lsize)
{
	const struct opdb_tc *tc = opdb_schema_tc(arg, param);

	if (tc == NULL || opdb_tc_allows(tc, type))
		return true;
	type_list(list, lsize, tc);
	return false;
}

static int
ort_max_opset(const struct opdb_target *r, const char *domain)
{
	int lo, hi, last;

	if (ir_domain_is_onnx(domain))
		return r->opset_hi;
	if (strcmp(domain, "ai.onnx.ml") == 0)
		return ORT_ML_MAX;
	if (opdb_domain_range(domain, &lo, &hi, &last) == 0)
		return hi;
	return 1;
}

/* Kernel rows of KS that serve its version. */
static size_t
nrows(const struct kernel_set *ks)
{
	size_t i, c = 0;

	for (i = 0; i < ks->n; i++)
		if (ks->first[i].since <= ks->since &&
		    ks->since <= ks->first[i].end)
			c++;
	return c;
}

/*
 * An RNN, GRU or LSTM node with layout=1 (batch-major, opset 14 on):
 * ONNX Runtime's CPU kernels refuse it when the session is created.
 */
static bool
rnn_batch_major(const struct ir_node *n)
{
	const struct ir_attr *a;

	if (strcmp(n->op_type, "RNN") != 0 && strcmp(n->op_type, "GRU") != 0 &&
	    strcmp(n->op_type, "LSTM") != 0)
		return false;
	a = ir_node_attr(n, "layout");
	return a != NULL && a->type == IR_ATTR_INT && a->i != 0;
}

/*
 * Clip from opset 13 on, ONNX Runtime's CPU provider: the types its Clip
 * kernel lacks (int16, uint16) run Clip's function body, whose Where
 * node has no kernel for them either once min or max is given; without
 * min and max the body loads.  The kernel's own types are those the
 * table lists for Clip-12, which has no function body.  Returns false
 * with the reason in WHY for such a node.
 */
static bool
clip_expansion_ok(const struct ir_node *n, char *why, size_t size)
{
	const struct opdb_kernel *k;
	const struct opdb_tc *tc;
	const char *type;
	bool bounds = false;
	size_t i;
	char vb[DIAG_ESCAPE_SIZE];

	if (strcmp(n->op_type, "Clip") != 0 || n->ninputs == 0 ||
	    (type = tensor_type(n->inputs[0])) == NULL)
		return true;
	for (i = 1; i < n->ninputs && i < 3; i++)
		if (n->inputs[i] != NULL)
			bounds = true;
	k = opdb_kernel_find(OPDB_ORT_CPU, "", "Clip", 12);
	if (!bounds || k == NULL || (tc = opdb_kernel_tc(k, "T")) == NULL ||
	    opdb_tc_allows(tc, type))
		return true;
	k = opdb_kernel_find(OPDB_ORT_CPU, "", "Where", 16);
	if (k != NULL && (tc = opdb_kernel_tc(k, "T")) != NULL &&
	    opdb_tc_allows(tc, type))
		return true;
	snprintf(why, size, "input 0 '%s' is %s: ONNX Runtime runs Clip in "
	    "%s through its function body, whose Where has no kernel for it "
	    "when min or max is given", diag_esc(vb, n->inputs[0]->name),
	    ir_elem_name(n->inputs[0]->type.elem),
	    ir_elem_name(n->inputs[0]->type.elem));
	return false;
}

/* ONNX Runtime provider R on node NI: the reason in WHY when not V_OK. */
static enum verdict
judge_ort(const struct opdb_target *r, const struct ninfo *ni,
    enum diag_id *id, char *why, size_t size, bool *casted)
{
	int rt = r->table;
	char q[QNAME_SIZE];
	const struct ir_node *n = ni->n;
	const struct opdb_schema *s;
	struct kernel_set ks;
	int64_t opset = ni->opset;
	size_t i, first;
	bool fn;
	char rwhy[1024];

	if (opset > ort_max_opset(r, n->domain)) {
		opset = ort_max_opset(r, n->domain);
		s = opdb_schema(n->domain, n->op_type, opset);
	} else {
		s = ni->s;	/* the schema at the model's opset */
	}
	ks.since = s != NULL ? s->since : (int)opset;
	/*
	 * The Cast that ONNX Runtime inserts to run float16 in float is a
	 * node of the model's default domain: below opset 6 Cast's 'to' is
	 * a string, the inserted node is invalid and the session fails.
	 */
	ks.cast16 = rt == OPDB_ORT_CPU &&
	    (!ir_domain_is_onnx(n->domain) || ni->opset >= 6);
	ks.casted = casted;
	ks.only = NULL;
	*casted = false;
	/*
	 * The CPU table is measured from ONNX Runtime's session creation
	 * (tools/gen-ort-cpu.py): an operator ORT expands as a function is
	 * listed at the versions and types where the expansion loads, so a
	 * function body is no reason to accept an unlisted version or type
	 * there.  The CUDA and DML tables list kernels only.
	 */
	fn = rt != OPDB_ORT_CPU && is_function_op(n->domain, n->op_type);
	if (ir_domain_is_onnx(n->domain) &&
	    ort_builtin(rt, n->op_type, ks.since))
		return V_OK;
	if (rt == OPDB_ORT_CPU && ir_domain_is_onnx(n->domain) &&
	    rnn_batch_major(n)) {
		*id = DIAG_C_UNSUPPORTED;
		snprintf(why, size, "'%s' has layout=1 (batch-major); ONNX "
		    "Runtime's CPU kernel supports only layout=0",
		    qname(q, n));
		return V_NO;
	}
	ks.n = opdb_kernels(rt, n->domain, n->op_type, &ks.first);
	if (ks.n == 0 && fn)
		return V_OK;
	if (ks.n == 0) {
		*id = DIAG_C_UNSUPPORTED;
		snprintf(why, size, "no kernel for '%s'", qname(q, n));
		return V_NO;
	}
	for (i = 0; i < ks.n; i++)
		if (ks.first[i].since <= ks.since &&
		    ks.since <= ks.first[i].end)
			break;
	if (i == ks.n && fn)
		return V_OK;
	if (i == ks.n) {
		int hi = ks.first[0].end;

		for (i = 0; i < ks.n; i++)
			if (ks.first[i].end > hi)
				hi = ks.first[i].end;
		*id = DIAG_C_VERSION;
		if (hi == 2147483647)
			snprintf(why, size, "'%s' resolves to schema version %d"
			    " (opset %" PRId64 "); kernels serve versions %d"
			    " and later", qname(q, n), ks.since, opset,
			    ks.first[0].since);
		else
			snprintf(why, size, "'%s' resolves to schema version %d"
			    " (opset %" PRId64 "); kernels serve versions %d"
			    " to %d", qname(q, n), ks.since, opset,
			    ks.first[0].since, hi);
		return V_NO;
	}
	/*
	 * One registered kernel must accept every slot: ORT registers some
	 * operators for combinations of types only (QLinearConv,
	 * BatchNormalization-15, OneHot), one row per combination.
	 */
	first = ks.n;
	for (i = 0; i < ks.n; i++) {
		if (ks.first[i].since > ks.since || ks.since > ks.first[i].end)
			continue;
		if (first == ks.n)
			first = i;
		ks.only = &ks.first[i];
		*casted = false;
		if (!types_ok(n, s, kernel_accepts, &ks, rwhy, sizeof(rwhy)))
			continue;
		if (rt == OPDB_ORT_CPU && ir_domain_is_onnx(n->domain) &&
		    ks.since >= 13 && !clip_expansion_ok(n, why, size)) {
			*id = DIAG_C_TYPE;
			return V_NO;
		}
		return V_OK;
	}
	ks.only = &ks.first[first];
	*casted = false;
	if (!types_ok(n, s, kernel_accepts, &ks, why, size)) {
		if (fn)
			return V_OK;
		*id = DIAG_C_TYPE;
		if (nrows(&ks) > 1)
			snprintf(why + strlen(why), size - strlen(why),
			    " (with the other types: ORT registers only some "
			    "combinations)");
		return V_NO;
	}
	/* each slot alone is accepted, no kernel takes them together */
	if (fn)
		return V_OK;
	*id = DIAG_C_TYPE;
	snprintf(why, size, "'%s': no kernel registered for this combination"
	    " of input and output types", qname(q, n));
	return V_NO;
}

/* TensorRT's name for an element type, NULL when it has none. */
static const char *
trt_type(int32_t elem)
{
	switch (elem) {
	case IR_ELEM_FLOAT: return "FP32";
	case IR_ELEM_FLOAT16: return "FP16";
	case IR_ELEM_BFLOAT16: return "BF16";
	case IR_ELEM_INT32: return "INT32";
	case IR_ELEM_INT64: return "INT64";
	case IR_ELEM_BOOL: return "BOOL";
	case IR_ELEM_INT8: return "INT8";
	case IR_ELEM_UINT8: return "UINT8";
	case IR_ELEM_INT4: return "INT4";
	case IR_ELEM_FLOAT8E4M3FN: return "FP8";
	default: return NULL;
	}
}

/* Is WORD one of the comma-separated names of LIST? */
static bool
in_csv(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (*p != '\0') {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		while (l > 0 && *p == ' ') {
			p++;
			l--;
		}
		if (l == wl && strncmp(p, word, wl) == 0)
			return true;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return false;
}

static enum verdict
judge_trt(const struct opdb_target *rt, const struct ninfo *ni,
    enum diag_id *id, char *why, size_t size)
{
	char q[QNAME_SIZE];
	const struct ir_node *n = ni->n;
	const struct opdb_trt *r;
	const struct ir_value *v;
	const char *tn;
	char b[DIAG_ESCAPE_SIZE];

	if (ni->cls == NC_PLUGIN)
		return V_OK;
	r = opdb_tensorrt(n->domain, n->op_type);
	if (r == NULL || !r->supported) {
		*id = DIAG_C_UNSUPPORTED;
		/* WHO is "TensorRT VERSION": the matrix of that version */
		snprintf(why, size, "'%s' is %s the onnx-tensorrt %s matrix",
		    qname(q, n), r == NULL ? "not in" :
		    "marked unsupported in", strncmp(rt->who, "TensorRT ", 9) ==
		    0 ? rt->who + 9 : rt->who);
		return V_NO;
	}
	/*
	 * The matrix gives one type list per operator, which describes its
	 * data: input 0 is checked, and only when the schema gives it the
	 * type of output 0 (not a shape, indices or a cast).  DOUBLE is cast
	 * down to FLOAT by the parser, so it is not refused.
	 */
	v = n->ninputs > 0 ? n->inputs[0] : NULL;
	if (opdb_s(r->types) != NULL && v != NULL &&
	    v->type.kind == IR_TYPE_TENSOR &&
	    v->type.elem != 0 && v->type.elem != IR_ELEM_DOUBLE &&
	    ni->s != NULL && slot_param(ni->s, 0, true) != NULL &&
	    slot_param(ni->s, 0, false) != NULL &&
	    strcmp(slot_param(ni->s, 0, true),
	    slot_param(ni->s, 0, false)) == 0) {
		tn = trt_type(v->type.elem);
		/* The source spells INT64 "INF64" once. */
		if (tn == NULL || !(in_csv(opdb_s(r->types), tn) ||
		    (strcmp(tn, "INT64") == 0 && in_csv(opdb_s(r->types),
		    "INF64")))) {
			*id = DIAG_C_TYPE;
			snprintf(why, size, "input 0 '%s' is %s; TensorRT "
			    "accepts %s", diag_esc(b, v->name),
			    ir_elem_name(v->type.elem), opdb_s(r->types));
			return V_NO;
		}
	}
	return V_OK;
}

static enum verdict
judge_tflite(const struct ninfo *ni, enum diag_id *id, char *why,
    size_t size)
{
	char q[QNAME_SIZE];
	const struct ir_node *n = ni->n;

	if (opdb_onnx2tf(n->domain, n->op_type) == NULL) {
		*id = DIAG_C_UNSUPPORTED;
		snprintf(why, size, "onnx2tf does not convert '%s'",
		    qname(q, n));
		return V_NO;
	}
	return V_OK;
}

static enum verdict
judge_onnx(const struct onnxfix_target *t, const struct ninfo *ni,
    enum diag_id *id, char *why, size_t size)
{
	char q[QNAME_SIZE];
	const struct ir_node *n = ni->n;
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];

	if (ni->cls != NC_STANDARD) {
		*id = DIAG_C_UNSUPPORTED;
		snprintf(why, size, "'%s::%s' is not an ONNX standard operator",
		    diag_esc(b, dom_name(n->domain)), diag_esc(c, n->op_type));
		return V_NO;
	}
	if (t->opset > 0 && ir_domain_is_onnx(n->domain) &&
	    ni->opset > t->opset &&
	    opdb_schema(n->domain, n->op_type, t->opset) == NULL) {
		*id = DIAG_C_UNSUPPORTED;
		snprintf(why, size, "'%s' is not in ONNX opset %d (since %d)",
		    qname(q, n), t->opset,
		    ni->s != NULL ? ni->s->since : 0);
		return V_NO;
	}
	if (!types_ok(n, ni->s, schema_accepts, ni->s, why, size)) {
		*id = DIAG_C_TYPE;
		return V_NO;
	}
	return V_OK;
}

/* Soft findings of a supported node: experimental, partial, deprecated. */
static void
soft(struct pass_ctx *ctx, const struct tstate *ts, const struct ninfo *ni)
{
	char q[QNAME_SIZE];
	const struct ir_node *n = ni->n;

	switch (ts->rt.family) {
	case OPDB_FAM_TRT: {
		const struct opdb_trt *r = opdb_tensorrt(n->domain,
		    n->op_type);

		if (r != NULL && r->experimental)
			pass_report_node(ctx, DIAG_C_PARTIAL, n,
			    "%s: '%s' is experimental", ts->label,
			    qname(q, n));
		break;
	}
	case OPDB_FAM_ONNX2TF: {
		const struct opdb_tf *r = opdb_onnx2tf(n->domain, n->op_type);

		if (r != NULL && opdb_s(r->tf_converter) != NULL &&
		    strcmp(opdb_s(r->tf_converter), "partial") == 0)
			pass_report_node(ctx, DIAG_C_PARTIAL, n,
			    "%s: onnx2tf converts '%s' only partly%s%.160s%s",
			    ts->label, qname(q, n),
			    r->constraints ? ": " : "",
			    opdb_s(r->constraints) ?
			    opdb_s(r->constraints) : "",
			    opdb_s(r->constraints) &&
			    strlen(opdb_s(r->constraints)) > 160 ?
			    "..." : "");
		break;
	}
	case OPDB_FAM_SCHEMA: {
		const struct opdb_schema *s;

		if (ts->t->opset <= 0 || !ir_domain_is_onnx(n->domain) ||
		    ni->opset <= ts->t->opset)
			break;
		s = opdb_schema(n->domain, n->op_type, ts->t->opset);
		if (s != NULL && (s->deprecated || s->experimental))
			pass_report_node(ctx, DIAG_C_PARTIAL, n,
			    "%s: '%s' is %s at opset %d", ts->label,
			    qname(q, n), s->deprecated ? "deprecated" :
			    "experimental", ts->t->opset);
		break;
	}
	default:
		break;
	}
}

static enum verdict judge_node(struct pass_ctx *ctx,
    const struct tstate *ts, const struct ninfo *ni);

/* ONNX Runtime's verdicts without a finding are cached. */
static enum verdict
judge(struct pass_ctx *ctx, const struct tstate *ts, const struct ninfo *ni)
{
	struct memo key;
	size_t slot;
	enum verdict v;

	if (!(ts->rt.flags & OPDB_TF_MEMO) || ni->cls != NC_STANDARD ||
	    ir_node_attr(ni->n, "layout") != NULL ||
	    !memo_key(ni->n, ni->opset, true, &key, &slot))
		return judge_node(ctx, ts, ni);
	if (memo_equal(&ts->memo[slot], &key))
		return (enum verdict)ts->memo[slot].value;
	v = judge_node(ctx, ts, ni);
	if (v == V_OK || v == V_CAST) {
		key.value = (int)v;
		key.s = NULL;
		ts->memo[slot] = key;
	}
	return v;
}

static enum verdict
judge_node(struct pass_ctx *ctx, const struct tstate *ts,
    const struct ninfo *ni)
{
	char why[1024];
	enum diag_id id = DIAG_C_UNSUPPORTED;
	enum verdict v;
	bool casted = false, cpu_casted;

	switch (ni->cls) {
	case NC_FUNCTION:
		return V_OK;
	case NC_CUSTOM: {
		/* No runtime registers it unless a custom-op library is
		 * loaded: creating the session fails (an error, where C400
		 * alone, without a target, is a warning). */
		char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];

		pass_report_node(ctx, DIAG_C_UNSUPPORTED, ni->n, "%s: custom "
		    "operator '%s::%s' is in none of its operator tables (it "
		    "runs only with a custom-op library that registers it)",
		    ts->label, diag_esc(b, ni->n->domain), diag_esc(c, ni->n->op_type));
		return V_NO;
	}
	case NC_INVALID:
		return V_SILENT;
	case NC_PLUGIN:
		return ts->rt.flags & OPDB_TF_PLUGINS ? V_OK : V_SILENT;
	default:
		break;
	}
	switch (ts->rt.family) {
	case OPDB_FAM_ORT: {
		char cpu_why[1024];
		enum diag_id cpu_id;
		struct opdb_target fb;

		v = judge_ort(&ts->rt, ni, &id, why, sizeof(why), &casted);
		/* what the provider lacks runs on the fallback's kernels */
		if (v != V_OK && opdb_target(ts->rt.fallback, &fb) &&
		    fb.family == OPDB_FAM_ORT && judge_ort(&fb, ni, &cpu_id,
		    cpu_why, sizeof(cpu_why), &cpu_casted) == V_OK) {
			pass_report_node(ctx, DIAG_C_FALLBACK, ni->n, "%s: %s",
			    ts->label, why);
			return V_FALLBACK;
		}
		break;
	}
	case OPDB_FAM_TRT:
		v = judge_trt(&ts->rt, ni, &id, why, sizeof(why));
		break;
	case OPDB_FAM_ONNX2TF:
		v = judge_tflite(ni, &id, why, sizeof(why));
		break;
	default:
		v = judge_onnx(ts->t, ni, &id, why, sizeof(why));
		break;
	}
	if (v == V_NO)
		pass_report_node(ctx, id, ni->n, "%s: %s", ts->label, why);
	else
		soft(ctx, ts, ni);
	return v == V_OK && casted ? V_CAST : v;
}

/* --- whole-model findings ------------------------------------------------ */

/* Is DOMAIN used by a node of M (INFOS, N entries)? */
static bool
domain_used(const struct ninfo *infos, size_t n, const char *domain)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ir_domain_is_onnx(infos[i].n->domain) ==
		    ir_domain_is_onnx(domain) &&
		    (ir_domain_is_onnx(domain) ||
		    strcmp(infos[i].n->domain, domain) == 0))
			return true;
	return false;
}

/* Which of what the target misses fix --opset converts (a trial on a
 * copy of the model). */
static void
report_conversion(struct pass_ctx *ctx, const struct tstate *ts)
{
	char first[1024];
	size_t refused;

	if (pass_opset_trial(ctx, ts->t->opset, &refused, first,
	    sizeof(first)) < 0)
		return;
	if (refused == 0)
		diag_report(ctx->d, DIAG_C_CONVERTIBLE, "", "%s: fix --opset %d "
		    "converts every node exactly", ts->label, ts->t->opset);
	else
		diag_report(ctx->d, DIAG_C_NOT_CONVERTIBLE, "", "%s: fix "
		    "--opset %d would refuse %zu node%s; first: %s", ts->label,
		    ts->t->opset, refused, refused == 1 ? "" : "s", first);
}

static void
check_opset_range(struct pass_ctx *ctx, const struct tstate *ts,
    const struct ninfo *infos, size_t n)
{
	int64_t v = ir_model_opset(ctx->m, "");
	int lo, hi;
	const char *who;

	if (v < 0 || !domain_used(infos, n, ""))
		return;
	if (ts->rt.flags & OPDB_TF_OPSET) {
		if (ts->t->opset <= 0 || v <= ts->t->opset)
			return;
		diag_report(ctx->d, DIAG_C_OPSET, "", "%s: ai.onnx opset %"
		    PRId64 " is newer than %d; convert the model down first",
		    ts->label, v, ts->t->opset);
		report_conversion(ctx, ts);
		return;
	}
	lo = ts->rt.opset_lo;
	hi = ts->rt.opset_hi;
	who = ts->rt.who;
	if (lo == 0 && hi == 0)
		return;
	if (v < lo || v > hi)
		diag_report(ctx->d, DIAG_C_OPSET, "", "%s: ai.onnx opset %"
		    PRId64 "; %s supports opsets %d to %d", ts->label, v, who,
		    lo, hi);
}

/* Count N nodes of DOMAIN of class CLS in COUNTS, by known_domains. */
static void
count_domain(size_t *counts, const char *domain, enum nclass cls, size_t n)
{
	const struct domain_info *di;

	if (ir_domain_is_onnx(domain) || cls == NC_FUNCTION)
		return;
	if ((di = domain_info(domain)) != NULL)
		counts[di - known_domains] += n;
}

/* The domains the nodes use that known_domains explains (COUNTS nodes
 * each), once each. */
static void
report_domains(struct pass_ctx *ctx, const size_t *counts)
{
	size_t i;

	for (i = 0; i < NKNOWN_DOMAINS; i++)
		if (counts[i] > 0)
			diag_report(ctx->d, known_domains[i].tied ?
			    DIAG_C_TIED_DOMAIN : DIAG_C_DOMAIN, "",
			    "'%s' (%zu node%s): %s", known_domains[i].domain,
			    counts[i], counts[i] == 1 ? "" : "s",
			    known_domains[i].what);
}

/* --- regions ---------------------------------------------------------- */

static size_t
uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

struct optype_count {
	const char *domain, *op;
	size_t n;
};

static int
cmp_op(const void *a, const void *b)
{
	const struct optype_count *x = a, *y = b;
	int c = strcmp(x->domain, y->domain);

	return c != 0 ? c : strcmp(x->op, y->op);
}

static int
cmp_count(const void *a, const void *b)
{
	const struct optype_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return cmp_op(a, b);
}

/*
 * The summary of one target: the unsupported op types by count, and the
 * number of connected components of supported nodes over data edges
 * (each graph on its own; a subgraph is partitioned by itself).
 */
static int
summarise(struct pass_ctx *ctx, const struct tstate *ts,
    const struct ninfo *infos, size_t n, size_t *parent)
{
	struct optype_count *ops;
	size_t i, j, nops = 0, regions = 0, ntypes;
	char text[1024], b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];
	char cast[160] = "";
	size_t len = 0;

	for (i = 0; i < n; i++)
		parent[i] = i;
	for (i = 0; i < n; i++) {
		const struct ir_node *nd = infos[i].n;
		size_t k;

		if (!ts->ok[i])
			continue;
		for (k = 0; k < nd->ninputs; k++) {
			const struct ir_value *v = nd->inputs[k];
			const struct ir_node *p;
			size_t pi, a, r;

			if (v == NULL || v->kind != IR_VALUE_NODE ||
			    (p = v->producer) == NULL || p->graph != nd->graph)
				continue;
			/* Global index: this graph's base plus position. */
			pi = i - nd->index + p->index;
			if (pi >= n || infos[pi].n != p || !ts->ok[pi])
				continue;
			a = uf_find(parent, i);
			r = uf_find(parent, pi);
			if (a != r)
				parent[a] = r;
		}
	}
	for (i = 0; i < n; i++)
		if (ts->ok[i] && uf_find(parent, i) == i)
			regions++;
	if (ts->ncast > 0)
		snprintf(cast, sizeof(cast), "; %zu float16 node%s in float "
		    "between Casts", ts->ncast, ts->ncast == 1 ? " runs" :
		    "s run");
	if (ts->nunsupported == 0) {
		diag_report(ctx->d, DIAG_C_SUMMARY_OK, "", "%s: %zu node%s%s",
		    ts->label, n, n == 1 ? "" : "s", cast);
		return 0;
	}
	ops = arena_array(&ctx->scratch, ts->nunsupported, sizeof(*ops));
	if (ops == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (!ts->ok[i]) {
			ops[nops].domain = infos[i].n->domain[0] ?
			    infos[i].n->domain : "ai.onnx";
			ops[nops].op = infos[i].n->op_type;
			ops[nops].n = 1;
			nops++;
		}
	if (nops > 1)
		qsort(ops, nops, sizeof(*ops), cmp_op);
	for (i = 0, ntypes = 0; i < nops; i = j) {
		for (j = i + 1; j < nops && cmp_op(&ops[i], &ops[j]) == 0; j++)
			;
		ops[ntypes] = ops[i];
		ops[ntypes].n = j - i;
		ntypes++;
	}
	if (ntypes > 1)
		qsort(ops, ntypes, sizeof(*ops), cmp_count);
	text[0] = '\0';
	for (i = 0; i < ntypes && i < 8; i++) {
		int w;

		if (ir_domain_is_onnx(ops[i].domain))
			w = snprintf(text + len, sizeof(text) - len,
			    "%s%s %zu", i ? ", " : "", diag_esc(b, ops[i].op),
			    ops[i].n);
		else
			w = snprintf(text + len, sizeof(text) - len,
			    "%s%s::%s %zu", i ? ", " : "",
			    diag_esc(c, ops[i].domain), diag_esc(b, ops[i].op),
			    ops[i].n);
		if (w < 0 || (size_t)w >= sizeof(text) - len)
			break;
		len += (size_t)w;
	}
	if (ts->nunsupported == n)
		diag_report(ctx->d, DIAG_C_SUMMARY, "", "%s: no node runs "
		    "(%s%s)", ts->label, text, ntypes > 8 ? ", ..." : "");
	else
		diag_report(ctx->d, DIAG_C_SUMMARY, "", "%s: %zu of %zu nodes "
		    "fall back (%s%s); the other %zu run in %zu region%s%s",
		    ts->label, ts->nunsupported, n, text,
		    ntypes > 8 ? ", ..." : "", n - ts->nunsupported, regions,
		    regions == 1 ? "" : "s", cast);
	return 0;
}

/*
 * Without targets and local functions a node's class follows from its
 * operator alone: when no operator of the census is one that has its
 * nodes reported (C400, C403), the domains are counted by operator and
 * no node is looked at.  False when the nodes must be walked.
 */
static bool
by_operator(struct pass_ctx *ctx)
{
	const struct opdb_schema *s;
	const struct pass_op *e, *first;
	size_t counts[NKNOWN_DOMAINS];

	if (ctx->m->nfunctions > 0 || pass_ops(ctx, &first) < 0)
		return false;
	memset(counts, 0, sizeof(counts));
	for (e = first; e != NULL; e = e->next) {
		enum nclass cls = op_class(e->domain, e->op_type,
		    ir_model_opset(ctx->m, e->domain), &s);

		if (cls == NC_CUSTOM || cls == NC_PLUGIN)
			return false;
		count_domain(counts, e->domain, cls, e->count);
	}
	report_domains(ctx, counts);
	return true;
}

/* The --target values that are runtimes (fp16 is the defaults pass's). */
static size_t
runtime_targets(const struct onnxfix_options *o)
{
	size_t k, n = 0;

	for (k = 0; o != NULL && k < o->ntargets; k++)
		if (!(opdb_target_family(o->targets[k].kind) ==
		    OPDB_FAM_NONE))
			n++;
	return n;
}

static int
run(struct pass_ctx *ctx)
{
	const struct onnxfix_options *o = ctx->o;
	size_t nrt = runtime_targets(o);
	struct ir_graph **graphs;
	struct ninfo *infos;
	struct tstate ts[ONNXFIX_MAX_TARGETS];
	size_t ng, n = 0, i, j, k, *parent;
	struct memo *memo;
	struct hmap locals;
	size_t counts[NKNOWN_DOMAINS];
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];

	if (nrt == 0 && by_operator(ctx))
		return 0;
	ng = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < ng; i++)
		n += graphs[i]->nnodes;
	if (n == 0)
		return 0;
	infos = arena_array(&ctx->scratch, n, sizeof(*infos));
	memo = arena_array(&ctx->scratch, MEMO_SLOTS, sizeof(*memo));
	if (infos == NULL || memo == NULL)
		return -1;
	memset(memo, 0, MEMO_SLOTS * sizeof(*memo));
	/* A hash map: a hostile model may have thousands of functions. */
	if (pass_local_functions(ctx, &locals) < 0)
		return -1;
	for (i = 0, k = 0; i < ng; i++)
		for (j = 0; j < graphs[i]->nnodes; j++, k++) {
			infos[k].n = graphs[i]->nodes[j];
			classify(ctx, &locals, &infos[k], memo);
		}
	for (i = 0; i < n; i++) {
		const struct ir_node *nd = infos[i].n;

		if (infos[i].cls == NC_CUSTOM &&
		    nrt == 0)
			pass_report_node(ctx, DIAG_C_CUSTOM, nd, "'%s::%s'",
			    diag_esc(b, nd->domain), diag_esc(c, nd->op_type));
		else if (infos[i].cls == NC_PLUGIN)
			pass_report_node(ctx, DIAG_C_TRT_PLUGIN, nd, "'%s'",
			    diag_esc(b, nd->op_type));
	}
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < n; i++)
		count_domain(counts, infos[i].n->domain, infos[i].cls, 1);
	report_domains(ctx, counts);
	if (nrt == 0)
		return 0;
	parent = arena_array(&ctx->scratch, n, sizeof(*parent));
	if (parent == NULL)
		return -1;
	for (k = 0; k < o->ntargets; k++) {
		struct tstate *t = &ts[k];

		if (!opdb_target(o->targets[k].kind, &t->rt) ||
		    t->rt.family == OPDB_FAM_NONE)
			continue;
		t->t = &o->targets[k];
		if ((t->rt.flags & OPDB_TF_OPSET) && t->t->opset > 0)
			snprintf(t->label, sizeof(t->label), "%s@%d",
			    t->rt.name, t->t->opset);
		else
			snprintf(t->label, sizeof(t->label), "%s",
			    onnxfix_target_name(t->t->kind));
		t->nunsupported = 0;
		if ((t->ok = arena_alloc(&ctx->scratch, n)) == NULL ||
		    (t->memo = arena_array(&ctx->scratch, MEMO_SLOTS,
		    sizeof(*t->memo))) == NULL)
			return -1;
		memset(t->memo, 0, MEMO_SLOTS * sizeof(*t->memo));
		check_opset_range(ctx, t, infos, n);
		t->ncast = 0;
		for (i = 0; i < n; i++) {
			enum verdict v = judge(ctx, t, &infos[i]);

			t->ok[i] = v == V_OK || v == V_CAST;
			if (!t->ok[i])
				t->nunsupported++;
			if (v == V_CAST)
				t->ncast++;
		}
		if (summarise(ctx, t, infos, n, parent) < 0)
			return -1;
	}
	return 0;
}

const struct pass pass_target = {
	"target", PASS_ANALYSIS,
	"custom operators; what each --target runtime can run",
	run, NULL,
};
