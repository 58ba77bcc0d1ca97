/* SPDX-License-Identifier: MIT */
/*
 * Lookups over the generated operator tables (build/opdb_tables.c, made
 * by src/opdb/opdbgen.awk).  The tables come sorted by (domain, op, since) in
 * strcmp order, so every (domain, op) lookup is a binary search for the
 * first row of that pair followed by a walk over its versions.
 */
#include <stddef.h>
#include <string.h>

#include "opdb/opdb.h"

#define OPDB_INT_MAX 2147483647

/* "" names the default domain, which the tables spell "ai.onnx". */
static const char *
norm_domain(const char *domain)
{
	return domain == NULL || domain[0] == '\0' ? "ai.onnx" : domain;
}

/* The text of the opdb_str member at byte offset OFF of the element at
 * P. */
static const char *
key_at(const char *p, size_t off)
{
	opdb_str s;

	memcpy(&s, p + off, sizeof(s));
	return opdb_tab_pool + s;
}

/*
 * Index of the first of the N elements of SIZE bytes at BASE whose
 * (domain, op) is not below (DOMAIN, OP); the domain is the first member
 * and the op the member at OP_OFF.  Returns N when there is none.
 */
static size_t
lower_bound(const void *base, size_t n, size_t size, size_t op_off,
	    const char *domain, const char *op)
{
	const char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *e = b + mid * size;
		int c = strcmp(key_at(e, 0), domain);

		if (c == 0)
			c = strcmp(key_at(e, op_off), op);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether element I of BASE has exactly (DOMAIN, OP). */
static bool
key_equal(const void *base, size_t i, size_t size, size_t op_off,
	  const char *domain, const char *op)
{
	const char *e = (const char *)base + i * size;

	return strcmp(key_at(e, 0), domain) == 0 &&
	       strcmp(key_at(e, op_off), op) == 0;
}

/*
 * The rows of (DOMAIN, OP) in a sorted table: returns their count and
 * sets *START to the index of the first.
 */
static size_t
key_range(const void *base, size_t n, size_t size, size_t op_off,
	  const char *domain, const char *op, size_t *start)
{
	size_t lo = lower_bound(base, n, size, op_off, domain, op);
	size_t hi = lo;

	while (hi < n && key_equal(base, hi, size, op_off, domain, op))
		hi++;
	*start = lo;
	return hi - lo;
}

const struct opdb_schema *
opdb_schema(const char *domain, const char *op, long long opset)
{
	size_t start, n, i;

	n = key_range(opdb_tab_schemas, opdb_tab_nschemas,
		      sizeof opdb_tab_schemas[0],
		      offsetof(struct opdb_schema, op), norm_domain(domain),
		      op, &start);
	for (i = start; i < start + n; i++) {
		const struct opdb_schema *s = &opdb_tab_schemas[i];

		if (s->since <= opset && opset <= s->last)
			return s;
	}
	return NULL;
}

bool
opdb_op_known(const char *domain, const char *op)
{
	size_t start;

	return key_range(opdb_tab_schemas, opdb_tab_nschemas,
			 sizeof opdb_tab_schemas[0],
			 offsetof(struct opdb_schema, op),
			 norm_domain(domain), op, &start) > 0;
}

int
opdb_domain_range(const char *domain, int *min, int *max, int *last_release)
{
	const char *d = norm_domain(domain);
	size_t i;

	for (i = 0; i < opdb_tab_ndomains; i++) {
		const struct opdb_domain *e = &opdb_tab_domains[i];

		if (strcmp(opdb_s(e->domain), d) != 0)
			continue;
		if (min != NULL)
			*min = e->min;
		if (max != NULL)
			*max = e->max;
		if (last_release != NULL)
			*last_release = e->last_release;
		return 0;
	}
	return -1;
}

bool
opdb_domain_is_onnx(const char *domain)
{
	const char *d = norm_domain(domain);
	size_t i;

	for (i = 0; i < opdb_tab_ndomains; i++)
		if (strcmp(opdb_s(opdb_tab_domains[i].domain), d) == 0)
			return opdb_tab_domains[i].onnx != 0;
	return false;
}

const struct opdb_attr *
opdb_schema_attr(const struct opdb_schema *s, const char *name)
{
	const struct opdb_attr *a = opdb_attrs(s);
	unsigned i;

	for (i = 0; i < s->nattrs; i++)
		if (strcmp(opdb_s(a[i].name), name) == 0)
			return &a[i];
	return NULL;
}

/* The constraint PARAM among the N constraints at TCS, or NULL. */
static const struct opdb_tc *
find_tc(const struct opdb_tc *tcs, unsigned n, const char *param)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (strcmp(opdb_s(tcs[i].param), param) == 0)
			return &tcs[i];
	return NULL;
}

