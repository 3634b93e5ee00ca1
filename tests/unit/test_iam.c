/* The IAM posture rules over fixtures/inventory/iam.json: role-overprivileged fires on *,
 * a whole service, an escalation action and NotAction on *, and stays clean on AWS's
 * execution policies, resource-scoped wildcards, a conditioned * and an Allow cancelled by
 * an explicit Deny; logging-denied and log-retention likewise; the "iam" member survives a
 * snapshot round trip (full and slim) with identical findings. The collector over the
 * scripted transport: GetAccountAuthorizationDetails's query protocol and paging (Marker,
 * stopping once everything wanted is read), roles nested in instance profiles, URL-encoded
 * documents, default policy versions, only the needed roles and policies kept, the
 * GetPolicy fallback, Logs' JSON 1.1 paging (nextToken), and a denied listing leaving the
 * account unchecked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/iam.h"
#include "aws/session.h"
#include "harness.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "script.h"

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

/* A permissions boundary limits what the role is granted to what both allow (IAM's
 * intersection), over fixtures/inventory/boundary.json, every role Allow * on * (or s3:*)
 * under a different boundary: logs:* and a bucket's s3 leave logs:* (reduced evidence); a
 * boundary of the log writes and a bucket, one of * under a Condition, and one whose Deny
 * takes s3 away leave nothing; * stays *; NotAction in the boundary is "not-action"; an
 * escalation action the boundary allows still fires. logging-denied: a boundary without the
 * log writes denies them, one that allows them under a Condition does not. */
static void test_iam__boundary_intersects(void)
{
	ld_buf got = LD_BUF_INIT_CAP(1 << 16);
	const ld_finding *x;
	ld_findings f;

	LD_REQUIRE(scan("fixtures/inventory/boundary.json", false, 0, &f) == 0);
	posture_lines(&got, &f);
	LD_CHECK_STR(got.ptr, "role-overprivileged bnd-logs\n"
			      "role-overprivileged bnd-notaction\n"
			      "role-overprivileged bnd-pass\n"
			      "role-overprivileged bnd-star\n"
			      "logging-denied bnd-nologs\n");
	LD_REQUIRE((x = find(&f, "role-overprivileged", "bnd-logs")));
	LD_CHECK(strstr(x->evidence, "\"actions\":[\"logs:*\"],\"boundary\":\"arn:aws:iam::"
			"123456789012:policy/bnd-logs-boundary\",\"kind\":\"service\"") != NULL);
	LD_CHECK(strstr(x->message, "allows logs:* on * (policy p, statement Everything, within "
			"its permissions boundary)") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "bnd-notaction")));
	LD_CHECK(strstr(x->evidence, "\"boundary_except\":[\"iam:*\",\"organizations:*\"],"
			"\"kind\":\"not-action\"") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "bnd-pass")));
	LD_CHECK(strstr(x->evidence, "\"actions\":[\"iam:PassRole\"]") != NULL);
	LD_CHECK(strstr(x->evidence, "\"kind\":\"escalation\"") != NULL);
	LD_REQUIRE((x = find(&f, "role-overprivileged", "bnd-star")));
	LD_CHECK(strstr(x->evidence, "\"kind\":\"all\"") != NULL);
	ld_findings_dispose(&f);
	ld_buf_dispose(&got);
}

/* The problem lines of `inv`, one a line. */
static void problem_lines(ld_buf *b, const ld_inventory *inv)
{
	ld_buf_clear(b);
	for (size_t i = 0; i < inv->nproblems; i++)
		ld_buf_printf(b, "%s\n", inv->problems[i]);
}

