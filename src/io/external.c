/* SPDX-License-Identifier: MIT */
/*
 * External tensor data (see external.h): confined resolution beneath the
 * model's directory, strict parsing of the entries, verified reads, and
 * the writer behind fix --external-data.
 */
#include "io/external.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "base/budget.h"
#include "onnxfix.h"
#include "base/outfile.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* What one location resolved to, cached per directory. */
struct ext_file {
	enum ext_status st;
	uint64_t size;
	char why[96];
	const char *loc;	/* the key */
	struct ext_bad bad;	/* who named it, when it failed */
};

static bool use_openat2 = true;

void
ext_use_openat2(bool on)
{
	use_openat2 = on;
}

int
ext_dir_open(struct ext_dir *x, const char *model_path,
    const struct ext_limits *lim, struct budget *budget)
{
	char *dup;
	int saved;

	memset(x, 0, sizeof(*x));
	x->dirfd = -1;
	if (lim != NULL)
		x->lim = *lim;
	if (x->lim.max_files == 0)
		x->lim.max_files = EXT_MAX_FILES;
	arena_init(&x->arena, budget);
	hmap_init(&x->files, &x->arena);
	x->badtail = &x->bad;
	if (model_path == NULL || strcmp(model_path, "-") == 0) {
		errno = ENOENT;
		return -1;
	}
	dup = strdup(model_path);
	if (dup == NULL)
		return -1;
	x->dirfd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dup);
	errno = saved;
	return x->dirfd < 0 ? -1 : 0;
}

void
ext_dir_close(struct ext_dir *x)
{
	if (x->dirfd >= 0)
		close(x->dirfd);
	x->dirfd = -1;
	arena_release(&x->arena);
}

__attribute__((format(printf, 4, 5)))
static enum ext_status
say(enum ext_status st, char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && n > 0) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return st;
}

enum ext_status
ext_location_check(const char *loc, char *why, size_t n)
{
	const char *p, *c;
	size_t len;

	if (loc == NULL || loc[0] == '\0')
		return say(EXT_LOCATION, why, n, "empty location");
	len = strlen(loc);
	if (len > EXT_LOCATION_MAX)
		return say(EXT_LOCATION, why, n, "location of %zu bytes", len);
	if (loc[0] == '/')
		return say(EXT_LOCATION, why, n, "absolute path");
	if (strchr(loc, '\\') != NULL)
		return say(EXT_LOCATION, why, n, "backslash in path");
	if (((loc[0] >= 'A' && loc[0] <= 'Z') ||
	    (loc[0] >= 'a' && loc[0] <= 'z')) && loc[1] == ':')
		return say(EXT_LOCATION, why, n, "drive letter");
	for (p = loc;; p = c + 1) {
		c = strchr(p, '/');
		len = c != NULL ? (size_t)(c - p) : strlen(p);
		if (len == 0)
			return say(EXT_LOCATION, why, n, "empty component");
		if (len > NAME_MAX)
			return say(EXT_LOCATION, why, n,
			    "component longer than %d bytes", NAME_MAX);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return say(EXT_LOCATION, why, n,
			    "'%s' component", len == 1 ? "." : "..");
		if (c == NULL)
			break;
	}
	return EXT_OK;
}

/* Strict decimal: 1-20 digits, no sign, space or prefix, fits uint64. */
static int
decimal(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s == NULL || s[0] == '\0')
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 20)
			return -1;
		if (__builtin_mul_overflow(v, 10u, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return -1;
	}
	*out = v;
	return 0;
}

