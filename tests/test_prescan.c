/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the wire-format pre-scan (src/io/prescan.c): a handcrafted
 * input for every rule, one that fires and one that passes; nesting bombs
 * built programmatically; real models from testdata/corpus/ (skipped when
 * absent) and every 1/16th prefix of one.  Every input the pre-scan
 * accepts is also unpacked with protobuf-c, under a counting allocator,
 * to check that PRESCAN_OK means protobuf-c accepts the bytes and that
 * alloc_estimate bounds its peak.  Runs under `ulimit -s 256`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "onnx.pb-c.h"
#include "io/prescan.h"

#define MODEL (&onnx__model_proto__descriptor)

/* ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto,
 * TypeProto and TypeProto.Sequence field numbers used below */
#define M_IR_VERSION 1
#define M_PRODUCER_NAME 2
#define M_GRAPH 7
#define G_NODE 1
#define G_INITIALIZER 5
#define G_INPUT 11
#define N_NAME 3
#define N_OP_TYPE 4
#define N_ATTRIBUTE 5
#define A_NAME 1
#define A_I 3
#define A_G 6
#define A_INTS 8
#define V_NAME 1
#define V_TYPE 2
#define T_TENSOR_TYPE 1
#define T_SEQUENCE_TYPE 4
#define S_ELEM_TYPE 1
#define TT_ELEM_TYPE 1
#define TP_DIMS 1
#define TP_FLOAT_DATA 4
#define TP_INT64_DATA 7
#define TP_RAW_DATA 9

/* --- a counting protobuf-c allocator: live bytes and their peak --- */

static size_t alloc_live, alloc_peak;

static void *
count_alloc(void *data, size_t n)
{
	size_t *p = malloc(n + sizeof(max_align_t));

	(void)data;
	if (p == NULL)
		return NULL;
	*p = n;
	alloc_live += n;
	if (alloc_live > alloc_peak)
		alloc_peak = alloc_live;
	return (char *)p + sizeof(max_align_t);
}

static void
count_free(void *data, void *q)
{
	size_t *p;

	(void)data;
	if (q == NULL)
		return;
	p = (size_t *)(void *)((char *)q - sizeof(max_align_t));
	alloc_live -= *p;
	free(p);
}

static ProtobufCAllocator counting = { count_alloc, count_free, NULL };

/* --- building inputs back to front, so nesting costs O(1) per level --- */

struct rbuf {
	uint8_t *p;
	size_t cap;
	size_t start;		/* the data is p[start..cap) */
};

static void
rb_init(struct rbuf *b, size_t cap)
{
	b->p = malloc(cap);
	assert_non_null(b->p);
	b->cap = cap;
	b->start = cap;
}

static void
rb_free(struct rbuf *b)
{
	free(b->p);
}

static size_t
rb_len(const struct rbuf *b)
{
	return b->cap - b->start;
}

static const uint8_t *
rb_data(const struct rbuf *b)
{
	return b->p + b->start;
}

static void
rb_bytes(struct rbuf *b, const void *d, size_t n)
{
	assert_true(n <= b->start);
	b->start -= n;
	memcpy(b->p + b->start, d, n);
}

static void
rb_varint(struct rbuf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			tmp[n] |= 0x80;
		n++;
	} while (v != 0);
	rb_bytes(b, tmp, n);
}

/* Turn everything built so far into field FIELD (length-delimited). */
static void
rb_wrap(struct rbuf *b, unsigned field)
{
	rb_varint(b, rb_len(b));
	rb_varint(b, (uint64_t)field << 3 | 2);
}

static void
rb_int(struct rbuf *b, unsigned field, uint64_t v)
{
	rb_varint(b, v);
	rb_varint(b, (uint64_t)field << 3);
}

static void
rb_str(struct rbuf *b, unsigned field, const char *s, size_t n)
{
	rb_bytes(b, s, n);
	rb_varint(b, n);
	rb_varint(b, (uint64_t)field << 3 | 2);
}

/* --- running the scan --- */

/* Scan a private copy of exactly N bytes, so that ASan or valgrind catch
 * any read past the end. */
static enum prescan_status
scan_lim(const uint8_t *in, size_t n, const struct prescan_limits *lim,
	 struct prescan_stats *st, struct prescan_error *err)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	enum prescan_status rc;

	assert_non_null(copy);
	if (n > 0)
		memcpy(copy, in, n);
	rc = prescan(copy, n, MODEL, lim, st, err);
	free(copy);
	assert_true(strlen(err->path) < sizeof(err->path));
	assert_true(strlen(err->detail) < sizeof(err->detail));
	return rc;
}