const struct opdb_tc *
opdb_schema_tc(const struct opdb_schema *s, const char *param)
{
	return find_tc(opdb_schema_tcs(s), s->ntcs, param);
}

bool
opdb_tc_allows(const struct opdb_tc *tc, const char *type)
{
	unsigned i;

	for (i = 0; i < tc->ntypes; i++)
		if (strcmp(opdb_tc_type(tc, i), type) == 0)
			return true;
	return false;
}

size_t
opdb_kernels(int rt, const char *domain, const char *op,
	     const struct opdb_kernel **first)
{
	const struct opdb_kernel *tab;
	size_t start, n;

	*first = NULL;
	if (rt < 0 || rt >= opdb_tab_nkernel_tables)
		return 0;
	tab = opdb_tab_kernels[rt];
	if (tab == NULL)
		return 0;
	n = key_range(tab, opdb_tab_nkernels[rt], sizeof tab[0],
		      offsetof(struct opdb_kernel, op), norm_domain(domain), op,
		      &start);
	if (n > 0)
		*first = &tab[start];
	return n;
}

const struct opdb_kernel *
opdb_kernel_find(int rt, const char *domain, const char *op,
		 int since)
{
	const struct opdb_kernel *k, *best = NULL;
	size_t n, i;

	n = opdb_kernels(rt, domain, op, &k);
	for (i = 0; i < n; i++)
		if (k[i].since <= since && since <= k[i].end)
			best = &k[i];
	return best;
}

const struct opdb_tc *
opdb_kernel_tc(const struct opdb_kernel *k, const char *param)
{
	return find_tc(opdb_kernel_tcs(k), k->ntcs, param);
}

const char *
opdb_runtime_name(int rt)
{
	if (rt < 0 || rt >= opdb_tab_nkernel_tables)
		return NULL;
	return opdb_tab_kernel_names[rt];
}

int
opdb_kernel_tables(void)
{
	return opdb_tab_nkernel_tables;
}

int
opdb_kernel_table(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < opdb_tab_nkernel_tables; i++)
		if (strcmp(opdb_tab_kernel_names[i], name) == 0)
			return i;
	return -1;
}

const struct opdb_trt *
opdb_tensorrt(const char *domain, const char *op)
{
	size_t start;

	if (key_range(opdb_tab_trt, opdb_tab_ntrt, sizeof opdb_tab_trt[0],
		      offsetof(struct opdb_trt, op), norm_domain(domain), op,
		      &start) == 0)
		return NULL;
	return &opdb_tab_trt[start];
}

const struct opdb_tf *
opdb_onnx2tf(const char *domain, const char *op)
{
	size_t start;

	/* NULL selects the rows the source gives no domain, stored as "". */
	if (key_range(opdb_tab_tf, opdb_tab_ntf, sizeof opdb_tab_tf[0],
		      offsetof(struct opdb_tf, op),
		      domain == NULL ? "" : norm_domain(domain), op,
		      &start) == 0)
		return NULL;
	return &opdb_tab_tf[start];
}

size_t
opdb_schemas(const struct opdb_schema **all)
{
	*all = opdb_tab_schemas;
	return opdb_tab_nschemas;
}
