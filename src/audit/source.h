/*
 * Where compare's bytes come from (private to the library). Compare never calls AWS: verify
 * and the dependency checks ask an ld_source for a version's package or a layer version's
 * content and get an ld_fetched back, data only: what was had, the bytes, their digest
 * against the one Lambda reports, or why there are none. The collect stage implements the
 * source over a session (aws/fetch.c) and hands it in; NULL is an offline run. An ld_fetched
 * is caller-owned: ld_fetched_init() before use, ld_fetched_dispose() wipes its bytes (a
 * package may hold secrets).
 */
#ifndef LD_AUDIT_SOURCE_H
#define LD_AUDIT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lambdrift/audit.h"
#include "lambdrift/buf.h"
#include "lambdrift/deps.h"
#include "lambdrift/errors.h"
#include "lambdrift/inventory.h"
#include "lambdrift/verify.h"
#include "deps/detect.h"
#include "deps/osv.h"
#include "pkg/expect.h"

typedef enum {
	LD_FETCH_OK = 0,           /* `bytes` hold the content; it hashes to `reported` */
	LD_FETCH_GET_FAILED,       /* GetFunction or GetLayerVersion failed: `message` */
	LD_FETCH_NO_LOCATION,      /* it was answered without a download location */
	LD_FETCH_DOWNLOAD_FAILED,  /* the download failed: `message` */
	LD_FETCH_CORRUPT,          /* the bytes do not hash to `reported` (or none is known) */
	LD_FETCH_UNCHANGED,        /* `reported` is the digest the caller has: not downloaded */
	LD_FETCH_BAD_ARN           /* a layer version ARN that does not parse: `message` */
} ld_fetch_status;

typedef struct {
	ld_fetch_status status;
	char message[sizeof(((ld_error *)0)->message)];
	bool has_reported;                      /* Lambda reported a CodeSha256 */
	char reported[LD_CODE_SHA256_LEN + 1];  /* that digest, "" when none */
	char got[LD_CODE_SHA256_LEN + 1];       /* the bytes' digest, once downloaded */
	bool has_image;                         /* GetFunction named a ResolvedImageUri */
	char image_digest[72];                  /* its "sha256:<hex>", "" when it holds none */
	long layer_version;                     /* a layer: the version its ARN names */
	ld_buf bytes;                           /* capped at the init's max */
} ld_fetched;

void ld_fetched_init(ld_fetched *f, size_t max_bytes);
void ld_fetched_dispose(ld_fetched *f);

/* What the package fetch does after GetFunction. */
typedef enum {
	LD_FETCH_INFO = 0,         /* nothing: the reported and image digests only */
	LD_FETCH_DOWNLOAD          /* download the package and hash it */
} ld_fetch_mode;

/* One worker's loop: `calls` is the worker's own, merged into the run's at the end. */
typedef void (*ld_fetch_work_fn)(void *ctx, ld_api_calls *calls);

typedef struct ld_source ld_source;

struct ld_source {
	/* GetFunction for `version` of `function` in `region` (NULL: the source's), counted in
	 * `calls`, then (DOWNLOAD) its package. The reported digest is GetFunction's
	 * CodeSha256, else `fallback_sha256`; when it equals `unchanged_if` (may be NULL)
	 * nothing is downloaded. 0 whatever the outcome (f->status), LD_ERROR without memory. */
	int (*package)(ld_source *src, ld_fetched *f, const char *region, const char *function,
		       const char *version, const char *fallback_sha256, const char *unchanged_if,
		       ld_fetch_mode mode, ld_api_calls *calls);
	/* The content of layer version `arn`, as above. */
	int (*layer)(ld_source *src, ld_fetched *f, const char *arn, ld_api_calls *calls);
	/* The highest listed version of the layer of `arn`: *newest 0 when none is listed;
	 * LD_EAUTH when it may not be listed; the errors of the call. */
	int (*layer_newest)(ld_source *src, long *newest, char **newest_arn, const char *arn,
			    ld_api_calls *calls);
	/* Run `fn` on `nworkers` threads, each on a connection of its own (fewer when one
	 * cannot be had), adding their calls to `total`; LD_ERROR when none could start. */
	int (*workers)(ld_source *src, size_t nworkers, ld_fetch_work_fn fn, void *ctx,
		       ld_api_calls *total);
};

/* Advisories asked for by what a run deploys (the OSV API, --osv-api), made and owned by
 * the collect side (aws/fetch.c) and handed to an ld_depcheck, which frees it. `ask` adds
 * to `db` every advisory the service names for one of `deps`: 0 with *answered (false: not
 * answered, the message says why), or < 0 when it cannot be asked at all (no connection
 * could be opened, no memory). Called by one thread at a time. */
typedef struct ld_advisories ld_advisories;

struct ld_advisories {
	int (*ask)(ld_advisories *a, ld_osv_db *db, const ld_deps *deps, bool *answered);
	void (*free)(ld_advisories *a);
};

/** ld_depcheck_new() with `advisories` (may be NULL; taken, freed on failure too) instead
 *  of --osv-api's URL. */
int ld_depcheck__new(ld_depcheck **out, const ld_depcheck_opts *opts, ld_advisories *advisories);

/* --- compare's entry points over sources (driven by aws/fetch.c's public ones) ---------- */

/** ld_depcheck_scan() over `sources` (sources[i] reaches accounts[i]; one and no accounts:
 *  every function's). */
int ld_depcheck__scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		      ld_source *const *sources, const char *const *accounts, size_t nsources,
		      ld_depcheck *c);

/** ld_verify_run_records() over `src` (NULL offline); `region` is the session's default
 *  region and `key` the environment digest key the inventory was made with (or NULL). */
int ld_verify__run(ld_findings *out, ld_inventory *inv, ld_source *src, const char *region,
		   const uint8_t *key, const ld_verify *v, const ld_audit_opts *audit,
		   ld_verify_records *records);

#endif
