/*
 * role-overprivileged, logging-denied and log-retention over the inventory's IAM part.
 * A role's statements (inline and attached managed policies) are evaluated as IAM does for
 * the questions asked here: an explicit Deny wins over any Allow, NotAction and NotResource
 * invert their lists, a Condition restricts (an Allow under one is not a blanket grant, a
 * Deny under one is not a blanket refusal), and a permissions boundary must allow too.
 * IAM wildcards are * and ? only; actions compare case-insensitively, resources exactly.
 *
 * The privilege-escalation set is Rhino Security Labs' "AWS IAM Privilege Escalation -
 * Methods and Mitigation" (Spencer Gietzen, 2018; its 21 methods) with the Lambda actions
 * of methods 15-17 and later public write-ups (Bishop Fox iam-vulnerable, 2021): actions
 * that let whoever holds them gain further permissions, so holding one on "*" is as good
 * as holding everything. docs/rules.md lists the same set.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/findings.h"
#include "audit/gaps.h"
#include "audit/iam.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "util/json.h"

static const char *const escalation[] = {
	"iam:PassRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:AttachUserPolicy", "iam:AttachGroupPolicy", "iam:AttachRolePolicy",
	"iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:PutRolePolicy", "iam:CreatePolicy",
	"iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy", "iam:CreateUser", "iam:CreateRole",
	"iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
	"iam:PutUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
	"sts:AssumeRole", "lambda:CreateFunction", "lambda:UpdateFunctionCode",
	"lambda:UpdateFunctionConfiguration", "lambda:AddPermission",
	"lambda:CreateEventSourceMapping", "glue:CreateDevEndpoint", "glue:UpdateDevEndpoint",
	"cloudformation:CreateStack", "cloudformation:UpdateStack",
	"datapipeline:CreatePipeline", "ec2:RunInstances", "ssm:SendCommand", NULL
};

#define MAX_STATEMENTS 4096 /* per role; IAM's own size limits keep real roles far below */

/* --- matching --------------------------------------------------------------------- */

bool ld_iam__wild_match(const char *p, const char *s, bool casefold)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p && (*p == '?' || *p == *s ||
				  (casefold && tolower((unsigned char)*p) == tolower((unsigned char)*s)))) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* Whether any string of `list` (a string or an array of strings) matches `s`. */
static bool any_match(const ld_json *list, const char *s, bool casefold)
{
	if (ld_json_is_string(list))
		return ld_iam__wild_match(ld_json_str(list), s, casefold);
	for (size_t i = 0; i < ld_json_size(list); i++)
		if (ld_json_is_string(ld_json_at(list, i)) &&
		    ld_iam__wild_match(ld_json_str(ld_json_at(list, i)), s, casefold))
			return true;
	return false;
}

static bool is_allstar(const char *p)
{
	if (!*p)
		return false;
	for (; *p; p++)
		if (*p != '*')
			return false;
	return true;
}

/* --- statements ------------------------------------------------------------------- */

typedef struct {
	const char *policy; /* name (inline) or ARN (managed), borrowed */
	const ld_json *st;  /* borrowed from the parsed document */
	size_t index;
	bool allow, conditional;
	const ld_json *action, *not_action, *resource, *not_resource;
} stmt;

typedef struct {
	ld_json *docs[512];
	size_t ndocs;
	stmt items[MAX_STATEMENTS];
	size_t n;
} stmt_set;

static void set_dispose(stmt_set *s)
{
	for (size_t i = 0; i < s->ndocs; i++)
		ld_json_free(s->docs[i]);
	s->ndocs = s->n = 0;
}

static void add_statement(stmt_set *s, const char *policy, const ld_json *st, size_t index)
{
	const ld_json *cond = ld_json_get(st, "Condition");
	const char *effect = ld_json_get_str(st, "Effect");
	stmt *x;

	if (!ld_json_is_object(st) || !effect || s->n >= MAX_STATEMENTS)
		return;
	x = &s->items[s->n++];
	x->policy = policy;
	x->st = st;
	x->index = index;
	x->allow = !strcmp(effect, "Allow");
	x->conditional = cond && ld_json_is_object(cond) && ld_json_size(cond) > 0;
	x->action = ld_json_get(st, "Action");
	x->not_action = ld_json_get(st, "NotAction");
	x->resource = ld_json_get(st, "Resource");
	x->not_resource = ld_json_get(st, "NotResource");
}

