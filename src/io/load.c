/* SPDX-License-Identifier: MIT */
/*
 * Bytes to IR.  The file is mapped, checked by the bounded pre-scan
 * (protobuf-c recurses without limit and merges repeats in quadratic
 * time), decoded by protobuf-c through the budget allocator, and turned
 * into the IR.  Subgraphs are processed from a worklist, never by
 * recursion.  With load.c, only save.c sees Onnx__* types.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx.pb-c.h"
#include "onnxfix.h"
#include "io/prescan.h"
#include "io/skel.h"
#include "io/xdata.h"
#include "io/xread.h"

/* The decodes the loader reserves memory for up front: from 256 KiB
 * (the arena's huge-page blocks) to 64 MiB (its largest block). */
#define RESERVE_MIN ((size_t)256 << 10)
#define RESERVE_MAX ((size_t)64 << 20)

void
onnxfix_options_default(struct onnxfix_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_file_bytes = 2147483647;
	o->max_depth = 100;
	o->max_graph_depth = 32;
	o->max_type_depth = 32;
	o->max_repeat = 64;
	o->max_external_files = 4096;
	o->size_threshold = 1024;
	o->verify = true;
}

struct loader {
	struct ir_model *m;
	struct diag_list *d;
	ProtobufCAllocator alloc;
	/* graphs still to fill: parallel arrays, FIFO */
	struct ir_graph **gq;
	const Onnx__GraphProto **pq;
	size_t nq, capq, capp;
	/* Operator and domain names, one copy each: every node with the
	 * same op_type points at the same string, so the passes' string
	 * compares read memory that stays in cache. */
	struct hmap words;
	const char *last[4];
	/* the main graph's nodes in file order when the skeleton left the
	 * light ones out (skel.h), else NULL */
	const struct skel *nodes;
	char where[96];		/* what failed to decode, for the report */
};

static const char *
intern(struct loader *L, const char *s)
{
	void *old;
	size_t i;

	/* the few names seen last, without hashing */
	for (i = 0; i < 4 && L->last[i] != NULL; i++)
		if (ir_streq(L->last[i], s))
			return L->last[i];
	memmove(L->last + 1, L->last, 3 * sizeof(L->last[0]));

	switch (hmap_put(&L->words, s, (void *)s, &old)) {
	case -1:
		return NULL;
	case 0:
		return L->last[0] = old;
	default:
		return L->last[0] = s;
	}
}

/* intern() for the LEN bytes at P (no NUL in them: the pre-scan saw to
 * that); a new name is copied into the arena. */
