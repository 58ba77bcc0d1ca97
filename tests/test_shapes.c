/* SPDX-License-Identifier: MIT */
/*
 * Shape and type inference (src/ir/shapes.c): exact shapes per operator
 * family on graphs built in C, idempotence, and that the writer ignores
 * inferred types.
 *
 * Run with --dump MODEL it prints instead every tensor value that a node
 * of the main graph produces, with its type after inference, one line
 * each: name, element type number, rank (-1 unknown), then the dims
 * (a number, =param or ?), separated by tabs; tests/shapes-vs-onnx.py
 * compares them with the onnx package's inference.  --dump-all does the
 * same for every graph, subgraphs and function bodies included.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "builder.h"
#include "ir/shapes.h"

/* A graph input NAME of ELEM with dims written "1,N,?,4" ("" scalar,
 * NULL unranked). */
static struct ir_value *
in(struct ir_graph *g, const char *name, int32_t elem, const char *dims)
{
	struct ir_value *v = b_input(g, name);
	struct arena *a = &g->model->arena;
	const char *p = dims;
	int r = 0;

	v->type.elem = elem;
	if (dims == NULL)
		return v;
	if (*dims != '\0')
		for (r = 1; *p; p++)
			r += *p == ',';
	v->type.rank = r;
	v->type.dims = arena_array(a, (size_t)r + 1, sizeof(*v->type.dims));
	assert_non_null(v->type.dims);
	for (p = dims, r = 0; r < v->type.rank; r++) {
		size_t len = strcspn(p, ",");
		struct ir_dim *d = &v->type.dims[r];

		if ((*p >= '0' && *p <= '9') || *p == '-') {
			d->kind = IR_DIM_VALUE;
			d->value = strtoll(p, NULL, 10);
		} else if (*p == '?') {
			d->kind = IR_DIM_UNKNOWN;
		} else {
			d->kind = IR_DIM_PARAM;
			d->param = arena_strndup(a, p, len);
		}
		p += len + (p[len] == ',');
	}
	g->inputs[g->ninputs - 1].type = v->type;
	return v;
}

static struct ir_value *
fin(struct ir_graph *g, const char *name, const char *dims)
{
	return in(g, name, IR_ELEM_FLOAT, dims);
}

/* An int64 initializer NAME holding N values (rank 1, or 0 when N < 0
 * for a scalar of one value). */
static struct ir_value *
cst(struct ir_graph *g, const char *name, int n, ...)
{
	struct arena *a = &g->model->arena;
	struct ir_value *v = ir_value_new(g, name, IR_VALUE_INITIALIZER);
	struct ir_tensor *t = arena_alloc(a, sizeof(*t));
	int64_t *data;
	int count = n < 0 ? 1 : n, i;
	va_list ap;

	assert_non_null(v);
	assert_non_null(t);
	data = arena_array(a, (size_t)count + 1, sizeof(*data));
	t->dims = arena_array(a, 1, sizeof(*t->dims));
	assert_non_null(data);
	va_start(ap, n);
	for (i = 0; i < count; i++)
		data[i] = va_arg(ap, int64_t);
	va_end(ap);
	t->name = name;
	t->elem = IR_ELEM_INT64;
	t->rank = n < 0 ? 0 : 1;
	t->dims[0] = count;
	t->storage = IR_DATA_RAW;
	t->data = (const uint8_t *)data;
	t->size = (size_t)count * 8;
	v->init = t;
	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = IR_ELEM_INT64;
	v->type.rank = t->rank;
	v->type.dims = arena_array(a, 1, sizeof(*v->type.dims));
	v->type.dims[0].kind = IR_DIM_VALUE;
	v->type.dims[0].value = count;
	return v;
}

/* A float initializer of rank 1. */
static struct ir_value *
fcst(struct ir_graph *g, const char *name, int n, ...)
{
	struct arena *a = &g->model->arena;
	struct ir_value *v = ir_value_new(g, name, IR_VALUE_INITIALIZER);
	struct ir_tensor *t = arena_alloc(a, sizeof(*t));
	float *data = arena_array(a, (size_t)n + 1, sizeof(*data));
	va_list ap;
	int i;

	assert_non_null(v);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		data[i] = (float)va_arg(ap, double);
	va_end(ap);
	t->name = name;
	t->elem = IR_ELEM_FLOAT;
	t->rank = 1;
	t->dims = arena_array(a, 1, sizeof(*t->dims));
	t->dims[0] = n;
	t->storage = IR_DATA_RAW;
	t->data = (const uint8_t *)data;
	t->size = (size_t)n * 4;
	v->init = t;
	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = IR_ELEM_FLOAT;
	v->type.rank = 1;
	v->type.dims = arena_array(a, 1, sizeof(*v->type.dims));
	v->type.dims[0].kind = IR_DIM_VALUE;
	v->type.dims[0].value = n;
	return v;
}

static struct ir_attr *
attr(struct ir_node *n, const char *name, enum ir_attr_type type)
{
	size_t cap = n->nattrs;
	struct ir_attr *a;

	assert_int_equal(arena_grow(&n->graph->model->arena,
	    (void **)&n->attrs, &cap, n->nattrs + 1, sizeof(*n->attrs)), 0);
	a = &n->attrs[n->nattrs++];
	memset(a, 0, sizeof(*a));
	a->name = name;
	a->type = type;
	a->has_type = true;
	a->nvalues = 1;
	return a;
}

static void
ai(struct ir_node *n, const char *name, int64_t v)
{
	attr(n, name, IR_ATTR_INT)->i = v;
}

static void
as(struct ir_node *n, const char *name, const char *v)
{
	struct ir_attr *a = attr(n, name, IR_ATTR_STRING);

	a->s = (const uint8_t *)v;
	a->slen = strlen(v);
}

static void
ais(struct ir_node *n, const char *name, int count, ...)
{
	struct ir_attr *a = attr(n, name, IR_ATTR_INTS);
	va_list ap;
	int i;

	a->ints = arena_array(&n->graph->model->arena, (size_t)count + 1,
	    sizeof(*a->ints));
	a->n = (size_t)count;
	va_start(ap, count);
	for (i = 0; i < count; i++)
		a->ints[i] = va_arg(ap, int64_t);
	va_end(ap);
}

