/* The scan rules over fixtures/inventory/scan.json (each rule fires exactly where expected,
 * a clean function yields nothing), runtime dates around the horizon, the runtime table
 * loader, fingerprints, severities and the finding sort order. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/findings.h"
#include "util/date.h"
#include "harness.h"
#include "inventory/build.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "util/hash.h"

/* 2026-06-02T12:00:00Z, the date the shipped runtime table is "as of". */
#define NOW ((time_t)1780401600)

static int count_rule(const ld_findings *f, const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < f->count; i++)
		n += !strcmp(f->items[i].rule, rule);
	return n;
}

static const ld_finding *find(const ld_findings *f, const char *rule, const char *function)
{
	for (size_t i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].rule, rule) && !strcmp(f->items[i].function, function))
			return &f->items[i];
	return NULL;
}

static int count_function(const ld_findings *f, const char *function)
{
	int n = 0;
	for (size_t i = 0; i < f->count; i++)
		n += !strcmp(f->items[i].function, function);
	return n;
}

static int scan_fixture(ld_inventory *inv, ld_findings *out)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = ld_inventory_load(inv, "fixtures/inventory/scan.json")) < 0)
		return error;
	opts.now = NOW;
	return ld_audit_scan(out, inv, &opts);
}

static void check_contains(const char *haystack, const char *needle, int line)
{
	if (!haystack || !strstr(haystack, needle))
		ld_test_fail(__FILE__, line, "'%s' lacks '%s'", haystack ? haystack : "(null)", needle);
}
#define CHECK_CONTAINS(h, n) check_contains((h), (n), __LINE__)

