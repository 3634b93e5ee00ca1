/*
 * The AWS API client: one service (lambda or sts) in one region at one endpoint, with its
 * own copy of the credentials. ld_aws_call() builds the URL, signs with SigV4, sends through
 * the transport, paces requests under Lambda's per-class rate quotas, retries throttling,
 * 5xx and transport failures with full-jitter exponential backoff inside the run's deadline,
 * counts every request, and turns AWS error responses into one-line LD_E* errors.
 * An ld_aws_client is caller-owned: ld_aws_client_init() fills it, ld_aws_client_dispose()
 * frees what it owns (the credentials, wiped; the strings) but never the transport, the
 * counters or a credentials source, which are borrowed. Only one thread may use a client
 * (and its transport).
 */
#ifndef LD_AWS_CLIENT_H
#define LD_AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/profile.h"
#include "aws/retry.h"
#include "http/http.h"
#include "lambdrift/inventory.h"
#include "util/json.h"

/* Where a client takes its credentials before every attempt, when set: a session's
 * accessor, which refreshes expiring credentials. *out is borrowed from ctx. */
typedef int (*ld_credentials_fn)(void *ctx, const ld_credentials **out);

/* The thread-safe form: bring `held` (the client's own copy) up to date with the source,
 * copying only when the source's generation differs from *gen (updated here). */
typedef int (*ld_credentials_sync_fn)(void *ctx, ld_credentials *held, uint64_t *gen);

struct ld_rate_limiter;

typedef struct {
	ld_transport *transport;  /* borrowed */
	ld_credentials creds;     /* owned copy, wiped on dispose */
	char *region;
	char *service;            /* SigV4 service name: "lambda", "sts" */
	char *endpoint;           /* scheme://host[:port][/prefix], no trailing slash */
	char *host;               /* Host header: host, plus the port when not the default */
	ld_api_calls *calls;      /* borrowed counters; may be NULL */
	ld_retry_policy retry;
	int64_t deadline_ms;      /* monotonic deadline of the run; 0 = none */
	int64_t pace_next_ms[LD_QUOTA_COUNT]; /* pacing state per class */
	ld_credentials_fn creds_fn; /* NULL: sign with `creds` */
	void *creds_ctx;
	ld_credentials_sync_fn sync_fn; /* NULL: as creds_fn says */
	void *sync_ctx;
	uint64_t creds_gen;         /* generation of `creds` as sync_fn counts them */
	struct ld_rate_limiter *limiter; /* shared pacing of the account-region (borrowed);
					    NULL: this client's own pace_next_ms */
	bool priority;              /* ask the limiter with priority (a listing's marker chain) */
	char last_error_type[128];  /* AWS error type of the last failed call, "" when none */
} ld_aws_client;

/**
 * Fill a client. `creds` is copied; `endpoint` is an absolute http(s) URL.
 * @return 0; LD_EUSAGE for an endpoint that is not an http(s) URL; LD_ERROR without memory
 */
int ld_aws_client_init(ld_aws_client *c, ld_transport *transport, const ld_credentials *creds,
		       const char *region, const char *service, const char *endpoint,
		       ld_api_calls *calls, const ld_retry_policy *retry, int64_t deadline_ms);
void ld_aws_client_dispose(ld_aws_client *c);

/**
 * Sign every later attempt with the credentials `fn(ctx)` returns instead of the copy made
 * by ld_aws_client_init (fn NULL: back to the copy). A failure of `fn` fails the call with
 * its error (LD_EAUTH when credentials could not be refreshed in time).
 */
void ld_aws_client_use_credentials(ld_aws_client *c, ld_credentials_fn fn, void *ctx);

/**
 * Keep `creds` in step with a shared source before every attempt: `fn(ctx, &c->creds,
 * &c->creds_gen)` copies fresh credentials in when they changed (fn NULL: stop). Unlike
 * ld_aws_client_use_credentials, nothing is borrowed, so clients on several threads may
 * share one source.
 */
void ld_aws_client_sync_credentials(ld_aws_client *c, ld_credentials_sync_fn fn, void *ctx);

/**
 * Make one API call and retry it as the policy allows. `op` names the operation for
 * messages ("ListFunctions"); `path` is the wire path (labels already percent-encoded);
 * `query` is the encoded query without '?', or NULL; `body` is sent as is (NULL for none;
 * form-encoded for sts, JSON otherwise). On success `resp` holds the 2xx response; it is
 * initialised here and the caller disposes it either way.
 * @return 0; LD_EAUTH (access denied, bad signature, unknown key, expired token);
 *         LD_ENOTFOUND; LD_ETHROTTLED (throttled after every attempt); LD_ENET (transport
 *         or 5xx after every attempt); LD_ELIMIT (deadline passed, body too large);
 *         LD_ERROR (another 4xx), each with a one-line message
 */
int ld_aws_call(ld_aws_client *c, ld_http_response *resp, const char *op, const char *method,
		const char *path, const char *query, const char *body, ld_quota_class quota);

/** The client's clock and sleep: the retry policy's injected ones in tests, else real. */
int64_t ld_aws_client__now_ms(const ld_aws_client *c);
void ld_aws_client__sleep_ms(const ld_aws_client *c, long ms);

/** Default endpoint of `service` in `region`: https://<service>.<region>.amazonaws.com,
 *  .amazonaws.com.cn for cn-* regions. Appends to `out`. */
int ld_aws_default_endpoint(ld_buf *out, const char *service, const char *region);

/** "aws", "aws-cn" or "aws-us-gov" for a region name. */
const char *ld_aws_partition_of(const char *region);

/* One paginated listing (Marker / NextMarker): which markers were seen, how many pages so
 * far. Zero it with `op` and `max_pages` set; release with ld_pager_dispose(). */
typedef struct {
	const char *op;
	size_t pages, max_pages;
	uint64_t *seen;
	size_t nseen;
	char *marker;        /* for the next request, NULL when done */
} ld_pager;

/**
 * Take NextMarker from a page into p->marker (NULL when absent, null or "": the end).
 * @param where the listing in messages, e.g. "ListAliases in eu-west-1"
 * @return 0; LD_EINVALID when the marker was returned before (the listing would never end);
 *         LD_ELIMIT past max_pages; LD_ERROR without memory
 */
int ld_pager_advance(ld_pager *p, const ld_json *page, const char *where);
void ld_pager_dispose(ld_pager *p);

#endif
