/* SPDX-License-Identifier: MIT */
/*
 * The wire-format pre-scan (see prescan.h): a single loop over the input
 * with an explicit stack of message frames.  Field numbers, wire types and
 * nesting come from protobuf-c's descriptors, so the scan follows
 * onnx.proto; only GraphProto and TypeProto are named here, to count their
 * nesting.  The memory estimate mirrors protobuf_c_message_unpack() in
 * protobuf-c 1.4.1 allocation by allocation.
 */
#include "io/prescan.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

/* Frames and field counters kept in struct scan before any heap use:
 * 128 frames cover the default max_depth of 100; 2048 counters cover 100
 * levels of the widest ONNX message (AttributeProto, 18 fields). */
#define LOCAL_FRAMES 128
#define LOCAL_COUNTS 2048

#define FIELD_LIMIT ((uint64_t)1 << 28)	/* first rejected field number */
#define TAG_MAX_BYTES 5			/* protobuf-c's parse limit */
#define LENGTH_MAX_BYTES 5		/* protobuf-c's parse limit */
#define VARINT_MAX_BYTES 10

#define WT_VARINT 0
#define WT_64BIT 1
#define WT_LENGTH 2
#define WT_32BIT 5

/* protobuf-c internals that the estimate mirrors: struct ScannedMember
 * (uint32_t, two uint8_t, a pointer, a size_t and a pointer), its first
 * slab of 16 on the C stack, and the required-field bitmap, on the heap
 * beyond 16 bytes. */
#define SCANNED_MEMBER_SIZE (8 + 3 * sizeof(void *))
#define FIRST_SLAB 16
#define BITMAP_STACK 16

enum kind { KIND_OTHER, KIND_GRAPH, KIND_TYPE };

/* Why a varint could not be read. */
enum vfail { V_OK, V_TRUNC, V_LONG, V_BIG };

struct frame {
	const ProtobufCMessageDescriptor *desc;
	const ProtobufCFieldDescriptor *via;	/* field in the parent;
						 * NULL at the root */
	const ProtobufCFieldDescriptor *hint;	/* last field looked up */
	size_t end;		/* offset just past the message */
	size_t cbase;		/* its first counter in the pool */
	uint64_t nfields;	/* tags seen in this message */
	uint64_t child_peak;	/* largest transient of one child */
	uint32_t index;		/* occurrence of VIA in the parent */
	enum kind kind;
	bool oneof_set;		/* a member of one of its oneofs was seen */
	uint64_t tag_off;	/* where its tag is in the input */
	/* bit I: the first occurrence of field I, a singular message of a
	 * type with a oneof, set no member of it (see merge_check) */
	uint64_t first_unset;
};

/* The field an error is about, below the innermost frame. */
struct leaf {
	const ProtobufCFieldDescriptor *fd;	/* known field, or NULL */
	uint64_t number;	/* if FD is NULL: unknown field number, or 0
				 * for no leaf at all */
	uint32_t index;		/* occurrence, if FD is repeated */
};

struct scan {
	const uint8_t *buf;
	size_t len;
	struct prescan_limits lim;
	struct prescan_stats *st;
	struct prescan_error *err;
	struct frame *fr;	/* fr[0] is the root, fr[top] innermost */
	size_t fr_cap;
	uint32_t *cnt;		/* occurrences per field, per frame */
	size_t cnt_cap;
	unsigned top;
	unsigned graph_depth;
	unsigned type_depth;
	bool merges;		/* a non-oneof singular message repeated */
	uint64_t array_bytes;	/* element storage of repeated fields */
	struct frame fr_local[LOCAL_FRAMES];
	uint32_t cnt_local[LOCAL_COUNTS];
};

void
prescan_limits_default(struct prescan_limits *l)
{
	l->max_depth = 100;
	l->max_graph_depth = 32;
	l->max_type_depth = 32;
	l->max_repeat = 64;
	l->max_elements = (uint64_t)1 << 28;
}

/* Append S to OUT[*POS], keeping only printable ASCII (others become
 * '?'); never writes past OUT[N - 1] and always terminates. */
