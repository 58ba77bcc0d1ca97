/* SPDX-License-Identifier: MIT */
/*
 * The graph IR that passes work on.  Nothing here names a protobuf type:
 * load.c builds the IR from the decoded model and save.c writes it back;
 * each IR object keeps an opaque pointer (orig) to the message it came
 * from, so fields the IR does not model (doc strings, metadata, unknown
 * fields) are written back untouched.
 *
 * Ownership: a struct ir_model owns its arena, and every IR object and
 * every string created by a pass comes from that arena; strings read from
 * the file point into the decoded message, which the model also owns.
 * Nothing is freed individually: passes unlink and mark dead.
 *
 * Names: values are unique per graph scope when the model is well formed;
 * when it is not (a name defined twice), each definition still gets its
 * own struct ir_value and the checker reports it.  A node input that names
 * nothing gets a value of kind IR_VALUE_UNDEFINED, so names are never lost.
 * An absent optional input or output (the empty name) is a NULL pointer.
 */
#ifndef ONNXFIX_IR_H
#define ONNXFIX_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/budget.h"
#include "base/hmap.h"

/* ONNX TensorProto.DataType numbers. */
enum ir_elem {
	IR_ELEM_UNDEFINED = 0,
	IR_ELEM_FLOAT = 1,
	IR_ELEM_UINT8 = 2,
	IR_ELEM_INT8 = 3,
	IR_ELEM_UINT16 = 4,
	IR_ELEM_INT16 = 5,
	IR_ELEM_INT32 = 6,
	IR_ELEM_INT64 = 7,
	IR_ELEM_STRING = 8,
	IR_ELEM_BOOL = 9,
	IR_ELEM_FLOAT16 = 10,
	IR_ELEM_DOUBLE = 11,
	IR_ELEM_UINT32 = 12,
	IR_ELEM_UINT64 = 13,
	IR_ELEM_COMPLEX64 = 14,
	IR_ELEM_COMPLEX128 = 15,
	IR_ELEM_BFLOAT16 = 16,
	IR_ELEM_FLOAT8E4M3FN = 17,
	IR_ELEM_FLOAT8E4M3FNUZ = 18,
	IR_ELEM_FLOAT8E5M2 = 19,
	IR_ELEM_FLOAT8E5M2FNUZ = 20,
	IR_ELEM_UINT4 = 21,
	IR_ELEM_INT4 = 22,
	IR_ELEM_FLOAT4E2M1 = 23,
	IR_ELEM_FLOAT8E8M0 = 24,
	IR_ELEM_UINT2 = 25,
	IR_ELEM_INT2 = 26,
	IR_ELEM__MAX = 26,
};

/* ONNX AttributeProto.AttributeType numbers. */
enum ir_attr_type {
	IR_ATTR_UNDEFINED = 0,
	IR_ATTR_FLOAT = 1,
	IR_ATTR_INT = 2,
	IR_ATTR_STRING = 3,
	IR_ATTR_TENSOR = 4,
	IR_ATTR_GRAPH = 5,
	IR_ATTR_FLOATS = 6,
	IR_ATTR_INTS = 7,
	IR_ATTR_STRINGS = 8,
	IR_ATTR_TENSORS = 9,
	IR_ATTR_GRAPHS = 10,
	IR_ATTR_SPARSE_TENSOR = 11,
	IR_ATTR_SPARSE_TENSORS = 12,
	IR_ATTR_TYPE_PROTO = 13,
	IR_ATTR_TYPE_PROTOS = 14,
	IR_ATTR__MAX = 14,
};

enum ir_dim_kind {
	IR_DIM_UNKNOWN,		/* neither dim_value nor dim_param */
	IR_DIM_VALUE,
	IR_DIM_PARAM,
};

struct ir_dim {
	enum ir_dim_kind kind;
	int64_t value;		/* IR_DIM_VALUE */
	const char *param;	/* IR_DIM_PARAM */
};

enum ir_type_kind {
	IR_TYPE_NONE,		/* no type information */
	IR_TYPE_TENSOR,
	IR_TYPE_SPARSE,
	IR_TYPE_SEQUENCE,
	IR_TYPE_MAP,
	IR_TYPE_OPTIONAL,
	IR_TYPE_OPAQUE,
};

