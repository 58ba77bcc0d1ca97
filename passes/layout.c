/* SPDX-License-Identifier: MIT */
/*
 * layout: classify every Transpose by what it does for the layout.
 *
 * A model converted from a channels-last framework (TensorFlow, TFLite,
 * Keras) carries Transposes around each channels-first ONNX operator;
 * most cost time for nothing.  Each Transpose is put in one class:
 *   P503 identity perm            P502 consecutive, mergeable
 *   P501 cancelling pair (directly or through layout-agnostic nodes)
 *   P500 at the interface (after an input, before an output)
 *   P504 moves only size-1 dims (a Reshape in disguise)
 *   P505 wraps a layout-sensitive node with its inverse (a "sandwich")
 *   P506 required, with the reason it stays
 * and a model summary (P510) counts what `fix` removes and whether the
 * model looks like an NHWC-origin conversion.  Layout is tracked by axis
 * provenance (perms composed along the path), never by comparing dim
 * sizes, so equal dims cannot make two Transposes look inverse.  Only
 * channels-first/last perms count as layout Transposes: a model without
 * any, and without removable ones, gets no finding.
 * Requires: nothing (ranks from types, constants and perms).
 * Preserves: everything (analysis).
 *
 *	x -> Transpose[0,3,1,2] -> Conv -> Transpose[0,2,3,1] -> Mul(c)
 *	  -> Transpose[0,3,1,2] -> Conv -> Transpose[0,2,3,1] -> y
 *	P500, P500 (interface), P501 + P501 (the pair around Mul)
 */
#include <stdio.h>
#include <string.h>

#include "pass.h"
#include "ir/perm.h"
#include "ir/shapes.h"

enum lclass {
	LC_NONE,
	LC_INTERFACE,
	LC_CANCEL,
	LC_MERGE,
	LC_IDENTITY,
	LC_SIZE1,
	LC_SANDWICH,
	LC_REQUIRED,
	LC_INVALID,
};

struct lay {
	struct pass_ctx *ctx;
	struct ir_graph *g;
	struct pshape *sh;
	unsigned char *cls;	/* by node index */
	struct ir_node **partner;	/* by node index */
	const char **via;	/* by node index: op between a pair */
	size_t count[LC_INVALID + 1];
	size_t layout_findings, removable, interface_in, interface_out;
	size_t in_nchw, in_nhwc, out_nchw, out_nhwc, ntransposes;
	size_t sandwiches;
};

static void
shape_of(struct lay *l, const struct ir_value *v, struct pshape *s)
{
	s->rank = -1;
	if (v == NULL)
		return;
	if (v->graph == l->g && v->id < l->g->nvalues) {
		*s = l->sh[v->id];
		return;
	}
	pshape_of_type(&v->type, s);
}

static bool
node_perm(struct lay *l, const struct ir_node *n, int *p, int *r)
{
	struct pshape s;

	if (!perm_is_transpose(n))
		return false;
	shape_of(l, n->inputs[0], &s);
	return perm_of_node(n, s.rank, p, r);
}

static struct ir_node *
producer(const struct ir_value *v)
{
	if (v == NULL || v->kind != IR_VALUE_NODE || v->producer == NULL ||
	    v->producer->dead)
		return NULL;
	return v->producer;
}

/* The single consumer of V in this graph, or NULL. */
static struct ir_node *
only_use(struct lay *l, const struct ir_value *v)
{
	if (v == NULL || v->nuses != 1 || v->noutputs > 0 ||
	    v->uses[0].index < 0 || v->uses[0].node->graph != l->g)
		return NULL;
	return v->uses[0].node;
}

/* Operands of C other than slot K are constants or all-1 shapes. */
static bool
others_const(struct lay *l, const struct ir_node *c, size_t k)
{
	enum perm_push kind = perm_push_kind(c);
	size_t j;

	if (kind != PUSH_BROADCAST && kind != PUSH_CONCAT)
		return k == 0;
	for (j = 0; j < c->ninputs; j++) {
		struct pshape s;
		int i;

		if (j == k || c->inputs[j] == NULL)
			continue;
		/* As the transpose pass sees it: data it cannot permute
		 * keeps the Transpose where it is. */
		if (perm_const(c->inputs[j]) != NULL) {
			if (!perm_const_movable(perm_const(c->inputs[j])))
				return false;
			continue;
		}
		shape_of(l, c->inputs[j], &s);
		for (i = 0; i < s.rank && s.dim[i] == 1; i++)
			;
		if (s.rank < 0 || i < s.rank)
			return false;
	}
	return true;
}

