/* SPDX-License-Identifier: MIT */
/*
 * The command line's shared state: the exit statuses, what the options
 * set (struct cli) and the command table's entry.  The option table and
 * its parser are in src/cli/options.c, the commands in src/cli/main.c.
 */
#ifndef ONNXFIX_CLI_H
#define ONNXFIX_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/outfile.h"
#include "onnxfix.h"

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
	const char *format;	/* -T */
	int fail_on;		/* enum diag_level */
	bool quiet;
	bool verbose;		/* fix -v */
	bool in_place;
	const char *maps[64];	/* --map values */
	int report_format;	/* enum report_format */
	bool report_format_set;	/* --format given */
	const char *select, *ignore, *baseline;
	unsigned jobs;		/* -j: worker processes for check */
	int progress;		/* -1: when stderr is a terminal */
	struct onnxfix_dot_options dopt;	/* dot: --focus ... */
	bool dopt_set;		/* a drawing option was given */
	bool radius_set;
	bool size_threshold_set;
	const char *dot_diff;	/* fix --dot-diff FILE */
	bool list;		/* explain --list */
	bool profile;		/* info --profile */
	const char *input_shapes[64];	/* fix --input-shape values */
	const char *dim_params[64];	/* fix --dim-param values */
	struct outfile report_file;	/* check -o FILE */
	bool report_to_file;
};

/* Every option of the command line; a short option's key is its letter. */
enum cli_opt {
	OPT_HELP = 'h',
	OPT_JOBS = 'j',
	OPT_OUTPUT = 'o',
	OPT_QUIET = 'q',
	OPT_TYPE = 'T',
	OPT_VERBOSE = 'v',
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
	OPT_EXPLICIT_DEFAULTS,
	OPT_INFERENCE,
	OPT_PADS,
	OPT_INPUTS_LAYOUT,
	OPT_OUTPUTS_LAYOUT,
	OPT_MAP,
	OPT_MAP_FILE,
	OPT_OPSET,
	OPT_IR_VERSION,
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
	OPT_LIST,
	OPT_PROFILE,
	OPT_INPUT_SHAPE,
	OPT_DIM_PARAM,
};

/* The limits every command that reads models takes (a command table
 * names them with this macro). */
#define CLI_LIMIT_OPTS \
	{ OPT_MAX_SIZE, NULL }, { OPT_MEM_BUDGET, NULL }, \
	{ OPT_MAX_DEPTH, NULL }, { OPT_MAX_GRAPH_DEPTH, NULL }, \
	{ OPT_ALLOW_HARDLINKS, NULL }, { OPT_MAX_EXTERNAL_FILES, NULL }

/* An option a command takes: its key (enum cli_opt in options.c) and,
 * where the command gives it a meaning of its own, the help text. */
struct command_opt {
	int key;
	const char *help;	/* NULL: the option's own */
};

struct command {
	const char *name;
	const char *operands;	/* "MODEL|DIR..." for the usage line */
	const char *help;
	const struct command_opt *opts;	/* key 0 ends the table */
	int (*run)(struct cli *c, int argc, char **argv);
};

/*
 * Parse ARGV (ARGV[0] is the command's name) against CMD's own options
 * into C, leaving the operands in *OPS (*NOPS of them; options and
 * operands may come in any order, "--" ends the options).  Returns -1 to
 * go on, or an exit status: EXIT_CLEAN after -h, EXIT_USAGE (with the
 * message on stderr) for an option CMD does not take, an abbreviation,
 * a bad value or a list that names what CMD cannot use.
 */
int cli_parse(const struct command *cmd, int argc, char **argv,
    struct cli *c, int *nops, char ***ops);
/* The usage line and CMD's options, from its table, to FP. */
void cli_help(FILE *fp, const struct command *cmd);
/* "onnxfix: WHAT" or "onnxfix: WHAT 'ARG'" (ARG escaped), then CMD's
 * usage line, on stderr; returns EXIT_USAGE. */
int cli_usage_error(const struct command *cmd, const char *what,
    const char *arg);

extern const struct command cli_commands[];
extern const size_t cli_ncommands;
const struct command *cli_find_command(const char *name);

#endif
