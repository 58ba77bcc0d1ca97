/* SPDX-License-Identifier: MIT */
/*
 * JSON documents written as a stream.  A report with a million findings
 * would be a jansson tree of several gigabytes, far over the memory
 * budget.  Only the small frame of the document is a tree: the place of
 * each large array in it holds JSTREAM_MARK, and the frame, dumped as
 * text, is written with the array streamed in at that place, one
 * element built, dumped and released at a time.  The text is what
 * json_dumpf() would write of the whole tree with the same flags, which
 * must include JSON_INDENT(2).
 */
#ifndef ONNXFIX_JSTREAM_H
#define ONNXFIX_JSTREAM_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

/* The string that stands for an array in a frame (one per frame). */
#define JSTREAM_MARK "\x01onnxfix-stream\x01"

/* Writes the array at the mark with jstream_elem() and jstream_close(),
 * DEPTH being the indentation of the line that holds its key.  0, or -1
 * on a write error or out of memory. */
typedef int (*jstream_fill)(FILE *fp, int depth, void *arg);

/* FRAME, dumped with FLAGS and each of its lines but the first indented
 * by DEPTH spaces, with FILL at its mark.  FRAME is released.  0, or
 * -1. */
int jstream_frame(FILE *fp, json_t *frame, int flags, int depth,
    jstream_fill fill, void *arg);
/* The element V (released) of an array whose key's line is indented by
 * DEPTH; FIRST for the array's first element.  -1 when V is NULL. */
int jstream_elem(FILE *fp, json_t *v, int flags, int depth, bool first);
/* The end of an array of N elements whose key's line is at DEPTH. */
int jstream_close(FILE *fp, int depth, size_t n);

#endif
