/* SPDX-License-Identifier: MIT */
/*
 * opset: convert the default domain ("" / ai.onnx) to the opset that
 * fix --opset N asks for, down or up, exactly or not at all.
 *
 * Deploy targets pin an opset; models are exported at another.  For each
 * node the pass walks the operator's schema versions between the two
 * opsets (src/opdb holds every one) and applies each version step:
 *  - a step whose signature is unchanged changed only its type lists or
 *    its documentation: the node is kept when its element types are in
 *    the target version's lists (checked once, at the end of the walk);
 *  - attributes that became inputs (Clip min/max, Pad pads, Slice,
 *    TopK k, Split split, Squeeze/Unsqueeze and Reduce* axes, Upsample
 *    scales, Reshape shape, Dropout ratio) move across as constants; a
 *    non-constant input that would have to become an attribute refuses
 *    the node;
 *  - an attribute added with a default is dropped going down when it
 *    holds that default, refused otherwise; an attribute whose default
 *    changed is spelled out;
 *  - steps that changed semantics under an unchanged signature (the
 *    softmax axis at 13, negative axes at 11, broadcasting of the old
 *    element-wise operators, RoiAlign's coordinates at 16, GridSample's
 *    mode names at 20, ...) have a rule each, rewriting exactly or
 *    refusing.
 * The steps are data: one row of `rules` per operator version step that
 * needs more than the generic comparison of the two schemas; a step
 * whose signatures differ with no row is refused.  Subgraphs and local
 * function bodies are converted; other domains are left as they are.
 *
 * Exactness first: when a node cannot be converted exactly, the pass
 * reports it (F401: node, operator, version step, why) and sets
 * ctx->refused, so that fix writes nothing.  The IR version follows the
 * opset going up (onnx-releases.tsv pairs each opset with the IR version
 * of its release); --ir-version sets it.
 * Requires: element types and ranks from shape inference.
 * Preserves: the graph interface, every value's name and contents.
 *
 *	before:  opset 13   Y = ReduceSum(X, axes=[1])   (axes an input)
 *	after:   opset 11   Y = ReduceSum(X) axes=[1]    (an attribute)
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/irbuild.h"
#include "ir/shapes.h"
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
	bool handled;		/* a rule vouched for the io differences */
	char why[WHY_SIZE];
};

/* Refuse the node: the reason into C->why; returns 1. */
static int __attribute__((format(printf, 2, 3)))
refuse(struct conv *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return 1;
}

static const char *
esc(char *buf, const char *s)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, s != NULL ? s : "");
}

/* --- attribute helpers ------------------------------------------------- */

static void
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

static bool
attr_is_ref(const struct ir_attr *a)
{
	return a != NULL && a->ref_attr_name != NULL;
}

static int64_t
attr_i(const struct ir_node *n, const char *name, int64_t dflt)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	return a != NULL && a->type == IR_ATTR_INT && !attr_is_ref(a) ?
	    a->i : dflt;
}

/* Does STRING attribute A equal S? */
static bool
attr_str_is(const struct ir_attr *a, const char *s)
{
	size_t len = strlen(s);

	return a != NULL && a->type == IR_ATTR_STRING && a->slen == len &&
	    (len == 0 || memcmp(a->s, s, len) == 0);
}

/* STRING attribute NAME of N into BUF (SIZE bytes), DFLT when absent;
 * NULL when it is not a plain string that fits. */
static const char *
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

static int
set_attr_i(struct ir_node *n, const char *name, int64_t v)
{
	attr_del(n, name);
	return irbuild_attr_i(n, name, v);
}

static int
set_attr_s(struct ir_node *n, const char *name, const char *v)
{
	attr_del(n, name);
	return irbuild_attr_s(n, name, v);
}

/* Does A hold the value that the schema text DFLT spells? */
static bool
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
static int
set_default(struct conv *c, const struct opdb_attr *d, const char *dflt)
{
	char *end;

	switch (d->type) {
	case IR_ATTR_INT: {
		long long v = strtoll(dflt, &end, 10);

		if (*end != '\0' || end == dflt)
			break;
		return irbuild_attr_i(c->n, d->name, v);
	}
	case IR_ATTR_FLOAT: {
		double v = strtod(dflt, &end);

		if (*end != '\0' || end == dflt)
			break;
		return irbuild_attr_f(c->n, d->name, (float)v);
	}
	case IR_ATTR_STRING:
		return irbuild_attr_s(c->n, d->name, dflt);
	default:
		break;
	}
	return refuse(c, "the default of attribute '%s' changed and cannot "
	    "be spelled out", d->name);
}

/* --- values ------------------------------------------------------------ */

static const char *
vname(const struct ir_value *v)
{
	return v != NULL ? v->name : "";
}

static int
value_rank(const struct ir_value *v)
{
	return v != NULL && v->type.kind == IR_TYPE_TENSOR ? v->type.rank :
	    -1;
}

static int32_t
value_elem(const struct ir_value *v)
{
	return v != NULL && v->type.kind == IR_TYPE_TENSOR ? v->type.elem : 0;
}

/* Are the shapes of A and B known and the same? */
static bool
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
static struct ir_value *
in(const struct ir_node *n, size_t i)
{
	return i < n->ninputs ? n->inputs[i] : NULL;
}

/* Drop absent inputs at the end of N. */
static void
trim_inputs(struct ir_node *n)
{
	while (n->ninputs > 0 && n->inputs[n->ninputs - 1] == NULL) {
		n->ninputs--;
		n->dirty = true;
	}
}

static int
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
static int
const_ints(struct conv *c, size_t i, int64_t *out, size_t *cnt)
{
	char b[DIAG_ESCAPE_SIZE];
	struct ir_value *v = in(c->n, i);
	const struct ir_tensor *t = perm_const(v);

	if (t == NULL)
		return refuse(c, "input %zu '%s' is not a constant", i,
		    esc(b, vname(v)));
	if (perm_const_ints(t, out, MAXV, cnt) < 0)
		return refuse(c, "input %zu '%s': its values cannot be read",
		    i, esc(b, vname(v)));
	return 0;
}

/* --- attribute <-> input moves ----------------------------------------- */

enum move_kind {
	MV_INTS,		/* INTS <-> 1-D int64 */
	MV_INT1,		/* INT <-> 1-D int64 of one element (TopK k) */
	MV_FLOAT,		/* FLOAT <-> scalar of input 0's type */
	MV_FLOATS,		/* FLOATS <-> 1-D float */
};

/* A constant for an attribute moved into an input: an initializer
 * (local functions have none: refused there). */
static int
make_const(struct conv *c, const struct ir_attr *a, enum move_kind k,
    struct ir_value **out)
{
	struct ir_graph *g = c->n->graph;
	int64_t dim;
	int32_t elem;

	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "attribute '%s' would become a constant "
		    "input inside a function body", a->name);
	switch (k) {
	case MV_INTS:
		if (a->type != IR_ATTR_INTS)
			break;
		*out = irbuild_ints(g, a->name, a->ints, a->n);
		return *out == NULL ? -1 : 0;
	case MV_INT1:
		if (a->type != IR_ATTR_INT)
			break;
		*out = irbuild_ints(g, a->name, &a->i, 1);
		return *out == NULL ? -1 : 0;
	case MV_FLOAT:
		if (a->type != IR_ATTR_FLOAT)
			break;
		elem = value_elem(in(c->n, 0));
		if (elem != IR_ELEM_FLOAT && elem != IR_ELEM_DOUBLE &&
		    elem != IR_ELEM_FLOAT16)
			return refuse(c, "attribute '%s': the element type "
			    "of input 0 is not known to be a float type",
			    a->name);
		*out = irbuild_scalar(g, a->name, elem, a->f, 0);
		return *out == NULL ? -1 : 0;
	case MV_FLOATS:
		if (a->type != IR_ATTR_FLOATS)
			break;
		dim = (int64_t)a->n;
		*out = irbuild_init(g, a->name, IR_ELEM_FLOAT, 1, &dim,
		    a->floats, a->n * sizeof(float));
		return *out == NULL ? -1 : 0;
	}
	return refuse(c, "attribute '%s' is not of the type its input takes",
	    a->name);
}

/* Input I of N becomes attribute NAME (down) or the reverse (up). */
static int
move(struct conv *c, const char *name, size_t i, enum move_kind k)
{
	char b[DIAG_ESCAPE_SIZE];
	struct ir_node *n = c->n;

	c->handled = true;
	if (c->down) {
		struct ir_value *v = in(n, i);
		const struct ir_tensor *t;
		int64_t iv[MAXV];
		size_t cnt = 0;
		int rc;

		if (v == NULL)
			return 0;
		if ((t = perm_const(v)) == NULL)
			return refuse(c, "input %zu '%s' is not a constant: "
			    "it cannot become attribute '%s'", i,
			    esc(b, v->name), name);
		switch (k) {
		case MV_INTS:
		case MV_INT1:
			if ((rc = const_ints(c, i, iv, &cnt)) != 0)
				return rc;
			if (k == MV_INT1 && cnt != 1)
				return refuse(c, "input %zu holds %zu values, "
				    "attribute '%s' one", i, cnt, name);
			rc = k == MV_INT1 ? irbuild_attr_i(n, name, iv[0]) :
			    irbuild_attr_ints(n, name, iv, cnt);
			if (rc < 0)
				return -1;
			break;
		case MV_FLOAT:
		case MV_FLOATS: {
			float fv[MAXV];
			int64_t count = perm_const_count(t);
			int64_t j;

			if (count < 0 || count > MAXV ||
			    (k == MV_FLOAT && count != 1))
				return refuse(c, "input %zu '%s' does not hold "
				    "what attribute '%s' takes", i,
				    esc(b, v->name), name);
			if (t->elem != IR_ELEM_FLOAT &&
			    t->elem != IR_ELEM_FLOAT16 &&
			    t->elem != IR_ELEM_DOUBLE)
				return refuse(c, "input %zu '%s' is %s: "
				    "attribute '%s' is a float", i,
				    esc(b, v->name), ir_elem_name(t->elem),
				    name);
			for (j = 0; j < count; j++) {
				double d;

				if (ir_tensor_get_f64(t, (uint64_t)j, &d) < 0)
					return refuse(c, "input %zu '%s': its "
					    "values cannot be read", i,
					    esc(b, v->name));
				fv[j] = (float)d;
				if ((double)fv[j] != d && !isnan(d))
					return refuse(c, "input %zu '%s': "
					    "%.17g is not a float", i,
					    esc(b, v->name), d);
			}
			rc = k == MV_FLOAT ? irbuild_attr_f(n, name, fv[0]) :
			    irbuild_attr_floats(n, name, fv, (size_t)count);
			if (rc < 0)
				return -1;
			break;
		}
		}
		if (ir_node_set_input(n, i, NULL) < 0)
			return -1;
		n->dirty = true;
		trim_inputs(n);
		return 0;
	} else {
		struct ir_attr *a = ir_node_attr(n, name);
		struct ir_value *v = NULL;
		int rc;

		if (a == NULL)
			return 0;
		if (attr_is_ref(a))
			return refuse(c, "attribute '%s' refers to a function "
			    "attribute", name);
		if (in(n, i) != NULL)
			return refuse(c, "attribute '%s' and input %zu both "
			    "given", name, i);
		if ((rc = make_const(c, a, k, &v)) != 0)
			return rc;
		attr_del(n, name);
		return set_input(n, i, v);
	}
}

/* --- rules -------------------------------------------------------------- */

static struct ir_node *emit(struct ir_graph *g, const char *op,
    struct ir_value *const *ins, size_t nin, struct ir_value *y);

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

static int
fn_move(struct conv *c, const struct rule *r)
{
	return move(c, r->attr, (size_t)r->input, r->mv);
}

