/*
 * The AWS API client behind client.h: URL and Host from the endpoint, SigV4 per attempt,
 * pacing under the quota classes (its own, or an account-region's shared ratelimit.h
 * buckets, which also hear of every throttled answer), the retry loop (full-jitter exponential backoff,
 * Retry-After as a floor, the run's deadline as the hard stop), call counters, and the
 * translation of AWS error responses (JSON for Lambda, XML for STS) into one-line errors
 * that say what to do. Request bodies are never echoed into messages.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/ratelimit.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/str.h"

#define DEFAULT_ATTEMPTS 5
#define MAX_URL ((size_t)16 * 1024)
#define PACE_BURST 2 /* requests allowed back to back before pacing kicks in */

/* What an attempt's outcome asks for. */
typedef enum { OUT_DONE, OUT_FAIL, OUT_RETRY_THROTTLE, OUT_RETRY_TRANSIENT } outcome;

/* --- time, sleep, randomness (each replaceable by the policy's seams) -------------- */

int64_t ld_aws_client__now_ms(const ld_aws_client *c)
{
	return c->retry.now_ms ? c->retry.now_ms(c->retry.ctx) : ld_aws_now_ms();
}

void ld_aws_client__sleep_ms(const ld_aws_client *c, long ms)
{
	if (ms <= 0)
		return;
	if (c->retry.sleep_ms) {
		c->retry.sleep_ms(c->retry.ctx, ms);
		return;
	}
	ld_aws_sleep_ms(ms);
}

static double random01(const ld_aws_client *c)
{
	uint32_t r;
	if (c->retry.random01)
		return c->retry.random01(c->retry.ctx);
	if (ld_random_bytes(&r, sizeof(r)) < 0)
		return 0.5;
	return (double)r / 4294967296.0;
}

/* --- endpoints -------------------------------------------------------------------- */

const char *ld_aws_partition_of(const char *region)
{
	if (region && !strncmp(region, "cn-", 3))
		return "aws-cn";
	if (region && !strncmp(region, "us-gov-", 7))
		return "aws-us-gov";
	return "aws";
}

int ld_aws_default_endpoint(ld_buf *out, const char *service, const char *region)
{
	const char *suffix = strcmp(ld_aws_partition_of(region), "aws-cn") ? "amazonaws.com"
									    : "amazonaws.com.cn";
	return ld_buf_printf(out, "https://%s.%s.%s", service, region, suffix);
}

/* Split an endpoint URL into its normalised form and its Host header value. */
static int parse_endpoint(ld_aws_client *c, const char *endpoint)
{
	const char *rest, *hostend, *port;
	bool https;
	size_t hostlen, len;

	https = !strncmp(endpoint, "https://", 8);
	if (!https && strncmp(endpoint, "http://", 7) != 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "endpoint url must start with https:// or http://");
	rest = endpoint + (https ? 8 : 7);
	hostend = rest + strcspn(rest, "/?#");
	if (*hostend == '?' || *hostend == '#' || memchr(rest, '@', (size_t)(hostend - rest)) ||
	    hostend == rest)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "endpoint url must be scheme://host[:port][/path], without "
				     "user, query or fragment");
	hostlen = (size_t)(hostend - rest);
	/* drop the port from Host when it is the scheme's default, as SDKs do */
	port = NULL;
	for (const char *p = hostend; p > rest; p--) {
		if (p[-1] == ']')
			break;
		if (p[-1] == ':') {
			port = p;
			break;
		}
	}
	if (port && ((https && (size_t)(hostend - port) == 3 && !strncmp(port, "443", 3)) ||
		     (!https && (size_t)(hostend - port) == 2 && !strncmp(port, "80", 2))))
		hostlen = (size_t)(port - 1 - rest);
	if (!(c->host = strndup(rest, hostlen)))
		return ld_error_oom();
	len = strlen(endpoint);
	while (len > (size_t)(hostend - endpoint) && endpoint[len - 1] == '/')
		len--;
	if (!(c->endpoint = strndup(endpoint, len)))
		return ld_error_oom();
	return 0;
}

