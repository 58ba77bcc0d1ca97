/* SPDX-License-Identifier: MIT */
/*
 * The drawing's side of cgraph and gvc: object names through an id
 * discipline of our own (the output is the same on every run), Graphviz's
 * complaints caught for the diagnostic instead of stderr, attributes,
 * nodes, clusters and edges made with their failures recorded, and the
 * output: DOT as agwrite() writes it with its line breaks inside strings
 * joined again, SVG and PNG through one Graphviz context, with dot's
 * layout passes bounded on large drawings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>


#include "view/dot_int.h"

/* Graphviz's last complaint, for the diagnostic when a call fails. */
static char gv_msg[256];

static int
gv_err(char *msg)
{
	size_t n;

	snprintf(gv_msg, sizeof(gv_msg), "%s", msg != NULL ? msg : "");
	n = strlen(gv_msg);
	while (n > 0 && (gv_msg[n - 1] == '\n' || gv_msg[n - 1] == ' '))
		gv_msg[--n] = '\0';
	return 0;
}

agusererrf
dot_gv_catch(void)
{
	gv_msg[0] = '\0';
	return gvf.agseterrf(gv_err);
}

/* ---- the id discipline ---- */

static void *
ids_open(Agraph_t *g, Agdisc_t *disc)
{
	struct dot_ids *ids = (struct dot_ids *)disc;	/* starts with it */

	ids->g = g;
	return ids;
}

static long
ids_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
	struct dot_ids *ids = state;
	char *copy;
	void *v;

	(void)objtype;
	if (str == NULL) {
		*id = ids->anon;
		ids->anon += 2;
		return 1;
	}
	if ((v = hmap_get(&ids->map, str)) != NULL) {
		*id = (IDTYPE)(uintptr_t)v;
		return 1;
	}
	if (!createflag)
		return 0;
	/* cgraph reads flags stored in front of a name (is it HTML?), so
	 * names must come from its own string pool. */
	copy = gvf.agstrdup(ids->g, str);
	if (copy == NULL || arena_grow(&ids->arena, (void **)&ids->names,
	    &ids->capnames, ids->nnames + 1, sizeof(*ids->names)) < 0)
		goto oom;
	ids->names[ids->nnames++] = copy;
	*id = (IDTYPE)ids->nnames * 2;
	if (hmap_put(&ids->map, copy, (void *)(uintptr_t)*id, NULL) < 0)
		goto oom;
	return 1;
oom:
	ids->oom = true;
	return 0;
}

static long
ids_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 0;
}

static void
ids_free(void *state, int objtype, IDTYPE id)
{
	struct dot_ids *ids = state;

	/* The name table itself goes with the arena, after agclose(). */
	(void)objtype;
	if (id % 2 == 0 && id != 0 && id / 2 <= ids->nnames &&
	    ids->names[id / 2 - 1] != NULL) {
		gvf.agstrfree(ids->g, ids->names[id / 2 - 1]);
		ids->names[id / 2 - 1] = NULL;
	}
}

static char *
ids_print(void *state, int objtype, IDTYPE id)
{
	struct dot_ids *ids = state;

	(void)objtype;
	if (id % 2 != 0 || id == 0 || id / 2 > ids->nnames)
		return NULL;
	return ids->names[id / 2 - 1];
}

static void
ids_close(void *state)
{
	(void)state;
}

static void
ids_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

void
dot_ids_init(struct dot_ids *ids, struct budget *budget)
{
	memset(ids, 0, sizeof(*ids));
	ids->iddisc.open = ids_open;
	ids->iddisc.map = ids_map;
	ids->iddisc.alloc = ids_alloc;
	ids->iddisc.free = ids_free;
	ids->iddisc.print = ids_print;
	ids->iddisc.close = ids_close;
	ids->iddisc.idregister = ids_register;
	ids->disc.mem = gvf.AgMemDisc;
	ids->disc.id = &ids->iddisc;
	ids->disc.io = gvf.AgIoDisc;
	arena_init(&ids->arena, budget);
	hmap_init(&ids->map, &ids->arena);
	ids->anon = 1;
}

/* ---- errors ---- */

/* Record the first failure; returns -1 for "return dot_fail(...)". */
int
dot_fail(struct dot *D, enum onnxfix_status st, const char *what)
{
	char esc[DIAG_ESCAPE_SIZE];

	if (D->status != ONNXFIX_OK)
		return -1;
	if (D->ids.oom)
		st = ONNXFIX_EBUDGET;
	D->status = st;
	if (st == ONNXFIX_EBUDGET)
		diag_report(D->d, DIAG_LOAD_BUDGET, "", "while drawing: %s",
		    what);
	else if (gv_msg[0] != '\0')
		diag_report(D->d, DIAG_OUT_RENDER, "", "%s: %s", what,
		    diag_escape_str(esc, sizeof(esc), gv_msg));
	else
		diag_report(D->d, DIAG_OUT_RENDER, "", "%s", what);
	return -1;
}