/* Semantics widened at this step: going down, no exact rewrite known
 * (going up, what the old version meant stays valid). */
static int
fn_refuse(struct conv *c, const struct rule *r)
{
	if (!c->down)
		return 0;
	return refuse(c, "%s", r->attr != NULL ? r->attr :
	    "the semantics changed and no exact rewrite is known");
}

/* Old broadcasting (axis, broadcast attributes, below 7). */
static int
fn_old_broadcast(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	const struct ir_attr *bc = ir_node_attr(n, "broadcast");
	bool gemm = strcmp(r->op, "Gemm") == 0;

	if (c->down) {
		if (gemm)	/* C broadcasts one way either way */
			return set_attr_i(n, "broadcast", 1);
		if (!same_shape(in(n, 0), in(n, 1)))
			return refuse(c, "inputs of different or unknown "
			    "shapes broadcast only with the old 'broadcast' "
			    "attribute, whose alignment differs");
		return 0;
	}
	if (bc != NULL && (bc->type != IR_ATTR_INT || attr_is_ref(bc)))
		return refuse(c, "attribute 'broadcast' is not a plain int");
	if (!gemm && bc != NULL && bc->i != 0 &&
	    ir_node_attr(n, "axis") != NULL) {
		int ra = value_rank(in(n, 0)), rb = value_rank(in(n, 1));

		if (ra < 0 || rb < 0 || attr_i(n, "axis", 0) != ra - rb)
			return refuse(c, "broadcast along an axis other than "
			    "the trailing ones");
	}
	attr_del(n, "broadcast");
	attr_del(n, "axis");
	return 0;
}

/* Max, Min, Sum, Mean below 8: every input of one shape. */
static int
fn_variadic_broadcast(struct conv *c, const struct rule *r)
{
	size_t i;

	(void)r;
	if (!c->down)
		return 0;
	for (i = 1; i < c->n->ninputs; i++)
		if (!same_shape(in(c->n, 0), in(c->n, i)))
			return refuse(c, "inputs of different or unknown "
			    "shapes: multidirectional broadcasting starts "
			    "at %s-8", c->n->op_type);
	return 0;
}

/* Softmax, LogSoftmax, Hardmax: below 13 the input is coerced to 2-D at
 * axis (default 1); from 13 the operation runs along axis (default -1).
 * The same where axis is the last one; going up otherwise: Flatten,
 * the op along axis 1, Reshape back. */
static int
fn_softmax(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	int rank = value_rank(in(n, 0));
	int64_t axis = attr_i(n, "axis", c->down ? -1 : 1);
	struct ir_value *x = in(n, 0), *y, *flat, *shape, *mid;
	struct ir_node *fl, *sh, *rs;
	struct ir_value *fin[1], *rin[2];

	(void)r;
	if (ir_node_attr(n, "axis") != NULL &&
	    (ir_node_attr(n, "axis")->type != IR_ATTR_INT ||
	    attr_is_ref(ir_node_attr(n, "axis"))))
		return refuse(c, "attribute 'axis' is not a plain int");
	if (rank >= 0 && axis < 0)
		axis += rank;
	if (rank >= 0 && (axis < 0 || axis >= rank))
		return refuse(c, "axis out of range");
	if (rank >= 0 && axis == rank - 1)
		return set_attr_i(n, "axis", -1);
	if (c->down)
		return refuse(c, "%s-13 along axis %" PRId64 " of a rank-%d "
		    "input (or of unknown rank) is not the 2-D coercion "
		    "of the older versions", n->op_type, axis, rank);
	if (axis < 0)
		return refuse(c, "negative axis on an input of unknown rank");
	if (n->noutputs != 1 || (y = n->outputs[0]) == NULL || x == NULL)
		return refuse(c, "unexpected outputs");
	/* Flatten(x, axis) -> op(axis=1) -> Reshape(Shape(x)) */
	fin[0] = x;
	if ((fl = irbuild_node(n->graph, "Flatten", "", fin, 1, 1,
	    "opset_flat")) == NULL || irbuild_attr_i(fl, "axis", axis) < 0)
		return -1;
	if ((sh = irbuild_node(n->graph, "Shape", "", fin, 1, 1,
	    "opset_shape")) == NULL)
		return -1;
	flat = fl->outputs[0];
	shape = sh->outputs[0];
	if ((mid = irbuild_value(n->graph, "opset_2d")) == NULL)
		return -1;
	if (ir_node_set_input(n, 0, flat) < 0)
		return -1;
	ir_node_set_output(n, 0, mid);
	rin[0] = mid;
	rin[1] = shape;
	if ((rs = irbuild_node(n->graph, "Reshape", "", rin, 2, 0,
	    "opset_reshape")) == NULL)
		return -1;
	rs->noutputs = 1;
	rs->outputs = arena_array(&n->graph->model->arena, 1,
	    sizeof(*rs->outputs));
	if (rs->outputs == NULL)
		return -1;
	ir_node_set_output(rs, 0, y);
	n->dirty = true;
	return set_attr_i(n, "axis", 1);
}

/* Negative axes arrive at 11: below, normalise them by the rank. */
static int
fn_neg_axes(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	struct ir_attr *a;
	int rank;
	size_t k;

	(void)r;
	if (!c->down)
		return 0;
	/* Unsqueeze's axes index its output */
	rank = strcmp(n->op_type, "Unsqueeze") == 0 ?
	    value_rank(n->noutputs > 0 ? n->outputs[0] : NULL) :
	    value_rank(in(n, 0));
	if ((a = ir_node_attr(n, "axis")) != NULL && a->type == IR_ATTR_INT &&
	    a->i < 0) {
		if (attr_is_ref(a) || rank < 0)
			return refuse(c, "negative axis on an input of unknown "
			    "rank");
		a->i += strcmp(n->op_type, "Flatten") == 0 ? rank : rank;
		a->dirty = true;
		n->dirty = true;
	}
	if ((a = ir_node_attr(n, "axes")) != NULL && a->type == IR_ATTR_INTS)
		for (k = 0; k < a->n; k++)
			if (a->ints[k] < 0) {
				if (attr_is_ref(a) || rank < 0)
					return refuse(c, "negative axes on an "
					    "input of unknown rank");
				a->ints[k] += rank;
				a->dirty = true;
				n->dirty = true;
			}
	return 0;
}

/* Gather-11 takes negative indices; below, only known non-negative ones
 * mean the same. */
static int
fn_gather(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt, i;
	int rc;

	if (!c->down)
		return 0;
	if ((rc = fn_neg_axes(c, r)) != 0)
		return rc;
	if ((rc = const_ints(c, 1, v, &cnt)) != 0)
		return refuse(c, "indices may be negative, which only "
		    "Gather-11 defines (indices not a small constant)");
	for (i = 0; i < cnt; i++)
		if (v[i] < 0)
			return refuse(c, "negative index %" PRId64
			    ", which only Gather-11 defines", v[i]);
	return 0;
}

/*
 * auto_pad SAME_UPPER/SAME_LOWER spelled out as pads, which every
 * version reads alike: output ceil(in / stride), the total padding
 * (out - 1) * stride + (kernel - 1) * dilation + 1 - in, the odd one at
 * the end (UPPER) or the start (LOWER).  Needs the spatial sizes.
 */
static int
explicit_pads(struct conv *c, bool upper)
{
	struct ir_node *n = c->n;
	const struct ir_value *x = in(n, 0), *w = in(n, 1);
	const struct ir_attr *ks = ir_node_attr(n, "kernel_shape");
	const struct ir_attr *st = ir_node_attr(n, "strides");
	const struct ir_attr *dl = ir_node_attr(n, "dilations");
	int rank = value_rank(x), sp, i;
	int64_t pads[2 * MAXV];

	if (rank < 3 || rank - 2 > MAXV)
		return refuse(c, "SAME padding on an input of unknown rank");
	sp = rank - 2;
	for (i = 0; i < sp; i++) {
		int64_t in_ = x->type.dims[i + 2].value, k, s = 1, d = 1;
		int64_t out, eff, total;

		if (x->type.dims[i + 2].kind != IR_DIM_VALUE || in_ <= 0)
			return refuse(c, "SAME padding on an input of unknown "
			    "size");
		if (ks != NULL && ks->type == IR_ATTR_INTS &&
		    ks->n == (size_t)sp)
			k = ks->ints[i];
		else if (strcmp(n->op_type, "Conv") == 0 && ks == NULL &&
		    value_rank(w) == rank &&
		    w->type.dims[i + 2].kind == IR_DIM_VALUE)
			k = w->type.dims[i + 2].value;
		else
			return refuse(c, "SAME padding with kernel_shape not "
			    "known");
		if (st != NULL && (st->type != IR_ATTR_INTS ||
		    st->n != (size_t)sp))
			return refuse(c, "strides not plain");
		if (dl != NULL && (dl->type != IR_ATTR_INTS ||
		    dl->n != (size_t)sp))
			return refuse(c, "dilations not plain");
		if (st != NULL)
			s = st->ints[i];
		if (dl != NULL)
			d = dl->ints[i];
		if (s <= 0 || d <= 0 || k <= 0 || k > (1 << 20) ||
		    d > (1 << 20) || s > (1 << 20) || in_ > (INT64_C(1) << 40))
			return refuse(c, "kernel, stride or dilation out of "
			    "range");
		out = (in_ + s - 1) / s;
		eff = (k - 1) * d + 1;
		total = (out - 1) * s + eff - in_;
		if (total < 0)
			return refuse(c, "SAME padding with a negative total");
		pads[upper ? i : i + sp] = total / 2;
		pads[upper ? i + sp : i] = total - total / 2;
	}
	attr_del(n, "auto_pad");
	attr_del(n, "pads");
	return irbuild_attr_ints(n, "pads", pads, (size_t)(2 * sp));
}

/* Conv, pools at 11: only the explicit-pads forms are kept. */
static int
fn_pool11(struct conv *c, const struct rule *r)
{
	char b[32];
	const char *ap;

	(void)r;
	if (!c->down)
		return 0;
	ap = attr_str(c->n, "auto_pad", "NOTSET", b, sizeof(b));
	if (ap != NULL && strcmp(c->n->op_type, "ConvTranspose") != 0 &&
	    (strcmp(ap, "SAME_UPPER") == 0 || strcmp(ap, "SAME_LOWER") == 0))
		return explicit_pads(c, strcmp(ap, "SAME_UPPER") == 0);
	if (ap == NULL || (strcmp(ap, "NOTSET") != 0 &&
	    strcmp(ap, "VALID") != 0))
		return refuse(c, "auto_pad other than NOTSET or VALID");
	if (strcmp(c->n->op_type, "ConvTranspose") == 0 &&
	    ir_node_attr(c->n, "output_shape") != NULL)
		return refuse(c, "output_shape");
	return 0;
}

/* BatchNormalization-14: inference only below it (one output). */
static int
fn_bn14(struct conv *c, const struct rule *r)
{
	size_t i;

	(void)r;
	c->handled = true;
	for (i = 1; i < c->n->noutputs; i++)
		if (c->n->outputs[i] != NULL)
			return refuse(c, "training outputs: their meaning "
			    "differs between BatchNormalization-9 and -14");
	return 0;
}

/* BatchNormalization-7 drops is_test, -9 drops spatial (1: the only
 * form left). */
static int
fn_bn_legacy(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	size_t i;

	if (c->down)
		return 0;
	for (i = 1; i < n->noutputs; i++)
		if (n->outputs[i] != NULL)
			return refuse(c, "training outputs");
	if (r->since == 9 && attr_i(n, "spatial", 1) != 1)
		return refuse(c, "spatial=0 (per-activation statistics)");
	attr_del(n, r->since == 9 ? "spatial" : "is_test");
	return 0;
}

