/*
 * Zip reader (see zip.h). Reading goes in phases so that a hostile archive is refused before
 * any inflating starts: find the end records, parse every central directory record and its
 * local header (names, methods, limits, zip64 fields, data descriptors), check that the
 * entries tile the bytes before the central directory exactly (no overlap, no hidden data)
 * and that no path appears twice, and only then inflate the entries, in parallel, into
 * SHA-256 and CRC-32. Entries up to WHOLE_MAX inflate in one call of libdeflate (about
 * twice zlib's speed; see inflate_whole); larger ones, and any entry libdeflate refuses,
 * stream through zlib, whose checks name what is wrong. The archive is trusted for nothing: every offset and length is
 * checked against the buffer and against the records that enclose it. Content access adds
 * one phase before inflating (ask `want` about every file, in archive order, and decide
 * there which wanted entries fit the bounds, so the decisions never depend on threads) and
 * one after (hand the kept contents to the callback, in the same order).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>
#include <zlib.h>

#include "lambdrift/errors.h"
#include "pkg/path.h"
#include "pkg/zip.h"
#include "util/array.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_LOCATOR 0x07064b50u
#define SIG_DESCRIPTOR 0x08074b50u

#define LOCAL_LEN 30
#define CENTRAL_LEN 46
#define EOCD_LEN 22
#define LOCATOR_LEN 20
#define EOCD64_LEN 56

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_STRONG 0x0040u
#define FLAG_MASKED_CD 0x2000u

#define HOST_UNIX 3
#define EXTRA_ZIP64 0x0001u
#define OUT_CHUNK ((size_t)128 * 1024)
#define IN_CHUNK ((uint64_t)1 << 30)   /* z_stream counts are 32-bit */
#define MAX_WORKERS 4
#define PARALLEL_MIN_BYTES ((uint64_t)4 << 20)   /* below this, threads cost more than they save */
#define CONTENT_ENTRY_DEFAULT ((uint64_t)16 << 20)
/* The largest entry inflated whole into a worker's buffer; the same bound as a kept entry,
 * so the workers' buffers together never exceed what kept entries may already cost. */
#define WHOLE_MAX CONTENT_ENTRY_DEFAULT
#define CONTENT_TOTAL_DEFAULT ((uint64_t)64 << 20)
/* What one nested archive may keep for callbacks. Reserved from the total before any
 * reading, since what a jar holds is only known once a thread has opened it: 64 KiB holds
 * hundreds of pom.properties, and the default total still admits a thousand jars. */
#define NESTED_KEEP ((uint64_t)64 << 10)

enum { KIND_FILE, KIND_SYMLINK, KIND_DIR };

/* A kept entry of a nested archive, delivered in place of the archive. */
typedef struct {
	char *path;
	ld_zip_item_status status;
	uint8_t *data;
	size_t len;
	uint64_t size;
} zitem;

/* What the caller asked for an entry, and what was read for it. */
typedef struct {
	ld_zip_want mode;
	ld_zip_item_status status;
	const uint8_t *data;       /* LD_ZIP_TAKE: the content (into the archive when stored) */
	uint8_t *owned;            /* inflated content */
	size_t len;
	uint64_t keep;             /* LD_ZIP_OPEN: bytes its entries may keep */
	zitem *items;              /* LD_ZIP_OPEN: the nested archive's wanted entries */
	size_t nitems, aitems;
	char *why;                 /* LD_ZIP_ITEM_BAD_NESTED */
} zcap;

typedef struct {
	const uint8_t *raw_name;   /* into the archive, for messages and the local header */
	size_t raw_len;
	char *path;                /* normalised, in r->names; NULL for directories */
	int kind, exec;
	uint16_t flags, method;
	uint32_t crc;
	uint64_t csize, usize, offset;
	uint64_t data;             /* first byte of compressed data */
	uint64_t end;              /* one past the data and its descriptor */
	int local_zip64;           /* the local header carries a zip64 extra field */
	uint8_t sha256[LD_SHA256_LEN];   /* of the content, filled in by a worker */
	zcap *cap;                 /* content wanted by the caller, or NULL */
} zentry;

typedef struct {
	const uint8_t *p;
	uint64_t len;
	ld_zip_limits lim;
	uint64_t count, cd_offset, cd_size, cd_end;
	zentry *ents;
	size_t n;
	uint64_t total;
	char quoted[192];          /* scratch for messages while parsing */
	atomic_size_t next;        /* next entry for a worker to take */
	atomic_int stop;           /* set by a worker that failed */
	/* content access */
	ld_zip_want_fn want;
	void *want_payload;
	ld_zip_item_fn cb;
	void *cb_payload;
	const char *container;     /* path of this archive inside the outer one, or NULL */
	char *names;               /* the entries' paths, one after the other: a record
				      holds its name and 46 bytes more, so the central
				      directory's size bounds them all with their NULs */
	size_t names_size, names_used;
	int content_only;          /* ld_zip_visit: no hashing, only wanted entries inflate */
	uint64_t reserved;         /* content bytes promised to wanted entries so far */
} zreader;

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/* [off, off+n) lies within [0, limit): written so no addition can overflow. */
static int fits(uint64_t off, uint64_t n, uint64_t limit)
{
	return off <= limit && n <= limit - off;
}

static const char *qname(zreader *r, const zentry *e)
{
	ld_pkg_path_quote(r->quoted, sizeof(r->quoted), (const char *)e->raw_name, e->raw_len);
	return r->quoted;
}

#define BAD(...) ld_error_setc(LD_EINVALID, LD_ERR_ZIP, __VA_ARGS__)
#define OVER(...) ld_error_setc(LD_ELIMIT, LD_ERR_ZIP, __VA_ARGS__)

/* Find extra field `id`; a malformed tail (some aligners pad with junk) ends the search. */
static const uint8_t *find_extra(const uint8_t *ex, size_t len, uint16_t id, size_t *size)
{
	size_t pos = 0, sz;

	while (pos + 4 <= len) {
		sz = rd16(ex + pos + 2);
		if (pos + 4 + sz > len)
			return NULL;
		if (rd16(ex + pos) == id) {
			*size = sz;
			return ex + pos + 4;
		}
		pos += 4 + sz;
	}
	return NULL;
}

/* ---- end of central directory ---- */

/* The EOCD is the last signature in the file, and its comment length must account exactly
 * for the bytes after it. Other readers (unzip, Python) also take the last signature, so an
 * earlier record "repaired" by looking further back would be read differently by them:
 * a comment holding a second end record is refused, not resolved. */