static enum prescan_status
scan(const uint8_t *in, size_t n, struct prescan_error *err)
{
	struct prescan_stats st;

	return scan_lim(in, n, NULL, &st, err);
}

/* Unpack N bytes with protobuf-c: it must accept them, within the
 * estimate.  Returns the number of unknown fields at the top level. */
static unsigned
unpack_ok(const uint8_t *in, size_t n, const struct prescan_stats *st)
{
	Onnx__ModelProto *m;
	unsigned unknown;

	alloc_live = alloc_peak = 0;
	m = onnx__model_proto__unpack(&counting, n, in);
	assert_non_null(m);
	unknown = m->base.n_unknown_fields;
	onnx__model_proto__free_unpacked(m, &counting);
	assert_int_equal(alloc_live, 0);
	if (alloc_peak > st->alloc_estimate)
		fail_msg("protobuf-c peak %zu > estimate %llu", alloc_peak,
			 (unsigned long long)st->alloc_estimate);
	return unknown;
}

/* The scan passes, and protobuf-c agrees. */
static void
expect_ok(const uint8_t *in, size_t n)
{
	struct prescan_stats st;
	struct prescan_error err;
	enum prescan_status rc;

	rc = scan_lim(in, n, NULL, &st, &err);
	if (rc != PRESCAN_OK)
		fail_msg("status %d at %llu: %s: %s", rc,
			 (unsigned long long)err.offset, err.path,
			 err.detail);
	unpack_ok(in, n, &st);
}

/* The scan fails with STATUS at OFFSET; PATH is checked if not NULL. */
static void
expect_fail(const uint8_t *in, size_t n, enum prescan_status status,
	    uint64_t offset, const char *path)
{
	struct prescan_error err;
	enum prescan_status rc;

	rc = scan(in, n, &err);
	if (rc != status)
		fail_msg("status %d, not %d (at %llu: %s: %s)", rc, status,
			 (unsigned long long)err.offset, err.path,
			 err.detail);
	assert_int_equal(err.status, status);
	assert_int_equal(err.offset, offset);
	if (path != NULL)
		assert_string_equal(err.path, path);
	assert_true(err.detail[0] != '\0');
}

#define OK(...) do { \
	static const uint8_t in_[] = { __VA_ARGS__ }; \
	expect_ok(in_, sizeof(in_)); \
} while (0)

#define FAIL(status, offset, path, ...) do { \
	static const uint8_t in_[] = { __VA_ARGS__ }; \
	expect_fail(in_, sizeof(in_), (status), (offset), (path)); \
} while (0)

/* --- the rules --- */

static void
test_defaults(void **state)
{
	struct prescan_limits l;

	(void)state;
	prescan_limits_default(&l);
	assert_int_equal(l.max_depth, 100);
	assert_int_equal(l.max_graph_depth, 32);
	assert_int_equal(l.max_type_depth, 32);
	assert_int_equal(l.max_repeat, 64);
	assert_int_equal(l.max_elements, (uint64_t)1 << 28);
}

static void
test_empty_and_simple(void **state)
{
	static const uint8_t ir[] = { 0x08, 0x01 };
	struct prescan_stats st;
	struct prescan_error err;

	(void)state;
	assert_int_equal(scan_lim(NULL, 0, NULL, &st, &err), PRESCAN_OK);
	assert_int_equal(st.fields, 0);
	assert_int_equal(st.messages, 0);
	assert_int_equal(st.max_depth_seen, 1);
	assert_int_equal(st.max_graph_depth_seen, 0);
	assert_int_equal(st.alloc_estimate, sizeof(Onnx__ModelProto));
	assert_int_equal(scan_lim(ir, sizeof(ir), NULL, &st, &err),
			 PRESCAN_OK);
	assert_int_equal(st.fields, 1);
	assert_int_equal(st.alloc_estimate, sizeof(Onnx__ModelProto));
	expect_ok(ir, sizeof(ir));
	/* LIM, STATS and ERR may all be NULL */
	assert_int_equal(prescan(ir, sizeof(ir), MODEL, NULL, NULL, NULL),
			 PRESCAN_OK);
	assert_int_equal(prescan(ir, 1, MODEL, NULL, NULL, NULL),
			 PRESCAN_TRUNCATED);
}

