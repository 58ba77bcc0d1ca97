/* SPDX-License-Identifier: MIT */
/*
 * The memory budget: a malloc wrapper that counts live bytes per model and
 * refuses allocations past the limit.  Each block carries its size in a
 * header so that free and realloc can credit it back.
 */
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/budget.h"

#define HEADER (sizeof(max_align_t))

void
budget_init(struct budget *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

static int
charge(struct budget *b, size_t n)
{
	if (b == NULL)
		return 0;
	if (b->limit != 0 && (n > b->limit || b->used > b->limit - n)) {
		b->exceeded = true;
		return -1;
	}
	b->used += n;
	if (b->used > b->peak)
		b->peak = b->used;
	return 0;
}

/* N bytes (zeroed when ZERO) after a header holding N, charged to B. */
static void *
alloc(struct budget *b, size_t n, bool zero)
{
	unsigned char *p;

	if (n > SIZE_MAX - HEADER || charge(b, n + HEADER) < 0)
		return NULL;
	/* calloc, not malloc and memset: fresh pages from the system come
	 * zeroed, and are then neither written nor faulted in here. */
	p = zero ? calloc(1, n + HEADER) : malloc(n + HEADER);
	if (p == NULL) {
		if (b != NULL) {
			b->used -= n + HEADER;
			b->exceeded = true;
		}
		return NULL;
	}
	memcpy(p, &n, sizeof(n));
	return p + HEADER;
}

void *
budget_malloc(struct budget *b, size_t n)
{
	return alloc(b, n, false);
}

void *
budget_calloc(struct budget *b, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return alloc(b, n * size, true);
}

void
budget_free(struct budget *b, void *p)
{
	unsigned char *q;
	size_t n;

	if (p == NULL)
		return;
	q = (unsigned char *)p - HEADER;
	memcpy(&n, q, sizeof(n));
	if (b != NULL)
		b->used -= n + HEADER;
	free(q);
}

void *
budget_realloc(struct budget *b, void *p, size_t n)
{
	unsigned char *q;
	size_t old;

	if (p == NULL)
		return budget_malloc(b, n);
	q = (unsigned char *)p - HEADER;
	memcpy(&old, q, sizeof(old));
	if (n > old && charge(b, n - old) < 0)
		return NULL;
	if (n > SIZE_MAX - HEADER)
		return NULL;
	q = realloc(q, n + HEADER);
	if (q == NULL) {
		if (b != NULL && n > old)
			b->used -= n - old;
		return NULL;
	}
	if (b != NULL && n < old)
		b->used -= old - n;
	memcpy(q, &n, sizeof(n));
	return q + HEADER;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *
budget_map(struct budget *b, size_t *n)
{
	size_t len, span;
	uintptr_t p, q;
	void *m;

	if (*n > SIZE_MAX - 2 * HUGE_PAGE)
		return NULL;
	len = (*n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (charge(b, len) < 0)
		return NULL;
	/* one page more than needed, to cut an aligned run out of it */
	span = len + HUGE_PAGE;
	m = mmap(NULL, span, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		if (b != NULL) {
			b->used -= len;
			b->exceeded = true;
		}
		return NULL;
	}
	p = (uintptr_t)m;
	q = (p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (q > p)
		munmap(m, q - p);
	if (p + span > q + len)
		munmap((void *)(q + len), p + span - (q + len));
	(void)madvise((void *)q, len, MADV_HUGEPAGE);
	*n = len;
	return (void *)q;
}

void
budget_unmap(struct budget *b, void *p, size_t n)
{
	if (p == NULL)
		return;
	munmap(p, n);
	if (b != NULL)
		b->used -= n;
}
