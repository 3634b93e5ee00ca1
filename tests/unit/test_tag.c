/* The tag's lockfiles (src/spec/tag.c, ld_tag__read_lock) from a small repository made
 * here: a source function's lockfiles at the root of its directory (nested ones and
 * symlinks left out), the spec's "lockfiles" read instead when given, none an empty lock,
 * and a named lockfile the tag lacks an error naming the spec, the file and the tag. The
 * tag's tree is read, never the work tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lambdrift/errors.h"
#include "script.h"
#include "spec/tag.h"

#define LOCK_V1 "{\"name\":\"orders\",\"lockfileVersion\":3,\"packages\":{\"\":{}," \
		"\"node_modules/lodash\":{\"version\":\"4.17.21\"}}}"

/* run in the new repository $FX/repo (ld_script_fixture_repo) */
static const char fx_script[] =
	"export GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000'\n"
	"mkdir -p orders/sub billing plain\n"
	"echo 'x' > orders/index.js; echo 'x' > billing/main.py; echo 'x' > plain/app.py\n"
	"printf '%s' '" LOCK_V1 "' > orders/package-lock.json\n"
	"printf 'requests==2.31.0\\n' > orders/requirements.txt\n"
	"printf 'flask==3.0.0\\n' > orders/sub/requirements.txt\n"
	"ln -s ../billing/requirements.txt orders/poetry.lock\n"
	"printf 'boto3==1.34.0\\n' > billing/requirements.txt\n"
	"printf '{\"lambdrift\":1,\"functions\":[{\"name\":\"orders\",\"source\":\"orders\"},"
	"{\"name\":\"billing\",\"source\":\"billing\",\"lockfiles\":[\"billing/requirements.txt\"]},"
	"{\"name\":\"plain\",\"source\":\"plain\"},"
	"{\"name\":\"gone\",\"source\":\"plain\",\"lockfiles\":[\"plain/requirements-missing.txt\"]}]}' "
	"> lambdrift.json\n"
	"git add -A; git commit -q -m one; git tag v1\n"
	/* the work tree moves on: the tag is what counts */
	"printf 'requests==9.9.9\\n' > orders/requirements.txt; echo x > plain/requirements.txt\n";

static const char *fixture(void)
{
	static const char *repo;

	if (!repo && ld_script_fixture_dir("tag"))
		repo = ld_script_fixture_repo(fx_script);
	return repo;
}

static ld_verify *prepare(void)
{
	ld_verify_opts o;
	ld_verify *v = NULL;

	memset(&o, 0, sizeof(o));
	o.repo_path = fixture();
	o.tag = "v1";
	if (!o.repo_path || ld_verify_prepare(&v, &o) < 0) {
		ld_test_fail(__FILE__, __LINE__, "no fixture: %s", ld_error_last()->message);
		exit(1);
	}
	return v;
}

static const ld_spec_function *spec_fn(const ld_verify *v, const char *name)
{
	for (size_t i = 0; i < v->spec->nfunctions; i++)
		if (!strcmp(v->spec->functions[i].name, name))
			return &v->spec->functions[i];
	return NULL;
}

static void test_tag__lockfiles_at_the_source_root(void)
{
	ld_verify *v = prepare();
	ld_lock lock = LD_LOCK_INIT;
	ld_buf files = LD_BUF_INIT_CAP(4096);

	LD_REQUIRE(spec_fn(v, "orders") != NULL);
	LD_CHECK_INT(ld_tag__read_lock(v, spec_fn(v, "orders"), &lock, &files), 0);
	/* both root lockfiles, in the tree's order; not sub/ nor the symlink */
	LD_CHECK_STR(files.ptr, "orders/package-lock.json, orders/requirements.txt");
	LD_CHECK(lock.ncovered > 0);
	ld_lock_dispose(&lock);
	ld_buf_dispose(&files);
	ld_verify_free(v);
}

static void test_tag__named_lockfiles(void)
{
	ld_verify *v = prepare();
	ld_lock lock = LD_LOCK_INIT;
	ld_buf files = LD_BUF_INIT_CAP(4096);

	LD_CHECK_INT(ld_tag__read_lock(v, spec_fn(v, "billing"), &lock, &files), 0);
	LD_CHECK_STR(files.ptr, "billing/requirements.txt");
	LD_CHECK(lock.ncovered > 0);
	ld_lock_dispose(&lock);
	ld_buf_dispose(&files);

	/* none at the tag (the work tree's new one does not count): an empty lock */
	{
		ld_lock empty = LD_LOCK_INIT;
		ld_buf none = LD_BUF_INIT_CAP(4096);
		LD_CHECK_INT(ld_tag__read_lock(v, spec_fn(v, "plain"), &empty, &none), 0);
		LD_CHECK_INT(empty.ncovered, 0);
		LD_CHECK_STR(none.ptr, "");
		ld_lock_dispose(&empty);
		ld_buf_dispose(&none);
	}
	ld_verify_free(v);
}

static void test_tag__named_lockfile_missing(void)
{
	ld_verify *v = prepare();
	ld_lock lock = LD_LOCK_INIT;
	ld_buf files = LD_BUF_INIT_CAP(4096);

	LD_CHECK_INT(ld_tag__read_lock(v, spec_fn(v, "gone"), &lock, &files), LD_ENOTFOUND);
	LD_CHECK_STR(ld_error_last()->message, "v1:lambdrift.json names the lockfile "
		     "plain/requirements-missing.txt, which is not in v1");
	ld_lock_dispose(&lock);
	ld_buf_dispose(&files);
	ld_verify_free(v);
}

const ld_test ld_tests[] = {
	LD_TEST(test_tag__lockfiles_at_the_source_root),
	LD_TEST(test_tag__named_lockfiles),
	LD_TEST(test_tag__named_lockfile_missing),
	{ NULL, NULL },
};
