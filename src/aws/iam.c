/*
 * ld_collect_iam (lambdrift/iam.h): the execution roles and log groups of the functions a
 * collection found. Per account, for each distinct role: iam:GetRole (its permissions
 * boundary), ListAttachedRolePolicies and ListRolePolicies (paginated), GetRolePolicy per
 * inline policy, and once per managed policy (attached or boundary) GetPolicy and
 * GetPolicyVersion of its default version; IAM is the query protocol over the partition's
 * global endpoint, and its documents arrive URL-encoded inside XML. Per account-region,
 * logs:DescribeLogGroups (JSON 1.1, paginated) by prefix: /aws/lambda/ once, and each
 * custom LoggingConfig group by its own name. Fail closed: a call that fails (denied,
 * throttled past its retries, ...) leaves that account's roles or that region's groups
 * unchecked with the error that names the missing permission, and a problem line makes the
 * run incomplete. Only a role IAM says does not exist (NoSuchEntity) is left out, which
 * logging-denied then reports. Runs after the Lambda listing, one call at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "inventory/iam.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "util/json.h"

#define MAX_PAGES 1000          /* per listing; IAM and Logs page far below this */
#define MAX_ELEMENT (1 << 20)   /* one XML element's text: policy documents are <= 10 KB */

typedef struct {
	ld_aws_client client;
	ld_http_response resp;
	ld_buf body;
	char *text;                 /* the last element read with element() */
} caller;

static void caller_dispose(caller *c)
{
	ld_http_response_dispose(&c->resp);
	ld_aws_client_dispose(&c->client);
	ld_buf_dispose(&c->body);
	free(c->text);
}

/* --- IAM's query protocol ---------------------------------------------------------- */

static void form_start(caller *c, const char *op)
{
	ld_buf_clear(&c->body);
	ld_buf_printf(&c->body, "Action=%s&Version=2010-05-08", op);
}

static void form_param(caller *c, const char *key, const char *value)
{
	ld_buf_printf(&c->body, "&%s=", key);
	ld_sigv4_uri_encode(&c->body, value, false);
}

