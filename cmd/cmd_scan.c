/*
 * `lambdrift scan`: collect an inventory from AWS (or load a snapshot with --inventory),
 * run the scan rules and write a report. The exit code gates CI: findings at or above
 * --fail-on give 1, and any missing data gives 3 after the report (marked incomplete) is
 * written, so a partial scan can never pass as clean. The report options and the ending
 * (report, exit code) are shared with verify through common.c.
 */
#include <lambdrift/audit.h>
#include <lambdrift/errors.h>
#include <lambdrift/inventory.h>
#include <lambdrift/report.h>

#include "cli.h"

typedef struct {
	ld_cli_aws aws;
	const char *inventory;
	ld_cli_report_args report;
	bool deps;                /* --deps, or implied by --osv / --osv-api */
	ld_cli_deps dep;
} scan_args;

static const ld_cmd_doc scan_doc = {
	"scan",
	"lambdrift scan [options]",
	"Audit the Lambda functions of an account: collect their inventory from AWS (or read\n"
	"a snapshot with --inventory), run the rules listed by 'lambdrift rules' and report\n"
	"the findings. Several regions, or every region (--region all), and several\n"
	"accounts (--accounts, through a role) are scanned at once, each account-region\n"
	"just under Lambda's rate quota, and reported together.",
	"EXIT CODES\n"
	"  0  nothing at or above --fail-on\n"
	"  1  findings at or above --fail-on\n"
	"  2  usage error, or an unreadable --inventory or --runtime-table file\n"
	"  3  incomplete: credentials, network or throttling failures, or a snapshot marked\n"
	"     incomplete; the report is still written (marked incomplete) and 3 wins over 1\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	LD_CLI_REPORT_ENV_DOC
	"  LAMBDRIFT_NOW             YYYY-MM-DD: the date runtime deadlines are judged at\n"
	"                            (default: today in UTC); also pins run.started\n"
	"\n"
	"EXAMPLES\n"
	"  lambdrift scan --region us-east-1,eu-west-1\n"
	"  lambdrift scan --region all --accounts accounts.txt --role-name Audit \\\n"
	"      --format json -o org.json\n"
	"  lambdrift scan --profile prod --format json --output report.json --fail-on warning\n"
	"  lambdrift scan --format json -o scan.json --format sarif -o scan.sarif \\\n"
	"      --format markdown -o \"$GITHUB_STEP_SUMMARY\" --baseline accepted.json\n"
	"  lambdrift snapshot -o inv.json && lambdrift scan --inventory inv.json --function 'orders-*'\n"
	"  lambdrift scan --deps --osv osv/npm-all.zip --fail-on warning\n",
};

static int check_sources(const scan_args *a)
{
	const char *which;

	if (a->inventory && (a->deps || ld_cli_deps_asked(&a->dep))) {
		ld_cli_errorf("--deps, --osv and --osv-api read the deployed packages and cannot be "
			      "combined with --inventory; see 'lambdrift scan --help'");
		return LD_EXIT_USAGE;
	}
	if (a->inventory && ld_cli_aws_used(&a->aws, &which)) {
		ld_cli_errorf("%s needs AWS access and cannot be combined with --inventory; "
			      "see 'lambdrift scan --help'", which);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

/* Fill the inventory from a snapshot or from AWS. *report says whether there is anything
 * to report even when the result is not LD_EXIT_OK. */
static int gather(ld_inventory *inv, ld_cli_sessions *s, const scan_args *a, bool *report)
{
	int rc;

	*report = false;
	if (!a->inventory)
		return ld_cli_collect(inv, &a->aws, "scan", report, a->deps ? s : NULL);
	rc = ld_cli_load_inventory(inv, a->inventory, (const char *const *)a->aws.functions.items,
				   a->aws.functions.count);
	*report = rc != LD_EXIT_USAGE;
	return rc;
}

static int audit_and_report(ld_inventory *inv, const ld_cli_sessions *s, ld_depcheck *c,
			    const scan_args *a, const ld_cli_report_plan *p, int gathered)
{
	ld_findings findings = { NULL, 0, 0 };
	ld_report r = { 0 };
	int error, rc;

	r.command = "scan";
	r.inv = inv;
	if ((error = ld_audit_scan(&findings, inv, &p->audit)) == 0 && c && s->n)
		error = ld_depcheck_scan(&findings, NULL, inv, s->sessions,
					 (const char *const *)s->accounts, s->n, c);
	if (error < 0)
		rc = ld_cli_fail(error);
	else
		rc = ld_cli_finish(&r, &findings, p, gathered,
				   (const char *const *)a->aws.functions.items, a->aws.functions.count);
	ld_findings_dispose(&findings);
	return rc;
}

int ld_cmd_scan(int argc, char **argv)
{
	scan_args a = { .report = LD_CLI_REPORT_ARGS_INIT };
	const ld_opt opts[] = {
		LD_CLI_AWS_OPTS(a.aws),
		{ "inventory", 0, LD_OPT_STRING, "FILE",
		  "read a snapshot (lambdrift snapshot) instead of AWS", &a.inventory,
		  LD_CHECK_NONE },
		{ "deps", 0, LD_OPT_FLAG, NULL,
		  "also read the served versions' packages and layers:\n"
		  "layer-outdated, and dependency-vulnerable with --osv", &a.deps, LD_CHECK_NONE },
		LD_CLI_DEPS_OPTS(a.dep, "deps|osv|osv-api"),
		LD_CLI_REPORT_OPTS(a.report),
		LD_OPT_END
	};
	ld_inventory inv;
	ld_cli_report_plan plan = { 0 };
	ld_cli_sessions s = { NULL, NULL, 0, NULL };
	ld_depcheck *c = NULL;
	bool have_report;
	int rc, gathered;

	ld_inventory_init(&inv);
	if ((rc = ld_opts_parse(opts, argc, argv, "scan")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &scan_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	a.deps = a.deps || ld_cli_deps_asked(&a.dep);
	ld_cli_deps_workers(&a.dep, &a.aws);
	if (rc || (rc = check_sources(&a)) ||
	    (rc = ld_cli_report_plan_init(&plan, &a.report, "scan")) ||
	    (a.deps && (rc = ld_cli_depcheck(&c, &a.dep))))
		goto done;
	ld_cli_depcheck_progress(c, &a.aws);
	gathered = gather(&inv, &s, &a, &have_report);
	rc = have_report ? audit_and_report(&inv, &s, c, &a, &plan, gathered) : gathered;
done:
	ld_depcheck_free(c);
	ld_cli_sessions_dispose(&s);
	ld_cli_report_plan_dispose(&plan);
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
