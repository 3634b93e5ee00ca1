/*
 * Merging the JSON reports of a sharded scan (`lambdrift merge`): each shard scanned some
 * of the accounts and wrote a "lambdrift/report/v1" document; the merge is the report one
 * unsharded run would have written: functions sorted as the inventory sorts them, findings
 * with their own fingerprints (sorted by the caller, as a run sorts them), accounts and
 * regions combined, problems and notes carried over in shard order (run.shard's index, or
 * the accounts of reports without one; never the order they were given in), API calls
 * added up. The run is
 * complete only when every shard was: a shard that is incomplete, or that never reported
 * (--expect-shards), makes it incomplete, with a line naming the shard.
 *
 * Memory: functions are kept light (name, region, account, ARN; no versions; strings
 * interned), and their full JSON as the shard wrote it goes to a temporary file the JSON
 * report copies back one function at a time; the shard documents are read one at a time. An ld_merged owns
 * everything under it; ld_merged_dispose() frees it.
 */
#ifndef LAMBDRIFT_MERGE_H
#define LAMBDRIFT_MERGE_H

#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/inventory.h"

struct ld_merge_store; /* the functions' JSON text; private */

typedef struct {
	ld_inventory inv;          /* light functions; accounts, regions, problems, notes, calls */
	ld_findings findings;      /* unsorted */
	char started[32];          /* the earliest run.started of the shards */
	char *runtime_table;       /* run.runtime_table of the shards (all the same), or NULL */
	long log_retention_min;    /* run.log_retention_min of the shards (all the same), or 0 */
	unsigned checks;           /* run.checks of the shards (all the same), LD_CHECKS_* */
	char *rules_text;          /* run.rules of the shards (all the same) as canonical JSON,
				      or NULL when every rule ran */
	ld_rule_selection rules;   /* that selection, over the two lists below */
	char **rule_only, **rule_skip;
	char **shard_lines;        /* "shard 2/4 (b.json) is incomplete", "shard 3/4 did not
				      report": what makes the merge incomplete, for stderr */
	size_t nshard_lines;
	struct ld_merge_store *store;
} ld_merged;

/**
 * Read the shard reports at `paths` and merge them into `m` (zeroed or not; it is
 * initialised here, dispose it whatever the result).
 * @param expect_shards the number of shards the run had, 0 when unknown: shards that did
 *        not report are then missing data
 * @return 0; LD_EUSAGE naming the file for an unreadable report, one of another schema,
 *         tool version or command, one written with --baseline, a shard given twice, or
 *         shards that overlap (the same function in two reports), or shards that ran
 *         different rules (run.rules) or checks (run.checks)
 */
int ld_merge_reports(ld_merged *m, const char *const *paths, size_t n, size_t expect_shards);
void ld_merged_dispose(ld_merged *m);

#endif
