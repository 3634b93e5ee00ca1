/*
 * verify and package (src/audit/verify.c, src/pkg/expect.c, src/aws/code.c,
 * src/audit/configcmp.c) against a fixture repository built at test time with the git CLI
 * (annotated and lightweight tags, a branch, nested sources with an executable, a symlink
 * and excluded files, a prebuilt zip for build mode), inventories built in memory, and a
 * fake transport that serves GetFunction answers and package bytes by URL. Packages other
 * than lambdrift's own are made with `zip -r` from a copy of the tag's files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/findings.h"
#include "aws/code.h"
#include "aws/session.h"
#include "harness.h"
#include "inventory/build.h"
#include "lambdrift/errors.h"
#include "lambdrift/verify.h"
#include "pkg/expect.h"
#include "pkg/zip.h"
#include "pkg/zipwrite.h"
#include "script.h"
#include "util/hash.h"

#define SECRET_VALUE "tok-SECRET-777"
#define URL_SECRET "SIGSECRET"
#define ARN "arn:aws:lambda:us-east-1:123456789012:function:"
#define IMG_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define IMG_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define IMG_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* Settings as deployed for orders, equal to what the tag declares. */
#define ORDERS_CFG "\"Runtime\":\"python3.12\",\"Handler\":\"app.handler\",\"MemorySize\":256," \
		   "\"Timeout\":15,\"Environment\":{\"Variables\":{\"LOG_LEVEL\":\"info\"," \
		   "\"API_TOKEN\":\"" SECRET_VALUE "\"}}"

static const char *fx_base = ""; /* ld_script_fixture_dir's, once fixture() made it */
static char fx_repo[300];

/* run in the new repository $FX/repo (ld_script_fixture_repo) */
static const char fx_script[] =
	"export GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000'\n"
	"mkdir -p services/orders/lib services/orders/tests services/billing prebuilt\n"
	"echo 'print(1)' > services/orders/app.py\n"
	"printf '#!/bin/sh\\necho hi\\n' > services/orders/run.sh; chmod 755 services/orders/run.sh\n"
	"echo 'x = 1' > services/orders/lib/util.py\n"
	"echo bytecode > services/orders/lib/cache.pyc\n"
	"echo 'def test(): pass' > services/orders/tests/test_app.py\n"
	"ln -s lib/util.py services/orders/link.py\n"
	"echo 'print(3)' > services/billing/main.py\n"
	"(cd services/billing && zip -qX ../../prebuilt/resizer.zip main.py)\n"
	"echo outside > \"$FX/outside.zip\"\n"
	"cp \"$FX/spec.json\" lambdrift.json\n"
	"git add -A; git commit -q -m one\n"
	"git tag -a v1 -m 'release 1'; git tag v1-light; git branch feature\n"
	"mkdir -p \"$FX/work\" \"$FX/tmp\"; git archive v1 services/orders | tar -x -C \"$FX/work\"\n"
	"git rm -q lambdrift.json; git commit -q -m two; git tag nospec\n";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void write_spec(void)
{
	char hex[65], path[320], spec[4096];

	ld_sha256_hex(hex, SECRET_VALUE, strlen(SECRET_VALUE));
	snprintf(spec, sizeof(spec),
		 "{\"lambdrift\": 1, \"region\": \"us-east-1\", \"alias\": \"live\", \"functions\": [\n"
		 " {\"name\": \"orders\", \"source\": \"services/orders\", \"exclude\": [\"tests/**\", "
		 "\"*.pyc\"], \"config\": {\"Runtime\": \"python3.12\", \"Handler\": \"app.handler\", "
		 "\"MemorySize\": 256, \"Timeout\": 15, \"Environment\": {\"Variables\": {\"LOG_LEVEL\": "
		 "\"info\", \"API_TOKEN\": {\"sha256\": \"%s\"}}}}},\n"
		 " {\"name\": \"billing\", \"source\": \"services/billing\"},\n"
		 " {\"name\": \"resizer\", \"build\": {\"command\": \"mkdir -p dist && cp "
		 "prebuilt/resizer.zip dist/resizer.zip && env > %s/env.txt\", \"artifact\": "
		 "\"dist/resizer.zip\"}},\n"
		 " {\"name\": \"slow\", \"build\": {\"command\": \"sleep 30\", \"artifact\": \"x.zip\", "
		 "\"timeout\": 1}},\n"
		 " {\"name\": \"escape\", \"build\": {\"command\": \"mkdir -p dist && ln -s "
		 "%s/outside.zip dist/e.zip\", \"artifact\": \"dist/e.zip\"}},\n"
		 " {\"name\": \"img\", \"image\": {\"digest\": \"sha256:" IMG_A "\"}}\n]}\n",
		 hex, fx_base, fx_base);
	snprintf(path, sizeof(path), "%s/spec.json", fx_base);
	write_file(path, spec);
}

static const char *fixture(void)
{
	char path[320];
	const char *repo;

	if (fx_repo[0])
		return fx_repo;
	if (!(fx_base = ld_script_fixture_dir("verify"))) {
		fx_base = "";
		return NULL;
	}
	write_spec();
	if (!(repo = ld_script_fixture_repo(fx_script)))
		return NULL;
	/* build mode's temporary directories go here, so the tests can see them removed */
	snprintf(path, sizeof(path), "%s/tmp", fx_base);
	setenv("TMPDIR", path, 1);
	snprintf(fx_repo, sizeof(fx_repo), "%s", repo);
	return fx_repo;
}

/* A zip made by Info-ZIP from a copy of the tag's orders files after `edit` (a shell
 * command run inside the copy), without the excluded files. Returns malloc'd bytes. */
