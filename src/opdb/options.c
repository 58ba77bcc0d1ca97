/* SPDX-License-Identifier: MIT */
/*
 * Option values shared by the CLI and the library: runtime targets and
 * framework conventions, by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onnxfix.h"
#include "opdb/opdb.h"

static const char *const target_names[] = {
	[ONNXFIX_TARGET_ONNX] = "onnx",
	[ONNXFIX_TARGET_ORT_CPU] = "ort-cpu",
	[ONNXFIX_TARGET_ORT_CUDA] = "ort-cuda",
	[ONNXFIX_TARGET_ORT_DML] = "ort-dml",
	[ONNXFIX_TARGET_TENSORRT] = "tensorrt",
	[ONNXFIX_TARGET_TFLITE] = "tflite",
	[ONNXFIX_TARGET_FP16] = "fp16",
};

const char *
onnxfix_target_name(enum onnxfix_target_kind kind)
{
	if ((size_t)kind >= sizeof(target_names) / sizeof(target_names[0]))
		return "?";
	return target_names[kind];
}

int
onnxfix_parse_target(const char *spec, struct onnxfix_target *t)
{
	size_t i;
	const char *at = strchr(spec, '@');
	size_t len = at ? (size_t)(at - spec) : strlen(spec);

	for (i = 0; i < sizeof(target_names) / sizeof(target_names[0]); i++) {
		if (strlen(target_names[i]) != len ||
		    strncmp(spec, target_names[i], len) != 0)
			continue;
		t->kind = (enum onnxfix_target_kind)i;
		t->opset = 0;
		if (at == NULL)
			return 0;
		/* Only onnx takes a version: onnx@OPSET, a known opset. */
		if (t->kind == ONNXFIX_TARGET_ONNX) {
			int v = onnxfix_parse_opset(at + 1);

			if (v < 0)
				return -1;
			t->opset = v;
			return 0;
		}
		return -1;
	}
	return -1;
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
