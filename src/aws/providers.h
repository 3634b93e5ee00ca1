/*
 * Fetching the base credentials that profile.c only names: web identity (STS
 * AssumeRoleWithWebIdentity with a token file read at every fetch), credential_process (a
 * command's JSON on stdout), the container endpoint (ECS, EKS Pod Identity) and the EC2
 * instance metadata service (IMDSv2, with the IMDSv1 fallback unless disabled). Each fetch
 * fills an ld_credentials the caller owns and releases with ld_credentials_dispose(); on
 * failure it is left zeroed. Messages name the provider, the profile or variable and what
 * to do; never a key, a token, or the content of a token file or of a process's output.
 */
#ifndef LD_AWS_PROVIDERS_H
#define LD_AWS_PROVIDERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "aws/client.h"
#include "aws/profile.h"
#include "http/http.h"

/* Defaults when the provider sets none (botocore's, except the process timeout, where
 * botocore has none and a hung helper would hang the run). */
#define LD_PROCESS_TIMEOUT_MS 60000L
#define LD_PROCESS_MAX_OUTPUT ((size_t)64 * 1024)
#define LD_CONTAINER_TIMEOUT_MS 2000L
#define LD_CONTAINER_ATTEMPTS 3
#define LD_CONTAINER_RETRY_SLEEP_MS 1000L
#define LD_IMDS_TIMEOUT_MS 1000L
#define LD_IMDS_ATTEMPTS 1
#define LD_IMDS_TOKEN_TTL "21600"
/* A web identity token longer than this is refused by STS anyway. */
#define LD_WEB_IDENTITY_MAX_TOKEN 20000

/* What a fetch needs besides the provider's own parameters; everything is borrowed. */
typedef struct {
	ld_transport *transport;      /* the session's transport */
	const char *region;           /* the session's region (STS client) */
	const char *sts_endpoint;     /* absolute STS URL, for web identity */
	ld_api_calls *calls;          /* STS requests counted here; may be NULL */
	const ld_retry_policy *retry; /* sleep / clock seams and STS attempts; NULL = defaults */
	int64_t deadline_ms;          /* monotonic deadline of the run; 0 = none */
	time_t now;                   /* wall clock for expiry checks; 0 = time(NULL) */
} ld_provider_ctx;

/**
 * Fetch credentials from `p` (any kind but LD_PROVIDER_STATIC).
 * @return 0; LD_EAUTH when the source gives no usable credentials (refused, expired,
 *         missing token file, failed process, no instance role; for IMDS as the last
 *         resort the message is "no aws credentials found" with where else was looked);
 *         LD_EUSAGE for a setting that cannot work (a container URL on a forbidden host);
 *         LD_ENET / LD_ETHROTTLED / LD_ELIMIT for transport failures, throttling, the
 *         deadline or a process timeout; LD_EINVALID for a malformed answer
 */
int ld_provider_fetch(ld_credentials *out, const ld_provider *p, const ld_provider_ctx *ctx);

/** The four providers of ld_provider_fetch, one by one (tests call them directly). */
int ld_provider_web_identity(ld_credentials *out, const ld_provider *p,
			     const ld_provider_ctx *ctx);
int ld_provider_process(ld_credentials *out, const ld_provider *p, const ld_provider_ctx *ctx);
int ld_provider_container(ld_credentials *out, const ld_provider *p,
			  const ld_provider_ctx *ctx);
int ld_provider_imds(ld_credentials *out, const ld_provider *p, const ld_provider_ctx *ctx);

/**
 * Whether container credentials may be fetched from `url`: any https URL; http only to a
 * loopback address (127.0.0.0/8, ::1), localhost, 169.254.170.2, 169.254.170.23 or
 * fd00:ec2::23, as the SDKs allow. URLs with user info are refused.
 */
bool ld_container_url_allowed(const char *url);

/** A short name of a provider kind for messages: "web identity", "credential_process"... */
const char *ld_provider_name(ld_provider_kind kind);

#endif
