/*
 * attestation-drift and attestation-missing (src/audit/attestcmp.c) on a snapshot held to
 * a record filled in here: nothing moved; the alias moved; weighted traffic to another
 * version; the alias gone; the configuration changed (environment values do not count,
 * names do); the function gone; not scanned where it lives.
 */
#include <stdlib.h>
#include <string.h>

#include "attest/statement.h"
#include "harness.h"
#include "inventory/canon.h"
#include "lambdrift/attest.h"
#include "lambdrift/errors.h"

#define SNAPSHOT "fixtures/inventory/cli-clean.json"

static ld_function *orders(ld_inventory *inv)
{
	return (ld_function *)ld_test_find_function(inv, "orders-api");
}

/* A record attesting what the snapshot's alias live serves now. */
static void attest_now(ld_attestation *a, ld_attested_function *f, const ld_inventory *inv,
		       char code[65], char config[65])
{
	const ld_function *fn = ld_test_find_function(inv, "orders-api");
	const ld_version *v = ld_function_version(fn, "3");

	memset(a, 0, sizeof(*a));
	memset(f, 0, sizeof(*f));
	LD_CHECK(ld_attest__code_hex(code, v->code_sha256) == 0);
	LD_CHECK(ld_version_release_digest(config, v) == 0);
	f->name = "orders-api";
	f->region = "us-east-1";
	f->account = "123456789012";
	f->arn = "arn:aws:lambda:us-east-1:123456789012:function:orders-api:3";
	f->alias = "live";
	f->version = "3";
	f->code_sha256 = code;
	f->config_digest = config;
	a->path = "rec.json";
	a->tag = "v1";
	a->functions = f;
	a->nfunctions = 1;
}

/* The rules' findings, and the evidence of the first. */
static size_t check(ld_inventory *inv, const ld_attestation *a, const char *rule,
		    const char *needle)
{
	ld_findings out = { 0 };
	size_t n;

	LD_CHECK(ld_attest_check(&out, inv, a, NULL, 0) == 0);
	n = out.count;
	if (rule && n != 1)
		ld_test_fail(__FILE__, __LINE__, "%zu findings, expected one %s", n, rule);
	if (rule && n == 1) {
		LD_CHECK_STR(out.items[0].rule, rule);
		LD_CHECK(out.items[0].severity == LD_SEV_ERROR);
		if (needle && !strstr(out.items[0].evidence, needle))
			ld_test_fail(__FILE__, __LINE__, "evidence %s lacks %s",
				     out.items[0].evidence, needle);
	}
	ld_findings_dispose(&out);
	return n;
}

static void test_attestcmp__nothing_moved(void)
{
	ld_inventory inv;
	ld_attestation a;
	ld_attested_function f;
	char code[65], config[65];

	LD_REQUIRE(ld_inventory_load(&inv, SNAPSHOT) == 0);
	attest_now(&a, &f, &inv, code, config);
	LD_CHECK_INT(check(&inv, &a, NULL, NULL), 0);
	LD_CHECK(inv.complete);
	/* filtered out by --function: not checked at all */
	f.code_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	{
		ld_findings out = { 0 };
		const char *globs[] = { "billing-*" };
		LD_CHECK(ld_attest_check(&out, &inv, &a, globs, 1) == 0);
		LD_CHECK_INT(out.count, 0);
		ld_findings_dispose(&out);
	}
	LD_CHECK_INT(check(&inv, &a, "attestation-drift", "\"moved\":[\"code\"]"), 1);
	ld_inventory_dispose(&inv);
}

static void test_attestcmp__alias_moves(void)
{
	ld_inventory inv;
	ld_attestation a;
	ld_attested_function f;
	ld_alias_weight w = { "2", 0.1 };
	char code[65], config[65];
	ld_function *fn;

	LD_REQUIRE(ld_inventory_load(&inv, SNAPSHOT) == 0);
	attest_now(&a, &f, &inv, code, config);
	fn = orders(&inv);
	/* weighted traffic to a version the record does not attest */
	fn->aliases[0].weights = &w;
	fn->aliases[0].nweights = 1;
	LD_CHECK_INT(check(&inv, &a, "attestation-drift", "\"weighted_version\":\"2\""), 1);
	fn->aliases[0].nweights = 0;
	fn->aliases[0].weights = NULL;
	/* the alias on $LATEST, whose code is the same here: only the version moved */
	free(fn->aliases[0].function_version);
	fn->aliases[0].function_version = strdup("$LATEST");
	LD_CHECK_INT(check(&inv, &a, "attestation-drift", "\"moved\":[\"version\""), 1);
	/* the alias gone */
	fn->aliases[0].name[0] = 'x';
	LD_CHECK_INT(check(&inv, &a, "attestation-drift", "\"moved\":[\"alias\"]"), 1);
	ld_inventory_dispose(&inv);
}

