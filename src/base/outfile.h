/* SPDX-License-Identifier: MIT */
/*
 * Output files written atomically: every file the program writes goes
 * through here.  The bytes go to a temporary file beside the target
 * (".onnxfix.XXXXXX" in the target's directory, so the rename cannot
 * cross file systems), which is renamed over the target only when
 * everything was written; a failed or abandoned write leaves nothing.
 * An existing target keeps its permission bits (less setuid, setgid and
 * sticky); a new one gets 0666 less the umask, as open(2) would give.
 * "-" is standard output, and a target that exists and is not a regular
 * file (a device, a FIFO) is written through in place: renaming over it
 * would replace it.
 *
 * Functions return 0, or -1 with errno set; after -1 the caller must
 * still call outfile_abort() (or outfile_commit(), which then fails).
 */
#ifndef ONNXFIX_OUTFILE_H
#define ONNXFIX_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct outfile {
	char *path;	/* the target, as given */
	char *tmp;	/* the temporary name; NULL when written in place */
	int fd;		/* -1 when closed */
	FILE *fp;	/* outfile_stream()'s stream, or NULL */
	mode_t mode;	/* what the target gets */
	bool std;	/* standard output */
	int err;	/* the first errno seen, 0 when none */
};

/* Start writing PATH.  0, or -1 (cannot create the temporary file). */
int outfile_open(struct outfile *f, const char *path);
/* A stdio stream over F (made on the first call); NULL when out of
 * memory.  Its errors are found by outfile_commit(). */
FILE *outfile_stream(struct outfile *f);
/* Reserve SIZE bytes for what is written next (fallocate(2) on the
 * temporary file): the file system allocates the blocks in one go
 * rather than as each page is written.  0, or -1 (ENOSPC: they will not
 * fit); a file system or target that cannot reserve is not an error. */
int outfile_reserve(struct outfile *f, uint64_t size);
/* Append N bytes.  0, or -1. */
int outfile_write(struct outfile *f, const void *buf, size_t n);
/* Append LEN bytes of the file IN from offset OFF: by the kernel
 * (copy_file_range) where it can, else read and written in 1 MiB
 * chunks.  0, or -1 (EIO when IN ends before OFF + LEN). */
int outfile_copy(struct outfile *f, int in, off_t off, size_t len);
/* Finish: flush, give the mode, fsync when SYNC, close and rename over
 * the target.  0, or -1 with nothing left behind. */
int outfile_commit(struct outfile *f, bool sync);
/* Give up: close and remove the temporary file.  Safe after commit. */
void outfile_abort(struct outfile *f);

/* write(2) until all of BUF is written (EINTR retried).  0, or -1. */
int outfile_write_all(int fd, const void *buf, size_t n);
/* The same for the N pieces of IOV, in one writev(2) when the kernel
 * takes them at once (IOV is consumed).  0, or -1 with errno set. */
struct iovec;
int outfile_writev_all(int fd, struct iovec *iov, int n);

#endif
