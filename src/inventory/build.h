/*
 * Filling an inventory (private to the library): the collector and the snapshot loader
 * add functions, versions, aliases and triggers through these, then call
 * ld_inventory_sort() once. Returned pointers are owned by the inventory and stay valid
 * only until the next add to the same array.
 */
#ifndef LD_INVENTORY_BUILD_H
#define LD_INVENTORY_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "lambdrift/inventory.h"
#include "util/json.h"

/** Find the function `name` in `region`, or add it (arn may be NULL). NULL without memory. */
ld_function *ld_inventory_function(ld_inventory *inv, const char *region, const char *name,
				   const char *arn);
/** As ld_inventory_function, keyed by account too (NULL matches only NULL). */
ld_function *ld_inventory_function_in(ld_inventory *inv, const char *account, const char *region,
				      const char *name, const char *arn);
/** Add an account id to inv->accounts if not present yet. */
int ld_inventory_add_account(ld_inventory *inv, const char *account);
/**
 * Move everything of `src` into `dst`: functions, triggers, regions, accounts, problems,
 * notes (appended in src's order), call counters (added), completeness (and-ed), account and
 * partition when dst has none. `src` is left disposed. The caller sorts dst afterwards.
 * @return 0, or LD_ERROR without memory (src is disposed either way; dst is marked
 *         incomplete)
 */
int ld_inventory_take(ld_inventory *dst, ld_inventory *src);
/** Append a zeroed version / alias / trigger. NULL without memory. */
ld_version *ld_function_add_version(ld_function *fn);
ld_alias *ld_function_add_alias(ld_function *fn);
ld_trigger *ld_inventory_add_trigger(ld_inventory *inv);
/** Drop the functions without a version (the collector's, listed by name only and gone
 *  by the time their versions were listed). */
void ld_inventory_drop_unversioned(ld_inventory *inv);
/** Add a region name if not present yet. */
int ld_inventory_add_region(ld_inventory *inv, const char *region);

/** Sort functions, versions ("$LATEST" first, then numerically), aliases, triggers. */
void ld_inventory_sort(ld_inventory *inv);

/* Environment digest key: 32 random bytes per inventory unless given. */
#define LD_DIGEST_KEY_LEN 32

/**
 * Fill `out` from one FunctionConfiguration JSON object (a ListFunctions item or the
 * Configuration of GetFunction): identity fields, and the behaviour-defining config fields
 * canonicalised (inventory/canon.h) with environment values replaced by
 * HMAC-SHA256(key, name "\0" hex(sha256(value))).
 * @return 0, LD_EINVALID when required fields (Version, FunctionArn) are missing
 */
int ld_version_from_api(ld_version *out, const ld_json *cfg, const uint8_t *key, size_t key_len);

/** Compute out->config_sha256 from out->config. */
int ld_version_digest(ld_version *v);

void ld_version_dispose(ld_version *v);
/** Free an alias's strings and weights and zero it. */
void ld_alias_dispose(ld_alias *a);

/** Sort a function's versions: "$LATEST" first, then published ones ascending. */
void ld_function_sort_versions(ld_function *fn);
/** A published version's number, or -1 for "$LATEST" and anything not a plain decimal. */
long long ld_inventory__version_number(const char *v);

/* ---- slim functions (slim.c) ---- */

/**
 * Make a fully loaded function slim (inventory.h): sort its versions, list them all in
 * inv->arena (created when NULL), keep in the arena only the versions the rules and verify
 * read (the aliases must be loaded already), and free the rest. Repeated strings (runtimes,
 * setting names and values) are stored once per inventory.
 * @return 0, or LD_ERROR without memory (fn is left as it was)
 */
int ld_function_slim(ld_inventory *inv, ld_function *fn);

/** Set inv->digest_key_id from the key. */
void ld_inventory_set_digest_key(ld_inventory *inv, const uint8_t *key, size_t key_len);

#endif
