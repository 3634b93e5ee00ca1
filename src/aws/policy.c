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

/* GetPolicy of one qualifier into *doc (NULL: no policy, a 404). */
static int read_policy(char **doc, ld_aws_client *c, const char *name, const char *q)
{
	ld_buf path = LD_BUF_INIT_CAP(1024), query = LD_BUF_INIT_CAP(512);
	ld_json *resp = NULL;
	const char *text;
	int error;

	*doc = NULL;
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
	if (!(text = ld_json_get_str(resp, "Policy")))
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "GetPolicy response without Policy");
	else if (!(*doc = strdup(text)))
		error = ld_error_oom();
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


/* Record why (`message`, the failure of `op`), in the record and as a problem line (sorted
 * with ListFunctions' at the end). */
static int unchecked(ld_target_run *r, ld_fn_policy *p, const char *name, const char *op,
		     int why, const char *message)
{
	char line[1024];
	int error;

	snprintf(line, sizeof(line), "%s of %.140s in %s failed (%.400s), so url-public, "
		 "policy-public, concurrency-unbounded and trigger-unqualified (permissions, "
		 "URLs) were not checked for it; %s%s", op, name, r->region, message,
		 why == LD_EAUTH ? "the scanner needs " : "run the scan again",
		 why == LD_EAUTH ? permission_of(op) : "");
	if (!(p->unchecked = strdup(line)))
		return ld_error_oom();
	pthread_mutex_lock(&r->lock);
	error = ld_inventory_problem(&r->fn_problems, "%s", line);
	pthread_mutex_unlock(&r->lock);
	return error;
}

/* --- the answers of one function ------------------------------------------------------ */

static void answers_free(ld_policy_progress *g)
{
	for (size_t i = 0; i < g->nanswers; i++) {
		free(g->answers[i].doc);
		free(g->answers[i].why);
	}
	free(g->answers);
	g->answers = NULL;
	g->nanswers = 0;
}

/* Room for `n` answers of `fn`, the progress array grown to the functions listed. Lock held. */
static int answers_locked(ld_target_run *r, size_t fn, size_t n)
{
	ld_policy_progress *g;

	if (fn >= r->nprogress) {
		size_t want = r->inv.nfunctions > fn ? r->inv.nfunctions : fn + 1;
		if (!(g = realloc(r->progress, want * sizeof(*g))))
			return ld_error_oom();
		memset(g + r->nprogress, 0, (want - r->nprogress) * sizeof(*g));
		r->progress = g;
		r->nprogress = want;
	}
	g = &r->progress[fn];
	if (n > g->nanswers) {
		ld_policy_answer *a = realloc(g->answers, n * sizeof(*a));
		if (!a)
			return ld_error_oom();
		memset(a + g->nanswers, 0, (n - g->nanswers) * sizeof(*a));
		g->answers = a;
		g->nanswers = n;
	}
	return 0;
}

/* Whether every answer of a function is in and its record is still to be built. Lock held. */
static bool ready_locked(const ld_policy_progress *g)
{
	return g->aliases_known && !g->pending && !g->dropped && !g->done;
}

void ld_collect__policy_dispose(ld_target_run *r)
{
	for (size_t i = 0; i < r->nprogress; i++)
		answers_free(&r->progress[i]);
	free(r->progress);
	r->progress = NULL;
	r->nprogress = 0;
}

/* --- building the record ----------------------------------------------------------------- */

/* The answers, in qualifier order, into p, up to the first failure: what reading them one
 * after another would have kept. *failed is that answer's index (nanswers: none); a policy
 * that is not JSON fails there too, its message in ld_error_last(). Lock held. */
static int add_answers_locked(ld_fn_policy *p, const ld_policy_progress *g,
			      const ld_function *f, size_t *failed)
{
	int error = 0;

	*failed = g->nanswers;
	for (size_t i = 0; i < g->nanswers; i++) {
		const ld_policy_answer *a = &g->answers[i];
		const char *q = i ? f->aliases[i - 1].name : NULL;
		if (!a->answered || a->rc < 0) {
			*failed = i;
			return a->answered ? a->rc : 0;
		}
		if (a->doc && (error = ld_fn_policy_add(p, q, a->doc, strlen(a->doc))) < 0) {
			*failed = i;
			return error;
		}
	}
	return 0;
}

/* The failure to report for `fn`: the answer add_answers_locked stopped at when it failed,
 * else (an answer missing: the run was cut short) any later one that failed. */
