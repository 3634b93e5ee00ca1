/*
 * The inventory's JSON form, "lambdrift/inventory/v1": ld_inventory_write() for
 * `lambdrift snapshot`, ld_inventory_load() and ld_inventory_load_slim() (`scan/verify
 * --inventory FILE`). The writer emits members in a fixed order from a sorted inventory, so
 * equal inventories give equal bytes and write(load(write(x))) == write(x). The loader
 * trusts nothing: the file size is bounded, every field is type-checked, and each error
 * names the file and the JSON path of the offending field (e.g. "inv.json:
 * functions[3].versions[0].version: expected a string"). A version's config_sha256 is
 * recomputed from its config and must match when present. What the writer always writes
 * ("complete", "functions", "triggers", a function's versions and aliases, an alias's
 * weights) must be there, and "complete": true needs a region: read as none, their absence
 * would be a clean answer on missing data. The file is never held whole:
 * util/json_split.h hands it over one top-level member or one element of "functions" and
 * "triggers" at a time, each parsed on its own. Errors keep the order a whole-document parse gives:
 * malformed JSON anywhere first, then the header's members, then functions, then
 * triggers; so an element's error is held back until the whole file has been read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/build.h"
#include "inventory/envscan.h"
#include "inventory/policy.h"
#include "inventory/signing.h"
#include "inventory/iam.h"
#include "lambdrift/errors.h"
#include "util/file.h"
#include "util/json_split.h"

#define LD_INVENTORY_SCHEMA "lambdrift/inventory/v1"
/* Memory does not follow the file's size, only its functions' count; this bounds the time
 * spent on something that is not a snapshot. */
#define LD_INVENTORY_MAX_BYTES ((size_t)4 * 1024 * 1024 * 1024)
/* One function (all its versions), or the header members together. */
#define LD_INVENTORY_MAX_PIECE ((size_t)64 * 1024 * 1024)
#define PATH_MAX_LEN 160

/* JSON path of an array item for messages; a path too long for the buffer is cut, which
 * only shortens an error message. */
static const char *item_path(char *out, size_t n, const char *parent, const char *key, size_t i)
{
	int len = snprintf(out, n, "%s%s%s[%zu]", parent, parent[0] ? "." : "", key, i);
	if (len < 0 || (size_t)len >= n)
		out[n - 1] = '\0';
	return out;
}

/* ---------------------------------------------------------------- writing */

static int add_config(ld_json *obj, const ld_version *v)
{
	ld_json *config = ld_json_new_object(), *value = NULL;
	int error = config ? 0 : ld_error_oom();

	for (size_t i = 0; i < v->nconfig && error == 0; i++) {
		const ld_config_field *f = &v->config[i];
		if ((error = ld_json_parse(&value, f->value, strlen(f->value), f->name)) == 0)
			error = ld_json_add(config, f->name, value);
	}
	if (error < 0) {
		ld_json_free(config);
		return error;
	}
	return ld_json_add(obj, "config", config);
}