/* A node with several outputs named OUT0, OUT1, ... */
static struct ir_node *
multi(struct ir_graph *g, const char *op, const char *prefix, int nout,
    int nin, ...)
{
	struct ir_node *n = ir_node_new(g, op, "", NULL, (size_t)nin,
	    (size_t)nout);
	va_list ap;
	int i;

	assert_non_null(n);
	va_start(ap, nin);
	for (i = 0; i < nin; i++)
		assert_int_equal(ir_node_set_input(n, (size_t)i,
		    va_arg(ap, struct ir_value *)), 0);
	va_end(ap);
	for (i = 0; i < nout; i++) {
		struct ir_value *v = ir_value_new(g, arena_printf(
		    &g->model->arena, "%s%d", prefix, i), IR_VALUE_NODE);

		ir_node_set_output(n, (size_t)i, v);
	}
	return n;
}

static struct ir_value *
out(struct ir_node *n)
{
	return n->outputs[0];
}

/* The type of V as text after inference. */
static const char *
ty(struct ir_value *v)
{
	static char buf[8][256];
	static int k;

	k = (k + 1) % 8;
	return shapes_type_str(&v->type, buf[k], sizeof(buf[k]));
}

#define NODE(g, op, name, ...) b_node(g, op, name, \
	(int)(sizeof((struct ir_value *[]){ __VA_ARGS__ }) / \
	sizeof(struct ir_value *)), __VA_ARGS__)
#define INFER(m) assert_int_equal(shapes_infer(m), 0)

static void
test_elementwise(void **state)
{
	struct ir_model *m = b_model(17);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,3,1,5");
	struct ir_value *y = fin(g, "y", "4,1");
	struct ir_value *z = fin(g, "z", "N,1,1,1");
	struct ir_value *w = fin(g, "w", "M,3,4,5");
	struct ir_value *u = fin(g, "u", "?,3,4,5");
	struct ir_value *add = out(NODE(g, "Add", "add", x, y));
	struct ir_value *mul = out(NODE(g, "Mul", "mul", x, z));
	struct ir_value *sub = out(NODE(g, "Sub", "sub", x, w));
	struct ir_value *eq = out(NODE(g, "Equal", "eq", x, y));
	struct ir_value *sum = out(NODE(g, "Sum", "sum", x, y, z));
	struct ir_value *relu = out(NODE(g, "Relu", "relu", add));
	struct ir_value *nt = out(NODE(g, "Not", "nt", eq));
	struct ir_value *wh = out(NODE(g, "Where", "wh", eq, x, z));
	struct ir_value *cu = out(NODE(g, "Max", "cu", u, x));
	struct ir_node *cast = b_node(g, "Cast", "cast", 1, x);
	struct ir_node *drop = multi(g, "Dropout", "drop", 2, 1, x);

	(void)state;
	ai(cast, "to", IR_ELEM_FLOAT16);
	INFER(m);
	assert_string_equal(ty(add), "float[N,3,4,5]");
	assert_string_equal(ty(mul), "float[N,3,1,5]");
	/* N and M may each be 1: unknown */
	assert_string_equal(ty(sub), "float[?,3,4,5]");
	assert_string_equal(ty(eq), "bool[N,3,4,5]");
	assert_string_equal(ty(sum), "float[N,3,4,5]");
	assert_string_equal(ty(relu), "float[N,3,4,5]");
	assert_string_equal(ty(nt), "bool[N,3,4,5]");
	assert_string_equal(ty(wh), "float[N,3,4,5]");
	assert_string_equal(ty(cu), "float[?,3,4,5]");
	assert_string_equal(ty(out(cast)), "float16[N,3,1,5]");
	assert_string_equal(ty(drop->outputs[0]), "float[N,3,1,5]");
	assert_string_equal(ty(drop->outputs[1]), "bool[N,3,1,5]");
	assert_true(add->type_inferred);
	assert_false(x->type_inferred);
	ir_model_free(m);
}

