/*
 * AWS configuration resolution behind profile.h, in the order botocore (the AWS CLI) uses:
 * the profile from --profile, AWS_PROFILE or AWS_DEFAULT_PROFILE; credentials from the
 * environment (unless --profile named a profile), then the profile's role_arn (chained
 * through source_profile, or credential_source = Environment, EcsContainer or
 * Ec2InstanceMetadata), then web identity (profile or AWS_WEB_IDENTITY_TOKEN_FILE), static
 * keys from the shared credentials file, credential_process, static keys from the config
 * file, the container endpoint (AWS_CONTAINER_CREDENTIALS_*), and last the EC2 instance
 * metadata service unless AWS_EC2_METADATA_DISABLED; region, Lambda and STS endpoints, CA
 * bundle and max attempts from options, environment and profile. Like botocore, a
 * profile's keys are the config file's section overlaid with the credentials file's.
 * Nothing here talks to the network or runs a process: role steps are returned for the
 * STS code to execute and a fetched provider is only named (providers.c fetches it). SSO
 * and MFA-protected roles are refused with a clear message instead of being skipped.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/ini.h"
#include "aws/profile.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/date.h"
#include "util/str.h"

#define MAX_CHAIN 16      /* profiles in one source_profile chain */
#define NAME_MAX_LEN 256  /* longest profile or services name in a section header */
#define MAX_ATTEMPTS_LIMIT 100
#define CONTAINER_HOST "http://169.254.170.2"
#define IMDS_IPV4 "http://169.254.169.254"
#define IMDS_IPV6 "http://[fd00:ec2::254]"

/* A profile as botocore sees it: the config file's section overlaid by the credentials
 * file's. Either may be NULL. */
typedef struct {
	const ld_ini_section *cred;
	const ld_ini_section *conf;
} profile;

typedef struct {
	const ld_aws_opts *opts;
	ld_aws_config *cfg;
	ld_ini cred;                 /* shared credentials file, empty when absent */
	ld_ini conf;                 /* config file, empty when absent */
	const char *chain[MAX_CHAIN]; /* profiles visited while following source_profile */
	size_t nchain;
	char *base_source;           /* where cfg->base came from */
	bool by_option;              /* --profile named the profile: skip env credentials */
	profile top;                 /* the selected profile, whose settings IMDS reads */
} resolver;

static void wipe_free(char *s)
{
	if (s) {
		volatile char *p = s;
		while (*p)
			*p++ = '\0';
		free(s);
	}
}

/* An environment variable, with empty treated as unset. */
static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static int printf_to(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int printf_to(char **dst, const char *fmt, ...)
{
	ld_buf b = LD_BUF_INIT_CAP(4096);
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ld_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (error < 0)
		return error;
	free(*dst);
	if (!(*dst = ld_buf_detach(&b)))
		return LD_ERROR;
	return 0;
}

static bool is_true(const char *v)
{
	return v && !strcasecmp(v, "true");
}

/* `~` or `~/...` with HOME; anything else (or no HOME) unchanged. */
static int expand_home(char **out, const char *path)
{
	const char *home = env("HOME");

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home)
		return printf_to(out, "%s%s", home, path + 1);
	return ld_dup_or_null(out, path);
}

/*
 * Split a section header the way shlex.split does for the cases that occur ("profile dev",
 * 'profile "my dev"') and return true when it is exactly `prefix` and one name.
 */
static bool prefixed_name(const char *header, const char *prefix, char *name, size_t cap)
{
	char first[NAME_MAX_LEN];
	size_t ntok = 0;
	const char *s = header;

	while (*s) {
		char *dst = ntok == 0 ? first : ntok == 1 ? name : NULL;
		size_t len = 0, dcap = ntok == 0 ? sizeof(first) : cap;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		while (*s && !isspace((unsigned char)*s)) {
			char q = 0;
			if (*s == '"' || *s == '\'')
				q = *s++;
			while (*s && (q ? *s != q : !isspace((unsigned char)*s) && *s != '"' &&
						      *s != '\'')) {
				if (dst && len + 1 >= dcap)
					return false;
				if (dst)
					dst[len++] = *s;
				s++;
			}
			if (q && !*s)
				return false; /* unbalanced quote: botocore skips the section */
			if (q)
				s++;
		}
		if (dst)
			dst[len] = '\0';
		if (++ntok > 2)
			return false;
	}
	return ntok == 2 && !strcmp(first, prefix);
}

