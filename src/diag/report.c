/* SPDX-License-Identifier: MIT */
/*
 * Reports in text, JSON, SARIF 2.1.0 and GitHub workflow-command form,
 * with --select/--ignore filtering and baselines (report.h).  JSON goes
 * through jansson; every string in a diagnostic is already escaped to
 * printable ASCII (diag.h), so no format carries raw model bytes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <xxhash.h>

#include "diag/jstream.h"
#include "diag/report.h"

#ifndef ONNXFIX_VERSION
#define ONNXFIX_VERSION "0"
#endif

int
report_parse_format(const char *s)
{
	static const char *const names[] = {
		[REPORT_TEXT] = "text",
		[REPORT_JSON] = "json",
		[REPORT_SARIF] = "sarif",
		[REPORT_GITHUB] = "github",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

void
report_init(struct report *r, enum report_format fmt, const char *command)
{
	memset(r, 0, sizeof(*r));
	r->fmt = fmt;
	r->command = command;
	r->out = stdout;
	r->err = stderr;
}

void
report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].file);
		diag_list_release(&r->v[i].d);
	}
	free(r->v);
	for (i = 1; i < r->nbl; i++) {
		free(r->bl[i].file);
		free(r->bl[i].code);
		free(r->bl[i].key);
	}
	free(r->bl);
	free(r->blhash);
	memset(r, 0, sizeof(*r));
}

/* A selector is a code ("B601") or a prefix of one ("B", "B6"), in
 * either case. */
