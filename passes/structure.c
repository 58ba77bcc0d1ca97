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
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/external.h"
#include "opdb/opdb.h"
#include "pass.h"
#include "io/xdata.h"

#define IR_KNOWN_MAX 13

static void
check_model(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE];
	struct hmap seen;
	size_t i;

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
	hmap_init(&seen, &ctx->scratch);
	for (i = 0; i < m->nopsets; i++) {
		const char *dom = m->opsets[i].domain;
		const char *key = ir_domain_is_onnx(dom) ? "" : dom;
		int lo, hi, last;

		/* a hash map: a hostile model may import 10^5 domains */
		if (hmap_put(&seen, key, (void *)dom, NULL) == 0)
			diag_report(ctx->d, DIAG_S_OPSET_DUP, "model", "'%s'",
			    diag_esc(b1, dom));
		if (opdb_domain_range(ir_domain_is_onnx(dom) ? "ai.onnx" : dom,
		    &lo, &hi, &last) < 0 || !opdb_domain_is_onnx(dom))
			continue;
		if (m->opsets[i].version < lo || m->opsets[i].version > hi)
			diag_report(ctx->d, DIAG_S_OPSET_UNKNOWN, "model",
			    "'%s' version %" PRId64 ", defined %d to %d",
			    diag_esc(b1, dom[0] ? dom : "ai.onnx"),
			    m->opsets[i].version, lo, hi);
	}
	hmap_init(&seen, &ctx->scratch);
	for (i = 0; i < m->nmeta; i++)
		if (m->meta[i].key != NULL &&
		    hmap_put(&seen, m->meta[i].key, &m->meta[i], NULL) == 0)
			diag_report(ctx->d, DIAG_S_META_DUP, "model", "'%s'",
			    diag_esc(b2, m->meta[i].key));
}

static const char *
describe_producer(const struct ir_value *v, char *buf, size_t size)
{
	char op[DIAG_ESCAPE_SIZE];

	if (v->producer == NULL)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "node %u (%s)", v->producer->index,
		    diag_esc(op, v->producer->op_type));
	return buf;
}

/*
 * Check one tensor: type known, dims non-negative and their product
 * representable, exactly one data field, and a data length that matches.
 */
static const enum diag_id ext_diag[] = {
	[EXT_OK] = DIAG_S_TENSOR_EXTERNAL,
	[EXT_LOCATION] = DIAG_S_EXT_LOCATION,
	[EXT_OPEN] = DIAG_S_EXT_OPEN,
	[EXT_NOT_REGULAR] = DIAG_S_EXT_NOT_REGULAR,
	[EXT_HARDLINK] = DIAG_S_EXT_HARDLINK,
	[EXT_NUMBER] = DIAG_S_EXT_NUMBER,
	[EXT_RANGE] = DIAG_S_EXT_RANGE,
	[EXT_LENGTH] = DIAG_S_EXT_LENGTH,
	[EXT_DUP_KEY] = DIAG_S_EXT_DUP_KEY,
	[EXT_NO_LOCATION] = DIAG_S_EXT_NO_LOCATION,
	[EXT_TOO_MANY] = DIAG_S_EXT_TOO_MANY,
	[EXT_READ] = DIAG_S_EXT_RANGE,
	[EXT_NO_DIR] = DIAG_S_TENSOR_EXTERNAL,
	[EXT_NOMEM] = DIAG_S_TENSOR_EXTERNAL,
	[EXT_TYPE] = DIAG_S_EXT_TYPE,
};

/*
 * External data of T: the entries parse, the file opens beneath the
 * model's directory without links, and the range fits and has exactly
 * the tensor's size (ext_resolve in external.c).  The first problem is
 * reported with the tensor's name and the location, escaped; a problem
 * of the file itself (missing, a link, not regular, hard-linked) is
 * reported once per file by report_bad_files.
 */
