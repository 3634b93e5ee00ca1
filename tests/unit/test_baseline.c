/* Baselines end to end in the library: a JSON report of fixtures/inventory/cli-basic.json
 * becomes a baseline (ld_baseline_create), is loaded back, and applied to later runs:
 * accepted findings hidden, expired ones shown again, entries that match nothing listed as
 * stale only within the run's scope, new findings untouched; and every malformed baseline
 * refused with a message naming the file and the JSON path. */
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "lambdrift/baseline.h"
#include "lambdrift/errors.h"
#include "lambdrift/report.h"
#include "report/baseline.h"
#include "report/report.h"

#define INVENTORY "fixtures/inventory/cli-basic.json"
#define DAY 86400
#define NOW 1795564800 /* 2026-11-25 */

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];
	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/ld-baseline-XXXXXX");
		if (!mkdtemp(tmpdir))
			return NULL;
	}
	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	return p;
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

typedef struct {
	ld_inventory inv;
	ld_findings findings;
	ld_runtime_table rt;
} run;

/* Scan the fixture, keeping only functions matching `glob` (NULL: all). */
static bool scan(run *s, const char *glob)
{
	ld_audit_opts ao = LD_AUDIT_OPTS_INIT;
	const char *globs[1] = { glob };

	memset(s, 0, sizeof(*s));
	if (ld_inventory_load(&s->inv, INVENTORY) < 0 || ld_runtime_table_default(&s->rt) < 0)
		return false;
	ld_inventory_filter(&s->inv, globs, glob ? 1 : 0);
	ao.runtimes = &s->rt;
	ao.now = NOW;
	return ld_audit_scan(&s->findings, &s->inv, &ao) == 0;
}

static void unscan(run *s)
{
	ld_findings_dispose(&s->findings);
	ld_runtime_table_dispose(&s->rt);
	ld_inventory_dispose(&s->inv);
}

/* Write the JSON report of a full scan to `path`. */
static bool report_file(const char *path)
{
	run s;
	ld_report r;
	ld_buf doc = LD_BUF_INIT;
	bool ok;

	if (!scan(&s, NULL))
		return false;
	memset(&r, 0, sizeof(r));
	r.command = "scan";
	r.started = "2026-11-25T00:00:00Z";
	r.inv = &s.inv;
	r.findings = &s.findings;
	ok = ld_report__json(&doc, &r) == 0 && write_file(path, doc.ptr);
	ld_buf_dispose(&doc);
	unscan(&s);
	return ok;
}

/* A baseline of the full scan, created on 2026-11-25 with these options. */
static bool make_baseline(ld_baseline *b, const char *reason, const char *expires)
{
	const char *report = tmp_path("report.json"), *path = tmp_path("baseline.json");
	ld_baseline_create_opts o = { reason, expires, NOW };
	ld_buf out = LD_BUF_INIT;
	bool ok = report_file(report) && ld_baseline_create(&out, NULL, report, &o) == 0 &&
		  write_file(path, out.ptr) && ld_baseline_load(b, path) == 0;

	ld_buf_dispose(&out);
	return ok;
}

/* A baseline of one entry, for `rule` on `function` in us-east-1, that no finding of the
 * fixture has: written to the temporary `name` and loaded. */
static bool one_entry_baseline(ld_baseline *b, const char *name, const char *rule,
			       const char *function)
{
	const char *path = tmp_path(name);
	char text[512];

	snprintf(text, sizeof(text), "{\"schema\": \"lambdrift/baseline/v1\", \"entries\": [\n"
		 " {\"fingerprint\": \"00112233445566778899aabbccddeeff\", \"rule\": \"%s\", "
		 "\"function\": \"%s\", \"region\": \"us-east-1\", \"reason\": \"why\"}]}\n",
		 rule, function);
	return path && write_file(path, text) && ld_baseline_load(b, path) == 0;
}

/* How many entries of `b` the run `s` leaves stale under `scope`; -1 when apply fails.
 * Applying takes the accepted findings out of `s`. */
static long stale_entries(run *s, const ld_baseline *b, const ld_baseline_scope *scope)
{
	ld_baseline_result res;
	long n;

	if (ld_baseline_apply(&res, &s->findings, b, scope) < 0)
		return -1;
	n = (long)res.nstale;
	ld_baseline_result_dispose(&res);
	return n;
}

