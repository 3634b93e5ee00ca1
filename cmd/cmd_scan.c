/*
 * `lambdrift scan`: collect an inventory from AWS (or load a snapshot with --inventory),
 * run the scan rules and write a report. The exit code gates CI: findings at or above
 * --fail-on give 1, and any missing data gives 3 after the report (marked incomplete) is
 * written, so a partial scan can never pass as clean.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lambdrift/audit.h>
#include <lambdrift/errors.h>
#include <lambdrift/inventory.h>
#include <lambdrift/report.h>

#include "cli.h"

#define HORIZON_MAX_DAYS 36500L

typedef struct {
	ld_cli_aws aws;
	const char *inventory;
	const char *format;
	const char *output;
	const char *fail_on;
	const char *horizon;
	const char *runtime_table;
} scan_args;

/* What the arguments mean once checked. */
typedef struct {
	ld_format format;
	ld_severity fail_on;
	long horizon_days;
} scan_plan;

static const ld_cmd_doc scan_doc = {
	"scan",
	"lambdrift scan [options]",
	"Audit the Lambda functions of an account: collect their inventory from AWS (or read\n"
	"a snapshot with --inventory), run the rules listed by 'lambdrift rules' and report\n"
	"the findings. Several regions are scanned in turn and reported together.",
	"EXIT CODES\n"
	"  0  nothing at or above --fail-on\n"
	"  1  findings at or above --fail-on\n"
	"  2  usage error, or an unreadable --inventory or --runtime-table file\n"
	"  3  incomplete: credentials, network or throttling failures, or a snapshot marked\n"
	"     incomplete; the report is still written (marked incomplete) and 3 wins over 1\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	"  NO_COLOR                  when set and not empty, no colour in text output\n"
	"  LAMBDRIFT_NOW             YYYY-MM-DD: the date runtime deadlines are judged at\n"
	"                            (default: today in UTC); also pins run.started\n"
	"\n"
	"EXAMPLES\n"
	"  lambdrift scan --region us-east-1,eu-west-1\n"
	"  lambdrift scan --profile prod --format json --output report.json --fail-on warning\n"
	"  lambdrift snapshot -o inv.json && lambdrift scan --inventory inv.json --function 'orders-*'\n",
};

