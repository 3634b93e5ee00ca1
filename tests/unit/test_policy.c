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

/* A service principal under aws:SourceArn alone: restricted when the ARN pins an account
 * (no wildcard, or a literal 12-digit account field), a confused deputy otherwise. */
#define SVC(svc, op, arn) grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" svc \
	"\"},\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"" op "\":" \
	"{\"AWS:SourceArn\":" arn "}}}")
static void test_policy__source_arn_pins_an_account(void)
{
	LD_CHECK_INT(SVC("s3.amazonaws.com", "ArnLike", "\"arn:aws:s3:::orders\""), LD_GRANT_NONE);
	LD_CHECK_INT(SVC("s3.amazonaws.com", "ArnLike", "\"arn:aws:s3:::*\""), LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("s3.amazonaws.com", "ArnLike", "\"arn:aws:s3:::orders-*\""),
		     LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("sns.amazonaws.com", "ArnLike", "\"arn:aws:sns:*:123456789012:*\""),
		     LD_GRANT_NONE);
	LD_CHECK_INT(SVC("events.amazonaws.com", "ArnLike",
			 "\"arn:aws:events:us-east-1:123456789012:rule/*\""), LD_GRANT_NONE);
	LD_CHECK_INT(SVC("sns.amazonaws.com", "ArnLike", "\"arn:aws:sns:*:*:orders\""),
		     LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("sns.amazonaws.com", "ArnLike", "\"arn:aws:sns:*:12345678901?:*\""),
		     LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("sns.amazonaws.com", "ArnLike", "\"arn:aws:sns:us-east-1:1234*:x\""),
		     LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("sns.amazonaws.com", "ArnLike", "\"arn:aws:sns:*:1234:*\""),
		     LD_GRANT_DEPUTY);
	/* StringLike lets a '*' run past colons: the account must come before any '*' */
	LD_CHECK_INT(SVC("sns.amazonaws.com", "StringLike", "\"arn:aws:sns:*:123456789012:*\""),
		     LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("sns.amazonaws.com", "StringLike",
			 "\"arn:aws:sns:us-east-1:123456789012:*\""), LD_GRANT_NONE);
	/* the values are alternatives: one loose value is enough to let any account in */
	LD_CHECK_INT(SVC("s3.amazonaws.com", "ArnLike",
			 "[\"arn:aws:s3:::orders\",\"arn:aws:s3:::*\"]"), LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("s3.amazonaws.com", "ArnLike", "[]"), LD_GRANT_DEPUTY);
	LD_CHECK_INT(SVC("s3.amazonaws.com", "ArnNotLike", "\"arn:aws:s3:::orders\""),
		     LD_GRANT_DEPUTY);
	/* a wildcard SourceArn with the account pinned beside it */
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
			      "\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
			      "\"Condition\":{\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::*\"},"
			      "\"StringEquals\":{\"AWS:SourceAccount\":\"123456789012\"}}}"),
		     LD_GRANT_NONE);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
			      "\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
			      "\"Condition\":{\"StringLike\":{\"AWS:SourceAccount\":\"*\"}}}"),
		     LD_GRANT_DEPUTY);
	/* everyone, pinned to an account's sources only through a service */
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			      "\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":"
			      "\"arn:aws:sns:*:123456789012:*\"}}}"), LD_GRANT_NONE);
}
#undef SVC

/* Principal "*" under aws:SourceIp: restricted by a set of narrow CIDRs, as S3 Block Public
 * Access reads "public"; 0.0.0.0/0, ::/0, blocks wider than /8 (IPv4) or /32 (IPv6), a
 * negative or IfExists operator, or a value that is no address are public. */
#define IP(op, cidrs) grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\"," \
	"\"Action\":\"lambda:InvokeFunction\",\"Condition\":{\"" op "\":{\"aws:SourceIp\":" \
	cidrs "}}}")
