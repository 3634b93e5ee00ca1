/* Content manifests (see manifest.h): building, sorting and checking, the digest over the
 * canonical lines, and the diff of two manifests that the code-drift rule reports. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "pkg/manifest.h"
#include "pkg/path.h"
#include "util/array.h"
#include "util/str.h"

/* Generous: a 250 MB package of 1-byte files cannot have more entries than this and
 * still be what the zip reader accepts; it only bounds the array against misuse. */
#define MANIFEST_MAX_ENTRIES ((size_t)1 << 24)

int ld_manifest_new(ld_manifest **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : ld_error_oom();
}

void ld_manifest_free(ld_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++)
		free(m->entries[i].path);
	free(m->entries);
	free(m);
}

/* A printable copy of the path is made only for a message: paths that pass (all of them,
 * almost always) are never formatted. */
static int check_entry(const char *path, const char *sha256_hex)
{
	char norm[LD_PKG_PATH_MAX + 1], quoted[160];
	const char *why = NULL;
	size_t len = strlen(path);
	long n = ld_pkg_path_normalise(norm, path, len, &why);

	if (n > 0 && (size_t)n == len && memcmp(norm, path, len) == 0 && ld_is_hex64(sha256_hex))
		return 0;
	ld_pkg_path_quote(quoted, sizeof(quoted), path, len);
	if (n < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_ZIP, "manifest path '%s': %s", quoted, why);
	if (n == 0 || (size_t)n != len || memcmp(norm, path, len))
		return ld_error_setc(LD_EINVALID, LD_ERR_ZIP,
				     "manifest path '%s' is not normalised", quoted);
	return ld_error_setc(LD_EINVALID, LD_ERR_ZIP,
			     "manifest entry '%s' has a malformed sha256", quoted);
}

static int reserve(ld_manifest *m)
{
	if (m->count < m->alloc)
		return 0;
	if (m->count >= MANIFEST_MAX_ENTRIES)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP, "manifest has more than %zu entries",
				     MANIFEST_MAX_ENTRIES);
	return ld_array_reserve(m->entries, m->alloc, m->count + 1);
}

int ld_manifest_add(ld_manifest *m, const char *path, ld_manifest_kind kind, int exec,
		    uint64_t size, const char *sha256_hex)
{
	ld_manifest_entry *e;
	int error;

	if ((error = check_entry(path, sha256_hex)) < 0 || (error = reserve(m)) < 0)
		return error;
	e = &m->entries[m->count];
	if (!(e->path = strdup(path)))
		return ld_error_oom();
	e->kind = kind;
	e->exec = kind == LD_MANIFEST_FILE && exec ? 1 : 0;
	e->size = size;
	memcpy(e->sha256, sha256_hex, sizeof(e->sha256));
	m->count++;
	m->finished = 0;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const ld_manifest_entry *)a)->path, ((const ld_manifest_entry *)b)->path);
}

/* Entries under "a/" sort after "a" but possibly after "a-x", "a.js" too (bytes below '/'),
 * so a clash is found with one lower-bound search for "a/" per entry: O(n log n) however
 * hostile the names. */
