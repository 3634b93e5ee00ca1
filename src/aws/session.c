/*
 * The AWS session (include/lambdrift/aws.h): resolve the configuration, require a region,
 * open the transport, fetch the base credentials when a provider names them (web
 * identity, credential_process, container, instance metadata), assume each role of the
 * chain in order (each step signed with the credentials of the one before), and keep the
 * final credentials for Lambda clients, refreshing them before they expire. The session
 * also fixes the run's deadline and a random environment-digest key, so every region
 * collected with it into one inventory shares one key. A role session (another account of
 * an organisation scan) starts from its parent's current credentials and assumes its role
 * at its first use, not at creation. Credentials and their refresh sit behind the session's
 * lock; clients copy them (session_sync) only when their generation changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/providers.h"
#include "aws/session.h"
#include "aws/sts.h"
#include "http/http.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/str.h"

static int copy_creds(ld_credentials *out, const ld_credentials *in)
{
	memset(out, 0, sizeof(*out));
	out->expiration = in->expiration;
	if ((in->access_key_id && !(out->access_key_id = strdup(in->access_key_id))) ||
	    (in->secret_access_key && !(out->secret_access_key = strdup(in->secret_access_key))) ||
	    (in->session_token && !(out->session_token = strdup(in->session_token)))) {
		ld_credentials_dispose(out);
		return ld_error_oom();
	}
	return 0;
}

static int sts_endpoint(ld_buf *out, const ld_aws_session *s)
{
	if (s->cfg.sts_endpoint_url)
		return ld_buf_puts(out, s->cfg.sts_endpoint_url);
	return ld_aws_default_endpoint(out, "sts", s->cfg.region);
}

static time_t wall_now(const ld_aws_session *s)
{
	return s->now ? s->now() : time(NULL);
}

/* Replace s->base by a fresh fetch from the configured provider. */
static int fetch_base(ld_aws_session *s, time_t now)
{
	ld_buf endpoint = LD_BUF_INIT_CAP(4096);
	ld_provider_ctx ctx;
	ld_credentials next;
	int error;

	memset(&ctx, 0, sizeof(ctx));
	if (s->cfg.provider.kind == LD_PROVIDER_WEB_IDENTITY &&
	    (error = sts_endpoint(&endpoint, s)) < 0)
		goto done;
	ctx.transport = s->transport;
	ctx.region = s->cfg.region;
	ctx.sts_endpoint = endpoint.size ? endpoint.ptr : NULL;
	ctx.calls = &s->sts_calls;
	ctx.retry = &s->retry;
	ctx.deadline_ms = s->deadline_ms;
	ctx.now = now;
	if ((error = ld_provider_fetch(&next, &s->cfg.provider, &ctx)) < 0)
		goto done;
	ld_credentials_dispose(&s->base);
	s->base = next;
done:
	ld_buf_dispose(&endpoint);
	return error;
}

/* Fill `out` with the credentials at the end of the role chain, starting from s->base. */
static int run_chain(ld_aws_session *s, ld_credentials *out)
{
	ld_buf endpoint = LD_BUF_INIT_CAP(4096);
	ld_aws_client sts;
	ld_credentials cur, next;
	int error;

	memset(&sts, 0, sizeof(sts));
	if ((error = copy_creds(&cur, &s->base)) < 0 || !s->cfg.nroles ||
	    (error = sts_endpoint(&endpoint, s)) < 0)
		goto done;
	for (size_t i = 0; i < s->cfg.nroles; i++) {
		if ((error = ld_aws_client_init(&sts, s->transport, &cur, s->cfg.region, "sts",
						endpoint.ptr, &s->sts_calls, &s->retry,
						s->deadline_ms)) < 0 ||
		    (error = ld_sts_assume_role(&next, &sts, &s->cfg.roles[i])) < 0)
			goto done;
		ld_aws_client_dispose(&sts);
		ld_credentials_dispose(&cur);
		cur = next;
	}
done:
	ld_aws_client_dispose(&sts);
	ld_buf_dispose(&endpoint);
	if (error < 0)
		ld_credentials_dispose(&cur);
	else
		*out = cur;
	return error;
}

