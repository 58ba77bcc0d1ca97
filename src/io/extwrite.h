/* SPDX-License-Identifier: MIT */
/*
 * The external-data writer (src/io/extwrite.c): what happens to a
 * model's external tensors when it is saved.  Every reference is resolved
 * through src/io/external.c first.
 */
#ifndef ONNXFIX_IO_EXTWRITE_H
#define ONNXFIX_IO_EXTWRITE_H

#include "io/external.h"

/*
 * A tensor whose external data the writer copies into the model by
 * range while it writes it: ext_prepare_save() points the tensor's
 * raw_data at the span record itself (never read through), and the
 * writer, handed that pointer by the packer, copies the bytes from the
 * file instead (ext_span_of, ext_span_open).  ext_finish() and
 * ext_abandon() give the tensor back its fields.
 */
struct ext_span {
	struct ir_tensor *t;
	struct ir_attr *attr;	/* TENSOR attribute holding t, or NULL */
	struct ir_tensor orig;	/* t as it was */
	bool attr_dirty;	/* attr->dirty as it was */
	uint64_t len;
};

/*
 * Prepare M for saving at PATH.  Every external reference of M, wherever
 * it is (xdata_walk), is resolved first; the first failure stops with
 * L140 and nothing written.  Then:
 *  - with O->external_data set, every tensor the IR models with raw data
 *    of at least O->size_threshold bytes, and every external one, is
 *    written into that file beside PATH (a plain file name; temp file,
 *    O_EXCL, aligned to EXT_ALIGN);
 *  - else, when the model then fits in one protobuf and the IR models
 *    every external tensor, each becomes a span that the writer copies
 *    into the model by range (the bytes are never held in memory);
 *  - every external reference that stays (the rest) keeps naming its
 *    file, which is copied along when PATH is in another directory.
 * On ONNXFIX_OK, *PENDING holds a temporary file to publish with
 * ext_publish() once the model is encoded (dirfd -1 when there is none)
 * and the spans.
 */
struct ext_pending {
	int dirfd;		/* output directory, or -1 */
	char tmp[32];		/* temporary name in it */
	const char *name;	/* final name */
	bool published;
	struct ext_dir in;	/* the input model's directory */
	bool in_open;
	bool armed;		/* the spans' tensors point at them */
	struct ext_span *spans;	/* in in.arena */
	size_t nspans;
};

int ext_prepare_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct diag_list *d,
    struct ext_pending *pending);
/* The span whose record DATA points at (a raw_data the packer hands over,
 * LEN bytes long), or NULL: DATA is no span. */
const struct ext_span *ext_span_of(const struct ext_pending *p,
    const void *data, size_t len);
/* Resolve S's file again (ext_resolve: it may have changed since) and
 * open it: the descriptor, and the offset of S's bytes in *OFF.  -1 with
 * the reason in WHY. */
int ext_span_open(struct ext_pending *p, const struct ext_span *s,
    uint64_t *off, char *why, size_t whylen);
/* Report (L140) that S's bytes could not be copied: WHY. */
void ext_span_fail(struct diag_list *d, const struct ext_span *s,
    const char *why);
/* Rename the pending data file into place (0, or -1 with a diagnostic);
 * ext_abandon removes it (the temporary, or the published file when
 * the model could not be written after it). */
int ext_publish(struct ext_pending *p, struct diag_list *d);
void ext_abandon(struct ext_pending *p);
/* Done: the data file and the model are both in place. */
void ext_finish(struct ext_pending *p);

#endif
