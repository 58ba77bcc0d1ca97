/* SPDX-License-Identifier: MIT */
/*
 * Saving: the IR encoded (src/io/rebuild.c builds the messages) into
 * memory or streamed to a file (src/io/stream.c), external data written
 * or copied (src/io/extwrite.c), the file written atomically and the
 * result re-read before it is published.  This file holds the policy:
 * which way a model is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx.pb-c.h"
#include "onnxfix.h"
#include "base/outfile.h"
#include "io/extwrite.h"
#include "io/rebuild.h"
#include "io/prescan.h"
#include "io/skel.h"
#include "io/stream.h"

/* A ProtobufCBuffer into OUT (SIZE bytes): spans are read from their
 * files (pread), everything else copied. */
struct mem_sink {
	ProtobufCBuffer base;
	struct ext_pending *x;
	uint8_t *out;
	size_t size, pos;
	bool err;		/* overflow, or a span could not be read */
	const struct ext_span *failed;	/* that span */
	char why[160];
};

static void
mem_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct mem_sink *s = (struct mem_sink *)b;
	const struct ext_span *sp;
	uint64_t off;
	int fd;

	if (s->err || len == 0)
		return;
	if (len > s->size - s->pos) {
		s->err = true;
		snprintf(s->why, sizeof(s->why), "packed size changed");
		return;
	}
	if (s->x != NULL && (sp = ext_span_of(s->x, data, len)) != NULL) {
		size_t done = 0;

		fd = ext_span_open(s->x, sp, &off, s->why, sizeof(s->why));
		if (fd < 0) {
			s->err = true;
			s->failed = sp;
			return;
		}
		while (done < len) {
			ssize_t k = pread(fd, s->out + s->pos + done,
			    len - done, (off_t)(off + done));

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				s->err = true;
				s->failed = sp;
				snprintf(s->why, sizeof(s->why), "short read: "
				    "the file changed while being read");
				break;
			}
			done += (size_t)k;
		}
		close(fd);
	} else {
		memcpy(s->out + s->pos, data, len);
	}
	s->pos += len;
}

/* onnxfix_encode, with the spans of X (may be NULL) read from their
 * files. */
static enum onnxfix_status
encode(struct ir_model *m, struct ext_pending *x, struct diag_list *d,
    uint8_t **buf, size_t *len)
{
	struct arena a;
	Onnx__ModelProto *mp;
	char why[256];
	size_t size;
	uint8_t *out;

	*buf = NULL;
	*len = 0;
	arena_init(&a, m->budget);
	mp = rebuild_model(m, &a);
	if (mp == NULL) {
		arena_release(&a);
		diag_report(d, DIAG_LOAD_BUDGET, "", "while encoding");
		return ONNXFIX_EBUDGET;
	}
	size = protobuf_c_message_get_packed_size(&mp->base);
	if (size > 2147483647u) {
		arena_release(&a);
		diag_report(d, DIAG_OUT_ENCODE, "", "%zu bytes", size);
		return ONNXFIX_EIO;
	}
	out = malloc(size ? size : 1);
	if (out == NULL) {
		arena_release(&a);
		diag_report(d, DIAG_LOAD_BUDGET, "", "%zu bytes", size);
		return ONNXFIX_EBUDGET;
	}
	if (x != NULL && x->nspans > 0) {
		struct mem_sink ms;

		memset(&ms, 0, sizeof(ms));
		ms.base.append = mem_append;
		ms.x = x;
		ms.out = out;
		ms.size = size;
		protobuf_c_message_pack_to_buffer(&mp->base, &ms.base);
		if (ms.err || ms.pos != size) {
			arena_release(&a);
			free(out);
			if (ms.failed != NULL) {
				ext_span_fail(d, ms.failed, ms.why);
				return ONNXFIX_EINPUT;
			}
			diag_report(d, DIAG_OUT_REREAD, "",
			    "packed size changed");
			return ONNXFIX_EINTERNAL;
		}
	} else if (protobuf_c_message_pack(&mp->base, out) != size) {
		arena_release(&a);
		free(out);
		diag_report(d, DIAG_OUT_REREAD, "", "packed size changed");
		return ONNXFIX_EINTERNAL;
	}
	arena_release(&a);
	/* protobuf-c can write bytes it cannot read back: re-read, as the
	 * loader would and as stream_save re-reads its file */
	if (skel_reread(out, size, why, sizeof(why)) < 0) {
		free(out);
		diag_report(d, DIAG_OUT_REREAD, "", "%s", why);
		return ONNXFIX_EINTERNAL;
	}
	*buf = out;
	*len = size;
	return ONNXFIX_OK;
}

enum onnxfix_status
onnxfix_encode(struct ir_model *m, struct diag_list *d, uint8_t **buf,
    size_t *len)
{
	return encode(m, NULL, d, buf, len);
}

int
onnxfix_write_all(int fd, const void *buf, size_t n)
{
	return outfile_write_all(fd, buf, n);
}

/* BUF to PATH through the atomic output module: "-" is stdout, a
 * device or FIFO is written through, a regular file replaced by
 * rename. */
static enum onnxfix_status
write_file(const char *path, const void *buf, size_t len, bool sync,
    struct diag_list *d)
{
	struct outfile of;

	if (outfile_open(&of, path) < 0 || outfile_write(&of, buf, len) < 0 ||
	    outfile_commit(&of, sync) < 0) {
		int saved = errno;

		outfile_abort(&of);
		char e[DIAG_ESCAPE_SIZE];

		diag_report(d, DIAG_OUT_WRITE, "", "%s: %s",
		    strcmp(path, "-") == 0 ? "stdout" : diag_escape_str(e,
		    sizeof(e), path), strerror(saved));
		return ONNXFIX_EIO;
	}
	return ONNXFIX_OK;
}

enum onnxfix_status
onnxfix_write_file(const char *path, const void *buf, size_t len,
    struct diag_list *d)
{
	return write_file(path, buf, len, false, d);
}

enum onnxfix_status
onnxfix_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct diag_list *d)
{
	struct onnxfix_options defaults;
	struct ext_pending ext;
	enum onnxfix_status rc;
	uint8_t *buf = NULL;
	size_t len;

	if (o == NULL) {
		onnxfix_options_default(&defaults);
		o = &defaults;
	}
	/*
	 * Every external reference is resolved first, wherever it is; with
	 * --external-data the weights go into that file, else external
	 * weights come back into the model as spans that the writer copies
	 * from their files by range when the whole fits in one protobuf,
	 * and otherwise (models past 2 GiB) stay external with their files
	 * copied along to the output's directory (external.h).
	 */
	rc = ext_prepare_save(m, path, o, d, &ext);
	if (rc != ONNXFIX_OK)
		return rc;
	if (ext.dirfd < 0 && stream_wanted(m, path, ext.nspans > 0)) {
		/* no data file of ours to publish first */
		rc = stream_save(m, path, o, &ext, d);
	} else {
		rc = encode(m, &ext, d, &buf, &len);
		if (rc == ONNXFIX_OK && ext_publish(&ext, d) < 0)
			rc = ONNXFIX_EIO;
		if (rc == ONNXFIX_OK)
			rc = write_file(path, buf, len, o->sync, d);
	}
	if (rc != ONNXFIX_OK)
		ext_abandon(&ext);
	else
		ext_finish(&ext);
	free(buf);
	return rc;
}