/* Softmax below opset 13 flattens to 2-D at its axis: P may only move
 * axes within the two groups. */
static bool
softmax_ok(const struct ir_node *c, const int *p, int r)
{
	struct ir_attr *a = ir_node_attr(c, "axis");
	int64_t ax = a != NULL && a->type == IR_ATTR_INT ? a->i : 1;
	int i;

	if (ir_node_opset(c) >= 13)
		return true;
	if (ax < -r || ax >= r)
		return false;
	if (ax < 0)
		ax += r;
	for (i = 0; i < ax; i++)
		if (p[i] >= ax)
			return false;
	return true;
}

/* Ops through which the perm stays as it is (same rank, same order). */
static bool
keeps_perm(const struct ir_node *c, const int *p, int r)
{
	switch (perm_push_kind(c)) {
	case PUSH_SOFTMAX:
		return softmax_ok(c, p, r);
	case PUSH_UNARY:
	case PUSH_BROADCAST:
	case PUSH_CONCAT:
	case PUSH_SLICE:
	case PUSH_PAD:
	case PUSH_TILE:
	case PUSH_QDQ:
		return c->noutputs >= 1;
	case PUSH_REDUCE:
	case PUSH_ARG: {
		struct ir_attr *a = ir_node_attr(c, "keepdims");

		return a == NULL || a->type != IR_ATTR_INT || a->i != 0;
	}
	default:
		return false;
	}
}

/*
 * From Transpose N (perm P), follow single-use layout-agnostic nodes
 * whose other operands are constant; return the Transpose that undoes P
 * there, with the first node between in *VIA.
 */
static struct ir_node *
find_cancel(struct lay *l, struct ir_node *n, const int *p, int r,
    const char **via)
{
	struct ir_value *v = n->outputs[0];
	size_t steps = 0;

	*via = NULL;
	while (steps++ < 4096) {
		struct ir_node *c = only_use(l, v);
		int q[PERM_MAX], c2[PERM_MAX], rq;

		if (c == NULL)
			return NULL;
		if (perm_is_transpose(c)) {
			if (!node_perm(l, c, q, &rq) || rq != r)
				return NULL;
			perm_compose(p, q, r, c2);
			return perm_is_identity(c2, r) ? c : NULL;
		}
		if (!keeps_perm(c, p, r) || !others_const(l, c,
		    (size_t)v->uses[0].index) || c->noutputs < 1 ||
		    c->outputs[0] == NULL)
			return NULL;
		if (*via == NULL)
			*via = c->op_type;
		v = c->outputs[0];
	}
	return NULL;
}

/* Follow N's output forward through layout-sensitive and single-use
 * agnostic nodes: does it reach a Transpose undoing P? */
static bool
wraps_sensitive(struct lay *l, struct ir_node *n, const int *p, int r)
{
	struct ir_value *v = n->outputs[0];
	bool sensitive = false;
	size_t steps = 0;

	while (steps++ < 4096) {
		struct ir_node *c = only_use(l, v);
		int q[PERM_MAX], c2[PERM_MAX], rq;

		if (c == NULL)
			return false;
		if (perm_is_transpose(c)) {
			if (!sensitive || !node_perm(l, c, q, &rq) || rq != r)
				return false;
			perm_compose(p, q, r, c2);
			return perm_is_identity(c2, r);
		}
		if (perm_layout_sensitive(c))
			sensitive = true;
		else if (!keeps_perm(c, p, r))
			return false;
		if (c->noutputs < 1 || c->outputs[0] == NULL)
			return false;
		v = c->outputs[0];
	}
	return false;
}

/* Backward: is N's input made (through sensitive/agnostic single-use
 * nodes) from a Transpose that N undoes, with a sensitive node between? */
