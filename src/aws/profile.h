/*
 * AWS configuration resolution in the AWS CLI's order, from the environment and the shared
 * files only (no network): which credentials provider applies (static keys, or one that
 * providers.c fetches from: web identity, credential_process, container, instance
 * metadata), which role chain to assume, which region, which endpoint, which CA bundle.
 * An ld_aws_config owns its strings; ld_aws_config_dispose() frees them and wipes the
 * secrets.
 */
#ifndef LD_AWS_PROFILE_H
#define LD_AWS_PROFILE_H

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

/* Where the base credentials come from. Only STATIC is resolved here; the others are
 * fetched by providers.c when the session starts, and again before they expire. */
typedef enum {
	LD_PROVIDER_STATIC = 0,   /* cfg->base holds keys (environment or a profile file) */
	LD_PROVIDER_WEB_IDENTITY, /* sts:AssumeRoleWithWebIdentity with a token file */
	LD_PROVIDER_PROCESS,      /* a profile's credential_process */
	LD_PROVIDER_CONTAINER,    /* the ECS / EKS Pod Identity container endpoint */
	LD_PROVIDER_IMDS          /* the EC2 instance metadata service */
} ld_provider_kind;

/* The chosen provider and its parameters; only the fields of its kind are set. */
typedef struct {
	ld_provider_kind kind;
	char *profile;         /* profile that named it, for messages; NULL when the env did */
	/* web identity */
	char *role_arn;
	char *token_file;      /* read at every fetch (the issuer rotates it) */
	char *session_name;
	/* credential_process: run with /bin/sh -c */
	char *command;
	long timeout_ms;       /* process, or one metadata request; 0 = the provider default */
	/* container */
	char *url;             /* absolute http(s) URL of the credentials endpoint */
	const char *url_from;  /* the variable it came from (static string), for messages */
	char *auth_token;      /* AWS_CONTAINER_AUTHORIZATION_TOKEN (secret), or NULL */
	char *auth_token_file; /* AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, read at every fetch */
	/* instance metadata */
	char *imds_endpoint;   /* base URL without a trailing '/' */
	bool imds_v1_disabled; /* no fallback to IMDSv1 when the token PUT is refused */
	int attempts;          /* metadata requests per step; 0 = the provider default */
	char *looked;          /* IMDS as the last resort: where else was looked, for "no
				* credentials found"; NULL when a profile asked for IMDS */
} ld_provider;

typedef struct {
	char *profile;          /* selected profile name ("default" when none) */
	char *region;           /* NULL when nothing set one */
	char *endpoint_url;     /* Lambda endpoint override, or NULL for the default */
	char *sts_endpoint_url; /* STS endpoint override, or NULL for the default */
	char *kms_endpoint_url; /* KMS (release records): --endpoint-url, else as for STS */
	char *iam_endpoint_url; /* IAM (posture): --endpoint-url, else as for STS */
	char *logs_endpoint_url; /* CloudWatch Logs (posture): --endpoint-url, else as for STS */
	char *org_endpoint_url; /* Organizations (--accounts org): as for KMS */
	char *ca_bundle;        /* AWS_CA_BUNDLE or profile ca_bundle, or NULL */
	ld_credentials base;    /* static credentials the chain starts from (kind STATIC) */
	ld_provider provider;   /* where the base credentials come from */
	char *source;           /* "environment", "shared credentials file (profile dev)", ... */
	ld_role_step *roles;    /* role chain to assume, in order; empty for static creds */
	size_t nroles;
	int max_attempts;       /* AWS_MAX_ATTEMPTS / max_attempts, 0 when unset */
} ld_aws_config;

/**
 * Resolve from `opts`, the environment, AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials)
 * and AWS_CONFIG_FILE (~/.aws/config).
 * Nothing is fetched: a provider other than STATIC is only named, with its parameters.
 * @return 0; LD_EAUTH when no credentials are found (message says where it looked) or a
 *         source cannot apply (credential_source = EcsContainer without a container);
 *         LD_EUSAGE for an unknown profile, a source_profile loop, a malformed file or a
 *         bad setting
 */
int ld_aws_config_resolve(ld_aws_config *out, const ld_aws_opts *opts);
void ld_aws_config_dispose(ld_aws_config *cfg);
void ld_credentials_dispose(ld_credentials *c);
void ld_provider_dispose(ld_provider *p);

#endif
