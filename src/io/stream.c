/* SPDX-License-Identifier: MIT */
/*
 * Streaming output (see stream.h).  protobuf-c's pack_to_buffer() computes
 * every length prefix from the field lengths, which for a span are the
 * real payload lengths, and hands each bytes field to the sink as one
 * append of the payload pointer: so the sink sees a span as a pointer
 * into the input mapping and copies it from the input file instead, by
 * the kernel (copy_file_range(2)), as cp does: the payload is never
 * mapped into the process.  Mapping it costs a page-table entry per 4 KiB
 * page, which on a virtual machine that traps page-table updates costs
 * more than the copy itself (efficientnet_b0, 21 MB: 24 -> 18 ms; vgg11,
 * 507 MB: 273 -> 114 ms, cp 94 ms).  The rest is written with writev(2):
 * data of 4 KiB or more from where it is, the small fields gathered in a
 * 64 KiB buffer (each page of a buffer costs a fault when it is first
 * written).  Where the kernel cannot copy between the two files (EXDEV,
 * EINVAL, ...: noted once), spans are written from the mapping instead,
 * their pages mapped in first with one madvise(MADV_POPULATE_READ) a
 * window of 8 MiB at a time, and of an input over 256 MiB the pages
 * written are let go again (MADV_DONTNEED), so that the process does not
 * map the whole file at once; before Linux 5.14, which cannot populate,
 * spans are written as they fault in.  The
 * output is written to a temporary file beside PATH, re-read through the
 * skeleton path (so no payload is decoded or copied), synced and
 * renamed.
 */
#include "io/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <protobuf-c/protobuf-c.h>

#include "base/outfile.h"
#include "io/extwrite.h"
#include "io/rebuild.h"
#include "io/skel.h"

#define SINK_BUF (64u << 10)	/* gathers the small fields */
#define PIECE_MIN 4096		/* larger data is a piece of its own */
#define SINK_IOV 1024		/* pieces a writev(2) takes (IOV_MAX) */
#define SINK_WINDOW ((size_t)8 << 20)	/* bytes a writev(2) takes */
#define SMALL_SPAN ((size_t)64 << 10)	/* without populate: written */
#define DROP_MIN ((size_t)256 << 20)	/* inputs whose pages are let go */
#define CHUNK ((size_t)64 << 20)	/* span copy step, for progress */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14 */
#endif

struct sink {
	ProtobufCBuffer base;
	const struct skel *skel;	/* may be NULL */
	struct ext_pending *x;	/* may be NULL */
	const struct onnxfix_options *o;
	int fd;
	int err;		/* first errno, 0 when fine */
	const struct ext_span *failed;	/* a span whose file failed */
	char why[160];		/* how */
	uint64_t written, total;
	size_t n;		/* bytes of buf in use */
	size_t pending;		/* bytes the pieces of iov hold */
	int populate;		/* MADV_POPULATE_READ: 0 untried, 1, -1 no */
	int kernel;		/* copy_file_range: 0 works, -1 not here */
	uintptr_t page;		/* the page size */
	bool drop;		/* let written pages of the input go */
	int niov, nspan;
	struct iovec iov[SINK_IOV];	/* into buf or the mapping */
	struct {
		const uint8_t *p;
		size_t len;
	} span[SINK_IOV];	/* with drop: the pieces of the input */
	uint8_t buf[SINK_BUF];
};

static void progress(struct sink *s);

/* The whole pages (of PG bytes) of LEN bytes at P, rounded out when OUT,
 * else in. */
static void
pages(const uint8_t *p, size_t len, uintptr_t pg, bool out, uintptr_t *a,
    uintptr_t *e)
{
	*a = (uintptr_t)p;
	*e = (uintptr_t)p + len;
	if (out) {
		*a &= ~(pg - 1);
		*e = (*e + pg - 1) & ~(pg - 1);
	} else {
		*a = (*a + pg - 1) & ~(pg - 1);
		*e &= ~(pg - 1);
	}
}

