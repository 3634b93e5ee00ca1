/*
 * SigV4 signer against the vectors in fixtures/sigv4 (see its README): every case directory
 * of aws-c-auth-v4 (official) and lambda-derived-botocore (botocore-signed Lambda requests in
 * wire form) is parsed from request.txt and context.json, signed, and compared byte for byte
 * with header-canonical-request.txt, header-string-to-sign.txt, header-signature.txt and the
 * Authorization line of header-signed-request.txt. The query-* files describe presigned URLs;
 * lambdrift never presigns, so they are not read. Small cases cover ld_sigv4_uri_encode, the
 * missing-Host error and the added headers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "harness.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/json.h"

#define MAX_CASE_HEADERS 32
#define MAX_CASES 128

/* request.txt parsed into the signer's input; the strings are owned here. */
typedef struct {
	ld_buf method, path, query;
	ld_buf names[MAX_CASE_HEADERS], values[MAX_CASE_HEADERS];
	ld_header headers[MAX_CASE_HEADERS];
	size_t nheaders;
	const char *body;
	size_t body_len;
} parsed_request;

static void parsed_dispose(parsed_request *r)
{
	ld_buf_dispose(&r->method);
	ld_buf_dispose(&r->path);
	ld_buf_dispose(&r->query);
	for (size_t i = 0; i < r->nheaders; i++) {
		ld_buf_dispose(&r->names[i]);
		ld_buf_dispose(&r->values[i]);
	}
}

/* "METHOD target HTTP/1.1": the target may contain spaces (get-space-*), so it ends at the
 * last " HTTP/". */
static int parse_request_line(parsed_request *r, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len), *ver = NULL, *q;

	for (const char *p = line; p + 6 <= line + len; p++)
		if (memcmp(p, " HTTP/", 6) == 0)
			ver = p;
	if (!sp || !ver || ver <= sp)
		return -1;
	ld_buf_put(&r->method, line, (size_t)(sp - line));
	sp++;
	q = memchr(sp, '?', (size_t)(ver - sp));
	ld_buf_put(&r->path, sp, (size_t)((q ? q : ver) - sp));
	if (q)
		ld_buf_put(&r->query, q + 1, (size_t)(ver - q - 1));
	return 0;
}

/* A line opening with a blank continues the previous header (obsolete folding); the
 * signer is expected to collapse the line break with the rest of the whitespace. */
static int parse_header_line(parsed_request *r, const char *line, size_t len)
{
	const char *colon;

	if ((line[0] == ' ' || line[0] == '\t') && r->nheaders > 0) {
		ld_buf_putc(&r->values[r->nheaders - 1], '\n');
		return ld_buf_put(&r->values[r->nheaders - 1], line, len);
	}
	if (r->nheaders == MAX_CASE_HEADERS || (colon = memchr(line, ':', len)) == NULL)
		return -1;
	ld_buf_init(&r->names[r->nheaders], 4096);
	ld_buf_init(&r->values[r->nheaders], 4096);
	ld_buf_put(&r->names[r->nheaders], line, (size_t)(colon - line));
	ld_buf_put(&r->values[r->nheaders], colon + 1, (size_t)(line + len - colon - 1));
	r->nheaders++;
	return 0;
}

static int parse_request(parsed_request *r, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	bool first = true;

	memset(r, 0, sizeof(*r));
	ld_buf_init(&r->method, 64);
	ld_buf_init(&r->path, 4096);
	ld_buf_init(&r->query, 4096);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *stop = nl ? nl : end;
		size_t n = (size_t)(stop - p);
		if (n && stop[-1] == '\r')
			n--;
		if (n == 0 && !first) {
			p = nl ? nl + 1 : end;
			break;
		}
		if ((first ? parse_request_line(r, p, n) : parse_header_line(r, p, n)) < 0)
			return -1;
		first = false;
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < r->nheaders; i++)
		r->headers[i] = (ld_header){ r->names[i].ptr, r->values[i].ptr };
	r->body = p;
	r->body_len = (size_t)(end - p);
	return 0;
}

static long long days_from_civil(long long y, long long m, long long d)
{
	long long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse_timestamp(time_t *out, const char *s)
{
	int y, mo, d, h, mi, se;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &se) != 6)
		return -1;
	*out = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se);
	return 0;
}

static bool json_true(const ld_json *ctx, const char *key)
{
	return ld_json_is_true(ld_json_get(ctx, key));
}

