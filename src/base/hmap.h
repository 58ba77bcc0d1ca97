/* SPDX-License-Identifier: MIT */
/*
 * A string-keyed hash table (open addressing, linear probing) over
 * xxHash's XXH3.  Keys are not copied: they must outlive the table, which
 * holds for IR names (arena or decoded-message memory).  Entries are never
 * deleted; a table only grows.
 */
#ifndef ONNXFIX_HMAP_H
#define ONNXFIX_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct hmap_entry {
	const char *key;
	uint64_t hash;
	void *value;
};

struct hmap {
	struct hmap_entry *v;
	size_t n, cap;		/* cap is 0 or a power of two */
	struct arena *arena;	/* where the slots come from */
};

void hmap_init(struct hmap *h, struct arena *a);
/* Start loading KEY's slot into the cache (a put or get of KEY soon
 * after does not wait for memory). */
void hmap_prefetch(const struct hmap *h, const char *key);
/* The same for the LEN bytes at KEY (a key not yet NUL-terminated). */
void hmap_prefetch_n(const struct hmap *h, const void *key, size_t len);
/* Value stored for KEY, or NULL. */
void *hmap_get(const struct hmap *h, const char *key);
/* Store VALUE for KEY unless KEY is present.  Returns 1 when inserted, 0
 * when KEY was present (*OLD then holds its value, if OLD is not NULL),
 * -1 when out of memory. */
int hmap_put(struct hmap *h, const char *key, void *value, void **old);
/* Make room for N entries at once (no regrowth, no abandoned slot
 * arrays up to N).  Returns 0, or -1 when out of memory. */
int hmap_reserve(struct hmap *h, size_t n);
/* Replace or insert. Returns 0, or -1 when out of memory. */
int hmap_set(struct hmap *h, const char *key, void *value);

#endif