enum ext_status
ext_parse(const struct ir_meta *e, size_t n, struct ext_ref *r, char *why,
    size_t whylen)
{
	bool seen_loc = false, seen_off = false, seen_len = false;
	bool seen_sum = false, *seen;
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		const char *k = e[i].key ? e[i].key : "";
		const char *v = e[i].value ? e[i].value : "";

		if (strcmp(k, "location") == 0)
			seen = &seen_loc;
		else if (strcmp(k, "offset") == 0)
			seen = &seen_off;
		else if (strcmp(k, "length") == 0)
			seen = &seen_len;
		else if (strcmp(k, "checksum") == 0)
			seen = &seen_sum;
		else {
			if (r->nunknown++ == 0)
				r->unknown = k;
			continue;
		}
		if (*seen)
			return say(EXT_DUP_KEY, why, whylen, "key '%s' twice",
			    k);
		*seen = true;
		if (seen == &seen_loc)
			r->location = v;
		else if (seen == &seen_sum)
			r->checksum = v;
		else if (decimal(v, seen == &seen_off ? &r->offset :
		    &r->length) < 0)
			return say(EXT_NUMBER, why, whylen, "%s",
			    seen == &seen_off ? "offset" : "length");
	}
	r->has_length = seen_len;
	if (!seen_loc)
		return say(EXT_NO_LOCATION, why, whylen, "no location");
	return ext_location_check(r->location, why, whylen);
}

int
ext_tensor_bytes(const struct ir_tensor *t, uint64_t *bytes)
{
	uint64_t count;

	if (t->elem <= 0 || t->elem > IR_ELEM__MAX)
		return -1;
	if (ir_tensor_count(t, &count, NULL) < 0)
		return -1;
	return ir_elem_bytes(t->elem, count, bytes);
}

