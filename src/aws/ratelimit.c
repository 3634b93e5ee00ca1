/*
 * The shared token buckets behind ratelimit.h. Waiting is a sleep outside the lock for as
 * long as the missing tokens take to refill, then a fresh look: no reservation is made while
 * asleep, so a priority request arriving later still goes first. A request without priority
 * takes a token only while another stays in the bucket for the priority ones; in steady state
 * that costs nothing, since the bucket refills at the same rate either way. A bucket of fewer
 * than two tokens (a ceiling under 2 req/s) has none to keep: there priority requests queue
 * with the others, which at such a rate costs the marker chain a few intervals at most.
 */
#include <string.h>

#include "aws/ratelimit.h"
#include "lambdrift/errors.h"

#define RETRY_AFTER_CAP_MS 30000L

static int64_t now_of(const ld_rate_limiter *l)
{
	return l->now_ms ? l->now_ms(l->ctx) : ld_aws_now_ms();
}

static void nap(const ld_rate_limiter *l, long ms)
{
	if (ms <= 0)
		return;
	if (l->sleep_ms) {
		l->sleep_ms(l->ctx, ms);
		return;
	}
	ld_aws_sleep_ms(ms);
}

/* A second's worth of the ceiling, within [1, LD_BUCKET_CAPACITY]. */
static double capacity_of(double ceiling)
{
	if (ceiling > LD_BUCKET_CAPACITY)
		return LD_BUCKET_CAPACITY;
	return ceiling > 1.0 ? ceiling : 1.0;
}

/* The rate a throttle cuts down to at most: LD_BUCKET_FLOOR, or less under a low ceiling. */
static double floor_of(const ld_bucket *b)
{
	double share = b->ceiling * LD_BUCKET_FLOOR_SHARE;

	return share < LD_BUCKET_FLOOR ? share : LD_BUCKET_FLOOR;
}

int ld_rate_limiter_init(ld_rate_limiter *l, const double rate[LD_QUOTA_COUNT],
			 const ld_retry_policy *seams)
{
	int64_t now;

	memset(l, 0, sizeof(*l));
	if (seams) {
		l->now_ms = seams->now_ms;
		l->sleep_ms = seams->sleep_ms;
		l->ctx = seams->ctx;
	}
	if (pthread_mutex_init(&l->lock, NULL) != 0)
		return ld_error_set(LD_ERR_OS, "cannot create a lock for the rate limiter");
	l->initialised = true;
	now = now_of(l);
	for (int q = 0; q < LD_QUOTA_COUNT; q++) {
		ld_bucket *b = &l->buckets[q];
		b->ceiling = rate[q] > 0 ? rate[q] : 0;
		b->rate = b->ceiling;
		b->capacity = capacity_of(b->ceiling);
		b->tokens = b->capacity;
		b->refilled_ms = now;
	}
	return 0;
}

void ld_rate_limiter_dispose(ld_rate_limiter *l)
{
	if (!l || !l->initialised)
		return;
	pthread_mutex_destroy(&l->lock);
	memset(l, 0, sizeof(*l));
}

/* Bring tokens and the regrowing rate up to `now`. */
static void refill(ld_bucket *b, int64_t now)
{
	double dt = (double)(now - b->refilled_ms) / 1000.0;

	if (dt <= 0)
		return;
	if (b->rate < b->ceiling) {
		b->rate += LD_BUCKET_INCREASE * dt;
		if (b->rate > b->ceiling)
			b->rate = b->ceiling;
	}
	if (now >= b->hold_until) {
		int64_t from = b->refilled_ms > b->hold_until ? b->refilled_ms : b->hold_until;
		b->tokens += b->rate * (double)(now - from) / 1000.0;
		if (b->tokens > b->capacity)
			b->tokens = b->capacity;
	}
	b->refilled_ms = now;
}

/* Milliseconds until `need` tokens are there (0: now). */
static long wait_for(const ld_bucket *b, int64_t now, double need)
{
	double ms;

	if (now < b->hold_until)
		return (long)(b->hold_until - now) + (long)(need * 1000.0 / b->rate);
	if (b->tokens >= need)
		return 0;
	ms = (need - b->tokens) * 1000.0 / b->rate;
	return (long)ms + 1;
}

void ld_rate_limiter_acquire(ld_rate_limiter *l, ld_quota_class q, bool priority)
{
	ld_bucket *b;
	long wait;

	if (!l || !l->initialised)
		return;
	b = &l->buckets[q];
	pthread_mutex_lock(&l->lock);
	if (b->ceiling <= 0) {
		pthread_mutex_unlock(&l->lock);
		return;
	}
	for (;;) {
		int64_t now = now_of(l);
		/* one token stays in the bucket for the next priority request, when it holds two */
		double need = priority || b->capacity < 2.0 ? 1.0 : 2.0;
		refill(b, now);
		if (!(wait = wait_for(b, now, need)))
			break;
		pthread_mutex_unlock(&l->lock);
		nap(l, wait);
		pthread_mutex_lock(&l->lock);
	}
	b->tokens -= 1.0;
	pthread_mutex_unlock(&l->lock);
}

void ld_rate_limiter_throttled(ld_rate_limiter *l, ld_quota_class q, long retry_after_ms)
{
	ld_bucket *b;
	int64_t now, hold;

	if (!l || !l->initialised)
		return;
	b = &l->buckets[q];
	pthread_mutex_lock(&l->lock);
	l->throttled++;
	if (b->ceiling <= 0)
		goto done;
	now = now_of(l);
	refill(b, now);
	if (!b->cut_ms || now - b->cut_ms >= LD_BUCKET_CUT_WINDOW_MS) {
		b->rate *= LD_BUCKET_DECREASE;
		if (b->rate < floor_of(b))
			b->rate = floor_of(b);
		b->cut_ms = now;
	}
	if (retry_after_ms > RETRY_AFTER_CAP_MS)
		retry_after_ms = RETRY_AFTER_CAP_MS;
	if (retry_after_ms < (long)(1000.0 / b->rate))
		retry_after_ms = (long)(1000.0 / b->rate);
	hold = now + retry_after_ms;
	if (hold > b->hold_until)
		b->hold_until = hold;
	b->tokens = 0;
done:
	pthread_mutex_unlock(&l->lock);
}

double ld_rate_limiter_rate(ld_rate_limiter *l, ld_quota_class q)
{
	double r;

	if (!l || !l->initialised)
		return 0;
	pthread_mutex_lock(&l->lock);
	refill(&l->buckets[q], now_of(l));
	r = l->buckets[q].rate;
	pthread_mutex_unlock(&l->lock);
	return r;
}
