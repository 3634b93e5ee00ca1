/*
 * STS AssumeRole over the AWS client and AssumeRoleWithWebIdentity (sent unsigned through
 * the client's transport, endpoint and retry policy); their query-protocol responses are
 * read with aws/xml.h. Credentials written to an ld_credentials are owned by it and
 * released with ld_credentials_dispose().
 */
#ifndef LD_AWS_STS_H
#define LD_AWS_STS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "aws/profile.h"

/** Most bytes an STS response may have; a real one is about 2 KiB. */
#define LD_STS_MAX_RESPONSE ((size_t)256 * 1024)

/**
 * Parse an AssumeRole response body into `out`: AccessKeyId, SecretAccessKey, SessionToken
 * (required) and Expiration (ISO 8601, UTC).
 * @return 0, or LD_EINVALID when the XML is truncated or a credential field is missing
 */
int ld_sts_parse_assume_role(ld_credentials *out, const char *xml, size_t len);

/**
 * Call sts:AssumeRole for `step` with the client's credentials (a client of service "sts").
 * @return 0; LD_EAUTH when STS refuses (message names the role and profile), or the
 *         client's errors; LD_EINVALID for a malformed response
 */
int ld_sts_assume_role(ld_credentials *out, ld_aws_client *sts, const ld_role_step *step);

/* One AssumeRoleWithWebIdentity request. */
typedef struct {
	const char *role_arn;
	const char *session_name;
	const char *token;      /* the JWT itself: a secret, never in messages */
	const char *token_file; /* where it was read, for messages */
} ld_web_identity;

/**
 * Call sts:AssumeRoleWithWebIdentity, unsigned (the token is the proof), through the
 * transport, endpoint, counters, deadline and retry policy of `sts` (its credentials are
 * not used). Throttling, 5xx, IDPCommunicationError and transport failures are retried.
 * @return 0; LD_EAUTH when STS refuses the token or the role (the message names the role
 *         and the token file, never the token); LD_ENET, LD_ETHROTTLED after the last
 *         attempt; LD_EINVALID for a malformed response; LD_ELIMIT past the deadline
 */
int ld_sts_assume_role_with_web_identity(ld_credentials *out, ld_aws_client *sts,
					 const ld_web_identity *req);

/** Parse "2019-11-09T13:34:41Z" (fraction and offset allowed) into *out. @return 0 or LD_EINVALID */
int ld_parse_iso8601(time_t *out, const char *s);

#endif
