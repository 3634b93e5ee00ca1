/*
 * OSV advisories (deps/osv.h) against fixtures/osv: the 14 GitHub Advisory Database records
 * (real ranges: lodash, minimist 0.x/1.x, urllib3 1.x/2.x, "Axios" and "Jinja2" as the
 * advisories spell them, node-fetch's partial "1.0") and the synthetic records written for
 * what they lack (last_affected, Maven ranges, versions lists, unsorted and overlapping
 * ranges, withdrawn and malformed records). Each match is checked as a whole: which
 * advisories, in which order, and the first fixed version of each. The all.zip path builds
 * a zip with Python's zipfile at test time. The OSV API client runs against a fake
 * transport in C (protocol details, retries, errors) and, over the real curl transport,
 * against fixtures/osv/fake_osv_api.py started on a loopback port.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deps/osv.h"
#include "deps/osvapi.h"
#include "harness.h"
#include "http/http.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/json.h"

#define GITHUB_DIR "fixtures/osv/github-advisory-database"

static ld_osv_db *load_with(const char *path, const ld_osv_limits *limits)
{
	ld_osv_db *db = NULL;
	if (ld_osv_db_new(&db, limits) < 0)
		return NULL;
	if (ld_osv_load(db, path) < 0) {
		ld_test_fail(__FILE__, __LINE__, "cannot load %s", path);
		ld_osv_db_free(db);
		return NULL;
	}
	return db;
}

static ld_osv_db *load(const char *path)
{
	return load_with(path, NULL);
}

/* The matches of name@version as "ID=fixed ID=fixed" (fixed "-" when none). */
static void expect_at(int line, const ld_osv_db *db, const char *eco, const char *name,
		      const char *version, const char *expect)
{
	ld_osv_matches m;
	ld_buf got = LD_BUF_INIT;

	if (ld_osv_match(db, eco, name, version, &m) < 0) {
		ld_test_fail(__FILE__, line, "match %s %s@%s failed", eco, name, version);
		return;
	}
	for (size_t i = 0; i < m.count; i++)
		ld_buf_printf(&got, "%s%s=%s", i ? " " : "", m.items[i].id,
			      m.items[i].fixed ? m.items[i].fixed : "-");
	if (strcmp(got.ptr, expect))
		ld_test_fail(__FILE__, line, "%s %s@%s\n  got:      %s\n  expected: %s", eco, name,
			     version, got.ptr, expect);
	ld_osv_matches_dispose(&m);
	ld_buf_dispose(&got);
}

#define EXPECT(db, eco, name, version, expect) expect_at(__LINE__, db, eco, name, version, expect)

static void test_osv__loads_the_github_sample(void)
{
	ld_osv_db *db = load(GITHUB_DIR);
	const ld_osv_stats *st;
	LD_REQUIRE(db);
	st = ld_osv_db_stats(db);
	LD_CHECK_INT(st->files, 14);
	LD_CHECK_INT(st->records, 14);
	LD_CHECK_INT(st->skipped, 0);
	LD_CHECK_INT(st->withdrawn, 0);
	LD_CHECK_STR(st->first_skip, "");
	/* lodash, lodash-es, minimist, axios (spelled two ways), node-fetch, semver, urllib3,
	 * requests, jinja2 (spelled two ways), cryptography, crates.io openssl-src */
	LD_CHECK_INT(st->packages, 11);
	ld_osv_db_free(db);
}

