/*
 * Who may invoke a function, from its collected resource policies, URLs and reserved
 * concurrency (inventory/policy.h): url-public (a URL with AuthType NONE that the policy
 * opens to everyone), policy-public (anyone, or a service principal without SourceAccount
 * or SourceArn, may invoke, or Principal "*" may call an AWS_IAM URL: every account's
 * signed principals), concurrency-unbounded (either, without reserved concurrency),
 * trigger-unqualified for permissions and URLs on the unqualified ARN, and layer-foreign
 * (a layer of another account that is not AWS's) from the layers of what the function
 * serves. A function whose policies could not be read, or whose inventory lacks them (a
 * snapshot taken before they were collected), says nothing here and notes a gap (gaps.h):
 * a problem line, the run incomplete, never clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/findings.h"
#include "audit/policy.h"
#include "inventory/policy.h"
#include "lambdrift/errors.h"
#include "util/json.h"

/* Accounts AWS publishes Lambda layers from (AWS documentation, 2026-12): Lambda Insights
 * (580247275435), AWS Parameters and Secrets Lambda Extension (177933569100 and its
 * regional ones), AWS AppConfig extension (027255383542 and regional), ADOT
 * (901920570463), Powertools for AWS Lambda (017000801446, 094274105915), AWS SDK for
 * pandas (336392948345), CodeGuru Profiler (157417159150), and the Lambda runtime
 * "AWS-" layers' account (aws: in the ARN). Extend the list by user request, never by
 * guessing. */
static const char *const aws_layer_accounts[] = {
	"580247275435", "177933569100", "200266452380", "133256977650", "027255383542",
	"901920570463", "017000801446", "094274105915", "336392948345", "157417159150",
	"aws", NULL
};

typedef struct {
	ld_findings *out;
	const ld_inventory *inv;
	const ld_function *fn;
	bool url_public, policy_public;
	ld_gaps *gaps;
} ctx;

static const char *shown(const char *q)
{
	return q ? q : "$LATEST";
}

/* ------------------------------------------------------------------ url-public */

/* Whether a statement of `policy` opens the AuthType NONE URL to everyone (one whose
 * lambda:FunctionUrlAuthType condition names AWS_IAM does not apply to its calls). */
static bool opens_url(const ld_json *policy, const ld_json **sid)
{
	const ld_json *sts = ld_policy_statements(policy);
	size_t n = ld_json_is_object(sts) ? 1 : ld_json_size(sts);
	const char *who;

	if (ld_policy_denied(policy, true))
		return false;
	for (size_t i = 0; i < n; i++) {
		const ld_json *st = ld_json_is_object(sts) ? sts : ld_json_at(sts, i);
		ld_grant g = ld_policy_statement_grant(st, &who);
		if ((g == LD_GRANT_URL_PUBLIC || g == LD_GRANT_PUBLIC) &&
		    ld_policy_statement_invokes(st, true) &&
		    ld_policy_statement_admits_auth(st, "NONE")) {
			*sid = ld_json_get(st, "Sid");
			return true;
		}
	}
	return false;
}

static int url_public(ctx *c, const ld_url_config *u, const ld_json *policy, const char *q)
{
	const ld_json *sid = NULL, *origins = NULL;
	ld_json *ev, *cors = NULL;
	char *evidence;
	bool any_origin = false;
	ld_finding_id id;
	int error;

	if (strcmp(u->auth_type, "NONE") || !opens_url(policy, &sid))
		return 0;
	c->url_public = true;
	if (u->cors && ld_json_parse(&cors, u->cors, strlen(u->cors), "cors") < 0)
		ld_error_clear();
	origins = ld_json_get(cors, "AllowOrigins");
	for (size_t i = 0; ld_json_is_array(origins) && i < ld_json_size(origins); i++)
		any_origin = any_origin || !strcmp(ld_json_str(ld_json_at(origins, i)) ?
						   ld_json_str(ld_json_at(origins, i)) : "", "*");
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "url", u->url);
		ld_json_add_str(ev, "function_arn", u->function_arn);
		ld_json_add_str(ev, "auth_type", u->auth_type);
		ld_json_add_str(ev, "statement", ld_json_is_string(sid) ? ld_json_str(sid) : NULL);
		ld_json_add_bool(ev, "cors_any_origin", any_origin);
		if (cors)
			ld_json_add(ev, "cors", ld_json_dup(cors));
	}
	evidence = ld_findings_evidence(ev);
	id = ld_finding_id_of(c->fn, c->inv->account, "url-public", shown(q), u->url);
	error = ld_findings_add(c->out, &id, evidence,
				"function URL %s (%s) takes unauthenticated requests from anyone%s; "
				"use AuthType AWS_IAM or remove the public permission",
				u->url, shown(q), any_origin ? ", and CORS allows any origin" : "");
	free(evidence);
	ld_json_free(cors);
	return error;
}