static void
test_conv_pool(void **state)
{
	struct ir_model *m = b_model(17);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,3,224,224");
	struct ir_value *w = fin(g, "w", "64,3,7,7");
	struct ir_value *wg = fin(g, "wg", "64,1,3,3");
	struct ir_value *wt = fin(g, "wt", "64,16,4,4");
	struct ir_node *c1 = NODE(g, "Conv", "c1", x, w);
	struct ir_node *c2 = NODE(g, "Conv", "c2", out(c1), wg);
	struct ir_node *c3 = NODE(g, "Conv", "c3", x, w);
	struct ir_node *c4 = NODE(g, "Conv", "c4", x, w);
	struct ir_node *ct = NODE(g, "ConvTranspose", "ct", out(c1), wt);
	struct ir_node *ct2 = NODE(g, "ConvTranspose", "ct2", out(c1), wt);
	struct ir_node *mp = multi(g, "MaxPool", "mp", 2, 1, out(c1));
	struct ir_node *mpc = NODE(g, "MaxPool", "mpc", out(c1));
	struct ir_node *mpa = NODE(g, "MaxPool", "mpa", out(c1));
	struct ir_node *ap = NODE(g, "AveragePool", "ap", out(c1));
	struct ir_node *gp = NODE(g, "GlobalAveragePool", "gp", out(c1));

	(void)state;
	ais(c1, "pads", 4, 3LL, 3LL, 3LL, 3LL);
	ais(c1, "strides", 2, 2LL, 2LL);
	ai(c2, "group", 64);
	ais(c2, "dilations", 2, 2LL, 2LL);
	ais(c2, "pads", 4, 2LL, 2LL, 2LL, 2LL);
	as(c3, "auto_pad", "SAME_UPPER");
	ais(c3, "strides", 2, 2LL, 2LL);
	as(c4, "auto_pad", "VALID");
	ais(c4, "strides", 2, 3LL, 3LL);
	ais(ct, "strides", 2, 2LL, 2LL);
	ais(ct, "pads", 4, 1LL, 1LL, 1LL, 1LL);
	ais(ct, "output_padding", 2, 1LL, 1LL);
	ai(ct2, "group", 2);
	ais(ct2, "output_shape", 2, 300LL, 301LL);
	ais(mp, "kernel_shape", 2, 3LL, 3LL);
	ais(mp, "strides", 2, 2LL, 2LL);
	ais(mp, "pads", 4, 1LL, 1LL, 1LL, 1LL);
	/* 112: (112 - 3) / 2 = 54.5, ceil 55 -> 56 */
	ais(mpc, "kernel_shape", 2, 3LL, 3LL);
	ais(mpc, "strides", 2, 2LL, 2LL);
	ai(mpc, "ceil_mode", 1);
	/* the last window would start in the padding: runtimes differ */
	ais(mpa, "kernel_shape", 2, 2LL, 2LL);
	ais(mpa, "strides", 2, 2LL, 2LL);
	ais(mpa, "pads", 4, 0LL, 0LL, 1LL, 1LL);
	ai(mpa, "ceil_mode", 1);
	ais(ap, "kernel_shape", 2, 2LL, 2LL);
	ais(ap, "strides", 2, 2LL, 2LL);
	INFER(m);
	assert_string_equal(ty(out(c1)), "float[N,64,112,112]");
	assert_string_equal(ty(out(c2)), "float[N,64,112,112]");
	assert_string_equal(ty(out(c3)), "float[N,64,112,112]");
	assert_string_equal(ty(out(c4)), "float[N,64,73,73]");
	assert_string_equal(ty(out(ct)), "float[N,16,225,225]");
	assert_string_equal(ty(out(ct2)), "float[N,32,300,301]");
	assert_string_equal(ty(mp->outputs[0]), "float[N,64,56,56]");
	assert_string_equal(ty(mp->outputs[1]), "int64[N,64,56,56]");
	assert_string_equal(ty(out(mpc)), "float[N,64,56,56]");
	assert_string_equal(ty(out(mpa)), "float[N,64,?,?]");
	assert_string_equal(ty(out(ap)), "float[N,64,56,56]");
	assert_string_equal(ty(out(gp)), "float[N,64,1,1]");
	ir_model_free(m);
}

/* Stride 1 with compensating padding keeps a symbolic size. */
static void
test_conv_symbolic(void **state)
{
	struct ir_model *m = b_model(17);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,3,H,W");
	struct ir_node *c1 = NODE(g, "Conv", "c1", x, fin(g, "w", "8,3,3,3"));
	struct ir_node *c2 = NODE(g, "Conv", "c2", x, fin(g, "w2", "8,3,3,3"));
	struct ir_node *c3 = NODE(g, "Conv", "c3", x, fin(g, "w3", "8,3,1,1"));
	struct ir_node *c4 = NODE(g, "Conv", "c4", x, fin(g, "w4", "8,3,3,3"));
	struct ir_node *mp = NODE(g, "MaxPool", "mp", x);
	struct ir_node *ct = NODE(g, "ConvTranspose", "ct", x,
	    fin(g, "wt", "3,4,3,3"));

	(void)state;
	ais(c1, "pads", 4, 1LL, 1LL, 1LL, 1LL);
	as(c2, "auto_pad", "SAME_UPPER");
	ais(c4, "pads", 4, 1LL, 0LL, 1LL, 0LL);
	ais(mp, "kernel_shape", 2, 3LL, 3LL);
	ais(mp, "pads", 4, 1LL, 1LL, 1LL, 1LL);
	ais(ct, "pads", 4, 1LL, 1LL, 1LL, 1LL);
	INFER(m);
	assert_string_equal(ty(out(c1)), "float[N,8,H,W]");
	assert_string_equal(ty(out(c2)), "float[N,8,H,W]");
	assert_string_equal(ty(out(c3)), "float[N,8,H,W]");
	assert_string_equal(ty(out(c4)), "float[N,8,H,?]");
	assert_string_equal(ty(out(mp)), "float[N,3,H,W]");
	assert_string_equal(ty(out(ct)), "float[N,4,H,W]");
	ir_model_free(m);
}

static void
test_norm(void **state)
{
	struct ir_model *m = b_model(15);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,8,5,5");
	struct ir_value *c = fin(g, "c", "8");
	struct ir_node *bn = multi(g, "BatchNormalization", "bn", 3, 5, x, c,
	    c, c, c);
	struct ir_node *in = NODE(g, "InstanceNormalization", "in", x, c, c);
	struct ir_node *ln = multi(g, "LayerNormalization", "ln", 3, 1, x);

	(void)state;
	ai(ln, "axis", 2);
	INFER(m);
	assert_string_equal(ty(bn->outputs[0]), "float[N,8,5,5]");
	assert_string_equal(ty(bn->outputs[1]), "float[8]");
	assert_string_equal(ty(bn->outputs[2]), "float[8]");
	assert_string_equal(ty(out(in)), "float[N,8,5,5]");
	assert_string_equal(ty(ln->outputs[0]), "float[N,8,5,5]");
	assert_string_equal(ty(ln->outputs[1]), "float[N,8,1,1]");
	ir_model_free(m);
}

static void
test_reshape_family(void **state)
{
	struct ir_model *m = b_model(17);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "B,12,64");
	struct ir_value *s1 = cst(g, "s1", 3, 0LL, -1LL, 8LL);
	struct ir_value *s2 = cst(g, "s2", 2, -1LL, 768LL);
	struct ir_value *s3 = cst(g, "s3", 2, 0LL, 0LL);
	struct ir_value *r1 = out(NODE(g, "Reshape", "r1", x, s1));
	struct ir_value *r2 = out(NODE(g, "Reshape", "r2", x, s2));
	struct ir_node *rz = NODE(g, "Reshape", "rz", x, s3);
	struct ir_node *fl = NODE(g, "Flatten", "fl", x);
	struct ir_node *fl0 = NODE(g, "Flatten", "fl0", x);
	struct ir_node *tr = NODE(g, "Transpose", "tr", x);
	struct ir_node *tp = NODE(g, "Transpose", "tp", x);

	(void)state;
	ai(rz, "allowzero", 1);
	ai(fl0, "axis", 0);
	ais(tp, "perm", 3, 0LL, 2LL, 1LL);
	INFER(m);
	assert_string_equal(ty(r1), "float[B,96,8]");
	assert_string_equal(ty(r2), "float[B,768]");
	assert_string_equal(ty(out(rz)), "float[0,0]");
	assert_string_equal(ty(out(fl)), "float[B,768]");
	assert_string_equal(ty(out(fl0)), "float[1,?]");
	assert_string_equal(ty(out(tr)), "float[64,12,B]");
	assert_string_equal(ty(out(tp)), "float[B,64,12]");
	ir_model_free(m);
}

