/*
 * The libcurl transport behind the ld_transport seam, and the response helpers every
 * transport shares. This is the only file that includes curl. One easy handle is reused
 * for every request (curl_easy_reset keeps its connection cache, so TLS sessions and
 * keep-alive connections survive), TLS verification is never turned off, and curl's
 * verbose output stays off because URLs may be presigned. Errors name host and path only.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <threads.h>

#include <curl/curl.h>

#include "http/http.h"
#include "lambdrift/errors.h"

#define CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 60000L
#define MAX_HEADER_LINE 8192

typedef struct {
	ld_transport base;
	CURL *curl;
	char *ca_bundle;
	char errbuf[CURL_ERROR_SIZE];
} curl_transport;

/* What the callbacks see during one request. */
typedef struct {
	ld_http_response *resp;
	bool overflow;
} transfer;

void ld_http_response_init(ld_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	ld_buf_init(&resp->body, LD_HTTP_MAX_RESPONSE_DEFAULT);
	resp->retry_after = -1;
	resp->content_length = -1;
}

void ld_http_response_dispose(ld_http_response *resp)
{
	if (!resp)
		return;
	/* bodies carry plaintext environment values and STS secrets: wipe, do not just free */
	if (resp->body.ptr)
		ld_buf_dispose_secret(&resp->body);
	ld_http_response_init(resp);
}

int ld_transport_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp)
{
	ld_http_response_dispose(resp);
	if (req->max_response_bytes)
		resp->body.cap = req->max_response_bytes;
	return t->send(t, req, resp);
}

void ld_transport_free(ld_transport *t)
{
	if (t && t->free)
		t->free(t);
}

void ld_http_url_for_message(char *out, size_t outlen, const char *url)
{
	const char *p = url ? url : "";
	const char *scheme = strstr(p, "://");
	const char *host = scheme ? scheme + 3 : p;
	const char *end = host + strcspn(host, "?#");
	/* userinfo before the host would be a credential: drop it */
	const char *at = memchr(host, '@', (size_t)(end - host));

	if (!outlen)
		return;
	if (at && (size_t)(at - host) < strcspn(host, "/"))
		host = at + 1;
	snprintf(out, outlen, "%.*s%.*s", scheme ? (int)(scheme + 3 - p) : 0, p,
		 (int)(end - host), host);
}

void ld_http_host_for_message(char *out, size_t outlen, const char *url)
{
	char where[512];
	const char *host;

	ld_http_url_for_message(where, sizeof(where), url);
	host = strstr(where, "://") ? strstr(where, "://") + 3 : where;
	snprintf(out, outlen, "%.*s", (int)strcspn(host, "/"), host);
}

/* --- response callbacks ----------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	transfer *tr = ud;
	size_t len = size * nmemb;
	ld_buf *b = &tr->resp->body;

	if (len > b->cap || b->size > b->cap - len) {
		tr->overflow = true;
		return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
	}
	if (ld_buf_put(b, data, len) < 0)
		return 0;
	return len;
}

static void copy_trimmed(char *out, size_t outlen, const char *v, size_t len, char stop)
{
	size_t n = 0;
	while (len && isspace((unsigned char)*v)) {
		v++;
		len--;
	}
	while (n < len && v[n] != stop && v[n] != '\r' && v[n] != '\n')
		n++;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

static long parse_retry_after(const char *v, size_t len)
{
	char tmp[32];
	char *end;
	long secs;

	copy_trimmed(tmp, sizeof(tmp), v, len, '\0');
	if (!tmp[0] || !isdigit((unsigned char)tmp[0]))
		return -1; /* an HTTP-date form: ignored, the backoff still applies */
	errno = 0;
	secs = strtol(tmp, &end, 10);
	if (errno || *end)
		return -1;
	return secs;
}

static int64_t parse_content_length(const char *v, size_t len)
{
	char tmp[32];
	char *end;
	long long n;

	copy_trimmed(tmp, sizeof(tmp), v, len, '\0');
	if (!tmp[0] || !isdigit((unsigned char)tmp[0]))
		return -1;
	errno = 0;
	n = strtoll(tmp, &end, 10);
	if (errno || *end || n < 0)
		return -1;
	return (int64_t)n;
}

