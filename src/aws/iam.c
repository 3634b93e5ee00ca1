/*
 * ld_collect_iam (lambdrift/iam.h): the execution roles and log groups of the functions a
 * collection found. Per account, iam:GetAccountAuthorizationDetails (the query protocol
 * over the partition's global endpoint, paginated by Marker): one listing with Filter Role
 * keeps the functions' roles with their inline policies (documents URL-encoded inside the
 * XML), attached policy ARNs and boundary; one with Filter LocalManagedPolicy and/or
 * AWSManagedPolicy, as those ARNs need, keeps each of their managed policies once, with the
 * document of its default version. Each listing stops once it has found all it looks for,
 * and nothing else is kept, so a big account costs pages, not memory. A managed policy the
 * listing did not return (AWS lists the AWS managed policies in use: one used only as a
 * boundary may be missing) is read with GetPolicy + GetPolicyVersion. Per account-region,
 * logs:DescribeLogGroups (JSON 1.1, paginated) by prefix: /aws/lambda/ once, and each
 * custom LoggingConfig group by its own name. Fail closed: a call that fails (denied,
 * throttled past its retries, ...) leaves that account's roles or that region's groups
 * unchecked with the error that names the missing permission, and a problem line makes the
 * run incomplete. Only a role IAM does not list is left out, which logging-denied then
 * reports. Runs after the Lambda listing: each account's IAM reads and each account-region's
 * Logs reads are one read, its calls one after another, and the reads run at once on
 * reader threads with transports of their own (each on its own account's or account-region's
 * quota, so together they take as long as the longest, not the sum), filling records laid
 * out beforehand in the serial order; their counters and problem lines are added in that
 * order once all are done, so the inventory is the same whatever the timing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/pool.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "inventory/iam.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "util/json.h"

#define MAX_PAGES 1000          /* per listing; IAM and Logs page far below this */
#define MAX_ELEMENT (1 << 20)   /* one XML element's text: policy documents are <= 10 KB */
#define MAX_READERS 16          /* reads at once (ld_collect_iam__with) */

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

/* The decoded text of the first <tag> in xml[0..len) (of the span itself when tag is NULL)
 * into c->text; false when absent. */
