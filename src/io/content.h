/* SPDX-License-Identifier: MIT */
/*
 * Tensor content hashes (src/io/content.c): the one place outside the
 * loader and the writer that reads a loaded TensorProto.
 */
#ifndef ONNXFIX_IO_CONTENT_H
#define ONNXFIX_IO_CONTENT_H

#include <stdint.h>

#include "ir/ir.h"

/* A 64-bit hash of T's content: its raw bytes when it has them (or was
 * changed), else the typed fields, string lengths and external-data
 * entries of the TensorProto it came from.  0 when out of memory. */
uint64_t io_tensor_hash(const struct ir_tensor *t);

#endif
