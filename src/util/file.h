/*
 * Opening the files a user names (snapshots, specs, baselines, tables, AWS config): one
 * place that tells a directory from a file, so every reader can say which it was given.
 */
#ifndef LD_UTIL_FILE_H
#define LD_UTIL_FILE_H

#include <stdio.h>

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

#endif
