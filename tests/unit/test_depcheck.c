/* The dependency checks of one served version, offline: a package given as bytes, the
 * sample advisories of fixtures/osv, a lockfile; and the scan's compare over what its
 * collect step left (a package reduced to its dependencies, a layer entry, the OSV API's
 * records or its silence). The findings each question gives, and that layers an offline
 * run cannot read or a service that does not answer are said, never silently skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/depcheck.h"
#include "audit/source.h"
#include "harness.h"
#include "lambdrift/errors.h"
#include "pkg/zipwrite.h"

#define OSV_DIR "fixtures/osv/github-advisory-database"

static const char lodash_pkg[] = "{\"name\":\"lodash\",\"version\":\"4.17.15\"}";
static const char express_pkg[] = "{\"name\":\"left-pad\",\"version\":\"1.3.0\"}";

static void make_package(ld_buf *zip)
{
	const ld_zipw_entry e[] = {
		{ "index.js", LD_ZIPW_FILE, "x", 1 },
		{ "node_modules/lodash/package.json", LD_ZIPW_FILE, lodash_pkg,
		  sizeof(lodash_pkg) - 1 },
		{ "node_modules/left-pad/package.json", LD_ZIPW_FILE, express_pkg,
		  sizeof(express_pkg) - 1 },
	};
	LD_REQUIRE(ld_zip_write(zip, e, 3) == 0);
}

typedef struct {
	ld_findings out;
	ld_inventory inv;
	ld_function fn;
	ld_version v;
	ld_config_field layers;
	ld_depcheck_target t;
} fixture;

static void setup(fixture *f, bool with_layers)
{
	memset(f, 0, sizeof(*f));
	ld_inventory_init(&f->inv);
	f->v.version = "3";
	f->layers.name = "Layers";
	f->layers.value = "[\"arn:aws:lambda:us-east-1:123456789012:layer:shared:1\"]";
	if (with_layers) {
		f->v.config = &f->layers;
		f->v.nconfig = 1;
	}
	f->fn.name = "orders";
	f->fn.region = "us-east-1";
	f->t.out = &f->out;
	f->t.inv = &f->inv;
	f->t.fn = &f->fn;
	f->t.v = &f->v;
	f->t.id.account = "123456789012";
	f->t.id.region = "us-east-1";
	f->t.id.function = "orders";
	f->t.id.qualifier = "live";
}

static void teardown(fixture *f)
{
	ld_findings_dispose(&f->out);
	ld_inventory_dispose(&f->inv);
}

static size_t count_rule(const ld_findings *out, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < out->count; i++)
		n += !strcmp(out->items[i].rule, rule);
	return n;
}

static const ld_finding *find_rule(const ld_findings *out, const char *rule, const char *in_msg)
{
	for (size_t i = 0; i < out->count; i++)
		if (!strcmp(out->items[i].rule, rule) && strstr(out->items[i].message, in_msg))
			return &out->items[i];
	return NULL;
}

static void test_depcheck__vulnerable_from_given_package(void)
{
	const char *paths[] = { OSV_DIR };
	ld_depcheck_opts o = { paths, 1, NULL, 0, 0 };
	ld_buf zip = LD_BUF_INIT_CAP(1 << 20);
	ld_deps deps = LD_DEPS_INIT;
	ld_depcheck *c = NULL;
	const ld_finding *f;
	fixture fx;
	bool whole = false;

	setup(&fx, false);
	make_package(&zip);
	LD_REQUIRE(ld_depcheck_new(&c, &o) == 0);
	LD_CHECK(ld_depcheck__read(c, &fx.t, LD_DEPCHECK_PKG_GIVEN, zip.ptr, zip.size, &deps,
				   &whole) == 0);
	LD_CHECK(whole);
	LD_CHECK_INT(deps.count, 2);
	LD_CHECK(ld_depcheck__vulnerable(c, &fx.t, &deps) == 0);
	LD_CHECK(count_rule(&fx.out, "dependency-vulnerable") >= 1);
	f = find_rule(&fx.out, "dependency-vulnerable", "GHSA-p6mc-m468-83gw");
	LD_REQUIRE(f != NULL);
	LD_CHECK(strstr(f->message, "CVE-2020-8203") != NULL);
	LD_CHECK(strstr(f->message, "fixed in 4.17.") != NULL);
	LD_CHECK(strstr(f->evidence, "\"origin\":\"function\"") != NULL);
	LD_CHECK_STR(f->qualifier, "live");
	LD_CHECK(fx.inv.complete);
	ld_deps_dispose(&deps);
	ld_depcheck_free(c);
	ld_buf_dispose(&zip);
	teardown(&fx);
}

static void test_depcheck__drift_against_lockfile(void)
{
	static const char lock_json[] =
		"{\"name\":\"app\",\"lockfileVersion\":3,\"packages\":{"
		"\"\":{\"name\":\"app\"},"
		"\"node_modules/lodash\":{\"version\":\"4.17.21\"},"
		"\"node_modules/uuid\":{\"version\":\"9.0.0\"}}}";
	ld_buf zip = LD_BUF_INIT_CAP(1 << 20);
	ld_deps deps = LD_DEPS_INIT;
	ld_lock lock = LD_LOCK_INIT;
	ld_depcheck *c = NULL;
	const ld_finding *f;
	fixture fx;
	bool whole;

	setup(&fx, false);
	make_package(&zip);
	LD_REQUIRE(ld_depcheck_new(&c, NULL) == 0);
	LD_REQUIRE(ld_lock_parse(&lock, "app/package-lock.json", lock_json,
				 sizeof(lock_json) - 1) == 0);
	LD_CHECK(ld_depcheck__read(c, &fx.t, LD_DEPCHECK_PKG_GIVEN, zip.ptr, zip.size, &deps,
				   &whole) == 0);
	LD_CHECK(ld_depcheck__vulnerable(c, &fx.t, &deps) == 0); /* no advisories: nothing */
	LD_CHECK_INT(fx.out.count, 0);
	LD_CHECK(ld_depcheck__drift(&fx.t, &deps, &lock, "v1.0.0", "app/package-lock.json") == 0);
	LD_CHECK_INT(count_rule(&fx.out, "dependency-drift"), 3);
	f = find_rule(&fx.out, "dependency-drift", "lodash is deployed at 4.17.15");
	LD_REQUIRE(f != NULL);
	LD_CHECK(strstr(f->message, "pins 4.17.21") != NULL);
	LD_CHECK(strstr(f->evidence, "\"kind\":\"changed\"") != NULL);
	LD_CHECK(find_rule(&fx.out, "dependency-drift", "uuid 9.0.0 is pinned") != NULL);
	LD_CHECK(find_rule(&fx.out, "dependency-drift", "left-pad 1.3.0 is deployed") != NULL);
	ld_lock_dispose(&lock);
	ld_deps_dispose(&deps);
	ld_depcheck_free(c);
	ld_buf_dispose(&zip);
	teardown(&fx);
}