static void test_osv__lodash(void)
{
	ld_osv_db *db = load(GITHUB_DIR);
	ld_osv_matches m;
	LD_REQUIRE(db);
	EXPECT(db, "npm", "lodash", "4.17.15",
	       "GHSA-35jh-r3h4-6jhm=4.17.21 GHSA-p6mc-m468-83gw=4.17.20");
	EXPECT(db, "npm", "lodash-es", "4.17.15",
	       "GHSA-35jh-r3h4-6jhm=4.17.21 GHSA-p6mc-m468-83gw=4.17.20");
	/* the fixed version itself is not affected */
	EXPECT(db, "npm", "lodash", "4.17.20", "GHSA-35jh-r3h4-6jhm=4.17.21");
	EXPECT(db, "npm", "lodash", "4.17.21", "");
	EXPECT(db, "npm", "lodash", "5.0.0-pre.1", "");
	EXPECT(db, "npm", "lodash", "4.17.21-rc.1", "GHSA-35jh-r3h4-6jhm=4.17.21");
	EXPECT(db, "npm", "lodash", "v0.1.0", "GHSA-35jh-r3h4-6jhm=4.17.21 GHSA-p6mc-m468-83gw=4.17.20");
	EXPECT(db, "npm", "left-pad", "1.0.0", "");

	LD_REQUIRE(ld_osv_match(db, "npm", "lodash", "4.17.15", &m) == 0);
	LD_REQUIRE(m.count == 2);
	LD_CHECK_INT(m.items[1].naliases, 1);
	LD_CHECK_STR(m.items[1].aliases[0], "CVE-2020-8203");
	LD_CHECK_STR(m.items[1].summary, "Prototype Pollution in lodash");
	LD_CHECK_STR(m.items[1].severity_source, "CVSS_V3");
	LD_CHECK_STR(m.items[1].severity_label, "HIGH");
	LD_CHECK(m.items[1].cvss_score == 7.4);
	LD_CHECK_STR(m.items[1].cvss_vector, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H");
	LD_CHECK_INT(m.items[1].severity, LD_SEV_ERROR);
	LD_CHECK_STR(m.items[0].aliases[0], "CVE-2021-23337");
	LD_CHECK(m.items[0].cvss_score == 7.2);
	LD_CHECK_INT(m.unevaluated, 0);
	ld_osv_matches_dispose(&m);
	ld_osv_db_free(db);
}

static void test_osv__names_are_normalised(void)
{
	ld_osv_db *db = load(GITHUB_DIR);
	ld_osv_matches m;
	LD_REQUIRE(db);
	/* GHSA-8hc4 says "Axios", GHSA-wf5p "axios": one package */
	EXPECT(db, "npm", "axios", "1.5.0", "GHSA-8hc4-vh64-cxmj=1.7.4 GHSA-wf5p-g6vw-rhxx=1.6.0");
	EXPECT(db, "npm", "Axios", "1.6.0", "GHSA-8hc4-vh64-cxmj=1.7.4");
	EXPECT(db, "npm", "AXIOS", "1.3.1", "GHSA-wf5p-g6vw-rhxx=1.6.0");
	EXPECT(db, "npm", "axios", "0.8.0", "");
	/* GHSA-h75v says "Jinja2", GHSA-h5c8 "jinja2" */
	EXPECT(db, "PyPI", "jinja2", "3.1.2", "GHSA-h5c8-rqwp-cp95=3.1.3 GHSA-h75v-3vvj-5mfj=3.1.4");
	EXPECT(db, "PyPI", "Jinja2", "3.1.3", "GHSA-h75v-3vvj-5mfj=3.1.4");
	EXPECT(db, "pypi", "JINJA2", "3.1.4", "");
	EXPECT(db, "PyPI", "Jinja2", "3.1.3.post1", "GHSA-h75v-3vvj-5mfj=3.1.4");
	EXPECT(db, "PyPI", "Jinja2", "3.1.4rc1", "GHSA-h75v-3vvj-5mfj=3.1.4");

	/* an empty severity list falls back to database_specific.severity */
	LD_REQUIRE(ld_osv_match(db, "npm", "axios", "1.5.0", &m) == 0);
	LD_REQUIRE(m.count == 2);
	LD_CHECK_STR(m.items[0].severity_source, "database_specific");
	LD_CHECK_STR(m.items[0].severity_label, "HIGH");
	LD_CHECK_INT(m.items[0].severity, LD_SEV_ERROR);
	LD_CHECK_STR(m.items[1].severity_label, "MODERATE");
	LD_CHECK_INT(m.items[1].severity, LD_SEV_WARNING);
	LD_CHECK(m.items[1].cvss_score < 0);
	LD_CHECK(m.items[1].cvss_vector == NULL);
	ld_osv_matches_dispose(&m);
	ld_osv_db_free(db);
}

static void test_osv__several_ranges_of_one_package(void)
{
	ld_osv_db *db = load(GITHUB_DIR);
	LD_REQUIRE(db);
	/* urllib3: each advisory has a 1.x and a 2.x entry */
	EXPECT(db, "PyPI", "urllib3", "1.26.5",
	       "GHSA-34jh-p97f-mpxf=1.26.19 GHSA-v845-jxx5-vc9f=1.26.17");
	EXPECT(db, "PyPI", "urllib3", "1.26.17", "GHSA-34jh-p97f-mpxf=1.26.19");
	EXPECT(db, "PyPI", "urllib3", "1.26.19", "");
	EXPECT(db, "PyPI", "urllib3", "2.0.0", "GHSA-34jh-p97f-mpxf=2.2.2 GHSA-v845-jxx5-vc9f=2.0.6");
	/* a pre-release of 2.0.0 lies above the 1.x ranges and below the 2.x ones */
	EXPECT(db, "PyPI", "urllib3", "2.0.0a1", "");
	EXPECT(db, "PyPI", "urllib3", "2.0.6", "GHSA-34jh-p97f-mpxf=2.2.2");
	EXPECT(db, "PyPI", "urllib3", "2.2.2", "");
	/* minimist: 1.x and 0.x */
	EXPECT(db, "npm", "minimist", "0.2.1", "GHSA-xvch-5gv4-984h=0.2.4");
	EXPECT(db, "npm", "minimist", "0.2.4", "");
	EXPECT(db, "npm", "minimist", "0.5.0", "");
	EXPECT(db, "npm", "minimist", "1.0.0", "GHSA-xvch-5gv4-984h=1.2.6");
	EXPECT(db, "npm", "minimist", "1.2.5", "GHSA-xvch-5gv4-984h=1.2.6");
	EXPECT(db, "npm", "minimist", "1.2.6", "");
	/* semver: 5.x, 6.x and 7.x */
	EXPECT(db, "npm", "semver", "5.7.1", "GHSA-c2qf-rxjj-qqgw=5.7.2");
	EXPECT(db, "npm", "semver", "6.3.0", "GHSA-c2qf-rxjj-qqgw=6.3.1");
	EXPECT(db, "npm", "semver", "7.5.1", "GHSA-c2qf-rxjj-qqgw=7.5.2");
	EXPECT(db, "npm", "semver", "6.3.1", "");
	/* requests: one advisory starts at 2.3.0 */
	EXPECT(db, "PyPI", "requests", "2.2.1", "GHSA-9wx4-h78v-vm56=2.32.2");
	EXPECT(db, "PyPI", "requests", "2.30.0", "GHSA-9wx4-h78v-vm56=2.32.2 GHSA-j8r2-6x86-q33q=2.31.0");
	EXPECT(db, "PyPI", "requests", "2.31.0", "GHSA-9wx4-h78v-vm56=2.32.2");
	/* node-fetch's "introduced": "1.0" reads as 1.0.0; by that data 2.6.7 is still
	 * affected (by the 1.0 .. 3.1.1 range), so 3.1.1 is the first version that is not */
	EXPECT(db, "npm", "node-fetch", "3.0.0", "GHSA-r683-j2x4-v87g=3.1.1");
	EXPECT(db, "npm", "node-fetch", "0.9.0", "GHSA-r683-j2x4-v87g=3.1.1");
	EXPECT(db, "npm", "node-fetch", "2.6.6", "GHSA-r683-j2x4-v87g=3.1.1");
	EXPECT(db, "npm", "node-fetch", "3.1.1", "");
	EXPECT(db, "PyPI", "cryptography", "39.0.0", "GHSA-x4qr-2fvf-3mr5=39.0.1");
	EXPECT(db, "PyPI", "cryptography", "0.8", "");
	ld_osv_db_free(db);
}

static void test_osv__unknown_ecosystem_is_unevaluated(void)
{
	ld_osv_db *db = load(GITHUB_DIR);
	ld_osv_matches m;
	LD_REQUIRE(db);
	LD_REQUIRE(ld_osv_match(db, "crates.io", "openssl-src", "300.0.5", &m) == 0);
	LD_CHECK_INT(m.count, 0);
	LD_CHECK_INT(m.unevaluated, 2);
	ld_osv_matches_dispose(&m);
	ld_osv_db_free(db);
}

static void test_osv__invalid_requests(void)
{
	ld_osv_db *db = load(GITHUB_DIR);
	ld_osv_matches m;
	LD_REQUIRE(db);
	LD_CHECK_INT(ld_osv_match(db, "npm", "lodash", "latest", &m), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "'latest' is not a valid npm version") != NULL);
	LD_CHECK(m.items == NULL && m.count == 0);
	LD_CHECK_INT(ld_osv_match(db, "PyPI", "jinja2", "french toast", &m), LD_EINVALID);
	LD_CHECK_INT(ld_osv_match(db, "npm", "  ", "1.0.0", &m), LD_EINVALID);
	LD_CHECK_INT(ld_osv_match(db, "npm", "lodash", "", &m), LD_EINVALID);
	LD_CHECK_INT(ld_osv_match(db, NULL, "lodash", "1.0.0", &m), LD_EINVALID);
	ld_osv_matches_dispose(&m);
	ld_osv_matches_dispose(NULL);
	ld_osv_db_free(db);
	ld_osv_db_free(NULL);
}

