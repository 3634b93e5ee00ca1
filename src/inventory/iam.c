/*
 * The IAM and Logs part of the inventory (lambdrift/iam.h): lifetime, lookups and the
 * snapshot's "iam" object both ways. Lists are kept sorted so a snapshot is byte-stable and lookups
 * can stay simple; every loop is bounded by what was collected or read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/iam.h"
#include "lambdrift/errors.h"
#include "util/array.h"

#define GROW_ONE(arr, n) \
	(ld_array_grow((arr), (n), 1) < 0 ? NULL : memset(&(arr)[(n)], 0, sizeof(*(arr))))

/* --- lifetime ------------------------------------------------------------------- */

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void policies_free(ld_iam_policy *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].arn);
		free(p[i].name);
		free(p[i].document);
	}
	free(p);
}

static void account_dispose(ld_iam_account *a)
{
	for (size_t i = 0; i < a->nroles; i++) {
		free(a->roles[i].arn);
		free(a->roles[i].boundary);
		free_strings(a->roles[i].attached, a->roles[i].nattached);
		policies_free(a->roles[i].inline_policies, a->roles[i].ninline);
	}
	free(a->roles);
	policies_free(a->policies, a->npolicies);
	free(a->account);
	free(a->unchecked);
}

void ld_iam_inventory_free(ld_iam_inventory *iam)
{
	if (!iam)
		return;
	for (size_t i = 0; i < iam->naccounts; i++)
		account_dispose(&iam->accounts[i]);
	free(iam->accounts);
	for (size_t i = 0; i < iam->nlogs; i++) {
		for (size_t j = 0; j < iam->logs[i].ngroups; j++)
			free(iam->logs[i].groups[j].name);
		free(iam->logs[i].groups);
		free(iam->logs[i].account);
		free(iam->logs[i].region);
		free(iam->logs[i].unchecked);
	}
	free(iam->logs);
	free(iam);
}

ld_iam_account *ld_iam__add_account(ld_iam_inventory *iam)
{
	ld_iam_account *a = GROW_ONE(iam->accounts, iam->naccounts);
	if (a)
		iam->naccounts++;
	return a;
}

ld_iam_role *ld_iam__add_role(ld_iam_account *a)
{
	ld_iam_role *r = GROW_ONE(a->roles, a->nroles);
	if (r)
		a->nroles++;
	return r;
}

ld_iam_policy *ld_iam__add_policy(ld_iam_policy **list, size_t *n)
{
	ld_iam_policy *p = GROW_ONE(*list, *n);
	if (p)
		(*n)++;
	return p;
}

ld_log_groups *ld_iam__add_logs(ld_iam_inventory *iam)
{
	ld_log_groups *l = GROW_ONE(iam->logs, iam->nlogs);
	if (l)
		iam->nlogs++;
	return l;
}

ld_log_group *ld_iam__add_group(ld_log_groups *l)
{
	ld_log_group *g = GROW_ONE(l->groups, l->ngroups);
	if (g)
		l->ngroups++;
	return g;
}

int ld_iam__add_string(char ***list, size_t *n, const char *s)
{
	char *copy = strdup(s);

	if (!copy || ld_array_grow(*list, *n, 1) < 0) {
		free(copy);
		return ld_error_oom();
	}
	(*list)[(*n)++] = copy;
	return 0;
}

int ld_iam__compact(char **out, const char *text, size_t len, const char *what)
{
	ld_buf b = LD_BUF_INIT_CAP(4 * 1024 * 1024);
	ld_json *j = NULL;
	int error;

	*out = NULL;
	if ((error = ld_json_parse(&j, text, len, what)) == 0 && !ld_json_is_object(j))
		error = ld_error_setc(LD_EINVALID, LD_ERR_JSON, "%s is not a JSON object", what);
	if (error == 0 && (error = ld_json_canonical(&b, j)) == 0 && !(*out = ld_buf_detach(&b)))
		error = ld_error_oom();
	ld_json_free(j);
	ld_buf_dispose(&b);
	return error;
}

/* --- order and lookups ------------------------------------------------------------ */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_strp(const void *a, const void *b)
{
	return cmp_str(*(char *const *)a, *(char *const *)b);
}

static int cmp_policy(const void *a, const void *b)
{
	const ld_iam_policy *x = a, *y = b;
	int c = cmp_str(x->arn, y->arn);
	return c ? c : cmp_str(x->name, y->name);
}

