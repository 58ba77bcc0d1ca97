/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the external-data resolver over a real temporary
 * directory tree that the input builds.  The first bytes are operations
 * (make a file of some size, a directory, a symlink to one of several
 * targets inside and outside, a hard link to the canary, a FIFO), the
 * rest is the location, offset and length text.  Beside the model
 * directory lies a canary file: no read may ever return its bytes, and
 * a read that succeeds returns exactly the requested range.
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/external.h"
#include "fuzz.h"

static const char canary[] = "CANARY-fuzz-do-not-leak-0123456";
static char base[64];

static const char *const names[] = {
	"a", "b", "sub", "sub/a", "sub/sub", "sub/sub/a", "c.bin", "x",
};
static const char *const targets[] = {
	"a", "sub", "../secret/canary.bin", "../secret", "..", "/",
	"/proc/self/root/tmp", "sub/../../secret/canary.bin",
	"../m/a", ".",
};

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

static void
at(char *buf, size_t n, const char *rel)
{
	snprintf(buf, n, "%s/m/%s", base, rel);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char p[256], q[256], why[160], text[3][80];
	uint8_t out[4096];
	struct ir_meta e[4];
	struct ext_limits lim = { 4, false };
	struct ext_dir x;
	struct ext_ref r;
	size_t i = 0, k, nops, ne = 0;
	enum ext_status st;
	uint64_t want;
	int fd;

	if (base[0] == '\0')
		snprintf(base, sizeof(base), "%s/onnxfix-fuzz-ext.%ld",
		    fuzz_tmpdir(), (long)getpid());
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(p, sizeof(p), "%s", base);
	if (mkdir(p, 0700) < 0)
		return 0;
	snprintf(p, sizeof(p), "%s/secret", base);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/m", base);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/secret/canary.bin", base);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, canary, sizeof(canary) - 1) < 0)
			(void)0;
		close(fd);
	}
	/* operations: 2 bytes each, up to 8 */
	nops = size > 0 ? data[0] % 9 : 0;
	i = 1;
	for (k = 0; k < nops && i + 1 < size; k++, i += 2) {
		const char *nm = names[data[i] % 8];

		at(p, sizeof(p), nm);
		switch ((data[i] >> 3) % 5) {
		case 0:
			/* never through a link or into a FIFO: the
			 * harness itself must not block or hit the canary */
			fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
			    O_NONBLOCK, 0600);
			if (fd >= 0) {
				memset(out, 'A' + k, data[i + 1]);
				if (write(fd, out, data[i + 1]) < 0)
					(void)0;
				close(fd);
			}
			break;
		case 1:
			mkdir(p, 0700);
			break;
		case 2:
			if (symlink(targets[data[i + 1] % 10], p) < 0)
				(void)0;
			break;
		case 3:
			snprintf(q, sizeof(q), "%s/secret/canary.bin", base);
			if (link(q, p) < 0)
				(void)0;
			break;
		default:
			mkfifo(p, 0600);
			break;
		}
	}
	/* location, offset, length: NUL-separated text */
	for (k = 0; k < 3; k++) {
		size_t n = 0;

		while (i < size && data[i] != 0 && n + 1 < sizeof(text[k]))
			text[k][n++] = (char)data[i++];
		text[k][n] = '\0';
		i++;
	}
	e[ne].key = "location";
	e[ne++].value = text[0];
	if (text[1][0] != '\0') {
		e[ne].key = "offset";
		e[ne++].value = text[1];
	}
	if (text[2][0] != '\0') {
		e[ne].key = "length";
		e[ne++].value = text[2];
	}
	snprintf(p, sizeof(p), "%s/m/model.onnx", base);
	ext_use_openat2(size % 2 == 0);
	if (ext_dir_open(&x, p, &lim, NULL) == 0) {
		st = ext_parse(e, ne, &r, why, sizeof(why));
		want = r.has_length ? r.length : 0;
		if (st == EXT_OK && want <= sizeof(out)) {
			memset(out, 0, sizeof(out));
			st = ext_read(&x, &r, want, out, why, sizeof(why));
			fuzz_assert(memmem(out, sizeof(out), "CANARY", 6) ==
			    NULL);
			if (st == EXT_OK)
				fuzz_assert(ext_location_check(r.location,
				    why, sizeof(why)) == EXT_OK);
		}
		fuzz_assert(strlen(why) < sizeof(why));
		ext_dir_close(&x);
	}
	ext_use_openat2(true);
	return 0;
}
