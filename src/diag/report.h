/* SPDX-License-Identifier: MIT */
/*
 * Reports: the diagnostics of one or more models, filtered (--select,
 * --ignore, a baseline) and written in one of four formats:
 *	text	one line per diagnostic (diag.h), the default
 *	json	one document, shape "onnxfix-report" version 1 (man page)
 *	sarif	SARIF 2.1.0, one run
 *	github	GitHub Actions workflow commands (::error file=...::...)
 * Text and github lines are written as each model is added; json and
 * sarif are written by report_finish().  Fatal diagnostics also go to
 * standard error as one text line in every format, so a failing load is
 * never silent.
 */
#ifndef ONNXFIX_REPORT_H
#define ONNXFIX_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag/diag.h"

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_SARIF,
	REPORT_GITHUB,
};

struct report_model {
	char *file;
	struct diag_list d;	/* the kept diagnostics only */
	int status;		/* exit status for this model */
	size_t suppressed;	/* findings dropped by the baseline */
};

struct baseline_entry {
	char *file, *code, *key;	/* key: report_key() of the location */
	size_t count;		/* left to match */
	size_t next;		/* the next entry in its hash chain, or 0 */
};

struct report {
	enum report_format fmt;
	const char *command;	/* "check", "fix" */
	FILE *out;		/* findings (stdout) */
	FILE *err;		/* fatal lines (stderr) */
	bool quiet;		/* text: notes are not printed */
	bool verbose;		/* text: every note, none grouped */
	const char *select;	/* comma-separated codes or prefixes */
	const char *ignore;
	struct baseline_entry *bl;	/* bl[0] unused: 0 ends a chain */
	size_t nbl;
	size_t *blhash;		/* chain heads, nblhash (a power of two) */
	size_t nblhash;
	struct report_model *v;
	size_t n, cap;
	bool oom;
};

/* "text", "json", "sarif", "github" -> format; -1 when unknown. */
int report_parse_format(const char *s);
void report_init(struct report *r, enum report_format fmt,
    const char *command);
void report_release(struct report *r);
/*
 * Load a baseline: a JSON report (--format json) of findings to accept.
 * Returns 0, or -1 with a one-line reason in WHY (SIZE bytes).
 */
int report_load_baseline(struct report *r, const char *path, char *why,
    size_t size);
/* Is CODE kept by --select and --ignore?  Fatal codes always are. */
bool report_selected(const struct report *r, const struct diag_info *info);
/*
 * Add the diagnostics of FILE: keeps the selected ones that the baseline
 * does not cover (moving their strings out of D, which is left empty)
 * and writes them at once for the streaming formats.  STATUS is the
 * model's exit status before findings are counted.  Returns the kept
 * list's worst level, or -1 when it is empty.
 */
int report_add(struct report *r, const char *file, struct diag_list *d,
    int *status);
/* Set the exit status recorded for the last model added. */
void report_set_status(struct report *r, int status);
/* Write the json and sarif documents; EXIT is the process exit status.
 * Returns 0, or -1 when writing failed. */
int report_finish(struct report *r, int exit_status);
/* Is CODE a valid --select/--ignore entry (a code or its prefix)? */
bool report_valid_selector(const char *s);
/*
 * The stable key of location LOC into BUF (SIZE bytes): LOC with the
 * index of every named node left out ("node 4 '/conv1/Conv' (Conv)"
 * becomes "node '/conv1/Conv' (Conv)"), so that a finding keeps its key
 * when a re-export inserts or removes nodes before it; unnamed nodes keep
 * their index, the only thing that tells them apart.  Baselines and SARIF
 * fingerprints match on the model's base name, the code and this key.
 */
char *report_key(const char *loc, char *buf, size_t size);

#endif
