/* Layers over a scripted fake transport: layer version ARN parsing (good, aws-owned,
 * malformed, overlong), GetLayerVersion (the request's path and region, the parsed content,
 * a missing Content, access denied, not found, the presigned location kept out of every
 * message, dispose) and ListLayerVersions (two pages with the marker encoded, the highest
 * Version picked, an empty listing, access denied, a repeated marker), with calls counted in
 * the control class. */
#include <stdlib.h>
#include <string.h>

#include "aws/layer.h"
#include "aws/session.h"
#include "harness.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "script.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SIG "f00dfacecafe5ec7e75160a7c0de5ec7"
#define LOCATION "https://awslambda-eu-west-1-layers.s3.eu-west-1.amazonaws.com/snapshots/" \
		 "123456789012/deps-0d2c?versionId=x&X-Amz-Signature=" SIG
#define LAYER "arn:aws:lambda:eu-west-1:123456789012:layer:deps"
#define LAYER_PATH "/2018-10-31/layers/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012" \
		   "%3Alayer%3Adeps/versions"

/* --- the scripted transport (script.h), in order ---------------------------------- */

typedef ld_script fake;

static void add(fake *f, long status, const char *error_type, const char *body)
{
	ld_script_add(f, (ld_script_step){ .status = status, .body = body,
					   .error_type = error_type });
}

/* A session in us-east-1 (not the layer's region) on `f`, with an endpoint override as
 * profile.c would resolve it, and no pacing or real sleeps. */
static int session_on(ld_aws_session **s, fake **f)
{
	ld_retry_policy p = ld_script_unpaced(1);
	ld_aws_config cfg;

	*f = ld_script_new();
	ld_script_config(&cfg, "us-east-1", SECRET);
	cfg.sts_endpoint_url = strdup("http://127.0.0.1:5000");
	return ld_aws_session__new_with(s, NULL, &cfg, &(*f)->base, &p);
}

static bool message_has(const char *needle)
{
	return strstr(ld_error_last()->message, needle) != NULL;
}

/* --- ARNs ------------------------------------------------------------------------- */

static void test_layer__arn_parse_good(void)
{
	ld_layer_arn a;

	LD_REQUIRE(ld_layer_arn_parse(&a, LAYER ":12") == 0);
	LD_CHECK_STR(a.partition, "aws");
	LD_CHECK_STR(a.region, "eu-west-1");
	LD_CHECK_STR(a.account, "123456789012");
	LD_CHECK_STR(a.name, "deps");
	LD_CHECK_INT(a.version, 12);
	LD_CHECK_STR(a.layer_arn, LAYER);

	LD_REQUIRE(ld_layer_arn_parse(&a, "arn:aws-us-gov:lambda:us-gov-west-1:000000000001:"
				      "layer:My_Layer-2:1") == 0);
	LD_CHECK_STR(a.partition, "aws-us-gov");
	LD_CHECK_STR(a.region, "us-gov-west-1");
	LD_CHECK_STR(a.name, "My_Layer-2");
	LD_CHECK_INT(a.version, 1);
	LD_CHECK_STR(a.layer_arn, "arn:aws-us-gov:lambda:us-gov-west-1:000000000001:layer:My_Layer-2");
}

static void test_layer__arn_parse_awslayer(void)
{
	ld_layer_arn a;

	LD_CHECK_INT(ld_layer_arn_parse(&a, "arn:aws:lambda:::awslayer:AmazonLinux1803"),
		     LD_EINVALID);
	LD_CHECK(message_has("aws-owned"));
	LD_CHECK(message_has("arn:aws:lambda:::awslayer:AmazonLinux1803"));
}