/* Parse one policy document and add its statements. */
static int add_document(stmt_set *s, const char *policy, const char *doc)
{
	const ld_json *sts;
	ld_json *j = NULL;

	if (s->ndocs >= sizeof(s->docs) / sizeof(s->docs[0]) ||
	    ld_json_parse(&j, doc, strlen(doc), "a policy document") < 0) {
		ld_error_clear();
		return -1; /* not judged: the caller skips the role */
	}
	s->docs[s->ndocs++] = j;
	sts = ld_json_get(j, "Statement");
	if (ld_json_is_object(sts))
		add_statement(s, policy, sts, 0);
	for (size_t i = 0; ld_json_is_array(sts) && i < ld_json_size(sts); i++)
		add_statement(s, policy, ld_json_at(sts, i), i);
	return 0;
}

/* The role's own statements; -1 when a policy it attaches is not in the inventory or does
 * not parse, *bad naming it (borrowed). */
static int role_statements(stmt_set *s, const ld_iam_account *a, const ld_iam_role *r,
			   const char **bad)
{
	const ld_iam_policy *p;

	for (size_t i = 0; i < r->ninline; i++) {
		*bad = r->inline_policies[i].name;
		if (add_document(s, r->inline_policies[i].name, r->inline_policies[i].document) < 0)
			return -1;
	}
	for (size_t i = 0; i < r->nattached; i++) {
		*bad = r->attached[i];
		if (!(p = ld_iam_find_policy(a, r->attached[i])) ||
		    add_document(s, p->arn, p->document) < 0)
			return -1;
	}
	*bad = NULL;
	return 0;
}

/*
 * Whether a Resource pattern matches every resource: "*", or one that matches an ARN of
 * every shape in a partition ("arn:aws:*:*:*:*", "arn:*", "*:*"), which IAM treats as "*".
 * The probes stand for any service, region, account and resource ('#' is in no pattern
 * that names one): the S3 shape with an empty region and account, the usual one, and one
 * whose resource holds colons. "arn:aws:s3:::*" or "arn:aws:*:*:123456789012:*" miss one.
 */
bool ld_iam__every_resource(const char *pattern)
{
	static const char *const partitions[] = { "aws", "aws-cn", "aws-us-gov", "aws-iso",
						  "aws-iso-b", NULL };
	static const char *const shapes[] = { "#:::#", "#:#:#:#", "#:#:#:#:#:#", NULL };
	char probe[64];

	if (is_allstar(pattern))
		return true;
	for (const char *const *p = partitions; *p; p++) {
		bool all = true;
		for (const char *const *s = shapes; *s && all; s++) {
			snprintf(probe, sizeof(probe), "arn:%s:%s", *p, *s);
			all = ld_iam__wild_match(pattern, probe, false);
		}
		if (all)
			return true;
	}
	return false;
}

/* Whether the statement's Resource / NotResource covers every resource ("*"). */
static bool on_everything(const stmt *x)
{
	if (x->not_resource)
		return !any_match(x->not_resource, "*", false);
	if (ld_json_is_string(x->resource))
		return ld_iam__every_resource(ld_json_str(x->resource));
	for (size_t i = 0; i < ld_json_size(x->resource); i++)
		if (ld_json_is_string(ld_json_at(x->resource, i)) &&
		    ld_iam__every_resource(ld_json_str(ld_json_at(x->resource, i))))
			return true;
	return false;
}

static bool on_resource(const stmt *x, const char *res)
{
	if (x->not_resource)
		return !any_match(x->not_resource, res, false);
	return any_match(x->resource, res, false);
}

static bool has_action(const stmt *x, const char *action)
{
	if (x->not_action)
		return !any_match(x->not_action, action, true);
	return any_match(x->action, action, true);
}

/*
 * A permissions boundary, when the role has one, must allow too: IAM grants the
 * intersection of the identity policies and the boundary (an explicit Deny in either wins).
 * `res` NULL asks about every resource ("*"). With `blanket`, only an Allow without a
 * Condition counts (role-overprivileged asks about unconditioned grants, and a grant the
 * boundary allows only under a condition is conditioned); logging-denied asks whether the
 * function may write at all, where a Condition it may well meet does not stop it. *by, when
 * given, receives the boundary statement that allows (for the evidence).
 */
static bool boundary_allows(const stmt_set *b, const char *action, const char *res,
			    bool blanket, const stmt **by)
{
	const stmt *allowed = NULL;

	if (!b)
		return true;
	for (size_t i = 0; i < b->n; i++) {
		const stmt *x = &b->items[i];
		if (!has_action(x, action) || !(res ? on_resource(x, res) : on_everything(x)))
			continue;
		if (!x->allow && !x->conditional)
			return false;
		if (x->allow && (!blanket || !x->conditional) && !allowed)
			allowed = x;
	}
	if (by)
		*by = allowed;
	return allowed != NULL;
}

