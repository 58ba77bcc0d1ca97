/* SPDX-License-Identifier: MIT */
/*
 * opset: convert the default domain ("" / ai.onnx) to the opset that
 * fix --opset N asks for, down or up, exactly or not at all.
 *
 * Deploy targets pin an opset; models are exported at another.  For each
 * node the pass walks the operator's schema versions between the two
 * opsets (src/opdb holds every one) and applies each version step:
 *  - a step whose signature is unchanged changed only its type lists or
 *    its documentation: the node is kept when its element types are in
 *    the target version's lists (checked once, at the end of the walk);
 *  - attributes that became inputs (Clip min/max, Pad pads, Slice,
 *    TopK k, Split split, Squeeze/Unsqueeze and Reduce* axes, Upsample
 *    scales, Reshape shape, Dropout ratio) move across as constants; a
 *    non-constant input that would have to become an attribute refuses
 *    the node;
 *  - an attribute added with a default is dropped going down when it
 *    holds that default, refused otherwise; an attribute whose default
 *    changed is spelled out;
 *  - steps that changed semantics under an unchanged signature (the
 *    softmax axis at 13, negative axes at 11, broadcasting of the old
 *    element-wise operators, RoiAlign's coordinates at 16, GridSample's
 *    mode names at 20, ...) have a rule each, rewriting exactly or
 *    refusing.
 * The steps are data: one row of `rules` per operator version step that
 * needs more than the generic comparison of the two schemas; a step
 * whose signatures differ with no row is refused.  Subgraphs and local
 * function bodies are converted; other domains are left as they are.
 *
 * Exactness first: when a node cannot be converted exactly, the pass
 * reports it (F411: node, operator, version step, why) and sets
 * ctx->refused, so that fix writes nothing.  The IR version follows the
 * opset going up (onnx-releases.tsv pairs each opset with the IR version
 * of its release); --ir-version sets it.
 * Requires: element types and ranks from shape inference.
 * Preserves: the graph interface, every value's name and contents.
 *
 *	before:  opset 13   Y = ReduceSum(X, axes=[1])   (axes an input)
 *	after:   opset 11   Y = ReduceSum(X) axes=[1]    (an attribute)
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/shapes.h"
#include "opset.h"

/* --- the generic comparison of two versions ---------------------------- */

/* The formal input/output I of S (the last one when variadic), or NULL. */
static const struct opdb_io *
formal(const struct opdb_schema *s, size_t i, bool input)
{
	const struct opdb_io *io = input ? opdb_inputs(s) : opdb_outputs(s);
	size_t n = input ? s->ninputs : s->noutputs;

	if (n == 0)
		return NULL;
	if (i < n)
		return &io[i];
	return io[n - 1].option == OPDB_VARIADIC ? &io[n - 1] : NULL;
}

/* Inputs or outputs of N against the formals of SRC and DST. */
static int
check_io(struct conv *c, const struct opdb_schema *src,
    const struct opdb_schema *dst, bool input)
{
	char b[DIAG_ESCAPE_SIZE];
	struct ir_node *n = c->n;
	size_t cnt = input ? n->ninputs : n->noutputs, i;
	size_t nd = input ? dst->ninputs : dst->noutputs;
	size_t ns = input ? src->ninputs : src->noutputs;

	/* the formals both versions have must be the same ones: a formal
	 * inserted or removed before others shifts them (Scan-8 -> 9) */
	for (i = 0; !c->handled && i < ns && i < nd; i++) {
		const struct opdb_io *fd = formal(dst, i, input);
		const struct opdb_io *fs = formal(src, i, input);

		if (strcmp(opdb_s(fs->name), opdb_s(fd->name)) != 0 ||
		    (fs->option == OPDB_VARIADIC) !=
		    (fd->option == OPDB_VARIADIC))
			return refuse(c, "%s %zu is '%s' in %s-%d and '%s' in "
			    "%s-%d: no conversion rule", input ? "input" :
			    "output", i, opdb_s(fs->name), n->op_type,
			    src->since, opdb_s(fd->name), n->op_type,
			    dst->since);
	}
	for (i = 0; i < cnt || i < nd; i++) {
		const struct ir_value *v = i < cnt ? (input ? n->inputs[i] :
		    n->outputs[i]) : NULL;
		const struct opdb_io *fd = formal(dst, i, input);
		const struct opdb_io *fs = formal(src, i, input);

		if (v == NULL) {
			if (fd != NULL && fd->option == OPDB_SINGLE &&
			    i < nd)
				return refuse(c, "required %s %zu '%s' of "
				    "%s-%d is missing", input ? "input" :
				    "output", i, opdb_s(fd->name), n->op_type,
				    dst->since);
			continue;
		}
		if (fd == NULL)
			return refuse(c, "%s %zu '%s' has no counterpart in "
			    "%s-%d", input ? "input" : "output", i,
			    diag_esc(b, v->name), n->op_type, dst->since);
		/* an option that changed is judged by presence above */
		if (!c->handled && (fs == NULL || strcmp(opdb_s(fs->name),
		    opdb_s(fd->name)) != 0))
			return refuse(c, "%s %zu is '%s' in %s-%d and '%s' in "
			    "%s-%d: no conversion rule", input ? "input" :
			    "output", i, fs ? opdb_s(fs->name) : "(none)",
			    n->op_type, src->since, opdb_s(fd->name),
			    n->op_type, dst->since);
	}
	return 0;
}

