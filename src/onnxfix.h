/* SPDX-License-Identifier: MIT */
/*
 * onnxfix: inspect and repair ONNX models.  The library's public API.
 *
 * Ownership: onnxfix_load() returns a struct ir_model that owns everything
 * reachable from it (the decoded file, the IR, every string a pass
 * creates); onnxfix_model_free() releases it at once.  Diagnostics are
 * collected in a caller-owned struct diag_list (see diag.h) whose strings
 * belong to the list.  The library never prints and never exits: every
 * function records what went wrong in the list and returns a status.
 *
 * A typical program:
 *	struct onnxfix_options o;
 *	struct diag_list d;
 *	struct ir_model *m;
 *
 *	onnxfix_options_default(&o);
 *	diag_list_init(&d);
 *	if (onnxfix_load("in.onnx", &o, &d, &m) == ONNXFIX_OK) {
 *		onnxfix_check(m, &o, &d);
 *		onnxfix_fix(m, &o, &d);
 *		onnxfix_save(m, "out.onnx", &o, &d);
 *		onnxfix_model_free(m);
 *	}
 *	... print d.v[i] with diag_print(), then diag_list_release(&d).
 *
 * A finding's stable code is diag_table[d.v[i].id].code (diag.h).  The
 * report writers of the command line (text, JSON, SARIF, GitHub, with
 * --select/--ignore filtering and baselines) are in diag/report.h:
 * report_init(), report_add() per model, report_finish().
 */
#ifndef ONNXFIX_H
#define ONNXFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/diag.h"
#include "diag/report.h"
#include "ir/ir.h"

/* Status of a library call; the CLI maps them to exit statuses. */
enum onnxfix_status {
	ONNXFIX_OK = 0,
	ONNXFIX_EREFUSED = 1,	/* a rewrite asked for (fix --opset, a
				 * layout with no converter at the
				 * interface) cannot be done exactly:
				 * nothing to write */
	ONNXFIX_EINPUT = 2,	/* input malformed or over a safety limit */
	ONNXFIX_EBUDGET = 3,	/* memory budget exceeded */
	ONNXFIX_EIO = 4,	/* input unreadable or output not written */
	ONNXFIX_EINTERNAL = 70,	/* a bug: an invariant did not hold */
};

/* What --target names: one row each in targets.def (the runtimes'
 * tables and judgements: src/opdb/runtimes.c). */
enum onnxfix_target_kind {
#define TARGET(id, ...) ONNXFIX_TARGET_##id,
#include "targets.def"
#undef TARGET
	ONNXFIX__TARGETS
};

struct onnxfix_target {
	enum onnxfix_target_kind kind;
	int opset;			/* onnx@OPSET; 0: the newest known */
};

#define ONNXFIX_MAX_TARGETS 8

/* Framework conventions for normalisation defaults (BN epsilon and
 * momentum, LayerNorm epsilon, ...). */
enum onnxfix_convention {
	ONNXFIX_CONV_NONE,		/* not chosen */
	ONNXFIX_CONV_ONNX,
	ONNXFIX_CONV_PYTORCH,
	ONNXFIX_CONV_KERAS,
	ONNXFIX_CONV_TF,
};

enum onnxfix_layout {
	ONNXFIX_LAYOUT_KEEP,		/* interface unchanged (default) */
	ONNXFIX_LAYOUT_NCHW,		/* channels second */
	ONNXFIX_LAYOUT_NHWC,		/* channels last */
};