static void
put_ascii(char *out, size_t n, size_t *pos, const char *s)
{
	for (; *s != '\0' && *pos + 1 < n; s++) {
		unsigned char c = (unsigned char)*s;

		out[(*pos)++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[*pos] = '\0';
}

/* Path component I: 1..top name the frames, top + 1 the leaf. */
static size_t
component(const struct scan *s, const struct leaf *lf, unsigned i,
	  char *out, size_t n)
{
	const ProtobufCFieldDescriptor *fd;
	uint32_t index;
	size_t pos = 0;
	char num[32];

	out[0] = '\0';
	if (i <= s->top) {
		fd = s->fr[i].via;
		index = s->fr[i].index;
	} else {
		fd = lf->fd;
		index = lf->index;
		if (fd == NULL) {
			snprintf(num, sizeof(num), "field %llu",
				 (unsigned long long)lf->number);
			put_ascii(out, n, &pos, num);
			return pos;
		}
	}
	put_ascii(out, n, &pos, fd->name);
	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		snprintf(num, sizeof(num), "[%lu]", (unsigned long)index);
		put_ascii(out, n, &pos, num);
	}
	return pos;
}

/* Write the field path into OUT (N bytes): all of it if it fits, else
 * the head, "...(+K)..." and the tail, cut between names. */
static void
build_path(const struct scan *s, const struct leaf *lf, char *out, size_t n)
{
	char c[128];
	char mark[40];
	unsigned ncomp, i, head, tail;
	size_t total = 0, pos = 0, room, tl = 0, cl, ml;

	out[0] = '\0';
	ncomp = s->top + (lf->fd != NULL || lf->number != 0);
	for (i = 1; i <= ncomp; i++)
		total += component(s, lf, i, c, sizeof(c)) + (i > 1);
	if (total < n) {
		for (i = 1; i <= ncomp; i++) {
			if (i > 1)
				put_ascii(out, n, &pos, ".");
			component(s, lf, i, c, sizeof(c));
			put_ascii(out, n, &pos, c);
		}
		return;
	}
	/* head: up to a third of the room */
	for (head = 0; head < ncomp; head++) {
		cl = component(s, lf, head + 1, c, sizeof(c));
		if (pos + cl + 1 > n / 3)
			break;
		if (head > 0)
			put_ascii(out, n, &pos, ".");
		put_ascii(out, n, &pos, c);
	}
	/* tail: as many names from the end as fit after the marker */
	ml = (size_t)snprintf(mark, sizeof(mark), "...(+%u)...", ncomp);
	room = n - 1 - pos - ml;
	for (tail = ncomp; tail > head + 1; tail--) {
		cl = component(s, lf, tail, c, sizeof(c));
		if (tl + cl + (tl > 0) > room)
			break;
		tl += cl + (tl > 0);
	}
	/* names tail+1..ncomp fit; head names 1..head are written */
	snprintf(mark, sizeof(mark), "...(+%u)...", tail - head);
	put_ascii(out, n, &pos, mark);
	for (i = tail + 1; i <= ncomp; i++) {
		if (i > tail + 1)
			put_ascii(out, n, &pos, ".");
		component(s, lf, i, c, sizeof(c));
		put_ascii(out, n, &pos, c);
	}
}

__attribute__((format(printf, 5, 6)))
static enum prescan_status
fail(struct scan *s, const struct leaf *lf, enum prescan_status status,
     uint64_t off, const char *fmt, ...)
{
	struct prescan_error *e = s->err;
	va_list ap;
	size_t i;

	e->status = status;
	e->offset = off;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	for (i = 0; e->detail[i] != '\0'; i++)
		if ((unsigned char)e->detail[i] < 0x20 ||
		    (unsigned char)e->detail[i] >= 0x7f)
			e->detail[i] = '?';
	build_path(s, lf, e->path, sizeof(e->path));
	return status;
}

/* WHAT (at OFF) does not fit before END. */
static enum prescan_status
fail_end(struct scan *s, const struct leaf *lf, uint64_t off,
	 const char *what, size_t end)
{
	if (end == s->len)
		return fail(s, lf, PRESCAN_TRUNCATED, off,
			    "%s at offset %llu passes the end of the input "
			    "(size %llu)", what, (unsigned long long)off,
			    (unsigned long long)s->len);
	return fail(s, lf, PRESCAN_TRUNCATED, off,
		    "%s at offset %llu passes the end of its message "
		    "(at offset %llu)", what, (unsigned long long)off,
		    (unsigned long long)end);
}

/* Length of the varint at P with AVAIL bytes left, in *N. */
static inline enum vfail
varint_len(const uint8_t *p, size_t avail, size_t *n)
{
	size_t i, max = avail < VARINT_MAX_BYTES ? avail : VARINT_MAX_BYTES;

	for (i = 0; i < max; i++) {
		if ((p[i] & 0x80) == 0) {
			if (i == VARINT_MAX_BYTES - 1 && p[i] > 1)
				return V_BIG;
			*n = i + 1;
			return V_OK;
		}
	}
	return max == VARINT_MAX_BYTES ? V_LONG : V_TRUNC;
}

static enum prescan_status
fail_varint(struct scan *s, const struct leaf *lf, enum vfail why,
	    uint64_t off, size_t end)
{
	if (why == V_TRUNC)
		return fail_end(s, lf, off, "varint", end);
	if (why == V_LONG)
		return fail(s, lf, PRESCAN_VARINT, off,
			    "varint at offset %llu is longer than 10 bytes",
			    (unsigned long long)off);
	return fail(s, lf, PRESCAN_VARINT, off,
		    "varint at offset %llu overflows 64 bits",
		    (unsigned long long)off);
}

/*
 * Read the length prefix at *POS (the message ends at END): at most 5
 * bytes, at most INT_MAX, its payload inside END.  On success *POS is the
 * payload's offset and *PLEN its length.
 */
static inline enum prescan_status
read_length(struct scan *s, const struct leaf *lf, size_t *pos,
	    size_t end, size_t *plen)
{
	const uint8_t *p = s->buf + *pos;
	size_t avail = end - *pos;
	size_t i, max = avail < LENGTH_MAX_BYTES ? avail : LENGTH_MAX_BYTES;
	uint64_t v = 0;
	char what[48];

	for (i = 0; i < max; i++) {
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0)
			break;
	}
	if (i == max) {
		if (max == LENGTH_MAX_BYTES)
			return fail(s, lf, PRESCAN_VARINT, *pos,
				    "length prefix at offset %llu is longer "
				    "than 5 bytes", (unsigned long long)*pos);
		return fail_end(s, lf, *pos, "length prefix", end);
	}
	i++;
	if (v > avail - i) {
		snprintf(what, sizeof(what), "length %llu",
			 (unsigned long long)v);
		return fail_end(s, lf, *pos, what, end);
	}
	if (v > INT_MAX)
		return fail(s, lf, PRESCAN_VARINT, *pos,
			    "length %llu at offset %llu is above 2^31-1",
			    (unsigned long long)v, (unsigned long long)*pos);
	*pos += i;
	*plen = (size_t)v;
	return PRESCAN_OK;
}

