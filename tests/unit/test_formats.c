/* The CI formats (SARIF, JUnit, Markdown, annotations): golden outputs for a fixed
 * inventory (fixtures/inventory/cli-basic.json scanned on 2026-11-25), the SARIF shape
 * read back, escaping of hostile text in every format, and fingerprints that are the same
 * in every format and across runs, and a run over several accounts (the accounts, each
 * finding's account, the notes), and a report of 20,000 findings written in pieces as it is
 * rendered (JSON, SARIF, text) equal to it rendered whole. LD_UPDATE_GOLDEN=1 rewrites fixtures/report/ from this
 * run. The schema check of the golden SARIF and the XML parse of the golden JUnit run in
 * tests/cli/formats-golden-valid.sh (Python's jsonschema and xml.etree). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "audit/findings.h"
#include "harness.h"
#include "lambdrift/errors.h"
#include "lambdrift/report.h"
#include "report/formats.h"
#include "report/report.h"
#include "util/json.h"

#define INVENTORY "fixtures/inventory/cli-basic.json"
#define NOW 1795564800 /* 2026-11-25T00:00:00Z, as the CLI golden tests use */

typedef int (*writer)(ld_buf *out, const ld_report *r);

typedef struct {
	ld_inventory inv;
	ld_findings findings;
	ld_runtime_table rt;
	ld_report r;
} scanned;

static bool scan(scanned *s)
{
	ld_audit_opts ao = LD_AUDIT_OPTS_INIT;

	memset(s, 0, sizeof(*s));
	if (ld_inventory_load(&s->inv, INVENTORY) < 0 || ld_runtime_table_default(&s->rt) < 0)
		return false;
	ao.runtimes = &s->rt;
	ao.now = NOW;
	if (ld_audit_scan(&s->findings, &s->inv, &ao) < 0)
		return false;
	s->r.command = "scan";
	s->r.started = "2026-11-25T00:00:00Z";
	s->r.inv = &s->inv;
	s->r.findings = &s->findings;
	s->r.runtimes = &s->rt;
	s->r.fail_on = LD_SEV_ERROR;
	return true;
}

static void unscan(scanned *s)
{
	ld_findings_dispose(&s->findings);
	ld_runtime_table_dispose(&s->rt);
	ld_inventory_dispose(&s->inv);
}

static char *render(writer w, const ld_report *r)
{
	ld_buf out = LD_BUF_INIT;
	char *text;

	if (w(&out, r) < 0) {
		ld_buf_dispose(&out);
		return NULL;
	}
	text = ld_buf_detach(&out);
	ld_buf_dispose(&out);
	return text;
}

