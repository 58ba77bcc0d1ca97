/* SPDX-License-Identifier: MIT */
/*
 * Many models at once (see batch.h).  A worker process reads model
 * numbers from its command pipe and answers each with a record on its
 * result pipe:
 *	length (uint64), status (int32), oom (uint8), count (uint32), then
 *	per diagnostic
 *	id (uint32), loc length and bytes, detail length (UINT32_MAX when
 *	absent) and bytes
 * in host byte order (the reader is the parent process).  The parent
 * keeps up to JOBS workers busy, polls their result pipes, and hands
 * results on strictly in input order.  A worker that dies is replaced.
 */
#include "cli/batch.h"
#include "onnxfix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (s == NULL)
		return -1;
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		char **nv = realloc(*v, nc * sizeof(**v));

		if (nv == NULL) {
			free(s);
			return -1;
		}
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = s;
	return 0;
}

static bool
is_model_name(const char *name)
{
	size_t l = strlen(name);

	return l > 5 && strcmp(name + l - 5, ".onnx") == 0;
}

/* Append the models beneath directory ROOT to *V, sorted; -1 with errno
 * and *BAD on an unreadable directory. */
static int
expand_dir(const char *root, char ***v, size_t *n, size_t *cap,
    const char **bad)
{
	char **dirs = NULL;
	size_t nd = 0, capd = 0, head = 0, first = *n;
	int rc = 0;

	if (push(&dirs, &nd, &capd, strdup(root)) < 0)
		return -1;
	while (head < nd && rc == 0) {
		char *dir = dirs[head++];
		DIR *dp = opendir(dir);
		struct dirent *e;

		if (dp == NULL) {
			*bad = head == 1 ? root : NULL;
			rc = -1;
			break;
		}
		while ((e = readdir(dp)) != NULL) {
			struct stat st;
			char *p;

			if (e->d_name[0] == '.')
				continue;
			if (asprintf(&p, "%s%s%s", dir,
			    dir[strlen(dir) - 1] == '/' ? "" : "/",
			    e->d_name) < 0) {
				rc = -1;
				break;
			}
			/* lstat: a symlinked directory is not followed (no
			 * loops); a symlink to a model is a model. */
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				if (push(&dirs, &nd, &capd, p) < 0)
					rc = -1;
			} else if (is_model_name(e->d_name) &&
			    stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				if (push(v, n, cap, p) < 0)
					rc = -1;
			} else {
				free(p);
			}
			if (rc < 0)
				break;
		}
		closedir(dp);
	}
	batch_free(dirs, nd);
	if (rc == 0)
		qsort(*v + first, *n - first, sizeof(**v), path_cmp);
	return rc;
}

int
batch_expand(int argc, char **argv, char ***out, size_t *n,
    const char **bad)
{
	char **v = NULL;
	size_t cap = 0;
	int i;

	*n = 0;
	*bad = NULL;
	for (i = 0; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (expand_dir(argv[i], &v, n, &cap, bad) < 0) {
				if (*bad == NULL)
					*bad = argv[i];
				batch_free(v, *n);
				*n = 0;
				return -1;
			}
		} else if (push(&v, n, &cap, strdup(argv[i])) < 0) {
			batch_free(v, *n);
			*n = 0;
			*bad = argv[i];
			return -1;
		}
	}
	*out = v;
	return 0;
}