struct ir_type {
	enum ir_type_kind kind;
	int32_t elem;		/* tensor/sparse element type, else 0 */
	int rank;		/* -1: shape unknown */
	bool dirty;		/* changed since load: save re-encodes it */
	struct ir_dim *dims;	/* rank entries */
	const void *orig;	/* source TypeProto, NULL when built */
};

/* A ValueInfoProto slot: graph input, graph output or value_info entry. */
struct ir_vinfo {
	const char *name;
	struct ir_value *value;	/* what the name resolves to (may be NULL
				 * for a value_info naming nothing) */
	struct ir_type type;
	const void *orig;
};

struct ir_meta {
	const char *key;
	const char *value;
};

enum ir_storage {
	IR_DATA_NONE,		/* no data field set */
	IR_DATA_RAW,		/* raw_data: data/size below */
	IR_DATA_TYPED,		/* float_data, int32_data, ... */
	IR_DATA_EXTERNAL,	/* data_location = EXTERNAL */
};

/*
 * The external data of a tensor the loader made, read in on first use
 * (ir_tensor_view) by the model's reader and kept in the model's arena.
 * A struct ir_tensor copied from that tensor shares it: the bytes are the
 * same.
 */
struct ir_extdata {
	struct ir_model *m;	/* whose reader reads it */
	const uint8_t *data;	/* the bytes once read, else NULL */
	size_t size;
	bool tried;		/* read once (failed when data is NULL) */
};

/*
 * A dense tensor (initializer, Constant/attribute value).  Payload bytes
 * are a span into memory the model owns (the decoded message or the input
 * mapping): loading never copies them and no pass reads them unless it
 * needs the values.  A pass that replaces the data points the span at
 * arena memory and sets dirty.  External data stays where it is until a
 * reader asks for the values (ir_tensor_view); the tensor itself keeps
 * storage IR_DATA_EXTERNAL, so that the writer handles it as before.
 */
struct ir_tensor {
	const char *name;
	int32_t elem;
	int rank;
	int64_t *dims;
	enum ir_storage storage;
	const uint8_t *data;	/* IR_DATA_RAW */
	size_t size;		/* bytes at data */
	size_t ntyped;		/* IR_DATA_TYPED: element count of the field */
	const void *typed;	/* IR_DATA_TYPED: that field's array (float,
				 * int32, int64, double or uint64 as the
				 * field holds; NULL for string_data) */
	int typed_field;	/* TensorProto field number of typed: 4
				 * float_data, 5 int32_data, 7 int64_data,
				 * 10 double_data, 11 uint64_data */
	int nfields;		/* data fields present (>1 is malformed) */
	const void *orig;	/* source TensorProto */
	bool dirty;
	/* external_data entries (key/value), whatever data_location says;
	 * a dirty IR_DATA_EXTERNAL tensor is written with exactly these */
	struct ir_meta *ext;
	size_t next;
	/* IR_DATA_EXTERNAL, made by the loader: how its bytes are read in;
	 * else NULL (the data cannot be read) */
	struct ir_extdata *xd;
};

struct ir_use {
	struct ir_node *node;
	int index;		/* input slot; -1: used inside a subgraph */
};

enum ir_value_kind {
	IR_VALUE_INPUT,		/* graph input (maybe also an initializer) */
	IR_VALUE_INITIALIZER,	/* initializer that is not a graph input */
	IR_VALUE_NODE,		/* produced by a node */
	IR_VALUE_UNDEFINED,	/* named by a use, defined nowhere */
};

struct ir_value {
	const char *name;
	struct ir_graph *graph;	/* the scope that defines it */
	enum ir_value_kind kind;
	int out_index;
	struct ir_node *producer;	/* IR_VALUE_NODE */
	struct ir_tensor *init;	/* initializer data, or NULL */
	bool sparse_init;	/* defined by a sparse_initializer */
	bool is_input;		/* listed in graph inputs */
	bool duplicate;		/* a second definition of the same name */
	bool type_inferred;	/* type was derived or refined by
				 * shapes_infer; then type_decl holds the
				 * type it started from */
	bool type_derived;	/* the last shapes_infer derived all of
				 * the type, every dim a number or a
				 * symbol, from the producer's inputs
				 * (declared the same or not) */
	bool elem_derived;	/* the same for the element type alone */
	int noutputs;		/* times listed in graph outputs */
	struct ir_type type;	/* best known type (value_info, I/O, init,
				 * refined by shapes_infer) */
	struct ir_type type_decl;
	struct ir_use *uses;
	size_t nuses, capuses;
	unsigned id;		/* index in graph->values */
};

