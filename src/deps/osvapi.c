/*
 * The OSV API client behind deps/osvapi.h. Requests are built with ld_buf and
 * ld_json_quote, answers parsed with util/json; a request is retried on transient
 * failures, 429 and 5xx with a doubling pause (Retry-After honoured up to a bound), and
 * every other answer than 200 ends the call with a message naming the request, so a
 * half-answered query never reads as "no advisories". Advisory ids gathered from all
 * batches are sorted and made unique before any is fetched, so an advisory shared by many
 * functions' packages is fetched once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deps/osvapi.h"
#include "http/http.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/json.h"

#define MAX_BASE_URL 1024
#define MAX_ID 256
#define MAX_RETRY_PAUSE_MS 10000

typedef struct {
	ld_osv_db *db;
	ld_transport *t;
	ld_osvapi_limits lim;
	ld_osvapi_stats *st;
	char base[MAX_BASE_URL + 1];
	char **ids;
	size_t nids, capids;
} api;

/* A batch in flight: which queries, and the page token each one continues from. */
typedef struct {
	size_t *q;
	char **token;
	size_t n;
} batch;

static void batch_dispose(batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->token[i]);
	free(b->q);
	free(b->token);
	memset(b, 0, sizeof(*b));
}

static int batch_alloc(batch *b, size_t n)
{
	memset(b, 0, sizeof(*b));
	if (n == 0)
		return 0;
	b->q = calloc(n, sizeof(*b->q));
	b->token = calloc(n, sizeof(*b->token));
	if (!b->q || !b->token) {
		batch_dispose(b);
		return ld_error_oom();
	}
	return 0;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}

static bool retryable(int error, const ld_http_response *resp)
{
	if (error < 0)
		return error == LD_ENET && resp->transient;
	return resp->status == 429 || resp->status >= 500;
}

/* One request with retries; 0 only for a 200 answer. */
static int call(api *a, const char *method, const char *url, const ld_buf *body,
		ld_http_response *resp, const char *what)
{
	static const ld_header post_headers[] = { { "Content-Type", "application/json" },
						  { "Accept", "application/json" },
						  { "User-Agent", "lambdrift/" LD_VERSION } };
	ld_http_request req = { method, url, post_headers + (body ? 0 : 1), body ? 3 : 2,
				body ? body->ptr : NULL, body ? body->size : 0,
				a->lim.timeout_ms, a->lim.max_response };
	long delay = a->lim.retry_delay_ms;
	int error = 0;

	for (unsigned attempt = 1;; attempt++) {
		a->st->requests++;
		error = ld_transport_send(a->t, &req, resp);
		if (error == 0 && resp->status == 200)
			return 0;
		if (attempt >= a->lim.attempts || !retryable(error, resp))
			break;
		if (error == 0 && resp->retry_after > 0)
			delay = resp->retry_after * 1000 > delay ? resp->retry_after * 1000 : delay;
		pause_ms(delay < MAX_RETRY_PAUSE_MS ? delay : MAX_RETRY_PAUSE_MS);
		delay *= 2;
	}
	if (error < 0)
		return error;
	if (resp->status == 404)
		return ld_error_setc(LD_ENOTFOUND, LD_ERR_HTTP, "osv api has no %s", what);
	return ld_error_setc(resp->status == 429 || resp->status >= 500 ? LD_ENET : LD_EINVALID,
			     LD_ERR_HTTP, "osv api answered %ld to %s", resp->status, what);
}

static int build_query(ld_buf *b, const ld_osv_query *q, const char *token)
{
	int error;
	if ((error = ld_buf_puts(b, "{\"package\":{\"ecosystem\":")) < 0 ||
	    (error = ld_json_quote(b, q->ecosystem)) < 0 || (error = ld_buf_puts(b, ",\"name\":")) < 0 ||
	    (error = ld_json_quote(b, q->name)) < 0 || (error = ld_buf_puts(b, "},\"version\":")) < 0 ||
	    (error = ld_json_quote(b, q->version)) < 0)
		return error;
	if (token && ((error = ld_buf_puts(b, ",\"page_token\":")) < 0 ||
		      (error = ld_json_quote(b, token)) < 0))
		return error;
	return ld_buf_putc(b, '}');
}

static int build_body(ld_buf *b, const ld_osv_query *queries, const batch *bt)
{
	int error = ld_buf_puts(b, "{\"queries\":[");
	for (size_t i = 0; error == 0 && i < bt->n; i++) {
		if (i)
			error = ld_buf_putc(b, ',');
		if (error == 0)
			error = build_query(b, &queries[bt->q[i]], bt->token[i]);
	}
	return error ? error : ld_buf_puts(b, "]}");
}

