/*
 * The inventory model (inventory.h, build.h): lifetime, the builders the collector and the
 * snapshot loader fill it with, the canonical sort order every writer relies on for stable
 * output, name filtering, and version lookups the rules use. Arrays grow by doubling and
 * are bounded by what the caller adds; nothing here reads outside input.
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/arena.h"
#include "inventory/build.h"
#include "inventory/policy.h"
#include "inventory/signing.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "util/array.h"
#include "util/hash.h"
#include "util/str.h"

/* One more zeroed element after the `n` of `arr`: its address, or NULL without memory. The
 * public structs carry no capacity field, so the arrays grow as util/array.h derives it. */
#define GROW_ONE(arr, n) \
	(ld_array_grow((arr), (n), 1) < 0 ? NULL : memset(&(arr)[(n)], 0, sizeof(*(arr))))

void ld_inventory_init(ld_inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	inv->complete = true;
}

void ld_version_dispose(ld_version *v)
{
	if (!v)
		return;
	free(v->version);
	free(v->arn);
	free(v->code_sha256);
	free(v->config_sha256);
	free(v->runtime);
	free(v->package_type);
	free(v->last_modified);
	free(v->env_verdicts);
	for (size_t i = 0; i < v->nconfig; i++) {
		free(v->config[i].name);
		free(v->config[i].value);
	}
	free(v->config);
	memset(v, 0, sizeof(*v));
}

void ld_alias_dispose(ld_alias *a)
{
	free(a->name);
	free(a->arn);
	free(a->function_version);
	for (size_t i = 0; i < a->nweights; i++)
		free(a->weights[i].version);
	free(a->weights);
	memset(a, 0, sizeof(*a));
}

static void function_dispose(ld_function *fn)
{
	free(fn->name);
	free(fn->region);
	free(fn->account);
	free(fn->arn);
	/* a slim function's versions live in the inventory's arena */
	for (size_t i = 0; !fn->slim && i < fn->nversions; i++)
		ld_version_dispose(&fn->versions[i]);
	if (!fn->slim)
		free(fn->versions);
	for (size_t i = 0; i < fn->naliases; i++)
		ld_alias_dispose(&fn->aliases[i]);
	free(fn->aliases);
	ld_fn_policy_free(fn->policy);
	ld_fn_signing_free(fn->signing);
	memset(fn, 0, sizeof(*fn));
}

