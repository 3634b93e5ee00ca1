/*
 * The public entry points of the dependency checks and verify (lambdrift/deps.h,
 * lambdrift/verify.h): collect, then compare. ld_depcheck_scan() runs the collect step
 * (aws/depfetch.c) over the run's sessions and hands what it read to compare
 * (audit/depcheck.c), which does no I/O. verify still reads its packages through a
 * session's source (audit/source.h), which also collects the layers a version attaches
 * before its dependencies are compared, and asks --osv-api's client per function.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/depcheck.h"
#include "aws/depfetch.h"
#include "aws/fetch.h"
#include "aws/session.h"
#include "deps/osvapi.h"
#include "lambdrift/errors.h"
#include "spec/tag.h"

/* ------------------------------------------------------------------ verify's source */

typedef struct {
	ld_source base;            /* first: a session_source * is an ld_source * */
	ld_aws_session *session;   /* borrowed */
} session_source;

static int source_package(ld_source *src, ld_fetched *f, const char *region,
			  const char *function, const char *version, const char *fallback_sha256,
			  const char *unchanged_if, ld_fetch_mode mode, ld_api_calls *calls)
{
	return ld_fetch_package(f, ((session_source *)src)->session, region, function, version,
				fallback_sha256, unchanged_if, mode, calls);
}

static int source_layers(ld_source *src, ld_depcheck *c, const ld_version *v,
			 ld_api_calls *calls)
{
	return ld_depfetch_layers(c, ((session_source *)src)->session, v, calls);
}

static int source_package_deps(ld_source *src, ld_depcheck_pkg_read *p, ld_depcheck *c,
			       const ld_function *fn, const ld_version *v, ld_api_calls *calls)
{
	return ld_depfetch_package(p, c, ((session_source *)src)->session, fn, v, calls);
}

static void session_source_init(session_source *src, ld_aws_session *s)
{
	src->base.package = source_package;
	src->base.layers = source_layers;
	src->base.package_deps = source_package_deps;
	src->session = s;
}

/* ------------------------------------------------------------------ the OSV API */

/* --osv-api's client as the advisories verify asks for. */
typedef struct {
	ld_advisories base;        /* first: an osv_api_advisories * is an ld_advisories * */
	ld_osvapi *api;
} osv_api_advisories;

static int osv_api_ask(ld_advisories *a, ld_osv_db *db, const ld_deps *deps, bool *answered)
{
	ld_osvapi *api = ((osv_api_advisories *)a)->api;
	ld_osv_query *q;
	int error;

	*answered = true;
	if ((error = ld_osvapi_connect(api)) < 0)
		return error;
	if (!(q = calloc(deps->count, sizeof(*q))))
		return ld_error_oom();
	for (size_t i = 0; i < deps->count; i++) {
		q[i].ecosystem = deps->items[i].ecosystem;
		q[i].name = deps->items[i].name;
		q[i].version = deps->items[i].version;
	}
	*answered = ld_osvapi_ask(api, db, q, deps->count) == 0;
	free(q);
	return 0;
}

static void osv_api_free(ld_advisories *a)
{
	if (!a)
		return;
	ld_osvapi_free(((osv_api_advisories *)a)->api);
	free(a);
}

static int osv_api_new(ld_advisories **out, const char *url)
{
	osv_api_advisories *a = calloc(1, sizeof(*a));
	int error;

	*out = NULL;
	if (!a)
		return ld_error_oom();
	if ((error = ld_osvapi_new(&a->api, url)) < 0) {
		free(a);
		return error;
	}
	a->base.ask = osv_api_ask;
	*out = &a->base;
	return 0;
}

/* ------------------------------------------------------------------ entry points */

int ld_depcheck_new(ld_depcheck **out, const ld_depcheck_opts *o)
{
	*out = NULL;
	if (o && o->osv_api && strncmp(o->osv_api, "http://", 7) &&
	    strncmp(o->osv_api, "https://", 8))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--osv-api wants an http:// or "
				     "https:// URL, such as https://api.osv.dev");
	return ld_depcheck__new(out, o);
}

int ld_depcheck_scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		     ld_aws_session *const *sessions, const char *const *accounts,
		     size_t nsessions, ld_depcheck *c)
{
	ld_depcheck_reads reads;
	int error;

	if ((error = ld_depfetch_scan(&reads, c, inv, sessions, accounts, nsessions)) == 0)
		error = ld_depcheck__scan(out, rows, inv, c, &reads);
	ld_depcheck_reads_dispose(&reads);
	return error;
}

int ld_verify_run_records(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
			  const ld_verify *v, const ld_audit_opts *audit,
			  ld_verify_records *records)
{
	const char *url = v->deps ? ld_depcheck__plan(v->deps)->osv_api : NULL;
	ld_advisories *api = NULL;
	session_source src;
	int error;

	if (url && (error = osv_api_new(&api, url)) < 0)
		return error;
	if (!session) {
		error = ld_verify__run(out, inv, NULL, NULL, NULL, v, audit, records, api);
	} else {
		session_source_init(&src, session);
		error = ld_verify__run(out, inv, &src.base, ld_aws_session_region(session),
				       ld_fetch_digest_key(inv, session), v, audit, records, api);
	}
	osv_api_free(api);
	return error;
}

int ld_verify_run(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
		  const ld_verify *v, const ld_audit_opts *audit)
{
	return ld_verify_run_records(out, inv, session, v, audit, NULL);
}
