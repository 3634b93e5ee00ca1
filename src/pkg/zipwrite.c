/*
 * Deterministic zip writer (see zipwrite.h). Every field that other writers fill from the
 * clock, the file system or the platform is a constant here, and deflate runs with fixed
 * parameters in one pass per entry, so the only inputs to the bytes are the entries and
 * the zlib implementation. Each entry is deflated on its own (a fresh stream state per
 * entry), which lets large packages be deflated by several threads: the bytes are the same
 * whichever thread deflates which entry, and they are written out in path order. Paths
 * are checked with the manifest rules (pkg/path.h) so the writer cannot produce an archive
 * that the reader would refuse.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "lambdrift/errors.h"
#include "pkg/manifest.h"
#include "pkg/path.h"
#include "pkg/zipwrite.h"

#define MADE_BY ((3u << 8) | 30u)      /* Unix, spec 3.0, as Info-ZIP writes */
#define DOS_DATE_1980 0x0021u          /* 1980-01-01: year 0, month 1, day 1 */
#define LEVEL 6                        /* zlib's default: git archive's and Info-ZIP's too */
#define FLAG_UTF8 0x0800u
#define ZIP32_MAX 0xfffffffeu          /* 0xffffffff means "see zip64" */
#define MAX_WORKERS 4
#define PARALLEL_MIN_BYTES ((uint64_t)1 << 20)

static const char ZERO_SHA[LD_SHA256_HEX_LEN + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

typedef struct {
	const ld_zipw_entry *in;
	uint16_t method, flags, needed;
	uint32_t crc, csize, offset;
	uint8_t *cdata;                    /* the deflated bytes, until written */
} wentry;

static void wr16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v & 0xffff);
	wr16(p + 2, v >> 16);
}

static int cmp_wentry(const void *a, const void *b)
{
	return strcmp(((const wentry *)a)->in->path, ((const wentry *)b)->in->path);
}

static int check_entry(const ld_zipw_entry *e)
{
	char quoted[160];

	ld_pkg_path_quote(quoted, sizeof(quoted), e->path, strlen(e->path));
	if (e->mode != LD_ZIPW_FILE && e->mode != LD_ZIPW_EXEC && e->mode != LD_ZIPW_SYMLINK)
		return ld_error_setc(LD_EINVALID, LD_ERR_ZIP,
				     "package entry '%s' has mode %o; only 0644, 0755 and symlinks "
				     "are allowed", quoted, e->mode);
	if (e->len > ZIP32_MAX)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP,
				     "package entry '%s' is 4 GiB or larger, which needs zip64 "
				     "(not supported)", quoted);
	if (e->mode == LD_ZIPW_SYMLINK &&
	    (e->len == 0 || e->len > LD_PKG_PATH_MAX || memchr(e->data, 0, e->len)))
		return ld_error_setc(LD_EINVALID, LD_ERR_ZIP,
				     "package symlink '%s' has an empty, overlong or NUL-holding "
				     "target", quoted);
	return 0;
}

/* The manifest already knows every path rule (normalised, no duplicates, no file used as a
 * directory); a throwaway manifest with dummy digests applies them here. */
static int check_all(const ld_zipw_entry *entries, size_t count)
{
	ld_manifest *m = NULL;
	int error;

	if (count > 0xffff)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP,
				     "package has %zu entries; more than 65535 needs zip64 (not "
				     "supported)", count);
	if ((error = ld_manifest_new(&m)) < 0)
		return error;
	for (size_t i = 0; i < count && error == 0; i++) {
		if ((error = check_entry(&entries[i])) == 0)
			error = ld_manifest_add(m, entries[i].path, LD_MANIFEST_FILE, 0, 0,
						ZERO_SHA);
	}
	if (error == 0)
		error = ld_manifest_finish(m);
	ld_manifest_free(m);
	return error;
}

