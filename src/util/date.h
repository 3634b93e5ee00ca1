/*
 * Calendar dates without time zones (private to the library): days since 1970-01-01 in the
 * proleptic Gregorian calendar, for runtime deadlines, baseline expiries, credential
 * expirations and STS timestamps. ld_date_parse() is public (lambdrift/date.h): the CLI
 * reads LAMBDRIFT_NOW and --expires with it.
 */
#ifndef LD_UTIL_DATE_H
#define LD_UTIL_DATE_H

#include <time.h>

#include "lambdrift/date.h"

/** Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil): no mktime(), no
 *  time zone. The date is not checked; callers do that. */
long ld_days_from_civil(long y, long m, long d);

/** The UTC calendar day of `t`, as days since 1970-01-01. */
long ld_date_of(time_t t);

#endif