static void test_depcheck__offline_layers_are_said(void)
{
	ld_buf zip = LD_BUF_INIT_CAP(1 << 20);
	ld_deps deps = LD_DEPS_INIT;
	ld_depcheck *c = NULL;
	fixture fx;
	bool whole = true;

	setup(&fx, true);
	make_package(&zip);
	LD_REQUIRE(ld_depcheck_new(&c, NULL) == 0);
	LD_CHECK(ld_depcheck__has_layers(&fx.v));
	LD_CHECK(ld_depcheck__read(c, &fx.t, LD_DEPCHECK_PKG_GIVEN, zip.ptr, zip.size, &deps,
				   &whole) == 0);
	LD_CHECK(!whole);
	LD_CHECK(find_rule(&fx.out, "code-unverified", "offline") != NULL);
	ld_deps_dispose(&deps);
	ld_depcheck_free(c);
	ld_buf_dispose(&zip);
	teardown(&fx);
}

static void test_depcheck__unreadable_package_is_unverified(void)
{
	ld_deps deps = LD_DEPS_INIT;
	ld_depcheck *c = NULL;
	fixture fx;
	bool whole = true;

	setup(&fx, false);
	LD_REQUIRE(ld_depcheck_new(&c, NULL) == 0);
	LD_CHECK(ld_depcheck__read(c, &fx.t, LD_DEPCHECK_PKG_GIVEN, "not a zip", 9, &deps,
				   &whole) == 0);
	LD_CHECK(!whole);
	LD_CHECK(find_rule(&fx.out, "code-unverified", "cannot be read") != NULL);
	LD_CHECK(!fx.inv.complete);
	ld_deps_dispose(&deps);
	ld_depcheck_free(c);
	teardown(&fx);
}