static int iam_call(caller *c, const char *op)
{
	if (c->body.error)
		return c->body.error;
	ld_http_response_dispose(&c->resp);
	ld_http_response_init(&c->resp);
	return ld_aws_call(&c->client, &c->resp, op, "POST", "/", NULL, c->body.ptr,
			   LD_QUOTA_IAM);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* IAM's documents are percent-encoded (RFC 3986); decode in place. */
static void percent_decode(char *s)
{
	char *out = s;

	for (; *s; s++) {
		int hi, lo;
		if (*s == '%' && (hi = hexval(s[1])) >= 0 && (lo = hexval(s[2])) >= 0) {
			*out++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* The decoded text of the first <tag> in xml[0..len) into c->text; false when absent. */
static bool element(caller *c, const char *xml, size_t len, const char *tag)
{
	const char *v;
	size_t vlen;

	free(c->text);
	c->text = NULL;
	if (!ld_xml_find(xml, len, tag, &v, &vlen) || vlen >= MAX_ELEMENT ||
	    !(c->text = malloc(vlen + 1)))
		return false;
	if (ld_xml_text(c->text, vlen + 1, v, vlen) < 0) {
		ld_error_clear();
		return false;
	}
	return true;
}

static bool resp_element(caller *c, const char *tag)
{
	return element(c, c->resp.body.ptr, c->resp.body.size, tag);
}

/* The next page's marker into *marker (NULL when the listing is done). */
static int next_marker(caller *c, char **marker, const char *op, size_t page)
{
	free(*marker);
	*marker = NULL;
	if (!resp_element(c, "IsTruncated") || strcmp(c->text, "true"))
		return 0;
	if (!resp_element(c, "Marker") || !c->text[0])
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s: truncated page without a "
				     "Marker", op);
	if (page + 1 >= MAX_PAGES)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "%s: more than %d pages", op,
				     MAX_PAGES);
	return (*marker = strdup(c->text)) ? 0 : ld_error_oom();
}

/* Each <member> of <list> in the response: `fn(ctx, member, len)`. */
static int each_member(caller *c, const char *list, int (*fn)(caller *, void *, const char *,
							      size_t), void *ctx)
{
	const char *span, *v;
	size_t slen, vlen;
	int error = 0;

	if (!ld_xml_find(c->resp.body.ptr, c->resp.body.size, list, &span, &slen))
		return 0;
	while (error == 0 && ld_xml_find(span, slen, "member", &v, &vlen)) {
		error = fn(c, ctx, v, vlen);
		slen -= (size_t)(v + vlen - span);
		span = v + vlen;
	}
	return error;
}

/* A paginated IAM listing of one role: `fn` for every member of `list` on every page. */
static int list_role(caller *c, const char *op, const char *role, const char *list,
		     int (*fn)(caller *, void *, const char *, size_t), void *ctx)
{
	char *marker = NULL;
	int error = 0;

	for (size_t page = 0; error == 0; page++) {
		form_start(c, op);
		form_param(c, "RoleName", role);
		if (marker)
			form_param(c, "Marker", marker);
		if ((error = iam_call(c, op)) < 0 ||
		    (error = each_member(c, list, fn, ctx)) < 0 ||
		    (error = next_marker(c, &marker, op, page)) < 0 || !marker)
			break;
	}
	free(marker);
	return error;
}

/* --- one role -------------------------------------------------------------------- */

typedef struct {
	ld_iam_role *role;
	char **names;               /* inline policy names, to read one by one */
	size_t nnames;
} role_ctx;

static int on_attached(caller *c, void *ctx, const char *m, size_t len)
{
	role_ctx *r = ctx;
	if (!element(c, m, len, "PolicyArn") || !c->text[0])
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "ListAttachedRolePolicies: a "
				     "member without PolicyArn");
	return ld_iam__add_string(&r->role->attached, &r->role->nattached, c->text);
}

static int on_inline(caller *c, void *ctx, const char *m, size_t len)
{
	role_ctx *r = ctx;
	char *name = NULL;
	int error;

	if (!len || len >= MAX_ELEMENT || !(name = malloc(len + 1)))
		return len ? ld_error_oom() : 0;
	if ((error = ld_xml_text(name, len + 1, m, len)) == 0)
		error = ld_iam__add_string(&r->names, &r->nnames, name);
	(void)c;
	free(name);
	return error;
}

/* The URL-encoded document in <tag> of the response, compacted into *out. */
static int document(caller *c, char **out, const char *tag, const char *what)
{
	if (!resp_element(c, tag))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s: no %s in the answer", what, tag);
	percent_decode(c->text);
	return ld_iam__compact(out, c->text, strlen(c->text), what);
}

static int inline_policies(caller *c, role_ctx *r, const char *name)
{
	int error = 0;

	for (size_t i = 0; i < r->nnames && error == 0; i++) {
		ld_iam_policy *p;
		form_start(c, "GetRolePolicy");
		form_param(c, "RoleName", name);
		form_param(c, "PolicyName", r->names[i]);
		if ((error = iam_call(c, "GetRolePolicy")) < 0)
			break;
		if (!(p = ld_iam__add_policy(&r->role->inline_policies, &r->role->ninline)) ||
		    !(p->name = strdup(r->names[i])))
			return ld_error_oom();
		error = document(c, &p->document, "PolicyDocument", "GetRolePolicy");
	}
	return error;
}

/* The role with its policies into `a`; a role IAM does not know is left out. */
static int collect_role(caller *c, ld_iam_account *a, const char *arn)
{
	const char *slash = strrchr(arn, '/');
	const char *name = slash ? slash + 1 : arn;
	role_ctx r = { NULL, NULL, 0 };
	int error;

	form_start(c, "GetRole");
	form_param(c, "RoleName", name);
	if ((error = iam_call(c, "GetRole")) == LD_ENOTFOUND) {
		ld_error_clear();
		return 0;
	}
	if (error < 0)
		return error;
	if (!(r.role = ld_iam__add_role(a)) || !(r.role->arn = strdup(arn)))
		return ld_error_oom();
	if (resp_element(c, "PermissionsBoundaryArn") && c->text[0] &&
	    !(r.role->boundary = strdup(c->text)))
		return ld_error_oom();
	if ((error = list_role(c, "ListAttachedRolePolicies", name, "AttachedPolicies",
			       on_attached, &r)) == 0 &&
	    (error = list_role(c, "ListRolePolicies", name, "PolicyNames", on_inline, &r)) == 0)
		error = inline_policies(c, &r, name);
	for (size_t i = 0; i < r.nnames; i++)
		free(r.names[i]);
	free(r.names);
	return error;
}

/* A managed policy's default version, once per account. */
static int collect_managed(caller *c, ld_iam_account *a, const char *arn)
{
	ld_iam_policy *p;
	char *version = NULL;
	int error;

	for (size_t i = 0; i < a->npolicies; i++)
		if (!strcmp(a->policies[i].arn, arn))
			return 0;
	form_start(c, "GetPolicy");
	form_param(c, "PolicyArn", arn);
	if ((error = iam_call(c, "GetPolicy")) < 0)
		return error;
	if (!resp_element(c, "DefaultVersionId") || !c->text[0])
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetPolicy %s: no DefaultVersionId",
				     arn);
	if (!(version = strdup(c->text)) || !(p = ld_iam__add_policy(&a->policies, &a->npolicies)) ||
	    !(p->arn = strdup(arn))) {
		free(version);
		return ld_error_oom();
	}
	if (resp_element(c, "PolicyName") && !(p->name = strdup(c->text)))
		error = ld_error_oom();
	form_start(c, "GetPolicyVersion");
	form_param(c, "PolicyArn", arn);
	form_param(c, "VersionId", version);
	free(version);
	if (error == 0 && (error = iam_call(c, "GetPolicyVersion")) == 0)
		error = document(c, &a->policies[a->npolicies - 1].document, "Document",
				 "GetPolicyVersion");
	return error;
}

