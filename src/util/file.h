/*
 * Opening and reading the files a user names (snapshots, specs, baselines, tables, AWS
 * config, account lists, keys, tokens): one place that tells a directory from a file, so
 * every reader can say which it was given, and one bounded read of a whole file.
 */
#ifndef LD_UTIL_FILE_H
#define LD_UTIL_FILE_H

#include <stdio.h>

#include "lambdrift/buf.h"
#include "lambdrift/errors.h"

/**
 * fopen(path, "rb") for a file. A directory is refused here: fopen opens one on Linux and
 * only the first read fails, with nothing better to say than "read error".
 * @return the stream (the caller closes it), or NULL with errno set: EISDIR for a directory
 */
FILE *ld_file_open(const char *path);

/** The error for a directory given where `what` (e.g. "an inventory snapshot") was
 *  expected, of class `klass`. @return LD_EUSAGE */
int ld_file_dir_error(const char *path, const char *what, ld_error_class klass);

/**
 * Append the whole file at `path` to `buf` (as git's strbuf_read_file), at most `cap`
 * bytes and within the buffer's own cap. Bytes go straight into the buffer, which is sized
 * from the file up front, so a secret is not left in stack copies or moved buffers.
 * On failure `buf` is as it was, errno says why, and a message naming `path` is recorded;
 * callers that have their own wording test the return and errno, in this order:
 * @return 0; LD_ELIMIT when larger (errno EFBIG); LD_EUSAGE with errno EISDIR for a
 *   directory; LD_ENOTFOUND (missing) or LD_EUSAGE (otherwise) when it cannot be opened;
 *   LD_ERROR when reading fails or without memory
 */
int ld_buf_read_file(ld_buf *buf, const char *path, size_t cap);

#endif
