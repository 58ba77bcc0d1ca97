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
 * Requires nothing; changes nothing (inference only refines
 * ir_value.type, which the writer ignores).
 */
#include <stdio.h>
#include <string.h>

#include "pass.h"
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
};

static void
found(void *arg, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *detail)
{
	struct pass_ctx *ctx = arg;
	char path[IR_PATH_SIZE];

	if (n != NULL)
		pass_report_node(ctx, ids[what], n, "%s", detail);
	else
		diag_report(ctx->d, ids[what], ir_graph_path(g, path,
		    sizeof(path)), "%s", detail);
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

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t i, n;

	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++)
		if (check_init_inputs(ctx, graphs[i]) < 0)
			return -1;
	if (!ctx->shapes_recorded)
		return shapes_infer_report(ctx->m, found, ctx);
	for (i = 0; i < ctx->nshapes_found; i++) {
		const struct pass_shapes_finding *f = &ctx->shapes_found[i];

		found(ctx, (enum shapes_issue)f->what, f->g, f->n, f->detail);
	}
	return 0;
}

const struct pass pass_shapes = {
	"shapes", PASS_ANALYSIS,
	"contradictions between declared and inferred types, shape errors",
	run,
};