static void
test_field_number(void **state)
{
	(void)state;
	/* field 0 in two bytes: protobuf-c keeps it, then cannot read its
	 * own output */
	FAIL(PRESCAN_FIELD_NUMBER, 0, "", 0x80, 0x00);
	FAIL(PRESCAN_FIELD_NUMBER, 0, "", 0x00, 0x01);
	FAIL(PRESCAN_FIELD_NUMBER, 2, "", 0x08, 0x01, 0x02, 0x00);
	/* field 2^28 - 1, the largest accepted: an unknown varint */
	OK(0xf8, 0xff, 0xff, 0xff, 0x07, 0x00);
	/* field 2^28 and 2^28 + 1: in [2^28, 2^29) */
	FAIL(PRESCAN_FIELD_NUMBER, 0, "", 0x80, 0x80, 0x80, 0x80, 0x08,
	     0x00);
	FAIL(PRESCAN_FIELD_NUMBER, 0, "", 0x88, 0x80, 0x80, 0x80, 0x08,
	     0x00);
	/* field 2^29 and the largest 5-byte tag */
	FAIL(PRESCAN_FIELD_NUMBER, 0, "", 0x80, 0x80, 0x80, 0x80, 0x10,
	     0x00);
	FAIL(PRESCAN_FIELD_NUMBER, 0, "", 0xf8, 0xff, 0xff, 0xff, 0x7f,
	     0x00);
}

static void
test_tag_encoding(void **state)
{
	(void)state;
	/* ir_version's tag in two bytes: not minimal */
	FAIL(PRESCAN_VARINT, 0, "", 0x88, 0x00, 0x01);
	/* a 6-byte tag: protobuf-c reads at most 5 */
	FAIL(PRESCAN_VARINT, 0, "", 0x88, 0x80, 0x80, 0x80, 0x80, 0x00);
	/* a tag cut short by the end of the input */
	FAIL(PRESCAN_TRUNCATED, 2, "", 0x08, 0x01, 0x98);
	/* the 2-byte tag of unknown field 99 is fine */
	OK(0x98, 0x06, 0x01);
}

static void
test_wire_types(void **state)
{
	(void)state;
	/* groups (3, 4) and 6, 7, on a known and on an unknown field */
	FAIL(PRESCAN_WIRE_TYPE, 0, "ir_version", 0x0b);
	FAIL(PRESCAN_WIRE_TYPE, 0, "ir_version", 0x0c);
	FAIL(PRESCAN_WIRE_TYPE, 0, "ir_version", 0x0e);
	FAIL(PRESCAN_WIRE_TYPE, 0, "ir_version", 0x0f);
	FAIL(PRESCAN_WIRE_TYPE, 0, "field 99", 0x9b, 0x06);
	FAIL(PRESCAN_WIRE_TYPE, 0, "field 99", 0x9c, 0x06);
	FAIL(PRESCAN_WIRE_TYPE, 2, "field 99", 0x08, 0x01, 0x9e, 0x06);
	FAIL(PRESCAN_WIRE_TYPE, 0, "field 99", 0x9f, 0x06);
	/* unknown fields with wire types 0, 1, 2, 5 are kept */
	OK(0x98, 0x06, 0x96, 0x01);
	OK(0x99, 0x06, 1, 2, 3, 4, 5, 6, 7, 8);
	OK(0x9a, 0x06, 0x02, 0x00, 0x00);
	OK(0x9d, 0x06, 1, 2, 3, 4);
	/* cut short */
	FAIL(PRESCAN_TRUNCATED, 2, "field 99", 0x99, 0x06, 1, 2, 3, 4, 5, 6,
	     7);
	FAIL(PRESCAN_TRUNCATED, 2, "field 99", 0x9d, 0x06, 1, 2, 3);
	FAIL(PRESCAN_TRUNCATED, 2, "field 99", 0x9a, 0x06, 0x03, 0x00);
}

static void
test_unknown_kept(void **state)
{
	static const uint8_t in[] = { 0x08, 0x01, 0x98, 0x06, 0x2a };
	struct prescan_stats st;
	struct prescan_error err;

	(void)state;
	assert_int_equal(scan_lim(in, sizeof(in), NULL, &st, &err),
			 PRESCAN_OK);
	assert_int_equal(st.fields, 2);
	assert_int_equal(st.alloc_estimate, sizeof(Onnx__ModelProto) +
			 sizeof(ProtobufCMessageUnknownField) + 1);
	assert_int_equal(unpack_ok(in, sizeof(in), &st), 1);
}

