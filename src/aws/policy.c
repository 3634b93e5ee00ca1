/*
 * Who may invoke one function (pool.h, inventory/policy.h): GetPolicy of the unqualified
 * function and of each alias (GetPolicy's own 15 req/s class, so it runs beside the
 * control-plane listings; 404 is "no policy"), ListFunctionUrlConfigs (control class) only
 * when a policy names lambda:InvokeFunctionUrl or a statement only for URL calls (a URL with
 * AuthType NONE is open only with such a permission; without one it answers 403 to
 * everyone), or of every function with all_urls (ld_collect_opts), and GetFunction (100 req/s
 * class) for the reserved concurrency only when the function is public as url-public or
 * policy-public read it. Fail closed: a refused, failed or malformed answer leaves the
 * record "unchecked", saying which call and permission, and a problem line (the run is
 * incomplete); the rules then say nothing of the function rather than call it clean.
 * Versions' own policies are not read (one call per version would cost more than the rest
 * of the scan; permissions are granted on aliases or the function in practice), nor, without
 * all_urls, the URLs of a function whose policies name none: an AWS_IAM URL that only
 * identity policies let callers use shows in no other answer, and listing every function
 * would cost one more 15 req/s-class call per function, as many as ListAliases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/pool.h"
#include "aws/sigv4.h"
#include "inventory/policy.h"
#include "lambdrift/errors.h"
#include "util/json.h"

#define MAX_PAGES_URLS 100

typedef struct {
	char *name;
	char **aliases;
	size_t naliases;
} fn_copy;

static void fn_copy_dispose(fn_copy *f)
{
	for (size_t i = 0; i < f->naliases; i++)
		free(f->aliases[i]);
	free(f->aliases);
	free(f->name);
}

/* The function's name and alias names, copied under the lock (the arrays may move). */
static int copy_function(fn_copy *out, ld_target_run *r, size_t fn)
{
	const ld_function *f;
	int error = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&r->lock);
	f = &r->inv.functions[fn];
	if (!(out->name = strdup(f->name)) ||
	    (f->naliases && !(out->aliases = calloc(f->naliases, sizeof(char *)))))
		error = ld_error_oom();
	for (size_t i = 0; error == 0 && i < f->naliases; i++, out->naliases++)
		if (!(out->aliases[i] = strdup(f->aliases[i].name)))
			error = ld_error_oom();
	pthread_mutex_unlock(&r->lock);
	return error;
}

static int get_json(ld_json **out, ld_aws_client *c, const char *op, const char *path,
		    const char *query, ld_quota_class q)
{
	ld_http_response resp;
	int error;

	*out = NULL;
	ld_http_response_init(&resp);
	if ((error = ld_aws_call(c, &resp, op, "GET", path, query, NULL, q)) == 0 &&
	    (error = ld_json_parse(out, resp.body.ptr, resp.body.size, op)) == 0 &&
	    !ld_json_is_object(*out))
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s response is not a JSON object",
				      op);
	if (error < 0) {
		ld_json_free(*out);
		*out = NULL;
	}
	ld_http_response_dispose(&resp);
	return error;
}

static int function_path(ld_buf *path, const char *api, const char *name, const char *tail)
{
	ld_buf_puts(path, api);
	ld_sigv4_uri_encode(path, name, false);
	return ld_buf_puts(path, tail);
}

/* GetPolicy of one qualifier; no policy (404) adds nothing. */
static int read_policy(ld_fn_policy *p, ld_aws_client *c, const char *name, const char *q)
{
	ld_buf path = LD_BUF_INIT_CAP(1024), query = LD_BUF_INIT_CAP(512);
	ld_json *resp = NULL;
	const char *doc;
	int error;

	if (q) {
		ld_buf_puts(&query, "Qualifier=");
		ld_sigv4_uri_encode(&query, q, false);
	}
	if ((error = function_path(&path, "/2015-03-31/functions/", name, "/policy")) < 0 ||
	    (error = query.error) < 0)
		goto done;
	error = get_json(&resp, c, "GetPolicy", path.ptr, q ? query.ptr : NULL,
			 LD_QUOTA_GET_POLICY);
	if (error == LD_ENOTFOUND) {
		/* the answer "no policy", not a request that failed: run.api_calls.errors
		 * counts only those */
		if (c->calls && c->calls->errors)
			c->calls->errors--;
		ld_error_clear();
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	if (!(doc = ld_json_get_str(resp, "Policy")))
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetPolicy response without Policy");
	else
		error = ld_fn_policy_add(p, q, doc, strlen(doc));
done:
	ld_json_free(resp);
	ld_buf_dispose(&path);
	ld_buf_dispose(&query);
	return error;
}

static int read_urls(ld_fn_policy *p, ld_aws_client *c, const char *name)
{
	ld_buf path = LD_BUF_INIT_CAP(1024);
	ld_pager pg = { "ListFunctionUrlConfigs", 0, MAX_PAGES_URLS, NULL, 0, NULL };
	ld_json *page = NULL;
	int error;

	if ((error = function_path(&path, "/2021-10-31/functions/", name, "/urls")) < 0)
		goto done;
	do {
		ld_buf query = LD_BUF_INIT_CAP(4096);
		const ld_json *items;
		ld_buf_puts(&query, "MaxItems=50");
		if (pg.marker) {
			ld_buf_puts(&query, "&Marker=");
			ld_sigv4_uri_encode(&query, pg.marker, false);
		}
		pg.pages++;
		error = query.error ? query.error
				    : get_json(&page, c, pg.op, path.ptr, query.ptr, LD_QUOTA_CONTROL);
		ld_buf_dispose(&query);
		if (error < 0)
			goto done;
		/* required by the API model: a page without it is malformed, not empty */
		if (!ld_json_is_array(items = ld_json_get(page, "FunctionUrlConfigs")))
			error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "ListFunctionUrlConfigs "
					      "response without a FunctionUrlConfigs array");
		for (size_t i = 0; error == 0 && i < ld_json_size(items); i++)
			error = ld_fn_policy_add_url(p, ld_json_at(items, i));
		if (error < 0 || (error = ld_pager_advance(&pg, page, "ListFunctionUrlConfigs")) < 0)
			goto done;
		ld_json_free(page);
		page = NULL;
	} while (pg.marker);
	p->urls_checked = true;
done:
	ld_json_free(page);
	ld_pager_dispose(&pg);
	ld_buf_dispose(&path);
	return error;
}