/* An advisory whose range cannot be ordered (NuGet has no ordering in lambdrift) may cover
 * the deployed version: the run says so and is incomplete, never silently clean. */
static void test_depcheck__unevaluated_range_is_not_clean(void)
{
	static const char deps_json[] =
		"{\"libraries\":{\"Newtonsoft.Json/12.0.1\":{\"type\":\"package\"}}}";
	static const char record[] =
		"{\"id\":\"LDTEST-NUGET-1\",\"modified\":\"2024-01-01T00:00:00Z\","
		"\"affected\":[{\"package\":{\"ecosystem\":\"NuGet\",\"name\":\"Newtonsoft.Json\"},"
		"\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
		"{\"fixed\":\"13.0.1\"}]}]}]}";
	const ld_zipw_entry e[] = {
		{ "Orders.deps.json", LD_ZIPW_FILE, deps_json, sizeof(deps_json) - 1 },
	};
	char dir[] = "/tmp/ld-depcheck-XXXXXX", path[64];
	const char *paths[] = { path };
	ld_depcheck_opts o = { paths, 1, NULL, 0, 0 };
	ld_buf zip = LD_BUF_INIT_CAP(1 << 20);
	ld_deps deps = LD_DEPS_INIT;
	ld_depcheck *c = NULL;
	fixture fx;
	FILE *f;
	bool whole;

	setup(&fx, false);
	LD_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/nuget.json", dir);
	LD_REQUIRE((f = fopen(path, "w")) != NULL);
	fputs(record, f);
	fclose(f);
	LD_REQUIRE(ld_zip_write(&zip, e, 1) == 0);
	LD_REQUIRE(ld_depcheck_new(&c, &o) == 0);
	LD_CHECK(ld_depcheck__read(c, &fx.t, LD_DEPCHECK_PKG_GIVEN, zip.ptr, zip.size, &deps,
				   &whole) == 0);
	LD_CHECK_INT(deps.count, 1);
	LD_CHECK(ld_depcheck__vulnerable(c, &fx.t, &deps) == 0);
	LD_CHECK(!fx.inv.complete);
	LD_REQUIRE(fx.inv.nproblems == 1);
	LD_CHECK(strstr(fx.inv.problems[0], "newtonsoft.json 12.0.1") != NULL);
	LD_CHECK(strstr(fx.inv.problems[0], "could not be evaluated") != NULL);
	ld_deps_dispose(&deps);
	ld_depcheck_free(c);
	ld_buf_dispose(&zip);
	teardown(&fx);
	remove(path);
	rmdir(dir);
}

/* The scan's compare over collected data: a package reduced to its dependencies, a layer
 * entry shared by the version, and the OSV API's records (mode 0) or its silence (mode 1),
 * said on the version; a function no session reaches is a problem, never clean. */
