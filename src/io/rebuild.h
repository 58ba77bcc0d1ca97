/* SPDX-License-Identifier: MIT */
/*
 * The messages to write for a model (src/io/rebuild.c).
 */
#ifndef ONNXFIX_IO_REBUILD_H
#define ONNXFIX_IO_REBUILD_H

#include "ir/ir.h"

/* The ModelProto (a ProtobufCMessage) to write for M, built in arena A,
 * or NULL when out of budget. */
void *rebuild_model(struct ir_model *m, struct arena *a);

#endif
