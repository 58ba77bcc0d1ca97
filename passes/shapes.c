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
 * value_info naming an initializer with other dims than its own.  It
 * also reports shape errors inference proves: operands that cannot
 * broadcast, a Reshape target with the wrong element count, Concat
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

static int
run(struct pass_ctx *ctx)
{
	size_t i;

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
