/*
 * attestation-drift and attestation-missing (attest.h: ld_attest_check): hold an inventory
 * to a release record that has already been verified. Each attested function must still
 * exist, and what serves it — its alias, or without one the attested version — must be
 * the attested version with the attested code and configuration digests; any weighted
 * traffic to another version counts as serving another version. No repository is needed:
 * the record carries everything compared.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/statement.h"
#include "audit/findings.h"
#include "inventory/canon.h"
#include "lambdrift/attest.h"
#include "lambdrift/errors.h"
#include "util/json.h"

typedef struct {
	ld_findings *out;
	ld_inventory *inv;
	const ld_attestation *a;
} check_ctx;

/* What the function serves now, and which of version, code and configuration moved. */
typedef struct {
	const char *version;             /* the version the alias serves, or NULL */
	const char *also;                /* another version receiving weighted traffic */
	char code[65], config[65];       /* "" when unknown */
	bool version_moved, code_moved, config_moved;
} serving;

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool covered(const char *const *items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (same(items[i], s))
			return true;
	return false;
}

static const ld_function *find_function(const ld_inventory *inv, const ld_attested_function *f)
{
	for (size_t i = 0; i < inv->nfunctions; i++) {
		const ld_function *fn = &inv->functions[i];
		if (!strcmp(fn->name, f->name) && same(fn->region, f->region) &&
		    (!f->account || !fn->account || !strcmp(fn->account, f->account)))
			return fn;
	}
	return NULL;
}

/* Whether the inventory looked where the function lives: its region, and its account when
 * both are known. */
static bool looked(const ld_inventory *inv, const ld_attested_function *f)
{
	if (!covered((const char *const *)inv->regions, inv->nregions, f->region))
		return false;
	if (!f->account)
		return true;
	if (inv->naccounts > 1)
		return covered((const char *const *)inv->accounts, inv->naccounts, f->account);
	return !inv->account || !strcmp(inv->account, f->account);
}

static ld_finding_id attested_id(const check_ctx *c, const char *rule,
				 const ld_attested_function *f, const ld_function *fn)
{
	ld_finding_id id = { rule, ld_rule_severity(rule),
			     fn && fn->account ? fn->account : f->account ? f->account
									   : c->inv->account,
			     f->region, f->name, f->alias ? f->alias : f->version, f->arn, 0 };
	return id;
}

static int missing(const check_ctx *c, const ld_attested_function *f)
{
	ld_finding_id id = attested_id(c, "attestation-missing", f, NULL);
	ld_json *ev = ld_json_new_object();
	char *evidence;
	int error;

	ld_json_add_str(ev, "attestation", c->a->path);
	ld_json_add_str(ev, "attested_arn", f->arn);
	ld_json_add_str(ev, "attested_code_sha256", f->code_sha256);
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(c->out, &id, evidence,
				"function %s in %s is attested by %s (release %s) but no longer "
				"exists%s", f->name, f->region, c->a->path, c->a->tag,
				c->inv->complete ? "" : " (the inventory is incomplete)");
	free(evidence);
	return error;
}

/* Fill `now` for the version `version` of `fn` against the record. */
static int compare_version(serving *now, const ld_function *fn, const char *version,
			   const ld_attested_function *f)
{
	const ld_version *v = ld_function_version(fn, version);
	int error;

	now->version = version;
	now->version_moved = strcmp(version, f->version) != 0;
	if (!v)
		return 0;
	if (ld_attest__code_hex(now->code, v->code_sha256) < 0)
		now->code[0] = '\0';
	if ((error = ld_version_release_digest(now->config, v)) < 0)
		return error;
	now->code_moved = strcmp(now->code, f->code_sha256) != 0;
	now->config_moved = strcmp(now->config, f->config_digest) != 0;
	return 0;
}

static void describe_moves(ld_buf *what, const serving *now, const ld_attested_function *f)
{
	if (now->version_moved)
		ld_buf_printf(what, "serves version %s, not %s", now->version, f->version);
	if (now->also)
		ld_buf_printf(what, "%ssends weighted traffic to version %s", what->size ? "; " : "",
			      now->also);
	if (now->code_moved || now->config_moved)
		ld_buf_printf(what, "%s%s%s%s changed", what->size ? "; " : "",
			      now->code_moved ? "code" : "", now->code_moved && now->config_moved
			      ? " and " : "", now->config_moved ? "configuration" : "");
}

