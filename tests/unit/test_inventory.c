/* The inventory model: builders, sort, filter, config canonicalisation (against what moto
 * really returns), environment digests, and the snapshot's round trip and error messages. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "inventory/build.h"
#include "lambdrift/errors.h"
#include "lambdrift/inventory.h"
#include "util/hash.h"
#include "util/json.h"

static const uint8_t key[LD_DIGEST_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* Parse a FunctionConfiguration literal into a version. */
static int version_from(ld_version *v, const char *json)
{
	ld_json *cfg = NULL;
	int error = ld_json_parse(&cfg, json, strlen(json), "test config");
	if (error == 0)
		error = ld_version_from_api(v, cfg, key, sizeof(key));
	ld_json_free(cfg);
	return error;
}

static const char *field(const ld_version *v, const char *name)
{
	for (size_t i = 0; i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, name))
			return v->config[i].value;
	return NULL;
}

/* The unqualified ARN: "$LATEST" entries from moto carry a ":$LATEST" suffix, AWS's do not. */
static void unqualified(char *out, size_t len, const char *arn)
{
	const char *p = arn;
	int colons = 0;
	size_t n;
	for (; *p; p++)
		if (*p == ':' && ++colons == 7)
			break;
	n = (size_t)(p - arn) < len - 1 ? (size_t)(p - arn) : len - 1;
	memcpy(out, arn, n);
	out[n] = '\0';
}

/* What the collector does with ListFunctions(FunctionVersion=ALL): one version per item. */
static int inventory_from_moto(ld_inventory *inv)
{
	char *text = ld_test_read_file("fixtures/aws/moto-listfunctions-all.json", NULL);
	ld_json *root = NULL;
	int error;

	ld_inventory_init(inv);
	if (!text)
		return LD_ERROR;
	if ((error = ld_json_parse(&root, text, strlen(text), "moto fixture")) == 0) {
		for (ld_json *c = ld_json_first(ld_json_get(root, "Functions")); c && error == 0;
		     c = ld_json_next(c)) {
			char arn[256];
			ld_function *fn;
			unqualified(arn, sizeof(arn), ld_json_get_str(c, "FunctionArn"));
			fn = ld_inventory_function(inv, "us-east-1", ld_json_get_str(c, "FunctionName"), arn);
			error = fn ? ld_version_from_api(ld_function_add_version(fn), c, key, sizeof(key))
				   : LD_ERROR;
		}
	}
	ld_inventory_set_digest_key(inv, key, sizeof(key));
	free(inv->account);
	inv->account = strdup("123456789012");
	ld_inventory_add_region(inv, "us-east-1");
	ld_inventory_sort(inv);
	ld_json_free(root);
	free(text);
	return error;
}

static const ld_function *find_fn(const ld_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!strcmp(inv->functions[i].name, name))
			return &inv->functions[i];
	return NULL;
}

static void test_inventory__builders_and_sort(void)
{
	ld_inventory inv;
	ld_function *fn, *again;
	ld_trigger *t;
	const char *vs[] = { "10", "$LATEST", "2", "1" };

	ld_inventory_init(&inv);
	LD_CHECK(inv.complete);
	fn = ld_inventory_function(&inv, "us-east-1", "b", NULL);
	LD_REQUIRE(fn != NULL);
	for (size_t i = 0; i < 4; i++) {
		ld_version *v = ld_function_add_version(fn);
		LD_REQUIRE(v != NULL);
		v->version = strdup(vs[i]);
	}
	ld_function_add_version(fn); /* left zeroed, as a failed ld_version_from_api leaves it */
	again = ld_inventory_function(&inv, "us-east-1", "b", "arn:aws:lambda:us-east-1:1:function:b");
	LD_CHECK(again == fn);
	LD_CHECK_STR(fn->arn, "arn:aws:lambda:us-east-1:1:function:b");
	for (int i = 0; i < 9; i++) { /* past the first growth steps */
		char name[8];
		snprintf(name, sizeof(name), "f%d", 8 - i);
		LD_REQUIRE(ld_inventory_function(&inv, i % 2 ? "eu-west-1" : "us-east-1", name, NULL));
	}
	LD_CHECK_INT(inv.nfunctions, 10);
	ld_inventory_add_region(&inv, "us-east-1");
	ld_inventory_add_region(&inv, "eu-west-1");
	ld_inventory_add_region(&inv, "us-east-1");
	LD_CHECK_INT(inv.nregions, 2);
	t = ld_inventory_add_trigger(&inv);
	t->uuid = strdup("b");
	t->region = strdup("us-east-1");
	t = ld_inventory_add_trigger(&inv);
	t->uuid = strdup("a");
	t->region = strdup("us-east-1");
	ld_inventory_sort(&inv);
	LD_CHECK_STR(inv.functions[0].region, "eu-west-1");
	LD_CHECK_STR(inv.functions[0].name, "f1");
	fn = (ld_function *)find_fn(&inv, "b");
	LD_REQUIRE(fn && fn->nversions == 4);
	LD_CHECK_STR(fn->versions[0].version, "$LATEST");
	LD_CHECK_STR(fn->versions[1].version, "1");
	LD_CHECK_STR(fn->versions[2].version, "2");
	LD_CHECK_STR(fn->versions[3].version, "10");
	LD_CHECK_STR(ld_function_latest_published(fn)->version, "10");
	LD_CHECK(ld_function_version(fn, "2") == &fn->versions[2]);
	LD_CHECK(ld_function_version(fn, "3") == NULL);
	LD_CHECK_STR(inv.triggers[0].uuid, "a");
	LD_CHECK_STR(inv.regions[0], "eu-west-1");
	LD_CHECK_INT(ld_inventory_problem(&inv, "region %s: %s", "eu-west-1", "access\ndenied"), 0);
	LD_CHECK(!inv.complete);
	LD_CHECK_STR(inv.problems[0], "region eu-west-1: access denied");
	ld_inventory_dispose(&inv);
	ld_inventory_dispose(&inv); /* zeroed: fine */
	LD_CHECK(inv.nfunctions == 0 && inv.functions == NULL);
}

