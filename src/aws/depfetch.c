/*
 * The dependency checks' collect step (see depfetch.h). Functions are the read jobs of the
 * collector's pool (aws/pool.h: ld_pool__reads), taken in turn by its readers, whose
 * Lambda calls draw on one set of token buckets per account-region at the rates the
 * pool's listing used, so reading packages keeps to the quotas as listing did. A layer is
 * claimed under the reads' lock by the first job that meets it and read by that one
 * alone, so each is fetched once however many functions attach it. Packages are reduced to
 * their dependency lists as soon as they are downloaded and their bytes wiped, which
 * bounds memory by the readers, not the estate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/depfetch.h"
#include "aws/fetch.h"
#include "aws/layer.h"
#include "aws/pool.h"
#include "aws/session.h"
#include "deps/osvapi.h"
#include "lambdrift/errors.h"
#include "pkg/manifest.h"
#include "util/array.h"
#include "util/json.h"

/* ------------------------------------------------------------------ one layer */

/* The layer's content as fetched: its state, and its dependencies when the bytes check
 * out (the manifest identifies its files however it was zipped, as for packages). */
static int layer_content(const ld_fetched *f, ld_layer_read *e)
{
	ld_manifest *manifest = NULL;
	int error = 0;

	e->state = LD_LAYER_UNREAD;
	if (f->status == LD_FETCH_NO_LOCATION) {
		e->why = strdup("GetLayerVersion returned no content location");
		goto done;
	}
	if (f->status != LD_FETCH_OK && f->status != LD_FETCH_CORRUPT) {
		e->why = strdup(f->message);
		goto done;
	}
	memcpy(e->got, f->got, sizeof(e->got));
	memcpy(e->reported, f->reported, sizeof(e->reported));
	if (f->status == LD_FETCH_CORRUPT) {
		e->state = LD_LAYER_CORRUPT;
		goto done;
	}
	if (ld_deps_manifest(&manifest, &e->deps, f->bytes.ptr, f->bytes.size, NULL, e->arn) < 0 ||
	    ld_manifest_digest(e->manifest, manifest) < 0) {
		char why[sizeof(ld_error_last()->message) + 40];
		snprintf(why, sizeof(why), "its content cannot be read: %s",
			 ld_error_last()->message);
		e->why = strdup(why);
		goto done;
	}
	ld_deps_finish(&e->deps);
	e->state = LD_LAYER_READ;
done:
	if (e->state == LD_LAYER_UNREAD && !e->why)
		error = ld_error_oom();
	ld_manifest_free(manifest);
	return error;
}

/* ListLayerVersions of the layer: its newest version, or why it is not known. */
static int layer_list(ld_layer_read *e, ld_aws_session *s, ld_api_calls *calls)
{
	if ((e->listed = ld_layer_newest(&e->newest, &e->newest_arn, s, e->arn, calls)) == 0)
		return 0;
	return (e->list_message = strdup(ld_error_last()->message)) ? 0 : ld_error_oom();
}

/* Read a new entry: its content, then its newest version (not for an ARN that does not
 * parse: nothing can be asked about it). */
static int layer_collect(ld_layer_read *e, ld_aws_session *s, size_t max, ld_api_calls *calls)
{
	ld_fetched f;
	int error;

	ld_fetched_init(&f, max);
	if ((error = ld_fetch_layer(&f, s, e->arn, calls)) == 0 && f.status == LD_FETCH_BAD_ARN) {
		e->state = LD_LAYER_UNREAD;
		e->bad_arn = true;
		error = (e->why = strdup(f.message)) ? 0 : ld_error_oom();
		ld_fetched_dispose(&f);
		return error;
	}
	e->attached = f.layer_version;
	if (error == 0)
		error = layer_content(&f, e);
	ld_fetched_dispose(&f);
	return error < 0 ? error : layer_list(e, s, calls);
}

/* The layer version ARNs `v` attaches (NULL when none, or when its Layers field does not
 * parse: compare says so). */
static ld_json *attached_layers(const ld_version *v)
{
	const char *layers = ld_depcheck__layers_value(v);
	ld_json *arns = NULL;

	if (!ld_depcheck__has_layers(v) ||
	    ld_json_parse(&arns, layers, strlen(layers), "the inventory's Layers field") < 0)
		return NULL;
	return arns;
}

