/*
 * Session internals shared by session.c and collect.c (private to the library), and the
 * semi-private constructor tests use to run a session on an injected transport. The
 * session owns the transport, the resolved configuration and the final credentials; a
 * client made from it borrows the transport and copies the credentials.
 */
#ifndef LD_AWS_SESSION_H
#define LD_AWS_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "aws/client.h"
#include "aws/config.h"
#include "inventory/build.h"
#include "lambdrift/aws.h"

struct ld_aws_session {
	ld_aws_config cfg;          /* resolved configuration (base credentials included) */
	ld_credentials creds;       /* after the role chain: what Lambda calls are signed with */
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

/** A Lambda client for `region` (NULL: the session's) counting into `calls` (may be NULL). */
int ld_aws_session__client(ld_aws_client *out, ld_aws_session *s, const char *region,
			   ld_api_calls *calls);

#endif
