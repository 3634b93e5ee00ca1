/*
 * What the commands share: the exit codes, error printing, the AWS options common to scan,
 * snapshot and verify, the session and collection over regions with progress, the report
 * options and the one path from findings to written reports and an exit code (outputs.c),
 * the clock, and atomic output files. Each command lives in cmd/cmd_<name>.c and is listed in main.c's
 * command table.
 */
#ifndef LD_CMD_CLI_H
#define LD_CMD_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <lambdrift/audit.h>
#include <lambdrift/aws.h>
#include <lambdrift/baseline.h>
#include <lambdrift/deps.h>
#include <lambdrift/inventory.h>
#include <lambdrift/report.h>

#include "opts.h"

/* Exit codes (docs/ARCHITECTURE.md). INCOMPLETE outranks FINDINGS: missing data is never clean. */
typedef enum {
	LD_EXIT_OK = 0,         /* nothing at or above --fail-on */
	LD_EXIT_FINDINGS = 1,   /* findings at or above --fail-on */
	LD_EXIT_USAGE = 2,      /* bad command line, spec or input file; or an output not
				   written, which outranks INCOMPLETE (3 says it was) */
	LD_EXIT_INCOMPLETE = 3  /* data is missing: auth, network, throttling, partial snapshot */
} ld_exit_code;

typedef int (*ld_cmd_fn)(int argc, char **argv);

int ld_cmd_scan(int argc, char **argv);
int ld_cmd_snapshot(int argc, char **argv);
int ld_cmd_rules(int argc, char **argv);
int ld_cmd_verify(int argc, char **argv);
int ld_cmd_package(int argc, char **argv);
int ld_cmd_baseline(int argc, char **argv);
int ld_cmd_explain(int argc, char **argv);
int ld_cmd_deps(int argc, char **argv);
int ld_cmd_attestation(int argc, char **argv);
int ld_cmd_merge(int argc, char **argv);

/** Print "lambdrift: <message>" to stderr. */
void ld_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print ld_error_last() (with a hint for credential errors); return the exit code for
 *  the library error `error`: INCOMPLETE for auth/network/throttling, else USAGE. */
int ld_cli_fail(int error);
/** As ld_cli_fail(), for a failure caused by a value on the command line: the message
 *  names `opt` ("--inventory"; NULL: the message names it already) and a usage exit
 *  ends with the hint to 'lambdrift CMD --help'. */
int ld_cli_fail_opt(int error, const char *cmd, const char *opt);

/* The options that reach AWS, shared by scan and snapshot. */
typedef struct {
	const char *profile;
	ld_opt_list regions;
	const char *endpoint_url;
	const char *timeout;
	ld_opt_list functions;
	bool quiet;
	const char *accounts;          /* --accounts FILE|ID,...|org */
	ld_opt_list exclude_accounts;  /* --exclude-account ID, repeatable */
	const char *role_name;
	const char *role_arn_template;
	const char *external_id;
	ld_opt_list rates;             /* --rate CLASS=N,... */
	const char *parallel;
	const char *shard;             /* --shard I/N */
	const char *shards;            /* --shards N, the index from the scheduler */
	bool all_urls;                 /* --all-urls */
	bool posture;                  /* not an option: the command runs the scan rules, so
					  collecting reads execution roles and log groups too */
	const ld_rule_selection *rules; /* --rule/--skip-rule of the report (borrowed), NULL:
					   all; what they leave out is not collected */
} ld_cli_aws;

/* --rate's default, as the collector applies it (LD_COLLECT_POOL_OPTS_INIT's 0s), for the
 * help and the error message alike. */
#define LD_CLI_RATE_DEFAULT "control=14.5,get_function=95,get_policy=14.5,logs=4.5"

/* The option rows, one macro each, so a command can word --region and --function its own way
 * (verify) while scan and snapshot share LD_CLI_AWS_OPTS. */
#define LD_CLI_OPT_PROFILE(a) \
	{ "profile", 0, LD_OPT_STRING, "NAME", \
	  "AWS profile (default: AWS_PROFILE, else \"default\")", &(a).profile, LD_CHECK_NONE }
#define LD_CLI_OPT_ENDPOINT(a) \
	{ "endpoint-url", 0, LD_OPT_STRING, "URL", \
	  "Lambda, IAM, CloudWatch Logs, KMS and Organizations\n" \
	  "endpoint, e.g. a local emulator (default:\n" \
	  "AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL)", &(a).endpoint_url, LD_CHECK_URL }