static void
test_wrong_type(void **state)
{
	(void)state;
	/* ir_version (int64) as length-delimited, 64-bit, 32-bit */
	FAIL(PRESCAN_WRONG_TYPE, 0, "ir_version", 0x0a, 0x00);
	FAIL(PRESCAN_WRONG_TYPE, 0, "ir_version", 0x09, 1, 2, 3, 4, 5, 6, 7,
	     8);
	FAIL(PRESCAN_WRONG_TYPE, 0, "ir_version", 0x0d, 1, 2, 3, 4);
	/* producer_name (string) and graph (message) as varints */
	FAIL(PRESCAN_WRONG_TYPE, 0, "producer_name", 0x10, 0x01);
	FAIL(PRESCAN_WRONG_TYPE, 0, "graph", 0x38, 0x01);
	OK(0x08, 0x01, 0x12, 0x01, 0x61, 0x3a, 0x00);
	/* graph.initializer[0].float_data (repeated float): 32-bit and
	 * packed are fine, a varint is not */
	OK(0x3a, 0x07, 0x2a, 0x05, 0x25, 0, 0, 0x80, 0x3f);
	OK(0x3a, 0x0c, 0x2a, 0x0a, 0x22, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0,
	   0x40);
	FAIL(PRESCAN_WRONG_TYPE, 4, "graph.initializer[0].float_data[0]",
	     0x3a, 0x04, 0x2a, 0x02, 0x20, 0x01);
	/* a singular scalar is never packed */
	FAIL(PRESCAN_WRONG_TYPE, 4, "graph.initializer[0].data_type",
	     0x3a, 0x05, 0x2a, 0x03, 0x12, 0x01, 0x01);
}