/* --- role-overprivileged ---------------------------------------------------------- */

static void statement_label(char *out, size_t n, const stmt *x)
{
	const char *sid = ld_json_get_str(x->st, "Sid");
	if (sid && sid[0])
		snprintf(out, n, "%s", sid);
	else
		snprintf(out, n, "#%zu", x->index);
}

/*
 * Probe actions. IAM action names never contain '#', so "svc:#" stands for "an action of
 * svc that no narrower pattern names" and "#:#" for "an action of a service no pattern
 * names": only a pattern that covers the whole service ("s3:*", "*", "*:*") or everything
 * ("*", "*:*", a NotAction list without it) matches them. Asking the same question of the
 * Allow, of every Deny and of the boundary is how Allow "*" with Deny NotAction [a, b]
 * (allowed: a and b only) is judged as IAM judges it.
 */
#define PROBE_ALL "#:#"
#define MAX_SERVICES 256
#define SERVICE_LEN 64

typedef struct {
	char names[MAX_SERVICES][SERVICE_LEN]; /* lowercase service prefixes, distinct */
	size_t n;
} service_set;

static void note_service(service_set *set, const char *pattern)
{
	const char *colon = strchr(pattern, ':');
	size_t len = colon ? (size_t)(colon - pattern) : 0;
	char name[SERVICE_LEN];

	if (!len || len >= SERVICE_LEN || memchr(pattern, '*', len) || memchr(pattern, '?', len))
		return;
	for (size_t i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)pattern[i]);
	name[len] = '\0';
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->names[i], name))
			return;
	if (set->n < MAX_SERVICES)
		memcpy(set->names[set->n++], name, len + 1);
}

static void note_services(service_set *set, const ld_json *list)
{
	if (ld_json_is_string(list))
		note_service(set, ld_json_str(list));
	for (size_t i = 0; ld_json_is_array(list) && i < ld_json_size(list); i++)
		if (ld_json_is_string(ld_json_at(list, i)))
			note_service(set, ld_json_str(ld_json_at(list, i)));
}

/* Every service any statement names, in Action or NotAction, Allow or Deny, of the role's
 * policies and of its boundary: Allow "*" under a boundary that allows "logs:*" grants the
 * whole of logs, a service only the boundary names. */
static void role_services(service_set *set, const stmt_set *s, const stmt_set *b)
{
	set->n = 0;
	for (size_t i = 0; i < s->n; i++) {
		note_services(set, s->items[i].action);
		note_services(set, s->items[i].not_action);
	}
	for (size_t i = 0; b && i < b->n; i++) {
		note_services(set, b->items[i].action);
		note_services(set, b->items[i].not_action);
	}
}

/* Whether Allow `x` grants `action` on every resource and nothing takes it away: no
 * unconditioned Deny on every resource covers it, and the boundary (if any) allows it on
 * every resource without a condition (*by: the boundary statement that does). */
static bool grant_holds(const stmt_set *s, const stmt_set *b, const stmt *x, const char *action,
			const stmt **by)
{
	if (!has_action(x, action))
		return false;
	for (size_t i = 0; i < s->n; i++) {
		const stmt *d = &s->items[i];
		if (!d->allow && !d->conditional && on_everything(d) && has_action(d, action))
			return false;
	}
	return boundary_allows(b, action, NULL, true, by);
}

static int add_action(ld_json *actions, const char *a)
{
	return ld_json_append(actions, ld_json_new_string(a));
}

/* The broad grants of one unconditioned Allow on everything into `actions`; *kind is "all",
 * "not-action", "service" or "escalation" (the broadest found), NULL when none; *bexcept
 * the NotAction list of the boundary statement that leaves all but a few services. */
