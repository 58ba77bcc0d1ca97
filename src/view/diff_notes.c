/* SPDX-License-Identifier: MIT */
/*
 * What a fix did, recognised in the changes of one pair of graphs: one
 * entry per rewrite, named by the note `onnxfix fix` prints for it
 * (F350 bn-folded, F391 constant-folded, F390 identity-removed, F396
 * noop-removed, F397 pad-merged, F398 node-merged, F310-F314
 * Transposes cancelled, merged, pushed, dropped or turned into Reshape,
 * F346/F370 a node replaced by new ones, ...).
 *
 * A rewrite shows up as several low-level changes: a folded
 * BatchNormalization is a removed node, a producer with new weights and
 * the node's output, and new initializers.  The recognisers below claim
 * nodes of A (removed, or matched with their partner) and added nodes of
 * B for one entry each; a change is filed under the entry of the node it
 * is about, a rewired input under the entry of the node that made the
 * value (removed in A or added in B), and an initializer under the entry
 * of its consumers.  What no recogniser claims stays a change of its own.
 * Transposes are grouped with a union-find over the nodes of both sides,
 * following the order in which the transpose pass visits them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ir/perm.h"
#include "view/diff_int.h"

long
diff_new_entry(struct diff *D, const char *kind, const char *code,
    const char *where, const struct ir_node *n)
{
	struct entry *e;

	if (arena_grow(&D->arena, (void **)&D->e, &D->cape, D->ne + 1,
	    sizeof(*D->e)) < 0) {
		D->oom = true;
		return -1;
	}
	e = &D->e[D->ne];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->code = code;
	e->graph = where;
	if (n != NULL) {
		e->op = diff_op_name(D, n);
		e->name = diff_node_name(D, n);
		e->subject = diff_subject_of(D, n);
	}
	return (long)D->ne++;
}

/* Index of V's producer in its side's graph, or -1. */
static long
prod_index(const struct side *s, const struct ir_value *v)
{
	const struct ir_node *p;

	if (v == NULL || v->kind != IR_VALUE_NODE ||
	    (p = v->producer) == NULL || p->dead || !diff_in_graph(s->g, p))
		return -1;
	return (long)p->index;
}

static bool
removed_a(const struct grp *G, long i)
{
	return i >= 0 && G->sa->partner[i] < 0 && !G->sa->g->nodes[i]->dead;
}

static bool
added_b(const struct grp *G, long j)
{
	return j >= 0 && G->sb->partner[j] < 0 && !G->sb->g->nodes[j]->dead;
}

/* Union-find over A nodes (0..na-1) and B nodes (na..). */
static long
uf_find(long *uf, long x)
{
	while (uf[x] != x) {
		uf[x] = uf[uf[x]];
		x = uf[x];
	}
	return x;
}

static void
uf_union(long *uf, long x, long y)
{
	x = uf_find(uf, x);
	y = uf_find(uf, y);
	if (x != y)
		uf[x > y ? x : y] = x < y ? x : y;
}

enum {
	TF_REMOVED = 1,		/* A: removed Transpose */
	TF_CHANGED = 2,		/* A: kept Transpose, perm changed */
	TF_ADDED = 4,		/* B: added Transpose */
	TF_CONVERTED = 8,	/* B: added Reshape/Identity in a Transpose's
				 * place */
	TF_HELPER = 16,		/* B: added Unsqueeze feeding a Transpose */
	TF_THROUGH = 32,	/* A: matched node a Transpose went through */
	TF_REACHED = 64,	/* A: cancelled with one moved down to it */
	TF_MOVED = 128,		/* A: kept in place, now below Identities */
};

/* Does Transpose X feed an Identity that is gone from B? */
static bool
moved_below_identity(const struct grp *G, const struct ir_node *x)
{
	const struct ir_value *o = x->noutputs > 0 ? x->outputs[0] : NULL;
	size_t q;

	for (q = 0; o != NULL && q < o->nuses; q++) {
		const struct ir_node *u = o->uses[q].node;

		if (diff_in_graph(G->sa->g, u) &&
		    G->sa->partner[u->index] < 0 && ir_is_op(u, "Identity"))
			return true;
	}
	return false;
}

/* Does matched A node I's partner feed an added Transpose? */
static bool
feeds_added(const struct grp *G, const unsigned char *f, long i)
{
	const struct ir_node *y = G->sb->g->nodes[G->sa->partner[i]];
	size_t na = G->sa->g->nnodes, k, q;

	for (k = 0; k < y->noutputs; k++)
		for (q = 0; y->outputs[k] != NULL &&
		    q < y->outputs[k]->nuses; q++) {
			const struct ir_node *u = y->outputs[k]->uses[q].node;

			if (diff_in_graph(G->sb->g, u) &&
			    (f[na + u->index] & TF_ADDED))
				return true;
		}
	return false;
}

/* Does component R hold a node a Transpose went through? */
static bool
has_through(long *uf, const unsigned char *f, size_t na, long r)
{
	size_t k;

	for (k = 0; k < na; k++)
		if ((f[k] & TF_THROUGH) && uf_find(uf, (long)k) == r)
			return true;
	return false;
}