/* -------------------------------------------------------------- policy-public */

/* `u` is the AWS_IAM URL that Principal "*" may call, or NULL for an invoke grant. */
static int policy_public(ctx *c, const ld_json *st, ld_grant g, const char *who, const char *q,
			 const ld_url_config *u)
{
	const ld_json *sid = ld_json_get(st, "Sid");
	const char *sidtext = ld_json_is_string(sid) ? ld_json_str(sid) : "";
	ld_json *ev;
	char *evidence;
	ld_finding_id id;
	int error;

	c->policy_public = true;
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "qualifier", q);
		ld_json_add_str(ev, "statement", sidtext);
		ld_json_add_str(ev, "principal", who);
		ld_json_add(ev, "action", ld_json_dup(ld_json_get(st, "Action")));
		ld_json_add(ev, "condition", ld_json_dup(ld_json_get(st, "Condition")));
		if (u) {
			ld_json_add_str(ev, "url", u->url);
			ld_json_add_str(ev, "auth_type", u->auth_type);
		}
	}
	evidence = ld_findings_evidence(ev);
	id = ld_finding_id_of(c->fn, c->inv->account, "policy-public", shown(q), sidtext);
	if (u)
		error = ld_findings_add(c->out, &id, evidence,
					"resource policy of %s (statement %s) lets any AWS account's IAM "
					"principals invoke function URL %s with SigV4 (AuthType AWS_IAM, "
					"Principal *): anyone with an AWS account can call it; name the "
					"accounts, or pin aws:PrincipalOrgID", shown(q), sidtext, u->url);
	else if (g == LD_GRANT_PUBLIC)
		error = ld_findings_add(c->out, &id, evidence,
					"resource policy of %s (statement %s) lets anyone invoke it; "
					"name the caller, or pin it with aws:SourceAccount, "
					"aws:SourceArn or aws:PrincipalOrgID", shown(q), sidtext);
	else
		error = ld_findings_add(c->out, &id, evidence,
					"resource policy of %s (statement %s) lets %s invoke it on "
					"behalf of any account (confused deputy); add aws:SourceAccount "
					"and aws:SourceArn conditions", shown(q), sidtext, who);
	free(evidence);
	return error;
}

/* ------------------------------------------------------- trigger-unqualified */

static int permission_unqualified(ctx *c, const ld_json *st)
{
	const ld_json *sid = ld_json_get(st, "Sid"), *pr = ld_json_get(st, "Principal");
	const char *sidtext = ld_json_is_string(sid) ? ld_json_str(sid) : "";
	const char *effect = ld_json_get_str(st, "Effect");
	char key[512];
	ld_json *ev;
	char *evidence;
	ld_finding_id id;
	int error;

	/* the URL's own permissions (lambda:InvokeFunctionUrl, and the lambda:InvokeFunction
	 * that works only through the URL) are the URL's finding */
	if (!effect || strcmp(effect, "Allow") || !ld_policy_statement_invokes(st, false) ||
	    ld_policy_statement_for_url(st))
		return 0;
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "statement", sidtext);
		ld_json_add(ev, "principal", ld_json_dup(pr));
		ld_json_add_str(ev, "function_arn", c->fn->arn);
	}
	evidence = ld_findings_evidence(ev);
	snprintf(key, sizeof(key), "permission:%s", sidtext);
	id = ld_finding_id_of(c->fn, c->inv->account, "trigger-unqualified", "$LATEST", key);
	error = ld_findings_add(c->out, &id, evidence,
				"permission %s lets its principal invoke the unqualified function "
				"ARN, so it runs whatever was uploaded last; grant it on an alias",
				sidtext);
	free(evidence);
	return error;
}

static int url_unqualified(ctx *c, const ld_url_config *u)
{
	char key[1024];
	ld_json *ev;
	char *evidence;
	ld_finding_id id;
	int error;

	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "url", u->url);
		ld_json_add_str(ev, "function_arn", u->function_arn);
		ld_json_add_str(ev, "auth_type", u->auth_type);
	}
	evidence = ld_findings_evidence(ev);
	snprintf(key, sizeof(key), "url:%s", u->url);
	id = ld_finding_id_of(c->fn, c->inv->account, "trigger-unqualified", "$LATEST", key);
	error = ld_findings_add(c->out, &id, evidence,
				"function URL %s serves the unqualified function ARN, so it runs "
				"whatever was uploaded last; create the URL on an alias", u->url);
	free(evidence);
	return error;
}

