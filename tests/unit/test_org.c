/* --accounts org's listing over the scripted transport (script.h): ListAccounts pages (the
 * JSON 1.1 target and content type, MaxResults 20, the NextToken handed back, signed for
 * Organizations in us-east-1 at the configured endpoint), ids sorted and deduplicated,
 * State preferred to the retired Status, names and emails kept out of every message; and
 * failing closed: access denied (naming organizations:ListAccounts), an account without a
 * state or a 12-digit id, a listing with no account, a NextToken that does not move on. */
#include <stdlib.h>
#include <string.h>

#include "aws/session.h"
#include "harness.h"
#include "script.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static ld_script *f_new(void)
{
	return ld_script_new();
}

static void add(ld_script *f, long status, const char *error_type, const char *body)
{
	ld_script_add(f, (ld_script_step){ .status = status, .body = body,
					   .error_type = error_type });
}

/* A session in eu-west-1 whose Organizations endpoint is configured (as --endpoint-url
 * sets it), on `f`, with no pacing and one attempt per request. */
static int session_on(ld_aws_session **s, ld_script **f)
{
	ld_retry_policy p = ld_script_unpaced(1);
	ld_aws_config cfg;

	*f = f_new();
	ld_script_config(&cfg, "eu-west-1", SECRET);
	cfg.org_endpoint_url = strdup("http://127.0.0.1:5001");
	return ld_aws_session__new_with(s, NULL, &cfg, &(*f)->base, &p);
}

static bool message_has(const char *needle)
{
	return strstr(ld_error_last()->message, needle) != NULL;
}

#define ACCOUNT(id, state) \
	"{\"Id\":\"" id "\",\"Arn\":\"arn:aws:organizations::111111111111:account/o-abc/" id \
	"\",\"Email\":\"secret-mail@example.com\",\"Name\":\"Payroll\",\"State\":\"" state \
	"\",\"JoinedMethod\":\"CREATED\",\"JoinedTimestamp\":1.7e9}"

static void test_org__pages(void)
{
	ld_api_calls calls = { 0 };
	ld_aws_session *s = NULL;
	ld_org_account *a = NULL;
	size_t n = 0;
	ld_script *f;

	LD_REQUIRE(session_on(&s, &f) == 0);
	add(f, 200, NULL, "{\"Accounts\":[" ACCOUNT("333333333333", "ACTIVE") ","
	    ACCOUNT("111111111111", "ACTIVE") "],\"NextToken\":\"tok/1+\\\"x\"}");
	/* an empty page that still has more, as the API model warns */
	add(f, 200, NULL, "{\"Accounts\":[],\"NextToken\":\"tok2\"}");
	/* the retired Status alone is read; State wins over it; one account listed again */
	add(f, 200, NULL, "{\"Accounts\":[{\"Id\":\"222222222222\",\"Status\":\"SUSPENDED\"},"
	    "{\"Id\":\"444444444444\",\"Status\":\"ACTIVE\",\"State\":\"PENDING_CLOSURE\"},"
	    ACCOUNT("111111111111", "ACTIVE") "],\"NextToken\":null}");
	LD_REQUIRE(ld_aws_org_accounts(&a, &n, s, &calls) == 0);
	LD_CHECK_INT(f->next, 3);
	LD_CHECK_STR(f->url[0], "http://127.0.0.1:5001/");
	LD_CHECK(strstr(f->headers[0], "X-Amz-Target: AWSOrganizationsV20161128.ListAccounts\n"));
	LD_CHECK(strstr(f->headers[0], "Content-Type: application/x-amz-json-1.1\n"));
	LD_CHECK(strstr(f->headers[0], "/us-east-1/organizations/aws4_request") != NULL);
	LD_CHECK_STR(f->body[0], "{\"MaxResults\":20}");
	LD_CHECK_STR(f->body[1], "{\"MaxResults\":20,\"NextToken\":\"tok/1+\\\"x\"}");
	LD_CHECK_STR(f->body[2], "{\"MaxResults\":20,\"NextToken\":\"tok2\"}");
	LD_REQUIRE(n == 4);
	LD_CHECK_STR(a[0].id, "111111111111");
	LD_CHECK_STR(a[0].state, "ACTIVE");
	LD_CHECK_STR(a[1].id, "222222222222");
	LD_CHECK_STR(a[1].state, "SUSPENDED");
	LD_CHECK_STR(a[2].id, "333333333333");
	LD_CHECK_STR(a[3].id, "444444444444");
	LD_CHECK_STR(a[3].state, "PENDING_CLOSURE");
	LD_CHECK_INT(calls.organizations, 3);
	LD_CHECK_INT(calls.control, 0);
	ld_org_accounts_free(a);
	ld_org_accounts_free(NULL);
	ld_aws_session_free(s);
}