static bool header_is(const char *line, size_t len, const char *name, const char **value,
		      size_t *vlen)
{
	size_t n = strlen(name);
	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return false;
	*value = line + n + 1;
	*vlen = len - n - 1;
	return true;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	transfer *tr = ud;
	ld_http_response *r = tr->resp;
	size_t len = size * nmemb;
	const char *v;
	size_t vlen;

	if (len > MAX_HEADER_LINE)
		return len; /* ignore absurd lines rather than fail */
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* a new response (after 100-continue or a proxy CONNECT): forget the last */
		r->retry_after = -1;
		r->content_length = -1;
		r->error_type[0] = '\0';
	} else if (header_is(data, len, "content-length", &v, &vlen)) {
		r->content_length = parse_content_length(v, vlen);
	} else if (header_is(data, len, "retry-after", &v, &vlen)) {
		r->retry_after = parse_retry_after(v, vlen);
	} else if (header_is(data, len, "x-amzn-errortype", &v, &vlen)) {
		copy_trimmed(r->error_type, sizeof(r->error_type), v, vlen, ':');
	}
	return len;
}

/* --- error translation ------------------------------------------------------------ */

/* lambda.<region>.amazonaws.com(.cn): a DNS failure there usually means a mistyped region */
static bool lambda_region_host(const char *hostpath, char *region, size_t rlen)
{
	const char *p, *dot;
	size_t hostlen = strcspn(hostpath, ":/");
	if (strncmp(hostpath, "lambda.", 7) != 0)
		return false;
	p = hostpath + 7;
	dot = memchr(p, '.', hostlen > 7 ? hostlen - 7 : 0);
	if (!dot || strncmp(dot, ".amazonaws.com", 14) != 0)
		return false;
	copy_trimmed(region, rlen, p, (size_t)(dot - p), '\0');
	return true;
}

/* Does a region name look like one (partition prefixes of botocore's partitions.json)? */
static bool region_shaped(const char *r)
{
	static const char *const prefixes[] = { "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-",
						"il-", "mx-", "cn-", "us-gov-", "us-iso", "eusc-",
						NULL };
	size_t len = strlen(r);
	bool known = false;
	for (size_t i = 0; prefixes[i]; i++)
		known = known || !strncmp(r, prefixes[i], strlen(prefixes[i]));
	/* and ends in -<digit> */
	return known && len > 2 && r[len - 2] == '-' && isdigit((unsigned char)r[len - 1]);
}

/* curl's detail text minus anything after '?' (a query could be presigned) */
static void detail(char *out, size_t outlen, const char *errbuf, CURLcode rc)
{
	const char *src = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	size_t n = strcspn(src, "?\r\n");
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, src, n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

static int curl_failure(curl_transport *ct, CURLcode rc, const ld_http_request *req,
			ld_http_response *resp, bool overflow)
{
	char where[256], host[256], why[CURL_ERROR_SIZE], region[64] = "";

	ld_http_url_for_message(where, sizeof(where), req->url);
	detail(why, sizeof(why), ct->errbuf, rc);
	resp->transient = false;
	if (overflow)
		return ld_error_setc(LD_ELIMIT, LD_ERR_HTTP,
				     "response from %s exceeds the %zu-byte limit", where,
				     resp->body.cap);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		ld_http_host_for_message(host, sizeof(host), req->url);
		if (lambda_region_host(host, region, sizeof(region)) && !region_shaped(region))
			return ld_error_setc(LD_ENET, LD_ERR_HTTP,
					     "cannot resolve %s: region '%s' may not exist (check "
					     "--region)", host, region);
		if (region[0])
			return ld_error_setc(LD_ENET, LD_ERR_HTTP,
					     "cannot resolve %s: no network or DNS, or region '%s' "
					     "does not exist", host, region);
		return ld_error_setc(LD_ENET, LD_ERR_HTTP,
				     "cannot resolve host of %s: check the endpoint url and DNS",
				     where);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return ld_error_setc(LD_ENET, LD_ERR_HTTP,
				     "cannot resolve the proxy host: check HTTPS_PROXY / HTTP_PROXY");
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
		return ld_error_setc(LD_ENET, LD_ERR_HTTP,
				     "tls verification with %s failed: %s (set AWS_CA_BUNDLE to the "
				     "ca file of a tls-inspecting proxy)", where, why);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return ld_error_setc(LD_ENET, LD_ERR_HTTP,
				     "cannot send to %s: %s (check the endpoint url)", where, why);
	default:
		break;
	}
	/* timeouts, refused or reset connections, partial reads: worth another attempt */
	resp->transient = true;
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return ld_error_setc(LD_ENET, LD_ERR_HTTP, "request to %s timed out", where);
	return ld_error_setc(LD_ENET, LD_ERR_HTTP, "request to %s failed: %s", where, why);
}

