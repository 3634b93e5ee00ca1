/*
 * The HTTP transport seam, rio-style: an ld_transport is a struct of function pointers, so
 * the AWS client runs the same against libcurl (ld_transport_curl_new, the only code that
 * includes curl) and against scripted or replayed responses in tests. A transport is
 * created by its constructor and freed with ld_transport_free() (NULL accepted); a
 * response is initialised with ld_http_response_init() and released with
 * ld_http_response_dispose(). Messages name a URL's host and path only, never its query
 * (it may be presigned).
 */
#ifndef LD_HTTP_HTTP_H
#define LD_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lambdrift/buf.h"

/* One request header; SigV4 signs these and every client sends them. */
typedef struct {
	const char *name;
	const char *value;
} ld_header;

/* Default cap of one response body: an API page is far smaller. */
#define LD_HTTP_MAX_RESPONSE_DEFAULT ((size_t)8 * 1024 * 1024)

typedef struct {
	const char *method;         /* "GET", "POST", ... */
	const char *url;            /* absolute http(s) URL, query included */
	const ld_header *headers;   /* sent as given (Host included) */
	size_t nheaders;
	const void *body;           /* NULL for none */
	size_t body_len;
	long timeout_ms;            /* whole request; 0 = transport default */
	size_t max_response_bytes;  /* body cap; 0 = LD_HTTP_MAX_RESPONSE_DEFAULT */
} ld_http_request;

typedef struct {
	long status;                /* HTTP status, 0 when no response arrived */
	ld_buf body;                /* capped by max_response_bytes */
	long retry_after;           /* Retry-After in seconds, -1 when absent */
	char error_type[128];       /* x-amzn-ErrorType up to ':', "" when absent */
	bool transient;             /* after a failed send: worth retrying (timeout, reset) */
	int64_t content_length;     /* Content-Length of the final response, -1 when absent;
				       callers that need every byte (package downloads) compare
				       it with body.size, so a cut transfer is never taken whole */
} ld_http_response;

typedef struct ld_transport {
	/* Send one request and fill `resp` (already initialised by the caller). Returns 0
	 * when a response arrived, whatever its status; LD_ENET when none did (message set,
	 * resp->transient says whether a retry may help); LD_ELIMIT when the body exceeded
	 * the cap. */
	int (*send)(struct ld_transport *t, const ld_http_request *req, ld_http_response *resp);
	void (*free)(struct ld_transport *t);
} ld_transport;

void ld_http_response_init(ld_http_response *resp);
/** Free the body (wiped first: bodies may hold secrets) and re-initialise. NULL accepted. */
void ld_http_response_dispose(ld_http_response *resp);

/** Send through `t` after initialising `resp` for `req` (body cap, no headers). */
int ld_transport_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp);
void ld_transport_free(ld_transport *t);

/**
 * The libcurl transport: one reused handle (connections are kept alive), TLS peer and host
 * verification always on, `ca_bundle` (a PEM file) as the trust store when not NULL,
 * proxies from the environment, no redirects, http and https only. Not thread-safe: one
 * per thread.
 * @return 0, or LD_ERROR when curl cannot be initialised
 */
int ld_transport_curl_new(ld_transport **out, const char *ca_bundle);

/** Copy "scheme://host[:port]/path" of `url` (no query, fragment or userinfo: they may hold
 *  credentials) into `out` for messages. */
void ld_http_url_for_message(char *out, size_t outlen, const char *url);
/** Copy only "host[:port]" of `url` into `out`, for messages that must not show the path. */
void ld_http_host_for_message(char *out, size_t outlen, const char *url);

#endif
