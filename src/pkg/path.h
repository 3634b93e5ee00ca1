/*
 * Package paths: the one definition of what a path inside a Lambda package may look like,
 * shared by the zip reader, the zip writer and anything that builds a manifest from a git
 * tree. A path is relative, '/'-separated, UTF-8, without '.', '..' or empty components,
 * without backslashes, drive letters, NUL or other control characters, at most
 * LD_PKG_PATH_MAX bytes. Normalising only removes '.' and empty components (and a
 * trailing '/'); everything else that is not allowed is refused, never rewritten.
 */
#ifndef LD_PKG_PATH_H
#define LD_PKG_PATH_H

#include <stddef.h>

#define LD_PKG_PATH_MAX 4096

/**
 * Normalise `len` bytes of `name` into `out` (NUL-terminated, at most LD_PKG_PATH_MAX
 * bytes plus the NUL).
 * @param out buffer of at least LD_PKG_PATH_MAX + 1 bytes
 * @param why on refusal, a static lowercase reason ("'..' component", ...)
 * @return the normalised length (0 when the name is empty after normalising, e.g. "./"),
 *         or -1 when the name is refused (see `why`)
 */
long ld_pkg_path_normalise(char *out, const char *name, size_t len, const char **why);

/** A printable, bounded copy of an untrusted name for error messages: non-printable
 *  bytes become \xNN and long names are cut with "...". `out` holds `size` bytes. */
void ld_pkg_path_quote(char *out, size_t size, const char *name, size_t len);

#endif
