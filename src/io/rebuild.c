/* SPDX-License-Identifier: MIT */
/*
 * IR to protobuf messages.  Each message is rebuilt as a shallow copy of
 * the message it was loaded from, with only the fields the IR models
 * replaced, so doc strings, metadata and unknown fields travel unchanged;
 * an object no pass touched is written from its original message as is.
 * Subgraphs are built children first from the breadth-first graph list,
 * so no recursion is needed here either (protobuf-c's own packer
 * recurses, but only as deep as the pre-scan allowed on input, and passes
 * never add nesting).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "onnxfix.h"
#include "io/rebuild.h"
#include "io/skel.h"

struct saver {
	struct arena a;		/* scratch for the rebuilt messages */
};

/* A message of type T initialised from INIT, in the saver's arena. */
#define NEW(S, T, INIT) ((T *)new_copy((S), &(const T)INIT, sizeof(T)))

static void *
new_copy(struct saver *S, const void *init, size_t size)
{
	void *p = arena_alloc(&S->a, size);

	if (p != NULL)
		memcpy(p, init, size);
	return p;
}

static bool
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static Onnx__TypeProto *
build_type(struct saver *S, const struct ir_type *t)
{
	Onnx__TypeProto *tp;
	Onnx__TypeProto__Tensor *tt;
	Onnx__TensorShapeProto *sh;
	int i;

	if (!t->dirty)
		return (Onnx__TypeProto *)t->orig;
	if (t->kind != IR_TYPE_TENSOR)
		return (Onnx__TypeProto *)t->orig;
	tp = NEW(S, Onnx__TypeProto, ONNX__TYPE_PROTO__INIT);
	tt = NEW(S, Onnx__TypeProto__Tensor, ONNX__TYPE_PROTO__TENSOR__INIT);
	if (tp == NULL || tt == NULL)
		return NULL;
	if (t->orig != NULL)
		*tp = *(const Onnx__TypeProto *)t->orig;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = tt;
	tt->has_elem_type = 1;
	tt->elem_type = t->elem;
	if (t->rank < 0)
		return tp;
	sh = NEW(S, Onnx__TensorShapeProto, ONNX__TENSOR_SHAPE_PROTO__INIT);
	if (sh == NULL)
		return NULL;
	tt->shape = sh;
	sh->n_dim = (size_t)t->rank;
	sh->dim = arena_array(&S->a, (size_t)t->rank + 1, sizeof(*sh->dim));
	if (sh->dim == NULL)
		return NULL;
	for (i = 0; i < t->rank; i++) {
		Onnx__TensorShapeProto__Dimension *dm = NEW(S,
		    Onnx__TensorShapeProto__Dimension,
		    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT);

		if (dm == NULL)
			return NULL;
		if (t->dims[i].kind == IR_DIM_VALUE) {
			dm->value_case =
			    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			dm->dim_value = t->dims[i].value;
		} else if (t->dims[i].kind == IR_DIM_PARAM) {
			dm->value_case =
			    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
			dm->dim_param = (char *)t->dims[i].param;
		}
		sh->dim[i] = dm;
	}
	return tp;
}

static Onnx__ValueInfoProto *
build_vinfo(struct saver *S, const struct ir_vinfo *s)
{
	const Onnx__ValueInfoProto *o = s->orig;
	Onnx__ValueInfoProto *vi;
	const char *name = s->value ? s->value->name : s->name;

	if (o != NULL && !s->type.dirty && same(o->name, name))
		return (Onnx__ValueInfoProto *)o;
	vi = NEW(S, Onnx__ValueInfoProto, ONNX__VALUE_INFO_PROTO__INIT);
	if (vi == NULL)
		return NULL;
	if (o != NULL)
		*vi = *o;
	vi->name = (char *)name;
	if (s->type.dirty || o == NULL) {
		vi->type = build_type(S, &s->type);
		if (s->type.dirty && vi->type == NULL)
			return NULL;
	}
	return vi;
}

/* Data location and external_data entries of a rewritten tensor. */
static int
build_external(struct saver *S, const struct ir_tensor *t,
    Onnx__TensorProto *tp)
{
	size_t i;

	tp->has_data_location = 0;
	tp->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__DEFAULT;
	tp->n_external_data = 0;
	tp->external_data = NULL;
	if (t->storage != IR_DATA_EXTERNAL)
		return 0;
	tp->has_raw_data = 0;
	tp->raw_data.len = 0;
	tp->has_data_location = 1;
	tp->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	tp->external_data = arena_array(&S->a, t->next + 1,
	    sizeof(*tp->external_data));
	if (tp->external_data == NULL)
		return -1;
	for (i = 0; i < t->next; i++) {
		Onnx__StringStringEntryProto *e = NEW(S,
		    Onnx__StringStringEntryProto,
		    ONNX__STRING_STRING_ENTRY_PROTO__INIT);

		if (e == NULL)
			return -1;
		e->key = (char *)t->ext[i].key;
		e->value = (char *)t->ext[i].value;
		tp->external_data[i] = e;
	}
	tp->n_external_data = t->next;
	return 0;
}