/* The config file section of profile `name`: [profile name], or [default]; last wins. */
static const ld_ini_section *conf_section(const ld_ini *conf, const char *name)
{
	const ld_ini_section *found = NULL;
	char buf[NAME_MAX_LEN];

	for (size_t i = 0; i < conf->nsections; i++) {
		const ld_ini_section *s = &conf->sections[i];
		if ((!strcmp(name, "default") && !strcmp(s->name, "default")) ||
		    (prefixed_name(s->name, "profile", buf, sizeof(buf)) && !strcmp(buf, name)))
			found = s;
	}
	return found;
}

static profile find_profile(const resolver *r, const char *name)
{
	profile p;
	p.cred = ld_ini_section_find(&r->cred, name);
	p.conf = conf_section(&r->conf, name);
	return p;
}

static bool exists(profile p)
{
	return p.cred || p.conf;
}

static const char *pget(profile p, const char *key)
{
	const char *v = ld_ini_get(p.cred, key);
	return v ? v : ld_ini_get(p.conf, key);
}

static bool has_static(profile p)
{
	return pget(p, "aws_access_key_id") || pget(p, "aws_secret_access_key");
}

static bool has_role(profile p)
{
	return pget(p, "role_arn") && !pget(p, "web_identity_token_file");
}

static int unsupported(const char *what, const char *where)
{
	return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
			     "%s uses %s, which lambdrift does not support yet; use static keys, "
			     "role_arn with source_profile, or AWS_ACCESS_KEY_ID and "
			     "AWS_SECRET_ACCESS_KEY", where, what);
}

static int set_creds(ld_credentials *c, const char *ak, const char *sk, const char *tok)
{
	int error;
	ld_credentials_dispose(c);
	if ((error = ld_dup_or_null(&c->access_key_id, ak)) < 0 ||
	    (error = ld_dup_or_null(&c->secret_access_key, sk)) < 0 ||
	    (error = ld_dup_or_null(&c->session_token, tok && *tok ? tok : NULL)) < 0)
		return error;
	return 0;
}

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* ISO 8601 "2030-01-02T03:04:05[.fff](Z|+hh:mm|+hhmm)", as in AWS_CREDENTIAL_EXPIRATION. */
static bool parse_time(const char *s, time_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || !strchr("Tt ", s[10]) || !s[10] ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return false;
	s += 19;
	if (*s == '.' && isdigit((unsigned char)s[1]))
		for (s++; isdigit((unsigned char)*s); s++)
			;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		if (!digits(s + 1, 2, &oh))
			return false;
		s += 3;
		if (*s == ':')
			s++;
		if (!digits(s, 2, &om))
			return false;
		s += 2;
	} else {
		return false;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 ||
	    oh > 23 || om > 59)
		return false;
	*out = (time_t)(ld_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
			sign * (oh * 3600 + om * 60));
	return true;
}

/* Credentials from the environment. @return 1 found, 0 none, <0 error */
static int from_env(resolver *r)
{
	const char *ak = env("AWS_ACCESS_KEY_ID");
	const char *sk = env("AWS_SECRET_ACCESS_KEY");
	const char *tok = env("AWS_SESSION_TOKEN");
	const char *exp = env("AWS_CREDENTIAL_EXPIRATION");
	int error;

	if (!ak)
		return 0;
	if (!sk)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; "
				     "set both, or unset AWS_ACCESS_KEY_ID to use a profile");
	if (!tok)
		tok = env("AWS_SECURITY_TOKEN");
	if ((error = set_creds(&r->cfg->base, ak, sk, tok)) < 0)
		return error;
	if (exp && !parse_time(exp, &r->cfg->base.expiration))
		return ld_error_setc(LD_EUSAGE, LD_ERR_CREDS,
				     "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time such as "
				     "2030-01-02T03:04:05Z; fix or unset it");
	if ((error = ld_dup_or_null(&r->base_source, "environment")) < 0)
		return error;
	return 1;
}