static bool element(caller *c, const char *xml, size_t len, const char *tag)
{
	const char *v = xml;
	size_t vlen = len;

	free(c->text);
	c->text = NULL;
	if ((tag && !ld_xml_find(xml, len, tag, &v, &vlen)) || vlen >= MAX_ELEMENT ||
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

/* The decoded text of the direct child <tag> of span[0..len) into c->text; false when absent. */
static bool child(caller *c, const char *span, size_t len, const char *tag)
{
	const char *v;
	size_t vlen;

	if (!ld_xml_child(span, len, tag, &v, &vlen))
		return false;
	return element(c, v, vlen, NULL);
}

typedef int (*member_fn)(caller *c, void *ctx, const char *member, size_t len);

/* Each direct <member> of span[0..len): `fn(ctx, member, len)`. */
static int each_member(caller *c, const char *span, size_t len, member_fn fn, void *ctx)
{
	const char *v;
	size_t vlen, pos = 0;
	int error = 0;

	while (error == 0 && ld_xml_next_child(span, len, "member", &pos, &v, &vlen))
		error = fn(c, ctx, v, vlen);
	return error;
}

/* --- GetAccountAuthorizationDetails ------------------------------------------------ */

typedef struct {
	const char *filters[2];     /* Filter.member.N */
	const char *max_items;
	const char *list;           /* RoleDetailList or Policies */
	member_fn fn;
	const size_t *left;         /* how many wanted items are still unread: 0 stops paging */
} listing;

static int gaad(caller *c, const listing *l, void *ctx)
{
	static const char op[] = "GetAccountAuthorizationDetails";
	const char *span;
	size_t slen;
	char *marker = NULL, key[32];
	int error = 0;

	for (size_t page = 0; error == 0 && *l->left; page++) {
		form_start(c, op);
		for (size_t i = 0; i < 2 && l->filters[i]; i++) {
			snprintf(key, sizeof(key), "Filter.member.%zu", i + 1);
			form_param(c, key, l->filters[i]);
		}
		form_param(c, "MaxItems", l->max_items);
		if (marker)
			form_param(c, "Marker", marker);
		if ((error = iam_call(c, op)) < 0)
			break;
		if (ld_xml_find(c->resp.body.ptr, c->resp.body.size, l->list, &span, &slen) &&
		    (error = each_member(c, span, slen, l->fn, ctx)) < 0)
			break;
		if ((error = next_marker(c, &marker, op, page)) < 0 || !marker)
			break;
	}
	free(marker);
	return error;
}

/* What an account's listings look for, and what they found. */
typedef struct {
	ld_iam_account *a;
	char **roles;               /* the functions' execution role ARNs */
	size_t nroles, roles_left;
	char **policies;            /* managed policy ARNs the roles found attach or are bounded by */
	size_t npolicies, policies_left;
} account_ctx;

static bool listed(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static int add_unique(char ***list, size_t *n, const char *s)
{
	return listed(*list, *n, s) ? 0 : ld_iam__add_string(list, n, s);
}

static int need_policy(account_ctx *x, const char *arn)
{
	size_t before = x->npolicies;
	int error = add_unique(&x->policies, &x->npolicies, arn);

	x->policies_left += x->npolicies - before;
	return error;
}

/* A RoleDetail's attached policies: their ARNs on the role, and wanted. */
static int on_attached(caller *c, void *ctx, const char *m, size_t len)
{
	account_ctx *x = ctx;
	ld_iam_role *r = &x->a->roles[x->a->nroles - 1];
	int error;

	if (!child(c, m, len, "PolicyArn") || !c->text[0])
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetAccountAuthorizationDetails: an "
				     "attached policy without PolicyArn");
	if ((error = ld_iam__add_string(&r->attached, &r->nattached, c->text)) < 0)
		return error;
	return need_policy(x, c->text);
}

/* The URL-encoded document in c->text, compacted into *out. */
static int document(caller *c, char **out, const char *what)
{
	percent_decode(c->text);
	return ld_iam__compact(out, c->text, strlen(c->text), what);
}

static int on_inline(caller *c, void *ctx, const char *m, size_t len)
{
	account_ctx *x = ctx;
	ld_iam_role *r = &x->a->roles[x->a->nroles - 1];
	ld_iam_policy *p;

	if (!child(c, m, len, "PolicyName") || !c->text[0])
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetAccountAuthorizationDetails: an "
				     "inline policy of %s without PolicyName", r->arn);
	if (!(p = ld_iam__add_policy(&r->inline_policies, &r->ninline)) ||
	    !(p->name = strdup(c->text)))
		return ld_error_oom();
	if (!child(c, m, len, "PolicyDocument"))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetAccountAuthorizationDetails: "
				     "inline policy %s of %s without PolicyDocument", p->name, r->arn);
	return document(c, &p->document, "GetAccountAuthorizationDetails");
}

/* A RoleDetail: kept, with its policies, when it is one of the functions' roles. */
static int on_role(caller *c, void *ctx, const char *m, size_t len)
{
	account_ctx *x = ctx;
	const char *v, *b;
	size_t vlen, blen;
	ld_iam_role *r;
	int error = 0;

	if (!child(c, m, len, "Arn") || !listed(x->roles, x->nroles, c->text) ||
	    ld_iam_find_role(x->a, c->text))
		return 0;
	if (!(r = ld_iam__add_role(x->a)) || !(r->arn = strdup(c->text)))
		return ld_error_oom();
	x->roles_left--;
	if (ld_xml_child(m, len, "PermissionsBoundary", &b, &blen) &&
	    child(c, b, blen, "PermissionsBoundaryArn") && c->text[0]) {
		if (!(r->boundary = strdup(c->text)))
			return ld_error_oom();
		error = need_policy(x, r->boundary);
	}
	if (error == 0 && ld_xml_child(m, len, "AttachedManagedPolicies", &v, &vlen))
		error = each_member(c, v, vlen, on_attached, x);
	if (error == 0 && ld_xml_child(m, len, "RolePolicyList", &v, &vlen))
		error = each_member(c, v, vlen, on_inline, x);
	return error;
}

/* The default version's document among a ManagedPolicyDetail's PolicyVersionList. */
typedef struct {
	char *default_id;           /* DefaultVersionId, or NULL */
	char *document;
} version_ctx;

