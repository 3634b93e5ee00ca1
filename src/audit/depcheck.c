/*
 * Dependency checks (see lambdrift/deps.h and depcheck.h). A served version's deployed
 * dependencies are its package's plus its layers'; layers are shared between functions,
 * so each is collected once per run and kept in the ld_depcheck. What could not be read is
 * said twice, as the rest of lambdrift does: a finding on the function (code-unverified,
 * package-integrity) and a problem that marks the run incomplete, since an advisory or a
 * lockfile difference may hide in what was not read. Everything here works on what the
 * collect stage (aws/depfetch.c) left: one thread, no I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/depcheck.h"
#include "deps/osv.h"
#include "lambdrift/errors.h"
#include "lambdrift/verify.h"
#include "pkg/expect.h"
#include "util/array.h"
#include "util/json.h"
#include "util/str.h"

#define DEFAULT_MAX_PACKAGE LD_VERIFY_MAX_PACKAGE /* one cap for every package download */
#define EVIDENCE_PATHS 20     /* paths listed in one finding's evidence */
#define DEFAULT_WORKERS 4     /* packages read at once by ld_depcheck_scan */
#define MAX_WORKERS 64

struct ld_depcheck {
	ld_osv_db *osv;             /* NULL when no advisories were asked for */
	ld_depcheck_plan plan;      /* plan.osv_api owned */
	char *api_unanswered;       /* the OSV API was asked and did not answer: why */
	ld_layer_read **layers;     /* entries never move: the collect stage keeps pointers */
	size_t nlayers, alloc;
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

int ld_depcheck__new(ld_depcheck **out, const ld_depcheck_opts *o)
{
	ld_depcheck *c = calloc(1, sizeof(*c));
	int error = 0;

	*out = NULL;
	if (!c)
		return ld_error_oom();
	c->plan.max_package = o && o->max_package ? o->max_package : DEFAULT_MAX_PACKAGE;
	c->plan.workers = o && o->workers ? o->workers : DEFAULT_WORKERS;
	if (c->plan.workers > MAX_WORKERS)
		c->plan.workers = MAX_WORKERS;
	if (o && o->osv_api && !(c->plan.osv_api = strdup(o->osv_api)))
		error = ld_error_oom();
	if (error == 0 && o && (o->osv_api || o->nosv))
		error = load_advisories(c, o);
	if (error < 0) {
		ld_depcheck_free(c);
		return error;
	}
	*out = c;
	return 0;
}

static void layer_free(ld_layer_read *e)
{
	free(e->arn);
	free(e->why);
	free(e->list_message);
	free(e->newest_arn);
	ld_deps_dispose(&e->deps);
	free(e);
}

void ld_depcheck_free(ld_depcheck *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nlayers; i++)
		layer_free(c->layers[i]);
	free(c->layers);
	ld_osv_db_free(c->osv);
	free((char *)c->plan.osv_api);
	free(c->api_unanswered);
	free(c);
}

void ld_depcheck_set_progress(ld_depcheck *c, ld_depcheck_progress_fn fn, void *ctx)
{
	c->plan.progress = fn;
	c->plan.progress_ctx = ctx;
}

const ld_depcheck_plan *ld_depcheck__plan(const ld_depcheck *c)
{
	return &c->plan;
}

ld_osv_db *ld_depcheck__osv(ld_depcheck *c)
{
	return c->osv;
}

int ld_depcheck__api_unanswered(ld_depcheck *c, const char *message)
{
	free(c->api_unanswered);
	return (c->api_unanswered = strdup(message)) ? 0 : ld_error_oom();
}

const char *ld_depcheck__api_message(const ld_depcheck *c)
{
	return c->osv ? c->api_unanswered : NULL;
}

ld_layer_read *ld_depcheck__layer(ld_depcheck *c, const char *arn)
{
	for (size_t i = 0; i < c->nlayers; i++)
		if (!strcmp(c->layers[i]->arn, arn))
			return c->layers[i];
	return NULL;
}