/* Static keys from one file's section. @return 1 found, 0 none, <0 error */
static int from_section(resolver *r, const ld_ini_section *sec, const ld_ini *file,
			const char *kind, const char *name)
{
	const char *ak = ld_ini_get(sec, "aws_access_key_id");
	const char *sk = ld_ini_get(sec, "aws_secret_access_key");
	const char *tok = ld_ini_get(sec, "aws_session_token");
	int error;

	if (!(ak && *ak) && !(sk && *sk))
		return 0;
	if (!(ak && *ak) || !(sk && *sk))
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "profile '%s' in '%s' sets %s but not %s; add the missing key",
				     name, file->path,
				     ak && *ak ? "aws_access_key_id" : "aws_secret_access_key",
				     ak && *ak ? "aws_secret_access_key" : "aws_access_key_id");
	if (!tok)
		tok = ld_ini_get(sec, "aws_security_token");
	if ((error = set_creds(&r->cfg->base, ak, sk, tok)) < 0 ||
	    (error = printf_to(&r->base_source, "%s (profile %s)", kind, name)) < 0)
		return error;
	return 1;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* A web identity setting: the environment variable first unless `profile_only`. */
static const char *webid_get(profile p, bool profile_only, const char *var, const char *key)
{
	const char *v = profile_only ? NULL : env(var);
	return v ? v : pget(p, key);
}

/*
 * Web identity, key by key from the environment and the profile as botocore does; a source
 * profile (or a profile named by --profile) reads only the profile.
 * @return 1 chosen, 0 not configured, <0 error
 */
static int from_web_identity(resolver *r, const char *name, profile p, bool top)
{
	bool profile_only = !top || r->by_option;
	ld_provider *pv = &r->cfg->provider;
	const char *file = webid_get(p, profile_only, "AWS_WEB_IDENTITY_TOKEN_FILE",
				     "web_identity_token_file");
	const char *arn = webid_get(p, profile_only, "AWS_ROLE_ARN", "role_arn");
	const char *session = webid_get(p, profile_only, "AWS_ROLE_SESSION_NAME",
					"role_session_name");
	int error;

	if (!file || !*file)
		return 0;
	if (!arn || !*arn)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "web identity is configured for profile '%s' (a token file is "
				     "set) but no role is: set AWS_ROLE_ARN or role_arn in the "
				     "profile", name);
	pv->kind = LD_PROVIDER_WEB_IDENTITY;
	if ((error = ld_dup_or_null(&pv->profile, name)) < 0 ||
	    (error = ld_dup_or_null(&pv->role_arn, arn)) < 0 ||
	    (error = expand_home(&pv->token_file, file)) < 0)
		return error;
	if (session && *session)
		error = ld_dup_or_null(&pv->session_name, session);
	else
		error = printf_to(&pv->session_name, "lambdrift-%lld", (long long)time(NULL));
	if (error < 0 || (error = printf_to(&r->base_source, "web identity (role %s, token file "
					    "%s)", arn, pv->token_file)) < 0)
		return error;
	return 1;
}

static int from_process(resolver *r, const char *name, const char *command)
{
	ld_provider *pv = &r->cfg->provider;
	int error;

	pv->kind = LD_PROVIDER_PROCESS;
	if ((error = ld_dup_or_null(&pv->profile, name)) < 0 ||
	    (error = ld_dup_or_null(&pv->command, command)) < 0 ||
	    (error = printf_to(&r->base_source, "credential_process (profile %s)", name)) < 0)
		return error;
	return 1;
}

/*
 * The providers botocore runs for a profile without role_arn (or a source profile with
 * keys): web identity, SSO, credentials file, credential_process, config file.
 * @return 1 found, 0 none, <0 error
 */
static int from_profile_keys(resolver *r, const char *name, profile p, bool top)
{
	char where[NAME_MAX_LEN + 16];
	const char *command;
	int found;

	snprintf(where, sizeof(where), "profile '%s'", name);
	if ((found = from_web_identity(r, name, p, top)) != 0)
		return found;
	if (pget(p, "sso_session") || pget(p, "sso_start_url") || pget(p, "sso_account_id") ||
	    pget(p, "sso_role_name"))
		return unsupported("sso (IAM Identity Center)", where);
	if ((found = from_section(r, p.cred, &r->cred, "shared credentials file", name)) != 0)
		return found;
	if ((command = pget(p, "credential_process")) && *command)
		return from_process(r, name, command);
	return from_section(r, p.conf, &r->conf, "config file", name);
}