static int plan_scan(scan_plan *p, const scan_args *a)
{
	const char *which;

	if (a->inventory && ld_cli_aws_used(&a->aws, &which)) {
		ld_cli_errorf("%s needs AWS access and cannot be combined with --inventory; "
			      "see 'lambdrift scan --help'", which);
		return LD_EXIT_USAGE;
	}
	if (ld_format_parse(&p->format, a->format) < 0) {
		ld_cli_errorf("--format '%s' is not one of text, json; see 'lambdrift scan --help'",
			      a->format);
		return LD_EXIT_USAGE;
	}
	if (ld_severity_parse(&p->fail_on, a->fail_on) < 0) {
		ld_cli_errorf("--fail-on '%s' is not one of error, warning, note, none; "
			      "see 'lambdrift scan --help'", a->fail_on);
		return LD_EXIT_USAGE;
	}
	if (ld_cli_parse_count(&p->horizon_days, a->horizon, HORIZON_MAX_DAYS) < 0) {
		ld_cli_errorf("--runtime-horizon '%s' is not a number of days (0 to %ld); "
			      "see 'lambdrift scan --help'", a->horizon, HORIZON_MAX_DAYS);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

static int load_runtimes(ld_runtime_table *rt, const char *path)
{
	int error = path ? ld_runtime_table_load(rt, path) : ld_runtime_table_default(rt);
	return error < 0 ? ld_cli_fail(error) : LD_EXIT_OK;
}

/* Fill the inventory from a snapshot or from AWS. *report says whether there is anything
 * to report even when the result is not LD_EXIT_OK. */
static int gather(ld_inventory *inv, const scan_args *a, bool *report)
{
	int error;

	*report = false;
	if (!a->inventory)
		return ld_cli_collect(inv, &a->aws, report);
	if ((error = ld_inventory_load(inv, a->inventory)) < 0) {
		ld_cli_fail(error);
		return LD_EXIT_USAGE;
	}
	ld_inventory_filter(inv, (const char *const *)a->aws.functions.items,
			    a->aws.functions.count);
	*report = true;
	if (!inv->complete) {
		ld_cli_errorf("'%s' is an incomplete snapshot (%zu %s); findings may be missing",
			      a->inventory, inv->nproblems, inv->nproblems == 1 ? "problem" : "problems");
		return LD_EXIT_INCOMPLETE;
	}
	return LD_EXIT_OK;
}

static bool want_color(const scan_args *a, const scan_plan *p)
{
	const char *no_color = getenv("NO_COLOR");
	return p->format == LD_FORMAT_TEXT && (!a->output || !strcmp(a->output, "-")) &&
	       (!no_color || !*no_color) && isatty(STDOUT_FILENO);
}

static int write_report(const ld_report *r, const scan_args *a, const scan_plan *p)
{
	ld_cli_out out;
	int error;

	if (ld_cli_out_open(&out, a->output) < 0)
		return LD_EXIT_USAGE;
	if ((error = ld_report_write(out.fp, r, p->format)) < 0) {
		ld_cli_fail(error);
		ld_cli_out_abort(&out);
		return LD_EXIT_USAGE;
	}
	return ld_cli_out_commit(&out) < 0 ? LD_EXIT_USAGE : LD_EXIT_OK;
}

static bool fails(const ld_findings *f, ld_severity fail_on)
{
	for (size_t i = 0; fail_on != LD_SEV_NONE && i < f->count; i++)
		if (f->items[i].severity >= fail_on)
			return true;
	return false;
}

/* Audit the gathered inventory and write the report; returns the exit code. */
static int audit_and_report(const ld_inventory *inv, const scan_args *a, const scan_plan *p,
			    ld_audit_opts *ao, const char *started)
{
	ld_findings findings = { NULL, 0, 0 };
	ld_report r = { "scan", started, inv, &findings, ao->runtimes, false, p->fail_on };
	int error, rc;

	if ((error = ld_audit_scan(&findings, inv, ao)) < 0) {
		rc = ld_cli_fail(error);
		goto done;
	}
	ld_findings_sort(&findings);
	r.color = want_color(a, p);
	if ((rc = write_report(&r, a, p)) != LD_EXIT_OK)
		goto done;
	rc = fails(&findings, p->fail_on) ? LD_EXIT_FINDINGS : LD_EXIT_OK;
done:
	ld_findings_dispose(&findings);
	return rc;
}

int ld_cmd_scan(int argc, char **argv)
{
	scan_args a = { .format = "text", .fail_on = "error", .horizon = "180" };
	const ld_opt opts[] = {
		LD_CLI_AWS_OPTS(a.aws),
		{ "inventory", 0, LD_OPT_STRING, "FILE",
		  "read a snapshot (lambdrift snapshot) instead of AWS", &a.inventory },
		{ "format", 0, LD_OPT_STRING, "FORMAT", "text or json (default: text)", &a.format },
		{ "output", 'o', LD_OPT_STRING, "FILE",
		  "write the report to FILE, atomically (default: stdout)", &a.output },
		{ "fail-on", 0, LD_OPT_STRING, "SEVERITY",
		  "exit 1 on findings at or above: error, warning,\nnote or none (default: error)",
		  &a.fail_on },
		{ "runtime-horizon", 0, LD_OPT_STRING, "DAYS",
		  "warn of runtime deprecations this many days ahead\n(default: 180)", &a.horizon },
		{ "runtime-table", 0, LD_OPT_STRING, "FILE",
		  "runtime dates TSV replacing the built-in table", &a.runtime_table },
		{ NULL, 0, 0, NULL, NULL, NULL }
	};
	ld_inventory inv;
	ld_runtime_table rt = { NULL, 0, NULL };
	ld_audit_opts ao = LD_AUDIT_OPTS_INIT;
	scan_plan plan;
	char started[32];
	bool have_report;
	int rc, gathered;

	ld_inventory_init(&inv);
	if ((rc = ld_opts_parse(opts, argc, argv, "scan")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &scan_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc || (rc = plan_scan(&plan, &a)) || (rc = ld_cli_now(&ao.now, started)) ||
	    (rc = load_runtimes(&rt, a.runtime_table)))
		goto done;
	ao.runtimes = &rt;
	ao.horizon_days = plan.horizon_days;
	gathered = gather(&inv, &a, &have_report);
	if (!have_report) {
		rc = gathered;
		goto done;
	}
	rc = audit_and_report(&inv, &a, &plan, &ao, started);
	/* Missing data outranks findings: exit 3 even when the report is written. */
	if (gathered == LD_EXIT_INCOMPLETE && rc != LD_EXIT_USAGE)
		rc = LD_EXIT_INCOMPLETE;
done:
	ld_runtime_table_dispose(&rt);
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