static void test_policy__source_ip_as_s3_reads_it(void)
{
	LD_CHECK_INT(IP("IpAddress", "\"203.0.113.0/24\""), LD_GRANT_NONE);
	LD_CHECK_INT(IP("IpAddress", "[\"203.0.113.7\",\"2001:db8::/48\"]"), LD_GRANT_NONE);
	LD_CHECK_INT(IP("IpAddress", "\"10.0.0.0/8\""), LD_GRANT_NONE);
	LD_CHECK_INT(IP("IpAddress", "\"2001:db8::/32\""), LD_GRANT_NONE);
	LD_CHECK_INT(IP("ipaddress", "\"198.51.100.0/24\""), LD_GRANT_NONE);
	LD_CHECK_INT(IP("IpAddress", "\"0.0.0.0/0\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "\"::/0\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "[\"0.0.0.0/1\",\"128.0.0.0/1\"]"), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "\"10.0.0.0/7\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "\"2000::/3\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "[\"203.0.113.0/24\",\"0.0.0.0/0\"]"), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "\"203.0.113.0/33\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "\"203.0.113.0/\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "\"*\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddress", "[]"), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("NotIpAddress", "\"203.0.113.0/24\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("IpAddressIfExists", "\"203.0.113.0/24\""), LD_GRANT_PUBLIC);
	LD_CHECK_INT(IP("StringEquals", "\"203.0.113.0/24\""), LD_GRANT_PUBLIC);
	/* a service calls from AWS's addresses: an address says nothing of its account */
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
			      "\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\","
			      "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}}"),
		     LD_GRANT_DEPUTY);
	/* aws:userid, fixed (a role's session "AROA...:*" is not) */
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			      "\"Condition\":{\"StringEquals\":{\"aws:userid\":\"AIDAEXAMPLE\"}}}"),
		     LD_GRANT_NONE);
	LD_CHECK_INT(grant_of("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
			      "\"Condition\":{\"StringLike\":{\"aws:userid\":\"AROAEXAMPLE:*\"}}}"),
		     LD_GRANT_PUBLIC);
}
#undef IP

/* "rule function" lines of a scan's findings, sorted as the scan sorts them. */
static char *scan_lines(ld_inventory *inv)
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
	/* Principal "*" on an AWS_IAM URL: every account's signed principals */
	LD_CHECK_INT(count(lines, "policy-public url-iam-star live"), 1);
	LD_CHECK_INT(count(lines, "policy-public "), 3);
	LD_CHECK_INT(count(lines, "concurrency-unbounded url-open"), 1);
	LD_CHECK_INT(count(lines, "concurrency-unbounded deputy"), 1);
	LD_CHECK_INT(count(lines, "concurrency-unbounded url-iam-star"), 1);
	LD_CHECK_INT(count(lines, "concurrency-unbounded "), 3); /* pub-star reserves 10 */
	LD_CHECK_INT(count(lines, "trigger-unqualified url-open"), 1);
	LD_CHECK_INT(count(lines, "trigger-unqualified unq-perm"), 1);
	LD_CHECK_INT(count(lines, "trigger-unqualified "), 2);
	LD_CHECK_INT(count(lines, "layer-foreign layers"), 1);
	LD_CHECK_INT(count(lines, "layer-foreign "), 1);
	/* traps: an AWS_IAM URL, `*` restricted by PrincipalOrgID, s3 with SourceArn and
	 * SourceAccount, a function whose policies could not be read */
	LD_CHECK(!strstr(lines, " url-iam "));
	/* an AWS_IAM URL opened to * within an organization; a statement for the other auth
	 * type than the URL's (it never applies to the URL's calls) */
	LD_CHECK(!strstr(lines, " url-iam-org "));
	LD_CHECK(!strstr(lines, " url-none-iam-stmt "));
	LD_CHECK(!strstr(lines, " url-iam-none-stmt "));
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

static ld_function *function_named(ld_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!strcmp(inv->functions[i].name, name))
			return &inv->functions[i];
	ld_test_fail(__FILE__, __LINE__, "no function %s", name);
	return NULL;
}

static char *joined_problems(const ld_inventory *inv)
{
	ld_buf b = LD_BUF_INIT;
	for (size_t i = 0; i < inv->nproblems; i++)
		ld_buf_printf(&b, "%s\n", inv->problems[i]);
	return ld_buf_detach(&b);
}

/* Missing data is never clean: no access record (a snapshot of an older lambdrift), URLs
 * not listed although a policy names one, the concurrency of a public function not read:
 * each leaves the rules it feeds unchecked for that function (a problem line, the run
 * incomplete) unless the run skips them; a record the collector left unchecked, whose
 * problem line the inventory carries, is said once. */
