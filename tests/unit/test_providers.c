/*
 * The credential providers (src/aws/providers.c, AssumeRoleWithWebIdentity in sts.c) over a
 * scripted fake transport, and credential_process with real /bin/sh commands: web identity
 * (token file read at every fetch, unsigned form with role and session name, XML answers
 * and errors, retries), container credentials (allowed hosts, Authorization from the
 * variable or a file read every time, retries), IMDSv2 (token, role, credentials, the v1
 * fallback and its opt-out), credential_process (good JSON, Version, exit status, timeout,
 * output bound, expired keys), and the session: a provider before the role chain, and the
 * refresh of expiring credentials through ld_aws_session__credentials() as clients see it.
 * No sleeps and no network: the retry policy's sleep is replaced. Every secret is a canary
 * that must not appear in a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/providers.h"
#include "aws/session.h"
#include "aws/sts.h"
#include "harness.h"
#include "lambdrift/errors.h"
#include "script.h"

#define CANARY "CANARYsecretZZ"
#define JWT "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0." CANARY "sig"

/* --- the scripted transport (script.h), in order ---------------------------------- */

typedef ld_script fake;
typedef ld_script_step step;

static void add(fake *f, step s)
{
	ld_script_add(f, s);
}

static bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* --- clocks, sleeps, files, messages ---------------------------------------------- */

static long slept[16];
static size_t nslept;
static time_t wall;

static void rec_sleep(void *ctx, long ms)
{
	(void)ctx;
	if (nslept < 16)
		slept[nslept++] = ms;
}

static time_t fake_wall(void)
{
	return wall;
}

static ld_retry_policy policy(void)
{
	ld_retry_policy p = LD_RETRY_POLICY_INIT;
	p.sleep_ms = rec_sleep;
	for (int i = 0; i < LD_QUOTA_COUNT; i++)
		p.rate[i] = 0;
	nslept = 0;
	return p;
}

static ld_provider_ctx ctx_on(fake *f, const ld_retry_policy *p, ld_api_calls *calls)
{
	ld_provider_ctx c;
	memset(&c, 0, sizeof(c));
	c.transport = &f->base;
	c.region = "us-east-1";
	c.sts_endpoint = "http://127.0.0.1:5000";
	c.calls = calls;
	c.retry = p;
	return c;
}

