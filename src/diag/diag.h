/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: every message comes from the catalogue in diag.def and is
 * printed in one format,
 *	onnxfix: FILE: LOCATION: LEVEL CODE: TEXT[: DETAIL]
 * Model text inside LOCATION and DETAIL is escaped when it is recorded
 * (printable ASCII only, everything else \xNN, names cut at 256 bytes), so
 * no output line carries raw model bytes.
 */
#ifndef ONNXFIX_DIAG_H
#define ONNXFIX_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_level {
	DIAG_NOTE,
	DIAG_WARNING,
	DIAG_ERROR,
	DIAG_FATAL,
};

enum diag_id {
#define DIAG(name, code, level, text) DIAG_##name,
#include "diag/diag.def"
#undef DIAG
	DIAG__COUNT
};

struct diag_info {
	const char *name;	/* enum name without DIAG_ */
	const char *code;
	enum diag_level level;
	const char *text;
};

struct diag {
	enum diag_id id;
	char *loc;		/* escaped; "" for the whole model */
	char *detail;		/* escaped; NULL when none */
	/* The IR node the finding is about, or NULL: valid only while the
	 * model lives (the DOT writer colours it). */
	const void *subject;
};

/* A growing list of diagnostics; owns its strings (plain malloc). */
struct diag_list {
	struct diag *v;
	size_t n, cap;
	bool oom;		/* a diagnostic was lost for lack of memory */
};

extern const struct diag_info diag_table[DIAG__COUNT];

void diag_list_init(struct diag_list *l);
void diag_list_release(struct diag_list *l);
/* Record ID at LOC (may be NULL) with a printf-style DETAIL (may be NULL).
 * LOC and the formatted detail must already be escaped text (use
 * diag_escape for model strings).  Returns -1 so callers can write
 * "return diag_report(...)". */
int diag_report(struct diag_list *l, enum diag_id id, const char *loc,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int diag_vreport(struct diag_list *l, enum diag_id id, const char *loc,
    const char *fmt, va_list ap);
/* Worst level recorded, or -1 for an empty list. */
int diag_worst(const struct diag_list *l);
/* Number of diagnostics with id ID. */
size_t diag_count(const struct diag_list *l, enum diag_id id);
/* Print one diagnostic in the standard format; FILE is escaped here.
 * The line is at most DIAG_LINE_MAX bytes, newline included: file,
 * location and detail are cut in the middle ("...") when needed, the
 * level, code and text never. */
#define DIAG_LINE_MAX 512
void diag_print(FILE *fp, const char *file, const struct diag *d);
const char *diag_level_name(enum diag_level level);
/* Look up a code ("S211") or enum name; NULL when unknown. */
const struct diag_info *diag_lookup(const char *code);

/*
 * Escape N bytes of model text S into BUF (SIZE bytes, NUL-terminated):
 * printable ASCII stays except backslash (\\), every other byte is \xNN;
 * past MAX input bytes the rest is replaced by "...(+K bytes)".  Returns
 * BUF.  SIZE must be at least 4 * MAX + 32.
 */
#define DIAG_NAME_MAX 256
#define DIAG_ESCAPE_SIZE (4 * DIAG_NAME_MAX + 32)
char *diag_escape(char *buf, size_t size, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL prints as "". */
char *diag_escape_str(char *buf, size_t size, const char *s);

#endif
