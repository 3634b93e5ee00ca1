/*
 * The fetched bytes compare reads (see source.h): their life cycle. The bytes of a package
 * are wiped when let go, since a package may hold secrets.
 */
#include <string.h>

#include "audit/source.h"

void ld_fetched_init(ld_fetched *f, size_t max_bytes)
{
	memset(f, 0, sizeof(*f));
	ld_buf_init(&f->bytes, max_bytes);
}

void ld_fetched_dispose(ld_fetched *f)
{
	if (f)
		ld_buf_dispose_secret(&f->bytes);
}
