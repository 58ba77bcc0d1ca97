/* SPDX-License-Identifier: MIT */
/*
 * The external-data writer: with --external-data, tensors written into
 * one data file beside the output (temporary name, aligned, published
 * after the model); without it, external tensors copied into the model
 * by range as it is written, or their files copied along to another
 * output directory.  Every reference is resolved and confined by
 * src/io/external.c before a byte is read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/budget.h"
#include "base/outfile.h"
#include "onnxfix.h"
#include "io/extwrite.h"
#include "io/xdata.h"

struct saver {
	struct ir_model *m;
	const struct onnxfix_options *o;
	struct diag_list *d;
	struct ext_pending *p;
	int out;		/* data file descriptor, or -1 */
	uint64_t pos;		/* its size so far */
	const char *name;	/* its final name */
	int rc;			/* what the last walk's callback gave */
	/* the first reference that failed */
	enum ext_status st;
	const char *tensor, *loc;
	char why[160];
	uint64_t total;		/* bytes of the IR's external tensors */
	bool unmodelled;	/* an external tensor the IR does not model */
	size_t capspans;
	const char **keep;	/* locations written as they were, once */
	size_t nkeep, capkeep;
	struct hmap kept;
};

static int
fail_ext(struct saver *S, const char *tensor, const char *loc,
    const char *why)
{
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];

	diag_report(S->d, DIAG_LOAD_EXTERNAL, "",
	    "tensor '%s' location '%s': %s",
	    diag_escape_str(b, sizeof(b), tensor),
	    diag_escape_str(c, sizeof(c), loc ? loc : ""), why);
	return ONNXFIX_EINPUT;
}

/* New external entries for T: location NAME at OFF, LEN bytes. */
static int
set_external(struct saver *S, struct ir_tensor *t, uint64_t off,
    uint64_t len)
{
	struct ir_meta *e = arena_array(&S->m->arena, 3, sizeof(*e));

	if (e == NULL)
		return -1;
	e[0].key = "location";
	e[0].value = S->name;
	e[1].key = "offset";
	e[1].value = arena_printf(&S->m->arena, "%" PRIu64, off);
	e[2].key = "length";
	e[2].value = arena_printf(&S->m->arena, "%" PRIu64, len);
	if (e[1].value == NULL || e[2].value == NULL)
		return -1;
	t->storage = IR_DATA_EXTERNAL;
	t->ext = e;
	t->next = 3;
	t->data = NULL;
	t->size = 0;
	t->nfields = 0;
	t->dirty = true;
	return 0;
}

static int
pad(struct saver *S)
{
	static const uint8_t zero[EXT_ALIGN];
	uint64_t r = S->pos % EXT_ALIGN;

	if (r == 0)
		return 0;
	if (outfile_write_all(S->out, zero, EXT_ALIGN - r) < 0)
		return -1;
	S->pos += EXT_ALIGN - r;
	return 0;
}

/* T (external, LEN bytes) goes into the model as a span: its bytes are
 * copied from its file while the model is written. */
static int
add_span(struct saver *S, struct ir_tensor *t, struct ir_attr *a,
    uint64_t len)
{
	struct ext_pending *p = S->p;
	struct ext_span *s;

	if (len > SIZE_MAX || arena_grow(&p->in.arena, (void **)&p->spans,
	    &S->capspans, p->nspans + 1, sizeof(*p->spans)) < 0) {
		diag_report(S->d, DIAG_LOAD_BUDGET, "", "external data");
		return ONNXFIX_EBUDGET;
	}
	s = &p->spans[p->nspans++];
	s->t = t;
	s->attr = a;
	s->orig = *t;
	s->attr_dirty = a != NULL && a->dirty;
	s->len = len;
	return ONNXFIX_OK;
}

/* T's location stays in the output: its file goes along. */
static int
keep_ref(struct saver *S, const struct ir_tensor *t)
{
	struct ext_ref r;

	/* resolved before: the entries parse */
	if (ext_parse(t->ext, t->next, &r, NULL, 0) != EXT_OK)
		return fail_ext(S, t->name, r.location, "changed");
	switch (hmap_put(&S->kept, r.location, (void *)r.location, NULL)) {
	case 0:
		return ONNXFIX_OK;	/* named before */
	case -1:
		break;
	default:
		if (arena_grow(&S->p->in.arena, (void **)&S->keep,
		    &S->capkeep, S->nkeep + 1, sizeof(*S->keep)) < 0)
			break;
		S->keep[S->nkeep++] = r.location;
		return ONNXFIX_OK;
	}
	diag_report(S->d, DIAG_LOAD_BUDGET, "", "external data");
	return ONNXFIX_EBUDGET;
}

