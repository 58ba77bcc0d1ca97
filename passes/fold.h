/* SPDX-License-Identifier: MIT */
/*
 * What the fold pass (passes/fold.c) shares with its operator kernels
 * (passes/fold_ops.c): constants being computed with, and the helpers
 * that read, size and round them (passes/fold_val.c, which identity
 * uses too).
 */
#ifndef ONNXFIX_FOLD_H
#define ONNXFIX_FOLD_H

#include "pass.h"

#define MAX_BYTES (1u << 20)
#define MAX_RANK 8

/* A constant being computed with: doubles for float types, int64 for
 * integer and bool types. */
struct cval {
	int32_t elem;
	int rank;
	int64_t dims[MAX_RANK];
	size_t n;
	bool isint;
	bool big;	/* not computed: larger than MAX_BYTES */
	double *f;
	int64_t *i;
};

bool fold_elem_float(int32_t e);
bool fold_elem_int(int32_t e);
/* The element count of DIMS into *N: false when a dim is negative or
 * the product overflows. */
bool fold_dims_count(const int64_t *dims, int rank, size_t *n);
/* Room for C's C->n elements: 1, 0 when larger than MAX_BYTES (C->big
 * set), -1 out of budget. */
int fold_alloc(struct arena *a, struct cval *c);
/* Read T into C; 1 done, 0 not foldable, -1 out of budget. */
int fold_read(struct arena *a, const struct ir_tensor *t, struct cval *c);
/* The constant tensor behind V: an initializer that is not a graph
 * input, or a Constant node's value; NULL when V is not constant. */
const struct ir_tensor *fold_const(const struct ir_value *v);
/* Row-major strides of X's dims; false on overflow. */
bool fold_strides(const struct cval *x, int64_t *st);
/* V rounded to the precision of ELEM. */
double fold_round_to(int32_t elem, double v);

/*
 * The arithmetic a fold may still spend, in multiply-adds (and elements
 * for the elementwise kernels of passes/fold_num.c): a kernel takes its
 * share before computing, or declines and sets OVER, and the node stays
 * with a warning.  Bounds the time a model of constant Convs or MatMuls
 * can cost.
 */
struct fold_work {
	uint64_t left;
	bool over;
};

/* Multiply-adds one node may take, and all of one fix (every round). */
#define FOLD_NODE_WORK ((uint64_t)1 << 24)
#define FOLD_RUN_WORK ((uint64_t)1 << 26)

/*
 * The axes a Reduce node N reduces (from its axes attribute, or from
 * input 1 when AXES_INPUT), marked in RED (MAX_RANK entries): 1, 2 when
 * noop_with_empty_axes makes it the identity, 0 when they are wrong.
 */
int fold_reduce_axes(const struct ir_node *n, const struct cval *in,
    size_t nin, bool axes_input, bool *red);

/*
 * The kernels of passes/fold_ops.c: does it fold OP, and N's result on
 * the constants IN into Y (1; 0 not foldable; -1 out of budget).
 */
bool fold_ops_has(const char *op);
int fold_ops_eval(const struct ir_node *n, const struct cval *in,
    size_t nin, struct cval *y, struct arena *ar, int64_t opset);

/*
 * The kernels of passes/fold_num.c, for float arithmetic whose exact
 * result a float kernel only approaches (sums of products, reductions,
 * transcendental functions): the same contract.
 */
bool fold_num_has(const char *op);
int fold_num_eval(const struct ir_node *n, const struct cval *in,
    size_t nin, struct cval *y, struct arena *ar, int64_t opset,
    struct fold_work *w);

#endif