/* ---- cgraph helpers ---- */

int
dot_set(struct dot *D, void *obj, Agsym_t *sym, const char *v)
{
	if (gvf.agxset(obj, sym, (char *)v) != 0)
		return dot_fail(D, ONNXFIX_EIO, "cannot set an attribute");
	return 0;
}

Agsym_t *
dot_declare(struct dot *D, int kind, const char *name, const char *def)
{
	Agsym_t *s = gvf.agattr(D->root, kind, (char *)name, (char *)def);

	if (s == NULL)
		dot_fail(D, ONNXFIX_EIO, "cannot declare an attribute");
	return s;
}

int
dot_declare_all(struct dot *D)
{
	/* Graph-wide settings first; they are not set per object. */
	dot_declare(D, AGRAPH, "rankdir", "TB");
	dot_declare(D, AGRAPH, "compound", "true");
	dot_declare(D, AGRAPH, "fontname", FONT);
	dot_declare(D, AGRAPH, "nodesep", "0.3");
	dot_declare(D, AGRAPH, "ranksep", "0.35");
	dot_declare(D, AGRAPH, "labelloc", "t");
	D->g_label = dot_declare(D, AGRAPH, "label", "");
	D->g_style = dot_declare(D, AGRAPH, "style", "");
	D->g_color = dot_declare(D, AGRAPH, "color", "");
	D->g_fill = dot_declare(D, AGRAPH, "fillcolor", "");
	D->g_fontsize = dot_declare(D, AGRAPH, "fontsize", "14");
	D->g_labeljust = dot_declare(D, AGRAPH, "labeljust", "");
	D->g_tooltip = dot_declare(D, AGRAPH, "tooltip", "");
	dot_declare(D, AGNODE, "fontname", FONT);
	D->n_label = dot_declare(D, AGNODE, "label", "\\N");
	D->n_shape = dot_declare(D, AGNODE, "shape", "box");
	D->n_style = dot_declare(D, AGNODE, "style", "rounded,filled");
	D->n_fill = dot_declare(D, AGNODE, "fillcolor", OP_FILL);
	D->n_color = dot_declare(D, AGNODE, "color", OP_BORDER);
	D->n_fontsize = dot_declare(D, AGNODE, "fontsize", "10");
	D->n_tooltip = dot_declare(D, AGNODE, "tooltip", "");
	D->n_penwidth = dot_declare(D, AGNODE, "penwidth", "1");
	D->n_fontcolor = dot_declare(D, AGNODE, "fontcolor", "black");
	dot_declare(D, AGNODE, "height", "0.3");
	dot_declare(D, AGEDGE, "fontname", FONT);
	dot_declare(D, AGEDGE, "fontsize", "8");
	dot_declare(D, AGEDGE, "fontcolor", "#404040");
	dot_declare(D, AGEDGE, "arrowsize", "0.6");
	D->e_label = dot_declare(D, AGEDGE, "label", "");
	D->e_style = dot_declare(D, AGEDGE, "style", "");
	D->e_lhead = dot_declare(D, AGEDGE, "lhead", "");
	D->e_color = dot_declare(D, AGEDGE, "color", "#707070");
	D->e_arrowhead = dot_declare(D, AGEDGE, "arrowhead", "normal");
	D->e_tooltip = dot_declare(D, AGEDGE, "tooltip", "");
	return D->status == ONNXFIX_OK ? 0 : -1;
}

Agnode_t *
dot_mknode_in(struct dot *D, struct dgraph *dg, Agraph_t *ag,
    const char *prefix, unsigned k)
{
	char id[32];
	Agnode_t *n;

	snprintf(id, sizeof(id), "%s%u", prefix, k);
	n = gvf.agnode(ag, id, 1);
	if (n == NULL) {
		dot_fail(D, ONNXFIX_EIO, "cannot add a node");
		return NULL;
	}
	if (dg != NULL && dg->first == NULL)
		dg->first = n;
	return n;
}

Agnode_t *
dot_mknode(struct dot *D, struct dgraph *dg, const char *prefix, unsigned k)
{
	return dot_mknode_in(D, dg, dg != NULL ? dg->ag : D->root, prefix, k);
}