/*
 * Read the tag at *POS, which is not a 1-byte tag: at most 5 bytes,
 * minimally encoded, field number in [1, 2^28).
 */
static enum prescan_status
read_long_tag(struct scan *s, size_t *pos, size_t end, uint64_t *tag)
{
	static const struct leaf none;
	const uint8_t *p = s->buf + *pos;
	uint64_t v = 0, number;
	size_t i;

	for (i = 0;; i++) {
		if (i == TAG_MAX_BYTES)
			return fail(s, &none, PRESCAN_VARINT, *pos,
				    "tag at offset %llu is longer than 5 "
				    "bytes", (unsigned long long)*pos);
		if (i == end - *pos)
			return fail_end(s, &none, *pos, "tag", end);
		v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0)
			break;
	}
	number = v >> 3;
	if (number == 0)
		return fail(s, &none, PRESCAN_FIELD_NUMBER, *pos, "field 0");
	if (p[i] == 0)
		return fail(s, &none, PRESCAN_VARINT, *pos,
			    "tag at offset %llu is not minimally encoded",
			    (unsigned long long)*pos);
	if (number >= FIELD_LIMIT * 2)
		return fail(s, &none, PRESCAN_FIELD_NUMBER, *pos,
			    "field %llu >= 2^29", (unsigned long long)number);
	if (number >= FIELD_LIMIT)
		return fail(s, &none, PRESCAN_FIELD_NUMBER, *pos,
			    "field %llu in [2^28, 2^29)",
			    (unsigned long long)number);
	*pos += i + 1;
	*tag = v;
	return PRESCAN_OK;
}

