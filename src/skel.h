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
 */
#ifndef ONNXFIX_SKEL_H
#define ONNXFIX_SKEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

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
	int fd;			/* the input file, or -1 */
};

/*
 * Build the skeleton of the LEN bytes at BUF, a ModelProto the pre-scan
 * accepted, leaving out raw_data payloads of at least MIN bytes.  Returns
 * 1 and *OUT, or 0 and *OUT = NULL when there is nothing worth leaving
 * out (decode BUF itself then), or -1 when out of memory.
 */
int skel_build(const uint8_t *buf, size_t len, size_t min, struct skel **out);
/*
 * Point every placeholder in the message decoded from S->bytes at its
 * span of S->file.  Frees S->bytes.  Returns 0, or -1 when out of memory
 * or a placeholder names no span (then the message is left as decoded).
 */
int skel_attach(struct skel *s, ProtobufCMessage *root);
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