int ld_aws_client_init(ld_aws_client *c, ld_transport *transport, const ld_credentials *creds,
		       const char *region, const char *service, const char *endpoint,
		       ld_api_calls *calls, const ld_retry_policy *retry, int64_t deadline_ms)
{
	static const ld_retry_policy defaults = LD_RETRY_POLICY_INIT;
	int error;

	memset(c, 0, sizeof(*c));
	c->transport = transport;
	c->calls = calls;
	c->retry = retry ? *retry : defaults;
	c->deadline_ms = deadline_ms;
	c->creds.expiration = creds->expiration;
	if ((error = ld_dup_or_null(&c->creds.access_key_id, creds->access_key_id)) < 0 ||
	    (error = ld_dup_or_null(&c->creds.secret_access_key, creds->secret_access_key)) < 0 ||
	    (error = ld_dup_or_null(&c->creds.session_token, creds->session_token)) < 0 ||
	    (error = ld_dup_or_null(&c->region, region)) < 0 ||
	    (error = ld_dup_or_null(&c->service, service)) < 0 ||
	    (error = parse_endpoint(c, endpoint)) < 0)
		goto done;
	error = 0;
done:
	if (error < 0)
		ld_aws_client_dispose(c);
	return error;
}

void ld_aws_client_use_credentials(ld_aws_client *c, ld_credentials_fn fn, void *ctx)
{
	c->creds_fn = fn;
	c->creds_ctx = fn ? ctx : NULL;
}

void ld_aws_client_sync_credentials(ld_aws_client *c, ld_credentials_sync_fn fn, void *ctx)
{
	c->sync_fn = fn;
	c->sync_ctx = fn ? ctx : NULL;
	c->creds_gen = 0;
}

void ld_aws_client_dispose(ld_aws_client *c)
{
	if (!c)
		return;
	ld_credentials_dispose(&c->creds);
	free(c->region);
	free(c->service);
	free(c->endpoint);
	free(c->host);
	memset(c, 0, sizeof(*c));
}

/* --- pacing and backoff ----------------------------------------------------------- */

/* Virtual scheduling (GCRA): a request may go PACE_BURST intervals ahead of the rate. */
static void pace(ld_aws_client *c, ld_quota_class q)
{
	double rate = c->retry.rate[q];
	int64_t interval, now, tat, wait;

	if (c->limiter) {
		ld_rate_limiter_acquire(c->limiter, q, c->priority);
		return;
	}
	if (rate <= 0)
		return;
	interval = (int64_t)(1000.0 / rate + 0.999);
	now = ld_aws_client__now_ms(c);
	tat = c->pace_next_ms[q] > now ? c->pace_next_ms[q] : now;
	wait = tat - (PACE_BURST - 1) * interval - now;
	if (wait > 0)
		ld_aws_client__sleep_ms(c, (long)wait);
	c->pace_next_ms[q] = tat + interval;
}

static long backoff_ms(const ld_aws_client *c, bool throttle, int attempt, long retry_after)
{
	long base = throttle ? c->retry.throttle_base_ms : c->retry.transient_base_ms;
	long ceiling = base, delay, floor_ms;

	for (int i = 1; i < attempt && ceiling < c->retry.cap_ms; i++)
		ceiling *= 2;
	if (ceiling > c->retry.cap_ms)
		ceiling = c->retry.cap_ms;
	delay = (long)(random01(c) * (double)ceiling);
	if (retry_after >= 0) {
		floor_ms = retry_after > c->retry.retry_after_cap_ms / 1000
				   ? c->retry.retry_after_cap_ms
				   : retry_after * 1000;
		if (delay < floor_ms)
			delay = floor_ms;
	}
	return delay;
}

/* --- AWS error bodies ------------------------------------------------------------- */

