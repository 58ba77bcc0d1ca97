/* SPDX-License-Identifier: MIT */
/*
 * Option values shared by the CLI and the library: runtime targets and
 * framework conventions, by name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnxfix.h"
#include "opdb/opdb.h"

const char *
onnxfix_target_name(enum onnxfix_target_kind kind)
{
	struct opdb_target t;

	return opdb_target((int)kind, &t) ? t.name : "?";
}

const char *
onnxfix_target_spellings(char *buf, size_t size)
{
	struct opdb_target t;
	size_t len = 0;
	int k, w;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (k = 0; opdb_target(k, &t); k++) {
		w = snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
		    t.name);
		if (w > 0 && (t.flags & OPDB_TF_OPSET) &&
		    (size_t)w < size - len)
			w += snprintf(buf + len + (size_t)w, size - len -
			    (size_t)w, ", %s@OPSET", t.name);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	return buf;
}

int
onnxfix_parse_target(const char *spec, struct onnxfix_target *t)
{
	const char *at = strchr(spec, '@');
	size_t len = at ? (size_t)(at - spec) : strlen(spec);
	int k = opdb_target_named(spec, len), v;
	struct opdb_target r;

	if (k < 0 || !opdb_target(k, &r))
		return -1;
	t->kind = (enum onnxfix_target_kind)k;
	t->opset = 0;
	if (at == NULL)
		return 0;
	/* only a target that takes a version: onnx@OPSET, a known opset */
	if (!(r.flags & OPDB_TF_OPSET) ||
	    (v = onnxfix_parse_opset(at + 1)) < 0)
		return -1;
	t->opset = v;
	return 0;
}

int
onnxfix_parse_opset(const char *spec)
{
	char *end;
	long v;
	int lo, hi, rel;

	errno = 0;
	v = strtol(spec, &end, 10);
	if (errno != 0 || end == spec || *end != '\0' ||
	    opdb_domain_range("ai.onnx", &lo, &hi, &rel) < 0 ||
	    v < lo || v > hi)
		return -1;
	return (int)v;
}

int
onnxfix_parse_convention(const char *spec)
{
	static const struct {
		const char *name;
		enum onnxfix_convention c;
	} tab[] = {
		{ "onnx", ONNXFIX_CONV_ONNX },
		{ "pytorch", ONNXFIX_CONV_PYTORCH },
		{ "keras", ONNXFIX_CONV_KERAS },
		{ "tf", ONNXFIX_CONV_TF },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(spec, tab[i].name) == 0)
			return (int)tab[i].c;
	return -1;
}
