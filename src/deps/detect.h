/*
 * Dependency inventory: which third-party packages a deployed Lambda package or layer
 * carries, read from the package's contents in memory (pkg/zip.h content access), never
 * unpacked to disk. Sources: npm (node_modules/<name>/package.json and
 * node_modules/@scope/<name>/package.json at any depth; package-lock.json v1-v3 and the
 * hidden node_modules/.package-lock.json outside any node_modules package), PyPI
 * (*.dist-info/METADATA, *.egg-info/PKG-INFO and *.egg-info files), Maven
 * (META-INF/maven/<g>/<a>/pom.properties, also inside *.jar entries one level deep, found at
 * "<jar>!/<path>"), NuGet (*.deps.json "libraries" of type "package"). Names are normalised
 * per ecosystem (ld_deps_normalise). A file that cannot be parsed is skipped and counted,
 * never fatal; hostile content is bounded (sizes via the zip reader's limits, JSON depth
 * via util/json.h, header and line lengths here). An ld_deps owns all its strings and is
 * released with ld_deps_dispose(); ecosystem names are static.
 */
#ifndef LD_DEPS_DETECT_H
#define LD_DEPS_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "pkg/manifest.h"
#include "pkg/zip.h"

/* OSV ecosystem names; ld_dep.ecosystem always points at one of these strings. */
extern const char ld_eco_npm[];     /* "npm" */
extern const char ld_eco_pypi[];    /* "PyPI" */
extern const char ld_eco_maven[];   /* "Maven" */
extern const char ld_eco_nuget[];   /* "NuGet" */

#define LD_DEPS_ORIGIN_FUNCTION "function"
#define LD_DEP_NAME_MAX 512
#define LD_DEP_VERSION_MAX 256

typedef struct {
	const char *ecosystem;   /* ld_eco_* */
	char *name;              /* normalised */
	char *version;           /* as the package states it, trimmed */
	char *path;              /* where found: package path, "<jar>!/<path>" inside a jar */
	char *origin;            /* "function", or the layer version ARN */
} ld_dep;

typedef struct {
	ld_dep *items;
	size_t count, alloc;
	size_t malformed;        /* candidate files that could not be parsed */
	size_t skipped;          /* candidate files not read: too large, over the budget, or a
				    jar that is not a readable zip */
	char *first_problem;     /* "<path>: <reason>" of the first malformed or skipped file */
} ld_deps;

#define LD_DEPS_INIT { NULL, 0, 0, 0, 0, NULL }

void ld_deps_init(ld_deps *d);
void ld_deps_dispose(ld_deps *d);

/** The ecosystem name for "npm", "pypi", "maven", "nuget" in any case, or NULL. */
const char *ld_deps_ecosystem(const char *name);

/**
 * The one name under which a package is stored and looked up (the inventory, lock files,
 * the OSV database and its queries all use this): npm lower-case; PyPI per PEP 503
 * (lower-case, each run of '-', '_', '.' becomes one '-'); NuGet lower-case (its ids are
 * case-insensitive, and OSV spells them as published, "Newtonsoft.Json"); Maven and any
 * other ecosystem unchanged ("groupId:artifactId"). Surrounding blanks are dropped in
 * every ecosystem. `ecosystem` in any case; one that is not known keeps the name as is.
 * @param out at least LD_DEP_NAME_MAX + 1 bytes
 * @return 0, or LD_EINVALID when the name is empty, too long or not printable ASCII
 */
int ld_deps_normalise(char *out, const char *ecosystem, const char *name);

/**
 * Append one dependency (strings copied; the name is normalised, the version trimmed).
 * @return 0; LD_EINVALID for an empty, over-long or non-printable-ASCII name or version;
 *         LD_ERROR without memory
 */
int ld_deps_add(ld_deps *d, const char *ecosystem, const char *name, const char *version,
		const char *path, const char *origin);

/**
 * Semi-private, shared with deps/lockfile.c: the registry release a package-lock "version"
 * names. "npm:real@1.2.3" (an alias) copies "real" into `alias` (asize bytes) and sets
 * *version to "1.2.3"; otherwise `alias` is untouched and *version = v.
 * @return 1, or 0 for git, file and URL versions (and NULL), which name no release
 */
int ld_deps__npm_version(const char *v, char *alias, size_t asize, const char **version);

/**
 * Semi-private, exposed for tests: the first top-level "name" and "version" members of a
 * package.json as raw string contents (not NUL-terminated), found by a validating scan of
 * strict JSON (no trailing bytes, at most 64 levels deep) without building a tree.
 * @return 1 when both are strings; 0 for a valid object without them (or not as strings);
 *         2 when a key or a wanted value holds escapes (parse fully instead); -1 malformed
 */
int ld_deps__package_fields(const char *data, size_t len, const char **name, size_t *nlen,
			    const char **version, size_t *vlen);

/** Sort by (ecosystem, name, version, path, origin) and drop exact duplicates.
 *  @return 0 (cannot fail) */
int ld_deps_finish(ld_deps *d);

/* ---- reading packages ---- */

/* The predicate and callback the inventory gives the zip reader; exposed so a caller that
 * already runs a content pass can add the inventory to it. Payload: an ld_deps_scan. */
typedef struct {
	ld_deps *deps;
	const char *origin;      /* borrowed; "function" when NULL */
} ld_deps_scan;

ld_zip_want ld_deps_want(const char *container, const char *path, uint64_t size,
			 void *payload);
int ld_deps_item(const ld_zip_item *item, void *payload);

/**
 * Parse one candidate file's content (as ld_deps_item does), e.g. from a directory tree.
 * `path` decides the format (the same rules as ld_deps_want; a jar's entry is
 * "<jar>!/<path>"); a path that is not a candidate adds nothing. A file that does not
 * parse is counted in d->malformed.
 * @return 0, or LD_ERROR without memory
 */
int ld_deps_parse_file(ld_deps *d, const char *path, const void *data, size_t len,
		       const char *origin);

/**
 * Read a package's content manifest and its dependencies in one pass over the zip, adding
 * them to `d` (not finished: call ld_deps_finish once every package and layer is in).
 * @param origin "function" (NULL) or the layer version ARN
 * @return as ld_zip_manifest()
 */
int ld_deps_manifest(ld_manifest **out, ld_deps *d, const void *data, size_t len,
		     const ld_zip_limits *limits, const char *origin);

/** Only the dependencies of a package (ld_zip_visit). @return as ld_zip_visit() */
int ld_deps_from_zip(ld_deps *d, const void *data, size_t len, const ld_zip_limits *limits,
		     const char *origin);

#endif
