/*
 * Benchmark driver for deps/osv: loads an advisory set (a directory or an all.zip) and
 * matches every dependency of a TSV file (ecosystem, name, version) against it, `runs`
 * times, printing the wall time of loading and of matching for each run. Both are timed:
 * the target (under 2 s for 500 dependencies against 20,000 records) includes loading.
 * The last line is a digest of the results (per dependency: the matching advisory ids,
 * sorted, each with its first fixed version), which bench/osv_peer.py prints the same way,
 * so bench/osv.sh can check that both sides found the same thing; --lines prints the
 * lines themselves instead.
 *   usage: osv_bench [--lines] ADVISORIES DEPS.tsv [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deps/osv.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "bench.h"

#define MAX_DEPS 100000

typedef struct {
	char *eco, *name, *version;
} dep;

static size_t read_deps(const char *path, dep *deps)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	size_t n = 0;

	if (!f)
		return 0;
	while (n < MAX_DEPS && fgets(line, sizeof(line), f)) {
		char *a = strtok(line, "\t\n"), *b = strtok(NULL, "\t\n"), *c = strtok(NULL, "\t\n");
		if (!a || !b || !c)
			continue;
		deps[n].eco = strdup(a);
		deps[n].name = strdup(b);
		deps[n].version = strdup(c);
		n++;
	}
	fclose(f);
	return n;
}

static int cmp_items(const void *x, const void *y)
{
	return strcmp(((const ld_osv_match_item *)x)->id, ((const ld_osv_match_item *)y)->id);
}

/* "eco\tname\tversion\tID=fixed ID=fixed\n" for one dependency. */
static int result_line(ld_buf *out, const dep *d, ld_osv_matches *m)
{
	int error = ld_buf_printf(out, "%s\t%s\t%s\t", d->eco, d->name, d->version);
	if (m->count)
		qsort(m->items, m->count, sizeof(*m->items), cmp_items);
	for (size_t i = 0; i < m->count && error == 0; i++)
		error = ld_buf_printf(out, "%s%s=%s", i ? " " : "", m->items[i].id,
				      m->items[i].fixed ? m->items[i].fixed : "-");
	return error ? error : ld_buf_putc(out, '\n');
}

static int run(const char *path, const dep *deps, size_t ndeps, ld_buf *lines, double *tload,
	       double *tmatch, size_t *nmatches, size_t *records)
{
	ld_osv_db *db = NULL;
	ld_osv_matches m;
	double t0 = now();
	int error;

	*nmatches = 0;
	if ((error = ld_osv_db_new(&db, NULL)) < 0 || (error = ld_osv_load(db, path)) < 0)
		goto done;
	*tload = now() - t0;
	*records = ld_osv_db_stats(db)->records;
	t0 = now();
	for (size_t i = 0; i < ndeps && error == 0; i++) {
		if ((error = ld_osv_match(db, deps[i].eco, deps[i].name, deps[i].version, &m)) < 0)
			break;
		*nmatches += m.count;
		error = result_line(lines, &deps[i], &m);
		ld_osv_matches_dispose(&m);
	}
	*tmatch = now() - t0;
done:
	ld_osv_db_free(db);
	return error;
}

int main(int argc, char **argv)
{
	static dep deps[MAX_DEPS];
	int a = 1, print_lines = 0, runs = 1, rc = 0;
	ld_buf lines = LD_BUF_INIT;
	char digest[LD_SHA256_HEX_LEN + 1];
	size_t ndeps, nmatches = 0, records = 0;
	double tload = 0, tmatch = 0;

	if (a < argc && strcmp(argv[a], "--lines") == 0)
		print_lines = a++;
	if (argc - a < 2 || (argc - a > 2 && (runs = atoi(argv[a + 2])) < 1)) {
		fprintf(stderr, "usage: osv_bench [--lines] ADVISORIES DEPS.tsv [RUNS]\n");
		return 2;
	}
	if (!(ndeps = read_deps(argv[a + 1], deps))) {
		fprintf(stderr, "osv_bench: no dependencies in %s\n", argv[a + 1]);
		return 2;
	}
	for (int i = 0; i < runs && rc == 0; i++) {
		ld_buf_clear(&lines);
		if (run(argv[a], deps, ndeps, &lines, &tload, &tmatch, &nmatches, &records) < 0) {
			fprintf(stderr, "osv_bench: %s\n", ld_error_last()->message);
			rc = 1;
		} else if (!print_lines) {
			printf("run %d load %.4f s match %.4f s total %.4f s\n", i + 1, tload, tmatch,
			       tload + tmatch);
		}
	}
	if (rc == 0 && print_lines) {
		fputs(lines.ptr, stdout);
	} else if (rc == 0) {
		ld_sha256_hex(digest, lines.ptr, lines.size);
		printf("records %zu dependencies %zu matches %zu digest %s\n", records, ndeps, nmatches,
		       digest);
	}
	for (size_t i = 0; i < ndeps; i++) {
		free(deps[i].eco);
		free(deps[i].name);
		free(deps[i].version);
	}
	ld_buf_dispose(&lines);
	return rc ? rc : (ferror(stdout) ? 1 : 0);
}
