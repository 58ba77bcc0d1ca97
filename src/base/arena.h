/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator.  A model owns one arena; every IR object, name and
 * attribute copy comes from it and is released at once by arena_release().
 * Allocation failure is reported through the arena's budget hook: the
 * caller sees NULL, never an abort.
 */
#ifndef ONNXFIX_ARENA_H
#define ONNXFIX_ARENA_H

#include <stddef.h>

struct budget;

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	int own;		/* 1: by arena_alloc_own, 2: by budget_map */
	/* payload follows, aligned to max_align_t */
};

struct arena {
	struct arena_block *head;
	struct budget *budget;	/* may be NULL: unlimited */
	size_t total;		/* bytes obtained from the system */
};

/* Set up an empty arena charging its blocks to BUDGET (may be NULL). */
void arena_init(struct arena *a, struct budget *budget);
/* Free every block; the arena is empty and reusable afterwards. */
void arena_release(struct arena *a);
/*
 * Empty the arena but keep its largest block when that block holds at
 * most KEEP bytes (cleared again, so allocations stay zeroed): a loop
 * that needs the same scratch memory for each item does not fault in
 * fresh pages each time.
 */
void arena_reset(struct arena *a, size_t keep);
/*
 * Make the next N bytes of allocations come from one block: a pass that
 * is about to write that much new data asks for it at once (a block of 4
 * MiB or more is mapped in 2 MiB pages, a few faults instead of one per
 * 4 KiB).  0, or -1 out of budget.
 */
int arena_reserve(struct arena *a, size_t n);
/* N zeroed bytes aligned for any type, or NULL when out of budget. */
void *arena_alloc(struct arena *a, size_t n);
/* arena_alloc_align() when the current block has no room: a new one. */
void *arena_alloc_block(struct arena *a, size_t n, size_t align);

/* Where a block's payload starts (a multiple of max_align_t's size). */
#define ARENA_HDR ((sizeof(struct arena_block) + sizeof(max_align_t) - 1) / \
	sizeof(max_align_t) * sizeof(max_align_t))

/* The same aligned to ALIGN only (a power of two up to that of any
 * type): smaller objects pack tighter.  Inline: the bump is a few
 * instructions, and loading a graph makes several allocations a node. */
static inline void *
arena_alloc_align(struct arena *a, size_t n, size_t align)
{
	struct arena_block *b = a->head;

	if (b != NULL && n - 1 < 65536 && align - 1 < sizeof(max_align_t) &&
	    (align & (align - 1)) == 0) {
		size_t off = (b->used + align - 1) & ~(align - 1);

		if (off <= b->size && b->size - off >= n) {
			b->used = off + n;
			return (unsigned char *)b + ARENA_HDR + off;
		}
	}
	return arena_alloc_block(a, n, align);
}
/* N zeroed bytes in a block of their own, released with the arena or
 * earlier by arena_free_own (for large transient buffers). */
void *arena_alloc_own(struct arena *a, size_t n);
/* Give back P from arena_alloc_own now; any other pointer is ignored. */
void arena_free_own(struct arena *a, void *p);
/* N elements of SIZE bytes, zeroed; NULL on overflow or out of budget. */
void *arena_array(struct arena *a, size_t n, size_t size);
/* Grow *V (an arena array of *CAP elements of SIZE) to hold at least NEED. */
int arena_grow(struct arena *a, void **v, size_t *cap, size_t need,
    size_t size);
/* A NUL-terminated copy of S (N bytes); NULL when out of budget. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