static int
check_attrs(struct conv *c, const struct opdb_schema *src,
    const struct opdb_schema *dst)
{
	struct ir_node *n = c->n;
	uint32_t i;
	unsigned short k;
	int rc;

	for (i = 0; i < n->nattrs;) {
		const struct ir_attr *a = &n->attrs[i];
		const struct opdb_attr *d = opdb_schema_attr(dst, a->name);
		const struct opdb_attr *s = opdb_schema_attr(src, a->name);

		if (d == NULL) {
			/* removed or added: its default is what the other
			 * version does anyway */
			if ((s != NULL && attr_equals(a, opdb_s(s->dflt))) ||
			    (!c->down && (strcmp(a->name,
			    "consumed_inputs") == 0))) {
				attr_del(n, a->name);
				continue;
			}
			return refuse(c, "attribute '%s' has no counterpart "
			    "in %s-%d", a->name, n->op_type, dst->since);
		}
		if (a->type != d->type)
			return refuse(c, "attribute '%s' is %s; %s-%d takes %s",
			    a->name, ir_attr_type_name(a->type), n->op_type,
			    dst->since, ir_attr_type_name(
			    (enum ir_attr_type)d->type));
		i++;
	}
	for (k = 0; k < dst->nattrs; k++) {
		const struct opdb_attr *d = &opdb_attrs(dst)[k];
		const struct opdb_attr *s = opdb_schema_attr(src,
		    opdb_s(d->name));

		if (ir_node_attr(n, opdb_s(d->name)) != NULL)
			continue;
		if (s == NULL) {
			/* new in DST: its default keeps the old behaviour */
			if (d->required)
				return refuse(c, "attribute '%s' is required "
				    "by %s-%d", opdb_s(d->name), n->op_type,
				    dst->since);
			continue;
		}
		if (opdb_s(s->dflt) == NULL && opdb_s(d->dflt) == NULL) {
			if (d->required)
				return refuse(c, "attribute '%s' is required "
				    "by %s-%d", opdb_s(d->name), n->op_type,
				    dst->since);
			continue;
		}
		if (opdb_s(s->dflt) != NULL && opdb_s(d->dflt) != NULL &&
		    strcmp(opdb_s(s->dflt), opdb_s(d->dflt)) == 0)
			continue;
		if (opdb_s(s->dflt) == NULL)
			return refuse(c, "attribute '%s' has no default in "
			    "%s-%d and one in %s-%d", opdb_s(d->name),
			    n->op_type,
			    src->since, n->op_type, dst->since);
		if ((rc = set_default(c, d, opdb_s(s->dflt))) != 0)
			return rc;
	}
	return 0;
}

