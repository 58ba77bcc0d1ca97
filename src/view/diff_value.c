/* SPDX-License-Identifier: MIT */
/*
 * The diff's change list and how it shows values.  Every string of the
 * report is made here, in the diff's arena, from model text escaped
 * (printable ASCII, everything else \xNN): node names and operators,
 * types ("float[1,3,n,?]"), tensors ("float 64x3x3x3 #hash", the XXH3
 * hash of their content from io/content.h) and attribute values (at most
 * DIFF_LIST_MAX list elements).  Tensors are equal when their element
 * type, dims and content hash are; attributes when their type and value
 * are (float bits compared exactly).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/content.h"
#include "view/diff_int.h"

#define DIFF_LIST_MAX	8	/* list elements shown per value */

const char *
diff_esc(struct diff *D, const char *s)
{
	char b[DIAG_ESCAPE_SIZE];
	char *r;

	if (s == NULL)
		return NULL;
	r = arena_strdup(&D->arena, diag_escape_str(b, sizeof(b), s));
	if (r == NULL)
		D->oom = true;
	return r;
}

const char *
diff_fmt(struct diff *D, const char *f, ...)
{
	char b[1024];
	va_list ap;
	char *r;

	va_start(ap, f);
	vsnprintf(b, sizeof(b), f, ap);
	va_end(ap);
	if ((r = arena_strdup(&D->arena, b)) == NULL)
		D->oom = true;
	return r;
}

struct change *
diff_add(struct diff *D, const char *kind, const char *graph)
{
	struct change *c;

	if (arena_grow(&D->arena, (void **)&D->v, &D->cap, D->n + 1,
	    sizeof(*D->v)) < 0) {
		D->oom = true;
		return NULL;
	}
	c = &D->v[D->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->graph = graph;
	c->entry = D->cur;
	return c;
}

/* "float[1,3,n,?]" into a small buffer. */
const char *
diff_type_str(struct diff *D, const struct ir_type *t)
{
	char b[512], e[DIAG_ESCAPE_SIZE];
	size_t n = 0;
	int i;

	switch (t->kind) {
	case IR_TYPE_NONE:
		return "?";
	case IR_TYPE_SEQUENCE:
		return "sequence";
	case IR_TYPE_MAP:
		return "map";
	case IR_TYPE_OPTIONAL:
		return "optional";
	case IR_TYPE_OPAQUE:
		return "opaque";
	case IR_TYPE_TENSOR:
	case IR_TYPE_SPARSE:
		break;
	}
	n += (size_t)snprintf(b, sizeof(b), "%s%s",
	    t->kind == IR_TYPE_SPARSE ? "sparse " : "",
	    ir_elem_name(t->elem) ? ir_elem_name(t->elem) : "?");
	if (t->rank >= 0 && t->dims != NULL) {
		for (i = 0; i < t->rank && n < sizeof(b) - 64; i++) {
			const struct ir_dim *d = &t->dims[i];

			n += (size_t)snprintf(b + n, sizeof(b) - n, "%s",
			    i == 0 ? "[" : ",");
			if (d->kind == IR_DIM_VALUE)
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%" PRId64, d->value);
			else if (d->kind == IR_DIM_PARAM)
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%.40s", diag_escape_str(e, sizeof(e),
				    d->param));
			else
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "?");
		}
		snprintf(b + n, sizeof(b) - n, "%s", t->rank == 0 ? "[]" :
		    "]");
	}
	return diff_fmt(D, "%s", b);
}

/* "float 64x3x3x3 #0123456789abcdef". */
const char *
diff_tensor_str(struct diff *D, const struct ir_tensor *t)
{
	char b[512];
	size_t n;
	int i;

	n = (size_t)snprintf(b, sizeof(b), "%s ", ir_elem_name(t->elem) ?
	    ir_elem_name(t->elem) : "?");
	for (i = 0; i < t->rank && n < sizeof(b) - 64; i++)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%s%" PRId64,
		    i ? "x" : "", t->dims[i]);
	if (t->rank == 0)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "scalar");
	snprintf(b + n, sizeof(b) - n, " #%016" PRIx64, io_tensor_hash(t));
	return diff_fmt(D, "%s", b);
}