static void check_golden(const char *path, const char *got)
{
	const char *update = getenv("LD_UPDATE_GOLDEN");
	char *want;
	FILE *f;

	if (update && !strcmp(update, "1")) {
		LD_REQUIRE((f = fopen(path, "wb")) != NULL);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = ld_test_read_file(path, NULL);
	if (!want) {
		ld_test_fail(__FILE__, __LINE__, "missing %s; run with LD_UPDATE_GOLDEN=1", path);
		return;
	}
	if (strcmp(want, got))
		ld_test_fail(__FILE__, __LINE__, "%s differs from this run's output "
			     "(LD_UPDATE_GOLDEN=1 rewrites it after review)", path);
	free(want);
}

static void golden(writer w, const char *path)
{
	scanned s;
	char *text;

	LD_REQUIRE(scan(&s));
	LD_CHECK(s.findings.count == 7);
	text = render(w, &s.r);
	LD_CHECK(text != NULL);
	if (text)
		check_golden(path, text);
	free(text);
	unscan(&s);
}

static void test_formats__golden_sarif(void) { golden(ld_report__sarif, "fixtures/report/scan.sarif"); }
static void test_formats__golden_junit(void) { golden(ld_report__junit, "fixtures/report/scan.junit.xml"); }
static void test_formats__golden_markdown(void) { golden(ld_report__markdown, "fixtures/report/scan.md"); }
static void test_formats__golden_annotations(void)
{
	golden(ld_report__annotations, "fixtures/report/scan.annotations");
}

static void test_formats__sarif_shape(void)
{
	scanned s;
	ld_json *doc = NULL, *run, *rules, *results;
	char *text;
	size_t nrules = 0;

	LD_REQUIRE(scan(&s));
	LD_REQUIRE((text = render(ld_report__sarif, &s.r)) != NULL);
	LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "sarif") == 0);
	LD_CHECK_STR(ld_json_get_str(doc, "version"), "2.1.0");
	LD_CHECK_INT(ld_json_size(ld_json_get(doc, "runs")), 1);
	run = ld_json_at(ld_json_get(doc, "runs"), 0);
	rules = ld_json_get(ld_json_get(ld_json_get(run, "tool"), "driver"), "rules");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(ld_json_get(run, "tool"), "driver"), "version"),
		     LD_VERSION);
	for (const ld_rule_info *info = ld_rules; info->slug; info++, nrules++) {
		ld_json *rule = ld_json_at(rules, nrules);
		char uri[300];
		LD_CHECK_STR(ld_json_get_str(rule, "id"), info->slug);
		LD_CHECK_STR(ld_json_get_str(ld_json_get(rule, "shortDescription"), "text"),
			     info->summary);
		LD_CHECK(ld_json_get_str(ld_json_get(rule, "fullDescription"), "text") != NULL);
		LD_CHECK_STR(ld_json_get_str(ld_json_get(rule, "defaultConfiguration"), "level"),
			     info->severity == LD_SEV_NOTE ? "note" : ld_severity_name(info->severity));
		snprintf(uri, sizeof(uri), "#%s", info->slug);
		LD_CHECK(ld_json_get_str(rule, "helpUri") &&
			 strstr(ld_json_get_str(rule, "helpUri"), "docs/rules.md#") &&
			 !strcmp(strchr(ld_json_get_str(rule, "helpUri"), '#'), uri));
	}
	LD_CHECK_INT(ld_json_size(rules), nrules);
	results = ld_json_get(run, "results");
	LD_REQUIRE(ld_json_size(results) == s.findings.count);
	for (size_t i = 0; i < s.findings.count; i++) {
		const ld_finding *f = &s.findings.items[i];
		ld_json *res = ld_json_at(results, i), *ll;
		double idx = -1;
		char arn[300];

		LD_CHECK_STR(ld_json_get_str(res, "ruleId"), f->rule);
		LD_CHECK(ld_json_get_num(res, "ruleIndex", &idx) &&
			 !strcmp(ld_json_get_str(ld_json_at(rules, (size_t)idx), "id"), f->rule));
		LD_CHECK_STR(ld_json_get_str(ld_json_get(res, "message"), "text"), f->message);
		LD_CHECK_STR(ld_json_get_str(ld_json_get(res, "partialFingerprints"), "lambdrift/v1"),
			     f->fingerprint);
		ll = ld_json_at(ld_json_get(ld_json_at(ld_json_get(res, "locations"), 0),
					    "logicalLocations"), 0);
		snprintf(arn, sizeof(arn), "arn:aws:lambda:%s:123456789012:function:%s%s%s",
			 f->region, f->function, f->qualifier ? ":" : "",
			 f->qualifier ? f->qualifier : "");
		LD_CHECK_STR(ld_json_get_str(ll, "fullyQualifiedName"), arn);
		LD_CHECK_STR(ld_json_get_str(ll, "kind"), "function");
		/* a scan has no spec, so no physical location */
		LD_CHECK(!ld_json_get(ld_json_at(ld_json_get(res, "locations"), 0), "physicalLocation"));
	}
	LD_CHECK(ld_json_is_true(ld_json_get(ld_json_at(ld_json_get(run, "invocations"), 0),
					     "executionSuccessful")));
	ld_json_free(doc);
	free(text);
	unscan(&s);
}

/* The fingerprints of the JSON report, in order, joined; and the same from SARIF. */
static void fingerprints_json(ld_buf *out, const char *text)
{
	ld_json *doc = NULL, *list;
	if (ld_json_parse(&doc, text, strlen(text), "json") < 0)
		return;
	list = ld_json_get(doc, "findings");
	for (size_t i = 0; i < ld_json_size(list); i++)
		ld_buf_printf(out, "%s\n", ld_json_get_str(ld_json_at(list, i), "fingerprint"));
	ld_json_free(doc);
}

static void fingerprints_sarif(ld_buf *out, const char *text)
{
	ld_json *doc = NULL, *list;
	if (ld_json_parse(&doc, text, strlen(text), "sarif") < 0)
		return;
	list = ld_json_get(ld_json_at(ld_json_get(doc, "runs"), 0), "results");
	for (size_t i = 0; i < ld_json_size(list); i++)
		ld_buf_printf(out, "%s\n", ld_json_get_str(ld_json_get(ld_json_at(list, i),
							       "partialFingerprints"), "lambdrift/v1"));
	ld_json_free(doc);
}

