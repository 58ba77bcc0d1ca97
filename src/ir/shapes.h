/* SPDX-License-Identifier: MIT */
/*
 * Shape and type inference over the IR.
 *
 * shapes_infer() fills struct ir_value.type for every value it can
 * derive, in every graph of the model (main graph, If/Loop/Scan
 * subgraphs, which see the types of their enclosing scopes, and local
 * function bodies), walking each graph in topological order without
 * recursion.  Declared types (graph inputs and outputs, value_info,
 * initializers) are the starting point: inference refines them,
 * filling unknown element types and dims and replacing dim_params it
 * proves concrete.  Where a declaration of a node output contradicts the
 * derivation, ir_value.type holds the derivation (it follows from the
 * inputs) and the analysis pass "shapes" reports the contradiction.
 *
 * A dim is a dim_value, a dim_param (symbolic: equal names are equal
 * sizes) or unknown.  Small int64/int32 tensors are propagated as
 * constants (Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains of
 * exporters), with symbolic elements, so Reshape targets resolve.  An
 * operator inference does not know leaves its outputs as declared: it
 * never guesses.
 *
 * Running it again is cheap (linear in the model) and gives the same
 * result: a value whose type inference refined keeps the type it started
 * from in ir_value.type_decl (type_inferred set), and every run starts
 * from that.  Inferred types are allocated from the model arena; they
 * are not written back (save.c writes the declarations only).
 *
 * The pipeline runs shapes_infer() once before the analysis passes, once
 * before the rewrite passes and again after every rewrite pass that
 * changed the model.  A rewrite pass that creates values and needs their
 * types before it returns must set them itself (leaving type_inferred
 * false) or call shapes_infer() after its change; a pass that changes
 * the type of a value with type_inferred set clears type_inferred.
 */
#ifndef ONNXFIX_SHAPES_H
#define ONNXFIX_SHAPES_H

#include "ir/ir.h"

/* What shapes_infer_report() found. */
enum shapes_issue {
	SHAPES_DECL_ELEM,	/* declared element type differs (from
				 * inference or an initializer's own) */
	SHAPES_DECL_RANK,	/* declared rank differs */
	SHAPES_DECL_DIM,	/* a declared dim_value differs */
	SHAPES_BROADCAST,	/* operands are not broadcastable */
	SHAPES_RESHAPE,		/* Reshape element count differs */
	SHAPES_CONCAT,		/* Concat non-axis dims differ */
	SHAPES_MATMUL,		/* MatMul/Gemm inner dims differ */
	SHAPES_PERM,		/* Transpose perm not a permutation */
	SHAPES_CONSTRAINT,	/* an axis, a count or a rank an operator
				 * requires does not fit its inputs */
	SHAPES_BRANCHES,	/* If branches give an output two types */
};

/*
 * Called once per finding: N is the node concerned (for declarations,
 * the producer of the value; NULL for an initializer, then G is where it
 * is defined), DETAIL an escaped description.
 */
typedef void shapes_report_fn(void *arg, enum shapes_issue what,
    const struct ir_graph *g, const struct ir_node *n, const char *detail);

/* Infer types for all of M.  0, or -1 when out of budget. */
int shapes_infer(struct ir_model *m);
/* The same, calling FN (when not NULL) for every finding. */
int shapes_infer_report(struct ir_model *m, shapes_report_fn *fn, void *arg);
/* The same as onnx's checker infers, without data propagation: only the
 * values of initializers and Constant nodes are known (a Reshape target
 * computed from a Shape is not).  The types it leaves are coarser. */
int shapes_infer_plain(struct ir_model *m, shapes_report_fn *fn, void *arg);

/*
 * Every call of a local function, at any depth, with the types of that
 * call: the body is inferred again from the call's input types and FN
 * gets each body node once inferred (its values hold that call's
 * types until the next call enters the body), with CALL, the call in
 * the main graph or a subgraph the instantiation belongs to, and
 * SKIPPED false; after BUDGET body nodes in all, or 32 MiB of memory
 * for the instances' types, further calls are not entered and FN gets
 * each of them with SKIPPED true.  A function that
 * is on the way to a call of itself is not entered again.  Afterwards
 * the model's types are those of a plain shapes_infer.  0, or -1 out of
 * budget.
 */
typedef void shapes_call_fn(void *arg, const struct ir_node *n,
    const struct ir_node *call, bool skipped);
int shapes_walk_calls(struct ir_model *m, shapes_call_fn *fn, void *arg,
    size_t budget);

/*
 * Called once per value V that holds a propagated constant (a small
 * integer tensor of rank 0 or 1: its N elements E, each a dim_value, a
 * dim_param or unknown), with memory that lasts only for the call.
 */
typedef void shapes_const_fn(void *arg, const struct ir_value *v,
    const struct ir_dim *e, size_t n);

/* Infer types for all of M and then call FN for every constant
 * inference propagated (Reshape targets, Expand shapes, ...).  0, or -1
 * when out of budget. */
int shapes_infer_consts(struct ir_model *m, shapes_const_fn *fn, void *arg);

/*
 * Write TYPE as text ("float[N,3,?]", "?" for unknown) into BUF of SIZE
 * bytes, names escaped; returns BUF.
 */
char *shapes_type_str(const struct ir_type *type, char *buf, size_t size);

#endif