static void test_rules__each_fires_where_expected(void)
{
	ld_inventory inv;
	ld_findings f;
	const ld_finding *x;

	LD_REQUIRE(scan_fixture(&inv, &f) == 0);
	for (size_t i = 0; i < f.count; i++)
		fprintf(stderr, "  %-8s %-20s %-13s %-8s %s\n", ld_severity_name(f.items[i].severity),
			f.items[i].rule, f.items[i].function,
			f.items[i].qualifier ? f.items[i].qualifier : "-", f.items[i].message);
	LD_CHECK_INT(f.count, 11);
	LD_CHECK_INT(count_function(&f, "clean"), 0);
	LD_CHECK_INT(count_function(&f, "image-fn"), 0);

	LD_REQUIRE((x = find(&f, "alias-unpinned", "unpinned")));
	LD_CHECK_INT(x->severity, LD_SEV_ERROR);
	LD_CHECK_STR(x->qualifier, "live");
	LD_CHECK_INT(count_rule(&f, "alias-unpinned"), 1);

	LD_REQUIRE((x = find(&f, "alias-split", "split")));
	LD_CHECK_INT(x->severity, LD_SEV_WARNING);
	LD_CHECK_STR(x->qualifier, "live");
	CHECK_CONTAINS(x->message, "75% to version 1");
	CHECK_CONTAINS(x->message, "25% to version 2");
	LD_CHECK_INT(count_rule(&f, "alias-split"), 1);

	LD_CHECK_INT(count_rule(&f, "latest-drift"), 3);
	LD_REQUIRE((x = find(&f, "latest-drift", "drift-code")));
	LD_CHECK_STR(x->qualifier, "$LATEST");
	CHECK_CONTAINS(x->message, "after version 2 was published: code changed;");
	LD_CHECK(strstr(x->message, "config") == NULL);
	LD_CHECK_STR(x->evidence, "{\"code_changed\":true,\"config_fields\":[],\"published_version\":\"2\"}");
	LD_REQUIRE((x = find(&f, "latest-drift", "drift-config")));
	CHECK_CONTAINS(x->message, "config changed: Environment, MemorySize;");
	LD_CHECK(strstr(x->message, "code") == NULL);
	LD_CHECK(strstr(x->message, "TOKEN") == NULL && strstr(x->message, "hmac") == NULL);
	LD_CHECK_STR(x->evidence, "{\"code_changed\":false,\"config_fields\":[\"Environment\","
		     "\"MemorySize\"],\"published_version\":\"1\"}");
	LD_REQUIRE((x = find(&f, "latest-drift", "drift-both")));
	CHECK_CONTAINS(x->message, "code changed; config changed: Timeout;");

	LD_REQUIRE((x = find(&f, "unpublished", "nopub")));
	LD_CHECK_INT(x->severity, LD_SEV_WARNING);
	LD_CHECK_INT(count_rule(&f, "unpublished"), 1);

	LD_CHECK_INT(count_rule(&f, "runtime-deprecated"), 2);
	LD_REQUIRE((x = find(&f, "runtime-deprecated", "old-runtime")));
	LD_CHECK_STR(x->qualifier, "$LATEST");
	LD_CHECK_STR(x->message, "python3.8 was deprecated on 2024-10-14; creating functions blocked "
		     "from 2027-02-01; updates blocked from 2027-03-03");
	CHECK_CONTAINS(x->evidence, "\"table_source\":\"AWS Lambda runtimes page");
	LD_REQUIRE((x = find(&f, "runtime-deprecated", "served-old")));
	LD_CHECK_STR(x->qualifier, "1");
	CHECK_CONTAINS(x->message, "version 1 (alias live): python3.9 was deprecated on 2025-12-15");
	LD_CHECK_INT(count_rule(&f, "runtime-deprecating"), 0);

	LD_REQUIRE((x = find(&f, "runtime-unknown", "unknown-rt")));
	LD_CHECK_STR(x->qualifier, "$LATEST");
	CHECK_CONTAINS(x->message, "python9.9");
	LD_CHECK_INT(count_rule(&f, "runtime-unknown"), 1);

	LD_CHECK_INT(count_rule(&f, "trigger-unqualified"), 2);
	LD_REQUIRE((x = find(&f, "trigger-unqualified", "triggered")));
	LD_CHECK_STR(x->qualifier, "$LATEST");
	for (size_t i = 0; i < f.count; i++) {
		if (strcmp(f.items[i].rule, "trigger-unqualified"))
			continue;
		if (strstr(f.items[i].message, "11111111-")) {
			CHECK_CONTAINS(f.items[i].message, "arn:aws:sqs:us-east-1:123456789012:orders");
			CHECK_CONTAINS(f.items[i].message, "the unqualified function ARN");
		} else {
			CHECK_CONTAINS(f.items[i].message, "33333333-3333-3333-3333-333333333333");
			CHECK_CONTAINS(f.items[i].message, "invokes $LATEST");
		}
	}
	/* severity first */
	for (size_t i = 1; i < f.count; i++)
		LD_CHECK(f.items[i - 1].severity >= f.items[i].severity);
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
}

static void test_rules__filter_drops_triggers_and_findings(void)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	const char *globs[] = { "clean", "image-*" };
	ld_inventory inv;
	ld_findings f = { 0 };

	LD_REQUIRE(ld_inventory_load(&inv, "fixtures/inventory/scan.json") == 0);
	ld_inventory_filter(&inv, globs, 2);
	opts.now = NOW;
	LD_CHECK(ld_audit_scan(&f, &inv, &opts) == 0);
	LD_CHECK_INT(f.count, 0);
	LD_CHECK_INT(inv.ntriggers, 1); /* the mapping to clean:1 */
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
}

