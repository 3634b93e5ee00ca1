/*
 * The estate: which account-regions a run collects and the sessions it collects them with.
 * ld_collect_estate() plans the accounts (a list, a file or the organisation's, less the
 * excluded ones, only the inventory's shard), one role session per account, the regions
 * (a list, "all" of the partition, or the base session's), collects every account-region
 * through the pool (ld_collect_targets) and, when asked, the execution roles and log
 * groups (ld_collect_iam). Tools keep their options and output: they fill ld_estate_opts
 * and print what the targets and the estate say went wrong. An ld_estate is the caller's
 * struct, filled by ld_collect_estate() and released with ld_estate_dispose() (a zeroed
 * one accepted); it owns the role sessions, the account ids and the targets and borrows
 * the base session, which must outlive it.
 */
#ifndef LAMBDRIFT_ESTATE_H
#define LAMBDRIFT_ESTATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/aws.h"
#include "lambdrift/inventory.h"

typedef struct {
	const char *const *regions; /* none: the base session's; the one "all": every region
				       of its partition; repeats collected once */
	size_t nregions;
	const char *accounts;       /* NULL: the base session's own account; "org": the
				       organisation's ACTIVE accounts; else ld_aws_parse_accounts */
	const char *const *exclude_accounts; /* 12-digit ids left out (with a note) */
	size_t nexclude;
	const char *role_name;      /* with accounts: one of these two names the role */
	const char *role_arn_template;
	const char *external_id;    /* NULL: none */
	ld_collect_pool_opts pool;  /* function globs, pacing, workers and the status callback */
	bool iam;                   /* also the execution roles and log groups (ld_collect_iam)
				       and the code signing configs (src/aws/signing.h) */
	const ld_rule_selection *rules; /* for iam: what the rules leave out is not read */
} ld_estate_opts;

#define LD_ESTATE_OPTS_INIT { NULL, 0, NULL, NULL, 0, NULL, NULL, NULL, \
			      LD_COLLECT_POOL_OPTS_INIT, false, NULL }

typedef struct {
	ld_aws_session **sessions;  /* one per account of `accounts`, or without accounts the
				       base session alone (borrowed), which serves any account */
	char **accounts;            /* the accounts' ids; NULL without accounts */
	size_t naccounts;           /* entries of sessions (and of accounts) */
	ld_collect_target *targets; /* every account-region, each with its result */
	size_t ntargets;
	int error;                  /* the accounts could not be planned (listed, read, their
				       sessions made): LD_E*, nothing was collected */
	char message[512];          /* why, as the inventory's problem line says it */
	ld_aws_session *base;       /* borrowed */
} ld_estate;

/**
 * Plan and collect the estate into `inv` (its shard_index and shard_count select the
 * accounts of this shard) with `base`'s credentials, or through a role per account. What
 * fails without failing the run is recorded as a problem line of `inv` (then incomplete):
 * an account-region that fails as a whole (its target says why), and the account list
 * that cannot be made (e->error and e->message say why; nothing is collected). Accounts
 * left out on purpose (not ACTIVE in the organisation, excluded) are notes. A shard with no
 * account collects nothing and stays complete. The functions kept are those matching the
 * pool's globs.
 * @return 0 (inv->complete says whether anything is missing); LD_EUSAGE for bad accounts,
 *         exclusions or role options (the message names the option) or nothing to collect;
 *         LD_ENOTFOUND for "all" of a partition without known regions; LD_ERROR without
 *         memory. Dispose `e` whatever the result.
 */
int ld_collect_estate(ld_estate *e, ld_inventory *inv, ld_aws_session *base,
		      const ld_estate_opts *opts);
void ld_estate_dispose(ld_estate *e);

#endif
