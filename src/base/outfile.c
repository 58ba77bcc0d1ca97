/* SPDX-License-Identifier: MIT */
/*
 * Atomic output files (outfile.h): temporary file beside the target,
 * write or kernel copy, optional fsync, rename (or exchange and unlink);
 * nothing left on failure.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/outfile.h"

#define COPY_CHUNK (1u << 20)

int
outfile_write_all(int fd, const void *buf, size_t n)
{
	struct iovec one = { (void *)(uintptr_t)buf, n };

	return outfile_writev_all(fd, &one, 1);
}

int
outfile_writev_all(int fd, struct iovec *iov, int n)
{
	for (;;) {
		ssize_t k;
		size_t left;

		/* an empty piece writes nothing (and a writev of nothing
		 * returns 0, which is no error) */
		while (n > 0 && iov->iov_len == 0) {
			iov++;
			n--;
		}
		if (n == 0)
			return 0;
		k = writev(fd, iov, n > IOV_MAX ? IOV_MAX : n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		/* past the pieces written whole, into the one cut short */
		left = (size_t)k;
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
}

/* Record the first error and return -1. */
static int
failed(struct outfile *f)
{
	if (f->err == 0)
		f->err = errno != 0 ? errno : EIO;
	errno = f->err;
	return -1;
}

int
outfile_open(struct outfile *f, const char *path)
{
	struct stat st;
	char *dup;
	mode_t mask;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if ((f->path = strdup(path)) == NULL)
		return failed(f);
	if (strcmp(path, "-") == 0) {
		/* what stdio holds goes first */
		f->std = true;
		f->fd = STDOUT_FILENO;
		return fflush(stdout) == 0 ? 0 : failed(f);
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		f->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		return f->fd < 0 ? failed(f) : 0;
	}
	if (stat(path, &st) == 0) {
		f->mode = st.st_mode & 0777;
	} else {
		mask = umask(0);
		umask(mask);
		f->mode = 0666 & ~mask;
	}
	if ((dup = strdup(path)) == NULL)
		return failed(f);
	if (asprintf(&f->tmp, "%s/.onnxfix.XXXXXX", dirname(dup)) < 0) {
		f->tmp = NULL;
		free(dup);
		return failed(f);
	}
	free(dup);
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0) {
		free(f->tmp);
		f->tmp = NULL;
		return failed(f);
	}
	return 0;
}

FILE *
outfile_stream(struct outfile *f)
{
	if (f->fp != NULL)
		return f->fp;
	if (f->std)
		return f->fp = stdout;
	if (f->fd < 0)
		return NULL;
	return f->fp = fdopen(f->fd, "w");
}

/* Push what the stream holds to the file descriptor. */
static int
flush(struct outfile *f)
{
	if (f->fp != NULL && (fflush(f->fp) != 0 || ferror(f->fp)))
		return failed(f);
	return 0;
}

int
outfile_reserve(struct outfile *f, uint64_t size)
{
	if (f->tmp == NULL || f->fd < 0 || size == 0 || size > INT64_MAX)
		return 0;
	if (fallocate(f->fd, 0, 0, (off_t)size) == 0)
		return 0;
	if (errno == ENOSPC)
		return failed(f);
	return 0;
}

int
outfile_write(struct outfile *f, const void *buf, size_t n)
{
	if (f->err != 0 || f->fd < 0 || flush(f) < 0)
		return failed(f);
	if (outfile_write_all(f->fd, buf, n) < 0)
		return failed(f);
	return 0;
}

int
outfile_copy(struct outfile *f, int in, off_t off, size_t len)
{
	uint8_t *buf = NULL;
	loff_t from = off;

	if (f->err != 0 || f->fd < 0 || flush(f) < 0)
		return failed(f);
	while (len > 0) {
		ssize_t k = copy_file_range(in, &from, f->fd, NULL,
		    len > (1u << 30) ? (1u << 30) : len, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len -= (size_t)k;
	}
	/* Not by the kernel (another file system, a pipe, an old
	 * kernel): by hand. */
	while (len > 0) {
		size_t want = len < COPY_CHUNK ? len : COPY_CHUNK;
		ssize_t k;

		if (buf == NULL && (buf = malloc(COPY_CHUNK)) == NULL)
			return failed(f);
		k = pread(in, buf, want, from);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || outfile_write_all(f->fd, buf, (size_t)k) < 0) {
			if (k == 0)
				errno = EIO;
			free(buf);
			return failed(f);
		}
		from += k;
		len -= (size_t)k;
	}
	free(buf);
	return 0;
}

/*
 * Rename the temporary file over the target.  Without SYNC, an existing
 * regular file is swapped out (RENAME_EXCHANGE) and then unlinked: ext4
 * writes a new file's data back before a rename that replaces another
 * file returns (auto_da_alloc), which would make every overwrite cost a
 * disk write, while the exchange is as atomic for readers (they see the
 * old file or the new one) and leaves the write-back to the kernel, as
 * the first write of the target does.  Where the file system cannot
 * exchange, a plain rename.
 */
static int
put_in_place(struct outfile *f, bool sync)
{
	struct stat st;

	if (!sync && lstat(f->path, &st) == 0 && S_ISREG(st.st_mode) &&
	    renameat2(AT_FDCWD, f->tmp, AT_FDCWD, f->path,
	    RENAME_EXCHANGE) == 0) {
		/* the temporary name holds the old file now */
		(void)unlink(f->tmp);
		return 0;
	}
	return rename(f->tmp, f->path);
}

int
outfile_commit(struct outfile *f, bool sync)
{
	int rc = 0;

	if (flush(f) < 0)
		rc = -1;
	if (f->std) {
		if (f->fp == NULL && (fflush(stdout) != 0 || ferror(stdout)))
			rc = failed(f);
		f->fp = NULL;
		f->fd = -1;
		if (rc == 0 && f->err != 0)
			rc = failed(f);
		outfile_abort(f);
		return rc;
	}
	if (rc == 0 && f->err != 0)
		rc = failed(f);
	if (rc == 0 && f->tmp != NULL && fchmod(f->fd, f->mode) < 0)
		rc = failed(f);
	if (rc == 0 && sync && fsync(f->fd) < 0)
		rc = failed(f);
	if (f->fp != NULL) {
		if (fclose(f->fp) != 0 && rc == 0)
			rc = failed(f);
		f->fp = NULL;
		f->fd = -1;
	} else if (f->fd >= 0) {
		if (close(f->fd) < 0 && rc == 0)
			rc = failed(f);
		f->fd = -1;
	}
	if (rc == 0 && f->tmp != NULL && put_in_place(f, sync) < 0)
		rc = failed(f);
	if (rc == 0 && f->tmp != NULL) {
		free(f->tmp);
		f->tmp = NULL;
	}
	outfile_abort(f);
	if (rc < 0)
		errno = f->err;
	return rc;
}

void
outfile_abort(struct outfile *f)
{
	int saved = errno;

	if (f->fp != NULL && !f->std)
		fclose(f->fp);
	else if (f->fd >= 0 && !f->std)
		close(f->fd);
	f->fp = NULL;
	f->fd = -1;
	if (f->tmp != NULL) {
		unlink(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
	}
	free(f->path);
	f->path = NULL;
	errno = saved;
}