static int read_concurrency(ld_fn_policy *p, ld_aws_client *c, const char *name)
{
	ld_buf path = LD_BUF_INIT_CAP(1024);
	ld_json *resp = NULL;
	const ld_json *conc;
	double n = -1;
	int error;

	if ((error = function_path(&path, "/2015-03-31/functions/", name, "")) < 0 ||
	    (error = get_json(&resp, c, "GetFunction", path.ptr, NULL, LD_QUOTA_GET_FUNCTION)) < 0)
		goto done;
	/* only the number is kept: Code.Location is a presigned URL, the environment is in
	 * plaintext. No Concurrency member: none reserved; one that does not hold a count is
	 * malformed (never read as "none") */
	conc = ld_json_get(resp, "Concurrency");
	if (conc && !ld_json_is_null(conc) &&
	    (!ld_json_get_num(conc, "ReservedConcurrentExecutions", &n) || n < 0 || n > 1e9)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetFunction response with a "
				      "Concurrency that holds no ReservedConcurrentExecutions count");
		goto done;
	}
	p->concurrency_checked = true;
	p->reserved_concurrency = conc && !ld_json_is_null(conc) ? (long)n : -1;
done:
	ld_json_free(resp);
	ld_buf_dispose(&path);
	return error;
}

static const char *permission_of(const char *op)
{
	return !strcmp(op, "GetPolicy") ? "lambda:GetPolicy"
	       : !strcmp(op, "GetFunction") ? "lambda:GetFunction"
					    : "lambda:ListFunctionUrlConfigs";
}

/* Record why, in the record and as a problem line (sorted with ListFunctions' at the end). */
static int unchecked(ld_target_run *r, ld_fn_policy *p, const char *name, const char *op,
		     int why)
{
	char line[1024];
	int error;

	snprintf(line, sizeof(line), "%s of %.140s in %s failed (%.400s), so url-public, "
		 "policy-public, concurrency-unbounded and trigger-unqualified (permissions, "
		 "URLs) were not checked for it; %s%s", op, name, r->region,
		 ld_error_last()->message,
		 why == LD_EAUTH ? "the scanner needs " : "run the scan again",
		 why == LD_EAUTH ? permission_of(op) : "");
	if (!(p->unchecked = strdup(line)))
		return ld_error_oom();
	pthread_mutex_lock(&r->lock);
	error = ld_inventory_problem(&r->fn_problems, "%s", line);
	pthread_mutex_unlock(&r->lock);
	return error;
}

/* Every call for one function; `op` names the one that failed. */
static int read_all(ld_fn_policy *p, ld_aws_client *c, const fn_copy *f, bool all_urls,
		    const char **op)
{
	int error;

	*op = "GetPolicy";
	error = read_policy(p, c, f->name, NULL);
	for (size_t i = 0; i < f->naliases && error == 0; i++)
		error = read_policy(p, c, f->name, f->aliases[i]);
	if (error == 0 && (all_urls || ld_fn_policy_names_url(p))) {
		*op = "ListFunctionUrlConfigs";
		error = read_urls(p, c, f->name);
	}
	if (error == 0 && ld_fn_policy_public(p)) {
		*op = "GetFunction";
		error = read_concurrency(p, c, f->name);
	}
	return error;
}

int ld_collect__policy(ld_target_run *r, ld_aws_client *c, size_t fn)
{
	ld_fn_policy *p = NULL;
	const char *op = "GetPolicy";
	fn_copy f;
	int error;

	if ((error = copy_function(&f, r, fn)) < 0)
		goto done;
	if (!(p = ld_fn_policy_new())) {
		error = LD_ERROR;
		goto done;
	}
	error = read_all(p, c, &f, r->opts && r->opts->all_urls, &op);
	ld_fn_policy_sort(p);
	/* fail closed: a record that says what failed, or none at all (out of memory: the
	 * target fails), never a partial record that reads as clean */
	if (error < 0 && (ld_error_last()->klass == LD_ERR_NOMEM ||
			  unchecked(r, p, f.name, op, error) < 0))
		goto done;
	pthread_mutex_lock(&r->lock);
	ld_fn_policy_free(r->inv.functions[fn].policy);
	r->inv.functions[fn].policy = p;
	p = NULL;
	pthread_mutex_unlock(&r->lock);
done:
	ld_fn_policy_free(p);
	fn_copy_dispose(&f);
	return error;
}
