/* SPDX-License-Identifier: MIT */
/*
 * The pass interface.
 *
 * Adding a pass named foo-bar:
 *  1. Write passes/foo_bar.c holding exactly that pass.  Start it with what
 *     it fixes and why, what it requires and what it preserves, and a
 *     three-line before/after sketch.  End it with the descriptor
 *	const struct pass pass_foo_bar = { "foo-bar", PASS_REWRITE, ... };
 *  2. Add PASS(foo_bar) to passes/passes.def at its place in the pipeline.
 *  3. Document it in man/onnxfix.1 under PASSES (a .It foo-bar entry) and
 *     any diagnostic it reports under DIAGNOSTICS.
 *  4. Add golden cases under testdata/foo_bar/ (tests/run-golden.sh).
 * make check fails when the table, the man page and the golden cases
 * disagree (tests/check-docs.sh).  A pass calls the helpers of
 * passes/support.c, never the driver (passes/pipeline.c).
 *
 * Analysis passes only report: they must not change the IR.  Rewrite
 * passes change it and report each change as a note; the driver verifies
 * the IR after every rewrite pass and names the pass when it is broken.
 */
#ifndef ONNXFIX_PASS_H
#define ONNXFIX_PASS_H

#include "onnxfix.h"

enum pass_kind {
	PASS_ANALYSIS,
	PASS_REWRITE,
};

/* A finding of the shape inference the pipeline runs before the
 * analysis passes (what: enum shapes_issue; detail escaped). */
struct pass_shapes_finding {
	int what;
	const struct ir_graph *g;
	const struct ir_node *n;
	const char *detail;
};

struct pass_ctx {
	struct ir_model *m;
	struct diag_list *d;
	const struct onnxfix_options *o;
	struct arena scratch;	/* reset after each pass */
	bool changed;		/* a rewrite pass sets it when it changed */
	bool refused;		/* a rewrite pass sets it when a rewrite the
				 * user asked for cannot be done exactly: fix
				 * stops and writes nothing (ONNXFIX_EREFUSED) */
	bool interface_done;	/* fix: transpose has acted on
				 * --inputs-layout/--outputs-layout (once, in
				 * its first round) */
	/* check: what that inference found, for the shapes pass to report
	 * in its turn (inference gives the same result when run again, so
	 * it runs once); shapes_recorded false: run it again */
	bool shapes_recorded;
	const struct pass_shapes_finding *shapes_found;
	size_t nshapes_found;
	/* check: the operators the nodes use, made on first use
	 * (pass_uses_op); NULL: not known */
	struct pass_census *census;
	/* fix: the multiply-adds fold has spent over every round, against
	 * its limit for the whole run (passes/fold.h) */
	uint64_t fold_work;
};

struct pass {
	const char *name;	/* CLI name: file name with - for _ */
	enum pass_kind kind;
	const char *summary;	/* one line for `onnxfix passes` */
	/* 0 on success, -1 when out of budget (a diagnostic says so). */
	int (*run)(struct pass_ctx *ctx);
	/* The option of O that only this pass carries out, as the user
	 * wrote it ("--opset"), when O asks for it; NULL when none is
	 * asked (or the pass takes none).  An option asked for while
	 * --passes or --skip leaves its pass out would do nothing. */
	const char *(*asked)(const struct onnxfix_options *o);
};

#define PASS(name) extern const struct pass pass_##name;
#include "passes.def"
#undef PASS

/* The table, in pipeline order, NULL-terminated. */
extern const struct pass *const pass_table[];
const struct pass *pass_lookup(const char *name);
/* Does fix or check with O's --passes and --skip run the pass NAME? */
bool pass_selected(const struct onnxfix_options *o, const char *name);

/* Index the model's local functions by "domain\x1fname" into LOCALS
 * (scratch memory): 0, or -1 when out of budget. */
int pass_local_functions(struct pass_ctx *ctx, struct hmap *locals);
/* Is N a call of a local function of LOCALS? */
bool pass_is_local_function(struct pass_ctx *ctx, const struct hmap *locals,
    const struct ir_node *n);

/*
 * The operators of the model's nodes (every graph and function body,
 * dead nodes too), one entry per op_type and domain, "" and "ai.onnx"
 * being one domain.  Known during check only, where no pass changes the
 * model, so that a pass can leave out its walk over the nodes when the
 * operators it looks at are absent.
 */
struct pass_op {
	const char *domain, *op_type;	/* as its first node spells them */
	bool onnx;		/* the default domain */
	size_t count;		/* nodes */
	struct pass_op *next;	/* in order of first use */
	struct pass_op *same_type;	/* next with this op_type */
};

/* The census behind pass_ops() (passes/support.c); the driver holds one
 * per check. */
#define CENSUS_RECENT 8

struct pass_census {
	struct arena a;
	bool built, failed;
	struct hmap by_type;	/* op_type -> first struct pass_op */
	struct pass_op *first, **tail;
	/* the last entries found by op_type and domain pointer: the loader
	 * gives every node of one operator the same strings */
	struct {
		const char *op_type, *domain;
		struct pass_op *e;
	} recent[CENSUS_RECENT];
	size_t next_recent;
};

/* The first entry into *FIRST (NULL: no node at all) and 0, or -1 when
 * the operators are not known (in fix, or out of budget). */
int pass_ops(struct pass_ctx *ctx, const struct pass_op **first);
/* Does a node use OP of DOMAIN (NULL, "" or "ai.onnx": the default
 * domain)?  True as well when that is not known. */
bool pass_uses_op(struct pass_ctx *ctx, const char *domain, const char *op);

/*
 * What fix --opset TARGET would do to the model of CTX (check --target
 * onnx@N): converts a fresh copy (pass_load_copy), leaving CTX's model
 * alone.  *REFUSED gets the count of nodes it would refuse
 * and FIRST (SIZE bytes) the first reason, escaped.  0, or -1 when the
 * copy cannot be made (standard input, out of budget): nothing known.
 */
int pass_opset_trial(struct pass_ctx *ctx, int target, size_t *refused,
    char *first, size_t size);

/*
 * A second copy of CTX's model for a pass to try something on without
 * changing the model: loaded with options O from the input bytes (or,
 * when they were not kept, read again from the file), external data
 * read beside the model as fix reads it, and given only what is left of
 * the model's memory budget, so that the two together stay within it.
 * NULL when there is no input to copy (standard input) or the copy does
 * not load within that budget; D gets the copy's diagnostics.  Free it
 * with onnxfix_model_free().
 */
struct ir_model *pass_load_copy(struct pass_ctx *ctx,
    const struct onnxfix_options *o, struct diag_list *d);

/* Report ID at node N (escaping handled). */
void pass_report_node(struct pass_ctx *ctx, enum diag_id id,
    const struct ir_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Notes describe the net change to the input: a pass that undoes or
 * absorbs an earlier step drops the note about it (pass_drop_note, by
 * index in ctx->d) or adds to one (pass_amend_note appends the formatted
 * text to its detail; 0, or -1 when out of memory).
 */
void pass_drop_note(struct pass_ctx *ctx, size_t i);
/* The same for every note I from FROM on with DROP[I - FROM] set, at
 * once (dropping many one by one moves the list each time). */
void pass_drop_notes(struct pass_ctx *ctx, size_t from, const bool *drop);
int pass_amend_note(struct pass_ctx *ctx, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
