/* SPDX-License-Identifier: MIT */
/*
 * Many models at once, for the command line: directory arguments expanded
 * into the models beneath them, a pool of worker processes (-j N) whose
 * results are handed back in input order, and a progress line on standard
 * error.  A worker is a forked process: a model that brings a worker down
 * cannot take the others with it, and no pass needs to be thread-safe.
 */
#ifndef ONNXFIX_BATCH_H
#define ONNXFIX_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/diag.h"

/*
 * Expand ARGV (ARGC entries): a directory becomes every regular file named
 * *.onnx beneath it (subdirectories too, found without recursion; hidden
 * entries skipped), sorted by path; other arguments stay as given, in
 * order.  Returns a malloc'd vector of malloc'd paths in *OUT (*N
 * entries), or -1 with errno set when a directory cannot be read (its
 * path is in *BAD).
 */
int batch_expand(int argc, char **argv, char ***out, size_t *n,
    const char **bad);
void batch_free(char **v, size_t n);

/* The work on model I: fills D, returns an exit status. */
typedef int (*batch_work)(void *arg, size_t i, struct diag_list *d);
/* Its result, called in input order (I = 0, 1, ...) in the caller's
 * process; D's contents may be taken. */
typedef void (*batch_done)(void *arg, size_t i, struct diag_list *d,
    int status);

/* Status of a model whose worker died (a crash): internal error. */
#define BATCH_DIED 70

/*
 * Run WORK on models 0..N-1 with up to JOBS processes at once (JOBS <= 1:
 * in this process, one after the other) and DONE on each result in input
 * order.  Returns 0, or -1 when no worker could be started at all.
 */
int batch_run(size_t n, unsigned jobs, batch_work work, batch_done done,
    void *arg);

/* The progress line: drawn on standard error once work has taken a
 * second, at most ten times a second, and erased at the end. */
struct progress {
	bool on;		/* drawing allowed */
	bool shown;		/* something is on the line */
	uint64_t start_ms, last_ms;
	uint64_t delay_ms;	/* nothing before this much time */
};

/* ON: -1 when stderr is a terminal, 0 never, 1 always.  The first line
 * comes after a second, or after $ONNXFIX_PROGRESS_DELAY milliseconds. */
void progress_init(struct progress *p, int on);
/* "onnxfix: WHAT DONE/TOTAL UNIT"; UNIT "MiB" divides byte counts. */
void progress_show(struct progress *p, const char *what, uint64_t done,
    uint64_t total, const char *unit);
void progress_end(struct progress *p);
/* An onnxfix_options.progress callback drawing bytes on P. */
void progress_bytes(void *p, const char *what, uint64_t done,
    uint64_t total);

#endif