/* Dropout-7 drops is_test (inference either way). */
static int
fn_drop_attr(struct conv *c, const struct rule *r)
{
	if (!c->down)
		attr_del(c->n, r->attr);
	return 0;
}

/* Dropout-12: ratio becomes an input; training_mode must be false. */
static int
fn_dropout12(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt;
	int rc;

	(void)r;
	c->handled = true;
	if (!c->down)
		return move(c, "ratio", 1, MV_FLOAT);
	/* the mask of inference is all ones from 12 on; ONNX Runtime's
	 * kernels of the older versions do not give that */
	if (c->n->noutputs > 1 && c->n->outputs[1] != NULL)
		return refuse(c, "the mask output: ONNX Runtime's Dropout "
		    "before 12 does not give the all-ones mask of inference");
	if (in(c->n, 2) != NULL) {
		if ((rc = const_ints(c, 2, v, &cnt)) != 0 || cnt != 1 ||
		    v[0] != 0)
			return refuse(c, "training_mode not a constant false");
		if (ir_node_set_input(c->n, 2, NULL) < 0)
			return -1;
		trim_inputs(c->n);
	}
	if (ir_node_attr(c->n, "seed") != NULL)
		attr_del(c->n, "seed");
	return move(c, "ratio", 1, MV_FLOAT);
}

/* Slice-10: steps (input 4) exists only from 10; down, all ones. */
static int
fn_slice10(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt, i;
	int rc;

	(void)r;
	c->handled = true;
	if (!c->down || in(c->n, 4) == NULL)
		return 0;
	if ((rc = const_ints(c, 4, v, &cnt)) != 0)
		return rc;
	for (i = 0; i < cnt; i++)
		if (v[i] != 1)
			return refuse(c, "step %" PRId64 " other than 1",
			    v[i]);
	if (ir_node_set_input(c->n, 4, NULL) < 0)
		return -1;
	trim_inputs(c->n);
	return 0;
}

/* Slice-11 takes negative axes. */
static int
fn_slice11(struct conv *c, const struct rule *r)
{
	int64_t v[MAXV];
	size_t cnt, i;
	int rc;

	(void)r;
	if (!c->down || in(c->n, 3) == NULL)
		return 0;
	if ((rc = const_ints(c, 3, v, &cnt)) != 0)
		return rc;
	for (i = 0; i < cnt; i++)
		if (v[i] < 0)
			return refuse(c, "negative axis, which only Slice-11 "
			    "defines");
	return 0;
}

/* Split-18: num_outputs, or the split input, must be given. */
static int
fn_split18(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	const struct ir_attr *a = ir_node_attr(n, "num_outputs");

	(void)r;
	if (!c->down) {
		if (in(n, 1) == NULL && a == NULL)
			return irbuild_attr_i(n, "num_outputs",
			    (int64_t)n->noutputs);
		return 0;
	}
	if (a == NULL)
		return 0;
	if (a->type != IR_ATTR_INT || attr_is_ref(a) ||
	    a->i != (int64_t)n->noutputs)
		return refuse(c, "num_outputs differs from the outputs");
	/* Split-13 without split divides evenly; -18 lets the last part
	 * be smaller: equal when the dimension divides */
	{
		int64_t axis = attr_i(n, "axis", 0);
		const struct ir_value *x = in(n, 0);
		int rank = value_rank(x);

		if (rank < 0)
			return refuse(c, "input of unknown rank");
		if (axis < 0)
			axis += rank;
		if (axis < 0 || axis >= rank ||
		    x->type.dims[axis].kind != IR_DIM_VALUE ||
		    a->i <= 0 || x->type.dims[axis].value % a->i != 0)
			return refuse(c, "the split dimension is not known "
			    "to divide evenly into num_outputs parts");
	}
	attr_del(n, "num_outputs");
	return 0;
}

/* Gemm-11: C optional; below, a zero C. */
static int
fn_gemm11(struct conv *c, const struct rule *r)
{
	struct ir_value *z;
	int32_t elem = value_elem(in(c->n, 0));

	(void)r;
	c->handled = true;
	if (!c->down || in(c->n, 2) != NULL)
		return 0;
	if (c->n->graph->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "C would be a constant inside a function");
	if ((z = irbuild_scalar(c->n->graph, "opset_zero", elem, 0, 0)) ==
	    NULL)
		return elem == 0 ? refuse(c, "element type unknown") : -1;
	return set_input(c->n, 2, z);
}

/* Resize-13: roi and scales optional; below, empty ones. */
static int
fn_resize13(struct conv *c, const struct rule *r)
{
	int64_t zero = 0;
	size_t i;

	(void)r;
	c->handled = true;
	if (!c->down)
		return 0;
	for (i = 1; i <= 2; i++) {
		struct ir_value *e;

		if (in(c->n, i) != NULL)
			continue;
		if (c->n->graph->kind == IR_GRAPH_FUNCTION)
			return refuse(c, "roi/scales would be constants "
			    "inside a function");
		if ((e = irbuild_init(c->n->graph, i == 1 ? "opset_roi" :
		    "opset_scales", IR_ELEM_FLOAT, 1, &zero, NULL, 0)) ==
		    NULL || set_input(c->n, i, e) < 0)
			return -1;
	}
	return 0;
}

/* Resize-19 adds the half_pixel_symmetric mode. */
static int
fn_resize19(struct conv *c, const struct rule *r)
{
	const struct ir_attr *a = ir_node_attr(c->n,
	    "coordinate_transformation_mode");

	(void)r;
	if (c->down && attr_str_is(a, "half_pixel_symmetric"))
		return refuse(c, "coordinate mode half_pixel_symmetric");
	return 0;
}

/* Pad-19 adds the wrap mode. */
static int
fn_pad19(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down && attr_str_is(ir_node_attr(c->n, "mode"), "wrap"))
		return refuse(c, "mode wrap");
	return 0;
}

/* QuantizeLinear/DequantizeLinear-13 add per-axis scales. */
static int
fn_quant13(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down && value_rank(in(c->n, 1)) != 0)
		return refuse(c, "scale not known to be a scalar: per-axis "
		    "quantisation starts at 13");
	if (c->down)
		attr_del(c->n, "axis");
	return 0;
}

/* RoiAlign-16: the default coordinate mode became half_pixel; -10 is
 * output_half_pixel. */
static int
fn_roialign16(struct conv *c, const struct rule *r)
{
	const struct ir_attr *a = ir_node_attr(c->n,
	    "coordinate_transformation_mode");

	(void)r;
	if (!c->down)
		return set_attr_s(c->n, "coordinate_transformation_mode",
		    "output_half_pixel");
	if (!attr_str_is(a, "output_half_pixel"))
		return refuse(c, "coordinate mode half_pixel, which "
		    "RoiAlign-10 does not have");
	attr_del(c->n, "coordinate_transformation_mode");
	return 0;
}

/* GridSample-20 renamed bilinear/bicubic to linear/cubic and took N-D
 * inputs. */
static int
fn_gridsample20(struct conv *c, const struct rule *r)
{
	char b[32];
	const char *m;

	(void)r;
	m = attr_str(c->n, "mode", c->down ? "linear" : "bilinear", b,
	    sizeof(b));
	if (m == NULL)
		return refuse(c, "mode not a plain string");
	if (c->down && value_rank(in(c->n, 0)) != 4)
		return refuse(c, "input not known to be 4-D");
	if (strcmp(m, "nearest") == 0)
		return set_attr_s(c->n, "mode", m);
	if (c->down)
		return strcmp(m, "linear") == 0 ? set_attr_s(c->n, "mode",
		    "bilinear") : strcmp(m, "cubic") == 0 ?
		    set_attr_s(c->n, "mode", "bicubic") :
		    refuse(c, "mode '%s'", m);
	return strcmp(m, "bilinear") == 0 ? set_attr_s(c->n, "mode",
	    "linear") : strcmp(m, "bicubic") == 0 ? set_attr_s(c->n, "mode",
	    "cubic") : refuse(c, "mode '%s'", m);
}

/* Upsample-9 became Resize-10 (same inputs and modes); Upsample is
 * deprecated from 10 on. */
static int
fn_upsample10(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down)
		return refuse(c, "Upsample is deprecated at 10");
	c->n->op_type = "Resize";
	c->n->dirty = true;
	c->handled = true;
	return 0;
}

/* Resize-10 samples with asymmetric coordinates, nearest rounding down
 * when upsampling; Resize-11 spells that out. */
static int
fn_resize11(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n;
	char b[32];
	const char *mode = attr_str(n, "mode", "nearest", b, sizeof(b));
	int64_t zero = 0;
	struct ir_value *roi;

	(void)r;
	c->handled = true;
	if (mode == NULL)
		return refuse(c, "mode not a plain string");
	if (c->down) {
		char cb[40], nb[40];
		const char *ct = attr_str(n, "coordinate_transformation_mode",
		    "half_pixel", cb, sizeof(cb));
		const char *nm = attr_str(n, "nearest_mode",
		    "round_prefer_floor", nb, sizeof(nb));

		if (ct == NULL || strcmp(ct, "asymmetric") != 0)
			return refuse(c, "coordinate mode other than "
			    "asymmetric");
		if (strcmp(mode, "nearest") == 0 &&
		    (nm == NULL || strcmp(nm, "floor") != 0))
			return refuse(c, "nearest mode other than floor");
		if (strcmp(mode, "nearest") != 0 && strcmp(mode, "linear"))
			return refuse(c, "mode '%s'", mode);
		if (in(n, 3) != NULL || in(n, 2) == NULL)
			return refuse(c, "sizes instead of scales");
		if (strcmp(mode, "nearest") == 0) {
			/* upsampling only: rounding down is then exact */
			struct ir_tensor *t = perm_const(in(n, 2));
			int64_t k, cnt = t ? perm_const_count(t) : -1;

			for (k = 0; k < cnt; k++) {
				double d;

				if (ir_tensor_get_f64(t, (uint64_t)k, &d) < 0 ||
				    d < 1)
					break;
			}
			if (cnt < 0 || k < cnt)
				return refuse(c, "nearest with scales not "
				    "known to be >= 1");
		}
		attr_del(n, "coordinate_transformation_mode");
		attr_del(n, "nearest_mode");
		attr_del(n, "cubic_coeff_a");
		attr_del(n, "exclude_outside");
		attr_del(n, "extrapolation_value");
		if (ir_node_set_input(n, 1, in(n, 2)) < 0 ||
		    ir_node_set_input(n, 2, NULL) < 0)
			return -1;
		trim_inputs(n);
		return 0;
	}
	if (strcmp(mode, "nearest") == 0) {
		struct ir_tensor *t = perm_const(in(n, 1));
		int64_t k, cnt = t ? perm_const_count(t) : -1;

		for (k = 0; k < cnt; k++) {
			double d;

			if (ir_tensor_get_f64(t, (uint64_t)k, &d) < 0 || d < 1)
				break;
		}
		if (cnt < 0 || k < cnt)
			return refuse(c, "nearest with scales not known to be "
			    ">= 1: Resize-10 rounds those differently");
		if (set_attr_s(n, "nearest_mode", "floor") < 0)
			return -1;
	} else if (strcmp(mode, "linear") != 0) {
		return refuse(c, "mode '%s'", mode);
	}
	if (set_attr_s(n, "coordinate_transformation_mode", "asymmetric") < 0)
		return -1;
	if (n->graph->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "roi would be a constant inside a function");
	if ((roi = irbuild_init(n->graph, "opset_roi", IR_ELEM_FLOAT, 1,
	    &zero, NULL, 0)) == NULL)
		return -1;
	if (set_input(n, 2, in(n, 1)) < 0 || ir_node_set_input(n, 1, roi) < 0)
		return -1;
	return 0;
}