/* --external-data: T (the IR's own) into the data file. */
static int
one_tensor(struct saver *S, struct ir_tensor *t, struct ir_attr *a)
{
	char why[160];
	struct ext_ref r;
	enum ext_status st;
	uint64_t want, len;
	bool short_read;
	int fd;

	if (t->storage != IR_DATA_EXTERNAL) {
		if (t->storage != IR_DATA_RAW ||
		    t->size < S->o->size_threshold || t->size == 0)
			return ONNXFIX_OK;
		len = t->size;	/* set_external clears it */
		if (pad(S) < 0 || outfile_write_all(S->out, t->data, len) < 0)
			goto io;
		if (set_external(S, t, S->pos, len) < 0)
			goto mem;
		if (a != NULL)
			a->dirty = true;
		S->pos += len;
		return ONNXFIX_OK;
	}
	/* resolved before: its size is known */
	if (ext_tensor_bytes(t, &want) < 0)
		return fail_ext(S, t->name, NULL, "no fixed size");
	if (want < S->o->size_threshold || want == 0)
		return add_span(S, t, a, want);
	st = ext_resolve(&S->p->in, t, NULL, &r, &fd, &len, why, sizeof(why));
	if (st != EXT_OK)
		return fail_ext(S, t->name, r.location, why);
	if (pad(S) < 0) {
		close(fd);
		goto io;
	}
	if (ext_copy_range(fd, r.offset, S->out, len, &short_read) < 0) {
		close(fd);
		if (short_read)
			return fail_ext(S, t->name, r.location,
			    "short read: the file changed while being read");
		goto io;
	}
	close(fd);
	if (set_external(S, t, S->pos, len) < 0)
		goto mem;
	if (a != NULL)
		a->dirty = true;
	S->pos += len;
	return ONNXFIX_OK;
io:
	diag_report(S->d, DIAG_OUT_WRITE, "", "external data: %s",
	    strerror(errno));
	return ONNXFIX_EIO;
mem:
	diag_report(S->d, DIAG_LOAD_BUDGET, "", "external data");
	return ONNXFIX_EBUDGET;
}

/* Every external reference, resolved: the first failure is kept, and
 * the walk goes on while it is a file's (to count who names it). */
static int
verify_one(void *arg, const struct xdata_ref *ref)
{
	struct saver *S = arg;
	struct ext_ref r;
	enum ext_status st;
	uint64_t len = 0;
	char why[160];

	if (ref->t->storage != IR_DATA_EXTERNAL)
		return 0;	/* entries on other data are never followed */
	st = ext_resolve(&S->p->in, ref->t, NULL, &r, NULL, &len, why,
	    sizeof(why));
	if (st != EXT_OK) {
		if (S->st == EXT_OK) {
			S->st = st;
			S->tensor = ref->t->name;
			S->loc = r.location;
			snprintf(S->why, sizeof(S->why), "%s", why);
		}
		return !ext_file_level(S->st);
	}
	if (!ref->modelled)
		S->unmodelled = true;
	else if (len > UINT64_MAX - S->total)
		S->total = UINT64_MAX;
	else
		S->total += len;
	return 0;
}

static int
write_one(void *arg, const struct xdata_ref *ref)
{
	struct saver *S = arg;

	if (ref->modelled)
		S->rc = one_tensor(S, ref->t, ref->attr);
	else if (ref->t->storage == IR_DATA_EXTERNAL)
		S->rc = keep_ref(S, ref->t);
	return S->rc != ONNXFIX_OK;
}

static int
inline_one(void *arg, const struct xdata_ref *ref)
{
	struct saver *S = arg;
	uint64_t len;

	if (ref->t->storage != IR_DATA_EXTERNAL)
		return 0;
	if (ext_tensor_bytes(ref->t, &len) < 0)	/* resolved before */
		S->rc = fail_ext(S, ref->t->name, NULL, "no fixed size");
	else
		S->rc = add_span(S, ref->t, ref->attr, len);
	return S->rc != ONNXFIX_OK;
}

static int
keep_one(void *arg, const struct xdata_ref *ref)
{
	struct saver *S = arg;

	if (ref->t->storage == IR_DATA_EXTERNAL)
		S->rc = keep_ref(S, ref->t);
	return S->rc != ONNXFIX_OK;
}

