/*
 * The canonical form of a function's settings (private to the library), shared by the two
 * sides that must agree byte for byte: the collector, which reads a FunctionConfiguration
 * from the Lambda API (build.h: ld_version_from_api), and verify, which reads the "config"
 * object of a spec function. Both go through ld_config_canonical(), so a setting declared
 * in lambdrift.json and the same setting deployed give the same canonical value. Fields go
 * into an ld_version's config list, which the version owns (ld_version_dispose()).
 */
#ifndef LD_INVENTORY_CANON_H
#define LD_INVENTORY_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lambdrift/inventory.h"
#include "util/json.h"

#define LD_ENV_DIGEST_PREFIX "hmac-sha256:"
/* "hmac-sha256:" and 64 hex digits, plus the NUL. */
#define LD_ENV_DIGEST_LEN (sizeof(LD_ENV_DIGEST_PREFIX) - 1 + 64)

typedef struct {
	const uint8_t *key;        /* environment digest key, or NULL (an unkeyed HMAC) */
	size_t key_len;
	bool spec;                 /* the object is a spec "config": ImageConfig sits at the top
				      (the API nests it in ImageConfigResponse), environment values
				      may be {"sha256": "<hex>"}, and PackageType is not added */
	const char *function_name; /* for the default log group when `cfg` has no FunctionName */
} ld_config_opts;

/**
 * Put the canonical behaviour-defining settings of `cfg` into v->config, sorted by name,
 * and set v->config_sha256. `v` must be zeroed or hold identity fields only; on failure its
 * config is left empty. Environment values become "hmac-sha256:" + hex HMAC-SHA256(key,
 * name "\0" hex(sha256(value))), so a plaintext value and its spec {"sha256": ...} form
 * give the same digest under the same key.
 * @return 0; LD_EINVALID for a malformed setting (non-string list items, a Layers item
 *         without Arn, an environment value that is neither a string nor, for a spec, a
 *         sha256 object); LD_ERROR without memory
 */
int ld_config_canonical(ld_version *v, const ld_json *cfg, const ld_config_opts *opts);

/**
 * The digest of one environment variable as ld_config_canonical() writes it, from the
 * value's sha256 (64 lowercase hex digits). `out` holds LD_ENV_DIGEST_LEN + 1 bytes.
 */
void ld_env_digest(char *out, const char *name, const char *value_sha256_hex,
		   const uint8_t *key, size_t key_len);

/**
 * The configuration digest release records carry: sha256 over the canonical settings as
 * v->config_sha256 hashes them, except that Environment counts by variable names only.
 * config_sha256 digests values under the run's random key, so it differs between runs;
 * this one is the same on every run, and no value enters it, not even digested.
 * @return 0; LD_EINVALID for an Environment field that is not canonical JSON; LD_ERROR
 */
int ld_version_release_digest(char out[65], const ld_version *v);

#endif
