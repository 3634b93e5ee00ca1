/*
 * Collecting account-regions concurrently (private to the library): pool.c runs a pool of
 * threads over targets, collect.c does the listing work of one target a request at a time.
 * An ld_target_run is the state of one account-region: its part of the inventory and the
 * problem lines in a fixed order (both guarded by its lock, since several of its requests
 * are in flight at once), its rate limiter, and the state of its two marker chains
 * (ListFunctions, ListEventSourceMappings), each touched only by the one job of that chain
 * in flight. Also the test seams that run the pool, and the estate over it (estate.c), on
 * injected transports.
 */
#ifndef LD_AWS_POOL_H
#define LD_AWS_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/client.h"
#include "aws/ratelimit.h"
#include "http/http.h"
#include "lambdrift/aws.h"
#include "lambdrift/estate.h"
#include "lambdrift/inventory.h"

/* A ListAliases failure, kept with its function so lines come out in function order. */
typedef struct {
	size_t fn;
	const char *name;   /* the function's name (owned by the inventory) */
	char *line;
} ld_alias_problem;

/* One GetPolicy answer of a function while its reads run (policy.c): kept until every
 * answer of the function is in, so its record is built in qualifier order whatever order
 * they came back in. */
typedef struct {
	char *doc;          /* the Policy document; NULL: none (404) */
	char *why;          /* rc < 0: the failure's message */
	int rc;             /* 0, or the call's LD_E* */
	bool answered;
} ld_policy_answer;

/* The access reads of one function (policy.c), indexed like r->inv.functions: GetPolicy of
 * the function is asked as soon as it is listed, one per alias once ListAliases answered;
 * the last of these to finish builds the record and makes the calls that depend on it. */
typedef struct {
	ld_policy_answer *answers; /* [0]: the function's own policy; [1 + k]: alias k's */
	size_t nanswers;
	size_t pending;            /* GetPolicy calls asked for, not answered yet */
	bool listed;               /* ld_collect__policy_listed() was called */
	bool aliases_known;        /* ListAliases answered: nanswers is final */
	bool dropped;              /* ListAliases failed: no record */
	bool skipped;              /* ListAliases was not asked (a stop): no more calls */
	bool done;                 /* the record is built (or being built) */
} ld_policy_progress;

typedef struct ld_target_run ld_target_run;

struct ld_target_run {
	ld_collect_target *target;
	ld_aws_session *session;
	const char *region;
	const ld_collect_opts *opts;
	const uint8_t *key;          /* environment digest key */
	ld_rate_limiter limiter;
	pthread_mutex_t lock;        /* guards everything below but the pagers */
	bool lock_ready;
	ld_inventory inv;            /* this account-region's part */
	ld_inventory fn_problems;    /* only problems used: ListFunctions entries skipped */
	ld_inventory trigger_problems;
	ld_alias_problem *alias_problems;
	size_t nalias_problems;
	ld_pager functions, triggers;
	ld_pager names;              /* ListFunctions without versions (pool.c says when) */
	ld_policy_progress *progress; /* policy.c's, one per function listed (index of inv) */
	size_t nprogress;
	size_t last_fn;              /* ListFunctions chain: the function the last entry went to */
	bool have_last;
	bool any_success;            /* some request was answered with a 2xx */
	/* Called after every page (from the thread that fetched it) with the client that did;
	 * may be NULL. */
	void (*on_page)(void *ctx, ld_target_run *r, ld_aws_client *c);
	void *on_page_ctx;
	/* Called once a ListFunctions page's marker is known, before its entries are added,
	 * so the next page can be asked for meanwhile; `more` says whether there is one. May
	 * be NULL. */
	void (*on_chain)(void *ctx, ld_target_run *r, bool more);
};

/* --- collect.c: the listing work, one request (or one function's aliases) per call ------ */

/** Set up a run for `t` (state only: the limiter and the pool are pool.c's).
 *  @return 0, or LD_ERROR */
int ld_target_run_init(ld_target_run *r, ld_collect_target *t, const ld_collect_opts *opts,
		       const uint8_t *key);
void ld_target_run_dispose(ld_target_run *r);

