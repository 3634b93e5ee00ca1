/*
 * Secret detection in environment variables (inventory/envscan.h): every detector on a
 * value it must catch, and the traps other scanners flag (references, numbers, booleans and
 * empty values under secret names; hex and base64 digests under neutral names; a Secrets
 * Manager name; a publishable Stripe key); the verdict list of a FunctionConfiguration; and
 * its snapshot form, which must round-trip, reject unknown verdicts and never hold a value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "inventory/build.h"
#include "inventory/envscan.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "util/json.h"

static const char *classify(const char *name, const char *value)
{
	return ld_env_classify(name, value, false);
}

static void test_envscan__formats(void)
{
	LD_CHECK_STR(classify("CFG", "-----BEGIN RSA PRIVATE KEY-----\nMIIE..."), "pem-private-key");
	LD_CHECK_STR(classify("CFG", "x -----BEGIN PRIVATE KEY----- y"), "pem-private-key");
	LD_CHECK_STR(classify("CFG", "-----BEGIN OPENSSH PRIVATE KEY-----"), "pem-private-key");
	LD_CHECK_STR(classify("CFG", "-----BEGIN PUBLIC KEY-----\nMIIB"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("CFG", "-----BEGIN CERTIFICATE-----"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("ID", "AKIAIOSFODNN7EXAMPLE"), "aws-access-key-id");
	LD_CHECK_STR(classify("ID", "ASIAY34FZKBOKMUTVV7A"), "aws-access-key-id");
	LD_CHECK_STR(classify("ID", "AKIAIOSFODNN7EXAMPL"), LD_ENV_CLEAN);   /* 15 after AKIA */
	LD_CHECK_STR(classify("ID", "XAKIAIOSFODNN7EXAMPLE"), LD_ENV_CLEAN); /* not at a word */
	LD_CHECK_STR(classify("CFG", "ghp_0123456789abcdefghijABCDEFGHIJ012345"), "github-token");
	LD_CHECK_STR(classify("CFG", "github_pat_11ABCDEFG0123456789_abcdefghijkl"), "github-token");
	LD_CHECK_STR(classify("CFG", "ghp_short"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("CFG", "glpat-abcdefghij0123456789"), "gitlab-token");
	LD_CHECK_STR(classify("CFG", "xoxb-1234567890-abcdefghij"), "slack-token");
	LD_CHECK_STR(classify("HOOK", "https://hooks.slack.com/services/T000/B000/XXXX"),
		     "slack-webhook");
	LD_CHECK_STR(classify("CFG", "sk_live_0123456789abcdefABCD"), "stripe-secret-key");
	LD_CHECK_STR(classify("CFG", "rk_test_0123456789abcdefABCD"), "stripe-secret-key");
	LD_CHECK_STR(classify("STRIPE_PUBLISHABLE", "pk_live_0123456789abcdefABCD"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("CFG", "npm_0123456789abcdefghijABCDEFGHIJ012345"), "npm-token");
	LD_CHECK_STR(classify("CFG", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
				     "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"), "jwt");
	LD_CHECK_STR(classify("CFG", "eyJhbGciOiJIUzI1NiJ9"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DATABASE_URL", "postgres://app:hunter2@db:5432/orders"), "url-password");
	LD_CHECK_STR(classify("DATABASE_URL", "postgres://app@db:5432/orders"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DATABASE_URL", "postgres://app:${DB_PASS}@db/orders"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("API", "https://api.example.com/v1?x=a:b@c"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("MAIL", "user@example.com"), LD_ENV_CLEAN);
}

static void test_envscan__aws_pair(void)
{
	const char *secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	const char *sha1 = "3f786850e387550fdab836ed7e6dc881de23001b";

	LD_CHECK_STR(ld_env_classify("K2", secret, true), "aws-secret-access-key");
	LD_CHECK_STR(ld_env_classify("K2", secret, false), LD_ENV_CLEAN);
	/* a git SHA next to a key id is still a git SHA */
	LD_CHECK_STR(ld_env_classify("GIT_SHA", sha1, true), LD_ENV_CLEAN);
	LD_CHECK_STR(ld_env_classify("GIT_SHA", "3F786850E387550FDAB836ED7E6DC881DE23001B", true),
		     LD_ENV_CLEAN);
}

static void test_envscan__secret_names(void)
{
	LD_CHECK_STR(classify("DB_PASSWORD", "hunter2"), "secret-name");
	LD_CHECK_STR(classify("dbPassword", "hunter2"), "secret-name");
	LD_CHECK_STR(classify("API_KEY", "abc"), "secret-name");
	LD_CHECK_STR(classify("STRIPE_API_KEY", "abc"), "secret-name");
	LD_CHECK_STR(classify("PRIVATE_KEY", "abc"), "secret-name");
	LD_CHECK_STR(classify("CLIENT_SECRET", "abc"), "secret-name");
	LD_CHECK_STR(classify("AUTH_TOKEN", "abc"), "secret-name");
	LD_CHECK_STR(classify("AWS_SECRET_ACCESS_KEY", "abc"), "secret-name");
	LD_CHECK_STR(classify("DB_PWD", "abc"), "secret-name");
	/* which copy, or a number: the word before is the name's last */
	LD_CHECK_STR(classify("DB_PASSWORD_PROD", "hunter2"), "secret-name");
	LD_CHECK_STR(classify("API_KEY_2", "abc"), "secret-name");
	LD_CHECK_STR(classify("PASSWORD1", "hunter2"), "secret-name");
	LD_CHECK_STR(classify("stripeTokenOld", "abc"), "secret-name");
	LD_CHECK_STR(classify("SECRET_KEY_BASE", "abc"), "secret-name");
	LD_CHECK_STR(classify("TOKEN_URL_PROD", "https://auth.example.com/token"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_PASSWORD_PROD", "arn:aws:ssm:us-east-1:1:parameter/db"),
		     LD_ENV_CLEAN);
	LD_CHECK_STR(classify("PROD", "abc"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("KEY_2", "abc"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("HTTP2", "abc"), LD_ENV_CLEAN);
	/* names whose last word holds no credential */
	LD_CHECK_STR(classify("TOKEN_URL", "https://auth.example.com/token"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("SECRET_NAME", "orders-db-credentials"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_SECRET_ID", "orders-db"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("PASSWORD_MIN_LENGTH", "12"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("PWD", "var-task"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("KEY", "abc"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("MONKEY", "abc"), LD_ENV_CLEAN);
}

static void test_envscan__references(void)
{
	LD_CHECK_STR(classify("DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:123456789012:"
					     "secret:db-AbCdEf"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_PASSWORD", "arn:aws-us-gov:ssm:us-gov-west-1:1:parameter/x"),
		     LD_ENV_CLEAN);
	LD_CHECK_STR(classify("API_TOKEN", "/prod/orders/api-token"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_SECRET", "prod/orders/db"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_PASSWORD", "{{resolve:secretsmanager:db:SecretString:pw}}"),
		     LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_PASSWORD", "${ssm:/prod/db}"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("TOKEN", "3600"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("TOKEN", "-1.5"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("SECRET", "true"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("SECRET", "Off"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("PASSWORD", ""), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("PASSWORD", "  "), LD_ENV_CLEAN);
	/* not a reference: a slash alone, a space, an unknown partition */
	LD_CHECK_STR(classify("PASSWORD", "a b/c"), "secret-name");
	LD_CHECK_STR(classify("PASSWORD", "arn:evil"), "secret-name");
	LD_CHECK_STR(classify("PASSWORD", "1e5x"), "secret-name");
	/* nor a secret with a slash in it: an AWS secret key alone, base64 with padding or '+' */
	LD_CHECK_STR(classify("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
		     "secret-name");
	LD_CHECK_STR(classify("DB_PASSWORD", "c2VjcmV0/cGFzcw=="), "secret-name");
	LD_CHECK_STR(classify("API_TOKEN", "Xy7q/Kp9+Qz4"), "secret-name");
	/* a Secrets Manager name in mixed case, and one with '@' and '.', stay names */
	LD_CHECK_STR(classify("DB_SECRET", "MyApp/Prod/DbCredentials"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("DB_SECRET", "team.orders/ops@example.com"), LD_ENV_CLEAN);
	/* digests under neutral names */
	LD_CHECK_STR(classify("GIT_SHA", "3f786850e387550fdab836ed7e6dc881de23001b"), LD_ENV_CLEAN);
	LD_CHECK_STR(classify("CODE_SHA256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
		     LD_ENV_CLEAN);
}

static char *scan(const char *json)
{
	ld_json *cfg = NULL;
	char *out = NULL;

	if (ld_json_parse(&cfg, json, strlen(json), "test") < 0)
		return NULL;
	if (ld_env_scan(&out, cfg) < 0)
		out = NULL;
	ld_json_free(cfg);
	return out;
}

static void test_envscan__verdict_list(void)
{
	char *v = scan("{\"Environment\":{\"Variables\":{\"B\":\"AKIAIOSFODNN7EXAMPLE\","
		       "\"A\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\",\"LOG\":\"debug\"}}}");
	LD_CHECK_STR(v, "{\"A\":\"aws-secret-access-key\",\"B\":\"aws-access-key-id\","
			"\"LOG\":\"none\"}");
	LD_CHECK(ld_env_verdicts_flagged(v));
	free(v);
	v = scan("{\"Environment\":{\"Variables\":{\"LOG\":\"debug\"}}}");
	LD_CHECK_STR(v, "{\"LOG\":\"none\"}");
	LD_CHECK(!ld_env_verdicts_flagged(v));
	free(v);
	LD_CHECK(scan("{\"Environment\":{\"Variables\":{}}}") == NULL);
	LD_CHECK(scan("{\"Runtime\":\"python3.12\"}") == NULL);
	v = scan("{\"Environment\":{\"Error\":{\"ErrorCode\":\"KMSAccessDeniedException\","
		 "\"Message\":\"denied\"}}}");
	LD_CHECK_STR(v, "{\"\":\"KMSAccessDeniedException\"}");
	LD_CHECK(!ld_env_verdicts_flagged(v));
	free(v);
	LD_CHECK(!ld_env_verdicts_flagged(NULL));
}

static const char canary[] = "CANARYvalue-7f3a9c";

static char *write_snapshot(const char *env_json)
{
	char cfg[1024];
	ld_inventory inv;
	ld_function *fn;
	ld_version *v;
	ld_json *j = NULL;
	ld_buf out = LD_BUF_INIT_CAP(1 << 20);
	char *s = NULL;

	snprintf(cfg, sizeof(cfg), "{\"FunctionName\":\"f\",\"Version\":\"$LATEST\","
		 "\"FunctionArn\":\"arn:aws:lambda:us-east-1:123456789012:function:f\",%s}",
		 env_json);
	ld_inventory_init(&inv);
	if (ld_json_parse(&j, cfg, strlen(cfg), "t") == 0 && ld_inventory_add_region(&inv, "us-east-1") == 0 &&
	    (fn = ld_inventory_function(&inv, "us-east-1", "f", NULL)) && (v = ld_function_add_version(fn)) &&
	    ld_version_from_api(v, j, (const uint8_t *)"k", 1) == 0 &&
	    ld_inventory_write(&out, &inv) == 0)
		s = ld_buf_detach(&out);
	ld_json_free(j);
	ld_buf_dispose(&out);
	ld_inventory_dispose(&inv);
	return s;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void test_envscan__snapshot_roundtrip(void)
{
	char env[256], *snap, *again = NULL;
	const char *path = "build/test_envscan-snap.json";
	ld_inventory inv;
	ld_buf out = LD_BUF_INIT_CAP(1 << 20);

	snprintf(env, sizeof(env), "\"Environment\":{\"Variables\":{\"DB_PASSWORD\":\"%s\","
		 "\"LOG\":\"%s\"}}", canary, canary);
	LD_REQUIRE((snap = write_snapshot(env)) != NULL);
	LD_CHECK(strstr(snap, canary) == NULL);
	LD_CHECK(strstr(snap, "\"env_verdicts\": {") != NULL);
	LD_CHECK(strstr(snap, "\"DB_PASSWORD\": \"secret-name\"") != NULL);
	LD_CHECK(strstr(snap, "\"LOG\": \"none\"") != NULL);
	LD_REQUIRE(write_file(path, snap) == 0);
	ld_inventory_init(&inv);
	LD_REQUIRE(ld_inventory_load(&inv, path) == 0);
	LD_CHECK(inv.complete);
	LD_CHECK_STR(inv.functions[0].versions[0].env_verdicts,
		     "{\"DB_PASSWORD\":\"secret-name\",\"LOG\":\"none\"}");
	LD_CHECK(ld_inventory_write(&out, &inv) == 0);
	again = out.ptr;
	LD_CHECK_STR(again, snap);
	ld_inventory_dispose(&inv);
	/* slim keeps the verdicts */
	ld_inventory_init(&inv);
	LD_CHECK(ld_inventory_load_slim(&inv, path) == 0);
	LD_CHECK_STR(inv.functions[0].versions[0].env_verdicts,
		     "{\"DB_PASSWORD\":\"secret-name\",\"LOG\":\"none\"}");
	ld_inventory_dispose(&inv);
	ld_buf_dispose(&out);
	free(snap);
	remove(path);
}

/* Replace the first `from` in `s` by `to` (sizes of a test). */
static char *edit(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out;

	if (!p || !(out = malloc(n)))
		return NULL;
	snprintf(out, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return out;
}

static void check_load(const char *snap, const char *from, const char *to, int expect,
		       const char *message_part)
{
	const char *path = "build/test_envscan-bad.json";
	char *text = edit(snap, from, to);
	ld_inventory inv;
	int error;

	LD_REQUIRE(text != NULL);
	LD_REQUIRE(write_file(path, text) == 0);
	ld_inventory_init(&inv);
	error = ld_inventory_load(&inv, path);
	LD_CHECK_INT(error, expect);
	if (error < 0 && message_part && !strstr(ld_error_last()->message, message_part))
		ld_test_fail(__FILE__, __LINE__, "message '%s' lacks '%s'",
			     ld_error_last()->message, message_part);
	if (error == 0) /* loading notes no problem: the rule says, when the run selects it */
		LD_CHECK(inv.complete && inv.nproblems == 0);
	ld_inventory_dispose(&inv);
	free(text);
	remove(path);
}

/* The problem lines about environments of a scan of `text` under `sel` (NULL: every
 * rule), how many, and whether function f is noted unchecked for that rule. */
static size_t env_gaps(const char *text, const ld_rule_selection *sel, char *line, size_t size,
		       bool *unchecked)
{
	const char *path = "build/test_envscan-gap.json";
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_inventory inv;
	ld_findings f;
	size_t n = 0;

	*line = '\0';
	*unchecked = false;
	opts.rules = sel;
	memset(&f, 0, sizeof(f));
	ld_inventory_init(&inv);
	if (write_file(path, text) != 0 || ld_inventory_load_slim(&inv, path) < 0) {
		ld_test_fail(__FILE__, __LINE__, "cannot load '%s'", path);
		ld_inventory_dispose(&inv);
		return SIZE_MAX;
	}
	LD_CHECK(ld_audit_scan(&f, &inv, &opts) == 0);
	for (size_t i = 0; i < inv.nproblems; i++)
		if (strstr(inv.problems[i], "environment") && n++ == 0)
			snprintf(line, size, "%s", inv.problems[i]);
	for (size_t i = 0; i < f.nunchecked; i++)
		*unchecked = *unchecked || (!strcmp(f.unchecked[i].function, "f") &&
					    (f.unchecked[i].rules & ld_rule_bit("env-plaintext-secret")));
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
	remove(path);
	return n;
}

/* A version the rule cannot read: unchecked when the run selects the rule (a problem line
 * and an unchecked entry), nothing at all when it skips it. */
static void check_gap(const char *snap, const char *from, const char *to, const char *reason)
{
	static const char *const skip[] = { "env-plaintext-secret" }, *const roles[] = { "role-*" };
	const ld_rule_selection skipped = { NULL, 0, skip, 1 }, other = { roles, 1, NULL, 0 };
	const ld_rule_selection alone = { skip, 1, NULL, 0 };
	char *text = edit(snap, from, to), line[1024];
	bool unchecked;

	LD_REQUIRE(text != NULL);
	LD_CHECK(env_gaps(text, NULL, line, sizeof(line), &unchecked) == 1 && unchecked);
	if (!strstr(line, "env-plaintext-secret unchecked for 1 function in region us-east-1 "
		    "(f): ") || !strstr(line, reason))
		ld_test_fail(__FILE__, __LINE__, "line '%s' lacks '%s'", line, reason);
	LD_CHECK(env_gaps(text, &alone, line, sizeof(line), &unchecked) == 1 && unchecked);
	LD_CHECK(env_gaps(text, &skipped, line, sizeof(line), &unchecked) == 0 && !unchecked);
	LD_CHECK(env_gaps(text, &other, line, sizeof(line), &unchecked) == 0 && !unchecked);
	free(text);
}

static void test_envscan__snapshot_checks(void)
{
	char *snap = write_snapshot("\"Environment\":{\"Variables\":{\"DB_PASSWORD\":\"x1\"}}");

	LD_REQUIRE(snap != NULL);
	check_load(snap, "\"secret-name\"", "\"clean\"", LD_EINVALID, "not one lambdrift knows");
	check_load(snap, "\"DB_PASSWORD\": \"secret-name\"", "\"OTHER\": \"none\"", LD_EINVALID,
		   "Environment lacks");
	check_load(snap, "\"DB_PASSWORD\": \"secret-name\"", "", LD_EINVALID, "lacks a verdict");
	/* an older snapshot: no verdicts at all; Lambda could not return the variables */
	check_load(snap, "\"env_verdicts\": {", "\"ignored\": {", 0, NULL);
	check_load(snap, "\"DB_PASSWORD\": \"secret-name\"", "\"\": \"KMSAccessDeniedException\"",
		   0, NULL);
	/* both unchecked, never clean, and only when the run selects the rule */
	check_gap(snap, "\"env_verdicts\": {", "\"ignored\": {",
		  "the snapshot has no environment verdicts for version $LATEST");
	check_gap(snap, "\"DB_PASSWORD\": \"secret-name\"", "\"\": \"KMSAccessDeniedException\"",
		  "could not return the environment of version $LATEST "
		  "(KMSAccessDeniedException); grant kms:Decrypt");
	free(snap);
}

/* Slim drops a version no alias routes to and that holds no secret, but keeps the one
 * that leaves the rule unchecked: a denied old version is still said. */
static void test_envscan__slim_keeps_unchecked(void)
{
	static const char text[] =
		"{\"schema\":\"lambdrift/inventory/v1\",\"account\":\"123456789012\","
		"\"regions\":[\"us-east-1\"],\"complete\":true,\"problems\":[],"
		"\"functions\":[{\"name\":\"f\",\"region\":\"us-east-1\",\"versions\":["
		"{\"version\":\"$LATEST\",\"config\":{}},"
		"{\"version\":\"1\",\"config\":{\"Environment\":{\"Variables\":{\"A\":\"x\"}}},"
		"\"env_verdicts\":{\"\":\"KMSAccessDeniedException\"}},"
		"{\"version\":\"2\",\"config\":{}},{\"version\":\"3\",\"config\":{}}],"
		"\"aliases\":[]}],\"triggers\":[]}";
	static const char *const only[] = { "env-plaintext-secret" };
	const ld_rule_selection alone = { only, 1, NULL, 0 };
	char line[1024];
	bool unchecked;

	LD_CHECK(env_gaps(text, &alone, line, sizeof(line), &unchecked) == 1 && unchecked);
	LD_CHECK(strstr(line, "environment of version 1 (KMSAccessDeniedException)") != NULL);
}

/* The collector's line (a live scan, or a snapshot that keeps it) is said once, and the
 * function is still noted unchecked. */
static void test_envscan__collector_line_said_once(void)
{
	char *snap = write_snapshot("\"Environment\":{\"Variables\":{\"DB_PASSWORD\":\"x1\"}}");
	char *denied, *text, line[1024];
	bool unchecked;

	LD_REQUIRE(snap != NULL);
	LD_REQUIRE((denied = edit(snap, "\"DB_PASSWORD\": \"secret-name\"",
				  "\"\": \"KMSAccessDeniedException\"")) != NULL);
	LD_REQUIRE((text = edit(denied, "\"problems\": []",
				"\"problems\": [\"env-plaintext-secret unchecked for f in us-east-1: "
				"Lambda could not return the environment of version $LATEST "
				"(KMSAccessDeniedException); grant kms:Decrypt on its KMS key\"]")) != NULL);
	LD_CHECK(env_gaps(text, NULL, line, sizeof(line), &unchecked) == 1 && unchecked);
	LD_CHECK(strstr(line, "env-plaintext-secret unchecked for f in us-east-1: Lambda") == line);
	free(text);
	free(denied);
	free(snap);
}

/* One function, $LATEST and versions 1..2, each with `env` and `kms` settings. */
static void scan_inventory(ld_findings *f, const char *const env[3], const char *const kms[3])
{
	const char *path = "build/test_envscan-rules.json";
	ld_inventory inv;
	ld_buf b = LD_BUF_INIT_CAP(1 << 20);
	static const char *const names[3] = { "$LATEST", "1", "2" };

	memset(f, 0, sizeof(*f));
	ld_buf_puts(&b, "{\"schema\":\"lambdrift/inventory/v1\",\"account\":\"123456789012\","
		    "\"regions\":[\"us-east-1\"],\"complete\":true,\"problems\":[],"
		    "\"functions\":[{\"name\":\"f\",\"region\":\"us-east-1\",\"versions\":[");
	for (int i = 0; i < 3; i++) {
		ld_buf_printf(&b, "%s{\"version\":\"%s\",\"config\":{", i ? "," : "", names[i]);
		if (env[i])
			ld_buf_printf(&b, "\"Environment\":{\"Variables\":{\"DB_PASSWORD\":\"hmac-sha256:00\","
				      "\"LOG\":\"hmac-sha256:01\"}}%s", kms[i] ? "," : "");
		if (kms[i])
			ld_buf_printf(&b, "\"KMSKeyArn\":\"%s\"", kms[i]);
		ld_buf_puts(&b, "}");
		if (env[i])
			ld_buf_printf(&b, ",\"env_verdicts\":{\"DB_PASSWORD\":\"%s\",\"LOG\":\"none\"}",
				      env[i]);
		ld_buf_puts(&b, "}");
	}
	ld_buf_puts(&b, "],\"aliases\":[]}],\"triggers\":[]}");
	LD_REQUIRE(write_file(path, b.ptr) == 0);
	ld_inventory_init(&inv);
	LD_REQUIRE(ld_inventory_load_slim(&inv, path) == 0);
	LD_CHECK(ld_audit_scan(f, &inv, NULL) == 0);
	ld_inventory_dispose(&inv);
	ld_buf_dispose(&b);
	remove(path);
}

static const ld_finding *find(const ld_findings *f, const char *rule)
{
	for (size_t i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].rule, rule))
			return &f->items[i];
	return NULL;
}

static void test_envscan__rules(void)
{
	static const char *const key = "arn:aws:kms:us-east-1:123456789012:key/k";
	const char *const secret_old[3] = { "none", "secret-name", "none" };
	const char *const cmk[3] = { key, key, key };
	const char *const clean[3] = { "none", "none", "none" };
	const char *const no_key[3] = { NULL, NULL, NULL };
	const ld_finding *x;
	ld_findings f;

	/* a secret only in an old version (dropped by slim but for the secret) */
	scan_inventory(&f, secret_old, cmk);
	LD_REQUIRE((x = find(&f, "env-plaintext-secret")) != NULL);
	LD_CHECK(strstr(x->message, "DB_PASSWORD") && strstr(x->message, "in version 1;"));
	LD_CHECK_STR(x->evidence, "{\"detectors\":[\"secret-name\"],\"variable\":\"DB_PASSWORD\","
				  "\"version_count\":1,\"versions\":[\"1\"]}");
	LD_CHECK(find(&f, "env-default-key") == NULL);
	ld_findings_dispose(&f);
	/* clean values, no customer key: the key rule alone, on the versions that run */
	scan_inventory(&f, clean, no_key);
	LD_CHECK(find(&f, "env-plaintext-secret") == NULL);
	LD_REQUIRE((x = find(&f, "env-default-key")) != NULL);
	LD_CHECK_STR(x->evidence, "{\"key\":\"aws/lambda\",\"versions\":[\"$LATEST\",\"2\"]}");
	ld_findings_dispose(&f);
	scan_inventory(&f, clean, cmk);
	LD_CHECK(find(&f, "env-default-key") == NULL && find(&f, "env-plaintext-secret") == NULL);
	ld_findings_dispose(&f);
}

const ld_test ld_tests[] = {
	LD_TEST(test_envscan__rules),
	LD_TEST(test_envscan__formats),
	LD_TEST(test_envscan__aws_pair),
	LD_TEST(test_envscan__secret_names),
	LD_TEST(test_envscan__references),
	LD_TEST(test_envscan__verdict_list),
	LD_TEST(test_envscan__snapshot_roundtrip),
	LD_TEST(test_envscan__snapshot_checks),
	LD_TEST(test_envscan__collector_line_said_once),
	LD_TEST(test_envscan__slim_keeps_unchecked),
	{ NULL, NULL },
};
