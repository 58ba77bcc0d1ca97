/* SPDX-License-Identifier: MIT */
/*
 * The skeleton of a model file (see skel.h).  One iterative walk over the
 * pre-scanned bytes with an explicit stack of open messages: a large
 * TensorProto.raw_data becomes an edit (its tag's value replaced by a
 * placeholder), and a message that shrank gets an edit of its length
 * prefix when it closes, so lengths are recomputed bottom-up.  The
 * skeleton is the input with the edits applied in offset order.
 *
 * A placeholder is 8 magic bytes and the span's index (64-bit little
 * endian).  A 16-byte raw_data in the input that starts with the magic
 * would be mistaken for one, so such an input gets no skeleton at all.
 */
#include "io/skel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/budget.h"
#include "onnx.pb-c.h"
#include "io/prescan.h"

#define PLACEHOLDER_LEN 16
#define RAW_DATA 9		/* TensorProto.raw_data */
#define GRAPH_NODE 1		/* GraphProto.node */
#define NODE_INPUT 1		/* NodeProto.input */
#define NODE_OUTPUT 2		/* NodeProto.output */
#define NODE_ATTRIBUTE 5	/* NodeProto.attribute */

static const uint8_t magic[8] = { 0xff, 'o', 'n', 'x', 'f', 'i', 'x', 0 };

struct wframe {
	const ProtobufCMessageDescriptor *desc;
	size_t end;		/* offset past the message */
	size_t lenoff;		/* its length prefix */
	size_t lenbytes;
	uint64_t shrink;	/* bytes the edits inside it save */
};

