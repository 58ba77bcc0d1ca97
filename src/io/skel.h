/* SPDX-License-Identifier: MIT */
/*
 * Tensor payloads as spans of the input file.  protobuf-c copies every
 * bytes field it unpacks, and the weights are almost all of a model's
 * bytes; so before the unpack the loader builds a skeleton of the file:
 * the same protobuf with every large TensorProto.raw_data replaced by a
 * 16-byte placeholder that numbers the span it stands for, and every
 * enclosing length prefix recomputed.  protobuf-c decodes the skeleton
 * only; skel_attach() then points each placeholder field at its span of
 * the input, so the decoded message is the one the file holds while its
 * payloads are neither copied nor read.  The writer (stream.c) hands the
 * spans to the kernel when it copies them out.
 *
 * The skeleton also leaves out the main graph's light nodes: a NodeProto
 * whose attributes hold no tensor, graph or type (the bulk of a
 * node-dense model).  protobuf-c would give each a message, string
 * arrays and copies of every name; the loader decodes them straight into
 * the IR from their bytes in the input instead, and the writer decodes
 * one with protobuf-c only when it writes it (skel_unpack_node), so doc
 * strings and unknown fields still travel unchanged.
 */
#ifndef ONNXFIX_SKEL_H
#define ONNXFIX_SKEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

struct arena;
struct budget;

/* Payloads at least this long become spans (4 KiB: smaller ones cost less
 * to copy than to track). */
#define SKEL_MIN_SPAN 4096

struct skel_span {
	size_t off;		/* payload offset in the input */
	size_t len;
};

struct skel_edit {
	size_t off, end;	/* input bytes [off, end) ... */
	uint8_t rep[24];	/* ... are replaced by these */
	unsigned nrep;
};

/* A NodeProto of the main graph, in file order (16 bytes: a graph may
 * have millions). */
struct skel_node {
	uint32_t off;		/* its bytes in the input (nodes are left
				 * out only of inputs under 4 GiB; protobuf's
				 * own limit is 2 GiB) */
	uint32_t len;
	/* input, output and attribute fields (light nodes) */
	uint16_t ninputs, noutputs, nattrs;
	bool light;		/* left out of the skeleton */
};

struct skel_fix {
	ProtobufCBinaryData *field;	/* a raw_data field pointed at a span */
	ProtobufCBinaryData orig;	/* the decoded placeholder */
};

struct skel {
	const uint8_t *file;	/* the input */
	size_t file_len;
	struct skel_span *spans;
	size_t nspans, capspans;
	struct skel_edit *edits;
	size_t nedits, capedits;
	uint8_t *bytes;		/* the skeleton; freed after the unpack */
	size_t len;
	uint64_t saved;		/* input bytes the skeleton leaves out */
	struct skel_fix *fixes;
	size_t nfixes, capfixes;
	/* every node of the main graph, light or not, when any is light;
	 * charged to BUDGET; the loader frees the list (skel_drop_nodes)
	 * once it has built the graph */
	struct skel_node *nodes;
	size_t nnodes, capnodes, nlight;
	struct budget *budget;
	bool want_nodes;	/* skel_build's NODES */
	int fd;			/* the input file, or -1 */
};

/*
 * Build the skeleton of the LEN bytes at BUF, a ModelProto the pre-scan
 * accepted, leaving out raw_data payloads of at least MIN bytes and, when
 * NODES, the main graph's light nodes (their list charged to budget B,
 * which may be NULL).  Returns 1 and *OUT, or 0 and *OUT = NULL when
 * there is nothing worth leaving out (decode BUF itself then), or -1 when
 * out of memory or budget.
 */
int skel_build(const uint8_t *buf, size_t len, size_t min, bool nodes,
    struct budget *b, struct skel **out);
/* Free S's node list. */
void skel_drop_nodes(struct skel *s);
/*
 * Point every placeholder in the message decoded from S->bytes at its
 * span of S->file.  Frees S->bytes.  Returns 0, or -1 when out of memory
 * or a placeholder names no span (then the message is left as decoded).
 */
