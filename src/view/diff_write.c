/* SPDX-License-Identifier: MIT */
/*
 * The diff's report, from the change list and its entries.  As text, a
 * change that belongs to no entry is one line
 *	LOCATION: KIND [OP] ['NAME'] [ATTR]: A -> B [CODE]
 * and an entry is a line of its own followed by its changes, indented;
 * then the operator counts that differ and a summary line.  As JSON, the
 * same in one document ({"format": "onnxfix-diff", "version": 2, ...},
 * described in onnxfix(1)): every entry, or lone change, with its
 * changes, then the operator counts and the summary.  Both list entries
 * where their first change is, in the order the changes were found.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "diag/jstream.h"
#include "view/diff_int.h"

#define DIFF_FORMAT_VERSION 2

/* "node-removed", "opset" of a new domain...: only one side exists. */
static bool
one_sided(const char *kind)
{
	size_t n = strlen(kind);

	return (n > 8 && strcmp(kind + n - 8, "-removed") == 0) ||
	    (n > 6 && strcmp(kind + n - 6, "-added") == 0);
}

/* One change: "KIND [OP] ['NAME'] [ATTR][: A [-> B]]". */
static void
print_change(FILE *fp, const struct change *c)
{
	fprintf(fp, "%s", c->kind);
	if (c->op != NULL)
		fprintf(fp, " %s", c->op);
	if (c->name != NULL)
		fprintf(fp, " '%s'", c->name);
	if (c->attr != NULL)
		fprintf(fp, " %s", c->attr);
	if (one_sided(c->kind)) {
		if (c->a != NULL || c->b != NULL)
			fprintf(fp, ": %s", c->a ? c->a : c->b);
	} else if (c->a != NULL || c->b != NULL) {
		fprintf(fp, ": %s -> %s", c->a ? c->a : "(none)",
		    c->b ? c->b : "(none)");
	}
}

static size_t
count_rewrites(const struct diff *D)
{
	size_t i, n = 0;

	for (i = 0; i < D->n; i++)
		n += D->v[i].entry < 0 && D->v[i].code != NULL;
	for (i = 0; i < D->ne; i++)
		n += D->e[i].code != NULL;
	return n;
}

/*
 * A change that belongs to no entry is one line; an entry is a line
 *	LOCATION: KIND [OP] ['NAME'][: DETAIL] [CODE]
 * followed by its changes, indented.  CODE is the fix note it stands for.
 */
/*
 * "rewrites: 20 bn-folded (BatchNormalization folded into the node that
 * feeds it), 32 identity-removed": the entries by kind, so that two
 * exports that differ in one rewrite read as that rewrite.
 */
static void
print_kinds(struct diff *D, FILE *fp)
{
	struct hmap seen;
	size_t i, *count, shown = 0;

	/* each kind's count, by its first entry, through a hash of kinds:
	 * a scan per entry is quadratic in 100,000 rewrites */
	hmap_init(&seen, &D->arena);
	count = D->ne > 0 ? arena_array(&D->arena, D->ne, sizeof(*count)) :
	    NULL;
	if (D->ne > 0 && count == NULL)
		return;
	for (i = 0; i < D->ne; i++) {
		void *first = hmap_get(&seen, D->e[i].kind);

		count[i] = 0;
		if (first != NULL) {
			count[(size_t)(uintptr_t)first - 1]++;
		} else {
			count[i] = 1;
			if (hmap_put(&seen, D->e[i].kind,
			    (void *)(uintptr_t)(i + 1), NULL) < 0)
				return;
		}
	}
	for (i = 0; i < D->ne; i++) {
		if (count[i] == 0)
			continue;
		fprintf(fp, "%s %zu %s%s", shown++ ? "," : "rewrites:",
		    count[i], D->e[i].kind,
		    strcmp(D->e[i].kind, "bn-folded") == 0 ?
		    " (BatchNormalization folded into the node that feeds "
		    "it)" : "");
		if (shown > 12) {
			fprintf(fp, ", ...");
			break;
		}
	}
	if (shown > 0)
		fprintf(fp, "\n");
}

/*
 * Each entry's changes in order, linked once into *FIRST (per entry)
 * and *NEXT (per change; -1 ends): scanning every later change per
 * entry is quadratic when a rewrite is repeated 100,000 times.  0, or
 * -1 out of memory.
 */
static int
link_entries(struct diff *D, long **first, long **next)
{
	long *last = arena_array(&D->arena, D->ne + 1, sizeof(*last));
	size_t i;

	*first = arena_array(&D->arena, D->ne + 1, sizeof(**first));
	*next = arena_array(&D->arena, D->n + 1, sizeof(**next));
	if (*first == NULL || last == NULL || *next == NULL) {
		D->oom = true;
		return -1;
	}
	for (i = 0; i < D->ne; i++)
		(*first)[i] = last[i] = -1;
	for (i = 0; i < D->n; i++) {
		long e = D->v[i].entry;

		(*next)[i] = -1;
		if (e < 0)
			continue;
		if ((*first)[e] < 0)
			(*first)[e] = (long)i;
		else
			(*next)[last[e]] = (long)i;
		last[e] = (long)i;
	}
	return 0;
}

