/* Organisation-scale collection without a server (src/aws/pool.c): ld_collect_targets over
 * a thread-safe fake Lambda that serves several accounts and regions from a generated
 * model: a concurrent run gives the very same inventory as a serial one (snapshot bytes,
 * problem lines included), a failed account-region does not stop the others, an opt-in
 * region that is not enabled is skipped with a note, role sessions assume their role once
 * and tag functions with their account, an account whose role cannot be assumed fails
 * alone, and a two-account snapshot loads back to the same bytes. Resource policies, URLs
 * and reserved concurrency are read through the same pool: a refused or failed GetPolicy
 * leaves the functions unchecked with a problem line, never clean. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/pool.h"
#include "aws/ratelimit.h"
#include "aws/session.h"
#include "harness.h"
#include "inventory/build.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "script.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/* --- a thread-safe fake Lambda and STS --------------------------------------------- */

typedef struct {
	pthread_mutex_t lock;
	int nfunctions;                /* per account-region */
	const char *denied_region;     /* every call there: AccessDenied */
	const char *unknown_key_region;/* every call there: UnrecognizedClientException */
	const char *refused_account;   /* AssumeRole into it: AccessDenied */
	const char *alias_404;         /* ListAliases of this function: 404 */
	const char *policy_denied_region; /* GetPolicy there: AccessDenied */
	const char *policy_5xx_region; /* GetPolicy there: 503 every time */
	/* in us-east-1 only: */
	const char *policy_garbled;    /* GetPolicy of this function: a Policy that is no JSON */
	const char *urls_garbled;      /* its ListFunctionUrlConfigs: no FunctionUrlConfigs */
	const char *get_function_denied; /* its GetFunction: AccessDenied */
	int policy_calls, url_calls, get_function_calls;
	int names_calls;               /* ListFunctions without FunctionVersion=ALL */
	bool all_urls;                 /* not the server's: collect_to_json's --all-urls */
	bool no_policies, no_concurrency; /* nor these: the rules they feed are skipped */
	time_t expiry;                 /* Expiration of AssumeRole credentials; 0: 2099 */
	int assume_calls, lambda_calls, inflight, peak;
	const char *logs_denied_region; /* DescribeLogGroups there: AccessDenied */
	int logs_inflight, logs_peak;  /* DescribeLogGroups at once, and the most */
} server;

typedef struct {
	ld_transport base;
	server *srv;
} fake;