static void test_rules__fingerprints_are_stable(void)
{
	ld_inventory inv;
	ld_findings a, b;
	ld_finding_id id = { "latest-drift", LD_SEV_ERROR, "1", "r", "f", "$LATEST", "2", 0 };
	ld_findings c = { 0 };
	char fp[33], hex[65];

	LD_REQUIRE(scan_fixture(&inv, &a) == 0);
	ld_inventory_dispose(&inv);
	LD_REQUIRE(scan_fixture(&inv, &b) == 0);
	LD_REQUIRE(a.count == b.count);
	for (size_t i = 0; i < a.count; i++) {
		LD_CHECK_STR(a.items[i].fingerprint, b.items[i].fingerprint);
		LD_CHECK_INT(strlen(a.items[i].fingerprint), 32);
		for (size_t j = 0; j < i; j++)
			LD_CHECK(strcmp(a.items[i].fingerprint, a.items[j].fingerprint) != 0);
	}
	ld_finding_fingerprint(fp, &id);
	ld_sha256_hex(hex, "latest-drift\0" "1\0r\0f\0$LATEST\0" "2", 28);
	hex[32] = '\0';
	LD_CHECK_STR(fp, hex);
	/* the message is not part of it */
	LD_CHECK(ld_findings_add(&c, &id, NULL, "one %s", "wording") == 0);
	LD_CHECK(ld_findings_add(&c, &id, "{}", "another\nwording") == 0);
	LD_REQUIRE(c.count == 2);
	LD_CHECK_STR(c.items[0].fingerprint, c.items[1].fingerprint);
	LD_CHECK_STR(c.items[1].message, "another wording");
	{
		char long_text[5000];
		memset(long_text, 'x', sizeof(long_text) - 1);
		long_text[sizeof(long_text) - 1] = '\0';
		LD_CHECK(ld_findings_add(&c, &id, NULL, "%s", long_text) == 0);
		LD_CHECK_STR(c.items[2].message, "(message too long)");
	}
	ld_findings_dispose(&c);
	ld_findings_dispose(&c);
	ld_findings_dispose(&a);
	ld_findings_dispose(&b);
	ld_inventory_dispose(&inv);
}