void
diff_write_text(struct diff *D, FILE *fp, const char *fa, const char *fb)
{
	char e1[DIAG_ESCAPE_SIZE], e2[DIAG_ESCAPE_SIZE];
	long *first, *next, k;
	size_t i;

	if (link_entries(D, &first, &next) < 0)
		return;
	fprintf(fp, "--- %s\n+++ %s\n", diag_escape_str(e1, sizeof(e1), fa),
	    diag_escape_str(e2, sizeof(e2), fb));
	for (i = 0; i < D->n; i++) {
		const struct change *c = &D->v[i];
		struct entry *e;

		if (c->entry < 0) {
			fprintf(fp, "%s: ", c->graph[0] ? c->graph : "model");
			print_change(fp, c);
			fprintf(fp, "%s%s%s\n", c->code ? " [" : "",
			    c->code ? c->code : "", c->code ? "]" : "");
			continue;
		}
		e = &D->e[c->entry];
		if (e->shown)
			continue;
		e->shown = true;
		fprintf(fp, "%s: %s", e->graph[0] ? e->graph : "model",
		    e->kind);
		if (e->op != NULL)
			fprintf(fp, " %s", e->op);
		if (e->name != NULL)
			fprintf(fp, " '%s'", e->name);
		if (e->text != NULL)
			fprintf(fp, ": %s", e->text);
		fprintf(fp, "%s%s%s\n", e->code ? " [" : "",
		    e->code ? e->code : "", e->code ? "]" : "");
		for (k = first[c->entry]; k >= 0; k = next[k]) {
			fprintf(fp, "    ");
			print_change(fp, &D->v[k]);
			fprintf(fp, "\n");
		}
	}
	for (i = 0; i < D->ne; i++)
		D->e[i].shown = false;
	for (i = 0; i < D->nh; i++)
		if (D->h[i].a != D->h[i].b)
			fprintf(fp, "ops: %s %zu -> %zu (%+ld)\n", D->h[i].op,
			    D->h[i].a, D->h[i].b,
			    (long)D->h[i].b - (long)D->h[i].a);
	print_kinds(D, fp);
	fprintf(fp, "summary: %s; %zu rewrites; nodes %zu removed, %zu added,"
	    " %zu changed, %zu renamed; transposes %zu removed, %zu added; "
	    "initializers %zu; interface %zu; header %zu\n", D->n ? "differ" :
	    "same", count_rewrites(D), D->removed, D->added, D->changed,
	    D->renamed, D->tr_removed, D->tr_added, D->inits, D->interface,
	    D->header);
}

/* Set O[K] to V, or append V to the array O when K is NULL. */
static void
put(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (v == NULL || (k != NULL ? json_object_set_new(o, k, v) :
	    json_array_append_new(o, v)) < 0)
		*bad = true;
}

static void
put_str(json_t *o, const char *k, const char *s, bool *bad)
{
	if (s != NULL)
		put(o, k, json_string(s), bad);
}