static void
check_external(struct pass_ctx *ctx, const char *where,
    const struct ir_tensor *t, struct ext_dir *x)
{
	char b[DIAG_ESCAPE_SIZE], l[DIAG_ESCAPE_SIZE], why[160];
	struct ext_ref r;
	enum ext_status st;

	diag_esc(b, t->name);
	st = ext_resolve(x, t, where, &r, NULL, NULL, why, sizeof(why));
	diag_esc(l, r.location ? r.location : "");
	if (r.nunknown > 0) {
		char k[DIAG_ESCAPE_SIZE];

		diag_report(ctx->d, DIAG_S_EXT_KEY, where,
		    "'%s' key '%s'%s", b, diag_esc(k, r.unknown),
		    r.nunknown > 1 ? " and others" : "");
	}
	if (st == EXT_OK || ext_file_level(st))
		return;
	if (st == EXT_TYPE) {
		diag_report(ctx->d, DIAG_S_EXT_TYPE, where, "'%s' %s", b,
		    why);
		return;
	}
	if (st == EXT_TOO_MANY) {
		if (x->full)
			return;
		x->full = true;
	}
	if (st == EXT_NO_DIR || st == EXT_NOMEM)
		diag_report(ctx->d, DIAG_S_TENSOR_EXTERNAL, where, "'%s'", b);
	else
		diag_report(ctx->d, ext_diag[st], where,
		    "'%s' location '%s': %s", b, l, why);
}

/* Each file that failed, once, with how many tensors name it. */
static void
report_bad_files(struct pass_ctx *ctx, const struct ext_dir *x)
{
	char b[DIAG_ESCAPE_SIZE], l[DIAG_ESCAPE_SIZE];
	const struct ext_bad *f;

	for (f = ext_bad_files(x); f != NULL; f = f->next) {
		diag_esc(b, f->tensor);
		diag_esc(l, f->location);
		if (f->nrefs == 1)
			diag_report(ctx->d, ext_diag[f->st], f->where,
			    "'%s' location '%s': %s", b, l, f->why);
		else
			diag_report(ctx->d, ext_diag[f->st], f->where,
			    "location '%s': %s; %" PRIu64 " tensors use it, "
			    "the first '%s'", l, f->why, f->nrefs, b);
	}
}

/* The name of TensorProto's typed data field NUMBER. */
static const char *
field_name(int number)
{
	switch (number) {
	case 4:
		return "float_data";
	case 5:
		return "int32_data";
	case 6:
		return "string_data";
	case 7:
		return "int64_data";
	case 10:
		return "double_data";
	case 11:
		return "uint64_data";
	default:
		return "?";
	}
}

static void
check_tensor(struct pass_ctx *ctx, const char *where,
    const struct ir_tensor *t, struct ext_dir *x)
{
	char b[DIAG_ESCAPE_SIZE];
	uint64_t count, bytes;
	int bad;

	diag_esc(b, t->name);
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
	if (t->next > 0 && t->storage != IR_DATA_EXTERNAL)
		diag_report(ctx->d, DIAG_S_EXT_STRAY, where, "'%s'", b);
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

		/* Each type has one field (onnx.proto); another field's
		 * entries have another width, so its count says nothing. */
		if (t->typed_field != ir_elem_typed_field(t->elem)) {
			diag_report(ctx->d, DIAG_S_TENSOR_SIZE, where,
			    "'%s' %s values are in %s, not %s", b,
			    ir_elem_name(t->elem),
			    field_name(t->typed_field),
			    field_name(ir_elem_typed_field(t->elem)));
			break;
		}
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
		{
			size_t from = ctx->d->n;

			check_external(ctx, where, t, x);
			diag_name_value(ctx->d, from, t->name);
		}
		break;
	}
}

/*
 * The element type of a declared tensor type: a number TensorProto does
 * not define is an error anywhere (ONNX Runtime refuses to load it);
 * none (0, UNDEFINED) is one on the interface of the model, where onnx's
 * checker requires the field and ONNX Runtime cannot type the tensor
 * (inside, 0 is inference's "not known yet").
 */