/* "'a', 'b'" of the A (or B) nodes in component R with flag F. */
static const char *
name_list(struct diff *D, const struct grp *G, const long *uf,
    const unsigned char *f, unsigned char want, long r, bool b_side)
{
	const struct ir_graph *g = b_side ? G->sb->g : G->sa->g;
	size_t na = G->sa->g->nnodes, i, len = 0;
	char buf[1024];

	buf[0] = '\0';
	for (i = 0; i < g->nnodes && len < sizeof(buf) - 80; i++) {
		long id = (long)(b_side ? na + i : i);

		if (!(f[id] & want) || uf_find((long *)uf, id) != r)
			continue;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "%s'%s'", len ? ", " : "", diff_node_name(D, g->nodes[i]));
	}
	return diff_fmt(D, "%s", buf);
}

static bool
perm_changed(const struct ir_node *x, const struct ir_node *y)
{
	const struct ir_attr *a = ir_node_attr(x, "perm");
	const struct ir_attr *b = ir_node_attr(y, "perm");

	if (a == NULL || b == NULL)
		return a != b;
	return !diff_attr_eq(a, b);
}

/* Attributes a Transpose pushed through a node changes. */
static bool
layout_attr(const char *name)
{
	static const char *const v[] = { "axis", "axes", "perm", "pads",
	    "split", "repeats", "starts", "ends", "steps", NULL };
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(name, v[i]) == 0)
			return true;
	return false;
}

/* Does matched A node I differ from its partner: inputs, the contents of
 * an initializer it reads, attributes (only those a push changes unless
 * OUTPUTS), output names (when OUTPUTS)? */
static bool
node_changed(const struct grp *G, size_t i, bool outputs)
{
	const struct ir_node *x = G->sa->g->nodes[i];
	const struct ir_node *y = G->sb->g->nodes[G->sa->partner[i]];
	size_t k;

	if ((outputs && x->nattrs != y->nattrs) || x->ninputs != y->ninputs ||
	    x->noutputs != y->noutputs)
		return true;
	for (k = 0; k < x->nattrs; k++) {
		const struct ir_attr *ay = ir_node_attr(y, x->attrs[k].name);

		if ((ay == NULL || !diff_attr_eq(&x->attrs[k], ay)) &&
		    (outputs || layout_attr(x->attrs[k].name)))
			return true;
	}
	for (k = 0; k < y->nattrs && !outputs; k++)
		if (ir_node_attr(x, y->attrs[k].name) == NULL &&
		    layout_attr(y->attrs[k].name))
			return true;
	for (k = 0; k < x->ninputs; k++) {
		const struct ir_value *vx = x->inputs[k], *vy = y->inputs[k];
		char *kx, *ky;

		if ((vx == NULL) != (vy == NULL))
			return true;
		if (vx == NULL)
			continue;
		kx = diff_value_key(G->D, vx, G->sa, false);
		ky = diff_value_key(G->D, vy, G->sb, true);
		/* The same name from another producer (a folded node's
		 * output taken over) is that producer's change. */
		if ((kx == NULL || ky == NULL || strcmp(kx, ky) != 0) &&
		    !diff_str_eq(vx->name, vy->name))
			return true;
		if (vx->init != NULL && vy->init != NULL &&
		    !diff_tensor_eq(vx->init, vy->init))
			return true;
	}
	for (k = 0; k < x->noutputs && outputs; k++)
		if ((x->outputs[k] == NULL) != (y->outputs[k] == NULL) ||
		    (x->outputs[k] != NULL &&
		    !diff_str_eq(x->outputs[k]->name, y->outputs[k]->name)))
			return true;
	return false;
}

/* Transposes cancelled, merged, pushed, dropped, turned into Reshape. */
/* Can the transpose pass move a Transpose through N: a layout-agnostic
 * node (perm_push_kind), or a Reshape that splits and merges whole
 * blocks of the permuted dims? */
static bool
passes_transpose(const struct ir_node *n)
{
	return perm_push_kind(n) != PUSH_NONE || ir_is_op(n, "Reshape");
}

