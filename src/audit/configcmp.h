/*
 * config-drift (private to the library): the settings a spec function declares, compared
 * field by field with a deployed version. The spec's "config" object is canonicalised by
 * the inventory's own code (inventory/canon.h) with the digest key the inventory was
 * collected with, so equal settings give equal canonical values whichever side spelled
 * them. Messages and evidence name fields and, for Environment, variable names; never a
 * value of a variable, in plaintext or digested.
 */
#ifndef LD_AUDIT_CONFIGCMP_H
#define LD_AUDIT_CONFIGCMP_H

#include <stddef.h>
#include <stdint.h>

#include "audit/findings.h"
#include "lambdrift/inventory.h"
#include "spec/spec.h"

/**
 * Append a config-drift finding for every declared setting of `fn` that differs in
 * `deployed` (key: the field name), and config-unverified for what cannot be compared:
 * Environment when `key` is NULL (the inventory's digest key is unknown offline), and
 * settings the inventory does not record (Description). `id` supplies account, region,
 * function and qualifier; rule, severity and key are set here.
 * @return 0; LD_EINVALID for a spec config the canonical form refuses; LD_ERROR without
 *         memory
 */
int ld_configcmp(ld_findings *out, const ld_finding_id *id, const ld_spec_function *fn,
		 const ld_version *deployed, const uint8_t *key, size_t key_len);

#endif