/* Scatter-9 became ScatterElements-11 (deprecated from 11 on). */
static int
fn_scatter11(struct conv *c, const struct rule *r)
{
	(void)r;
	if (c->down)
		return refuse(c, "Scatter is deprecated at 11");
	c->n->op_type = "ScatterElements";
	c->n->dirty = true;
	c->handled = true;
	return 0;
}

/* Shape-15 takes start and end: below, Shape and a Slice of it (which
 * clamps the same way), made at the target opset. */
static int
fn_shape15(struct conv *c, const struct rule *r)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	const struct ir_attr *sa = ir_node_attr(n, "start");
	const struct ir_attr *ea = ir_node_attr(n, "end");
	int64_t st = attr_i(n, "start", 0), en = attr_i(n, "end", INT64_MAX);
	int64_t zero = 0;
	int target = c->ctx->o->opset;
	struct ir_value *y, *mid, *ins[4];

	(void)r;
	if (!c->down || (sa == NULL && ea == NULL))
		return 0;
	if (attr_is_ref(sa) || attr_is_ref(ea) ||
	    (sa != NULL && sa->type != IR_ATTR_INT) ||
	    (ea != NULL && ea->type != IR_ATTR_INT))
		return refuse(c, "start or end not a plain int");
	attr_del(n, "start");
	attr_del(n, "end");
	if (st == 0 && ea == NULL)
		return 0;
	if (g->kind == IR_GRAPH_FUNCTION && target >= 10)
		return refuse(c, "start and end would be constants inside a "
		    "function body");
	if (n->noutputs != 1 || (y = n->outputs[0]) == NULL ||
	    (mid = irbuild_value(g, "opset_shape")) == NULL)
		return n->noutputs != 1 ? refuse(c, "unexpected outputs") : -1;
	ir_node_set_output(n, 0, mid);
	ins[0] = mid;
	if (target >= 10) {
		if ((ins[1] = irbuild_ints(g, "opset_start", &st, 1)) == NULL ||
		    (ins[2] = irbuild_ints(g, "opset_end", &en, 1)) == NULL ||
		    (ins[3] = irbuild_ints(g, "opset_axes", &zero, 1)) ==
		    NULL || emit(g, "Slice", ins, 4, y) == NULL)
			return -1;
		return 0;
	}
	if ((k = emit(g, "Slice", ins, 1, y)) == NULL ||
	    irbuild_attr_ints(k, "starts", &st, 1) < 0 ||
	    irbuild_attr_ints(k, "ends", &en, 1) < 0 ||
	    irbuild_attr_ints(k, "axes", &zero, 1) < 0)
		return -1;
	return 0;
}

/* Constant-12 adds value_float(s) and value_int(s): below, the same
 * tensor in value. */
static int
fn_constant12(struct conv *c, const struct rule *r)
{
	static const char *const names[] = {
		"value_float", "value_floats", "value_int", "value_ints",
	};
	struct ir_node *n = c->n;
	struct arena *a = &n->graph->model->arena;
	struct ir_tensor *t;
	struct ir_attr v;
	const struct ir_attr *src = NULL;
	size_t i, w, cnt;
	const void *data;
	int64_t one;
	uint8_t *copy;

	(void)r;
	if (!c->down)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && src == NULL; i++)
		src = ir_node_attr(n, names[i]);
	if (src == NULL)
		return 0;
	i--;
	if (attr_is_ref(src) || !ir_attr_value_ok(src) ||
	    (unsigned)src->type != (i % 2 == 0 ? (i < 2 ? IR_ATTR_FLOAT :
	    IR_ATTR_INT) : (i < 2 ? IR_ATTR_FLOATS : IR_ATTR_INTS)))
		return refuse(c, "attribute '%s' is not a plain value",
		    src->name);
	w = i < 2 ? sizeof(float) : sizeof(int64_t);
	cnt = i % 2 == 0 ? 1 : src->n;
	data = i == 0 ? (const void *)&src->f : i == 1 ?
	    (const void *)src->floats : i == 2 ? (const void *)&src->i :
	    (const void *)src->ints;
	one = (int64_t)cnt;
	if ((t = arena_alloc(a, sizeof(*t))) == NULL ||
	    (copy = arena_alloc(a, cnt * w + 1)) == NULL)
		return -1;
	memset(t, 0, sizeof(*t));
	if (i % 2 == 1 && (t->dims = arena_array(a, 1, sizeof(*t->dims))) ==
	    NULL)
		return -1;
	if (cnt > 0)
		memcpy(copy, data, cnt * w);
	t->name = "";
	t->elem = i < 2 ? IR_ELEM_FLOAT : IR_ELEM_INT64;
	t->rank = i % 2 == 1 ? 1 : 0;
	if (t->rank == 1)
		t->dims[0] = one;
	t->storage = IR_DATA_RAW;
	t->data = copy;
	t->size = cnt * w;
	t->nfields = 1;
	t->dirty = true;
	memset(&v, 0, sizeof(v));
	v.name = "value";
	v.type = IR_ATTR_TENSOR;
	v.has_type = true;
	v.t = t;
	v.nvalues = 1;
	attr_del(n, names[i]);
	if (irbuild_attr_copy(n, &v, "value") < 0)
		return -1;
	n->dirty = true;
	return 0;
}

#define MOVE(op, since, attr, i, k) { op, since, fn_move, attr, i, k }
#define RULE(op, since, fn) { op, since, fn, NULL, 0, MV_INTS }
#define NO(op, since, why) { op, since, fn_refuse, why, 0, MV_INTS }
#define OLD_BC(op) RULE(op, 7, fn_old_broadcast)
#define NEG(op) RULE(op, 11, fn_neg_axes)
#define REDUCE(op, since) MOVE(op, since, "axes", 1, MV_INTS), NEG(op)

/*
 * The operator version steps that need more than the generic comparison
 * (docs/Changelog.md of onnx gives each version's change), sorted by op
 * then since; the rows of one step apply in order.
 */
static const struct rule rules[] = {
	OLD_BC("Add"), OLD_BC("And"),
	NEG("ArgMax"), NEG("ArgMin"),
	RULE("AveragePool", 11, fn_pool11),
	RULE("BatchNormalization", 7, fn_bn_legacy),
	RULE("BatchNormalization", 9, fn_bn_legacy),
	RULE("BatchNormalization", 14, fn_bn14),
	MOVE("Clip", 11, "min", 1, MV_FLOAT),
	MOVE("Clip", 11, "max", 2, MV_FLOAT),
	NEG("Compress"), NEG("Concat"),
	RULE("Constant", 12, fn_constant12),
	RULE("Conv", 11, fn_pool11),
	RULE("ConvTranspose", 11, fn_pool11),
	RULE("DequantizeLinear", 13, fn_quant13),
	OLD_BC("Div"),
	{ "Dropout", 7, fn_drop_attr, "is_test", 0, MV_INTS },
	RULE("Dropout", 12, fn_dropout12),
	OLD_BC("Equal"),
	NEG("Flatten"),
	RULE("Gather", 11, fn_gather),
	OLD_BC("Gemm"),
	RULE("Gemm", 11, fn_gemm11),
	OLD_BC("Greater"),
	RULE("GridSample", 20, fn_gridsample20),
	NEG("Hardmax"), RULE("Hardmax", 13, fn_softmax),
	OLD_BC("Less"),
	NEG("LogSoftmax"), RULE("LogSoftmax", 13, fn_softmax),
	RULE("LpPool", 11, fn_pool11),
	RULE("Max", 8, fn_variadic_broadcast),
	RULE("MaxPool", 11, fn_pool11),
	RULE("Mean", 8, fn_variadic_broadcast),
	RULE("Min", 8, fn_variadic_broadcast),
	OLD_BC("Mul"),
	NO("OneHot", 11, "negative indices and axis start at OneHot-11"),
	OLD_BC("Or"),
	MOVE("Pad", 11, "pads", 1, MV_INTS),
	MOVE("Pad", 11, "value", 2, MV_FLOAT),
	RULE("Pad", 19, fn_pad19),
	OLD_BC("Pow"),
	RULE("QuantizeLinear", 13, fn_quant13),
	REDUCE("ReduceL1", 18), REDUCE("ReduceL2", 18),
	REDUCE("ReduceLogSum", 18), REDUCE("ReduceLogSumExp", 18),
	REDUCE("ReduceMax", 18), REDUCE("ReduceMean", 18),
	REDUCE("ReduceMin", 18), REDUCE("ReduceProd", 18),
	REDUCE("ReduceSum", 13), REDUCE("ReduceSumSquare", 18),
	MOVE("Reshape", 5, "shape", 1, MV_INTS),
	RULE("Resize", 11, fn_resize11),
	RULE("Resize", 13, fn_resize13),
	RULE("Resize", 19, fn_resize19),
	RULE("RoiAlign", 16, fn_roialign16),
	NO("Scan", 11, "negative axes start at Scan-11"),
	RULE("Scatter", 11, fn_scatter11),
	RULE("Shape", 15, fn_shape15),
	MOVE("Slice", 10, "starts", 1, MV_INTS),
	MOVE("Slice", 10, "ends", 2, MV_INTS),
	MOVE("Slice", 10, "axes", 3, MV_INTS),
	RULE("Slice", 10, fn_slice10),
	RULE("Slice", 11, fn_slice11),
	NEG("Softmax"), RULE("Softmax", 13, fn_softmax),
	NEG("Split"),
	MOVE("Split", 13, "split", 1, MV_INTS),
	RULE("Split", 18, fn_split18),
	NEG("Squeeze"),
	MOVE("Squeeze", 13, "axes", 1, MV_INTS),
	OLD_BC("Sub"),
	RULE("Sum", 8, fn_variadic_broadcast),
	MOVE("TopK", 10, "k", 1, MV_INT1),
	NEG("TopK"),
	NEG("Unsqueeze"),
	MOVE("Unsqueeze", 13, "axes", 1, MV_INTS),
	MOVE("Upsample", 9, "scales", 1, MV_FLOATS),
	RULE("Upsample", 10, fn_upsample10),
	OLD_BC("Xor"),
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

/* Ops of the reduce family at 11 take negative axes (listed with the
 * moves above); ReduceSum at 13 and the rest at 18 move axes. */

/* --- the generic comparison of two versions ---------------------------- */

/* The formal input/output I of S (the last one when variadic), or NULL. */
static const struct opdb_io *
formal(const struct opdb_schema *s, size_t i, bool input)
{
	const struct opdb_io *io = input ? s->inputs : s->outputs;
	size_t n = input ? s->ninputs : s->noutputs;

	if (n == 0)
		return NULL;
	if (i < n)
		return &io[i];
	return io[n - 1].option == OPDB_VARIADIC ? &io[n - 1] : NULL;
}

/* Inputs or outputs of N against the formals of SRC and DST. */
static int
check_io(struct conv *c, const struct opdb_schema *src,
    const struct opdb_schema *dst, bool input)
{
	char b[DIAG_ESCAPE_SIZE];
	struct ir_node *n = c->n;
	size_t cnt = input ? n->ninputs : n->noutputs, i;
	size_t nd = input ? dst->ninputs : dst->noutputs;
	size_t ns = input ? src->ninputs : src->noutputs;

	/* the formals both versions have must be the same ones: a formal
	 * inserted or removed before others shifts them (Scan-8 -> 9) */
	for (i = 0; !c->handled && i < ns && i < nd; i++) {
		const struct opdb_io *fd = formal(dst, i, input);
		const struct opdb_io *fs = formal(src, i, input);

		if (strcmp(fs->name, fd->name) != 0 ||
		    (fs->option == OPDB_VARIADIC) !=
		    (fd->option == OPDB_VARIADIC))
			return refuse(c, "%s %zu is '%s' in %s-%d and '%s' in "
			    "%s-%d: no conversion rule", input ? "input" :
			    "output", i, fs->name, n->op_type, src->since,
			    fd->name, n->op_type, dst->since);
	}
	for (i = 0; i < cnt || i < nd; i++) {
		const struct ir_value *v = i < cnt ? (input ? n->inputs[i] :
		    n->outputs[i]) : NULL;
		const struct opdb_io *fd = formal(dst, i, input);
		const struct opdb_io *fs = formal(src, i, input);

		if (v == NULL) {
			if (fd != NULL && fd->option == OPDB_SINGLE &&
			    i < nd)
				return refuse(c, "required %s %zu '%s' of "
				    "%s-%d is missing", input ? "input" :
				    "output", i, fd->name, n->op_type,
				    dst->since);
			continue;
		}
		if (fd == NULL)
			return refuse(c, "%s %zu '%s' has no counterpart in "
			    "%s-%d", input ? "input" : "output", i,
			    esc(b, v->name), n->op_type, dst->since);
		/* an option that changed is judged by presence above */
		if (!c->handled && (fs == NULL || strcmp(fs->name,
		    fd->name) != 0))
			return refuse(c, "%s %zu is '%s' in %s-%d and '%s' in "
			    "%s-%d: no conversion rule", input ? "input" :
			    "output", i, fs ? fs->name : "(none)",
			    n->op_type, src->since, fd->name, n->op_type,
			    dst->since);
	}
	return 0;
}

static int
check_attrs(struct conv *c, const struct opdb_schema *src,
    const struct opdb_schema *dst)
{
	struct ir_node *n = c->n;
	uint32_t i;
	unsigned short k;
	int rc;

	for (i = 0; i < n->nattrs;) {
		const struct ir_attr *a = &n->attrs[i];
		const struct opdb_attr *d = opdb_schema_attr(dst, a->name);
		const struct opdb_attr *s = opdb_schema_attr(src, a->name);

		if (d == NULL) {
			/* removed or added: its default is what the other
			 * version does anyway */
			if ((s != NULL && attr_equals(a, s->dflt)) ||
			    (!c->down && (strcmp(a->name,
			    "consumed_inputs") == 0))) {
				attr_del(n, a->name);
				continue;
			}
			return refuse(c, "attribute '%s' has no counterpart "
			    "in %s-%d", a->name, n->op_type, dst->since);
		}
		if (a->type != d->type)
			return refuse(c, "attribute '%s' is %s; %s-%d takes %s",
			    a->name, ir_attr_type_name(a->type), n->op_type,
			    dst->since, ir_attr_type_name(
			    (enum ir_attr_type)d->type));
		i++;
	}
	for (k = 0; k < dst->nattrs; k++) {
		const struct opdb_attr *d = &dst->attrs[k];
		const struct opdb_attr *s = opdb_schema_attr(src, d->name);

		if (ir_node_attr(n, d->name) != NULL)
			continue;
		if (s == NULL) {
			/* new in DST: its default keeps the old behaviour */
			if (d->required)
				return refuse(c, "attribute '%s' is required "
				    "by %s-%d", d->name, n->op_type,
				    dst->since);
			continue;
		}
		if (s->dflt == NULL && d->dflt == NULL) {
			if (d->required)
				return refuse(c, "attribute '%s' is required "
				    "by %s-%d", d->name, n->op_type,
				    dst->since);
			continue;
		}
		if (s->dflt != NULL && d->dflt != NULL &&
		    strcmp(s->dflt, d->dflt) == 0)
			continue;
		if (s->dflt == NULL)
			return refuse(c, "attribute '%s' has no default in "
			    "%s-%d and one in %s-%d", d->name, n->op_type,
			    src->since, n->op_type, dst->since);
		if ((rc = set_default(c, d, s->dflt)) != 0)
			return rc;
	}
	return 0;
}

/* Apply the step between C->lo and C->hi to C->n. */
static int
step(struct conv *c)
{
	const struct opdb_schema *src = c->down ? c->hi : c->lo;
	const struct opdb_schema *dst = c->down ? c->lo : c->hi;
	size_t i;
	int rc;

	c->handled = false;
	if (dst->deprecated || src->deprecated) {
		for (i = 0; i < NRULES; i++)
			if (strcmp(rules[i].op, c->n->op_type) == 0 &&
			    rules[i].since == c->hi->since)
				break;
		if (i == NRULES)
			return refuse(c, "%s-%d is deprecated",
			    c->n->op_type, dst->deprecated ? dst->since :
			    src->since);
	}
	for (i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];

		if (r->since != c->hi->since ||
		    strcmp(r->op, c->n->op_type) != 0)
			continue;
		if ((rc = r->fn(c, r)) != 0)
			return rc;
	}
	if (dst->deprecated)	/* the rule renamed the op */
		return 0;
	if ((rc = check_io(c, src, dst, true)) != 0 ||
	    (rc = check_io(c, src, dst, false)) != 0)
		return rc;
	return check_attrs(c, src, dst);
}

