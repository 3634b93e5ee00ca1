/* The inventory model: builders, sort, filter, the digest key id, and the snapshot's round
 * trip and error messages (a function's canonical config: test_canon.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "inventory/build.h"
#include "lambdrift/errors.h"
#include "lambdrift/inventory.h"
#include "util/hash.h"

static const uint8_t key[LD_DIGEST_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

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
	fn = (ld_function *)ld_test_find_function(&inv, "b");
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
	LD_REQUIRE(ld_test_inventory_from_moto(&inv, key, sizeof(key)) == 0);
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

static void test_inventory__drop_unversioned(void)
{
	ld_inventory inv;
	const char *names[] = { "a", "b", "c", "d" };

	ld_inventory_init(&inv);
	for (size_t i = 0; i < 4; i++)
		LD_REQUIRE(ld_inventory_function(&inv, "us-east-1", names[i], NULL));
	LD_REQUIRE(ld_function_add_version(&inv.functions[0]));
	inv.functions[2].slim = true; /* kept: its versions are not all in fn->versions */
	LD_REQUIRE(ld_function_add_version(&inv.functions[3]));
	ld_inventory_drop_unversioned(&inv);
	LD_REQUIRE(inv.nfunctions == 3);
	LD_CHECK_STR(inv.functions[0].name, "a");
	LD_CHECK_STR(inv.functions[1].name, "c");
	LD_CHECK_STR(inv.functions[2].name, "d");
	ld_inventory_dispose(&inv);
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

	LD_REQUIRE(ld_test_inventory_from_moto(&inv, key, sizeof(key)) == 0);
	fn = (ld_function *)ld_test_find_function(&inv, "clean");
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
	ld_inventory_init(&inv); /* and the empty inventory, which cannot say it is complete */
	inv.complete = false;
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
	LD_REQUIRE((fn = ld_test_find_function(&inv, "split")) && fn->naliases == 1);
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
			  "cannot open the inventory snapshot 'fixtures/inventory/no-such-file.json'");
}

#define HEADER "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[\"r\"],\"complete\":true"

static void test_snapshot__rejects_wrong_shapes(void)
{
	static const struct { const char *json, *message; } cases[] = {
		{ "[]", ": expected a JSON object" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":{}}", ": functions: expected an array" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[7]}", ": functions[0]: expected an object" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"complete\":\"yes\"}", ": complete: expected true or false" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[\"a\",1]}", ": regions[1]: expected a string" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[],"
		  "\"triggers\":[{\"uuid\":\"u\",\"region\":\"r\"}]}",
		  ": triggers[0].function_arn: missing" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"functions\":[{\"name\":\"f\",\"region\":\"r\","
		  "\"versions\":[],\"aliases\":[]},{\"name\":\"f\",\"region\":\"r\"}]}",
		  ": functions[1].name: function appears twice" },
		/* what the writer always writes: absent or null would read as none, i.e. clean */
		{ HEADER "}", ": functions: missing; expected an array" },
		{ HEADER ",\"functions\":null,\"triggers\":[]}", ": functions: missing; expected an array" },
		{ HEADER ",\"functions\":[],\"triggers\":null}", ": triggers: missing; expected an array" },
		{ HEADER ",\"triggers\":[],\"functions\":[{\"name\":\"f\",\"region\":\"r\",\"versions\":[]}]}",
		  ": functions[0].aliases: missing; expected an array" },
		{ HEADER ",\"triggers\":[],\"functions\":[{\"name\":\"f\",\"region\":\"r\",\"versions\":[],"
		  "\"aliases\":[{\"name\":\"live\",\"function_version\":\"1\",\"weights\":null}]}]}",
		  ": functions[0].aliases[0].weights: missing" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[\"r\"],\"functions\":[],\"triggers\":[]}",
		  ": complete: missing; expected true or false" },
		{ "{\"schema\":\"lambdrift/inventory/v1\",\"regions\":[],\"complete\":true,\"functions\":[],"
		  "\"triggers\":[]}", ": regions: empty, yet the snapshot says it is complete" },
		/* readers disagree on which of two keys counts, so a snapshot could say complete
		 * to lambdrift and incomplete to jq; (a raw NUL byte: tests/cli/hostile-inputs) */
		{ HEADER ",\"complete\":false,\"functions\":[],\"triggers\":[]}",
		  ": the key \"complete\" appears twice in one object" },
		{ HEADER ",\"functions\":[],\"triggers\":[],\"functions\":[]}",
		  ": the key \"functions\" appears twice" },
		{ HEADER ",\"functions\":null,\"triggers\":[],\"functions\":[]}",
		  ": the key \"functions\" appears twice" },
		{ HEADER ",\"triggers\":[],\"functions\":[{\"name\":\"f\",\"region\":\"r\",\"versions\":[],"
		  "\"aliases\":[],\"aliases\":[{}]}]}", ": the key \"aliases\" appears twice" },
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
		HEADER ",\"triggers\":[],\"functions\":[{\"name\":\"f\",\"region\":\"r\","
		"\"versions\":[{\"version\":\"3\",\"code_sha256\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
		"\"runtime\":\"python3.12\",\"config\":{\"Timeout\":3}},"
		"{\"version\":\"1\",\"code_sha256\":\"abc\",\"runtime\":\"python3.12\",\"config\":{\"Timeout\":3}},"
		"{\"version\":\"$LATEST\",\"code_sha256\":\"+/09az+/09az+/09az+/09az+/09az+/09az+/09azZ=\"},"
		"{\"version\":\"2\",\"runtime\":\"nodejs20.x\",\"config\":{\"Timeout\":9}},"
		"{\"version\":\"10\",\"runtime\":\"nodejs20.x\"},{\"version\":\"007\"}],"
		"\"aliases\":[{\"name\":\"live\",\"function_version\":\"1\",\"weights\":{\"2\":0.5}}]},"
		"{\"name\":\"g\",\"region\":\"r\",\"versions\":[],\"aliases\":[]}]}";
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

/* The streaming reader takes members in any order. */
static void test_snapshot__streaming_layouts(void)
{
	static const char json[] =
		"\xEF\xBB\xBF \n{\"functions\" : [ {\"name\":\"a}]\\\"{[\",\"region\":\"r\",\"versions\":[],"
		"\"aliases\":[]} ,\n{\"name\":\"b\",\"region\":\"r\",\"versions\":[],\"aliases\":[]}],\"triggers\":[],"
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

	ld_buf_puts(&b, HEADER ",\"triggers\":[],\"functions\":[");
	for (int i = 0; i < 400; i++) {
		ld_buf_printf(&b, "%s{\"name\":\"fn-%03d\",\"region\":\"r\",\"versions\":[", i ? "," : "", i);
		for (int v = 0; v <= 5; v++)
			ld_buf_printf(&b, "%s{\"version\":\"%s\",\"code_sha256\":\"c%d\\\"x\","
				      "\"runtime\":\"python3.12\",\"config\":{\"Handler\":\"h\\\\%d\"}}",
				      v ? "," : "", v ? (char[]){ (char)('0' + v), 0 } : "$LATEST", v, v);
		ld_buf_printf(&b, "],\"aliases\":[{\"name\":\"live\",\"function_version\":\"%d\","
			      "\"weights\":{}}]}",
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
	LD_TEST(test_inventory__drop_unversioned),
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