static void test_inventory__latest_published_none(void)
{
	ld_function fn;
	ld_version v;
	memset(&fn, 0, sizeof(fn));
	memset(&v, 0, sizeof(v));
	v.version = "$LATEST";
	fn.versions = &v;
	fn.nversions = 1;
	LD_CHECK(ld_function_latest_published(&fn) == NULL);
	LD_CHECK(ld_function_latest_published(NULL) == NULL);
}

static void test_inventory__glob_and_filter(void)
{
	ld_inventory inv;
	const char *globs[] = { "cfg*", "clea?" };
	ld_trigger *t;

	LD_CHECK(ld_glob_match("orders-*", "orders-api"));
	LD_CHECK(!ld_glob_match("orders-*", "billing"));
	LD_CHECK(ld_glob_match("[ab]x", "bx"));
	LD_REQUIRE(inventory_from_moto(&inv) == 0);
	t = ld_inventory_add_trigger(&inv);
	t->uuid = strdup("1");
	t->region = strdup("us-east-1");
	t->function_arn = strdup("arn:aws:lambda:us-east-1:123456789012:function:clean:live");
	t = ld_inventory_add_trigger(&inv);
	t->uuid = strdup("2");
	t->region = strdup("us-east-1");
	t->function_arn = strdup("arn:aws:lambda:us-east-1:123456789012:function:nopub");
	ld_inventory_filter(&inv, NULL, 0);
	LD_CHECK_INT(inv.nfunctions, 5);
	ld_inventory_filter(&inv, globs, 2);
	LD_REQUIRE(inv.nfunctions == 2);
	LD_CHECK_STR(inv.functions[0].name, "cfgdrift");
	LD_CHECK_STR(inv.functions[1].name, "clean");
	LD_REQUIRE(inv.ntriggers == 1);
	LD_CHECK_STR(inv.triggers[0].uuid, "1");
	ld_inventory_dispose(&inv);
}

/* Observed with moto 5.2: an unchanged function reads the same for $LATEST and its
 * published version; a config-only update after publish differs in exactly those settings. */