/* The PyTorch export chain: Shape -> Gather -> Unsqueeze -> Concat. */
static void
test_shape_chain(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "batch,seq,768");
	struct ir_value *i0 = cst(g, "i0", -1, 0LL);
	struct ir_value *i1 = cst(g, "i1", -1, 1LL);
	struct ir_value *ax = cst(g, "ax", 1, 0LL);
	struct ir_value *tail = cst(g, "tail", 2, 12LL, 64LL);
	struct ir_value *sh = out(NODE(g, "Shape", "sh", x));
	struct ir_value *b = out(NODE(g, "Gather", "b", sh, i0));
	struct ir_value *s = out(NODE(g, "Gather", "s", sh, i1));
	struct ir_value *bu = out(NODE(g, "Unsqueeze", "bu", b, ax));
	struct ir_value *su = out(NODE(g, "Unsqueeze", "su", s, ax));
	struct ir_node *cat = NODE(g, "Concat", "cat", bu, su, tail);
	struct ir_value *r = out(NODE(g, "Reshape", "r", x, out(cat)));
	struct ir_node *tr = NODE(g, "Transpose", "tr", r);
	struct ir_value *sz = out(NODE(g, "Size", "sz", x));
	struct ir_value *cs = out(NODE(g, "ConstantOfShape", "cs", sh));
	struct ir_value *ex = out(NODE(g, "Expand", "ex", fin(g, "one",
	    "1,1,768"), sh));

	(void)state;
	ai(cat, "axis", 0);
	ais(tr, "perm", 4, 0LL, 2LL, 1LL, 3LL);
	INFER(m);
	assert_string_equal(ty(sh), "int64[3]");
	assert_string_equal(ty(b), "int64[]");
	assert_string_equal(ty(bu), "int64[1]");
	assert_string_equal(ty(out(cat)), "int64[4]");
	assert_string_equal(ty(r), "float[batch,seq,12,64]");
	assert_string_equal(ty(out(tr)), "float[batch,12,seq,64]");
	assert_string_equal(ty(sz), "int64[]");
	assert_string_equal(ty(cs), "float[batch,seq,768]");
	assert_string_equal(ty(ex), "float[batch,seq,768]");
	ir_model_free(m);
}

static void
test_concat_split_slice(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *a = fin(g, "a", "N,3,10");
	struct ir_value *b = fin(g, "b", "N,5,10");
	struct ir_node *cat = NODE(g, "Concat", "cat", a, b);
	struct ir_node *sp = multi(g, "Split", "sp", 2, 2, out(cat),
	    cst(g, "split", 2, 6LL, 2LL));
	struct ir_node *sp3 = multi(g, "Split", "sq", 2, 1, a);
	struct ir_value *st = cst(g, "st", 2, 1LL, -1LL);
	struct ir_value *en = cst(g, "en", 2, 1000LL, -10LL);
	struct ir_value *axs = cst(g, "axs", 2, 2LL, 1LL);
	struct ir_value *stp = cst(g, "stp", 2, 3LL, -1LL);
	struct ir_value *sl = out(NODE(g, "Slice", "sl", a, st, en, axs, stp));
	struct ir_value *sl2 = out(NODE(g, "Slice", "sl2", a,
	    cst(g, "z", 1, 0LL), cst(g, "big", 1, INT64_MAX),
	    cst(g, "a0", 1, 0LL)));

	(void)state;
	ai(cat, "axis", 1);
	ai(sp, "axis", -2);
	ai(sp3, "axis", 2);
	INFER(m);
	assert_string_equal(ty(out(cat)), "float[N,8,10]");
	assert_string_equal(ty(sp->outputs[0]), "float[N,6,10]");
	assert_string_equal(ty(sp->outputs[1]), "float[N,2,10]");
	assert_string_equal(ty(sp3->outputs[0]), "float[N,3,5]");
	/* axis 2: 1..10 step 3 -> 1,4,7 ; axis 1: from 2 down to 0 -> 3 */
	assert_string_equal(ty(sl), "float[N,3,3]");
	assert_string_equal(ty(sl2), "float[N,3,10]");
	ir_model_free(m);
}

static void
test_slice_attrs_opset9(void **state)
{
	struct ir_model *m = b_model(9);
	struct ir_graph *g = m->graph;
	struct ir_value *a = fin(g, "a", "4,10");
	struct ir_node *sl = NODE(g, "Slice", "sl", a);
	struct ir_node *sq = NODE(g, "Squeeze", "sq", fin(g, "b", "1,3,1"));
	struct ir_node *us = NODE(g, "Unsqueeze", "us", a);
	struct ir_node *rs = NODE(g, "ReduceMean", "rs", a);
	struct ir_node *up = NODE(g, "Upsample", "up", a,
	    fcst(g, "sc", 2, 1.0, 2.5));

	(void)state;
	ais(sl, "starts", 1, -3LL);
	ais(sl, "ends", 1, 100LL);
	ais(sl, "axes", 1, 1LL);
	ais(us, "axes", 2, 0LL, 3LL);
	ais(rs, "axes", 1, 1LL);
	ai(rs, "keepdims", 0);
	INFER(m);
	assert_string_equal(ty(out(sl)), "float[4,3]");
	assert_string_equal(ty(out(sq)), "float[3]");
	assert_string_equal(ty(out(us)), "float[1,4,10,1]");
	assert_string_equal(ty(out(rs)), "float[4]");
	assert_string_equal(ty(out(up)), "float[4,25]");
	ir_model_free(m);
}

