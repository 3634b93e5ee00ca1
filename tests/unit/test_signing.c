/* Code signing posture over fixtures/inventory/signing.json: code-signing-unenforced fires
 * on the Warn config only, code-signing-missing on the Zip function without a config, and
 * neither on an Enforce config, a container image, a function whose listings were not read
 * or one not collected; the "code_signing" member survives a snapshot round trip (full and
 * slim) with the same findings, and a malformed one is refused; a function without a
 * record is a gap (a problem line, the run incomplete) unless both rules are skipped. The
 * collector (src/aws/signing.c) over the scripted transport: ListCodeSigningConfigs and
 * ListFunctionsByCodeSigningConfig paged by Marker/NextMarker, the config ARN encoded in
 * the path, qualified ARNs matched to their function, Lambda's default policy (Warn), the
 * calls counted in the control class; a denied or malformed answer leaves every function
 * of the account-region unchecked with one problem line naming the call and permission;
 * nothing is read when both rules are skipped or the region has no function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/session.h"
#include "aws/signing.h"
#include "harness.h"
#include "inventory/signing.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "script.h"

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

/* The problem lines a scan of the fixture under `sel` leaves that name the code signing
 * rules unchecked, one per line; `lose` first drops the collector's own line. */
static char *gap_lines(const ld_rule_selection *sel, bool lose)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_findings f = { 0 };
	ld_buf b = LD_BUF_INIT;
	ld_inventory inv;

	if (ld_inventory_load(&inv, FIXTURE) < 0)
		return NULL;
	for (size_t i = 0; lose && i < inv.nproblems; i++)
		free(inv.problems[i]);
	if (lose)
		inv.nproblems = 0;
	opts.rules = sel;
	if (ld_audit_scan(&f, &inv, &opts) == 0)
		for (size_t i = 0; i < inv.nproblems; i++)
			if (strstr(inv.problems[i], "code-signing-unenforced and "
						    "code-signing-missing unchecked for"))
				ld_buf_printf(&b, "%s\n", inv.problems[i]);
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
	ld_buf_puts(&b, "");
	return ld_buf_detach(&b);
}

/* Missing data is never clean: the function without a record is a gap of both rules (so a
 * snapshot older than code signing says so, and JUnit does not list the rules as passing);
 * the unchecked one is said by the collector's line, or by a gap of its own when that line
 * was lost; with both rules skipped, no line at all. */
static void test_signing__missing_record_is_a_gap(void)
{
	const char *mine[] = { "code-signing-*" }, *both[] = { "code-signing-unenforced",
							      "code-signing-missing" };
	ld_rule_selection only = { mine, 1, NULL, 0 }, skipped = { NULL, 0, both, 2 };
	char *got;

	LD_REQUIRE((got = gap_lines(&only, false)) != NULL);
	LD_CHECK_STR(got, "code-signing-unenforced and code-signing-missing unchecked for 1 "
		     "function in account 123456789012 region us-east-1 (uncollected): the "
		     "inventory holds no code signing records for these functions (a snapshot "
		     "taken by an older lambdrift or with the code signing rules skipped, or "
		     "their collection failed); take a new snapshot or scan AWS\n");
	free(got);
	LD_REQUIRE((got = gap_lines(NULL, true)) != NULL);
	LD_CHECK(strstr(got, "(uncollected)") != NULL);
	LD_CHECK(strstr(got, "(unchecked): ListCodeSigningConfigs of account 123456789012 in "
			"us-east-1 failed (access denied)") != NULL);
	LD_CHECK(strstr(got, "the scanner needs lambda:ListCodeSigningConfigs\n") != NULL);
	free(got);
	LD_REQUIRE((got = gap_lines(&skipped, true)) != NULL);
	LD_CHECK_STR(got, "");
	free(got);
}


/* --- the collector over the scripted transport, in order ---------------------------- */

