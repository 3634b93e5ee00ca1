/*
 * Helpers shared by the commands (cli.h): error printing with hints, the AWS session,
 * collection (the library's ld_collect_estate with the options' accounts, regions, roles
 * and pacing, a progress line and what failed on stderr), snapshot loading, the run's
 * clock, and output files that appear atomically. The report options and the ending of scan and
 * verify live in outputs.c. Nothing here prints secrets: messages come from
 * ld_error_last(), which never holds any.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lambdrift/audit.h>
#include <lambdrift/date.h>
#include <lambdrift/aws.h>
#include <lambdrift/errors.h>
#include <lambdrift/estate.h>

#include "cli.h"

void ld_cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("lambdrift: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void auth_hint(void)
{
	fputs("hint: 'aws sts get-caller-identity' with the same profile and environment shows\n"
	      "      which credentials are found; lambdrift resolves them the same way\n", stderr);
}

static int exit_for(int error)
{
	switch (error) {
	case LD_EAUTH:
	case LD_ENET:
	case LD_ETHROTTLED:
	case LD_ELIMIT:
		return LD_EXIT_INCOMPLETE;
	default:
		return LD_EXIT_USAGE;
	}
}

/* A library failure on stderr: its message, and for credentials a hint. */
static void print_failure(int error, const char *msg)
{
	ld_cli_errorf("%s", *msg ? msg : "failed for an unknown reason");
	if (error == LD_EAUTH)
		auth_hint();
}

int ld_cli_fail(int error)
{
	print_failure(error, ld_error_last()->message);
	return exit_for(error);
}

int ld_cli_fail_opt(int error, const char *cmd, const char *opt)
{
	const char *msg;
	int rc;

	(void)ld_error_about(error, opt);
	msg = ld_error_last()->message;
	rc = exit_for(error);
	if (rc != LD_EXIT_USAGE || strstr(msg, "--help"))
		return ld_cli_fail(error);
	ld_cli_errorf("%s; see 'lambdrift %s --help'", *msg ? msg : "failed for an unknown reason",
		      cmd);
	return rc;
}

bool ld_cli_aws_used(const ld_cli_aws *a, const char **which)
{
	*which = a->profile ? "--profile" : a->regions.count ? "--region" :
		 a->endpoint_url ? "--endpoint-url" : a->timeout ? "--timeout" :
		 a->accounts ? "--accounts" : a->role_name ? "--role-name" :
		 a->role_arn_template ? "--role-arn-template" : a->external_id ? "--external-id" :
		 a->rates.count ? "--rate" : a->parallel ? "--parallel" :
		 a->shard ? "--shard" : a->shards ? "--shards" : a->all_urls ? "--all-urls" : NULL;
	return *which != NULL;
}

int ld_cli_parse_count(long *out, const char *s, long max)
{
	long v = 0;

	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* ---- progress: one \r-updated line on a terminal, at most ten times a second ---- */

typedef struct {
	size_t width;       /* columns of the line now shown, to blank it out */
	struct timespec last;
	bool shown;
} progress_line;

static bool progress_due(progress_line *p, bool final)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
	if (p->shown && ms < 100 && !final)
		return false;
	p->last = now;
	p->shown = true;
	return true;
}

/* Called by the collector with its lock held, so lines never interleave. */
static void progress_cb(void *ctx, const ld_collect_status *st)
{
	progress_line *p = ctx;
	int n;

	if (!progress_due(p, st->targets_done == st->targets_total))
		return;
	n = fprintf(stderr, "\raccount-regions %zu/%zu \xc2\xb7 %zu function%s \xc2\xb7 %lu call%s "
		    "\xc2\xb7 %lu throttled", st->targets_done, st->targets_total, st->functions,
		    st->functions == 1 ? "" : "s", st->calls, st->calls == 1 ? "" : "s",
		    st->throttled);
	/* the three middle dots are two bytes each but one column each */
	n -= 3;
	for (size_t w = n > 0 ? (size_t)n - 1 : 0; w < p->width; w++)
		fputc(' ', stderr);
	if (n > 0 && (size_t)n - 1 > p->width)
		p->width = (size_t)n - 1;
	fflush(stderr);
}