static ld_json *version_json(const ld_version *v)
{
	ld_json *o = ld_json_new_object();
	if (!o)
		return NULL;
	if (ld_json_add_str(o, "version", v->version) < 0 || ld_json_add_str(o, "arn", v->arn) < 0 ||
	    ld_json_add_str(o, "code_sha256", v->code_sha256) < 0 ||
	    ld_json_add_str(o, "config_sha256", v->config_sha256) < 0 ||
	    ld_json_add_str(o, "runtime", v->runtime) < 0 ||
	    ld_json_add_str(o, "package_type", v->package_type) < 0 ||
	    ld_json_add_str(o, "last_modified", v->last_modified) < 0 || add_config(o, v) < 0 ||
	    ld_env__write(o, v) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *alias_json(const ld_alias *a)
{
	ld_json *o = ld_json_new_object(), *w = ld_json_new_object();
	int error = o && w ? 0 : ld_error_oom();

	for (size_t i = 0; i < a->nweights && error == 0; i++)
		error = ld_json_add_num(w, a->weights[i].version, a->weights[i].weight);
	if (error == 0 && (error = ld_json_add_str(o, "name", a->name)) == 0 &&
	    (error = ld_json_add_str(o, "arn", a->arn)) == 0 &&
	    (error = ld_json_add_str(o, "function_version", a->function_version)) == 0) {
		error = ld_json_add(o, "weights", w);
		w = NULL;
	}
	ld_json_free(w);
	if (error < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *function_json(const ld_function *fn)
{
	ld_json *o = ld_json_new_object(), *versions = ld_json_new_array(), *aliases = ld_json_new_array();
	int error = o && versions && aliases ? 0 : ld_error_oom();

	for (size_t i = 0; i < fn->nversions && error == 0; i++)
		error = ld_json_append(versions, version_json(&fn->versions[i]));
	for (size_t i = 0; i < fn->naliases && error == 0; i++)
		error = ld_json_append(aliases, alias_json(&fn->aliases[i]));
	if (error == 0 && (error = ld_json_add_str(o, "name", fn->name)) == 0 &&
	    (error = ld_json_add_str(o, "region", fn->region)) == 0 &&
	    /* absent rather than null: snapshots of one account stay as they were */
	    (!fn->account || (error = ld_json_add_str(o, "account", fn->account)) == 0) &&
	    (error = ld_json_add_str(o, "arn", fn->arn)) == 0) {
		error = ld_json_add(o, "versions", versions);
		versions = NULL;
		if (error == 0)
			error = ld_json_add(o, "aliases", aliases);
		aliases = NULL;
		/* absent when not collected: snapshots without it stay as they were */
		if (error == 0 && fn->policy)
			error = ld_json_add(o, "access", ld_fn_policy_json(fn->policy));
		if (error == 0 && fn->signing)
			error = ld_json_add(o, "code_signing", ld_fn_signing_json(fn->signing));
	}
	ld_json_free(versions);
	ld_json_free(aliases);
	if (error < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *trigger_json(const ld_trigger *t)
{
	ld_json *o = ld_json_new_object();
	if (!o)
		return NULL;
	if (ld_json_add_str(o, "uuid", t->uuid) < 0 || ld_json_add_str(o, "region", t->region) < 0 ||
	    ld_json_add_str(o, "function_arn", t->function_arn) < 0 ||
	    ld_json_add_str(o, "event_source_arn", t->event_source_arn) < 0 ||
	    ld_json_add_str(o, "state", t->state) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *calls_json(const ld_api_calls *c)
{
	ld_json *o = ld_json_new_object();
	if (!o)
		return NULL;
	if (ld_json_add_num(o, "control", (double)c->control) < 0 ||
	    ld_json_add_num(o, "get_function", (double)c->get_function) < 0 ||
	    (c->get_policy && ld_json_add_num(o, "get_policy", (double)c->get_policy) < 0) ||
	    ld_json_add_num(o, "sts", (double)c->sts) < 0 ||
	    (c->iam && ld_json_add_num(o, "iam", (double)c->iam) < 0) ||
	    (c->logs && ld_json_add_num(o, "logs", (double)c->logs) < 0) ||
	    (c->organizations &&
	     ld_json_add_num(o, "organizations", (double)c->organizations) < 0) ||
	    ld_json_add_num(o, "throttled", (double)c->throttled) < 0 ||
	    ld_json_add_num(o, "retries", (double)c->retries) < 0 ||
	    ld_json_add_num(o, "errors", (double)c->errors) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static int add_lists(ld_json *root, const ld_inventory *inv)
{
	ld_json *fns = ld_json_new_array(), *trs = ld_json_new_array();
	int error = fns && trs ? 0 : ld_error_oom();

	for (size_t i = 0; i < inv->nfunctions && error == 0; i++)
		error = ld_json_append(fns, function_json(&inv->functions[i]));
	for (size_t i = 0; i < inv->ntriggers && error == 0; i++)
		error = ld_json_append(trs, trigger_json(&inv->triggers[i]));
	if (error == 0) {
		error = ld_json_add(root, "functions", fns);
		fns = NULL;
		if (error == 0)
			error = ld_json_add(root, "triggers", trs);
		trs = NULL;
	}
	ld_json_free(fns);
	ld_json_free(trs);
	return error;
}

/* "shard": {index, count} of a --shard run, as the report's run.shard. */
static int add_shard(ld_json *root, const ld_inventory *inv)
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_add(root, "shard", o)) < 0)
		return error;
	if (ld_json_add_num(o, "index", inv->shard_index) < 0 ||
	    ld_json_add_num(o, "count", inv->shard_count) < 0)
		return LD_ERROR;
	return 0;
}

/* Members in a fixed order, arrays in the inventory's order: producers call
 * ld_inventory_sort() (build.h), which is what makes the output byte-stable. */
int ld_inventory_write(ld_buf *out, const ld_inventory *inv)
{
	ld_json *root = NULL;
	int error = 0;

	for (size_t i = 0; i < inv->nfunctions; i++)
		if (inv->functions[i].slim)
			return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "an inventory loaded for "
					     "analysis only lacks most versions' settings; load it in "
					     "full to write it");
	if (!(root = ld_json_new_object()))
		error = ld_error_oom();

	if (error == 0 && ((error = ld_json_add_str(root, "schema", LD_INVENTORY_SCHEMA)) < 0 ||
			   (error = ld_json_add_str(root, "account", inv->account)) < 0 ||
			   (inv->naccounts > 1 &&
			    (error = ld_json_add_strings(root, "accounts", inv->accounts,
							 inv->naccounts)) < 0) ||
			   (error = ld_json_add_str(root, "partition",
						    inv->partition ? inv->partition : "aws")) < 0 ||
			   (error = ld_json_add_strings(root, "regions", inv->regions,
							inv->nregions)) < 0 ||
			   (error = ld_json_add_str(root, "collected_at", inv->collected_at)) < 0 ||
			   (error = ld_json_add_str(root, "digest_key_id", inv->digest_key_id)) < 0 ||
			   (error = ld_json_add_bool(root, "complete", inv->complete)) < 0 ||
			   (error = ld_json_add_strings(root, "problems", inv->problems,
							inv->nproblems)) < 0 ||
			   (inv->nnotes &&
			    (error = ld_json_add_strings(root, "notes", inv->notes,
							 inv->nnotes)) < 0) ||
			   (inv->shard_count && (error = add_shard(root, inv)) < 0) ||
			   (error = ld_json_add(root, "api_calls", calls_json(&inv->calls))) < 0 ||
			   (inv->iam && (error = ld_json_add(root, "iam", ld_iam__to_json(inv->iam))) < 0) ||
			   (error = add_lists(root, inv)) < 0))
		goto done;
	if (error == 0 && (error = ld_json_write(out, root, true)) == 0)
		error = ld_buf_putc(out, '\n');
done:
	ld_json_free(root);
	return error;
}

/* ---------------------------------------------------------------- loading */

/* Where the loader is: the file, and the JSON path of the object being read. */
typedef struct {
	const char *file;
	const char *path;
} where;

static int bad(const where *w, const char *member, const char *what)
{
	const char *sep = w->path[0] && member ? "." : "";

	if (!w->path[0] && !member)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s", w->file, what);
	return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s%s%s: %s", w->file, w->path, sep,
			     member ? member : "", what);
}

/* A string member into *out (strdup). Absent or null leaves *out NULL unless required. */
static int get_str(const where *w, const ld_json *obj, const char *key, bool required, char **out)
{
	const ld_json *j = ld_json_get(obj, key);

	if (!j || ld_json_is_null(j))
		return required ? bad(w, key, "missing; expected a string") : 0;
	if (!ld_json_is_string(j))
		return bad(w, key, "expected a string");
	if (required && !ld_json_str(j)[0])
		return bad(w, key, "empty; expected a non-empty string");
	if (!(*out = strdup(ld_json_str(j))))
		return ld_error_oom();
	return 0;
}

/* An optional array member; NULL when absent or null. */
static int get_array(const where *w, const ld_json *obj, const char *key, const ld_json **out)
{
	const ld_json *j = ld_json_get(obj, key);
	*out = NULL;
	if (!j || ld_json_is_null(j))
		return 0;
	if (!ld_json_is_array(j))
		return bad(w, key, "expected an array");
	*out = j;
	return 0;
}

/* An array member the writer always writes: absent or null would read as "none", a clean
 * answer on missing data, so both are refused. */
static int get_required_array(const where *w, const ld_json *obj, const char *key,
			      const ld_json **out)
{
	const ld_json *j = ld_json_get(obj, key);
	if (!j || ld_json_is_null(j)) {
		*out = NULL;
		return bad(w, key, "missing; expected an array");
	}
	return get_array(w, obj, key, out);
}

static int load_count(const where *w, const ld_json *calls, const char *key, unsigned long *out)
{
	const ld_json *j = ld_json_get(calls, key);
	double d;

	if (!j)
		return 0;
	d = ld_json_num(j);
	if (!ld_json_is_number(j) || d < 0 || d > 9007199254740992.0 || d != (double)(unsigned long)d)
		return bad(w, key, "expected a non-negative integer");
	*out = (unsigned long)d;
	return 0;
}

static int load_calls(const where *top, const ld_json *root, ld_api_calls *c)
{
	const ld_json *calls = ld_json_get(root, "api_calls");
	where w = { top->file, "api_calls" };
	int error;

	if (!calls || ld_json_is_null(calls))
		return 0;
	if (!ld_json_is_object(calls))
		return bad(top, "api_calls", "expected an object");
	if ((error = load_count(&w, calls, "control", &c->control)) < 0 ||
	    (error = load_count(&w, calls, "get_function", &c->get_function)) < 0 ||
	    (error = load_count(&w, calls, "get_policy", &c->get_policy)) < 0 ||
	    (error = load_count(&w, calls, "sts", &c->sts)) < 0 ||
	    (error = load_count(&w, calls, "iam", &c->iam)) < 0 ||
	    (error = load_count(&w, calls, "logs", &c->logs)) < 0 ||
	    (error = load_count(&w, calls, "organizations", &c->organizations)) < 0 ||
	    (error = load_count(&w, calls, "throttled", &c->throttled)) < 0 ||
	    (error = load_count(&w, calls, "retries", &c->retries)) < 0 ||
	    (error = load_count(&w, calls, "errors", &c->errors)) < 0)
		return error;
	return 0;
}

/* "shard": absent, or {index, count} with 1 <= index <= count. */
static int load_shard(const where *w, const ld_json *root, ld_inventory *inv)
{
	const ld_json *shard = ld_json_get(root, "shard");
	double index = 0, count = 0;

	if (!shard || ld_json_is_null(shard))
		return 0;
	if (!ld_json_get_num(shard, "index", &index) || !ld_json_get_num(shard, "count", &count) ||
	    count < 1 || count > LD_SHARDS_MAX || index < 1 || index > count ||
	    index != (double)(unsigned)index || count != (double)(unsigned)count)
		return bad(w, "shard", "expected {\"index\": I, \"count\": N} with 1 <= I <= N");
	inv->shard_index = (unsigned)index;
	inv->shard_count = (unsigned)count;
	return 0;
}

/* Each item of a string array member, handed to `add`. */
static int load_string_list(const where *w, const ld_json *root, const char *key, ld_inventory *inv,
			    int (*add)(ld_inventory *, const char *))
{
	const ld_json *arr;
	char path[PATH_MAX_LEN];
	size_t i = 0;
	int error;

	if ((error = get_array(w, root, key, &arr)) < 0)
		return error;
	for (const ld_json *c = ld_json_first(arr); c; c = ld_json_next(c), i++) {
		if (!ld_json_is_string(c)) {
			where item = { w->file, "" };
			item_path(path, sizeof(path), "", key, i);
			return bad(&item, path, "expected a string");
		}
		if ((error = add(inv, ld_json_str(c))) < 0)
			return error;
	}
	return 0;
}

static int add_problem(ld_inventory *inv, const char *line)
{
	return ld_inventory_problem(inv, "%s", line);
}

static int add_note(ld_inventory *inv, const char *line)
{
	return ld_inventory_note(inv, "%s", line);
}

/* A string array member that older snapshots lack. */
static int load_optional_list(const where *w, const ld_json *root, const char *key,
			      ld_inventory *inv, int (*add)(ld_inventory *, const char *))
{
	if (!ld_json_get(root, key))
		return 0;
	return load_string_list(w, root, key, inv, add);
}

static int load_config(const where *w, const ld_json *obj, ld_version *v)
{
	const ld_json *config = ld_json_get(obj, "config");
	ld_buf b = LD_BUF_INIT_CAP(1024 * 1024);
	ld_config_field *f;
	size_t n = ld_json_size(config), i = 0;
	int error = 0;

	if (!config || ld_json_is_null(config))
		return 0;
	if (!ld_json_is_object(config))
		return bad(w, "config", "expected an object");
	if (n && !(v->config = calloc(n, sizeof(*v->config))))
		return ld_error_oom();
	for (const ld_json *m = ld_json_first(config); m && error == 0; m = ld_json_next(m), i++) {
		ld_buf_clear(&b);
		if ((error = ld_json_canonical(&b, m)) < 0)
			break;
		f = &v->config[i];
		f->name = strdup(ld_json_key(m));
		f->value = strdup(b.ptr);
		v->nconfig++;
		if (!f->name || !f->value)
			error = ld_error_oom();
	}
	ld_buf_dispose(&b);
	return error;
}

/* Recompute the digest; a stored one must agree (it is what auditors compare). */
static int check_digest(const where *w, const ld_json *obj, ld_version *v)
{
	char *stored = NULL;
	int error;

	if ((error = get_str(w, obj, "config_sha256", false, &stored)) < 0)
		return error;
	if ((error = ld_version_digest(v)) == 0) {
		for (size_t i = 1; i < v->nconfig && error == 0; i++)
			if (!strcmp(v->config[i - 1].name, v->config[i].name))
				error = bad(w, "config", "a setting appears twice");
		if (error == 0 && stored && strcmp(stored, v->config_sha256))
			error = bad(w, "config_sha256", "does not match config; the snapshot was "
				    "edited or corrupted");
	}
	free(stored);
	return error;
}

static int load_version(const where *w, const ld_json *obj, ld_version *v)
{
	int error;

	if (!ld_json_is_object(obj))
		return bad(w, NULL, "expected an object");
	if ((error = get_str(w, obj, "version", true, &v->version)) < 0 ||
	    (error = get_str(w, obj, "arn", false, &v->arn)) < 0 ||
	    (error = get_str(w, obj, "code_sha256", false, &v->code_sha256)) < 0 ||
	    (error = get_str(w, obj, "runtime", false, &v->runtime)) < 0 ||
	    (error = get_str(w, obj, "package_type", false, &v->package_type)) < 0 ||
	    (error = get_str(w, obj, "last_modified", false, &v->last_modified)) < 0 ||
	    (error = load_config(w, obj, v)) < 0 || (error = check_digest(w, obj, v)) < 0 ||
	    (error = ld_env__load(v, obj, w->file, w->path)) < 0)
		return error;
	return 0;
}

static int load_weights(const where *w, const ld_json *obj, ld_alias *a)
{
	const ld_json *weights = ld_json_get(obj, "weights");
	size_t n = ld_json_size(weights), i = 0;

	if (!weights || ld_json_is_null(weights))
		return bad(w, "weights", "missing; expected an object of version: weight");
	if (!ld_json_is_object(weights))
		return bad(w, "weights", "expected an object of version: weight");
	if (n && !(a->weights = calloc(n, sizeof(*a->weights))))
		return ld_error_oom();
	for (const ld_json *m = ld_json_first(weights); m; m = ld_json_next(m), i++) {
		double d = ld_json_num(m);
		if (!ld_json_is_number(m) || !(d >= 0.0 && d <= 1.0))
			return bad(w, "weights", "expected numbers between 0 and 1");
		if (!(a->weights[i].version = strdup(ld_json_key(m))))
			return ld_error_oom();
		a->weights[i].weight = d;
		a->nweights++;
	}
	return 0;
}

static int load_alias(const where *w, const ld_json *obj, ld_alias *a)
{
	int error;

	if (!ld_json_is_object(obj))
		return bad(w, NULL, "expected an object");
	if ((error = get_str(w, obj, "name", true, &a->name)) < 0 ||
	    (error = get_str(w, obj, "arn", false, &a->arn)) < 0 ||
	    (error = get_str(w, obj, "function_version", true, &a->function_version)) < 0 ||
	    (error = load_weights(w, obj, a)) < 0)
		return error;
	return 0;
}

static int load_versions(const where *w, const ld_json *obj, ld_function *fn)
{
	const ld_json *arr;
	char path[PATH_MAX_LEN];
	size_t i = 0;
	ld_version *v;
	int error;

	if ((error = get_required_array(w, obj, "versions", &arr)) < 0)
		return error;
	for (const ld_json *c = ld_json_first(arr); c; c = ld_json_next(c), i++) {
		where item = { w->file, path };
		item_path(path, sizeof(path), w->path, "versions", i);
		if (!(v = ld_function_add_version(fn)))
			return LD_ERROR;
		if ((error = load_version(&item, c, v)) < 0)
			return error;
		if (ld_function_version(fn, v->version) != v)
			return bad(&item, "version", "appears twice in this function");
	}
	return 0;
}

static int load_aliases(const where *w, const ld_json *obj, ld_function *fn)
{
	const ld_json *arr;
	char path[PATH_MAX_LEN];
	size_t i = 0;
	ld_alias *a;
	int error;

	if ((error = get_required_array(w, obj, "aliases", &arr)) < 0)
		return error;
	for (const ld_json *c = ld_json_first(arr); c; c = ld_json_next(c), i++) {
		where item = { w->file, path };
		item_path(path, sizeof(path), w->path, "aliases", i);
		if (!(a = ld_function_add_alias(fn)))
			return LD_ERROR;
		if ((error = load_alias(&item, c, a)) < 0)
			return error;
	}
	return 0;
}

static int load_function(const where *w, const ld_json *obj, ld_inventory *inv, bool slim)
{
	char *name = NULL, *region = NULL, *account = NULL, *arn = NULL;
	size_t before = inv->nfunctions;
	ld_function *fn;
	int error;

	if (!ld_json_is_object(obj))
		return bad(w, NULL, "expected an object");
	if ((error = get_str(w, obj, "name", true, &name)) < 0 ||
	    (error = get_str(w, obj, "region", true, &region)) < 0 ||
	    (error = get_str(w, obj, "account", false, &account)) < 0 ||
	    (error = get_str(w, obj, "arn", false, &arn)) < 0)
		goto done;
	if (!(fn = ld_inventory_function_in(inv, account, region, name, arn))) {
		error = LD_ERROR;
		goto done;
	}
	if (inv->nfunctions == before) {
		error = bad(w, "name", "function appears twice in this account and region");
		goto done;
	}
	if ((error = load_versions(w, obj, fn)) < 0 || (error = load_aliases(w, obj, fn)) < 0 ||
	    (error = ld_fn_policy_load(&fn->policy, ld_json_get(obj, "access"), w->file,
				       w->path)) < 0 ||
	    (error = ld_fn_signing_load(&fn->signing, ld_json_get(obj, "code_signing"), w->file,
					w->path)) < 0 ||
	    (slim && (error = ld_function_slim(inv, fn)) < 0))
		goto done;
done:
	free(name);
	free(region);
	free(account);
	free(arn);
	return error;
}

static int load_trigger(const where *w, const ld_json *obj, ld_inventory *inv)
{
	ld_trigger *t;
	int error;

	if (!ld_json_is_object(obj))
		return bad(w, NULL, "expected an object");
	if (!(t = ld_inventory_add_trigger(inv)))
		return LD_ERROR;
	if ((error = get_str(w, obj, "uuid", true, &t->uuid)) < 0 ||
	    (error = get_str(w, obj, "region", true, &t->region)) < 0 ||
	    (error = get_str(w, obj, "function_arn", true, &t->function_arn)) < 0 ||
	    (error = get_str(w, obj, "event_source_arn", false, &t->event_source_arn)) < 0 ||
	    (error = get_str(w, obj, "state", false, &t->state)) < 0)
		return error;
	return 0;
}

static int load_header(const where *w, const ld_json *root, ld_inventory *inv)
{
	const ld_json *complete = ld_json_get(root, "complete");
	const char *schema = ld_json_get_str(root, "schema");
	/* functions are read first; one may have left a rule unchecked (envsnap.c) */
	bool unchecked = !inv->complete;
	int error;

	if (!ld_json_is_object(root))
		return bad(w, NULL, "expected a JSON object (a lambdrift inventory snapshot)");
	if (!schema || strcmp(schema, LD_INVENTORY_SCHEMA))
		return bad(w, "schema", "expected \"" LD_INVENTORY_SCHEMA "\"; is this a snapshot "
			   "written by `lambdrift snapshot`?");
	if (complete && !ld_json_is_bool(complete))
		return bad(w, "complete", "expected true or false");
	if ((error = get_str(w, root, "account", false, &inv->account)) < 0 ||
	    (error = get_str(w, root, "partition", false, &inv->partition)) < 0 ||
	    (error = get_str(w, root, "collected_at", false, &inv->collected_at)) < 0 ||
	    (error = get_str(w, root, "digest_key_id", false, &inv->digest_key_id)) < 0 ||
	    (error = load_string_list(w, root, "regions", inv, ld_inventory_add_region)) < 0 ||
	    (error = load_string_list(w, root, "problems", inv, add_problem)) < 0 ||
	    (error = load_optional_list(w, root, "accounts", inv, ld_inventory_add_account)) < 0 ||
	    (error = load_optional_list(w, root, "notes", inv, add_note)) < 0 ||
	    (error = load_shard(w, root, inv)) < 0 ||
	    (error = load_calls(w, root, &inv->calls)) < 0)
		return error;
	if (ld_json_get(root, "iam") && !ld_json_is_null(ld_json_get(root, "iam")) &&
	    (error = ld_iam__from_json(&inv->iam, ld_json_get(root, "iam"), w->file)) < 0)
		return error;
	/* After the problems: adding one marks the inventory incomplete by itself, whatever
	 * "complete" says. */
	inv->complete = inv->complete && !unchecked && ld_json_is_true(complete);
	return 0;
}


/* ---------------------------------------------------------------- streaming */

/* One of the two split arrays, and the first error met in it (held back, see above). */
typedef struct {
	const char *key;
	bool seen;      /* only a key's first occurrence counts, as with a whole-document parse */
	bool streaming; /* inside its (first) array */
	bool failed;
	ld_error error;
} section;

typedef struct {
	ld_inventory *inv;
	const char *path;
	bool slim;
	ld_buf header; /* "{" and the header members, as JSON text */
	section functions, triggers;
} loader;

static section *section_of(loader *l, const char *key)
{
	if (!strcmp(key, "functions"))
		return &l->functions;
	if (!strcmp(key, "triggers"))
		return &l->triggers;
	return NULL;
}

/* Two members of one name: readers disagree on which counts (cJSON the first, jq the
 * last), so a snapshot could say complete to one and not to another. */
static int twice(const char *path, const char *key)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: the key \"%s\" appears twice "
			     "in one object; refused, as readers disagree on which counts", path,
			     key);
}

/* A piece that does not parse is malformed JSON at its place in the file. */
static int parse_piece(ld_json **out, const loader *l, const char *text, size_t len, size_t at)
{
	const char *near, *dup;
	size_t rel = 0;
	int error;

	if (ld_json_parse(out, text, len, l->path) == 0) {
		if (!(dup = ld_json_duplicate_key(*out)))
			return 0;
		error = twice(l->path, dup); /* the message holds the key before the piece goes */
		ld_json_free(*out);
		*out = NULL;
		return error;
	}
	if ((near = strstr(ld_error_last()->message, "near byte ")))
		rel = strtoul(near + strlen("near byte "), NULL, 10);
	return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu", l->path,
			     at + rel);
}

static int on_member(void *ctx, const char *key, const char *text, size_t len, size_t at)
{
	loader *l = ctx;
	section *sec = section_of(l, key);
	ld_json *check = NULL;
	int error;

	if (sec) {
		if (sec->seen)
			return twice(l->path, key);
		sec->seen = true;
	}
	/* checked here, so a bad value is reported at its own place */
	if ((error = parse_piece(&check, l, text, len, at)) < 0)
		return error;
	ld_json_free(check);
	ld_buf_putc(&l->header, l->header.size ? ',' : '{');
	ld_json_quote(&l->header, key);
	ld_buf_putc(&l->header, ':');
	if (ld_buf_put(&l->header, text, len) < 0)
		return l->header.error == LD_ELIMIT
			       ? ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: the members other "
					       "than functions and triggers are larger than %zu MiB",
					       l->path, LD_INVENTORY_MAX_PIECE >> 20)
			       : l->header.error;
	return 0;
}

static int on_array(void *ctx, const char *key, bool begin)
{
	loader *l = ctx;
	section *sec = section_of(l, key);

	if (!begin) {
		sec->streaming = false;
		return 0;
	}
	if (sec->seen)
		return twice(l->path, key);
	sec->streaming = true;
	sec->seen = true;
	return 0;
}

static int on_element(void *ctx, const char *key, size_t index, const char *text, size_t len,
		      size_t at)
{
	loader *l = ctx;
	section *sec = section_of(l, key);
	char path[PATH_MAX_LEN];
	where item = { l->path, path };
	ld_json *el = NULL;
	int error;

	if ((error = parse_piece(&el, l, text, len, at)) < 0)
		return error;
	if (sec->streaming && !sec->failed) {
		item_path(path, sizeof(path), "", key, index);
		if (sec == &l->functions)
			error = load_function(&item, el, l->inv, l->slim);
		else
			error = load_trigger(&item, el, l->inv);
		if (error < 0) {
			/* held back: malformed JSON further on, or the header, comes first */
			sec->failed = true;
			sec->error = *ld_error_last();
		}
	}
	ld_json_free(el);
	return 0;
}

static int raise(const section *sec)
{
	return ld_error_setc(sec->error.code, sec->error.klass, "%s", sec->error.message);
}

/* A split array's shape, then its first error. Streamed, it is not in the header; the
 * header holds it when it is something else (null included). */
static int check_section(const where *top, const ld_json *root, const section *sec)
{
	const ld_json *arr;
	int error;

	if (sec->seen && !ld_json_get(root, sec->key))
		return sec->failed ? raise(sec) : 0;
	if ((error = get_required_array(top, root, sec->key, &arr)) < 0)
		return error;
	return sec->failed ? raise(sec) : 0;
}

/* Last, what the snapshot claims: a missing "complete" is no claim (read as true, it
 * would call missing data clean), and nothing was read where no region was. */
static int check_claim(const where *top, const ld_json *root)
{
	const ld_json *complete = ld_json_get(root, "complete");

	if (!complete)
		return bad(top, "complete", "missing; expected true or false");
	if (ld_json_is_true(complete) && !ld_json_size(ld_json_get(root, "regions")))
		return bad(top, "regions", "empty, yet the snapshot says it is complete; no region "
			   "was read");
	return 0;
}

/* After the whole file: the header, then each section's shape and first error. */
static int load_rest(const where *top, loader *l)
{
	ld_json *root = NULL;
	const char *dup;
	int error;

	if ((error = ld_buf_puts(&l->header, l->header.size ? "}" : "{}")) < 0 ||
	    (error = ld_json_parse(&root, l->header.ptr, l->header.size, l->path)) < 0)
		return error;
	/* each member was checked within; two members of one name only show here */
	if ((dup = ld_json_duplicate_key(root))) {
		error = twice(l->path, dup);
		goto done;
	}
	if ((error = load_header(top, root, l->inv)) < 0 ||
	    (error = check_section(top, root, &l->functions)) < 0 ||
	    (error = check_section(top, root, &l->triggers)) < 0)
		goto done;
	error = check_claim(top, root);
done:
	ld_json_free(root);
	return error;
}

static int load_file(ld_inventory *inv, const char *path, bool slim)
{
	static const char *const split_keys[] = { "functions", "triggers" };
	loader l = { inv, path, slim, LD_BUF_INIT_CAP(LD_INVENTORY_MAX_PIECE),
		     { "functions", false, false, false, { 0, 0, "" } },
		     { "triggers", false, false, false, { 0, 0, "" } } };
	ld_split split = { split_keys, 2, LD_INVENTORY_MAX_PIECE, LD_INVENTORY_MAX_BYTES, &l,
			   on_member, on_array, on_element, false };
	where top = { path, "" };
	FILE *f = ld_file_open(path);
	int error;

	ld_inventory_init(inv);
	if (!f && errno == EISDIR)
		return ld_file_dir_error(path, "an inventory snapshot", LD_ERR_INVENTORY);
	if (!f)
		return ld_error_setc(LD_EUSAGE, LD_ERR_INVENTORY,
				     "cannot open the inventory snapshot '%s'; check the path", path);
	if ((error = ld_split_object(f, path, &split)) < 0)
		goto done;
	if (split.not_object) {
		error = bad(&top, NULL, "expected a JSON object (a lambdrift inventory snapshot)");
		goto done;
	}
	if ((error = load_rest(&top, &l)) < 0)
		goto done;
	ld_inventory_sort(inv);
done:
	if (error < 0)
		ld_inventory_dispose(inv);
	fclose(f);
	ld_buf_dispose(&l.header);
	return error;
}

int ld_inventory_load(ld_inventory *inv, const char *path)
{
	return load_file(inv, path, false);
}

int ld_inventory_load_slim(ld_inventory *inv, const char *path)
{
	return load_file(inv, path, true);
}