#define CSC "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-"
#define FN_ARN "arn:aws:lambda:us-east-1:123456789012:function:"
#define CSC_WARN CSC "warn0000000000000"
#define CSC_ENF CSC "enforce0000000000"
#define CSC_DFLT CSC "dflt0000000000000"
#define CONFIG(arn, policies) \
	"{\"CodeSigningConfigId\":\"csc-x\",\"CodeSigningConfigArn\":\"" arn "\"," \
	"\"AllowedPublishers\":{\"SigningProfileVersionArns\":[\"arn:aws:signer:us-east-1:" \
	"123456789012:/signing-profiles/p/v\"]},\"CodeSigningPolicies\":" policies "," \
	"\"LastModified\":\"2026-01-01T00:00:00.000+0000\"}"
#define DENIED "{\"Message\":\"User: arn:aws:iam::123456789012:user/x is not authorized\"}"

static void step(ld_script *f, long status, const char *body)
{
	ld_script_add(f, (ld_script_step){ .status = status, .body = body,
					   .error_type = status == 403 ? "AccessDeniedException"
								       : NULL });
}

/* The fixture's functions with no code signing record, complete, no calls yet. */
static void unread(ld_inventory *inv)
{
	LD_REQUIRE(ld_inventory_load(inv, FIXTURE) == 0);
	for (size_t i = 0; i < inv->nfunctions; i++) {
		ld_fn_signing_free(inv->functions[i].signing);
		inv->functions[i].signing = NULL;
	}
	for (size_t i = 0; i < inv->nproblems; i++)
		free(inv->problems[i]);
	inv->nproblems = 0;
	inv->complete = true;
	memset(&inv->calls, 0, sizeof(inv->calls));
}

static const ld_fn_signing *record(const ld_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!strcmp(inv->functions[i].name, name))
			return inv->functions[i].signing;
	return NULL;
}

static const char *target_region = "us-east-1";

/* Collect the fixture's account-region (target_region) with `script`'s answers; *s (free it after the
 * checks: it owns the script) holds the recorded requests in *f. */
