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

bool
pass_selected(const struct onnxfix_options *o, const char *name)
{
	if (o->passes != NULL && !listed(o->passes, name))
		return false;
	return o->skip == NULL || !listed(o->skip, name);
}

static bool
selected(const struct onnxfix_options *o, const struct pass *p)
{
	return pass_selected(o, p->name);
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

/*
 * Fix runs the rewrite passes in rounds until a round changes nothing:
 * one pass can enable another that ran before it (an Identity that hid a
 * shared weight from bn-fold, a fold that makes a Transpose's input
 * constant), and fix of fix's output must change nothing.  A bound keeps
 * a pair of passes that undo each other from running for ever; reaching
 * it is reported.  Within a round, the cleanup passes (identity, cse,
 * fold) repeat among themselves while they change something, which
 * spares most rounds of the whole pipeline.
 */
#define MAX_ROUNDS 8

/* The key of diagnostic D in merge_round's index: SUMMARY, the key of
 * the Transpose summary of its graph.  A finding about a node is keyed
 * by the node itself, not its location: a later round counts the node
 * at another index once earlier nodes are gone.  Built by hand: printf
 * would be most of the cost with thousands of notes. */
static const char *
diag_key(struct arena *a, const struct diag *d, bool summary)
{
	static const char hex[] = "0123456789abcdef";
	const char *loc = d->loc == NULL || (!summary && d->subject != NULL) ?
	    "" : d->loc;
	const char *det = summary || d->detail == NULL ? "" : d->detail;
	size_t nl = strlen(loc), nd = strlen(det), i, k = 0;
	uintptr_t subj = summary ? 0 : (uintptr_t)d->subject;
	unsigned id = summary ? 0xffffu : (unsigned)d->id;
	char *s = arena_alloc(a, 2 * sizeof(subj) + 4 + 3 + nl + nd + 1);

	if (s == NULL)
		return NULL;
	for (i = 0; i < 4; i++)
		s[k++] = hex[(id >> (12 - 4 * i)) & 15];
	s[k++] = '\x1f';
	for (i = 0; i < 2 * sizeof(subj); i++)
		s[k++] = hex[(subj >> (4 * i)) & 15];
	s[k++] = '\x1f';
	memcpy(s + k, loc, nl);
	k += nl;
	s[k++] = '\x1f';
	memcpy(s + k, det, nd);
	s[k + nd] = '\0';
	return s;
}

/*
 * After a round (its diagnostics from index FROM on): a finding made
 * already, in an earlier round or earlier in this one (a warning about
 * what stays, say), is dropped, and a second Transpose summary of a
 * graph joins the first, which then counts from the first round's
 * before to this round's after.  The findings are indexed, not compared
 * pairwise: notes can be thousands.  0, or -1 out of memory.
 */
static int
merge_round(struct pass_ctx *ctx, size_t from)
{
	struct diag_list *l = ctx->d;
	struct arena *a = &ctx->scratch;
	size_t i, n = l->n;
	struct hmap seen;
	bool *drop;

	if (n <= from)
		return 0;
	if ((drop = arena_array(a, n - from, sizeof(*drop))) == NULL)
		return -1;
	hmap_init(&seen, a);
	for (i = 0; i < from; i++) {
		const struct diag *e = &l->v[i];
		const char *k = diag_key(a, e, e->id == DIAG_F_TP_SUMMARY);

		if (k == NULL || hmap_put(&seen, k,
		    (void *)(uintptr_t)(i + 1), NULL) < 0)
			return -1;
	}
	for (i = from; i < n; i++) {
		const struct diag *d = &l->v[i];
		bool sum = d->id == DIAG_F_TP_SUMMARY;
		const char *k = diag_key(a, d, sum), *after;
		unsigned long long before;
		struct diag *e;
		char *nd;
		void *p;

		if (k == NULL)
			return -1;
		if ((p = hmap_get(&seen, k)) == NULL) {
			/* the cleanup passes repeat within a round */
			if (hmap_put(&seen, k, (void *)(uintptr_t)(i + 1),
			    NULL) < 0)
				return -1;
			continue;
		}
		e = &l->v[(uintptr_t)p - 1];
		if (!sum) {
			drop[i - from] = true;
			continue;
		}
		if (e->detail == NULL || d->detail == NULL ||
		    sscanf(e->detail, "%llu before", &before) != 1 ||
		    (after = strstr(d->detail, ", ")) == NULL)
			continue;
		if (asprintf(&nd, "%llu before%s", before, after) < 0) {
			l->oom = true;
			return -1;
		}
		free(e->detail);
		e->detail = nd;
		drop[i - from] = true;
	}
	pass_drop_notes(ctx, from, drop);
	return 0;
}

static enum onnxfix_status
run_passes(struct ir_model *m, const struct onnxfix_options *o,
    struct diag_list *d, enum pass_kind kind, struct shapes_log *log,
    struct pass_census *census)
{
	const char *changed[sizeof(pass_table) / sizeof(pass_table[0])];
	bool listed_changed[sizeof(pass_table) / sizeof(pass_table[0])];
	size_t nchanged = 0, lost = m->nxfail_lost, round, from;
	struct ir_xfail *seen;
	struct pass_ctx ctx;
	bool again, cleanup_changed;
	size_t i, cfirst = SIZE_MAX, clast = SIZE_MAX, cleanup;

	memset(&ctx, 0, sizeof(ctx));
	memset(listed_changed, 0, sizeof(listed_changed));
	/* the cleanup passes, identity to fold in pipeline order, when all
	 * of them run */
	for (i = 0; pass_table[i] != NULL; i++) {
		if (pass_table[i] == &pass_identity)
			cfirst = i;
		if (pass_table[i] == &pass_fold)
			clast = i;
	}
	if (cfirst > clast || clast == SIZE_MAX ||
	    !selected(o, &pass_identity) || !selected(o, &pass_cse) ||
	    !selected(o, &pass_fold))
		cfirst = SIZE_MAX;
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
	for (round = 0, again = true; again; round++) {
		if (round == MAX_ROUNDS) {
			diag_report(d, DIAG_F_ROUNDS, "", "%d rounds",
			    MAX_ROUNDS);
			break;
		}
		again = false;
		from = d->n;
		cleanup = 0;
		cleanup_changed = false;
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
				if (m->budget != NULL &&
				    m->budget->exceeded) {
					diag_report(d, DIAG_LOAD_BUDGET, "",
					    "in pass %s", p->name);
					return ONNXFIX_EBUDGET;
				}
				diag_report(d, DIAG_X_VERIFY, "",
				    "pass %s failed", p->name);
				return ONNXFIX_EINTERNAL;
			}
			arena_release(&ctx.scratch);
			report_unread(m, d, &seen, &lost, p->name);
			/* a conversion that cannot be exact writes nothing */
			if (kind == PASS_REWRITE && ctx.refused)
				return ONNXFIX_EREFUSED;
			if (kind == PASS_REWRITE && ctx.changed) {
				again = true;
				if (!listed_changed[i]) {
					listed_changed[i] = true;
					changed[nchanged++] = p->name;
				}
			}
			/* an unchanged model was verified when it last
			 * changed */
			if (kind == PASS_REWRITE && o->verify && ctx.changed &&
			    ir_verify(m, why, sizeof(why)) < 0) {
				char esc[DIAG_ESCAPE_SIZE];

				diag_report(d, DIAG_X_VERIFY, "",
				    "after pass %s: %s", p->name,
				    diag_escape_str(esc, sizeof(esc), why));
				return ONNXFIX_EINTERNAL;
			}
			/* the next pass sees the types of the changed
			 * graph */
			if (kind == PASS_REWRITE && ctx.changed &&
			    shapes_infer(m) < 0) {
				diag_report(d, DIAG_LOAD_BUDGET, "",
				    "inferring shapes after pass %s",
				    p->name);
				return ONNXFIX_EBUDGET;
			}
			if (kind == PASS_REWRITE && ctx.changed)
				report_unread(m, d, &seen, &lost,
				    "shape inference");
			/* The cleanup passes feed each other (a fold makes
			 * a Reshape a no-op, whose removal makes two nodes
			 * equal, whose merge makes a fold): they go round
			 * among themselves before another round of every
			 * pass. */
			if (kind != PASS_REWRITE || cfirst == SIZE_MAX)
				continue;
			if (ctx.changed && i >= cfirst && i <= clast)
				cleanup_changed = true;
			if (i == clast && cleanup_changed &&
			    ++cleanup < MAX_ROUNDS) {
				cleanup_changed = false;
				i = cfirst - 1;
			}
		}
		if (kind == PASS_REWRITE) {
			arena_init(&ctx.scratch, m->budget);
			i = merge_round(&ctx, from) < 0;
			arena_release(&ctx.scratch);
			if (i) {
				diag_report(d, DIAG_LOAD_BUDGET, "",
				    "merging the notes of a round");
				return ONNXFIX_EBUDGET;
			}
		}
		if (kind != PASS_REWRITE)
			break;
	}
	if (nchanged > 0)
		m->changed = true;
	if (nchanged > 0 && audit(m, changed, nchanged) < 0) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "recording the audit entry");
		return ONNXFIX_EBUDGET;
	}
	return ONNXFIX_OK;
}

bool
onnxfix_model_changed(const struct ir_model *m)
{
	return m->changed;
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
