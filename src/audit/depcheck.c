/*
 * Dependency checks (see lambdrift/deps.h and depcheck.h). A served version's deployed
 * dependencies are its package's plus its layers'; layers are shared between functions,
 * so each is fetched, checked and read once per run and kept in the ld_depcheck. What
 * cannot be read is said twice, as the rest of lambdrift does: a finding on the function
 * (code-unverified, package-integrity) and a problem that marks the run incomplete, since
 * an advisory or a lockfile difference may hide in what was not read.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/depcheck.h"
#include "audit/source.h"
#include "deps/osv.h"
#include "lambdrift/errors.h"
#include "lambdrift/verify.h"
#include "pkg/expect.h"
#include "pkg/manifest.h"
#include "util/json.h"

#define DEFAULT_MAX_PACKAGE LD_VERIFY_MAX_PACKAGE /* one cap for every package download */
#define EVIDENCE_PATHS 20     /* paths listed in one finding's evidence */
#define DEFAULT_WORKERS 4     /* packages read at once by ld_depcheck_scan */
#define MAX_WORKERS 64

typedef enum {
	LAYER_READ = 0,       /* content read, deps filled */
	LAYER_UNREAD,         /* GetLayerVersion, the download or the zip failed: `why` */
	LAYER_CORRUPT         /* the bytes do not hash to Content.CodeSha256 */
} layer_state;

typedef struct {
	char *arn;                  /* layer version ARN */
	layer_state state;
	char *why;                  /* UNREAD: the reason, one line */
	char reported[LD_CODE_SHA256_LEN + 1], got[LD_CODE_SHA256_LEN + 1]; /* CORRUPT */
	char manifest[LD_SHA256_HEX_LEN + 1]; /* READ: digest of its content manifest */
	ld_deps deps;               /* finished, origin = arn */
	long attached;              /* the ARN's version */
	long newest;                /* highest listed version, 0 when not known */
	char *newest_arn;
} layer_entry;

struct ld_depcheck {
	ld_osv_db *osv;             /* NULL when no advisories were asked for */
	ld_advisories *advisories;  /* the OSV API (owned), NULL when it is not asked */
	size_t max_package;
	size_t workers;             /* threads of ld_depcheck_scan */
	pthread_mutex_t lock;       /* findings, inventory lines, rows, progress */
	pthread_mutex_t layers_lock;/* the layer cache; a new layer is read under it */
	pthread_mutex_t osv_lock;   /* `advisories` and what it adds to `osv` */
	layer_entry **layers;       /* entries never move: threads keep pointers to them */
	size_t nlayers, alloc;
	ld_depcheck_progress_fn progress;
	void *progress_ctx;
	size_t layers_seen;         /* for progress; guarded by `lock` */
};

/* ------------------------------------------------------------------ lifecycle */

static int load_advisories(ld_depcheck *c, const ld_depcheck_opts *o)
{
	int error;

	if ((error = ld_osv_db_new(&c->osv, NULL)) < 0)
		return error;
	for (size_t i = 0; o && i < o->nosv; i++)
		if ((error = ld_osv_load(c->osv, o->osv_paths[i])) < 0)
			return error;
	return 0;
}

int ld_depcheck__new(ld_depcheck **out, const ld_depcheck_opts *o, ld_advisories *advisories)
{
	ld_depcheck *c = calloc(1, sizeof(*c));
	int error = 0;

	*out = NULL;
	if (!c) {
		if (advisories)
			advisories->free(advisories);
		return ld_error_oom();
	}
	c->advisories = advisories;
	c->max_package = o && o->max_package ? o->max_package : DEFAULT_MAX_PACKAGE;
	c->workers = o && o->workers ? o->workers : DEFAULT_WORKERS;
	if (c->workers > MAX_WORKERS)
		c->workers = MAX_WORKERS;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->layers_lock, NULL);
	pthread_mutex_init(&c->osv_lock, NULL);
	if (advisories || (o && o->nosv))
		error = load_advisories(c, o);
	if (error < 0) {
		ld_depcheck_free(c);
		return error;
	}
	*out = c;
	return 0;
}

void ld_depcheck_free(ld_depcheck *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nlayers; i++) {
		free(c->layers[i]->arn);
		free(c->layers[i]->why);
		free(c->layers[i]->newest_arn);
		ld_deps_dispose(&c->layers[i]->deps);
		free(c->layers[i]);
	}
	free(c->layers);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->layers_lock);
	pthread_mutex_destroy(&c->osv_lock);
	ld_osv_db_free(c->osv);
	if (c->advisories)
		c->advisories->free(c->advisories);
	free(c);
}