static int find_eocd(zreader *r, uint64_t *pos)
{
	uint64_t i, lowest;

	if (r->len < EOCD_LEN)
		return BAD("zip archive is truncated: %llu bytes is too short to be a zip",
			   (unsigned long long)r->len);
	lowest = r->len > EOCD_LEN + 0xffff ? r->len - EOCD_LEN - 0xffff : 0;
	for (i = r->len - EOCD_LEN + 1; i-- > lowest;) {
		if (rd32(r->p + i) != SIG_EOCD)
			continue;
		if (i + EOCD_LEN + rd16(r->p + i + 20) != r->len)
			return BAD("zip archive's comment length does not match its end (trailing "
				   "data, or a comment holding a second end record)");
		*pos = i;
		return 0;
	}
	return BAD("zip archive has no end of central directory record (truncated or not a zip)");
}

/* Use the zip64 record when present; where both records give a value, they must agree. */
static int read_eocd64(zreader *r, uint64_t eocd, const uint8_t *e)
{
	const uint8_t *loc = r->p + eocd - LOCATOR_LEN, *z;
	uint64_t off = rd64(loc + 8), rec;

	if (rd32(loc + 4) != 0 || rd32(loc + 16) > 1)
		return BAD("zip archive spans several disks, which is not supported");
	if (!fits(off, EOCD64_LEN, eocd - LOCATOR_LEN) || rd32(r->p + off) != SIG_EOCD64)
		return BAD("zip64 end of central directory locator points outside the archive");
	z = r->p + off;
	rec = rd64(z + 4);
	if (rec < EOCD64_LEN - 12 || off + 12 + rec != eocd - LOCATOR_LEN)
		return BAD("zip64 end of central directory record has a bad size");
	if (rd32(z + 16) != 0 || rd32(z + 20) != 0 || rd64(z + 24) != rd64(z + 32))
		return BAD("zip archive spans several disks, which is not supported");
	r->count = rd64(z + 32);
	r->cd_size = rd64(z + 40);
	r->cd_offset = rd64(z + 48);
	r->cd_end = off;
	if ((rd16(e + 10) != 0xffff && rd16(e + 10) != r->count) ||
	    (rd32(e + 12) != 0xffffffffu && rd32(e + 12) != r->cd_size) ||
	    (rd32(e + 16) != 0xffffffffu && rd32(e + 16) != r->cd_offset))
		return BAD("zip archive's end records disagree about the central directory");
	return 0;
}

static int read_end(zreader *r)
{
	uint64_t eocd = 0;
	const uint8_t *e;
	int error;

	if ((error = find_eocd(r, &eocd)) < 0)
		return error;
	e = r->p + eocd;
	if (eocd >= LOCATOR_LEN && rd32(r->p + eocd - LOCATOR_LEN) == SIG_LOCATOR) {
		if ((error = read_eocd64(r, eocd, e)) < 0)
			return error;
	} else {
		if (rd16(e + 4) != 0 || rd16(e + 6) != 0 || rd16(e + 8) != rd16(e + 10))
			return BAD("zip archive spans several disks, which is not supported");
		r->count = rd16(e + 10);
		r->cd_size = rd32(e + 12);
		r->cd_offset = rd32(e + 16);
		r->cd_end = eocd;
	}
	if (!fits(r->cd_offset, r->cd_size, r->cd_end))
		return BAD("zip archive's central directory (%llu bytes at offset %llu) lies outside "
			   "the archive (truncated?)", (unsigned long long)r->cd_size,
			   (unsigned long long)r->cd_offset);
	if (r->cd_offset + r->cd_size != r->cd_end)
		return BAD("zip archive has %llu unaccounted bytes after its central directory",
			   (unsigned long long)(r->cd_end - r->cd_offset - r->cd_size));
	if (r->count > r->lim.max_entries)
		return OVER("zip archive claims %llu entries, more than the limit of %llu",
			    (unsigned long long)r->count, (unsigned long long)r->lim.max_entries);
	if (r->count > r->cd_size / CENTRAL_LEN)
		return BAD("zip archive claims %llu entries but its central directory holds at most "
			   "%llu", (unsigned long long)r->count,
			   (unsigned long long)(r->cd_size / CENTRAL_LEN));
	return 0;
}

/* ---- central directory records ---- */

static int central_zip64(zreader *r, zentry *e, const uint8_t *ex, size_t exlen,
			 uint16_t disk)
{
	size_t sz = 0, pos = 0;
	const uint8_t *z = NULL;
	uint64_t *want[3] = { &e->usize, &e->csize, &e->offset };

	for (int i = 0; i < 3; i++) {
		if (*want[i] != 0xffffffffu)
			continue;
		if (!z && !(z = find_extra(ex, exlen, EXTRA_ZIP64, &sz)))
			sz = 0;
		if (pos + 8 > sz)
			return BAD("zip entry '%s' lacks the zip64 field its header calls for",
				   qname(r, e));
		*want[i] = rd64(z + pos);
		pos += 8;
	}
	if (disk == 0xffff) {
		if (!z && !(z = find_extra(ex, exlen, EXTRA_ZIP64, &sz)))
			sz = 0;
		if (pos + 4 > sz)
			return BAD("zip entry '%s' lacks the zip64 field its header calls for",
				   qname(r, e));
		disk = (uint16_t)(rd32(z + pos) ? 1 : 0);
	}
	if (disk != 0)
		return BAD("zip entry '%s' is on another disk (multi-disk archives are not "
			   "supported)", qname(r, e));
	return 0;
}

/* Entry type from the Unix mode when the maker was Unix; otherwise only a trailing '/' or
 * the MS-DOS directory attribute makes a directory, and nothing is executable. A FIFO is
 * content like any file: Info-ZIP records piped input (`... | zip z.zip -`) that way, and
 * unzip extracts it as a regular file. Devices and sockets have no such excuse. */