static void progress_clear(progress_line *p)
{
	if (!p->width)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->width, "");
	fflush(stderr);
	p->width = 0;
}

static bool progress_wanted(const ld_cli_aws *a)
{
	const char *ci = getenv("CI");
	return !a->quiet && (!ci || !*ci) && isatty(STDERR_FILENO);
}

static void deps_progress_cb(void *ctx, size_t done, size_t total, size_t layers)
{
	progress_line *p = ctx;
	int n;

	if (!progress_due(p, done == total))
		return;
	n = fprintf(stderr, "\rreading packages: %zu/%zu function%s \xc2\xb7 %zu layer%s", done,
		    total, total == 1 ? "" : "s", layers, layers == 1 ? "" : "s");
	n -= 1; /* the middle dot is two bytes, one column */
	for (size_t w = n > 0 ? (size_t)n - 1 : 0; w < p->width; w++)
		fputc(' ', stderr);
	if (n > 0 && (size_t)n - 1 > p->width)
		p->width = (size_t)n - 1;
	if (done == total)
		progress_clear(p);
	fflush(stderr);
}

void ld_cli_depcheck_progress(ld_depcheck *c, const ld_cli_aws *a)
{
	static progress_line line; /* one dependency scan per process */

	if (c && progress_wanted(a))
		ld_depcheck_set_progress(c, deps_progress_cb, &line);
}

void ld_cli_deps_workers(ld_cli_deps *d, const ld_cli_aws *a)
{
	long n;

	/* --parallel was checked by the option table */
	if (a->parallel && ld_cli_parse_count(&n, a->parallel, 64) == 0 && n > 0)
		d->workers = (size_t)n;
}

/* ---- collection ---- */

static bool is_all(const ld_cli_aws *a)
{
	for (size_t i = 0; i < a->regions.count; i++)
		if (!strcmp(a->regions.items[i], "all"))
			return true;
	return false;
}

int ld_cli_session(ld_aws_session **out, const ld_cli_aws *a, const char *cmd)
{
	ld_aws_opts ao = LD_AWS_OPTS_INIT;
	long timeout = 0;
	int error;

	*out = NULL;
	/* checked by the option table (0 to 604800) */
	if (a->timeout)
		(void)ld_cli_parse_count(&timeout, a->timeout, 7L * 86400);
	if (is_all(a) && a->regions.count > 1) {
		ld_cli_errorf("--region all cannot be combined with other regions; see "
			      "'lambdrift %s --help'", cmd);
		return LD_EXIT_USAGE;
	}
	ao.profile = a->profile;
	/* with --region all the session keeps its configured region (it names the partition
	 * and the STS region); without one, the aws partition's first */
	ao.region = a->regions.count && !is_all(a) ? a->regions.items[0] : NULL;
	ao.endpoint_url = a->endpoint_url;
	ao.timeout_seconds = timeout;
	if ((error = ld_aws_session_new(out, &ao)) == LD_EUSAGE && is_all(a) &&
	    strstr(ld_error_last()->message, "no region")) {
		ao.region = "us-east-1";
		error = ld_aws_session_new(out, &ao);
	}
	if (error < 0)
		return ld_cli_fail_opt(error, cmd, NULL);
	return LD_EXIT_OK;
}

bool ld_cli_session_problem(ld_inventory *inv, int rc)
{
	const char *msg = ld_error_last()->message;

	if (rc != LD_EXIT_INCOMPLETE)
		return false;
	/* incomplete even if the line cannot be stored */
	(void)ld_inventory_problem(inv, "no AWS session: %s", *msg ? msg : "unknown reason");
	return true;
}

/* --rate control=14,get_function=95,get_policy=14,iam=5,logs=4 and --parallel N, as the
 * option table checked them (LD_VAL_RATE, LD_VAL_INT) before anything ran. */