static void
check_elem(struct pass_ctx *ctx, const char *path, const char *what,
    const struct ir_vinfo *vi, bool top)
{
	char b[DIAG_ESCAPE_SIZE];
	const struct ir_type *t = &vi->type;

	if (t->kind != IR_TYPE_TENSOR && t->kind != IR_TYPE_SPARSE)
		return;
	if (t->elem < 0 || t->elem > IR_ELEM__MAX || (top && t->elem == 0))
		diag_report(ctx->d, DIAG_S_TENSOR_TYPE, path,
		    "%s '%s' elem_type %d", what, diag_esc(b, vi->name),
		    (int)t->elem);
}

static bool
has_tensor_attr(const struct ir_node *n)
{
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].t != NULL)
			return true;
	return false;
}

/*
 * Nodes using values of later nodes, and a cycle.  Returns the position
 * of the first node holding a tensor attribute (G->nnodes: none), noted
 * on the same walk so that check_graph need not walk every node again.
 */
static size_t
check_node_order(struct pass_ctx *ctx, struct ir_graph *g)
{
	char b[DIAG_ESCAPE_SIZE], who[2 * DIAG_ESCAPE_SIZE];
	struct ir_node **order, *cycle = NULL;
	bool sorted = true;	/* in order, nothing dead: no cycle */
	size_t i, j, first_tensor = g->nnodes;

	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];

		if (first_tensor == g->nnodes && has_tensor_attr(n))
			first_tensor = i;
		if (n->index != i || n->dead)
			sorted = false;
		for (j = 0; j < n->ninputs + n->nimplicit; j++) {
			struct ir_value *v = j < n->ninputs ? n->inputs[j] :
			    n->implicit[j - n->ninputs];

			if (v == NULL || v->graph != g ||
			    v->kind != IR_VALUE_NODE || v->producer == NULL)
				continue;
			if (v->producer->index >= n->index)
				sorted = false;
			if (v->producer->index <= n->index)
				continue;
			pass_report_node(ctx, DIAG_S_UNSORTED, n,
			    "'%s' from %s", diag_esc(b, v->name),
			    describe_producer(v, who, sizeof(who)));
			break;
		}
	}
	if (sorted)
		return first_tensor;
	order = arena_array(&ctx->scratch, g->nnodes + 1, sizeof(*order));
	if (order != NULL && ir_graph_toposort(g, order, &cycle) == 1 &&
	    cycle != NULL)
		pass_report_node(ctx, DIAG_S_CYCLE, cycle, NULL);
	/* toposort renumbered nothing: indexes still match positions */
	return first_tensor;
}