static int put_header(ld_buf *out, const wentry *w, int central)
{
	uint8_t h[46];
	const ld_zipw_entry *e = w->in;
	size_t nlen = strlen(e->path), n = central ? 46 : 30;
	uint8_t *p = h + (central ? 2 : 0);   /* central records carry "made by" first */

	memset(h, 0, sizeof(h));
	wr32(h, central ? 0x02014b50u : 0x04034b50u);
	if (central)
		wr16(h + 4, MADE_BY);
	wr16(p + 4, w->needed);
	wr16(p + 6, w->flags);
	wr16(p + 8, w->method);
	wr16(p + 10, 0);                      /* 00:00:00 */
	wr16(p + 12, DOS_DATE_1980);
	wr32(p + 14, w->crc);
	wr32(p + 18, w->csize);
	wr32(p + 22, (uint32_t)e->len);
	wr16(p + 26, (uint32_t)nlen);
	if (central) {
		wr32(h + 38, (uint32_t)(e->mode == LD_ZIPW_SYMLINK ? e->mode : 0100000u | e->mode)
			     << 16);
		wr32(h + 42, w->offset);
	}
	if (ld_buf_put(out, h, n) < 0 || ld_buf_put(out, e->path, nlen) < 0)
		return out->error;
	return 0;
}

/* ---- deflating: every entry on its own, so threads can share the work ---- */

typedef struct {
	wentry *w;
	size_t n;
	atomic_size_t next;        /* next entry for a worker to take */
	atomic_int stop;           /* set by a worker that failed */
} dctx;

typedef struct {
	dctx *d;
	size_t fail;               /* index of the entry that failed, SIZE_MAX when none */
	int code;
	char message[sizeof(((ld_error *)0)->message)];
} dworker;

static int deflate_one(z_stream *zs, wentry *w)
{
	const ld_zipw_entry *e = w->in;
	uLong bound;
	uint8_t *shrunk;
	int ret;

	w->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), e->data, (uInt)e->len);
	if (!e->len)
		return 0;
	if (deflateReset(zs) != Z_OK)
		return ld_error_set(LD_ERR_ZIP, "zlib deflate reset failed");
	/* deflateBound is enough for one Z_FINISH call to complete */
	bound = deflateBound(zs, (uLong)e->len);
	if (bound > ZIP32_MAX)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP,
				     "package entry compresses past 4 GiB (zip64 not supported)");
	if (!(w->cdata = malloc(bound)))
		return ld_error_oom();
	zs->next_in = (Bytef *)(uintptr_t)e->data;
	zs->avail_in = (uInt)e->len;
	zs->next_out = w->cdata;
	zs->avail_out = (uInt)bound;
	if ((ret = deflate(zs, Z_FINISH)) != Z_STREAM_END)
		return ld_error_set(LD_ERR_ZIP, "zlib deflate failed (%d)", ret);
	w->csize = (uint32_t)(bound - zs->avail_out);
	if (w->csize && (shrunk = realloc(w->cdata, w->csize)))
		w->cdata = shrunk;
	return 0;
}

static void *deflate_worker(void *arg)
{
	dworker *k = arg;
	dctx *d = k->d;
	z_stream zs;
	size_t i;
	int error = 0;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, LEVEL, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		error = ld_error_oom();
	while (error == 0 && !atomic_load(&d->stop)) {
		if ((i = atomic_fetch_add(&d->next, 1)) >= d->n)
			break;
		if ((error = deflate_one(&zs, &d->w[i])) < 0)
			k->fail = i;
	}
	if (error < 0) {
		k->code = error;
		memcpy(k->message, ld_error_last()->message, sizeof(k->message));
		atomic_store(&d->stop, 1);
	}
	deflateEnd(&zs);
	return NULL;
}

static unsigned worker_count(const wentry *w, size_t n, unsigned threads)
{
	uint64_t total = 0;
	long cpus = 1;

	if (threads)
		return threads < MAX_WORKERS ? threads : MAX_WORKERS;
	for (size_t i = 0; i < n; i++)
		total += w[i].in->len;
#ifdef _SC_NPROCESSORS_ONLN
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
#endif
	if (total < PARALLEL_MIN_BYTES || cpus < 2)
		return 1;
	return cpus < MAX_WORKERS ? (unsigned)cpus : MAX_WORKERS;
}

/* Deflate every entry (the calling thread is one of the workers); on failure report the
 * lowest failing entry, so the message does not depend on scheduling. */
