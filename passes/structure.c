/* SPDX-License-Identifier: MIT */
/*
 * structure: the model-level and graph-level rules of the ONNX IR spec
 * (docs/IR.md) that onnx.checker enforces, applied to every graph at any
 * depth and to function bodies.
 *
 * Finds: missing or unknown ir_version and opset imports, duplicate
 * metadata keys, values defined twice (SSA), uses of undefined values,
 * graph outputs nobody produces, nodes out of topological order, cycles,
 * initializers without names (or not listed as inputs below IR 4),
 * top-level inputs/outputs without a type, names shadowing an enclosing
 * scope, and tensors whose data does not match their type and dims.
 * Requires: a loaded model.  Preserves: everything (analysis only).
 *
 *	before:  n0: B = Relu(A)   n1: A = Neg(X)
 *	report:  node 0 (Relu): error S211: node uses a value produced by a
 *	         later node: 'A' from node 1 (Neg)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "opdb.h"
#include "pass.h"

#define IR_KNOWN_MAX 13

static const char *
esc(char *buf, const char *s)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, s);
}

static void
check_model(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	size_t i, j;

	if (!m->has_ir_version || m->ir_version <= 0)
		diag_report(ctx->d, DIAG_S_IR_MISSING, "model", NULL);
	else if (m->ir_version > IR_KNOWN_MAX)
		diag_report(ctx->d, DIAG_S_IR_NEWER, "model",
		    "ir_version %" PRId64 ", newest known %d", m->ir_version,
		    IR_KNOWN_MAX);
	if (m->has_ir_version && m->ir_version >= 3 && m->nopsets == 0)
		diag_report(ctx->d, DIAG_S_OPSET_MISSING, "model", NULL);
	if (m->has_ir_version && m->ir_version > 0 && m->ir_version < 3 &&
	    m->nopsets > 0)
		diag_report(ctx->d, DIAG_S_OPSET_FORBIDDEN, "model", NULL);
	for (i = 0; i < m->nopsets; i++) {
		const char *dom = m->opsets[i].domain;
		int lo, hi, last;

		for (j = 0; j < i; j++) {
			bool same = ir_domain_is_onnx(dom) ?
			    ir_domain_is_onnx(m->opsets[j].domain) :
			    strcmp(dom, m->opsets[j].domain) == 0;

			if (same) {
				diag_report(ctx->d, DIAG_S_OPSET_DUP,
				    "model", "'%s'", esc(b1, dom));
				break;
			}
		}
		if (opdb_domain_range(ir_domain_is_onnx(dom) ? "ai.onnx" : dom,
		    &lo, &hi, &last) < 0 || !opdb_domain_is_onnx(dom))
			continue;
		if (m->opsets[i].version < lo || m->opsets[i].version > hi)
			diag_report(ctx->d, DIAG_S_OPSET_UNKNOWN, "model",
			    "'%s' version %" PRId64 ", defined %d to %d",
			    esc(b1, dom[0] ? dom : "ai.onnx"),
			    m->opsets[i].version, lo, hi);
	}
	for (i = 0; i < m->nmeta; i++)
		for (j = 0; j < i; j++)
			if (m->meta[i].key && m->meta[j].key &&
			    strcmp(m->meta[i].key, m->meta[j].key) == 0) {
				diag_report(ctx->d, DIAG_S_META_DUP, "model",
				    "'%s'", esc(b2, m->meta[i].key));
				break;
			}
}

static const char *
describe_producer(const struct ir_value *v, char *buf, size_t size)
{
	char op[DIAG_ESCAPE_SIZE];

	if (v->producer == NULL)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "node %u (%s)", v->producer->index,
		    esc(op, v->producer->op_type));
	return buf;
}

/*
 * Check one tensor: type known, dims non-negative and their product
 * representable, exactly one data field, and a data length that matches.
 */
