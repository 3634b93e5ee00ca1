/*
 * `lambdrift rules`: the rule catalogue (slug, default severity, what it checks), read from
 * ld_rules[] so the list is always the one the scan runs.
 */
#include <string.h>

#include <lambdrift/audit.h>

#include "cli.h"

static const ld_cmd_doc rules_doc = {
	"rules",
	"lambdrift rules",
	"List the rules lambdrift checks: the slug (stable; used in reports, baselines\n"
	"and as the SARIF ruleId), the default severity and what the rule means.\n"
	"'lambdrift explain RULE' prints a rule's documentation: why it matters, how to\n"
	"fix it, how to accept it.",
	"EXIT CODES\n"
	"  0  always, unless the list cannot be written\n"
	"\n"
	"EXAMPLE\n"
	"  lambdrift rules\n",
};

int ld_cmd_rules(int argc, char **argv)
{
	const ld_opt opts[] = { LD_OPT_END };
	size_t width = 4;
	int rc;

	if ((rc = ld_opts_parse(opts, argc, argv, "rules")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &rules_doc, opts);
		return LD_EXIT_OK;
	}
	if (rc)
		return LD_EXIT_USAGE;
	for (const ld_rule_info *r = ld_rules; r->slug; r++)
		if (strlen(r->slug) > width)
			width = strlen(r->slug);
	printf("%-*s  %-8s  %s\n", (int)width, "RULE", "SEVERITY", "MEANING");
	for (const ld_rule_info *r = ld_rules; r->slug; r++)
		printf("%-*s  %-8s  %s\n", (int)width, r->slug, ld_severity_name(r->severity),
		       r->summary);
	return LD_EXIT_OK;
}
