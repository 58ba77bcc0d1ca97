/* SPDX-License-Identifier: MIT */
/*
 * onnxfix_diff(): the semantic difference of two models, for "did
 * re-exporting (or fixing) change anything?" questions.  Compared: the
 * model header (ir_version, producer, opset imports, metadata_props), the
 * main graph's interface (inputs and outputs by name, with types and
 * shapes), an operator histogram, and per graph the nodes, initializers
 * and value_info entries.  Subgraphs are compared when their owners are
 * matched (same attribute); function bodies by domain and name.
 *
 * Nodes are matched (diff_match.c) by name, by first output name and by
 * structure.  Unmatched nodes are removed (A) or added (B); matched ones
 * are compared attribute by attribute (values, perms, epsilons, modes)
 * and input by input.  Initializer contents are compared by XXH3 hashes
 * of their bytes (raw_data, or the typed field's elements).  Each change
 * is filed under the rewrite of `onnxfix fix` it belongs to, when one is
 * recognised (diff_notes.c).
 *
 * The result is a list of changes written as text, one line each:
 *	LOCATION: KIND [OP] ['NAME'] [ATTR]: A -> B
 * or as JSON ({"format": "onnxfix-diff", "version": 2, ...}, described in
 * onnxfix(1)), by diff_write.c.  Model text is escaped in both.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outfile.h"
#include "view/diff_int.h"

/* ---- the model header and interface ---- */

/*
 * Index N records of SIZE bytes at BASE by the name at OFF in each (a
 * NULL name as ""): name -> index + 1, the first record of a name
 * winning, as a scan from the front would find.  Metadata keys and
 * interface names are compared through it: a scan per entry is
 * quadratic (100,000 metadata keys).  -1 when out of memory (D->oom).
 */
static int
name_index(struct diff *D, struct hmap *h, const void *base, size_t n,
    size_t size, size_t off)
{
	size_t i;

	hmap_init(h, &D->arena);
	if (hmap_reserve(h, n) < 0) {
		D->oom = true;
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *k = *(const char *const *)(const void *)
		    ((const char *)base + i * size + off);

		if (hmap_put(h, k != NULL ? k : "", (void *)(uintptr_t)(i + 1),
		    NULL) < 0) {
			D->oom = true;
			return -1;
		}
	}
	return 0;
}

/* The index of NAME in H, or N when it is not there. */
static size_t
name_find(const struct hmap *h, const char *name, size_t n)
{
	void *v = hmap_get(h, name != NULL ? name : "");

	return v != NULL ? (size_t)(uintptr_t)v - 1 : n;
}

static void
diff_header(struct diff *D, const struct ir_model *a,
    const struct ir_model *b)
{
	struct change *c;
	struct hmap ia, ib;
	size_t i, j;

	if (a->ir_version != b->ir_version &&
	    (c = diff_add(D, "ir_version", "")) != NULL) {
		c->a = diff_fmt(D, "%" PRId64, a->ir_version);
		c->b = diff_fmt(D, "%" PRId64, b->ir_version);
		D->header++;
	}
	if ((!diff_str_eq(a->producer_name, b->producer_name) ||
	    !diff_str_eq(a->producer_version, b->producer_version)) &&
	    (c = diff_add(D, "producer", "")) != NULL) {
		c->a = diff_fmt(D, "%s %s", diff_esc(D, a->producer_name ?
		    a->producer_name : ""), diff_esc(D, a->producer_version ?
		    a->producer_version : ""));
		c->b = diff_fmt(D, "%s %s", diff_esc(D, b->producer_name ?
		    b->producer_name : ""), diff_esc(D, b->producer_version ?
		    b->producer_version : ""));
		D->header++;
	}
	if (a->model_version != b->model_version &&
	    (c = diff_add(D, "model_version", "")) != NULL) {
		c->a = diff_fmt(D, "%" PRId64, a->model_version);
		c->b = diff_fmt(D, "%" PRId64, b->model_version);
		D->header++;
	}
	for (i = 0; i < a->nopsets; i++) {
		const char *dom = a->opsets[i].domain;
		int64_t vb = ir_model_opset(b, dom);

		if (vb == a->opsets[i].version)
			continue;
		if ((c = diff_add(D, "opset", "")) == NULL)
			return;
		c->name = dom[0] ? diff_esc(D, dom) : "ai.onnx";
		c->a = diff_fmt(D, "%" PRId64, a->opsets[i].version);
		c->b = vb >= 0 ? diff_fmt(D, "%" PRId64, vb) : NULL;
		if (vb < 0) {
			c->code = DCODE(F_OPSET_UNUSED);
			c->subject = c->name;
		}
		D->header++;
	}
	for (i = 0; i < b->nopsets; i++) {
		if (ir_model_opset(a, b->opsets[i].domain) >= 0)
			continue;
		if ((c = diff_add(D, "opset", "")) == NULL)
			return;
		c->name = b->opsets[i].domain[0] ?
		    diff_esc(D, b->opsets[i].domain) : "ai.onnx";
		c->b = diff_fmt(D, "%" PRId64, b->opsets[i].version);
		D->header++;
	}
	if (name_index(D, &ia, a->meta, a->nmeta, sizeof(*a->meta),
	    offsetof(struct ir_meta, key)) < 0 ||
	    name_index(D, &ib, b->meta, b->nmeta, sizeof(*b->meta),
	    offsetof(struct ir_meta, key)) < 0)
		return;
	for (i = 0; i < a->nmeta; i++) {
		j = name_find(&ib, a->meta[i].key, b->nmeta);
		if (j < b->nmeta &&
		    diff_str_eq(a->meta[i].value, b->meta[j].value))
			continue;
		if ((c = diff_add(D, "metadata", "")) == NULL)
			return;
		c->name = diff_esc(D, a->meta[i].key);
		c->a = diff_esc(D, a->meta[i].value);
		c->b = j < b->nmeta ? diff_esc(D, b->meta[j].value) : NULL;
		D->header++;
	}
	for (j = 0; j < b->nmeta; j++) {
		if (name_find(&ia, b->meta[j].key, a->nmeta) < a->nmeta ||
		    (c = diff_add(D, "metadata", "")) == NULL)
			continue;
		c->name = diff_esc(D, b->meta[j].key);
		c->b = diff_esc(D, b->meta[j].value);
		D->header++;
	}
}

