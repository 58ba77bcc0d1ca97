/* SPDX-License-Identifier: MIT */
/*
 * IR to Graphviz: onnxfix_dot() draws a model as DOT, SVG or PNG.  The
 * files of src/view/dot*.c are the only ones that include cgraph (their
 * parts: dot_int.h).  Graph objects get synthetic names (n0, in0, out0,
 * init0, undef0, cluster_0, more0), never model names, and every piece of
 * model text that reaches a label passes through dot_lab_text() or its
 * kin (dot_label.c), so the output is plain ASCII whatever the model
 * holds.  This file walks the graphs and draws them: subgraphs (If/Loop/
 * Scan bodies) and function bodies become clusters, built from the
 * breadth-first graph list without recursion; op nodes, value nodes,
 * edges with names and types, and in a before/after drawing the removed
 * nodes as ghosts with the edges they had.
 *
 *	(x float[1,3,16,16]) --> [Conv / conv1 / W float[8,3,3,3]]
 *	    --y float[1,8,16,16]--> [Relu / relu1] --> (out float[...])
 * (an input, an op with a folded initializer, an edge label, an output)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>


#include "view/dot_int.h"

/* The cluster a node goes in; made with its enclosing ones on first use. */
static Agraph_t *
scope_ag(struct dot *D, struct dgraph *dg, int s)
{
	struct scope *sc;
	struct label l = { .n = 0 }, tip = { .n = 0 };
	Agraph_t *parent;
	size_t from;

	if (s < 0)
		return dg->ag;
	sc = &dg->scopes[s];
	if (sc->ag != NULL)
		return sc->ag;
	if ((parent = scope_ag(D, dg, sc->up)) == NULL)
		return NULL;
	if ((sc->ag = dot_mkcluster(D, parent, NULL)) == NULL)
		return NULL;
	from = sc->up >= 0 ? dg->scopes[sc->up].len + 1 : 0;
	if (from < sc->len && sc->name[from] == '/')
		from++;
	dot_lab_span(&l, sc->name + from, sc->len - from, DOT_NAME_SHORT);
	dot_lab_bytes(&tip, sc->name, sc->len < DIAG_NAME_MAX ? sc->len :
	    DIAG_NAME_MAX);
	if (sc->group == s && sc->last >= 0) {
		const struct scope *z = &dg->scopes[sc->last];
		size_t zs = z->len;

		while (zs > 0 && z->name[zs - 1] != '/')
			zs--;
		dot_lab_lit(&l, " .. ");
		dot_lab_span(&l, z->name + zs, z->len - zs, DOT_NAME_SHORT);
		dot_lab_lit(&l, "  x");
		dot_lab_num(&l, sc->members);
	}
	if (dot_set(D, sc->ag, D->g_label, l.s) < 0 ||
	    dot_set(D, sc->ag, D->g_tooltip, tip.s) < 0 ||
	    dot_set(D, sc->ag, D->g_style, sc->group == s ? "rounded,bold" :
	    "rounded") < 0 ||
	    dot_set(D, sc->ag, D->g_color, sc->group == s ? CTRL_BORDER :
	    SCOPE_BORDER) < 0 ||
	    dot_set(D, sc->ag, D->g_fontsize, "9") < 0 ||
	    dot_set(D, sc->ag, D->g_labeljust, "l") < 0)
		return NULL;
	return sc->ag;
}

/* Each line of TEXT (model text) as a label line of its own. */
static void
lab_lines(struct label *l, const char *text)
{
	const char *p = text, *e;

	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		dot_lab_lit(l, "\\n");
		dot_lab_span(l, p, (size_t)(e - p), 2 * DOT_NAME_SHORT);
		p = *e != '\0' ? e + 1 : e;
	}
}

/* Op types of box B's members, most frequent first: "3 Conv, 2 Add". */
static void
box_ops(const struct dgraph *dg, const struct dbox *b, size_t pos,
    struct label *l)
{
	struct tally t[DOT_SUMMARY_OPS * 2], tmp;
	size_t i, j, nt = 0, more = 0;