#define LD_CLI_OPT_TIMEOUT(a) \
	{ "timeout", 0, LD_OPT_STRING, "SECONDS", \
	  "total deadline for collecting (default: none)", &(a).timeout, \
	  LD_CHECK_INT(0, 604800, "seconds") }
#define LD_CLI_OPT_QUIET(a) \
	{ "quiet", 'q', LD_OPT_FLAG, NULL, "no progress line on stderr", &(a).quiet, LD_CHECK_NONE }

/* scan's and snapshot's: only trigger-unqualified reads it, so deps and verify go without. */
#define LD_CLI_OPT_ALL_URLS(a) \
	{ "all-urls", 0, LD_OPT_FLAG, NULL, \
	  "list every function's URLs (ListFunctionUrlConfigs,\n" \
	  "one more 15/s-class call per function), so\n" \
	  "trigger-unqualified sees an AWS_IAM URL no resource\n" \
	  "policy names (default: only where one names a URL)", &(a).all_urls, \
	  LD_CHECK_NONE }

#define LD_CLI_AWS_OPTS(a) \
	LD_CLI_OPT_PROFILE(a), \
	{ "region", 0, LD_OPT_CSV_LIST, "REGION", \
	  "region to scan; repeat or use commas for several,\n" \
	  "or \"all\" for every region of the partition, in\n" \
	  "parallel (default: AWS_REGION, AWS_DEFAULT_REGION,\n" \
	  "then the profile)", &(a).regions, \
	  LD_CHECK_REGION }, \
	LD_CLI_OPT_ENDPOINT(a), \
	LD_CLI_OPT_TIMEOUT(a), \
	{ "function", 0, LD_OPT_LIST, "GLOB", \
	  "only functions whose name matches; repeatable\n" \
	  "(default: all); a pattern that matches no function\n" \
	  "makes the run incomplete (exit 3)", &(a).functions, \
	  LD_CHECK_NONE }, \
	{ "accounts", 0, LD_OPT_STRING, "FILE|ID,...|org", \
	  "scan these accounts, each through sts:AssumeRole\n" \
	  "from the base credentials (a file: one id per line,\n" \
	  "# comments); org: the organisation's ACTIVE\n" \
	  "accounts (organizations:ListAccounts, from the\n" \
	  "management or a delegated administrator account)", &(a).accounts, \
	  LD_CHECK_NONE }, \
	{ "exclude-account", 0, LD_OPT_CSV_LIST, "ID", \
	  "leave this account of --accounts out; repeatable", \
	  &(a).exclude_accounts, LD_CHECK_NEEDS("accounts") }, \
	{ "role-name", 0, LD_OPT_STRING, "NAME", \
	  "role to assume in each of --accounts", &(a).role_name, \
	  LD_CHECK_NEEDS("accounts") }, \
	{ "role-arn-template", 0, LD_OPT_STRING, "ARN", \
	  "role to assume, {account} replaced by each account,\n" \
	  "e.g. 'arn:aws:iam::{account}:role/Audit'", &(a).role_arn_template, \
	  LD_CHECK_NEEDS("accounts") }, \
	{ "external-id", 0, LD_OPT_STRING, "ID", \
	  "external id for those AssumeRole calls", &(a).external_id, \
	  LD_CHECK_NEEDS("accounts") }, \
	{ "shard", 0, LD_OPT_STRING, "I/N", \
	  "scan only shard I (1 to N) of N of --accounts, split\n" \
	  "by a hash of the account id (then: lambdrift merge)", &(a).shard, LD_CHECK_NONE }, \
	{ "shards", 0, LD_OPT_STRING, "N", \
	  "as --shard I/N, with I the scheduler's 0-based\n" \
	  "index plus 1 (JOB_COMPLETION_INDEX or\n" \
	  "AWS_BATCH_JOB_ARRAY_INDEX)", &(a).shards, \
	  LD_CHECK_INT(1, LD_SHARDS_MAX, "shards") }, \
	{ "parallel", 0, LD_OPT_STRING, "N", \
	  "requests in flight at once, 1 to 64 (default: 4 per\n" \
	  "account-region, up to 256 in all; 1: one at a time)", \
	  &(a).parallel, \
	  LD_CHECK_INT(1, 64, NULL) }, \
	{ "rate", 0, LD_OPT_CSV_LIST, "CLASS=N", \
	  "requests per second per account-region and quota\n" \
	  "class (iam: per account): control, get_function,\n" \
	  "get_policy, logs, iam (default: control=14.5,\n" \
	  "get_function=95,get_policy=14.5,logs=4.5, just\n" \
	  "under the quotas; iam unpaced)", &(a).rates, \
	  LD_CHECK_RATE(LD_CHOICES("control", "get_function", "get_policy", "iam", "logs"), \
			10000, LD_CLI_RATE_DEFAULT) }, \
	LD_CLI_OPT_QUIET(a)

