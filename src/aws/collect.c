/*
 * The listing work of one account-region (pool.h), with the fewest calls of Lambda's shared
 * 15 req/s class: ListFunctions?FunctionVersion=ALL streams every version's configuration 50
 * at a time, ListAliases runs once (paged) per kept function, and ListEventSourceMappings
 * once (paged) per region. Each call here makes one request (ListAliases: one function's
 * pages), so pool.c can keep several in flight; pages are parsed outside the run's lock and
 * added under it. Every listing is followed to its end and guarded against servers that
 * repeat a marker or never stop. Problem lines are kept apart per listing (aliases with
 * their function) and put in a fixed order at the end, so a concurrent run reports them
 * exactly as a serial one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/pool.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "inventory/build.h"
#include "inventory/envscan.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/str.h"

#define MAX_PAGES_FUNCTIONS 20000 /* 1,000,000 versions */
#define MAX_PAGES_ALIASES 1000
#define MAX_PAGES_ESM 1000
#define MAX_QUERY ((size_t)8 * 1024)
#define PARSE_ATTEMPTS 3 /* requests of one page while its body does not parse */

/* --- small helpers ---------------------------------------------------------------- */

static bool wanted(const ld_collect_opts *o, const char *name)
{
	if (!o || !o->nglobs)
		return true;
	for (size_t i = 0; i < o->nglobs; i++)
		if (ld_glob_match(o->function_globs[i], name))
			return true;
	return false;
}