/* --- types at the target ------------------------------------------------ */

static bool
type_string(const struct ir_value *v, char *buf, size_t size)
{
	const char *e;

	if (v == NULL || v->type.kind != IR_TYPE_TENSOR ||
	    (e = ir_elem_name(v->type.elem)) == NULL || v->type.elem == 0)
		return false;
	snprintf(buf, size, "tensor(%s)", e);
	return true;
}

/* Does TC of DST allow every type that the same parameter allows in SRC
 * (a value of unknown type is then fine)? */
static bool
tc_covers(const struct opdb_tc *d, const struct opdb_tc *s)
{
	unsigned short i;

	if (d == NULL)
		return true;
	if (s == NULL)
		return false;
	for (i = 0; i < s->ntypes; i++)
		if (!opdb_tc_allows(d, s->types[i]))
			return false;
	return true;
}

static int
check_types(struct conv *c, const struct opdb_schema *from,
    const struct opdb_schema *to)
{
	char b[DIAG_ESCAPE_SIZE], t[64];
	struct ir_node *n = c->n;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool input = pass == 0;
		size_t cnt = input ? n->ninputs : n->noutputs, i;

		for (i = 0; i < cnt; i++) {
			const struct ir_value *v = input ? n->inputs[i] :
			    n->outputs[i];
			const struct opdb_io *f = formal(to, i, input);
			const struct opdb_io *fs = formal(from, i, input);
			const struct opdb_tc *tc;

			if (v == NULL || f == NULL)
				continue;
			if (!type_string(v, t, sizeof(t))) {
				/* unknown: fine when the target takes
				 * whatever the source took */
				const struct opdb_tc *ts = fs != NULL ?
				    opdb_schema_tc(from, fs->type) : NULL;

				tc = opdb_schema_tc(to, f->type);
				if (tc == NULL && fs != NULL &&
				    strcmp(f->type, fs->type) == 0)
					continue;
				if (tc != NULL && tc_covers(tc, ts))
					continue;
				return refuse(c, "the type of %s %zu '%s' is "
				    "not known, and %s-%d takes fewer types",
				    input ? "input" : "output", i,
				    esc(b, v->name), n->op_type, to->since);
			}
			tc = opdb_schema_tc(to, f->type);
			if (tc == NULL) {
				if (strchr(f->type, '(') != NULL &&
				    strcmp(f->type, t) != 0)
					return refuse(c, "%s %zu '%s' is %s; "
					    "%s-%d takes %s", input ? "input" :
					    "output", i, esc(b, v->name), t,
					    n->op_type, to->since, f->type);
				continue;
			}
			if (!opdb_tc_allows(tc, t))
				return refuse(c, "%s %zu '%s' is %s, which "
				    "%s-%d does not take", input ? "input" :
				    "output", i, esc(b, v->name),
				    ir_elem_name(v->type.elem), n->op_type,
				    to->since);
		}
	}
	return 0;
}

/*
 * ONNX Runtime, what deploys most converted models, has no kernel for
 * some old versions (Or-1, ...) or fewer types in them: a node it ran
 * before must still run.  0, or 1 refused.
 */
static int
check_ort(struct conv *c, const char *op, const struct opdb_schema *from,
    const struct opdb_schema *to)
{
	char t[64];
	const struct opdb_kernel *ko, *kn;
	struct ir_node *n = c->n;
	size_t i;

	if (strcmp(n->op_type, "Constant") == 0)
		return 0;
	ko = opdb_kernel_find(OPDB_ORT_CPU, "ai.onnx", op, from->since);
	kn = opdb_kernel_find(OPDB_ORT_CPU, "ai.onnx", n->op_type, to->since);
	if (ko == NULL)
		return 0;
	if (kn == NULL)
		return refuse(c, "ONNX Runtime has no kernel for %s-%d",
		    n->op_type, to->since);
	for (i = 0; i < n->ninputs; i++) {
		const struct opdb_io *fo = formal(from, i, true);
		const struct opdb_io *fn = formal(to, i, true);
		const struct opdb_tc *to_, *tn;

		if (n->inputs[i] == NULL || fo == NULL || fn == NULL ||
		    !type_string(n->inputs[i], t, sizeof(t)))
			continue;
		to_ = opdb_kernel_tc(ko, fo->type);
		tn = opdb_kernel_tc(kn, fn->type);
		if ((to_ == NULL || opdb_tc_allows(to_, t)) && tn != NULL &&
		    !opdb_tc_allows(tn, t))
			return refuse(c, "ONNX Runtime's %s-%d kernel does not "
			    "take %s", n->op_type, to->since, t);
	}
	return 0;
}

/* --- operators missing at the target: their function bodies ----------- */

/* A node OP of the default domain reading IN (NIN) and producing Y (a
 * value of the node it replaces) or a fresh value when Y is NULL. */
static struct ir_node *
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

static struct ir_value *
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
static void
retire(struct ir_node *n, struct ir_value **outs, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++)
		outs[i] = i < n->noutputs ? n->outputs[i] : NULL;
	ir_node_kill(n);
	for (i = 0; i < n->noutputs; i++)
		n->outputs[i] = NULL;
}