static int
group_transposes(struct grp *G)
{
	struct diff *D = G->D;
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t na = ga->nnodes, nb = gb->nnodes, i, j, k, q;
	long *uf, *ent, *stamp, *stack;
	unsigned char *f;
	struct hmap byname;

	uf = arena_array(&D->arena, na + nb + 1, sizeof(*uf));
	ent = arena_array(&D->arena, na + nb + 1, sizeof(*ent));
	f = arena_array(&D->arena, na + nb + 1, 1);
	if (uf == NULL || ent == NULL || f == NULL)
		return -1;
	for (i = 0; i < na + nb; i++) {
		uf[i] = (long)i;
		ent[i] = -1;
	}
	hmap_init(&byname, &D->arena);
	for (i = 0; i < na; i++) {
		struct ir_node *x = ga->nodes[i];

		if (x->dead || !ir_is_op(x, "Transpose") || G->ga[i] >= 0)
			continue;
		if (G->sa->partner[i] < 0) {
			f[i] |= TF_REMOVED;
			if ((x->name != NULL && x->name[0] != '\0' &&
			    hmap_put(&byname, x->name, (void *)(i + 1),
			    NULL) < 0) || (x->noutputs > 0 &&
			    x->outputs[0] != NULL && hmap_put(&byname,
			    x->outputs[0]->name, (void *)(i + 1), NULL) < 0))
				return -1;
		} else if (perm_changed(x, gb->nodes[G->sa->partner[i]])) {
			f[i] |= TF_CHANGED;
		} else if (!diff_str_eq(x->name,
		    gb->nodes[G->sa->partner[i]]->name) &&
		    x->name != NULL && x->name[0] != '\0' &&
		    moved_below_identity(G, x)) {
			/* Moved below Identities since removed: a new
			 * Transpose in the old one's place. */
			f[i] |= TF_MOVED;
			f[na + G->sa->partner[i]] |= TF_ADDED | TF_MOVED;
			uf_union(uf, (long)i, (long)na + G->sa->partner[i]);
		}
	}
	for (j = 0; j < nb; j++) {
		struct ir_node *y = gb->nodes[j];
		void *v = NULL;

		if (!added_b(G, (long)j) || G->gb[j] >= 0)
			continue;
		if (ir_is_op(y, "Transpose")) {
			f[na + j] |= TF_ADDED;
		} else if ((ir_is_op(y, "Reshape") ||
		    ir_is_op(y, "Identity")) && ((y->name != NULL &&
		    (v = hmap_get(&byname, y->name)) != NULL) ||
		    (y->noutputs > 0 && y->outputs[0] != NULL &&
		    (v = hmap_get(&byname, y->outputs[0]->name)) != NULL))) {
			f[na + j] |= TF_CONVERTED;
			uf_union(uf, (long)(na + j), (long)(uintptr_t)v - 1);
		}
	}
	/* Unsqueezes that feed an added Transpose. */
	for (j = 0; j < nb; j++) {
		struct ir_node *y = gb->nodes[j];
		long p;

		if (!(f[na + j] & TF_ADDED))
			continue;
		p = prod_index(G->sb, y->inputs[0]);
		if (p >= 0 && added_b(G, p) &&
		    ir_is_op(gb->nodes[p], "Unsqueeze")) {
			f[na + p] |= TF_HELPER;
			uf_union(uf, (long)(na + j), (long)na + p);
		}
		if (p >= 0 && (f[na + p] & TF_ADDED))
			uf_union(uf, (long)(na + j), (long)na + p);
	}
	/* Nodes a Transpose went through: downstream of a removed one, in
	 * A, the changed nodes up to the next Transpose (unchanged ones in
	 * between are passed); next to an added one in B, the changed
	 * nodes it feeds or is fed by. */
	stamp = arena_array(&D->arena, na + 1, sizeof(*stamp));
	stack = arena_array(&D->arena, 2 * (na + 1), sizeof(*stack));
	if (stamp == NULL || stack == NULL)
		return -1;
	for (i = 0; i < na; i++)
		stamp[i] = -1;
	/*
	 * In the order of the graph, as the transpose pass visits them: a
	 * Transpose right below another merges or cancels with it, unless
	 * that one already cancelled with one moved down to it; one a moved
	 * Transpose reached is done; any other is moved down itself.
	 */
	for (i = 0; i < na; i++) {
		size_t nst = 0;
		long x, p;

		if (!(f[i] & (TF_REMOVED | TF_CHANGED)))
			continue;
		p = prod_index(G->sa, ga->nodes[i]->inputs[0]);
		if (p >= 0 && (f[p] & (TF_REMOVED | TF_CHANGED)) &&
		    !(f[p] & TF_REACHED)) {
			uf_union(uf, (long)i, p);
			continue;
		}
		if ((f[i] & TF_REACHED) ||
		    has_through(uf, f, na, uf_find(uf, (long)i)))
			continue;
		stamp[i] = (long)i;
		stack[nst++] = (long)i;
		stack[nst++] = 0;
		while (nst > 0) {
			long depth = stack[--nst];
			struct ir_node *xn;

			x = stack[--nst];
			xn = ga->nodes[x];

			for (k = 0; k < xn->noutputs; k++) {
				const struct ir_value *o = xn->outputs[k];

				for (q = 0; o != NULL && q < o->nuses; q++) {
					struct ir_node *u = o->uses[q].node;
					long ui = (long)u->index, nd = depth + 1;

					if (!diff_in_graph(ga, u) ||
					    stamp[ui] == (long)i)
						continue;
					stamp[ui] = (long)i;
					if (f[ui] & (TF_REMOVED | TF_CHANGED)) {
						/* Next to each other: below. */
						if (x != (long)i) {
							uf_union(uf, (long)i,
							    ui);
							f[ui] |= TF_REACHED;
						}
						continue;
					}
					/* A removed Identity (its own entry)
					 * is passed through. */
					if (removed_a(G, ui) &&
					    ir_is_op(u, "Identity")) {
						stack[nst++] = ui;
						stack[nst++] = depth;
						continue;
					}
					/* Only where the transpose pass
					 * pushes (passes_transpose). */
					if (G->sa->partner[ui] < 0 ||
					    G->ga[ui] >= 0 ||
					    ir_is_op(u, "Transpose") ||
					    !passes_transpose(u))
						continue;
					if (node_changed(G, (size_t)ui, false)) {
						f[ui] |= TF_THROUGH;
						uf_union(uf, (long)i, ui);
						nd = 0;
						/* It stopped below this one. */
						if (feeds_added(G, f, ui))
							continue;
					} else if (nd > 8) {
						continue;
					}
					stack[nst++] = ui;
					stack[nst++] = nd;
				}
			}
		}
		/* Upstream: a Transpose pushed down from a kept one (it
		 * has other users) cancelled here; the changed nodes it
		 * went through feed this one. */
		{
			long chain[16], up, c;
			size_t nch = 0, q2;
			bool kept = false;

			for (x = (long)i; x >= 0 && nch < 16 && !kept;
			    x = up) {
				const struct ir_node *xn = ga->nodes[x];

				up = -1;
				for (k = 0; k < xn->ninputs && up < 0 &&
				    !kept; k++) {
					c = prod_index(G->sa, xn->inputs[k]);
					if (c < 0)
						continue;
					/* The top: fed by a kept Transpose. */
					if (x != (long)i &&
					    ir_is_op(ga->nodes[c],
					    "Transpose") &&
					    G->sa->partner[c] >= 0) {
						kept = true;
						break;
					}
					if (stamp[c] != (long)i &&
					    G->sa->partner[c] >= 0 &&
					    G->ga[c] < 0 &&
					    !ir_is_op(ga->nodes[c],
					    "Transpose") &&
					    passes_transpose(ga->nodes[c]) &&
					    node_changed(G, (size_t)c, false))
						up = c;
				}
				if (up >= 0)
					chain[nch++] = up;
			}
			for (q2 = 0; kept && q2 < nch; q2++) {
				stamp[chain[q2]] = (long)i;
				f[chain[q2]] |= TF_THROUGH;
				uf_union(uf, (long)i, chain[q2]);
			}
		}
	}
	for (j = 0; j < nb; j++) {
		struct ir_node *y = gb->nodes[j];
		long p, pa;

		if (!(f[na + j] & (TF_ADDED | TF_CONVERTED)) ||
		    (f[na + j] & TF_MOVED))
			continue;
		for (k = 0; k < y->noutputs; k++) {
			const struct ir_value *o = y->outputs[k];

			for (q = 0; o != NULL && q < o->nuses; q++) {
				const struct ir_node *u = o->uses[q].node;

				if (!diff_in_graph(gb, u) ||
				    (pa = G->sb->partner[u->index]) < 0 ||
				    G->ga[pa] >= 0 ||
				    ir_is_op(u, "Transpose") ||
				    !passes_transpose(u) ||
				    !node_changed(G, (size_t)pa, true))
					continue;
				f[pa] |= TF_THROUGH;
				uf_union(uf, (long)(na + j), pa);
			}
		}
		p = prod_index(G->sb, y->inputs[0]);
		if (p >= 0 && (pa = G->sb->partner[p]) >= 0 &&
		    G->ga[pa] < 0 && !ir_is_op(gb->nodes[p], "Transpose") &&
		    passes_transpose(gb->nodes[p]) &&
		    node_changed(G, (size_t)pa, true)) {
			f[pa] |= TF_THROUGH;
			uf_union(uf, (long)(na + j), pa);
		}
	}
	/* One entry per component that lost or gained a Transpose. */
	for (i = 0; i < na + nb; i++) {
		long r, e;
		size_t nr = 0, nc = 0, nadd = 0, nconv = 0, nthr = 0;
		const char *kind, *code;
		struct entry *en;
		const struct ir_node *subj = NULL;
		bool reshape = false, moved = false;

		if (!(f[i] & (TF_REMOVED | TF_ADDED | TF_CONVERTED |
		    TF_MOVED)))
			continue;
		r = uf_find(uf, (long)i);
		if (ent[r] != -1)
			continue;
		for (k = 0; k < na + nb; k++) {
			if (uf_find(uf, (long)k) != r)
				continue;
			if (f[k] & TF_REMOVED) {
				if (nr++ == 0)
					subj = ga->nodes[k];
			}
			nc += (f[k] & TF_CHANGED) != 0;
			nadd += (f[k] & TF_ADDED) != 0;
			nthr += (f[k] & TF_THROUGH) != 0;
			if ((f[k] & TF_MOVED) && k < na) {
				moved = true;
				if (nr++ == 0)
					subj = ga->nodes[k];
			}
			if (f[k] & TF_CONVERTED) {
				nconv++;
				reshape = reshape ||
				    ir_is_op(gb->nodes[k - na], "Reshape");
			}
		}
		/* Only added Transposes: the work of the rewrite that
		 * added them (a decomposed FusedMatMul), not of the
		 * transpose pass; group_replaced files them. */
		if (!moved && nr == 0 && nc == 0 && nthr == 0 &&
		    nconv == 0) {
			ent[r] = -2;
			continue;
		}
		if (moved) {
			kind = "transposes-pushed";
			code = DCODE(F_TP_PUSHED);
		} else if (nthr > 0 && nadd + nc + nconv == 0) {
			kind = "transposes-cancelled";
			code = DCODE(F_TP_CANCELLED);
		} else if (nthr > 0) {
			kind = "transposes-pushed";
			code = DCODE(F_TP_PUSHED);
		} else if (reshape) {
			kind = "transpose-to-reshape";
			code = DCODE(F_TP_RESHAPE);
		} else if (nadd + nc > 0) {
			kind = "transposes-merged";
			code = DCODE(F_TP_MERGED);
		} else if (nr >= 2) {
			kind = "transposes-cancelled";
			code = DCODE(F_TP_CANCELLED);
		} else if (nr == 1) {
			kind = "transpose-removed";
			code = DCODE(F_TP_IDENTITY);
		} else {
			kind = "transposes-added";
			code = NULL;
		}
		if ((e = diff_new_entry(D, kind, code, G->where, subj)) < 0)
			return -1;
		ent[r] = e;
		en = &D->e[e];
		en->text = diff_fmt(D, "removed %s%s%s%s%s%s%s",
		    nr ? name_list(D, G, uf, f, TF_REMOVED | TF_MOVED, r,
		    false) :
		    "none",
		    nthr ? "; through " : "", nthr ? name_list(D, G, uf, f,
		    TF_THROUGH, r, false) : "",
		    nadd + nconv ? "; added " : "", nadd + nconv ?
		    name_list(D, G, uf, f, TF_ADDED | TF_CONVERTED, r,
		    true) : "",
		    nc ? "; changed " : "", nc ? name_list(D, G, uf, f,
		    TF_CHANGED, r, false) : "");
		for (k = 0; k < na + nb; k++) {
			if (uf_find(uf, (long)k) != r || f[k] == 0)
				continue;
			if (k < na)
				G->ga[k] = e;
			else
				G->gb[k - na] = e;
		}
	}
	return D->oom ? -1 : 0;
}

