/*
 * Dependency checks of one served version (private to the library; the public side is
 * lambdrift/deps.h). verify and ld_depcheck_scan() both read a version's deployed dependencies
 * here, from its package and its layers, and then ask the same two questions of them:
 * which advisories affect them, and whether the tag's lockfiles pin them. A target names
 * the version and carries the identity its findings get; it borrows everything.
 */
#ifndef LD_AUDIT_DEPCHECK_H
#define LD_AUDIT_DEPCHECK_H

#include <pthread.h>
#include <stdbool.h>

#include "audit/findings.h"
#include "audit/source.h"
#include "deps/detect.h"
#include "deps/lockfile.h"
#include "lambdrift/deps.h"

typedef struct {
	ld_findings *out;            /* NULL: rows only, no findings */
	ld_inventory *inv;           /* marked incomplete for what cannot be read */
	ld_source *source;           /* NULL offline: layers are not read */
	const ld_function *fn;
	const ld_version *v;
	ld_finding_id id;            /* account, region, function, qualifier, spec_line */
	ld_api_calls *calls;         /* where the calls made for it are counted */
	pthread_mutex_t *lock;       /* guards out, inv and rows when threads share them;
					NULL when one thread runs */
} ld_depcheck_target;

/* Where the package's own dependencies come from. */
typedef enum {
	LD_DEPCHECK_PKG_FETCH = 0,  /* download it (GetFunction) and check its CodeSha256 */
	LD_DEPCHECK_PKG_GIVEN,      /* `pkg` holds bytes known to be the deployed package */
	LD_DEPCHECK_PKG_READ,       /* `deps` already holds them (read with the manifest) */
	LD_DEPCHECK_PKG_NONE        /* not to be had; a finding already says why */
} ld_depcheck_pkg;

/**
 * The version's deployed dependencies, finished: its package's (see ld_depcheck_pkg) and
 * each attached layer's. *whole is false when some part could not be read; a finding or a
 * problem of the inventory then says which.
 * @return 0, or LD_ERROR without memory
 */
int ld_depcheck__read(ld_depcheck *c, const ld_depcheck_target *t, ld_depcheck_pkg how,
		      const void *pkg, size_t len, ld_deps *deps, bool *whole);

/** dependency-vulnerable for every advisory that affects one of `deps`. */
int ld_depcheck__vulnerable(ld_depcheck *c, const ld_depcheck_target *t, const ld_deps *deps);

/** dependency-drift for each difference between `deps` and `lock`; `tag` names the tag and
 *  `files` the lockfiles read, for messages. */
int ld_depcheck__drift(const ld_depcheck_target *t, const ld_deps *deps, const ld_lock *lock,
		       const char *tag, const char *files);

/** Whether the version attaches layers (offline runs cannot read them). */
bool ld_depcheck__has_layers(const ld_version *v);

#endif
