/*
 * The environment posture rules (private to the library): env-plaintext-secret and
 * env-default-key, judged from the inventory alone (secret verdicts and settings), so a
 * live scan and `scan --inventory` of its snapshot give the same findings.
 */
#ifndef LD_AUDIT_ENV_H
#define LD_AUDIT_ENV_H

#include "audit/findings.h"
#include "audit/gaps.h"

/**
 * Add the env-plaintext-secret findings of one function (one per variable that holds a
 * credential in any of its versions) and its env-default-key finding (the versions that
 * run, $LATEST, the newest published one and those an alias routes to, have variables and
 * no customer-managed KMSKeyArn). A version whose variables Lambda could not return, or
 * that has no verdicts (an older snapshot), leaves env-plaintext-secret unchecked for the
 * function: a gap in `gaps`. `account` is the inventory's, for functions without one.
 * @return 0, or LD_ERROR without memory
 */
int ld_audit__env(ld_findings *out, ld_gaps *gaps, const char *account, const ld_function *fn);

#endif