static void test_formats__fingerprints_across_formats_and_runs(void)
{
	scanned a, b;
	ld_buf fa = LD_BUF_INIT, fb = LD_BUF_INIT, fc = LD_BUF_INIT;
	char *json, *sarif, *sarif2, *junit, *md;

	LD_REQUIRE(scan(&a));
	LD_REQUIRE(scan(&b));
	json = render(ld_report__json, &a.r);
	sarif = render(ld_report__sarif, &a.r);
	sarif2 = render(ld_report__sarif, &b.r);
	junit = render(ld_report__junit, &a.r);
	md = render(ld_report__markdown, &a.r);
	LD_REQUIRE(json && sarif && sarif2 && junit && md);
	fingerprints_json(&fa, json);
	fingerprints_sarif(&fb, sarif);
	fingerprints_sarif(&fc, sarif2);
	LD_CHECK_INT(fa.size, 33 * a.findings.count);
	LD_CHECK_STR(fa.ptr, fb.ptr);
	LD_CHECK_STR(fb.ptr, fc.ptr);
	LD_CHECK_STR(sarif, sarif2); /* two runs over the same data: the same bytes */
	for (size_t i = 0; i < a.findings.count; i++)
		LD_CHECK(strstr(junit, a.findings.items[i].fingerprint) != NULL);
	free(json);
	free(sarif);
	free(sarif2);
	free(junit);
	free(md);
	ld_buf_dispose(&fa);
	ld_buf_dispose(&fb);
	ld_buf_dispose(&fc);
	unscan(&a);
	unscan(&b);
}

/* A new, unrelated function with a finding of its own leaves every other fingerprint as
 * it was. */
static void test_formats__fingerprints_survive_new_finding(void)
{
	scanned a, b;
	ld_function *fns;
	ld_audit_opts ao = LD_AUDIT_OPTS_INIT;
	size_t same = 0;

	LD_REQUIRE(scan(&a));
	LD_REQUIRE(scan(&b));
	LD_REQUIRE((fns = realloc(b.inv.functions, (b.inv.nfunctions + 1) * sizeof(*fns))) != NULL);
	b.inv.functions = fns;
	memset(&fns[b.inv.nfunctions], 0, sizeof(*fns));
	fns[b.inv.nfunctions].name = strdup("a-new-function");
	fns[b.inv.nfunctions].region = strdup("us-east-1");
	fns[b.inv.nfunctions].arn = strdup("arn:aws:lambda:us-east-1:123456789012:function:a-new-function");
	fns[b.inv.nfunctions].versions = calloc(1, sizeof(ld_version));
	fns[b.inv.nfunctions].versions[0].version = strdup("$LATEST");
	fns[b.inv.nfunctions].versions[0].runtime = strdup("python3.12");
	fns[b.inv.nfunctions].nversions = 1;
	b.inv.nfunctions++;
	ld_findings_dispose(&b.findings);
	ao.runtimes = &b.rt;
	ao.now = NOW;
	LD_REQUIRE(ld_audit_scan(&b.findings, &b.inv, &ao) == 0);
	LD_CHECK_INT(b.findings.count, a.findings.count + 1);
	for (size_t i = 0; i < a.findings.count; i++)
		for (size_t k = 0; k < b.findings.count; k++)
			same += !strcmp(a.findings.items[i].fingerprint, b.findings.items[k].fingerprint);
	LD_CHECK_INT(same, a.findings.count);
	unscan(&a);
	unscan(&b);
}

/* ------------------------------------------------------------------ escaping */

static ld_finding hostile[] = {
	{ "alias-unpinned", LD_SEV_ERROR, "fn_<script>|x", "us-east-1", "live",
	  "line one\nline two & 100% <b>bold</b> | pipe, comma: colon \"quoted\" \x01", NULL,
	  0, "0123456789abcdef0123456789abcdef", NULL },
	{ "code-drift", LD_SEV_WARNING, "orders", "us-east-1", "live", "code differs",
	  "{\"added\":[\"a<b>.py\"],\"removed\":[{\"path\":\"old|x.py\"}],"
	  "\"modified\":[{\"path\":\"app.py\",\"what\":\"content\"}],"
	  "\"counts\":{\"added\":1,\"removed\":1,\"modified\":40}}",
	  0, "fedcba9876543210fedcba9876543210", NULL },
};

static void hostile_report(ld_inventory *inv, ld_findings *f, ld_report *r)
{
	static char *regions[] = { "us-east-1" };
	memset(inv, 0, sizeof(*inv));
	inv->account = "123456789012";
	inv->regions = regions;
	inv->nregions = 1;
	inv->complete = true;
	memset(f, 0, sizeof(*f));
	f->items = hostile;
	f->count = f->alloc = 2;
	memset(r, 0, sizeof(*r));
	r->command = "verify";
	r->started = "2026-11-25T00:00:00Z";
	r->inv = inv;
	r->findings = f;
	r->fail_on = LD_SEV_ERROR;
}

