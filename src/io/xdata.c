/* SPDX-License-Identifier: MIT */
/*
 * Copying external data files beside a written model (see xdata.h).  The
 * locations come from the tensors' source TensorProto.external_data
 * ("location" entries); each distinct file is copied once, to a temporary
 * name in the output directory, then renamed.
 */
#include "io/xdata.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx.pb-c.h"

#define CHUNK ((size_t)64 << 20)

static const char *
location(const struct ir_tensor *t)
{
	const Onnx__TensorProto *tp = t->orig;
	size_t i;

	if (t->storage != IR_DATA_EXTERNAL || tp == NULL)
		return NULL;
	for (i = 0; i < tp->n_external_data; i++)
		if (tp->external_data[i]->key != NULL &&
		    strcmp(tp->external_data[i]->key, "location") == 0)
			return tp->external_data[i]->value;
	return NULL;
}

/* A relative path without "..": anything else stays where it is. */
static bool
confined(const char *loc)
{
	const char *p = loc;

	if (loc[0] == '\0' || loc[0] == '/')
		return false;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		if (*p == '/')
			p++;
	}
	return true;
}

static char *
dir_of(const char *path)
{
	char *dup = strdup(path), *d;

	if (dup == NULL)
		return NULL;
	d = strdup(dirname(dup));
	free(dup);
	return d;
}

static bool
same_inode(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Copy SRC to DST atomically (a temporary name beside DST). */
static int
copy_file(const char *src, const char *dst, const struct onnxfix_options *o)
{
	struct stat st;
	char *tmp = NULL, *dd = dir_of(dst);
	int in = -1, out = -1, saved = 0;
	off_t done = 0;

	if (dd == NULL || asprintf(&tmp, "%s/.onnxfix.XXXXXX", dd) < 0) {
		free(dd);
		errno = ENOMEM;
		return -1;
	}
	free(dd);
	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (in < 0 || fstat(in, &st) < 0) {
		saved = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		saved = EINVAL;
		goto out;
	}
	if ((out = mkostemp(tmp, O_CLOEXEC)) < 0) {
		saved = errno;
		goto out;
	}
	while (done < st.st_size) {
		size_t step = (size_t)(st.st_size - done) < CHUNK ?
		    (size_t)(st.st_size - done) : CHUNK;
		ssize_t k = copy_file_range(in, NULL, out, NULL, step, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {	/* no in-kernel copy: read and write */
			char buf[1 << 16];
			ssize_t r = read(in, buf, sizeof(buf));

			if (r <= 0 || write(out, buf, (size_t)r) != r) {
				saved = r < 0 ? errno : EIO;
				goto out;
			}
			k = r;
		} else if (k == 0) {
			saved = EIO;
			goto out;
		}
		/* Start writing back what is copied, so that the fsync
		 * below waits for the tail only. */
		if (o != NULL && o->sync)
			sync_file_range(out, done, k, SYNC_FILE_RANGE_WRITE);
		done += k;
		if (o != NULL && o->progress != NULL)
			o->progress(o->progress_arg, "copying external data",
			    (uint64_t)done, (uint64_t)st.st_size);
	}
	if (fchmod(out, st.st_mode & 0666) < 0 ||
	    (o != NULL && o->sync && fsync(out) < 0)) {
		saved = errno;
		goto out;
	}
	if (close(out) < 0 || rename(tmp, dst) < 0) {
		out = -1;
		saved = errno;
		goto out;
	}
	out = -1;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (saved != 0)
		unlink(tmp);
	free(tmp);
	errno = saved;
	return saved != 0 ? -1 : 0;
}

/* Every external tensor of M, in a fixed order: initializers and tensor
 * attributes of every graph. */
static size_t
tensors(struct ir_model *m, const struct ir_tensor ***out)
{
	struct ir_graph **graphs;
	const struct ir_tensor **v = NULL;
	size_t ng = ir_model_graphs(m, &graphs), n = 0, cap = 0, i, j, k;

	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];
		size_t extra = g->ninits;

		for (j = 0; j < g->nnodes; j++)
			extra += g->nodes[j]->nattrs;
		if (n + extra > cap) {
			const struct ir_tensor **nv;

			cap = 2 * (n + extra) + 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				*out = NULL;
				return (size_t)-1;
			}
			v = nv;
		}
		for (j = 0; j < g->ninits; j++)
			if (g->inits[j] != NULL &&
			    g->inits[j]->storage == IR_DATA_EXTERNAL)
				v[n++] = g->inits[j];
		for (j = 0; j < g->nnodes; j++)
			for (k = 0; k < g->nodes[j]->nattrs; k++) {
				const struct ir_tensor *t =
				    g->nodes[j]->attrs[k].t;

				if (t != NULL && !g->nodes[j]->dead &&
				    t->storage == IR_DATA_EXTERNAL)
					v[n++] = t;
			}
	}
	*out = v;
	return n;
}

enum onnxfix_status
xdata_copy(struct ir_model *m, const char *out,
    const struct onnxfix_options *o, struct diag_list *d)
{
	const struct ir_tensor **v;
	char *indir = NULL, *outdir = NULL, b[DIAG_ESCAPE_SIZE];
	enum onnxfix_status rc = ONNXFIX_OK;
	size_t n, i, j;

	if (m->path == NULL || strcmp(out, "-") == 0)
		return ONNXFIX_OK;
	n = tensors(m, &v);
	if (n == (size_t)-1) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
		return ONNXFIX_EBUDGET;
	}
	if (n == 0)
		goto done;
	indir = dir_of(m->path);
	outdir = dir_of(out);
	if (indir == NULL || outdir == NULL) {
		diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
		rc = ONNXFIX_EBUDGET;
		goto done;
	}
	if (same_inode(indir, outdir))
		goto done;
	for (i = 0; i < n && rc == ONNXFIX_OK; i++) {
		const char *loc = location(v[i]);
		char *src = NULL, *dst = NULL;

		if (loc == NULL || !confined(loc))
			continue;
		for (j = 0; j < i; j++)	/* copied already? */
			if (location(v[j]) != NULL &&
			    strcmp(location(v[j]), loc) == 0)
				break;
		if (j < i)
			continue;
		if (asprintf(&src, "%s/%s", indir, loc) < 0)
			src = NULL;
		if (asprintf(&dst, "%s/%s", outdir, loc) < 0)
			dst = NULL;
		if (src == NULL || dst == NULL) {
			diag_report(d, DIAG_LOAD_BUDGET, "", "out of memory");
			rc = ONNXFIX_EBUDGET;
		} else if (!same_inode(src, dst) && copy_file(src, dst,
		    o) < 0) {
			diag_report(d, DIAG_OUT_WRITE, "",
			    "external data '%s': %s",
			    diag_escape_str(b, sizeof(b), loc),
			    strerror(errno));
			rc = ONNXFIX_EIO;
		}
		free(src);
		free(dst);
	}
done:
	free(v);
	free(indir);
	free(outdir);
	return rc;
}