static bool fetched(const ld_aws_session *s)
{
	return s->cfg.provider.kind != LD_PROVIDER_STATIC;
}

/* Whether the credentials can be had again: from a provider, a role chain or a parent. */
static bool refreshable(const ld_aws_session *s)
{
	return fetched(s) || s->cfg.nroles || s->parent;
}

static bool expiring(const ld_credentials *c, time_t now, long window)
{
	return c->expiration && now >= c->expiration - window;
}

static int copy_current(ld_aws_session *s, ld_credentials *out);

/* The role chain; a role session without a transport of its own opens one for the call and
 * closes it after, so a run over a thousand accounts does not hold a thousand idle STS
 * connections (its role is assumed once an hour). */
static int run_chain_on_own_transport(ld_aws_session *s, ld_credentials *out)
{
	int error;

	if (s->transport)
		return run_chain(s, out);
	if ((error = ld_transport_curl_new(&s->transport, s->cfg.ca_bundle)) < 0)
		return error;
	error = run_chain(s, out);
	ld_transport_free(s->transport);
	s->transport = NULL;
	return error;
}

/* Fetch the base when it comes from a provider (or the parent) and is due, then run the
 * chain again. Called with the lock held. */
static int refresh(ld_aws_session *s, time_t now)
{
	ld_credentials fresh;
	int error;

	if (s->parent) {
		/* the parent refreshes its own credentials as they expire */
		if ((error = copy_current(s->parent, &fresh)) < 0)
			return error;
		ld_credentials_dispose(&s->base);
		s->base = fresh;
	} else if (fetched(s) && (!s->base.access_key_id ||
				  expiring(&s->base, now, LD_CREDS_ADVISORY_REFRESH)) &&
		   (error = fetch_base(s, now)) < 0) {
		return error;
	}
	error = run_chain_on_own_transport(s, &fresh);
	if (error < 0)
		return error;
	ld_credentials_dispose(&s->creds);
	s->creds = fresh;
	s->creds_gen++;
	return 0;
}

/* The first credentials of a lazy session (a role session fetches them at its first use);
 * a failure is kept, so its other users get the same error without asking STS again
 * before LD_CREDS_MIN_REFRESH_INTERVAL. */
static int first_credentials(ld_aws_session *s, time_t now)
{
	int error;

	if (s->failed && now - s->refresh_tried_at < LD_CREDS_MIN_REFRESH_INTERVAL)
		return ld_error_setc(s->failed, s->failed_klass, "%s", s->failed_message);
	s->refresh_tried_at = now;
	if ((error = refresh(s, now)) == 0) {
		s->failed = 0;
		return 0;
	}
	s->failed = error;
	s->failed_klass = ld_error_last()->klass;
	snprintf(s->failed_message, sizeof(s->failed_message), "%s", ld_error_last()->message);
	return error;
}

/* Make s->creds current, refreshing when due. Called with the lock held. */
static int current_locked(ld_aws_session *s)
{
	char why[sizeof(((ld_error *)0)->message)];
	time_t now = wall_now(s);
	int error;

	if (!s->creds.access_key_id && refreshable(s))
		return first_credentials(s, now);
	if (!refreshable(s) || !expiring(&s->creds, now, LD_CREDS_ADVISORY_REFRESH))
		return 0;
	/* a source handing out short-lived (or, to our clock, expired) keys is not asked on
	 * every request; AWS rejects what is really expired */
	if (now - s->refresh_tried_at < LD_CREDS_MIN_REFRESH_INTERVAL)
		return 0;
	s->refresh_tried_at = now;
	if ((error = refresh(s, now)) == 0)
		return 0;
	if (!expiring(&s->creds, now, LD_CREDS_MANDATORY_REFRESH)) {
		ld_error_clear(); /* still valid for a while: try again later */
		return 0;
	}
	snprintf(why, sizeof(why), "%s", ld_error_last()->message);
	return ld_error_setc(error, LD_ERR_CREDS,
			     "cannot refresh the credentials from %s before they expire: %s",
			     s->source, why);
}