static void put(ld_http_response *resp, long status, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(ld_http_response *resp, long status, const char *type, const char *fmt, ...)
{
	va_list ap;
	resp->status = status;
	if (type)
		snprintf(resp->error_type, sizeof(resp->error_type), "%s", type);
	va_start(ap, fmt);
	ld_buf_vprintf(&resp->body, fmt, ap);
	va_end(ap);
}

/* Copy the value after `key` up to one of `stops` into out. */
static void after(char *out, size_t len, const char *hay, const char *key, const char *stops)
{
	const char *p = hay ? strstr(hay, key) : NULL;
	size_t n;
	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, stops);
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static const char *header(const ld_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (!strcmp(req->headers[i].name, name))
			return req->headers[i].value;
	return NULL;
}

/* Role sessions get key ASIA<account>; the base session's key maps to 123456789012. */
static void account_of_key(char *out, size_t len, const char *akid)
{
	const char *id = !strncmp(akid, "ASIA", 4) && strlen(akid) == 16 ? akid + 4 : "123456789012";
	size_t n = strlen(id) < len ? strlen(id) : len - 1;
	memcpy(out, id, n);
	out[n] = '\0';
}

static void sts_answer(server *srv, const ld_http_request *req, ld_http_response *resp)
{
	char arn[256], account[16], when[32] = "2099-01-01T00:00:00Z";

	after(arn, sizeof(arn), req->body, "RoleArn=", "&");
	after(account, sizeof(account), arn, "iam%3A%3A", "%");
	pthread_mutex_lock(&srv->lock);
	srv->assume_calls++;
	pthread_mutex_unlock(&srv->lock);
	if (srv->refused_account && !strcmp(account, srv->refused_account)) {
		put(resp, 403, NULL, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>not "
		    "authorized to perform sts:AssumeRole</Message></Error></ErrorResponse>");
		return;
	}
	if (srv->expiry) {
		struct tm tm;
		gmtime_r(&srv->expiry, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	put(resp, 200, NULL, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>"
	    "ASIA%s</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t-%s"
	    "</SessionToken><Expiration>%s</Expiration></Credentials>"
	    "</AssumeRoleResult></AssumeRoleResponse>", account, account, when);
}

/* Function i has i % 4 published versions; every third has a mapping; each one alias. */
static void list_functions(server *srv, ld_http_response *resp, const char *account,
			   const char *region, const char *url)
{
	char marker[32];
	int from, n = 0, idx = 0;
	ld_buf *b = &resp->body;
	/* without FunctionVersion=ALL, as Lambda: $LATEST alone, 50 functions a page */
	int versions = strstr(url, "FunctionVersion=ALL") ? 4 : 0;

	if (!versions)
		__atomic_add_fetch(&srv->names_calls, 1, __ATOMIC_SEQ_CST);
	after(marker, sizeof(marker), url, "Marker=", "&");
	from = marker[0] ? atoi(marker) : 0;
	resp->status = 200;
	ld_buf_puts(b, "{\"Functions\":[");
	for (int f = 0; f < srv->nfunctions; f++)
		for (int v = -1; v < (versions ? f % versions : 0); v++, idx++) {
			char ver[16];
			if (idx < from || n >= 50)
				continue;
			if (v < 0)
				snprintf(ver, sizeof(ver), "$LATEST");
			else
				snprintf(ver, sizeof(ver), "%d", v + 1);
			ld_buf_printf(b, "%s{\"FunctionName\":\"fn-%03d\",\"FunctionArn\":\"arn:aws:"
				      "lambda:%s:%s:function:fn-%03d:%s\",\"Version\":\"%s\","
				      "\"Runtime\":\"python3.12\",\"Handler\":\"app.h\",\"CodeSha256\":"
				      "\"c%d\",\"MemorySize\":128,\"PackageType\":\"Zip\","
				      "\"Environment\":{\"Variables\":{\"K\":\"v%d\"}}}",
				      n ? "," : "", f, region, account, f, ver, ver, f, v);
			n++;
		}
	if (from + n < idx)
		ld_buf_printf(b, "],\"NextMarker\":\"%d\"}", from + n);
	else
		ld_buf_puts(b, "]}");
}

static void list_aliases(server *srv, ld_http_response *resp, const char *account,
			 const char *region, const char *url)
{
	char name[64];
	int f;

	after(name, sizeof(name), url, "/functions/", "/");
	if (srv->alias_404 && !strcmp(name, srv->alias_404)) {
		put(resp, 404, "ResourceNotFoundException", "{\"Message\":\"Function not found\"}");
		return;
	}
	f = atoi(name + 3);
	put(resp, 200, NULL, "{\"Aliases\":[{\"Name\":\"live\",\"AliasArn\":\"arn:aws:lambda:%s:%s:"
	    "function:%s:live\",\"FunctionVersion\":\"%s\"}]}", region, account, name,
	    f % 4 ? "1" : "$LATEST");
}

/* Resource policies: fn-NNN with N % 5 == 1 lets anyone invoke the function; N % 5 == 2
 * opens the URL of its alias live to everyone; the others have none (404). */
static void get_policy(server *srv, ld_http_response *resp, const char *account,
		       const char *region, const char *url)
{
	char name[64], qualifier[64];
	int f;

	after(name, sizeof(name), url, "/functions/", "/");
	after(qualifier, sizeof(qualifier), url, "Qualifier=", "&");
	f = atoi(name + 3);
	if (srv->policy_denied_region && !strcmp(region, srv->policy_denied_region))
		put(resp, 403, "AccessDeniedException", "{\"Message\":\"User is not authorized to "
		    "perform: lambda:GetPolicy\"}");
	else if (srv->policy_5xx_region && !strcmp(region, srv->policy_5xx_region))
		put(resp, 503, "ServiceException", "{\"Message\":\"try later\"}");
	else if (srv->policy_garbled && !strcmp(name, srv->policy_garbled) &&
		 !strcmp(region, "us-east-1"))
		put(resp, 200, NULL, "{\"Policy\":\"{\\\"Statement\\\":[\",\"RevisionId\":\"r\"}");
	else if (f % 5 == 1 && !qualifier[0])
		put(resp, 200, NULL, "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement"
		    "\\\":[{\\\"Sid\\\":\\\"pub\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":"
		    "\\\"*\\\",\\\"Action\\\":\\\"lambda:InvokeFunction\\\",\\\"Resource\\\":\\\"arn:"
		    "aws:lambda:%s:%s:function:%s\\\"}]}\",\"RevisionId\":\"r\"}", region, account,
		    name);
	else if (f % 5 == 2 && !strcmp(qualifier, "live"))
		put(resp, 200, NULL, "{\"Policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement"
		    "\\\":[{\\\"Sid\\\":\\\"url\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":"
		    "\\\"*\\\",\\\"Action\\\":\\\"lambda:InvokeFunctionUrl\\\",\\\"Resource\\\":"
		    "\\\"arn:aws:lambda:%s:%s:function:%s:live\\\",\\\"Condition\\\":{\\\"StringEquals"
		    "\\\":{\\\"lambda:FunctionUrlAuthType\\\":\\\"NONE\\\"}}}]}\",\"RevisionId\":\"r\"}",
		    region, account, name);
	else
		put(resp, 404, "ResourceNotFoundException", "{\"Message\":\"The resource you "
		    "requested does not exist.\"}");
}

static void list_urls(server *srv, ld_http_response *resp, const char *account,
		      const char *region, const char *url)
{
	char name[64];

	after(name, sizeof(name), url, "/functions/", "/");
	if (srv->urls_garbled && !strcmp(name, srv->urls_garbled) && !strcmp(region, "us-east-1")) {
		put(resp, 200, NULL, "{\"NextMarker\":null}");
		return;
	}
	put(resp, 200, NULL, "{\"FunctionUrlConfigs\":[{\"FunctionUrl\":\"https://%s.lambda-url.%s"
	    ".on.aws/\",\"FunctionArn\":\"arn:aws:lambda:%s:%s:function:%s:live\",\"AuthType\":"
	    "\"NONE\",\"CreationTime\":\"2026-01-01T00:00:00.000+0000\",\"LastModifiedTime\":"
	    "\"2026-01-01T00:00:00.000+0000\"}]}", name, region, region, account, name);
}

/* fn-NNN with N % 10 == 1 reserves 5; Code.Location is a presigned URL either way. */
static void get_function(server *srv, ld_http_response *resp, const char *region,
			 const char *url)
{
	char name[64];

	after(name, sizeof(name), url, "/functions/", "/?");
	if (srv->get_function_denied && !strcmp(name, srv->get_function_denied) &&
	    !strcmp(region, "us-east-1")) {
		put(resp, 403, "AccessDeniedException", "{\"Message\":\"no lambda:GetFunction\"}");
		return;
	}
	put(resp, 200, NULL, "{\"Configuration\":{\"FunctionName\":\"%s\"},\"Code\":{\"Location\":"
	    "\"https://s3.example/x?X-Amz-Signature=presigned\"}%s}", name,
	    atoi(name + 3) % 10 == 1 ? ",\"Concurrency\":{\"ReservedConcurrentExecutions\":5}" : "");
}

static void list_mappings(server *srv, ld_http_response *resp, const char *account,
			  const char *region)
{
	ld_buf *b = &resp->body;
	int n = 0;

	resp->status = 200;
	ld_buf_puts(b, "{\"EventSourceMappings\":[");
	for (int f = 0; f < srv->nfunctions; f += 3)
		ld_buf_printf(b, "%s{\"UUID\":\"u-%s-%03d\",\"FunctionArn\":\"arn:aws:lambda:%s:%s:"
			      "function:fn-%03d\",\"State\":\"Enabled\"}", n++ ? "," : "",
			      region, f, region, account, f);
	ld_buf_puts(b, "]}");
}

/* DescribeLogGroups: fn-000's group, kept 7 days; slow enough that reads made at once
 * overlap. */
static void logs_answer(server *srv, ld_http_response *resp, const char *region)
{
	struct timespec latency = { 0, 20000000 };

	pthread_mutex_lock(&srv->lock);
	if (++srv->logs_inflight > srv->logs_peak)
		srv->logs_peak = srv->logs_inflight;
	pthread_mutex_unlock(&srv->lock);
	nanosleep(&latency, NULL);
	if (srv->logs_denied_region && !strcmp(region, srv->logs_denied_region))
		put(resp, 400, "AccessDeniedException", "{\"message\":\"no logs:DescribeLogGroups "
		    "here\"}");
	else
		put(resp, 200, NULL, "{\"logGroups\":[{\"logGroupName\":\"/aws/lambda/fn-000\","
		    "\"retentionInDays\":7}]}");
	pthread_mutex_lock(&srv->lock);
	srv->logs_inflight--;
	pthread_mutex_unlock(&srv->lock);
}

static int fake_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp)
{
	server *srv = ((fake *)t)->srv;
	const char *auth = header(req, "Authorization");
	char akid[64], region[32], service[16], account[16];
	struct timespec latency = { 0, 2000000 };

	after(akid, sizeof(akid), auth, "Credential=", "/");
	region[0] = service[0] = '\0';
	/* Credential=AKID/DATE/REGION/SERVICE/aws4_request */
	sscanf(auth ? strstr(auth, "Credential=") : "", "Credential=%*[^/]/%*[^/]/%31[^/]/%15[^/]",
	       region, service);
	account_of_key(account, sizeof(account), akid);
	if (!strcmp(service, "sts")) {
		sts_answer(srv, req, resp);
		return 0;
	}
	if (!strcmp(service, "logs")) {
		logs_answer(srv, resp, region);
		return 0;
	}
	pthread_mutex_lock(&srv->lock);
	srv->lambda_calls++;
	if (++srv->inflight > srv->peak)
		srv->peak = srv->inflight;
	pthread_mutex_unlock(&srv->lock);
	nanosleep(&latency, NULL); /* so requests overlap */
	if (srv->denied_region && !strcmp(region, srv->denied_region))
		put(resp, 403, "AccessDeniedException", "{\"Message\":\"no lambda:List* here\"}");
	else if (srv->unknown_key_region && !strcmp(region, srv->unknown_key_region))
		put(resp, 403, "UnrecognizedClientException",
		    "{\"message\":\"The security token included in the request is invalid\"}");
	else if (strstr(req->url, "/aliases"))
		list_aliases(srv, resp, account, region, req->url);
	else if (strstr(req->url, "/policy")) {
		__atomic_add_fetch(&srv->policy_calls, 1, __ATOMIC_SEQ_CST);
		get_policy(srv, resp, account, region, req->url);
	} else if (strstr(req->url, "/urls")) {
		__atomic_add_fetch(&srv->url_calls, 1, __ATOMIC_SEQ_CST);
		list_urls(srv, resp, account, region, req->url);
	} else if (strstr(req->url, "/functions/")) {
		__atomic_add_fetch(&srv->get_function_calls, 1, __ATOMIC_SEQ_CST);
		get_function(srv, resp, region, req->url);
	}
	else if (strstr(req->url, "/event-source-mappings"))
		list_mappings(srv, resp, account, region);
	else
		list_functions(srv, resp, account, region, req->url);
	pthread_mutex_lock(&srv->lock);
	srv->inflight--;
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

static void fake_free(ld_transport *t)
{
	free(t);
}

static ld_transport *fake_new(server *srv)
{
	fake *f = calloc(1, sizeof(*f));
	f->base.send = fake_send;
	f->base.free = fake_free;
	f->srv = srv;
	return &f->base;
}

static int seam_transport(void *ctx, ld_transport **out, ld_aws_session *s)
{
	(void)s;
	*out = fake_new(ctx);
	return 0;
}

static void server_init(server *srv, int nfunctions)
{
	memset(srv, 0, sizeof(*srv));
	pthread_mutex_init(&srv->lock, NULL);
	srv->nfunctions = nfunctions;
}

static void no_sleep(void *ctx, long ms)
{
	(void)ctx;
	(void)ms;
}

static int base_session(ld_aws_session **s, server *srv)
{
	ld_aws_config cfg;
	ld_retry_policy p = LD_RETRY_POLICY_INIT;

	p.sleep_ms = no_sleep;
	p.max_attempts = 2;
	/* fast, but through the limiter all the same */
	p.rate[LD_QUOTA_CONTROL] = p.rate[LD_QUOTA_GET_POLICY] = 2000;
	p.rate[LD_QUOTA_GET_FUNCTION] = 2000;
	ld_script_config(&cfg, "us-east-1", SECRET);
	cfg.sts_endpoint_url = strdup("http://127.0.0.1:5000");
	return ld_aws_session__new_with(s, NULL, &cfg, fake_new(srv), &p);
}

static int role_session(ld_aws_session **s, ld_aws_session *parent, server *srv,
			const char *account)
{
	char arn[128];
	ld_role_opts ro = { arn, NULL, NULL, 0 };
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:role/Audit", account);
	return ld_aws_session__for_role_with(s, parent, &ro, fake_new(srv));
}

/* Collect and write the snapshot, with the time pinned so two runs compare. */
static char *collect_to_json(ld_collect_target *targets, size_t n, server *srv, int workers,
			     int inflight)
{
	static const uint8_t key[LD_DIGEST_KEY_LEN] = { 1, 2, 3 };
	ld_inventory inv;
	ld_collect_pool_opts o = LD_COLLECT_POOL_OPTS_INIT;
	ld_collect_seams seams = { seam_transport, srv, false, NULL };
	ld_buf out = LD_BUF_INIT;

	ld_inventory_init(&inv);
	inv.collected_at = strdup("2026-01-01T00:00:00Z");
	o.collect.digest_key = key;
	o.collect.all_urls = srv->all_urls;
	o.collect.no_policies = srv->no_policies;
	o.collect.no_concurrency = srv->no_concurrency;
	o.workers = workers;
	o.inflight = inflight;
	if (ld_collect_targets__with(&inv, targets, n, &o, &seams) < 0 ||
	    ld_inventory_write(&out, &inv) < 0) {
		ld_test_fail(__FILE__, __LINE__, "collect: %s", ld_error_last()->message);
		ld_inventory_dispose(&inv);
		return NULL;
	}
	ld_inventory_dispose(&inv);
	return ld_buf_detach(&out);
}

/* Collect, then the posture reads after the pool: at once on readers of their own (the
 * estate's way), else one at a time on the session's transport (ld_collect_iam). */
static char *posture_to_json(ld_collect_target *targets, size_t n, server *srv, bool at_once)
{
	static const uint8_t key[LD_DIGEST_KEY_LEN] = { 1, 2, 3 };
	ld_inventory inv;
	ld_collect_pool_opts o = LD_COLLECT_POOL_OPTS_INIT;
	ld_collect_seams seams = { seam_transport, srv, false, NULL };
	ld_buf out = LD_BUF_INIT;
	int error;

	ld_inventory_init(&inv);
	inv.collected_at = strdup("2026-01-01T00:00:00Z");
	o.collect.digest_key = key;
	o.workers = 4;
	o.inflight = 2;
	error = ld_collect_targets__with(&inv, targets, n, &o, &seams);
	if (error == 0)
		error = at_once ? ld_collect_iam__with(&inv, targets, n, NULL, &seams)
				: ld_collect_iam(&inv, targets, n, NULL);
	if (error < 0 || ld_inventory_write(&out, &inv) < 0) {
		ld_test_fail(__FILE__, __LINE__, "collect: %s", ld_error_last()->message);
		ld_inventory_dispose(&inv);
		return NULL;
	}
	ld_inventory_dispose(&inv);
	return ld_buf_detach(&out);
}

/* Rewrite the one control call count `from` in a snapshot as `to` (the same length), so
 * runs that differ only by the listing by name compare byte for byte otherwise. */
static void same_control_count(char *json, const char *from, const char *to)
{
	char *at = strstr(json, from);

	if (at && strlen(from) == strlen(to))
		memcpy(at, to, strlen(to));
}

/* --- the pool -------------------------------------------------------------------------- */

static void test_pool__concurrent_equals_serial(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t[3];
	char *serial, *concurrent;
	const char *regions[] = { "us-east-1", "eu-west-1", "ap-southeast-2" };

	server_init(&srv, 137); /* 7 ListFunctions pages per region */
	srv.alias_404 = "fn-007"; /* a problem line, which must come out in the same place */
	LD_REQUIRE(base_session(&s, &srv) == 0);
	memset(t, 0, sizeof(t));
	for (int i = 0; i < 3; i++) {
		t[i].session = s;
		t[i].region = regions[i];
	}
	serial = collect_to_json(t, 3, &srv, 1, 1);
	LD_CHECK_INT(srv.peak, 1);
	LD_CHECK_INT(srv.names_calls, 0); /* one request at a time: no listing by name */
	srv.peak = 0;
	concurrent = collect_to_json(t, 3, &srv, 8, 4);
	LD_CHECK(srv.peak > 1);
	/* in parallel, ListFunctions by name first: 3 pages of 50 of the 137 per region */
	LD_CHECK_INT(srv.names_calls, 9);
	LD_REQUIRE(serial && concurrent);
	LD_CHECK(strstr(concurrent, "\"control\": 522,") != NULL);
	same_control_count(concurrent, "\"control\": 522,", "\"control\": 513,");
	LD_CHECK_STR(concurrent, serial); /* every other byte */
	LD_CHECK(strstr(serial, "\"complete\": false") != NULL);
	LD_CHECK(strstr(serial, "aliases of fn-007 in ap-southeast-2 not collected") != NULL);
	LD_CHECK(strstr(serial, "\"fn-136\"") != NULL);
	LD_CHECK(strstr(serial, "\"u-eu-west-1-135\"") != NULL);
	/* one ListAliases per function, 7 ListFunctions pages, one mapping page, per region */
	/* ListFunctionUrlConfigs of the 26 URL functions but fn-007 (its aliases failed in
	 * every region, so it keeps no record) are control calls; GetPolicy of each function
	 * (fn-007's too: asked as soon as it is listed, in both runs alike) and of each alias
	 * live but fn-007's; GetFunction (concurrency) of the 54 public ones */
	LD_CHECK(strstr(serial, "\"control\": 513") != NULL);
	LD_CHECK(strstr(serial, "\"get_policy\": 819") != NULL);
	LD_CHECK(strstr(serial, "\"get_function\": 162") != NULL);
	LD_CHECK(strstr(serial, "\"url\": \"https://fn-002.lambda-url.ap-southeast-2.on.aws/\"")
		 != NULL);
	LD_CHECK(strstr(serial, "\"reserved_concurrency\": 5") != NULL);
	LD_CHECK(strstr(serial, "\"reserved_concurrency\": \"none\"") != NULL);
	LD_CHECK(strstr(serial, "presigned") == NULL);
	LD_CHECK_INT(t[1].error, 0);
	free(serial);
	free(concurrent);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

/* The posture reads after the pool (src/aws/iam.c): every account-region's DescribeLogGroups
 * at once, and the very inventory of one read after another, a denied region's problem
 * line in the same place. */
static void test_pool__posture_reads_at_once(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t[4];
	char *serial, *at_once;
	const char *regions[] = { "us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2" };

	server_init(&srv, 3);
	srv.logs_denied_region = "ap-southeast-2";
	LD_REQUIRE(base_session(&s, &srv) == 0);
	memset(t, 0, sizeof(t));
	for (int i = 0; i < 4; i++) {
		t[i].session = s;
		t[i].region = regions[i];
	}
	serial = posture_to_json(t, 4, &srv, false);
	LD_CHECK_INT(srv.logs_peak, 1);
	srv.logs_peak = 0;
	at_once = posture_to_json(t, 4, &srv, true);
	LD_CHECK(srv.logs_peak > 1);
	LD_REQUIRE(serial && at_once);
	LD_CHECK_STR(at_once, serial);
	LD_CHECK(strstr(serial, "\"logs\": 4") != NULL);
	LD_CHECK(strstr(serial, "region ap-southeast-2: log-retention unchecked") != NULL);
	LD_CHECK(strstr(serial, "\"retention_days\": 7") != NULL);
	free(serial);
	free(at_once);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

static void test_pool__more_targets_than_workers(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t[64];
	const char *const *regions;
	size_t n;
	char *json;

	server_init(&srv, 2);
	LD_REQUIRE(base_session(&s, &srv) == 0);
	LD_REQUIRE(ld_aws_partition_regions(&regions, &n, "aws") == 0 && n <= 64);
	memset(t, 0, sizeof(t));
	for (size_t i = 0; i < n; i++) {
		t[i].session = s;
		t[i].region = regions[i];
	}
	json = collect_to_json(t, n, &srv, 3, 2);
	LD_REQUIRE(json);
	LD_CHECK(srv.peak <= 3);
	/* ListFunctions by name and with its versions, 2 x ListAliases, 4 x GetPolicy
	 * (function and alias), GetFunction of the public fn-001, mappings */
	LD_CHECK_INT(srv.lambda_calls, (int)(n * 10));
	LD_CHECK_INT(srv.names_calls, (int)n);
	LD_CHECK(strstr(json, "\"complete\": true") != NULL);
	LD_CHECK(strstr(json, "\"u-us-west-2-000\"") != NULL);
	LD_CHECK(strstr(json, "\"u-af-south-1-000\"") != NULL);
	free(json);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

static void test_pool__failed_target_does_not_stop_others(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t[3];
	const char *regions[] = { "us-east-1", "eu-west-1", "us-west-2" };
	char *json;

	server_init(&srv, 20);
	srv.denied_region = "eu-west-1";
	LD_REQUIRE(base_session(&s, &srv) == 0);
	memset(t, 0, sizeof(t));
	for (int i = 0; i < 3; i++) {
		t[i].session = s;
		t[i].region = regions[i];
	}
	json = collect_to_json(t, 3, &srv, 4, 4);
	LD_REQUIRE(json);
	LD_CHECK_INT(t[0].error, 0);
	LD_CHECK_INT(t[1].error, LD_EAUTH);
	LD_CHECK(strstr(t[1].message, "access denied") != NULL);
	LD_CHECK_INT(t[2].error, 0);
	LD_CHECK(strstr(json, "\"region eu-west-1: access denied: no lambda:List* here") != NULL);
	LD_CHECK(strstr(json, "\"u-us-west-2-018\"") != NULL);
	LD_CHECK(strstr(json, "\"u-us-east-1-018\"") != NULL);
	LD_CHECK(strstr(json, "\"complete\": false") != NULL);
	free(json);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

static void test_pool__opt_in_region_not_enabled_is_skipped(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t[2];
	char *json;

	server_init(&srv, 5);
	srv.unknown_key_region = "ap-east-1";
	LD_REQUIRE(base_session(&s, &srv) == 0);
	memset(t, 0, sizeof(t));
	t[0].session = t[1].session = s;
	t[0].region = "us-east-1";
	t[1].region = "ap-east-1";
	json = collect_to_json(t, 2, &srv, 2, 2);
	LD_REQUIRE(json);
	LD_CHECK(t[1].skipped);
	LD_CHECK_INT(t[1].error, 0);
	LD_CHECK_STR(t[1].message, "skipped: region ap-east-1 is not enabled for this account");
	LD_CHECK(strstr(json, "\"complete\": true") != NULL);
	LD_CHECK(strstr(json, "\"notes\": [\n    \"skipped: region ap-east-1 is not enabled") != NULL);
	LD_CHECK(strstr(json, "\"regions\": [\n    \"us-east-1\"\n  ]") != NULL);
	free(json);
	/* the same answer from a region enabled everywhere is a failure */
	srv.unknown_key_region = "us-east-1";
	json = collect_to_json(t, 1, &srv, 2, 2);
	LD_REQUIRE(json);
	LD_CHECK(!t[0].skipped);
	LD_CHECK_INT(t[0].error, LD_EAUTH);
	LD_CHECK(strstr(json, "\"complete\": false") != NULL);
	free(json);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

static void test_pool__accounts_through_assume_role(void)
{
	server srv;
	ld_aws_session *base = NULL, *a = NULL, *b = NULL, *refused = NULL;
	ld_collect_target t[6];
	const char *regions[] = { "us-east-1", "eu-west-1" };
	char *json;

	server_init(&srv, 6);
	srv.refused_account = "333333333333";
	LD_REQUIRE(base_session(&base, &srv) == 0);
	LD_REQUIRE(role_session(&a, base, &srv, "111111111111") == 0);
	LD_REQUIRE(role_session(&b, base, &srv, "222222222222") == 0);
	LD_REQUIRE(role_session(&refused, base, &srv, "333333333333") == 0);
	LD_CHECK_INT(srv.assume_calls, 0); /* lazily, at the first request */
	memset(t, 0, sizeof(t));
	for (int i = 0; i < 6; i++) {
		t[i].session = i < 2 ? a : i < 4 ? b : refused;
		t[i].account = i < 2 ? "111111111111" : i < 4 ? "222222222222" : "333333333333";
		t[i].region = regions[i % 2];
	}
	json = collect_to_json(t, 6, &srv, 6, 3);
	LD_REQUIRE(json);
	/* one AssumeRole per account, not per region; the refused one is not retried */
	LD_CHECK_INT(srv.assume_calls, 3);
	LD_CHECK_INT(t[0].error, 0);
	LD_CHECK_INT(t[3].error, 0);
	LD_CHECK_INT(t[4].error, LD_EAUTH);
	LD_CHECK(strstr(t[5].message, "cannot assume role arn:aws:iam::333333333333:role/Audit") != NULL);
	LD_CHECK(strstr(json, "\"account 333333333333 (all 2 regions): cannot assume role") != NULL);
	LD_CHECK(strstr(json, "region eu-west-1: cannot") == NULL);
	LD_CHECK(strstr(json, "\"accounts\": [\n    \"111111111111\",\n    \"222222222222\",\n"
			"    \"333333333333\"\n  ]") != NULL);
	LD_CHECK(strstr(json, "\"account\": null") != NULL);
	LD_CHECK(strstr(json, "\"account\": \"222222222222\",\n      \"arn\": \"arn:aws:lambda:"
			"eu-west-1:222222222222:function:fn-005\"") != NULL);
	LD_CHECK(strstr(json, "\"sts\": 3") != NULL);
	free(json);
	ld_aws_session_free(a);
	ld_aws_session_free(b);
	ld_aws_session_free(refused);
	ld_aws_session_free(base);
	pthread_mutex_destroy(&srv.lock);
}

static void test_pool__accounts_snapshot_round_trip(void)
{
	server srv;
	ld_aws_session *base = NULL, *a = NULL, *b = NULL;
	ld_collect_target t[3];
	ld_inventory inv;
	char path[] = "/tmp/ld-snapshot-XXXXXX";
	char *json, *again = NULL;
	ld_buf out = LD_BUF_INIT;
	FILE *f;
	int fd;

	server_init(&srv, 3);
	srv.unknown_key_region = "me-south-1";
	LD_REQUIRE(base_session(&base, &srv) == 0);
	LD_REQUIRE(role_session(&a, base, &srv, "111111111111") == 0);
	LD_REQUIRE(role_session(&b, base, &srv, "222222222222") == 0);
	memset(t, 0, sizeof(t));
	t[0] = (ld_collect_target){ .session = a, .account = "111111111111", .region = "us-east-1" };
	t[1] = (ld_collect_target){ .session = b, .account = "222222222222", .region = "us-east-1" };
	t[2] = (ld_collect_target){ .session = b, .account = "222222222222", .region = "me-south-1" };
	json = collect_to_json(t, 3, &srv, 3, 2);
	LD_REQUIRE(json);
	LD_CHECK(t[2].skipped);
	LD_CHECK_STR(t[2].message, "skipped: region me-south-1 is not enabled for account "
		     "222222222222");
	fd = mkstemp(path);
	LD_REQUIRE(fd >= 0);
	f = fdopen(fd, "w");
	fputs(json, f);
	fclose(f);
	/* same name, same region, two accounts: two functions, and back out the same bytes */
	LD_REQUIRE(ld_inventory_load(&inv, path) == 0);
	LD_CHECK_INT(inv.nfunctions, 6);
	LD_CHECK_INT(inv.naccounts, 2);
	LD_CHECK_INT(inv.nnotes, 1);
	LD_CHECK(inv.complete);
	LD_CHECK_STR(inv.functions[3].account, "222222222222");
	LD_CHECK(ld_inventory_write(&out, &inv) == 0);
	again = ld_buf_detach(&out);
	LD_CHECK_STR(again, json);
	unlink(path);
	ld_inventory_dispose(&inv);
	free(again);
	free(json);
	ld_aws_session_free(a);
	ld_aws_session_free(b);
	ld_aws_session_free(base);
	pthread_mutex_destroy(&srv.lock);
}

/* A refused, failing or malformed GetPolicy leaves its functions unchecked, with a line
 * saying what to do, and the run incomplete; the region's other listings go on. */
/* URLs are listed where a policy names one (fn-NNN, N % 5 == 2), or with all_urls of every
 * function, and nothing else changes. */
static void test_pool__all_urls_lists_every_function(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t;
	char *json;

	server_init(&srv, 20);
	LD_REQUIRE(base_session(&s, &srv) == 0);
	t = (ld_collect_target){ .session = s, .region = "us-east-1" };
	json = collect_to_json(&t, 1, &srv, 2, 2);
	LD_REQUIRE(json);
	LD_CHECK_INT(srv.url_calls, 4);
	LD_CHECK(strstr(json, "\"url\": \"https://fn-003.lambda-url") == NULL);
	free(json);
	srv.url_calls = 0;
	srv.all_urls = true;
	json = collect_to_json(&t, 1, &srv, 2, 2);
	LD_REQUIRE(json);
	LD_CHECK_INT(srv.url_calls, 20);
	LD_CHECK(strstr(json, "\"url\": \"https://fn-003.lambda-url.us-east-1.on.aws/\"") != NULL);
	LD_CHECK(strstr(json, "\"complete\": true") != NULL);
	free(json);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

/* What the rules left out is not read: without any rule GetPolicy feeds, no GetPolicy (nor
 * URL, nor GetFunction); without concurrency-unbounded, no GetFunction; nothing else of
 * the inventory changes. */
static void test_pool__skipped_rules_are_not_read(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t;
	char *all, *json;

	server_init(&srv, 20);
	LD_REQUIRE(base_session(&s, &srv) == 0);
	t = (ld_collect_target){ .session = s, .region = "us-east-1" };
	all = collect_to_json(&t, 1, &srv, 4, 4);
	LD_REQUIRE(all);
	LD_CHECK_INT(srv.policy_calls, 40);
	LD_CHECK(srv.get_function_calls > 0);
	srv.policy_calls = srv.url_calls = srv.get_function_calls = 0;
	srv.no_concurrency = true;
	json = collect_to_json(&t, 1, &srv, 4, 4);
	LD_REQUIRE(json);
	LD_CHECK_INT(srv.policy_calls, 40);
	LD_CHECK_INT(srv.url_calls, 4);
	LD_CHECK_INT(srv.get_function_calls, 0);
	LD_CHECK(strstr(json, "\"reserved_concurrency\": 5") == NULL);
	LD_CHECK(strstr(json, "\"url\": \"https://fn-002.lambda-url") != NULL);
	free(json);
	srv.policy_calls = srv.url_calls = 0;
	srv.no_policies = true;
	json = collect_to_json(&t, 1, &srv, 4, 4);
	LD_REQUIRE(json);
	LD_CHECK_INT(srv.policy_calls + srv.url_calls + srv.get_function_calls, 0);
	LD_CHECK(strstr(json, "\"access\"") == NULL);
	LD_CHECK(strstr(json, "\"complete\": true") != NULL);
	/* the same functions, aliases and mappings */
	LD_CHECK(strstr(json, "\"u-us-east-1-018\"") != NULL);
	LD_CHECK_INT((long)strlen(json) < (long)strlen(all), 1);
	free(json);
	free(all);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

static void test_pool__policy_failures_are_unchecked(void)
{
	server srv;
	ld_aws_session *s = NULL;
	ld_collect_target t[3];
	char *json;
	const char *p, *prefix = "\"access\": {\n        \"resource_policies\": [],\n"
				  "        \"unchecked\": \"GetPolicy of fn-001 in us-east-1 failed "
				  "(malformed JSON";

	server_init(&srv, 12);
	srv.policy_denied_region = "eu-west-1";
	srv.policy_5xx_region = "us-west-2";
	srv.policy_garbled = "fn-001"; /* else public: must read neither clean nor public */
	srv.urls_garbled = "fn-002";
	srv.get_function_denied = "fn-006";
	LD_REQUIRE(base_session(&s, &srv) == 0);
	memset(t, 0, sizeof(t));
	t[0] = (ld_collect_target){ .session = s, .region = "us-east-1" };
	t[1] = (ld_collect_target){ .session = s, .region = "eu-west-1" };
	t[2] = (ld_collect_target){ .session = s, .region = "us-west-2" };
	json = collect_to_json(t, 3, &srv, 1, 1); /* serial: the skipped counts are exact */
	LD_REQUIRE(json);
	for (int i = 0; i < 3; i++)
		LD_CHECK_INT(t[i].error, 0);
	LD_CHECK(strstr(json, "\"complete\": false") != NULL);
	LD_CHECK(strstr(json, "\"GetPolicy of fn-001 in us-east-1 failed (") != NULL);
	LD_CHECK(strstr(json, "\"ListFunctionUrlConfigs of fn-002 in us-east-1 failed (") != NULL);
	LD_CHECK(strstr(json, "were not checked for it; run the scan again\"") != NULL);
	LD_CHECK(strstr(json, "\"GetFunction of fn-006 in us-east-1 failed (access denied") != NULL);
	LD_CHECK(strstr(json, "the scanner needs lambda:GetFunction\"") != NULL);
	/* refused: every later function would be refused alike, so they are not asked */
	LD_CHECK(strstr(json, "\"resource policies of 5 more functions in us-east-1 not read "
			"after that error") != NULL);
	LD_CHECK(strstr(json, "\"GetPolicy of fn-000 in eu-west-1 failed (access denied") != NULL);
	LD_CHECK(strstr(json, "the scanner needs lambda:GetPolicy\"") != NULL);
	LD_CHECK(strstr(json, "\"resource policies of 11 more functions in eu-west-1 not read")
		 != NULL);
	/* a 5xx after its retries would hit the next ones alike (as for ListAliases) */
	LD_CHECK(strstr(json, "\"GetPolicy of fn-000 in us-west-2 failed (GetPolicy failed with "
			"http 503") != NULL);
	LD_CHECK(strstr(json, "\"resource policies of 11 more functions in us-west-2 not read")
		 != NULL);
	/* the rest of each region was listed */
	LD_CHECK(strstr(json, "\"u-eu-west-1-009\"") != NULL);
	LD_CHECK(strstr(json, "\"arn\": \"arn:aws:lambda:us-west-2:123456789012:function:fn-011\"")
		 != NULL);
	/* fn-001's record holds no statement, only why */
	p = strstr(json, "\"arn\": \"arn:aws:lambda:us-east-1:123456789012:function:fn-001\"");
	LD_REQUIRE(p);
	p = strstr(p, "\"access\": {");
	LD_REQUIRE(p);
	LD_CHECK(!strncmp(p, prefix, strlen(prefix)));
	/* the functions not asked have no record at all */
	p = strstr(json, "\"arn\": \"arn:aws:lambda:us-east-1:123456789012:function:fn-011\"");
	LD_REQUIRE(p);
	LD_CHECK(strstr(p, "\"access\"") == NULL || strstr(p, "\"access\"") > strstr(p, "\"name\""));
	LD_CHECK(strstr(json, "\"reserved_concurrency\": 5") == NULL);
	free(json);
	ld_aws_session_free(s);
	pthread_mutex_destroy(&srv.lock);
}

static time_t wall;

static time_t wall_clock(void)
{
	return wall;
}

static void test_pool__role_refreshed_once_before_expiry(void)
{
	server srv;
	ld_aws_session *base = NULL, *a = NULL;
	ld_collect_target t[4];
	const char *regions[] = { "us-east-1", "eu-west-1", "us-west-2", "ap-south-1" };
	char *json;

	server_init(&srv, 4);
	wall = 1900000000;
	srv.expiry = wall + 3600;
	LD_REQUIRE(base_session(&base, &srv) == 0);
	base->now = wall_clock; /* role sessions take the parent's clock */
	LD_REQUIRE(role_session(&a, base, &srv, "111111111111") == 0);
	memset(t, 0, sizeof(t));
	for (int i = 0; i < 4; i++) {
		t[i].session = a;
		t[i].account = "111111111111";
		t[i].region = regions[i];
	}
	json = collect_to_json(t, 4, &srv, 8, 4);
	LD_CHECK_INT(srv.assume_calls, 1);
	free(json);
	/* 50 minutes on: inside the advisory window, so the next requests refresh it, once,
	 * however many of them ask at the same moment */
	wall += 3000;
	srv.expiry = wall + 3600;
	json = collect_to_json(t, 4, &srv, 8, 4);
	LD_REQUIRE(json);
	LD_CHECK_INT(srv.assume_calls, 2);
	LD_CHECK(strstr(json, "\"complete\": true") != NULL);
	free(json);
	ld_aws_session_free(a);
	ld_aws_session_free(base);
	pthread_mutex_destroy(&srv.lock);
}

/* --- the read jobs after the listing (ld_pool__reads) ------------------------------------ */

#define READ_JOBS 24

typedef struct {
	ld_aws_session *s;
	int ran[READ_JOBS];
	ld_transport *transport[READ_JOBS];
	ld_rate_limiter *limiter[READ_JOBS];
	const char *region[READ_JOBS];
	size_t fail_at;          /* READ_JOBS: none fails */
	size_t finished;
} reads_fx;

static int read_job(void *ctx, ld_pool_reads *rd, size_t i, ld_api_calls *calls)
{
	reads_fx *fx = ctx;
	const char *region = i % 2 ? "us-east-1" : "eu-west-1";
	ld_transport *t = NULL;
	ld_aws_client c;

	if (ld_aws_session__own_transport(&t, fx->s) < 0 ||
	    ld_aws_session__client(&c, fx->s, region, calls) < 0)
		return LD_ERROR;
	ld_pool__reads_lock(rd);
	fx->ran[i]++;
	fx->transport[i] = t;
	fx->limiter[i] = c.limiter;
	fx->region[i] = region;
	ld_pool__reads_unlock(rd);
	ld_aws_client_dispose(&c);
	calls->get_function++;
	if (i == fx->fail_at)
		return ld_error_setc(LD_ENET, LD_ERR_AWS, "job %zu failed", i);
	nanosleep(&(struct timespec){ 0, 2000000 }, NULL); /* every reader takes some */
	return 0;
}

static void read_finished(void *ctx, size_t done)
{
	((reads_fx *)ctx)->finished = done;
}

static int run_reads(reads_fx *fx, ld_api_calls *calls, size_t workers, size_t fail_at)
{
	ld_pool_reads_opts o = { READ_JOBS, workers, fx->s, read_job, read_finished, fx, calls };

	memset(fx->ran, 0, sizeof(fx->ran));
	memset(fx->transport, 0, sizeof(fx->transport));
	fx->fail_at = fail_at;
	fx->finished = 0;
	return ld_pool__reads(&o);
}

/* Every job runs once, on readers with connections of their own (never the session's),
 * the jobs of one region draw on one set of buckets and those of another on another, the
 * calls are merged; one reader runs them on the session's own connection. A failing job
 * stops the taking of more and its error and message are the run's. */
static void test_pool__read_jobs(void)
{
	server srv;
	reads_fx fx;
	ld_api_calls calls;
	ld_transport *own = NULL;

	server_init(&srv, 0);
	memset(&fx, 0, sizeof(fx));
	LD_REQUIRE(base_session(&fx.s, &srv) == 0);
	LD_REQUIRE(ld_aws_session__own_transport(&own, fx.s) == 0);
	memset(&calls, 0, sizeof(calls));
	LD_CHECK_INT(run_reads(&fx, &calls, 4, READ_JOBS), 0);
	LD_CHECK_INT(calls.get_function, READ_JOBS);
	LD_CHECK_INT(fx.finished, READ_JOBS);
	for (size_t i = 0; i < READ_JOBS; i++) {
		LD_CHECK_INT(fx.ran[i], 1);
		LD_CHECK(fx.transport[i] && fx.transport[i] != own);
		LD_CHECK(fx.limiter[i] != NULL);
		LD_CHECK(fx.limiter[i] == fx.limiter[i % 2]);
	}
	LD_CHECK(fx.limiter[0] != fx.limiter[1]);
	/* more than one reader took jobs */
	for (size_t i = 1; i < READ_JOBS && fx.transport[i] == fx.transport[0]; i++)
		LD_CHECK(i + 1 < READ_JOBS);

	memset(&calls, 0, sizeof(calls));
	LD_CHECK_INT(run_reads(&fx, &calls, 1, READ_JOBS), 0);
	for (size_t i = 0; i < READ_JOBS; i++)
		LD_CHECK(fx.transport[i] == own);
	LD_CHECK_INT(calls.get_function, READ_JOBS);

	memset(&calls, 0, sizeof(calls));
	LD_CHECK_INT(run_reads(&fx, &calls, 4, 2), LD_ENET);
	LD_CHECK_STR(ld_error_last()->message, "job 2 failed");
	LD_CHECK(fx.ran[READ_JOBS - 1] == 0);
	LD_CHECK(calls.get_function < READ_JOBS);
	ld_aws_session_free(fx.s);
	pthread_mutex_destroy(&srv.lock);
}

const ld_test ld_tests[] = {
	LD_TEST(test_pool__concurrent_equals_serial),
	LD_TEST(test_pool__posture_reads_at_once),
	LD_TEST(test_pool__more_targets_than_workers),
	LD_TEST(test_pool__failed_target_does_not_stop_others),
	LD_TEST(test_pool__opt_in_region_not_enabled_is_skipped),
	LD_TEST(test_pool__accounts_through_assume_role),
	LD_TEST(test_pool__role_refreshed_once_before_expiry),
	LD_TEST(test_pool__accounts_snapshot_round_trip),
	LD_TEST(test_pool__all_urls_lists_every_function),
	LD_TEST(test_pool__skipped_rules_are_not_read),
	LD_TEST(test_pool__policy_failures_are_unchecked),
	LD_TEST(test_pool__read_jobs),
	{ NULL, NULL }
};