/* Apply the step between C->lo and C->hi to C->n. */
static int
step(struct conv *c)
{
	const struct opdb_schema *src = c->down ? c->hi : c->lo;
	const struct opdb_schema *dst = c->down ? c->lo : c->hi;
	size_t i;
	int rc;

	c->handled = false;
	if (dst->deprecated || src->deprecated) {
		for (i = 0; i < opset_nrules; i++)
			if (strcmp(opset_rules[i].op, c->n->op_type) == 0 &&
			    opset_rules[i].since == c->hi->since)
				break;
		if (i == opset_nrules)
			return refuse(c, "%s-%d is deprecated",
			    c->n->op_type, dst->deprecated ? dst->since :
			    src->since);
	}
	for (i = 0; i < opset_nrules; i++) {
		const struct rule *r = &opset_rules[i];

		if (r->since != c->hi->since ||
		    strcmp(r->op, c->n->op_type) != 0)
			continue;
		if ((rc = r->fn(c, r)) != 0)
			return rc;
	}
	if (dst->deprecated)	/* the rule renamed the op */
		return 0;
	if ((rc = check_io(c, src, dst, true)) != 0 ||
	    (rc = check_io(c, src, dst, false)) != 0)
		return rc;
	return check_attrs(c, src, dst);
}

/* --- types at the target ------------------------------------------------ */

static bool
type_string(const struct ir_value *v, char *buf, size_t size)
{
	const char *e;

	if (v == NULL || v->type.kind != IR_TYPE_TENSOR ||
	    (e = ir_elem_name(v->type.elem)) == NULL || v->type.elem == 0)
		return false;
	snprintf(buf, size, "tensor(%s)", e);
	return true;
}

/* Does TC of DST allow every type that the same parameter allows in SRC
 * (a value of unknown type is then fine)? */
static bool
tc_covers(const struct opdb_tc *d, const struct opdb_tc *s)
{
	unsigned short i;

	if (d == NULL)
		return true;
	if (s == NULL)
		return false;
	for (i = 0; i < s->ntypes; i++)
		if (!opdb_tc_allows(d, opdb_tc_type(s, i)))
			return false;
	return true;
}

static int
check_types(struct conv *c, const struct opdb_schema *from,
    const struct opdb_schema *to)
{
	char b[DIAG_ESCAPE_SIZE], t[64];
	struct ir_node *n = c->n;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool input = pass == 0;
		size_t cnt = input ? n->ninputs : n->noutputs, i;

		for (i = 0; i < cnt; i++) {
			const struct ir_value *v = input ? n->inputs[i] :
			    n->outputs[i];
			const struct opdb_io *f = formal(to, i, input);
			const struct opdb_io *fs = formal(from, i, input);
			const struct opdb_tc *tc;

			if (v == NULL || f == NULL)
				continue;
			if (!type_string(v, t, sizeof(t))) {
				/* unknown: fine when the target takes
				 * whatever the source took */
				const struct opdb_tc *ts = fs != NULL ?
				    opdb_schema_tc(from, opdb_s(fs->type)) :
				    NULL;

				tc = opdb_schema_tc(to, opdb_s(f->type));
				if (tc == NULL && fs != NULL &&
				    strcmp(opdb_s(f->type),
				    opdb_s(fs->type)) == 0)
					continue;
				if (tc != NULL && tc_covers(tc, ts))
					continue;
				return refuse(c, "the type of %s %zu '%s' is "
				    "not known, and %s-%d takes fewer types",
				    input ? "input" : "output", i,
				    diag_esc(b, v->name), n->op_type, to->since);
			}
			tc = opdb_schema_tc(to, opdb_s(f->type));
			if (tc == NULL) {
				if (strchr(opdb_s(f->type), '(') != NULL &&
				    strcmp(opdb_s(f->type), t) != 0)
					return refuse(c, "%s %zu '%s' is %s; "
					    "%s-%d takes %s", input ? "input" :
					    "output", i, diag_esc(b, v->name), t,
					    n->op_type, to->since,
					    opdb_s(f->type));
				continue;
			}
			if (!opdb_tc_allows(tc, t))
				return refuse(c, "%s %zu '%s' is %s, which "
				    "%s-%d does not take", input ? "input" :
				    "output", i, diag_esc(b, v->name),
				    ir_elem_name(v->type.elem), n->op_type,
				    to->since);
		}
	}
	return 0;
}

