/*
 * The bytes compare reads (see fetch.h): a version's package and a layer version's content,
 * each checked against the CodeSha256 Lambda reports, and the worker threads the dependency
 * checks read them on. Failures are kept as data with their one-line message; nothing here
 * decides what a failure means for the report.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/code.h"
#include "aws/fetch.h"
#include "aws/layer.h"
#include "aws/session.h"
#include "deps/osvapi.h"
#include "util/hash.h"

static void failed(ld_fetched *f, ld_fetch_status status)
{
	f->status = status;
	snprintf(f->message, sizeof(f->message), "%s", ld_error_last()->message);
}

static void set_reported(ld_fetched *f, const char *sha256)
{
	f->has_reported = sha256 != NULL;
	snprintf(f->reported, sizeof(f->reported), "%s", sha256 ? sha256 : "");
}

/* Download `location` into f->bytes and hash it against f->reported. */
static void download(ld_fetched *f, ld_aws_session *s, const char *location)
{
	if (!location) {
		f->status = LD_FETCH_NO_LOCATION;
		return;
	}
	if (ld_code_download(&f->bytes, s, location, f->bytes.cap) < 0) {
		failed(f, LD_FETCH_DOWNLOAD_FAILED);
		return;
	}
	ld_code_sha256(f->got, f->bytes.ptr, f->bytes.size);
	f->status = f->has_reported && !strcmp(f->got, f->reported) ? LD_FETCH_OK
								      : LD_FETCH_CORRUPT;
}

static int fetch_package(ld_source *src, ld_fetched *f, const char *region,
			 const char *function, const char *version, const char *fallback_sha256,
			 const char *unchanged_if, ld_fetch_mode mode, ld_api_calls *calls)
{
	ld_aws_session *s = ((ld_session_source *)src)->session;
	ld_code_info info;

	memset(&info, 0, sizeof(info));
	if (ld_code_get(&info, s, region, function, version, calls) < 0) {
		failed(f, LD_FETCH_GET_FAILED);
		goto done;
	}
	set_reported(f, info.code_sha256 ? info.code_sha256 : fallback_sha256);
	if ((f->has_image = info.resolved_image_uri != NULL))
		ld_code_image_digest(f->image_digest, info.resolved_image_uri);
	if (f->has_reported && unchanged_if && !strcmp(f->reported, unchanged_if))
		f->status = LD_FETCH_UNCHANGED;
	else if (mode == LD_FETCH_DOWNLOAD)
		download(f, s, info.location);
done:
	ld_code_info_dispose(&info);
	return 0;
}

static int fetch_layer(ld_source *src, ld_fetched *f, const char *arn, ld_api_calls *calls)
{
	ld_aws_session *s = ((ld_session_source *)src)->session;
	ld_layer_arn parsed;
	ld_layer_info info;

	memset(&info, 0, sizeof(info));
	if (ld_layer_arn_parse(&parsed, arn) < 0) {
		failed(f, LD_FETCH_BAD_ARN);
		return 0;
	}
	f->layer_version = parsed.version;
	if (ld_layer_get(&info, s, arn, calls) < 0) {
		failed(f, LD_FETCH_GET_FAILED);
	} else {
		set_reported(f, info.code_sha256);
		download(f, s, info.location);
	}
	ld_layer_info_dispose(&info);
	return 0;
}

static int layer_newest(ld_source *src, long *newest, char **newest_arn, const char *arn,
			ld_api_calls *calls)
{
	return ld_layer_newest(newest, newest_arn, ((ld_session_source *)src)->session, arn,
			       calls);
}

/* ------------------------------------------------------------------ workers */

typedef struct {
	ld_fetch_work_fn fn;
	void *ctx;
	ld_api_calls calls;      /* merged into the run's at the end */
	ld_transport *transport; /* this worker's connection, for every session */
	pthread_t thread;
	bool started;
} worker;

static void *work(void *arg)
{
	worker *w = arg;

	ld_aws_session__use_thread_transport(w->transport);
	w->fn(w->ctx, &w->calls);
	ld_aws_session__use_thread_transport(NULL);
	return NULL;
}

