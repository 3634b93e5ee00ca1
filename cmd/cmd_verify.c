/*
 * `lambdrift verify`: does every function of a release serve what its git tag says? The tag
 * is resolved and lambdrift.json read from its tree (ld_verify_prepare), the spec's
 * functions are collected from the regions they live in (or read from a snapshot with
 * --inventory), compared (ld_verify_run: alias, served version, code, configuration, plus
 * the scan rules) and reported. Tag and spec problems are usage errors (2) before any AWS
 * call; the report, exit code and "missing data outranks findings" come from common.c, as
 * for scan.
 */
#include <string.h>

#include <lambdrift/attest.h>
#include <lambdrift/audit.h>
#include <lambdrift/aws.h>
#include <lambdrift/errors.h>
#include <lambdrift/inventory.h>
#include <lambdrift/report.h>
#include <lambdrift/verify.h>

#include "cli.h"

typedef struct {
	const char *repo;
	const char *tag;
	bool allow_ref;
	const char *spec;
	const char *alias;
	bool allow_build;
	bool strict;
	const char *inventory;
	bool no_deps;
	ld_cli_deps dep;
	ld_cli_aws aws;
	ld_cli_report_args report;
	const char *attest;        /* --attest FILE: the release record to write */
	const char *signing_key;   /* --signing-key KEY */
} verify_args;

static const ld_cmd_doc verify_doc = {
	"verify",
	"lambdrift verify --tag TAG [options]",
	"Check that every function a release declares serves what its git tag builds: the\n"
	"tag's lambdrift.json names the functions, their alias, their package (a source\n"
	"directory, or a build command with --allow-build) and their configuration. For\n"
	"each function the alias must exist and serve a published version whose code and\n"
	"declared settings equal the tag's. Code is one hash compare when the package was\n"
	"made by 'lambdrift package'; otherwise the deployed package is downloaded and\n"
	"compared file by file, so a package zipped by another tool with the same files\n"
	"is code-repackaged (a note), and a real change is code-drift naming the files\n"
	"added, removed or modified. The scan rules run on the same functions too.\n"
	"\n"
	"Dependencies are checked as well (--no-deps skips them): the third-party\n"
	"packages the served version deploys, in its package and in every layer it\n"
	"attaches (each layer downloaded and checked against its CodeSha256), are\n"
	"compared with the lockfiles at the root of the function's source directory at\n"
	"the tag (package-lock.json, npm-shrinkwrap.json, poetry.lock, Pipfile.lock,\n"
	"requirements*.txt pins): dependency-drift. A newer version of an attached layer\n"
	"is layer-outdated, and with --osv an advisory affecting a deployed version is\n"
	"dependency-vulnerable.\n"
	"\n"
	"With --attest FILE --signing-key KEY the run also writes a signed release\n"
	"record: a DSSE envelope holding an in-toto Statement v1 with one subject per\n"
	"function found (its ARN qualified with the served version, the sha256 of its\n"
	"deployed code, the alias) and what verify found (tag, commit, repository, spec\n"
	"digest, per function the served version, configuration and content digests and\n"
	"result, findings by severity, whether the run was complete). A failing or\n"
	"incomplete run is recorded as such, never as passed. KEY is a PEM private key\n"
	"file (ECDSA P-256 or Ed25519) or an AWS KMS key,\n"
	"awskms:///<key id, ARN or alias> (an ECC_NIST_P256 SIGN_VERIFY key; KMS signs,\n"
	"no key file is needed). 'lambdrift attestation verify' checks a record and\n"
	"'lambdrift scan --attestation' holds the account to it.",
	"EXIT CODES\n"
	"  0  nothing at or above --fail-on\n"
	"  1  findings at or above --fail-on\n"
	"  2  usage error; the repository or tag does not exist; a branch or other moving\n"
	"     ref without --allow-ref; a missing or invalid spec (the message names the\n"
	"     file, JSON path and problem); an unreadable --inventory or --runtime-table\n"
	"     file; a report or --attest record that could not be written, also of an\n"
	"     incomplete run\n"
	"  3  incomplete: credentials, network or throttling failures, a package that\n"
	"     could not be downloaded, or a snapshot marked incomplete; the report is\n"
	"     still written (marked incomplete) and 3 wins over 1; KMS could not sign the\n"
	"     release record\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	LD_CLI_REPORT_ENV_DOC
	"  LAMBDRIFT_NOW             YYYY-MM-DD: the date runtime deadlines are judged at\n"
	"                            (default: today in UTC); also pins run.started\n"
	"\n"
	"EXAMPLES\n"
	"  lambdrift verify --tag v1.4.2\n"
	"  lambdrift verify --repo ~/src/shop --tag v1.4.2 --alias prod \\\n"
	"      --format json -o verify.json\n"
	"  lambdrift verify --tag v1.4.2 --function 'orders-*' --strict --fail-on warning\n"
	"  lambdrift verify --tag v1.4.2 --format sarif -o verify.sarif \\\n"
	"      --format junit -o verify.xml\n"
	"  lambdrift verify --tag v1.4.2 --osv ~/osv/npm --osv ~/osv/PyPI/all.zip\n"
	"  lambdrift verify --tag v1.4.2 --attest release.json \\\n"
	"      --signing-key awskms:///alias/release\n",
};

