/*
 * Private to src/report/: the per-format writers behind ld_report_write() and the small
 * helpers they share (finding.c). Each writer renders the whole document into `out` (a
 * capped ld_buf), so a failure anywhere leaves nothing half-written on the caller's FILE.
 */
#ifndef LD_REPORT_REPORT_H
#define LD_REPORT_REPORT_H

#include <stdio.h>

#include "lambdrift/buf.h"
#include "lambdrift/report.h"
#include "util/json.h"

/* Findings per severity; index with ld_severity (LD_SEV_NOTE .. LD_SEV_ERROR). */
typedef struct {
	size_t by_sev[LD_SEV_ERROR + 1];
} ld_report__counts;

void ld_report__count(ld_report__counts *c, const ld_findings *f);
/** Total API calls: every quota class (throttled responses and retries are counted inside). */
unsigned long ld_report__total_calls(const ld_api_calls *c);
/** "error", "warning", "note" (or "none"); never NULL. */
const char *ld_report__sev_name(ld_severity s);

/** The rule selection of a run as reports record it (run.rules): {"rule": [patterns],
 *  "skip_rule": [patterns], "skipped": [slugs of ld_rules[] left out]}; NULL without
 *  memory. */
ld_json *ld_report__rules_json(const ld_rule_selection *sel);

int ld_report__json(ld_buf *out, const ld_report *r);
/** The JSON report's "run" object (command, tag, started, accounts, regions, complete,
 *  problems, notes, api_calls, runtime_table), added to `root`; shared with the deps list.
 *  @return 0 or LD_ERROR */
int ld_report__json_run(ld_json *root, const ld_report *r);
/** As ld_report__json; with `spill` set, finished parts of a large document are written to
 *  it as `out` fills, and `out` holds only the rest when it returns. */
int ld_report__json_to(ld_buf *out, const ld_report *r, FILE *spill);
int ld_report__text(ld_buf *out, const ld_report *r);
/** As ld_report__text; with `spill` set, finished findings go to it as `out` fills, as
 *  ld_report__json_to does. */
int ld_report__text_to(ld_buf *out, const ld_report *r, FILE *spill);

/** Read and parse a JSON file of at most `cap` bytes (baseline.c); a missing, oversized or
 *  malformed file is LD_EUSAGE naming the path and `what`. @return 0 or an LD_E* error */
int ld_report__read_json(ld_json **root, const char *path, size_t cap, const char *what);

/** A merged report's function `i` as its shard reported it, printed as a report prints a
 *  value at the top level (merge.c); `*text` is the store's until the next call.
 *  @return 0, LD_ERROR (the temporary file cannot be read) */
int ld_report__merged_function(const char **text, const struct ld_merge_store *store,
				size_t i);

#endif
