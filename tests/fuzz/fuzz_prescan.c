/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the wire-format pre-scan alone, as ModelProto and as the
 * deepest-nesting messages (GraphProto, TypeProto).  Invariants: the
 * error path and detail are printable ASCII and NUL-terminated; when the
 * scan accepts, protobuf-c's unpack of the same bytes succeeds (the
 * pre-scan promises it will not reject them).
 */
#include <string.h>

#include "fuzz.h"
#include "onnx.pb-c.h"
#include "io/prescan.h"

static void
printable(const char *s, size_t cap)
{
	size_t i;

	for (i = 0; i < cap && s[i] != '\0'; i++)
		fuzz_assert(s[i] >= 0x20 && s[i] < 0x7f);
	fuzz_assert(i < cap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const ProtobufCMessageDescriptor *const roots[] = {
		&onnx__model_proto__descriptor,
		&onnx__graph_proto__descriptor,
		&onnx__type_proto__descriptor,
	};
	struct prescan_stats st;
	struct prescan_error err;
	size_t i;

	for (i = 0; i < 3; i++) {
		enum prescan_status rc = prescan(data, size, roots[i], NULL,
		    &st, &err);

		if (rc != PRESCAN_OK) {
			printable(err.path, sizeof(err.path));
			printable(err.detail, sizeof(err.detail));
			fuzz_assert(err.offset <= size);
			continue;
		}
		/* Accepted and small enough: protobuf-c must agree. */
		if (st.alloc_estimate < (64u << 20)) {
			ProtobufCMessage *m = protobuf_c_message_unpack(
			    roots[i], NULL, size, data);

			fuzz_assert(m != NULL);
			protobuf_c_message_free_unpacked(m, NULL);
		}
	}
	return 0;
}