Agraph_t *
dot_mkcluster(struct dot *D, Agraph_t *parent, unsigned *k)
{
	char id[32];
	Agraph_t *sg;

	if (k != NULL)
		*k = D->ncluster;
	snprintf(id, sizeof(id), "cluster_%u", D->ncluster++);
	if ((sg = gvf.agsubg(parent, id, 1)) == NULL)
		dot_fail(D, ONNXFIX_EIO, "cannot add a cluster");
	return sg;
}

Agedge_t *
dot_mkedge(struct dot *D, Agnode_t *t, Agnode_t *h)
{
	Agedge_t *e;

	if (D->nedges >= DOT_MAX_EDGES) {
		D->skip_edges++;
		return NULL;
	}
	e = gvf.agedge(D->root, t, h, NULL, 1);
	if (e == NULL) {
		dot_fail(D, ONNXFIX_EIO, "cannot add an edge");
		return NULL;
	}
	D->nedges++;
	return e;
}

int
dot_node_look(struct dot *D, Agnode_t *an, const char *shape,
    const char *style, const char *fill, const char *border,
    const char *fontsize)
{
	if (dot_set(D, an, D->n_shape, shape) < 0 ||
	    dot_set(D, an, D->n_style, style) < 0 ||
	    dot_set(D, an, D->n_fill, fill) < 0 ||
	    dot_set(D, an, D->n_color, border) < 0 ||
	    (fontsize != NULL && dot_set(D, an, D->n_fontsize, fontsize) < 0))
		return -1;
	return 0;
}

int
dot_dgraph_cmp(const void *a, const void *b)
{
	uintptr_t x = ((const struct dgraph_key *)a)->key;
	uintptr_t y = ((const struct dgraph_key *)b)->key;

	return x < y ? -1 : x > y;
}

struct dgraph *
dot_find_dgraph(const struct dot *D, const struct ir_graph *g)
{
	struct dgraph_key k, *r;

	k.key = (uintptr_t)g;
	r = bsearch(&k, D->keys, D->ndg, sizeof(*D->keys), dot_dgraph_cmp);
	return r != NULL ? r->dg : NULL;
}

/* The drawn node of op N of DG's graph, NULL when not drawn. */
Agnode_t *
dot_op_of(const struct dgraph *dg, const struct ir_node *n)
{
	if (n == NULL || n->dead || n->graph != dg->g ||
	    n->index >= dg->g->nnodes || dg->g->nodes[n->index] != n)
		return NULL;
	return dg->opnode[n->index];
}

/* ---- output ---- */

/*
 * dot's network simplex passes dominate the layout of large graphs
 * (seconds for a few hundred nodes); capping their iterations at
 * 2 x nodes keeps a 500-node picture under a second or two and, on
 * the models tried, changes little but some edge lengths.  A picture
 * simplified for its size (dot_size.c) is bounded too: its boxes stand
 * for many nodes, and their edges are long.
 */
int
dot_bound_layout(struct dot *D)
{
	if ((D->nop > DOT_FAST_LAYOUT || D->nboxes > 0 || D->span > 0) &&
	    (dot_declare(D, AGRAPH, "nslimit", "2") == NULL ||
	    dot_declare(D, AGRAPH, "nslimit1", "2") == NULL))
		return -1;
	return 0;
}

/*
 * agwrite() breaks quoted strings longer than 128 bytes with a backslash
 * and a newline, which DOT reads as nothing.  Labels never hold a raw
 * newline (dot_lab_bytes escapes it), so every newline inside quotes is
 * such a break: join them again, so that no line of the output starts
 * with model text (a "::error::" at the start of a CI log line would be
 * read as a command).  Our text holds no double quote, and agwrite escapes
 * none, so a quote always opens or closes a string.
 */
static size_t
join_lines(char *s, size_t n)
{
	size_t i, o = 0;
	bool quoted = false;

	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (quoted && s[i] == '\n' && o > 0 &&
		    s[o - 1] == '\\') {
			o--;
			continue;
		}
		s[o++] = s[i];
	}
	return o;
}

enum onnxfix_status
dot_write_dot(struct dot *D, const char *out)
{
	enum onnxfix_status st;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		dot_fail(D, ONNXFIX_EBUDGET, "output buffer");
		return D->status;
	}
	rc = gvf.agwrite(D->root, fp);
	if (fflush(fp) != 0 || ferror(fp))
		rc = -1;
	if (fclose(fp) != 0 || buf == NULL) {
		free(buf);
		dot_fail(D, ONNXFIX_EBUDGET, "output buffer");
		return D->status;
	}
	if (rc != 0) {
		free(buf);
		dot_fail(D, ONNXFIX_EIO, "cannot write DOT");
		return D->status;
	}
	len = join_lines(buf, len);
	st = onnxfix_write_file(out, buf, len, D->d);
	free(buf);
	return st;
}