static void
check_tensor(struct pass_ctx *ctx, const char *where,
    const struct ir_tensor *t)
{
	char b[DIAG_ESCAPE_SIZE];
	uint64_t count, bytes;
	int bad;

	esc(b, t->name);
	if (t->elem <= 0 || t->elem > IR_ELEM__MAX) {
		diag_report(ctx->d, DIAG_S_TENSOR_TYPE, where,
		    "'%s' data_type %d", b, (int)t->elem);
		return;
	}
	if (ir_tensor_count(t, &count, &bad) < 0) {
		diag_report(ctx->d, DIAG_S_TENSOR_DIM, where,
		    "'%s' dims[%d] = %" PRId64, b, bad, t->dims[bad]);
		return;
	}
	if (t->nfields > 1) {
		diag_report(ctx->d, DIAG_S_TENSOR_STORAGE, where, "'%s'", b);
		return;
	}
	if (t->elem == IR_ELEM_STRING && t->storage == IR_DATA_RAW) {
		diag_report(ctx->d, DIAG_S_TENSOR_STRING_RAW, where, "'%s'",
		    b);
		return;
	}
	switch (t->storage) {
	case IR_DATA_RAW:
		if (ir_elem_bytes(t->elem, count, &bytes) < 0) {
			diag_report(ctx->d, DIAG_S_TENSOR_DIM, where,
			    "'%s' size overflows", b);
			return;
		}
		if (bytes != t->size)
			diag_report(ctx->d, DIAG_S_TENSOR_SIZE, where,
			    "'%s' raw_data has %zu bytes, %s[%" PRIu64
			    "] needs %" PRIu64, b, t->size,
			    ir_elem_name(t->elem), count, bytes);
		break;
	case IR_DATA_TYPED: {
		/* Typed fields: one entry per element, except complex
		 * (two per element) and sub-byte types (packed into
		 * int32_data, one entry per element as the spec says for
		 * 16-bit and smaller types, or packed pairs). */
		uint64_t want = count;

		if (t->elem == IR_ELEM_COMPLEX64 ||
		    t->elem == IR_ELEM_COMPLEX128)
			want = count * 2;
		if (ir_elem_bits(t->elem) > 0 && ir_elem_bits(t->elem) < 8) {
			uint64_t per = 8 / ir_elem_bits(t->elem);

			if (t->ntyped != count &&
			    t->ntyped != (count + per - 1) / per)
				diag_report(ctx->d, DIAG_S_TENSOR_SIZE, where,
				    "'%s' has %zu values, dims give %" PRIu64,
				    b, t->ntyped, count);
			break;
		}
		if (t->ntyped != want)
			diag_report(ctx->d, DIAG_S_TENSOR_SIZE, where,
			    "'%s' has %zu values, dims give %" PRIu64, b,
			    t->ntyped, want);
		break;
	}
	case IR_DATA_NONE:
		if (count != 0)
			diag_report(ctx->d, DIAG_S_TENSOR_SIZE, where,
			    "'%s' has no data, dims give %" PRIu64
			    " elements", b, count);
		break;
	case IR_DATA_EXTERNAL:
		diag_report(ctx->d, DIAG_S_TENSOR_EXTERNAL, where, "'%s'", b);
		break;
	}
}

static void
check_node_order(struct pass_ctx *ctx, struct ir_graph *g)
{
	char b[DIAG_ESCAPE_SIZE], who[2 * DIAG_ESCAPE_SIZE];
	struct ir_node **order, *cycle = NULL;
	size_t i, j;

	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];

		for (j = 0; j < n->ninputs + n->nimplicit; j++) {
			struct ir_value *v = j < n->ninputs ? n->inputs[j] :
			    n->implicit[j - n->ninputs];

			if (v == NULL || v->graph != g ||
			    v->kind != IR_VALUE_NODE || v->producer == NULL ||
			    v->producer->index <= n->index)
				continue;
			pass_report_node(ctx, DIAG_S_UNSORTED, n,
			    "'%s' from %s", esc(b, v->name),
			    describe_producer(v, who, sizeof(who)));
			break;
		}
	}
	order = arena_array(&ctx->scratch, g->nnodes + 1, sizeof(*order));
	if (order != NULL && ir_graph_toposort(g, order, &cycle) == 1 &&
	    cycle != NULL)
		pass_report_node(ctx, DIAG_S_CYCLE, cycle, NULL);
	/* toposort renumbered nothing: indexes still match positions */
}