static int statement_grants(ld_json *actions, const char **kind, const ld_json **bexcept,
			    const stmt_set *s, const stmt_set *b, const service_set *svc,
			    const stmt *x)
{
	char probe[SERVICE_LEN + 8];
	bool whole[MAX_SERVICES] = { false };
	const stmt *by = NULL;

	*bexcept = NULL;
	if (grant_holds(s, b, x, PROBE_ALL, &by)) {
		*bexcept = by ? by->not_action : NULL;
		*kind = x->not_action || *bexcept ? "not-action" : "all";
		return add_action(actions, "*");
	}
	for (size_t i = 0; i < svc->n; i++) {
		snprintf(probe, sizeof(probe), "%s:#", svc->names[i]);
		if (!(whole[i] = grant_holds(s, b, x, probe, NULL)))
			continue;
		*kind = "service";
		snprintf(probe, sizeof(probe), "%s:*", svc->names[i]);
		if (add_action(actions, probe) < 0)
			return LD_ERROR;
	}
	for (const char *const *e = escalation; *e; e++) {
		bool covered = false;
		for (size_t i = 0; i < svc->n && !covered; i++)
			covered = whole[i] && !strncasecmp(*e, svc->names[i], strlen(svc->names[i])) &&
				  (*e)[strlen(svc->names[i])] == ':';
		if (covered || !grant_holds(s, b, x, *e, NULL))
			continue;
		if (!*kind)
			*kind = "escalation";
		if (add_action(actions, *e) < 0)
			return LD_ERROR;
	}
	return 0;
}

static int check_overprivileged(ld_findings *out, const ld_finding_id *id, const char *role,
				const stmt_set *s, const stmt_set *b)
{
	ld_json *ev = ld_json_new_object(), *grants = ld_json_new_array(), *g, *actions;
	char label[160], first[512] = "";
	service_set *svc = calloc(1, sizeof(*svc));
	size_t count = 0;
	char *evidence;
	int error = svc ? 0 : LD_ERROR;

	if (svc)
		role_services(svc, s, b);
	for (size_t i = 0; i < s->n && error == 0 && ev && grants; i++) {
		const stmt *x = &s->items[i];
		const char *kind = NULL;
		const ld_json *bexcept = NULL;
		if (!x->allow || x->conditional || !on_everything(x))
			continue;
		if (!(actions = ld_json_new_array()) ||
		    (error = statement_grants(actions, &kind, &bexcept, s, b, svc, x)) < 0 ||
		    !kind) {
			ld_json_free(actions);
			continue;
		}
		statement_label(label, sizeof(label), x);
		if (!count++)
			snprintf(first, sizeof(first), "%s on * (policy %s, statement %s%s)",
				 !strcmp(kind, "not-action") ? "every action but a NotAction list"
				 : ld_json_str(ld_json_at(actions, 0)), x->policy, label,
				 b ? ", within its permissions boundary" : "");
		/* under a boundary, what is granted is what both allow: the evidence names it */
		if (!(g = ld_json_new_object()) || ld_json_add_str(g, "policy", x->policy) < 0 ||
		    ld_json_add_str(g, "statement", label) < 0 ||
		    ld_json_add_str(g, "kind", kind) < 0 || ld_json_add(g, "actions", actions) < 0 ||
		    (x->not_action && ld_json_add(g, "except", ld_json_dup(x->not_action)) < 0) ||
		    (b && b->n && ld_json_add_str(g, "boundary", b->items[0].policy) < 0) ||
		    (bexcept && ld_json_add(g, "boundary_except", ld_json_dup(bexcept)) < 0) ||
		    ld_json_append(grants, g) < 0)
			error = LD_ERROR;
	}
	free(svc);
	if (error < 0 || !ev || !grants || !count) {
		ld_json_free(ev);
		ld_json_free(grants);
		return error < 0 || !ev || !grants ? ld_error_oom() : 0;
	}
	ld_json_add_str(ev, "role", role);
	ld_json_add(ev, "grants", grants);
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(out, id, evidence,
				"execution role %s allows %s%s; grant only the actions and "
				"resources the function needs", role, first,
				count > 1 ? " and more (see evidence)" : "");
	free(evidence);
	return error;
}

/* --- logging-denied --------------------------------------------------------------- */

/* Whether the role may do `action` on one of `res` (a Condition does not stop an Allow
 * here: the function may well meet it; an unconditioned Deny does stop it). */
static bool allowed_on(const stmt_set *s, const stmt_set *b, const char *action,
		       const char *const *res, size_t nres)
{
	for (size_t r = 0; r < nres; r++) {
		bool allow = false, deny = false;
		for (size_t i = 0; i < s->n; i++) {
			const stmt *x = &s->items[i];
			if (!has_action(x, action) || !on_resource(x, res[r]))
				continue;
			if (x->allow)
				allow = true;
			else if (!x->conditional)
				deny = true;
		}
		if (allow && !deny && boundary_allows(b, action, res[r], false, NULL))
			return true;
	}
	return false;
}