static bool
wrapped_from(struct lay *l, struct ir_node *n, const int *p, int r)
{
	struct ir_value *v = n->inputs[0];
	bool sensitive = false;
	size_t steps = 0;

	while (steps++ < 4096) {
		struct ir_node *c = producer(v);
		int q[PERM_MAX], c2[PERM_MAX], rq;

		if (c == NULL || c->graph != l->g || v->nuses != 1)
			return false;
		if (perm_is_transpose(c)) {
			if (!sensitive || !node_perm(l, c, q, &rq) || rq != r)
				return false;
			perm_compose(q, p, r, c2);
			return perm_is_identity(c2, r);
		}
		if (perm_layout_sensitive(c))
			sensitive = true;
		else if (!keeps_perm(c, p, r))
			return false;
		if (c->ninputs < 1)
			return false;
		v = c->inputs[0];
	}
	return false;
}

/* One consumer, which a layout Transpose can sit before for good. */
static bool
plain_use(const struct ir_value *y)
{
	const struct ir_node *c;

	if (y->nuses != 1 || y->noutputs > 0 || y->uses[0].index < 0)
		return false;
	c = y->uses[0].node;
	return !(perm_op(c, "Reshape") || perm_op(c, "Flatten") ||
	    perm_op(c, "MatMul") || perm_op(c, "Gemm"));
}

static bool
size1_only(struct lay *l, struct ir_node *n, const int *p, int r)
{
	struct pshape s;
	int i, last = -1;

	shape_of(l, n->inputs[0], &s);
	if (s.rank != r)
		return false;
	for (i = 0; i < r; i++) {
		if (s.dim[p[i]] == 1)
			continue;
		if (p[i] < last)
			return false;
		last = p[i];
	}
	return true;
}

/* Why a layout Transpose stays. */
static const char *
why_required(const struct ir_node *n, int r)
{
	struct ir_value *y = n->outputs[0];
	size_t j;

	if (r < 0)
		return "unknown rank";
	if (y->noutputs > 0)
		return "it makes a graph output";
	if (y->nuses > 1)
		return "several consumers with different needs";
	for (j = 0; j < y->nuses; j++) {
		struct ir_node *c = y->uses[j].node;

		if (y->uses[j].index < 0)
			return "used inside a subgraph";
		if (perm_op(c, "Reshape") || perm_op(c, "Flatten"))
			return "it feeds a Reshape, which depends on the order";
		if (perm_op(c, "MatMul") || perm_op(c, "Gemm") ||
		    perm_op(c, "Einsum"))
			return "it feeds a matrix product";
		if (perm_layout_sensitive(c))
			return "it feeds a layout-sensitive node with no "
			    "inverse Transpose after it";
		if (perm_push_kind(c) == PUSH_NONE)
			return "it feeds a node it cannot move through";
	}
	return "no inverse Transpose to cancel with";
}