/* The container endpoint from the environment. @return 1 chosen, 0 not configured, <0 */
static int from_container(resolver *r, const char *profile_name)
{
	ld_provider *pv = &r->cfg->provider;
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	int error;

	if (!rel && !full)
		return 0;
	pv->kind = LD_PROVIDER_CONTAINER;
	pv->url_from = rel ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
			   : "AWS_CONTAINER_CREDENTIALS_FULL_URI";
	if (rel)
		error = printf_to(&pv->url, CONTAINER_HOST "%s%s", rel[0] == '/' ? "" : "/", rel);
	else
		error = ld_dup_or_null(&pv->url, full);
	if (error < 0 || (error = ld_dup_or_null(&pv->profile, profile_name)) < 0 ||
	    (error = ld_dup_or_null(&pv->auth_token_file,
			    env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))) < 0 ||
	    (error = ld_dup_or_null(&pv->auth_token, env("AWS_CONTAINER_AUTHORIZATION_TOKEN"))) < 0 ||
	    (error = printf_to(&r->base_source, "container credentials (%s)", pv->url_from)) < 0)
		return error;
	return 1;
}

/* An IMDS setting from the environment, else the selected profile. */
static const char *imds_get(const resolver *r, const char *var, const char *key,
			    const char **from)
{
	const char *v = env(var);
	*from = var;
	if (v)
		return v;
	*from = key;
	return pget(r->top, key);
}

static int imds_endpoint(resolver *r, ld_provider *pv)
{
	const char *mode_from, *from;
	const char *mode = imds_get(r, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
				    "ec2_metadata_service_endpoint_mode", &mode_from);
	const char *url = imds_get(r, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
				   "ec2_metadata_service_endpoint", &from);
	size_t len;

	if (mode && *mode && strcasecmp(mode, "IPv4") && strcasecmp(mode, "IPv6"))
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "%s must be IPv4 or IPv6",
				     mode_from);
	if (!url || !*url)
		return ld_dup_or_null(&pv->imds_endpoint,
			      mode && !strcasecmp(mode, "IPv6") ? IMDS_IPV6 : IMDS_IPV4);
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "%s must be an http:// or https:// url", from);
	len = strlen(url);
	while (len > 8 && url[len - 1] == '/')
		len--;
	if (!(pv->imds_endpoint = strndup(url, len)))
		return ld_error_oom();
	return 0;
}

static int imds_number(const resolver *r, const char *var, const char *key, long hi,
		       long *out)
{
	const char *from, *v = imds_get(r, var, key, &from);

	*out = 0;
	if (v && *v && parse_long(v, 1, hi, out) < 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "%s must be a whole number from 1 to %ld", from, hi);
	return 0;
}

/* The instance metadata service, named by credential_source (profile) or as the last
 * resort (looked: where else credentials were looked for). */
static int from_imds(resolver *r, const char *profile_name, const char *looked)
{
	ld_provider *pv = &r->cfg->provider;
	const char *from, *v1 = imds_get(r, "AWS_EC2_METADATA_V1_DISABLED",
					 "ec2_metadata_v1_disabled", &from);
	long timeout_s, attempts;
	int error;

	pv->kind = LD_PROVIDER_IMDS;
	pv->imds_v1_disabled = is_true(v1);
	if ((error = imds_endpoint(r, pv)) < 0 ||
	    (error = imds_number(r, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout",
				 300, &timeout_s)) < 0 ||
	    (error = imds_number(r, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
				 "metadata_service_num_attempts", 10, &attempts)) < 0 ||
	    (error = ld_dup_or_null(&pv->profile, profile_name)) < 0 ||
	    (error = ld_dup_or_null(&pv->looked, looked)) < 0 ||
	    (error = ld_dup_or_null(&r->base_source, "ec2 instance metadata")) < 0)
		return error;
	pv->timeout_ms = timeout_s * 1000;
	pv->attempts = (int)attempts;
	return 1;
}