/* Each case: the page answered, the error and what its message must say. */
static void test_org__fails_closed(void)
{
	static const struct {
		long status;
		const char *type, *body;
		int error;
		const char *says;
	} cases[] = {
		{ 400, "AccessDeniedException",
		  "{\"__type\":\"AccessDeniedException\",\"Message\":\"You don't have permissions "
		  "to access this resource.\"}", LD_EAUTH, "organizations:ListAccounts" },
		{ 400, "AWSOrganizationsNotInUseException",
		  "{\"Message\":\"Your account is not a member of an organization.\"}", LD_ERROR,
		  "AWSOrganizationsNotInUseException" },
		{ 200, NULL, "{\"Accounts\":[{\"Id\":\"111111111111\",\"Name\":\"Payroll\"}]}",
		  LD_EINVALID, "111111111111 without a State" },
		{ 200, NULL, "{\"Accounts\":[{\"Id\":\"1111\",\"State\":\"ACTIVE\"}]}", LD_EINVALID,
		  "12-digit" },
		{ 200, NULL, "{\"Accounts\":[]}", LD_EINVALID, "no account" },
		{ 200, NULL, "{\"Accounts\":{}}", LD_EINVALID, "without an Accounts list" },
		{ 200, NULL, "{\"Accounts\":[" ACCOUNT("111111111111", "ACTIVE") "]", LD_EINVALID,
		  "ListAccounts" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ld_aws_session *s = NULL;
		ld_org_account *a = (ld_org_account *)1;
		size_t n = 7;
		ld_script *f;
		int rc;

		LD_REQUIRE(session_on(&s, &f) == 0);
		add(f, cases[i].status, cases[i].type, cases[i].body);
		rc = ld_aws_org_accounts(&a, &n, s, NULL);
		if (rc != cases[i].error || !message_has(cases[i].says))
			ld_test_fail(__FILE__, __LINE__, "case %zu: %d '%s'", i, rc,
				     ld_error_last()->message);
		LD_CHECK(a == NULL && n == 0);
		LD_CHECK(!message_has("Payroll") && !message_has("secret-mail"));
		ld_aws_session_free(s);
	}
}

static void test_org__token_repeated(void)
{
	ld_aws_session *s = NULL;
	ld_org_account *a = NULL;
	size_t n = 0;
	ld_script *f;

	LD_REQUIRE(session_on(&s, &f) == 0);
	add(f, 200, NULL, "{\"Accounts\":[" ACCOUNT("111111111111", "ACTIVE") "],"
	    "\"NextToken\":\"same\"}");
	add(f, 200, NULL, "{\"Accounts\":[],\"NextToken\":\"same\"}");
	LD_CHECK_INT(ld_aws_org_accounts(&a, &n, s, NULL), LD_EINVALID);
	LD_CHECK(message_has("would not end"));
	LD_CHECK(a == NULL && n == 0);
	ld_aws_session_free(s);
}

const ld_test ld_tests[] = {
	LD_TEST(test_org__pages),
	LD_TEST(test_org__fails_closed),
	LD_TEST(test_org__token_repeated),
	{ NULL, NULL },
};
