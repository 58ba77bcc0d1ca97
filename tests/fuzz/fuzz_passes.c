/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: every rewrite pass on whatever loads, one at a time and
 * all together, with the IR verified after each (a broken invariant is
 * status 70: a bug).  The result must encode and load again.
 */
#include <string.h>

#include "fuzz.h"
#include "passes/pass.h"

static void
run(const uint8_t *data, size_t size, const char *passes)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m, *m2;
	enum onnxfix_status rc;
	uint8_t *out;
	size_t n;

	onnxfix_options_default(&o);
	o.mem_budget = 256u << 20;
	o.passes = passes;
	diag_list_init(&d);
	if (onnxfix_load_buffer(data, size, "fuzz", &o, &d, &m) !=
	    ONNXFIX_OK) {
		diag_list_release(&d);
		return;
	}
	rc = onnxfix_fix(m, &o, &d);
	fuzz_assert(rc != ONNXFIX_EINTERNAL);
	if (rc == ONNXFIX_OK && onnxfix_encode(m, &d, &out, &n) ==
	    ONNXFIX_OK) {
		fuzz_assert(onnxfix_load_buffer(out, n, "out", &o, &d, &m2) ==
		    ONNXFIX_OK);
		onnxfix_model_free(m2);
		free(out);
	}
	onnxfix_model_free(m);
	diag_list_release(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; pass_table[i] != NULL; i++)
		if (pass_table[i]->kind == PASS_REWRITE)
			run(data, size, pass_table[i]->name);
	run(data, size, NULL);
	return 0;
}
