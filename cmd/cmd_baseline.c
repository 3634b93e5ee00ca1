/*
 * `lambdrift baseline create REPORT.json -o FILE`: record the findings of a JSON report as
 * accepted, each by fingerprint with a reason and an optional expiry date, for `scan` and
 * `verify --baseline FILE`. The baseline is a reviewed file in the team's repository; this
 * command only writes it (atomically), so accepting a finding is always a visible change.
 */
#include <string.h>

#include <lambdrift/baseline.h>
#include <lambdrift/buf.h>
#include <lambdrift/errors.h>

#include "cli.h"

typedef struct {
	const char *output;
	const char *reason;
	const char *expires;
} baseline_args;

static const ld_cmd_doc baseline_doc = {
	"baseline",
	"lambdrift baseline create REPORT.json [options]",
	"Make a baseline of accepted findings from a JSON report (scan or verify\n"
	"--format json): one entry per finding, matched by its fingerprint (stable\n"
	"across runs, new findings and report formats), with the reason and expiry\n"
	"given. 'scan/verify --baseline FILE' then hides those findings, counts them,\n"
	"shows them again from the expiry date on, and lists entries that match nothing\n"
	"any more (stale). Entries a report shows as suppressed by an earlier baseline\n"
	"are kept with their own reason and expiry, so a baseline can be re-created from\n"
	"a baselined run. To accept only some findings, filter the report first:\n"
	"jq '.findings |= map(select(.rule == \"alias-split\"))'.",
	"EXIT CODES\n"
	"  0  the baseline was written\n"
	"  2  usage error; REPORT.json is not a readable lambdrift JSON report; a bad\n"
	"     reason or date (the expiry must be after today); FILE could not be written\n"
	"\n"
	"ENVIRONMENT\n"
	"  LAMBDRIFT_NOW             YYYY-MM-DD: \"today\" (the entries' accepted date)\n"
	"\n"
	"EXAMPLE\n"
	"  lambdrift scan --format json -o report.json\n"
	"  lambdrift baseline create report.json -o baseline.json \\\n"
	"      --reason \"canary rollout, ticket OPS-123\" --expires 2027-03-31\n"
	"  lambdrift scan --baseline baseline.json\n",
};

static int create(const char *report, const baseline_args *a)
{
	ld_baseline_create_opts o = { a->reason, a->expires, 0 };
	ld_buf doc = LD_BUF_INIT;
	ld_cli_out out;
	char started[32];
	size_t n = 0;
	int error, rc = LD_EXIT_USAGE;

	if (ld_cli_now(&o.now, started) != 0)
		goto done;
	if ((error = ld_baseline_create(&doc, &n, report, &o)) < 0) {
		ld_cli_fail_opt(error, "baseline", NULL);
		goto done;
	}
	if (ld_cli_out_open(&out, a->output, "--output", "baseline") < 0 ||
	    ld_cli_out_write(&out, doc.ptr, doc.size) < 0 || ld_cli_out_commit(&out) < 0)
		goto done;
	if (a->output && strcmp(a->output, "-"))
		fprintf(stderr, "lambdrift: wrote %zu %s to %s\n", n, n == 1 ? "entry" : "entries",
			a->output);
	rc = LD_EXIT_OK;
done:
	ld_buf_dispose(&doc);
	return rc;
}

int ld_cmd_baseline(int argc, char **argv)
{
	baseline_args a = { NULL, NULL, NULL };
	const ld_opt opts[] = {
		{ "output", 'o', LD_OPT_STRING, "FILE",
		  "write the baseline to FILE, atomically (default:\nstdout)", &a.output,
		  LD_CHECK_NONE },
		{ "reason", 0, LD_OPT_STRING, "TEXT",
		  "why the findings are accepted, one line (default:\n\""
		  LD_BASELINE_DEFAULT_REASON "\")", &a.reason, LD_CHECK_NONE },
		{ "expires", 0, LD_OPT_STRING, "YYYY-MM-DD",
		  "from this date the findings are reported again\n(default: never)", &a.expires,
		  LD_CHECK_DATE },
		LD_OPT_END
	};
	ld_opt_list args = { NULL, 0 };
	int rc;

	if ((rc = ld_opts_parse_args(opts, argc, argv, "baseline", &args)) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &baseline_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc) {
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if (args.count != 2 || strcmp(args.items[0], "create")) {
		ld_cli_errorf("%s; use 'lambdrift baseline create REPORT.json -o FILE'; see "
			      "'lambdrift baseline --help'",
			      !args.count ? "baseline needs a subcommand"
			      : strcmp(args.items[0], "create") ? "unknown baseline subcommand"
			      : args.count < 2 ? "baseline create needs the JSON report to read"
					       : "baseline create takes one report");
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if ((rc = ld_cli_out_check(a.output, "--output", "baseline")) == LD_EXIT_OK)
		rc = create(args.items[1], &a);
done:
	ld_opt_list_dispose(&args);
	ld_opts_dispose(opts);
	return rc;
}
