/* SPDX-License-Identifier: MIT */
/*
 * Operator database: ONNX and ONNX Runtime contrib operator schemas, the
 * opset ranges of the known domains, and what each runtime supports (ORT
 * CPU/CUDA/DML kernels, TensorRT, onnx2tf).  The tables are generated at
 * build time from the TSV files in src/opdb/ by src/opdb/opdbgen.awk into
 * build/opdb_tables.c; src/opdb/README.md documents the data.  Everything
 * is static, read-only data: no function here allocates, and every
 * returned pointer stays valid for the life of the program.
 *
 * The tables hold no pointers, so that the program needs no relocation
 * of them when it starts: a string is an opdb_str, its offset in one pool
 * (opdb_s() gives the text, NULL for OPDB_NONE), and the attributes,
 * inputs, outputs and type constraints of a row are reached through the
 * functions below (opdb_attrs(), opdb_inputs(), ...).
 *
 * Domains: "" and "ai.onnx" name the same domain everywhere in this API.
 * Unless a function says otherwise, DOMAIN and OP must not be NULL.
 * Every lookup by (domain, op) is a binary search.
 */
#ifndef ONNXFIX_OPDB_H
#define ONNXFIX_OPDB_H

#include <stdbool.h>
#include <stddef.h>

/* A string of the tables: its offset in opdb_tab_pool. */
typedef unsigned opdb_str;
#define OPDB_NONE 0u		/* no string: opdb_s() gives NULL */

extern const char opdb_tab_pool[];

/* The text of S, or NULL for OPDB_NONE. */
static inline const char *
opdb_s(opdb_str s)
{
	return s == OPDB_NONE ? NULL : opdb_tab_pool + s;
}

/* How often an input or output may appear. */
enum opdb_option { OPDB_SINGLE, OPDB_OPTIONAL, OPDB_VARIADIC };

/* One attribute of a schema. */
struct opdb_attr {
	opdb_str name;
	/*
	 * ONNX AttributeProto.AttributeType number: FLOAT 1, INT 2,
	 * STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8,
	 * TENSORS 9, GRAPHS 10, SPARSE_TENSOR 11, SPARSE_TENSORS 12,
	 * TYPE_PROTO 13, TYPE_PROTOS 14.
	 */
	unsigned char type;
	unsigned char required;
	/*
	 * Default as text, OPDB_NONE when none: ints in decimal, floats
	 * as the ONNX docs print them ("1e-05"), strings raw, lists as a
	 * JSON array.  Contrib schemas document no defaults at all.
	 */
	opdb_str dflt;
};

/* One formal input or output of a schema. */
struct opdb_io {
	opdb_str name;
	opdb_str type;		/* a type parameter ("T"), "tensor(int64)" */
	unsigned char option;	/* enum opdb_option */
	unsigned char heterogeneous;	/* only ever 1 on variadic ones */
};

/* A type constraint: the types a type parameter may take. */
struct opdb_tc {
	opdb_str param;
	unsigned type0;		/* its types: opdb_tc_type() */
	unsigned short ntypes;
};


/*
 * One schema version of an operator: it applies to models importing its
 * domain at an opset in [since, last].  When deprecated is set the ONNX
 * checker rejects the op at those opsets and nothing else is documented
 * (io_documented is 0, no attributes, inputs, outputs or constraints, and
 * the four arities are -1).  contrib marks an ONNX Runtime contrib op
 * (com.microsoft, from ORT's ContribOperators.md).  max_in and max_out
 * are 2147483647 for an unbounded (variadic) arity.
 */
struct opdb_schema {
	opdb_str domain;	/* never "": the default domain is "ai.onnx" */
	opdb_str op;
	int since, last;
	unsigned char deprecated, experimental, io_documented, contrib;
	int min_in, max_in, min_out, max_out;
	unsigned attr0;		/* opdb_attrs() */
	unsigned short nattrs;
	unsigned input0, output0;	/* opdb_inputs(), opdb_outputs() */
	unsigned short ninputs, noutputs;
	unsigned tc0;		/* opdb_schema_tcs() */
	unsigned short ntcs;
};


/*
 * The schema of OP in DOMAIN for a model importing DOMAIN at version
 * OPSET: the one whose [since, last] contains OPSET.  A deprecated schema
 * (Upsample-10, Scatter-11, ...) is returned like any other, with
 * deprecated set, so the caller can say "deprecated" rather than
 * "unknown".  Returns NULL when the op is not in the domain, when OPSET is
 * below its first since version, or when OPSET is beyond the last opset
 * the database knows for the domain (clamp OPSET with opdb_domain_range()
 * first to resolve against the newest known schema).
 */
