/* SPDX-License-Identifier: MIT */
/*
 * What the files of shapes_infer() share, private to src/ir/: the limits,
 * the state of one run (struct sh), the propagated constants (struct
 * sconst) and the pointer map that holds them, the operator table's entry,
 * small helpers on dims and node inputs, and the functions one file calls
 * in another.  The files, lowest first (none calls into a file listed
 * after it):
 *
 *	shapes_const.c		the pointer map; constants: small integer
 *				tensors read from initializers and propagated
 *				from node to node, float vectors
 *	shapes_core.c		types, attributes, axes, findings,
 *				broadcasting, subgraphs
 *	shapes_elementwise.c	rules: unary, binary, broadcasting, compare,
 *				logical, Where, Cast, quantize
 *	shapes_tensor.c		rules: Transpose, Reshape, Flatten, Squeeze,
 *				Unsqueeze, Concat, Split, Slice, Expand,
 *				Tile, Pad
 *	shapes_data.c		rules: the sources of shape constants (Shape,
 *				Size, Constant, ConstantOfShape, Range),
 *				Gather*, OneHot, Compress, NonZero, Random*
 *	shapes_nn.c		rules: Conv, ConvTranspose, pools,
 *				normalisations, Resize, Upsample,
 *				DepthToSpace, RNN, GridSample, RoiAlign, NMS
 *	shapes_reduce.c		rules: Reduce*, ArgMax, TopK, MatMul, Gemm,
 *				Einsum, Det
 *	shapes_control.c	rules: If, Loop, Scan
 *	shapes_table.c		the operator table: op_type -> rule
 *	shapes.c		the walk over the graphs, merging derivations
 *				into values, declarations checked; the API
 *
 * A rule reads its node's input types (and constants) and writes the
 * output types; the engine merges them into the values.  The engine
 * reaches the rules through the table alone.
 */
#ifndef ONNXFIX_SHAPES_INT_H
#define ONNXFIX_SHAPES_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ir/shapes.h"

#define SH_MAX_CONST 1024	/* elements of a propagated constant */
#define SH_MAX_RANK 64		/* ranks above this are left unknown */
/* Sizes and attributes beyond this are left alone: no overflow. */
#define SH_BIG ((int64_t)1 << 30)

/* A small integer tensor known at inference time; elements may be
 * symbolic (a dim_param) or unknown. */
struct sconst {
	int rank;		/* 0 or 1 */
	size_t n;
	struct ir_dim *e;
};

struct pmap_slot {
	const void *key;
	void *val;
};

/*
 * Pointer-keyed map (value -> constant, node -> body, ...), open
 * addressing.  Not base/hmap.h: that one hashes string keys.
 */
struct pmap {
	struct pmap_slot *v;
	size_t n, cap;
};

struct sh;

/*
 * An operator's rule: the types of N's outputs into OUT (one per output,
 * zeroed with rank -1 on entry; kind IR_TYPE_NONE where nothing is
 * derived), and the constants its outputs hold (shapes_cput).  Memory
 * from s->tmp.  0, or -1 out of memory.
 */
typedef int shapes_op_fn(struct sh *s, struct ir_node *n,
    struct ir_type *out);

struct shapes_op_entry {
	const char *name;
	shapes_op_fn *fn;
};

/* One run of shapes_infer_report(). */
struct sh {
	struct ir_model *m;
	struct arena tmp;	/* released at the end of the run */
	shapes_report_fn *fn;
	void *arg;
	struct pmap consts;
	struct pmap calls;	/* call node -> body of its local function */
	struct pmap entered;	/* function bodies already inferred */
	struct hmap ops, ms_ops;
	struct hmap checks;	/* shapes_check.c's table (findings wanted) */
	/* the last lookups by op_type and domain string (the loader gives
	 * all nodes of one operator the same strings) */
	struct {
		const char *op, *domain;
		const struct shapes_op_entry *e;
	} last[4];
	bool init_inputs_const;	/* ir_version < 4 */
	bool consts_only;	/* propagate no computed constant */
	/* output types of the node being inferred, reused node to node */
	struct ir_type *out;
	size_t capout;
	/* shapes_walk_calls: every call enters its body with its own input
	 * types, and each body node is reported once inferred; walk_left
	 * counts the body nodes still allowed */
	shapes_call_fn *walk;
	void *walk_arg;
	size_t walk_left;
	size_t walk_mem;	/* the run's and the model's memory past
				 * which no call is entered */
	struct ir_attr *rattr;	/* a body node's resolved attributes */
	size_t caprattr;
};

/* Dims and inputs. */

static inline struct ir_dim
dval(int64_t x)
{
	struct ir_dim d = { IR_DIM_VALUE, x, NULL };

	return d;
}

static inline struct ir_dim
dunknown(void)
{
	struct ir_dim d = { IR_DIM_UNKNOWN, 0, NULL };

	return d;
}

/* Copy n dims; a rank-0 type has no dims array (NULL), so n == 0 copies
 * nothing rather than handing memcpy a null pointer. */
