/* SPDX-License-Identifier: MIT */
/*
 * The --target rows of src/targets.def as data: family, kernel table,
 * fallback, opset range and flags (the target pass, passes/target.c,
 * and the defaults pass judge by them).
 */
#include <string.h>

#include "onnxfix.h"
#include "opdb/opdb.h"

#define FAM_SCHEMA OPDB_FAM_SCHEMA
#define FAM_ORT OPDB_FAM_ORT
#define FAM_TRT OPDB_FAM_TRT
#define FAM_ONNX2TF OPDB_FAM_ONNX2TF
#define FAM_NONE OPDB_FAM_NONE
#define FB_NONE (-1)
#define FB_ORT_CPU ONNXFIX_TARGET_ORT_CPU
#define FL_0 0u
#define FL_OPSET OPDB_TF_OPSET
#define FL_MEMO OPDB_TF_MEMO
#define FL_PLUGINS OPDB_TF_PLUGINS
#define FL_CHECK OPDB_TF_CHECK

static const struct {
	const char *name;
	enum opdb_family family;
	const char *table;
	int fallback;
	int lo, hi;
	const char *who;
	unsigned flags;
} rows[] = {
#define TARGET(id, name, fam, table, fb, lo, hi, who, fl) \
	[ONNXFIX_TARGET_##id] = { name, FAM_##fam, table, FB_##fb, lo, hi, \
	    who, FL_##fl },
#include "targets.def"
#undef TARGET
};

bool
opdb_target(int k, struct opdb_target *t)
{
	if (k < 0 || (size_t)k >= sizeof(rows) / sizeof(rows[0]))
		return false;
	t->name = rows[k].name;
	t->family = rows[k].family;
	t->table = rows[k].family == OPDB_FAM_ORT ?
	    opdb_kernel_table(rows[k].table) : -1;
	t->fallback = rows[k].fallback;
	t->opset_lo = rows[k].lo;
	t->opset_hi = rows[k].hi;
	t->who = rows[k].who;
	t->flags = rows[k].flags;
	return true;
}

enum opdb_family
opdb_target_family(int k)
{
	if (k < 0 || (size_t)k >= sizeof(rows) / sizeof(rows[0]))
		return OPDB_FAM_NONE;
	return rows[k].family;
}

int
opdb_target_named(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strlen(rows[i].name) == len &&
		    strncmp(name, rows[i].name, len) == 0)
			return (int)i;
	return -1;
}
