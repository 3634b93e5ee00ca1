/* The AWS client and the collector over a scripted fake transport: signing headers, Host
 * with port, retries (429 with Retry-After, 503, transport failures, exhaustion, deadline),
 * pacing, error messages per AWS error type, call counters, and ld_collect's pagination
 * (ListFunctions over 3 pages with one function's versions spanning pages, ListAliases and
 * ListEventSourceMappings paging), its guards and its failure handling. No sleeps: the
 * retry policy's clock, sleep and randomness are replaced. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/session.h"
#include "harness.h"
#include "inventory/build.h"
#include "inventory/policy.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "script.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "AQoDYXdzEPT//////////wEXAMPLEtoken"

/* --- the scripted transport (script.h), in order ---------------------------------- */

typedef ld_script fake;
typedef ld_script_step step;

static void add(fake *f, step s)
{
	ld_script_add(f, s);
}

/* A 200 step with a generated body (printf-style). */
static void add_ok(fake *f, const char *expect, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_ok(fake *f, const char *expect, const char *fmt, ...)
{
	ld_buf b = LD_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	ld_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	add(f, (step){ .status = 200, .body = ld_script_own(f, ld_buf_detach(&b)),
		       .url_has = expect });
}

/* --- injected clock, sleep and randomness ------------------------------------------ */

static long slept[64];
static size_t nslept;
static int64_t fake_now;

static void rec_sleep(void *ctx, long ms)
{
	(void)ctx;
	if (nslept < 64)
		slept[nslept++] = ms;
	fake_now += ms;
}

static int64_t clock_now(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static double half(void *ctx)
{
	(void)ctx;
	return 0.5;
}

static ld_retry_policy test_policy(void)
{
	ld_retry_policy p = LD_RETRY_POLICY_INIT;
	p.sleep_ms = rec_sleep;
	p.now_ms = clock_now;
	p.random01 = half;
	for (int i = 0; i < LD_QUOTA_COUNT; i++)
		p.rate[i] = 0;
	nslept = 0;
	fake_now = 1000000;
	return p;
}

static ld_api_calls calls;

static int client_on(ld_aws_client *c, fake *f, const char *endpoint, const ld_retry_policy *p,
		     int64_t deadline)
{
	ld_credentials creds = { "AKIDEXAMPLE", SECRET, TOKEN, 0 };
	memset(&calls, 0, sizeof(calls));
	return ld_aws_client_init(c, &f->base, &creds, "us-east-1", "lambda", endpoint, &calls, p,
				  deadline);
}

static int call_list(ld_aws_client *c, ld_http_response *resp)
{
	return ld_aws_call(c, resp, "ListFunctions", "GET", "/2015-03-31/functions",
			   "FunctionVersion=ALL&MaxItems=50", NULL, LD_QUOTA_CONTROL);
}

/* --- the client ------------------------------------------------------------------- */

static void test_client__signed_request_headers(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	add(f, (step){ .status = 200, .body = "{}" });
	add(f, (step){ .status = 200, .body = "{}" });
	LD_REQUIRE(client_on(&c, f, "http://127.0.0.1:4566/", &p, 0) == 0);
	LD_CHECK_STR(c.host, "127.0.0.1:4566");
	LD_CHECK_INT(call_list(&c, &resp), 0);
	LD_CHECK_STR(resp.body.ptr, "{}");
	LD_CHECK_STR(f->url[0],
		     "http://127.0.0.1:4566/2015-03-31/functions?FunctionVersion=ALL&MaxItems=50");
	LD_CHECK(strstr(f->headers[0], "Host: 127.0.0.1:4566\n") != NULL);
	LD_CHECK(strstr(f->headers[0], "X-Amz-Date: 20") != NULL);
	LD_CHECK(strstr(f->headers[0], "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") != NULL);
	LD_CHECK(strstr(f->headers[0], "/us-east-1/lambda/aws4_request") != NULL);
	LD_CHECK(strstr(f->headers[0], "SignedHeaders=host;x-amz-date;x-amz-security-token") != NULL);
	LD_CHECK(strstr(f->headers[0], "X-Amz-Security-Token: " TOKEN "\n") != NULL);
	LD_CHECK(strstr(f->headers[0], SECRET) == NULL);
	LD_CHECK_INT(calls.control, 1);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);

	/* the scheme's default port is left out of Host, as SDKs sign it */
	LD_REQUIRE(client_on(&c, f, "https://lambda.eu-west-1.amazonaws.com:443", &p, 0) == 0);
	LD_CHECK_STR(c.host, "lambda.eu-west-1.amazonaws.com");
	LD_CHECK_INT(ld_aws_call(&c, &resp, "GetFunction", "GET", "/2015-03-31/functions/f",
				 "Qualifier=%24LATEST", NULL, LD_QUOTA_GET_FUNCTION), 0);
	LD_CHECK(strstr(f->headers[1], "Host: lambda.eu-west-1.amazonaws.com\n") != NULL);
	LD_CHECK_INT(calls.get_function, 1);
	LD_CHECK_INT(calls.control, 0);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_client__bad_endpoint(void)
{
	fake *f = ld_script_new();
	ld_aws_client c;
	LD_CHECK_INT(client_on(&c, f, "ftp://x", NULL, 0), LD_EUSAGE);
	LD_CHECK_INT(client_on(&c, f, "https://user:pw@x", NULL, 0), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "pw") == NULL);
	ld_aws_client_dispose(&c); /* zeroed after a failed init */
	ld_transport_free(&f->base);
}

static void test_client__retry_429_honours_retry_after(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	add(f, (step){ .status = 429, .retry_after = 3, .error_type = "TooManyRequestsException",
		       .body = "{\"Type\":\"User\",\"message\":\"Rate exceeded\","
			       "\"Reason\":\"CallerRateLimitExceeded\"}" });
	add(f, (step){ .status = 429, .retry_after = 120, .error_type = "TooManyRequestsException" });
	add(f, (step){ .status = 200, .body = "{\"Functions\":[]}" });
	LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p, 0) == 0);
	LD_CHECK_INT(call_list(&c, &resp), 0);
	LD_CHECK_STR(resp.body.ptr, "{\"Functions\":[]}");
	LD_CHECK_INT(nslept, 2);
	LD_CHECK_INT(slept[0], 3000);  /* jitter 500 ms < Retry-After floor */
	LD_CHECK_INT(slept[1], 30000); /* Retry-After capped */
	LD_CHECK_INT(calls.control, 3);
	LD_CHECK_INT(calls.throttled, 2);
	LD_CHECK_INT(calls.retries, 2);
	LD_CHECK_INT(calls.errors, 0);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_client__503_then_success(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	add(f, (step){ .status = 503, .body = "<html>unavailable</html>" });
	add(f, (step){ .fail = "failed: connection reset" });
	add(f, (step){ .status = 200, .body = "{}" });
	LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p, 0) == 0);
	LD_CHECK_INT(call_list(&c, &resp), 0);
	LD_CHECK_INT(nslept, 2);
	LD_CHECK_INT(slept[0], 100); /* 0.5 * 200 ms */
	LD_CHECK_INT(slept[1], 200); /* 0.5 * 400 ms */
	LD_CHECK_INT(calls.retries, 2);
	LD_CHECK_INT(calls.throttled, 0);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_client__throttling_exhausted(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	for (int i = 0; i < 5; i++)
		add(f, (step){ .status = 429, .error_type = "TooManyRequestsException" });
	LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p, 0) == 0);
	LD_CHECK_INT(call_list(&c, &resp), LD_ETHROTTLED);
	LD_CHECK(strstr(ld_error_last()->message, "ListFunctions throttled by "
				"lambda.us-east-1.amazonaws.com after 5 attempts") != NULL);
	LD_CHECK_INT(nslept, 4);
	LD_CHECK_INT(slept[0], 500);
	LD_CHECK_INT(slept[1], 1000);
	LD_CHECK_INT(slept[2], 2000);
	LD_CHECK_INT(slept[3], 4000);
	LD_CHECK_INT(calls.control, 5);
	LD_CHECK_INT(calls.throttled, 5);
	LD_CHECK_INT(calls.retries, 4);
	LD_CHECK_INT(calls.errors, 1);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_client__5xx_exhausted_and_max_attempts(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	p.max_attempts = 2;
	add(f, (step){ .status = 500, .error_type = "ServiceException",
		       .body = "{\"Type\":\"Service\",\"Message\":\"internal\"}" });
	add(f, (step){ .status = 500, .error_type = "ServiceException" });
	LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p, 0) == 0);
	LD_CHECK_INT(call_list(&c, &resp), LD_ENET);
	LD_CHECK(strstr(ld_error_last()->message, "http 500 ServiceException after 2 attempts"));
	LD_CHECK_INT(calls.control, 2);
	LD_CHECK_INT(f->next, 2);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_client__deadline_stops_retries(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	add(f, (step){ .status = 429, .retry_after = 5, .error_type = "TooManyRequestsException" });
	LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p,
			     fake_now + 2000) == 0);
	LD_CHECK_INT(call_list(&c, &resp), LD_ETHROTTLED);
	LD_CHECK(strstr(ld_error_last()->message, "deadline") != NULL);
	LD_CHECK_INT(nslept, 0);
	ld_http_response_dispose(&resp);
	/* past the deadline nothing is sent */
	fake_now += 5000;
	LD_CHECK_INT(call_list(&c, &resp), LD_ELIMIT);
	LD_CHECK_INT(f->next, 1);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_client__pacing(void)
{
	fake *f = ld_script_new();
	ld_retry_policy p = test_policy();
	ld_aws_client c;
	ld_http_response resp;

	p.rate[LD_QUOTA_CONTROL] = 10; /* one each 100 ms, two back to back */
	for (int i = 0; i < 4; i++)
		add(f, (step){ .status = 200, .body = "{}" });
	LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p, 0) == 0);
	for (int i = 0; i < 4; i++) {
		LD_CHECK_INT(call_list(&c, &resp), 0);
		ld_http_response_dispose(&resp);
	}
	LD_CHECK_INT(nslept, 2);
	LD_CHECK_INT(slept[0], 100);
	LD_CHECK_INT(slept[1], 100);
	ld_aws_client_dispose(&c);
	ld_transport_free(&f->base);
}

