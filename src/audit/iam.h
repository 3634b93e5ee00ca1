/*
 * The execution-role and log rules (private to the library): role-overprivileged,
 * logging-denied and log-retention, read from the inventory's IAM part (lambdrift/iam.h)
 * alone. Findings are appended to the caller's list, which owns them.
 */
#ifndef LD_AUDIT_IAM_H
#define LD_AUDIT_IAM_H

#include "audit/gaps.h"
#include "lambdrift/audit.h"

/**
 * Run the three rules over every function. Where the data they read is missing (no IAM
 * data or log groups for the account, a role's policy or boundary not held, an account left
 * unchecked by the collector) they say nothing of the function and note a gap instead:
 * never a clean result.
 * @return 0, LD_ERROR without memory
 */
int ld_audit__iam(ld_findings *out, ld_gaps *gaps, const ld_inventory *inv,
		  const ld_audit_opts *opts);

/** Whether `pattern` (IAM wildcards * and ?) matches `s`; actions compare casefolded. */
bool ld_iam__wild_match(const char *pattern, const char *s, bool casefold);

/** Whether a Resource pattern matches every resource ("*", "arn:aws:*:*:*:*", "arn:*"). */
bool ld_iam__every_resource(const char *pattern);

#endif