static void
test_varint(void **state)
{
	(void)state;
	/* ir_version = -1: ten bytes, the last one 1 */
	OK(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	   0x01);
	/* a tenth byte of 2 overflows 64 bits */
	FAIL(PRESCAN_VARINT, 1, "ir_version", 0x08, 0xff, 0xff, 0xff, 0xff,
	     0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
	/* eleven bytes */
	FAIL(PRESCAN_VARINT, 1, "ir_version", 0x08, 0xff, 0xff, 0xff, 0xff,
	     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	/* a varint cut short by the input, or by its message */
	FAIL(PRESCAN_TRUNCATED, 1, "ir_version", 0x08, 0xff);
	FAIL(PRESCAN_TRUNCATED, 5, "graph.initializer[0].data_type",
	     0x3a, 0x03, 0x2a, 0x01, 0x10, 0x96, 0x01);
}

static void
test_length(void **state)
{
	static const uint8_t past[] = { 0x12, 0x05, 0x61, 0x62 };
	static const uint8_t inner[] = {
		0x3a, 0x02, 0x0a, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00
	};
	struct prescan_error err;

	(void)state;
	OK(0x12, 0x02, 0x61, 0x62);
	assert_int_equal(scan(past, sizeof(past), &err), PRESCAN_TRUNCATED);
	assert_int_equal(err.offset, 1);
	assert_string_equal(err.path, "producer_name");
	assert_string_equal(err.detail, "length 5 at offset 1 passes the "
			    "end of the input (size 4)");
	/* graph is 2 bytes long, its node claims 5 */
	assert_int_equal(scan(inner, sizeof(inner), &err),
			 PRESCAN_TRUNCATED);
	assert_int_equal(err.offset, 3);
	assert_string_equal(err.path, "graph.node[0]");
	assert_string_equal(err.detail, "length 5 at offset 3 passes the "
			    "end of its message (at offset 4)");
	/* a length prefix of 6 bytes (protobuf-c reads at most 5), and a
	 * 5-byte one of 2^32 - 1 */
	FAIL(PRESCAN_VARINT, 1, "producer_name", 0x12, 0x80, 0x80, 0x80,
	     0x80, 0x80, 0x00);
	FAIL(PRESCAN_TRUNCATED, 1, "producer_name", 0x12, 0xff, 0xff, 0xff,
	     0xff, 0x0f, 0x00);
	/* non-minimal but within 5 bytes: protobuf-c accepts it */
	OK(0x12, 0x81, 0x80, 0x00, 0x61);
	/* a length prefix cut short */
	FAIL(PRESCAN_TRUNCATED, 1, "producer_name", 0x12, 0x80);
}

static void
test_packed(void **state)
{
	struct rbuf b;
	struct prescan_stats st;
	struct prescan_error err;
	size_t i;

	(void)state;
	/* int64_data [150, 1] packed; dims 5 unpacked and [5, 6] packed */
	OK(0x3a, 0x0d, 0x2a, 0x0b, 0x3a, 0x03, 0x96, 0x01, 0x01, 0x08, 0x05,
	   0x0a, 0x02, 0x05, 0x06);
	/* an empty packed array */
	OK(0x3a, 0x04, 0x2a, 0x02, 0x3a, 0x00);
	/* the last varint is cut short */
	FAIL(PRESCAN_TRUNCATED, 7, "graph.initializer[0].int64_data[0]",
	     0x3a, 0x06, 0x2a, 0x04, 0x3a, 0x02, 0x01, 0x96);
	/* an element of 11 bytes, and one overflowing 64 bits */
	FAIL(PRESCAN_VARINT, 6, "graph.initializer[0].int64_data[0]",
	     0x3a, 0x0f, 0x2a, 0x0d, 0x3a, 0x0b, 0xff, 0xff, 0xff, 0xff, 0xff,
	     0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
	FAIL(PRESCAN_VARINT, 7, "graph.initializer[0].int64_data[0]",
	     0x3a, 0x0f, 0x2a, 0x0d, 0x3a, 0x0b, 0x00, 0xff, 0xff, 0xff, 0xff,
	     0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
	/* float_data: 7 bytes is not a whole number of floats */
	FAIL(PRESCAN_TRUNCATED, 10, "graph.initializer[0].float_data[0]",
	     0x3a, 0x0b, 0x2a, 0x09, 0x22, 0x07, 0, 0, 0x80, 0x3f, 0, 0, 0);
	/* the second occurrence of a repeated field is index 1 */
	FAIL(PRESCAN_TRUNCATED, 10,
	     "graph.node[0].attribute[0].ints[1]", 0x3a, 0x09, 0x0a, 0x07,
	     0x2a, 0x05, 0x40, 0x01, 0x42, 0x01, 0x80);
	/* 1000 int64s: 1000 * 8 bytes of element storage */
	rb_init(&b, 4096);
	for (i = 0; i < 1000; i++)
		rb_varint(&b, i);
	rb_wrap(&b, TP_INT64_DATA);
	rb_wrap(&b, G_INITIALIZER);
	rb_wrap(&b, M_GRAPH);
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), NULL, &st, &err),
			 PRESCAN_OK);
	assert_true(st.alloc_estimate >= 8000);
	assert_int_equal(st.fields, 3);
	unpack_ok(rb_data(&b), rb_len(&b), &st);
	rb_free(&b);
}

static void
test_nul(void **state)
{
	(void)state;
	/* producer_name "a\0b" */
	FAIL(PRESCAN_NUL, 3, "producer_name", 0x12, 0x03, 0x61, 0x00, 0x62);
	/* a NUL in graph.node[1].name, and in a repeated string */
	FAIL(PRESCAN_NUL, 9, "graph.node[1].name", 0x3a, 0x08, 0x0a, 0x00,
	     0x0a, 0x04, 0x1a, 0x02, 0x78, 0x00);
	FAIL(PRESCAN_NUL, 8, "graph.node[0].input[1]", 0x3a, 0x07, 0x0a,
	     0x05, 0x0a, 0x00, 0x0a, 0x01, 0x00);
	/* raw_data (bytes) may hold NUL; so may AttributeProto.s */
	OK(0x3a, 0x06, 0x2a, 0x04, 0x4a, 0x02, 0x00, 0x00);
	OK(0x3a, 0x08, 0x0a, 0x06, 0x2a, 0x04, 0x22, 0x02, 0x00, 0x00);
	/* an empty string is fine */
	OK(0x12, 0x00);
}

static void
test_paths(void **state)
{
	(void)state;
	/* graph.node[1].attribute[1].i sent as length-delimited */
	FAIL(PRESCAN_WRONG_TYPE, 16, "graph.node[1].attribute[1].i",
	     0x3a, 0x10, 0x0a, 0x03, 0x22, 0x01, 0x41, 0x0a, 0x09, 0x2a, 0x03,
	     0x0a, 0x01, 0x78, 0x2a, 0x02, 0x1a, 0x00);
	/* graph.node[0].attribute[0] itself as a varint */
	FAIL(PRESCAN_WRONG_TYPE, 4, "graph.node[0].attribute[0]", 0x3a,
	     0x04, 0x0a, 0x02, 0x28, 0x01);
	/* a bad tag inside graph.node[0].attribute[0] */
	FAIL(PRESCAN_FIELD_NUMBER, 6, "graph.node[0].attribute[0]", 0x3a,
	     0x05, 0x0a, 0x03, 0x2a, 0x01, 0x00);
	/* unknown field 99 in the graph */
	FAIL(PRESCAN_WIRE_TYPE, 2, "graph.field 99", 0x3a, 0x02, 0x9f,
	     0x06);
}

static void
test_count(void **state)
{
	static const uint8_t in[] = { 0x08, 0x01, 0x08, 0x02, 0x08, 0x03 };
	struct prescan_limits l;
	struct prescan_stats st;
	struct prescan_error err;

	(void)state;
	prescan_limits_default(&l);
	l.max_elements = 3;
	assert_int_equal(scan_lim(in, sizeof(in), &l, &st, &err),
			 PRESCAN_OK);
	l.max_elements = 2;
	assert_int_equal(scan_lim(in, sizeof(in), &l, &st, &err),
			 PRESCAN_COUNT);
	assert_int_equal(err.offset, 4);
	assert_string_equal(err.path, "ir_version");
}

/* A singular message of a type with a oneof, given twice: protobuf-c
 * merges the two, and cannot when neither sets a member of the oneof;
 * the scan refuses exactly those (graph.input[0].type twice here). */
static void
test_merge_oneof(void **state)
{
	static const uint8_t bad[] = { 0x3a, 0x06, 0x5a, 0x04,
	    0x12, 0x00, 0x12, 0x00 };
	static const uint8_t bad_denotation[] = { 0x3a, 0x0a, 0x5a, 0x08,
	    0x12, 0x02, 0x32, 0x00, 0x12, 0x02, 0x32, 0x00 };

	(void)state;
	FAIL(PRESCAN_MERGE, 6, "graph.input[0].type", 0x3a, 0x06, 0x5a, 0x04,
	     0x12, 0x00, 0x12, 0x00);
	FAIL(PRESCAN_MERGE, 8, "graph.input[0].type", 0x3a, 0x0a, 0x5a,
	     0x08, 0x12, 0x02, 0x32, 0x00, 0x12, 0x02, 0x32, 0x00);
	/* protobuf-c refuses them indeed */
	assert_null(onnx__model_proto__unpack(NULL, sizeof(bad), bad));
	assert_null(onnx__model_proto__unpack(NULL, sizeof(bad_denotation),
	    bad_denotation));
	/* either occurrence with a member: merged */
	OK(0x3a, 0x08, 0x5a, 0x06, 0x12, 0x02, 0x0a, 0x00, 0x12, 0x00);
	OK(0x3a, 0x08, 0x5a, 0x06, 0x12, 0x00, 0x12, 0x02, 0x0a, 0x00);
	OK(0x3a, 0x0a, 0x5a, 0x08, 0x12, 0x02, 0x22, 0x00, 0x12, 0x02, 0x22,
	   0x00);
	/* the first with a member: a third without one merges too */
	OK(0x3a, 0x0a, 0x5a, 0x08, 0x12, 0x02, 0x0a, 0x00, 0x12, 0x00, 0x12,
	   0x00);
	/* a oneof member given twice is replaced, not merged */
	OK(0x3a, 0x0a, 0x5a, 0x08, 0x12, 0x06, 0x22, 0x00, 0x22, 0x02, 0x0a,
	   0x00);
	/* a type without a oneof (the graph) merges whatever it holds */
	OK(0x3a, 0x00, 0x3a, 0x00);
}

/* ModelProto.graph given N times, each an empty GraphProto. */
static void
repeated_graph(unsigned n, enum prescan_status want)
{
	uint8_t in[200];
	struct prescan_stats st;
	struct prescan_error err;
	unsigned i;

	assert_true(2 * n <= sizeof(in));
	for (i = 0; i < n; i++) {
		in[2 * i] = 0x3a;
		in[2 * i + 1] = 0x00;
	}
	assert_int_equal(scan_lim(in, 2 * n, NULL, &st, &err), want);
	if (want == PRESCAN_OK) {
		unpack_ok(in, 2 * n, &st);
		return;
	}
	assert_int_equal(err.offset, 128);
	assert_string_equal(err.path, "graph");
	assert_string_equal(err.detail, "occurrence 65 > 64");
}

static void
test_repeated(void **state)
{
	uint8_t in[3 + 2 * 65];
	unsigned i;

	(void)state;
	repeated_graph(64, PRESCAN_OK);
	repeated_graph(65, PRESCAN_REPEATED);
	/* repeated fields may repeat without limit: 65 empty nodes */
	in[0] = 0x3a;
	in[1] = 0x82;		/* 130 */
	in[2] = 0x01;
	for (i = 0; i < 65; i++) {
		in[3 + 2 * i] = 0x0a;
		in[4 + 2 * i] = 0x00;
	}
	expect_ok(in, sizeof(in));
}

/* A model whose graph input has a TypeProto nested LEVELS deep through
 * sequence_type. */
static void
type_nest(struct rbuf *b, unsigned levels)
{
	unsigned i;

	rb_init(b, 64 + (size_t)levels * 8);
	rb_int(b, TT_ELEM_TYPE, 1);
	rb_wrap(b, T_TENSOR_TYPE);
	for (i = 1; i < levels; i++) {
		rb_wrap(b, S_ELEM_TYPE);
		rb_wrap(b, T_SEQUENCE_TYPE);
	}
	rb_wrap(b, V_TYPE);
	rb_str(b, V_NAME, "x", 1);
	rb_wrap(b, G_INPUT);
	rb_wrap(b, M_GRAPH);
	rb_int(b, M_IR_VERSION, 8);
}

static void
test_type_nesting(void **state)
{
	struct rbuf b;
	struct prescan_stats st;
	struct prescan_error err;
	static const char head[] =
		"graph.input[0].type.sequence_type.elem_type.sequence_type";

	(void)state;
	type_nest(&b, 32);
	expect_ok(rb_data(&b), rb_len(&b));
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), NULL, &st, &err),
			 PRESCAN_OK);
	assert_int_equal(st.max_depth_seen, 4 + 2 * 31 + 1);
	rb_free(&b);

	type_nest(&b, 33);
	assert_int_equal(scan(rb_data(&b), rb_len(&b), &err),
			 PRESCAN_TYPE_NESTING);
	assert_string_equal(err.detail, "type depth 33 > 32");
	assert_memory_equal(err.path, head, sizeof(head) - 1);
	assert_non_null(strstr(err.path, "elem_type"));
	rb_free(&b);
}

