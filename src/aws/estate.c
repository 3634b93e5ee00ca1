/*
 * ld_collect_estate (lambdrift/estate.h): the account × region plan of a run and its
 * collection. The regions come first (a list, the partition's for "all", or the session's),
 * then the accounts (a list or file, or the organisation's ACTIVE ones), less the excluded
 * ones, only this shard's; each gets a role session (no STS call yet: an account that
 * refuses fails only its own account-regions) and its targets. Every target is collected
 * by the pool, the functions are filtered, and the IAM and Logs part and the code signing
 * configs (aws/signing.c) are read when asked.
 * An account list that cannot be made leaves an incomplete inventory saying why, never a
 * clean one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/pool.h"
#include "aws/session.h"
#include "aws/signing.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "lambdrift/estate.h"
#include "lambdrift/iam.h"

/* Whether regions[i] already appeared earlier in the list (NULL matches NULL). */
static bool seen_before(const char *const *regions, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if ((!regions[j] && !regions[i]) ||
		    (regions[j] && regions[i] && !strcmp(regions[j], regions[i])))
			return true;
	return false;
}

/* One account's targets: every region of the list, each once. */
static void add_targets(ld_estate *e, ld_aws_session *s, const char *account,
			const char *const *regions, size_t nregions)
{
	for (size_t i = 0; i < nregions; i++) {
		ld_collect_target *t = &e->targets[e->ntargets];
		if (seen_before(regions, i))
			continue;
		memset(t, 0, sizeof(*t));
		t->session = s;
		t->account = account;
		t->region = regions[i];
		e->ntargets++;
	}
}

/* The regions to collect: the list, "all" (the session's partition), or the session's. */
static int region_list(const char *const **regions, size_t *nregions, ld_aws_session *s,
		       const ld_estate_opts *o)
{
	static const char *const session_region[] = { NULL };

	if (o->nregions == 1 && o->regions[0] && !strcmp(o->regions[0], "all"))
		return ld_aws_partition_regions(regions, nregions, ld_aws_session_partition(s));
	*regions = o->nregions ? o->regions : session_region;
	*nregions = o->nregions ? o->nregions : 1;
	return 0;
}

static bool in_shard(const ld_inventory *inv, const char *account)
{
	return !inv->shard_count ||
	       ld_aws_account_shard(account, inv->shard_count) == inv->shard_index;
}

/* "org": the organisation's ACTIVE accounts. The others of this shard are noted, left out
 * on purpose (a suspended or closing account cannot be assumed into), so the run stays
 * complete; a listing that fails leaves no account list at all. */
static int org_list(ld_estate *e, ld_aws_session *base, ld_inventory *inv)
{
	ld_org_account *list = NULL;
	size_t n = 0;
	int error;

	if ((error = ld_aws_org_accounts(&list, &n, base, &inv->calls)) < 0)
		return error;
	if (!(e->accounts = calloc(n, sizeof(*e->accounts))))
		error = ld_error_oom();
	for (size_t i = 0; error == 0 && i < n; i++) {
		if (!in_shard(inv, list[i].id))
			continue;
		if (strcmp(list[i].state, "ACTIVE"))
			error = ld_inventory_note(inv, "account %s left out: %s in the organisation "
						  "(--accounts org scans ACTIVE accounts)",
						  list[i].id, list[i].state);
		else if (!(e->accounts[e->naccounts] = strdup(list[i].id)))
			error = ld_error_oom();
		else
			e->naccounts++;
	}
	ld_org_accounts_free(list);
	return error;
}

static bool is_account_id(const char *s)
{
	size_t n = strspn(s, "0123456789");
	return n == 12 && !s[n];
}

/* The excluded ids out of the list, each one of this shard noted. */
static int exclude_accounts(ld_estate *e, const ld_estate_opts *o, ld_inventory *inv)
{
	size_t kept = 0;
	int error = 0;

	for (size_t x = 0; x < o->nexclude; x++)
		if (!is_account_id(o->exclude_accounts[x]))
			return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--exclude-account '%.40s' is "
					     "not a 12-digit account id", o->exclude_accounts[x]);
	for (size_t i = 0; i < e->naccounts; i++) {
		bool out = false;
		for (size_t x = 0; !out && x < o->nexclude; x++)
			out = !strcmp(e->accounts[i], o->exclude_accounts[x]);
		if (!out) {
			e->accounts[kept++] = e->accounts[i];
			continue;
		}
		if (in_shard(inv, e->accounts[i]) && error == 0)
			error = ld_inventory_note(inv, "account %s left out: --exclude-account",
						  e->accounts[i]);
		free(e->accounts[i]);
	}
	e->naccounts = kept;
	return error;
}

/* The accounts of this shard, one role session each (no STS call yet), and their targets. */
/* A role session; a test's seams give it a transport of its own (else one is opened for
 * each AssumeRole). */
static int role_session(ld_aws_session **out, ld_aws_session *base, const ld_role_opts *ro,
			const ld_collect_seams *seams)
{
	ld_transport *t = NULL;
	int error;

	if (!seams || !seams->transport_new)
		return ld_aws_session_for_role(out, base, ro);
	if ((error = seams->transport_new(seams->transport_ctx, &t, base)) < 0)
		return error;
	return ld_aws_session__for_role_with(out, base, ro, t);
}

