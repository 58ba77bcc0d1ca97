/* SPDX-License-Identifier: MIT */
/*
 * A small builder for unit tests: graphs made in C, without fixture
 * files.  Every helper asserts through cmocka on failure.
 */
#ifndef ONNXFIX_TEST_BUILDER_H
#define ONNXFIX_TEST_BUILDER_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "onnxfix.h"

/* The whole file at PATH in a malloc'd buffer (one spare byte); its
 * length in *LEN. */
static inline uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	assert_int_equal(fstat(fileno(fp), &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, fp),
	    (size_t)st.st_size);
	fclose(fp);
	*len = (size_t)st.st_size;
	return buf;
}

/* A model with an empty main graph importing ai.onnx at OPSET. */
static inline struct ir_model *
b_model(int64_t opset)
{
	struct ir_model *m = ir_model_new(NULL);

	assert_non_null(m);
	m->has_ir_version = true;
	m->ir_version = 8;
	m->opsets = arena_alloc(&m->arena, sizeof(*m->opsets));
	assert_non_null(m->opsets);
	m->opsets[0].domain = "";
	m->opsets[0].version = opset;
	m->nopsets = 1;
	m->graph = ir_graph_new(m, IR_GRAPH_MAIN, NULL);
	assert_non_null(m->graph);
	return m;
}

/* A graph input NAME of type float[1,4] (when RANK is 2). */
static inline struct ir_value *
b_input(struct ir_graph *g, const char *name)
{
	struct ir_value *v = ir_value_new(g, name, IR_VALUE_INPUT);
	struct ir_vinfo *s;

	assert_non_null(v);
	v->is_input = true;
	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = IR_ELEM_FLOAT;
	v->type.rank = -1;
	assert_int_equal(arena_grow(&g->model->arena, (void **)&g->inputs,
	    &(size_t){ g->ninputs }, g->ninputs + 1, sizeof(*g->inputs)), 0);
	s = &g->inputs[g->ninputs++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->value = v;
	s->type = v->type;
	return v;
}

/* Declare V a graph output. */
static inline void
b_output(struct ir_graph *g, struct ir_value *v)
{
	struct ir_vinfo *s;
	size_t cap = g->noutputs;

	assert_int_equal(arena_grow(&g->model->arena, (void **)&g->outputs,
	    &cap, g->noutputs + 1, sizeof(*g->outputs)), 0);
	s = &g->outputs[g->noutputs++];
	memset(s, 0, sizeof(*s));
	s->name = v->name;
	s->value = v;
	s->type = v->type;
	v->noutputs++;
}

/* A node OP with NIN inputs (values, NULL for absent) producing one
 * output named OUT. */
static inline struct ir_node *
b_node(struct ir_graph *g, const char *op, const char *out, int nin, ...)
{
	struct ir_node *n = ir_node_new(g, op, "", NULL, (size_t)nin, 1);
	struct ir_value *v;
	va_list ap;
	int i;

	assert_non_null(n);
	va_start(ap, nin);
	for (i = 0; i < nin; i++)
		assert_int_equal(ir_node_set_input(n, (size_t)i,
		    va_arg(ap, struct ir_value *)), 0);
	va_end(ap);
	v = ir_value_new(g, out, IR_VALUE_NODE);
	assert_non_null(v);
	ir_node_set_output(n, 0, v);
	return n;
}

#endif
