/*
 * ld_collect (include/lambdrift/aws.h): fill an inventory from one region with the fewest
 * calls of Lambda's shared 15 req/s class. ListFunctions?FunctionVersion=ALL streams every
 * version's configuration 50 at a time, ListAliases runs once (paged) per kept function, and
 * ListEventSourceMappings once (paged) per region. Every listing is followed to its end and
 * guarded against servers that repeat a marker or never stop. Per-function failures become
 * inventory problems (the run is then incomplete, never silently clean); a failure of a
 * region-wide listing is returned.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "inventory/build.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"

#define MAX_PAGES_FUNCTIONS 20000 /* 1,000,000 versions */
#define MAX_PAGES_ALIASES 1000
#define MAX_PAGES_ESM 1000
#define PAGE_CAP ((size_t)8 * 1024 * 1024)
#define MAX_QUERY ((size_t)8 * 1024)

typedef struct {
	ld_inventory *inv;
	ld_aws_client client;
	const char *region;
	const ld_collect_opts *opts;
	const uint8_t *key;
	size_t last_fn;      /* index of the function the previous entry went to */
	bool have_last;
} collector;

/* One paginated listing: which markers were seen, how many pages so far. */
typedef struct {
	const char *op;
	size_t pages, max_pages;
	uint64_t *seen;
	size_t nseen;
	char *marker;        /* for the next request, NULL when done */
} pager;

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

static void progress(collector *c)
{
	if (c->opts && c->opts->progress)
		c->opts->progress(c->opts->progress_ctx, c->inv, c->region);
}

/* --- pagination ------------------------------------------------------------------- */

static void pager_dispose(pager *p)
{
	free(p->seen);
	free(p->marker);
	memset(p, 0, sizeof(*p));
}

static uint64_t marker_hash(const char *m)
{
	uint8_t h[LD_SHA256_LEN];
	uint64_t v = 0;
	ld_sha256(h, m, strlen(m));
	for (int i = 0; i < 8; i++)
		v = (v << 8) | h[i];
	return v;
}

/* Take NextMarker from a page; stop on absent / null / "". A marker seen before would loop. */
static int pager_advance(pager *p, collector *c, const ld_json *page)
{
	const char *next = ld_json_get_str(page, "NextMarker");
	uint64_t h, *grown;

	free(p->marker);
	p->marker = NULL;
	if (!next || !next[0])
		return 0;
	h = marker_hash(next);
	for (size_t i = 0; i < p->nseen; i++)
		if (p->seen[i] == h)
			return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
					     "%s in %s returned a marker it had already returned "
					     "(page %zu): the listing would never end", p->op,
					     c->region, p->pages);
	if (p->pages >= p->max_pages)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS,
				     "%s in %s still had more after %zu pages: stopped at the bound",
				     p->op, c->region, p->max_pages);
	if (!(grown = realloc(p->seen, (p->nseen + 1) * sizeof(*grown))))
		return ld_error_oom();
	p->seen = grown;
	p->seen[p->nseen++] = h;
	if (!(p->marker = strdup(next)))
		return ld_error_oom();
	return 0;
}

/* GET one page of a listing as a JSON object. */
static int get_page(ld_json **out, collector *c, pager *p, const char *path,
		    const char *fixed_query)
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
	error = ld_aws_call(&c->client, &resp, p->op, "GET", path, query.ptr, NULL,
			    LD_QUOTA_CONTROL);
	if (error < 0)
		goto done;
	snprintf(what, sizeof(what), "%s response (page %zu) from %s", p->op, p->pages, c->region);
	if ((error = ld_json_parse(out, resp.body.ptr, resp.body.size, what)) < 0)
		goto done;
	if (!ld_json_is_object(*out)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_JSON, "%s is not a JSON object", what);
		goto done;
	}
	error = 0;
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
static int page_array(const ld_json **out, const ld_json *page, const char *key, pager *p,
		      collector *c)
{
	*out = ld_json_get(page, key);
	if (!*out || ld_json_is_null(*out)) {
		*out = NULL;
		return 0; /* an empty listing may omit it */
	}
	if (!ld_json_is_array(*out))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "%s response (page %zu) from %s: %s is not an array", p->op,
				     p->pages, c->region, key);
	return 0;
}

/* --- ListFunctions ---------------------------------------------------------------- */

static ld_function *function_for(collector *c, const char *name, const char *arn)
{
	ld_function *fn;
	char *plain;

	if (c->have_last && c->last_fn < c->inv->nfunctions) {
		fn = &c->inv->functions[c->last_fn];
		if (!strcmp(fn->name, name) && !strcmp(fn->region, c->region))
			return fn;
	}
	if (!(plain = unqualified_arn(arn))) {
		ld_error_oom();
		return NULL;
	}
	fn = ld_inventory_function(c->inv, c->region, name, plain);
	free(plain);
	if (fn) {
		c->last_fn = (size_t)(fn - c->inv->functions);
		c->have_last = true;
	}
	return fn;
}

