/*
 * Calendar dates (util/date.h): one days-from-civil conversion for every date lambdrift
 * reads, and the strict YYYY-MM-DD parser of runtime dates, baseline expiries and
 * LAMBDRIFT_NOW.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"

long ld_days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool ld_date_parse(const char *ymd, long *days)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long y, m, d;

	if (!ymd || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-' || !digits(ymd, 4) ||
	    !digits(ymd + 5, 2) || !digits(ymd + 8, 2))
		return false;
	y = strtol(ymd, NULL, 10);
	m = strtol(ymd + 5, NULL, 10);
	d = strtol(ymd + 8, NULL, 10);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*days = ld_days_from_civil(y, m, d);
	return true;
}

long ld_date_of(time_t t)
{
	long long s = (long long)t;
	long long day = s / 86400;
	if (s % 86400 < 0)
		day--;
	return (long)day;
}