static void pool_options(ld_collect_pool_opts *so, const ld_cli_aws *a)
{
	long n;

	for (size_t i = 0; i < a->rates.count; i++) {
		const char *item = a->rates.items[i], *eq = strchr(item, '=');
		double v = strtod(eq + 1, NULL);
		if (!strncmp(item, "control=", 8))
			so->rate_control = v;
		else if (!strncmp(item, "get_function=", 13))
			so->rate_get_function = v;
		else if (!strncmp(item, "get_policy=", 11))
			so->rate_get_policy = v;
		else if (!strncmp(item, "iam=", 4))
			so->rate_iam = v;
		else
			so->rate_logs = v;
	}
	/* only trigger-unqualified reads a URL no policy names */
	so->collect.all_urls = a->all_urls && ld_rule_selected(a->rules, "trigger-unqualified");
	/* resource policies (and the URLs and concurrency they lead to) feed these alone */
	so->collect.no_policies = !ld_rule_selected(a->rules, "url-public") &&
				  !ld_rule_selected(a->rules, "policy-public") &&
				  !ld_rule_selected(a->rules, "concurrency-unbounded") &&
				  !ld_rule_selected(a->rules, "trigger-unqualified");
	so->collect.no_concurrency = !ld_rule_selected(a->rules, "concurrency-unbounded");
	so->collect.no_secrets = !ld_rule_selected(a->rules, "env-plaintext-secret");
	if (a->parallel && ld_cli_parse_count(&n, a->parallel, 64) == 0 && n > 0) {
		so->workers = (int)n;
		so->inflight = n < 4 ? (int)n : 4;
	}
}

/* Say on stderr what failed or was skipped, one line per account when all its regions
 * failed alike. */
static void report_targets(const ld_collect_target *ts, size_t n, const ld_cli_aws *a)
{
	bool auth = false;

	for (size_t i = 0; i < n; i++) {
		const ld_collect_target *t = &ts[i];
		bool dup = false;
		if (t->skipped) {
			if (!a->quiet)
				ld_cli_errorf("%s", t->message);
			continue;
		}
		if (!t->error)
			continue;
		for (size_t j = 0; j < i && t->account; j++)
			dup = dup || (ts[j].error && ts[j].account &&
				      !strcmp(ts[j].account, t->account) &&
				      !strcmp(ts[j].message, t->message));
		if (dup)
			continue;
		if (t->account)
			ld_cli_errorf("account %s region %s: %s", t->account, t->region, t->message);
		else
			ld_cli_errorf("region %s: %s", t->region ? t->region : "(default)",
				      t->message);
		auth = auth || t->error == LD_EAUTH;
	}
	if (auth)
		auth_hint();
}

/* The estate of the run: `regions` with the `globs` functions in the session's account,
 * or with `accounts` in each account through its role, with a progress line; what failed
 * is said on stderr. `e` receives the sessions and targets (dispose it whatever the
 * result). */
static int collect_estate(ld_inventory *inv, ld_estate *e, ld_aws_session *s,
			  const ld_cli_aws *a, const char *accounts, const char *const *regions,
			  size_t nregions, const char *const *globs, size_t nglobs, const char *cmd)
{
	ld_estate_opts eo = LD_ESTATE_OPTS_INIT;
	progress_line line;
	int error;

	memset(&line, 0, sizeof(line));
	eo.regions = regions;
	eo.nregions = nregions;
	eo.accounts = accounts;
	eo.exclude_accounts = (const char *const *)a->exclude_accounts.items;
	eo.nexclude = a->exclude_accounts.count;
	eo.role_name = a->role_name;
	eo.role_arn_template = a->role_arn_template;
	eo.external_id = a->external_id;
	eo.pool.collect.function_globs = globs;
	eo.pool.collect.nglobs = nglobs;
	pool_options(&eo.pool, a);
	if (progress_wanted(a)) {
		eo.pool.status = progress_cb;
		eo.pool.status_ctx = &line;
	}
	eo.iam = a->posture;
	eo.rules = a->rules;
	error = ld_collect_estate(e, inv, s, &eo);
	progress_clear(&line);
	/* no plan: the --accounts, --exclude-account or role options are wrong */
	if (error == LD_EUSAGE && !e->targets && accounts)
		return ld_cli_fail_opt(error, cmd, NULL);
	if (e->error) {
		/* nothing was collected: the report says why, incomplete */
		print_failure(e->error, e->message);
		return LD_EXIT_INCOMPLETE;
	}
	report_targets(e->targets, e->ntargets, a);
	if (error < 0)
		return ld_cli_fail(error);
	return inv->complete ? LD_EXIT_OK : LD_EXIT_INCOMPLETE;
}