static void
test_squeeze_reduce_inputs(void **state)
{
	struct ir_model *m = b_model(18);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,1,7,1");
	struct ir_value *sq = out(NODE(g, "Squeeze", "sq", x,
	    cst(g, "ax", 1, -1LL)));
	struct ir_value *us = out(NODE(g, "Unsqueeze", "us", x,
	    cst(g, "ax2", 2, -1LL, 0LL)));
	struct ir_value *rs = out(NODE(g, "ReduceSum", "rs", x,
	    cst(g, "ax3", 2, 0LL, 2LL)));
	struct ir_value *rm = out(NODE(g, "ReduceMax", "rm", x));
	struct ir_node *rn = NODE(g, "ReduceL2", "rn", x,
	    cst(g, "none", 0));
	struct ir_node *am = NODE(g, "ArgMax", "am", x);
	struct ir_node *sh = NODE(g, "Shape", "sh", x);

	(void)state;
	ai(sh, "start", 1);
	ai(sh, "end", -1);
	ai(rn, "noop_with_empty_axes", 1);
	ai(am, "axis", 2);
	ai(am, "keepdims", 0);
	INFER(m);
	assert_string_equal(ty(sq), "float[N,1,7]");
	assert_string_equal(ty(us), "float[1,N,1,7,1,1]");
	assert_string_equal(ty(rs), "float[1,1,1,1]");
	assert_string_equal(ty(rm), "float[1,1,1,1]");
	assert_string_equal(ty(out(rn)), "float[N,1,7,1]");
	assert_string_equal(ty(out(am)), "int64[N,1,1]");
	assert_string_equal(ty(out(sh)), "int64[2]");
	ir_model_free(m);
}

static void
test_matmul_gemm(void **state)
{
	struct ir_model *m = b_model(17);
	struct ir_graph *g = m->graph;
	struct ir_value *a = fin(g, "a", "B,1,5,3");
	struct ir_value *b = fin(g, "b", "4,3,2");
	struct ir_value *v = fin(g, "v", "3");
	struct ir_value *w = fin(g, "w", "5");
	struct ir_value *mm = out(NODE(g, "MatMul", "mm", a, b));
	struct ir_value *mv = out(NODE(g, "MatMul", "mv", a, v));
	struct ir_value *vm = out(NODE(g, "MatMul", "vm", w, a));
	struct ir_value *vv = out(NODE(g, "MatMul", "vv", v, v));
	struct ir_node *ge = NODE(g, "Gemm", "ge", fin(g, "p", "3,K"),
	    fin(g, "q", "7,3"), fin(g, "c", "7"));

	(void)state;
	ai(ge, "transA", 1);
	ai(ge, "transB", 1);
	INFER(m);
	assert_string_equal(ty(mm), "float[B,4,5,2]");
	assert_string_equal(ty(mv), "float[B,1,5]");
	assert_string_equal(ty(vm), "float[B,1,3]");
	assert_string_equal(ty(vv), "float[]");
	assert_string_equal(ty(out(ge)), "float[K,7]");
	ir_model_free(m);
}

static void
test_gather_resize_misc(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,3,20,30");
	struct ir_value *idx = in(g, "idx", IR_ELEM_INT64, "2,5");
	struct ir_node *ga = NODE(g, "Gather", "ga", x, idx);
	struct ir_value *ge = out(NODE(g, "GatherElements", "ge", x,
	    in(g, "gi", IR_ELEM_INT64, "N,3,2,2")));
	struct ir_value *rz = out(NODE(g, "Resize", "rz", x, NULL,
	    fcst(g, "sc", 4, 1.0, 1.0, 2.0, 0.5)));
	struct ir_value *rs = out(NODE(g, "Resize", "rs", x, NULL, NULL,
	    cst(g, "sz", 4, 1LL, 3LL, 64LL, 64LL)));
	struct ir_value *ti = out(NODE(g, "Tile", "ti", x,
	    cst(g, "rep", 4, 1LL, 2LL, 1LL, 3LL)));
	struct ir_value *pd = out(NODE(g, "Pad", "pd", x,
	    cst(g, "pads", 8, 0LL, 0LL, 1LL, 2LL, 0LL, 0LL, 3LL, 4LL)));
	struct ir_node *tk = multi(g, "TopK", "tk", 2, 2, x,
	    cst(g, "k", 1, 7LL));
	struct ir_value *rg = out(NODE(g, "Range", "rg", cst(g, "r0", -1, 2LL),
	    cst(g, "r1", -1, 11LL), cst(g, "r2", -1, 3LL)));
	struct ir_value *nz = out(NODE(g, "NonZero", "nz", x));
	struct ir_node *cl = NODE(g, "CastLike", "cl", x, idx);
	struct ir_node *sm = NODE(g, "Softmax", "sm", x);
	struct ir_node *sh = NODE(g, "Shape", "sh", x);
	struct ir_node *ein = NODE(g, "Einsum", "ein", fin(g, "e1", "2,3,4"),
	    fin(g, "e2", "2,4,5"));
	/* PyTorch writes the letters apart: each still has its position */
	struct ir_node *es = NODE(g, "Einsum", "es", fin(g, "s1", "2,3,7,4"),
	    fin(g, "s2", "2,3,5,4"));

	(void)state;
	ai(ga, "axis", 2);
	ai(sh, "start", 1);
	ai(sh, "end", -1);
	as(ein, "equation", "bij,bjk->bik");
	as(es, "equation", "B H I D, B H J D -> B H I J");
	INFER(m);
	assert_string_equal(ty(out(ga)), "float[N,3,2,5,30]");
	assert_string_equal(ty(ge), "float[N,3,2,2]");
	assert_string_equal(ty(rz), "float[N,3,40,15]");
	assert_string_equal(ty(rs), "float[1,3,64,64]");
	assert_string_equal(ty(ti), "float[N,6,20,90]");
	assert_string_equal(ty(pd), "float[N,3,24,36]");
	assert_string_equal(ty(tk->outputs[0]), "float[N,3,20,7]");
	assert_string_equal(ty(tk->outputs[1]), "int64[N,3,20,7]");
	assert_string_equal(ty(rg), "int64[3]");
	assert_string_equal(ty(nz), "int64[4,NonZero(nz)]");
	assert_string_equal(ty(out(cl)), "int64[N,3,20,30]");
	assert_string_equal(ty(out(sm)), "float[N,3,20,30]");
	/* start and end only count from opset 15 */
	assert_string_equal(ty(out(sh)), "int64[4]");
	assert_string_equal(ty(out(ein)), "float[2,3,5]");
	assert_string_equal(ty(out(es)), "float[2,3,7,5]");
	ir_model_free(m);
}