/* Field `idx` (0-based, ':'-separated) of an ARN into out; false when absent or too long. */
static bool arn_field(char *out, size_t outlen, const char *arn, int idx)
{
	const char *p = arn;
	size_t n;
	for (int i = 0; i < idx; i++) {
		if (!(p = strchr(p, ':')))
			return false;
		p++;
	}
	n = strcspn(p, ":");
	if (n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* arn:partition:lambda:region:account:function:name, without a qualifier */
static char *unqualified_arn(const char *arn)
{
	const char *p = arn;
	for (int i = 0; i < 7 && p; i++) {
		p = strchr(p, ':');
		if (p && i < 6)
			p++;
	}
	return p ? strndup(arn, (size_t)(p - arn)) : strdup(arn);
}

static int note_account(ld_inventory *inv, const char *arn)
{
	char part[32], account[32];

	if (strncmp(arn, "arn:", 4) != 0 || !arn_field(part, sizeof(part), arn, 1) ||
	    !arn_field(account, sizeof(account), arn, 4))
		return 0;
	if (!inv->account && account[0] && !(inv->account = strdup(account)))
		return ld_error_oom();
	if (part[0] && (!inv->partition || strcmp(inv->partition, part))) {
		free(inv->partition);
		if (!(inv->partition = strdup(part)))
			return ld_error_oom();
	}
	return 0;
}

static void page_done(ld_target_run *r, ld_aws_client *c)
{
	if (r->on_page)
		r->on_page(r->on_page_ctx, r, c);
}

/* --- the run's state ---------------------------------------------------------------- */

int ld_target_run_init(ld_target_run *r, ld_collect_target *t, const ld_collect_opts *opts,
		       const uint8_t *key)
{
	memset(r, 0, sizeof(*r));
	r->target = t;
	r->session = t->session;
	r->region = t->region ? t->region : ld_aws_session_region(t->session);
	r->opts = opts;
	r->key = key;
	r->functions.op = "ListFunctions";
	r->functions.max_pages = MAX_PAGES_FUNCTIONS;
	r->names.op = "ListFunctions";
	r->names.max_pages = MAX_PAGES_FUNCTIONS;
	r->triggers.op = "ListEventSourceMappings";
	r->triggers.max_pages = MAX_PAGES_ESM;
	ld_inventory_init(&r->inv);
	ld_inventory_init(&r->fn_problems);
	ld_inventory_init(&r->trigger_problems);
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		return ld_error_set(LD_ERR_OS, "cannot create a lock for a scan target");
	r->lock_ready = true;
	return ld_inventory_add_region(&r->inv, r->region);
}

void ld_target_run_dispose(ld_target_run *r)
{
	if (!r)
		return;
	ld_inventory_dispose(&r->inv);
	ld_inventory_dispose(&r->fn_problems);
	ld_inventory_dispose(&r->trigger_problems);
	for (size_t i = 0; i < r->nalias_problems; i++)
		free(r->alias_problems[i].line);
	free(r->alias_problems);
	ld_pager_dispose(&r->functions);
	ld_pager_dispose(&r->names);
	ld_pager_dispose(&r->triggers);
	ld_collect__policy_dispose(r);
	ld_rate_limiter_dispose(&r->limiter);
	if (r->lock_ready)
		pthread_mutex_destroy(&r->lock);
	memset(r, 0, sizeof(*r));
}

const char *ld_collect__function_name(ld_target_run *r, size_t fn)
{
	const char *name;

	pthread_mutex_lock(&r->lock);
	name = r->inv.functions[fn].name; /* the string never moves, the array may */
	pthread_mutex_unlock(&r->lock);
	return name;
}

bool ld_collect__region_wide(int error)
{
	return error == LD_EAUTH || error == LD_ENET || error == LD_ETHROTTLED ||
	       error == LD_ELIMIT;
}

/* --- pagination ------------------------------------------------------------------- */

/* Take the next marker of a page (ld_pager_advance), naming the listing and region. */
static int pager_advance(ld_pager *p, ld_target_run *c, const ld_json *page)
{
	char where[160];

	snprintf(where, sizeof(where), "%s in %s", p->op, c->region);
	return ld_pager_advance(p, page, where);
}

/* GET one page of a listing as a JSON object. */
static int get_page(ld_json **out, ld_target_run *r, ld_aws_client *c, ld_pager *p,
		    const char *path, const char *fixed_query)
{
	ld_buf query = LD_BUF_INIT_CAP(MAX_QUERY);
	ld_http_response resp;
	char what[160];
	int error;

	*out = NULL;
	ld_http_response_init(&resp);
	ld_buf_puts(&query, fixed_query);
	if (p->marker) {
		ld_buf_puts(&query, "&Marker=");
		ld_sigv4_uri_encode(&query, p->marker, false);
	}
	if (query.error) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "%s marker is too long", p->op);
		goto done;
	}
	p->pages++;
	snprintf(what, sizeof(what), "%s response (page %zu) from %s", p->op, p->pages, r->region);
	/* a body cut short in transit can still arrive as a complete HTTP message: ask again */
	for (int attempt = 1;; attempt++) {
		ld_json_free(*out);
		*out = NULL;
		error = ld_aws_call(c, &resp, p->op, "GET", path, query.ptr, NULL,
				    LD_QUOTA_CONTROL);
		if (error < 0)
			goto done;
		pthread_mutex_lock(&r->lock);
		r->any_success = true;
		pthread_mutex_unlock(&r->lock);
		if ((error = ld_json_parse(out, resp.body.ptr, resp.body.size, what)) == 0 &&
		    !ld_json_is_object(*out))
			error = ld_error_setc(LD_EINVALID, LD_ERR_JSON, "%s is not a JSON object",
					      what);
		if (error == 0 || attempt >= PARSE_ATTEMPTS)
			break;
		if (c->calls)
			c->calls->retries++;
		ld_http_response_dispose(&resp);
	}
	if (error < 0)
		goto done;
done:
	if (error < 0) {
		ld_json_free(*out);
		*out = NULL;
	}
	ld_buf_dispose(&query);
	ld_http_response_dispose(&resp);
	return error;
}

/* The array `key` of a page; a missing array is a malformed page. */
static int page_array(const ld_json **out, const ld_json *page, const char *key, ld_pager *p,
		      ld_target_run *r)
{
	*out = ld_json_get(page, key);
	if (!*out || ld_json_is_null(*out)) {
		*out = NULL;
		return 0; /* an empty listing may omit it */
	}
	if (!ld_json_is_array(*out))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "%s response (page %zu) from %s: %s is not an array", p->op,
				     p->pages, r->region, key);
	return 0;
}

/* --- ListFunctions ---------------------------------------------------------------- */

static int push_index(size_t **list, size_t *n, size_t idx)
{
	if (ld_array_grow(*list, *n, 1) < 0)
		return LD_ERROR;
	(*list)[(*n)++] = idx;
	return 0;
}