static void
classify(struct lay *l, struct ir_node *n)
{
	struct pass_ctx *ctx = l->ctx;
	struct ir_value *x = n->inputs[0], *y = n->outputs[0];
	struct ir_node *pn, *partner;
	struct pshape s;
	int p[PERM_MAX], q[PERM_MAX], c[PERM_MAX], r, rq;
	char pb[64], e[DIAG_ESCAPE_SIZE], e2[DIAG_ESCAPE_SIZE];
	const char *via;
	enum perm_kind kind;
	unsigned idx = n->index;

	shape_of(l, x, &s);
	if (!perm_of_node(n, s.rank, p, &r)) {
		struct ir_attr *a = ir_node_attr(n, "perm");

		if (a != NULL) {
			l->cls[idx] = LC_INVALID;
			pass_report_node(ctx, DIAG_P_INVALID_PERM, n,
			    "input rank %d", s.rank);
		}
		return;	/* unknown rank: only counted when layout */
	}
	kind = perm_kind(p, r);
	perm_str(p, r, pb, sizeof(pb));
	if (l->cls[idx] == LC_CANCEL) {
		/* Second of a pair found from its partner. */
		pass_report_node(ctx, DIAG_P_CANCEL, n,
		    "[%s] undoes node %u '%s'%s%s", pb,
		    l->partner[idx]->index,
		    diag_esc(e, l->partner[idx]->name),
		    l->via[idx] ? " through " : " directly",
		    l->via[idx] ? diag_esc(e2, l->via[idx]) : "");
		l->layout_findings++;
		l->removable++;
		return;
	}
	if (kind == PERM_IDENTITY) {
		l->cls[idx] = LC_IDENTITY;
		pass_report_node(ctx, DIAG_P_IDENTITY, n, "[%s]", pb);
		l->layout_findings++;
		l->removable++;
		return;
	}
	pn = producer(x);
	if (pn != NULL && pn->graph == l->g && node_perm(l, pn, q, &rq) &&
	    rq == r) {
		perm_compose(q, p, r, c);
		if (l->cls[pn->index] == LC_REQUIRED)
			l->cls[pn->index] = LC_MERGE;	/* reported here */
		if (perm_is_identity(c, r)) {
			l->cls[idx] = LC_CANCEL;
			pass_report_node(ctx, DIAG_P_CANCEL, n,
			    "[%s] directly undoes node %u '%s'", pb,
			    pn->index, diag_esc(e, pn->name));
			l->removable++;
		} else {
			char cb[64];

			l->cls[idx] = LC_MERGE;
			pass_report_node(ctx, DIAG_P_MERGE, n,
			    "[%s] after node %u '%s' is one Transpose [%s]",
			    pb, pn->index, diag_esc(e, pn->name),
			    perm_str(c, r, cb, sizeof(cb)));
			l->removable++;
		}
		l->layout_findings++;
		return;
	}
	if ((partner = find_cancel(l, n, p, r, &via)) != NULL &&
	    partner->index < l->g->nnodes) {
		l->cls[idx] = LC_CANCEL;
		l->cls[partner->index] = LC_CANCEL;
		l->partner[partner->index] = n;
		l->via[partner->index] = via;
		pass_report_node(ctx, DIAG_P_CANCEL, n,
		    "[%s] is undone by node %u '%s'%s%s", pb,
		    partner->index, diag_esc(e, partner->name),
		    via ? " through " : " directly", via ? diag_esc(e2, via) : "");
		l->layout_findings++;
		l->removable++;
		return;
	}
	if (kind == PERM_TO_FIRST || kind == PERM_TO_LAST) {
		bool in = x->kind == IR_VALUE_INPUT && x->init == NULL &&
		    l->g->kind == IR_GRAPH_MAIN;
		bool out = y->noutputs > 0 && l->g->kind == IR_GRAPH_MAIN;

		if (in || out) {
			/* Rank 3 has one perm both ways: the side decides. */
			if (r == 3)
				kind = in ? PERM_TO_FIRST : PERM_TO_LAST;
			l->cls[idx] = LC_INTERFACE;
			pass_report_node(ctx, DIAG_P_INTERFACE, n,
			    "[%s] %s %s '%s'; fix %s %s removes it", pb,
			    kind == PERM_TO_FIRST ? "channels-last to -first" :
			    "channels-first to -last", in ? "after input" :
			    "before output", diag_esc(e, in ? x->name : y->name),
			    in ? "--inputs-layout" : "--outputs-layout",
			    (kind == PERM_TO_FIRST) == in ? "nchw" : "nhwc");
			if (in)
				l->interface_in++;
			else
				l->interface_out++;
			if (in && kind == PERM_TO_FIRST)
				l->in_nchw++;
			else if (in)
				l->in_nhwc++;
			else if (kind == PERM_TO_LAST)
				l->out_nchw++;
			else
				l->out_nhwc++;
			l->layout_findings++;
			return;
		}
	}
	if (size1_only(l, n, p, r)) {
		l->cls[idx] = LC_SIZE1;
		pass_report_node(ctx, DIAG_P_SIZE1, n, "[%s]", pb);
		l->layout_findings++;
		l->removable++;
		return;
	}
	if ((kind == PERM_TO_FIRST || kind == PERM_TO_LAST) &&
	    plain_use(y) &&
	    (wraps_sensitive(l, n, p, r) || wrapped_from(l, n, p, r))) {
		l->cls[idx] = LC_SANDWICH;
		pass_report_node(ctx, DIAG_P_SANDWICH, n, "[%s] %s", pb,
		    kind == PERM_TO_FIRST ? "into a channels-first node" :
		    "back to channels-last");
		l->sandwiches++;
		l->layout_findings++;
		return;
	}
	l->cls[idx] = LC_REQUIRED;
}