static void test_osv__synthetic_ranges(void)
{
	ld_osv_db *db = load("fixtures/osv/synthetic");
	ld_osv_matches m;
	LD_REQUIRE(db);
	/* SEMVER range with last_affected: inclusive, and no fix known */
	EXPECT(db, "npm", "ld-fixture-widget", "1.0.0", "LDTEST-2024-0001=-");
	EXPECT(db, "npm", "ld-fixture-widget", "1.4.2", "LDTEST-2024-0001=-");
	EXPECT(db, "npm", "ld-fixture-widget", "1.4.3-0", "");
	EXPECT(db, "npm", "ld-fixture-widget", "1.4.3", "");
	EXPECT(db, "npm", "ld-fixture-widget", "0.9.9", "");
	/* Maven: two introduced/fixed pairs, the second ending in last_affected */
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "2.0-alpha-1", "");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "2.0-beta-1", "LDTEST-2024-0001=2.3.1");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "2.0-beta-2", "LDTEST-2024-0001=2.3.1");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "2.3.0", "LDTEST-2024-0001=2.3.1");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "2.3.1", "");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "3.0.0-M2", "LDTEST-2024-0001=-");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "3.0.0-RC1", "LDTEST-2024-0001=-");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "3.0.0", "LDTEST-2024-0001=-");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "3.0.0.Final", "LDTEST-2024-0001=-");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "3.0.0-sp1", "");
	EXPECT(db, "Maven", "org.example.fixture:widget-core", "3.0.1", "");
	/* a versions list, under a PEP 503-normalised name, compared as PEP 440 versions */
	EXPECT(db, "PyPI", "LD-Fixture_Widget", "1.0.post1", "LDTEST-2024-0001=-");
	EXPECT(db, "PyPI", "ld.fixture.widget", "1.0-1", "LDTEST-2024-0001=-");
	EXPECT(db, "PyPI", "ld-fixture-widget", "0.9.0", "LDTEST-2024-0001=-");
	EXPECT(db, "PyPI", "ld-fixture-widget", "1.0", "");
	/* unsorted events with a re-introduction */
	EXPECT(db, "npm", "ld-fixture-unsorted", "1.5.0", "LDTEST-2024-0003=2.0.0");
	EXPECT(db, "npm", "ld-fixture-unsorted", "2.0.0", "");
	EXPECT(db, "npm", "ld-fixture-unsorted", "2.9.9", "");
	EXPECT(db, "npm", "ld-fixture-unsorted", "3.0.0", "LDTEST-2024-0003=3.1.0");
	EXPECT(db, "npm", "ld-fixture-unsorted", "3.1.0", "");
	/* overlapping entries: one match, and 2.0.0 is no fix while the other range holds it */
	EXPECT(db, "npm", "ld-fixture-overlap", "1.0.0", "LDTEST-2024-0003=2.5.0");
	EXPECT(db, "npm", "ld-fixture-overlap", "1.6.0", "LDTEST-2024-0003=2.5.0");
	EXPECT(db, "npm", "ld-fixture-overlap", "2.2.0", "LDTEST-2024-0003=2.5.0");
	EXPECT(db, "npm", "ld-fixture-overlap", "2.5.0", "");
	/* PEP 440 bounds: 1.0rc1 <= v < 1.0.post1 */
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0b9", "");
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0rc1", "LDTEST-2024-0003=1.0.post1");
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0c1", "LDTEST-2024-0003=1.0.post1");
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0", "LDTEST-2024-0003=1.0.post1");
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0+local.7", "LDTEST-2024-0003=1.0.post1");
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0.post1.dev0", "LDTEST-2024-0003=1.0.post1");
	EXPECT(db, "PyPI", "ld-fixture-pre", "1.0.post1", "");
	/* an ecosystem without an ordering: only the versions list can match */
	EXPECT(db, "crates.io", "ld-fixture-crate", "1.1.0", "LDTEST-2024-0003=-");
	EXPECT(db, "crates.io", "ld-fixture-crate", "1.0.0", "");
	/* withdrawn: would match every lodash */
	EXPECT(db, "npm", "lodash", "1.0.0", "");

	LD_REQUIRE(ld_osv_match(db, "npm", "ld-fixture-widget", "1.2.0", &m) == 0);
	LD_REQUIRE(m.count == 1);
	LD_CHECK_STR(m.items[0].summary,
		     "Synthetic advisory for lambdrift's tests: last_affected is inclusive.");
	LD_CHECK_INT(m.items[0].naliases, 2);
	LD_CHECK_STR(m.items[0].aliases[1], "PYSEC-0000-1");
	/* a CVSS v4 vector is not scored: database_specific LOW applies */
	LD_CHECK_STR(m.items[0].severity_source, "database_specific");
	LD_CHECK_INT(m.items[0].severity, LD_SEV_NOTE);
	ld_osv_matches_dispose(&m);
	LD_REQUIRE(ld_osv_match(db, "crates.io", "ld-fixture-crate", "1.1.0", &m) == 0);
	LD_CHECK_INT(m.unevaluated, 1);
	LD_REQUIRE(m.count == 1);
	LD_CHECK_STR(m.items[0].severity_source, "default");
	LD_CHECK_INT(m.items[0].severity, LD_SEV_WARNING);
	LD_CHECK(m.items[0].severity_label == NULL);
	ld_osv_matches_dispose(&m);
	ld_osv_db_free(db);
}