static int plan_accounts(ld_estate *e, ld_aws_session *base, const ld_estate_opts *o,
			 ld_inventory *inv, const char *const *regions, size_t nregions,
			 const ld_collect_seams *seams)
{
	ld_role_opts ro = { NULL, o->external_id, "lambdrift", 0 };
	char *arn = NULL;
	int error;

	if (!strcmp(o->accounts, "org"))
		error = org_list(e, base, inv);
	else
		error = ld_error_about(ld_aws_parse_accounts(&e->accounts, &e->naccounts,
							     o->accounts), "--accounts");
	if (error < 0 || (error = exclude_accounts(e, o, inv)) < 0)
		return error;
	if (inv->shard_count)
		ld_aws_accounts_shard(e->accounts, &e->naccounts, inv->shard_index,
				      inv->shard_count);
	/* a shard may hold no account: it still reports, complete and empty */
	if (!(e->sessions = calloc(e->naccounts + 1, sizeof(*e->sessions))) ||
	    !(e->targets = calloc(e->naccounts * nregions + 1, sizeof(*e->targets))))
		return ld_error_oom();
	for (size_t i = 0; i < e->naccounts; i++) {
		if ((error = ld_aws_role_arn(&arn, o->role_arn_template, o->role_name,
					     e->accounts[i], ld_aws_session_partition(base))) < 0)
			return ld_error_about(error, o->role_arn_template ? "--role-arn-template" :
						     "--role-name");
		ro.role_arn = arn;
		error = role_session(&e->sessions[i], base, &ro, seams);
		free(arn);
		if (error < 0)
			return error;
		add_targets(e, e->sessions[i], e->accounts[i], regions, nregions);
	}
	return 0;
}

/* Without accounts: the base session alone, for every region. */
static int plan_base(ld_estate *e, ld_aws_session *base, const char *const *regions,
		     size_t nregions)
{
	if (!(e->sessions = calloc(1, sizeof(*e->sessions))) ||
	    !(e->targets = calloc(nregions, sizeof(*e->targets))))
		return ld_error_oom();
	e->sessions[0] = base;
	e->naccounts = 1;
	add_targets(e, base, NULL, regions, nregions);
	return 0;
}

/* Drop a plan that failed part-way: nothing of it is collected or kept. */
static void drop_plan(ld_estate *e)
{
	for (size_t i = 0; e->sessions && e->accounts && i < e->naccounts; i++)
		ld_aws_session_free(e->sessions[i]);
	free(e->sessions);
	free(e->targets);
	ld_aws_accounts_free(e->accounts, e->naccounts);
	e->sessions = NULL;
	e->accounts = NULL;
	e->targets = NULL;
	e->naccounts = e->ntargets = 0;
}

/* An account list that could not be made: said as such for "org" (the cause kept after
 * it), recorded in e and as the inventory's problem, so the run is incomplete. */
static int accounts_failed(ld_estate *e, ld_inventory *inv, const ld_estate_opts *o, int error)
{
	char cause[sizeof(ld_error_last()->message)];

	if (!strcmp(o->accounts, "org")) {
		snprintf(cause, sizeof(cause), "%s", ld_error_last()->message);
		ld_error_setc(error, ld_error_last()->klass, "--accounts org: cannot list the "
			      "organisation's accounts: %s", cause);
	}
	e->error = error;
	snprintf(e->message, sizeof(e->message), "%s", ld_error_last()->message);
	/* incomplete even if the line cannot be stored */
	(void)ld_inventory_problem(inv, "%s", ld_error_last()->message);
	return 0;
}

int ld_collect_estate__with(ld_estate *e, ld_inventory *inv, ld_aws_session *base,
			    const ld_estate_opts *o, const ld_collect_seams *seams)
{
	const char *const *regions;
	size_t nregions;
	int error;

	memset(e, 0, sizeof(*e));
	e->base = base;
	if ((error = region_list(&regions, &nregions, base, o)) < 0)
		return error;
	error = o->accounts ? plan_accounts(e, base, o, inv, regions, nregions, seams)
			    : plan_base(e, base, regions, nregions);
	if (error < 0) {
		drop_plan(e);
		return error == LD_EUSAGE || !o->accounts ? error
							  : accounts_failed(e, inv, o, error);
	}
	/* a shard left with no account has nothing to collect, and says so by being empty */
	if (!e->ntargets && inv->shard_count)
		return 0;
	if ((error = ld_collect_targets__with(inv, e->targets, e->ntargets, &o->pool, seams)) < 0)
		return error;
	ld_inventory_filter(inv, o->pool.collect.function_globs, o->pool.collect.nglobs);
	/* the package reads after the pool (aws/depfetch.c) pace under the same --rate */
	for (size_t i = 0; i < e->ntargets; i++)
		ld_pool__session_rates(e->targets[i].session, &o->pool);
	if (!o->iam)
		return 0;
	/* the posture reads pace themselves on each target's session (after the pool, each
	 * account's and account-region's at once): --rate iam= and logs= */
	for (size_t i = 0; i < e->ntargets; i++) {
		ld_aws_session *s = e->targets[i].session;
		if (s && o->pool.rate_iam > 0)
			s->retry.rate[LD_QUOTA_IAM] = o->pool.rate_iam;
		if (s && o->pool.rate_logs > 0)
			s->retry.rate[LD_QUOTA_LOGS] = o->pool.rate_logs;
	}
	if ((error = ld_collect_iam__with(inv, e->targets, e->ntargets, o->rules, seams)) < 0)
		return error;
	return ld_collect_signing(inv, e->targets, e->ntargets, o->rules);
}

int ld_collect_estate(ld_estate *e, ld_inventory *inv, ld_aws_session *base,
		      const ld_estate_opts *o)
{
	return ld_collect_estate__with(e, inv, base, o, NULL);
}

void ld_estate_dispose(ld_estate *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->sessions && i < e->naccounts; i++)
		if (e->sessions[i] != e->base)
			ld_aws_session_free(e->sessions[i]);
	free(e->sessions);
	free(e->targets);
	ld_aws_accounts_free(e->accounts, e->accounts ? e->naccounts : 0);
	memset(e, 0, sizeof(*e));
}