static const ld_policy_answer *failure_locked(const ld_policy_progress *g, size_t failed)
{
	for (size_t i = failed; i < g->nanswers; i++)
		if (g->answers[i].answered && g->answers[i].rc < 0)
			return &g->answers[i];
	return NULL;
}

/* The record of `fn` from its answers. *why: 0, or the code of the failure to report (its
 * message in msg); *cut: an answer is missing and none failed. Takes r->lock.
 * @return 0, or LD_ERROR without memory */
static int assemble(ld_fn_policy **out, ld_target_run *r, size_t fn, int *why, bool *cut,
		    char *msg, size_t msglen)
{
	const ld_policy_answer *bad;
	ld_policy_progress *g;
	size_t failed;
	int error;

	*why = 0;
	*cut = false;
	if (!(*out = ld_fn_policy_new()))
		return LD_ERROR;
	pthread_mutex_lock(&r->lock);
	g = &r->progress[fn];
	error = add_answers_locked(*out, g, &r->inv.functions[fn], &failed);
	if (error < 0 && ld_error_last()->klass != LD_ERR_NOMEM &&
	    !(failed < g->nanswers && g->answers[failed].rc < 0)) {
		/* a policy that is not JSON */
		*why = error;
		snprintf(msg, msglen, "%s", ld_error_last()->message);
		error = 0;
	} else if (failed < g->nanswers && (bad = failure_locked(g, failed))) {
		*why = bad->rc;
		snprintf(msg, msglen, "%s", bad->why ? bad->why : "");
		error = 0;
	} else if (failed < g->nanswers) {
		*cut = true;
	}
	answers_free(g); /* the record holds what it needs now */
	pthread_mutex_unlock(&r->lock);
	if (error < 0) {
		ld_fn_policy_free(*out);
		*out = NULL;
	}
	return error;
}

/* The calls that depend on the policies; `op` names the one that failed. */
static int read_more(ld_fn_policy *p, ld_aws_client *c, const char *name, bool all_urls,
		     bool concurrency, const char **op)
{
	int error = 0;

	if (all_urls || ld_fn_policy_names_url(p)) {
		*op = "ListFunctionUrlConfigs";
		error = read_urls(p, c, name);
	}
	if (error == 0 && concurrency && ld_fn_policy_public(p)) {
		*op = "GetFunction";
		error = read_concurrency(p, c, name);
	}
	return error;
}

/* Hang the record on its function. Takes r->lock. */
static void keep(ld_target_run *r, size_t fn, ld_fn_policy *p)
{
	ld_fn_policy_sort(p);
	pthread_mutex_lock(&r->lock);
	ld_fn_policy_free(r->inv.functions[fn].policy);
	r->inv.functions[fn].policy = p;
	pthread_mutex_unlock(&r->lock);
}

/* Every answer of `fn` is in: its record, then the URL and concurrency calls it needs (none
 * after a failed GetPolicy). Fail closed: a record that says what failed, or none at all
 * (out of memory: the target fails), never a partial record that reads as clean. */
static int build(ld_target_run *r, ld_aws_client *c, size_t fn)
{
	const ld_collect_opts *o = r->opts;
	ld_fn_policy *p = NULL;
	const char *op = "GetPolicy";
	char msg[sizeof(ld_error_last()->message)];
	fn_copy f;
	bool cut;
	int why, error;

	if ((error = copy_function(&f, r, fn)) < 0 ||
	    (error = assemble(&p, r, fn, &why, &cut, msg, sizeof(msg))) < 0)
		goto done;
	if (why < 0) {
		/* the job that got the failure reports it to the pool */
		if ((error = unchecked(r, p, f.name, op, why, msg)) == 0) {
			keep(r, fn, p);
			p = NULL;
		}
		goto done;
	}
	error = read_more(p, c, f.name, o && o->all_urls, !(o && o->no_concurrency), &op);
	if (error < 0 && (ld_error_last()->klass == LD_ERR_NOMEM ||
			  unchecked(r, p, f.name, op, error, ld_error_last()->message) < 0))
		goto done;
	keep(r, fn, p);
	p = NULL;
done:
	ld_fn_policy_free(p);
	fn_copy_dispose(&f);
	return error;
}

/* Build the record when `fn`'s last answer is in (by whichever job brought it). */
static int build_if_ready(ld_target_run *r, ld_aws_client *c, size_t fn)
{
	bool ready;

	pthread_mutex_lock(&r->lock);
	ready = ready_locked(&r->progress[fn]);
	if (ready)
		r->progress[fn].done = true;
	pthread_mutex_unlock(&r->lock);
	return ready ? build(r, c, fn) : 0;
}