/* The name V has in B: its own, or the graph output name a chain of
 * removed Identities that reads it gave it (identity-removed took it
 * over). */
static const char *
b_name(const struct grp *G, const struct ir_value *v)
{
	const struct ir_value *w = v;
	size_t q;
	int hop;

	for (hop = 0; w != NULL && hop < 16; hop++) {
		const struct ir_value *next = NULL;

		for (q = 0; q < w->nuses && next == NULL; q++) {
			const struct ir_node *u = w->uses[q].node;

			if (diff_in_graph(G->sa->g, u) &&
			    removed_a(G, (long)u->index) &&
			    ir_is_op(u, "Identity") && u->noutputs > 0 &&
			    u->outputs[0] != NULL)
				next = u->outputs[0];
		}
		if (next != NULL && next->noutputs > 0)
			return next->name;
		w = next;
	}
	return v != NULL ? v->name : NULL;
}

/*
 * Does every reader of A's value V (at least one, and V no graph output)
 * have a partner in B that reads W in its place?
 */
static bool
readers_moved(const struct grp *G, const struct ir_value *v,
    const struct ir_value *w)
{
	size_t q, k, n = 0;

	if (v->noutputs != 0)
		return false;
	for (q = 0; q < v->nuses; q++) {
		const struct ir_node *u = v->uses[q].node, *pu;
		bool reads = false;

		if (v->uses[q].index < 0 || !diff_in_graph(G->sa->g, u) ||
		    G->sa->partner[u->index] < 0)
			return false;
		pu = G->sb->g->nodes[G->sa->partner[u->index]];
		for (k = 0; k < pu->ninputs && !reads; k++)
			reads = pu->inputs[k] == w;
		if (!reads)
			return false;
		n++;
	}
	return n > 0;
}

