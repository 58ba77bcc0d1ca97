/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of onnxfix_dot() (src/view/dot.c): the DOT drawn for real models
 * has one op node per IR node and one cluster per subgraph, is the same
 * on every run and reads back with cgraph; a model whose names hold
 * terminal escapes, quotes, backslashes, newlines, "::error::" and
 * invalid UTF-8 gives plain ASCII that still parses; SVG and PNG render;
 * huge graphs stop at the node limit; a failed write is reported.  The
 * test reads the output back with cgraph's own parser (agmemread), so it
 * includes cgraph too.  Run from the project root (testdata/corpus).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cgraph.h>

#include "onnxfix.h"

#define CORPUS "testdata/corpus/"
#define HOSTILE "\x1b[31m\"q\\b\nl::error::\xff\xfe%x<b>&amp;"

static char tmpdir[] = "/tmp/test_dot.XXXXXX";

struct buf {
	char *s;
	size_t n;
};

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = {
		"a.dot", "b.dot", "c.dot", "x.svg", "x.png", "big.dot",
		"h.dot", "h.svg",
	};
	char p[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
	return 0;
}

static const char *
tmp(const char *name)
{
	static char p[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static struct ir_model *
load(const char *path)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m = NULL;

	onnxfix_options_default(&o);
	diag_list_init(&d);
	assert_int_equal(onnxfix_load(path, &o, &d, &m), ONNXFIX_OK);
	diag_list_release(&d);
	assert_non_null(m);
	return m;
}

static struct buf
slurp(const char *path)
{
	struct buf b = { NULL, 0 };
	FILE *fp = fopen(path, "rb");
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	b.s = malloc((size_t)n + 1);
	assert_non_null(b.s);
	assert_int_equal(fread(b.s, 1, (size_t)n, fp), (size_t)n);
	b.s[n] = '\0';
	b.n = (size_t)n;
	fclose(fp);
	return b;
}

/* Draw M into PATH as FMT, expecting success and no diagnostics. */
static struct buf
draw(struct ir_model *m, const char *path, enum onnxfix_dot_format fmt)
{
	struct diag_list d;

	diag_list_init(&d);
	assert_int_equal(onnxfix_dot(m, path, fmt, &d), ONNXFIX_OK);
	assert_int_equal(d.n, 0);
	diag_list_release(&d);
	return slurp(path);
}

/* The same over the node limit: success and exactly one O110. */
static struct buf
draw_cut(struct ir_model *m, const char *path, enum onnxfix_dot_format fmt)
{
	struct diag_list d;

	diag_list_init(&d);
	assert_int_equal(onnxfix_dot(m, path, fmt, &d), ONNXFIX_OK);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].id, DIAG_OUT_DOT_CUT);
	diag_list_release(&d);
	return slurp(path);
}

/* A Constant read by exactly one node input of its own graph (and not
 * a graph output) is drawn in its consumer's label, not as a node. */
static bool
folded_constant(const struct ir_node *n)
{
	const struct ir_value *v;

	if (strcmp(n->op_type, "Constant") != 0 || n->ninputs != 0 ||
	    n->noutputs != 1 || n->nattrs != 1 ||
	    (v = n->outputs[0]) == NULL || v->noutputs != 0 ||
	    v->nuses != 1 || v->uses[0].index < 0)
		return false;
	return v->uses[0].node->graph == n->graph;
}

/* Nodes drawn (live nodes but folded Constants) and subgraphs of M. */
static void
ir_counts(struct ir_model *m, size_t *nodes, size_t *subgraphs)
{
	struct ir_graph **gs;
	size_t n = ir_model_graphs(m, &gs), i, j;

	*nodes = 0;
	*subgraphs = 0;
	for (i = 0; i < n; i++) {
		if (gs[i] != m->graph)
			(*subgraphs)++;
		for (j = 0; j < gs[i]->nnodes; j++)
			if (!gs[i]->nodes[j]->dead &&
			    !folded_constant(gs[i]->nodes[j]))
				(*nodes)++;
	}
}