/* The ENVIRONMENT section of --help for commands that reach AWS. */
#define LD_CLI_AWS_ENV_DOC \
	"  AWS_PROFILE               profile when --profile is not given\n" \
	"  AWS_REGION, AWS_DEFAULT_REGION\n" \
	"                            region when --region is not given\n" \
	"  AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL\n" \
	"                            endpoint when --endpoint-url is not given\n" \
	"  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\n" \
	"                            credentials (else the profile, web identity,\n" \
	"                            container or instance credentials)\n" \
	"  AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE\n" \
	"                            where profiles are read (default ~/.aws/)\n" \
	"  AWS_CA_BUNDLE             extra CA certificates; TLS is always verified\n" \
	"  CI                        when set, no progress line\n"

/* The ENVIRONMENT lines of the commands with --shard (LD_CLI_AWS_OPTS). */
/* The environment of --accounts org, for the commands that take --accounts. */
#define LD_CLI_ORG_ENV_DOC \
	"  AWS_ENDPOINT_URL_ORGANIZATIONS\n" \
	"                            Organizations endpoint (--accounts org) when\n" \
	"                            --endpoint-url is not given\n"
#define LD_CLI_SHARD_ENV_DOC \
	"  LAMBDRIFT_SHARD           I/N, as --shard when neither --shard nor --shards\n" \
	"  JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX\n" \
	"                            the shard index (0-based) for --shards N\n"

/**
 * The shard of this run from --shard I/N, else --shards N with JOB_COMPLETION_INDEX or
 * AWS_BATCH_JOB_ARRAY_INDEX (0-based), else LAMBDRIFT_SHARD=I/N; both 0 when unsharded.
 * Errors are printed.
 * @return LD_EXIT_OK; LD_EXIT_USAGE for a malformed or out-of-range value, both options,
 *         --shards without an index in the environment, or a shard without --accounts
 */
int ld_cli_shard(unsigned *index, unsigned *count, const ld_cli_aws *a, const char *cmd);

/** True when any option that needs AWS access was given (for --inventory conflicts);
 *  `which` receives its name. */
bool ld_cli_aws_used(const ld_cli_aws *a, const char **which);

/**
 * Make the AWS session for the options: --profile, --endpoint-url, --timeout, and the first
 * --region as its region. Errors are printed; `cmd` names the command in usage hints.
 * @return LD_EXIT_OK; LD_EXIT_USAGE for bad options, profile or config; LD_EXIT_INCOMPLETE
 *         when no credentials could be found
 */
int ld_cli_session(ld_aws_session **out, const ld_cli_aws *a, const char *cmd);

/** After ld_cli_session() returned `rc`: when the session failed for missing data (no
 *  credentials: LD_EXIT_INCOMPLETE), record why as a problem of `inv`, so the report asked
 *  for is still written, incomplete and saying why. @return whether there is a report */
bool ld_cli_session_problem(ld_inventory *inv, int rc);

/**
 * Collect `regions` concurrently into `inv` (none: the session's; "all": every region of
 * the session's partition), keeping only the functions matching `globs` (none: all), with
 * a progress line on a terminal unless a->quiet or CI. A region that fails as a whole
 * becomes a problem line (and a line on stderr), and the others go on.
 * @return LD_EXIT_OK when complete, else LD_EXIT_INCOMPLETE
 */
int ld_cli_collect_regions(ld_inventory *inv, ld_aws_session *s, const ld_cli_aws *a,
			   const char *const *regions, size_t nregions,
			   const char *const *globs, size_t nglobs);

/* Sessions kept after collecting, for the calls that follow (package downloads): one per
 * --accounts account (`accounts` their ids), or the base session alone (`accounts` NULL),
 * which then serves any account. Released with ld_cli_sessions_dispose(). */
typedef struct {
	ld_aws_session **sessions;
	char **accounts;
	size_t n;
	ld_aws_session *base;
} ld_cli_sessions;

