/* SPDX-License-Identifier: MIT */
/*
 * The pass driver: the table built from passes/passes.def, pass selection
 * (--passes, --skip), running analyses for `check` and rewrites for `fix`,
 * and the IR verification after every rewrite.  What the passes call
 * (reporting on a node, the operator census, local functions) is in
 * passes/support.c, so that no pass calls into the driver.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass.h"
#include "ir/shapes.h"

const struct pass *const pass_table[] = {
#define PASS(name) &pass_##name,
#include "passes.def"
#undef PASS
	NULL
};

const struct pass *
pass_lookup(const char *name)
{
	size_t i;

	for (i = 0; pass_table[i] != NULL; i++)
		if (strcmp(pass_table[i]->name, name) == 0)
			return pass_table[i];
	return NULL;
}

/* Is NAME in the comma-separated LIST? */
static bool
listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool
selected(const struct onnxfix_options *o, const struct pass *p)
{
	if (o->passes != NULL && !listed(o->passes, p->name))
		return false;
	return o->skip == NULL || !listed(o->skip, p->name);
}

#ifndef ONNXFIX_VERSION
#define ONNXFIX_VERSION "0"
#endif

/*
 * The audit entry that fix leaves in metadata_props when it changed the
 * model: key "onnxfix.fix", value "onnxfix VERSION: pass, pass" naming the
 * passes that changed something.  An earlier entry under the key is
 * replaced (a key may occur only once).  A model fix did not change gets
 * no entry, so that it is written back content-equal.
 */
static int
audit(struct ir_model *m, const char *const *names, size_t n)
{
	static const char key[] = "onnxfix.fix";
	size_t len = sizeof("onnxfix " ONNXFIX_VERSION ": "), i;
	struct ir_meta *meta;
	char *v;

	for (i = 0; i < n; i++)
		len += strlen(names[i]) + 2;
	if ((v = arena_alloc(&m->arena, len)) == NULL)
		return -1;
	strcpy(v, "onnxfix " ONNXFIX_VERSION ": ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(v, ", ");
		strcat(v, names[i]);
	}
	for (i = 0; i < m->nmeta; i++)
		if (strcmp(m->meta[i].key, key) == 0) {
			m->meta[i].value = v;
			m->meta_dirty = true;
			return 0;
		}
	meta = arena_array(&m->arena, m->nmeta + 1, sizeof(*meta));
	if (meta == NULL)
		return -1;
	if (m->nmeta > 0)
		memcpy(meta, m->meta, m->nmeta * sizeof(*meta));
	meta[m->nmeta].key = key;
	meta[m->nmeta].value = v;
	m->meta = meta;
	m->nmeta++;
	m->meta_dirty = true;
	return 0;
}

/*
 * The external data that could not be read in since *SEEN (the last
 * failure reported, NULL: none yet), for STEP (a pass or shape
 * inference): one warning per tensor, so that a rewrite left undone for
 * want of its values is never only a note.  The model records each
 * failure once (ir_tensor_view).
 */
static void
report_unread(struct ir_model *m, struct diag_list *d,
    struct ir_xfail **seen, size_t *lost, const char *step)
{
	char b[DIAG_ESCAPE_SIZE], w[DIAG_ESCAPE_SIZE];
	struct ir_xfail *f;

	for (f = *seen != NULL ? (*seen)->next : m->xfail; f != NULL;
	    f = f->next) {
		diag_report(d, DIAG_S_EXT_UNREAD, "", "tensor '%s', needed by "
		    "%s: %s", diag_escape_str(b, sizeof(b), f->tensor), step,
		    diag_escape_str(w, sizeof(w), f->why));
		*seen = f;
	}
	if (m->nxfail_lost > *lost) {
		diag_report(d, DIAG_S_EXT_UNREAD, "", "%zu more tensors, "
		    "needed by %s: out of memory", m->nxfail_lost - *lost,
		    step);
		*lost = m->nxfail_lost;
	}
}

struct shapes_log;
static enum onnxfix_status run_passes(struct ir_model *m,
    const struct onnxfix_options *o, struct diag_list *d,
    enum pass_kind kind, struct shapes_log *log, struct pass_census *c);

/* The findings of the first inference, for the shapes pass. */
struct shapes_log {
	struct arena a;
	struct pass_shapes_finding *v;
	size_t n, cap;
	bool failed;
};

static void
record(void *arg, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *detail)
{
	struct shapes_log *l = arg;
	const char *copy = detail ? arena_strdup(&l->a, detail) : NULL;

