/* SPDX-License-Identifier: MIT */
/*
 * shapes: what shape and type inference (src/ir/shapes.c) proves wrong.
 *
 * Exporters leave stale value_info behind after graph surgery, and tools
 * that trust it (runtimes merging shapes, converters, other passes) then
 * disagree about a tensor.  This pass compares every declaration of a
 * node output (graph outputs, value_info) with what inference derives
 * from the node's inputs: a different element type, a different rank or
 * a dim_value against another dim_value is a finding (a dim_param against
 * a concrete value is not: the declaration is only less precise); so is
 * value_info naming an initializer with other dims than its own, and an
 * initializer of another element type or shape than the graph input it
 * gives a default (S260, S268: onnx's checker and ONNX Runtime refuse
 * both).  It also reports shape errors inference proves: operands that
 * cannot broadcast, a Reshape target with the wrong element count, Concat
 * inputs that differ outside the axis, matrix products whose inner dims
 * differ, a Transpose perm that is not a permutation.  Unknown dims
 * never produce a finding.
 *
 *	value_info y: float[1,8]      (stale)
 *	y = Relu(x: float[1,4])  ->  S262 declared [1,8], inferred [1,4]
 *
 * A negative dim_value in a declared shape (graph input, output,
 * value_info) is what some exporters write for a dynamic dim.  ONNX
 * Runtime reads it as unknown, and so does inference here; onnx's
 * checker reads it as a size, propagates it and refuses the model where
 * it meets another size.  Each such declaration is a warning (S269;
 * `fix` clears the dim, see dce.c), and where the literal reading
 * contradicts inference it is an error (S271): inference runs a second
 * time on a copy of the model loaded from the same bytes, every negative
 * dim_value replaced by a size no real dim has and, as in onnx's checker,
 * no value propagated beyond initializers and Constants, and each
 * contradiction of a declared dim, broadcast, Concat, matrix product or
 * operator constraint it finds that the first run did not is reported
 * with the negative value put back.
 *
 * Requires nothing; changes nothing (inference only refines
 * ir_value.type, which the writer ignores).
 */
#include <stdio.h>
#include <string.h>

#include "pass.h"
#include "base/hmap.h"
#include "ir/shapes.h"

static const enum diag_id ids[] = {
	[SHAPES_DECL_ELEM] = DIAG_S_DECL_ELEM,
	[SHAPES_DECL_RANK] = DIAG_S_DECL_RANK,
	[SHAPES_DECL_DIM] = DIAG_S_DECL_DIM,
	[SHAPES_BROADCAST] = DIAG_S_BROADCAST,
	[SHAPES_RESHAPE] = DIAG_S_RESHAPE_COUNT,
	[SHAPES_CONCAT] = DIAG_S_CONCAT_DIM,
	[SHAPES_MATMUL] = DIAG_S_MATMUL_DIM,
	[SHAPES_PERM] = DIAG_S_PERM,
	[SHAPES_CONSTRAINT] = DIAG_S_CONSTRAINT,
	[SHAPES_BRANCHES] = DIAG_S_SUBGRAPH_ARITY,
};

/*
 * The negative dims of a model: the sizes that stand for them in the
 * literal reading (the first NEG_MAX distinct values get their own; the
 * rest share the last), and what the first inference run reported.
 */
#define NEG_MAX		64
#define NEG_BASE	INT64_C(999983000)

struct neg {
	struct pass_ctx *ctx;
	int64_t v[NEG_MAX];
	size_t n;
	struct hmap seen;	/* "issue/path" of the first run's findings */
	bool failed;		/* out of budget */
	/* the literal run: the copy's graphs and the original's, in the
	 * same order, and each copy graph's index */
	struct ir_graph **cg, **og;
	size_t ncg, nog;
	struct hmap gidx;
};

static void
remember(struct neg *ng, enum shapes_issue what, const char *path)
{
	char key[IR_PATH_SIZE + 16];
	char *k;

	snprintf(key, sizeof(key), "%d/%s", (int)what, path);
	if (hmap_get(&ng->seen, key) != NULL)
		return;
	if ((k = arena_strdup(&ng->ctx->scratch, key)) == NULL ||
	    hmap_put(&ng->seen, k, k, NULL) < 0)
		ng->failed = true;
}