static const char *
intern_n(struct loader *L, const uint8_t *p, size_t len)
{
	char buf[64];
	const char *s, *old;
	size_t i;

	for (i = 0; i < 4 && L->last[i] != NULL; i++) {
		const char *w = L->last[i];
		size_t k;

		/* P holds no NUL: a shorter W differs at its end */
		for (k = 0; k < len && w[k] == (char)p[k]; k++)
			;
		if (k == len && w[len] == '\0')
			return w;
	}
	if (len >= sizeof(buf)) {
		s = arena_strndup(&L->m->arena, (const char *)p, len);
		return s != NULL ? intern(L, s) : NULL;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	old = hmap_get(&L->words, buf);
	if (old != NULL) {
		memmove(L->last + 1, L->last, 3 * sizeof(L->last[0]));
		return L->last[0] = old;
	}
	s = arena_strndup(&L->m->arena, buf, len);
	return s != NULL ? intern(L, s) : NULL;
}

static void
release(struct ir_model *m)
{
	xread_detach(m);
	/* The decoded message goes with the arena. */
	if (m->skel != NULL)
		skel_detach(m->skel);
	m->pb = NULL;
	skel_free(m->skel);
	m->skel = NULL;
	if (m->file != NULL && m->file_size > 0 && m->release_file)
		munmap((void *)m->file, m->file_size);
	m->file = NULL;
}

static int
conv_type(struct loader *L, const Onnx__TypeProto *tp, struct ir_type *t)
{
	const Onnx__TensorShapeProto *shape = NULL;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->rank = -1;
	t->orig = tp;
	if (tp == NULL)
		return 0;
	switch (tp->value_case) {
	case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
		t->kind = IR_TYPE_TENSOR;
		t->elem = tp->tensor_type->elem_type;
		shape = tp->tensor_type->shape;
		break;
	case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
		t->kind = IR_TYPE_SPARSE;
		t->elem = tp->sparse_tensor_type->elem_type;
		shape = tp->sparse_tensor_type->shape;
		break;
	case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
		t->kind = IR_TYPE_SEQUENCE;
		break;
	case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
		t->kind = IR_TYPE_MAP;
		break;
	case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
		t->kind = IR_TYPE_OPTIONAL;
		break;
	case ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE:
		t->kind = IR_TYPE_OPAQUE;
		break;
	default:
		t->kind = IR_TYPE_NONE;
		break;
	}
	if (shape == NULL)
		return 0;
	if (shape->n_dim > INT32_MAX)
		return -1;
	t->rank = (int)shape->n_dim;
	if (shape->n_dim == 0)
		return 0;
	t->dims = arena_array(&L->m->arena, shape->n_dim, sizeof(*t->dims));
	if (t->dims == NULL)
		return -1;
	for (i = 0; i < shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *dm = shape->dim[i];

		switch (dm->value_case) {
		case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE:
			t->dims[i].kind = IR_DIM_VALUE;
			t->dims[i].value = dm->dim_value;
			break;
		case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM:
			t->dims[i].kind = IR_DIM_PARAM;
			t->dims[i].param = dm->dim_param;
			break;
		default:
			t->dims[i].kind = IR_DIM_UNKNOWN;
			break;
		}
	}
	return 0;
}

int
load_tensor(struct arena *a, const void *p, struct ir_tensor *t)
{
	const Onnx__TensorProto *tp = p;

	memset(t, 0, sizeof(*t));
	t->name = tp->name ? tp->name : "";
	t->elem = tp->has_data_type ? tp->data_type : 0;
	if (tp->n_dims > INT32_MAX)
		return -1;
	t->rank = (int)tp->n_dims;
	t->dims = tp->dims;	/* zero-copy: the decoded array */
	t->orig = tp;
	if (tp->has_raw_data) {
		t->storage = IR_DATA_RAW;
		t->data = tp->raw_data.data;
		t->size = tp->raw_data.len;
		t->nfields++;
	}
#define TYPED(field, number)                                          \
	if (tp->n_##field > 0) {                                      \
		t->storage = IR_DATA_TYPED;                           \
		t->ntyped = tp->n_##field;                            \
		t->typed = tp->field;                                 \
		t->typed_field = number;                              \
		t->nfields++;                                         \
	}
	TYPED(float_data, 4)
	TYPED(int32_data, 5)
	TYPED(string_data, 6)
	if (tp->n_string_data > 0)
		t->typed = NULL;
	TYPED(int64_data, 7)
	TYPED(double_data, 10)
	TYPED(uint64_data, 11)
#undef TYPED
	if (tp->has_data_location &&
	    tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
		t->storage = IR_DATA_EXTERNAL;
	if (tp->n_external_data > 0) {	/* checked in external.c */
		size_t i;

		t->ext = arena_array(a, tp->n_external_data, sizeof(*t->ext));
		if (t->ext == NULL)
			return -1;
		t->next = tp->n_external_data;
		for (i = 0; i < t->next; i++) {
			t->ext[i].key = tp->external_data[i]->key;
			t->ext[i].value = tp->external_data[i]->value;
		}
	}
	return 0;
}

static struct ir_tensor *
conv_tensor(struct loader *L, const Onnx__TensorProto *tp)
{
	struct ir_tensor *t = arena_alloc(&L->m->arena, sizeof(*t));

	if (t == NULL || load_tensor(&L->m->arena, tp, t) < 0)
		return NULL;
	/* Its bytes are read when a pass needs them (xread.h). */
	if (t->storage == IR_DATA_EXTERNAL) {
		if ((t->xd = arena_alloc(&L->m->arena, sizeof(*t->xd))) ==
		    NULL)
			return NULL;
		t->xd->m = L->m;
	}
	return t;
}

static int
push_graph(struct loader *L, struct ir_graph *g, const Onnx__GraphProto *pb)
{
	struct arena *a = &L->m->arena;
	size_t capp = L->capp;

	if (arena_grow(a, (void **)&L->gq, &L->capq, L->nq + 1,
	    sizeof(*L->gq)) < 0 ||
	    arena_grow(a, (void **)&L->pq, &capp, L->nq + 1,
	    sizeof(*L->pq)) < 0)
		return -1;
	L->capp = capp;
	g->orig = pb;
	g->name = pb->name;
	L->gq[L->nq] = g;
	L->pq[L->nq] = pb;
	L->nq++;
	return 0;
}

static struct ir_graph *
new_subgraph(struct loader *L, struct ir_node *n, const char *attr, int index,
    const Onnx__GraphProto *pb)
{
	struct ir_graph *g = ir_graph_new(L->m, IR_GRAPH_SUB, n->graph);

	if (g == NULL)
		return NULL;
	g->owner = n;
	g->attr_name = attr;
	g->attr_index = index;
	g->function = n->graph->function;
	if (push_graph(L, g, pb) < 0)
		return NULL;
	return g;
}

static int
conv_attr(struct loader *L, struct ir_node *n, const Onnx__AttributeProto *p,
    struct ir_attr *a)
{
	static const enum ir_attr_type guess[] = {
		IR_ATTR_FLOAT, IR_ATTR_INT, IR_ATTR_STRING, IR_ATTR_TENSOR,
		IR_ATTR_GRAPH, IR_ATTR_SPARSE_TENSOR, IR_ATTR_TYPE_PROTO,
		IR_ATTR_FLOATS, IR_ATTR_INTS, IR_ATTR_STRINGS, IR_ATTR_TENSORS,
		IR_ATTR_GRAPHS, IR_ATTR_SPARSE_TENSORS, IR_ATTR_TYPE_PROTOS,
	};
	bool present[14];
	size_t i;
	int k;

	a->name = p->name ? p->name : "";
	a->orig = p;
	a->ref_attr_name = p->ref_attr_name;
	a->has_type = p->has_type;
	a->type = (enum ir_attr_type)p->type;
	present[0] = p->has_f;
	present[1] = p->has_i;
	present[2] = p->has_s;
	present[3] = p->t != NULL;
	present[4] = p->g != NULL;
	present[5] = p->sparse_tensor != NULL;
	present[6] = p->tp != NULL;
	present[7] = p->n_floats > 0;
	present[8] = p->n_ints > 0;
	present[9] = p->n_strings > 0;
	present[10] = p->n_tensors > 0;
	present[11] = p->n_graphs > 0;
	present[12] = p->n_sparse_tensors > 0;
	present[13] = p->n_type_protos > 0;
	for (k = 0; k < 14; k++) {
		if (!present[k])
			continue;
		a->nvalues++;
		a->fields |= (uint16_t)(1u << guess[k]);
		if (!a->has_type)
			a->type = guess[k];
	}
	a->f = p->f;
	a->i = p->i;
	a->s = p->s.data;
	a->slen = p->s.len;
	switch (a->type) {
	case IR_ATTR_FLOATS:
		a->floats = p->floats;
		a->n = p->n_floats;
		break;
	case IR_ATTR_INTS:
		a->ints = p->ints;
		a->n = p->n_ints;
		break;
	case IR_ATTR_STRINGS:
		a->n = p->n_strings;
		break;
	case IR_ATTR_TENSORS:
		a->n = p->n_tensors;
		break;
	default:
		break;
	}
	if (p->t != NULL && (a->t = conv_tensor(L, p->t)) == NULL)
		return -1;
	if (p->g != NULL && (a->g = new_subgraph(L, n, a->name, -1,
	    p->g)) == NULL)
		return -1;
	if (p->n_graphs > 0) {
		a->graphs = arena_array(&L->m->arena, p->n_graphs,
		    sizeof(*a->graphs));
		if (a->graphs == NULL)
			return -1;
		/*
		 * ngraphs, not n, counts them: an attribute typed INTS that
		 * holds graphs keeps n for its (empty) ints, which every
		 * INTS reader trusts; the graphs stay reachable.
		 */
		a->ngraphs = p->n_graphs;
		if (a->type == IR_ATTR_GRAPHS)
			a->n = p->n_graphs;
		for (i = 0; i < p->n_graphs; i++)
			if ((a->graphs[i] = new_subgraph(L, n, a->name, (int)i,
			    p->graphs[i])) == NULL)
				return -1;
	}
	return 0;
}

/* The node NP of G, decoded by protobuf-c: create it and its outputs,
 * convert its attributes (queueing their subgraphs). */
static int
node_defs(struct loader *L, struct ir_graph *g, const Onnx__NodeProto *np)
{
	const char *op = intern(L, np->op_type ? np->op_type : "");
	const char *dom = intern(L, np->domain ? np->domain : "");
	struct ir_node *n;
	size_t j;

	if (op == NULL || dom == NULL)
		return -1;
	n = ir_node_new(g, op, dom, np->name, np->n_input, np->n_output);
	if (n == NULL)
		return -1;
	n->orig = np;
	for (j = 0; j < np->n_output; j++) {
		struct ir_value *v;

		if (np->output[j][0] == '\0')
			continue;
		v = ir_value_new(g, np->output[j], IR_VALUE_NODE);
		if (v == NULL)
			return -1;
		ir_node_set_output(n, j, v);
	}
	n->dirty = false;
	n->nattrs = np->n_attribute;
	if (n->nattrs > 0 && (n->attrs = arena_array(&L->m->arena, n->nattrs,
	    sizeof(*n->attrs))) == NULL)
		return -1;
	for (j = 0; j < np->n_attribute; j++)
		if (conv_attr(L, n, np->attribute[j], &n->attrs[j]) < 0)
			return -1;
	return 0;
}

/*
 * The light node SN of G from its bytes in the input (skel.h): the IR
 * takes its op, domain, name and outputs from the fields themselves;
 * only the attributes (small: no tensor, graph or type) go through
 * protobuf-c.  Repeated singular fields: the last one wins, as in
 * protobuf-c.  The inputs are resolved later (graph_links).
 */
static int
light_defs(struct loader *L, struct ir_graph *g, const struct skel_node *sn)
{
	struct arena *a = &L->m->arena;
	const uint8_t *p = L->m->file + sn->off;
	struct skel_field f, op = { 0 }, dom = { 0 };
	size_t pos = 0, jo = 0, ja = 0;
	struct ir_node *n;
	int rc;

	n = ir_node_new(g, "", "", NULL, sn->ninputs, sn->noutputs);
	if (n == NULL)
		return -1;
	n->src = p;
	n->srclen = sn->len;
	n->nattrs = sn->nattrs;
	if (n->nattrs > 0 && (n->attrs = arena_array(a, n->nattrs,
	    sizeof(*n->attrs))) == NULL)
		return -1;
	while ((rc = skel_field(p, sn->len, &pos, &f)) > 0) {
		Onnx__AttributeProto *ap;
		struct ir_value *v;
		const char *s;

		if (f.wire != 2)
			continue;
		switch (f.number) {
		case 2:
			if (jo == n->noutputs)
				return -1;
			if (f.len == 0) {
				jo++;
				break;
			}
			s = arena_strndup(a, (const char *)f.data, f.len);
			if (s == NULL ||
			    (v = ir_value_new(g, s, IR_VALUE_NODE)) == NULL)
				return -1;
			ir_node_set_output(n, jo++, v);
			break;
		case 3:
			n->name = arena_strndup(a, (const char *)f.data, f.len);
			if (n->name == NULL)
				return -1;
			break;
		case 4:
			op = f;
			break;
		case 5:
			if (ja == n->nattrs)
				return -1;
			ap = onnx__attribute_proto__unpack(&L->alloc, f.len,
			    f.data);
			if (ap == NULL || conv_attr(L, n, ap,
			    &n->attrs[ja++]) < 0)
				return -1;
			break;
		case 7:
			dom = f;
			break;
		}
	}
	if (rc < 0 || jo != n->noutputs || ja != n->nattrs)
		return -1;
	n->op_type = intern_n(L, op.data ? op.data : (const uint8_t *)"",
	    op.len);
	n->domain = intern_n(L, dom.data ? dom.data : (const uint8_t *)"",
	    dom.len);
	if (n->op_type == NULL || n->domain == NULL)
		return -1;
	n->dirty = false;
	return 0;
}

/* hmap_prefetch() for the outputs of the light node at P[0, LEN). */
static void
prefetch_outputs(struct ir_graph *g, const uint8_t *p, size_t len)
{
	struct skel_field f;
	size_t pos = 0;

	while (skel_field(p, len, &pos, &f) > 0 && f.number <= 2)
		if (f.number == 2 && f.wire == 2)
			hmap_prefetch_n(&g->names, f.data, f.len);
}

/* Define everything GRAPH's own scope holds: inputs, initializers, node
 * outputs; create its nodes and queue their subgraphs. */
static int
graph_defs(struct loader *L, struct ir_graph *g, const Onnx__GraphProto *pb)
{
	struct arena *a = &L->m->arena;
	const struct skel *sk = g->kind == IR_GRAPH_MAIN ? L->nodes : NULL;
	size_t i, j, h, nnodes = sk != NULL ? sk->nnodes : pb->n_node;

	/* the skeleton's heavy nodes are the decoded graph's nodes */
	if (sk != NULL && sk->nnodes - sk->nlight != pb->n_node)
		return -1;

	g->ninputs = pb->n_input;
	g->noutputs = pb->n_output;
	g->nvalue_info = pb->n_value_info;
	g->inputs = arena_array(a, pb->n_input + 1, sizeof(*g->inputs));
	g->outputs = arena_array(a, pb->n_output + 1, sizeof(*g->outputs));
	g->value_info = arena_array(a, pb->n_value_info + 1,
	    sizeof(*g->value_info));
	g->inits = arena_array(a, pb->n_initializer + 1, sizeof(*g->inits));
	if (!g->inputs || !g->outputs || !g->value_info || !g->inits)
		return -1;
	/* Size the node and value arrays and the name table once: growing
	 * them by doubling would leave the abandoned copies in the arena.
	 * The nodes and values themselves are allocated side by side. */
	{
		size_t nv = pb->n_input + pb->n_initializer +
		    pb->n_sparse_initializer;

		if (sk != NULL)
			for (i = 0; i < sk->nnodes; i++)
				if (sk->nodes[i].light)
					nv += sk->nodes[i].noutputs;
		for (i = 0; i < pb->n_node; i++)
			nv += pb->node[i]->n_output;
		if (ir_graph_reserve(g, nnodes, nv) < 0)
			return -1;
	}
	for (i = 0; i < pb->n_input; i++) {
		const Onnx__ValueInfoProto *vi = pb->input[i];
		struct ir_vinfo *s = &g->inputs[i];
		struct ir_value *v;

		s->name = vi->name ? vi->name : "";
		s->orig = vi;
		if (conv_type(L, vi->type, &s->type) < 0)
			return -1;
		v = ir_value_new(g, s->name, IR_VALUE_INPUT);
		if (v == NULL)
			return -1;
		v->is_input = true;
		v->type = s->type;
		s->value = v;
	}
	g->ninits = pb->n_initializer;
	for (i = 0; i < pb->n_initializer; i++) {
		struct ir_tensor *t = conv_tensor(L, pb->initializer[i]);
		struct ir_value *v;

		if (t == NULL)
			return -1;
		g->inits[i] = t;
		v = hmap_get(&g->names, t->name);
		if (v != NULL && v->is_input && v->init == NULL &&
		    !v->sparse_init) {
			v->init = t;
			continue;
		}
		v = ir_value_new(g, t->name, IR_VALUE_INITIALIZER);
		if (v == NULL)
			return -1;
		v->init = t;
		v->type.kind = IR_TYPE_TENSOR;
		v->type.elem = t->elem;
		v->type.rank = t->rank;
		v->type.dims = arena_array(a, (size_t)t->rank + 1,
		    sizeof(*v->type.dims));
		if (v->type.dims == NULL)
			return -1;
		for (j = 0; j < (size_t)t->rank; j++) {
			v->type.dims[j].kind = IR_DIM_VALUE;
			v->type.dims[j].value = t->dims[j];
		}
	}
	for (i = 0; i < pb->n_sparse_initializer; i++) {
		const Onnx__SparseTensorProto *sp = pb->sparse_initializer[i];
		const char *name = sp->values && sp->values->name ?
		    sp->values->name : "";
		struct ir_value *v = hmap_get(&g->names, name);

		if (v != NULL && v->is_input && v->init == NULL &&
		    !v->sparse_init) {
			v->sparse_init = true;
			continue;
		}
		v = ir_value_new(g, name, IR_VALUE_INITIALIZER);
		if (v == NULL)
			return -1;
		v->sparse_init = true;
	}
	for (i = h = 0; i < nnodes; i++) {
		int rc;

		if (sk != NULL && sk->nodes[i].light)
			rc = light_defs(L, g, &sk->nodes[i]);
		else
			rc = node_defs(L, g, pb->node[h++]);
		if (rc < 0) {
			if (sk != NULL && sk->nodes[i].light)
				snprintf(L->where, sizeof(L->where),
				    "byte %zu (node %zu of the main graph)",
				    (size_t)sk->nodes[i].off, i);
			return -1;
		}
		/* the name table is large and its slots random: ask for the
		 * slots of a later node's outputs while this one is built */
		if (sk == NULL && i + 8 < pb->n_node)
			for (j = 0; j < pb->node[i + 8]->n_output; j++)
				hmap_prefetch(&g->names,
				    pb->node[i + 8]->output[j]);
		if (sk != NULL && i + 8 < nnodes && sk->nodes[i + 8].light)
			prefetch_outputs(g, L->m->file + sk->nodes[i + 8].off,
			    sk->nodes[i + 8].len);
	}
	return 0;
}

/* A use of V inside G: if V lives in an enclosing scope, every node on
 * the way out that holds the subgraph gets V as an implicit input. */
static int
note_outer(struct ir_graph *g, struct ir_value *v)
{
	for (; g != NULL && g != v->graph; g = g->parent)
		if (g->owner != NULL && ir_node_add_implicit(g->owner, v) < 0)
			return -1;
	return 0;
}

/* What NAME refers to in G; a dangling name becomes an undefined value
 * (named by a copy of NAME when COPY: NAME is scratch). */
static struct ir_value *
resolve(struct ir_graph *g, const char *name, bool copy)
{
	struct ir_value *v = ir_lookup(g, name);

	if (v == NULL) {
		/* Dangling: keep the name as an undefined value in the
		 * innermost scope so that repeated references share it. */
		if (copy && (name = arena_strdup(&g->model->arena, name)) ==
		    NULL)
			return NULL;
		v = ir_value_new(g, name, IR_VALUE_UNDEFINED);
		return v;
	}
	if (v->graph != g && note_outer(g, v) < 0)
		return NULL;
	return v;
}

/*
 * The value an input NAME of node I refers to when a node shortly before
 * it defines NAME (the usual case): the first definition in G is the one
 * ir_lookup finds, so a duplicate does not count.  NULL: look it up.
 */
static struct ir_value *
recent(struct ir_graph *g, size_t i, const char *name)
{
	size_t k, o;

	for (k = i; k > 0 && k + 4 > i; k--) {
		const struct ir_node *p = g->nodes[k - 1];

		/* a few compares per input at most, whatever the input */
		if (p->noutputs > 4)
			continue;
		for (o = 0; o < p->noutputs; o++) {
			struct ir_value *v = p->outputs[o];

			if (v != NULL && !v->duplicate &&
			    strcmp(v->name, name) == 0)
				return v;
		}
	}
	return NULL;
}

static int
graph_links(struct loader *L, struct ir_graph *g, const Onnx__GraphProto *pb)
{
	size_t i, j;

	/* Resolve every input and record the use at once.  A value's first
	 * use list holds one use (most values have one) and doubles from
	 * there. */
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		const Onnx__NodeProto *np = n->orig;
		struct skel_field f;
		size_t pos = 0;
		char buf[128];

		for (j = 0; j < n->ninputs; j++) {
			struct ir_value *v;
			const char *name;
			bool copy = false;

			if (np != NULL) {
				name = np->input[j];
			} else {
				/* a light node: its next input field */
				do {
					if (skel_field(n->src, n->srclen, &pos,
					    &f) <= 0)
						return -1;
				} while (f.number != 1 || f.wire != 2);
				if (f.len < sizeof(buf)) {
					memcpy(buf, f.data, f.len);
					buf[f.len] = '\0';
					name = buf;
					copy = true;
				} else if ((name = arena_strndup(&L->m->arena,
				    (const char *)f.data, f.len)) == NULL) {
					return -1;
				}
			}
			if (name[0] == '\0')
				continue;
			if ((v = recent(g, i, name)) == NULL &&
			    (v = resolve(g, name, copy)) == NULL)
				return -1;
			n->inputs[j] = v;
			if (v->capuses == 0) {
				v->uses = arena_alloc_align(&L->m->arena,
				    sizeof(*v->uses), _Alignof(struct ir_use));
				if (v->uses == NULL)
					return -1;
				v->capuses = 1;
			}
			if (ir_use_add(v, n, (int)j) < 0)
				return -1;
		}
		n->dirty = false;
	}
	for (i = 0; i < pb->n_output; i++) {
		const Onnx__ValueInfoProto *vi = pb->output[i];
		struct ir_vinfo *s = &g->outputs[i];

		s->name = vi->name ? vi->name : "";
		s->orig = vi;
		if (conv_type(L, vi->type, &s->type) < 0)
			return -1;
		if ((s->value = resolve(g, s->name, false)) == NULL)
			return -1;
		s->value->noutputs++;
		if (s->value->type.kind == IR_TYPE_NONE)
			s->value->type = s->type;
	}
	for (i = 0; i < pb->n_value_info; i++) {
		const Onnx__ValueInfoProto *vi = pb->value_info[i];
		struct ir_vinfo *s = &g->value_info[i];

		s->name = vi->name ? vi->name : "";
		s->orig = vi;
		if (conv_type(L, vi->type, &s->type) < 0)
			return -1;
		s->value = hmap_get(&g->names, s->name);
		if (s->value != NULL && s->value->type.kind == IR_TYPE_NONE)
			s->value->type = s->type;
	}
	return 0;
}

static int
drain(struct loader *L, size_t *next)
{
	/* Parents are queued before their subgraphs, so every enclosing
	 * scope is complete when a subgraph resolves its names. */
	for (; *next < L->nq; (*next)++) {
		struct ir_graph *g = L->gq[*next];
		const Onnx__GraphProto *pb = L->pq[*next];

		if (graph_defs(L, g, pb) < 0 || graph_links(L, g, pb) < 0)
			return -1;
	}
	return 0;
}

static int
conv_opsets(struct loader *L, Onnx__OperatorSetIdProto **v, size_t n,
    struct ir_opset **out, size_t *nout)
{
	size_t i;

	*nout = n;
	*out = arena_array(&L->m->arena, n + 1, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		(*out)[i].domain = v[i]->domain ? v[i]->domain : "";
		(*out)[i].version = v[i]->version;
		(*out)[i].orig = v[i];
	}
	return 0;
}

static int
conv_function(struct loader *L, const Onnx__FunctionProto *fp,
    struct ir_function *f)
{
	struct arena *a = &L->m->arena;
	Onnx__GraphProto shim = ONNX__GRAPH_PROTO__INIT;
	struct ir_graph *g;
	size_t i;

	f->name = fp->name ? fp->name : "";
	f->domain = fp->domain ? fp->domain : "";
	f->overload = fp->overload;
	f->orig = fp;
	f->attr_names = (const char **)fp->attribute;
	f->nattr_names = fp->n_attribute;
	if (conv_opsets(L, fp->opset_import, fp->n_opset_import, &f->opsets,
	    &f->nopsets) < 0)
		return -1;
	g = ir_graph_new(L->m, IR_GRAPH_FUNCTION, NULL);
	if (g == NULL)
		return -1;
	g->function = f;
	f->body = g;
	/* A function body is a graph whose inputs and outputs are bare
	 * names: describe it to the graph builder with a GraphProto whose
	 * ValueInfoProtos carry only names.  The shim lives in the arena
	 * and is never written: save.c rebuilds FunctionProto itself. */
	shim.n_node = fp->n_node;
	shim.node = fp->node;
	shim.n_value_info = fp->n_value_info;
	shim.value_info = fp->value_info;
	shim.n_input = fp->n_input;
	shim.n_output = fp->n_output;
	shim.input = arena_array(a, fp->n_input + 1, sizeof(*shim.input));
	shim.output = arena_array(a, fp->n_output + 1, sizeof(*shim.output));
	if (shim.input == NULL || shim.output == NULL)
		return -1;
	for (i = 0; i < fp->n_input + fp->n_output; i++) {
		Onnx__ValueInfoProto *vi = arena_alloc(a, sizeof(*vi));
		Onnx__ValueInfoProto init = ONNX__VALUE_INFO_PROTO__INIT;

		if (vi == NULL)
			return -1;
		*vi = init;
		if (i < fp->n_input) {
			vi->name = fp->input[i];
			shim.input[i] = vi;
		} else {
			vi->name = fp->output[i - fp->n_input];
			shim.output[i - fp->n_input] = vi;
		}
	}
	{
		Onnx__GraphProto *copy = arena_alloc(a, sizeof(*copy));

		if (copy == NULL)
			return -1;
		*copy = shim;
		if (push_graph(L, g, copy) < 0)
			return -1;
		g->orig = NULL;
		g->name = f->name;
	}
	return 0;
}

/* Why building failed: the budget, or bytes protobuf-c did not take. */
static enum onnxfix_status
failed(struct loader *L)
{
	if (L->m->budget->exceeded)
		return ONNXFIX_EBUDGET;
	diag_report(L->d, DIAG_LOAD_UNPACK, L->where, NULL);
	return ONNXFIX_EINPUT;
}

static enum onnxfix_status
build(struct loader *L, const Onnx__ModelProto *mp)
{
	struct ir_model *m = L->m;
	size_t i, next = 0;

	m->orig = mp;
	m->has_ir_version = mp->has_ir_version;
	m->ir_version = mp->ir_version;
	m->producer_name = mp->producer_name;
	m->producer_version = mp->producer_version;
	m->domain = mp->domain;
	m->model_version = mp->model_version;
	if (conv_opsets(L, mp->opset_import, mp->n_opset_import, &m->opsets,
	    &m->nopsets) < 0)
		return failed(L);
	m->has_training_info = mp->n_training_info > 0;
	m->nmeta = mp->n_metadata_props;
	m->meta = arena_array(&m->arena, m->nmeta + 1, sizeof(*m->meta));
	if (m->meta == NULL)
		return failed(L);
	for (i = 0; i < m->nmeta; i++) {
		m->meta[i].key = mp->metadata_props[i]->key;
		m->meta[i].value = mp->metadata_props[i]->value;
	}
	if (mp->graph == NULL) {
		diag_report(L->d, DIAG_LOAD_NO_GRAPH, "", NULL);
		return ONNXFIX_EINPUT;
	}
	m->graph = ir_graph_new(m, IR_GRAPH_MAIN, NULL);
	if (m->skel != NULL && m->skel->nlight > 0)
		L->nodes = m->skel;
	if (m->graph == NULL || push_graph(L, m->graph, mp->graph) < 0 ||
	    drain(L, &next) < 0)
		return failed(L);
	/* the nodes now know their bytes */
	if (L->nodes != NULL) {
		skel_drop_nodes(m->skel);
		L->nodes = NULL;
	}
	m->nfunctions = mp->n_functions;
	m->functions = arena_array(&m->arena, mp->n_functions + 1,
	    sizeof(*m->functions));
	if (m->functions == NULL)
		return failed(L);
	for (i = 0; i < mp->n_functions; i++) {
		m->functions[i] = arena_alloc(&m->arena,
		    sizeof(*m->functions[i]));
		if (m->functions[i] == NULL ||
		    conv_function(L, mp->functions[i], m->functions[i]) < 0 ||
		    drain(L, &next) < 0)
			return failed(L);
	}
	return ONNXFIX_OK;
}

static const enum diag_id prescan_diag[] = {
	[PRESCAN_OK] = DIAG_LOAD_UNPACK,
	[PRESCAN_FIELD_NUMBER] = DIAG_LOAD_FIELD_NUMBER,
	[PRESCAN_WIRE_TYPE] = DIAG_LOAD_WIRE_TYPE,
	[PRESCAN_VARINT] = DIAG_LOAD_VARINT,
	[PRESCAN_TRUNCATED] = DIAG_LOAD_TRUNCATED,
	[PRESCAN_WRONG_TYPE] = DIAG_LOAD_WRONG_TYPE,
	[PRESCAN_NESTING] = DIAG_LOAD_NESTING,
	[PRESCAN_GRAPH_NESTING] = DIAG_LOAD_GRAPH_NESTING,
	[PRESCAN_TYPE_NESTING] = DIAG_LOAD_TYPE_NESTING,
	[PRESCAN_REPEATED] = DIAG_LOAD_REPEATED,
	[PRESCAN_NUL] = DIAG_LOAD_NUL,
	[PRESCAN_COUNT] = DIAG_LOAD_COUNT,
	[PRESCAN_MERGE] = DIAG_LOAD_UNPACK,
};

/* A hint for inputs that are plainly not protobuf at all. */
static const char *
sniff(const uint8_t *buf, size_t len)
{
	size_t i, printable = 0, n = len < 512 ? len : 512;

	for (i = 0; i < n; i++)
		if ((buf[i] >= 0x20 && buf[i] < 0x7f) || buf[i] == '\n' ||
		    buf[i] == '\r' || buf[i] == '\t')
			printable++;
	if (n >= 16 && printable == n)
		return "the input is text, not a binary ONNX model";
	if (len >= 4 && memcmp(buf, "PK\003\004", 4) == 0)
		return "the input is a zip archive";
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return "the input is gzip-compressed";
	return NULL;
}

enum onnxfix_status
onnxfix_load_buffer(const uint8_t *buf, size_t len, const char *name,
    const struct onnxfix_options *o, struct diag_list *d,
    struct ir_model **out)
{
	struct onnxfix_options defaults;
	struct prescan_limits lim;
	struct prescan_stats st;
	struct prescan_error err;
	struct budget *budget;
	struct loader L;
	enum prescan_status ps;
	enum onnxfix_status rc;
	Onnx__ModelProto *mp;
	struct skel *sk = NULL;
	uint64_t limit;

	*out = NULL;
	if (o == NULL) {
		onnxfix_options_default(&defaults);
		o = &defaults;
	}
	(void)name;
	if (len == 0) {
		diag_report(d, DIAG_LOAD_EMPTY, "", NULL);
		return ONNXFIX_EINPUT;
	}
	if (len > o->max_file_bytes) {
		diag_report(d, DIAG_LOAD_TOO_LARGE, "",
		    "%zu bytes, limit %" PRIu64, len, o->max_file_bytes);
		return ONNXFIX_EINPUT;
	}
	prescan_limits_default(&lim);
	lim.max_depth = o->max_depth;
	lim.max_graph_depth = o->max_graph_depth;
	lim.max_type_depth = o->max_type_depth;
	lim.max_repeat = o->max_repeat;
	ps = prescan(buf, len, &onnx__model_proto__descriptor, &lim, &st,
	    &err);
	if (ps != PRESCAN_OK) {
		const char *hint = sniff(buf, len);
		char loc[600];

		snprintf(loc, sizeof(loc), "byte %" PRIu64 "%s%s%s",
		    err.offset, err.path[0] ? " (" : "", err.path,
		    err.path[0] ? ")" : "");
		if (hint != NULL)
			diag_report(d, DIAG_LOAD_NOT_MODEL, loc, "%s", hint);
		else
			diag_report(d, prescan_diag[ps], loc, "%s",
			    err.detail);
		return ONNXFIX_EINPUT;
	}
	limit = o->mem_budget;
	if (limit == 0) {
		limit = (64u << 20) + 64 * (uint64_t)len;
		if (limit > (8ull << 30))
			limit = 8ull << 30;
	}
	budget = malloc(sizeof(*budget));
	if (budget == NULL) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
		return ONNXFIX_EBUDGET;
	}
	budget_init(budget, (size_t)limit);
	/* Large tensor payloads and the main graph's light nodes stay in
	 * BUF: decode a skeleton without them (skel.h). */
	if (skel_build(buf, len, SKEL_MIN_SPAN, !o->pb_nodes, budget,
	    &sk) < 0) {
		if (budget->exceeded)
			diag_report(d, DIAG_LOAD_BUDGET, "",
			    "limit %" PRIu64 " bytes", limit);
		else
			diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
		free(budget);
		return ONNXFIX_EBUDGET;
	}
	if (sk != NULL)
		st.alloc_estimate -= sk->saved;
	if (st.alloc_estimate > limit) {
		skel_free(sk);
		diag_report(d, DIAG_LOAD_BUDGET, "",
		    "decoding needs about %" PRIu64 " bytes, budget %" PRIu64,
		    st.alloc_estimate, limit);
		free(budget);
		return ONNXFIX_EBUDGET;
	}
	memset(&L, 0, sizeof(L));
	L.d = d;
	L.m = ir_model_new(budget);
	if (L.m == NULL) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
		skel_free(sk);
		free(budget);
		return ONNXFIX_EBUDGET;
	}
	L.m->release = release;
	/* What a large decode will take, in one block of whole 2 MiB
	 * pages from the start (arena.c) rather than in blocks grown from
	 * 64 KiB: each 4 KiB page of those costs a fault. */
	if (st.alloc_estimate >= RESERVE_MIN) {
		bool was = budget->exceeded;

		if (arena_reserve(&L.m->arena,
		    st.alloc_estimate < RESERVE_MAX ?
		    (size_t)st.alloc_estimate : RESERVE_MAX) < 0)
			budget->exceeded = was;
	}
	skel_allocator(&L.alloc, &L.m->arena);
	hmap_init(&L.words, &L.m->arena);
	L.m->file = buf;
	L.m->file_size = len;
	L.m->skel = sk;
	mp = sk != NULL ? onnx__model_proto__unpack(&L.alloc, sk->len,
	    sk->bytes) : onnx__model_proto__unpack(&L.alloc, len, buf);
	if (mp != NULL && sk != NULL && skel_attach(sk, &mp->base) < 0) {
		L.m->pb = mp;
		diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
		onnxfix_model_free(L.m);
		return ONNXFIX_EBUDGET;
	}
	if (mp == NULL) {
		if (budget->exceeded)
			diag_report(d, DIAG_LOAD_BUDGET, "",
			    "limit %" PRIu64 " bytes", limit);
		else
			diag_report(d, DIAG_LOAD_UNPACK, "", NULL);
		rc = budget->exceeded ? ONNXFIX_EBUDGET : ONNXFIX_EINPUT;
		onnxfix_model_free(L.m);
		return rc;
	}
	L.m->pb = mp;
	rc = build(&L, mp);
	if (rc == ONNXFIX_OK && xread_attach(L.m, o) < 0)
		rc = ONNXFIX_EBUDGET;
	if (rc != ONNXFIX_OK) {
		if (rc == ONNXFIX_EBUDGET)
			diag_report(d, DIAG_LOAD_BUDGET, "",
			    "limit %" PRIu64 " bytes", limit);
		onnxfix_model_free(L.m);
		return rc;
	}
	*out = L.m;
	return ONNXFIX_OK;
}

