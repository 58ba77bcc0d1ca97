/* SPDX-License-Identifier: MIT */
/*
 * Label text of the drawing (struct label, a fixed buffer that stops
 * taking text when full): our own text, and model text, which passes
 * through dot_lab_bytes() alone.  That keeps a small set of printable
 * ASCII and writes every other byte as \\xNN, so a label is plain ASCII
 * whatever the model holds; long names lose their head.  Types
 * ("float[1,3,n,?]"), tensor dims and small constant values, the line of
 * a folded initializer, and the titles of subgraph clusters are built
 * here.  Nothing here touches Graphviz.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "view/dot_int.h"

/* Bytes shown as they are; everything else becomes \\xNN. */
static bool
safe_byte(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr(" _./:;,()[]{}+*=<>#@!?~^|-", c) != NULL;
}

/* Append our own text (no model bytes), all or nothing. */
void
dot_lab_lit(struct label *l, const char *s)
{
	size_t n = strlen(s);

	if (l->full || l->n + n >= sizeof(l->s)) {
		l->full = true;
		return;
	}
	memcpy(l->s + l->n, s, n + 1);
	l->n += n;
}

/*
 * Append N bytes of model text.  A backslash starts an escape in a
 * Graphviz label (\n, \N, \G, ...), so the escape is written with a
 * doubled backslash, which the label shows as one: "\\x1b" reads \x1b.
 */
void
dot_lab_bytes(struct label *l, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && !l->full; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6];

		if (safe_byte(c)) {
			e[0] = (char)c;
			e[1] = '\0';
		} else {
			e[0] = '\\';
			e[1] = '\\';
			e[2] = 'x';
			e[3] = hex[c >> 4];
			e[4] = hex[c & 15];
			e[5] = '\0';
		}
		dot_lab_lit(l, e);
	}
}

/*
 * N bytes of model text at S, shortened to MAX from the left: what tells
 * nodes apart is the tail of a name ("...layer1.0.conv1.weight"), so the
 * head goes, up to a separator when one is near.  True when cut.
 */
bool
dot_lab_span(struct label *l, const char *s, size_t n, size_t max)
{
	size_t keep, from, i;

	if (n <= max) {
		dot_lab_bytes(l, s, n);
		return false;
	}
	keep = max > 3 ? max - 3 : 1;
	from = n - keep;
	/* start after a separator within the first third of the tail */
	for (i = from; i < n && i < from + keep / 3; i++)
		if (s[i] == '/' || s[i] == '.' || s[i] == '_') {
			from = i + 1;
			break;
		}
	dot_lab_lit(l, "...");
	dot_lab_bytes(l, s + from, n - from);
	return true;
}

/* Model string S, shortened from the left to MAX bytes; true when cut. */
bool
dot_lab_text(struct label *l, const char *s, size_t max)
{
	return dot_lab_span(l, s, s != NULL ? strlen(s) : 0, max);
}

void
dot_lab_num(struct label *l, long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", v);
	dot_lab_lit(l, b);
}

static void
lab_elem(struct label *l, int32_t elem)
{
	const char *name = elem != 0 ? ir_elem_name(elem) : NULL;

	if (name != NULL) {
		dot_lab_lit(l, name);
	} else if (elem == 0) {
		dot_lab_lit(l, "?");
	} else {
		dot_lab_lit(l, "elem");
		dot_lab_num(l, elem);
	}
}

bool
dot_type_known(const struct ir_type *t)
{
	if (t->kind == IR_TYPE_NONE)
		return false;
	if (t->kind == IR_TYPE_TENSOR && t->elem == 0 && t->rank < 0)
		return false;
	return true;
}

/* "float[1,3,n,?]": symbolic dims by name, unknown ones as ?. */
void
dot_lab_type(struct label *l, const struct ir_type *t)
{
	int i;

	switch (t->kind) {
	case IR_TYPE_NONE:
		return;
	case IR_TYPE_SEQUENCE:
		dot_lab_lit(l, "sequence");
		return;
	case IR_TYPE_MAP:
		dot_lab_lit(l, "map");
		return;
	case IR_TYPE_OPTIONAL:
		dot_lab_lit(l, "optional");
		return;
	case IR_TYPE_OPAQUE:
		dot_lab_lit(l, "opaque");
		return;
	case IR_TYPE_SPARSE:
		dot_lab_lit(l, "sparse ");
		break;
	case IR_TYPE_TENSOR:
		break;
	}
	lab_elem(l, t->elem);
	if (t->rank < 0 || t->dims == NULL)
		return;
	dot_lab_lit(l, "[");
	for (i = 0; i < t->rank && i < DOT_MAX_DIMS; i++) {
		const struct ir_dim *dm = &t->dims[i];

		if (i > 0)
			dot_lab_lit(l, ",");
		if (dm->kind == IR_DIM_VALUE)
			dot_lab_num(l, dm->value);
		else if (dm->kind == IR_DIM_PARAM && dm->param != NULL &&
		    dm->param[0] != '\0')
			dot_lab_text(l, dm->param, DOT_DIM_SHORT);
		else
			dot_lab_lit(l, "?");
	}
	if (t->rank > DOT_MAX_DIMS) {
		dot_lab_lit(l, ",...rank ");
		dot_lab_num(l, t->rank);
	}
	dot_lab_lit(l, "]");
}