/*
 * One Graphviz context for the process, made on first use and kept: the
 * pango plugin of Graphviz 2.4x caches a font name that gvFreeContext()
 * frees, so a second context would read freed memory.  Graphviz is not
 * reentrant anyway.
 */
static GVC_t *
gv_context(void)
{
	static GVC_t *gvc;

	if (gvc == NULL)
		gvc = gvf.gvContext();
	return gvc;
}

/*
 * The layout and rendering run in a child process (fork, no exec) under
 * rlimits: DOT_LAYOUT_SECONDS of CPU time (and an alarm at three times
 * that for the wall clock), DOT_LAYOUT_MEM bytes of address space above
 * what the process already maps, no core file.  Graphviz's layout is
 * recursive and has crashed and run for minutes on real models; in the
 * child a crash, a stack overflow, an out-of-memory exit or a timeout is
 * one status the parent turns into one diagnostic (O105), never a signal
 * of onnxfix, a hang or a partial file.  The child sends 'O' and the rendered bytes,
 * or 'E' and Graphviz's complaint, through a pipe; only a child that
 * exits 0 after 'O' counts, so a child killed while writing leaves
 * nothing.
 */
static size_t
mapped_bytes(void)
{
	unsigned long pages = 0;
	FILE *fp = fopen("/proc/self/statm", "r");
	long psz = sysconf(_SC_PAGESIZE);

	if (fp == NULL)
		return 0;
	if (fscanf(fp, "%lu", &pages) != 1)
		pages = 0;
	fclose(fp);
	return psz > 0 ? (size_t)pages * (size_t)psz : 0;
}

/*
 * A PNG is a bitmap of 4 bytes a pixel at 96 dpi: a tall picture within
 * the 330-inch sides could still need more memory than the layout has
 * (densenet121: 300 MB, and cairo crashed on the failed allocation).
 * After the layout, a picture over DOT_PNG_PIXELS is laid out again
 * with a size that scales it down to that many pixels; 0 or -1.
 */
static int
bound_bitmap(GVC_t *gvc, Agraph_t *g)
{
	double llx, lly, urx, ury, px, s;
	char size[64], *bb = gvf.agget(g, "bb");

	/* gvLayout() writes it with spaces, DOT files with commas */
	if (bb == NULL || sscanf(bb, "%lf%*[, ]%lf%*[, ]%lf%*[, ]%lf", &llx,
	    &lly, &urx, &ury) != 4)
		return 0;
	/* points, 72 an inch; the bitmap has 96 pixels an inch */
	px = (urx - llx) / 72 * 96 * ((ury - lly) / 72 * 96);
	if (px <= DOT_PNG_PIXELS)
		return 0;
	s = sqrt(DOT_PNG_PIXELS / px);
	snprintf(size, sizeof(size), "%.2f,%.2f", (urx - llx) / 72 * s,
	    (ury - lly) / 72 * s);
	if (gvf.agattr(g, AGRAPH, "size", size) == NULL ||
	    gvf.gvFreeLayout(gvc, g) != 0)
		return -1;
	return gvf.gvLayout(gvc, g, "dot");
}