	if ((detail != NULL && copy == NULL) || arena_grow(&l->a,
	    (void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0) {
		l->failed = true;
		return;
	}
	l->v[l->n].what = (int)what;
	l->v[l->n].g = g;
	l->v[l->n].n = n;
	l->v[l->n++].detail = copy;
}

static enum onnxfix_status
run(struct ir_model *m, const struct onnxfix_options *o, struct diag_list *d,
    enum pass_kind kind)
{
	enum onnxfix_status rc;
	struct shapes_log log;
	struct pass_census census;

	memset(&log, 0, sizeof(log));
	arena_init(&log.a, m->budget);
	memset(&census, 0, sizeof(census));
	arena_init(&census.a, m->budget);
	rc = run_passes(m, o, d, kind, &log, &census);
	arena_release(&census.a);
	arena_release(&log.a);
	return rc;
}

static enum onnxfix_status
run_passes(struct ir_model *m, const struct onnxfix_options *o,
    struct diag_list *d, enum pass_kind kind, struct shapes_log *log,
    struct pass_census *census)
{
	const char *changed[sizeof(pass_table) / sizeof(pass_table[0])];
	size_t nchanged = 0, lost = m->nxfail_lost;
	struct ir_xfail *seen;
	struct pass_ctx ctx;
	size_t i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.m = m;
	ctx.d = d;
	ctx.o = o;
	/* failures before this run (another command on the same model)
	 * were reported by it */
	for (seen = m->xfail; seen != NULL && seen->next != NULL;
	    seen = seen->next)
		;
	/* Every pass sees inferred types, whatever the pass order.  For
	 * check, the findings are kept for the shapes pass. */
	ctx.shapes_recorded = kind == PASS_ANALYSIS &&
	    selected(o, &pass_shapes);
	if ((ctx.shapes_recorded ? shapes_infer_report(m, record, log) :
	    shapes_infer(m)) < 0 || log->failed) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "inferring shapes");
		return ONNXFIX_EBUDGET;
	}
	report_unread(m, d, &seen, &lost, "shape inference");
	ctx.shapes_found = log->v;
	ctx.nshapes_found = log->n;
	/* analysis passes leave the model as it is: one census serves
	 * them all */
	if (kind == PASS_ANALYSIS)
		ctx.census = census;
	for (i = 0; pass_table[i] != NULL; i++) {
		const struct pass *p = pass_table[i];
		char why[512];

		if (p->kind != kind || !selected(o, p))
			continue;
		arena_init(&ctx.scratch, m->budget);
		ctx.changed = false;
		if (p->run(&ctx) < 0) {
			arena_release(&ctx.scratch);
			report_unread(m, d, &seen, &lost, p->name);
			if (m->budget != NULL && m->budget->exceeded) {
				diag_report(d, DIAG_LOAD_BUDGET, "",
				    "in pass %s", p->name);
				return ONNXFIX_EBUDGET;
			}
			diag_report(d, DIAG_X_VERIFY, "", "pass %s failed",
			    p->name);
			return ONNXFIX_EINTERNAL;
		}
		arena_release(&ctx.scratch);
		report_unread(m, d, &seen, &lost, p->name);
		if (kind == PASS_REWRITE && ctx.refused)
			return ONNXFIX_EREFUSED;
		if (kind == PASS_REWRITE && ctx.changed)
			changed[nchanged++] = p->name;
		if (kind == PASS_REWRITE && o->verify &&
		    ir_verify(m, why, sizeof(why)) < 0) {
			char esc[DIAG_ESCAPE_SIZE];

			diag_report(d, DIAG_X_VERIFY, "", "after pass %s: %s",
			    p->name, diag_escape_str(esc, sizeof(esc), why));
			return ONNXFIX_EINTERNAL;
		}
		/* the next pass sees the types of the changed graph */
		if (kind == PASS_REWRITE && ctx.changed &&
		    shapes_infer(m) < 0) {
			diag_report(d, DIAG_LOAD_BUDGET, "",
			    "inferring shapes after pass %s", p->name);
			return ONNXFIX_EBUDGET;
		}
		if (kind == PASS_REWRITE && ctx.changed)
			report_unread(m, d, &seen, &lost, "shape inference");
	}
	if (nchanged > 0 && audit(m, changed, nchanged) < 0) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "recording the audit entry");
		return ONNXFIX_EBUDGET;
	}
	return ONNXFIX_OK;
}

enum onnxfix_status
onnxfix_check(struct ir_model *m, const struct onnxfix_options *o,
    struct diag_list *d)
{
	struct onnxfix_options defaults;

	if (o == NULL) {
		onnxfix_options_default(&defaults);
		o = &defaults;
	}
	return run(m, o, d, PASS_ANALYSIS);
}

enum onnxfix_status
onnxfix_fix(struct ir_model *m, const struct onnxfix_options *o,
    struct diag_list *d)
{
	struct onnxfix_options defaults;

	if (o == NULL) {
		onnxfix_options_default(&defaults);
		o = &defaults;
	}
	return run(m, o, d, PASS_REWRITE);
}
