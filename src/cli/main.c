/* SPDX-License-Identifier: MIT */
/*
 * The onnxfix command line: a command table over the library, option
 * parsing, output of diagnostics and the exit status.  Nothing here knows
 * how models are read, checked or written.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/batch.h"
#include "onnxfix.h"
#include "diag/report.h"
#include "passes/pass.h"

/* Exit statuses (documented in onnxfix.1, EXIT STATUS). */
enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_INPUT = 2,
	EXIT_BUDGET = 3,
	EXIT_IO = 4,
	EXIT_USAGE = 64,
	EXIT_INTERNAL = 70,
};

struct cli {
	struct onnxfix_options o;
	const char *output;
	const char *dot;
	const char *format;
	int fail_on;		/* enum diag_level */
	bool quiet;
	bool in_place;
	const char *maps[64];	/* --map values */
	int report_format;	/* enum report_format */
	const char *select, *ignore, *baseline;
	unsigned jobs;		/* -j: worker processes for check */
	int progress;		/* -1: when stderr is a terminal */
	struct onnxfix_dot_options dopt;	/* dot: --focus ... */
	const char *dot_diff;	/* fix --dot-diff FILE */
};

static int
exit_of(enum onnxfix_status s)
{
	switch (s) {
	case ONNXFIX_OK:
		return EXIT_CLEAN;
	case ONNXFIX_EINPUT:
		return EXIT_INPUT;
	case ONNXFIX_EBUDGET:
		return EXIT_BUDGET;
	case ONNXFIX_EIO:
		return EXIT_IO;
	case ONNXFIX_EINTERNAL:
		return EXIT_INTERNAL;
	}
	return EXIT_INTERNAL;
}

static int
worse(int a, int b)
{
	/* Order of severity for combining several models' statuses. */
	static const int rank[] = { 0, 1, 2, 3, 4 };

	if (a == EXIT_INTERNAL || b == EXIT_INTERNAL)
		return EXIT_INTERNAL;
	if (a == EXIT_USAGE || b == EXIT_USAGE)
		return EXIT_USAGE;
	if (a >= 0 && a <= 4 && b >= 0 && b <= 4)
		return rank[a] > rank[b] ? a : b;
	return a > b ? a : b;
}

/* Print fatal diagnostics to stderr, the rest to stdout. */
static void
print_diags(const char *file, const struct diag_list *d, bool quiet)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		enum diag_level l = diag_table[d->v[i].id].level;

		if (l == DIAG_FATAL)
			diag_print(stderr, file, &d->v[i]);
		else if (!quiet || l >= DIAG_WARNING)
			diag_print(stdout, file, &d->v[i]);
	}
	if (d->oom)
		fprintf(stderr, "onnxfix: out of memory: some diagnostics "
		    "were lost\n");
	fflush(stdout);
}

/* Remove the findings that --select and --ignore leave out. */
static void
drop_unselected(const struct cli *c, struct diag_list *d)
{
	struct report r;
	size_t i, k = 0;

	report_init(&r, REPORT_TEXT, "dot");
	r.select = c->select;
	r.ignore = c->ignore;
	for (i = 0; i < d->n; i++) {
		if (report_selected(&r, &diag_table[d->v[i].id])) {
			d->v[k++] = d->v[i];
		} else {
			free(d->v[i].loc);
			free(d->v[i].detail);
		}
	}
	d->n = k;
	report_release(&r);
}

/* Print only the fatal diagnostics (to stderr). */
static void
print_fatal(const char *file, const struct diag_list *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (diag_table[d->v[i].id].level == DIAG_FATAL)
			diag_print(stderr, file, &d->v[i]);
}

static int
parse_level(const char *s)
{
	if (strcmp(s, "note") == 0)
		return DIAG_NOTE;
	if (strcmp(s, "warning") == 0)
		return DIAG_WARNING;
	if (strcmp(s, "error") == 0)
		return DIAG_ERROR;
	if (strcmp(s, "never") == 0)
		return DIAG_FATAL + 1;
	return -1;
}

static int
parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		v <<= 10, end++;
		break;
	case 'M':
	case 'm':
		v <<= 20, end++;
		break;
	case 'G':
	case 'g':
		v <<= 30, end++;
		break;
	}
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_uint(const char *s, unsigned *out)
{
	uint64_t v;

	if (parse_size(s, &v) < 0 || v == 0 || v > 100000)
		return -1;
	*out = (unsigned)v;
	return 0;
}

