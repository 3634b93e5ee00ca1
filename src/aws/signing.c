/*
 * ld_collect_signing (aws/signing.h): the code signing config of every function a
 * collection found. Per account-region, lambda:ListCodeSigningConfigs (every page) gives
 * each config's CodeSigningPolicies.UntrustedArtifactOnDeployment, and
 * lambda:ListFunctionsByCodeSigningConfig (every page) per config the functions attached to
 * it: 1 + configs calls of Lambda's 15 req/s control class (more pages aside), however
 * many functions there are, where GetFunctionCodeSigningConfig would cost one call per
 * function. The listed ARNs are matched to the functions by their unqualified form (a
 * config is attached to the function, whatever qualifier an answer names). Fail closed: a
 * call refused, failed or answered malformed leaves every function of the account-region
 * unchecked, the record and one problem line naming the call and the permission, never a
 * partial reading where a function missing from a listing would read as unsigned. Runs
 * after the Lambda listing, one call at a time, paced at the session's control rate (the
 * pool's, --rate control=, set on the sessions by ld_collect_estate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "aws/signing.h"
#include "inventory/signing.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/json.h"

#define MAX_PAGES 1000          /* per listing: 50,000 configs or functions of one config */

typedef struct {
	char *arn;
	char *untrusted;            /* UntrustedArtifactOnDeployment */
} config;

typedef struct {
	char *function;             /* unqualified function ARN */
	const config *cfg;          /* borrowed from region_read.configs (final by then) */
} attachment;

/* One account-region's reading. */
typedef struct {
	ld_aws_client client;
	bool client_ready;
	const char *region;         /* for messages */
	config *configs;
	size_t nconfigs, current;   /* current: the config whose functions are being listed */
	attachment *attached;       /* sorted by function once read */
	size_t nattached;
	const char *op;             /* the call under way: named when it fails */
} region_read;

static void region_read_dispose(region_read *r)
{
	for (size_t i = 0; i < r->nconfigs; i++) {
		free(r->configs[i].arn);
		free(r->configs[i].untrusted);
	}
	free(r->configs);
	for (size_t i = 0; i < r->nattached; i++)
		free(r->attached[i].function);
	free(r->attached);
	if (r->client_ready)
		ld_aws_client_dispose(&r->client);
}

static int malformed(const region_read *r, const char *what)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s in %s returned %s", r->op, r->region,
			     what);
}

/* --- the listings ------------------------------------------------------------------- */

typedef int (*item_fn)(region_read *r, const ld_json *item);

/* GET one page of `op` at `path`, after `marker` (NULL: the first), as a JSON object. */
static int get_page(ld_json **page, region_read *r, const char *path, const char *marker,
		    const char *where)
{
	ld_buf query = LD_BUF_INIT_CAP(4096);
	ld_http_response resp;
	int error;

	*page = NULL;
	ld_buf_puts(&query, "MaxItems=50");
	if (marker) {
		ld_buf_puts(&query, "&Marker=");
		ld_sigv4_uri_encode(&query, marker, false);
	}
	ld_http_response_init(&resp);
	if ((error = query.error) < 0)
		error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "%s marker is too long", r->op);
	else if ((error = ld_aws_call(&r->client, &resp, r->op, "GET", path, query.ptr, NULL,
				      LD_QUOTA_CONTROL)) == 0 &&
		 (error = ld_json_parse(page, resp.body.ptr, resp.body.size, where)) == 0 &&
		 !ld_json_is_object(*page))
		error = malformed(r, "an answer that is not a JSON object");
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&query);
	return error;
}

/* Every page of `op` at `path`: each member of its `key` array to `fn`. */
static int list_all(region_read *r, const char *op, const char *path, const char *key,
		    item_fn fn)
{
	ld_pager p = { op, 0, MAX_PAGES, NULL, 0, NULL };
	ld_json *page = NULL;
	char where[160];
	int error;

	r->op = op;
	snprintf(where, sizeof(where), "%s in %s", op, r->region);
	do {
		const ld_json *items;
		p.pages++;
		if ((error = get_page(&page, r, path, p.marker, where)) < 0)
			goto done;
		/* optional in the model: an empty listing may leave it out */
		items = ld_json_get(page, key);
		if (items && !ld_json_is_null(items) && !ld_json_is_array(items)) {
			error = malformed(r, "a page whose list is not an array");
			goto done;
		}
		for (size_t i = 0; items && error == 0 && i < ld_json_size(items); i++)
			error = fn(r, ld_json_at(items, i));
		if (error < 0 || (error = ld_pager_advance(&p, page, where)) < 0)
			goto done;
		ld_json_free(page);
		page = NULL;
	} while (p.marker);
done:
	ld_json_free(page);
	ld_pager_dispose(&p);
	return error;
}

