/*
 * The client-side rate limiter of one account-region: a token bucket per quota class, shared
 * by every request in flight there (several threads), set just under Lambda's published
 * quotas so a scan is not throttled in the first place, and slowing further when it is
 * anyway (AIMD: the rate is cut on a throttled response and creeps back to the ceiling while
 * none comes). Requests of a listing that others wait on (the ListFunctions marker chain) ask
 * with priority: the bucket keeps one token for them, so a serial chain is never queued
 * behind the parallel work of its own region. A limiter is caller-owned:
 * ld_rate_limiter_init() fills it, ld_rate_limiter_dispose() releases it (zeroed accepted).
 * Thread-safe once initialised.
 */
#ifndef LD_AWS_RATELIMIT_H
#define LD_AWS_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws/retry.h"

/* Tokens a bucket holds at most: a short burst, far under the service's own, and never
 * more than a second's worth of the bucket's ceiling (at least one token): Lambda's bucket
 * holds a second's worth of its quota, so under 3 req/s a fixed burst of 3 would outrun it
 * after every quiet spell and be throttled. */
#define LD_BUCKET_CAPACITY 3.0
/* After a throttled response: the rate is multiplied by this ... */
#define LD_BUCKET_DECREASE 0.7
/* ... never below this many requests per second, or a quarter of the ceiling when that is
 * less (a floor above the ceiling would speed a throttled client up) ... */
#define LD_BUCKET_FLOOR 1.0
#define LD_BUCKET_FLOOR_SHARE 0.25
/* ... cut at most once per this many ms (requests in flight together are throttled
 * together), and regrows by LD_BUCKET_INCREASE requests per second, each second. */
#define LD_BUCKET_CUT_WINDOW_MS 1000
#define LD_BUCKET_INCREASE 0.5

typedef struct {
	double ceiling;       /* configured requests per second; 0 = unpaced */
	double rate;          /* current rate (<= ceiling) */
	double capacity;      /* tokens held at most (LD_BUCKET_CAPACITY or less) */
	double tokens;
	int64_t refilled_ms;  /* when tokens were last brought up to date */
	int64_t hold_until;   /* after a throttle: no request before this */
	int64_t cut_ms;       /* when the rate was last cut; 0 = never */
} ld_bucket;

typedef struct ld_rate_limiter {
	pthread_mutex_t lock;
	bool initialised;
	ld_bucket buckets[LD_QUOTA_COUNT];
	unsigned long throttled; /* throttled responses reported */
	/* clock and sleep seams (NULL: the monotonic clock, nanosleep) */
	int64_t (*now_ms)(void *ctx);
	void (*sleep_ms)(void *ctx, long ms);
	void *ctx;
} ld_rate_limiter;

/**
 * Set up a limiter with `rate[q]` requests per second per quota class (0: unpaced). The
 * seams of `seams` (may be NULL) replace the clock and sleep, for tests.
 * @return 0, or LD_ERROR when the lock cannot be created
 */
int ld_rate_limiter_init(ld_rate_limiter *l, const double rate[LD_QUOTA_COUNT],
			 const ld_retry_policy *seams);
void ld_rate_limiter_dispose(ld_rate_limiter *l);

/** Wait until a request of class `q` may be sent, and take its token. */
void ld_rate_limiter_acquire(ld_rate_limiter *l, ld_quota_class q, bool priority);

/** A request of class `q` was throttled anyway: cut the rate and hold every request of
 *  the class for `retry_after_ms` (at least one interval; capped at 30 s). */
void ld_rate_limiter_throttled(ld_rate_limiter *l, ld_quota_class q, long retry_after_ms);

/** The current rate of class `q` in requests per second (for tests and progress). */
double ld_rate_limiter_rate(ld_rate_limiter *l, ld_quota_class q);

#endif