static int classify(zreader *r, zentry *e, uint16_t made_by, uint32_t attrs)
{
	unsigned mode = attrs >> 16, type = mode & 0170000;
	int slash = e->raw_len && e->raw_name[e->raw_len - 1] == '/';

	e->kind = KIND_FILE;
	e->exec = 0;
	if ((made_by >> 8) == HOST_UNIX && mode) {
		if (type == 0120000)
			e->kind = KIND_SYMLINK;
		else if (type == 0040000)
			e->kind = KIND_DIR;
		else if (type != 0100000 && type != 0 && type != 0010000)
			return BAD("zip entry '%s' is a device or socket (mode %06o)",
				   qname(r, e), mode);
		e->exec = e->kind == KIND_FILE && (mode & 0100);
	} else if (attrs & 0x10) {
		e->kind = KIND_DIR;
	}
	if (slash) {
		if (e->kind == KIND_SYMLINK)
			return BAD("zip entry '%s' is a symlink named like a directory",
				   qname(r, e));
		e->kind = KIND_DIR;
	}
	if (e->kind == KIND_DIR && e->usize != 0)
		return BAD("zip entry '%s' is a directory with %llu bytes of content", qname(r, e),
			   (unsigned long long)e->usize);
	if (e->kind == KIND_SYMLINK && e->usize > LD_PKG_PATH_MAX)
		return BAD("zip entry '%s' is a symlink with a target longer than %d bytes",
			   qname(r, e), LD_PKG_PATH_MAX);
	return 0;
}

static int check_name(zreader *r, zentry *e)
{
	char norm[LD_PKG_PATH_MAX + 1];
	const char *why = NULL;
	long n = ld_pkg_path_normalise(norm, (const char *)e->raw_name, e->raw_len, &why);

	if (n < 0)
		return BAD("zip entry '%s' is unsafe: %s", qname(r, e), why);
	if (e->kind == KIND_DIR)
		return 0;
	if (n == 0)
		return BAD("zip entry '%s' has an empty path", qname(r, e));
	/* read_central sized the arena so that every name fits; checked all the same */
	if ((size_t)n >= r->names_size - r->names_used)
		return ld_error_set(LD_ERR_ZIP, "zip reader's name space is exhausted");
	e->path = r->names + r->names_used;
	memcpy(e->path, norm, (size_t)n + 1);
	r->names_used += (size_t)n + 1;
	return 0;
}

static int check_method_and_limits(zreader *r, zentry *e)
{
	if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG | FLAG_MASKED_CD))
		return BAD("zip entry '%s' is encrypted", qname(r, e));
	if (e->method != 0 && e->method != Z_DEFLATED)
		return BAD("zip entry '%s' uses unsupported compression method %u", qname(r, e),
			   e->method);
	if (e->method == 0 && e->csize != e->usize)
		return BAD("zip entry '%s' is stored but declares %llu bytes compressed and %llu "
			   "uncompressed", qname(r, e), (unsigned long long)e->csize,
			   (unsigned long long)e->usize);
	if (e->usize > r->lim.max_total - r->total)
		return OVER("zip archive inflates to more than the %llu-byte limit (at entry '%s')",
			    (unsigned long long)r->lim.max_total, qname(r, e));
	r->total += e->usize;
	if (e->usize >= r->lim.ratio_min_size &&
	    e->usize / r->lim.max_ratio > e->csize)
		return OVER("zip entry '%s' claims a compression ratio above %u:1 (%llu bytes from "
			    "%llu), refused as a zip bomb", qname(r, e), r->lim.max_ratio,
			    (unsigned long long)e->usize, (unsigned long long)e->csize);
	return 0;
}

/* ---- local headers and data descriptors ---- */

/* The descriptor may or may not start with its signature and carries 32- or 64-bit sizes;
 * accept whichever layout repeats exactly what the central directory says. */
static int read_descriptor(zreader *r, zentry *e, uint64_t at, uint64_t limit)
{
	const uint8_t *p = r->p + at;
	int sig, k, wide;

	for (sig = 1; sig >= 0; sig--) {
		if (sig && (!fits(at, 4, limit) || rd32(p) != SIG_DESCRIPTOR))
			continue;
		for (k = 0; k < 2; k++) {
			wide = k ? !e->local_zip64 : e->local_zip64;
			uint64_t len = 4u * sig + 4 + (wide ? 16 : 8);
			const uint8_t *d = p + 4 * sig;
			if (!fits(at, len, limit) || rd32(d) != e->crc)
				continue;
			if (wide ? rd64(d + 4) == e->csize && rd64(d + 12) == e->usize
				 : rd32(d + 4) == e->csize && rd32(d + 8) == e->usize) {
				e->end = at + len;
				return 0;
			}
		}
	}
	return BAD("zip entry '%s' has a data descriptor that does not match the central "
		   "directory (or is missing)", qname(r, e));
}

static int local_sizes(zreader *r, zentry *e, const uint8_t *h, const uint8_t *ex,
		       size_t exlen, uint64_t *csize, uint64_t *usize)
{
	size_t sz = 0;
	const uint8_t *z = find_extra(ex, exlen, EXTRA_ZIP64, &sz);

	*csize = rd32(h + 18);
	*usize = rd32(h + 22);
	e->local_zip64 = z != NULL;
	if (*usize == 0xffffffffu || *csize == 0xffffffffu) {
		if (!z || sz < 16)
			return BAD("zip entry '%s' lacks the zip64 field its local header calls for",
				   qname(r, e));
		*usize = rd64(z);
		*csize = rd64(z + 8);
	}
	return 0;
}

static int same_or_zero(uint64_t local, uint64_t central, int descriptor)
{
	return local == central || (descriptor && local == 0);
}

static int check_local(zreader *r, zentry *e)
{
	const uint8_t *h;
	uint64_t csize, usize, lname, lextra;
	int dd = (e->flags & FLAG_DESCRIPTOR) != 0, error;

	if (!fits(e->offset, LOCAL_LEN, r->cd_offset) || rd32(r->p + e->offset) != SIG_LOCAL)
		return BAD("zip entry '%s' has no local header at offset %llu", qname(r, e),
			   (unsigned long long)e->offset);
	h = r->p + e->offset;
	lname = rd16(h + 26);
	lextra = rd16(h + 28);
	e->data = e->offset + LOCAL_LEN + lname + lextra;
	if (e->data > r->cd_offset)
		return BAD("zip entry '%s' has a local header that runs into the central directory",
			   qname(r, e));
	if (lname != e->raw_len || memcmp(h + LOCAL_LEN, e->raw_name, e->raw_len))
		return BAD("zip entry '%s' has a local header with a different name", qname(r, e));
	if (rd16(h + 8) != e->method ||
	    (rd16(h + 6) & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR)) != (e->flags & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR)))
		return BAD("zip entry '%s' has a local header whose method or flags differ from the "
			   "central directory", qname(r, e));
	if ((error = local_sizes(r, e, h, h + LOCAL_LEN + lname, lextra, &csize, &usize)) < 0)
		return error;
	if (!same_or_zero(rd32(h + 14), e->crc, dd) || !same_or_zero(csize, e->csize, dd) ||
	    !same_or_zero(usize, e->usize, dd))
		return BAD("zip entry '%s' has a local header whose crc or sizes differ from the "
			   "central directory", qname(r, e));
	if (!fits(e->data, e->csize, r->cd_offset))
		return BAD("zip entry '%s' has data running past the start of the central directory "
			   "(truncated or overlapping)", qname(r, e));
	e->end = e->data + e->csize;
	return dd ? read_descriptor(r, e, e->end, r->cd_offset) : 0;
}