static void
sink_flush(struct sink *s)
{
	int i;

	if (s->niov == 0)
		return;
	if (s->err == 0 && outfile_writev_all(s->fd, s->iov, s->niov) < 0)
		/* a write from a mapping the input no longer covers (it
		 * was cut short under us) */
		s->err = errno == EFAULT ? EIO : errno;
	/* Start writing back what is written, so that the fsync at the
	 * end waits for the tail only. */
	if (s->err == 0 && s->o != NULL && s->o->sync)
		sync_file_range(s->fd, (off_t)s->written, (off_t)s->pending,
		    SYNC_FILE_RANGE_WRITE);
	/* the pieces of the input were noted apart (outfile_writev_all
	 * consumes the iovec list): their whole pages go */
	for (i = 0; s->drop && i < s->nspan; i++) {
		uintptr_t a, e;

		pages(s->span[i].p, s->span[i].len, s->page, false, &a,
		    &e);
		if (e > a)
			(void)madvise((void *)a, e - a, MADV_DONTNEED);
	}
	s->nspan = 0;
	s->written += s->pending;
	s->pending = 0;
	s->niov = 0;
	s->n = 0;
	progress(s);
}

/*
 * Map in the pages of the LEN bytes of the input at P with one system
 * call, so that writing them does not fault them in 64 KiB at a time.
 * false when this kernel cannot (then, and only then, nothing is tried
 * again); another failure is left to the write to report.
 */
static bool
populate(struct sink *s, const uint8_t *p, size_t len)
{
	uintptr_t a, e;

	if (s->skel->fd < 0)	/* read into memory, not mapped */
		return true;
	if (s->populate < 0)
		return false;
	pages(p, len, s->page, true, &a, &e);
	if (madvise((void *)a, e - a, MADV_POPULATE_READ) == 0) {
		s->populate = 1;
		return true;
	}
	if (s->populate == 0 && (errno == EINVAL || errno == ENOSYS)) {
		s->populate = -1;
		return false;
	}
	return true;
}

/* LEN bytes at DATA (in buf or the mapping, unchanged until the next
 * flush) as the next piece of the output; the caller made room for one
 * more piece. */
static void
sink_piece(struct sink *s, const uint8_t *data, size_t len)
{
	struct iovec *last = s->niov > 0 ? &s->iov[s->niov - 1] : NULL;

	if (last != NULL && (const uint8_t *)last->iov_base +
	    last->iov_len == data) {
		last->iov_len += len;
	} else {
		s->iov[s->niov].iov_base = (void *)(uintptr_t)data;
		s->iov[s->niov].iov_len = len;
		s->niov++;
	}
	s->pending += len;
}

static void
progress(struct sink *s)
{
	if (s->o != NULL && s->o->progress != NULL)
		s->o->progress(s->o->progress_arg, "writing",
		    s->written + s->pending, s->total);
}

/* Copy LEN bytes at input offset OFF to the output, by the kernel when
 * it can; else from the mapping. */
static void
copy_span(struct sink *s, const uint8_t *data, size_t len)
{
	loff_t off = (loff_t)(data - s->skel->file);
	size_t left = len, step;
	ssize_t k;
	bool kernel = s->skel->fd >= 0 && s->kernel >= 0;

	while (left > 0 && s->err == 0) {
		step = left < CHUNK ? left : CHUNK;
		k = -1;
		if (kernel) {
			k = copy_file_range(s->skel->fd, &off, s->fd, NULL,
			    step, 0);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0 && errno != EXDEV && errno != EINVAL &&
			    errno != ENOSYS && errno != EOPNOTSUPP &&
			    errno != EBADF) {
				s->err = errno;
				break;
			}
			if (k == 0) {	/* the input shrank under us */
				s->err = EIO;
				break;
			}
		}
		if (k < 0) {
			kernel = false;
			s->kernel = -1;
			if (outfile_write_all(s->fd, s->skel->file + off,
			    step) < 0) {
				s->err = errno;
				break;
			}
			k = (ssize_t)step;
			off += k;
		}
		left -= (size_t)k;
		/* Start writing back what is copied, so that the fsync
		 * at the end waits for the tail only. */
		if (s->o != NULL && s->o->sync)
			sync_file_range(s->fd, (off_t)s->written, k,
			    SYNC_FILE_RANGE_WRITE);
		s->written += (uint64_t)k;
		progress(s);
	}
}

/* Copy the external data SP stands for from its file, resolved again
 * (it may have changed since it was checked). */