/* openat2 beneath DIRFD with no symlinks at all; -1 with errno. */
static int
open_beneath(int dirfd, const char *loc)
{
	struct open_how how;
	char comp[NAME_MAX + 1];
	const char *p, *c;
	int fd, next;
	size_t len;

	if (use_openat2) {
		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		    O_NOFOLLOW;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS;
		fd = (int)syscall(SYS_openat2, dirfd, loc, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
	}
	/* No openat2: one component at a time, never following a link.
	 * ext_location_check already refused "..", "." and "/". */
	fd = dirfd;
	for (p = loc;; p = c + 1) {
		c = strchr(p, '/');
		len = c != NULL ? (size_t)(c - p) : strlen(p);
		if (len == 0 || len > NAME_MAX ||
		    (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.')) {
			if (fd != dirfd)
				close(fd);
			errno = EXDEV;
			return -1;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		next = openat(fd, comp, c != NULL ?
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC :
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK);
		if (fd != dirfd) {
			int saved = errno;

			close(fd);
			errno = saved;
		}
		if (next < 0)
			return -1;
		fd = next;
		if (c == NULL)
			return fd;
	}
}

/* Open and fstat R's file; the cache remembers failures and sizes. */
static enum ext_status
open_checked(struct ext_dir *x, const char *loc, bool need_fd, int *fdp,
    uint64_t *size, struct ext_file **fp, char *why, size_t whylen)
{
	struct ext_file *f = hmap_get(&x->files, loc);
	struct stat st;
	char *key;
	int fd;

	*fdp = -1;
	*fp = f;
	if (x->dirfd < 0)
		return say(EXT_NO_DIR, why, whylen, "model directory unknown");
	if (f != NULL && f->st != EXT_OK)
		return say(f->st, why, whylen, "%s", f->why);
	if (f != NULL && !need_fd) {
		/* Checked before: no need to open it again only to look.
		 * Every read opens and checks the file afresh. */
		*size = f->size;
		return EXT_OK;
	}
	if (f == NULL) {
		if (x->nfiles >= x->lim.max_files)
			return say(EXT_TOO_MANY, why, whylen,
			    "more than %u files", x->lim.max_files);
		key = arena_strdup(&x->arena, loc);
		f = arena_alloc(&x->arena, sizeof(*f));
		if (key == NULL || f == NULL || hmap_put(&x->files, key, f,
		    NULL) < 0)
			return say(EXT_NOMEM, why, whylen, "out of memory");
		x->nfiles++;
		f->loc = key;
		*fp = f;
	}
	f->st = EXT_OK;
	fd = open_beneath(x->dirfd, loc);
	if (fd < 0) {
		int e = errno;

		f->st = EXT_OPEN;
		snprintf(f->why, sizeof(f->why), "%s",
		    e == ELOOP ? "a symbolic link on the path" :
		    e == EXDEV ? "resolves outside the model directory" :
		    e == ENOENT ? "no such file" :
		    e == ENOTDIR ? "a path component is not a directory" :
		    strerror(e));
		return say(f->st, why, whylen, "%s", f->why);
	}
	if (fstat(fd, &st) < 0) {
		f->st = EXT_OPEN;
		snprintf(f->why, sizeof(f->why), "%s", strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		f->st = EXT_NOT_REGULAR;
		snprintf(f->why, sizeof(f->why), "%s",
		    S_ISDIR(st.st_mode) ? "a directory" :
		    S_ISFIFO(st.st_mode) ? "a FIFO" :
		    S_ISCHR(st.st_mode) ? "a character device" :
		    S_ISBLK(st.st_mode) ? "a block device" :
		    S_ISSOCK(st.st_mode) ? "a socket" : "a special file");
	} else if (st.st_nlink > 1 && !x->lim.allow_hardlinks) {
		f->st = EXT_HARDLINK;
		snprintf(f->why, sizeof(f->why), "%ju links",
		    (uintmax_t)st.st_nlink);
	}
	if (f->st != EXT_OK) {
		close(fd);
		return say(f->st, why, whylen, "%s", f->why);
	}
	f->size = (uint64_t)st.st_size;
	*size = f->size;
	*fdp = fd;
	return EXT_OK;
}

/* ext_open, and the file's record (NULL when there is none). */
static enum ext_status
open_range(struct ext_dir *x, const struct ext_ref *r, uint64_t want,
    int *fdp, uint64_t *lenp, struct ext_file **fp, char *why,
    size_t whylen)
{
	enum ext_status st;
	uint64_t size = 0, len, end;
	int fd;

	*fp = NULL;
	if (fdp != NULL)
		*fdp = -1;
	st = ext_location_check(r->location, why, whylen);
	if (st != EXT_OK)
		return st;
	st = open_checked(x, r->location, fdp != NULL, &fd, &size, fp, why,
	    whylen);
	if (st != EXT_OK)
		return st;
	if (r->offset > size) {
		if (fd >= 0)
			close(fd);
		return say(EXT_RANGE, why, whylen, "offset %" PRIu64
		    " > file size %" PRIu64, r->offset, size);
	}
	len = r->has_length ? r->length : size - r->offset;
	if (__builtin_add_overflow(r->offset, len, &end) || end > size) {
		if (fd >= 0)
			close(fd);
		return say(EXT_RANGE, why, whylen, "offset %" PRIu64
		    " + length %" PRIu64 " > file size %" PRIu64, r->offset,
		    len, size);
	}
	if (len != want) {
		if (fd >= 0)
			close(fd);
		return say(EXT_LENGTH, why, whylen, "length %" PRIu64
		    ", dims give %" PRIu64 " bytes", len, want);
	}
	if (fdp != NULL)
		*fdp = fd;
	else if (fd >= 0)
		close(fd);
	if (lenp != NULL)
		*lenp = len;
	return EXT_OK;
}

enum ext_status
ext_open(struct ext_dir *x, const struct ext_ref *r, uint64_t want,
    int *fdp, uint64_t *lenp, char *why, size_t whylen)
{
	struct ext_file *f;

	return open_range(x, r, want, fdp, lenp, &f, why, whylen);
}

enum ext_status
ext_resolve(struct ext_dir *x, const struct ir_tensor *t, const char *where,
    struct ext_ref *r, int *fdp, uint64_t *lenp, char *why, size_t whylen)
{
	struct ext_file *f;
	enum ext_status st;
	uint64_t want;

	if (fdp != NULL)
		*fdp = -1;
	st = ext_parse(t->ext, t->next, r, why, whylen);
	if (st != EXT_OK)
		return st;
	if (ext_tensor_bytes(t, &want) < 0)
		return say(EXT_TYPE, why, whylen, "%s",
		    t->elem == IR_ELEM_STRING ? "string" :
		    t->elem <= 0 || t->elem > IR_ELEM__MAX ? "data_type" :
		    ir_elem_bits(t->elem) == 0 ? "data_type" : "dims");
	st = open_range(x, r, want, fdp, lenp, &f, why, whylen);
	if (!ext_file_level(st) || f == NULL)
		return st;
	/* The file's problem, not this tensor's: once per file, with
	 * the number of tensors naming it. */
	if (f->bad.nrefs++ == 0) {
		f->bad.location = f->loc;
		f->bad.st = f->st;
		f->bad.why = f->why;
		f->bad.tensor = t->name;
		f->bad.where = arena_strdup(&x->arena, where ? where : "");
		if (f->bad.where == NULL)
			f->bad.where = "";
		*x->badtail = &f->bad;
		x->badtail = &f->bad.next;
	}
	return st;
}

enum ext_status
ext_open_file(struct ext_dir *x, const char *loc, int *fdp, uint64_t *size,
    char *why, size_t whylen)
{
	struct ext_file *f;
	enum ext_status st;

	*fdp = -1;
	st = ext_location_check(loc, why, whylen);
	if (st != EXT_OK)
		return st;
	return open_checked(x, loc, true, fdp, size, &f, why, whylen);
}

const struct ext_bad *
ext_bad_files(const struct ext_dir *x)
{
	return x->bad;
}

/* Read exactly N bytes at OFF; -1 on error or a short read. */
static int
pread_all(int fd, void *buf, uint64_t n, uint64_t off)
{
	uint8_t *p = buf;

	while (n > 0) {
		size_t chunk = n > (1u << 30) ? (1u << 30) : (size_t)n;
		ssize_t k = pread(fd, p, chunk, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (uint64_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

enum ext_status
ext_read(struct ext_dir *x, const struct ext_ref *r, uint64_t want,
    void *buf, char *why, size_t whylen)
{
	enum ext_status st;
	uint64_t len;
	int fd;

	st = ext_open(x, r, want, &fd, &len, why, whylen);
	if (st != EXT_OK)
		return st;
	if (pread_all(fd, buf, len, r->offset) < 0) {
		close(fd);
		return say(EXT_READ, why, whylen, "short read: the file "
		    "changed while being read");
	}
	close(fd);
	return EXT_OK;
}

/* ---- copying ------------------------------------------------------- */

int
ext_copy_range(int in, uint64_t off, int out, uint64_t n, bool *short_read)
{
	static uint8_t buf[1 << 16];
	bool kernel = true;

	*short_read = false;
	while (n > 0) {
		size_t step = n > (1u << 30) ? (1u << 30) : (size_t)n;
		ssize_t k = -1;

		if (kernel) {
			loff_t o = (loff_t)off;

			k = copy_file_range(in, &o, out, NULL, step, 0);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0 && errno != EXDEV && errno != EINVAL &&
			    errno != ENOSYS && errno != EOPNOTSUPP &&
			    errno != EBADF)
				return -1;
			if (k == 0) {	/* the file ended early */
				*short_read = true;
				errno = EIO;
				return -1;
			}
			if (k < 0)	/* no in-kernel copy here */
				kernel = false;
		}
		if (k < 0) {
			if (step > sizeof(buf))
				step = sizeof(buf);
			k = pread(in, buf, step, (off_t)off);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				*short_read = k == 0;
				if (k == 0)
					errno = EIO;
				return -1;
			}
			if (outfile_write_all(out, buf, (size_t)k) < 0)
				return -1;
		}
		off += (uint64_t)k;
		n -= (uint64_t)k;
	}
	return 0;
}

/* ---- writing ------------------------------------------------------- */

int
ext_make_temp(int dirfd, char *name, size_t n)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[12];
	mode_t mask;
	int tries, fd, i;

	if (n < 22) {
		errno = EINVAL;
		return -1;
	}
	mask = umask(0);
	umask(mask);
	for (tries = 0; tries < 100; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		snprintf(name, n, ".onnxfix.");
		for (i = 0; i < 12; i++)
			name[9 + i] = set[rnd[i] % (sizeof(set) - 1)];
		name[21] = '\0';
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0666 & ~mask);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}