/* Is B the type A declares with its negative dim_values cleared (what
 * fix's dce does: F305)? */
static bool
negdims_cleared(const struct ir_type *a, const struct ir_type *b)
{
	bool any = false;
	int i;

	if (a->kind != IR_TYPE_TENSOR || b->kind != IR_TYPE_TENSOR ||
	    a->elem != b->elem || a->rank != b->rank || a->rank < 0)
		return false;
	for (i = 0; i < a->rank; i++) {
		const struct ir_dim *x = &a->dims[i], *y = &b->dims[i];

		if (x->kind == IR_DIM_VALUE && x->value < 0 &&
		    y->kind == IR_DIM_UNKNOWN) {
			any = true;
			continue;
		}
		if (x->kind != y->kind || (x->kind == IR_DIM_VALUE &&
		    x->value != y->value) || (x->kind == IR_DIM_PARAM &&
		    !diff_str_eq(x->param, y->param)))
			return false;
	}
	return any;
}

/* Graph inputs (initializers left out) or outputs, by name. */
static void
diff_io(struct diff *D, const struct ir_vinfo *va, size_t na,
    const struct ir_vinfo *vb, size_t nb, bool inputs)
{
	struct change *c;
	struct hmap ia, ib;
	size_t i, j;

	if (name_index(D, &ia, va, na, sizeof(*va),
	    offsetof(struct ir_vinfo, name)) < 0 ||
	    name_index(D, &ib, vb, nb, sizeof(*vb),
	    offsetof(struct ir_vinfo, name)) < 0)
		return;
	for (i = 0; i < na; i++) {
		if (inputs && va[i].value != NULL && va[i].value->init != NULL)
			continue;
		j = name_find(&ib, va[i].name, nb);
		if (j < nb) {
			const char *ta = diff_type_str(D, &va[i].type);
			const char *tb = diff_type_str(D, &vb[j].type);

			if (ta == NULL || tb == NULL || strcmp(ta, tb) == 0)
				continue;
			if ((c = diff_add(D, inputs ? "input-changed" :
			    "output-changed", "graph")) == NULL)
				return;
			c->a = ta;
			c->b = tb;
			/* a negative dim cleared: the same interface for
			 * ONNX Runtime, which reads both as unknown */
			if (negdims_cleared(&va[i].type, &vb[j].type)) {
				c->name = diff_esc(D, va[i].name);
				c->code = DCODE(F_NEG_DIM);
				c->subject = c->name;
				continue;
			}
		} else if ((c = diff_add(D, inputs ? "input-removed" :
		    "output-removed", "graph")) != NULL) {
			c->a = diff_type_str(D, &va[i].type);
		} else {
			return;
		}
		c->name = diff_esc(D, va[i].name);
		D->interface++;
	}
	for (j = 0; j < nb; j++) {
		if (inputs && vb[j].value != NULL && vb[j].value->init != NULL)
			continue;
		if (name_find(&ia, vb[j].name, na) < na)
			continue;
		if ((c = diff_add(D, inputs ? "input-added" : "output-added",
		    "graph")) == NULL)
			return;
		c->name = diff_esc(D, vb[j].name);
		c->b = diff_type_str(D, &vb[j].type);
		D->interface++;
	}
}