/* --- which functions belong where ------------------------------------------------- */

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *fn_account(const ld_inventory *inv, const ld_function *fn)
{
	return fn->account ? fn->account : inv->account;
}

static const char *target_account(const ld_inventory *inv, const ld_collect_target *t)
{
	return t->account ? t->account : inv->account;
}

static const char *target_region(const ld_collect_target *t)
{
	return t->region ? t->region : ld_aws_session_region(t->session);
}

static int add_unique(char ***list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return 0;
	return ld_iam__add_string(list, n, s);
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* The distinct execution roles of the account's functions. */
static int account_roles(char ***roles, size_t *n, const ld_inventory *inv, const char *account)
{
	int error = 0;

	for (size_t i = 0; i < inv->nfunctions && error == 0; i++) {
		char *role;
		if (!same(fn_account(inv, &inv->functions[i]), account) ||
		    !(role = ld_function_role(&inv->functions[i])))
			continue;
		error = add_unique(roles, n, role);
		free(role);
	}
	return error;
}

/* --- per account: IAM -------------------------------------------------------------- */

static int iam_account(caller *c, ld_iam_account *a, const ld_inventory *inv)
{
	char **roles = NULL;
	size_t nroles = 0;
	int error = account_roles(&roles, &nroles, inv, a->account);

	for (size_t i = 0; i < nroles && error == 0; i++)
		error = collect_role(c, a, roles[i]);
	for (size_t i = 0; i < a->nroles && error == 0; i++) {
		for (size_t k = 0; k < a->roles[i].nattached && error == 0; k++)
			error = collect_managed(c, a, a->roles[i].attached[k]);
		if (error == 0 && a->roles[i].boundary)
			error = collect_managed(c, a, a->roles[i].boundary);
	}
	free_list(roles, nroles);
	return error;
}

static int unchecked(char **why, ld_inventory *inv, const char *where, const char *rules)
{
	const char *msg = ld_error_last()->message;

	if (!(*why = strdup(msg[0] ? msg : "failed")))
		return ld_error_oom();
	ld_error_clear();
	return ld_inventory_problem(inv, "%s: %s unchecked: %s", where, rules, *why);
}

static int collect_account(ld_inventory *inv, ld_aws_session *s, const char *account)
{
	caller c;
	ld_iam_account *a;
	char where[160];
	int error;

	memset(&c, 0, sizeof(c));
	c.body = (ld_buf)LD_BUF_INIT_CAP(64 * 1024);
	ld_http_response_init(&c.resp);
	if (!(a = ld_iam__add_account(inv->iam)) || (account && !(a->account = strdup(account)))) {
		caller_dispose(&c);
		return ld_error_oom();
	}
	if ((error = ld_aws_session__iam_client(&c.client, s, &inv->calls)) == 0)
		error = iam_account(&c, a, inv);
	/* whatever failed (denied, throttled, a bad answer): unchecked, never clean */
	if (error < 0) {
		snprintf(where, sizeof(where), "account %s", account ? account : "(default)");
		error = unchecked(&a->unchecked, inv, where, "role-overprivileged, logging-denied");
	}
	caller_dispose(&c);
	return error;
}

/* --- per account-region: CloudWatch Logs ------------------------------------------ */

typedef struct {
	char **wanted;              /* the functions' groups */
	size_t nwanted;
	ld_log_groups *out;
} logs_ctx;

static int keep_groups(logs_ctx *l, const ld_json *page)
{
	const ld_json *groups = ld_json_get(page, "logGroups");
	ld_log_group *g;
	double days;

	for (size_t i = 0; i < ld_json_size(groups); i++) {
		const ld_json *e = ld_json_at(groups, i);
		const char *name = ld_json_get_str(e, "logGroupName");
		bool want = false;
		for (size_t k = 0; name && k < l->nwanted && !want; k++)
			want = !strcmp(l->wanted[k], name);
		for (size_t k = 0; want && k < l->out->ngroups; k++)
			want = strcmp(l->out->groups[k].name, name) != 0;
		if (!want)
			continue;
		if (!(g = ld_iam__add_group(l->out)) || !(g->name = strdup(name)))
			return ld_error_oom();
		/* no retentionInDays: the group never expires its events */
		g->retention_days = ld_json_get_num(e, "retentionInDays", &days) && days > 0
					    ? (long)days : 0;
	}
	return 0;
}

static int describe(caller *c, logs_ctx *l, const char *prefix)
{
	ld_json *req = NULL, *page = NULL;
	char *token = NULL;
	int error = 0;

	for (size_t n = 0; error == 0; n++) {
		if (n >= MAX_PAGES) {
			error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "DescribeLogGroups: more than "
					      "%d pages", MAX_PAGES);
			break;
		}
		ld_json_free(req);
		ld_buf_clear(&c->body);
		if (!(req = ld_json_new_object()) ||
		    ld_json_add_str(req, "logGroupNamePrefix", prefix) < 0 ||
		    (token && ld_json_add_str(req, "nextToken", token) < 0) ||
		    (error = ld_json_write(&c->body, req, false)) < 0) {
			error = error < 0 ? error : ld_error_oom();
			break;
		}
		ld_http_response_dispose(&c->resp);
		ld_http_response_init(&c->resp);
		ld_json_free(page);
		page = NULL;
		if ((error = ld_aws_call(&c->client, &c->resp, "DescribeLogGroups", "POST", "/",
					 NULL, c->body.ptr, LD_QUOTA_LOGS)) < 0 ||
		    (error = ld_json_parse(&page, c->resp.body.ptr, c->resp.body.size,
					   "DescribeLogGroups")) < 0 ||
		    (error = keep_groups(l, page)) < 0)
			break;
		const char *next = ld_json_get_str(page, "nextToken");
		if (!next || !next[0])
			break;
		if (token && !strcmp(token, next)) {
			error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "DescribeLogGroups returned "
					      "the same nextToken twice");
			break;
		}
		free(token);
		if (!(token = strdup(next)))
			error = ld_error_oom();
	}
	ld_json_free(req);
	ld_json_free(page);
	free(token);
	return error;
}