/* ---------------------------------------------------------------- per policy */

static int check_policy(ctx *c, const ld_resource_policy *rp)
{
	const ld_url_config *u = ld_fn_policy_url(c->fn->policy, rp->qualifier);
	ld_json *doc = NULL;
	const ld_json *sts;
	const char *who;
	size_t n;
	int error;

	if ((error = ld_json_parse(&doc, rp->document, strlen(rp->document),
				   "resource policy")) < 0)
		return error;
	sts = ld_policy_statements(doc);
	n = ld_json_is_object(sts) ? 1 : ld_json_size(sts);
	for (size_t i = 0; i < n && error == 0; i++) {
		const ld_json *st = ld_json_is_object(sts) ? sts : ld_json_at(sts, i);
		ld_grant g = ld_policy_statement_grant(st, &who);
		if ((g == LD_GRANT_PUBLIC || g == LD_GRANT_DEPUTY) &&
		    !ld_policy_denied(doc, false))
			error = policy_public(c, st, g, who, rp->qualifier, NULL);
		/* AWS_IAM checks a signature, not who signs: Principal "*" lets every account's
		 * principals whose own policy allows it call the URL (Lambda's urls-auth) */
		else if (g == LD_GRANT_URL_PUBLIC && u && !strcmp(u->auth_type, "AWS_IAM") &&
			 ld_policy_statement_admits_auth(st, "AWS_IAM") &&
			 !ld_policy_denied(doc, true))
			error = policy_public(c, st, g, who, rp->qualifier, u);
		if (error == 0 && !rp->qualifier)
			error = permission_unqualified(c, st);
	}
	if (error == 0 && u)
		error = url_public(c, u, doc, rp->qualifier);
	ld_json_free(doc);
	return error;
}

/* ------------------------------------------------------ concurrency-unbounded */

static int concurrency_unbounded(ctx *c)
{
	const ld_fn_policy *p = c->fn->policy;
	ld_finding_id id = ld_finding_id_of(c->fn, c->inv->account, "concurrency-unbounded",
					    NULL, NULL);
	ld_json *ev;
	char *evidence;
	int error;

	if (!c->url_public && !c->policy_public)
		return 0;
	if (!p->concurrency_checked) /* public, and the cap unknown: not clean */
		return ld_gaps_add(c->gaps, ld_gap_rules_concurrency, c->fn,
				   c->fn->account ? c->fn->account : c->inv->account, true,
				   "the function is public but the inventory holds no reserved "
				   "concurrency for it; take a new snapshot");
	if (p->reserved_concurrency >= 0)
		return 0;
	if ((ev = ld_json_new_object())) {
		ld_json_add_bool(ev, "url_public", c->url_public);
		ld_json_add_bool(ev, "policy_public", c->policy_public);
		ld_json_add(ev, "reserved_concurrency", ld_json_new_null());
	}
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(c->out, &id, evidence,
				"anyone may invoke the function and it has no reserved concurrency, "
				"so a flood of calls can run up the bill and starve the account's "
				"other functions; set reserved concurrency");
	free(evidence);
	return error;
}

/* --------------------------------------------------------------- layer-foreign */

static bool aws_account(const char *account)
{
	for (size_t i = 0; aws_layer_accounts[i]; i++)
		if (!strcmp(aws_layer_accounts[i], account))
			return true;
	return false;
}

/* arn:partition:lambda:region:ACCOUNT:layer:name:version */
static bool layer_account(char *out, size_t len, const char *arn)
{
	const char *p = arn;
	size_t n;

	for (int i = 0; i < 4; i++)
		if (!(p = strchr(p, ':')) || !*++p)
			return false;
	n = strcspn(p, ":");
	if (strncmp(arn, "arn:", 4) || n == 0 || n >= len || strncmp(p + n, ":layer:", 7))
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static int layer_foreign(ctx *c, const char *arn, const char *served_by)
{
	char account[32];
	ld_finding_id id;
	ld_json *ev;
	char *evidence;
	int error;

	if (!layer_account(account, sizeof(account), arn) || aws_account(account) ||
	    !c->fn->account || !strcmp(account, c->fn->account))
		return 0;
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "layer_arn", arn);
		ld_json_add_str(ev, "publisher_account", account);
		ld_json_add_str(ev, "version", served_by);
	}
	evidence = ld_findings_evidence(ev);
	id = ld_finding_id_of(c->fn, c->inv->account, "layer-foreign", NULL, arn);
	error = ld_findings_add(c->out, &id, evidence,
				"layer %s is published by account %s, neither this one nor AWS, so "
				"that account's code runs in the function; vendor it or publish it "
				"yourself", arn, account);
	free(evidence);
	return error;
}