	for (i = b->first; i <= b->last && i < dg->g->nnodes; i++) {
		const char *op = dg->g->nodes[i]->op_type;

		if (i != pos && (dg->hide[i] != HIDE_COLLAPSE ||
		    dg->rep[i] != pos))
			continue;
		if (op == NULL)
			op = "";
		for (j = 0; j < nt && strcmp(t[j].op, op) != 0; j++)
			;
		if (j < nt) {
			t[j].n++;
		} else if (nt < sizeof(t) / sizeof(t[0])) {
			t[nt].op = op;
			t[nt++].n = 1;
		} else {
			more++;
		}
	}
	for (i = 1; i < nt; i++)
		for (j = i; j > 0 && t[j].n > t[j - 1].n; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	for (i = 0; i < nt; i++) {
		if (i >= 6) {
			dot_lab_lit(l, ", ...");
			break;
		}
		if (i > 0)
			dot_lab_lit(l, i % 3 == 0 ? ",\\n" : ", ");
		dot_lab_num(l, (long long)t[i].n);
		dot_lab_lit(l, " ");
		dot_lab_text(l, t[i].op, DOT_NAME_SHORT / 2);
	}
	(void)more;
}

/*
 * In a page's drawing (-T html), make AN (a box, or an owner of bodies
 * not drawn) open the picture of NAME (LEN bytes) in place: NAME joins
 * the page's list (once) and AN gets the id "x-K", K its place there.
 */
static int
page_opener(struct dot *D, Agnode_t *an, const char *name, size_t len)
{
	struct dot *R = D->opens_of != NULL ? D->opens_of : D;
	char id[32];
	size_t k;

	for (k = 0; k < R->nopens; k++)
		if (strlen(R->opens[k]) == len &&
		    memcmp(R->opens[k], name, len) == 0)
			break;
	if (k == R->nopens) {
		if (R->nopens == R->capopens) {
			size_t cap = R->capopens ? 2 * R->capopens : 16;
			const char **no = arena_array(&R->ids.arena, cap,
			    sizeof(*no));

			if (no == NULL)
				return dot_fail(D, ONNXFIX_EBUDGET, "page");
			if (R->nopens > 0)
				memcpy(no, R->opens, R->nopens * sizeof(*no));
			R->opens = no;
			R->capopens = cap;
		}
		if ((R->opens[k] = arena_strndup(&R->ids.arena, name, len)) ==
		    NULL)
			return dot_fail(D, ONNXFIX_EBUDGET, "page");
		R->nopens++;
	}
	if (D->n_id == NULL &&
	    (D->n_id = gvf.agattr(D->root, AGNODE, "id", "")) == NULL)
		return dot_fail(D, ONNXFIX_EIO, "cannot declare id");
	snprintf(id, sizeof(id), "x-%zu", k);
	return dot_set(D, an, D->n_id, id);
}

/*
 * A name scope drawn as one box (dot_size.c) by its first member AN:
 * the scope's name below the enclosing cluster (FROM), how many nodes of
 * which operators, and in the tooltip how to draw them.
 */
static int
draw_box(struct dot *D, struct dgraph *dg, size_t pos, Agnode_t *an,
    size_t from)
{
	const struct dbox *b = &dg->boxes[dg->box[pos]];
	struct label l = { .n = 0 }, tip = { .n = 0 };

	if (from > b->len)
		from = 0;
	if (from < b->len && b->name[from] == '/')
		from++;
	dot_lab_span(&l, b->name + from, b->len - from, DOT_NAME_SHORT);
	dot_lab_lit(&l, "\\n");
	dot_lab_num(&l, (long long)b->count);
	dot_lab_lit(&l, " nodes: ");
	box_ops(dg, b, pos, &l);
	dot_lab_bytes(&tip, b->name, b->len < DIAG_NAME_MAX ? b->len :
	    DIAG_NAME_MAX);
	dot_lab_lit(&tip, "\\n");
	dot_lab_num(&tip, (long long)b->count);
	dot_lab_lit(&tip, " nodes drawn as one box; onnxfix dot --focus ");
	dot_lab_bytes(&tip, b->name, b->len < DIAG_NAME_MAX ? b->len :
	    DIAG_NAME_MAX);
	dot_lab_lit(&tip, " draws them");
	if (dot_node_look(D, an, "box3d", "filled", BOX_FILL, OP_BORDER,
	    NULL) < 0 || dot_set(D, an, D->n_label, l.s) < 0 ||
	    dot_set(D, an, D->n_tooltip, tip.s) < 0)
		return -1;
	return D->page ? page_opener(D, an, b->name, b->len) : 0;
}

/* Is a body of N not drawn for its size? */
static bool
hides_body(const struct dot *D, const struct ir_node *n)
{
	struct ir_graph *subs[8];
	size_t k, ns = ir_node_subgraphs(n, subs, 8);

	for (k = 0; k < ns && k < 8; k++) {
		const struct dgraph *sd = dot_find_dgraph(D, subs[k]);

		if (sd != NULL && sd->body_hidden)
			return true;
	}
	return false;
}

/* "then_branch: 12 nodes" for each body of N not drawn for its size. */
static void
body_lines(const struct dot *D, const struct ir_node *n, struct label *l)
{
	struct ir_graph *subs[8];
	size_t k, i, ns = ir_node_subgraphs(n, subs, 8);

	for (k = 0; k < ns && k < 8; k++) {
		const struct dgraph *sd = dot_find_dgraph(D, subs[k]);
		const char *an = NULL;

		if (sd == NULL || !sd->body_hidden)
			continue;
		for (i = 0; i < n->nattrs; i++)
			if (n->attrs[i].g == subs[k])
				an = n->attrs[i].name;
		dot_lab_lit(l, "\\n[");
		dot_lab_text(l, an != NULL ? an : "body", DOT_NAME_SHORT / 2);
		dot_lab_lit(l, ": ");
		dot_lab_num(l, (long long)subs[k]->nnodes);
		dot_lab_lit(l, " nodes]");
	}
}

static int
draw_op(struct dot *D, struct dgraph *dg, size_t pos)
{
	struct ir_node *n = dg->g->nodes[pos];
	struct label l = { .n = 0 }, tip = { .n = 0 };
	struct dot_style st;
	Agraph_t *where;
	Agnode_t *an;
	size_t i, nfold = 0, from = 0;
	int s = dg->scope[pos];

	if (dg->hide[pos] != SHOWN)
		return 0;
	if (D->nop >= D->max_ops) {
		D->skip_ops++;
		dot_tally_add(D, n);
		return 0;
	}
	/* The nearest scope that is a cluster holds the node; its label
	 * then shows the name below that scope. */
	while (s >= 0 && !dg->scopes[s].cluster)
		s = dg->scopes[s].parent;
	if ((where = scope_ag(D, dg, s)) == NULL)
		return -1;
	if (s >= 0)
		from = dg->scopes[s].len + 1;
	if ((an = dot_mknode_in(D, dg, where, "n", D->nop++)) == NULL)
		return -1;
	dg->opnode[pos] = an;
	if (dg->box != NULL && dg->box[pos] >= 0)
		return draw_box(D, dg, pos, an, from);
	if (D->opt.diff && !dot_was_before(D, n)) {
		dot_lab_lit(&l, "+ ");
		D->nnew++;
	} else if (D->opt.diff && (n->dirty ||
	    dot_changed_text(D, n) != NULL)) {
		dot_lab_lit(&l, "~ ");
		D->nchanged++;
	}
	if (!ir_domain_is_onnx(n->domain)) {
		dot_lab_text(&l, n->domain, DOT_NAME_SHORT);
		dot_lab_lit(&l, "::");
	}
	if (n->op_type == NULL || n->op_type[0] == '\0')
		dot_lab_lit(&l, "(no op_type)");
	else
		dot_lab_text(&l, n->op_type, DOT_NAME_SHORT);
	dot_lab_attrs(&l, n);
	if (n->name != NULL && n->name[0] != '\0') {
		const char *shown = strlen(n->name) > from ? n->name + from :
		    n->name;

		size_t len, ol = n->op_type != NULL ? strlen(n->op_type) : 0;

		/* "/a/b/Conv" in scope /a/b is just Conv, and "conv1/Conv"
		 * is conv1: the op type is said once. */
		shown += shown[0] == '/';
		len = strlen(shown);
		if (ol > 0 && len > ol && shown[len - ol - 1] == '/' &&
		    strcasecmp(shown + len - ol, n->op_type) == 0)
			len -= ol + 1;
		if (ol == 0 || len != ol ||
		    strncasecmp(shown, n->op_type, ol) != 0) {
			dot_lab_lit(&l, "\\n");
			dot_lab_span(&l, shown, len, DOT_NAME_SHORT);
		}
		dot_lab_text(&tip, n->name, DIAG_NAME_MAX);
	}
	if (ir_is_op(n, "Transpose")) {
		const struct ir_attr *perm = ir_node_attr(n, "perm");

		if (perm != NULL && perm->type == IR_ATTR_INTS) {
			dot_lab_lit(&l, "\\nperm ");
			for (i = 0; i < perm->n && i < DOT_MAX_DIMS; i++) {
				if (i > 0)
					dot_lab_lit(&l, ",");
				dot_lab_num(&l, perm->ints[i]);
			}
			if (perm->n > DOT_MAX_DIMS)
				dot_lab_lit(&l, ",...");
		}
	}
	for (i = 0; i < n->ninputs; i++) {
		struct ir_value *v = n->inputs[i];

		if (v == NULL || !dot_folded(D, v))
			continue;
		if (nfold++ >= DOT_FOLD_LINES)
			continue;
		dot_lab_lit(&l, "\\n");
		dot_lab_fold(&l, v, dot_const_source(v), dot_slot_name(n, i));
	}
	if (nfold > DOT_FOLD_LINES) {
		dot_lab_lit(&l, "\\n(+");
		dot_lab_num(&l, (long long)(nfold - DOT_FOLD_LINES));
		dot_lab_lit(&l, " more)");
	}
	body_lines(D, n, &l);
	if (D->opt.diff && dot_changed_text(D, n) != NULL) {
		/* a diff picture: the attribute and input changes, which
		 * are escaped text of the diff already */
		lab_lines(&l, dot_changed_text(D, n));
		dot_lab_lit(&tip, "\\nchanged:");
		lab_lines(&tip, dot_changed_text(D, n));
	}
	dot_tip_node(&tip, n);
	dot_mark_label(D, n, &l, &tip);
	if (D->page && hides_body(D, n)) {
		/* --focus finds it by its name, else by its first output's */
		const char *key = n->name != NULL && n->name[0] != '\0' ?
		    n->name : n->noutputs > 0 && n->outputs[0] != NULL ?
		    n->outputs[0]->name : NULL;

		if (key != NULL && page_opener(D, an, key,
		    strlen(key)) < 0)
			return -1;
	}
	if (ir_is_op(n, "Transpose") && dot_mark_class(D, n) >= 0)
		D->classes[dot_mark_class(D, n)] = true;
	if (dot_set(D, an, D->n_label, l.s) < 0 ||
	    (tip.n > 0 && dot_set(D, an, D->n_tooltip, tip.s) < 0))
		return -1;
	dot_op_style(D, n, &st);
	if (st.fill != NULL && strcmp(st.fill,
	    dot_category_fill(dot_op_category(n))) == 0)
		D->cats[dot_op_category(n)] = true;
	if ((st.fill != NULL && dot_set(D, an, D->n_fill, st.fill) < 0) ||
	    (st.border != NULL && dot_set(D, an, D->n_color, st.border) < 0) ||
	    (st.penwidth != NULL &&
	    dot_set(D, an, D->n_penwidth, st.penwidth) < 0))
		return -1;
	return 0;
}

/* NAME and, when known, TYPE on a second line; a tooltip when cut. */
static int
label_value(struct dot *D, Agnode_t *an, const char *name,
    const struct ir_type *t, const char *extra)
{
	struct label l = { .n = 0 }, tip = { .n = 0 };

	if (dot_lab_text(&l, name, DOT_NAME_SHORT))
		dot_lab_text(&tip, name, DIAG_NAME_MAX);
	if (t != NULL && dot_type_known(t)) {
		dot_lab_lit(&l, "\\n");
		dot_lab_type(&l, t);
	}
	if (extra != NULL)
		dot_lab_lit(&l, extra);
	if (dot_set(D, an, D->n_label, l.s) < 0 ||
	    (tip.n > 0 && dot_set(D, an, D->n_tooltip, tip.s) < 0))
		return -1;
	return 0;
}

/*
 * Does V get a node in VG now?  Not when it has one, or was left out:
 * past DOT_MAX_VALUES value nodes it is, once and for good (counted).
 */
static bool
value_slot(struct dot *D, struct dgraph *vg, const struct ir_value *v)
{
	if (vg->vnode[v->id] != NULL || vg->vskip[v->id])
		return false;
	if (D->nvalues >= DOT_MAX_VALUES) {
		vg->vskip[v->id] = true;
		D->skip_values++;
		return false;
	}
	D->nvalues++;
	return true;
}

static bool
type_eq(const struct ir_type *x, const struct ir_type *y)
{
	int i;

	if (x->kind != y->kind || x->elem != y->elem || x->rank != y->rank)
		return false;
	for (i = 0; i < x->rank && x->dims != NULL && y->dims != NULL; i++) {
		const struct ir_dim *a = &x->dims[i], *b = &y->dims[i];

		if (a->kind != b->kind ||
		    (a->kind == IR_DIM_VALUE && a->value != b->value) ||
		    (a->kind == IR_DIM_PARAM && strcmp(a->param ? a->param :
		    "", b->param ? b->param : "") != 0))
			return false;
	}
	return true;
}

/* Does the other model of a diff picture lack the input or output NAME,
 * or give it another type than T? */
static bool
interface_differs(const struct dot *D, const char *name,
    const struct ir_type *t, bool input)
{
	const struct ir_graph *a = D->opt.interface_a;
	const struct ir_vinfo *v = input ? a->inputs : a->outputs;
	size_t i, n = input ? a->ninputs : a->noutputs;

	for (i = 0; i < n; i++)
		if (v[i].name != NULL && name != NULL &&
		    strcmp(v[i].name, name) == 0)
			return !type_eq(&v[i].type, t);
	return true;
}

/* Did the rewrites change graph input V's type (fix --inputs-layout), or
 * does the other model of a diff picture have it otherwise? */
static bool
input_changed(const struct dot *D, const struct ir_graph *g,
    const struct ir_value *v)
{
	size_t i;

	if (D->opt.interface_a != NULL && g == D->m->graph) {
		for (i = 0; i < g->ninputs; i++)
			if (g->inputs[i].value == v)
				return interface_differs(D, g->inputs[i].name,
				    &g->inputs[i].type, true);
		return false;
	}
	if (v->type.dirty)
		return true;
	for (i = 0; i < g->ninputs; i++)
		if (g->inputs[i].value == v && g->inputs[i].type.dirty)
			return true;
	return false;
}

/* The node standing for input, initializer or undefined value V. */
static Agnode_t *
value_node(struct dot *D, struct dgraph *vg, struct ir_value *v)
{
	Agnode_t *an;
	int rc;

	if (!value_slot(D, vg, v))
		return vg->vnode[v->id];
	switch (v->kind) {
	case IR_VALUE_INPUT: {
		bool changed = D->opt.diff && input_changed(D, vg->g, v);

		if ((an = dot_mknode(D, vg, "in", D->nin++)) == NULL)
			return NULL;
		rc = dot_node_look(D, an, "ellipse", "filled", IN_FILL,
		    changed ? CHANGED_BORDER : IN_BORDER, NULL);
		if (rc == 0 && changed) {
			rc = dot_set(D, an, D->n_penwidth, "3");
			D->nchanged++;
		}
		if (rc == 0)
			rc = label_value(D, an, v->name, &v->type, changed ?
			    "\\n(changed)" : NULL);
		break;
	}
	case IR_VALUE_INITIALIZER:
		if ((an = dot_mknode(D, vg, "init", D->ninit++)) == NULL)
			return NULL;
		rc = dot_node_look(D, an, "note", "filled", INIT_FILL,
		    INIT_BORDER, "8");
		if (rc == 0) {
			struct label l = { .n = 0 }, tip = { .n = 0 };

			if (dot_lab_text(&l, v->name, DOT_NAME_SHORT))
				dot_lab_text(&tip, v->name, DIAG_NAME_MAX);
			dot_lab_lit(&l, "\\n");
			dot_lab_init_type(&l, v);
			rc = dot_set(D, an, D->n_label, l.s);
			if (rc == 0 && tip.n > 0)
				rc = dot_set(D, an, D->n_tooltip, tip.s);
		}
		break;
	case IR_VALUE_UNDEFINED:
	default:
		if ((an = dot_mknode(D, vg, "undef", D->nundef++)) == NULL)
			return NULL;
		rc = dot_node_look(D, an, "ellipse", "dashed", "white",
		    UNDEF_BORDER, "8");
		if (rc == 0)
			rc = label_value(D, an, v->name, NULL,
			    "\\n(undefined)");
		break;
	}
	if (rc < 0)
		return NULL;
	vg->vnode[v->id] = an;
	return an;
}

/* The ghost of removed node N (before/after), NULL when not drawn. */
static Agnode_t *
ghost_of(const struct dot *D, const struct ir_node *n)
{
	size_t i;

	for (i = 0; i < D->nghosts; i++)
		if (D->ghosts[i].node == (uintptr_t)n)
			return D->ghosts[i].an;
	return NULL;
}

/* A small dashed node naming V, whose producer is not drawn (--focus). */
static Agnode_t *
stub_node(struct dot *D, struct dgraph *vg, struct ir_value *v)
{
	Agnode_t *an;

	if (!value_slot(D, vg, v))
		return vg->vnode[v->id];
	if ((an = dot_mknode(D, vg, "stub", D->nundef++)) == NULL ||
	    dot_node_look(D, an, "ellipse", "dashed", "white", GHOST_COLOR,
	    "8") < 0 || label_value(D, an, v->name, &v->type, NULL) < 0)
		return NULL;
	vg->vnode[v->id] = an;
	return an;
}

/* A stub naming V for one long edge (dot_size.c cut it); NULL past the
 * value limit. */
static Agnode_t *
jump_node(struct dot *D, struct dgraph *dg, const struct ir_value *v)
{
	struct label l = { .n = 0 }, tip = { .n = 0 };
	Agnode_t *an;

	if (D->nvalues >= DOT_MAX_VALUES) {
		D->skip_values++;
		return NULL;
	}
	D->nvalues++;
	if ((an = dot_mknode(D, dg, "jump", (unsigned)D->njumps++)) == NULL)
		return NULL;
	dot_lab_text(&l, v->name, DOT_NAME_SHORT);
	dot_lab_text(&tip, v->name, DIAG_NAME_MAX);
	dot_lab_lit(&tip, "\\nfrom ");
	if (v->kind == IR_VALUE_INPUT)
		dot_lab_lit(&tip, "the graph input");
	else if (v->producer != NULL && v->producer->name != NULL)
		dot_lab_text(&tip, v->producer->name, DIAG_NAME_MAX);
	dot_lab_lit(&tip, " (a long edge, cut to keep the layout small)");
	if (dot_node_look(D, an, "ellipse", "dashed", "white", GHOST_COLOR,
	    "8") < 0 || dot_set(D, an, D->n_label, l.s) < 0 ||
	    dot_set(D, an, D->n_tooltip, tip.s) < 0)
		return NULL;
	return an;
}

static int
edge_style(struct dot *D, Agedge_t *e, const char *style, const char *color)
{
	if ((style != NULL && dot_set(D, e, D->e_style, style) < 0) ||
	    (color != NULL && dot_set(D, e, D->e_color, color) < 0))
		return -1;
	return 0;
}

/*
 * --ops: edges from the nearest drawn nodes (and graph inputs) above
 * hidden node PI to HEAD, found by a bounded backward search through
 * hidden nodes, drawn dashed ("through nodes not drawn").
 */
static int
ancestors(struct dot *D, struct dgraph *vg, size_t pi, Agnode_t *head)
{
	struct ir_graph *g = vg->g;
	size_t qh = 0, qt = 0, work = 0, j;

	if (vg->seen == NULL) {
		vg->seen = arena_array(&D->ids.arena, g->nnodes + 1,
		    sizeof(*vg->seen));
		vg->queue = arena_array(&D->ids.arena, g->nnodes + 1,
		    sizeof(*vg->queue));
		if (vg->seen == NULL || vg->queue == NULL)
			return dot_fail(D, ONNXFIX_EBUDGET, "edge search");
	}
	vg->stamp++;
	vg->seen[pi] = vg->stamp;
	vg->queue[qt++] = pi;
	while (qh < qt && work++ < 4096) {
		struct ir_node *n = g->nodes[vg->queue[qh++]];

		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];
			struct ir_node *p;
			Agnode_t *tail = NULL;
			Agedge_t *e;

			if (v == NULL || v->graph != g)
				continue;
			p = v->producer;
			if (v->kind == IR_VALUE_INPUT) {
				tail = value_node(D, vg, v);
			} else if (v->kind == IR_VALUE_NODE && p != NULL &&
			    !p->dead && p->index < g->nnodes &&
			    g->nodes[p->index] == p &&
			    vg->seen[p->index] != vg->stamp) {
				vg->seen[p->index] = vg->stamp;
				if (vg->hide[p->index] == SHOWN)
					tail = vg->opnode[p->index];
				else if (vg->hide[p->index] == HIDE_FILTER)
					vg->queue[qt++] = p->index;
			}
			if (D->status != ONNXFIX_OK)
				return -1;
			if (tail == NULL ||
			    gvf.agedge(D->root, tail, head, NULL, 0) != NULL)
				continue;
			if ((e = dot_mkedge(D, tail, head)) == NULL) {
				if (D->status != ONNXFIX_OK)
					return -1;
				continue;
			}
			if (edge_style(D, e, "dashed", NULL) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * Exporters name tensors after their producer: "/c1/Conv_output_0" is
 * output 0 of node "/c1/Conv".  Such a name is left off the edge label.
 */
static bool
generated_name(const struct ir_value *v)
{
	const struct ir_node *p = v->producer;
	const char *r;
	size_t n;

	if (v->kind != IR_VALUE_NODE || p == NULL || p->name == NULL ||
	    (n = strlen(p->name)) == 0 || strncmp(v->name, p->name, n) != 0)
		return false;
	r = v->name + n;
	if (strncmp(r, "_output_", 8) != 0 || r[8] == '\0')
		return false;
	for (r += 8; *r != '\0'; r++)
		if (*r < '0' || *r > '9')
			return false;
	return true;
}

/*
 * The edge carrying V into HEAD: the op node at HPOS of HG (SIZE_MAX for
 * an output or a ghost).  Its tail is V's input, initializer or
 * undefined-value node, or the node that makes V: drawn, its stand-in in
 * a collapsed block, a ghost, a stub (--focus) or, with --ops, the drawn
 * nodes above it.  Edges inside a collapsed group are not drawn; an edge
 * moved to a stand-in is drawn once.
 */
static int
edge_in(struct dot *D, struct dgraph *hg, struct ir_value *v, Agnode_t *head,
    size_t hpos, bool ghost, bool want_label)
{
	struct label l = { .n = 0 }, tip = { .n = 0 };
	struct dgraph *vg = dot_find_dgraph(D, v->graph);
	struct ir_node *p = v->producer;
	bool outer = v->graph != hg->g, named = false;
	bool remap = hpos != SIZE_MAX && hg->hide[hpos] == HIDE_COLLAPSE;
	const char *style = outer || ghost ? "dashed" : NULL;
	Agnode_t *tail = NULL;
	Agedge_t *e;

	if (vg == NULL || vg->ag == NULL || v->id >= vg->g->nvalues ||
	    vg->g->values[v->id] != v)
		return 0;
	if (v->kind != IR_VALUE_NODE) {
		if (v->kind == IR_VALUE_UNDEFINED && ghost)
			return 0;	/* a removed initializer */
		tail = value_node(D, vg, v);
	} else if (p == NULL) {
		return 0;
	} else if (p->dead) {
		tail = ghost_of(D, p);
		named = true;
	} else if (p->graph != vg->g || p->index >= vg->g->nnodes ||
	    vg->g->nodes[p->index] != p) {
		return 0;
	} else {
		size_t pi = p->index;
		int pm = vg->gmember[pi], hm = hpos != SIZE_MAX ?
		    hg->gmember[hpos] : -1;

		named = true;
		if (!outer && pm >= 0 && hm >= 0 &&
		    vg->scopes[pm].group == vg->scopes[hm].group &&
		    (pm != hm || remap))
			return 0;
		switch (vg->hide[pi]) {
		case SHOWN:
			tail = vg->opnode[pi];
			break;
		case HIDE_COLLAPSE:
			tail = vg->opnode[vg->rep[pi]];
			remap = true;
			break;
		case HIDE_FILTER:
			if (D->opt.ops != NULL)
				return ancestors(D, vg, pi, head);
			tail = stub_node(D, vg, v);
			named = false;
			break;
		case HIDE_LIMIT:
			tail = stub_node(D, vg, v);
			named = false;
			break;
		default:
			return 0;
		}
	}
	if (D->status != ONNXFIX_OK)
		return -1;
	if (tail == NULL || tail == head ||
	    (remap && gvf.agedge(D->root, tail, head, NULL, 0) != NULL))
		return 0;
	if (D->span > 0 && vg == hg && vg->rank != NULL && hpos != SIZE_MAX &&
	    (v->kind == IR_VALUE_INPUT || v->kind == IR_VALUE_NODE) &&
	    vg->rank[hpos] + (v->kind == IR_VALUE_INPUT) >
	    (v->kind == IR_VALUE_INPUT ? 0 : vg->rank[p->index]) + D->span) {
		/* a long edge costs the layout a node per rank: a stub
		 * naming the value stands above its consumer instead */
		if ((tail = jump_node(D, hg, v)) == NULL)
			return D->status == ONNXFIX_OK ? 0 : -1;
		style = "dashed";
	}
	if ((e = dot_mkedge(D, tail, head)) == NULL)
		return D->status == ONNXFIX_OK ? 0 : -1;
	if (edge_style(D, e, style, ghost ? GHOST_COLOR : NULL) < 0)
		return -1;
	if (!named || !want_label)
		return 0;
	if (generated_name(v)) {
		/* The name says nothing the picture does not: tooltip only. */
		dot_lab_text(&tip, v->name, DIAG_NAME_MAX);
	} else if (dot_lab_text(&l, v->name, DOT_NAME_SHORT)) {
		dot_lab_text(&tip, v->name, DIAG_NAME_MAX);
	}
	if (dot_type_known(&v->type)) {
		if (l.n > 0)
			dot_lab_lit(&l, "\\n");
		dot_lab_type(&l, &v->type);
	}
	if (dot_set(D, e, D->e_label, l.s) < 0 ||
	    (tip.n > 0 && dot_set(D, e, D->e_tooltip, tip.s) < 0))
		return -1;
	return 0;
}

static int
draw_output(struct dot *D, struct dgraph *dg, const struct ir_vinfo *vi)
{
	const struct ir_type *t = &vi->type;
	const struct ir_value *v = vi->value;
	Agnode_t *an;
	bool changed;

	/* With --focus or --ops, outputs of nodes not drawn are left out. */
	if (v != NULL && v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    v->graph == dg->g && !v->producer->dead &&
	    v->producer->index < dg->g->nnodes &&
	    dg->g->nodes[v->producer->index] == v->producer &&
	    dg->hide[v->producer->index] == HIDE_FILTER)
		return 0;
	if (D->nvalues >= DOT_MAX_VALUES) {
		D->skip_values++;
		return 0;
	}
	D->nvalues++;
	if ((an = dot_mknode(D, dg, "out", D->nout++)) == NULL)
		return -1;
	if (!dot_type_known(t) && vi->value != NULL)
		t = &vi->value->type;
	if (D->opt.interface_a != NULL)
		changed = dg->g == D->m->graph &&
		    interface_differs(D, vi->name, &vi->type, false);
	else
		changed = D->opt.diff && (vi->type.dirty ||
		    (vi->value != NULL && vi->value->type.dirty));
	if (changed)
		D->nchanged++;
	if (dot_node_look(D, an, "ellipse", "filled", OUT_FILL, changed ?
	    CHANGED_BORDER : OUT_BORDER, NULL) < 0 ||
	    (changed && dot_set(D, an, D->n_penwidth, "3") < 0) ||
	    label_value(D, an, vi->name, t, changed ? "\\n(changed)" :
	    NULL) < 0)
		return -1;
	if (vi->value == NULL)
		return 0;
	return edge_in(D, dg, vi->value, an, SIZE_MAX, false, false);
}

/* Make DG's cluster, or decide the graph is not drawn. */
static int
open_graph(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	struct dgraph *parent = NULL;
	struct label l = { .n = 0 };
	Agraph_t *pag = D->root;

	if (g == D->m->graph) {
		dg->ag = D->root;
		return 0;
	}
	if (dg->body_hidden)
		return 0;	/* a line of its owner's label */
	if (g->kind == IR_GRAPH_SUB) {
		if (g->owner == NULL ||
		    (parent = dot_find_dgraph(D, g->owner->graph)) == NULL ||
		    parent->ag == NULL || dot_op_of(parent, g->owner) == NULL)
			return 0;	/* owner not drawn: nor is this */
		pag = parent->ag;
	}
	if ((dg->ag = dot_mkcluster(D, pag, &dg->cluster)) == NULL)
		return -1;
	dot_cluster_label(&l, g);
	if (dot_set(D, dg->ag, D->g_label, l.s) < 0 ||
	    dot_set(D, dg->ag, D->g_style, "rounded,filled") < 0 ||
	    dot_set(D, dg->ag, D->g_color, CLUSTER_BORDER) < 0 ||
	    dot_set(D, dg->ag, D->g_fill, CLUSTER_FILL) < 0 ||
	    dot_set(D, dg->ag, D->g_fontsize, "10") < 0 ||
	    dot_set(D, dg->ag, D->g_labeljust, "l") < 0)
		return -1;
	return 0;
}

/* A dotted edge from the owner into the cluster it holds. */
static int
link_owner(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	struct dgraph *parent;
	Agnode_t *owner;
	Agedge_t *e;
	char id[32];

	if (g->kind != IR_GRAPH_SUB || dg->first == NULL)
		return 0;
	parent = dot_find_dgraph(D, g->owner->graph);
	owner = dot_op_of(parent, g->owner);
	if ((e = dot_mkedge(D, owner, dg->first)) == NULL)
		return D->status == ONNXFIX_OK ? 0 : -1;
	snprintf(id, sizeof(id), "cluster_%u", dg->cluster);
	if (dot_set(D, e, D->e_lhead, id) < 0 ||
	    dot_set(D, e, D->e_style, "dotted") < 0 ||
	    dot_set(D, e, D->e_color, CTRL_BORDER) < 0 ||
	    dot_set(D, e, D->e_arrowhead, "odot") < 0)
		return -1;
	return 0;
}

/* Removed nodes of DG's graph (before/after), dashed and grey. */
static int
draw_ghosts(struct dot *D, struct dgraph *dg)
{
	size_t i;

	for (i = 0; i < D->opt.nbefore + D->opt.nremoved; i++) {
		bool other = i >= D->opt.nbefore;
		const struct ir_node *n = other ?
		    D->opt.removed[i - D->opt.nbefore] : D->opt.before[i];
		struct label l = { .n = 0 }, tip = { .n = 0 };
		Agnode_t *an;

		if (other ? D->opt.removed_in[i - D->opt.nbefore] != dg->g :
		    n == NULL || !n->dead || n->graph != dg->g)
			continue;
		if (D->nop >= D->max_ops) {
			D->skip_ops++;
			dot_tally_add(D, n);
			continue;
		}
		if ((an = dot_mknode(D, dg, "gone", (unsigned)D->nghosts)) ==
		    NULL)
			return -1;
		D->nop++;
		D->ghosts[D->nghosts].node = (uintptr_t)n;
		D->ghosts[D->nghosts].an = an;
		D->nghosts++;
		dot_lab_lit(&l, "- ");
		dot_lab_text(&l, n->op_type, DOT_NAME_SHORT);
		if (n->name != NULL && n->name[0] != '\0') {
			dot_lab_lit(&l, "\\n");
			if (dot_lab_text(&l, n->name, DOT_NAME_SHORT))
				dot_lab_text(&tip, n->name, DIAG_NAME_MAX);
		} else if (n->noutputs > 0 && n->outputs[0] != NULL) {
			dot_lab_lit(&l, "\\n-> ");
			dot_lab_text(&l, n->outputs[0]->name, DOT_NAME_SHORT);
		}
		dot_lab_lit(&l, "\\n(removed)");
		if (dot_node_look(D, an, "box", "rounded,dashed", "white",
		    GHOST_COLOR, NULL) < 0 ||
		    dot_set(D, an, D->n_fontcolor, GHOST_COLOR) < 0 ||
		    dot_set(D, an, D->n_label, l.s) < 0 ||
		    (tip.n > 0 && dot_set(D, an, D->n_tooltip, tip.s) < 0))
			return -1;
	}
	return 0;
}

/* The drawn node of N: live (drawn op) or removed (its ghost). */
static Agnode_t *
drawn_node(struct dot *D, const struct ir_node *n)
{
	struct dgraph *vg;

	if (n->dead)
		return ghost_of(D, n);
	if ((vg = dot_find_dgraph(D, n->graph)) == NULL || vg->ag == NULL)
		return NULL;
	return dot_op_of(vg, n);
}

/*
 * The edges removed nodes of DG's graph had before the rewrites, to and
 * from the nodes still drawn (dashed, grey): a folded BatchNormalization
 * shows between its Conv and the Conv's new users.  From the snapshot's
 * edge list, which follows its nodes and a NULL.
 */
static int
ghost_edges(struct dot *D, struct dgraph *dg)
{
	struct ir_node *const *ev = D->opt.before + D->opt.nbefore + 1;
	size_t i;

	if (D->opt.before[D->opt.nbefore] != NULL)
		return 0;
	for (i = 0; ev[i] != NULL && ev[i + 1] != NULL; i += 2) {
		const struct ir_node *p = ev[i], *c = ev[i + 1];
		Agnode_t *tail, *head;
		Agedge_t *e;

		if (!(p->dead && p->graph == dg->g) &&
		    !(c->dead && c->graph == dg->g))
			continue;
		if ((tail = drawn_node(D, p)) == NULL ||
		    (head = drawn_node(D, c)) == NULL || tail == head ||
		    gvf.agedge(D->root, tail, head, NULL, 0) != NULL)
			continue;
		if ((e = dot_mkedge(D, tail, head)) == NULL)
			return D->status == ONNXFIX_OK ? 0 : -1;
		if (edge_style(D, e, "dashed", GHOST_COLOR) < 0)
			return -1;
	}
	return D->status == ONNXFIX_OK ? 0 : -1;
}

/*
 * The edges removed node N of the other model of a diff picture had, by
 * tensor name: from this graph's value of an input's name, and to the
 * drawn readers of the value of an output's name.
 */
static int
other_ghost_edges(struct dot *D, struct dgraph *dg, const struct ir_node *n,
    Agnode_t *ghost)
{
	size_t j, k;

	for (j = 0; j < n->ninputs + n->noutputs; j++) {
		bool in = j < n->ninputs;
		const struct ir_value *ov = in ? n->inputs[j] :
		    n->outputs[j - n->ninputs];
		struct ir_value *bv;

		if (ov == NULL || ov->name == NULL || ov->name[0] == '\0' ||
		    (bv = ir_lookup(dg->g, ov->name)) == NULL ||
		    dot_folded(D, bv))
			continue;
		if (in) {
			if (edge_in(D, dg, bv, ghost, SIZE_MAX, true,
			    true) < 0)
				return -1;
			continue;
		}
		for (k = 0; k < bv->nuses; k++) {
			const struct ir_node *c = bv->uses[k].node;
			Agnode_t *head;
			Agedge_t *e;

			if (c == NULL || c->dead || c->graph != dg->g ||
			    (head = dot_op_of(dg, c)) == NULL ||
			    gvf.agedge(D->root, ghost, head, NULL, 0) != NULL)
				continue;
			if ((e = dot_mkedge(D, ghost, head)) == NULL) {
				if (D->status != ONNXFIX_OK)
					return -1;
				continue;
			}
			if (edge_style(D, e, "dashed", GHOST_COLOR) < 0)
				return -1;
		}
	}
	return D->status == ONNXFIX_OK ? 0 : -1;
}

static int
draw_graph(struct dot *D, struct dgraph *dg)
{
	struct ir_graph *g = dg->g;
	size_t i, j, first_ghost = D->nghosts, *vseen;

	if (open_graph(D, dg) < 0)
		return -1;
	if (dg->ag == NULL) {
		for (i = 0; i < g->nnodes; i++)
			if (!g->nodes[i]->dead &&
			    dg->hide[i] == SHOWN) {
				D->skip_ops++;
				dot_tally_add(D, g->nodes[i]);
			}
		return 0;
	}
	for (i = 0; i < g->ninputs && D->opt.focus == NULL &&
	    D->opt.ops == NULL; i++) {
		struct ir_value *v = g->inputs[i].value;

		if (v != NULL && v->kind == IR_VALUE_INPUT && v->graph == g &&
		    v->id < g->nvalues && g->values[v->id] == v &&
		    value_node(D, dg, v) == NULL &&
		    D->status != ONNXFIX_OK)
			return -1;
	}
	for (i = 0; i < g->nnodes; i++)
		if (!g->nodes[i]->dead && draw_op(D, dg, i) < 0)
			return -1;
	if (D->opt.diff && draw_ghosts(D, dg) < 0)
		return -1;
	if ((vseen = arena_array(&D->ids.arena, g->nvalues + 1,
	    sizeof(*vseen))) == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "edge table");
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		Agnode_t *head = dg->opnode[dg->rep[i]];

		if (n->dead || head == NULL || (dg->hide[i] != SHOWN &&
		    dg->hide[i] != HIDE_COLLAPSE))
			continue;
		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];

			/* Sum(v, x, v, x, ...): one edge per value (10,000
			 * parallel edges keep Graphviz busy for minutes) */
			if (v == NULL || dot_folded(D, v) ||
			    (j > 0 && n->inputs[j - 1] == v))
				continue;
			if (v->graph == g && v->id < g->nvalues &&
			    g->values[v->id] == v) {
				if (vseen[v->id] == i + 1)
					continue;
				vseen[v->id] = i + 1;
			}
			if (edge_in(D, dg, v, head, i, false, true) < 0)
				return -1;
		}
	}
	for (i = first_ghost; i < D->nghosts; i++) {
		const struct ir_node *n = (const struct ir_node *)
		    D->ghosts[i].node;

		if (n->graph != dg->g) {
			/* a node of the other model of a diff picture */
			if (other_ghost_edges(D, dg, n, D->ghosts[i].an) < 0)
				return -1;
			continue;
		}
		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v = n->inputs[j];
			struct dgraph *vg;
			Agnode_t *tail;
			Agedge_t *e;

			if (v == NULL)
				continue;
			/* A value a rewrite took from its live producer (a
			 * folded BatchNormalization's input): still drawn
			 * from that producer. */
			if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
			    !v->producer->dead && (vg = dot_find_dgraph(D,
			    v->producer->graph)) != NULL &&
			    (v->id >= vg->g->nvalues ||
			    vg->g->values[v->id] != v) &&
			    (tail = dot_op_of(vg, v->producer)) != NULL) {
				if ((e = dot_mkedge(D, tail,
				    D->ghosts[i].an)) != NULL &&
				    edge_style(D, e, "dashed", GHOST_COLOR) < 0)
					return -1;
				if (D->status != ONNXFIX_OK)
					return -1;
				continue;
			}
			if (edge_in(D, dg, v, D->ghosts[i].an, SIZE_MAX, true,
			    true) < 0)
				return -1;
		}
	}
	if (D->opt.diff && first_ghost < D->nghosts && ghost_edges(D, dg) < 0)
		return -1;
	for (i = 0; i < g->noutputs; i++)
		if (draw_output(D, dg, &g->outputs[i]) < 0)
			return -1;
	return link_owner(D, dg);
}