/* The function `name` (its ARN, qualified or not), added when new (its index appended to
 * *fresh). Lock held. */
static ld_function *function_named(ld_target_run *r, const char *name, const char *arn,
				   size_t **fresh, size_t *nfresh)
{
	char account[32];
	ld_function *fn;
	size_t before = r->inv.nfunctions;
	char *plain;

	if (!(plain = unqualified_arn(arn))) {
		ld_error_oom();
		return NULL;
	}
	if (!arn_field(account, sizeof(account), arn, 4) || !account[0])
		snprintf(account, sizeof(account), "%s", r->target->account ? r->target->account : "");
	fn = ld_inventory_function_in(&r->inv, account[0] ? account : NULL, r->region, name, plain);
	free(plain);
	if (fn && r->inv.nfunctions > before &&
	    push_index(fresh, nfresh, (size_t)(fn - r->inv.functions)) < 0)
		return NULL;
	return fn;
}

/* The function a ListFunctions?FunctionVersion=ALL entry belongs to: the last entry's, as
 * a rule (a function's versions come together), else function_named's. Lock held. */
static ld_function *function_for(ld_target_run *r, const char *name, const char *arn,
				 size_t **fresh, size_t *nfresh)
{
	ld_function *fn;

	if (r->have_last && r->last_fn < r->inv.nfunctions) {
		fn = &r->inv.functions[r->last_fn];
		if (!strcmp(fn->name, name))
			return fn;
	}
	if (!(fn = function_named(r, name, arn, fresh, nfresh)))
		return NULL;
	r->last_fn = (size_t)(fn - r->inv.functions);
	r->have_last = true;
	return fn;
}

/* Add a parsed version under the lock; takes ownership of *v. */
static int add_version(ld_target_run *r, const char *name, const char *arn, ld_version *v,
		       size_t **fresh, size_t *nfresh)
{
	ld_function *fn;
	ld_version *slot;
	int error = 0;

	pthread_mutex_lock(&r->lock);
	if ((error = note_account(&r->inv, arn)) < 0)
		goto done;
	if (!(fn = function_for(r, name, arn, fresh, nfresh))) {
		error = LD_ERROR;
		goto done;
	}
	if (ld_function_version(fn, v->version))
		goto done; /* listed twice across pages while the account changed */
	if (!(slot = ld_function_add_version(fn))) {
		error = LD_ERROR;
		goto done;
	}
	*slot = *v;
	memset(v, 0, sizeof(*v));
done:
	pthread_mutex_unlock(&r->lock);
	ld_version_dispose(v);
	return error;
}

static int fn_problem(ld_target_run *r, const char *line)
{
	int error;
	pthread_mutex_lock(&r->lock);
	error = ld_inventory_problem(&r->fn_problems, "%s", line);
	pthread_mutex_unlock(&r->lock);
	return error;
}

static int add_version_entry(ld_target_run *r, const ld_json *item, size_t **fresh,
			     size_t *nfresh)
{
	const char *name = ld_json_get_str(item, "FunctionName");
	const char *arn = ld_json_get_str(item, "FunctionArn");
	const char *ver = ld_json_get_str(item, "Version");
	char line[1024];
	ld_version v;
	int error;

	if (!name || !arn || !ver) {
		snprintf(line, sizeof(line), "ListFunctions in %s returned an entry without "
			 "FunctionName, FunctionArn or Version; skipped it", r->region);
		return fn_problem(r, line);
	}
	if (!wanted(r->opts, name))
		return 0;
	/* the costly part (canonical config, digests) runs outside the lock */
	memset(&v, 0, sizeof(v));
	if ((error = ld_version_from_api(&v, item, r->key, LD_DIGEST_KEY_LEN)) < 0) {
		ld_version_dispose(&v);
		if (error != LD_EINVALID)
			return error;
		snprintf(line, sizeof(line), "version %.64s of %.140s in %s not recorded: %s", ver,
			 name, r->region, ld_error_last()->message);
		return fn_problem(r, line);
	}
	return add_version(r, name, arn, &v, fresh, nfresh);
}