static void test_formats__annotations_escaping(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	hostile_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__annotations, &r)) != NULL);
	/* one line per finding: newlines and % escaped, so nothing starts a new command */
	LD_CHECK(strstr(text, "::error title=lambdrift alias-unpinned::fn_<script>|x (us-east-1, "
			      "live): line one%0Aline two & 100%25 <b>bold</b> | pipe, comma: colon") == text);
	LD_CHECK(strstr(text, "\n::warning title=lambdrift code-drift::orders (us-east-1, live): "
			      "code differs (lambdrift explain code-drift)\n"));
	{
		size_t lines = 0;
		for (const char *p = text; *p; p++)
			lines += *p == '\n';
		LD_CHECK_INT(lines, 2);
	}
	free(text);

	inv.complete = false;
	LD_REQUIRE((text = render(ld_report__annotations, &r)) != NULL);
	LD_CHECK(strstr(text, "::error title=lambdrift verify incomplete::0 problems;") == text);
	free(text);
}

static void test_formats__markdown_escaping(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	hostile_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__markdown, &r)) != NULL);
	LD_CHECK(strstr(text, "## :x: lambdrift verify: 1 error, 1 warning, 0 notes\n") == text);
	LD_CHECK(strstr(text, "| error | alias-unpinned | fn\\_&lt;script&gt;\\|x | us-east-1 | live | "
			      "line one line two &amp; 100% &lt;b&gt;bold&lt;/b&gt; \\| pipe"));
	LD_CHECK(!strstr(text, "<script>") && !strstr(text, "<b>"));
	/* the drift list: at most the listed files, the rest counted */
	LD_CHECK(strstr(text, "### Code drift\n"));
	LD_CHECK(strstr(text, "  - + a&lt;b&gt;.py\n  - - old\\|x.py\n  - ~ app.py (content)\n"
			      "  - ... and 39 more\n"));
	free(text);
}

static void test_formats__junit_escaping_and_counts(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	hostile_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__junit, &r)) != NULL);
	LD_CHECK(strstr(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
			      "name=\"lambdrift verify\"") == text);
	LD_CHECK(strstr(text, "<testcase classname=\"us-east-1.fn_&lt;script&gt;|x\" "
			      "name=\"alias-unpinned\" time=\"0\">\n      <failure message=\"line one&#10;"
			      "line two &amp; 100% &lt;b&gt;bold&lt;/b&gt; | pipe, comma: colon "
			      "&quot;quoted&quot; ?\" type=\"alias-unpinned\">"));
	LD_CHECK(!strchr(text, '\x01'));
	/* the warning is below --fail-on error: reported, not failed */
	LD_CHECK(strstr(text, "name=\"code-drift\" time=\"0\">\n      <system-out>warning code-drift"));
	/* verify runs every rule but the attestation ones, the dependency rules only where the
	 * dependency checks ran: two functions, one case per rule each */
	{
		size_t nrules = 0, ndeps = 0;
		char want[128];
		for (const ld_rule_info *i = ld_rules; i->slug; i++) {
			nrules += strncmp(i->slug, "attestation-", 12) && strncmp(i->slug, "dependency-", 11) &&
				  strcmp(i->slug, "layer-outdated");
			ndeps += !strncmp(i->slug, "dependency-", 11) || !strcmp(i->slug, "layer-outdated");
		}
		LD_CHECK(ndeps == 3);
		snprintf(want, sizeof(want), "<testsuite name=\"us-east-1\" tests=\"%zu\" failures=\"1\" "
			 "errors=\"0\" skipped=\"0\"", 2 * nrules);
		LD_CHECK(strstr(text, want) != NULL);
		snprintf(want, sizeof(want), "<testsuites name=\"lambdrift verify\" tests=\"%zu\" "
			 "failures=\"1\" errors=\"0\" skipped=\"0\"", 2 * nrules + 1);
		LD_CHECK(strstr(text, want) != NULL);
		LD_CHECK(!strstr(text, "name=\"layer-outdated\""));
		free(text);
		/* --no-deps off and no advisories: dependency-vulnerable did not run either */
		r.checks = LD_CHECKS_DEPS;
		LD_REQUIRE((text = render(ld_report__junit, &r)) != NULL);
		snprintf(want, sizeof(want), "<testsuite name=\"us-east-1\" tests=\"%zu\" ",
			 2 * (nrules + 2));
		LD_CHECK(strstr(text, want) != NULL);
		LD_CHECK(!strstr(text, "name=\"dependency-vulnerable\""));
		free(text);
		r.checks = LD_CHECKS_DEPS | LD_CHECKS_ADVISORIES;
		LD_REQUIRE((text = render(ld_report__junit, &r)) != NULL);
		snprintf(want, sizeof(want), "<testsuite name=\"us-east-1\" tests=\"%zu\" ",
			 2 * (nrules + 3));
		LD_CHECK(strstr(text, want) != NULL);
		r.checks = 0;
	}
	free(text);

	r.fail_on = LD_SEV_WARNING;
	inv.complete = false;
	LD_REQUIRE((text = render(ld_report__junit, &r)) != NULL);
	LD_CHECK(strstr(text, "failures=\"2\" errors=\"1\""));
	LD_CHECK(strstr(text, "<testcase classname=\"lambdrift\" name=\"data complete\" time=\"0\">\n"
			      "      <error message=\"run incomplete: 0 problems;"));
	free(text);
}