struct onnxfix_options {
	/* Loading limits (hostile input). */
	uint64_t max_file_bytes;	/* default 2 GiB - 1 */
	uint64_t mem_budget;		/* 0: min(64 MiB + 64 x input, 8 GiB) */
	unsigned max_depth;		/* message nesting, default 100 */
	unsigned max_graph_depth;	/* subgraph nesting, default 32 */
	unsigned max_type_depth;	/* TypeProto nesting, default 32 */
	unsigned max_repeat;		/* singular field repeats, default 64 */
	bool pb_nodes;			/* decode every node with protobuf-c,
					 * none from its bytes (skel.h): slower,
					 * for testing one way against the
					 * other */
	/* External data (external.h). */
	unsigned max_external_files;	/* distinct files, default 4096 */
	bool allow_hardlinks;		/* accept st_nlink > 1 */
	const char *external_data;	/* fix: write weights to this file
					 * beside the output; NULL: inline */
	uint64_t size_threshold;	/* smaller tensors stay inline, 1024 */
	/* Passes: comma-separated pass names; NULL means the default set. */
	const char *passes;
	const char *skip;
	bool verify;			/* verify the IR after each rewrite */
	bool dry_run;			/* fix: report, change nothing */
	bool sync;			/* fix --sync: fsync every output file
					 * (model, external data) before it is
					 * renamed into place */
	/* Analyses (check) and rewrites (fix). */
	struct onnxfix_target targets[ONNXFIX_MAX_TARGETS];	/* --target */
	size_t ntargets;		/* 0: no runtime chosen */
	enum onnxfix_convention expect;	/* check --expect */
	enum onnxfix_convention bn_convention;	/* fix --bn-convention */
	bool explicit_defaults;		/* fix --explicit-defaults */
	bool inference;			/* fix --inference: training-mode
					 * BatchNormalization to inference
					 * mode (changes its outputs) */
	bool pads_split;		/* fix --pads split */
	enum onnxfix_layout inputs_layout;	/* fix --inputs-layout */
	enum onnxfix_layout outputs_layout;	/* fix --outputs-layout */
	int opset;			/* fix --opset: convert the default
					 * domain to this opset; 0: keep */
	int ir_version;			/* fix --ir-version; 0: keep, or
					 * what the opset needs */
	/* Custom-op mappings, "DOMAIN::OP=OP(attr=value,...)" each
	 * (--map, repeatable), and a file of such lines (--map-file). */
	const char *const *maps;
	size_t nmaps;
	const char *map_file;
	/* fix --input-shape "NAME=D1,D2,..." (one per input) and
	 * --dim-param "NAME=VALUE": the dims to fix before the rewrites
	 * (onnxfix_input_shapes(), which the caller runs before
	 * onnxfix_fix()). */
	const char *const *input_shapes;
	size_t ninput_shapes;
	const char *const *dim_params;
	size_t ndim_params;
	/* Long work (writing a large model) calls this now and then with
	 * the bytes DONE out of TOTAL; NULL: none.  The CLI draws it. */
	void (*progress)(void *arg, const char *what, uint64_t done,
	    uint64_t total);
	void *progress_arg;
};

/*
 * Parse a --target value ("ort-cpu", "onnx@17", ...) into *T.  Returns 0,
 * or -1 when SPEC names no known target.
 */
int onnxfix_parse_target(const char *spec, struct onnxfix_target *t);
/* A default-domain (ai.onnx) opset the tables know, as text ("17"):
 * the number, or -1 (not a number, or outside 1 to the newest). */
int onnxfix_parse_opset(const char *spec);
/*
 * Parse and validate the custom-op mappings of O (--map, --map-file)
 * against the operator tables.  Returns 0; -1 when one is invalid, -2
 * when the map file cannot be read, -3 out of memory; WHY (SIZE bytes)
 * then says why, escaped.
 */
int onnxfix_maps_check(const struct onnxfix_options *o, char *why,
    size_t size);
/* "onnx", "pytorch", "keras", "tf" -> enum; -1 when unknown. */
int onnxfix_parse_convention(const char *spec);
/* Short name of a target kind: "ort-cpu", ...; "onnx" for ONNX. */
const char *onnxfix_target_name(enum onnxfix_target_kind kind);
/* Every --target spelling, ", " between ("onnx, onnx@OPSET, ort-cpu,
 * ..."), into BUF (SIZE bytes, cut short if too small); returns BUF. */
const char *onnxfix_target_spellings(char *buf, size_t size);

void onnxfix_options_default(struct onnxfix_options *o);

/*
 * Read and decode the model at PATH, build its IR and return it in *OUT.
 * On failure *OUT is NULL and one fatal diagnostic says why.
 */
enum onnxfix_status onnxfix_load(const char *path,
    const struct onnxfix_options *o, struct diag_list *d,
    struct ir_model **out);
/* Same, from LEN bytes in memory (not copied: BUF must outlive the model).
 * NAME is used in messages only. */
enum onnxfix_status onnxfix_load_buffer(const uint8_t *buf, size_t len,
    const char *name, const struct onnxfix_options *o, struct diag_list *d,
    struct ir_model **out);
void onnxfix_model_free(struct ir_model *m);
/* Did onnxfix_input_shapes() or onnxfix_fix() change M?  (A note that
 * something was left as it was is not a change.) */
bool onnxfix_model_changed(const struct ir_model *m);

/* Run every analysis pass (onnxfix check).  Findings go to D. */
enum onnxfix_status onnxfix_check(struct ir_model *m,
    const struct onnxfix_options *o, struct diag_list *d);
/* Run the rewrite passes (onnxfix fix); a note per change goes to D. */
enum onnxfix_status onnxfix_fix(struct ir_model *m,
    const struct onnxfix_options *o, struct diag_list *d);

/*
 * Fix the input dims O->input_shapes and O->dim_params give (fix
 * --input-shape, --dim-param) in M's declarations, before onnxfix_fix()
 * propagates and folds them.  ONNXFIX_OK (a note per changed input, none
 * when no option is given); ONNXFIX_EINPUT when an option does not fit
 * the model (an error per misfit, naming the input and what contradicts;
 * then nothing is changed); ONNXFIX_EBUDGET.
 */
enum onnxfix_status onnxfix_input_shapes(struct ir_model *m,
    const struct onnxfix_options *o, struct diag_list *d);

/*
 * Encode M into a malloc'd buffer (*BUF, *LEN), re-reading it to be sure
 * it decodes.  With no change since load, the result is the canonical
 * protobuf encoding of the input: equal content, unknown fields included.
 */
