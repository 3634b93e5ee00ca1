/*
 * Rules: inventory (and, for verify, expectations) in, findings out. An ld_findings list
 * owns its findings and their strings; ld_findings_dispose() frees them. Rule slugs are
 * stable and documented (docs/rules.md); fingerprints are stable across runs and formats.
 */
#ifndef LAMBDRIFT_AUDIT_H
#define LAMBDRIFT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lambdrift/inventory.h"

typedef enum {
	LD_SEV_NONE = 0,
	LD_SEV_NOTE = 1,
	LD_SEV_WARNING = 2,
	LD_SEV_ERROR = 3
} ld_severity;

typedef struct {
	const char *rule;     /* static slug, e.g. "latest-drift" */
	ld_severity severity;
	char *function;
	char *region;
	char *qualifier;      /* "$LATEST", a version, an alias name, or NULL */
	char *message;        /* one line, no secrets */
	char *evidence;       /* compact JSON object, or NULL */
	unsigned spec_line;   /* verify: line of the function in the spec, 0 when none */
	char fingerprint[33]; /* 32 hex digits: sha256 of rule, account, region, function,
				 qualifier and a rule-specific key; stable across runs */
	char *account;        /* the function's account (12 digits), or NULL when unknown */
} ld_finding;

/* A function some rules could not judge for want of data (a problem line of the inventory
 * says why): the rules say nothing of it, and reports must not read that as a pass. */
typedef struct {
	uint64_t rules; /* bit i: ld_rules[i] (ld_rule_bit), only rules the run selected */
	char *account, *region, *function;
} ld_unchecked;

typedef struct {
	ld_finding *items;
	size_t count;
	size_t alloc;
	ld_unchecked *unchecked; /* ld_audit_scan's; sorted by ld_findings_sort, one per function */
	size_t nunchecked;
} ld_findings;

typedef struct {
	char *identifier;
	char *deprecation; /* YYYY-MM-DD or NULL when not published */
	char *block_create;
	char *block_update;
} ld_runtime;

typedef struct {
	ld_runtime *items;
	size_t count;
	char *source;      /* where the dates come from and as of when */
} ld_runtime_table;

/** Load the table compiled into lambdrift (from data/lambda-runtimes.tsv). */
int ld_runtime_table_default(ld_runtime_table *out);
/** Load a user TSV with the same columns. @return 0, or LD_EUSAGE naming the line */
int ld_runtime_table_load(ld_runtime_table *out, const char *path);
void ld_runtime_table_dispose(ld_runtime_table *t);
const ld_runtime *ld_runtime_find(const ld_runtime_table *t, const char *identifier);

/* Which rules a run runs (--rule, --skip-rule): shell globs (fnmatch) over rule slugs. A
 * rule runs when it matches one of `only` (or `only` is empty) and none of `skip`. The
 * patterns are borrowed. A NULL selection, or one without patterns, runs every rule. */
typedef struct {
	const char *const *only;
	size_t nonly;
	const char *const *skip;
	size_t nskip;
} ld_rule_selection;

/** Whether `sel` lets rule `slug` run. */
bool ld_rule_selected(const ld_rule_selection *sel, const char *slug);
/** Whether `sel` holds any pattern (then reports record it). */
bool ld_rule_selection_given(const ld_rule_selection *sel);
/** Check that every pattern matches some rule of ld_rules[], so a typo can never turn into
 *  a clean report. @return 0, or LD_EUSAGE naming the first pattern that matches none */
int ld_rule_selection_check(const ld_rule_selection *sel);
/** How many rules ld_rules[] holds. */
size_t ld_rule_count(void);
/** How many rules of ld_rules[] `sel` leaves out. */
size_t ld_rule_selection_skipped(const ld_rule_selection *sel);
/** Drop the findings of rules `sel` leaves out (the order of the others is kept). */
void ld_findings_select(ld_findings *f, const ld_rule_selection *sel);

typedef struct {
	const ld_runtime_table *runtimes;
	long horizon_days;  /* runtime-deprecating window; default 180 */
	time_t now;         /* "today" for runtime dates */
	long log_retention_min; /* log-retention: fewer days than this fire; 0 = only "forever" */
	const ld_rule_selection *rules; /* NULL: every rule */
} ld_audit_opts;

#define LD_AUDIT_OPTS_INIT { NULL, 180, 0, 0, NULL }

/** Run the scan rules: those ld_rules[] marks LD_RULE_RUNS_SCAN (the alias, version,
 *  trigger and runtime rules and the posture ones). A rule `opts` selects whose data `inv`
 *  lacks (an older snapshot without the IAM section or a function's resource policies, a
 *  record the collector left unchecked) says nothing of it and adds a problem line to `inv`
 *  naming the rules and functions, so the run is incomplete (exit 3), never clean. */
int ld_audit_scan(ld_findings *out, ld_inventory *inv, const ld_audit_opts *opts);

/** Sort findings: severity descending, then region, function, rule, qualifier. */
void ld_findings_sort(ld_findings *f);
void ld_findings_dispose(ld_findings *f);

const char *ld_severity_name(ld_severity s);
/** Parse "error" | "warning" | "note" | "none". @return LD_EUSAGE when unknown */
int ld_severity_parse(ld_severity *out, const char *s);

/* Which runs run a rule (ld_rule_info.runs): what JUnit lists a passing case for and what
 * makes a baseline entry stale when nothing matched it. Zero is no value, so a rule added
 * to ld_rules[] without saying where it runs fails the unit test that walks the table. */
typedef enum {
	LD_RULE_RUNS_SCAN = 1, /* every scan (ld_audit_scan), and verify, which runs the scan */
	LD_RULE_RUNS_VERIFY,   /* only verify: comparisons with the tag */
	LD_RULE_RUNS_ATTESTED, /* only a scan held to release records (scan --attestation) */
	LD_RULE_RUNS_DEPS,     /* where the dependency checks run: scan --deps, verify without
				  --no-deps */
	LD_RULE_RUNS_DEPS_VERIFY, /* verify's dependency checks (the tag's lockfile) */
	LD_RULE_RUNS_ADVISORIES   /* dependency checks given advisories (--osv, --osv-api) */
} ld_rule_runs;

/* What a run ran besides its command's own rules (ld_report.checks, ld_baseline_scope). */
enum {
	LD_CHECKS_ATTESTED = 1,  /* the attestation rules (scan --attestation) */
	LD_CHECKS_DEPS = 2,      /* the dependency checks (scan --deps, verify without --no-deps) */
	LD_CHECKS_ADVISORIES = 4 /* with advisories to hold them against (--osv, --osv-api) */
};

/** Rule catalogue: slug, default severity, one-line summary, where it runs.
 *  NULL-terminated. */
typedef struct {
	const char *slug;
	ld_severity severity;
	const char *summary;
	ld_rule_runs runs;
} ld_rule_info;
extern const ld_rule_info ld_rules[];
/** The entry of ld_rules[] for `slug`, or NULL (also for NULL). */
const ld_rule_info *ld_rule_find(const char *slug);
/* ld_rules[] fits the bits of ld_unchecked.rules (unit/test_baseline checks it). */
#define LD_RULES_MAX 64
/** The bit of ld_unchecked.rules for `slug`; 0 for a slug ld_rules[] does not know. */
uint64_t ld_rule_bit(const char *slug);

#endif