static char *zip_of_work(size_t *len, const char *edit)
{
	char path[320];
	if (ld_test_sh("cd '%s' && rm -rf w w.zip && cp -a work/services/orders w && cd w && %s && "
	       "rm -rf tests lib/cache.pyc && zip -qryX ../w.zip .", fx_base, edit) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/w.zip", fx_base);
	return ld_test_read_file(path, len);
}

/* --- the scripted transport (script.h): answers by URL substring ------------------ */

typedef ld_script fake;

/* status -1: the connection is reset; content_length -1: the body's length. */
static void route_add(fake *f, const char *match, long status, const char *body, size_t len,
		      long long content_length)
{
	ld_script_add(f, (ld_script_step){
		.url_has = match, .status = status < 0 ? 0 : status, .body = body, .len = len,
		.content_length = content_length >= 0 ? content_length : LD_SCRIPT_BODY_LENGTH,
		.fail = status < 0 ? "failed: connection reset by peer" : NULL });
}

/* GetFunction of `name` at `version`, pointing at a presigned-looking package URL. */
static void route_get_function(fake *f, const char *name, const char *version, const char *sha)
{
	char *match = malloc(256), *body = malloc(1024);
	snprintf(match, 256, "/functions/%s?Qualifier=%s", name, version);
	snprintf(body, 1024,
		 "{\"Configuration\":{\"FunctionName\":\"%s\",\"CodeSha256\":\"%s\"},\"Code\":"
		 "{\"RepositoryType\":\"S3\",\"Location\":\"https://pkg.example.com/snap/%s-%s.zip?"
		 "X-Amz-Signature=" URL_SECRET "&X-Amz-Credential=AKIDEXAMPLE\"}}",
		 name, sha, name, version);
	ld_script_own(f, match);
	ld_script_own(f, body);
	route_add(f, match, 200, body, strlen(body), -1);
}

static void noop_sleep(void *ctx, long ms)
{
	(void)ctx;
	(void)ms;
}

static ld_aws_session *session_on(fake **out)
{
	ld_retry_policy p;
	ld_aws_session *s = NULL;
	ld_aws_config cfg;
	fake *f = ld_script_new();

	/* what no route answers: not found, as Lambda says it */
	f->routes = true;
	f->fallback = (ld_script_step){ .status = 404, .body = "{}", .content_length = 2,
					.error_type = "ResourceNotFoundException" };
	ld_script_config(&cfg, "us-east-1", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	p = ld_script_unpaced(1);
	p.sleep_ms = noop_sleep;
	if (ld_aws_session__new_with(&s, NULL, &cfg, &f->base, &p) < 0) {
		fprintf(stderr, "session: %s\n", ld_error_last()->message);
		return NULL;
	}
	*out = f;
	return s;
}

static size_t requests_matching(const fake *f, const char *what)
{
	return ld_script_count(f, what);
}

/* --- inventories ------------------------------------------------------------------ */

static const uint8_t offline_key[LD_DIGEST_KEY_LEN] = { 7, 7, 7 };

static void inv_start(ld_inventory *inv, const uint8_t *key)
{
	ld_inventory_init(inv);
	inv->account = strdup("123456789012");
	ld_inventory_add_region(inv, "us-east-1");
	ld_inventory_set_digest_key(inv, key, LD_DIGEST_KEY_LEN);
}

/* Add a version; `settings` are FunctionConfiguration members (NULL: as the tag says). */
static void inv_version(ld_inventory *inv, const uint8_t *key, const char *name,
			const char *version, const char *sha, const char *type,
			const char *settings)
{
	ld_function *fn = ld_inventory_function(inv, "us-east-1", name, ARN "x");
	char json[2048];
	ld_json *cfg = NULL;

	free(fn->arn);
	fn->arn = malloc(128);
	snprintf(fn->arn, 128, ARN "%s", name);
	snprintf(json, sizeof(json),
		 "{\"FunctionName\":\"%s\",\"Version\":\"%s\",\"FunctionArn\":\"" ARN "%s:%s\","
		 "\"CodeSha256\":\"%s\",\"PackageType\":\"%s\",%s}",
		 name, version, name, version, sha, type ? type : "Zip",
		 settings ? settings : ORDERS_CFG);
	if (ld_json_parse(&cfg, json, strlen(json), "test") < 0 ||
	    ld_version_from_api(ld_function_add_version(fn), cfg, key, LD_DIGEST_KEY_LEN) < 0)
		ld_test_fail(__FILE__, __LINE__, "version: %s", ld_error_last()->message);
	ld_json_free(cfg);
}

static void inv_alias(ld_inventory *inv, const char *name, const char *alias,
		      const char *version)
{
	ld_function *fn = ld_inventory_function(inv, "us-east-1", name, NULL);
	ld_alias *a = ld_function_add_alias(fn);
	a->name = strdup(alias);
	a->function_version = strdup(version);
	a->arn = malloc(160);
	snprintf(a->arn, 160, ARN "%s:%s", name, alias);
}

/* --- verify runs ------------------------------------------------------------------ */

typedef struct {
	ld_verify *v;
	ld_aws_session *s;
	fake *f;
	ld_inventory inv;
	ld_findings out;
	int error;
} run;

static ld_verify *prepare(const char *glob, const char *spec, bool allow_build, bool strict)
{
	ld_verify_opts o = LD_VERIFY_OPTS_INIT;
	const char *globs[1] = { glob };
	ld_verify *v = NULL;

	o.repo_path = fixture();
	o.tag = "v1";
	o.spec_path = spec;
	o.allow_build = allow_build;
	o.strict = strict;
	o.function_globs = globs;
	o.nglobs = glob ? 1 : 0;
	if (ld_verify_prepare(&v, &o) < 0)
		ld_test_fail(__FILE__, __LINE__, "prepare: %s", ld_error_last()->message);
	return v;
}

/* A run on a live (fake) session; the inventory is keyed with the session's key. */
static void run_live(run *r, const char *glob)
{
	memset(r, 0, sizeof(*r));
	r->v = prepare(glob, NULL, true, false);
	r->s = session_on(&r->f);
	inv_start(&r->inv, r->s ? r->s->digest_key : offline_key);
}

static void run_offline(run *r, const char *glob)
{
	memset(r, 0, sizeof(*r));
	r->v = prepare(glob, NULL, true, false);
	inv_start(&r->inv, offline_key);
}

static const uint8_t *run_key(const run *r)
{
	return r->s ? r->s->digest_key : offline_key;
}

/* The inventories here are built by hand without the posture data (IAM, resource
 * policies, code signing), which the rules reading it would report unchecked, the run
 * incomplete: those rules are skipped, so completeness is verify's own. */
static const char *const no_posture[] = { "role-overprivileged", "logging-denied",
					  "log-retention", "url-public", "policy-public",
					  "concurrency-unbounded", "trigger-unqualified",
					  "code-signing-unenforced", "code-signing-missing" };
static const ld_rule_selection without_posture = { NULL, 0, no_posture,
						   sizeof(no_posture) / sizeof(no_posture[0]) };

static void go(run *r)
{
	ld_audit_opts a = LD_AUDIT_OPTS_INIT;
	ld_inventory_sort(&r->inv);
	a.now = 1700000000;
	a.rules = &without_posture;
	r->error = r->v ? ld_verify_run(&r->out, &r->inv, r->s, r->v, &a) : LD_ERROR;
	if (r->error < 0)
		fprintf(stderr, "verify: %s\n", ld_error_last()->message);
	/* LD_TEST_DUMP=1 shows what each run found, to read the wording */
	for (size_t i = 0; getenv("LD_TEST_DUMP") && i < r->out.count; i++)
		fprintf(stderr, "  %s %s %s [%s] %s\n      %s\n", r->out.items[i].rule,
			ld_severity_name(r->out.items[i].severity), r->out.items[i].function,
			r->out.items[i].qualifier ? r->out.items[i].qualifier : "-",
			r->out.items[i].message,
			r->out.items[i].evidence ? r->out.items[i].evidence : "");
	for (size_t i = 0; getenv("LD_TEST_DUMP") && i < r->inv.nproblems; i++)
		fprintf(stderr, "  problem: %s\n", r->inv.problems[i]);
}

static void run_dispose(run *r)
{
	ld_findings_dispose(&r->out);
	ld_inventory_dispose(&r->inv);
	ld_aws_session_free(r->s);
	ld_verify_free(r->v);
}

static const ld_finding *find(const run *r, const char *rule)
{
	for (size_t i = 0; i < r->out.count; i++)
		if (!strcmp(r->out.items[i].rule, rule))
			return &r->out.items[i];
	return NULL;
}

static size_t count(const run *r, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < r->out.count; i++)
		n += !strcmp(r->out.items[i].rule, rule);
	return n;
}

static size_t count_code(const run *r)
{
	return count(r, "code-drift") + count(r, "code-repackaged") + count(r, "code-unverified") +
	       count(r, "package-integrity");
}

/* No secret anywhere a user could see it: findings, evidence, problems, the last error. */
static void check_no_secrets(const run *r)
{
	static const char *const secrets[] = { SECRET_VALUE, URL_SECRET, "X-Amz-Credential",
					       "snap/", NULL };
	for (const char *const *s = secrets; *s; s++) {
		for (size_t i = 0; i < r->out.count; i++) {
			const ld_finding *f = &r->out.items[i];
			if (strstr(f->message, *s) || (f->evidence && strstr(f->evidence, *s)))
				ld_test_fail(__FILE__, __LINE__, "%s leaks '%s': %s %s", f->rule, *s,
					     f->message, f->evidence ? f->evidence : "");
		}
		for (size_t i = 0; i < r->inv.nproblems; i++)
			if (strstr(r->inv.problems[i], *s))
				ld_test_fail(__FILE__, __LINE__, "problem leaks '%s': %s", *s,
					     r->inv.problems[i]);
		if (strstr(ld_error_last()->message, *s))
			ld_test_fail(__FILE__, __LINE__, "error leaks '%s'", *s);
	}
}

/* The tag's own package of orders and its CodeSha256. */
static char *tag_package(const ld_verify *v, size_t *len, char sha[LD_CODE_SHA256_LEN + 1])
{
	ld_buf zip = LD_BUF_INIT;
	char *bytes;
	if (ld_package_build(&zip, v, "orders") < 0) {
		ld_test_fail(__FILE__, __LINE__, "package: %s", ld_error_last()->message);
		ld_buf_dispose(&zip);
		return NULL;
	}
	*len = zip.size;
	ld_code_sha256(sha, zip.ptr, zip.size);
	bytes = ld_buf_detach(&zip);
	return bytes;
}

/* orders deployed as `bytes` at version 1 behind alias live, served by the fake. */
static void deploy_orders(run *r, const char *bytes, size_t len, const char *reported_sha)
{
	char sha[LD_CODE_SHA256_LEN + 1];
	ld_code_sha256(sha, bytes, len);
	if (!reported_sha)
		reported_sha = sha;
	inv_version(&r->inv, run_key(r), "orders", "$LATEST", reported_sha, NULL, NULL);
	inv_version(&r->inv, run_key(r), "orders", "1", reported_sha, NULL, NULL);
	inv_alias(&r->inv, "orders", "live", "1");
	if (r->f) {
		route_get_function(r->f, "orders", "1", reported_sha);
		route_add(r->f, "pkg.example.com/snap/orders-1.zip", 200, bytes, len, -1);
	}
}

/* ------------------------------------------------------------------ prepare */

static void test_verify__prepare_tags(void)
{
	ld_verify_opts o = LD_VERIFY_OPTS_INIT;
	const char *const *names;
	const char **regions;
	char want[64] = "";
	ld_verify *v = NULL;
	FILE *p;
	char cmd[512];

	LD_REQUIRE(fixture() != NULL);
	o.repo_path = fx_repo;
	o.tag = "v1";
	LD_REQUIRE(ld_verify_prepare(&v, &o) == 0);
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse 'v1^{commit}'", fx_repo);
	if ((p = popen(cmd, "r"))) {
		if (fgets(want, sizeof(want), p))
			want[strcspn(want, "\n")] = '\0';
		pclose(p);
	}
	LD_CHECK_STR(ld_verify_commit(v), want);
	LD_CHECK_STR(ld_verify_tag(v), "v1");
	LD_CHECK_INT(ld_verify_functions(v, &names), 6);
	LD_CHECK_STR(names[0], "orders");
	LD_CHECK_INT(ld_verify_regions(v, "eu-west-1", &regions), 1);
	LD_CHECK_STR(regions[0], "us-east-1");
	ld_verify_free(v);

	o.tag = "v1-light";
	LD_CHECK_INT(ld_verify_prepare(&v, &o), 0);
	LD_CHECK_STR(ld_verify_commit(v), want);
	ld_verify_free(v);
	v = NULL;

	o.tag = "feature";
	LD_CHECK_INT(ld_verify_prepare(&v, &o), LD_EUSAGE);
	LD_CHECK(v == NULL);
	o.allow_ref = true;
	LD_CHECK_INT(ld_verify_prepare(&v, &o), 0);
	ld_verify_free(v);
	v = NULL;
	o.allow_ref = false;

	o.tag = "no-such-tag";
	LD_CHECK_INT(ld_verify_prepare(&v, &o), LD_ENOTFOUND);
	o.tag = "nospec";
	LD_CHECK_INT(ld_verify_prepare(&v, &o), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "lambdrift.json") != NULL);
	o.repo_path = "/nonexistent/lambdrift";
	o.tag = "v1";
	LD_CHECK_INT(ld_verify_prepare(&v, &o), LD_ENOTFOUND);
	ld_verify_free(NULL);
}

