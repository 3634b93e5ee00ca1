/*
 * AWS access: an ld_aws_session resolves credentials, region and endpoint the way the AWS
 * CLI does, signs with SigV4 and talks HTTPS through libcurl with retries. ld_collect()
 * fills an inventory from Lambda with the fewest calls. A session is created with
 * ld_aws_session_new() and freed with ld_aws_session_free() (NULL accepted); strings
 * returned by getters are borrowed from the session. Credentials never leave the session:
 * no getter returns them and no message contains them.
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
} ld_collect_opts;

#define LD_COLLECT_OPTS_INIT { NULL, 0, NULL, NULL, NULL }

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
