/*
 * AWS JSON responses: a ListFunctions page (or a GetFunction answer) as the collector reads
 * it, each function configuration into an inventory version, canonical config and digest.
 */
#include "fuzz.h"
#include "inventory/build.h"
#include "util/json.h"

static void version_of(const ld_json *cfg)
{
	static const uint8_t key[LD_DIGEST_KEY_LEN] = { 1, 2, 3 };
	ld_version v;
	int rc;

	memset(&v, 0, sizeof(v));
	rc = ld_version_from_api(&v, cfg, key, sizeof(key));
	ld_fuzz_check_error(rc);
	ld_version_dispose(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_json *page = NULL;
	const ld_json *items;

	if (ld_json_parse(&page, (const char *)data, size, "ListFunctions response") < 0)
		return 0;
	items = ld_json_get(page, "Functions");
	for (size_t i = 0; i < ld_json_size(items) && i < 64; i++)
		version_of(ld_json_at(items, i));
	if (ld_json_get(page, "Configuration"))
		version_of(ld_json_get(page, "Configuration"));
	if (!items)
		version_of(page);
	ld_json_free(page);
	return 0;
}