static void test_verify__prepare_spec_and_globs(void)
{
	ld_verify_opts o = LD_VERIFY_OPTS_INIT;
	const char *globs[] = { "nothing-*" }, *globs2[] = { "orders", "bill*" };
	const char *const *names;
	const char **regions;
	char path[320];
	ld_verify *v = NULL;

	LD_REQUIRE(fixture() != NULL);
	o.repo_path = fx_repo;
	o.tag = "nospec";
	snprintf(path, sizeof(path), "%s/other.json", fx_base);
	write_file(path, "{\"lambdrift\": 1, \"functions\": [{\"name\": \"a\", \"source\": \"\"},"
			 "{\"name\": \"b\", \"region\": \"eu-west-1\", \"source\": \"\"}]}");
	o.spec_path = path;
	LD_REQUIRE(ld_verify_prepare(&v, &o) == 0);
	LD_CHECK_INT(ld_verify_regions(v, "us-east-2", &regions), 2);
	LD_CHECK_STR(regions[0], "us-east-2");
	LD_CHECK_STR(regions[1], "eu-west-1");
	LD_CHECK_INT(ld_verify_regions(v, NULL, &regions), 1);
	LD_CHECK_STR(regions[0], "eu-west-1");
	ld_verify_free(v);
	v = NULL;

	write_file(path, "{\"lambdrift\": 1, \"functions\": [{\"name\": \"a\"}]}");
	LD_CHECK_INT(ld_verify_prepare(&v, &o), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "functions[0]") != NULL);

	o.spec_path = NULL;
	o.tag = "v1";
	o.function_globs = globs;
	o.nglobs = 1;
	LD_CHECK_INT(ld_verify_prepare(&v, &o), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "--function") != NULL);
	o.function_globs = globs2;
	o.nglobs = 2;
	LD_REQUIRE(ld_verify_prepare(&v, &o) == 0);
	LD_CHECK_INT(ld_verify_functions(v, &names), 2);
	LD_CHECK_STR(names[1], "billing");
	ld_verify_free(v);
}