/*
 * ONNX Runtime, what deploys most converted models, has no kernel for
 * some old versions (Or-1, ...) or fewer types in them: a node it ran
 * before must still run.  0, or 1 refused.
 */
static int
check_ort(struct conv *c, const char *op, const struct opdb_schema *from,
    const struct opdb_schema *to)
{
	char t[64];
	const struct opdb_kernel *ko, *kn;
	struct ir_node *n = c->n;
	size_t i;

	if (strcmp(n->op_type, "Constant") == 0)
		return 0;
	ko = opdb_kernel_find(OPDB_ORT_CPU, "ai.onnx", op, from->since);
	kn = opdb_kernel_find(OPDB_ORT_CPU, "ai.onnx", n->op_type, to->since);
	if (ko == NULL)
		return 0;
	if (kn == NULL)
		return refuse(c, "ONNX Runtime has no kernel for %s-%d",
		    n->op_type, to->since);
	for (i = 0; i < n->ninputs; i++) {
		const struct opdb_io *fo = formal(from, i, true);
		const struct opdb_io *fn = formal(to, i, true);
		const struct opdb_tc *to_, *tn;

		if (n->inputs[i] == NULL || fo == NULL || fn == NULL ||
		    !type_string(n->inputs[i], t, sizeof(t)))
			continue;
		to_ = opdb_kernel_tc(ko, opdb_s(fo->type));
		tn = opdb_kernel_tc(kn, opdb_s(fn->type));
		if ((to_ == NULL || opdb_tc_allows(to_, t)) && tn != NULL &&
		    !opdb_tc_allows(tn, t))
			return refuse(c, "ONNX Runtime's %s-%d kernel does not "
			    "take %s", n->op_type, to->since, t);
	}
	return 0;
}

/* --- one node, one graph, the model --------------------------------------- */

struct state {
	struct pass_ctx *ctx;
	int target;
	size_t converted, refused, kept;
	bool added;		/* nodes added: graphs re-sorted */
};

static void
report_refusal(struct state *st, struct conv *c, const char *op,
    int from_since, int to_since)
{
	char w[DIAG_ESCAPE_SIZE], o[DIAG_ESCAPE_SIZE];

	pass_report_node(st->ctx, DIAG_F_OPSET_REFUSED, c->n,
	    "%s-%d -> %s-%d (opset %d): %s", diag_esc(o, op), from_since,
	    diag_esc(o, op), to_since, st->target, diag_esc(w, c->why));
	st->refused++;
}

static int
convert_node(struct state *st, struct ir_node *n, int from)
{
	const struct opdb_schema *s, *first, *next;
	const char *op = n->op_type;
	struct conv c;
	int to = st->target, rc;

	memset(&c, 0, sizeof(c));
	c.ctx = st->ctx;
	c.n = n;
	c.down = to < from;
	c.to = to;
	s = opdb_schema("ai.onnx", n->op_type, from);
	if (s == NULL) {
		snprintf(c.why, sizeof(c.why), "no schema of '%s' at opset "
		    "%d", n->op_type, from);
		report_refusal(st, &c, op, from, from);
		return 0;
	}
	first = s;
	while (c.down ? s->since > to : s->last < to) {
		const char *was = n->op_type;

		if (c.down) {
			next = s->since > 1 ? opdb_schema("ai.onnx",
			    n->op_type, s->since - 1) : NULL;
			if (next == NULL) {
				/* the new nodes are made at the target */
				rc = opset_expand(&c, s, to);
				if (rc < 0)
					return -1;
				if (rc > 0)
					report_refusal(st, &c, was, s->since,
					    s->since);
				else
					st->converted++;
				return 0;
			}
			c.lo = next;
			c.hi = s;
		} else {
			next = opdb_schema("ai.onnx", n->op_type, s->last + 1);
			if (next == NULL) {
				snprintf(c.why, sizeof(c.why), "%s does not "
				    "exist at opset %d", n->op_type,
				    s->last + 1);
				report_refusal(st, &c, was, s->since,
				    s->since);
				return 0;
			}
			c.lo = s;
			c.hi = next;
		}
		rc = step(&c);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			report_refusal(st, &c, was, s->since, next->since);
			return 0;
		}
		/* a rule may have renamed the op (Upsample -> Resize) */
		s = opdb_schema("ai.onnx", n->op_type, next->since);
		if (s == NULL) {
			snprintf(c.why, sizeof(c.why), "no schema of '%s' at "
			    "opset %d", n->op_type, next->since);
			report_refusal(st, &c, was, next->since, next->since);
			return 0;
		}
	}
	if (s->since == first->since && n->op_type == op) {
		st->kept++;
		return 0;
	}
	st->converted++;
	rc = check_types(&c, first, s);
	if (rc == 0)
		rc = check_ort(&c, op, first, s);
	if (rc < 0)
		return -1;
	if (rc > 0)
		report_refusal(st, &c, op, first->since, s->since);
	return 0;
}