/*
 * A BatchNormalization folded into the matched node that feeds it.
 * (Made by fix, it keeps the BatchNormalization's output name, F350; made
 * by an exporter, the readers move to the producer's output.) */
static int
group_bn_fold(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i;

	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i], *y;
		long p, e;
		bool foreign;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0 ||
		    !ir_is_op(x, "BatchNormalization") || x->ninputs < 1 ||
		    x->noutputs < 1 || x->outputs[0] == NULL)
			continue;
		p = prod_index(G->sa, x->inputs[0]);
		if (p < 0 || G->sa->partner[p] < 0 || G->ga[p] >= 0)
			continue;
		y = gb->nodes[G->sa->partner[p]];
		if (y->noutputs < 1 || y->outputs[0] == NULL)
			continue;
		/* fix keeps the BatchNormalization's output name on the
		 * node it folds into; another tool (an exporter) keeps that
		 * node's own, and the readers of the BatchNormalization now
		 * read it */
		foreign = !diff_str_eq(y->outputs[0]->name,
		    x->outputs[0]->name) && !diff_str_eq(y->outputs[0]->name,
		    b_name(G, x->outputs[0]));
		if (foreign && !readers_moved(G, x->outputs[0], y->outputs[0]))
			continue;
		if ((e = diff_new_entry(G->D, "bn-folded", foreign ? NULL :
		    DCODE(F_BN_FOLDED), G->where, x)) < 0)
			return -1;
		G->D->e[e].text = diff_fmt(G->D, "into %s '%s'",
		    diff_op_name(G->D, ga->nodes[p]),
		    diff_node_name(G->D, ga->nodes[p]));
		G->ga[i] = G->ga[p] = e;
	}
	return 0;
}

static void
claim_init(struct grp *G, const char *name, long e)
{
	if (name != NULL && hmap_put(&G->inits, name, (void *)(e + 1),
	    NULL) < 0)
		G->D->oom = true;
}

/*
 * A removed node whose output is a new initializer in B: a folded
 * constant, with the removed nodes that only fed it (their values gone).
 */