static int check_args(const verify_args *a)
{
	const char *which;

	if (!a->tag) {
		ld_cli_errorf("verify needs --tag TAG (the release to check); "
			      "see 'lambdrift verify --help'");
		return LD_EXIT_USAGE;
	}
	if (a->inventory && ld_cli_aws_used(&a->aws, &which)) {
		ld_cli_errorf("%s needs AWS access and cannot be combined with --inventory; "
			      "see 'lambdrift verify --help'", which);
		return LD_EXIT_USAGE;
	}
	if (a->inventory && a->signing_key && ld_attest_key_is_kms(a->signing_key)) {
		ld_cli_errorf("--signing-key %s signs through KMS, which needs AWS access, and "
			      "cannot be combined with --inventory; use a key file", a->signing_key);
		return LD_EXIT_USAGE;
	}
	if (a->aws.regions.count > 1) {
		ld_cli_errorf("verify takes one --region (for functions the spec gives none); the "
			      "spec says where the others live; see 'lambdrift verify --help'");
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

static int prepare(ld_verify **v, ld_depcheck **c, verify_args *a)
{
	ld_verify_opts vo = LD_VERIFY_OPTS_INIT;
	int error, rc;

	if (a->no_deps && ld_cli_deps_asked(&a->dep)) {
		ld_cli_errorf("--no-deps skips the dependency checks that --osv and --osv-api feed; "
			      "give one or the other");
		return LD_EXIT_USAGE;
	}
	if ((rc = ld_cli_depcheck(a->no_deps ? NULL : c, &a->dep, "verify")) != LD_EXIT_OK)
		return rc;
	vo.deps = *c;
	vo.max_package_bytes = a->dep.max_package_bytes;

	vo.repo_path = a->repo;
	vo.tag = a->tag;
	vo.allow_ref = a->allow_ref;
	vo.spec_path = a->spec;
	vo.alias = a->alias;
	vo.allow_build = a->allow_build;
	vo.strict = a->strict;
	vo.function_globs = (const char *const *)a->aws.functions.items;
	vo.nglobs = a->aws.functions.count;
	/* A missing repository or tag, a refused ref and a bad spec are all the user's to fix. */
	if ((error = ld_verify_prepare(v, &vo)) < 0) {
		ld_cli_fail_opt(error, "verify", NULL);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

/* Collect the spec's functions from their regions into `inv`, keeping the session for the
 * code downloads of the comparison. *report as in scan: something to report. */
static int collect(ld_inventory *inv, ld_aws_session **s, const verify_args *a,
		   const ld_verify *v, bool *report)
{
	const char *const *names;
	const char **regions;
	size_t nnames, nregions;
	int rc;

	if ((rc = ld_cli_session(s, &a->aws, "verify")) != LD_EXIT_OK) {
		*report = ld_cli_session_problem(inv, rc);
		return rc;
	}
	*report = true;
	nnames = ld_verify_functions(v, &names);
	nregions = ld_verify_regions(v, ld_aws_session_region(*s), &regions);
	/* No names would mean "every function": a spec without functions collects nothing. */
	if (!nnames)
		nregions = 0;
	return ld_cli_collect_regions(inv, *s, &a->aws, regions, nregions, names, nnames);
}

static int gather(ld_inventory *inv, ld_aws_session **s, const verify_args *a,
		  const ld_verify *v, bool *report)
{
	const char *const *names;
	size_t nnames;
	int rc;

	if (!a->inventory)
		return collect(inv, s, a, v, report);
	nnames = ld_verify_functions(v, &names);
	rc = ld_cli_load_inventory(inv, a->inventory, names, nnames, "verify");
	*report = rc != LD_EXIT_USAGE;
	return rc;
}

/* Where findings point in SARIF and annotations: lambdrift.json at the root of the tag's
 * tree, or a --spec file given relative to the working directory (in CI, the checkout). An
 * absolute --spec path is outside any repository: findings then carry no file location. */
static const char *spec_uri(const verify_args *a)
{
	if (!a->spec)
		return "lambdrift.json";
	return a->spec[0] == '/' ? NULL : a->spec;
}

/* The signing key; a file is read before anything is collected, KMS once the session
 * exists (`s` NULL: the file key, or nothing yet for KMS). */
static int open_key(ld_attest_key **key, const verify_args *a, ld_aws_session *s,
		    ld_inventory *inv)
{
	int error;

	if (!a->attest || *key || (ld_attest_key_is_kms(a->signing_key) && !s))
		return LD_EXIT_OK;
	if ((error = ld_attest_key_open(key, a->signing_key, true, s, &inv->calls)) < 0)
		return ld_cli_fail_opt(error, "verify", "--signing-key");
	return LD_EXIT_OK;
}

/* The release record: signed in memory before the reports (so its KMS call is counted in
 * them), written after them. */
static int sign_release(ld_buf *envelope, ld_attest_key *key, const ld_verify *v,
			const ld_verify_records *recs, const ld_inventory *inv,
			const ld_findings *findings, const ld_cli_report_plan *p, int gathered)
{
	ld_attest_release in = { v, recs, inv, findings, p->fail_on,
				 gathered != LD_EXIT_INCOMPLETE && inv->complete, p->started };
	int error;

	if ((error = ld_attest_sign_release(envelope, &in, key)) < 0)
		return ld_cli_fail(error);
	return LD_EXIT_OK;
}

static int write_release(const ld_buf *envelope, const char *path)
{
	ld_cli_out out;

	memset(&out, 0, sizeof(out));
	if (ld_cli_out_open(&out, path, "--attest", "release record") < 0 ||
	    ld_cli_out_write(&out, envelope->ptr, envelope->size) < 0 ||
	    ld_cli_out_commit(&out) < 0)
		return LD_EXIT_USAGE;
	return LD_EXIT_OK;
}

/* The worse of two exit codes: their values rank them (ok, findings, usage, incomplete). */
static int worse(int a, int b)
{
	return b > a ? b : a;
}

static int compare_and_report(ld_inventory *inv, ld_aws_session *s, const ld_verify *v,
			      const verify_args *a, const ld_cli_report_plan *p, int gathered,
			      ld_attest_key **key)
{
	ld_findings findings = { 0 };
	ld_buf envelope = LD_BUF_INIT;
	ld_verify_records recs = { NULL, 0 };
	ld_report r = { 0 };
	const char *const *names;
	size_t nnames;
	int error, rc, signed_rc = LD_EXIT_OK, wrote_rc = LD_EXIT_OK;

	r.command = "verify";
	r.inv = inv;
	/* a snapshot holds no package to read dependencies from */
	if (!a->no_deps && !a->inventory)
		r.checks = LD_CHECKS_DEPS | (ld_cli_deps_asked(&a->dep) ? LD_CHECKS_ADVISORIES : 0);
	r.tag = ld_verify_tag(v);
	r.commit = ld_verify_commit(v);
	r.spec_uri = spec_uri(a);
	nnames = ld_verify_functions(v, &names);
	if ((rc = open_key(key, a, s, inv)) != LD_EXIT_OK)
		return rc;
	if ((error = ld_verify_run_records(&findings, inv, s, v, &p->audit, &recs)) < 0) {
		rc = ld_cli_fail(error);
		goto done;
	}
	if (*key)
		signed_rc = sign_release(&envelope, *key, v, &recs, inv, &findings, p, gathered);
	rc = ld_cli_finish(&r, &findings, p, gathered, names, nnames);
	if (*key && signed_rc == LD_EXIT_OK)
		wrote_rc = write_release(&envelope, a->attest);
	/* a release record asked for and not signed is never a clean run; one signed and not
	 * written is an output failure (2), as a report not written is, even of an incomplete
	 * run: 3 promises that what was asked for was written */
	if (signed_rc != LD_EXIT_OK)
		rc = worse(rc, signed_rc == LD_EXIT_USAGE ? LD_EXIT_INCOMPLETE : signed_rc);
	if (wrote_rc != LD_EXIT_OK)
		rc = wrote_rc;
done:
	ld_verify_records_dispose(&recs);
	ld_findings_dispose(&findings);
	ld_buf_dispose(&envelope);
	return rc;
}

int ld_cmd_verify(int argc, char **argv)
{
	verify_args a = { .repo = ".", .report = LD_CLI_REPORT_ARGS_INIT, .aws.posture = true };
	const ld_opt opts[] = {
		{ "repo", 0, LD_OPT_STRING, "DIR",
		  "the git repository (work tree or bare; default: .)", &a.repo, LD_CHECK_NONE },
		{ "tag", 0, LD_OPT_STRING, "TAG",
		  "the release to verify: an annotated or lightweight\ntag (required)", &a.tag,
		  LD_CHECK_NONE },
		{ "allow-ref", 0, LD_OPT_FLAG, NULL,
		  "accept a branch, commit id or other ref for --tag\n"
		  "(refused by default: it can move)", &a.allow_ref, LD_CHECK_NONE },
		{ "spec", 0, LD_OPT_STRING, "FILE",
		  "read the spec from FILE instead of lambdrift.json\nin the tag's tree", &a.spec,
		  LD_CHECK_NONE },
		{ "alias", 0, LD_OPT_STRING, "NAME",
		  "the alias that must serve the release (default: the\nspec's \"alias\")",
		  &a.alias, LD_CHECK_ALIAS },
		{ "allow-build", 0, LD_OPT_FLAG, NULL,
		  "run the spec's build commands (build mode); without\n"
		  "it, such functions are code-unverified", &a.allow_build, LD_CHECK_NONE },
		{ "strict", 0, LD_OPT_FLAG, NULL,
		  "code that could not be compared (code-unverified)\nis an error, not a warning",
		  &a.strict, LD_CHECK_NONE },
		{ "function", 0, LD_OPT_LIST, "GLOB",
		  "only the spec's functions whose name matches;\nrepeatable (default: all)",
		  &a.aws.functions, LD_CHECK_NONE },
		LD_CLI_OPT_PROFILE(a.aws),
		{ "region", 0, LD_OPT_CSV_LIST, "REGION",
		  "region of functions the spec gives none (default:\n"
		  "AWS_REGION, AWS_DEFAULT_REGION, the profile)", &a.aws.regions, LD_CHECK_REGION },
		LD_CLI_OPT_ENDPOINT(a.aws),
		LD_CLI_OPT_TIMEOUT(a.aws),
		{ "inventory", 0, LD_OPT_STRING, "FILE",
		  "read a snapshot (lambdrift snapshot) instead of AWS;\n"
		  "code needing a download is then code-unverified", &a.inventory, LD_CHECK_NONE },
		{ "no-deps", 0, LD_OPT_FLAG, NULL,
		  "skip the dependency checks (dependency-drift,\n"
		  "dependency-vulnerable, layer-outdated)", &a.no_deps, LD_CHECK_NONE },
		LD_CLI_DEPS_OPTS(a.dep, NULL),
		LD_CLI_REPORT_OPTS(a.report),
		{ "attest", 0, LD_OPT_STRING, "FILE",
		  "also write a signed release record (DSSE, in-toto)\n"
		  "of this run to FILE, atomically", &a.attest, LD_CHECK_NEEDS("signing-key") },
		{ "signing-key", 0, LD_OPT_STRING, "KEY",
		  "sign it with KEY: a PEM private key file (ECDSA\n"
		  "P-256 or Ed25519), or awskms:///<key id, ARN or\n"
		  "alias> (KMS at the --endpoint-url when given)", &a.signing_key,
		  LD_CHECK_KEY("attest") },
		LD_CLI_OPT_QUIET(a.aws),
		LD_OPT_END
	};
	ld_inventory inv;
	ld_cli_report_plan plan = { 0 };
	ld_verify *v = NULL;
	ld_depcheck *c = NULL;
	ld_aws_session *s = NULL;
	ld_attest_key *key = NULL;
	bool have_report;
	int rc, gathered;

	ld_inventory_init(&inv);
	if ((rc = ld_opts_parse(opts, argc, argv, "verify")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &verify_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc || (rc = check_args(&a)) ||
	    (rc = ld_cli_report_plan_init(&plan, &a.report, "verify")) ||
	    (a.attest && (rc = ld_cli_out_check(a.attest, "--attest", "verify"))) ||
	    (rc = prepare(&v, &c, &a)) || (rc = open_key(&key, &a, NULL, &inv)))
		goto done;
	a.aws.rules = plan.audit.rules;
	gathered = gather(&inv, &s, &a, v, &have_report);
	rc = have_report ? compare_and_report(&inv, s, v, &a, &plan, gathered, &key) : gathered;
done:
	ld_attest_key_free(key);
	ld_aws_session_free(s);
	ld_verify_free(v);
	ld_depcheck_free(c);
	ld_cli_report_plan_dispose(&plan);
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
