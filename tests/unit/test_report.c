/* The report stage: JSON v1 shape (parsed back), text layout, format names. The inventory
 * and findings are built by hand so the test depends on nothing but src/report. */
#include <stdlib.h>

#include "harness.h"
#include "lambdrift/errors.h"
#include "lambdrift/report.h"
#include "util/json.h"

static ld_version versions[] = {
	{ "$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST",
	  "LATESTcode=", "aaaa", "python3.12", "Zip", "2026-01-01T00:00:00Z", NULL, 0, NULL },
	{ "1", "arn:aws:lambda:us-east-1:123456789012:function:orders:1",
	  "V1code=", "bbbb", "python3.11", "Zip", "2025-12-01T00:00:00Z", NULL, 0, NULL },
};
static ld_alias_weight weights[] = { { "1", 0.25 } };
static ld_alias aliases[] = {
	{ "live", "arn:aws:lambda:us-east-1:123456789012:function:orders:live", "$LATEST", weights, 1 },
};
static ld_function functions[] = {
	{ "orders", "us-east-1", "arn:aws:lambda:us-east-1:123456789012:function:orders",
	  versions, 2, aliases, 1, NULL, false, 0, NULL, NULL, NULL },
};
static char *regions[] = { "us-east-1" };
static char *problems[] = { "region us-east-1: list-aliases for 'x' throttled" };
static ld_finding items[] = {
	{ "alias-unpinned", LD_SEV_ERROR, "orders", "us-east-1", "live",
	  "alias 'live' points at $LATEST", "{\"alias\":\"live\",\"target\":\"$LATEST\"}",
	  0, "0123456789abcdef0123456789abcdef", NULL },
	{ "alias-split", LD_SEV_WARNING, "orders", "us-east-1", "live",
	  "alias 'live' sends 25% of traffic to version 1", "not json",
	  0, "fedcba9876543210fedcba9876543210", NULL },
	{ "runtime-unknown", LD_SEV_NOTE, "billing", "us-east-1", NULL,
	  "runtime 'x' is not in the table", NULL, 0, "00000000000000000000000000000000", NULL },
};

static void make(ld_inventory *inv, ld_findings *f, ld_report *r)
{
	memset(inv, 0, sizeof(*inv));
	inv->account = "123456789012";
	inv->regions = regions;
	inv->nregions = 1;
	inv->functions = functions;
	inv->nfunctions = 1;
	inv->complete = true;
	inv->calls.control = 5;
	inv->calls.get_function = 2;
	inv->calls.sts = 1;
	memset(f, 0, sizeof(*f));
	f->items = items;
	f->count = f->alloc = 3;
	memset(r, 0, sizeof(*r));
	r->command = "scan";
	r->started = "2026-11-25T00:00:00Z";
	r->inv = inv;
	r->findings = f;
	r->fail_on = LD_SEV_ERROR;
}

/* Render into memory through a FILE, so the public entry point is what is tested. */
static char *render(const ld_report *r, ld_format format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return NULL;
	if (ld_report_write(mem, r, format) < 0) {
		fclose(mem);
		free(text);
		return NULL;
	}
	fclose(mem);
	return text;
}

static void test_report__json_shape(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	ld_json *doc = NULL, *run, *fn, *fi;
	char *text;
	double n;

	make(&inv, &f, &r);
	LD_REQUIRE((text = render(&r, LD_FORMAT_JSON)) != NULL);
	LD_CHECK(text[strlen(text) - 1] == '\n');
	LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "report") == 0);
	LD_CHECK_STR(ld_json_get_str(doc, "schema"), "lambdrift/report/v1");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(doc, "tool"), "name"), "lambdrift");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(doc, "tool"), "version"), LD_VERSION);
	run = ld_json_get(doc, "run");
	LD_CHECK_STR(ld_json_get_str(run, "command"), "scan");
	LD_CHECK_STR(ld_json_get_str(run, "account"), "123456789012");
	LD_CHECK(ld_json_is_true(ld_json_get(run, "complete")));
	LD_CHECK_INT(ld_json_size(ld_json_get(run, "problems")), 0);
	LD_CHECK(ld_json_get_num(ld_json_get(run, "api_calls"), "total", &n) && n == 8);
	LD_CHECK(ld_json_is_null(ld_json_get(run, "runtime_table")));
	LD_CHECK_STR(ld_json_str(ld_json_at(ld_json_get(run, "regions"), 0)), "us-east-1");

	fn = ld_json_at(ld_json_get(doc, "functions"), 0);
	LD_CHECK_STR(ld_json_get_str(fn, "runtime"), "python3.12");
	LD_CHECK_STR(ld_json_get_str(fn, "code_sha256"), "LATESTcode=");
	LD_CHECK_INT(ld_json_size(ld_json_get(fn, "versions")), 2);
	LD_CHECK_STR(ld_json_get_str(ld_json_at(ld_json_get(fn, "versions"), 1), "runtime"),
		     "python3.11");
	LD_CHECK(ld_json_get_num(ld_json_get(ld_json_at(ld_json_get(fn, "aliases"), 0), "weights"),
				 "1", &n) && n == 0.25);

	LD_CHECK_INT(ld_json_size(ld_json_get(doc, "findings")), 3);
	fi = ld_json_at(ld_json_get(doc, "findings"), 0);
	LD_CHECK_STR(ld_json_get_str(fi, "rule"), "alias-unpinned");
	LD_CHECK_STR(ld_json_get_str(fi, "severity"), "error");
	LD_CHECK_STR(ld_json_get_str(fi, "qualifier"), "live");
	LD_CHECK_STR(ld_json_get_str(fi, "fingerprint"), "0123456789abcdef0123456789abcdef");
	LD_CHECK_STR(ld_json_get_str(ld_json_get(fi, "evidence"), "target"), "$LATEST");
	/* Malformed or absent evidence is null, never a string. */
	LD_CHECK(ld_json_is_null(ld_json_get(ld_json_at(ld_json_get(doc, "findings"), 1), "evidence")));
	fi = ld_json_at(ld_json_get(doc, "findings"), 2);
	LD_CHECK(ld_json_is_null(ld_json_get(fi, "evidence")));
	LD_CHECK(ld_json_is_null(ld_json_get(fi, "qualifier")));

	LD_CHECK(ld_json_get_num(ld_json_get(doc, "summary"), "functions", &n) && n == 1);
	LD_CHECK(ld_json_get_num(ld_json_get(doc, "summary"), "error", &n) && n == 1);
	LD_CHECK(ld_json_get_num(ld_json_get(doc, "summary"), "warning", &n) && n == 1);
	LD_CHECK(ld_json_get_num(ld_json_get(doc, "summary"), "note", &n) && n == 1);
	ld_json_free(doc);
	free(text);
}

