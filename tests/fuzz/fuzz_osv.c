/*
 * OSV records (one record or an array of them, as a database directory, zip or the OSV API
 * gives them), then a match of every affected package the record names at a few versions,
 * which walks the ranges and the version orderings.
 */
#include "deps/osv.h"
#include "fuzz.h"
#include "util/json.h"

static void match(const ld_osv_db *db, const char *eco, const char *name)
{
	static const char *const versions[] = { "0", "1.0.0", "2.3.4-beta.1", "1!2.0.post1",
						"4.17.20", NULL };
	for (size_t i = 0; versions[i]; i++) {
		ld_osv_matches m;
		int rc = ld_osv_match(db, eco, name, versions[i], &m);
		ld_fuzz_check_error(rc);
		if (rc == 0)
			ld_osv_matches_dispose(&m);
	}
}

static void match_affected(const ld_osv_db *db, const ld_json *rec)
{
	const ld_json *aff = ld_json_get(rec, "affected");
	for (size_t i = 0; i < ld_json_size(aff) && i < 8; i++) {
		const ld_json *pkg = ld_json_get(ld_json_at(aff, i), "package");
		const char *eco = ld_json_get_str(pkg, "ecosystem");
		const char *name = ld_json_get_str(pkg, "name");
		if (eco && name)
			match(db, eco, name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_osv_db *db = NULL;
	ld_json *j = NULL;
	int rc;

	if (ld_osv_db_new(&db, NULL) < 0)
		abort();
	rc = ld_osv_add_json(db, (const char *)data, size, "fuzz");
	ld_fuzz_check_error(rc);
	if (rc == 0 && ld_json_parse(&j, (const char *)data, size, "fuzz") == 0) {
		if (ld_json_is_array(j))
			for (size_t i = 0; i < ld_json_size(j) && i < 8; i++)
				match_affected(db, ld_json_at(j, i));
		else
			match_affected(db, j);
	}
	match(db, "npm", "lodash");
	ld_json_free(j);
	ld_osv_db_free(db);
	return 0;
}
