/* SPDX-License-Identifier: MIT */
/*
 * What the files of the opset pass share: the driver and the generic
 * comparison of two schema versions (opset.c), the rules of the operator
 * version steps (opset_rules.c), the expansions of operators missing at
 * the target (opset_expand.c), and the small helpers all three use.
 * Not an interface.
 */
#ifndef ONNXFIX_OPSET_H
#define ONNXFIX_OPSET_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/irbuild.h"
#include "ir/perm.h"
#include "opdb/opdb.h"
#include "pass.h"

#define WHY_SIZE 512
#define MAXV 64			/* constant values moved into one attribute */

/* One version step of one node in progress. */
struct conv {
	struct pass_ctx *ctx;
	struct ir_node *n;
	const struct opdb_schema *lo, *hi;	/* the two versions */
	bool down;
	int to;			/* the target opset */
	bool handled;		/* a rule vouched for the io differences */
	char why[WHY_SIZE];
};

enum move_kind {
	MV_INTS,		/* INTS <-> 1-D int64 */
	MV_INT1,		/* INT <-> 1-D int64 of one element (TopK k) */
	MV_FLOAT,		/* FLOAT <-> scalar of input 0's type */
	MV_FLOATS,		/* FLOATS <-> 1-D float */
};

struct rule;
typedef int (*rule_fn)(struct conv *c, const struct rule *r);

/* One operator version step: the step from the version before SINCE to
 * SINCE (down: from SINCE to the one before). */
struct rule {
	const char *op;
	int since;
	rule_fn fn;
	const char *attr;	/* for fn_move */
	int input;
	enum move_kind mv;
};

/* The rules, sorted by op then since; the rows of one step apply in
 * order (opset_rules.c). */
extern const struct rule opset_rules[];
extern const size_t opset_nrules;

/* N does not exist below S: expand it at opset TO (opset_expand.c).  0
 * done, 1 refused, -1 out of memory. */
int opset_expand(struct conv *c, const struct opdb_schema *s, int to);
/* Einsum below 12, decomposed (opset_einsum.c): the same. */
int opset_einsum(struct conv *c, int to);

/* Refuse the node: the reason into C->why; returns 1. */
static inline int __attribute__((format(printf, 2, 3)))
refuse(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return 1;
}

/* --- attribute helpers ------------------------------------------------- */

static inline void
attr_del(struct ir_node *n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0) {
			memmove(&n->attrs[i], &n->attrs[i + 1],
			    (n->nattrs - i - 1) * sizeof(n->attrs[0]));
			n->nattrs--;
			n->dirty = true;
			return;
		}
}

static inline bool
attr_is_ref(const struct ir_attr *a)
{
	return a != NULL && a->ref_attr_name != NULL;
}

/* Does STRING attribute A equal S? */
static inline bool
attr_str_is(const struct ir_attr *a, const char *s)
{
	size_t len = strlen(s);

	return a != NULL && a->type == IR_ATTR_STRING && a->slen == len &&
	    (len == 0 || memcmp(a->s, s, len) == 0);
}

/* STRING attribute NAME of N into BUF (SIZE bytes), DFLT when absent;
 * NULL when it is not a plain string that fits. */
static inline const char *
attr_str(const struct ir_node *n, const char *name, const char *dflt,
    char *buf, size_t size)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL)
		return dflt;
	if (a->type != IR_ATTR_STRING || attr_is_ref(a) || a->slen >= size ||
	    (a->slen > 0 && memchr(a->s, '\0', a->slen) != NULL))
		return NULL;
	if (a->slen > 0)
		memcpy(buf, a->s, a->slen);
	buf[a->slen] = '\0';
	return buf;
}

static inline int
set_attr_i(struct ir_node *n, const char *name, int64_t v)
{
	attr_del(n, name);
	return irbuild_attr_i(n, name, v);
}

static inline int
set_attr_s(struct ir_node *n, const char *name, const char *v)
{
	attr_del(n, name);
	return irbuild_attr_s(n, name, v);
}

/* Does A hold the value that the schema text DFLT spells? */
static inline bool
attr_equals(const struct ir_attr *a, const char *dflt)
{
	char *end;

	if (dflt == NULL || attr_is_ref(a) || !ir_attr_value_ok(a))
		return false;
	switch (a->type) {
	case IR_ATTR_INT: {
		long long v = strtoll(dflt, &end, 10);

		return *end == '\0' && end != dflt && v == a->i;
	}
	case IR_ATTR_FLOAT: {
		double v = strtod(dflt, &end);

		return *end == '\0' && end != dflt && (float)v == a->f;
	}
	case IR_ATTR_STRING:
		return attr_str_is(a, dflt);
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		return strcmp(dflt, "[]") == 0 && a->n == 0;
	default:
		return false;
	}
}

/* Give N attribute D spelled out with its default DFLT: 0, 1 refused
 * (a type the text cannot make), -1 out of memory. */