/* --- sending ---------------------------------------------------------------------- */

static int build_headers(struct curl_slist **out, const ld_http_request *req)
{
	struct curl_slist *list = NULL, *next;
	char line[MAX_HEADER_LINE];
	int n;

	/* no "Expect: 100-continue" round trip, and curl's own Accept would be noise */
	const char *fixed[] = { "Expect:", "Accept:" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!(next = curl_slist_append(list, fixed[i])))
			goto oom;
		list = next;
	}
	for (size_t i = 0; i < req->nheaders; i++) {
		n = snprintf(line, sizeof(line), "%s: %s", req->headers[i].name,
			     req->headers[i].value);
		if (n < 0 || (size_t)n >= sizeof(line)) {
			curl_slist_free_all(list);
			return ld_error_setc(LD_ELIMIT, LD_ERR_HTTP, "request header %s is too long",
					     req->headers[i].name);
		}
		if (!(next = curl_slist_append(list, line)))
			goto oom;
		list = next;
	}
	*out = list;
	return 0;
oom:
	curl_slist_free_all(list);
	return ld_error_oom();
}

static CURLcode set_options(curl_transport *ct, const ld_http_request *req,
			    struct curl_slist *headers, transfer *tr)
{
	CURL *c = ct->curl;
	CURLcode rc = CURLE_OK;
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : DEFAULT_TIMEOUT_MS;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(c, opt, val); } while (0)
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_ERRORBUFFER, ct->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_VERBOSE, 0L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (ct->ca_bundle)
		SET(CURLOPT_CAINFO, ct->ca_bundle);
	SET(CURLOPT_CONNECTTIMEOUT_MS, timeout < CONNECT_TIMEOUT_MS ? timeout : CONNECT_TIMEOUT_MS);
	SET(CURLOPT_TIMEOUT_MS, timeout);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, tr);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, tr);
	if (!strcmp(req->method, "GET")) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(req->method, "HEAD")) {
		SET(CURLOPT_NOBODY, 1L);
	} else {
		if (strcmp(req->method, "POST") != 0)
			SET(CURLOPT_CUSTOMREQUEST, req->method);
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SET(CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
	}
#undef SET
	return rc;
}

static int curl_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp)
{
	curl_transport *ct = (curl_transport *)t;
	struct curl_slist *headers = NULL;
	transfer tr = { resp, false };
	CURLcode rc;
	long status = 0;
	int error;

	if ((error = build_headers(&headers, req)) < 0)
		return error;
	curl_easy_reset(ct->curl);
	ct->errbuf[0] = '\0';
	rc = set_options(ct, req, headers, &tr);
	if (rc == CURLE_OK)
		rc = curl_easy_perform(ct->curl);
	if (rc != CURLE_OK) {
		error = curl_failure(ct, rc, req, resp, tr.overflow);
		goto done;
	}
	curl_easy_getinfo(ct->curl, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;
	error = 0;
done:
	/* the handle must not keep pointers into this call's stack or header list */
	curl_easy_setopt(ct->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(ct->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(headers);
	return error;
}

static void curl_free_transport(ld_transport *t)
{
	curl_transport *ct = (curl_transport *)t;
	if (!ct)
		return;
	if (ct->curl)
		curl_easy_cleanup(ct->curl);
	free(ct->ca_bundle);
	free(ct);
}

static once_flag global_once = ONCE_FLAG_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int ld_transport_curl_new(ld_transport **out, const char *ca_bundle)
{
	curl_transport *ct;

	*out = NULL;
	call_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return ld_error_set(LD_ERR_HTTP, "cannot initialise libcurl: %s",
				    curl_easy_strerror(global_rc));
	if (!(ct = calloc(1, sizeof(*ct))))
		return ld_error_oom();
	ct->base.send = curl_send;
	ct->base.free = curl_free_transport;
	if (ca_bundle && !(ct->ca_bundle = strdup(ca_bundle))) {
		free(ct);
		return ld_error_oom();
	}
	if (!(ct->curl = curl_easy_init())) {
		curl_free_transport(&ct->base);
		return ld_error_set(LD_ERR_HTTP, "cannot create a libcurl handle");
	}
	*out = &ct->base;
	return 0;
}
