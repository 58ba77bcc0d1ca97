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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_fail(what) do {						\
	fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__, __LINE__, what);	\
	abort();							\
} while (0)

#define fuzz_assert(cond) do {						\
	if (!(cond))							\
		fuzz_fail(#cond);					\
} while (0)

#endif
