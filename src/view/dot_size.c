/* SPDX-License-Identifier: MIT */
/*
 * The picture's representation, chosen by size so that every model draws
 * within the layout's bounds (dot_gv.c runs it under rlimits).  What dot
 * spends its time on is nodes and, above all, the virtual nodes of long
 * edges: an edge across R ranks costs R of them, twice that with its
 * label.  So the cost of a picture is estimated as drawn units plus
 * twice the rank span of every edge (ranks by longest path in file
 * order, which is topological in valid models).  When every node fits
 * the node limit and DOT_LAYOUT_COST it is drawn as it is.  Otherwise:
 *
 *	1. subgraph bodies become a line of their owner's label;
 *	2. name scopes become single boxes ("block.3: 12 nodes, 3 Conv,
 *	   ..."): starting from the top-level scopes (the summary graph of
 *	   the largest models), the largest box is opened into its inner
 *	   scopes and nodes while the picture stays within the node limit,
 *	   so big scopes are shown in detail first and the picture is as
 *	   detailed as the limit allows (every node when they fit);
 *	3. edges over S ranks (S = 16, 8, then 4, 2, 1) end in a dashed stub
 *	   naming the value above their consumer, until the cost fits.
 *
 * What still does not fit is cut at the node limit (dot_select.c).  With
 * --focus, --ops or --collapse the user chose the representation, and
 * with --max-nodes the limit is theirs: the cost then only decides the
 * long edges.  Everything here is loops over arrays: no recursion.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/dot_int.h"

/* The end of the D-th scope of NAME ("/a/b/Conv": 2 for D = 1, 4 for
 * D = 2), 0 when NAME has fewer than D scopes above the node. */
static size_t
scope_end(const char *name, int depth)
{
	size_t k;
	int d = 0;

	if (name == NULL)
		return 0;
	for (k = 1; name[k] != '\0'; k++) {
		if (name[k] != '/' || name[k - 1] == '/')
			continue;
		if (++d == depth)
			return name[k + 1] != '\0' ? k : 0;
	}
	return 0;
}

static bool
drawn(const struct dgraph *dg, size_t i)
{
	return !dg->g->nodes[i]->dead && dg->hide[i] == SHOWN;
}

/* A name scope of the main graph, as a box that may be opened. */
struct vscope {
	int parent;		/* -1: top level */
	int depth;
	size_t len;		/* prefix length of a member's name */
	size_t first;		/* first member (node position) */
	size_t count;		/* drawn nodes inside, at any depth */
	size_t open_units;	/* units when opened: child scopes and
				 * nodes directly inside */
	bool open;
};

struct view {
	struct vscope *sc;
	size_t nsc;
	int *deepest;		/* per node: its deepest scope, -1 */
	size_t units;		/* units of the current state */
};

/*
 * The scope tree of DG's drawn nodes: every proper prefix up to a '/'
 * (at most DOT_SCOPE_DEPTH levels), all closed: the units are then the
 * top-level scopes and the nodes in none.
 */
static int
build_view(struct dot *D, struct dgraph *dg, struct view *w)
{
	struct ir_graph *g = dg->g;
	struct hmap map;
	size_t i, cap = 0;
	char key[512];

	memset(w, 0, sizeof(*w));
	hmap_init(&map, &D->ids.arena);
	if ((w->deepest = arena_array(&D->ids.arena, g->nnodes + 1,
	    sizeof(*w->deepest))) == NULL)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		const char *nm = g->nodes[i]->name;
		int parent = -1, depth;
		size_t e;

		w->deepest[i] = -1;
		if (!drawn(dg, i))
			continue;
		for (depth = 1; depth <= DOT_SCOPE_DEPTH; depth++) {
			void *v;
			char *copy;
			int id;

			if ((e = scope_end(nm, depth)) == 0 ||
			    e >= sizeof(key))
				break;
			memcpy(key, nm, e);
			key[e] = '\0';
			if ((v = hmap_get(&map, key)) != NULL) {
				id = (int)((uintptr_t)v - 1);
			} else {
				if (w->nsc >= INT32_MAX ||
				    (copy = arena_strndup(&D->ids.arena, nm,
				    e)) == NULL ||
				    hmap_put(&map, copy,
				    (void *)(uintptr_t)(w->nsc + 1), NULL) < 0 ||
				    arena_grow(&D->ids.arena, (void **)&w->sc,
				    &cap, w->nsc + 1, sizeof(*w->sc)) < 0)
					return -1;
				id = (int)w->nsc++;
				memset(&w->sc[id], 0, sizeof(w->sc[id]));
				w->sc[id].parent = parent;
				w->sc[id].depth = depth;
				w->sc[id].len = e;
				w->sc[id].first = i;
				if (parent >= 0)
					w->sc[parent].open_units++;
				else
					w->units++;
			}
			w->sc[id].count++;
			parent = id;
		}
		w->deepest[i] = parent;
		if (parent >= 0)
			w->sc[parent].open_units++;
		else
			w->units++;
	}
	return 0;
}

