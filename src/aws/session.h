/*
 * Session internals shared by session.c and collect.c (private to the library), and the
 * semi-private constructor tests use to run a session on an injected transport. The
 * session owns the transport, the resolved configuration, the base credentials (static or
 * fetched by a provider) and the final credentials after the role chain; a client made
 * from it borrows the transport and asks the session for current credentials before every
 * attempt, so credentials that expire are refreshed while a long scan runs. Not
 * thread-safe: one thread uses a session and its clients.
 */
#ifndef LD_AWS_SESSION_H
#define LD_AWS_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "aws/client.h"
#include "aws/config.h"
#include "inventory/build.h"
#include "lambdrift/aws.h"

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

/** A Lambda client for `region` (NULL: the session's) counting into `calls` (may be NULL);
 *  it takes its credentials from ld_aws_session__credentials(). */
int ld_aws_session__client(ld_aws_client *out, ld_aws_session *s, const char *region,
			   ld_api_calls *calls);

#endif
