/*
 * verify (include/lambdrift/verify.h): the compare stage that joins the tag's expectations
 * with the inventory, on data only (audit/source.h). ld_verify__plan() finds each selected
 * spec function and the version its alias serves and says what the expect stage (the tag's
 * package, the lockfiles: spec/tag.c) and the collect stage (the deployed package, an
 * image's digest, the layers, the OSV API: aws/verifyfetch.c) must get; then
 * ld_verify__compare() walks the spec functions one by one: is the function there, which
 * version does the alias serve, is that version's code the tag's artifact (one hash
 * compare when the team packages with lambdrift, else the downloaded package's per-file
 * manifest diff), does each declared setting match (audit/configcmp.h), has $LATEST moved
 * past the served version, and do its dependencies match the tag's lockfiles. Anything that
 * could not be checked is said so (code-unverified, config-unverified) and, when data was
 * missing rather than not asked for, marks the inventory incomplete so the run exits 3.
 * Every message comes out here, in spec order, as it would if each were fetched in turn.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/configcmp.h"
#include "audit/depcheck.h"
#include "audit/findings.h"
#include "audit/source.h"
#include "inventory/build.h"
#include "lambdrift/errors.h"
#include "lambdrift/verify.h"
#include "pkg/expect.h"
#include "spec/spec.h"
#include "spec/tag.h" /* struct ld_verify only: the tag was read before */
#include "util/hash.h"
#include "util/json.h"

void ld_verify_records_dispose(ld_verify_records *r)
{
	if (!r)
		return;
	free(r->items);
	r->items = NULL;
	r->count = 0;
}

/* ---------------------------------------------------------------- compare */

#define EVIDENCE_PATHS 500  /* paths listed per change kind; beyond it "truncated" is set */
#define MESSAGE_PATHS 3     /* paths named in a code-drift message */

typedef struct {
	ld_findings *out;
	ld_inventory *inv;
	const ld_verify_plan *p;
	const ld_verify *v;
	const uint8_t *key;             /* env digest key the inventory was made with, or NULL */
	ld_verify_record *rec;          /* the current function's record (a scratch one when
					   records are not wanted) */
} run_ctx;

/* What the code compare leaves for the dependency checks: where the deployed package's
 * dependencies come from, and those read with its manifest. */
typedef struct {
	ld_depcheck_pkg how;
	ld_deps deps;
} deployed_pkg;

typedef ld_verify_item target;

static ld_finding_id target_id(const run_ctx *r, const target *t, const char *rule,
			       const char *key)
{
	ld_finding_id id = { rule, ld_rule_severity(rule),
			     t->fn && t->fn->account ? t->fn->account : r->inv->account,
			     t->fn ? t->fn->region : t->sf->region, t->sf->name, t->qualifier, key,
			     t->sf->line };
	if (!strcmp(rule, "code-unverified") && r->v->strict)
		id.severity = LD_SEV_ERROR;
	return id;
}