static inline int
set_default(struct conv *c, const struct opdb_attr *d, const char *dflt)
{
	char *end;

	switch (d->type) {
	case IR_ATTR_INT: {
		long long v = strtoll(dflt, &end, 10);

		if (*end != '\0' || end == dflt)
			break;
		return irbuild_attr_i(c->n, opdb_s(d->name), v);
	}
	case IR_ATTR_FLOAT: {
		double v = strtod(dflt, &end);

		if (*end != '\0' || end == dflt)
			break;
		return irbuild_attr_f(c->n, opdb_s(d->name), (float)v);
	}
	case IR_ATTR_STRING:
		return irbuild_attr_s(c->n, opdb_s(d->name), dflt);
	default:
		break;
	}
	return refuse(c, "the default of attribute '%s' changed and cannot "
	    "be spelled out", opdb_s(d->name));
}

/* --- values ------------------------------------------------------------ */

static inline const char *
vname(const struct ir_value *v)
{
	return v != NULL ? v->name : "";
}

static inline int
value_rank(const struct ir_value *v)
{
	return v != NULL && v->type.kind == IR_TYPE_TENSOR ? v->type.rank :
	    -1;
}

static inline int32_t
value_elem(const struct ir_value *v)
{
	return v != NULL && v->type.kind == IR_TYPE_TENSOR ? v->type.elem : 0;
}

/* Are the shapes of A and B known and the same? */
static inline bool
same_shape(const struct ir_value *a, const struct ir_value *b)
{
	int i;

	if (value_rank(a) < 0 || value_rank(a) != value_rank(b))
		return false;
	for (i = 0; i < a->type.rank; i++)
		if (a->type.dims[i].kind != IR_DIM_VALUE ||
		    b->type.dims[i].kind != IR_DIM_VALUE ||
		    a->type.dims[i].value != b->type.dims[i].value)
			return false;
	return true;
}

/* Input I of N, NULL when absent. */
static inline struct ir_value *
in(const struct ir_node *n, size_t i)
{
	return i < n->ninputs ? n->inputs[i] : NULL;
}

/* Drop absent inputs at the end of N. */
static inline void
trim_inputs(struct ir_node *n)
{
	while (n->ninputs > 0 && n->inputs[n->ninputs - 1] == NULL) {
		n->ninputs--;
		n->dirty = true;
	}
}

static inline int
set_input(struct ir_node *n, size_t i, struct ir_value *v)
{
	while (n->ninputs <= i)
		if (ir_node_add_input(n, NULL) < 0)
			return -1;
	if (ir_node_set_input(n, i, v) < 0)
		return -1;
	n->dirty = true;
	return 0;
}

/* Integer values of constant input I of N into OUT: 0, 1 refused. */
static inline int
const_ints(struct conv *c, size_t i, int64_t *out, size_t *cnt)
{
	char b[DIAG_ESCAPE_SIZE];
	struct ir_value *v = in(c->n, i);
	const struct ir_tensor *t = perm_const(v);

	if (t == NULL)
		return refuse(c, "input %zu '%s' is not a constant", i,
		    diag_esc(b, vname(v)));
	if (perm_const_ints(t, out, MAXV, cnt) < 0)
		return refuse(c, "input %zu '%s': its values cannot be read",
		    i, diag_esc(b, vname(v)));
	return 0;
}

/* A node OP of the default domain reading IN (NIN) and producing Y (a
 * value of the node it replaces) or a fresh value when Y is NULL. */
static inline struct ir_node *
emit(struct ir_graph *g, const char *op, struct ir_value *const *ins,
    size_t nin, struct ir_value *y)
{
	struct ir_node *n;

	if (y == NULL)
		return irbuild_node(g, op, "", ins, nin, 1, "opset");
	if ((n = irbuild_node(g, op, "", ins, nin, 0, y->name)) == NULL ||
	    (n->outputs = arena_array(&g->model->arena, 1,
	    sizeof(*n->outputs))) == NULL)
		return NULL;
	n->noutputs = 1;
	ir_node_set_output(n, 0, y);
	n->name = y->name;
	return n;
}

static inline struct ir_value *
emit2(struct ir_graph *g, const char *op, struct ir_value *a,
    struct ir_value *b, struct ir_value *y)
{
	struct ir_value *in2[2];
	struct ir_node *n;

	in2[0] = a;
	in2[1] = b;
	n = emit(g, op, in2, b != NULL ? 2 : 1, y);
	return n != NULL ? n->outputs[0] : NULL;
}

/* Take the outputs away from N (their values go to the new nodes) and
 * kill it. */
static inline void
retire(struct ir_node *n, struct ir_value **outs, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++)
		outs[i] = i < n->noutputs ? n->outputs[i] : NULL;
	ir_node_kill(n);
	for (i = 0; i < n->noutputs; i++)
		n->outputs[i] = NULL;
}


#endif
