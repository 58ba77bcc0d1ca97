/* SPDX-License-Identifier: MIT */
/*
 * Streaming output for models whose payloads are spans of the input
 * (skel.h): protobuf-c packs the small messages into a buffer while every
 * span is copied file to file by the kernel (copy_file_range, or a plain
 * write from the mapping), so writing costs about what a file copy does
 * and the weights never pass through user memory.
 */
#ifndef ONNXFIX_STREAM_H
#define ONNXFIX_STREAM_H

#include "onnxfix.h"

/* Should onnxfix_save() stream M to PATH?  True when M holds spans and
 * PATH is, or will be, a regular file. */
bool stream_wanted(const struct ir_model *m, const char *path);
/* Write M to PATH the way onnxfix_save() does (atomically, re-read before
 * it is published), streaming the spans. */
enum onnxfix_status stream_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct diag_list *d);
/* save.c: the ModelProto (a ProtobufCMessage) to write for M, built in
 * arena A, or NULL when out of budget. */
void *save_build_model(struct ir_model *m, struct arena *a);

#endif
