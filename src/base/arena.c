/* SPDX-License-Identifier: MIT */
/*
 * Bump allocation in blocks of growing size, charged to the model's
 * budget.  Freed all at once.  Blocks come zeroed from calloc (fresh
 * pages need no clearing), so an allocation costs no memset.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/budget.h"

#define ALIGN (sizeof(max_align_t))
#define MIN_BLOCK (64 * 1024)
#define HDR ARENA_HDR
#define MAPPED 2		/* arena_block.own: from budget_map */
#define HUGE_MIN ((size_t)256 << 10)	/* blocks from here on: huge pages */

void
arena_init(struct arena *a, struct budget *budget)
{
	a->head = NULL;
	a->budget = budget;
	a->total = 0;
}

void
arena_release(struct arena *a)
{
	arena_reset(a, 0);	/* no block is that small */
}

void
arena_reset(struct arena *a, size_t keep)
{
	struct arena_block *b, *next, *best = NULL;

	for (b = a->head; b != NULL; b = b->next)
		if (b->own != 1 && b->size <= keep &&
		    (best == NULL || b->size > best->size))
			best = b;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		if (b == best)
			continue;
		if (b->own == MAPPED)
			budget_unmap(a->budget, b, HDR + b->size);
		else
			budget_free(a->budget, b);
	}
	a->head = best;
	a->total = 0;
	if (best != NULL) {
		memset((unsigned char *)best + HDR, 0, best->used);
		best->used = 0;
		best->next = NULL;
		a->total = best->size;
	}
}

void *
arena_alloc_block(struct arena *a, size_t n, size_t align)
{
	struct arena_block *b = a->head;
	size_t off = 0, size;

	if (n > SIZE_MAX / 2 || align == 0 || align > ALIGN ||
	    (align & (align - 1)) != 0)
		return NULL;
	if (n == 0)
		n = 1;
	if (b != NULL)
		off = (b->used + align - 1) & ~(align - 1);
	if (b == NULL || off > b->size || b->size - off < n) {
		size = a->total / 2 > MIN_BLOCK ? a->total / 2 : MIN_BLOCK;
		if (size < n)
			size = (n + ALIGN - 1) / ALIGN * ALIGN;
		if (size > 64u << 20 && n < (64u << 20))
			size = 64u << 20;
		/* Zeroed blocks: a bump allocator never hands out memory
		 * twice, so what it returns is still zero.  Blocks from
		 * 256 KiB up are whole 2 MiB pages, aligned: a fault per
		 * 4 KiB page costs more than the clearing itself (about
		 * 10 us on a virtual machine that traps page-table updates,
		 * against some 130-200 us for a whole 2 MiB page).  Where
		 * the budget cannot take the rounded size, the block is
		 * the size asked for. */
		b = NULL;
		if (size >= HUGE_MIN) {
			size_t len = HDR + size;
			bool was = a->budget != NULL && a->budget->exceeded;

			if ((b = budget_map(a->budget, &len)) != NULL) {
				b->own = MAPPED;
				size = len - HDR;
			} else if (a->budget != NULL) {
				/* a tight budget may still take the exact
				 * size */
				a->budget->exceeded = was;
			}
		}
		if (b == NULL) {
			b = budget_calloc(a->budget, 1, HDR + size);
			if (b == NULL)
				return NULL;
			b->own = 0;
		}
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += size;
		off = 0;
	}
	b->used = off + n;
	return (unsigned char *)b + HDR + off;
}

int
arena_reserve(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;

	if (n == 0 || (b != NULL && b->used <= b->size &&
	    b->size - b->used >= n + ALIGN))
		return 0;
	/* a block with room for N, of which nothing is used yet */
	if (arena_alloc_block(a, n, ALIGN) == NULL)
		return -1;
	a->head->used -= n;
	return 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_alloc_align(a, n, ALIGN);
}

void *
arena_alloc_own(struct arena *a, size_t n)
{
	struct arena_block *b;

	if (n > SIZE_MAX / 2)
		return NULL;
	b = budget_calloc(a->budget, 1, HDR + n);
	if (b == NULL)
		return NULL;
	b->size = n;
	b->used = n;
	b->own = 1;
	/* behind the block being filled, which stays the head */
	if (a->head != NULL) {
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = NULL;
		a->head = b;
	}
	return (unsigned char *)b + HDR;
}

void
arena_free_own(struct arena *a, void *p)
{
	struct arena_block **pb, *b;

	if (p == NULL)
		return;
	for (pb = &a->head; (b = *pb) != NULL; pb = &b->next)
		if (b->own == 1 && (unsigned char *)b + HDR == p) {
			*pb = b->next;
			budget_free(a->budget, b);
			return;
		}
}

void *
arena_array(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return arena_alloc(a, n * size);
}

int
arena_grow(struct arena *a, void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *nv;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	nv = arena_array(a, ncap, size);
	if (nv == NULL)
		return -1;
	if (*cap)
		memcpy(nv, *v, *cap * size);
	*v = nv;
	*cap = ncap;
	return 0;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = arena_alloc_align(a, n + 1, 1);	/* text needs no alignment */
	if (p != NULL) {
		if (n > 0)	/* S may be NULL then (an absent bytes field) */
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