static int run_workers(ld_source *src, size_t nworkers, ld_fetch_work_fn fn, void *ctx,
		       ld_api_calls *total)
{
	ld_aws_session *s = ((ld_session_source *)src)->session;
	worker *w = calloc(nworkers, sizeof(*w));
	size_t started = 0;
	int error = 0;

	if (!w)
		return ld_error_oom();
	for (size_t k = 0; k < nworkers; k++) {
		w[k].fn = fn;
		w[k].ctx = ctx;
		if (ld_aws_session__transport_new(&w[k].transport, s) < 0 ||
		    pthread_create(&w[k].thread, NULL, work, &w[k]) != 0)
			break;
		w[k].started = true;
		started++;
	}
	if (!started)
		error = ld_error_set(LD_ERR_OS, "cannot start a thread to read packages");
	for (size_t k = 0; k < nworkers; k++) {
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
		ld_transport_free(w[k].transport);
		ld_api_calls_add(total, &w[k].calls);
	}
	free(w);
	return error;
}

void ld_session_source_init(ld_session_source *src, ld_aws_session *s)
{
	src->base.package = fetch_package;
	src->base.layer = fetch_layer;
	src->base.layer_newest = layer_newest;
	src->base.workers = run_workers;
	src->session = s;
}

/* ------------------------------------------------------------------ the digest key */

const uint8_t *ld_fetch_digest_key(const ld_inventory *inv, const ld_aws_session *s)
{
	uint8_t digest[LD_SHA256_LEN];
	char hex[17];

	if (!s || !inv->digest_key_id)
		return NULL;
	ld_sha256(digest, s->digest_key, sizeof(s->digest_key));
	ld_hex(hex, digest, 8);
	return strcmp(hex, inv->digest_key_id) ? NULL : s->digest_key;
}

/* ------------------------------------------------------------------ the OSV API */

/* --osv-api's client as the advisories an ld_depcheck asks for. */
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
	a->base.free = osv_api_free;
	*out = &a->base;
	return 0;
}

/* ------------------------------------------------------------------ entry points */

int ld_depcheck_new(ld_depcheck **out, const ld_depcheck_opts *o)
{
	ld_advisories *api = NULL;
	int error;

	*out = NULL;
	if (o && o->osv_api && strncmp(o->osv_api, "http://", 7) &&
	    strncmp(o->osv_api, "https://", 8))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--osv-api wants an http:// or "
				     "https:// URL, such as https://api.osv.dev");
	if (o && o->osv_api && (error = osv_api_new(&api, o->osv_api)) < 0)
		return error;
	return ld_depcheck__new(out, o, api);
}


int ld_depcheck_scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		     ld_aws_session *const *sessions, const char *const *accounts,
		     size_t nsessions, ld_depcheck *c)
{
	ld_session_source *src = nsessions ? calloc(nsessions, sizeof(*src)) : NULL;
	ld_source **sources = nsessions ? calloc(nsessions, sizeof(*sources)) : NULL;
	int error;

	if (nsessions && (!src || !sources)) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t i = 0; i < nsessions; i++) {
		ld_session_source_init(&src[i], sessions[i]);
		sources[i] = &src[i].base;
	}
	error = ld_depcheck__scan(out, rows, inv, sources, accounts, nsessions, c);
done:
	free(sources);
	free(src);
	return error;
}

int ld_verify_run_records(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
			  const ld_verify *v, const ld_audit_opts *audit,
			  ld_verify_records *records)
{
	ld_session_source src;

	if (!session)
		return ld_verify__run(out, inv, NULL, NULL, NULL, v, audit, records);
	ld_session_source_init(&src, session);
	return ld_verify__run(out, inv, &src.base, ld_aws_session_region(session),
			      ld_fetch_digest_key(inv, session), v, audit, records);
}

int ld_verify_run(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
		  const ld_verify *v, const ld_audit_opts *audit)
{
	return ld_verify_run_records(out, inv, session, v, audit, NULL);
}
