/* SPDX-License-Identifier: MIT */
/*
 * External data (src/io/external.c): the ONNX external-data CVE chain as
 * named regression tests, each run twice (openat2, then the
 * component-by-component fallback), the text checks, the strict numbers,
 * the TOCTOU cases, the file limit, and every prefix of three real models
 * through the loader (A1).  A canary file lies beside the model
 * directory; no read may ever return its bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "io/external.h"
#include "io/xread.h"

static const char canary[] = "CANARY-unit-do-not-leak!";
static char root[64];		/* temp dir: model/ and secret/ inside */
static char mdir[128];

static void
put(const char *rel, const void *data, size_t n)
{
	char p[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fp = fopen(p, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static void
link_at(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int
setup(void **state)
{
	char p[256];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/onnxfix-ext-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(mdir, sizeof(mdir), "%s/model", root);
	assert_int_equal(mkdir(mdir, 0700), 0);
	snprintf(p, sizeof(p), "%s/secret", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/model/sub", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/model_evil", root);
	assert_int_equal(mkdir(p, 0700), 0);
	put("secret/canary.bin", canary, 24);
	put("model_evil/canary.bin", canary, 24);
	put("model/w.bin", "0123456789abcdefghijklmnopqrstuv", 32);
	put("model/sub/w.bin", "0123456789abcdefghijklmnopqrstuv", 32);
	link_at("../secret", "model/linkdir");
	link_at("../secret/canary.bin", "model/leaf.bin");
	snprintf(p, sizeof(p), "/proc/self/root%s/secret", root);
	link_at(p, "model/proc");
	snprintf(p, sizeof(p), "%s/model/hl.bin", root);
	{
		char s[256];

		snprintf(s, sizeof(s), "%s/secret/canary.bin", root);
		assert_int_equal(link(s, p), 0);
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Read LOC (offset OFF, N bytes) beneath the model dir, both ways. */
static enum ext_status
try_read(const char *loc, const char *off, const char *len, uint64_t n,
    bool hardlinks)
{
	struct ir_meta e[3] = {
		{ "location", loc }, { "offset", off }, { "length", len },
	};
	struct ext_limits lim = { 0, hardlinks };
	char model[256], why[160], buf[64];
	enum ext_status st[2];
	struct ext_ref r;
	struct ext_dir x;
	int way;

	snprintf(model, sizeof(model), "%s/m.onnx", mdir);
	for (way = 0; way < 2; way++) {
		ext_use_openat2(way == 0);
		assert_int_equal(ext_dir_open(&x, model, &lim, NULL), 0);
		memset(buf, 0, sizeof(buf));
		st[way] = ext_parse(e, len ? 3 : 2, &r, why, sizeof(why));
		if (st[way] == EXT_OK)
			st[way] = ext_read(&x, &r, n, buf, why, sizeof(why));
		/* never the canary, whatever the outcome (unless hard
		 * links were allowed on purpose) */
		if (!hardlinks)
			assert_null(memmem(buf, sizeof(buf), "CANARY", 6));
		ext_dir_close(&x);
	}
	ext_use_openat2(true);
	assert_int_equal(st[0], st[1]);
	return st[0];
}

static void
ok_reads(void **state)
{
	(void)state;
	assert_int_equal(try_read("w.bin", "0", "8", 8, false), EXT_OK);
	assert_int_equal(try_read("sub/w.bin", "24", "8", 8, false), EXT_OK);
	assert_int_equal(try_read("w.bin", "0", NULL, 32, false), EXT_OK);
}

/* CVE-2022-25882: a location with "../" read any file. */
static void
cve_2022_25882(void **state)
{
	char abs[256];

	(void)state;
	assert_int_equal(try_read("../secret/canary.bin", "0", "24", 24,
	    false), EXT_LOCATION);
	snprintf(abs, sizeof(abs), "%s/secret/canary.bin", root);
	assert_int_equal(try_read(abs, "0", "24", 24, false), EXT_LOCATION);
}

/* CVE-2024-27318: the first fix stripped leading "/." and was bypassed
 * by locations such as "..//" and "./../". */
static void
cve_2024_27318(void **state)
{
	static const char *const locs[] = {
		"..//secret/canary.bin", "./../secret/canary.bin",
		"/..//secret/canary.bin", "sub/../../secret/canary.bin",
		"sub/..", ".", "", "/", "..\\secret\\canary.bin",
		"C:\\secret", "sub//w.bin",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(locs) / sizeof(locs[0]); i++)
		assert_int_equal(try_read(locs[i], "0", "24", 24, false),
		    EXT_LOCATION);
}

/* A sibling directory whose name starts with the model directory's:
 * a prefix check on strings would accept it. */
static void
tar_sibling_prefix(void **state)
{
	(void)state;
	assert_int_equal(try_read("../model_evil/canary.bin", "0", "24", 24,
	    false), EXT_LOCATION);
}

/* CVE-2026-27489: a symlinked parent directory; also a symlinked leaf
 * and a magic link through /proc. */
static void
cve_2026_27489(void **state)
{
	(void)state;
	assert_int_equal(try_read("linkdir/canary.bin", "0", "24", 24,
	    false), EXT_OPEN);
	assert_int_equal(try_read("leaf.bin", "0", "24", 24, false),
	    EXT_OPEN);
	assert_int_equal(try_read("proc/canary.bin", "0", "24", 24, false),
	    EXT_OPEN);
}

/* CVE-2026-34446: a hard link to a file outside the directory. */
static void
cve_2026_34446(void **state)
{
	(void)state;
	assert_int_equal(try_read("hl.bin", "0", "24", 24, false),
	    EXT_HARDLINK);
	/* allowed on request: the bytes are then the file's own */
	assert_int_equal(try_read("hl.bin", "0", "24", 24, true), EXT_OK);
}

/* CVE-2026-34445 and friends: offset and length must be strict decimal
 * and inside the file without overflow. */
static void
cve_2026_34445(void **state)
{
	static const char *const bad[] = {
		"-1", "+5", "0x10", "1e3", " 1", "1 ", "", "01a",
		"000000000000000000000", "18446744073709551616",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(try_read("w.bin", bad[i], "8", 8, false),
		    EXT_NUMBER);
		assert_int_equal(try_read("w.bin", "0", bad[i], 8, false),
		    EXT_NUMBER);
	}
	assert_int_equal(try_read("w.bin", "18446744073709551615", "8", 8,
	    false), EXT_RANGE);
	assert_int_equal(try_read("w.bin", "8", "18446744073709551615",
	    8, false), EXT_RANGE);
	assert_int_equal(try_read("w.bin", "33", "0", 0, false), EXT_RANGE);
	assert_int_equal(try_read("w.bin", "28", "8", 8, false), EXT_RANGE);
	assert_int_equal(try_read("w.bin", "0", "12", 8, false), EXT_LENGTH);
	assert_int_equal(try_read("w.bin", "32", "0", 0, false), EXT_OK);
}

/* The file is swapped for a symlink to the canary after it was checked:
 * the read opens and checks again, and refuses the link. */
static void
toctou_swap_for_symlink(void **state)
{
	struct ir_meta e[3] = {
		{ "location", "swap.bin" }, { "offset", "0" },
		{ "length", "24" },
	};
	char model[256], why[160], buf[32], p[256];
	struct ext_ref r;
	struct ext_dir x;

	(void)state;
	put("model/swap.bin", "abcdefghijklmnopqrstuvwx", 24);
	snprintf(model, sizeof(model), "%s/m.onnx", mdir);
	assert_int_equal(ext_dir_open(&x, model, NULL, NULL), 0);
	assert_int_equal(ext_parse(e, 3, &r, why, sizeof(why)), EXT_OK);
	assert_int_equal(ext_open(&x, &r, 24, NULL, NULL, why, sizeof(why)),
	    EXT_OK);
	snprintf(p, sizeof(p), "%s/model/swap.bin", root);
	assert_int_equal(unlink(p), 0);
	link_at("../secret/canary.bin", "model/swap.bin");
	memset(buf, 0, sizeof(buf));
	assert_int_not_equal(ext_read(&x, &r, 24, buf, why, sizeof(why)),
	    EXT_OK);
	assert_null(memmem(buf, sizeof(buf), "CANARY", 6));
	ext_dir_close(&x);
	assert_int_equal(unlink(p), 0);
}

/* The file shrinks between the check and the read: a short read is an
 * error (with a mapping it would have been SIGBUS). */
static void
toctou_truncate(void **state)
{
	struct ir_meta e[3] = {
		{ "location", "shrink.bin" }, { "offset", "0" },
		{ "length", "24" },
	};
	char model[256], why[160], buf[32], p[256];
	struct ext_ref r;
	struct ext_dir x;
	int fd;

	(void)state;
	put("model/shrink.bin", "abcdefghijklmnopqrstuvwx", 24);
	snprintf(model, sizeof(model), "%s/m.onnx", mdir);
	assert_int_equal(ext_dir_open(&x, model, NULL, NULL), 0);
	assert_int_equal(ext_parse(e, 3, &r, why, sizeof(why)), EXT_OK);
	assert_int_equal(ext_open(&x, &r, 24, &fd, NULL, why, sizeof(why)),
	    EXT_OK);
	snprintf(p, sizeof(p), "%s/model/shrink.bin", root);
	assert_int_equal(truncate(p, 4), 0);
	/* the descriptor from the check now meets a short file */
	assert_true(pread(fd, buf, 24, 0) < 24);
	close(fd);
	assert_int_not_equal(ext_read(&x, &r, 24, buf, why, sizeof(why)),
	    EXT_OK);
	ext_dir_close(&x);
}

static void
special_files(void **state)
{
	char p[256];

	(void)state;
	assert_int_equal(try_read("sub", "0", "8", 8, false),
	    EXT_NOT_REGULAR);
	snprintf(p, sizeof(p), "%s/model/fifo", root);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(try_read("fifo", "0", "8", 8, false),
	    EXT_NOT_REGULAR);
	assert_int_equal(try_read("missing.bin", "0", "8", 8, false),
	    EXT_OPEN);
	assert_int_equal(try_read("w.bin/x", "0", "8", 8, false), EXT_OPEN);
}

static void
keys(void **state)
{
	struct ir_meta dup[3] = {
		{ "location", "w.bin" }, { "offset", "0" }, { "offset", "1" },
	};
	struct ir_meta unk[3] = {
		{ "location", "w.bin" }, { "__class__", "x" }, { "y", "z" },
	};
	struct ir_meta none[1] = { { "offset", "0" } };
	struct ext_ref r;
	char why[160];

	(void)state;
	assert_int_equal(ext_parse(dup, 3, &r, why, sizeof(why)),
	    EXT_DUP_KEY);
	assert_int_equal(ext_parse(unk, 3, &r, why, sizeof(why)), EXT_OK);
	assert_int_equal(r.nunknown, 2);
	assert_string_equal(r.unknown, "__class__");
	assert_int_equal(ext_parse(none, 1, &r, why, sizeof(why)),
	    EXT_NO_LOCATION);
	assert_int_equal(ext_parse(none, 0, &r, why, sizeof(why)),
	    EXT_NO_LOCATION);
}

/* At most max_files distinct files; the same file any number of times. */
static void
file_limit(void **state)
{
	struct ext_limits lim = { 3, false };
	char model[256], why[160], loc[32];
	struct ext_ref r;
	struct ext_dir x;
	int i;

	(void)state;
	snprintf(model, sizeof(model), "%s/m.onnx", mdir);
	assert_int_equal(ext_dir_open(&x, model, &lim, NULL), 0);
	memset(&r, 0, sizeof(r));
	r.location = "w.bin";
	for (i = 0; i < 10000; i++)
		assert_int_equal(ext_open(&x, &r, 32, NULL, NULL, why,
		    sizeof(why)), EXT_OK);
	for (i = 0; i < 2; i++) {
		snprintf(loc, sizeof(loc), "f%d.bin", i);
		r.location = loc;
		assert_int_equal(ext_open(&x, &r, 32, NULL, NULL, why,
		    sizeof(why)), EXT_OPEN);
	}
	r.location = "f9.bin";
	assert_int_equal(ext_open(&x, &r, 32, NULL, NULL, why, sizeof(why)),
	    EXT_TOO_MANY);
	ext_dir_close(&x);
}

/* A1: every prefix of three real models either loads (it ends on a
 * field boundary) or fails with exactly one fatal L1xx diagnostic that
 * names a byte offset. */
static void
every_prefix(void **state)
{
	static const char *const files[] = {
		"testdata/corpus/bn_small.onnx",
		"testdata/corpus/custom_op.onnx",
		"testdata/corpus/nhwc_transposes.onnx",
	};
	size_t f, len, k;

	(void)state;
	for (f = 0; f < 3; f++) {
		uint8_t *buf = slurp(files[f], &len);

		for (k = 1; k < len; k++) {
			struct diag_list d;
			struct ir_model *m;
			enum onnxfix_status rc;
			uint8_t *copy = malloc(k);

			assert_non_null(copy);
			memcpy(copy, buf, k);
			diag_list_init(&d);
			rc = onnxfix_load_buffer(copy, k, "p", NULL, &d, &m);
			if (rc == ONNXFIX_OK) {
				assert_int_equal(onnxfix_check(m, NULL, &d),
				    ONNXFIX_OK);
				onnxfix_model_free(m);
			} else {
				assert_int_equal(rc, ONNXFIX_EINPUT);
				assert_int_equal(d.n, 1);
				assert_int_equal(diag_table[d.v[0].id].code[0],
				    'L');
				if (d.v[0].id != DIAG_LOAD_NO_GRAPH &&
				    d.v[0].id != DIAG_LOAD_UNPACK)
					assert_non_null(strstr(d.v[0].loc,
					    "byte "));
			}
			diag_list_release(&d);
			free(copy);
		}
		free(buf);
	}
}

/* ext_resolve: a tensor's entries, its size from type and dims, its
 * file; a missing or unsafe file is noted once, with every tensor that
 * names it counted, whatever order they come in. */
static void
resolve_counts_files(void **state)
{
	static int64_t d2[] = { 2 }, dneg[] = { -1 };
	struct ir_meta gone[3] = {
		{ "location", "gone.bin" }, { "offset", "0" },
		{ "length", "8" },
	};
	struct ir_meta leaf[1] = { { "location", "leaf.bin" } };
	struct ir_meta ok[3] = {
		{ "location", "w.bin" }, { "offset", "8" }, { "length", "8" },
	};
	struct ir_tensor t;
	const struct ext_bad *b;
	char model[256], why[160];
	struct ext_ref r;
	struct ext_dir x;
	uint64_t len;
	int i, fd;

	(void)state;
	snprintf(model, sizeof(model), "%s/m.onnx", mdir);
	assert_int_equal(ext_dir_open(&x, model, NULL, NULL), 0);
	memset(&t, 0, sizeof(t));
	t.elem = IR_ELEM_FLOAT;
	t.rank = 1;
	t.dims = d2;
	t.storage = IR_DATA_EXTERNAL;
	for (i = 0; i < 5; i++) {
		t.name = i % 2 ? "odd" : "even";
		t.ext = i == 3 ? leaf : gone;
		t.next = i == 3 ? 1 : 3;
		assert_int_equal(ext_resolve(&x, &t, i == 0 ? "here" : NULL,
		    &r, NULL, NULL, why, sizeof(why)),
		    EXT_OPEN);
	}
	t.name = "good";
	t.ext = ok;
	t.next = 3;
	assert_int_equal(ext_resolve(&x, &t, NULL, &r, &fd, &len, why,
	    sizeof(why)), EXT_OK);
	assert_true(fd >= 0);
	assert_int_equal(len, 8);
	assert_int_equal(r.offset, 8);
	close(fd);
	b = ext_bad_files(&x);
	assert_non_null(b);
	assert_string_equal(b->location, "gone.bin");
	assert_int_equal(b->nrefs, 4);
	assert_string_equal(b->tensor, "even");
	assert_string_equal(b->where, "here");
	assert_non_null(b->next);
	assert_string_equal(b->next->location, "leaf.bin");
	assert_int_equal(b->next->nrefs, 1);
	assert_string_equal(b->next->tensor, "odd");
	assert_null(b->next->next);
	/* no fixed size: nothing is opened */
	t.dims = dneg;
	assert_int_equal(ext_resolve(&x, &t, NULL, &r, NULL, NULL, why,
	    sizeof(why)), EXT_TYPE);
	assert_string_equal(why, "dims");
	t.dims = d2;
	t.elem = IR_ELEM_STRING;
	assert_int_equal(ext_resolve(&x, &t, NULL, &r, NULL, NULL, why,
	    sizeof(why)), EXT_TYPE);
	assert_string_equal(why, "string");
	ext_dir_close(&x);
}

/* An external FLOAT[2] tensor of M named NAME at E (3 entries), as the
 * loader makes it: with its struct ir_extdata. */
static void
ext_tensor(struct ir_model *m, struct ir_tensor *t, const char *name,
    struct ir_meta *e)
{
	static int64_t d2[] = { 2 };

	memset(t, 0, sizeof(*t));
	t->name = name;
	t->elem = IR_ELEM_FLOAT;
	t->rank = 1;
	t->dims = d2;
	t->storage = IR_DATA_EXTERNAL;
	t->ext = e;
	t->next = 3;
	t->xd = arena_alloc(&m->arena, sizeof(*t->xd));
	assert_non_null(t->xd);
	t->xd->m = m;
}

/*
 * The model's reader (io/xread.c) behind ir_tensor_view: the bytes of
 * an external tensor, read once beneath the model's directory, while
 * the tensor keeps its external storage; a link to the canary and a
 * read past the budget are failures recorded once each, the budget not
 * marked exceeded; the default budget grows with the data read.
 */
static void
read_on_demand(void **state)
{
	struct ir_meta ok[3] = {
		{ "location", "w.bin" }, { "offset", "8" }, { "length", "8" },
	};
	struct ir_meta leaf[3] = {
		{ "location", "leaf.bin" }, { "offset", "0" },
		{ "length", "8" },
	};
	struct ir_meta head[3] = {
		{ "location", "w.bin" }, { "offset", "0" }, { "length", "8" },
	};
	struct ir_tensor t, u, w, view;
	const struct ir_tensor *v;
	struct onnxfix_options o;
	struct ir_model *m;
	struct budget b;
	char model[256];
	size_t limit;
	int pass;

	(void)state;
	snprintf(model, sizeof(model), "%s/m.onnx", mdir);
	for (pass = 0; pass < 2; pass++) {
		budget_init(&b, 0);
		m = ir_model_new(&b);
		assert_non_null(m);
		m->path = model;
		onnxfix_options_default(&o);
		o.mem_budget = pass == 0 ? 1u << 30 : 0;
		assert_int_equal(xread_attach(m, &o), 0);
		ext_tensor(m, &t, "good", ok);
		v = ir_tensor_view(&t, &view);
		assert_ptr_equal(v, &view);
		assert_int_equal(v->storage, IR_DATA_RAW);
		assert_int_equal(v->size, 8);
		assert_memory_equal(v->data, "89abcdef", 8);
		assert_int_equal(t.storage, IR_DATA_EXTERNAL);
		assert_null(t.data);
		/* read once */
		assert_ptr_equal(ir_tensor_view(&t, &view)->data, v->data);
		/* a copy of the tensor shares what was read */
		u = t;
		assert_ptr_equal(ir_tensor_view(&u, &view)->data, v->data);
		/* the canary behind a link: refused, recorded once */
		ext_tensor(m, &u, "link", leaf);
		assert_ptr_equal(ir_tensor_view(&u, &view), &u);
		assert_ptr_equal(ir_tensor_view(&u, &view), &u);
		assert_non_null(m->xfail);
		assert_string_equal(m->xfail->tensor, "link");
		assert_non_null(strstr(m->xfail->why, "leaf.bin"));
		assert_null(m->xfail->next);
		/* 8 bytes with 4 left */
		b.limit = b.used + 4;
		limit = b.limit;
		ext_tensor(m, &w, "head", head);
		v = ir_tensor_view(&w, &view);
		if (pass == 0) {
			/* --mem-budget given: refused, not exceeded */
			assert_ptr_equal(v, &w);
			assert_non_null(m->xfail->next);
			assert_string_equal(m->xfail->next->tensor, "head");
			assert_non_null(strstr(m->xfail->next->why,
			    "budget"));
			assert_false(b.exceeded);
			assert_int_equal(b.limit, limit);
		} else {
			/* the default grows by 64 x the bytes read */
			assert_ptr_equal(v, &view);
			assert_memory_equal(v->data, "01234567", 8);
			assert_int_equal(b.limit, limit + 64 * 8);
			assert_null(m->xfail->next);
		}
		xread_detach(m);
		ir_model_free(m);
	}
}

/* ext_copy_range: the bytes at an offset, and a file that ends early is
 * a short read, not a copy of less. */
static void
copy_range(void **state)
{
	char p[256], out[64];
	bool short_read;
	int in, o;

	(void)state;
	snprintf(p, sizeof(p), "%s/w.bin", mdir);
	in = open(p, O_RDONLY);
	assert_true(in >= 0);
	snprintf(p, sizeof(p), "%s/copy.bin", root);
	o = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(o >= 0);
	assert_int_equal(ext_copy_range(in, 10, o, 12, &short_read), 0);
	assert_false(short_read);
	assert_int_equal(pread(o, out, sizeof(out), 0), 12);
	assert_memory_equal(out, "abcdefghijkl", 12);
	assert_int_equal(ext_copy_range(in, 30, o, 8, &short_read), -1);
	assert_true(short_read);
	close(o);
	close(in);
	unlink(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ok_reads),
		cmocka_unit_test(cve_2022_25882),
		cmocka_unit_test(cve_2024_27318),
		cmocka_unit_test(tar_sibling_prefix),
		cmocka_unit_test(cve_2026_27489),
		cmocka_unit_test(cve_2026_34446),
		cmocka_unit_test(cve_2026_34445),
		cmocka_unit_test(toctou_swap_for_symlink),
		cmocka_unit_test(toctou_truncate),
		cmocka_unit_test(special_files),
		cmocka_unit_test(keys),
		cmocka_unit_test(file_limit),
		cmocka_unit_test(resolve_counts_files),
		cmocka_unit_test(copy_range),
		cmocka_unit_test(read_on_demand),
		cmocka_unit_test(every_prefix),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
