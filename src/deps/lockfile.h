/*
 * Lockfiles read from the tag, and the comparison of a deployed inventory against them
 * (the dependency-drift rule's data). Formats, chosen by file name: package-lock.json and
 * npm-shrinkwrap.json v1 (nested "dependencies") to v3 ("packages"), poetry.lock (a TOML
 * subset: the [[package]] tables' name, version, category, optional, groups), Pipfile.lock
 * ("default" and "develop", "==x" versions) and requirements*.txt (only `name==version`
 * pins count; comments, options, extras and environment markers are understood and
 * dropped; any other requirement is recorded as unpinned and never compared). Several
 * lockfiles may go into one ld_lock; it covers the ecosystems of the files parsed into it,
 * and only those are compared. An ld_lock and an ld_deps_diff own their strings and are
 * released with ld_lock_dispose() / ld_deps_diff_dispose().
 */
#ifndef LD_DEPS_LOCKFILE_H
#define LD_DEPS_LOCKFILE_H

#include <stddef.h>

#include "deps/detect.h"

#define LD_LOCK_DEV 0x1        /* a development dependency: need not be deployed */
#define LD_LOCK_OPTIONAL 0x2   /* optional, an extra, or behind an environment marker */

typedef struct {
	const char *ecosystem;   /* ld_eco_* */
	char *name;              /* normalised (ld_deps_normalise) */
	char *version;           /* the pinned version, or NULL when the file pins none */
	unsigned flags;          /* LD_LOCK_*; an entry listed both ways keeps the stricter */
} ld_locked;

typedef struct {
	ld_locked *items;        /* sorted by (ecosystem, name, version), unique */
	size_t count, alloc;
	const char *covered[4];  /* ecosystems of the lockfiles parsed */
	size_t ncovered;
} ld_lock;

#define LD_LOCK_INIT { NULL, 0, 0, { NULL, NULL, NULL, NULL }, 0 }

void ld_lock_init(ld_lock *lock);
void ld_lock_dispose(ld_lock *lock);

/** The ecosystem a lockfile's base name belongs to ("package-lock.json" -> "npm",
 *  "poetry.lock", "Pipfile.lock", "requirements*.txt" -> "PyPI"), or NULL when it is not
 *  a lockfile this module reads. `name` may be a path. */
const char *ld_lock_ecosystem(const char *name);

/** Whether a lockfile of `ecosystem` has been parsed into `lock`. */
int ld_lock_covers(const ld_lock *lock, const char *ecosystem);

/**
 * Parse one lockfile's bytes into `lock`; the format is chosen by `name`'s base name.
 * @param name the file's path at the tag (named in messages)
 * @return 0; LD_EUSAGE for a name that is not a supported lockfile; LD_EINVALID for a
 *         malformed file (the message names the file and, for text formats, the line);
 *         LD_ERROR without memory
 */
int ld_lock_parse(ld_lock *lock, const char *name, const void *data, size_t len);

typedef enum {
	LD_DEPS_CHANGED = 1,     /* deployed at a version the lockfile does not pin */
	LD_DEPS_MISSING = 2,     /* pinned (not dev, not optional) but not deployed */
	LD_DEPS_UNEXPECTED = 3   /* deployed with the function but in no lockfile */
} ld_deps_change_kind;

typedef struct {
	ld_deps_change_kind kind;
	const char *ecosystem;   /* ld_eco_* */
	char *name;
	char *deployed;          /* deployed versions, sorted, ", "-joined; NULL when missing */
	char *locked;            /* pinned versions, sorted, ", "-joined; NULL when unexpected */
	char *path;              /* where a deployed copy was found (one at a version the lock
				    does not pin, when there is one); NULL when missing */
	char *origin;            /* that copy's origin; NULL when missing */
} ld_deps_change;

typedef struct {
	ld_deps_change *changes; /* sorted by (ecosystem, name) */
	size_t count;
	size_t changed, missing, unexpected;
} ld_deps_diff;

/**
 * Compare a deployed inventory (function package and layers) with the tag's lockfiles,
 * one ecosystem at a time, only for ecosystems `locked` covers. Per name: the deployed
 * versions are the function package's when it carries the name (it shadows layers at run
 * time), else the layers'. CHANGED when one of them is not pinned by the lockfile, or a
 * required pinned version is not among them; MISSING when a required pin (not dev, not
 * optional) is deployed nowhere; UNEXPECTED when the function package carries a name no
 * lockfile lists (layers may carry what they like). Names the lockfile lists only unpinned
 * are never reported. Versions are compared as strings.
 * @param diff filled in; dispose with ld_deps_diff_dispose()
 * @return 0, or LD_ERROR without memory
 */
int ld_deps_compare(const ld_deps *deployed, const ld_lock *locked, ld_deps_diff *diff);
void ld_deps_diff_dispose(ld_deps_diff *diff);

/** "changed", "missing", "unexpected". */
const char *ld_deps_change_name(ld_deps_change_kind kind);

#endif