static int
group_folded(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i, k, q, head;
	long *work;
	size_t nwork;

	work = arena_array(&G->D->arena, ga->nnodes + 1, sizeof(*work));
	if (work == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		const struct ir_value *bv = NULL;
		long e;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0)
			continue;
		for (k = 0; k < x->noutputs && bv == NULL; k++) {
			const struct ir_value *v;

			if (x->outputs[k] == NULL)
				continue;
			v = ir_lookup(gb, x->outputs[k]->name);
			if (v != NULL && v->init != NULL && v->graph == gb)
				bv = v;
		}
		if (bv == NULL)
			continue;
		if ((e = diff_new_entry(G->D, "constant-folded",
		    DCODE(F_FOLDED), G->where, x)) < 0)
			return -1;
		G->D->e[e].text = diff_fmt(G->D, "into initializer '%s'",
		    diff_esc(G->D, bv->name));
		claim_init(G, bv->name, e);
		G->ga[i] = e;
		nwork = 0;
		work[nwork++] = (long)i;
		for (head = 0; head < nwork; head++) {
			struct ir_node *m = ga->nodes[work[head]];

			for (k = 0; k < m->ninputs; k++) {
				long p = prod_index(G->sa, m->inputs[k]);
				struct ir_node *pn;
				bool only = true;
				size_t o;

				/* Shape and Size read no values; a
				 * Constant stays a node (dce drops it). */
				if (!removed_a(G, p) || G->ga[p] >= 0 ||
				    ir_is_op(m, "Shape") ||
				    ir_is_op(m, "Size") ||
				    ir_is_op(ga->nodes[p], "Constant"))
					continue;
				pn = ga->nodes[p];
				for (o = 0; o < pn->noutputs && only; o++) {
					const struct ir_value *v =
					    pn->outputs[o];

					if (v == NULL)
						continue;
					if (ir_lookup(gb, v->name) != NULL ||
					    v->noutputs > 0)
						only = false;
					for (q = 0; q < v->nuses; q++)
						if (v->uses[q].node->graph !=
						    ga || G->ga[v->uses[q].node->
						    index] != e)
							only = false;
				}
				if (!only)
					continue;
				G->ga[p] = e;
				work[nwork++] = p;
			}
		}
	}
	return G->D->oom ? -1 : 0;
}

/* A removed node whose outputs added nodes of B now make: a custom
 * operator decomposed, a BatchNormalization rewritten, a Transpose
 * turned into something else. */
static int
group_replaced(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i, k, q, head, nwork;
	long *work;

	work = arena_array(&G->D->arena, gb->nnodes + 1, sizeof(*work));
	if (work == NULL)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		const char *kind = NULL, *code = NULL;
		long e = -1;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0)
			continue;
		nwork = 0;
		for (k = 0; k < x->noutputs; k++) {
			long p;

			if (x->outputs[k] == NULL)
				continue;
			p = prod_index(G->sb, ir_lookup(gb,
			    x->outputs[k]->name));
			if (p < 0)
				p = prod_index(G->sb, ir_lookup(gb,
				    b_name(G, x->outputs[k])));
			if (!added_b(G, p) || G->gb[p] >= 0)
				continue;
			if (e < 0) {
				if (ir_is_op(x, "BatchNormalization")) {
					kind = "bn-rewritten";
					code = DCODE(F_BN_NONSPATIAL);
				} else {
					kind = "op-replaced";
					code = DCODE(F_CUSTOM_DECOMPOSED);
				}
				e = diff_new_entry(G->D, kind, code, G->where,
				    x);
				if (e < 0)
					return -1;
				G->ga[i] = e;
			}
			G->gb[p] = e;
			work[nwork++] = p;
		}
		for (head = 0; head < nwork; head++) {
			struct ir_node *m = gb->nodes[work[head]];

			for (q = 0; q < m->ninputs; q++) {
				long p = prod_index(G->sb, m->inputs[q]);

				if (!added_b(G, p) || G->gb[p] >= 0)
					continue;
				G->gb[p] = e;
				work[nwork++] = p;
			}
		}
		if (e >= 0)
			G->D->e[e].text = diff_fmt(G->D, "by %zu node%s", nwork,
			    nwork == 1 ? "" : "s");
	}
	return G->D->oom ? -1 : 0;
}

/* Do the padding attributes of matched nodes X (A) and Y (B) differ? */
static bool
pads_changed(const struct ir_node *x, const struct ir_node *y)
{
	static const char *const names[] = { "pads", "count_include_pad" };
	size_t k;

	for (k = 0; k < 2; k++) {
		const struct ir_attr *a = ir_node_attr(x, names[k]);
		const struct ir_attr *b = ir_node_attr(y, names[k]);

		if ((a == NULL) != (b == NULL))
			return true;
		if (a == NULL)
			continue;
		if (a->type != b->type || a->i != b->i || a->n != b->n ||
		    (a->n > 0 && (a->ints == NULL || b->ints == NULL ||
		    memcmp(a->ints, b->ints, a->n * sizeof(*a->ints)) != 0)))
			return true;
	}
	return false;
}

/* Are inputs X and Y of two nodes of G the same value: one name, or
 * the same output of two nodes REP says are the same? */
static bool
same_input(const struct ir_graph *g, const long *rep,
    const struct ir_value *x, const struct ir_value *y)
{
	const struct ir_node *p, *q;

	if (x == NULL || y == NULL)
		return x == y;
	if (strcmp(x->name, y->name) == 0)
		return true;
	p = x->kind == IR_VALUE_NODE ? x->producer : NULL;
	q = y->kind == IR_VALUE_NODE ? y->producer : NULL;
	return p != NULL && q != NULL && diff_in_graph(g, p) &&
	    diff_in_graph(g, q) && x->out_index == y->out_index &&
	    rep[p->index] == rep[q->index];
}

/* The bucket of node X in repeats(): its operator and its first input
 * (by the first node that made an equal value). */
static const char *
repeat_key(struct diff *D, const struct ir_graph *g, const long *rep,
    const struct ir_node *x)
{
	const struct ir_value *v = x->ninputs > 0 ? x->inputs[0] : NULL;
	const struct ir_node *p;

	if (v == NULL)
		return diff_fmt(D, "%s\x1f-", x->op_type);
	p = v->kind == IR_VALUE_NODE ? v->producer : NULL;
	if (p != NULL && diff_in_graph(g, p))
		return diff_fmt(D, "%s\x1f#%ld:%d", x->op_type, rep[p->index],
		    v->out_index);
	return diff_fmt(D, "%s\x1f=%s", x->op_type, v->name);
}