static int cmp_ids(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sort and drop repeated ids. */
static void unique_ids(api *a)
{
	size_t w = 0;
	if (a->nids)
		qsort(a->ids, a->nids, sizeof(char *), cmp_ids);
	for (size_t r = 0; r < a->nids; r++) {
		if (w && strcmp(a->ids[w - 1], a->ids[r]) == 0)
			free(a->ids[r]);
		else
			a->ids[w++] = a->ids[r];
	}
	a->nids = w;
}

static int add_id(api *a, const char *id)
{
	if (!*id || strlen(id) > MAX_ID)
		return ld_error_setc(LD_EINVALID, LD_ERR_HTTP,
				     "osv api named an advisory id that is empty or too long");
	if (a->nids == a->capids) {
		if (a->nids >= 2 * a->lim.max_vulns) {
			unique_ids(a); /* many queries share advisories: compact before giving up */
			if (a->nids > a->lim.max_vulns)
				return ld_error_setc(LD_ELIMIT, LD_ERR_HTTP,
						     "osv api named more than %zu advisories",
						     a->lim.max_vulns);
		}
		/* at least 64 first: the compaction above runs at each capacity from there */
		if (ld_array_reserve(a->ids, a->capids, a->nids < 64 ? 64 : a->nids + 1) < 0)
			return LD_ERROR;
	}
	if (!(a->ids[a->nids] = strdup(id)))
		return ld_error_oom();
	a->nids++;
	return 0;
}

/* The vulns of one result, and its next page (appended to `next`). */
static int take_result(api *a, const ld_json *res, size_t q, batch *next)
{
	const ld_json *vulns = ld_json_get(res, "vulns");
	const char *token = ld_json_get_str(res, "next_page_token");
	int error;

	if (!ld_json_is_object(res) || (vulns && !ld_json_is_array(vulns)))
		return ld_error_setc(LD_EINVALID, LD_ERR_HTTP,
				     "osv api querybatch result is not an object with a vulns list");
	for (const ld_json *v = ld_json_first(vulns); v; v = ld_json_next(v)) {
		const char *id = ld_json_get_str(v, "id");
		if (!id)
			return ld_error_setc(LD_EINVALID, LD_ERR_HTTP,
					     "osv api querybatch named a vulnerability without id");
		if ((error = add_id(a, id)) < 0)
			return error;
	}
	if (token && *token) {
		if (!(next->token[next->n] = strdup(token)))
			return ld_error_oom();
		next->q[next->n++] = q;
	}
	return 0;
}

/* One querybatch round for `bt`; queries that have more pages go to `next`. */
static int batch_round(api *a, const ld_osv_query *queries, const batch *bt, batch *next)
{
	ld_buf body = LD_BUF_INIT, url = LD_BUF_INIT_CAP(MAX_BASE_URL + 64);
	ld_http_response resp;
	ld_json *root = NULL;
	const ld_json *results;
	int error;

	ld_http_response_init(&resp);
	if ((error = batch_alloc(next, bt->n)) < 0 || (error = build_body(&body, queries, bt)) < 0 ||
	    (error = ld_buf_printf(&url, "%s/v1/querybatch", a->base)) < 0 ||
	    (error = call(a, "POST", url.ptr, &body, &resp, "querybatch")) < 0 ||
	    (error = ld_json_parse(&root, resp.body.ptr, resp.body.size, "osv api querybatch answer")) < 0)
		goto done;
	a->st->batches++;
	results = ld_json_get(root, "results");
	if (!ld_json_is_array(results) || ld_json_size(results) != bt->n) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_HTTP,
				      "osv api querybatch answered %zu results for %zu queries",
				      ld_json_size(results), bt->n);
		goto done;
	}
	{
		size_t i = 0;
		for (const ld_json *r = ld_json_first(results); r && error == 0; r = ld_json_next(r))
			error = take_result(a, r, bt->q[i++], next);
	}
done:
	ld_json_free(root);
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&body);
	ld_buf_dispose(&url);
	return error;
}

/* Queries [from, to): the first page, then as many more as tokens ask for. */
static int run_batch(api *a, const ld_osv_query *queries, size_t from, size_t to)
{
	batch cur, next = { 0 };
	int error;

	if ((error = batch_alloc(&cur, to - from)) < 0)
		return error;
	for (size_t i = from; i < to; i++)
		cur.q[cur.n++] = i;
	for (size_t page = 0; cur.n && error == 0; page++) {
		if (page == a->lim.max_pages) {
			error = ld_error_setc(LD_ELIMIT, LD_ERR_HTTP,
					      "osv api answers run to more than %zu pages",
					      a->lim.max_pages);
			break;
		}
		if ((error = batch_round(a, queries, &cur, &next)) < 0)
			break;
		batch_dispose(&cur);
		cur = next;
		memset(&next, 0, sizeof(next));
	}
	batch_dispose(&cur);
	batch_dispose(&next);
	return error;
}