int ld_depfetch_layers(ld_depcheck *c, ld_pool_reads *rd, ld_aws_session *s,
		       const ld_version *v, ld_api_calls *calls)
{
	ld_json *arns = attached_layers(v);
	ld_layer_read *e = NULL;
	bool made = false;
	int error = 0;

	for (ld_json *a = ld_json_first(arns); a && error == 0; a = ld_json_next(a)) {
		if (!ld_json_is_string(a))
			continue;
		ld_pool__reads_lock(rd);
		error = ld_depcheck__layer_add(c, ld_json_str(a), &e, &made);
		ld_pool__reads_unlock(rd);
		if (error == 0 && made)
			error = layer_collect(e, s, ld_depcheck__plan(c)->max_package, calls);
	}
	ld_json_free(arns);
	return error;
}

/* ------------------------------------------------------------------ one package */

static int dup_message(char **out, const char *s)
{
	return (*out = strdup(s)) ? 0 : ld_error_oom();
}

int ld_depfetch_package(ld_depcheck_pkg_read *p, ld_depcheck *c, ld_aws_session *s,
			const ld_function *fn, const ld_version *v, ld_api_calls *calls)
{
	ld_fetched f;
	int error;

	ld_fetched_init(&f, ld_depcheck__plan(c)->max_package);
	ld_deps_init(&p->deps);
	error = ld_fetch_package(&f, s, fn->region, fn->name, v->version, v->code_sha256, NULL,
				 LD_FETCH_DOWNLOAD, calls);
	p->status = f.status;
	p->has_reported = f.has_reported;
	memcpy(p->reported, f.reported, sizeof(p->reported));
	memcpy(p->got, f.got, sizeof(p->got));
	if (error == 0 && f.status != LD_FETCH_OK)
		error = dup_message(&p->message, f.message);
	else if (error == 0 && ld_deps_from_zip(&p->deps, f.bytes.ptr, f.bytes.size, NULL,
						NULL) < 0)
		error = dup_message(&p->zip_error, ld_error_last()->message);
	ld_fetched_dispose(&f); /* wiped: a package may hold secrets */
	return error;
}

/* ------------------------------------------------------------------ the scan's jobs */

typedef struct {
	ld_depcheck *c;
	ld_depcheck_reads *reads;
	ld_inventory *inv;
	ld_aws_session *const *sessions;
	const char *const *accounts;
	size_t nsessions;
} gather;

/* The session that reaches `fn`'s account, or NULL. */
static ld_aws_session *session_for(const gather *g, const ld_function *fn)
{
	const char *account = fn->account ? fn->account : g->inv->account;

	if (!g->accounts)
		return g->nsessions ? g->sessions[0] : NULL;
	for (size_t i = 0; account && i < g->nsessions; i++)
		if (!strcmp(g->accounts[i], account))
			return g->sessions[i];
	return NULL;
}

/* Job `i`: every served version of function `i`, its package, then its layers. */
static int gather_function(void *ctx, ld_pool_reads *rd, size_t i, ld_api_calls *calls)
{
	gather *g = ctx;
	const ld_function *fn = &g->inv->functions[i];
	ld_depcheck_fn_read *r = &g->reads->fns[i];
	ld_aws_session *s = session_for(g, fn);
	const ld_version **served = NULL;
	size_t n = 0;
	int error;

	if (!(r->reachable = s != NULL))
		return 0;
	if ((error = ld_depcheck__served(fn, &served, &n)) < 0)
		return error;
	if (n && !(r->served = calloc(n, sizeof(*r->served)))) {
		free(served);
		return ld_error_oom();
	}
	r->nserved = n;
	for (size_t k = 0; k < n && error == 0; k++) {
		if (ld_depcheck__is_image(served[k]))
			continue;
		if ((error = ld_depfetch_package(&r->served[k], g->c, s, fn, served[k],
						 calls)) == 0)
			error = ld_depfetch_layers(g->c, rd, s, served[k], calls);
	}
	free(served);
	return error;
}

/* Under the reads' lock: the progress line hears of each function. */
static void gathered(void *ctx, size_t done)
{
	gather *g = ctx;
	const ld_depcheck_plan *plan = ld_depcheck__plan(g->c);

	if (plan->progress)
		plan->progress(plan->progress_ctx, done, g->inv->nfunctions,
			       ld_depcheck__nlayers(g->c));
}

/* ------------------------------------------------------------------ the OSV API */

static int cmp_query(const void *a, const void *b)
{
	const ld_osv_query *x = a, *y = b;
	int d;

	if ((d = strcmp(x->ecosystem, y->ecosystem)) || (d = strcmp(x->name, y->name)))
		return d;
	return strcmp(x->version, y->version);
}