/* A model with LEVELS GraphProtos: each graph's one node has an
 * attribute "g" holding the next. */
static void
graph_nest(struct rbuf *b, unsigned levels)
{
	unsigned i;

	rb_init(b, 64 + (size_t)levels * 32);
	for (i = 1; i < levels; i++) {
		rb_wrap(b, A_G);
		rb_int(b, 20, 5);	/* type: GRAPH */
		rb_str(b, A_NAME, "then_branch", 11);
		rb_wrap(b, N_ATTRIBUTE);
		rb_str(b, N_OP_TYPE, "If", 2);
		rb_wrap(b, G_NODE);
	}
	rb_wrap(b, M_GRAPH);
	rb_int(b, M_IR_VERSION, 8);
}

static void
test_graph_nesting(void **state)
{
	struct rbuf b;
	struct prescan_stats st;
	struct prescan_error err;
	static const char head[] = "graph.node[0].attribute[0].g.node[0]";
	static const char tail[] = "node[0].attribute[0].g";
	size_t n;

	(void)state;
	graph_nest(&b, 32);
	expect_ok(rb_data(&b), rb_len(&b));
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), NULL, &st, &err),
			 PRESCAN_OK);
	assert_int_equal(st.max_graph_depth_seen, 32);
	assert_int_equal(st.max_depth_seen, 2 + 3 * 31);
	rb_free(&b);

	/* 33 graphs: the path (5 + 32 * 23 bytes) is cut in the middle */
	graph_nest(&b, 33);
	assert_int_equal(scan(rb_data(&b), rb_len(&b), &err),
			 PRESCAN_GRAPH_NESTING);
	assert_string_equal(err.detail, "graph depth 33 > 32");
	n = strlen(err.path);
	assert_true(n < sizeof(err.path));
	assert_true(n > 400);
	assert_memory_equal(err.path, head, sizeof(head) - 1);
	assert_string_equal(err.path + n - (sizeof(tail) - 1), tail);
	assert_non_null(strstr(err.path, "...(+"));
	rb_free(&b);
}