/**
 * Fetch the next ListFunctions page and add its versions. Indices (into r->inv.functions)
 * of functions seen for the first time are appended to *fresh (malloc'd, caller frees).
 * r->on_chain hears of the next page before the entries are added, so two pages' entries
 * may be added at once (problem lines are sorted at the end for that reason).
 * @return 1 when more pages follow, 0 after the last; < 0 when the listing failed
 */
int ld_collect__functions_page(ld_target_run *r, ld_aws_client *c, size_t **fresh,
			       size_t *nfresh);

/**
 * The next page of ListFunctions without FunctionVersion (50 functions a page, whatever
 * their versions): functions not known yet are added by name, with no version, and their
 * indices appended to *fresh as ld_collect__functions_page does; their versions come from
 * that listing, and the pool drops a function it never gives (gone in between).
 * @return 1 when more pages follow, 0 after the last; < 0 when the listing failed
 */
int ld_collect__names_page(ld_target_run *r, ld_aws_client *c, size_t **fresh, size_t *nfresh);

/** Every page of ListAliases of function `fn` (an index into r->inv.functions).
 *  @return 0, or < 0 when the listing failed (nothing is recorded here) */
int ld_collect__aliases(ld_target_run *r, ld_aws_client *c, size_t fn);

/** The next ListEventSourceMappings page. @return 1 more, 0 done, < 0 failed */
int ld_collect__triggers_page(ld_target_run *r, ld_aws_client *c);

/* --- policy.c: who may invoke one function ------------------------------------------ */

/*
 * Resource policies (GetPolicy of the function and of each alias), URL configs
 * (ListFunctionUrlConfigs, where a policy names a URL invoke, or of every function with
 * all_urls) and reserved concurrency (GetFunction, where the function is public) of each
 * function, into its ld_fn_policy. The GetPolicy calls are separate jobs (their own quota
 * class, kept busy from the first ListFunctions page on); the job that brings in a
 * function's last answer builds the record and makes the other calls. A failed call leaves
 * the record "unchecked" with a problem line naming the permission (so the rules it feeds
 * say nothing and the run is incomplete). Functions are indices into r->inv.functions.
 */

/** Function `fn` was listed: its own GetPolicy (answer 0) is to be asked. Takes r->lock.
 *  @return 0, or LD_ERROR without memory */
int ld_collect__policy_listed(ld_target_run *r, size_t fn);

/** ListAliases of `fn` answered: one GetPolicy per alias is to be asked, answers 1 to
 *  *nasks. When nothing is left to ask, the record is built here (calls on `c`).
 *  @return 0; < 0 when a call of that failed (recorded; a region-wide one stops the rest) */
int ld_collect__policy_aliases(ld_target_run *r, ld_aws_client *c, size_t fn, size_t *nasks);

/** ListAliases of `fn` failed: the function keeps no access record (its aliases' problem
 *  line says why) and no more of its calls are made. Takes r->lock. */
void ld_collect__policy_drop(ld_target_run *r, size_t fn);

/** A stop left `fn`'s ListAliases unasked: nor is its GetPolicy. Takes r->lock. */
void ld_collect__policy_skip(ld_target_run *r, size_t fn);

/** GetPolicy answer `k` of `fn` (0: the function; 1 + i: alias i); the last answer builds
 *  the record as ld_collect__policy_aliases does.
 *  @return 0; < 0 when the call (recorded as said) or a later one failed */
int ld_collect__policy_get(ld_target_run *r, ld_aws_client *c, size_t fn, size_t k);

/** At the end of the run (no job in flight, r->lock not held): a function whose reads a
 *  stop cut short gets an unchecked record when one of its calls failed, else none and is
 *  counted in *skipped (when count_skipped).
 *  @return 0, or LD_ERROR without memory */
int ld_collect__policy_finish(ld_target_run *r, bool count_skipped, size_t *skipped);

/** Free r->progress (ld_target_run_dispose). */
void ld_collect__policy_dispose(ld_target_run *r);

/** Record a failed ListAliases of `fn` as a problem line (ordered by fn later). */
int ld_collect__alias_problem(ld_target_run *r, size_t fn, const char *why);

/** Move the problem lines into r->inv in their fixed order: ListFunctions entries and
 *  resource policies (sorted), the summary of policies not read (ld_collect__policy_finish,
 *  counted when `policies_stopped`), aliases by function name, `aliases_skipped` summary,
 *  mappings. */
