/* SPDX-License-Identifier: MIT */
/*
 * What the rules and the engine of shape inference build on: types made
 * and copied, attributes read, axes given by attribute or input, findings
 * reported, numpy broadcasting, and the subgraphs of control-flow nodes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag/diag.h"
#include "ir/shapes_int.h"

/* Known to be the same size. */
bool
shapes_dim_same(const struct ir_dim *a, const struct ir_dim *b)
{
	if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE)
		return a->value == b->value;
	if (a->kind == IR_DIM_PARAM && b->kind == IR_DIM_PARAM)
		return strcmp(a->param, b->param) == 0;
	return false;
}

/*
 * Make O a tensor of ELEM with RANK unknown dims (RANK -1: unranked).
 * A RANK above SH_MAX_RANK makes O unranked too, with no dims array: a
 * caller whose RANK is not bounded by an input's rank (inputs of a
 * higher rank never reach an operator, see infer_node) checks o->rank
 * before it writes a dim.
 */
int
shapes_mk(struct sh *s, struct ir_type *o, int32_t elem, int rank)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->kind = IR_TYPE_TENSOR;
	o->elem = elem;
	o->rank = rank > SH_MAX_RANK ? -1 : rank;
	if (o->rank < 0)
		return 0;
	o->dims = arena_array(&s->tmp, (size_t)rank + 1, sizeof(*o->dims));
	if (o->dims == NULL)
		return -1;
	for (i = 0; i < rank; i++)
		o->dims[i] = dunknown();
	return 0;
}

/* O gets the type of input I (shape shared, read-only). */
void
shapes_same_as(struct ir_type *o, const struct ir_node *n, size_t i)
{
	const struct ir_type *t = in_t(n, i);

	if (t != NULL)
		*o = *t;
	o->orig = NULL;
	o->dirty = false;
}

/* O gets the shape of input I with element type ELEM. */
int
shapes_shape_of(struct sh *s, struct ir_type *o, const struct ir_node *n,
    size_t i, int32_t elem)
{
	const struct ir_type *t = in_t(n, i);

	if (t == NULL)
		return shapes_mk(s, o, elem, -1);
	shapes_same_as(o, n, i);
	o->elem = elem;
	return 0;
}

/* Axes of Squeeze/Unsqueeze/Reduce*: attribute or input by opset. */
bool
shapes_axes_of(struct sh *s, struct ir_node *n, int input_from, size_t input,
    const int64_t **axes, size_t *na, bool *given)
{
	*axes = NULL;
	*na = 0;
	if (ir_node_opset(n) < input_from) {
		*axes = ir_attr_ints(n, "axes", na);
		*given = *axes != NULL;
		return true;
	}
	if (in_v(n, input) == NULL) {
		*given = false;
		return true;
	}
	*given = true;
	return shapes_cints(s, in_v(n, input), axes, na);
}

char *
shapes_type_str(const struct ir_type *t, char *buf, size_t size)
{
	const char *en = ir_elem_name(t->elem);
	size_t o;
	int i;

	if (size == 0)
		return buf;
	if (t->kind != IR_TYPE_TENSOR) {
		snprintf(buf, size, "%s", t->kind == IR_TYPE_NONE ? "?" :
		    "non-tensor");
		return buf;
	}
	if (t->elem == 0)
		snprintf(buf, size, "?");
	else if (en != NULL)
		snprintf(buf, size, "%s", en);
	else
		snprintf(buf, size, "elem(%" PRId32 ")", t->elem);
	o = strlen(buf);
	if (t->rank < 0) {
		snprintf(buf + o, size - o, "[...]");
		return buf;
	}
	if (o + 1 < size)
		buf[o++] = '[';
	for (i = 0; i < t->rank && o + 1 < size; i++) {
		char esc[DIAG_ESCAPE_SIZE];
		const struct ir_dim *d = &t->dims[i];

		if (i > 0)
			buf[o++] = ',';
		if (d->kind == IR_DIM_VALUE)
			snprintf(buf + o, size - o, "%" PRId64, d->value);
		else if (d->kind == IR_DIM_PARAM)
			snprintf(buf + o, size - o, "%s",
			    diag_escape_str(esc, sizeof(esc), d->param));
		else
			snprintf(buf + o, size - o, "?");
		o += strlen(buf + o);
	}
	if (o + 1 < size)
		buf[o++] = ']';
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

static void
report_at(struct sh *s, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *fmt, va_list ap)
{
	char buf[1024];

	if (s->fn == NULL)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	s->fn(s->arg, what, g, n, buf);
}

void
shapes_report(struct sh *s, enum shapes_issue what, const struct ir_node *n,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_at(s, what, n->graph, n, fmt, ap);
	va_end(ap);
}

/* A declaration finding: at V's producer, or at its graph when V is an
 * initializer. */
void
shapes_report_decl(struct sh *s, enum shapes_issue what,
    const struct ir_value *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_at(s, what, v->graph, v->producer, fmt, ap);
	va_end(ap);
}

const char *
shapes_esc_name(char *buf, const struct ir_value *v)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, v ? v->name : "");
}

/*
 * Multidirectional (numpy) broadcast of A into O (O may be A): a 1
 * stretches, equal dims match, equal params match.  Returns 1 when the
 * shapes are proven incompatible (then *BAD is the output axis).
 */