static bool imds_disabled(void)
{
	return is_true(env("AWS_EC2_METADATA_DISABLED"));
}

static int add_role(resolver *r, const char *name, profile p)
{
	ld_aws_config *cfg = r->cfg;
	ld_role_step *step, *roles;
	const char *dur = pget(p, "duration_seconds");
	const char *session = pget(p, "role_session_name");
	long duration = 0;
	int error;

	if (dur && parse_long(dur, 900, 43200, &duration) < 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "duration_seconds in profile '%s' must be a whole number of "
				     "seconds from 900 to 43200", name);
	if (!(roles = realloc(cfg->roles, (cfg->nroles + 1) * sizeof(*roles))))
		return ld_error_oom();
	cfg->roles = roles;
	step = &roles[cfg->nroles++];
	memset(step, 0, sizeof(*step));
	step->duration_seconds = duration;
	if ((error = ld_dup_or_null(&step->role_arn, pget(p, "role_arn"))) < 0 ||
	    (error = ld_dup_or_null(&step->external_id, pget(p, "external_id"))) < 0 ||
	    (error = ld_dup_or_null(&step->profile, name)) < 0)
		return error;
	if (session && *session)
		return ld_dup_or_null(&step->session_name, session);
	return printf_to(&step->session_name, "lambdrift-%lld", (long long)time(NULL));
}

static int from_credential_source(resolver *r, const char *name, const char *source)
{
	int found;

	if (!strcmp(source, "Ec2InstanceMetadata")) {
		if (imds_disabled())
			return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
					     "profile '%s' has credential_source = "
					     "Ec2InstanceMetadata but AWS_EC2_METADATA_DISABLED is "
					     "true; unset it or change the profile", name);
		found = from_imds(r, name, NULL);
		return found < 0 ? found : 0;
	}
	if (!strcmp(source, "EcsContainer")) {
		if ((found = from_container(r, name)) == 0)
			return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
					     "profile '%s' has credential_source = EcsContainer but "
					     "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor "
					     "AWS_CONTAINER_CREDENTIALS_FULL_URI is set (not in a "
					     "container?)", name);
		return found < 0 ? found : 0;
	}
	if (strcmp(source, "Environment"))
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "credential_source in profile '%s' must be Environment, "
				     "Ec2InstanceMetadata or EcsContainer", name);
	if ((found = from_env(r)) == 0)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "profile '%s' has credential_source = Environment but "
				     "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set", name);
	return found < 0 ? found : 0;
}

static int loop_error(const resolver *r, const char *again)
{
	ld_buf b = LD_BUF_INIT_CAP(400);
	int error;

	for (size_t i = 0; i < r->nchain; i++)
		ld_buf_printf(&b, "%s -> ", r->chain[i]);
	ld_buf_puts(&b, again);
	error = ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
			      "source_profile loop: %s; change source_profile in profile '%s'",
			      b.error ? "(too long to show)" : b.ptr,
			      r->nchain ? r->chain[r->nchain - 1] : again);
	ld_buf_dispose(&b);
	return error;
}

static int assume_role(resolver *r, const char *name, profile p);

static int from_source_profile(resolver *r, const char *parent, const char *name)
{
	profile p = find_profile(r, name);
	bool seen = false;
	int found;

	if (!exists(p))
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "source_profile '%s' of profile '%s' is not in '%s' or '%s'",
				     name, parent, r->cred.path, r->conf.path);
	for (size_t i = 0; i < r->nchain; i++)
		seen |= !strcmp(r->chain[i], name);
	/* A profile may name itself to take its own static keys, as botocore allows. */
	if (seen && (strcmp(name, parent) || !has_static(p)))
		return loop_error(r, name);
	if (r->nchain >= MAX_CHAIN)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "source_profile chain from profile '%s' is longer than %d "
				     "profiles", r->chain[0], MAX_CHAIN);
	r->chain[r->nchain++] = name;
	/* Static keys in a source profile win over its own role_arn (botocore). */
	if (!has_static(p) && has_role(p))
		return assume_role(r, name, p);
	if ((found = from_profile_keys(r, name, p, false)) == 0)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "source_profile '%s' of profile '%s' has no credentials; add "
				     "aws_access_key_id and aws_secret_access_key or a role_arn",
				     name, parent);
	return found < 0 ? found : 0;
}