static void test_report__json_incomplete(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	ld_runtime_table rt = { NULL, 0, "test table 2026-06-02" };
	ld_json *doc = NULL, *run;
	char *text;

	make(&inv, &f, &r);
	inv.complete = false;
	inv.problems = problems;
	inv.nproblems = 1;
	f.count = 0;
	r.runtimes = &rt;
	LD_REQUIRE((text = render(&r, LD_FORMAT_JSON)) != NULL);
	LD_REQUIRE(ld_json_parse(&doc, text, strlen(text), "report") == 0);
	run = ld_json_get(doc, "run");
	LD_CHECK(ld_json_is_bool(ld_json_get(run, "complete")));
	LD_CHECK(!ld_json_is_true(ld_json_get(run, "complete")));
	LD_CHECK_STR(ld_json_str(ld_json_at(ld_json_get(run, "problems"), 0)), problems[0]);
	LD_CHECK_STR(ld_json_get_str(run, "runtime_table"), "test table 2026-06-02");
	LD_CHECK(ld_json_is_array(ld_json_get(doc, "findings")));
	LD_CHECK_INT(ld_json_size(ld_json_get(doc, "findings")), 0);
	ld_json_free(doc);
	free(text);
}

static void test_report__text(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	make(&inv, &f, &r);
	LD_REQUIRE((text = render(&r, LD_FORMAT_TEXT)) != NULL);
	LD_CHECK(strstr(text, "lambdrift scan: account 123456789012, region us-east-1; "
			      "1 function scanned, 8 API calls\n") == text);
	/* billing sorts before orders; orders keeps error before warning */
	LD_CHECK(strstr(text, "billing (us-east-1)") < strstr(text, "orders (us-east-1)"));
	LD_CHECK(strstr(text, "  error    alias-unpinned   live  alias 'live' points at $LATEST\n"));
	LD_CHECK(strstr(text, "  note     runtime-unknown  -     "));
	LD_CHECK(strstr(text, "\n1 error, 1 warning, 1 note\n"));
	LD_CHECK(!strchr(text, '\033'));
	LD_CHECK(!strstr(text, "INCOMPLETE"));
	free(text);

	r.color = true;
	LD_REQUIRE((text = render(&r, LD_FORMAT_TEXT)) != NULL);
	LD_CHECK(strstr(text, "\033[1;31merror\033[0m    alias-unpinned"));
	free(text);
}

static void test_report__text_clean_and_incomplete(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_report r;
	char *text;

	make(&inv, &f, &r);
	f.count = 0;
	LD_REQUIRE((text = render(&r, LD_FORMAT_TEXT)) != NULL);
	LD_CHECK(strstr(text, "\nno findings\n"));
	free(text);

	inv.complete = false;
	inv.problems = problems;
	inv.nproblems = 1;
	LD_REQUIRE((text = render(&r, LD_FORMAT_TEXT)) != NULL);
	LD_CHECK(!strstr(text, "no findings"));
	LD_CHECK(strstr(text, "  - region us-east-1: list-aliases for 'x' throttled\n"));
	LD_CHECK(strstr(text, "0 errors, 0 warnings, 0 notes\nrun INCOMPLETE: 1 problem;"));
	free(text);
}

static void test_report__format_parse(void)
{
	ld_format fmt = LD_FORMAT_TEXT;
	LD_CHECK_INT(ld_format_parse(&fmt, "json"), 0);
	LD_CHECK_INT(fmt, LD_FORMAT_JSON);
	LD_CHECK_INT(ld_format_parse(&fmt, "text"), 0);
	LD_CHECK_INT(fmt, LD_FORMAT_TEXT);
	LD_CHECK_INT(ld_format_parse(&fmt, "xml"), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "'xml'") != NULL);
}

const ld_test ld_tests[] = {
	LD_TEST(test_report__json_shape),
	LD_TEST(test_report__json_incomplete),
	LD_TEST(test_report__text),
	LD_TEST(test_report__text_clean_and_incomplete),
	LD_TEST(test_report__format_parse),
	{ NULL, NULL }
};