static int deflate_all(wentry *w, size_t n, unsigned threads)
{
	dworker k[MAX_WORKERS];
	dctx d;
	pthread_t tid[MAX_WORKERS];
	unsigned nk = worker_count(w, n, threads), started = 1, worst = 0;
	int error = 0;

	d.w = w;
	d.n = n;
	atomic_init(&d.next, 0);
	atomic_init(&d.stop, 0);
	memset(k, 0, sizeof(k));
	for (unsigned i = 0; i < nk; i++) {
		k[i].d = &d;
		k[i].fail = SIZE_MAX;
	}
	while (started < nk && pthread_create(&tid[started], NULL, deflate_worker, &k[started]) == 0)
		started++;
	deflate_worker(&k[0]);
	for (unsigned i = 0; i < started; i++) {
		if (i)
			pthread_join(tid[i], NULL);
		if (k[i].code && (!error || k[i].fail < k[worst].fail)) {
			error = k[i].code;
			worst = i;
		}
	}
	if (error)
		ld_error_setc(error, LD_ERR_ZIP, "%s", k[worst].message);
	return error;
}

/* ---- writing: headers and the deflated bytes, in path order ---- */

static int write_entry(ld_buf *out, size_t base, wentry *w)
{
	const ld_zipw_entry *e = w->in;

	if (out->size - base > ZIP32_MAX)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP,
				     "package passes 4 GiB, which needs zip64 (not supported)");
	w->offset = (uint32_t)(out->size - base);
	w->method = e->len ? Z_DEFLATED : 0;
	w->needed = e->len ? 20 : 10;
	w->flags = 0;             /* deflate option bits 0: "normal" (levels 3 to 7) */
	for (const unsigned char *s = (const unsigned char *)e->path; *s; s++)
		if (*s >= 0x80)
			w->flags |= FLAG_UTF8;
	if (put_header(out, w, 0) < 0 || ld_buf_put(out, w->cdata, w->csize) < 0)
		return out->error;
	return 0;
}

static int put_end(ld_buf *out, size_t base, size_t cd_start, size_t count)
{
	uint8_t e[22];
	size_t cd_size = out->size - cd_start;

	if (cd_start - base > ZIP32_MAX || cd_size > ZIP32_MAX)
		return ld_error_setc(LD_ELIMIT, LD_ERR_ZIP,
				     "package passes 4 GiB, which needs zip64 (not supported)");
	memset(e, 0, sizeof(e));
	wr32(e, 0x06054b50u);
	wr16(e + 8, (uint32_t)count);
	wr16(e + 10, (uint32_t)count);
	wr32(e + 12, (uint32_t)cd_size);
	wr32(e + 16, (uint32_t)(cd_start - base));
	return ld_buf_put(out, e, sizeof(e));
}

int ld_zip_write_threads(ld_buf *out, const ld_zipw_entry *entries, size_t count,
			 unsigned threads)
{
	wentry *w = NULL;
	size_t base = out->size, cd_start, i;
	int error;

	if ((error = check_all(entries, count)) < 0)
		goto done;
	if (count && !(w = calloc(count, sizeof(*w)))) {
		error = ld_error_oom();
		goto done;
	}
	for (i = 0; i < count; i++)
		w[i].in = &entries[i];
	if (count)
		qsort(w, count, sizeof(*w), cmp_wentry);
	if ((error = deflate_all(w, count, threads)) < 0)
		goto done;
	for (i = 0; i < count && error == 0; i++) {
		error = write_entry(out, base, &w[i]);
		free(w[i].cdata);   /* each deflated copy goes as soon as it is in `out` */
		w[i].cdata = NULL;
	}
	cd_start = out->size;
	for (i = 0; i < count && error == 0; i++)
		error = put_header(out, &w[i], 1);
	if (error == 0)
		error = put_end(out, base, cd_start, count);
done:
	for (i = 0; w && i < count; i++)
		free(w[i].cdata);
	free(w);
	return error;
}

int ld_zip_write(ld_buf *out, const ld_zipw_entry *entries, size_t count)
{
	return ld_zip_write_threads(out, entries, count, 0);
}

const char *ld_zip_writer_deflate(void)
{
	return zlibVersion();
}