static void test_config__moto_latest_vs_published(void)
{
	ld_inventory inv;
	const ld_function *fn;

	LD_REQUIRE(inventory_from_moto(&inv) == 0);
	LD_CHECK_INT(inv.nfunctions, 5);
	LD_REQUIRE((fn = find_fn(&inv, "clean")) && fn->nversions == 2);
	LD_CHECK_STR(fn->arn, "arn:aws:lambda:us-east-1:123456789012:function:clean");
	LD_CHECK_STR(fn->versions[0].config_sha256, fn->versions[1].config_sha256);
	LD_CHECK_STR(fn->versions[1].runtime, "python3.12");
	LD_CHECK_STR(fn->versions[1].package_type, "Zip");
	LD_CHECK(field(&fn->versions[0], "VpcConfig") == NULL);
	LD_CHECK(field(&fn->versions[0], "TracingConfig") == NULL);

	LD_REQUIRE((fn = find_fn(&inv, "cfgdrift")) && fn->nversions == 2);
	LD_CHECK(strcmp(fn->versions[0].config_sha256, fn->versions[1].config_sha256) != 0);
	LD_CHECK_INT(fn->versions[0].nconfig, fn->versions[1].nconfig);
	for (size_t i = 0; i < fn->versions[0].nconfig; i++) {
		const char *name = fn->versions[0].config[i].name;
		bool same = !strcmp(fn->versions[0].config[i].value, fn->versions[1].config[i].value);
		LD_CHECK_STR(name, fn->versions[1].config[i].name);
		LD_CHECK(same == !(strcmp(name, "MemorySize") == 0 || strcmp(name, "Environment") == 0));
	}
	LD_CHECK_STR(field(&fn->versions[0], "MemorySize"), "256");

	LD_REQUIRE((fn = find_fn(&inv, "codedrift")) && fn->nversions == 2);
	LD_CHECK_STR(fn->versions[0].config_sha256, fn->versions[1].config_sha256);
	LD_CHECK(strcmp(fn->versions[0].code_sha256, fn->versions[1].code_sha256) != 0);

	LD_REQUIRE((fn = find_fn(&inv, "vpcempty")) && fn->nversions == 2);
	LD_CHECK_STR(fn->versions[0].config_sha256, fn->versions[1].config_sha256);
	LD_CHECK(field(&fn->versions[0], "VpcConfig") == NULL);
	LD_CHECK(field(&fn->versions[0], "Environment") == NULL);
	LD_CHECK_STR(field(&fn->versions[0], "TracingConfig"), "{\"Mode\":\"Active\"}");
	LD_CHECK_STR(field(&fn->versions[0], "Timeout"), "30");
	ld_inventory_dispose(&inv);
}

#define IDENT "\"Version\":\"1\",\"FunctionArn\":\"arn:aws:lambda:us-east-1:1:function:f:1\","

/* Absent, null, empty and the documented default all read the same. */
static void test_config__defaults_normalised(void)
{
	static const char *const same[] = {
		"{" IDENT "\"Runtime\":\"python3.12\",\"MemorySize\":128}",
		"{" IDENT "\"Runtime\":\"python3.12\",\"MemorySize\":128,\"PackageType\":\"Zip\","
		"\"VpcConfig\":null,\"Environment\":{\"Variables\":{}},\"Layers\":[],"
		"\"TracingConfig\":{\"Mode\":\"PassThrough\"},\"EphemeralStorage\":{\"Size\":512},"
		"\"Architectures\":[\"x86_64\"],\"SnapStart\":{\"ApplyOn\":\"None\","
		"\"OptimizationStatus\":\"Off\"},\"DeadLetterConfig\":{},\"KMSKeyArn\":null,"
		"\"FileSystemConfigs\":[],\"ImageConfigResponse\":{}}",
		"{" IDENT "\"Runtime\":\"python3.12\",\"MemorySize\":128,\"KMSKeyArn\":\"\","
		"\"VpcConfig\":{\"SubnetIds\":[],\"SecurityGroupIds\":[],\"VpcId\":\"\","
		"\"Ipv6AllowedForDualStack\":false},\"Environment\":{\"Variables\":null},"
		"\"TracingConfig\":null,\"DeadLetterConfig\":{\"TargetArn\":null},"
		"\"LoggingConfig\":{\"LogFormat\":\"Text\",\"LogGroup\":\"/aws/lambda/f\"},"
		"\"FunctionName\":\"f\"}",
		/* volatile fields never count */
		"{" IDENT "\"Runtime\":\"python3.12\",\"MemorySize\":128,\"LastModified\":\"x\","
		"\"RevisionId\":\"r\",\"State\":\"Active\",\"CodeSize\":9,\"Description\":\"d\","
		"\"MasterArn\":\"m\",\"LastUpdateStatus\":\"Successful\",\"SigningJobArn\":\"s\","
		"\"RuntimeVersionConfig\":{\"RuntimeVersionArn\":\"v\"},\"CodeSha256\":\"c\"}",
	};
	ld_version first, v;

	LD_REQUIRE(version_from(&first, same[0]) == 0);
	LD_CHECK_INT(first.nconfig, 3);
	LD_CHECK_STR(first.config[0].name, "MemorySize");
	LD_CHECK_STR(first.config[1].name, "PackageType");
	LD_CHECK_STR(first.config[2].name, "Runtime");
	for (size_t i = 1; i < sizeof(same) / sizeof(same[0]); i++) {
		LD_REQUIRE(version_from(&v, same[i]) == 0);
		if (strcmp(v.config_sha256, first.config_sha256)) {
			ld_test_fail(__FILE__, __LINE__, "variant %zu reads differently", i);
			for (size_t j = 0; j < v.nconfig; j++)
				fprintf(stderr, "  %s=%s\n", v.config[j].name, v.config[j].value);
		}
		ld_version_dispose(&v);
	}
	ld_version_dispose(&first);
}

