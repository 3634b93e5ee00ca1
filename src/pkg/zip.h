/*
 * The zip reader: turns a whole package held in memory (as downloaded from Lambda, capped
 * by the caller) into a content manifest (pkg/manifest.h). It works from the central
 * directory, checks every local header and data range against it, and streams each entry
 * through raw inflate into SHA-256 and CRC-32 in small chunks, so no inflated file is ever
 * held whole. It reads what zip -r, Python's zipfile, 7-Zip and jar write: stored and
 * deflated entries, data descriptors, Zip64 (EOCD64 and zip64 extra fields). Directory
 * entries are skipped; symlinks (Unix mode S_IFLNK, host Unix) are recorded as symlink
 * entries whose content is the target. The exec bit is the owner-execute bit of the Unix
 * mode when "version made by" says Unix (host 3); other hosts give non-executable files.
 * A FIFO entry (how Info-ZIP records piped input) counts as a regular file. Anything
 * hostile or ambiguous is refused with LD_EINVALID or LD_ELIMIT and a message naming the
 * entry and the reason; nothing is guessed. That includes archives that other readers would
 * read differently: a comment holding a second end record, bytes no central record accounts
 * for (a hidden local entry), trailing data. Large packages are hashed by several threads;
 * the result and any error message do not depend on their scheduling.
 *
 * Content access: a caller may also ask for the whole content of selected regular files
 * (a `want` predicate on each path) and have it handed to a callback, without unpacking
 * anything to disk. ld_zip_manifest_visit() does it in the same single pass that hashes
 * (an entry's inflated bytes go to SHA-256 and to a copy at once) and delivers after the
 * pass, in archive order, whatever the threads did; ld_zip_visit() reads contents only.
 * An entry the predicate marks LD_ZIP_OPEN (a .jar) is itself read as a zip archive, in
 * memory, with the same checks, and the entries wanted inside it are delivered instead;
 * only one level deep. Everything held for callbacks is bounded per entry and in total
 * (ld_zip_limits), and what was not read for a bound is still delivered, as a status.
 */
#ifndef LD_PKG_ZIP_H
#define LD_PKG_ZIP_H

#include <stddef.h>
#include <stdint.h>

#include "pkg/manifest.h"

typedef struct {
	uint64_t max_total;        /* inflated bytes over all entries */
	uint64_t max_entries;      /* central directory records */
	uint64_t ratio_min_size;   /* entries at least this large ... */
	uint32_t max_ratio;        /* ... may not inflate more than this many times */
	unsigned max_threads;      /* hashing threads (at most 4); 0 = one per CPU when the
				      package is large enough to gain from it */
	uint64_t max_content_entry;  /* content access: bytes of one wanted entry, or of one
					archive opened inside the package (0 = 16 MiB) */
	uint64_t max_content_total;  /* content access: bytes held for callbacks over all
					wanted entries (0 = 64 MiB) */
} ld_zip_limits;

/* Lambda allows 250 MB unzipped; 512 MiB leaves room and still bounds the work. */
#define LD_ZIP_LIMITS_INIT { (uint64_t)512 << 20, 200000, (uint64_t)1 << 20, 1000, 0, \
			     (uint64_t)16 << 20, (uint64_t)64 << 20 }

/**
 * Read the zip archive `data` (`len` bytes) into a new, finished manifest.
 * @param out the manifest, freed by the caller with ld_manifest_free(); NULL on error
 * @param limits NULL for LD_ZIP_LIMITS_INIT
 * @return 0; LD_EINVALID for a malformed, truncated, encrypted or unsafe archive;
 *         LD_ELIMIT when a limit is exceeded; LD_ERROR without memory
 */
int ld_zip_manifest(ld_manifest **out, const void *data, size_t len,
		    const ld_zip_limits *limits);

/* ---- content access ---- */

/* What a `want` predicate asks for an entry. */
typedef enum {
	LD_ZIP_SKIP = 0,   /* not wanted */
	LD_ZIP_TAKE = 1,   /* hand its content to the callback */
	LD_ZIP_OPEN = 2    /* read it as a nested zip (a jar) and ask `want` about its entries;
			      inside a nested archive this means LD_ZIP_SKIP (one level only) */
} ld_zip_want;