/* The role step of profile `name` after the steps (or base keys) that sign it. */
static int assume_role(resolver *r, const char *name, profile p)
{
	const char *sp = pget(p, "source_profile");
	const char *cs = pget(p, "credential_source");
	char where[NAME_MAX_LEN + 16];
	int error;

	snprintf(where, sizeof(where), "profile '%s'", name);
	if (sp && cs)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "profile '%s' sets both source_profile and credential_source; "
				     "keep one", name);
	if (!sp && !cs)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "profile '%s' sets role_arn but neither source_profile nor "
				     "credential_source", name);
	if (pget(p, "mfa_serial"))
		return unsupported("mfa_serial (an MFA-protected role)", where);
	if ((error = cs ? from_credential_source(r, name, cs)
			: from_source_profile(r, name, sp)) < 0)
		return error;
	return add_role(r, name, p);
}

/* Where the resolver looked before instance metadata, for "no credentials" messages. */
static int looked_where(const resolver *r, char **out)
{
	if (r->by_option)
		return printf_to(out, "'%s' and '%s' for profile '%s' (--profile skips the "
				 "environment)", r->cred.path, r->conf.path, r->cfg->profile);
	return printf_to(out, "the environment (AWS_ACCESS_KEY_ID), '%s' and '%s' for profile "
			 "'%s'", r->cred.path, r->conf.path, r->cfg->profile);
}

static int no_credentials(const resolver *r)
{
	char *looked = NULL;
	int error;

	if ((error = looked_where(r, &looked)) < 0)
		return error;
	error = ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
			      "no aws credentials found: looked in %s; set AWS_ACCESS_KEY_ID and "
			      "AWS_SECRET_ACCESS_KEY, or add keys or a role_arn to the profile "
			      "(instance metadata is off: AWS_EC2_METADATA_DISABLED=true)", looked);
	free(looked);
	return error;
}

/* Container, then instance metadata: botocore's last two providers. */
static int from_machine(resolver *r)
{
	char *looked = NULL;
	int found;

	if ((found = from_container(r, NULL)) != 0)
		return found < 0 ? found : 0;
	if (imds_disabled())
		return no_credentials(r);
	if ((found = looked_where(r, &looked)) >= 0)
		found = from_imds(r, NULL, looked);
	free(looked);
	return found < 0 ? found : 0;
}

static int resolve_credentials(resolver *r)
{
	const char *name = r->cfg->profile;
	profile p = find_profile(r, name);
	int found;

	r->top = p;
	if (!r->by_option && (found = from_env(r)) != 0)
		return found < 0 ? found : 0;
	r->chain[r->nchain++] = name;
	if (has_role(p))
		return assume_role(r, name, p);
	if ((found = from_profile_keys(r, name, p, true)) != 0)
		return found < 0 ? found : 0;
	return from_machine(r);
}

static int make_source(resolver *r)
{
	ld_aws_config *cfg = r->cfg;

	if (!cfg->nroles) {
		cfg->source = r->base_source;
		r->base_source = NULL;
		return 0;
	}
	return printf_to(&cfg->source, "assume role %s via profile %s from %s",
			 cfg->roles[cfg->nroles - 1].role_arn, cfg->profile, r->base_source);
}

static int load_file(ld_ini *ini, const char *var, const char *fallback)
{
	char *path = NULL;
	int error;

	if ((error = expand_home(&path, env(var) ? env(var) : fallback)) < 0)
		return error;
	error = ld_ini_load(ini, path);
	free(path);
	return error == LD_ENOTFOUND ? 0 : error;
}

static int select_profile(resolver *r, bool *named)
{
	const char *name = r->opts->profile && *r->opts->profile ? r->opts->profile : NULL;

	r->by_option = name != NULL;
	if (!name)
		name = env("AWS_PROFILE");
	if (!name)
		name = env("AWS_DEFAULT_PROFILE");
	*named = name != NULL;
	return ld_dup_or_null(&r->cfg->profile, name ? name : "default");
}