typedef struct {
	long status;
	const char *type_header;
	const char *body;
	int code;
	const char *want;
} error_case;

static void test_client__error_messages(void)
{
	static const error_case cases[] = {
		{ 403, "AccessDeniedException",
		  "{\"Message\":\"User: arn:aws:iam::123456789012:user/ci is not authorized to "
		  "perform: lambda:ListFunctions on resource: *\"}",
		  LD_EAUTH,
		  "access denied: User: arn:aws:iam::123456789012:user/ci is not authorized to "
		  "perform: lambda:ListFunctions on resource: * \xe2\x80\x94 grant the missing "
		  "permission (e.g. lambda:ListFunctions) to the caller" },
		{ 403, "AccessDeniedException:http://internal.amazon.com/coral/x/", "", LD_EAUTH,
		  "access denied: no reason given" },
		{ 403, "InvalidSignatureException",
		  "{\"message\":\"The request signature we calculated does not match\"}", LD_EAUTH,
		  "request signature rejected by lambda.us-east-1.amazonaws.com: the secret access "
		  "key does not match the access key id (check AWS_SECRET_ACCESS_KEY or the profile)" },
		{ 403, "InvalidSignatureException",
		  "{\"message\":\"Signature expired: 20240101T000000Z is now earlier than ...\"}",
		  LD_EAUTH, "the system clock is off" },
		{ 403, NULL,
		  "{\"__type\":\"com.amazon.coral#UnrecognizedClientException\",\"message\":"
		  "\"The security token included in the request is invalid.\"}",
		  LD_EAUTH, "access key id not recognised by lambda.us-east-1.amazonaws.com" },
		{ 403, NULL,
		  "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
		  "<Message>The security token included in the request is invalid.</Message>"
		  "</Error></ErrorResponse>",
		  LD_EAUTH, "access key id not recognised" },
		{ 403, NULL,
		  "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
		  LD_EAUTH, "the secret access key does not match" },
		{ 403, "ExpiredTokenException", "{\"message\":\"The security token is expired\"}",
		  LD_EAUTH, "the session token has expired: refresh the credentials" },
		{ 400, NULL, "<ErrorResponse><Error><Code>ExpiredToken</Code></Error></ErrorResponse>",
		  LD_EAUTH, "session token has expired" },
		{ 404, "ResourceNotFoundException",
		  "{\"Type\":\"User\",\"Message\":\"Function not found: arn:aws:lambda:us-east-1:"
		  "123456789012:function:gone\"}",
		  LD_ENOTFOUND, "ListFunctions: not found: Function not found: arn:aws:lambda:" },
		/* a web server's own 404 page: not "the function is gone" */
		{ 404, NULL, "<html><body>Not Found</body></html>", LD_ERROR,
		  "ListFunctions: lambda.us-east-1.amazonaws.com answered http 404 without an aws "
		  "error type, so it is not the lambda api: check --endpoint-url" },
		{ 400, "InvalidParameterValueException",
		  "{\"Type\":\"User\",\"message\":\"Invalid marker\\nsecond line\"}", LD_ERROR,
		  "ListFunctions failed with http 400 InvalidParameterValueException: Invalid "
		  "marker second line" },
		{ 400, NULL, "not json at all", LD_ERROR,
		  "ListFunctions failed with http 400 (no error type): no message" },
	};
	ld_retry_policy p = test_policy();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake *f = ld_script_new();
		ld_aws_client c;
		ld_http_response resp;
		const char *m;

		add(f, (step){ .status = cases[i].status, .error_type = cases[i].type_header,
			       .body = cases[i].body });
		LD_REQUIRE(client_on(&c, f, "https://lambda.us-east-1.amazonaws.com", &p, 0) == 0);
		LD_CHECK_INT(call_list(&c, &resp), cases[i].code);
		m = ld_error_last()->message;
		if (!strstr(m, cases[i].want))
			ld_test_fail(__FILE__, __LINE__, "case %zu: message\n  %s\nlacks\n  %s", i, m,
				     cases[i].want);
		LD_CHECK(strstr(m, SECRET) == NULL && strstr(m, TOKEN) == NULL);
		LD_CHECK(strchr(m, '\n') == NULL);
		LD_CHECK_INT(f->next, 1); /* none of these is retried */
		LD_CHECK_INT(calls.errors, 1);
		ld_http_response_dispose(&resp);
		ld_aws_client_dispose(&c);
		ld_transport_free(&f->base);
	}
}