int ld_collect__finish(ld_target_run *r, size_t aliases_skipped, bool policies_stopped);

/** The name of function `fn` (stable while the run lives). */
const char *ld_collect__function_name(ld_target_run *r, size_t fn);

/** Whether an error hits every request of an account-region alike (auth, network,
 *  throttling, the deadline): no point asking for more there. */
bool ld_collect__region_wide(int error);

/* --- pool.c: the pool ---------------------------------------------------------------- */

/* Test seams of ld_collect_targets__with; NULL members mean the real thing. */
typedef struct {
	/* A transport for one request slot of a target's session; NULL: curl with the
	 * session's CA bundle. */
	int (*transport_new)(void *ctx, ld_transport **out, ld_aws_session *s);
	void *transport_ctx;
	/* Use the sessions' own transports, one request at a time (ld_collect). */
	bool session_transport;
	/* Clock and sleep of the rate limiters; NULL: the targets' session's retry seams. */
	const ld_retry_policy *limiter_seams;
} ld_collect_seams;

/** Set `s`'s rates to the pool's (--rate's where given), so what runs on the session after
 *  the pool (the dependency checks' reads) paces as the pool did. NULL is ignored. */
void ld_pool__session_rates(ld_aws_session *s, const ld_collect_pool_opts *o);

int ld_collect_targets__with(ld_inventory *inv, ld_collect_target *targets, size_t ntargets,
			     const ld_collect_pool_opts *opts, const ld_collect_seams *seams);

/* --- pool.c: the reads after the listing ------------------------------------------------ */

/*
 * What collect reads once the inventory is listed (packages and layers for verify and the
 * dependency checks) runs as the pool's read jobs: job i of `njobs`, taken in order by at
 * most `workers` threads, each with a connection of its own for every session
 * (ld_aws_session__use_thread_transport), or one after another on the calling thread and
 * the sessions' own connections (workers <= 1, or no session to take a CA bundle from).
 * Every Lambda client a job makes (ld_aws_session__client) draws on one set of token
 * buckets per session and region, made at the session's rates (the pool's, --rate's where
 * given: ld_pool__session_rates()), shared by every job that calls there, so reading keeps
 * to the quotas as listing did. A job's calls are counted in the `calls` it is handed and
 * merged into opts->calls. The first job that fails stops the taking of more; its error and
 * message are the run's.
 */
typedef struct ld_pool_reads ld_pool_reads;

typedef struct {
	size_t njobs;
	size_t workers;
	ld_aws_session *transport_session; /* its CA bundle for the workers' connections; NULL:
					      the calling thread */
	/* Job `i`; 0, or an error that stops the run. */
	int (*run)(void *ctx, ld_pool_reads *rd, size_t i, ld_api_calls *calls);
	/* After each job, under the reads' lock, with how many have finished; may be NULL. */
	void (*finished)(void *ctx, size_t done);
	void *ctx;
	ld_api_calls *calls;               /* where the jobs' calls are merged */
} ld_pool_reads_opts;

/** Run the jobs. @return 0, the first failed job's error, or LD_ERROR (no memory, no
 *  thread could start) */
int ld_pool__reads(const ld_pool_reads_opts *o);

/** The reads' lock (a no-op on the calling thread): what jobs share, such as the claim of
 *  a layer that several functions attach. */
void ld_pool__reads_lock(ld_pool_reads *rd);
void ld_pool__reads_unlock(ld_pool_reads *rd);

/* --- estate.c: ld_collect_estate with the pool's seams -------------------------------- */

/* With seams->transport_new, each role session also gets a transport from it, for its
 * AssumeRole calls and (with session_transport) its requests. */

int ld_collect_estate__with(ld_estate *e, ld_inventory *inv, ld_aws_session *base,
			    const ld_estate_opts *opts, const ld_collect_seams *seams);

/* --- iam.c: ld_collect_iam with the pool's seams -------------------------------------- */

/* The reads at once, each reader thread on a transport of its own (seams->transport_new's,
 * else curl), unless seams->session_transport: then one after another on the sessions' own
 * transports, as ld_collect_iam does. The same inventory either way. */
int ld_collect_iam__with(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
			 const ld_rule_selection *rules, const ld_collect_seams *seams);

#endif