static int add_queries(ld_osv_query **q, size_t *n, size_t *cap, const ld_deps *deps)
{
	for (size_t i = 0; i < deps->count; i++) {
		if (*n == *cap) {
			size_t grow = *cap ? *cap * 2 : 256;
			ld_osv_query *bigger = realloc(*q, grow * sizeof(*bigger));
			if (!bigger)
				return ld_error_oom();
			*q = bigger;
			*cap = grow;
		}
		(*q)[*n].ecosystem = deps->items[i].ecosystem;
		(*q)[*n].name = deps->items[i].name;
		(*q)[*n].version = deps->items[i].version;
		(*n)++;
	}
	return 0;
}

/* Every distinct package version the run found, in `lists` and in its layers. */
static int run_queries(ld_osv_query **q, size_t *n, ld_depcheck *c, const ld_deps *const *lists,
		       size_t nlists)
{
	size_t cap = 0, kept = 0;
	int error = 0;

	*q = NULL;
	*n = 0;
	for (size_t i = 0; i < nlists && error == 0; i++)
		if (lists[i])
			error = add_queries(q, n, &cap, lists[i]);
	for (size_t i = 0; i < ld_depcheck__nlayers(c) && error == 0; i++)
		error = add_queries(q, n, &cap, &ld_depcheck__layer_at(c, i)->deps);
	if (error < 0 || !*n)
		return error;
	qsort(*q, *n, sizeof(**q), cmp_query);
	for (size_t i = 0; i < *n; i++)
		if (!kept || cmp_query(&(*q)[kept - 1], &(*q)[i]))
			(*q)[kept++] = (*q)[i];
	*n = kept;
	return 0;
}

int ld_depfetch_ask(ld_depcheck *c, const ld_deps *const *lists, size_t nlists)
{
	const char *url = ld_depcheck__plan(c)->osv_api;
	ld_osvapi *api = NULL;
	ld_osv_query *q = NULL;
	size_t n = 0;
	int error;

	if (!url || !ld_depcheck__osv(c))
		return 0;
	if ((error = run_queries(&q, &n, c, lists, nlists)) < 0 || !n)
		goto done;
	if ((error = ld_osvapi_new(&api, url)) < 0 || (error = ld_osvapi_connect(api)) < 0)
		goto done;
	if (ld_osvapi_ask(api, ld_depcheck__osv(c), q, n) < 0)
		error = ld_depcheck__api_unanswered(c, ld_error_last()->message);
done:
	ld_osvapi_free(api);
	free(q);
	return error;
}

/* The scan's question: every served version's package dependencies, and the layers'. */
static int ask_osv(ld_depcheck *c, const ld_depcheck_reads *reads)
{
	const ld_deps **lists = NULL;
	size_t n = 0, k = 0;
	int error;

	for (size_t i = 0; i < reads->nfns; i++)
		n += reads->fns[i].nserved;
	if (n && !(lists = calloc(n, sizeof(*lists))))
		return ld_error_oom();
	for (size_t i = 0; i < reads->nfns; i++)
		for (size_t j = 0; j < reads->fns[i].nserved; j++)
			lists[k++] = &reads->fns[i].served[j].deps;
	error = ld_depfetch_ask(c, lists, n);
	free(lists);
	return error;
}

/* ------------------------------------------------------------------ the scan */

int ld_depfetch_scan(ld_depcheck_reads *reads, ld_depcheck *c, ld_inventory *inv,
		     ld_aws_session *const *sessions, const char *const *accounts,
		     size_t nsessions)
{
	gather g = { c, reads, inv, sessions, accounts, nsessions };
	ld_pool_reads_opts o;
	int error;

	memset(reads, 0, sizeof(*reads));
	if (inv->nfunctions && !(reads->fns = calloc(inv->nfunctions, sizeof(*reads->fns))))
		return ld_error_oom();
	reads->nfns = inv->nfunctions;
	memset(&o, 0, sizeof(o));
	o.njobs = inv->nfunctions;
	o.workers = ld_depcheck__plan(c)->workers;
	o.transport_session = nsessions ? sessions[0] : NULL;
	o.run = gather_function;
	o.finished = gathered;
	o.ctx = &g;
	o.calls = &inv->calls;
	if ((error = ld_pool__reads(&o)) < 0)
		return error;
	return ask_osv(c, reads);
}