static void test_baseline__create_and_load(void)
{
	ld_baseline b;
	run s;

	LD_REQUIRE(make_baseline(&b, NULL, NULL));
	LD_REQUIRE(scan(&s, NULL));
	LD_CHECK_INT(b.count, s.findings.count);
	for (size_t i = 0; i < b.count; i++) {
		LD_CHECK_STR(b.items[i].reason, LD_BASELINE_DEFAULT_REASON);
		LD_CHECK_STR(b.items[i].accepted, "2026-11-25");
		LD_CHECK(b.items[i].expires == NULL);
		LD_CHECK(b.items[i].message != NULL);
		if (i)
			LD_CHECK(strcmp(b.items[i - 1].rule, b.items[i].rule) <= 0);
	}
	/* every finding has its entry */
	for (size_t i = 0; i < s.findings.count; i++) {
		bool found = false;
		for (size_t k = 0; k < b.count; k++)
			found = found || !strcmp(b.items[k].fingerprint, s.findings.items[i].fingerprint);
		LD_CHECK(found);
	}
	unscan(&s);
	ld_baseline_dispose(&b);
	ld_baseline_dispose(&b); /* twice: disposed is zeroed */
}

static void test_baseline__hides_accepted(void)
{
	ld_baseline b;
	ld_baseline_result res;
	ld_baseline_scope scope = { "scan", NULL, 0, NULL, 0, true, NOW, false, NULL };
	run s;
	size_t n;

	LD_REQUIRE(make_baseline(&b, "accepted for the test", "2027-01-01"));
	LD_REQUIRE(scan(&s, NULL));
	n = s.findings.count;
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, &scope) == 0);
	LD_CHECK_INT(s.findings.count, 0);
	LD_CHECK_INT(res.suppressed.count, n);
	LD_CHECK_INT(res.nexpired, 0);
	LD_CHECK_INT(res.nstale, 0);
	LD_CHECK(res.stale_known);
	LD_CHECK_STR(res.path, b.path);
	for (size_t i = 0; i < res.suppressed.count; i++)
		LD_CHECK_STR(res.suppressed_by[i]->fingerprint, res.suppressed.items[i].fingerprint);
	/* the suppressed list keeps the report's order (severity first) */
	LD_CHECK(res.suppressed.items[0].severity == LD_SEV_ERROR);
	ld_baseline_result_dispose(&res);
	unscan(&s);
	ld_baseline_dispose(&b);
}

static void test_baseline__expired_resurface(void)
{
	ld_baseline b;
	ld_baseline_result res;
	ld_baseline_scope scope = { "scan", NULL, 0, NULL, 0, true, NOW + 6 * DAY, false, NULL };
	run s;
	size_t n;

	LD_REQUIRE(make_baseline(&b, "until december", "2026-12-01"));
	/* the day before the expiry date: still hidden */
	LD_REQUIRE(scan(&s, NULL));
	n = s.findings.count;
	scope.now = NOW + 5 * DAY; /* 2026-11-30 */
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, &scope) == 0);
	LD_CHECK_INT(s.findings.count, 0);
	ld_baseline_result_dispose(&res);
	unscan(&s);
	/* on the expiry date: reported again, each with its expired entry */
	LD_REQUIRE(scan(&s, NULL));
	scope.now = NOW + 6 * DAY;
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, &scope) == 0);
	LD_CHECK_INT(s.findings.count, n);
	LD_CHECK_INT(res.suppressed.count, 0);
	LD_CHECK_INT(res.nexpired, n);
	LD_CHECK_INT(res.nstale, 0);
	for (size_t i = 0; i < s.findings.count; i++) {
		const ld_baseline_entry *e = ld_baseline_expired_for(&res, s.findings.items[i].fingerprint);
		LD_CHECK(e && !strcmp(e->expires, "2026-12-01") && !strcmp(e->reason, "until december"));
	}
	LD_CHECK(ld_baseline_expired_for(&res, "00000000000000000000000000000000") == NULL);
	ld_baseline_result_dispose(&res);
	unscan(&s);
	ld_baseline_dispose(&b);
}

