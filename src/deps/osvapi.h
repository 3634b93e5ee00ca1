/*
 * The OSV API as an optional source of advisories (--osv-api URL, off by default): one
 * POST /v1/querybatch per batch of deployed packages says which advisory ids concern
 * them, following next_page_token per query; then GET /v1/vulns/<id> fetches each advisory
 * not already known, and it is added to an ld_osv_db. Matching, first fixed versions and
 * severities are then computed by ld_osv_match() exactly as for a file database, so both
 * sources give the same findings. Runs over any ld_transport (the curl one in use, a fake
 * one in tests); every response, page, batch and advisory count is bounded.
 */
#ifndef LD_DEPS_OSVAPI_H
#define LD_DEPS_OSVAPI_H

#include <stddef.h>

#include "deps/osv.h"

typedef struct ld_transport ld_transport; /* http/http.h: the seam the client talks through */

typedef struct {
	const char *ecosystem;   /* OSV spelling: "npm", "PyPI", "Maven", ... */
	const char *name;
	const char *version;
} ld_osv_query;

typedef struct {
	size_t batch_size;       /* queries per querybatch request (the API takes 1000) */
	size_t max_pages;        /* querybatch rounds for next_page_token, per batch */
	size_t max_vulns;        /* distinct advisories fetched in one call */
	size_t max_response;     /* bytes of one response body */
	long timeout_ms;         /* one request */
	unsigned attempts;       /* tries of one request on a transient failure, 429 or 5xx */
	long retry_delay_ms;     /* first pause between tries; doubles each time */
} ld_osvapi_limits;

#define LD_OSVAPI_LIMITS_INIT { 1000, 20, 20000, (size_t)32 << 20, 30000, 3, 500 }

typedef struct {
	size_t requests;         /* HTTP requests sent, retries included */
	size_t batches;          /* querybatch requests answered */
	size_t ids;              /* distinct advisory ids the API named */
	size_t fetched;          /* advisories fetched and handed to the database */
	size_t known;            /* ids already in the database, not fetched */
	size_t missing;          /* ids the API then answered 404 for */
} ld_osvapi_stats;

/**
 * Ask the API at `base_url` (e.g. "https://api.osv.dev"; http or https) about `queries`
 * and add every advisory it names to `db`.
 * @param limits NULL for LD_OSVAPI_LIMITS_INIT
 * @param stats may be NULL; filled even on failure
 * @return 0; LD_EUSAGE for a bad base_url; LD_ENET when the API cannot be reached or keeps
 *         failing; LD_EINVALID for an answer that is not what the API documents (message
 *         names the request); LD_ELIMIT past a bound; LD_ERROR without memory
 */
int ld_osvapi_fetch(ld_osv_db *db, ld_transport *t, const char *base_url,
		    const ld_osv_query *queries, size_t nqueries, const ld_osvapi_limits *limits,
		    ld_osvapi_stats *stats);

/* A client of one OSV API: its base URL and a transport (libcurl, AWS_CA_BUNDLE's CA
 * bundle) opened on first use. Caller-owned; ld_osvapi_free() accepts NULL. */
typedef struct ld_osvapi ld_osvapi;

/** A client of `base_url` (copied). @return 0, or LD_ERROR without memory */
int ld_osvapi_new(ld_osvapi **out, const char *base_url);

/** Open the client's transport unless it is open. @return 0, or the error of opening it */
int ld_osvapi_connect(ld_osvapi *api);

/** ld_osvapi_fetch() on the client's transport (opened if need be), default limits.
 *  @return as ld_osvapi_fetch(), or the error of opening the transport */
int ld_osvapi_ask(ld_osvapi *api, ld_osv_db *db, const ld_osv_query *queries,
		  size_t nqueries);

void ld_osvapi_free(ld_osvapi *api);

#endif