/* ISO 8601 of now + offset seconds. */
static const char *iso(time_t t)
{
	static char out[4][32];
	static int n;
	struct tm tm;
	char *o = out[n++ % 4];
	gmtime_r(&t, &tm);
	strftime(o, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return o;
}

static char tmp_paths[8][64];
static size_t ntmp;

static const char *write_tmp(const char *text)
{
	char *path = tmp_paths[ntmp++ % 8];
	FILE *f;
	int fd;
	strcpy(path, "/tmp/ld-prov-XXXXXX");
	if ((fd = mkstemp(path)) < 0 || !(f = fdopen(fd, "w"))) {
		ld_test_fail(__FILE__, __LINE__, "cannot create a temporary file");
		return path;
	}
	fputs(text, f);
	fclose(f);
	return path;
}

static void rewrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		ld_test_fail(__FILE__, __LINE__, "cannot rewrite %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void check_msg(int line, const char *want)
{
	const char *m = ld_error_last()->message;
	if (!m[0] || strstr(m, "CANARY") || (want && !strstr(m, want)))
		ld_test_fail(__FILE__, line, "message '%s' lacks '%s' or leaks a secret", m,
			     want ? want : "");
}
#define CHECK_MSG(want) check_msg(__LINE__, want)

static const char webid_ok[] =
	"<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
	"<AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>repo</SubjectFromWebIdentityToken>"
	"<Credentials><AccessKeyId>ASIAWEBID</AccessKeyId>"
	"<SecretAccessKey>" CANARY "webidsecret</SecretAccessKey>"
	"<SessionToken>" CANARY "webidtoken</SessionToken>"
	"<Expiration>2031-01-01T00:00:00Z</Expiration></Credentials>"
	"<Provider>token.actions.githubusercontent.com</Provider>"
	"</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";

static const char *sts_error(const char *code, const char *msg)
{
	static char out[2][512];
	static int n;
	char *o = out[n++ % 2];
	snprintf(o, 512, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s"
		 "</Message></Error></ErrorResponse>", code, msg);
	return o;
}

static ld_provider webid_provider(const char *token_file)
{
	ld_provider p;
	memset(&p, 0, sizeof(p));
	p.kind = LD_PROVIDER_WEB_IDENTITY;
	p.profile = "ci";
	p.role_arn = "arn:aws:iam::123456789012:role/gha";
	p.token_file = (char *)token_file;
	p.session_name = "run 42";
	return p;
}

/* --- web identity ----------------------------------------------------------------- */

static void test_providers__web_identity_unsigned_form(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_api_calls calls = { 0 };
	ld_provider_ctx ctx = ctx_on(f, &rp, &calls);
	const char *path = write_tmp(JWT "\n");
	ld_provider p = webid_provider(path);
	ld_credentials c;

	add(f, (step){ .status = 200, .body = webid_ok });
	add(f, (step){ .status = 200, .body = webid_ok });
	LD_REQUIRE(ld_provider_fetch(&c, &p, &ctx) == 0);
	LD_CHECK_STR(c.access_key_id, "ASIAWEBID");
	LD_CHECK_STR(c.secret_access_key, CANARY "webidsecret");
	LD_CHECK_STR(c.session_token, CANARY "webidtoken");
	LD_CHECK_INT(c.expiration, 1924992000);
	ld_credentials_dispose(&c);
	LD_CHECK_STR(f->method[0], "POST");
	LD_CHECK_STR(f->url[0], "http://127.0.0.1:5000/");
	LD_CHECK(has(f->body[0], "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"));
	LD_CHECK(has(f->body[0], "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgha"));
	LD_CHECK(has(f->body[0], "&RoleSessionName=run%2042"));
	/* the token as read, without the file's final newline */
	LD_CHECK(has(f->body[0], "&WebIdentityToken=" JWT) && !has(f->body[0], JWT "%0A"));
	/* unsigned: the token is the proof */
	LD_CHECK(!has(f->headers[0], "Authorization"));
	LD_CHECK(!has(f->headers[0], "X-Amz-"));
	LD_CHECK(has(f->headers[0], "Content-Type: application/x-www-form-urlencoded"));
	LD_CHECK_INT(calls.sts, 1);

	/* the file is read at every fetch: the issuer rotates it */
	rewrite(path, "rotated." CANARY);
	LD_REQUIRE(ld_provider_web_identity(&c, &p, &ctx) == 0);
	LD_CHECK(has(f->body[1], "&WebIdentityToken=rotated." CANARY));
	ld_credentials_dispose(&c);
	ld_transport_free(&f->base);
	unlink(path);
}

static void test_providers__web_identity_errors(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_api_calls calls = { 0 };
	ld_provider_ctx ctx = ctx_on(f, &rp, &calls);
	const char *path = write_tmp(JWT);
	ld_provider p = webid_provider(path);
	ld_credentials c;
	char big[LD_WEB_IDENTITY_MAX_TOKEN + 2];

	add(f, (step){ .status = 400, .body = sts_error("InvalidIdentityToken",
							"No OpenIDConnect provider found") });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("InvalidIdentityToken");
	CHECK_MSG("arn:aws:iam::123456789012:role/gha");
	CHECK_MSG(path);
	CHECK_MSG("trust policy");
	LD_CHECK(c.access_key_id == NULL);

	add(f, (step){ .status = 400, .body = sts_error("ExpiredTokenException", "expired") });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("has expired");

	add(f, (step){ .status = 403, .body = sts_error("AccessDenied", "Not authorized") });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("not allowed to assume role");

	/* a message that quotes the token is withheld */
	add(f, (step){ .status = 400, .body = sts_error("ValidationError", "bad " JWT) });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("withheld");

	/* IDPCommunicationError, 503 and transport failures are retried */
	add(f, (step){ .status = 400, .body = sts_error("IDPCommunicationError", "try again") });
	add(f, (step){ .fail = "timed out" });
	add(f, (step){ .status = 200, .body = webid_ok });
	LD_REQUIRE(ld_provider_fetch(&c, &p, &ctx) == 0);
	LD_CHECK_STR(c.access_key_id, "ASIAWEBID");
	LD_CHECK_INT(nslept, 2);
	ld_credentials_dispose(&c);
	add(f, (step){ .status = 503 });
	add(f, (step){ .status = 503 });
	add(f, (step){ .status = 503 });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_ENET);
	CHECK_MSG("after 3 attempts");

	/* a truncated answer */
	add(f, (step){ .status = 200, .body = "<AssumeRoleWithWebIdentityResponse><Credentials>" });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EINVALID);
	CHECK_MSG("web identity");

	/* the token file: missing, empty, too large (no request is sent) */
	f->next = f->nsteps;
	unlink(path);
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("cannot read the web identity token file");
	CHECK_MSG("AWS_WEB_IDENTITY_TOKEN_FILE");
	rewrite(path, " \n");
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("is empty");
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rewrite(path, big);
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("more than");
	LD_CHECK_INT(f->next, f->nsteps);
	ld_transport_free(&f->base);
	unlink(path);
}

/* --- container credentials -------------------------------------------------------- */

