/* SPDX-License-Identifier: MIT */
/*
 * Custom-operator mappings: parse "DOMAIN::OP=NEWOP(attr=value,...)" from
 * --map options and --map-file lines, and validate them against the
 * operator tables: NEWOP must be an ONNX operator, every attribute one
 * that NEWOP has in some opset, with a value of its type.  Whether NEWOP
 * exists at a given model's opset and fits a node's arity is checked when
 * the mapping is applied (passes/custom_ops.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opdb/cmap.h"
#include "opdb/opdb.h"

#define MAX_LINE 4096

/* "invalid mapping 'SPEC' (WHERE): " then FMT; arguments naming user
 * text must be escaped (diag_esc()). */
static void say(char *why, size_t size, const char *where, const char *spec,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
say(char *why, size_t size, const char *where, const char *spec,
    const char *fmt, ...)
{
	char e1[DIAG_ESCAPE_SIZE], e2[DIAG_ESCAPE_SIZE];
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(why, size, "invalid mapping '%s' (%s): %s",
	    diag_escape_str(e1, sizeof(e1), spec),
	    diag_escape_str(e2, sizeof(e2), where), msg);
}

static const char *
trim(struct arena *a, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

static bool
is_name(const char *s, bool dots)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' ||
		    (dots && (*s == '.' || *s == '-'))))
			return false;
	return true;
}

/* The type of attribute NAME of ONNX operator OP in any opset; 0 when it
 * has none by that name. */
static int
attr_type(const char *op, const char *name)
{
	const struct opdb_schema *all;
	size_t n = opdb_schemas(&all), i;

	for (i = 0; i < n; i++) {
		const struct opdb_attr *at;

		if (strcmp(opdb_s(all[i].domain), "ai.onnx") != 0 ||
		    strcmp(opdb_s(all[i].op), op) != 0)
			continue;
		if ((at = opdb_schema_attr(&all[i], name)) != NULL)
			return at->type;
	}
	return 0;
}