static int check_logging(ld_findings *out, const ld_finding_id *id, const char *role,
			 const char *group, const char *partition, const char *region,
			 const char *account, const stmt_set *s, const stmt_set *b, bool missing)
{
	char garn[1024], sarn[1200];
	const char *forms[2] = { garn, sarn };
	bool create, put;
	ld_json *ev;
	char *evidence;
	int error;

	snprintf(garn, sizeof(garn), "arn:%s:logs:%s:%s:log-group:%s", partition, region,
		 account ? account : "", group);
	snprintf(sarn, sizeof(sarn), "%s:log-stream:lambdrift-probe", garn);
	create = !missing && allowed_on(s, b, "logs:CreateLogStream", forms, 2);
	put = !missing && allowed_on(s, b, "logs:PutLogEvents", forms + 1, 1);
	if (create && put)
		return 0;
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "role", role);
		ld_json_add_str(ev, "log_group", group);
		ld_json_add_bool(ev, "role_found", !missing);
		ld_json_add_bool(ev, "create_log_stream", create);
		ld_json_add_bool(ev, "put_log_events", put);
	}
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(out, id, evidence,
				"execution role %s %s on log group %s, so the function's output is "
				"lost; allow both (AWSLambdaBasicExecutionRole does)", role,
				missing ? "does not exist, so it cannot write logs:CreateLogStream "
					  "and logs:PutLogEvents"
				: !create && !put ? "allows neither logs:CreateLogStream nor "
						    "logs:PutLogEvents"
				: !create ? "does not allow logs:CreateLogStream"
					  : "does not allow logs:PutLogEvents",
				group);
	free(evidence);
	return error;
}

/* --- log-retention ---------------------------------------------------------------- */

static int check_retention(ld_findings *out, const ld_finding_id *id, const ld_log_group *g,
			   long min_days)
{
	ld_json *ev;
	char *evidence;
	int error;

	if (g->retention_days > 0 && g->retention_days >= min_days)
		return 0;
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "log_group", g->name);
		if (g->retention_days)
			ld_json_add_num(ev, "retention_days", (double)g->retention_days);
		else
			ld_json_add_str(ev, "retention_days", NULL);
		ld_json_add_num(ev, "minimum_days", (double)min_days);
	}
	evidence = ld_findings_evidence(ev);
	if (!g->retention_days)
		error = ld_findings_add(out, id, evidence,
					"log group %s keeps logs forever; set a retention "
					"(aws logs put-retention-policy)", g->name);
	else
		error = ld_findings_add(out, id, evidence,
					"log group %s keeps logs %ld days, less than the %ld "
					"required (--log-retention-min)", g->name, g->retention_days,
					min_days);
	free(evidence);
	return error;
}

/* --- per function ----------------------------------------------------------------- */

typedef struct {
	ld_findings *out;
	const ld_inventory *inv;
	const ld_audit_opts *opts;
	ld_gaps *gaps;
	stmt_set role, boundary;
} iam_ctx;

/* What the data lacks is said once per account (or account-region) and reason, naming the
 * functions; these name what to do. */
#define NO_IAM "the inventory holds no IAM data for the account (a snapshot taken by an " \
	"older lambdrift or with these rules skipped, or its collection failed); take a " \
	"new snapshot or scan AWS"
#define NO_LOGS "the inventory holds no log groups for the account and region (a snapshot " \
	"taken by an older lambdrift or with the rule skipped, or their collection " \
	"failed); take a new snapshot or scan AWS"

static int check_role(iam_ctx *c, const ld_function *fn, const ld_iam_account *a,
		      const char *role, const char *group)
{
	const ld_iam_role *r = ld_iam_find_role(a, role);
	const ld_iam_policy *bp = r && r->boundary ? ld_iam_find_policy(a, r->boundary) : NULL;
	const char *account = fn->account ? fn->account : c->inv->account;
	const char *partition = c->inv->partition ? c->inv->partition : "aws";
	const char *bad = NULL;
	ld_finding_id id;
	int error = 0;

	set_dispose(&c->role);
	set_dispose(&c->boundary);
	/* without every policy, or the boundary, neither rule can say what the role may do */
	if (r && role_statements(&c->role, a, r, &bad) < 0)
		return ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false,
				   "execution role %s attaches policy %s, which the inventory "
				   "does not hold or cannot read; take a new snapshot", role, bad);
	if (r && r->boundary && (!bp || add_document(&c->boundary, bp->arn, bp->document) < 0))
		return ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false,
				   "the permissions boundary %s of execution role %s is not in "
				   "the inventory or cannot be read; take a new snapshot",
				   r->boundary, role);
	if (r) {
		id = ld_finding_id_of(fn, c->inv->account, "role-overprivileged", NULL, role);
		error = check_overprivileged(c->out, &id, role, &c->role,
					     r->boundary ? &c->boundary : NULL);
	}
	if (error == 0) {
		id = ld_finding_id_of(fn, c->inv->account, "logging-denied", NULL, group);
		error = check_logging(c->out, &id, role, group, partition, fn->region, account,
				      &c->role, r && r->boundary ? &c->boundary : NULL, !r);
	}
	return error;
}

