/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the BatchNormalization helpers (passes/bn.c): epsilon
 * comparison after float32 rounding, the conventions, float16 and
 * bfloat16 rounding of folded values, new initializers, node moves.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "passes/bn.h"

static void
test_float_eq(void **state)
{
	(void)state;
	/* 1e-5 as the float32 an attribute holds. */
	assert_true(bn_float_eq(1e-5, 9.99999974738e-06));
	assert_false(bn_float_eq(1e-5, 1.001e-5));
	assert_false(bn_float_eq(1e-3, 1e-5));
	assert_true(bn_float_eq(0.9, 0.8999999761581421));
	assert_string_equal(bn_eps_origin(1e-3), "Keras default");
	assert_string_equal(bn_eps_origin(1.001e-5),
	    "TF fused-BN clamp of 1e-5");
	assert_null(bn_eps_origin(2e-5));
	assert_true(bn_conv_eps_ok(ONNXFIX_CONV_TF, 1e-4));
	assert_true(bn_conv_eps_ok(ONNXFIX_CONV_TF, 1.001e-5));
	assert_false(bn_conv_eps_ok(ONNXFIX_CONV_TF, 1e-5));
	assert_false(bn_conv_eps_ok(ONNXFIX_CONV_PYTORCH, 1e-3));
	assert_true(bn_conv_momentum(ONNXFIX_CONV_TF) < 0);
}

static void
test_round_half(void **state)
{
	(void)state;
	/* The facts: 1e-5 and 1.001e-5 both round to 1.00136e-5. */
	assert_true(fabs(bn_round_half(1e-5) - 1.0013580322265625e-05) <
	    1e-12);
	assert_true(bn_round_half(1.001e-5) == bn_round_half(1e-5));
	assert_true(bn_round_half(1e-12) == 0);
	assert_true(bn_round_half(1.0) == 1.0);
	assert_true(bn_round_half(65504.0) == 65504.0);
	assert_true(isinf(bn_round_half(70000.0)));
	assert_true(bn_round_half(0.1) == 0.0999755859375);
	assert_true(bn_round_half(-2.5) == -2.5);
	/* Ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10. */
	assert_true(bn_round_half(1.0 + ldexp(1, -11)) == 1.0);
	assert_true(bn_round_half(1.0 + 3 * ldexp(1, -11)) ==
	    1.0 + ldexp(1, -9));
	/* The smallest subnormal, and just below half of it. */
	assert_true(bn_round_half(ldexp(1, -24)) == ldexp(1, -24));
	assert_true(bn_round_half(ldexp(1, -26)) == 0);
}

static void
test_new_init(void **state)
{
	struct ir_model *m = b_model(15);
	struct ir_graph *g = m->graph;
	static const double vals[] = { 1.0, -0.5, 0.1, 3e-6 };
	static const int32_t elems[] = { IR_ELEM_FLOAT, IR_ELEM_DOUBLE,
	    IR_ELEM_FLOAT16, IR_ELEM_BFLOAT16 };
	int64_t dims[1] = { 4 };
	size_t cap = 0, k;
	int i;

	(void)state;
	b_input(g, "w_folded");	/* the name is taken: a new one is made */
	for (k = 0; k < sizeof(elems) / sizeof(elems[0]); k++) {
		struct ir_value *v = bn_new_init(g, &cap, "w_folded",
		    elems[k], 1, dims, vals);

		assert_non_null(v);
		assert_string_not_equal(v->name, "w_folded");
		assert_int_equal(v->kind, IR_VALUE_INITIALIZER);
		assert_ptr_equal(g->inits[g->ninits - 1], v->init);
		assert_true(v->init->dirty);
		for (i = 0; i < 4; i++) {
			double d;

			assert_int_equal(ir_tensor_get_f64(v->init,
			    (uint64_t)i, &d), 0);
			switch (elems[k]) {
			case IR_ELEM_FLOAT:
				assert_true(d == (float)vals[i]);
				break;
			case IR_ELEM_DOUBLE:
				assert_true(d == vals[i]);
				break;
			case IR_ELEM_FLOAT16:
				assert_true(d == bn_round_half(vals[i]));
				break;
			default:	/* bfloat16: 8 significant bits */
				assert_true(fabs(d - vals[i]) <=
				    fabs(vals[i]) / 256);
				break;
			}
		}
	}
	assert_int_equal(g->ninits, 4);
	ir_model_free(m);
}

static void
test_attrs_and_move(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *a = b_node(g, "BatchNormalization", "a", 1, x);
	struct ir_node *b = b_node(g, "Relu", "b", 1, a->outputs[0]);
	struct ir_node *c;
	struct bn_attrs at;

	(void)state;
	assert_true(bn_is_bn(a));
	bn_read(a, &at);
	assert_false(at.has_eps);
	assert_true(at.eps == BN_EPS_DEFAULT);
	assert_int_equal(bn_set_float(a, "epsilon", 1e-3f), 0);
	assert_int_equal(bn_set_int(a, "training_mode", 1), 0);
	assert_int_equal(bn_set_float(a, "epsilon", 2e-3f), 0);
	assert_int_equal(a->nattrs, 2);
	bn_read(a, &at);
	assert_true(at.has_eps && (float)at.eps == 2e-3f);
	assert_true(at.training);
	assert_true(bn_drop_attr(a, "training_mode"));
	assert_false(bn_drop_attr(a, "training_mode"));
	assert_int_equal(a->nattrs, 1);
	c = b_node(g, "Neg", "c", 1, x);
	bn_move_after(c, a);
	assert_ptr_equal(g->nodes[0], a);
	assert_ptr_equal(g->nodes[1], c);
	assert_ptr_equal(g->nodes[2], b);
	assert_int_equal(c->index, 1);
	assert_int_equal(b->index, 2);
	ir_model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_eq),
		cmocka_unit_test(test_round_half),
		cmocka_unit_test(test_new_init),
		cmocka_unit_test(test_attrs_and_move),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