static void trigger_dispose(ld_trigger *t)
{
	free(t->uuid);
	free(t->region);
	free(t->function_arn);
	free(t->event_source_arn);
	free(t->state);
	memset(t, 0, sizeof(*t));
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void ld_inventory_dispose(ld_inventory *inv)
{
	if (!inv)
		return;
	free(inv->account);
	free_strings(inv->accounts, inv->naccounts);
	free(inv->partition);
	free_strings(inv->regions, inv->nregions);
	for (size_t i = 0; i < inv->nfunctions; i++)
		function_dispose(&inv->functions[i]);
	free(inv->functions);
	for (size_t i = 0; i < inv->ntriggers; i++)
		trigger_dispose(&inv->triggers[i]);
	free(inv->triggers);
	free(inv->collected_at);
	free(inv->digest_key_id);
	free_strings(inv->problems, inv->nproblems);
	free_strings(inv->notes, inv->nnotes);
	ld_arena_free(inv->arena);
	ld_iam_inventory_free(inv->iam);
	memset(inv, 0, sizeof(*inv));
}

/* Append one printf-formatted line to a string list; newlines become spaces. */
__attribute__((format(printf, 3, 0)))
static int add_line(char ***lines, size_t *n, const char *fmt, va_list ap)
{
	ld_buf b = LD_BUF_INIT_CAP(4096);
	char **slot;
	char *line;

	ld_buf_vprintf(&b, fmt, ap);
	if (b.error == LD_ELIMIT) {
		ld_buf_clear(&b);
		ld_buf_puts(&b, "(message too long)");
	}
	if (!(line = ld_buf_detach(&b)))
		return ld_error_oom();
	/* One line each: a newline in a server message would break text reports. */
	for (char *p = line; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (!(slot = GROW_ONE(*lines, *n))) {
		free(line);
		return LD_ERROR;
	}
	*slot = line;
	(*n)++;
	return 0;
}

int ld_inventory_problem(ld_inventory *inv, const char *fmt, ...)
{
	va_list ap;
	int error;

	/* Incomplete first: even when the message cannot be stored, the run must not pass. */
	inv->complete = false;
	va_start(ap, fmt);
	error = add_line(&inv->problems, &inv->nproblems, fmt, ap);
	va_end(ap);
	return error;
}

int ld_inventory_note(ld_inventory *inv, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = add_line(&inv->notes, &inv->nnotes, fmt, ap);
	va_end(ap);
	return error;
}

static bool same_or_both_null(const char *a, const char *b)
{
	return a ? b && !strcmp(a, b) : !b;
}

ld_function *ld_inventory_function_in(ld_inventory *inv, const char *account, const char *region,
				      const char *name, const char *arn)
{
	ld_function *fn;

	for (size_t i = 0; i < inv->nfunctions; i++) {
		fn = &inv->functions[i];
		if (!strcmp(fn->name, name) && !strcmp(fn->region, region) &&
		    same_or_both_null(fn->account, account)) {
			if (!fn->arn && arn && !(fn->arn = strdup(arn))) {
				ld_error_oom();
				return NULL;
			}
			return fn;
		}
	}
	if (!(fn = GROW_ONE(inv->functions, inv->nfunctions)))
		return NULL;
	fn->name = strdup(name);
	fn->region = strdup(region);
	if (!fn->name || !fn->region || ld_dup_or_null(&fn->account, account) < 0 ||
	    ld_dup_or_null(&fn->arn, arn) < 0) {
		function_dispose(fn);
		ld_error_oom();
		return NULL;
	}
	inv->nfunctions++;
	return fn;
}

ld_function *ld_inventory_function(ld_inventory *inv, const char *region, const char *name,
				   const char *arn)
{
	return ld_inventory_function_in(inv, NULL, region, name, arn);
}

ld_version *ld_function_add_version(ld_function *fn)
{
	ld_version *v;

	if (fn->slim) {
		ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "a slim function takes no more versions");
		return NULL;
	}
	v = GROW_ONE(fn->versions, fn->nversions);
	if (v)
		fn->nversions++;
	return v;
}

ld_alias *ld_function_add_alias(ld_function *fn)
{
	ld_alias *a = GROW_ONE(fn->aliases, fn->naliases);
	if (a)
		fn->naliases++;
	return a;
}

ld_trigger *ld_inventory_add_trigger(ld_inventory *inv)
{
	ld_trigger *t = GROW_ONE(inv->triggers, inv->ntriggers);
	if (t)
		inv->ntriggers++;
	return t;
}

static int add_unique(char ***list, size_t *n, const char *item)
{
	char **slot;
	char *copy;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], item))
			return 0;
	if (!(copy = strdup(item)))
		return ld_error_oom();
	if (!(slot = GROW_ONE(*list, *n))) {
		free(copy);
		return LD_ERROR;
	}
	*slot = copy;
	(*n)++;
	return 0;
}

int ld_inventory_add_region(ld_inventory *inv, const char *region)
{
	return add_unique(&inv->regions, &inv->nregions, region);
}

int ld_inventory_add_account(ld_inventory *inv, const char *account)
{
	return add_unique(&inv->accounts, &inv->naccounts, account);
}

/* Append `count` elements of `size` bytes to the array at `arrp` (a T **) of *n. */
static int append_all(void *arrp, size_t *n, const void *items, size_t count, size_t size)
{
	char *arr;

	if (!count)
		return 0;
	if (ld_array_grow_(arrp, *n, count, size) < 0)
		return LD_ERROR;
	memcpy(&arr, arrp, sizeof(arr));
	memcpy(arr + *n * size, items, count * size);
	*n += count;
	return 0;
}

static int take_strings(char ***dst, size_t *ndst, char ***src, size_t *nsrc)
{
	int error = append_all(dst, ndst, *src, *nsrc, sizeof(char *));

	if (error == 0) {
		free(*src); /* the strings moved */
		*src = NULL;
		*nsrc = 0;
	}
	return error;
}

static int take_unique(char ***dst, size_t *ndst, char *const *src, size_t nsrc)
{
	int error = 0;
	for (size_t i = 0; i < nsrc && error == 0; i++)
		error = add_unique(dst, ndst, src[i]);
	return error;
}

void ld_api_calls_add(ld_api_calls *to, const ld_api_calls *from)
{
	to->control += from->control;
	to->get_function += from->get_function;
	to->sts += from->sts;
	to->kms += from->kms;
	to->get_policy += from->get_policy;
	to->iam += from->iam;
	to->logs += from->logs;
	to->organizations += from->organizations;
	to->throttled += from->throttled;
	to->retries += from->retries;
	to->errors += from->errors;
}