static size_t
varint_put(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* Read a varint the pre-scan has validated. */
static uint64_t
varint_get(const uint8_t *buf, size_t *pos)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;

	do {
		b = buf[(*pos)++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	return v;
}

/*
 * Is the NodeProto N (its bytes P[0, LEN)) light: no attribute holds a
 * tensor, a graph or a type (AttributeProto fields t, g, tensors,
 * graphs, tp, type_protos, sparse_tensor, sparse_tensors), so that it
 * holds no payload and no subgraph?  Counts its inputs, outputs and
 * attributes into N (a node with 65,535 or more of one is left to
 * protobuf-c).
 */
static bool
light_node(struct skel_node *n, const uint8_t *p, size_t len)
{
	struct skel_field f, a;
	size_t pos = 0, apos;
	int rc;

	n->ninputs = n->noutputs = n->nattrs = 0;
	while ((rc = skel_field(p, len, &pos, &f)) > 0) {
		if (f.wire != 2)
			continue;
		switch (f.number) {
		case NODE_INPUT:
			if (++n->ninputs == UINT16_MAX)
				return false;
			continue;
		case NODE_OUTPUT:
			if (++n->noutputs == UINT16_MAX)
				return false;
			continue;
		case NODE_ATTRIBUTE:
			if (++n->nattrs == UINT16_MAX)
				return false;
			break;
		default:
			continue;
		}
		apos = 0;
		while ((rc = skel_field(f.data, f.len, &apos, &a)) > 0)
			switch (a.number) {
			case 5: case 6: case 10: case 11:
			case 14: case 15: case 22: case 23:
				return false;
			}
		if (rc < 0)
			return false;
	}
	return rc == 0;
}

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *np;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	np = realloc(p, n * size);
	if (np != NULL)
		*cap = n;
	return np;
}

static struct skel_edit *
new_edit(struct skel *s, size_t off, size_t end)
{
	struct skel_edit *e;
	void *np = grow(s->edits, &s->capedits, s->nedits + 1,
	    sizeof(*s->edits));

	if (np == NULL)
		return NULL;
	s->edits = np;
	e = &s->edits[s->nedits++];
	e->off = off;
	e->end = end;
	e->nrep = 0;
	return e;
}

static int
edit_cmp(const void *a, const void *b)
{
	const struct skel_edit *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Record the node at [OFF, OFF + LEN) whose tag starts at TAGOFF; a light
 * one's field is cut out of the skeleton (one edit for a run of them).
 * Returns 1 for a light node, 0 for another, -1 when out of memory. */
static int
add_node(struct skel *s, size_t tagoff, size_t off, size_t len)
{
	struct skel_node *n;
	struct skel_edit *e;

	if (s->nnodes == s->capnodes) {
		size_t cap = s->capnodes ? 2 * s->capnodes : 64;
		void *np = cap <= SIZE_MAX / sizeof(*n) ?
		    budget_realloc(s->budget, s->nodes, cap * sizeof(*n)) :
		    NULL;

		if (np == NULL)
			return -1;
		s->nodes = np;
		s->capnodes = cap;
	}
	n = &s->nodes[s->nnodes++];
	n->off = (uint32_t)off;
	n->len = (uint32_t)len;
	n->light = light_node(n, s->file + off, len);
	if (!n->light)
		return 0;
	s->nlight++;
	e = s->nedits > 0 ? &s->edits[s->nedits - 1] : NULL;
	if (e != NULL && e->end == tagoff && e->nrep == 0) {
		e->end = off + len;
		return 1;
	}
	return new_edit(s, tagoff, off + len) != NULL ? 1 : -1;
}

/* The walk; fills S->spans and S->edits.  Returns 1 on a placeholder
 * collision, -1 when out of memory, else 0. */
static int
walk(struct skel *s, size_t min, uint64_t *shrink)
{
	const uint8_t *buf = s->file;
	struct wframe *fr, *f;
	size_t top = 0, cap = 64, pos = 0, lenoff, plen;
	uint64_t tag, number;
	int rc = 0;

	fr = malloc(cap * sizeof(*fr));
	if (fr == NULL)
		return -1;
	fr[0] = (struct wframe){ &onnx__model_proto__descriptor, s->file_len,
	    0, 0, 0 };
	for (;;) {
		size_t tagoff;

		f = &fr[top];
		if (pos >= f->end) {
			struct skel_edit *e;
			uint64_t newlen;
			size_t n;

			if (top == 0)
				break;
			if (f->shrink > 0) {
				newlen = f->end - f->lenoff - f->lenbytes -
				    f->shrink;
				if ((e = new_edit(s, f->lenoff, f->lenoff +
				    f->lenbytes)) == NULL)
					goto oom;
				n = varint_put(e->rep, newlen);
				e->nrep = (unsigned)n;
				fr[top - 1].shrink += f->shrink +
				    (f->lenbytes - n);
			}
			top--;
			continue;
		}
		tagoff = pos;
		tag = varint_get(buf, &pos);
		number = tag >> 3;
		switch (tag & 7) {
		case 0:
			(void)varint_get(buf, &pos);
			continue;
		case 1:
			pos += 8;
			continue;
		case 5:
			pos += 4;
			continue;
		default:
			break;
		}
		lenoff = pos;
		plen = (size_t)varint_get(buf, &pos);
		if (s->want_nodes && top == 1 && number == GRAPH_NODE &&
		    f->desc == &onnx__graph_proto__descriptor) {
			/* a node of the main graph (ModelProto.graph) */
			int r = add_node(s, tagoff, pos, plen);

			if (r < 0)
				goto oom;
			if (r > 0) {
				f->shrink += pos + plen - tagoff;
				pos += plen;
				continue;
			}
		}
		if (f->desc == &onnx__tensor_proto__descriptor &&
		    number == RAW_DATA) {
			if (plen >= min) {
				struct skel_edit *e;
				uint64_t idx = s->nspans;
				void *np = grow(s->spans, &s->capspans,
				    s->nspans + 1, sizeof(*s->spans));
				size_t k;

				if (np == NULL)
					goto oom;
				s->spans = np;
				s->spans[s->nspans].off = pos;
				s->spans[s->nspans++].len = plen;
				if ((e = new_edit(s, lenoff, pos + plen)) ==
				    NULL)
					goto oom;
				e->rep[0] = PLACEHOLDER_LEN;
				memcpy(e->rep + 1, magic, sizeof(magic));
				for (k = 0; k < 8; k++)
					e->rep[9 + k] = (uint8_t)(idx >>
					    (8 * k));
				e->nrep = 1 + PLACEHOLDER_LEN;
				f->shrink += pos + plen - lenoff - e->nrep;
				s->saved += plen;
			} else if (plen == PLACEHOLDER_LEN &&
			    memcmp(buf + pos, magic, sizeof(magic)) == 0) {
				rc = 1;
			}
		} else {
			const ProtobufCFieldDescriptor *fd =
			    protobuf_c_message_descriptor_get_field(f->desc,
			    (unsigned)number);

			if (fd != NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (top + 1 == cap) {
					void *np = realloc(fr, 2 * cap *
					    sizeof(*fr));

					if (np == NULL)
						goto oom;
					fr = np;
					cap *= 2;
				}
				fr[++top] = (struct wframe){ fd->descriptor,
				    pos + plen, lenoff, pos - lenoff, 0 };
				continue;
			}
		}
		pos += plen;
	}
	*shrink = fr[0].shrink;
	free(fr);
	return rc;
oom:
	free(fr);
	return -1;
}

int
skel_build(const uint8_t *buf, size_t len, size_t min, bool nodes,
    struct budget *b, struct skel **out)
{
	struct skel *s;
	uint64_t shrink = 0;
	size_t i, at = 0, o = 0;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	s->file = buf;
	s->file_len = len;
	s->fd = -1;
	s->budget = b;
	/* node offsets are 32-bit: protobuf's own limit is 2 GiB */
	s->want_nodes = nodes && len <= UINT32_MAX;
	rc = walk(s, min < PLACEHOLDER_LEN + 1 ? PLACEHOLDER_LEN + 1 : min,
	    &shrink);
	if (rc != 0 || (s->nspans == 0 && s->nlight == 0)) {
		skel_free(s);
		return rc < 0 ? -1 : 0;
	}
	if (s->nlight == 0)
		skel_drop_nodes(s);
	if (s->nedits > 1)
		qsort(s->edits, s->nedits, sizeof(*s->edits), edit_cmp);
	s->len = len - (size_t)shrink;
	s->bytes = malloc(s->len ? s->len : 1);
	if (s->bytes == NULL) {
		skel_free(s);
		return -1;
	}
	for (i = 0; i < s->nedits; i++) {
		const struct skel_edit *e = &s->edits[i];

		memcpy(s->bytes + o, buf + at, e->off - at);
		o += e->off - at;
		memcpy(s->bytes + o, e->rep, e->nrep);
		o += e->nrep;
		at = e->end;
	}
	memcpy(s->bytes + o, buf + at, len - at);
	o += len - at;
	free(s->edits);
	s->edits = NULL;
	s->nedits = s->capedits = 0;
	if (o != s->len) {	/* cannot happen: the walk counted both */
		skel_free(s);
		return -1;
	}
	*out = s;
	return 1;
}

static int
add_fix(struct skel *s, ProtobufCBinaryData *field)
{
	uint64_t idx = 0;
	void *np;
	size_t k;

	for (k = 0; k < 8; k++)
		idx |= (uint64_t)field->data[8 + k] << (8 * k);
	if (idx >= s->nspans)
		return -1;
	np = grow(s->fixes, &s->capfixes, s->nfixes + 1, sizeof(*s->fixes));
	if (np == NULL)
		return -1;
	s->fixes = np;
	s->fixes[s->nfixes].field = field;
	s->fixes[s->nfixes++].orig = *field;
	field->data = (uint8_t *)s->file + s->spans[idx].off;
	field->len = s->spans[idx].len;
	return 0;
}

int
skel_attach(struct skel *s, ProtobufCMessage *root)
{
	ProtobufCMessage **st = NULL;
	size_t n = 0, cap = 0, i, j;
	int rc = 0;

	free(s->bytes);
	s->bytes = NULL;
	if ((st = grow(st, &cap, 1, sizeof(*st))) == NULL)
		return -1;
	st[n++] = root;
	while (n > 0 && rc == 0) {
		ProtobufCMessage *m = st[--n];
		const ProtobufCMessageDescriptor *d = m->descriptor;

		if (d == &onnx__tensor_proto__descriptor) {
			Onnx__TensorProto *t = (Onnx__TensorProto *)m;

			if (t->has_raw_data &&
			    t->raw_data.len == PLACEHOLDER_LEN &&
			    memcmp(t->raw_data.data, magic,
			    sizeof(magic)) == 0 &&
			    add_fix(s, &t->raw_data) < 0) {
				rc = -1;
				break;
			}
		}
		for (i = 0; i < d->n_fields; i++) {
			const ProtobufCFieldDescriptor *fd = &d->fields[i];
			char *base = (char *)m;
			ProtobufCMessage **v;
			size_t count;
			void *np;

			if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
				continue;
			if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
				count = *(size_t *)(base +
				    fd->quantifier_offset);
				v = *(ProtobufCMessage ***)(base + fd->offset);
			} else {
				if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
				    *(uint32_t *)(base +
				    fd->quantifier_offset) != fd->id)
					continue;
				count = 1;
				v = (ProtobufCMessage **)(base + fd->offset);
			}
			if (count == 0 || v == NULL)
				continue;
			np = grow(st, &cap, n + count, sizeof(*st));
			if (np == NULL) {
				rc = -1;
				break;
			}
			st = np;
			for (j = count; j-- > 0;)
				if (v[j] != NULL)
					st[n++] = v[j];
		}
	}
	free(st);
	if (rc < 0)
		skel_detach(s);
	return rc;
}

