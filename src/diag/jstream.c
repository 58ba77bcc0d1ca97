/* SPDX-License-Identifier: MIT */
/*
 * JSON documents written as a stream (jstream.h).
 */
#include <stdlib.h>
#include <string.h>

#include "diag/jstream.h"

/* JSTREAM_MARK as jansson writes it (control characters escaped) */
#define MARK_DUMPED "\"\\u0001onnxfix-stream\\u0001\""

/* TEXT (a dump) to FP with DEPTH spaces after each newline. */
static int
put_indented(FILE *fp, const char *text, size_t n, int depth)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++)
		if (text[i] == '\n') {
			if (fwrite(text + from, 1, i + 1 - from, fp) !=
			    i + 1 - from || fprintf(fp, "%*s", depth, "") < 0)
				return -1;
			from = i + 1;
		}
	return fwrite(text + from, 1, n - from, fp) == n - from ? 0 : -1;
}

/* FRAME, dumped and indented by DEPTH, with FILL at its mark.  FRAME is
 * released. */
int
jstream_frame(FILE *fp, json_t *frame, int flags, int depth,
    jstream_fill fill,
    void *arg)
{
	char *text = json_dumps(frame, flags);
	const char *m;
	size_t q, line, lead;
	int rc = -1;

	json_decref(frame);
	if (text == NULL)
		return -1;
	/* the mark as dumped: "\u0001onnxfix-stream\u0001" */
	m = strstr(text, MARK_DUMPED);
	if (m == NULL)
		goto out;
	q = (size_t)(m - text);
	for (line = q; line > 0 && text[line - 1] != '\n'; line--)
		continue;
	/* the array's elements and its ] go by its key's line */
	for (lead = line; text[lead] == ' '; lead++)
		continue;
	if (put_indented(fp, text, q, depth) < 0 ||
	    fill(fp, depth + (int)(lead - line), arg) < 0)
		goto out;
	m += strlen(MARK_DUMPED);
	rc = put_indented(fp, m, strlen(m), depth);
out:
	free(text);
	return rc;
}

/* One element of an array at DEPTH: FIRST says whether it opens it. */
int
jstream_elem(FILE *fp, json_t *v, int flags, int depth, bool first)
{
	char *text;
	int rc;

	if (v == NULL)
		return -1;
	text = json_dumps(v, flags);
	json_decref(v);
	if (text == NULL)
		return -1;
	rc = fprintf(fp, "%s\n%*s", first ? "[" : ",", depth + 2, "") < 0 ||
	    put_indented(fp, text, strlen(text), depth + 2) < 0 ? -1 : 0;
	free(text);
	return rc;
}

/* Closes an array at DEPTH that has N elements. */
int
jstream_close(FILE *fp, int depth, size_t n)
{
	if (n == 0)
		return fputs("[]", fp) == EOF ? -1 : 0;
	return fprintf(fp, "\n%*s]", depth, "") < 0 ? -1 : 0;
}