static json_t *
change_json(const struct change *c)
{
	json_t *o = json_object();
	bool bad = o == NULL;

	if (bad)
		return NULL;
	put_str(o, "kind", c->kind, &bad);
	put_str(o, "op", c->op, &bad);
	put_str(o, "name", c->name, &bad);
	put_str(o, "attr", c->attr, &bad);
	put(o, "a", c->a ? json_string(c->a) : json_null(), &bad);
	put(o, "b", c->b ? json_string(c->b) : json_null(), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

#define FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

struct entries {
	struct diff *D;
	size_t *next;	/* the next change of the same entry, or D->n */
};

/* One element of "entries": change I alone, or its entry with all the
 * entry's changes (I being the entry's first). */
static json_t *
entry_json(struct entries *E, size_t i)
{
	struct diff *D = E->D;
	const struct change *c = &D->v[i];
	json_t *o = json_object(), *members = json_array();
	bool bad = o == NULL || members == NULL;
	size_t k;

	if (bad) {
		json_decref(o);
		json_decref(members);
		return NULL;
	}
	if (c->entry < 0) {
		put_str(o, "kind", c->kind, &bad);
		put(o, "code", c->code ? json_string(c->code) : json_null(),
		    &bad);
		put_str(o, "graph", c->graph[0] ? c->graph : "model", &bad);
		put_str(o, "subject", c->subject, &bad);
		put_str(o, "op", c->op, &bad);
		put_str(o, "name", c->name, &bad);
		put(members, NULL, change_json(c), &bad);
	} else {
		const struct entry *en = &D->e[c->entry];

		put_str(o, "kind", en->kind, &bad);
		put(o, "code", en->code ? json_string(en->code) : json_null(),
		    &bad);
		put_str(o, "graph", en->graph[0] ? en->graph : "model", &bad);
		put_str(o, "subject", en->subject, &bad);
		put_str(o, "op", en->op, &bad);
		put_str(o, "name", en->name, &bad);
		put_str(o, "detail", en->text, &bad);
		for (k = i; k < D->n; k = E->next[k])
			put(members, NULL, change_json(&D->v[k]), &bad);
	}
	put(o, "changes", members, &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
fill_entries(FILE *fp, int depth, void *arg)
{
	struct entries *E = arg;
	struct diff *D = E->D;
	size_t i, n = 0;

	for (i = 0; i < D->n; i++) {
		int e = D->v[i].entry;

		if (e >= 0 && D->e[e].shown)
			continue;
		if (e >= 0)
			D->e[e].shown = true;
		if (jstream_elem(fp, entry_json(E, i), FLAGS, depth,
		    n++ == 0) < 0)
			return -1;
	}
	return jstream_close(fp, depth, n);
}

int
diff_write_json(struct diff *D, FILE *fp, const char *fa, const char *fb)
{
	char e[DIAG_ESCAPE_SIZE];
	json_t *root = json_object(), *hi = json_array();
	json_t *sum = json_object();
	bool bad = root == NULL || hi == NULL || sum == NULL;
	struct entries E = { D, NULL };
	size_t *last = NULL, i;
	int rc;

	/*
	 * The changes of each entry, as a list through next[] (an entry's
	 * changes may be anywhere in D->v): looking them up from each
	 * entry's first change would be quadratic.
	 */
	if (!bad && D->n > 0 && ((E.next = arena_array(&D->arena, D->n,
	    sizeof(*E.next))) == NULL || (D->ne > 0 && (last =
	    arena_array(&D->arena, D->ne, sizeof(*last))) == NULL)))
		bad = true;
	for (i = 0; !bad && i < D->ne; i++)
		last[i] = D->n;
	for (i = D->n; !bad && i-- > 0;) {
		int en = D->v[i].entry;

		E.next[i] = en >= 0 ? last[en] : D->n;
		if (en >= 0)
			last[en] = i;
	}
	if (bad)
		goto fail;
	put(root, "format", json_string("onnxfix-diff"), &bad);
	put(root, "version", json_integer(DIFF_FORMAT_VERSION), &bad);
	put(root, "a", json_string(diag_escape_str(e, sizeof(e), fa)), &bad);
	put(root, "b", json_string(diag_escape_str(e, sizeof(e), fb)), &bad);
	put(root, "same", json_boolean(D->n == 0), &bad);
	for (i = 0; i < D->nh; i++) {
		json_t *o;

		if (D->h[i].a == D->h[i].b)
			continue;
		if ((o = json_object()) == NULL ||
		    json_array_append_new(hi, o) < 0) {
			bad = true;
			break;
		}
		put_str(o, "op", D->h[i].op, &bad);
		put(o, "a", json_integer((json_int_t)D->h[i].a), &bad);
		put(o, "b", json_integer((json_int_t)D->h[i].b), &bad);
	}
	put(sum, "rewrites", json_integer((json_int_t)count_rewrites(D)),
	    &bad);
	put(sum, "nodes_removed", json_integer((json_int_t)D->removed), &bad);
	put(sum, "nodes_added", json_integer((json_int_t)D->added), &bad);
	put(sum, "nodes_changed", json_integer((json_int_t)D->changed), &bad);
	put(sum, "nodes_renamed", json_integer((json_int_t)D->renamed), &bad);
	put(sum, "transposes_removed", json_integer((json_int_t)
	    D->tr_removed), &bad);
	put(sum, "transposes_added", json_integer((json_int_t)D->tr_added),
	    &bad);
	put(sum, "initializers", json_integer((json_int_t)D->inits), &bad);
	put(sum, "interface", json_integer((json_int_t)D->interface), &bad);
	put(sum, "header", json_integer((json_int_t)D->header), &bad);
	put(root, "summary", sum, &bad);
	sum = NULL;
	put(root, "ops", hi, &bad);
	hi = NULL;
	put(root, "entries", json_string(JSTREAM_MARK), &bad);
	if (bad)
		goto fail;
	rc = jstream_frame(fp, root, FLAGS, 0, fill_entries, &E);
	for (i = 0; i < D->ne; i++)
		D->e[i].shown = false;
	if (rc < 0 || fputc('\n', fp) == EOF)
		return -1;
	return 0;
fail:
	json_decref(sum);
	json_decref(hi);
	json_decref(root);
	return -1;
}