struct ir_attr {
	const char *name;
	enum ir_attr_type type;	/* as declared (or inferred when absent) */
	bool has_type;		/* the type field was present */
	const char *ref_attr_name;	/* function attribute reference */
	float f;
	int64_t i;
	const uint8_t *s;	/* STRING */
	size_t slen;
	float *floats;		/* FLOATS */
	int64_t *ints;		/* INTS */
	size_t n;		/* element count of the list fields */
	struct ir_tensor *t;	/* TENSOR */
	struct ir_graph *g;	/* GRAPH */
	struct ir_graph **graphs;	/* ngraphs entries: the graphs field,
					 * also when the type says otherwise */
	size_t ngraphs;
	int nvalues;		/* value fields present (must be 1) */
	uint16_t fields;	/* which: bit 1 << T for the field that holds
				 * type T's value (f for FLOAT, ints for
				 * INTS, ...); 0 when built by a pass */
	const void *orig;	/* source AttributeProto, NULL when built */
	bool dirty;		/* scalar/list value changed by a pass */
};

struct ir_node {
	/* what the walks over every node read, in the first 64 bytes (the
	 * graph's node slab is aligned to them) */
	const char *op_type;
	const char *domain;	/* "" for the default domain */
	struct ir_value **inputs;	/* NULL entries are absent optionals */
	struct ir_value **outputs;	/* NULL entries are absent optionals */
	struct ir_attr *attrs;
	size_t ninputs;
	size_t noutputs;
	unsigned index;		/* position in graph->nodes */
	bool dead;
	bool dirty;		/* op/attrs/outputs changed: save rebuilds */
	/* the rest */
	const char *name;	/* may be NULL */
	struct ir_graph *graph;
	/* Outer-scope values that this node's subgraphs use. */
	struct ir_value **implicit;
	const void *orig;	/* source NodeProto, NULL when built or
				 * decoded from SRC */
	const uint8_t *src;	/* the NodeProto's bytes in the input when
				 * the loader decoded it itself (skel.h) */
	uint32_t nattrs;
	uint32_t nimplicit, capimplicit;
	uint32_t capinputs;
	uint32_t srclen;
	unsigned order;		/* position in the source file */
};

/* Did N come from the input (rather than from a pass)? */
static inline bool
ir_node_loaded(const struct ir_node *n)
{
	return n->orig != NULL || n->src != NULL;
}

enum ir_graph_kind {
	IR_GRAPH_MAIN,
	IR_GRAPH_SUB,		/* attribute of a node */
	IR_GRAPH_FUNCTION,	/* body of a model-local function */
	IR_GRAPH_TRAINING,	/* TrainingInfoProto graphs (kept opaque) */
};

struct ir_graph {
	enum ir_graph_kind kind;
	const char *name;
	struct ir_model *model;
	struct ir_graph *parent;	/* enclosing scope (SUB only) */
	struct ir_node *owner;	/* node holding this graph (SUB only) */
	const char *attr_name;	/* attribute holding it (SUB only) */
	int attr_index;		/* position within a GRAPHS attribute */
	struct ir_function *function;	/* FUNCTION only */
	unsigned depth;		/* 0 for top-level graphs */
	struct ir_node **nodes;
	size_t nnodes, capnodes;
	struct ir_value **values;
	size_t nvalues, capvalues;
	struct ir_vinfo *inputs, *outputs, *value_info;
	size_t ninputs, noutputs, nvalue_info;
	struct ir_tensor **inits;	/* initializer list in file order */
	size_t ninits;
	struct hmap names;	/* name -> first struct ir_value defined */
	/* ir_graph_reserve's blocks, from which ir_node_new and
	 * ir_value_new take objects while they last */
	struct ir_node *node_slab;
	struct ir_value *value_slab;
	size_t nnode_slab, nvalue_slab;
	const void *orig;	/* source GraphProto */
	void *out;		/* save.c scratch: the encoded GraphProto */
	struct hmap suffixes;	/* ir_unique_name: base -> last suffix */
};

