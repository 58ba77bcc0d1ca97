/* SPDX-License-Identifier: MIT */
/*
 * Transpose permutations and what the layout passes need to know about
 * the operators around them: perm algebra (inverse, composition, the
 * channels-first/last perms of any rank), which operators are layout
 * sensitive and which a Transpose can be pushed through, a forward scan
 * of ranks and static dims, and reading and permuting constant tensors.
 * Shared by passes/layout.c (analysis) and passes/transpose.c (rewrite),
 * so that what the analysis calls removable is what the rewrite removes.
 *
 * Conventions (ONNX Transpose): out.shape[i] = in.shape[perm[i]]; the
 * inverse is inv[perm[i]] = i; "P1 then P2" is p[i] = p1[p2[i]].
 */
#ifndef ONNXFIX_PERM_H
#define ONNXFIX_PERM_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

/* Ranks above this are left alone by the layout passes. */
#define PERM_MAX 12

enum perm_kind {
	PERM_OTHER,
	PERM_IDENTITY,
	PERM_TO_FIRST,		/* channels last -> first: [0,r-1,1,...,r-2] */
	PERM_TO_LAST,		/* channels first -> last: [0,2,...,r-1,1] */
};

/* How a Transpose is pushed through an operator (facts §3.5). */
enum perm_push {
	PUSH_NONE,
	PUSH_UNARY,		/* input 0 and every output, same rank */
	PUSH_BROADCAST,		/* every input (broadcast), every output */
	PUSH_CONCAT,		/* axis attribute, every input */
	PUSH_SPLIT,		/* axis attribute, every output */
	PUSH_SOFTMAX,		/* axis (opset >= 13) or 2-D coercion */
	PUSH_REDUCE,		/* axes, keepdims */
	PUSH_ARG,		/* ArgMax/ArgMin: axis, keepdims */
	PUSH_SQUEEZE,
	PUSH_UNSQUEEZE,
	PUSH_SLICE,
	PUSH_PAD,
	PUSH_TILE,
	PUSH_QDQ,		/* QuantizeLinear/DequantizeLinear */
	PUSH_GATHER,		/* Gather: axis, the indices' dims in place */
};

/* Static shape knowledge: RANK -1 unknown; a dim -1 unknown. */
struct pshape {
	int rank;
	int64_t dim[PERM_MAX];
};

bool perm_valid(const int *p, int r);
bool perm_is_identity(const int *p, int r);
void perm_inverse(const int *p, int r, int *inv);
/* OUT = P1 then P2 (OUT may alias neither). */
void perm_compose(const int *p1, const int *p2, int r, int *out);
enum perm_kind perm_kind(const int *p, int r);
/* The channels-first/last perm of rank R into P. */
void perm_layout(enum perm_kind k, int r, int *p);
/* "0,3,1,2" into BUF. */
const char *perm_str(const int *p, int r, char *buf, size_t size);

/*
 * The perm of Transpose node N into P and its rank into *R.  RANK is the
 * input's rank when known (-1 otherwise), needed for the default
 * (reversed) perm.  False when the perm is unknown or invalid.
 */
bool perm_of_node(const struct ir_node *n, int rank, int *p, int *r);

/* Is N a default-domain operator OP? */
bool perm_op(const struct ir_node *n, const char *op);
/* Is N a live, well-formed Transpose (exactly one input and one
 * output)?  A malformed one (S225/S226) is left alone by the layout
 * passes. */
bool perm_is_transpose(const struct ir_node *n);
/* Layout-sensitive operators (ORT's list): spatial ops, channel axis 1. */
bool perm_layout_sensitive(const struct ir_node *n);
/* How a Transpose is pushed through N, ignoring attributes and inputs. */
enum perm_push perm_push_kind(const struct ir_node *n);

void pshape_of_type(const struct ir_type *t, struct pshape *s);
/*
 * Ranks and static dims of every value of G (indexed by value id), by a
 * forward scan in node order: types where present, constants, and what
 * Transpose and same-shape operators imply.  *OUT holds g->nvalues
 * entries from A.  0, or -1 when out of memory.
 */
int pshape_scan(struct arena *a, struct ir_graph *g, struct pshape **out);

/*
 * The constant tensor V holds: an initializer that is not a graph input
 * (a graph input may be overridden at run time), or the value of a
 * Constant node.  NULL otherwise.
 */
struct ir_tensor *perm_const(const struct ir_value *v);
/* Up to MAX int32/int64 values of T into OUT, count into *N; -1 when
 * T is not a readable integer tensor. */
int perm_const_ints(const struct ir_tensor *t, int64_t *out, size_t max,
    size_t *n);
/* Number of elements of T; -1 when unknown. */
int64_t perm_const_count(const struct ir_tensor *t);
/*
 * Can the data of constant T be read and permuted: raw data of exactly
 * dims x element size bytes (computed overflow-checked), the typed
 * field of its element type with one entry per element, or external
 * data of that size, which is read in now (ir_tensor_view)?  False for
 * external data that cannot be read, strings, sub-byte and complex
 * typed data, any mismatch.
 */
bool perm_const_readable(const struct ir_tensor *t);
/*
 * Can a Transpose be moved past constant operand T: a single element
 * (broadcasts either way), readable data (permuted), or external data
 * (permuted when it can be read in, else it gets a Transpose of its
 * own; not read here)?  Unreadable data in the model stops the move:
 * the Transpose stays.
 */
bool perm_const_movable(const struct ir_tensor *t);
/*
 * Transpose the data of constant T by P (rank T->rank) into a new raw
 * tensor in A (name NAME).  NULL when T's data cannot be read (see
 * perm_const_readable) or out of memory.
 */
struct ir_tensor *perm_const_transpose(struct arena *a,
    const struct ir_tensor *t, const int *p, const char *name);
/* A new raw int64 tensor of N values (rank 1). */
struct ir_tensor *perm_const_ints_new(struct arena *a, const char *name,
    const int64_t *v, size_t n, int32_t elem);

#endif
