/*
 * Benchmark driver for the dependency inventory: loads a package into memory once, then
 * alternates, `runs` times, the content manifest alone (ld_zip_manifest) and the manifest
 * with the dependency inventory in the same pass (ld_deps_manifest + ld_deps_finish), and
 * prints each run's wall time, the medians and the overhead of the inventory in percent.
 * It also prints the inventory's counts and the digests of the manifest (whether it is the
 * same with the inventory) and of the inventory, so that figures taken before and after a
 * change can be checked for identical results.
 * Alternating keeps drift of the machine (frequency, cache) out of the comparison; reading
 * the file is outside the timed region, as lambdrift gets packages in memory.
 *   usage: deps_bench [--threads N] PACKAGE.zip [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deps/detect.h"
#include "lambdrift/errors.h"
#include "pkg/zip.h"
#include "util/hash.h"
#include "bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* How many files the inventory came from. */
static size_t distinct_paths(const ld_deps *d)
{
	const char **v = malloc((d->count + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return 0;
	for (size_t i = 0; i < d->count; i++)
		v[i] = d->items[i].path;
	qsort(v, d->count, sizeof(*v), cmp_str);
	for (size_t i = 0; i < d->count; i++)
		n += i == 0 || strcmp(v[i], v[i - 1]) != 0;
	free(v);
	return n;
}

/* The inventory's digest: one line per dependency, in its sorted order, so a change in
 * what the inventory finds (not only in how many) shows when figures are compared. */
static void deps_digest(char out[LD_SHA256_HEX_LEN + 1], const ld_deps *d)
{
	ld_sha256_ctx *ctx = ld_sha256_new();
	uint8_t raw[LD_SHA256_LEN];

	if (!ctx) {
		snprintf(out, LD_SHA256_HEX_LEN + 1, "(no memory)");
		return;
	}
	for (size_t i = 0; i < d->count; i++) {
		const ld_dep *x = &d->items[i];
		const char *f[5] = { x->ecosystem, x->name, x->version, x->path, x->origin };
		for (int k = 0; k < 5; k++)
			ld_sha256_update(ctx, f[k], strlen(f[k]) + 1);
	}
	ld_sha256_final(ctx, raw);
	ld_hex(out, raw, LD_SHA256_LEN);
}

/* One timed run; `deps` NULL for the manifest alone. `digest`, when set, receives the
 * manifest's digest. */
static int run(const char *data, size_t len, const ld_zip_limits *lim, ld_deps *deps,
	       double *secs, char *digest)
{
	ld_manifest *m = NULL;
	double t0 = now();
	int error;

	if (deps)
		error = ld_deps_manifest(&m, deps, data, len, lim, NULL);
	else
		error = ld_zip_manifest(&m, data, len, lim);
	if (error == 0 && deps)
		error = ld_deps_finish(deps);
	*secs = now() - t0;
	if (error == 0 && digest)
		error = ld_manifest_digest(digest, m);
	ld_manifest_free(m);
	return error;
}

int main(int argc, char **argv)
{
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	ld_deps deps = LD_DEPS_INIT;
	double *alone = NULL, *with = NULL, *diff = NULL, a, w, d;
	char dig_alone[LD_SHA256_HEX_LEN + 1], dig_with[LD_SHA256_HEX_LEN + 1];
	char dig_deps[LD_SHA256_HEX_LEN + 1];
	int a_idx = 1, runs, status = 1;
	size_t len = 0, files = 0;
	char *data = NULL;
	const char *path;

	if (a_idx + 1 < argc && strcmp(argv[a_idx], "--threads") == 0) {
		lim.max_threads = (unsigned)atoi(argv[a_idx + 1]);
		a_idx += 2;
	}
	path = a_idx < argc ? argv[a_idx] : NULL;
	runs = a_idx + 1 < argc ? atoi(argv[a_idx + 1]) : 9;
	if (!path || runs < 1) {
		fprintf(stderr, "usage: deps_bench [--threads N] PACKAGE.zip [RUNS]\n");
		return 2;
	}
	if (!(data = load(path, &len)) || !(alone = calloc((size_t)runs, sizeof(double))) ||
	    !(with = calloc((size_t)runs, sizeof(double))) ||
	    !(diff = calloc((size_t)runs, sizeof(double)))) {
		fprintf(stderr, "deps_bench: cannot read %s\n", path);
		goto done;
	}
	/* one warm-up of each, and the inventory's size for the record */
	if (run(data, len, &lim, NULL, &a, dig_alone) < 0 ||
	    run(data, len, &lim, &deps, &w, dig_with) < 0)
		goto fail;
	files = distinct_paths(&deps);
	deps_digest(dig_deps, &deps);
	printf("inventory: %zu dependencies from %zu files, %zu malformed, %zu skipped\n",
	       deps.count, files, deps.malformed, deps.skipped);
	printf("digests: manifest %.16s (%s with deps), inventory %.16s\n", dig_alone,
	       strcmp(dig_alone, dig_with) == 0 ? "same" : "DIFFERENT", dig_deps);
	ld_deps_dispose(&deps);
	for (int i = 0; i < runs; i++) {
		if (run(data, len, &lim, NULL, &alone[i], NULL) < 0 ||
		    run(data, len, &lim, &deps, &with[i], NULL) < 0)
			goto fail;
		ld_deps_dispose(&deps);
		printf("run %d manifest %.4f s, manifest+deps %.4f s\n", i + 1, alone[i], with[i]);
	}
	/* Each pair ran back to back, so its difference is what the inventory cost while the
	 * machine was in one state; the median of those is robust to other load. */
	for (int i = 0; i < runs; i++)
		diff[i] = with[i] - alone[i];
	d = median(diff, runs);
	a = median(alone, runs);
	w = median(with, runs);
	printf("median manifest:        %.4f s (fastest %.4f s)\n", a, alone[0]);
	printf("median manifest + deps: %.4f s (fastest %.4f s)\n", w, with[0]);
	printf("overhead:               %.1f %% (median paired difference %.4f s; "
	       "fastest runs %.1f %%; target <= 10 %%)\n", 100.0 * d / a, d,
	       100.0 * (with[0] - alone[0]) / alone[0]);
	status = ferror(stdout) ? 1 : 0;
	goto done;
fail:
	fprintf(stderr, "deps_bench: %s\n", ld_error_last()->message);
done:
	ld_deps_dispose(&deps);
	free(alone);
	free(with);
	free(diff);
	unload(data, len);
	return status;
}
