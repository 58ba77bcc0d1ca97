/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: bytes to model (pre-scan, unpack under the budget, IR),
 * then the analyses and the writer.  Invariants: a failed load leaves
 * exactly one fatal diagnostic and no model; status 70 never happens;
 * an accepted model encodes, and the encoding is a fixed point
 * (encode(load(encode(x))) == encode(x)).  And the main graph's light
 * nodes decoded from their bytes (skel.h) give what protobuf-c's
 * decoding of every node gives: the same load status and the same
 * findings, word for word.
 */
#include <string.h>

#include "fuzz.h"
#include "onnxfix.h"

static void
encode_fixed_point(struct ir_model *m)
{
	struct diag_list d;
	struct ir_model *m2;
	uint8_t *a, *b;
	size_t na, nb;

	diag_list_init(&d);
	if (onnxfix_encode(m, &d, &a, &na) != ONNXFIX_OK) {
		/* only the budget or the 2 GiB limit may stop it */
		fuzz_assert(d.n > 0 && (d.v[d.n - 1].id == DIAG_LOAD_BUDGET ||
		    d.v[d.n - 1].id == DIAG_OUT_ENCODE));
		diag_list_release(&d);
		return;
	}
	fuzz_assert(onnxfix_load_buffer(a, na, "again", NULL, &d, &m2) ==
	    ONNXFIX_OK);
	fuzz_assert(onnxfix_encode(m2, &d, &b, &nb) == ONNXFIX_OK);
	fuzz_assert(na == nb && memcmp(a, b, na) == 0);
	onnxfix_model_free(m2);
	free(a);
	free(b);
	diag_list_release(&d);
}

static bool
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Load and check DATA as the other decoder does; compare with RC and D. */
static void
differential(const uint8_t *data, size_t size, struct onnxfix_options o,
    enum onnxfix_status rc, const struct diag_list *d)
{
	struct diag_list d2;
	struct ir_model *m2;
	enum onnxfix_status rc2;
	size_t i;

	o.pb_nodes = !o.pb_nodes;
	diag_list_init(&d2);
	rc2 = onnxfix_load_buffer(data, size, "fuzz", &o, &d2, &m2);
	if (rc2 == ONNXFIX_OK)
		rc2 = onnxfix_check(m2, &o, &d2);
	/* protobuf-c's copies of every node take more of the budget */
	if (rc != ONNXFIX_EBUDGET && rc2 != ONNXFIX_EBUDGET) {
		fuzz_assert(rc == rc2);
		fuzz_assert(d->n == d2.n);
		for (i = 0; i < d->n; i++) {
			fuzz_assert(d->v[i].id == d2.v[i].id);
			/* a node decoded from its bytes names it */
			if (rc != ONNXFIX_OK)
				continue;
			fuzz_assert(same_str(d->v[i].loc, d2.v[i].loc));
			fuzz_assert(same_str(d->v[i].detail, d2.v[i].detail));
		}
	}
	onnxfix_model_free(m2);
	diag_list_release(&d2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m;
	enum onnxfix_status rc;

	onnxfix_options_default(&o);
	o.mem_budget = 256u << 20;
	diag_list_init(&d);
	rc = onnxfix_load_buffer(data, size, "fuzz", &o, &d, &m);
	if (rc != ONNXFIX_OK) {
		fuzz_assert(m == NULL);
		fuzz_assert(rc == ONNXFIX_EINPUT || rc == ONNXFIX_EBUDGET);
		fuzz_assert(d.n == 1 &&
		    diag_table[d.v[0].id].level == DIAG_FATAL);
		differential(data, size, o, rc, &d);
		diag_list_release(&d);
		return 0;
	}
	rc = onnxfix_check(m, &o, &d);
	fuzz_assert(rc == ONNXFIX_OK || rc == ONNXFIX_EBUDGET);
	differential(data, size, o, rc, &d);
	encode_fixed_point(m);
	onnxfix_model_free(m);
	diag_list_release(&d);
	return 0;
}
