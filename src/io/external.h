/* SPDX-License-Identifier: MIT */
/*
 * External tensor data, confined to the model's directory.
 *
 * A TensorProto with data_location = EXTERNAL names its bytes with
 * key/value entries: location (a path relative to the model's directory),
 * offset and length (decimal), checksum.  ONNX needed five attempts to make
 * that location safe (CVE-2022-25882, CVE-2024-27318, CVE-2026-27489,
 * CVE-2026-34446 and a TOCTOU race); this module starts from the end
 * state:
 *  - the location is checked as text first: not empty, relative, no "."
 *    or ".." component, no empty component, no backslash, no drive
 *    letter, at most 4095 bytes;
 *  - it is opened beneath an already-open directory descriptor with
 *    openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
 *    or, where the kernel lacks openat2, one openat(O_NOFOLLOW) per
 *    component, so no symlink is followed anywhere on the path;
 *  - the opened file must be a regular file with one link (st_nlink == 1
 *    unless hard links are allowed), and offset + length must lie inside
 *    it (overflow-checked) with length equal to dims x element size;
 *  - bytes are read with pread into caller memory, never mapped: a file an
 *    attacker truncates after the check gives a short read (an error),
 *    not SIGBUS;
 *  - at most max_files distinct locations are opened per model, one
 *    descriptor at a time.
 * Nothing here sees protobuf types: entries come as struct ir_meta pairs.
 */
#ifndef ONNXFIX_EXTERNAL_H
#define ONNXFIX_EXTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/hmap.h"
#include "ir/ir.h"

struct onnxfix_options;
struct diag_list;

#define EXT_MAX_FILES 4096	/* default limit on distinct files */
#define EXT_LOCATION_MAX 4095	/* bytes in a location */
#define EXT_ALIGN 4096		/* offset alignment of written data */

enum ext_status {
	EXT_OK,
	EXT_LOCATION,		/* not a safe relative path */
	EXT_OPEN,		/* missing, a symlink, or outside the dir */
	EXT_NOT_REGULAR,	/* directory, FIFO, device, socket */
	EXT_HARDLINK,		/* st_nlink > 1 */
	EXT_NUMBER,		/* offset/length not strict decimal */
	EXT_RANGE,		/* offset + length past the end of the file */
	EXT_LENGTH,		/* length != dims x element size */
	EXT_DUP_KEY,		/* a key given twice */
	EXT_NO_LOCATION,	/* no location entry */
	EXT_TOO_MANY,		/* more distinct files than max_files */
	EXT_READ,		/* short read: the file changed */
	EXT_NO_DIR,		/* the model's directory is unknown */
	EXT_NOMEM,		/* out of budget */
	EXT_TYPE,		/* no fixed byte size: string, unknown type
				 * or bad dims */
};

/* A status that belongs to the file rather than to the tensor naming it
 * (missing, a link, outside the directory, not regular, hard-linked):
 * ext_resolve() notes it once per file with the tensors that name it,
 * and callers report it once per file (ext_bad_files). */
static inline bool
ext_file_level(enum ext_status st)
{
	return st == EXT_OPEN || st == EXT_NOT_REGULAR || st == EXT_HARDLINK;
}

/* A parsed external_data list. */
struct ext_ref {
	const char *location;	/* NULL when absent */
	uint64_t offset;
	uint64_t length;
	bool has_length;
	const char *checksum;	/* recorded, not verified */
	const char *unknown;	/* first unknown key, or NULL */
	size_t nunknown;	/* unknown keys */
};

struct ext_limits {
	unsigned max_files;	/* distinct files; 0: EXT_MAX_FILES */
	bool allow_hardlinks;	/* accept st_nlink > 1 */
};

/* A file that failed with a file-level status, and who names it. */
struct ext_bad {
	const char *location;
	enum ext_status st;
	const char *why;
	uint64_t nrefs;		/* tensors that named it */
	const char *tensor;	/* the first of them */
	const char *where;	/* where that one is ("" when not given) */
	struct ext_bad *next;	/* the next file that failed */
};

