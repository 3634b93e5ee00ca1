/*
 * Benchmark driver for the zip reader: loads a package into memory once, then computes its
 * content manifest `runs` times and prints the wall time of each run and the digest, so
 * bench/manifest.sh can compare it with `unzip -p | sha256sum` on the same file. With
 * --lines it prints the manifest lines instead (handy when checking an archive by hand);
 * --threads N caps the hashing threads (1 shows the single-core speed).
 * Reading the file is outside the timed region: lambdrift gets packages in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lambdrift/errors.h"
#include "pkg/zip.h"
#include "bench.h"

static int run(const char *data, size_t len, int lines, unsigned threads, char digest[65])
{
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	ld_manifest *m = NULL;
	ld_buf b = LD_BUF_INIT;
	int error;

	lim.max_threads = threads;
	if ((error = ld_zip_manifest(&m, data, len, &lim)) < 0 ||
	    (error = ld_manifest_digest(digest, m)) < 0)
		goto done;
	if (lines && (error = ld_manifest_lines(&b, m)) == 0)
		fputs(b.ptr, stdout);
done:
	ld_buf_dispose(&b);
	ld_manifest_free(m);
	return error;
}

int main(int argc, char **argv)
{
	int lines = 0, a = 1, runs;
	unsigned threads = 0;
	const char *path;
	char digest[65];
	size_t len = 0;
	char *data;
	double t0;

	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--lines") == 0)
			lines = 1;
		else if (strcmp(argv[a], "--threads") == 0 && a + 1 < argc)
			threads = (unsigned)atoi(argv[++a]);
		else
			break;
	}
	path = a < argc ? argv[a] : NULL;
	runs = a + 1 < argc ? atoi(argv[a + 1]) : 1;
	if (!path || runs < 1) {
		fprintf(stderr, "usage: manifest_bench [--lines] [--threads N] PACKAGE.zip [RUNS]\n");
		return 2;
	}
	if (!(data = load(path, &len))) {
		fprintf(stderr, "manifest_bench: cannot read %s\n", path);
		return 2;
	}
	for (int i = 0; i < runs; i++) {
		t0 = now();
		if (run(data, len, lines, threads, digest) < 0) {
			fprintf(stderr, "manifest_bench: %s\n", ld_error_last()->message);
			unload(data, len);
			return 1;
		}
		if (!lines)
			printf("run %d %.4f s\n", i + 1, now() - t0);
	}
	printf("digest %s\n", digest);
	unload(data, len);
	return ferror(stdout) ? 1 : 0;
}
