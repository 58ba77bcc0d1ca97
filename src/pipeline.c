/* SPDX-License-Identifier: MIT */
/*
 * The pass driver: the table built from passes/passes.def, pass selection
 * (--passes, --skip), running analyses for `check` and rewrites for `fix`,
 * and the IR verification after every rewrite.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass.h"
#include "shapes.h"

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

int
pass_local_functions(struct pass_ctx *ctx, struct hmap *locals)
{
	size_t i;

	hmap_init(locals, &ctx->scratch);
	for (i = 0; i < ctx->m->nfunctions; i++) {
		const struct ir_function *f = ctx->m->functions[i];
		const char *k = arena_printf(&ctx->scratch, "%s\x1f%s",
		    f->domain, f->name);

		if (k == NULL || hmap_put(locals, k, (void *)f, NULL) < 0)
			return -1;
	}
	return 0;
}

bool
pass_is_local_function(struct pass_ctx *ctx, const struct hmap *locals,
    const struct ir_node *n)
{
	const char *k;

	if (locals->n == 0)
		return false;
	k = arena_printf(&ctx->scratch, "%s\x1f%s", n->domain, n->op_type);
	return k != NULL && hmap_get(locals, k) != NULL;
}

#define CENSUS_RECENT 8

/* What pass_ops() found, in memory that lasts the whole check. */
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

/* The entry of N's operator, made when new; NULL when out of budget. */
static struct pass_op *
census_entry(struct pass_census *c, const struct ir_node *n)
{
	bool onnx = ir_domain_is_onnx(n->domain);
	struct pass_op *first, *e;
	size_t i;

	for (i = 0; i < CENSUS_RECENT; i++)
		if (c->recent[i].op_type == n->op_type &&
		    c->recent[i].domain == n->domain)
			return c->recent[i].e;
	first = hmap_get(&c->by_type, n->op_type);
	for (e = first; e != NULL; e = e->same_type)
		if (onnx ? e->onnx : !e->onnx && strcmp(e->domain,
		    n->domain) == 0)
			break;
	if (e == NULL) {
		if ((e = arena_alloc(&c->a, sizeof(*e))) == NULL ||
		    hmap_set(&c->by_type, n->op_type, e) < 0)
			return NULL;
		e->domain = n->domain;
		e->op_type = n->op_type;
		e->onnx = onnx;
		e->same_type = first;
		*c->tail = e;
		c->tail = &e->next;
	}
	i = c->next_recent++ % CENSUS_RECENT;
	c->recent[i].op_type = n->op_type;
	c->recent[i].domain = n->domain;
	c->recent[i].e = e;
	return e;
}

static int
census_build(struct pass_census *c, struct ir_model *m)
{
	struct ir_graph **graphs;
	size_t ng, i, j;

	hmap_init(&c->by_type, &c->a);
	c->first = NULL;
	c->tail = &c->first;
	ng = ir_model_graphs(m, &graphs);
	for (i = 0; i < ng; i++)
		for (j = 0; j < graphs[i]->nnodes; j++) {
			struct pass_op *e;

			/* a large graph's nodes are more than the cache
			 * holds: ask for later ones while this one is read */
			if (j + 16 < graphs[i]->nnodes)
				__builtin_prefetch(graphs[i]->nodes[j + 16]);
			e = census_entry(c, graphs[i]->nodes[j]);
			if (e == NULL)
				return -1;
			e->count++;
		}
	return 0;
}

int
pass_ops(struct pass_ctx *ctx, const struct pass_op **first)
{
	struct pass_census *c = ctx->census;

	if (c == NULL || c->failed)
		return -1;
	if (!c->built && census_build(c, ctx->m) < 0) {
		c->failed = true;
		return -1;
	}
	c->built = true;
	*first = c->first;
	return 0;
}

bool
pass_uses_op(struct pass_ctx *ctx, const char *domain, const char *op)
{
	bool onnx = domain == NULL || ir_domain_is_onnx(domain);
	const struct pass_op *e;

	if (pass_ops(ctx, &e) < 0)
		return true;
	for (e = hmap_get(&ctx->census->by_type, op); e != NULL;
	    e = e->same_type)
		if (onnx ? e->onnx : !e->onnx && strcmp(e->domain,
		    domain) == 0)
			return true;
	return false;
}

void
pass_report_node(struct pass_ctx *ctx, enum diag_id id,
    const struct ir_node *n, const char *fmt, ...)
{
	char path[IR_PATH_SIZE];
	size_t before = ctx->d->n;
	va_list ap;

	ir_node_path(n, path, sizeof(path));
	va_start(ap, fmt);
	diag_vreport(ctx->d, id, path, fmt, ap);
	va_end(ap);
	if (ctx->d->n > before)
		ctx->d->v[ctx->d->n - 1].subject = n;
}

void
pass_drop_note(struct pass_ctx *ctx, size_t i)
{
	struct diag_list *l = ctx->d;

	if (i >= l->n)
		return;
	free(l->v[i].loc);
	free(l->v[i].detail);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
	l->n--;
}

void
pass_drop_notes(struct pass_ctx *ctx, size_t from, const bool *drop)
{
	struct diag_list *l = ctx->d;
	size_t i, k = from;

	for (i = from; i < l->n; i++) {
		if (drop[i - from]) {
			free(l->v[i].loc);
			free(l->v[i].detail);
			continue;
		}
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

int
pass_amend_note(struct pass_ctx *ctx, size_t i, const char *fmt, ...)
{
	struct diag *d = &ctx->d->v[i];
	char *add = NULL, *nd = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&add, fmt, ap);
	va_end(ap);
	if (rc < 0 || asprintf(&nd, "%s%s", d->detail ? d->detail : "",
	    add) < 0) {
		free(add);
		ctx->d->oom = true;
		return -1;
	}
	free(add);
	free(d->detail);
	d->detail = nd;
	return 0;
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
	size_t nchanged = 0;
	struct pass_ctx ctx;
	size_t i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.m = m;
	ctx.d = d;
	ctx.o = o;
	/* Every pass sees inferred types, whatever the pass order.  For
	 * check, the findings are kept for the shapes pass. */
	ctx.shapes_recorded = kind == PASS_ANALYSIS &&
	    selected(o, &pass_shapes);
	if ((ctx.shapes_recorded ? shapes_infer_report(m, record, log) :
	    shapes_infer(m)) < 0 || log->failed) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "inferring shapes");
		return ONNXFIX_EBUDGET;
	}
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
