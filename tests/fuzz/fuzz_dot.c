/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the DOT writer on whatever loads (after the analyses, so
 * that findings are drawn too).  The output is lexed again: printable
 * ASCII only outside quoted strings, every quoted string closed on its
 * line, no raw control byte anywhere, and no model text outside quotes
 * (node IDs are synthetic).
 */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "onnxfix.h"

static char path[64];

static void
relex(void)
{
	FILE *fp = fopen(path, "rb");
	int c, prev = 0;
	bool quoted = false;

	fuzz_assert(fp != NULL);
	while ((c = fgetc(fp)) != EOF) {
		fuzz_assert(c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
		if (quoted) {
			fuzz_assert(c != '\n');
			if (c == '"' && prev != '\\')
				quoted = false;
			prev = (prev == '\\' && c == '\\') ? 0 : c;
			continue;
		}
		if (c == '"')
			quoted = true;
		prev = c;
	}
	fuzz_assert(!quoted);
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onnxfix_options o;
	struct diag_list d;
	struct ir_model *m;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "%s/onnxfix-fuzz-dot.%ld",
		    fuzz_tmpdir(), (long)getpid());
	onnxfix_options_default(&o);
	o.mem_budget = 256u << 20;
	diag_list_init(&d);
	if (onnxfix_load_buffer(data, size, "fuzz", &o, &d, &m) ==
	    ONNXFIX_OK) {
		if (onnxfix_check(m, &o, &d) == ONNXFIX_OK &&
		    onnxfix_dot(m, path, ONNXFIX_DOT, &d) == ONNXFIX_OK)
			relex();
		unlink(path);
		onnxfix_model_free(m);
	}
	diag_list_release(&d);
	return 0;
}