static int cmp_role(const void *a, const void *b)
{
	return cmp_str(((const ld_iam_role *)a)->arn, ((const ld_iam_role *)b)->arn);
}

static int cmp_account(const void *a, const void *b)
{
	return cmp_str(((const ld_iam_account *)a)->account, ((const ld_iam_account *)b)->account);
}

static int cmp_group(const void *a, const void *b)
{
	return cmp_str(((const ld_log_group *)a)->name, ((const ld_log_group *)b)->name);
}

static int cmp_logs(const void *a, const void *b)
{
	const ld_log_groups *x = a, *y = b;
	int c = cmp_str(x->account, y->account);
	return c ? c : cmp_str(x->region, y->region);
}

void ld_iam_inventory_sort(ld_iam_inventory *iam)
{
	if (!iam)
		return;
	for (size_t i = 0; i < iam->naccounts; i++) {
		ld_iam_account *a = &iam->accounts[i];
		for (size_t j = 0; j < a->nroles; j++) {
			ld_iam_role *r = &a->roles[j];
			if (r->nattached > 1)
				qsort(r->attached, r->nattached, sizeof(char *), cmp_strp);
			if (r->ninline > 1)
				qsort(r->inline_policies, r->ninline, sizeof(*r->inline_policies),
				      cmp_policy);
		}
		if (a->nroles > 1)
			qsort(a->roles, a->nroles, sizeof(*a->roles), cmp_role);
		if (a->npolicies > 1)
			qsort(a->policies, a->npolicies, sizeof(*a->policies), cmp_policy);
	}
	if (iam->naccounts > 1)
		qsort(iam->accounts, iam->naccounts, sizeof(*iam->accounts), cmp_account);
	for (size_t i = 0; i < iam->nlogs; i++)
		if (iam->logs[i].ngroups > 1)
			qsort(iam->logs[i].groups, iam->logs[i].ngroups,
			      sizeof(*iam->logs[i].groups), cmp_group);
	if (iam->nlogs > 1)
		qsort(iam->logs, iam->nlogs, sizeof(*iam->logs), cmp_logs);
}

const ld_iam_account *ld_iam_find_account(const ld_iam_inventory *iam, const char *account)
{
	for (size_t i = 0; iam && i < iam->naccounts; i++)
		if (!cmp_str(iam->accounts[i].account, account))
			return &iam->accounts[i];
	return NULL;
}

const ld_iam_role *ld_iam_find_role(const ld_iam_account *a, const char *arn)
{
	for (size_t i = 0; a && arn && i < a->nroles; i++)
		if (!strcmp(a->roles[i].arn, arn))
			return &a->roles[i];
	return NULL;
}

const ld_iam_policy *ld_iam_find_policy(const ld_iam_account *a, const char *arn)
{
	for (size_t i = 0; a && arn && i < a->npolicies; i++)
		if (a->policies[i].arn && !strcmp(a->policies[i].arn, arn))
			return &a->policies[i];
	return NULL;
}

const ld_log_groups *ld_iam_find_logs(const ld_iam_inventory *iam, const char *account,
				      const char *region)
{
	for (size_t i = 0; iam && i < iam->nlogs; i++)
		if (!cmp_str(iam->logs[i].account, account) &&
		    !cmp_str(iam->logs[i].region, region))
			return &iam->logs[i];
	return NULL;
}

/* --- to JSON ---------------------------------------------------------------------- */