/*
 * Refuse N when, at the target opset, an input's known element type is
 * not one its schema takes (an expansion may make a node whose older
 * version lacks the type: Cast of bfloat16 below 13).
 */
static void
check_target_types(struct state *st, struct ir_node *n)
{
	const struct opdb_schema *s = opdb_schema("ai.onnx", n->op_type,
	    st->target);
	char t[48], o[DIAG_ESCAPE_SIZE];
	size_t i;

	if (s == NULL || !s->io_documented || s->ninputs == 0)
		return;
	for (i = 0; i < n->ninputs; i++) {
		const struct opdb_io *io = &opdb_inputs(s)[i < s->ninputs ? i :
		    (size_t)s->ninputs - 1];
		const struct opdb_tc *tc;

		if (!type_string(n->inputs[i], t, sizeof(t)) ||
		    (i >= s->ninputs && io->option != OPDB_VARIADIC))
			continue;
		tc = opdb_schema_tc(s, opdb_s(io->type));
		if (tc != NULL ? opdb_tc_allows(tc, t) :
		    strncmp(opdb_s(io->type), "tensor(", 7) != 0 ||
		    strcmp(opdb_s(io->type), t) == 0)
			continue;
		pass_report_node(st->ctx, DIAG_F_OPSET_REFUSED, n,
		    "%s-%d (opset %d) takes no %s as input %zu",
		    diag_esc(o, n->op_type), s->since, st->target, t, i);
		st->refused++;
		return;
	}
}

/* The default-domain import of a function, or NULL. */
static struct ir_opset *
function_import(struct ir_function *f)
{
	size_t i;

	for (i = 0; i < f->nopsets; i++)
		if (ir_domain_is_onnx(f->opsets[i].domain))
			return &f->opsets[i];
	return NULL;
}

/* The graph's function when it is (inside) a function body. */
static struct ir_function *
graph_function(const struct ir_graph *g)
{
	while (g->parent != NULL)
		g = g->parent;
	return g->kind == IR_GRAPH_FUNCTION ? g->function : NULL;
}

