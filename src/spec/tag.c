/*
 * The tag verify compares against (spec/tag.h): the repository opened, the tag resolved,
 * the spec loaded and its functions selected, what `lambdrift package` builds from them,
 * and a function's lockfiles read from the tag's tree. Every failure here is the user's to
 * fix (a usage error naming the option), except the lockfiles', which the comparison says
 * as code it could not verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "lambdrift/inventory.h"
#include "deps/detect.h"
#include "pkg/expect.h"
#include "spec/tag.h"

#define SPEC_FILE "lambdrift.json"

/* ---------------------------------------------------------------- preparing */

static bool selected_by(const ld_verify_opts *opts, const char *name)
{
	if (!opts->nglobs)
		return true;
	for (size_t i = 0; i < opts->nglobs; i++)
		if (ld_glob_match(opts->function_globs[i], name))
			return true;
	return false;
}

static int select_functions(ld_verify *v, const ld_verify_opts *opts)
{
	size_t n = v->spec->nfunctions;

	if (!(v->selected = calloc(n + 1, sizeof(*v->selected))) ||
	    !(v->names = calloc(n + 1, sizeof(*v->names))) ||
	    !(v->regions = calloc(n + 1, sizeof(*v->regions))))
		return ld_error_oom();
	for (size_t i = 0; i < n; i++) {
		const ld_spec_function *fn = &v->spec->functions[i];
		bool seen = false;
		if (!selected_by(opts, fn->name))
			continue;
		v->selected[v->nselected++] = fn;
		for (size_t k = 0; k < v->nnames && !seen; k++)
			seen = !strcmp(v->names[k], fn->name);
		if (!seen)
			v->names[v->nnames++] = fn->name;
	}
	if (n && !v->nselected)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "no function in %s matches the --function patterns given",
				     v->spec->file);
	return 0;
}

static int load_spec_from_tag(ld_verify *v)
{
	ld_buf text = LD_BUF_INIT_CAP(LD_SPEC_MAX_BYTES);
	char file[320];
	int error;

	snprintf(file, sizeof(file), "%s:%s", v->rev.name, SPEC_FILE);
	error = ld_git_read_file(&text, v->repo, &v->rev, SPEC_FILE);
	if (error == LD_ENOTFOUND)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				      "%s has no %s at its root: add one to the release or pass "
				      "--spec FILE", v->rev.name, SPEC_FILE);
	else if (error == LD_ELIMIT)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s is larger than %zu bytes", file,
				      LD_SPEC_MAX_BYTES);
	else if (error == LD_EINVALID)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s is not a regular file", file);
	if (error == 0)
		error = ld_spec_parse(&v->spec, text.ptr, text.size, file);
	ld_buf_dispose(&text);
	return error;
}

int ld_verify_prepare(ld_verify **out, const ld_verify_opts *opts)
{
	ld_verify *v = NULL;
	int error;

	*out = NULL;
	if (!opts->tag || !*opts->tag)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "no tag: pass --tag TAG");
	if (!(v = calloc(1, sizeof(*v))) || !(v->tag = strdup(opts->tag)) ||
	    (opts->alias && !(v->alias = strdup(opts->alias)))) {
		error = ld_error_oom();
		goto done;
	}
	v->allow_build = opts->allow_build;
	v->strict = opts->strict;
	v->deps = opts->deps;
	v->max_package = opts->max_package_bytes ? opts->max_package_bytes : LD_VERIFY_MAX_PACKAGE;
	/* each failure names the option whose value it is about */
	if ((error = ld_git_open(&v->repo, opts->repo_path ? opts->repo_path : ".")) < 0) {
		error = ld_error_about(error, "--repo");
		goto done;
	}
	if ((error = ld_git_resolve(&v->rev, v->repo, opts->tag, opts->allow_ref)) < 0) {
		error = ld_error_about(error, "--tag");
		goto done;
	}
	/* the spec is --spec's, else the tag's: a problem with the tag's names --tag */
	if (opts->spec_path)
		error = ld_error_about(ld_spec_load(&v->spec, opts->spec_path), "--spec");
	else
		error = ld_error_about(load_spec_from_tag(v), "--tag");
	if (error < 0) {
		/* every spec problem is the user's to fix: exit 2, not 3 */
		if (error != LD_ERROR && error != LD_EUSAGE) {
			char msg[sizeof(ld_error_last()->message)];
			snprintf(msg, sizeof(msg), "%s", ld_error_last()->message);
			error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s", msg);
		}
		goto done;
	}
	if ((error = select_functions(v, opts)) < 0 ||
	    (error = ld_git_remote_url(&v->repository, v->repo)) < 0)
		goto done;
	*out = v;
	v = NULL;