int ld_collect__functions_page(ld_target_run *r, ld_aws_client *c, size_t **fresh,
			       size_t *nfresh)
{
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	bool more;

	c->priority = true; /* the marker chain: everything else of the region can wait */
	if ((error = get_page(&page, r, c, &r->functions, "/2015-03-31/functions",
			      "FunctionVersion=ALL&MaxItems=50")) < 0 ||
	    (error = page_array(&items, page, "Functions", &r->functions, r)) < 0 ||
	    (error = pager_advance(&r->functions, r, page)) < 0)
		goto done;
	/* the chain may go on while this page's entries are added: the pager is not touched
	 * past this point */
	more = r->functions.marker != NULL;
	if (r->on_chain)
		r->on_chain(r->on_page_ctx, r, more);
	for (size_t i = 0; i < ld_json_size(items); i++)
		if ((error = add_version_entry(r, ld_json_at(items, i), fresh, nfresh)) < 0)
			goto done;
	error = more ? 1 : 0;
done:
	c->priority = false;
	ld_json_free(page);
	if (error >= 0)
		page_done(r, c);
	return error;
}

/* --- ListFunctions by name ---------------------------------------------------------- */

/* Functions of one page of the plain listing, by name only: entries it cannot use are left
 * to the versions' listing, which reports them. */
static int add_names(ld_target_run *r, const ld_json *items, size_t **fresh, size_t *nfresh)
{
	int error = 0;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < ld_json_size(items) && error == 0; i++) {
		const ld_json *item = ld_json_at(items, i);
		const char *name = ld_json_get_str(item, "FunctionName");
		const char *arn = ld_json_get_str(item, "FunctionArn");
		if (name && arn && wanted(r->opts, name) &&
		    !function_named(r, name, arn, fresh, nfresh))
			error = LD_ERROR;
	}
	pthread_mutex_unlock(&r->lock);
	return error;
}

int ld_collect__names_page(ld_target_run *r, ld_aws_client *c, size_t **fresh, size_t *nfresh)
{
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	c->priority = true; /* everything it names has work waiting on it */
	if ((error = get_page(&page, r, c, &r->names, "/2015-03-31/functions", "MaxItems=50")) < 0 ||
	    (error = page_array(&items, page, "Functions", &r->names, r)) < 0 ||
	    (error = pager_advance(&r->names, r, page)) < 0 ||
	    (error = add_names(r, items, fresh, nfresh)) < 0)
		goto done;
	error = r->names.marker ? 1 : 0;
done:
	c->priority = false;
	ld_json_free(page);
	if (error >= 0)
		page_done(r, c);
	return error;
}

/* --- ListAliases ------------------------------------------------------------------ */

static int alias_weights(ld_alias *a, const ld_json *item)
{
	const ld_json *w = ld_json_get(ld_json_get(item, "RoutingConfig"), "AdditionalVersionWeights");
	size_t n = ld_json_size(w);

	if (!ld_json_is_object(w) || !n)
		return 0;
	if (!(a->weights = calloc(n, sizeof(*a->weights))))
		return ld_error_oom();
	for (const ld_json *m = ld_json_first(w); m; m = ld_json_next(m)) {
		if (!ld_json_is_number(m))
			return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
					     "alias %s: weight of version %s is not a number",
					     a->name, ld_json_key(m));
		if (!(a->weights[a->nweights].version = strdup(ld_json_key(m))))
			return ld_error_oom();
		a->weights[a->nweights++].weight = ld_json_num(m);
	}
	return 0;
}

static bool has_alias(const ld_function *fn, const char *name)
{
	for (size_t i = 0; i < fn->naliases; i++)
		if (!strcmp(fn->aliases[i].name, name))
			return true;
	return false;
}

static int add_alias_entry_locked(ld_function *fn, const ld_json *item)
{
	const char *name = ld_json_get_str(item, "Name");
	const char *ver = ld_json_get_str(item, "FunctionVersion");
	const char *arn = ld_json_get_str(item, "AliasArn");
	ld_alias a, *slot;
	int error;

	memset(&a, 0, sizeof(a));
	if (!name || !ver)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "ListAliases returned an alias without Name or FunctionVersion");
	if (has_alias(fn, name))
		return 0;
	if (!(a.name = strdup(name)) || !(a.function_version = strdup(ver)) ||
	    (arn && !(a.arn = strdup(arn)))) {
		error = ld_error_oom();
		goto done;
	}
	if ((error = alias_weights(&a, item)) < 0)
		goto done;
	if (!(slot = ld_function_add_alias(fn))) {
		error = LD_ERROR;
		goto done;
	}
	*slot = a;
	memset(&a, 0, sizeof(a));
