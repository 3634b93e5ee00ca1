/*
 * Private to src/report/: what the report writers share with the baseline module. Which
 * rules a command runs (JUnit lists a check per rule; a baseline entry of a rule the
 * command never runs cannot be stale), and an entry as a JSON object for the JSON report.
 */
#ifndef LD_REPORT_BASELINE_H
#define LD_REPORT_BASELINE_H

#include <stdbool.h>

#include "lambdrift/baseline.h"
#include "lambdrift/report.h"
#include "util/json.h"

/** True when `command` ("scan", "verify"; NULL or unknown: every rule) runs rule `slug`,
 *  given `checks` (LD_CHECKS_*): the attestation rules only in a scan held to release
 *  records, the dependency rules only where the dependency checks ran. */
bool ld_report__rule_runs(const char *command, const char *slug, unsigned checks);
/** The checks `r` ran (LD_CHECKS_*): its own and, with attestations, the attestation rules. */
unsigned ld_report__checks(const ld_report *r);

/** A baseline entry as a JSON object (fingerprint, rule, function, region, qualifier,
 *  message, reason, expires, accepted); NULL without memory. */
ld_json *ld_report__entry_json(const ld_baseline_entry *e);

#endif
