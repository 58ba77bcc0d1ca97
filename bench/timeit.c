/* SPDX-License-Identifier: MIT */
/*
 * The wall time of a command, as the process that starts it sees it.
 *
 *   timeit RUNS OUT COMMAND [ARG...]
 *
 * Runs COMMAND RUNS times and prints the fastest run's seconds (4
 * decimals).  Before each run OUT is removed, untimed, so that every run
 * writes a new file as the first one does (pass "-" for none), and
 * sync(2) runs, so that no write-back of the run before overlaps it.  The
 * clock starts before posix_spawn and stops when waitpid returns: what
 * the command costs, exec and exit included, without the shell's own
 * forks that timing with date(1) adds (about 1.5 ms a run here).  The
 * command's standard output and error go to /dev/null.  Exit 1 when a
 * run fails (its status is not 0), 64 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	double best = -1, t0, t;
	char *end;
	long runs, i;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	if (argc < 4 || (runs = strtol(argv[1], &end, 10)) < 1 ||
	    *end != '\0') {
		fprintf(stderr, "usage: timeit RUNS OUT COMMAND [ARG...]\n");
		return 64;
	}
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
	    0) != 0 || posix_spawn_file_actions_adddup2(&fa, 1, 2) != 0) {
		fprintf(stderr, "timeit: out of memory\n");
		return 1;
	}
	for (i = 0; i < runs; i++) {
		if (strcmp(argv[2], "-") != 0 && unlink(argv[2]) < 0 &&
		    errno != ENOENT) {
			fprintf(stderr, "timeit: %s: %s\n", argv[2],
			    strerror(errno));
			return 1;
		}
		sync();
		t0 = now();
		rc = posix_spawnp(&pid, argv[3], &fa, NULL, argv + 3,
		    environ);
		if (rc != 0) {
			fprintf(stderr, "timeit: %s: %s\n", argv[3],
			    strerror(rc));
			return 1;
		}
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR) {
				perror("timeit: waitpid");
				return 1;
			}
		t = now() - t0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "timeit: %s failed\n", argv[3]);
			return 1;
		}
		if (best < 0 || t < best)
			best = t;
	}
	printf("%.4f\n", best);
	return 0;
}
