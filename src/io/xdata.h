/* SPDX-License-Identifier: MIT */
/*
 * External data on output, minimal: a model whose tensors live in files
 * beside it (data_location = EXTERNAL, the way models over 2 GB are
 * stored) is written to another directory together with those files, so
 * the written model finds its weights.  The files are copied by the
 * kernel (copy_file_range); the tensors' bytes are never read.  Reading
 * and validating external data is the resolver's job (external.c).
 */
#ifndef ONNXFIX_XDATA_H
#define ONNXFIX_XDATA_H

#include "onnxfix.h"

/*
 * Before M is written to OUT: when OUT's directory is not the input's,
 * copy every external data file M's tensors name (relative locations
 * only, no ".." and no absolute paths) into OUT's directory, each
 * atomically.  Nothing to do for a model without external data, for
 * OUT "-" or for the same directory.
 */
enum onnxfix_status xdata_copy(struct ir_model *m, const char *out,
    const struct onnxfix_options *o, struct diag_list *d);

#endif
