/* SPDX-License-Identifier: MIT */
/*
 * What passes share, below the driver: reporting a finding on a node,
 * dropping or amending a note, the census of operators a model uses
 * (built once per check, for analyses that skip walks that cannot fire)
 * and the model's local functions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pass.h"

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

struct ir_model *
pass_load_copy(struct pass_ctx *ctx, const struct onnxfix_options *o,
    struct diag_list *d)
{
	const struct budget *b = ctx->m->budget;
	struct onnxfix_options co = *o;
	struct ir_model *c = NULL;
	enum onnxfix_status st;

	if (b != NULL && b->limit > 0)
		co.mem_budget = b->limit > b->used + 1 ? b->limit - b->used : 1;
	if (ctx->m->file != NULL && ctx->m->file_size > 0)
		st = onnxfix_load_buffer(ctx->m->file, ctx->m->file_size,
		    "copy", &co, d, &c);
	else if (ctx->m->path != NULL && strcmp(ctx->m->path, "-") != 0)
		st = onnxfix_load(ctx->m->path, &co, d, &c);
	else
		return NULL;
	if (st != ONNXFIX_OK) {
		onnxfix_model_free(c);
		return NULL;
	}
	c->path = ctx->m->path;
	return c;
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
	if (ctx->d->n > before) {
		ctx->d->v[ctx->d->n - 1].subject = n;
		diag_set_where(ctx->d, n->domain, NULL);
	}
}

void
pass_drop_note(struct pass_ctx *ctx, size_t i)
{
	struct diag_list *l = ctx->d;

	if (i >= l->n)
		return;
	diag_free(&l->v[i]);
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
			diag_free(&l->v[i]);
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

