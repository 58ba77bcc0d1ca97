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
 * The kernels of passes/fold_ops.c: does it fold OP, and N's result on
 * the constants IN into Y (1; 0 not foldable; -1 out of budget).
 */
bool fold_ops_has(const char *op);
int fold_ops_eval(const struct ir_node *n, const struct cval *in,
    size_t nin, struct cval *y, struct arena *ar, int64_t opset);

#endif