static void test_depcheck__scan_compares_what_was_collected(void)
{
	static const char advisory[] =
		"{\"id\":\"GHSA-test-0000-0001\",\"modified\":\"2024-01-01T00:00:00Z\","
		"\"summary\":\"test advisory\",\"affected\":[{\"package\":{\"ecosystem\":"
		"\"npm\",\"name\":\"left-pad\"},\"ranges\":[{\"type\":\"SEMVER\","
		"\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.1\"}]}]}]}";
	static const char arn[] = "arn:aws:lambda:us-east-1:123456789012:layer:shared:1";
	ld_depcheck_opts o = { NULL, 0, "https://osv.example", 0, 0 };

	for (int mode = 0; mode < 2; mode++) {
		ld_function fns[2];
		ld_depcheck_fn_read fr[2];
		ld_depcheck_pkg_read pr;
		ld_depcheck_reads reads = { fr, 2 };
		ld_dep_rows rows = { NULL, 0, 0 };
		ld_depcheck *c = NULL;
		ld_layer_read *e = NULL;
		const ld_finding *f;
		fixture fx;
		bool made;

		setup(&fx, true);
		fx.v.version = "$LATEST";
		fx.fn.versions = &fx.v;
		fx.fn.nversions = 1;
		memset(&fns[1], 0, sizeof(fns[1]));
		fns[0] = fx.fn;
		fns[1].name = "billing";
		fns[1].region = "us-east-1";
		fns[1].account = "210987654321";
		fx.inv.functions = fns;
		fx.inv.nfunctions = 2;
		memset(fr, 0, sizeof(fr));
		memset(&pr, 0, sizeof(pr));
		fr[0].reachable = true;
		fr[0].served = &pr;
		fr[0].nserved = 1;
		pr.status = LD_FETCH_OK;
		LD_REQUIRE(ld_deps_add(&pr.deps, "npm", "left-pad", "1.3.0",
				       "node_modules/left-pad/package.json", NULL) == 0);
		LD_REQUIRE(ld_depcheck_new(&c, &o) == 0);
		LD_REQUIRE(ld_depcheck__layer_add(c, arn, &e, &made) == 0 && made);
		e->state = LD_LAYER_READ;
		e->attached = 1;
		e->newest = 2;
		if (mode == 0)
			LD_REQUIRE(ld_osv_add_json(ld_depcheck__osv(c), advisory,
						   sizeof(advisory) - 1, "test") == 0);
		else
			LD_REQUIRE(ld_depcheck__api_unanswered(c, "api.osv.example did not "
							       "answer") == 0);
		LD_CHECK(ld_depcheck__scan(&fx.out, &rows, &fx.inv, c, &reads) == 0);
		f = find_rule(&fx.out, "dependency-vulnerable", "GHSA-test-0000-0001");
		LD_CHECK(find_rule(&fx.out, "layer-outdated", "version 2 of that layer") != NULL);
		LD_REQUIRE(rows.count == 1);
		LD_CHECK_STR(rows.items[0].name, "left-pad");
		LD_CHECK(rows.items[0].checked);
		LD_REQUIRE(fx.inv.nproblems == (size_t)(1 + mode));
		LD_CHECK_STR(fx.inv.problems[0], "billing: dependencies not read: no session for "
			     "its account 210987654321");
		if (mode == 0) {
			LD_REQUIRE(f != NULL);
			LD_CHECK(strstr(f->message, "npm left-pad 1.3.0") != NULL);
			LD_CHECK(strstr(f->message, "fixed in 1.3.1") != NULL);
			LD_CHECK_INT(rows.items[0].nadvisories, 1);
		} else {
			LD_CHECK(f == NULL);
			LD_CHECK_STR(fx.inv.problems[1], "orders: the OSV API was not answered: "
				     "api.osv.example did not answer");
		}
		LD_CHECK(!fx.inv.complete);
		fx.inv.functions = NULL;
		fx.inv.nfunctions = 0;
		ld_depcheck_pkg_read_dispose(&pr);
		ld_dep_rows_dispose(&rows);
		ld_depcheck_free(c);
		teardown(&fx);
	}
}

static void test_depcheck__bad_sources_are_usage_errors(void)
{
	const char *missing[] = { "fixtures/osv/does-not-exist" };
	ld_depcheck_opts o = { missing, 1, NULL, 0, 0 };
	ld_depcheck_opts api = { NULL, 0, "ftp://osv.example", 0, 0 };
	ld_depcheck *c = NULL;

	LD_CHECK(ld_depcheck_new(&c, &o) == LD_ENOTFOUND);
	LD_CHECK(c == NULL);
	LD_CHECK(ld_depcheck_new(&c, &api) == LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "--osv-api") != NULL);
}

const ld_test ld_tests[] = {
	LD_TEST(test_depcheck__vulnerable_from_given_package),
	LD_TEST(test_depcheck__drift_against_lockfile),
	LD_TEST(test_depcheck__offline_layers_are_said),
	LD_TEST(test_depcheck__unreadable_package_is_unverified),
	LD_TEST(test_depcheck__unevaluated_range_is_not_clean),
	LD_TEST(test_depcheck__scan_compares_what_was_collected),
	LD_TEST(test_depcheck__bad_sources_are_usage_errors),
	{ NULL, NULL }
};