void ld_depcheck_set_progress(ld_depcheck *c, ld_depcheck_progress_fn fn, void *ctx)
{
	c->progress = fn;
	c->progress_ctx = ctx;
}

static int cmp_layer(const void *a, const void *b)
{
	return strcmp(((const ld_depcheck_layer *)a)->arn, ((const ld_depcheck_layer *)b)->arn);
}

size_t ld_depcheck_layers(const ld_depcheck *c, ld_depcheck_layer *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; c && i < c->nlayers; i++) {
		const layer_entry *e = c->layers[i];
		if (n < max) {
			ld_depcheck_layer *l = &out[n];
			l->arn = e->arn;
			l->state = e->state == LAYER_READ ? "read" :
				   e->state == LAYER_CORRUPT ? "integrity-failed" : "unread";
			l->code_sha256 = e->state == LAYER_READ ? e->got : NULL;
			l->manifest_digest = e->state == LAYER_READ ? e->manifest : NULL;
			l->dependencies = e->deps.count;
			l->newest = e->newest;
		}
		n++;
	}
	if (out && n <= max)
		qsort(out, n, sizeof(*out), cmp_layer);
	return n;
}

/* ------------------------------------------------------------------ findings */

static void lock(const ld_depcheck_target *t)
{
	if (t->lock)
		pthread_mutex_lock(t->lock);
}

static void unlock(const ld_depcheck_target *t)
{
	if (t->lock)
		pthread_mutex_unlock(t->lock);
}

