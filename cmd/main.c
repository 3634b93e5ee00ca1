/*
 * The lambdrift command line: a table of commands, each a function taking its own argv
 * (argv[0] is the command name). main() dispatches, answers help and version, and checks
 * at exit that everything written to stdout actually got there.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

typedef struct {
	const char *name;
	ld_cmd_fn fn;
	const char *summary;
} command;

/* What lambdrift --help and lambdrift(1) say around the command list. */
#define MAIN_ABOUT \
	"lambdrift audits what runs in AWS Lambda: functions edited after publish,\n" \
	"aliases on $LATEST or split across versions, unqualified triggers and runtime\n" \
	"deadlines; and it verifies that a release's functions serve what its tag builds."
#define MAIN_AFTER \
	"EXIT CODES\n" \
	"  0  clean\n" \
	"  1  findings at or above --fail-on\n" \
	"  2  usage or spec error\n" \
	"  3  incomplete data\n\n" \
	"EXAMPLES\n" \
	"  lambdrift scan --region us-east-1 --fail-on warning\n" \
	"  lambdrift verify --repo . --tag v1.4.2\n"

static const command commands[] = {
	{ "scan", ld_cmd_scan, "audit the functions of an account and report findings" },
	{ "verify", ld_cmd_verify, "check that deployed code and config are what a git tag builds" },
	{ "deps", ld_cmd_deps, "list the third-party packages deployed in functions and layers" },
	{ "package", ld_cmd_package, "write the deterministic zip of a function of a git tag" },
	{ "merge", ld_cmd_merge, "combine the JSON reports of a sharded scan into one report" },
	{ "snapshot", ld_cmd_snapshot, "write the inventory of an account to a JSON file" },
	{ "rules", ld_cmd_rules, "list the rules, their severities and what they mean" },
	{ "explain", ld_cmd_explain, "show what a rule means and how to fix or accept it" },
	{ "baseline", ld_cmd_baseline, "record accepted findings of a JSON report (baseline create)" },
	{ "attestation", ld_cmd_attestation, "check a signed release record (attestation verify)" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "show help for lambdrift or for a command" },
	{ NULL, NULL, NULL }
};

static const command *find_command(const char *name)
{
	for (const command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* lambdrift(1): the commands, each pointing at its own page, and the sections below. */
static void main_man(FILE *out)
{
	fputs(".TH LAMBDRIFT 1 \"\" \"lambdrift\" \"User Commands\"\n"
	      ".SH NAME\nlambdrift \\- audit what runs in AWS Lambda against what a git tag builds\n"
	      ".SH SYNOPSIS\n\\fBlambdrift\\fR \\fIcommand\\fR [\\fIoptions\\fR]\n"
	      ".SH DESCRIPTION\n", out);
	ld_man_text(out, MAIN_ABOUT);
	fputs(".SH COMMANDS\n", out);
	for (const command *c = commands; c->name; c++) {
		fprintf(out, ".TP\n\\fB%s\\fR\n", c->name);
		ld_man_text(out, c->summary);
		if (c->fn != cmd_help && c->fn != cmd_version)
			fprintf(out, ".br\nSee \\fBlambdrift\\-%s\\fR(1).\n", c->name);
	}
	ld_man_sections(out, MAIN_AFTER);
	fputs(".SH SEE ALSO\n", out);
	for (const command *c = commands; c->name; c++)
		if (c->fn != cmd_help && c->fn != cmd_version)
			fprintf(out, "%s\\fBlambdrift\\-%s\\fR(1)", c == commands ? "" : ",\n",
				c->name);
	fputc('\n', out);
}

static void main_help(FILE *out)
{
	if (ld_help_format("man")) {
		main_man(out);
		return;
	}
	if (ld_help_format("options")) {
		for (const command *c = commands; c->name; c++)
			fprintf(out, "%s\n", c->name);
		return;
	}
	fputs("usage: lambdrift <command> [options]\n\n" MAIN_ABOUT "\n\nCOMMANDS\n", out);
	for (const command *c = commands; c->name; c++)
		fprintf(out, "  %-13s%s\n", c->name, c->summary);
	fputs("\nRun 'lambdrift <command> --help' (or 'lambdrift help <command>') for its\n"
	      "options, exit codes and the environment variables it reads.\n\n" MAIN_AFTER, out);
}

static int cmd_help(int argc, char **argv)
{
	const command *c;
	char *sub_argv[3];

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		main_help(stdout);
		return LD_EXIT_OK;
	}
	if (argc > 2 || !(c = find_command(argv[1]))) {
		ld_cli_errorf("no help for '%s'; see 'lambdrift --help'", argv[argc > 2 ? 2 : 1]);
		return LD_EXIT_USAGE;
	}
	sub_argv[0] = argv[1];
	sub_argv[1] = "--help";
	sub_argv[2] = NULL;
	return c->fn(2, sub_argv);
}

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: lambdrift version\n\nPrint the version of lambdrift.");
		return LD_EXIT_OK;
	}
	if (argc > 1) {
		ld_cli_errorf("unexpected argument '%s'; see 'lambdrift version --help'", argv[1]);
		return LD_EXIT_USAGE;
	}
	printf("lambdrift %s\n", LD_VERSION);
	return LD_EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
	const command *c;

	if (argc < 2) {
		main_help(stderr);
		return LD_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(1, argv);
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv);
	if (argv[1][0] == '-') {
		ld_cli_errorf("unknown option '%s'; see 'lambdrift --help'", argv[1]);
		return LD_EXIT_USAGE;
	}
	if (!(c = find_command(argv[1]))) {
		ld_cli_errorf("unknown command '%s'; see 'lambdrift --help'", argv[1]);
		return LD_EXIT_USAGE;
	}
	ld_man_summary(c->summary);
	return c->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	/* A full disk or closed pipe must not turn into a silent success. */
	return ld_cli_close_stdout(dispatch(argc, argv));
}