/* Runs that could not have matched an entry do not call it stale. */
static void test_baseline__stale_within_scope(void)
{
	const char *only_b[] = { "b*" }, *us[] = { "us-east-1" };
	ld_baseline b;
	ld_baseline_result res;
	ld_baseline_scope scope = { "scan", NULL, 0, NULL, 0, true, NOW, false, NULL };
	run s;

	LD_REQUIRE(make_baseline(&b, "ok", NULL));
	/* billing only (4 findings); canary and resizer's 3 entries match nothing */
	LD_REQUIRE(scan(&s, "b*"));
	LD_CHECK_INT(s.findings.count, 4);
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, &scope) == 0);
	LD_CHECK_INT(res.suppressed.count, 4);
	LD_CHECK_INT(res.nstale, 3);
	for (size_t i = 0; i < res.nstale; i++)
		LD_CHECK_STR(res.stale[i]->region, "eu-west-1");
	ld_baseline_result_dispose(&res);
	unscan(&s);
	/* ... but not when the run was filtered to billing, or to its region */
	scope.function_globs = only_b;
	scope.nglobs = 1;
	LD_REQUIRE(scan(&s, "b*"));
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 0);
	unscan(&s);
	scope.function_globs = NULL;
	scope.nglobs = 0;
	scope.regions = us;
	scope.nregions = 1;
	LD_REQUIRE(scan(&s, "b*"));
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 0);
	unscan(&s);
	/* ... nor when data was missing */
	scope.regions = NULL;
	scope.nregions = 0;
	scope.complete = false;
	LD_REQUIRE(scan(&s, "b*"));
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, &scope) == 0);
	LD_CHECK_INT(res.nstale, 0);
	LD_CHECK(!res.stale_known);
	LD_CHECK_INT(res.suppressed.count, 4);
	ld_baseline_result_dispose(&res);
	unscan(&s);
	ld_baseline_dispose(&b);
}

/* A verify rule's entry is never stale in a scan, which does not run that rule. */
static void test_baseline__rule_scope(void)
{
	ld_baseline b;
	ld_baseline_result res;
	ld_baseline_scope scope = { "scan", NULL, 0, NULL, 0, true, NOW, false, NULL };
	run s;

	LD_REQUIRE(one_entry_baseline(&b, "verify-entry.json", "code-drift", "orders-api"));
	LD_REQUIRE(scan(&s, NULL));
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, &scope) == 0);
	LD_CHECK_INT(res.nstale, 0);
	LD_CHECK_INT(res.suppressed.count, 0);
	ld_baseline_result_dispose(&res);
	scope.command = "verify";
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 1);
	unscan(&s);
	ld_baseline_dispose(&b);
}

/* Where a rule runs comes from ld_rules[] alone: every rule a scan produces on the fixtures
 * is one JUnit gives a passing case in a scan and whose baseline entries a scan can find
 * stale, and every rule the table calls a scan rule fires on one of them, so a rule cannot
 * join the scan (or the table) without both. The posture rules were once missing from a
 * copy of the list here. */
