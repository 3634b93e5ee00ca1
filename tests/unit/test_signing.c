/* Code signing posture over fixtures/inventory/signing.json: code-signing-unenforced fires
 * on the Warn config only, code-signing-missing on the Zip function without a config, and
 * neither on an Enforce config, a container image, a function whose listings were not read
 * or one not collected; the "code_signing" member survives a snapshot round trip (full and
 * slim) with the same findings, and a malformed one is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "inventory/signing.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"

#define FIXTURE "fixtures/inventory/signing.json"

/* "rule function key" lines of the code signing findings. */
static char *lines_of(const char *path, bool slim)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_findings f = { 0 };
	ld_buf b = LD_BUF_INIT;
	ld_inventory inv;

	if ((slim ? ld_inventory_load_slim(&inv, path) : ld_inventory_load(&inv, path)) < 0)
		return NULL;
	if (ld_audit_scan(&f, &inv, &opts) == 0)
		for (size_t i = 0; i < f.count; i++)
			if (!strncmp(f.items[i].rule, "code-signing-", 13))
				ld_buf_printf(&b, "%s %s %s %s\n", f.items[i].rule,
					      f.items[i].function,
					      f.items[i].severity == LD_SEV_WARNING ? "warning"
					      : f.items[i].severity == LD_SEV_NOTE ? "note" : "?",
					      f.items[i].evidence ? f.items[i].evidence : "-");
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
	ld_buf_puts(&b, "");
	return ld_buf_detach(&b);
}

static const char *const expected =
	"code-signing-unenforced warned warning {\"code_signing_config\":\"arn:aws:lambda:"
	"us-east-1:123456789012:code-signing-config:csc-warn0000000000000\","
	"\"untrusted_artifact_on_deployment\":\"Warn\"}\n"
	"code-signing-missing unsigned note -\n";

static void test_signing__rules_fire_exactly(void)
{
	char *got = lines_of(FIXTURE, false);

	LD_REQUIRE(got != NULL);
	/* clean: enforced (Enforce), image (cannot be signed), unchecked (listing denied),
	 * uncollected (no record) */
	LD_CHECK_STR(got, expected);
	free(got);
}

static void test_signing__snapshot_round_trip(void)
{
	ld_buf a = LD_BUF_INIT_CAP(1 << 16), b = LD_BUF_INIT_CAP(1 << 16);
	const char *tmp = "build/test_signing_roundtrip.json";
	ld_inventory inv;
	char *got;
	FILE *out;

	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE(ld_inventory_write(&a, &inv) == 0);
	ld_inventory_dispose(&inv);
	LD_CHECK(strstr(a.ptr, "\"code_signing\"") != NULL);
	LD_CHECK(strstr(a.ptr, "\"untrusted_artifact_on_deployment\": \"Warn\"") != NULL);
	LD_REQUIRE((out = fopen(tmp, "w")));
	fwrite(a.ptr, 1, a.size, out);
	fclose(out);
	LD_REQUIRE(ld_inventory_load(&inv, tmp) == 0);
	LD_REQUIRE(ld_inventory_write(&b, &inv) == 0);
	ld_inventory_dispose(&inv);
	LD_CHECK(a.size == b.size && !memcmp(a.ptr, b.ptr, a.size));
	LD_REQUIRE((got = lines_of(tmp, true)) != NULL);
	LD_CHECK_STR(got, expected);
	free(got);
	remove(tmp);
	ld_buf_dispose(&a);
	ld_buf_dispose(&b);
}

static void test_signing__malformed_is_refused(void)
{
	ld_fn_signing *s = NULL;
	ld_json *obj = NULL;
	const char *bad[] = {
		"[]", "{\"config\": 1}",
		/* a config whose policy is unknown must not read as clean */
		"{\"config\": \"arn:aws:lambda:us-east-1:1:code-signing-config:csc-x\"}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		LD_REQUIRE(ld_json_parse(&obj, bad[i], strlen(bad[i]), "test") == 0);
		LD_CHECK_INT(ld_fn_signing_load(&s, obj, "f.json", "functions[0]"), LD_EINVALID);
		LD_CHECK(s == NULL);
		LD_CHECK(strstr(ld_error_last()->message, "f.json: functions[0].code_signing") != NULL);
		ld_json_free(obj);
		obj = NULL;
	}
	LD_CHECK_INT(ld_fn_signing_load(&s, NULL, "f.json", "x"), 0);
	LD_CHECK(s == NULL);
}

const ld_test ld_tests[] = {
	LD_TEST(test_signing__rules_fire_exactly),
	LD_TEST(test_signing__snapshot_round_trip),
	LD_TEST(test_signing__malformed_is_refused),
	{ NULL, NULL }
};