static int parse_central(zreader *r, uint64_t *pos, zentry *e)
{
	const uint8_t *c = r->p + *pos;
	uint64_t limit = r->cd_offset + r->cd_size, lname, lextra, lcomment;
	uint16_t made_by, disk;
	uint32_t attrs;
	int error;

	if (!fits(*pos, CENTRAL_LEN, limit) || rd32(c) != SIG_CENTRAL)
		return BAD("zip archive's central directory is malformed at entry %zu of %llu",
			   r->n + 1, (unsigned long long)r->count);
	lname = rd16(c + 28);
	lextra = rd16(c + 30);
	lcomment = rd16(c + 32);
	if (!fits(*pos + CENTRAL_LEN, lname + lextra + lcomment, limit))
		return BAD("zip archive's central directory is truncated at entry %zu of %llu",
			   r->n + 1, (unsigned long long)r->count);
	e->raw_name = c + CENTRAL_LEN;
	e->raw_len = lname;
	made_by = rd16(c + 4);
	e->flags = rd16(c + 8);
	e->method = rd16(c + 10);
	e->crc = rd32(c + 16);
	e->csize = rd32(c + 20);
	e->usize = rd32(c + 24);
	disk = rd16(c + 34);
	attrs = rd32(c + 38);
	e->offset = rd32(c + 42);
	*pos += CENTRAL_LEN + lname + lextra + lcomment;
	if ((error = central_zip64(r, e, c + CENTRAL_LEN + lname, lextra, disk)) < 0 ||
	    (error = classify(r, e, made_by, attrs)) < 0 ||
	    (error = check_name(r, e)) < 0 ||
	    (error = check_method_and_limits(r, e)) < 0)
		return error;
	return check_local(r, e);
}

static int read_central(zreader *r)
{
	uint64_t pos = r->cd_offset;
	int error;

	if (r->count && (!(r->ents = calloc((size_t)r->count, sizeof(*r->ents))) ||
			 !(r->names = malloc((size_t)r->cd_size))))
		return ld_error_oom();
	r->names_size = r->names ? (size_t)r->cd_size : 0;
	for (r->n = 0; r->n < r->count;) {
		zentry *e = &r->ents[r->n];
		error = parse_central(r, &pos, e);
		r->n++;   /* counted even on failure so its path is freed */
		if (error < 0)
			return error;
	}
	if (pos != r->cd_offset + r->cd_size)
		return BAD("zip archive's central directory holds %llu bytes beyond its %llu "
			   "entries", (unsigned long long)(r->cd_offset + r->cd_size - pos),
			   (unsigned long long)r->count);
	return 0;
}

/* ---- cross-entry checks ---- */