static void test_client__default_endpoints(void)
{
	ld_buf b = LD_BUF_INIT;
	ld_aws_default_endpoint(&b, "lambda", "cn-north-1");
	LD_CHECK_STR(b.ptr, "https://lambda.cn-north-1.amazonaws.com.cn");
	ld_buf_clear(&b);
	ld_aws_default_endpoint(&b, "sts", "eu-central-1");
	LD_CHECK_STR(b.ptr, "https://sts.eu-central-1.amazonaws.com");
	LD_CHECK_STR(ld_aws_partition_of("us-gov-west-1"), "aws-us-gov");
	ld_buf_dispose(&b);
}

static void test_client__url_for_message(void)
{
	char out[128];
	ld_http_url_for_message(out, sizeof(out),
				"https://bucket.s3.amazonaws.com/key?X-Amz-Signature=abc&X-Amz-Credential=x");
	LD_CHECK_STR(out, "https://bucket.s3.amazonaws.com/key");
	ld_http_url_for_message(out, sizeof(out), "http://u:p@127.0.0.1:9/x");
	LD_CHECK_STR(out, "http://127.0.0.1:9/x");
	ld_http_url_for_message(out, sizeof(out), "127.0.0.1:9/x#frag");
	LD_CHECK_STR(out, "127.0.0.1:9/x");
	ld_http_host_for_message(out, sizeof(out), "https://u:p@host.example:8443/a/b?q=1");
	LD_CHECK_STR(out, "host.example:8443");
}

