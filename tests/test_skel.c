/* SPDX-License-Identifier: MIT */
/*
 * Tensor payloads as spans (skel.c) and the streaming writer (stream.c):
 * large raw_data stays in the input (the IR's data pointer lies within
 * the file mapping, the budget never sees the bytes), the round trip is
 * exact with large tensors anywhere in the model (initializers, Constant
 * attributes, subgraphs, sparse initializers, unknown fields beside
 * them), and a saved model is byte-identical to the canonical encoding.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "onnx.pb-c.h"
#include "io/skel.h"

#define BIG (1024 * 1024)

static uint8_t *
pattern(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed);
	return p;
}

static Onnx__TensorProto *
tensor(const char *name, size_t bytes, unsigned seed)
{
	Onnx__TensorProto *t = calloc(1, sizeof(*t));
	int64_t *dims = malloc(sizeof(*dims));

	assert_non_null(t);
	assert_non_null(dims);
	onnx__tensor_proto__init(t);
	t->name = (char *)name;
	t->has_data_type = 1;
	t->data_type = 2;	/* uint8 */
	dims[0] = (int64_t)bytes;
	t->n_dims = 1;
	t->dims = dims;
	t->has_raw_data = 1;
	t->raw_data.len = bytes;
	t->raw_data.data = pattern(bytes, seed);
	return t;
}

static void
tensor_free(Onnx__TensorProto *t)
{
	free(t->dims);
	free(t->raw_data.data);
	free(t);
}

static Onnx__ValueInfoProto *
vinfo(const char *name)
{
	Onnx__ValueInfoProto *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	onnx__value_info_proto__init(v);
	v->name = (char *)name;
	return v;
}

/* N: OP reading the NIN names IN and writing the NOUT names OUT. */
static void
node_set(Onnx__NodeProto *n, const char *op, char **in, size_t nin,
    char **out, size_t nout)
{
	n->op_type = (char *)op;
	n->n_input = nin;
	n->input = in;
	n->n_output = nout;
	n->output = out;
}

/* A: attribute NAME with its type field set to TYPE. */
static void
attr_set(Onnx__AttributeProto *a, const char *name,
    Onnx__AttributeProto__AttributeType type)
{
	a->name = (char *)name;
	a->has_type = 1;
	a->type = type;
}

/* MP packed into a new buffer of *LEN bytes. */
static uint8_t *
pack(const ProtobufCMessage *mp, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(mp);
	buf = malloc(*len);
	assert_non_null(buf);
	assert_int_equal(protobuf_c_message_pack(mp, buf), *len);
	return buf;
}

/*
 * A model whose large payloads sit at every kind of place: a big and a
 * small initializer (the big one with an unknown field after its data),
 * a Constant node's tensor attribute, an If whose then-branch has its own
 * initializer, and a sparse initializer.  When COLLIDE, one more
 * initializer holds 16 bytes that look like a placeholder.  Returns the
 * packed bytes.
 */
