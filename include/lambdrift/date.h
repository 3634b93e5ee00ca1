/*
 * Calendar dates as the command line gives them (LAMBDRIFT_NOW, --expires): strict
 * YYYY-MM-DD, counted in days since 1970-01-01. Nothing here allocates.
 */
#ifndef LAMBDRIFT_DATE_H
#define LAMBDRIFT_DATE_H

#include <stdbool.h>

/** Parse a strict YYYY-MM-DD calendar date (real dates only, leap years checked) into days
 *  since 1970-01-01. @return false when it is not one */
bool ld_date_parse(const char *ymd, long *days);

#endif