int ld_cli_collect_regions(ld_inventory *inv, ld_aws_session *s, const ld_cli_aws *a,
			   const char *const *regions, size_t nregions,
			   const char *const *globs, size_t nglobs)
{
	ld_estate e;
	int rc;

	rc = collect_estate(inv, &e, s, a, NULL, regions, nregions, globs, nglobs, NULL);
	ld_estate_dispose(&e);
	return rc;
}

/* ---- many accounts ---- */

static int check_account_opts(const ld_cli_aws *a, const char *cmd)
{
	/* --role-name, --role-arn-template and --external-id without --accounts: refused by
	 * the option table (LD_CHECK_NEEDS) */
	if (a->accounts && !a->role_name == !a->role_arn_template) {
		ld_cli_errorf("--accounts needs one of --role-name NAME or --role-arn-template "
			      "ARN; see 'lambdrift %s --help'", cmd);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

/* "I/N" with 1 <= I <= N <= LD_SHARDS_MAX, nothing else. */
static bool parse_shard(unsigned *index, unsigned *count, const char *s)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	char head[16];
	long i = 0, n = 0;

	if (!slash || (size_t)(slash - s) >= sizeof(head))
		return false;
	memcpy(head, s, (size_t)(slash - s));
	head[slash - s] = '\0';
	if (ld_cli_parse_count(&i, head, LD_SHARDS_MAX) < 0 ||
	    ld_cli_parse_count(&n, slash + 1, LD_SHARDS_MAX) < 0 || i < 1 || n < 1 || i > n)
		return false;
	*index = (unsigned)i;
	*count = (unsigned)n;
	return true;
}

/* The scheduler's 0-based index for --shards N: a Kubernetes Indexed Job's, else an AWS
 * Batch array job's. Without one, every copy of the job would scan the same shard, or a
 * user trying --shards by hand would not know what to add: the message says both ways. */
static int shard_from_env(unsigned *index, unsigned count, const char *cmd)
{
	static const char *const vars[] = { "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX" };
	long i = 0;

	for (size_t v = 0; v < sizeof(vars) / sizeof(vars[0]); v++) {
		const char *val = getenv(vars[v]);
		if (!val)
			continue;
		if (ld_cli_parse_count(&i, val, LD_SHARDS_MAX) < 0 || i >= (long)count) {
			ld_cli_errorf("%s is '%.32s', not a shard index from 0 to %u (--shards %u); "
				      "see 'lambdrift %s --help'", vars[v], val, count - 1, count,
				      cmd);
			return LD_EXIT_USAGE;
		}
		*index = (unsigned)i + 1;
		return LD_EXIT_OK;
	}
	ld_cli_errorf("--shards %u needs the shard's index from the scheduler, and none is set: "
		      "run it as a Kubernetes Indexed Job or an AWS Batch array job (they set "
		      "JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX, 0 to %u), or give "
		      "--shard I/%u (I from 1 to %u) instead; see 'lambdrift %s --help'",
		      count, count - 1, count, count, cmd);
	return LD_EXIT_USAGE;
}

int ld_cli_shard(unsigned *index, unsigned *count, const ld_cli_aws *a, const char *cmd)
{
	const char *env = getenv("LAMBDRIFT_SHARD");
	long n = 0;
	int rc = LD_EXIT_OK;

	*index = *count = 0;
	if (a->shard && a->shards) {
		ld_cli_errorf("give --shard I/N or --shards N, not both; see 'lambdrift %s --help'",
			      cmd);
		return LD_EXIT_USAGE;
	}
	if (a->shard && !parse_shard(index, count, a->shard)) {
		ld_cli_errorf("--shard '%.32s' is not I/N with 1 <= I <= N <= %d; see "
			      "'lambdrift %s --help'", a->shard, LD_SHARDS_MAX, cmd);
		return LD_EXIT_USAGE;
	}
	if (a->shards) {
		if (ld_cli_parse_count(&n, a->shards, LD_SHARDS_MAX) < 0 || n < 1) {
			ld_cli_errorf("--shards '%.32s' is not a number from 1 to %d; see "
				      "'lambdrift %s --help'", a->shards, LD_SHARDS_MAX, cmd);
			return LD_EXIT_USAGE;
		}
		*count = (unsigned)n;
		rc = shard_from_env(index, *count, cmd);
	} else if (!a->shard && env && *env && !parse_shard(index, count, env)) {
		ld_cli_errorf("LAMBDRIFT_SHARD wants I/N with 1 <= I <= N <= %d, not '%.32s'",
			      LD_SHARDS_MAX, env);
		return LD_EXIT_USAGE;
	}
	if (rc == LD_EXIT_OK && *count && !a->accounts) {
		ld_cli_errorf("a shard is a share of the accounts of --accounts; give --accounts "
			      "FILE|ID,... (see 'lambdrift %s --help')", cmd);
		rc = LD_EXIT_USAGE;
	}
	if (rc != LD_EXIT_OK)
		*index = *count = 0;
	return rc;
}

void ld_cli_sessions_dispose(ld_cli_sessions *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->sessions && i < s->n; i++)
		if (s->sessions[i] != s->base)
			ld_aws_session_free(s->sessions[i]);
	free(s->sessions);
	ld_aws_accounts_free(s->accounts, s->accounts ? s->n : 0);
	ld_aws_session_free(s->base); /* last: the role sessions were made from it */
	memset(s, 0, sizeof(*s));
}