done:
	ld_verify_free(v);
	return error;
}

void ld_verify_free(ld_verify *v)
{
	if (!v)
		return;
	ld_git_free(v->repo);
	ld_spec_free(v->spec);
	free(v->tag);
	free(v->alias);
	free(v->selected);
	free(v->names);
	free(v->regions);
	free(v->repository);
	free(v);
}

const char *ld_verify_spec_digest(const ld_verify *v)
{
	return v->spec->sha256;
}

const char *ld_verify_repository(const ld_verify *v)
{
	return v->repository;
}

const char *ld_verify_commit(const ld_verify *v)
{
	return v ? v->rev.commit : NULL;
}

const char *ld_verify_tag(const ld_verify *v)
{
	return v ? v->tag : NULL;
}

size_t ld_verify_regions(const ld_verify *v, const char *default_region, const char ***out)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nselected; i++) {
		const char *r = v->selected[i]->region ? v->selected[i]->region : default_region;
		bool seen = !r;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(v->regions[k], r);
		if (!seen)
			v->regions[n++] = r;
	}
	v->regions[n] = NULL;
	*out = v->regions;
	return n;
}

size_t ld_verify_functions(const ld_verify *v, const char *const **out)
{
	*out = v->names;
	return v->nnames;
}

/* ---------------------------------------------------------------- package */

int ld_package_build(ld_buf *zip, const ld_verify *v, const char *function)
{
	const ld_spec_function *fn = NULL;

	for (size_t i = 0; i < v->spec->nfunctions && !fn; i++)
		if (!strcmp(v->spec->functions[i].name, function))
			fn = &v->spec->functions[i];
	if (!fn)
		return ld_error_setc(LD_ENOTFOUND, LD_ERR_USAGE, "--function: %s declares no "
				     "function named '%s'", v->spec->file, function);
	return ld_expect_source(NULL, zip, v->repo, &v->rev, fn);
}

void ld_package_sha256(char out[LD_PACKAGE_SHA256_LEN + 1], const ld_buf *zip)
{
	ld_code_sha256(out, zip->ptr, zip->size);
}

/* ---------------------------------------------------------------- lockfiles */

#define LOCKFILE_MAX ((size_t)64 << 20)

typedef struct {
	const ld_verify *v;
	ld_lock *lock;
	ld_buf *files;               /* "a/package-lock.json, a/requirements.txt" */
} lock_walk;

/* A lockfile at the root of the function's source directory goes into the lock. */
static int lock_entry(const ld_git_entry *e, void *payload)
{
	lock_walk *w = payload;
	ld_buf text = LD_BUF_INIT_CAP(LOCKFILE_MAX);
	int error;

	if (strchr(e->path, '/') || e->mode == LD_GIT_MODE_LINK || !ld_lock_ecosystem(e->path))
		return 0;
	if ((error = ld_git_entry_read(&text, w->v->repo, e)) == 0)
		error = ld_lock_parse(w->lock, e->repo_path, text.ptr, text.size);
	if (error == 0)
		ld_buf_printf(w->files, "%s%s", w->files->size ? ", " : "", e->repo_path);
	ld_buf_dispose(&text);
	return error;
}

