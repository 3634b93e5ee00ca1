/*
 * `lambdrift scan`: collect an inventory from AWS (or load a snapshot with --inventory),
 * run the scan rules and write a report. The exit code gates CI: findings at or above
 * --fail-on give 1, and any missing data gives 3 after the report (marked incomplete) is
 * written, so a partial scan can never pass as clean. The report options and the ending
 * (report, exit code) are shared with verify through common.c.
 */
#include <stdlib.h>
#include <string.h>

#include <lambdrift/attest.h>
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
	ld_opt_list attestations; /* --attestation FILE, repeatable */
	ld_opt_list keys;         /* --key KEY, repeatable: a record verifies with any of them */
} scan_args;

#define MAX_RECORDS 64

/* The release records the scan holds the account to, verified before anything is
 * collected, and the KMS calls that took. */
typedef struct {
	ld_attestation *items;
	size_t count;
	ld_api_calls calls;
} scan_records;

static const ld_cmd_doc scan_doc = {
	"scan",
	"lambdrift scan [options]",
	"Audit the Lambda functions of an account: collect their inventory from AWS (or\n"
	"read a snapshot with --inventory), run the rules listed by 'lambdrift rules' and\n"
	"report the findings. Several regions, or every region (--region all), and\n"
	"several accounts (--accounts, through a role) are scanned at once, each\n"
	"account-region just under Lambda's rate quota, and reported together.\n"
	"\n"
	"With --attestation FILE --key KEY the account is also held to a signed release\n"
	"record ('lambdrift verify --attest'), without the repository: the record must\n"
	"verify with KEY first (an unsigned or forged one stops the scan with exit 2);\n"
	"then each attested function whose alias now serves another version, other code\n"
	"or another configuration is attestation-drift, and one that is gone\n"
	"attestation-missing.",
	"EXIT CODES\n"
	"  0  nothing at or above --fail-on\n"
	"  1  findings at or above --fail-on\n"
	"  2  usage error; an unreadable --inventory or --runtime-table file; an\n"
	"     --attestation record unsigned, forged, malformed or signed by no --key; a\n"
	"     report that could not be written, also of an incomplete run\n"
	"  3  incomplete: credentials, network or throttling failures, a snapshot\n"
	"     marked incomplete, or a --function that matched no function; the report\n"
	"     is still written (marked incomplete) and 3 wins over 1\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	LD_CLI_ORG_ENV_DOC
	LD_CLI_SHARD_ENV_DOC
	LD_CLI_REPORT_ENV_DOC
	"  LAMBDRIFT_NOW             YYYY-MM-DD: the date runtime deadlines are judged at\n"
	"                            (default: today in UTC); also pins run.started\n"
	"\n"
	"EXAMPLES\n"
	"  lambdrift scan --region us-east-1,eu-west-1\n"
	"  lambdrift scan --region all --accounts accounts.txt --role-name Audit \\\n"
	"      --format json -o org.json\n"
	"  lambdrift scan --profile prod --format json --output report.json \\\n"
	"      --fail-on warning\n"
	"  lambdrift scan --format json -o scan.json --format sarif -o scan.sarif \\\n"
	"      --format markdown -o \"$GITHUB_STEP_SUMMARY\" --baseline accepted.json\n"
	"  lambdrift snapshot -o inv.json &&\n"
	"      lambdrift scan --inventory inv.json --function 'orders-*'\n"
	"  lambdrift scan --deps --osv osv/npm-all.zip --fail-on warning\n"
	"  lambdrift scan --attestation v1.4.2.json --key release.pub \\\n"
	"      --format json -o drift.json\n",
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

/* The --key keys; a KMS key is read through a session of its own, before collecting. */
static int open_keys(ld_attest_key **keys, ld_aws_session **s, const scan_args *a,
		     ld_api_calls *calls)
{
	int error, rc;

	for (size_t i = 0; i < a->keys.count; i++) {
		if (ld_attest_key_is_kms(a->keys.items[i]) && !*s) {
			if (a->inventory) {
				ld_cli_errorf("--key %s is read through KMS, which needs AWS access, "
					      "and cannot be combined with --inventory; use a key file",
					      a->keys.items[i]);
				return LD_EXIT_USAGE;
			}
			if ((rc = ld_cli_session(s, &a->aws, "scan")) != LD_EXIT_OK)
				return rc;
		}
		if ((error = ld_attest_key_open(&keys[i], a->keys.items[i], false, *s, calls)) < 0)
			return ld_cli_fail_opt(error, "scan", "--key");
	}
	return LD_EXIT_OK;
}

/* Read and check every record against the keys: one that no key verifies stops the scan. */
static int read_records(scan_records *r, const scan_args *a)
{
	ld_attest_key **keys = calloc(a->keys.count + 1, sizeof(*keys));
	ld_aws_session *s = NULL;
	int error = LD_EINVALID, rc;

	if (!keys || !(r->items = calloc(a->attestations.count + 1, sizeof(*r->items)))) {
		ld_cli_errorf("out of memory");
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if (a->attestations.count > MAX_RECORDS) {
		ld_cli_errorf("at most %d --attestation records at once", MAX_RECORDS);
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if ((rc = open_keys(keys, &s, a, &r->calls)) != LD_EXIT_OK)
		goto done;
	for (size_t i = 0; i < a->attestations.count; i++, r->count++) {
		error = LD_EINVALID;
		for (size_t k = 0; k < a->keys.count && error == LD_EINVALID; k++) {
			ld_attestation_dispose(&r->items[i]);
			error = ld_attestation_read(&r->items[i], a->attestations.items[i], keys[k]);
		}
		if (error < 0) {
			rc = ld_cli_fail(error);
			r->count++;
			goto done;
		}
	}
done:
	for (size_t k = 0; keys && k < a->keys.count; k++)
		ld_attest_key_free(keys[k]);
	free(keys);
	ld_aws_session_free(s);
	return rc;
}

static void records_dispose(scan_records *r)
{
	for (size_t i = 0; i < r->count; i++)
		ld_attestation_dispose(&r->items[i]);
	free(r->items);
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
				   a->aws.functions.count, "scan");
	*report = rc != LD_EXIT_USAGE;
	return rc;
}

static int audit_and_report(ld_inventory *inv, const ld_cli_sessions *s, ld_depcheck *c,
			    const scan_args *a, const ld_cli_report_plan *p, int gathered,
			    const scan_records *recs)
{
	ld_findings findings = { 0 };
	ld_report r = { 0 };
	int error, rc;

	r.command = "scan";
	r.inv = inv;
	/* c is set only with --deps (never with --inventory), and reads the accounts reached */
	if (c && s->n)
		r.checks = LD_CHECKS_DEPS | (ld_cli_deps_asked(&a->dep) ? LD_CHECKS_ADVISORIES : 0);
	r.attestations = recs->items;
	r.nattestations = recs->count;
	ld_api_calls_add(&inv->calls, &recs->calls);
	if ((error = ld_audit_scan(&findings, inv, &p->audit)) == 0 && c && s->n)
		error = ld_depcheck_scan(&findings, NULL, inv, s->sessions,
					 (const char *const *)s->accounts, s->n, c);
	for (size_t i = 0; error == 0 && i < recs->count; i++)
		error = ld_attest_check(&findings, inv, &recs->items[i],
					(const char *const *)a->aws.functions.items,
					a->aws.functions.count);
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
	scan_args a = { .report = LD_CLI_REPORT_ARGS_INIT, .aws.posture = true };
	const ld_opt opts[] = {
		LD_CLI_AWS_OPTS(a.aws),
		LD_CLI_OPT_ALL_URLS(a.aws),
		{ "inventory", 0, LD_OPT_STRING, "FILE",
		  "read a snapshot (lambdrift snapshot) instead of AWS", &a.inventory,
		  LD_CHECK_NONE },
		{ "deps", 0, LD_OPT_FLAG, NULL,
		  "also read the served versions' packages and layers:\n"
		  "layer-outdated, and dependency-vulnerable with --osv", &a.deps, LD_CHECK_NONE },
		LD_CLI_DEPS_OPTS(a.dep, "deps|osv|osv-api"),
		LD_CLI_REPORT_OPTS(a.report),
		{ "attestation", 0, LD_OPT_LIST, "FILE",
		  "hold the account to a signed release record\n"
		  "(verify --attest): attestation-drift and\n"
		  "attestation-missing; repeatable", &a.attestations, LD_CHECK_NEEDS("key") },
		{ "key", 0, LD_OPT_LIST, "KEY",
		  "the public key records are signed with: a PEM file\n"
		  "or awskms:///<key id, ARN or alias>; repeatable\n"
		  "(each record must verify with one of them)", &a.keys,
		  LD_CHECK_KEY("attestation") },
		LD_OPT_END
	};
	scan_records recs;
	ld_inventory inv;
	ld_cli_report_plan plan = { 0 };
	ld_cli_sessions s = { NULL, NULL, 0, NULL };
	ld_depcheck *c = NULL;
	bool have_report;
	int rc, gathered;

	memset(&recs, 0, sizeof(recs));
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
	    (a.deps && (rc = ld_cli_depcheck(&c, &a.dep, "scan"))) ||
	    (a.attestations.count && (rc = read_records(&recs, &a))))
		goto done;
	ld_cli_depcheck_progress(c, &a.aws);
	a.aws.rules = plan.audit.rules;
	gathered = gather(&inv, &s, &a, &have_report);
	if (have_report)
		gathered = ld_cli_check_functions(&inv, &a.aws.functions, gathered);
	rc = have_report ? audit_and_report(&inv, &s, c, &a, &plan, gathered, &recs) : gathered;
done:
	records_dispose(&recs);
	ld_depcheck_free(c);
	ld_cli_sessions_dispose(&s);
	ld_cli_report_plan_dispose(&plan);
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