static void
check_graph(struct pass_ctx *ctx, struct ir_graph *g)
{
	struct ir_model *m = ctx->m;
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];
	char who[2 * DIAG_ESCAPE_SIZE];
	bool top = g->kind == IR_GRAPH_MAIN;
	size_t i, j;

	ir_graph_path(g, path, sizeof(path));
	for (i = 0; i < g->nvalues; i++) {
		struct ir_value *v = g->values[i];

		if (v->duplicate) {
			struct ir_value *first = hmap_get(&g->names, v->name);

			diag_report(ctx->d, DIAG_S_SSA,
			    v->producer ? ir_node_path(v->producer, path,
			    sizeof(path)) : ir_graph_path(g, path,
			    sizeof(path)), "'%s'%s%s", esc(b, v->name),
			    first && first->producer ? ", first by " : "",
			    first && first->producer ?
			    describe_producer(first, who, sizeof(who)) : "");
		} else if (v->kind == IR_VALUE_UNDEFINED) {
			for (j = 0; j < v->nuses; j++) {
				if (v->uses[j].index < 0)
					continue;
				pass_report_node(ctx, DIAG_S_UNDEFINED,
				    v->uses[j].node, "'%s'", esc(b, v->name));
			}
		} else if (g->parent != NULL && v->kind != IR_VALUE_UNDEFINED &&
		    ir_lookup(g->parent, v->name) != NULL) {
			diag_report(ctx->d, DIAG_S_SHADOW,
			    v->producer ? ir_node_path(v->producer, path,
			    sizeof(path)) : ir_graph_path(g, path,
			    sizeof(path)), "'%s'", esc(b, v->name));
		}
	}
	ir_graph_path(g, path, sizeof(path));
	for (i = 0; i < g->noutputs; i++) {
		struct ir_value *v = g->outputs[i].value;

		if (v == NULL || v->kind == IR_VALUE_UNDEFINED)
			diag_report(ctx->d, DIAG_S_OUTPUT_UNDEFINED, path,
			    "'%s'", esc(b, g->outputs[i].name));
		if (top && g->outputs[i].type.kind == IR_TYPE_NONE)
			diag_report(ctx->d, DIAG_S_IO_TYPE, path,
			    "output '%s'", esc(b, g->outputs[i].name));
	}
	for (i = 0; top && i < g->ninputs; i++)
		if (g->inputs[i].type.kind == IR_TYPE_NONE)
			diag_report(ctx->d, DIAG_S_IO_TYPE, path,
			    "input '%s'", esc(b, g->inputs[i].name));
	for (i = 0; i < g->ninits; i++) {
		const struct ir_tensor *t = g->inits[i];
		struct ir_value *v;
		char where[IR_PATH_SIZE + 64];

		if (t == NULL)
			continue;
		snprintf(where, sizeof(where), "%s/initializer %zu", path, i);
		if (t->name[0] == '\0') {
			diag_report(ctx->d, DIAG_S_INIT_NAME, where, NULL);
			continue;
		}
		v = hmap_get(&g->names, t->name);
		if (top && m->has_ir_version && m->ir_version < 4 &&
		    (v == NULL || !v->is_input))
			diag_report(ctx->d, DIAG_S_INIT_NOT_INPUT, where,
			    "'%s'", esc(b, t->name));
		check_tensor(ctx, where, t);
	}
	check_node_order(ctx, g);
	for (i = 0; i < g->nnodes; i++) {
		const struct ir_node *n = g->nodes[i];

		for (j = 0; j < n->nattrs; j++) {
			const struct ir_attr *a = &n->attrs[j];

			if (a->t != NULL) {
				ir_node_path(n, path, sizeof(path));
				snprintf(path + strlen(path),
				    sizeof(path) - strlen(path),
				    "/attribute '%s'", esc(b, a->name));
				check_tensor(ctx, path, a->t);
			}
		}
	}
}

static void
check_functions(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];
	size_t i, j;

	for (i = 0; i < m->nfunctions; i++) {
		const struct ir_function *f = m->functions[i];

		for (j = 0; j < i; j++) {
			const struct ir_function *e = m->functions[j];

			if (strcmp(f->name, e->name) == 0 &&
			    strcmp(f->domain, e->domain) == 0 &&
			    strcmp(f->overload ? f->overload : "",
			    e->overload ? e->overload : "") == 0) {
				diag_report(ctx->d, DIAG_S_FUNC_DUP, "model",
				    "'%s::%s'", esc(b, f->domain),
				    esc(c, f->name));
				break;
			}
		}
		if (f->body == NULL)
			continue;
		for (j = 0; j < f->body->nnodes; j++) {
			const struct ir_node *n = f->body->nodes[j];

			if (strcmp(n->op_type, f->name) == 0 &&
			    strcmp(n->domain, f->domain) == 0)
				pass_report_node(ctx, DIAG_S_FUNC_RECURSIVE,
				    n, "'%s'", esc(b, f->name));
		}
	}
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t n, i;

	check_model(ctx);
	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++)
		check_graph(ctx, graphs[i]);
	check_functions(ctx);
	return 0;
}

const struct pass pass_structure = {
	"structure", PASS_ANALYSIS,
	"IR rules: versions, opsets, SSA, order, references, tensor data",
	run,
};