bool
report_valid_selector(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 8 || !isalpha((unsigned char)s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Does CODE match an entry of the comma-separated LIST? */
static bool
matches(const char *list, const char *code)
{
	const char *p = list;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > 0 && strncasecmp(p, code, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

bool
report_selected(const struct report *r, const struct diag_info *info)
{
	if (info->level == DIAG_FATAL)
		return true;
	if (r->select != NULL && !matches(r->select, info->code))
		return false;
	return r->ignore == NULL || !matches(r->ignore, info->code);
}

/* The last path component: baselines match files by base name, so a
 * baseline works from any directory. */
static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

char *
report_key(const char *loc, char *buf, size_t size)
{
	size_t o = 0;
	const char *p = loc;

	if (size == 0)
		return buf;
	while (*p != '\0' && o + 1 < size) {
		/* at a segment start: "node N '" drops "N " */
		if ((p == loc || p[-1] == '/') && strncmp(p, "node ", 5) == 0) {
			const char *q = p + 5;

			while (isdigit((unsigned char)*q))
				q++;
			if (q > p + 5 && q[0] == ' ' && q[1] == '\'') {
				size_t n = o + 5 < size - 1 ? 5 : size - 1 - o;

				memcpy(buf + o, p, n);
				o += n;
				p = q + 1;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	return buf;
}

/* report_key() of LOC in new memory (it is never longer), or NULL. */
static char *
key_dup(const char *loc)
{
	size_t n = strlen(loc) + 1;
	char *k = malloc(n);

	return k ? report_key(loc, k, n) : NULL;
}

static uint64_t
bl_hash(const char *file, const char *code, const char *key)
{
	uint64_t h = XXH3_64bits(file, strlen(file));

	h = XXH3_64bits_withSeed(code, strlen(code), h);
	return XXH3_64bits_withSeed(key, strlen(key), h);
}

/* The entry for (FILE, CODE, KEY), or 0. */
static size_t
bl_find(const struct report *r, const char *file, const char *code,
    const char *key)
{
	size_t i;

	if (r->nblhash == 0)
		return 0;
	for (i = r->blhash[bl_hash(file, code, key) & (r->nblhash - 1)];
	    i != 0; i = r->bl[i].next)
		if (strcmp(r->bl[i].key, key) == 0 &&
		    strcmp(r->bl[i].code, code) == 0 &&
		    strcmp(r->bl[i].file, file) == 0)
			return i;
	return 0;
}

/* Add one accepted finding; 0, or -1 when out of memory. */
static int
bl_add(struct report *r, const char *file, const char *code,
    const char *key)
{
	struct baseline_entry *e;
	size_t i, h;

	if ((i = bl_find(r, file, code, key)) != 0) {
		r->bl[i].count++;
		return 0;
	}
	if (r->nbl == 0)
		r->nbl = 1;	/* entry 0 ends the chains */
	if ((r->nbl & (r->nbl - 1)) == 0) {
		struct baseline_entry *nv = realloc(r->bl,
		    2 * r->nbl * sizeof(*nv));

		if (nv == NULL)
			return -1;
		r->bl = nv;
	}
	/* keep the chains at most half full */
	if (2 * r->nbl >= r->nblhash) {
		size_t n = r->nblhash ? 2 * r->nblhash : 64, *nh;

		if ((nh = calloc(n, sizeof(*nh))) == NULL)
			return -1;
		free(r->blhash);
		r->blhash = nh;
		r->nblhash = n;
		for (i = 1; i < r->nbl; i++) {
			h = bl_hash(r->bl[i].file, r->bl[i].code,
			    r->bl[i].key) & (n - 1);
			r->bl[i].next = nh[h];
			nh[h] = i;
		}
	}
	e = &r->bl[r->nbl];
	e->file = strdup(file);
	e->code = strdup(code);
	e->key = strdup(key);
	e->count = 1;
	if (e->file == NULL || e->code == NULL || e->key == NULL) {
		free(e->file);
		free(e->code);
		free(e->key);
		return -1;
	}
	h = bl_hash(file, code, key) & (r->nblhash - 1);
	e->next = r->blhash[h];
	r->blhash[h] = r->nbl++;
	return 0;
}

int
report_load_baseline(struct report *r, const char *path, char *why,
    size_t size)
{
	json_error_t err;
	json_t *root, *models, *m, *f;
	size_t i, j;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		snprintf(why, size, "line %d: %s", err.line, err.text);
		return -1;
	}
	models = json_object_get(root, "models");
	if (!json_is_object(root) ||
	    !json_is_string(json_object_get(root, "format")) ||
	    strcmp(json_string_value(json_object_get(root, "format")),
	    "onnxfix-report") != 0 || !json_is_array(models)) {
		snprintf(why, size, "not an onnxfix JSON report");
		json_decref(root);
		return -1;
	}
	json_array_foreach(models, i, m) {
		json_t *file = json_object_get(m, "file");
		json_t *findings = json_object_get(m, "findings");

		if (!json_is_string(file) || !json_is_array(findings))
			continue;
		json_array_foreach(findings, j, f) {
			json_t *code = json_object_get(f, "code");
			json_t *loc = json_object_get(f, "location");
			char *key;
			int rc;

			if (!json_is_string(code) || !json_is_string(loc))
				continue;
			/* the key from the location, so that a baseline of
			 * an older release keys the same way */
			key = key_dup(json_string_value(loc));
			rc = key == NULL ? -1 : bl_add(r, base_name(
			    json_string_value(file)), json_string_value(code),
			    key);
			free(key);
			if (rc < 0) {
				json_decref(root);
				snprintf(why, size, "out of memory");
				return -1;
			}
		}
	}
	json_decref(root);
	return 0;
}

/* Is this finding in the baseline?  Each entry absorbs as many findings
 * as it was recorded times. */
static bool
in_baseline(struct report *r, const char *file, const struct diag *d)
{
	char *key = key_dup(d->loc);
	size_t i;

	if (key == NULL)
		return false;
	i = bl_find(r, base_name(file), diag_table[d->id].code, key);
	free(key);
	if (i == 0 || r->bl[i].count == 0)
		return false;
	r->bl[i].count--;
	return true;
}

/*
 * GitHub workflow commands: the message escapes %, CR and LF; property
 * values also escape : and , (the runner's toolkit rules).
 */
static void
gh_escape(FILE *fp, const char *s, bool property)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '%':
			fputs("%25", fp);
			break;
		case '\r':
			fputs("%0D", fp);
			break;
		case '\n':
			fputs("%0A", fp);
			break;
		case ':':
			fputs(property ? "%3A" : ":", fp);
			break;
		case ',':
			fputs(property ? "%2C" : ",", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

static void
print_github(FILE *fp, const char *file, const struct diag *d)
{
	const struct diag_info *info = &diag_table[d->id];
	char esc[DIAG_ESCAPE_SIZE];
	const char *cmd;

	switch (info->level) {
	case DIAG_NOTE:
		cmd = "notice";
		break;
	case DIAG_WARNING:
		cmd = "warning";
		break;
	default:
		cmd = "error";
	}
	fprintf(fp, "::%s file=", cmd);
	gh_escape(fp, diag_escape_str(esc, sizeof(esc), file), true);
	fprintf(fp, ",title=onnxfix %s::", info->code);
	if (d->loc[0] != '\0') {
		gh_escape(fp, d->loc, false);
		fputs(": ", fp);
	}
	gh_escape(fp, info->text, false);
	if (d->detail != NULL && d->detail[0] != '\0') {
		fputs(": ", fp);
		gh_escape(fp, d->detail, false);
	}
	fputc('\n', fp);
}

/* fix notes and warnings of one code beyond this many a model are one
 * line */
#define GROUP_SHOWN 3

/* Does the text report group the notes and warnings of this model (fix,
 * not -v)?  check lists every finding: a CI log or a baseline needs each
 * one. */
static bool
grouping(const struct report *r)
{
	return !r->verbose && strcmp(r->command, "fix") == 0;
}

/* One line per grouped code: how many more it had (TOTAL: the findings
 * of each code in the model), at the code's level; with -q only the
 * warnings' lines, as only warnings were shown. */
static void
print_groups(const struct report *r, const size_t *total, const char *file)
{
	char esc[DIAG_ESCAPE_SIZE];
	size_t id;

	for (id = 0; id < DIAG__COUNT; id++)
		if (total[id] > GROUP_SHOWN && (!r->quiet ||
		    diag_table[id].level >= DIAG_WARNING))
			fprintf(r->out, "onnxfix: %s: %s %s: %s: and %zu more "
			    "like these (-v lists each)\n", diag_escape_str(esc,
			    sizeof(esc), file),
			    diag_level_name(diag_table[id].level),
			    diag_table[id].code, diag_table[id].text,
			    total[id] - GROUP_SHOWN);
}

int
report_add(struct report *r, const char *file, struct diag_list *d,
    int *status)
{
	size_t seen[DIAG__COUNT];
	struct report_model *rm;
	size_t i;
	int worst = -1;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 8;
		struct report_model *nv = realloc(r->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			r->oom = true;
			return diag_worst(d);
		}
		r->v = nv;
		r->cap = ncap;
	}
	rm = &r->v[r->n];
	memset(rm, 0, sizeof(*rm));
	rm->file = strdup(file);
	if (rm->file == NULL) {
		r->oom = true;
		return diag_worst(d);
	}
	diag_list_init(&rm->d);
	rm->status = *status;
	r->n++;
	/* Keep what the filters let through; move it into the report. */
	for (i = 0; i < d->n; i++) {
		struct diag *x = &d->v[i];
		const struct diag_info *info = &diag_table[x->id];
		bool keep = report_selected(r, info);

		if (keep && info->level != DIAG_FATAL &&
		    in_baseline(r, file, x)) {
			rm->suppressed++;
			keep = false;
		}
		if (!keep) {
			diag_free(x);
			continue;
		}
		if (rm->d.n == rm->d.cap) {
			size_t ncap = rm->d.cap ? 2 * rm->d.cap : 16;
			struct diag *nv = realloc(rm->d.v,
			    ncap * sizeof(*nv));

			if (nv == NULL) {
				diag_free(x);
				rm->d.oom = true;
				continue;
			}
			rm->d.v = nv;
			rm->d.cap = ncap;
		}
		rm->d.v[rm->d.n++] = *x;
		if ((int)info->level > worst)
			worst = (int)info->level;
	}
	rm->d.oom |= d->oom;
	free(d->v);
	diag_list_init(d);
	/* Fatal lines go to stderr in every format. */
	for (i = 0; i < rm->d.n; i++)
		if (diag_table[rm->d.v[i].id].level == DIAG_FATAL)
			diag_print(r->err, file, &rm->d.v[i]);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < rm->d.n; i++) {
		enum diag_id id = rm->d.v[i].id;
		enum diag_level l = diag_table[id].level;

		if (l == DIAG_FATAL && r->fmt != REPORT_GITHUB)
			continue;
		if (r->fmt == REPORT_TEXT && (!r->quiet ||
		    l >= DIAG_WARNING)) {
			if ((l == DIAG_NOTE || l == DIAG_WARNING) &&
			    grouping(r) && ++seen[id] > GROUP_SHOWN)
				continue;
			diag_print(r->out, file, &rm->d.v[i]);
		} else if (r->fmt == REPORT_GITHUB) {
			print_github(r->out, file, &rm->d.v[i]);
		}
	}
	if (r->fmt == REPORT_TEXT && grouping(r))
		print_groups(r, seen, file);
	if (rm->d.oom)
		fprintf(r->err, "onnxfix: out of memory: some diagnostics "
		    "were lost\n");
	if (rm->suppressed > 0 && r->fmt == REPORT_TEXT && !r->quiet) {
		char esc[DIAG_ESCAPE_SIZE];

		fprintf(r->out, "onnxfix: %s: %zu finding%s in the "
		    "baseline not shown\n", diag_escape_str(esc, sizeof(esc),
		    file), rm->suppressed, rm->suppressed == 1 ? "" : "s");
	}
	fflush(r->out);
	return worst;
}

void
report_set_status(struct report *r, int status)
{
	if (r->n > 0)
		r->v[r->n - 1].status = status;
}

/* json_object_set_new that remembers failure. */
static void
put(json_t *o, const char *key, json_t *v, bool *bad)
{
	if (v == NULL || json_object_set_new(o, key, v) < 0)
		*bad = true;
}

static void
append(json_t *a, json_t *v, bool *bad)
{
	if (v == NULL || json_array_append_new(a, v) < 0)
		*bad = true;
}

/*
 * The last node of location LOC as data: index, name (NULL when the node
 * is unnamed) and operator, and how many bytes of LOC come before it (the
 * graph path).  False when LOC names no node.
 */
static bool
loc_node(const char *loc, long long *index, char **name, char **op,
    size_t *prefix)
{
	const char *p, *seg = NULL, *q, *e;

	for (p = loc; (p = strstr(p, "node ")) != NULL; p++)
		if ((p == loc || p[-1] == '/') && isdigit((unsigned char)p[5]))
			seg = p;
	if (seg == NULL)
		return false;
	*prefix = (size_t)(seg - loc);
	*index = strtoll(seg + 5, (char **)&q, 10);
	*name = NULL;
	*op = NULL;
	if (q[0] == ' ' && q[1] == '\'') {
		/* the name ends at the last "' (" of the segment */
		for (e = NULL, p = q + 2; (p = strstr(p, "' (")) != NULL; p++)
			e = p;
		if (e == NULL)
			return true;
		*name = strndup(q + 2, (size_t)(e - q - 2));
		q = e + 1;
	}
	if (q[0] == ' ' && q[1] == '(' && (e = strchr(q, ')')) != NULL)
		*op = strndup(q + 2, (size_t)(e - q - 2));
	return true;
}

static json_t *
finding_json(const struct diag *d, bool *bad)
{
	const struct diag_info *info = &diag_table[d->id];
	json_t *f = json_object();
	const char *pass = diag_fix_pass(info->code);
	char *key = key_dup(d->loc), *name, *op;
	long long index;
	size_t prefix;

	if (f == NULL || key == NULL) {
		json_decref(f);
		free(key);
		*bad = true;
		return NULL;
	}
	put(f, "code", json_string(info->code), bad);
	put(f, "level", json_string(diag_level_name(info->level)), bad);
	put(f, "text", json_string(info->text), bad);
	put(f, "location", json_string(d->loc), bad);
	put(f, "key", json_string(key), bad);
	free(key);
	if (loc_node(d->loc, &index, &name, &op, &prefix)) {
		json_t *n = json_object();

		put(f, "graph", prefix > 1 ? json_stringn(d->loc, prefix - 1) :
		    json_string("graph"), bad);
		if (n == NULL) {
			*bad = true;
		} else {
			put(n, "index", json_integer(index), bad);
			put(n, "name", name ? json_string(name) : json_null(),
			    bad);
			put(n, "op_type", op ? json_string(op) : json_null(),
			    bad);
			put(n, "domain", json_string(d->domain ? d->domain :
			    ""), bad);
			put(f, "node", n, bad);
		}
		free(name);
		free(op);
	} else {
		put(f, "graph", json_null(), bad);
		put(f, "node", json_null(), bad);
	}
	put(f, "value", d->value ? json_string(d->value) : json_null(), bad);
	put(f, "fixable", pass ? json_string(pass) : json_null(), bad);
	put(f, "detail", d->detail ? json_string(d->detail) : json_null(),
	    bad);
	return f;
}

/* How the reports are written (see jstream.h) */
#define FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER)

static int
fill_findings(FILE *fp, int depth, void *arg)
{
	const struct report_model *rm = arg;
	bool bad = false;
	size_t j;

	for (j = 0; j < rm->d.n; j++)
		if (jstream_elem(fp, finding_json(&rm->d.v[j], &bad), FLAGS,
		    depth, j == 0) < 0 || bad)
			return -1;
	return jstream_close(fp, depth, rm->d.n);
}

static int
fill_models(FILE *fp, int depth, void *arg)
{
	const struct report *r = arg;
	char esc[DIAG_ESCAPE_SIZE];
	bool bad = false;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct report_model *rm = &r->v[i];
		json_t *m = json_object();

		if (m == NULL)
			return -1;
		put(m, "file", json_string(diag_escape_str(esc, sizeof(esc),
		    rm->file)), &bad);
		put(m, "status", json_integer(rm->status), &bad);
		put(m, "suppressed", json_integer((json_int_t)rm->suppressed),
		    &bad);
		put(m, "findings", json_string(JSTREAM_MARK), &bad);
		if (bad || fprintf(fp, "%s\n%*s", i == 0 ? "[" : ",",
		    depth + 2, "") < 0 ||
		    jstream_frame(fp, m, FLAGS, depth + 2, fill_findings,
		    (void *)rm) < 0)
			return -1;
	}
	return jstream_close(fp, depth, r->n);
}

/* The JSON report, streamed to R->out. */
static int
report_json(const struct report *r, int exit_status)
{
	json_t *root = json_object(), *summary = json_object();
	json_t *tool = json_object();
	size_t counts[DIAG_FATAL + 1] = { 0 };
	size_t i, j, suppressed = 0;
	bool bad = false;

	if (root == NULL || summary == NULL || tool == NULL) {
		json_decref(root);
		json_decref(summary);
		json_decref(tool);
		return -1;
	}
	for (i = 0; i < r->n; i++) {
		for (j = 0; j < r->v[i].d.n; j++)
			counts[diag_table[r->v[i].d.v[j].id].level]++;
		suppressed += r->v[i].suppressed;
	}
	put(root, "format", json_string("onnxfix-report"), &bad);
	put(root, "version", json_integer(1), &bad);
	put(tool, "name", json_string("onnxfix"), &bad);
	put(tool, "version", json_string(ONNXFIX_VERSION), &bad);
	put(root, "tool", tool, &bad);
	put(root, "command", json_string(r->command), &bad);
	put(root, "models", json_string(JSTREAM_MARK), &bad);
	put(summary, "models", json_integer((json_int_t)r->n), &bad);
	put(summary, "fatal", json_integer((json_int_t)counts[DIAG_FATAL]),
	    &bad);
	put(summary, "error", json_integer((json_int_t)counts[DIAG_ERROR]),
	    &bad);
	put(summary, "warning",
	    json_integer((json_int_t)counts[DIAG_WARNING]), &bad);
	put(summary, "note", json_integer((json_int_t)counts[DIAG_NOTE]),
	    &bad);
	put(summary, "suppressed", json_integer((json_int_t)suppressed),
	    &bad);
	put(summary, "exit_status", json_integer(exit_status), &bad);
	put(root, "summary", summary, &bad);
	if (bad) {
		json_decref(root);
		return -1;
	}
	return jstream_frame(r->out, root, FLAGS, 0, fill_models, (void *)r);
}

/* A relative URI reference for PATH: RFC 3986 unreserved characters and
 * '/' stay, every other byte is percent-encoded. */
static json_t *
uri_of(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), o = 0, i;
	char *b = malloc(3 * n + 1);
	json_t *s;

	if (b == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~' || c == '/') {
			b[o++] = (char)c;
		} else {
			b[o++] = '%';
			b[o++] = hex[c >> 4];
			b[o++] = hex[c & 15];
		}
	}
	b[o] = '\0';
	s = json_string(b);
	free(b);
	return s;
}

/* uri (and uriBaseId) of FILE: relative paths against %SRCROOT%, the
 * checkout a code-scanning service resolves them in; absolute ones as
 * file: URIs. */
static void
artifact_location(json_t *al, const char *file, bool *bad)
{
	if (file[0] == '/') {
		json_t *u = uri_of(file);
		char *s = NULL;

		if (u == NULL || asprintf(&s, "file://%s",
		    json_string_value(u)) < 0)
			s = NULL;
		json_decref(u);
		put(al, "uri", s ? json_string(s) : NULL, bad);
		free(s);
		return;
	}
	while (file[0] == '.' && file[1] == '/')
		file += 2;
	put(al, "uri", uri_of(file), bad);
	put(al, "uriBaseId", json_string("%SRCROOT%"), bad);
}

/* The rule's full description and help: the catalogue entry's
 * explanation (the man page's DIAGNOSTICS text). */
static void
rule_help(json_t *rule, const struct diag_info *info, bool *bad)
{
	const char *text = diag_explain(info->code);
	const char *pass = diag_fix_pass(info->code);
	char *help = NULL;

	if (text == NULL || text[0] == '\0')
		text = info->text;
	put(rule, "fullDescription", json_pack("{s:s}", "text", text), bad);
	if (asprintf(&help, "%s\n\n%s`onnxfix explain %s` prints this "
	    "entry; onnxfix(1) DIAGNOSTICS has them all.", text,
	    pass ? "onnxfix fix repairs it. " : "", info->code) < 0)
		help = NULL;
	put(rule, "help", help ? json_pack("{s:s}", "text", help) : NULL,
	    bad);
	free(help);
}

/* partialFingerprints: the baseline's key (base name, code, report_key
 * of the location) hashed, so that an alert survives a re-export that
 * renumbers nodes. */
static void
fingerprint(json_t *res, const char *file, const struct diag_info *info,
    const struct diag *d, bool *bad)
{
	char *key = key_dup(d->loc), hex[17];

	if (key == NULL) {
		*bad = true;
		return;
	}
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)bl_hash(
	    base_name(file), info->code, key));
	free(key);
	put(res, "partialFingerprints", json_pack("{s:s}", "onnxfixKey/v1",
	    hex), bad);
}

