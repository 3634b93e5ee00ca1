/* The bounded XML reader (src/aws/xml.c): exact element names, spans, direct children past
 * nested same-name elements, entities, and the query-protocol error body. */
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "harness.h"
#include "lambdrift/errors.h"

static void test_xml__find_exact_names(void)
{
	const char *x = "<R><CodeX>no</CodeX><Code a=\"1\">yes</Code><Empty/></R>";
	const char *v;
	size_t n;
	char out[16];

	LD_REQUIRE(ld_xml_find(x, strlen(x), "Code", &v, &n));
	LD_CHECK_INT(n, 3);
	LD_CHECK(!strncmp(v, "yes", 3));
	LD_REQUIRE(ld_xml_find(x, strlen(x), "Empty", &v, &n));
	LD_CHECK_INT(n, 0);
	LD_CHECK(!ld_xml_find(x, strlen(x), "Missing", &v, &n));
	/* the span bounds the search: the closing tag lies outside it */
	LD_CHECK(!ld_xml_find(x, 40, "Code", &v, &n));
	LD_CHECK_INT(ld_xml_text(out, sizeof(out), "a&amp;b&#65;&#x42;&lt;", 22), 0);
	LD_CHECK_STR(out, "a&bAB<");
	LD_CHECK_INT(ld_xml_text(out, sizeof(out), "a&bogus;", 8), LD_EINVALID);
	LD_CHECK_INT(ld_xml_text(out, sizeof(out), "a&amp", 5), LD_EINVALID);
	LD_CHECK_INT(ld_xml_text(out, 4, "abcdef", 6), LD_ELIMIT);
}

/* Direct children: a role's <Arn> and its <member>s, not those of the instance profile
 * nested in it (GetAccountAuthorizationDetails's RoleDetailList), same-name nesting matched. */
static void test_xml__child_skips_nested(void)
{
	const char *x = "<member><InstanceProfileList><member><Arn/><Arn>ip</Arn><Roles><member>"
			"<Arn>inner</Arn></member></Roles></member></InstanceProfileList>"
			"<Arn>role</Arn><Tags/><List><member>a</member><member/><member>"
			"<member>n</member>b</member></List></member><member>2</member>";
	const char *v, *list;
	size_t n, llen, pos = 0;

	LD_REQUIRE(ld_xml_child(x, strlen(x), "member", &v, &n));
	LD_CHECK(!strncmp(v + n, "</member><member>2", 18));
	LD_REQUIRE(ld_xml_child(v, n, "Arn", &v, &n) && n == 4);
	LD_CHECK(!strncmp(v, "role", 4));
	LD_REQUIRE(ld_xml_child(x + 8, strlen(x) - 8, "Tags", &v, &n));
	LD_CHECK_INT(n, 0);
	/* the members of <List>, one after another */
	LD_REQUIRE(ld_xml_find(x, strlen(x), "List", &list, &llen));
	LD_REQUIRE(ld_xml_next_child(list, llen, "member", &pos, &v, &n) && n == 1 && v[0] == 'a');
	LD_REQUIRE(ld_xml_next_child(list, llen, "member", &pos, &v, &n) && n == 0);
	LD_REQUIRE(ld_xml_next_child(list, llen, "member", &pos, &v, &n));
	LD_CHECK(n == 19 && !strncmp(v, "<member>n</member>b", 19));
	LD_CHECK(pos == llen);
	LD_CHECK(!ld_xml_next_child(list, llen, "member", &pos, &v, &n));
	/* absent, unclosed, or past the parent's end */
	LD_CHECK(!ld_xml_child(x, strlen(x), "Roles", &v, &n));
	LD_CHECK(!ld_xml_child("<a><b>x</b>", 11, "a", &v, &n));
	LD_CHECK(!ld_xml_child("</p><a>x</a>", 12, "a", &v, &n));
}

static void test_xml__parse_error(void)
{
	char code[64], msg[512];
	size_t len;
	char *xml = ld_test_read_file("fixtures/aws/sts/error-access-denied.xml", &len);

	LD_REQUIRE(xml);
	LD_CHECK(ld_xml_parse_error(code, sizeof(code), msg, sizeof(msg), xml, len));
	LD_CHECK_STR(code, "AccessDenied");
	LD_CHECK(strstr(msg, "is not authorized to perform: sts:AssumeRole") != NULL);
	LD_CHECK(strstr(msg, "audit & more") != NULL);
	/* truncated before the code closes: no code */
	LD_CHECK(!ld_xml_parse_error(code, sizeof(code), msg, sizeof(msg), xml,
				     (size_t)(strstr(xml, "</Code>") - xml)));
	LD_CHECK_STR(code, "");
	free(xml);
}

const ld_test ld_tests[] = {
	LD_TEST(test_xml__find_exact_names),
	LD_TEST(test_xml__child_skips_nested),
	LD_TEST(test_xml__parse_error),
	{ NULL, NULL }
};