enum {
	OPT_FAIL_ON = 256,
	OPT_PASSES,
	OPT_SKIP,
	OPT_DRY_RUN,
	OPT_IN_PLACE,
	OPT_DOT,
	OPT_MAX_SIZE,
	OPT_MEM_BUDGET,
	OPT_MAX_DEPTH,
	OPT_MAX_GRAPH_DEPTH,
	OPT_FORMAT,
	OPT_TARGET,
	OPT_EXPECT,
	OPT_BN_CONVENTION,
	OPT_INPUTS_LAYOUT,
	OPT_OUTPUTS_LAYOUT,
	OPT_MAP,
	OPT_MAP_FILE,
	OPT_SELECT,
	OPT_IGNORE,
	OPT_BASELINE,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_SYNC,
	OPT_NO_SYNC,
	OPT_FOCUS,
	OPT_RADIUS,
	OPT_OPS,
	OPT_COLLAPSE,
	OPT_MAX_NODES,
	OPT_NO_SCOPES,
	OPT_DOT_DIFF,
	OPT_EXTERNAL_DATA,
	OPT_SIZE_THRESHOLD,
	OPT_ALLOW_HARDLINKS,
	OPT_MAX_EXTERNAL_FILES,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "type", required_argument, NULL, 'T' },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "passes", required_argument, NULL, OPT_PASSES },
	{ "skip", required_argument, NULL, OPT_SKIP },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "in-place", no_argument, NULL, OPT_IN_PLACE },
	{ "dot", required_argument, NULL, OPT_DOT },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "mem-budget", required_argument, NULL, OPT_MEM_BUDGET },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "max-graph-depth", required_argument, NULL, OPT_MAX_GRAPH_DEPTH },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "bn-convention", required_argument, NULL, OPT_BN_CONVENTION },
	{ "inputs-layout", required_argument, NULL, OPT_INPUTS_LAYOUT },
	{ "outputs-layout", required_argument, NULL, OPT_OUTPUTS_LAYOUT },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "map-file", required_argument, NULL, OPT_MAP_FILE },
	{ "select", required_argument, NULL, OPT_SELECT },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "jobs", required_argument, NULL, 'j' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "sync", no_argument, NULL, OPT_SYNC },
	{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
	{ "focus", required_argument, NULL, OPT_FOCUS },
	{ "radius", required_argument, NULL, OPT_RADIUS },
	{ "ops", required_argument, NULL, OPT_OPS },
	{ "collapse", no_argument, NULL, OPT_COLLAPSE },
	{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
	{ "no-scopes", no_argument, NULL, OPT_NO_SCOPES },
	{ "dot-diff", required_argument, NULL, OPT_DOT_DIFF },
	{ "external-data", required_argument, NULL, OPT_EXTERNAL_DATA },
	{ "size-threshold", required_argument, NULL, OPT_SIZE_THRESHOLD },
	{ "allow-hardlinks", no_argument, NULL, OPT_ALLOW_HARDLINKS },
	{ "max-external-files", required_argument, NULL,
	  OPT_MAX_EXTERNAL_FILES },
	{ NULL, 0, NULL, 0 },
};

struct command {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(struct cli *c, int argc, char **argv);
};

static const struct command *find_command(const char *name);

/* "onnxfix: WHAT" or "onnxfix: WHAT 'ARG'" (ARG escaped), then usage. */
static int
usage_error(const char *cmd, const char *what, const char *arg)
{
	char b[DIAG_ESCAPE_SIZE];

	if (arg != NULL)
		fprintf(stderr, "onnxfix: %s '%s'", what,
		    diag_escape_str(b, sizeof(b), arg));
	else
		fprintf(stderr, "onnxfix: %s", what);
	fprintf(stderr, "\nusage: %s\n", find_command(cmd) ?
	    find_command(cmd)->usage : "onnxfix COMMAND ...");
	return EXIT_USAGE;
}

/*
 * Read standard input (a model given as "-") into memory, at most LIMIT
 * bytes; it stays until the process exits (models point into it).
 * Returns 0, or with a fatal diagnostic in D -1 (cannot read) or -2 (too
 * large).
 */
static int
read_stdin(uint64_t limit, struct diag_list *d, uint8_t **buf, size_t *len)
{
	static uint8_t *p;
	static size_t n;
	static bool done;
	size_t cap = 0;
	ssize_t k;

	if (done) {
		if (p == NULL) {
			diag_report(d, DIAG_LOAD_OPEN, "", "standard input "
			    "can be read once only");
			return -1;
		}
		*buf = p;
		*len = n;
		return 0;
	}
	done = true;
	for (;;) {
		if (n == cap) {
			uint8_t *q;

			cap = cap ? cap * 2 : 1 << 16;
			if ((q = realloc(p, cap)) == NULL) {
				diag_report(d, DIAG_LOAD_OPEN, "",
				    "standard input: %s", strerror(errno));
				goto fail;
			}
			p = q;
		}
		k = read(STDIN_FILENO, p + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			diag_report(d, DIAG_LOAD_READ, "", "standard input: %s",
			    strerror(errno));
			goto fail;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n > limit) {
			diag_report(d, DIAG_LOAD_TOO_LARGE, "",
			    "more than %" PRIu64 " bytes on standard input",
			    limit);
			free(p);
			p = NULL;
			return -2;
		}
	}
	*buf = p;
	*len = n;
	return 0;
fail:
	free(p);
	p = NULL;
	return -1;
}

/* Load PATH ("-": standard input), reporting failure; returns the exit
 * status. */
static int
load(struct cli *c, const char *path, struct diag_list *d,
    struct ir_model **m)
{
	enum onnxfix_status s;
	uint8_t *buf;
	size_t len;

	if (strcmp(path, "-") == 0) {
		*m = NULL;
		switch (read_stdin(c->o.max_file_bytes, d, &buf, &len)) {
		case -1:
			return EXIT_IO;
		case -2:
			return EXIT_INPUT;
		}
		s = onnxfix_load_buffer(buf, len, "-", &c->o, d, m);
	} else {
		s = onnxfix_load(path, &c->o, d, m);
	}
	return exit_of(s);
}

/* Set up the report for COMMAND from the options; an exit status on
 * failure (a bad baseline), else -1. */
static int
report_open(struct cli *c, struct report *r, const char *command)
{
	char why[256], e[DIAG_ESCAPE_SIZE];

	report_init(r, (enum report_format)c->report_format, command);
	r->quiet = c->quiet;
	r->select = c->select;
	r->ignore = c->ignore;
	if (c->baseline != NULL &&
	    report_load_baseline(r, c->baseline, why, sizeof(why)) < 0) {
		fprintf(stderr, "onnxfix: %s: cannot use baseline: %s\n",
		    diag_escape_str(e, sizeof(e), c->baseline), why);
		report_release(r);
		return EXIT_INPUT;
	}
	return -1;
}

/* Hand D to the report; findings at or above --fail-on make status 1. */
static int
report_model(struct cli *c, struct report *r, const char *file,
    struct diag_list *d, int status)
{
	int worst = report_add(r, file, d, &status);

	if (status == EXIT_CLEAN && worst >= 0 && worst != DIAG_FATAL &&
	    worst >= c->fail_on)
		status = EXIT_FINDINGS;
	report_set_status(r, status);
	return status;
}

static int
report_close(struct report *r, int rc)
{
	if (report_finish(r, rc) < 0 && rc == EXIT_CLEAN)
		rc = EXIT_IO;
	report_release(r);
	return rc;
}

/* One check run over many models (batch.h). */
struct check_run {
	struct cli *c;
	struct report *r;
	char **paths;
	size_t n;
	int rc;
	struct progress pg;
};

static int
check_work(void *arg, size_t i, struct diag_list *d)
{
	struct check_run *k = arg;
	struct ir_model *m;
	int st = load(k->c, k->paths[i], d, &m);

	if (st == EXIT_CLEAN) {
		st = exit_of(onnxfix_check(m, &k->c->o, d));
		onnxfix_model_free(m);
	}
	return st;
}

static void
check_done(void *arg, size_t i, struct diag_list *d, int st)
{
	struct check_run *k = arg;
	char b[DIAG_ESCAPE_SIZE];

	progress_end(&k->pg);
	if (st == BATCH_DIED && d->n == 0)
		fprintf(stderr, "onnxfix: %s: the worker checking it died\n",
		    diag_escape_str(b, sizeof(b), k->paths[i]));
	st = report_model(k->c, k->r, k->paths[i], d, st);
	k->rc = worse(k->rc, st);
	progress_show(&k->pg, "checked", i + 1, k->n, "models");
}

static int
cmd_check(struct cli *c, int argc, char **argv)
{
	struct check_run k;
	struct report r;
	const char *bad;
	char b[DIAG_ESCAPE_SIZE];
	int i;

	if (argc < 1)
		return usage_error("check", "no model given", NULL);
	memset(&k, 0, sizeof(k));
	if (batch_expand(argc, argv, &k.paths, &k.n, &bad) < 0) {
		fprintf(stderr, "onnxfix: %s: %s\n",
		    diag_escape_str(b, sizeof(b), bad), strerror(errno));
		return EXIT_IO;
	}
	if (k.n == 0) {
		batch_free(k.paths, k.n);
		fprintf(stderr, "onnxfix: %s: no *.onnx models found\n",
		    argc == 1 ? diag_escape_str(b, sizeof(b), argv[0]) :
		    "the inputs");
		return EXIT_INPUT;
	}
	if ((i = report_open(c, &r, "check")) >= 0) {
		batch_free(k.paths, k.n);
		return i;
	}
	k.c = c;
	k.r = &r;
	k.rc = EXIT_CLEAN;
	/* Never in the machine formats. */
	progress_init(&k.pg, c->report_format == REPORT_TEXT ?
	    c->progress : 0);
	batch_run(k.n, c->jobs, check_work, check_done, &k);
	progress_end(&k.pg);
	batch_free(k.paths, k.n);
	return report_close(&r, k.rc);
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static enum onnxfix_dot_format format_of_name(const char *path);

static int
cmd_fix(struct cli *c, int argc, char **argv)
{
	struct progress pg;
	struct diag_list d;
	struct report r;
	struct ir_model *m;
	const char *out;
	int rc;

	if (argc != 1)
		return usage_error("fix", argc ? "one model at a time" :
		    "no model given", NULL);
	if (c->in_place && strcmp(argv[0], "-") == 0)
		return usage_error("fix", "--in-place needs a file, not "
		    "standard input", NULL);
	out = c->in_place ? argv[0] : c->output;
	if (out == NULL && !c->o.dry_run)
		return usage_error("fix",
		    "no output: give -o FILE, --in-place or --dry-run", NULL);
	{
		char why[1024];

		switch (onnxfix_maps_check(&c->o, why, sizeof(why))) {
		case 0:
			break;
		case -2:
			fprintf(stderr, "onnxfix: %s\n", why);
			return EXIT_IO;
		default:
			return usage_error("fix", why, NULL);
		}
	}
	if ((rc = report_open(c, &r, "fix")) >= 0)
		return rc;
	/* fix reports its notes; findings do not change its status. */
	c->fail_on = DIAG_FATAL + 1;
	diag_list_init(&d);
	if (out != NULL && !c->in_place && same_file(argv[0], out)) {
		diag_report(&d, DIAG_OUT_SAME_AS_INPUT, "", "use --in-place");
		rc = report_model(c, &r, argv[0], &d, EXIT_IO);
		diag_list_release(&d);
		return report_close(&r, rc);
	}
	progress_init(&pg, c->report_format == REPORT_TEXT ? c->progress : 0);
	c->o.progress = progress_bytes;
	c->o.progress_arg = &pg;
	rc = load(c, argv[0], &d, &m);
	if (rc == EXIT_CLEAN) {
		struct onnxfix_dot_options dopt = c->dopt;

		/* The nodes before the rewrites, for --dot-diff. */
		if (c->dot_diff != NULL) {
			struct ir_node **before;

			dopt.nbefore = onnxfix_dot_snapshot(m, &before);
			dopt.before = before;
			dopt.diff = true;
		}
		rc = exit_of(onnxfix_fix(m, &c->o, &d));
		if (rc == EXIT_CLEAN && !c->o.dry_run)
			rc = exit_of(onnxfix_save(m, out, &c->o, &d));
		if (rc == EXIT_CLEAN && c->dot != NULL && !c->o.dry_run)
			rc = exit_of(onnxfix_dot(m, c->dot, ONNXFIX_DOT, &d));
		if (rc == EXIT_CLEAN && c->dot_diff != NULL)
			rc = exit_of(onnxfix_dot_opts(m, c->dot_diff,
			    format_of_name(c->dot_diff), &dopt, &d));
		onnxfix_model_free(m);
	}
	progress_end(&pg);
	rc = report_model(c, &r, argv[0], &d, rc);
	diag_list_release(&d);
	return report_close(&r, rc);
}

/* The picture format a file name asks for: .svg, .png, else DOT. */
static enum onnxfix_dot_format
format_of_name(const char *path)
{
	size_t n = strlen(path);

	if (n >= 4 && strcmp(path + n - 4, ".svg") == 0)
		return ONNXFIX_SVG;
	if (n >= 4 && strcmp(path + n - 4, ".png") == 0)
		return ONNXFIX_PNG;
	return ONNXFIX_DOT;
}

static int
cmd_dot(struct cli *c, int argc, char **argv)
{
	enum onnxfix_dot_format fmt = ONNXFIX_DOT;
	struct diag_list d;
	struct ir_model *m;
	int rc;

	if (argc != 1)
		return usage_error("dot", argc ? "one model at a time" :
		    "no model given", NULL);
	if (c->format != NULL) {
		if (strcmp(c->format, "svg") == 0)
			fmt = ONNXFIX_SVG;
		else if (strcmp(c->format, "png") == 0)
			fmt = ONNXFIX_PNG;
		else if (strcmp(c->format, "dot") != 0)
			return usage_error("dot", "unknown output type",
			    c->format);
	} else if (c->output != NULL) {
		/* -o picture.svg / picture.png: the type from the name */
		fmt = format_of_name(c->output);
	}
	diag_list_init(&d);
	rc = load(c, argv[0], &d, &m);
	if (rc == EXIT_CLEAN) {
		/* The analyses mark the nodes they find something about;
		 * their findings are drawn, not printed. */
		rc = exit_of(onnxfix_check(m, &c->o, &d));
		drop_unselected(c, &d);
		if (rc == EXIT_CLEAN)
			rc = exit_of(onnxfix_dot_opts(m, c->output ?
			    c->output : "-", fmt, &c->dopt, &d));
		onnxfix_model_free(m);
	}
	print_fatal(argv[0], &d);
	diag_list_release(&d);
	return rc;
}

/*
 * diff A B: exit 0 when the models are the same, 1 when they differ, the
 * load status (2, 3, 4) when one cannot be read.
 */
static int
cmd_diff(struct cli *c, int argc, char **argv)
{
	struct diag_list d;
	struct ir_model *a = NULL, *b = NULL;
	bool differ = false;
	int rc;

	if (argc != 2)
		return usage_error("diff", "two models expected", NULL);
	if (c->report_format != REPORT_TEXT && c->report_format != REPORT_JSON)
		return usage_error("diff", "diff writes text or json", NULL);
	diag_list_init(&d);
	rc = load(c, argv[0], &d, &a);
	if (rc == EXIT_CLEAN) {
		print_fatal(argv[0], &d);
		diag_list_release(&d);
		diag_list_init(&d);
		rc = load(c, argv[1], &d, &b);
		if (rc == EXIT_CLEAN) {
			rc = exit_of(onnxfix_diff(a, b, c->output ?
			    c->output : "-", c->report_format == REPORT_JSON,
			    &differ, &d));
			if (rc == EXIT_CLEAN && differ)
				rc = EXIT_FINDINGS;
			onnxfix_model_free(b);
		}
		print_fatal(argv[1], &d);
		onnxfix_model_free(a);
	} else {
		print_fatal(argv[0], &d);
	}
	diag_list_release(&d);
	return rc;
}

static void
print_type(const struct ir_type *t)
{
	char b[DIAG_ESCAPE_SIZE];
	int i;

	switch (t->kind) {
	case IR_TYPE_NONE:
		printf("?");
		return;
	case IR_TYPE_SEQUENCE:
		printf("sequence");
		return;
	case IR_TYPE_MAP:
		printf("map");
		return;
	case IR_TYPE_OPTIONAL:
		printf("optional");
		return;
	case IR_TYPE_OPAQUE:
		printf("opaque");
		return;
	case IR_TYPE_TENSOR:
	case IR_TYPE_SPARSE:
		break;
	}
	printf("%s%s", t->kind == IR_TYPE_SPARSE ? "sparse " : "",
	    ir_elem_name(t->elem) ? ir_elem_name(t->elem) : "?");
	if (t->rank < 0)
		return;
	printf("[");
	for (i = 0; i < t->rank; i++) {
		if (i)
			printf(",");
		if (t->dims[i].kind == IR_DIM_VALUE)
			printf("%" PRId64, t->dims[i].value);
		else if (t->dims[i].kind == IR_DIM_PARAM)
			printf("%s", diag_escape_str(b, sizeof(b),
			    t->dims[i].param));
		else
			printf("?");
	}
	printf("]");
}

struct histo {
	const char *op;
	const char *domain;
	size_t n;
};

static int
histo_cmp(const void *a, const void *b)
{
	const struct histo *x = a, *y = b;
	int r;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if ((r = strcmp(x->domain, y->domain)) != 0)
		return r;
	return strcmp(x->op, y->op);
}

static void
print_info(struct ir_model *m)
{
	char b[DIAG_ESCAPE_SIZE], e[DIAG_ESCAPE_SIZE];
	struct ir_graph **graphs;
	struct histo *h = NULL;
	size_t ngraphs, nh = 0, nodes = 0, i, j, k;
	uint64_t params = 0, bytes = 0;

	printf("ir_version:   %" PRId64 "\n", m->ir_version);
	printf("producer:     %s %s\n",
	    diag_escape_str(b, sizeof(b), m->producer_name),
	    diag_escape_str(e, sizeof(e), m->producer_version));
	printf("opsets:      ");
	for (i = 0; i < m->nopsets; i++)
		printf(" %s=%" PRId64, m->opsets[i].domain[0] ?
		    diag_escape_str(b, sizeof(b), m->opsets[i].domain) :
		    "ai.onnx", m->opsets[i].version);
	printf("\n");
	ngraphs = ir_model_graphs(m, &graphs);
	for (i = 0; i < ngraphs; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *n = g->nodes[j];

			nodes++;
			for (k = 0; k < nh; k++)
				if (strcmp(h[k].op, n->op_type) == 0 &&
				    strcmp(h[k].domain, n->domain) == 0)
					break;
			if (k == nh) {
				struct histo *nv = realloc(h,
				    (nh + 1) * sizeof(*h));

				if (nv == NULL)
					break;
				h = nv;
				h[nh].op = n->op_type;
				h[nh].domain = n->domain;
				h[nh].n = 0;
				nh++;
			}
			h[k].n++;
		}
		for (j = 0; j < g->ninits; j++) {
			uint64_t count;

			if (g->inits[j] == NULL ||
			    ir_tensor_count(g->inits[j], &count, NULL) < 0)
				continue;
			params += count;
			if (g->inits[j]->storage == IR_DATA_RAW)
				bytes += g->inits[j]->size;
			else if (ir_elem_bytes(g->inits[j]->elem, count,
			    &count) == 0)
				bytes += count;
		}
	}
	printf("graphs:       %zu (%zu functions)\n", ngraphs,
	    m->nfunctions);
	printf("nodes:        %zu\n", nodes);
	printf("parameters:   %" PRIu64 " (%" PRIu64 " bytes)\n", params,
	    bytes);
	printf("inputs:\n");
	for (i = 0; i < m->graph->ninputs; i++) {
		const struct ir_value *v = m->graph->inputs[i].value;

		if (v != NULL && v->init != NULL)
			continue;
		printf("  %s: ", diag_escape_str(b, sizeof(b),
		    m->graph->inputs[i].name));
		print_type(&m->graph->inputs[i].type);
		printf("\n");
	}
	printf("outputs:\n");
	for (i = 0; i < m->graph->noutputs; i++) {
		printf("  %s: ", diag_escape_str(b, sizeof(b),
		    m->graph->outputs[i].name));
		print_type(&m->graph->outputs[i].type);
		printf("\n");
	}
	if (h != NULL)
		qsort(h, nh, sizeof(*h), histo_cmp);
	printf("operators:\n");
	for (i = 0; i < nh; i++)
		printf("  %6zu  %s%s%s\n", h[i].n, h[i].domain[0] ?
		    diag_escape_str(e, sizeof(e), h[i].domain) : "",
		    h[i].domain[0] ? "::" : "",
		    diag_escape_str(b, sizeof(b), h[i].op));
	free(h);
}

static int
cmd_info(struct cli *c, int argc, char **argv)
{
	int i, rc = EXIT_CLEAN;

	if (argc < 1)
		return usage_error("info", "no model given", NULL);
	for (i = 0; i < argc; i++) {
		struct diag_list d;
		struct ir_model *m;
		int r;

		diag_list_init(&d);
		r = load(c, argv[i], &d, &m);
		if (r == EXIT_CLEAN) {
			char b[DIAG_ESCAPE_SIZE];

			if (argc > 1)
				printf("%s== %s\n", i ? "\n" : "",
				    diag_escape_str(b, sizeof(b), argv[i]));
			print_info(m);
			onnxfix_model_free(m);
		}
		print_diags(argv[i], &d, c->quiet);
		diag_list_release(&d);
		rc = worse(rc, r);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "onnxfix: stdout: %s\n", strerror(errno));
		return EXIT_IO;
	}
	return rc;
}

