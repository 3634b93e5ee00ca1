/*
 * Calendar dates for the runtime lifecycle table (private to src/audit/): the table stores
 * YYYY-MM-DD strings, the rules compare them as days since 1970-01-01 (UTC).
 */
#ifndef LD_AUDIT_RUNTIMES_H
#define LD_AUDIT_RUNTIMES_H

#include <stdbool.h>
#include <time.h>

/** Parse a strict YYYY-MM-DD calendar date into days since 1970-01-01. */
bool ld_date_parse(const char *ymd, long *days);
/** The UTC calendar day of `t`, as days since 1970-01-01. */
long ld_date_of(time_t t);

#endif