/* code-unverified; `incomplete` also marks the inventory, so the run cannot pass. */
static int unverified(const run_ctx *r, const target *t, bool incomplete, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int unverified(const run_ctx *r, const target *t, bool incomplete, const char *fmt, ...)
{
	ld_finding_id id = target_id(r, t, "code-unverified", t->served ? t->served->version : NULL);
	ld_buf msg = LD_BUF_INIT_CAP(2048);
	va_list ap;
	int error;

	va_start(ap, fmt);
	ld_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (incomplete &&
	    (error = ld_inventory_problem(r->inv, "%s: code not verified: %s", t->sf->name,
					  msg.ptr)) < 0)
		goto done;
	error = ld_findings_add(r->out, &id, NULL, "%s", msg.ptr);
done:
	ld_buf_dispose(&msg);
	return error;
}

/* ---- code: manifests ---- */

static const char *what_name(unsigned what)
{
	if (what & LD_CHANGED_KIND)
		return "kind";
	if ((what & LD_CHANGED_CONTENT) && (what & LD_CHANGED_EXEC))
		return "content+exec";
	return what & LD_CHANGED_EXEC ? "exec" : "content";
}

static int diff_evidence(char **out, const ld_manifest_diff *d, const char *expected_digest,
			 const char *actual_digest)
{
	ld_json *ev = ld_json_new_object(), *added = ld_json_new_array();
	ld_json *removed = ld_json_new_array(), *modified = ld_json_new_array(), *item;
	size_t na = 0, nr = 0, nm = 0;
	int error = 0;

	*out = NULL;
	if (!ev || !added || !removed || !modified) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t i = 0; i < d->count && error == 0; i++) {
		const ld_manifest_change *c = &d->changes[i];
		if (c->kind == LD_CHANGE_ADDED && na++ < EVIDENCE_PATHS)
			error = ld_json_append(added, ld_json_new_string(c->path));
		else if (c->kind == LD_CHANGE_REMOVED && nr++ < EVIDENCE_PATHS)
			error = ld_json_append(removed, ld_json_new_string(c->path));
		else if (c->kind == LD_CHANGE_MODIFIED && nm++ < EVIDENCE_PATHS) {
			if (!(item = ld_json_new_object()) ||
			    ld_json_add_str(item, "path", c->path) < 0 ||
			    ld_json_add_str(item, "what", what_name(c->what)) < 0)
				error = ld_error_oom();
			if (error == 0)
				error = ld_json_append(modified, item);
			else
				ld_json_free(item);
		}
	}
	if (error < 0)
		goto done;
	/* adders take ownership, on failure too */
	error = ld_json_add(ev, "added", added);
	added = NULL;
	if (error == 0) {
		error = ld_json_add(ev, "removed", removed);
		removed = NULL;
	}
	if (error == 0) {
		error = ld_json_add(ev, "modified", modified);
		modified = NULL;
	}
	if (error < 0 ||
	    (error = ld_json_add_str(ev, "expected_digest", expected_digest)) < 0 ||
	    (error = ld_json_add_str(ev, "actual_digest", actual_digest)) < 0 ||
	    (error = ld_json_add_bool(ev, "truncated", na > EVIDENCE_PATHS ||
				     nr > EVIDENCE_PATHS || nm > EVIDENCE_PATHS)) < 0)
		goto done;
	*out = ld_findings_evidence(ev);
	ev = NULL;
	if (!*out)
		error = ld_error_oom();
done:
	ld_json_free(ev);
	ld_json_free(added);
	ld_json_free(removed);
	ld_json_free(modified);
	return error;
}

/* "2 added, 1 removed, 1 modified: app.py (content), lib/x.py (exec), new.py (added), ..." */
static void describe_diff(ld_buf *msg, const ld_manifest_diff *d)
{
	size_t shown = 0;

	ld_buf_printf(msg, "%zu added, %zu removed, %zu modified:", d->added, d->removed,
		      d->modified);
	for (size_t i = 0; i < d->count && shown < MESSAGE_PATHS; i++, shown++) {
		const ld_manifest_change *c = &d->changes[i];
		ld_buf_printf(msg, "%s %.200s (%s)", shown ? "," : "", c->path,
			      c->kind == LD_CHANGE_ADDED ? "added"
			      : c->kind == LD_CHANGE_REMOVED ? "removed"
						       : ld_manifest_change_what(c->what));
	}
	if (d->count > shown)
		ld_buf_printf(msg, ", and %zu more", d->count - shown);
}

static int compare_manifests(const run_ctx *r, const target *t, const ld_manifest *expected,
			     const ld_manifest *actual, const char *expected_sha,
			     const char *deployed_sha)
{
	char ed[LD_SHA256_HEX_LEN + 1], ad[LD_SHA256_HEX_LEN + 1];
	ld_buf msg = LD_BUF_INIT_CAP(4096);
	ld_manifest_diff d;
	char *evidence = NULL;
	ld_finding_id id;
	int error;

	memset(&d, 0, sizeof(d));
	if ((error = ld_manifest_digest(ed, expected)) < 0 ||
	    (error = ld_manifest_digest(ad, actual)) < 0)
		goto done;
	if (!strcmp(ed, ad)) {
		ld_json *ev = ld_json_new_object();
		ld_json_add_str(ev, "expected_code_sha256", expected_sha);
		ld_json_add_str(ev, "deployed_code_sha256", deployed_sha);
		ld_json_add_str(ev, "manifest_digest", ad);
		evidence = ld_findings_evidence(ev);
		id = target_id(r, t, "code-repackaged", t->served->version);
		error = ld_findings_add(r->out, &id, evidence,
					"version %s (%s) has the same files as %s but was zipped "
					"differently (CodeSha256 %s, lambdrift package gives %s); "
					"deploy `lambdrift package` output to make this a hash compare",
					t->served->version, t->served_by, r->v->rev.name, deployed_sha,
					expected_sha);
		goto done;
	}
	if ((error = ld_manifest_diff_compute(&d, expected, actual)) < 0 ||
	    (error = diff_evidence(&evidence, &d, ed, ad)) < 0)
		goto done;
	describe_diff(&msg, &d);
	id = target_id(r, t, "code-drift", t->served->version);
	error = ld_findings_add(r->out, &id, evidence, "version %s (%s) differs from %s: %s",
				t->served->version, t->served_by, r->v->rev.name, msg.ptr);
done:
	free(evidence);
	ld_manifest_diff_dispose(&d);
	ld_buf_dispose(&msg);
	return error;
}