static int cmp_offset(const void *a, const void *b)
{
	const zentry *x = a, *y = b;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_path(const void *a, const void *b)
{
	const zentry *x = *(const zentry *const *)a, *y = *(const zentry *const *)b;
	return strcmp(x->path, y->path);
}

/* Writers list entries in the order of their data, so the sort below is usually not needed;
 * only a strictly increasing order is taken as is (equal offsets go through the sort, so
 * an overlap is reported exactly as before). */
static int strictly_by_offset(const zreader *r)
{
	for (size_t i = 1; i < r->n; i++)
		if (r->ents[i - 1].offset >= r->ents[i].offset)
			return 0;
	return 1;
}

/* Every byte before the central directory must belong to exactly one entry. Overlaps are
 * how "quoted" zip bombs reuse one compressed stream many times; gaps can hide local
 * entries that streaming readers (jar x, ZipInputStream) would extract but the central
 * directory does not list. After sorting by offset, the entries must tile [0, cd_offset). */
static int check_layout(zreader *r)
{
	char first[192];
	uint64_t at = 0;

	if (!strictly_by_offset(r))
		qsort(r->ents, r->n, sizeof(*r->ents), cmp_offset);
	for (size_t i = 0; i < r->n; i++) {
		zentry *e = &r->ents[i];
		if (e->offset > at)
			return BAD("zip archive has %llu unaccounted bytes before entry '%s' (hidden "
				   "data)", (unsigned long long)(e->offset - at), qname(r, e));
		if (e->offset < at) {
			memcpy(first, qname(r, &r->ents[i - 1]), sizeof(first));
			return BAD("zip entries '%s' and '%s' overlap", first, qname(r, e));
		}
		at = e->end;
	}
	if (at != r->cd_offset)
		return BAD("zip archive has %llu unaccounted bytes before its central directory "
			   "(hidden data)", (unsigned long long)(r->cd_offset - at));
	return 0;
}

/* Entries under "a/" sort after "a" but possibly after "a-x" and "a.js" too (bytes below
 * '/'), so a file used as a directory is found with one lower-bound search for "a/" per
 * entry, as ld_manifest_finish() does it. */
static const char *dir_clash(zentry *const *v, size_t n, size_t i)
{
	const char *p = v[i]->path, *q;
	size_t len = strlen(p), lo = i + 1, hi = n, mid;
	int c;

	/* The paths that start with p follow it at once: when the next one does not, none
	 * does, and no search is needed (the usual case). */
	if (lo >= n || strncmp(v[lo]->path, p, len) != 0)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		q = v[mid]->path;
		c = strncmp(q, p, len);
		if (c < 0 || (c == 0 && (unsigned char)q[len] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && strncmp(v[lo]->path, p, len) == 0 && v[lo]->path[len] == '/')
		return v[lo]->path;
	return NULL;
}

/* ld_zip_visit builds no manifest, so it makes the manifest's path check itself, with the
 * manifest's message: both readings refuse the same archives the same way. */
static int check_clashes(zentry *const *v, size_t n)
{
	char quoted[160], quoted2[160];
	const char *clash;

	for (size_t i = 0; i < n; i++) {
		if ((clash = dir_clash(v, n, i)) != NULL) {
			ld_pkg_path_quote(quoted, sizeof(quoted), v[i]->path,
					  strlen(v[i]->path));
			ld_pkg_path_quote(quoted2, sizeof(quoted2), clash, strlen(clash));
			return BAD("path '%s' is a file but '%s' uses it as a directory",
				   quoted, quoted2);
		}
	}
	return 0;
}

/* ---- a screen before the sorted checks ----
 * Sorting thousands of paths that share long prefixes (a jar's class files) costs more than
 * the rest of reading its directory, and almost every archive passes. So a hash set of the
 * paths screens first: it proves that no path appears twice (and, when only contents are
 * read, that no file is used as a directory), or it finds a doubt, and then the sorted
 * checks run as before and name the path. The screen never refuses anything itself.
 * Probing is bounded, so names built to collide cost a bounded number of steps each and
 * end in the sort. */

#define SCREEN_PROBES 32

typedef struct {
	const char *p;             /* NULL: empty slot */
	uint32_t len, hash;
} zslot;

typedef struct {
	zslot *slots;
	size_t mask;
} zset;

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return (uint32_t)(h >> 32);
}

static int zset_init(zset *t, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	t->mask = size - 1;
	return (t->slots = calloc(size, sizeof(*t->slots))) ? 0 : ld_error_oom();
}

/* Add [p, p+len): 1 added, 0 already there, -1 a doubt (the probes ran out). */
static int zset_add(zset *t, const char *p, size_t len, uint32_t hash)
{
	size_t i = hash & t->mask;

	for (int k = 0; k < SCREEN_PROBES; k++, i = (i + 1) & t->mask) {
		zslot *x = &t->slots[i];
		if (!x->p) {
			x->p = p;
			x->len = (uint32_t)len;
			x->hash = hash;
			return 1;
		}
		if (x->hash == hash && x->len == len && memcmp(x->p, p, len) == 0)
			return 0;
	}
	return -1;
}

/* 1 found, 0 not there, -1 a doubt. */
static int zset_has(const zset *t, const char *p, size_t len, uint32_t hash)
{
	size_t i = hash & t->mask;

	for (int k = 0; k < SCREEN_PROBES; k++, i = (i + 1) & t->mask) {
		const zslot *x = &t->slots[i];
		if (!x->p)
			return 0;
		if (x->hash == hash && x->len == len && memcmp(x->p, p, len) == 0)
			return 1;
	}
	return -1;
}

/* The directories above `p` (its first `len` bytes are its parent): each new one must not
 * be a file. A directory already seen had its own parents checked then. */
static int screen_dirs(const zset *files, zset *dirs, const char *p, size_t len)
{
	uint32_t h;
	int r;

	while (len) {
		h = hash_bytes(p, len);
		if ((r = zset_add(dirs, p, len, h)) <= 0)
			return r == 0 ? 1 : 0;
		if (zset_has(files, p, len, h) != 0)
			return 0;
		while (len && p[len - 1] != '/')
			len--;
		if (len)
			len--;
	}
	return 1;
}

/* 1 when the paths certainly pass; 0 when the sorted checks must look; <0 without memory. */
static int screen_paths(zentry *const *v, size_t n, int dirs_too)
{
	zset files = { NULL, 0 }, dirs = { NULL, 0 };
	const char *prev = NULL, *slash;
	size_t prev_len = 0, len, dlen;
	int ok = 1, error;

	if ((error = zset_init(&files, n)) < 0 || (dirs_too && (error = zset_init(&dirs, n)) < 0))
		goto done;
	for (size_t i = 0; i < n && ok; i++) {
		len = strlen(v[i]->path);
		if (len > UINT32_MAX ||
		    zset_add(&files, v[i]->path, len, hash_bytes(v[i]->path, len)) != 1)
			ok = 0;
	}
	/* Entries come grouped by directory, so one that shares the previous entry's parent
	 * has nothing new to check. */
	for (size_t i = 0; i < n && ok && dirs_too; i++) {
		slash = strrchr(v[i]->path, '/');
		dlen = slash ? (size_t)(slash - v[i]->path) : 0;
		if (dlen == 0 || (prev && dlen == prev_len && memcmp(prev, v[i]->path, dlen) == 0))
			continue;
		prev = v[i]->path;
		prev_len = dlen;
		ok = screen_dirs(&files, &dirs, v[i]->path, dlen);
	}
	error = ok;
done:
	free(files.slots);
	free(dirs.slots);
	return error;
}

static int check_duplicates(zreader *r)
{
	zentry **v = NULL;
	size_t n = 0;
	int error = 0;

	if (r->n && !(v = malloc(r->n * sizeof(*v))))
		return ld_error_oom();
	for (size_t i = 0; i < r->n; i++)
		if (r->ents[i].path)
			v[n++] = &r->ents[i];
	if ((error = screen_paths(v, n, r->content_only)) != 0) {
		free(v);
		return error < 0 ? error : 0;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_path);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(v[i - 1]->path, v[i]->path) == 0) {
			ld_pkg_path_quote(r->quoted, sizeof(r->quoted), v[i]->path,
					  strlen(v[i]->path));
			error = BAD("zip archive holds path '%s' twice", r->quoted);
			break;
		}
	}
	if (error == 0 && r->content_only)
		error = check_clashes(v, n);
	free(v);
	return error;
}

/* ---- content ---- */

/* Entries are independent, so they are hashed by up to `threads` workers that take the next
 * entry from a shared counter; inflate is the bottleneck and a package has thousands of
 * entries. Each worker owns its z_stream, output chunk and message scratch. Workers finish
 * the entry in hand before stopping, so every entry before a failing one is hashed and the
 * lowest failing entry, reported, is the same whatever the scheduling. A worker that reads
 * a wanted entry keeps a copy of it in the entry's own record (or opens it, for a nested
 * archive), so workers never share what they keep. */
typedef struct {
	zreader *r;
	z_stream zs;
	int zinit;
	uint8_t *out;
	struct libdeflate_decompressor *dd;
	uint8_t *whole;            /* inflate_whole's output when the entry is not kept */
	size_t whole_size;
	char quoted[192];
	size_t fail;               /* index of the entry that failed, or SIZE_MAX */
	int code;
	char message[sizeof(((ld_error *)0)->message)];
	uint8_t *scratch;          /* a nested archive being read, reused so that each jar */
	size_t scratch_size;       /* costs no fresh pages (at most max_content_entry bytes) */
} zworker;

static const char *wname(zworker *w, const zentry *e)
{
	ld_pkg_path_quote(w->quoted, sizeof(w->quoted), (const char *)e->raw_name, e->raw_len);
	return w->quoted;
}

static int worker_init(zworker *w)
{
	if (!(w->out = malloc(OUT_CHUNK)) || !(w->dd = libdeflate_alloc_decompressor()) ||
	    inflateInit2(&w->zs, -MAX_WBITS) != Z_OK)
		return ld_error_oom();
	w->zinit = 1;
	return 0;
}

