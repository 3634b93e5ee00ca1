/*
 * The code signing collector (private to the library; src/aws/signing.c): which code
 * signing config each function collected from `targets` has attached, and that config's
 * UntrustedArtifactOnDeployment, into ld_function.signing (inventory/signing.h), which
 * code-signing-unenforced and code-signing-missing read. Called by ld_collect_estate after
 * the Lambda listing, with the posture reads.
 */
#ifndef LD_AWS_SIGNING_H
#define LD_AWS_SIGNING_H

#include "lambdrift/audit.h"
#include "lambdrift/aws.h"
#include "lambdrift/inventory.h"

/**
 * Per usable target (account-region) with functions in `inv`: ListCodeSigningConfigs
 * (every page), then ListFunctionsByCodeSigningConfig per config (every page), paced at
 * the session's control class rate (ld_pool__session_rates set it to the pool's) and
 * counted in inv->calls.control. Every function of the account-region gets a record: its config, or
 * none. A call that is refused, fails or answers malformed leaves them all unchecked,
 * naming the call and the permission, with one problem line (inv is then incomplete).
 * Nothing is read when `rules` (NULL: every rule) selects neither code signing rule.
 * @return 0; LD_ERROR without memory
 */
int ld_collect_signing(ld_inventory *inv, const ld_collect_target *targets, size_t ntargets,
		       const ld_rule_selection *rules);

#endif