static int
ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static int
build(struct dot *D)
{
	struct ir_model *m = D->m;
	struct arena *a = &D->ids.arena;
	struct ir_graph **gs;
	struct label l = { .n = 0 };
	size_t i, j, ninits = 0;

	D->root = gvf.agopen("onnx", *gvf.Agdirected, &D->ids.disc);
	if (D->root == NULL)
		return dot_fail(D, ONNXFIX_EIO, "cannot create the graph");
	if (dot_declare_all(D) < 0)
		return -1;
	if (dot_index_marks(D) < 0)
		return dot_fail(D, ONNXFIX_EBUDGET, "findings");
	if (m->graph != NULL && m->graph->name != NULL &&
	    m->graph->name[0] != '\0') {
		dot_lab_lit(&l, "graph '");
		dot_lab_text(&l, m->graph->name, DOT_NAME_SHORT);
		dot_lab_lit(&l, "'");
		if (dot_set(D, D->root, D->g_label, l.s) < 0)
			return -1;
	}
	D->ndg = ir_model_graphs(m, &gs);
	if (D->ndg == 0 && (m->graph != NULL || m->nfunctions > 0))
		return dot_fail(D, ONNXFIX_EBUDGET, "graph list");
	D->dg = arena_array(a, D->ndg + 1, sizeof(*D->dg));
	D->keys = arena_array(a, D->ndg + 1, sizeof(*D->keys));
	if (D->dg == NULL || D->keys == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "graph list");
	for (i = 0; i < D->ndg; i++) {
		struct dgraph *dg = &D->dg[i];

		dg->g = gs[i];
		dg->vnode = arena_array(a, gs[i]->nvalues + 1,
		    sizeof(*dg->vnode));
		dg->vskip = arena_array(a, gs[i]->nvalues + 1,
		    sizeof(*dg->vskip));
		dg->opnode = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->opnode));
		dg->hide = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->hide));
		dg->rep = arena_array(a, gs[i]->nnodes + 1, sizeof(*dg->rep));
		dg->scope = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->scope));
		dg->gmember = arena_array(a, gs[i]->nnodes + 1,
		    sizeof(*dg->gmember));
		if (dg->vnode == NULL || dg->vskip == NULL ||
		    dg->opnode == NULL || dg->hide == NULL ||
		    dg->rep == NULL || dg->scope == NULL ||
		    dg->gmember == NULL)
			return dot_fail(D, ONNXFIX_EBUDGET, "node tables");
		hmap_init(&dg->scopemap, a);
		for (j = 0; j < gs[i]->nnodes; j++) {
			dg->rep[j] = j;
			dg->scope[j] = -1;
			dg->gmember[j] = -1;
		}
		D->keys[i].key = (uintptr_t)gs[i];
		D->keys[i].dg = dg;
		ninits += gs[i]->ninits;
	}
	(void)ninits;
	D->fold = true;
	if (D->ndg > 1)
		qsort(D->keys, D->ndg, sizeof(*D->keys), dot_dgraph_cmp);
	if (D->opt.diff) {
		D->before = arena_array(a, D->opt.nbefore + 1,
		    sizeof(*D->before));
		D->ghosts = arena_array(a, D->opt.nbefore +
		    D->opt.nremoved + 1, sizeof(*D->ghosts));
		D->changed = arena_array(a, D->opt.nchanged + 1,
		    sizeof(*D->changed));
		if (D->before == NULL || D->ghosts == NULL ||
		    D->changed == NULL)
			return dot_fail(D, ONNXFIX_EBUDGET, "node tables");
		for (i = 0; i < D->opt.nchanged; i++) {
			D->changed[i].node = (uintptr_t)D->opt.changed[i];
			D->changed[i].text = D->opt.changed_text[i];
		}
		D->nchanged_sorted = D->opt.nchanged;
		if (D->nchanged_sorted > 1)
			qsort(D->changed, D->nchanged_sorted,
			    sizeof(*D->changed), ptr_cmp);
		for (i = 0; i < D->opt.nbefore; i++)
			D->before[i] = (uintptr_t)D->opt.before[i];
		D->nbefore = D->opt.nbefore;
		if (D->nbefore > 1)
			qsort(D->before, D->nbefore, sizeof(*D->before), ptr_cmp);
	}
	if (dot_select_nodes(D) < 0 || dot_choose_view(D) < 0 ||
	    dot_select_finish(D) < 0)
		return -1;
	/* Breadth-first: a cluster's parent is always made before it. */
	for (i = 0; i < D->ndg; i++)
		if (draw_graph(D, &D->dg[i]) < 0)
			return -1;
	if (dot_draw_note(D) < 0 || dot_draw_legend(D) < 0)
		return -1;
	return dot_bound_layout(D);
}

