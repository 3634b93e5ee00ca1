/*
 * `lambdrift explain RULE`: print what a rule means, why it matters, how to fix it (with
 * AWS CLI commands) and how to accept it in a baseline: the rule's section of
 * docs/rules.md, compiled into the binary so the help matches the version that reported.
 */
#include <string.h>

#include <lambdrift/audit.h>
#include <lambdrift/report.h>

#include "cli.h"

static const ld_cmd_doc explain_doc = {
	"explain",
	"lambdrift explain RULE",
	"Print the documentation of one rule (a slug from 'lambdrift rules', as reports\n"
	"name it): what it means, why it matters, how to fix it, and how to accept it in\n"
	"a baseline.",
	"EXIT CODES\n"
	"  0  the rule's documentation was printed\n"
	"  2  no rule, or an unknown one\n"
	"\n"
	"EXAMPLE\n"
	"  lambdrift explain latest-drift\n",
};

int ld_cmd_explain(int argc, char **argv)
{
	const ld_opt opts[] = { LD_OPT_END };
	ld_opt_list args = { NULL, 0 };
	const char *doc;
	size_t len;
	int rc;

	if ((rc = ld_opts_parse_args(opts, argc, argv, "explain", &args)) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &explain_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc || args.count != 1) {
		if (!rc)
			ld_cli_errorf("explain takes one rule, e.g. 'lambdrift explain latest-drift'; "
				      "'lambdrift rules' lists them");
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if (!(doc = ld_rule_doc(args.items[0], &len))) {
		ld_cli_errorf("unknown rule '%s'; 'lambdrift rules' lists them", args.items[0]);
		rc = LD_EXIT_USAGE;
		goto done;
	}
	/* The section ends with the blank line before the next heading; print it without. */
	while (len && doc[len - 1] == '\n')
		len--;
	fwrite(doc, 1, len, stdout);
	fputc('\n', stdout);
	rc = LD_EXIT_OK;
done:
	ld_opt_list_dispose(&args);
	return rc;
}
