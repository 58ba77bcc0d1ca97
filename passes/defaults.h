/* SPDX-License-Identifier: MIT */
/*
 * The defaults pass in two files: defaults.c (framework conventions) and
 * defaults_fp16.c (float16 readiness, check --target fp16).
 */
#ifndef ONNXFIX_DEFAULTS_H
#define ONNXFIX_DEFAULTS_H

#include "pass.h"

/* Is fp16 among the --target values? */
bool defaults_fp16_target(const struct pass_ctx *ctx);
/* The float16 readiness findings: 0, or -1 when out of budget. */
int defaults_fp16(struct pass_ctx *ctx);

#endif