static void
check_graph(struct pass_ctx *ctx, struct ir_graph *g, struct ext_dir *x)
{
	struct ir_model *m = ctx->m;
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];
	char who[2 * DIAG_ESCAPE_SIZE];
	bool top = g->kind == IR_GRAPH_MAIN;
	size_t i, j;

	ir_graph_path(g, path, sizeof(path));
	for (i = 0; i < g->nvalues; i++) {
		struct ir_value *v = g->values[i];

		/* a large graph's values are more than the cache holds:
		 * ask for later ones while this one is read */
		size_t from = ctx->d->n;

		if (i + 16 < g->nvalues)
			__builtin_prefetch(g->values[i + 16]);
		if (v->duplicate) {
			struct ir_value *first = hmap_get(&g->names, v->name);

			diag_report(ctx->d, DIAG_S_SSA,
			    v->producer ? ir_node_path(v->producer, path,
			    sizeof(path)) : ir_graph_path(g, path,
			    sizeof(path)), "'%s'%s%s", diag_esc(b, v->name),
			    first && first->producer ? ", first by " : "",
			    first && first->producer ?
			    describe_producer(first, who, sizeof(who)) : "");
		} else if (v->kind == IR_VALUE_UNDEFINED) {
			for (j = 0; j < v->nuses; j++) {
				if (v->uses[j].index < 0)
					continue;
				pass_report_node(ctx, DIAG_S_UNDEFINED,
				    v->uses[j].node, "'%s'", diag_esc(b, v->name));
			}
		} else if (g->parent != NULL && v->kind != IR_VALUE_UNDEFINED &&
		    ir_lookup(g->parent, v->name) != NULL) {
			diag_report(ctx->d, DIAG_S_SHADOW,
			    v->producer ? ir_node_path(v->producer, path,
			    sizeof(path)) : ir_graph_path(g, path,
			    sizeof(path)), "'%s'", diag_esc(b, v->name));
		}
		diag_name_value(ctx->d, from, v->name);
	}
	ir_graph_path(g, path, sizeof(path));
	for (i = 0; i < g->noutputs; i++) {
		struct ir_value *v = g->outputs[i].value;
		size_t from = ctx->d->n;

		if (v == NULL || v->kind == IR_VALUE_UNDEFINED)
			diag_report(ctx->d, DIAG_S_OUTPUT_UNDEFINED, path,
			    "'%s'", diag_esc(b, g->outputs[i].name));
		if (top && g->outputs[i].type.kind == IR_TYPE_NONE)
			diag_report(ctx->d, DIAG_S_IO_TYPE, path,
			    "output '%s'", diag_esc(b, g->outputs[i].name));
		check_elem(ctx, path, "output", &g->outputs[i], top);
		diag_name_value(ctx->d, from, g->outputs[i].name);
	}
	for (i = 0; i < g->ninputs; i++) {
		size_t from = ctx->d->n;

		if (top && g->inputs[i].type.kind == IR_TYPE_NONE)
			diag_report(ctx->d, DIAG_S_IO_TYPE, path,
			    "input '%s'", diag_esc(b, g->inputs[i].name));
		check_elem(ctx, path, "input", &g->inputs[i], top);
		diag_name_value(ctx->d, from, g->inputs[i].name);
	}
	for (i = 0; i < g->nvalue_info; i++) {
		size_t from = ctx->d->n;

		check_elem(ctx, path, "value_info", &g->value_info[i], false);
		diag_name_value(ctx->d, from, g->value_info[i].name);
	}
	for (i = 0; i < g->ninits; i++) {
		const struct ir_tensor *t = g->inits[i];
		struct ir_value *v;
		char where[IR_PATH_SIZE + 64];
		size_t from;

		if (t == NULL)
			continue;
		snprintf(where, sizeof(where), "%s/initializer %zu", path, i);
		if (t->name[0] == '\0') {
			diag_report(ctx->d, DIAG_S_INIT_NAME, where, NULL);
			continue;
		}
		v = hmap_get(&g->names, t->name);
		from = ctx->d->n;
		if (top && m->has_ir_version && m->ir_version < 4 &&
		    (v == NULL || !v->is_input))
			diag_report(ctx->d, DIAG_S_INIT_NOT_INPUT, where,
			    "'%s'", diag_esc(b, t->name));
		check_tensor(ctx, where, t, x);
		diag_name_value(ctx->d, from, t->name);
	}
	for (i = check_node_order(ctx, g); i < g->nnodes; i++) {
		const struct ir_node *n = g->nodes[i];

		for (j = 0; j < n->nattrs; j++) {
			const struct ir_attr *a = &n->attrs[j];

			if (a->t != NULL) {
				ir_node_path(n, path, sizeof(path));
				snprintf(path + strlen(path),
				    sizeof(path) - strlen(path),
				    "/attribute '%s'", diag_esc(b, a->name));
				size_t from = ctx->d->n;

				check_tensor(ctx, path, a->t, x);
				if (a->t->name[0] != '\0')
					diag_name_value(ctx->d, from,
					    a->t->name);
			}
		}
	}
}

#define FUNC_MAX 10000	/* ONNX's kMaxModelLocalFunctions */
#define CALL_DEPTH_MAX 100	/* ONNX's kMaxFunctionCallDepth */

/* "domain\x1fname" in the scratch arena: the key calls resolve by. */
static const char *
func_key(struct pass_ctx *ctx, const char *domain, const char *name)
{
	return arena_printf(&ctx->scratch, "%s\x1f%s", domain, name);
}

