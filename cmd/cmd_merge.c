/*
 * `lambdrift merge REPORT.json...`: the JSON reports of a sharded scan (--shard I/N, one
 * job each on a scheduler) combined into the report one unsharded scan writes, in any
 * format. The baseline and --fail-on apply to the merged findings, as they would to one
 * run, and a shard that is incomplete or never reported (--expect-shards) makes the
 * merge incomplete: exit 3, naming the shard.
 */
#include <stdlib.h>
#include <string.h>

#include <lambdrift/merge.h>
#include <lambdrift/report.h>

#include "cli.h"

#define MAX_EXPECT_SHARDS 100000

static const ld_cmd_doc merge_doc = {
	"merge",
	"lambdrift merge REPORT.json... [options]",
	"Combine the JSON reports of the shards of one scan (each shard a job that\n"
	"scanned some of the accounts with --format json) into one report: functions,\n"
	"findings (with their fingerprints), accounts, regions, problems, notes and API\n"
	"calls, exactly as one unsharded scan would report them. Reports of another\n"
	"schema, tool version or command, written with --baseline, or that overlap are\n"
	"refused; give the baseline to merge instead.",
	"EXIT CODES\n"
	"  0  nothing at or above --fail-on\n"
	"  1  findings at or above --fail-on\n"
	"  2  usage error, a report that cannot be read or merged, or the merged report\n"
	"     could not be written (also when incomplete)\n"
	"  3  incomplete: a shard's report is incomplete, or a shard did not report\n"
	"     (--expect-shards, or a gap in the shards' run.shard); the merged report is\n"
	"     still written (marked incomplete) and 3 wins over 1\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_REPORT_ENV_DOC
	"\n"
	"EXAMPLES\n"
	"  lambdrift merge reports/shard-*.json --expect-shards 4 \\\n"
	"      --format sarif -o org.sarif\n"
	"  lambdrift merge a.json b.json --format json -o org.json --format markdown \\\n"
	"      -o \"$GITHUB_STEP_SUMMARY\" --baseline accepted.json --fail-on warning\n",
};

typedef struct {
	ld_cli_report_args report;
	const char *expect;
	ld_opt_list reports;
} merge_args;

static int check_args(size_t *expect, const merge_args *a)
{
	long n = 0;

	*expect = 0;
	if (!a->reports.count) {
		ld_cli_errorf("merge needs the shards' JSON reports; see 'lambdrift merge --help'");
		return LD_EXIT_USAGE;
	}
	/* The option table checked the range already. */
	if (a->expect && (ld_cli_parse_count(&n, a->expect, MAX_EXPECT_SHARDS) < 0 || n < 1))
		return LD_EXIT_USAGE;
	*expect = (size_t)n;
	return LD_EXIT_OK;
}

/* The merged report says when the first shard started and which runtime table the shards
 * judged by, not when and with what the merge ran. */
static int take_run_facts(ld_cli_report_plan *p, const ld_merged *m)
{
	char *source;

	if (*m->started)
		snprintf(p->started, sizeof(p->started), "%s", m->started);
	if (!m->runtime_table)
		return LD_EXIT_OK;
	if (!(source = strdup(m->runtime_table))) {
		ld_cli_errorf("out of memory");
		return LD_EXIT_USAGE;
	}
	free(p->runtimes.source);
	p->runtimes.source = source;
	return LD_EXIT_OK;
}

int ld_cmd_merge(int argc, char **argv)
{
	merge_args a = { .report = LD_CLI_REPORT_ARGS_INIT };
	const ld_opt opts[] = {
		{ "expect-shards", 0, LD_OPT_STRING, "N",
		  "the run had N shards: any that did not report make\n"
		  "the merge incomplete (default: those the reports\n"
		  "name)", &a.expect,
		  LD_CHECK_INT(1, MAX_EXPECT_SHARDS, "shards") },
		LD_CLI_REPORT_OUT_OPTS(a.report),
		LD_OPT_END
	};
	ld_cli_report_plan plan = { 0 };
	ld_merged m = { 0 };
	ld_report r = { 0 };
	size_t expect;
	int rc, error;

	if ((rc = ld_opts_parse_args(opts, argc, argv, "merge", &a.reports)) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &merge_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc || (rc = check_args(&expect, &a)) ||
	    (rc = ld_cli_report_plan_init(&plan, &a.report, "merge")))
		goto done;
	if ((error = ld_merge_reports(&m, (const char *const *)a.reports.items, a.reports.count,
				      expect)) < 0) {
		rc = ld_cli_fail_opt(error, "merge", NULL);
		goto done;
	}
	for (size_t i = 0; i < m.nshard_lines; i++)
		ld_cli_errorf("%s", m.shard_lines[i]);
	if ((rc = take_run_facts(&plan, &m)) != LD_EXIT_OK)
		goto done;
	r.command = "scan";
	r.inv = &m.inv;
	r.merged = m.store;
	r.checks = m.checks;
	/* the shards' rule selection (all the same) is the merged run's */
	if (ld_rule_selection_given(&m.rules))
		plan.audit.rules = &m.rules;
	plan.audit.log_retention_min = m.log_retention_min;
	rc = ld_cli_finish(&r, &m.findings, &plan, LD_EXIT_OK, NULL, 0);
done:
	ld_merged_dispose(&m);
	ld_cli_report_plan_dispose(&plan);
	ld_opt_list_dispose(&a.reports);
	ld_opts_dispose(opts);
	return rc;
}