int ld_cli_collect(ld_inventory *inv, const ld_cli_aws *a, const char *cmd, bool *collected,
		   ld_cli_sessions *keep)
{
	ld_aws_session *s = NULL;
	ld_estate e;
	int rc;

	*collected = false;
	if (keep)
		memset(keep, 0, sizeof(*keep));
	if ((rc = check_account_opts(a, cmd)) != LD_EXIT_OK ||
	    (rc = ld_cli_shard(&inv->shard_index, &inv->shard_count, a, cmd)) != LD_EXIT_OK)
		return rc;
	if ((rc = ld_cli_session(&s, a, cmd)) != LD_EXIT_OK) {
		*collected = ld_cli_session_problem(inv, rc);
		return rc;
	}
	rc = collect_estate(inv, &e, s, a, a->accounts, (const char *const *)a->regions.items,
			    a->regions.count, (const char *const *)a->functions.items,
			    a->functions.count, cmd);
	/* a usage error collected nothing: there is no report to write */
	*collected = rc != LD_EXIT_USAGE;
	if (keep) {
		/* the sessions stay for the calls after collecting (package downloads) */
		keep->sessions = e.sessions;
		keep->accounts = e.accounts;
		keep->n = e.naccounts;
		keep->base = s;
		e.sessions = NULL;
		e.accounts = NULL;
		e.naccounts = 0;
	}
	ld_estate_dispose(&e);
	if (!keep)
		ld_aws_session_free(s);
	return rc;
}

bool ld_cli_deps_asked(const ld_cli_deps *d)
{
	return d->osv.count || d->osv_api;
}