/* ---- operator histogram ---- */

static void
histo_count(struct diff *D, struct ir_model *m, bool second)
{
	struct ir_graph **gs;
	size_t ng = ir_model_graphs(m, &gs), i, j, k;

	for (i = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++) {
			const struct ir_node *n = gs[i]->nodes[j];
			const char *op;

			if (n->dead)
				continue;
			op = diff_op_name(D, n);
			if (op == NULL)
				return;
			for (k = 0; k < D->nh; k++)
				if (strcmp(D->h[k].op, op) == 0)
					break;
			if (k == D->nh) {
				if (arena_grow(&D->arena, (void **)&D->h,
				    &D->caph, D->nh + 1, sizeof(*D->h)) < 0) {
					D->oom = true;
					return;
				}
				D->h[k].op = op;
				D->h[k].a = D->h[k].b = 0;
				D->nh++;
			}
			if (second)
				D->h[k].b++;
			else
				D->h[k].a++;
		}
}

static int
histo_cmp(const void *x, const void *y)
{
	return strcmp(((const struct histo *)x)->op,
	    ((const struct histo *)y)->op);
}

/* ---- graphs ---- */

struct gpair {
	struct ir_graph *a, *b;
};

static void
diff_node(struct diff *D, const char *where, const struct grp *G,
    size_t i, size_t j)
{
	const struct side *sa = G->sa, *sb = G->sb;
	const struct ir_node *x = sa->g->nodes[i], *y = sb->g->nodes[j];
	const char *op = diff_op_name(D, x), *nm = diff_node_name(D, x);
	struct change *c;
	bool changed = false;
	bool bn = G->ga[i] < 0 && ir_is_op(x, "BatchNormalization");
	long base = G->ga[i], inf = -1, e;
	size_t k, q;

	D->cur = base;
	if (!diff_str_eq(x->name, y->name)) {
		if ((c = diff_add(D, "node-renamed", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->a = diff_esc(D, x->name ? x->name : "");
		c->b = diff_esc(D, y->name ? y->name : "");
		D->renamed++;
	}
	for (k = 0; k < x->nattrs + y->nattrs; k++) {
		const struct ir_attr *ax, *ay;
		const char *code;

		if (k < x->nattrs) {
			ax = &x->attrs[k];
			ay = ir_node_attr(y, ax->name);
			if (ay != NULL && diff_attr_eq(ax, ay))
				continue;
		} else {
			ay = &y->attrs[k - x->nattrs];
			ax = NULL;
			if (ir_node_attr(x, ay->name) != NULL)
				continue;
		}
		code = bn ? diff_bn_attr_code(ax ? ax->name : ay->name,
		    ay == NULL) : NULL;
		D->cur = base;
		if (code != NULL && code == DCODE(F_BN_INFERENCE)) {
			if (inf < 0)
				inf = diff_new_entry(D, "bn-inference", code,
				    where, x);
			D->cur = inf;
			code = NULL;
		}
		if ((c = diff_add(D, ax == NULL ? "attribute-added" : ay ?
		    "attribute-changed" : "attribute-removed", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->attr = diff_esc(D, ax ? ax->name : ay->name);
		c->a = diff_attr_str(D, ax);
		c->b = diff_attr_str(D, ay);
		if (code != NULL) {
			c->code = code;
			c->subject = diff_subject_of(D, x);
		}
		changed = true;
	}
	for (k = 0; k < x->ninputs || k < y->ninputs; k++) {
		const struct ir_value *vx = k < x->ninputs ? x->inputs[k] :
		    NULL;
		const struct ir_value *vy = k < y->ninputs ? y->inputs[k] :
		    NULL;
		char *kx = diff_value_key(D, vx, sa, false);
		char *ky = diff_value_key(D, vy, sb, true);

		if (kx != NULL && ky != NULL && strcmp(kx, ky) == 0)
			continue;
		/* The same tensor name from another producer: that node's
		 * removal or addition is the change, listed on its own. */
		if (vx != NULL && vy != NULL && diff_str_eq(vx->name, vy->name))
			continue;
		if ((e = diff_value_entry(G, vx, false)) < 0 &&
		    (e = diff_value_entry(G, vy, true)) < 0)
			e = base;
		D->cur = e;
		if ((c = diff_add(D, "input-rewired", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->attr = diff_fmt(D, "input %zu", k);
		c->a = vx != NULL ? diff_esc(D, vx->name) : NULL;
		c->b = vy != NULL ? diff_esc(D, vy->name) : NULL;
		changed = true;
	}
	for (q = 0; q < x->noutputs || q < y->noutputs; q++) {
		const struct ir_value *ox = q < x->noutputs ? x->outputs[q] :
		    NULL;
		const struct ir_value *oy = q < y->noutputs ? y->outputs[q] :
		    NULL;

		if ((ox == NULL) == (oy == NULL) &&
		    (ox == NULL || diff_str_eq(ox->name, oy->name)))
			continue;
		if ((e = diff_user_entry(G, ox, false)) < 0 &&
		    (e = diff_user_entry(G, oy, true)) < 0)
			e = base;
		if (bn && oy == NULL) {
			if (inf < 0)
				inf = diff_new_entry(D, "bn-inference",
				    DCODE(F_BN_INFERENCE), where, x);
			e = inf;
		}
		D->cur = e;
		if ((c = diff_add(D, "output-renamed", where)) == NULL)
			return;
		c->op = op;
		c->name = nm;
		c->attr = diff_fmt(D, "output %zu", q);
		c->a = ox != NULL ? diff_esc(D, ox->name) : NULL;
		c->b = oy != NULL ? diff_esc(D, oy->name) : NULL;
		changed = true;
	}
	D->cur = -1;
	if (changed)
		D->changed++;
}

static const char *
outputs_str(struct diff *D, const struct ir_node *n)
{
	char b[1024], e[DIAG_ESCAPE_SIZE];
	size_t len = 0, k;

	b[0] = '\0';
	for (k = 0; k < n->noutputs && len < sizeof(b) - 80; k++)
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%.60s",
		    k ? ", " : "", n->outputs[k] ? diag_escape_str(e,
		    sizeof(e), n->outputs[k]->name) : "");
	return diff_fmt(D, "%s", b);
}

/* H: G's initializers by name; 0, or -1 out of memory. */
static int
inits_by_name(struct diff *D, const struct ir_graph *g, struct hmap *h)
{
	size_t i;

	hmap_init(h, &D->arena);
	for (i = 0; i < g->ninits; i++)
		if (g->inits[i] != NULL && g->inits[i]->name != NULL &&
		    hmap_put(h, g->inits[i]->name, g->inits[i], NULL) < 0)
			return -1;
	return 0;
}

/*
 * A removed initializer all of whose readers in A belong to one
 * BatchNormalization folded by another tool (bn-folded without a note
 * code): its parameters and the old weights go with that entry.
 */
static long
foreign_fold_entry(const struct grp *G, const char *name)
{
	const struct ir_value *v = ir_lookup(G->sa->g, name);
	long e = -1;
	size_t q;

	if (v == NULL || v->nuses == 0)
		return -1;
	for (q = 0; q < v->nuses; q++) {
		const struct ir_node *u = v->uses[q].node;
		long ue;

		if (!diff_in_graph(G->sa->g, u) ||
		    (ue = G->ga[u->index]) < 0 || (e >= 0 && ue != e))
			return -1;
		e = ue;
	}
	if (e < 0 || G->D->e[e].code != NULL ||
	    strcmp(G->D->e[e].kind, "bn-folded") != 0)
		return -1;
	return e;
}

static int
diff_inits(struct diff *D, const char *where, const struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	struct hmap hb;
	struct change *c;
	size_t i;

	if (inits_by_name(D, gb, &hb) < 0)
		return -1;
	for (i = 0; i < ga->ninits; i++) {
		const struct ir_tensor *ta = ga->inits[i], *tb;

		if (ta == NULL || ta->name == NULL)
			continue;
		tb = hmap_get(&hb, ta->name);
		if (tb != NULL && diff_tensor_eq(ta, tb))
			continue;
		D->cur = tb != NULL ? diff_bvalue_entry(G, ta->name) :
		    foreign_fold_entry(G, ta->name);
		if ((c = diff_add(D, tb ? "initializer-changed" :
		    "initializer-removed", where)) == NULL)
			return -1;
		c->name = diff_esc(D, ta->name);
		if (tb == NULL && D->cur < 0) {
			c->code = DCODE(F_DEAD_INIT);
			c->subject = c->name;
		}
		c->a = diff_tensor_str(D, ta);
		c->b = tb ? diff_tensor_str(D, tb) : NULL;
		D->inits++;
	}
	if (inits_by_name(D, ga, &hb) < 0)
		return -1;
	for (i = 0; i < gb->ninits; i++) {
		const struct ir_tensor *tb = gb->inits[i];

		if (tb == NULL || tb->name == NULL ||
		    hmap_get(&hb, tb->name) != NULL)
			continue;
		D->cur = diff_bvalue_entry(G, tb->name);
		if ((c = diff_add(D, "initializer-added", where)) == NULL)
			return -1;
		c->name = diff_esc(D, tb->name);
		c->b = diff_tensor_str(D, tb);
		D->inits++;
	}
	D->cur = -1;
	return 0;
}

static int
diff_value_info(struct diff *D, const char *where, const struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	struct hmap h;
	struct change *c;
	size_t i, pass;

	for (pass = 0; pass < 2; pass++) {
		struct ir_graph *x = pass ? gb : ga, *y = pass ? ga : gb;

		hmap_init(&h, &D->arena);
		for (i = 0; i < y->nvalue_info; i++)
			if (y->value_info[i].name != NULL &&
			    hmap_put(&h, y->value_info[i].name,
			    &y->value_info[i], NULL) < 0)
				return -1;
		for (i = 0; i < x->nvalue_info; i++) {
			const struct ir_vinfo *vx = &x->value_info[i], *vy;
			const char *tx, *ty;

			if (vx->name == NULL)
				continue;
			vy = hmap_get(&h, vx->name);
			if (vy == NULL) {
				D->cur = pass ? diff_bvalue_entry(G, vx->name) :
				    -1;
				c = diff_add(D, pass ? "value_info-added" :
				    "value_info-removed", where);
				D->cur = -1;
				if (c == NULL)
					return -1;
				c->name = diff_esc(D, vx->name);
				if (!pass) {
					c->code = DCODE(F_DEAD_VALUE_INFO);
					c->subject = c->name;
				}
				*(pass ? &c->b : &c->a) = diff_type_str(D,
				    &vx->type);
				continue;
			}
			if (pass)
				continue;
			tx = diff_type_str(D, &vx->type);
			ty = diff_type_str(D, &vy->type);
			if (tx == NULL || ty == NULL || strcmp(tx, ty) == 0)
				continue;
			if ((D->cur = diff_bvalue_entry(G, vx->name)) < 0)
				D->cur = diff_avalue_entry(G, vx->name);
			c = diff_add(D, "value_info-changed", where);
			D->cur = -1;
			if (c == NULL)
				return -1;
			c->name = diff_esc(D, vx->name);
			c->a = tx;
			c->b = ty;
			if (negdims_cleared(&vx->type, &vy->type)) {
				c->code = DCODE(F_NEG_DIM);
				c->subject = c->name;
			}
		}
	}
	return 0;
}

/* No node of B reads an output of A's node N, none is a graph output. */
static bool
unread(struct ir_graph *gb, const struct ir_node *n)
{
	size_t k;

	for (k = 0; k < n->noutputs; k++) {
		const struct ir_value *v;

		if (n->outputs[k] == NULL || (v = ir_lookup(gb,
		    n->outputs[k]->name)) == NULL)
			continue;
		if (v->nuses > 0 || v->noutputs > 0)
			return false;
	}
	return true;
}

/*
 * Compare one pair of graphs; matched owners of subgraphs push their
 * graph pairs on WORK (no recursion).
 */
/* A removed node of A, drawn as a ghost in GB (a picture of the diff). */
static int
record_removed(struct diff *D, struct ir_node *n, struct ir_graph *gb)
{
	if (arena_grow(&D->arena, (void **)&D->rm, &D->caprm,
	    D->nrm + 1, sizeof(*D->rm)) < 0 ||
	    arena_grow(&D->arena, (void **)&D->rm_in,
	    &D->caprm_in, D->nrm + 1,
	    sizeof(*D->rm_in)) < 0)
		return -1;
	D->rm[D->nrm] = n;
	D->rm_in[D->nrm++] = gb;
	return 0;
}

/*
 * B's node Y, matched: one of the picture's "before" nodes, and changed
 * when the changes from FIRST on are its own (renamed, attributes,
 * inputs): their text becomes label lines.
 */
static int
record_matched(struct diff *D, struct ir_node *y, size_t first)
{
	char text[1024];
	size_t k, n = 0, lines = 0;

	if (arena_grow(&D->arena, (void **)&D->matched, &D->capmatched,
	    D->nmatched + 2, sizeof(*D->matched)) < 0)
		return -1;
	D->matched[D->nmatched++] = y;
	if (D->n == first)
		return 0;
	text[0] = '\0';
	for (k = first; k < D->n && n < sizeof(text); k++) {
		const struct change *c = &D->v[k];
		const char *what = c->attr != NULL ? c->attr :
		    strcmp(c->kind, "node-renamed") == 0 ? "name" :
		    strcmp(c->kind, "input-rewired") == 0 ? "input" :
		    strcmp(c->kind, "output-renamed") == 0 ? "output" :
		    c->kind;
		int r;

		if (lines++ >= 4) {
			r = snprintf(text + n, sizeof(text) - n, "\n(+%zu "
			    "more)", D->n - k);
			n += r > 0 ? (size_t)r : 0;
			break;
		}
		r = snprintf(text + n, sizeof(text) - n, "%s%s: %s -> %s",
		    n > 0 ? "\n" : "", what, c->a != NULL ? c->a : "-",
		    c->b != NULL ? c->b : "-");
		n += r > 0 ? (size_t)r : 0;
	}
	if (arena_grow(&D->arena, (void **)&D->ch, &D->capch,
	    D->nch + 1, sizeof(*D->ch)) < 0 ||
	    arena_grow(&D->arena, (void **)&D->ch_text,
	    &D->capch_text, D->nch + 1,
	    sizeof(*D->ch_text)) < 0 ||
	    (D->ch_text[D->nch] = arena_strdup(&D->arena,
	    text)) == NULL)
		return -1;
	D->ch[D->nch++] = y;
	return 0;
}

static int
diff_graph(struct diff *D, struct ir_graph *ga, struct ir_graph *gb,
    struct gpair **work, size_t *nwork, size_t *capwork)
{
	char path[IR_PATH_SIZE];
	const char *where;
	struct side sa = { ga, NULL }, sb = { gb, NULL };
	struct grp G;
	struct change *c;
	size_t i, j;
	long last = -1;
	bool reordered = false;
	size_t first;

	where = diff_esc(D, ir_graph_path(ga, path, sizeof(path)));
	sa.partner = arena_array(&D->arena, ga->nnodes + 1,
	    sizeof(*sa.partner));
	sb.partner = arena_array(&D->arena, gb->nnodes + 1,
	    sizeof(*sb.partner));
	if (where == NULL || sa.partner == NULL || sb.partner == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		ga->nodes[i]->index = (unsigned)i;
		sa.partner[i] = -1;
	}
	for (j = 0; j < gb->nnodes; j++) {
		gb->nodes[j]->index = (unsigned)j;
		sb.partner[j] = -1;
	}
	if (diff_match_nodes(D, &sa, &sb) < 0)
		return -1;
	memset(&G, 0, sizeof(G));
	G.D = D;
	G.sa = &sa;
	G.sb = &sb;
	G.where = where;
	G.ga = arena_array(&D->arena, ga->nnodes + 1, sizeof(*G.ga));
	G.gb = arena_array(&D->arena, gb->nnodes + 1, sizeof(*G.gb));
	if (G.ga == NULL || G.gb == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++)
		G.ga[i] = -1;
	for (j = 0; j < gb->nnodes; j++)
		G.gb[j] = -1;
	hmap_init(&G.inits, &D->arena);
	if (diff_group_graph(&G) < 0)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		const struct ir_node *n = ga->nodes[i];

		if (n->dead)
			continue;
		if (sa.partner[i] < 0) {
			D->cur = G.ga[i];
			c = diff_add(D, "node-removed", where);
			D->cur = -1;
			if (c == NULL)
				return -1;
			c->op = diff_op_name(D, n);
			c->name = diff_node_name(D, n);
			c->a = outputs_str(D, n);
			if (D->picture && record_removed(D, ga->nodes[i],
			    gb) < 0)
				return -1;
			if (G.ga[i] < 0 && unread(gb, n)) {
				c->code = DCODE(F_DEAD_NODE);
				c->subject = diff_subject_of(D, n);
			}
			D->removed++;
			D->tr_removed += ir_is_op(n, "Transpose");
			continue;
		}
		if (sa.partner[i] < last)
			reordered = true;
		last = sa.partner[i];
		first = D->n;
		diff_node(D, where, &G, i, (size_t)sa.partner[i]);
		if (D->picture && record_matched(D,
		    gb->nodes[sa.partner[i]], first) < 0)
			return -1;
	}
	for (j = 0; j < gb->nnodes; j++) {
		const struct ir_node *n = gb->nodes[j];

		if (n->dead || sb.partner[j] >= 0)
			continue;
		D->cur = G.gb[j];
		c = diff_add(D, "node-added", where);
		D->cur = -1;
		if (c == NULL)
			return -1;
		c->op = diff_op_name(D, n);
		c->name = diff_node_name(D, n);
		c->b = outputs_str(D, n);
		D->added++;
		D->tr_added += ir_is_op(n, "Transpose");
	}
	if (reordered) {
		if ((c = diff_add(D, "order-changed", where)) == NULL)
			return -1;
		c->code = DCODE(F_RESORTED);
		c->subject = "";
	}
	if (diff_inits(D, where, &G) < 0 ||
	    diff_value_info(D, where, &G) < 0)
		return -1;
	/* Subgraphs of matched nodes, by attribute name and position. */
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i], *y;
		size_t k;

		if (sa.partner[i] < 0)
			continue;
		y = gb->nodes[sa.partner[i]];
		for (k = 0; k < x->nattrs; k++) {
			const struct ir_attr *ax = &x->attrs[k];
			const struct ir_attr *ay = ir_node_attr(y, ax->name);
			size_t q, nq;

			if (ay == NULL)
				continue;
			nq = ax->type == IR_ATTR_GRAPHS ? (ax->ngraphs <
			    ay->ngraphs ? ax->ngraphs : ay->ngraphs) : 1;
			for (q = 0; q < nq; q++) {
				struct ir_graph *sx = ax->g, *sy = ay->g;

				if (ax->type == IR_ATTR_GRAPHS &&
				    ay->type == IR_ATTR_GRAPHS) {
					sx = ax->graphs[q];
					sy = ay->graphs[q];
				}
				if (sx == NULL || sy == NULL)
					continue;
				if (arena_grow(&D->arena, (void **)work,
				    capwork, *nwork + 1, sizeof(**work)) < 0)
					return -1;
				(*work)[*nwork].a = sx;
				(*work)[*nwork].b = sy;
				(*nwork)++;
			}
		}
	}
	return D->oom ? -1 : 0;
}

/* The key a local function is known by: domain, name and overload. */
static const char *
function_key(struct diff *D, const struct ir_function *f)
{
	return arena_printf(&D->arena, "%s\x1f%s\x1f%s",
	    f->domain ? f->domain : "", f->name ? f->name : "",
	    f->overload ? f->overload : "");
}

/*
 * Queue the bodies of the local functions A and B both define.  A
 * function defined more than once (invalid, S250) is paired copy by
 * copy in order, never each copy with each: that would be quadratic in
 * the copies and list every difference once per pair.
 */
static int
pair_functions(struct diff *D, struct ir_model *a, struct ir_model *b,
    struct gpair **work, size_t *nwork, size_t *capwork)
{
	struct hmap cur;
	size_t *next = NULL, i, j, nb = b->nfunctions;

	hmap_init(&cur, &D->arena);
	if (nb > 0 && (next = arena_array(&D->arena, nb, sizeof(*next))) ==
	    NULL)
		return -1;
	/* cur: key -> its first copy in B; next: the copy after each */
	for (j = nb; j-- > 0;) {
		const char *k = function_key(D, b->functions[j]);
		void *old = hmap_get(&cur, k != NULL ? k : "");

		if (k == NULL || hmap_set(&cur, k, (void *)(uintptr_t)
		    (j + 1)) < 0)
			return -1;
		next[j] = old != NULL ? (size_t)(uintptr_t)old - 1 : nb;
	}
	for (i = 0; i < a->nfunctions; i++) {
		const struct ir_function *fa = a->functions[i];
		const char *k = function_key(D, fa);
		void *v;

		if (k == NULL)
			return -1;
		if ((v = hmap_get(&cur, k)) == NULL)
			continue;
		j = (size_t)(uintptr_t)v - 1;
		if (j >= nb)
			continue;	/* B's copies are used up */
		if (hmap_set(&cur, k, (void *)(uintptr_t)(next[j] + 1)) < 0)
			return -1;
		if (fa->body == NULL || b->functions[j]->body == NULL)
			continue;
		if (arena_grow(&D->arena, (void **)work, capwork, *nwork + 1,
		    sizeof(**work)) < 0)
			return -1;
		(*work)[*nwork].a = fa->body;
		(*work)[*nwork].b = b->functions[j]->body;
		(*nwork)++;
	}
	return 0;
}

static int
diff_all_graphs(struct diff *D, struct ir_model *a, struct ir_model *b)
{
	struct gpair *work = NULL;
	size_t nwork = 0, capwork = 0, i;

	if (arena_grow(&D->arena, (void **)&work, &capwork, 1,
	    sizeof(*work)) < 0)
		return -1;
	work[nwork].a = a->graph;
	work[nwork].b = b->graph;
	nwork++;
	if (pair_functions(D, a, b, &work, &nwork, &capwork) < 0)
		return -1;
	/* Breadth-first over the queue; it grows as owners match. */
	for (i = 0; i < nwork; i++)
		if (diff_graph(D, work[i].a, work[i].b, &work, &nwork,
		    &capwork) < 0)
			return -1;
	return 0;
}

enum onnxfix_status
onnxfix_diff(struct ir_model *a, struct ir_model *b, const char *path,
    bool json, bool *differ, struct diag_list *d)
{
	struct outfile of;
	struct diff D;
	FILE *fp = NULL;
	int werr = 0;

	memset(&D, 0, sizeof(D));
	D.cur = -1;
	arena_init(&D.arena, a->budget);
	diff_header(&D, a, b);
	diff_io(&D, a->graph->inputs, a->graph->ninputs, b->graph->inputs,
	    b->graph->ninputs, true);
	diff_io(&D, a->graph->outputs, a->graph->noutputs, b->graph->outputs,
	    b->graph->noutputs, false);
	if (!D.oom && diff_all_graphs(&D, a, b) < 0)
		D.oom = true;
	histo_count(&D, a, false);
	histo_count(&D, b, true);
	if (D.oom) {
		arena_release(&D.arena);
		diag_report(d, DIAG_LOAD_BUDGET, "", "while comparing");
		return ONNXFIX_EBUDGET;
	}
	if (D.nh > 1)
		qsort(D.h, D.nh, sizeof(*D.h), histo_cmp);
	*differ = D.n > 0;
	/* Streamed into the output, which appears only when whole. */
	if (outfile_open(&of, path) < 0 || (fp = outfile_stream(&of)) ==
	    NULL) {
		werr = errno;
	} else if (json) {
		if (diff_write_json(&D, fp, a->path ? a->path : "-",
		    b->path ? b->path : "-") < 0)
			werr = errno ? errno : ENOMEM;
	} else {
		diff_write_text(&D, fp, a->path ? a->path : "-",
		    b->path ? b->path : "-");
		if (D.oom)
			werr = ENOMEM;
	}
	arena_release(&D.arena);
	if (werr == 0 && outfile_commit(&of, false) < 0)
		werr = errno;
	outfile_abort(&of);
	if (werr != 0) {
		char e[DIAG_ESCAPE_SIZE];

		diag_report(d, DIAG_OUT_WRITE, "", "%s: %s",
		    strcmp(path, "-") == 0 ? "stdout" : diag_escape_str(e,
		    sizeof(e), path), strerror(werr));
		return ONNXFIX_EIO;
	}
	return ONNXFIX_OK;
}

enum onnxfix_status
onnxfix_diff_picture(struct ir_model *a, struct ir_model *b,
    const char *path, enum onnxfix_dot_format fmt,
    const struct onnxfix_dot_options *opt, bool *differ,
    struct diag_list *d)
{
	struct onnxfix_dot_options o;
	enum onnxfix_status st;
	struct diff D;

	memset(&D, 0, sizeof(D));
	D.cur = -1;
	D.picture = true;
	arena_init(&D.arena, a->budget);
	diff_header(&D, a, b);
	diff_io(&D, a->graph->inputs, a->graph->ninputs, b->graph->inputs,
	    b->graph->ninputs, true);
	diff_io(&D, a->graph->outputs, a->graph->noutputs, b->graph->outputs,
	    b->graph->noutputs, false);
	if (!D.oom && diff_all_graphs(&D, a, b) < 0)
		D.oom = true;
	/* the before list ends in NULL, and an empty edge list */
	if (!D.oom && arena_grow(&D.arena, (void **)&D.matched,
	    &D.capmatched, D.nmatched + 2, sizeof(*D.matched)) < 0)
		D.oom = true;
	if (D.oom) {
		arena_release(&D.arena);
		diag_report(d, DIAG_LOAD_BUDGET, "", "while comparing");
		return ONNXFIX_EBUDGET;
	}
	D.matched[D.nmatched] = NULL;
	D.matched[D.nmatched + 1] = NULL;
	*differ = D.n > 0;
	memset(&o, 0, sizeof(o));
	if (opt != NULL)
		o = *opt;
	o.diff = true;
	o.before = D.matched;
	o.nbefore = D.nmatched;
	o.removed = D.rm;
	o.removed_in = D.rm_in;
	o.nremoved = D.nrm;
	o.changed = D.ch;
	o.changed_text = D.ch_text;
	o.nchanged = D.nch;
	o.interface_a = a->graph;
	st = onnxfix_dot_opts(b, path, fmt, &o, d);
	arena_release(&D.arena);
	return st;
}
