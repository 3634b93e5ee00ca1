/*
 * The deterministic package writer, format v1 (docs/ARCHITECTURE.md): the same entries give
 * the same zip bytes on any machine with the same lambdrift and zlib. Entries are written sorted
 * bytewise by path, dated 1980-01-01 00:00, made by Unix (host 3) with the mode in the
 * external attributes (0100644, 0100755 or 0120777 for symlinks), deflated at level 6 with
 * fixed zlib parameters, each entry on its own (stored when empty), with no extra fields, no comments, no data
 * descriptors and no zip64: archives that would need zip64 (an entry or the archive past
 * 4 GiB, more than 65535 entries) are refused. The caller owns the input; the output is
 * appended to the caller's ld_buf, whose cap bounds the archive.
 */
#ifndef LD_PKG_ZIPWRITE_H
#define LD_PKG_ZIPWRITE_H

#include <stddef.h>

#include "lambdrift/buf.h"

#define LD_ZIPW_FILE 0644
#define LD_ZIPW_EXEC 0755
#define LD_ZIPW_SYMLINK 0120777   /* data is the link target */

typedef struct {
	const char *path;     /* normalised package path (pkg/path.h), NUL-terminated */
	unsigned mode;        /* LD_ZIPW_FILE, LD_ZIPW_EXEC or LD_ZIPW_SYMLINK */
	const void *data;     /* content, or the symlink target */
	size_t len;
} ld_zipw_entry;

/**
 * Write `count` entries as a format v1 zip, appended to `out`. The entries need not be
 * sorted; they are not modified.
 * @return 0; LD_EINVALID for a bad path or mode, a path given twice, a path that is both
 *         a file and a directory, or an empty symlink target; LD_ELIMIT when zip64 would be
 *         needed or `out`'s cap is reached; LD_ERROR without memory
 */
int ld_zip_write(ld_buf *out, const ld_zipw_entry *entries, size_t count);

/** As ld_zip_write(), deflating with `threads` threads (0: one per CPU, at most 4, when the
 *  input is large enough to gain from it). The bytes never depend on `threads`. */
int ld_zip_write_threads(ld_buf *out, const ld_zipw_entry *entries, size_t count,
			 unsigned threads);

/** The zlib version the writer's output depends on, for provenance ("zlib 1.2.13"). */
const char *ld_zip_writer_deflate(void);

#endif