static void
copy_ext(struct sink *s, const struct ext_span *sp)
{
	uint64_t off, left = sp->len, step;
	bool short_read;
	int fd;

	fd = ext_span_open(s->x, sp, &off, s->why, sizeof(s->why));
	if (fd < 0) {
		s->failed = sp;
		s->err = EIO;
		return;
	}
	while (left > 0 && s->err == 0) {
		step = left < CHUNK ? left : CHUNK;
		if (ext_copy_range(fd, off, s->fd, step, &short_read) < 0) {
			if (short_read) {
				s->failed = sp;
				snprintf(s->why, sizeof(s->why), "short read: "
				    "the file changed while being read");
			}
			s->err = errno != 0 ? errno : EIO;
			break;
		}
		if (s->o != NULL && s->o->sync)
			sync_file_range(s->fd, (off_t)s->written, (off_t)step,
			    SYNC_FILE_RANGE_WRITE);
		off += step;
		left -= step;
		s->written += step;
		progress(s);
	}
	close(fd);
}

/*
 * The LEN bytes of the input at DATA as pieces of the output, a window
 * at a time (each window's pages populated, the first by the caller):
 * a flush writes at most SINK_WINDOW bytes and then lets the pages of
 * a large input go.
 */
static void
span_pieces(struct sink *s, const uint8_t *data, size_t len)
{
	bool first = true;

	while (len > 0 && s->err == 0) {
		size_t step = len < SINK_WINDOW ? len : SINK_WINDOW;

		if (s->niov == SINK_IOV || s->nspan == SINK_IOV ||
		    s->pending + step > SINK_WINDOW)
			sink_flush(s);
		if (!first)
			(void)populate(s, data, step);
		first = false;
		sink_piece(s, data, step);
		if (s->drop) {
			s->span[s->nspan].p = data;
			s->span[s->nspan].len = step;
			s->nspan++;
		}
		data += step;
		len -= step;
	}
}

static void
sink_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct sink *s = (struct sink *)b;
	const struct ext_span *sp;

	/* an empty bytes field comes with a null pointer */
	if (s->err != 0 || len == 0)
		return;
	if (s->x != NULL && (sp = ext_span_of(s->x, data, len)) != NULL) {
		sink_flush(s);
		copy_ext(s, sp);
		return;
	}
	if (len >= SKEL_MIN_SPAN && s->skel != NULL &&
	    skel_contains(s->skel, data, len)) {
		if (s->skel->fd >= 0 && s->kernel >= 0) {
			sink_flush(s);
			copy_span(s, data, len);
		} else if (populate(s, data, SINK_WINDOW < len ? SINK_WINDOW :
		    len))
			span_pieces(s, data, len);
		else if (len < SMALL_SPAN)
			span_pieces(s, data, len);
		else {
			sink_flush(s);
			copy_span(s, data, len);
		}
		return;
	}
	/* Larger data (a weight a pass made) is written from where it
	 * is: it stays put until the encoding is done. */
	if (len >= PIECE_MIN) {
		if (s->niov == SINK_IOV || s->pending + len > SINK_WINDOW)
			sink_flush(s);
		sink_piece(s, data, len);
		return;
	}
	if (len > SINK_BUF - s->n || s->niov == SINK_IOV)
		sink_flush(s);
	memcpy(s->buf + s->n, data, len);
	sink_piece(s, s->buf + s->n, len);
	s->n += len;
}

/* A sink that only compares what would be written with the input. */
struct same {
	ProtobufCBuffer base;
	const struct skel *skel;
	const struct ext_pending *x;
	size_t pos;
	bool differs;
};

static void
same_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct same *s = (struct same *)b;
	const struct skel *k = s->skel;

	if (s->differs || len == 0)
		return;
	/* external data copied in was not in the input */
	if (s->x != NULL && ext_span_of(s->x, data, len) != NULL) {
		s->differs = true;
		return;
	}
	if (len > k->file_len - s->pos ||
	    (data != k->file + s->pos &&	/* a span in place is equal */
	    memcmp(data, k->file + s->pos, len) != 0)) {
		s->differs = true;
		return;
	}
	s->pos += len;
}

/*
 * Would M's encoding be the input file itself, byte for byte?  The
 * common case for fix (no pass changed anything in a canonically encoded
 * model); then the whole file is copied as one span, by the kernel as
 * cp copies it.  Spans are compared by position, so this reads
 * only the small messages.  Not asked when a pass changed the model
 * (its encoding is then walked once, to be written).
 */
static bool
same_as_input(ProtobufCMessage *mp, const struct skel *k,
    const struct ext_pending *x, size_t size)
{
	struct same s = { { NULL }, k, x, 0, false };

	if (size != k->file_len)
		return false;
	s.base.append = same_append;
	protobuf_c_message_pack_to_buffer(mp, &s.base);
	return !s.differs && s.pos == k->file_len;
}