static void test_config__settings_canonical(void)
{
	ld_version v;
	const char *cfg = "{" IDENT "\"PackageType\":\"Image\",\"FunctionName\":\"f\","
		"\"VpcConfig\":{\"SubnetIds\":[\"s-b\",\"s-a\"],\"SecurityGroupIds\":[\"g-2\",\"g-1\"],"
		"\"VpcId\":\"vpc-1\",\"Ipv6AllowedForDualStack\":true},"
		"\"Layers\":[{\"Arn\":\"arn:l:z:1\",\"CodeSize\":5},{\"Arn\":\"arn:l:a:2\"}],"
		"\"SnapStart\":{\"ApplyOn\":\"PublishedVersions\",\"OptimizationStatus\":\"On\"},"
		"\"ImageConfigResponse\":{\"ImageConfig\":{\"Command\":[\"app.handler\"],\"EntryPoint\":[]}},"
		"\"LoggingConfig\":{\"LogFormat\":\"JSON\",\"ApplicationLogLevel\":\"INFO\","
		"\"LogGroup\":\"/custom\"},\"Architectures\":[\"arm64\"],\"EphemeralStorage\":{\"Size\":1024},"
		"\"DeadLetterConfig\":{\"TargetArn\":\"arn:sqs\"},\"KMSKeyArn\":\"arn:kms\","
		"\"FileSystemConfigs\":[{\"Arn\":\"arn:efs\",\"LocalMountPath\":\"/mnt/x\"}]}";

	LD_REQUIRE(version_from(&v, cfg) == 0);
	LD_CHECK(v.runtime == NULL);
	LD_CHECK_STR(v.package_type, "Image");
	LD_CHECK_STR(field(&v, "VpcConfig"), "{\"Ipv6AllowedForDualStack\":true,"
		     "\"SecurityGroupIds\":[\"g-1\",\"g-2\"],\"SubnetIds\":[\"s-a\",\"s-b\"]}");
	LD_CHECK_STR(field(&v, "Layers"), "[\"arn:l:z:1\",\"arn:l:a:2\"]");
	LD_CHECK_STR(field(&v, "SnapStart"), "{\"ApplyOn\":\"PublishedVersions\"}");
	LD_CHECK_STR(field(&v, "ImageConfig"), "{\"Command\":[\"app.handler\"]}");
	LD_CHECK_STR(field(&v, "LoggingConfig"),
		     "{\"ApplicationLogLevel\":\"INFO\",\"LogFormat\":\"JSON\",\"LogGroup\":\"/custom\"}");
	LD_CHECK_STR(field(&v, "Architectures"), "[\"arm64\"]");
	LD_CHECK_STR(field(&v, "EphemeralStorage"), "{\"Size\":1024}");
	LD_CHECK_STR(field(&v, "DeadLetterConfig"), "{\"TargetArn\":\"arn:sqs\"}");
	LD_CHECK_STR(field(&v, "KMSKeyArn"), "\"arn:kms\"");
	LD_CHECK_STR(field(&v, "PackageType"), "\"Image\"");
	LD_CHECK_STR(field(&v, "FileSystemConfigs"), "[{\"Arn\":\"arn:efs\",\"LocalMountPath\":\"/mnt/x\"}]");
	for (size_t i = 1; i < v.nconfig; i++)
		LD_CHECK(strcmp(v.config[i - 1].name, v.config[i].name) < 0);
	ld_version_dispose(&v);
	LD_CHECK(version_from(&v, "{\"Version\":\"1\"}") == LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "FunctionArn") != NULL);
	LD_CHECK(v.version == NULL && v.nconfig == 0);
}