static int
run_graph(struct lay *l)
{
	struct ir_graph *g = l->g;
	size_t i;

	for (i = 0; i < g->nnodes && !perm_is_transpose(g->nodes[i]); i++)
		;
	if (i == g->nnodes)
		return 0;	/* nothing to classify */
	if (pshape_scan(&l->ctx->scratch, g, &l->sh) < 0)
		return -1;
	l->cls = arena_alloc(&l->ctx->scratch, g->nnodes + 1);
	l->partner = arena_array(&l->ctx->scratch, g->nnodes + 1,
	    sizeof(*l->partner));
	l->via = arena_array(&l->ctx->scratch, g->nnodes + 1,
	    sizeof(*l->via));
	if (l->cls == NULL || l->partner == NULL || l->via == NULL)
		return -1;
	for (i = 0; i < g->nnodes; i++)
		g->nodes[i]->index = (unsigned)i;
	for (i = 0; i < g->nnodes; i++)
		if (perm_is_transpose(g->nodes[i])) {
			l->ntransposes++;
			classify(l, g->nodes[i]);
		}
	return 0;
}

/* Report the required layout Transposes, once the model is known to
 * carry layout work at all. */
static void
report_required(struct lay *l)
{
	struct ir_graph *g = l->g;
	size_t i;

	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		struct pshape s;
		int p[PERM_MAX], r;
		char pb[64];

		if (!perm_is_transpose(n))
			continue;
		shape_of(l, n->inputs[0], &s);
		if (!perm_of_node(n, s.rank, p, &r)) {
			if (ir_node_attr(n, "perm") == NULL) {
				pass_report_node(l->ctx, DIAG_P_REQUIRED, n,
				    "default perm: unknown rank");
				l->count[LC_REQUIRED]++;
			}
			continue;
		}
		if (l->cls[i] != LC_REQUIRED)
			continue;
		if (perm_kind(p, r) != PERM_TO_FIRST &&
		    perm_kind(p, r) != PERM_TO_LAST)
			continue;
		pass_report_node(l->ctx, DIAG_P_REQUIRED, n, "[%s]: %s",
		    perm_str(p, r, pb, sizeof(pb)), why_required(n, r));
		l->count[LC_REQUIRED]++;
	}
}

static size_t
count_transposes(struct ir_model *m)
{
	struct ir_graph **graphs;
	size_t n, i, j, c = 0;

	n = ir_model_graphs(m, &graphs);
	for (i = 0; i < n; i++) {
		if (graphs[i]->kind != IR_GRAPH_MAIN &&
		    graphs[i]->kind != IR_GRAPH_SUB)
			continue;
		for (j = 0; j < graphs[i]->nnodes; j++)
			c += perm_is_transpose(graphs[i]->nodes[j]);
	}
	return c;
}

/*
 * What `fix` leaves: run the transpose pass on a second copy of the
 * model (pass_load_copy), with the interface options IN and OUT.  The
 * Transposes left go to *LEFT (-1 when the copy could not be made:
 * standard input, or out of budget).
 */
static void
simulate(struct pass_ctx *ctx, enum onnxfix_layout in,
    enum onnxfix_layout out, long *left)
{
	struct onnxfix_options o = *ctx->o;
	struct ir_model *c = NULL;
	struct pass_ctx sub;
	struct diag_list d;

	*left = -1;
	o.inputs_layout = in;
	o.outputs_layout = out;
	diag_list_init(&d);
	c = pass_load_copy(ctx, &o, &d);
	if (c == NULL || shapes_infer(c) < 0) {
		onnxfix_model_free(c);
		diag_list_release(&d);
		return;
	}
	memset(&sub, 0, sizeof(sub));
	sub.m = c;
	sub.d = &d;
	sub.o = &o;
	arena_init(&sub.scratch, c->budget);
	if (pass_transpose.run(&sub) == 0)
		*left = (long)count_transposes(c);
	arena_release(&sub.scratch);
	onnxfix_model_free(c);
	diag_list_release(&d);
}

