/*
 * The zip reader and the content manifest: a deployment package as Lambda hands it over,
 * read in one pass with the dependency scan (as verify and deps do) and again content
 * only (ld_deps_from_zip), both with the default limits and one hashing thread.
 */
#include "deps/detect.h"
#include "fuzz.h"
#include "lambdrift/buf.h"
#include "pkg/manifest.h"
#include "pkg/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_zip_limits limits = LD_ZIP_LIMITS_INIT;
	ld_manifest *m = NULL;
	ld_deps deps = LD_DEPS_INIT, only = LD_DEPS_INIT;
	ld_buf lines = LD_BUF_INIT;
	char digest[LD_SHA256_HEX_LEN + 1];
	int rc, rc2;

	limits.max_threads = 1; /* the same work whatever the machine */
	rc = ld_deps_manifest(&m, &deps, data, size, &limits, NULL);
	ld_fuzz_check_error(rc);
	if ((rc == 0) != (m != NULL))
		abort();
	if (m) {
		if (ld_manifest_digest(digest, m) < 0 || ld_manifest_lines(&lines, m) < 0)
			abort();
		(void)ld_manifest_find(m, "index.js");
	}
	/* it inflates only the entries it wants, so it may accept what the manifest refused
	 * for the data of another entry, never the other way round */
	rc2 = ld_deps_from_zip(&only, data, size, &limits, NULL);
	ld_fuzz_check_error(rc2);
	if (rc == 0 && rc2 < 0)
		abort();
	if (ld_deps_finish(&deps) < 0)
		abort();
	ld_buf_dispose(&lines);
	ld_manifest_free(m);
	ld_deps_dispose(&deps);
	ld_deps_dispose(&only);
	return 0;
}