/* A problem (the run is incomplete) or a note of the inventory, under the target's lock. */
static int say(const ld_depcheck_target *t, bool problem, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int say(const ld_depcheck_target *t, bool problem, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int error;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lock(t);
	error = problem ? ld_inventory_problem(t->inv, "%s", line)
			: ld_inventory_note(t->inv, "%s", line);
	unlock(t);
	return error;
}

static int add(const ld_depcheck_target *t, const char *rule, const char *key,
	       ld_severity severity, ld_json *evidence, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int add(const ld_depcheck_target *t, const char *rule, const char *key,
	       ld_severity severity, ld_json *evidence, const char *fmt, ...)
{
	ld_finding_id id = t->id;
	ld_buf msg = LD_BUF_INIT_CAP(4096);
	char *ev = NULL;
	va_list ap;
	int error;

	if (!t->out) {
		ld_json_free(evidence);
		return 0;
	}
	id.rule = rule;
	id.key = key;
	id.severity = severity != LD_SEV_NONE ? severity : ld_rule_severity(rule);
	if (evidence)
		ev = ld_findings_evidence(evidence);
	va_start(ap, fmt);
	ld_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	lock(t);
	error = ld_findings_add(t->out, &id, ev, "%s", msg.ptr);
	unlock(t);
	free(ev);
	ld_buf_dispose(&msg);
	return error;
}

/* code-unverified for a part that could not be read; marks the run incomplete. */
static int unread(const ld_depcheck_target *t, const char *key, const char *why)
{
	int error = say(t, true, "%s: dependencies not read: %s", t->id.function, why);
	if (error == 0)
		error = add(t, "code-unverified", key, LD_SEV_NONE, NULL,
			    "the dependencies of version %s were not fully read: %s",
			    t->v->version, why);
	return error;
}

/* ------------------------------------------------------------------ the package */

/* The version's package, downloaded (aws/fetch.c) and checked against CodeSha256; *ok
 * false when a finding says why there are no bytes. */
static int fetch_package(const ld_depcheck_target *t, ld_fetched *f, bool *ok)
{
	char why[sizeof(f->message) + 64];
	const char *reported;
	ld_json *ev;
	int error = 0;

	*ok = false;
	if ((error = t->source->package(t->source, f, t->fn->region, t->fn->name, t->v->version,
				      t->v->code_sha256, NULL, LD_FETCH_DOWNLOAD, t->calls)) < 0)
		return error;
	switch (f->status) {
	case LD_FETCH_OK:
		*ok = true;
		return 0;
	case LD_FETCH_GET_FAILED:
		snprintf(why, sizeof(why), "GetFunction failed: %s", f->message);
		return unread(t, "package", why);
	case LD_FETCH_NO_LOCATION:
		return unread(t, "package", "GetFunction returned no package location");
	case LD_FETCH_CORRUPT:
		break;
	default:
		return unread(t, "package", f->message);
	}
	reported = f->has_reported ? f->reported : NULL;
	ev = ld_json_new_object();
	ld_json_add_str(ev, "reported_code_sha256", reported);
	ld_json_add_str(ev, "downloaded_code_sha256", f->got);
	if ((error = say(t, true, "%s: dependencies not read: the package of version %s "
			 "does not hash to its CodeSha256", t->id.function, t->v->version)) == 0)
		error = add(t, "package-integrity", "package", LD_SEV_NONE, ev,
			    "the package downloaded for version %s hashes to %s, but "
			    "Lambda reports CodeSha256 %s; its dependencies were not read",
			    t->v->version, f->got, reported ? reported : "(none)");
	else
		ld_json_free(ev);
	return error;
}

/* ------------------------------------------------------------------ layers */

static int layer_list_versions(const ld_depcheck_target *t, layer_entry *e)
{
	int rc = t->source->layer_newest(t->source, &e->newest, &e->newest_arn,
					 e->arn, t->calls);

	if (rc == LD_EAUTH)
		return say(t, false, "layer %s: its versions may not be listed (%s), so "
			   "layer-outdated was not checked", e->arn, ld_error_last()->message);
	if (rc < 0)
		return say(t, true, "layer %s: listing its versions failed: %s", e->arn,
			   ld_error_last()->message);
	if (e->newest == 0)
		return say(t, false, "layer %s: ListLayerVersions lists no version of it (another "
			   "account's layer?), so layer-outdated was not checked", e->arn);
	return 0;
}

/* The layer's content as read by ld_fetch_layer(): its state, and its dependencies when
 * the bytes check out. */
static int layer_content(const ld_fetched *f, layer_entry *e)
{
	ld_manifest *manifest = NULL;
	int error = 0;

	e->state = LAYER_UNREAD;
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
		e->state = LAYER_CORRUPT;
		goto done;
	}
	/* the manifest identifies the layer's files however it was zipped, as for packages */
	if (ld_deps_manifest(&manifest, &e->deps, f->bytes.ptr, f->bytes.size, NULL, e->arn) < 0 ||
	    ld_manifest_digest(e->manifest, manifest) < 0) {
		char why[sizeof(ld_error_last()->message) + 40];
		snprintf(why, sizeof(why), "its content cannot be read: %s",
			 ld_error_last()->message);
		e->why = strdup(why);
		goto done;
	}
	ld_deps_finish(&e->deps);
	e->state = LAYER_READ;
done:
	if (e->state == LAYER_UNREAD && !e->why)
		error = ld_error_oom();
	ld_manifest_free(manifest);
	return error;
}

/* A new cache entry for `arn` (not yet read); called with the layers lock held. */
static int layer_new(ld_depcheck *c, const char *arn, layer_entry **out)
{
	layer_entry *e;

	if (c->nlayers == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 8;
		layer_entry **grown = realloc(c->layers, n * sizeof(*grown));
		if (!grown)
			return ld_error_oom();
		c->layers = grown;
		c->alloc = n;
	}
	if (!(e = calloc(1, sizeof(*e))))
		return ld_error_oom();
	ld_deps_init(&e->deps);
	if (!(e->arn = strdup(arn))) {
		free(e);
		return ld_error_oom();
	}
	c->layers[c->nlayers++] = e;
	*out = e;
	pthread_mutex_lock(&c->lock); /* progress reads it under this lock */
	c->layers_seen = c->nlayers;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* Read a new entry: its content, then its newest version. */
static int layer_read(ld_depcheck *c, const ld_depcheck_target *t, layer_entry *e)
{
	ld_fetched f;
	int error;

	ld_fetched_init(&f, c->max_package);
	if ((error = t->source->layer(t->source, &f, e->arn, t->calls)) == 0 &&
	    f.status == LD_FETCH_BAD_ARN) {
		e->state = LAYER_UNREAD;
		error = (e->why = strdup(f.message)) ? 0 : ld_error_oom();
		ld_fetched_dispose(&f);
		return error;
	}
	e->attached = f.layer_version;
	if (error == 0)
		error = layer_content(&f, e);
	ld_fetched_dispose(&f);
	if (error < 0)
		return error;
	if (e->state == LAYER_UNREAD)
		error = say(t, true, "layer %s: not read: %s", e->arn, e->why);
	else if (e->state == LAYER_CORRUPT)
		error = say(t, true, "layer %s: not read: its content does not hash to the "
			    "CodeSha256 Lambda reports", e->arn);
	return error < 0 ? error : layer_list_versions(t, e);
}

/* The run's entry for a layer version, read on first use. The layers lock is held while a
 * new one is read, so every thread that attaches it waits for that one read. */
static int layer_get(ld_depcheck *c, const ld_depcheck_target *t, const char *arn,
		     layer_entry **out)
{
	int error = 0;

	*out = NULL;
	pthread_mutex_lock(&c->layers_lock);
	for (size_t i = 0; i < c->nlayers && !*out; i++)
		if (!strcmp(c->layers[i]->arn, arn))
			*out = c->layers[i];
	if (!*out && (error = layer_new(c, arn, out)) == 0)
		error = layer_read(c, t, *out);
	pthread_mutex_unlock(&c->layers_lock);
	return error;
}

static int layer_outdated(const ld_depcheck_target *t, const layer_entry *e)
{
	ld_json *ev;

	if (e->newest <= e->attached)
		return 0;
	ev = ld_json_new_object();
	ld_json_add_str(ev, "attached", e->arn);
	ld_json_add_num(ev, "attached_version", (double)e->attached);
	ld_json_add_num(ev, "newest", (double)e->newest);
	ld_json_add_str(ev, "newest_arn", e->newest_arn);
	ld_json_add_str(ev, "attached_manifest_digest", e->manifest);
	return add(t, "layer-outdated", e->arn, LD_SEV_NONE, ev,
		   "version %s attaches layer %s, but version %ld of that layer exists",
		   t->v->version, e->arn, e->newest);
}

/* Findings for one attached layer and its dependencies appended to `deps`. */
static int use_layer(ld_depcheck *c, const ld_depcheck_target *t, const char *arn,
		     ld_deps *deps, bool *whole)
{
	layer_entry *e = NULL;
	int error;

	if ((error = layer_get(c, t, arn, &e)) < 0)
		return error;
	if (e->state == LAYER_UNREAD) {
		char why[sizeof(ld_error_last()->message) + 600];
		*whole = false;
		snprintf(why, sizeof(why), "layer %s: %s", arn, e->why);
		return add(t, "code-unverified", arn, LD_SEV_NONE, NULL,
			   "the dependencies of version %s were not fully read: %s",
			   t->v->version, why);
	}
	if (e->state == LAYER_CORRUPT) {
		ld_json *ev = ld_json_new_object();
		*whole = false;
		ld_json_add_str(ev, "layer", arn);
		ld_json_add_str(ev, "reported_code_sha256", e->reported);
		ld_json_add_str(ev, "downloaded_code_sha256", e->got);
		return add(t, "package-integrity", arn, LD_SEV_NONE, ev,
			   "the content downloaded for layer %s (attached to version %s) hashes "
			   "to %s, but Lambda reports CodeSha256 %s; its dependencies were not "
			   "read", arn, t->v->version, e->got, e->reported[0] ? e->reported : "(none)");
	}
	for (size_t i = 0; i < e->deps.count; i++) {
		const ld_dep *d = &e->deps.items[i];
		if ((error = ld_deps_add(deps, d->ecosystem, d->name, d->version, d->path,
					 d->origin)) < 0 && error != LD_EINVALID)
			return error;
	}
	return layer_outdated(t, e);
}

/* The version's Layers setting: a canonical JSON array of layer version ARNs in attach
 * order, or "" when it has none. */
static const char *layers_value(const ld_version *v)
{
	for (size_t i = 0; v && i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, "Layers"))
			return v->config[i].value;
	return "";
}

bool ld_depcheck__has_layers(const ld_version *v)
{
	const char *layers = layers_value(v);
	return *layers && strcmp(layers, "[]") != 0;
}

static int read_layers(ld_depcheck *c, const ld_depcheck_target *t, ld_deps *deps, bool *whole)
{
	const char *layers = layers_value(t->v);
	ld_json *arns = NULL;
	int error;

	if (!ld_depcheck__has_layers(t->v))
		return 0;
	if (!t->source) {
		*whole = false;
		return add(t, "code-unverified", "layers", LD_SEV_NONE, NULL,
			   "version %s attaches layers, which an offline run cannot read; their "
			   "dependencies were not checked (run live to read them)", t->v->version);
	}
	if ((error = ld_json_parse(&arns, layers, strlen(layers),
				   "the inventory's Layers field")) < 0)
		return unread(t, "layers", ld_error_last()->message);
	for (ld_json *a = ld_json_first(arns); a && error == 0; a = ld_json_next(a))
		if (ld_json_is_string(a))
			error = use_layer(c, t, ld_json_str(a), deps, whole);
	ld_json_free(arns);
	return error;
}

int ld_depcheck__read(ld_depcheck *c, const ld_depcheck_target *t, ld_depcheck_pkg how,
		      const void *pkg, size_t len, ld_deps *deps, bool *whole)
{
	ld_fetched f;
	bool ok = how != LD_DEPCHECK_PKG_NONE;
	int error = 0;

	*whole = true;
	ld_fetched_init(&f, c->max_package);
	if (how == LD_DEPCHECK_PKG_FETCH) {
		if (!t->source)
			ok = false;
		else if ((error = fetch_package(t, &f, &ok)) < 0)
			goto done;
		pkg = f.bytes.ptr;
		len = f.bytes.size;
	}
	if (!ok) {
		*whole = false;
	} else if (how != LD_DEPCHECK_PKG_READ &&
		   ld_deps_from_zip(deps, pkg, len, NULL, NULL) < 0) {
		char why[sizeof(ld_error_last()->message) + 40];
		snprintf(why, sizeof(why), "the package cannot be read: %s",
			 ld_error_last()->message);
		*whole = false;
		if ((error = unread(t, "package", why)) < 0)
			goto done;
	}
	if ((error = read_layers(c, t, deps, whole)) == 0)
		error = ld_deps_finish(deps);
done:
	ld_fetched_dispose(&f);
	return error;
}

/* ------------------------------------------------------------------ advisories */

/* Ask the OSV API about these dependencies (records it names join the database). */
static int ask_api(ld_depcheck *c, const ld_depcheck_target *t, const ld_deps *deps)
{
	bool answered = true;
	int error;

	if (!c->advisories || !deps->count)
		return 0;
	if ((error = c->advisories->ask(c->advisories, c->osv, deps, &answered)) < 0 || answered)
		return error;
	return say(t, true, "%s: the OSV API was not answered: %s", t->id.function,
		   ld_error_last()->message);
}

static bool same_package(const ld_dep *a, const ld_dep *b)
{
	return a->ecosystem == b->ecosystem && !strcmp(a->name, b->name) &&
	       !strcmp(a->version, b->version);
}

static const char *origin_text(const char *origin, char *buf, size_t len)
{
	if (!origin || !strcmp(origin, LD_DEPS_ORIGIN_FUNCTION))
		return "";
	snprintf(buf, len, " in layer %s", origin);
	return buf;
}

/* One finding per advisory affecting the package deps[first..end). */
static int vulnerable_group(const ld_depcheck_target *t, const ld_dep *d, size_t ncopies,
			    const ld_osv_match_item *m)
{
	ld_json *ev = ld_json_new_object(), *paths = ld_json_new_array(), *aliases = ld_json_new_array();
	char key[1200], where[600];

	for (size_t i = 0; i < ncopies && i < EVIDENCE_PATHS; i++) {
		ld_json *p = ld_json_new_object();
		ld_json_add_str(p, "path", d[i].path);
		ld_json_add_str(p, "origin", d[i].origin);
		ld_json_append(paths, p);
	}
	for (size_t i = 0; i < m->naliases; i++)
		ld_json_append(aliases, ld_json_new_string(m->aliases[i]));
	ld_json_add_str(ev, "ecosystem", d->ecosystem);
	ld_json_add_str(ev, "name", d->name);
	ld_json_add_str(ev, "version", d->version);
	ld_json_add_str(ev, "path", d->path);
	ld_json_add_str(ev, "origin", d->origin);
	ld_json_add(ev, "found_at", paths);
	ld_json_add_str(ev, "advisory", m->id);
	ld_json_add(ev, "aliases", aliases);
	ld_json_add_str(ev, "fixed", m->fixed);
	ld_json_add_str(ev, "severity", m->severity_label);
	ld_json_add_str(ev, "severity_source", m->severity_source);
	if (m->cvss_score >= 0)
		ld_json_add_num(ev, "cvss_score", m->cvss_score);
	snprintf(key, sizeof(key), "%s:%s@%s:%s", d->ecosystem, d->name, d->version, m->id);
	return add(t, "dependency-vulnerable", key,
		   m->severity != LD_SEV_NONE ? m->severity : LD_SEV_WARNING, ev,
		   "%s %s %s (%s%s%s) is affected by %s%s%s%s%s: %.200s; %s%s", d->ecosystem,
		   d->name, d->version, d->path, origin_text(d->origin, where, sizeof(where)),
		   ncopies > 1 ? ", and more copies" : "", m->id, m->naliases ? " (" : "",
		   m->naliases ? m->aliases[0] : "", m->naliases > 1 ? ", ..." : "",
		   m->naliases ? ")" : "", m->summary ? m->summary : "no summary",
		   m->fixed ? "fixed in " : "no fixed version is known", m->fixed ? m->fixed : "");
}

static int add_row(ld_dep_rows *rows, const ld_depcheck_target *t, const ld_dep *d,
		   const ld_osv_matches *m);

static int vulnerable(ld_depcheck *c, const ld_depcheck_target *t, const ld_deps *deps,
		      ld_dep_rows *rows)
{
	/* the OSV API adds records to the database as threads match against it */
	bool grows = c->advisories != NULL;
	int error = 0;

	if (grows)
		pthread_mutex_lock(&c->osv_lock);
	if (c->osv)
		error = ask_api(c, t, deps);
	for (size_t i = 0; i < deps->count && error == 0;) {
		const ld_dep *d = &deps->items[i];
		ld_osv_matches m;
		size_t n = 1;

		memset(&m, 0, sizeof(m));
		while (i + n < deps->count && same_package(d, &deps->items[i + n]))
			n++;
		/* a version that is not valid in its ecosystem matches no range */
		if (c->osv && ld_osv_match(c->osv, d->ecosystem, d->name, d->version, &m) < 0 &&
		    ld_error_last()->code != LD_EINVALID)
			error = ld_error_last()->code;
		for (size_t k = 0; k < m.count && error == 0; k++)
			error = vulnerable_group(t, d, n, &m.items[k]);
		/* an advisory range lambdrift cannot order may cover this version: not clean */
		if (m.unevaluated && error == 0)
			error = say(t, true, "%s: %zu advisory range(s) for %s %s %s could not be "
				    "evaluated (no ordering for the ecosystem, or an invalid "
				    "version in the advisory); dependency-vulnerable was not "
				    "checked for it", t->id.function, m.unevaluated, d->ecosystem,
				    d->name, d->version);
		for (size_t k = 0; rows && k < n && error == 0; k++)
			error = add_row(rows, t, &deps->items[i + k], c->osv ? &m : NULL);
		ld_osv_matches_dispose(&m);
		i += n;
	}
	if (grows)
		pthread_mutex_unlock(&c->osv_lock);
	return error;
}

int ld_depcheck__vulnerable(ld_depcheck *c, const ld_depcheck_target *t, const ld_deps *deps)
{
	return c->osv ? vulnerable(c, t, deps, NULL) : 0;
}

/* ------------------------------------------------------------------ lockfiles */

int ld_depcheck__drift(const ld_depcheck_target *t, const ld_deps *deps, const ld_lock *lock,
		       const char *tag, const char *files)
{
	ld_deps_diff diff;
	int error;

	memset(&diff, 0, sizeof(diff));
	if ((error = ld_deps_compare(deps, lock, &diff)) < 0)
		return error;
	for (size_t i = 0; i < diff.count && error == 0; i++) {
		const ld_deps_change *ch = &diff.changes[i];
		ld_json *ev = ld_json_new_object();
		char key[700], where[600];

		ld_json_add_str(ev, "kind", ld_deps_change_name(ch->kind));
		ld_json_add_str(ev, "ecosystem", ch->ecosystem);
		ld_json_add_str(ev, "name", ch->name);
		ld_json_add_str(ev, "deployed", ch->deployed);
		ld_json_add_str(ev, "locked", ch->locked);
		ld_json_add_str(ev, "path", ch->path);
		ld_json_add_str(ev, "origin", ch->origin);
		ld_json_add_str(ev, "lockfiles", files);
		snprintf(key, sizeof(key), "%s:%s", ch->ecosystem, ch->name);
		if (ch->kind == LD_DEPS_MISSING)
			error = add(t, "dependency-drift", key, LD_SEV_NONE, ev,
				    "%s %s %s is pinned by %s at %s but is not deployed in "
				    "version %s", ch->ecosystem, ch->name, ch->locked, files, tag,
				    t->v->version);
		else if (ch->kind == LD_DEPS_UNEXPECTED)
			error = add(t, "dependency-drift", key, LD_SEV_NONE, ev,
				    "%s %s %s is deployed in version %s (%s) but %s at %s does not "
				    "list it", ch->ecosystem, ch->name, ch->deployed, t->v->version,
				    ch->path, files, tag);
		else
			error = add(t, "dependency-drift", key, LD_SEV_NONE, ev,
				    "%s %s is deployed at %s in version %s (%s%s), but %s at %s "
				    "pins %s", ch->ecosystem, ch->name, ch->deployed, t->v->version,
				    ch->path, origin_text(ch->origin, where, sizeof(where)), files,
				    tag, ch->locked);
	}
	ld_deps_diff_dispose(&diff);
	return error;
}

/* ------------------------------------------------------------------ ld_depcheck_scan */

void ld_dep_rows_dispose(ld_dep_rows *rows)
{
	if (!rows)
		return;
	for (size_t i = 0; i < rows->count; i++) {
		ld_dep_row *r = &rows->items[i];
		free(r->name);
		free(r->version);
		free(r->path);
		free(r->origin);
		free(r->account);
		free(r->region);
		free(r->function);
		free(r->qualifier);
		for (size_t k = 0; k < r->nadvisories; k++)
			free(r->advisories[k]);
		free(r->advisories);
	}
	free(rows->items);
	memset(rows, 0, sizeof(*rows));
}

static int dup_opt(char **out, const char *s)
{
	*out = NULL;
	return !s || (*out = strdup(s)) ? 0 : ld_error_oom();
}

static int add_row_locked(ld_dep_rows *rows, const ld_depcheck_target *t, const ld_dep *d,
			  const ld_osv_matches *m);

static int add_row(ld_dep_rows *rows, const ld_depcheck_target *t, const ld_dep *d,
		   const ld_osv_matches *m)
{
	int error;

	lock(t);
	error = add_row_locked(rows, t, d, m);
	unlock(t);
	return error;
}

static int add_row_locked(ld_dep_rows *rows, const ld_depcheck_target *t, const ld_dep *d,
			  const ld_osv_matches *m)
{
	ld_dep_row *r;
	int error;

	if (rows->count == rows->alloc) {
		size_t n = rows->alloc ? rows->alloc * 2 : 64;
		ld_dep_row *grown = realloc(rows->items, n * sizeof(*grown));
		if (!grown)
			return ld_error_oom();
		rows->items = grown;
		rows->alloc = n;
	}
	r = &rows->items[rows->count++];
	memset(r, 0, sizeof(*r));
	r->ecosystem = d->ecosystem;
	if (dup_opt(&r->name, d->name) < 0 || dup_opt(&r->version, d->version) < 0 ||
	    dup_opt(&r->path, d->path) < 0 || dup_opt(&r->origin, d->origin) < 0 ||
	    dup_opt(&r->account, t->id.account) < 0 || dup_opt(&r->region, t->id.region) < 0 ||
	    dup_opt(&r->function, t->id.function) < 0 ||
	    dup_opt(&r->qualifier, t->id.qualifier) < 0)
		return ld_error_oom();
	if (!m)
		return 0;
	r->checked = true;
	if (m->count && !(r->advisories = calloc(m->count, sizeof(*r->advisories))))
		return ld_error_oom();
	for (size_t k = 0; k < m->count; k++)
		if ((error = dup_opt(&r->advisories[r->nadvisories++], m->items[k].id)) < 0)
			return error;
	return 0;
}

/* Whether `v` has the same code and layers as a version already in served[0..n). */
static bool read_before(const ld_version *const *served, size_t n, const ld_version *v)
{
	for (size_t i = 0; i < n; i++)
		if (served[i] == v ||
		    (served[i]->code_sha256 && v->code_sha256 &&
		     !strcmp(served[i]->code_sha256, v->code_sha256) &&
		     !strcmp(layers_value(served[i]), layers_value(v))))
			return true;
	return false;
}

static int push_served(const ld_version **served, size_t *n, const ld_version *v)
{
	if (v && !read_before(served, *n, v))
		served[(*n)++] = v;
	return 0;
}

/* Versions that serve traffic, aliased ones first: each read once. */
static int served_versions(const ld_function *fn, const ld_version ***out, size_t *n)
{
	size_t cap = 1;

	*n = 0;
	for (size_t i = 0; i < fn->naliases; i++)
		cap += 1 + fn->aliases[i].nweights;
	if (!(*out = calloc(cap, sizeof(**out))))
		return ld_error_oom();
	for (size_t i = 0; i < fn->naliases; i++) {
		const ld_alias *a = &fn->aliases[i];
		push_served(*out, n, ld_function_version(fn, a->function_version));
		for (size_t j = 0; j < a->nweights; j++)
			push_served(*out, n, ld_function_version(fn, a->weights[j].version));
	}
	return push_served(*out, n, ld_function_version(fn, "$LATEST"));
}

static int scan_version(ld_depcheck *c, ld_depcheck_target *t, ld_dep_rows *rows)
{
	ld_deps deps;
	bool whole;
	int error;

	ld_deps_init(&deps);
	if (t->v->package_type && !strcmp(t->v->package_type, "Image")) {
		error = say(t, false, "%s: version %s is a container image; lambdrift reads "
			    "dependencies of zip packages and layers only", t->id.function,
			    t->v->version);
		goto done;
	}
	if ((error = ld_depcheck__read(c, t, LD_DEPCHECK_PKG_FETCH, NULL, 0, &deps, &whole)) == 0)
		error = vulnerable(c, t, &deps, rows);
done:
	ld_deps_dispose(&deps);
	return error;
}

static int cmp_row(const void *a, const void *b)
{
	const ld_dep_row *x = a, *y = b;
	int d;

	if ((d = strcmp(x->account ? x->account : "", y->account ? y->account : "")) ||
	    (d = strcmp(x->region ? x->region : "", y->region ? y->region : "")) ||
	    (d = strcmp(x->function, y->function)) || (d = strcmp(x->qualifier, y->qualifier)) ||
	    (d = strcmp(x->ecosystem, y->ecosystem)) || (d = strcmp(x->name, y->name)) ||
	    (d = strcmp(x->version, y->version)) || (d = strcmp(x->path, y->path)))
		return d;
	return strcmp(x->origin, y->origin);
}

/* The source that reaches `fn`'s account, or NULL. */
static ld_source *source_for(const ld_function *fn, const ld_inventory *inv,
			     ld_source *const *sources, const char *const *accounts, size_t n)
{
	const char *account = fn->account ? fn->account : inv->account;

	if (!accounts)
		return n ? sources[0] : NULL;
	for (size_t i = 0; account && i < n; i++)
		if (!strcmp(accounts[i], account))
			return sources[i];
	return NULL;
}

/* One scan shared by its workers; the counters and the first error are guarded by c->lock. */
typedef struct {
	ld_depcheck *c;
	ld_findings *out;
	ld_dep_rows *rows;
	ld_inventory *inv;
	ld_source *const *sources;
	const char *const *accounts;
	size_t nsources;
	bool threaded;
	size_t next, done;
	int error;
	char message[sizeof(ld_error_last()->message)]; /* errors are per thread */
} scan_run;

/* Every served version of function `i`. */
static int scan_function(scan_run *r, ld_api_calls *calls, size_t i)
{
	const ld_function *fn = &r->inv->functions[i];
	ld_source *s = source_for(fn, r->inv, r->sources, r->accounts, r->nsources);
	ld_depcheck_target t = { r->out, r->inv, s, fn, NULL,
				 { NULL, LD_SEV_NONE, fn->account ? fn->account : r->inv->account,
				   fn->region, fn->name, NULL, NULL, 0 },
				 calls, r->threaded ? &r->c->lock : NULL };
	const ld_version **served = NULL;
	size_t n = 0;
	int error;

	if (!s)
		return say(&t, true, "%s: dependencies not read: no session for its account %s",
			   fn->name, fn->account ? fn->account : "(unknown)");
	if ((error = served_versions(fn, &served, &n)) < 0)
		return error;
	for (size_t k = 0; k < n && error == 0; k++) {
		t.v = served[k];
		t.id.qualifier = served[k]->version;
		error = scan_version(r->c, &t, r->rows);
	}
	free(served);
	return error;
}

/* Take the next function, or none when all are taken or the run failed. */
static bool take(scan_run *r, size_t *i)
{
	bool more;

	pthread_mutex_lock(&r->c->lock);
	more = r->error == 0 && r->next < r->inv->nfunctions;
	if (more)
		*i = r->next++;
	pthread_mutex_unlock(&r->c->lock);
	return more;
}

static void finished(scan_run *r, int error)
{
	ld_depcheck *c = r->c;

	pthread_mutex_lock(&c->lock);
	if (error < 0 && r->error == 0) {
		r->error = error;
		snprintf(r->message, sizeof(r->message), "%s", ld_error_last()->message);
	}
	r->done++;
	if (c->progress)
		c->progress(c->progress_ctx, r->done, r->inv->nfunctions, c->layers_seen);
	pthread_mutex_unlock(&c->lock);
}

/* One worker: functions until none is left (aws/fetch.c runs it on its own connection). */
static void work(void *arg, ld_api_calls *calls)
{
	scan_run *r = arg;
	size_t i;

	while (take(r, &i))
		finished(r, scan_function(r, calls, i));
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ld_depcheck__scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		      ld_source *const *sources, const char *const *accounts, size_t nsources,
		      ld_depcheck *c)
{
	scan_run r = { c, out, rows, inv, sources, accounts, nsources, false, 0, 0, 0, "" };
	size_t nworkers = c->workers < inv->nfunctions ? c->workers : inv->nfunctions;
	size_t problems = inv->nproblems, notes = inv->nnotes;
	int error = 0;

	if (nworkers > 1 && nsources) {
		r.threaded = true;
		if ((error = sources[0]->workers(sources[0], nworkers, work, &r,
						  &inv->calls)) == 0 &&
		    (error = r.error) < 0)
			ld_error_setc(error, LD_ERR_OS, "%s", r.message);
	} else {
		for (size_t i = 0; i < inv->nfunctions && r.error == 0; i++)
			finished(&r, scan_function(&r, &inv->calls, i));
		error = r.error;
	}
	/* workers finish in any order; the report must not */
	if (inv->nproblems > problems)
		qsort(inv->problems + problems, inv->nproblems - problems, sizeof(char *),
		      cmp_line);
	if (inv->nnotes > notes)
		qsort(inv->notes + notes, inv->nnotes - notes, sizeof(char *), cmp_line);
	if (out)
		ld_findings_sort(out);
	if (rows && rows->count)
		qsort(rows->items, rows->count, sizeof(*rows->items), cmp_row);
	return error;
}
