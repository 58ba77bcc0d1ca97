/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for tests/cli.sh: with SHORT_IO=N set, every
 * write(2), writev(2) and copy_file_range(2) to a descriptor above 2
 * moves at most N bytes (writev: of its first piece only), as a kernel
 * may under signals or on some file systems.  The writer must loop until
 * everything is out; a model written under the shim must equal one
 * written without it.  With NO_POPULATE set, madvise(2) refuses
 * MADV_POPULATE_READ as a kernel before 5.14 does (EINVAL).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static size_t
cap(int fd, size_t n)
{
	const char *e = getenv("SHORT_IO");
	long k;

	if (fd <= 2 || e == NULL || (k = atol(e)) <= 0)
		return n;
	return n < (size_t)k ? n : (size_t)k;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "write");
	return real(fd, buf, cap(fd, n));
}

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	static ssize_t (*real)(int, const struct iovec *, int);
	struct iovec one;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "writev");
	if (n < 1 || cap(fd, iov[0].iov_len + 1) > iov[0].iov_len)
		return real(fd, iov, n);
	one.iov_base = iov[0].iov_base;
	one.iov_len = cap(fd, iov[0].iov_len);
	return real(fd, &one, 1);
}

ssize_t
copy_file_range(int in, off_t *inoff, int out, off_t *outoff, size_t n,
    unsigned flags)
{
	static ssize_t (*real)(int, off_t *, int, off_t *, size_t, unsigned);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "copy_file_range");
	return real(in, inoff, out, outoff, cap(out, n), flags);
}

int
madvise(void *addr, size_t len, int advice)
{
	static int (*real)(void *, size_t, int);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "madvise");
	if (advice == 22 && getenv("NO_POPULATE") != NULL) {
		errno = EINVAL;
		return -1;
	}
	return real(addr, len, advice);
}