static void
test_depth(void **state)
{
	struct rbuf b;
	struct prescan_limits l;
	struct prescan_stats st;
	struct prescan_error err;

	(void)state;
	prescan_limits_default(&l);
	type_nest(&b, 4);	/* depth 4 + 2 * 3 + 1 = 11 */
	l.max_depth = 11;
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), &l, &st, &err),
			 PRESCAN_OK);
	assert_int_equal(st.max_depth_seen, 11);
	l.max_depth = 10;
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), &l, &st, &err),
			 PRESCAN_NESTING);
	assert_string_equal(err.detail, "depth 11 > 10");
	assert_string_equal(err.path, "graph.input[0].type.sequence_type."
			    "elem_type.sequence_type.elem_type."
			    "sequence_type.elem_type.tensor_type");
	l.max_depth = 0;
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), &l, &st, &err),
			 PRESCAN_NESTING);
	rb_free(&b);
}

static void
test_nesting_bomb(void **state)
{
	struct rbuf b;
	struct prescan_limits l;
	struct prescan_stats st;
	struct prescan_error err;
	clock_t t0;

	(void)state;
	type_nest(&b, 100000);
	t0 = clock();
	assert_int_equal(scan(rb_data(&b), rb_len(&b), &err),
			 PRESCAN_TYPE_NESTING);
	/* past the type limit, the message limit stops it */
	prescan_limits_default(&l);
	l.max_type_depth = UINT_MAX;
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), &l, &st, &err),
			 PRESCAN_NESTING);
	assert_string_equal(err.detail, "depth 101 > 100");
	/* and with no limits at all it still completes: the stack is on
	 * the heap, 200,004 frames */
	l.max_depth = UINT_MAX;
	assert_int_equal(scan_lim(rb_data(&b), rb_len(&b), &l, &st, &err),
			 PRESCAN_OK);
	assert_int_equal(st.max_depth_seen, 4 + 2 * 99999 + 1);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	rb_free(&b);
}