static void test_osv__malformed_records_are_skipped(void)
{
	ld_osv_db *db = load("fixtures/osv");
	const ld_osv_stats *st;
	LD_REQUIRE(db);
	st = ld_osv_db_stats(db);
	LD_CHECK_INT(st->files, 20); /* README.md is not read */
	LD_CHECK_INT(st->records, 16);
	LD_CHECK_INT(st->withdrawn, 1);
	LD_CHECK_INT(st->skipped, 3);
	LD_CHECK_STR(st->first_skip, "fixtures/osv/synthetic/malformed-event.json "
				     "LDTEST-2024-0900: a range event is not one version");
	/* what loaded still matches */
	EXPECT(db, "npm", "lodash", "4.17.20", "GHSA-35jh-r3h4-6jhm=4.17.21");
	EXPECT(db, "npm", "ld-fixture-malformed", "0.1.0", "");
	ld_osv_db_free(db);
}

static void test_osv__add_json_seam(void)
{
	static const char arr[] =
		"[{\"id\":\"X-1\",\"summary\":\"one\",\"affected\":[{\"package\":{\"ecosystem\":"
		"\"npm\",\"name\":\"p\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced"
		"\":\"0\"},{\"fixed\":\"1.0.0\"}]}]}]},"
		"{\"id\":\"X-2\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"p\"},"
		"\"versions\":[\"0.5.0\"]}],\"severity\":[{\"type\":\"CVSS_V3\",\"score\":"
		"\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}]},"
		"{\"id\":\"X-1\"},"
		"{\"id\":\"X-3\",\"affected\":{}},"
		"{\"id\":\"X-4\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"q\"},"
		"\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"fixed\":\"1.0.0\"}]}]}]}]";
	static const char go[] =
		"{\"id\":\"GO-2024-0001\",\"affected\":[{\"package\":{\"ecosystem\":\"Go\","
		"\"name\":\"example.com/mod\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
		"[{\"introduced\":\"0\"},{\"fixed\":\"v1.2.3\"}]}]}]}";
	ld_osv_db *db = NULL;
	ld_osv_matches m;
	const ld_osv_stats *st;

	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osv_add_json(db, arr, strlen(arr), "api"), 0);
	st = ld_osv_db_stats(db);
	LD_CHECK_INT(st->records, 2);
	LD_CHECK_INT(st->duplicates, 1);
	LD_CHECK_INT(st->skipped, 2); /* X-3, and X-4's range without an introduced event */
	LD_CHECK_STR(st->first_skip, "api X-3: affected is not an array");
	EXPECT(db, "npm", "p", "0.5.0", "X-1=1.0.0 X-2=-");
	EXPECT(db, "npm", "p", "0.6.0", "X-1=1.0.0");
	EXPECT(db, "npm", "q", "0.6.0", "");
	LD_REQUIRE(ld_osv_match(db, "npm", "p", "0.5.0", &m) == 0);
	LD_REQUIRE(m.count == 2);
	LD_CHECK(m.items[1].cvss_score == 9.8);
	LD_CHECK_STR(m.items[1].severity_label, "CRITICAL");
	LD_CHECK(m.items[0].aliases == NULL || m.items[0].naliases == 0);
	ld_osv_matches_dispose(&m);
	ld_osv_db_free(db);

	/* a SEMVER range is evaluated whatever the ecosystem (Go, crates.io write them) */
	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osv_add_json(db, go, strlen(go), "go"), 0);
	EXPECT(db, "Go", "example.com/mod", "v1.2.0", "GO-2024-0001=v1.2.3");
	EXPECT(db, "Go", "example.com/mod", "v1.2.3", "");
	EXPECT(db, "Go", "Example.com/mod", "v1.2.0", "");
	ld_osv_db_free(db);

	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osv_add_json(db, "{\"id\":", 6, "api:broken"), 0);
	LD_CHECK_INT(ld_osv_add_json(db, "[1, \"x\"]", 8, "api:odd"), 0);
	LD_CHECK_INT(ld_osv_db_stats(db)->skipped, 3);
	LD_CHECK_STR(ld_osv_db_stats(db)->first_skip, "malformed JSON in api:broken near byte 5: it ends "
		     "early, before the document is closed (cut short?)");
	ld_osv_db_free(db);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0)
		ld_test_fail(__FILE__, __LINE__, "cannot write %s", path);
	if (f)
		fclose(f);
}

static void test_osv__directory_walk(void)
{
	static const char rec[] = "{\"id\":\"D-%d\",\"affected\":[{\"package\":{\"ecosystem\":"
				  "\"npm\",\"name\":\"d\"},\"versions\":[\"1.0.0\"]}]}";
	char dir[] = "/tmp/ld-osv-walk-XXXXXX", path[128], text[256];
	ld_osv_db *db;

	LD_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/.git", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/b", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.git/x.json", dir);
	snprintf(text, sizeof(text), rec, 1);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/b/y.JSON", dir);
	snprintf(text, sizeof(text), rec, 2);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/a.json", dir);
	snprintf(text, sizeof(text), rec, 3);
	write_file(path, text);
	snprintf(path, sizeof(path), "%s/link.json", dir);
	LD_CHECK(symlink("a.json", path) == 0);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	write_file(path, "not an advisory");
	db = load(dir);
	if (db) {
		LD_CHECK_INT(ld_osv_db_stats(db)->files, 2); /* a.json, b/y.JSON: no .git, no link */
		EXPECT(db, "npm", "d", "1.0.0", "D-3=- D-2=-");
		ld_osv_db_free(db);
	}
	for (const char *const *f = (const char *const[]){ ".git/x.json", "b/y.JSON", "a.json",
							   "link.json", "notes.txt", ".git", "b",
							   NULL };
	     *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		remove(path);
	}
	rmdir(dir);
}