/* A model directory and what is known about the files in it. */
struct ext_dir {
	int dirfd;		/* -1: unknown (model loaded from memory) */
	struct ext_limits lim;
	struct arena arena;
	struct hmap files;	/* location -> struct ext_file */
	unsigned nfiles;
	bool full;		/* EXT_TOO_MANY was reported once */
	/* files that failed, first named first */
	struct ext_bad *bad, **badtail;
};

/*
 * Open the directory holding MODEL_PATH (NULL: none) for resolving.
 * Returns 0, or -1 with errno set (X->dirfd is then -1 and every lookup
 * gives EXT_NO_DIR).  BUDGET charges the file table (may be NULL).
 */
int ext_dir_open(struct ext_dir *x, const char *model_path,
    const struct ext_limits *lim, struct budget *budget);
void ext_dir_close(struct ext_dir *x);

/* Check LOC as text (see above).  EXT_OK or EXT_LOCATION; WHY says what
 * is wrong. */
enum ext_status ext_location_check(const char *loc, char *why, size_t n);

/* Parse N entries into *R: strict decimal offset and length (digits only,
 * at most 20, no sign, space or prefix, no uint64 overflow), keys counted
 * once each.  EXT_OK, EXT_NUMBER, EXT_DUP_KEY, EXT_NO_LOCATION or
 * EXT_LOCATION. */
enum ext_status ext_parse(const struct ir_meta *e, size_t n,
    struct ext_ref *r, char *why, size_t whylen);

/*
 * Open R's file beneath X and check it: a regular file, one link, and
 * [offset, offset + length) inside it, length equal to WANT (the tensor's
 * byte size; a missing length means "to the end of the file" and must
 * then also come out to WANT).  On EXT_OK, *FD (if FD is not NULL) is an
 * open read-only descriptor the caller closes, and *LEN the length.
 */
enum ext_status ext_open(struct ext_dir *x, const struct ext_ref *r,
    uint64_t want, int *fd, uint64_t *len, char *why, size_t whylen);

/* ext_open, then read exactly the data into BUF (WANT bytes) with pread;
 * a short read is EXT_READ. */
enum ext_status ext_read(struct ext_dir *x, const struct ext_ref *r,
    uint64_t want, void *buf, char *why, size_t whylen);

/*
 * The one way from a tensor to its external bytes, whatever holds the
 * tensor (initializer, sparse initializer, attribute, function, training
 * graph: xdata_walk() finds them all): parse T's entries into *R, take
 * the byte size from its type and dims (EXT_TYPE when there is none),
 * and ext_open() the file beneath X with that size.  A file-level
 * failure (ext_file_level) is noted on the file, with T's name and
 * WHERE (may be NULL), for ext_bad_files().  FD and LEN as for
 * ext_open(); both may be NULL.
 */
enum ext_status ext_resolve(struct ext_dir *x, const struct ir_tensor *t,
    const char *where, struct ext_ref *r, int *fd, uint64_t *len, char *why,
    size_t whylen);

/* Open the file LOC beneath X with the checks of ext_open() but no
 * range (a file copied along whole, whose references ext_resolve()
 * accepted): *FD and its size in *SIZE. */
enum ext_status ext_open_file(struct ext_dir *x, const char *loc, int *fd,
    uint64_t *size, char *why, size_t whylen);

/* A new temporary ".onnxfix.XXXXXXXXXXXX" in DIRFD (NAME, N >= 22 bytes),
 * created exclusively, never through a link: its descriptor, or -1. */
int ext_make_temp(int dirfd, char *name, size_t n);

/* The files ext_resolve() found missing, unsafe or not usable, in the
 * order they were first named, each once with the number of tensors
 * naming it. */
const struct ext_bad *ext_bad_files(const struct ext_dir *x);

/*
 * Copy N bytes at offset OFF of IN to OUT's current position: by the
 * kernel (copy_file_range) where it can, else through a small buffer.
 * Returns 0, or -1 with errno set; *SHORT_READ says that IN ended before
 * N bytes (the file changed).
 */
int ext_copy_range(int in, uint64_t off, int out, uint64_t n,
    bool *short_read);

/* The byte size T's data must have, or -1 (unknown type, string, bad
 * dims). */
int ext_tensor_bytes(const struct ir_tensor *t, uint64_t *bytes);

/* Use the component-by-component walk even when openat2 exists (tests);
 * true restores the default. */
void ext_use_openat2(bool on);

#endif