/* One line, bounded, no control characters: AWS text goes into our messages. */
static void clean_text(char *out, size_t outlen, const char *in, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)in[i];
		out[n++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* "aws.protocoltests#FooError:http://..." -> "FooError" */
static void clean_type(char *out, size_t outlen, const char *in)
{
	const char *hash = strrchr(in, '#');
	if (hash)
		in = hash + 1;
	clean_text(out, outlen, in, strcspn(in, ":"));
}

static void json_error(const ld_buf *body, char *type, size_t tlen, char *msg, size_t mlen)
{
	static const char *const type_keys[] = { "__type", "code", "Code", "Type" };
	ld_json *j = NULL;
	const char *s;

	/* a body that is not JSON just leaves type and message empty; the caller sets the
	 * final message, so the parse error recorded here does not survive */
	if (ld_json_parse(&j, body->ptr, body->size, "error response") < 0)
		return;
	for (size_t i = 0; !type[0] && i < sizeof(type_keys) / sizeof(type_keys[0]); i++) {
		s = ld_json_get_str(j, type_keys[i]);
		/* Lambda's "Type" says who is at fault ("User"/"Service"), not which error */
		if (s && (!strcmp(s, "User") || !strcmp(s, "Service")))
			continue;
		if (s)
			clean_type(type, tlen, s);
	}
	if ((s = ld_json_get_str(j, "Message")) || (s = ld_json_get_str(j, "message")))
		clean_text(msg, mlen, s, strlen(s));
	ld_json_free(j);
}

static void parse_error(const ld_http_response *resp, char *type, size_t tlen, char *msg,
			size_t mlen)
{
	const char *p = resp->body.ptr;
	char xtype[128];

	type[0] = msg[0] = '\0';
	if (resp->error_type[0])
		clean_type(type, tlen, resp->error_type);
	while (*p && isspace((unsigned char)*p))
		p++;
	if (*p == '<') {
		if (ld_xml_parse_error(xtype, sizeof(xtype), msg, mlen, resp->body.ptr,
				       resp->body.size) && !type[0])
			clean_type(type, tlen, xtype);
		clean_text(msg, mlen, msg, strlen(msg));
	} else if (*p == '{') {
		json_error(&resp->body, type, tlen, msg, mlen);
	}
}

static bool type_in(const char *type, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(type, *list))
			return true;
	return false;
}

static const char *const throttle_types[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException", NULL
};
static const char *const transient_types[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", NULL
};

static const char *or_default(const char *msg, const char *dflt)
{
	return msg[0] ? msg : dflt;
}

/* The final, non-retryable error of an AWS error response. */
static int map_error(const ld_aws_client *c, const char *op, long status, const char *type,
		     const char *msg)
{
	static const char *const denied[] = { "AccessDeniedException", "AccessDenied", NULL };
	static const char *const badsig[] = { "InvalidSignatureException", "SignatureDoesNotMatch",
					      "IncompleteSignature", NULL };
	static const char *const badkey[] = { "UnrecognizedClientException", "InvalidClientTokenId",
					      "InvalidAccessKeyId", NULL };
	static const char *const expired[] = { "ExpiredToken", "ExpiredTokenException",
					       "RequestExpired", NULL };
	static const char *const missing[] = { "MissingAuthenticationToken",
					       "MissingAuthenticationTokenException", NULL };

	if (type_in(type, denied) || (!type[0] && status == 403))
		return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
				     "access denied: %s \xe2\x80\x94 grant the missing permission "
				     "(e.g. %s:%s) to the caller",
				     or_default(msg, "no reason given"), c->service, op);
	if (type_in(type, badsig)) {
		if (strstr(msg, "Signature expired") || strstr(msg, "not yet current"))
			return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
					     "request signature rejected by %s: the system clock is "
					     "off (%s); fix the clock (ntp) and retry", c->host, msg);
		return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
				     "request signature rejected by %s: the secret access key does "
				     "not match the access key id (check AWS_SECRET_ACCESS_KEY or "
				     "the profile)", c->host);
	}
	if (type_in(type, badkey))
		return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
				     "access key id not recognised by %s: check AWS_ACCESS_KEY_ID or "
				     "the profile (the key may be deleted, inactive or from another "
				     "partition)", c->host);
	if (type_in(type, expired))
		return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
				     "the session token has expired: refresh the credentials (a new "
				     "AWS_SESSION_TOKEN, aws sso login, or a new role session)");
	if (type_in(type, missing))
		return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
				     "%s rejected the request as unsigned: check the credentials",
				     c->host);
	/* AWS names the error of every 404 it sends; a bare one is some other server, and
	 * reading it as "the function is gone" would hide a wrong endpoint */
	if (!type[0] && status == 404)
		return ld_error_setc(LD_ERROR, LD_ERR_AWS, "%s: %s answered http 404 without an aws "
				     "error type, so it is not the %s api: check --endpoint-url",
				     op, c->host, c->service);
	if (!strcmp(type, "ResourceNotFoundException") || !strcmp(type, "NoSuchEntity"))
		return ld_error_setc(LD_ENOTFOUND, LD_ERR_AWS, "%s: not found: %s", op,
				     or_default(msg, "no such resource"));
	return ld_error_setc(LD_ERROR, LD_ERR_AWS, "%s failed with http %ld %s: %s", op, status,
			     or_default(type, "(no error type)"), or_default(msg, "no message"));
}

