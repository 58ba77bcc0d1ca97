/* SPDX-License-Identifier: MIT */
/*
 * Reading a loaded model's external tensor data on demand (xread.c): the
 * reader the loader installs in struct ir_model (read_external), through
 * which ir_tensor_view() gives the passes external data as they are
 * given inline data.  Every read goes through the resolver of
 * src/io/external.c (the location confined to the model's directory,
 * the file checked, the range and length checked against the tensor)
 * and is charged to the model's memory budget.
 */
#ifndef ONNXFIX_IO_XREAD_H
#define ONNXFIX_IO_XREAD_H

#include "onnxfix.h"

/*
 * Give M a reader for its external data, with the limits of O (hard
 * links, distinct files; the budget grows with the data read when O
 * leaves it at its default).  The loader gives each external tensor of
 * the IR its struct ir_extdata.  The model's directory is opened on the
 * first read (M->path is known by then).  0, or -1 when out of budget.
 */
int xread_attach(struct ir_model *m, const struct onnxfix_options *o);
/* Close what the reader opened (the model is being freed). */
void xread_detach(struct ir_model *m);

#endif
