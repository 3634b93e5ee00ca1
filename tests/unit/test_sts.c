/* STS: AssumeRole parsing, timestamps, and an AssumeRole round trip through a one-shot
 * fake transport (request form, error wrapping). */
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/sts.h"
#include "harness.h"
#include "lambdrift/errors.h"
#include "script.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"

static void test_sts__parse_assume_role(void)
{
	ld_credentials c;
	size_t len;
	char *xml = ld_test_read_file("fixtures/aws/sts/assume-role.xml", &len);

	LD_REQUIRE(xml);
	LD_REQUIRE(ld_sts_parse_assume_role(&c, xml, len) == 0);
	LD_CHECK_STR(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	LD_CHECK_STR(c.secret_access_key, SECRET);
	LD_CHECK(c.session_token && !strncmp(c.session_token, "AQoDYXdzEPT//", 13));
	LD_CHECK(c.session_token && c.session_token[strlen(c.session_token) - 1] == '=');
	LD_CHECK_INT(c.expiration, 1573306481);
	ld_credentials_dispose(&c);
	free(xml);
}

static void test_sts__truncated_xml_is_invalid(void)
{
	ld_credentials c;
	size_t len, cut;
	char *xml = ld_test_read_file("fixtures/aws/sts/assume-role.xml", &len);

	LD_REQUIRE(xml);
	/* cut inside the session token, and just before </Credentials> */
	cut = (size_t)(strstr(xml, "EXAMPLEtc764") - xml);
	LD_CHECK_INT(ld_sts_parse_assume_role(&c, xml, cut), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "truncated") != NULL);
	LD_CHECK(strstr(ld_error_last()->message, SECRET) == NULL);
	LD_CHECK(c.access_key_id == NULL && c.secret_access_key == NULL);
	cut = (size_t)(strstr(xml, "</Credentials>") - xml);
	LD_CHECK_INT(ld_sts_parse_assume_role(&c, xml, cut), LD_EINVALID);
	LD_CHECK_INT(ld_sts_parse_assume_role(&c, xml, 0), LD_EINVALID);
	free(xml);
}

static void test_sts__missing_field_names_it(void)
{
	const char *x = "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
			"<AccessKeyId>ASIA1</AccessKeyId><SessionToken>tok</SessionToken>"
			"</Credentials></AssumeRoleResult></AssumeRoleResponse>";
	ld_credentials c;
	LD_CHECK_INT(ld_sts_parse_assume_role(&c, x, strlen(x)), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "SecretAccessKey") != NULL);
	LD_CHECK(strstr(ld_error_last()->message, "ASIA1") == NULL);
	LD_CHECK(c.access_key_id == NULL);
}

static void test_sts__iso8601(void)
{
	time_t t;
	LD_CHECK_INT(ld_parse_iso8601(&t, "2011-07-15T23:28:33.359Z"), 0);
	LD_CHECK_INT(t, 1310772513);
	LD_CHECK_INT(ld_parse_iso8601(&t, "2011-07-16T01:28:33+02:00"), 0);
	LD_CHECK_INT(t, 1310772513);
	LD_CHECK_INT(ld_parse_iso8601(&t, "2020-04-10T19:06:32.563+0000"), 0);
	LD_CHECK_INT(t, 1586545592);
	LD_CHECK_INT(ld_parse_iso8601(&t, "2011-07-15 23:28:33Z"), LD_EINVALID);
	LD_CHECK_INT(ld_parse_iso8601(&t, "2011-13-15T23:28:33Z"), LD_EINVALID);
	LD_CHECK_INT(ld_parse_iso8601(&t, "2011-07-15T23:28:33Zjunk"), LD_EINVALID);
}

/* --- AssumeRole through the scripted transport (script.h): one answer to any request - */

static ld_script *one_shot(long status, const char *body)
{
	ld_script *o = ld_script_new();
	o->routes = true;
	ld_script_add(o, (ld_script_step){ .status = status, .body = body });
	return o;
}

static void no_sleep(void *ctx, long ms)
{
	(void)ctx;
	(void)ms;
}

static int make_client(ld_aws_client *c, ld_script *o)
{
	ld_credentials base = { "AKIDEXAMPLE", "base-secret", NULL, 0 };
	ld_retry_policy p = LD_RETRY_POLICY_INIT;
	p.sleep_ms = no_sleep;
	p.rate[LD_QUOTA_STS] = 0;
	return ld_aws_client_init(c, &o->base, &base, "us-east-1", "sts",
				  "https://sts.us-east-1.amazonaws.com/", NULL, &p, 0);
}

static void test_sts__assume_role_round_trip(void)
{
	size_t len;
	char *xml = ld_test_read_file("fixtures/aws/sts/assume-role.xml", &len);
	ld_script *o = one_shot(200, xml);
	ld_role_step step = { "arn:aws:iam::210987654321:role/audit", "ext 1", "lambdrift-test",
			      900, "audit" };
	ld_aws_client c;
	ld_credentials out;

	LD_REQUIRE(xml);
	LD_REQUIRE(make_client(&c, o) == 0);
	LD_REQUIRE(ld_sts_assume_role(&out, &c, &step) == 0);
	LD_CHECK_STR(out.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	LD_CHECK_STR(o->url[0], "https://sts.us-east-1.amazonaws.com/");
	LD_CHECK_STR(o->body[0], "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A"
				  "210987654321%3Arole%2Faudit&RoleSessionName=lambdrift-test"
				  "&ExternalId=ext%201&DurationSeconds=900");
	LD_CHECK(strstr(o->headers[0],
			 "Content-Type: application/x-www-form-urlencoded; charset=utf-8\n"));
	ld_credentials_dispose(&out);
	ld_aws_client_dispose(&c);
	ld_transport_free(&o->base);
	free(xml);
}

static void test_sts__assume_role_denied(void)
{
	size_t len;
	char *xml = ld_test_read_file("fixtures/aws/sts/error-access-denied.xml", &len);
	ld_script *o = one_shot(403, xml);
	ld_role_step step = { "arn:aws:iam::210987654321:role/audit", NULL, NULL, 0, "audit" };
	ld_aws_client c;
	ld_credentials out;
	const char *m;

	LD_REQUIRE(xml);
	LD_REQUIRE(make_client(&c, o) == 0);
	LD_CHECK_INT(ld_sts_assume_role(&out, &c, &step), LD_EAUTH);
	m = ld_error_last()->message;
	LD_CHECK(strstr(m, "cannot assume role arn:aws:iam::210987654321:role/audit (profile audit)"));
	LD_CHECK(strstr(m, "access denied: User: arn:aws:iam::123456789012:user/ci"));
	LD_CHECK(strstr(m, "sts:AssumeRole"));
	LD_CHECK(!strstr(m, "base-secret"));
	LD_CHECK(strstr(o->body[0], "RoleSessionName=lambdrift-") != NULL);
	LD_CHECK(out.access_key_id == NULL);
	ld_aws_client_dispose(&c);
	ld_transport_free(&o->base);
	free(xml);
}

const ld_test ld_tests[] = {
	LD_TEST(test_sts__parse_assume_role),
	LD_TEST(test_sts__truncated_xml_is_invalid),
	LD_TEST(test_sts__missing_field_names_it),
	LD_TEST(test_sts__iso8601),
	LD_TEST(test_sts__assume_role_round_trip),
	LD_TEST(test_sts__assume_role_denied),
	{ NULL, NULL }
};