/* --- one attempt ------------------------------------------------------------------ */

static void count(const ld_aws_client *c, ld_quota_class q);

/* The X-Amz-Target prefix of a JSON 1.1 service (its API model's targetPrefix), or NULL. */
static const char *target_prefix(const ld_aws_client *c)
{
	if (!strcmp(c->service, "kms"))
		return "TrentService";
	if (!strcmp(c->service, "organizations"))
		return "AWSOrganizationsV20161128";
	return strcmp(c->service, "logs") ? NULL : "Logs_20140328";
}

/* The Content-Type of a request body: STS and IAM take a form (the query protocol), KMS,
 * CloudWatch Logs and Organizations the JSON 1.1 protocol (with X-Amz-Target naming the operation),
 * Lambda REST JSON. */
static const char *content_type(const ld_aws_client *c)
{
	if (!strcmp(c->service, "sts") || !strcmp(c->service, "iam"))
		return "application/x-www-form-urlencoded; charset=utf-8";
	return target_prefix(c) ? "application/x-amz-json-1.1" : "application/json";
}

static int send_signed(ld_aws_client *c, ld_http_response *resp, const char *op,
		       const char *method, const char *url, const char *path, const char *query,
		       const char *body, long timeout_ms, ld_quota_class quota)
{
	char target[96];
	ld_header hdrs[11];
	size_t nh = 0, nsigned;
	ld_sigv4_result sig;
	ld_sigv4_params p;
	ld_sigv4_request sreq;
	ld_http_request hreq;
	const ld_credentials *cr = &c->creds;
	int error;

	memset(&sig, 0, sizeof(sig));
	/* a session's accessor refreshes credentials that are about to expire */
	if (c->sync_fn)
		error = c->sync_fn(c->sync_ctx, &c->creds, &c->creds_gen);
	else if (c->creds_fn)
		error = c->creds_fn(c->creds_ctx, &cr);
	else
		error = 0;
	if (error < 0) {
		resp->transient = false; /* nothing was sent: no retry helps */
		goto done;
	}
	hdrs[nh++] = (ld_header){ "Host", c->host };
	if (body)
		hdrs[nh++] = (ld_header){ "Content-Type", content_type(c) };
	if (target_prefix(c)) {
		snprintf(target, sizeof(target), "%s.%s", target_prefix(c), op);
		hdrs[nh++] = (ld_header){ "X-Amz-Target", target };
	}
	nsigned = nh;
	sreq = (ld_sigv4_request){ method, path, query, hdrs, nsigned, body,
				   body ? strlen(body) : 0 };
	p = (ld_sigv4_params){ cr->access_key_id, cr->secret_access_key,
			       cr->session_token, c->region, c->service, time(NULL),
			       true, false, false };
	if ((error = ld_sigv4_sign(&sig, &sreq, &p)) < 0)
		goto done;
	for (size_t i = 0; i < sig.nadd && nh < sizeof(hdrs) / sizeof(hdrs[0]) - 1; i++)
		hdrs[nh++] = sig.add[i];
	hdrs[nh++] = (ld_header){ "User-Agent", "lambdrift/" LD_VERSION };
	hreq = (ld_http_request){ method, url, hdrs, nh, body, body ? strlen(body) : 0,
				  timeout_ms, 0 };
	count(c, quota); /* a request that was never sent (no credentials) is not a call */
	error = ld_transport_send(c->transport, &hreq, resp);
done:
	ld_sigv4_result_dispose(&sig);
	return error;
}

