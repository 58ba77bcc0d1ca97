/* SPDX-License-Identifier: MIT */
/*
 * Parameters and compute of a model (onnxfix info --profile).
 *
 * Parameters: the elements of every initializer (all graphs) and of every
 * tensor a Constant node holds, each tensor counted once however many
 * nodes use it; an external tensor is counted once per (file, offset,
 * length), so two names for the same bytes are one weight.  Sizes come
 * from dims and element types: no payload is read.
 *
 * Compute: multiply-accumulates of the operators whose cost dominates a
 * network, from the shapes inference derives (ir/shapes.h):
 *	Conv		N x Cout x out-spatial x Cin/group x kernel
 *	ConvTranspose	N x Cin x in-spatial x Cout/group x kernel
 *	Gemm		M x N x K
 *	MatMul		output elements x K (batch dims broadcast)
 *	Attention	B x Hq x Sq x Skv x (Dqk + Dv)  (the two products)
 *	RNN/GRU/LSTM	seq x batch x dirs x gates x hidden x (input + hidden)
 * Bias additions and everything else (activations, normalisation,
 * pooling, elementwise) are not counted: this is the convention of the
 * published torchvision totals (Conv and Linear products only).
 *
 * A count is a polynomial in the model's symbolic dims ("1.8G x batch");
 * a dim with neither value nor name is the symbol "?".  A node whose
 * shapes are not known well enough to count is counted in uncounted.
 */
#ifndef ONNXFIX_PROFILE_H
#define ONNXFIX_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"

#define PROFILE_MAXSYM 6

/* COEF x the product of SYM (sorted, repeats allowed: seq x seq). */
struct profile_term {
	uint64_t coef;
	int nsym;
	const char *sym[PROFILE_MAXSYM];
};

/* A sum of terms; overflow: a coefficient passed 2^64 - 1 or a term
 * had more than PROFILE_MAXSYM symbols (then the sum is a lower bound). */
struct profile_poly {
	struct profile_term *t;
	size_t n, cap;
	bool overflow;
};

/* One operator type (domain, key = op_type) or name scope (key). */
struct profile_row {
	const char *key;
	const char *domain;
	size_t nodes;
	struct profile_poly macs;
};

struct profile_elem {
	int32_t elem;
	uint64_t params, bytes;
	size_t tensors;
};

struct profile {
	uint64_t params, bytes;
	size_t tensors;
	struct profile_elem *elems;	/* by element type, most bytes first */
	size_t nelems;
	struct profile_poly macs;	/* the whole model */
	struct profile_row *ops;	/* counted operator types, most first */
	size_t nops;
	struct profile_row *scopes;	/* first-level name scopes */
	size_t nscopes;
	size_t uncounted;		/* nodes of those operators whose
					 * shapes were not known */
	const char *uncounted_first;	/* the first one's name or type */
};

/*
 * Profile M (shape inference is run first) into *P, all memory from M's
 * arena.  0, or -1 when out of budget.
 */
int profile_model(struct ir_model *m, struct profile *p);

/* POLY as text ("4089184256", "1836941312 x batch + 12 x seq x seq",
 * "0") into BUF; with SHORT, coefficients in K/M/G/T ("1.84G x batch").
 * Returns BUF. */
char *profile_poly_str(const struct profile_poly *poly, bool short_,
    char *buf, size_t size);

/* The JSON form: {"parameters", "parameter_bytes", "tensors",
 * "by_elem_type", "macs", "uncounted_nodes", "by_operator", "by_scope"};
 * NULL when out of memory. */
struct json_t *profile_json(const struct profile *p);

/* The text report (after info's summary). */
void profile_print(FILE *fp, const struct profile *p);

#endif