struct ir_opset {
	const char *domain;	/* as written ("" or "ai.onnx" alike) */
	int64_t version;
	const void *orig;
};


struct ir_function {
	const char *name;
	const char *domain;
	const char *overload;
	struct ir_opset *opsets;
	size_t nopsets;
	const char **attr_names;
	size_t nattr_names;
	struct ir_graph *body;
	const void *orig;
};

/* An external tensor whose data could not be read in (ir_tensor_view). */
struct ir_xfail {
	const char *tensor;	/* its name */
	const char *why;
	struct ir_xfail *next;
};

struct ir_model {
	struct arena arena;
	struct budget *budget;
	const char *path;	/* as given by the caller */
	bool has_ir_version;
	int64_t ir_version;
	const char *producer_name;
	const char *producer_version;
	const char *domain;
	int64_t model_version;
	struct ir_opset *opsets;
	size_t nopsets;
	bool opsets_dirty;	/* opsets changed: save rewrites the imports */
	bool ir_version_dirty;	/* ir_version changed: save writes it */
	bool has_training_info;	/* TrainingInfoProto graphs (not in the IR) */
	struct ir_meta *meta;	/* metadata_props */
	size_t nmeta;
	bool meta_dirty;
	bool changed;		/* onnxfix_input_shapes or onnxfix_fix
				 * changed the model */
	struct ir_graph *graph;
	struct ir_function **functions;
	size_t nfunctions;
	size_t ngraphs;		/* graphs ir_graph_new made for it */
	const void *orig;	/* source ModelProto */
	void *pb;		/* decoded message, freed with the model */
	const uint8_t *file;	/* input bytes (mapping), may be NULL */
	size_t file_size;
	bool release_file;	/* file is a mapping the model unmaps */
	struct skel *skel;	/* tensor payloads left in file (skel.h) */
	void (*release)(struct ir_model *);	/* frees pb and file */
	/* Reads T's external data into X->data (X->size bytes, in the
	 * model's arena): 0, or -1 with the reason in WHY.  Set by the
	 * loader (src/io/xread.c), whose state is XREADER; NULL when the
	 * model has no reader. */
	int (*read_external)(struct ir_model *m, const struct ir_tensor *t,
	    struct ir_extdata *x, char *why, size_t whylen);
	void *xreader;
	/* the reads that failed, in order, for the pass driver to report;
	 * nxfail_lost more could not be recorded (out of budget) */
	struct ir_xfail *xfail, **xfail_tail;
	size_t nxfail_lost;
};

/* The value of an IEEE binary16 bit pattern. */
double ir_half_to_double(uint16_t h);
/* TensorProto field number that holds ELEM's values when they are not in
 * raw_data: 4 float_data, 5 int32_data, 6 string_data, 7 int64_data,
 * 10 double_data, 11 uint64_data.  A reader of ir_tensor.typed must check
 * that typed_field equals it before indexing the array. */
int ir_elem_typed_field(int32_t elem);
/* Element size in bits (4 for INT4, 2 for INT2); 0 for STRING/unknown. */
unsigned ir_elem_bits(int32_t elem);
/* "float", "int64", ...; "elem(N)" style names are not returned: NULL
 * for an unknown number. */
const char *ir_elem_name(int32_t elem);
const char *ir_attr_type_name(enum ir_attr_type t);

/*
 * Tensor element count from dims into *COUNT; -1 when a dim is negative
 * or the product overflows (then *BAD_DIM is the offending index).
 */
int ir_tensor_count(const struct ir_tensor *t, uint64_t *count, int *bad_dim);
/* Does the tensor (or sparse tensor) type T declare a negative
 * dim_value (which some exporters write for a dynamic dim)? */
bool ir_type_has_negative(const struct ir_type *t);
/* Bytes the raw form of COUNT elements of ELEM takes; -1 on overflow or
 * when the type has no fixed size. */