/* Percent-encode everything but RFC 3986's unreserved characters. */
static int put_path_segment(ld_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;
	for (; *s && error == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			error = ld_buf_putc(b, (char)c);
		else
			error = ld_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
	return error;
}

static int fetch_one(api *a, const char *id)
{
	ld_buf url = LD_BUF_INIT_CAP(MAX_BASE_URL + 4 * MAX_ID), origin = LD_BUF_INIT_CAP(512);
	ld_http_response resp;
	int error;

	ld_http_response_init(&resp);
	if ((error = ld_buf_printf(&url, "%s/v1/vulns/", a->base)) < 0 ||
	    (error = put_path_segment(&url, id)) < 0 ||
	    (error = ld_buf_printf(&origin, "osv api vulnerability %s", id)) < 0)
		goto done;
	error = call(a, "GET", url.ptr, NULL, &resp, origin.ptr);
	if (error == LD_ENOTFOUND) {
		a->st->missing++; /* withdrawn or renamed between the two calls */
		ld_error_clear();
		error = 0;
		goto done;
	}
	if (error < 0 || (error = ld_osv_add_json(a->db, resp.body.ptr, resp.body.size, origin.ptr)) < 0)
		goto done;
	a->st->fetched++;
done:
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&url);
	ld_buf_dispose(&origin);
	return error;
}

static int set_base(api *a, const char *base_url)
{
	size_t n = base_url ? strlen(base_url) : 0;
	if (!base_url || (strncmp(base_url, "http://", 7) && strncmp(base_url, "https://", 8)) ||
	    n > MAX_BASE_URL || strpbrk(base_url, "?# \t\r\n"))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "--osv-api needs an http(s) url without query, such as "
				     "https://api.osv.dev");
	while (n > 0 && base_url[n - 1] == '/')
		n--;
	memcpy(a->base, base_url, n);
	a->base[n] = '\0';
	return 0;
}

int ld_osvapi_fetch(ld_osv_db *db, ld_transport *t, const char *base_url,
		    const ld_osv_query *queries, size_t nqueries, const ld_osvapi_limits *limits,
		    ld_osvapi_stats *stats)
{
	static const ld_osvapi_limits defaults = LD_OSVAPI_LIMITS_INIT;
	ld_osvapi_stats local;
	api a = { 0 };
	int error;

	a.st = stats ? stats : &local;
	memset(a.st, 0, sizeof(*a.st));
	a.db = db;
	a.t = t;
	a.lim = limits ? *limits : defaults;
	if (!a.lim.batch_size || !a.lim.attempts)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "osv api limits need a batch size and attempts");
	if ((error = set_base(&a, base_url)) < 0)
		return error;
	for (size_t i = 0; i < nqueries && error == 0; i += a.lim.batch_size)
		error = run_batch(&a, queries, i, nqueries - i < a.lim.batch_size ? nqueries : i + a.lim.batch_size);
	if (error == 0) {
		unique_ids(&a);
		a.st->ids = a.nids;
	}
	for (size_t i = 0; i < a.nids && error == 0; i++) {
		if (ld_osv_db_has(db, a.ids[i]))
			a.st->known++;
		else if (a.st->fetched + a.st->missing >= a.lim.max_vulns)
			error = ld_error_setc(LD_ELIMIT, LD_ERR_HTTP,
					      "osv api named more than %zu advisories to fetch",
					      a.lim.max_vulns);
		else
			error = fetch_one(&a, a.ids[i]);
	}
	for (size_t i = 0; i < a.nids; i++)
		free(a.ids[i]);
	free(a.ids);
	return error;
}

/* ------------------------------------------------------------------ the client */

struct ld_osvapi {
	char *base_url;
	ld_transport *transport; /* opened on first use */
};

int ld_osvapi_new(ld_osvapi **out, const char *base_url)
{
	ld_osvapi *client = calloc(1, sizeof(*client));

	*out = NULL;
	if (!client || !(client->base_url = strdup(base_url))) {
		free(client);
		return ld_error_oom();
	}
	*out = client;
	return 0;
}

int ld_osvapi_connect(ld_osvapi *client)
{
	return client->transport ? 0 : ld_transport_curl_new(&client->transport, getenv("AWS_CA_BUNDLE"));
}

int ld_osvapi_ask(ld_osvapi *client, ld_osv_db *db, const ld_osv_query *queries,
		  size_t nqueries)
{
	int error;

	if ((error = ld_osvapi_connect(client)) < 0)
		return error;
	return ld_osvapi_fetch(db, client->transport, client->base_url, queries, nqueries, NULL, NULL);
}

void ld_osvapi_free(ld_osvapi *client)
{
	if (!client)
		return;
	ld_transport_free(client->transport);
	free(client->base_url);
	free(client);
}