static int drifted(const check_ctx *c, const ld_attested_function *f, const ld_function *fn,
		   const serving *now, const char *alias_gone)
{
	ld_finding_id id = attested_id(c, "attestation-drift", f, fn);
	ld_buf what = LD_BUF_INIT_CAP(1024);
	ld_json *ev = ld_json_new_object(), *moved = ld_json_new_array();
	char *evidence;
	int error;

	if (alias_gone)
		ld_buf_printf(&what, "its alias %s is gone", alias_gone);
	else
		describe_moves(&what, now, f);
	ld_json_add_str(ev, "attestation", c->a->path);
	ld_json_add_str(ev, "attested_version", f->version);
	ld_json_add_str(ev, "attested_code_sha256", f->code_sha256);
	ld_json_add_str(ev, "attested_config_digest", f->config_digest);
	ld_json_add_str(ev, "version", now->version);
	if (now->also)
		ld_json_add_str(ev, "weighted_version", now->also);
	ld_json_add_str(ev, "code_sha256", now->code[0] ? now->code : NULL);
	ld_json_add_str(ev, "config_digest", now->config[0] ? now->config : NULL);
	if (alias_gone)
		ld_json_append(moved, ld_json_new_string("alias"));
	if (now->version_moved || now->also)
		ld_json_append(moved, ld_json_new_string("version"));
	if (now->code_moved)
		ld_json_append(moved, ld_json_new_string("code"));
	if (now->config_moved)
		ld_json_append(moved, ld_json_new_string("config"));
	ld_json_add(ev, "moved", moved);
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(c->out, &id, evidence,
				"%s%s%s%s no longer serves what %s attests (release %s, version %s): "
				"%s", f->alias ? "alias " : "", f->alias ? f->alias : "", f->alias
				? " of " : "", f->name, c->a->path, c->a->tag, f->version, what.ptr);
	free(evidence);
	ld_buf_dispose(&what);
	return error;
}

static const ld_alias *find_alias(const ld_function *fn, const char *name)
{
	for (size_t i = 0; i < fn->naliases; i++)
		if (!strcmp(fn->aliases[i].name, name))
			return &fn->aliases[i];
	return NULL;
}

static int check_function(const check_ctx *c, const ld_attested_function *f)
{
	const ld_function *fn = find_function(c->inv, f);
	const ld_alias *al = NULL;
	serving now;
	int error;

	memset(&now, 0, sizeof(now));
	if (!fn && !looked(c->inv, f))
		return ld_inventory_problem(c->inv, "%s in %s%s%s is attested by %s but was not "
					    "scanned: scan its region (--region %s) and account",
					    f->name, f->region, f->account ? ", account " : "",
					    f->account ? f->account : "", c->a->path, f->region);
	if (!fn)
		return missing(c, f);
	if (f->alias && !(al = find_alias(fn, f->alias)))
		return drifted(c, f, fn, &now, f->alias);
	if ((error = compare_version(&now, fn, f->alias ? al->function_version : f->version,
				     f)) < 0)
		return error;
	for (size_t i = 0; al && i < al->nweights && !now.also; i++)
		if (strcmp(al->weights[i].version, f->version) && al->weights[i].weight > 0)
			now.also = al->weights[i].version;
	if (!ld_function_version(fn, now.version))
		return ld_inventory_problem(c->inv, "%s: version %s, which it serves, is not in the "
					    "inventory, so %s could not be checked", f->name,
					    now.version, c->a->path);
	if (now.version_moved || now.also || now.code_moved || now.config_moved)
		return drifted(c, f, fn, &now, NULL);
	return 0;
}

static bool selected(const char *const *globs, size_t nglobs, const char *name)
{
	for (size_t i = 0; i < nglobs; i++)
		if (ld_glob_match(globs[i], name))
			return true;
	return !nglobs;
}

int ld_attest_check(ld_findings *out, ld_inventory *inv, const ld_attestation *a,
		    const char *const *globs, size_t nglobs)
{
	check_ctx c = { out, inv, a };
	int error = 0;

	for (size_t i = 0; i < a->nfunctions && error == 0; i++)
		if (selected(globs, nglobs, a->functions[i].name))
			error = check_function(&c, &a->functions[i]);
	return error;
}
