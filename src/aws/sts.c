/*
 * STS AssumeRole (query protocol: a signed form POST, an XML answer) and
 * AssumeRoleWithWebIdentity (the same form, unsigned: the token is the proof), read with
 * the bounded XML reader of xml.h. Credentials parsed here are wiped when released.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/sigv4.h"
#include "aws/sts.h"
#include "aws/xml.h"
#include "lambdrift/errors.h"
#include "util/date.h"

/* --- time ------------------------------------------------------------------------- */

int ld_parse_iso8601(time_t *out, const char *s)
{
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	const char *p;
	long offset = 0;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    n != 19)
		goto invalid;
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5)
			p += 6;
		else if (sscanf(p + 1, "%2d%2d%n", &oh, &om, &n) == 2 && n == 4)
			p += 5;
		else
			goto invalid;
		offset = sign * (oh * 3600L + om * 60L);
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		goto invalid;
	*out = (time_t)(ld_days_from_civil(y, mo, d) * 86400L + h * 3600L + mi * 60L + sec - offset);
	return 0;
invalid:
	return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "malformed timestamp (want ISO 8601 UTC)");
}

/* --- AssumeRole ------------------------------------------------------------------- */

static int take_field(char **out, const char *creds, size_t clen, const char *tag)
{
	const char *v;
	size_t vlen;

	if (!ld_xml_find(creds, clen, tag, &v, &vlen) || !vlen)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "malformed AssumeRole response: no %s in Credentials", tag);
	if (!(*out = malloc(vlen + 1)))
		return ld_error_oom();
	if (ld_xml_text(*out, vlen + 1, v, vlen) < 0 || !(*out)[0])
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "malformed AssumeRole response: bad %s text", tag);
	return 0;
}

int ld_sts_parse_assume_role(ld_credentials *out, const char *xml, size_t len)
{
	const char *creds, *v;
	size_t clen, vlen;
	char when[64];
	int error;

	memset(out, 0, sizeof(*out));
	if (!ld_xml_find(xml, len, "Credentials", &creds, &clen)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				      "malformed AssumeRole response: no complete Credentials "
				      "element (truncated?)");
		goto done;
	}
	if ((error = take_field(&out->access_key_id, creds, clen, "AccessKeyId")) < 0 ||
	    (error = take_field(&out->secret_access_key, creds, clen, "SecretAccessKey")) < 0 ||
	    (error = take_field(&out->session_token, creds, clen, "SessionToken")) < 0)
		goto done;
	if (ld_xml_find(creds, clen, "Expiration", &v, &vlen)) {
		if (ld_xml_text(when, sizeof(when), v, vlen) < 0 ||
		    ld_parse_iso8601(&out->expiration, when) < 0) {
			error = ld_error_setc(LD_EINVALID, LD_ERR_AWS,
					      "malformed AssumeRole response: bad Expiration");
			goto done;
		}
	}
	error = 0;
done:
	if (error < 0)
		ld_credentials_dispose(out);
	return error;
}

static int form_param(ld_buf *body, const char *key, const char *value)
{
	ld_buf_printf(body, "&%s=", key);
	return ld_sigv4_uri_encode(body, value, false);
}

static int assume_body(ld_buf *body, const ld_role_step *step)
{
	char session[64];

	if (step->session_name && step->session_name[0])
		snprintf(session, sizeof(session), "%s", step->session_name);
	else
		snprintf(session, sizeof(session), "lambdrift-%lld", (long long)time(NULL));
	ld_buf_puts(body, "Action=AssumeRole&Version=2011-06-15");
	form_param(body, "RoleArn", step->role_arn);
	form_param(body, "RoleSessionName", session);
	if (step->external_id)
		form_param(body, "ExternalId", step->external_id);
	if (step->duration_seconds > 0)
		ld_buf_printf(body, "&DurationSeconds=%ld", step->duration_seconds);
	return body->error ? body->error : 0;
}

