/*
 * A small declarative option parser for the commands: each command describes its options
 * in a table (long name, optional short letter, kind, metavar, help text, where the value
 * goes) and gets parsing, usage errors and the OPTIONS section of --help from it, so the
 * help can never drift from what is accepted. Values are borrowed from argv, except list
 * items, which the list owns and ld_opt_list_dispose() frees (a list shared by several
 * options is freed once; disposing it again is harmless).
 */
#ifndef LD_CMD_OPTS_H
#define LD_CMD_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
	LD_OPT_FLAG,     /* bool *: set when present, takes no value */
	LD_OPT_STRING,   /* const char **: the last occurrence wins */
	LD_OPT_LIST,     /* ld_opt_list *: repeatable */
	LD_OPT_CSV_LIST, /* ld_opt_list *: repeatable, and each value is split at commas */
	LD_OPT_SEQ       /* ld_opt_list * shared by several options, which keeps their order
			    across them: each occurrence adds "name=value" (--format/--output) */
} ld_opt_kind;

typedef struct {
	char **items;
	size_t count;
} ld_opt_list;

typedef struct {
	const char *name;     /* long name without the dashes; NULL ends a table */
	char short_name;      /* e.g. 'o', or 0 */
	ld_opt_kind kind;
	const char *metavar;  /* shown in help, e.g. "FILE"; NULL for flags */
	const char *help;     /* one or more lines ('\n'), including the default */
	void *value;
} ld_opt;

/* Everything --help prints for one command. */
typedef struct {
	const char *name;     /* "scan" */
	const char *usage;    /* "lambdrift scan [options]" */
	const char *about;    /* what the command does, a few lines */
	const char *after;    /* EXIT CODES, ENVIRONMENT, EXAMPLE sections, verbatim */
} ld_cmd_doc;

/* ld_opts_parse results besides 0. */
#define LD_OPTS_HELP 1    /* --help or -h was given; the caller prints help and exits 0 */
#define LD_OPTS_USAGE 2   /* a usage error was printed to stderr; exit 2 */

/**
 * Parse argv[1..argc) (argv[0] is the command name) against `opts`. Accepts "--name
 * value", "--name=value", "-o value", "-ovalue", and "--" to end options. Positional
 * arguments are refused. Errors are printed as "lambdrift: ...; see 'lambdrift CMD --help'".
 * @return 0, LD_OPTS_HELP, or LD_OPTS_USAGE
 */
int ld_opts_parse(const ld_opt *opts, int argc, char **argv, const char *cmd);

/** As ld_opts_parse(), but positional arguments (and everything after "--") are added to
 *  `positional` (owned by the caller, freed with ld_opt_list_dispose) instead of refused. */
int ld_opts_parse_args(const ld_opt *opts, int argc, char **argv, const char *cmd,
		       ld_opt_list *positional);

/** Print the full help of a command: usage, about, options (from the table), after. */
void ld_opts_help(FILE *out, const ld_cmd_doc *doc, const ld_opt *opts);

void ld_opt_list_dispose(ld_opt_list *l);
/** Free every list a table points at. */
void ld_opts_dispose(const ld_opt *opts);

#endif