void ld_cli_sessions_dispose(ld_cli_sessions *s);

/**
 * Collect the inventory for the options: one session (ld_cli_session), then
 * ld_collect_estate() of every --region (none: the session's) with the --function globs,
 * in every --accounts account through its role (else the session's own account). Errors
 * are printed.
 * @param keep NULL, or receives the sessions for calls after collecting (dispose it
 *        whatever the result)
 * @return LD_EXIT_OK when complete; LD_EXIT_INCOMPLETE with *collected true (data is
 *         missing; when no session could be made, the inventory's problem says why);
 *         LD_EXIT_USAGE for bad options, profile or config
 */
int ld_cli_collect(ld_inventory *inv, const ld_cli_aws *a, const char *cmd, bool *collected,
		   ld_cli_sessions *keep);

/**
 * After collecting or loading: each --function pattern in `globs` that matches no function
 * of `inv` is a problem of the run (a typo must not read as a clean report), or under
 * --shard a note (another shard may hold it; merge makes it a problem when every shard left
 * it, LD_NOTE_UNMATCHED_PREFIX). @return LD_EXIT_INCOMPLETE when a problem was
 * added, else `gathered`
 */
int ld_cli_check_functions(ld_inventory *inv, const ld_opt_list *globs, int gathered);

/**
 * Load a snapshot (--inventory) and keep the functions matching `globs`.
 * @return LD_EXIT_OK; LD_EXIT_INCOMPLETE for a snapshot marked incomplete (loaded, with a
 *         warning printed); LD_EXIT_USAGE when it cannot be read (nothing loaded)
 */
int ld_cli_load_inventory(ld_inventory *inv, const char *path, const char *const *globs,
			  size_t nglobs, const char *cmd);

/* The dependency options of scan, verify and deps. */
typedef struct {
	ld_opt_list osv;           /* --osv PATH, repeatable */
	const char *osv_api;       /* --osv-api URL */
	const char *max_package;   /* --max-package-bytes N */
	size_t max_package_bytes;  /* parsed by ld_cli_depcheck; 0 = the default */
	size_t workers;            /* packages read at once (from --parallel); 0 = default */
} ld_cli_deps;

/* `needs`: NULL, or the options --max-package-bytes applies with ("deps|osv|osv-api" in
 * scan, where packages are read only when asked). */
#define LD_CLI_DEPS_OPTS(d, needs) \
	{ "osv", 0, LD_OPT_LIST, "PATH", \
	  "OSV advisories for dependency-vulnerable: a\n" \
	  "directory of OSV JSON files, one file, or an\n" \
	  "ecosystem's all.zip export; repeatable", &(d).osv, LD_CHECK_NONE }, \
	{ "osv-api", 0, LD_OPT_STRING, "URL", \
	  "also ask the OSV API at URL (https://api.osv.dev)\n" \
	  "about each deployed package (off by default)", &(d).osv_api, LD_CHECK_URL }, \
	{ "max-package-bytes", 0, LD_OPT_STRING, "N", \
	  "largest package or layer to download (default:\n" \
	  "314572800, 300 MiB)", &(d).max_package, LD_CHECK_INT_NEEDS(1, 1L << 30, "bytes", needs) }

/** Whether --osv or --osv-api was given. */
bool ld_cli_deps_asked(const ld_cli_deps *d);

/** Read as many packages at once as --parallel asks (else the default, 4). */
void ld_cli_deps_workers(ld_cli_deps *d, const ld_cli_aws *a);

/** Show the progress of reading packages on stderr, as collecting does (not with -q, in
 *  CI or off a terminal). */
void ld_cli_depcheck_progress(ld_depcheck *c, const ld_cli_aws *a);

/** The run's dependency checker, with the --osv advisories loaded; also parses
 *  --max-package-bytes into d->max_package_bytes. Errors are printed.
 *  @param out NULL: only check and parse the options
 *  @return LD_EXIT_OK, or LD_EXIT_USAGE (a missing or unreadable --osv, a bad URL or size) */
int ld_cli_depcheck(ld_depcheck **out, ld_cli_deps *d, const char *cmd);

/* The longest retention CloudWatch Logs offers (PutRetentionPolicy's retentionInDays): a
 * larger --log-retention-min would note every group, whatever its retention. */
#define LD_LOG_RETENTION_MAX_DAYS 3653L