/* --- sessions and the collector --------------------------------------------------- */

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A resolved configuration as profile.c would produce it. */
static void make_cfg(ld_aws_config *cfg, const char *region, const char *role)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = dup("default");
	cfg->region = dup(region);
	cfg->endpoint_url = dup("http://127.0.0.1:5000");
	cfg->sts_endpoint_url = dup("http://127.0.0.1:5000");
	cfg->base.access_key_id = dup("AKIDEXAMPLE");
	cfg->base.secret_access_key = dup(SECRET);
	cfg->source = dup("environment");
	if (role) {
		cfg->roles = calloc(1, sizeof(*cfg->roles));
		cfg->roles[0].role_arn = dup(role);
		cfg->roles[0].session_name = dup("test");
		cfg->roles[0].profile = dup("default");
		cfg->nroles = 1;
	}
}

static int session_on(ld_aws_session **s, fake *f, const char *region, const char *role)
{
	ld_aws_config cfg;
	ld_retry_policy p = test_policy();
	make_cfg(&cfg, region, role);
	return ld_aws_session__new_with(s, NULL, &cfg, &f->base, &p);
}

#define ARN "arn:aws:lambda:us-east-1:123456789012:function:"

/* One ListFunctions entry. */
static void entry(ld_buf *b, const char *name, int version, bool comma)
{
	char v[16];
	if (version < 0)
		snprintf(v, sizeof(v), "$LATEST");
	else
		snprintf(v, sizeof(v), "%d", version);
	ld_buf_printf(b, "{\"FunctionName\":\"%s\",\"FunctionArn\":\"" ARN "%s:%s\","
			 "\"Version\":\"%s\",\"Runtime\":\"python3.12\",\"Handler\":\"app.h\","
			 "\"CodeSha256\":\"YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=\","
			 "\"MemorySize\":128,\"Timeout\":3,\"PackageType\":\"Zip\","
			 "\"Environment\":{\"Variables\":{\"TOKEN\":\"s3cr3t-value\"}},"
			 "\"LastModified\":\"2024-01-01T00:00:00.000+0000\"}%s",
		      name, name, v, v, comma ? "," : "");
}