/* Find field NUMBER of D, trying the last field found and its successor
 * before protobuf-c's binary search. */
static inline const ProtobufCFieldDescriptor *
lookup(const ProtobufCMessageDescriptor *d,
       const ProtobufCFieldDescriptor **hint, uint64_t number)
{
	const ProtobufCFieldDescriptor *h = *hint, *f;

	if (h != NULL) {
		if (h->id == number)
			return h;
		if (h + 1 < d->fields + d->n_fields && h[1].id == number) {
			*hint = h + 1;
			return h + 1;
		}
	}
	f = protobuf_c_message_descriptor_get_field(d, (unsigned)number);
	if (f != NULL)
		*hint = f;
	return f;
}

/* The scalar wire type protobuf-c wants for type T, and the size of one
 * element in a repeated field of T (sizeof_elt_in_repeated_array). */
static int
scalar_wire(ProtobufCType t, size_t *esize)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_ENUM:
		*esize = 4;
		return WT_VARINT;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_UINT64:
		*esize = 8;
		return WT_VARINT;
	case PROTOBUF_C_TYPE_BOOL:
		*esize = sizeof(protobuf_c_boolean);
		return WT_VARINT;
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		*esize = 4;
		return WT_32BIT;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		*esize = 8;
		return WT_64BIT;
	default:
		*esize = sizeof(void *);
		return WT_LENGTH;
	}
}

/*
 * Validate the packed array of N bytes at OFF for a field whose scalar
 * wire type is WIRE; store in *COUNT the number of elements protobuf-c
 * will allocate for it.
 */
static enum prescan_status
scan_packed(struct scan *s, const struct leaf *lf, size_t off, size_t n,
	    int wire, bool is_bool, uint64_t *count)
{
	const uint8_t *p = s->buf + off;
	size_t i, run = 0, esz = wire == WT_32BIT ? 4 : 8;
	uint64_t c = 0;
	char what[64];

	if (wire != WT_VARINT) {
		if (n % esz != 0) {
			snprintf(what, sizeof(what), "packed %u-byte element",
				 (unsigned)esz);
			return fail_end(s, lf, off + n - n % esz, what,
					off + n);
		}
		*count = n / esz;
		return PRESCAN_OK;
	}
	for (i = 0; i < n; i++) {
		if (p[i] & 0x80) {
			if (++run == VARINT_MAX_BYTES)
				return fail_varint(s, lf, V_LONG,
						   off + i + 1 - run, off + n);
		} else {
			if (run == VARINT_MAX_BYTES - 1 && p[i] > 1)
				return fail_varint(s, lf, V_BIG, off + i - run,
						   off + n);
			run = 0;
			c++;
		}
	}
	if (run != 0)
		return fail_end(s, lf, off + n - run, "packed varint",
				off + n);
	/* count_packed_elements() takes one bool per byte */
	*count = is_bool ? n : c;
	return PRESCAN_OK;
}

/* Bytes grown on the heap; LOCAL is the in-struct array P starts as. */
static void *
grow(void *p, const void *local, size_t *cap, size_t need, size_t elsz)
{
	size_t ncap = *cap;
	void *np;

	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elsz)
			return NULL;
		ncap *= 2;
	}
	if (p == local) {
		np = malloc(ncap * elsz);
		if (np != NULL)
			memcpy(np, p, *cap * elsz);
	} else {
		np = realloc(p, ncap * elsz);
	}
	if (np != NULL)
		*cap = ncap;
	return np;
}

/* Transient bytes protobuf_c_message_unpack() holds for one message with
 * NFIELDS tags: ScannedMember slabs beyond the first and a large
 * required-field bitmap. */
static uint64_t
transient(const struct frame *f)
{
	uint64_t slab = FIRST_SLAB, capacity = FIRST_SLAB, bytes = 0;
	size_t bitmap = (f->desc->n_fields + 7) / 8;

	while (capacity < f->nfields) {
		slab *= 2;
		capacity += slab;
		bytes += slab * SCANNED_MEMBER_SIZE;
	}
	if (bitmap > BITMAP_STACK)
		bytes += bitmap;
	return bytes;
}

