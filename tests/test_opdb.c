/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the operator database (src/opdb/opdb.c over the tables that
 * src/opdb/opdbgen.awk generates).  Every expectation is a fact copied from
 * the TSV files in src/opdb/, so a data refresh that changes one of them
 * shows up here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "opdb/opdb.h"

#define UNBOUNDED 2147483647

/* Schema of (DOMAIN, OP) at OPSET, which must exist and have SINCE. */
static const struct opdb_schema *
schema_at(const char *domain, const char *op, long long opset, int since)
{
	const struct opdb_schema *s = opdb_schema(domain, op, opset);

	assert_non_null(s);
	assert_string_equal(opdb_s(s->op), op);
	assert_int_equal(s->since, since);
	assert_true(s->since <= opset && opset <= s->last);
	return s;
}

static void
test_resolve_since(void **state)
{
	(void)state;
	schema_at("", "Conv", 14, 11);
	schema_at("", "Conv", 11, 11);
	schema_at("", "Conv", 10, 1);
	schema_at("", "Conv", 22, 22);
	schema_at("", "Conv", 28, 22);
	schema_at("", "BatchNormalization", 14, 14);
	schema_at("", "BatchNormalization", 15, 15);
	schema_at("", "BatchNormalization", 9, 9);
	schema_at("", "BatchNormalization", 13, 9);
	schema_at("", "BatchNormalization", 8, 7);
	schema_at("ai.onnx.ml", "TreeEnsembleClassifier", 4, 3);
}

static void
test_resolve_out_of_range(void **state)
{
	(void)state;
	/* Conv starts at 1; opset 0 and negatives resolve to nothing */
	assert_null(opdb_schema("", "Conv", 0));
	assert_null(opdb_schema("", "Conv", -5));
	/* ai.onnx ends at 28 */
	assert_null(opdb_schema("", "Conv", 29));
	assert_null(opdb_schema("", "Conv", 1LL << 40));
	/* Scatter first appears at opset 9 */
	assert_null(opdb_schema("", "Scatter", 8));
}

static void
test_unknown(void **state)
{
	(void)state;
	assert_null(opdb_schema("", "NoSuchOp", 14));
	assert_false(opdb_op_known("", "NoSuchOp"));
	assert_false(opdb_op_known("", "conv"));
	/* ops live in their own domain only */
	assert_null(opdb_schema("ai.onnx.ml", "Conv", 3));
	assert_false(opdb_op_known("com.microsoft", "Conv"));
	assert_null(opdb_schema("com.example", "Conv", 14));
	assert_true(opdb_op_known("", "Conv"));
	assert_true(opdb_op_known("ai.onnx.ml", "TreeEnsembleRegressor"));
}

static void
test_default_domain(void **state)
{
	const struct opdb_schema *a, *b;

	(void)state;
	a = opdb_schema("", "Relu", 14);
	b = opdb_schema("ai.onnx", "Relu", 14);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_string_equal(opdb_s(a->domain), "ai.onnx");
	assert_true(opdb_op_known("ai.onnx", "Relu"));
	assert_true(opdb_op_known("", "Relu"));
}