/* --- the jobs ---------------------------------------------------------------------------- */

int ld_collect__policy_listed(ld_target_run *r, size_t fn)
{
	int error;

	pthread_mutex_lock(&r->lock);
	if ((error = answers_locked(r, fn, 1)) == 0) {
		r->progress[fn].listed = true;
		r->progress[fn].pending++;
	}
	pthread_mutex_unlock(&r->lock);
	return error;
}

int ld_collect__policy_aliases(ld_target_run *r, ld_aws_client *c, size_t fn, size_t *nasks)
{
	size_t n;
	int error;

	*nasks = 0;
	pthread_mutex_lock(&r->lock);
	n = r->inv.functions[fn].naliases;
	if ((error = answers_locked(r, fn, 1 + n)) == 0) {
		r->progress[fn].aliases_known = true;
		r->progress[fn].pending += n;
		*nasks = n;
	}
	pthread_mutex_unlock(&r->lock);
	return error < 0 ? error : build_if_ready(r, c, fn);
}

void ld_collect__policy_drop(ld_target_run *r, size_t fn)
{
	pthread_mutex_lock(&r->lock);
	if (fn < r->nprogress) {
		r->progress[fn].dropped = true;
		answers_free(&r->progress[fn]);
	}
	pthread_mutex_unlock(&r->lock);
}

void ld_collect__policy_skip(ld_target_run *r, size_t fn)
{
	pthread_mutex_lock(&r->lock);
	if (fn < r->nprogress)
		r->progress[fn].skipped = true;
	pthread_mutex_unlock(&r->lock);
}

/* Keep answer k (error: the failure, its message from ld_error_last()). Lock held. */
static int answer_locked(ld_policy_progress *g, size_t k, char *doc, int error)
{
	ld_policy_answer *a;

	g->pending--;
	if (g->dropped || k >= g->nanswers) {
		free(doc);
		return 0;
	}
	a = &g->answers[k];
	a->answered = true;
	a->doc = doc;
	a->rc = error < 0 ? error : 0;
	if (error < 0 && !(a->why = strdup(ld_error_last()->message)))
		return ld_error_oom();
	return 0;
}

int ld_collect__policy_get(ld_target_run *r, ld_aws_client *c, size_t fn, size_t k)
{
	char *name = NULL, *q = NULL, *doc = NULL;
	int error = 0, kept;

	/* asked even when the function's ListAliases has failed meanwhile (the answer is then
	 * dropped): whether it has by now is a matter of timing, and the calls a run makes
	 * must not be; only a stop (itself a matter of timing already) saves the call */
	pthread_mutex_lock(&r->lock);
	if (r->progress[fn].skipped) {
		r->progress[fn].pending--;
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	if (!(name = strdup(r->inv.functions[fn].name)) ||
	    (k && !(q = strdup(r->inv.functions[fn].aliases[k - 1].name))))
		error = ld_error_oom();
	pthread_mutex_unlock(&r->lock);
	if (error == 0)
		error = read_policy(&doc, c, name, q);
	free(name);
	free(q);
	if (error < 0 && ld_error_last()->klass == LD_ERR_NOMEM)
		return error; /* the target fails */
	pthread_mutex_lock(&r->lock);
	kept = answer_locked(&r->progress[fn], k, doc, error);
	pthread_mutex_unlock(&r->lock);
	if (kept < 0)
		return kept;
	kept = build_if_ready(r, c, fn);
	return error < 0 ? error : kept;
}

int ld_collect__policy_finish(ld_target_run *r, bool count_skipped, size_t *skipped)
{
	int error = 0;

	*skipped = 0;
	for (size_t fn = 0; fn < r->nprogress && error == 0; fn++) {
		ld_policy_progress *g = &r->progress[fn];
		ld_fn_policy *p = NULL;
		char msg[sizeof(ld_error_last()->message)];
		bool cut;
		int why;
		/* its aliases were not listed: their problem line covers it */
		if (!g->listed || !g->aliases_known || g->dropped || g->done)
			continue;
		g->done = true;
		if ((error = assemble(&p, r, fn, &why, &cut, msg, sizeof(msg))) < 0)
			break;
		if (why < 0 && (error = unchecked(r, p, r->inv.functions[fn].name, "GetPolicy",
						  why, msg)) == 0) {
			keep(r, fn, p);
			p = NULL;
		} else if (why == 0 && count_skipped) {
			(*skipped)++;
		}
		ld_fn_policy_free(p);
	}
	return error;
}
