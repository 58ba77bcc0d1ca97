/* SPDX-License-Identifier: MIT */
/*
 * Transposes marked by layout class in pictures (src/view/dot.c): a finding
 * whose code is P500-P549 about a Transpose fills it with its class's
 * colour and adds a key node naming the class; the same code on another
 * operator only colours the border, as any finding does.  The findings
 * are made up here (a list of our own, P501 and P503 on chosen nodes),
 * then the layout analysis's own on nhwc_transposes are drawn.  Run from
 * the project root (testdata/corpus).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "onnxfix.h"

#define P501 DIAG_P_CANCEL
#define P503 DIAG_P_IDENTITY
#define FIND_WARNING	"#e08a00"
#define FIND_NOTE	"#2c7fb8"
#define TRANSPOSE_FILL	"#e4dcf4"

static char out[] = "/tmp/test_dot_classes.XXXXXX";

static int
setup(void **state)
{
	int fd;

	(void)state;
	if ((fd = mkstemp(out)) < 0)
		return -1;
	close(fd);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(out);
	return 0;
}

static char *
slurp(void)
{
	FILE *fp = fopen(out, "rb");
	char *s;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
	s[n] = '\0';
	fclose(fp);
	return s;
}

/* Report a synthetic finding ID about node N. */
static void
mark(struct diag_list *d, const struct ir_node *n, enum diag_id id)
{
	size_t before = d->n;

	diag_report(d, DIAG_S_SSA, "x", "synthetic");
	assert_int_equal(d->n, before + 1);
	d->v[d->n - 1].id = id;
	d->v[d->n - 1].subject = n;
}

/* The statement of node NAME in DOT text S, up to its closing "];". */
static char *
statement(const char *s, const char *name)
{
	char key[32];
	const char *p, *e;
	char *r;

	snprintf(key, sizeof(key), "\n\t%s\t[", name);
	p = strstr(s, key);
	assert_non_null(p);
	e = strstr(p, "];");
	assert_non_null(e);
	r = strndup(p, (size_t)(e - p));
	assert_non_null(r);
	return r;
}

static void
test_transpose_classes(void **state)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m = NULL;
	struct ir_node *tr[4], *other = NULL;
	size_t i, nt = 0;
	char *s, *st;

	(void)state;
	onnxfix_options_default(&o);
	diag_list_init(&d);
	assert_int_equal(onnxfix_load("testdata/corpus/nhwc_transposes.onnx",
	    &o, &d, &m), ONNXFIX_OK);
	for (i = 0; i < m->graph->nnodes; i++) {
		struct ir_node *n = m->graph->nodes[i];

		if (strcmp(n->op_type, "Transpose") == 0 && nt < 4)
			tr[nt++] = n;
		else if (strcmp(n->op_type, "Relu") == 0)
			other = n;
	}
	assert_int_equal(nt, 4);
	assert_non_null(other);
	/* Transposes 0 and 3 are class P501, 1 and 2 class P503; the Relu
	 * gets a P503 too, which must not make it look like a Transpose. */
	mark(&d, tr[0], P501);
	mark(&d, tr[3], P501);
	mark(&d, tr[1], P503);
	mark(&d, tr[2], P503);
	mark(&d, other, P503);
	assert_int_equal(onnxfix_dot(m, out, ONNXFIX_DOT, &d), ONNXFIX_OK);
	s = slurp();
	/* n0 is the first Transpose: class 1's fill, its code on the label */
	st = statement(s, "n0");
	assert_non_null(strstr(st, "fillcolor=\"" "#a6d8f4" "\""));
	assert_non_null(strstr(st, "\\nP501"));
	assert_non_null(strstr(st, "color=\"" FIND_WARNING "\""));
	free(st);
	/* the second Transpose (n4): class 3 */
	st = statement(s, "n4");
	assert_non_null(strstr(st, "Transpose"));
	assert_non_null(strstr(st, "fillcolor=\"#f4dca6\""));
	assert_non_null(strstr(st, "\\nP503"));
	free(st);
	/* the Relu has the fill of activations, gets a warning border */
	st = statement(s, "n3");
	assert_non_null(strstr(st, "Relu"));
	assert_non_null(strstr(st, "fillcolor=\"#f6c6c0\""));
	assert_non_null(strstr(st, "color=\"" FIND_WARNING "\""));
	free(st);
	/* one key per class drawn, in code order */
	st = statement(s, "key0");
	assert_non_null(strstr(st, "Transpose P501: Transposes cancel "
	    "through layout-agnostic nodes"));
	assert_non_null(strstr(st, "fillcolor=\"#a6d8f4\""));
	free(st);
	st = statement(s, "key1");
	assert_non_null(strstr(st, "Transpose P503: Transpose has the "
	    "identity perm"));
	free(st);
	assert_null(strstr(s, "key2"));
	free(s);
	diag_list_release(&d);

	/* without findings: plain lavender Transposes and no key */
	diag_list_init(&d);
	assert_int_equal(onnxfix_dot(m, out, ONNXFIX_DOT, &d), ONNXFIX_OK);
	s = slurp();
	st = statement(s, "n0");
	assert_non_null(strstr(st, "fillcolor=\"" TRANSPOSE_FILL "\""));
	free(st);
	assert_null(strstr(s, "key0"));
	free(s);
	diag_list_release(&d);

	/* the layout analysis's own findings: the interface Transposes are
	 * P500 (class 0's fill), and the key says so */
	diag_list_init(&d);
	assert_int_equal(onnxfix_check(m, &o, &d), ONNXFIX_OK);
	assert_true(diag_count(&d, DIAG_P_INTERFACE) >= 1);
	assert_int_equal(onnxfix_dot(m, out, ONNXFIX_DOT, &d), ONNXFIX_OK);
	s = slurp();
	st = statement(s, "n0");
	assert_non_null(strstr(st, "fillcolor=\"#f4a6a6\""));
	assert_non_null(strstr(st, "P500"));
	free(st);
	assert_non_null(strstr(s, "Transpose P500: Transpose at the interface"));
	free(s);
	diag_list_release(&d);
	onnxfix_model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transpose_classes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