/*
 * Local functions: duplicates, their number, recursion (direct, mutual,
 * through subgraphs) and the depth of call chains.  All of it in
 * O(functions + calls) with hash maps and two Kahn peels over the call
 * graph, no recursion: a function that is peeled neither from the
 * callees' side nor from the callers' side lies on (or between) cycles.
 */
static int
check_functions(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	struct arena *a = &ctx->scratch;
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];
	struct ir_graph **graphs;
	struct hmap names, dups;
	size_t nf = m->nfunctions, ng, i, j, ne = 0, cape = 0, capt = 0;
	size_t *from = NULL, *to = NULL, *deg, *odeg, *q, *first, *adj;
	size_t *radj, *rfirst, head, tail;
	unsigned *depth;
	bool *self, *peeled;

	if (nf == 0)
		return 0;
	if (nf > FUNC_MAX) {
		diag_report(ctx->d, DIAG_S_FUNC_COUNT, "model",
		    "%zu functions, limit %d", nf, FUNC_MAX);
		return 0;
	}
	hmap_init(&names, a);
	hmap_init(&dups, a);
	for (i = 0; i < nf; i++) {
		const struct ir_function *f = m->functions[i];
		const char *k = func_key(ctx, f->domain, f->name);
		const char *kd = arena_printf(a, "%s\x1f%s", k,
		    f->overload ? f->overload : "");

		if (k == NULL || kd == NULL)
			return -1;
		switch (hmap_put(&dups, kd, (void *)f, NULL)) {
		case -1:
			return -1;
		case 0:
			diag_report(ctx->d, DIAG_S_FUNC_DUP, "model",
			    "'%s::%s'", diag_esc(b, f->domain), diag_esc(c, f->name));
			break;
		}
		if (hmap_put(&names, k, (void *)(uintptr_t)(i + 1), NULL) < 0)
			return -1;
	}
	/* The call graph: caller index -> callee index, one edge per
	 * calling node. */
	self = arena_array(a, nf, sizeof(*self));
	if (self == NULL)
		return -1;
	ng = ir_model_graphs(m, &graphs);
	for (i = 0; i < ng; i++) {
		const struct ir_graph *g = graphs[i];
		size_t caller;

		if (g->function == NULL)
			continue;
		caller = (size_t)(uintptr_t)hmap_get(&names, func_key(ctx,
		    g->function->domain, g->function->name));
		if (caller == 0)
			continue;
		caller--;
		for (j = 0; j < g->nnodes; j++) {
			const struct ir_node *n = g->nodes[j];
			const char *k = func_key(ctx, n->domain, n->op_type);
			size_t callee;

			if (k == NULL)
				return -1;
			callee = (size_t)(uintptr_t)hmap_get(&names, k);
			if (callee == 0)
				continue;
			callee--;
			if (callee == caller) {
				pass_report_node(ctx, DIAG_S_FUNC_RECURSIVE,
				    n, "'%s'", diag_esc(b, m->functions[caller]->name));
				self[caller] = true;
				continue;
			}
			if (arena_grow(a, (void **)&from, &cape, ne + 1,
			    sizeof(*from)) < 0)
				return -1;
			if (arena_grow(a, (void **)&to, &capt, ne + 1,
			    sizeof(*to)) < 0)
				return -1;
			from[ne] = caller;
			to[ne++] = callee;
		}
	}
	/* Adjacency in both directions (counting sort by endpoint). */
	deg = arena_array(a, nf + 1, sizeof(*deg));
	odeg = arena_array(a, nf + 1, sizeof(*odeg));
	first = arena_array(a, nf + 1, sizeof(*first));
	rfirst = arena_array(a, nf + 1, sizeof(*rfirst));
	adj = arena_array(a, ne + 1, sizeof(*adj));
	radj = arena_array(a, ne + 1, sizeof(*radj));
	q = arena_array(a, nf + 1, sizeof(*q));
	depth = arena_array(a, nf + 1, sizeof(*depth));
	peeled = arena_array(a, nf + 1, sizeof(*peeled));
	if (!deg || !odeg || !first || !rfirst || !adj || !radj || !q ||
	    !depth || !peeled)
		return -1;
	for (i = 0; i < ne; i++) {
		odeg[from[i]]++;
		deg[to[i]]++;
	}
	for (i = 0; i < nf; i++) {
		first[i + 1] = first[i] + odeg[i];
		rfirst[i + 1] = rfirst[i] + deg[i];
	}
	{
		size_t *fill = arena_array(a, nf + 1, sizeof(*fill));
		size_t *rfill = arena_array(a, nf + 1, sizeof(*rfill));

		if (fill == NULL || rfill == NULL)
			return -1;
		for (i = 0; i < ne; i++) {
			adj[first[from[i]] + fill[from[i]]++] = to[i];
			radj[rfirst[to[i]] + rfill[to[i]]++] = from[i];
		}
	}
	/* Peel from the callees' side: a function whose callees are all
	 * done gets depth 1 + their deepest; the order is a topological
	 * order of the acyclic part. */
	head = tail = 0;
	for (i = 0; i < nf; i++)
		if (odeg[i] == 0 && !self[i])
			q[tail++] = i;
	while (head < tail) {
		size_t f = q[head++];

		peeled[f] = true;
		depth[f] += 1;
		if (depth[f] > CALL_DEPTH_MAX && depth[f] - 1 <= CALL_DEPTH_MAX)
			diag_report(ctx->d, DIAG_S_FUNC_DEPTH, "model",
			    "'%s': calls %u deep, limit %d",
			    diag_esc(b, m->functions[f]->name), depth[f],
			    CALL_DEPTH_MAX);
		for (j = rfirst[f]; j < rfirst[f + 1]; j++) {
			size_t caller = radj[j];

			if (depth[caller] < depth[f])
				depth[caller] = depth[f];
			if (--odeg[caller] == 0 && !self[caller])
				q[tail++] = caller;
		}
	}
	if (tail == nf)
		return 0;
	/* Peel from the callers' side too; what neither peel reached is
	 * on a cycle (or between cycles). */
	head = tail = 0;
	for (i = 0; i < nf; i++)
		if (deg[i] == 0 && !self[i] && !peeled[i])
			q[tail++] = i;
	for (i = 0; i < nf; i++)
		if (deg[i] == 0 && !self[i] && peeled[i])
			q[tail++] = i;
	while (head < tail) {
		size_t f = q[head++];

		peeled[f] = true;
		for (j = first[f]; j < first[f + 1]; j++)
			if (--deg[adj[j]] == 0 && !self[adj[j]])
				q[tail++] = adj[j];
	}
	for (i = 0; i < nf; i++)
		if (!peeled[i] && !self[i])
			diag_report(ctx->d, DIAG_S_FUNC_RECURSIVE, "model",
			    "'%s' through a cycle of calls",
			    diag_esc(b, m->functions[i]->name));
	return 0;
}