static Onnx__TensorProto *
build_tensor(struct saver *S, const struct ir_tensor *t, const char *name)
{
	const Onnx__TensorProto *o = t->orig;
	Onnx__TensorProto *tp;

	if (o != NULL && !t->dirty && same(o->name, name))
		return (Onnx__TensorProto *)o;
	tp = NEW(S, Onnx__TensorProto, ONNX__TENSOR_PROTO__INIT);
	if (tp == NULL)
		return NULL;
	if (o != NULL)
		*tp = *o;
	/* An absent name stays absent. */
	if (o == NULL || o->name != NULL || name[0] != '\0')
		tp->name = (char *)name;
	if (t->dirty || o == NULL) {
		tp->has_data_type = 1;
		tp->data_type = t->elem;
		tp->n_dims = (size_t)t->rank;
		tp->dims = t->dims;
		tp->n_float_data = tp->n_int32_data = tp->n_string_data = 0;
		tp->n_int64_data = tp->n_double_data = tp->n_uint64_data = 0;
		tp->has_raw_data = 1;
		tp->raw_data.data = (uint8_t *)t->data;
		tp->raw_data.len = t->size;
		if (build_external(S, t, tp) < 0)
			return NULL;
	}
	return tp;
}

static bool
node_unchanged(const struct ir_node *n, const Onnx__NodeProto *o)
{
	size_t i;

	if (o == NULL || n->dirty || o->n_input != n->ninputs ||
	    o->n_output != n->noutputs)
		return false;
	if (!same(o->op_type, n->op_type) || !same(o->name, n->name) ||
	    !same(o->domain ? o->domain : "", n->domain))
		return false;
	for (i = 0; i < n->ninputs; i++)
		if (!same(o->input[i], n->inputs[i] ? n->inputs[i]->name : ""))
			return false;
	for (i = 0; i < n->noutputs; i++)
		if (!same(o->output[i], n->outputs[i] ?
		    n->outputs[i]->name : ""))
			return false;
	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].dirty || n->attrs[i].g != NULL ||
		    n->attrs[i].graphs != NULL || n->attrs[i].orig == NULL)
			return false;
	return o->n_attribute == n->nattrs;
}

static Onnx__AttributeProto *
build_attr(struct saver *S, const struct ir_attr *a)
{
	const Onnx__AttributeProto *o = a->orig;
	Onnx__AttributeProto *ap;
	size_t i;

	if (o != NULL && !a->dirty && a->g == NULL && a->graphs == NULL)
		return (Onnx__AttributeProto *)o;
	ap = NEW(S, Onnx__AttributeProto, ONNX__ATTRIBUTE_PROTO__INIT);
	if (ap == NULL)
		return NULL;
	if (o != NULL)
		*ap = *o;
	ap->name = (char *)a->name;
	if (a->g != NULL)
		ap->g = a->g->out;
	if (a->graphs != NULL) {
		ap->graphs = arena_array(&S->a, a->ngraphs + 1,
		    sizeof(*ap->graphs));
		if (ap->graphs == NULL)
			return NULL;
		for (i = 0; i < a->ngraphs; i++)
			ap->graphs[i] = a->graphs[i]->out;
	}
	if (!a->dirty)
		return ap;
	/* A value a pass set: write exactly one value field. */
	ap->has_type = 1;
	ap->type = (Onnx__AttributeProto__AttributeType)a->type;
	ap->has_f = ap->has_i = ap->has_s = 0;
	ap->n_floats = ap->n_ints = 0;
	switch (a->type) {
	case IR_ATTR_FLOAT:
		ap->has_f = 1;
		ap->f = a->f;
		break;
	case IR_ATTR_INT:
		ap->has_i = 1;
		ap->i = a->i;
		break;
	case IR_ATTR_STRING:
		ap->has_s = 1;
		ap->s.data = (uint8_t *)a->s;
		ap->s.len = a->slen;
		break;
	case IR_ATTR_FLOATS:
		ap->n_floats = a->n;
		ap->floats = a->floats;
		break;
	case IR_ATTR_INTS:
		ap->n_ints = a->n;
		ap->ints = a->ints;
		break;
	case IR_ATTR_TENSOR:
		ap->t = build_tensor(S, a->t, a->t->name);
		if (ap->t == NULL)
			return NULL;
		break;
	default:
		break;
	}
	return ap;
}

