/*
 * The IAM and CloudWatch Logs part of the inventory, which role-overprivileged,
 * logging-denied and log-retention read: per account the execution roles of the collected
 * functions with their inline policies and the ARNs of their attached managed policies, each
 * managed policy's default document once, and per account-region the functions' log groups
 * with their retention; kept in the snapshot under "iam". An ld_iam_inventory is owned by its
 * ld_inventory (inv->iam) and freed with it; every string and array under it is owned by it.
 */
#ifndef LAMBDRIFT_IAM_H
#define LAMBDRIFT_IAM_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/aws.h"
#include "lambdrift/inventory.h"

/* A policy: managed (arn set) or inline (arn NULL); the document as compact JSON text. */
typedef struct {
	char *arn;
	char *name;
	char *document;
} ld_iam_policy;

typedef struct {
	char *arn;
	char **attached;            /* managed policy ARNs, sorted */
	size_t nattached;
	ld_iam_policy *inline_policies; /* sorted by name */
	size_t ninline;
	char *boundary;             /* permissions boundary ARN, or NULL */
} ld_iam_role;

typedef struct {
	char *account;
	char *unchecked;            /* why the IAM data is missing (the run is incomplete), or NULL */
	ld_iam_role *roles;         /* only the functions' execution roles, sorted by ARN */
	size_t nroles;
	ld_iam_policy *policies;    /* managed policies the roles attach, sorted by ARN */
	size_t npolicies;
} ld_iam_account;

typedef struct {
	char *name;
	long retention_days;        /* 0: never expire */
} ld_log_group;

typedef struct {
	char *account;
	char *region;
	char *unchecked;            /* why the groups are unknown, or NULL */
	ld_log_group *groups;       /* only the functions' groups that exist, sorted by name */
	size_t ngroups;
} ld_log_groups;

struct ld_iam_inventory {
	ld_iam_account *accounts;   /* sorted by account */
	size_t naccounts;
	ld_log_groups *logs;        /* sorted by account, region */
	size_t nlogs;
};
typedef struct ld_iam_inventory ld_iam_inventory;

/** Free everything (NULL accepted). */
void ld_iam_inventory_free(ld_iam_inventory *iam);

/** Sort every list into the order the snapshot writes. */
void ld_iam_inventory_sort(ld_iam_inventory *iam);

/** The account's entry, or NULL. */
const ld_iam_account *ld_iam_find_account(const ld_iam_inventory *iam, const char *account);
const ld_iam_role *ld_iam_find_role(const ld_iam_account *a, const char *arn);
const ld_iam_policy *ld_iam_find_policy(const ld_iam_account *a, const char *arn);
const ld_log_groups *ld_iam_find_logs(const ld_iam_inventory *iam, const char *account,
				      const char *region);

/**
 * Collect the execution roles and log groups of every function of `inv` (already listed
 * from `targets`) into inv->iam: per account (a target's session) the paginated
 * iam:GetAccountAuthorizationDetails, Filter Role, then LocalManagedPolicy and/or
 * AWSManagedPolicy for the policies the functions' roles use (GetPolicy + GetPolicyVersion
 * for one it did not return), keeping only those roles and policies; per account-region
 * logs:DescribeLogGroups. A failed call leaves that account's (or account-region's) data
 * unchecked, naming the missing permission, and adds a problem line (the inventory is
 * incomplete). Calls are counted in inv->calls (iam, logs). What `rules` (NULL: every
 * rule) leaves out is not read: IAM without role-overprivileged and logging-denied, Logs
 * without log-retention, so skipping a rule also skips the permission it needs. One call
 * at a time, on the sessions' own transports (ld_collect_estate makes the reads at once).
 * @return 0; LD_ERROR without memory
 */
int ld_collect_iam(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
		   const ld_rule_selection *rules);

/** The function's execution role ARN ($LATEST's Role) into a new string (caller frees),
 *  or NULL when it has none (or without memory). */
char *ld_function_role(const ld_function *fn);
/** The function's log group into a new string (caller frees): $LATEST's
 *  LoggingConfig.LogGroup, else /aws/lambda/NAME; NULL without memory. */
char *ld_function_log_group(const ld_function *fn);

#endif