/* --- real models --- */

static uint8_t *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long size;

	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	p = malloc((size_t)size);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*n = (size_t)size;
	return p;
}

static void
real_model(const char *path, unsigned graph_depth)
{
	struct prescan_stats st;
	struct prescan_error err;
	enum prescan_status rc;
	uint8_t *p;
	size_t n;

	p = read_file(path, &n);
	if (p == NULL) {
		skip();
		return;
	}
	rc = scan_lim(p, n, NULL, &st, &err);
	if (rc != PRESCAN_OK)
		fail_msg("%s: status %d at %llu: %s: %s", path, rc,
			 (unsigned long long)err.offset, err.path,
			 err.detail);
	assert_int_equal(st.max_graph_depth_seen, graph_depth);
	assert_true(st.messages > 1000);
	assert_true(st.fields > st.messages);
	unpack_ok(p, n, &st);
	/* the estimate is an upper bound, but a close one */
	assert_true(st.alloc_estimate < alloc_peak + alloc_peak / 50);
	free(p);
}

static void
test_paddleocr(void **state)
{
	(void)state;
	real_model("testdata/corpus/paddleocr_cls.onnx", 1);
}

static void
test_silero(void **state)
{
	(void)state;
	real_model("testdata/corpus/silero_vad_legacy.onnx", 3);
}

static void
test_prefixes(void **state)
{
	struct prescan_stats st;
	struct prescan_error err;
	enum prescan_status rc;
	uint8_t *p;
	size_t n, k, cut;

	(void)state;
	p = read_file("testdata/corpus/paddleocr_cls.onnx", &n);
	if (p == NULL) {
		skip();
		return;
	}
	for (k = 0; k <= 16; k++) {
		cut = n * k / 16;
		rc = scan_lim(p, cut, NULL, &st, &err);
		if (rc == PRESCAN_OK) {
			unpack_ok(p, cut, &st);
			continue;
		}
		assert_true(k > 0 && k < 16);
		assert_true(err.offset <= cut);
		assert_int_equal(err.status, rc);
		/* the input ends inside a field */
		assert_int_equal(rc, PRESCAN_TRUNCATED);
	}
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_and_simple),
		cmocka_unit_test(test_field_number),
		cmocka_unit_test(test_tag_encoding),
		cmocka_unit_test(test_wire_types),
		cmocka_unit_test(test_unknown_kept),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_packed),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_repeated),
		cmocka_unit_test(test_type_nesting),
		cmocka_unit_test(test_graph_nesting),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_nesting_bomb),
		cmocka_unit_test(test_paddleocr),
		cmocka_unit_test(test_silero),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_merge_oneof),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