static uint8_t *
make_model(size_t *len, bool collide)
{
	static uint8_t unknown_data[] = { 3, 'a', 'b', 'c' };
	static uint8_t fake[16] = { 0xff, 'o', 'n', 'x', 'f', 'i', 'x', 0,
	    1 };
	Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
	Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT,
	    sub = ONNX__GRAPH_PROTO__INIT;
	Onnx__OperatorSetIdProto op = ONNX__OPERATOR_SET_ID_PROTO__INIT,
	    *ops[1] = { &op };
	Onnx__NodeProto n0 = ONNX__NODE_PROTO__INIT,
	    n1 = ONNX__NODE_PROTO__INIT, n2 = ONNX__NODE_PROTO__INIT,
	    sn = ONNX__NODE_PROTO__INIT, *nodes[3] = { &n0, &n1, &n2 },
	    *subnodes[1] = { &sn };
	Onnx__AttributeProto at = ONNX__ATTRIBUTE_PROTO__INIT,
	    ag = ONNX__ATTRIBUTE_PROTO__INIT, ae = ONNX__ATTRIBUTE_PROTO__INIT,
	    *ats[1] = { &at }, *ags[2] = { &ag, &ae };
	Onnx__SparseTensorProto sp = ONNX__SPARSE_TENSOR_PROTO__INIT,
	    *sps[1] = { &sp };
	ProtobufCMessageUnknownField uf = { 999,
	    PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, sizeof(unknown_data),
	    unknown_data };
	Onnx__TensorProto *inits[3], *sinit[1], *ct, *sv, *si;
	Onnx__ValueInfoProto *in[1], *out[1], *sout[1];
	char *n0in[2] = { "x", "w" }, *n0out[1] = { "y" },
	    *n1out[1] = { "c" }, *n2in[1] = { "cond" }, *n2out[1] = { "z" },
	    *snin[2] = { "y", "ws" }, *snout[1] = { "s" };
	int64_t sdims[1] = { 2048 };
	uint8_t *buf;

	op.has_version = 1;
	op.version = 17;
	inits[0] = tensor("w", BIG, 1);
	inits[0]->base.n_unknown_fields = 1;
	inits[0]->base.unknown_fields = &uf;
	inits[1] = tensor("b", 100, 2);
	inits[2] = collide ? tensor("f", 16, 0) : NULL;
	if (collide)
		memcpy(inits[2]->raw_data.data, fake, 16);
	ct = tensor("", 8192, 3);
	sinit[0] = tensor("ws", 5000, 4);
	sv = tensor("sp", 4096, 5);
	si = tensor("", 8, 6);
	in[0] = vinfo("x");
	out[0] = vinfo("z");
	sout[0] = vinfo("s");
	node_set(&n0, "MatMul", n0in, 2, n0out, 1);
	node_set(&n1, "Constant", NULL, 0, n1out, 1);
	attr_set(&at, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
	at.t = ct;
	n1.n_attribute = 1;
	n1.attribute = ats;
	node_set(&sn, "Add", snin, 2, snout, 1);
	sub.name = "then";
	sub.n_node = 1;
	sub.node = subnodes;
	sub.n_initializer = 1;
	sub.initializer = sinit;
	sub.n_output = 1;
	sub.output = sout;
	attr_set(&ag, "then_branch",
	    ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
	ag.g = &sub;
	attr_set(&ae, "else_branch",
	    ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
	ae.g = &sub;
	node_set(&n2, "If", n2in, 1, n2out, 1);
	n2.n_attribute = 2;
	n2.attribute = ags;
	sp.values = sv;
	sp.indices = si;
	sp.n_dims = 1;
	sp.dims = sdims;
	g.name = "g";
	g.n_node = 3;
	g.node = nodes;
	g.n_initializer = collide ? 3 : 2;
	g.initializer = inits;
	g.n_sparse_initializer = 1;
	g.sparse_initializer = sps;
	g.n_input = 1;
	g.input = in;
	g.n_output = 1;
	g.output = out;
	mp.has_ir_version = 1;
	mp.ir_version = 8;
	mp.n_opset_import = 1;
	mp.opset_import = ops;
	mp.graph = &g;
	buf = pack(&mp.base, len);
	inits[0]->base.n_unknown_fields = 0;
	tensor_free(inits[0]);
	tensor_free(inits[1]);
	if (collide)
		tensor_free(inits[2]);
	tensor_free(ct);
	tensor_free(sinit[0]);
	tensor_free(sv);
	tensor_free(si);
	free(in[0]);
	free(out[0]);
	free(sout[0]);
	return buf;
}

static bool
within(const void *p, size_t n, const uint8_t *buf, size_t len)
{
	const uint8_t *q = p;

	return q >= buf && q + n <= buf + len;
}

static void
test_spans_point_into_input(void **state)
{
	struct diag_list d;
	struct ir_model *m;
	struct ir_graph *g;
	struct ir_attr *a;
	uint8_t *buf, *want;
	size_t len;

	(void)state;
	buf = make_model(&len, false);
	diag_list_init(&d);
	assert_int_equal(onnxfix_load_buffer(buf, len, "x", NULL, &d, &m),
	    ONNXFIX_OK);
	assert_non_null(m->skel);
	/* w (1 MiB), the Constant's 8 KiB, 5000 bytes in each branch (the
	 * same subgraph twice) and the sparse values' 4096: five spans. */
	assert_int_equal(m->skel->nspans, 5);
	g = m->graph;
	assert_int_equal(g->ninits, 2);
	want = pattern(BIG, 1);
	assert_int_equal(g->inits[0]->storage, IR_DATA_RAW);
	assert_int_equal(g->inits[0]->size, BIG);
	assert_true(within(g->inits[0]->data, BIG, buf, len));
	assert_memory_equal(g->inits[0]->data, want, BIG);
	free(want);
	/* a small payload is decoded (copied) as before */
	assert_int_equal(g->inits[1]->size, 100);
	assert_false(within(g->inits[1]->data, 100, buf, len));
	a = ir_node_attr(g->nodes[1], "value");
	assert_non_null(a);
	assert_non_null(a->t);
	assert_int_equal(a->t->size, 8192);
	assert_true(within(a->t->data, 8192, buf, len));
	a = ir_node_attr(g->nodes[2], "then_branch");
	assert_non_null(a->g);
	assert_int_equal(a->g->ninits, 1);
	assert_true(within(a->g->inits[0]->data, 5000, buf, len));
	/* the budget never held the payloads */
	assert_true(m->budget->peak < BIG);
	onnxfix_model_free(m);
	diag_list_release(&d);
	free(buf);
}

/* Decode then encode with protobuf-c alone. */
static uint8_t *
canonical(const uint8_t *buf, size_t len, size_t *outlen)
{
	Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, len, buf);
	uint8_t *out;

	assert_non_null(mp);
	*outlen = protobuf_c_message_get_packed_size(&mp->base);
	out = malloc(*outlen);
	assert_non_null(out);
	assert_int_equal(protobuf_c_message_pack(&mp->base, out), *outlen);
	onnx__model_proto__free_unpacked(mp, NULL);
	return out;
}

static void
roundtrip(bool collide)
{
	struct diag_list d;
	struct ir_model *m;
	uint8_t *buf, *want, *a, *b;
	size_t len, wantlen, alen, blen;

	buf = make_model(&len, collide);
	want = canonical(buf, len, &wantlen);
	diag_list_init(&d);
	assert_int_equal(onnxfix_load_buffer(buf, len, "x", NULL, &d, &m),
	    ONNXFIX_OK);
	if (collide)
		assert_null(m->skel);	/* a look-alike: no skeleton */
	else
		assert_non_null(m->skel);
	assert_int_equal(onnxfix_encode(m, &d, &a, &alen), ONNXFIX_OK);
	assert_int_equal(onnxfix_encode(m, &d, &b, &blen), ONNXFIX_OK);
	assert_int_equal(alen, wantlen);
	assert_memory_equal(a, want, alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	/* protobuf-c writes in field order, as the input was made */
	assert_int_equal(alen, len);
	assert_memory_equal(a, buf, len);
	free(a);
	free(b);
	onnxfix_model_free(m);
	diag_list_release(&d);
	free(want);
	free(buf);
}

static void
test_roundtrip_exact(void **state)
{
	(void)state;
	roundtrip(false);
}

static void
test_placeholder_lookalike(void **state)
{
	(void)state;
	roundtrip(true);
}

/* The skeleton itself: valid protobuf, the payloads left out, and every
 * enclosing length right (protobuf-c decodes it). */
static void
test_skeleton_bytes(void **state)
{
	Onnx__ModelProto *mp;
	struct skel *s;
	uint8_t *buf;
	size_t len;

	(void)state;
	buf = make_model(&len, false);
	assert_int_equal(skel_build(buf, len, SKEL_MIN_SPAN, true, NULL, &s),
	    1);
	assert_int_equal(s->nspans, 5);
	assert_int_equal(s->saved, BIG + 8192 + 5000 * 2 + 4096);
	assert_true(s->len < len - s->saved + 200);
	mp = onnx__model_proto__unpack(NULL, s->len, s->bytes);
	assert_non_null(mp);
	assert_int_equal(mp->graph->initializer[0]->raw_data.len, 16);
	assert_int_equal(mp->graph->initializer[1]->raw_data.len, 100);
	onnx__model_proto__free_unpacked(mp, NULL);
	/* the MatMul is light and left out; the Constant (a tensor) and
	 * the If (graphs) are decoded by protobuf-c */
	assert_int_equal(s->nnodes, 3);
	assert_int_equal(s->nlight, 1);
	assert_true(s->nodes[0].light);
	assert_false(s->nodes[1].light);
	assert_false(s->nodes[2].light);
	mp = onnx__model_proto__unpack(NULL, s->len, s->bytes);
	assert_non_null(mp);
	assert_int_equal(mp->graph->n_node, 2);
	assert_string_equal(mp->graph->node[0]->op_type, "Constant");
	assert_string_equal(mp->graph->node[1]->op_type, "If");
	onnx__model_proto__free_unpacked(mp, NULL);
	skel_free(s);
	/* no payload large enough: the light node alone */
	assert_int_equal(skel_build(buf, len, BIG + 1, true, NULL, &s), 1);
	assert_int_equal(s->nspans, 0);
	assert_int_equal(s->nlight, 1);
	skel_free(s);
	free(buf);
}

/*
 * Nodes the loader decodes from their bytes: an unsorted graph (an input
 * defined by a later node), absent optional inputs and outputs, a
 * dangling input, a custom domain, list and scalar attributes, a doc
 * string and an unknown field, with a heavy node between them.  The IR
 * is what protobuf-c would have given, and the model is written back
 * byte for byte, also when a light node is rebuilt.
 */
static void
test_light_nodes(void **state)
{
	static uint8_t unknown_data[] = { 2, 'u', 'v' };
	Onnx__ModelProto mp = ONNX__MODEL_PROTO__INIT;
	Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
	Onnx__NodeProto n0 = ONNX__NODE_PROTO__INIT,
	    n1 = ONNX__NODE_PROTO__INIT, n2 = ONNX__NODE_PROTO__INIT,
	    n3 = ONNX__NODE_PROTO__INIT,
	    *nodes[4] = { &n0, &n1, &n2, &n3 };
	Onnx__AttributeProto at = ONNX__ATTRIBUTE_PROTO__INIT,
	    ai = ONNX__ATTRIBUTE_PROTO__INIT, af = ONNX__ATTRIBUTE_PROTO__INIT,
	    as = ONNX__ATTRIBUTE_PROTO__INIT, ass = ONNX__ATTRIBUTE_PROTO__INIT,
	    *ats[1] = { &at }, *attrs[4] = { &ai, &af, &as, &ass };
	ProtobufCMessageUnknownField uf = { 999,
	    PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED, sizeof(unknown_data),
	    unknown_data };
	Onnx__ValueInfoProto *in[1], *out[1];
	char *n0in[2] = { "x", "late" }, *n0out[1] = { "a" },
	    *n1out[1] = { "c" }, *n2in[3] = { "", "a", "missing" },
	    *n2out[2] = { "", "b" }, *n3in[1] = { "c" },
	    *n3out[1] = { "late" }, *strs[2] = { "p", "q" };
	int64_t ints[3] = { 1, 2, 3 };
	struct diag_list d;
	struct ir_model *m;
	struct ir_graph *gr;
	struct ir_node *x0, *x2;
	struct ir_attr *a;
	uint8_t *buf, *enc;
	size_t len, enclen;

	(void)state;
	in[0] = vinfo("x");
	out[0] = vinfo("b");
	node_set(&n0, "Add", n0in, 2, n0out, 1);
	n0.name = "n0";
	n0.doc_string = "adds";
	n0.base.n_unknown_fields = 1;
	n0.base.unknown_fields = &uf;
	attr_set(&at, "value", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR);
	at.t = tensor("", 4, 7);
	node_set(&n1, "Constant", NULL, 0, n1out, 1);
	n1.n_attribute = 1;
	n1.attribute = ats;
	attr_set(&ai, "ints", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
	ai.n_ints = 3;
	ai.ints = ints;
	attr_set(&af, "alpha", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
	af.has_f = 1;
	af.f = 0.5f;
	as.name = "mode";
	as.has_s = 1;	/* no type field: inferred */
	as.s.data = (uint8_t *)"hi";
	as.s.len = 2;
	attr_set(&ass, "names", ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
	ass.n_strings = 2;
	ass.strings = (ProtobufCBinaryData[2]){ { 1, (uint8_t *)strs[0] },
	    { 1, (uint8_t *)strs[1] } };
	node_set(&n2, "Foo", n2in, 3, n2out, 2);
	n2.domain = "com.example";
	n2.name = "";
	n2.n_attribute = 4;
	n2.attribute = attrs;
	node_set(&n3, "Relu", n3in, 1, n3out, 1);
	g.name = "g";
	g.n_node = 4;
	g.node = nodes;
	g.n_input = 1;
	g.input = in;
	g.n_output = 1;
	g.output = out;
	mp.has_ir_version = 1;
	mp.ir_version = 8;
	mp.graph = &g;
	buf = pack(&mp.base, &len);
	tensor_free(at.t);
	free(in[0]);
	free(out[0]);

	diag_list_init(&d);
	assert_int_equal(onnxfix_load_buffer(buf, len, "x", NULL, &d, &m),
	    ONNXFIX_OK);
	assert_non_null(m->skel);
	assert_int_equal(m->skel->nlight, 3);
	gr = m->graph;
	assert_int_equal(gr->nnodes, 4);
	x0 = gr->nodes[0];
	x2 = gr->nodes[2];
	assert_null(x0->orig);
	assert_true(within(x0->src, x0->srclen, buf, len));
	assert_non_null(gr->nodes[1]->orig);
	assert_string_equal(x0->op_type, "Add");
	assert_string_equal(x0->name, "n0");
	assert_string_equal(x0->domain, "");
	assert_int_equal(x0->ninputs, 2);
	assert_ptr_equal(x0->inputs[0], gr->inputs[0].value);
	assert_ptr_equal(x0->inputs[1], gr->nodes[3]->outputs[0]);
	assert_string_equal(x0->outputs[0]->name, "a");
	assert_ptr_equal(x0->outputs[0]->producer, x0);
	assert_string_equal(x2->op_type, "Foo");
	assert_string_equal(x2->domain, "com.example");
	assert_string_equal(x2->name, "");
	assert_int_equal(x2->ninputs, 3);
	assert_null(x2->inputs[0]);
	assert_ptr_equal(x2->inputs[1], x0->outputs[0]);
	assert_int_equal(x2->inputs[2]->kind, IR_VALUE_UNDEFINED);
	assert_string_equal(x2->inputs[2]->name, "missing");
	assert_int_equal(x2->noutputs, 2);
	assert_null(x2->outputs[0]);
	assert_ptr_equal(x2->outputs[1], gr->outputs[0].value);
	assert_int_equal(x2->nattrs, 4);
	a = ir_node_attr(x2, "ints");
	assert_non_null(a);
	assert_int_equal(a->type, IR_ATTR_INTS);
	assert_int_equal(a->n, 3);
	assert_int_equal(a->ints[2], 3);
	a = ir_node_attr(x2, "alpha");
	assert_true(a->f == 0.5f);
	a = ir_node_attr(x2, "mode");
	assert_int_equal(a->type, IR_ATTR_STRING);
	assert_int_equal(a->slen, 2);
	assert_memory_equal(a->s, "hi", 2);
	assert_int_equal(ir_node_attr(x2, "names")->n, 2);
	assert_null(gr->nodes[3]->name);
	assert_int_equal(x0->outputs[0]->nuses, 1);
	/* written back as it was, untouched and rebuilt alike */
	assert_int_equal(onnxfix_encode(m, &d, &enc, &enclen), ONNXFIX_OK);
	assert_int_equal(enclen, len);
	assert_memory_equal(enc, buf, len);
	free(enc);
	x0->dirty = true;
	x2->dirty = true;
	assert_int_equal(onnxfix_encode(m, &d, &enc, &enclen), ONNXFIX_OK);
	assert_int_equal(enclen, len);
	assert_memory_equal(enc, buf, len);
	free(enc);
	onnxfix_model_free(m);
	/* protobuf-c's decoding of every node gives the same nodes */
	{
		struct onnxfix_options o;
		struct ir_model *p;
		size_t i, j;

		onnxfix_options_default(&o);
		o.pb_nodes = true;
		assert_int_equal(onnxfix_load_buffer(buf, len, "x", NULL, &d,
		    &m), ONNXFIX_OK);
		assert_int_equal(onnxfix_load_buffer(buf, len, "x", &o, &d,
		    &p), ONNXFIX_OK);
		assert_null(p->skel);
		assert_int_equal(p->graph->nnodes, m->graph->nnodes);
		for (i = 0; i < m->graph->nnodes; i++) {
			const struct ir_node *x = m->graph->nodes[i],
			    *b = p->graph->nodes[i];

			assert_non_null(b->orig);
			assert_null(b->src);
			assert_string_equal(x->op_type, b->op_type);
			assert_string_equal(x->domain, b->domain);
			assert_true(x->name == NULL ? b->name == NULL :
			    strcmp(x->name, b->name) == 0);
			assert_int_equal(x->ninputs, b->ninputs);
			assert_int_equal(x->noutputs, b->noutputs);
			assert_int_equal(x->nattrs, b->nattrs);
			for (j = 0; j < x->ninputs; j++)
				assert_true(x->inputs[j] == NULL ?
				    b->inputs[j] == NULL :
				    strcmp(x->inputs[j]->name,
				    b->inputs[j]->name) == 0 &&
				    x->inputs[j]->kind == b->inputs[j]->kind);
			for (j = 0; j < x->noutputs; j++)
				assert_true(x->outputs[j] == NULL ?
				    b->outputs[j] == NULL :
				    strcmp(x->outputs[j]->name,
				    b->outputs[j]->name) == 0);
			for (j = 0; j < x->nattrs; j++) {
				assert_string_equal(x->attrs[j].name,
				    b->attrs[j].name);
				assert_int_equal(x->attrs[j].type,
				    b->attrs[j].type);
				assert_int_equal(x->attrs[j].n,
				    b->attrs[j].n);
			}
		}
		onnxfix_model_free(p);
		onnxfix_model_free(m);
	}
	diag_list_release(&d);
	free(buf);
}

static void
write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
note_progress(void *arg, const char *what, uint64_t done, uint64_t total)
{
	uint64_t *last = arg;

	assert_string_equal(what, "writing");
	assert_true(done <= total);
	*last = done;
}

/* onnxfix_save of a loaded file streams the spans from the file and
 * writes the same bytes; the model's data lies within the mapping. */
static void
test_save_streams(void **state)
{
	char dir[] = "/tmp/onnxfix-skel.XXXXXX", in[64], out[64];
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m;
	uint8_t *buf, *back;
	size_t len, blen;
	uint64_t last = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(in, sizeof(in), "%s/in.onnx", dir);
	snprintf(out, sizeof(out), "%s/out.onnx", dir);
	buf = make_model(&len, false);
	write_file(in, buf, len);
	onnxfix_options_default(&o);
	o.progress = note_progress;
	o.progress_arg = &last;
	diag_list_init(&d);
	assert_int_equal(onnxfix_load(in, &o, &d, &m), ONNXFIX_OK);
	assert_non_null(m->skel);
	assert_true(m->skel->fd >= 0);
	assert_true(within(m->graph->inits[0]->data, BIG, m->file,
	    m->file_size));
	assert_int_equal(onnxfix_save(m, out, &o, &d), ONNXFIX_OK);
	assert_int_equal(d.n, 0);
	assert_true(last > BIG);
	back = slurp(out, &blen);
	assert_int_equal(blen, len);
	assert_memory_equal(back, buf, len);
	free(back);
	onnxfix_model_free(m);
	diag_list_release(&d);
	unlink(in);
	unlink(out);
	rmdir(dir);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spans_point_into_input),
		cmocka_unit_test(test_roundtrip_exact),
		cmocka_unit_test(test_placeholder_lookalike),
		cmocka_unit_test(test_skeleton_bytes),
		cmocka_unit_test(test_light_nodes),
		cmocka_unit_test(test_save_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