static bool
is_name(const char *s, const char *prefix)
{
	size_t k = strlen(prefix);

	if (strncmp(s, prefix, k) != 0 || s[k] == '\0')
		return false;
	for (s += k; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Nodes named PREFIX<digits> in a parsed graph. */
static size_t
count_nodes(Agraph_t *g, const char *prefix)
{
	Agnode_t *n;
	size_t k = 0;

	for (n = agfstnode(g); n != NULL; n = agnxtnode(g, n))
		if (is_name(agnameof(n), prefix))
			k++;
	return k;
}

/* Subgraphs named cluster_<digits> at any depth (explicit stack). */
static size_t
count_clusters(Agraph_t *g)
{
	Agraph_t *stack[256], *s;
	size_t sp = 0, k = 0;

	stack[sp++] = g;
	while (sp > 0) {
		g = stack[--sp];
		for (s = agfstsubg(g); s != NULL; s = agnxtsubg(s)) {
			if (is_name(agnameof(s), "cluster_"))
				k++;
			assert_true(sp < 256);
			stack[sp++] = s;
		}
	}
	return k;
}

/* Node statements "PREFIX<digits> [..." or "PREFIX<digits>;" in DOT text. */
static size_t
count_statements(const struct buf *b, const char *prefix)
{
	size_t k = 0, n = strlen(prefix);
	const char *p = b->s;

	while (p != NULL && *p != '\0') {
		const char *q;

		while (*p == '\t')
			p++;
		if (strncmp(p, prefix, n) == 0 && p[n] >= '0' && p[n] <= '9') {
			for (q = p + n; *q >= '0' && *q <= '9'; q++)
				;
			while (*q == '\t' || *q == ' ')
				q++;
			if (*q == '[' || *q == ';')
				k++;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return k;
}

static Agraph_t *
parse(const struct buf *b)
{
	Agraph_t *g = agmemread(b->s);

	assert_non_null(g);
	return g;
}

static bool
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/*
 * DOT text that carries no model byte raw: printable ASCII, tabs and
 * newlines only, no newline inside a quoted string, no HTML-like string
 * (<...>, which cgraph writes for a name it takes for HTML), and no line
 * that starts with "::" (a CI log command).
 */
static void
assert_plain_dot(const struct buf *b)
{
	bool quoted = false, bol = true;
	size_t i;

	for (i = 0; i < b->n; i++) {
		unsigned char c = (unsigned char)b->s[i];

		assert_true(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
		if (c == '"' && (i == 0 || b->s[i - 1] != '\\'))
			quoted = !quoted;
		if (quoted)
			assert_true(c != '\n');
		else
			assert_true(c != '<');	/* no HTML-like string */
		if (bol && c != '\t' && c != ' ')
			assert_false(c == ':' && b->s[i + 1] == ':');
		if (c == '\n')
			bol = true;
		else if (c != '\t' && c != ' ')
			bol = false;
	}
	assert_false(quoted);
}

/* Every label and tooltip of a parsed graph is printable ASCII. */
static void
assert_plain_labels(Agraph_t *g)
{
	Agnode_t *n;
	Agedge_t *e;
	char *v;

	for (n = agfstnode(g); n != NULL; n = agnxtnode(g, n)) {
		if ((v = agget(n, "label")) != NULL)
			assert_true(printable(v));
		if ((v = agget(n, "tooltip")) != NULL)
			assert_true(printable(v));
		for (e = agfstout(g, n); e != NULL; e = agnxtout(g, e))
			if ((v = agget(e, "label")) != NULL)
				assert_true(printable(v));
	}
}

static void
test_op_nodes_match_ir(void **state)
{
	static const char *const models[] = {
		"paddleocr_cls", "silero_vad_legacy", "nhwc_transposes",
		"custom_op", "bn_training",
	};
	size_t i, nodes, subs;

	(void)state;
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		char path[256];
		struct ir_model *m;
		struct buf b;
		Agraph_t *g;

		snprintf(path, sizeof(path), CORPUS "%s.onnx", models[i]);
		m = load(path);
		ir_counts(m, &nodes, &subs);
		b = draw(m, tmp("a.dot"), ONNXFIX_DOT);
		g = parse(&b);
		assert_int_equal(count_statements(&b, "n"), nodes);
		assert_int_equal(count_nodes(g, "n"), nodes);
		assert_int_equal(count_clusters(g), subs);
		assert_int_equal(count_nodes(g, "more"), 0);
		assert_plain_dot(&b);
		assert_plain_labels(g);
		agclose(g);
		free(b.s);
		onnxfix_model_free(m);
	}
}

static void
test_paddleocr_counts(void **state)
{
	struct ir_model *m = load(CORPUS "paddleocr_cls.onnx");
	struct buf b;
	Agraph_t *g;

	(void)state;
	b = draw(m, tmp("a.dot"), ONNXFIX_DOT);
	g = parse(&b);
	assert_int_equal(m->graph->nnodes, 471);
	/* its 250 Constants (weights) are lines of their consumers */
	assert_int_equal(count_nodes(g, "n"), 471 - 250);
	/* by the schema's name of the input, the kernel on the op line */
	assert_non_null(strstr(b.s, "Conv 3&#215;3 /2\\np2o.Conv.0\\nW 8x3x3x3"));
	assert_int_equal(count_nodes(g, "in"), m->graph->ninputs);
	assert_int_equal(count_nodes(g, "out"), m->graph->noutputs);
	assert_int_equal(count_clusters(g), 0);
	agclose(g);
	free(b.s);
	onnxfix_model_free(m);
}

static void
test_silero_clusters(void **state)
{
	struct ir_model *m = load(CORPUS "silero_vad_legacy.onnx");
	size_t nodes, subs, lhead = 0;
	struct buf b;
	Agraph_t *g;
	Agnode_t *n;
	Agedge_t *e;

	(void)state;
	ir_counts(m, &nodes, &subs);
	assert_true(subs > 0);
	b = draw(m, tmp("a.dot"), ONNXFIX_DOT);
	g = parse(&b);
	assert_int_equal(count_clusters(g), subs);
	assert_int_equal(count_nodes(g, "n"), nodes);
	/* every subgraph has a dotted link from its owner node */
	for (n = agfstnode(g); n != NULL; n = agnxtnode(g, n))
		for (e = agfstout(g, n); e != NULL; e = agnxtout(g, e)) {
			char *v = agget(e, "lhead");

			if (v != NULL && strncmp(v, "cluster_", 8) == 0)
				lhead++;
		}
	assert_int_equal(lhead, subs);
	/* single-use initializers fold into labels */
	assert_int_equal(count_nodes(g, "init"), 0);
	assert_non_null(strstr(b.s, "If 'If_25' / then_branch"));
	assert_non_null(strstr(b.s, "If 'If_25' / else_branch"));
	agclose(g);
	free(b.s);
	onnxfix_model_free(m);
}

static void
test_small_model_draws_initializers(void **state)
{
	struct ir_model *m = load(CORPUS "bn_small.onnx");
	struct buf b;
	Agraph_t *g;

	(void)state;
	b = draw(m, tmp("a.dot"), ONNXFIX_DOT);
	g = parse(&b);
	/* every initializer is read once: all are label lines */
	assert_int_equal(count_nodes(g, "init"), 0);
	agclose(g);
	free(b.s);
	onnxfix_model_free(m);
}

static void
test_deterministic(void **state)
{
	struct ir_model *m = load(CORPUS "silero_vad_legacy.onnx");
	struct ir_model *m2;
	struct buf a, b, c;

	(void)state;
	a = draw(m, tmp("a.dot"), ONNXFIX_DOT);
	b = draw(m, tmp("b.dot"), ONNXFIX_DOT);
	m2 = load(CORPUS "silero_vad_legacy.onnx");
	c = draw(m2, tmp("c.dot"), ONNXFIX_DOT);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.s, b.s, a.n);
	assert_int_equal(a.n, c.n);
	assert_memory_equal(a.s, c.s, a.n);
	free(a.s);
	free(b.s);
	free(c.s);
	onnxfix_model_free(m);
	onnxfix_model_free(m2);
}

/* ---- a model built in memory ---- */

static struct ir_vinfo *
vinfo_add(struct ir_model *m, struct ir_vinfo **v, size_t *n,
    struct ir_value *x)
{
	struct ir_vinfo *s;
	size_t cap = *n;

	assert_int_equal(arena_grow(&m->arena, (void **)v, &cap, *n + 1,
	    sizeof(**v)), 0);
	s = &(*v)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->name = x->name;
	s->value = x;
	s->type = x->type;
	return s;
}

static void
float_type(struct ir_model *m, struct ir_type *t, int rank,
    const char *param)
{
	int i;

	t->kind = IR_TYPE_TENSOR;
	t->elem = IR_ELEM_FLOAT;
	t->rank = rank;
	t->dims = arena_array(&m->arena, (size_t)rank + 1, sizeof(*t->dims));
	assert_non_null(t->dims);
	for (i = 0; i < rank; i++) {
		t->dims[i].kind = IR_DIM_VALUE;
		t->dims[i].value = 4;
	}
	if (param != NULL && rank > 0) {
		t->dims[0].kind = IR_DIM_PARAM;
		t->dims[0].param = param;
	}
}

/*
 * in(x) -> op "dom::Op" (x, W, undefined) -> y -> If (cond) whose
 * then_branch reads x from the outer scope; every name is hostile.
 */
static struct ir_model *
hostile_model(void)
{
	struct ir_model *m = ir_model_new(NULL);
	struct ir_graph *g, *sub;
	struct ir_value *x, *w, *u, *y, *z, *s;
	struct ir_node *n, *f, *k;

	assert_non_null(m);
	g = ir_graph_new(m, IR_GRAPH_MAIN, NULL);
	assert_non_null(g);
	m->graph = g;
	g->name = "graph" HOSTILE;
	x = ir_value_new(g, "x" HOSTILE, IR_VALUE_INPUT);
	assert_non_null(x);
	x->is_input = true;
	float_type(m, &x->type, 2, "batch" HOSTILE);
	vinfo_add(m, &g->inputs, &g->ninputs, x);
	w = ir_value_new(g, "W" HOSTILE, IR_VALUE_INITIALIZER);
	assert_non_null(w);
	w->init = arena_alloc(&m->arena, sizeof(*w->init));
	assert_non_null(w->init);
	w->init->name = w->name;
	w->init->elem = IR_ELEM_FLOAT;
	w->init->rank = 1;
	w->init->dims = arena_array(&m->arena, 1, sizeof(int64_t));
	assert_non_null(w->init->dims);
	w->init->dims[0] = 4;
	u = ir_value_new(g, "u" HOSTILE, IR_VALUE_UNDEFINED);
	assert_non_null(u);
	n = ir_node_new(g, "Op" HOSTILE, "dom" HOSTILE, "node" HOSTILE, 3, 1);
	assert_non_null(n);
	assert_int_equal(ir_node_set_input(n, 0, x), 0);
	assert_int_equal(ir_node_set_input(n, 1, w), 0);
	assert_int_equal(ir_node_set_input(n, 2, u), 0);
	y = ir_value_new(g, "y" HOSTILE, IR_VALUE_NODE);
	assert_non_null(y);
	float_type(m, &y->type, 2, "batch" HOSTILE);
	ir_node_set_output(n, 0, y);

	f = ir_node_new(g, "If", "", "if" HOSTILE, 1, 1);
	assert_non_null(f);
	assert_int_equal(ir_node_set_input(f, 0, y), 0);
	z = ir_value_new(g, "z" HOSTILE, IR_VALUE_NODE);
	assert_non_null(z);
	ir_node_set_output(f, 0, z);
	vinfo_add(m, &g->outputs, &g->noutputs, z);
	z->noutputs = 1;

	sub = ir_graph_new(m, IR_GRAPH_SUB, g);
	assert_non_null(sub);
	sub->name = "sub" HOSTILE;
	sub->owner = f;
	sub->attr_name = "then_branch" HOSTILE;
	f->attrs = arena_alloc(&m->arena, sizeof(*f->attrs));
	assert_non_null(f->attrs);
	f->nattrs = 1;
	f->attrs[0].name = sub->attr_name;
	f->attrs[0].type = IR_ATTR_GRAPH;
	f->attrs[0].g = sub;
	k = ir_node_new(sub, "Neg", "", "inner" HOSTILE, 1, 1);
	assert_non_null(k);
	assert_int_equal(ir_node_set_input(k, 0, x), 0);
	assert_int_equal(ir_node_add_implicit(f, x), 0);
	s = ir_value_new(sub, "s" HOSTILE, IR_VALUE_NODE);
	assert_non_null(s);
	ir_node_set_output(k, 0, s);
	vinfo_add(m, &sub->outputs, &sub->noutputs, s);
	s->noutputs = 1;
	return m;
}

static void
test_hostile_names(void **state)
{
	struct ir_model *m = hostile_model();
	struct buf b, v;
	Agraph_t *g;

	(void)state;
	b = draw(m, tmp("h.dot"), ONNXFIX_DOT);
	assert_null(memchr(b.s, 0x1b, b.n));
	assert_null(memchr(b.s, 0xff, b.n));
	assert_null(memchr(b.s, 0xfe, b.n));
	assert_null(strstr(b.s, "&amp;"));
	assert_plain_dot(&b);
	/* each byte shows as text: \x1b, a quote, a backslash, a newline */
	assert_non_null(strstr(b.s, "node\\\\x1b[31m\\\\x22q\\\\x5cb\\\\x0al"
	    "::error::\\\\xff\\\\xfe\\\\x25x<b>\\\\x26amp;"));
	assert_non_null(strstr(b.s, "dom\\\\x1b[31m"));
	assert_non_null(strstr(b.s, "If 'if\\\\x1b[31m"));
	/* a long dim name keeps its tail */
	assert_non_null(strstr(b.s, "[...:\\\\xff\\\\xfe\\\\x25x<b>\\\\x26amp;"));
	g = parse(&b);
	assert_int_equal(count_nodes(g, "n"), 3);
	assert_int_equal(count_nodes(g, "in"), 1);
	assert_int_equal(count_nodes(g, "out"), 2);
	assert_int_equal(count_nodes(g, "undef"), 1);
	/* the initializer is read once: a label line, escaped too */
	assert_int_equal(count_nodes(g, "init"), 0);
	assert_non_null(strstr(b.s, "\\n...ror::\\\\xff\\\\xfe\\\\x25x<b>"
	    "\\\\x26amp; 4"));
	assert_int_equal(count_clusters(g), 1);
	assert_plain_labels(g);
	agclose(g);

	/* the names reach SVG as the same plain text */
	v = draw(m, tmp("h.svg"), ONNXFIX_SVG);
	assert_null(memchr(v.s, 0x1b, v.n));
	assert_null(memchr(v.s, 0xff, v.n));
	assert_non_null(strstr(v.s, "\\x1b[31m"));
	free(v.s);
	free(b.s);
	ir_model_free(m);
}

static void
test_long_names_are_cut(void **state)
{
	struct ir_model *m = hostile_model();
	char *name = arena_alloc(&m->arena, 5001);
	struct buf b;
	Agraph_t *g;
	Agnode_t *n;
	char *label, *tip;

	(void)state;
	assert_non_null(name);
	memset(name, 'a', 5000);
	memcpy(name + 4990, "0123456789", 10);
	m->graph->nodes[0]->name = name;
	b = draw(m, tmp("h.dot"), ONNXFIX_DOT);
	g = parse(&b);
	n = agnode(g, "n0", 0);
	assert_non_null(n);
	label = agget(n, "label");
	tip = agget(n, "tooltip");
	assert_non_null(label);
	assert_non_null(tip);
	/* shortened from the left: the distinguishing tail stays */
	assert_non_null(strstr(label, "...aaa"));
	assert_non_null(strstr(label, "aaa0123456789"));
	assert_true(strlen(label) < 300);
	/* the name, at most 256 bytes, then the node's attributes and
	 * inputs and outputs */
	assert_true(strcspn(tip, "\\") <= 256);
	assert_non_null(strstr(tip, "0123456789"));
	agclose(g);
	free(b.s);
	ir_model_free(m);
}

static void
test_svg_and_png(void **state)
{
	static const unsigned char sig[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	};
	struct ir_model *m = load(CORPUS "silero_vad_legacy.onnx");
	struct ir_model *s = load(CORPUS "nhwc_transposes.onnx");
	struct buf b;

	(void)state;
	b = draw(m, tmp("x.svg"), ONNXFIX_SVG);
	assert_true(strncmp(b.s, "<?xml", 5) == 0 || strstr(b.s, "<svg"));
	assert_non_null(strstr(b.s, "</svg>"));
	assert_non_null(strstr(b.s, "cluster_0"));
	free(b.s);
	b = draw(s, tmp("x.png"), ONNXFIX_PNG);
	assert_true(b.n > sizeof(sig));
	assert_memory_equal(b.s, sig, sizeof(sig));
	free(b.s);
	onnxfix_model_free(m);
	onnxfix_model_free(s);
}

static void
test_write_failures(void **state)
{
	struct ir_model *m = load(CORPUS "nhwc_transposes.onnx");
	struct diag_list d;

	(void)state;
	diag_list_init(&d);
	assert_int_equal(onnxfix_dot(m, "/dev/full", ONNXFIX_DOT, &d),
	    ONNXFIX_EIO);
	assert_int_equal(diag_count(&d, DIAG_OUT_WRITE), 1);
	diag_list_release(&d);
	diag_list_init(&d);
	assert_int_equal(onnxfix_dot(m, "/dev/full", ONNXFIX_PNG, &d),
	    ONNXFIX_EIO);
	assert_int_equal(diag_count(&d, DIAG_OUT_WRITE), 1);
	diag_list_release(&d);
	/* nothing is left behind in a directory that does not exist */
	diag_list_init(&d);
	assert_int_equal(onnxfix_dot(m, tmp("no/such/dir.dot"), ONNXFIX_DOT,
	    &d), ONNXFIX_EIO);
	assert_int_equal(diag_count(&d, DIAG_OUT_WRITE), 1);
	assert_int_equal(access(tmp("no"), F_OK), -1);
	diag_list_release(&d);
	onnxfix_model_free(m);
}

/* 100,000 chained Relus: the DOT stops at 2,000 op nodes plus a note. */
static void
test_node_limit(void **state)
{
	struct ir_model *m = ir_model_new(NULL);
	struct ir_graph *g;
	struct ir_value *v;
	struct buf b;
	Agraph_t *pg;
	Agnode_t *more;
	size_t i;

	(void)state;
	assert_non_null(m);
	g = ir_graph_new(m, IR_GRAPH_MAIN, NULL);
	assert_non_null(g);
	m->graph = g;
	v = ir_value_new(g, "x", IR_VALUE_INPUT);
	assert_non_null(v);
	v->is_input = true;
	vinfo_add(m, &g->inputs, &g->ninputs, v);
	for (i = 0; i < 100000; i++) {
		struct ir_node *n = ir_node_new(g, "Relu", "", NULL, 1, 1);
		struct ir_value *o = ir_value_new(g,
		    arena_printf(&m->arena, "v%zu", i), IR_VALUE_NODE);

		assert_non_null(n);
		assert_non_null(o);
		assert_int_equal(ir_node_set_input(n, 0, v), 0);
		ir_node_set_output(n, 0, o);
		v = o;
	}
	vinfo_add(m, &g->outputs, &g->noutputs, v);
	v->noutputs = 1;
	b = draw_cut(m, tmp("big.dot"), ONNXFIX_DOT);
	pg = parse(&b);
	assert_int_equal(count_statements(&b, "n"), 500);
	assert_int_equal(count_nodes(pg, "n"), 500);
	assert_int_equal(count_nodes(pg, "more"), 1);
	more = agnode(pg, "more0", 0);
	assert_non_null(more);
	assert_non_null(strstr(agget(more, "label"),
	    "99500 more nodes (limit 500): 99500 Relu"));
	/* the output's producer is not drawn: no edge, but its node is */
	assert_int_equal(count_nodes(pg, "out"), 1);
	agclose(pg);
	free(b.s);
	ir_model_free(m);
}

/*
 * Before/after (fix --dot-diff): a node added after the snapshot is drawn
 * green with "+", a changed (dirty) one with an orange border and "~", a
 * killed one as a dashed grey ghost that still takes its input edge and
 * feeds the graph output it used to produce; a key counts them.
 */
static void
test_before_after(void **state)
{
	struct onnxfix_dot_options opt;
	struct ir_model *m = load(CORPUS "nhwc_transposes.onnx");
	struct ir_graph *g = m->graph;
	struct ir_node **before, *relu = NULL, *mul = NULL, *last = NULL, *id;
	struct ir_value *v;
	struct diag_list d;
	struct buf b;
	Agraph_t *pg;
	Agnode_t *an;
	Agedge_t *e;
	size_t i, n;

	(void)state;
	n = onnxfix_dot_snapshot(m, &before);
	assert_int_equal(n, g->nnodes);
	for (i = 0; i < g->nnodes; i++) {
		if (strcmp(g->nodes[i]->op_type, "Relu") == 0)
			relu = g->nodes[i];
		if (strcmp(g->nodes[i]->op_type, "Mul") == 0)
			mul = g->nodes[i];
		if (strcmp(g->nodes[i]->op_type, "Transpose") == 0)
			last = g->nodes[i];
	}
	assert_non_null(relu);
	assert_non_null(mul);
	assert_non_null(last);
	id = ir_node_new(g, "Identity", "", "added", 1, 1);
	v = ir_value_new(g, "id_out", IR_VALUE_NODE);
	assert_non_null(id);
	assert_non_null(v);
	assert_int_equal(ir_node_set_input(id, 0, relu->outputs[0]), 0);
	ir_node_set_output(id, 0, v);
	mul->dirty = true;
	ir_node_kill(last);
	ir_graph_compact(g);

	memset(&opt, 0, sizeof(opt));
	opt.diff = true;
	opt.before = before;
	opt.nbefore = n;
	diag_list_init(&d);
	assert_int_equal(onnxfix_dot_opts(m, tmp("c.dot"), ONNXFIX_DOT, &opt,
	    &d), ONNXFIX_OK);
	assert_int_equal(d.n, 0);
	diag_list_release(&d);
	b = slurp(tmp("c.dot"));
	assert_plain_dot(&b);
	pg = parse(&b);
	assert_int_equal(count_nodes(pg, "gone"), 1);
	an = agnode(pg, "gone0", 0);
	assert_non_null(an);
	assert_string_equal(agget(an, "label"),
	    "- Transpose\\n/Transpose_3\\n(removed)");
	assert_string_equal(agget(an, "style"), "rounded,dashed");
	/* its input edge, and the output it produced hangs off it */
	assert_non_null(agfstin(pg, an));
	e = agfstout(pg, an);
	assert_non_null(e);
	assert_true(strncmp(agnameof(aghead(e)), "out", 3) == 0);
	assert_non_null(strstr(b.s, "label=\"+ Identity\\nadded\""));
	assert_non_null(strstr(b.s, "fillcolor=\"" "#c9f2c1" "\""));
	assert_non_null(strstr(b.s, "label=\"~ Mul"));
	assert_non_null(strstr(b.s, "\"fix: 1 new (+, green), 1 changed "
	    "(~, orange border), 1 removed (-, dashed)\""));
	agclose(pg);
	free(b.s);
	onnxfix_model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_nodes_match_ir),
		cmocka_unit_test(test_paddleocr_counts),
		cmocka_unit_test(test_silero_clusters),
		cmocka_unit_test(test_small_model_draws_initializers),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_long_names_are_cut),
		cmocka_unit_test(test_svg_and_png),
		cmocka_unit_test(test_write_failures),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_before_after),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
