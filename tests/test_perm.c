/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the perm module (src/ir/perm.c): perm algebra, the
 * channels-first/last perms of every rank, operator classes, reading
 * integer constants, and permuting constant tensors.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "ir/perm.h"

static void
test_algebra(void **state)
{
	int p[] = { 0, 2, 3, 1 }, q[] = { 0, 3, 1, 2 }, inv[4], c[4];
	int r3[] = { 1, 2, 0 }, c3[3];

	(void)state;
	assert_true(perm_valid(p, 4));
	perm_inverse(p, 4, inv);
	assert_memory_equal(inv, q, sizeof(q));
	perm_compose(p, q, 4, c);
	assert_true(perm_is_identity(c, 4));
	/* p then p is not the identity, whatever the dims are. */
	perm_compose(p, p, 4, c);
	assert_false(perm_is_identity(c, 4));
	assert_memory_equal(c, q, sizeof(q));
	/* "p1 then p2" is p1[p2[i]]. */
	perm_compose(r3, r3, 3, c3);
	assert_int_equal(c3[0], 2);
	assert_int_equal(c3[1], 0);
	assert_int_equal(c3[2], 1);
	{
		int bad[] = { 0, 0, 1 }, big[] = { 0, 3, 1 };

		assert_false(perm_valid(bad, 3));
		assert_false(perm_valid(big, 3));
	}
}

static void
test_layout_perms(void **state)
{
	int p[PERM_MAX], r;
	char buf[64];

	(void)state;
	perm_layout(PERM_TO_LAST, 4, p);
	assert_string_equal(perm_str(p, 4, buf, sizeof(buf)), "0,2,3,1");
	assert_int_equal(perm_kind(p, 4), PERM_TO_LAST);
	perm_layout(PERM_TO_FIRST, 4, p);
	assert_string_equal(perm_str(p, 4, buf, sizeof(buf)), "0,3,1,2");
	assert_int_equal(perm_kind(p, 4), PERM_TO_FIRST);
	perm_layout(PERM_TO_LAST, 5, p);
	assert_string_equal(perm_str(p, 5, buf, sizeof(buf)), "0,2,3,4,1");
	perm_layout(PERM_TO_FIRST, 5, p);
	assert_string_equal(perm_str(p, 5, buf, sizeof(buf)), "0,4,1,2,3");
	perm_layout(PERM_TO_FIRST, 3, p);
	assert_string_equal(perm_str(p, 3, buf, sizeof(buf)), "0,2,1");
	for (r = 0; r < 4; r++)
		p[r] = r;
	assert_int_equal(perm_kind(p, 4), PERM_IDENTITY);
	p[1] = 2;
	p[2] = 1;
	assert_int_equal(perm_kind(p, 4), PERM_OTHER);
}

static void
test_op_classes(void **state)
{
	struct ir_model *m = b_model(13);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *conv = b_node(g, "Conv", "c", 1, x);
	struct ir_node *mul = b_node(g, "Mul", "m", 2, x, x);
	struct ir_node *relu = b_node(g, "Relu", "r", 1, x);
	struct ir_node *resh = b_node(g, "Reshape", "s", 2, x, x);

	(void)state;
	assert_true(perm_layout_sensitive(conv));
	assert_false(perm_layout_sensitive(mul));
	assert_int_equal(perm_push_kind(mul), PUSH_BROADCAST);
	assert_int_equal(perm_push_kind(relu), PUSH_UNARY);
	assert_int_equal(perm_push_kind(resh), PUSH_NONE);
	assert_int_equal(perm_push_kind(conv), PUSH_NONE);
	relu->domain = "com.example";
	assert_int_equal(perm_push_kind(relu), PUSH_NONE);
	ir_model_free(m);
}

