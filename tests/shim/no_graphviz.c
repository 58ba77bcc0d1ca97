/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for tests/cli.sh: a machine without Graphviz.
 * dlopen(3) of any libgvc looks for it in a directory that does not
 * exist, so the loader fails as it would with the package removed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

void *
dlopen(const char *name, int flags)
{
	static void *(*real)(const char *, int);
	char path[512];

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "dlopen");
	if (name != NULL && strstr(name, "libgvc") != NULL) {
		snprintf(path, sizeof(path), "/nonexistent/%s", name);
		return real(path, flags);
	}
	return real(name, flags);
}