/* Larger scopes first, and a parent before its children. */
static const struct vscope *order_sc;

static int
open_cmp(const void *a, const void *b)
{
	const struct vscope *x = &order_sc[*(const size_t *)a],
	    *y = &order_sc[*(const size_t *)b];

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/*
 * Open boxes, largest first, while the units stay within LIMIT and
 * below STOP.  Scopes of one size and depth (the twelve layers of an
 * encoder) open together or not at all, so the picture is as detailed
 * in its last layer as in its first.  One pass: a parent comes before
 * its children.
 */
static void
open_boxes(struct view *w, const size_t *order, size_t limit, size_t stop)
{
	size_t k = 0, j, add;

	while (k < w->nsc && w->units < stop) {
		const struct vscope *a = &w->sc[order[k]];

		/* the batch: [k, j) */
		add = 0;
		for (j = k; j < w->nsc; j++) {
			const struct vscope *sc = &w->sc[order[j]];

			if (sc->count != a->count || sc->depth != a->depth)
				break;
			if (!sc->open && (sc->parent < 0 ||
			    w->sc[sc->parent].open))
				add += sc->open_units - 1;
		}
		if (w->units + add <= limit)
			for (; k < j; k++) {
				struct vscope *sc = &w->sc[order[k]];

				if (sc->open || (sc->parent >= 0 &&
				    !w->sc[sc->parent].open))
					continue;
				sc->open = true;
				w->units += sc->open_units - 1;
			}
		k = j;
	}
}

/*
 * Units of the view into UNIT per node (SIZE_MAX: not drawn) and COUNT
 * per unit; the unit of a node is its outermost closed scope, or itself.
 * Returns the number of units.
 */
static size_t
view_units(const struct view *w, const struct dgraph *dg, size_t *unit,
    size_t *count, size_t *scope_of)
{
	size_t i, n = 0;

	for (i = 0; i < dg->g->nnodes; i++) {
		int s = w->deepest[i], closed = -1;

		unit[i] = SIZE_MAX;
		if (!drawn(dg, i))
			continue;
		for (; s >= 0; s = w->sc[s].parent)
			if (!w->sc[s].open)
				closed = s;
		if (closed >= 0 && w->sc[closed].first != i) {
			unit[i] = unit[w->sc[closed].first];
			count[unit[i]]++;
			continue;
		}
		scope_of[n] = closed >= 0 ? (size_t)closed : SIZE_MAX;
		count[n] = 1;
		unit[i] = n++;
	}
	return n;
}

/*
 * Ranks of the units (longest path, inputs at rank 0) into RANK, and the
 * estimated cost with edges over SPAN ranks cut (0: none cut).
 */
static size_t
cost_of(const struct dot *D, const struct dgraph *dg, const size_t *unit,
    size_t nunits, size_t *rank, size_t span)
{
	struct ir_graph *g = dg->g;
	size_t i, j, cost = nunits, *seen = dg->seen_cost;

	memset(rank, 0, nunits * sizeof(*rank));
	memset(seen, 0, (g->nvalues + 1) * sizeof(*seen));
	for (i = 0; i < g->nnodes; i++) {
		const struct ir_node *n = g->nodes[i];

		if (unit[i] == SIZE_MAX)
			continue;
		for (j = 0; j < n->ninputs; j++) {
			const struct ir_value *v = n->inputs[j];
			const struct ir_node *p;

			if (v == NULL || v->kind != IR_VALUE_NODE ||
			    v->graph != g || (p = v->producer) == NULL ||
			    p->dead || p->index >= g->nnodes ||
			    g->nodes[p->index] != p ||
			    unit[p->index] == SIZE_MAX ||
			    unit[p->index] == unit[i])
				continue;
			if (rank[unit[i]] < rank[unit[p->index]] + 1)
				rank[unit[i]] = rank[unit[p->index]] + 1;
		}
	}
	for (i = 0; i < g->nnodes; i++) {
		const struct ir_node *n = g->nodes[i];

		if (unit[i] == SIZE_MAX)
			continue;
		for (j = 0; j < n->ninputs; j++) {
			const struct ir_value *v = n->inputs[j];
			const struct ir_node *p;
			size_t s;

			if (v == NULL || dot_folded(D, v))
				continue;
			/* one edge per value and reader, as drawn */
			if (v->graph == g && v->id < g->nvalues &&
			    g->values[v->id] == v) {
				if (seen[v->id] == i + 1)
					continue;
				seen[v->id] = i + 1;
			}
			p = v->producer;
			if (v->kind == IR_VALUE_INPUT) {
				s = rank[unit[i]] + 1;
			} else if (v->kind == IR_VALUE_NODE &&
			    v->graph == g && p != NULL && !p->dead &&
			    p->index < g->nnodes && g->nodes[p->index] == p &&
			    unit[p->index] != SIZE_MAX &&
			    unit[p->index] != unit[i]) {
				size_t a = rank[unit[p->index]],
				    b = rank[unit[i]];

				s = b > a ? b - a : 1;
			} else {
				continue;
			}
			if (span > 0 && s > span)
				s = 1;
			cost += 2 * s;
		}
	}
	return cost;
}

/* Draw each unit of two or more nodes as one box, standing in for its
 * members like a collapsed block. */
static int
apply_units(struct dot *D, struct dgraph *dg, const struct view *w,
    const size_t *unit, const size_t *count, const size_t *scope_of,
    size_t nunits)
{
	struct ir_graph *g = dg->g;
	size_t *first, i;

	if ((first = arena_array(&D->ids.arena, nunits + 1,
	    sizeof(*first))) == NULL ||
	    (dg->box = arena_array(&D->ids.arena, g->nnodes + 1,
	    sizeof(*dg->box))) == NULL ||
	    (dg->boxes = arena_array(&D->ids.arena, nunits + 1,
	    sizeof(*dg->boxes))) == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "scope boxes");
	for (i = 0; i < nunits; i++)
		first[i] = SIZE_MAX;
	for (i = 0; i < g->nnodes; i++) {
		size_t u = unit[i];
		struct dbox *b;

		dg->box[i] = -1;
		if (u == SIZE_MAX || count[u] < 2 || scope_of[u] == SIZE_MAX)
			continue;
		if (first[u] == SIZE_MAX) {
			first[u] = i;
			b = &dg->boxes[dg->nboxes];
			dg->box[i] = (int)dg->nboxes++;
			b->name = g->nodes[i]->name;
			b->len = w->sc[scope_of[u]].len;
			b->count = count[u];
			b->first = b->last = i;
			D->nboxes++;
			D->nboxed += count[u];
			continue;
		}
		b = &dg->boxes[dg->box[first[u]]];
		b->last = i;
		dg->rep[i] = first[u];
		dg->hide[i] = HIDE_COLLAPSE;
	}
	return 0;
}

/* Subgraph bodies not drawn: their size becomes a line of the owner. */
static void
hide_bodies(struct dot *D)
{
	size_t gi, i;

	for (gi = 1; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];

		if (dg->g->kind != IR_GRAPH_SUB)
			continue;
		dg->body_hidden = true;
		for (i = 0; i < dg->g->nnodes; i++)
			if (drawn(dg, i)) {
				dg->hide[i] = HIDE_BODY;
				D->nbody++;
			}
	}
}