static void worker_dispose(zworker *w)
{
	if (w->zinit)
		inflateEnd(&w->zs);
	w->zinit = 0;
	free(w->out);
	w->out = NULL;
	libdeflate_free_decompressor(w->dd);
	w->dd = NULL;
	free(w->whole);
	w->whole = NULL;
	w->whole_size = 0;
	free(w->scratch);
	w->scratch = NULL;
	w->scratch_size = 0;
}

/* Where a wanted, deflated entry inflates to: its own buffer when it is kept for delivery,
 * the worker's scratch when it is a nested archive, read and dropped at once. */
static int copy_buffer(zworker *w, const zentry *e, uint8_t **copy)
{
	size_t need = e->usize ? (size_t)e->usize : 1;
	uint8_t *p;

	if (e->cap->mode == LD_ZIP_TAKE) {
		if (!(*copy = malloc(need)))
			return ld_error_oom();
		return 0;
	}
	if (need > w->scratch_size) {
		if (!(p = realloc(w->scratch, need)))
			return ld_error_oom();
		w->scratch = p;
		w->scratch_size = need;
	}
	*copy = w->scratch;
	return 0;
}

/* The hash is absent when only contents are read. */
static void consume(ld_sha256_ctx *sha, uint32_t *crc, const uint8_t *p, size_t n)
{
	if (sha)
		ld_sha256_update(sha, p, n);
	*crc = libdeflate_crc32(*crc, p, n);
}

/* The fast path: inflate the whole entry in one call, into its copy when it is kept, else
 * into the worker's buffer. It only accepts a stream that ends exactly at the entry's
 * compressed size and yields exactly its declared size (libdeflate cannot write past
 * usize, so a bomb stops there); anything else returns 1 and the entry goes through
 * inflate_entry, which finds the same fault and says which it is.
 * @return 0 with *out set, 1 to stream instead, LD_ERROR */
static int inflate_whole(zworker *w, const zentry *e, uint8_t *copy, const uint8_t **out)
{
	size_t need = e->usize ? (size_t)e->usize : 1, used = 0, made = 0;
	enum libdeflate_result res;
	uint8_t *dst = copy, *p;

	if (!copy && e->usize > WHOLE_MAX)
		return 1;
	if (!copy && need > w->whole_size) {
		if (!(p = realloc(w->whole, need)))
			return ld_error_oom();
		w->whole = p;
		w->whole_size = need;
	}
	if (!dst)
		dst = w->whole;
	res = libdeflate_deflate_decompress_ex(w->dd, w->r->p + e->data, (size_t)e->csize, dst,
					       (size_t)e->usize, &used, &made);
	if (res != LIBDEFLATE_SUCCESS || used != e->csize || made != e->usize)
		return 1;
	*out = dst;
	return 0;
}

/* A kept entry inflates straight into its copy (`copy`, usize bytes), hashed from there;
 * once the copy is full, any further output goes to the scratch chunk, only to be refused. */
static int inflate_entry(zworker *w, zentry *e, ld_sha256_ctx *sha, uint32_t *crc, uint8_t *copy)
{
	z_stream *zs = &w->zs;
	uint64_t left = e->csize, produced = 0, room;
	size_t got, cap;
	uint8_t *dst;
	int ret;

	if (inflateReset(zs) != Z_OK)
		return ld_error_set(LD_ERR_ZIP, "zlib inflate reset failed");
	zs->next_in = (Bytef *)(uintptr_t)(w->r->p + e->data);
	zs->avail_in = 0;
	for (;;) {
		if (zs->avail_in == 0 && left) {
			zs->avail_in = (uInt)(left > IN_CHUNK ? IN_CHUNK : left);
			left -= zs->avail_in;
		}
		room = copy ? e->usize - produced : 0;
		dst = room ? copy + produced : w->out;
		cap = room && room < OUT_CHUNK ? (size_t)room : OUT_CHUNK;
		zs->next_out = dst;
		zs->avail_out = (uInt)cap;
		ret = inflate(zs, Z_NO_FLUSH);
		got = cap - zs->avail_out;
		if (got > e->usize - produced)
			return BAD("zip entry '%s' inflates to more than its declared %llu bytes",
				   wname(w, e), (unsigned long long)e->usize);
		consume(sha, crc, dst, got);
		produced += got;
		if (ret == Z_STREAM_END)
			break;
		if (ret == Z_BUF_ERROR && zs->avail_in == 0 && left == 0)
			return BAD("zip entry '%s' has truncated compressed data", wname(w, e));
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			return BAD("zip entry '%s' has corrupt compressed data (%s)", wname(w, e),
				   zs->msg ? zs->msg : "inflate failed");
	}
	if (left || zs->avail_in)
		return BAD("zip entry '%s' has %llu bytes after the end of its compressed stream",
			   wname(w, e), (unsigned long long)(left + zs->avail_in));
	if (produced != e->usize)
		return BAD("zip entry '%s' inflates to %llu bytes but declares %llu", wname(w, e),
			   (unsigned long long)produced, (unsigned long long)e->usize);
	return 0;
}

static int read_entry(zworker *w, zentry *e, ld_sha256_ctx *sha, uint8_t *copy)
{
	const uint8_t *whole = NULL;
	uint32_t crc = 0;
	int error;

	if (e->method == 0)
		consume(sha, &crc, w->r->p + e->data, (size_t)e->csize);
	else if ((error = inflate_whole(w, e, copy, &whole)) < 0)
		return error;
	else if (error == 0)
		consume(sha, &crc, whole, (size_t)e->usize);
	else if ((error = inflate_entry(w, e, sha, &crc, copy)) < 0)
		return error;
	if (crc != e->crc)
		return BAD("zip entry '%s' fails its CRC-32 check", wname(w, e));
	return 0;
}

/* ---- kept contents ---- */

static void items_free(zcap *c)
{
	for (size_t i = 0; i < c->nitems; i++) {
		free(c->items[i].path);
		free(c->items[i].data);
	}
	free(c->items);
	c->items = NULL;
	c->nitems = c->aitems = 0;
}

/* Drop what was kept for an entry once it has been delivered (or the reading failed). */
static void cap_release(zcap *c)
{
	if (!c)
		return;
	free(c->owned);
	c->owned = NULL;
	c->data = NULL;
	items_free(c);
	free(c->why);
	c->why = NULL;
}