/* Point every span's tensor at its record (see struct ext_span). */
static void
arm(struct ext_pending *p)
{
	size_t i;

	for (i = 0; i < p->nspans; i++) {
		struct ext_span *s = &p->spans[i];
		struct ir_tensor *t = s->t;

		t->storage = IR_DATA_RAW;
		t->data = (const uint8_t *)s;
		t->size = (size_t)s->len;
		t->nfields = 1;
		t->ext = NULL;
		t->next = 0;
		t->dirty = true;
		if (s->attr != NULL)
			s->attr->dirty = true;
	}
	p->armed = true;
}

/* Give the tensors back their fields and drop the input directory. */
static void
release_in(struct ext_pending *p)
{
	size_t i;

	if (p->armed)
		for (i = p->nspans; i-- > 0;) {
			*p->spans[i].t = p->spans[i].orig;
			if (p->spans[i].attr != NULL)
				p->spans[i].attr->dirty =
				    p->spans[i].attr_dirty;
		}
	p->armed = false;
	p->spans = NULL;
	p->nspans = 0;
	if (p->in_open)
		ext_dir_close(&p->in);
	p->in_open = false;
}

/* A plain file name: one component, not "." or "..", not hidden temp. */
static bool
plain_name(const char *s)
{
	return s[0] != '\0' && strchr(s, '/') == NULL &&
	    strcmp(s, ".") != 0 && strcmp(s, "..") != 0 &&
	    strlen(s) <= NAME_MAX && strncmp(s, ".onnxfix.", 9) != 0;
}

/* --external-data: the data file's temporary beside PATH. */
static int
open_data_file(struct saver *S, const char *path)
{
	const struct onnxfix_options *o = S->o;
	struct ext_pending *p = S->p;
	char b[DIAG_ESCAPE_SIZE], *dup, *base;

	if (strcmp(path, "-") == 0 || !plain_name(o->external_data)) {
		diag_report(S->d, DIAG_OUT_WRITE, "", "--external-data '%s': "
		    "give a plain file name, written beside the output model",
		    diag_escape_str(b, sizeof(b), o->external_data));
		return ONNXFIX_EIO;
	}
	dup = strdup(path);
	if (dup == NULL) {
		diag_report(S->d, DIAG_LOAD_BUDGET, "", "external data");
		return ONNXFIX_EBUDGET;
	}
	base = basename(dup);
	if (strcmp(base, o->external_data) == 0) {
		free(dup);
		diag_report(S->d, DIAG_OUT_WRITE, "", "--external-data "
		    "names the output model itself");
		return ONNXFIX_EIO;
	}
	strcpy(dup, path);
	p->dirfd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dup);
	if (p->dirfd >= 0)
		S->out = ext_make_temp(p->dirfd, p->tmp, sizeof(p->tmp));
	if (p->dirfd < 0 || S->out < 0) {
		diag_report(S->d, DIAG_OUT_WRITE, "", "external data: %s",
		    strerror(errno));
		if (p->dirfd >= 0)
			close(p->dirfd);
		p->dirfd = -1;
		return ONNXFIX_EIO;
	}
	p->name = o->external_data;
	S->name = o->external_data;
	return ONNXFIX_OK;
}