static bool
seen_before(const struct neg *ng, enum shapes_issue what, const char *path)
{
	char key[IR_PATH_SIZE + 16];

	snprintf(key, sizeof(key), "%d/%s", (int)what, path);
	return hmap_get(&ng->seen, key) != NULL;
}

struct found_arg {
	struct pass_ctx *ctx;
	struct neg *ng;		/* NULL: the model has no negative dim */
};

static void
found(void *arg, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *detail)
{
	struct found_arg *fa = arg;
	struct pass_ctx *ctx = fa->ctx;
	char path[IR_PATH_SIZE];

	if (n != NULL)
		ir_node_path(n, path, sizeof(path));
	else
		ir_graph_path(g, path, sizeof(path));
	if (fa->ng != NULL)
		remember(fa->ng, what, path);
	if (n != NULL)
		pass_report_node(ctx, ids[what], n, "%s", detail);
	else
		diag_report(ctx->d, ids[what], path, "%s", detail);
}

/* T's element type and dims as a type (dims from scratch memory). */
static int
tensor_type(struct pass_ctx *ctx, const struct ir_tensor *t,
    struct ir_type *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->kind = IR_TYPE_TENSOR;
	out->elem = t->elem;
	out->rank = t->rank;
	if (t->rank > 0 && (out->dims = arena_array(&ctx->scratch,
	    (size_t)t->rank, sizeof(*out->dims))) == NULL)
		return -1;
	for (i = 0; i < t->rank; i++) {
		out->dims[i].kind = IR_DIM_VALUE;
		out->dims[i].value = t->dims[i];
	}
	return 0;
}

/*
 * An initializer that is also a graph input (the input's default value)
 * against the input's declared type: onnx's checker merges the two types
 * and ONNX Runtime compares them when it loads the initializer, and both
 * refuse another element type (S260), another rank or another concrete
 * dim (S268).  A negative dim_value is an exporter's "unknown" and ONNX
 * Runtime reads it so; 0 is a size.  Initializers without a known type
 * are S240's.
 */
static int
check_init_inputs(struct pass_ctx *ctx, const struct ir_graph *g)
{
	char path[IR_PATH_SIZE], where[IR_PATH_SIZE + 64];
	char e[DIAG_ESCAPE_SIZE], a[256], b[256];
	size_t i, k;

	for (i = 0; i < g->ninputs; i++) {
		const struct ir_vinfo *vi = &g->inputs[i];
		const struct ir_type *d = &vi->type;
		const struct ir_value *v = vi->value;
		const struct ir_tensor *t;
		struct ir_type it;
		enum diag_id id;
		int j;

		if (v == NULL || v->graph != g || (t = v->init) == NULL ||
		    d->kind != IR_TYPE_TENSOR || t->elem <= 0 ||
		    t->elem > IR_ELEM__MAX)
			continue;
		if (d->elem != 0 && d->elem != t->elem) {
			id = DIAG_S_DECL_ELEM;
		} else if (d->rank < 0) {
			continue;
		} else if (d->rank != t->rank) {
			id = DIAG_S_INIT_INPUT_SHAPE;
		} else {
			for (j = 0; j < d->rank; j++)
				if (d->dims[j].kind == IR_DIM_VALUE &&
				    d->dims[j].value >= 0 &&
				    d->dims[j].value != t->dims[j])
					break;
			if (j == d->rank)
				continue;
			id = DIAG_S_INIT_INPUT_SHAPE;
		}
		if (tensor_type(ctx, t, &it) < 0)
			return -1;
		/* located as structure's findings on initializers are
		 * (only a mismatch looks the position up) */
		for (k = 0; k < g->ninits && g->inits[k] != t; k++)
			continue;
		ir_graph_path(g, path, sizeof(path));
		snprintf(where, sizeof(where), "%s/initializer %zu", path, k);
		k = ctx->d->n;
		diag_report(ctx->d, id, where,
		    "graph input '%s' is %s, its initializer %s",
		    diag_escape_str(e, sizeof(e), vi->name),
		    shapes_type_str(d, a, sizeof(a)),
		    shapes_type_str(&it, b, sizeof(b)));
		diag_name_value(ctx->d, k, vi->name);
	}
	return 0;
}