static void
test_const_transpose(void **state)
{
	struct arena a;
	struct ir_tensor t, *o;
	int64_t dims[] = { 2, 3 }, vals[8];
	float data[6] = { 0, 1, 2, 3, 4, 5 }, got[6];
	int p[] = { 1, 0 };
	size_t n;

	(void)state;
	arena_init(&a, NULL);
	memset(&t, 0, sizeof(t));
	t.elem = IR_ELEM_FLOAT;
	t.rank = 2;
	t.dims = dims;
	t.storage = IR_DATA_RAW;
	t.data = (const uint8_t *)data;
	t.size = sizeof(data);
	t.nfields = 1;
	o = perm_const_transpose(&a, &t, p, "t");
	assert_non_null(o);
	assert_int_equal(o->dims[0], 3);
	assert_int_equal(o->dims[1], 2);
	memcpy(got, o->data, sizeof(got));
	/* [[0,1,2],[3,4,5]] transposed is [[0,3],[1,4],[2,5]]. */
	assert_true(got[0] == 0 && got[1] == 3 && got[2] == 1 &&
	    got[3] == 4 && got[4] == 2 && got[5] == 5);
	/* The source is left as it was. */
	assert_true(data[1] == 1);
	/* Typed int64 data reads like raw data. */
	{
		int64_t typed[] = { 3, -1 }, d1[] = { 2 };
		struct ir_tensor ti;

		memset(&ti, 0, sizeof(ti));
		ti.elem = IR_ELEM_INT64;
		ti.rank = 1;
		ti.dims = d1;
		ti.storage = IR_DATA_TYPED;
		ti.typed = typed;
		ti.ntyped = 2;
		ti.nfields = 1;
		ti.typed_field = 7;	/* int64_data */
		assert_int_equal(perm_const_ints(&ti, vals, 8, &n), 0);
		assert_int_equal(n, 2);
		assert_true(vals[0] == 3 && vals[1] == -1);
		assert_int_equal(perm_const_ints(&ti, vals, 1, &n), -1);
		/* int32_data is not where int64 values live: its entries
		 * are half as wide. */
		ti.typed_field = 5;
		assert_int_equal(perm_const_ints(&ti, vals, 8, &n), -1);
		assert_false(perm_const_readable(&ti));
	}
	/* Strings cannot be permuted. */
	t.elem = IR_ELEM_STRING;
	assert_null(perm_const_transpose(&a, &t, p, "s"));
	assert_false(perm_const_movable(&t));
	arena_release(&a);
}

/* What can be read: the byte size is computed without wrapping, and the
 * data must be exactly that. */
static void
test_const_readable(void **state)
{
	struct arena a;
	struct ir_tensor t;
	int64_t wrap[] = { 1, 3, 768614336404564651LL, 1 }, one[] = { 1 };
	int64_t d6[] = { 2, 3 };
	uint8_t data[16] = { 0 };
	float f[6] = { 0 };
	int p[] = { 0, 1, 2, 3 };

	(void)state;
	arena_init(&a, NULL);
	memset(&t, 0, sizeof(t));
	/* 3 x 768614336404564651 x 8 bytes is 2^64 + 8: not 8. */
	t.elem = IR_ELEM_DOUBLE;
	t.rank = 4;
	t.dims = wrap;
	t.storage = IR_DATA_RAW;
	t.data = data;
	t.size = 8;
	t.nfields = 1;
	assert_false(perm_const_readable(&t));
	assert_false(perm_const_movable(&t));
	assert_null(perm_const_transpose(&a, &t, p, "w"));
	/* An empty tensor with huge other dims: nothing to move, and no
	 * stride computed from them. */
	{
		int64_t dz[] = { 0, 1LL << 40, 1LL << 40 };
		int q[] = { 2, 1, 0 };
		struct ir_tensor *o;

		t.rank = 3;
		t.dims = dz;
		t.size = 0;
		assert_true(perm_const_readable(&t));
		o = perm_const_transpose(&a, &t, q, "z");
		assert_non_null(o);
		assert_int_equal(o->size, 0);
		assert_int_equal(o->dims[0], 1LL << 40);
		assert_int_equal(o->dims[2], 0);
	}
	/* Raw data of the right length. */
	t.elem = IR_ELEM_FLOAT;
	t.rank = 2;
	t.dims = d6;
	t.data = (const uint8_t *)f;
	t.size = sizeof(f);
	assert_true(perm_const_readable(&t));
	t.size = sizeof(f) - 1;
	assert_false(perm_const_readable(&t));
	assert_false(perm_const_movable(&t));
	/* Sub-byte and complex typed data cannot be permuted here. */
	t.size = 3;
	t.elem = IR_ELEM_INT4;
	assert_false(perm_const_readable(&t));
	t.elem = IR_ELEM_COMPLEX64;
	t.storage = IR_DATA_TYPED;
	t.typed = f;
	t.ntyped = 6;
	t.typed_field = 4;
	assert_false(perm_const_readable(&t));
	/* Typed float data in float_data can. */
	t.elem = IR_ELEM_FLOAT;
	assert_true(perm_const_readable(&t));
	/* No data at all: only an empty tensor. */
	t.storage = IR_DATA_NONE;
	t.nfields = 0;
	assert_false(perm_const_readable(&t));
	/* External data is not read, but the Transpose can move. */
	t.storage = IR_DATA_EXTERNAL;
	assert_false(perm_const_readable(&t));
	assert_true(perm_const_movable(&t));
	/* One element broadcasts whatever its data. */
	t.storage = IR_DATA_NONE;
	t.rank = 1;
	t.dims = one;
	assert_true(perm_const_movable(&t));
	arena_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_algebra),
		cmocka_unit_test(test_layout_perms),
		cmocka_unit_test(test_op_classes),
		cmocka_unit_test(test_const_transpose),
		cmocka_unit_test(test_const_readable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