static void test_layer__arn_parse_malformed(void)
{
	static const char *const bad[] = {
		"", LAYER, LAYER ":", LAYER ":x", LAYER ":0", LAYER ":-1", LAYER ":1:2",
		LAYER ":99999999999999999999",
		"arn:aws:lambda:eu-west-1:123456789012:function:deps:1",
		"arn:aws:s3:eu-west-1:123456789012:layer:deps:1",
		"arn:aws:lambda:eu-west-1:12345678901:layer:deps:1",
		"arn:aws:lambda:eu-west-1:1234567890123:layer:deps:1",
		"arn:aws:lambda::123456789012:layer:deps:1",
		"arn:aws:lambda:eu-west-1:123456789012:layer::1",
		"arn:aws:lambda:eu-west-1:123456789012:layer:de/ps:1",
		"arn:aws:lambda:eu-west-1:123456789012:layer:de ps\n:1",
		"urn:aws:lambda:eu-west-1:123456789012:layer:deps:1",
		NULL
	};
	ld_layer_arn a;

	for (size_t i = 0; bad[i]; i++) {
		int rc = ld_layer_arn_parse(&a, bad[i]);
		if (rc != LD_EINVALID)
			ld_test_fail(__FILE__, __LINE__, "'%s' parsed (%d)", bad[i], rc);
		LD_CHECK(strchr(ld_error_last()->message, '\n') == NULL);
	}
	LD_CHECK_INT(ld_layer_arn_parse(&a, NULL), LD_EINVALID);
	LD_CHECK_INT(ld_layer_arn_parse(&a, LAYER ":x"), LD_EINVALID);
	LD_CHECK(message_has(LAYER ":x"));
}

static void test_layer__arn_parse_overlong(void)
{
	char arn[700];
	ld_layer_arn a;

	/* a name past the model's 140 characters, though the ARN fits the buffer */
	snprintf(arn, sizeof(arn), "arn:aws:lambda:eu-west-1:123456789012:layer:%0141d:1", 0);
	LD_CHECK_INT(ld_layer_arn_parse(&a, arn), LD_EINVALID);
	/* an ARN past the buffer: refused, and the message stays bounded */
	memset(arn, 'a', sizeof(arn) - 1);
	arn[sizeof(arn) - 1] = '\0';
	memcpy(arn, LAYER ":", strlen(LAYER ":"));
	LD_CHECK_INT(ld_layer_arn_parse(&a, arn), LD_EINVALID);
	LD_CHECK(message_has("too long"));
	LD_CHECK(strlen(ld_error_last()->message) < 400);
}

/* --- GetLayerVersion -------------------------------------------------------------- */

