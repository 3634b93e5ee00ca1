/* Resource policies, function URLs and reserved concurrency: how statements are read
 * (public, confused deputy, restricted by a condition), the rules over
 * fixtures/inventory/policy.json (each fires exactly where expected, every trap stays
 * clean), and the snapshot form (written, loaded full and slim: the same findings). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "inventory/policy.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "util/file.h"

#define FIXTURE "fixtures/inventory/policy.json"

static ld_grant grant_of(const char *text)
{
	ld_json *st = NULL;
	const char *who;
	ld_grant g;

	if (ld_json_parse(&st, text, strlen(text), "statement") < 0)
		return (ld_grant)-1;
	g = ld_policy_statement_grant(st, &who);
	ld_json_free(st);
	return g;
}

static void test_policy__statements(void)
{
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\","
			      "\"Action\":\"lambda:InvokeFunction\"}"), LD_GRANT_PUBLIC);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]},"
			      "\"Action\":\"lambda:*\"}"), LD_GRANT_PUBLIC);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			      "\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-1\"}}}"),
		     LD_GRANT_NONE);
	/* a wildcard or a negative operator pins nothing */
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			      "\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:s3:::*\"}}}"),
		     LD_GRANT_PUBLIC);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			      "\"Condition\":{\"StringNotEquals\":{\"aws:SourceAccount\":\"1\"}}}"),
		     LD_GRANT_PUBLIC);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\","
			      "\"Action\":\"lambda:InvokeFunctionUrl\",\"Condition\":{\"StringEquals\":"
			      "{\"lambda:FunctionUrlAuthType\":\"NONE\"}}}"), LD_GRANT_URL_PUBLIC);
	/* the statement AWS adds next to it since October 2025: only through the URL */
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\","
			      "\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"Bool\":"
			      "{\"lambda:InvokedViaFunctionUrl\":\"true\"}}}"), LD_GRANT_NONE);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\","
			      "\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"Bool\":"
			      "{\"lambda:InvokedViaFunctionUrl\":\"false\"}}}"), LD_GRANT_PUBLIC);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
			      "\"Action\":\"lambda:InvokeFunction\"}"), LD_GRANT_DEPUTY);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
			      "\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"StringEquals\":"
			      "{\"AWS:SourceAccount\":\"123456789012\"}}}"), LD_GRANT_NONE);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\"}"),
		     LD_GRANT_NONE);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::1:root\"},"
			      "\"Action\":\"lambda:InvokeFunction\"}"), LD_GRANT_NONE);
}

/* "rule function" lines of a scan's findings, sorted as the scan sorts them. */
static char *scan_lines(const ld_inventory *inv)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_findings f = { 0 };
	ld_buf b = LD_BUF_INIT;

	opts.now = (time_t)1780401600;
	if (ld_audit_scan(&f, inv, &opts) < 0)
		return NULL;
	for (size_t i = 0; i < f.count; i++)
		ld_buf_printf(&b, "%s %s %s %s\n", f.items[i].rule, f.items[i].function,
			      f.items[i].qualifier ? f.items[i].qualifier : "-",
			      f.items[i].fingerprint);
	ld_findings_dispose(&f);
	return ld_buf_detach(&b);
}

static int count(const char *lines, const char *prefix)
{
	int n = 0;
	for (const char *p = lines; p && (p = strstr(p, prefix)); p++)
		n += p == lines || p[-1] == '\n';
	return n;
}