/* YYYY-MM-DD of NOW + days. */
static void date_in(char out[11], long days)
{
	time_t t = NOW + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void add_fn(ld_inventory *inv, const char *name, const char *runtime)
{
	ld_function *fn = ld_inventory_function(inv, "us-east-1", name, NULL);
	ld_version *v;
	ld_alias *a;

	for (int i = 0; i < 2; i++) {
		v = ld_function_add_version(fn);
		v->version = strdup(i ? "1" : "$LATEST");
		v->runtime = strdup(runtime);
		v->code_sha256 = strdup("same");
		ld_version_digest(v);
	}
	a = ld_function_add_alias(fn);
	a->name = strdup("live");
	a->function_version = strdup("1");
}

static void test_rules__runtime_horizon(void)
{
	static const struct { const char *name; long days; const char *rule; } cases[] = {
		{ "rt-yesterday", -1, "runtime-deprecated" },
		{ "rt-today", 0, "runtime-deprecated" },
		{ "rt-h-minus-1", 179, "runtime-deprecating" },
		{ "rt-horizon", 180, "runtime-deprecating" },
		{ "rt-h-plus-1", 181, NULL },
		{ "rt-nodates", 0, NULL },
	};
	ld_runtime items[6];
	ld_runtime_table table = { items, 6, "test table" };
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	char dates[6][11];
	ld_inventory inv;
	ld_findings f = { 0 };

	memset(items, 0, sizeof(items));
	ld_inventory_init(&inv);
	for (size_t i = 0; i < 6; i++) {
		date_in(dates[i], cases[i].days);
		items[i].identifier = (char *)cases[i].name;
		items[i].deprecation = i < 5 ? dates[i] : NULL;
		add_fn(&inv, cases[i].name, cases[i].name);
	}
	items[0].block_create = "2000-01-01";
	items[3].block_update = "2999-01-01";
	opts.runtimes = &table;
	opts.now = NOW;
	LD_CHECK_INT(opts.horizon_days, 180);
	LD_REQUIRE(ld_audit_scan(&f, &inv, &opts) == 0);
	LD_CHECK_INT(f.count, 4);
	for (size_t i = 0; i < 6; i++) {
		const ld_finding *x = NULL;
		for (size_t j = 0; j < f.count; j++)
			if (!strcmp(f.items[j].function, cases[i].name))
				x = &f.items[j];
		if (!cases[i].rule) {
			LD_CHECK(x == NULL);
			continue;
		}
		LD_REQUIRE(x != NULL);
		LD_CHECK_STR(x->rule, cases[i].rule);
		LD_CHECK_STR(x->qualifier, "$LATEST");
		CHECK_CONTAINS(x->message, dates[i]);
	}
	CHECK_CONTAINS(find(&f, "runtime-deprecated", "rt-yesterday")->message,
		       "; creating functions blocked since 2000-01-01");
	CHECK_CONTAINS(find(&f, "runtime-deprecating", "rt-horizon")->message,
		       "(in 180 days); updates blocked from 2999-01-01");
	CHECK_CONTAINS(find(&f, "runtime-deprecating", "rt-h-minus-1")->message, "(in 179 days)");
	ld_findings_dispose(&f);
	opts.horizon_days = 0; /* no warning window: only past deadlines */
	LD_REQUIRE(ld_audit_scan(&f, &inv, &opts) == 0);
	LD_CHECK_INT(f.count, 2);
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
}

static void test_runtimes__default_table(void)
{
	ld_runtime_table t;
	const ld_runtime *r;

	LD_REQUIRE(ld_runtime_table_default(&t) == 0);
	LD_CHECK(t.count > 50);
	CHECK_CONTAINS(t.source, "as of 2026-06-02");
	LD_REQUIRE((r = ld_runtime_find(&t, "python3.8")));
	LD_CHECK_STR(r->deprecation, "2024-10-14");
	LD_CHECK_STR(r->block_create, "2027-02-01");
	LD_CHECK_STR(r->block_update, "2027-03-03");
	LD_REQUIRE((r = ld_runtime_find(&t, "nodejs26.x")));
	LD_CHECK(r->deprecation == NULL && r->block_create == NULL);
	LD_REQUIRE((r = ld_runtime_find(&t, "dotnet9")));
	LD_CHECK(r->deprecation != NULL && r->block_update == NULL);
	LD_CHECK(ld_runtime_find(&t, "identifier") == NULL);
	LD_CHECK(ld_runtime_find(&t, "cobol") == NULL);
	ld_runtime_table_dispose(&t);
	ld_runtime_table_dispose(&t);
}

static void expect_table_error(const char *text, const char *message)
{
	ld_runtime_table t;
	char path[64];
	int fd;

	strcpy(path, "/tmp/ld-test-rt-XXXXXX");
	LD_REQUIRE((fd = mkstemp(path)) >= 0);
	LD_REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	LD_CHECK_INT(ld_runtime_table_load(&t, path), LD_EUSAGE);
	CHECK_CONTAINS(ld_error_last()->message, path);
	CHECK_CONTAINS(ld_error_last()->message, message);
	LD_CHECK(t.items == NULL && t.count == 0);
	unlink(path);
}

static void test_runtimes__user_table(void)
{
	const char *good = "# source: our platform team; as of 2026-01-01\r\n"
			   "identifier\tos\tdeprecation_date\tblock_create_date\tblock_update_date\tsource\r\n"
			   "# a comment\n\n"
			   "python3.12\tAL2023\t2026-02-01\t\t\n"
			   "custom1\t\t2028-02-29\t2028-03-01\t2028-04-01\tinternal\n";
	ld_runtime_table t;
	char path[64];
	int fd;

	strcpy(path, "/tmp/ld-test-rt-XXXXXX");
	LD_REQUIRE((fd = mkstemp(path)) >= 0);
	LD_REQUIRE(write(fd, good, strlen(good)) == (ssize_t)strlen(good));
	close(fd);
	LD_REQUIRE(ld_runtime_table_load(&t, path) == 0);
	LD_CHECK_INT(t.count, 2);
	LD_CHECK_STR(t.source, "our platform team; as of 2026-01-01");
	LD_CHECK_STR(ld_runtime_find(&t, "python3.12")->deprecation, "2026-02-01");
	LD_CHECK(ld_runtime_find(&t, "python3.12")->block_update == NULL);
	LD_CHECK_STR(ld_runtime_find(&t, "custom1")->block_update, "2028-04-01");
	ld_runtime_table_dispose(&t);
	unlink(path);

	expect_table_error("a\tb\t2024-02-30\t\t\n", ":1: '2024-02-30' is not a YYYY-MM-DD date");
	expect_table_error("# x\na\tb\t2023-02-29\t\t\n", ":2: '2023-02-29' is not");
	expect_table_error("a\tb\t24-01-01\t\t\n", ":1: '24-01-01' is not");
	expect_table_error("a\tb\t2024-01-01\n", ":1: expected 5 or 6 tab-separated columns");
	expect_table_error("a\tb\t\t\t\tc\td\n", ":1: expected 5 or 6 tab-separated columns");
	expect_table_error("a\t\t\t\t\nb\t\t\t\t\na\t\t\t\t\n", ":3: runtime 'a' is listed twice");
	expect_table_error("# only comments\n", "no runtimes listed");
	LD_CHECK_INT(ld_runtime_table_load(&t, "/nonexistent/rt.tsv"), LD_EUSAGE);
	CHECK_CONTAINS(ld_error_last()->message, "cannot open the runtime table '/nonexistent/rt.tsv'");
}

static void test_dates(void)
{
	long d;
	LD_CHECK(ld_date_parse("1970-01-01", &d) && d == 0);
	LD_CHECK(ld_date_parse("2026-06-02", &d) && d == ld_date_of(NOW));
	LD_CHECK(ld_date_parse("2000-02-29", &d));
	LD_CHECK(!ld_date_parse("1900-02-29", &d));
	LD_CHECK(!ld_date_parse("2026-13-01", &d));
	LD_CHECK(!ld_date_parse("2026-6-02", &d));
	LD_CHECK(!ld_date_parse("2026-06-02x", &d));
	LD_CHECK_INT(ld_date_of((time_t)-1), -1);
}

static void test_findings__severity_and_catalogue(void)
{
	static const char *const slugs[] = {
		"alias-unpinned", "alias-split", "latest-drift", "unpublished", "trigger-unqualified",
		"runtime-deprecated", "runtime-deprecating", "runtime-unknown", "code-drift",
		"code-repackaged", "code-unverified", "package-integrity", "config-drift",
		"function-missing", "alias-missing", "layer-outdated"
	};
	ld_severity s = LD_SEV_NONE;

	LD_CHECK_STR(ld_severity_name(LD_SEV_ERROR), "error");
	LD_CHECK_STR(ld_severity_name(LD_SEV_NOTE), "note");
	LD_CHECK(ld_severity_parse(&s, "warning") == 0 && s == LD_SEV_WARNING);
	LD_CHECK(ld_severity_parse(&s, "none") == 0 && s == LD_SEV_NONE);
	LD_CHECK(ld_severity_parse(&s, "fatal") == LD_EUSAGE);
	CHECK_CONTAINS(ld_error_last()->message, "'fatal'");
	for (size_t i = 0; i < sizeof(slugs) / sizeof(slugs[0]); i++)
		LD_CHECK(ld_rule_severity(slugs[i]) != LD_SEV_NONE);
	LD_CHECK_INT(ld_rule_severity("code-repackaged"), LD_SEV_NOTE);
	LD_CHECK_INT(ld_rule_severity("runtime-unknown"), LD_SEV_WARNING);
	LD_CHECK_INT(ld_rule_severity("nope"), LD_SEV_NONE);
}

static void test_findings__sort(void)
{
	ld_findings f = { 0 };
	ld_finding_id a = { "unpublished", LD_SEV_WARNING, NULL, "us-east-1", "b", NULL, NULL, 0 };
	ld_finding_id b = { "latest-drift", LD_SEV_ERROR, NULL, "us-east-1", "z", "$LATEST", NULL, 0 };
	ld_finding_id c = { "alias-split", LD_SEV_WARNING, NULL, "eu-west-1", "z", "live", NULL, 0 };
	ld_finding_id d = { "alias-split", LD_SEV_WARNING, NULL, "us-east-1", "b", "live", NULL, 0 };

	ld_findings_add(&f, &a, NULL, "a");
	ld_findings_add(&f, &b, NULL, "b");
	ld_findings_add(&f, &c, NULL, "c");
	ld_findings_add(&f, &d, NULL, "d");
	ld_findings_sort(&f);
	LD_REQUIRE(f.count == 4);
	LD_CHECK_STR(f.items[0].message, "b");
	LD_CHECK_STR(f.items[1].message, "c");
	LD_CHECK_STR(f.items[2].message, "d");
	LD_CHECK_STR(f.items[3].message, "a");
	ld_findings_dispose(&f);
	ld_findings_sort(NULL);
	ld_findings_dispose(NULL);
}

static void test_select__globs_and_skips(void)
{
	const char *only[] = { "alias-*", "latest-drift" }, *skip[] = { "alias-split" };
	const char *bad[] = { "alias-*", "no-such-*" };
	ld_rule_selection sel = { only, 2, skip, 1 }, none = { NULL, 0, NULL, 0 };
	ld_rule_selection typo = { NULL, 0, bad, 2 }, everything = { NULL, 0, only, 2 };

	LD_CHECK(ld_rule_selected(NULL, "alias-split"));
	LD_CHECK(ld_rule_selected(&none, "code-drift"));
	LD_CHECK(!ld_rule_selection_given(&none));
	LD_CHECK(ld_rule_selected(&sel, "alias-unpinned"));
	LD_CHECK(ld_rule_selected(&sel, "latest-drift"));
	LD_CHECK(!ld_rule_selected(&sel, "alias-split")); /* skip wins over --rule */
	LD_CHECK(!ld_rule_selected(&sel, "unpublished"));
	LD_CHECK(!ld_rule_selected(&sel, NULL));
	LD_CHECK(ld_rule_selection_skipped(&sel) == ld_rule_count() - 3); /* alias-missing too */
	LD_CHECK(ld_rule_selection_skipped(&everything) == 4); /* only --skip-rule */
	LD_CHECK(ld_rule_selection_check(&sel) == 0);
	LD_CHECK(ld_rule_selection_check(&typo) == LD_EUSAGE);
	CHECK_CONTAINS(ld_error_last()->message, "--skip-rule 'no-such-*' matches no rule");
	LD_CHECK(ld_rule_selection_check(NULL) == 0);
}

/* Left-out rules leave nothing in the findings; the others are exactly as without. */
static void test_select__scan_leaves_out_rules(void)
{
	const char *skip[] = { "alias-*", "runtime-deprecat*" };
	ld_rule_selection sel = { NULL, 0, skip, 2 };
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_inventory inv;
	ld_findings all, some;
	size_t left_out = 0;

	LD_REQUIRE(scan_fixture(&inv, &all) == 0);
	memset(&some, 0, sizeof(some));
	opts.now = NOW;
	opts.rules = &sel;
	LD_REQUIRE(ld_audit_scan(&some, &inv, &opts) == 0);
	LD_CHECK(count_rule(&all, "alias-unpinned") > 0 && count_rule(&all, "runtime-deprecated") > 0);
	LD_CHECK(count_rule(&some, "alias-unpinned") == 0);
	LD_CHECK(count_rule(&some, "alias-split") == 0);
	LD_CHECK(count_rule(&some, "runtime-deprecated") == 0);
	LD_CHECK(count_rule(&some, "runtime-deprecating") == 0);
	LD_CHECK(count_rule(&some, "latest-drift") == count_rule(&all, "latest-drift"));
	for (size_t i = 0; i < all.count; i++)
		left_out += !ld_rule_selected(&sel, all.items[i].rule);
	LD_CHECK(left_out > 0 && some.count == all.count - left_out);
	/* and applied again to a finished list (as the report's end does) */
	ld_findings_select(&all, &sel);
	LD_CHECK(all.count == some.count);
	for (size_t i = 0; i < all.count && i < some.count; i++)
		LD_CHECK_STR(all.items[i].fingerprint, some.items[i].fingerprint);
	ld_findings_select(NULL, &sel);
	ld_findings_dispose(&all);
	ld_findings_dispose(&some);
	ld_inventory_dispose(&inv);
}

const ld_test ld_tests[] = {
	LD_TEST(test_select__globs_and_skips),
	LD_TEST(test_select__scan_leaves_out_rules),
	LD_TEST(test_rules__each_fires_where_expected),
	LD_TEST(test_rules__filter_drops_triggers_and_findings),
	LD_TEST(test_rules__fingerprints_are_stable),
	LD_TEST(test_rules__runtime_horizon),
	LD_TEST(test_runtimes__default_table),
	LD_TEST(test_runtimes__user_table),
	LD_TEST(test_dates),
	LD_TEST(test_findings__severity_and_catalogue),
	LD_TEST(test_findings__sort),
	{ NULL, NULL }
};
