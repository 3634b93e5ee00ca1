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
} ld_zip_limits;

/* Lambda allows 250 MB unzipped; 512 MiB leaves room and still bounds the work. */
#define LD_ZIP_LIMITS_INIT { (uint64_t)512 << 20, 200000, (uint64_t)1 << 20, 1000, 0 }

/**
 * Read the zip archive `data` (`len` bytes) into a new, finished manifest.
 * @param out the manifest, freed by the caller with ld_manifest_free(); NULL on error
 * @param limits NULL for LD_ZIP_LIMITS_INIT
 * @return 0; LD_EINVALID for a malformed, truncated, encrypted or unsafe archive;
 *         LD_ELIMIT when a limit is exceeded; LD_ERROR without memory
 */
int ld_zip_manifest(ld_manifest **out, const void *data, size_t len,
		    const ld_zip_limits *limits);

#endif