static int add_version_entry(collector *c, const ld_json *item)
{
	const char *name = ld_json_get_str(item, "FunctionName");
	const char *arn = ld_json_get_str(item, "FunctionArn");
	const char *ver = ld_json_get_str(item, "Version");
	ld_function *fn;
	ld_version v, *slot;
	int error;

	if (!name || !arn || !ver)
		return ld_inventory_problem(c->inv, "ListFunctions in %s returned an entry without "
					    "FunctionName, FunctionArn or Version; skipped it",
					    c->region);
	if (!wanted(c->opts, name))
		return 0;
	if ((error = note_account(c->inv, arn)) < 0)
		return error;
	if (!(fn = function_for(c, name, arn)))
		return LD_ERROR;
	if (ld_function_version(fn, ver))
		return 0; /* listed twice across pages while the account changed */
	memset(&v, 0, sizeof(v));
	if ((error = ld_version_from_api(&v, item, c->key, LD_DIGEST_KEY_LEN)) < 0) {
		ld_version_dispose(&v);
		if (error != LD_EINVALID)
			return error;
		return ld_inventory_problem(c->inv, "version %s of %s in %s not recorded: %s", ver,
					    name, c->region, ld_error_last()->message);
	}
	if (!(slot = ld_function_add_version(fn))) {
		ld_version_dispose(&v);
		return LD_ERROR;
	}
	*slot = v;
	return 0;
}

static int list_functions(collector *c)
{
	pager p = { "ListFunctions", 0, MAX_PAGES_FUNCTIONS, NULL, 0, NULL };
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	do {
		if ((error = get_page(&page, c, &p, "/2015-03-31/functions",
				      "FunctionVersion=ALL&MaxItems=50")) < 0 ||
		    (error = page_array(&items, page, "Functions", &p, c)) < 0)
			goto done;
		for (size_t i = 0; i < ld_json_size(items); i++)
			if ((error = add_version_entry(c, ld_json_at(items, i))) < 0)
				goto done;
		if ((error = pager_advance(&p, c, page)) < 0)
			goto done;
		ld_json_free(page);
		page = NULL;
		progress(c);
	} while (p.marker);
done:
	ld_json_free(page);
	pager_dispose(&p);
	return error;
}

/* --- ListAliases ------------------------------------------------------------------ */

static void alias_free_fields(ld_alias *a)
{
	free(a->name);
	free(a->arn);
	free(a->function_version);
	for (size_t i = 0; i < a->nweights; i++)
		free(a->weights[i].version);
	free(a->weights);
	memset(a, 0, sizeof(*a));
}

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

static int add_alias_entry(ld_function *fn, const ld_json *item)
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
	alias_free_fields(&a);
	return error;
}

static int list_aliases(collector *c, size_t fn_index)
{
	ld_buf path = LD_BUF_INIT_CAP(1024);
	pager p = { "ListAliases", 0, MAX_PAGES_ALIASES, NULL, 0, NULL };
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	ld_buf_puts(&path, "/2015-03-31/functions/");
	ld_sigv4_uri_encode(&path, c->inv->functions[fn_index].name, false);
	if ((error = ld_buf_puts(&path, "/aliases")) < 0)
		goto done;
	do {
		if ((error = get_page(&page, c, &p, path.ptr, "MaxItems=50")) < 0 ||
		    (error = page_array(&items, page, "Aliases", &p, c)) < 0)
			goto done;
		for (size_t i = 0; i < ld_json_size(items); i++)
			if ((error = add_alias_entry(&c->inv->functions[fn_index],
						     ld_json_at(items, i))) < 0)
				goto done;
		if ((error = pager_advance(&p, c, page)) < 0)
			goto done;
		ld_json_free(page);
		page = NULL;
		progress(c);
	} while (p.marker);
done:
	ld_json_free(page);
	pager_dispose(&p);
	ld_buf_dispose(&path);
	return error;
}

/* Errors that will hit every function alike: no point asking for the rest. */
static bool region_wide(int error)
{
	return error == LD_EAUTH || error == LD_ENET || error == LD_ETHROTTLED ||
	       error == LD_ELIMIT;
}

