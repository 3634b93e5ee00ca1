/*
 * The inventory snapshot reader (scan --inventory), full and slim: a snapshot is a file, so
 * each input is written to one scratch file first.
 */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "lambdrift/inventory.h"

static char scratch[64];

static void remove_scratch(void)
{
	unlink(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_inventory inv;
	FILE *f;
	int rc;

	if (!scratch[0]) {
		int fd;
		snprintf(scratch, sizeof(scratch), "/tmp/ld-fuzz-snapshot.XXXXXX");
		if ((fd = mkstemp(scratch)) < 0)
			abort();
		close(fd);
		atexit(remove_scratch);
	}
	if (!(f = fopen(scratch, "wb")) || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	rc = ld_inventory_load(&inv, scratch);
	ld_fuzz_check_error(rc);
	/* a snapshot that loads can be written back */
	if (rc == 0) {
		ld_buf out = LD_BUF_INIT;
		if (ld_inventory_write(&out, &inv) < 0)
			abort();
		ld_buf_dispose(&out);
	}
	ld_inventory_dispose(&inv);
	rc = ld_inventory_load_slim(&inv, scratch);
	ld_fuzz_check_error(rc);
	ld_inventory_dispose(&inv);
	return 0;
}
