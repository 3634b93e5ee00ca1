/* The IAM posture rules over fixtures/inventory/iam.json: role-overprivileged fires on *,
 * a whole service, an escalation action and NotAction on *, and stays clean on AWS's
 * execution policies, resource-scoped wildcards, a conditioned * and an Allow cancelled by
 * an explicit Deny; logging-denied and log-retention likewise; the "iam" member survives a
 * snapshot round trip (full and slim) with identical findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/iam.h"
#include "harness.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"

#define FIXTURE "fixtures/inventory/iam.json"

static const ld_finding *find(const ld_findings *f, const char *rule, const char *function)
{
	for (size_t i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].rule, rule) && !strcmp(f->items[i].function, function))
			return &f->items[i];
	return NULL;
}

static int scan(const char *path, bool slim, long min_days, ld_findings *out)
{
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_inventory inv;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = slim ? ld_inventory_load_slim(&inv, path) : ld_inventory_load(&inv, path)) < 0)
		return error;
	opts.log_retention_min = min_days;
	error = ld_audit_scan(out, &inv, &opts);
	ld_inventory_dispose(&inv);
	return error;
}

/* "rule function" lines of the posture findings, sorted as the findings are. */
static void posture_lines(ld_buf *b, const ld_findings *f)
{
	for (size_t i = 0; i < f->count; i++)
		if (!strcmp(f->items[i].rule, "role-overprivileged") ||
		    !strcmp(f->items[i].rule, "logging-denied") ||
		    !strcmp(f->items[i].rule, "log-retention"))
			ld_buf_printf(b, "%s %s\n", f->items[i].rule, f->items[i].function);
}

static void test_iam__rules_fire_exactly(void)
{
	ld_buf got = LD_BUF_INIT_CAP(1 << 16);
	const ld_finding *x;
	ld_findings f;

	LD_REQUIRE(scan(FIXTURE, false, 0, &f) == 0);
	posture_lines(&got, &f);
	/* clean: basic, vpc (AWS's execution policies), scoped (s3:Get* on a bucket), cond
	 * and condsvc (under a Condition), denied (Deny cancels), denynot (Allow * with Deny
	 * NotAction leaves three actions), bounded (the boundary allows only logs writes) */
	LD_CHECK_STR(got.ptr, "role-overprivileged denycond\n"
			      "role-overprivileged denynotsvc\n"
			      "role-overprivileged esc\n"
			      "role-overprivileged lower\n"
			      "role-overprivileged notaction\n"
			      "role-overprivileged star\n"
			      "role-overprivileged starstar\n"
			      "role-overprivileged svc\n"
			      "logging-denied customlog\n"
			      "logging-denied gone\n"
			      "logging-denied nolog\n"
			      "log-retention star\n");
	LD_REQUIRE((x = find(&f, "role-overprivileged", "star")));
	LD_CHECK(strstr(x->message, "policy all, statement Everything") != NULL);
	LD_CHECK(strstr(x->evidence, "\"kind\":\"all\"") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "svc")));
	LD_CHECK(strstr(x->evidence, "\"actions\":[\"s3:*\"]") != NULL);
	LD_CHECK(strstr(x->evidence, "policy/s3-all") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "esc")));
	LD_CHECK(strstr(x->evidence, "\"actions\":[\"iam:PassRole\"]") != NULL);
	LD_CHECK(strstr(x->evidence, "\"statement\":\"#0\"") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "notaction")));
	LD_CHECK(strstr(x->evidence, "not-action") != NULL);
	LD_CHECK(strstr(x->evidence, "\"except\":[\"iam:*\"]") != NULL);
	/* Allow * minus Deny NotAction logs:* is the logs service on *, not everything */
	LD_REQUIRE((x = find(&f, "role-overprivileged", "denynotsvc")));
	LD_CHECK(strstr(x->evidence, "\"actions\":[\"logs:*\"],\"kind\":\"service\"") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "starstar")));
	LD_CHECK(strstr(x->evidence, "\"kind\":\"all\"") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "lower")));
	LD_CHECK(strstr(x->evidence, "\"actions\":[\"iam:PassRole\"]") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "denycond")));
	LD_CHECK(strstr(x->evidence, "\"kind\":\"all\"") != NULL);
	LD_REQUIRE((x = find(&f, "logging-denied", "customlog")));
	LD_CHECK(strstr(x->message, "/custom/x") != NULL);
	LD_CHECK_INT(x->severity, LD_SEV_WARNING);
	ld_findings_dispose(&f);

	/* a minimum makes the 14-day group too short, the 400-day one is fine */
	ld_buf_clear(&got);
	LD_REQUIRE(scan(FIXTURE, false, 30, &f) == 0);
	posture_lines(&got, &f);
	LD_CHECK(strstr(got.ptr, "log-retention basic\n") != NULL);
	LD_CHECK(strstr(got.ptr, "log-retention vpc\n") == NULL);
	LD_REQUIRE((x = find(&f, "log-retention", "basic")));
	LD_CHECK(strstr(x->message, "14 days") != NULL);
	ld_findings_dispose(&f);
	ld_buf_dispose(&got);
}