/* NuGet ids are case-insensitive: OSV spells them as published ("Newtonsoft.Json"), a
 * .deps.json in any case, and the inventory stores them lower-cased; all of them meet. */
static void test_osv__nuget_names_ignore_case(void)
{
	static const char rec[] = "{\"id\":\"N-1\",\"affected\":[{\"package\":{\"ecosystem\":"
				  "\"NuGet\",\"name\":\"Newtonsoft.Json\"},\"versions\":[\"12.0.1\"]}]}";
	char dir[] = "/tmp/ld-osv-nuget-XXXXXX", path[128];
	ld_osv_db *db;

	LD_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/n.json", dir);
	write_file(path, rec);
	db = load(dir);
	if (db) {
		EXPECT(db, "NuGet", "newtonsoft.json", "12.0.1", "N-1=-");
		EXPECT(db, "nuget", "NEWTONSOFT.JSON", "12.0.1", "N-1=-");
		EXPECT(db, "NuGet", "Newtonsoft.Json", "13.0.3", "");
		ld_osv_db_free(db);
	}
	remove(path);
	rmdir(dir);
}

static void test_osv__limits(void)
{
	ld_osv_limits lim = LD_OSV_LIMITS_INIT;
	ld_osv_db *db = NULL;

	lim.max_files = 5;
	LD_REQUIRE(ld_osv_db_new(&db, &lim) == 0);
	LD_CHECK_INT(ld_osv_load(db, GITHUB_DIR), LD_ELIMIT);
	LD_CHECK(strstr(ld_error_last()->message, "more than 5 advisory files") != NULL);
	ld_osv_db_free(db);

	lim = (ld_osv_limits)LD_OSV_LIMITS_INIT;
	lim.max_record_bytes = 3000; /* 8 of the 14 files are larger */
	db = load_with(GITHUB_DIR, &lim);
	LD_REQUIRE(db);
	LD_CHECK_INT(ld_osv_db_stats(db)->records, 6);
	LD_CHECK_INT(ld_osv_db_stats(db)->skipped, 8);
	LD_CHECK(strstr(ld_osv_db_stats(db)->first_skip, "larger than the per-record limit") != NULL);
	ld_osv_db_free(db);

	lim = (ld_osv_limits)LD_OSV_LIMITS_INIT;
	lim.max_total_bytes = 20000;
	LD_REQUIRE(ld_osv_db_new(&db, &lim) == 0);
	LD_CHECK_INT(ld_osv_load(db, GITHUB_DIR), LD_ELIMIT);
	ld_osv_db_free(db);

	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osv_load(db, "fixtures/osv/no-such-dir"), LD_ENOTFOUND);
	LD_CHECK_INT(ld_osv_load(db, GITHUB_DIR "/GHSA-xvch-5gv4-984h.json"), 0);
	LD_CHECK_INT(ld_osv_db_stats(db)->records, 1);
	EXPECT(db, "npm", "minimist", "1.2.5", "GHSA-xvch-5gv4-984h=1.2.6");
	ld_osv_db_free(db);
}

/* ld_osv_load(PATH) is LD_EINVALID with MESSAGE in its error, and loads nothing. */
static void refused(ld_osv_db *db, const char *path, const char *message)
{
	size_t records = ld_osv_db_stats(db)->records;

	LD_CHECK_INT(ld_osv_load(db, path), LD_EINVALID);
	if (!strstr(ld_error_last()->message, message))
		ld_test_fail(__FILE__, __LINE__, "%s: '%s' lacks '%s'", path,
			     ld_error_last()->message, message);
	LD_CHECK_INT(ld_osv_db_stats(db)->records, records);
}

/* A path that gives no advisory record would check every dependency against nothing and
 * call it clean: an empty directory or file, a cut-short download, a directory of other
 * JSON, a zip without *.json. Each is refused and says which of those it is; the skips of
 * an earlier path stay counted and are not blamed on this one. */
static void test_osv__a_path_without_records_is_refused(void)
{
	static const unsigned char eocd[22] = { 'P', 'K', 5, 6 }; /* no entries */
	char dir[] = "/tmp/ld-osv-none-XXXXXX", path[128];
	ld_osv_db *db = NULL;
	FILE *f;

	LD_REQUIRE(mkdtemp(dir) != NULL);
	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	refused(db, dir, "is a directory with no OSV advisory record (no *.json file below it)");
	snprintf(path, sizeof(path), "%s/empty.json", dir);
	write_file(path, "");
	refused(db, path, "is empty: it holds no OSV advisory record");
	snprintf(path, sizeof(path), "%s/cut.json", dir);
	write_file(path, "{\"id\": \"GHSA-cut\", \"affected\": [");
	refused(db, path, "holds no OSV advisory record that can be read (1 skipped; the first: "
			  "malformed JSON in");
	LD_CHECK(strstr(ld_error_last()->message, "ends early") != NULL);
	refused(db, dir, "is a directory with no OSV advisory record that can be read (2 skipped");
	snprintf(path, sizeof(path), "%s/e.zip", dir); /* an empty archive: its end record */
	f = fopen(path, "wb");
	LD_REQUIRE(f && fwrite(eocd, 1, sizeof(eocd), f) == sizeof(eocd));
	fclose(f);
	refused(db, path, "holds no OSV advisory record (no *.json entry)");
	LD_CHECK_INT(ld_osv_load(db, "fixtures/osv"), 0);
	LD_CHECK_INT(ld_osv_db_stats(db)->skipped, 4 + 3); /* the refused paths' and fixtures' */
	ld_osv_db_free(db);
	for (const char *const *n = (const char *const[]){ "empty.json", "cut.json", "e.zip",
							   NULL };
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		remove(path);
	}
	rmdir(dir);
}