static int
cmd_passes(struct cli *c, int argc, char **argv)
{
	size_t i;

	(void)c;
	(void)argv;
	if (argc != 0)
		return usage_error("passes", "no arguments expected", NULL);
	for (i = 0; pass_table[i] != NULL; i++)
		printf("%-12s %-8s %s\n", pass_table[i]->name,
		    pass_table[i]->kind == PASS_ANALYSIS ? "check" : "fix",
		    pass_table[i]->summary);
	return EXIT_CLEAN;
}

static int
cmd_explain(struct cli *c, int argc, char **argv)
{
	int i;

	(void)c;
	if (argc < 1)
		return usage_error("explain", "no code given", NULL);
	for (i = 0; i < argc; i++) {
		const struct diag_info *info = diag_lookup(argv[i]);
		char b[DIAG_ESCAPE_SIZE];

		if (info == NULL) {
			fprintf(stderr, "onnxfix: unknown diagnostic code "
			    "'%s'\n", diag_escape_str(b, sizeof(b), argv[i]));
			return EXIT_USAGE;
		}
		printf("%s %s: %s\n", info->code,
		    diag_level_name(info->level), info->text);
	}
	printf("See DIAGNOSTICS in onnxfix(1) for what each code means.\n");
	return EXIT_CLEAN;
}