/* Ask `want` about every file, in archive order, and settle here which wanted entries are
 * read: one past max_content_entry or the budget left is delivered as a status only. A
 * nested archive reserves what its entries may keep, since that is unknown until a worker
 * opens it; inside it, the records of its wanted entries come out of that reservation
 * before any content does, so a jar of countless tiny wanted entries cannot make the
 * reader hold more than it reserved. Deciding before any thread runs keeps every decision
 * independent of them. */
static int plan_content(zreader *r)
{
	uint64_t left;
	ld_zip_want mode;
	zcap *c;

	for (size_t i = 0; r->want && i < r->n; i++) {
		zentry *e = &r->ents[i];
		if (e->kind != KIND_FILE)
			continue;
		mode = r->want(r->container, e->path, e->usize, r->want_payload);
		if (mode == LD_ZIP_OPEN && r->container)
			mode = LD_ZIP_SKIP;
		if (mode != LD_ZIP_TAKE && mode != LD_ZIP_OPEN)
			continue;
		if (!(c = e->cap = calloc(1, sizeof(*c))))
			return ld_error_oom();
		c->mode = mode;
		/* a nested archive's records outlive it (zitem, path): they are paid first */
		if (r->container)
			r->reserved += sizeof(zitem) + strlen(e->path) + 1;
	}
	if (r->reserved > r->lim.max_content_total)
		return OVER("zip archive holds more wanted entries than fit in the %llu "
			    "bytes it may keep", (unsigned long long)r->lim.max_content_total);
	for (size_t i = 0; i < r->n; i++) {
		zentry *e = &r->ents[i];
		if (!(c = e->cap))
			continue;
		mode = c->mode;
		left = r->lim.max_content_total - r->reserved;
		if (e->usize > r->lim.max_content_entry || e->usize >= SIZE_MAX)
			c->status = LD_ZIP_ITEM_TOO_LARGE;
		else if ((mode == LD_ZIP_TAKE ? e->usize : NESTED_KEEP) > left)
			c->status = LD_ZIP_ITEM_OVER_BUDGET;
		else
			r->reserved += mode == LD_ZIP_TAKE ? e->usize : (c->keep = NESTED_KEEP);
	}
	return 0;
}

static int capturing(const zentry *e)
{
	return e->cap && e->cap->status == LD_ZIP_ITEM_OK;
}

/* A nested reading's callback: copy each item into the outer entry's record. */
static int collect_item(const ld_zip_item *it, void *payload)
{
	zcap *c = payload;
	zitem *x;

	if (ld_array_reserve(c->items, c->aitems, c->nitems + 1) < 0)
		return LD_ERROR;
	x = &c->items[c->nitems];
	memset(x, 0, sizeof(*x));
	x->status = it->status;
	x->size = it->size;
	if (!(x->path = strdup(it->path)))
		return ld_error_oom();
	c->nitems++;
	if (it->data) {
		if (!(x->data = malloc(it->len ? it->len : 1)))
			return ld_error_oom();
		memcpy(x->data, it->data, it->len);
		x->len = it->len;
	}
	return 0;
}

static void reader_init(zreader *r, const void *data, size_t len, const ld_zip_limits *limits);
static void reader_dispose(zreader *r);
static int visit_archive(zreader *r);

/* Read an archive found inside the package, one level deep (LD_ZIP_OPEN means skip in
 * there). One that cannot be read costs the package only its own contents, recorded with
 * the reason; only running out of memory stops the outer reading. */
static int open_nested(zworker *w, zentry *e, const uint8_t *data, size_t len)
{
	zreader *outer = w->r;
	zcap *c = e->cap;
	zreader r;
	int error;

	reader_init(&r, data, len, &outer->lim);
	r.lim.max_threads = 1;
	r.lim.max_content_total = c->keep;
	r.want = outer->want;
	r.want_payload = outer->want_payload;
	r.cb = collect_item;
	r.cb_payload = c;
	r.container = e->path;
	r.content_only = 1;
	error = visit_archive(&r);
	reader_dispose(&r);
	if (error != LD_EINVALID && error != LD_ELIMIT)
		return error;
	items_free(c);
	c->status = LD_ZIP_ITEM_BAD_NESTED;
	return (c->why = strdup(ld_error_last()->message)) ? 0 : ld_error_oom();
}

/* The entry has been read and checked: keep its content, or what its archive yields. */
static int capture(zworker *w, zentry *e, uint8_t *copy)
{
	zcap *c = e->cap;
	const uint8_t *data = e->method == 0 ? w->r->p + e->data : copy;

	if (c->mode == LD_ZIP_TAKE) {
		c->owned = copy;
		c->data = data;
		c->len = (size_t)e->usize;
		return 0;
	}
	return open_nested(w, e, data, (size_t)e->usize);   /* `copy` is the scratch */
}

static int hash_entry(zworker *w, zentry *e)
{
	ld_sha256_ctx *sha = NULL;
	uint8_t *copy = NULL;
	int error = 0;

	if (!w->r->content_only && !(sha = ld_sha256_new()))
		return ld_error_oom();
	if (capturing(e) && e->method != 0 && (error = copy_buffer(w, e, &copy)) < 0)
		goto done;
	if ((error = read_entry(w, e, sha, copy)) < 0)
		goto done;
	if (sha) {
		ld_sha256_final(sha, e->sha256);
		sha = NULL;
	}
	if (capturing(e)) {
		error = capture(w, e, copy);
		copy = NULL;
	}
done:
	if (copy != w->scratch)
		free(copy);
	ld_sha256_free(sha);
	return error;
}

/* Hand an entry's kept content (or a nested archive's items) to the callback, then drop it. */
static int deliver(zreader *r, zentry *e)
{
	zcap *c = e->cap;
	ld_zip_item it;
	int error = 0;

	memset(&it, 0, sizeof(it));
	it.container = r->container;
	it.path = e->path;
	it.status = c->status;
	it.size = e->usize;
	it.why = c->why;
	if (c->mode == LD_ZIP_TAKE || c->status != LD_ZIP_ITEM_OK) {
		it.data = c->status == LD_ZIP_ITEM_OK ? c->data : NULL;
		it.len = it.data ? c->len : 0;
		error = r->cb ? r->cb(&it, r->cb_payload) : 0;
	}
	for (size_t i = 0; c->mode == LD_ZIP_OPEN && i < c->nitems && error >= 0; i++) {
		it.container = e->path;
		it.path = c->items[i].path;
		it.status = c->items[i].status;
		it.data = c->items[i].data;
		it.len = c->items[i].len;
		it.size = c->items[i].size;
		error = r->cb ? r->cb(&it, r->cb_payload) : 0;
	}
	cap_release(c);
	return error < 0 ? error : 0;
}