const struct opdb_schema *opdb_schema(const char *domain, const char *op,
				      long long opset);

/* True when OP has a schema of any version in DOMAIN. */
bool opdb_op_known(const char *domain, const char *op);

/*
 * Opset range of DOMAIN from opsets.tsv: the ONNX domains with their
 * last released opset (ai.onnx: 1..28, last release 27), then the
 * domains ORT registers itself, whose *last_release is their max.  A max
 * that the data leaves open (com.ms.internal.nhwc follows ORT's bundled
 * onnx) is 2147483647.  Any output pointer may be NULL.  Returns 0, or
 * -1 when the domain is unknown (outputs untouched).
 */
int opdb_domain_range(const char *domain, int *min, int *max,
		      int *last_release);

/*
 * True for "", ai.onnx, ai.onnx.ml, ai.onnx.training, ai.onnx.preview and
 * ai.onnx.preview.training: the domains whose every schema is in
 * schemas.tsv, so an op missing there is unknown, not merely undocumented.
 */
bool opdb_domain_is_onnx(const char *domain);

/* The attribute NAME of schema S, or NULL when S has none by that name. */
const struct opdb_attr *opdb_schema_attr(const struct opdb_schema *s,
					 const char *name);

/* The type constraint PARAM ("T") of schema S, or NULL when none. */
const struct opdb_tc *opdb_schema_tc(const struct opdb_schema *s,
				     const char *param);

/* True when type constraint TC allows TYPE ("tensor(float)"). */
bool opdb_tc_allows(const struct opdb_tc *tc, const char *type);

/*
 * ONNX Runtime's kernel tables, one per src/opdb/runtime-ort-NAME.tsv,
 * numbered 0 to opdb_kernel_tables() - 1; the CPU's is 0 (the others
 * fall back to it).
 */
#define OPDB_ORT_CPU 0
int opdb_kernel_tables(void);
/* The number of kernel table NAME ("ort-cuda"), or -1. */
int opdb_kernel_table(const char *name);

/*
 * A kernel registration: it serves nodes whose resolved schema since
 * version S has since <= S <= end (end is inclusive, 2147483647 when
 * open-ended), for the types in tcs.
 */
struct opdb_kernel {
	opdb_str domain, op;
	int since, end;
	unsigned tc0;		/* opdb_kernel_tcs() */
	unsigned short ntcs;
};

/* The groups the rows index (generated; reached through the functions
 * below). */
extern const unsigned opdb_tab_tyl[];
extern const struct opdb_tc opdb_tab_tcs[];
extern const struct opdb_attr opdb_tab_attrs[];
extern const struct opdb_io opdb_tab_io[];

/* The nattrs attributes, ninputs inputs, noutputs outputs and ntcs type
 * constraints of S, as arrays. */
static inline const struct opdb_attr *
opdb_attrs(const struct opdb_schema *s)
{
	return &opdb_tab_attrs[s->attr0];
}

static inline const struct opdb_io *
opdb_inputs(const struct opdb_schema *s)
{
	return &opdb_tab_io[s->input0];
}

static inline const struct opdb_io *
opdb_outputs(const struct opdb_schema *s)
{
	return &opdb_tab_io[s->output0];
}

static inline const struct opdb_tc *
opdb_schema_tcs(const struct opdb_schema *s)
{
	return &opdb_tab_tcs[s->tc0];
}

/* The ntcs type constraints of K, as an array. */
static inline const struct opdb_tc *
opdb_kernel_tcs(const struct opdb_kernel *k)
{
	return &opdb_tab_tcs[k->tc0];
}

/* Type I (< TC->ntypes) of TC: "tensor(float)", "seq(...)", ... */
static inline const char *
opdb_tc_type(const struct opdb_tc *tc, unsigned i)
{
	return opdb_tab_pool + opdb_tab_tyl[tc->type0 + i];
}

/*
 * All kernels runtime RT registers for (DOMAIN, OP), sorted by since:
 * returns their count and points *FIRST at the first (NULL when none).
 */
size_t opdb_kernels(int rt, const char *domain, const char *op,
		    const struct opdb_kernel **first);

/*
 * The kernel of RT for (DOMAIN, OP) that serves a node whose resolved
 * schema has since version SINCE (see struct opdb_kernel), or NULL.
 * When registrations overlap, the one with the largest since wins.
 */
const struct opdb_kernel *opdb_kernel_find(int rt, const char *domain,
					   const char *op, int since);