/* The size that stands for negative V in the literal reading. */
static int64_t
stand_in(struct neg *ng, int64_t v)
{
	size_t i;

	for (i = 0; i < ng->n; i++)
		if (ng->v[i] == v)
			return NEG_BASE + (int64_t)i;
	if (ng->n < NEG_MAX) {
		ng->v[ng->n] = v;
		return NEG_BASE + (int64_t)ng->n++;
	}
	return NEG_BASE + NEG_MAX - 1;
}

/* S269 for each declaration of G with a negative dim_value; true when
 * there was one. */
static bool
report_negative(struct pass_ctx *ctx, const struct ir_graph *g)
{
	static const char *const kinds[] = { "input", "output",
	    "value_info" };
	const struct ir_vinfo *lists[3] = { g->inputs, g->outputs,
	    g->value_info };
	size_t counts[3] = { g->ninputs, g->noutputs, g->nvalue_info };
	char path[IR_PATH_SIZE], e[DIAG_ESCAPE_SIZE], t[256];
	bool any = false;
	size_t k, i;

	ir_graph_path(g, path, sizeof(path));
	for (k = 0; k < 3; k++)
		for (i = 0; i < counts[k]; i++) {
			const struct ir_vinfo *vi = &lists[k][i];
			size_t from = ctx->d->n;

			if (!ir_type_has_negative(&vi->type))
				continue;
			any = true;
			diag_report(ctx->d, DIAG_S_NEG_DIM, path,
			    "%s '%s' is %s: ONNX Runtime reads a negative "
			    "dim as unknown, onnx's checker as a size "
			    "(fix clears it)", kinds[k],
			    diag_escape_str(e, sizeof(e), vi->name),
			    shapes_type_str(&vi->type, t, sizeof(t)));
			diag_name_value(ctx->d, from, vi->name);
		}
	return any;
}

/* T's negative dim_values replaced by their stand-ins, in place. */
static void
literal(struct neg *ng, struct ir_type *t)
{
	int i;

	if (!ir_type_has_negative(t))
		return;
	for (i = 0; i < t->rank; i++)
		if (t->dims[i].kind == IR_DIM_VALUE && t->dims[i].value < 0)
			t->dims[i].value = stand_in(ng, t->dims[i].value);
}

/* DETAIL with every stand-in written as the negative value it stands
 * for, into OUT. */
