/*
 * GetFunction and package downloads (see code.h). The download goes through the session's
 * transport unsigned, because the location is presigned; it is capped by the caller and
 * retried on transport failures, and the body is checked against its Content-Length so a
 * transfer cut short is an error, never a smaller package. Since the location is a secret,
 * this file rewrites the transport's messages down to the host before they go anywhere.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/client.h"
#include "aws/code.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "http/http.h"
#include "lambdrift/errors.h"
#include "util/json.h"

void ld_code_info_dispose(ld_code_info *c)
{
	if (!c)
		return;
	if (c->location) {
		memset(c->location, 0, strlen(c->location));
		free(c->location);
	}
	free(c->repository_type);
	free(c->image_uri);
	free(c->resolved_image_uri);
	free(c->code_sha256);
	memset(c, 0, sizeof(*c));
}

static int dup_member(char **out, const ld_json *obj, const char *key)
{
	const char *s = ld_json_get_str(obj, key);
	if (!s || !*s)
		return 0;
	return (*out = strdup(s)) ? 0 : ld_error_oom();
}

static int parse_get_function(ld_code_info *out, const ld_http_response *resp,
			      const char *function, const char *qualifier)
{
	char what[160];
	ld_json *root = NULL;
	const ld_json *code;
	int error;

	snprintf(what, sizeof(what), "GetFunction response for %.64s:%.32s", function, qualifier);
	if ((error = ld_json_parse(&root, resp->body.ptr, resp->body.size, what)) < 0)
		return error;
	code = ld_json_get(root, "Code");
	if (!ld_json_is_object(code)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s has no Code object", what);
		goto done;
	}
	if ((error = dup_member(&out->repository_type, code, "RepositoryType")) < 0 ||
	    (error = dup_member(&out->location, code, "Location")) < 0 ||
	    (error = dup_member(&out->image_uri, code, "ImageUri")) < 0 ||
	    (error = dup_member(&out->resolved_image_uri, code, "ResolvedImageUri")) < 0 ||
	    (error = dup_member(&out->code_sha256, ld_json_get(root, "Configuration"),
				"CodeSha256")) < 0)
		goto done;
done:
	ld_json_free(root);
	return error;
}

int ld_code_get(ld_code_info *out, ld_aws_session *s, const char *region, const char *function,
		const char *qualifier, ld_api_calls *calls)
{
	ld_buf path = LD_BUF_INIT_CAP(1024), query = LD_BUF_INIT_CAP(256);
	ld_http_response resp;
	ld_aws_client client;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&client, 0, sizeof(client));
	ld_http_response_init(&resp);
	ld_buf_puts(&path, "/2015-03-31/functions/");
	ld_sigv4_uri_encode(&path, function, false);
	ld_buf_puts(&query, "Qualifier=");
	ld_sigv4_uri_encode(&query, qualifier, false);
	if (path.error || query.error) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "function name or qualifier too long");
		goto done;
	}
	if ((error = ld_aws_session__client(&client, s, region, calls)) < 0 ||
	    (error = ld_aws_call(&client, &resp, "GetFunction", "GET", path.ptr, query.ptr, NULL,
				 LD_QUOTA_GET_FUNCTION)) < 0)
		goto done;
	error = parse_get_function(out, &resp, function, qualifier);
done:
	if (error < 0)
		ld_code_info_dispose(out);
	ld_aws_client_dispose(&client);
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&path);
	ld_buf_dispose(&query);
	return error;
}

/* ---- download ---- */

/* The transport's last message with every "host/path..." cut back to the host and anything
 * after a '?' dropped, so neither the object key nor the signature can leak, even when the
 * transport shortened the path it quoted. */
static void scrubbed_reason(char *out, size_t outlen, const char *host)
{
	char msg[sizeof(ld_error_last()->message)];
	size_t hl = strlen(host), n;
	char *p = msg;

	snprintf(msg, sizeof(msg), "%s", ld_error_last()->message);
	msg[strcspn(msg, "?")] = '\0';
	while (hl && (p = strstr(p, host)) != NULL) {
		char *path = p + hl, *end = path;
		while (*end && *end != ' ' && *end != ',' && *end != ';' && *end != ')')
			end++;
		if (*path == '/')
			memmove(path, end, strlen(end) + 1);
		p = path;
	}
	n = strlen(msg);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, msg, n);
	out[n] = '\0';
}

