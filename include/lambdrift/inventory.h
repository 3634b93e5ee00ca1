/*
 * The inventory: a plain data model of what an account runs (functions, their versions,
 * aliases and event source mappings), filled by the collector or loaded from a snapshot,
 * and read by the rules. An ld_inventory owns every string and array under it;
 * ld_inventory_dispose() frees them all. Getters never return owned memory.
 *
 * Secrets: environment variable values never enter the inventory. The collector replaces
 * each with a keyed digest (HMAC-SHA256 under the inventory's digest key), so the inventory,
 * its snapshot and its report can be shown to anyone.
 */
#ifndef LAMBDRIFT_INVENTORY_H
#define LAMBDRIFT_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lambdrift/buf.h"

/* One behaviour-defining configuration field: its Lambda API name and its value as
 * canonical JSON (sorted keys, compact; env values already digested). */
typedef struct {
	char *name;
	char *value;
} ld_config_field;

typedef struct {
	char *version;        /* "$LATEST" or a decimal version number */
	char *arn;            /* qualified function ARN */
	char *code_sha256;    /* CodeSha256 as Lambda reports it (base64 for zips) */
	char *config_sha256;  /* hex sha256 over the canonical config fields */
	char *runtime;        /* NULL for container images */
	char *package_type;   /* "Zip" or "Image" */
	char *last_modified;
	ld_config_field *config; /* sorted by name */
	size_t nconfig;
	/* Secret verdicts of the environment (src/inventory/envscan.h): canonical JSON
	 * {"NAME": "none" | detector slug}, {"": ErrorCode} when Lambda could not return the
	 * variables; NULL without environment variables. Never a value. */
	char *env_verdicts;
} ld_version;

typedef struct {
	char *version;  /* an additional version receiving weighted traffic */
	double weight;  /* 0.0 - 1.0 */
} ld_alias_weight;

typedef struct {
	char *name;
	char *arn;
	char *function_version;   /* "$LATEST" or a version number */
	ld_alias_weight *weights; /* RoutingConfig.AdditionalVersionWeights */
	size_t nweights;
} ld_alias;

typedef struct {
	char *name;
	char *region;
	char *arn;          /* unqualified function ARN */
	ld_version *versions; /* "$LATEST" first, then published versions ascending */
	size_t nversions;
	ld_alias *aliases;  /* sorted by name */
	size_t naliases;
	char *account;      /* 12-digit id from the ARN, or NULL (older snapshots) */
	/* Set by ld_inventory_load_slim() only. Then `versions` holds just what the rules and
	 * verify read ($LATEST and any other non-numeric qualifier, the newest published
	 * version, every version an alias routes to), owned by the inventory's arena, and
	 * every version (nversions_all of them) is listed, packed, in `listing` for reports:
	 * walk it with ld_version_iter, and count with ld_function_version_count(). */
	bool slim;
	size_t nversions_all;
	const unsigned char *listing;
	/* Resource policies, function URLs, reserved concurrency (src/inventory/policy.h);
	 * NULL when they were not collected (then the rules reading them say nothing). */
	struct ld_fn_policy *policy;
	/* The attached code signing config and its policy (src/inventory/signing.h); NULL
	 * when not collected (then code-signing-unenforced and -missing say nothing). */
	struct ld_fn_signing *signing;
} ld_function;

/* An event source mapping (trigger). */
typedef struct {
	char *uuid;
	char *region;
	char *function_arn;     /* as Lambda reports it: qualified or not */
	char *event_source_arn; /* may be NULL (self-managed Kafka, etc.) */
	char *state;
} ld_trigger;

/* API calls made to collect, by quota class (docs/ARCHITECTURE.md: the 15/s class is the bound). */
typedef struct {
	unsigned long control;      /* the shared 15 req/s class: List*, GetAlias, ... */
	unsigned long get_function; /* 100 req/s class */
	unsigned long sts;
	unsigned long kms;          /* release records: KMS Sign and GetPublicKey */
	unsigned long get_policy;   /* GetPolicy: its own 15 req/s class */
	unsigned long iam;          /* posture: IAM reads of the execution roles */
	unsigned long logs;         /* posture: DescribeLogGroups pages */
	unsigned long organizations; /* --accounts org: ListAccounts pages */
	unsigned long throttled;    /* 429 responses received */
	unsigned long retries;
	unsigned long errors;       /* requests that failed for good */
} ld_api_calls;

/** Add the counters of `from` to `to` (calls counted apart, by threads or targets). */
void ld_api_calls_add(ld_api_calls *to, const ld_api_calls *from);

/* Storage for a slim inventory's versions (private to the library). */
struct ld_arena;
/* Execution roles, their policies and log groups (lambdrift/iam.h). */
struct ld_iam_inventory;