int ld_depcheck__layer_add(ld_depcheck *c, const char *arn, ld_layer_read **out, bool *made)
{
	ld_layer_read *e;

	*made = false;
	if ((*out = ld_depcheck__layer(c, arn)))
		return 0;
	if (ld_array_reserve(c->layers, c->alloc, c->nlayers + 1) < 0)
		return LD_ERROR;
	if (!(e = calloc(1, sizeof(*e))))
		return ld_error_oom();
	ld_deps_init(&e->deps);
	if (!(e->arn = strdup(arn))) {
		free(e);
		return ld_error_oom();
	}
	c->layers[c->nlayers++] = e;
	*out = e;
	*made = true;
	return 0;
}

size_t ld_depcheck__nlayers(const ld_depcheck *c)
{
	return c->nlayers;
}

const ld_layer_read *ld_depcheck__layer_at(const ld_depcheck *c, size_t i)
{
	return c->layers[i];
}

static int cmp_layer(const void *a, const void *b)
{
	return strcmp(((const ld_depcheck_layer *)a)->arn, ((const ld_depcheck_layer *)b)->arn);
}

size_t ld_depcheck_layers(const ld_depcheck *c, ld_depcheck_layer *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; c && i < c->nlayers; i++) {
		const ld_layer_read *e = c->layers[i];
		if (n < max) {
			ld_depcheck_layer *l = &out[n];
			l->arn = e->arn;
			l->state = e->state == LD_LAYER_READ ? "read" :
				   e->state == LD_LAYER_CORRUPT ? "integrity-failed" : "unread";
			l->code_sha256 = e->state == LD_LAYER_READ ? e->got : NULL;
			l->manifest_digest = e->state == LD_LAYER_READ ? e->manifest : NULL;
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

/* A problem (the run is incomplete) or a note of the inventory. */
static int say(const ld_depcheck_target *t, bool problem, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int say(const ld_depcheck_target *t, bool problem, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return problem ? ld_inventory_problem(t->inv, "%s", line)
		       : ld_inventory_note(t->inv, "%s", line);
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
	error = ld_findings_add(t->out, &id, ev, "%s", msg.ptr);
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

/* What the collect stage got of the version's package (GetFunction, the download, its
 * CodeSha256); *ok false when a finding says why there are no bytes. */
static int package_fetched(const ld_depcheck_target *t, const ld_depcheck_pkg_read *f,
			   bool *ok)
{
	char why[sizeof(ld_error_last()->message) + 64];
	const char *reported;
	ld_json *ev;
	int error = 0;

	*ok = false;
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
		return unread(t, "package", f->message ? f->message : "");
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

/* What collecting the layer left undone, said once per run by the first version that
 * attaches it: its content, then its versions' listing. */
static int layer_said(const ld_depcheck_target *t, ld_layer_read *e)
{
	int error = 0;

	if (e->said || e->bad_arn)
		return 0;
	e->said = true;
	if (e->state == LD_LAYER_UNREAD)
		error = say(t, true, "layer %s: not read: %s", e->arn, e->why);
	else if (e->state == LD_LAYER_CORRUPT)
		error = say(t, true, "layer %s: not read: its content does not hash to the "
			    "CodeSha256 Lambda reports", e->arn);
	if (error < 0)
		return error;
	if (e->listed == LD_EAUTH)
		return say(t, false, "layer %s: its versions may not be listed (%s), so "
			   "layer-outdated was not checked", e->arn, e->list_message);
	if (e->listed < 0)
		return say(t, true, "layer %s: listing its versions failed: %s", e->arn,
			   e->list_message);
	if (e->newest == 0)
		return say(t, false, "layer %s: ListLayerVersions lists no version of it (another "
			   "account's layer?), so layer-outdated was not checked", e->arn);
	return 0;
}

static int layer_outdated(const ld_depcheck_target *t, const ld_layer_read *e)
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
	ld_layer_read *e = ld_depcheck__layer(c, arn);
	int error;

	if (!e) {
		/* the collect stage reads every layer a run's versions attach: never clean */
		*whole = false;
		return unread(t, "layers", "the layers were not collected");
	}
	if ((error = layer_said(t, e)) < 0)
		return error;
	if (e->state == LD_LAYER_UNREAD) {
		char why[sizeof(ld_error_last()->message) + 600];
		*whole = false;
		snprintf(why, sizeof(why), "layer %s: %s", arn, e->why);
		return add(t, "code-unverified", arn, LD_SEV_NONE, NULL,
			   "the dependencies of version %s were not fully read: %s",
			   t->v->version, why);
	}
	if (e->state == LD_LAYER_CORRUPT) {
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

const char *ld_depcheck__layers_value(const ld_version *v)
{
	for (size_t i = 0; v && i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, "Layers"))
			return v->config[i].value;
	return "";
}

bool ld_depcheck__has_layers(const ld_version *v)
{
	const char *layers = ld_depcheck__layers_value(v);
	return *layers && strcmp(layers, "[]") != 0;
}

bool ld_depcheck__is_image(const ld_version *v)
{
	return v->package_type && !strcmp(v->package_type, "Image");
}

static int read_layers(ld_depcheck *c, const ld_depcheck_target *t, ld_deps *deps, bool *whole)
{
	const char *layers = ld_depcheck__layers_value(t->v);
	ld_json *arns = NULL;
	int error;

	if (!ld_depcheck__has_layers(t->v))
		return 0;
	if (!t->online) {
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

/* The package's dependencies read from bytes in memory; *whole false when they cannot be. */
static int read_zip(const ld_depcheck_target *t, const void *pkg, size_t len, ld_deps *deps,
		    bool *whole)
{
	char why[sizeof(ld_error_last()->message) + 40];

	if (ld_deps_from_zip(deps, pkg, len, NULL, NULL) == 0)
		return 0;
	snprintf(why, sizeof(why), "the package cannot be read: %s", ld_error_last()->message);
	*whole = false;
	return unread(t, "package", why);
}

int ld_depcheck__read(ld_depcheck *c, const ld_depcheck_target *t, ld_depcheck_pkg how,
		      const void *pkg, size_t len, ld_deps *deps, bool *whole)
{
	int error = 0;

	*whole = true;
	if (how == LD_DEPCHECK_PKG_NONE || how == LD_DEPCHECK_PKG_FETCH)
		*whole = false;
	else if (how == LD_DEPCHECK_PKG_GIVEN)
		error = read_zip(t, pkg, len, deps, whole);
	if (error == 0 && (error = read_layers(c, t, deps, whole)) == 0)
		error = ld_deps_finish(deps);
	return error;
}

int ld_depcheck__read_collected(ld_depcheck *c, const ld_depcheck_target *t,
				ld_depcheck_pkg_read *f, ld_deps *deps, bool *whole)
{
	char why[sizeof(ld_error_last()->message) + 40];
	bool ok;
	int error;

	*whole = true;
	if ((error = package_fetched(t, f, &ok)) < 0)
		return error;
	ld_deps_dispose(deps);
	*deps = f->deps;
	ld_deps_init(&f->deps);
	if (!ok) {
		*whole = false;
	} else if (f->zip_error) {
		snprintf(why, sizeof(why), "the package cannot be read: %s", f->zip_error);
		*whole = false;
		if ((error = unread(t, "package", why)) < 0)
			return error;
	}
	if ((error = read_layers(c, t, deps, whole)) == 0)
		error = ld_deps_finish(deps);
	return error;
}

/* ------------------------------------------------------------------ advisories */

int ld_depcheck__unanswered(const ld_depcheck_target *t, const char *why)
{
	return say(t, true, "%s: the OSV API was not answered: %s", t->id.function, why);
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
	int error = 0;

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

static int add_row(ld_dep_rows *rows, const ld_depcheck_target *t, const ld_dep *d,
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
		     !strcmp(ld_depcheck__layers_value(served[i]), ld_depcheck__layers_value(v))))
			return true;
	return false;
}

static void push_served(const ld_version **served, size_t *n, const ld_version *v)
{
	if (v && !read_before(served, *n, v))
		served[(*n)++] = v;
}

int ld_depcheck__served(const ld_function *fn, const ld_version ***out, size_t *n)
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
	push_served(*out, n, ld_function_version(fn, "$LATEST"));
	return 0;
}

static int scan_version(ld_depcheck *c, ld_depcheck_target *t, ld_depcheck_pkg_read *f,
			ld_dep_rows *rows)
{
	ld_deps deps;
	bool whole;
	int error;

	ld_deps_init(&deps);
	if (ld_depcheck__is_image(t->v)) {
		error = say(t, false, "%s: version %s is a container image; lambdrift reads "
			    "dependencies of zip packages and layers only", t->id.function,
			    t->v->version);
		goto done;
	}
	if ((error = ld_depcheck__read_collected(c, t, f, &deps, &whole)) < 0)
		goto done;
	/* the collect step asked the OSV API about every version's dependencies at once */
	if (c->osv && c->api_unanswered && deps.count)
		error = ld_depcheck__unanswered(t, c->api_unanswered);
	if (error == 0)
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

/* Every served version of function `i`, as collected in `r`. */
static int scan_function(ld_depcheck *c, ld_findings *out, ld_dep_rows *rows,
			 ld_inventory *inv, size_t i, ld_depcheck_fn_read *r)
{
	const ld_function *fn = &inv->functions[i];
	ld_depcheck_target t = { out, inv, true, fn, NULL,
				 { NULL, LD_SEV_NONE, fn->account ? fn->account : inv->account,
				   fn->region, fn->name, NULL, NULL, 0 } };
	const ld_version **served = NULL;
	size_t n = 0;
	int error;

	if (!r || !r->reachable)
		return say(&t, true, "%s: dependencies not read: no session for its account %s",
			   fn->name, fn->account ? fn->account : "(unknown)");
	if ((error = ld_depcheck__served(fn, &served, &n)) < 0)
		return error;
	for (size_t k = 0; k < n && error == 0; k++) {
		t.v = served[k];
		t.id.qualifier = served[k]->version;
		if (k >= r->nserved)
			error = unread(&t, "package", "the package was not collected");
		else
			error = scan_version(c, &t, &r->served[k], rows);
	}
	free(served);
	return error;
}

void ld_depcheck_reads_dispose(ld_depcheck_reads *r)
{
	for (size_t i = 0; r && i < r->nfns; i++) {
		for (size_t k = 0; k < r->fns[i].nserved; k++)
			ld_depcheck_pkg_read_dispose(&r->fns[i].served[k]);
		free(r->fns[i].served);
	}
	if (r) {
		free(r->fns);
		memset(r, 0, sizeof(*r));
	}
}

int ld_depcheck__scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		      ld_depcheck *c, ld_depcheck_reads *reads)
{
	size_t problems = inv->nproblems, notes = inv->nnotes;
	int error = 0;

	for (size_t i = 0; i < inv->nfunctions && error == 0; i++)
		error = scan_function(c, out, rows, inv, i,
				      i < reads->nfns ? &reads->fns[i] : NULL);
	/* the report's order is the one it always had: lines and rows sorted */
	if (inv->nproblems > problems)
		qsort(inv->problems + problems, inv->nproblems - problems, sizeof(char *),
		      ld_strcmp_ptrs);
	if (inv->nnotes > notes)
		qsort(inv->notes + notes, inv->nnotes - notes, sizeof(char *), ld_strcmp_ptrs);
	if (out)
		ld_findings_sort(out);
	if (rows && rows->count)
		qsort(rows->items, rows->count, sizeof(*rows->items), cmp_row);
	return error;
}
