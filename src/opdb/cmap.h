/* SPDX-License-Identifier: MIT */
/*
 * Custom-operator mappings (--map, --map-file): "DOMAIN::OP=NEWOP" or
 * "DOMAIN::OP=NEWOP(attr=value,...)", NEWOP a standard ONNX operator.
 * Values are typed by NEWOP's schema: 3, 0.5, tanh or 'tanh', [1,2].
 */
#ifndef ONNXFIX_CMAP_H
#define ONNXFIX_CMAP_H

#include "onnxfix.h"

struct cmap_attr {
	const char *name;
	enum ir_attr_type type;	/* FLOAT, INT, STRING, FLOATS or INTS */
	float f;
	int64_t i;
	const char *s;
	float *floats;
	int64_t *ints;
	size_t n;
	const char *text;	/* the value as written */
};

struct cmap {
	const char *domain;	/* "" for the default domain */
	const char *op;
	const char *target;	/* an ONNX operator */
	struct cmap_attr *attrs;
	size_t nattrs;
	const char *spec;	/* as given */
	const char *where;	/* "--map" or "FILE:LINE" */
	size_t uses;		/* nodes it matched (the custom-ops pass) */
};

/*
 * Parse and validate every mapping of O (--map values, then the lines of
 * O->map_file) into *OUT (*N entries), allocated from A.  Returns 0; -1
 * when a mapping is invalid and -2 when the map file cannot be read, with
 * an (escaped) explanation in WHY; -3 when A's budget is exhausted.
 */
int cmap_load(struct arena *a, const struct onnxfix_options *o,
    struct cmap **out, size_t *n, char *why, size_t size);

/* The mapping for (DOMAIN, OP) among V[0..N), or NULL. */
const struct cmap *cmap_find(const struct cmap *v, size_t n,
    const char *domain, const char *op);

#endif