/* The `[services NAME]` section's `svc = / endpoint_url = ...` value, or NULL. */
static int services_endpoint(const resolver *r, profile p, const char *svc, const char **out)
{
	const char *name = pget(p, "services");
	const ld_ini_section *sec = NULL;
	const ld_ini_entry *e;
	char buf[NAME_MAX_LEN];

	*out = NULL;
	if (!name)
		return 0;
	for (size_t i = 0; i < r->conf.nsections; i++)
		if (prefixed_name(r->conf.sections[i].name, "services", buf, sizeof(buf)) &&
		    !strcmp(buf, name))
			sec = &r->conf.sections[i];
	if (!sec)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "profile '%s' sets services = %s but '%s' has no [services %s] "
				     "section", r->cfg->profile, name, r->conf.path, name);
	e = ld_ini_entry_find(sec, svc);
	if (e && e->nsubs == 0 && e->value[0])
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "'%s' line %u: '%s' in [services %s] must be followed by "
				     "indented lines such as 'endpoint_url = ...'",
				     r->conf.path, e->line, svc, name);
	*out = ld_ini_sub_get(sec, svc, "endpoint_url");
	return 0;
}

/* AWS_ENDPOINT_URL_<SVC>, AWS_ENDPOINT_URL, [services] sub-key, profile endpoint_url. */
static int configured_endpoint(const resolver *r, profile p, const char *svc,
			       const char *svc_env, char **out)
{
	const char *url = env(svc_env);
	int error;

	if (!url)
		url = env("AWS_ENDPOINT_URL");
	if (!url && (error = services_endpoint(r, p, svc, &url)) < 0)
		return error;
	if (!url)
		url = pget(p, "endpoint_url");
	return ld_dup_or_null(out, url && *url ? url : NULL);
}

static int resolve_endpoints(resolver *r, profile p)
{
	ld_aws_config *cfg = r->cfg;
	const char *ignore_env = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	bool ignore = ignore_env ? is_true(ignore_env)
				 : is_true(pget(p, "ignore_configured_endpoint_urls"));
	int error;

	/* one emulator or endpoint given on the command line serves release records' KMS and
	 * the organisation's account list too */
	if (r->opts->endpoint_url && *r->opts->endpoint_url &&
	    ((error = ld_dup_or_null(&cfg->kms_endpoint_url, r->opts->endpoint_url)) < 0 ||
	     (error = ld_dup_or_null(&cfg->iam_endpoint_url, r->opts->endpoint_url)) < 0 ||
	     (error = ld_dup_or_null(&cfg->logs_endpoint_url, r->opts->endpoint_url)) < 0 ||
	     (error = ld_dup_or_null(&cfg->org_endpoint_url, r->opts->endpoint_url)) < 0))
		return error;
	if (r->opts->endpoint_url && *r->opts->endpoint_url)
		error = ld_dup_or_null(&cfg->endpoint_url, r->opts->endpoint_url);
	else if (!ignore)
		error = configured_endpoint(r, p, "lambda", "AWS_ENDPOINT_URL_LAMBDA",
					    &cfg->endpoint_url);
	else
		error = 0;
	if (error < 0 || ignore)
		return error;
	if (!cfg->kms_endpoint_url &&
	    (error = configured_endpoint(r, p, "kms", "AWS_ENDPOINT_URL_KMS",
					 &cfg->kms_endpoint_url)) < 0)
		return error;
	if (!cfg->iam_endpoint_url &&
	    (error = configured_endpoint(r, p, "iam", "AWS_ENDPOINT_URL_IAM",
					 &cfg->iam_endpoint_url)) < 0)
		return error;
	/* the AWS CLI's service id is "CloudWatch Logs": cloudwatch_logs, _CLOUDWATCH_LOGS */
	if (!cfg->logs_endpoint_url &&
	    (error = configured_endpoint(r, p, "cloudwatch_logs", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
					 &cfg->logs_endpoint_url)) < 0)
		return error;
	if (!cfg->org_endpoint_url &&
	    (error = configured_endpoint(r, p, "organizations", "AWS_ENDPOINT_URL_ORGANIZATIONS",
					 &cfg->org_endpoint_url)) < 0)
		return error;
	return configured_endpoint(r, p, "sts", "AWS_ENDPOINT_URL_STS", &cfg->sts_endpoint_url);
}

