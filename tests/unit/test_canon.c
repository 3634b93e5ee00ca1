/* A function's canonical config (src/inventory/canon.c), against what moto really returns
 * and on literal FunctionConfigurations: defaults normalised away, settings in canonical
 * form, environment values only as keyed digests, the config hash over the lines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Observed with moto 5.2: an unchanged function reads the same for $LATEST and its
 * published version; a config-only update after publish differs in exactly those settings. */
static void test_canon__moto_latest_vs_published(void)
{
	ld_inventory inv;
	const ld_function *fn;

	LD_REQUIRE(ld_test_inventory_from_moto(&inv, key, sizeof(key)) == 0);
	LD_CHECK_INT(inv.nfunctions, 5);
	LD_REQUIRE((fn = ld_test_find_function(&inv, "clean")) && fn->nversions == 2);
	LD_CHECK_STR(fn->arn, "arn:aws:lambda:us-east-1:123456789012:function:clean");
	LD_CHECK_STR(fn->versions[0].config_sha256, fn->versions[1].config_sha256);
	LD_CHECK_STR(fn->versions[1].runtime, "python3.12");
	LD_CHECK_STR(fn->versions[1].package_type, "Zip");
	LD_CHECK(field(&fn->versions[0], "VpcConfig") == NULL);
	LD_CHECK(field(&fn->versions[0], "TracingConfig") == NULL);

	LD_REQUIRE((fn = ld_test_find_function(&inv, "cfgdrift")) && fn->nversions == 2);
	LD_CHECK(strcmp(fn->versions[0].config_sha256, fn->versions[1].config_sha256) != 0);
	LD_CHECK_INT(fn->versions[0].nconfig, fn->versions[1].nconfig);
	for (size_t i = 0; i < fn->versions[0].nconfig; i++) {
		const char *name = fn->versions[0].config[i].name;
		bool same = !strcmp(fn->versions[0].config[i].value, fn->versions[1].config[i].value);
		LD_CHECK_STR(name, fn->versions[1].config[i].name);
		LD_CHECK(same == !(strcmp(name, "MemorySize") == 0 || strcmp(name, "Environment") == 0));
	}
	LD_CHECK_STR(field(&fn->versions[0], "MemorySize"), "256");

	LD_REQUIRE((fn = ld_test_find_function(&inv, "codedrift")) && fn->nversions == 2);
	LD_CHECK_STR(fn->versions[0].config_sha256, fn->versions[1].config_sha256);
	LD_CHECK(strcmp(fn->versions[0].code_sha256, fn->versions[1].code_sha256) != 0);

	LD_REQUIRE((fn = ld_test_find_function(&inv, "vpcempty")) && fn->nversions == 2);
	LD_CHECK_STR(fn->versions[0].config_sha256, fn->versions[1].config_sha256);
	LD_CHECK(field(&fn->versions[0], "VpcConfig") == NULL);
	LD_CHECK(field(&fn->versions[0], "Environment") == NULL);
	LD_CHECK_STR(field(&fn->versions[0], "TracingConfig"), "{\"Mode\":\"Active\"}");
	LD_CHECK_STR(field(&fn->versions[0], "Timeout"), "30");
	ld_inventory_dispose(&inv);
}

#define IDENT "\"Version\":\"1\",\"FunctionArn\":\"arn:aws:lambda:us-east-1:1:function:f:1\","

/* Absent, null, empty and the documented default all read the same. */
static void test_canon__defaults_normalised(void)
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

static void test_canon__settings_canonical(void)
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

static void test_canon__env_digest_hides_values(void)
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

static void test_canon__digest_is_sha256_of_lines(void)
{
	ld_version v;
	char hex[65];
	const char *lines = "MemorySize=128\nPackageType=\"Zip\"\nRuntime=\"python3.12\"\n";

	LD_REQUIRE(version_from(&v, "{" IDENT "\"Runtime\":\"python3.12\",\"MemorySize\":128}") == 0);
	ld_sha256_hex(hex, lines, strlen(lines));
	LD_CHECK_STR(v.config_sha256, hex);
	ld_version_dispose(&v);
}

const ld_test ld_tests[] = {
	LD_TEST(test_canon__moto_latest_vs_published),
	LD_TEST(test_canon__defaults_normalised),
	LD_TEST(test_canon__settings_canonical),
	LD_TEST(test_canon__env_digest_hides_values),
	LD_TEST(test_canon__digest_is_sha256_of_lines),
	{ NULL, NULL }
};