static void
test_constant(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_node *c = ir_node_new(g, "Constant", "", NULL, 0, 1);
	struct ir_value *x = fin(g, "x", "2,6");
	struct ir_value *v = ir_value_new(g, "c", IR_VALUE_NODE);
	struct ir_value *r;
	struct ir_attr *a;

	(void)state;
	ir_node_set_output(c, 0, v);
	a = attr(c, "value_ints", IR_ATTR_INTS);
	a->ints = arena_array(&m->arena, 2, sizeof(*a->ints));
	a->ints[0] = 3;
	a->ints[1] = -1;
	a->n = 2;
	r = out(NODE(g, "Reshape", "r", x, v));
	INFER(m);
	assert_string_equal(ty(v), "int64[2]");
	assert_string_equal(ty(r), "float[3,4]");
	ir_model_free(m);
}

/* Unknown operators and unknown inputs give nothing; declared types
 * stay. */
static void
test_unknown(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", NULL);
	struct ir_node *c = ir_node_new(g, "FastGelu", "com.example", NULL,
	    1, 1);
	struct ir_value *cv = ir_value_new(g, "cv", IR_VALUE_NODE);
	struct ir_value *r, *a;

	(void)state;
	ir_node_set_input(c, 0, fin(g, "y", "1,2"));
	ir_node_set_output(c, 0, cv);
	r = out(NODE(g, "Relu", "r", cv));
	a = out(NODE(g, "Add", "a", x, fin(g, "z", "3")));
	INFER(m);
	assert_string_equal(ty(cv), "?");
	assert_string_equal(ty(r), "?");
	assert_string_equal(ty(a), "float[...]");
	ir_model_free(m);
}

/* Declarations win over nothing, inference fills the gaps, and a second
 * run gives the same; the model bytes do not change. */
static void
test_idempotent(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,4");
	struct ir_value *r = out(NODE(g, "Relu", "r", x));
	struct ir_dim d[2] = { { IR_DIM_PARAM, 0, "M" },
	    { IR_DIM_UNKNOWN, 0, NULL } };

	(void)state;
	r->type.kind = IR_TYPE_TENSOR;
	r->type.elem = IR_ELEM_FLOAT;
	r->type.rank = 2;
	r->type.dims = d;
	INFER(m);
	/* a declared param stays when inference has another param */
	assert_string_equal(ty(r), "float[M,4]");
	assert_true(r->type_inferred);
	INFER(m);
	assert_string_equal(ty(r), "float[M,4]");
	assert_string_equal(shapes_type_str(&r->type_decl, (char[64]){ 0 },
	    64), "float[M,?]");
	/* the graph changes: inference follows */
	x->type.dims[1].value = 9;
	INFER(m);
	assert_string_equal(ty(r), "float[M,9]");
	ir_model_free(m);
}

/* If outputs join both branches; Loop bodies see outer types. */
static void
test_control_flow(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "2,3");
	struct ir_value *c = in(g, "c", IR_ELEM_BOOL, "");
	struct ir_node *n = ir_node_new(g, "If", "", NULL, 1, 1);
	struct ir_graph *t = ir_graph_new(m, IR_GRAPH_SUB, g);
	struct ir_graph *e = ir_graph_new(m, IR_GRAPH_SUB, g);
	struct ir_value *tv, *ev, *o;
	struct ir_attr *a;

	(void)state;
	ir_node_set_input(n, 0, c);
	o = ir_value_new(g, "o", IR_VALUE_NODE);
	ir_node_set_output(n, 0, o);
	tv = out(NODE(t, "Relu", "tv", x));
	ev = out(NODE(e, "Neg", "ev", out(NODE(e, "Transpose", "et",
	    out(NODE(e, "Transpose", "et0", x))))));
	b_output(t, tv);
	b_output(e, ev);
	t->owner = e->owner = n;
	a = attr(n, "then_branch", IR_ATTR_GRAPH);
	a->g = t;
	a = attr(n, "else_branch", IR_ATTR_GRAPH);
	a->g = e;
	ir_node_add_implicit(n, x);
	INFER(m);
	assert_string_equal(ty(tv), "float[2,3]");
	assert_string_equal(ty(ev), "float[2,3]");
	assert_string_equal(ty(o), "float[2,3]");
	ir_model_free(m);
}