static int on_config(region_read *r, const ld_json *item)
{
	const char *arn = ld_json_get_str(item, "CodeSigningConfigArn");
	const ld_json *policies = ld_json_get(item, "CodeSigningPolicies");
	const ld_json *u = ld_json_get(policies, "UntrustedArtifactOnDeployment");
	config *c;

	/* both required by the model; the policy member is not, and defaults to Warn */
	if (!arn || !arn[0] || !ld_json_is_object(policies) ||
	    (u && !ld_json_is_null(u) && !ld_json_is_string(u)))
		return malformed(r, "a config without CodeSigningConfigArn or CodeSigningPolicies");
	for (size_t i = 0; i < r->nconfigs; i++)
		if (!strcmp(r->configs[i].arn, arn))
			return 0; /* listed twice while the account changed */
	if (ld_array_grow(r->configs, r->nconfigs, 1) < 0)
		return LD_ERROR;
	c = &r->configs[r->nconfigs];
	c->arn = strdup(arn);
	c->untrusted = strdup(u && ld_json_is_string(u) ? ld_json_str(u) : "Warn");
	r->nconfigs++; /* counted before the check: dispose frees what was copied */
	return c->arn && c->untrusted ? 0 : ld_error_oom();
}

/* arn:partition:lambda:region:account:function:name, without a qualifier; NULL for what is
 * no function ARN (or without memory, then with the error set). */
static char *unqualified(const char *arn, bool *oom)
{
	const char *p = arn;
	char *out;
	int colons = 0;

	*oom = false;
	if (strncmp(arn, "arn:", 4) != 0)
		return NULL;
	for (; *p && colons < 7; p++)
		colons += *p == ':';
	if (colons < 6 || !strstr(arn, ":function:"))
		return NULL;
	/* p is past the 7th colon (a qualifier follows) or at the end */
	out = strndup(arn, (size_t)(p - arn) - (colons == 7));
	if (!out) {
		*oom = true;
		ld_error_oom();
	}
	return out;
}

static int on_function(region_read *r, const ld_json *item)
{
	const char *arn = ld_json_is_string(item) ? ld_json_str(item) : NULL;
	char *plain;
	bool oom;

	if (!arn || !(plain = unqualified(arn, &oom)))
		return arn && oom ? LD_ERROR : malformed(r, "an entry that is not a function ARN");
	if (ld_array_grow(r->attached, r->nattached, 1) < 0) {
		free(plain);
		return LD_ERROR;
	}
	r->attached[r->nattached].function = plain;
	r->attached[r->nattached++].cfg = &r->configs[r->current];
	return 0;
}

/* By function; a function listed under two configs (AWS attaches one at most) keeps the
 * one that warns first, so a doubt is reported rather than read as enforced. */
static int cmp_attachment(const void *a, const void *b)
{
	const attachment *x = a, *y = b;
	int c = strcmp(x->function, y->function);

	if (c)
		return c;
	return (strcmp(x->cfg->untrusted, "Warn") != 0) - (strcmp(y->cfg->untrusted, "Warn") != 0);
}

static int read_region(region_read *r)
{
	ld_buf path = LD_BUF_INIT_CAP(2048);
	int error = list_all(r, "ListCodeSigningConfigs", "/2020-04-22/code-signing-configs",
			     "CodeSigningConfigs", on_config);

	for (size_t i = 0; error == 0 && i < r->nconfigs; i++) {
		ld_buf_clear(&path);
		ld_buf_puts(&path, "/2020-04-22/code-signing-configs/");
		ld_sigv4_uri_encode(&path, r->configs[i].arn, false);
		if ((error = ld_buf_puts(&path, "/functions")) < 0)
			break;
		r->current = i;
		error = list_all(r, "ListFunctionsByCodeSigningConfig", path.ptr, "FunctionArns",
				 on_function);
	}
	ld_buf_dispose(&path);
	if (error == 0 && r->nattached > 1)
		qsort(r->attached, r->nattached, sizeof(*r->attached), cmp_attachment);
	return error;
}