/* CastLike-15 is Cast to the element type of its second input. */
static int
ex_castlike(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	int32_t elem = value_elem(in(n, 1));
	struct ir_value *x = in(n, 0), *outs[1];

	(void)to;
	if (elem == 0)
		return refuse(c, "the element type of input 1 is not known");
	if (ir_node_attr(n, "saturate") != NULL &&
	    attr_i(n, "saturate", 0) != 1)
		return refuse(c, "saturate=0");
	if (x == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if ((k = emit(n->graph, "Cast", &x, 1, outs[0])) == NULL ||
	    irbuild_attr_i(k, "to", elem) < 0)
		return -1;
	return 0;
}

/* HardSwish-14 is x * HardSigmoid(x, alpha 1/6, beta 0.5). */
static int
ex_hardswish(struct conv *c, int to)
{
	struct ir_node *n = c->n, *h;
	struct ir_value *x = in(n, 0), *outs[1];

	(void)to;
	if (x == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if ((h = emit(n->graph, "HardSigmoid", &x, 1, NULL)) == NULL ||
	    irbuild_attr_f(h, "alpha", 1.0f / 6) < 0 ||
	    irbuild_attr_f(h, "beta", 0.5f) < 0 ||
	    emit2(n->graph, "Mul", x, h->outputs[0], outs[0]) == NULL)
		return -1;
	return 0;
}

/* GreaterOrEqual/LessOrEqual-12 are Or(Greater/Less, Equal): NaN
 * compares false in both.  Equal takes floats from 11. */
static int
ex_or_equal(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_value *a = in(n, 0), *b = in(n, 1), *outs[1], *x, *e;
	bool ge = strcmp(n->op_type, "GreaterOrEqual") == 0;

	if (to < 11)
		return refuse(c, "Equal takes floats from opset 11 only");
	if (a == NULL || b == NULL || n->noutputs != 1)
		return refuse(c, "unexpected inputs or outputs");
	retire(n, outs, 1);
	if ((x = emit2(n->graph, ge ? "Greater" : "Less", a, b, NULL)) ==
	    NULL || (e = emit2(n->graph, "Equal", a, b, NULL)) == NULL ||
	    emit2(n->graph, "Or", x, e, outs[0]) == NULL)
		return -1;
	return 0;
}

/* LayerNormalization-17 by its function body: the mean and variance
 * over axes [axis, rank), D = X - mean, Y = D / sqrt(var + epsilon) *
 * Scale + B (float inputs: the body computes in float anyway). */
static int
ex_layernorm(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *sc = in(n, 1), *b = in(n, 2);
	struct ir_value *outs[3], *mean, *d, *d2, *var, *ve, *sd, *inv, *nrm;
	struct ir_value *eps, *y1;
	int rank = value_rank(x);
	int64_t axis = attr_i(n, "axis", -1), axes[MAXV], j;
	const struct ir_attr *ea = ir_node_attr(n, "epsilon");
	float epsilon = ea != NULL && ea->type == IR_ATTR_FLOAT ? ea->f :
	    1e-5f;

	if (to < 7)
		return refuse(c, "broadcasting starts at opset 7");
	if (value_elem(x) != IR_ELEM_FLOAT)
		return refuse(c, "input not known to be float");
	if (rank < 1 || rank > MAXV)
		return refuse(c, "input of unknown rank");
	if (axis < 0)
		axis += rank;
	if (axis < 0 || axis >= rank)
		return refuse(c, "axis out of range");
	if (attr_is_ref(ea) || attr_is_ref(ir_node_attr(n, "axis")))
		return refuse(c, "attributes refer to function attributes");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "epsilon would be a constant inside a "
		    "function body");
	if (sc == NULL || n->noutputs < 1 || n->outputs[0] == NULL)
		return refuse(c, "unexpected inputs or outputs");
	for (j = axis; j < rank; j++)
		axes[j - axis] = j;
	retire(n, outs, 3);
	if ((eps = irbuild_scalar(g, "opset_epsilon", IR_ELEM_FLOAT, epsilon,
	    0)) == NULL)
		return -1;
	if ((k = emit(g, "ReduceMean", &x, 1, outs[1])) == NULL ||
	    irbuild_attr_ints(k, "axes", axes, (size_t)(rank - axis)) < 0)
		return -1;
	mean = k->outputs[0];
	if ((d = emit2(g, "Sub", x, mean, NULL)) == NULL ||
	    (d2 = emit2(g, "Mul", d, d, NULL)) == NULL)
		return -1;
	if ((k = emit(g, "ReduceMean", &d2, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "axes", axes, (size_t)(rank - axis)) < 0)
		return -1;
	var = k->outputs[0];
	if ((ve = emit2(g, "Add", var, eps, NULL)) == NULL ||
	    (sd = emit2(g, "Sqrt", ve, NULL, NULL)) == NULL ||
	    (inv = emit2(g, "Reciprocal", sd, NULL, outs[2])) == NULL ||
	    (nrm = emit2(g, "Mul", d, inv, NULL)) == NULL)
		return -1;
	if ((y1 = emit2(g, "Mul", nrm, sc, b == NULL ? outs[0] : NULL)) ==
	    NULL)
		return -1;
	if (b != NULL && emit2(g, "Add", y1, b, outs[0]) == NULL)
		return -1;
	return 0;
}

/* Trilu-14 on a matrix of known size: Where of a mask.  The mask keeps
 * column - row >= k (upper) or <= k (lower): constant for a constant k
 * (or none), else Not(Less/Greater) of the constant differences and k
 * (integers: no NaN), from opset 9 (Where). */
static int
ex_trilu(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *kin = in(n, 1), *outs[1], *ins[3];
	int rank = value_rank(x);
	int64_t k = 0, kv[MAXV], rows, cols, i, j, dims[2];
	bool upper = attr_i(n, "upper", 1) != 0, known = true;
	size_t cnt;
	uint8_t *mask;
	int64_t *diff;

	if (to < 9)
		return refuse(c, "Where starts at opset 9");
	if (attr_is_ref(ir_node_attr(n, "upper")))
		return refuse(c, "upper refers to a function attribute");
	if (kin != NULL) {
		const struct ir_tensor *t = perm_const(kin);

		known = t != NULL && perm_const_ints(t, kv, MAXV, &cnt) == 0;
		if (known && cnt != 1)
			return refuse(c, "k is not one value");
		if (known)
			k = kv[0];
		else if (value_elem(kin) != IR_ELEM_INT64)
			return refuse(c, "k not known to be int64");
	}
	if (rank < 2 || x->type.dims[rank - 2].kind != IR_DIM_VALUE ||
	    x->type.dims[rank - 1].kind != IR_DIM_VALUE)
		return refuse(c, "the matrix size is not known");
	rows = x->type.dims[rank - 2].value;
	cols = x->type.dims[rank - 1].value;
	if (rows < 0 || cols < 0 || rows > 4096 || cols > 4096 ||
	    rows * cols > (1 << 20))
		return refuse(c, "the matrix is too large for a constant mask");
	if (g->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "the mask would be a constant inside a "
		    "function body");
	if (n->noutputs != 1 || value_elem(x) == 0 ||
	    value_elem(x) == IR_ELEM_STRING)
		return refuse(c, "unexpected outputs or element type");
	dims[0] = rows;
	dims[1] = cols;
	retire(n, outs, 1);
	if ((ins[2] = irbuild_scalar(g, "opset_zero", value_elem(x), 0,
	    0)) == NULL)
		return -1;
	ins[1] = x;
	if (known) {
		/* the sizes above keep j - i in range */
		if ((mask = arena_alloc(&c->ctx->scratch, (size_t)(rows *
		    cols) + 1)) == NULL)
			return -1;
		for (i = 0; i < rows; i++)
			for (j = 0; j < cols; j++)
				mask[i * cols + j] = upper ? j - i >= k :
				    j - i <= k;
		if ((ins[0] = irbuild_init(g, "opset_mask", IR_ELEM_BOOL, 2,
		    dims, mask, (size_t)(rows * cols))) == NULL)
			return -1;
	} else {
		struct ir_value *d, *cmp;

		if ((diff = arena_array(&c->ctx->scratch, (size_t)(rows *
		    cols) + 1, sizeof(*diff))) == NULL)
			return -1;
		for (i = 0; i < rows; i++)
			for (j = 0; j < cols; j++)
				diff[i * cols + j] = j - i;
		if ((d = irbuild_init(g, "opset_diagonal", IR_ELEM_INT64, 2,
		    dims, diff, (size_t)(rows * cols) * sizeof(*diff))) ==
		    NULL || (cmp = emit2(g, upper ? "Less" : "Greater", d,
		    kin, NULL)) == NULL || (ins[0] = emit2(g, "Not", cmp,
		    NULL, NULL)) == NULL)
			return -1;
	}
	return emit(g, "Where", ins, 3, outs[0]) == NULL ? -1 : 0;
}

/*
 * NegativeLogLikelihoodLoss-12 on INPUT (log-probabilities), and the
 * part of SoftmaxCrossEntropyLoss-12 after its LogSoftmax: pick
 * -input[n][target[n, d...]][d...] with GatherElements, weight it by
 * weight[target] and by target != ignore_index (ignored targets read
 * class 0 and weigh 0), then reduce: none, sum, or the sum divided by
 * the sum of the weights (mean).  Below 12, at 11 at least
 * (GatherElements, Equal on integers).
 */
static int
nll_body(struct conv *c, struct ir_value *input, struct ir_value *target,
    struct ir_value *weight, struct ir_value *y, int32_t fe, int32_t te)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *t = target, *mask = NULL, *w = NULL, *loss, *p, *ins[3];
	const struct ir_attr *ii = ir_node_attr(n, "ignore_index");
	char rb[16];
	const char *red = attr_str(n, "reduction", "mean", rb, sizeof(rb));
	int64_t one = 1;

	if (ii != NULL) {
		struct ir_value *iic, *zero, *eq, *ne;

		if ((iic = irbuild_scalar(g, "opset_ignore", te, (double)ii->i,
		    0)) == NULL || (zero = irbuild_scalar(g, "opset_zero", te,
		    0, 0)) == NULL)
			return -1;
		if ((eq = emit2(g, "Equal", target, iic, NULL)) == NULL)
			return -1;
		ins[0] = eq;
		ins[1] = zero;
		ins[2] = target;
		if ((k = emit(g, "Where", ins, 3, NULL)) == NULL)
			return -1;
		t = k->outputs[0];
		if ((ne = emit2(g, "Not", eq, NULL, NULL)) == NULL ||
		    (k = emit(g, "Cast", &ne, 1, NULL)) == NULL ||
		    irbuild_attr_i(k, "to", fe) < 0)
			return -1;
		mask = k->outputs[0];
	}
	if ((k = emit(g, "Unsqueeze", &t, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "axes", &one, 1) < 0)
		return -1;
	ins[0] = input;
	ins[1] = k->outputs[0];
	if ((k = emit(g, "GatherElements", ins, 2, NULL)) == NULL ||
	    irbuild_attr_i(k, "axis", 1) < 0)
		return -1;
	p = k->outputs[0];
	if ((k = emit(g, "Squeeze", &p, 1, NULL)) == NULL ||
	    irbuild_attr_ints(k, "axes", &one, 1) < 0)
		return -1;
	p = k->outputs[0];
	if (weight != NULL) {
		if ((w = emit2(g, "Gather", weight, t, NULL)) == NULL)
			return -1;
		if (mask != NULL && (w = emit2(g, "Mul", w, mask, NULL)) ==
		    NULL)
			return -1;
	} else {
		w = mask;
	}
	if (strcmp(red, "none") == 0) {
		if (w == NULL)
			return emit2(g, "Neg", p, NULL, y) == NULL ? -1 : 0;
		if ((p = emit2(g, "Neg", p, NULL, NULL)) == NULL)
			return -1;
		return emit2(g, "Mul", p, w, y) == NULL ? -1 : 0;
	}
	if ((loss = emit2(g, "Neg", p, NULL, NULL)) == NULL)
		return -1;
	if (w != NULL && (loss = emit2(g, "Mul", loss, w, NULL)) == NULL)
		return -1;
	if (strcmp(red, "mean") == 0 && w == NULL) {
		if ((k = emit(g, "ReduceMean", &loss, 1, y)) == NULL ||
		    irbuild_attr_i(k, "keepdims", 0) < 0)
			return -1;
		return 0;
	}
	if ((k = emit(g, "ReduceSum", &loss, 1, strcmp(red, "sum") == 0 ? y :
	    NULL)) == NULL || irbuild_attr_i(k, "keepdims", 0) < 0)
		return -1;
	if (strcmp(red, "sum") == 0)
		return 0;
	loss = k->outputs[0];
	if ((k = emit(g, "ReduceSum", &w, 1, NULL)) == NULL ||
	    irbuild_attr_i(k, "keepdims", 0) < 0)
		return -1;
	return emit2(g, "Div", loss, k->outputs[0], y) == NULL ? -1 : 0;
}

/* What NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss need
 * below 12: 0, or 1 refused. */
static int
loss_ok(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	char rb[16];
	const char *red = attr_str(n, "reduction", "mean", rb, sizeof(rb));
	int32_t fe = value_elem(in(n, 0)), te = value_elem(in(n, 1));

	if (to < 11)
		return refuse(c, "GatherElements starts at opset 11");
	if (n->graph->kind == IR_GRAPH_FUNCTION)
		return refuse(c, "constants inside a function body");
	if (red == NULL || (strcmp(red, "none") != 0 && strcmp(red, "sum") &&
	    strcmp(red, "mean") != 0))
		return refuse(c, "reduction not none, sum or mean");
	if (fe != IR_ELEM_FLOAT && fe != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (te != IR_ELEM_INT64 && te != IR_ELEM_INT32)
		return refuse(c, "target type not known");
	if (attr_is_ref(ir_node_attr(n, "ignore_index")) ||
	    attr_is_ref(ir_node_attr(n, "reduction")))
		return refuse(c, "attributes refer to function attributes");
	if (n->noutputs < 1 || n->outputs[0] == NULL)
		return refuse(c, "unexpected outputs");
	return 0;
}

static int
ex_nll(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_value *x = in(n, 0), *t = in(n, 1), *w = in(n, 2);
	struct ir_value *outs[1];
	int rc;

	int32_t fe = value_elem(x), te = value_elem(t);

	if ((rc = loss_ok(c, to)) != 0)
		return rc;
	retire(n, outs, 1);
	return nll_body(c, x, t, w, outs[0], fe, te);
}

/* SoftmaxCrossEntropyLoss-12: LogSoftmax along axis 1 (below 13 the
 * 2-D coercion: exact for rank 2, else between Transposes that move
 * the class axis last), then the NegativeLogLikelihoodLoss body. */
static int
ex_sce(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *t = in(n, 1), *w = in(n, 2);
	struct ir_value *outs[2], *lp;
	int rank = value_rank(x), rc, i;
	int64_t perm[MAXV], inv[MAXV];
	int32_t fe = value_elem(x), te = value_elem(t);

	if ((rc = loss_ok(c, to)) != 0)
		return rc;
	if (rank < 2 || rank > MAXV)
		return refuse(c, "scores of unknown rank");
	retire(n, outs, 2);
	if (rank == 2) {
		if ((k = emit(g, "LogSoftmax", &x, 1, outs[1])) == NULL ||
		    irbuild_attr_i(k, "axis", 1) < 0)
			return -1;
		lp = k->outputs[0];
	} else {
		/* perm moves axis 1 last; inv puts it back */
		perm[0] = 0;
		for (i = 1; i < rank - 1; i++)
			perm[i] = i + 1;
		perm[rank - 1] = 1;
		for (i = 0; i < rank; i++)
			inv[perm[i]] = i;
		if ((k = emit(g, "Transpose", &x, 1, NULL)) == NULL ||
		    irbuild_attr_ints(k, "perm", perm, (size_t)rank) < 0)
			return -1;
		lp = k->outputs[0];
		if ((k = emit(g, "LogSoftmax", &lp, 1, NULL)) == NULL ||
		    irbuild_attr_i(k, "axis", rank - 1) < 0)
			return -1;
		lp = k->outputs[0];
		if ((k = emit(g, "Transpose", &lp, 1, outs[1])) == NULL ||
		    irbuild_attr_ints(k, "perm", inv, (size_t)rank) < 0)
			return -1;
		lp = k->outputs[0];
	}
	return nll_body(c, lp, t, w, outs[0], fe, te);
}

/* ThresholdedRelu-10 is Where(x > alpha, x, 0) (opset 9 on). */
static int
ex_thresholdedrelu(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *ins[3], *al;
	const struct ir_attr *a = ir_node_attr(n, "alpha");
	int32_t e = value_elem(x);

	if (to < 9)
		return refuse(c, "Where starts at opset 9");
	if (a != NULL && (a->type != IR_ATTR_FLOAT || attr_is_ref(a)))
		return refuse(c, "alpha not a plain float");
	if (e != IR_ELEM_FLOAT && e != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1)
		return refuse(c, "constants inside a function body");
	retire(n, outs, 1);
	if ((al = irbuild_scalar(g, "opset_alpha", e, a != NULL ? a->f : 1.0,
	    0)) == NULL || (ins[0] = emit2(g, "Greater", x, al, NULL)) ==
	    NULL || (ins[2] = irbuild_scalar(g, "opset_zero", e, 0, 0)) ==
	    NULL)
		return -1;
	ins[1] = x;
	return emit(g, "Where", ins, 3, outs[0]) == NULL ? -1 : 0;
}

/* IsInf-10: |x| (or x, or -x) greater than the largest finite value
 * of its type (NaN compares false, as IsInf says). */
static int
ex_isinf(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *lim, *v = x;
	int32_t e = value_elem(x);
	bool pos = attr_i(n, "detect_positive", 1) != 0;
	bool neg = attr_i(n, "detect_negative", 1) != 0;
	double max = e == IR_ELEM_FLOAT ? FLT_MAX : DBL_MAX;

	if (to < 7)
		return refuse(c, "broadcasting starts at opset 7");
	if (e != IR_ELEM_FLOAT && e != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (attr_is_ref(ir_node_attr(n, "detect_positive")) ||
	    attr_is_ref(ir_node_attr(n, "detect_negative")))
		return refuse(c, "attributes refer to function attributes");
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1)
		return refuse(c, "constants inside a function body");
	retire(n, outs, 1);
	if (pos && neg)
		v = emit2(g, "Abs", x, NULL, NULL);
	else if (!pos && !neg)
		max = INFINITY;		/* nothing is greater */
	if (v == NULL || (lim = irbuild_scalar(g, "opset_max", e,
	    !pos && neg ? -max : max, 0)) == NULL)
		return -1;
	return emit2(g, !pos && neg ? "Less" : "Greater", v, lim, outs[0]) ==
	    NULL ? -1 : 0;
}

/* EyeLike-9 of a matrix of known size is a constant. */
static int
ex_eyelike(struct conv *c, int to)
{
	struct ir_node *n = c->n;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *k;
	int32_t e = (int32_t)attr_i(n, "dtype", value_elem(x));
	int64_t r, cl, i, j, off = attr_i(n, "k", 0), dims[2];
	unsigned w = ir_elem_bits(e) / 8;
	unsigned char one[8], zero[8];
	uint8_t *data;

	(void)to;
	if (value_rank(x) != 2 || x->type.dims[0].kind != IR_DIM_VALUE ||
	    x->type.dims[1].kind != IR_DIM_VALUE)
		return refuse(c, "the matrix size is not known");
	r = x->type.dims[0].value;
	cl = x->type.dims[1].value;
	if (r < 0 || cl < 0 || r > 4096 || cl > 4096 || r * cl > (1 << 20))
		return refuse(c, "the matrix is too large for a constant");
	if (w == 0 || irbuild_encode(e, 1, one) < 0 ||
	    irbuild_encode(e, 0, zero) < 0)
		return refuse(c, "element type %d", (int)e);
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1 ||
	    attr_is_ref(ir_node_attr(n, "k")) ||
	    attr_is_ref(ir_node_attr(n, "dtype")))
		return refuse(c, "inside a function body");
	if ((data = arena_alloc(&c->ctx->scratch, (size_t)(r * cl) * w +
	    1)) == NULL)
		return -1;
	for (i = 0; i < r; i++)
		for (j = 0; j < cl; j++)
			memcpy(data + (size_t)(i * cl + j) * w, j - i == off ?
			    one : zero, w);
	dims[0] = r;
	dims[1] = cl;
	retire(n, outs, 1);
	if ((k = irbuild_init(g, "opset_eye", e, 2, dims, data,
	    (size_t)(r * cl) * w)) == NULL)
		return -1;
	return emit2(g, "Identity", k, NULL, outs[0]) == NULL ? -1 : 0;
}

/*
 * Round-11 (half to even) from Floor: f = Floor(x), d = x - f (exact),
 * up when d > 0.5, or d == 0.5 (neither less nor greater) and f odd
 * (|fmod(f, 2)| > 0.5, Mod-10); NaN and infinities come out of f + 0
 * unchanged.  Opset 10 on (Mod).
 */
static int
ex_round(struct conv *c, int to)
{
	struct ir_node *n = c->n, *k;
	struct ir_graph *g = n->graph;
	struct ir_value *x = in(n, 0), *outs[1], *f, *d, *half, *two, *up;
	struct ir_value *lt, *gt, *tie, *m, *odd, *inc;
	int32_t e = value_elem(x);

	if (to < 10)
		return refuse(c, "Mod starts at opset 10");
	if (e != IR_ELEM_FLOAT && e != IR_ELEM_DOUBLE)
		return refuse(c, "input not known to be float or double");
	if (g->kind == IR_GRAPH_FUNCTION || n->noutputs != 1)
		return refuse(c, "constants inside a function body");
	retire(n, outs, 1);
	if ((half = irbuild_scalar(g, "opset_half", e, 0.5, 0)) == NULL ||
	    (two = irbuild_scalar(g, "opset_two", e, 2, 0)) == NULL ||
	    (f = emit2(g, "Floor", x, NULL, NULL)) == NULL ||
	    (d = emit2(g, "Sub", x, f, NULL)) == NULL ||
	    (gt = emit2(g, "Greater", d, half, NULL)) == NULL ||
	    (lt = emit2(g, "Less", d, half, NULL)) == NULL ||
	    (lt = emit2(g, "Or", lt, gt, NULL)) == NULL ||
	    (tie = emit2(g, "Not", lt, NULL, NULL)) == NULL)
		return -1;
	if ((k = emit(g, "Mod", &f, 1, NULL)) == NULL ||
	    set_input(k, 1, two) < 0 || irbuild_attr_i(k, "fmod", 1) < 0)
		return -1;
	m = k->outputs[0];
	if ((m = emit2(g, "Abs", m, NULL, NULL)) == NULL ||
	    (odd = emit2(g, "Greater", m, half, NULL)) == NULL ||
	    (odd = emit2(g, "And", tie, odd, NULL)) == NULL ||
	    (up = emit2(g, "Or", gt, odd, NULL)) == NULL)
		return -1;
	if ((k = emit(g, "Cast", &up, 1, NULL)) == NULL ||
	    irbuild_attr_i(k, "to", e) < 0)
		return -1;
	inc = k->outputs[0];
	return emit2(g, "Add", f, inc, outs[0]) == NULL ? -1 : 0;
}

/* Operators that do not exist below SINCE and how they are expanded
 * there (their schema's function body). */
static const struct expansion {
	const char *op;
	int (*fn)(struct conv *c, int to);
} expansions[] = {
	{ "CastLike", ex_castlike },
	{ "EyeLike", ex_eyelike },
	{ "GreaterOrEqual", ex_or_equal },
	{ "HardSwish", ex_hardswish },
	{ "IsInf", ex_isinf },
	{ "LayerNormalization", ex_layernorm },
	{ "LessOrEqual", ex_or_equal },
	{ "NegativeLogLikelihoodLoss", ex_nll },
	{ "Round", ex_round },
	{ "SoftmaxCrossEntropyLoss", ex_sce },
	{ "ThresholdedRelu", ex_thresholdedrelu },
	{ "Trilu", ex_trilu },
};

/* N does not exist below S: expand it.  0 done, 1 refused, -1. */
static int
expand(struct conv *c, const struct opdb_schema *s, int to)
{
	size_t i;

	for (i = 0; i < sizeof(expansions) / sizeof(expansions[0]); i++)
		if (strcmp(expansions[i].op, c->n->op_type) == 0)
			return expansions[i].fn(c, to);
	return refuse(c, "%s does not exist before opset %d", c->n->op_type,
	    s->since);
}

/* --- one node, one graph, the model --------------------------------------- */

struct state {
	struct pass_ctx *ctx;
	int target;
	size_t converted, refused, kept;
	bool added;		/* nodes added: graphs re-sorted */
};

static void
report_refusal(struct state *st, struct conv *c, const char *op,
    int from_since, int to_since)
{
	char w[DIAG_ESCAPE_SIZE], o[DIAG_ESCAPE_SIZE];

	pass_report_node(st->ctx, DIAG_F_OPSET_REFUSED, c->n,
	    "%s-%d -> %s-%d (opset %d): %s", esc(o, op), from_since,
	    esc(o, op), to_since, st->target, esc(w, c->why));
	st->refused++;
}

static int
convert_node(struct state *st, struct ir_node *n, int from)
{
	const struct opdb_schema *s, *first, *next;
	const char *op = n->op_type;
	struct conv c;
	int to = st->target, rc;

	memset(&c, 0, sizeof(c));
	c.ctx = st->ctx;
	c.n = n;
	c.down = to < from;
	s = opdb_schema("ai.onnx", n->op_type, from);
	if (s == NULL) {
		snprintf(c.why, sizeof(c.why), "no schema of '%s' at opset "
		    "%d", n->op_type, from);
		report_refusal(st, &c, op, from, from);
		return 0;
	}
	first = s;
	while (c.down ? s->since > to : s->last < to) {
		const char *was = n->op_type;

		if (c.down) {
			next = s->since > 1 ? opdb_schema("ai.onnx",
			    n->op_type, s->since - 1) : NULL;
			if (next == NULL) {
				/* the new nodes are made at the target */
				rc = expand(&c, s, to);
				if (rc < 0)
					return -1;
				if (rc > 0)
					report_refusal(st, &c, was, s->since,
					    s->since);
				else
					st->converted++;
				return 0;
			}
			c.lo = next;
			c.hi = s;
		} else {
			next = opdb_schema("ai.onnx", n->op_type, s->last + 1);
			if (next == NULL) {
				snprintf(c.why, sizeof(c.why), "%s does not "
				    "exist at opset %d", n->op_type,
				    s->last + 1);
				report_refusal(st, &c, was, s->since,
				    s->since);
				return 0;
			}
			c.lo = s;
			c.hi = next;
		}
		rc = step(&c);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			report_refusal(st, &c, was, s->since, next->since);
			return 0;
		}
		/* a rule may have renamed the op (Upsample -> Resize) */
		s = opdb_schema("ai.onnx", n->op_type, next->since);
		if (s == NULL) {
			snprintf(c.why, sizeof(c.why), "no schema of '%s' at "
			    "opset %d", n->op_type, next->since);
			report_refusal(st, &c, was, next->since, next->since);
			return 0;
		}
	}
	if (s->since == first->since && n->op_type == op) {
		st->kept++;
		return 0;
	}
	st->converted++;
	rc = check_types(&c, first, s);
	if (rc == 0)
		rc = check_ort(&c, op, first, s);
	if (rc < 0)
		return -1;
	if (rc > 0)
		report_refusal(st, &c, op, first->since, s->since);
	return 0;
}

/* The default-domain import of a function, or NULL. */
static struct ir_opset *
function_import(struct ir_function *f)
{
	size_t i;

	for (i = 0; i < f->nopsets; i++)
		if (ir_domain_is_onnx(f->opsets[i].domain))
			return &f->opsets[i];
	return NULL;
}

/* The graph's function when it is (inside) a function body. */
static struct ir_function *
graph_function(const struct ir_graph *g)
{
	while (g->parent != NULL)
		g = g->parent;
	return g->kind == IR_GRAPH_FUNCTION ? g->function : NULL;
}

static int
convert_graph(struct state *st, struct ir_graph *g, int from)
{
	struct ir_node **nodes;
	size_t cnt = g->nnodes, i, others = 0;
	char path[IR_PATH_SIZE];

	if (cnt == 0)
		return 0;
	nodes = arena_array(&st->ctx->scratch, cnt, sizeof(*nodes));
	if (nodes == NULL)
		return -1;
	memcpy(nodes, g->nodes, cnt * sizeof(*nodes));
	for (i = 0; i < cnt; i++) {
		if (nodes[i]->dead)
			continue;
		if (!ir_domain_is_onnx(nodes[i]->domain)) {
			others++;
			continue;
		}
		if (convert_node(st, nodes[i], from) < 0)
			return -1;
	}
	if (others > 0 && g->kind == IR_GRAPH_MAIN)
		diag_report(st->ctx->d, DIAG_F_OPSET_DOMAIN, ir_graph_path(g,
		    path, sizeof(path)), "%zu nodes of other domains (their "
		    "imports are kept)", others);
	if (g->nnodes != cnt) {
		struct ir_node **order, *cycle = NULL;

		st->added = true;
		order = arena_array(&st->ctx->scratch, g->nnodes,
		    sizeof(*order));
		if (order == NULL)
			return -1;
		if (ir_graph_toposort(g, order, &cycle) == 0) {
			memcpy(g->nodes, order, g->nnodes * sizeof(*order));
			for (i = 0; i < g->nnodes; i++)
				g->nodes[i]->index = (unsigned)i;
		}
	}
	return 0;
}

/* The IR version of the onnx release that brought opset N
 * (src/opdb/onnx-releases.tsv). */
static int
ir_for_opset(int n)
{
	static const struct { int opset, ir; } t[] = {
		{ 8, 3 }, { 9, 4 }, { 10, 5 }, { 11, 6 }, { 14, 7 },
		{ 18, 8 }, { 20, 9 }, { 22, 10 }, { 23, 11 }, { 24, 12 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (n <= t[i].opset)
			return t[i].ir;
	return 13;
}

/* The newest IR version this build knows (onnx-releases.tsv). */
#define IR_NEWEST 13

/* Can the model be written at IR version V?  0, or 1 with the reason in
 * WHY. */
static int
ir_fits(struct ir_model *m, int v, int opset, char *why, size_t size)
{
	struct ir_graph *g = m->graph;
	size_t i;

	if (v < 3 || v > IR_NEWEST) {
		snprintf(why, size, "IR version %d is not one this build "
		    "writes (3 to %d)", v, IR_NEWEST);
		return 1;
	}
	if (opset > 0 && v < ir_for_opset(opset)) {
		snprintf(why, size, "opset %d needs IR version %d", opset,
		    ir_for_opset(opset));
		return 1;
	}
	if (m->nfunctions > 0 && v < 8) {
		snprintf(why, size, "local functions need IR version 8");
		return 1;
	}
	if (v < 4 && g != NULL)
		for (i = 0; i < g->ninits; i++) {
			const struct ir_value *x = ir_lookup(g,
			    g->inits[i]->name);

			if (x != NULL && !x->is_input) {
				snprintf(why, size, "initializer '%s' is not a "
				    "graph input, which IR version 4 allows",
				    g->inits[i]->name);
				return 1;
			}
		}
	return 0;
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_model *m = ctx->m;
	struct ir_graph **graphs;
	struct ir_opset *imp = NULL;
	struct state st;
	char why[256];
	int lo, hi, last, from;
	size_t n, i;

	if (ctx->o->opset == 0 && ctx->o->ir_version == 0)
		return 0;
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.target = ctx->o->opset;
	for (i = 0; i < m->nopsets; i++)
		if (ir_domain_is_onnx(m->opsets[i].domain))
			imp = &m->opsets[i];
	if (st.target != 0 && opdb_domain_range("ai.onnx", &lo, &hi,
	    &last) == 0 && (st.target < lo || st.target > hi)) {
		diag_report(ctx->d, DIAG_F_OPSET_REFUSED, "", "opset %d is "
		    "not one of ai.onnx (%d to %d)", st.target, lo, hi);
		ctx->refused = true;
		return 0;
	}
	from = imp != NULL ? (int)imp->version : 0;
	if (st.target != 0 && imp != NULL && imp->version != st.target) {
		if (imp->version < 1 || imp->version > hi) {
			diag_report(ctx->d, DIAG_F_OPSET_REFUSED, "", "the "
			    "model imports ai.onnx at opset %" PRId64
			    ", which is not known", imp->version);
			ctx->refused = true;
			return 0;
		}
		n = ir_model_graphs(m, &graphs);
		for (i = 0; i < n; i++) {
			struct ir_function *f = graph_function(graphs[i]);
			int gfrom = from;

			if (graphs[i]->kind == IR_GRAPH_TRAINING)
				continue;
			if (f != NULL) {
				struct ir_opset *fi = function_import(f);

				if (fi == NULL)
					continue;
				gfrom = (int)fi->version;
			}
			if (gfrom == st.target)
				continue;
			if (convert_graph(&st, graphs[i], gfrom) < 0)
				return -1;
		}
		if (st.refused > 0) {
			ctx->refused = true;
			return 0;
		}
		for (i = 0; i < m->nfunctions; i++) {
			struct ir_opset *fi = function_import(m->functions[i]);

			if (fi != NULL)
				fi->version = st.target;
		}
		imp->version = st.target;
		m->opsets_dirty = true;
		ctx->changed = true;
		diag_report(ctx->d, DIAG_F_OPSET_CONVERTED, "", "opset %d -> "
		    "%d: %zu nodes converted, %zu unchanged", from,
		    st.target, st.converted, st.kept);
	}
	/* IR version: as asked, else raised to what the opset needs */
	{
		int opset = imp != NULL ? (int)imp->version : 0;
		int want = ctx->o->ir_version;
		int64_t had = m->has_ir_version ? m->ir_version : 0;

		if (want == 0 && opset > 0 && had < ir_for_opset(opset) &&
		    st.target != 0)
			want = ir_for_opset(opset);
		if (want == 0 || want == had)
			return 0;
		if (ir_fits(m, want, opset, why, sizeof(why)) != 0) {
			char w[DIAG_ESCAPE_SIZE];

			diag_report(ctx->d, DIAG_F_OPSET_IR_REFUSED, "",
			    "IR version %d: %s", want, esc(w, why));
			ctx->refused = true;
			return 0;
		}
		diag_report(ctx->d, DIAG_F_OPSET_IR, "", "IR version %" PRId64
		    " -> %d", had, want);
		m->ir_version = want;
		m->has_ir_version = true;
		m->ir_version_dirty = true;
		ctx->changed = true;
	}
	return 0;
}

int
pass_opset_trial(struct pass_ctx *ctx, int target, size_t *refused,
    char *first, size_t size)
{
	struct onnxfix_options o = *ctx->o;
	struct ir_model *copy = NULL;
	struct diag_list d;
	struct pass_ctx c2;
	size_t i;
	int rc = -1;

	*refused = 0;
	if (first != NULL && size > 0)
		first[0] = '\0';
	if (ctx->m->path == NULL || strcmp(ctx->m->path, "-") == 0)
		return -1;
	o.opset = target;
	o.ir_version = 0;
	diag_list_init(&d);
	/* a fresh copy: this model is not to be changed (check) */
	if (onnxfix_load(ctx->m->path, &o, &d, &copy) != ONNXFIX_OK ||
	    shapes_infer(copy) < 0)
		goto out;
	memset(&c2, 0, sizeof(c2));
	c2.m = copy;
	c2.d = &d;
	c2.o = &o;
	arena_init(&c2.scratch, copy->budget);
	rc = run(&c2);
	arena_release(&c2.scratch);
	if (rc < 0)
		goto out;
	for (i = 0; i < d.n; i++) {
		if (d.v[i].id != DIAG_F_OPSET_REFUSED &&
		    d.v[i].id != DIAG_F_OPSET_IR_REFUSED)
			continue;
		if (++*refused == 1 && first != NULL)
			snprintf(first, size, "%s%s%s", d.v[i].loc,
			    d.v[i].loc[0] != '\0' ? ": " : "",
			    d.v[i].detail != NULL ? d.v[i].detail : "");
	}
	rc = 0;
out:
	if (copy != NULL)
		onnxfix_model_free(copy);
	diag_list_release(&d);
	return rc;
}

const struct pass pass_opset = {
	"opset", PASS_REWRITE,
	"convert the default domain to the opset of --opset, exactly or not "
	"at all",
	run,
};
