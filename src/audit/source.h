/*
 * What verify's compare reads, as data (private to the library): one ld_verify_item per
 * selected spec function, filled stage by stage before compare runs. Compare never
 * fetches: ld_verify__plan() (audit/verify.c) resolves each spec function against the
 * inventory and says what the later stages must get; the expect stage (ld_tag__expect(),
 * spec/tag.c) builds the tag's package and reads the lockfiles; the collect stage
 * (aws/verifyfetch.c) downloads the deployed packages and the layers, reduced at once to
 * their manifests and dependencies, and asks the OSV API once; then ld_verify__compare()
 * says what it all means, in spec order. Failures are kept as data with their one-line
 * message. An ld_fetched is caller-owned: ld_fetched_init() before use,
 * ld_fetched_dispose() wipes its bytes (a package may hold secrets). An ld_verify_plan owns
 * what its items hold (ld_verify_plan_dispose()); it borrows the spec and the inventory.
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
#include "deps/lockfile.h"
#include "deps/osv.h"
#include "pkg/expect.h"
#include "pkg/manifest.h"

#define LD_MESSAGE_LEN sizeof(((ld_error *)0)->message)

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
	char message[LD_MESSAGE_LEN];
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

/* A package reduced to its dependencies (the bytes are not kept): the dependency scan's
 * served versions, and verify's packages when the dependencies are checked. */
typedef struct ld_depcheck_pkg_read {
	ld_fetch_status status;     /* LD_FETCH_OK: `deps` and `zip_error` say what was read */
	char *message;              /* GET_FAILED, DOWNLOAD_FAILED: why */
	bool has_reported;
	char reported[LD_CODE_SHA256_LEN + 1], got[LD_CODE_SHA256_LEN + 1];
	char *zip_error;            /* OK but the zip cannot be read: why (deps may hold part) */
	ld_deps deps;               /* the package's own, not finished */
} ld_depcheck_pkg_read;

void ld_depcheck_pkg_read_dispose(ld_depcheck_pkg_read *p);

/* How a spec function was found in the inventory (ld_verify__plan). */
typedef enum {
	LD_TARGET_OK = 0,          /* fn and served are set */
	LD_TARGET_NO_FUNCTION,     /* function-missing */
	LD_TARGET_NO_ALIAS,        /* alias-missing */
	LD_TARGET_NO_VERSION       /* the version it serves is not in the inventory */
} ld_target_state;

/* What the expect stage made of the tag's package. */
typedef enum {
	LD_EXPECTED_NONE = 0,      /* not wanted */
	LD_EXPECTED_HAD,           /* `exp` holds it; `deps` its dependencies when wanted */
	LD_EXPECTED_SOURCE_FAILED, /* the source package cannot be built: `message` */
	LD_EXPECTED_NOT_ALLOWED,   /* a build command without --allow-build */
	LD_EXPECTED_BUILD_FAILED   /* the build failed: `message`, `log` */
} ld_expected_state;

/* The deployed package as the collect stage reduced it: the fetch's outcome, and for
 * LD_FETCH_OK its manifest (and dependencies, when checked) read from the bytes. */
typedef struct {
	ld_fetched f;               /* bytes let go (wiped) once read */
	size_t size;                /* bytes downloaded */
	ld_manifest *manifest;      /* OK and readable */
	char *read_error;           /* OK but the zip cannot be read: why */
	ld_deps deps;               /* read with the manifest (dependencies checked) */
} ld_deployed;

typedef struct {
	/* plan (compare's, data only) */
	const ld_spec_function *sf;
	ld_target_state state;
	const ld_function *fn;
	const ld_version *served;   /* the version the alias serves (or the newest one) */
	const char *alias;          /* declared alias, or NULL */
	const char *qualifier;      /* alias name, else the served version */
	char served_by[160];        /* "alias live" or "the newest published version; ..." */
	bool want_expected;         /* expect: the tag's package */
	bool want_lock;             /* expect: the lockfiles */
	bool want_image;            /* collect: GetFunction of the served image */
	bool want_layers;           /* collect: the layers the served version attaches */

	/* expect (spec/tag.c) */
	ld_expected_state expected_state;
	ld_expected exp;
	char expected_message[LD_MESSAGE_LEN];
	ld_build_log log;
	ld_depcheck_pkg_read expected_deps; /* HAD with dependencies checked: from its bytes */
	int lock_rc;                /* < 0: the lockfiles could not be read, `lock_message` */
	char lock_message[LD_MESSAGE_LEN];
	ld_lock lock;
	ld_buf lock_files;

	/* collect (aws/verifyfetch.c) */
	bool fetched;               /* `deployed` was fetched (ld_verify__wants_download) */
	ld_deployed deployed;
	bool image_fetched;         /* `image` was asked (want_image) */
	ld_fetched image;
	bool deps_fetched;          /* `pkg_deps` was read (ld_verify__wants_package_deps) */
	ld_depcheck_pkg_read pkg_deps;
} ld_verify_item;

typedef struct {
	ld_verify_item *items;      /* one per selected spec function, in spec order */
	size_t count;
	bool live;                  /* a session collected: false offline */
	const char *default_region;
} ld_verify_plan;

void ld_verify_plan_dispose(ld_verify_plan *p);

/** Resolve every selected spec function of `v` against `inv` and say what expect and
 *  collect must get. `live` with `region` the session's default region; offline the
 *  inventory's only region fills gaps. @return 0, or LD_ERROR without memory */
int ld_verify__plan(ld_verify_plan *p, const ld_inventory *inv, const ld_verify *v,
		    const char *region, bool live);

/** Whether collect must download the deployed package (the tag's was had and the
 *  inventory's CodeSha256 is not its). */
bool ld_verify__wants_download(const ld_verify_plan *p, const ld_verify_item *it);

/** Whether collect must read the package's dependencies on their own (checked, and the
 *  tag's package was not had). */
bool ld_verify__wants_package_deps(const ld_verify_plan *p, const ld_verify *v,
				   const ld_verify_item *it);

/** The package dependencies compare will read for `it` once collected (for the OSV API's
 *  one query), or NULL. */
const ld_deps *ld_verify__package_deps(const ld_verify_item *it);

/** Compare every item (consumed: dependency lists are moved out), then the scan rules;
 *  `key` is the environment digest key the inventory was made with (or NULL). */
int ld_verify__compare(ld_findings *out, ld_inventory *inv, ld_verify_plan *p,
		       const uint8_t *key, const ld_verify *v, const ld_audit_opts *audit,
		       ld_verify_records *records);

#endif