/*
 * Open a frame for a sub-message of type DESC, held by field VIA (its
 * occurrence INDEX), whose payload ends at END; TAG_OFF is its tag.
 */
static enum prescan_status
push(struct scan *s, const ProtobufCMessageDescriptor *desc,
     const ProtobufCFieldDescriptor *via, uint32_t index, size_t end,
     uint64_t tag_off)
{
	struct leaf lf = { via, 0, index };
	struct frame *parent = &s->fr[s->top], *f;
	unsigned depth = s->top + 2;
	size_t cbase = parent->cbase + parent->desc->n_fields;
	enum kind kind = KIND_OTHER;
	void *np;

	if (desc == &onnx__graph_proto__descriptor)
		kind = KIND_GRAPH;
	else if (desc == &onnx__type_proto__descriptor)
		kind = KIND_TYPE;
	if (depth > s->lim.max_depth)
		return fail(s, &lf, PRESCAN_NESTING, tag_off, "depth %u > %u",
			    depth, s->lim.max_depth);
	if (kind == KIND_GRAPH &&
	    s->graph_depth + 1 > s->lim.max_graph_depth)
		return fail(s, &lf, PRESCAN_GRAPH_NESTING, tag_off,
			    "graph depth %u > %u", s->graph_depth + 1,
			    s->lim.max_graph_depth);
	if (kind == KIND_TYPE && s->type_depth + 1 > s->lim.max_type_depth)
		return fail(s, &lf, PRESCAN_TYPE_NESTING, tag_off,
			    "type depth %u > %u", s->type_depth + 1,
			    s->lim.max_type_depth);
	if (s->top + 2 > s->fr_cap) {
		np = grow(s->fr, s->fr_local, &s->fr_cap, s->top + 2,
			  sizeof(*s->fr));
		if (np == NULL)
			return fail(s, &lf, PRESCAN_NESTING, tag_off,
				    "no memory for depth %u", depth);
		s->fr = np;
	}
	if (cbase + desc->n_fields > s->cnt_cap) {
		np = grow(s->cnt, s->cnt_local, &s->cnt_cap,
			  cbase + desc->n_fields, sizeof(*s->cnt));
		if (np == NULL)
			return fail(s, &lf, PRESCAN_NESTING, tag_off,
				    "no memory for depth %u", depth);
		s->cnt = np;
	}
	memset(s->cnt + cbase, 0, desc->n_fields * sizeof(*s->cnt));
	f = &s->fr[++s->top];
	f->desc = desc;
	f->via = via;
	f->hint = desc->n_fields > 0 ? desc->fields : NULL;
	f->end = end;
	f->cbase = cbase;
	f->nfields = 0;
	f->child_peak = 0;
	f->index = index;
	f->kind = kind;
	f->oneof_set = false;
	f->first_unset = 0;
	f->tag_off = tag_off;
	if (kind == KIND_GRAPH && ++s->graph_depth >
	    s->st->max_graph_depth_seen)
		s->st->max_graph_depth_seen = s->graph_depth;
	if (kind == KIND_TYPE)
		s->type_depth++;
	if (depth > s->st->max_depth_seen)
		s->st->max_depth_seen = depth;
	s->st->messages++;
	s->st->alloc_estimate += desc->sizeof_message;
	return PRESCAN_OK;
}

/* Close the innermost frame (not the root). */
static void
pop(struct scan *s)
{
	struct frame *f = &s->fr[s->top];
	uint64_t t = transient(f) + f->child_peak;

	if (f->kind == KIND_GRAPH)
		s->graph_depth--;
	else if (f->kind == KIND_TYPE)
		s->type_depth--;
	s->top--;
	if (t > s->fr[s->top].child_peak)
		s->fr[s->top].child_peak = t;
}

