/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for tests/cli.sh: a process other than the one the
 * shim was loaded into (that is, a forked worker of `onnxfix check -j`)
 * that opens a file whose name ends in $DIE_ON_OPEN is killed by SIGKILL,
 * as a worker would be by the kernel's OOM killer or a crash.  The
 * parent and every other file are left alone.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static pid_t first_pid;

__attribute__((constructor)) static void
remember(void)
{
	first_pid = getpid();
}

static void
maybe_die(const char *path)
{
	const char *suffix = getenv("DIE_ON_OPEN");
	size_t n, k;

	if (suffix == NULL || path == NULL || getpid() == first_pid)
		return;
	n = strlen(path);
	k = strlen(suffix);
	if (k > 0 && n >= k && strcmp(path + n - k, suffix) == 0)
		kill(getpid(), SIGKILL);
}

/* Die or call the real NAME ("open" or "open64"). */
static int
pass_on(const char *name, const char *path, int flags, mode_t mode)
{
	int (*real)(const char *, int, ...);

	maybe_die(path);
	*(void **)&real = dlsym(RTLD_NEXT, name);
	return real(path, flags, mode);
}

#define OPEN_MODE(flags, mode) do {					\
	va_list ap;							\
									\
	if ((flags) & (O_CREAT | O_TMPFILE)) {				\
		va_start(ap, flags);					\
		(mode) = (mode_t)va_arg(ap, int);			\
		va_end(ap);						\
	}								\
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return pass_on("open", path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	OPEN_MODE(flags, mode);
	return pass_on("open64", path, flags, mode);
}