static const char *
sarif_level(enum diag_level l)
{
	switch (l) {
	case DIAG_NOTE:
		return "note";
	case DIAG_WARNING:
		return "warning";
	default:
		return "error";
	}
}

/* A rule of the SARIF log: INFO's code, name, texts and level. */
static json_t *
sarif_rule(const struct diag_info *info, bool *bad)
{
	json_t *rule = json_object(), *sd = json_object(), *dc = json_object();

	if (rule == NULL || sd == NULL || dc == NULL) {
		json_decref(rule);
		json_decref(sd);
		json_decref(dc);
		*bad = true;
		return NULL;
	}
	put(rule, "id", json_string(info->code), bad);
	put(rule, "name", json_string(info->name), bad);
	put(sd, "text", json_string(info->text), bad);
	put(rule, "shortDescription", sd, bad);
	rule_help(rule, info, bad);
	put(dc, "level", json_string(sarif_level(info->level)), bad);
	put(rule, "defaultConfiguration", dc, bad);
	return rule;
}

/* The result of finding D of model I (file FILE). */
static json_t *
sarif_result(const char *file, size_t i, const struct diag *d,
    int rule, bool *bad)
{
	const struct diag_info *info = &diag_table[d->id];
	json_t *res = json_object(), *msg = json_object();
	json_t *locs = json_array(), *l = json_object();
	json_t *phys = json_object(), *al = json_object();
	char *text = NULL;

	if (res == NULL || msg == NULL || locs == NULL || l == NULL ||
	    phys == NULL || al == NULL) {
		json_decref(res);
		json_decref(msg);
		json_decref(locs);
		json_decref(l);
		json_decref(phys);
		json_decref(al);
		*bad = true;
		return NULL;
	}
	put(res, "ruleId", json_string(info->code), bad);
	put(res, "ruleIndex", json_integer(rule), bad);
	put(res, "level", json_string(sarif_level(info->level)), bad);
	if (asprintf(&text, "%s%s%s%s%s", d->loc, d->loc[0] ? ": " : "",
	    info->text, d->detail && d->detail[0] ? ": " : "",
	    d->detail && d->detail[0] ? d->detail : "") < 0)
		text = NULL;
	put(msg, "text", text ? json_string(text) : NULL, bad);
	free(text);
	put(res, "message", msg, bad);
	artifact_location(al, file, bad);
	put(al, "index", json_integer((json_int_t)i), bad);
	put(phys, "artifactLocation", al, bad);
	/* a model is binary: the finding is at line 1 */
	put(phys, "region", json_pack("{s:i}", "startLine", 1), bad);
	fingerprint(res, file, info, d, bad);
	put(l, "physicalLocation", phys, bad);
	if (d->loc[0] != '\0') {
		json_t *lls = json_array(), *ll = json_object();

		if (lls == NULL || ll == NULL) {
			json_decref(lls);
			json_decref(ll);
			*bad = true;
		} else {
			put(ll, "fullyQualifiedName", json_string(d->loc),
			    bad);
			append(lls, ll, bad);
			put(l, "logicalLocations", lls, bad);
		}
	}
	append(locs, l, bad);
	put(res, "locations", locs, bad);
	return res;
}