static void
test_more_ops(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "N,16,6,8");
	struct ir_node *d2s = NODE(g, "DepthToSpace", "d2s", x);
	struct ir_node *s2d = NODE(g, "SpaceToDepth", "s2d", x);
	struct ir_value *seq = fin(g, "seq", "T,B,10");
	struct ir_node *lstm = multi(g, "LSTM", "lstm", 3, 1, seq);
	struct ir_value *gnd = out(NODE(g, "GatherND", "gnd", x,
	    in(g, "gi", IR_ELEM_INT64, "5,2")));
	struct ir_node *oh = NODE(g, "OneHot", "oh",
	    in(g, "ids", IR_ELEM_INT64, "N,7"), cst(g, "depth", -1, 10LL),
	    fin(g, "vals", "2"));
	struct ir_value *q = out(NODE(g, "QuantizeLinear", "q", x,
	    fin(g, "qs", ""), in(g, "zp", IR_ELEM_INT8, "")));
	struct ir_value *dq = out(NODE(g, "DequantizeLinear", "dq", q,
	    fin(g, "ds", "")));
	struct ir_node *rl = NODE(g, "RandomUniformLike", "rl", x);
	struct ir_value *nms = out(NODE(g, "NonMaxSuppression", "nms", x, x));

	(void)state;
	ai(d2s, "blocksize", 2);
	ai(s2d, "blocksize", 2);
	ai(lstm, "hidden_size", 20);
	as(lstm, "direction", "bidirectional");
	ai(oh, "axis", 1);
	ai(rl, "dtype", IR_ELEM_DOUBLE);
	INFER(m);
	assert_string_equal(ty(out(d2s)), "float[N,4,12,16]");
	assert_string_equal(ty(out(s2d)), "float[N,64,3,4]");
	assert_string_equal(ty(lstm->outputs[0]), "float[T,2,B,20]");
	assert_string_equal(ty(lstm->outputs[1]), "float[2,B,20]");
	assert_string_equal(ty(lstm->outputs[2]), "float[2,B,20]");
	assert_string_equal(ty(gnd), "float[5,6,8]");
	assert_string_equal(ty(out(oh)), "float[N,10,7]");
	assert_string_equal(ty(q), "int8[N,16,6,8]");
	assert_string_equal(ty(dq), "float[N,16,6,8]");
	assert_string_equal(ty(out(rl)), "double[N,16,6,8]");
	assert_string_equal(ty(nms), "int64[?,3]");
	ir_model_free(m);
}

/* PyTorch's Expand target: Where(Equal(t, -ones), ones, t). */
static void
test_expand_pattern(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "1,1,768");
	struct ir_value *y = fin(g, "y", "B,S");
	struct ir_value *sh = out(NODE(g, "Shape", "sh", y));
	struct ir_node *cat = NODE(g, "Concat", "cat", sh,
	    cst(g, "width", 1, 768LL));
	struct ir_value *t = out(cat);
	struct ir_node *cs = NODE(g, "ConstantOfShape", "cs",
	    out(NODE(g, "Shape", "tsh", t)));
	struct ir_value *neg = out(NODE(g, "Mul", "neg", out(cs),
	    cst(g, "m1", -1, -1LL)));
	struct ir_value *eq = out(NODE(g, "Equal", "eq", t, neg));
	struct ir_value *w = out(NODE(g, "Where", "w", eq, out(cs), t));
	struct ir_value *ex = out(NODE(g, "Expand", "ex", x, w));
	struct ir_value *rg = out(NODE(g, "Range", "rg", cst(g, "r0", -1, 0LL),
	    cst(g, "r1", -1, 3LL), cst(g, "r2", -1, 1LL)));
	struct ir_value *rs = out(NODE(g, "Reshape", "rs", fin(g, "z", "6"),
	    out(NODE(g, "Add", "ad", rg, cst(g, "one", -1, 1LL)))));
	struct ir_attr *a;

	(void)state;
	ai(cat, "axis", 0);
	a = attr(cs, "value", IR_ATTR_TENSOR);
	a->t = cst(g, "one1", 1, 1LL)->init;
	INFER(m);
	assert_string_equal(ty(out(cs)), "int64[3]");
	assert_string_equal(ty(ex), "float[B,S,768]");
	/* Range 0..2 plus 1 is [1,2,3] */
	assert_string_equal(ty(rs), "float[1,2,3]");
	ir_model_free(m);
}

/* Every type of M as text, in a malloc'd string. */
static char *
snapshot(struct ir_model *m)
{
	struct ir_graph **gs;
	size_t ng = ir_model_graphs(m, &gs), i, j, len = 0, cap = 4096;
	char *buf = malloc(cap);

	assert_non_null(buf);
	buf[0] = '\0';
	for (i = 0; i < ng; i++)
		for (j = 0; j < gs[i]->nvalues; j++) {
			char t[4096];
			size_t k;

			shapes_type_str(&gs[i]->values[j]->type, t, sizeof(t));
			k = strlen(t);
			if (len + k + 2 > cap) {
				cap = 2 * (len + k + 2);
				buf = realloc(buf, cap);
				assert_non_null(buf);
			}
			memcpy(buf + len, t, k);
			len += k;
			buf[len++] = ';';
			buf[len] = '\0';
		}
	return buf;
}

/* Inference twice on every real model gives the same types. */
static int
twice(const char *path)
{
	struct diag_list d;
	struct ir_model *m;
	char *a, *b;
	int bad;

	diag_list_init(&d);
	if (onnxfix_load(path, NULL, &d, &m) != ONNXFIX_OK) {
		fprintf(stderr, "%s: does not load\n", path);
		diag_list_release(&d);
		return 1;
	}
	assert_int_equal(shapes_infer(m), 0);
	a = snapshot(m);
	assert_int_equal(shapes_infer(m), 0);
	b = snapshot(m);
	bad = strcmp(a, b) != 0;
	if (bad)
		fprintf(stderr, "%s: second run differs\n", path);
	free(a);
	free(b);
	onnxfix_model_free(m);
	diag_list_release(&d);
	return bad;
}

static void
test_idempotent_models(void **state)
{
	static const char *const dirs[] = {
		"/usr/share/libonnx-testdata/data/node",
		"/usr/share/libonnx-testdata/data/pytorch-converted",
		"/usr/share/libonnx-testdata/data/pytorch-operator",
		"/usr/share/libonnx-testdata/data/simple",
	};
	char path[4096];
	struct dirent *e;
	size_t i;
	int bad = 0, n = 0;
	DIR *dp;

	(void)state;
	if ((dp = opendir("testdata/corpus")) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			size_t k = strlen(e->d_name);

			if (k < 5 || strcmp(e->d_name + k - 5, ".onnx") != 0)
				continue;
			snprintf(path, sizeof(path), "testdata/corpus/%s",
			    e->d_name);
			bad += twice(path);
			n++;
		}
		closedir(dp);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((dp = opendir(dirs[i])) == NULL)
			continue;
		while ((e = readdir(dp)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/model.onnx",
			    dirs[i], e->d_name);
			bad += twice(path);
			n++;
		}
		closedir(dp);
	}
	assert_true(n >= 8);
	assert_int_equal(bad, 0);
	if (n < 1000)
		fprintf(stderr, "test_idempotent_models: %d models\n", n);
}

