/* SPDX-License-Identifier: MIT */
/*
 * Streaming output for models whose payloads are spans of the input
 * (skel.h), or ranges of external data files (external.h): protobuf-c
 * packs the small messages into a buffer while every span is copied file
 * to file by the kernel (copy_file_range, or a plain write from the
 * mapping or a small buffer), so writing costs about what a file copy
 * does and the weights never pass through user memory.
 */
#ifndef ONNXFIX_STREAM_H
#define ONNXFIX_STREAM_H

#include "onnxfix.h"

struct ext_pending;

/* Should onnxfix_save() stream M to PATH?  True when M holds spans of
 * its input, or EXT_SPANS (tensors whose external data is copied in,
 * external.h), and PATH is, or will be, a regular file. */
bool stream_wanted(const struct ir_model *m, const char *path,
    bool ext_spans);
/* Write M to PATH the way onnxfix_save() does (atomically, re-read before
 * it is published), streaming the spans of the input and those of X
 * (may be NULL) from their files. */
enum onnxfix_status stream_save(struct ir_model *m, const char *path,
    const struct onnxfix_options *o, struct ext_pending *x,
    struct diag_list *d);

#endif
