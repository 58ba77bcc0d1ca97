/* SPDX-License-Identifier: MIT */
/*
 * Options: one table of every option (name, argument, help), each
 * command's own list of the options it takes (src/cli/main.c), and the
 * parser and help printer that both read those tables, so that what -h
 * shows is exactly what is accepted.  Fail closed: an option the command
 * does not take, an abbreviation, a value that is not one of the valid
 * ones, or a list (--passes, --select) that names something the command
 * cannot use is a usage error naming the culprit and what would do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "diag/report.h"
#include "passes/pass.h"

#define LIMITS 1u	/* shown under "limits:" in -h */

struct opt {
	int key;
	char letter;		/* short form, 0: none */
	const char *name;	/* long form, without "--" */
	const char *arg;	/* its argument in -h; NULL: a flag */
	const char *help;
	unsigned flags;
};

static const struct opt opts[] = {
	{ OPT_HELP, 'h', "help", NULL, "show this help and exit", 0 },
	{ OPT_OUTPUT, 'o', "output", "FILE", "write the output to FILE", 0 },
	{ OPT_QUIET, 'q', "quiet", NULL, "print warnings and errors only",
	  0 },
	{ OPT_VERBOSE, 'v', "verbose", NULL, "list every note and warning; "
	  "those of one kind on more than 3 nodes are otherwise one line",
	  0 },
	{ OPT_TYPE, 'T', "type", "FMT", "dot, svg, png or html (default: "
	  "from -o's .svg/.png/.html, else dot)", 0 },
	{ OPT_JOBS, 'j', "jobs", "N", "check N models at once", 0 },
	{ OPT_FORMAT, 0, "format", "FMT", "text (default), json, sarif or "
	  "github", 0 },
	{ OPT_FAIL_ON, 0, "fail-on", "LEVEL", "exit 1 at this level: note, "
	  "warning, error (default), never", 0 },
	{ OPT_SELECT, 0, "select", "LIST", "report only these codes or "
	  "prefixes (S2,C400)", 0 },
	{ OPT_IGNORE, 0, "ignore", "LIST", "leave out these codes or "
	  "prefixes", 0 },
	{ OPT_BASELINE, 0, "baseline", "FILE", "accept the findings of this "
	  "JSON report", 0 },
	{ OPT_TARGET, 0, "target", "LIST", "judge support by runtimes: "
	  "onnx[@OPSET], ort-cpu, ort-cuda, ort-dml, tensorrt, tflite, fp16",
	  0 },
	{ OPT_EXPECT, 0, "expect", "CONV", "the framework convention to "
	  "expect: onnx, pytorch, keras, tf", 0 },
	{ OPT_PASSES, 0, "passes", "LIST", "run only these passes "
	  "(onnxfix passes); none: no pass", 0 },
	{ OPT_SKIP, 0, "skip", "LIST", "leave out these passes", 0 },
	{ OPT_PROGRESS, 0, "progress", NULL, "progress on stderr (default: "
	  "when it is a terminal)", 0 },
	{ OPT_NO_PROGRESS, 0, "no-progress", NULL, "no progress on stderr",
	  0 },
	{ OPT_IN_PLACE, 0, "in-place", NULL, "replace the input", 0 },
	{ OPT_DRY_RUN, 0, "dry-run", NULL, "report, write nothing", 0 },
	{ OPT_DOT, 0, "dot", "FILE", "also draw the result (.svg, .png, else "
	  "DOT)", 0 },
	{ OPT_DOT_DIFF, 0, "dot-diff", "FILE", "draw the result with removed "
	  "nodes ghosted and new ones marked (.svg, .png, else DOT)", 0 },
	{ OPT_SYNC, 0, "sync", NULL, "fsync outputs before renaming them "
	  "into place", 0 },
	{ OPT_NO_SYNC, 0, "no-sync", NULL, "do not fsync outputs (the "
	  "default)", 0 },
	{ OPT_EXTERNAL_DATA, 0, "external-data", "FILE", "write the weights "
	  "into FILE beside the output", 0 },
	{ OPT_SIZE_THRESHOLD, 0, "size-threshold", "BYTES", "with "
	  "--external-data: smaller tensors stay inline (1K)", 0 },
	{ OPT_BN_CONVENTION, 0, "bn-convention", "CONV", "normalise "
	  "BatchNormalization to onnx, pytorch, keras or tf", 0 },
	{ OPT_EXPLICIT_DEFAULTS, 0, "explicit-defaults", NULL, "write the "
	  "schema defaults nodes rely on", 0 },
	{ OPT_INFERENCE, 0, "inference", NULL, "turn training-mode "
	  "BatchNormalization into inference mode (changes its outputs)", 0 },
	{ OPT_PADS, 0, "pads", "HOW", "split: asymmetric Conv pads as a Pad "
	  "and symmetric pads", 0 },
	{ OPT_INPUTS_LAYOUT, 0, "inputs-layout", "LAYOUT", "make the image "
	  "inputs nchw or nhwc", 0 },
	{ OPT_OUTPUTS_LAYOUT, 0, "outputs-layout", "LAYOUT", "make the image "
	  "outputs nchw or nhwc", 0 },
	{ OPT_MAP, 0, "map", "SPEC", "map a custom operator: "
	  "DOMAIN::OP=NEWOP[(attr=value,...)]", 0 },
	{ OPT_MAP_FILE, 0, "map-file", "FILE", "mappings, one a line", 0 },
	{ OPT_OPSET, 0, "opset", "N", "convert the default domain to opset N "
	  "(up or down), exactly or not at all", 0 },
	{ OPT_IR_VERSION, 0, "ir-version", "N", "write IR version N (with "
	  "--opset: default what the opset needs)", 0 },
	{ OPT_FOCUS, 0, "focus", "NAME", "only around this node or tensor",
	  0 },
	{ OPT_RADIUS, 0, "radius", "N", "hops around --focus (default 3)",
	  0 },
	{ OPT_OPS, 0, "ops", "LIST", "only these op types (Conv,Transpose)",
	  0 },
	{ OPT_COLLAPSE, 0, "collapse", NULL, "draw repeated blocks once (xN)",
	  0 },
	{ OPT_MAX_NODES, 0, "max-nodes", "N", "node limit (default 500)", 0 },
	{ OPT_NO_SCOPES, 0, "no-scopes", NULL, "no clusters for name scopes",
	  0 },
	{ OPT_LIST, 0, "list", NULL, "list every code with its level and "
	  "title", 0 },
	{ OPT_PROFILE, 0, "profile", NULL, "parameters by element type and "
	  "multiply-accumulates by operator and name scope", 0 },
	{ OPT_INPUT_SHAPE, 0, "input-shape", "NAME=D1,D2,...", "fix the dims "
	  "of input NAME (one option per input)", 0 },
	{ OPT_DIM_PARAM, 0, "dim-param", "NAME=VALUE", "fix the symbolic "
	  "dim NAME to VALUE wherever the inputs use it", 0 },
	{ OPT_MAX_SIZE, 0, "max-size", "BYTES", "refuse larger inputs "
	  "(default 2G-1)", LIMITS },
	{ OPT_MEM_BUDGET, 0, "mem-budget", "BYTES", "memory budget (default "
	  "64M + 64 x input)", LIMITS },
	{ OPT_MAX_DEPTH, 0, "max-depth", "N", "message nesting limit (100)",
	  LIMITS },
	{ OPT_MAX_GRAPH_DEPTH, 0, "max-graph-depth", "N", "subgraph nesting "
	  "limit (32)", LIMITS },
	{ OPT_ALLOW_HARDLINKS, 0, "allow-hardlinks", NULL, "accept "
	  "hard-linked external data", LIMITS },
	{ OPT_MAX_EXTERNAL_FILES, 0, "max-external-files", "N", "distinct "
	  "external data files (4096)", LIMITS },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt *
opt_of(int key)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (opts[i].key == key)
			return &opts[i];
	return NULL;
}