int ir_elem_bytes(int32_t elem, uint64_t count, uint64_t *bytes);
/* Read element I of a FLOAT/DOUBLE/FLOAT16/BFLOAT16/int tensor as double,
 * from raw_data or the typed field (float_data, double_data, int32_data,
 * int64_data); returns -1 when the tensor is not readable that way. */
int ir_tensor_get_f64(const struct ir_tensor *t, uint64_t i, double *out);
/*
 * T as a reader of its values sees it.  When T's data is external, its
 * bytes are read in on first use (through the model's reader, confined
 * to the model's directory, charged to the memory budget) and BUF is
 * filled with a copy of *T whose raw data they are: storage
 * IR_DATA_RAW, one data field.  Otherwise, or when they cannot be read
 * (the reason is recorded once in the model's xfail list for the pass
 * driver to report), T itself.  Every function that reads a tensor's
 * values starts with it, so that external data reads like inline data;
 * the model's tensor is not changed (the writer still copies external
 * data by range).
 */
const struct ir_tensor *ir_tensor_view(const struct ir_tensor *t,
    struct ir_tensor *buf);

/* Model lifecycle. */
struct ir_model *ir_model_new(struct budget *budget);
void ir_model_free(struct ir_model *m);

/* Graph building; every function returns NULL/-1 when out of budget. */
struct ir_graph *ir_graph_new(struct ir_model *m, enum ir_graph_kind kind,
    struct ir_graph *parent);
/* Room for NNODES more nodes and NVALUES more values in G, allocated at
 * once and side by side (a loader knows the counts).  0 or -1 (budget). */
int ir_graph_reserve(struct ir_graph *g, size_t nnodes, size_t nvalues);
/* A new value NAME defined in G (not yet linked to a producer). */
struct ir_value *ir_value_new(struct ir_graph *g, const char *name,
    enum ir_value_kind kind);
/* Resolve NAME in G and its enclosing scopes; NULL when undefined. */
struct ir_value *ir_lookup(struct ir_graph *g, const char *name);
/* A name not used in G or any enclosing scope, derived from BASE. */
const char *ir_unique_name(struct ir_graph *g, const char *base);
/* Append a node with NIN input and NOUT output slots (all NULL). */
struct ir_node *ir_node_new(struct ir_graph *g, const char *op_type,
    const char *domain, const char *name, size_t nin, size_t nout);
/* Point input slot I of N at V (NULL: absent), keeping use lists right. */
int ir_node_set_input(struct ir_node *n, size_t i, struct ir_value *v);
int ir_node_add_input(struct ir_node *n, struct ir_value *v);
/* Make V the value produced at output slot I of N. */
void ir_node_set_output(struct ir_node *n, size_t i, struct ir_value *v);
/* Record that a subgraph of N uses outer value V. */
int ir_node_add_implicit(struct ir_node *n, struct ir_value *v);
/*
 * Add or remove one use record.  The list keeps its order; a removal
 * costs the distance to the nearer end of the list, so consumers taken
 * off in order (first to last or last to first) cost O(1) each.
 */
int ir_use_add(struct ir_value *v, struct ir_node *n, int index);
void ir_use_remove(struct ir_value *v, struct ir_node *n, int index);
/* Redirect every use of OLD (and graph outputs naming it) to NEW. */
int ir_value_replace_uses(struct ir_value *old, struct ir_value *new);
/* Mark N dead and drop its uses; its outputs keep their names. */
void ir_node_kill(struct ir_node *n);
/*
 * ir_node_kill on each of N[0..CNT), in time linear in their inputs and
 * the uses of those inputs: each value's list is filtered once, however
 * many of its consumers die.  Scratch memory from A; without it, one
 * node at a time.
 */
void ir_nodes_kill(struct arena *a, struct ir_node *const *n, size_t cnt);
/* Remove dead nodes from G->nodes and renumber. */
void ir_graph_compact(struct ir_graph *g);
/* Find an attribute by name, NULL when absent. */
struct ir_attr *ir_node_attr(const struct ir_node *n, const char *name);
/*
 * The typed attribute readers every pass uses: N's attribute NAME when
 * it has the type asked for, holds its value in that type's field and
 * is not a reference to a function attribute; else DFLT (or NULL with
 * *COUNT 0 for a list, ABSENT for a string test when NAME is absent and
 * false when it is not a plain string).
 */