void
skel_detach(struct skel *s)
{
	size_t i;

	for (i = s->nfixes; i-- > 0;)
		*s->fixes[i].field = s->fixes[i].orig;
	s->nfixes = 0;
}

void
skel_free(struct skel *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->spans);
	free(s->edits);
	free(s->bytes);
	free(s->fixes);
	skel_drop_nodes(s);
	free(s);
}

void
skel_drop_nodes(struct skel *s)
{
	budget_free(s->budget, s->nodes);
	s->nodes = NULL;
	s->nnodes = s->capnodes = 0;
}

bool
skel_contains(const struct skel *s, const void *p, size_t n)
{
	const uint8_t *q = p;

	return s != NULL && q >= s->file && n <= s->file_len &&
	    (size_t)(q - s->file) <= s->file_len - n;
}

void
skel_copy(const struct skel *s, const void *p, size_t n, void *dst)
{
	size_t done = 0;
	ssize_t k;

	if (s != NULL && s->fd >= 0 && skel_contains(s, p, n)) {
		off_t off = (off_t)((const uint8_t *)p - s->file);

		while (done < n) {
			k = pread(s->fd, (uint8_t *)dst + done, n - done,
			    off + (off_t)done);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			done += (size_t)k;
		}
	}
	if (done < n)
		memcpy((uint8_t *)dst + done, (const uint8_t *)p + done,
		    n - done);
}