struct sarif_fill {
	const struct report *r;
	const int *rule_index;
};

static int
fill_results(FILE *fp, int depth, void *arg)
{
	const struct sarif_fill *f = arg;
	const struct report *r = f->r;
	bool bad = false;
	size_t i, j, k = 0;

	for (i = 0; i < r->n; i++)
		for (j = 0; j < r->v[i].d.n; j++, k++) {
			const struct diag *d = &r->v[i].d.v[j];

			if (jstream_elem(fp, sarif_result(r->v[i].file, i, d,
			    f->rule_index[d->id], &bad), FLAGS, depth,
			    k == 0) < 0 ||
			    bad)
				return -1;
		}
	return jstream_close(fp, depth, k);
}

/* The SARIF log, streamed to R->out: rules in the order their codes
 * first occur, the results one at a time. */
static int
report_sarif(const struct report *r, int exit_status)
{
	json_t *root = json_object(), *runs = json_array(), *run = json_object();
	json_t *tool = json_object(), *driver = json_object();
	json_t *rules = json_array(), *artifacts = json_array();
	json_t *invs = json_array(), *inv = json_object();
	int rule_index[DIAG__COUNT];
	struct sarif_fill f = { r, rule_index };
	size_t i, j, nrules = 0;
	bool bad = false;

	if (root == NULL || runs == NULL || run == NULL || tool == NULL ||
	    driver == NULL || rules == NULL || artifacts == NULL ||
	    invs == NULL || inv == NULL) {
		json_decref(root);
		json_decref(runs);
		json_decref(run);
		json_decref(tool);
		json_decref(driver);
		json_decref(rules);
		json_decref(artifacts);
		json_decref(invs);
		json_decref(inv);
		return -1;
	}
	for (i = 0; i < DIAG__COUNT; i++)
		rule_index[i] = -1;
	put(root, "$schema", json_string("https://docs.oasis-open.org/sarif/"
	    "sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"), &bad);
	put(root, "version", json_string("2.1.0"), &bad);
	put(driver, "name", json_string("onnxfix"), &bad);
	put(driver, "version", json_string(ONNXFIX_VERSION), &bad);
	for (i = 0; i < r->n; i++) {
		const struct report_model *rm = &r->v[i];
		json_t *art = json_object(), *loc = json_object();

		if (art == NULL || loc == NULL) {
			json_decref(art);
			json_decref(loc);
			bad = true;
			break;
		}
		artifact_location(loc, rm->file, &bad);
		put(art, "location", loc, &bad);
		append(artifacts, art, &bad);
		for (j = 0; j < rm->d.n; j++) {
			enum diag_id id = rm->d.v[j].id;

			if (rule_index[id] >= 0)
				continue;
			append(rules, sarif_rule(&diag_table[id], &bad),
			    &bad);
			rule_index[id] = (int)nrules++;
		}
	}
	put(driver, "rules", rules, &bad);
	put(tool, "driver", driver, &bad);
	put(run, "tool", tool, &bad);
	put(run, "artifacts", artifacts, &bad);
	put(run, "results", json_string(JSTREAM_MARK), &bad);
	put(inv, "executionSuccessful", json_boolean(exit_status == 0 ||
	    exit_status == 1), &bad);
	put(inv, "exitCode", json_integer(exit_status), &bad);
	append(invs, inv, &bad);
	put(run, "invocations", invs, &bad);
	append(runs, run, &bad);
	put(root, "runs", runs, &bad);
	if (bad) {
		json_decref(root);
		return -1;
	}
	return jstream_frame(r->out, root, FLAGS, 0, fill_results, &f);
}