enum onnxfix_status onnxfix_encode(struct ir_model *m, struct diag_list *d,
    uint8_t **buf, size_t *len);
/*
 * Write M to PATH atomically: a temporary file beside PATH, every write
 * checked, rename.  On failure nothing is left at PATH's name and
 * an existing file there is untouched.  Tensor payloads still in the
 * input file are copied from it by the kernel, never through memory
 * (stream.h); external data files go along to another directory
 * (xdata.h).  With O->sync every file is fsync'd before it is renamed
 * (durable across a power loss, at the cost of waiting for the disk).
 */
enum onnxfix_status onnxfix_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct diag_list *d);

enum onnxfix_dot_format {
	ONNXFIX_DOT,
	ONNXFIX_SVG,
	ONNXFIX_PNG,
	ONNXFIX_HTML,		/* one page: the SVG, pan, zoom, search */
};

/*
 * Can pictures be drawn?  Graphviz is loaded when first needed (not at
 * program start): ONNXFIX_OK once it is, else O104 in D saying why and
 * ONNXFIX_EIO.  A caller that writes other files before it draws asks
 * first, so that a missing Graphviz fails before anything is written.
 */
enum onnxfix_status onnxfix_dot_ready(struct diag_list *d);

/* Draw M with Graphviz into PATH ("-" for stdout), atomically. */
enum onnxfix_status onnxfix_dot(struct ir_model *m, const char *path,
    enum onnxfix_dot_format fmt, struct diag_list *d);

/* What onnxfix_dot_opts() draws; zero values are the defaults. */
struct onnxfix_dot_options {
	const char *focus;	/* node or tensor name: draw its neighbourhood */
	unsigned radius;	/* hops around focus (0: 3) */
	const char *ops;	/* comma-separated op types to draw (NULL: all) */
	bool collapse;		/* draw repeated name-scope blocks once */
	unsigned max_nodes;	/* op nodes drawn at most (0: 500) */
	bool no_scopes;		/* no clusters for name scopes */
	/*
	 * Before/after drawing (fix --dot-diff): the nodes that were live
	 * before the rewrites.  Those now dead are drawn ghosted, live nodes
	 * not in the list highlighted as new, changed ones (dirty) marked.
	 */
	bool diff;
	struct ir_node *const *before;
	size_t nbefore;
	/*
	 * Picture of a diff (onnxfix diff -T, with diff set and BEFORE the
	 * nodes matched in the other model): nodes of the other model that
	 * were removed, drawn as ghosts in REMOVED_IN[k] (a graph of this
	 * model) with edges by tensor name, and nodes of this model that
	 * changed, with a line of text each ("axis: 1 -> 2").
	 */
	struct ir_node *const *removed;
	struct ir_graph *const *removed_in;
	size_t nremoved;
	struct ir_node *const *changed;
	const char *const *changed_text;
	size_t nchanged;
	/* The other model's main graph: inputs and outputs whose type
	 * differs from its ones, or that it lacks, are marked changed. */
	const struct ir_graph *interface_a;
};

enum onnxfix_status onnxfix_dot_opts(struct ir_model *m, const char *path,
    enum onnxfix_dot_format fmt, const struct onnxfix_dot_options *opt,
    struct diag_list *d);

/*
 * Snapshot of every live node of M (all graphs), for the before/after
 * drawing: an arena array in *OUT (M's arena), its length returned.
 */
size_t onnxfix_dot_snapshot(struct ir_model *m, struct ir_node ***out);

/*
 * Semantic difference of models A and B, written as text or JSON (format
 * "onnxfix-diff", version 2) to PATH ("-": stdout).  *DIFFER tells
 * whether anything differs.
 */
enum onnxfix_status onnxfix_diff(struct ir_model *a, struct ir_model *b,
    const char *path, bool json, bool *differ, struct diag_list *d);

/*
 * The same comparison drawn (onnxfix diff -T svg): B with the nodes
 * added green, those changed with an orange border and their attribute
 * and input changes as label lines, A's removed nodes ghosted with
 * their edges by tensor name, and changed graph inputs and outputs
 * marked.  OPT (may be NULL) gives --focus, --collapse and the limits.
 */
enum onnxfix_status onnxfix_diff_picture(struct ir_model *a,
    struct ir_model *b, const char *path, enum onnxfix_dot_format fmt,
    const struct onnxfix_dot_options *opt, bool *differ,
    struct diag_list *d);

/* Write all N bytes at BUF to FD, retrying short writes and EINTR.
 * Returns 0, or -1 with errno set (EIO for a write of zero bytes). */
int onnxfix_write_all(int fd, const void *buf, size_t n);

/*
 * Write BUF (LEN bytes) to PATH atomically (a temporary file beside it,
 * then rename; not fsync'd).  "-" writes stdout.  Used by every writer in
 * the library.
 */
enum onnxfix_status onnxfix_write_file(const char *path, const void *buf,
    size_t len, struct diag_list *d);

#endif