static inline void
dcopy(struct ir_dim *dst, const struct ir_dim *src, int64_t n)
{
	if (n > 0)
		memcpy(dst, src, (size_t)n * sizeof(*dst));
}

static inline bool
big(int64_t x)
{
	return x > SH_BIG || x < -SH_BIG;
}

static inline bool
isval(const struct ir_dim *d, int64_t x)
{
	return d->kind == IR_DIM_VALUE && d->value == x;
}

static inline const struct ir_type *
tensor_of(const struct ir_value *v)
{
	if (v == NULL || v->type.kind != IR_TYPE_TENSOR)
		return NULL;
	return &v->type;
}

static inline struct ir_value *
in_v(const struct ir_node *n, size_t i)
{
	return i < n->ninputs ? n->inputs[i] : NULL;
}

static inline const struct ir_type *
in_t(const struct ir_node *n, size_t i)
{
	return tensor_of(in_v(n, i));
}

/* Rank of input I, -1 when unknown. */
static inline int
in_rank(const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);

	return t != NULL ? t->rank : -1;
}

static inline int32_t
in_elem(const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);

	return t != NULL ? t->elem : 0;
}

/* A count or a dim N as a rank for shapes_mk: unknown when negative or
 * above SH_MAX_RANK, rather than converted to an int that may wrap
 * (2^32 + 1 is not rank 1). */
static inline int
rank_v(int64_t n)
{
	return n < 0 || n > SH_MAX_RANK ? -1 : (int)n;
}

static inline int
rank_n(size_t n)
{
	return n > SH_MAX_RANK ? -1 : (int)n;
}

/* Normalise AXIS against RANK; -1 when out of range. */
static inline int
norm_axis(int64_t axis, int rank)
{
	if (axis < 0)
		axis += rank;
	if (axis < 0 || axis >= rank)
		return -1;
	return (int)axis;
}

static inline int64_t
clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- shapes_const.c: the pointer map, constants ---- */

/* The value stored for KEY, or NULL. */
void *shapes_pmap_get(const struct pmap *h, const void *key);
/* Store VAL for KEY (slots from A).  0, or -1 out of memory. */
int shapes_pmap_put(struct arena *a, struct pmap *h, const void *key,
    void *val);
/* Integer element I of T (int64, int32, int8, uint8, bool) into *OUT.
 * 0, or -1 when it cannot be read. */
int shapes_tensor_int(const struct ir_tensor *t, size_t i, int64_t *out);
/* The element count of T when it is small enough to read (rank 0 or 1,
 * at most SH_MAX_CONST) and its data holds that many, else 0. */
size_t shapes_tensor_small(const struct ir_tensor *t);
/* A constant of RANK with N unknown elements (s->tmp), or NULL. */
struct sconst *shapes_const_new(struct sh *s, int rank, size_t n);
/* The constant of an integer tensor, or NULL. */
struct sconst *shapes_const_of_tensor(struct sh *s,
    const struct ir_tensor *t);
/* The constant value V holds (an initializer's or one propagated to V),
 * or NULL. */
const struct sconst *shapes_cget(struct sh *s, const struct ir_value *v);
/* Integer element I of V's constant, when it is a known value. */
bool shapes_cint(struct sh *s, const struct ir_value *v, size_t i,
    int64_t *x);
/* All elements of V's constant, when all are known values, into *OUT
 * (s->tmp). */
bool shapes_cints(struct sh *s, const struct ir_value *v,
    const int64_t **out, size_t *count);
/* V holds C (nothing when either is NULL).  0, or -1 out of memory. */
int shapes_cput(struct sh *s, const struct ir_value *v, struct sconst *c);
/* The values of V when it is a small constant float vector (initializer
 * or Constant node), into *OUT (s->tmp). */
bool shapes_cfloats(struct sh *s, const struct ir_value *v, double **out,
    size_t *count);

/* ---- shapes_core.c: types, attributes, findings, broadcasting ---- */

/* Known to be the same size (equal values or equal dim_params). */
bool shapes_dim_same(const struct ir_dim *a, const struct ir_dim *b);
/* Make O a tensor of ELEM with RANK unknown dims (s->tmp); RANK -1 or
 * above SH_MAX_RANK: unranked.  0, or -1 out of memory. */
int shapes_mk(struct sh *s, struct ir_type *o, int32_t elem, int rank);
/* O gets the type of N's input I (shape shared, read-only). */
void shapes_same_as(struct ir_type *o, const struct ir_node *n, size_t i);
/* O gets the shape of N's input I with element type ELEM. */
int shapes_shape_of(struct sh *s, struct ir_type *o, const struct ir_node *n,
    size_t i, int32_t elem);
/* Axes of Squeeze/Unsqueeze/Reduce*: the attribute before opset
 * INPUT_FROM, input INPUT from it; false when the input is not a known
 * constant.  *GIVEN: axes were given at all. */
bool shapes_axes_of(struct sh *s, struct ir_node *n, int input_from,
    size_t input, const int64_t **axes, size_t *na, bool *given);