static int on_version(caller *c, void *ctx, const char *m, size_t len)
{
	version_ctx *v = ctx;
	bool is_default = child(c, m, len, "IsDefaultVersion") && !strcmp(c->text, "true");

	if (!is_default && v->default_id)
		is_default = child(c, m, len, "VersionId") && !strcmp(c->text, v->default_id);
	if (!is_default || v->document)
		return 0;
	if (!child(c, m, len, "Document"))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetAccountAuthorizationDetails: a "
				     "policy version without Document");
	return document(c, &v->document, "GetAccountAuthorizationDetails");
}

/* A ManagedPolicyDetail: kept once when a role found needs it. */
static int on_policy(caller *c, void *ctx, const char *m, size_t len)
{
	account_ctx *x = ctx;
	version_ctx v = { NULL, NULL };
	const char *list;
	size_t llen;
	ld_iam_policy *p;
	int error = 0;

	if (!child(c, m, len, "Arn") || !listed(x->policies, x->npolicies, c->text) ||
	    ld_iam_find_policy(x->a, c->text))
		return 0;
	if (!(p = ld_iam__add_policy(&x->a->policies, &x->a->npolicies)) ||
	    !(p->arn = strdup(c->text)))
		return ld_error_oom();
	x->policies_left--;
	if (child(c, m, len, "PolicyName") && c->text[0] && !(p->name = strdup(c->text)))
		return ld_error_oom();
	if (child(c, m, len, "DefaultVersionId") && c->text[0] && !(v.default_id = strdup(c->text)))
		return ld_error_oom();
	if (ld_xml_child(m, len, "PolicyVersionList", &list, &llen))
		error = each_member(c, list, llen, on_version, &v);
	if (error == 0 && !v.document)
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetAccountAuthorizationDetails: "
				      "policy %s without its default version", p->arn);
	p->document = v.document;
	free(v.default_id);
	return error;
}

/* A managed policy the listing did not return: GetPolicy + GetPolicyVersion. */
static int collect_managed(caller *c, ld_iam_account *a, const char *arn)
{
	ld_iam_policy *p;
	char *version = NULL;
	int error;

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
	if (error == 0 && (error = iam_call(c, "GetPolicyVersion")) == 0) {
		if (!resp_element(c, "Document"))
			return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetPolicyVersion %s: no "
					     "Document in the answer", arn);
		error = document(c, &a->policies[a->npolicies - 1].document, "GetPolicyVersion");
	}
	return error;
}

static bool aws_managed(const char *arn)
{
	return strstr(arn, ":iam::aws:policy/") != NULL;
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
	account_ctx x = { a, NULL, 0, 0, NULL, 0, 0 };
	listing roles = { { "Role", NULL }, "100", "RoleDetailList", on_role, &x.roles_left };
	/* a policy carries every version (up to 5 of 6,144 characters, URL-encoded): 50 a page
	 * stays well under the 8 MiB answer cap */
	listing policies = { { NULL, NULL }, "50", "Policies", on_policy, &x.policies_left };
	size_t nf = 0;
	bool local = false, aws = false;
	int error = account_roles(&x.roles, &x.nroles, inv, a->account);

	x.roles_left = x.nroles;
	if (error == 0)
		error = gaad(c, &roles, &x);
	for (size_t i = 0; i < x.npolicies; i++) {
		aws = aws || aws_managed(x.policies[i]);
		local = local || !aws_managed(x.policies[i]);
	}
	if (local)
		policies.filters[nf++] = "LocalManagedPolicy";
	if (aws)
		policies.filters[nf++] = "AWSManagedPolicy";
	if (error == 0 && nf)
		error = gaad(c, &policies, &x);
	for (size_t i = 0; i < x.npolicies && error == 0; i++)
		if (!ld_iam_find_policy(a, x.policies[i]))
			error = collect_managed(c, a, x.policies[i]);
	free_list(x.roles, x.nroles);
	free_list(x.policies, x.npolicies);
	return error;
}

/* One read of the account's roles or the account-region's groups, on a reader thread
 * (ld_collect_iam): it fills its own record and counters, and the problem line it leaves
 * is added to the inventory in the reads' order once all are done, so the inventory is the
 * same whatever the timing. */
typedef struct {
	const ld_collect_target *t;
	bool roles;                 /* the account's IAM, else the account-region's Logs */
	size_t slot;                /* into inv->iam->accounts or ->logs */
	ld_api_calls calls;
	char *problem;              /* the line to add, or NULL */
	int error;                  /* < 0: out of memory (the run stops) */
} posture_read;

