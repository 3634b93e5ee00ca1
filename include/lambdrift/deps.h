/*
 * Dependencies of deployed code: what third-party packages the served versions carry, in
 * their own package and in every layer they attach, and what to say about them:
 * dependency-vulnerable (an OSV advisory affects the deployed version), layer-outdated (a
 * newer version of an attached layer exists) and, in verify, dependency-drift (the tag's
 * lockfile pins something else). An ld_depcheck holds what one run shares: the advisory
 * database and every layer read so far (each layer is fetched once per run, however many
 * functions attach it). It is created with ld_depcheck_new() and released with
 * ld_depcheck_free() (NULL accepted). An ld_dep_rows list owns its strings and is released
 * with ld_dep_rows_dispose().
 */
#ifndef LAMBDRIFT_DEPS_H
#define LAMBDRIFT_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/aws.h"
#include "lambdrift/inventory.h"

typedef struct {
	const char *const *osv_paths; /* --osv: directories of OSV JSON, JSON files, all.zip */
	size_t nosv;
	const char *osv_api;          /* --osv-api base URL, or NULL */
	size_t max_package;           /* download cap per package or layer; 0 = default */
	size_t workers;               /* functions read at once by ld_depcheck_scan; 0 = 4 */
} ld_depcheck_opts;

typedef struct ld_depcheck ld_depcheck;

/**
 * Load the advisories named in `opts` (none is fine: then nothing is matched).
 * @return 0; LD_ENOTFOUND for an --osv path that does not exist; LD_EUSAGE for a bad
 *         --osv-api URL; LD_ELIMIT/LD_EINVALID for a database past its bounds or unreadable
 */
int ld_depcheck_new(ld_depcheck **out, const ld_depcheck_opts *opts);
void ld_depcheck_free(ld_depcheck *c);

/** Progress of ld_depcheck_scan(): called after each function, from the calling thread. */
typedef void (*ld_depcheck_progress_fn)(void *ctx, size_t functions_done, size_t functions,
					size_t layers);
void ld_depcheck_set_progress(ld_depcheck *c, ld_depcheck_progress_fn fn, void *ctx);

/* A layer version read in this run (strings borrowed from the ld_depcheck). */
typedef struct {
	const char *arn;              /* layer version ARN */
	const char *state;            /* "read", "integrity-failed" or "unread" */
	const char *code_sha256;      /* as downloaded and checked; NULL unless read */
	const char *manifest_digest;  /* sha256 hex of its content manifest (the same files
					 give the same digest however they were zipped) */
	size_t dependencies;
	long newest;                  /* newest version listed, 0 when not known */
} ld_depcheck_layer;

/** The layers read so far, sorted by ARN when all fit: fills up to `max` and returns how
 *  many there are. */
size_t ld_depcheck_layers(const ld_depcheck *c, ld_depcheck_layer *out, size_t max);

/* One deployed dependency of one served version. */
typedef struct {
	const char *ecosystem;   /* "npm", "PyPI", "Maven", "NuGet" (static) */
	char *name, *version, *path;
	char *origin;            /* "function", or the layer version ARN */
	char *account, *region, *function;
	char *qualifier;         /* "$LATEST" or a version number */
	bool checked;            /* advisories were loaded and asked about it */
	char **advisories;       /* ids of those that affect it, in the order loaded */
	size_t nadvisories;
} ld_dep_row;

typedef struct {
	ld_dep_row *items;       /* sorted by function, qualifier, ecosystem, name, version */
	size_t count, alloc;
} ld_dep_rows;

void ld_dep_rows_dispose(ld_dep_rows *rows);

/**
 * Read the dependencies of every function's served versions ($LATEST and each version an
 * alias routes to; versions with the same code and layers are read once): download each
 * package (GetFunction, the 100 req/s class) and each attached layer (GetLayerVersion),
 * check both against the CodeSha256 Lambda reports, and report dependency-vulnerable,
 * layer-outdated and package-integrity findings into `out` (may be NULL) and one row per
 * dependency into `rows` (may be NULL). Whatever could not be read marks `inv` incomplete.
 * @param sessions one per account, `accounts` naming each; or one session and `accounts`
 *        NULL, which then reaches every function
 * @return 0, or an error that stopped the whole run
 */
int ld_depcheck_scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		     ld_aws_session *const *sessions, const char *const *accounts,
		     size_t nsessions, ld_depcheck *c);

#endif
