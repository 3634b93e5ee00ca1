/*
 * What every AWS request runs under (private to the library): Lambda's quota classes, the
 * retry policy (attempts, backoff bases and caps, the per-class rates the pacing keeps
 * under) and the real monotonic clock and sleep that the policy's seams replace in tests.
 * The client (client.c) and the shared token buckets (ratelimit.c) both build on this, so
 * neither needs the other's header for it. Plain values: nothing here is owned.
 */
#ifndef LD_AWS_RETRY_H
#define LD_AWS_RETRY_H

#include <stdint.h>

/* Lambda's quota classes (docs/ARCHITECTURE.md, "Collect: the quota model"): every request
 * is counted and paced in one. */
typedef enum {
	LD_QUOTA_CONTROL = 0,  /* the shared 15 req/s class: List*, GetAlias, ... */
	LD_QUOTA_GET_FUNCTION, /* 100 req/s */
	LD_QUOTA_STS,
	LD_QUOTA_KMS,          /* not Lambda's: release records' Sign and GetPublicKey */
	LD_QUOTA_GET_POLICY,   /* 15 req/s, apart from the control class */
	LD_QUOTA_IAM,          /* not Lambda's: IAM reads of execution roles (global endpoint) */
	LD_QUOTA_LOGS,         /* not Lambda's: CloudWatch Logs DescribeLogGroups, 5 req/s */
	LD_QUOTA_ORGANIZATIONS, /* not Lambda's: --accounts org's ListAccounts pages */
	LD_QUOTA_COUNT
} ld_quota_class;

typedef struct {
	int max_attempts;          /* including the first; 0 = 5 */
	long throttle_base_ms;     /* backoff base after a 429 / throttling error: 1000 */
	long transient_base_ms;    /* backoff base after 5xx / transport failure: 200 */
	long cap_ms;               /* most one backoff may reach: 20000 */
	long retry_after_cap_ms;   /* Retry-After is honoured as a floor up to this: 30000 */
	long request_timeout_ms;   /* one attempt: 30000 (less when the deadline is closer) */
	double rate[LD_QUOTA_COUNT]; /* requests per second allowed per class; 0 = unpaced */
	/* Test seams, NULL for the real clock / sleep / randomness. */
	void (*sleep_ms)(void *ctx, long ms);
	int64_t (*now_ms)(void *ctx);        /* monotonic milliseconds */
	double (*random01)(void *ctx);       /* uniform in [0, 1) */
	void *ctx;
} ld_retry_policy;

/* Just under Lambda's quotas (15/s control, 100/s GetFunction), so a scan is not throttled. */
#define LD_RATE_CONTROL_DEFAULT 14.5
#define LD_RATE_GET_FUNCTION_DEFAULT 95.0
#define LD_RATE_GET_POLICY_DEFAULT 14.5
#define LD_RETRY_POLICY_INIT { 0, 1000, 200, 20000, 30000, 30000, \
			       { LD_RATE_CONTROL_DEFAULT, LD_RATE_GET_FUNCTION_DEFAULT, 0.0, 0.0, \
				 LD_RATE_GET_POLICY_DEFAULT }, \
			       NULL, NULL, NULL, NULL }

/** Monotonic milliseconds, for deadlines. */
int64_t ld_aws_now_ms(void);

/** Sleep `ms` milliseconds on the real clock (nothing for ms <= 0), resumed after signals. */
void ld_aws_sleep_ms(long ms);

#endif
