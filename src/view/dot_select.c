/* SPDX-License-Identifier: MIT */
/*
 * What is drawn, decided before anything is: per graph, each node is
 * shown or hidden and why (struct dgraph.hide).  A Constant read once is
 * folded into its consumer's label, as is a single-use initializer;
 * --ops hides other operators; --focus keeps the nodes within --radius
 * hops of a node or tensor, breadth-first with an explicit queue, and the
 * owners above it.  Name scopes ("/encoder/layer.3/...") become nested
 * clusters, and with --collapse the repeated blocks among them are drawn
 * once: every other member's node stands in by the first member's node at
 * the same position (struct dgraph.rep).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <xxhash.h>

#include "view/dot_int.h"

/* Is NAME one of the comma-separated LIST? */
static bool
in_list(const char *list, const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && n > 0 && strncmp(p, name, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Is V a node input anywhere?  (At the first use: a weight read by
 * 40,000 nodes is asked about once per reader.) */
static bool
used(const struct ir_value *v)
{
	size_t i;

	for (i = 0; i < v->nuses; i++)
		if (v->uses[i].index >= 0)
			return true;
	return false;
}


/*
 * A Constant, or an Identity of a constant, whose output is used and is
 * no graph output: drawn as a line of each consumer's label instead of a
 * node with edges.  Edges from one constant to consumers all over the
 * graph cost Graphviz a virtual node per rank they cross: on convnext
 * they made the layout run for minutes.
 */
static bool
const_folded(const struct ir_node *n)
{
	const struct ir_value *v;

	if (n->noutputs != 1 || (v = n->outputs[0]) == NULL ||
	    v->noutputs != 0 || !used(v))
		return false;
	if (!ir_is_op(n, "Constant") && !ir_is_op(n, "Identity"))
		return false;
	return dot_const_source(v) != NULL;
}

bool
dot_folded(const struct dot *D, const struct ir_value *v)
{
	if (v->kind == IR_VALUE_NODE)
		return v->producer != NULL && !v->producer->dead &&
		    const_folded(v->producer);
	if (!D->fold || v->kind != IR_VALUE_INITIALIZER || v->init == NULL ||
	    v->noutputs != 0)
		return false;
	return used(v);
}

/* Does N or one of its outputs carry the name FOCUS? */
static bool
names_focus(const struct ir_node *n, const char *focus)
{
	size_t i;

	if (n->name != NULL && strcmp(n->name, focus) == 0)
		return true;
	for (i = 0; i < n->noutputs; i++)
		if (n->outputs[i] != NULL &&
		    strcmp(n->outputs[i]->name, focus) == 0)
			return true;
	return false;
}

/* Is N in the name scope FOCUS ("/a/b" or "/a/b/" for "/a/b/Conv")? */
static bool
in_scope(const struct ir_node *n, const char *focus)
{
	size_t len = strlen(focus);

	return len > 0 && n->name != NULL &&
	    strncmp(n->name, focus, len) == 0 &&
	    (focus[len - 1] == '/' || n->name[len] == '/');
}

/* Into OUT: up to four node and tensor names that contain FOCUS, quoted
 * and escaped, then how many more ("" when none does). */
static void
focus_matches(struct dot *D, const char *focus, char *out, size_t size)
{
	char esc[DIAG_ESCAPE_SIZE];
	size_t gi, i, n = 0, len = 0;

	out[0] = '\0';
	for (gi = 0; gi < D->ndg; gi++) {
		struct ir_graph *g = D->dg[gi].g;

		for (i = 0; i < g->nnodes + g->nvalues; i++) {
			const char *name = i < g->nnodes ?
			    (g->nodes[i]->dead ? NULL : g->nodes[i]->name) :
			    g->values[i - g->nnodes]->name;

			if (name == NULL || strstr(name, focus) == NULL)
				continue;
			if (n++ < 4)
				len += (size_t)snprintf(out + len, len < size ?
				    size - len : 0, "%s'%s'", n > 1 ? ", " :
				    "", diag_escape_str(esc, sizeof(esc),
				    name));
		}
	}
	if (n > 4 && len < size)
		snprintf(out + len, size - len, " and %zu more", n - 4);
}

/*
 * --focus: keep the nodes within opt.radius hops (inputs and consumers,
 * breadth-first with an explicit queue) of the node named FOCUS, or of the
 * producer or consumers of the tensor named FOCUS, in the graph that
 * holds it; the owners of the enclosing graphs stay so that its cluster
 * is drawn.  Everything else is hidden.  Returns -1 when nothing has the
 * name (a diagnostic says so).
 */
static int
select_focus(struct dot *D)
{
	const char *focus = D->opt.focus;
	struct dgraph *fg = NULL;
	size_t *queue, *dist, qh = 0, qt = 0, i, j, k, gi;
	bool *keep_owner, scope = false;
	struct arena *a = &D->ids.arena;

	for (gi = 0; gi < D->ndg && fg == NULL; gi++) {
		struct ir_graph *g = D->dg[gi].g;

		for (i = 0; i < g->nnodes; i++)
			if (!g->nodes[i]->dead &&
			    names_focus(g->nodes[i], focus)) {
				fg = &D->dg[gi];
				break;
			}
		for (i = 0; fg == NULL && i < g->nvalues; i++)
			if (g->values[i]->kind != IR_VALUE_NODE &&
			    strcmp(g->values[i]->name, focus) == 0)
				fg = &D->dg[gi];
	}
	/* no node or tensor has the name: a name scope ("/layer1/layer1.0",
	 * what a box of a simplified picture stands for) */
	for (gi = 0; gi < D->ndg && fg == NULL; gi++) {
		struct ir_graph *g = D->dg[gi].g;

		for (i = 0; i < g->nnodes; i++)
			if (!g->nodes[i]->dead &&
			    in_scope(g->nodes[i], focus)) {
				fg = &D->dg[gi];
				scope = true;
				break;
			}
	}
	if (fg == NULL) {
		char esc[DIAG_ESCAPE_SIZE], near[512];

		D->status = ONNXFIX_EIO;
		focus_matches(D, focus, near, sizeof(near));
		diag_report(D->d, DIAG_OUT_RENDER, "",
		    "--focus: no node or tensor named '%s'%s%s",
		    diag_escape_str(esc, sizeof(esc), focus),
		    near[0] ? "; names that contain it: " : "", near);
		return -1;
	}
	queue = arena_array(a, fg->g->nnodes + 1, sizeof(*queue));
	dist = arena_array(a, fg->g->nnodes + 1, sizeof(*dist));
	keep_owner = arena_array(a, D->ndg + 1, sizeof(*keep_owner));
	if (queue == NULL || dist == NULL || keep_owner == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "focus");
	for (i = 0; i < fg->g->nnodes; i++) {
		struct ir_node *n = fg->g->nodes[i];

		dist[i] = SIZE_MAX;
		if (n->dead)
			continue;
		if (scope ? in_scope(n, focus) : names_focus(n, focus)) {
			dist[i] = 0;
			queue[qt++] = i;
			continue;
		}
		for (j = 0; j < n->ninputs; j++)
			if (n->inputs[j] != NULL &&
			    n->inputs[j]->kind != IR_VALUE_NODE &&
			    strcmp(n->inputs[j]->name, focus) == 0) {
				dist[i] = 0;
				queue[qt++] = i;
				break;
			}
	}
	while (qh < qt) {
		struct ir_node *n = fg->g->nodes[queue[qh]];
		size_t d0 = dist[queue[qh++]];

		if (d0 >= D->opt.radius)
			continue;
		for (j = 0; j < n->ninputs + n->noutputs; j++) {
			struct ir_value *v = j < n->ninputs ? n->inputs[j] :
			    n->outputs[j - n->ninputs];
			struct ir_node *p;

			if (v == NULL || v->graph != fg->g)
				continue;
			p = v->producer;
			if (j < n->ninputs && v->kind == IR_VALUE_NODE &&
			    p != NULL && !p->dead && dist[p->index] ==
			    SIZE_MAX) {
				dist[p->index] = d0 + 1;
				queue[qt++] = p->index;
			}
			if (j < n->ninputs)
				continue;
			for (k = 0; k < v->nuses; k++) {
				struct ir_node *c = v->uses[k].node;

				if (c->graph == fg->g && !c->dead &&
				    dist[c->index] == SIZE_MAX) {
					dist[c->index] = d0 + 1;
					queue[qt++] = c->index;
				}
			}
		}
	}
	for (i = 0; i < fg->g->nnodes; i++)
		if (dist[i] == SIZE_MAX && fg->hide[i] == SHOWN)
			fg->hide[i] = HIDE_FILTER;
	/* Graphs other than fg's: keep the owner chain above fg, hide every
	 * graph not below a kept node (those are not drawn at all). */
	{
		struct ir_graph *g = fg->g;

		while (g->kind == IR_GRAPH_SUB && g->owner != NULL) {
			struct dgraph *pg = dot_find_dgraph(D, g->owner->graph);

			if (pg == NULL)
				break;
			keep_owner[pg - D->dg] = true;
			for (i = 0; i < pg->g->nnodes; i++)
				if (pg->g->nodes[i] != g->owner &&
				    pg->hide[i] == SHOWN)
					pg->hide[i] = HIDE_FILTER;
			g = g->owner->graph;
		}
	}
	for (gi = 0; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];
		struct ir_graph *g = dg->g;
		struct dgraph *pg;

		if (dg == fg || keep_owner[gi])
			continue;
		if (g->kind == IR_GRAPH_SUB && g->owner != NULL &&
		    (pg = dot_find_dgraph(D, g->owner->graph)) != NULL &&
		    !g->owner->dead && pg->hide[g->owner->index] == SHOWN)
			continue;	/* below a kept node: drawn */
		for (i = 0; i < g->nnodes; i++)
			if (dg->hide[i] == SHOWN)
				dg->hide[i] = HIDE_FILTER;
	}
	return 0;
}

/* The scope (prefix of NAME of length LEN) in DG, made when absent. */
static int
scope_get(struct dot *D, struct dgraph *dg, const char *name, size_t len,
    int parent, size_t pos)
{
	struct scope *sc;
	char key[512];
	void *v;
	char *copy;

	/* The prefix names the scope (and so its parent too). */
	if (len >= sizeof(key))
		return -1;
	memcpy(key, name, len);
	key[len] = '\0';
	if ((v = hmap_get(&dg->scopemap, key)) != NULL)
		return (int)((uintptr_t)v - 1);
	if ((copy = arena_strndup(&D->ids.arena, name, len)) == NULL ||
	    hmap_put(&dg->scopemap, copy,
	    (void *)(uintptr_t)(dg->nscopes + 1), NULL) < 0 ||
	    arena_grow(&D->ids.arena, (void **)&dg->scopes, &dg->capscopes,
	    dg->nscopes + 1, sizeof(*dg->scopes)) < 0)
		return -2;
	sc = &dg->scopes[dg->nscopes];
	memset(sc, 0, sizeof(*sc));
	sc->name = name;
	sc->len = len;
	sc->parent = parent;
	sc->up = -1;
	sc->first = pos;
	sc->group = -1;
	sc->last = -1;
	return (int)dg->nscopes++;
}

/* Digits at the end of the scope's last component: "layer.3". */
static bool
scope_stem(const struct scope *sc, size_t *start, size_t *stem)
{
	size_t s = sc->len, e = sc->len;

	while (s > 0 && sc->name[s - 1] != '/')
		s--;
	while (e > s && sc->name[e - 1] >= '0' && sc->name[e - 1] <= '9')
		e--;
	*start = s;
	*stem = e;
	return e < sc->len && e > s;
}

/*
 * Name scopes of DG's drawn nodes, which ones become clusters, and with
 * --collapse the repeated ones: siblings whose last components differ
 * only in a trailing number ("layer.0" ... "layer.11") and whose nodes
 * have the same op types in the same order.  A group's first member is
 * drawn (labelled "x12"), the others' nodes are hidden and stand in by
 * the first member's node at the same position.
 */
static int
build_scopes(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	unsigned total = 0;
	size_t i, j;

	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		const char *nm = n->name;
		int parent = -1, depth = 0;
		size_t k;

		dg->scope[i] = -1;
		dg->gmember[i] = -1;
		if (n->dead || dg->hide[i] != SHOWN)
			continue;
		total++;
		if (nm == NULL)
			continue;
		for (k = 1; nm[k] != '\0' && depth < DOT_SCOPE_DEPTH; k++) {
			int s;

			if (nm[k] != '/' || nm[k - 1] == '/')
				continue;
			s = scope_get(D, dg, nm, k, parent, i);
			if (s == -2)
				return dot_fail(D, ONNXFIX_EBUDGET, "scopes");
			if (s < 0)
				break;
			dg->scopes[s].count++;
			dg->scopes[s].sig = dg->scopes[s].sig * 1000003u ^
			    XXH3_64bits(n->op_type, strlen(n->op_type));
			parent = s;
			depth++;
		}
		dg->scope[i] = parent;
	}
	for (i = 0; i < dg->nscopes; i++) {
		struct scope *sc = &dg->scopes[i];
		unsigned pc = sc->parent >= 0 ?
		    dg->scopes[sc->parent].count : total;

		sc->cluster = sc->count >= 2 && sc->count < pc;
		sc->up = sc->parent;
		while (sc->up >= 0 && !dg->scopes[sc->up].cluster)
			sc->up = dg->scopes[sc->up].parent;
	}
	if (!D->opt.collapse || dg->nscopes > 20000)
		return 0;
	/* Groups: quadratic in the siblings of one parent, bounded above. */
	for (i = 0; i < dg->nscopes; i++) {
		struct scope *a = &dg->scopes[i];
		size_t as, ae;

		if (!a->cluster || a->group >= 0 || !scope_stem(a, &as, &ae))
			continue;
		for (j = i + 1; j < dg->nscopes; j++) {
			struct scope *b = &dg->scopes[j];
			size_t bs, be;

			if (!b->cluster || b->group >= 0 || b->up != a->up ||
			    b->count != a->count || b->sig != a->sig ||
			    !scope_stem(b, &bs, &be) || ae - as != be - bs ||
			    memcmp(a->name + as, b->name + bs, ae - as) != 0)
				continue;
			if (a->group < 0) {
				a->group = (int)i;
				a->members = 1;
			}
			b->group = (int)i;
			a->members++;
			a->last = (int)j;
		}
		if (a->group >= 0 && (a->nodes = arena_array(&D->ids.arena,
		    a->count, sizeof(*a->nodes))) == NULL)
			return dot_fail(D, ONNXFIX_EBUDGET, "scopes");
	}
	/* Each node's outermost group member; positions within it. */
	for (i = 0; i < g->nnodes; i++) {
		int s = dg->scope[i], m = -1;
		struct scope *ms, *first;

		for (; s >= 0; s = dg->scopes[s].parent)
			if (dg->scopes[s].group >= 0)
				m = s;
		if (m < 0)
			continue;
		dg->gmember[i] = m;
		ms = &dg->scopes[m];
		first = &dg->scopes[ms->group];
		if (ms->nth >= first->count)
			continue;	/* cannot happen: counts are equal */
		if (ms == first) {
			first->nodes[ms->nth++] = i;
		} else {
			dg->rep[i] = first->nodes[ms->nth++];
			dg->hide[i] = HIDE_COLLAPSE;
			D->ncollapsed++;
		}
	}
	/* A stand-in can itself be in an inner collapsed group. */
	for (i = 0; i < g->nnodes; i++) {
		size_t r = i, steps = 0;

		if (dg->hide[i] != HIDE_COLLAPSE)
			continue;
		while (dg->hide[r] == HIDE_COLLAPSE && steps++ < 64)
			r = dg->rep[r];
		dg->rep[i] = r;
	}
	return 0;
}