static int deliver_all(zreader *r)
{
	int error = 0;

	for (size_t i = 0; i < r->n && error == 0; i++)
		if (r->ents[i].cap)
			error = deliver(r, &r->ents[i]);
	return error;
}

/* ld_zip_visit's reading: the structure is checked whole first, then each wanted entry is
 * read and delivered before the next, so only one is held at a time. */
static int visit_archive(zreader *r)
{
	zworker w;
	int error;

	memset(&w, 0, sizeof(w));
	w.r = r;
	if ((error = read_end(r)) < 0 || (error = read_central(r)) < 0 ||
	    (error = check_layout(r)) < 0 || (error = check_duplicates(r)) < 0 ||
	    (error = plan_content(r)) < 0)
		goto done;
	for (size_t i = 0; i < r->n && error == 0; i++) {
		zentry *e = &r->ents[i];
		if (!e->cap)
			continue;
		if (capturing(e) && ((!w.zinit && (error = worker_init(&w)) < 0) ||
				     (error = hash_entry(&w, e)) < 0))
			break;
		error = deliver(r, e);
	}
done:
	worker_dispose(&w);
	return error;
}

static void *worker_run(void *arg)
{
	zworker *w = arg;
	zreader *r = w->r;
	size_t i;
	int error;

	error = worker_init(w);
	while (error == 0 && !atomic_load(&r->stop)) {
		if ((i = atomic_fetch_add(&r->next, 1)) >= r->n)
			break;
		if (r->ents[i].kind != KIND_DIR && (error = hash_entry(w, &r->ents[i])) < 0)
			w->fail = i;
	}
	if (error < 0) {
		w->code = error;
		memcpy(w->message, ld_error_last()->message, sizeof(w->message));
		atomic_store(&r->stop, 1);
	}
	return NULL;
}

static unsigned worker_count(const zreader *r)
{
	long cpus = 1;

	if (r->lim.max_threads)
		return r->lim.max_threads < MAX_WORKERS ? r->lim.max_threads : MAX_WORKERS;
#ifdef _SC_NPROCESSORS_ONLN
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
#endif
	if (r->total < PARALLEL_MIN_BYTES || cpus < 2)
		return 1;
	return cpus < MAX_WORKERS ? (unsigned)cpus : MAX_WORKERS;
}

/* Run the workers (the calling thread is one of them) and report the lowest failure. */
static int hash_all(zreader *r)
{
	zworker w[MAX_WORKERS];
	pthread_t tid[MAX_WORKERS];
	unsigned n = worker_count(r), started = 1, i, worst = 0;
	int error = 0;

	memset(w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		w[i].r = r;
		w[i].fail = SIZE_MAX;
	}
	while (started < n && pthread_create(&tid[started], NULL, worker_run, &w[started]) == 0)
		started++;
	worker_run(&w[0]);
	for (i = 0; i < started; i++) {
		if (i)
			pthread_join(tid[i], NULL);
		if (w[i].code && (!error || w[i].fail < w[worst].fail)) {
			error = w[i].code;
			worst = i;
		}
		worker_dispose(&w[i]);
	}
	if (error)
		ld_error_setc(error, LD_ERR_ZIP, "%s", w[worst].message);
	return error;
}

static int build_manifest(zreader *r, ld_manifest *m)
{
	char hex[LD_SHA256_HEX_LEN + 1];
	int error = 0;

	for (size_t i = 0; i < r->n && error == 0; i++) {
		zentry *e = &r->ents[i];
		if (e->kind == KIND_DIR)
			continue;
		ld_hex(hex, e->sha256, LD_SHA256_LEN);
		error = ld_manifest_add(m, e->path, e->kind == KIND_SYMLINK ? LD_MANIFEST_SYMLINK
					: LD_MANIFEST_FILE, e->exec, e->usize, hex);
	}
	return error;
}

static void reader_init(zreader *r, const void *data, size_t len, const ld_zip_limits *limits)
{
	static const ld_zip_limits defaults = LD_ZIP_LIMITS_INIT;

	memset(r, 0, sizeof(*r));
	atomic_init(&r->next, 0);
	atomic_init(&r->stop, 0);
	r->p = data;
	r->len = len;
	r->lim = limits ? *limits : defaults;
	if (r->lim.max_ratio == 0)
		r->lim.max_ratio = 1;
	if (r->lim.max_content_entry == 0)
		r->lim.max_content_entry = CONTENT_ENTRY_DEFAULT;
	if (r->lim.max_content_total == 0)
		r->lim.max_content_total = CONTENT_TOTAL_DEFAULT;
}

static void reader_dispose(zreader *r)
{
	for (size_t i = 0; i < r->n; i++) {
		cap_release(r->ents[i].cap);
		free(r->ents[i].cap);
	}
	free(r->ents);
	free(r->names);
}

int ld_zip_manifest_visit(ld_manifest **out, const void *data, size_t len,
			  const ld_zip_limits *limits, ld_zip_want_fn want, ld_zip_item_fn cb,
			  void *payload)
{
	zreader r;
	ld_manifest *m = NULL;
	int error;

	*out = NULL;
	reader_init(&r, data, len, limits);
	r.want = want;
	r.want_payload = r.cb_payload = payload;
	r.cb = cb;
	if ((error = read_end(&r)) < 0 || (error = read_central(&r)) < 0 ||
	    (error = check_layout(&r)) < 0 || (error = check_duplicates(&r)) < 0 ||
	    (error = plan_content(&r)) < 0 || (error = hash_all(&r)) < 0 ||
	    (error = ld_manifest_new(&m)) < 0 || (error = build_manifest(&r, m)) < 0 ||
	    (error = ld_manifest_finish(m)) < 0 || (error = deliver_all(&r)) < 0)
		goto done;
	*out = m;
	m = NULL;
done:
	ld_manifest_free(m);
	reader_dispose(&r);
	return error;
}

int ld_zip_manifest(ld_manifest **out, const void *data, size_t len,
		    const ld_zip_limits *limits)
{
	return ld_zip_manifest_visit(out, data, len, limits, NULL, NULL, NULL);
}

int ld_zip_visit(const void *data, size_t len, const ld_zip_limits *limits,
		 ld_zip_want_fn want, ld_zip_item_fn cb, void *payload)
{
	zreader r;
	int error;

	reader_init(&r, data, len, limits);
	r.want = want;
	r.want_payload = r.cb_payload = payload;
	r.cb = cb;
	r.content_only = 1;
	error = visit_archive(&r);
	reader_dispose(&r);
	return error;
}