/* CMD's entry for KEY, or NULL when CMD does not take it. */
static const struct command_opt *
takes(const struct command *cmd, int key)
{
	const struct command_opt *co;

	for (co = cmd->opts; co != NULL && co->key != 0; co++)
		if (co->key == key)
			return co;
	return NULL;
}

int
cli_usage_error(const struct command *cmd, const char *what,
    const char *arg)
{
	char b[DIAG_ESCAPE_SIZE];

	if (arg != NULL)
		fprintf(stderr, "onnxfix: %s '%s'", what,
		    diag_escape_str(b, sizeof(b), arg));
	else
		fprintf(stderr, "onnxfix: %s", what);
	if (cmd != NULL)
		fprintf(stderr, "\nusage: onnxfix %s [OPTIONS] %s (onnxfix %s "
		    "-h lists the options)\n", cmd->name, cmd->operands,
		    cmd->name);
	else
		fprintf(stderr, "\nusage: onnxfix COMMAND [OPTIONS] ARGS\n");
	return EXIT_USAGE;
}

/* An error whose message is built with printf; returns EXIT_USAGE. */
static int
fail(const struct command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(const struct command *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_usage_error(cmd, msg, NULL);
}

/* Levenshtein distance of A and B, capped at 99 (short names only). */
static unsigned
distance(const char *a, const char *b)
{
	unsigned row[64], i, j, diag, up;
	size_t la = strlen(a), lb = strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned sub = diag + ((a[i - 1] | 32) !=
			    (b[j - 1] | 32));

			up = row[j];
			row[j] = sub;
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * Into OUT (SIZE bytes): the candidates nearest to WORD (at most three,
 * comma-separated), or "" when none is near.  NAME(I) gives candidate I
 * of N, or NULL to skip it.
 */
static void
nearest(const char *word, size_t n, const char *(*name)(size_t, void *),
    void *arg, char *out, size_t size)
{
	unsigned best = 99, d, limit = (unsigned)strlen(word) / 2 + 1;
	size_t i, len = 0, shown = 0;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		if (name(i, arg) != NULL && (d = distance(word,
		    name(i, arg))) < best)
			best = d;
	if (best > limit || best > 3)
		return;
	for (i = 0; i < n && shown < 3; i++) {
		const char *c = name(i, arg);

		if (c == NULL || distance(word, c) != best)
			continue;
		len += (size_t)snprintf(out + len, len < size ? size - len : 0,
		    "%s%s", shown ? ", " : "", c);
		shown++;
	}
}

static const char *
code_name(size_t i, void *arg)
{
	(void)arg;
	return diag_table[i].code;
}

/* Is S a code of the catalogue or the prefix of one (any case)? */
static bool
known_selector(const char *s)
{
	size_t i, n = strlen(s);

	if (!report_valid_selector(s))
		return false;
	for (i = 0; i < DIAG__COUNT; i++)
		if (strncasecmp(diag_table[i].code, s, n) == 0)
			return true;
	return false;
}

/* Every entry of the comma-separated --select/--ignore LIST is a code
 * or a prefix of codes; else a usage error. */
static int
check_selectors(const struct command *cmd, const char *opt,
    const char *list)
{
	char near[256], *dup, *tok, *sv;
	const char *p;
	int rc = -1;

	if (list[0] == '\0')
		return fail(cmd, "%s: an empty list selects nothing (give "
		    "codes or prefixes such as S2 or C400)", opt);
	for (p = list; *p != '\0'; p++)
		if (*p == ',' && (p == list || p[1] == ',' || p[1] == '\0'))
			return fail(cmd, "%s: an empty entry in '%s'", opt,
			    list);
	if ((dup = strdup(list)) == NULL)
		return EXIT_INTERNAL;
	for (tok = strtok_r(dup, ",", &sv); tok != NULL && rc < 0;
	    tok = strtok_r(NULL, ",", &sv)) {
		char e[DIAG_ESCAPE_SIZE];

		if (known_selector(tok))
			continue;
		nearest(tok, DIAG__COUNT, code_name, NULL, near,
		    sizeof(near));
		rc = fail(cmd, "%s: no diagnostic code is or starts with "
		    "'%s'%s%s%s (onnxfix explain --list lists them)", opt,
		    diag_escape_str(e, sizeof(e), tok),
		    near[0] ? "; did you mean " : "", near,
		    near[0] ? "?" : "");
	}
	free(dup);
	return rc;
}

struct pass_names {
	enum pass_kind kind;
};

static const char *
pass_name(size_t i, void *arg)
{
	const struct pass_names *k = arg;

	return pass_table[i]->kind == k->kind ? pass_table[i]->name : NULL;
}

/* "structure, schema, ..." : the passes of KIND, into OUT. */
static void
pass_list(enum pass_kind kind, char *out, size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; pass_table[i] != NULL; i++)
		if (pass_table[i]->kind == kind)
			len += (size_t)snprintf(out + len, len < size ?
			    size - len : 0, "%s%s", len ? ", " : "",
			    pass_table[i]->name);
}

/* Every pass of --passes/--skip LIST exists and is of the kind CMD
 * runs (analyses for check and dot, rewrites for fix). */
static int
check_passes(const struct command *cmd, const char *opt, const char *list)
{
	struct pass_names k;
	char near[256], all[1024], e[DIAG_ESCAPE_SIZE], *dup, *tok, *sv;
	int rc = -1;

	k.kind = strcmp(cmd->name, "fix") == 0 ? PASS_REWRITE : PASS_ANALYSIS;
	pass_list(k.kind, all, sizeof(all));
	if (list[0] == '\0')
		return fail(cmd, "%s: an empty list names no pass (%s runs: "
		    "%s; --passes none runs none)", opt, cmd->name, all);
	/* the one way to ask for no pass at all: fix then only writes the
	 * model back */
	if (strcmp(opt, "--passes") == 0 && strcmp(list, "none") == 0)
		return -1;
	if ((dup = strdup(list)) == NULL)
		return EXIT_INTERNAL;
	for (tok = strtok_r(dup, ",", &sv); tok != NULL && rc < 0;
	    tok = strtok_r(NULL, ",", &sv)) {
		const struct pass *p = pass_lookup(tok);
		size_t n;

		if (p != NULL && p->kind == k.kind)
			continue;
		diag_escape_str(e, sizeof(e), tok);
		if (p != NULL) {
			rc = fail(cmd, "%s: '%s' is a %s pass; %s runs: %s",
			    opt, e, p->kind == PASS_REWRITE ? "fix" : "check",
			    cmd->name, all);
			break;
		}
		for (n = 0; pass_table[n] != NULL; n++)
			;
		nearest(tok, n, pass_name, &k, near, sizeof(near));
		rc = fail(cmd, "%s: unknown pass '%s'%s%s; %s runs: %s", opt,
		    e, near[0] ? ", did you mean " : "", near, cmd->name,
		    all);
	}
	free(dup);
	return rc;
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
	unsigned shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10, end++;
		break;
	case 'M':
	case 'm':
		shift = 20, end++;
		break;
	case 'G':
	case 'g':
		shift = 30, end++;
		break;
	}
	if (*end != '\0' || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
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

/* --target LIST: repeatable and comma-separated. */
static int
add_targets(const struct command *cmd, struct cli *c, const char *list)
{
	char *dup = strdup(list), *tok, *sv;
	int rc = -1;

	if (dup == NULL)
		return EXIT_INTERNAL;
	if (list[0] == '\0')
		rc = fail(cmd, "--target: an empty list names no runtime");
	for (tok = strtok_r(dup, ",", &sv); tok != NULL && rc < 0;
	    tok = strtok_r(NULL, ",", &sv)) {
		struct onnxfix_target t;
		char all[256], what[300];

		if (onnxfix_parse_target(tok, &t) < 0) {
			snprintf(what, sizeof(what), "unknown target (one "
			    "of: %s)", onnxfix_target_spellings(all,
			    sizeof(all)));
			rc = cli_usage_error(cmd, what, tok);
		}
		else if (c->o.ntargets == ONNXFIX_MAX_TARGETS)
			rc = cli_usage_error(cmd, "too many targets", tok);
		else
			c->o.targets[c->o.ntargets++] = t;
	}
	free(dup);
	return rc;
}

/* Apply option KEY with value V (NULL for a flag) to C. */
static int
apply(const struct command *cmd, struct cli *c, int key, const char *v)
{
	int level;

	switch (key) {
	case OPT_OUTPUT:
		c->output = v;
		break;
	case OPT_QUIET:
		c->quiet = true;
		break;
	case OPT_VERBOSE:
		c->verbose = true;
		break;
	case OPT_TYPE:
		if (strcmp(v, "dot") && strcmp(v, "svg") && strcmp(v, "png") &&
		    strcmp(v, "html"))
			return cli_usage_error(cmd, "unknown output type (one "
			    "of: dot, svg, png, html)", v);
		c->format = v;
		break;
	case OPT_FAIL_ON:
		if ((level = parse_level(v)) < 0)
			return cli_usage_error(cmd, "bad level (one of: note, "
			    "warning, error, never)", v);
		c->fail_on = level;
		break;
	case OPT_PASSES:
	case OPT_SKIP:
		if ((level = check_passes(cmd, key == OPT_PASSES ? "--passes" :
		    "--skip", v)) >= 0)
			return level;
		if (key == OPT_PASSES)
			c->o.passes = v;
		else
			c->o.skip = v;
		break;
	case OPT_DRY_RUN:
		c->o.dry_run = true;
		break;
	case OPT_IN_PLACE:
		c->in_place = true;
		break;
	case OPT_DOT:
		c->dot = v;
		break;
	case OPT_MAX_SIZE:
		if (parse_size(v, &c->o.max_file_bytes) < 0)
			return cli_usage_error(cmd, "bad size (a number with "
			    "an optional K, M or G)", v);
		break;
	case OPT_MEM_BUDGET:
		if (parse_size(v, &c->o.mem_budget) < 0)
			return cli_usage_error(cmd, "bad size (a number with "
			    "an optional K, M or G)", v);
		break;
	case OPT_MAX_DEPTH:
		if (parse_uint(v, &c->o.max_depth) < 0)
			return cli_usage_error(cmd, "bad depth (1 to 100000)",
			    v);
		break;
	case OPT_MAX_GRAPH_DEPTH:
		if (parse_uint(v, &c->o.max_graph_depth) < 0)
			return cli_usage_error(cmd, "bad depth (1 to 100000)",
			    v);
		break;
	case OPT_FORMAT:
		if ((c->report_format = report_parse_format(v)) < 0)
			return cli_usage_error(cmd, "unknown format (one of: "
			    "text, json, sarif, github)", v);
		c->report_format_set = true;
		break;
	case OPT_SELECT:
	case OPT_IGNORE:
		if ((level = check_selectors(cmd, key == OPT_SELECT ?
		    "--select" : "--ignore", v)) >= 0)
			return level;
		if (key == OPT_SELECT)
			c->select = v;
		else
			c->ignore = v;
		break;
	case OPT_BASELINE:
		c->baseline = v;
		break;
	case OPT_JOBS:
		if (parse_uint(v, &c->jobs) < 0 || c->jobs > 256)
			return cli_usage_error(cmd, "bad job count (1 to 256)",
			    v);
		break;
	case OPT_PROGRESS:
	case OPT_NO_PROGRESS:
		c->progress = key == OPT_PROGRESS;
		break;
	case OPT_SYNC:
	case OPT_NO_SYNC:
		c->o.sync = key == OPT_SYNC;
		break;
	case OPT_FOCUS:
		c->dopt.focus = v;
		c->dopt_set = true;
		break;
	case OPT_RADIUS:
		if (parse_uint(v, &c->dopt.radius) < 0)
			return cli_usage_error(cmd, "bad radius (1 to 100000)",
			    v);
		c->radius_set = true;
		c->dopt_set = true;
		break;
	case OPT_OPS:
		c->dopt.ops = v;
		c->dopt_set = true;
		break;
	case OPT_COLLAPSE:
		c->dopt.collapse = true;
		c->dopt_set = true;
		break;
	case OPT_MAX_NODES:
		if (parse_uint(v, &c->dopt.max_nodes) < 0)
			return cli_usage_error(cmd, "bad node limit (1 to "
			    "100000)", v);
		c->dopt_set = true;
		break;
	case OPT_NO_SCOPES:
		c->dopt.no_scopes = true;
		c->dopt_set = true;
		break;
	case OPT_DOT_DIFF:
		c->dot_diff = v;
		break;
	case OPT_EXTERNAL_DATA:
		c->o.external_data = v;
		break;
	case OPT_SIZE_THRESHOLD:
		if (parse_size(v, &c->o.size_threshold) < 0)
			return cli_usage_error(cmd, "bad size (a number with "
			    "an optional K, M or G)", v);
		c->size_threshold_set = true;
		break;
	case OPT_ALLOW_HARDLINKS:
		c->o.allow_hardlinks = true;
		break;
	case OPT_MAX_EXTERNAL_FILES:
		if (parse_uint(v, &c->o.max_external_files) < 0)
			return cli_usage_error(cmd, "bad count (1 to 100000)",
			    v);
		break;
	case OPT_TARGET:
		return add_targets(cmd, c, v);
	case OPT_EXPECT:
	case OPT_BN_CONVENTION:
		if ((level = onnxfix_parse_convention(v)) < 0)
			return cli_usage_error(cmd, "unknown convention (one "
			    "of: onnx, pytorch, keras, tf)", v);
		if (key == OPT_EXPECT)
			c->o.expect = level;
		else
			c->o.bn_convention = level;
		break;
	case OPT_EXPLICIT_DEFAULTS:
		c->o.explicit_defaults = true;
		break;
	case OPT_INFERENCE:
		c->o.inference = true;
		break;
	case OPT_PADS:
		if (strcmp(v, "split") != 0)
			return cli_usage_error(cmd, "unknown --pads (one of: "
			    "split)", v);
		c->o.pads_split = true;
		break;
	case OPT_INPUTS_LAYOUT:
	case OPT_OUTPUTS_LAYOUT: {
		enum onnxfix_layout l;

		if (strcmp(v, "nchw") == 0)
			l = ONNXFIX_LAYOUT_NCHW;
		else if (strcmp(v, "nhwc") == 0)
			l = ONNXFIX_LAYOUT_NHWC;
		else
			return cli_usage_error(cmd, "unknown layout (one of: "
			    "nchw, nhwc)", v);
		if (key == OPT_INPUTS_LAYOUT)
			c->o.inputs_layout = l;
		else
			c->o.outputs_layout = l;
		break;
	}
	case OPT_MAP:
		if (c->o.nmaps == sizeof(c->maps) / sizeof(c->maps[0]))
			return cli_usage_error(cmd, "too many --map options",
			    v);
		c->maps[c->o.nmaps++] = v;
		c->o.maps = c->maps;
		break;
	case OPT_MAP_FILE:
		c->o.map_file = v;
		break;
	case OPT_OPSET:
		/* a typo is a usage error before any pass runs */
		if ((c->o.opset = onnxfix_parse_opset(v)) < 0)
			return cli_usage_error(cmd, "bad opset (1 to the "
			    "newest ai.onnx opset known)", v);
		break;
	case OPT_IR_VERSION: {
		unsigned u;

		if (parse_uint(v, &u) < 0 || u > 1000)
			return cli_usage_error(cmd, "bad IR version (3 to the "
			    "newest known)", v);
		c->o.ir_version = (int)u;
		break;
	}
	case OPT_LIST:
		c->list = true;
		break;
	case OPT_PROFILE:
		c->profile = true;
		break;
	case OPT_INPUT_SHAPE:
		if (strchr(v, '=') == NULL || v[0] == '=')
			return cli_usage_error(cmd, "--input-shape takes "
			    "NAME=D1,D2,...", v);
		if (c->o.ninput_shapes == sizeof(c->input_shapes) /
		    sizeof(c->input_shapes[0]))
			return cli_usage_error(cmd, "too many --input-shape "
			    "options", v);
		c->input_shapes[c->o.ninput_shapes++] = v;
		c->o.input_shapes = c->input_shapes;
		break;
	case OPT_DIM_PARAM:
		if (strchr(v, '=') == NULL || v[0] == '=')
			return cli_usage_error(cmd, "--dim-param takes "
			    "NAME=VALUE", v);
		if (c->o.ndim_params == sizeof(c->dim_params) /
		    sizeof(c->dim_params[0]))
			return cli_usage_error(cmd, "too many --dim-param "
			    "options", v);
		c->dim_params[c->o.ndim_params++] = v;
		c->o.dim_params = c->dim_params;
		break;
	default:
		return EXIT_INTERNAL;
	}
	return -1;
}

/* "-o, --output FILE" for -h, into B. */
static const char *
spelling(const struct opt *o, char *b, size_t size)
{
	snprintf(b, size, "%s%c%s--%s%s%s", o->letter ? "-" : "",
	    o->letter ? o->letter : ' ', o->letter ? ", " : "",
	    o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	if (!o->letter)
		memmove(b, b + 1, strlen(b));
	return b;
}

/* The long names of CMD's options, for an error message, into B. */
static const char *
option_names(const struct command *cmd, char *b, size_t size)
{
	const struct command_opt *co;
	size_t len = 0;

	b[0] = '\0';
	for (co = cmd->opts; co != NULL && co->key != 0; co++) {
		const struct opt *o = opt_of(co->key);

		if (o != NULL && !(o->flags & LIMITS))
			len += (size_t)snprintf(b + len, len < size ?
			    size - len : 0, "%s--%s", len ? " " : "", o->name);
	}
	return b;
}

/* An option CMD does not take: say so, and what CMD does take. */
static int
not_taken(const struct command *cmd, const char *given, const struct opt *o)
{
	char names[1024], e[DIAG_ESCAPE_SIZE];
	size_t i, n = strlen(given), hits = 0;
	const struct opt *abbrev = NULL;

	diag_escape_str(e, sizeof(e), given);
	option_names(cmd, names, sizeof(names));
	if (o != NULL)
		return fail(cmd, "%s does not take %s (it takes: %s%s)",
		    cmd->name, e, names[0] ? names : "no option",
		    takes(cmd, OPT_MAX_SIZE) ? ", and the limits" : "");
	/* --all for --allow-hardlinks: abbreviations are refused */
	if (n > 2 && given[1] == '-')
		for (i = 0; i < NOPTS; i++)
			if (strncmp(opts[i].name, given + 2, n - 2) == 0 &&
			    takes(cmd, opts[i].key)) {
				abbrev = &opts[i];
				hits++;
			}
	if (hits == 1)
		return fail(cmd, "unknown option %s (options are not "
		    "abbreviated: did you mean --%s?)", e, abbrev->name);
	return fail(cmd, "unknown option %s (%s takes: %s%s)", e, cmd->name,
	    names[0] ? names : "no option",
	    takes(cmd, OPT_MAX_SIZE) ? ", and the limits" : "");
}

/* What CMD takes that reads its value; -1, or an exit status. */
static int
take(const struct command *cmd, struct cli *c, const struct opt *o,
    const char *given, const char *inline_v, int *i, int argc, char **argv)
{
	const char *v = NULL;
	char e[DIAG_ESCAPE_SIZE];

	if (o->arg == NULL) {
		if (inline_v != NULL)
			return fail(cmd, "%s takes no value", diag_escape_str(
			    e, sizeof(e), given));
	} else if (inline_v != NULL) {
		v = inline_v;
	} else if (*i + 1 < argc) {
		v = argv[++*i];
	} else {
		return fail(cmd, "%s needs a value (%s)", diag_escape_str(e,
		    sizeof(e), given), o->arg);
	}
	if (o->key == OPT_HELP) {
		cli_help(stdout, cmd);
		return EXIT_CLEAN;
	}
	return apply(cmd, c, o->key, v);
}

/* One long option at ARGV[*I] ("--name" or "--name=value"). */
static int
long_opt(const struct command *cmd, struct cli *c, int *i, int argc,
    char **argv)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	char given[128];
	size_t k;

	snprintf(given, sizeof(given), "--%.*s", (int)(n < 100 ? n : 100),
	    arg);
	for (k = 0; k < NOPTS; k++)
		if (strlen(opts[k].name) == n &&
		    strncmp(opts[k].name, arg, n) == 0)
			break;
	if (k == NOPTS || !takes(cmd, opts[k].key))
		return not_taken(cmd, given, k == NOPTS ? NULL : &opts[k]);
	return take(cmd, c, &opts[k], given, eq ? eq + 1 : NULL, i, argc,
	    argv);
}

/* The short options at ARGV[*I] ("-q", "-qj4", "-o FILE"). */
static int
short_opts(const struct command *cmd, struct cli *c, int *i, int argc,
    char **argv)
{
	const char *p = argv[*i] + 1;

	for (; *p != '\0'; p++) {
		char given[3] = { '-', *p, '\0' };
		const struct opt *o = NULL;
		size_t k;
		int rc;

		for (k = 0; k < NOPTS; k++)
			if (opts[k].letter == *p)
				o = &opts[k];
		if (o == NULL || !takes(cmd, o->key))
			return not_taken(cmd, given, o);
		if (o->arg != NULL) {
			/* the rest of the word is the value: -j4 */
			return take(cmd, c, o, given, p[1] ? p + 1 : NULL, i,
			    argc, argv);
		}
		if ((rc = take(cmd, c, o, given, NULL, i, argc, argv)) >= 0)
			return rc;
	}
	return -1;
}

/* Does a pass other than P that --passes and --skip keep carry out OPT
 * too (--inference: bn-normalize and identity each do their part)? */
static bool
another_carries(const struct cli *c, const struct pass *p, const char *opt)
{
	const char *o2;
	size_t j;

	for (j = 0; pass_table[j] != NULL; j++) {
		const struct pass *q = pass_table[j];

		if (q != p && q->asked != NULL &&
		    (o2 = q->asked(&c->o)) != NULL && strcmp(o2, opt) == 0 &&
		    pass_selected(&c->o, q->name))
			return true;
	}
	return false;
}

/* fix's options that only their passes carry out (struct pass: asked):
 * one asked for while --passes or --skip leaves every such pass out
 * would do nothing.  -1, or EXIT_USAGE naming the option and the pass. */
static int
check_option_passes(const struct command *cmd, const struct cli *c)
{
	const struct onnxfix_options listed = { .passes = c->o.passes };
	const char *opt;
	size_t i;

	for (i = 0; pass_table[i] != NULL; i++) {
		const struct pass *p = pass_table[i];

		if (p->asked == NULL || (opt = p->asked(&c->o)) == NULL ||
		    pass_selected(&c->o, p->name) ||
		    another_carries(c, p, opt))
			continue;
		return fail(cmd, "%s is carried out by the pass %s, which %s "
		    "leaves out", opt, p->name, pass_selected(&listed,
		    p->name) ? "--skip" : "--passes");
	}
	return -1;
}

/* What needs more than one option to judge; -1 or EXIT_USAGE. */
static int
check_combination(const struct command *cmd, struct cli *c)
{
	bool fix = strcmp(cmd->name, "fix") == 0;
	int rc;

	if (fix && (rc = check_option_passes(cmd, c)) >= 0)
		return rc;

	if (c->radius_set && c->dopt.focus == NULL)
		return fail(cmd, "--radius counts hops around --focus; give "
		    "--focus NAME too");
	if (fix && c->dopt_set && c->dot_diff == NULL)
		return fail(cmd, "the drawing options (--focus, --radius, "
		    "--ops, --collapse, --max-nodes, --no-scopes) shape the "
		    "--dot-diff picture; give --dot-diff FILE too");
	if (fix && c->in_place && c->output != NULL)
		return fail(cmd, "give -o FILE or --in-place, not both");
	if (fix && c->o.dry_run && (c->output != NULL || c->in_place ||
	    c->dot != NULL || c->o.external_data != NULL))
		return fail(cmd, "--dry-run writes nothing; it takes no -o, "
		    "--in-place, --dot or --external-data");
	if (fix && c->size_threshold_set && c->o.external_data == NULL)
		return fail(cmd, "--size-threshold applies to "
		    "--external-data; give --external-data FILE too");
	if (fix && c->output != NULL && strcmp(c->output, "-") == 0 &&
	    ((c->dot != NULL && strcmp(c->dot, "-") == 0) ||
	    (c->dot_diff != NULL && strcmp(c->dot_diff, "-") == 0)))
		return fail(cmd, "the model and a drawing cannot both go to "
		    "standard output");
	if (strcmp(cmd->name, "diff") == 0 && c->report_format != 0 &&
	    c->report_format != REPORT_JSON)
		return fail(cmd, "diff writes text or json");
	if (strcmp(cmd->name, "diff") == 0 && c->dopt_set &&
	    c->format == NULL)
		return fail(cmd, "the drawing options (--focus, --radius, "
		    "--collapse, --max-nodes, --no-scopes) shape a picture "
		    "of the diff; give -T svg|png|dot too");
	if (strcmp(cmd->name, "diff") == 0 && c->format != NULL &&
	    c->report_format_set)
		return fail(cmd, "a picture of the diff (-T) is not a "
		    "report; give -T or --format, not both");
	return -1;
}

int
cli_parse(const struct command *cmd, int argc, char **argv, struct cli *c,
    int *nops, char ***ops)
{
	char **v;
	int i, n = 0, rc;
	bool options = true;

	if ((v = calloc((size_t)argc + 1, sizeof(*v))) == NULL)
		return EXIT_INTERNAL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		rc = -1;
		if (!options || a[0] != '-' || a[1] == '\0')
			v[n++] = argv[i];
		else if (strcmp(a, "--") == 0)
			options = false;
		else if (a[1] == '-')
			rc = long_opt(cmd, c, &i, argc, argv);
		else
			rc = short_opts(cmd, c, &i, argc, argv);
		if (rc >= 0) {
			free(v);
			return rc;
		}
	}
	if ((rc = check_combination(cmd, c)) >= 0) {
		free(v);
		return rc;
	}
	*nops = n;
	*ops = v;
	return -1;
}

/* TEXT at column 30, wrapped before column 80. */
static void
wrap(FILE *fp, const char *text)
{
	size_t len = strlen(text);

	while (len > 50) {
		size_t cut = 50;

		while (cut > 10 && text[cut] != ' ')
			cut--;
		fprintf(fp, "%.*s\n%29s", (int)cut, text, "");
		text += cut + 1;
		len -= cut + 1;
	}
	fprintf(fp, "%s\n", text);
}

void
cli_help(FILE *fp, const struct command *cmd)
{
	const struct command_opt *co;
	char b[128];
	int pass;

	fprintf(fp, "usage: onnxfix %s [OPTIONS] %s\n%s\n", cmd->name,
	    cmd->operands, cmd->help);
	for (pass = 0; pass < 2; pass++) {
		bool head = false;

		for (co = cmd->opts; co != NULL && co->key != 0; co++) {
			const struct opt *o = opt_of(co->key);

			if (o == NULL || !(o->flags & LIMITS) != !pass)
				continue;
			if (!head)
				fprintf(fp, "\n%s:\n", pass ? "limits" :
				    "options");
			head = true;
			fprintf(fp, "  %-26s ", spelling(o, b, sizeof(b)));
			wrap(fp, co->help ? co->help : o->help);
		}
	}
}
