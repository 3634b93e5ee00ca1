/*
 * verify and package: what a git tag says should run, compared with what Lambda serves.
 * ld_verify_prepare() opens the repository, resolves the tag and loads lambdrift.json from
 * the tag's tree (or a given spec file); ld_verify_run() compares an inventory of the spec's
 * functions (collected live through a session, or loaded offline) with it and appends
 * findings. An ld_verify owns the repository handle and the spec; ld_verify_free() releases
 * them (NULL accepted). Strings returned by getters are borrowed from it.
 */
#ifndef LAMBDRIFT_VERIFY_H
#define LAMBDRIFT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/aws.h"
#include "lambdrift/buf.h"
#include "lambdrift/deps.h"
#include "lambdrift/inventory.h"

typedef struct {
	const char *repo_path;     /* --repo DIR (default ".") */
	const char *tag;           /* --tag TAG */
	bool allow_ref;            /* --allow-ref: accept a branch or other ref */
	const char *spec_path;     /* --spec FILE instead of lambdrift.json at the tag, or NULL */
	const char *alias;         /* --alias NAME overrides the spec's alias, or NULL */
	bool allow_build;          /* --allow-build: run build-mode commands */
	bool strict;               /* --strict: code-unverified is an error */
	size_t max_package_bytes;  /* download cap; 0 = default (LD_VERIFY_MAX_PACKAGE) */
	const char *const *function_globs; /* only these spec functions; none = all */
	size_t nglobs;
	ld_depcheck *deps;         /* dependency checks (borrowed; outlives the ld_verify), or
				      NULL for --no-deps */
} ld_verify_opts;

#define LD_VERIFY_MAX_PACKAGE ((size_t)300 * 1024 * 1024)
#define LD_VERIFY_OPTS_INIT { ".", NULL, false, NULL, NULL, false, false, 0, NULL, 0, NULL }

typedef struct ld_verify ld_verify;

/** Whether `name` is a Lambda alias name as the API model's Alias shape has it (1 to 128
 *  of A-Za-z0-9, '-' and '_', not all digits), for the spec's "alias" and --alias alike. */
bool ld_verify_alias_name_ok(const char *name);

/**
 * Open the repository, resolve the tag and load and validate the spec.
 * @return 0; LD_ENOTFOUND for a missing repository or tag; LD_EUSAGE for a branch without
 *         allow_ref or an invalid spec (message names file, JSON path and problem)
 */
int ld_verify_prepare(ld_verify **out, const ld_verify_opts *opts);
void ld_verify_free(ld_verify *v);

/** The resolved commit (40 hex) and the tag name as given. */
const char *ld_verify_commit(const ld_verify *v);
const char *ld_verify_tag(const ld_verify *v);
/** The regions the selected spec functions live in (default_region fills gaps). */
size_t ld_verify_regions(const ld_verify *v, const char *default_region, const char ***out);
/** The selected spec function names, for ld_collect_opts.function_globs. */
size_t ld_verify_functions(const ld_verify *v, const char *const **out);

/** The hex sha256 of the spec's bytes, and the repository's remote URL without any
 *  credentials it embeds (NULL when it has no remote). */
const char *ld_verify_spec_digest(const ld_verify *v);
const char *ld_verify_repository(const ld_verify *v);

/* What verify compared for one selected spec function, for release records. Pointers are
 * borrowed from the ld_verify and the inventory of the run, and live as long as both. */
typedef struct {
	const char *name;          /* the spec function */
	const char *region;        /* where it was looked for (NULL: unknown) */
	const ld_function *fn;     /* NULL when it does not exist */
	const char *alias;         /* the alias that must serve the release, or NULL */
	const ld_version *served;  /* the version compared, or NULL when none was found */
	char manifest_digest[65];  /* content manifest digest of the tag's package (hex), ""
				      when none was built (image, build mode not run, failure) */
} ld_verify_record;

/* One record per selected spec function, in spec order; ld_verify_records_dispose() frees
 * the array (NULL or zeroed accepted). */
typedef struct {
	ld_verify_record *items;
	size_t count;
} ld_verify_records;

void ld_verify_records_dispose(ld_verify_records *r);

/**
 * As ld_verify_run, also filling `records` (NULL: not wanted) with what each spec function
 * was compared against.
 */
int ld_verify_run_records(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
			  const ld_verify *v, const ld_audit_opts *audit,
			  ld_verify_records *records);

/**
 * Compare. `session` may be NULL (offline, --inventory): code that would need a download is
 * then reported as code-unverified. Also runs the scan rules for these functions.
 * Data that could not be fetched or compared marks `inv` incomplete.
 * @return 0, or an error that stopped the whole comparison
 */
int ld_verify_run(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
		  const ld_verify *v, const ld_audit_opts *audit);

/**
 * Build the deterministic package (format v1) of `function` from the tag into `zip`.
 * @return 0; LD_ENOTFOUND when the spec has no such function; LD_EUSAGE when it is not a
 *         source-mode function
 */
int ld_package_build(ld_buf *zip, const ld_verify *v, const char *function);

#define LD_PACKAGE_SHA256_LEN 44
/** The CodeSha256 Lambda reports for a zip of these bytes (base64 of its sha256). */
void ld_package_sha256(char out[LD_PACKAGE_SHA256_LEN + 1], const ld_buf *zip);

#endif