/* Does DESC have a oneof? */
static bool
has_oneof(const ProtobufCMessageDescriptor *desc)
{
	unsigned i;

	for (i = 0; i < desc->n_fields; i++)
		if (desc->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			return true;
	return false;
}

/*
 * Before the innermost frame closes: protobuf-c merges a singular
 * message field that occurs again into the earlier one, and refuses the
 * merge of two messages of a type with a oneof when neither sets a
 * member of it (merge_messages looks up the latter's member by the
 * earlier's case, and case 0 names none; when either sets one, the merge
 * takes it).  Only the first two occurrences can both be unset: past
 * them the merged message has a member whenever either had.  The merge
 * recurses into singular message fields both occurrences hold; in
 * onnx.proto no type with a oneof is reached that way (TypeProto's
 * message fields are all oneof members, which the latter replaces).
 */
static enum prescan_status
merge_check(struct scan *s)
{
	const struct frame *f = &s->fr[s->top];
	struct frame *parent = &s->fr[s->top - 1];
	const ProtobufCFieldDescriptor *via = f->via;
	struct leaf lf = { via, 0, f->index };
	uint64_t bit;
	size_t fi;

	if (via == NULL || via->label == PROTOBUF_C_LABEL_REPEATED ||
	    (via->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) || f->oneof_set ||
	    f->index > 1 || !has_oneof(f->desc))
		return PRESCAN_OK;
	fi = (size_t)(via - parent->desc->fields);
	bit = fi < 64 ? (uint64_t)1 << fi : 0;
	if (f->index == 0) {
		parent->first_unset |= bit;
		return PRESCAN_OK;
	}
	/* past 64 fields: the first occurrence is not known, refused */
	if (bit != 0 && (parent->first_unset & bit) == 0)
		return PRESCAN_OK;
	s->top--;	/* the error names the field, not inside it */
	return fail(s, &lf, PRESCAN_MERGE, f->tag_off, "occurrence 2 and "
		    "the first set no member of its oneof: protobuf-c cannot "
		    "merge them");
}

/* The scan proper; S is set up with the root frame. */
static enum prescan_status
run(struct scan *s)
{
	const uint8_t *buf = s->buf;
	struct prescan_stats *st = s->st;
	const ProtobufCMessageDescriptor *desc;
	const ProtobufCFieldDescriptor *fd;
	struct frame *f;
	struct leaf lf;
	uint32_t *cnt;
	size_t pos = 0, end, tag_off, plen = 0, vlen = 0, esize, fi;
	uint64_t tag = 0, number, count = 0;
	uint32_t idx;
	unsigned wt;
	int want = WT_VARINT;
	enum vfail vf;
	enum prescan_status rc;
	const uint8_t *nul;

next_frame:
	f = &s->fr[s->top];
	desc = f->desc;
	end = f->end;
	cnt = s->cnt + f->cbase;
	while (pos < end) {
		tag_off = pos;
		if (buf[pos] < 0x80) {
			tag = buf[pos++];
			if (tag < 8) {
				lf = (struct leaf){ NULL, 0, 0 };
				return fail(s, &lf, PRESCAN_FIELD_NUMBER,
					    tag_off, "field 0");
			}
		} else {
			rc = read_long_tag(s, &pos, end, &tag);
			if (rc != PRESCAN_OK)
				return rc;
		}
		number = tag >> 3;
		wt = (unsigned)(tag & 7);
		f->nfields++;
		fd = lookup(desc, &f->hint, number);
		idx = 0;
		if (fd != NULL) {
			fi = (size_t)(fd - desc->fields);
			idx = cnt[fi];
			if (idx != UINT32_MAX)
				cnt[fi] = idx + 1;
			if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
				f->oneof_set = true;
		}
		lf = (struct leaf){ fd, number, idx };
		if (++st->fields > s->lim.max_elements)
			return fail(s, &lf, PRESCAN_COUNT, tag_off,
				    "more than %llu fields",
				    (unsigned long long)s->lim.max_elements);
		if (wt == 3 || wt == 4 || wt > 5)
			return fail(s, &lf, PRESCAN_WIRE_TYPE, tag_off,
				    "wire type %u", wt);
		if (fd == NULL) {
			/* unknown: kept as a 24-byte record plus a copy of
			 * the value (with its length prefix) */
			switch (wt) {
			case WT_VARINT:
				vf = varint_len(buf + pos, end - pos, &vlen);
				if (vf != V_OK)
					return fail_varint(s, &lf, vf, pos,
							   end);
				pos += vlen;
				break;
			case WT_64BIT:
			case WT_32BIT:
				vlen = wt == WT_64BIT ? 8 : 4;
				if (vlen > end - pos)
					return fail_end(s, &lf, pos,
						wt == WT_64BIT ?
						"8-byte value" :
						"4-byte value", end);
				pos += vlen;
				break;
			default:
				vlen = pos;
				rc = read_length(s, &lf, &pos, end, &plen);
				if (rc != PRESCAN_OK)
					return rc;
				pos += plen;
				vlen = pos - vlen;
				break;
			}
			st->alloc_estimate +=
				sizeof(ProtobufCMessageUnknownField) + vlen;
			continue;
		}
		switch (fd->type) {
		case PROTOBUF_C_TYPE_MESSAGE:
			if (wt != WT_LENGTH)
				goto wrong_type;
			rc = read_length(s, &lf, &pos, end, &plen);
			if (rc != PRESCAN_OK)
				return rc;
			if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
				st->alloc_estimate += sizeof(void *);
				s->array_bytes += sizeof(void *);
			} else {
				if (idx >= s->lim.max_repeat)
					return fail(s, &lf, PRESCAN_REPEATED,
						    tag_off,
						    "occurrence %lu > %u",
						    (unsigned long)idx + 1,
						    s->lim.max_repeat);
				if (idx > 0 && (fd->flags &
				    PROTOBUF_C_FIELD_FLAG_ONEOF) == 0)
					s->merges = true;
			}
			rc = push(s, fd->descriptor, fd, idx, pos + plen,
				  tag_off);
			if (rc != PRESCAN_OK)
				return rc;
			goto next_frame;
		case PROTOBUF_C_TYPE_STRING:
			if (wt != WT_LENGTH)
				goto wrong_type;
			rc = read_length(s, &lf, &pos, end, &plen);
			if (rc != PRESCAN_OK)
				return rc;
			nul = memchr(buf + pos, 0, plen);
			if (nul != NULL)
				return fail(s, &lf, PRESCAN_NUL,
					    (uint64_t)(nul - buf),
					    "NUL byte at offset %llu, "
					    "string of %llu bytes",
					    (unsigned long long)(nul - buf),
					    (unsigned long long)plen);
			pos += plen;
			st->alloc_estimate += plen + 1;
			if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
				st->alloc_estimate += sizeof(char *);
				s->array_bytes += sizeof(char *);
			}
			continue;
		case PROTOBUF_C_TYPE_BYTES:
			if (wt != WT_LENGTH)
				goto wrong_type;
			rc = read_length(s, &lf, &pos, end, &plen);
			if (rc != PRESCAN_OK)
				return rc;
			pos += plen;
			st->alloc_estimate += plen;
			if (plen > st->max_bytes)
				st->max_bytes = plen;
			if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
				st->alloc_estimate +=
					sizeof(ProtobufCBinaryData);
				s->array_bytes += sizeof(ProtobufCBinaryData);
			}
			continue;
		default:
			break;
		}
		want = scalar_wire(fd->type, &esize);
		if (wt == (unsigned)want) {
			if (wt == WT_VARINT) {
				vf = varint_len(buf + pos, end - pos, &vlen);
				if (vf != V_OK)
					return fail_varint(s, &lf, vf, pos,
							   end);
			} else {
				vlen = wt == WT_64BIT ? 8 : 4;
				if (vlen > end - pos)
					return fail_end(s, &lf, pos,
						wt == WT_64BIT ?
						"8-byte value" :
						"4-byte value", end);
			}
			pos += vlen;
			count = 1;
		} else if (wt == WT_LENGTH &&
			   fd->label == PROTOBUF_C_LABEL_REPEATED) {
			rc = read_length(s, &lf, &pos, end, &plen);
			if (rc != PRESCAN_OK)
				return rc;
			rc = scan_packed(s, &lf, pos, plen, want,
					 fd->type == PROTOBUF_C_TYPE_BOOL,
					 &count);
			if (rc != PRESCAN_OK)
				return rc;
			pos += plen;
		} else {
			goto wrong_type;
		}
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			st->alloc_estimate += count * esize;
			s->array_bytes += count * esize;
		}
		continue;