struct outside {
	struct pass_ctx *ctx;
	struct ext_dir *x;
};

/* A TensorProto the IR does not hold (sparse initializer, TENSORS or
 * sparse attribute, function attribute default, training graph) that
 * names external data: the same checks as the IR's tensors. */
static int
check_outside(void *arg, const struct xdata_ref *ref)
{
	struct outside *o = arg;

	check_tensor(o->ctx, ref->where, ref->t, o->x);
	return 0;
}

/* Index element I of the int64 tensor T (raw or int64_data), into *V;
 * false when T holds no such element. */
static bool
index_at(const struct ir_tensor *t, uint64_t i, int64_t *v)
{
	if (t->elem != IR_ELEM_INT64)
		return false;
	if (t->storage == IR_DATA_RAW && i < t->size / 8) {
		memcpy(v, t->data + 8 * i, 8);
		return true;
	}
	if (t->storage == IR_DATA_TYPED && t->typed_field == 7 &&
	    i < t->ntyped) {
		*v = ((const int64_t *)t->typed)[i];
		return true;
	}
	return false;
}

/*
 * A sparse initializer's indices (onnx's checker and ONNX Runtime refuse
 * others): values of rank 1 [NNZ]; indices of int64, either [NNZ]
 * positions in the flattened dims, or [NNZ, rank] coordinates, each
 * inside the dims and in strictly increasing order.  Indices whose data
 * is external or not readable are left to the tensor checks.
 */