/* One lockfile the spec names; a missing one is the spec's error, said as such. */
static int read_named_lock(const ld_verify *v, const char *path, ld_lock *lock, ld_buf *files)
{
	ld_buf text = LD_BUF_INIT_CAP(LOCKFILE_MAX);
	int error = ld_git_read_file(&text, v->repo, &v->rev, path);

	if (error == LD_ENOTFOUND)
		error = ld_error_setc(LD_ENOTFOUND, LD_ERR_USAGE, "%s names the lockfile %s, which "
				      "is not in %s", v->spec->file, path, v->rev.name);
	if (error == 0)
		error = ld_lock_parse(lock, path, text.ptr, text.size);
	if (error == 0)
		ld_buf_printf(files, "%s%s", files->size ? ", " : "", path);
	ld_buf_dispose(&text);
	return error;
}

int ld_tag__read_lock(const ld_verify *v, const ld_spec_function *sf, ld_lock *lock,
		      ld_buf *files)
{
	lock_walk w = { v, lock, files };
	int error = 0;

	if (sf->has_lockfiles) {
		for (size_t i = 0; i < sf->nlockfiles && error == 0; i++)
			error = read_named_lock(v, sf->lockfiles[i], lock, files);
		return error;
	}
	if (sf->kind != LD_SPEC_SOURCE)
		return 0;
	return ld_git_walk(v->repo, &v->rev, sf->source, NULL, 0, lock_entry, &w);
}

/* ------------------------------------------------------------------ verify's expect stage */

static void expect_failed(ld_verify_item *it, ld_expected_state state)
{
	it->expected_state = state;
	snprintf(it->expected_message, sizeof(it->expected_message), "%s",
		 ld_error_last()->message);
}

/* The package's dependencies, read from its bytes as the dependency checks read a deployed
 * one (a failure is kept for compare to say). */
static int expected_deps(ld_depcheck_pkg_read *d, const ld_buf *bytes)
{
	d->status = LD_FETCH_OK;
	if (ld_deps_from_zip(&d->deps, bytes->ptr, bytes->size, NULL, NULL) == 0)
		return 0;
	return (d->zip_error = strdup(ld_error_last()->message)) ? 0 : ld_error_oom();
}

static int expect_package(ld_verify_item *it, const ld_verify *v)
{
	ld_buf bytes = LD_BUF_INIT_CAP(v->max_package);
	int error = 0;

	if (it->sf->kind == LD_SPEC_SOURCE) {
		if (ld_expect_source(&it->exp, v->deps ? &bytes : NULL, v->repo, &v->rev,
				     it->sf) < 0) {
			expect_failed(it, LD_EXPECTED_SOURCE_FAILED);
			goto done;
		}
	} else if (!v->allow_build) {
		it->expected_state = LD_EXPECTED_NOT_ALLOWED;
		goto done;
	} else if (ld_expect_build(&it->exp, &bytes, &it->log, v->repo, &v->rev, it->sf,
				   v->max_package) < 0) {
		expect_failed(it, LD_EXPECTED_BUILD_FAILED);
		goto done;
	}
	it->expected_state = LD_EXPECTED_HAD;
	if (v->deps)
		error = expected_deps(&it->expected_deps, &bytes);
done:
	ld_buf_dispose_secret(&bytes);
	return error;
}

int ld_tag__expect(ld_verify_plan *plan, const ld_verify *v)
{
	int error = 0;

	for (size_t i = 0; i < plan->count && error == 0; i++) {
		ld_verify_item *it = &plan->items[i];
		if (it->want_expected)
			error = expect_package(it, v);
		if (error == 0 && it->want_lock &&
		    (it->lock_rc = ld_tag__read_lock(v, it->sf, &it->lock, &it->lock_files)) < 0)
			snprintf(it->lock_message, sizeof(it->lock_message), "%s",
				 ld_error_last()->message);
	}
	return error;
}
