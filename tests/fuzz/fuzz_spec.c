/* The spec parser (lambdrift.json of a release): any bytes in, a spec or one error out. */
#include "fuzz.h"
#include "spec/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_spec *spec = NULL;
	int rc = ld_spec_parse(&spec, (const char *)data, size, "lambdrift.json");

	ld_fuzz_check_error(rc);
	if ((rc == 0) != (spec != NULL))
		abort();
	ld_spec_free(spec);
	return 0;
}