int ld_inventory_take(ld_inventory *dst, ld_inventory *src)
{
	int error;

	ld_api_calls_add(&dst->calls, &src->calls);
	dst->complete = dst->complete && src->complete;
	if (!dst->account && src->account) {
		dst->account = src->account;
		src->account = NULL;
	}
	if (!dst->partition && src->partition) {
		dst->partition = src->partition;
		src->partition = NULL;
	}
	if (!dst->iam) {
		dst->iam = src->iam;
		src->iam = NULL;
	}
	if ((error = append_all(&dst->functions, &dst->nfunctions, src->functions,
				src->nfunctions, sizeof(*src->functions))) < 0)
		goto done;
	src->nfunctions = 0; /* moved: dst owns their strings now */
	ld_arena_adopt(dst, src); /* and the arena their slim versions live in */
	if ((error = append_all(&dst->triggers, &dst->ntriggers, src->triggers,
				src->ntriggers, sizeof(*src->triggers))) < 0)
		goto done;
	src->ntriggers = 0;
	if ((error = take_unique(&dst->regions, &dst->nregions, src->regions, src->nregions)) < 0 ||
	    (error = take_unique(&dst->accounts, &dst->naccounts, src->accounts,
				 src->naccounts)) < 0 ||
	    (error = take_strings(&dst->problems, &dst->nproblems, &src->problems,
				  &src->nproblems)) < 0 ||
	    (error = take_strings(&dst->notes, &dst->nnotes, &src->notes, &src->nnotes)) < 0)
		goto done;
done:
	if (error < 0)
		dst->complete = false;
	ld_inventory_dispose(src);
	return error;
}

/* A published version's number, or -1 for "$LATEST" and anything not a plain decimal. */
long long ld_inventory__version_number(const char *v)
{
	long long n = 0;
	if (!v || !*v)
		return -1;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > (LLONG_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

/* "$LATEST" first, published versions ascending by number, anything else last by text. */
static int cmp_version_strings(const char *a, const char *b)
{
	long long na = ld_inventory__version_number(a), nb = ld_inventory__version_number(b);
	bool la = a && !strcmp(a, "$LATEST"), lb = b && !strcmp(b, "$LATEST");

	if (la != lb)
		return la ? -1 : 1;
	if ((na >= 0) != (nb >= 0))
		return na >= 0 ? -1 : 1;
	if (na >= 0)
		return na < nb ? -1 : na > nb;
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_versions(const void *a, const void *b)
{
	return cmp_version_strings(((const ld_version *)a)->version, ((const ld_version *)b)->version);
}

static int cmp_weights(const void *a, const void *b)
{
	return cmp_version_strings(((const ld_alias_weight *)a)->version,
				   ((const ld_alias_weight *)b)->version);
}

static int cmp_aliases(const void *a, const void *b)
{
	return strcmp(((const ld_alias *)a)->name ? ((const ld_alias *)a)->name : "",
		      ((const ld_alias *)b)->name ? ((const ld_alias *)b)->name : "");
}

static int cmp_functions(const void *a, const void *b)
{
	const ld_function *x = a, *y = b;
	int c = strcmp(x->account ? x->account : "", y->account ? y->account : "");
	if (!c)
		c = strcmp(x->region, y->region);
	return c ? c : strcmp(x->name, y->name);
}

static int cmp_triggers(const void *a, const void *b)
{
	const ld_trigger *x = a, *y = b;
	int c = strcmp(x->region ? x->region : "", y->region ? y->region : "");
	return c ? c : strcmp(x->uuid ? x->uuid : "", y->uuid ? y->uuid : "");
}

/* A failed ld_version_from_api leaves its slot zeroed; drop such slots so no reader ever
 * meets a version without a qualifier. */
static void drop_empty_versions(ld_function *fn)
{
	size_t keep = 0;
	for (size_t i = 0; !fn->slim && i < fn->nversions; i++) {
		if (!fn->versions[i].version) {
			ld_version_dispose(&fn->versions[i]);
			continue;
		}
		if (keep != i)
			fn->versions[keep] = fn->versions[i];
		keep++;
	}
	if (!fn->slim)
		fn->nversions = keep;
}

void ld_function_sort_versions(ld_function *fn)
{
	if (fn->nversions > 1)
		qsort(fn->versions, fn->nversions, sizeof(*fn->versions), cmp_versions);
}

void ld_inventory_sort(ld_inventory *inv)
{
	for (size_t i = 0; i < inv->nfunctions; i++) {
		ld_function *fn = &inv->functions[i];
		drop_empty_versions(fn);
		ld_function_sort_versions(fn);
		if (fn->naliases > 1)
			qsort(fn->aliases, fn->naliases, sizeof(*fn->aliases), cmp_aliases);
		for (size_t j = 0; j < fn->naliases; j++)
			if (fn->aliases[j].nweights > 1)
				qsort(fn->aliases[j].weights, fn->aliases[j].nweights,
				      sizeof(ld_alias_weight), cmp_weights);
	}
	if (inv->nfunctions > 1)
		qsort(inv->functions, inv->nfunctions, sizeof(*inv->functions), cmp_functions);
	if (inv->ntriggers > 1)
		qsort(inv->triggers, inv->ntriggers, sizeof(*inv->triggers), cmp_triggers);
	if (inv->nregions > 1)
		qsort(inv->regions, inv->nregions, sizeof(*inv->regions), ld_strcmp_ptrs);
	if (inv->naccounts > 1)
		qsort(inv->accounts, inv->naccounts, sizeof(*inv->accounts), ld_strcmp_ptrs);
}

bool ld_glob_match(const char *glob, const char *name)
{
	return glob && name && fnmatch(glob, name, 0) == 0;
}

static bool any_glob_matches(const char *const *globs, size_t nglobs, const char *name)
{
	for (size_t i = 0; i < nglobs; i++)
		if (ld_glob_match(globs[i], name))
			return true;
	return false;
}

/* The function name and region a mapping's FunctionArn names; false when it is not a
 * function ARN (arn:partition:lambda:region:account:function:name[:qualifier]). */
static bool trigger_target(const ld_trigger *t, char *name, size_t name_len)
{
	const char *p = t->function_arn, *start, *end;
	int colons = 0;

	if (!p)
		return false;
	for (start = p; *start && colons < 6; start++)
		if (*start == ':')
			colons++;
	if (colons < 6 || strncmp(p, "arn:", 4))
		return false;
	end = strchr(start, ':');
	if (!end)
		end = start + strlen(start);
	if ((size_t)(end - start) >= name_len || end == start)
		return false;
	memcpy(name, start, (size_t)(end - start));
	name[end - start] = '\0';
	return true;
}

static bool function_kept(const ld_inventory *inv, const char *region, const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!strcmp(inv->functions[i].name, name) &&
		    (!region || !strcmp(inv->functions[i].region, region)))
			return true;
	return false;
}

/* Keep, in their order, the functions `keep` says yes to; dispose of the others. */
static void keep_functions(ld_inventory *inv, bool (*keep)(const ld_function *, const void *),
			   const void *ctx)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->nfunctions; i++) {
		if (!keep(&inv->functions[i], ctx)) {
			function_dispose(&inv->functions[i]);
			continue;
		}
		if (n != i)
			inv->functions[n] = inv->functions[i];
		n++;
	}
	inv->nfunctions = n;
}

