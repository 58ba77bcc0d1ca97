/* SPDX-License-Identifier: MIT */
/*
 * Every external data reference of a model, and copying the files they
 * name beside a written model (see xdata.h).  The IR's own tensors come
 * from the IR (a pass may have changed them); the TensorProtos it does
 * not model come from the decoded messages the writer copies them from.
 * Protobuf messages are looked into from an explicit stack, never by
 * recursion.
 */
#include "io/xdata.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/external.h"
#include "onnx.pb-c.h"

#define CHUNK ((uint64_t)64 << 20)	/* copy step, for progress */

struct walker {
	struct ir_model *m;
	unsigned flags;
	int (*fn)(void *, const struct xdata_ref *);
	void *arg;
	struct arena a;		/* views of TensorProtos, the stack */
	const ProtobufCMessage **stack;	/* messages still to look into */
	size_t nstack, capstack;
	char where[IR_PATH_SIZE + 2 * DIAG_ESCAPE_SIZE];
};

/* Does TP name external data at all? */
static bool
names_external(const Onnx__TensorProto *tp)
{
	return (tp->has_data_location && tp->data_location ==
	    ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
	    tp->n_external_data > 0;
}

/* W->where: PREFIX (a node's or graph's path, or NULL for none) and
 * the formatted rest, when the caller wants places at all. */
__attribute__((format(printf, 3, 4)))
static const char *
place(struct walker *W, const char *prefix, const char *fmt, ...)
{
	size_t len = 0;
	va_list ap;

	if (!(W->flags & XDATA_WHERE))
		return NULL;
	if (prefix != NULL)
		len = (size_t)snprintf(W->where, sizeof(W->where), "%s",
		    prefix);
	if (len >= sizeof(W->where))
		return W->where;
	va_start(ap, fmt);
	vsnprintf(W->where + len, sizeof(W->where) - len, fmt, ap);
	va_end(ap);
	return W->where;
}

static int
call(struct walker *W, struct ir_tensor *t, bool modelled,
    struct ir_attr *a, const char *where)
{
	struct xdata_ref ref = { t, modelled, a, where };

	return W->fn(W->arg, &ref);
}

/* The TensorProto TP, which the IR does not hold. */
static int
visit_pb(struct walker *W, const Onnx__TensorProto *tp, const char *where)
{
	struct ir_tensor t;

	if (tp == NULL || !names_external(tp))
		return 0;
	if (load_tensor(&W->a, tp, &t) < 0)
		return -1;
	return call(W, &t, false, NULL, where);
}

/* Would the IR's tensor T be visited? */
static bool
wanted(const struct walker *W, const struct ir_tensor *t, bool modelled)
{
	if (t == NULL || (W->flags & XDATA_UNMODELLED))
		return false;
	return t->storage == IR_DATA_EXTERNAL || t->next > 0 ||
	    (modelled && (W->flags & XDATA_ALL));
}

static int
push(struct walker *W, const void *msg)
{
	if (msg == NULL)
		return 0;
	if (arena_grow(&W->a, (void **)&W->stack, &W->capstack,
	    W->nstack + 1, sizeof(*W->stack)) < 0)
		return -1;
	W->stack[W->nstack++] = msg;
	return 0;
}

/* Push N messages in reverse, so that they come off in order. */
static int
push_all(struct walker *W, void *const *v, size_t n)
{
	while (n-- > 0)
		if (push(W, v[n]) < 0)
			return -1;
	return 0;
}

/* Every TensorProto inside the messages on the stack (their graphs,
 * nodes, attributes and sparse tensors), all at WHERE. */
static int
drain(struct walker *W, const char *where)
{
	while (W->nstack > 0) {
		const ProtobufCMessage *msg = W->stack[--W->nstack];
		const ProtobufCMessageDescriptor *dsc = msg->descriptor;
		int rc = 0;

		if (dsc == &onnx__tensor_proto__descriptor) {
			rc = visit_pb(W, (const Onnx__TensorProto *)msg,
			    where);
		} else if (dsc == &onnx__sparse_tensor_proto__descriptor) {
			const Onnx__SparseTensorProto *sp = (const void *)msg;

			rc = push(W, sp->indices) < 0 ||
			    push(W, sp->values) < 0 ? -1 : 0;
		} else if (dsc == &onnx__graph_proto__descriptor) {
			const Onnx__GraphProto *g = (const void *)msg;

			rc = push_all(W, (void *const *)g->node,
			    g->n_node) < 0 ||
			    push_all(W, (void *const *)g->sparse_initializer,
			    g->n_sparse_initializer) < 0 ||
			    push_all(W, (void *const *)g->initializer,
			    g->n_initializer) < 0 ? -1 : 0;
		} else if (dsc == &onnx__node_proto__descriptor) {
			const Onnx__NodeProto *n = (const void *)msg;

			rc = push_all(W, (void *const *)n->attribute,
			    n->n_attribute);
		} else if (dsc == &onnx__attribute_proto__descriptor) {
			const Onnx__AttributeProto *a = (const void *)msg;

			rc = push_all(W, (void *const *)a->graphs,
			    a->n_graphs) < 0 || push(W, a->g) < 0 ||
			    push_all(W, (void *const *)a->sparse_tensors,
			    a->n_sparse_tensors) < 0 ||
			    push(W, a->sparse_tensor) < 0 ||
			    push_all(W, (void *const *)a->tensors,
			    a->n_tensors) < 0 || push(W, a->t) < 0 ? -1 : 0;
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The tensors of attribute A (of node N) that the IR does not hold:
 * TENSORS, SPARSE_TENSOR and SPARSE_TENSORS values (its tensor and
 * graphs are the IR's). */
static int
attr_pb(struct walker *W, const struct ir_node *n, const struct ir_attr *a)
{
	const Onnx__AttributeProto *ap = a->orig;
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];
	const char *where = NULL;

	if (ap == NULL || (ap->n_tensors == 0 && ap->sparse_tensor == NULL &&
	    ap->n_sparse_tensors == 0))
		return 0;
	if (W->flags & XDATA_WHERE)
		where = place(W, ir_node_path(n, path, sizeof(path)),
		    "/attribute '%s'", diag_esc(b, a->name));
	if (push_all(W, (void *const *)ap->sparse_tensors,
	    ap->n_sparse_tensors) < 0 || push(W, ap->sparse_tensor) < 0 ||
	    push_all(W, (void *const *)ap->tensors, ap->n_tensors) < 0)
		return -1;
	return drain(W, where);
}

/* Is G inside a node that is no longer in the model? */
static bool
graph_dead(const struct ir_graph *g)
{
	for (; g != NULL; g = g->parent)
		if (g->owner != NULL && g->owner->dead)
			return true;
	return false;
}

static int
walk_graph(struct walker *W, struct ir_graph *g)
{
	const Onnx__GraphProto *gp = g->kind == IR_GRAPH_FUNCTION ? NULL :
	    g->orig;
	char path[IR_PATH_SIZE], b[DIAG_ESCAPE_SIZE];
	const char *gpath = NULL;
	size_t i, j;
	int rc;

	if (W->flags & XDATA_WHERE)
		gpath = ir_graph_path(g, path, sizeof(path));
	for (i = 0; i < g->ninits; i++) {
		if (!wanted(W, g->inits[i], true))
			continue;
		rc = call(W, g->inits[i], true, NULL, place(W, gpath,
		    "/initializer %zu", i));
		if (rc != 0)
			return rc;
	}
	for (i = 0; gp != NULL && i < gp->n_sparse_initializer; i++) {
		const Onnx__SparseTensorProto *sp = gp->sparse_initializer[i];
		const char *where = place(W, gpath, "/sparse_initializer %zu",
		    i);

		if ((rc = visit_pb(W, sp->values, where)) != 0 ||
		    (rc = visit_pb(W, sp->indices, where)) != 0)
			return rc;
	}
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];

		if (n->nattrs == 0 || (n->dead && (W->flags & XDATA_LIVE)))
			continue;
		for (j = 0; j < n->nattrs; j++) {
			struct ir_attr *a = &n->attrs[j];
			bool rewritable = a->type == IR_ATTR_TENSOR;

			if (wanted(W, a->t, rewritable)) {
				const char *where = NULL;

				if (W->flags & XDATA_WHERE)
					where = place(W, ir_node_path(n, path,
					    sizeof(path)), "/attribute '%s'",
					    diag_esc(b, a->name));
				rc = call(W, a->t, rewritable,
				    rewritable ? a : NULL, where);
				if (rc != 0)
					return rc;
			}
			if ((rc = attr_pb(W, n, a)) != 0)
				return rc;
		}
	}
	return 0;
}

int
xdata_sparse_walk(struct ir_model *m,
    int (*fn)(void *, const struct xdata_sparse *), void *arg)
{
	struct ir_graph **gs;
	struct arena a;
	size_t n, i, j;
	int rc = 0;

	arena_init(&a, m->budget);
	n = ir_model_graphs(m, &gs);
	for (i = 0; i < n && rc == 0; i++) {
		const Onnx__GraphProto *gp = gs[i]->kind == IR_GRAPH_FUNCTION ?
		    NULL : gs[i]->orig;
		char path[IR_PATH_SIZE], where[IR_PATH_SIZE + 48];

		for (j = 0; gp != NULL && j < gp->n_sparse_initializer &&
		    rc == 0; j++) {
			const Onnx__SparseTensorProto *sp =
			    gp->sparse_initializer[j];
			struct xdata_sparse x;

			memset(&x, 0, sizeof(x));
			snprintf(where, sizeof(where), "%s/sparse_initializer "
			    "%zu", ir_graph_path(gs[i], path, sizeof(path)), j);
			x.where = where;
			x.dims = sp->dims;
			x.ndims = sp->n_dims;
			x.has_values = sp->values != NULL;
			x.has_indices = sp->indices != NULL;
			if ((x.has_values &&
			    load_tensor(&a, sp->values, &x.values) < 0) ||
			    (x.has_indices &&
			    load_tensor(&a, sp->indices, &x.indices) < 0)) {
				rc = -1;
				break;
			}
			rc = fn(arg, &x);
		}
	}
	arena_release(&a);
	return rc;
}

int
xdata_walk(struct ir_model *m, unsigned flags,
    int (*fn)(void *, const struct xdata_ref *), void *arg)
{
	const Onnx__ModelProto *mp = m->orig;
	struct ir_graph **gs;
	struct walker W;
	size_t n, i, j;
	int rc = 0;

	memset(&W, 0, sizeof(W));
	W.m = m;
	W.flags = flags;
	W.fn = fn;
	W.arg = arg;
	arena_init(&W.a, m->budget);
	n = ir_model_graphs(m, &gs);
	for (i = 0; i < n && rc == 0; i++)
		if (!(flags & XDATA_LIVE) || !graph_dead(gs[i]))
			rc = walk_graph(&W, gs[i]);
	/* what the IR leaves in the messages: functions' attribute
	 * defaults and the training graphs, written as they were read */
	for (i = 0; i < m->nfunctions && rc == 0; i++) {
		const Onnx__FunctionProto *fp = m->functions[i]->orig;
		char b[DIAG_ESCAPE_SIZE];

		if (fp == NULL || fp->n_attribute_proto == 0)
			continue;
		if (push_all(&W, (void *const *)fp->attribute_proto,
		    fp->n_attribute_proto) < 0)
			rc = -1;
		else
			rc = drain(&W, place(&W, NULL, "function '%s'",
			    diag_esc(b, m->functions[i]->name)));
	}
	for (j = 0; mp != NULL && j < mp->n_training_info && rc == 0; j++) {
		const Onnx__TrainingInfoProto *ti = mp->training_info[j];

		if (push(&W, ti->algorithm) < 0 ||
		    push(&W, ti->initialization) < 0)
			rc = -1;
		else
			rc = drain(&W, place(&W, NULL, "model/training_info "
			    "%zu", j));
	}
	arena_release(&W.a);
	return rc;
}

/* ---- copying files along --------------------------------------------- */

/* The directory PATH is in, opened; -1 with errno. */
static int
open_dir_of(const char *path)
{
	char *dup = strdup(path);
	int fd, saved;

	if (dup == NULL)
		return -1;
	fd = open(dirname(dup), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dup);
	errno = saved;
	return fd;
}

/*
 * The directory LOC's file goes into beneath DIRFD, made where missing
 * and never through a link, and its last component in *LEAF.  -1 with
 * errno.
 */
static int
dest_dir(int dirfd, const char *loc, const char **leaf)
{
	char comp[NAME_MAX + 1];
	const char *p, *c;
	int fd = dirfd, next;
	size_t len;

	for (p = loc; (c = strchr(p, '/')) != NULL; p = c + 1) {
		len = (size_t)(c - p);
		if (len == 0 || len > NAME_MAX)
			goto bad;
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (mkdirat(fd, comp, 0777) < 0 && errno != EEXIST)
			goto fail;
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (next < 0)
			goto fail;
		if (fd != dirfd)
			close(fd);
		fd = next;
	}
	*leaf = p;
	return fd == dirfd ? dup(dirfd) : fd;
bad:
	errno = EINVAL;
fail:
	if (fd != dirfd) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return -1;
}

/* Copy the SIZE bytes of IN into LOC beneath OUTFD: a temporary beside
 * it, renamed into place.  -1 with errno; *SHORT_READ as for
 * ext_copy_range. */
static int
copy_file(int in, uint64_t size, int outfd, const char *loc,
    const struct onnxfix_options *o, bool *short_read)
{
	struct stat si, so;
	const char *leaf;
	char tmp[32];
	uint64_t done = 0;
	int dfd, out, saved = 0;

	*short_read = false;
	if ((dfd = dest_dir(outfd, loc, &leaf)) < 0)
		return -1;
	/* the same file already (a hard link, a bind mount): done */
	if (fstat(in, &si) == 0 && fstatat(dfd, leaf, &so,
	    AT_SYMLINK_NOFOLLOW) == 0 && si.st_dev == so.st_dev &&
	    si.st_ino == so.st_ino) {
		close(dfd);
		return 0;
	}
	if ((out = ext_make_temp(dfd, tmp, sizeof(tmp))) < 0) {
		saved = errno;
		close(dfd);
		errno = saved;
		return -1;
	}
	while (done < size) {
		uint64_t step = size - done < CHUNK ? size - done : CHUNK;

		if (ext_copy_range(in, done, out, step, short_read) < 0) {
			saved = errno;
			goto out;
		}
		/* Start writing back what is copied, so that the fsync
		 * below waits for the tail only. */
		if (o != NULL && o->sync)
			sync_file_range(out, (off_t)done, (off_t)step,
			    SYNC_FILE_RANGE_WRITE);
		done += step;
		if (o != NULL && o->progress != NULL)
			o->progress(o->progress_arg, "copying external data",
			    done, size);
	}
	if (fchmod(out, si.st_mode & 0666) < 0 ||
	    (o != NULL && o->sync && fsync(out) < 0)) {
		saved = errno;
		goto out;
	}
	if (close(out) < 0 || renameat(dfd, tmp, dfd, leaf) < 0)
		saved = errno;
	out = -1;
out:
	if (out >= 0)
		close(out);
	if (saved != 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	errno = saved;
	return saved != 0 ? -1 : 0;
}

enum onnxfix_status
xdata_copy(struct ext_dir *x, const char *const *locs, size_t n,
    const char *out, const struct onnxfix_options *o, struct diag_list *d)
{
	char b[DIAG_ESCAPE_SIZE], why[160];
	enum onnxfix_status rc = ONNXFIX_OK;
	struct stat si, so;
	enum ext_status st;
	uint64_t size;
	bool short_read;
	size_t i;
	int outfd, in;

	if (n == 0 || strcmp(out, "-") == 0)
		return ONNXFIX_OK;
	if ((outfd = open_dir_of(out)) < 0) {
		diag_report(d, DIAG_OUT_WRITE, "", "%s", strerror(errno));
		return ONNXFIX_EIO;
	}
	/* the same directory: the files are there already */
	if (x->dirfd >= 0 && fstat(x->dirfd, &si) == 0 &&
	    fstat(outfd, &so) == 0 && si.st_dev == so.st_dev &&
	    si.st_ino == so.st_ino) {
		close(outfd);
		return ONNXFIX_OK;
	}
	for (i = 0; i < n && rc == ONNXFIX_OK; i++) {
		diag_esc(b, locs[i]);
		st = ext_open_file(x, locs[i], &in, &size, why, sizeof(why));
		if (st != EXT_OK) {
			diag_report(d, DIAG_LOAD_EXTERNAL, "",
			    "location '%s': %s", b, why);
			rc = ONNXFIX_EINPUT;
		} else if (copy_file(in, size, outfd, locs[i], o,
		    &short_read) < 0) {
			if (short_read) {
				diag_report(d, DIAG_LOAD_EXTERNAL, "",
				    "location '%s': short read: the file "
				    "changed while being read", b);
				rc = ONNXFIX_EINPUT;
			} else {
				diag_report(d, DIAG_OUT_WRITE, "",
				    "external data '%s': %s", b,
				    strerror(errno));
				rc = ONNXFIX_EIO;
			}
		}
		if (in >= 0)
			close(in);
	}
	close(outfd);
	return rc;
}