static void test_iam__snapshot_round_trip(void)
{
	ld_buf a = LD_BUF_INIT_CAP(1 << 22), b = LD_BUF_INIT_CAP(1 << 22);
	ld_buf fa = LD_BUF_INIT_CAP(1 << 16), fb = LD_BUF_INIT_CAP(1 << 16);
	const char *tmp = "build/test_iam_roundtrip.json";
	ld_inventory inv;
	ld_findings f;
	FILE *out;

	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE(inv.iam && inv.iam->naccounts == 1 && inv.iam->accounts[0].nroles == 19);
	LD_CHECK_INT(inv.calls.iam, 1);
	LD_REQUIRE(ld_inventory_write(&a, &inv) == 0);
	ld_inventory_dispose(&inv);
	LD_REQUIRE((out = fopen(tmp, "w")));
	fwrite(a.ptr, 1, a.size, out);
	fclose(out);
	LD_REQUIRE(ld_inventory_load(&inv, tmp) == 0);
	LD_REQUIRE(ld_inventory_write(&b, &inv) == 0);
	ld_inventory_dispose(&inv);
	LD_CHECK(a.size == b.size && !memcmp(a.ptr, b.ptr, a.size));
	LD_CHECK(strstr(a.ptr, "\"iam\"") != NULL);

	LD_REQUIRE(scan(FIXTURE, false, 30, &f) == 0);
	posture_lines(&fa, &f);
	ld_findings_dispose(&f);
	LD_REQUIRE(scan(tmp, true, 30, &f) == 0);
	posture_lines(&fb, &f);
	ld_findings_dispose(&f);
	LD_CHECK_STR(fb.ptr, fa.ptr);
	remove(tmp);
	ld_buf_dispose(&a);
	ld_buf_dispose(&b);
	ld_buf_dispose(&fa);
	ld_buf_dispose(&fb);
}

static void test_iam__unchecked_account_is_skipped(void)
{
	ld_inventory inv;
	ld_findings f;
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;

	memset(&f, 0, sizeof(f));
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE((inv.iam->accounts[0].unchecked = strdup("denied")));
	LD_REQUIRE((inv.iam->logs[0].unchecked = strdup("denied")));
	LD_REQUIRE(ld_audit_scan(&f, &inv, &opts) == 0);
	for (size_t i = 0; i < f.count; i++)
		LD_CHECK(strcmp(f.items[i].rule, "role-overprivileged") &&
			 strcmp(f.items[i].rule, "logging-denied") &&
			 strcmp(f.items[i].rule, "log-retention"));
	ld_findings_dispose(&f);
	ld_inventory_dispose(&inv);
}

static void test_iam__wildcards(void)
{
	LD_CHECK(ld_iam__wild_match("s3:Get*", "s3:GetObject", true));
	LD_CHECK(ld_iam__wild_match("S3:get*", "s3:GetObject", true));
	LD_CHECK(!ld_iam__wild_match("S3:get*", "s3:GetObject", false));
	LD_CHECK(!ld_iam__wild_match("s3:Get*", "s3:*", true));
	LD_CHECK(ld_iam__wild_match("s3:*", "s3:*", true));
	LD_CHECK(ld_iam__wild_match("iam:*Role*", "iam:PassRole", true));
	LD_CHECK(ld_iam__wild_match("iam:Pa?sRole", "iam:PassRole", true));
	LD_CHECK(!ld_iam__wild_match("iam:Pa?Role", "iam:PassRole", true));
	LD_CHECK(ld_iam__wild_match("arn:aws:logs:*:*:log-group:/aws/lambda/f:*",
				    "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:x",
				    false));
	LD_CHECK(!ld_iam__wild_match("arn:aws:logs:*:*:log-group:/aws/lambda/f:*",
				     "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fx:log-stream:x",
				     false));
}

const ld_test ld_tests[] = {
	LD_TEST(test_iam__rules_fire_exactly),
	LD_TEST(test_iam__snapshot_round_trip),
	LD_TEST(test_iam__unchecked_account_is_skipped),
	LD_TEST(test_iam__wildcards),
	{ NULL, NULL }
};
