/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the whole command line on a temporary directory: the
 * input is written as a model, then "check", "fix -o --dot" and
 * "fix --external-data" run through the real main() (src/cli/main.c built
 * with main renamed).  Invariants: never status 70 or 64; on failure no
 * output and no temporary file is left; on success the output exists.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

int onnxfix_cli_main(int argc, char **argv);

static char base[64];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

static int
cli(int argc, const char **argv)
{
	optind = 0;
	return onnxfix_cli_main(argc, (char **)argv);
}

/* Files in the output directory other than the input. */
static int
others(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[128], out[128], dot[128], odir[128];
	int fd, rc;

	if (base[0] == '\0') {
		snprintf(base, sizeof(base), "%s/onnxfix-fuzz-cli.%ld",
		    fuzz_tmpdir(), (long)getpid());
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
	}
	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(base, 0700) < 0)
		return 0;
	snprintf(in, sizeof(in), "%s/in.onnx", base);
	snprintf(odir, sizeof(odir), "%s/o", base);
	snprintf(out, sizeof(out), "%s/o/out.onnx", base);
	snprintf(dot, sizeof(dot), "%s/o/out.dot", base);
	mkdir(odir, 0700);
	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);
	{
		const char *argv[] = { "onnxfix", "check", "-q", in, NULL };

		rc = cli(4, argv);
		fuzz_assert(rc != 70 && rc != 64);
	}
	{
		const char *argv[] = { "onnxfix", "fix", "-q", "-o", out,
		    "--dot", dot, in, NULL };

		rc = cli(8, argv);
		fuzz_assert(rc != 70 && rc != 64);
		if (rc == 0)
			fuzz_assert(access(out, F_OK) == 0);
		else
			fuzz_assert(access(out, F_OK) != 0);
	}
	nftw(odir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	mkdir(odir, 0700);
	{
		const char *argv[] = { "onnxfix", "fix", "-q",
		    "--external-data", "w.data", "--size-threshold", "0",
		    "-o", out, in, NULL };

		rc = cli(10, argv);
		fuzz_assert(rc != 70 && rc != 64);
		if (rc != 0)
			fuzz_assert(others(odir) == 0);
	}
	return 0;
}