static void __attribute__((noreturn))
layout_child(struct dot *D, int fd, const char *format)
{
	struct rlimit rl;
	char *buf = NULL;
	unsigned int len = 0;
	size_t mapped = mapped_bytes();
	GVC_t *gvc;
	int null;

	/* Graphviz says "out of memory" and exits on stderr: not ours. */
	if ((null = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	rl.rlim_cur = rl.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = DOT_LAYOUT_SECONDS;
	rl.rlim_max = DOT_LAYOUT_SECONDS + 1;
	setrlimit(RLIMIT_CPU, &rl);
	if (mapped > 0) {
		rl.rlim_cur = rl.rlim_max = mapped + DOT_LAYOUT_MEM;
		setrlimit(RLIMIT_AS, &rl);
	}
	/* the wall clock: three times the CPU bound, for a loaded machine */
	alarm(3 * DOT_LAYOUT_SECONDS);
	if ((gvc = gv_context()) == NULL ||
	    gvf.gvLayout(gvc, D->root, "dot") != 0 ||
	    (format[0] == 'p' && bound_bitmap(gvc, D->root) != 0) ||
	    gvf.gvRenderData(gvc, D->root, format, &buf, &len) != 0 ||
	    buf == NULL) {
		size_t n = strlen(gv_msg);

		(void)onnxfix_write_all(fd, "E", 1);
		(void)onnxfix_write_all(fd, gv_msg, n);
		_exit(1);
	}
	if (onnxfix_write_all(fd, "O", 1) != 0 ||
	    onnxfix_write_all(fd, buf, len) != 0)
		_exit(1);
	_exit(0);
}

/* Why the child failed, for the diagnostic. */
static void
child_failure(struct dot *D, int status, const char *data, size_t n)
{
	char esc[DIAG_ESCAPE_SIZE], msg[256];
	int sig;

	if (D->status != ONNXFIX_OK)
		return;
	D->status = ONNXFIX_EIO;
	if (WIFEXITED(status) && n > 0 && data[0] == 'E') {
		snprintf(msg, sizeof(msg), "%.*s", (int)(n - 1 < 200 ?
		    n - 1 : 200), data + 1);
		diag_report(D->d, DIAG_OUT_RENDER, "", "layout failed%s%s",
		    msg[0] != '\0' ? ": " : "",
		    diag_escape_str(esc, sizeof(esc), msg));
		return;
	}
	if (WIFSIGNALED(status)) {
		sig = WTERMSIG(status);
		if (sig == SIGXCPU || sig == SIGALRM || sig == SIGKILL)
			diag_report(D->d, DIAG_OUT_LAYOUT_BOUND, "",
			    "Graphviz took longer than %d s of CPU (%d s "
			    "of wall clock); --max-nodes N with a smaller N, "
			    "--focus NAME or --collapse draw less",
			    DOT_LAYOUT_SECONDS, 3 * DOT_LAYOUT_SECONDS);
		else
			diag_report(D->d, DIAG_OUT_LAYOUT_BOUND, "",
			    "Graphviz crashed (signal %d, %s); --max-nodes "
			    "N with a smaller N, --focus NAME or --collapse "
			    "draw less", sig, strsignal(sig));
		return;
	}
	diag_report(D->d, DIAG_OUT_LAYOUT_BOUND, "", "Graphviz exited with "
	    "status %d (out of its %d MiB of memory, or an internal error); "
	    "--max-nodes N with a smaller N, --focus NAME or --collapse "
	    "draw less", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	    (int)(DOT_LAYOUT_MEM >> 20));
}

enum onnxfix_status
dot_write_image(struct dot *D, const char *out, const char *format)
{
	enum onnxfix_status st;
	char *buf;
	size_t len;

	if (dot_render(D, format, &buf, &len) < 0)
		return D->status;
	st = onnxfix_write_file(out, buf, len, D->d);
	free(buf);
	return st;
}

int
dot_render(struct dot *D, const char *format, char **out, size_t *outlen)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	int fds[2], status = 0;
	pid_t pid;
	ssize_t r;

	/* cairo refuses bitmaps over 32767 pixels a side and says so on
	 * stderr: shrink a picture larger than 330 inches (at 96 dpi). */
	if (format[0] == 'p' &&
	    gvf.agattr(D->root, AGRAPH, "size", "330,330") == NULL)
		return dot_fail(D, ONNXFIX_EIO, "cannot set the size");
	if (pipe(fds) != 0)
		return dot_fail(D, ONNXFIX_EIO,
		    "cannot start the layout (pipe)");
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return dot_fail(D, ONNXFIX_EIO,
		    "cannot start the layout (fork)");
	}
	if (pid == 0) {
		close(fds[0]);
		layout_child(D, fds[1], format);
	}
	close(fds[1]);
	for (;;) {
		if (len == cap) {
			if (cap >= DOT_MAX_IMAGE ||
			    (nb = realloc(buf, cap = cap ? 2 * cap :
			    1 << 16)) == NULL) {
				/* too large: the child gets SIGPIPE */
				break;
			}
			buf = nb;
		}
		r = read(fds[0], buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status != 0 || len == 0 || buf[0] != 'O') {
		/* over the size: the child died of SIGPIPE, or ended */
		if (len == cap && cap >= DOT_MAX_IMAGE)
			dot_fail(D, ONNXFIX_EBUDGET, "rendered picture over "
			    "its size limit");
		else
			child_failure(D, status, buf, len);
		free(buf);
		return -1;
	}
	/* drop the status byte */
	memmove(buf, buf + 1, len - 1);
	buf[len - 1] = '\0';
	*out = buf;
	*outlen = len - 1;
	return 0;
}

/* The SVG element of a rendering (no XML declaration, doctype or
 * comment before it), its length into *LEN; NULL when none. */
const char *
dot_svg_element(const char *buf, size_t size, size_t *len)
{
	const char *s = strstr(buf, "<svg");

	if (s == NULL)
		return NULL;
	*len = size - (size_t)(s - buf);
	return s;
}