static void
test_attributes(void **state)
{
	const struct opdb_schema *s;
	const struct opdb_attr *a;

	(void)state;
	s = schema_at("", "BatchNormalization", 8, 7);
	assert_int_equal(s->nattrs, 3);
	a = opdb_schema_attr(s, "spatial");
	assert_non_null(a);
	assert_int_equal(a->type, 2);	/* INT */
	assert_false(a->required);
	assert_string_equal(opdb_s(a->dflt), "1");
	a = opdb_schema_attr(s, "epsilon");
	assert_non_null(a);
	assert_int_equal(a->type, 1);	/* FLOAT */
	assert_string_equal(opdb_s(a->dflt), "1e-05");
	assert_string_equal(opdb_s(opdb_schema_attr(s, "momentum")->dflt),
	    "0.9");
	assert_null(opdb_schema_attr(s, "training_mode"));
	assert_null(opdb_schema_attr(s, "is_test"));

	/* spatial is gone from BatchNormalization-9 on */
	s = schema_at("", "BatchNormalization", 14, 14);
	assert_null(opdb_schema_attr(s, "spatial"));
	assert_string_equal(opdb_s(opdb_schema_attr(s, "training_mode")->dflt),
	    "0");
	assert_string_equal(opdb_s(opdb_schema_attr(s, "epsilon")->dflt),
	    "1e-05");

	/* BatchNormalization-1: consumed_inputs is a required INTS */
	s = schema_at("", "BatchNormalization", 1, 1);
	a = opdb_schema_attr(s, "consumed_inputs");
	assert_non_null(a);
	assert_int_equal(a->type, 7);	/* INTS */
	assert_true(a->required);
	assert_null(opdb_s(a->dflt));

	s = schema_at("", "Conv", 14, 11);
	assert_int_equal(s->nattrs, 6);
	assert_string_equal(opdb_s(opdb_schema_attr(s, "auto_pad")->dflt),
	    "NOTSET");
	assert_int_equal(opdb_schema_attr(s, "auto_pad")->type, 3);
	assert_null(opdb_s(opdb_schema_attr(s, "pads")->dflt));
	assert_int_equal(opdb_schema_attr(s, "pads")->type, 7);
	assert_string_equal(opdb_s(opdb_schema_attr(s, "group")->dflt), "1");

	/* list defaults are JSON arrays */
	s = schema_at("", "RNN", 14, 14);
	assert_int_equal(opdb_schema_attr(s, "activations")->type, 8);
	assert_string_equal(opdb_s(opdb_schema_attr(s, "activations")->dflt),
			    "[\"Tanh\",\"Tanh\"]");
	s = schema_at("", "MeanVarianceNormalization", 13, 13);
	assert_string_equal(opdb_s(opdb_schema_attr(s, "axes")->dflt),
	    "[0,2,3]");

	s = schema_at("", "Concat", 13, 13);
	a = opdb_schema_attr(s, "axis");
	assert_non_null(a);
	assert_true(a->required);
	assert_null(opdb_s(a->dflt));
}

static void
test_io_and_arity(void **state)
{
	const struct opdb_schema *s;

	(void)state;
	s = schema_at("", "Concat", 13, 13);
	assert_int_equal(s->min_in, 1);
	assert_int_equal(s->max_in, UNBOUNDED);
	assert_int_equal(s->min_out, 1);
	assert_int_equal(s->max_out, 1);
	assert_true(s->io_documented);
	assert_int_equal(s->ninputs, 1);
	assert_string_equal(opdb_s(opdb_inputs(s)[0].name), "inputs");
	assert_string_equal(opdb_s(opdb_inputs(s)[0].type), "T");
	assert_int_equal(opdb_inputs(s)[0].option, OPDB_VARIADIC);
	assert_false(opdb_inputs(s)[0].heterogeneous);
	assert_int_equal(s->noutputs, 1);
	assert_string_equal(opdb_s(opdb_outputs(s)[0].name), "concat_result");
	assert_int_equal(opdb_outputs(s)[0].option, OPDB_SINGLE);

	s = schema_at("", "Conv", 14, 11);
	assert_int_equal(s->min_in, 2);
	assert_int_equal(s->max_in, 3);
	assert_int_equal(s->ninputs, 3);
	assert_string_equal(opdb_s(opdb_inputs(s)[0].name), "X");
	assert_string_equal(opdb_s(opdb_inputs(s)[1].name), "W");
	assert_string_equal(opdb_s(opdb_inputs(s)[2].name), "B");
	assert_int_equal(opdb_inputs(s)[1].option, OPDB_SINGLE);
	assert_int_equal(opdb_inputs(s)[2].option, OPDB_OPTIONAL);

	/* BatchNormalization dropped to 3 outputs at 14 */
	assert_int_equal(schema_at("", "BatchNormalization", 9, 9)->max_out,
			 5);
	assert_int_equal(schema_at("", "BatchNormalization", 14, 14)->max_out,
			 3);
}

static void
test_type_constraints(void **state)
{
	const struct opdb_schema *s;
	const struct opdb_tc *tc;

	(void)state;
	s = schema_at("", "Abs", 13, 13);
	assert_int_equal(s->ntcs, 1);
	tc = opdb_schema_tc(s, "T");
	assert_non_null(tc);
	assert_int_equal(tc->ntypes, 12);
	assert_string_equal(opdb_tc_type(tc, 0), "tensor(uint8)");
	assert_string_equal(opdb_tc_type(tc, 11), "tensor(bfloat16)");
	assert_true(opdb_tc_allows(tc, "tensor(float16)"));
	assert_false(opdb_tc_allows(tc, "tensor(bool)"));
	assert_null(opdb_schema_tc(s, "T1"));

	/* Abs-1 only had the three float types */
	tc = opdb_schema_tc(schema_at("", "Abs", 5, 1), "T");
	assert_int_equal(tc->ntypes, 3);
	assert_false(opdb_tc_allows(tc, "tensor(int32)"));

	tc = opdb_schema_tc(schema_at("", "Concat", 13, 13), "T");
	assert_non_null(tc);
	assert_true(opdb_tc_allows(tc, "tensor(bfloat16)"));
	assert_true(opdb_tc_allows(tc, "tensor(string)"));
}

