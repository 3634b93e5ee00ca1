/*
 * Content manifests: what a Lambda package contains, independent of how it was zipped.
 * A manifest is a list of entries (path, kind, exec bit, size, sha256 of the content),
 * sorted bytewise by path once ld_manifest_finish() has run. Its digest is the sha256 of
 * one line per entry, "<path>\t<exec 0|1>\t<size>\t<sha256 hex>\n", so two packages are
 * content-identical exactly when their digests are equal. Symlinks are recorded, not
 * skipped (Lambda extracts them, so a changed target changes behaviour): their content is
 * the link target, as in git, and their line carries "l" in the exec column. Directories
 * are never entries. A manifest owns its strings; ld_manifest_free() releases them. A
 * diff borrows its paths and entries from the two manifests and lives as long as they do.
 */
#ifndef LD_PKG_MANIFEST_H
#define LD_PKG_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/hash.h"

typedef enum {
	LD_MANIFEST_FILE = 0,
	LD_MANIFEST_SYMLINK = 1
} ld_manifest_kind;

typedef struct {
	char *path;                            /* normalised package path (pkg/path.h) */
	ld_manifest_kind kind;
	int exec;                              /* 1 when executable; always 0 for symlinks */
	uint64_t size;                         /* content bytes (target length for symlinks) */
	char sha256[LD_SHA256_HEX_LEN + 1];    /* lowercase hex of the content's sha256 */
} ld_manifest_entry;

typedef struct {
	ld_manifest_entry *entries;
	size_t count;
	size_t alloc;
	int finished;                          /* sorted and checked by ld_manifest_finish */
} ld_manifest;

/** A new, empty manifest. @return 0 or LD_ERROR without memory */
int ld_manifest_new(ld_manifest **out);
void ld_manifest_free(ld_manifest *m);

/**
 * Append an entry; the path is copied. The path must already be normalised; it is checked
 * again here, so a manifest never holds a path its digest lines could not express.
 * @param sha256_hex 64 lowercase hex digits
 * @return 0; LD_EINVALID for a path that is not a normalised package path or a malformed
 *         digest; LD_ERROR without memory
 */
int ld_manifest_add(ld_manifest *m, const char *path, ld_manifest_kind kind, int exec,
		    uint64_t size, const char *sha256_hex);

/**
 * Sort the entries bytewise by path and check them: no path twice, and no path that is
 * both a file and a directory ("a" and "a/b"). Call once after the last add.
 * @return 0, or LD_EINVALID naming the first offending path
 */
int ld_manifest_finish(ld_manifest *m);

/** The entry for `path` in a finished manifest, or NULL. */
const ld_manifest_entry *ld_manifest_find(const ld_manifest *m, const char *path);

/** The manifest digest (sha256 hex of the sorted lines); `m` must be finished.
 *  @return 0, or LD_ERROR without memory */
int ld_manifest_digest(char out[LD_SHA256_HEX_LEN + 1], const ld_manifest *m);

/** The digest lines themselves, appended to `out` (for evidence and debugging). */
int ld_manifest_lines(ld_buf *out, const ld_manifest *m);

typedef enum {
	LD_CHANGE_ADDED = 1,     /* only in `actual` */
	LD_CHANGE_REMOVED = 2,   /* only in `expected` */
	LD_CHANGE_MODIFIED = 3   /* in both, different */
} ld_change_kind;

/* What differs in a modified entry; a bit set. */
#define LD_CHANGED_CONTENT 0x1   /* size or sha256 */
#define LD_CHANGED_EXEC 0x2      /* exec bit */
#define LD_CHANGED_KIND 0x4      /* file <-> symlink */

typedef struct {
	ld_change_kind kind;
	unsigned what;                          /* LD_CHANGED_* bits, 0 unless modified */
	const char *path;                       /* borrowed */
	const ld_manifest_entry *expected;      /* NULL when added */
	const ld_manifest_entry *actual;        /* NULL when removed */
} ld_manifest_change;

typedef struct {
	ld_manifest_change *changes;            /* sorted by path */
	size_t count;
	size_t added, removed, modified;
} ld_manifest_diff;

/**
 * Compare two finished manifests: `expected` (e.g. built from the tag) against `actual`
 * (e.g. the deployed package). An empty diff means the digests are equal.
 * @return 0, or LD_ERROR without memory
 */
int ld_manifest_diff_compute(ld_manifest_diff *out, const ld_manifest *expected,
			     const ld_manifest *actual);
void ld_manifest_diff_dispose(ld_manifest_diff *diff);

/** "content", "exec bit", "content and exec bit", "file type", ... for a change's `what`. */
const char *ld_manifest_change_what(unsigned what);

#endif