/* An initializer's type: the value's, else the tensor's own dims. */
void
dot_lab_init_type(struct label *l, const struct ir_value *v)
{
	const struct ir_tensor *t = v->init;
	int i;

	if (dot_type_known(&v->type) || t == NULL) {
		dot_lab_type(l, &v->type);
		return;
	}
	lab_elem(l, t->elem);
	dot_lab_lit(l, "[");
	for (i = 0; i < t->rank && i < DOT_MAX_DIMS; i++) {
		if (i > 0)
			dot_lab_lit(l, ",");
		dot_lab_num(l, t->dims[i]);
	}
	if (t->rank > DOT_MAX_DIMS)
		dot_lab_lit(l, ",...");
	dot_lab_lit(l, "]");
}

/* "64x3x3x3", "scalar". */
static void
lab_dims(struct label *l, int rank, const int64_t *dims)
{
	int i;

	if (rank == 0) {
		dot_lab_lit(l, "scalar");
		return;
	}
	for (i = 0; i < rank && i < DOT_MAX_DIMS; i++) {
		if (i > 0)
			dot_lab_lit(l, "x");
		dot_lab_num(l, dims[i]);
	}
	if (rank > DOT_MAX_DIMS)
		dot_lab_lit(l, "x...");
}

/* "= 1,-1" for a tensor of at most four readable elements; false when
 * the values cannot be shown. */
static bool
lab_values(struct label *l, const struct ir_tensor *t)
{
	uint64_t count, i;
	char b[40];
	double x;

	if (ir_tensor_count(t, &count, NULL) < 0 || count == 0 || count > 4)
		return false;
	for (i = 0; i < count; i++)
		if (ir_tensor_get_f64(t, i, &x) < 0)
			return false;
	dot_lab_lit(l, "= ");
	for (i = 0; i < count; i++) {
		ir_tensor_get_f64(t, i, &x);
		if (x > -9e18 && x < 9e18 && x == (double)(long long)x)
			snprintf(b, sizeof(b), "%s%lld", i > 0 ? "," : "",
			    (long long)x);
		else if (x >= 9e18 || x <= -9e18)
			snprintf(b, sizeof(b), "%s%s", i > 0 ? "," : "",
			    x > 0 ? "max" : "min");
		else
			snprintf(b, sizeof(b), "%s%.4g", i > 0 ? "," : "", x);
		dot_lab_lit(l, b);
	}
	return true;
}

/* One folded line: "W 64x3x3x3", "shape int64 2 = 1,-1". */
void
dot_lab_fold(struct label *l, const struct ir_value *v,
    const struct ir_value *src, const char *slot)
{
	const struct ir_tensor *t;
	const struct ir_attr *a = NULL;

	if (src == NULL)
		src = v;
	t = src->init;
	if (src->kind == IR_VALUE_NODE && src->producer != NULL &&
	    src->producer->nattrs == 1) {
		a = &src->producer->attrs[0];
		t = a->type == IR_ATTR_TENSOR ? a->t : NULL;
	}
	if (slot != NULL)
		dot_lab_lit(l, slot);
	else
		dot_lab_text(l, v->name, DOT_NAME_SHORT / 2);
	dot_lab_lit(l, " ");
	if (t != NULL) {
		if (lab_values(l, t))
			return;
		if (t->elem != IR_ELEM_FLOAT) {
			lab_elem(l, t->elem);
			dot_lab_lit(l, " ");
		}
		lab_dims(l, t->rank, t->dims);
		return;
	}
	if (a == NULL) {
		dot_lab_init_type(l, src);
		return;
	}
	switch (a->type) {
	case IR_ATTR_FLOAT: {
		char b[40];

		snprintf(b, sizeof(b), "= %.4g", (double)a->f);
		dot_lab_lit(l, b);
		break;
	}
	case IR_ATTR_INT:
		dot_lab_lit(l, "= ");
		dot_lab_num(l, a->i);
		break;
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		dot_lab_lit(l, "list of ");
		dot_lab_num(l, (long long)a->n);
		break;
	default:
		dot_lab_text(l, a->name, DOT_NAME_SHORT / 2);
		break;
	}
}

/* "If 'name' / then_branch" or "function 'domain::name'". */
void
dot_cluster_label(struct label *l, const struct ir_graph *g)
{
	const struct ir_node *o = g->owner;
	const struct ir_attr *a;

	if (g->kind == IR_GRAPH_FUNCTION) {
		dot_lab_lit(l, "function '");
		if (g->function != NULL) {
			if (g->function->domain != NULL &&
			    g->function->domain[0] != '\0') {
				dot_lab_text(l, g->function->domain,
				    DOT_NAME_SHORT);
				dot_lab_lit(l, "::");
			}
			dot_lab_text(l, g->function->name, DOT_NAME_SHORT);
		}
		dot_lab_lit(l, "'");
		return;
	}
	if (o == NULL) {
		dot_lab_lit(l, "subgraph");
		return;
	}
	dot_lab_text(l, o->op_type, DOT_NAME_SHORT);
	if (o->name != NULL && o->name[0] != '\0') {
		dot_lab_lit(l, " '");
		dot_lab_text(l, o->name, DOT_NAME_SHORT);
		dot_lab_lit(l, "'");
	}
	dot_lab_lit(l, " / ");
	dot_lab_text(l, g->attr_name, DOT_NAME_SHORT);
	a = g->attr_name != NULL ? ir_node_attr(o, g->attr_name) : NULL;
	if (a != NULL && a->type == IR_ATTR_GRAPHS) {
		dot_lab_lit(l, "[");
		dot_lab_num(l, g->attr_index);
		dot_lab_lit(l, "]");
	}
}