/* ---- code: the deployed package, as collected ---- */

static int compare_deployed(const run_ctx *r, target *t, deployed_pkg *dp)
{
	ld_deployed *d = &t->deployed;
	const ld_fetched *f = &d->f;
	const char *got = f->got, *reported = f->has_reported ? f->reported : NULL;
	char *evidence = NULL;
	ld_finding_id id;
	int error;

	dp->how = LD_DEPCHECK_PKG_NONE; /* unless the bytes below check out */
	switch (f->status) {
	case LD_FETCH_GET_FAILED:
		return unverified(r, t, true, "GetFunction for version %s failed: %s",
				  t->served->version, f->message);
	case LD_FETCH_UNCHANGED:
		dp->how = LD_DEPCHECK_PKG_GIVEN;
		return 0; /* changed since collection into exactly the tag's package */
	case LD_FETCH_NO_LOCATION:
		return unverified(r, t, true, "GetFunction for version %s returned no code "
				  "location", t->served->version);
	case LD_FETCH_DOWNLOAD_FAILED:
		return unverified(r, t, true, "%s", f->message);
	default:
		break;
	}
	if (f->status == LD_FETCH_CORRUPT) {
		ld_json *ev = ld_json_new_object();
		ld_json_add_str(ev, "reported_code_sha256", reported);
		ld_json_add_str(ev, "downloaded_code_sha256", got);
		ld_json_add_num(ev, "downloaded_bytes", (double)d->size);
		evidence = ld_findings_evidence(ev);
		id = target_id(r, t, "package-integrity", t->served->version);
		error = ld_findings_add(r->out, &id, evidence,
					"the package downloaded for version %s hashes to %s, but "
					"Lambda reports CodeSha256 %s; its contents were not compared",
					t->served->version, got, reported ? reported : "(none)");
		free(evidence);
		return error;
	}
	/* the dependencies came out of the same pass over the package as its manifest */
	ld_deps_dispose(&dp->deps);
	dp->deps = d->deps;
	ld_deps_init(&d->deps);
	if (!d->manifest)
		return unverified(r, t, true, "the deployed package of version %s cannot be read: "
				  "%s", t->served->version, d->read_error ? d->read_error : "");
	dp->how = LD_DEPCHECK_PKG_READ;
	return compare_manifests(r, t, t->exp.manifest, d->manifest, t->exp.code_sha256, got);
}

/* ---- code: the expected side, as the expect stage left it ---- */

static int build_failed(const run_ctx *r, const target *t)
{
	const char *why = t->expected_message;
	ld_finding_id id = target_id(r, t, "code-unverified", t->served->version);
	ld_json *ev = ld_json_new_object();
	char *evidence;
	const ld_build_log *log = &t->log;
	int error;

	if (log->ran) {
		ld_json_add_num(ev, "exit_status", log->status);
		ld_json_add_bool(ev, "timed_out", log->timed_out);
	}
	if (log->tail)
		ld_json_add_str(ev, "output_tail", log->tail);
	evidence = ld_findings_evidence(ev);
	if ((error = ld_inventory_problem(r->inv, "%s: code not verified: the build failed",
					  t->sf->name)) == 0)
		error = ld_findings_add(r->out, &id, evidence,
					"the build of %s at %s failed, so the code was not compared: "
					"%s%s%.300s", t->sf->name, r->v->rev.name, why,
					log->tail ? "; output ends: " : "", log->tail ? log->tail : "");
	free(evidence);
	return error;
}

