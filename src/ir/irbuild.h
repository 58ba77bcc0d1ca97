/* SPDX-License-Identifier: MIT */
/*
 * Building blocks for rewrite passes: new values, nodes with attributes,
 * initializers and scalar constants, and moving new nodes to where the
 * node they replace stood.  Everything comes from the model's arena; every
 * function returns NULL or -1 when the budget is exhausted.
 */
#ifndef ONNXFIX_IRBUILD_H
#define ONNXFIX_IRBUILD_H

#include "ir/ir.h"

/* A new value in G whose name is BASE made unique in G's scopes. */
struct ir_value *irbuild_value(struct ir_graph *g, const char *base);

/*
 * Append to G a node OP of DOMAIN ("" for ONNX) with the NIN inputs IN
 * (NULL entries are absent optionals) and NOUT fresh outputs named from
 * BASE.  The node goes at the end of G->nodes: see irbuild_place().
 */
struct ir_node *irbuild_node(struct ir_graph *g, const char *op,
    const char *domain, struct ir_value *const *in, size_t nin,
    size_t nout, const char *base);

/* Add an attribute to N (built nodes have none to start with). */
int irbuild_attr_f(struct ir_node *n, const char *name, float f);
int irbuild_attr_i(struct ir_node *n, const char *name, int64_t i);
int irbuild_attr_s(struct ir_node *n, const char *name, const char *s);
int irbuild_attr_ints(struct ir_node *n, const char *name,
    const int64_t *v, size_t count);
int irbuild_attr_floats(struct ir_node *n, const char *name,
    const float *v, size_t count);
/* Copy attribute A (as loaded or built) to N, optionally renamed. */
int irbuild_attr_copy(struct ir_node *n, const struct ir_attr *a,
    const char *name);

/*
 * A new initializer of G named from BASE holding SIZE bytes of raw
 * (little-endian) DATA, copied, of element type ELEM and dims DIMS
 * (RANK entries).  Returns its value.
 */
struct ir_value *irbuild_init(struct ir_graph *g, const char *base,
    int32_t elem, int rank, const int64_t *dims, const void *data,
    size_t size);

/*
 * A constant initializer holding V as ELEM (float, double, float16,
 * bfloat16, int8..int64, uint8..uint64, bool): a scalar when RANK is 0,
 * else a one-element tensor of that rank.  NULL for other types.
 */
struct ir_value *irbuild_scalar(struct ir_graph *g, const char *base,
    int32_t elem, double v, int rank);
/* A scalar initializer of the integer type ELEM holding V exactly, cut
 * to ELEM's width (the caller checks that V fits); NULL for other
 * types.  irbuild_scalar's double holds integers exactly only to 2^53. */
struct ir_value *irbuild_scalar_int(struct ir_graph *g, const char *base,
    int32_t elem, int64_t v);
/* A 1-D int64 initializer holding V (COUNT entries). */
struct ir_value *irbuild_ints(struct ir_graph *g, const char *base,
    const int64_t *v, size_t count);

/* Encode V as ELEM into OUT (8 bytes at most); -1 when ELEM is none of
 * the types irbuild_scalar() takes, or an integer type and V is outside
 * int64's range or NaN. */
int irbuild_encode(int32_t elem, double v, unsigned char *out);
/* IEEE binary16 bits of F, rounded to nearest even (overflow to
 * infinity, NaN kept quiet). */
uint16_t irbuild_half(float f);

/*
 * Move the nodes G->nodes[FIRST..] (built since FIRST) to just before
 * ANCHOR, keeping their order, so that a graph that was sorted stays
 * sorted; renumbers indexes.
 */
void irbuild_place(struct ir_graph *g, size_t first,
    const struct ir_node *anchor);

/* Is V a constant: an initializer that is not a graph input? */
bool irbuild_is_const(const struct ir_value *v);

#endif
