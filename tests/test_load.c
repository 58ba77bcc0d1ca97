/* SPDX-License-Identifier: MIT */
/*
 * Loader and writer: every real model (testdata/corpus and Debian's
 * libonnx-testdata) loads, checks without an error and writes back
 * content-equal (the canonical protobuf encoding of the input, unknown
 * fields included) and deterministically; broken inputs fail with exactly
 * one fatal diagnostic and no model.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "onnx.pb-c.h"

#define TESTDATA "/usr/share/libonnx-testdata/data"

/* The canonical encoding of BUF: protobuf-c's decode then encode. */
static uint8_t *
canonical(const uint8_t *buf, size_t len, size_t *outlen)
{
	Onnx__ModelProto *mp = onnx__model_proto__unpack(NULL, len, buf);
	uint8_t *out;

	assert_non_null(mp);
	*outlen = protobuf_c_message_get_packed_size(&mp->base);
	out = malloc(*outlen + 1);
	assert_non_null(out);
	assert_int_equal(protobuf_c_message_pack(&mp->base, out), *outlen);
	onnx__model_proto__free_unpacked(mp, NULL);
	return out;
}

/* Load PATH, check it (no error allowed), encode twice, compare. */
static int
roundtrip(const char *path)
{
	struct diag_list d;
	struct ir_model *m;
	uint8_t *in, *want, *a, *b;
	size_t inlen, wantlen, alen, blen, i;
	int bad = 0;

	in = slurp(path, &inlen);
	want = canonical(in, inlen, &wantlen);
	diag_list_init(&d);
	if (onnxfix_load_buffer(in, inlen, path, NULL, &d, &m) != ONNXFIX_OK) {
		fprintf(stderr, "%s: does not load\n", path);
		bad = 1;
		goto out;
	}
	assert_int_equal(onnxfix_check(m, NULL, &d), ONNXFIX_OK);
	for (i = 0; i < d.n; i++) {
		if (diag_table[d.v[i].id].level >= DIAG_ERROR) {
			diag_print(stderr, path, &d.v[i]);
			bad = 1;
		}
	}
	assert_int_equal(onnxfix_encode(m, &d, &a, &alen), ONNXFIX_OK);
	assert_int_equal(onnxfix_encode(m, &d, &b, &blen), ONNXFIX_OK);
	if (alen != wantlen || memcmp(a, want, alen) != 0) {
		fprintf(stderr, "%s: output differs from input\n", path);
		bad = 1;
	}
	if (alen != blen || memcmp(a, b, alen) != 0) {
		fprintf(stderr, "%s: two encodings differ\n", path);
		bad = 1;
	}
	free(a);
	free(b);
	onnxfix_model_free(m);
out:
	diag_list_release(&d);
	free(want);
	free(in);
	return bad;
}

static void
test_corpus_roundtrip(void **state)
{
	DIR *dir = opendir("testdata/corpus");
	struct dirent *e;
	int n = 0, bad = 0;

	(void)state;
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL) {
		char path[4096];
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 5, ".onnx") != 0)
			continue;
		snprintf(path, sizeof(path), "testdata/corpus/%s", e->d_name);
		bad += roundtrip(path);
		n++;
	}
	closedir(dir);
	assert_true(n >= 8);
	assert_int_equal(bad, 0);
}

/* Walk TESTDATA without recursion: a queue of directory paths. */
static void
test_libonnx_testdata(void **state)
{
	char **queue;
	size_t head = 0, tail = 0, cap = 4096;
	int n = 0, bad = 0;

	(void)state;
	if (access(TESTDATA, R_OK) != 0) {
		/* `make setup` installs libonnx-testdata; without it this
		 * test cannot pass. */
		fail_msg("%s missing: run make setup", TESTDATA);
	}
	queue = malloc(cap * sizeof(*queue));
	assert_non_null(queue);
	queue[tail++] = strdup(TESTDATA);
	while (head < tail) {
		char *dirpath = queue[head++];
		DIR *dir = opendir(dirpath);
		struct dirent *e;

		assert_non_null(dir);
		while ((e = readdir(dir)) != NULL) {
			char path[4096];
			struct stat st;
			size_t l = strlen(e->d_name);

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirpath,
			    e->d_name);
			if (stat(path, &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode)) {
				if (tail == cap) {
					cap *= 2;
					queue = realloc(queue,
					    cap * sizeof(*queue));
					assert_non_null(queue);
				}
				queue[tail++] = strdup(path);
			} else if (l > 5 &&
			    strcmp(e->d_name + l - 5, ".onnx") == 0) {
				bad += roundtrip(path);
				n++;
			}
		}
		closedir(dir);
		free(dirpath);
	}
	free(queue);
	printf("libonnx-testdata: %d models, %d bad\n", n, bad);
	assert_true(n >= 1000);
	assert_int_equal(bad, 0);
}