static void test_baseline__scan_rules_from_table(void)
{
	static const char *const fixtures[] = {
		"fixtures/inventory/cli-basic.json", "fixtures/inventory/scan.json",
		"fixtures/inventory/iam.json", "fixtures/inventory/policy.json",
		"fixtures/inventory/env.json", "fixtures/inventory/signing.json"
	};
	bool fired[64] = { false };
	size_t n = ld_rule_count();

	LD_REQUIRE(n <= sizeof(fired) / sizeof(fired[0]));
	LD_REQUIRE(n <= LD_RULES_MAX); /* ld_unchecked.rules holds a bit per rule */
	for (size_t k = 0; k < sizeof(fixtures) / sizeof(fixtures[0]); k++) {
		ld_audit_opts ao = LD_AUDIT_OPTS_INIT;
		ld_inventory inv;
		ld_findings f;

		memset(&f, 0, sizeof(f));
		ld_inventory_init(&inv);
		LD_REQUIRE(ld_inventory_load(&inv, fixtures[k]) == 0);
		ao.now = NOW;
		LD_REQUIRE(ld_audit_scan(&f, &inv, &ao) == 0);
		for (size_t i = 0; i < f.count; i++) {
			const ld_rule_info *r = ld_rule_find(f.items[i].rule);
			LD_REQUIRE(r != NULL);
			LD_CHECK(ld_report__rule_runs("scan", r->slug, 0));
			fired[r - ld_rules] = true;
		}
		ld_findings_dispose(&f);
		ld_inventory_dispose(&inv);
	}
	for (size_t i = 0; i < n; i++) {
		const ld_rule_info *r = &ld_rules[i];
		bool scan = r->runs == LD_RULE_RUNS_SCAN;

		if (r->runs < LD_RULE_RUNS_SCAN || r->runs > LD_RULE_RUNS_ADVISORIES)
			ld_test_fail(__FILE__, __LINE__, "%s: runs %d", r->slug, (int)r->runs);
		if (fired[i] != scan)
			ld_test_fail(__FILE__, __LINE__, "%s: %s on the fixtures, but runs %d",
				     r->slug, fired[i] ? "fires" : "never fires", (int)r->runs);
		LD_CHECK(ld_report__rule_runs("scan", r->slug, 0) == scan);
		LD_CHECK(ld_report__rule_runs("scan", r->slug, LD_CHECKS_ATTESTED) ==
			 (scan || r->runs == LD_RULE_RUNS_ATTESTED));
		LD_CHECK(ld_report__rule_runs("verify", r->slug, LD_CHECKS_ATTESTED) ==
			 (r->runs == LD_RULE_RUNS_SCAN || r->runs == LD_RULE_RUNS_VERIFY));
		/* the dependency rules: only where the dependency checks ran */
		LD_CHECK(ld_report__rule_runs("verify", r->slug, LD_CHECKS_DEPS) ==
			 (r->runs != LD_RULE_RUNS_ATTESTED && r->runs != LD_RULE_RUNS_ADVISORIES));
		LD_CHECK(ld_report__rule_runs("scan", r->slug, LD_CHECKS_DEPS | LD_CHECKS_ADVISORIES) ==
			 (scan || r->runs == LD_RULE_RUNS_DEPS || r->runs == LD_RULE_RUNS_ADVISORIES));
	}
	/* what each dependency rule needs, by name, so a table edit is seen here */
	LD_CHECK(ld_report__rule_runs("scan", "layer-outdated", LD_CHECKS_DEPS));
	LD_CHECK(!ld_report__rule_runs("scan", "dependency-vulnerable", LD_CHECKS_DEPS));
	LD_CHECK(!ld_report__rule_runs("scan", "dependency-drift",
				       LD_CHECKS_DEPS | LD_CHECKS_ADVISORIES));
	LD_CHECK(ld_report__rule_runs("verify", "dependency-drift", LD_CHECKS_DEPS));
	LD_CHECK(!ld_report__rule_runs("verify", "layer-outdated", LD_CHECKS_ADVISORIES));
	LD_CHECK(!ld_report__rule_runs("scan", "no-such-rule", 0));
	LD_CHECK(!ld_report__rule_runs("scan", NULL, 0));
}

/* A posture rule's entry that matches nothing is stale in a scan, which runs the rule, but
 * not when --skip-rule (or a --rule that leaves it out) kept the rule from running. */
static void test_baseline__posture_entry_stale_unless_skipped(void)
{
	const char *skip[] = { "role-*" }, *only[] = { "alias-*" }, *other[] = { "env-*" };
	ld_rule_selection skipped = { NULL, 0, skip, 1 }, left_out = { only, 1, NULL, 0 },
			  unrelated = { NULL, 0, other, 1 };
	ld_baseline b;
	ld_baseline_scope scope = { "scan", NULL, 0, NULL, 0, true, NOW, false, NULL };
	run s;

	LD_REQUIRE(one_entry_baseline(&b, "posture-entry.json", "role-overprivileged", "billing"));
	LD_REQUIRE(scan(&s, NULL));
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 1);
	scope.rules = &unrelated;
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 1);
	scope.rules = &skipped;
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 0);
	scope.rules = &left_out;
	LD_CHECK_INT(stale_entries(&s, &b, &scope), 0);
	unscan(&s);
	ld_baseline_dispose(&b);
}