/* Write fixtures/osv into `zip` with Python's zipfile, plus a second copy of one record. */
static int make_zip(const char *zip)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import os, sys, zipfile\n"
		 "with zipfile.ZipFile(sys.argv[1], \"w\", zipfile.ZIP_DEFLATED) as z:\n"
		 "    for d, dirs, files in os.walk(\"fixtures/osv\"):\n"
		 "        dirs.sort()\n"
		 "        for f in sorted(files):\n"
		 "            p = os.path.join(d, f)\n"
		 "            z.write(p, os.path.relpath(p, \"fixtures/osv\"))\n"
		 "    z.write(\"" GITHUB_DIR "/GHSA-p6mc-m468-83gw.json\", \"copy/GHSA-p6mc.json\")\n"
		 "' '%s'",
		 zip);
	return system(cmd);
}

static void test_osv__all_zip(void)
{
	char dir[] = "/tmp/ld-osv-test-XXXXXX", zip[64];
	ld_osv_db *db = NULL;
	const ld_osv_stats *st;
	char *data;
	size_t len = 0;

	LD_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(zip, sizeof(zip), "%s/all.zip", dir);
	if (make_zip(zip) != 0) {
		ld_test_fail(__FILE__, __LINE__, "python3 could not write %s", zip);
		rmdir(dir);
		return;
	}
	db = load(zip);
	if (db) {
		st = ld_osv_db_stats(db);
		LD_CHECK_INT(st->files, 21);
		LD_CHECK_INT(st->records, 16);
		LD_CHECK_INT(st->duplicates, 1);
		LD_CHECK_INT(st->withdrawn, 1);
		LD_CHECK_INT(st->skipped, 3);
		LD_CHECK(strstr(st->first_skip, "all.zip:synthetic/malformed-event.json LDTEST-2024-0900") != NULL);
		EXPECT(db, "npm", "lodash", "4.17.15",
		       "GHSA-35jh-r3h4-6jhm=4.17.21 GHSA-p6mc-m468-83gw=4.17.20");
		EXPECT(db, "PyPI", "Jinja2", "3.1.2", "GHSA-h5c8-rqwp-cp95=3.1.3 GHSA-h75v-3vvj-5mfj=3.1.4");
		ld_osv_db_free(db);
	}
	/* from memory, and a damaged archive is refused as a whole */
	data = ld_test_read_file(zip, &len);
	LD_REQUIRE(data != NULL);
	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osv_load_zip(db, data, len, "mem"), 0);
	LD_CHECK_INT(ld_osv_db_stats(db)->records, 16);
	ld_osv_db_free(db);
	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK(ld_osv_load_zip(db, data, len - 30, "cut") < 0);
	LD_CHECK_INT(ld_osv_db_stats(db)->records, 0);
	ld_osv_db_free(db);
	free(data);
	unlink(zip);
	rmdir(dir);
}

