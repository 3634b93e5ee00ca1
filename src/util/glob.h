/*
 * Exclude globs: the gitignore-like subset the spec's "exclude" lists use. A pattern is
 * matched against a '/'-separated path relative to a package root. `*` matches within one
 * segment, `?` one character other than '/', `[a-z]` / `[!a-z]` a class, `\x` a literal x;
 * a segment `**` matches any number of directories (zero or more in the middle or at the
 * start, one or more at the end); a trailing '/' makes the pattern match directories only; a
 * pattern without another '/' matches a basename at any depth, one with a '/' is anchored at
 * the root (a leading '/' only anchors). Negation ("!pat") is not supported and is refused
 * by ld_pathglob_validate(). Matching allocates nothing and never backtracks exponentially.
 * (The prefix is ld_pathglob_ because ld_glob_match, fnmatch over function names, is
 * already public in lambdrift/inventory.h.)
 */
#ifndef LD_UTIL_PATHGLOB_H
#define LD_UTIL_PATHGLOB_H

#include <stdbool.h>
#include <stddef.h>

#define LD_PATHGLOB_MAX_PATTERN 512
#define LD_PATHGLOB_MAX_PATH 4096

/**
 * Check that `pattern` is usable.
 * @param why set to a static, lowercase reason when the pattern is refused
 * @return true when the pattern is valid
 */
bool ld_pathglob_validate(const char *pattern, const char **why);

/**
 * Does `pattern` match `path` itself (no ancestor check)? `is_dir` says whether the path
 * names a directory, for patterns ending in '/'. Invalid patterns match nothing.
 */
bool ld_pathglob_match(const char *pattern, const char *path, bool is_dir);

/**
 * Is `path` excluded by any of `patterns`: does a pattern match the path itself or one of
 * its ancestor directories (as gitignore excludes everything under an excluded directory)?
 */
bool ld_pathglob_excluded(const char *const *patterns, size_t npatterns, const char *path,
		      bool is_dir);

#endif
