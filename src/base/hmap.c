/* SPDX-License-Identifier: MIT */
/*
 * String hash table used for name scopes.  Slots come from the owning
 * arena; growing abandons the old slot array to the arena (tables grow
 * geometrically, so the waste is bounded by the final size).
 */
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include "base/arena.h"
#include "base/hmap.h"

void
hmap_init(struct hmap *h, struct arena *a)
{
	h->v = NULL;
	h->n = 0;
	h->cap = 0;
	h->arena = a;
}

static uint64_t
hash_key(const char *key)
{
	return XXH3_64bits(key, strlen(key));
}

static struct hmap_entry *
find(const struct hmap *h, const char *key, uint64_t hash)
{
	size_t mask, i;

	mask = h->cap - 1;
	for (i = hash & mask;; i = (i + 1) & mask) {
		struct hmap_entry *e = &h->v[i];

		if (e->key == NULL)
			return e;
		if (e->hash == hash && strcmp(e->key, key) == 0)
			return e;
	}
}

static int
resize(struct hmap *h, size_t cap)
{
	struct hmap_entry *old = h->v;
	size_t oldcap = h->cap, i;

	h->cap = cap;
	h->v = arena_array(h->arena, h->cap, sizeof(*h->v));
	if (h->v == NULL) {
		h->v = old;
		h->cap = oldcap;
		return -1;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i].key != NULL)
			*find(h, old[i].key, old[i].hash) = old[i];
	return 0;
}

static int
grow(struct hmap *h)
{
	return resize(h, h->cap ? h->cap * 2 : 16);
}

int
hmap_reserve(struct hmap *h, size_t n)
{
	size_t cap = h->cap ? h->cap : 16;

	while (n * 4 > cap * 3) {
		if (cap > SIZE_MAX / 2 / sizeof(*h->v))
			return -1;
		cap *= 2;
	}
	return cap == h->cap ? 0 : resize(h, cap);
}

void
hmap_prefetch(const struct hmap *h, const char *key)
{
	if (h->cap > 0)
		__builtin_prefetch(&h->v[hash_key(key) & (h->cap - 1)], 1);
}

void
hmap_prefetch_n(const struct hmap *h, const void *key, size_t len)
{
	if (h->cap > 0)
		__builtin_prefetch(&h->v[XXH3_64bits(key, len) &
		    (h->cap - 1)], 1);
}

void *
hmap_get(const struct hmap *h, const char *key)
{
	struct hmap_entry *e;

	if (h->n == 0)
		return NULL;
	e = find(h, key, hash_key(key));
	return e->key ? e->value : NULL;
}

int
hmap_put(struct hmap *h, const char *key, void *value, void **old)
{
	struct hmap_entry *e;
	uint64_t hash;

	if ((h->n + 1) * 4 > h->cap * 3 && grow(h) < 0)
		return -1;
	hash = hash_key(key);
	e = find(h, key, hash);
	if (e->key != NULL) {
		if (old != NULL)
			*old = e->value;
		return 0;
	}
	e->key = key;
	e->hash = hash;
	e->value = value;
	h->n++;
	return 1;
}

int
hmap_set(struct hmap *h, const char *key, void *value)
{
	struct hmap_entry *e;
	uint64_t hash;

	if ((h->n + 1) * 4 > h->cap * 3 && grow(h) < 0)
		return -1;
	hash = hash_key(key);
	e = find(h, key, hash);
	if (e->key == NULL) {
		e->key = key;
		e->hash = hash;
		h->n++;
	}
	e->value = value;
	return 0;
}