static void test_formats__sarif_incomplete(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	static char *problems[] = { "region us-east-1: throttled" };
	ld_json *doc = NULL, *inv_obj;
	char *text;

	hostile_report(&inv, &f, &r);
	inv.complete = false;
	inv.problems = problems;
	inv.nproblems = 1;
	LD_REQUIRE((text = render(ld_report__sarif, &r)) != NULL);
	LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "sarif") == 0);
	inv_obj = ld_json_at(ld_json_get(ld_json_at(ld_json_get(doc, "runs"), 0), "invocations"), 0);
	LD_CHECK(ld_json_is_bool(ld_json_get(inv_obj, "executionSuccessful")) &&
		 !ld_json_is_true(ld_json_get(inv_obj, "executionSuccessful")));
	LD_CHECK_STR(ld_json_get_str(ld_json_get(ld_json_at(ld_json_get(inv_obj,
		     "toolExecutionNotifications"), 0), "message"), "text"), problems[0]);
	/* no account in the inventory: the ARN is built from account, region and name */
	LD_CHECK(strstr(text, "\"fullyQualifiedName\": \"arn:aws:lambda:us-east-1:123456789012:"
			      "function:orders:live\""));
	ld_json_free(doc);
	free(text);
}

/* With a baseline: SARIF leaves accepted findings out and counts them, expired findings
 * say so in every format, JUnit marks a case whose only findings were accepted skipped. */
static void test_formats__baseline_in_every_format(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	ld_baseline_entry entries[3];
	const ld_baseline_entry *by[1], *expired[1], *stale[1];
	ld_finding accepted = hostile[0];
	ld_baseline_result b;
	char *text;

	hostile_report(&inv, &f, &r);
	memset(entries, 0, sizeof(entries));
	memset(&b, 0, sizeof(b));
	memcpy(entries[0].fingerprint, hostile[0].fingerprint, 33);
	entries[0].rule = "alias-unpinned";
	entries[0].reason = "accepted: owner team-x";
	memcpy(entries[1].fingerprint, hostile[1].fingerprint, 33);
	entries[1].rule = "code-drift";
	entries[1].reason = "incident 42";
	entries[1].expires = "2026-11-01";
	memcpy(entries[2].fingerprint, "0123456789abcdef0000000000000000", 33);
	entries[2].rule = "alias-split";
	entries[2].function = "retired";
	entries[2].region = "us-east-1";
	entries[2].reason = "old";
	by[0] = &entries[0];
	expired[0] = &entries[1];
	stale[0] = &entries[2];
	b.path = "baseline.json";
	b.suppressed.items = &accepted;
	b.suppressed.count = b.suppressed.alloc = 1;
	b.suppressed_by = by;
	b.expired = expired;
	b.nexpired = 1;
	b.stale = stale;
	b.nstale = 1;
	b.stale_known = true;
	f.items = &hostile[1];
	f.count = 1;
	r.baseline = &b;

	LD_REQUIRE((text = render(ld_report__sarif, &r)) != NULL);
	LD_CHECK(!strstr(text, hostile[0].fingerprint)); /* accepted: not a result */
	LD_CHECK(strstr(text, "\"baseline\": {\n              \"status\": \"expired\",\n"
			      "              \"expires\": \"2026-11-01\""));
	LD_CHECK(strstr(text, "\"suppressed\": 1,\n          \"expired\": 1,\n          \"stale\": ["));
	free(text);

	LD_REQUIRE((text = render(ld_report__junit, &r)) != NULL);
	LD_CHECK(strstr(text, "name=\"alias-unpinned\" time=\"0\">\n      <skipped message=\"accepted "
			      "in baseline: accepted: owner team-x\"/>"));
	LD_CHECK(strstr(text, "baseline: accepted until 2026-11-01 (expired): incident 42"));
	LD_CHECK(strstr(text, "<property name=\"baseline_stale\" value=\"1\"/>"));
	LD_CHECK(strstr(text, "stale baseline entries (they match no finding):\n"
			      "0123456789abcdef0000000000000000 alias-split retired us-east-1\n"));
	free(text);

	LD_REQUIRE((text = render(ld_report__markdown, &r)) != NULL);
	LD_CHECK(strstr(text, "| accepted in baseline (hidden) | 1 |\n| baseline expired (shown again) | 1 |\n"
			      "| stale baseline entries | 1 |\n"));
	LD_CHECK(strstr(text, "code differs (baseline entry expired 2026-11-01: incident 42) |"));
	free(text);

	LD_REQUIRE((text = render(ld_report__annotations, &r)) != NULL);
	LD_CHECK_STR(text, "::warning title=lambdrift code-drift::orders (us-east-1, live): code "
			   "differs [baseline entry expired 2026-11-01] (lambdrift explain code-drift)\n");
	free(text);
}