static ld_json *policy_json(const ld_iam_policy *p)
{
	ld_json *o = ld_json_new_object(), *doc = NULL;

	if (!o)
		return NULL;
	if (ld_json_parse(&doc, p->document, strlen(p->document), "a policy document") < 0)
		doc = ld_json_new_object();
	if ((p->arn && ld_json_add_str(o, "arn", p->arn) < 0) ||
	    ld_json_add_str(o, "name", p->name) < 0 || ld_json_add(o, "document", doc) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *strings_json(char *const *s, size_t n)
{
	ld_json *a = ld_json_new_array();
	for (size_t i = 0; a && i < n; i++)
		if (ld_json_append(a, ld_json_new_string(s[i])) < 0) {
			ld_json_free(a);
			return NULL;
		}
	return a;
}

static ld_json *policies_json(const ld_iam_policy *p, size_t n)
{
	ld_json *a = ld_json_new_array();
	for (size_t i = 0; a && i < n; i++)
		if (ld_json_append(a, policy_json(&p[i])) < 0) {
			ld_json_free(a);
			return NULL;
		}
	return a;
}

static ld_json *role_json(const ld_iam_role *r)
{
	ld_json *o = ld_json_new_object();

	if (!o || ld_json_add_str(o, "arn", r->arn) < 0 ||
	    ld_json_add(o, "attached", strings_json(r->attached, r->nattached)) < 0 ||
	    ld_json_add(o, "inline", policies_json(r->inline_policies, r->ninline)) < 0 ||
	    (r->boundary && ld_json_add_str(o, "boundary", r->boundary) < 0)) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *account_json(const ld_iam_account *a)
{
	ld_json *o = ld_json_new_object(), *roles = ld_json_new_array();

	for (size_t i = 0; roles && i < a->nroles; i++)
		if (ld_json_append(roles, role_json(&a->roles[i])) < 0) {
			ld_json_free(roles);
			roles = NULL;
		}
	if (!o || ld_json_add_str(o, "account", a->account) < 0 ||
	    (a->unchecked && ld_json_add_str(o, "unchecked", a->unchecked) < 0) ||
	    ld_json_add(o, "roles", roles) < 0 ||
	    ld_json_add(o, "policies", policies_json(a->policies, a->npolicies)) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static ld_json *logs_json(const ld_log_groups *l)
{
	ld_json *o = ld_json_new_object(), *groups = ld_json_new_array(), *g;

	for (size_t i = 0; groups && i < l->ngroups; i++) {
		if (!(g = ld_json_new_object()) ||
		    ld_json_add_str(g, "name", l->groups[i].name) < 0 ||
		    ld_json_add_num(g, "retention_days", (double)l->groups[i].retention_days) < 0 ||
		    ld_json_append(groups, g) < 0) {
			ld_json_free(groups);
			groups = NULL;
		}
	}
	if (!o || ld_json_add_str(o, "account", l->account) < 0 ||
	    ld_json_add_str(o, "region", l->region) < 0 ||
	    (l->unchecked && ld_json_add_str(o, "unchecked", l->unchecked) < 0) ||
	    ld_json_add(o, "groups", groups) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

ld_json *ld_iam__to_json(const ld_iam_inventory *iam)
{
	ld_json *o = ld_json_new_object(), *accounts = ld_json_new_array(),
		*logs = ld_json_new_array();

	for (size_t i = 0; accounts && i < iam->naccounts; i++)
		if (ld_json_append(accounts, account_json(&iam->accounts[i])) < 0) {
			ld_json_free(accounts);
			accounts = NULL;
		}
	for (size_t i = 0; logs && i < iam->nlogs; i++)
		if (ld_json_append(logs, logs_json(&iam->logs[i])) < 0) {
			ld_json_free(logs);
			logs = NULL;
		}
	if (!o || ld_json_add(o, "accounts", accounts) < 0 || ld_json_add(o, "log_groups", logs) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

/* --- from JSON -------------------------------------------------------------------- */

static int bad(const char *file, const char *member, const char *what)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: iam.%s: %s", file, member, what);
}

/* An optional string member into *out (absent or null: NULL). */
static int opt_str(char **out, const ld_json *o, const char *key, const char *file,
		   const char *where)
{
	const ld_json *j = ld_json_get(o, key);

	if (!j || ld_json_is_null(j))
		return 0;
	if (!ld_json_is_string(j))
		return bad(file, where, "expected strings");
	return (*out = strdup(ld_json_str(j))) ? 0 : ld_error_oom();
}

static int req_str(char **out, const ld_json *o, const char *key, const char *file,
		   const char *where)
{
	int error = opt_str(out, o, key, file, where);
	if (error == 0 && !*out)
		return bad(file, where, "a required string is missing");
	return error;
}

static const ld_json *opt_array(const ld_json *o, const char *key)
{
	const ld_json *j = ld_json_get(o, key);
	return ld_json_is_array(j) ? j : NULL;
}

static int load_policies(ld_iam_policy **list, size_t *n, const ld_json *arr, const char *file,
			 const char *where)
{
	const ld_json *p, *doc;
	ld_buf b = LD_BUF_INIT_CAP(4 * 1024 * 1024);
	ld_iam_policy *slot;
	int error = 0;

	for (size_t i = 0; i < ld_json_size(arr) && error == 0; i++) {
		p = ld_json_at(arr, i);
		if (!(doc = ld_json_get(p, "document")) || !ld_json_is_object(doc))
			return bad(file, where, "a policy has no document object");
		if (!(slot = ld_iam__add_policy(list, n)))
			return LD_ERROR;
		ld_buf_clear(&b);
		if ((error = opt_str(&slot->arn, p, "arn", file, where)) < 0 ||
		    (error = req_str(&slot->name, p, "name", file, where)) < 0 ||
		    (error = ld_json_canonical(&b, doc)) < 0)
			break;
		if (!(slot->document = strdup(b.ptr)))
			error = ld_error_oom();
	}
	ld_buf_dispose(&b);
	return error;
}

static int load_role(ld_iam_account *a, const ld_json *r, const char *file)
{
	const ld_json *att = opt_array(r, "attached");
	ld_iam_role *role = ld_iam__add_role(a);
	int error;

	if (!role)
		return LD_ERROR;
	if ((error = req_str(&role->arn, r, "arn", file, "accounts.roles")) < 0 ||
	    (error = opt_str(&role->boundary, r, "boundary", file, "accounts.roles")) < 0)
		return error;
	for (size_t i = 0; i < ld_json_size(att); i++) {
		if (!ld_json_is_string(ld_json_at(att, i)))
			return bad(file, "accounts.roles.attached", "expected strings");
		if ((error = ld_iam__add_string(&role->attached, &role->nattached,
					       ld_json_str(ld_json_at(att, i)))) < 0)
			return error;
	}
	return load_policies(&role->inline_policies, &role->ninline, opt_array(r, "inline"), file,
			     "accounts.roles.inline");
}

static int load_account(ld_iam_inventory *iam, const ld_json *o, const char *file)
{
	const ld_json *roles = opt_array(o, "roles");
	ld_iam_account *a;
	int error;

	if (!ld_json_is_object(o))
		return bad(file, "accounts", "expected objects");
	if (!(a = ld_iam__add_account(iam)))
		return LD_ERROR;
	if ((error = opt_str(&a->account, o, "account", file, "accounts.account")) < 0 ||
	    (error = opt_str(&a->unchecked, o, "unchecked", file, "accounts.unchecked")) < 0)
		return error;
	for (size_t i = 0; i < ld_json_size(roles) && error == 0; i++)
		error = load_role(a, ld_json_at(roles, i), file);
	if (error < 0)
		return error;
	return load_policies(&a->policies, &a->npolicies, opt_array(o, "policies"), file,
			     "accounts.policies");
}

static int load_logs(ld_iam_inventory *iam, const ld_json *o, const char *file)
{
	const ld_json *groups = opt_array(o, "groups"), *g;
	ld_log_groups *l;
	ld_log_group *slot;
	double days;
	int error;

	if (!ld_json_is_object(o))
		return bad(file, "log_groups", "expected objects");
	if (!(l = ld_iam__add_logs(iam)))
		return LD_ERROR;
	if ((error = opt_str(&l->account, o, "account", file, "log_groups.account")) < 0 ||
	    (error = req_str(&l->region, o, "region", file, "log_groups.region")) < 0 ||
	    (error = opt_str(&l->unchecked, o, "unchecked", file, "log_groups.unchecked")) < 0)
		return error;
	for (size_t i = 0; i < ld_json_size(groups); i++) {
		g = ld_json_at(groups, i);
		if (!ld_json_get_num(g, "retention_days", &days) || days < 0 || days > 1e7)
			return bad(file, "log_groups.groups", "retention_days must be a number of days");
		if (!(slot = ld_iam__add_group(l)))
			return LD_ERROR;
		slot->retention_days = (long)days;
		if ((error = req_str(&slot->name, g, "name", file, "log_groups.groups")) < 0)
			return error;
	}
	return 0;
}

int ld_iam__from_json(ld_iam_inventory **out, const ld_json *j, const char *file)
{
	ld_iam_inventory *iam = calloc(1, sizeof(*iam));
	const ld_json *accounts = opt_array(j, "accounts"), *logs = opt_array(j, "log_groups");
	int error = 0;

	*out = NULL;
	if (!iam)
		return ld_error_oom();
	if (!ld_json_is_object(j))
		error = ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: iam: expected an object",
				      file);
	for (size_t i = 0; error == 0 && i < ld_json_size(accounts); i++)
		error = load_account(iam, ld_json_at(accounts, i), file);
	for (size_t i = 0; error == 0 && i < ld_json_size(logs); i++)
		error = load_logs(iam, ld_json_at(logs, i), file);
	if (error < 0) {
		ld_iam_inventory_free(iam);
		return error;
	}
	ld_iam_inventory_sort(iam);
	*out = iam;
	return 0;
}
