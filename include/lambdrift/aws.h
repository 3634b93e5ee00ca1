/*
 * AWS access: an ld_aws_session resolves credentials, region and endpoint the way the AWS
 * CLI does, signs with SigV4 and talks HTTPS through libcurl with retries. ld_collect()
 * fills an inventory from Lambda with the fewest calls; ld_collect_targets() does it for
 * many account-regions at once, each under its own rate limit. A session is created with
 * ld_aws_session_new() (or ld_aws_session_for_role() for another account) and freed with
 * ld_aws_session_free() (NULL accepted); strings returned by getters are borrowed from the
 * session, lists returned by the region and account helpers are static or freed with
 * ld_aws_accounts_free(). Credentials never leave the session: no getter returns them and
 * no message contains them. Sessions are thread-safe for ld_collect_targets().
 */
#ifndef LAMBDRIFT_AWS_H
#define LAMBDRIFT_AWS_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/inventory.h"

typedef struct {
	const char *profile;      /* --profile, or NULL for AWS_PROFILE / "default" */
	const char *region;       /* --region, or NULL for AWS_REGION, AWS_DEFAULT_REGION, profile */
	const char *endpoint_url; /* --endpoint-url, or NULL for the env / profile / default */
	long timeout_seconds;     /* total deadline for the run; 0 = none */
	int max_attempts;         /* per request, including the first; 0 = default (5) */
} ld_aws_opts;

#define LD_AWS_OPTS_INIT { NULL, NULL, NULL, 0, 0 }

typedef struct ld_aws_session ld_aws_session;

/**
 * Resolve credentials in the AWS CLI's order (environment, assume-role profiles, web
 * identity, shared credentials file, credential_process, config file, container
 * credentials, EC2 instance metadata), region and endpoint. Expiring credentials are
 * refreshed before they lapse.
 * @return 0; LD_EAUTH when no credentials can be found or STS refuses; LD_EUSAGE for a
 *         missing region, an unknown profile or a malformed config file
 */
int ld_aws_session_new(ld_aws_session **out, const ld_aws_opts *opts);
void ld_aws_session_free(ld_aws_session *s);

const char *ld_aws_session_region(const ld_aws_session *s);
/** Where the credentials came from, e.g. "environment", "profile dev (assume-role)". */
const char *ld_aws_session_source(const ld_aws_session *s);

typedef struct {
	const char *const *function_globs; /* only these functions (fnmatch); none = all */
	size_t nglobs;
	/* Called after each API response with a one-line status; may be NULL. */
	void (*progress)(void *ctx, const ld_inventory *inv, const char *region);
	void *progress_ctx;
	const unsigned char *digest_key; /* env digest key (32 bytes), or NULL for random */
	/* ListFunctionUrlConfigs of every function (one 15 req/s-class call each), not only
	 * where a resource policy names a URL: an AWS_IAM URL that no policy names shows in no
	 * other answer Lambda gives */
	bool all_urls;
	/* No GetPolicy, nor the URL and concurrency reads after it: every rule they feed
	 * (url-public, policy-public, concurrency-unbounded, trigger-unqualified) is skipped */
	bool no_policies;
	/* No GetFunction for the reserved concurrency: concurrency-unbounded is skipped */
	bool no_concurrency;
	/* env-plaintext-secret is skipped: an environment Lambda could not return is no
	 * problem line (the verdicts still record it) */
	bool no_secrets;
} ld_collect_opts;

#define LD_COLLECT_OPTS_INIT { NULL, 0, NULL, NULL, NULL, false, false, false, false }

/* --- many accounts ----------------------------------------------------------------- */

typedef struct {
	const char *role_arn;     /* arn:aws:iam::ACCOUNT:role/NAME */
	const char *external_id;  /* NULL: none */
	const char *session_name; /* NULL: "lambdrift" */
	long duration_seconds;    /* 0: the role's default (STS: one hour) */
} ld_role_opts;

/**
 * A session for another account: sts:AssumeRole of ro->role_arn, signed with `parent`'s
 * credentials, at the session's first request (not here, so an account that refuses fails
 * only its own account-regions) and again before the role's credentials expire. Region,
 * endpoints, deadline and digest key are the parent's, which must outlive the session.
 * @return 0; LD_EUSAGE for a role_arn that is not an ARN; LD_ERROR without memory
 */
int ld_aws_session_for_role(ld_aws_session **out, ld_aws_session *parent, const ld_role_opts *ro);

/**
 * Read --accounts: "ID,ID,..." (12-digit ids) or the path of a file with one id per line
 * (blank lines and '#' comments ignored). Ids are deduplicated, order kept.
 * @return 0; LD_EUSAGE (message names the file and line) for anything else
 */
int ld_aws_parse_accounts(char ***ids, size_t *nids, const char *arg);
void ld_aws_accounts_free(char **ids, size_t nids);

/* An account of the organisation, as organizations:ListAccounts reports it. */
typedef struct {
	char id[13];    /* 12-digit id */
	char state[24]; /* "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED", ... */
} ld_org_account;

/**
 * Every account of the organisation that `s`'s credentials belong to (--accounts org):
 * organizations:ListAccounts, every page, from the management account or a delegated
 * administrator, sorted by id. Only ids and states are kept (never names or emails). The
 * pages are counted in calls->organizations (`calls` may be NULL). The caller frees
 * *accounts with ld_org_accounts_free().
 * @return 0; LD_EAUTH when the caller may not list them (the message names
 *         organizations:ListAccounts); LD_EINVALID for an account without an id or state,
 *         a listing with no account, or a page that does not move on; LD_ENET or
 *         LD_ETHROTTLED when the service could not be reached; nothing is returned then
 */