/* ------------------------------------------------------------------ several accounts */

/* Two accounts: "orders" only in the first, "billing" only in the second, "shared" in both.
 * The "shared" finding names its account; the others do not, as in a report written before
 * findings carried one, and are placed by looking their function up. */
static ld_function multi_functions[] = {
	{ .name = "orders", .region = "us-east-1", .account = "111111111111",
	  .arn = "arn:aws:lambda:us-east-1:111111111111:function:orders" },
	{ .name = "shared", .region = "us-east-1", .account = "111111111111",
	  .arn = "arn:aws:lambda:us-east-1:111111111111:function:shared" },
	{ .name = "billing", .region = "us-east-1", .account = "222222222222",
	  .arn = "arn:aws:lambda:us-east-1:222222222222:function:billing" },
	{ .name = "shared", .region = "us-east-1", .account = "222222222222",
	  .arn = "arn:aws:lambda:us-east-1:222222222222:function:shared" },
};
static ld_finding multi_findings[] = {
	{ "alias-unpinned", LD_SEV_ERROR, "orders", "us-east-1", "live", "orders unpinned", NULL,
	  0, "11111111111111111111111111111111", NULL },
	{ "alias-unpinned", LD_SEV_ERROR, "shared", "us-east-1", "live", "shared unpinned", NULL,
	  0, "22222222222222222222222222222222", "222222222222" },
	{ "unpublished", LD_SEV_WARNING, "billing", "us-east-1", NULL, "billing unpublished", NULL,
	  0, "33333333333333333333333333333333", NULL },
};
static char *multi_accounts[] = { "111111111111", "222222222222", "333333333333",
				  "444444444444", "555555555555" };
static char *multi_notes[] = { "skipped: region ap-east-1 is not enabled for account "
			       "222222222222" };

static void multi_report(ld_inventory *inv, ld_findings *f, ld_report *r)
{
	static char *regions[] = { "us-east-1" };
	memset(inv, 0, sizeof(*inv));
	inv->accounts = multi_accounts;
	inv->naccounts = 2;
	inv->regions = regions;
	inv->nregions = 1;
	inv->functions = multi_functions;
	inv->nfunctions = 4;
	inv->notes = multi_notes;
	inv->nnotes = 1;
	inv->complete = true;
	memset(f, 0, sizeof(*f));
	f->items = multi_findings;
	f->count = f->alloc = 3;
	memset(r, 0, sizeof(*r));
	r->command = "scan";
	r->started = "2026-11-25T00:00:00Z";
	r->inv = inv;
	r->findings = f;
	r->fail_on = LD_SEV_ERROR;
}