/* What dot_choose_view() simplified, and how to draw it all. */
static void
report_view(struct dot *D)
{
	char what[400];
	int n = 0;

	what[0] = '\0';
	if (D->nboxes > 0)
		n += snprintf(what + n, sizeof(what) - (size_t)n, "%zu nodes "
		    "drawn as %zu boxes, one per name scope", D->nboxed,
		    D->nboxes);
	if (D->nbody > 0 && n >= 0 && (size_t)n < sizeof(what))
		n += snprintf(what + n, sizeof(what) - (size_t)n, "%s%zu "
		    "nodes of subgraph bodies as a line of their owner",
		    n > 0 ? "; " : "", D->nbody);
	if (D->njumps > 0 && n >= 0 && (size_t)n < sizeof(what))
		n += snprintf(what + n, sizeof(what) - (size_t)n, "%s%zu "
		    "edges over %zu rank%s as a dashed stub above their "
		    "consumer", n > 0 ? "; " : "", D->njumps, D->span,
		    D->span == 1 ? "" : "s");
	diag_report(D->d, DIAG_OUT_DOT_SIMPLIFIED, "", "%s; --focus SCOPE "
	    "(a name scope such as the one in a box's tooltip) draws one "
	    "part in full, --max-nodes N every node up to N (the layout may "
	    "then hit its %d s bound)", what, DOT_LAYOUT_SECONDS);
}