/* ------------------------------------------------------------------ package */

static void test_verify__package(void)
{
	ld_verify *v = prepare(NULL, NULL, false, false);
	ld_buf a = LD_BUF_INIT, b = LD_BUF_INIT;
	ld_manifest *m = NULL;
	const ld_manifest_entry *e;

	LD_REQUIRE(v != NULL);
	LD_REQUIRE(ld_package_build(&a, v, "orders") == 0);
	LD_REQUIRE(ld_package_build(&b, v, "orders") == 0);
	LD_CHECK(a.size == b.size && memcmp(a.ptr, b.ptr, a.size) == 0);
	LD_REQUIRE(ld_zip_manifest(&m, a.ptr, a.size, NULL) == 0);
	LD_CHECK_INT(m->count, 4); /* app.py, lib/util.py, link.py, run.sh: no tests/, no .pyc */
	LD_CHECK((e = ld_manifest_find(m, "run.sh")) && e->exec == 1);
	LD_CHECK((e = ld_manifest_find(m, "app.py")) && e->exec == 0);
	LD_CHECK((e = ld_manifest_find(m, "link.py")) && e->kind == LD_MANIFEST_SYMLINK &&
		 e->size == strlen("lib/util.py"));
	LD_CHECK(ld_manifest_find(m, "lib/cache.pyc") == NULL);
	LD_CHECK(ld_manifest_find(m, "tests/test_app.py") == NULL);
	ld_manifest_free(m);
	/* the entries are dated 1980-01-01 00:00 */
	LD_CHECK(a.size > 14 && (unsigned char)a.ptr[12] == 0x21 && a.ptr[13] == 0);

	ld_buf_clear(&b);
	LD_CHECK_INT(ld_package_build(&b, v, "resizer"), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "source") != NULL);
	LD_CHECK_INT(ld_package_build(&b, v, "nope"), LD_ENOTFOUND);
	ld_buf_dispose(&a);
	ld_buf_dispose(&b);
	ld_verify_free(v);
}

/* Large packages are deflated by several threads; the bytes must not notice. */
static void test_verify__zip_threads_same_bytes(void)
{
	enum { N = 300 };
	static ld_zipw_entry e[N];
	static char paths[N][32];
	ld_buf one = LD_BUF_INIT, four = LD_BUF_INIT, dflt = LD_BUF_INIT;
	size_t size = 40000;
	char *data = malloc(size * 2);
	ld_manifest *m = NULL;

	LD_REQUIRE(data != NULL);
	for (size_t i = 0; i < size * 2; i++)   /* half text-like, half noise */
		data[i] = (char)(i < size ? "lambdrift "[i % 10] : (char)((i * 2654435761u) >> 13));
	for (size_t i = 0; i < N; i++) {
		snprintf(paths[i], sizeof(paths[i]), "d%02zu/f%03zu.txt", i % 17, i);
		e[i] = (ld_zipw_entry){ paths[i], i % 5 ? LD_ZIPW_FILE : LD_ZIPW_EXEC,
					data + (i * 97) % size, size - (i * 89) % 1000 };
	}
	LD_REQUIRE(ld_zip_write_threads(&one, e, N, 1) == 0);
	LD_REQUIRE(ld_zip_write_threads(&four, e, N, 4) == 0);
	LD_REQUIRE(ld_zip_write(&dflt, e, N) == 0);
	LD_CHECK(one.size == four.size && memcmp(one.ptr, four.ptr, one.size) == 0);
	LD_CHECK(one.size == dflt.size && memcmp(one.ptr, dflt.ptr, one.size) == 0);
	LD_CHECK(ld_zip_manifest(&m, four.ptr, four.size, NULL) == 0 && m && m->count == N);
	ld_manifest_free(m);
	/* an error names the same (first) entry whatever the thread count */
	ld_buf_clear(&one);
	e[N / 2].mode = 0600;
	LD_CHECK_INT(ld_zip_write_threads(&one, e, N, 4), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, paths[N / 2]) != NULL);
	free(data);
	ld_buf_dispose(&one);
	ld_buf_dispose(&four);
	ld_buf_dispose(&dflt);
}

/* ------------------------------------------------------------------ code */