/* The first attachment of `arn`, or NULL. */
static const attachment *attached_to(const region_read *r, const char *arn)
{
	size_t lo = 0, hi = r->nattached;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(r->attached[mid].function, arn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nattached && !strcmp(r->attached[lo].function, arn) ? &r->attached[lo]
									     : NULL;
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

static bool in_target(const ld_inventory *inv, const ld_function *fn, const char *account,
		      const char *region)
{
	return same(fn_account(inv, fn), account) && same(fn->region, region);
}

/* A record for each function of the account-region: its attachment, or `unchecked`. */
static int assign(ld_inventory *inv, const region_read *r, const char *account,
		  const char *region, const char *unchecked)
{
	for (size_t i = 0; i < inv->nfunctions; i++) {
		ld_function *fn = &inv->functions[i];
		const char *why = unchecked;
		const attachment *a;
		ld_fn_signing *s;
		if (!in_target(inv, fn, account, region))
			continue;
		/* the listings give ARNs: a function without one cannot be read as unsigned
		 * (ListFunctions always gives one; a problem line all the same) */
		if (!why && !fn->arn) {
			why = "its ARN is unknown, so code-signing-unenforced and "
			      "code-signing-missing were not checked for it";
			if (ld_inventory_problem(inv, "function %s in %s: %s", fn->name,
						 r->region, why) < 0)
				return LD_ERROR;
		}
		a = why ? NULL : attached_to(r, fn->arn);
		if (!(s = ld_fn_signing_new(a ? a->cfg->arn : NULL, a ? a->cfg->untrusted : NULL,
					    why)))
			return LD_ERROR;
		ld_fn_signing_free(fn->signing);
		fn->signing = s;
	}
	return 0;
}

/* The account-region's functions unchecked, and the problem line that says why. */
static int unchecked(ld_inventory *inv, const region_read *r, const char *account,
		     const char *region, int why)
{
	char line[1024];
	int error;

	snprintf(line, sizeof(line), "%s of account %s in %s failed (%.400s), so "
		 "code-signing-unenforced and code-signing-missing were not checked for its "
		 "functions; %s%s", r->op, account ? account : "(default)", r->region,
		 ld_error_last()->message,
		 why == LD_EAUTH ? "the scanner needs lambda:" : "run the scan again",
		 why == LD_EAUTH ? r->op : "");
	ld_error_clear();
	if ((error = assign(inv, r, account, region, line)) < 0)
		return error;
	return ld_inventory_problem(inv, "%s", line);
}

static int collect_region(ld_inventory *inv, const ld_collect_target *t, const char *account)
{
	const char *region = t->region ? t->region : ld_aws_session_region(t->session);
	region_read r;
	bool any = false;
	int error;

	for (size_t i = 0; i < inv->nfunctions && !any; i++)
		any = in_target(inv, &inv->functions[i], account, region);
	if (!any)
		return 0; /* no function to read it for: no call */
	memset(&r, 0, sizeof(r));
	r.region = region ? region : "(default)";
	r.op = "ListCodeSigningConfigs";
	if ((error = ld_aws_session__client(&r.client, t->session, region, &inv->calls)) == 0) {
		r.client_ready = true;
		error = read_region(&r);
	}
	/* out of memory fails the run; whatever else failed leaves the rules unchecked */
	if (error < 0 && ld_error_last()->klass != LD_ERR_NOMEM)
		error = unchecked(inv, &r, account, region, error);
	else if (error == 0)
		error = assign(inv, &r, account, region, NULL);
	region_read_dispose(&r);
	return error;
}

int ld_collect_signing(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
		       const ld_rule_selection *rules)
{
	int error = 0;

	if (!ld_rule_selected(rules, "code-signing-unenforced") &&
	    !ld_rule_selected(rules, "code-signing-missing"))
		return 0;
	for (size_t i = 0; i < ntargets && error == 0; i++) {
		const ld_collect_target *t = &targets[i];
		if (t->session && !t->error && !t->skipped)
			error = collect_region(inv, t, t->account ? t->account : inv->account);
	}
	return error;
}