int ld_sts_assume_role(ld_credentials *out, ld_aws_client *sts, const ld_role_step *step)
{
	ld_buf body = LD_BUF_INIT_CAP(16 * 1024);
	ld_http_response resp;
	char why[sizeof(((ld_error *)0)->message)];
	int error;

	memset(out, 0, sizeof(*out));
	ld_http_response_init(&resp);
	if ((error = assume_body(&body, step)) < 0)
		goto done;
	error = ld_aws_call(sts, &resp, "AssumeRole", "POST", "/", NULL, body.ptr, LD_QUOTA_STS);
	if (error == 0)
		error = ld_sts_parse_assume_role(out, resp.body.ptr, resp.body.size);
	if (error < 0) {
		snprintf(why, sizeof(why), "%s", ld_error_last()->message);
		error = ld_error_setc(error, LD_ERR_CREDS, "cannot assume role %s%s%s%s: %s",
				      step->role_arn, step->profile ? " (profile " : "",
				      step->profile ? step->profile : "", step->profile ? ")" : "",
				      why);
	}
done:
	/* the body names an external id, which is not for logs either */
	ld_buf_dispose_secret(&body);
	ld_http_response_dispose(&resp);
	return error;
}

/* --- AssumeRoleWithWebIdentity ---------------------------------------------------- */

#define WEBID_ATTEMPTS 3

static int webid_body(ld_buf *body, const ld_web_identity *req)
{
	ld_buf_puts(body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15");
	form_param(body, "RoleArn", req->role_arn);
	form_param(body, "RoleSessionName", req->session_name);
	form_param(body, "WebIdentityToken", req->token);
	if (body->error)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CREDS,
				     "the web identity token in '%s' is too large for a request",
				     req->token_file);
	return 0;
}

static bool webid_retryable(long status, const char *code)
{
	return status == 429 || status >= 500 || !strcmp(code, "IDPCommunicationError") ||
	       !strcmp(code, "Throttling") || !strcmp(code, "RequestLimitExceeded");
}

/* One line, printable; withheld entirely should it quote the token. */
static void webid_clean(char *msg, const char *token)
{
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (token && token[0] && strstr(msg, token))
		snprintf(msg, 64, "(message withheld: it quotes the token)");
	if (!msg[0])
		snprintf(msg, 64, "no message");
}

/* The final error for an STS error response. */
static int webid_refused(const ld_web_identity *req, long status, const char *code,
			 const char *msg)
{
	if (!strcmp(code, "InvalidIdentityToken") || !strcmp(code, "IDPRejectedClaim"))
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "sts rejected the web identity token in '%s' for role %s (%s: "
				     "%s); check the role's trust policy (issuer, audience, subject) "
				     "and the identity provider", req->token_file, req->role_arn,
				     code, msg);
	if (!strcmp(code, "ExpiredTokenException") || !strcmp(code, "ExpiredToken"))
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "the web identity token in '%s' has expired; its issuer (eks, "
				     "github actions, ...) must renew the file", req->token_file);
	if (!strcmp(code, "AccessDenied") || (!code[0] && status == 403))
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "not allowed to assume role %s with the web identity token in "
				     "'%s': %s; check the role's trust policy", req->role_arn,
				     req->token_file, msg);
	return ld_error_setc(status >= 400 && status < 500 ? LD_EAUTH : LD_ERROR, LD_ERR_CREDS,
			     "cannot assume role %s with web identity (token file '%s'): http %ld "
			     "%s: %s", req->role_arn, req->token_file, status,
			     code[0] ? code : "(no error code)", msg);
}

static int webid_exhausted(const ld_web_identity *req, long status, const char *code,
			   int attempts, const char *why)
{
	char prior[sizeof(((ld_error *)0)->message)];

	if (status == 429 || !strcmp(code, "Throttling") || !strcmp(code, "RequestLimitExceeded"))
		return ld_error_setc(LD_ETHROTTLED, LD_ERR_CREDS,
				     "AssumeRoleWithWebIdentity for role %s throttled after %d "
				     "attempts (%s); retry later", req->role_arn, attempts, why);
	if (status > 0)
		return ld_error_setc(LD_ENET, LD_ERR_CREDS,
				     "AssumeRoleWithWebIdentity for role %s failed with http %ld %s "
				     "after %d attempts (%s); retry later", req->role_arn, status,
				     code[0] ? code : "server error", attempts, why);
	snprintf(prior, sizeof(prior), "%s", ld_error_last()->message);
	return ld_error_setc(LD_ENET, LD_ERR_CREDS,
			     "AssumeRoleWithWebIdentity for role %s: %s (after %d attempts, %s)",
			     req->role_arn, prior, attempts, why);
}