/* The tag's artifact for a zip function; *have is false when a finding already says why
 * there is none. */
static int expected_package(const run_ctx *r, const target *t, bool *have)
{
	*have = false;
	switch (t->expected_state) {
	case LD_EXPECTED_HAD:
		*have = true;
		return 0;
	case LD_EXPECTED_SOURCE_FAILED:
		return unverified(r, t, true, "the package of %s cannot be built from %s: %s",
				  t->sf->name, r->v->rev.name, t->expected_message);
	case LD_EXPECTED_NOT_ALLOWED:
		return unverified(r, t, false, "%s is built by a command (\"build\" in the spec); "
				  "pass --allow-build to run it and compare the artifact",
				  t->sf->name);
	case LD_EXPECTED_BUILD_FAILED:
		return build_failed(r, t);
	default:
		return ld_error_set(LD_ERR_INVENTORY, "the tag's package of %s was not made",
				    t->sf->name);
	}
}

static bool is_image(const ld_version *v)
{
	return v->package_type && !strcmp(v->package_type, "Image");
}

static int compare_zip_code(const run_ctx *r, target *t, deployed_pkg *dp)
{
	const ld_version *v = t->served;
	ld_finding_id id;
	bool have;
	int error;

	if (is_image(v)) {
		dp->how = LD_DEPCHECK_PKG_NONE;
		id = target_id(r, t, "code-drift", v->version);
		return ld_findings_add(r->out, &id, NULL,
				       "version %s (%s) is a container image, but %s declares a "
				       "zip package", v->version, t->served_by, r->v->rev.name);
	}
	if ((error = expected_package(r, t, &have)) < 0 || !have)
		return error;
	if ((error = ld_manifest_digest(r->rec->manifest_digest, t->exp.manifest)) < 0)
		return error;
	if (v->code_sha256 && !strcmp(v->code_sha256, t->exp.code_sha256)) {
		dp->how = LD_DEPCHECK_PKG_GIVEN;
		return 0; /* identical: the one hash compare */
	}
	if (!r->p->live)
		return unverified(r, t, false, "version %s (%s) has CodeSha256 %s, not %s as "
				  "`lambdrift package` builds it from %s; this run is offline, run "
				  "verify live to download the package and compare its files",
				  v->version, t->served_by, v->code_sha256 ? v->code_sha256 : "(none)",
				  t->exp.code_sha256, r->v->rev.name);
	if (!t->fetched)
		return ld_error_set(LD_ERR_INVENTORY, "the package of %s was not collected",
				    t->sf->name);
	return compare_deployed(r, t, dp);
}

/* "sha256:<hex>" from a CodeSha256 that holds an image digest (hex, maybe prefixed). */
static void image_digest_of(char out[72], const char *code_sha256)
{
	const char *hex = code_sha256 && !strncmp(code_sha256, "sha256:", 7) ? code_sha256 + 7
									       : code_sha256;
	size_t n = 0;

	out[0] = '\0';
	while (hex && n < 64 && ((hex[n] >= '0' && hex[n] <= '9') || (hex[n] >= 'a' && hex[n] <= 'f')))
		n++;
	if (n == 64 && hex[n] == '\0')
		snprintf(out, 72, "sha256:%s", hex);
}

/* Whether the image `t` serves must be asked about: its digest is not the declared one. */
static bool image_wanted(const target *t)
{
	char deployed[72];

	if (!is_image(t->served))
		return false;
	image_digest_of(deployed, t->served->code_sha256);
	return strcmp(deployed, t->sf->image_digest) != 0;
}