int ld_cli_depcheck(ld_depcheck **out, ld_cli_deps *d, const char *cmd)
{
	ld_depcheck_opts o = { (const char *const *)d->osv.items, d->osv.count, d->osv_api, 0,
			       d->workers };
	long max = 0;
	int error;

	/* 1 GiB: past Lambda's 250 MB unzipped limit with room for a bad estimate */
	if (d->max_package && (ld_cli_parse_count(&max, d->max_package, 1L << 30) != 0 || !max)) {
		ld_cli_errorf("--max-package-bytes '%s' is not a number of bytes from 1 to "
			      "1073741824; see 'lambdrift %s --help'", d->max_package, cmd);
		return LD_EXIT_USAGE;
	}
	o.max_package = d->max_package_bytes = (size_t)max;
	if (!out)
		return LD_EXIT_OK;
	error = ld_depcheck_new(out, &o);

	if (error == 0)
		return LD_EXIT_OK;
	(void)ld_error_about(error, "--osv"); /* only loading the advisories can fail */
	ld_cli_errorf("%s%s; see 'lambdrift %s --help'", ld_error_last()->message,
		      error == LD_ENOTFOUND ? "; --osv takes a directory of OSV JSON files, one "
					      "such file, or an ecosystem's all.zip" : "", cmd);
	return LD_EXIT_USAGE;
}

int ld_cli_load_inventory(ld_inventory *inv, const char *path, const char *const *globs,
			  size_t nglobs, const char *cmd)
{
	int error;

	if ((error = ld_inventory_load_slim(inv, path)) < 0) {
		ld_cli_fail_opt(error, cmd, "--inventory");
		return LD_EXIT_USAGE;
	}
	ld_inventory_filter(inv, globs, nglobs);
	if (!inv->complete) {
		ld_cli_errorf("'%s' is an incomplete snapshot (%zu %s); findings may be missing",
			      path, inv->nproblems, inv->nproblems == 1 ? "problem" : "problems");
		return LD_EXIT_INCOMPLETE;
	}
	return LD_EXIT_OK;
}

/* ---- the clock ---- */

static int parse_date(time_t *out, const char *s)
{
	long days;

	if (!ld_date_parse(s, &days))
		return -1;
	*out = (time_t)days * 86400;
	return 0;
}