typedef enum {
	LD_ZIP_ITEM_OK = 0,          /* `data`/`len` hold the whole content */
	LD_ZIP_ITEM_TOO_LARGE = 1,   /* larger than max_content_entry: not read */
	LD_ZIP_ITEM_OVER_BUDGET = 2, /* would pass max_content_total: not read */
	LD_ZIP_ITEM_BAD_NESTED = 3   /* an LD_ZIP_OPEN entry that is not a readable zip; `why` */
} ld_zip_item_status;

/* One wanted entry, as handed to the callback. Everything is borrowed for the call only. */
typedef struct {
	const char *container;       /* path of the nested archive holding the entry, or NULL */
	const char *path;            /* normalised path (inside `container` when it is set) */
	ld_zip_item_status status;
	const uint8_t *data;         /* the content when status is OK, else NULL */
	size_t len;                  /* bytes at `data` */
	uint64_t size;               /* the declared size (also when not read) */
	const char *why;             /* LD_ZIP_ITEM_BAD_NESTED: the reader's message */
} ld_zip_item;

/**
 * Whether an entry is wanted. Only regular files are offered (never directories or
 * symlinks). Called once per file of the archive, from the calling thread and before any
 * inflating; for the entries of a nested archive (`container` set) it may be called from
 * hashing threads, so it must be safe to call concurrently (a pure function of its
 * arguments is).
 * @param container NULL at the top level, else the nested archive's path
 * @param size the declared (inflated) size
 */
typedef ld_zip_want (*ld_zip_want_fn)(const char *container, const char *path, uint64_t size,
				      void *payload);

/** Receives wanted entries one at a time, in archive order (the order of the entries' data
 *  in the file), nested entries in place of their archive. @return 0, or a negative LD_E*
 *  code (with an error set) to stop the reading, which then returns that code */
typedef int (*ld_zip_item_fn)(const ld_zip_item *item, void *payload);

/**
 * ld_zip_manifest() that also hands the content of the entries `want` asks for to `cb`, in
 * the same pass. Callbacks run only once the whole archive has been read and its manifest
 * built, from the calling thread, in archive order, whatever the threads did; a refused
 * archive gets no callback at all. A nested archive that cannot be read does not refuse the
 * package (its bytes are still hashed): it is delivered as LD_ZIP_ITEM_BAD_NESTED.
 * Memory held for callbacks stays below max_content_total, plus one max_content_entry per
 * hashing thread while a nested archive is open. Each nested archive reserves 64 KiB of
 * max_content_total for the entries it yields (what it holds is unknown until it is
 * opened): their records (path and status) first, then their contents; contents past it
 * are delivered as LD_ZIP_ITEM_OVER_BUDGET, and a nested archive whose records alone do
 * not fit is delivered as LD_ZIP_ITEM_BAD_NESTED.
 * @param want NULL asks for nothing (then this is ld_zip_manifest())
 * @return as ld_zip_manifest(), or the first negative value `cb` returned (no manifest then)
 */
int ld_zip_manifest_visit(ld_manifest **out, const void *data, size_t len,
			  const ld_zip_limits *limits, ld_zip_want_fn want, ld_zip_item_fn cb,
			  void *payload);

/**
 * Read only the contents `want` asks for, without a manifest: the archive's structure is
 * checked as ld_zip_manifest() checks it (and refused the same way) before any callback,
 * then wanted entries are inflated one at a time in the calling thread, CRC-checked and
 * delivered at once, so memory stays at about one entry (max_threads is ignored);
 * entries not wanted are never inflated. max_content_total bounds the bytes delivered.
 * @return 0; LD_EINVALID / LD_ELIMIT as ld_zip_manifest() (when a wanted entry has corrupt
 *         data, the entries before it have already been delivered); LD_ERROR without
 *         memory; or the first negative value `cb` returned
 */
int ld_zip_visit(const void *data, size_t len, const ld_zip_limits *limits,
		 ld_zip_want_fn want, ld_zip_item_fn cb, void *payload);

#endif
