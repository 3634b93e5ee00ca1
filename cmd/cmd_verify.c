/*
 * `lambdrift verify`: does every function of a release serve what its git tag says? The tag
 * is resolved and lambdrift.json read from its tree (ld_verify_prepare), the spec's
 * functions are collected from the regions they live in (or read from a snapshot with
 * --inventory), compared (ld_verify_run: alias, served version, code, configuration, plus
 * the scan rules) and reported. Tag and spec problems are usage errors (2) before any AWS
 * call; the report, exit code and "missing data outranks findings" come from common.c, as
 * for scan.
 */
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
} verify_args;

static const ld_cmd_doc verify_doc = {
	"verify",
	"lambdrift verify --tag TAG [options]",
	"Check that every function a release declares serves what its git tag builds: the\n"
	"tag's lambdrift.json names the functions, their alias, their package (a source\n"
	"directory, or a build command with --allow-build) and their configuration. For each\n"
	"function the alias must exist and serve a published version whose code and declared\n"
	"settings equal the tag's. Code is one hash compare when the package was made by\n"
	"'lambdrift package'; otherwise the deployed package is downloaded and compared file by\n"
	"file, so a package zipped by another tool with the same files is code-repackaged (a\n"
	"note), and a real change is code-drift naming the files added, removed or modified.\n"
	"The scan rules run on the same functions too.\n"
	"\n"
	"Dependencies are checked as well (--no-deps skips them): the third-party packages\n"
	"the served version deploys, in its package and in every layer it attaches (each\n"
	"layer downloaded and checked against its CodeSha256), are compared with the\n"
	"lockfiles at the root of the function's source directory at the tag\n"
	"(package-lock.json, npm-shrinkwrap.json, poetry.lock, Pipfile.lock,\n"
	"requirements*.txt pins): dependency-drift. A newer version of an attached layer is\n"
	"layer-outdated, and with --osv an advisory affecting a deployed version is\n"
	"dependency-vulnerable.",
	"EXIT CODES\n"
	"  0  nothing at or above --fail-on\n"
	"  1  findings at or above --fail-on\n"
	"  2  usage error; the repository or tag does not exist; a branch or other moving\n"
	"     ref without --allow-ref; a missing or invalid spec (the message names the file,\n"
	"     JSON path and problem); an unreadable --inventory or --runtime-table file\n"
	"  3  incomplete: credentials, network or throttling failures, a package that could\n"
	"     not be downloaded, or a snapshot marked incomplete; the report is still written\n"
	"     (marked incomplete) and 3 wins over 1\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	LD_CLI_REPORT_ENV_DOC
	"  LAMBDRIFT_NOW             YYYY-MM-DD: the date runtime deadlines are judged at\n"
	"                            (default: today in UTC); also pins run.started\n"
	"\n"
	"EXAMPLES\n"
	"  lambdrift verify --tag v1.4.2\n"
	"  lambdrift verify --repo ~/src/shop --tag v1.4.2 --alias prod --format json -o verify.json\n"
	"  lambdrift verify --tag v1.4.2 --function 'orders-*' --strict --fail-on warning\n"
	"  lambdrift verify --tag v1.4.2 --format sarif -o verify.sarif --format junit -o verify.xml\n"
	"  lambdrift verify --tag v1.4.2 --osv ~/osv/npm --osv ~/osv/PyPI/all.zip\n",
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
	if ((rc = ld_cli_depcheck(a->no_deps ? NULL : c, &a->dep)) != LD_EXIT_OK)
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
		ld_cli_fail(error);
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
	rc = ld_cli_load_inventory(inv, a->inventory, names, nnames);
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

static int compare_and_report(ld_inventory *inv, ld_aws_session *s, const ld_verify *v,
			      const verify_args *a, const ld_cli_report_plan *p, int gathered)
{
	ld_findings findings = { NULL, 0, 0 };
	ld_report r = { 0 };
	const char *const *names;
	size_t nnames;
	int error, rc;

	r.command = "verify";
	r.inv = inv;
	r.tag = ld_verify_tag(v);
	r.commit = ld_verify_commit(v);
	r.spec_uri = spec_uri(a);
	nnames = ld_verify_functions(v, &names);
	if ((error = ld_verify_run(&findings, inv, s, v, &p->audit)) < 0)
		rc = ld_cli_fail(error);
	else
		rc = ld_cli_finish(&r, &findings, p, gathered, names, nnames);
	ld_findings_dispose(&findings);
	return rc;
}

int ld_cmd_verify(int argc, char **argv)
{
	verify_args a = { .repo = ".", .report = LD_CLI_REPORT_ARGS_INIT };
	const ld_opt opts[] = {
		{ "repo", 0, LD_OPT_STRING, "DIR",
		  "the git repository (work tree or bare; default: .)", &a.repo, LD_CHECK_NONE },
		{ "tag", 0, LD_OPT_STRING, "TAG",
		  "the release to verify: an annotated or lightweight tag\n(required)", &a.tag,
		  LD_CHECK_NONE },
		{ "allow-ref", 0, LD_OPT_FLAG, NULL,
		  "accept a branch, commit id or other ref for --tag\n"
		  "(refused by default: it can move)", &a.allow_ref, LD_CHECK_NONE },
		{ "spec", 0, LD_OPT_STRING, "FILE",
		  "read the spec from FILE instead of lambdrift.json\nin the tag's tree", &a.spec,
		  LD_CHECK_NONE },
		{ "alias", 0, LD_OPT_STRING, "NAME",
		  "the alias that must serve the release (default: the\nspec's \"alias\")",
		  &a.alias, LD_CHECK_NONE },
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
		LD_CLI_OPT_QUIET(a.aws),
		LD_OPT_END
	};
	ld_inventory inv;
	ld_cli_report_plan plan = { 0 };
	ld_verify *v = NULL;
	ld_depcheck *c = NULL;
	ld_aws_session *s = NULL;
	bool have_report;
	int rc, gathered;

	ld_inventory_init(&inv);
	if ((rc = ld_opts_parse(opts, argc, argv, "verify")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &verify_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc || (rc = check_args(&a)) ||
	    (rc = ld_cli_report_plan_init(&plan, &a.report, "verify")) || (rc = prepare(&v, &c, &a)))
		goto done;
	gathered = gather(&inv, &s, &a, v, &have_report);
	rc = have_report ? compare_and_report(&inv, s, v, &a, &plan, gathered) : gathered;
done:
	ld_aws_session_free(s);
	ld_verify_free(v);
	ld_depcheck_free(c);
	ld_cli_report_plan_dispose(&plan);
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