int ld_cli_now(time_t *today, char stamp[32])
{
	const char *pinned = getenv("LAMBDRIFT_NOW");
	time_t now = time(NULL);
	struct tm tm;

	if (pinned && *pinned) {
		if (parse_date(&now, pinned) < 0) {
			ld_cli_errorf("LAMBDRIFT_NOW='%s' is not a date; use YYYY-MM-DD or unset it",
				      pinned);
			return LD_EXIT_USAGE;
		}
	}
	*today = now - now % 86400;
	if (!gmtime_r(&now, &tm) || !strftime(stamp, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(stamp, 32, "1970-01-01T00:00:00Z");
	return 0;
}

/* A --function pattern that matches nothing is most often a typo: never report that as
 * clean. Unsharded it is a problem (exit 3); a shard holds only some accounts, so there it
 * is a note, and the pattern may match in another shard. */
int ld_cli_check_functions(ld_inventory *inv, const ld_opt_list *globs, int gathered)
{
	for (size_t g = 0; g < globs->count; g++) {
		bool hit = false;
		for (size_t i = 0; !hit && i < inv->nfunctions; i++)
			hit = ld_glob_match(globs->items[g], inv->functions[i].name);
		if (hit)
			continue;
		if (inv->shard_count) {
			ld_inventory_note(inv, LD_NOTE_UNMATCHED_PREFIX "%s" LD_NOTE_UNMATCHED_SUFFIX,
					  globs->items[g]);
			continue;
		}
		ld_inventory_problem(inv, "--function '%s' matched no function in the accounts and "
				     "regions scanned; check the name and --region", globs->items[g]);
		gathered = LD_EXIT_INCOMPLETE;
	}
	return gathered;
}

/* ---- output files ---- */

/* A write to stdout failed and was reported (ld_cli_out), so ld_cli_close_stdout() does
 * not say it a second time. */
static bool stdout_reported;

/* "lambdrift: --output 'r.json': MESSAGE", or "standard output: MESSAGE": every message
 * about an output says which one and where, so a full disk names the file it hit. */
static void out_errorf(const ld_cli_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void out_errorf(const ld_cli_out *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!o->path) {
		stdout_reported = true;
		ld_cli_errorf("standard output: %s", msg);
	} else {
		ld_cli_errorf("%s '%s': %s", o->opt ? o->opt : "output", o->path, msg);
	}
}

/* The system's reason for the failure just seen. A stream's error flag can be set by an
 * earlier write whose errno is gone (stdio dropped the data it could not write): say so
 * rather than "Success" or a reason made up. */
static const char *reason(int err)
{
	return err ? strerror(err) : "an earlier write to it failed";
}

/* A device or FIFO (-o /dev/null): no temp file and no rename, which would put a regular
 * file in its place. */
static int open_direct(ld_cli_out *o, const char *path)
{
	if (!(o->path = strdup(path))) {
		ld_cli_errorf("out of memory");
		return -1;
	}
	if (!(o->fp = fopen(path, "w"))) {
		out_errorf(o, "cannot open it: %s", strerror(errno));
		free(o->path);
		o->path = NULL;
		return -1;
	}
	return 0;
}

int ld_cli_out_open(ld_cli_out *o, const char *path, const char *opt, const char *what)
{
	struct stat st;
	mode_t mask;
	size_t len;
	int fd;

	memset(o, 0, sizeof(*o));
	o->opt = opt;
	o->what = what;
	if (!path || !strcmp(path, "-")) {
		o->fp = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return open_direct(o, path);
	len = strlen(path);
	if (!(o->tmp = malloc(len + sizeof(".XXXXXX"))) || !(o->path = strdup(path))) {
		ld_cli_errorf("out of memory");
		goto fail;
	}
	memcpy(o->tmp, path, len);
	memcpy(o->tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	if ((fd = mkstemp(o->tmp)) < 0) {
		out_errorf(o, "cannot create '%s': %s", o->tmp, strerror(errno));
		goto fail;
	}
	o->created = true;
	/* mkstemp makes the file 0600; give it the mode a plain create would have. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	if (!(o->fp = fdopen(fd, "w"))) {
		out_errorf(o, "cannot open '%s': %s", o->tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	return 0;
fail:
	ld_cli_out_abort(o);
	return -1;
}

int ld_cli_out_write(ld_cli_out *o, const void *p, size_t n)
{
	errno = 0;
	if (fwrite(p, 1, n, o->fp) == n)
		return 0;
	out_errorf(o, "cannot write the %s: %s", o->what, reason(errno));
	ld_cli_out_abort(o);
	return -1;
}

int ld_cli_out_fail(ld_cli_out *o, int error)
{
	const char *msg = ld_error_last()->message;

	out_errorf(o, "%s", error < 0 && *msg ? msg : "cannot write it for an unknown reason");
	ld_cli_out_abort(o);
	return LD_EXIT_USAGE;
}

/* Flush and close the temp file (or device). @return 0, the errno of the failure, or -1
 * when the system kept none */
static int out_close(ld_cli_out *o)
{
	int error = 0;

	errno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp) || (o->tmp && fsync(fileno(o->fp)) != 0))
		error = errno ? errno : -1;
	if (fclose(o->fp) != 0 && !error)
		error = errno ? errno : -1;
	o->fp = NULL;
	return error;
}

int ld_cli_out_commit(ld_cli_out *o)
{
	int error;

	if (!o->path) {
		errno = 0;
		if (fflush(o->fp) != 0 || ferror(o->fp)) {
			out_errorf(o, "cannot write the %s: %s", o->what, reason(errno));
			return -1;
		}
		return 0;
	}
	if ((error = out_close(o)) != 0) {
		out_errorf(o, "cannot write the %s: %s", o->what, reason(error > 0 ? error : 0));
		ld_cli_out_abort(o);
		return -1;
	}
	if (o->tmp && rename(o->tmp, o->path) != 0) {
		out_errorf(o, "cannot rename '%s' into place: %s", o->tmp, strerror(errno));
		ld_cli_out_abort(o);
		return -1;
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return 0;
}

void ld_cli_out_abort(ld_cli_out *o)
{
	if (!o)
		return;
	if (o->path && o->fp)
		fclose(o->fp);
	if (o->created)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

int ld_cli_close_stdout(int rc)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (!stdout_reported)
			ld_cli_errorf("cannot write to standard output: %s", reason(errno));
		rc = LD_EXIT_USAGE;
	}
	return rc;
}
