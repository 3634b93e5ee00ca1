/*
 * What the scan rules could not judge for want of data (private to the library). A rule that
 * finds its input missing (a snapshot without the IAM section, a function without its
 * resource policy record, a role whose attached policy is not held) says nothing about it,
 * and nothing must then read as clean: it notes a gap here, and ld_audit_scan turns the
 * gaps into problem lines of the inventory (the run is incomplete, exit 3). Gaps are grouped
 * by the rules they leave unchecked, account, region and reason, one line each naming the
 * functions, so an old snapshot of a thousand functions says so in a few lines. Only rules
 * the run selects count: a gap in data only skipped rules read is no problem.
 */
#ifndef LD_AUDIT_GAPS_H
#define LD_AUDIT_GAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/inventory.h"

typedef struct {
	const char *const *rules; /* static, NULL-terminated: the slugs the missing data feeds */
	char *account, *region;   /* region NULL: account-wide data */
	char *reason;             /* what the inventory lacks and what to do about it */
	char **functions;
	size_t nfunctions;
} ld_gap;

typedef struct {
	const ld_rule_selection *rules; /* the run's selection (NULL: every rule) */
	const ld_inventory *inv;        /* for the problems already recorded */
	ld_findings *out;               /* where each unchecked function is noted */
	ld_gap *items;
	size_t count;
} ld_gaps;

/* The rule lists the missing data feeds. */
extern const char *const ld_gap_rules_role[];   /* role-overprivileged, logging-denied */
extern const char *const ld_gap_rules_logs[];   /* log-retention */
extern const char *const ld_gap_rules_access[]; /* url-public, policy-public,
						   concurrency-unbounded, trigger-unqualified */
extern const char *const ld_gap_rules_urls[];   /* url-public, trigger-unqualified */
extern const char *const ld_gap_rules_concurrency[]; /* concurrency-unbounded */
extern const char *const ld_gap_rules_env[];     /* env-plaintext-secret */
extern const char *const ld_gap_rules_signing[]; /* code-signing-unenforced,
						    code-signing-missing */

/**
 * Note that `rules` could not judge function `fn` (its account and region) for `reason`
 * (printf-formatted). Nothing is noted when the selection runs none of `rules`.
 * @return 0, or LD_ERROR without memory
 */
int ld_gaps_add(ld_gaps *g, const char *const *rules, const ld_function *fn,
		const char *account, bool regional, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/** Note only that `rules` could not judge `fn` (out->unchecked), without a problem line: for
 *  a record whose own reason the collector already wrote. ld_gaps_add notes it too.
 *  @return 0, or LD_ERROR without memory */
int ld_gaps_unchecked(ld_gaps *g, const char *const *rules, const ld_function *fn,
		      const char *account);

/** Whether a problem line of the inventory already carries `text` (a record's own reason,
 *  written by the collector with its problem line). */
bool ld_gaps_reported(const ld_gaps *g, const char *text);

/** Add one problem line per gap to `inv`, in the order first noted, and free the gaps.
 *  @return 0, or LD_ERROR without memory (the gaps are freed either way) */
int ld_gaps_report(ld_gaps *g, ld_inventory *inv);

/** Free the gaps without reporting them. */
void ld_gaps_dispose(ld_gaps *g);

#endif