static int collect_aliases(collector *c)
{
	size_t skipped = 0;
	bool stop = false;
	int error;

	/* only this region's functions: the array holds other regions' too */
	for (size_t i = 0; i < c->inv->nfunctions; i++) {
		const ld_function *fn = &c->inv->functions[i];
		if (strcmp(fn->region, c->region) != 0 || !wanted(c->opts, fn->name))
			continue;
		if (stop) {
			skipped++;
			continue;
		}
		if ((error = list_aliases(c, i)) == 0)
			continue;
		if (ld_error_last()->klass == LD_ERR_NOMEM)
			return error;
		ld_inventory_problem(c->inv, "aliases of %s in %s not collected: %s", fn->name,
				     c->region, ld_error_last()->message);
		stop = region_wide(error);
	}
	if (skipped)
		ld_inventory_problem(c->inv, "aliases of %zu more functions in %s not collected "
				     "after that error", skipped, c->region);
	return 0;
}

/* --- ListEventSourceMappings ------------------------------------------------------ */

static bool has_trigger(const ld_inventory *inv, const char *region, const char *uuid)
{
	for (size_t i = 0; i < inv->ntriggers; i++)
		if (!strcmp(inv->triggers[i].uuid, uuid) && !strcmp(inv->triggers[i].region, region))
			return true;
	return false;
}

static int add_trigger_entry(collector *c, const ld_json *item)
{
	const char *uuid = ld_json_get_str(item, "UUID");
	const char *fn_arn = ld_json_get_str(item, "FunctionArn");
	const char *src = ld_json_get_str(item, "EventSourceArn");
	const char *state = ld_json_get_str(item, "State");
	char name[256];
	ld_trigger *t;

	if (!uuid || !fn_arn)
		return ld_inventory_problem(c->inv, "ListEventSourceMappings in %s returned a "
					    "mapping without UUID or FunctionArn; skipped it",
					    c->region);
	/* as ld_inventory_filter does: triggers of functions left out go too */
	if (c->opts && c->opts->nglobs &&
	    (!arn_field(name, sizeof(name), fn_arn, 6) || !wanted(c->opts, name)))
		return 0;
	if (has_trigger(c->inv, c->region, uuid))
		return 0;
	if (!(t = ld_inventory_add_trigger(c->inv)))
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

static int list_triggers(collector *c)
{
	pager p = { "ListEventSourceMappings", 0, MAX_PAGES_ESM, NULL, 0, NULL };
	ld_json *page = NULL;
	const ld_json *items;
	int error;

	do {
		if ((error = get_page(&page, c, &p, "/2015-03-31/event-source-mappings",
				      "MaxItems=100")) < 0 ||
		    (error = page_array(&items, page, "EventSourceMappings", &p, c)) < 0)
			goto done;
		for (size_t i = 0; i < ld_json_size(items); i++)
			if ((error = add_trigger_entry(c, ld_json_at(items, i))) < 0)
				goto done;
		if ((error = pager_advance(&p, c, page)) < 0)
			goto done;
		ld_json_free(page);
		page = NULL;
		progress(c);
	} while (p.marker);
done:
	ld_json_free(page);
	pager_dispose(&p);
	return error;
}

/* --- the whole region ------------------------------------------------------------- */

static int stamp(ld_inventory *inv)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (inv->collected_at)
		return 0;
	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return ld_error_set(LD_ERR_OS, "cannot format the collection time");
	if (!(inv->collected_at = strdup(when)))
		return ld_error_oom();
	return 0;
}

static void report_sts(ld_inventory *inv, ld_aws_session *s)
{
	if (s->sts_reported)
		return;
	inv->calls.sts += s->sts_calls.sts;
	inv->calls.throttled += s->sts_calls.throttled;
	inv->calls.retries += s->sts_calls.retries;
	inv->calls.errors += s->sts_calls.errors;
	s->sts_reported = true;
}

int ld_collect(ld_inventory *inv, ld_aws_session *s, const char *region,
	       const ld_collect_opts *opts)
{
	collector c;
	int error;

	assert(inv && s);
	memset(&c, 0, sizeof(c));
	c.inv = inv;
	c.opts = opts;
	c.region = region ? region : ld_aws_session_region(s);
	c.key = opts && opts->digest_key ? opts->digest_key : s->digest_key;
	ld_inventory_set_digest_key(inv, c.key, LD_DIGEST_KEY_LEN);
	report_sts(inv, s);
	if ((error = stamp(inv)) < 0 || (error = ld_inventory_add_region(inv, c.region)) < 0 ||
	    (error = ld_aws_session__client(&c.client, s, c.region, &inv->calls)) < 0)
		goto done;
	if ((error = list_functions(&c)) < 0 || (error = collect_aliases(&c)) < 0 ||
	    (error = list_triggers(&c)) < 0)
		goto done;
	error = 0;
done:
	ld_inventory_sort(inv);
	ld_aws_client_dispose(&c.client);
	return error;
}