static void test_verify__identical_is_one_hash_compare(void)
{
	char sha[LD_CODE_SHA256_LEN + 1];
	size_t len = 0;
	char *bytes;
	run r;

	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	LD_REQUIRE((bytes = tag_package(r.v, &len, sha)) != NULL);
	deploy_orders(&r, bytes, len, NULL);
	go(&r);
	LD_CHECK_INT(r.error, 0);
	LD_CHECK_INT(count_code(&r), 0);
	LD_CHECK_INT(count(&r, "config-drift"), 0);
	LD_CHECK_INT(count(&r, "config-unverified"), 0);
	LD_CHECK_INT(r.f->next, 0); /* no GetFunction, no download */
	LD_CHECK(r.inv.complete);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__repackaged(void)
{
	size_t len = 0;
	char *bytes = zip_of_work(&len, "true");
	const ld_finding *f;
	run r;

	LD_REQUIRE(bytes != NULL);
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	deploy_orders(&r, bytes, len, NULL);
	go(&r);
	LD_CHECK_INT(r.error, 0);
	LD_REQUIRE((f = find(&r, "code-repackaged")) != NULL);
	LD_CHECK_INT(f->severity, LD_SEV_NOTE);
	LD_CHECK_STR(f->qualifier, "live");
	LD_CHECK_INT(count_code(&r), 1);
	LD_CHECK_INT(requests_matching(r.f, "Qualifier=1"), 1);
	LD_CHECK_INT(requests_matching(r.f, "pkg.example.com"), 1);
	LD_CHECK_INT(r.inv.calls.get_function, 1);
	LD_CHECK(r.inv.complete);
	check_no_secrets(&r);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__one_file_changed(void)
{
	size_t len = 0;
	char *bytes = zip_of_work(&len, "echo 'print(99)' > app.py");
	const ld_finding *f;
	run r;

	LD_REQUIRE(bytes != NULL);
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	deploy_orders(&r, bytes, len, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-drift")) != NULL);
	LD_CHECK_INT(f->severity, LD_SEV_ERROR);
	LD_CHECK(strstr(f->message, "0 added, 0 removed, 1 modified") != NULL);
	LD_CHECK(strstr(f->message, "app.py (content)") != NULL);
	LD_REQUIRE(f->evidence != NULL);
	LD_CHECK(strstr(f->evidence, "\"added\":[]") != NULL);
	LD_CHECK(strstr(f->evidence, "\"removed\":[]") != NULL);
	LD_CHECK(strstr(f->evidence, "\"modified\":[{\"path\":\"app.py\",\"what\":\"content\"}]") != NULL);
	LD_CHECK(strstr(f->evidence, "\"expected_digest\":\"") != NULL);
	LD_CHECK_INT(count_code(&r), 1);
	LD_CHECK(r.inv.complete);
	check_no_secrets(&r);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__added_removed_and_exec(void)
{
	size_t len = 0;
	char *bytes = zip_of_work(&len, "echo new > new.py && rm lib/util.py && chmod 644 run.sh");
	const ld_finding *f;
	char fp[33];
	run r;

	LD_REQUIRE(bytes != NULL);
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	deploy_orders(&r, bytes, len, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-drift")) != NULL);
	LD_CHECK(strstr(f->message, "1 added, 1 removed, 1 modified") != NULL);
	LD_REQUIRE(f->evidence != NULL);
	LD_CHECK(strstr(f->evidence, "\"added\":[\"new.py\"]") != NULL);
	LD_CHECK(strstr(f->evidence, "\"removed\":[\"lib/util.py\"]") != NULL);
	LD_CHECK(strstr(f->evidence, "{\"path\":\"run.sh\",\"what\":\"exec\"}") != NULL);
	/* the fingerprint is the rule's identity: alias and version, not the wording */
	{
		ld_finding_id id = { "code-drift", LD_SEV_ERROR, "123456789012", "us-east-1",
				     "orders", "live", "1", 0 };
		ld_finding_fingerprint(fp, &id);
		LD_CHECK_STR(f->fingerprint, fp);
	}
	free(bytes);
	run_dispose(&r);
}

static void test_verify__integrity_mismatch(void)
{
	size_t len = 0;
	char *bytes = zip_of_work(&len, "true");
	const ld_finding *f;
	run r;

	LD_REQUIRE(bytes != NULL);
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	deploy_orders(&r, bytes, len, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	go(&r);
	LD_REQUIRE((f = find(&r, "package-integrity")) != NULL);
	LD_CHECK(strstr(f->message, "AAAAAAAA") != NULL);
	LD_CHECK_INT(count_code(&r), 1); /* no content comparison after it */
	check_no_secrets(&r);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__truncated_download(void)
{
	size_t len = 0;
	char *bytes = zip_of_work(&len, "true");
	const ld_finding *f;
	run r;

	LD_REQUIRE(bytes != NULL);
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	/* the server promised more than it sent: the first route wins, so add it first */
	route_add(r.f, "pkg.example.com/snap/orders-1.zip", 200, bytes, len / 2, (long long)len);
	deploy_orders(&r, bytes, len, NULL);
	go(&r);
	LD_CHECK_INT(r.error, 0);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK_INT(f->severity, LD_SEV_WARNING);
	LD_CHECK(strstr(f->message, "the package download from pkg.example.com failed") != NULL);
	LD_CHECK(strstr(f->message, "cut short") != NULL);
	LD_CHECK_INT(count(&r, "code-drift"), 0);
	LD_CHECK(!r.inv.complete);
	LD_CHECK_INT(requests_matching(r.f, "pkg.example.com"), LD_CODE_DOWNLOAD_ATTEMPTS);
	check_no_secrets(&r);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__download_errors(void)
{
	const ld_finding *f;
	run r;

	/* a 403 from the package host, and a location that is not http(s) */
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	route_add(r.f, "pkg.example.com", 403, "denied", 6, -1);
	deploy_orders(&r, "x", 1, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK(strstr(f->message, "http 403") != NULL);
	LD_CHECK(!r.inv.complete);
	check_no_secrets(&r);
	run_dispose(&r);

	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	{
		static const char body[] = "{\"Configuration\":{\"CodeSha256\":\"x\"},\"Code\":{"
					   "\"Location\":\"s3://bucket/key?" URL_SECRET "\"}}";
		route_add(r.f, "Qualifier=1", 200, body, strlen(body), -1);
	}
	deploy_orders(&r, "x", 1, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK(strstr(f->message, "scheme 's3'") != NULL);
	check_no_secrets(&r);
	run_dispose(&r);

	/* a transport failure, retried, then reported with the host only */
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	route_add(r.f, "pkg.example.com", -1, "", 0, -1);
	deploy_orders(&r, "x", 1, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK_STR(f->message, "the package download from pkg.example.com failed: request to "
				 "https://pkg.example.com failed: connection reset by peer");
	LD_CHECK_INT(requests_matching(r.f, "pkg.example.com"), LD_CODE_DOWNLOAD_ATTEMPTS);
	LD_CHECK(!r.inv.complete);
	check_no_secrets(&r);
	run_dispose(&r);

	/* the deployed package is larger than the cap */
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	ld_verify_free(r.v);
	{
		ld_verify_opts o = LD_VERIFY_OPTS_INIT;
		const char *globs[] = { "orders" };
		o.repo_path = fx_repo;
		o.tag = "v1";
		o.max_package_bytes = 16;
		o.function_globs = globs;
		o.nglobs = 1;
		LD_REQUIRE(ld_verify_prepare(&r.v, &o) == 0);
	}
	deploy_orders(&r, "0123456789abcdefghij", 20, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK(strstr(f->message, "larger than 16 bytes") != NULL);
	LD_CHECK_INT(requests_matching(r.f, "pkg.example.com"), 1); /* no retry of a limit */
	run_dispose(&r);
}

static void test_verify__hostile_zip(void)
{
	size_t len = 0;
	char *bytes = ld_test_read_file("fixtures/zip/hostile/dotdot.zip", &len);
	const ld_finding *f;
	run r;

	LD_REQUIRE(bytes != NULL);
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	deploy_orders(&r, bytes, len, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK(strstr(f->message, "cannot be read") != NULL);
	LD_CHECK(strstr(f->message, "..") != NULL);
	LD_CHECK(!r.inv.complete);
	LD_CHECK_INT(count(&r, "code-drift"), 0);
	free(bytes);
	run_dispose(&r);
}

/* ------------------------------------------------------------------ functions and aliases */

static void test_verify__function_and_alias_missing(void)
{
	const ld_finding *f;
	run r;

	run_live(&r, "*");
	LD_REQUIRE(r.v && r.s);
	/* orders exists without alias live; billing does not exist at all */
	inv_version(&r.inv, run_key(&r), "orders", "$LATEST", "x", NULL, NULL);
	inv_version(&r.inv, run_key(&r), "orders", "1", "x", NULL, NULL);
	inv_alias(&r.inv, "orders", "staging", "1");
	go(&r);
	LD_CHECK_INT(r.error, 0);
	LD_REQUIRE((f = find(&r, "alias-missing")) != NULL);
	LD_CHECK_STR(f->function, "orders");
	LD_CHECK_STR(f->qualifier, "live");
	LD_CHECK(strstr(f->message, "no alias live") != NULL);
	LD_CHECK_INT(count(&r, "function-missing"), 5); /* billing, resizer, slow, escape, img */
	for (size_t i = 0; i < r.out.count; i++)
		if (!strcmp(r.out.items[i].rule, "function-missing") &&
		    !strcmp(r.out.items[i].function, "billing"))
			LD_CHECK(strstr(r.out.items[i].message, "us-east-1") != NULL);
	LD_CHECK_INT(count_code(&r), 0);
	run_dispose(&r);
}

static void test_verify__alias_on_older_version(void)
{
	char sha[LD_CODE_SHA256_LEN + 1];
	size_t len = 0;
	char *bytes;
	const ld_finding *f;
	run r;

	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	LD_REQUIRE((bytes = tag_package(r.v, &len, sha)) != NULL);
	inv_version(&r.inv, run_key(&r), "orders", "$LATEST", "NEWCODE", NULL, NULL);
	inv_version(&r.inv, run_key(&r), "orders", "1", sha, NULL, NULL);
	inv_version(&r.inv, run_key(&r), "orders", "2", "NEWCODE", NULL, NULL);
	inv_alias(&r.inv, "orders", "live", "1");
	go(&r);
	LD_CHECK_INT(count_code(&r), 0);   /* version 1 is the tag's package */
	LD_CHECK_INT(count(&r, "latest-drift"), 1);
	LD_REQUIRE((f = find(&r, "latest-drift")) != NULL);
	LD_CHECK_STR(f->qualifier, "$LATEST");
	LD_CHECK(strstr(f->message, "version 1") != NULL);
	LD_CHECK(strstr(f->message, "code changed") != NULL);
	run_dispose(&r);

	/* the alias on the newest version: the scan rule alone reports $LATEST */
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	inv_version(&r.inv, run_key(&r), "orders", "$LATEST", "NEWCODE", NULL, NULL);
	inv_version(&r.inv, run_key(&r), "orders", "1", "OLD", NULL, NULL);
	inv_version(&r.inv, run_key(&r), "orders", "2", sha, NULL, NULL);
	inv_alias(&r.inv, "orders", "live", "2");
	go(&r);
	LD_CHECK_INT(count(&r, "latest-drift"), 1);
	LD_CHECK_INT(count_code(&r), 0);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__alias_on_latest_and_no_alias(void)
{
	char sha[LD_CODE_SHA256_LEN + 1], path[320];
	size_t len = 0;
	char *bytes;
	const ld_finding *f;
	run r;

	/* live -> $LATEST: alias-unpinned from the scan rules, the code is still compared */
	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	LD_REQUIRE((bytes = tag_package(r.v, &len, sha)) != NULL);
	inv_version(&r.inv, run_key(&r), "orders", "$LATEST", sha, NULL, "\"MemorySize\":1024");
	inv_alias(&r.inv, "orders", "live", "$LATEST");
	go(&r);
	LD_CHECK_INT(count(&r, "alias-unpinned"), 1);
	LD_CHECK_INT(count_code(&r), 0);
	LD_CHECK((f = find(&r, "config-drift")) != NULL);
	run_dispose(&r);

	/* no alias declared anywhere: the newest published version is compared */
	snprintf(path, sizeof(path), "%s/noalias.json", fx_base);
	write_file(path, "{\"lambdrift\": 1, \"region\": \"us-east-1\", \"functions\": [{\"name\": "
			 "\"orders\", \"source\": \"services/orders\", \"exclude\": [\"tests/**\", "
			 "\"*.pyc\"]}]}");
	memset(&r, 0, sizeof(r));
	r.v = prepare(NULL, path, false, false);
	inv_start(&r.inv, offline_key);
	LD_REQUIRE(r.v != NULL);
	inv_version(&r.inv, offline_key, "orders", "$LATEST", sha, NULL, NULL);
	inv_version(&r.inv, offline_key, "orders", "1", sha, NULL, NULL);
	inv_version(&r.inv, offline_key, "orders", "2", "OTHER", NULL, NULL);
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL); /* offline, version 2 differs */
	LD_CHECK_STR(f->qualifier, "2");
	LD_CHECK(strstr(f->message, "newest published version; no alias is declared") != NULL);
	LD_CHECK(strstr(f->message, "run verify live") != NULL);
	LD_CHECK(r.inv.complete);
	free(bytes);
	run_dispose(&r);
}

/* ------------------------------------------------------------------ config */

static void test_verify__config_drift(void)
{
	char sha[LD_CODE_SHA256_LEN + 1];
	size_t len = 0;
	char *bytes;
	const ld_finding *mem = NULL, *env = NULL;
	run r;

	run_live(&r, "orders");
	LD_REQUIRE(r.v && r.s);
	LD_REQUIRE((bytes = tag_package(r.v, &len, sha)) != NULL);
	inv_version(&r.inv, run_key(&r), "orders", "$LATEST", sha, NULL, NULL);
	inv_version(&r.inv, run_key(&r), "orders", "1", sha, NULL,
		    "\"Runtime\":\"python3.12\",\"Handler\":\"app.handler\",\"MemorySize\":512,"
		    "\"Timeout\":15,\"TracingConfig\":{\"Mode\":\"PassThrough\"},"
		    "\"Environment\":{\"Variables\":{\"LOG_LEVEL\":\"debug\",\"API_TOKEN\":\""
		    SECRET_VALUE "\",\"EXTRA_ONE\":\"" SECRET_VALUE "\"}}");
	inv_alias(&r.inv, "orders", "live", "1");
	go(&r);
	LD_CHECK_INT(r.error, 0);
	LD_CHECK_INT(count(&r, "config-drift"), 2);
	for (size_t i = 0; i < r.out.count; i++) {
		const ld_finding *f = &r.out.items[i];
		if (strcmp(f->rule, "config-drift"))
			continue;
		if (strstr(f->message, "MemorySize"))
			mem = f;
		if (strstr(f->message, "Environment"))
			env = f;
	}
	LD_REQUIRE(mem && env);
	LD_CHECK_STR(mem->message, "MemorySize: deployed 512, tag declares 256");
	LD_CHECK_STR(mem->qualifier, "live");
	LD_CHECK(strstr(env->message, "EXTRA_ONE is deployed but not declared") != NULL);
	LD_CHECK(strstr(env->message, "LOG_LEVEL has a different value") != NULL);
	LD_CHECK(strstr(env->message, "API_TOKEN") == NULL); /* its sha256 form matches */
	LD_CHECK(strstr(env->message, "debug") == NULL && strstr(env->message, "info") == NULL);
	LD_REQUIRE(env->evidence != NULL);
	LD_CHECK(strstr(env->evidence, "hmac") == NULL);
	LD_CHECK(strstr(env->evidence, "debug") == NULL);
	LD_CHECK(strstr(env->evidence, "\"different\":[\"LOG_LEVEL\"]") != NULL);
	{
		ld_finding_id id = { "config-drift", LD_SEV_ERROR, "123456789012", "us-east-1",
				     "orders", "live", "MemorySize", 0 };
		char fp[33];
		ld_finding_fingerprint(fp, &id);
		LD_CHECK_STR(mem->fingerprint, fp);
	}
	/* $LATEST differs from version 1 in config, and 1 is also the newest: scan reports it */
	LD_CHECK_INT(count(&r, "latest-drift"), 1);
	check_no_secrets(&r);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__config_offline_env_unverified(void)
{
	char sha[LD_CODE_SHA256_LEN + 1];
	size_t len = 0;
	char *bytes;
	const ld_finding *f;
	run r;

	run_offline(&r, "orders");
	LD_REQUIRE(r.v != NULL);
	LD_REQUIRE((bytes = tag_package(r.v, &len, sha)) != NULL);
	inv_version(&r.inv, offline_key, "orders", "$LATEST", sha, NULL, NULL);
	inv_version(&r.inv, offline_key, "orders", "1", sha, NULL, NULL);
	inv_alias(&r.inv, "orders", "live", "1");
	go(&r);
	LD_CHECK_INT(count(&r, "config-drift"), 0);
	LD_REQUIRE((f = find(&r, "config-unverified")) != NULL);
	LD_CHECK_INT(f->severity, LD_SEV_WARNING);
	LD_CHECK(strstr(f->message, "Environment") != NULL);
	LD_CHECK(strstr(f->message, "live") != NULL);
	LD_CHECK_INT(count_code(&r), 0);
	LD_CHECK(r.inv.complete);
	free(bytes);
	run_dispose(&r);
}

static void test_verify__offline_mismatch_and_strict(void)
{
	const ld_finding *f;
	run r;

	run_offline(&r, "orders");
	LD_REQUIRE(r.v != NULL);
	inv_version(&r.inv, offline_key, "orders", "$LATEST", "OTHER", NULL, NULL);
	inv_version(&r.inv, offline_key, "orders", "1", "OTHER", NULL, NULL);
	inv_alias(&r.inv, "orders", "live", "1");
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK_INT(f->severity, LD_SEV_WARNING);
	LD_CHECK(strstr(f->message, "offline") != NULL);
	LD_CHECK(r.inv.complete);
	run_dispose(&r);

	memset(&r, 0, sizeof(r));
	r.v = prepare("orders", NULL, false, true);
	inv_start(&r.inv, offline_key);
	LD_REQUIRE(r.v != NULL);
	inv_version(&r.inv, offline_key, "orders", "1", "OTHER", NULL, NULL);
	inv_alias(&r.inv, "orders", "live", "1");
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK_INT(f->severity, LD_SEV_ERROR);
	run_dispose(&r);
}

/* ------------------------------------------------------------------ images */

static void test_verify__image(void)
{
	static const char body[] = "{\"Configuration\":{\"CodeSha256\":\"" IMG_B "\"},\"Code\":{"
				   "\"RepositoryType\":\"ECR\",\"ImageUri\":\"1.dkr.ecr/img:v1\","
				   "\"ResolvedImageUri\":\"1.dkr.ecr/img@sha256:" IMG_C "\"}}";
	const ld_finding *f;
	run r;

	run_offline(&r, "img");
	LD_REQUIRE(r.v != NULL);
	inv_version(&r.inv, offline_key, "img", "1", IMG_A, "Image", "\"MemorySize\":128");
	inv_alias(&r.inv, "img", "live", "1");
	go(&r);
	LD_CHECK_INT(count_code(&r), 0);
	run_dispose(&r);

	run_offline(&r, "img");
	LD_REQUIRE(r.v != NULL);
	inv_version(&r.inv, offline_key, "img", "1", IMG_B, "Image", "\"MemorySize\":128");
	inv_alias(&r.inv, "img", "live", "1");
	go(&r);
	LD_REQUIRE((f = find(&r, "code-drift")) != NULL);
	LD_CHECK(strstr(f->message, "sha256:" IMG_B) != NULL);
	LD_CHECK(strstr(f->message, "sha256:" IMG_A) != NULL);
	run_dispose(&r);

	run_live(&r, "img");
	LD_REQUIRE(r.v && r.s);
	route_add(r.f, "/functions/img?Qualifier=1", 200, body, strlen(body), -1);
	inv_version(&r.inv, run_key(&r), "img", "1", IMG_B, "Image", "\"MemorySize\":128");
	inv_alias(&r.inv, "img", "live", "1");
	go(&r);
	LD_REQUIRE((f = find(&r, "code-drift")) != NULL);
	LD_CHECK(strstr(f->message, "sha256:" IMG_C) != NULL);
	LD_CHECK(f->evidence && strstr(f->evidence, "\"actual_digest\":\"sha256:" IMG_C) != NULL);
	run_dispose(&r);

	/* a zip deployed where the tag declares an image */
	run_offline(&r, "img");
	LD_REQUIRE(r.v != NULL);
	inv_version(&r.inv, offline_key, "img", "1", "x", NULL, "\"MemorySize\":128");
	inv_alias(&r.inv, "img", "live", "1");
	go(&r);
	LD_REQUIRE((f = find(&r, "code-drift")) != NULL);
	LD_CHECK(strstr(f->message, "zip package") != NULL);
	run_dispose(&r);
}

/* ------------------------------------------------------------------ build mode */

static bool dir_empty(const char *path)
{
	char cmd[400], out[64] = "";
	FILE *p;
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", path);
	if ((p = popen(cmd, "r"))) {
		if (!fgets(out, sizeof(out), p))
			out[0] = '\0';
		pclose(p);
	}
	return atoi(out) == 0;
}

static void test_verify__build_mode(void)
{
	char path[512], sha[LD_CODE_SHA256_LEN + 1], tmp[320];
	size_t len = 0;
	char *zip, *env;
	const char *home = getenv("HOME");
	run r;

	LD_REQUIRE(fixture() != NULL);
	snprintf(path, sizeof(path), "%s/prebuilt/resizer.zip", fx_repo);
	LD_REQUIRE((zip = ld_test_read_file(path, &len)) != NULL);
	ld_code_sha256(sha, zip, len);
	setenv("AWS_SECRET_ACCESS_KEY", "build-must-not-see-this", 1);
	setenv("AWS_PROFILE", "prod", 1);
	setenv("LD_TEST_KEEP", "kept", 1);

	run_live(&r, "resizer");
	LD_REQUIRE(r.v && r.s);
	inv_version(&r.inv, run_key(&r), "resizer", "1", sha, NULL, "\"MemorySize\":128");
	inv_alias(&r.inv, "resizer", "live", "1");
	go(&r);
	LD_CHECK_INT(r.error, 0);
	LD_CHECK_INT(count_code(&r), 0); /* the artifact's CodeSha256 is the deployed one */
	LD_CHECK_INT(r.f->next, 0);
	snprintf(path, sizeof(path), "%s/env.txt", fx_base);
	LD_REQUIRE((env = ld_test_read_file(path, NULL)) != NULL);
	LD_CHECK(strstr(env, "build-must-not-see-this") == NULL);
	LD_CHECK(strstr(env, "AWS_PROFILE") == NULL);
	LD_CHECK(strstr(env, "AWS_SECRET_ACCESS_KEY") == NULL);
	LD_CHECK(strstr(env, "AWS_SHARED_CREDENTIALS_FILE=/dev/null") != NULL);
	LD_CHECK(strstr(env, "AWS_CONFIG_FILE=/dev/null") != NULL);
	LD_CHECK(strstr(env, "LD_TEST_KEEP=kept") != NULL);
	LD_CHECK(strstr(env, "HOME=") != NULL);
	if (home && *home) {
		char line[400];
		snprintf(line, sizeof(line), "\nHOME=%s\n", home);
		LD_CHECK(strstr(env, line) == NULL);
	}
	free(env);
	snprintf(tmp, sizeof(tmp), "%s/tmp", fx_base);
	LD_CHECK(dir_empty(tmp));
	run_dispose(&r);

	/* the same function deployed as a different zip: manifests are compared */
	run_live(&r, "resizer");
	LD_REQUIRE(r.v && r.s);
	{
		size_t wlen = 0;
		char *other = zip_of_work(&wlen, "true");
		char osha[LD_CODE_SHA256_LEN + 1];
		LD_REQUIRE(other != NULL);
		ld_code_sha256(osha, other, wlen);
		inv_version(&r.inv, run_key(&r), "resizer", "1", osha, NULL, "\"MemorySize\":128");
		inv_alias(&r.inv, "resizer", "live", "1");
		route_get_function(r.f, "resizer", "1", osha);
		route_add(r.f, "snap/resizer-1.zip", 200, other, wlen, -1);
		go(&r);
		LD_CHECK(find(&r, "code-drift") != NULL);
		LD_CHECK(find(&r, "code-drift") && find(&r, "code-drift")->evidence &&
			 strstr(find(&r, "code-drift")->evidence, "\"removed\":[\"main.py\"]"));
		LD_CHECK(find(&r, "code-drift") &&
			 strstr(find(&r, "code-drift")->message, "4 added, 1 removed, 0 modified: "
				"app.py (added), lib/util.py (added), link.py (added), and 2 more"));
		free(other);
	}
	run_dispose(&r);

	/* without --allow-build nothing runs */
	memset(&r, 0, sizeof(r));
	r.v = prepare("resizer", NULL, false, false);
	inv_start(&r.inv, offline_key);
	unlink(path);
	inv_version(&r.inv, offline_key, "resizer", "1", sha, NULL, "\"MemorySize\":128");
	inv_alias(&r.inv, "resizer", "live", "1");
	go(&r);
	LD_CHECK(find(&r, "code-unverified") &&
		 strstr(find(&r, "code-unverified")->message, "--allow-build") != NULL);
	LD_CHECK(access(path, F_OK) != 0);
	LD_CHECK(r.inv.complete);
	run_dispose(&r);
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");
	free(zip);
}

static void test_verify__build_timeout_and_escape(void)
{
	const ld_finding *f;
	char tmp[320];
	time_t start;
	run r;

	run_live(&r, "slow");
	LD_REQUIRE(r.v && r.s);
	inv_version(&r.inv, run_key(&r), "slow", "1", "x", NULL, "\"MemorySize\":128");
	inv_alias(&r.inv, "slow", "live", "1");
	start = time(NULL);
	go(&r);
	LD_CHECK(time(NULL) - start < 10);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK(strstr(f->message, "time limit of 1 s") != NULL);
	LD_CHECK(f->evidence && strstr(f->evidence, "\"timed_out\":true") != NULL);
	LD_CHECK(!r.inv.complete);
	snprintf(tmp, sizeof(tmp), "%s/tmp", fx_base);
	LD_CHECK(dir_empty(tmp));
	run_dispose(&r);

	run_live(&r, "escape");
	LD_REQUIRE(r.v && r.s);
	inv_version(&r.inv, run_key(&r), "escape", "1", "x", NULL, "\"MemorySize\":128");
	inv_alias(&r.inv, "escape", "live", "1");
	go(&r);
	LD_REQUIRE((f = find(&r, "code-unverified")) != NULL);
	LD_CHECK(strstr(f->message, "outside the build directory") != NULL);
	LD_CHECK(dir_empty(tmp));
	run_dispose(&r);
}

/* ------------------------------------------------------------------ code.c */

static void test_verify__image_digest_parse(void)
{
	char d[72];
	ld_code_image_digest(d, "1.dkr.ecr.us-east-1.amazonaws.com/r@sha256:" IMG_A);
	LD_CHECK_STR(d, "sha256:" IMG_A);
	ld_code_image_digest(d, "1.dkr.ecr.us-east-1.amazonaws.com/r:latest");
	LD_CHECK_STR(d, "");
	ld_code_image_digest(d, "r@sha256:abc");
	LD_CHECK_STR(d, "");
	ld_code_image_digest(d, NULL);
	LD_CHECK_STR(d, "");
}

const ld_test ld_tests[] = {
	LD_TEST(test_verify__prepare_tags),
	LD_TEST(test_verify__prepare_spec_and_globs),
	LD_TEST(test_verify__package),
	LD_TEST(test_verify__zip_threads_same_bytes),
	LD_TEST(test_verify__identical_is_one_hash_compare),
	LD_TEST(test_verify__repackaged),
	LD_TEST(test_verify__one_file_changed),
	LD_TEST(test_verify__added_removed_and_exec),
	LD_TEST(test_verify__integrity_mismatch),
	LD_TEST(test_verify__truncated_download),
	LD_TEST(test_verify__download_errors),
	LD_TEST(test_verify__hostile_zip),
	LD_TEST(test_verify__function_and_alias_missing),
	LD_TEST(test_verify__alias_on_older_version),
	LD_TEST(test_verify__alias_on_latest_and_no_alias),
	LD_TEST(test_verify__config_drift),
	LD_TEST(test_verify__config_offline_env_unverified),
	LD_TEST(test_verify__offline_mismatch_and_strict),
	LD_TEST(test_verify__image),
	LD_TEST(test_verify__build_mode),
	LD_TEST(test_verify__build_timeout_and_escape),
	LD_TEST(test_verify__image_digest_parse),
	{ NULL, NULL }
};