static void add_page(fake *f, const char *expect, ld_buf *items, const char *next)
{
	add_ok(f, expect, "{\"Functions\":[%s],\"NextMarker\":%s}", items->ptr, next);
	ld_buf_clear(items);
}

static size_t nprogress;
static void on_progress(void *ctx, const ld_inventory *inv, const char *region)
{
	(void)ctx;
	(void)inv;
	if (!strcmp(region, "us-east-1"))
		nprogress++;
}

static void script_functions(fake *f)
{
	ld_buf b = LD_BUF_INIT;
	/* page 1: $LATEST and 1..49 of "big"; page 2: 50..64, then "other" and an excluded
	 * function; page 3: the rest of "other" */
	for (int v = -1; v < 49; v++)
		entry(&b, "big", v, v < 48);
	add_page(f, "/2015-03-31/functions?FunctionVersion=ALL&MaxItems=50", &b, "\"m1==\"");
	for (int v = 50; v <= 64; v++)
		entry(&b, "big", v, true);
	entry(&b, "other", -1, true);
	entry(&b, "skip-me", -1, true);
	entry(&b, "other", 1, false);
	add_page(f, "&Marker=m1%3D%3D", &b, "\"m/2+\"");
	entry(&b, "other", 2, true);
	entry(&b, "big", 64, false); /* listed again: not duplicated */
	add_page(f, "&Marker=m%2F2%2B", &b, "\"\"");
	ld_buf_dispose(&b);
}