int skel_attach(struct skel *s, ProtobufCMessage *root);
/*
 * Copy the N bytes at P to DST.  When they lie in S's input file (S may
 * be NULL) they are read from the file with pread(2), so that the pages
 * of the input are not mapped into the process (a page-table entry per
 * 4 KiB page, which costs more than the copy on some virtual machines);
 * otherwise, or when the read falls short, they are copied from P.
 */
void skel_copy(const struct skel *s, const void *p, size_t n, void *dst);

/* One field of a protobuf message (skel_field). */
struct skel_field {
	uint32_t number;
	unsigned wire;		/* 0 varint, 1 fixed64, 2 bytes, 5 fixed32 */
	uint64_t varint;	/* wire 0 */
	const uint8_t *data;	/* wire 2: the value's bytes */
	size_t len;
};

/* A varint within BUF[*POS, END); -1 when it runs past END or is longer
 * than ten bytes. */
static inline int
skel_varint(const uint8_t *buf, size_t end, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift;

	for (shift = 0; shift < 70 && *pos < end; shift += 7) {
		uint8_t b = buf[(*pos)++];

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/*
 * Read the field at *POS of the message in BUF[0, END) into *F and move
 * *POS past it.  Returns 1, 0 at the end of the message, or -1 when the
 * bytes are not a well-formed field (groups included).
 */
static inline __attribute__((always_inline)) int
skel_field(const uint8_t *buf, size_t end, size_t *pos, struct skel_field *f)
{
	uint64_t tag, n;

	if (*pos >= end)
		return 0;
	/* the usual field: a one-byte tag and a one-byte length */
	if (end - *pos >= 2 && (buf[*pos] & 0x87) == 0x02 &&
	    buf[*pos] >= 0x08 && buf[*pos + 1] < 0x80 &&
	    buf[*pos + 1] <= end - *pos - 2) {
		f->number = buf[*pos] >> 3;
		f->wire = 2;
		f->len = buf[*pos + 1];
		f->data = buf + *pos + 2;
		*pos += 2 + f->len;
		return 1;
	}
	if (skel_varint(buf, end, pos, &tag) < 0 || tag >> 3 == 0 ||
	    tag >> 3 > 536870911u)
		return -1;
	f->number = (uint32_t)(tag >> 3);
	f->wire = (unsigned)(tag & 7);
	f->data = NULL;
	f->len = 0;
	switch (f->wire) {
	case 0:
		return skel_varint(buf, end, pos, &f->varint) < 0 ? -1 : 1;
	case 1:
	case 5:
		n = f->wire == 1 ? 8 : 4;
		break;
	case 2:
		if (skel_varint(buf, end, pos, &n) < 0)
			return -1;
		break;
	default:
		return -1;
	}
	if (n > end - *pos)
		return -1;
	f->data = buf + *pos;
	f->len = (size_t)n;
	*pos += (size_t)n;
	return 1;
}
/* protobuf-c allocations from arena A (ARENA_OWN_MIN bytes and more get
 * blocks of their own, which protobuf-c's frees give back). */
void skel_allocator(ProtobufCAllocator *al, struct arena *a);
/* The NodeProto at [P, P + LEN) (a light node) decoded into arena A;
 * NULL when out of budget or the bytes do not decode. */
void *skel_unpack_node(struct arena *a, const uint8_t *p, size_t len);
/* Give the decoded placeholders back to their fields (before the
 * message is freed). */
void skel_detach(struct skel *s);
/* Free S (after skel_detach); closes S->fd. */
void skel_free(struct skel *s);
/* Does [P, P + N) lie within S's input? */
bool skel_contains(const struct skel *s, const void *p, size_t n);
/*
 * Decode the LEN bytes at BUF as a ModelProto the way the loader does
 * (pre-scan, skeleton, unpack) and throw the result away: the writer's
 * check that what it wrote reads back.  Returns 0, or -1 with a reason
 * in WHY (SIZE bytes).
 */
int skel_reread(const uint8_t *buf, size_t len, char *why, size_t size);

#endif
