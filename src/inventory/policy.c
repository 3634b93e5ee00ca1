/*
 * Resource policies, function URLs and reserved concurrency of a function (policy.h): the
 * record, its snapshot form, and the reading of policy statements. A statement is read as
 * Lambda evaluates a resource policy: an Allow to everyone ("*", {"AWS": "*"}) counts as
 * public unless a condition pins the caller (aws:SourceAccount, aws:SourceOwner,
 * aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalArn,
 * aws:SourceVpc(e), lambda:EventSourceToken without a wildcard; aws:SourceArn without one or
 * with a literal account) with a positive operator; an Allow to a service principal is a
 * confused deputy unless the same conditions pin the source's account (AWS's guidance for
 * Lambda permissions and for cross-service confused deputy prevention); aws:SourceIp pins
 * everyone to narrow blocks as S3 Block Public Access reads "public". Condition
 * keys are case-insensitive, as in IAM ("AWS:SourceArn" is what Lambda writes back).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory/policy.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/str.h"

ld_fn_policy *ld_fn_policy_new(void)
{
	ld_fn_policy *p = calloc(1, sizeof(*p));
	if (!p) {
		ld_error_oom();
		return NULL;
	}
	p->reserved_concurrency = -1;
	return p;
}

void ld_fn_policy_free(ld_fn_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->npolicies; i++) {
		free(p->policies[i].qualifier);
		free(p->policies[i].document);
	}
	free(p->policies);
	for (size_t i = 0; i < p->nurls; i++) {
		free(p->urls[i].url);
		free(p->urls[i].function_arn);
		free(p->urls[i].auth_type);
		free(p->urls[i].cors);
	}
	free(p->urls);
	free(p->unchecked);
	free(p);
}

static char *canonical(const ld_json *j)
{
	ld_buf b = LD_BUF_INIT_CAP((size_t)4 * 1024 * 1024);
	if (ld_json_canonical(&b, j) < 0) {
		ld_buf_dispose(&b);
		return NULL;
	}
	return ld_buf_detach(&b);
}

static int add_parsed(ld_fn_policy *p, const char *qualifier, const ld_json *doc)
{
	ld_resource_policy *slot;

	if (!ld_json_is_object(doc))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "resource policy is not a JSON object");
	if (ld_array_grow(p->policies, p->npolicies, 1) < 0)
		return LD_ERROR;
	slot = &p->policies[p->npolicies];
	memset(slot, 0, sizeof(*slot));
	if (ld_dup_or_null(&slot->qualifier, qualifier) < 0 || !(slot->document = canonical(doc))) {
		free(slot->qualifier);
		return ld_error_oom();
	}
	p->npolicies++;
	return 0;
}

int ld_fn_policy_add(ld_fn_policy *p, const char *qualifier, const char *text, size_t len)
{
	ld_json *doc = NULL;
	int error;

	if ((error = ld_json_parse(&doc, text, len, "resource policy")) == 0)
		error = add_parsed(p, qualifier, doc);
	ld_json_free(doc);
	return error;
}

int ld_fn_policy_add_url(ld_fn_policy *p, const ld_json *item)
{
	const char *url = ld_json_get_str(item, "FunctionUrl");
	const char *arn = ld_json_get_str(item, "FunctionArn");
	const char *auth = ld_json_get_str(item, "AuthType");
	const ld_json *cors = ld_json_get(item, "Cors");
	ld_url_config *u;

	if (!url || !arn || !auth)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "a function URL config without "
				     "FunctionUrl, FunctionArn or AuthType");
	if (ld_array_grow(p->urls, p->nurls, 1) < 0)
		return LD_ERROR;
	u = &p->urls[p->nurls++];
	memset(u, 0, sizeof(*u));
	if (!(u->url = strdup(url)) || !(u->function_arn = strdup(arn)) ||
	    !(u->auth_type = strdup(auth)) ||
	    (ld_json_is_object(cors) && !(u->cors = canonical(cors))))
		return ld_error_oom(); /* the record frees the partial entry */
	return 0;
}

