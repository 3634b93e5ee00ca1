/* The AWS shared config and credentials reader (ld_ini_parse) and its lookups. */
#include "aws/ini.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_ini ini = LD_INI_INIT;
	int rc = ld_ini_parse(&ini, (const char *)data, size, "credentials");

	ld_fuzz_check_error(rc);
	if (rc == 0) {
		for (size_t i = 0; i < ini.nsections; i++) {
			const ld_ini_section *sec = ld_ini_section_find(&ini, ini.sections[i].name);
			if (!sec)
				abort(); /* every section parsed can be found by its name */
			(void)ld_ini_get(sec, "aws_access_key_id");
			(void)ld_ini_sub_get(sec, "lambda", "endpoint_url");
		}
	}
	ld_ini_dispose(&ini);
	return 0;
}