/* The type constraint PARAM of kernel K, or NULL when none. */
const struct opdb_tc *opdb_kernel_tc(const struct opdb_kernel *k,
				     const char *param);

/* Name of kernel table RT: "ort-cpu", "ort-cuda", ...; NULL if invalid. */
const char *opdb_runtime_name(int rt);

/* How a --target judges support (src/targets.def, FAMILY). */
enum opdb_family {
	OPDB_FAM_SCHEMA,	/* the ONNX standard's schemas */
	OPDB_FAM_ORT,		/* an ONNX Runtime kernel table */
	OPDB_FAM_TRT,		/* the onnx-tensorrt support matrix */
	OPDB_FAM_ONNX2TF,	/* onnx2tf's operator table */
	OPDB_FAM_NONE,		/* not a runtime */
};

#define OPDB_TF_OPSET 1u	/* takes @OPSET */
#define OPDB_TF_MEMO 2u		/* node verdicts may be cached */
#define OPDB_TF_PLUGINS 4u	/* runs TensorRT plugin nodes */
#define OPDB_TF_CHECK 8u	/* not a runtime: a readiness check */

/* A row of src/targets.def. */
struct opdb_target {
	const char *name;	/* the --target spelling */
	enum opdb_family family;
	int table;		/* OPDB_FAM_ORT: its kernel table, else -1 */
	int fallback;		/* enum onnxfix_target_kind, or -1 */
	int opset_lo, opset_hi;	/* ai.onnx opsets it loads; 0 0: any */
	const char *who;	/* runtime and version, for messages */
	unsigned flags;		/* OPDB_TF_* */
};

/* The row of target kind K into *T; false when K is out of range. */
bool opdb_target(int k, struct opdb_target *t);
/* The family of target kind K (OPDB_FAM_NONE when out of range). */
enum opdb_family opdb_target_family(int k);
/* The kind whose name is the LEN bytes at NAME, or -1. */
int opdb_target_named(const char *name, size_t len);

/*
 * A row of the onnx-tensorrt support matrix (TensorRT 10.1, opsets
 * 9..20, no per-opset detail).  types uses TensorRT's names ("FP32,FP16");
 * types and restrictions are OPDB_NONE when the document leaves them
 * empty.
 */
struct opdb_trt {
	opdb_str domain, op;
	unsigned char supported, experimental;
	opdb_str types, restrictions;
};

/* The TensorRT row for (DOMAIN, OP), or NULL when the matrix omits it. */
const struct opdb_trt *opdb_tensorrt(const char *domain, const char *op);

/*
 * A row of onnx2tf's support tables.  tf_converter is "supported" or
 * "partial"; flatbuffer_direct is "builtin", "custom_candidate" or
 * "builtin+custom_candidate".  Empty cells are OPDB_NONE.  domain is ""
 * for the rows whose op the source names without a domain.
 */
struct opdb_tf {
	opdb_str domain, op, tf_converter, flatbuffer_direct, tflite_ops,
		constraints, custom_op_policy;
};

/*
 * The onnx2tf row for (DOMAIN, OP), or NULL when none.  DOMAIN may be
 * NULL to look among the rows without a domain (Input,
 * ScaleAndTranslate).
 */
const struct opdb_tf *opdb_onnx2tf(const char *domain, const char *op);

/*
 * Every schema, sorted by (domain, op, since) in strcmp order: sets *ALL
 * to the array and returns its length.
 */
size_t opdb_schemas(const struct opdb_schema **all);

/*
 * Generated tables (build/opdb_tables.c); use the functions above.  Each
 * array is sorted by (domain, op[, since]) in strcmp order; the domain
 * table keeps the order of opsets.tsv.
 */
struct opdb_domain {
	opdb_str domain;
	int min, max, last_release;
	unsigned char onnx;	/* a source=onnx row of opsets.tsv */
};

extern const struct opdb_schema opdb_tab_schemas[];
extern const size_t opdb_tab_nschemas;
extern const struct opdb_kernel *const opdb_tab_kernels[];
extern const size_t opdb_tab_nkernels[];
extern const char *const opdb_tab_kernel_names[];
extern const int opdb_tab_nkernel_tables;
extern const struct opdb_trt opdb_tab_trt[];
extern const size_t opdb_tab_ntrt;
extern const struct opdb_tf opdb_tab_tf[];
extern const size_t opdb_tab_ntf;
extern const struct opdb_domain opdb_tab_domains[];
extern const size_t opdb_tab_ndomains;

#endif
