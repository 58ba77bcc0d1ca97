/* SPDX-License-Identifier: MIT */
/*
 * The diagnostic catalogue (built from diag.def), the list that collects
 * reports, the printer and the escaping that keeps model text from ever
 * reaching a terminal, a CI log or a DOT file raw.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag/diag.h"

const struct diag_info diag_table[DIAG__COUNT] = {
#define DIAG(name, code, level, text) { #name, code, DIAG_##level, text },
#include "diag/diag.def"
#undef DIAG
};

void
diag_list_init(struct diag_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
diag_list_release(struct diag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		diag_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void
diag_free(struct diag *d)
{
	free(d->loc);
	free(d->detail);
	free(d->domain);
	free(d->value);
}

void
diag_name_value(struct diag_list *l, size_t from, const char *value)
{
	char b[DIAG_ESCAPE_SIZE];
	size_t i;

	if (l == NULL || value == NULL)
		return;
	for (i = from; i < l->n; i++)
		if (l->v[i].value == NULL)
			l->v[i].value = strdup(diag_escape_str(b, sizeof(b),
			    value));
}

void
diag_set_where(struct diag_list *l, const char *domain, const char *value)
{
	char b[DIAG_ESCAPE_SIZE];
	struct diag *d;

	if (l == NULL || l->n == 0)
		return;
	d = &l->v[l->n - 1];
	if (domain != NULL && domain[0] != '\0' && d->domain == NULL)
		d->domain = strdup(diag_escape_str(b, sizeof(b), domain));
	if (value != NULL && d->value == NULL)
		d->value = strdup(diag_escape_str(b, sizeof(b), value));
}

int
diag_vreport(struct diag_list *l, enum diag_id id, const char *loc,
    const char *fmt, va_list ap)
{
	struct diag *d;
	char *detail = NULL;

	if (l == NULL)
		return -1;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct diag *nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			l->oom = true;
			return -1;
		}
		l->v = nv;
		l->cap = ncap;
	}
	if (fmt != NULL && vasprintf(&detail, fmt, ap) < 0) {
		l->oom = true;
		return -1;
	}
	d = &l->v[l->n];
	d->id = id;
	d->detail = detail;
	d->subject = NULL;
	d->domain = d->value = NULL;
	d->loc = strdup(loc ? loc : "");
	if (d->loc == NULL) {
		free(detail);
		l->oom = true;
		return -1;
	}
	l->n++;
	return -1;
}

int
diag_report(struct diag_list *l, enum diag_id id, const char *loc,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(l, id, loc, fmt, ap);
	va_end(ap);
	return -1;
}

int
diag_worst(const struct diag_list *l)
{
	int worst = -1;
	size_t i;

	for (i = 0; i < l->n; i++)
		if ((int)diag_table[l->v[i].id].level > worst)
			worst = (int)diag_table[l->v[i].id].level;
	return worst;
}

size_t
diag_count(const struct diag_list *l, enum diag_id id)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			n++;
	return n;
}

const char *
diag_level_name(enum diag_level level)
{
	switch (level) {
	case DIAG_NOTE:
		return "note";
	case DIAG_WARNING:
		return "warning";
	case DIAG_ERROR:
		return "error";
	case DIAG_FATAL:
		return "fatal";
	}
	return "?";
}

/* Append S to LINE[*POS] (the line holds CAP bytes), at most MAX bytes
 * of it: a longer S keeps its head and tail around "...". */
static void
put_cut(char *line, size_t cap, size_t *pos, const char *s, size_t max)
{
	size_t n = strlen(s), head;

	if (max > cap - 1 - *pos)
		max = cap - 1 - *pos;
	if (n <= max) {
		memcpy(line + *pos, s, n);
		*pos += n;
	} else if (max >= 8) {
		head = (max - 3) / 2;
		memcpy(line + *pos, s, head);
		memcpy(line + *pos + head, "...", 3);
		memcpy(line + *pos + head + 3, s + n - (max - 3 - head),
		    max - 3 - head);
		*pos += max;
	}
	line[*pos] = '\0';
}