static int
check_sparse(void *arg, const struct xdata_sparse *sp)
{
	struct pass_ctx *ctx = arg;
	const struct ir_tensor *ix = &sp->indices;
	uint64_t total = 1, nnz, k, r;
	int64_t prev = -1, v;
	size_t j;

	if (!sp->has_values || !sp->has_indices || sp->values.rank != 1 ||
	    sp->values.dims[0] < 0 || ix->storage == IR_DATA_EXTERNAL)
		return 0;
	for (j = 0; j < sp->ndims; j++)
		if (sp->dims[j] < 0 || __builtin_mul_overflow(total,
		    (uint64_t)sp->dims[j], &total) || total > INT64_MAX)
			return 0;	/* S241 on the dims */
	nnz = (uint64_t)sp->values.dims[0];
	if (ix->elem != IR_ELEM_INT64 || (ix->rank != 1 && ix->rank != 2) ||
	    ix->dims[0] != (int64_t)nnz || (ix->rank == 2 &&
	    ix->dims[1] != (int64_t)sp->ndims)) {
		diag_report(ctx->d, DIAG_S_SPARSE, sp->where, "indices are "
		    "%s of rank %d for %" PRIu64 " values and %zu dims: [NNZ] "
		    "or [NNZ, %zu] int64 wanted", ir_elem_name(ix->elem) ?
		    ir_elem_name(ix->elem) : "?", ix->rank, nnz, sp->ndims,
		    sp->ndims);
		return 0;
	}
	for (k = 0; k < nnz; k++) {
		uint64_t lin = 0;

		/* a coordinate row is checked and flattened */
		for (r = 0; r < (ix->rank == 2 ? sp->ndims : 1); r++) {
			if (!index_at(ix, ix->rank == 2 ? k * sp->ndims + r :
			    k, &v))
				return 0;	/* data length: S242 */
			if (v < 0 || (ix->rank == 2 ? v >= sp->dims[r] :
			    (uint64_t)v >= total)) {
				diag_report(ctx->d, DIAG_S_SPARSE, sp->where,
				    "index %" PRId64 " of value %" PRIu64
				    " is outside the dims", v, k);
				return 0;
			}
			lin = ix->rank == 2 ? lin * (uint64_t)sp->dims[r] +
			    (uint64_t)v : (uint64_t)v;
		}
		if ((int64_t)lin <= prev) {
			diag_report(ctx->d, DIAG_S_SPARSE, sp->where, "value "
			    "%" PRIu64 " is at or before the one before it: "
			    "indices must increase", k);
			return 0;
		}
		prev = (int64_t)lin;
	}
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ext_limits lim = { ctx->o->max_external_files,
	    ctx->o->allow_hardlinks };
	struct ir_graph **graphs;
	struct ext_dir x;
	struct outside out = { ctx, &x };
	size_t n, i;

	check_model(ctx);
	(void)ext_dir_open(&x, ctx->m->path, &lim, ctx->m->budget);
	n = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < n; i++)
		check_graph(ctx, graphs[i], &x);
	if (xdata_walk(ctx->m, XDATA_UNMODELLED | XDATA_WHERE,
	    check_outside, &out) < 0) {
		ext_dir_close(&x);
		return -1;
	}
	report_bad_files(ctx, &x);
	ext_dir_close(&x);
	if (xdata_sparse_walk(ctx->m, check_sparse, ctx) < 0)
		return -1;
	return check_functions(ctx);
}

const struct pass pass_structure = {
	"structure", PASS_ANALYSIS,
	"IR rules: versions, opsets, SSA, order, references, tensor data",
	run, NULL,
};
