/*
 * code-signing-unenforced and code-signing-missing (private to the library; audit/signing.c),
 * from the function's code signing record (inventory/signing.h). Called by ld_audit_scan
 * per function; a function without a record, or with one left unchecked, is a gap
 * (audit/gaps.h), never clean.
 */
#ifndef LD_AUDIT_SIGNING_H
#define LD_AUDIT_SIGNING_H

#include "audit/gaps.h"
#include "lambdrift/audit.h"
#include "lambdrift/inventory.h"

/** Append the findings of these rules for `fn`, or note in `gaps` why they cannot judge it.
 *  @return 0, or LD_ERROR without memory */
int ld_audit__signing(ld_findings *out, ld_gaps *gaps, const ld_inventory *inv,
		      const ld_function *fn);

#endif
