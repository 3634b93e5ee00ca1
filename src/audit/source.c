/*
 * The data verify's compare reads (see source.h): its life cycle. The bytes of a package
 * are wiped when let go, since a package may hold secrets.
 */
#include <stdlib.h>
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

void ld_depcheck_pkg_read_dispose(ld_depcheck_pkg_read *p)
{
	free(p->message);
	free(p->zip_error);
	ld_deps_dispose(&p->deps);
	memset(p, 0, sizeof(*p));
}

static void item_dispose(ld_verify_item *it)
{
	ld_expected_dispose(&it->exp);
	ld_build_log_dispose(&it->log);
	ld_depcheck_pkg_read_dispose(&it->expected_deps);
	ld_lock_dispose(&it->lock);
	ld_buf_dispose(&it->lock_files);
	ld_fetched_dispose(&it->deployed.f);
	ld_manifest_free(it->deployed.manifest);
	free(it->deployed.read_error);
	ld_deps_dispose(&it->deployed.deps);
	ld_fetched_dispose(&it->image);
	ld_depcheck_pkg_read_dispose(&it->pkg_deps);
}

void ld_verify_plan_dispose(ld_verify_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->count; i++)
		item_dispose(&p->items[i]);
	free(p->items);
	memset(p, 0, sizeof(*p));
}