static void count(const ld_aws_client *c, ld_quota_class q)
{
	if (!c->calls)
		return;
	if (q == LD_QUOTA_GET_FUNCTION)
		c->calls->get_function++;
	else if (q == LD_QUOTA_STS)
		c->calls->sts++;
	else if (q == LD_QUOTA_KMS)
		c->calls->kms++;
	else if (q == LD_QUOTA_GET_POLICY)
		c->calls->get_policy++;
	else if (q == LD_QUOTA_IAM)
		c->calls->iam++;
	else if (q == LD_QUOTA_LOGS)
		c->calls->logs++;
	else if (q == LD_QUOTA_ORGANIZATIONS)
		c->calls->organizations++;
	else
		c->calls->control++;
}

/* Classify a response: done, retry (which kind), or a final error (set here). */
static outcome classify(const ld_aws_client *c, const ld_http_response *resp, const char *op,
			ld_quota_class quota, char *type, size_t tlen, char *msg, size_t mlen)
{
	if (resp->status >= 200 && resp->status < 300)
		return OUT_DONE;
	parse_error(resp, type, tlen, msg, mlen);
	if (resp->status == 429 || type_in(type, throttle_types)) {
		if (c->calls)
			c->calls->throttled++;
		/* every request of the account-region slows down, not just this one */
		if (c->limiter)
			ld_rate_limiter_throttled(c->limiter, quota, resp->retry_after >= 0
						  ? resp->retry_after * 1000 : 0);
		return OUT_RETRY_THROTTLE;
	}
	if (resp->status == 500 || resp->status == 502 || resp->status == 503 ||
	    resp->status == 504 || type_in(type, transient_types))
		return OUT_RETRY_TRANSIENT;
	map_error(c, op, resp->status, type, msg);
	return OUT_FAIL;
}

/* The error after the last attempt of a retryable failure. */
static int exhausted(const ld_aws_client *c, const char *op, outcome last, long status,
		     const char *type, int attempts, bool deadline)
{
	char prior[sizeof(((ld_error *)0)->message)];
	const char *why = deadline ? "the run's deadline left no time to retry" : "gave up";

	if (last == OUT_RETRY_THROTTLE)
		return ld_error_setc(LD_ETHROTTLED, LD_ERR_AWS,
				     "%s throttled by %s after %d attempts (%s): other callers share "
				     "the account's API rate limit; retry later or scan fewer "
				     "regions at once", op, c->host, attempts, why);
	if (status > 0)
		return ld_error_setc(LD_ENET, LD_ERR_AWS,
				     "%s failed with http %ld %s after %d attempts (%s): the service "
				     "is unavailable, retry later", op, status,
				     type[0] ? type : "server error", attempts, why);
	snprintf(prior, sizeof(prior), "%s", ld_error_last()->message);
	return ld_error_setc(LD_ENET, LD_ERR_HTTP, "%s: %s (after %d attempts, %s)", op, prior,
			     attempts, why);
}

static int build_url(ld_buf *url, ld_buf *path, const ld_aws_client *c, const char *p,
		     const char *query)
{
	const char *host = strstr(c->endpoint, "://") + 3;
	const char *prefix = host + strcspn(host, "/");
	ld_buf_puts(path, prefix);
	ld_buf_puts(path, p);
	ld_buf_puts(url, c->endpoint);
	ld_buf_puts(url, p);
	if (query && *query) {
		ld_buf_putc(url, '?');
		ld_buf_puts(url, query);
	}
	if (url->error || path->error)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "request url for %s is too long", p);
	return 0;
}