void
batch_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct buf {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		uint8_t *np;

		while (nc < b->n + n)
			nc *= 2;
		if ((np = realloc(b->p, nc)) == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static void
put_str(struct buf *b, const char *s)
{
	uint32_t l = s == NULL ? UINT32_MAX : (uint32_t)strlen(s);

	put_u32(b, l);
	if (s != NULL)
		put(b, s, l);
}

/* In a worker: run model I and write its record, length first, to FD. */
static int
work_one(int fd, size_t i, batch_work work, void *arg)
{
	struct diag_list d;
	struct buf b = { NULL, 0, 0, false };
	uint64_t len = 0;
	int32_t status;
	uint8_t oom;
	size_t k;
	int rc;

	diag_list_init(&d);
	status = work(arg, i, &d);
	oom = d.oom;
	put(&b, &len, sizeof(len));
	put(&b, &status, sizeof(status));
	put(&b, &oom, 1);
	put_u32(&b, (uint32_t)d.n);
	for (k = 0; k < d.n; k++) {
		put_u32(&b, (uint32_t)d.v[k].id);
		put_str(&b, d.v[k].loc);
		put_str(&b, d.v[k].detail);
		put_str(&b, d.v[k].domain);
		put_str(&b, d.v[k].value);
	}
	diag_list_release(&d);
	if (b.oom)
		return -1;
	len = b.n - sizeof(len);
	memcpy(b.p, &len, sizeof(len));
	rc = onnxfix_write_all(fd, b.p, b.n);
	free(b.p);
	return rc;
}

/* A worker process: model numbers come in on CMD, records go out on
 * RES, until CMD is closed. */
static void
worker(int cmd, int res, batch_work work, void *arg)
{
	uint64_t i;

	for (;;) {
		ssize_t k = read(cmd, &i, sizeof(i));

		if (k < 0 && errno == EINTR)
			continue;
		if (k != (ssize_t)sizeof(i))
			_exit(0);
		if (work_one(res, (size_t)i, work, arg) < 0)
			_exit(1);
	}
}

static bool
get(const struct buf *b, size_t *at, void *p, size_t n)
{
	if (n > b->n - *at)
		return false;
	memcpy(p, b->p + *at, n);
	*at += n;
	return true;
}

static bool
get_str(const struct buf *b, size_t *at, char **s)
{
	uint32_t l;

	*s = NULL;
	if (!get(b, at, &l, sizeof(l)))
		return false;
	if (l == UINT32_MAX)
		return true;
	if (l > b->n - *at || (*s = malloc((size_t)l + 1)) == NULL)
		return false;
	memcpy(*s, b->p + *at, l);
	(*s)[l] = '\0';
	*at += l;
	return true;
}

/* In the parent: a worker's record into D; its status, or BATCH_DIED
 * when the record is incomplete. */
static int
parse(const struct buf *b, struct diag_list *d)
{
	size_t at = 0;
	int32_t status;
	uint32_t n, k, id;
	uint8_t oom;

	if (!get(b, &at, &status, sizeof(status)) || !get(b, &at, &oom, 1) ||
	    !get(b, &at, &n, sizeof(n)))
		return BATCH_DIED;
	d->oom = oom != 0;
	for (k = 0; k < n; k++) {
		char *loc = NULL, *detail = NULL, *dom = NULL, *val = NULL;
		bool whole;

		whole = get(b, &at, &id, sizeof(id)) && id < DIAG__COUNT &&
		    get_str(b, &at, &loc) && get_str(b, &at, &detail) &&
		    get_str(b, &at, &dom) && get_str(b, &at, &val);
		if (whole && detail != NULL)
			diag_report(d, (enum diag_id)id, loc, "%s", detail);
		else if (whole)
			diag_report(d, (enum diag_id)id, loc, NULL);
		/* already escaped: taken over as they are */
		if (whole && d->n > 0 && d->v[d->n - 1].domain == NULL &&
		    d->v[d->n - 1].value == NULL) {
			d->v[d->n - 1].domain = dom;
			d->v[d->n - 1].value = val;
			dom = val = NULL;
		}
		free(loc);
		free(detail);
		free(dom);
		free(val);
		if (!whole)
			return BATCH_DIED;
	}
	return status;
}

struct slot {
	struct diag_list d;
	int status;
	bool ready;
};

struct proc {
	pid_t pid;		/* 0: none */
	int cmd, res;
	bool busy;
	size_t model;		/* when busy */
	struct buf b;
};

/* What batch_run() holds, for a new worker to let go of. */
struct state {
	struct slot *sl;
	size_t n;
	struct proc *w;
	unsigned nw;
	struct pollfd *pf;
	size_t *pi;
};

static void
state_free(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		diag_list_release(&st->sl[i].d);
	for (i = 0; i < st->nw; i++)
		free(st->w[i].b.p);
	free(st->sl);
	free(st->w);
	free(st->pf);
	free(st->pi);
}

static int
spawn(struct state *st, struct proc *w, batch_work work, void *arg)
{
	struct proc *all = st->w;
	unsigned nw = st->nw;
	int c[2], r[2];
	unsigned k;

	if (pipe2(c, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(r, O_CLOEXEC) < 0) {
		close(c[0]);
		close(c[1]);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	w->pid = fork();
	if (w->pid < 0) {
		w->pid = 0;
		close(c[0]);
		close(c[1]);
		close(r[0]);
		close(r[1]);
		return -1;
	}
	if (w->pid == 0) {
		/* Hold no other worker's pipes, or it never sees EOF. */
		for (k = 0; k < nw; k++)
			if (&all[k] != w && all[k].pid != 0) {
				close(all[k].cmd);
				close(all[k].res);
			}
		close(c[1]);
		close(r[0]);
		state_free(st);
		worker(c[0], r[1], work, arg);
	}
	close(c[0]);
	close(r[1]);
	w->cmd = c[1];
	w->res = r[0];
	w->busy = false;
	w->b.n = 0;
	return 0;
}

static void
reap(struct proc *w)
{
	int ws;

	close(w->cmd);
	close(w->res);
	while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	w->busy = false;
}

/* Hand model I to idle worker W; false when it cannot take it. */
static bool
assign(struct proc *w, size_t i)
{
	uint64_t v = i;

	if (onnxfix_write_all(w->cmd, (const uint8_t *)&v, sizeof(v)) < 0)
		return false;
	w->busy = true;
	w->model = i;
	w->b.n = 0;
	return true;
}

/* A complete record in W's buffer: parse it into its slot. */
static bool
take_record(struct proc *w, struct slot *sl)
{
	uint64_t len;
	struct buf rec;

	if (w->b.n < sizeof(len))
		return false;
	memcpy(&len, w->b.p, sizeof(len));
	if (w->b.n - sizeof(len) < len)
		return false;
	rec.p = w->b.p + sizeof(len);
	rec.n = (size_t)len;
	sl[w->model].status = parse(&rec, &sl[w->model].d);
	sl[w->model].ready = true;
	w->busy = false;
	w->b.n = 0;
	return true;
}

int
batch_run(size_t n, unsigned jobs, batch_work work, batch_done done,
    void *arg)
{
	struct state st;
	struct slot *sl;
	struct proc *w;
	struct pollfd *pf;
	size_t *pi, next = 0, out = 0, i, np;
	unsigned nw = jobs < n ? jobs : (unsigned)n, k;

	if (jobs <= 1 || n <= 1) {
		for (i = 0; i < n; i++) {
			struct diag_list d;
			int status;

			diag_list_init(&d);
			status = work(arg, i, &d);
			done(arg, i, &d, status);
			diag_list_release(&d);
		}
		return 0;
	}
	sl = calloc(n, sizeof(*sl));
	w = calloc(nw, sizeof(*w));
	pf = calloc(nw, sizeof(*pf));
	pi = calloc(nw, sizeof(*pi));
	if (sl == NULL || w == NULL || pf == NULL || pi == NULL) {
		free(sl);
		free(w);
		free(pf);
		free(pi);
		return batch_run(n, 1, work, done, arg);
	}
	for (i = 0; i < n; i++)
		diag_list_init(&sl[i].d);
	st = (struct state){ sl, n, w, nw, pf, pi };
	while (out < n) {
		/* Keep every worker busy while models are left. */
		for (k = 0; k < nw && next < n; k++) {
			if (w[k].pid == 0 &&
			    spawn(&st, &w[k], work, arg) < 0)
				continue;
			if (!w[k].busy && !assign(&w[k], next)) {
				reap(&w[k]);
				continue;
			}
			if (w[k].busy && w[k].model == next)
				next++;
		}
		for (np = 0, k = 0; k < nw; k++) {
			if (w[k].pid == 0 || !w[k].busy)
				continue;
			pf[np].fd = w[k].res;
			pf[np].events = POLLIN;
			pf[np].revents = 0;
			pi[np++] = k;
		}
		if (sl[out].ready) {
			done(arg, out, &sl[out].d, sl[out].status);
			diag_list_release(&sl[out].d);
			out++;
			continue;
		}
		if (np == 0) {
			/* No worker can run: do the next model here. */
			if (next < n) {
				sl[next].status = work(arg, next,
				    &sl[next].d);
				sl[next].ready = true;
				next++;
				continue;
			}
			break;
		}
		if (poll(pf, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < np; i++) {
			struct proc *p = &w[pi[i]];
			uint8_t chunk[65536];
			ssize_t got;

			if (pf[i].revents == 0)
				continue;
			got = read(p->res, chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got > 0) {
				put(&p->b, chunk, (size_t)got);
				take_record(p, sl);
				continue;
			}
			/* The worker died on this model. */
			sl[p->model].status = BATCH_DIED;
			sl[p->model].ready = true;
			reap(p);
		}
	}
	for (k = 0; k < nw; k++) {
		if (w[k].pid != 0)
			reap(&w[k]);
		free(w[k].b.p);
	}
	for (; out < n; out++) {
		done(arg, out, &sl[out].d, sl[out].ready ? sl[out].status :
		    BATCH_DIED);
		diag_list_release(&sl[out].d);
	}
	free(sl);
	free(w);
	free(pf);
	free(pi);
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
progress_init(struct progress *p, int on)
{
	const char *e = getenv("ONNXFIX_PROGRESS_DELAY");
	char *end;
	unsigned long long v;

	p->on = on < 0 ? isatty(STDERR_FILENO) != 0 : on != 0;
	p->shown = false;
	p->delay_ms = 1000;
	if (e != NULL && *e >= '0' && *e <= '9') {
		errno = 0;
		v = strtoull(e, &end, 10);
		if (errno == 0 && *end == '\0')
			p->delay_ms = v;
	}
	p->start_ms = p->last_ms = now_ms();
}

void
progress_show(struct progress *p, const char *what, uint64_t done,
    uint64_t total, const char *unit)
{
	uint64_t t;

	if (!p->on)
		return;
	t = now_ms();
	if (t - p->start_ms < p->delay_ms ||
	    (p->shown && t - p->last_ms < 100))
		return;
	p->last_ms = t;
	p->shown = true;
	if (strcmp(unit, "MiB") == 0) {
		done >>= 20;
		total >>= 20;
	}
	fprintf(stderr, "\ronnxfix: %s %llu/%llu %s (%u%%)\033[K", what,
	    (unsigned long long)done, (unsigned long long)total, unit,
	    total ? (unsigned)(done * 100 / total) : 100);
	fflush(stderr);
}

void
progress_end(struct progress *p)
{
	if (p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->shown = false;
}

void
progress_bytes(void *p, const char *what, uint64_t done, uint64_t total)
{
	progress_show(p, what, done, total, "MiB");
}