/* arn:PARTITION:iam::ACCOUNT:role/...: whether the role is of `account`. */
static bool role_of(const char *role, const char *account)
{
	const char *p = role;
	size_t n = strlen(account);

	for (int i = 0; i < 4 && p; i++)
		if ((p = strchr(p, ':')))
			p++;
	return p && !strncmp(p, account, n) && p[n] == ':';
}

/* The role rules, or why they cannot judge the function. */
static int check_roles(iam_ctx *c, const ld_function *fn, const char *account,
		       const char *role, const char *group)
{
	const ld_iam_account *a = ld_iam_find_account(c->inv->iam, account);

	if (!a)
		return ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false, NO_IAM);
	if (a->unchecked) /* the collector's problem line says why, unless it was lost */
		return ld_gaps_reported(c->gaps, a->unchecked)
			       ? ld_gaps_unchecked(c->gaps, ld_gap_rules_role, fn, account)
			       : ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false,
						 "%s", a->unchecked);
	if (!role)
		return ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false,
				   "the inventory holds no execution role (Role) of the "
				   "function's $LATEST; take a new snapshot");
	/* only this account's roles were read; Lambda takes no other, so never judge one */
	if (account && !role_of(role, account))
		return ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false,
				   "execution role %s is not of the account, whose IAM data alone "
				   "was read", role);
	if (!account && !ld_iam_find_role(a, role))
		return ld_gaps_add(c->gaps, ld_gap_rules_role, fn, account, false,
				   "the account is unknown and its IAM data does not hold "
				   "execution role %s", role);
	return check_role(c, fn, a, role, group);
}

static int check_logs(iam_ctx *c, const ld_function *fn, const char *account,
		      const char *group)
{
	const ld_log_groups *logs = ld_iam_find_logs(c->inv->iam, account, fn->region);
	ld_finding_id id;
	int error = 0;

	if (!logs)
		return ld_gaps_add(c->gaps, ld_gap_rules_logs, fn, account, true, NO_LOGS);
	if (logs->unchecked)
		return ld_gaps_reported(c->gaps, logs->unchecked)
			       ? ld_gaps_unchecked(c->gaps, ld_gap_rules_logs, fn, account)
			       : ld_gaps_add(c->gaps, ld_gap_rules_logs, fn, account, true,
						 "%s", logs->unchecked);
	/* a group that is not there does not exist yet: nothing is kept, nothing forever */
	for (size_t i = 0; error == 0 && i < logs->ngroups; i++)
		if (!strcmp(logs->groups[i].name, group)) {
			id = ld_finding_id_of(fn, c->inv->account, "log-retention", NULL, group);
			error = check_retention(c->out, &id, &logs->groups[i],
						c->opts->log_retention_min);
		}
	return error;
}

static int check_function(iam_ctx *c, const ld_function *fn)
{
	const char *account = fn->account ? fn->account : c->inv->account;
	char *role = ld_function_role(fn), *group = ld_function_log_group(fn);
	int error;

	if (!group) {
		free(role);
		return ld_error_oom();
	}
	if ((error = check_roles(c, fn, account, role, group)) == 0)
		error = check_logs(c, fn, account, group);
	free(role);
	free(group);
	return error;
}

int ld_audit__iam(ld_findings *out, ld_gaps *gaps, const ld_inventory *inv,
		  const ld_audit_opts *opts)
{
	iam_ctx *c;
	int error = 0;

	if (!(c = calloc(1, sizeof(*c))))
		return ld_error_oom();
	c->out = out;
	c->inv = inv;
	c->opts = opts;
	c->gaps = gaps;
	for (size_t i = 0; i < inv->nfunctions && error == 0; i++)
		error = check_function(c, &inv->functions[i]);
	set_dispose(&c->role);
	set_dispose(&c->boundary);
	free(c);
	return error;
}