static Onnx__NodeProto *
build_node(struct saver *S, const struct ir_node *n)
{
	const Onnx__NodeProto *o = n->orig;
	Onnx__NodeProto *np;
	size_t i;

	/* a node the loader decoded itself: its message, for the fields
	 * the IR does not hold */
	if (o == NULL && n->src != NULL &&
	    (o = skel_unpack_node(&S->a, n->src, n->srclen)) == NULL)
		return NULL;
	if (node_unchanged(n, o))
		return (Onnx__NodeProto *)o;
	np = NEW(S, Onnx__NodeProto, ONNX__NODE_PROTO__INIT);
	if (np == NULL)
		return NULL;
	if (o != NULL)
		*np = *o;
	np->op_type = (char *)n->op_type;
	/* Keep an absent domain absent; write "" only when it was "". */
	if (o == NULL || !same(o->domain ? o->domain : "", n->domain))
		np->domain = n->domain[0] || (o && o->domain) ?
		    (char *)n->domain : NULL;
	np->name = (char *)n->name;
	np->n_input = n->ninputs;
	np->input = arena_array(&S->a, n->ninputs + 1, sizeof(char *));
	np->n_output = n->noutputs;
	np->output = arena_array(&S->a, n->noutputs + 1, sizeof(char *));
	np->n_attribute = n->nattrs;
	np->attribute = arena_array(&S->a, n->nattrs + 1,
	    sizeof(*np->attribute));
	if (!np->input || !np->output || !np->attribute)
		return NULL;
	for (i = 0; i < n->ninputs; i++)
		np->input[i] = n->inputs[i] ? (char *)n->inputs[i]->name : "";
	for (i = 0; i < n->noutputs; i++)
		np->output[i] = n->outputs[i] ? (char *)n->outputs[i]->name :
		    "";
	for (i = 0; i < n->nattrs; i++)
		if ((np->attribute[i] = build_attr(S, &n->attrs[i])) == NULL)
			return NULL;
	return np;
}

static int
build_nodes(struct saver *S, const struct ir_graph *g,
    Onnx__NodeProto ***out, size_t *nout)
{
	size_t i, k = 0;

	*out = arena_array(&S->a, g->nnodes + 1, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (i = 0; i < g->nnodes; i++) {
		if (g->nodes[i]->dead)
			continue;
		if (((*out)[k++] = build_node(S, g->nodes[i])) == NULL)
			return -1;
	}
	*nout = k;
	return 0;
}

static int
build_vinfos(struct saver *S, const struct ir_vinfo *v, size_t n,
    Onnx__ValueInfoProto ***out, size_t *nout)
{
	size_t i, k = 0;

	*out = arena_array(&S->a, n + 1, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i].name == NULL)	/* removed by a pass */
			continue;
		if (((*out)[k++] = build_vinfo(S, &v[i])) == NULL)
			return -1;
	}
	*nout = k;
	return 0;
}

static Onnx__GraphProto *
build_graph(struct saver *S, struct ir_graph *g)
{
	const Onnx__GraphProto *o = g->orig;
	Onnx__GraphProto *gp;
	size_t i, k = 0;

	gp = NEW(S, Onnx__GraphProto, ONNX__GRAPH_PROTO__INIT);
	if (gp == NULL)
		return NULL;
	if (o != NULL)
		*gp = *o;
	if (build_nodes(S, g, &gp->node, &gp->n_node) < 0 ||
	    build_vinfos(S, g->inputs, g->ninputs, &gp->input,
	    &gp->n_input) < 0 ||
	    build_vinfos(S, g->outputs, g->noutputs, &gp->output,
	    &gp->n_output) < 0 ||
	    build_vinfos(S, g->value_info, g->nvalue_info, &gp->value_info,
	    &gp->n_value_info) < 0)
		return NULL;
	gp->initializer = arena_array(&S->a, g->ninits + 1,
	    sizeof(*gp->initializer));
	if (gp->initializer == NULL)
		return NULL;
	for (i = 0; i < g->ninits; i++) {
		if (g->inits[i] == NULL)	/* removed by a pass */
			continue;
		gp->initializer[k] = build_tensor(S, g->inits[i],
		    g->inits[i]->name);
		if (gp->initializer[k++] == NULL)
			return NULL;
	}
	gp->n_initializer = k;
	return gp;
}