static void
test_deprecated(void **state)
{
	const struct opdb_schema *s;

	(void)state;
	s = schema_at("", "Upsample", 10, 10);
	assert_true(s->deprecated);
	assert_false(s->io_documented);
	assert_int_equal(s->last, 28);
	assert_int_equal(s->nattrs, 0);
	assert_int_equal(s->ninputs, 0);
	assert_int_equal(s->min_in, -1);
	assert_int_equal(s->max_out, -1);
	assert_true(schema_at("", "Upsample", 28, 10)->deprecated);
	assert_false(schema_at("", "Upsample", 9, 9)->deprecated);
	/* Upsample-1 is experimental, not deprecated */
	s = schema_at("", "Upsample", 6, 1);
	assert_true(s->experimental);
	assert_false(s->deprecated);

	assert_true(schema_at("", "Scatter", 11, 11)->deprecated);
	assert_false(schema_at("", "Scatter", 10, 9)->deprecated);
	assert_true(schema_at("", "GroupNormalization", 18, 18)->deprecated);
	assert_false(schema_at("", "GroupNormalization", 21, 21)->deprecated);
	assert_true(schema_at("ai.onnx.ml", "TreeEnsembleClassifier", 5,
			      5)->deprecated);
	assert_false(schema_at("", "Conv", 14, 11)->deprecated);
}

static void
test_contrib(void **state)
{
	const struct opdb_schema *s;

	(void)state;
	assert_true(opdb_op_known("com.microsoft", "FusedConv"));
	s = schema_at("com.microsoft", "FusedConv", 1, 1);
	assert_true(s->contrib);
	assert_int_equal(s->last, 1);
	assert_int_equal(s->min_in, 2);
	assert_int_equal(s->max_in, 4);
	assert_int_equal(s->ninputs, 4);
	assert_string_equal(opdb_s(opdb_inputs(s)[3].name), "Z");
	assert_int_equal(opdb_inputs(s)[3].option, OPDB_OPTIONAL);
	/* contrib docs give no defaults */
	assert_null(opdb_s(opdb_schema_attr(s, "group")->dflt));
	assert_int_equal(opdb_schema_attr(s, "activation")->type, 3);
	assert_true(opdb_tc_allows(opdb_schema_tc(s, "T"), "tensor(float16)"));
	assert_null(opdb_schema("com.microsoft", "FusedConv", 2));
	assert_true(schema_at("com.microsoft", "IsAllFinite", 1,
			      1)->experimental);

	assert_false(schema_at("", "Conv", 14, 11)->contrib);
}

static void
test_domains(void **state)
{
	int min = -1, max = -1, last = -1;

	(void)state;
	assert_int_equal(opdb_domain_range("", &min, &max, &last), 0);
	assert_int_equal(min, 1);
	assert_int_equal(max, 28);
	assert_int_equal(last, 27);
	min = max = last = -1;
	assert_int_equal(opdb_domain_range("ai.onnx", &min, &max, &last), 0);
	assert_int_equal(max, 28);
	assert_int_equal(opdb_domain_range("ai.onnx.ml", &min, &max, &last),
			 0);
	assert_int_equal(max, 5);
	assert_int_equal(last, 5);
	assert_int_equal(opdb_domain_range("com.microsoft", &min, &max,
					   &last), 0);
	assert_int_equal(min, 1);
	assert_int_equal(max, 1);
	assert_int_equal(last, 1);
	/* its max is left open in opsets.tsv */
	assert_int_equal(opdb_domain_range("com.ms.internal.nhwc", NULL, &max,
					   NULL), 0);
	assert_int_equal(max, UNBOUNDED);
	max = 42;
	assert_int_equal(opdb_domain_range("com.example", NULL, &max, NULL),
			 -1);
	assert_int_equal(max, 42);

	assert_true(opdb_domain_is_onnx(""));
	assert_true(opdb_domain_is_onnx("ai.onnx"));
	assert_true(opdb_domain_is_onnx("ai.onnx.ml"));
	assert_true(opdb_domain_is_onnx("ai.onnx.training"));
	assert_true(opdb_domain_is_onnx("ai.onnx.preview"));
	assert_true(opdb_domain_is_onnx("ai.onnx.preview.training"));
	assert_false(opdb_domain_is_onnx("com.microsoft"));
	assert_false(opdb_domain_is_onnx("com.example"));
}