static void test_attestcmp__config(void)
{
	ld_inventory inv;
	ld_attestation a;
	ld_attested_function f;
	char code[65], config[65], before[65];
	ld_version *v;

	LD_REQUIRE(ld_inventory_load(&inv, SNAPSHOT) == 0);
	attest_now(&a, &f, &inv, code, config);
	v = (ld_version *)ld_function_version(orders(&inv), "3");
	memcpy(before, config, sizeof(before));
	for (size_t i = 0; i < v->nconfig; i++) {
		if (strcmp(v->config[i].name, "MemorySize"))
			continue;
		free(v->config[i].value);
		v->config[i].value = strdup("4096");
	}
	LD_CHECK_INT(check(&inv, &a, "attestation-drift", "\"moved\":[\"config\"]"), 1);
	ld_inventory_dispose(&inv);
}

/* Environment values never enter the digest; a variable added or removed does. */
static void test_attestcmp__release_digest_env(void)
{
	ld_version v;
	ld_config_field fields[2] = { { "Environment", NULL }, { "Runtime", "\"python3.12\"" } };
	char d1[65], d2[65], d3[65];

	memset(&v, 0, sizeof(v));
	v.config = fields;
	v.nconfig = 2;
	fields[0].value = "{\"Variables\":{\"A\":\"hmac-sha256:11\",\"B\":\"hmac-sha256:22\"}}";
	LD_CHECK(ld_version_release_digest(d1, &v) == 0);
	fields[0].value = "{\"Variables\":{\"A\":\"hmac-sha256:33\",\"B\":\"hmac-sha256:44\"}}";
	LD_CHECK(ld_version_release_digest(d2, &v) == 0);
	fields[0].value = "{\"Variables\":{\"A\":\"hmac-sha256:33\"}}";
	LD_CHECK(ld_version_release_digest(d3, &v) == 0);
	LD_CHECK_STR(d1, d2);
	LD_CHECK(strcmp(d1, d3) != 0);
	fields[0].value = "not json";
	LD_CHECK(ld_version_release_digest(d3, &v) == LD_EINVALID);
}

static void test_attestcmp__gone_or_not_scanned(void)
{
	ld_inventory inv;
	ld_attestation a;
	ld_attested_function f;
	char code[65], config[65];

	LD_REQUIRE(ld_inventory_load(&inv, SNAPSHOT) == 0);
	attest_now(&a, &f, &inv, code, config);
	f.name = "orders-web";
	LD_CHECK_INT(check(&inv, &a, "attestation-missing", "\"attested_arn\""), 1);
	LD_CHECK(inv.complete);
	/* another region, or another account: not looked at, so not missing */
	f.region = "eu-west-1";
	LD_CHECK_INT(check(&inv, &a, NULL, NULL), 0);
	LD_CHECK(!inv.complete);
	LD_REQUIRE(inv.nproblems == 1);
	LD_CHECK(strstr(inv.problems[0], "--region eu-west-1") != NULL);
	f.region = "us-east-1";
	f.account = "210987654321";
	LD_CHECK_INT(check(&inv, &a, NULL, NULL), 0);
	LD_CHECK_INT(inv.nproblems, 2);
	ld_inventory_dispose(&inv);
}

const ld_test ld_tests[] = {
	LD_TEST(test_attestcmp__nothing_moved),
	LD_TEST(test_attestcmp__alias_moves),
	LD_TEST(test_attestcmp__config),
	LD_TEST(test_attestcmp__release_digest_env),
	LD_TEST(test_attestcmp__gone_or_not_scanned),
	{ NULL, NULL }
};