static Onnx__FunctionProto *
build_function(struct saver *S, const struct ir_function *f)
{
	const Onnx__FunctionProto *o = f->orig;
	Onnx__FunctionProto *fp;
	struct ir_graph *g = f->body;
	size_t i;

	fp = NEW(S, Onnx__FunctionProto, ONNX__FUNCTION_PROTO__INIT);
	if (fp == NULL)
		return NULL;
	*fp = *o;
	if (build_nodes(S, g, &fp->node, &fp->n_node) < 0)
		return NULL;
	/* the imports as the IR holds them (fix --opset changes them) */
	for (i = 0; i < f->nopsets && i < fp->n_opset_import; i++) {
		Onnx__OperatorSetIdProto *e;

		if (fp->opset_import[i]->version == f->opsets[i].version)
			continue;
		if (fp->opset_import == o->opset_import) {
			Onnx__OperatorSetIdProto **v = arena_array(&S->a,
			    fp->n_opset_import + 1, sizeof(*v));

			if (v == NULL)
				return NULL;
			memcpy(v, o->opset_import, fp->n_opset_import *
			    sizeof(*v));
			fp->opset_import = v;
		}
		if ((e = NEW(S, Onnx__OperatorSetIdProto,
		    ONNX__OPERATOR_SET_ID_PROTO__INIT)) == NULL)
			return NULL;
		*e = *fp->opset_import[i];
		e->has_version = 1;
		e->version = f->opsets[i].version;
		fp->opset_import[i] = e;
	}
	for (i = 0; i < g->noutputs && i < fp->n_output; i++)
		if (g->outputs[i].value != NULL &&
		    !same(fp->output[i], g->outputs[i].value->name))
			return NULL;	/* function outputs are never renamed */
	return fp;
}

static Onnx__ModelProto *
build_model(struct saver *S, struct ir_model *m)
{
	const Onnx__ModelProto *o = m->orig;
	Onnx__ModelProto *mp;
	struct ir_graph **graphs;
	size_t n, i;

	mp = NEW(S, Onnx__ModelProto, ONNX__MODEL_PROTO__INIT);
	if (mp == NULL)
		return NULL;
	if (o != NULL)
		*mp = *o;
	n = ir_model_graphs(m, &graphs);
	/* Breadth-first order lists parents first: build in reverse. */
	for (i = n; i-- > 0;) {
		if (graphs[i]->kind == IR_GRAPH_FUNCTION)
			continue;
		if ((graphs[i]->out = build_graph(S, graphs[i])) == NULL)
			return NULL;
	}
	mp->graph = m->graph ? m->graph->out : NULL;
	mp->functions = arena_array(&S->a, m->nfunctions + 1,
	    sizeof(*mp->functions));
	if (mp->functions == NULL)
		return NULL;
	for (i = 0; i < m->nfunctions; i++)
		if ((mp->functions[i] = build_function(S,
		    m->functions[i])) == NULL)
			return NULL;
	mp->n_functions = m->nfunctions;
	if (m->ir_version_dirty) {
		mp->has_ir_version = 1;
		mp->ir_version = m->ir_version;
	}
	if (m->opsets_dirty) {
		mp->n_opset_import = m->nopsets;
		mp->opset_import = arena_array(&S->a, m->nopsets + 1,
		    sizeof(*mp->opset_import));
		if (mp->opset_import == NULL)
			return NULL;
		for (i = 0; i < m->nopsets; i++) {
			const Onnx__OperatorSetIdProto *oo = m->opsets[i].orig;
			Onnx__OperatorSetIdProto *e = NEW(S,
			    Onnx__OperatorSetIdProto,
			    ONNX__OPERATOR_SET_ID_PROTO__INIT);

			if (e == NULL)
				return NULL;
			if (oo != NULL)
				*e = *oo;
			e->domain = (char *)m->opsets[i].domain;
			e->has_version = 1;
			e->version = m->opsets[i].version;
			mp->opset_import[i] = e;
		}
	}
	if (m->meta_dirty) {
		mp->n_metadata_props = m->nmeta;
		mp->metadata_props = arena_array(&S->a, m->nmeta + 1,
		    sizeof(*mp->metadata_props));
		if (mp->metadata_props == NULL)
			return NULL;
		for (i = 0; i < m->nmeta; i++) {
			Onnx__StringStringEntryProto *e = NEW(S,
			    Onnx__StringStringEntryProto,
			    ONNX__STRING_STRING_ENTRY_PROTO__INIT);

			if (e == NULL)
				return NULL;
			e->key = (char *)m->meta[i].key;
			e->value = (char *)m->meta[i].value;
			mp->metadata_props[i] = e;
		}
	}
	return mp;
}

void *
rebuild_model(struct ir_model *m, struct arena *a)
{
	struct saver S;
	Onnx__ModelProto *mp;

	S.a = *a;
	mp = build_model(&S, m);
	*a = S.a;
	return mp;
}
