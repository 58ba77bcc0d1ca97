/* SPDX-License-Identifier: MIT */
/*
 * The external data references of a model, wherever they are.  A
 * TensorProto can name external data (data_location = EXTERNAL) in an
 * initializer, a sparse initializer's values or indices, a TENSOR,
 * TENSORS, SPARSE_TENSOR or SPARSE_TENSORS attribute (Constant's value
 * and sparse_value among them), a function's attribute default, or a
 * training graph, at any depth of subgraphs.  The IR models only the
 * first and the TENSOR attribute's tensor; xdata_walk() visits all of
 * them, the rest read from the decoded model, so that every reference is
 * checked by the one resolver (ext_resolve in external.c) and none
 * reaches the output unchecked.
 *
 * And copying external data files beside a written model: a reference
 * that is written as it was read names a file relative to the model, so
 * when the output is in another directory that file is copied along,
 * opened through the resolver and copied by the kernel (copy_file_range);
 * its bytes are never read into memory.
 */
#ifndef ONNXFIX_XDATA_H
#define ONNXFIX_XDATA_H

#include "onnxfix.h"

struct ext_dir;

/* xdata_walk() flags */
#define XDATA_LIVE 1u		/* leave out dead nodes and their
				 * subgraphs: what the writer writes */
#define XDATA_ALL 2u		/* also the IR's tensors whose data is not
				 * external (the --external-data writer) */
#define XDATA_UNMODELLED 4u	/* only the TensorProtos the IR does not
				 * hold (none of its struct ir_tensor) */
#define XDATA_WHERE 8u		/* say where each one is (for a report) */

struct xdata_ref {
	struct ir_tensor *t;
	/* the IR's own tensor (an initializer, or the tensor of a TENSOR
	 * attribute, then ATTR): the writer rewrites it.  Else T is a view
	 * of a TensorProto the writer copies as it was read, valid only
	 * during the call. */
	bool modelled;
	struct ir_attr *attr;
	const char *where;	/* with XDATA_WHERE, else NULL */
};

/*
 * Call FN(ARG, REF) for every TensorProto of M that names external data
 * (data_location EXTERNAL, or any external_data entry), in a fixed order:
 * each graph of the IR (main, functions, subgraphs) with its
 * initializers, sparse initializers and its nodes' tensor attributes,
 * then the functions' attribute defaults, then the training graphs.  No
 * recursion.  Stops at FN's first nonzero return and returns it; -1 when
 * out of budget.
 */
int xdata_walk(struct ir_model *m, unsigned flags,
    int (*fn)(void *arg, const struct xdata_ref *ref), void *arg);

/*
 * Before M is written to OUT, in another directory than the input's:
 * copy the N files LOCS[] (locations, each once, that ext_resolve()
 * accepted beneath X) into OUT's directory, each under its own relative
 * name, atomically.  Nothing to do for OUT "-" or the same directory.
 * ONNXFIX_OK, or a status with a diagnostic.
 */
enum onnxfix_status xdata_copy(struct ext_dir *x, const char *const *locs,
    size_t n, const char *out,
    const struct onnxfix_options *o, struct diag_list *d);

/* A sparse initializer, as xdata_sparse_walk() shows it: its dims,
 * and its values and indices as the loader builds tensors (PRESENT
 * false when the field is absent).  Valid during the call only. */
struct xdata_sparse {
	const char *where;	/* "graph/sparse_initializer N" */
	const int64_t *dims;
	size_t ndims;
	struct ir_tensor values, indices;
	bool has_values, has_indices;
};

/* Call FN(ARG, SP) for every sparse initializer of every graph of M,
 * stopping at FN's first nonzero return (returned); -1 when out of
 * budget. */
int xdata_sparse_walk(struct ir_model *m,
    int (*fn)(void *arg, const struct xdata_sparse *sp), void *arg);

/* load.c: T from the TensorProto TP as the loader builds it (payloads
 * not copied; external_data entries in arena A).  0, or -1 when out of
 * budget. */
int load_tensor(struct arena *a, const void *tp, struct ir_tensor *t);

#endif