static int compare_image(const run_ctx *r, const target *t)
{
	const ld_version *v = t->served;
	bool live = r->p->live;
	char deployed[72];
	ld_finding_id id = target_id(r, t, "code-drift", v->version);
	int error = 0;

	if (!is_image(v))
		return ld_findings_add(r->out, &id, NULL,
				       "version %s (%s) is a zip package, but %s declares the "
				       "container image %s", v->version, t->served_by,
				       r->v->rev.name, t->sf->image_digest);
	image_digest_of(deployed, v->code_sha256);
	if (!strcmp(deployed, t->sf->image_digest))
		return 0;
	if (live) {
		if (!t->image_fetched)
			return ld_error_set(LD_ERR_INVENTORY, "the image of %s was not collected",
					    t->sf->name);
		if (t->image.status == LD_FETCH_GET_FAILED)
			return unverified(r, t, true, "GetFunction for version %s failed: %s",
					  v->version, t->image.message);
		if (t->image.has_image)
			memcpy(deployed, t->image.image_digest, sizeof(deployed));
	}
	if (!deployed[0])
		return unverified(r, t, live, "the image digest of version %s is not "
				  "known%s", v->version, live ? "" : "; run verify live");
	if (strcmp(deployed, t->sf->image_digest)) {
		ld_json *ev = ld_json_new_object();
		char *evidence;
		ld_json_add_str(ev, "expected_digest", t->sf->image_digest);
		ld_json_add_str(ev, "actual_digest", deployed);
		evidence = ld_findings_evidence(ev);
		error = ld_findings_add(r->out, &id, evidence,
					"version %s (%s) runs image %s, but %s declares %s",
					v->version, t->served_by, deployed, r->v->rev.name,
					t->sf->image_digest);
		free(evidence);
	}
	return error;
}

/* ---- latest-drift against the served version ---- */

static int compare_latest(const run_ctx *r, const target *t)
{
	const ld_version *latest = ld_function_version(t->fn, "$LATEST");
	const ld_version *newest = ld_function_latest_published(t->fn);
	const ld_version *v = t->served;
	ld_buf what = LD_BUF_INIT_CAP(8192);
	ld_finding_id id = target_id(r, t, "latest-drift", v->version);
	char *evidence = NULL;
	int error;

	/* the scan rule already compares $LATEST with the newest published version */
	if (!latest || latest == v || v == newest)
		return 0;
	id.qualifier = "$LATEST";
	if ((error = ld_audit__latest_diff(&evidence, &what, latest, v, "served_version")) > 0)
		error = ld_findings_add(r->out, &id, evidence,
					"$LATEST differs from version %s, which %s serves: %s",
					v->version, t->alias ? t->served_by : "verify compared",
					what.ptr);
	free(evidence);
	ld_buf_dispose(&what);
	return error;
}

/* ---- dependencies ---- */

/* The deployed dependencies: the package's as the code compare left them (or as collect
 * read them when it left none and the run is live), and the layers', collected first. */
static int read_deps(const run_ctx *r, target *t, const ld_depcheck_target *dt,
		     deployed_pkg *dp, bool *whole)
{
	if (r->p->live && dp->how == LD_DEPCHECK_PKG_FETCH) {
		if (!t->deps_fetched)
			return ld_error_set(LD_ERR_INVENTORY, "the dependencies of %s were not "
					    "collected", t->sf->name);
		return ld_depcheck__read_collected(r->v->deps, dt, &t->pkg_deps, &dp->deps, whole);
	}
	if (dp->how == LD_DEPCHECK_PKG_GIVEN)
		return ld_depcheck__read_collected(r->v->deps, dt, &t->expected_deps, &dp->deps,
						   whole);
	return ld_depcheck__read(r->v->deps, dt, dp->how, NULL, 0, &dp->deps, whole);
}

static int check_deps(const run_ctx *r, target *t, deployed_pkg *dp)
{
	ld_depcheck_target dt = { r->out, r->inv, r->p->live, t->fn, t->served,
				  target_id(r, t, "dependency-drift", NULL) };
	const char *unanswered = ld_depcheck__api_message(r->v->deps);
	bool whole;
	int error;

	if ((error = read_deps(r, t, &dt, dp, &whole)) < 0)
		return error;
	/* the collect stage asked the OSV API about every function's dependencies at once */
	if (unanswered && dp->deps.count &&
	    (error = ld_depcheck__unanswered(&dt, unanswered)) < 0)
		return error;
	if ((error = ld_depcheck__vulnerable(r->v->deps, &dt, &dp->deps)) < 0)
		return error;
	if (t->lock_rc < 0)
		return unverified(r, t, true, "the lockfiles of %s at %s cannot be read: %s",
				  t->sf->name, r->v->rev.name, t->lock_message);
	/* a partial inventory would report what was not read as missing */
	if (t->lock.ncovered && whole)
		error = ld_depcheck__drift(&dt, &dp->deps, &t->lock, r->v->rev.name,
					   t->lock_files.ptr);
	return error;
}