static const struct command commands[] = {
	{ "check", "onnxfix check [--fail-on LEVEL] [-q] [-j N] "
	  "MODEL|DIR...",
	  "Check models against the ONNX rules and report findings.",
	  cmd_check },
	{ "fix", "onnxfix fix [--passes LIST] [--skip LIST] "
	  "[--dot FILE] [--dot-diff FILE] [--dry-run] (-o OUT | --in-place) "
	  "MODEL",
	  "Run the rewrite passes and write the repaired model.", cmd_fix },
	{ "dot", "onnxfix dot [-T dot|svg|png] [-o FILE] [--focus NAME "
	  "[--radius N]] [--ops LIST] [--collapse] [--max-nodes N] "
	  "[--no-scopes] MODEL",
	  "Draw the model's graph with Graphviz.", cmd_dot },
	{ "diff", "onnxfix diff [--format text|json] [-o FILE] A B",
	  "Show what differs between two models (exit 1 when they do).",
	  cmd_diff },
	{ "info", "onnxfix info MODEL...",
	  "Summarise models: versions, opsets, interface, operators.",
	  cmd_info },
	{ "passes", "onnxfix passes", "List the passes in pipeline order.",
	  cmd_passes },
	{ "explain", "onnxfix explain CODE...",
	  "Show the catalogue entry of diagnostic codes.", cmd_explain },
};

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: onnxfix COMMAND [OPTIONS] ARGS\n\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name,
		    commands[i].help);
	fprintf(fp, "\nonnxfix COMMAND -h shows a command's usage; "
	    "onnxfix(1) has the details.\n");
}