static void test_formats__accounts_text(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	multi_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__text, &r)) != NULL);
	LD_CHECK(strstr(text, "lambdrift scan: accounts 111111111111, 222222222222, region "
			      "us-east-1; 4 functions scanned") == text);
	/* grouped by account first */
	LD_CHECK(strstr(text, "\norders (us-east-1, account 111111111111)\n  error"));
	LD_CHECK(strstr(text, "\nbilling (us-east-1, account 222222222222)\n  warning"));
	LD_CHECK(strstr(text, "\nshared (us-east-1, account 222222222222)\n  error"));
	LD_CHECK(strstr(text, "\nbilling (") > strstr(text, "\norders ("));
	LD_CHECK(strstr(text, "\nnote: skipped: region ap-east-1 is not enabled for account "
			      "222222222222\n\n2 errors, 1 warning, 0 notes\n"));
	LD_CHECK(!strstr(text, "unknown"));
	free(text);

	/* many accounts: counted, so the header stays one short line */
	inv.naccounts = 5;
	LD_REQUIRE((text = render(ld_report__text, &r)) != NULL);
	LD_CHECK(strstr(text, "lambdrift scan: 5 accounts, region us-east-1;") == text);
	free(text);

	/* one account: the header and groups as before, no account per function */
	inv.account = "111111111111";
	inv.naccounts = 1;
	inv.nnotes = 0;
	inv.nfunctions = 1;
	f.count = 1;
	LD_REQUIRE((text = render(ld_report__text, &r)) != NULL);
	LD_CHECK(strstr(text, "lambdrift scan: account 111111111111, region") == text);
	LD_CHECK(strstr(text, "\norders (us-east-1)\n"));
	LD_CHECK(!strstr(text, "note:"));
	free(text);
}

static void test_formats__accounts_markdown(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	multi_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__markdown, &r)) != NULL);
	LD_CHECK(strstr(text, "\nAccounts 111111111111, 222222222222, region us-east-1: "));
	LD_CHECK(strstr(text, "| severity | rule | function | account | region | qualifier | "
			      "message |\n|---|---|---|---|---|---|---|\n"));
	LD_CHECK(strstr(text, "| error | alias-unpinned | orders | 111111111111 | us-east-1 | live |"));
	LD_CHECK(strstr(text, "| error | alias-unpinned | shared | 222222222222 | us-east-1 | live |"));
	LD_CHECK(strstr(text, "### Notes\n\nLeft out on purpose, not missing data:\n\n- skipped: "
			      "region ap-east-1 is not enabled for account 222222222222\n"));
	free(text);

	inv.naccounts = 5;
	LD_REQUIRE((text = render(ld_report__markdown, &r)) != NULL);
	LD_CHECK(strstr(text, "\n5 accounts, region us-east-1: "));
	free(text);
}

static void test_formats__accounts_junit(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	multi_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__junit, &r)) != NULL);
	LD_CHECK(strstr(text, "<property name=\"account\" value=\"111111111111\"/>\n      "
			      "<property name=\"account\" value=\"222222222222\"/>\n"));
	LD_CHECK(strstr(text, "name=\"data complete\" time=\"0\">\n      <system-out>note: "
			      "skipped: region ap-east-1 is not enabled for account 222222222222\n"
			      "</system-out>\n    </testcase>"));
	/* the shared name's ARN is the one of the finding's account */
	LD_CHECK(strstr(text, "\nfunction: arn:aws:lambda:us-east-1:111111111111:function:orders:live\n"));
	LD_CHECK(strstr(text, "\nfunction: arn:aws:lambda:us-east-1:222222222222:function:shared:live\n"));
	free(text);
}

static void test_formats__accounts_sarif(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	ld_json *doc = NULL, *run, *results, *accounts, *notes;
	char *text;

	multi_report(&inv, &f, &r);
	LD_REQUIRE((text = render(ld_report__sarif, &r)) != NULL);
	LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "sarif") == 0);
	run = ld_json_at(ld_json_get(doc, "runs"), 0);
	accounts = ld_json_get(ld_json_get(run, "properties"), "accounts");
	LD_CHECK_INT(ld_json_size(accounts), 2);
	LD_CHECK_STR(ld_json_str(ld_json_at(accounts, 1)), "222222222222");
	LD_CHECK(ld_json_is_null(ld_json_get(ld_json_get(run, "properties"), "account")));
	notes = ld_json_get(ld_json_at(ld_json_get(run, "invocations"), 0),
			    "toolExecutionNotifications");
	LD_CHECK_INT(ld_json_size(notes), 1);
	LD_CHECK_STR(ld_json_get_str(ld_json_at(notes, 0), "level"), "note");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(ld_json_at(notes, 0), "message"), "text"),
		     multi_notes[0]);
	results = ld_json_get(run, "results");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(ld_json_at(results, 0), "properties"), "account"),
		     "111111111111");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(ld_json_at(results, 1), "properties"), "account"),
		     "222222222222");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(ld_json_at(results, 2), "properties"), "account"),
		     "222222222222");
	ld_json_free(doc);
	free(text);
}

typedef int (*spilling_writer)(ld_buf *out, const ld_report *r, FILE *spill);