/* ---- the plan: each spec function found, and what the other stages must get ---- */

static const ld_function *find_function(const ld_inventory *inv, const char *region,
					 const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++) {
		const ld_function *fn = &inv->functions[i];
		if (!strcmp(fn->name, name) && (!region || !fn->region || !strcmp(fn->region, region)))
			return fn;
	}
	return NULL;
}

static const ld_alias *find_alias(const ld_function *fn, const char *name)
{
	for (size_t i = 0; i < fn->naliases; i++)
		if (!strcmp(fn->aliases[i].name, name))
			return &fn->aliases[i];
	return NULL;
}

/* Find the function and the version it serves (t->state says how it went). */
static void locate(const ld_verify_plan *p, const ld_inventory *inv, const ld_verify *v,
		   target *t)
{
	const char *region = t->sf->region ? t->sf->region : p->default_region;
	const ld_alias *a;

	t->alias = v->alias ? v->alias : t->sf->alias;
	t->qualifier = t->alias;
	if (!(t->fn = find_function(inv, region, t->sf->name))) {
		t->state = LD_TARGET_NO_FUNCTION;
		return;
	}
	if (t->alias) {
		if (!(a = find_alias(t->fn, t->alias))) {
			t->state = LD_TARGET_NO_ALIAS;
			return;
		}
		snprintf(t->served_by, sizeof(t->served_by), "alias %s", t->alias);
		t->served = ld_function_version(t->fn, a->function_version);
	} else {
		/* no alias declared anywhere: the newest publish is what a release would be */
		snprintf(t->served_by, sizeof(t->served_by),
			 "the newest published version; no alias is declared");
		t->served = ld_function_latest_published(t->fn);
		if (!t->served) {
			snprintf(t->served_by, sizeof(t->served_by), "$LATEST; no alias is declared "
				 "and nothing is published");
			t->served = ld_function_version(t->fn, "$LATEST");
		}
	}
	if (!t->served) {
		t->state = LD_TARGET_NO_VERSION;
		return;
	}
	if (!t->qualifier)
		t->qualifier = t->served->version;
	t->state = LD_TARGET_OK;
}

static void plan_item(const ld_verify_plan *p, const ld_inventory *inv, const ld_verify *v,
		      target *t)
{
	ld_fetched_init(&t->image, 0);
	ld_fetched_init(&t->deployed.f, v->max_package);
	ld_deps_init(&t->deployed.deps);
	ld_deps_init(&t->expected_deps.deps);
	ld_deps_init(&t->pkg_deps.deps);
	ld_buf_init(&t->lock_files, 4096);
	locate(p, inv, v, t);
	if (t->state != LD_TARGET_OK)
		return;
	if (t->sf->kind == LD_SPEC_IMAGE) {
		t->want_image = p->live && image_wanted(t);
		return;
	}
	t->want_expected = !is_image(t->served);
	t->want_lock = v->deps != NULL;
	t->want_layers = t->want_lock && p->live;
}

int ld_verify__plan(ld_verify_plan *p, const ld_inventory *inv, const ld_verify *v,
		    const char *region, bool live)
{
	memset(p, 0, sizeof(*p));
	p->live = live;
	if (live)
		p->default_region = region;
	else if (inv->nregions == 1)
		p->default_region = inv->regions[0];
	if (!(p->items = calloc(v->nselected + 1, sizeof(*p->items))))
		return ld_error_oom();
	for (size_t i = 0; i < v->nselected; i++) {
		p->items[i].sf = v->selected[i];
		plan_item(p, inv, v, &p->items[p->count++]);
	}
	return 0;
}

bool ld_verify__wants_download(const ld_verify_plan *p, const ld_verify_item *t)
{
	return p->live && t->want_expected && t->expected_state == LD_EXPECTED_HAD &&
	       !(t->served->code_sha256 && !strcmp(t->served->code_sha256, t->exp.code_sha256));
}