static int resolve_settings(resolver *r)
{
	ld_aws_config *cfg = r->cfg;
	profile p = find_profile(r, cfg->profile);
	const char *region = r->opts->region && *r->opts->region ? r->opts->region : NULL;
	const char *ca = env("AWS_CA_BUNDLE");
	const char *attempts = env("AWS_MAX_ATTEMPTS");
	const char *attempts_from = "AWS_MAX_ATTEMPTS";
	long n = 0;
	int error;

	if (!region)
		region = env("AWS_REGION");
	if (!region)
		region = env("AWS_DEFAULT_REGION");
	if (!region)
		region = pget(p, "region");
	if ((error = ld_dup_or_null(&cfg->region, region && *region ? region : NULL)) < 0 ||
	    (error = resolve_endpoints(r, p)) < 0)
		return error;
	if (!ca)
		ca = pget(p, "ca_bundle");
	if (ca && *ca && (error = expand_home(&cfg->ca_bundle, ca)) < 0)
		return error;
	if (r->opts->max_attempts > 0) {
		cfg->max_attempts = r->opts->max_attempts;
		return 0;
	}
	if (!attempts) {
		attempts = pget(p, "max_attempts");
		attempts_from = "max_attempts in the profile";
	}
	if (attempts && parse_long(attempts, 1, MAX_ATTEMPTS_LIMIT, &n) < 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				     "%s must be a whole number from 1 to %d", attempts_from,
				     MAX_ATTEMPTS_LIMIT);
	cfg->max_attempts = (int)n;
	return 0;
}

int ld_aws_config_resolve(ld_aws_config *out, const ld_aws_opts *opts)
{
	static const ld_aws_opts no_opts = LD_AWS_OPTS_INIT;
	resolver r;
	bool named = false;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.opts = opts ? opts : &no_opts;
	r.cfg = out;
	if ((error = select_profile(&r, &named)) < 0 ||
	    (error = load_file(&r.cred, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")) < 0 ||
	    (error = load_file(&r.conf, "AWS_CONFIG_FILE", "~/.aws/config")) < 0)
		goto done;
	if (named && !exists(find_profile(&r, out->profile))) {
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				      "profile '%s' not found in '%s' or '%s'; check --profile and "
				      "AWS_PROFILE", out->profile, r.cred.path, r.conf.path);
		goto done;
	}
	if ((error = resolve_credentials(&r)) < 0 || (error = make_source(&r)) < 0)
		goto done;
	error = resolve_settings(&r);
done:
	if (error < 0)
		ld_aws_config_dispose(out);
	free(r.base_source);
	ld_ini_dispose(&r.cred);
	ld_ini_dispose(&r.conf);
	return error;
}

void ld_credentials_dispose(ld_credentials *c)
{
	if (!c)
		return;
	wipe_free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	memset(c, 0, sizeof(*c));
}

void ld_provider_dispose(ld_provider *p)
{
	if (!p)
		return;
	free(p->profile);
	free(p->role_arn);
	free(p->token_file);
	free(p->session_name);
	wipe_free(p->command); /* a command line may carry a secret argument */
	free(p->url);
	wipe_free(p->auth_token);
	free(p->auth_token_file);
	free(p->imds_endpoint);
	free(p->looked);
	memset(p, 0, sizeof(*p));
}

void ld_aws_config_dispose(ld_aws_config *cfg)
{
	if (!cfg)
		return;
	ld_provider_dispose(&cfg->provider);
	for (size_t i = 0; i < cfg->nroles; i++) {
		free(cfg->roles[i].role_arn);
		wipe_free(cfg->roles[i].external_id);
		free(cfg->roles[i].session_name);
		free(cfg->roles[i].profile);
	}
	free(cfg->roles);
	free(cfg->profile);
	free(cfg->region);
	free(cfg->endpoint_url);
	free(cfg->sts_endpoint_url);
	free(cfg->kms_endpoint_url);
	free(cfg->iam_endpoint_url);
	free(cfg->logs_endpoint_url);
	free(cfg->org_endpoint_url);
	free(cfg->ca_bundle);
	free(cfg->source);
	ld_credentials_dispose(&cfg->base);
	memset(cfg, 0, sizeof(*cfg));
}