/* The functions' groups in the account-region, and the prefixes that find them. */
static int region_groups(logs_ctx *l, char ***prefixes, size_t *np, const ld_inventory *inv,
			 const char *account, const char *region)
{
	static const char lambda_prefix[] = "/aws/lambda/";
	int error = 0;

	for (size_t i = 0; i < inv->nfunctions && error == 0; i++) {
		const ld_function *fn = &inv->functions[i];
		char *g;
		if (!same(fn_account(inv, fn), account) || !same(fn->region, region))
			continue;
		if (!(g = ld_function_log_group(fn)))
			return ld_error_oom();
		error = add_unique(&l->wanted, &l->nwanted, g);
		if (error == 0)
			error = add_unique(prefixes, np, strncmp(g, lambda_prefix,
								 sizeof(lambda_prefix) - 1)
							      ? g : lambda_prefix);
		free(g);
	}
	return error;
}

static int collect_logs(ld_inventory *inv, ld_aws_session *s, const char *account,
			const char *region)
{
	logs_ctx l = { NULL, 0, NULL };
	char **prefixes = NULL, where[160];
	size_t np = 0;
	caller c;
	int error;

	memset(&c, 0, sizeof(c));
	c.body = (ld_buf)LD_BUF_INIT_CAP(64 * 1024);
	ld_http_response_init(&c.resp);
	if (!(l.out = ld_iam__add_logs(inv->iam)) ||
	    (account && !(l.out->account = strdup(account))) ||
	    (region && !(l.out->region = strdup(region))))
		error = ld_error_oom();
	else if ((error = region_groups(&l, &prefixes, &np, inv, account, region)) == 0 && np &&
		 (error = ld_aws_session__logs_client(&c.client, s, region, &inv->calls)) == 0)
		for (size_t i = 0; i < np && error == 0; i++)
			error = describe(&c, &l, prefixes[i]);
	if (error < 0) {
		snprintf(where, sizeof(where), "account %s region %s",
			 account ? account : "(default)", region ? region : "(default)");
		error = unchecked(&l.out->unchecked, inv, where, "log-retention");
	}
	free_list(l.wanted, l.nwanted);
	free_list(prefixes, np);
	caller_dispose(&c);
	return error;
}

/* --- the targets ------------------------------------------------------------------- */

static bool usable(const ld_collect_target *t)
{
	return t->session && !t->error && !t->skipped;
}

int ld_collect_iam(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
		   const ld_rule_selection *rules)
{
	bool roles = ld_rule_selected(rules, "role-overprivileged") ||
		     ld_rule_selected(rules, "logging-denied");
	bool logs = ld_rule_selected(rules, "log-retention");
	int error = 0;

	if (!roles && !logs)
		return 0;
	if (!inv->iam && !(inv->iam = calloc(1, sizeof(*inv->iam))))
		return ld_error_oom();
	for (size_t i = 0; i < ntargets && error == 0; i++) {
		const ld_collect_target *t = &targets[i];
		bool first = usable(t);
		/* IAM once per account, Logs once per account-region */
		for (size_t k = 0; k < i && first; k++)
			first = !usable(&targets[k]) ||
				!same(target_account(inv, &targets[k]), target_account(inv, t));
		if (first && roles)
			error = collect_account(inv, t->session, target_account(inv, t));
		if (error == 0 && logs && usable(t))
			error = collect_logs(inv, t->session, target_account(inv, t),
					     target_region(t));
	}
	ld_iam_inventory_sort(inv->iam);
	return error;
}