static int
convert_graph(struct state *st, struct ir_graph *g, int from)
{
	struct ir_node **nodes;
	size_t cnt = g->nnodes, i, others = 0;
	char path[IR_PATH_SIZE];

	if (cnt == 0)
		return 0;
	nodes = arena_array(&st->ctx->scratch, cnt, sizeof(*nodes));
	if (nodes == NULL)
		return -1;
	memcpy(nodes, g->nodes, cnt * sizeof(*nodes));
	for (i = 0; i < cnt; i++) {
		if (nodes[i]->dead)
			continue;
		if (!ir_domain_is_onnx(nodes[i]->domain)) {
			others++;
			continue;
		}
		if (convert_node(st, nodes[i], from) < 0)
			return -1;
	}
	/* the nodes expansions made, like every other, must take their
	 * inputs' element types at the target */
	for (i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead &&
		    ir_domain_is_onnx(g->nodes[i]->domain))
			check_target_types(st, g->nodes[i]);
	if (others > 0 && g->kind == IR_GRAPH_MAIN)
		diag_report(st->ctx->d, DIAG_F_OPSET_DOMAIN, ir_graph_path(g,
		    path, sizeof(path)), "%zu nodes of other domains (their "
		    "imports are kept)", others);
	if (g->nnodes != cnt) {
		struct ir_node **order, *cycle = NULL;

		int rc;

		/* the nodes an expansion replaced are dead: out first, or
		 * the sort sees their inputs as edges never satisfied */
		st->added = true;
		ir_graph_compact(g);
		order = arena_array(&st->ctx->scratch, g->nnodes + 1,
		    sizeof(*order));
		if (order == NULL)
			return -1;
		if ((rc = ir_graph_toposort(g, order, &cycle)) < 0)
			return -1;
		if (rc > 0) {
			diag_report(st->ctx->d, DIAG_F_OPSET_REFUSED,
			    ir_graph_path(g, path, sizeof(path)), "the "
			    "converted graph cannot be sorted");
			st->refused++;
			return 0;
		}
		memcpy(g->nodes, order, g->nnodes * sizeof(*order));
		for (i = 0; i < g->nnodes; i++)
			g->nodes[i]->index = (unsigned)i;
	}
	return 0;
}

/* The IR version of the onnx release that brought opset N
 * (src/opdb/onnx-releases.tsv). */