static void
command_help(const struct command *cmd)
{
	printf("usage: %s\n%s\n\n", cmd->usage, cmd->help);
	printf("common options:\n"
	    "  -q, --quiet              print warnings and errors only\n"
	    "  --max-size BYTES         refuse larger inputs "
	    "(default 2G-1)\n"
	    "  --mem-budget BYTES       memory budget (default "
	    "64M + 64 x input)\n"
	    "  --max-depth N            message nesting limit (100)\n"
	    "  --max-graph-depth N      subgraph nesting limit (32)\n"
	    "  --allow-hardlinks        accept hard-linked external data\n"
	    "  --max-external-files N   distinct external files (4096)\n");
	if (strcmp(cmd->name, "check") == 0)
		printf("  --fail-on LEVEL          exit 1 at this level: "
		    "note, warning, error (default), never\n"
		    "  -j, --jobs N             check N models at once\n");
	if (strcmp(cmd->name, "check") == 0 || strcmp(cmd->name, "fix") == 0)
		printf("  --progress, --no-progress  progress on stderr "
		    "(default: when a terminal)\n");
	if (strcmp(cmd->name, "fix") == 0)
		printf("  -o, --output FILE        write the model here\n"
		    "  --in-place               replace the input\n"
		    "  --dot FILE               also draw the result\n"
		    "  --dot-diff FILE          draw the result with removed "
		    "nodes ghosted\n"
		    "                           and new ones highlighted "
		    "(.svg, .png, else DOT)\n"
		    "  --passes LIST, --skip LIST  choose passes "
		    "(onnxfix passes)\n"
		    "  --dry-run                report, write nothing\n"
		    "  --sync                   fsync outputs before "
		    "renaming them into place\n"
		    "  --external-data FILE     weights into FILE beside "
		    "the output\n"
		    "  --size-threshold BYTES   smaller tensors stay inline "
		    "(1K)\n");
	if (strcmp(cmd->name, "dot") == 0)
		printf("  -o, --output FILE        output file "
		    "(default stdout)\n"
		    "  -T, --type FMT           dot, svg or png (default: "
		    "from -o's .svg/.png, else dot)\n"
		    "  --focus NAME             only around this node or "
		    "tensor\n"
		    "  --radius N               hops around --focus "
		    "(default 3)\n"
		    "  --ops LIST               only these op types "
		    "(Conv,Transpose)\n"
		    "  --collapse               draw repeated blocks once "
		    "(xN)\n"
		    "  --max-nodes N            node limit (default 500)\n"
		    "  --no-scopes              no clusters for name "
		    "scopes\n");
	if (strcmp(cmd->name, "diff") == 0)
		printf("  -o, --output FILE        output file "
		    "(default stdout)\n"
		    "  --format FMT             text (default) or json\n");
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	struct cli c;
	int opt, level;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0) {
		printf("onnxfix %s\n", ONNXFIX_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	cmd = find_command(argv[1]);
	if (cmd == NULL) {
		char b[DIAG_ESCAPE_SIZE];

		fprintf(stderr, "onnxfix: unknown command '%s'\n",
		    diag_escape_str(b, sizeof(b), argv[1]));
		usage(stderr);
		return EXIT_USAGE;
	}
	memset(&c, 0, sizeof(c));
	onnxfix_options_default(&c.o);
	c.fail_on = DIAG_ERROR;
	c.jobs = 1;
	c.progress = -1;
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "hj:o:qT:", long_opts, NULL)) !=
	    -1) {
		switch (opt) {
		case 'h':
			command_help(cmd);
			return EXIT_CLEAN;
		case 'o':
			c.output = optarg;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'T':
			c.format = optarg;
			break;
		case OPT_FAIL_ON:
			if ((level = parse_level(optarg)) < 0)
				return usage_error(cmd->name,
				    "bad level", optarg);
			c.fail_on = level;
			break;
		case OPT_PASSES:
		case OPT_SKIP: {
			/* Every name must exist. */
			char *list = optarg, *dup = strdup(list), *tok, *sv;

			if (dup == NULL)
				return EXIT_INTERNAL;
			for (tok = strtok_r(dup, ",", &sv); tok != NULL;
			    tok = strtok_r(NULL, ",", &sv))
				if (pass_lookup(tok) == NULL) {
					int r = usage_error(cmd->name,
					    "unknown pass", tok);

					free(dup);
					return r;
				}
			free(dup);
			if (opt == OPT_PASSES)
				c.o.passes = list;
			else
				c.o.skip = list;
			break;
		}
		case OPT_DRY_RUN:
			c.o.dry_run = true;
			break;
		case OPT_IN_PLACE:
			c.in_place = true;
			break;
		case OPT_DOT:
			c.dot = optarg;
			break;
		case OPT_MAX_SIZE:
			if (parse_size(optarg, &c.o.max_file_bytes) < 0)
				return usage_error(cmd->name,
				    "bad size", optarg);
			break;
		case OPT_MEM_BUDGET:
			if (parse_size(optarg, &c.o.mem_budget) < 0)
				return usage_error(cmd->name,
				    "bad size", optarg);
			break;
		case OPT_MAX_DEPTH:
			if (parse_uint(optarg, &c.o.max_depth) < 0)
				return usage_error(cmd->name,
				    "bad depth", optarg);
			break;
		case OPT_MAX_GRAPH_DEPTH:
			if (parse_uint(optarg, &c.o.max_graph_depth) < 0)
				return usage_error(cmd->name,
				    "bad depth", optarg);
			break;
		case OPT_FORMAT:
			if ((c.report_format = report_parse_format(optarg)) < 0)
				return usage_error(cmd->name,
				    "unknown format", optarg);
			break;
		case OPT_SELECT:
		case OPT_IGNORE: {
			char *dup = strdup(optarg), *tok, *sv;
			int r = -1;

			if (dup == NULL)
				return EXIT_INTERNAL;
			for (tok = strtok_r(dup, ",", &sv); tok != NULL;
			    tok = strtok_r(NULL, ",", &sv))
				if (!report_valid_selector(tok)) {
					r = usage_error(cmd->name,
					    "bad code or prefix", tok);
					break;
				}
			free(dup);
			if (r >= 0)
				return r;
			if (opt == OPT_SELECT)
				c.select = optarg;
			else
				c.ignore = optarg;
			break;
		}
		case OPT_BASELINE:
			c.baseline = optarg;
			break;
		case 'j':
			if (parse_uint(optarg, &c.jobs) < 0 || c.jobs > 256)
				return usage_error(cmd->name,
				    "bad job count", optarg);
			break;
		case OPT_PROGRESS:
		case OPT_NO_PROGRESS:
			c.progress = opt == OPT_PROGRESS;
			break;
		case OPT_SYNC:
		case OPT_NO_SYNC:
			c.o.sync = opt == OPT_SYNC;
			break;
		case OPT_FOCUS:
			c.dopt.focus = optarg;
			break;
		case OPT_RADIUS:
			if (parse_uint(optarg, &c.dopt.radius) < 0)
				return usage_error(cmd->name,
				    "bad radius", optarg);
			break;
		case OPT_OPS:
			c.dopt.ops = optarg;
			break;
		case OPT_COLLAPSE:
			c.dopt.collapse = true;
			break;
		case OPT_MAX_NODES:
			if (parse_uint(optarg, &c.dopt.max_nodes) < 0)
				return usage_error(cmd->name,
				    "bad node limit", optarg);
			break;
		case OPT_NO_SCOPES:
			c.dopt.no_scopes = true;
			break;
		case OPT_DOT_DIFF:
			c.dot_diff = optarg;
			break;
		case OPT_EXTERNAL_DATA:
			c.o.external_data = optarg;
			break;
		case OPT_SIZE_THRESHOLD:
			if (parse_size(optarg, &c.o.size_threshold) < 0)
				return usage_error(cmd->name,
				    "bad size", optarg);
			break;
		case OPT_ALLOW_HARDLINKS:
			c.o.allow_hardlinks = true;
			break;
		case OPT_MAX_EXTERNAL_FILES:
			if (parse_uint(optarg, &c.o.max_external_files) < 0)
				return usage_error(cmd->name,
				    "bad count", optarg);
			break;
		case OPT_TARGET: {
			/* Repeatable and comma-separated. */
			char *dup = strdup(optarg), *tok, *sv;
			int r = -1;

			if (dup == NULL)
				return EXIT_INTERNAL;
			for (tok = strtok_r(dup, ",", &sv); tok != NULL;
			    tok = strtok_r(NULL, ",", &sv)) {
				struct onnxfix_target t;

				if (onnxfix_parse_target(tok, &t) < 0) {
					r = usage_error(cmd->name,
					    "unknown target", tok);
					break;
				}
				if (c.o.ntargets == ONNXFIX_MAX_TARGETS) {
					r = usage_error(cmd->name,
					    "too many targets", tok);
					break;
				}
				c.o.targets[c.o.ntargets++] = t;
			}
			free(dup);
			if (r >= 0)
				return r;
			break;
		}
		case OPT_EXPECT:
		case OPT_BN_CONVENTION:
			if ((level = onnxfix_parse_convention(optarg)) < 0)
				return usage_error(cmd->name,
				    "unknown convention", optarg);
			if (opt == OPT_EXPECT)
				c.o.expect = level;
			else
				c.o.bn_convention = level;
			break;
		case OPT_INPUTS_LAYOUT:
		case OPT_OUTPUTS_LAYOUT: {
			enum onnxfix_layout l;

			if (strcmp(optarg, "nchw") == 0)
				l = ONNXFIX_LAYOUT_NCHW;
			else if (strcmp(optarg, "nhwc") == 0)
				l = ONNXFIX_LAYOUT_NHWC;
			else
				return usage_error(cmd->name,
				    "unknown layout", optarg);
			if (opt == OPT_INPUTS_LAYOUT)
				c.o.inputs_layout = l;
			else
				c.o.outputs_layout = l;
			break;
		}
		case OPT_MAP:
			if (c.o.nmaps == sizeof(c.maps) / sizeof(c.maps[0]))
				return usage_error(cmd->name,
				    "too many --map options", optarg);
			c.maps[c.o.nmaps++] = optarg;
			c.o.maps = c.maps;
			break;
		case OPT_MAP_FILE:
			c.o.map_file = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s\n", cmd->usage);
			return EXIT_USAGE;
		}
	}
	return cmd->run(&c, argc - optind, argv + optind);
}