/*
 * REP[I]: the first node of G that node I repeats (operator, inputs the
 * same values, attributes), else I.  cse merged the repeats, whatever
 * happened to the two later (a merged chain may be folded or dead in
 * B).  In node order, so a chain of repeats is found link by link;
 * nodes are bucketed by operator and first input, so that a graph of
 * many nodes is not compared pairwise.
 */
static long *
repeats(struct diff *D, const struct ir_graph *g)
{
	long *rep = arena_array(&D->arena, g->nnodes + 1, sizeof(*rep));
	long *next = arena_array(&D->arena, g->nnodes + 1, sizeof(*next));
	struct hmap heads;
	size_t i, k;
	long j;

	if (rep == NULL || next == NULL) {
		D->oom = true;
		return NULL;
	}
	hmap_init(&heads, &D->arena);
	for (i = 0; i < g->nnodes; i++) {
		const struct ir_node *x = g->nodes[i];
		const char *key;
		void *h;

		rep[i] = (long)i;
		next[i] = -1;
		if (x->dead || !ir_domain_is_onnx(x->domain) ||
		    x->nimplicit > 0 || x->noutputs == 0 ||
		    x->outputs[0] == NULL)
			continue;
		if ((key = repeat_key(D, g, rep, x)) == NULL) {
			D->oom = true;
			return NULL;
		}
		h = hmap_get(&heads, key);
		for (j = h != NULL ? (long)(uintptr_t)h - 1 : -1; j >= 0;
		    j = next[j]) {
			const struct ir_node *y = g->nodes[j];

			if (strcmp(y->op_type, x->op_type) != 0 ||
			    strcmp(y->domain, x->domain) != 0 ||
			    y->ninputs != x->ninputs ||
			    y->noutputs != x->noutputs ||
			    y->nattrs != x->nattrs)
				continue;
			for (k = 0; k < x->ninputs; k++)
				if (!same_input(g, rep, x->inputs[k],
				    y->inputs[k]))
					break;
			if (k < x->ninputs)
				continue;
			for (k = 0; k < x->nattrs; k++)
				if (strcmp(x->attrs[k].name,
				    y->attrs[k].name) != 0 ||
				    x->attrs[k].type == IR_ATTR_GRAPH ||
				    x->attrs[k].type == IR_ATTR_GRAPHS ||
				    !diff_attr_eq(&x->attrs[k], &y->attrs[k]))
					break;
			if (k == x->nattrs)
				break;
		}
		if (j >= 0) {
			rep[i] = j;
			continue;
		}
		/* the first of its kind heads its bucket's list */
		if (h != NULL) {
			next[i] = next[(uintptr_t)h - 1];
			next[(uintptr_t)h - 1] = (long)i;
		} else if (hmap_put(&heads, key,
		    (void *)(uintptr_t)(i + 1), NULL) < 0) {
			D->oom = true;
			return NULL;
		}
	}
	return rep;
}

/*
 * A removed node whose readers in B read one of its inputs instead: a
 * no-op identity removed (F396), or a Pad whose padding the Conv or
 * AveragePool reading it took over (F397, which also claims that
 * reader); or whose readers read an output of another node of its
 * operator: merged by cse (F398).
 */
static int
group_bypassed(struct grp *G)
{
	struct ir_graph *ga = G->sa->g, *gb = G->sb->g;
	size_t i, q, k;
	long *rep = NULL;

	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		const struct ir_value *o;
		const char *kind = NULL, *code = NULL, *now = NULL;
		long claim = -1, e;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0 ||
		    ir_is_op(x, "Identity") || ir_is_op(x, "Transpose") ||
		    x->noutputs < 1 || (o = x->outputs[0]) == NULL)
			continue;
		for (q = 0; q < o->nuses && kind == NULL; q++) {
			const struct ir_node *u = o->uses[q].node, *ub;
			const struct ir_value *v;
			int slot = o->uses[q].index;

			if (slot < 0 || !diff_in_graph(ga, u) ||
			    G->sa->partner[u->index] < 0)
				continue;
			ub = gb->nodes[G->sa->partner[u->index]];
			if ((size_t)slot >= ub->ninputs ||
			    (v = ub->inputs[slot]) == NULL)
				continue;
			for (k = 0; k < x->ninputs; k++)
				if (x->inputs[k] != NULL &&
				    strcmp(x->inputs[k]->name, v->name) == 0)
					break;
			if (k < x->ninputs) {
				now = v->name;
				if (ir_is_op(x, "Pad") && slot == 0 &&
				    (ir_is_op(ub, "Conv") ||
				    ir_is_op(ub, "AveragePool")) &&
				    pads_changed(u, ub)) {
					kind = "pad-merged";
					code = DCODE(F_PAD_MERGED);
					claim = (long)u->index;
				} else {
					kind = "noop-removed";
					code = DCODE(F_NOOP);
				}
			} else if (v->kind == IR_VALUE_NODE &&
			    v->producer != NULL &&
			    strcmp(v->producer->op_type, x->op_type) == 0 &&
			    strcmp(v->producer->domain, x->domain) == 0) {
				now = v->name;
				kind = "node-merged";
				code = DCODE(F_CSE);
			}
		}
		if (kind == NULL && rep == NULL &&
		    (rep = repeats(G->D, ga)) == NULL)
			return -1;
		if (kind == NULL && rep[i] != (long)i) {
			now = ga->nodes[rep[i]]->outputs[0]->name;
			kind = "node-merged";
			code = DCODE(F_CSE);
		}
		if (kind == NULL)
			continue;
		if ((e = diff_new_entry(G->D, kind, code, G->where, x)) < 0)
			return -1;
		G->D->e[e].text = diff_fmt(G->D, "'%s' now read as '%s'",
		    diff_esc(G->D, o->name), diff_esc(G->D, now));
		G->ga[i] = e;
		if (claim >= 0 && G->ga[claim] < 0)
			G->ga[claim] = e;
	}
	return G->D->oom ? -1 : 0;
}