/* Ranks per node (of its unit) for the long-edge cut in edge_in(). */
static int
keep_ranks(struct dot *D, struct dgraph *dg, const size_t *unit,
    const size_t *rank, size_t span)
{
	size_t i;

	if ((dg->rank = arena_array(&D->ids.arena, dg->g->nnodes + 1,
	    sizeof(*dg->rank))) == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "ranks");
	for (i = 0; i < dg->g->nnodes; i++)
		dg->rank[i] = unit[i] != SIZE_MAX ? rank[unit[i]] : 0;
	D->span = span;
	return 0;
}

int
dot_choose_view(struct dot *D)
{
	static const size_t spans[] = { 16, 8, 4, 2, 1 };
	struct dgraph *dg = &D->dg[0];
	struct ir_graph *g = dg->g;
	size_t *unit, *count, *rank, *scope_of, *order, n, total = 0, gi, i,
	    s;
	bool auto_limit = D->opt.max_nodes == 0;
	struct view w;

	if (D->ndg == 0 || D->opt.focus != NULL || D->opt.ops != NULL ||
	    D->opt.collapse)
		return 0;
	unit = arena_array(&D->ids.arena, g->nnodes + 1, sizeof(*unit));
	count = arena_array(&D->ids.arena, g->nnodes + 1, sizeof(*count));
	rank = arena_array(&D->ids.arena, g->nnodes + 1, sizeof(*rank));
	scope_of = arena_array(&D->ids.arena, g->nnodes + 1,
	    sizeof(*scope_of));
	dg->seen_cost = arena_array(&D->ids.arena, g->nvalues + 1,
	    sizeof(*dg->seen_cost));
	if (unit == NULL || count == NULL || rank == NULL ||
	    scope_of == NULL || dg->seen_cost == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "picture size");
	for (gi = 0; gi < D->ndg; gi++)
		for (i = 0; i < D->dg[gi].g->nnodes; i++)
			total += drawn(&D->dg[gi], i);
	/* every node its own unit */
	for (i = 0, n = 0; i < g->nnodes; i++) {
		unit[i] = drawn(dg, i) ? n++ : SIZE_MAX;
		if (unit[i] != SIZE_MAX)
			count[unit[i]] = 1;
	}
	if (total <= D->max_ops &&
	    cost_of(D, dg, unit, n, rank, 0) <= DOT_LAYOUT_COST)
		return 0;
	/* the user's limit: what is over it is cut (dot_select.c), and
	 * what is within it drawn, with its long edges cut */
	if (!auto_limit && total > D->max_ops)
		return 0;
	if (auto_limit) {
		if (D->ndg > 1)
			hide_bodies(D);
		if (build_view(D, dg, &w) < 0 || (order = arena_array(
		    &D->ids.arena, w.nsc + 1, sizeof(*order))) == NULL)
			return dot_fail(D, ONNXFIX_EBUDGET, "picture size");
		for (i = 0; i < w.nsc; i++)
			order[i] = i;
		order_sc = w.sc;
		qsort(order, w.nsc, sizeof(*order), open_cmp);
		open_boxes(&w, order, D->max_ops, SIZE_MAX);
		/* a few boxes say little: open more, and let the node
		 * limit cut what does not fit */
		if (w.units < DOT_MIN_UNITS)
			open_boxes(&w, order, SIZE_MAX, DOT_MIN_UNITS);
		n = view_units(&w, dg, unit, count, scope_of);
	} else {
		for (i = 0; i < n; i++)
			scope_of[i] = SIZE_MAX;
	}
	/* a few long edges cut are better than more boxes: only now */
	for (s = 0; s < sizeof(spans) / sizeof(spans[0]) - 1; s++)
		if (cost_of(D, dg, unit, n, rank, spans[s]) <= DOT_LAYOUT_COST)
			break;
	if (cost_of(D, dg, unit, n, rank, 0) <= DOT_LAYOUT_COST) {
		s = SIZE_MAX;
	} else if (auto_limit) {
		/* dense beyond that (every node reads every other): fewer
		 * units, by the node limit's cut; the cost of what the cut
		 * keeps is taken as proportional */
		double cost = (double)cost_of(D, dg, unit, n, rank, spans[s]),
		    lim;

		if (n > D->max_ops)
			cost = cost * D->max_ops / (double)n;
		lim = D->max_ops * (double)DOT_LAYOUT_COST / cost;
		if (lim < D->max_ops)
			D->max_ops = lim < DOT_MIN_UNITS ? DOT_MIN_UNITS :
			    (unsigned)lim;
	}
	if (auto_limit && apply_units(D, dg, &w, unit, count, scope_of, n) < 0)
		return -1;
	return keep_ranks(D, dg, unit, rank, s == SIZE_MAX ? 0 : spans[s]);
}