done:
	ld_alias_dispose(&a);
	return error;
}

/* Add one page's aliases to function `fn` under the lock. */
static int add_aliases(ld_target_run *r, size_t fn, const ld_json *items)
{
	int error = 0;

	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < ld_json_size(items) && error == 0; i++)
		error = add_alias_entry_locked(&r->inv.functions[fn], ld_json_at(items, i));
	pthread_mutex_unlock(&r->lock);
	return error;
}

int ld_collect__aliases(ld_target_run *r, ld_aws_client *c, size_t fn)
{
	ld_buf path = LD_BUF_INIT_CAP(1024);
	ld_pager p = { "ListAliases", 0, MAX_PAGES_ALIASES, NULL, 0, NULL };
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	ld_buf_puts(&path, "/2015-03-31/functions/");
	ld_sigv4_uri_encode(&path, ld_collect__function_name(r, fn), false);
	if ((error = ld_buf_puts(&path, "/aliases")) < 0)
		goto done;
	do {
		if ((error = get_page(&page, r, c, &p, path.ptr, "MaxItems=50")) < 0 ||
		    (error = page_array(&items, page, "Aliases", &p, r)) < 0 ||
		    (error = add_aliases(r, fn, items)) < 0 ||
		    (error = pager_advance(&p, r, page)) < 0)
			goto done;
		ld_json_free(page);
		page = NULL;
		page_done(r, c);
	} while (p.marker);
done:
	ld_json_free(page);
	ld_pager_dispose(&p);
	ld_buf_dispose(&path);
	return error;
}

int ld_collect__alias_problem(ld_target_run *r, size_t fn, const char *why)
{
	ld_alias_problem *grown;
	ld_buf line = LD_BUF_INIT_CAP(4096);
	int error = 0;

	ld_buf_printf(&line, "aliases of %s in %s not collected: %s",
		      ld_collect__function_name(r, fn), r->region, why);
	pthread_mutex_lock(&r->lock);
	r->inv.complete = false;
	if ((error = ld_array_grow(r->alias_problems, r->nalias_problems, 1)) < 0)
		goto done;
	grown = r->alias_problems;
	if (!(grown[r->nalias_problems].line = ld_buf_detach(&line))) {
		error = ld_error_oom();
		goto done;
	}
	grown[r->nalias_problems].name = r->inv.functions[fn].name;
	grown[r->nalias_problems++].fn = fn;
done:
	pthread_mutex_unlock(&r->lock);
	ld_buf_dispose(&line);
	return error;
}

/* --- ListEventSourceMappings ------------------------------------------------------ */

static bool has_trigger(const ld_inventory *inv, const char *region, const char *uuid)
{
	for (size_t i = 0; i < inv->ntriggers; i++)
		if (!strcmp(inv->triggers[i].uuid, uuid) && !strcmp(inv->triggers[i].region, region))
			return true;
	return false;
}

static int add_trigger_entry(ld_target_run *c, const ld_json *item)
{
	const char *uuid = ld_json_get_str(item, "UUID");
	const char *fn_arn = ld_json_get_str(item, "FunctionArn");
	const char *src = ld_json_get_str(item, "EventSourceArn");
	const char *state = ld_json_get_str(item, "State");
	char name[256];
	ld_trigger *t;

	if (!uuid || !fn_arn)
		return ld_inventory_problem(&c->trigger_problems, "ListEventSourceMappings in %s "
					    "returned a mapping without UUID or FunctionArn; "
					    "skipped it", c->region);
	/* as ld_inventory_filter does: triggers of functions left out go too */
	if (c->opts && c->opts->nglobs &&
	    (!arn_field(name, sizeof(name), fn_arn, 6) || !wanted(c->opts, name)))
		return 0;
	if (has_trigger((&c->inv), c->region, uuid))
		return 0;
	if (!(t = ld_inventory_add_trigger((&c->inv))))
		return LD_ERROR;
	t->uuid = strdup(uuid);
	t->region = strdup(c->region);
	t->function_arn = strdup(fn_arn);
	t->event_source_arn = src ? strdup(src) : NULL;
	t->state = state ? strdup(state) : NULL;
	if (!t->uuid || !t->region || !t->function_arn || (src && !t->event_source_arn) ||
	    (state && !t->state))
		return ld_error_oom(); /* the inventory frees the partial trigger */
	return 0;
}