/* A finding about node N (at N's graph) or about the declaration of V
 * (at its producer, or its graph for an initializer): FMT formatted,
 * given to s->fn when there is one. */
void shapes_report(struct sh *s, enum shapes_issue what,
    const struct ir_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void shapes_report_decl(struct sh *s, enum shapes_issue what,
    const struct ir_value *v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* V's name escaped into BUF (DIAG_ESCAPE_SIZE bytes), "" for NULL. */
const char *shapes_esc_name(char *buf, const struct ir_value *v);
/* Broadcast dim A with B into O; 1 when they are proven incompatible. */
int shapes_bcast_dim(const struct ir_dim *a, const struct ir_dim *b,
    struct ir_dim *o);
/* Broadcast N's tensor inputs FIRST..LAST into O (of ELEM); a proven
 * mismatch is reported and leaves O unranked.  0, or -1 out of memory. */
int shapes_bcast_inputs(struct sh *s, struct ir_node *n, size_t first,
    size_t last, int32_t elem, struct ir_type *o);
/* O as a tensor of ELEM whose dims are the constant vector N's input
 * INPUT holds (negative elements unknown), or of its length when only
 * that is known.  0, or -1 out of memory. */
int shapes_dims_from_const(struct sh *s, struct ir_node *n, size_t input,
    int32_t elem, struct ir_type *o);
/* The product of T's dims FROM..TO-1 (a value, a single param or
 * unknown). */
struct ir_dim shapes_dim_prod(const struct ir_type *t, int from, int to);
/* N's graph attribute NAME, or NULL. */
struct ir_graph *shapes_subgraph(const struct ir_node *n, const char *name);
/* The tensor type of G's output I, or NULL. */
const struct ir_type *shapes_gout(const struct ir_graph *g, size_t i);
/* A Scan's body and number of state variables; -1 when the node is not
 * a Scan of opset 9 on that agrees with its body. */
int shapes_scan_counts(const struct ir_node *n, struct ir_graph **body,
    size_t *nstate);

/* ---- the rules, one file per operator family ---- */

/* shapes_elementwise.c */
shapes_op_fn shapes_op_same, shapes_op_identity, shapes_op_bool_unary,
    shapes_op_dropout, shapes_op_cast, shapes_op_castlike, shapes_op_binary,
    shapes_op_compare, shapes_op_variadic, shapes_op_where, shapes_op_prelu,
    shapes_op_quantize, shapes_op_dequantize, shapes_op_dyn_quantize;
/* shapes_tensor.c */
shapes_op_fn shapes_op_transpose, shapes_op_reshape, shapes_op_flatten,
    shapes_op_concat, shapes_op_split, shapes_op_slice, shapes_op_squeeze,
    shapes_op_unsqueeze, shapes_op_expand, shapes_op_tile, shapes_op_pad;
/* shapes_data.c */
shapes_op_fn shapes_op_shape, shapes_op_size, shapes_op_constant,
    shapes_op_constant_of_shape, shapes_op_range, shapes_op_gather,
    shapes_op_gather_elements, shapes_op_gather_nd, shapes_op_onehot,
    shapes_op_compress, shapes_op_nonzero, shapes_op_like, shapes_op_random,
    shapes_op_window, shapes_op_scalar, shapes_op_tfidf, shapes_op_strnorm,
    shapes_op_unique;
/* shapes_nn.c */
shapes_op_fn shapes_op_conv, shapes_op_conv_transpose, shapes_op_pool,
    shapes_op_global_pool, shapes_op_batchnorm, shapes_op_layernorm,
    shapes_op_resize, shapes_op_depth_space, shapes_op_rnn,
    shapes_op_grid_sample, shapes_op_roi_align, shapes_op_nms, shapes_op_loss,
    shapes_op_dft, shapes_op_maxunpool;
/* shapes_reduce.c */
shapes_op_fn shapes_op_reduce, shapes_op_argmax, shapes_op_topk,
    shapes_op_matmul, shapes_op_gemm, shapes_op_einsum, shapes_op_det;
/* shapes_control.c: If, Loop and Scan outputs from their bodies' (the
 * engine infers a body before the node; shapes.c gives a Loop or Scan
 * body its inputs' types) */
shapes_op_fn shapes_op_if, shapes_op_loop, shapes_op_scan;

/* ---- shapes_check.c: what operators require of their inputs ---- */

/* Index the table (when findings are wanted).  0, or -1 out of memory. */
int shapes_check_init(struct sh *s);
/* Report (SHAPES_CONSTRAINT) what N's inputs violate. */
void shapes_check_node(struct sh *s, struct ir_node *n);

/* ---- shapes_table.c: the operator table ---- */

/* op_type -> rule: ONNX's default domain and com.microsoft. */
extern const struct shapes_op_entry shapes_op_table[];
extern const size_t shapes_op_count;
extern const struct shapes_op_entry shapes_ms_table[];
extern const size_t shapes_ms_count;

#endif