int ld_aws_org_accounts(ld_org_account **accounts, size_t *naccounts, ld_aws_session *s,
			ld_api_calls *calls);
void ld_org_accounts_free(ld_org_account *accounts);

/**
 * Keep only the accounts of shard `index` (1-based) of `count`, in place, order kept. An
 * account's shard depends on its id and `count` alone (a jump consistent hash), so every shard
 * of a run computes the same partition from the same list, an account added to the list
 * moves no other, and going from N to N+1 shards moves about 1/(N+1) of them. A shard may
 * be left with no account. Freed ids are freed; `*nids` is updated.
 */
void ld_aws_accounts_shard(char **ids, size_t *nids, unsigned index, unsigned count);
/** The shard (1-based) of `count` that ld_aws_accounts_shard() gives `account`. */
unsigned ld_aws_account_shard(const char *account, unsigned count);

/**
 * The role ARN for `account`: `template` with every "{account}" replaced, or, when
 * `role_name` is given instead, arn:PARTITION:iam::ACCOUNT:role/NAME.
 * @return 0; LD_EUSAGE for a template without {account} or a bad role name
 */
int ld_aws_role_arn(char **out, const char *template_arn, const char *role_name,
		    const char *account, const char *partition);

/* --- regions ---------------------------------------------------------------------- */

/** The partition of the session's region ("aws", "aws-cn", "aws-us-gov", ...). */
const char *ld_aws_session_partition(const ld_aws_session *s);

/**
 * Every region of `partition` where Lambda has an endpoint, from the embedded copy of
 * botocore's endpoint data, sorted; *regions is a static array of static strings.
 * @return 0; LD_ENOTFOUND for an unknown partition
 */
int ld_aws_partition_regions(const char *const **regions, size_t *nregions,
			     const char *partition);

/** Whether `region` is one an account has to enable (opt in to) before using it. */
bool ld_aws_region_opt_in(const char *region);

/* --- collecting many account-regions at once --------------------------------------- */

typedef struct {
	ld_aws_session *session;   /* borrowed; several targets may share one */
	const char *account;       /* account label (--accounts), or NULL for the session's */
	const char *region;        /* NULL: the session's */
	/* results, filled by ld_collect_targets: */
	int error;                 /* 0, or the LD_E* of a failure of the whole account-region */
	char message[512];         /* that failure, or why it was skipped; "" when none */
	bool skipped;              /* an opt-in region not enabled for the account: noted in
				    * the inventory, not a failure */
} ld_collect_target;

/* What ld_collect_targets has done so far, for a progress line. */
typedef struct {
	size_t targets_done, targets_total;
	size_t functions;
	unsigned long calls, throttled;
} ld_collect_status;

typedef struct {
	ld_collect_opts collect;   /* function globs and digest key (its progress is unused) */
	int workers;               /* threads; 0: enough for every account-region at once */
	int inflight;              /* requests in flight per account-region; 0: 4 */
	double rate_control;       /* requests/s per account-region, 15/s class; 0: 14.5 */
	double rate_get_function;  /* GetFunction requests/s per account-region; 0: 95 */
	double rate_get_policy;    /* GetPolicy requests/s per account-region; 0: 14.5 */
	double rate_iam;           /* IAM requests/s per account (posture); 0: unpaced */
	double rate_logs;          /* DescribeLogGroups/s per account-region; 0: 4.5 */
	/* Called (serialised) after every response and once at the end; may be NULL. */
	void (*status)(void *ctx, const ld_collect_status *st);
	void *status_ctx;
} ld_collect_pool_opts;

#define LD_COLLECT_POOL_OPTS_INIT { LD_COLLECT_OPTS_INIT, 0, 0, 0, 0, 0, 0, 0, NULL, NULL }

/**
 * Collect every target into `inv` concurrently: a bounded pool of threads, each target
 * (account-region) with a few requests in flight, one token bucket per target and quota
 * class shared by them, connections reused. The result is the same inventory, byte for
 * byte once written, as collecting the targets one after another. A target that fails is
 * recorded in its result and as a problem line of `inv` (which is then incomplete) and does
 * not stop the others; an opt-in region the account has not enabled is skipped with a note.
 * Functions carry their account; inv->accounts lists every account seen.
 * @return 0 (whatever the targets' fate); LD_EUSAGE for no targets; LD_ERROR without memory
 */
int ld_collect_targets(ld_inventory *inv, ld_collect_target *targets, size_t ntargets,
		       const ld_collect_pool_opts *opts);

/**
 * Collect the inventory of `region` (or the session's region when NULL) into `inv`:
 * ListFunctions?FunctionVersion=ALL, ListAliases per function, ListEventSourceMappings,
 * every listing paginated to the end. Calls are counted in inv->calls.
 * Failures that leave data missing mark inv incomplete (with a problem line) instead of
 * failing the whole run; a failure of the whole region (auth, network) is returned.
 * @return 0; LD_EAUTH, LD_ENET, LD_ETHROTTLED, LD_EINVALID with a message
 */
int ld_collect(ld_inventory *inv, ld_aws_session *s, const char *region,
	       const ld_collect_opts *opts);

#endif