static int parse_context(ld_sigv4_params *p, const ld_json *ctx)
{
	const ld_json *creds = ld_json_get(ctx, "credentials");

	memset(p, 0, sizeof(*p));
	p->access_key_id = ld_json_get_str(creds, "access_key_id");
	p->secret_access_key = ld_json_get_str(creds, "secret_access_key");
	p->session_token = ld_json_get_str(creds, "token");
	p->region = ld_json_get_str(ctx, "region");
	p->service = ld_json_get_str(ctx, "service");
	p->normalize_path = json_true(ctx, "normalize");
	p->sign_body = json_true(ctx, "sign_body");
	p->omit_session_token = json_true(ctx, "omit_session_token");
	return parse_timestamp(&p->when, ld_json_get_str(ctx, "timestamp"));
}

/* Compare with a fixture file; print both sides under the case name when they differ. */
static bool expect_file(const char *dir, const char *file, const char *got)
{
	char path[1024];
	char *want;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((want = ld_test_read_file(path, NULL)) == NULL) {
		fprintf(stderr, "case %s: cannot read %s\n", dir, file);
		return false;
	}
	ok = strcmp(want, got) == 0;
	if (!ok)
		fprintf(stderr, "case %s: %s differs\n--- expected\n%s\n--- got\n%s\n---\n", dir,
			file, want, got);
	free(want);
	return ok;
}

/* The signed request lists the headers sent; only the Authorization line is compared. */
static bool expect_authorization(const char *dir, const char *got)
{
	char path[1024];
	char *want, *line, *eol;
	bool ok = false;

	snprintf(path, sizeof(path), "%s/header-signed-request.txt", dir);
	if ((want = ld_test_read_file(path, NULL)) == NULL)
		return false;
	if ((line = strstr(want, "\nAuthorization:")) != NULL) {
		line += strlen("\nAuthorization:");
		if ((eol = strchr(line, '\n')) != NULL)
			*eol = '\0';
		ok = strcmp(line, got) == 0;
	}
	if (!ok)
		fprintf(stderr, "case %s: authorization differs\n  got: %s\n", dir, got);
	free(want);
	return ok;
}

static bool has_added(const ld_sigv4_result *r, const char *name)
{
	for (size_t i = 0; i < r->nadd; i++)
		if (strcmp(r->add[i].name, name) == 0)
			return true;
	return false;
}

static bool check_added(const char *dir, const ld_sigv4_result *r, const ld_sigv4_params *p)
{
	bool ok = has_added(r, "X-Amz-Date") && has_added(r, "Authorization") &&
		  has_added(r, "X-Amz-Security-Token") == (p->session_token != NULL) &&
		  has_added(r, "X-Amz-Content-SHA256") == p->sign_body;
	if (!ok)
		fprintf(stderr, "case %s: wrong set of headers to add (%zu)\n", dir, r->nadd);
	return ok;
}

static bool sign_and_compare(const char *dir, const parsed_request *req, const ld_sigv4_params *p)
{
	ld_sigv4_result res;
	ld_sigv4_request in = { req->method.ptr, req->path.ptr,
				req->query.size ? req->query.ptr : NULL, req->headers,
				req->nheaders, req->body, req->body_len };
	bool ok;
	int error;

	if ((error = ld_sigv4_sign(&res, &in, p)) < 0) {
		fprintf(stderr, "case %s: sign failed (%d): %s\n", dir, error,
			ld_error_last()->message);
		return false;
	}
	ok = expect_file(dir, "header-canonical-request.txt", res.canonical_request.ptr);
	ok &= expect_file(dir, "header-string-to-sign.txt", res.string_to_sign.ptr);
	ok &= expect_file(dir, "header-signature.txt", res.signature);
	ok &= expect_authorization(dir, res.authorization.ptr);
	ok &= check_added(dir, &res, p);
	ld_sigv4_result_dispose(&res);
	return ok;
}

