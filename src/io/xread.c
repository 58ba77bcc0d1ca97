/* SPDX-License-Identifier: MIT */
/*
 * The model's reader of external tensor data (see xread.h): a pass that
 * needs the values of a tensor whose data is external gets them as if
 * they were inline (ir_tensor_view), read once into the model's arena.
 * The reference is resolved by ext_resolve() and the bytes read by
 * ext_read(), which opens and checks the file again: nothing here opens
 * a file itself.  The tensor keeps its external storage, so the writer
 * copies it by range as before whether or not it was read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "io/external.h"
#include "io/xread.h"

/* The default budget, min(64 MiB + 64 x input, 8 GiB) (load.c), counts
 * external data read in as input too: a model whose weights are in a
 * file beside it may use what it would with them inline. */
#define GROW_FACTOR 64u
#define GROW_CAP ((uint64_t)8 << 30)

struct xreader {
	struct ext_dir dir;
	bool open;		/* dir opened (on the first read) */
	struct ext_limits lim;
	bool grow;		/* the budget is the default one */
};

/* Raise M's default budget by what LEN bytes of input would add. */
static void
grow_budget(struct ir_model *m, uint64_t len)
{
	struct budget *b = m->budget;
	uint64_t add, limit;

	if (b == NULL || b->limit == 0 || b->limit >= GROW_CAP)
		return;
	if (__builtin_mul_overflow(len, (uint64_t)GROW_FACTOR, &add) ||
	    __builtin_add_overflow((uint64_t)b->limit, add, &limit) ||
	    limit > GROW_CAP)
		limit = GROW_CAP;
	if (limit <= SIZE_MAX)
		b->limit = (size_t)limit;
}

/* WHY: "location 'L': MSG" (model text, escaped when reported). */
static int
located(const struct ext_ref *r, const char *msg, char *why, size_t whylen)
{
	if (r->location != NULL)
		snprintf(why, whylen, "location '%s': %s", r->location, msg);
	else
		snprintf(why, whylen, "%s", msg);
	return -1;
}

static int
read_external(struct ir_model *m, const struct ir_tensor *t,
    struct ir_extdata *x, char *why, size_t whylen)
{
	struct xreader *R = m->xreader;
	struct budget *b = m->budget;
	struct ext_ref r;
	enum ext_status st;
	uint64_t len;
	uint8_t *buf;
	char msg[160];
	bool exceeded;

	if (R == NULL) {
		snprintf(why, whylen, "the model has no data reader");
		return -1;
	}
	if (!R->open) {
		/* Unknown (a model read from memory) gives EXT_NO_DIR
		 * below. */
		(void)ext_dir_open(&R->dir, m->path, &R->lim, m->budget);
		R->open = true;
	}
	memset(&r, 0, sizeof(r));
	st = ext_resolve(&R->dir, t, NULL, &r, NULL, &len, msg, sizeof(msg));
	if (st != EXT_OK)
		return located(&r, msg, why, whylen);
	if (len == 0) {
		x->data = (const uint8_t *)"";
		x->size = 0;
		return 0;
	}
	if (R->grow)
		grow_budget(m, len);
	/* Checked before allocating: a read the budget refuses is this
	 * tensor's failure (reported, the rewrite skipped), not the pass
	 * running out of memory. */
	if (len > SIZE_MAX - 1 || (b != NULL && b->limit != 0 &&
	    (b->used > b->limit || len > b->limit - b->used))) {
		snprintf(why, whylen, "%" PRIu64 " bytes would exceed the "
		    "memory budget (%zu bytes, %zu in use; --mem-budget)",
		    len, b != NULL ? b->limit : (size_t)0,
		    b != NULL ? b->used : (size_t)0);
		return -1;
	}
	exceeded = b != NULL && b->exceeded;
	if ((buf = arena_alloc(&m->arena, (size_t)len)) == NULL) {
		if (b != NULL)
			b->exceeded = exceeded;
		snprintf(why, whylen, "%" PRIu64 " bytes would exceed the "
		    "memory budget", len);
		return -1;
	}
	st = ext_read(&R->dir, &r, len, buf, msg, sizeof(msg));
	if (st != EXT_OK)
		return located(&r, msg, why, whylen);
	x->data = buf;
	x->size = (size_t)len;
	return 0;
}

int
xread_attach(struct ir_model *m, const struct onnxfix_options *o)
{
	struct xreader *R = arena_alloc(&m->arena, sizeof(*R));

	if (R == NULL)
		return -1;
	R->lim.max_files = o->max_external_files;
	R->lim.allow_hardlinks = o->allow_hardlinks;
	R->grow = o->mem_budget == 0;
	R->dir.dirfd = -1;
	m->xreader = R;
	m->read_external = read_external;
	return 0;
}

void
xread_detach(struct ir_model *m)
{
	struct xreader *R = m->xreader;

	if (R != NULL && R->open)
		ext_dir_close(&R->dir);
	if (R != NULL)
		R->open = false;
	m->xreader = NULL;
	m->read_external = NULL;
}