static bool
tf_producer(const struct ir_model *m)
{
	const char *p = m->producer_name ? m->producer_name : "";

	return strstr(p, "tf2onnx") != NULL || strstr(p, "tflite") != NULL ||
	    strstr(p, "keras") != NULL || strstr(p, "onnx-tf") != NULL;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct lay total, *per;
	size_t n, i;

	if (!pass_uses_op(ctx, NULL, "Transpose"))
		return 0;
	memset(&total, 0, sizeof(total));
	n = ir_model_graphs(ctx->m, &graphs);
	/* First pass: classes; required ones are reported afterwards. */
	per = arena_array(&ctx->scratch, n + 1, sizeof(*per));
	if (per == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		per[i].ctx = ctx;
		per[i].g = graphs[i];
		if (graphs[i]->kind == IR_GRAPH_TRAINING)
			continue;
		if (run_graph(&per[i]) < 0)
			return -1;
		total.layout_findings += per[i].layout_findings;
		total.removable += per[i].removable;
		total.interface_in += per[i].interface_in;
		total.interface_out += per[i].interface_out;
		total.in_nchw += per[i].in_nchw;
		total.in_nhwc += per[i].in_nhwc;
		total.out_nchw += per[i].out_nchw;
		total.out_nhwc += per[i].out_nhwc;
		total.ntransposes += per[i].ntransposes;
		total.sandwiches += per[i].sandwiches;
	}
	if (total.layout_findings == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (graphs[i]->kind == IR_GRAPH_TRAINING || per[i].cls == NULL)
			continue;
		report_required(&per[i]);
		total.count[LC_REQUIRED] += per[i].count[LC_REQUIRED];
	}
	{
		long left = -1, left_if = -1;
		enum onnxfix_layout in = total.in_nchw ? ONNXFIX_LAYOUT_NCHW :
		    total.in_nhwc ? ONNXFIX_LAYOUT_NHWC : ONNXFIX_LAYOUT_KEEP;
		enum onnxfix_layout out = total.out_nchw ?
		    ONNXFIX_LAYOUT_NCHW : total.out_nhwc ? ONNXFIX_LAYOUT_NHWC :
		    ONNXFIX_LAYOUT_KEEP;
		char sim[160] = "", sim_if[200] = "";

		simulate(ctx, ONNXFIX_LAYOUT_KEEP, ONNXFIX_LAYOUT_KEEP, &left);
		if (in != ONNXFIX_LAYOUT_KEEP || out != ONNXFIX_LAYOUT_KEEP)
			simulate(ctx, in, out, &left_if);
		if (left >= 0)
			snprintf(sim, sizeof(sim), "fix leaves %ld of %zu",
			    left, total.ntransposes);
		else
			snprintf(sim, sizeof(sim), "%zu of %zu removable by "
			    "fix", total.removable, total.ntransposes);
		if (left_if >= 0)
			snprintf(sim_if, sizeof(sim_if), ", %ld with%s%s%s%s",
			    left_if,
			    in != ONNXFIX_LAYOUT_KEEP ? " --inputs-layout " : "",
			    in == ONNXFIX_LAYOUT_KEEP ? "" :
			    in == ONNXFIX_LAYOUT_NCHW ? "nchw" : "nhwc",
			    out != ONNXFIX_LAYOUT_KEEP ? " --outputs-layout " :
			    "", out == ONNXFIX_LAYOUT_KEEP ? "" :
			    out == ONNXFIX_LAYOUT_NCHW ? "nchw" : "nhwc");
		diag_report(ctx->d, DIAG_P_SUMMARY, "", "%s%s; %zu at the "
		    "interface, %zu cancelling, mergeable, identity or "
		    "size-1, %zu wrapping layout-sensitive nodes, %zu "
		    "required; %s", sim, sim_if,
		    total.interface_in + total.interface_out,
		    total.removable, total.sandwiches,
		    total.count[LC_REQUIRED],
		    total.in_nchw > 0 || total.out_nchw > 0 ||
		    total.sandwiches > 0 || tf_producer(ctx->m) ?
		    "looks like an NHWC-origin (TensorFlow/TFLite) "
		    "conversion" : "no sign of an NHWC-origin conversion");
	}
	return 0;
}

const struct pass pass_layout = {
	"layout", PASS_ANALYSIS,
	"classify Transposes: interface, cancelling, mergeable, identity, "
	"size-1, sandwich, required",
	run, NULL,
};