static int cmp_policies(const void *a, const void *b)
{
	const ld_resource_policy *x = a, *y = b;
	if (!x->qualifier || !y->qualifier)
		return (x->qualifier != NULL) - (y->qualifier != NULL);
	return strcmp(x->qualifier, y->qualifier);
}

static int cmp_urls(const void *a, const void *b)
{
	return strcmp(((const ld_url_config *)a)->function_arn,
		      ((const ld_url_config *)b)->function_arn);
}

void ld_fn_policy_sort(ld_fn_policy *p)
{
	if (p->npolicies > 1)
		qsort(p->policies, p->npolicies, sizeof(*p->policies), cmp_policies);
	if (p->nurls > 1)
		qsort(p->urls, p->nurls, sizeof(*p->urls), cmp_urls);
}

/* --- reading statements ---------------------------------------------------------------- */

/* Each string of a string-or-array member, with `f` until it returns true. */
static bool any_string(const ld_json *j, bool (*f)(const char *s, const void *ctx),
		       const void *ctx)
{
	if (ld_json_is_string(j))
		return f(ld_json_str(j), ctx);
	for (size_t i = 0; ld_json_is_array(j) && i < ld_json_size(j); i++)
		if (ld_json_is_string(ld_json_at(j, i)) && f(ld_json_str(ld_json_at(j, i)), ctx))
			return true;
	return false;
}