int
shapes_bcast_dim(const struct ir_dim *a, const struct ir_dim *b,
    struct ir_dim *o)
{
	if (isval(a, 1)) {
		*o = *b;
		return 0;
	}
	if (isval(b, 1)) {
		*o = *a;
		return 0;
	}
	if (a->kind == IR_DIM_VALUE && b->kind == IR_DIM_VALUE) {
		if (a->value != b->value)
			return 1;
		*o = *a;
		return 0;
	}
	if (a->kind == IR_DIM_VALUE) {
		*o = *a;
		return 0;
	}
	if (b->kind == IR_DIM_VALUE) {
		*o = *b;
		return 0;
	}
	if (shapes_dim_same(a, b)) {
		*o = *a;
		return 0;
	}
	*o = dunknown();
	return 0;
}

/*
 * Broadcast the tensor inputs FIRST..LAST of N into O (elem ELEM).
 * Returns 0, or -1 out of memory.  A proven mismatch is reported and
 * leaves O unranked.
 */
int
shapes_bcast_inputs(struct sh *s, struct ir_node *n, size_t first, size_t last,
    int32_t elem, struct ir_type *o)
{
	int rank = 0, i;
	size_t k;

	for (k = first; k <= last && k < n->ninputs; k++) {
		int r = in_rank(n, k);

		if (r < 0)
			return shapes_mk(s, o, elem, -1);
		if (r > rank)
			rank = r;
	}
	if (shapes_mk(s, o, elem, rank) < 0)
		return -1;
	if (o->rank < 0)
		return 0;
	for (i = 0; i < rank; i++)
		o->dims[i] = dval(1);
	for (k = first; k <= last && k < n->ninputs; k++) {
		const struct ir_type *t = in_t(n, k);
		int off = rank - t->rank;

		for (i = 0; i < t->rank; i++) {
			struct ir_dim prev = o->dims[off + i];

			if (shapes_bcast_dim(&prev, &t->dims[i],
			    &o->dims[off + i])) {
				char e1[DIAG_ESCAPE_SIZE];

				/* onnx's checker leaves the function bodies
				 * of these two unchecked */
				if (s->consts_only && (strcmp(n->op_type,
				    "GreaterOrEqual") == 0 || strcmp(n->op_type,
				    "LessOrEqual") == 0))
					return shapes_mk(s, o, elem, -1);

				shapes_report(s, SHAPES_BROADCAST, n,
				    "input %zu '%s' dim %d is %" PRId64
				    ", other inputs give %" PRId64, k,
				    shapes_esc_name(e1, n->inputs[k]), i,
				    t->dims[i].value, prev.value);
				return shapes_mk(s, o, elem, -1);
			}
		}
	}
	return 0;
}

/* Output dims from a shape input given as a constant vector. */
int
shapes_dims_from_const(struct sh *s, struct ir_node *n, size_t input,
    int32_t elem, struct ir_type *o)
{
	const struct sconst *c = shapes_cget(s, in_v(n, input));
	const struct ir_type *t = in_t(n, input);
	size_t i;

	if (c != NULL && c->rank == 1) {
		if (shapes_mk(s, o, elem, rank_n(c->n)) < 0)
			return -1;
		for (i = 0; i < c->n && o->rank >= 0; i++)
			if (c->e[i].kind != IR_DIM_VALUE ||
			    c->e[i].value >= 0)
				o->dims[i] = c->e[i];
		return 0;
	}
	if (t != NULL && t->rank == 1 && t->dims[0].kind == IR_DIM_VALUE)
		return shapes_mk(s, o, elem, rank_v(t->dims[0].value));
	return shapes_mk(s, o, elem, -1);
}

/* The product of dims FROM..TO-1 of T as a dim (value, a single param or
 * unknown). */
struct ir_dim
shapes_dim_prod(const struct ir_type *t, int from, int to)
{
	const struct ir_dim *param = NULL;
	int64_t p = 1;
	int i;

	for (i = from; i < to; i++) {
		const struct ir_dim *d = &t->dims[i];

		if (d->kind == IR_DIM_VALUE) {
			if (d->value < 0 || (d->value != 0 &&
			    p > INT64_MAX / d->value))
				return dunknown();
			p *= d->value;
		} else if (d->kind == IR_DIM_PARAM && param == NULL) {
			param = d;
		} else {
			return dunknown();
		}
	}
	if (param != NULL)
		return p == 1 ? *param : dunknown();
	return dval(p);
}

struct ir_graph *
shapes_subgraph(const struct ir_node *n, const char *name)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	return a != NULL && a->type == IR_ATTR_GRAPH ? a->g : NULL;
}

const struct ir_type *
shapes_gout(const struct ir_graph *g, size_t i)
{
	if (g == NULL || i >= g->noutputs || g->outputs[i].value == NULL)
		return NULL;
	return tensor_of(g->outputs[i].value);
}

/* A Scan's body and state count: its inputs are the state variables,
 * then the scan inputs (num_scan_inputs of them), as are its body's. */
int
shapes_scan_counts(const struct ir_node *n, struct ir_graph **body,
    size_t *nstate)
{
	int64_t nscan = ir_attr_int(n, "num_scan_inputs", -1);

	*body = shapes_subgraph(n, "body");
	if (*body == NULL || ir_node_opset(n) < 9 || nscan < 1 ||
	    (size_t)nscan > n->ninputs)
		return -1;
	*nstate = n->ninputs - (size_t)nscan;
	if ((*body)->ninputs != n->ninputs ||
	    (*body)->noutputs != n->noutputs || *nstate > n->noutputs)
		return -1;
	return 0;
}