static void test_policy__missing_access_is_unchecked(void)
{
	const char *skip[] = { "url-*", "policy-*", "concurrency-*", "trigger-*" };
	ld_rule_selection sel = { NULL, 0, skip, 4 };
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_findings f = { 0 };
	ld_inventory inv;
	ld_function *fn;
	char *lines, *problems;

	ld_inventory_init(&inv);
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE(inv.nproblems == 1); /* the unchecked function's, as the collector writes */
	fn = function_named(&inv, "layers");
	ld_fn_policy_free(fn->policy);
	fn->policy = NULL;
	function_named(&inv, "url-iam")->policy->urls_checked = false;
	function_named(&inv, "deputy")->policy->concurrency_checked = false;
	LD_REQUIRE((lines = scan_lines(&inv)) != NULL);
	LD_CHECK_INT(count(lines, "concurrency-unbounded deputy"), 0);
	LD_CHECK_INT(count(lines, "layer-foreign layers"), 1); /* reads no access record */
	LD_REQUIRE((problems = joined_problems(&inv)));
	LD_CHECK(!inv.complete);
	LD_CHECK_STR(problems,
		     "GetPolicy of unchecked in us-east-1 was denied (lambda:GetPolicy needed)\n"
		     "concurrency-unbounded unchecked for 1 function in account 123456789012 "
		     "region us-east-1 (deputy): the function is public but the inventory holds "
		     "no reserved concurrency for it; take a new snapshot\n"
		     "url-public, policy-public, concurrency-unbounded and trigger-unqualified "
		     "unchecked for 1 function in account 123456789012 region us-east-1 (layers): "
		     "the inventory holds no resource policy records for these functions (a "
		     "snapshot taken by an older lambdrift, or their collection failed); take a "
		     "new snapshot or scan AWS\n"
		     "url-public and trigger-unqualified unchecked for 1 function in account "
		     "123456789012 region us-east-1 (url-iam): a resource policy of the function "
		     "names a function URL but the inventory holds no URL configs; take a new "
		     "snapshot\n");
	free(lines);
	free(problems);
	ld_inventory_dispose(&inv);

	/* skipped, the rules need none of it */
	ld_inventory_init(&inv);
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	fn = function_named(&inv, "layers");
	ld_fn_policy_free(fn->policy);
	fn->policy = NULL;
	opts.rules = &sel;
	LD_REQUIRE(ld_audit_scan(&f, &inv, &opts) == 0);
	LD_CHECK_INT((int)inv.nproblems, 1);
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
}

static int load_text(ld_inventory *inv, const char *text)
{
	char path[] = "/tmp/ld-policy-XXXXXX";
	int fd, error;

	ld_inventory_init(inv);
	if ((fd = mkstemp(path)) < 0)
		return -100;
	error = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -100;
	close(fd);
	if (error == 0)
		error = ld_inventory_load(inv, path);
	unlink(path);
	return error;
}

/* A bad value is refused; so is a record without its policy list, which would otherwise
 * read as "read, and none" (clean) when nothing says the policies were read. */
static void test_policy__bad_access_member(void)
{
#define ACCESS_FN(access) "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[\"us-east-1\"]," \
	"\"complete\":true,\"triggers\":[]," \
	"\"functions\":[{\"name\":\"f\",\"region\":\"us-east-1\",\"versions\":[]," \
	"\"aliases\":[],\"access\":" access "}]}"
	ld_inventory inv;

	LD_CHECK_INT(load_text(&inv, ACCESS_FN("{\"resource_policies\":[],"
					       "\"reserved_concurrency\":-3}")), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "reserved_concurrency") != NULL);
	ld_inventory_dispose(&inv);
	LD_CHECK_INT(load_text(&inv, ACCESS_FN("{\"urls\":null}")), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "access.resource_policies") != NULL);
	ld_inventory_dispose(&inv);
	LD_CHECK_INT(load_text(&inv, ACCESS_FN("{\"resource_policies\":[]}")), 0);
	LD_CHECK(inv.functions[0].policy && !inv.functions[0].policy->npolicies);
	ld_inventory_dispose(&inv);
	LD_CHECK_INT(load_text(&inv, ACCESS_FN("null")), 0);
	LD_CHECK(!inv.functions[0].policy); /* not collected: the scan says unchecked */
	ld_inventory_dispose(&inv);
#undef ACCESS_FN
}

const ld_test ld_tests[] = {
	LD_TEST(test_policy__statements),
	LD_TEST(test_policy__source_arn_pins_an_account),
	LD_TEST(test_policy__source_ip_as_s3_reads_it),
	LD_TEST(test_policy__rules_fire_and_traps_stay_clean),
	LD_TEST(test_policy__snapshot_round_trip),
	LD_TEST(test_policy__missing_access_is_unchecked),
	LD_TEST(test_policy__bad_access_member),
	{ NULL, NULL }
};