enum onnxfix_status
onnxfix_load(const char *path, const struct onnxfix_options *o,
    struct diag_list *d, struct ir_model **out)
{
	struct onnxfix_options defaults;
	enum onnxfix_status rc;
	struct stat st;
	void *map;
	int fd;

	*out = NULL;
	if (o == NULL) {
		onnxfix_options_default(&defaults);
		o = &defaults;
	}
	/* O_NONBLOCK: a FIFO given as the model must not hang open(). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_report(d, DIAG_LOAD_OPEN, "", "%s", strerror(errno));
		return ONNXFIX_EIO;
	}
	if (fstat(fd, &st) < 0) {
		diag_report(d, DIAG_LOAD_READ, "", "%s", strerror(errno));
		close(fd);
		return ONNXFIX_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_report(d, DIAG_LOAD_NOT_FILE, "", "%s",
		    S_ISDIR(st.st_mode) ? "a directory" :
		    S_ISFIFO(st.st_mode) ? "a FIFO" :
		    S_ISCHR(st.st_mode) ? "a character device" :
		    S_ISBLK(st.st_mode) ? "a block device" :
		    S_ISSOCK(st.st_mode) ? "a socket" : "a special file");
		close(fd);
		return ONNXFIX_EIO;
	}
	if (st.st_size == 0) {
		diag_report(d, DIAG_LOAD_EMPTY, "", NULL);
		close(fd);
		return ONNXFIX_EINPUT;
	}
	if ((uint64_t)st.st_size > o->max_file_bytes) {
		diag_report(d, DIAG_LOAD_TOO_LARGE, "",
		    "%jd bytes, limit %" PRIu64, (intmax_t)st.st_size,
		    o->max_file_bytes);
		close(fd);
		return ONNXFIX_EINPUT;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		diag_report(d, DIAG_LOAD_READ, "", "%s", strerror(errno));
		close(fd);
		return ONNXFIX_EIO;
	}
	/* Only the small messages between the payloads are read: no
	 * read-ahead or fault-around that would map the payloads too. */
	(void)madvise(map, (size_t)st.st_size, MADV_RANDOM);
	rc = onnxfix_load_buffer(map, (size_t)st.st_size, path, o, d, out);
	if (rc != ONNXFIX_OK) {
		munmap(map, (size_t)st.st_size);
		close(fd);
		return rc;
	}
	/* The writer copies spans from the file itself (stream.c). */
	if ((*out)->skel != NULL)
		(*out)->skel->fd = fd;
	else
		close(fd);
	(*out)->path = path;
	(*out)->release_file = true;
	return ONNXFIX_OK;
}

void
onnxfix_model_free(struct ir_model *m)
{
	struct budget *b;

	if (m == NULL)
		return;
	b = m->budget;
	ir_model_free(m);
	free(b);
}
