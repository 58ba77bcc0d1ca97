/* SPDX-License-Identifier: MIT */
/*
 * The replay driver: runs a fuzz target's LLVMFuzzerTestOneInput over
 * files and directories of inputs, without libFuzzer or clang, so that
 * make check (gcc, valgrind) replays the committed corpus and every past
 * crasher.  A broken invariant aborts; the last line printed names the
 * input.  Prints "NAME: N passed, 0 failed" at the end.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

static int
one(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *fp;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	fp = fopen(path, "rb");
	if (fp == NULL)
		return 0;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL ||
	    fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		fclose(fp);
		free(buf);
		return 0;
	}
	fclose(fp);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(buf, (size_t)st.st_size);
	free(buf);
	return 1;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *name = "replay";
	int i, n = 0, out = dup(1);	/* a target may redirect stdout */

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;
		char **v = NULL;
		size_t nv = 0, k;

		if (strncmp(argv[i], "--name=", 7) == 0) {
			name = argv[i] + 7;
			continue;
		}
		if (stat(argv[i], &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			n += one(argv[i]);
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			char **nvv;

			if (de->d_name[0] == '.')
				continue;
			nvv = realloc(v, (nv + 1) * sizeof(*v));
			if (nvv == NULL)
				break;
			v = nvv;
			if (asprintf(&v[nv], "%s/%s", argv[i], de->d_name) < 0)
				break;
			nv++;
		}
		closedir(d);
		qsort(v, nv, sizeof(*v), cmp);
		for (k = 0; k < nv; k++) {
			n += one(v[k]);
			free(v[k]);
		}
		free(v);
	}
	fprintf(stderr, "\n");
	fflush(stdout);
	dprintf(out >= 0 ? out : 1, "%s: %d passed, 0 failed\n", name, n);
	return 0;
}