/* onnxfix_check infers before the analyses: the passes see types the
 * file does not declare. */
static void
test_pipeline(void **state)
{
	struct diag_list d;
	struct ir_model *m;
	struct ir_value *v;

	(void)state;
	diag_list_init(&d);
	assert_int_equal(onnxfix_load("testdata/corpus/nhwc_transposes.onnx",
	    NULL, &d, &m), ONNXFIX_OK);
	v = hmap_get(&m->graph->names, "/Relu_output_0");
	assert_non_null(v);
	assert_string_equal(ty(v), "?");
	assert_int_equal(onnxfix_check(m, NULL, &d), ONNXFIX_OK);
	assert_string_equal(ty(v), "float[1,8,16,16]");
	assert_true(v->type_inferred);
	assert_int_equal(v->type_decl.kind, IR_TYPE_NONE);
	onnxfix_model_free(m);
	diag_list_release(&d);
}

static void
count(void *arg, enum shapes_issue what, const struct ir_graph *g,
    const struct ir_node *n, const char *detail)
{
	(void)what;
	(void)g;
	(void)n;
	(void)detail;
	(*(int *)arg)++;
}

/* Exporters' -1 dims, absurd ranks and sizes: no finding, no crash, no
 * overflow. */
static void
test_hostile(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = fin(g, "x", "-1,3");
	struct ir_value *big = fin(g, "big", "9223372036854775807,3,"
	    "9223372036854775807");
	struct ir_value *add = out(NODE(g, "Add", "add", x, fin(g, "y",
	    "5,3")));
	struct ir_node *cv = NODE(g, "Conv", "cv", big, fin(g, "w", "4,3,3"));
	struct ir_node *pd = NODE(g, "Pad", "pd", big, cst(g, "pads", 6,
	    0LL, 0LL, INT64_MAX, 0LL, 0LL, 5LL));
	struct ir_value *sl = out(NODE(g, "Slice", "sl", x,
	    cst(g, "st", 1, INT64_MAX), cst(g, "en", 1, INT64_MIN),
	    cst(g, "ax", 1, 1LL), cst(g, "sp", 1, INT64_MIN)));
	struct ir_value *rg = out(NODE(g, "Range", "rg",
	    cst(g, "r0", -1, INT64_MIN), cst(g, "r1", -1, INT64_MAX),
	    cst(g, "r2", -1, 1LL)));
	struct ir_value *deep;
	struct ir_node *tr;
	char dims[400] = "1";
	int found = 0, i;

	(void)state;
	for (i = 1; i < 100; i++)
		strcat(dims, ",1");
	deep = fin(g, "deep", dims);
	tr = NODE(g, "Transpose", "tr", deep);
	ais(tr, "perm", 2, 0LL, 150LL);
	ais(cv, "strides", 1, INT64_MAX);
	ais(cv, "dilations", 1, INT64_MAX);
	b_output(g, add);
	g->outputs[0].type = x->type;	/* declared [-1,3] */
	assert_int_equal(shapes_infer_report(m, count, &found), 0);
	assert_int_equal(found, 0);
	assert_string_equal(ty(add), "float[5,3]");
	assert_string_equal(ty(x), "float[?,3]");
	assert_true(x->type_inferred);
	assert_string_equal(ty(out(cv)), "float[9223372036854775807,4,?]");
	assert_string_equal(ty(out(pd)),
	    "float[9223372036854775807,3,?]");
	assert_string_equal(ty(sl), "float[?,?]");
	assert_string_equal(ty(rg), "int64[?]");
	assert_string_equal(ty(out(tr)), "?");
	ir_model_free(m);
}

static void
dump(const char *path, bool all)
{
	struct diag_list d;
	struct ir_model *m;
	struct ir_graph **gs, *g;
	size_t i, ng, j;

	diag_list_init(&d);
	if (onnxfix_load(path, NULL, &d, &m) != ONNXFIX_OK) {
		fprintf(stderr, "%s: does not load\n", path);
		exit(1);
	}
	if (shapes_infer(m) < 0)
		exit(1);
	ng = all ? ir_model_graphs(m, &gs) : 1;
	for (j = 0; j < ng; j++)
	for (g = all ? gs[j] : m->graph, i = 0; i < g->nvalues; i++) {
		struct ir_value *v = g->values[i];
		int k;

		if (v->kind != IR_VALUE_NODE || v->type.kind != IR_TYPE_TENSOR)
			continue;
		printf("%s\t%d\t%d", v->name, (int)v->type.elem, v->type.rank);
		for (k = 0; k < v->type.rank; k++) {
			const struct ir_dim *dm = &v->type.dims[k];

			if (dm->kind == IR_DIM_VALUE)
				printf("\t%lld", (long long)dm->value);
			else if (dm->kind == IR_DIM_PARAM)
				printf("\t=%s", dm->param);
			else
				printf("\t?");
		}
		printf("\n");
	}
	onnxfix_model_free(m);
	diag_list_release(&d);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elementwise),
		cmocka_unit_test(test_conv_pool),
		cmocka_unit_test(test_conv_symbolic),
		cmocka_unit_test(test_norm),
		cmocka_unit_test(test_reshape_family),
		cmocka_unit_test(test_shape_chain),
		cmocka_unit_test(test_concat_split_slice),
		cmocka_unit_test(test_slice_attrs_opset9),
		cmocka_unit_test(test_squeeze_reduce_inputs),
		cmocka_unit_test(test_matmul_gemm),
		cmocka_unit_test(test_gather_resize_misc),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_control_flow),
		cmocka_unit_test(test_more_ops),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_expand_pattern),
		cmocka_unit_test(test_idempotent_models),
		cmocka_unit_test(test_pipeline),
	};

	if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
		dump(argv[2], false);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--dump-all") == 0) {
		dump(argv[2], true);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