int ld_aws_call(ld_aws_client *c, ld_http_response *resp, const char *op, const char *method,
		const char *path, const char *query, const char *body, ld_quota_class quota)
{
	ld_buf url = LD_BUF_INIT_CAP(MAX_URL), wire_path = LD_BUF_INIT_CAP(MAX_URL);
	int max = c->retry.max_attempts > 0 ? c->retry.max_attempts : DEFAULT_ATTEMPTS;
	char type[128] = "", msg[320] = "";
	outcome out = OUT_FAIL;
	long timeout, delay;
	int64_t left;
	int attempt, error;

	ld_http_response_init(resp);
	c->last_error_type[0] = '\0';
	if ((error = build_url(&url, &wire_path, c, path, query)) < 0)
		goto done;
	for (attempt = 1;; attempt++) {
		/* wait for the rate limit first: the deadline is judged when the request goes */
		pace(c, quota);
		timeout = c->retry.request_timeout_ms;
		if (c->deadline_ms) {
			left = c->deadline_ms - ld_aws_client__now_ms(c);
			if (left <= 0 && attempt == 1) {
				error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS,
						      "%s not sent: the run's deadline (--timeout) "
						      "has passed", op);
				goto done;
			}
			if (left < timeout)
				timeout = (long)(left > 1 ? left : 1);
		}
		error = send_signed(c, resp, op, method, url.ptr, wire_path.ptr, query, body,
				    timeout, quota);
		if (error == LD_ENET && resp->transient)
			out = OUT_RETRY_TRANSIENT;
		else if (error < 0)
			goto fail;
		else if ((out = classify(c, resp, op, quota, type, sizeof(type), msg,
					 sizeof(msg))) == OUT_DONE)
			break;
		else if (out == OUT_FAIL)
			goto fail;
		if (attempt >= max) {
			error = exhausted(c, op, out, resp->status, type, attempt, false);
			goto fail;
		}
		delay = backoff_ms(c, out == OUT_RETRY_THROTTLE, attempt, resp->retry_after);
		if (c->deadline_ms && ld_aws_client__now_ms(c) + delay >= c->deadline_ms) {
			error = exhausted(c, op, out, resp->status, type, attempt, true);
			goto fail;
		}
		if (c->calls)
			c->calls->retries++;
		ld_aws_client__sleep_ms(c, delay);
	}
	error = 0;
	goto done;
fail:
	if (error >= 0)
		error = ld_error_last()->code < 0 ? ld_error_last()->code : LD_ERROR;
	snprintf(c->last_error_type, sizeof(c->last_error_type), "%s", type);
	if (c->calls)
		c->calls->errors++;
done:
	ld_buf_dispose(&url);
	ld_buf_dispose(&wire_path);
	return error;
}

/* --- pagination ------------------------------------------------------------------- */

/* Markers are kept as 64-bit hashes: a listing of any length costs 8 bytes a page. */
static uint64_t marker_hash(const char *m)
{
	uint8_t h[LD_SHA256_LEN];
	uint64_t v = 0;
	ld_sha256(h, m, strlen(m));
	for (int i = 0; i < 8; i++)
		v = (v << 8) | h[i];
	return v;
}

int ld_pager_advance(ld_pager *p, const ld_json *page, const char *where)
{
	const char *next = ld_json_get_str(page, "NextMarker");
	uint64_t h;

	free(p->marker);
	p->marker = NULL;
	if (!next || !next[0])
		return 0;
	h = marker_hash(next);
	for (size_t i = 0; i < p->nseen; i++)
		if (p->seen[i] == h)
			return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
					     "%s returned a marker it had already returned (page "
					     "%zu): the listing would never end", where, p->pages);
	if (p->pages >= p->max_pages)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS,
				     "%s still had more after %zu pages: stopped at the bound",
				     where, p->max_pages);
	if (ld_array_grow(p->seen, p->nseen, 1) < 0)
		return LD_ERROR;
	p->seen[p->nseen++] = h;
	return (p->marker = strdup(next)) ? 0 : ld_error_oom();
}

void ld_pager_dispose(ld_pager *p)
{
	free(p->seen);
	free(p->marker);
	p->seen = NULL;
	p->marker = NULL;
	p->nseen = 0;
}