static void test_providers__container_hosts(void)
{
	static const char *const allowed[] = {
		"http://169.254.170.2/v2/credentials/abc", "http://169.254.170.23/v1/credentials",
		"http://[fd00:ec2::23]/creds", "http://localhost:8080/creds",
		"http://LOCALHOST/creds", "http://127.0.0.1:9911/creds", "http://127.1.2.3/x",
		"http://[::1]:80/x", "https://creds.example.com/get", "HTTPS://x.example/"
	};
	static const char *const refused[] = {
		"http://169.254.169.254/latest", "http://10.0.0.1/creds", "http://example.com/x",
		"http://169.254.170.3/x", "http://[fd00:ec2::254]/x", "ftp://127.0.0.1/x",
		"http://user@127.0.0.1/x", "http://localhost.example.com/x", "http:///x", "",
		"http://[::1/x", "file:///etc/passwd", "http://127.0.0.1.nip.io/x"
	};
	for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
		if (!ld_container_url_allowed(allowed[i]))
			ld_test_fail(__FILE__, __LINE__, "%s should be allowed", allowed[i]);
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (ld_container_url_allowed(refused[i]))
			ld_test_fail(__FILE__, __LINE__, "%s should be refused", refused[i]);
	LD_CHECK(!ld_container_url_allowed(NULL));
}

static ld_provider container_provider(const char *url, const char *from)
{
	ld_provider p;
	memset(&p, 0, sizeof(p));
	p.kind = LD_PROVIDER_CONTAINER;
	p.url = (char *)url;
	p.url_from = from;
	return p;
}

static const char *container_body(const char *key, time_t expires)
{
	static char out[2][512];
	static int n;
	char *o = out[n++ % 2];
	snprintf(o, 512, "{\"RoleArn\":\"arn:aws:iam::1:role/task\",\"AccessKeyId\":\"%s\","
		 "\"SecretAccessKey\":\"" CANARY "sk\",\"Token\":\"" CANARY "tok\","
		 "\"Expiration\":\"%s\"}", key, iso(expires));
	return o;
}