/* A copy of the current credentials, refreshed first when due (thread-safe). */
static int copy_current(ld_aws_session *s, ld_credentials *out)
{
	int error;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&s->lock);
	if ((error = current_locked(s)) == 0)
		error = copy_creds(out, &s->creds);
	pthread_mutex_unlock(&s->lock);
	return error;
}

int ld_aws_session__credentials(ld_aws_session *s, const ld_credentials **out)
{
	int error;

	pthread_mutex_lock(&s->lock);
	error = current_locked(s);
	pthread_mutex_unlock(&s->lock);
	*out = &s->creds;
	return error;
}

static int session_sync(void *ctx, ld_credentials *held, uint64_t *gen)
{
	ld_aws_session *s = ctx;
	ld_credentials fresh;
	int error;

	pthread_mutex_lock(&s->lock);
	if ((error = current_locked(s)) == 0 && *gen != s->creds_gen &&
	    (error = copy_creds(&fresh, &s->creds)) == 0) {
		ld_credentials_dispose(held);
		*held = fresh;
		*gen = s->creds_gen;
	}
	pthread_mutex_unlock(&s->lock);
	return error;
}

static int describe_source(ld_aws_session *s)
{
	ld_buf b = LD_BUF_INIT_CAP(4096);
	ld_buf_puts(&b, s->cfg.source ? s->cfg.source : "unknown source");
	/* profile.c usually names the role already; say it when it does not */
	if (s->cfg.nroles && !strstr(b.ptr, s->cfg.roles[s->cfg.nroles - 1].role_arn))
		ld_buf_printf(&b, ", assume-role %s", s->cfg.roles[s->cfg.nroles - 1].role_arn);
	if (!(s->source = ld_buf_detach(&b)))
		return ld_error_oom();
	return 0;
}

static int setup(ld_aws_session *s, const ld_aws_opts *opts, const ld_retry_policy *retry)
{
	static const ld_retry_policy defaults = LD_RETRY_POLICY_INIT;
	int error;

	s->retry = retry ? *retry : defaults;
	if (opts->max_attempts > 0)
		s->retry.max_attempts = opts->max_attempts;
	else if (!s->retry.max_attempts && s->cfg.max_attempts > 0)
		s->retry.max_attempts = s->cfg.max_attempts;
	if (opts->timeout_seconds > 0)
		s->deadline_ms = (s->retry.now_ms ? s->retry.now_ms(s->retry.ctx) : ld_aws_now_ms()) +
				 (int64_t)opts->timeout_seconds * 1000;
	if (opts->region && opts->region[0] &&
	    (!s->cfg.region || strcmp(s->cfg.region, opts->region))) {
		free(s->cfg.region);
		if (!(s->cfg.region = strdup(opts->region)))
			return ld_error_oom();
	}
	if (!s->cfg.region || !s->cfg.region[0])
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "no region: pass --region or set AWS_REGION");
	if (s->cfg.endpoint_url && !(s->endpoint = strdup(s->cfg.endpoint_url)))
		return ld_error_oom();
	if ((error = ld_random_bytes(s->digest_key, sizeof(s->digest_key))) < 0 ||
	    (error = describe_source(s)) < 0 ||
	    (!fetched(s) && (error = copy_creds(&s->base, &s->cfg.base)) < 0))
		return error;
	s->refresh_tried_at = wall_now(s);
	return refresh(s, s->refresh_tried_at);
}

/* A zeroed session with its lock, or NULL without memory. */
static ld_aws_session *session_alloc(void)
{
	ld_aws_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (pthread_mutex_init(&s->lock, NULL) != 0) {
		free(s);
		return NULL;
	}
	s->lock_ready = true;
	return s;
}

