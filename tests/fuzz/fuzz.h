/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets: the libFuzzer entry point each defines, and
 * the failure hook.  A target that finds a broken invariant calls
 * fuzz_fail(), which aborts: libFuzzer (or the replay driver) reports the
 * input as a crasher.
 */
#ifndef ONNXFIX_FUZZ_H
#define ONNXFIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the targets that write files work: a tmpfs when there is one
 * (fsync on a busy disk took longer than the 2 s input timeout). */
static inline const char *
fuzz_tmpdir(void)
{
	return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

#define fuzz_fail(what) do {						\
	fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__, __LINE__, what);	\
	abort();							\
} while (0)

#define fuzz_assert(cond) do {						\
	if (!(cond))							\
		fuzz_fail(#cond);					\
} while (0)

#endif
