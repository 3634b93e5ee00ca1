/*
 * AWS configuration resolution in the AWS CLI's order, from the environment and the shared
 * files only (no network): which credentials, which role chain to assume, which region,
 * which endpoint, which CA bundle. An ld_aws_config owns its strings;
 * ld_aws_config_dispose() frees them and wipes the secrets.
 */
#ifndef LD_AWS_CONFIG_H
#define LD_AWS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "lambdrift/aws.h"

typedef struct {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;   /* NULL when none */
	time_t expiration;     /* 0 when they do not expire */
} ld_credentials;

/* One sts:AssumeRole step; step i signs with the credentials of step i-1 (or the base). */
typedef struct {
	char *role_arn;
	char *external_id;     /* NULL when none */
	char *session_name;
	long duration_seconds; /* 0 = STS default */
	char *profile;         /* the profile that declared it, for messages */
} ld_role_step;

typedef struct {
	char *profile;          /* selected profile name ("default" when none) */
	char *region;           /* NULL when nothing set one */
	char *endpoint_url;     /* Lambda endpoint override, or NULL for the default */
	char *sts_endpoint_url; /* STS endpoint override, or NULL for the default */
	char *ca_bundle;        /* AWS_CA_BUNDLE or profile ca_bundle, or NULL */
	ld_credentials base;    /* static credentials the chain starts from */
	char *source;           /* "environment", "shared credentials file (profile dev)", ... */
	ld_role_step *roles;    /* role chain to assume, in order; empty for static creds */
	size_t nroles;
	int max_attempts;       /* AWS_MAX_ATTEMPTS / max_attempts, 0 when unset */
} ld_aws_config;

/**
 * Resolve from `opts`, the environment, AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials)
 * and AWS_CONFIG_FILE (~/.aws/config).
 * @return 0; LD_EAUTH when no credentials are found (message says where it looked);
 *         LD_EUSAGE for an unknown profile, a source_profile loop or a malformed file
 */
int ld_aws_config_resolve(ld_aws_config *out, const ld_aws_opts *opts);
void ld_aws_config_dispose(ld_aws_config *cfg);
void ld_credentials_dispose(ld_credentials *c);

#endif
