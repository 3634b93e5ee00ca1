/*
 * Session internals shared by session.c, collect.c and pool.c (private to the library), and
 * the semi-private constructors tests use to run a session on an injected transport. The
 * session owns the transport, the resolved configuration, the base credentials (static,
 * fetched by a provider, or a parent session's for a per-account role session) and the
 * final credentials after the role chain; a client made from it asks the session for
 * current credentials before every attempt, so credentials that expire are refreshed while
 * a long scan runs. The credentials, their refresh (which uses the session's transport) and
 * the STS counters are guarded by the session's lock, so clients on several threads may
 * share a session; each such client needs a transport of its own (ld_aws_session__client_on).
 */
#ifndef LD_AWS_SESSION_H
#define LD_AWS_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "aws/client.h"
#include "aws/profile.h"
#include "inventory/build.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"

struct ld_aws_session {
	ld_aws_config cfg;          /* resolved configuration (base credentials included) */
	ld_credentials base;        /* where the role chain starts: cfg.base or a provider's */
	ld_credentials creds;       /* after the role chain: what Lambda calls are signed with */
	time_t refresh_tried_at;    /* wall time of the last fetch or refresh attempt */
	time_t (*now)(void);        /* wall clock seam for tests; NULL = time() */
	ld_transport *transport;
	char *endpoint;             /* Lambda endpoint override, or NULL for the default */
	char *source;
	ld_retry_policy retry;
	int64_t deadline_ms;        /* 0 = none */
	ld_api_calls sts_calls;     /* AssumeRole calls, reported once into an inventory */
	bool sts_reported;
	uint8_t digest_key[LD_DIGEST_KEY_LEN]; /* random per session: one key per inventory */
	pthread_mutex_t lock;       /* guards creds, base, their refresh, transport, sts_calls */
	bool lock_ready;
	uint64_t creds_gen;         /* bumped whenever creds change (clients copy on change) */
	ld_aws_session *parent;     /* role session: base credentials come from here (borrowed) */
	int failed;                 /* no credentials yet: the error of the last try, else 0 */
	ld_error_class failed_klass;
	char failed_message[sizeof(((ld_error *)0)->message)];
};

/**
 * Create a session on `transport` (ownership taken, freed on failure too). `cfg`, when not
 * NULL, is used instead of resolving from the environment and its contents are moved into
 * the session (it is left zeroed). `retry` NULL uses the defaults.
 * @return as ld_aws_session_new
 */
int ld_aws_session__new_with(ld_aws_session **out, const ld_aws_opts *opts, ld_aws_config *cfg,
			     ld_transport *transport, const ld_retry_policy *retry);

/* botocore's refresh windows: try to refresh 15 minutes before expiry, and fail the call
 * when that has not worked 10 minutes before; never try more than once a minute. */
#define LD_CREDS_ADVISORY_REFRESH 900
#define LD_CREDS_MANDATORY_REFRESH 600
#define LD_CREDS_MIN_REFRESH_INTERVAL 60

/**
 * The credentials to sign with now, refreshed first when they expire within
 * LD_CREDS_ADVISORY_REFRESH seconds and can be refreshed (a fetched provider, or a role
 * chain: static keys with an expiration of their own cannot). A failed refresh keeps the
 * credentials in hand until LD_CREDS_MANDATORY_REFRESH seconds before they expire.
 * *out is borrowed from the session and valid until the next call.
 * @return 0; the provider's or STS's error when refreshing failed inside the mandatory window
 */
int ld_aws_session__credentials(ld_aws_session *s, const ld_credentials **out);

/** The session's own transport, opened on first use by a session that has none (a role
 *  session made for a concurrent scan, whose threads bring their own); one thread only,
 *  unless the thread set its own (ld_aws_session__use_thread_transport).
 *  @return 0, or the error of opening it */
int ld_aws_session__own_transport(ld_transport **out, ld_aws_session *s);

/** A new transport with the session's CA bundle, for a worker thread (caller frees). */
int ld_aws_session__transport_new(ld_transport **out, const ld_aws_session *s);

/** From now on, in the calling thread, every session's own transport is `t` (borrowed;
 *  NULL ends it): workers that each call through any session on a connection of their
 *  own (GetFunction, GetLayerVersion and downloads in ld_depcheck_scan). */
void ld_aws_session__use_thread_transport(ld_transport *t);

/* The token buckets of `s`'s account in `region` (NULL: the client paces itself). */
typedef struct ld_rate_limiter *(*ld_limiter_for_fn)(void *ctx, ld_aws_session *s,
						      const char *region);

/** From now on, in the calling thread, the Lambda clients ld_aws_session__client() makes
 *  draw on the buckets `fn` names (NULL ends it): the dependency checks' workers share
 *  an account-region's buckets as the collector's pool does. */
void ld_aws_session__use_thread_limiters(ld_limiter_for_fn fn, void *ctx);

/** A Lambda client for `region` (NULL: the session's) counting into `calls` (may be NULL)
 *  on the session's own transport (one thread only); it copies the session's current
 *  credentials before every attempt, and draws on the thread's buckets when it has any. */
int ld_aws_session__client(ld_aws_client *out, ld_aws_session *s, const char *region,
			   ld_api_calls *calls);

/** As ld_aws_session__client, on `transport` (borrowed): clients of one session on several
 *  threads, each with a transport of its own. */
int ld_aws_session__client_on(ld_aws_client *out, ld_aws_session *s, const char *region,
			      ld_api_calls *calls, ld_transport *transport);

/** A KMS client for `region` (NULL: the session's) at the KMS endpoint (--endpoint-url,
 *  AWS_ENDPOINT_URL_KMS, ..., else the default), on the session's own transport. */
int ld_aws_session__kms_client(ld_aws_client *out, ld_aws_session *s, const char *region,
			       ld_api_calls *calls);

/** An IAM client (the partition's global endpoint, signed for us-east-1 in aws, or
 *  --endpoint-url, AWS_ENDPOINT_URL_IAM, ...), on the session's own transport. */
int ld_aws_session__iam_client(ld_aws_client *out, ld_aws_session *s, ld_api_calls *calls);

/** A CloudWatch Logs client for `region` (NULL: the session's) at --endpoint-url,
 *  AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, ... or the default, paced under DescribeLogGroups'
 *  5 requests/s, on the session's own transport. */
int ld_aws_session__logs_client(ld_aws_client *out, ld_aws_session *s, const char *region,
				ld_api_calls *calls);
/** An Organizations client (--accounts org) signed for `region` (the partition's
 *  Organizations region) at the Organizations endpoint (--endpoint-url,
 *  AWS_ENDPOINT_URL_ORGANIZATIONS, ..., else the one in `region`), on the session's own
 *  transport. */
int ld_aws_session__org_client(ld_aws_client *out, ld_aws_session *s, const char *region,
			       ld_api_calls *calls);

/** As ld_aws_session_for_role, on `transport` for its STS calls (ownership taken, freed on
 *  failure too); NULL: a transport opened for each AssumeRole and closed after it. */
int ld_aws_session__for_role_with(ld_aws_session **out, ld_aws_session *parent,
				  const ld_role_opts *ro, ld_transport *transport);

/** Add the session's STS counters (and its parent's) into `calls` once per session. Not
 *  for use while other threads use the sessions. */
void ld_aws_session__report_sts(ld_aws_session *s, ld_api_calls *calls);

#endif