/* A baseline made before a new finding appeared hides the old ones only. */
static void test_baseline__new_finding_stays(void)
{
	const char *path = tmp_path("partial.json");
	ld_baseline b;
	ld_baseline_result res;
	run s;
	char text[1024];

	LD_REQUIRE(scan(&s, NULL));
	snprintf(text, sizeof(text), "{\"schema\": \"lambdrift/baseline/v1\", \"entries\": [\n"
		 " {\"fingerprint\": \"%s\", \"rule\": \"%s\", \"reason\": \"known\"}]}\n",
		 s.findings.items[0].fingerprint, s.findings.items[0].rule);
	LD_REQUIRE(write_file(path, text));
	LD_REQUIRE(ld_baseline_load(&b, path) == 0);
	LD_REQUIRE(ld_baseline_apply(&res, &s.findings, &b, NULL) == 0);
	LD_CHECK_INT(res.suppressed.count, 1);
	LD_CHECK_INT(s.findings.count, 6);
	ld_baseline_result_dispose(&res);
	unscan(&s);
	ld_baseline_dispose(&b);
}

/* Re-creating a baseline from a report made with one keeps the suppressed entries. */
static void test_baseline__create_carries_over(void)
{
	const char *report = tmp_path("baselined-report.json");
	ld_baseline_create_opts o = { "new ones", "2027-06-01", NOW };
	ld_buf out = LD_BUF_INIT;
	size_t n = 0;

	LD_REQUIRE(write_file(report,
		"{\"schema\": \"lambdrift/report/v1\", \"run\": {\"command\": \"scan\"},\n"
		" \"findings\": [{\"rule\": \"unpublished\", \"severity\": \"warning\",\n"
		"   \"function\": \"f\", \"region\": \"us-east-1\", \"qualifier\": null,\n"
		"   \"message\": \"m\", \"evidence\": null,\n"
		"   \"fingerprint\": \"ffffffffffffffffffffffffffffffff\"}],\n"
		" \"baseline\": {\"file\": \"old.json\", \"suppressed\": [\n"
		"   {\"fingerprint\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"rule\": \"alias-split\",\n"
		"    \"function\": \"g\", \"region\": \"us-east-1\", \"qualifier\": \"live\",\n"
		"    \"message\": null, \"reason\": \"canary OPS-1\", \"expires\": \"2027-01-31\",\n"
		"    \"accepted\": \"2026-10-01\"}]}}\n"));
	LD_REQUIRE(ld_baseline_create(&out, &n, report, &o) == 0);
	LD_CHECK_INT(n, 2);
	LD_CHECK(strstr(out.ptr, "\"schema\": \"lambdrift/baseline/v1\""));
	/* sorted by rule: the carried alias-split entry first, with its own reason and dates */
	LD_CHECK(strstr(out.ptr, "\"fingerprint\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\n"
				 "      \"rule\": \"alias-split\""));
	LD_CHECK(strstr(out.ptr, "\"reason\": \"canary OPS-1\",\n      \"expires\": \"2027-01-31\",\n"
				 "      \"accepted\": \"2026-10-01\""));
	LD_CHECK(strstr(out.ptr, "\"reason\": \"new ones\",\n      \"expires\": \"2027-06-01\",\n"
				 "      \"accepted\": \"2026-11-25\""));
	LD_CHECK(strstr(out.ptr, "aaaaaaaa") < strstr(out.ptr, "ffffffff"));
	ld_buf_dispose(&out);
}

static void expect_create_error(const char *report, const char *reason, const char *expires,
				const char *message_part)
{
	ld_baseline_create_opts o = { reason, expires, NOW };
	ld_buf out = LD_BUF_INIT;
	int error = ld_baseline_create(&out, NULL, report, &o);

	LD_CHECK_INT(error, LD_EUSAGE);
	if (!strstr(ld_error_last()->message, message_part))
		ld_test_fail(__FILE__, __LINE__, "message '%s' lacks '%s'", ld_error_last()->message,
			     message_part);
	ld_buf_dispose(&out);
}

static void test_baseline__create_errors(void)
{
	const char *report = tmp_path("r.json"), *notreport = tmp_path("inv.json");

	LD_REQUIRE(report_file(report));
	LD_REQUIRE(write_file(notreport, "{\"schema\": \"lambdrift/inventory/v1\"}"));
	expect_create_error(report, NULL, "2026-11-25", "--expires '2026-11-25' is not after today");
	expect_create_error(report, NULL, "2026-02-30", "is not a YYYY-MM-DD date");
	expect_create_error(report, "two\nlines", NULL, "--reason must be one line");
	expect_create_error(report, "", NULL, "--reason must be one line");
	expect_create_error(notreport, NULL, NULL, "inv.json: schema: expected \"lambdrift/report/v1\"");
	expect_create_error(tmp_path("missing.json"), NULL, NULL, "cannot open the JSON report");
}