wrong_type:
		return fail(s, &lf, PRESCAN_WRONG_TYPE, tag_off,
			    "wire type %u for a %s field", wt,
			    fd->type == PROTOBUF_C_TYPE_MESSAGE ? "message" :
			    fd->type == PROTOBUF_C_TYPE_STRING ? "string" :
			    fd->type == PROTOBUF_C_TYPE_BYTES ? "bytes" :
			    want == WT_VARINT ? "varint" :
			    want == WT_32BIT ? "32-bit" : "64-bit");
	}
	if (s->top > 0) {
		rc = merge_check(s);
		if (rc != PRESCAN_OK)
			return rc;
		pop(s);
		goto next_frame;
	}
	st->alloc_estimate += transient(f) + f->child_peak;
	if (s->merges)
		st->alloc_estimate += s->array_bytes;
	return PRESCAN_OK;
}

enum prescan_status
prescan(const uint8_t *buf, size_t len,
	const ProtobufCMessageDescriptor *root,
	const struct prescan_limits *lim, struct prescan_stats *stats,
	struct prescan_error *err)
{
	struct prescan_stats st_dummy;
	struct prescan_error err_dummy;
	static const struct leaf none;
	struct scan *s, s_local;
	struct frame *f;
	enum prescan_status rc;
	void *np;