/* The most shards a run may have (--shard I/N, run.shard). */
#define LD_SHARDS_MAX 100000

typedef struct {
	char *account;          /* 12-digit id, or NULL when unknown or several */
	char **accounts;        /* every account scanned, sorted; set when more than one */
	size_t naccounts;
	char *partition;        /* "aws" unless known otherwise */
	char **regions;
	size_t nregions;
	ld_function *functions; /* sorted by account, region, then name */
	size_t nfunctions;
	ld_trigger *triggers;   /* sorted by region, then uuid */
	size_t ntriggers;
	char *collected_at;     /* RFC 3339 UTC */
	char *digest_key_id;    /* identifies the env digest key: hex of sha256(key)[0..8] */
	bool complete;          /* false when any data could not be fetched */
	char **problems;        /* why the inventory is incomplete, one line each */
	size_t nproblems;
	char **notes;           /* what was left out on purpose (a region not enabled), one line
				   each; unlike problems they leave the inventory complete */
	size_t nnotes;
	ld_api_calls calls;
	unsigned shard_index;   /* --shard I/N: this inventory is shard I (1-based) of N; */
	unsigned shard_count;   /* both 0 when the run was not sharded */
	struct ld_arena *arena; /* slim functions' versions and listings; NULL otherwise */
	struct ld_iam_inventory *iam; /* NULL when IAM and Logs were not collected */
} ld_inventory;

/** Zero an inventory: empty, complete, no calls. */
void ld_inventory_init(ld_inventory *inv);
/** Free everything the inventory owns and zero it. Accepts a zeroed inventory. */
void ld_inventory_dispose(ld_inventory *inv);

/** Record why the inventory is incomplete (printf-style); marks it incomplete. */
int ld_inventory_problem(ld_inventory *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The note a --shard run leaves for a --function pattern that matched no function in its
 * accounts (another shard may hold it): PREFIX, the pattern, SUFFIX. merge makes it a problem
 * when every shard left it. */
#define LD_NOTE_UNMATCHED_PREFIX "--function '"
#define LD_NOTE_UNMATCHED_SUFFIX "' matched no function in this shard"

/** Record something left out on purpose (printf-style); the inventory stays complete. */
int ld_inventory_note(ld_inventory *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Write the snapshot JSON ("lambdrift/inventory/v1"). @return 0, or LD_EINVALID for an
 *  inventory loaded with ld_inventory_load_slim() (it lacks most versions' settings) */
int ld_inventory_write(ld_buf *out, const ld_inventory *inv);
/** Load a snapshot written by ld_inventory_write, read in bounded chunks one function at a
 *  time (memory does not grow with the file's text). @return 0, LD_EUSAGE/LD_EINVALID with
 *  a message naming the file and what is wrong */
int ld_inventory_load(ld_inventory *inv, const char *path);
/** As ld_inventory_load, for analysis (scan/verify --inventory): every function is slim
 *  (ld_function.slim), so memory stays small for large estates; the same checks, the same
 *  errors, the same findings and reports. Such an inventory cannot be written back. */
int ld_inventory_load_slim(ld_inventory *inv, const char *path);

/** Keep only functions whose name matches one of the shell globs (fnmatch); triggers of
 *  dropped functions go too. No globs keeps everything. */
void ld_inventory_filter(ld_inventory *inv, const char *const *globs, size_t nglobs);

/** Newest published version of a function, or NULL when it has none. */
const ld_version *ld_function_latest_published(const ld_function *fn);
/** Version by its qualifier ("$LATEST" or a number), or NULL. */
const ld_version *ld_function_version(const ld_function *fn, const char *version);

/* One version as reports list it; strings are borrowed until the next call. */
typedef struct {
	const char *version;
	const char *code_sha256;
	const char *config_sha256;
	const char *runtime;
} ld_version_row;

/* Walks every version of a function in order ("$LATEST" first, then ascending), slim or
 * not. Fill it with ld_version_iter_init(); its members are private. */
typedef struct {
	const ld_function *fn;
	size_t i;
	const unsigned char *p;
	const char *config_sha256;
	const char *runtime;
	char version_text[24];
	char code_text[48];
	char config_text[65];
	ld_version_row row;
} ld_version_iter;

void ld_version_iter_init(ld_version_iter *it, const ld_function *fn);
/** The next version, or NULL after the last. */
const ld_version_row *ld_version_iter_next(ld_version_iter *it);
/** How many versions the function has (for a slim one, more than fn->nversions). */
size_t ld_function_version_count(const ld_function *fn);

/** True when a shell glob matches `name`. */
bool ld_glob_match(const char *glob, const char *name);

#endif