static bool run_case(const char *dir)
{
	char path[1024];
	char *req_text = NULL, *ctx_text = NULL;
	size_t req_len = 0, ctx_len = 0;
	parsed_request req;
	ld_sigv4_params params;
	ld_json *ctx = NULL;
	bool ok = false;

	memset(&req, 0, sizeof(req));
	snprintf(path, sizeof(path), "%s/request.txt", dir);
	req_text = ld_test_read_file(path, &req_len);
	snprintf(path, sizeof(path), "%s/context.json", dir);
	ctx_text = ld_test_read_file(path, &ctx_len);
	if (!req_text || !ctx_text || ld_json_parse(&ctx, ctx_text, ctx_len, path) < 0 ||
	    parse_context(&params, ctx) < 0 || parse_request(&req, req_text, req_len) < 0) {
		fprintf(stderr, "case %s: cannot read or parse the case files\n", dir);
		goto done;
	}
	ok = sign_and_compare(dir, &req, &params);
done:
	parsed_dispose(&req);
	ld_json_free(ctx);
	free(req_text);
	free(ctx_text);
	return ok;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Case directories are those holding a context.json; names are sorted for stable output. */
static size_t list_cases(const char *suite, char **names, size_t max)
{
	DIR *d = opendir(suite);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		char path[1024];
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/context.json", suite, e->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		fclose(f);
		snprintf(path, sizeof(path), "%s/%s", suite, e->d_name);
		names[n++] = strdup(path);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	return n;
}

static void run_suite(const char *suite, size_t expected_cases)
{
	char *names[MAX_CASES];
	size_t n = list_cases(suite, names, MAX_CASES), failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (!run_case(names[i])) {
			ld_test_fail(__FILE__, __LINE__, "sigv4 case %s", names[i]);
			failed++;
		}
		free(names[i]);
	}
	printf("%s: %zu cases, %zu failed\n", suite, n, failed);
	/* A missing or emptied fixture folder must not pass silently. */
	LD_CHECK_INT(n, expected_cases);
}

static void test_sigv4__aws_c_auth_vectors(void)
{
	run_suite("fixtures/sigv4/aws-c-auth-v4", 38);
}

static void test_sigv4__lambda_derived_vectors(void)
{
	run_suite("fixtures/sigv4/lambda-derived-botocore", 5);
}

static void test_sigv4__uri_encode(void)
{
	ld_buf b = LD_BUF_INIT;

	LD_CHECK_INT(ld_sigv4_uri_encode(&b, "AZaz09-_.~", false), 0);
	LD_CHECK_STR(b.ptr, "AZaz09-_.~");
	ld_buf_clear(&b);
	LD_CHECK_INT(ld_sigv4_uri_encode(&b, "a b/c:$+=%\xc3\xa9", true), 0);
	LD_CHECK_STR(b.ptr, "a%20b/c%3A%24%2B%3D%25%C3%A9");
	ld_buf_clear(&b);
	LD_CHECK_INT(ld_sigv4_uri_encode(&b, "a b/c", false), 0);
	LD_CHECK_STR(b.ptr, "a%20b%2Fc");
	/* it appends, like the other ld_buf producers */
	LD_CHECK_INT(ld_sigv4_uri_encode(&b, "/", true), 0);
	LD_CHECK_STR(b.ptr, "a%20b%2Fc/");
	ld_buf_clear(&b);
	LD_CHECK_INT(ld_sigv4_uri_encode(&b, "", true), 0);
	LD_CHECK_STR(b.ptr, "");
	ld_buf_dispose(&b);
}

static const ld_sigv4_params test_params = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL, "us-east-1", "lambda",
	1440938160, true, false, false
};

static void test_sigv4__missing_host(void)
{
	ld_header h[] = { { "Content-Type", "application/json" }, { "Host", "  " } };
	ld_sigv4_request req = { "GET", "/2015-03-31/functions", NULL, h, 1, NULL, 0 };
	ld_sigv4_result res;

	LD_CHECK_INT(ld_sigv4_sign(&res, &req, &test_params), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "host") != NULL);
	LD_CHECK(strstr(ld_error_last()->message, test_params.secret_access_key) == NULL);
	LD_CHECK_INT(res.nadd, 0);
	LD_CHECK_STR(res.authorization.ptr, "");
	ld_sigv4_result_dispose(&res);
	ld_sigv4_result_dispose(&res);
	ld_sigv4_result_dispose(NULL);

	/* a Host header whose value is blank is no better than none */
	req.nheaders = 2;
	LD_CHECK_INT(ld_sigv4_sign(&res, &req, &test_params), LD_EINVALID);
	ld_sigv4_result_dispose(&res);
}

static void test_sigv4__dispose_zeroed(void)
{
	ld_sigv4_result res;
	memset(&res, 0, sizeof(res));
	ld_sigv4_result_dispose(&res);
	LD_CHECK_INT(res.nadd, 0);
}