static void test_config__env_digest_hides_values(void)
{
	const char *secret = "s3cr3t-VALUE-xyzzy";
	char cfg[512], expect[128], hex[65];
	uint8_t mac[32];
	ld_version v, w;

	snprintf(cfg, sizeof(cfg), "{" IDENT "\"Environment\":{\"Variables\":{\"API_TOKEN\":\"%s\","
		 "\"A\":\"BC\"}}}", secret);
	LD_REQUIRE(version_from(&v, cfg) == 0);
	LD_REQUIRE(field(&v, "Environment") != NULL);
	LD_CHECK(strstr(field(&v, "Environment"), secret) == NULL);
	LD_CHECK(strstr(field(&v, "Environment"), "xyzzy") == NULL);
	/* HMAC(key, name "\0" hex(sha256(value))), computed independently of canon.c */
	{
		char msg[10 + 64 + 1];
		memcpy(msg, "API_TOKEN", 10);
		ld_sha256_hex(msg + 10, secret, strlen(secret));
		ld_hmac_sha256(mac, key, sizeof(key), msg, 10 + 64);
	}
	ld_hex(hex, mac, 32);
	snprintf(expect, sizeof(expect), "\"API_TOKEN\":\"hmac-sha256:%s\"", hex);
	LD_CHECK(strstr(field(&v, "Environment"), expect) != NULL);
	LD_CHECK(strncmp(field(&v, "Environment"), "{\"Variables\":{\"A\":\"hmac-sha256:", 31) == 0);
	/* name and value are separated: ("AB","C") is not ("A","BC") */
	LD_REQUIRE(version_from(&w, "{" IDENT "\"Environment\":{\"Variables\":{\"AB\":\"C\"}}}") == 0);
	LD_CHECK(strstr(field(&v, "Environment"), strchr(field(&w, "Environment") + 16, ':') + 1) == NULL);
	ld_version_dispose(&w);
	/* another key, another digest */
	{
		ld_json *j = NULL;
		uint8_t other[32] = { 9 };
		LD_REQUIRE(ld_json_parse(&j, cfg, strlen(cfg), "cfg") == 0);
		LD_CHECK(ld_version_from_api(&w, j, other, sizeof(other)) == 0);
		LD_CHECK(strcmp(w.config_sha256, v.config_sha256) != 0);
		ld_json_free(j);
		ld_version_dispose(&w);
	}
	ld_version_dispose(&v);
}

static void test_config__digest_is_sha256_of_lines(void)
{
	ld_version v;
	char hex[65];
	const char *lines = "MemorySize=128\nPackageType=\"Zip\"\nRuntime=\"python3.12\"\n";

	LD_REQUIRE(version_from(&v, "{" IDENT "\"Runtime\":\"python3.12\",\"MemorySize\":128}") == 0);
	ld_sha256_hex(hex, lines, strlen(lines));
	LD_CHECK_STR(v.config_sha256, hex);
	ld_version_dispose(&v);
}

static void test_inventory__digest_key_id(void)
{
	ld_inventory inv;
	uint8_t d[32];
	char hex[17];

	ld_inventory_init(&inv);
	ld_inventory_set_digest_key(&inv, key, sizeof(key));
	ld_sha256(d, key, sizeof(key));
	ld_hex(hex, d, 8);
	LD_CHECK_STR(inv.digest_key_id, hex);
	LD_CHECK_INT(strlen(inv.digest_key_id), 16);
	ld_inventory_dispose(&inv);
}