int
ext_prepare_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct diag_list *d,
    struct ext_pending *p)
{
	struct ext_limits lim = { o->max_external_files, o->allow_hardlinks };
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];
	const struct ext_bad *bad;
	struct saver S;
	uint64_t room;
	size_t i;
	int w, rc = ONNXFIX_OK;

	memset(p, 0, sizeof(*p));
	p->dirfd = -1;
	memset(&S, 0, sizeof(S));
	S.m = m;
	S.o = o;
	S.d = d;
	S.p = p;
	S.out = -1;
	(void)ext_dir_open(&p->in, m->path, &lim, m->budget);
	p->in_open = true;
	hmap_init(&S.kept, &p->in.arena);
	/* Every reference first, wherever it is: nothing is written when
	 * one fails. */
	if ((w = xdata_walk(m, XDATA_LIVE, verify_one, &S)) < 0)
		goto mem;
	if (S.st != EXT_OK) {
		bad = ext_bad_files(&p->in);
		if (ext_file_level(S.st) && bad != NULL && bad->nrefs > 1)
			diag_report(d, DIAG_LOAD_EXTERNAL, "", "location '%s': "
			    "%s; %" PRIu64 " tensors use it, the first '%s'",
			    diag_escape_str(b, sizeof(b), bad->location),
			    bad->why, bad->nrefs,
			    diag_escape_str(c, sizeof(c), bad->tensor));
		else
			fail_ext(&S, S.tensor, S.loc, S.why);
		rc = ONNXFIX_EINPUT;
		goto out;
	}
	if (o->external_data != NULL) {
		if ((rc = open_data_file(&S, path)) != ONNXFIX_OK)
			goto out;
		w = xdata_walk(m, XDATA_LIVE | XDATA_ALL, write_one, &S);
	} else {
		/* Back into the model when it then fits in one protobuf
		 * and the writer can rewrite every external tensor; else
		 * the references stay, and their files go along. */
		room = 2147483647u - (m->file_size < 2147483647u ?
		    m->file_size : 2147483647u);
		w = xdata_walk(m, XDATA_LIVE, !S.unmodelled &&
		    S.total <= room ? inline_one : keep_one, &S);
	}
	if (w < 0)
		goto mem;
	rc = S.rc;
	if (rc == ONNXFIX_OK && S.out >= 0 && o->sync && fsync(S.out) < 0) {
		diag_report(d, DIAG_OUT_WRITE, "", "external data: %s",
		    strerror(errno));
		rc = ONNXFIX_EIO;
	}
	if (S.out >= 0 && close(S.out) < 0 && rc == ONNXFIX_OK) {
		diag_report(d, DIAG_OUT_WRITE, "", "external data: %s",
		    strerror(errno));
		rc = ONNXFIX_EIO;
	}
	S.out = -1;
	for (i = 0; rc == ONNXFIX_OK && o->external_data != NULL &&
	    i < S.nkeep; i++)
		if (strcmp(S.keep[i], o->external_data) == 0) {
			/* the new file would replace the one they name */
			diag_report(d, DIAG_OUT_WRITE, "", "--external-data "
			    "'%s' is also the file of tensors written as "
			    "they are", diag_escape_str(b, sizeof(b),
			    o->external_data));
			rc = ONNXFIX_EIO;
		}
	if (rc == ONNXFIX_OK && S.nkeep > 0)
		rc = xdata_copy(&p->in, S.keep, S.nkeep, path, o, d);
	goto out;
mem:
	diag_report(d, DIAG_LOAD_BUDGET, "", "external data");
	rc = ONNXFIX_EBUDGET;
out:
	if (S.out >= 0)
		close(S.out);
	if (rc != ONNXFIX_OK)
		ext_abandon(p);
	else
		arm(p);
	return rc;
}

const struct ext_span *
ext_span_of(const struct ext_pending *p, const void *data, size_t len)
{
	uintptr_t a = (uintptr_t)data, b = (uintptr_t)p->spans;
	const struct ext_span *s;

	if (!p->armed || p->nspans == 0 || a < b ||
	    a - b >= p->nspans * sizeof(*p->spans) ||
	    (a - b) % sizeof(*p->spans) != 0)
		return NULL;
	s = &p->spans[(a - b) / sizeof(*p->spans)];
	return s->len == len ? s : NULL;
}

int
ext_span_open(struct ext_pending *p, const struct ext_span *s,
    uint64_t *off, char *why, size_t whylen)
{
	struct ext_ref r;
	enum ext_status st;
	uint64_t len;
	int fd;

	st = ext_resolve(&p->in, &s->orig, NULL, &r, &fd, &len, why, whylen);
	if (st != EXT_OK)
		return -1;
	if (len != s->len) {
		close(fd);
		snprintf(why, whylen, "the file changed");
		return -1;
	}
	*off = r.offset;
	return fd;
}

void
ext_span_fail(struct diag_list *d, const struct ext_span *s,
    const char *why)
{
	char b[DIAG_ESCAPE_SIZE], c[DIAG_ESCAPE_SIZE];
	struct ext_ref r;

	(void)ext_parse(s->orig.ext, s->orig.next, &r, NULL, 0);
	diag_report(d, DIAG_LOAD_EXTERNAL, "", "tensor '%s' location '%s': "
	    "%s", diag_escape_str(b, sizeof(b), s->orig.name),
	    diag_escape_str(c, sizeof(c), r.location ? r.location : ""),
	    why);
}

int
ext_publish(struct ext_pending *p, struct diag_list *d)
{
	if (p->dirfd < 0)
		return 0;
	if (renameat(p->dirfd, p->tmp, p->dirfd, p->name) < 0) {
		diag_report(d, DIAG_OUT_WRITE, "", "external data: %s",
		    strerror(errno));
		ext_abandon(p);
		return -1;
	}
	p->published = true;
	return 0;
}

void
ext_finish(struct ext_pending *p)
{
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->dirfd = -1;
	release_in(p);
}

void
ext_abandon(struct ext_pending *p)
{
	if (p->dirfd >= 0) {
		unlinkat(p->dirfd, p->published ? p->name : p->tmp, 0);
		close(p->dirfd);
	}
	p->dirfd = -1;
	release_in(p);
}