bool ld_verify__wants_package_deps(const ld_verify_plan *p, const ld_verify *v,
				   const ld_verify_item *t)
{
	return p->live && v->deps && t->want_expected && t->expected_state != LD_EXPECTED_HAD;
}

const ld_deps *ld_verify__package_deps(const ld_verify_item *t)
{
	if (t->deps_fetched)
		return &t->pkg_deps.deps;
	if (t->fetched && t->deployed.f.status != LD_FETCH_UNCHANGED)
		return &t->deployed.deps;
	return t->expected_state == LD_EXPECTED_HAD ? &t->expected_deps.deps : NULL;
}

/* ---- compare: one spec function ---- */

/* The findings that say why a spec function has no version to compare. */
static int not_found(const run_ctx *r, const target *t)
{
	const char *region = t->sf->region ? t->sf->region : r->p->default_region;
	ld_finding_id id;

	switch (t->state) {
	case LD_TARGET_NO_FUNCTION:
		id = target_id(r, t, "function-missing", NULL);
		id.region = region;
		return ld_findings_add(r->out, &id, NULL,
				       "function %s is declared in %s but does not exist in %s%s",
				       t->sf->name, r->v->spec->file, region ? region : "the inventory",
				       r->inv->complete ? "" : " (the inventory is incomplete)");
	case LD_TARGET_NO_ALIAS:
		id = target_id(r, t, "alias-missing", NULL);
		return ld_findings_add(r->out, &id, NULL,
				       "function %s has no alias %s; %s expects the release "
				       "to be served through it", t->sf->name, t->alias,
				       r->v->rev.name);
	default:
		return unverified(r, t, true, "the version %s serves is not in the inventory",
				  t->alias ? t->served_by : "verify would compare");
	}
}

static void record_target(const run_ctx *r, const target *t)
{
	r->rec->name = t->sf->name;
	r->rec->region = t->fn ? t->fn->region : t->sf->region ? t->sf->region
							       : r->p->default_region;
	r->rec->fn = t->fn;
	r->rec->alias = t->alias;
	r->rec->served = t->served;
}

static int verify_function(const run_ctx *r, target *t)
{
	deployed_pkg dp = { LD_DEPCHECK_PKG_FETCH, LD_DEPS_INIT };
	ld_finding_id id;
	int error;

	record_target(r, t);
	if (t->state != LD_TARGET_OK)
		return not_found(r, t);
	if (t->sf->kind == LD_SPEC_IMAGE)
		error = compare_image(r, t);
	else if ((error = compare_zip_code(r, t, &dp)) == 0 && r->v->deps)
		error = check_deps(r, t, &dp);
	id = target_id(r, t, "config-drift", NULL);
	if (error == 0)
		error = ld_configcmp(r->out, &id, t->sf, t->served, r->key, LD_DIGEST_KEY_LEN);
	if (error == 0)
		error = compare_latest(r, t);
	ld_deps_dispose(&dp.deps);
	return error;
}

int ld_verify__compare(ld_findings *out, ld_inventory *inv, ld_verify_plan *p,
		       const uint8_t *key, const ld_verify *v, const ld_audit_opts *audit,
		       ld_verify_records *records)
{
	run_ctx r = { out, inv, p, v, key, NULL };
	ld_verify_record scratch;
	int error = 0;

	if (records) {
		records->count = 0;
		if (!(records->items = calloc(v->nselected + 1, sizeof(*records->items))))
			return ld_error_oom();
	}
	for (size_t i = 0; i < p->count && error == 0; i++) {
		memset(&scratch, 0, sizeof(scratch));
		r.rec = records ? &records->items[records->count++] : &scratch;
		error = verify_function(&r, &p->items[i]);
	}
	if (error == 0)
		error = ld_audit_scan(out, inv, audit);
	/* Scan-rule findings on spec functions point at the spec too. */
	for (size_t i = 0; error == 0 && i < out->count; i++) {
		ld_finding *f = &out->items[i];
		const ld_spec_function *sf = NULL;
		if (!f->spec_line && f->function &&
		    !(sf = ld_spec_find(v->spec, f->function, f->region)))
			sf = ld_spec_find(v->spec, f->function, NULL);
		if (sf)
			f->spec_line = sf->line;
	}
	return error;
}