static int write_temp(char *path, const char *text, size_t len)
{
	int fd;
	strcpy(path, "/tmp/ld-test-inv-XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void round_trip(const ld_inventory *inv)
{
	ld_buf first = LD_BUF_INIT, second = LD_BUF_INIT;
	ld_inventory back;
	char path[64];

	LD_REQUIRE(ld_inventory_write(&first, inv) == 0);
	LD_REQUIRE(write_temp(path, first.ptr, first.size) == 0);
	LD_CHECK(ld_inventory_load(&back, path) == 0);
	LD_CHECK(ld_inventory_write(&second, &back) == 0);
	LD_CHECK(first.size == second.size && !memcmp(first.ptr, second.ptr, first.size));
	LD_CHECK(strstr(first.ptr, "\"lambdrift/inventory/v1\"") != NULL);
	LD_CHECK(strstr(first.ptr, "placeholder") == NULL);
	unlink(path);
	ld_inventory_dispose(&back);
	ld_buf_dispose(&first);
	ld_buf_dispose(&second);
}

static void test_snapshot__round_trip(void)
{
	ld_inventory inv;
	ld_function *fn;
	ld_alias *a;
	ld_trigger *t;

	LD_REQUIRE(inventory_from_moto(&inv) == 0);
	fn = (ld_function *)find_fn(&inv, "clean");
	a = ld_function_add_alias(fn);
	a->name = strdup("live");
	a->function_version = strdup("1");
	a->weights = calloc(1, sizeof(*a->weights));
	a->weights[0].version = strdup("2");
	a->weights[0].weight = 0.1;
	a->nweights = 1;
	t = ld_inventory_add_trigger(&inv);
	t->uuid = strdup("u-1");
	t->region = strdup("us-east-1");
	t->function_arn = strdup(fn->arn);
	inv.collected_at = strdup("2026-06-02T00:00:00Z");
	inv.calls.control = 3;
	inv.calls.get_function = 7;
	ld_inventory_problem(&inv, "region eu-west-1: listing aliases of f failed: throttled");
	round_trip(&inv);
	ld_inventory_dispose(&inv);
	ld_inventory_init(&inv); /* and the empty inventory */
	round_trip(&inv);
	ld_inventory_dispose(&inv);
}

static void test_snapshot__loads_fixture(void)
{
	ld_inventory inv;
	const ld_function *fn;

	LD_REQUIRE(ld_inventory_load(&inv, "fixtures/inventory/scan.json") == 0);
	LD_CHECK_STR(inv.account, "123456789012");
	LD_CHECK(inv.complete);
	LD_CHECK_INT(inv.calls.control, 14);
	LD_REQUIRE((fn = find_fn(&inv, "split")) && fn->naliases == 1);
	LD_CHECK_INT(fn->aliases[0].nweights, 1);
	LD_CHECK(fn->aliases[0].weights[0].weight == 0.25);
	LD_CHECK_STR(fn->versions[0].version, "$LATEST");
	LD_CHECK_INT(strlen(fn->versions[0].config_sha256), 64);
	round_trip(&inv);
	ld_inventory_dispose(&inv);
}

static void expect_load_error(const char *path, int code, const char *message)
{
	ld_inventory inv;
	int error = ld_inventory_load(&inv, path);
	LD_CHECK_INT(error, code);
	if (!strstr(ld_error_last()->message, message))
		ld_test_fail(__FILE__, __LINE__, "%s: message '%s' lacks '%s'", path,
			     ld_error_last()->message, message);
	LD_CHECK(inv.nfunctions == 0 && inv.functions == NULL);
	ld_inventory_dispose(&inv);
}

static void test_snapshot__malformed(void)
{
	expect_load_error("fixtures/inventory/bad-version-type.json", LD_EINVALID,
			  "fixtures/inventory/bad-version-type.json: functions[1].versions[0].version: "
			  "expected a string");
	expect_load_error("fixtures/inventory/bad-schema.json", LD_EINVALID,
			  "bad-schema.json: schema: expected \"lambdrift/inventory/v1\"");
	expect_load_error("fixtures/inventory/bad-config-digest.json", LD_EINVALID,
			  "functions[0].versions[1].config_sha256: does not match config");
	expect_load_error("fixtures/inventory/bad-weight.json", LD_EINVALID,
			  "functions[1].aliases[0].weights: expected numbers between 0 and 1");
	expect_load_error("fixtures/inventory/bad-api-calls.json", LD_EINVALID,
			  "api_calls.control: expected a non-negative integer");
	expect_load_error("fixtures/inventory/bad-missing-region.json", LD_EINVALID,
			  "functions[0].region: missing; expected a string");
	expect_load_error("fixtures/inventory/bad-truncated.json", LD_EINVALID,
			  "malformed JSON in fixtures/inventory/bad-truncated.json");
	expect_load_error("fixtures/inventory/no-such-file.json", LD_EUSAGE,
			  "no-such-file.json: cannot open");
}

static void test_snapshot__rejects_wrong_shapes(void)
{
	static const struct { const char *json, *message; } cases[] = {
		{ "[]", ": expected a JSON object" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":{}}", ": functions: expected an array" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[7]}", ": functions[0]: expected an object" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"complete\":\"yes\"}", ": complete: expected true or false" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[\"a\",1]}", ": regions[1]: expected a string" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"triggers\":[{\"uuid\":\"u\",\"region\":\"r\"}]}",
		  ": triggers[0].function_arn: missing" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\"},"
		  "{\"name\":\"f\",\"region\":\"r\"}]}", ": functions[1].name: function appears twice" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\","
		  "\"versions\":[{\"version\":\"1\",\"config\":[]}]}]}",
		  ": functions[0].versions[0].config: expected an object" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[64];
		LD_REQUIRE(write_temp(path, cases[i].json, strlen(cases[i].json)) == 0);
		expect_load_error(path, LD_EINVALID, cases[i].message);
		unlink(path);
	}
}


/* Every version a slim load lists agrees with the full load's; the rules' versions stay. */
static void check_slim_matches(const char *path)
{
	ld_inventory full, slim;
	ld_buf out = LD_BUF_INIT;

	LD_REQUIRE(ld_inventory_load(&full, path) == 0);
	LD_REQUIRE(ld_inventory_load_slim(&slim, path) == 0);
	LD_REQUIRE(full.nfunctions == slim.nfunctions);
	for (size_t i = 0; i < full.nfunctions; i++) {
		const ld_function *f = &full.functions[i], *g = &slim.functions[i];
		const ld_version_row *row;
		ld_version_iter it;
		size_t n = 0;

		LD_CHECK(g->slim && !f->slim);
		LD_CHECK_INT(ld_function_version_count(g), f->nversions);
		ld_version_iter_init(&it, g);
		for (; (row = ld_version_iter_next(&it)); n++) {
			const ld_version *v = &f->versions[n];
			LD_REQUIRE(n < f->nversions);
			LD_CHECK_STR(row->version, v->version);
			LD_CHECK(row->code_sha256 ? v->code_sha256 && !strcmp(row->code_sha256, v->code_sha256) : !v->code_sha256);
			LD_CHECK(row->config_sha256 ? v->config_sha256 && !strcmp(row->config_sha256, v->config_sha256) : !v->config_sha256);
			LD_CHECK(row->runtime ? v->runtime && !strcmp(row->runtime, v->runtime) : !v->runtime);
		}
		LD_CHECK_INT(n, f->nversions);
		LD_CHECK((ld_function_version(g, "$LATEST") == NULL) == (ld_function_version(f, "$LATEST") == NULL));
		if (ld_function_latest_published(f))
			LD_CHECK_STR(ld_function_latest_published(g)->version,
				     ld_function_latest_published(f)->version);
		for (size_t j = 0; j < f->naliases; j++) {
			const ld_version *want = ld_function_version(f, f->aliases[j].function_version);
			const ld_version *got = ld_function_version(g, f->aliases[j].function_version);
			LD_CHECK((want == NULL) == (got == NULL));
			if (want && got) {
				LD_CHECK_STR(got->config_sha256, want->config_sha256);
				LD_CHECK_INT(got->nconfig, want->nconfig);
			}
		}
	}
	LD_CHECK(ld_inventory_write(&out, &slim) == LD_EINVALID);
	ld_buf_dispose(&out);
	ld_inventory_dispose(&full);
	ld_inventory_dispose(&slim);
}

static void test_snapshot__slim_keeps_what_rules_read(void)
{
	/* unsorted versions, a weighted alias, an odd qualifier, hashes of every shape */
	static const char json[] =
		"{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\","
		"\"versions\":[{\"version\":\"3\",\"code_sha256\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
		"\"runtime\":\"python3.12\",\"config\":{\"Timeout\":3}},"
		"{\"version\":\"1\",\"code_sha256\":\"abc\",\"runtime\":\"python3.12\",\"config\":{\"Timeout\":3}},"
		"{\"version\":\"$LATEST\",\"code_sha256\":\"+/09az+/09az+/09az+/09az+/09az+/09az+/09azZ=\"},"
		"{\"version\":\"2\",\"runtime\":\"nodejs20.x\",\"config\":{\"Timeout\":9}},"
		"{\"version\":\"10\",\"runtime\":\"nodejs20.x\"},{\"version\":\"007\"}],"
		"\"aliases\":[{\"name\":\"live\",\"function_version\":\"1\",\"weights\":{\"2\":0.5}}]},"
		"{\"name\":\"g\",\"region\":\"r\"}]}";
	char path[64];
	ld_inventory inv;

	LD_REQUIRE(write_temp(path, json, strlen(json)) == 0);
	check_slim_matches(path);
	LD_REQUIRE(ld_inventory_load_slim(&inv, path) == 0);
	/* $LATEST, 10 (newest), 1 and 2 (the alias); not 3, nor "007" (version 7 to the rules,
	 * listed as written) */
	LD_CHECK_INT(inv.functions[0].nversions, 4);
	LD_CHECK(ld_function_version(&inv.functions[0], "3") == NULL);
	LD_CHECK_STR(ld_function_latest_published(&inv.functions[0])->version, "10");
	ld_inventory_dispose(&inv);
	unlink(path);
	check_slim_matches("fixtures/inventory/scan.json");
}

/* The streaming reader takes members in any order, and only a key's first occurrence. */
static void test_snapshot__streaming_layouts(void)
{
	static const char json[] =
		"\xEF\xBB\xBF \n{\"functions\" : [ {\"name\":\"a}]\\\"{[\",\"region\":\"r\"} ,\n"
		"{\"name\":\"b\",\"region\":\"r\",\"versions\":[]}],\"triggers\":[],"
		"\"functions\":[{\"name\":\"ignored\",\"region\":\"r\"}],"
		"\"schema\":\"lambdrift/inventory/v1\",\"regi\\u006fns\":[\"r\"],\"complete\":false} trailing";
	char path[64];
	ld_inventory inv;

	LD_REQUIRE(write_temp(path, json, strlen(json)) == 0);
	LD_REQUIRE(ld_inventory_load_slim(&inv, path) == 0);
	LD_CHECK_INT(inv.nfunctions, 2);
	LD_CHECK_STR(inv.functions[0].name, "a}]\"{[");
	LD_CHECK_INT(inv.nregions, 1);
	LD_CHECK(!inv.complete);
	ld_inventory_dispose(&inv);
	unlink(path);
}

/* A file larger than the reader's chunks loads the same through both loaders. */
static void test_snapshot__large_file(void)
{
	ld_buf b = LD_BUF_INIT;
	char path[64];
	ld_inventory inv;

	ld_buf_puts(&b, "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[");
	for (int i = 0; i < 400; i++) {
		ld_buf_printf(&b, "%s{\"name\":\"fn-%03d\",\"region\":\"r\",\"versions\":[", i ? "," : "", i);
		for (int v = 0; v <= 5; v++)
			ld_buf_printf(&b, "%s{\"version\":\"%s\",\"code_sha256\":\"c%d\\\"x\","
				      "\"runtime\":\"python3.12\",\"config\":{\"Handler\":\"h\\\\%d\"}}",
				      v ? "," : "", v ? (char[]){ (char)('0' + v), 0 } : "$LATEST", v, v);
		ld_buf_printf(&b, "],\"aliases\":[{\"name\":\"live\",\"function_version\":\"%d\"}]}",
			      i % 5 + 1);
	}
	ld_buf_puts(&b, "]}");
	LD_REQUIRE(b.size > 3 * 65536);
	LD_REQUIRE(write_temp(path, b.ptr, b.size) == 0);
	check_slim_matches(path);
	LD_REQUIRE(ld_inventory_load(&inv, path) == 0);
	round_trip(&inv);
	ld_inventory_dispose(&inv);
	unlink(path);
	ld_buf_dispose(&b);
}

/* Errors come in a whole-document parse's order: malformed JSON anywhere, then the
 * header, then functions, then triggers. */
static void test_snapshot__error_order(void)
{
	static const struct { const char *json, *message; } cases[] = {
		{ "{\"functions\":[{\"name\":1,\"region\":\"r\"}],\"schema\":\"lambdrift/inventory/v1\",\"x\":[1,}",
		  "malformed JSON in" },
		{ "{\"functions\":[{\"name\":1,\"region\":\"r\"}],\"schema\":\"other\"}", ": schema: expected" },
		{ "{\"triggers\":[{}],\"functions\":[{\"name\":1,\"region\":\"r\"}],\"schema\":\"lambdrift/inventory/v1\"}",
		  ": functions[0].name: expected a string" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\"} {}]}",
		  "malformed JSON in" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\"},]}",
		  "malformed JSON in" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\",\"x\":tru}]}",
		  "malformed JSON in" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\"]}", "malformed JSON in" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[", "malformed JSON in" },
		{ "", "malformed JSON in" },
		{ "\"just a string\"", ": expected a JSON object" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[64];
		LD_REQUIRE(write_temp(path, cases[i].json, strlen(cases[i].json)) == 0);
		expect_load_error(path, LD_EINVALID, cases[i].message);
		unlink(path);
	}
}

const ld_test ld_tests[] = {
	LD_TEST(test_inventory__builders_and_sort),
	LD_TEST(test_inventory__latest_published_none),
	LD_TEST(test_inventory__glob_and_filter),
	LD_TEST(test_config__moto_latest_vs_published),
	LD_TEST(test_config__defaults_normalised),
	LD_TEST(test_config__settings_canonical),
	LD_TEST(test_config__env_digest_hides_values),
	LD_TEST(test_config__digest_is_sha256_of_lines),
	LD_TEST(test_inventory__digest_key_id),
	LD_TEST(test_snapshot__round_trip),
	LD_TEST(test_snapshot__loads_fixture),
	LD_TEST(test_snapshot__malformed),
	LD_TEST(test_snapshot__rejects_wrong_shapes),
	LD_TEST(test_snapshot__slim_keeps_what_rules_read),
	LD_TEST(test_snapshot__streaming_layouts),
	LD_TEST(test_snapshot__large_file),
	LD_TEST(test_snapshot__error_order),
	{ NULL, NULL }
};