/* The timeout of the next attempt, or LD_ELIMIT when the run's deadline has passed. */
static int webid_timeout(const ld_aws_client *sts, long *timeout)
{
	int64_t left;

	*timeout = sts->retry.request_timeout_ms > 0 ? sts->retry.request_timeout_ms : 30000;
	if (!sts->deadline_ms)
		return 0;
	left = sts->deadline_ms - ld_aws_client__now_ms(sts);
	if (left <= 0)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CREDS,
				     "AssumeRoleWithWebIdentity not sent: the run's deadline "
				     "(--timeout) has passed");
	if (left < *timeout)
		*timeout = (long)left;
	return 0;
}

/* Send until a 200, a final refusal or the last attempt. @return 0 with resp a 200 */
static int webid_send(ld_aws_client *sts, const ld_web_identity *req, const char *url,
		      const ld_buf *body, ld_http_response *resp)
{
	const ld_header hdrs[] = {
		{ "Host", sts->host },
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
		{ "User-Agent", "lambdrift/" LD_VERSION },
	};
	int max = sts->retry.max_attempts > 0 ? sts->retry.max_attempts : WEBID_ATTEMPTS;
	long base = sts->retry.transient_base_ms > 0 ? sts->retry.transient_base_ms : 200;
	char code[128], msg[320];
	ld_http_request hreq;
	long timeout;
	int error;

	for (int attempt = 1;; attempt++) {
		if ((error = webid_timeout(sts, &timeout)) < 0)
			return error;
		memset(&hreq, 0, sizeof(hreq));
		hreq.method = "POST";
		hreq.url = url;
		hreq.headers = hdrs;
		hreq.nheaders = sizeof(hdrs) / sizeof(hdrs[0]);
		hreq.body = body->ptr;
		hreq.body_len = body->size;
		hreq.timeout_ms = timeout;
		hreq.max_response_bytes = LD_STS_MAX_RESPONSE;
		if (sts->calls)
			sts->calls->sts++;
		code[0] = msg[0] = '\0';
		error = ld_transport_send(sts->transport, &hreq, resp);
		if (error == 0 && resp->status == 200)
			return 0;
		if (error < 0 && !(error == LD_ENET && resp->transient))
			return error;
		if (error == 0) {
			ld_xml_parse_error(code, sizeof(code), msg, sizeof(msg), resp->body.ptr,
					   resp->body.size);
			webid_clean(msg, req->token);
			if (!webid_retryable(resp->status, code))
				return webid_refused(req, resp->status, code, msg);
		}
		if (attempt >= max)
			return webid_exhausted(req, error < 0 ? 0 : resp->status, code, attempt,
					       "gave up");
		if (sts->deadline_ms && ld_aws_client__now_ms(sts) + base >= sts->deadline_ms)
			return webid_exhausted(req, error < 0 ? 0 : resp->status, code, attempt,
					       "the run's deadline left no time to retry");
		if (sts->calls)
			sts->calls->retries++;
		ld_aws_client__sleep_ms(sts, base);
		base *= 2;
	}
}

int ld_sts_assume_role_with_web_identity(ld_credentials *out, ld_aws_client *sts,
					 const ld_web_identity *req)
{
	ld_buf body = LD_BUF_INIT_CAP(64 * 1024), url = LD_BUF_INIT_CAP(4096);
	ld_http_response resp;
	char why[sizeof(((ld_error *)0)->message)];
	int error;

	memset(out, 0, sizeof(*out));
	ld_http_response_init(&resp);
	if ((error = webid_body(&body, req)) < 0)
		goto done;
	ld_buf_printf(&url, "%s/", sts->endpoint);
	if (url.error) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_CREDS, "sts endpoint url is too long");
		goto done;
	}
	if ((error = webid_send(sts, req, url.ptr, &body, &resp)) < 0) {
		if (sts->calls)
			sts->calls->errors++;
		goto done;
	}
	if ((error = ld_sts_parse_assume_role(out, resp.body.ptr, resp.body.size)) < 0) {
		snprintf(why, sizeof(why), "%s", ld_error_last()->message);
		error = ld_error_setc(error, LD_ERR_CREDS,
				      "cannot assume role %s with web identity: %s", req->role_arn,
				      why);
	}
done:
	ld_buf_dispose_secret(&body);
	ld_buf_dispose(&url);
	ld_http_response_dispose(&resp);
	return error;
}
