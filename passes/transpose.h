/* SPDX-License-Identifier: MIT */
/*
 * What the transpose pass (passes/transpose.c) shares with its plans
 * (passes/transpose_plan.c): how a Transpose pushed through a node
 * changes the node's slots, attributes and outputs.  Not an interface.
 */
#ifndef ONNXFIX_TRANSPOSE_H
#define ONNXFIX_TRANSPOSE_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"
#include "ir/perm.h"

enum slot_action {
	SLOT_KEEP,		/* untouched (scalar, or not transposable) */
	SLOT_FROM_T,		/* fed by a Transpose with the perm: bypass */
	SLOT_CONST,		/* constant: permute (unsqueezed first) */
	SLOT_NEW_T,		/* insert Unsqueeze? + inverse Transpose */
};

#define MAX_IO 64

struct plan {
	int p[PERM_MAX], inv[PERM_MAX], r;
	enum slot_action act[MAX_IO];
	int srank[MAX_IO];
	/* Output perms (identity: no Transpose needed), and out ranks. */
	int q[MAX_IO][PERM_MAX];
	int qr[MAX_IO];
	/* Attribute or input edits decided by the kind. */
	const char *attr;	/* attribute to set, or NULL */
	int64_t vals[2 * PERM_MAX];
	size_t nvals;
	bool list;
	int input_slot;		/* input to replace by a new constant, -1 */
	int32_t input_elem;
};

/*
 * What pushing Transpose(PL->p, rank PL->r) (producing the value in slot
 * 0 of C, or in any broadcast slot) through C needs, into PL; S1 is the
 * shape of C's input 1 (unknown: rank -1).  False when it cannot be
 * pushed.
 */
bool tp_plan(const struct ir_node *c, struct plan *pl,
    const struct pshape *s1);

#endif
