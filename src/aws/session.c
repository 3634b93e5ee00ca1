/*
 * The AWS session (include/lambdrift/aws.h): resolve the configuration, require a region,
 * open the transport, assume each role of the chain in order (each step signed with the
 * credentials of the one before), and keep the final credentials for Lambda clients. The
 * session also fixes the run's deadline and a random environment-digest key, so every
 * region collected with it into one inventory shares one key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/http.h"
#include "aws/session.h"
#include "aws/sts.h"
#include "lambdrift/errors.h"
#include "util/hash.h"

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

/* Replace s->creds by those of each role in turn. */
static int assume_chain(ld_aws_session *s)
{
	ld_buf endpoint = LD_BUF_INIT_CAP(4096);
	ld_aws_client sts;
	ld_credentials next;
	int error = 0;

	memset(&sts, 0, sizeof(sts));
	if (!s->cfg.nroles)
		goto done;
	if ((error = sts_endpoint(&endpoint, s)) < 0)
		goto done;
	for (size_t i = 0; i < s->cfg.nroles; i++) {
		if ((error = ld_aws_client_init(&sts, s->transport, &s->creds, s->cfg.region, "sts",
						endpoint.ptr, &s->sts_calls, &s->retry,
						s->deadline_ms)) < 0 ||
		    (error = ld_sts_assume_role(&next, &sts, &s->cfg.roles[i])) < 0)
			goto done;
		ld_aws_client_dispose(&sts);
		ld_credentials_dispose(&s->creds);
		s->creds = next;
	}
done:
	ld_aws_client_dispose(&sts);
	ld_buf_dispose(&endpoint);
	return error;
}

static int describe_source(ld_aws_session *s)
{
	ld_buf b = LD_BUF_INIT_CAP(4096);
	ld_buf_puts(&b, s->cfg.source ? s->cfg.source : "unknown source");
	/* config.c usually names the role already; say it when it does not */
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
	    (error = copy_creds(&s->creds, &s->cfg.base)) < 0 ||
	    (error = describe_source(s)) < 0)
		return error;
	return assume_chain(s);
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
	if (!(s = calloc(1, sizeof(*s)))) {
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
	ld_credentials_dispose(&s->creds);
	free(s->endpoint);
	free(s->source);
	memset(s->digest_key, 0, sizeof(s->digest_key));
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

int ld_aws_session__client(ld_aws_client *out, ld_aws_session *s, const char *region,
			   ld_api_calls *calls)
{
	ld_buf endpoint = LD_BUF_INIT_CAP(4096);
	int error;

	if (!region)
		region = s->cfg.region;
	/* an override (moto, a VPC endpoint) serves whatever region we sign for */
	if (s->endpoint)
		error = ld_buf_puts(&endpoint, s->endpoint);
	else
		error = ld_aws_default_endpoint(&endpoint, "lambda", region);
	if (error == 0)
		error = ld_aws_client_init(out, s->transport, &s->creds, region, "lambda",
					   endpoint.ptr, calls, &s->retry, s->deadline_ms);
	ld_buf_dispose(&endpoint);
	return error;
}