/* A query in wire form and the same query raw must canonicalise alike (encoded once). */
static void test_sigv4__query_wire_and_raw_agree(void)
{
	ld_header h[] = { { "host", "lambda.us-east-1.amazonaws.com" } };
	ld_sigv4_request wire = { "GET", "/f", "b=%24LATEST&a=x%2By&a=x%20y&flag", h, 1, NULL, 0 };
	ld_sigv4_request raw = { "GET", "/f", "flag=&a=x y&b=$LATEST&a=x+y", h, 1, NULL, 0 };
	ld_sigv4_result r1, r2;

	LD_REQUIRE(ld_sigv4_sign(&r1, &wire, &test_params) == 0);
	LD_REQUIRE(ld_sigv4_sign(&r2, &raw, &test_params) == 0);
	LD_CHECK(strstr(r1.canonical_request.ptr, "\na=x%20y&a=x%2By&b=%24LATEST&flag=\n") != NULL);
	LD_CHECK_STR(r1.canonical_request.ptr, r2.canonical_request.ptr);
	LD_CHECK_STR(r1.signature, r2.signature);
	ld_sigv4_result_dispose(&r1);
	ld_sigv4_result_dispose(&r2);
}

static void check_uri(const char *path, bool normalize, const char *want)
{
	ld_header h[] = { { "Host", "example.amazonaws.com" } };
	ld_sigv4_request req = { "GET", path, NULL, h, 1, NULL, 0 };
	ld_sigv4_params p = test_params;
	ld_sigv4_result r;
	char line[256];
	const char *nl;

	p.normalize_path = normalize;
	LD_REQUIRE(ld_sigv4_sign(&r, &req, &p) == 0);
	nl = strchr(r.canonical_request.ptr + 4, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(nl - r.canonical_request.ptr - 4),
		 r.canonical_request.ptr + 4);
	LD_CHECK_STR(line, want);
	ld_sigv4_result_dispose(&r);
}

/* Path edge cases beyond the vectors: '..' never climbs above the root, a trailing slash
 * survives, an empty path is "/", and an encoded slash stays part of its segment. */
static void test_sigv4__path_normalisation(void)
{
	check_uri("/a/./b/../c//", true, "/a/c/");
	check_uri("/../../x", true, "/x");
	check_uri("/a/..", true, "/");
	check_uri("", true, "/");
	check_uri("", false, "/");
	check_uri("/a%2F../b", true, "/a%252F../b");
	check_uri("/f/a%2Fb/..", true, "/f");
	check_uri("/f/a%2Fb", true, "/f/a%252Fb");
}

/* Headers the signer adds itself are never taken from the caller, and a token left out of
 * the signature is still handed back to be sent. */
static void test_sigv4__added_headers(void)
{
	ld_header h[] = { { "Host", "sts.amazonaws.com" }, { "X-Amz-Date", "19990101T000000Z" },
			  { "User-Agent", "lambdrift/0.1" } };
	ld_sigv4_request req = { "POST", "/", NULL, h, 3, "Action=GetCallerIdentity", 24 };
	ld_sigv4_params p = test_params;
	ld_sigv4_result r;

	p.session_token = "TOKEN-VALUE";
	p.omit_session_token = true;
	p.sign_body = true;
	LD_REQUIRE(ld_sigv4_sign(&r, &req, &p) == 0);
	LD_CHECK(strstr(r.canonical_request.ptr, "19990101") == NULL);
	LD_CHECK(strstr(r.canonical_request.ptr, "TOKEN-VALUE") == NULL);
	LD_CHECK(strstr(r.canonical_request.ptr, "user-agent") == NULL);
	LD_CHECK(strstr(r.authorization.ptr,
			"SignedHeaders=host;x-amz-content-sha256;x-amz-date, ") != NULL);
	LD_CHECK_INT(r.nadd, 4);
	LD_CHECK(has_added(&r, "X-Amz-Security-Token"));
	LD_CHECK(has_added(&r, "X-Amz-Content-SHA256"));
	LD_CHECK_STR(r.amz_date, "20150830T123600Z");
	ld_sigv4_result_dispose(&r);
}

const ld_test ld_tests[] = {
	LD_TEST(test_sigv4__aws_c_auth_vectors),
	LD_TEST(test_sigv4__lambda_derived_vectors),
	LD_TEST(test_sigv4__uri_encode),
	LD_TEST(test_sigv4__missing_host),
	LD_TEST(test_sigv4__dispose_zeroed),
	LD_TEST(test_sigv4__query_wire_and_raw_agree),
	LD_TEST(test_sigv4__path_normalisation),
	LD_TEST(test_sigv4__added_headers),
	{ NULL, NULL }
};