static int count_lines(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Scan `inv` with rules `only`/`skip` (one pattern each, NULL: none); no posture finding
 * may come out of data that is not there. */
static void scan_selected(ld_inventory *inv, const char *only, const char *skip)
{
	const char *o[1] = { only }, *k[1] = { skip };
	ld_rule_selection sel = { o, only ? 1 : 0, k, skip ? 1 : 0 };
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;
	ld_findings f = { 0 };

	opts.rules = &sel;
	LD_REQUIRE(ld_audit_scan(&f, inv, &opts) == 0);
	ld_findings_dispose(&f);
}

/* Missing data is never clean: a snapshot without the iam section (older lambdrift) leaves
 * the three rules unchecked for every function, a problem line per account (and per
 * account-region for the groups), unless the run skips them. */
static void test_iam__missing_section_is_unchecked(void)
{
	ld_buf got = LD_BUF_INIT_CAP(1 << 16);
	ld_inventory inv;
	ld_findings f;

	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE(inv.complete && inv.nproblems == 0);
	ld_iam_inventory_free(inv.iam);
	inv.iam = NULL;
	memset(&f, 0, sizeof(f));
	LD_REQUIRE(ld_audit_scan(&f, &inv, NULL) == 0);
	for (size_t i = 0; i < f.count; i++)
		LD_CHECK(strcmp(f.items[i].rule, "role-overprivileged") &&
			 strcmp(f.items[i].rule, "logging-denied") &&
			 strcmp(f.items[i].rule, "log-retention"));
	ld_findings_dispose(&f);
	LD_CHECK(!inv.complete);
	problem_lines(&got, &inv);
	LD_CHECK_INT((int)inv.nproblems, 2);
	LD_CHECK(strstr(got.ptr, "role-overprivileged and logging-denied unchecked for 20 "
			 "functions in account 123456789012 (basic, bounded, cond, condsvc, "
			 "customlog and 15 more): the inventory holds no IAM data") != NULL);
	LD_CHECK(strstr(got.ptr, "log-retention unchecked for 20 functions in account "
			 "123456789012 region us-east-1 (") != NULL);
	ld_inventory_dispose(&inv);

	/* skipped, they need nothing; selected alone, only they are named */
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	ld_iam_inventory_free(inv.iam);
	inv.iam = NULL;
	scan_selected(&inv, NULL, "l*g*-*");
	problem_lines(&got, &inv);
	LD_CHECK_STR(got.ptr, "role-overprivileged unchecked for 20 functions in account "
			      "123456789012 (basic, bounded, cond, condsvc, customlog and 15 more): "
			      "the inventory holds no IAM data for the account (a snapshot taken by "
			      "an older lambdrift or with these rules skipped, or its collection "
			      "failed); take a new snapshot or scan AWS\n");
	ld_inventory_dispose(&inv);
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	ld_iam_inventory_free(inv.iam);
	inv.iam = NULL;
	scan_selected(&inv, "runtime-*", NULL);
	LD_CHECK(inv.complete);
	LD_CHECK_INT((int)inv.nproblems, 0);
	ld_inventory_dispose(&inv);
	ld_buf_dispose(&got);
}

/* An account record the collector left unchecked says so once: its own problem line when
 * the inventory has it, else a line of the scan's; and data present in part (a policy or a
 * boundary the role names but the inventory lacks) is unchecked too, not judged without. */
static void test_iam__partial_data_is_unchecked(void)
{
	ld_buf got = LD_BUF_INIT_CAP(1 << 16);
	ld_iam_account *a;
	ld_inventory inv;

	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE((inv.iam->accounts[0].unchecked = strdup("AccessDenied: iam:Get")));
	LD_REQUIRE(ld_inventory_problem(&inv, "account 123456789012: role-overprivileged, "
					"logging-denied unchecked: AccessDenied: iam:Get") == 0);
	scan_selected(&inv, NULL, NULL);
	LD_CHECK_INT((int)inv.nproblems, 1);
	ld_inventory_dispose(&inv);

	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	LD_REQUIRE((inv.iam->accounts[0].unchecked = strdup("AccessDenied: iam:Get")));
	scan_selected(&inv, NULL, NULL);
	problem_lines(&got, &inv);
	LD_CHECK(!inv.complete);
	LD_CHECK(strstr(got.ptr, "role-overprivileged and logging-denied unchecked for 20 "
			 "functions in account 123456789012 (") != NULL);
	LD_CHECK(strstr(got.ptr, "): AccessDenied: iam:Get\n") != NULL);
	ld_inventory_dispose(&inv);

	/* the managed policy basic-role attaches, and bounded-role's boundary, renamed away */
	LD_REQUIRE(ld_inventory_load(&inv, FIXTURE) == 0);
	a = &inv.iam->accounts[0];
	for (size_t i = 0; i < a->npolicies; i++)
		if (strstr(a->policies[i].arn, "AWSLambdaBasicExecutionRole") ||
		    strstr(a->policies[i].arn, "logs-boundary"))
			a->policies[i].arn[strlen(a->policies[i].arn) - 1] = '#';
	scan_selected(&inv, NULL, NULL);
	problem_lines(&got, &inv);
	LD_CHECK(strstr(got.ptr, "unchecked for 1 function in account 123456789012 "
			 "(bounded): the permissions boundary arn:aws:iam::123456789012:policy/"
			 "logs-boundary of execution role") != NULL);
	LD_CHECK(strstr(got.ptr, "(basic): execution role arn:aws:iam::123456789012:role/"
			 "basic-role attaches policy arn:aws:iam::aws:policy/service-role/"
			 "AWSLambdaBasicExecutionRole, which the inventory does not hold") != NULL);
	LD_CHECK_INT(count_lines(got.ptr, "\n"), (int)inv.nproblems);
	ld_inventory_dispose(&inv);
	ld_buf_dispose(&got);
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
	/* a Resource that matches every ARN is "*" to IAM; one that names a service, a
	 * region or an account is not */
	LD_CHECK(ld_iam__every_resource("*"));
	LD_CHECK(ld_iam__every_resource("**"));
	LD_CHECK(ld_iam__every_resource("arn:aws:*:*:*:*"));
	LD_CHECK(ld_iam__every_resource("arn:*:*:*:*:*"));
	LD_CHECK(ld_iam__every_resource("arn:*"));
	LD_CHECK(ld_iam__every_resource("arn:aws-cn:*"));
	LD_CHECK(ld_iam__every_resource("*:*"));
	LD_CHECK(!ld_iam__every_resource("arn:aws:s3:::*"));
	LD_CHECK(!ld_iam__every_resource("arn:aws:*:*:123456789012:*"));
	LD_CHECK(!ld_iam__every_resource("arn:aws:*:us-east-1:*:*"));
	LD_CHECK(!ld_iam__every_resource("arn:aws:logs:*:*:*"));
	LD_CHECK(!ld_iam__every_resource("arn:aws:*:*:*:*/x"));
	LD_CHECK(!ld_iam__every_resource(""));
}

/* --- the collector (src/aws/iam.c) over the scripted transport, in order ------------ */

#define XMLNS " xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\""
#define ENC_S3_ALL "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect" \
		   "%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A" \
		   "%22%7D%5D%7D"
#define ENC_ALL "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A" \
		"%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
#define ENC_LOGS "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A" \
		 "%5B%22logs%3ACreateLogStream%22%2C%22logs%3APutLogEvents%22%5D%2C%22Resource" \
		 "%22%3A%22%2A%22%7D%5D%7D"
#define BASIC_ARN "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

static void step(ld_script *f, long status, const char *body)
{
	ld_script_add(f, (ld_script_step){ .status = status, .body = body });
}

static int collect_session(ld_aws_session **s, ld_script **f)
{
	ld_retry_policy p = ld_script_unpaced(1);
	ld_aws_config cfg;

	*f = ld_script_new();
	ld_script_config(&cfg, "us-east-1", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	cfg.iam_endpoint_url = strdup("http://127.0.0.1:5001");
	cfg.logs_endpoint_url = strdup("http://127.0.0.1:5002");
	return ld_aws_session__new_with(s, NULL, &cfg, &(*f)->base, &p);
}

/* ld_collect_iam over a single target, `s` in us-east-1. */
static int collect_one(ld_inventory *inv, ld_aws_session *s)
{
	ld_collect_target t;

	memset(&t, 0, sizeof(t));
	t.session = s;
	t.region = "us-east-1";
	return ld_collect_iam(inv, &t, 1, NULL);
}

/* fixtures/inventory/iam.json's function "basic" alone, without its IAM part */
static void basic_only(ld_inventory *inv)
{
	const char *only[] = { "basic" };

	LD_REQUIRE(ld_inventory_load(inv, FIXTURE) == 0);
	ld_inventory_filter(inv, only, 1);
	LD_REQUIRE(inv->nfunctions == 1);
	ld_iam_inventory_free(inv->iam);
	inv->iam = NULL;
	memset(&inv->calls, 0, sizeof(inv->calls));
}

#define GAAD "<GetAccountAuthorizationDetailsResponse" XMLNS "><GetAccountAuthorizationDetailsResult>"
#define GAAD_END "</GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>"
#define ROLE_ARN "arn:aws:iam::123456789012:role/basic-role"
/* an instance profile that holds ROLE_ARN, nested in a RoleDetail as IAM sends it: its
 * role's boundary and policies are not the outer role's */
#define NESTED_PROFILE "<InstanceProfileList><member><Arn>arn:aws:iam::123456789012:" \
		       "instance-profile/p</Arn><Roles><member><Arn>" ROLE_ARN "</Arn>" \
		       "<PermissionsBoundary><PermissionsBoundaryArn>arn:aws:iam::aws:policy/" \
		       "AdministratorAccess</PermissionsBoundaryArn></PermissionsBoundary>" \
		       "<AttachedManagedPolicies><member><PolicyArn>arn:aws:iam::aws:policy/" \
		       "AdministratorAccess</PolicyArn></member></AttachedManagedPolicies>" \
		       "</member></Roles></member></InstanceProfileList>"

static void test_iam__collect_pages_and_decodes(void)
{
	ld_aws_session *s = NULL;
	const ld_iam_role *r;
	const ld_iam_account *a;
	const ld_iam_policy *p;
	ld_inventory inv;
	ld_findings fs;
	ld_script *f;
	ld_audit_opts opts = LD_AUDIT_OPTS_INIT;

	basic_only(&inv);
	LD_REQUIRE(collect_session(&s, &f) == 0);
	/* page 1: another role only (the one nested in its instance profile is not it) */
	step(f, 200, GAAD "<UserDetailList/><RoleDetailList><member><RoleName>other</RoleName>"
		     "<Arn>arn:aws:iam::123456789012:role/other</Arn>" NESTED_PROFILE
		     "<RolePolicyList/><AttachedManagedPolicies/></member></RoleDetailList>"
		     "<Policies/><IsTruncated>true</IsTruncated><Marker>m&amp;1</Marker>" GAAD_END);
	/* page 2: the function's role; truncated, but nothing is left to find */
	step(f, 200, GAAD "<RoleDetailList><member><RoleName>basic-role</RoleName><Arn>" ROLE_ARN
		     "</Arn>" NESTED_PROFILE "<RolePolicyList><member><PolicyName>all</PolicyName>"
		     "<PolicyDocument>" ENC_ALL "</PolicyDocument></member></RolePolicyList>"
		     "<AttachedManagedPolicies><member><PolicyName>AWSLambdaBasicExecutionRole"
		     "</PolicyName><PolicyArn>" BASIC_ARN "</PolicyArn></member><member>"
		     "<PolicyName>s3</PolicyName><PolicyArn>arn:aws:iam::123456789012:policy/s3"
		     "</PolicyArn></member></AttachedManagedPolicies><PermissionsBoundary>"
		     "<PermissionsBoundaryType>Policy</PermissionsBoundaryType>"
		     "<PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/bound"
		     "</PermissionsBoundaryArn></PermissionsBoundary><Tags/></member>"
		     "</RoleDetailList><IsTruncated>true</IsTruncated><Marker>m2</Marker>" GAAD_END);
	/* the policies: s3's default is its second version; an unused one; no "bound" */
	step(f, 200, GAAD "<Policies><member><PolicyName>unused</PolicyName><Arn>arn:aws:iam::"
		     "123456789012:policy/unused</Arn><DefaultVersionId>v1</DefaultVersionId>"
		     "<PolicyVersionList><member><Document>" ENC_ALL "</Document><VersionId>v1"
		     "</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>"
		     "</PolicyVersionList></member><member><PolicyName>s3</PolicyName><Arn>"
		     "arn:aws:iam::123456789012:policy/s3</Arn><DefaultVersionId>v2"
		     "</DefaultVersionId><PolicyVersionList><member><Document>" ENC_ALL
		     "</Document><VersionId>v1</VersionId><IsDefaultVersion>false"
		     "</IsDefaultVersion></member><member><Document>" ENC_S3_ALL "</Document>"
		     "<VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>"
		     "</PolicyVersionList></member><member><PolicyName>AWSLambdaBasicExecutionRole"
		     "</PolicyName><Arn>" BASIC_ARN "</Arn><DefaultVersionId>v3</DefaultVersionId>"
		     "<PolicyVersionList><member><Document>" ENC_LOGS "</Document><VersionId>v3"
		     "</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>"
		     "</PolicyVersionList></member></Policies><IsTruncated>false</IsTruncated>"
		     GAAD_END);
	/* the boundary the listing did not return, read on its own */
	step(f, 200, "<GetPolicyResponse><GetPolicyResult><Policy><PolicyName>bound</PolicyName>"
		     "<DefaultVersionId>v2</DefaultVersionId></Policy></GetPolicyResult>"
		     "</GetPolicyResponse>");
	step(f, 200, "<GetPolicyVersionResponse><GetPolicyVersionResult><PolicyVersion><Document>"
		     ENC_S3_ALL "</Document></PolicyVersion></GetPolicyVersionResult>"
		     "</GetPolicyVersionResponse>");
	step(f, 200, "{\"logGroups\":[{\"logGroupName\":\"/aws/lambda/other\"},{\"logGroupName\":"
		     "\"/aws/lambda/basic\",\"retentionInDays\":7}],\"nextToken\":\"t1\"}");
	step(f, 200, "{\"logGroups\":[]}");
	LD_REQUIRE(collect_one(&inv, s) == 0);
	LD_CHECK_INT(f->next, 7);
	LD_CHECK(inv.complete);
	LD_CHECK_INT(inv.calls.iam, 5);
	LD_CHECK_INT(inv.calls.logs, 2);
	/* the query protocol: form bodies to the IAM endpoint, the marker decoded and re-sent */
	LD_CHECK(strstr(f->url[0], "127.0.0.1:5001") != NULL);
	LD_CHECK(strstr(f->body[0], "Action=GetAccountAuthorizationDetails&Version=2010-05-08"
				    "&Filter.member.1=Role&MaxItems=100") != NULL);
	LD_CHECK(strstr(f->body[0], "Marker") == NULL);
	LD_CHECK(strstr(f->body[1], "Marker=m%261") != NULL);
	LD_CHECK(strstr(f->headers[0], "application/x-www-form-urlencoded") != NULL);
	LD_CHECK(strstr(f->body[2], "&Filter.member.1=LocalManagedPolicy&Filter.member.2="
				    "AWSManagedPolicy&MaxItems=50") != NULL);
	LD_CHECK(strstr(f->body[3], "Action=GetPolicy&") != NULL);
	LD_CHECK(strstr(f->body[4], "PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2F"
				    "bound&VersionId=v2") != NULL);
	/* JSON 1.1 to the Logs endpoint, paged by nextToken */
	LD_CHECK(strstr(f->url[5], "127.0.0.1:5002") != NULL);
	LD_CHECK(strstr(f->headers[5], "X-Amz-Target: Logs_20140328.DescribeLogGroups") != NULL);
	LD_CHECK(strstr(f->body[5], "\"logGroupNamePrefix\":\"/aws/lambda/\"") != NULL);
	LD_CHECK(strstr(f->body[6], "\"nextToken\":\"t1\"") != NULL);

	LD_REQUIRE((a = ld_iam_find_account(inv.iam, "123456789012")) && !a->unchecked);
	LD_CHECK_INT(a->nroles, 1);
	LD_REQUIRE((r = ld_iam_find_role(a, ROLE_ARN)));
	LD_REQUIRE(r->nattached == 2);
	LD_CHECK_STR(r->attached[1], BASIC_ARN); /* sorted */
	LD_CHECK_STR(r->boundary, "arn:aws:iam::123456789012:policy/bound");
	LD_REQUIRE(r->ninline == 1);
	LD_CHECK_STR(r->inline_policies[0].name, "all");
	LD_CHECK_STR(r->inline_policies[0].document,
		     "{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Resource\":\"*\"}]}");
	/* only the policies the role needs, each with its default version */
	LD_CHECK_INT(a->npolicies, 3);
	LD_CHECK(!ld_iam_find_policy(a, "arn:aws:iam::123456789012:policy/unused"));
	LD_REQUIRE((p = ld_iam_find_policy(a, "arn:aws:iam::123456789012:policy/s3")));
	LD_CHECK_STR(p->name, "s3");
	LD_CHECK(strstr(p->document, "\"Action\":\"s3:*\"") != NULL);
	LD_REQUIRE((p = ld_iam_find_policy(a, BASIC_ARN)));
	LD_CHECK(strstr(p->document, "logs:PutLogEvents") != NULL);
	LD_REQUIRE((p = ld_iam_find_policy(a, "arn:aws:iam::123456789012:policy/bound")));
	LD_CHECK_STR(p->name, "bound");
	LD_REQUIRE(inv.iam->nlogs == 1 && inv.iam->logs[0].ngroups == 1);
	LD_CHECK_STR(inv.iam->logs[0].groups[0].name, "/aws/lambda/basic");
	LD_CHECK_INT(inv.iam->logs[0].groups[0].retention_days, 7);

	/* Allow * under a boundary of s3:* on *: the whole of s3, which fires */
	memset(&fs, 0, sizeof(fs));
	LD_REQUIRE(ld_audit_scan(&fs, &inv, &opts) == 0);
	LD_REQUIRE(find(&fs, "role-overprivileged", "basic"));
	LD_CHECK(strstr(find(&fs, "role-overprivileged", "basic")->evidence,
			"\"actions\":[\"s3:*\"]") != NULL);
	LD_CHECK(!find(&fs, "log-retention", "basic"));
	ld_findings_dispose(&fs);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

/* A role IAM does not list is left out (logging-denied reports it); a policy listing is not
 * read when no role was found, and a bad default version leaves the account unchecked. */
static void test_iam__collect_missing_role_and_bad_policy(void)
{
	ld_aws_session *s = NULL;
	const ld_iam_account *a;
	ld_inventory inv;
	ld_script *f;

	basic_only(&inv);
	LD_REQUIRE(collect_session(&s, &f) == 0);
	step(f, 200, GAAD "<RoleDetailList/><IsTruncated>false</IsTruncated>" GAAD_END);
	step(f, 200, "{\"logGroups\":[]}");
	LD_REQUIRE(collect_one(&inv, s) == 0);
	LD_CHECK_INT(f->next, 2);
	LD_CHECK(inv.complete);
	LD_CHECK_INT(inv.calls.iam, 1);
	LD_REQUIRE((a = ld_iam_find_account(inv.iam, "123456789012")) && !a->unchecked);
	LD_CHECK_INT(a->nroles, 0);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);

	basic_only(&inv);
	LD_REQUIRE(collect_session(&s, &f) == 0);
	step(f, 200, GAAD "<RoleDetailList><member><Arn>" ROLE_ARN "</Arn><AttachedManagedPolicies>"
		     "<member><PolicyArn>" BASIC_ARN "</PolicyArn></member>"
		     "</AttachedManagedPolicies></member></RoleDetailList>" GAAD_END);
	step(f, 200, GAAD "<Policies><member><Arn>" BASIC_ARN "</Arn><DefaultVersionId>v2"
		     "</DefaultVersionId><PolicyVersionList><member><Document>" ENC_ALL
		     "</Document><VersionId>v1</VersionId><IsDefaultVersion>false"
		     "</IsDefaultVersion></member></PolicyVersionList></member></Policies>" GAAD_END);
	step(f, 200, "{\"logGroups\":[]}");
	LD_REQUIRE(collect_one(&inv, s) == 0);
	LD_CHECK_INT(f->next, 3);
	LD_CHECK(strstr(f->body[1], "&Filter.member.1=AWSManagedPolicy&MaxItems=50") != NULL);
	LD_CHECK(!inv.complete);
	LD_REQUIRE(inv.nproblems == 1);
	LD_CHECK(strstr(inv.problems[0], "without its default version") != NULL);
	LD_REQUIRE((a = ld_iam_find_account(inv.iam, "123456789012")));
	LD_CHECK(a->unchecked != NULL);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

static void test_iam__collect_denied_is_unchecked(void)
{
	ld_aws_session *s = NULL;
	const ld_iam_account *a;
	ld_inventory inv;
	ld_script *f;

	basic_only(&inv);
	LD_REQUIRE(collect_session(&s, &f) == 0);
	step(f, 403, "<ErrorResponse" XMLNS "><Error><Type>Sender</Type><Code>AccessDenied</Code>"
		     "<Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: "
		     "iam:GetAccountAuthorizationDetails</Message></Error></ErrorResponse>");
	step(f, 200, "{\"logGroups\":[{\"logGroupName\":\"/aws/lambda/basic\"}]}");
	LD_REQUIRE(collect_one(&inv, s) == 0);
	LD_CHECK(!inv.complete);
	LD_REQUIRE(inv.nproblems == 1);
	LD_CHECK(strstr(inv.problems[0], "iam:GetAccountAuthorizationDetails") != NULL);
	LD_CHECK(strstr(inv.problems[0], "role-overprivileged") != NULL);
	LD_REQUIRE((a = ld_iam_find_account(inv.iam, "123456789012")));
	LD_CHECK(a->unchecked != NULL);
	LD_CHECK_INT(a->nroles, 0);
	/* the logs part is read all the same: a group kept forever */
	LD_REQUIRE(inv.iam->nlogs == 1 && inv.iam->logs[0].ngroups == 1);
	LD_CHECK_INT(inv.iam->logs[0].groups[0].retention_days, 0);
	ld_inventory_dispose(&inv);
	ld_aws_session_free(s);
}

const ld_test ld_tests[] = {
	LD_TEST(test_iam__rules_fire_exactly),
	LD_TEST(test_iam__snapshot_round_trip),
	LD_TEST(test_iam__unchecked_account_is_skipped),
	LD_TEST(test_iam__boundary_intersects),
	LD_TEST(test_iam__missing_section_is_unchecked),
	LD_TEST(test_iam__partial_data_is_unchecked),
	LD_TEST(test_iam__wildcards),
	LD_TEST(test_iam__collect_pages_and_decodes),
	LD_TEST(test_iam__collect_missing_role_and_bad_policy),
	LD_TEST(test_iam__collect_denied_is_unchecked),
	{ NULL, NULL }
};