static void
restore(const struct neg *ng, const char *detail, char *out, size_t size)
{
	const char *p = detail;
	size_t o = 0;

	while (*p != '\0' && o + 1 < size) {
		if (*p >= '0' && *p <= '9' && (p == detail ||
		    !(p[-1] >= '0' && p[-1] <= '9'))) {
			const char *q = p;
			int64_t x = 0;
			int len;

			while (*q >= '0' && *q <= '9' && q - p < 18)
				x = x * 10 + (*q++ - '0');
			if (!(*q >= '0' && *q <= '9') && x >= NEG_BASE &&
			    x < NEG_BASE + (int64_t)ng->n) {
				len = snprintf(out + o, size - o, "%lld",
				    (long long)ng->v[x - NEG_BASE]);
				if (len < 0 || (size_t)len >= size - o)
					break;
				o += (size_t)len;
				p = q;
				continue;
			}
			while (p < q && o + 1 < size)
				out[o++] = *p++;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}

/* A finding of the literal run: reported against the original model
 * unless the first run found the same at the same place. */
static void
found_literal(void *arg, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *detail)
{
	struct neg *ng = arg;
	struct pass_ctx *ctx = ng->ctx;
	char path[IR_PATH_SIZE], d[DIAG_ESCAPE_SIZE], key[32];
	const struct ir_node *on = NULL;
	void *gi;

	if (what != SHAPES_DECL_DIM && what != SHAPES_BROADCAST &&
	    what != SHAPES_CONCAT && what != SHAPES_MATMUL &&
	    what != SHAPES_CONSTRAINT)
		return;
	if (n != NULL)
		ir_node_path(n, path, sizeof(path));
	else
		ir_graph_path(g, path, sizeof(path));
	if (seen_before(ng, what, path))
		return;
	remember(ng, what, path);
	restore(ng, detail, d, sizeof(d));
	/* the node of the original model at the same place, when the two
	 * models are alike there */
	if (n != NULL)
		snprintf(key, sizeof(key), "%p", (const void *)n->graph);
	if (n != NULL && (gi = hmap_get(&ng->gidx, key)) != NULL &&
	    (size_t)gi - 1 < ng->nog) {
		const struct ir_graph *og = ng->og[(size_t)gi - 1];

		if (n->index < og->nnodes &&
		    strcmp(og->nodes[n->index]->op_type, n->op_type) == 0)
			on = og->nodes[n->index];
	}
	if (on != NULL)
		pass_report_node(ctx, DIAG_S_NEG_DIM_LITERAL, on,
		    "as onnx's checker reads it: %s", d);
	else
		diag_report(ctx->d, DIAG_S_NEG_DIM_LITERAL, path,
		    "as onnx's checker reads it: %s", d);
}

/*
 * The literal reading: a copy of the model from the same bytes, its
 * negative dims replaced by stand-ins, inferred again.  Nothing is
 * reported when the copy cannot be made (no input bytes, out of budget).
 */
static int
run_literal(struct neg *ng)
{
	struct pass_ctx *ctx = ng->ctx;
	struct ir_model *c = NULL;
	struct diag_list d;
	size_t i, j;
	int rc = 0;

	diag_list_init(&d);
	if ((c = pass_load_copy(ctx, ctx->o, &d)) == NULL)
		goto out;
	ng->nog = ir_model_graphs(ctx->m, &ng->og);
	ng->ncg = ir_model_graphs(c, &ng->cg);
	hmap_init(&ng->gidx, &ctx->scratch);
	if (ng->ncg != ng->nog)
		ng->nog = 0;
	for (i = 0; i < ng->ncg; i++) {
		struct ir_graph *g = ng->cg[i];
		char key[32], *k;

		snprintf(key, sizeof(key), "%p", (void *)g);
		if ((k = arena_strdup(&ctx->scratch, key)) == NULL ||
		    hmap_put(&ng->gidx, k, (void *)(i + 1), NULL) < 0) {
			rc = -1;
			goto out;
		}
		for (j = 0; j < g->ninputs; j++)
			literal(ng, &g->inputs[j].type);
		for (j = 0; j < g->noutputs; j++)
			literal(ng, &g->outputs[j].type);
		for (j = 0; j < g->nvalue_info; j++)
			literal(ng, &g->value_info[j].type);
		for (j = 0; j < g->nvalues; j++)
			literal(ng, &g->values[j]->type);
	}
	if (shapes_infer_plain(c, found_literal, ng) < 0)
		rc = 0;		/* the copy is over the budget: no verdict */
out:
	onnxfix_model_free(c);
	diag_list_release(&d);
	return rc;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct found_arg fa = { ctx, NULL };
	struct neg *ng = NULL;
	bool neg = false;
	size_t i, n;

	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++) {
		if (check_init_inputs(ctx, graphs[i]) < 0)
			return -1;
		if (graphs[i]->kind != IR_GRAPH_TRAINING &&
		    report_negative(ctx, graphs[i]))
			neg = true;
	}
	if (neg) {
		if ((ng = arena_alloc(&ctx->scratch, sizeof(*ng))) == NULL)
			return -1;
		memset(ng, 0, sizeof(*ng));
		ng->ctx = ctx;
		hmap_init(&ng->seen, &ctx->scratch);
		fa.ng = ng;
	}
	if (!ctx->shapes_recorded) {
		if (shapes_infer_report(ctx->m, found, &fa) < 0)
			return -1;
	} else {
		for (i = 0; i < ctx->nshapes_found; i++) {
			const struct pass_shapes_finding *f =
			    &ctx->shapes_found[i];

			found(&fa, (enum shapes_issue)f->what, f->g, f->n,
			    f->detail);
		}
	}
	if (ng == NULL)
		return 0;
	if (ng->failed || run_literal(ng) < 0)
		return -1;
	return ng->failed ? -1 : 0;
}

const struct pass pass_shapes = {
	"shapes", PASS_ANALYSIS,
	"contradictions between declared and inferred types, shape errors",
	run, NULL,
};