static int
parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_float(const char *s, float *out)
{
	char *end;
	float v;

	errno = 0;
	v = strtof(s, &end);
	if (errno != 0 || end == s || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Split the list "[a, b, c]" into its items; -1 when not a list. */
static int
parse_list(struct arena *a, const char *s, const char ***items, size_t *n)
{
	size_t len = strlen(s), i, start, k = 0, cap = 0;

	*items = NULL;
	*n = 0;
	if (len < 2 || s[0] != '[' || s[len - 1] != ']')
		return -1;
	if (trim(a, s + 1, len - 2)[0] == '\0')
		return 0;
	for (start = 1, i = 1; i < len; i++) {
		if (s[i] != ',' && i != len - 1)
			continue;
		if (arena_grow(a, (void **)items, &cap, k + 1,
		    sizeof(**items)) < 0)
			return -1;
		(*items)[k++] = trim(a, s + start, i - start);
		start = i + 1;
	}
	*n = k;
	return 0;
}

static int
set_value(struct arena *a, struct cmap_attr *at, int type, const char *v)
{
	const char **items;
	size_t n, i;

	at->type = (enum ir_attr_type)type;
	switch (type) {
	case IR_ATTR_INT:
		return parse_int(v, &at->i);
	case IR_ATTR_FLOAT:
		return parse_float(v, &at->f);
	case IR_ATTR_STRING: {
		size_t len = strlen(v);

		if (len >= 2 && (v[0] == '\'' || v[0] == '"') &&
		    v[len - 1] == v[0])
			v = arena_strndup(a, v + 1, len - 2);
		else if (strpbrk(v, "'\"[]") != NULL)
			return -1;
		at->s = v;
		return v == NULL ? -1 : 0;
	}
	case IR_ATTR_INTS:
	case IR_ATTR_FLOATS:
		if (parse_list(a, v, &items, &n) < 0)
			return -1;
		at->n = n;
		if (type == IR_ATTR_INTS) {
			at->ints = arena_array(a, n + 1, sizeof(*at->ints));
			if (at->ints == NULL)
				return -1;
		} else {
			at->floats = arena_array(a, n + 1,
			    sizeof(*at->floats));
			if (at->floats == NULL)
				return -1;
		}
		for (i = 0; i < n; i++) {
			if (items[i] == NULL)
				return -1;
			if (type == IR_ATTR_INTS ?
			    parse_int(items[i], &at->ints[i]) :
			    parse_float(items[i], &at->floats[i]))
				return -1;
		}
		return 0;
	}
	return -1;
}

/* Split "a=1,b=[1,2],c='x,y'" at top-level commas. */
static int
split_args(struct arena *a, const char *s, const char ***items, size_t *n)
{
	size_t len = strlen(s), i, start = 0, k = 0, cap = 0;
	int depth = 0;
	char quote = 0;

	*items = NULL;
	*n = 0;
	if (trim(a, s, len)[0] == '\0')
		return 0;
	for (i = 0; i <= len; i++) {
		char c = s[i];

		if (quote) {
			if (c == quote)
				quote = 0;
			else if (c == '\0')
				return -1;
			continue;
		}
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '[')
			depth++;
		else if (c == ']')
			depth--;
		if (depth < 0)
			return -1;
		if ((c == ',' && depth == 0) || c == '\0') {
			if (arena_grow(a, (void **)items, &cap, k + 1,
			    sizeof(**items)) < 0)
				return -1;
			(*items)[k++] = trim(a, s + start, i - start);
			start = i + 1;
		}
	}
	*n = k;
	return depth == 0 ? 0 : -1;
}

static int
parse_one(struct arena *a, const char *spec, const char *where,
    struct cmap *m, char *why, size_t size)
{
	const char *sep, *eq, *open, *p;
	char eb[DIAG_ESCAPE_SIZE];
	const char **args;
	size_t nargs, i, j;

	memset(m, 0, sizeof(*m));
	m->spec = spec;
	m->where = where;
	sep = strstr(spec, "::");
	eq = strchr(spec, '=');
	if (sep == NULL || eq == NULL || eq < sep) {
		say(why, size, where, spec,
		    "expected DOMAIN::OP=NEWOP or DOMAIN::OP=NEWOP(attr=value,"
		    "...)");
		return -1;
	}
	m->domain = trim(a, spec, (size_t)(sep - spec));
	m->op = trim(a, sep + 2, (size_t)(eq - sep - 2));
	open = strchr(eq, '(');
	m->target = trim(a, eq + 1, open ? (size_t)(open - eq - 1) :
	    strlen(eq + 1));
	if (m->domain == NULL || m->op == NULL || m->target == NULL)
		return -3;
	if (strcmp(m->domain, "ai.onnx") == 0)
		m->domain = "";
	if ((m->domain[0] && !is_name(m->domain, true)) ||
	    !is_name(m->op, false)) {
		say(why, size, where, spec, "bad operator name before '='");
		return -1;
	}
	if (opdb_domain_is_onnx(m->domain) && opdb_op_known(m->domain,
	    m->op)) {
		say(why, size, where, spec, "'%s' is a standard operator",
		    diag_esc(eb, m->op));
		return -1;
	}
	if (!is_name(m->target, false) ||
	    !opdb_op_known("ai.onnx", m->target)) {
		say(why, size, where, spec, "'%s' is not an ONNX operator",
		    diag_esc(eb, m->target));
		return -1;
	}
	if (open == NULL)
		return 0;
	p = open + strlen(open) - 1;
	while (p > open && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p--;
	if (*p != ')') {
		say(why, size, where, spec, "missing ')'");
		return -1;
	}
	{
		const char *inner = arena_strndup(a, open + 1,
		    (size_t)(p - open - 1));

		if (inner == NULL)
			return -3;
		if (split_args(a, inner, &args, &nargs) < 0) {
			say(why, size, where, spec,
			    "unbalanced quotes or brackets");
			return -1;
		}
	}
	m->attrs = arena_array(a, nargs + 1, sizeof(*m->attrs));
	if (m->attrs == NULL)
		return -3;
	for (i = 0; i < nargs; i++) {
		struct cmap_attr *at = &m->attrs[i];
		const char *e = args[i] ? strchr(args[i], '=') : NULL;
		int type;

		if (e == NULL) {
			say(why, size, where, spec,
			    "expected attr=value, not '%s'", diag_esc(eb, args[i]));
			return -1;
		}
		at->name = trim(a, args[i], (size_t)(e - args[i]));
		at->text = trim(a, e + 1, strlen(e + 1));
		if (at->name == NULL || at->text == NULL)
			return -3;
		for (j = 0; j < i; j++)
			if (strcmp(m->attrs[j].name, at->name) == 0) {
				say(why, size, where, spec,
				    "attribute '%s' given twice", diag_esc(eb, at->name));
				return -1;
			}
		type = attr_type(m->target, diag_esc(eb, at->name));
		if (type == 0) {
			say(why, size, where, spec, "the target operator has "
			    "no attribute '%s'", diag_esc(eb, at->name));
			return -1;
		}
		if (type != IR_ATTR_INT && type != IR_ATTR_FLOAT &&
		    type != IR_ATTR_STRING && type != IR_ATTR_INTS &&
		    type != IR_ATTR_FLOATS) {
			say(why, size, where, spec, "attribute '%s' cannot be "
			    "given in a mapping", diag_esc(eb, at->name));
			return -1;
		}
		if (set_value(a, at, type, at->text) < 0) {
			if (type == IR_ATTR_INT)
				say(why, size, where, spec, "attribute value "
				    "'%s' is not an INT", diag_esc(eb, at->text));
			else if (type == IR_ATTR_FLOAT)
				say(why, size, where, spec, "attribute value "
				    "'%s' is not a FLOAT", diag_esc(eb, at->text));
			else if (type == IR_ATTR_STRING)
				say(why, size, where, spec, "attribute value "
				    "'%s' is not a STRING", diag_esc(eb, at->text));
			else if (type == IR_ATTR_INTS)
				say(why, size, where, spec, "attribute value "
				    "'%s' is not an INTS list like [1,2]",
				    diag_esc(eb, at->text));
			else
				say(why, size, where, spec, "attribute value "
				    "'%s' is not a FLOATS list like [0.5,1]",
				    diag_esc(eb, at->text));
			return -1;
		}
	}
	m->nattrs = nargs;
	return 0;
}

static int
add(struct arena *a, struct cmap **v, size_t *n, size_t *cap,
    const char *spec, const char *where, char *why, size_t size)
{
	char eb[DIAG_ESCAPE_SIZE];
	int rc;
	size_t i;

	if (arena_grow(a, (void **)v, cap, *n + 1, sizeof(**v)) < 0)
		return -3;
	if ((rc = parse_one(a, spec, where, &(*v)[*n], why, size)) < 0)
		return rc;
	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].domain, (*v)[*n].domain) == 0 &&
		    strcmp((*v)[i].op, (*v)[*n].op) == 0) {
			say(why, size, where, spec,
			    "operator already mapped by '%s'", diag_esc(eb, (*v)[i].spec));
			return -1;
		}
	(*n)++;
	return 0;
}

