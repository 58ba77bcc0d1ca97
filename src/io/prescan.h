/* SPDX-License-Identifier: MIT */
/*
 * The wire-format pre-scan: one bounded, iterative pass over the protobuf
 * bytes of a model, run before protobuf-c's unpack.  protobuf-c recurses
 * once per nesting level with no limit, merges repeated singular
 * sub-messages in quadratic time, silently truncates strings at NUL and
 * accepts tags it cannot write back; the pre-scan rejects all of these,
 * and predicts how much memory the unpack will allocate.  It follows the
 * schema through protobuf-c's own descriptors, so it tracks onnx.proto.
 */
#ifndef ONNXFIX_PRESCAN_H
#define ONNXFIX_PRESCAN_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

struct prescan_limits {
	/* Message nesting; the root message is depth 1.  Default 100, the
	 * C++ protobuf recursion limit, so all that onnx or ORT can load
	 * still loads. */
	unsigned max_depth;
	/* GraphProto nesting; ModelProto.graph is graph depth 1, a subgraph
	 * attribute inside it depth 2.  Default 32 (ORT's subgraph limit). */
	unsigned max_graph_depth;
	/* TypeProto nesting through sequence_type, map_type and
	 * optional_type.  Default 32. */
	unsigned max_type_depth;
	/* Occurrences of one singular (non-repeated) message-typed field in
	 * one message instance; protobuf-c merges them in quadratic time.
	 * Default 64. */
	unsigned max_repeat;
	/* Total number of fields (every tag: scalars, strings, sub-messages
	 * and unknown fields; not the elements inside a packed array, which
	 * cost no per-element work beyond their bytes).  Default 2^28: a
	 * field takes at least 2 bytes, so an input of 2 GiB - 1 holds up to
	 * 2^30 of them; 2^28 is far above any real model (10^6 nodes with
	 * 20 fields each is 2^24.3) and still caps the per-field work of the
	 * scan and the unpack at a few seconds.  Memory is bounded separately
	 * by comparing alloc_estimate against the budget. */
	uint64_t max_elements;
};

/* Fill *L with the defaults above. */
void prescan_limits_default(struct prescan_limits *l);

struct prescan_stats {
	uint64_t messages;	/* sub-messages seen (the root not counted) */
	uint64_t fields;	/* fields seen, unknown fields included */
	/*
	 * An upper bound, in bytes requested from the allocator (malloc's
	 * own per-chunk overhead not included), of what protobuf-c's unpack
	 * of the same bytes holds live at its peak: sizeof_message for every
	 * message, root included; element storage of repeated fields (packed
	 * arrays count their elements); len+1 per string; len per bytes
	 * field; 24 + value bytes per unknown field; plus the transient
	 * scan slabs along the most expensive path and, when some singular
	 * sub-message repeats, the arrays merge_messages() copies.  Compare
	 * it with the memory budget before unpacking.
	 */
	uint64_t alloc_estimate;
	uint64_t max_bytes;	/* longest bytes field (known fields) */
	unsigned max_depth_seen;	/* deepest message nesting, root = 1 */
	unsigned max_graph_depth_seen;	/* deepest GraphProto nesting */
};

enum prescan_status {
	PRESCAN_OK,		/* 0: the input is safe to unpack */
	PRESCAN_FIELD_NUMBER,	/* field number 0 or >= 2^28 */
	PRESCAN_WIRE_TYPE,	/* wire type 3, 4 (groups), 6 or 7 */
	PRESCAN_VARINT,		/* varint > 10 bytes or 10th byte > 1;
				 * tag > 5 bytes or not minimal; length
				 * prefix > 5 bytes or > INT_MAX */
	PRESCAN_TRUNCATED,	/* a value runs past the end of its message
				 * or the input; a packed array ends inside
				 * an element */
	PRESCAN_WRONG_TYPE,	/* wire type protobuf-c refuses for a known
				 * field */
	PRESCAN_NESTING,	/* message depth > max_depth (also: no memory
				 * for a nesting stack above 127 levels) */
	PRESCAN_GRAPH_NESTING,	/* GraphProto depth > max_graph_depth */
	PRESCAN_TYPE_NESTING,	/* TypeProto depth > max_type_depth */
	PRESCAN_REPEATED,	/* singular sub-message > max_repeat times */
	PRESCAN_NUL,		/* NUL byte inside a string field */
	PRESCAN_COUNT,		/* more than max_elements fields */
	PRESCAN_MERGE		/* a singular sub-message repeated in a way
				 * protobuf-c cannot merge (its oneof unset
				 * in the first two occurrences) */
};

struct prescan_error {
	enum prescan_status status;
	/* Byte offset in the input: of the tag for field-level problems
	 * (bad number, wire type, nesting, repeats, count, merges), of the varint or
	 * the value for VARINT and TRUNCATED, of the NUL byte for NUL. */
	uint64_t offset;
	/* Field path from the root, protobuf-c field names joined by ".",
	 * "[i]" after repeated fields (i counts the occurrences of that field
	 * in its parent message, from 0), "field N" for an unknown field,
	 * e.g. "graph.node[12].attribute[0].t.dims[3]".  "" is the root
	 * itself (e.g. a bad tag at top level).  Always NUL-terminated,
	 * printable ASCII only; paths too long keep their head and tail
	 * around "...(+N)...", N being the number of names left out. */
	char path[512];
	/* What is wrong, e.g. "field 0", "wire type 7", "length 4096 at
	 * offset 10 passes the end of the input (size 100)", "depth 101 >
	 * 100".  NUL-terminated printable ASCII. */
	char detail[160];
};

/*
 * Scan the LEN bytes at BUF as one message of type ROOT (normally
 * &onnx__model_proto__descriptor; 0 bytes is a valid, empty message).
 * LIM may be NULL for the defaults; STATS and ERR may be NULL.
 *
 * Returns PRESCAN_OK (0) and fills *STATS, or another status and fills
 * *ERR (*STATS then holds the counts up to the error).  PRESCAN_OK means
 * protobuf-c 1.4.1 will neither reject the wire format nor crash (its
 * unpack needs about 1 KiB of stack per level of max_depth_seen), run
 * quadratically or lose bytes to NUL truncation on it; it says nothing
 * about the model's semantics.
 *
 * Never recurses and runs in O(LEN): bytes and unknown payloads are
 * skipped without being read; only string payloads (for NUL) and packed
 * varint arrays (to count and validate them) are read byte by byte.
 * Uses about 17 KiB of C stack and allocates nothing at the default
 * limits; with max_depth above 127 or very wide schemas it grows an
 * O(max_depth) stack on the heap.  Thread-safe: no global state.
 */
enum prescan_status prescan(const uint8_t *buf, size_t len,
			    const ProtobufCMessageDescriptor *root,
			    const struct prescan_limits *lim,
			    struct prescan_stats *stats,
			    struct prescan_error *err);

#endif