/*
 * protobuf-c's allocator hook: decoded messages live in the arena, so
 * there are no per-field mallocs and frees (a 100,000-node graph decodes
 * into about 500,000 allocations).  Large requests (the scan buffers of
 * a message with many fields, long arrays) get blocks of their own, so
 * that the buffers the unpack frees go back at once; other frees are
 * no-ops (the memory goes with the arena).
 */
#define PB_OWN_MIN (64 * 1024)
/* skel_reread's scratch memory kept between the nodes it decodes */
#define SKEL_REREAD_KEEP ((size_t)4 << 20)
static void *
pb_alloc(void *data, size_t size)
{
	if (size >= PB_OWN_MIN)
		return arena_alloc_own(data, size);
	/* protobuf-c's messages and arrays need no more than pointer
	 * alignment; strings need none. */
	return arena_alloc_align(data, size, sizeof(void *) > 8 ?
	    sizeof(void *) : 8);
}

static void
pb_free(void *data, void *p)
{
	arena_free_own(data, p);
}

void
skel_allocator(ProtobufCAllocator *al, struct arena *a)
{
	al->alloc = pb_alloc;
	al->free = pb_free;
	al->allocator_data = a;
}

void *
skel_unpack_node(struct arena *a, const uint8_t *p, size_t len)
{
	ProtobufCAllocator al;

	skel_allocator(&al, a);
	return onnx__node_proto__unpack(&al, len, p);
}

int
skel_reread(const uint8_t *buf, size_t len, char *why, size_t size)
{
	struct prescan_limits lim;
	struct prescan_stats st;
	struct prescan_error err;
	Onnx__ModelProto *mp;
	ProtobufCAllocator al;
	struct skel *s = NULL;
	struct arena a;
	size_t i;

	/* decoded into scratch memory, dropped at once: no malloc and free
	 * per field */
	arena_init(&a, NULL);
	skel_allocator(&al, &a);
	prescan_limits_default(&lim);
	if (prescan(buf, len, &onnx__model_proto__descriptor, &lim, &st,
	    &err) != PRESCAN_OK) {
		snprintf(why, size, "byte %llu: %s",
		    (unsigned long long)err.offset, err.detail);
		return -1;
	}
	if (skel_build(buf, len, SKEL_MIN_SPAN, true, NULL, &s) < 0) {
		snprintf(why, size, "out of memory");
		return -1;
	}
	mp = s != NULL ? onnx__model_proto__unpack(&al, s->len, s->bytes) :
	    onnx__model_proto__unpack(&al, len, buf);
	if (mp == NULL) {
		skel_free(s);
		arena_release(&a);
		snprintf(why, size, "decoder rejected it");
		return -1;
	}
	arena_reset(&a, SKEL_REREAD_KEEP);
	/* the nodes the skeleton left out decode too */
	for (i = 0; s != NULL && i < s->nnodes; i++) {
		Onnx__NodeProto *np;

		if (!s->nodes[i].light)
			continue;
		np = onnx__node_proto__unpack(&al, s->nodes[i].len,
		    buf + s->nodes[i].off);
		if (np == NULL) {
			snprintf(why, size, "decoder rejected node %zu", i);
			skel_free(s);
			arena_release(&a);
			return -1;
		}
		/* a node's memory is small: emptied now and then */
		if (a.total > SKEL_REREAD_KEEP)
			arena_reset(&a, SKEL_REREAD_KEEP);
	}
	skel_free(s);
	arena_release(&a);
	return 0;
}
