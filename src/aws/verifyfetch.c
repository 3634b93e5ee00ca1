/*
 * verify's collect step (see verifyfetch.h). One read job per spec function, in spec
 * order; a deployed package is reduced to what compare reads as soon as it is downloaded,
 * so memory holds manifests and dependency lists, not packages. verify reads one function
 * at a time, as it always has, on the session's own connection.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/depfetch.h"
#include "aws/fetch.h"
#include "aws/pool.h"
#include "aws/verifyfetch.h"
#include "pkg/zip.h"

typedef struct {
	ld_verify_plan *plan;
	const ld_verify *v;
	ld_aws_session *s;
} run;

/* The served package, downloaded unless it is now the tag's, read into its manifest (and
 * dependencies), then let go. */
static int fetch_package(ld_verify_item *it, const run *r, ld_api_calls *calls)
{
	ld_deployed *d = &it->deployed;
	const ld_version *v = it->served;
	ld_manifest *m = NULL;
	int error;

	it->fetched = true;
	if ((error = ld_fetch_package(&d->f, r->s, it->fn->region, it->fn->name, v->version,
				      v->code_sha256, it->exp.code_sha256, LD_FETCH_DOWNLOAD,
				      calls)) < 0)
		return error;
	d->size = d->f.bytes.size;
	if (d->f.status == LD_FETCH_OK) {
		if (r->v->deps)
			error = ld_deps_manifest(&m, &d->deps, d->f.bytes.ptr, d->f.bytes.size,
						 NULL, NULL);
		else
			error = ld_zip_manifest(&m, d->f.bytes.ptr, d->f.bytes.size, NULL);
		if (error == 0) {
			d->manifest = m;
		} else {
			ld_manifest_free(m);
			if (!(d->read_error = strdup(ld_error_last()->message)))
				return ld_error_oom();
			error = 0;
		}
	}
	ld_fetched_dispose(&d->f); /* wiped: a package may hold secrets */
	return error;
}

static int fetch_item(void *ctx, ld_pool_reads *rd, size_t i, ld_api_calls *calls)
{
	run *r = ctx;
	ld_verify_item *it = &r->plan->items[i];
	int error = 0;

	if (it->want_image) {
		it->image_fetched = true;
		error = ld_fetch_package(&it->image, r->s, it->fn->region, it->fn->name,
					 it->served->version, NULL, NULL, LD_FETCH_INFO, calls);
	}
	if (error == 0 && ld_verify__wants_download(r->plan, it))
		error = fetch_package(it, r, calls);
	if (error == 0 && ld_verify__wants_package_deps(r->plan, r->v, it)) {
		it->deps_fetched = true;
		error = ld_depfetch_package(&it->pkg_deps, r->v->deps, r->s, it->fn, it->served,
					    calls);
	}
	if (error == 0 && it->want_layers)
		error = ld_depfetch_layers(r->v->deps, rd, r->s, it->served, calls);
	return error;
}

/* One OSV API question for the dependencies of every package compare will read. */
static int ask_osv(const run *r)
{
	const ld_deps **lists;
	int error;

	if (!r->v->deps)
		return 0;
	if (!(lists = calloc(r->plan->count + 1, sizeof(*lists))))
		return ld_error_oom();
	for (size_t i = 0; i < r->plan->count; i++)
		lists[i] = ld_verify__package_deps(&r->plan->items[i]);
	error = ld_depfetch_ask(r->v->deps, lists, r->plan->count);
	free(lists);
	return error;
}

int ld_verifyfetch(ld_verify_plan *plan, const ld_verify *v, ld_aws_session *s,
		   ld_inventory *inv)
{
	run r = { plan, v, s };
	ld_pool_reads_opts o;
	int error;

	memset(&o, 0, sizeof(o));
	o.njobs = plan->count;
	o.workers = 1;
	o.run = fetch_item;
	o.ctx = &r;
	o.calls = &inv->calls;
	if ((error = ld_pool__reads(&o)) < 0)
		return error;
	return ask_osv(&r);
}