/* The read failed: why, kept in its record, and the problem line that says so. */
static int unchecked(char **why, posture_read *r, const char *where, const char *rules)
{
	const char *msg = ld_error_last()->message;
	ld_buf line = LD_BUF_INIT_CAP(8192);

	if (!(*why = strdup(msg[0] ? msg : "failed")))
		return ld_error_oom();
	ld_error_clear();
	ld_buf_printf(&line, "%s: %s unchecked: %s", where, rules, *why);
	if (line.error || !(r->problem = ld_buf_detach(&line))) {
		ld_buf_dispose(&line);
		return ld_error_oom();
	}
	return 0;
}

static int collect_account(const ld_inventory *inv, ld_iam_account *a, posture_read *r,
			   ld_aws_session *s, const char *account)
{
	caller c;
	char where[160];
	int error;

	memset(&c, 0, sizeof(c));
	c.body = (ld_buf)LD_BUF_INIT_CAP(64 * 1024);
	ld_http_response_init(&c.resp);
	if (account && !(a->account = strdup(account))) {
		caller_dispose(&c);
		return ld_error_oom();
	}
	if ((error = ld_aws_session__iam_client(&c.client, s, &r->calls)) == 0)
		error = iam_account(&c, a, inv);
	/* whatever failed (denied, throttled, a bad answer): unchecked, never clean */
	if (error < 0) {
		snprintf(where, sizeof(where), "account %s", account ? account : "(default)");
		error = unchecked(&a->unchecked, r, where, "role-overprivileged, logging-denied");
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

static int collect_logs(const ld_inventory *inv, ld_log_groups *out, posture_read *r,
			ld_aws_session *s, const char *account, const char *region)
{
	logs_ctx l = { NULL, 0, out };
	char **prefixes = NULL, where[160];
	size_t np = 0;
	caller c;
	int error;

	memset(&c, 0, sizeof(c));
	c.body = (ld_buf)LD_BUF_INIT_CAP(64 * 1024);
	ld_http_response_init(&c.resp);
	if ((account && !(l.out->account = strdup(account))) ||
	    (region && !(l.out->region = strdup(region))))
		error = ld_error_oom();
	else if ((error = region_groups(&l, &prefixes, &np, inv, account, region)) == 0 && np &&
		 (error = ld_aws_session__logs_client(&c.client, s, region, &r->calls)) == 0)
		for (size_t i = 0; i < np && error == 0; i++)
			error = describe(&c, &l, prefixes[i]);
	if (error < 0) {
		snprintf(where, sizeof(where), "account %s region %s",
			 account ? account : "(default)", region ? region : "(default)");
		error = unchecked(&l.out->unchecked, r, where, "log-retention");
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

/* The reads to make, in the order the serial collection made them: per target, its
 * account's IAM when it is the account's first usable target, then its Logs; each with its
 * record added to inv->iam now, so the records stay where they are while readers fill them. */
static int plan_reads(posture_read **out, size_t *nout, ld_inventory *inv,
		      const ld_collect_target *targets, size_t ntargets, bool roles, bool logs)
{
	posture_read *reads = calloc(2 * ntargets + 1, sizeof(*reads));
	size_t n = 0;

	*nout = 0;
	if (!(*out = reads))
		return ld_error_oom();
	for (size_t i = 0; i < ntargets; i++) {
		const ld_collect_target *t = &targets[i];
		bool first = usable(t);
		/* IAM once per account, Logs once per account-region */
		for (size_t k = 0; k < i && first; k++)
			first = !usable(&targets[k]) ||
				!same(target_account(inv, &targets[k]), target_account(inv, t));
		if (first && roles) {
			reads[n] = (posture_read){ t, true, inv->iam->naccounts, { 0 }, NULL, 0 };
			if (!ld_iam__add_account(inv->iam))
				return ld_error_oom();
			*nout = ++n;
		}
		if (logs && usable(t)) {
			reads[n] = (posture_read){ t, false, inv->iam->nlogs, { 0 }, NULL, 0 };
			if (!ld_iam__add_logs(inv->iam))
				return ld_error_oom();
			*nout = ++n;
		}
	}
	return 0;
}

static void run_read(const ld_inventory *inv, posture_read *r)
{
	const ld_collect_target *t = r->t;

	if (r->roles)
		r->error = collect_account(inv, &inv->iam->accounts[r->slot], r, t->session,
					   target_account(inv, t));
	else
		r->error = collect_logs(inv, &inv->iam->logs[r->slot], r, t->session,
					target_account(inv, t), target_region(t));
}

/* --- readers: the reads on threads of their own ---------------------------------------- */

typedef struct {
	const ld_inventory *inv;
	posture_read *reads;
	size_t nreads, next;
	pthread_mutex_t lock;
} read_queue;

typedef struct {
	read_queue *q;
	ld_transport *transport; /* the reader's own: a session's is one request at a time */
	pthread_t thread;
	bool started;
} reader;

static void *reader_main(void *arg)
{
	reader *w = arg;
	read_queue *q = w->q;

	ld_aws_session__use_thread_transport(w->transport);
	for (;;) {
		size_t i;
		pthread_mutex_lock(&q->lock);
		i = q->next < q->nreads ? q->next++ : q->nreads;
		pthread_mutex_unlock(&q->lock);
		if (i == q->nreads)
			break;
		run_read(q->inv, &q->reads[i]);
	}
	ld_aws_session__use_thread_transport(NULL);
	return NULL;
}

/* Every read, up to nreaders at once (no reader thread: one after another, here). */
static int run_reads(const ld_inventory *inv, posture_read *reads, size_t nreads,
		     size_t nreaders, const ld_collect_seams *seams)
{
	read_queue q = { inv, reads, nreads, 0, PTHREAD_MUTEX_INITIALIZER };
	reader *w = nreaders ? calloc(nreaders, sizeof(*w)) : NULL;
	size_t started = 0;

	if (nreaders && !w)
		return ld_error_oom();
	for (size_t k = 0; k < nreaders; k++) {
		ld_aws_session *s = reads[0].t->session;
		w[k].q = &q;
		if ((seams && seams->transport_new
			     ? seams->transport_new(seams->transport_ctx, &w[k].transport, s)
			     : ld_aws_session__transport_new(&w[k].transport, s)) < 0 ||
		    pthread_create(&w[k].thread, NULL, reader_main, &w[k]) != 0)
			break;
		w[k].started = true;
		started++;
	}
	/* no reader (none asked for, or none could start): each read here, in turn, on the
	 * sessions' own transports */
	for (size_t i = 0; i < nreads && !started; i++)
		run_read(inv, &reads[i]);
	for (size_t k = 0; k < nreaders; k++) {
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
		ld_transport_free(w[k].transport);
	}
	free(w);
	return 0;
}

/* The reads' counters and problem lines into the inventory, in the reads' order. */
static int finish_reads(ld_inventory *inv, posture_read *reads, size_t nreads)
{
	int error = 0;

	for (size_t i = 0; i < nreads; i++) {
		ld_api_calls_add(&inv->calls, &reads[i].calls);
		if (reads[i].error < 0 && error == 0)
			error = ld_error_oom(); /* said on the reader's thread: say it here */
		if (reads[i].problem && error == 0)
			error = ld_inventory_problem(inv, "%s", reads[i].problem);
		free(reads[i].problem);
	}
	return error;
}

int ld_collect_iam__with(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
			 const ld_rule_selection *rules, const ld_collect_seams *seams)
{
	bool roles = ld_rule_selected(rules, "role-overprivileged") ||
		     ld_rule_selected(rules, "logging-denied");
	bool logs = ld_rule_selected(rules, "log-retention");
	posture_read *reads = NULL;
	size_t nreads = 0, nreaders = 0;
	int error;

	if (!roles && !logs)
		return 0;
	if (!inv->iam && !(inv->iam = calloc(1, sizeof(*inv->iam))))
		return ld_error_oom();
	error = plan_reads(&reads, &nreads, inv, targets, ntargets, roles, logs);
	/* each read is a few calls in turn on its own account's or account-region's quotas,
	 * so they go at once; with the sessions' own transports, one at a time */
	if (!seams || !seams->session_transport)
		nreaders = nreads < MAX_READERS ? nreads : MAX_READERS;
	if (error == 0 && nreads)
		error = run_reads(inv, reads, nreads, nreaders, seams);
	if (error == 0)
		error = finish_reads(inv, reads, nreads);
	else
		for (size_t i = 0; i < nreads; i++)
			free(reads[i].problem);
	free(reads);
	ld_iam_inventory_sort(inv->iam);
	return error;
}

int ld_collect_iam(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
		   const ld_rule_selection *rules)
{
	static const ld_collect_seams serial = { NULL, NULL, true, NULL };

	return ld_collect_iam__with(inv, targets, ntargets, rules, &serial);
}