static int version_layers(ctx *c, const ld_version *v, char ***seen, size_t *nseen)
{
	ld_json *layers = NULL;
	int error = 0;

	for (size_t i = 0; i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, "Layers") &&
		    (error = ld_json_parse(&layers, v->config[i].value, strlen(v->config[i].value),
					   "Layers")) < 0)
			return error;
	for (size_t i = 0; ld_json_is_array(layers) && i < ld_json_size(layers) && error == 0;
	     i++) {
		const char *arn = ld_json_str(ld_json_at(layers, i));
		bool dup = false;
		char **grown;
		if (!arn)
			continue;
		for (size_t j = 0; j < *nseen && !dup; j++)
			dup = !strcmp((*seen)[j], arn);
		if (dup)
			continue;
		if (!(grown = realloc(*seen, (*nseen + 1) * sizeof(*grown)))) {
			error = ld_error_oom();
			break;
		}
		*seen = grown;
		if (!((*seen)[*nseen] = strdup(arn))) {
			error = ld_error_oom();
			break;
		}
		(*nseen)++;
		error = layer_foreign(c, arn, v->version);
	}
	ld_json_free(layers);
	return error;
}

/* $LATEST and every version an alias serves: what runs (a slim snapshot keeps them all). */
static int check_layers(ctx *c)
{
	char **seen = NULL;
	size_t nseen = 0;
	int error = 0;

	for (size_t i = 0; i < c->fn->nversions && error == 0; i++) {
		const ld_version *v = &c->fn->versions[i];
		bool served = !strcmp(v->version, "$LATEST");
		for (size_t a = 0; a < c->fn->naliases && !served; a++) {
			const ld_alias *al = &c->fn->aliases[a];
			served = al->function_version && !strcmp(al->function_version, v->version);
			for (size_t w = 0; w < al->nweights && !served; w++)
				served = !strcmp(al->weights[w].version, v->version);
		}
		if (served)
			error = version_layers(c, v, &seen, &nseen);
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return error;
}

#define NO_ACCESS "the inventory holds no resource policy records for these functions (a " \
	"snapshot taken by an older lambdrift, or their collection failed); take a new " \
	"snapshot or scan AWS"

/* Note why the rules cannot judge the function: no record, or one left unchecked. */
static int access_gap(ld_gaps *gaps, const ld_inventory *inv, const ld_function *fn,
		      const ld_fn_policy *p)
{
	const char *account = fn->account ? fn->account : inv->account;

	if (!p)
		return ld_gaps_add(gaps, ld_gap_rules_access, fn, account, true, NO_ACCESS);
	/* the collector's problem line says why, unless it was lost */
	if (ld_gaps_reported(gaps, p->unchecked))
		return ld_gaps_unchecked(gaps, ld_gap_rules_access, fn, account);
	return ld_gaps_add(gaps, ld_gap_rules_access, fn, account, true, "%s", p->unchecked);
}

int ld_audit__policy_rules(ld_findings *out, ld_gaps *gaps, const ld_inventory *inv,
			   const ld_function *fn)
{
	ctx c = { out, inv, fn, false, false, gaps };
	const ld_fn_policy *p = fn->policy;
	const char *account = fn->account ? fn->account : inv->account;
	int error = check_layers(&c);

	if (error < 0)
		return error;
	if (!p || p->unchecked)
		return access_gap(gaps, inv, fn, p);
	/* a policy that opens a URL with no URL list read: url-public cannot tell */
	if (!p->urls_checked && ld_fn_policy_names_url(p) &&
	    (error = ld_gaps_add(gaps, ld_gap_rules_urls, fn, account, true,
				 "a resource policy of the function names a function URL but "
				 "the inventory holds no URL configs; take a new snapshot")) < 0)
		return error;
	for (size_t i = 0; i < p->npolicies && error == 0; i++)
		error = check_policy(&c, &p->policies[i]);
	for (size_t i = 0; i < p->nurls && error == 0; i++) {
		char q[256];
		ld_policy_arn_qualifier(q, sizeof(q), p->urls[i].function_arn);
		if (!q[0] || !strcmp(q, "$LATEST"))
			error = url_unqualified(&c, &p->urls[i]);
	}
	if (error == 0)
		error = concurrency_unbounded(&c);
	return error;
}