static void test_collect__paginates_everything(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	ld_inventory inv;
	const char *globs[] = { "big", "oth*" };
	ld_collect_opts opts = LD_COLLECT_OPTS_INIT;
	const ld_function *big, *other;

	ld_inventory_init(&inv);
	script_functions(f);
	add_ok(f, "/2015-03-31/functions/big/aliases?MaxItems=50",
	       "{\"Aliases\":[{\"AliasArn\":\"" ARN "big:live\",\"Name\":\"live\","
	       "\"FunctionVersion\":\"64\"}],\"NextMarker\":\"a1\"}");
	add_ok(f, "/2015-03-31/functions/big/aliases?MaxItems=50&Marker=a1",
	       "{\"Aliases\":[{\"AliasArn\":\"" ARN "big:canary\",\"Name\":\"canary\","
	       "\"FunctionVersion\":\"63\",\"RoutingConfig\":{\"AdditionalVersionWeights\":"
	       "{\"64\":0.1}}}],\"NextMarker\":null}");
	add_ok(f, "/2015-03-31/functions/other/aliases", "{\"Aliases\":[]}");
	add_ok(f, "/2015-03-31/event-source-mappings?MaxItems=100",
	       "{\"EventSourceMappings\":[{\"UUID\":\"u-2\",\"FunctionArn\":\"" ARN "big\","
	       "\"EventSourceArn\":\"arn:aws:sqs:us-east-1:123456789012:q\",\"State\":\"Enabled\","
	       "\"LastModified\":1569284520.333},{\"UUID\":\"u-9\",\"FunctionArn\":\"" ARN
	       "skip-me\"}],\"NextMarker\":\"e1\"}");
	add_ok(f, "MaxItems=100&Marker=e1",
	       "{\"EventSourceMappings\":[{\"UUID\":\"u-1\",\"FunctionArn\":\"" ARN "other:live\","
	       "\"State\":\"Disabled\"}]}");
	/* resource policies (one request at a time: after the control-class listings), of
	 * each function and, once its aliases are known, of each alias: none (404 is no
	 * policy, not a failure), but big's alias live lets an S3 bucket of any account
	 * invoke it, so its reserved concurrency is read */
	add(f, (step){ .status = 404, .error_type = "ResourceNotFoundException",
		       .body = "{\"Message\":\"The resource you requested does not exist.\"}",
		       .url_has = "/2015-03-31/functions/big/policy" });
	add_ok(f, "/2015-03-31/functions/big/policy?Qualifier=live",
	       "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":{"
	       "\\\"Sid\\\":\\\"s3\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":"
	       "{\\\"Service\\\":\\\"s3.amazonaws.com\\\"},\\\"Action\\\":"
	       "\\\"lambda:InvokeFunction\\\"}}\",\"RevisionId\":\"r1\"}");
	add(f, (step){ .status = 404, .error_type = "ResourceNotFoundException",
		       .body = "{}", .url_has = "/2015-03-31/functions/big/policy?Qualifier=canary" });
	add_ok(f, "/2015-03-31/functions/big", "{\"Configuration\":{},\"Code\":{\"Location\":"
	       "\"https://s3.example/p?X-Amz-Signature=s3cr3t\"},\"Concurrency\":"
	       "{\"ReservedConcurrentExecutions\":0}}");
	add(f, (step){ .status = 404, .error_type = "ResourceNotFoundException",
		       .body = "{}", .url_has = "/2015-03-31/functions/other/policy" });

	LD_REQUIRE(session_on(&s, f, "us-east-1", NULL) == 0);
	LD_CHECK_STR(ld_aws_session_region(s), "us-east-1");
	LD_CHECK_STR(ld_aws_session_source(s), "environment");
	opts.function_globs = globs;
	opts.nglobs = 2;
	opts.progress = on_progress;
	nprogress = 0;
	LD_CHECK_INT(ld_collect(&inv, s, NULL, &opts), 0);
	LD_CHECK_INT(f->next, f->nsteps);
	LD_CHECK(inv.complete);
	LD_CHECK_STR(inv.account, "123456789012");
	LD_CHECK_STR(inv.partition, "aws");
	LD_REQUIRE(inv.nregions == 1);
	LD_CHECK_STR(inv.regions[0], "us-east-1");
	LD_CHECK(inv.digest_key_id != NULL);
	LD_CHECK(inv.collected_at != NULL);
	LD_REQUIRE(inv.nfunctions == 2);
	big = &inv.functions[0];
	other = &inv.functions[1];
	LD_CHECK_STR(big->name, "big");
	LD_CHECK_STR(big->arn, ARN "big");
	LD_REQUIRE(big->nversions == 65);
	LD_CHECK_STR(big->versions[0].version, "$LATEST");
	LD_CHECK_STR(big->versions[64].version, "64");
	LD_CHECK_STR(other->name, "other");
	LD_CHECK_INT(other->nversions, 3);
	LD_CHECK_INT(other->naliases, 0);
	LD_REQUIRE(big->naliases == 2);
	LD_CHECK_STR(big->aliases[0].name, "canary");
	LD_CHECK_STR(big->aliases[0].function_version, "63");
	LD_REQUIRE(big->aliases[0].nweights == 1);
	LD_CHECK_STR(big->aliases[0].weights[0].version, "64");
	LD_CHECK(big->aliases[0].weights[0].weight > 0.099 && big->aliases[0].weights[0].weight < 0.101);
	LD_CHECK_STR(big->aliases[1].name, "live");
	LD_CHECK_STR(big->aliases[1].arn, ARN "big:live");
	LD_REQUIRE(inv.ntriggers == 2); /* skip-me's mapping is filtered like the function */
	LD_CHECK_STR(inv.triggers[0].uuid, "u-1");
	LD_CHECK_STR(inv.triggers[0].function_arn, ARN "other:live");
	LD_CHECK(inv.triggers[0].event_source_arn == NULL);
	LD_CHECK_STR(inv.triggers[1].state, "Enabled");
	LD_CHECK_STR(inv.triggers[1].region, "us-east-1");
	LD_CHECK_INT(inv.calls.control, 8);
	LD_CHECK_INT(inv.calls.get_policy, 4);
	LD_CHECK_INT(inv.calls.errors, 0); /* 404: no policy, not a failed request */
	LD_CHECK_INT(inv.calls.get_function, 1);
	LD_REQUIRE(big->policy && other->policy);
	LD_CHECK(!big->policy->unchecked && !other->policy->unchecked);
	LD_REQUIRE(big->policy->npolicies == 1);
	LD_CHECK_STR(big->policy->policies[0].qualifier, "live");
	LD_CHECK(!big->policy->urls_checked); /* no policy names a URL */
	LD_CHECK(big->policy->concurrency_checked);
	LD_CHECK_INT(big->policy->reserved_concurrency, 0);
	LD_CHECK_INT(other->policy->npolicies, 0);
	LD_CHECK(!other->policy->concurrency_checked);
	LD_CHECK_INT(inv.calls.retries, 0);
	LD_CHECK_INT(inv.calls.sts, 0);
	LD_CHECK_INT(nprogress, 8);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void test_collect__repeated_marker_stops(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	ld_inventory inv;

	ld_inventory_init(&inv);
	add_ok(f, NULL, "{\"Functions\":[],\"NextMarker\":\"x\"}");
	add_ok(f, "Marker=x", "{\"Functions\":[],\"NextMarker\":\"y\"}");
	add_ok(f, "Marker=y", "{\"Functions\":[],\"NextMarker\":\"x\"}");
	LD_REQUIRE(session_on(&s, f, "us-east-1", NULL) == 0);
	LD_CHECK_INT(ld_collect(&inv, s, NULL, NULL), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "ListFunctions in us-east-1 returned a marker "
				"it had already returned") != NULL);
	LD_CHECK_INT(f->next, 3);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void test_collect__truncated_json(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	ld_inventory inv;
	ld_buf b = LD_BUF_INIT;

	ld_inventory_init(&inv);
	entry(&b, "big", -1, false);
	/* asked three times (a body cut in transit may parse the next time), then given up */
	for (int i = 0; i < 3; i++)
		add_ok(f, NULL, "{\"Functions\":[%.*s", (int)(b.size / 2), b.ptr);
	LD_REQUIRE(session_on(&s, f, "us-east-1", NULL) == 0);
	LD_CHECK_INT(ld_collect(&inv, s, NULL, NULL), LD_EINVALID);
	LD_CHECK_INT(f->next, 3);
	LD_CHECK_INT(inv.calls.retries, 2);
	LD_CHECK(strstr(ld_error_last()->message, "ListFunctions response (page 1)") != NULL);
	LD_CHECK(strstr(ld_error_last()->message, "s3cr3t") == NULL);
	ld_buf_dispose(&b);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void test_collect__alias_failure_is_a_problem(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	ld_inventory inv;
	ld_buf b = LD_BUF_INIT;

	ld_inventory_init(&inv);
	entry(&b, "a", -1, true);
	entry(&b, "b", -1, true);
	entry(&b, "c", -1, false);
	add_ok(f, NULL, "{\"Functions\":[%s]}", b.ptr);
	add(f, (step){ .status = 404, .error_type = "ResourceNotFoundException",
		       .body = "{\"Message\":\"Function not found: a\"}", .url_has = "/a/aliases" });
	add(f, (step){ .status = 403, .error_type = "AccessDeniedException",
		       .body = "{\"Message\":\"no ListAliases for you\"}", .url_has = "/b/aliases" });
	add_ok(f, "event-source-mappings", "{\"EventSourceMappings\":[]}");
	/* each function's own GetPolicy is asked once it is listed, whatever its ListAliases
	 * gives; the answer of a function without its aliases is not kept */
	add_ok(f, "/a/policy", "{\"Policy\":\"{\\\"Statement\\\":[]}\"}");
	add(f, (step){ .status = 404, .error_type = "ResourceNotFoundException",
		       .body = "{}", .url_has = "/b/policy" });
	LD_REQUIRE(session_on(&s, f, "us-east-1", NULL) == 0);
	LD_CHECK_INT(ld_collect(&inv, s, NULL, NULL), 0);
	LD_CHECK(!inv.complete);
	LD_REQUIRE(inv.nproblems == 3);
	LD_CHECK(strstr(inv.problems[0], "aliases of a in us-east-1 not collected") != NULL);
	LD_CHECK(strstr(inv.problems[1], "access denied: no ListAliases for you") != NULL);
	/* after access denied, c is not asked: it would fail alike */
	LD_CHECK(strstr(inv.problems[2], "aliases of 1 more functions") != NULL);
	LD_CHECK_INT(inv.nfunctions, 3);
	for (size_t i = 0; i < inv.nfunctions; i++)
		LD_CHECK(inv.functions[i].policy == NULL);
	/* nor is c's GetPolicy: its aliases were never asked */
	LD_CHECK_INT(f->next, 6);
	LD_CHECK_INT(inv.calls.errors, 2);
	ld_buf_dispose(&b);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

/* Lambda could not return a version's variables (its KMS key refused the decrypt): the
 * verdicts say so, and a problem line too, unless the run skips env-plaintext-secret. */
static void test_collect__unreadable_environment(void)
{
	for (int skip = 0; skip < 2; skip++) {
		ld_collect_opts opts = LD_COLLECT_OPTS_INIT;
		fake *f = ld_script_new();
		ld_aws_session *s = NULL;
		ld_inventory inv;

		ld_inventory_init(&inv);
		f->routes = true;
		add_ok(f, "/aliases", "{\"Aliases\":[]}");
		add_ok(f, "event-source-mappings", "{\"EventSourceMappings\":[]}");
		add_ok(f, "/policy", "{\"Policy\":\"{\\\"Statement\\\":[]}\"}");
		/* routes: the first that matches, so ListFunctions last */
		add_ok(f, "/functions", "{\"Functions\":[{\"FunctionName\":\"f\",\"FunctionArn\":"
		       "\"" ARN "f:$LATEST\",\"Version\":\"$LATEST\",\"Runtime\":\"python3.12\","
		       "\"Environment\":{\"Error\":{\"ErrorCode\":\"KMSAccessDeniedException\","
		       "\"Message\":\"denied\"}}}]}");
		f->fallback = (step){ .status = 404, .error_type = "ResourceNotFoundException",
				      .body = "{}" };
		opts.no_secrets = skip;
		LD_REQUIRE(session_on(&s, f, "us-east-1", NULL) == 0);
		LD_CHECK_INT(ld_collect(&inv, s, NULL, &opts), 0);
		LD_REQUIRE(inv.nfunctions == 1 && inv.functions[0].nversions == 1);
		LD_CHECK_STR(inv.functions[0].versions[0].env_verdicts,
			     "{\"\":\"KMSAccessDeniedException\"}");
		if (skip) {
			LD_CHECK(inv.complete && inv.nproblems == 0);
		} else {
			LD_CHECK(!inv.complete);
			LD_REQUIRE(inv.nproblems == 1);
			LD_CHECK_STR(inv.problems[0], "env-plaintext-secret unchecked for f in "
				     "us-east-1: Lambda could not return the environment of version "
				     "$LATEST (KMSAccessDeniedException); grant kms:Decrypt on its "
				     "KMS key");
		}
		ld_inventory_dispose(&inv);
		ld_aws_session_free(s);
	}
}

static void test_collect__esm_failure_is_returned(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	ld_inventory inv;

	ld_inventory_init(&inv);
	add_ok(f, NULL, "{\"Functions\":[],\"NextMarker\":null}");
	add(f, (step){ .status = 403, .error_type = "AccessDeniedException",
		       .body = "{\"Message\":\"not allowed\"}" });
	LD_REQUIRE(session_on(&s, f, "us-east-1", NULL) == 0);
	LD_CHECK_INT(ld_collect(&inv, s, NULL, NULL), LD_EAUTH);
	LD_CHECK(strstr(ld_error_last()->message, "lambda:ListEventSourceMappings") != NULL);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void test_session__no_region(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	LD_CHECK_INT(session_on(&s, f, NULL, NULL), LD_EUSAGE);
	LD_CHECK_STR(ld_error_last()->message, "no region: pass --region or set AWS_REGION");
	LD_CHECK(s == NULL);
}

static void test_session__assumes_role_then_signs_with_it(void)
{
	fake *f = ld_script_new();
	ld_aws_session *s = NULL;
	ld_inventory inv;
	size_t len;
	char *xml = ld_test_read_file("fixtures/aws/sts/assume-role.xml", &len);

	LD_REQUIRE(xml);
	ld_inventory_init(&inv);
	add(f, (step){ .status = 200, .body = xml, .url_has = "http://127.0.0.1:5000/" });
	add_ok(f, "functions", "{\"Functions\":[]}");
	add_ok(f, "event-source-mappings", "{\"EventSourceMappings\":[]}");
	LD_REQUIRE(session_on(&s, f, "eu-west-1", "arn:aws:iam::210987654321:role/audit") == 0);
	LD_CHECK(strstr(f->headers[0], "Credential=AKIDEXAMPLE/") != NULL);
	LD_CHECK(strstr(f->headers[0], "/eu-west-1/sts/aws4_request") != NULL);
	LD_CHECK(strstr(ld_aws_session_source(s), "assume-role arn:aws:iam::210987654321:role/audit"));
	LD_CHECK_INT(ld_collect(&inv, s, NULL, NULL), 0);
	LD_CHECK(strstr(f->headers[1], "Credential=ASIAIOSFODNN7EXAMPLE/") != NULL);
	LD_CHECK(strstr(f->headers[1], "X-Amz-Security-Token: AQoDYXdzEPT") != NULL);
	LD_CHECK_INT(inv.calls.sts, 1);
	LD_CHECK_INT(inv.calls.control, 2);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
	free(xml);
}

const ld_test ld_tests[] = {
	LD_TEST(test_client__signed_request_headers),
	LD_TEST(test_client__bad_endpoint),
	LD_TEST(test_client__retry_429_honours_retry_after),
	LD_TEST(test_client__503_then_success),
	LD_TEST(test_client__throttling_exhausted),
	LD_TEST(test_client__5xx_exhausted_and_max_attempts),
	LD_TEST(test_client__deadline_stops_retries),
	LD_TEST(test_client__pacing),
	LD_TEST(test_client__error_messages),
	LD_TEST(test_client__default_endpoints),
	LD_TEST(test_client__url_for_message),
	LD_TEST(test_collect__paginates_everything),
	LD_TEST(test_collect__repeated_marker_stops),
	LD_TEST(test_collect__truncated_json),
	LD_TEST(test_collect__alias_failure_is_a_problem),
	LD_TEST(test_collect__unreadable_environment),
	LD_TEST(test_collect__esm_failure_is_returned),
	LD_TEST(test_session__no_region),
	LD_TEST(test_session__assumes_role_then_signs_with_it),
	{ NULL, NULL }
};