static void
test_ort_kernels(void **state)
{
	const struct opdb_kernel *k, *m;
	const struct opdb_tc *tc;
	size_t n;
	int cuda, dml;

	(void)state;
	/*
	 * The CPU table is measured (tools/gen-ort-cpu.py): BatchNormalization
	 * 14 and 15 run float or double throughout, one row per combination.
	 */
	n = opdb_kernels(OPDB_ORT_CPU, "", "BatchNormalization", &k);
	assert_int_equal(n, 6);
	assert_int_equal(k[0].since, 7);
	assert_int_equal(k[0].end, 8);
	assert_int_equal(k[1].since, 9);
	assert_int_equal(k[1].end, 13);
	assert_int_equal(k[2].since, 14);
	assert_int_equal(k[2].end, 14);
	assert_int_equal(k[3].since, 14);
	assert_int_equal(k[4].since, 15);
	assert_int_equal(k[5].since, 15);
	assert_int_equal(k[5].end, UNBOUNDED);

	m = opdb_kernel_find(OPDB_ORT_CPU, "ai.onnx", "BatchNormalization", 15);
	assert_ptr_equal(m, &k[5]);
	assert_int_equal(m->ntcs, 3);
	tc = opdb_kernel_tc(m, "T");
	assert_non_null(tc);
	assert_int_equal(tc->ntypes, 1);
	assert_true(opdb_tc_allows(tc, "tensor(float)"));
	assert_false(opdb_tc_allows(tc, "tensor(double)"));
	assert_true(opdb_tc_allows(opdb_kernel_tc(&k[4], "T"),
				   "tensor(double)"));
	assert_false(opdb_tc_allows(tc, "tensor(float16)"));
	assert_false(opdb_tc_allows(opdb_kernel_tc(m, "T1"),
				    "tensor(double)"));
	assert_non_null(opdb_kernel_tc(m, "T2"));
	assert_null(opdb_kernel_tc(m, "U"));
	assert_non_null(opdb_kernel_tc(&k[2], "U"));
	/* the CPU table has no kernel for BatchNormalization-1 or -6 */
	assert_null(opdb_kernel_find(OPDB_ORT_CPU, "", "BatchNormalization",
				     6));

	cuda = opdb_kernel_table("ort-cuda");
	dml = opdb_kernel_table("ort-dml");
	/* CUDA's BatchNormalization-15 also takes float16 */
	m = opdb_kernel_find(cuda, "", "BatchNormalization", 15);
	assert_non_null(m);
	assert_true(opdb_tc_allows(opdb_kernel_tc(m, "T"), "tensor(float16)"));
	n = opdb_kernels(cuda, "com.ms.internal.nhwc",
			 "BatchNormalization", &k);
	assert_int_equal(n, 4);

	/* DML registers Abs twice, 6+ and 13+: the newer wins at 13 */
	n = opdb_kernels(dml, "", "Abs", &k);
	assert_int_equal(n, 2);
	assert_int_equal(opdb_kernel_find(dml, "", "Abs", 13)->since, 13);
	assert_int_equal(opdb_kernel_find(dml, "", "Abs", 6)->since, 6);

	assert_int_equal(opdb_kernels(OPDB_ORT_CPU, "", "NoSuchOp", &k), 0);
	assert_null(k);
	assert_int_equal(opdb_kernels(opdb_kernel_tables(), "", "Abs", &k), 0);
	assert_null(k);
	assert_int_equal(opdb_kernels(-1, "", "Abs", &k), 0);

	/* one table per runtime-ort-*.tsv, named by the file, cpu first */
	assert_int_equal(opdb_kernel_tables(), 3);
	assert_string_equal(opdb_runtime_name(OPDB_ORT_CPU), "ort-cpu");
	assert_string_equal(opdb_runtime_name(dml), "ort-dml");
	assert_int_equal(opdb_kernel_table("ort-cuda"), 1);
	assert_int_equal(opdb_kernel_table("ort-tpu"), -1);
	assert_null(opdb_runtime_name(opdb_kernel_tables()));
}

static void
test_tensorrt(void **state)
{
	const struct opdb_trt *t;

	(void)state;
	t = opdb_tensorrt("", "Conv");
	assert_non_null(t);
	assert_true(t->supported);
	assert_false(t->experimental);
	assert_string_equal(opdb_s(t->types), "FP32,FP16,BF16");
	assert_null(opdb_s(t->restrictions));
	assert_ptr_equal(opdb_tensorrt("ai.onnx", "Conv"), t);
	/* in the matrix but not supported */
	t = opdb_tensorrt("", "Bernoulli");
	assert_non_null(t);
	assert_false(t->supported);
	/* newer than the document */
	assert_null(opdb_tensorrt("", "Attention"));
}

