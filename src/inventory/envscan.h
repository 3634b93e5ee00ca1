/*
 * Secret detection in environment variables (private to the library): the one place,
 * besides the digest in canon.c, that sees a variable's plaintext value. It turns each
 * variable into a verdict, "none" or the slug of the detector that matched, so the
 * env-plaintext-secret rule, the snapshot and every report work from verdicts alone. A
 * verdict list is a canonical JSON object {"NAME": "verdict"} owned by its ld_version
 * (env_verdicts); the reserved name "" says Lambda could not return the variables
 * (Environment.Error), so the version went unchecked.
 */
#ifndef LD_INVENTORY_ENVSCAN_H
#define LD_INVENTORY_ENVSCAN_H

#include <stdbool.h>

#include "lambdrift/inventory.h"
#include "util/json.h"

#define LD_ENV_CLEAN "none"
/* The key of the verdict that says the variables could not be read. */
#define LD_ENV_UNREADABLE_KEY ""

/**
 * The detector matching one variable, or LD_ENV_CLEAN. `key_id_nearby` says another
 * variable of the same environment holds an AWS access key id, so a 40-character secret
 * access key is recognised by its shape even under a neutral name. Returns a static slug.
 */
const char *ld_env_classify(const char *name, const char *value, bool key_id_nearby);

/**
 * The verdicts of a FunctionConfiguration's Environment as canonical JSON, into *out
 * (caller frees); *out is NULL when the configuration has no environment variables. An
 * Environment.Error gives {"": "<ErrorCode>"}.
 * @return 0, or LD_ERROR without memory
 */
int ld_env_scan(char **out, const ld_json *cfg);

/** True when a verdict list (NULL allowed) names a detector for some variable. */
bool ld_env_verdicts_flagged(const char *verdicts);

/** True for a detector slug ld_env_classify() can return, LD_ENV_CLEAN included. */
bool ld_env_verdict_known(const char *verdict);

/* ---- the snapshot form (envsnap.c) ---- */

/** Add v->env_verdicts to a version's snapshot object as "env_verdicts", when set. */
int ld_env__write(ld_json *version_obj, const ld_version *v);

/**
 * Read a version's "env_verdicts" into v->env_verdicts (v->config loaded already): an
 * object whose names are exactly the Environment's variables and whose values are known
 * verdicts, or {"": ErrorCode}. `file` and `path` name the version for messages.
 * @return 0; LD_EINVALID naming the file and path; LD_ERROR without memory
 */
int ld_env__load(ld_version *v, const ld_json *version_obj, const char *file, const char *path);

/** The version that leaves env-plaintext-secret unchecked for `fn` (borrowed): the first
 *  whose variables Lambda could not return, else the first with variables and no verdicts
 *  (a snapshot from before secret detection); NULL when every version can be judged. */
const ld_version *ld_env__unchecked_version(const ld_function *fn);

/**
 * Why env-plaintext-secret cannot judge `fn`: *why receives the reason, naming that version
 * and what to do (the caller frees it), or NULL when it can judge every version.
 * @return 0 or LD_ERROR without memory
 */
int ld_env__unchecked(char **why, const ld_function *fn);

/* The problem line the collector writes for it: function, region, reason. */
#define LD_ENV_UNCHECKED_LINE "env-plaintext-secret unchecked for %s in %s: %s"

#endif
