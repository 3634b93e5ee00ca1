/*
 * The real clock and sleep behind retry.h, the ones a retry policy's seams stand in for.
 */
#include <errno.h>
#include <time.h>

#include "aws/retry.h"

int64_t ld_aws_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ld_aws_sleep_ms(long ms)
{
	struct timespec ts;
	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