bool
diff_tensor_eq(const struct ir_tensor *a, const struct ir_tensor *b)
{
	int i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->elem != b->elem || a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return io_tensor_hash(a) == io_tensor_hash(b);
}

/* An attribute's value as text; graphs are compared on their own. */
const char *
diff_attr_str(struct diff *D, const struct ir_attr *a)
{
	char b[1024];
	size_t n = 0, i;

	if (a == NULL)
		return NULL;
	switch (a->type) {
	case IR_ATTR_FLOAT:
		return diff_fmt(D, "%.7g", (double)a->f);
	case IR_ATTR_INT:
		return diff_fmt(D, "%" PRId64, a->i);
	case IR_ATTR_STRING: {
		char e[DIAG_ESCAPE_SIZE];
		char *s = arena_strndup(&D->arena, (const char *)a->s,
		    a->slen);

		if (s == NULL) {
			D->oom = true;
			return NULL;
		}
		return diff_fmt(D, "'%s'", diag_escape_str(e, sizeof(e), s));
	}
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		n += (size_t)snprintf(b, sizeof(b), "[");
		for (i = 0; i < a->n && i < DIFF_LIST_MAX; i++) {
			if (a->type == IR_ATTR_INTS)
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%s%" PRId64, i ? "," : "", a->ints[i]);
			else
				n += (size_t)snprintf(b + n, sizeof(b) - n,
				    "%s%.7g", i ? "," : "",
				    (double)a->floats[i]);
		}
		snprintf(b + n, sizeof(b) - n, "%s]",
		    a->n > DIFF_LIST_MAX ? ",..." : "");
		return diff_fmt(D, "%s", b);
	case IR_ATTR_TENSOR:
		return a->t != NULL ? diff_tensor_str(D, a->t) : "tensor";
	case IR_ATTR_GRAPH:
	case IR_ATTR_GRAPHS:
		return "graph";
	default:
		return diff_fmt(D, "%s", ir_attr_type_name(a->type));
	}
}

bool
diff_attr_eq(const struct ir_attr *x, const struct ir_attr *y)
{
	if (x->type != y->type)
		return false;
	switch (x->type) {
	case IR_ATTR_FLOAT:
	case IR_ATTR_INT:
	case IR_ATTR_STRING:
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		return ir_attr_plain_eq(x, y);
	case IR_ATTR_TENSOR:
		return diff_tensor_eq(x->t, y->t);
	case IR_ATTR_GRAPH:
	case IR_ATTR_GRAPHS:
		return true;	/* compared as subgraphs */
	default:
		return diff_str_eq(x->ref_attr_name, y->ref_attr_name);
	}
}

/* How fix's notes name a node: its name, else its first output. */
const char *
diff_subject_of(struct diff *D, const struct ir_node *n)
{
	if (n->name != NULL && n->name[0] != '\0')
		return diff_esc(D, n->name);
	if (n->noutputs > 0 && n->outputs[0] != NULL)
		return diff_esc(D, n->outputs[0]->name);
	return "";
}

/* How the report shows a node: as the notes name it, an output with
 * "-> " before it. */
const char *
diff_node_name(struct diff *D, const struct ir_node *n)
{
	const char *s = diff_subject_of(D, n);

	if ((n->name == NULL || n->name[0] == '\0') && n->noutputs > 0 &&
	    n->outputs[0] != NULL)
		return diff_fmt(D, "-> %s", s);
	return s;
}

const char *
diff_op_name(struct diff *D, const struct ir_node *n)
{
	if (ir_domain_is_onnx(n->domain))
		return diff_esc(D, n->op_type);
	return diff_fmt(D, "%s::%s", diff_esc(D, n->domain),
	    diff_esc(D, n->op_type));
}