/* `w` with a spill FILE: what went to the FILE, then what stayed in the buffer. */
static char *render_spilled(spilling_writer w, const ld_report *r, size_t *spilled)
{
	ld_buf out = LD_BUF_INIT, all = LD_BUF_INIT;
	FILE *f = tmpfile();
	char chunk[65536];
	size_t got;
	char *text = NULL;

	if (f && w(&out, r, f) == 0 && fflush(f) == 0) {
		*spilled = (size_t)ftell(f);
		rewind(f);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			ld_buf_put(&all, chunk, got);
		ld_buf_put(&all, out.ptr, out.size);
		text = all.error ? NULL : ld_buf_detach(&all);
	}
	if (f)
		fclose(f);
	ld_buf_dispose(&out);
	ld_buf_dispose(&all);
	return text;
}

/* A report of thousands of findings (a merge of many shards) is written to the FILE as it
 * is rendered; the bytes are those of the whole document rendered at once, in each format
 * that spills. */
static void test_formats__spilled_equals_whole(void)
{
	static const struct {
		const char *name;
		writer whole;
		spilling_writer spilled;
	} formats[] = {
		{ "json", ld_report__json, ld_report__json_to },
		{ "sarif", ld_report__sarif, ld_report__sarif_to },
		{ "text", ld_report__text, ld_report__text_to },
	};
	ld_findings many;
	scanned s;

	LD_REQUIRE(scan(&s));
	memset(&many, 0, sizeof(many));
	for (size_t i = 0; i < 20000; i++)
		LD_REQUIRE(ld_findings_add_copy(&many, &s.findings.items[i % s.findings.count]) == 0);
	s.r.findings = &many;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		size_t spilled = 0;
		char *whole = render(formats[i].whole, &s.r);
		char *pieces = render_spilled(formats[i].spilled, &s.r, &spilled);

		LD_CHECK(whole != NULL && pieces != NULL);
		if (whole && pieces && strcmp(whole, pieces))
			ld_test_fail(__FILE__, __LINE__, "%s: the spilled report differs from the "
				     "whole one", formats[i].name);
		/* it did spill: more than a mebibyte went to the FILE before the end */
		if (spilled < ((size_t)1 << 20))
			ld_test_fail(__FILE__, __LINE__, "%s: only %zu bytes spilled",
				     formats[i].name, spilled);
		free(whole);
		free(pieces);
	}
	s.r.findings = &s.findings;
	ld_findings_dispose(&many);
	unscan(&s);
}

/* --log-retention-min is recorded where the run's options are: JSON run.log_retention_min
 * and SARIF's run properties, both absent when it was not given. */
static void test_formats__log_retention_min_recorded(void)
{
	scanned s;
	ld_json *doc = NULL, *props;
	double v = 0;
	char *text;

	LD_REQUIRE(scan(&s));
	for (int given = 0; given < 2; given++) {
		s.r.log_retention_min = given ? 30 : 0;
		LD_REQUIRE((text = render(ld_report__json, &s.r)) != NULL);
		LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "json") == 0);
		LD_CHECK(ld_json_get_num(ld_json_get(doc, "run"), "log_retention_min", &v) == given);
		LD_CHECK(!given || v == 30);
		ld_json_free(doc);
		free(text);
		LD_REQUIRE((text = render(ld_report__sarif, &s.r)) != NULL);
		LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "sarif") == 0);
		props = ld_json_get(ld_json_at(ld_json_get(doc, "runs"), 0), "properties");
		LD_CHECK(ld_json_get_num(props, "logRetentionMin", &v) == given);
		LD_CHECK(!given || v == 30);
		ld_json_free(doc);
		free(text);
	}
	unscan(&s);
}

const ld_test ld_tests[] = {
	LD_TEST(test_formats__log_retention_min_recorded),
	LD_TEST(test_formats__golden_sarif),
	LD_TEST(test_formats__golden_junit),
	LD_TEST(test_formats__golden_markdown),
	LD_TEST(test_formats__golden_annotations),
	LD_TEST(test_formats__sarif_shape),
	LD_TEST(test_formats__fingerprints_across_formats_and_runs),
	LD_TEST(test_formats__fingerprints_survive_new_finding),
	LD_TEST(test_formats__annotations_escaping),
	LD_TEST(test_formats__markdown_escaping),
	LD_TEST(test_formats__junit_escaping_and_counts),
	LD_TEST(test_formats__sarif_incomplete),
	LD_TEST(test_formats__baseline_in_every_format),
	LD_TEST(test_formats__accounts_text),
	LD_TEST(test_formats__accounts_markdown),
	LD_TEST(test_formats__accounts_junit),
	LD_TEST(test_formats__accounts_sarif),
	LD_TEST(test_formats__spilled_equals_whole),
	{ NULL, NULL }
};
