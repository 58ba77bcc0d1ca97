/* SPDX-License-Identifier: MIT */
/*
 * The memory budget.  Every allocation made on behalf of one model (the
 * protobuf-c unpack through its allocator hook, the IR arena, pass scratch)
 * is charged here; past the limit allocation fails and the failure surfaces
 * as ONNXFIX_EBUDGET, a documented exit, instead of the OOM killer.
 */
#ifndef ONNXFIX_BUDGET_H
#define ONNXFIX_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

struct budget {
	size_t limit;		/* 0: unlimited */
	size_t used;
	size_t peak;
	bool exceeded;		/* set once an allocation was refused */
};

void budget_init(struct budget *b, size_t limit);
/* malloc/calloc/realloc/free that charge B; B may be NULL. */
void *budget_malloc(struct budget *b, size_t n);
void *budget_calloc(struct budget *b, size_t n, size_t size);
void *budget_realloc(struct budget *b, void *p, size_t n);
void budget_free(struct budget *b, void *p);
/*
 * *N (rounded up to whole 2 MiB pages, *N updated) zeroed bytes straight
 * from the kernel, aligned to 2 MiB and advised into huge pages, charged
 * to B: large arena blocks, so that every page of them is a huge one.
 * Give back with budget_unmap(B, P, *N).
 */
void *budget_map(struct budget *b, size_t *n);
void budget_unmap(struct budget *b, void *p, size_t n);

#endif