/* The report options shared by scan and verify, as given. */
typedef struct {
	ld_opt_list outputs;       /* --format and --output in the order given, as
				      "format=VALUE" / "output=VALUE" (LD_OPT_SEQ) */
	const char *fail_on;
	const char *horizon;
	const char *runtime_table;
	const char *baseline;      /* --baseline FILE */
	ld_opt_list rules;         /* --rule GLOB, repeatable */
	ld_opt_list skip_rules;    /* --skip-rule GLOB, repeatable */
	const char *log_retention_min; /* --log-retention-min DAYS, or NULL */
} ld_cli_report_args;

#define LD_CLI_REPORT_ARGS_INIT { { NULL, 0 }, "error", "180", NULL, NULL, { NULL, 0 }, \
				  { NULL, 0 }, NULL }

/* The rows that say where reports go and what fails the run (merge has only these). */
#define LD_CLI_REPORT_OUT_OPTS(r) \
	{ "format", 0, LD_OPT_SEQ, "FORMAT", \
	  "text, json, sarif, junit, markdown or github\n" \
	  "(default: text); repeat, each with its --output,\n" \
	  "to write several formats from one run", &(r).outputs, \
	  LD_CHECK_ENUM(LD_CHOICES("text", "json", "sarif", "junit", "markdown", "github")) }, \
	{ "output", 'o', LD_OPT_SEQ, "FILE", \
	  "write the --format before it to FILE, atomically\n(default: stdout)", &(r).outputs, \
	  LD_CHECK_NONE }, \
	{ "fail-on", 0, LD_OPT_STRING, "SEVERITY", \
	  "exit 1 on findings at or above: error, warning,\nnote or none (default: error)", \
	  &(r).fail_on, LD_CHECK_ENUM(LD_CHOICES("error", "warning", "note", "none")) }, \
	{ "baseline", 0, LD_OPT_STRING, "FILE", \
	  "hide the findings FILE accepts ('lambdrift baseline\n" \
	  "create'); expired ones are shown again, entries\nthat match nothing are listed", \
	  &(r).baseline, LD_CHECK_NONE }

#define LD_CLI_REPORT_OPTS(r) \
	LD_CLI_REPORT_OUT_OPTS(r), \
	{ "rule", 0, LD_OPT_LIST, "GLOB", \
	  "run only the rules whose slug matches ('lambdrift\n" \
	  "rules'); repeatable (default: every rule)", &(r).rules, LD_CHECK_NONE }, \
	{ "skip-rule", 0, LD_OPT_LIST, "GLOB", \
	  "do not run the rules whose slug matches; repeatable;\n" \
	  "reports record what was left out", &(r).skip_rules, LD_CHECK_NONE }, \
	{ "runtime-horizon", 0, LD_OPT_STRING, "DAYS", \
	  "warn of runtime deprecations this many days ahead\n(default: 180)", &(r).horizon, \
	  LD_CHECK_INT(0, 36500, "days") }, \
	{ "runtime-table", 0, LD_OPT_STRING, "FILE", \
	  "runtime dates TSV replacing the built-in table", &(r).runtime_table, LD_CHECK_NONE }, \
	{ "log-retention-min", 0, LD_OPT_STRING, "DAYS", \
	  "log-retention also notes log groups that keep logs\n" \
	  "fewer than DAYS days (1 to 3653, the longest\n" \
	  "retention CloudWatch Logs has; default: only those\n" \
	  "that keep them forever)", &(r).log_retention_min, \
	  LD_CHECK_INT(1, LD_LOG_RETENTION_MAX_DAYS, "days") }

/* The ENVIRONMENT lines of the report options. */
#define LD_CLI_REPORT_ENV_DOC \
	"  NO_COLOR                  when set and not empty, no colour in text output\n" \
	"  GITHUB_ACTIONS            when \"true\", also print a workflow annotation per\n" \
	"                            finding (on stdout, or on stderr when a report\n" \
	"                            goes to stdout)\n"

#define LD_CLI_MAX_OUTPUTS 8

/* One report to write: a format and where (NULL: stdout). */
typedef struct {
	ld_format format;
	const char *path;
} ld_cli_output;

/* What the report options mean once checked, and what the audit needs from them. */
typedef struct {
	ld_cli_output outputs[LD_CLI_MAX_OUTPUTS]; /* in the order given; paths borrowed */
	size_t noutputs;
	bool annotate;           /* GITHUB_ACTIONS=true: workflow annotations as well */
	ld_severity fail_on;
	ld_runtime_table runtimes;
	ld_audit_opts audit;     /* runtimes, horizon, "today" and the rules filled in */
	ld_rule_selection rules; /* --rule, --skip-rule (patterns borrowed from the args) */
	ld_baseline baseline;    /* --baseline, loaded (count 0 and path NULL without) */
	char started[32];        /* RFC 3339 start of the run */
} ld_cli_report_plan;