static int
ir_for_opset(int n)
{
	static const struct { int opset, ir; } t[] = {
		{ 8, 3 }, { 9, 4 }, { 10, 5 }, { 11, 6 }, { 14, 7 },
		{ 18, 8 }, { 20, 9 }, { 22, 10 }, { 23, 11 }, { 24, 12 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (n <= t[i].opset)
			return t[i].ir;
	return 13;
}

/* The newest IR version this build knows (onnx-releases.tsv). */
#define IR_NEWEST 13

/* Can the model be written at IR version V?  0, or 1 with the reason in
 * WHY. */
static int
ir_fits(struct ir_model *m, int v, int opset, char *why, size_t size)
{
	struct ir_graph *g = m->graph;
	size_t i;

	if (v < 3 || v > IR_NEWEST) {
		snprintf(why, size, "IR version %d is not one this build "
		    "writes (3 to %d)", v, IR_NEWEST);
		return 1;
	}
	if (opset > 0 && v < ir_for_opset(opset)) {
		snprintf(why, size, "opset %d needs IR version %d", opset,
		    ir_for_opset(opset));
		return 1;
	}
	if (m->nfunctions > 0 && v < 8) {
		snprintf(why, size, "local functions need IR version 8");
		return 1;
	}
	if (v < 4 && g != NULL)
		for (i = 0; i < g->ninits; i++) {
			const struct ir_value *x = ir_lookup(g,
			    g->inits[i]->name);

			if (x != NULL && !x->is_input) {
				snprintf(why, size, "initializer '%s' is not a "
				    "graph input, which IR version 4 allows",
				    g->inits[i]->name);
				return 1;
			}
		}
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	struct ir_graph **graphs;
	struct ir_opset *imp = NULL;
	struct state st;
	char why[256];
	int lo, hi, last, from;
	size_t n, i;

	if (ctx->o->opset == 0 && ctx->o->ir_version == 0)
		return 0;
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.target = ctx->o->opset;
	for (i = 0; i < m->nopsets; i++)
		if (ir_domain_is_onnx(m->opsets[i].domain))
			imp = &m->opsets[i];
	if (st.target != 0 && opdb_domain_range("ai.onnx", &lo, &hi,
	    &last) == 0 && (st.target < lo || st.target > hi)) {
		diag_report(ctx->d, DIAG_F_OPSET_REFUSED, "", "opset %d is "
		    "not one of ai.onnx (%d to %d)", st.target, lo, hi);
		ctx->refused = true;
		return 0;
	}
	from = imp != NULL ? (int)imp->version : 0;
	if (st.target != 0 && imp != NULL && imp->version != st.target) {
		if (imp->version < 1 || imp->version > hi) {
			diag_report(ctx->d, DIAG_F_OPSET_REFUSED, "", "the "
			    "model imports ai.onnx at opset %" PRId64
			    ", which is not known", imp->version);
			ctx->refused = true;
			return 0;
		}
		n = ir_model_graphs(m, &graphs);
		for (i = 0; i < n; i++) {
			struct ir_function *f = graph_function(graphs[i]);
			int gfrom = from;

			if (graphs[i]->kind == IR_GRAPH_TRAINING)
				continue;
			if (f != NULL) {
				struct ir_opset *fi = function_import(f);

				if (fi == NULL)
					continue;
				gfrom = (int)fi->version;
			}
			if (gfrom == st.target)
				continue;
			if (convert_graph(&st, graphs[i], gfrom) < 0)
				return -1;
		}
		if (st.refused > 0) {
			ctx->refused = true;
			return 0;
		}
		for (i = 0; i < m->nfunctions; i++) {
			struct ir_opset *fi = function_import(m->functions[i]);

			if (fi != NULL)
				fi->version = st.target;
		}
		imp->version = st.target;
		m->opsets_dirty = true;
		ctx->changed = true;
		diag_report(ctx->d, DIAG_F_OPSET_CONVERTED, "", "opset %d -> "
		    "%d: %zu nodes converted, %zu unchanged", from,
		    st.target, st.converted, st.kept);
	}
	/* IR version: as asked, else raised to what the opset needs */
	{
		int opset = imp != NULL ? (int)imp->version : 0;
		int want = ctx->o->ir_version;
		int64_t had = m->has_ir_version ? m->ir_version : 0;

		if (want == 0 && opset > 0 && had < ir_for_opset(opset) &&
		    st.target != 0)
			want = ir_for_opset(opset);
		if (want == 0 || want == had)
			return 0;
		if (ir_fits(m, want, opset, why, sizeof(why)) != 0) {
			char w[DIAG_ESCAPE_SIZE];

			diag_report(ctx->d, DIAG_F_OPSET_IR_REFUSED, "",
			    "IR version %d: %s", want, diag_esc(w, why));
			ctx->refused = true;
			return 0;
		}
		diag_report(ctx->d, DIAG_F_OPSET_IR, "", "IR version %" PRId64
		    " -> %d", had, want);
		m->ir_version = want;
		m->has_ir_version = true;
		m->ir_version_dirty = true;
		ctx->changed = true;
	}
	return 0;
}

int
pass_opset_trial(struct pass_ctx *ctx, int target, size_t *refused,
    char *first, size_t size)
{
	struct onnxfix_options o = *ctx->o;
	struct ir_model *copy = NULL;
	struct diag_list d;
	struct pass_ctx c2;
	size_t i;
	int rc = -1;

	*refused = 0;
	if (first != NULL && size > 0)
		first[0] = '\0';
	o.opset = target;
	o.ir_version = 0;
	diag_list_init(&d);
	/* a fresh copy: this model is not to be changed (check) */
	if ((copy = pass_load_copy(ctx, &o, &d)) == NULL ||
	    shapes_infer(copy) < 0)
		goto out;
	memset(&c2, 0, sizeof(c2));
	c2.m = copy;
	c2.d = &d;
	c2.o = &o;
	arena_init(&c2.scratch, copy->budget);
	rc = run(&c2);
	arena_release(&c2.scratch);
	if (rc < 0)
		goto out;
	for (i = 0; i < d.n; i++) {
		if (d.v[i].id != DIAG_F_OPSET_REFUSED &&
		    d.v[i].id != DIAG_F_OPSET_IR_REFUSED)
			continue;
		if (++*refused == 1 && first != NULL)
			snprintf(first, size, "%s%s%s", d.v[i].loc,
			    d.v[i].loc[0] != '\0' ? ": " : "",
			    d.v[i].detail != NULL ? d.v[i].detail : "");
	}
	rc = 0;
out:
	if (copy != NULL)
		onnxfix_model_free(copy);
	diag_list_release(&d);
	return rc;
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->opset != 0 ? "--opset" : o->ir_version != 0 ?
	    "--ir-version" : NULL;
}

const struct pass pass_opset = {
	"opset", PASS_REWRITE,
	"convert the default domain to the opset of --opset, exactly or not "
	"at all",
	run, asked,
};
