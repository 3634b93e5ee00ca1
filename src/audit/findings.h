/*
 * Adding findings (private to the library): every rule, scan or verify, reports through
 * ld_findings_add(), which copies the strings it is given and computes the fingerprint
 * from the identity fields only, so a finding keeps its fingerprint when its message
 * wording or evidence changes and baselines stay valid.
 */
#ifndef LD_AUDIT_FINDINGS_H
#define LD_AUDIT_FINDINGS_H

#include "lambdrift/audit.h"
#include "util/json.h"

/* What identifies a finding across runs; `rule` must be a static slug (ld_rules[]). */
typedef struct {
	const char *rule;
	ld_severity severity;
	const char *account;   /* NULL reads as "" */
	const char *region;
	const char *function;
	const char *qualifier; /* may be NULL */
	const char *key;       /* rule-specific discriminator, NULL reads as "" */
	unsigned spec_line;    /* verify: the function's line in the spec, 0 when none */
} ld_finding_id;

/**
 * What differs between $LATEST and version `v` (latest-drift, in scan and verify): the
 * code, when both hashes are known and differ, and the config fields by name.
 * @param evidence receives the finding's evidence (caller frees): {`version_key`: v's
 *        version, "code_changed", "config_fields"}; NULL when nothing differs
 * @param what receives "code changed; config changed: Handler, MemorySize" or a part of
 *        it; give it room for 4 KiB of names and the words around them
 * @return 1 when something differs, 0 when nothing does, LD_ERROR without memory
 */
int ld_audit__latest_diff(char **evidence, ld_buf *what, const ld_version *latest,
			  const ld_version *v, const char *version_key);

/** Evidence as compact canonical JSON (at most 1 MiB), consuming `obj`; NULL on failure,
 *  which callers tolerate (a finding without evidence). */
char *ld_findings_evidence(ld_json *obj);

/**
 * Append a finding. The message is printf-formatted (one line; newlines become spaces).
 * @param evidence compact JSON object, copied, or NULL
 * @return 0, LD_ERROR without memory
 */
int ld_findings_add(ld_findings *out, const ld_finding_id *id, const char *evidence,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Append a copy of `f` (its strings copied, its fingerprint kept as it is): a finding
 *  read back from a report (merge). @return 0, or LD_ERROR without memory */
int ld_findings_add_copy(ld_findings *out, const ld_finding *f);

/** The fingerprint alone: first 32 hex digits of sha256 over rule\0account\0region\0
 *  function\0qualifier\0key. */
void ld_finding_fingerprint(char out[33], const ld_finding_id *id);

/** The id of a finding about `fn` (its rule's default severity): fn's account, else
 *  `account` (the inventory's), fn's region and name, and `qualifier` and `key` as given. */
ld_finding_id ld_finding_id_of(const ld_function *fn, const char *account, const char *rule,
			       const char *qualifier, const char *key);

/** Default severity of a rule slug from ld_rules[], LD_SEV_NONE when unknown. */
ld_severity ld_rule_severity(const char *slug);

#endif