int64_t ir_attr_int(const struct ir_node *n, const char *name, int64_t dflt);
float ir_attr_float(const struct ir_node *n, const char *name, float dflt);
const int64_t *ir_attr_ints(const struct ir_node *n, const char *name,
    size_t *count);
bool ir_attr_str_is(const struct ir_node *n, const char *name,
    const char *want, bool absent);
/* Do A and B, of one plain type (FLOAT, INT, STRING, FLOATS, INTS),
 * hold the same value, bit for bit (-0.0 is not 0.0, a NaN equals the
 * same NaN)?  False for any other type or when the types differ. */
bool ir_attr_plain_eq(const struct ir_attr *a, const struct ir_attr *b);
/* True when N's domain is the default ONNX domain ("" or "ai.onnx"). */
bool ir_domain_is_onnx(const char *domain);
/*
 * String equality for operator and domain names: the same pointer is
 * equal (the loader gives every node with one op_type the same string)
 * and a different first byte is not, both without a call.
 */
static inline bool
ir_streq(const char *a, const char *b)
{
	return a == b || (a[0] == b[0] && strcmp(a, b) == 0);
}
/* Does A hold exactly one value, in the field its type names?  (An
 * INT whose value sits in f reads as 0: a model the checker refuses.) */
static inline bool
ir_attr_value_ok(const struct ir_attr *a)
{
	return a->nvalues == 1 && (a->orig == NULL || a->dirty ||
	    a->fields == 0 || ((unsigned)a->type <= IR_ATTR__MAX &&
	    a->fields == 1u << a->type));
}
/* Is N the operator OP of the default ONNX domain? */
static inline bool
ir_is_op(const struct ir_node *n, const char *op)
{
	return ir_streq(n->op_type, op) && ir_domain_is_onnx(n->domain);
}
/* Opset version the model imports for DOMAIN; -1 when not imported.
 * "" and "ai.onnx" are the same domain. */
int64_t ir_model_opset(const struct ir_model *m, const char *domain);
/* Opset for a node: a function body uses its function's imports. */
int64_t ir_node_opset(const struct ir_node *n);

/*
 * Location path of N for diagnostics, written into BUF (escaped):
 *	node 4 'cond' (If)/then_branch/node 2 (Add)
 * Graphs of functions start with "function 'name'".
 */
char *ir_node_path(const struct ir_node *n, char *buf, size_t size);
char *ir_graph_path(const struct ir_graph *g, char *buf, size_t size);
#define IR_PATH_SIZE 2048

/*
 * Visit every graph of M (main, subgraphs at any depth, function bodies)
 * in a stable pre-order, without recursion.  Returns the number of graphs
 * written into *OUT (an arena array).
 */
size_t ir_model_graphs(struct ir_model *m, struct ir_graph ***out);
/* The subgraphs held by N's attributes, in attribute order. */
size_t ir_node_subgraphs(const struct ir_node *n, struct ir_graph **out,
    size_t max);

/*
 * Stable topological order of G's nodes (inputs and implicit inputs both
 * count as edges).  Writes the order into ORDER (nnodes entries, arena or
 * caller memory).  Returns 0, or 1 when G has a cycle: then ORDER holds the
 * sortable prefix followed by the rest in file order and *CYCLE_AT is the
 * first node on a cycle.
 */
int ir_graph_toposort(struct ir_graph *g, struct ir_node **order,
    struct ir_node **cycle_at);

/*
 * Recompute every node's implicit (outer-scope) inputs from the live
 * nodes of its subgraphs, after passes removed nodes.  0 or -1 (budget).
 */
int ir_rebuild_implicit(struct ir_model *m);
/*
 * Check the IR's own invariants (use lists match inputs, producers match
 * outputs, no live node uses a dead one's output).  Returns 0, or -1 and
 * a description in WHY (SIZE bytes).
 */
int ir_verify(struct ir_model *m, char *why, size_t size);

#endif