/**
 * Check the report options, pair each --output with the --format before it (a single
 * --format and --output pair in any order; a --format without --output goes to stdout, and
 * only one may), read the clock (ld_cli_now), load the runtime table and the baseline.
 * Errors are printed with a hint to 'lambdrift CMD --help'. Dispose the plan with
 * ld_cli_report_plan_dispose() whatever the result.
 * @return LD_EXIT_OK or LD_EXIT_USAGE
 */
int ld_cli_report_plan_init(ld_cli_report_plan *p, const ld_cli_report_args *a,
			    const char *cmd);
void ld_cli_report_plan_dispose(ld_cli_report_plan *p);

/**
 * The end of scan and verify: sort the findings, apply the baseline (its scope: the
 * command's rules, the inventory's regions, `globs`, the functions the run looked at), write
 * every planned report from these same findings (r->color decided here), the workflow
 * annotations under GITHUB_ACTIONS, and turn the outcome into the exit code. Missing data
 * outranks findings: an incomplete inventory (or `gathered` == LD_EXIT_INCOMPLETE) gives 3
 * once the reports are written. @return the exit code
 */
int ld_cli_finish(ld_report *r, ld_findings *findings, const ld_cli_report_plan *p,
		  int gathered, const char *const *globs, size_t nglobs);

/** Parse a non-negative decimal integer no larger than `max`. @return 0 or -1 */
int ld_cli_parse_count(long *out, const char *s, long max);

/**
 * "Now" for the run: the current time, or midnight UTC of LAMBDRIFT_NOW=YYYY-MM-DD when
 * set (so golden tests are stable). `today` is midnight UTC of that day; `stamp` the
 * RFC 3339 start time. @return 0, or LD_EXIT_USAGE after printing an error
 */
int ld_cli_now(time_t *today, char stamp[32]);

/* An output destination: stdout, or FILE written through a temp file and renamed into
 * place on commit, so a reader never sees half a report. */
typedef struct {
	FILE *fp;
	char *path; /* NULL for stdout */
	char *tmp;  /* NULL when writing to `path` directly (a device or FIFO) */
	bool created; /* tmp exists on disk and must be removed unless renamed */
	const char *opt;  /* the option that named it ("--output"), for messages */
	const char *what; /* what goes there ("report"), for messages */
} ld_cli_out;

/** Check before any work that `path` ("-" or NULL: stdout) can be written: not a
 *  directory, and its directory exists and is writable. `what` names the option in the
 *  message ("--output"), `cmd` the command whose --help the message points at. @return 0, or LD_EXIT_USAGE after printing an error */
int ld_cli_out_check(const char *path, const char *what, const char *cmd);

/** Open `path` ("-" or NULL: stdout) for the `what` ("report") that option `opt`
 *  ("--output") asked for; messages about it name both and the path. A path that exists
 *  and is not a regular file (/dev/null, a FIFO) is written directly: renaming over it
 *  would replace the device. @return 0, or -1 after printing an error */
int ld_cli_out_open(ld_cli_out *o, const char *path, const char *opt, const char *what);
/** Write `n` bytes to `o`. @return 0, or -1 after printing an error naming the path and
 *  the system's reason and dropping the output */
int ld_cli_out_write(ld_cli_out *o, const void *p, size_t n);
/** After a writer given o->fp failed with library error `error`: print its message naming
 *  where the output was going, and drop the output. @return LD_EXIT_USAGE */
int ld_cli_out_fail(ld_cli_out *o, int error);
/** Flush, close and rename into place. @return 0, or -1 after printing an error naming the
 *  path and the system's reason */
int ld_cli_out_commit(ld_cli_out *o);
/** Drop an uncommitted output (removes the temp file). Accepts a zeroed struct. */
void ld_cli_out_abort(ld_cli_out *o);
/** At exit: flush and close stdout, whose failure (a full disk) is never a success. A
 *  failure ld_cli_out already reported is not reported again. @return `rc`, or
 *  LD_EXIT_USAGE when stdout could not be written (an output failure outranks 3, which
 *  promises the report was written) */
int ld_cli_close_stdout(int rc);

#endif
