/*
 * The rules that read who may invoke a function (private to the library; audit/policy.c):
 * url-public, policy-public, concurrency-unbounded, layer-foreign, and trigger-unqualified
 * for resource-policy permissions and function URLs. Called by ld_audit_scan per function.
 */
#ifndef LD_AUDIT_POLICY_H
#define LD_AUDIT_POLICY_H

#include "audit/gaps.h"
#include "lambdrift/audit.h"
#include "lambdrift/inventory.h"

/** Append the findings of these rules for `fn`; a gap for those whose data the inventory
 *  does not hold (no record, a record left unchecked, URLs or the concurrency not read
 *  where they matter). @return 0, or LD_ERROR without memory */
int ld_audit__policy_rules(ld_findings *out, ld_gaps *gaps, const ld_inventory *inv,
			   const ld_function *fn);

#endif
