/*
 * Where verify's bytes come from (private to the library). Compare never calls AWS: verify
 * asks an ld_source for a version's package (and to collect the layers it attaches) and
 * gets an ld_fetched back, data only: what was had, the bytes, their digest against the
 * one Lambda reports, or why there are none. The collect stage implements the source over
 * a session (aws/fetch.c) and hands it in; NULL is an offline run. The dependency scan
 * needs no source: its collect step (aws/depfetch.c) reads everything first. An ld_fetched
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

typedef struct ld_source ld_source;
typedef struct ld_depcheck_pkg_read ld_depcheck_pkg_read; /* audit/depcheck.h */

struct ld_source {
	/* GetFunction for `version` of `function` in `region` (NULL: the source's), counted in
	 * `calls`, then (DOWNLOAD) its package. The reported digest is GetFunction's
	 * CodeSha256, else `fallback_sha256`; when it equals `unchanged_if` (may be NULL)
	 * nothing is downloaded. 0 whatever the outcome (f->status), LD_ERROR without memory. */
	int (*package)(ld_source *src, ld_fetched *f, const char *region, const char *function,
		       const char *version, const char *fallback_sha256, const char *unchanged_if,
		       ld_fetch_mode mode, ld_api_calls *calls);
	/* Collect into `c` every layer `v` attaches that the run has not read yet (content and
	 * newest version, aws/depfetch.c), counted in `calls`. 0 whatever was had (each
	 * layer's entry says), LD_ERROR without memory. */
	int (*layers)(ld_source *src, ld_depcheck *c, const ld_version *v, ld_api_calls *calls);
	/* `v`'s package (of `fn`) as the dependency scan collects it, reduced to its
	 * dependencies (aws/depfetch.c): for the versions verify has no other bytes of.
	 * 0 whatever was had (p->status), LD_ERROR without memory. */
	int (*package_deps)(ld_source *src, ld_depcheck_pkg_read *p, ld_depcheck *c,
			    const ld_function *fn, const ld_version *v, ld_api_calls *calls);
};

/* Advisories asked for by what verify deploys (the OSV API, --osv-api), made and owned by
 * the collect side (aws/fetch.c) and handed to verify's compare with the run. `ask` adds
 * to `db` every advisory the service names for one of `deps`: 0 with *answered (false: not
 * answered, the message says why), or < 0 when it cannot be asked at all (no connection
 * could be opened, no memory). The dependency scan asks once for the whole run instead, in
 * its collect step (aws/depfetch.c). */
typedef struct ld_advisories ld_advisories;

struct ld_advisories {
	int (*ask)(ld_advisories *a, ld_osv_db *db, const ld_deps *deps, bool *answered);
};

/** ld_verify_run_records() over `src` (NULL offline); `region` is the session's default
 *  region, `key` the environment digest key the inventory was made with (or NULL) and
 *  `advisories` the OSV API's client (NULL: not asked; borrowed). */
int ld_verify__run(ld_findings *out, ld_inventory *inv, ld_source *src, const char *region,
		   const uint8_t *key, const ld_verify *v, const ld_audit_opts *audit,
		   ld_verify_records *records, ld_advisories *advisories);

#endif