int
diff_group_graph(struct grp *G)
{
	struct ir_graph *ga = G->sa->g;
	size_t i;

	if (group_bn_fold(G) < 0 || group_folded(G) < 0)
		return -1;
	for (i = 0; i < ga->nnodes; i++) {
		struct ir_node *x = ga->nodes[i];
		long e;

		if (!removed_a(G, (long)i) || G->ga[i] >= 0 ||
		    !ir_is_op(x, "Identity"))
			continue;
		if ((e = diff_new_entry(G->D, "identity-removed",
		    DCODE(F_IDENTITY), G->where, x)) < 0)
			return -1;
		G->D->e[e].text = diff_fmt(G->D, "'%s' was '%s'", diff_esc(G->D,
		    x->noutputs > 0 && x->outputs[0] ? x->outputs[0]->name :
		    ""), diff_esc(G->D, x->ninputs > 0 && x->inputs[0] ?
		    x->inputs[0]->name : ""));
		G->ga[i] = e;
	}
	if (group_transposes(G) < 0 || group_bypassed(G) < 0)
		return -1;
	return group_replaced(G);
}

/* The entry a value's removed producer (A) or added producer (B) is
 * filed under, or -1. */
long
diff_value_entry(const struct grp *G, const struct ir_value *v, bool b_side)
{
	long p = prod_index(b_side ? G->sb : G->sa, v);

	if (p < 0)
		return -1;
	if (b_side)
		return added_b(G, p) ? G->gb[p] : -1;
	return removed_a(G, p) ? G->ga[p] : -1;
}

/* The entry of a removed (A) or added (B) consumer of V, or -1. */
long
diff_user_entry(const struct grp *G, const struct ir_value *v, bool b_side)
{
	const struct side *s = b_side ? G->sb : G->sa;
	size_t q;

	for (q = 0; v != NULL && q < v->nuses; q++) {
		const struct ir_node *u = v->uses[q].node;
		long e;

		if (!diff_in_graph(s->g, u))
			continue;
		e = b_side ? (added_b(G, (long)u->index) ?
		    G->gb[u->index] : -1) : (removed_a(G, (long)u->index) ?
		    G->ga[u->index] : -1);
		if (e >= 0)
			return e;
	}
	return -1;
}

/* The entry of any B node that reads V (added, or matched and claimed). */
static long
reader_entry(const struct grp *G, const struct ir_value *v)
{
	size_t q;

	for (q = 0; v != NULL && q < v->nuses; q++) {
		const struct ir_node *u = v->uses[q].node;
		long e;

		if (!diff_in_graph(G->sb->g, u))
			continue;
		e = G->sb->partner[u->index] < 0 ? G->gb[u->index] :
		    G->ga[G->sb->partner[u->index]];
		if (e >= 0)
			return e;
	}
	return -1;
}

/* BatchNormalization attributes bn-normalize sets or drops: the code of
 * its note. */
const char *
diff_bn_attr_code(const char *attr, bool removed)
{
	if (strcmp(attr, "epsilon") == 0)
		return DCODE(F_BN_EPS);
	if (strcmp(attr, "momentum") == 0)
		return DCODE(F_BN_MOMENTUM);
	if (strcmp(attr, "training_mode") == 0 ||
	    (strcmp(attr, "is_test") == 0 && !removed))
		return DCODE(F_BN_INFERENCE);
	if (strcmp(attr, "consumed_inputs") == 0 ||
	    strcmp(attr, "is_test") == 0 || strcmp(attr, "spatial") == 0)
		return DCODE(F_BN_LEGACY_ATTR);
	return NULL;
}

/* The entry a B value belongs to: its producer's or a reader's. */
long
diff_bvalue_entry(const struct grp *G, const char *name)
{
	const struct ir_value *v = ir_lookup(G->sb->g, name);
	void *h = hmap_get(&G->inits, name);
	long p, e;

	if (h != NULL)
		return (long)(uintptr_t)h - 1;
	if (v == NULL)
		return -1;
	if ((p = prod_index(G->sb, v)) >= 0) {
		e = G->sb->partner[p] < 0 ? G->gb[p] :
		    G->ga[G->sb->partner[p]];
		if (e >= 0)
			return e;
	}
	return reader_entry(G, v);
}

/* The entry an A value belongs to: its producer's. */
long
diff_avalue_entry(const struct grp *G, const char *name)
{
	const struct ir_value *v = ir_lookup(G->sa->g, name);
	long p = prod_index(G->sa, v);

	return p >= 0 ? G->ga[p] : -1;
}