static void test_policy__rules_fire_and_traps_stay_clean(void)
{
	ld_inventory inv;
	char *lines;

	ld_inventory_init(&inv);
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE((lines = scan_lines(&inv)) != NULL);
	LD_CHECK_INT(count(lines, "url-public url-open $LATEST"), 1);
	LD_CHECK_INT(count(lines, "url-public "), 1);
	LD_CHECK_INT(count(lines, "policy-public pub-star live"), 1);
	LD_CHECK_INT(count(lines, "policy-public deputy live"), 1);
	LD_CHECK_INT(count(lines, "policy-public "), 2);
	LD_CHECK_INT(count(lines, "concurrency-unbounded url-open"), 1);
	LD_CHECK_INT(count(lines, "concurrency-unbounded deputy"), 1);
	LD_CHECK_INT(count(lines, "concurrency-unbounded "), 2); /* pub-star reserves 10 */
	LD_CHECK_INT(count(lines, "trigger-unqualified url-open"), 1);
	LD_CHECK_INT(count(lines, "trigger-unqualified unq-perm"), 1);
	LD_CHECK_INT(count(lines, "trigger-unqualified "), 2);
	LD_CHECK_INT(count(lines, "layer-foreign layers"), 1);
	LD_CHECK_INT(count(lines, "layer-foreign "), 1);
	/* traps: an AWS_IAM URL, `*` restricted by PrincipalOrgID, s3 with SourceArn and
	 * SourceAccount, a function whose policies could not be read */
	LD_CHECK(!strstr(lines, " url-iam "));
	LD_CHECK(!strstr(lines, " org "));
	LD_CHECK(!strstr(lines, " s3ok "));
	LD_CHECK(!strstr(lines, " unchecked "));
	/* url-open's lambda:InvokeFunction under Bool lambda:InvokedViaFunctionUrl is the
	 * URL's: its one trigger-unqualified is the URL's (counted above) */
	free(lines);
	ld_inventory_dispose(&inv);
}

static void test_policy__snapshot_round_trip(void)
{
	char path[] = "/tmp/ld-policy-XXXXXX";
	ld_inventory inv, back, slim;
	ld_buf out = LD_BUF_INIT;
	char *a, *b, *c;
	int fd;

	ld_inventory_init(&inv);
	ld_inventory_init(&back);
	ld_inventory_init(&slim);
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE(ld_inventory_write(&out, &inv) == 0);
	LD_REQUIRE((fd = mkstemp(path)) >= 0);
	LD_REQUIRE(write(fd, out.ptr, out.size) == (ssize_t)out.size);
	close(fd);
	LD_CHECK(strstr(out.ptr, "\"get_policy\"") != NULL);
	LD_CHECK(ld_inventory_load(&back, path) == 0);
	LD_CHECK(ld_inventory_load_slim(&slim, path) == 0);
	a = scan_lines(&inv);
	b = scan_lines(&back);
	c = scan_lines(&slim);
	LD_REQUIRE(a && b && c);
	LD_CHECK_STR(a, b);
	LD_CHECK_STR(a, c);
	LD_CHECK_INT(back.calls.get_policy, 18);
	free(a);
	free(b);
	free(c);
	unlink(path);
	ld_buf_dispose(&out);
	ld_inventory_dispose(&inv);
	ld_inventory_dispose(&back);
	ld_inventory_dispose(&slim);
}

static void test_policy__bad_access_member(void)
{
	char path[] = "/tmp/ld-policy-XXXXXX";
	const char *text = "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[\"us-east-1\"],"
			   "\"functions\":[{\"name\":\"f\",\"region\":\"us-east-1\",\"versions\":[],"
			   "\"aliases\":[],\"access\":{\"reserved_concurrency\":-3}}]}";
	ld_inventory inv;
	int fd;

	ld_inventory_init(&inv);
	LD_REQUIRE((fd = mkstemp(path)) >= 0);
	LD_REQUIRE(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	LD_CHECK_INT(ld_inventory_load(&inv, path), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "reserved_concurrency") != NULL);
	unlink(path);
	ld_inventory_dispose(&inv);
}

const ld_test ld_tests[] = {
	LD_TEST(test_policy__statements),
	LD_TEST(test_policy__rules_fire_and_traps_stay_clean),
	LD_TEST(test_policy__snapshot_round_trip),
	LD_TEST(test_policy__bad_access_member),
	{ NULL, NULL }
};