/* The picture of NAME (--focus NAME --radius 1) with D's options, as
 * SVG into *SVG (malloc'd, *LEN bytes); its diagnostics are dropped.
 * 0, or -1 when it cannot be drawn. */
static int
render_part(struct dot *D, const char *name, char **svg, size_t *len)
{
	struct dot P;
	struct diag_list dl;
	int rc = -1;

	memset(&P, 0, sizeof(P));
	diag_list_init(&dl);
	P.m = D->m;
	P.d = &dl;
	P.status = ONNXFIX_OK;
	P.opt = D->opt;
	P.opt.focus = name;
	P.opt.radius = 1;
	P.opt.ops = NULL;
	P.opt.collapse = false;
	P.max_ops = P.opt.max_nodes > 0 ? P.opt.max_nodes : DOT_MAX_OPS;
	P.page = true;
	P.opens_of = D->opens_of;
	dot_ids_init(&P.ids, D->m->budget);
	if (build(&P) == 0 && dot_render(&P, "svg", svg, len) == 0)
		rc = 0;
	if (P.root != NULL)
		gvf.agclose(P.root);
	arena_release(&P.ids.arena);
	diag_list_release(&dl);
	return rc;
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The pictures a page (-T html) opens in place, in the order they were
 * met (those of the drawing, then those of the pictures drawn here),
 * into D->parts: at most PAGE_PARTS, within PAGE_SECONDS and PAGE_BYTES.
 * 0, or -1 out of memory.
 */
static int
draw_parts(struct dot *D)
{
	double start = seconds();
	size_t k;

	if (D->nopens == 0)
		return 0;
	if ((D->parts = calloc(PAGE_PARTS, sizeof(*D->parts))) == NULL)
		return dot_fail(D, ONNXFIX_EBUDGET, "page");
	for (k = 0; k < D->nopens && k < PAGE_PARTS; k++) {
		struct dot_part *p = &D->parts[k];
		size_t len;

		D->nparts = k + 1;
		if (seconds() - start > PAGE_SECONDS ||
		    D->parts_bytes > PAGE_BYTES ||
		    render_part(D, D->opens[k], &p->buf, &len) < 0)
			continue;
		p->svg = dot_svg_element(p->buf, len, &p->len);
		if (p->svg == NULL || D->parts_bytes + p->len > PAGE_BYTES) {
			free(p->buf);
			p->buf = NULL;
			p->svg = NULL;
			continue;
		}
		D->parts_bytes += p->len;
		D->nparts_drawn++;
	}
	return 0;
}

enum onnxfix_status
onnxfix_dot_ready(struct diag_list *d)
{
	char why[200], esc[DIAG_ESCAPE_SIZE];

	if (gv_load(why, sizeof(why)) == 0)
		return ONNXFIX_OK;
	diag_report(d, DIAG_OUT_RENDER, "", "%s",
	    diag_escape_str(esc, sizeof(esc), why));
	return ONNXFIX_EIO;
}

enum onnxfix_status
onnxfix_dot_opts(struct ir_model *m, const char *out,
    enum onnxfix_dot_format fmt, const struct onnxfix_dot_options *opt,
    struct diag_list *d)
{
	enum onnxfix_status st;
	struct dot D;
	agusererrf old;

	if ((st = onnxfix_dot_ready(d)) != ONNXFIX_OK)
		return st;
	memset(&D, 0, sizeof(D));
	D.m = m;
	D.d = d;
	D.status = ONNXFIX_OK;
	if (opt != NULL)
		D.opt = *opt;
	if (D.opt.radius == 0)
		D.opt.radius = DOT_RADIUS;
	D.max_ops = D.opt.max_nodes > 0 ? D.opt.max_nodes : DOT_MAX_OPS;
	D.page = fmt == ONNXFIX_HTML;
	D.opens_of = &D;
	dot_ids_init(&D.ids, m->budget);
	old = dot_gv_catch();
	if (build(&D) == 0) {
		switch (fmt) {
		case ONNXFIX_SVG:
			st = dot_write_image(&D, out, "svg");
			break;
		case ONNXFIX_PNG:
			st = dot_write_image(&D, out, "png");
			break;
		case ONNXFIX_HTML:
			st = draw_parts(&D) < 0 ? D.status :
			    dot_write_html(&D, out);
			break;
		case ONNXFIX_DOT:
		default:
			st = dot_write_dot(&D, out);
			break;
		}
	} else {
		st = D.status;
	}
	if (st == ONNXFIX_OK && D.skip_ops > 0)
		diag_report(d, DIAG_OUT_DOT_CUT, "", "%zu nodes not drawn (the "
		    "limit is %zu)%s; edges from them end in dashed stubs; "
		    "--max-nodes N draws more, --focus NAME --radius N one "
		    "region, --collapse repeated blocks once", D.skip_ops,
		    (size_t)D.max_ops, D.ncut > 0 ? ", the farthest from the "
		    "inputs" : "");
	if (st == ONNXFIX_OK && (D.nboxes > 0 || D.nbody > 0 || D.njumps > 0))
		report_view(&D);
	for (size_t k = 0; k < D.nparts; k++)
		free(D.parts[k].buf);
	free(D.parts);
	if (D.root != NULL)
		gvf.agclose(D.root);
	gvf.agseterrf(old);
	arena_release(&D.ids.arena);
	return st;
}

enum onnxfix_status
onnxfix_dot(struct ir_model *m, const char *out,
    enum onnxfix_dot_format fmt, struct diag_list *d)
{
	return onnxfix_dot_opts(m, out, fmt, NULL, d);
}

size_t
onnxfix_dot_snapshot(struct ir_model *m, struct ir_node ***out)
{
	struct ir_graph **gs;
	size_t ng = ir_model_graphs(m, &gs), i, j, k, n = 0, ne = 0;
	struct ir_node **v;

	*out = NULL;
	for (i = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++)
			ne += gs[i]->nodes[j]->ninputs;
	for (i = 0; i < ng; i++)
		n += gs[i]->nnodes;
	/* The nodes, NULL, then the edges as (producer, consumer) pairs,
	 * NULL: a removed node is drawn with the edges it had. */
	if ((v = arena_array(&m->arena, n + 2 * ne + 2, sizeof(*v))) == NULL)
		return 0;
	for (i = 0, n = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++)
			if (!gs[i]->nodes[j]->dead)
				v[n++] = gs[i]->nodes[j];
	v[n] = NULL;
	for (i = 0, ne = n + 1; i < ng; i++)
		for (j = 0; j < gs[i]->nnodes; j++) {
			struct ir_node *c = gs[i]->nodes[j];

			for (k = 0; !c->dead && k < c->ninputs; k++) {
				const struct ir_value *iv = c->inputs[k];

				if (iv == NULL || iv->kind != IR_VALUE_NODE ||
				    iv->producer == NULL || iv->producer->dead)
					continue;
				v[ne++] = iv->producer;
				v[ne++] = c;
			}
		}
	v[ne] = NULL;
	*out = v;
	return n;
}