/*
 * The last line of a text check report: findings by level and by code
 * (most frequent first, ties in catalogue order) and how many of them
 * fix repairs, as "onnxfix: 2 errors, 1 warning in 3 models (S212 x2,
 * P501 x1); 1 fixable by onnxfix fix".  Nothing when nothing was found.
 */
static void
text_summary(const struct report *r)
{
	size_t bylevel[DIAG_FATAL + 1] = { 0 }, bycode[DIAG__COUNT] = { 0 };
	size_t total = 0, fixable = 0, shown = 0, i, j;
	static const char *const names[] = { "note", "warning", "error",
	    "fatal" };
	bool first = true;

	for (i = 0; i < r->n; i++)
		for (j = 0; j < r->v[i].d.n; j++) {
			enum diag_id id = r->v[i].d.v[j].id;

			bylevel[diag_table[id].level]++;
			bycode[id]++;
			total++;
			if (diag_fix_pass(diag_table[id].code) != NULL)
				fixable++;
		}
	if (total == 0)
		return;
	fprintf(r->out, "onnxfix:");
	for (i = DIAG_FATAL + 1; i-- > 0;) {
		if (bylevel[i] == 0)
			continue;
		fprintf(r->out, "%s %zu %s%s", first ? "" : ",", bylevel[i],
		    names[i], bylevel[i] == 1 ? "" : "s");
		first = false;
	}
	fprintf(r->out, " in %zu model%s (", r->n, r->n == 1 ? "" : "s");
	/* the codes, most frequent first; at most 8 named */
	for (;;) {
		size_t best = DIAG__COUNT;

		for (i = 0; i < DIAG__COUNT; i++)
			if (bycode[i] > 0 && (best == DIAG__COUNT ||
			    bycode[i] > bycode[best]))
				best = i;
		if (best == DIAG__COUNT)
			break;
		if (shown == 8) {
			fprintf(r->out, ", ...");
			break;
		}
		fprintf(r->out, "%s%s x%zu", shown ? ", " : "",
		    diag_table[best].code, bycode[best]);
		bycode[best] = 0;
		shown++;
	}
	fprintf(r->out, ")");
	if (fixable > 0)
		fprintf(r->out, "; %zu fixable by onnxfix fix", fixable);
	fprintf(r->out, "\n");
}

int
report_finish(struct report *r, int exit_status)
{
	int rc;

	if (r->fmt == REPORT_TEXT && !r->quiet &&
	    strcmp(r->command, "check") == 0)
		text_summary(r);
	if (r->fmt == REPORT_JSON || r->fmt == REPORT_SARIF) {
		rc = r->fmt == REPORT_JSON ? report_json(r, exit_status) :
		    report_sarif(r, exit_status);
		if (rc < 0 || fputc('\n', r->out) == EOF) {
			fprintf(r->err, "onnxfix: the %s report was not "
			    "written whole (out of memory or a write "
			    "error)\n", r->fmt == REPORT_JSON ? "JSON" :
			    "SARIF");
			return -1;
		}
	}
	return fflush(r->out) == 0 && !ferror(r->out) ? 0 : -1;
}