static void test_layer__get(void)
{
	ld_api_calls calls = { 0 };
	ld_aws_session *s = NULL;
	ld_layer_info info;
	fake *f;

	LD_REQUIRE(session_on(&s, &f) == 0);
	add(f, 200, NULL,
	    "{\"Content\":{\"Location\":\"" LOCATION "\",\"CodeSha256\":\"47DEQpj8HBSa+/TImW+5JCeuQ"
	    "eRkm5NMpJWZG3hSuFU=\",\"CodeSize\":1234},\"LayerArn\":\"" LAYER "\","
	    "\"LayerVersionArn\":\"" LAYER ":3\",\"Version\":3}");
	LD_REQUIRE(ld_layer_get(&info, s, LAYER ":3", &calls) == 0);
	LD_CHECK_STR(f->url[0], "http://127.0.0.1:5000" LAYER_PATH "/3");
	/* signed for the layer's region, not the session's */
	LD_CHECK(strstr(f->headers[0], "/eu-west-1/lambda/aws4_request") != NULL);
	LD_CHECK_STR(info.location, LOCATION);
	LD_CHECK_STR(info.code_sha256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	LD_CHECK_INT(info.code_size, 1234);
	LD_CHECK_INT(info.version, 3);
	LD_CHECK_INT(calls.control, 1);
	LD_CHECK_INT(calls.get_function, 0);
	LD_CHECK_INT(calls.errors, 0);
	ld_layer_info_dispose(&info);
	LD_CHECK(info.location == NULL && info.code_sha256 == NULL);
	ld_layer_info_dispose(&info); /* zeroed */
	ld_layer_info_dispose(NULL);
	ld_aws_session_free(s);
}

static void test_layer__get_errors(void)
{
	ld_api_calls calls = { 0 };
	ld_aws_session *s = NULL;
	ld_layer_info info;
	fake *f;

	LD_REQUIRE(session_on(&s, &f) == 0);
	add(f, 200, NULL, "{\"Version\":3,\"LayerArn\":\"" LAYER "\"}");
	add(f, 200, NULL, "{\"Content\":\"" LOCATION "\"}");
	add(f, 200, NULL, "{\"Content\":{\"Location\":\"" LOCATION "\",");
	add(f, 403, "AccessDeniedException",
	    "{\"Message\":\"User is not authorized to perform: lambda:GetLayerVersion\"}");
	add(f, 404, "ResourceNotFoundException",
	    "{\"Type\":\"User\",\"Message\":\"Layer version " LAYER ":3 does not exist\"}");

	LD_CHECK_INT(ld_layer_get(&info, s, LAYER ":3", &calls), LD_EINVALID);
	LD_CHECK(message_has("no Content"));
	LD_CHECK(info.location == NULL);
	LD_CHECK_INT(ld_layer_get(&info, s, LAYER ":3", &calls), LD_EINVALID);
	LD_CHECK(!message_has(SIG) && !message_has("amazonaws"));
	LD_CHECK_INT(ld_layer_get(&info, s, LAYER ":3", &calls), LD_EINVALID);
	LD_CHECK(!message_has(SIG) && !message_has("amazonaws"));
	LD_CHECK(info.location == NULL);
	LD_CHECK_INT(ld_layer_get(&info, s, LAYER ":3", &calls), LD_EAUTH);
	LD_CHECK(message_has("lambda:GetLayerVersion"));
	LD_CHECK(message_has("cannot read layer version " LAYER ":3: access denied"));
	LD_CHECK_INT(ld_layer_get(&info, s, LAYER ":3", &calls), LD_ENOTFOUND);
	LD_CHECK(message_has("cannot read layer version " LAYER ":3: GetLayerVersion: not found"));
	LD_CHECK_INT(calls.control, 5);
	LD_CHECK_INT(calls.errors, 2);
	/* an unparseable ARN costs no call */
	LD_CHECK_INT(ld_layer_get(&info, s, "arn:aws:lambda:::awslayer:AmazonLinux1803", &calls),
		     LD_EINVALID);
	LD_CHECK_INT(calls.control, 5);
	LD_CHECK_INT(f->next, 5);
	ld_aws_session_free(s);
}

/* --- ListLayerVersions ------------------------------------------------------------ */

static void test_layer__newest_two_pages(void)
{
	ld_api_calls calls = { 0 };
	ld_aws_session *s = NULL;
	char *arn = NULL;
	long newest = -1;
	fake *f;

	LD_REQUIRE(session_on(&s, &f) == 0);
	add(f, 200, NULL,
	    "{\"LayerVersions\":[{\"LayerVersionArn\":\"" LAYER ":3\",\"Version\":3},"
	    "{\"LayerVersionArn\":\"" LAYER ":1\",\"Version\":1}],\"NextMarker\":\"ab/c=+\"}");
	add(f, 200, NULL,
	    "{\"LayerVersions\":[{\"LayerVersionArn\":\"" LAYER ":7\",\"Version\":7},"
	    "{\"LayerVersionArn\":\"" LAYER ":5\",\"Version\":5}],\"NextMarker\":\"\"}");
	LD_REQUIRE(ld_layer_newest(&newest, &arn, s, LAYER ":1", &calls) == 0);
	LD_CHECK_INT(newest, 7);
	LD_CHECK_STR(arn, LAYER ":7");
	LD_CHECK_STR(f->url[0], "http://127.0.0.1:5000" LAYER_PATH "?MaxItems=50");
	LD_CHECK_STR(f->url[1],
		     "http://127.0.0.1:5000" LAYER_PATH "?MaxItems=50&Marker=ab%2Fc%3D%2B");
	LD_CHECK(strstr(f->headers[1], "/eu-west-1/lambda/aws4_request") != NULL);
	LD_CHECK_INT(calls.control, 2);
	LD_CHECK_INT(calls.get_function, 0);
	free(arn);

	/* no versions listed: 0 and no ARN; newest_arn may be NULL */
	add(f, 200, NULL, "{\"LayerVersions\":[]}");
	arn = (char *)"unset";
	LD_CHECK_INT(ld_layer_newest(&newest, &arn, s, LAYER ":1", &calls), 0);
	LD_CHECK_INT(newest, 0);
	LD_CHECK(arn == NULL);
	add(f, 200, NULL, "{\"LayerVersions\":[{\"Version\":2}]}");
	LD_CHECK_INT(ld_layer_newest(&newest, NULL, s, LAYER ":1", &calls), 0);
	LD_CHECK_INT(newest, 2);
	LD_CHECK_INT(calls.control, 4);
	ld_aws_session_free(s);
}

static void test_layer__newest_errors(void)
{
	ld_api_calls calls = { 0 };
	ld_aws_session *s = NULL;
	char *arn = NULL;
	long newest = -1;
	fake *f;

	LD_REQUIRE(session_on(&s, &f) == 0);
	add(f, 403, "AccessDeniedException", "{\"Message\":\"not authorized\"}");
	add(f, 200, NULL, "{\"LayerVersions\":[{\"Version\":1}],\"NextMarker\":\"m1\"}");
	add(f, 200, NULL, "{\"LayerVersions\":[{\"Version\":2}],\"NextMarker\":\"m1\"}");
	add(f, 200, NULL, "{\"LayerVersions\":{\"Version\":2}}");
	add(f, 200, NULL, "{\"LayerVersions\":[{\"LayerVersionArn\":\"" LAYER ":2\"}]}");

	LD_CHECK_INT(ld_layer_newest(&newest, &arn, s, LAYER ":1", &calls), LD_EAUTH);
	LD_CHECK(message_has("layer-outdated was not checked"));
	LD_CHECK(message_has(LAYER));
	LD_CHECK(arn == NULL && newest == 0);
	LD_CHECK_INT(ld_layer_newest(&newest, &arn, s, LAYER ":1", &calls), LD_EINVALID);
	LD_CHECK(message_has("already returned"));
	LD_CHECK(arn == NULL && newest == 0);
	LD_CHECK_INT(ld_layer_newest(&newest, &arn, s, LAYER ":1", &calls), LD_EINVALID);
	LD_CHECK(message_has("not a list"));
	LD_CHECK_INT(ld_layer_newest(&newest, &arn, s, LAYER ":1", &calls), LD_EINVALID);
	LD_CHECK(message_has("no valid Version"));
	LD_CHECK_INT(calls.control, 5);
	LD_CHECK_INT(ld_layer_newest(&newest, &arn, s, "arn:aws:lambda:::awslayer:X", &calls),
		     LD_EINVALID);
	LD_CHECK_INT(f->next, 5);
	ld_aws_session_free(s);
}

const ld_test ld_tests[] = {
	LD_TEST(test_layer__arn_parse_good),
	LD_TEST(test_layer__arn_parse_awslayer),
	LD_TEST(test_layer__arn_parse_malformed),
	LD_TEST(test_layer__arn_parse_overlong),
	LD_TEST(test_layer__get),
	LD_TEST(test_layer__get_errors),
	LD_TEST(test_layer__newest_two_pages),
	LD_TEST(test_layer__newest_errors),
	{ NULL, NULL },
};