int ld_aws_session__new_with(ld_aws_session **out, const ld_aws_opts *opts, ld_aws_config *cfg,
			     ld_transport *transport, const ld_retry_policy *retry)
{
	static const ld_aws_opts no_opts = LD_AWS_OPTS_INIT;
	ld_aws_session *s = NULL;
	int error;

	*out = NULL;
	if (!opts)
		opts = &no_opts;
	if (!(s = session_alloc())) {
		ld_transport_free(transport);
		if (cfg)
			ld_aws_config_dispose(cfg);
		return ld_error_oom();
	}
	s->transport = transport;
	if (cfg) {
		s->cfg = *cfg;
		memset(cfg, 0, sizeof(*cfg));
	} else if ((error = ld_aws_config_resolve(&s->cfg, opts)) < 0) {
		goto done;
	}
	if ((error = setup(s, opts, retry)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	ld_aws_session_free(s);
	return error;
}

int ld_aws_session_new(ld_aws_session **out, const ld_aws_opts *opts)
{
	static const ld_aws_opts no_opts = LD_AWS_OPTS_INIT;
	ld_aws_config cfg;
	ld_transport *t = NULL;
	int error;

	*out = NULL;
	memset(&cfg, 0, sizeof(cfg));
	if (!opts)
		opts = &no_opts;
	/* resolve first: the CA bundle it names is the transport's trust store */
	if ((error = ld_aws_config_resolve(&cfg, opts)) < 0)
		goto done;
	if ((error = ld_transport_curl_new(&t, cfg.ca_bundle)) < 0)
		goto done;
	return ld_aws_session__new_with(out, opts, &cfg, t, NULL);
done:
	ld_aws_config_dispose(&cfg);
	return error;
}

void ld_aws_session_free(ld_aws_session *s)
{
	if (!s)
		return;
	ld_transport_free(s->transport);
	ld_aws_config_dispose(&s->cfg);
	ld_credentials_dispose(&s->base);
	ld_credentials_dispose(&s->creds);
	free(s->endpoint);
	free(s->source);
	memset(s->digest_key, 0, sizeof(s->digest_key));
	if (s->lock_ready)
		pthread_mutex_destroy(&s->lock);
	free(s);
}

const char *ld_aws_session_region(const ld_aws_session *s)
{
	return s ? s->cfg.region : NULL;
}

const char *ld_aws_session_source(const ld_aws_session *s)
{
	return s ? s->source : NULL;
}

int ld_aws_session__client_on(ld_aws_client *out, ld_aws_session *s, const char *region,
			      ld_api_calls *calls, ld_transport *transport)
{
	ld_buf endpoint = LD_BUF_INIT_CAP(4096);
	ld_credentials none;
	int error;

	memset(&none, 0, sizeof(none));
	if (!region)
		region = s->cfg.region;
	/* an override (moto, a VPC endpoint) serves whatever region we sign for */
	if (s->endpoint)
		error = ld_buf_puts(&endpoint, s->endpoint);
	else
		error = ld_aws_default_endpoint(&endpoint, "lambda", region);
	/* no credentials are copied here: the first attempt syncs them under the lock */
	if (error == 0)
		error = ld_aws_client_init(out, transport, &none, region, "lambda", endpoint.ptr,
					   calls, &s->retry, s->deadline_ms);
	if (error == 0)
		ld_aws_client_sync_credentials(out, session_sync, s);
	ld_buf_dispose(&endpoint);
	return error;
}

/* A worker thread's transport, which stands in for every session's own in that thread. */
static __thread ld_transport *thread_transport;

void ld_aws_session__use_thread_transport(ld_transport *t)
{
	thread_transport = t;
}

int ld_aws_session__transport_new(ld_transport **out, const ld_aws_session *s)
{
	return ld_transport_curl_new(out, s->cfg.ca_bundle);
}

int ld_aws_session__own_transport(ld_transport **out, ld_aws_session *s)
{
	int error = 0;

	if (thread_transport) {
		*out = thread_transport;
		return 0;
	}
	pthread_mutex_lock(&s->lock);
	if (!s->transport)
		error = ld_transport_curl_new(&s->transport, s->cfg.ca_bundle);
	*out = s->transport;
	pthread_mutex_unlock(&s->lock);
	return error;
}

/* A worker thread's token buckets, which pace its Lambda clients (else each its own). */
static __thread ld_limiter_for_fn thread_limiter;
static __thread void *thread_limiter_ctx;

void ld_aws_session__use_thread_limiters(ld_limiter_for_fn fn, void *ctx)
{
	thread_limiter = fn;
	thread_limiter_ctx = ctx;
}

int ld_aws_session__client(ld_aws_client *out, ld_aws_session *s, const char *region,
			   ld_api_calls *calls)
{
	ld_transport *t;
	int error = ld_aws_session__own_transport(&t, s);

	if (error == 0)
		error = ld_aws_session__client_on(out, s, region, calls, t);
	if (error == 0 && thread_limiter)
		out->limiter = thread_limiter(thread_limiter_ctx, s, out->region);
	return error;
}

/* A client of `service` signed for `region`, at `url` when set, else `dflt` (the default
 * endpoint, NULL: https://SERVICE.REGION.amazonaws.com), on the session's own transport. */
static int service_client(ld_aws_client *out, ld_aws_session *s, const char *service,
			  const char *region, const char *url, const char *dflt,
			  ld_api_calls *calls)
{
	ld_buf endpoint = LD_BUF_INIT_CAP(4096);
	ld_credentials none;
	ld_transport *t;
	int error;

	memset(&none, 0, sizeof(none));
	if ((error = ld_aws_session__own_transport(&t, s)) < 0)
		return error;
	if (url || dflt)
		error = ld_buf_puts(&endpoint, url ? url : dflt);
	else
		error = ld_aws_default_endpoint(&endpoint, service, region);
	if (error == 0)
		error = ld_aws_client_init(out, t, &none, region, service, endpoint.ptr, calls,
					   &s->retry, s->deadline_ms);
	if (error == 0)
		ld_aws_client_sync_credentials(out, session_sync, s);
	ld_buf_dispose(&endpoint);
	return error;
}

int ld_aws_session__kms_client(ld_aws_client *out, ld_aws_session *s, const char *region,
			       ld_api_calls *calls)
{
	return service_client(out, s, "kms", region ? region : s->cfg.region,
			      s->cfg.kms_endpoint_url, NULL, calls);
}

int ld_aws_session__iam_client(ld_aws_client *out, ld_aws_session *s, ld_api_calls *calls)
{
	/* IAM is global: one endpoint per partition, signed for its home region
	 * (botocore's partition endpoints: aws-global, aws-cn-global, aws-us-gov-global) */
	const char *partition = s->cfg.region ? ld_aws_partition_of(s->cfg.region) : NULL;
	const char *region = "us-east-1", *dflt = "https://iam.amazonaws.com";

	if (partition && !strcmp(partition, "aws-cn")) {
		region = "cn-north-1";
		dflt = "https://iam.cn-north-1.amazonaws.com.cn";
	} else if (partition && !strcmp(partition, "aws-us-gov")) {
		region = "us-gov-west-1";
		dflt = "https://iam.us-gov.amazonaws.com";
	}
	return service_client(out, s, "iam", region, s->cfg.iam_endpoint_url, dflt, calls);
}

int ld_aws_session__logs_client(ld_aws_client *out, ld_aws_session *s, const char *region,
				ld_api_calls *calls)
{
	int error = service_client(out, s, "logs", region ? region : s->cfg.region,
				   s->cfg.logs_endpoint_url, NULL, calls);
	/* DescribeLogGroups: 5 requests/s per account and region, not raisable (--rate logs=
	 * sets the session's own) */
	if (error == 0 && out->retry.rate[LD_QUOTA_LOGS] <= 0)
		out->retry.rate[LD_QUOTA_LOGS] = 4.5;
	return error;
}

int ld_aws_session__org_client(ld_aws_client *out, ld_aws_session *s, const char *region,
			       ld_api_calls *calls)
{
	return service_client(out, s, "organizations", region, s->cfg.org_endpoint_url, NULL,
			      calls);
}

void ld_aws_session__report_sts(ld_aws_session *s, ld_api_calls *calls)
{
	for (; s; s = s->parent) {
		if (s->sts_reported)
			continue;
		calls->sts += s->sts_calls.sts;
		calls->throttled += s->sts_calls.throttled;
		calls->retries += s->sts_calls.retries;
		calls->errors += s->sts_calls.errors;
		s->sts_reported = true;
	}
}

/* --- per-account role sessions ------------------------------------------------------ */

/* The child's configuration: where to reach STS and Lambda as the parent does, and one
 * role step. */
static int role_config(ld_aws_config *cfg, const ld_aws_session *parent, const ld_role_opts *ro)
{
	ld_role_step *step;
	int error;

	if (!(step = calloc(1, sizeof(*step))))
		return ld_error_oom();
	cfg->roles = step;
	cfg->nroles = 1;
	if ((error = ld_dup_or_null(&cfg->region, parent->cfg.region)) < 0 ||
	    (error = ld_dup_or_null(&cfg->endpoint_url, parent->cfg.endpoint_url)) < 0 ||
	    (error = ld_dup_or_null(&cfg->sts_endpoint_url, parent->cfg.sts_endpoint_url)) < 0 ||
	    (error = ld_dup_or_null(&cfg->kms_endpoint_url, parent->cfg.kms_endpoint_url)) < 0 ||
	    (error = ld_dup_or_null(&cfg->iam_endpoint_url, parent->cfg.iam_endpoint_url)) < 0 ||
	    (error = ld_dup_or_null(&cfg->logs_endpoint_url, parent->cfg.logs_endpoint_url)) < 0 ||
	    (error = ld_dup_or_null(&cfg->org_endpoint_url, parent->cfg.org_endpoint_url)) < 0 ||
	    (error = ld_dup_or_null(&cfg->ca_bundle, parent->cfg.ca_bundle)) < 0 ||
	    (error = ld_dup_or_null(&cfg->profile, parent->cfg.profile)) < 0 ||
	    (error = ld_dup_or_null(&step->role_arn, ro->role_arn)) < 0 ||
	    (error = ld_dup_or_null(&step->external_id, ro->external_id)) < 0 ||
	    (error = ld_dup_or_null(&step->session_name,
			     ro->session_name ? ro->session_name : "lambdrift")) < 0)
		return error;
	step->duration_seconds = ro->duration_seconds;
	return 0;
}

static int role_source(ld_aws_session *s, const ld_aws_session *parent, const char *role_arn)
{
	ld_buf b = LD_BUF_INIT_CAP(4096);

	ld_buf_printf(&b, "assume-role %s (from %s)", role_arn,
		      parent->source ? parent->source : "unknown source");
	if (!(s->source = ld_buf_detach(&b)))
		return ld_error_oom();
	return 0;
}

int ld_aws_session__for_role_with(ld_aws_session **out, ld_aws_session *parent,
				  const ld_role_opts *ro, ld_transport *transport)
{
	ld_aws_session *s = NULL;
	int error;

	*out = NULL;
	if (!ro || !ro->role_arn || strncmp(ro->role_arn, "arn:", 4) != 0) {
		ld_transport_free(transport);
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "'%s' is not a role arn (arn:aws:iam::ACCOUNT:role/NAME)",
				     ro && ro->role_arn ? ro->role_arn : "");
	}
	if (!(s = session_alloc())) {
		ld_transport_free(transport);
		return ld_error_oom();
	}
	s->transport = transport;
	s->parent = parent;
	s->retry = parent->retry;
	s->deadline_ms = parent->deadline_ms;
	s->now = parent->now;
	memcpy(s->digest_key, parent->digest_key, sizeof(s->digest_key));
	if ((error = role_config(&s->cfg, parent, ro)) < 0 ||
	    (error = ld_dup_or_null(&s->endpoint, parent->endpoint)) < 0 ||
	    (error = role_source(s, parent, ro->role_arn)) < 0)
		goto done;
	/* no STS call yet: the role is assumed at the first request, so an account that
	 * refuses fails its own targets only */
	*out = s;
	s = NULL;
done:
	ld_aws_session_free(s);
	return error;
}

int ld_aws_session_for_role(ld_aws_session **out, ld_aws_session *parent, const ld_role_opts *ro)
{
	/* no transport: one is opened for each AssumeRole (run_chain_on_own_transport) */
	return ld_aws_session__for_role_with(out, parent, ro, NULL);
}
