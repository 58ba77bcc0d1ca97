/* SPDX-License-Identifier: MIT */
/*
 * The onnxfix command line: a command table over the library, option
 * parsing, output of diagnostics and the exit status.  Nothing here knows
 * how models are read, checked or written.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "base/outfile.h"
#include "onnxfix.h"
#include "diag/report.h"
#include "passes/pass.h"
#include "view/profile.h"

/* A usage error of command NAME (cli_usage_error). */
static int
cmd_usage(const char *name, const char *what, const char *arg)
{
	return cli_usage_error(cli_find_command(name), what, arg);
}

static int
exit_of(enum onnxfix_status s)
{
	switch (s) {
	case ONNXFIX_OK:
		return EXIT_CLEAN;
	case ONNXFIX_EREFUSED:
		return EXIT_FINDINGS;
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
			diag_free(&d->v[i]);
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

/*
 * Set up the report for COMMAND from the options: to -o FILE for check
 * (written atomically when the run ends), to stderr for fix when the
 * model goes to stdout, else to stdout.  An exit status on failure (a
 * bad baseline, an output that cannot be created), else -1.
 */
static int
report_open(struct cli *c, struct report *r, const char *command)
{
	char why[256], e[DIAG_ESCAPE_SIZE];
	bool check = strcmp(command, "check") == 0;

	/* check -o results.sarif: the format from the name, unless given */
	if (check && c->output != NULL && !c->report_format_set) {
		size_t n = strlen(c->output);

		if (n >= 6 && strcmp(c->output + n - 6, ".sarif") == 0)
			c->report_format = REPORT_SARIF;
		else if (n >= 5 && strcmp(c->output + n - 5, ".json") == 0)
			c->report_format = REPORT_JSON;
	}
	report_init(r, (enum report_format)c->report_format, command);
	r->quiet = c->quiet;
	r->verbose = c->verbose;
	r->select = c->select;
	r->ignore = c->ignore;
	if (c->baseline != NULL &&
	    report_load_baseline(r, c->baseline, why, sizeof(why)) < 0) {
		fprintf(stderr, "onnxfix: %s: cannot use baseline: %s\n",
		    diag_escape_str(e, sizeof(e), c->baseline), why);
		report_release(r);
		return EXIT_INPUT;
	}
	if (!check && c->output != NULL && strcmp(c->output, "-") == 0)
		r->out = stderr;
	if (check && c->output != NULL && strcmp(c->output, "-") != 0) {
		if (outfile_open(&c->report_file, c->output) < 0 ||
		    (r->out = outfile_stream(&c->report_file)) == NULL) {
			fprintf(stderr, "onnxfix: %s: cannot write the report: "
			    "%s\n", diag_escape_str(e, sizeof(e), c->output),
			    strerror(errno));
			outfile_abort(&c->report_file);
			report_release(r);
			return EXIT_IO;
		}
		c->report_to_file = true;
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

/* Finish the report (and put -o FILE in place); RC, or EXIT_IO when
 * the report could not be written. */
static int
report_close(struct cli *c, struct report *r, int rc)
{
	char e[DIAG_ESCAPE_SIZE];
	int failed = report_finish(r, rc) < 0;

	if (c->report_to_file) {
		if (!failed && outfile_commit(&c->report_file, c->o.sync) < 0)
			failed = 1;
		if (failed)
			fprintf(stderr, "onnxfix: %s: cannot write the report: "
			    "%s\n", diag_escape_str(e, sizeof(e), c->output),
			    strerror(errno));
		outfile_abort(&c->report_file);
		c->report_to_file = false;
	}
	if (failed && (rc == EXIT_CLEAN || rc == EXIT_FINDINGS))
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

static bool same_file(const char *a, const char *b);

static int
cmd_check(struct cli *c, int argc, char **argv)
{
	struct check_run k;
	struct report r;
	const char *bad;
	char b[DIAG_ESCAPE_SIZE];
	int i;

	if (argc < 1)
		return cmd_usage("check", "no model given", NULL);
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
	/* -o must not replace a model it reads */
	for (size_t j = 0; c->output != NULL && j < k.n; j++)
		if (same_file(k.paths[j], c->output)) {
			fprintf(stderr, "onnxfix: %s: the report would "
			    "overwrite a model being checked\n",
			    diag_escape_str(b, sizeof(b), c->output));
			batch_free(k.paths, k.n);
			return EXIT_USAGE;
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
	return report_close(c, &r, k.rc);
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

/*
 * Is OUT a name fix cannot write (a directory, or in a directory that
 * does not exist or cannot be written)?  Then O100 naming it is in D.
 */
static bool
output_unwritable(const char *out, struct diag_list *d)
{
	char e[DIAG_ESCAPE_SIZE], *dup, *dir;
	struct stat st;
	const char *why = NULL;

	if (strcmp(out, "-") == 0)
		return false;
	if ((out[0] != '\0' && out[strlen(out) - 1] == '/') ||
	    (stat(out, &st) == 0 && S_ISDIR(st.st_mode)))
		why = "is a directory; give a file name";
	if (why == NULL && (dup = strdup(out)) != NULL) {
		dir = dirname(dup);
		if (stat(dir, &st) < 0)
			why = "its directory does not exist";
		else if (!S_ISDIR(st.st_mode))
			why = "its directory is not a directory";
		else if (access(dir, W_OK | X_OK) < 0)
			why = "its directory is not writable";
		free(dup);
	}
	if (why == NULL)
		return false;
	diag_report(d, DIAG_OUT_WRITE, "", "%s: %s", diag_escape_str(e,
	    sizeof(e), out), why);
	return true;
}

/* How many nodes of each operator a model has (fix's summary). */
struct op_count {
	const char *domain, *op;
	long n;
};

struct census {
	struct op_count *v;
	size_t n, cap;
	size_t nodes;
};

/* Add (or with SIGN -1, take away) M's live nodes to C; -1 when out of
 * memory. */
static int
census_add(struct census *c, struct ir_model *m, int sign)
{
	struct ir_graph **graphs;
	size_t ng = ir_model_graphs(m, &graphs), i, j, k;

	for (i = 0; i < ng; i++)
		for (j = 0; j < graphs[i]->nnodes; j++) {
			const struct ir_node *n = graphs[i]->nodes[j];

			if (n->dead)
				continue;
			if (sign > 0)
				c->nodes++;
			for (k = 0; k < c->n; k++)
				if (ir_streq(c->v[k].op, n->op_type) &&
				    ir_streq(c->v[k].domain, n->domain))
					break;
			if (k == c->n) {
				if (c->n == c->cap) {
					size_t nc = c->cap ? 2 * c->cap : 32;
					struct op_count *nv = realloc(c->v,
					    nc * sizeof(*nv));

					if (nv == NULL)
						return -1;
					c->v = nv;
					c->cap = nc;
				}
				c->v[c->n].domain = n->domain;
				c->v[c->n].op = n->op_type;
				c->v[c->n].n = 0;
				c->n++;
			}
			c->v[k].n += sign;
		}
	return 0;
}

/* Bytes of file PATH, or -1 ("-" or unknown). */
static long long
file_bytes(const char *path)
{
	struct stat st;

	if (path == NULL || strcmp(path, "-") == 0 || stat(path, &st) < 0)
		return -1;
	return (long long)st.st_size;
}

/*
 * fix's closing line for one model, on FP: the node count before and
 * after, the operators that changed (fewest first: removed, then added)
 * and the file size before and after, or that fix left it unchanged.
 */
static void
fix_summary(FILE *fp, const char *file, struct census *c, size_t after,
    bool changed, bool dry, long long in, long long out)
{
	char b[DIAG_ESCAPE_SIZE], e[DIAG_ESCAPE_SIZE];
	size_t k, shown = 0;
	int pass;

	fprintf(fp, "onnxfix: %s: ", diag_escape_str(b, sizeof(b), file));
	if (!changed) {
		fprintf(fp, "unchanged (%zu nodes)\n", c->nodes);
		return;
	}
	fprintf(fp, "%s %zu -> %zu nodes", dry ? "would change:" : "fixed:",
	    c->nodes, after);
	/* c->v[k].n is before minus after: removed first */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < c->n; k++) {
			long d = c->v[k].n;

			if (d == 0 || (pass == 0) != (d > 0))
				continue;
			if (shown == 8) {
				fprintf(fp, ", ...");
				shown++;
			}
			if (shown > 8)
				continue;
			fprintf(fp, "%s%+ld %s%s%s", shown ? ", " : " (",
			    -d, c->v[k].domain[0] ? diag_escape_str(e,
			    sizeof(e), c->v[k].domain) : "",
			    c->v[k].domain[0] ? "::" : "",
			    diag_escape_str(b, sizeof(b), c->v[k].op));
			shown++;
		}
	if (shown > 0)
		fprintf(fp, ")");
	if (in >= 0 && out >= 0)
		fprintf(fp, ", %lld -> %lld bytes", in, out);
	fprintf(fp, "\n");
}

static int
cmd_fix(struct cli *c, int argc, char **argv)
{
	struct census cs;
	char *sumtext = NULL;
	size_t after = 0;
	bool changed = false, summary = false;
	struct progress pg;
	struct diag_list d;
	struct report r;
	struct ir_model *m;
	const char *out;
	int rc;

	if (argc != 1)
		return cmd_usage("fix", argc ? "one model at a time" :
		    "no model given", NULL);
	if (c->in_place && strcmp(argv[0], "-") == 0)
		return cmd_usage("fix", "--in-place needs a file, not "
		    "standard input", NULL);
	out = c->in_place ? argv[0] : c->output;
	if (out == NULL && !c->o.dry_run)
		return cmd_usage("fix",
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
			return cmd_usage("fix", why, NULL);
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
		return report_close(c, &r, rc);
	}
	/* an output that cannot be written fails before any pass runs,
	 * and so does a picture without Graphviz */
	if ((out != NULL && !c->o.dry_run && output_unwritable(out, &d)) ||
	    (c->dot != NULL && !c->o.dry_run &&
	    output_unwritable(c->dot, &d)) ||
	    (c->dot_diff != NULL && output_unwritable(c->dot_diff, &d)) ||
	    (((c->dot != NULL && !c->o.dry_run) || c->dot_diff != NULL) &&
	    onnxfix_dot_ready(&d) != ONNXFIX_OK)) {
		rc = report_model(c, &r, argv[0], &d, EXIT_IO);
		diag_list_release(&d);
		return report_close(c, &r, rc);
	}
	progress_init(&pg, c->report_format == REPORT_TEXT ? c->progress : 0);
	c->o.progress = progress_bytes;
	c->o.progress_arg = &pg;
	memset(&cs, 0, sizeof(cs));
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
		memset(&cs, 0, sizeof(cs));
		if (census_add(&cs, m, 1) < 0)
			rc = EXIT_INTERNAL;
		if (rc == EXIT_CLEAN)
			rc = exit_of(onnxfix_input_shapes(m, &c->o, &d));
		if (rc == EXIT_CLEAN)
			rc = exit_of(onnxfix_fix(m, &c->o, &d));
		changed = onnxfix_model_changed(m);
		after = cs.nodes;
		if (rc == EXIT_CLEAN && census_add(&cs, m, -1) == 0) {
			struct census tmp = { 0 };

			if (census_add(&tmp, m, 1) == 0)
				after = tmp.nodes;
			free(tmp.v);
			summary = true;
		}
		if (rc == EXIT_CLEAN && !c->o.dry_run)
			rc = exit_of(onnxfix_save(m, out, &c->o, &d));
		if (rc == EXIT_CLEAN && c->dot != NULL && !c->o.dry_run)
			rc = exit_of(onnxfix_dot(m, c->dot,
			    format_of_name(c->dot), &d));
		if (rc == EXIT_CLEAN && c->dot_diff != NULL)
			rc = exit_of(onnxfix_dot_opts(m, c->dot_diff,
			    format_of_name(c->dot_diff), &dopt, &d));
		/* the census names point into the model: written now */
		if (summary && rc == EXIT_CLEAN) {
			size_t len;
			FILE *fp = open_memstream(&sumtext, &len);

			if (fp != NULL) {
				fix_summary(fp, argv[0], &cs, after, changed,
				    c->o.dry_run, file_bytes(argv[0]),
				    c->o.dry_run ? -1 : file_bytes(out));
				if (fclose(fp) != 0) {
					free(sumtext);
					sumtext = NULL;
				}
			}
		}
		onnxfix_model_free(m);
	}
	progress_end(&pg);
	rc = report_model(c, &r, argv[0], &d, rc);
	if (sumtext != NULL && rc == EXIT_CLEAN && r.fmt == REPORT_TEXT &&
	    !c->quiet)
		fputs(sumtext, r.out);
	free(sumtext);
	free(cs.v);
	diag_list_release(&d);
	return report_close(c, &r, rc);
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
	if (n >= 5 && strcmp(path + n - 5, ".html") == 0)
		return ONNXFIX_HTML;
	return ONNXFIX_DOT;
}

/* The picture type -T TYPE names into *FMT; -1 when it names none. */
static int
picture_type(const char *type, enum onnxfix_dot_format *fmt)
{
	static const struct {
		const char *name;
		enum onnxfix_dot_format fmt;
	} types[] = {
		{ "dot", ONNXFIX_DOT }, { "svg", ONNXFIX_SVG },
		{ "png", ONNXFIX_PNG }, { "html", ONNXFIX_HTML },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i].name) == 0) {
			*fmt = types[i].fmt;
			return 0;
		}
	return -1;
}

static int
cmd_dot(struct cli *c, int argc, char **argv)
{
	enum onnxfix_dot_format fmt = ONNXFIX_DOT;
	struct diag_list d;
	struct ir_model *m;
	int rc;

	if (argc != 1)
		return cmd_usage("dot", argc ? "one model at a time" :
		    "no model given", NULL);
	if (c->format != NULL) {
		if (picture_type(c->format, &fmt) < 0)
			return cmd_usage("dot", "unknown output type",
			    c->format);
	} else if (c->output != NULL) {
		/* -o picture.svg / picture.png: the type from the name */
		fmt = format_of_name(c->output);
	}
	if (fmt == ONNXFIX_PNG && (c->output == NULL ||
	    strcmp(c->output, "-") == 0) && isatty(STDOUT_FILENO))
		return cmd_usage("dot", "a PNG is not "
		    "written to a terminal; give -o FILE.png", NULL);
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
	/* what the picture leaves out is said where a user reads it, not
	 * only inside the picture */
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].id == DIAG_OUT_DOT_CUT ||
		    d.v[i].id == DIAG_OUT_DOT_SIMPLIFIED ||
		    d.v[i].id == DIAG_OUT_PAGE_PARTS)
			diag_print(stderr, argv[0], &d.v[i]);
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
	enum onnxfix_dot_format fmt = ONNXFIX_DOT;
	bool differ = false;
	int rc;

	if (argc != 2)
		return cmd_usage("diff",
		    "two models expected", NULL);
	if (c->report_format != REPORT_TEXT && c->report_format != REPORT_JSON)
		return cmd_usage("diff",
		    "diff writes text or json", NULL);
	if (c->format != NULL) {
		if (picture_type(c->format, &fmt) < 0)
			return cmd_usage("diff", "unknown output type",
			    c->format);
		if (fmt == ONNXFIX_PNG && (c->output == NULL ||
		    strcmp(c->output, "-") == 0) && isatty(STDOUT_FILENO))
			return cmd_usage("diff", "a PNG is not written to a "
			    "terminal; give -o FILE.png", NULL);
	}
	/* -o changes.json: the format from the name, unless given */
	if (!c->report_format_set && c->output != NULL &&
	    strlen(c->output) >= 5 &&
	    strcmp(c->output + strlen(c->output) - 5, ".json") == 0)
		c->report_format = REPORT_JSON;
	diag_list_init(&d);
	rc = load(c, argv[0], &d, &a);
	if (rc == EXIT_CLEAN) {
		print_fatal(argv[0], &d);
		diag_list_release(&d);
		diag_list_init(&d);
		rc = load(c, argv[1], &d, &b);
		if (rc == EXIT_CLEAN) {
			if (c->format != NULL)
				rc = exit_of(onnxfix_diff_picture(a, b,
				    c->output ? c->output : "-", fmt,
				    &c->dopt, &differ, &d));
			else
				rc = exit_of(onnxfix_diff(a, b, c->output ?
				    c->output : "-", c->report_format ==
				    REPORT_JSON, &differ, &d));
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
print_type(FILE *fp, const struct ir_type *t)
{
	char b[DIAG_ESCAPE_SIZE];
	int i;

	switch (t->kind) {
	case IR_TYPE_NONE:
		fprintf(fp, "?");
		return;
	case IR_TYPE_SEQUENCE:
		fprintf(fp, "sequence");
		return;
	case IR_TYPE_MAP:
		fprintf(fp, "map");
		return;
	case IR_TYPE_OPTIONAL:
		fprintf(fp, "optional");
		return;
	case IR_TYPE_OPAQUE:
		fprintf(fp, "opaque");
		return;
	case IR_TYPE_TENSOR:
	case IR_TYPE_SPARSE:
		break;
	}
	fprintf(fp, "%s%s", t->kind == IR_TYPE_SPARSE ? "sparse " : "",
	    ir_elem_name(t->elem) ? ir_elem_name(t->elem) : "?");
	if (t->rank < 0)
		return;
	fprintf(fp, "[");
	for (i = 0; i < t->rank; i++) {
		if (i)
			fprintf(fp, ",");
		if (t->dims[i].kind == IR_DIM_VALUE)
			fprintf(fp, "%" PRId64, t->dims[i].value);
		else if (t->dims[i].kind == IR_DIM_PARAM)
			fprintf(fp, "%s", diag_escape_str(b, sizeof(b),
			    t->dims[i].param));
		else
			fprintf(fp, "?");
	}
	fprintf(fp, "]");
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

/* Add T's element count and byte size to *PARAMS and *BYTES. */
static void
count_tensor(const struct ir_tensor *t, uint64_t *params, uint64_t *bytes)
{
	uint64_t count, b;

	if (ir_tensor_count(t, &count, NULL) < 0)
		return;
	*params += count;
	if (t->storage == IR_DATA_RAW)
		*bytes += t->size;
	else if (ir_elem_bytes(t->elem, count, &b) == 0)
		*bytes += b;
}

/* What info shows of a model. */
struct info {
	struct histo *h;	/* operators, most used first */
	size_t nh, ngraphs, nodes;
	uint64_t params, bytes;
};

/* Count M's graphs, nodes, operators and parameters into I; -1 when out
 * of memory. */
static int
info_collect(struct ir_model *m, struct info *I)
{
	struct ir_graph **graphs;
	size_t i, j, k;

	memset(I, 0, sizeof(*I));
	I->ngraphs = ir_model_graphs(m, &graphs);
	for (i = 0; i < I->ngraphs; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *n = g->nodes[j];

			I->nodes++;
			for (k = 0; k < I->nh; k++)
				if (strcmp(I->h[k].op, n->op_type) == 0 &&
				    strcmp(I->h[k].domain, n->domain) == 0)
					break;
			if (k == I->nh) {
				struct histo *nv = realloc(I->h,
				    (I->nh + 1) * sizeof(*nv));

				if (nv == NULL)
					return -1;
				I->h = nv;
				I->h[I->nh].op = n->op_type;
				I->h[I->nh].domain = n->domain;
				I->h[I->nh].n = 0;
				I->nh++;
			}
			I->h[k].n++;
			/* weights exporters keep in Constant nodes count too */
			if (!n->dead && ir_is_op(n, "Constant"))
				for (k = 0; k < n->nattrs; k++)
					if (n->attrs[k].t != NULL)
						count_tensor(n->attrs[k].t,
						    &I->params, &I->bytes);
		}
		for (j = 0; j < g->ninits; j++)
			if (g->inits[j] != NULL)
				count_tensor(g->inits[j], &I->params,
				    &I->bytes);
	}
	if (I->h != NULL)
		qsort(I->h, I->nh, sizeof(*I->h), histo_cmp);
	return 0;
}

static void
print_info(struct ir_model *m, const struct info *I)
{
	char b[DIAG_ESCAPE_SIZE], e[DIAG_ESCAPE_SIZE];
	size_t i;

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
	printf("graphs:       %zu (%zu functions)\n", I->ngraphs,
	    m->nfunctions);
	printf("nodes:        %zu\n", I->nodes);
	printf("parameters:   %" PRIu64 " (%" PRIu64 " bytes)\n", I->params,
	    I->bytes);
	printf("inputs:\n");
	for (i = 0; i < m->graph->ninputs; i++) {
		const struct ir_value *v = m->graph->inputs[i].value;

		if (v != NULL && v->init != NULL)
			continue;
		printf("  %s: ", diag_escape_str(b, sizeof(b),
		    m->graph->inputs[i].name));
		print_type(stdout, &m->graph->inputs[i].type);
		printf("\n");
	}
	printf("outputs:\n");
	for (i = 0; i < m->graph->noutputs; i++) {
		printf("  %s: ", diag_escape_str(b, sizeof(b),
		    m->graph->outputs[i].name));
		print_type(stdout, &m->graph->outputs[i].type);
		printf("\n");
	}
	printf("operators:\n");
	for (i = 0; i < I->nh; i++)
		printf("  %6zu  %s%s%s\n", I->h[i].n, I->h[i].domain[0] ?
		    diag_escape_str(e, sizeof(e), I->h[i].domain) : "",
		    I->h[i].domain[0] ? "::" : "",
		    diag_escape_str(b, sizeof(b), I->h[i].op));
}

/* T as info prints it, as a JSON string. */
static json_t *
type_json(const struct ir_type *t)
{
	char *s = NULL;
	size_t n;
	FILE *fp = open_memstream(&s, &n);
	json_t *j;

	if (fp == NULL)
		return NULL;
	print_type(fp, t);
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	j = json_string(s);
	free(s);
	return j;
}

/* The interface values of VI (N of them), initializers left out. */
static json_t *
vinfos_json(const struct ir_vinfo *vi, size_t n, bool *bad)
{
	char b[DIAG_ESCAPE_SIZE];
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		*bad = true;
	for (i = 0; a != NULL && i < n; i++) {
		if (vi[i].value != NULL && vi[i].value->init != NULL)
			continue;
		if (json_array_append_new(a, json_pack("{s:s,s:o*}", "name",
		    diag_escape_str(b, sizeof(b), vi[i].name), "type",
		    type_json(&vi[i].type))) < 0)
			*bad = true;
	}
	return a;
}

/* info --format json: one object per model. */
static json_t *
info_json(const char *file, struct ir_model *m, const struct info *I)
{
	char b[DIAG_ESCAPE_SIZE], e[DIAG_ESCAPE_SIZE], v[DIAG_ESCAPE_SIZE];
	json_t *o, *opsets = json_array(), *ops = json_array();
	bool bad = opsets == NULL || ops == NULL;
	size_t i;

	for (i = 0; !bad && i < m->nopsets; i++)
		bad = json_array_append_new(opsets, json_pack("{s:s,s:I}",
		    "domain", m->opsets[i].domain[0] ? diag_escape_str(b,
		    sizeof(b), m->opsets[i].domain) : "ai.onnx", "version",
		    (json_int_t)m->opsets[i].version)) < 0;
	for (i = 0; !bad && i < I->nh; i++)
		bad = json_array_append_new(ops, json_pack("{s:s,s:s,s:I}",
		    "domain", diag_escape_str(e, sizeof(e), I->h[i].domain),
		    "op_type", diag_escape_str(b, sizeof(b), I->h[i].op),
		    "count", (json_int_t)I->h[i].n)) < 0;
	o = json_pack("{s:s,s:I,s:{s:s,s:s},s:o,s:I,s:I,s:I,s:I,s:I}",
	    "file", diag_escape_str(b, sizeof(b), file),
	    "ir_version", (json_int_t)m->ir_version,
	    "producer", "name", diag_escape_str(e, sizeof(e),
	    m->producer_name), "version", diag_escape_str(v, sizeof(v),
	    m->producer_version),
	    "opsets", opsets,
	    "graphs", (json_int_t)I->ngraphs,
	    "functions", (json_int_t)m->nfunctions,
	    "nodes", (json_int_t)I->nodes,
	    "parameters", (json_int_t)I->params,
	    "parameter_bytes", (json_int_t)I->bytes);
	if (o == NULL || bad) {
		json_decref(o);
		json_decref(ops);
		return NULL;
	}
	json_object_set_new(o, "inputs", vinfos_json(m->graph->inputs,
	    m->graph->ninputs, &bad));
	json_object_set_new(o, "outputs", vinfos_json(m->graph->outputs,
	    m->graph->noutputs, &bad));
	json_object_set_new(o, "operators", ops);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
cmd_info(struct cli *c, int argc, char **argv)
{
	json_t *models = NULL;
	int i, rc = EXIT_CLEAN;
	bool json = c->report_format == REPORT_JSON;

	if (argc < 1)
		return cmd_usage("info",
		    "no model given", NULL);
	if (c->report_format_set && !json && c->report_format != REPORT_TEXT)
		return cmd_usage("info", "info writes "
		    "text or json", NULL);
	if (json && (models = json_array()) == NULL)
		return EXIT_INTERNAL;
	for (i = 0; i < argc; i++) {
		struct diag_list d;
		struct ir_model *m;
		struct info I;
		struct profile P;
		int r;

		diag_list_init(&d);
		r = load(c, argv[i], &d, &m);
		if (r == EXIT_CLEAN) {
			char b[DIAG_ESCAPE_SIZE];

			if (info_collect(m, &I) < 0) {
				r = EXIT_INTERNAL;
			} else if (json) {
				json_t *o = info_json(argv[i], m, &I);

				if (o != NULL && c->profile &&
				    profile_model(m, &P) < 0) {
					/* out of its memory budget */
					diag_report(&d, DIAG_LOAD_BUDGET, "",
					    "while profiling");
					r = EXIT_BUDGET;
				} else if (o != NULL && c->profile &&
				    json_object_set_new(o, "profile",
				    profile_json(&P)) < 0) {
					json_decref(o);
					o = NULL;
				}
				if (o == NULL ||
				    json_array_append_new(models, o) < 0)
					r = EXIT_INTERNAL;
			} else {
				if (argc > 1)
					printf("%s== %s\n", i ? "\n" : "",
					    diag_escape_str(b, sizeof(b),
					    argv[i]));
				print_info(m, &I);
				if (c->profile) {
					if (profile_model(m, &P) < 0) {
						diag_report(&d,
						    DIAG_LOAD_BUDGET, "",
						    "while profiling");
						r = EXIT_BUDGET;
					} else {
						profile_print(stdout, &P);
					}
				}
			}
			free(I.h);
			onnxfix_model_free(m);
		}
		if (json)
			print_fatal(argv[i], &d);
		else
			print_diags(argv[i], &d, c->quiet);
		diag_list_release(&d);
		rc = worse(rc, r);
	}
	if (json) {
		json_t *doc = json_pack("{s:s,s:i,s:o}", "format",
		    "onnxfix-info", "version", 1, "models", models);

		if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2) |
		    JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER) < 0 ||
		    fputc('\n', stdout) == EOF)
			rc = worse(rc, EXIT_IO);
		json_decref(doc);
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
		return cmd_usage("passes", "no arguments expected", NULL);
	for (i = 0; pass_table[i] != NULL; i++)
		printf("%-12s %-8s %s\n", pass_table[i]->name,
		    pass_table[i]->kind == PASS_ANALYSIS ? "check" : "fix",
		    pass_table[i]->summary);
	return EXIT_CLEAN;
}

/* TEXT to stdout, wrapped at 72 columns, each line indented by 2. */
static void
print_wrapped(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t line = nl ? (size_t)(nl - p) : strlen(p);

		while (line > 70) {
			size_t cut = 70;

			while (cut > 20 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = 70;
			printf("  %.*s\n", (int)cut, p);
			p += cut + (p[cut] == ' ');
			line -= cut + (line > cut && p[-1] == ' ');
		}
		printf(line ? "  %.*s\n" : "\n", (int)line, p);
		p += line;
		if (*p == '\n')
			p++;
	}
}

/* Is CODE one of the entries of the catalogue starting with PREFIX? */
static bool
has_prefix(const char *code, const char *prefix)
{
	return strncasecmp(code, prefix, strlen(prefix)) == 0;
}

/*
 * explain CODE...: each code's catalogue entry in full (level, title and
 * the explanation the man page gives).  A prefix (S2, C4) or --list
 * lists the codes it covers, one a line.
 */
static int
cmd_explain(struct cli *c, int argc, char **argv)
{
	char b[DIAG_ESCAPE_SIZE];
	size_t k;
	int i;

	if (c->list) {
		if (argc != 0)
			return cmd_usage("explain",
			    "--list takes no code", argv[0]);
		for (k = 0; k < DIAG__COUNT; k++)
			printf("%-5s %-8s %s\n", diag_table[k].code,
			    diag_level_name(diag_table[k].level),
			    diag_table[k].text);
		return EXIT_CLEAN;
	}
	if (argc < 1)
		return cmd_usage("explain",
		    "no code given (onnxfix explain --list lists them)", NULL);
	/* every argument must name something before anything is printed */
	for (i = 0; i < argc; i++) {
		bool any = false;

		for (k = 0; k < DIAG__COUNT && !any; k++)
			any = argv[i][0] != '\0' &&
			    has_prefix(diag_table[k].code, argv[i]);
		if (!any) {
			fprintf(stderr, "onnxfix: unknown diagnostic code "
			    "'%s' (onnxfix explain --list lists them)\n",
			    diag_escape_str(b, sizeof(b), argv[i]));
			return EXIT_USAGE;
		}
	}
	for (i = 0; i < argc; i++) {
		const struct diag_info *info = diag_lookup(argv[i]);
		const char *text;

		if (info == NULL) {
			for (k = 0; k < DIAG__COUNT; k++)
				if (has_prefix(diag_table[k].code, argv[i]))
					printf("%-5s %-8s %s\n",
					    diag_table[k].code,
					    diag_level_name(
					    diag_table[k].level),
					    diag_table[k].text);
			continue;
		}
		if (i > 0)
			printf("\n");
		printf("%s %s: %s\n", info->code,
		    diag_level_name(info->level), info->text);
		if ((text = diag_explain(info->code)) != NULL && *text) {
			printf("\n");
			print_wrapped(text);
		}
	}
	return EXIT_CLEAN;
}

/* Each command's own options, in the order -h shows them. */
static const struct command_opt check_opts[] = {
	{ OPT_HELP, NULL }, { OPT_QUIET, NULL },
	{ OPT_FORMAT, NULL },
	{ OPT_OUTPUT, "write the report to FILE (atomically) instead of "
	  "stdout" },
	{ OPT_FAIL_ON, NULL }, { OPT_SELECT, NULL }, { OPT_IGNORE, NULL },
	{ OPT_BASELINE, NULL }, { OPT_TARGET, NULL }, { OPT_EXPECT, NULL },
	{ OPT_PASSES, "run only these analysis passes (onnxfix passes); "
	  "none: no pass" },
	{ OPT_SKIP, "leave out these analysis passes" },
	{ OPT_JOBS, NULL }, { OPT_PROGRESS, NULL }, { OPT_NO_PROGRESS, NULL },
	CLI_LIMIT_OPTS, { 0, NULL },
};

static const struct command_opt fix_opts[] = {
	{ OPT_HELP, NULL }, { OPT_QUIET, NULL }, { OPT_VERBOSE, NULL },
	{ OPT_OUTPUT, "write the model to FILE (- for stdout: every "
	  "message then goes to stderr)" },
	{ OPT_IN_PLACE, NULL }, { OPT_DRY_RUN, NULL },
	{ OPT_PASSES, "run only these rewrite passes (onnxfix passes); "
	  "none: only write the model back" },
	{ OPT_SKIP, "leave out these rewrite passes" },
	{ OPT_BN_CONVENTION, NULL }, { OPT_EXPLICIT_DEFAULTS, NULL },
	{ OPT_INFERENCE, NULL }, { OPT_PADS, NULL }, { OPT_INPUTS_LAYOUT, NULL },
	{ OPT_OUTPUTS_LAYOUT, NULL }, { OPT_MAP, NULL }, { OPT_MAP_FILE, NULL },
	{ OPT_INPUT_SHAPE, NULL }, { OPT_DIM_PARAM, NULL },
	{ OPT_OPSET, NULL }, { OPT_IR_VERSION, NULL },
	{ OPT_EXTERNAL_DATA, NULL }, { OPT_SIZE_THRESHOLD, NULL },
	{ OPT_SYNC, NULL }, { OPT_NO_SYNC, NULL },
	{ OPT_DOT, NULL }, { OPT_DOT_DIFF, NULL },
	{ OPT_FOCUS, "--dot-diff: only around this node or tensor" },
	{ OPT_RADIUS, NULL },
	{ OPT_OPS, "--dot-diff: only these op types" },
	{ OPT_COLLAPSE, "--dot-diff: draw repeated blocks once" },
	{ OPT_MAX_NODES, "--dot-diff: node limit (default 500)" },
	{ OPT_NO_SCOPES, "--dot-diff: no clusters for name scopes" },
	{ OPT_FORMAT, "the notes as text (default), json, sarif or github" },
	{ OPT_SELECT, "report only these codes or prefixes" },
	{ OPT_IGNORE, NULL },
	{ OPT_PROGRESS, NULL }, { OPT_NO_PROGRESS, NULL },
	CLI_LIMIT_OPTS, { 0, NULL },
};

static const struct command_opt dot_opts[] = {
	{ OPT_HELP, NULL },
	{ OPT_OUTPUT, "output file (default stdout)" },
	{ OPT_TYPE, NULL },
	{ OPT_FOCUS, NULL }, { OPT_RADIUS, NULL }, { OPT_OPS, NULL },
	{ OPT_COLLAPSE, NULL }, { OPT_MAX_NODES, NULL },
	{ OPT_NO_SCOPES, NULL },
	{ OPT_SELECT, "mark only the findings of these codes or prefixes" },
	{ OPT_IGNORE, "do not mark these findings" },
	{ OPT_TARGET, NULL }, { OPT_EXPECT, NULL },
	{ OPT_PASSES, "run only these analysis passes for the marks" },
	{ OPT_SKIP, "leave out these analysis passes" },
	CLI_LIMIT_OPTS, { 0, NULL },
};

static const struct command_opt diff_opts[] = {
	{ OPT_HELP, NULL },
	{ OPT_OUTPUT, "output file (default stdout)" },
	{ OPT_FORMAT, "text (default) or json" },
	{ OPT_TYPE, "draw the diff: dot, svg, png or html" },
	{ OPT_FOCUS, NULL }, { OPT_RADIUS, NULL },
	{ OPT_COLLAPSE, NULL }, { OPT_MAX_NODES, NULL },
	{ OPT_NO_SCOPES, NULL },
	CLI_LIMIT_OPTS, { 0, NULL },
};

static const struct command_opt info_opts[] = {
	{ OPT_HELP, NULL }, { OPT_QUIET, NULL },
	{ OPT_FORMAT, "text (default) or json" },
	{ OPT_PROFILE, NULL },
	CLI_LIMIT_OPTS, { 0, NULL },
};

static const struct command_opt help_only_opts[] = {
	{ OPT_HELP, NULL }, { 0, NULL },
};

static const struct command_opt explain_opts[] = {
	{ OPT_HELP, NULL }, { OPT_LIST, NULL }, { 0, NULL },
};

const struct command cli_commands[] = {
	{ "check", "MODEL|DIR...",
	  "Check models against the ONNX rules and report findings.",
	  check_opts, cmd_check },
	{ "fix", "(-o OUT | --in-place | --dry-run) MODEL",
	  "Run the rewrite passes and write the repaired model.", fix_opts,
	  cmd_fix },
	{ "dot", "MODEL", "Draw the model's graph with Graphviz.", dot_opts,
	  cmd_dot },
	{ "diff", "A B",
	  "Show what differs between two models (exit 1 when they do).",
	  diff_opts, cmd_diff },
	{ "info", "MODEL...",
	  "Summarise models: versions, opsets, interface, operators.",
	  info_opts, cmd_info },
	{ "passes", "", "List the passes in pipeline order.", help_only_opts,
	  cmd_passes },
	{ "explain", "CODE|PREFIX... | --list",
	  "Show the catalogue entry of diagnostic codes.", explain_opts,
	  cmd_explain },
};

const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct command *
cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: onnxfix COMMAND [OPTIONS] ARGS\n\n");
	for (i = 0; i < cli_ncommands; i++)
		fprintf(fp, "  %-8s %s\n", cli_commands[i].name,
		    cli_commands[i].help);
	fprintf(fp, "\nonnxfix COMMAND -h (or onnxfix help COMMAND) shows a "
	    "command's options;\nonnxfix(1) has the details.\n");
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	struct cli c;
	char **ops;
	int nops, rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
	/* Memory a pass frees goes to the next one: allocations under
	 * 4 MiB come from the heap, and its free top is not given back to
	 * the kernel before 64 MiB.  Each page given back and taken again
	 * costs a page fault (about 10 us on a virtual machine that traps
	 * page-table updates): a GRU export folded at run time takes 433
	 * faults instead of 462, swin_t 919 instead of 1,231. */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0) {
		printf("onnxfix %s\n", ONNXFIX_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc != 3 || (cmd = cli_find_command(argv[2])) == NULL)
			return cli_usage_error(NULL, "help takes one command "
			    "name", argc > 2 ? argv[2] : NULL);
		cli_help(stdout, cmd);
		return EXIT_CLEAN;
	}
	cmd = cli_find_command(argv[1]);
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
	if ((rc = cli_parse(cmd, argc - 1, argv + 1, &c, &nops, &ops)) >= 0)
		return rc;
	rc = cmd->run(&c, nops, ops);
	free(ops);
	return rc;
}