int ld_collect__triggers_page(ld_target_run *r, ld_aws_client *c)
{
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	if ((error = get_page(&page, r, c, &r->triggers, "/2015-03-31/event-source-mappings",
			      "MaxItems=100")) < 0 ||
	    (error = page_array(&items, page, "EventSourceMappings", &r->triggers, r)) < 0)
		goto done;
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < ld_json_size(items) && error == 0; i++)
		error = add_trigger_entry(r, ld_json_at(items, i));
	pthread_mutex_unlock(&r->lock);
	if (error < 0 || (error = pager_advance(&r->triggers, r, page)) < 0)
		goto done;
	error = r->triggers.marker ? 1 : 0;
done:
	ld_json_free(page);
	if (error >= 0)
		page_done(r, c);
	return error;
}

/* --- the end of a run --------------------------------------------------------------- */

/* By function name: discovery order may differ between runs, names do not (and are
 * unique in an account-region). */
static int cmp_alias_problems(const void *a, const void *b)
{
	const ld_alias_problem *x = a, *y = b;
	return strcmp(x->name, y->name);
}

/* A function whose environment went unchecked: its problem line, which src/audit/env.c
 * then finds said (ld_gaps_reported) and does not say again. */
static int env_unchecked(ld_inventory *problems, const ld_function *fn)
{
	char *why = NULL;
	int error = ld_env__unchecked(&why, fn);

	if (error == 0 && why)
		error = ld_inventory_problem(problems, LD_ENV_UNCHECKED_LINE, fn->name,
					     fn->region, why);
	free(why);
	return error;
}

int ld_collect__finish(ld_target_run *r, size_t aliases_skipped, bool policies_stopped)
{
	size_t policies_skipped = 0;
	int error = ld_collect__policy_finish(r, policies_stopped, &policies_skipped);

	pthread_mutex_lock(&r->lock);
	if (r->nalias_problems > 1)
		qsort(r->alias_problems, r->nalias_problems, sizeof(*r->alias_problems),
		      cmp_alias_problems);
	/* environments Lambda could not return leave env-plaintext-secret unchecked, which
	 * is no problem when the run skips it */
	if (!(r->opts && r->opts->no_secrets))
		for (size_t i = 0; i < r->inv.nfunctions && error == 0; i++)
			error = env_unchecked(&r->fn_problems, &r->inv.functions[i]);
	/* ListFunctions' and resource policies' lines first, then aliases by function, then
	 * mappings */
	if (r->fn_problems.nproblems > 1)
		qsort(r->fn_problems.problems, r->fn_problems.nproblems, sizeof(char *),
		      ld_strcmp_ptrs);
	ld_inventory_take(&r->inv, &r->fn_problems);
	ld_inventory_init(&r->fn_problems);
	if (policies_skipped && error == 0)
		error = ld_inventory_problem(&r->inv, "resource policies of %zu more functions in "
					     "%s not read after that error, so url-public, "
					     "policy-public, concurrency-unbounded and "
					     "trigger-unqualified (permissions, URLs) were not "
					     "checked for them", policies_skipped, r->region);
	for (size_t i = 0; i < r->nalias_problems && error == 0; i++)
		error = ld_inventory_problem(&r->inv, "%s", r->alias_problems[i].line);
	if (aliases_skipped && error == 0)
		error = ld_inventory_problem(&r->inv, "aliases of %zu more functions in %s not "
					     "collected after that error", aliases_skipped,
					     r->region);
	if (error == 0)
		error = ld_inventory_take(&r->inv, &r->trigger_problems);
	ld_inventory_init(&r->trigger_problems);
	pthread_mutex_unlock(&r->lock);
	return error;
}