static void
test_onnx2tf(void **state)
{
	const struct opdb_tf *t;

	(void)state;
	t = opdb_onnx2tf("", "Conv");
	assert_non_null(t);
	assert_string_equal(opdb_s(t->tf_converter), "supported");
	assert_string_equal(opdb_s(t->flatbuffer_direct), "builtin");
	assert_string_equal(opdb_s(t->tflite_ops),
			    "CONV_2D / DEPTHWISE_CONV_2D / CONV_3D");
	assert_null(opdb_s(t->custom_op_policy));
	assert_null(opdb_onnx2tf("", "NoSuchOp"));
	/* rows without a domain are reached with a NULL domain only */
	t = opdb_onnx2tf(NULL, "Input");
	assert_non_null(t);
	assert_string_equal(opdb_s(t->domain), "");
	assert_string_equal(opdb_s(t->tf_converter), "supported");
	assert_null(opdb_s(t->flatbuffer_direct));
	assert_null(opdb_onnx2tf("", "Input"));
}

/* -1, 0, 1 as (D1, O1, V1) sorts before, with, after (D2, O2, V2). */
static int
key_cmp(const char *d1, const char *o1, int v1, const char *d2,
	const char *o2, int v2)
{
	int c = strcmp(d1, d2);

	if (c == 0)
		c = strcmp(o1, o2);
	if (c == 0)
		c = (v1 > v2) - (v1 < v2);
	return (c > 0) - (c < 0);
}

static void
test_tables_sorted(void **state)
{
	const struct opdb_schema *all;
	size_t n, i;
	int r;

	(void)state;
	n = opdb_schemas(&all);
	assert_int_equal(n, 642 + 113);
	for (i = 1; i < n; i++)
		assert_true(key_cmp(opdb_s(all[i - 1].domain),
				    opdb_s(all[i - 1].op),
				    all[i - 1].since, opdb_s(all[i].domain),
				    opdb_s(all[i].op), all[i].since) < 0);
	for (i = 0; i < n; i++) {
		assert_true(all[i].since <= all[i].last);
		assert_int_equal(all[i].contrib,
				 strcmp(opdb_s(all[i].domain),
					"com.microsoft") == 0);
		/* every schema is found by its own since */
		assert_ptr_equal(opdb_schema(opdb_s(all[i].domain),
		    opdb_s(all[i].op),
					     all[i].since), &all[i]);
	}
	for (r = 0; r < opdb_kernel_tables(); r++) {
		const struct opdb_kernel *k = opdb_tab_kernels[r];

		assert_non_null(k);
		/* sorted; a key repeats for rows of type combinations */
		for (i = 1; i < opdb_tab_nkernels[r]; i++)
			assert_true(key_cmp(opdb_s(k[i - 1].domain),
					    opdb_s(k[i - 1].op),
					    k[i - 1].since, opdb_s(k[i].domain),
					    opdb_s(k[i].op), k[i].since) <= 0);
	}
	assert_int_equal(opdb_tab_nkernels[OPDB_ORT_CPU], 783);
	assert_int_equal(opdb_tab_nkernels[opdb_kernel_table("ort-cuda")],
			 425);
	assert_int_equal(opdb_tab_nkernels[opdb_kernel_table("ort-dml")], 423);
	assert_int_equal(opdb_tab_ntrt, 196);
	for (i = 1; i < opdb_tab_ntrt; i++)
		assert_true(key_cmp(opdb_s(opdb_tab_trt[i - 1].domain),
				    opdb_s(opdb_tab_trt[i - 1].op), 0,
				    opdb_s(opdb_tab_trt[i].domain),
				    opdb_s(opdb_tab_trt[i].op), 0) < 0);
	assert_int_equal(opdb_tab_ntf, 211);
	for (i = 1; i < opdb_tab_ntf; i++)
		assert_true(key_cmp(opdb_s(opdb_tab_tf[i - 1].domain),
				    opdb_s(opdb_tab_tf[i - 1].op), 0,
				    opdb_s(opdb_tab_tf[i].domain),
				    opdb_s(opdb_tab_tf[i].op), 0) < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_since),
		cmocka_unit_test(test_resolve_out_of_range),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_default_domain),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_io_and_arity),
		cmocka_unit_test(test_type_constraints),
		cmocka_unit_test(test_deprecated),
		cmocka_unit_test(test_contrib),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_ort_kernels),
		cmocka_unit_test(test_tensorrt),
		cmocka_unit_test(test_onnx2tf),
		cmocka_unit_test(test_tables_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL) != 0;
}
