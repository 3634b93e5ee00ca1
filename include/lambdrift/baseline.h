/*
 * Baselines: findings a team has accepted, recorded by fingerprint with a reason and an
 * optional expiry date, so a scheduled scan reports only what is new or whose acceptance
 * ran out. ld_baseline_create() turns a JSON report into a baseline document,
 * ld_baseline_load() reads one back (strictly validated), and ld_baseline_apply() moves
 * the accepted findings out of a run's list, keeps those whose entry expired, and names
 * the entries that matched nothing (stale). An ld_baseline owns its entries; an
 * ld_baseline_result owns the findings it took out and borrows entries from the baseline,
 * which must outlive it. Both are released with their _dispose (zeroed input accepted).
 *
 * Matching is by fingerprint only: it hashes a finding's identity (rule, account, region,
 * function, qualifier, rule key), never its wording, so an entry survives a re-run, new
 * unrelated findings and a change of report format.
 */
#ifndef LAMBDRIFT_BASELINE_H
#define LAMBDRIFT_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "lambdrift/audit.h"
#include "lambdrift/buf.h"

#define LD_BASELINE_SCHEMA "lambdrift/baseline/v1"
/* The reason recorded when `baseline create` is given none. */
#define LD_BASELINE_DEFAULT_REASON "accepted without a stated reason"

typedef struct {
	char fingerprint[33]; /* 32 lowercase hex digits */
	char *rule;           /* what the finding was when accepted, for people; */
	char *function;       /* matching uses the fingerprint alone */
	char *region;
	char *qualifier;      /* may be NULL */
	char *message;        /* may be NULL */
	char *reason;         /* why it was accepted; never empty */
	char *expires;        /* YYYY-MM-DD from which the finding is reported again, or NULL */
	char *accepted;       /* YYYY-MM-DD the entry was recorded, or NULL */
} ld_baseline_entry;

typedef struct {
	char *path;               /* the file it was loaded from, for messages */
	ld_baseline_entry *items; /* in file order */
	size_t count;
} ld_baseline;

typedef struct {
	const char *reason;  /* NULL: LD_BASELINE_DEFAULT_REASON */
	const char *expires; /* YYYY-MM-DD after today, or NULL for no expiry */
	time_t now;          /* today (0: the current time); dates the new entries */
} ld_baseline_create_opts;

/**
 * Build a baseline document (LD_BASELINE_SCHEMA, pretty JSON and a newline) from a JSON
 * report (lambdrift/report/v1): one entry per finding, with opts' reason and expiry, sorted
 * by rule, region, function and qualifier; *nentries (when not NULL) receives their count. Entries
 * the report shows as suppressed by an earlier baseline are carried over with their own
 * reason and expiry, so re-creating a baseline from a baselined run loses nothing.
 * @return 0; LD_EUSAGE for an unreadable or non-report file or a bad reason or date
 *         (message names the file and the JSON path); LD_ERROR without memory
 */
int ld_baseline_create(ld_buf *out, size_t *nentries, const char *report_path,
		       const ld_baseline_create_opts *opts);

/**
 * Load and validate a baseline file.
 * @return 0; LD_EUSAGE naming the file and JSON path of the first problem (unknown key,
 *         bad fingerprint or date, duplicate fingerprint); LD_ERROR without memory
 */
int ld_baseline_load(ld_baseline *out, const char *path);
void ld_baseline_dispose(ld_baseline *b);

/* What the run could have found, so entries it could not have matched are not stale. */
typedef struct {
	const char *command;               /* "scan" or "verify": which rules ran */
	const char *const *regions;        /* regions covered; none means all */
	size_t nregions;
	const char *const *function_globs; /* --function globs; none means all functions */
	size_t nglobs;
	bool complete;                     /* false: data is missing, nothing is called stale */
	time_t now;                        /* today, for expiry (0: the current time) */
	unsigned checks;                   /* LD_CHECKS_*: what else ran (the attestation rules,
					      the dependency checks) */
	const ld_rule_selection *rules;    /* --rule/--skip-rule: rules left out did not run;
					      NULL: every rule */
} ld_baseline_scope;

typedef struct {
	const char *path;                        /* the baseline's file (borrowed) */
	ld_findings suppressed;                  /* accepted findings, taken out of the run */
	const ld_baseline_entry **suppressed_by; /* entry of each suppressed finding */
	const ld_baseline_entry **expired;       /* entries past their date whose finding */
	size_t nexpired;                         /*   stays in the run */
	const ld_baseline_entry **stale;         /* entries in scope that matched nothing */
	size_t nstale;
	bool stale_known;                        /* false when the run was incomplete */
} ld_baseline_result;

/**
 * Apply a baseline to a run's findings: a finding whose fingerprint has an unexpired entry
 * moves to res->suppressed (the order of both lists is kept); one whose entry expired stays
 * and its entry is listed in res->expired; entries that match nothing and lie within
 * `scope` are listed in res->stale.
 * @return 0, or LD_ERROR without memory (findings are then unchanged)
 */
int ld_baseline_apply(ld_baseline_result *res, ld_findings *findings, const ld_baseline *b,
		      const ld_baseline_scope *scope);

/** The expired entry that let the finding with this fingerprint through, or NULL. */
const ld_baseline_entry *ld_baseline_expired_for(const ld_baseline_result *res,
						 const char *fingerprint);

void ld_baseline_result_dispose(ld_baseline_result *res);

#endif