/*
 * Over the node limit: keep the nodes nearest the main graph's inputs,
 * whole layers by hop distance (breadth first over producers and
 * consumers, from every node none of whose inputs a node makes), so the
 * picture is one connected region and not the first nodes in file
 * order; the rest are hidden like --focus hides them (an edge into the
 * kept region from a hidden node ends in a dashed stub), and so are the
 * subgraphs of hidden nodes.
 */
static int
select_limit(struct dot *D)
{
	struct dgraph *mg = &D->dg[0];
	struct ir_graph *g = mg->g;
	size_t shown = 0, gi, i, j, k, qh = 0, qt = 0, kept = 0;
	size_t *queue, *gweight, *weight;
	bool *seen, full = false;

	/* A node weighs 1 and what is drawn in its subgraphs: the graph
	 * list has owners before what they own, so backwards sums them. */
	gweight = arena_array(&D->ids.arena, D->ndg + 1, sizeof(*gweight));
	weight = arena_array(&D->ids.arena, g->nnodes + 1, sizeof(*weight));
	queue = arena_array(&D->ids.arena, g->nnodes + 1, sizeof(*queue));
	seen = arena_array(&D->ids.arena, g->nnodes + 1, sizeof(*seen));
	if (gweight == NULL || weight == NULL || queue == NULL ||
	    seen == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "node limit");
	for (gi = D->ndg; gi-- > 0;) {
		struct dgraph *dg = &D->dg[gi], *pg;
		struct ir_graph *sg = dg->g;

		for (i = 0; i < sg->nnodes; i++)
			if (dg->hide[i] == SHOWN && !sg->nodes[i]->dead)
				gweight[gi]++;
		if (gi > 0 && sg->kind == IR_GRAPH_SUB && sg->owner != NULL &&
		    (pg = dot_find_dgraph(D, sg->owner->graph)) != NULL) {
			if (pg == mg)
				weight[sg->owner->index] += gweight[gi];
			else
				gweight[pg - D->dg] += gweight[gi];
		}
	}
	shown = gweight[0];
	for (i = 0; i < g->nnodes; i++)
		shown += weight[i];
	D->nshown = shown;
	if (shown <= D->max_ops)
		return 0;
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		bool source = true;

		if (n->dead || mg->hide[i] != SHOWN)
			continue;
		for (j = 0; j < n->ninputs && source; j++)
			source = n->inputs[j] == NULL ||
			    n->inputs[j]->kind != IR_VALUE_NODE;
		if (source) {
			seen[i] = true;
			queue[qt++] = i;
		}
	}
	for (;;) {
		while (qh < qt) {
			struct ir_node *n = g->nodes[queue[qh++]];

			for (j = 0; j < n->ninputs + n->noutputs; j++) {
				struct ir_value *v = j < n->ninputs ?
				    n->inputs[j] : n->outputs[j - n->ninputs];
				struct ir_node *p;

				if (v == NULL || v->graph != g)
					continue;
				p = v->producer;
				if (j < n->ninputs) {
					if (v->kind == IR_VALUE_NODE &&
					    p != NULL && !p->dead &&
					    p->index < g->nnodes &&
					    g->nodes[p->index] == p &&
					    !seen[p->index] &&
					    mg->hide[p->index] == SHOWN) {
						seen[p->index] = true;
						queue[qt++] = p->index;
					}
					continue;
				}
				for (k = 0; k < v->nuses; k++) {
					struct ir_node *c = v->uses[k].node;

					if (c->graph == g && !c->dead &&
					    !seen[c->index] &&
					    mg->hide[c->index] == SHOWN) {
						seen[c->index] = true;
						queue[qt++] = c->index;
					}
				}
			}
		}
		/* what no source reaches (a cycle), in file order */
		for (i = 0; i < g->nnodes; i++)
			if (!seen[i] && !g->nodes[i]->dead &&
			    mg->hide[i] == SHOWN)
				break;
		if (i == g->nnodes)
			break;
		seen[i] = true;
		queue[qt++] = i;
	}
	/* keep by distance until one does not fit: the rest are cut; a
	 * node whose subgraphs do not fit whole is kept, and its subgraphs
	 * get what is left of the limit, in their own order */
	for (i = 0; i < qt; i++) {
		size_t w = 1 + weight[queue[i]];

		if (!full && kept + w <= D->max_ops) {
			kept += w;
			continue;
		}
		if (!full && kept + 1 <= D->max_ops) {
			kept++;
			full = true;
			continue;
		}
		full = true;
		mg->hide[queue[i]] = HIDE_LIMIT;
		D->ncut += w;
		D->skip_ops += w;
		dot_tally_add(D, g->nodes[queue[i]]);
	}
	/* subgraphs of hidden nodes are not drawn either */
	for (gi = 1; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi], *pg;
		struct ir_graph *sg = dg->g;

		if (sg->kind != IR_GRAPH_SUB || sg->owner == NULL ||
		    (pg = dot_find_dgraph(D, sg->owner->graph)) == NULL ||
		    (!sg->owner->dead && pg->hide[sg->owner->index] == SHOWN))
			continue;
		for (i = 0; i < sg->nnodes; i++)
			if (dg->hide[i] == SHOWN && !sg->nodes[i]->dead) {
				dg->hide[i] = HIDE_LIMIT;
				dot_tally_add(D, sg->nodes[i]);
			}
	}
	return 0;
}