int
cmap_load(struct arena *a, const struct onnxfix_options *o,
    struct cmap **out, size_t *n, char *why, size_t size)
{
	size_t i, cap = 0;
	char line[MAX_LINE];
	unsigned long lineno = 0;
	FILE *fp;
	int rc;

	*out = NULL;
	*n = 0;
	for (i = 0; i < o->nmaps; i++)
		if ((rc = add(a, out, n, &cap, o->maps[i], "--map", why,
		    size)) < 0)
			return rc;
	if (o->map_file == NULL)
		return 0;
	fp = fopen(o->map_file, "r");
	if (fp == NULL) {
		char e[DIAG_ESCAPE_SIZE];

		snprintf(why, size, "cannot read map file '%s': %s",
		    diag_escape_str(e, sizeof(e), o->map_file),
		    strerror(errno));
		return -2;
	}
	rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), fp) != NULL) {
		const char *s, *where;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			char e[DIAG_ESCAPE_SIZE];

			snprintf(why, size, "map file '%s': line %lu is "
			    "longer than %d bytes", diag_escape_str(e,
			    sizeof(e), o->map_file), lineno, MAX_LINE - 2);
			rc = -1;
			break;
		}
		s = trim(a, line, strlen(line));
		where = arena_printf(a, "%s:%lu", o->map_file, lineno);
		if (s == NULL || where == NULL) {
			rc = -3;
			break;
		}
		if (s[0] == '\0' || s[0] == '#')
			continue;
		rc = add(a, out, n, &cap, s, where, why, size);
	}
	if (rc == 0 && ferror(fp)) {
		char e[DIAG_ESCAPE_SIZE];

		snprintf(why, size, "cannot read map file '%s'",
		    diag_escape_str(e, sizeof(e), o->map_file));
		rc = -2;
	}
	fclose(fp);
	return rc;
}

const struct cmap *
cmap_find(const struct cmap *v, size_t n, const char *domain, const char *op)
{
	size_t i;

	if (domain == NULL || strcmp(domain, "ai.onnx") == 0)
		domain = "";
	for (i = 0; i < n; i++)
		if (strcmp(v[i].domain, domain) == 0 &&
		    strcmp(v[i].op, op) == 0)
			return &v[i];
	return NULL;
}

int
onnxfix_maps_check(const struct onnxfix_options *o, char *why, size_t size)
{
	struct arena a;
	struct cmap *v;
	size_t n;
	int rc;

	if (o->nmaps == 0 && o->map_file == NULL)
		return 0;
	arena_init(&a, NULL);
	rc = cmap_load(&a, o, &v, &n, why, size);
	arena_release(&a);
	if (rc == -3)
		snprintf(why, size, "out of memory reading the mappings");
	return rc;
}