static const char *dir_clash(const ld_manifest *m, size_t i)
{
	const char *p = m->entries[i].path;
	size_t len = strlen(p), lo = i + 1, hi = m->count, mid;
	const char *q;

	/* The paths that start with p follow it at once: when the next one does not, none
	 * does, and no search is needed (the usual case). */
	if (lo >= m->count || strncmp(m->entries[lo].path, p, len) != 0)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		q = m->entries[mid].path;
		int c = strncmp(q, p, len);
		if (c < 0 || (c == 0 && (unsigned char)q[len] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->count) {
		q = m->entries[lo].path;
		if (strncmp(q, p, len) == 0 && q[len] == '/')
			return q;
	}
	return NULL;
}

int ld_manifest_finish(ld_manifest *m)
{
	char quoted[160], quoted2[160];
	const char *clash, *p;

	if (m->count)
		qsort(m->entries, m->count, sizeof(*m->entries), cmp_entry);
	for (size_t i = 0; i < m->count; i++) {
		p = m->entries[i].path;
		if (i + 1 < m->count && strcmp(p, m->entries[i + 1].path) == 0) {
			ld_pkg_path_quote(quoted, sizeof(quoted), p, strlen(p));
			return ld_error_setc(LD_EINVALID, LD_ERR_ZIP,
					     "path '%s' appears twice in the package", quoted);
		}
		if ((clash = dir_clash(m, i)) != NULL) {
			ld_pkg_path_quote(quoted, sizeof(quoted), p, strlen(p));
			ld_pkg_path_quote(quoted2, sizeof(quoted2), clash, strlen(clash));
			return ld_error_setc(LD_EINVALID, LD_ERR_ZIP,
					     "path '%s' is a file but '%s' uses it as a directory",
					     quoted, quoted2);
		}
	}
	m->finished = 1;
	return 0;
}

const ld_manifest_entry *ld_manifest_find(const ld_manifest *m, const char *path)
{
	ld_manifest_entry key;

	if (!m->count)
		return NULL;
	key.path = (char *)path;
	return bsearch(&key, m->entries, m->count, sizeof(*m->entries), cmp_entry);
}

static int put_line(ld_buf *out, const ld_manifest_entry *e)
{
	const char *x = e->kind == LD_MANIFEST_SYMLINK ? "l" : e->exec ? "1" : "0";
	return ld_buf_printf(out, "%s\t%s\t%" PRIu64 "\t%s\n", e->path, x, e->size, e->sha256);
}

int ld_manifest_lines(ld_buf *out, const ld_manifest *m)
{
	int error;

	for (size_t i = 0; i < m->count; i++)
		if ((error = put_line(out, &m->entries[i])) < 0)
			return error;
	return 0;
}

/* Lines are hashed one at a time, so the digest of a large manifest needs no big buffer. */
int ld_manifest_digest(char out[LD_SHA256_HEX_LEN + 1], const ld_manifest *m)
{
	ld_buf line = LD_BUF_INIT_CAP(LD_PKG_PATH_MAX + 256);
	ld_sha256_ctx *ctx = NULL;
	uint8_t raw[LD_SHA256_LEN];
	int error = 0;

	if (!(ctx = ld_sha256_new())) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t i = 0; i < m->count; i++) {
		ld_buf_clear(&line);
		if ((error = put_line(&line, &m->entries[i])) < 0)
			goto done;
		ld_sha256_update(ctx, line.ptr, line.size);
	}
	ld_sha256_final(ctx, raw);
	ctx = NULL;
	ld_hex(out, raw, LD_SHA256_LEN);
done:
	ld_sha256_free(ctx);
	ld_buf_dispose(&line);
	return error;
}

static unsigned entry_changes(const ld_manifest_entry *a, const ld_manifest_entry *b)
{
	unsigned what = 0;
	if (a->kind != b->kind)
		what |= LD_CHANGED_KIND;
	if (a->size != b->size || strcmp(a->sha256, b->sha256))
		what |= LD_CHANGED_CONTENT;
	if (a->exec != b->exec)
		what |= LD_CHANGED_EXEC;
	return what;
}

static void record(ld_manifest_diff *d, ld_change_kind kind, unsigned what,
		   const ld_manifest_entry *a, const ld_manifest_entry *b)
{
	ld_manifest_change *c = &d->changes[d->count++];
	c->kind = kind;
	c->what = what;
	c->expected = a;
	c->actual = b;
	c->path = a ? a->path : b->path;
	if (kind == LD_CHANGE_ADDED)
		d->added++;
	else if (kind == LD_CHANGE_REMOVED)
		d->removed++;
	else
		d->modified++;
}

/* A merge walk over the two sorted entry arrays; at most |a| + |b| changes. */
int ld_manifest_diff_compute(ld_manifest_diff *out, const ld_manifest *expected,
			     const ld_manifest *actual)
{
	size_t i = 0, j = 0, n = expected->count + actual->count;
	unsigned what;
	int c;

	memset(out, 0, sizeof(*out));
	if (n && !(out->changes = calloc(n, sizeof(*out->changes))))
		return ld_error_oom();
	while (i < expected->count || j < actual->count) {
		const ld_manifest_entry *a = i < expected->count ? &expected->entries[i] : NULL;
		const ld_manifest_entry *b = j < actual->count ? &actual->entries[j] : NULL;
		c = !a ? 1 : !b ? -1 : strcmp(a->path, b->path);
		if (c < 0) {
			record(out, LD_CHANGE_REMOVED, 0, a, NULL);
			i++;
		} else if (c > 0) {
			record(out, LD_CHANGE_ADDED, 0, NULL, b);
			j++;
		} else {
			if ((what = entry_changes(a, b)) != 0)
				record(out, LD_CHANGE_MODIFIED, what, a, b);
			i++, j++;
		}
	}
	return 0;
}

void ld_manifest_diff_dispose(ld_manifest_diff *diff)
{
	if (!diff)
		return;
	free(diff->changes);
	memset(diff, 0, sizeof(*diff));
}

const char *ld_manifest_change_what(unsigned what)
{
	if (what & LD_CHANGED_KIND)
		return "file type";
	switch (what & (LD_CHANGED_CONTENT | LD_CHANGED_EXEC)) {
	case LD_CHANGED_CONTENT:
		return "content";
	case LD_CHANGED_EXEC:
		return "exec bit";
	case LD_CHANGED_CONTENT | LD_CHANGED_EXEC:
		return "content and exec bit";
	default:
		return "nothing";
	}
}