/* IAM action matching: case-insensitive, '*' and '?' wildcards. */
static bool action_glob(const char *pat, const char *s)
{
	for (; *pat; pat++, s++) {
		if (*pat == '*') {
			for (const char *t = s;; t++) {
				if (action_glob(pat + 1, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (!*s || (*pat != '?' && tolower((unsigned char)*pat) != tolower((unsigned char)*s)))
			return false;
	}
	return !*s;
}

static bool matches_action(const char *pat, const void *action)
{
	return action_glob(pat, action);
}

bool ld_policy_statement_invokes(const ld_json *st, bool url)
{
	const char *action = url ? "lambda:InvokeFunctionUrl" : "lambda:InvokeFunction";
	const ld_json *not = ld_json_get(st, "NotAction");

	if (not)
		return !any_string(not, matches_action, action);
	return any_string(ld_json_get(st, "Action"), matches_action, action);
}

static bool is_star(const char *s, const void *ctx)
{
	(void)ctx;
	return !strcmp(s, "*");
}

static bool is_service(const char *s, const void *ctx)
{
	const char **who = (const char **)ctx;
	*who = s;
	return true;
}

/* "*" or {"AWS": "*"} (alone or in a list): everyone. A service principal sets *service. */
static bool everyone(const ld_json *st, const char **service)
{
	const ld_json *pr = ld_json_get(st, "Principal");

	*service = NULL;
	if (ld_json_is_string(pr))
		return !strcmp(ld_json_str(pr), "*");
	if (!ld_json_is_object(pr))
		return false;
	if (any_string(ld_json_get(pr, "AWS"), is_star, NULL))
		return true;
	any_string(ld_json_get(pr, "Service"), is_service, (const void *)service);
	return false;
}

static bool has_wildcard(const char *s, const void *ctx)
{
	(void)ctx;
	return strchr(s, '*') || strchr(s, '?');
}

/* Operators that pin a key to the values given (IfExists lets an absent key through). */
static bool positive_operator(const char *op)
{
	static const char *const ops[] = { "StringEquals", "StringEqualsIgnoreCase", "StringLike",
					   "ArnEquals", "ArnLike", "ForAnyValue:StringEquals",
					   "ForAnyValue:StringLike", "ForAllValues:StringEquals",
					   "ForAllValues:StringLike" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcasecmp(op, ops[i]))
			return true;
	return false;
}

/* KEY_ANYONE: what pins a Principal "*" grant; KEY_CALLER: a service principal's (whose
 * calls come from AWS's addresses, so aws:SourceIp says nothing of the source account). */
typedef enum { KEY_ANYONE, KEY_CALLER, KEY_URL_AUTH } key_kind;

#define WIDEST_V4 8  /* the largest block IANA ever assigned: one /8 */
#define WIDEST_V6 32 /* the least an RIR allocates to one provider */

/* Whether an aws:SourceIp value is too broad to name one network: not a valid address or
 * CIDR, or an IPv4 block wider than /8, an IPv6 one wider than /32 (0.0.0.0/1 and
 * 128.0.0.0/1 together are the whole internet). A bare address is a /32 or /128. */
static bool cidr_wide(const char *s, const void *ctx)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	bool v6 = memchr(s, ':', n) != NULL;
	long bits = v6 ? 128 : 32;
	unsigned char bin[16];
	char addr[64], *end;

	(void)ctx;
	if (n == 0 || n >= sizeof(addr))
		return true;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, bin) != 1)
		return true;
	if (slash) {
		if (!isdigit((unsigned char)slash[1]))
			return true;
		bits = strtol(slash + 1, &end, 10);
		if (*end || bits > (v6 ? 128 : 32))
			return true;
	}
	return bits < (v6 ? WIDEST_V6 : WIDEST_V4);
}

/* Whether an ARN condition value `v` names sources of one account: a value without
 * wildcards, or one whose account field is a literal 12-digit id (AWS's advice for a source
 * whose full ARN is not known: arn:aws:SERVICE:*:123456789012:*). ArnLike compares each of
 * the six fields alone; under StringLike a '*' before the account could run past its colon,
 * so there the account must come before any '*'. S3 bucket ARNs carry no account: with a
 * wildcard in the name, any account's bucket matches. */
static bool arn_pins(const char *v, bool by_field)
{
	const char *p = v;
	size_t n = 0;

	if (!has_wildcard(v, NULL))
		return true;
	for (int i = 0; i < 4; i++)
		if (!(p = strchr(p, ':')))
			return false;
		else
			p++;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	return n == 12 && p[n] == ':' && (by_field || memchr(v, '*', (size_t)(p - v)) == NULL);
}

static bool arn_loose(const char *s, const void *by_field)
{
	return !arn_pins(s, *(const bool *)by_field);
}

/* Whether key `k` of condition operator `op` pins the caller with every value it lists (the
 * values are alternatives: one loose value lets anyone matching it in). */
static bool key_pins(const char *op, const ld_json *k, key_kind kind)
{
	static const char *const caller[] = { "aws:SourceAccount", "aws:SourceOwner",
					      "aws:PrincipalAccount", "aws:PrincipalOrgID",
					      "aws:PrincipalOrgPaths", "aws:PrincipalArn",
					      "aws:SourceVpc", "aws:SourceVpce", "aws:userid",
					      "lambda:EventSourceToken" };
	const char *key = ld_json_key(k);
	bool by_field = !strncasecmp(op, "Arn", 3);

	if (!ld_json_is_string(k) && !ld_json_size(k))
		return false;
	/* S3 Block Public Access (and IAM Access Analyzer) take a set of CIDRs as non-public */
	if (kind == KEY_ANYONE && !strcasecmp(op, "IpAddress") && !strcasecmp(key, "aws:SourceIp"))
		return !any_string(k, cidr_wide, NULL);
	if (!positive_operator(op))
		return false;
	if (kind == KEY_URL_AUTH)
		return !strcasecmp(key, "lambda:FunctionUrlAuthType") &&
		       !any_string(k, has_wildcard, NULL);
	if (!strcasecmp(key, "aws:SourceArn"))
		return !any_string(k, arn_loose, &by_field);
	for (size_t i = 0; i < sizeof(caller) / sizeof(*caller); i++)
		if (!strcasecmp(key, caller[i]))
			return !any_string(k, has_wildcard, NULL);
	return false;
}

/* Whether the statement's Condition pins key `kind` with exact values (the operators of a
 * Condition, and the keys of one operator, must all hold: one that pins is enough). */
static bool pinned(const ld_json *st, key_kind kind)
{
	const ld_json *cond = ld_json_get(st, "Condition");

	for (const ld_json *op = ld_json_first(cond); ld_json_is_object(cond) && op;
	     op = ld_json_next(op))
		for (const ld_json *k = ld_json_first(op); ld_json_is_object(op) && k;
		     k = ld_json_next(k))
			if (key_pins(ld_json_key(op), k, kind))
				return true;
	return false;
}

static bool is_not_true(const char *s, const void *ctx)
{
	(void)ctx;
	return strcasecmp(s, "true") != 0;
}

/* Since October 2025 AWS pairs a public URL's lambda:InvokeFunctionUrl statement with a
 * lambda:InvokeFunction one under Bool lambda:InvokedViaFunctionUrl "true": a grant that only
 * works through the URL, so url-public's to judge, not policy-public's. */
static bool via_url(const ld_json *st)
{
	const ld_json *cond = ld_json_get(st, "Condition");

	for (const ld_json *op = ld_json_first(cond); ld_json_is_object(cond) && op;
	     op = ld_json_next(op)) {
		if (strcasecmp(ld_json_key(op), "Bool") || !ld_json_is_object(op))
			continue;
		for (const ld_json *k = ld_json_first(op); k; k = ld_json_next(k))
			if (!strcasecmp(ld_json_key(k), "lambda:InvokedViaFunctionUrl") &&
			    (ld_json_is_string(k) || (ld_json_is_array(k) && ld_json_size(k))) &&
			    !any_string(k, is_not_true, NULL))
				return true;
	}
	return false;
}

bool ld_policy_statement_for_url(const ld_json *st)
{
	return pinned(st, KEY_URL_AUTH) || via_url(st);
}

static bool auth_is(const char *s, const void *auth)
{
	return !strcmp(s, (const char *)auth);
}

static bool auth_like(const char *s, const void *auth)
{
	return action_glob(s, auth);
}

bool ld_policy_statement_admits_auth(const ld_json *st, const char *auth_type)
{
	const ld_json *cond = ld_json_get(st, "Condition");

	for (const ld_json *op = ld_json_first(cond); ld_json_is_object(cond) && op;
	     op = ld_json_next(op)) {
		const char *name = ld_json_key(op);
		for (const ld_json *k = ld_json_first(op); ld_json_is_object(op) && k;
		     k = ld_json_next(k)) {
			if (strcasecmp(ld_json_key(k), "lambda:FunctionUrlAuthType"))
				continue;
			if (!strcasecmp(name, "StringEquals") && !any_string(k, auth_is, auth_type))
				return false;
			if ((!strcasecmp(name, "StringLike") ||
			     !strcasecmp(name, "StringEqualsIgnoreCase")) &&
			    !any_string(k, auth_like, auth_type))
				return false;
			if (!strcasecmp(name, "StringNotEquals") && any_string(k, auth_is, auth_type))
				return false;
		}
	}
	return true; /* no condition on it, or one read as letting it through: fail closed */
}

/* moto writes the URL's auth type as a bare key; AWS as a condition. Only the condition
 * counts here (the launcher answers as AWS does). */
static bool url_only(const ld_json *st)
{
	return ld_policy_statement_for_url(st) || !ld_policy_statement_invokes(st, false);
}

ld_grant ld_policy_statement_grant(const ld_json *st, const char **who)
{
	const char *effect = ld_json_get_str(st, "Effect");
	const char *service = NULL;

	*who = NULL;
	if (!effect || strcasecmp(effect, "Allow"))
		return LD_GRANT_NONE;
	if (everyone(st, &service)) {
		*who = "*";
		if (pinned(st, KEY_ANYONE))
			return LD_GRANT_NONE;
		if (url_only(st))
			return ld_policy_statement_invokes(st, true) ? LD_GRANT_URL_PUBLIC
								     : LD_GRANT_NONE;
		return LD_GRANT_PUBLIC;
	}
	if (service && ld_policy_statement_invokes(st, false) && !pinned(st, KEY_CALLER)) {
		*who = service;
		return LD_GRANT_DEPUTY;
	}
	return LD_GRANT_NONE;
}

const ld_json *ld_policy_statements(const ld_json *policy)
{
	const ld_json *st = ld_json_get(policy, "Statement");
	return ld_json_is_array(st) || ld_json_is_object(st) ? st : NULL;
}

/* Statement i of a statement list that may be one object. */
static const ld_json *statement_at(const ld_json *sts, size_t i)
{
	return ld_json_is_object(sts) ? (i == 0 ? sts : NULL) : ld_json_at(sts, i);
}

static size_t statement_count(const ld_json *sts)
{
	return ld_json_is_object(sts) ? 1 : ld_json_size(sts);
}

bool ld_policy_denied(const ld_json *policy, bool url)
{
	const ld_json *sts = ld_policy_statements(policy);
	const char *service;

	for (size_t i = 0; i < statement_count(sts); i++) {
		const ld_json *st = statement_at(sts, i);
		const char *effect = ld_json_get_str(st, "Effect");
		if (effect && !strcasecmp(effect, "Deny") && everyone(st, &service) &&
		    !ld_json_get(st, "Condition") && ld_policy_statement_invokes(st, url))
			return true;
	}
	return false;
}

/* Calls `f` on every statement of every policy until it returns true. */
static bool any_statement(const ld_fn_policy *p, bool (*f)(const ld_json *policy,
							   const ld_json *st, const char *q,
							   const ld_fn_policy *p))
{
	bool hit = false;

	for (size_t i = 0; p && i < p->npolicies && !hit; i++) {
		ld_json *doc = NULL;
		const ld_json *sts;
		const char *text = p->policies[i].document;

		if (ld_json_parse(&doc, text, strlen(text), "resource policy") < 0) {
			ld_error_clear();
			continue;
		}
		sts = ld_policy_statements(doc);
		for (size_t j = 0; j < statement_count(sts) && !hit; j++)
			hit = f(doc, statement_at(sts, j), p->policies[i].qualifier, p);
		ld_json_free(doc);
	}
	return hit;
}

static bool names_url(const ld_json *policy, const ld_json *st, const char *q,
		      const ld_fn_policy *p)
{
	(void)policy, (void)q, (void)p;
	return ld_policy_statement_invokes(st, true) || ld_policy_statement_for_url(st);
}

bool ld_fn_policy_names_url(const ld_fn_policy *p)
{
	return any_statement(p, names_url);
}

static bool is_public(const ld_json *policy, const ld_json *st, const char *q,
		      const ld_fn_policy *p)
{
	const ld_url_config *u;
	const char *who;

	switch (ld_policy_statement_grant(st, &who)) {
	case LD_GRANT_PUBLIC:
	case LD_GRANT_DEPUTY:
		return !ld_policy_denied(policy, false);
	case LD_GRANT_URL_PUBLIC:
		/* the collector asks before it has the URLs: then any URL grant counts */
		if (!p->urls_checked)
			return true;
		/* AuthType NONE: anyone (url-public); AWS_IAM: any account's principals
		 * (policy-public), as long as the statement admits the URL's auth type */
		u = ld_fn_policy_url(p, q);
		return u && ld_policy_statement_admits_auth(st, u->auth_type) &&
		       !ld_policy_denied(policy, true);
	default:
		return false;
	}
}

bool ld_fn_policy_public(const ld_fn_policy *p)
{
	return any_statement(p, is_public);
}

void ld_policy_arn_qualifier(char *out, size_t len, const char *arn)
{
	const char *p = arn;
	int colons = 0;

	out[0] = '\0';
	for (; p && *p && colons < 7; p++)
		colons += *p == ':';
	if (colons == 7 && p)
		snprintf(out, len, "%s", p);
}

const ld_url_config *ld_fn_policy_url(const ld_fn_policy *p, const char *qualifier)
{
	char q[256];

	for (size_t i = 0; p && i < p->nurls; i++) {
		ld_policy_arn_qualifier(q, sizeof(q), p->urls[i].function_arn);
		if (!strcmp(q, qualifier ? qualifier : ""))
			return &p->urls[i];
	}
	return NULL;
}

/* --- snapshot form ------------------------------------------------------------------- */

static int add_raw(ld_json *o, const char *key, const char *text)
{
	ld_json *v = NULL;
	int error;

	if (!text)
		return ld_json_add(o, key, ld_json_new_null());
	if ((error = ld_json_parse(&v, text, strlen(text), key)) < 0)
		return error;
	return ld_json_add(o, key, v);
}

static ld_json *policies_json(const ld_fn_policy *p)
{
	ld_json *arr = ld_json_new_array(), *o;
	int error = arr ? 0 : ld_error_oom();

	for (size_t i = 0; i < p->npolicies && error == 0; i++) {
		if (!(o = ld_json_new_object()) ||
		    (error = ld_json_append(arr, o)) < 0 ||
		    (error = ld_json_add_str(o, "qualifier", p->policies[i].qualifier)) < 0)
			error = error < 0 ? error : ld_error_oom();
		else
			error = add_raw(o, "policy", p->policies[i].document);
	}
	if (error < 0) {
		ld_json_free(arr);
		return NULL;
	}
	return arr;
}

static ld_json *urls_json(const ld_fn_policy *p)
{
	ld_json *arr = ld_json_new_array(), *o;
	int error = arr ? 0 : ld_error_oom();

	for (size_t i = 0; i < p->nurls && error == 0; i++) {
		const ld_url_config *u = &p->urls[i];
		if (!(o = ld_json_new_object()) || (error = ld_json_append(arr, o)) < 0 ||
		    (error = ld_json_add_str(o, "url", u->url)) < 0 ||
		    (error = ld_json_add_str(o, "function_arn", u->function_arn)) < 0 ||
		    (error = ld_json_add_str(o, "auth_type", u->auth_type)) < 0)
			error = error < 0 ? error : ld_error_oom();
		else
			error = add_raw(o, "cors", u->cors);
	}
	if (error < 0) {
		ld_json_free(arr);
		return NULL;
	}
	return arr;
}

ld_json *ld_fn_policy_json(const ld_fn_policy *p)
{
	ld_json *o = ld_json_new_object();

	if (!o || ld_json_add(o, "resource_policies", policies_json(p)) < 0 ||
	    ld_json_add_str(o, "unchecked", p->unchecked) < 0 ||
	    ld_json_add(o, "urls", p->urls_checked ? urls_json(p) : ld_json_new_null()) < 0 ||
	    ld_json_add(o, "reserved_concurrency",
			!p->concurrency_checked ? ld_json_new_null()
			: p->reserved_concurrency < 0 ? ld_json_new_string("none")
			: ld_json_new_number((double)p->reserved_concurrency)) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static int bad(const char *file, const char *where, const char *member, const char *what)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s.access.%s: %s", file, where,
			     member, what);
}

/* Required: [] is "read, and there are none", which an absent list must not pass for. */
static int load_policies(ld_fn_policy *p, const ld_json *arr, const char *file,
			 const char *where)
{
	if (!ld_json_is_array(arr))
		return bad(file, where, "resource_policies",
			   "expected an array of the policies read ([] when there are none)");
	for (size_t i = 0; i < ld_json_size(arr); i++) {
		const ld_json *item = ld_json_at(arr, i);
		const ld_json *q = ld_json_get(item, "qualifier");
		int error;
		if ((q && !ld_json_is_null(q) && !ld_json_is_string(q)) ||
		    !ld_json_is_object(ld_json_get(item, "policy")))
			return bad(file, where, "resource_policies",
				   "expected objects of qualifier and policy");
		if ((error = add_parsed(p, ld_json_is_string(q) ? ld_json_str(q) : NULL,
					ld_json_get(item, "policy"))) < 0)
			return error;
	}
	return 0;
}

static int load_urls(ld_fn_policy *p, const ld_json *arr, const char *file, const char *where)
{
	if (!arr || ld_json_is_null(arr))
		return 0;
	if (!ld_json_is_array(arr))
		return bad(file, where, "urls", "expected an array or null");
	p->urls_checked = true;
	for (size_t i = 0; i < ld_json_size(arr); i++) {
		const ld_json *item = ld_json_at(arr, i);
		ld_json *api = ld_json_new_object();
		int error = api ? 0 : ld_error_oom();
		const ld_json *cors = ld_json_get(item, "cors");

		if (error == 0 &&
		    (ld_json_add_str(api, "FunctionUrl", ld_json_get_str(item, "url")) < 0 ||
		     ld_json_add_str(api, "FunctionArn", ld_json_get_str(item, "function_arn")) < 0 ||
		     ld_json_add_str(api, "AuthType", ld_json_get_str(item, "auth_type")) < 0 ||
		     (ld_json_is_object(cors) && ld_json_add(api, "Cors", ld_json_dup(cors)) < 0)))
			error = LD_ERROR;
		if (error == 0 && (error = ld_fn_policy_add_url(p, api)) == LD_EINVALID)
			error = bad(file, where, "urls", "expected url, function_arn and auth_type");
		ld_json_free(api);
		if (error < 0)
			return error;
	}
	return 0;
}

static int load_concurrency(ld_fn_policy *p, const ld_json *c, const char *file,
			    const char *where)
{
	double d;

	if (!c || ld_json_is_null(c))
		return 0;
	p->concurrency_checked = true;
	if (ld_json_is_string(c) && !strcmp(ld_json_str(c), "none"))
		return 0;
	d = ld_json_num(c);
	if (!ld_json_is_number(c) || d < 0 || d > 1e9 || d != (double)(long)d)
		return bad(file, where, "reserved_concurrency",
			   "expected a non-negative integer, \"none\" or null");
	p->reserved_concurrency = (long)d;
	return 0;
}

int ld_fn_policy_load(ld_fn_policy **out, const ld_json *obj, const char *file,
		      const char *where)
{
	const ld_json *unchecked = ld_json_get(obj, "unchecked");
	ld_fn_policy *p;
	int error;

	*out = NULL;
	if (!obj || ld_json_is_null(obj))
		return 0;
	if (!ld_json_is_object(obj))
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s.access: expected an "
				     "object", file, where);
	if (unchecked && !ld_json_is_null(unchecked) && !ld_json_is_string(unchecked))
		return bad(file, where, "unchecked", "expected a string or null");
	if (!(p = ld_fn_policy_new()))
		return LD_ERROR;
	if ((error = load_policies(p, ld_json_get(obj, "resource_policies"), file, where)) < 0 ||
	    (error = load_urls(p, ld_json_get(obj, "urls"), file, where)) < 0 ||
	    (error = load_concurrency(p, ld_json_get(obj, "reserved_concurrency"), file, where)) < 0 ||
	    (error = ld_dup_or_null(&p->unchecked, ld_json_is_string(unchecked)
							   ? ld_json_str(unchecked) : NULL)) < 0) {
		ld_fn_policy_free(p);
		return error;
	}
	ld_fn_policy_sort(p);
	*out = p;
	return 0;
}