void
diag_print(FILE *fp, const char *file, const struct diag *d)
{
	const struct diag_info *info = &diag_table[d->id];
	char buf[DIAG_ESCAPE_SIZE], line[DIAG_LINE_MAX], mid[160];
	const char *detail = d->detail != NULL ? d->detail : "";
	size_t pos = 0, room, fl, ll, dl;

	/* One line of at most DIAG_LINE_MAX bytes, newline included: the
	 * level, code and text always whole; file, location and detail
	 * share the rest, each cut in the middle if it must be. */
	snprintf(mid, sizeof(mid), "%s %s: %s", diag_level_name(info->level),
	    info->code, info->text);
	diag_escape_str(buf, sizeof(buf), file);
	room = DIAG_LINE_MAX - 1 - strlen("onnxfix: : ") - strlen(mid) -
	    (d->loc[0] != '\0' ? 2 : 0) - (detail[0] != '\0' ? 2 : 0);
	fl = strlen(buf);
	ll = strlen(d->loc);
	dl = strlen(detail);
	if (fl + ll + dl > room) {
		size_t share = room / 3;

		if (fl > share && ll + dl + share <= room)
			fl = room - ll - dl;
		else if (fl > share)
			fl = share;
		if (ll > share && fl + dl + share <= room)
			ll = room - fl - dl;
		else if (ll > share)
			ll = share;
		dl = room - fl - ll;
	}
	put_cut(line, sizeof(line), &pos, "onnxfix: ", 9);
	put_cut(line, sizeof(line), &pos, buf, fl);
	put_cut(line, sizeof(line), &pos, ": ", 2);
	if (d->loc[0] != '\0') {
		put_cut(line, sizeof(line), &pos, d->loc, ll);
		put_cut(line, sizeof(line), &pos, ": ", 2);
	}
	put_cut(line, sizeof(line), &pos, mid, strlen(mid));
	if (detail[0] != '\0') {
		put_cut(line, sizeof(line), &pos, ": ", 2);
		put_cut(line, sizeof(line), &pos, detail, dl);
	}
	fprintf(fp, "%s\n", line);
}

const struct diag_info *
diag_lookup(const char *code)
{
	size_t i;

	for (i = 0; i < DIAG__COUNT; i++)
		if (strcasecmp(diag_table[i].code, code) == 0 ||
		    strcasecmp(diag_table[i].name, code) == 0)
			return &diag_table[i];
	return NULL;
}

int
diag_layout_class(enum diag_id id)
{
	const char *c;

	if ((unsigned)id >= DIAG__COUNT)
		return -1;
	c = diag_table[id].code;
	if (c[0] == 'P' && c[1] == '5' && c[2] >= '0' && c[2] <= '4' &&
	    c[3] >= '0' && c[3] <= '9' && c[4] == '\0')
		return (c[2] - '0') * 10 + (c[3] - '0');
	return -1;
}

bool
diag_is_rewrite(enum diag_id id)
{
	return (unsigned)id < DIAG__COUNT && diag_table[id].code[0] == 'F';
}

enum diag_id
diag_layout_id(int c)
{
	size_t i;

	for (i = 0; i < DIAG__COUNT; i++)
		if (diag_layout_class((enum diag_id)i) == c)
			return (enum diag_id)i;
	return DIAG__COUNT;
}

char *
diag_escape(char *buf, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, max = n;

	if (size < 1)
		return buf;
	if (max > DIAG_NAME_MAX)
		max = DIAG_NAME_MAX;
	for (i = 0; i < max && o + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	if (i < n)
		snprintf(buf + o, size - o, "...(+%zu bytes)", n - i);
	return buf;
}

char *
diag_escape_str(char *buf, size_t size, const char *s)
{
	if (s == NULL)
		s = "";
	return diag_escape(buf, size, s, strlen(s));
}

char *
diag_esc(char *buf, const char *s)
{
	return diag_escape_str(buf, DIAG_ESCAPE_SIZE, s);
}

const char *
diag_explain(const char *code)
{
	size_t i;

	for (i = 0; diag_explain_table[i].code != NULL; i++)
		if (strcasecmp(diag_explain_table[i].code, code) == 0)
			return diag_explain_table[i].text;
	return NULL;
}

const char *
diag_fix_pass(const char *code)
{
	size_t i;

	for (i = 0; diag_explain_table[i].code != NULL; i++)
		if (strcasecmp(diag_explain_table[i].code, code) == 0)
			return diag_explain_table[i].fix_pass;
	return NULL;
}