/* Hide what the options leave out, before anything is drawn. */
int
dot_select_nodes(struct dot *D)
{
	size_t gi, i;

	for (gi = 0; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];
		struct ir_graph *g = dg->g;

		for (i = 0; i < g->nnodes; i++) {
			struct ir_node *n = g->nodes[i];

			dg->rep[i] = i;
			if (n->dead)
				continue;
			if (const_folded(n)) {
				dg->hide[i] = HIDE_FOLD;
				D->nfolded++;
			} else if (D->opt.ops != NULL &&
			    !in_list(D->opt.ops, n->op_type)) {
				dg->hide[i] = HIDE_FILTER;
			}
		}
	}
	if (D->opt.focus != NULL && select_focus(D) < 0)
		return -1;
	return 0;
}

/* The node limit and the scopes, after the representation is chosen. */
int
dot_select_finish(struct dot *D)
{
	size_t gi, i;

	/* --collapse draws repeated blocks once, which is its own answer
	 * to a large graph; the limit then counts what is drawn */
	if (D->ndg > 0 && !D->opt.collapse && select_limit(D) < 0)
		return -1;
	for (gi = 0; gi < D->ndg; gi++) {
		struct dgraph *dg = &D->dg[gi];

		for (i = 0; i < dg->g->nnodes; i++)
			if (dg->hide[i] == HIDE_FILTER)
				D->nfiltered++;
		if (!D->opt.no_scopes && build_scopes(D, dg) < 0)
			return -1;
	}
	return 0;
}