bool
stream_wanted(const struct ir_model *m, const char *path, bool ext_spans)
{
	struct stat st;

	if ((m->skel == NULL && !ext_spans) || strcmp(path, "-") == 0)
		return false;
	return stat(path, &st) < 0 || S_ISREG(st.st_mode);
}

/* Map the LEN bytes written to FD and decode them as the loader would. */
static int
reread(int fd, size_t len, char *why, size_t size)
{
	void *map;
	int rc;

	map = mmap(NULL, len ? len : 1, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(why, size, "%s", strerror(errno));
		return -1;
	}
	rc = skel_reread(map, len, why, size);
	munmap(map, len ? len : 1);
	return rc;
}

enum onnxfix_status
stream_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct ext_pending *x,
    struct diag_list *d)
{
	ProtobufCMessage *mp;
	struct outfile of;
	struct arena a;
	struct sink *s;
	char why[256], e[DIAG_ESCAPE_SIZE];
	size_t size;
	int saved;

	arena_init(&a, m->budget);
	mp = rebuild_model(m, &a);
	if (mp == NULL) {
		arena_release(&a);
		diag_report(d, DIAG_LOAD_BUDGET, "", "while encoding");
		return ONNXFIX_EBUDGET;
	}
	size = protobuf_c_message_get_packed_size(mp);
	if (size > 2147483647u) {
		arena_release(&a);
		diag_report(d, DIAG_OUT_ENCODE, "", "%zu bytes", size);
		return ONNXFIX_EIO;
	}
	s = malloc(sizeof(*s));
	if (s == NULL || outfile_open(&of, path) < 0) {
		saved = s != NULL ? errno : ENOMEM;
		if (s != NULL)
			outfile_abort(&of);
		free(s);
		arena_release(&a);
		diag_report(d, DIAG_OUT_WRITE, "", "%s: %s", diag_escape_str(e,
		    sizeof(e), path), strerror(saved));
		return ONNXFIX_EIO;
	}
	memset(s, 0, offsetof(struct sink, buf));
	s->base.append = sink_append;
	s->skel = m->skel;
	s->x = x;
	s->o = o;
	s->fd = of.fd;
	s->total = size;
	s->drop = m->skel != NULL && m->skel->fd >= 0 &&
	    m->skel->file_len > DROP_MIN;
	s->page = sysconf(_SC_PAGESIZE) > 0 ?
	    (uintptr_t)sysconf(_SC_PAGESIZE) : 4096;
	if (outfile_reserve(&of, size) < 0)
		s->err = errno;
	else if (m->skel != NULL && !m->changed &&
	    same_as_input(mp, m->skel, x, size)) {
		/* one span, copied as cp copies it (an input read into
		 * memory, not mapped, is written from there) */
		if (m->skel->fd < 0)
			span_pieces(s, m->skel->file, size);
		else
			copy_span(s, m->skel->file, size);
	}
	else
		protobuf_c_message_pack_to_buffer(mp, &s->base);
	sink_flush(s);
	arena_release(&a);
	saved = s->err;
	if (saved == 0 && s->written != size)
		saved = EIO;
	if (s->failed != NULL) {
		/* an external file changed or went away since the check */
		ext_span_fail(d, s->failed, s->why);
		free(s);
		outfile_abort(&of);
		return ONNXFIX_EINPUT;
	}
	free(s);
	if (saved != 0) {
		outfile_abort(&of);
		diag_report(d, DIAG_OUT_WRITE, "", "%s: %s", diag_escape_str(e,
		    sizeof(e), path), strerror(saved));
		return ONNXFIX_EIO;
	}
	/* protobuf-c can write bytes it cannot read back: re-read. */
	if (reread(of.fd, size, why, sizeof(why)) < 0) {
		outfile_abort(&of);
		diag_report(d, DIAG_OUT_REREAD, "", "%s", why);
		return ONNXFIX_EINTERNAL;
	}
	if (outfile_commit(&of, o != NULL && o->sync) < 0) {
		diag_report(d, DIAG_OUT_WRITE, "", "%s: %s", diag_escape_str(e,
		    sizeof(e), path), strerror(errno));
		return ONNXFIX_EIO;
	}
	return ONNXFIX_OK;
}
