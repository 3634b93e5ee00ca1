/* The token bucket of an account-region (src/aws/ratelimit.c) under an injected clock: rate,
 * burst, the token kept for priority requests, the cut after a throttle and the regrowth,
 * and quotas under 3 req/s, where the burst and the floor must shrink with the ceiling. */
#include <stdbool.h>
#include <stdint.h>

#include "aws/ratelimit.h"
#include "harness.h"

static int64_t fake_now;

static int64_t clock_now(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void clock_sleep(void *ctx, long ms)
{
	(void)ctx;
	fake_now += ms;
}

static ld_retry_policy clock_seams(void)
{
	ld_retry_policy p = LD_RETRY_POLICY_INIT;
	p.now_ms = clock_now;
	p.sleep_ms = clock_sleep;
	fake_now = 5000000;
	return p;
}

static void test_ratelimit__rate_is_respected(void)
{
	ld_retry_policy seams = clock_seams();
	double rate[LD_QUOTA_COUNT] = { 10.0, 100.0, 0.0 };
	ld_rate_limiter l;
	int64_t start = fake_now, stamps[200];

	LD_REQUIRE(ld_rate_limiter_init(&l, rate, &seams) == 0);
	for (int i = 0; i < 200; i++) {
		ld_rate_limiter_acquire(&l, LD_QUOTA_CONTROL, false);
		stamps[i] = fake_now;
	}
	/* a burst of two (one token stays for priority), then one each 100 ms */
	LD_CHECK_INT(stamps[1] - start, 0);
	LD_CHECK(stamps[199] - start >= 19700 && stamps[199] - start <= 19900);
	/* never more than rate x window + the burst in any window */
	for (int i = 0; i + 12 < 200; i++)
		LD_CHECK(stamps[i + 12] - stamps[i] >= 1000);
	/* a priority request takes the kept token at once */
	start = fake_now;
	ld_rate_limiter_acquire(&l, LD_QUOTA_CONTROL, true);
	LD_CHECK(fake_now - start <= 100);
	/* the unpaced class never waits */
	start = fake_now;
	for (int i = 0; i < 1000; i++)
		ld_rate_limiter_acquire(&l, LD_QUOTA_STS, false);
	LD_CHECK_INT(fake_now - start, 0);
	ld_rate_limiter_dispose(&l);
}

static void test_ratelimit__throttle_cuts_then_regrows(void)
{
	ld_retry_policy seams = clock_seams();
	double rate[LD_QUOTA_COUNT] = { 14.5, 95.0, 0.0 };
	ld_rate_limiter l;
	int64_t start;

	LD_REQUIRE(ld_rate_limiter_init(&l, rate, &seams) == 0);
	ld_rate_limiter_throttled(&l, LD_QUOTA_CONTROL, 2000);
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) < 14.5 * 0.71);
	/* requests in flight together are throttled together: one cut per window */
	ld_rate_limiter_throttled(&l, LD_QUOTA_CONTROL, 0);
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) > 14.5 * 0.69);
	/* Retry-After holds every request of the class */
	start = fake_now;
	ld_rate_limiter_acquire(&l, LD_QUOTA_CONTROL, true);
	LD_CHECK(fake_now - start >= 2000);
	/* the other class is not slowed */
	start = fake_now;
	ld_rate_limiter_acquire(&l, LD_QUOTA_GET_FUNCTION, false);
	LD_CHECK_INT(fake_now - start, 0);
	/* 30 s without a throttle: back at the ceiling */
	fake_now += 30000;
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) > 14.49);
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) <= 14.5);
	ld_rate_limiter_dispose(&l);
}

/* The service's side, as Lambda (and bench/quota_proxy.py) keep it: a bucket of a second's
 * worth of the quota (at least one token), full at the start. */
typedef struct {
	double quota, tokens;
	int64_t stamp;
} service_bucket;

static bool service_admits(service_bucket *s, int64_t now)
{
	double cap = s->quota > 1.0 ? s->quota : 1.0;

	s->tokens += s->quota * (double)(now - s->stamp) / 1000.0;
	if (s->tokens > cap)
		s->tokens = cap;
	s->stamp = now;
	if (s->tokens < 1.0)
		return false;
	s->tokens -= 1.0;
	return true;
}

static void test_ratelimit__never_outruns_a_low_quota(void)
{
	/* the client told just under the quota, as the bench and a careful user tell it */
	const double quotas[] = { 0.5, 0.75, 1.5, 2.5, 3.0, 15.0 };

	for (size_t k = 0; k < sizeof(quotas) / sizeof(quotas[0]); k++) {
		ld_retry_policy seams = clock_seams();
		double rate[LD_QUOTA_COUNT] = { quotas[k] * 0.97 };
		service_bucket service = { quotas[k], quotas[k] > 1.0 ? quotas[k] : 1.0, fake_now };
		ld_rate_limiter l;
		int refused = 0;
		int64_t busy = 0;

		LD_REQUIRE(ld_rate_limiter_init(&l, rate, &seams) == 0);
		for (int i = 0; i < 60; i++) {
			int64_t before;
			/* a quiet spell now and then refills both buckets to their bursts */
			if (i % 20 == 0)
				fake_now += 10000;
			before = fake_now;
			ld_rate_limiter_acquire(&l, LD_QUOTA_CONTROL, i % 3 == 0);
			busy += fake_now - before;
			refused += !service_admits(&service, fake_now);
		}
		LD_CHECK_INT(refused, 0);
		/* and it keeps the pace: the 57 requests after the bursts take 57 intervals at
		 * most (requests without priority are not starved by the kept token) */
		LD_CHECK(busy <= (int64_t)(57 * 1000.0 / rate[0]) + 60);
		ld_rate_limiter_dispose(&l);
	}
}

static void test_ratelimit__throttle_under_a_low_ceiling_slows_it(void)
{
	ld_retry_policy seams = clock_seams();
	double rate[LD_QUOTA_COUNT] = { 0.5 };
	ld_rate_limiter l;

	LD_REQUIRE(ld_rate_limiter_init(&l, rate, &seams) == 0);
	for (int i = 0; i < 5; i++) {
		ld_rate_limiter_throttled(&l, LD_QUOTA_CONTROL, 1000);
		/* cut, never raised to a floor above the ceiling */
		LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) < 0.5 * 0.71);
		fake_now += 1000;
	}
	/* the floor under a low ceiling: a quarter of it */
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) >= 0.125);
	/* and back at the ceiling, not above, once the throttles stop */
	fake_now += 30000;
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) > 0.49);
	LD_CHECK(ld_rate_limiter_rate(&l, LD_QUOTA_CONTROL) <= 0.5);
	ld_rate_limiter_dispose(&l);
}

const ld_test ld_tests[] = {
	LD_TEST(test_ratelimit__rate_is_respected),
	LD_TEST(test_ratelimit__throttle_cuts_then_regrows),
	LD_TEST(test_ratelimit__never_outruns_a_low_quota),
	LD_TEST(test_ratelimit__throttle_under_a_low_ceiling_slows_it),
	{ NULL, NULL }
};
