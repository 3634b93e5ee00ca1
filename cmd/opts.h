/*
 * A small declarative option parser for the commands: each command describes its options
 * in a table (long name, optional short letter, kind, metavar, help text, where the value
 * goes) and gets parsing, usage errors and the OPTIONS section of --help from it, so the
 * help can never drift from what is accepted. Values are borrowed from argv, except list
 * items, which the list owns and ld_opt_list_dispose() frees (a list shared by several
 * options is freed once; disposing it again is harmless).
 *
 * Every row also says what its value must be (ld_opt_check, the last field), and the parser
 * refuses a bad value as a usage error naming the command before the command runs at all:
 * nothing is collected, called or written for a typo. To declare one, end the row with
 *     LD_CHECK_NONE                       any non-empty string (files, names, globs)
 *     LD_CHECK_INT(1, 64, NULL)           a decimal integer in [1, 64]; a unit ("days",
 *                                         "seconds", "bytes") words the message
 *     LD_CHECK_ENUM(LD_CHOICES("text", "json"))   one of these words
 *     LD_CHECK_RATE(LD_CHOICES("control", "get_function"), 10000, "control=14.5")
 *                                         CLASS=N, a known class and 0.1 <= N <= max; the
 *                                         last argument is the default, for the message
 *     LD_CHECK_DATE                       YYYY-MM-DD, a real day
 *     LD_CHECK_URL                        http://... or https://...
 *     LD_CHECK_REGION                     an AWS region name (us-east-1), or "all"
 *     LD_CHECK_ALIAS                      a Lambda alias name (the API model's pattern)
 *     LD_CHECK_KEY(needs)                 a signing or public key: a PEM file path, or
 *                                         awskms:///<key id, ARN or alias> (well formed)
 * A list option (LD_OPT_LIST, LD_OPT_CSV_LIST) checks each item. The `needs` field
 * ("deps|osv", e.g. LD_CHECK_INT_NEEDS) says the option applies only when one of the named
 * options is given too, so an option that would be ignored is refused instead. The checks
 * are data, so the man pages and completions can be made from the same tables.
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

/* What an option's value must be (see the top of this file). */
typedef enum {
	LD_VAL_ANY = 0,  /* any non-empty string */
	LD_VAL_INT,      /* decimal integer in [min, max] */
	LD_VAL_ENUM,     /* one of choices */
	LD_VAL_RATE,     /* CLASS=N: CLASS one of choices, 0.1 <= N <= max */
	LD_VAL_DATE,     /* YYYY-MM-DD */
	LD_VAL_URL,      /* http:// or https:// and a host */
	LD_VAL_REGION,   /* aa-name-1, or "all" */
	LD_VAL_ALIAS,    /* a Lambda alias name (ld_verify_alias_name_ok) */
	LD_VAL_KEY       /* a PEM file path, or awskms:///KEY */
} ld_opt_value;

typedef struct {
	ld_opt_value kind;
	long min, max;
	const char *const *choices; /* NULL-terminated (LD_CHOICES) */
	const char *unit;           /* LD_VAL_INT: what the number counts; LD_VAL_RATE: the
				       default; for messages */
	const char *needs;          /* NULL, or "a|b": applies only with --a or --b */
} ld_opt_check;

#define LD_CHOICES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define LD_CHECK_NONE { LD_VAL_ANY, 0, 0, NULL, NULL, NULL }
#define LD_CHECK_INT(lo, hi, unit) { LD_VAL_INT, (lo), (hi), NULL, (unit), NULL }
#define LD_CHECK_ENUM(choices) { LD_VAL_ENUM, 0, 0, (choices), NULL, NULL }
#define LD_CHECK_RATE(classes, hi, dflt) { LD_VAL_RATE, 0, (hi), (classes), (dflt), NULL }
#define LD_CHECK_DATE { LD_VAL_DATE, 0, 0, NULL, NULL, NULL }
#define LD_CHECK_URL { LD_VAL_URL, 0, 0, NULL, NULL, NULL }
#define LD_CHECK_REGION { LD_VAL_REGION, 0, 0, NULL, NULL, NULL }
#define LD_CHECK_ALIAS { LD_VAL_ALIAS, 0, 0, NULL, NULL, NULL }
#define LD_CHECK_KEY(needs) { LD_VAL_KEY, 0, 0, NULL, NULL, (needs) }
/* Any value, for an option that applies only when one of `needs` ("a|b") is given. */
#define LD_CHECK_NEEDS(needs) { LD_VAL_ANY, 0, 0, NULL, NULL, (needs) }
/* As LD_CHECK_INT, for an option that applies only when one of `needs` ("a|b") is given. */
#define LD_CHECK_INT_NEEDS(lo, hi, unit, needs) { LD_VAL_INT, (lo), (hi), NULL, (unit), (needs) }

typedef struct {
	const char *name;     /* long name without the dashes; NULL ends a table */
	char short_name;      /* e.g. 'o', or 0 */
	ld_opt_kind kind;
	const char *metavar;  /* shown in help, e.g. "FILE"; NULL for flags */
	const char *help;     /* one or more lines ('\n'), including the default */
	void *value;
	ld_opt_check check;   /* what the value must be; LD_CHECK_NONE for flags */
} ld_opt;

/* Everything --help prints for one command. */
typedef struct {
	const char *name;     /* "scan" */
	const char *usage;    /* "lambdrift scan [options]" */
	const char *about;    /* what the command does, a few lines */
	const char *after;    /* EXIT CODES, ENVIRONMENT, EXAMPLE sections, verbatim */
} ld_cmd_doc;

/* The row that ends a table. */
#define LD_OPT_END { NULL, 0, 0, NULL, NULL, NULL, LD_CHECK_NONE }

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

/* manpage.c: the same tables as a man page or as completion data (for the build). */
/** Whether LAMBDRIFT_HELP_FORMAT asks for `want` ("man" or "options") instead of help. */
bool ld_help_format(const char *want);
/** The command's one line for its page's NAME (main.c's command table). */
void ld_man_summary(const char *summary);
/** The command's page in roff. */
void ld_opts_man(FILE *out, const ld_cmd_doc *doc, const ld_opt *opts);
/** One line per option: "--name[ -x]<TAB>METAVAR<TAB>choices". */
void ld_opts_list(FILE *out, const ld_opt *opts);
/** Text as roff lines, escaped; sections of "TITLE" lines as .SH with verbatim bodies. */
void ld_man_text(FILE *out, const char *text);
void ld_man_sections(FILE *out, const char *after);

void ld_opt_list_dispose(ld_opt_list *l);
/** Free every list a table points at. */
void ld_opts_dispose(const ld_opt *opts);

#endif
