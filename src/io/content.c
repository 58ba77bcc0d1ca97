/* SPDX-License-Identifier: MIT */
/*
 * The content of a tensor as the model holds it, for comparisons that
 * must not decode every typed field: a hash over the raw bytes, or over
 * the typed fields of the TensorProto it was loaded from.
 */
#include <string.h>

#include <xxhash.h>

#include "io/content.h"
#include "onnx.pb-c.h"

uint64_t
io_tensor_hash(const struct ir_tensor *t)
{
	const Onnx__TensorProto *p = t->orig;
	XXH3_state_t *st;
	uint64_t h;
	size_t i;

	if (t->storage == IR_DATA_RAW || t->dirty || p == NULL)
		return XXH3_64bits(t->data != NULL ? t->data : (const void *)"",
		    t->size);
	if ((st = XXH3_createState()) == NULL)
		return 0;
	XXH3_64bits_reset(st);
	if (p->n_float_data)
		XXH3_64bits_update(st, p->float_data,
		    p->n_float_data * sizeof(float));
	if (p->n_int32_data)
		XXH3_64bits_update(st, p->int32_data,
		    p->n_int32_data * sizeof(int32_t));
	if (p->n_int64_data)
		XXH3_64bits_update(st, p->int64_data,
		    p->n_int64_data * sizeof(int64_t));
	if (p->n_double_data)
		XXH3_64bits_update(st, p->double_data,
		    p->n_double_data * sizeof(double));
	if (p->n_uint64_data)
		XXH3_64bits_update(st, p->uint64_data,
		    p->n_uint64_data * sizeof(uint64_t));
	for (i = 0; i < p->n_string_data; i++) {
		uint64_t len = p->string_data[i].len;

		XXH3_64bits_update(st, &len, sizeof(len));
		XXH3_64bits_update(st, p->string_data[i].data,
		    p->string_data[i].len);
	}
	for (i = 0; i < p->n_external_data; i++) {
		const char *k = p->external_data[i]->key;
		const char *v = p->external_data[i]->value;

		XXH3_64bits_update(st, k ? k : "", k ? strlen(k) + 1 : 1);
		XXH3_64bits_update(st, v ? v : "", v ? strlen(v) + 1 : 1);
	}
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}