static void test_osv__cvss3_scores(void)
{
	static const struct {
		const char *vector;
		double score;
	} cases[] = {
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8 },
		{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4 },
		{ "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3 },
		{ "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N", 4.4 },
		{ "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1 },
		{ "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0 },
		{ "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8 },
		{ "CVSS:3.1/AC:L/AV:N/UI:N/PR:N/S:U/A:H/I:H/C:H", 9.8 },
		{ "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", -1 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", -1 },
		{ "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", -1 },
		{ "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", -1 },
		{ "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HH", -1 },
		{ "", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double got = ld_cvss3_base_score(cases[i].vector);
		if (got != cases[i].score)
			ld_test_fail(__FILE__, __LINE__, "cvss %s: got %.1f, expected %.1f",
				     cases[i].vector, got, cases[i].score);
	}
	LD_CHECK(ld_cvss3_base_score(NULL) == -1);
	LD_CHECK_INT(ld_osv_severity_of("CRITICAL"), LD_SEV_ERROR);
	LD_CHECK_INT(ld_osv_severity_of("high"), LD_SEV_ERROR);
	LD_CHECK_INT(ld_osv_severity_of("Moderate"), LD_SEV_WARNING);
	LD_CHECK_INT(ld_osv_severity_of("MEDIUM"), LD_SEV_WARNING);
	LD_CHECK_INT(ld_osv_severity_of("LOW"), LD_SEV_NOTE);
	LD_CHECK_INT(ld_osv_severity_of("urgent"), LD_SEV_NONE);
	LD_CHECK_INT(ld_osv_severity_of(NULL), LD_SEV_NONE);
}

/* The CVSS rating of every sample agrees with GitHub's own label. */
static void test_osv__sample_severities_agree(void)
{
	static const char *const pkgs[][4] = {
		{ "npm", "lodash", "4.0.0", "HIGH HIGH" },
		{ "npm", "minimist", "1.2.0", "CRITICAL" },
		{ "npm", "semver", "7.0.0", "MEDIUM" },
		{ "npm", "node-fetch", "2.0.0", "HIGH" },
		{ "PyPI", "urllib3", "2.0.0", "MEDIUM MEDIUM" },
		{ "PyPI", "requests", "2.30.0", "MEDIUM MEDIUM" },
		{ "PyPI", "jinja2", "3.0.0", "MEDIUM MEDIUM" },
		{ "PyPI", "cryptography", "38.0.0", "HIGH" },
		{ "npm", "axios", "1.4.0", "HIGH MODERATE" },
	};
	ld_osv_db *db = load(GITHUB_DIR);
	LD_REQUIRE(db);
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
		ld_osv_matches m;
		ld_buf got = LD_BUF_INIT;
		if (ld_osv_match(db, pkgs[i][0], pkgs[i][1], pkgs[i][2], &m) < 0)
			continue;
		for (size_t k = 0; k < m.count; k++)
			ld_buf_printf(&got, "%s%s", k ? " " : "", m.items[k].severity_label);
		if (strcmp(got.ptr, pkgs[i][3]))
			ld_test_fail(__FILE__, __LINE__, "%s: got %s, expected %s", pkgs[i][1], got.ptr,
				     pkgs[i][3]);
		ld_osv_matches_dispose(&m);
		ld_buf_dispose(&got);
	}
	ld_osv_db_free(db);
}


/* ---- OSV API ---- */

/* A scripted OSV API: lodash has two advisories over two pages, axios one that exists and
 * one that 404s; GHSA-35jh answers 503 the first time; `status` forces querybatch. */
typedef struct {
	ld_transport base;
	int fail_35jh;
	long status;
	bool short_results;
	size_t posts, gets;
	ld_buf bodies;
} fakeapi;

static const char *fake_result(const ld_json *q)
{
	const char *name = ld_json_get_str(ld_json_get(q, "package"), "name");
	const char *token = ld_json_get_str(q, "page_token");
	if (name && !strcmp(name, "lodash"))
		return token ? "{\"vulns\":[{\"id\":\"GHSA-p6mc-m468-83gw\"}]}"
			     : "{\"vulns\":[{\"id\":\"GHSA-p6mc-m468-83gw\"},{\"id\":"
			       "\"GHSA-35jh-r3h4-6jhm\"}],\"next_page_token\":\"t1\"}";
	if (name && !strcmp(name, "axios"))
		return "{\"vulns\":[{\"id\":\"GHSA-wf5p-g6vw-rhxx\"},{\"id\":\"GHSA-0000-gone\"}]}";
	return "{}";
}

static int fake_querybatch(fakeapi *f, const ld_http_request *req, ld_http_response *resp)
{
	ld_json *root = NULL;
	const ld_json *qs;
	int error = 0;

	f->posts++;
	ld_buf_put(&f->bodies, req->body, req->body_len);
	ld_buf_putc(&f->bodies, '\n');
	if (f->status) {
		resp->status = f->status;
		return ld_buf_puts(&resp->body, "{}");
	}
	if (ld_json_parse(&root, req->body, req->body_len, "fake") < 0)
		return LD_EINVALID;
	qs = ld_json_get(root, "queries");
	resp->status = 200;
	error = ld_buf_puts(&resp->body, "{\"results\":[");
	for (const ld_json *q = ld_json_first(qs); q && !f->short_results; q = ld_json_next(q))
		error = ld_buf_printf(&resp->body, "%s%s", q == ld_json_first(qs) ? "" : ",",
				      fake_result(q));
	ld_buf_puts(&resp->body, "]}");
	ld_json_free(root);
	return error;
}

static int fake_api_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp)
{
	fakeapi *f = (fakeapi *)t;
	const char *v = strstr(req->url, "/v1/vulns/");
	char path[256];
	char *data;
	size_t len = 0;

	if (!strcmp(req->method, "POST") && strstr(req->url, "/v1/querybatch"))
		return fake_querybatch(f, req, resp);
	f->gets++;
	if (!v || strcmp(req->method, "GET")) {
		resp->status = 400;
		return 0;
	}
	if (!strcmp(v + 10, "GHSA-35jh-r3h4-6jhm") && f->fail_35jh-- > 0) {
		resp->status = 503;
		return 0;
	}
	snprintf(path, sizeof(path), GITHUB_DIR "/%s.json", v + 10);
	if (!(data = ld_test_read_file(path, &len))) {
		resp->status = 404;
		return ld_buf_puts(&resp->body, "{\"code\":5}");
	}
	resp->status = 200;
	ld_buf_put(&resp->body, data, len);
	free(data);
	return 0;
}

static void fake_api_free(ld_transport *t)
{
	fakeapi *f = (fakeapi *)t;
	ld_buf_dispose(&f->bodies);
	free(f);
}

static fakeapi *fake_api_new(void)
{
	fakeapi *f = calloc(1, sizeof(*f));
	f->base.send = fake_api_send;
	f->base.free = fake_api_free;
	ld_buf_init(&f->bodies, LD_BUF_CAP_DEFAULT);
	return f;
}

static const ld_osv_query api_queries[] = {
	{ "npm", "lodash", "4.17.15" },
	{ "npm", "axios", "1.5.0" },
	{ "PyPI", "nothing-here", "1.0" },
};

static void test_osv__api_batches_pages_and_fetches(void)
{
	ld_osvapi_limits lim = LD_OSVAPI_LIMITS_INIT;
	ld_osvapi_stats st;
	ld_osv_db *db = NULL;
	fakeapi *f = fake_api_new();

	lim.retry_delay_ms = 0;
	f->fail_35jh = 1;
	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test/", api_queries, 3, &lim, &st), 0);
	LD_CHECK_INT(st.batches, 2);   /* the first page, then lodash's second */
	LD_CHECK_INT(st.ids, 4);
	LD_CHECK_INT(st.fetched, 3);
	LD_CHECK_INT(st.missing, 1);   /* GHSA-0000-gone: 404 */
	LD_CHECK_INT(st.known, 0);
	LD_CHECK_INT(st.requests, 7);  /* 2 POST, 4 GET, 1 retry after 503 */
	LD_CHECK(strstr(f->bodies.ptr, "{\"queries\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":"
				       "\"lodash\"},\"version\":\"4.17.15\"},") == f->bodies.ptr);
	LD_CHECK(strstr(f->bodies.ptr, "\n{\"queries\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":"
				       "\"lodash\"},\"version\":\"4.17.15\",\"page_token\":\"t1\"}]}\n") != NULL);
	EXPECT(db, "npm", "lodash", "4.17.15", "GHSA-35jh-r3h4-6jhm=4.17.21 GHSA-p6mc-m468-83gw=4.17.20");
	EXPECT(db, "npm", "axios", "1.5.0", "GHSA-wf5p-g6vw-rhxx=1.6.0");

	/* again: everything is known, nothing is fetched twice */
	f->posts = f->gets = 0;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), 0);
	LD_CHECK_INT(st.known, 3);
	LD_CHECK_INT(st.fetched, 0);
	LD_CHECK_INT(f->gets, 1);

	/* one query per batch: three first pages, one more for lodash */
	lim.batch_size = 1;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), 0);
	LD_CHECK_INT(st.batches, 4);
	ld_osv_db_free(db);
	ld_transport_free(&f->base);
}