static void
expect_fatal(const uint8_t *buf, size_t len, enum onnxfix_status want)
{
	struct diag_list d;
	struct ir_model *m = (void *)1;
	enum onnxfix_status s;

	diag_list_init(&d);
	s = onnxfix_load_buffer(buf, len, "x", NULL, &d, &m);
	assert_int_equal(s, want);
	assert_null(m);
	assert_int_equal(d.n, 1);
	assert_int_equal(diag_table[d.v[0].id].level, DIAG_FATAL);
	diag_list_release(&d);
}

static void
test_truncated_prefixes(void **state)
{
	uint8_t *in;
	size_t len, k;

	(void)state;
	in = slurp("testdata/corpus/silero_vad_legacy.onnx", &len);
	for (k = 1; k < 16; k++) {
		size_t cut = len * k / 16;
		struct diag_list d;
		struct ir_model *m;
		enum onnxfix_status s;

		diag_list_init(&d);
		s = onnxfix_load_buffer(in, cut, "x", NULL, &d, &m);
		/* A prefix may happen to end on a field boundary; then it
		 * is a valid (smaller) message, else one fatal line. */
		if (s == ONNXFIX_OK) {
			onnxfix_model_free(m);
		} else {
			assert_int_equal(s, ONNXFIX_EINPUT);
			assert_int_equal(d.n, 1);
		}
		diag_list_release(&d);
	}
	free(in);
}

static void
test_bad_inputs(void **state)
{
	static const uint8_t html[] = "<!DOCTYPE html><html><body>not a "
	    "model</body></html>\n";
	static const uint8_t field0[] = { 0x80, 0x00 };
	uint8_t *bomb;
	size_t i, n;
	struct diag_list d;
	struct ir_model *m;

	(void)state;
	expect_fatal(html, sizeof(html) - 1, ONNXFIX_EINPUT);
	expect_fatal(field0, sizeof(field0), ONNXFIX_EINPUT);
	expect_fatal(html, 0, ONNXFIX_EINPUT);
	/* 1 MB of empty copies of the singular field 7 (graph): protobuf-c
	 * would merge 500,000 of them in quadratic time. */
	n = 1 << 20;
	bomb = malloc(n);
	assert_non_null(bomb);
	for (i = 0; i + 1 < n; i += 2) {
		bomb[i] = 0x3a;
		bomb[i + 1] = (uint8_t)0;
	}
	expect_fatal(bomb, n, ONNXFIX_EINPUT);
	free(bomb);
	/* A model with no graph. */
	diag_list_init(&d);
	assert_int_equal(onnxfix_load_buffer((const uint8_t *)"\x08\x07", 2,
	    "x", NULL, &d, &m), ONNXFIX_EINPUT);
	assert_int_equal(d.v[0].id, DIAG_LOAD_NO_GRAPH);
	diag_list_release(&d);
}

static void
test_budget_exceeded(void **state)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m;
	uint8_t *in;
	size_t len;

	(void)state;
	in = slurp("testdata/corpus/paddleocr_cls.onnx", &len);
	onnxfix_options_default(&o);
	o.mem_budget = 100000;
	diag_list_init(&d);
	assert_int_equal(onnxfix_load_buffer(in, len, "x", &o, &d, &m),
	    ONNXFIX_EBUDGET);
	assert_null(m);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].id, DIAG_LOAD_BUDGET);
	diag_list_release(&d);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_roundtrip),
		cmocka_unit_test(test_libonnx_testdata),
		cmocka_unit_test(test_truncated_prefixes),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_budget_exceeded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