static void expect_load_error(const char *text, const char *message_part)
{
	const char *path = tmp_path("bad.json");
	ld_baseline b;

	LD_REQUIRE(write_file(path, text));
	LD_CHECK_INT(ld_baseline_load(&b, path), LD_EUSAGE);
	if (!strstr(ld_error_last()->message, message_part))
		ld_test_fail(__FILE__, __LINE__, "message '%s' lacks '%s'", ld_error_last()->message,
			     message_part);
	LD_CHECK(b.items == NULL && b.count == 0);
}

#define FP "\"fingerprint\": \"00112233445566778899aabbccddeeff\""
#define HEAD "{\"schema\": \"lambdrift/baseline/v1\", \"entries\": ["

static void test_baseline__load_errors(void)
{
	expect_load_error("not json", "malformed JSON");
	expect_load_error("[]", "top level: expected a baseline object");
	expect_load_error("{\"schema\": \"x\", \"entries\": []}", "schema: expected \"lambdrift/baseline/v1\"");
	expect_load_error("{\"schema\": \"lambdrift/baseline/v1\"}", "entries: expected an array");
	expect_load_error("{\"schema\": \"lambdrift/baseline/v1\", \"entries\": [], \"extra\": 1}",
			  "top level: unknown key \"extra\"");
	expect_load_error(HEAD "{\"fingerprint\": \"XYZ\", \"rule\": \"a\", \"reason\": \"r\"}]}",
			  "entries[0].fingerprint: expected 32 lowercase hex digits");
	expect_load_error(HEAD "{" FP ", \"rule\": \"a\"}]}", "entries[0].reason: expected why");
	expect_load_error(HEAD "{" FP ", \"rule\": \"a\", \"reason\": \"\"}]}", "entries[0].reason");
	expect_load_error(HEAD "{" FP ", \"reason\": \"r\"}]}", "entries[0].rule: expected the rule");
	expect_load_error(HEAD "{" FP ", \"rule\": \"a\", \"reason\": \"r\", \"expires\": \"tomorrow\"}]}",
			  "entries[0].expires: 'tomorrow' is not a YYYY-MM-DD date");
	expect_load_error(HEAD "{" FP ", \"rule\": \"a\", \"reason\": \"r\", \"note\": 1}]}",
			  "entries[0]: unknown key \"note\"");
	expect_load_error(HEAD "{" FP ", \"rule\": \"a\", \"reason\": \"r\"}, 3]}",
			  "entries[1]: expected an object");
	expect_load_error(HEAD "{" FP ", \"rule\": \"a\", \"reason\": \"r\"},"
			  "{" FP ", \"rule\": \"b\", \"reason\": \"r\"}]}",
			  "entries[1].fingerprint: 00112233445566778899aabbccddeeff is already entries[0]");
	expect_load_error(HEAD "{" FP ", \"rule\": 7, \"reason\": \"r\"}]}",
			  "entries[0].rule: expected a string or null");
}

static void test_baseline__cleanup(void)
{
	char cmd[128];
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		LD_CHECK(system(cmd) == 0);
	}
}

const ld_test ld_tests[] = {
	LD_TEST(test_baseline__create_and_load),
	LD_TEST(test_baseline__hides_accepted),
	LD_TEST(test_baseline__expired_resurface),
	LD_TEST(test_baseline__stale_within_scope),
	LD_TEST(test_baseline__rule_scope),
	LD_TEST(test_baseline__scan_rules_from_table),
	LD_TEST(test_baseline__posture_entry_stale_unless_skipped),
	LD_TEST(test_baseline__new_finding_stays),
	LD_TEST(test_baseline__create_carries_over),
	LD_TEST(test_baseline__create_errors),
	LD_TEST(test_baseline__load_errors),
	LD_TEST(test_baseline__cleanup),
	{ NULL, NULL }
};