static void test_osv__api_failures_are_errors(void)
{
	ld_osvapi_limits lim = LD_OSVAPI_LIMITS_INIT;
	ld_osvapi_stats st;
	ld_osv_db *db = NULL;
	fakeapi *f = fake_api_new();

	lim.retry_delay_ms = 0;
	LD_REQUIRE(ld_osv_db_new(&db, NULL) == 0);
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "ftp://osv.test", api_queries, 3, &lim, &st), LD_EUSAGE);
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test/?x=1", api_queries, 3, &lim, &st), LD_EUSAGE);
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, NULL, api_queries, 3, &lim, &st), LD_EUSAGE);
	f->status = 400;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "osv api answered 400 to querybatch") != NULL);
	LD_CHECK_INT(st.requests, 1);
	f->status = 503;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), LD_ENET);
	LD_CHECK_INT(st.requests, 3);  /* all attempts used */
	f->status = 0;
	f->short_results = true;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "0 results for 3 queries") != NULL);
	f->short_results = false;
	lim.max_pages = 1;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), LD_ELIMIT);
	lim = (ld_osvapi_limits)LD_OSVAPI_LIMITS_INIT;
	lim.retry_delay_ms = 0;
	lim.max_vulns = 2;
	LD_CHECK_INT(ld_osvapi_fetch(db, &f->base, "http://osv.test", api_queries, 3, &lim, &st), LD_ELIMIT);
	LD_CHECK(strstr(ld_error_last()->message, "more than 2 advisories") != NULL);
	LD_CHECK_INT(ld_osv_db_stats(db)->records, 1); /* GHSA-0000-gone counted, then GHSA-35jh */
	ld_osv_db_free(db);
	ld_transport_free(&f->base);
}

/* fixtures/osv/fake_osv_api.py on a free port; its pid, or -1. */
static pid_t start_fake_api(int *port)
{
	int fds[2];
	pid_t pid;
	FILE *f;

	if (pipe(fds) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", "fixtures/osv/fake_osv_api.py", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (pid < 0 || !f || fscanf(f, "%d", port) != 1) {
		if (pid > 0) {
			kill(pid, SIGTERM);
			waitpid(pid, NULL, 0);
		}
		pid = -1;
	}
	if (f)
		fclose(f);
	else
		close(fds[0]);
	return pid;
}

static void test_osv__api_over_http_against_a_local_fake(void)
{
	static const ld_osv_query qs[] = {
		{ "npm", "lodash", "4.17.15" }, { "npm", "Axios", "1.5.0" },
		{ "PyPI", "Jinja2", "3.1.3" }, { "PyPI", "urllib3", "2.0.3" },
		{ "npm", "left-pad", "1.3.0" },
	};
	ld_transport *t = NULL;
	ld_osv_db *db = NULL;
	ld_osvapi_stats st;
	char url[64];
	int port = 0;
	pid_t pid;

	setenv("NO_PROXY", "127.0.0.1", 1); /* a CI proxy must not see the loopback fake */
	LD_REQUIRE((pid = start_fake_api(&port)) > 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if (ld_transport_curl_new(&t, NULL) == 0 && ld_osv_db_new(&db, NULL) == 0) {
		LD_CHECK_INT(ld_osvapi_fetch(db, t, url, qs, 5, NULL, &st), 0);
		LD_CHECK_INT(st.ids, 8);     /* 2 each for lodash, axios, jinja2, urllib3 */
		LD_CHECK_INT(st.fetched, 8);
		LD_CHECK_INT(st.batches, 2); /* one advisory per page: two pages */
		EXPECT(db, "npm", "lodash", "4.17.15",
		       "GHSA-35jh-r3h4-6jhm=4.17.21 GHSA-p6mc-m468-83gw=4.17.20");
		EXPECT(db, "npm", "axios", "1.5.0", "GHSA-8hc4-vh64-cxmj=1.7.4 GHSA-wf5p-g6vw-rhxx=1.6.0");
		EXPECT(db, "PyPI", "jinja2", "3.1.3", "GHSA-h75v-3vvj-5mfj=3.1.4");
		EXPECT(db, "PyPI", "urllib3", "2.0.3", "GHSA-34jh-p97f-mpxf=2.2.2 GHSA-v845-jxx5-vc9f=2.0.6");
	}
	ld_osv_db_free(db);
	ld_transport_free(t);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

const ld_test ld_tests[] = {
	LD_TEST(test_osv__loads_the_github_sample),
	LD_TEST(test_osv__lodash),
	LD_TEST(test_osv__names_are_normalised),
	LD_TEST(test_osv__nuget_names_ignore_case),
	LD_TEST(test_osv__several_ranges_of_one_package),
	LD_TEST(test_osv__unknown_ecosystem_is_unevaluated),
	LD_TEST(test_osv__invalid_requests),
	LD_TEST(test_osv__synthetic_ranges),
	LD_TEST(test_osv__malformed_records_are_skipped),
	LD_TEST(test_osv__add_json_seam),
	LD_TEST(test_osv__directory_walk),
	LD_TEST(test_osv__limits),
	LD_TEST(test_osv__all_zip),
	LD_TEST(test_osv__a_path_without_records_is_refused),
	LD_TEST(test_osv__cvss3_scores),
	LD_TEST(test_osv__sample_severities_agree),
	LD_TEST(test_osv__api_batches_pages_and_fetches),
	LD_TEST(test_osv__api_failures_are_errors),
	LD_TEST(test_osv__api_over_http_against_a_local_fake),
	{ NULL, NULL },
};