static int collect(ld_inventory *inv, ld_aws_session **s, ld_script **f,
		   const ld_rule_selection *rules, void (*script)(ld_script *f))
{
	ld_retry_policy p = ld_script_unpaced(1);
	ld_collect_target t;
	ld_aws_config cfg;
	int error;

	*f = ld_script_new();
	script(*f);
	ld_script_config(&cfg, "us-east-1", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	if ((error = ld_aws_session__new_with(s, NULL, &cfg, &(*f)->base, &p)) < 0)
		return error;
	memset(&t, 0, sizeof(t));
	t.session = *s;
	t.region = target_region;
	unread(inv);
	return ld_collect_signing(inv, &t, 1, rules);
}

/* configs in two pages (one with Lambda's default policy), the Warn config's functions in
 * two pages (one qualified, one of a function not collected), the Enforce config's in one,
 * the default's none */
static void paged(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[" CONFIG(CSC_WARN, "{\"UntrustedArtifactOnDeployment\":"
		     "\"Warn\"}") "],\"NextMarker\":\"m/1+=\"}");
	step(f, 200, "{\"CodeSigningConfigs\":[" CONFIG(CSC_ENF, "{\"UntrustedArtifactOnDeployment\":"
		     "\"Enforce\"}") "," CONFIG(CSC_DFLT, "{}") "],\"NextMarker\":\"\"}");
	step(f, 200, "{\"FunctionArns\":[\"" FN_ARN "warned:live\"],\"NextMarker\":\"w2\"}");
	step(f, 200, "{\"FunctionArns\":[\"" FN_ARN "gone\"]}");
	step(f, 200, "{\"FunctionArns\":[\"" FN_ARN "enforced\",\"" FN_ARN "image\"]}");
	step(f, 200, "{\"FunctionArns\":[]}");
}

static void test_signing__collect_pages_and_matches(void)
{
	const ld_fn_signing *r;
	ld_aws_session *s = NULL;
	ld_inventory inv;
	ld_script *f;

	LD_REQUIRE(collect(&inv, &s, &f, NULL, paged) == 0);
	LD_CHECK_INT(f->next, 6);
	LD_CHECK(inv.complete);
	LD_CHECK_INT(inv.nproblems, 0);
	LD_CHECK_INT(inv.calls.control, 6);
	/* the paths and pages as the API model has them */
	LD_CHECK(strstr(f->url[0], "/2020-04-22/code-signing-configs?MaxItems=50") != NULL);
	LD_CHECK(strstr(f->url[1], "Marker=m%2F1%2B%3D") != NULL);
	LD_CHECK(strstr(f->url[2], "/2020-04-22/code-signing-configs/arn%3Aaws%3Alambda%3A"
				   "us-east-1%3A123456789012%3Acode-signing-config%3Acsc-warn"
				   "0000000000000/functions?MaxItems=50") != NULL);
	LD_CHECK(strstr(f->url[3], "Marker=w2") != NULL);
	LD_CHECK(strstr(f->url[4], "csc-enforce") != NULL);
	LD_CHECK(strstr(f->url[5], "csc-dflt") != NULL);
	LD_CHECK_STR(f->method[0], "GET");
	/* every function of the account-region has a record */
	LD_REQUIRE((r = record(&inv, "warned")) && !r->unchecked);
	LD_CHECK_STR(r->config_arn, CSC_WARN);
	LD_CHECK_STR(r->untrusted, "Warn");
	LD_REQUIRE((r = record(&inv, "enforced")) && !r->unchecked);
	LD_CHECK_STR(r->untrusted, "Enforce");
	LD_REQUIRE((r = record(&inv, "unsigned")) && !r->unchecked);
	LD_CHECK(r->config_arn == NULL && r->untrusted == NULL);
	LD_REQUIRE((r = record(&inv, "uncollected")) && !r->unchecked && !r->config_arn);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void default_policy(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[" CONFIG(CSC_DFLT, "{}") "]}");
	step(f, 200, "{\"FunctionArns\":[\"" FN_ARN "unsigned\"]}");
}

/* a config created without a policy warns (the model's default), and the rule says so */
static void test_signing__collect_default_is_warn(void)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_aws_session *s = NULL;
	ld_findings out = { 0 };
	ld_inventory inv;
	ld_script *f;
	size_t n = 0;

	LD_REQUIRE(collect(&inv, &s, &f, NULL, default_policy) == 0);
	LD_CHECK_STR(record(&inv, "unsigned")->untrusted, "Warn");
	LD_REQUIRE(ld_audit_scan(&out, &inv, &opts) == 0);
	for (size_t i = 0; i < out.count; i++)
		if (!strncmp(out.items[i].rule, "code-signing-", 13)) {
			n++;
			LD_CHECK_STR(out.items[i].rule, !strcmp(out.items[i].function, "unsigned")
								? "code-signing-unenforced"
								: "code-signing-missing");
		}
	/* unsigned (now Warn), warned, enforced, uncollected, unchecked: all Zip; image not */
	LD_CHECK_INT(n, 5);
	ld_findings_dispose(&out);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void listed_twice(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[" CONFIG(CSC_ENF, "{\"UntrustedArtifactOnDeployment\":"
		     "\"Enforce\"}") "," CONFIG(CSC_WARN, "{\"UntrustedArtifactOnDeployment\":"
		     "\"Warn\"}") "]}");
	step(f, 200, "{\"FunctionArns\":[\"" FN_ARN "enforced\"]}");
	step(f, 200, "{\"FunctionArns\":[\"" FN_ARN "enforced:1\"]}");
}

/* AWS attaches one config at most; a function listed under two keeps the one that warns */
static void test_signing__collect_listed_twice(void)
{
	ld_aws_session *s = NULL;
	ld_inventory inv;
	ld_script *f;

	LD_REQUIRE(collect(&inv, &s, &f, NULL, listed_twice) == 0);
	LD_CHECK(inv.complete);
	LD_CHECK_STR(record(&inv, "enforced")->config_arn, CSC_WARN);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void list_denied(ld_script *f)
{
	step(f, 403, DENIED);
}

static void functions_denied(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[" CONFIG(CSC_WARN, "{\"UntrustedArtifactOnDeployment\":"
		     "\"Warn\"}") "]}");
	step(f, 403, DENIED);
}

static void malformed_config(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[{\"CodeSigningConfigArn\":\"" CSC_WARN "\"}]}");
}

static void repeated_marker(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[],\"NextMarker\":\"a\"}");
	step(f, 200, "{\"CodeSigningConfigs\":[],\"NextMarker\":\"a\"}");
}

static void not_an_arn(ld_script *f)
{
	step(f, 200, "{\"CodeSigningConfigs\":[" CONFIG(CSC_ENF, "{\"UntrustedArtifactOnDeployment\":"
		     "\"Enforce\"}") "]}");
	step(f, 200, "{\"FunctionArns\":[\"warned\"]}");
}

/* Whatever fails leaves every function unchecked, with one problem line saying why. */
static void test_signing__collect_fails_closed(void)
{
	static const struct {
		void (*script)(ld_script *f);
		size_t calls;
		const char *says;
	} cases[] = {
		{ list_denied, 1, "ListCodeSigningConfigs of account 123456789012 in us-east-1 "
				  "failed (" },
		{ list_denied, 1, "the scanner needs lambda:ListCodeSigningConfigs" },
		{ functions_denied, 2, "the scanner needs lambda:ListFunctionsByCodeSigningConfig" },
		{ malformed_config, 1, "without CodeSigningConfigArn or CodeSigningPolicies" },
		{ repeated_marker, 2, "marker it had already returned" },
		{ not_an_arn, 2, "an entry that is not a function ARN" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		ld_aws_session *s = NULL;
		ld_inventory inv;
		ld_script *f;

		LD_REQUIRE(collect(&inv, &s, &f, NULL, cases[c].script) == 0);
		LD_CHECK_INT(f->next, cases[c].calls);
		LD_CHECK(!inv.complete);
		LD_REQUIRE(inv.nproblems == 1);
		LD_CHECK(strstr(inv.problems[0], cases[c].says) != NULL);
		LD_CHECK(strstr(inv.problems[0], "code-signing-unenforced and code-signing-missing "
						 "were not checked") != NULL);
		for (size_t i = 0; i < inv.nfunctions; i++) {
			const ld_fn_signing *r = inv.functions[i].signing;
			LD_REQUIRE(r != NULL);
			LD_CHECK_STR(r->unchecked, inv.problems[0]);
			LD_CHECK(r->config_arn == NULL);
		}
		ld_inventory_dispose(&inv);
		ld_aws_session_free(s);
	}
}

static void nothing(ld_script *f)
{
	(void)f;
}

/* No call when both rules are skipped, or for a region without functions; one rule
 * skipped still reads both listings (the other rule needs both). */
static void test_signing__collect_skipped(void)
{
	const char *both[] = { "code-signing-*" }, *one[] = { "code-signing-missing" };
	ld_rule_selection skip_both = { NULL, 0, both, 1 }, skip_one = { NULL, 0, one, 1 };
	ld_aws_session *s = NULL;
	ld_inventory inv;
	ld_script *f;

	LD_REQUIRE(collect(&inv, &s, &f, &skip_both, nothing) == 0);
	LD_CHECK_INT(f->next, 0);
	LD_CHECK(inv.complete);
	LD_CHECK(record(&inv, "warned") == NULL);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);

	LD_REQUIRE(collect(&inv, &s, &f, &skip_one, paged) == 0);
	LD_CHECK_INT(f->next, 6);
	LD_CHECK_STR(record(&inv, "warned")->untrusted, "Warn");
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);

	/* a region without functions: nothing to read them for */
	target_region = "eu-west-1";
	LD_REQUIRE(collect(&inv, &s, &f, NULL, nothing) == 0);
	target_region = "us-east-1";
	LD_CHECK_INT(f->next, 0);
	LD_CHECK(inv.complete);
	LD_CHECK(record(&inv, "warned") == NULL);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

const ld_test ld_tests[] = {
	LD_TEST(test_signing__rules_fire_exactly),
	LD_TEST(test_signing__snapshot_round_trip),
	LD_TEST(test_signing__malformed_is_refused),
	LD_TEST(test_signing__missing_record_is_a_gap),
	LD_TEST(test_signing__collect_pages_and_matches),
	LD_TEST(test_signing__collect_default_is_warn),
	LD_TEST(test_signing__collect_listed_twice),
	LD_TEST(test_signing__collect_fails_closed),
	LD_TEST(test_signing__collect_skipped),
	{ NULL, NULL }
};
