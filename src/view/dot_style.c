/* SPDX-License-Identifier: MIT */
/*
 * The look of the drawing, decided in one place: an op node's fill comes
 * from its kind of operator (control flow, custom domain, Transpose by
 * layout class), its border from the worst finding about it, and in a
 * before/after drawing new nodes are green and changed ones have an
 * orange border.  The findings that name a node are indexed here and
 * shown as its last label line (codes) and tooltip (text).  Then the two
 * notes outside the graph: what was not drawn (nodes over the limit with
 * their most frequent operators, hidden and collapsed nodes, values and
 * edges over their limits) and the legend of the before/after colours
 * and of the layout classes seen.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "view/dot_int.h"

/* Fills of Transposes by layout class (P5xx), by code. */
static const char *const class_fill[] = {
	"#f4a6a6", "#a6d8f4", "#c6f4a6", "#f4dca6", "#d8a6f4", "#a6f4e4",
};

static const struct mark *
find_mark(const struct dot *D, const struct ir_node *n)
{
	size_t lo = 0, hi = D->nmarks;
	uintptr_t key = (uintptr_t)n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (D->marks[mid].node == key)
			return &D->marks[mid];
		if (D->marks[mid].node < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
mark_cmp(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * Index the findings that name a node (diag.subject) so each op node can
 * show them.  Findings about nodes of other models cannot occur: the list
 * is the one the caller filled for this model.
 */
int
dot_index_marks(struct dot *D)
{
	struct diag_list *d = D->d;
	struct arena *a = &D->ids.arena;
	size_t i, j, n = 0, k;

	if (d == NULL)
		return 0;
	for (i = 0; i < d->n; i++)
		if (d->v[i].subject != NULL)
			n++;
	if (n == 0)
		return 0;
	D->marks = arena_array(a, n, sizeof(*D->marks));
	D->mark_ids = arena_array(a, n, sizeof(*D->mark_ids));
	if (D->marks == NULL || D->mark_ids == NULL)
		return -1;
	/* One mark per node: sort (node, report order) pairs. */
	for (i = 0, k = 0; i < d->n; i++) {
		if (d->v[i].subject == NULL)
			continue;
		D->marks[k].node = (uintptr_t)d->v[i].subject;
		D->marks[k].first = i;	/* report position, for now */
		k++;
	}
	if (n > 1)
		qsort(D->marks, n, sizeof(*D->marks), mark_cmp);
	for (i = 0, k = 0; i < n; i = j) {
		struct mark m = D->marks[i];
		size_t first = k;

		m.level = -1;
		for (j = i; j < n && D->marks[j].node == m.node; j++) {
			const struct diag *x = &d->v[D->marks[j].first];
			int lv = (int)diag_table[x->id].level;
			size_t q;

			if (lv > m.level)
				m.level = lv;
			for (q = first; q < k; q++)
				if (D->mark_ids[q] == x->id)
					break;
			if (q == k)
				D->mark_ids[k++] = x->id;
		}
		m.first = first;
		m.n = k - first;
		D->marks[D->nmarks++] = m;
	}
	/* qsort is not stable: list each node's codes in code order. */
	for (i = 0; i < D->nmarks; i++) {
		enum diag_id *v = D->mark_ids + D->marks[i].first;
		size_t nn = D->marks[i].n, x, y;

		for (x = 1; x < nn; x++)
			for (y = x; y > 0 && v[y - 1] > v[y]; y--) {
				enum diag_id t = v[y];

				v[y] = v[y - 1];
				v[y - 1] = t;
			}
	}
	return 0;
}

/* The first layout class (P5xx) among the findings about N, or -1. */
int
dot_mark_class(const struct dot *D, const struct ir_node *n)
{
	const struct mark *mk = find_mark(D, n);
	size_t i;

	if (mk == NULL)
		return -1;
	for (i = 0; i < mk->n; i++) {
		int c = diag_layout_class(D->mark_ids[mk->first + i]);

		if (c >= 0)
			return c;
	}
	return -1;
}

bool
dot_was_before(const struct dot *D, const struct ir_node *n)
{
	size_t lo = 0, hi = D->nbefore;
	uintptr_t key = (uintptr_t)n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (D->before[mid] == key)
			return true;
		if (D->before[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The text of a diff picture's change of N, NULL when none. */
const char *
dot_changed_text(const struct dot *D, const struct ir_node *n)
{
	size_t lo = 0, hi = D->nchanged_sorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (D->changed[mid].node == (uintptr_t)n)
			return D->changed[mid].text;
		if (D->changed[mid].node < (uintptr_t)n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
dot_op_style(const struct dot *D, const struct ir_node *n, struct dot_style *s)
{
	const struct mark *mk = find_mark(D, n);
	int cls;

	memset(s, 0, sizeof(*s));
	if (mk != NULL) {
		s->border = mk->level >= DIAG_ERROR ? FIND_ERROR :
		    mk->level == DIAG_WARNING ? FIND_WARNING : FIND_NOTE;
		s->penwidth = mk->level >= DIAG_WARNING ? "3" : "2";
	}
	if (ir_node_subgraphs(n, NULL, 0) > 0) {
		s->fill = CTRL_FILL;
		s->border = CTRL_BORDER;
	} else if (!ir_domain_is_onnx(n->domain)) {
		s->fill = CUSTOM_FILL;
		if (s->border == NULL)
			s->border = CUSTOM_BORDER;
	} else if (ir_is_op(n, "Transpose")) {
		cls = dot_mark_class(D, n);
		s->fill = cls >= 0 ? class_fill[cls % (int)(sizeof(class_fill) /
		    sizeof(class_fill[0]))] : TRANSPOSE_FILL;
		if (s->border == NULL)
			s->border = TRANSPOSE_BORDER;
	} else {
		s->fill = dot_category_fill(dot_op_category(n));
	}
	if (D->opt.diff) {
		if (!dot_was_before(D, n)) {
			s->fill = NEW_FILL;
			s->border = NEW_BORDER;
			s->penwidth = "3";
		} else if (n->dirty || dot_changed_text(D, n) != NULL) {
			s->border = CHANGED_BORDER;
			s->penwidth = "3";
		}
	}
}

/*
 * The codes of the findings about N as a last label line ("B601 P503",
 * then "+K"), and their text in the tooltip, so a picture can be read
 * beside the report.
 */
void
dot_mark_label(const struct dot *D, const struct ir_node *n, struct label *l,
    struct label *tip)
{
	const struct mark *mk = find_mark(D, n);
	size_t i;

	if (mk == NULL)
		return;
	dot_lab_lit(l, "\\n");
	for (i = 0; i < mk->n && i < DOT_MARK_CODES; i++) {
		if (i > 0)
			dot_lab_lit(l, " ");
		dot_lab_lit(l, diag_table[D->mark_ids[mk->first + i]].code);
	}
	if (mk->n > DOT_MARK_CODES) {
		dot_lab_lit(l, " +");
		dot_lab_num(l, (long long)(mk->n - DOT_MARK_CODES));
	}
	for (i = 0; i < mk->n; i++) {
		const struct diag_info *info =
		    &diag_table[D->mark_ids[mk->first + i]];

		if (tip->n > 0)
			dot_lab_lit(tip, "\\n");
		dot_lab_lit(tip, info->code);
		dot_lab_lit(tip, " ");
		dot_lab_lit(tip, info->text);
	}
}

/* Add N's op type to the tally of nodes over the node limit. */
void
dot_tally_add(struct dot *D, const struct ir_node *n)
{
	const char *op = n->op_type != NULL ? n->op_type : "";
	size_t i;

	for (i = 0; i < D->ntally; i++)
		if (strcmp(D->tally[i].op, op) == 0) {
			D->tally[i].n++;
			return;
		}
	if (D->ntally >= 256 || arena_grow(&D->ids.arena, (void **)&D->tally,
	    &D->captally, D->ntally + 1, sizeof(*D->tally)) < 0)
		return;		/* the note lists the most frequent only */
	D->tally[D->ntally].op = op;
	D->tally[D->ntally].n = 1;
	D->ntally++;
}

static int
tally_cmp(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->op, y->op);
}

/*
 * The summary of what is not drawn: nodes over the limit with their most
 * frequent operators, nodes --focus/--ops left out, repeated blocks
 * drawn once, values and edges over their limits.
 */
int
dot_draw_note(struct dot *D)
{
	struct label l = { .n = 0 };
	Agnode_t *an;
	size_t i;

	if (D->skip_ops == 0 && D->skip_values == 0 && D->skip_edges == 0 &&
	    D->nfiltered == 0 && D->ncollapsed == 0)
		return 0;
	if ((an = dot_mknode(D, NULL, "more", 0)) == NULL)
		return -1;
	dot_lab_lit(&l, "not drawn:");
	if (D->skip_ops > 0) {
		dot_lab_lit(&l, "\\n");
		dot_lab_num(&l, (long long)D->skip_ops);
		dot_lab_lit(&l, " more nodes (limit ");
		dot_lab_num(&l, D->max_ops);
		dot_lab_lit(&l, ")");
		qsort(D->tally, D->ntally, sizeof(*D->tally), tally_cmp);
		for (i = 0; i < D->ntally && i < DOT_SUMMARY_OPS; i++) {
			dot_lab_lit(&l, i == 0 ? ": " : ", ");
			dot_lab_num(&l, (long long)D->tally[i].n);
			dot_lab_lit(&l, " ");
			dot_lab_text(&l, D->tally[i].op, DOT_NAME_SHORT / 2);
		}
		if (D->ntally > DOT_SUMMARY_OPS)
			dot_lab_lit(&l, ", ...");
	}
	if (D->nfiltered > 0) {
		dot_lab_lit(&l, "\\n");
		dot_lab_num(&l, (long long)D->nfiltered);
		dot_lab_lit(&l, D->opt.focus != NULL ?
		    " nodes beyond --radius of --focus" :
		    " nodes not in --ops (dashed edges pass through them)");
	}
	if (D->ncollapsed > 0) {
		dot_lab_lit(&l, "\\n");
		dot_lab_num(&l, (long long)D->ncollapsed);
		dot_lab_lit(&l, " nodes of repeated blocks (drawn once, xN)");
	}
	if (D->skip_values > 0) {
		dot_lab_lit(&l, "\\n");
		dot_lab_num(&l, (long long)D->skip_values);
		dot_lab_lit(&l, " inputs, outputs or initializers");
	}
	if (D->skip_edges > 0) {
		dot_lab_lit(&l, "\\n");
		dot_lab_num(&l, (long long)D->skip_edges);
		dot_lab_lit(&l, " edges");
	}
	if (dot_node_look(D, an, "note", "filled", NOTE_FILL, "#999966", NULL) <
	    0 || dot_set(D, an, D->n_label, l.s) < 0)
		return -1;
	return 0;
}

/*
 * The key of the operator categories drawn, when there are two or more:
 * a row of boxes with their fills (a subgraph of rank "same", no
 * cluster).
 */
static int
category_key(struct dot *D)
{
	Agraph_t *sg;
	Agsym_t *rank;
	Agnode_t *an;
	unsigned k = 0;
	int c, seen = 0;

	for (c = 0; c < DOT_NCATS; c++)
		seen += D->cats[c];
	if (seen < 2)
		return 0;
	if ((rank = dot_declare(D, AGRAPH, "rank", "")) == NULL)
		return -1;
	if ((sg = gvf.agsubg(D->root, "keys", 1)) == NULL)
		return dot_fail(D, ONNXFIX_EIO, "cannot add the key");
	if (dot_set(D, sg, rank, "same") < 0)
		return -1;
	for (c = 0; c < DOT_NCATS; c++) {
		if (!D->cats[c])
			continue;
		if ((an = dot_mknode_in(D, NULL, sg, "cat", k++)) == NULL ||
		    dot_node_look(D, an, "box", "rounded,filled",
		    dot_category_fill(c), OP_BORDER, "8") < 0 ||
		    dot_set(D, an, D->n_label, dot_category_name(c)) < 0)
			return -1;
	}
	return 0;
}

/* Keys for the operator categories, the before/after drawing and the
 * layout classes seen. */
int
dot_draw_legend(struct dot *D)
{
	struct label l = { .n = 0 };
	Agnode_t *an, *prev = NULL;
	Agedge_t *e;
	unsigned k = 0;
	int c;

	if (category_key(D) < 0)
		return -1;

	if (D->opt.diff) {
		if ((an = dot_mknode(D, NULL, "key", k++)) == NULL)
			return -1;
		dot_lab_lit(&l, D->opt.interface_a != NULL ? "diff: " :
		    "fix: ");
		dot_lab_num(&l, (long long)D->nnew);
		dot_lab_lit(&l, " new (+, green), ");
		dot_lab_num(&l, (long long)D->nchanged);
		dot_lab_lit(&l, " changed (~, orange border), ");
		dot_lab_num(&l, (long long)D->nghosts);
		dot_lab_lit(&l, " removed (-, dashed)");
		if (dot_node_look(D, an, "note", "filled", NOTE_FILL, "#999966",
		    NULL) < 0 || dot_set(D, an, D->n_label, l.s) < 0)
			return -1;
		prev = an;
	}
	for (c = 0; c < 50; c++) {
		const struct diag_info *info;
		enum diag_id id;

		if (!D->classes[c] || (id = diag_layout_id(c)) == DIAG__COUNT)
			continue;
		info = &diag_table[id];
		l.n = 0;
		l.s[0] = '\0';
		l.full = false;
		dot_lab_lit(&l, "Transpose ");
		dot_lab_lit(&l, info->code);
		dot_lab_lit(&l, ": ");
		dot_lab_lit(&l, info->text);
		if ((an = dot_mknode(D, NULL, "key", k++)) == NULL ||
		    dot_node_look(D, an, "box", "filled", class_fill[c %
		    (int)(sizeof(class_fill) / sizeof(class_fill[0]))],
		    TRANSPOSE_BORDER, "9") < 0 ||
		    dot_set(D, an, D->n_label, l.s) < 0)
			return -1;
		/* Keys stack in a column (an invisible edge between). */
		if (prev != NULL && (e = dot_mkedge(D, prev, an)) != NULL &&
		    dot_set(D, e, D->e_style, "invis") < 0)
			return -1;
		if (D->status != ONNXFIX_OK)
			return -1;
		prev = an;
	}
	return 0;
}