static bool http_scheme(const char *url)
{
	return !strncasecmp(url, "https://", 8) || !strncasecmp(url, "http://", 7);
}

static void pause_before_retry(ld_aws_session *s, int attempt)
{
	long ms = 500L * attempt;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (s->retry.sleep_ms) {
		s->retry.sleep_ms(s->retry.ctx, ms);
		return;
	}
	nanosleep(&ts, NULL);
}

static int one_download(ld_http_response *resp, ld_aws_session *s, const char *location,
			size_t max_bytes, const char *host)
{
	ld_header hdrs[1] = { { "User-Agent", "lambdrift/" LD_VERSION } };
	ld_http_request req = { "GET", location, hdrs, 1, NULL, 0, LD_CODE_DOWNLOAD_TIMEOUT_MS,
				max_bytes };
	char why[400];
	ld_transport *t;
	int error;

	if (s->deadline_ms) {
		/* the run's --timeout bounds downloads as it bounds API calls */
		int64_t left = s->deadline_ms -
			       (s->retry.now_ms ? s->retry.now_ms(s->retry.ctx) : ld_aws_now_ms());
		if (left <= 0)
			return ld_error_setc(LD_ELIMIT, LD_ERR_HTTP,
					     "the package download from %s was not started: the "
					     "run's deadline (--timeout) has passed", host);
		if (left < req.timeout_ms)
			req.timeout_ms = (long)left;
	}
	if ((error = ld_aws_session__own_transport(&t, s)) == 0)
		error = ld_transport_send(t, &req, resp);
	if (error == LD_ELIMIT)
		return ld_error_setc(LD_ELIMIT, LD_ERR_HTTP,
				     "the package download from %s failed: the package is larger "
				     "than %zu bytes (raise --max-package-bytes)", host, max_bytes);
	if (error < 0) {
		scrubbed_reason(why, sizeof(why), host);
		return ld_error_setc(LD_ENET, LD_ERR_HTTP, "the package download from %s failed: %s",
				     host, why);
	}
	if (resp->status < 200 || resp->status > 299) {
		resp->transient = resp->status >= 500;
		return ld_error_setc(resp->transient ? LD_ENET : LD_ERROR, LD_ERR_HTTP,
				     "the package download from %s failed: http %ld%s", host,
				     resp->status, resp->status == 403
					     ? " (the presigned location may have expired)" : "");
	}
	if (resp->content_length >= 0 && (uint64_t)resp->content_length != resp->body.size) {
		resp->transient = true;
		return ld_error_setc(LD_ENET, LD_ERR_HTTP,
				     "the package download from %s failed: the transfer was cut "
				     "short (%zu of %lld bytes)", host, resp->body.size,
				     (long long)resp->content_length);
	}
	return 0;
}

int ld_code_download(ld_buf *out, ld_aws_session *s, const char *location, size_t max_bytes)
{
	ld_http_response resp;
	char host[256];
	int error = 0;

	ld_http_response_init(&resp);
	if (!location || !http_scheme(location))
		return ld_error_setc(LD_EINVALID, LD_ERR_HTTP,
				     "the package location is not an http(s) url (scheme '%.*s'); "
				     "it cannot be downloaded",
				     location ? (int)strcspn(location, ":/?") : 0,
				     location ? location : "");
	ld_http_host_for_message(host, sizeof(host), location);
	for (int attempt = 1; attempt <= LD_CODE_DOWNLOAD_ATTEMPTS; attempt++) {
		if ((error = one_download(&resp, s, location, max_bytes, host)) == 0)
			break;
		if (!resp.transient || attempt == LD_CODE_DOWNLOAD_ATTEMPTS)
			goto done;
		pause_before_retry(s, attempt);
	}
	/* hand the body over rather than copy it: packages are large */
	ld_buf_dispose(out);
	*out = resp.body;
	ld_buf_init(&resp.body, LD_HTTP_MAX_RESPONSE_DEFAULT);
done:
	ld_http_response_dispose(&resp);
	return error;
}

void ld_code_image_digest(char out[72], const char *image_uri)
{
	const char *at = image_uri ? strstr(image_uri, "@sha256:") : NULL;
	size_t n = 0;

	out[0] = '\0';
	if (!at)
		return;
	at += 1;
	while (n < 7 + 64 && at[n] && (n < 7 || isxdigit((unsigned char)at[n])))
		n++;
	if (n != 7 + 64)
		return;
	memcpy(out, at, n);
	out[n] = '\0';
	for (size_t i = 7; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}