/* A slim function may hold fewer versions in fn->versions than it has (inventory.h). */
static bool has_versions(const ld_function *fn, const void *ctx)
{
	(void)ctx;
	return fn->nversions || fn->slim;
}

void ld_inventory_drop_unversioned(ld_inventory *inv)
{
	keep_functions(inv, has_versions, NULL);
}

struct glob_list {
	const char *const *globs;
	size_t n;
};

static bool name_matches(const ld_function *fn, const void *ctx)
{
	const struct glob_list *g = ctx;

	return any_glob_matches(g->globs, g->n, fn->name);
}

void ld_inventory_filter(ld_inventory *inv, const char *const *globs, size_t nglobs)
{
	const struct glob_list g = { globs, nglobs };
	size_t keep = 0;
	char name[256];

	if (!nglobs)
		return;
	keep_functions(inv, name_matches, &g);
	for (size_t i = 0; i < inv->ntriggers; i++) {
		ld_trigger *t = &inv->triggers[i];
		if (!trigger_target(t, name, sizeof(name)) || !function_kept(inv, t->region, name)) {
			trigger_dispose(t);
			continue;
		}
		if (keep != i)
			inv->triggers[keep] = *t;
		keep++;
	}
	inv->ntriggers = keep;
}

const ld_version *ld_function_latest_published(const ld_function *fn)
{
	const ld_version *best = NULL;
	long long best_n = -1;

	for (size_t i = 0; fn && i < fn->nversions; i++) {
		long long n = ld_inventory__version_number(fn->versions[i].version);
		if (n > best_n) {
			best_n = n;
			best = &fn->versions[i];
		}
	}
	return best;
}

const ld_version *ld_function_version(const ld_function *fn, const char *version)
{
	for (size_t i = 0; fn && version && i < fn->nversions; i++)
		if (fn->versions[i].version && !strcmp(fn->versions[i].version, version))
			return &fn->versions[i];
	return NULL;
}

void ld_inventory_set_digest_key(ld_inventory *inv, const uint8_t *key, size_t key_len)
{
	uint8_t digest[LD_SHA256_LEN];
	char hex[17];

	ld_sha256(digest, key, key_len);
	ld_hex(hex, digest, 8);
	free(inv->digest_key_id);
	/* On allocation failure the id is simply absent; it identifies, it does not protect. */
	inv->digest_key_id = strdup(hex);
}