	s = &s_local;
	s->buf = buf;
	s->len = len;
	if (lim != NULL)
		s->lim = *lim;
	else
		prescan_limits_default(&s->lim);
	s->st = stats != NULL ? stats : &st_dummy;
	s->err = err != NULL ? err : &err_dummy;
	memset(s->st, 0, sizeof(*s->st));
	memset(s->err, 0, sizeof(*s->err));
	s->fr = s->fr_local;
	s->fr_cap = LOCAL_FRAMES;
	s->cnt = s->cnt_local;
	s->cnt_cap = LOCAL_COUNTS;
	s->top = 0;
	s->graph_depth = 0;
	s->type_depth = 0;
	s->merges = false;
	s->array_bytes = 0;

	/* the root frame */
	f = &s->fr[0];
	f->desc = root;
	f->via = NULL;
	f->hint = root->n_fields > 0 ? root->fields : NULL;
	f->end = len;
	f->cbase = 0;
	f->nfields = 0;
	f->child_peak = 0;
	f->index = 0;
	f->kind = root == &onnx__graph_proto__descriptor ? KIND_GRAPH :
		  root == &onnx__type_proto__descriptor ? KIND_TYPE :
		  KIND_OTHER;
	s->st->max_depth_seen = 1;
	s->st->alloc_estimate = root->sizeof_message;
	if (f->kind == KIND_GRAPH)
		s->graph_depth = s->st->max_graph_depth_seen = 1;
	if (f->kind == KIND_TYPE)
		s->type_depth = 1;
	rc = PRESCAN_OK;
	if (s->lim.max_depth < 1)
		rc = fail(s, &none, PRESCAN_NESTING, 0, "depth 1 > %u",
			  s->lim.max_depth);
	else if (s->graph_depth > s->lim.max_graph_depth)
		rc = fail(s, &none, PRESCAN_GRAPH_NESTING, 0,
			  "graph depth 1 > %u", s->lim.max_graph_depth);
	else if (s->type_depth > s->lim.max_type_depth)
		rc = fail(s, &none, PRESCAN_TYPE_NESTING, 0,
			  "type depth 1 > %u", s->lim.max_type_depth);
	if (rc == PRESCAN_OK && root->n_fields > s->cnt_cap) {
		np = grow(s->cnt, s->cnt_local, &s->cnt_cap, root->n_fields,
			  sizeof(*s->cnt));
		if (np == NULL)
			rc = fail(s, &none, PRESCAN_NESTING, 0,
				  "no memory for depth 1");
		else
			s->cnt = np;
	}
	if (rc == PRESCAN_OK) {
		memset(s->cnt, 0, root->n_fields * sizeof(*s->cnt));
		rc = run(s);
	}
	if (s->fr != s->fr_local)
		free(s->fr);
	if (s->cnt != s->cnt_local)
		free(s->cnt);
	return rc;
}