static void test_providers__container_fetch(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_provider_ctx ctx = ctx_on(f, &rp, NULL);
	ld_provider p = container_provider("http://169.254.170.2/v2/credentials/task-id",
					   "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	time_t now = time(NULL);
	const char *tokfile;
	ld_credentials c;

	/* relative URI, no Authorization */
	add(f, (step){ .status = 200, .body = container_body("ASIATASK", now + 3600) });
	LD_REQUIRE(ld_provider_fetch(&c, &p, &ctx) == 0);
	LD_CHECK_STR(c.access_key_id, "ASIATASK");
	LD_CHECK_STR(c.secret_access_key, CANARY "sk");
	LD_CHECK_STR(c.session_token, CANARY "tok");
	LD_CHECK_INT(c.expiration, now + 3600);
	ld_credentials_dispose(&c);
	LD_CHECK_STR(f->method[0], "GET");
	LD_CHECK_STR(f->url[0], "http://169.254.170.2/v2/credentials/task-id");
	LD_CHECK(!has(f->headers[0], "Authorization"));
	LD_CHECK_INT(f->timeout[0], LD_CONTAINER_TIMEOUT_MS);

	/* full URI with the token from the variable */
	p = container_provider("http://127.0.0.1:9911/creds", "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	p.auth_token = CANARY "authz";
	add(f, (step){ .status = 200, .body = container_body("ASIAFULL", now + 3600) });
	LD_REQUIRE(ld_provider_container(&c, &p, &ctx) == 0);
	LD_CHECK(has(f->headers[1], "Authorization: " CANARY "authz\n"));
	ld_credentials_dispose(&c);

	/* the token file wins and is read at every fetch; its final newline is dropped */
	tokfile = write_tmp(CANARY "fromfile\n");
	p.auth_token_file = (char *)tokfile;
	add(f, (step){ .status = 200, .body = container_body("ASIAFILE", now + 3600) });
	add(f, (step){ .status = 200, .body = container_body("ASIAFILE", now + 3600) });
	LD_REQUIRE(ld_provider_container(&c, &p, &ctx) == 0);
	LD_CHECK(has(f->headers[2], "Authorization: " CANARY "fromfile\n"));
	ld_credentials_dispose(&c);
	rewrite(tokfile, CANARY "rotated");
	LD_REQUIRE(ld_provider_container(&c, &p, &ctx) == 0);
	LD_CHECK(has(f->headers[3], "Authorization: " CANARY "rotated\n"));
	ld_credentials_dispose(&c);
	rewrite(tokfile, CANARY "two\nlines");
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EUSAGE);
	CHECK_MSG("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	unlink(tokfile);
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	p.auth_token_file = NULL;
	p.auth_token = CANARY "bad\r\nX-Injected: 1";
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EUSAGE);
	CHECK_MSG("AWS_CONTAINER_AUTHORIZATION_TOKEN");

	/* a forbidden host is refused before any request */
	p = container_provider("http://169.254.169.254/latest/meta-data",
			       "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EUSAGE);
	CHECK_MSG("AWS_CONTAINER_CREDENTIALS_FULL_URI points at 169.254.169.254");
	LD_CHECK_INT(f->next, 4);
	ld_transport_free(&f->base);
}

static void test_providers__container_failures(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_provider_ctx ctx = ctx_on(f, &rp, NULL);
	ld_provider p = container_provider("http://localhost:1/creds",
					   "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	time_t now = time(NULL);
	ld_credentials c;

	/* 3 attempts, one second apart */
	add(f, (step){ .fail = "timed out" });
	add(f, (step){ .status = 500 });
	add(f, (step){ .status = 200, .body = container_body("ASIALATE", now + 3600) });
	LD_REQUIRE(ld_provider_container(&c, &p, &ctx) == 0);
	LD_CHECK_STR(c.access_key_id, "ASIALATE");
	LD_CHECK_INT(nslept, 2);
	LD_CHECK_INT(slept[0], LD_CONTAINER_RETRY_SLEEP_MS);
	ld_credentials_dispose(&c);
	add(f, (step){ .status = 403, .body = "{\"code\":\"AccessDenied\"}" });
	add(f, (step){ .status = 403 });
	add(f, (step){ .status = 403 });
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("http 403 after 3 attempts");
	CHECK_MSG("localhost:1");
	add(f, (step){ .fail = "timed out" });
	add(f, (step){ .fail = "timed out" });
	add(f, (step){ .fail = "timed out" });
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_ENET);
	CHECK_MSG("did not answer after 3 attempts");
	/* malformed, incomplete and expired answers */
	add(f, (step){ .status = 200, .body = "not json " CANARY });
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EINVALID);
	CHECK_MSG("JSON object");
	add(f, (step){ .status = 200, .body = "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\""
					     CANARY "\",\"Expiration\":\"2031-01-01T00:00:00Z\"}" });
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EINVALID);
	CHECK_MSG("no Token");
	add(f, (step){ .status = 200, .body = container_body("ASIAOLD", now - 60) });
	LD_CHECK_INT(ld_provider_container(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("already expired");
	LD_CHECK(c.access_key_id == NULL);
	ld_transport_free(&f->base);
}

/* --- instance metadata ------------------------------------------------------------ */

static ld_provider imds_provider(void)
{
	ld_provider p;
	memset(&p, 0, sizeof(p));
	p.kind = LD_PROVIDER_IMDS;
	p.imds_endpoint = "http://169.254.169.254";
	p.profile = "ec2";
	return p;
}

static const char *imds_creds(const char *key, time_t expires)
{
	static char out[2][512];
	static int n;
	char *o = out[n++ % 2];
	snprintf(o, 512, "{\"Code\":\"Success\",\"LastUpdated\":\"2024-01-01T00:00:00Z\","
		 "\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\""
		 CANARY "imds\",\"Token\":\"" CANARY "imdstok\",\"Expiration\":\"%s\"}",
		 key, iso(expires));
	return o;
}

static void test_providers__imds_v2(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_provider_ctx ctx = ctx_on(f, &rp, NULL);
	ld_provider p = imds_provider();
	time_t now = time(NULL);
	ld_credentials c;

	add(f, (step){ .status = 200, .body = "AQAEA" CANARY "imdsv2==\n" });
	add(f, (step){ .status = 200, .body = "ec2-audit-role\n" });
	add(f, (step){ .status = 200, .body = imds_creds("ASIAEC2", now + 6 * 3600) });
	LD_REQUIRE(ld_provider_fetch(&c, &p, &ctx) == 0);
	LD_CHECK_STR(c.access_key_id, "ASIAEC2");
	LD_CHECK_STR(c.session_token, CANARY "imdstok");
	LD_CHECK_INT(c.expiration, now + 6 * 3600);
	ld_credentials_dispose(&c);
	LD_CHECK_STR(f->method[0], "PUT");
	LD_CHECK_STR(f->url[0], "http://169.254.169.254/latest/api/token");
	LD_CHECK(has(f->headers[0], "x-aws-ec2-metadata-token-ttl-seconds: 21600\n"));
	LD_CHECK_INT(f->timeout[0], LD_IMDS_TIMEOUT_MS);
	LD_CHECK_STR(f->method[1], "GET");
	LD_CHECK_STR(f->url[1], "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
	LD_CHECK(has(f->headers[1], "x-aws-ec2-metadata-token: AQAEA" CANARY "imdsv2==\n"));
	LD_CHECK_STR(f->url[2], "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
				"ec2-audit-role");
	LD_CHECK(has(f->headers[2], "x-aws-ec2-metadata-token: AQAEA"));

	/* an outage handing out expired keys: used for a while, as botocore does */
	ctx.now = now;
	add(f, (step){ .status = 200, .body = "tok" });
	add(f, (step){ .status = 200, .body = "r" });
	add(f, (step){ .status = 200, .body = imds_creds("ASIASTALE", now - 60) });
	LD_REQUIRE(ld_provider_imds(&c, &p, &ctx) == 0);
	LD_CHECK(c.expiration > now);
	ld_credentials_dispose(&c);
	ld_transport_free(&f->base);
}

static void test_providers__imds_v1_fallback(void)
{
	static const long refusals[] = { 403, 404, 405, 0 };
	ld_provider p = imds_provider();
	ld_credentials c;

	p.timeout_ms = 250;
	p.imds_endpoint = "http://[fd00:ec2::254]";
	for (size_t i = 0; i < sizeof(refusals) / sizeof(*refusals); i++) {
		fake *f = ld_script_new();
		ld_retry_policy rp = policy();
		ld_provider_ctx ctx = ctx_on(f, &rp, NULL);

		/* 0: no answer (a timeout), which falls back too */
		add(f, (step){ .status = refusals[i], .fail = refusals[i] == 0 ? "timed out" : NULL });
		add(f, (step){ .status = 200, .body = "role" });
		add(f, (step){ .status = 200, .body = imds_creds("ASIAV1", time(NULL) + 3600) });
		p.imds_v1_disabled = false;
		LD_REQUIRE(ld_provider_imds(&c, &p, &ctx) == 0);
		LD_CHECK_STR(c.access_key_id, "ASIAV1");
		LD_CHECK_STR(f->url[1], "http://[fd00:ec2::254]/latest/meta-data/iam/"
					"security-credentials/");
		LD_CHECK(!has(f->headers[1], "x-aws-ec2-metadata-token"));
		LD_CHECK(!has(f->headers[2], "x-aws-ec2-metadata-token"));
		LD_CHECK_INT(f->timeout[1], 250);
		ld_credentials_dispose(&c);

		/* unless IMDSv1 is disabled */
		f->next = f->nsteps = 0;
		add(f, (step){ .status = refusals[i], .fail = refusals[i] == 0 ? "timed out" : NULL });
		p.imds_v1_disabled = true;
		LD_CHECK_INT(ld_provider_imds(&c, &p, &ctx), LD_EAUTH);
		CHECK_MSG("IMDSv1 is disabled");
		CHECK_MSG("'ec2'");
		LD_CHECK_INT(f->next, 1);
		ld_transport_free(&f->base);
	}
}

static void test_providers__imds_failures(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_provider_ctx ctx = ctx_on(f, &rp, NULL);
	ld_provider p = imds_provider();
	ld_credentials c;

	/* 400 on the token PUT is not a reason to fall back */
	add(f, (step){ .status = 400 });
	LD_CHECK_INT(ld_provider_imds(&c, &p, &ctx), LD_EINVALID);
	CHECK_MSG("http 400");
	/* no role attached */
	add(f, (step){ .status = 200, .body = "tok" });
	add(f, (step){ .status = 404 });
	LD_CHECK_INT(ld_provider_imds(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("no iam role");
	CHECK_MSG("credential_source = Ec2InstanceMetadata");
	/* a role name that is not one */
	add(f, (step){ .status = 200, .body = "tok" });
	add(f, (step){ .status = 200, .body = "../../user-data" });
	LD_CHECK_INT(ld_provider_imds(&c, &p, &ctx), LD_EINVALID);
	CHECK_MSG("no valid role name");
	/* the role's credentials are not ready */
	add(f, (step){ .status = 200, .body = "tok" });
	add(f, (step){ .status = 200, .body = "role" });
	add(f, (step){ .status = 200, .body = "{\"Code\":\"AssumeRoleUnauthorizedAccess\"}" });
	LD_CHECK_INT(ld_provider_imds(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("AssumeRoleUnauthorizedAccess");
	/* the last resort: not on EC2 at all says "no aws credentials found" and where */
	p.profile = NULL;
	p.looked = "the environment (AWS_ACCESS_KEY_ID), '/h/.aws/credentials' and "
		   "'/h/.aws/config' for profile 'default'";
	add(f, (step){ .fail = "timed out" });
	add(f, (step){ .fail = "timed out" });
	LD_CHECK_INT(ld_provider_fetch(&c, &p, &ctx), LD_EAUTH);
	CHECK_MSG("no aws credentials found: looked in the environment (AWS_ACCESS_KEY_ID)");
	CHECK_MSG("instance metadata service at 169.254.169.254");
	CHECK_MSG("timed out");
	LD_CHECK(c.access_key_id == NULL);
	LD_CHECK_INT(f->next, f->nsteps);
	ld_transport_free(&f->base);
}

/* --- credential_process ----------------------------------------------------------- */

static ld_provider process_provider(const char *command)
{
	ld_provider p;
	memset(&p, 0, sizeof(p));
	p.kind = LD_PROVIDER_PROCESS;
	p.profile = "tool";
	p.command = (char *)command;
	return p;
}

static int run_process(ld_credentials *c, const char *command)
{
	ld_provider p = process_provider(command);
	ld_provider_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	return ld_provider_fetch(c, &p, &ctx);
}

static void test_providers__process_good(void)
{
	ld_credentials c;
	char cmd[512];

	LD_REQUIRE(run_process(&c, "printf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
				   "\"SecretAccessKey\": \"" CANARY "p\", \"SessionToken\": \""
				   CANARY "t\", \"Expiration\": \"2031-01-01T00:00:00Z\"}'; "
				   "echo noise on stderr " CANARY " >&2") == 0);
	LD_CHECK_STR(c.access_key_id, "AKIDPROC");
	LD_CHECK_STR(c.secret_access_key, CANARY "p");
	LD_CHECK_STR(c.session_token, CANARY "t");
	LD_CHECK_INT(c.expiration, 1924992000);
	ld_credentials_dispose(&c);
	/* no token and no expiration: long-lived keys; the shell expands variables */
	setenv("LD_TEST_PROC_KEY", "AKIDFROMENV", 1);
	snprintf(cmd, sizeof(cmd), "echo '{\"Version\":1,\"AccessKeyId\":\"'$LD_TEST_PROC_KEY'\","
		 "\"SecretAccessKey\":\"s\"}'");
	LD_REQUIRE(run_process(&c, cmd) == 0);
	LD_CHECK_STR(c.access_key_id, "AKIDFROMENV");
	LD_CHECK(c.session_token == NULL);
	LD_CHECK_INT(c.expiration, 0);
	ld_credentials_dispose(&c);
	unsetenv("LD_TEST_PROC_KEY");
}

static void test_providers__process_bad_output(void)
{
	ld_credentials c;

	LD_CHECK_INT(run_process(&c, "echo '{\"Version\": 2, \"AccessKeyId\": \"A\", "
				     "\"SecretAccessKey\": \"" CANARY "\"}'"), LD_EINVALID);
	CHECK_MSG("unsupported Version");
	CHECK_MSG("'tool'");
	LD_CHECK_INT(run_process(&c, "echo '{\"Version\": \"1\", \"AccessKeyId\": \"A\", "
				     "\"SecretAccessKey\": \"" CANARY "\"}'"), LD_EINVALID);
	CHECK_MSG("unsupported Version");
	LD_CHECK_INT(run_process(&c, "echo '{\"AccessKeyId\": \"A\"}'"), LD_EINVALID);
	CHECK_MSG("Version");
	LD_CHECK_INT(run_process(&c, "echo '{\"Version\": 1, \"AccessKeyId\": \"A\"}'"),
		     LD_EINVALID);
	CHECK_MSG("no SecretAccessKey");
	LD_CHECK_INT(run_process(&c, "echo 'AKID " CANARY "'"), LD_EINVALID);
	CHECK_MSG("JSON object");
	LD_CHECK_INT(run_process(&c, "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", "
				     "\"SecretAccessKey\": \"" CANARY "\", \"Expiration\": "
				     "\"2001-01-01T00:00:00Z\"}'"), LD_EAUTH);
	CHECK_MSG("already expired");
	LD_CHECK_INT(run_process(&c, "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", "
				     "\"SecretAccessKey\": \"" CANARY "\", \"Expiration\": "
				     "\"next week\"}'"), LD_EINVALID);
	CHECK_MSG("ISO 8601");
	LD_CHECK(c.access_key_id == NULL);
}

static void test_providers__process_failures(void)
{
	ld_provider p = process_provider("sleep 10");
	ld_provider_ctx ctx;
	ld_credentials c;
	int64_t start;

	/* the exit status is shown; stderr, which may hold anything, is not */
	LD_CHECK_INT(run_process(&c, "echo " CANARY " >&2; exit 3"), LD_EAUTH);
	CHECK_MSG("exited with status 3");
	CHECK_MSG("'tool'");
	LD_CHECK_INT(run_process(&c, "/nonexistent/helper"), LD_EAUTH);
	CHECK_MSG("status 127");
	LD_CHECK_INT(run_process(&c, "kill -9 $$"), LD_EAUTH);
	CHECK_MSG("signal 9");
	/* a hung helper is killed at the timeout, its children with it */
	memset(&ctx, 0, sizeof(ctx));
	p.timeout_ms = 300;
	start = ld_aws_now_ms();
	LD_CHECK_INT(ld_provider_process(&c, &p, &ctx), LD_ELIMIT);
	CHECK_MSG("did not finish within 300 ms");
	LD_CHECK(ld_aws_now_ms() - start < 3000);
	/* stdout closed, process lingering: also a timeout */
	p.command = "exec >/dev/null; sleep 10";
	start = ld_aws_now_ms();
	LD_CHECK_INT(ld_provider_process(&c, &p, &ctx), LD_ELIMIT);
	LD_CHECK(ld_aws_now_ms() - start < 3000);
	/* output beyond the bound stops the read and the process */
	p.command = "while :; do echo '" CANARY " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'; done";
	p.timeout_ms = 10000;
	start = ld_aws_now_ms();
	LD_CHECK_INT(ld_provider_process(&c, &p, &ctx), LD_EINVALID);
	CHECK_MSG("wrote more than 65536 bytes");
	LD_CHECK(ld_aws_now_ms() - start < 5000);
	LD_CHECK(c.access_key_id == NULL);
}

/* --- the session: provider, role chain, refresh ----------------------------------- */

static const char assume_ok[] =
	"<AssumeRoleResponse><AssumeRoleResult><Credentials>"
	"<AccessKeyId>ASIACHAINED</AccessKeyId><SecretAccessKey>" CANARY "c</SecretAccessKey>"
	"<SessionToken>" CANARY "ct</SessionToken><Expiration>2031-01-01T00:00:00Z</Expiration>"
	"</Credentials></AssumeRoleResult></AssumeRoleResponse>";

static char *dup_s(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void base_cfg(ld_aws_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = dup_s("default");
	cfg->region = dup_s("us-east-1");
	cfg->endpoint_url = dup_s("http://127.0.0.1:5000");
	cfg->sts_endpoint_url = dup_s("http://127.0.0.1:5001");
}

static void test_providers__session_web_identity_then_role(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	const char *path = write_tmp(JWT);
	ld_aws_session *s = NULL;
	const ld_credentials *cr;
	ld_aws_config cfg;

	base_cfg(&cfg);
	cfg.provider.kind = LD_PROVIDER_WEB_IDENTITY;
	cfg.provider.role_arn = dup_s("arn:aws:iam::1:role/oidc");
	cfg.provider.token_file = dup_s(path);
	cfg.provider.session_name = dup_s("s");
	cfg.source = dup_s("assume role arn:aws:iam::2:role/audit via profile default from web "
			   "identity");
	cfg.roles = calloc(1, sizeof(*cfg.roles));
	cfg.roles[0].role_arn = dup_s("arn:aws:iam::2:role/audit");
	cfg.roles[0].session_name = dup_s("audit");
	cfg.nroles = 1;
	add(f, (step){ .status = 200, .body = webid_ok });
	add(f, (step){ .status = 200, .body = assume_ok });
	LD_REQUIRE(ld_aws_session__new_with(&s, NULL, &cfg, &f->base, &rp) == 0);
	/* the web identity call goes to the STS endpoint, unsigned; AssumeRole is signed
	 * with what it returned */
	LD_CHECK_STR(f->url[0], "http://127.0.0.1:5001/");
	LD_CHECK(has(f->body[0], "Action=AssumeRoleWithWebIdentity"));
	LD_CHECK(has(f->body[1], "Action=AssumeRole&"));
	LD_CHECK(has(f->headers[1], "Credential=ASIAWEBID/"));
	LD_CHECK(has(f->headers[1], "X-Amz-Security-Token: " CANARY "webidtoken"));
	LD_CHECK_INT(ld_aws_session__credentials(s, &cr), 0);
	LD_CHECK_STR(cr->access_key_id, "ASIACHAINED");
	LD_CHECK_INT(s->sts_calls.sts, 2);
	ld_aws_session_free(s);
	unlink(path);
}

static void test_providers__session_refresh(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_aws_session *s = NULL;
	const ld_credentials *cr;
	ld_aws_client client;
	ld_http_response resp;
	ld_aws_config cfg;
	time_t t0 = time(NULL);

	base_cfg(&cfg);
	cfg.provider.kind = LD_PROVIDER_CONTAINER;
	cfg.provider.url = dup_s("http://127.0.0.1:9/creds");
	cfg.provider.url_from = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
	cfg.source = dup_s("container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)");
	/* keys valid for 20 minutes: outside the advisory window at first */
	add(f, (step){ .status = 200, .body = container_body("ASIAFIRST", t0 + 1200) });
	LD_REQUIRE(ld_aws_session__new_with(&s, NULL, &cfg, &f->base, &rp) == 0);
	wall = t0;
	s->now = fake_wall;
	LD_REQUIRE(ld_aws_session__client(&client, s, NULL, NULL) == 0);

	/* a client signs with the session's current keys */
	add(f, (step){ .status = 200, .body = "{}" });
	LD_CHECK_INT(ld_aws_call(&client, &resp, "ListFunctions", "GET", "/2015-03-31/functions",
				 NULL, NULL, LD_QUOTA_CONTROL), 0);
	LD_CHECK(has(f->headers[1], "Credential=ASIAFIRST/"));
	ld_http_response_dispose(&resp);

	/* 6 minutes later: inside the advisory window, so the next request refreshes */
	wall = t0 + 360;
	add(f, (step){ .status = 200, .body = container_body("ASIASECOND", t0 + 4000) });
	add(f, (step){ .status = 200, .body = "{}" });
	LD_CHECK_INT(ld_aws_call(&client, &resp, "ListFunctions", "GET", "/2015-03-31/functions",
				 NULL, NULL, LD_QUOTA_CONTROL), 0);
	LD_CHECK_STR(f->url[2], "http://127.0.0.1:9/creds");
	LD_CHECK(has(f->headers[3], "Credential=ASIASECOND/"));
	ld_http_response_dispose(&resp);

	/* keys far from expiry are not fetched again */
	LD_CHECK_INT(ld_aws_session__credentials(s, &cr), 0);
	LD_CHECK_STR(cr->access_key_id, "ASIASECOND");
	LD_CHECK_INT(f->next, 4);

	/* advisory window: a failed refresh keeps the keys in hand ... */
	wall = t0 + 4000 - 800;
	add(f, (step){ .status = 500 });
	add(f, (step){ .status = 500 });
	add(f, (step){ .status = 500 });
	LD_CHECK_INT(ld_aws_session__credentials(s, &cr), 0);
	LD_CHECK_STR(cr->access_key_id, "ASIASECOND");
	LD_CHECK_INT(f->next, 7);
	/* ... and is not retried within the minute */
	wall += 30;
	LD_CHECK_INT(ld_aws_session__credentials(s, &cr), 0);
	LD_CHECK_INT(f->next, 7);
	/* mandatory window: a failed refresh fails the call, naming the source */
	wall = t0 + 4000 - 500;
	add(f, (step){ .status = 500 });
	add(f, (step){ .status = 500 });
	add(f, (step){ .status = 500 });
	LD_CHECK_INT(ld_aws_session__credentials(s, &cr), LD_ENET);
	CHECK_MSG("cannot refresh the credentials from container credentials");
	/* through a client, the call fails without a request to Lambda */
	wall += 61;
	add(f, (step){ .status = 403 });
	add(f, (step){ .status = 403 });
	add(f, (step){ .status = 403 });
	LD_CHECK_INT(ld_aws_call(&client, &resp, "ListFunctions", "GET", "/2015-03-31/functions",
				 NULL, NULL, LD_QUOTA_CONTROL), LD_EAUTH);
	CHECK_MSG("http 403");
	LD_CHECK_INT(f->next, f->nsteps);
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&client);
	ld_aws_session_free(s);
}

static void test_providers__session_static_keys_never_refresh(void)
{
	fake *f = ld_script_new();
	ld_retry_policy rp = policy();
	ld_aws_session *s = NULL;
	const ld_credentials *cr;
	ld_aws_config cfg;

	base_cfg(&cfg);
	cfg.base.access_key_id = dup_s("AKIDSTATIC");
	cfg.base.secret_access_key = dup_s(CANARY);
	cfg.base.expiration = time(NULL) + 60; /* AWS_CREDENTIAL_EXPIRATION: nothing to ask */
	cfg.source = dup_s("environment");
	LD_REQUIRE(ld_aws_session__new_with(&s, NULL, &cfg, &f->base, &rp) == 0);
	wall = time(NULL) + 3600;
	s->now = fake_wall;
	LD_CHECK_INT(ld_aws_session__credentials(s, &cr), 0);
	LD_CHECK_STR(cr->access_key_id, "AKIDSTATIC");
	LD_CHECK_INT(f->next, 0);
	ld_aws_session_free(s);

	/* a provider failing at the start fails the session */
	f = ld_script_new();
	base_cfg(&cfg);
	cfg.provider.kind = LD_PROVIDER_IMDS;
	cfg.provider.imds_endpoint = dup_s("http://127.0.0.1:1");
	cfg.provider.looked = dup_s("the environment (AWS_ACCESS_KEY_ID)");
	cfg.source = dup_s("ec2 instance metadata");
	add(f, (step){ .status = 200, .body = "tok" });
	add(f, (step){ .status = 404 });
	LD_CHECK_INT(ld_aws_session__new_with(&s, NULL, &cfg, &f->base, &rp), LD_EAUTH);
	CHECK_MSG("no aws credentials found");
	LD_CHECK(s == NULL);
}

const ld_test ld_tests[] = {
	LD_TEST(test_providers__web_identity_unsigned_form),
	LD_TEST(test_providers__web_identity_errors),
	LD_TEST(test_providers__container_hosts),
	LD_TEST(test_providers__container_fetch),
	LD_TEST(test_providers__container_failures),
	LD_TEST(test_providers__imds_v2),
	LD_TEST(test_providers__imds_v1_fallback),
	LD_TEST(test_providers__imds_failures),
	LD_TEST(test_providers__process_good),
	LD_TEST(test_providers__process_bad_output),
	LD_TEST(test_providers__process_failures),
	LD_TEST(test_providers__session_web_identity_then_role),
	LD_TEST(test_providers__session_refresh),
	LD_TEST(test_providers__session_static_keys_never_refresh),
	{ NULL, NULL }
};
