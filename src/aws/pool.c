/*
 * ld_collect_targets and ld_collect (include/lambdrift/aws.h): a pool of threads over
 * account-regions. Each target has a few request slots (a transport and a client each, so
 * connections are reused within the target) and queues of work: the next ListFunctions
 * page (first: the marker chain bounds the region), ListAliases of each function as it is
 * discovered, the next ListEventSourceMappings page (control class), and GetPolicy, its own
 * quota class (policy.c): of each function as soon as it is listed, of each alias once
 * ListAliases answered, lowest function first so records are finished in order. Half the
 * slots are kept for GetPolicy and half for the control class while both have work, so
 * neither bucket waits behind the other's requests; and while few GetPolicy calls are
 * queued, ListAliases asks the limiter with the chain's priority, since its answers are what
 * GetPolicy waits for. Workers take work round-robin across
 * targets, at most one per free slot, so every account-region is busy at once while its
 * token buckets, not the pool, set its pace. Results are kept per target and merged in the
 * targets' order, then sorted, so the inventory is the same whatever the timing; ld_collect
 * is the same machinery with one target and one slot on the session's own transport.
 * Lock order: the pool's, then a target's, then a session's; never the other way.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/client.h"
#include "aws/pool.h"
#include "aws/session.h"
#include "http/http.h"
#include "inventory/build.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"
#include "util/array.h"

#define DEFAULT_INFLIGHT 4
#define MAX_INFLIGHT 16
/* Threads by default: one per request slot of every target, up to this. A slot's thread
 * sleeps in the token bucket between its requests, so fewer threads than slots leave
 * targets unstarted while the started ones sleep (64 over 36 account-regions x 4 slots:
 * 12 of them started only when others had finished, 2.1 x the bound) */
#define MAX_WORKERS 256
#define WORKER_STACK ((size_t)512 * 1024)
/* While fewer GetPolicy calls than this per GetPolicy slot are queued, ListAliases (which
 * makes more of them) goes with priority */
#define FEED_PER_SLOT 2

typedef struct {
	ld_transport *transport; /* owned, unless it is the session's */
	bool own_transport;
	ld_aws_client client;
	bool ready, busy;
	ld_api_calls calls;      /* counted since the last page */
} slot;

/* Where a target failed, in the order its problem line names the failures: both list calls
 * may fail in one run (an unreachable endpoint), and the line must name each, the same
 * whatever finished first. */
typedef enum { FAIL_OTHER, FAIL_FUNCTIONS, FAIL_TRIGGERS, NFAIL } fail_at;

/* GetPolicy answer k of function fn (policy.c: 0 the function's, 1 + i alias i's) */
typedef struct {
	size_t fn, k;
} ask;

typedef struct {
	ld_target_run run;
	slot *slots;
	int nslots, inflight;
	bool finished;
	bool functions_pending, triggers_pending;
	bool names_pending;      /* the next page of ListFunctions by name (init_target) */
	size_t *aliases;         /* functions waiting for ListAliases, in discovery order */
	size_t nqueued, head;
	bool policies;           /* resource policies are read (ld_collect_opts.no_policies) */
	ask *asks;               /* GetPolicy calls waiting: a heap, lowest (fn, k) first */
	size_t nasks;
	int control_inflight, policy_inflight;
	bool stop_all, stop_aliases, stop_policies;
	size_t aliases_skipped;
	int error, error_at;
	ld_error_class klass;
	char message[NFAIL][sizeof(((ld_error *)0)->message)]; /* by fail_at; "" when none */
	char error_type[128];
} target;

typedef enum { JOB_FUNCTIONS, JOB_NAMES, JOB_ALIASES, JOB_POLICY, JOB_TRIGGERS } job_kind;

typedef struct {
	target *t;
	slot *s;
	job_kind kind;
	size_t fn, k;            /* JOB_ALIASES, JOB_POLICY: the function; JOB_POLICY: answer k */
	bool feed;               /* JOB_ALIASES with the limiter's priority */
	size_t nasks;            /* JOB_ALIASES: GetPolicy calls of its aliases to queue */
	int policy_rc;           /* JOB_ALIASES: how building the function's record went */
	int rc;
	ld_error_class klass;
	char message[sizeof(((ld_error *)0)->message)];
	char error_type[128];
	size_t *fresh;
	size_t nfresh;
} job;

typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	target *targets;            /* state of each target, made when it starts */
	ld_collect_target *specs;      /* the caller's targets, in order */
	size_t ntargets, rr;
	size_t *active, nactive;    /* indices of started, unfinished targets */
	size_t max_active, next_start;
	const uint8_t *key;
	int running;
	ld_collect_status status;
	const ld_collect_pool_opts *opts;
	const ld_collect_seams *seams;
} pool;

/* --- results of a target -------------------------------------------------------------- */

static void set_error_at(target *t, fail_at at, int rc, ld_error_class klass,
			 const char *message, const char *type)
{
	if (!t->message[at][0])
		snprintf(t->message[at], sizeof(t->message[at]), "%s", message);
	/* the earliest place in fail_at order, not the first failure in time, sets how the
	 * target ended: the same on every run */
	if (t->error && t->error_at <= (int)at)
		return;
	t->error = rc;
	t->error_at = (int)at;
	t->klass = klass;
	snprintf(t->error_type, sizeof(t->error_type), "%s", type);
}

static void set_error(target *t, int rc, ld_error_class klass, const char *message,
		      const char *type)
{
	set_error_at(t, FAIL_OTHER, rc, klass, message, type);
}

/* Whether failure i says what an earlier one said already. */
static bool said_before(const target *t, int i)
{
	for (int k = 0; k < i; k++)
		if (!strcmp(t->message[k], t->message[i]))
			return true;
	return false;
}

/* Every distinct failure of the target, in fail_at order, on one line: two calls refused
 * alike (a role that cannot be assumed) are one line whichever of them got to fail. */
static void failure_message(char *out, size_t len, const target *t)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < NFAIL && n < len; i++) {
		if (!t->message[i][0] || said_before(t, i))
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "; " : "", t->message[i]);
	}
}

/* An opt-in region the account has not enabled answers every request as if the keys
 * were unknown; elsewhere the same answer is a real failure. */
static bool not_enabled(const target *t)
{
	static const char *const types[] = { "UnrecognizedClientException", "InvalidClientTokenId",
					     "AuthFailure", "OptInRequired", NULL };
	bool known = false;

	if (t->error != LD_EAUTH || t->run.any_success || !ld_aws_region_opt_in(t->run.region))
		return false;
	for (size_t i = 0; types[i]; i++)
		known = known || !strcmp(t->error_type, types[i]);
	return known;
}

static void where(char *out, size_t len, const target *t)
{
	if (t->run.target->account)
		snprintf(out, len, "account %s region %s", t->run.target->account, t->run.region);
	else
		snprintf(out, len, "region %s", t->run.region);
}

static void free_slots(target *t)
{
	for (int i = 0; t->slots && i < t->nslots; i++) {
		ld_aws_client_dispose(&t->slots[i].client);
		if (t->slots[i].own_transport)
			ld_transport_free(t->slots[i].transport);
	}
	free(t->slots);
	t->slots = NULL;
}

/* The target has nothing left to do: put its problem lines in order and say how it ended.
 * Pool lock held. */
static void finish_target(pool *p, target *t)
{
	ld_collect_target *out = t->run.target;
	ld_api_calls calls;

	t->finished = true;
	free_slots(t);
	free(t->aliases);
	t->aliases = NULL;
	free(t->asks);
	t->asks = NULL;
	if (ld_collect__finish(&t->run, t->aliases_skipped, t->stop_policies && !t->stop_all) < 0)
		set_error(t, LD_ERROR, ld_error_last()->klass, ld_error_last()->message, "");
	/* listed by name, then not by version: deleted in between */
	ld_inventory_drop_unversioned(&t->run.inv);
	out->error = t->error;
	out->skipped = false;
	failure_message(out->message, sizeof(out->message), t);
	if (not_enabled(t)) {
		/* nothing was collected there: keep only the calls made */
		calls = t->run.inv.calls;
		ld_inventory_dispose(&t->run.inv);
		ld_inventory_init(&t->run.inv);
		t->run.inv.calls = calls;
		out->skipped = true;
		out->error = 0;
		if (out->account)
			snprintf(out->message, sizeof(out->message),
				 "skipped: region %s is not enabled for account %s", t->run.region,
				 out->account);
		else
			snprintf(out->message, sizeof(out->message),
				 "skipped: region %s is not enabled for this account",
				 t->run.region);
		ld_inventory_note(&t->run.inv, "%s", out->message);
	} else if (t->error) {
		t->run.inv.complete = false; /* merge() says why */
	}
	p->status.targets_done++;
	if (p->opts->status)
		p->opts->status(p->opts->status_ctx, &p->status);
}

/* --- scheduling (pool lock held) -------------------------------------------------------- */

static slot *free_slot(target *t)
{
	for (int i = 0; i < t->nslots; i++)
		if (!t->slots[i].busy)
			return &t->slots[i];
	return NULL;
}

/* Drop queued work a stop makes pointless. */
static void apply_stops(target *t)
{
	if (t->stop_all) {
		t->functions_pending = t->triggers_pending = t->names_pending = false;
		t->head = t->nqueued;
		t->nasks = 0;
	}
	if (t->stop_aliases && t->head < t->nqueued) {
		t->aliases_skipped += t->nqueued - t->head;
		for (size_t i = t->head; t->policies && i < t->nqueued; i++)
			ld_collect__policy_skip(&t->run, t->aliases[i]);
		t->head = t->nqueued;
	}
	/* the functions cut short are counted at the end (ld_collect__policy_finish) */
	if (t->stop_policies)
		t->nasks = 0;
}

static bool ask_before(const ask *a, const ask *b)
{
	return a->fn < b->fn || (a->fn == b->fn && a->k < b->k);
}

static int push_ask(target *t, size_t fn, size_t k)
{
	size_t i;

	if (ld_array_grow(t->asks, t->nasks, 1) < 0)
		return LD_ERROR;
	i = t->nasks++;
	t->asks[i] = (ask){ fn, k };
	while (i && ask_before(&t->asks[i], &t->asks[(i - 1) / 2])) {
		ask up = t->asks[(i - 1) / 2];
		t->asks[(i - 1) / 2] = t->asks[i];
		t->asks[i] = up;
		i = (i - 1) / 2;
	}
	return 0;
}

static ask pop_ask(target *t)
{
	ask top = t->asks[0];
	size_t i = 0;

	t->asks[0] = t->asks[--t->nasks];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < t->nasks && ask_before(&t->asks[l], &t->asks[m]))
			m = l;
		if (r < t->nasks && ask_before(&t->asks[r], &t->asks[m]))
			m = r;
		if (m == i)
			break;
		ask down = t->asks[m];
		t->asks[m] = t->asks[i];
		t->asks[i] = down;
		i = m;
	}
	return top;
}

/* Slots GetPolicy may hold while control-class work waits, and the other way round. */
static int policy_share(const target *t)
{
	return t->nslots / 2;
}

/* Control-class work: the listing by name, the chain's next page, ListAliases, the
 * mappings' next page. */
static bool take_control(target *t, job *j)
{
	if (t->names_pending) {
		t->names_pending = false;
		j->kind = JOB_NAMES;
	} else if (t->functions_pending) {
		t->functions_pending = false;
		j->kind = JOB_FUNCTIONS;
	} else if (t->head < t->nqueued) {
		j->kind = JOB_ALIASES;
		j->fn = t->aliases[t->head++];
		j->feed = t->policies &&
			  t->nasks < (size_t)(FEED_PER_SLOT * (policy_share(t) ? policy_share(t) : 1));
	} else if (t->triggers_pending) {
		t->triggers_pending = false;
		j->kind = JOB_TRIGGERS;
	} else {
		return false;
	}
	t->control_inflight++;
	return true;
}

static bool take_policy(target *t, job *j)
{
	ask a;

	if (!t->nasks)
		return false;
	a = pop_ask(t);
	j->kind = JOB_POLICY;
	j->fn = a.fn;
	j->k = a.k;
	t->policy_inflight++;
	return true;
}

/* Either class within its share of the slots while the other has work waiting; beyond it
 * when the other has none (the chain's next page waits at most one request for a slot). */
static bool take_classes(target *t, job *j)
{
	bool control = t->functions_pending || t->names_pending || t->head < t->nqueued ||
		       t->triggers_pending;
	int share = policy_share(t);

	if (t->functions_pending || t->names_pending)
		return take_control(t, j);
	if (t->nasks && (t->policy_inflight < share || (!control && !t->control_inflight)))
		return take_policy(t, j);
	if (control && (t->control_inflight < t->nslots - share || !t->nasks))
		return take_control(t, j);
	return false;
}

/* The next piece of work of `t`, if it has one and a free slot. */
static bool take_work(target *t, job *j)
{
	if (t->finished)
		return false;
	apply_stops(t);
	if (t->inflight >= t->nslots || !take_classes(t, j))
		return false;
	j->t = t;
	j->s = free_slot(t);
	j->s->busy = true;
	t->inflight++;
	return true;
}

static bool has_work(const target *t)
{
	return t->functions_pending || t->names_pending || t->triggers_pending ||
	       t->head < t->nqueued || t->nasks;
}

static int init_target(pool *p, target *t, ld_collect_target *st);

/* Start the next target: its state is made only now, so a run over thousands of
 * account-regions holds only the active ones. */
static void start_target(pool *p)
{
	size_t idx = p->next_start++;
	target *t = &p->targets[idx];

	p->active[p->nactive++] = idx;
	if (init_target(p, t, &p->specs[idx]) < 0) {
		set_error(t, LD_ERROR, ld_error_last()->klass, ld_error_last()->message, "");
		t->functions_pending = t->triggers_pending = false;
	}
}

/* Finish the active targets with nothing left to do and drop them from the active list. */
static void retire(pool *p)
{
	size_t keep = 0;

	for (size_t k = 0; k < p->nactive; k++) {
		target *t = &p->targets[p->active[k]];
		apply_stops(t);
		if (!t->inflight && !has_work(t)) {
			finish_target(p, t);
			continue;
		}
		p->active[keep++] = p->active[k];
	}
	p->nactive = keep;
	if (p->rr >= p->nactive)
		p->rr = 0;
}

/* The next job, round-robin over the active targets; starts targets while fewer than
 * max_active are active. */
static bool pick(pool *p, job *j)
{
	for (;;) {
		for (size_t k = 0; k < p->nactive; k++) {
			size_t a = (p->rr + k) % p->nactive;
			memset(j, 0, sizeof(*j));
			if (take_work(&p->targets[p->active[a]], j)) {
				p->rr = (a + 1) % p->nactive;
				p->running++;
				return true;
			}
		}
		retire(p);
		if (p->nactive >= p->max_active || p->next_start >= p->ntargets)
			return false;
		start_target(p);
	}
}

static int enqueue_aliases(target *t, const size_t *fns, size_t n)
{
	if (!n)
		return 0;
	if (ld_array_grow(t->aliases, t->nqueued, n) < 0)
		return LD_ERROR;
	memcpy(t->aliases + t->nqueued, fns, n * sizeof(*fns));
	t->nqueued += n;
	return 0;
}

/* Functions first listed: their ListAliases, and their own GetPolicy right away. */
static int enqueue_listed(target *t, const size_t *fns, size_t n)
{
	if (enqueue_aliases(t, fns, n) < 0)
		return LD_ERROR;
	for (size_t i = 0; t->policies && i < n; i++)
		if (ld_collect__policy_listed(&t->run, fns[i]) < 0 || push_ask(t, fns[i], 0) < 0)
			return LD_ERROR;
	return 0;
}

/* A function's aliases are known: the GetPolicy of each. */
static int enqueue_alias_asks(target *t, size_t fn, size_t n)
{
	for (size_t k = 1; k <= n; k++)
		if (push_ask(t, fn, k) < 0)
			return LD_ERROR;
	return 0;
}

static void out_of_memory(target *t)
{
	set_error(t, LD_ERROR, LD_ERR_NOMEM, "out of memory", "");
	t->stop_all = true;
}

/* A job is over: queue what it found, record how it failed. Pool lock held. */
static void complete(pool *p, job *j)
{
	target *t = j->t;

	j->s->busy = false;
	t->inflight--;
	p->running--;
	if (j->kind == JOB_POLICY)
		t->policy_inflight--;
	else
		t->control_inflight--;
	if (j->kind == JOB_FUNCTIONS && j->rc >= 0) {
		/* the next page was queued by on_chain already */
		p->status.functions += j->nfresh;
		if (enqueue_listed(t, j->fresh, j->nfresh) < 0)
			out_of_memory(t);
	} else if (j->kind == JOB_NAMES) {
		/* a head start only: ListFunctions?FunctionVersion=ALL lists every function as
		 * well, and says what went wrong if this failed for a reason that lasts */
		p->status.functions += j->nfresh;
		if (j->rc >= 0 && enqueue_listed(t, j->fresh, j->nfresh) < 0)
			out_of_memory(t);
		t->names_pending = j->rc == 1 && !t->stop_all;
		if (j->rc < 0 && j->klass == LD_ERR_NOMEM)
			out_of_memory(t);
	} else if (j->kind == JOB_TRIGGERS && j->rc >= 0) {
		t->triggers_pending = j->rc == 1;
	} else if (j->kind == JOB_ALIASES && j->rc >= 0) {
		/* its aliases are known: their policies can be read (a function whose aliases
		 * were not listed keeps no access record; its problem line says why) */
		if (enqueue_alias_asks(t, j->fn, j->nasks) < 0)
			out_of_memory(t);
		/* the function's record was built by this job when it had no alias */
		if (j->policy_rc < 0)
			t->stop_policies = t->stop_policies || ld_collect__region_wide(j->policy_rc);
	} else if (j->kind == JOB_POLICY && j->rc < 0 && j->klass != LD_ERR_NOMEM) {
		/* policy.c wrote the problem line; stop asking when every function would fail
		 * alike (GetPolicy refused), the rest of the region goes on */
		t->stop_policies = t->stop_policies || ld_collect__region_wide(j->rc);
	} else if (j->kind == JOB_ALIASES && j->rc < 0 && j->klass != LD_ERR_NOMEM) {
		/* one function's aliases: a problem line; the region goes on unless the error
		 * would hit every function alike */
		if (ld_collect__alias_problem(&t->run, j->fn, j->message) < 0)
			set_error(t, LD_ERROR, LD_ERR_NOMEM, "out of memory", "");
		t->stop_aliases = t->stop_aliases || ld_collect__region_wide(j->rc);
	} else if (j->rc < 0) {
		set_error_at(t, j->kind == JOB_FUNCTIONS ? FAIL_FUNCTIONS :
			     j->kind == JOB_TRIGGERS ? FAIL_TRIGGERS : FAIL_OTHER,
			     j->rc, j->klass, j->message, j->error_type);
		/* a broken ListFunctions chain leaves the region without its list: stop */
		t->stop_all = t->stop_all || j->kind == JOB_FUNCTIONS || j->klass == LD_ERR_NOMEM ||
			      ld_collect__region_wide(j->rc);
	}
	free(j->fresh);
	j->fresh = NULL;
}

/* --- running a job (no lock held) ------------------------------------------------------- */

/* Move the slot's counters into the target and the totals. Both locks held. */
static void merge_calls(pool *p, ld_target_run *r, ld_aws_client *c)
{
	ld_api_calls *from = c->calls, *to = &r->inv.calls;

	p->status.calls += from->control + from->get_function + from->get_policy + from->sts;
	p->status.throttled += from->throttled;
	ld_api_calls_add(to, from);
	memset(from, 0, sizeof(*from));
}

/* A ListFunctions page's marker is known: queue the next page now. */
static void on_chain(void *ctx, ld_target_run *r, bool more)
{
	pool *p = ctx;
	target *t = (target *)r; /* the run is a target's first member */

	pthread_mutex_lock(&p->lock);
	t->functions_pending = more && !t->stop_all;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* After every page: counters, then whoever watches progress. */
static void on_page(void *ctx, ld_target_run *r, ld_aws_client *c)
{
	pool *p = ctx;

	pthread_mutex_lock(&p->lock);
	pthread_mutex_lock(&r->lock);
	merge_calls(p, r, c);
	if (r->opts && r->opts->progress)
		r->opts->progress(r->opts->progress_ctx, &r->inv, r->region);
	pthread_mutex_unlock(&r->lock);
	if (p->opts->status)
		p->opts->status(p->opts->status_ctx, &p->status);
	pthread_mutex_unlock(&p->lock);
}

static int prepare_slot(pool *p, target *t, slot *s)
{
	ld_aws_session *session = t->run.session;
	int error;

	if (s->ready)
		return 0;
	if (p->seams && p->seams->session_transport && session->transport) {
		s->transport = session->transport;
		s->own_transport = false;
	} else {
		if (p->seams && p->seams->transport_new)
			error = p->seams->transport_new(p->seams->transport_ctx, &s->transport,
							session);
		else
			error = ld_transport_curl_new(&s->transport, session->cfg.ca_bundle);
		if (error < 0)
			return error;
		s->own_transport = true;
	}
	if ((error = ld_aws_session__client_on(&s->client, session, t->run.region, &s->calls,
					       s->transport)) < 0)
		return error;
	s->client.limiter = &t->run.limiter;
	s->ready = true;
	return 0;
}

/* ListAliases of one function, then what its answer makes possible for its policies. */
static void run_aliases(job *j, ld_aws_client *c)
{
	ld_target_run *r = &j->t->run;

	c->priority = j->feed;
	j->rc = ld_collect__aliases(r, c, j->fn);
	c->priority = false;
	if (!j->t->policies)
		return;
	if (j->rc < 0) {
		ld_collect__policy_drop(r, j->fn);
		return;
	}
	/* an error here is the record's (policy.c wrote it down), not the listing's */
	j->policy_rc = ld_collect__policy_aliases(r, c, j->fn, &j->nasks);
	if (j->policy_rc < 0 && ld_error_last()->klass == LD_ERR_NOMEM) {
		j->rc = j->policy_rc;
		return;
	}
	ld_error_clear();
}

static void run_job(pool *p, job *j)
{
	ld_aws_client *c = &j->s->client;

	ld_error_clear();
	if ((j->rc = prepare_slot(p, j->t, j->s)) == 0) {
		if (j->kind == JOB_FUNCTIONS)
			j->rc = ld_collect__functions_page(&j->t->run, c, &j->fresh, &j->nfresh);
		else if (j->kind == JOB_NAMES)
			j->rc = ld_collect__names_page(&j->t->run, c, &j->fresh, &j->nfresh);
		else if (j->kind == JOB_ALIASES)
			run_aliases(j, c);
		else if (j->kind == JOB_POLICY)
			j->rc = ld_collect__policy_get(&j->t->run, c, j->fn, j->k);
		else
			j->rc = ld_collect__triggers_page(&j->t->run, c);
	}
	if (j->rc < 0) {
		/* the message is this thread's: copy it before the pool sees the job */
		j->klass = ld_error_last()->klass;
		snprintf(j->message, sizeof(j->message), "%s", ld_error_last()->message);
		snprintf(j->error_type, sizeof(j->error_type), "%s",
			 j->s->ready ? c->last_error_type : "");
	}
	/* the calls of a failed page were not counted by a page hook */
	if (j->s->ready) {
		pthread_mutex_lock(&p->lock);
		pthread_mutex_lock(&j->t->run.lock);
		merge_calls(p, &j->t->run, c);
		pthread_mutex_unlock(&j->t->run.lock);
		pthread_mutex_unlock(&p->lock);
	}
}

static void *worker(void *arg)
{
	pool *p = arg;
	job j;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		if (pick(p, &j)) {
			pthread_mutex_unlock(&p->lock);
			run_job(p, &j);
			pthread_mutex_lock(&p->lock);
			complete(p, &j);
			pthread_cond_broadcast(&p->cond);
			continue;
		}
		/* work is only ever added by running jobs: none running, none to come */
		if (!p->running)
			break;
		pthread_cond_wait(&p->cond, &p->lock);
	}
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* --- setting up and merging -------------------------------------------------------------- */

static int slots_per_target(const pool *p)
{
	int inflight = p->opts->inflight > 0 ? p->opts->inflight : DEFAULT_INFLIGHT;

	if (p->seams && p->seams->session_transport)
		return 1;
	return inflight > MAX_INFLIGHT ? MAX_INFLIGHT : inflight;
}

/* The rates of the pool's buckets: the session's, with --rate's in their place. */
static void pool_rates(double rate[LD_QUOTA_COUNT], const double session[LD_QUOTA_COUNT],
		       const ld_collect_pool_opts *o)
{
	if (rate != session)
		memcpy(rate, session, LD_QUOTA_COUNT * sizeof(*rate));
	if (o->rate_control > 0)
		rate[LD_QUOTA_CONTROL] = o->rate_control;
	if (o->rate_get_function > 0)
		rate[LD_QUOTA_GET_FUNCTION] = o->rate_get_function;
	if (o->rate_get_policy > 0)
		rate[LD_QUOTA_GET_POLICY] = o->rate_get_policy;
}

void ld_pool__session_rates(ld_aws_session *s, const ld_collect_pool_opts *o)
{
	if (s)
		pool_rates(s->retry.rate, s->retry.rate, o);
}

static int init_target(pool *p, target *t, ld_collect_target *st)
{
	const ld_collect_pool_opts *o = p->opts;
	double rate[LD_QUOTA_COUNT];
	const ld_retry_policy *seams = p->seams && p->seams->limiter_seams
					       ? p->seams->limiter_seams : &st->session->retry;
	int inflight = slots_per_target(p);
	int error;

	pool_rates(rate, st->session->retry.rate, o);
	if ((error = ld_target_run_init(&t->run, st, &o->collect, p->key)) < 0 ||
	    (error = ld_rate_limiter_init(&t->run.limiter, rate, seams)) < 0)
		return error;
	t->run.on_page = on_page;
	t->run.on_page_ctx = p;
	t->run.on_chain = on_chain;
	if (!(t->slots = calloc((size_t)inflight, sizeof(*t->slots))))
		return ld_error_oom();
	t->nslots = inflight;
	t->functions_pending = t->triggers_pending = true;
	t->policies = !o->collect.no_policies;
	/* With requests in parallel, every function's name first (ListFunctions without its
	 * versions: one call per 50 functions, some 1% of the control class): GetPolicy and
	 * ListAliases can start on all of them at once instead of waiting for the versions'
	 * listing to reach each (a function with 1,000 versions is 20 of its pages). One
	 * request at a time, nothing would start sooner, so the call is not made. */
	t->names_pending = t->policies && inflight > 1;
	return 0;
}

static void dispose_targets(target *ts, size_t n)
{
	for (size_t i = 0; ts && i < n; i++) {
		free_slots(&ts[i]);
		free(ts[i].aliases);
		free(ts[i].asks);
		ld_target_run_dispose(&ts[i].run);
	}
	free(ts);
}

static int stamp(ld_inventory *inv)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (inv->collected_at)
		return 0;
	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return ld_error_set(LD_ERR_OS, "cannot format the collection time");
	if (!(inv->collected_at = strdup(when)))
		return ld_error_oom();
	return 0;
}

/* Whether every target of t's account failed alike (a role that cannot be assumed): one
 * line says it for all. */
static bool account_failed(const pool *p, const target *t, size_t *nsame)
{
	*nsame = 0;
	if (!t->run.target->account)
		return false;
	for (size_t i = 0; i < p->ntargets; i++) {
		const ld_collect_target *o = p->targets[i].run.target;
		if (!o->account || strcmp(o->account, t->run.target->account))
			continue;
		if (!o->error || strcmp(o->message, t->run.target->message))
			return false;
		(*nsame)++;
	}
	return *nsame > 1;
}

/* The problem line of a failed target, once per account when all its regions failed alike. */
static int failure_line(ld_inventory *inv, const pool *p, const target *t, bool *said)
{
	char at[160];
	size_t nsame;

	if (!t->run.target->error)
		return 0;
	if (account_failed(p, t, &nsame)) {
		if (*said)
			return 0;
		*said = true;
		return ld_inventory_problem(inv, "account %s (all %zu regions): %s",
					    t->run.target->account, nsame, t->run.target->message);
	}
	where(at, sizeof(at), t);
	return ld_inventory_problem(inv, "%s: %s", at, t->run.target->message);
}

/* Targets' parts into `inv`, in the targets' order. Single-threaded. */
static int merge(ld_inventory *inv, pool *p)
{
	bool *said = calloc(p->ntargets, sizeof(*said));
	int error = said ? 0 : ld_error_oom();

	for (size_t i = 0; i < p->ntargets && error == 0; i++) {
		target *t = &p->targets[i];
		const char *account = t->run.target->account ? t->run.target->account
							      : t->run.inv.account;
		if (account && !t->run.target->skipped)
			error = ld_inventory_add_account(inv, account);
		ld_aws_session__report_sts(t->run.session, &inv->calls);
		if (error == 0)
			error = ld_inventory_take(inv, &t->run.inv);
		/* targets of one account share their session: mark the account as said */
		for (size_t k = 0; error == 0 && k < i; k++)
			if (p->targets[k].run.session == t->run.session && said[k])
				said[i] = true;
		if (error == 0)
			error = failure_line(inv, p, t, &said[i]);
	}
	free(said);
	if (inv->naccounts > 1) {
		free(inv->account); /* several: run.accounts says which */
		inv->account = NULL;
	} else if (inv->naccounts == 1 && !inv->account &&
		   !(inv->account = strdup(inv->accounts[0]))) {
		error = ld_error_oom();
	}
	ld_inventory_sort(inv);
	return error;
}

static int run_pool(pool *p, size_t nthreads)
{
	pthread_t *threads = NULL;
	pthread_attr_t attr;
	size_t started = 0;
	int error = 0;

	if (nthreads <= 1) {
		worker(p);
		return 0;
	}
	if (!(threads = calloc(nthreads, sizeof(*threads))))
		return ld_error_oom();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	for (; started < nthreads; started++)
		if (pthread_create(&threads[started], &attr, worker, p) != 0)
			break;
	pthread_attr_destroy(&attr);
	if (!started) {
		/* no thread could start: do the work here, one request at a time */
		worker(p);
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return error;
}

int ld_collect_targets__with(ld_inventory *inv, ld_collect_target *targets, size_t ntargets,
			     const ld_collect_pool_opts *opts, const ld_collect_seams *seams)
{
	static const ld_collect_pool_opts no_opts = LD_COLLECT_POOL_OPTS_INIT;
	size_t nthreads;
	pool p;
	int error = 0;

	assert(inv);
	if (!ntargets)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "nothing to scan: no account-region");
	memset(&p, 0, sizeof(p));
	p.opts = opts ? opts : &no_opts;
	p.seams = seams;
	p.specs = targets;
	p.ntargets = ntargets;
	p.status.targets_total = ntargets;
	p.key = p.opts->collect.digest_key ? p.opts->collect.digest_key
					   : targets[0].session->digest_key;
	ld_inventory_set_digest_key(inv, p.key, LD_DIGEST_KEY_LEN);
	for (size_t i = 0; i < ntargets; i++) {
		targets[i].error = 0;
		targets[i].message[0] = '\0';
		targets[i].skipped = false;
	}
	/* enough threads for every slot of every target, within bounds; every active target
	 * has a thread of its own at least */
	nthreads = p.opts->workers > 0 ? (size_t)p.opts->workers
				       : ntargets * (size_t)slots_per_target(&p);
	if (nthreads > MAX_WORKERS)
		nthreads = MAX_WORKERS;
	if (seams && seams->session_transport)
		nthreads = 1;
	p.max_active = nthreads;
	if ((error = stamp(inv)) < 0)
		return error;
	if (!(p.targets = calloc(ntargets, sizeof(*p.targets))) ||
	    !(p.active = calloc(p.max_active, sizeof(*p.active)))) {
		error = ld_error_oom();
		goto done;
	}
	if (pthread_mutex_init(&p.lock, NULL) != 0 || pthread_cond_init(&p.cond, NULL) != 0) {
		error = ld_error_set(LD_ERR_OS, "cannot create the scan's locks");
		goto done;
	}
	if ((error = run_pool(&p, nthreads)) == 0)
		error = merge(inv, &p);
	if (p.opts->status)
		p.opts->status(p.opts->status_ctx, &p.status);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
done:
	dispose_targets(p.targets, ntargets);
	free(p.active);
	return error;
}

int ld_collect_targets(ld_inventory *inv, ld_collect_target *targets, size_t ntargets,
		       const ld_collect_pool_opts *opts)
{
	return ld_collect_targets__with(inv, targets, ntargets, opts, NULL);
}

int ld_collect(ld_inventory *inv, ld_aws_session *s, const char *region,
	       const ld_collect_opts *opts)
{
	static const ld_collect_opts no_collect = LD_COLLECT_OPTS_INIT;
	ld_collect_target t;
	ld_collect_pool_opts so = LD_COLLECT_POOL_OPTS_INIT;
	ld_collect_seams seams;
	int error;

	assert(inv && s);
	memset(&t, 0, sizeof(t));
	memset(&seams, 0, sizeof(seams));
	t.session = s;
	t.region = region;
	so.collect = opts ? *opts : no_collect;
	seams.session_transport = true;
	if ((error = ld_collect_targets__with(inv, &t, 1, &so, &seams)) < 0)
		return error;
	if (t.error)
		return ld_error_setc(t.error, LD_ERR_AWS, "%s", t.message);
	return 0;
}

/* --- the reads after the listing (pool.h) ------------------------------------------------ */

/* The token buckets of one session in one region, shared by every read job that calls
 * there. */
typedef struct {
	ld_aws_session *session;
	char *region;
	ld_rate_limiter limiter;
} read_buckets;

struct ld_pool_reads {
	const ld_pool_reads_opts *o;
	bool threaded;
	pthread_mutex_t lock;       /* the fields below, and what jobs share */
	read_buckets **buckets;     /* made on first use; entries never move */
	size_t nbuckets, capbuckets;
	size_t next, done;
	int error;
	char message[sizeof(((ld_error *)0)->message)]; /* errors are per thread */
};

void ld_pool__reads_lock(ld_pool_reads *rd)
{
	if (rd->threaded)
		pthread_mutex_lock(&rd->lock);
}

void ld_pool__reads_unlock(ld_pool_reads *rd)
{
	if (rd->threaded)
		pthread_mutex_unlock(&rd->lock);
}

/* The buckets of `s` in `region`, made at the session's rates on first use; NULL without
 * memory: the client then paces itself. */
static ld_rate_limiter *reads_buckets(void *ctx, ld_aws_session *s, const char *region)
{
	ld_pool_reads *rd = ctx;
	ld_rate_limiter *found = NULL;
	read_buckets *b;

	ld_pool__reads_lock(rd);
	for (size_t i = 0; i < rd->nbuckets && !found; i++)
		if (rd->buckets[i]->session == s && !strcmp(rd->buckets[i]->region, region))
			found = &rd->buckets[i]->limiter;
	if (!found && ld_array_reserve(rd->buckets, rd->capbuckets, rd->nbuckets + 1) == 0 &&
	    (b = calloc(1, sizeof(*b)))) {
		if ((b->region = strdup(region)) &&
		    ld_rate_limiter_init(&b->limiter, s->retry.rate, &s->retry) == 0) {
			b->session = s;
			rd->buckets[rd->nbuckets++] = b;
			found = &b->limiter;
		} else {
			free(b->region);
			free(b);
		}
	}
	ld_pool__reads_unlock(rd);
	return found;
}

static void reads_buckets_dispose(ld_pool_reads *rd)
{
	for (size_t i = 0; i < rd->nbuckets; i++) {
		ld_rate_limiter_dispose(&rd->buckets[i]->limiter);
		free(rd->buckets[i]->region);
		free(rd->buckets[i]);
	}
	free(rd->buckets);
}

/* Take the next job, or none when all are taken or one failed. */
static bool reads_take(ld_pool_reads *rd, size_t *i)
{
	bool more;

	ld_pool__reads_lock(rd);
	more = rd->error == 0 && rd->next < rd->o->njobs;
	if (more)
		*i = rd->next++;
	ld_pool__reads_unlock(rd);
	return more;
}

static void reads_finished(ld_pool_reads *rd, int error)
{
	ld_pool__reads_lock(rd);
	if (error < 0 && rd->error == 0) {
		rd->error = error;
		snprintf(rd->message, sizeof(rd->message), "%s", ld_error_last()->message);
	}
	rd->done++;
	if (rd->o->finished)
		rd->o->finished(rd->o->ctx, rd->done);
	ld_pool__reads_unlock(rd);
}

static void reads_work(ld_pool_reads *rd, ld_api_calls *calls)
{
	size_t i;

	ld_aws_session__use_thread_limiters(reads_buckets, rd);
	while (reads_take(rd, &i))
		reads_finished(rd, rd->o->run(rd->o->ctx, rd, i, calls));
	ld_aws_session__use_thread_limiters(NULL, NULL);
}

/* One reader: its own connection for every session, its own counters. */
typedef struct {
	ld_pool_reads *rd;
	ld_api_calls calls;      /* merged into the run's at the end */
	ld_transport *transport;
	pthread_t thread;
	bool started;
} reader;

static void *reader_main(void *arg)
{
	reader *w = arg;

	ld_aws_session__use_thread_transport(w->transport);
	reads_work(w->rd, &w->calls);
	ld_aws_session__use_thread_transport(NULL);
	return NULL;
}

static int reads_threads(ld_pool_reads *rd, size_t n)
{
	reader *w = calloc(n, sizeof(*w));
	size_t started = 0;
	int error = 0;

	if (!w)
		return ld_error_oom();
	for (size_t k = 0; k < n; k++) {
		w[k].rd = rd;
		if (ld_aws_session__transport_new(&w[k].transport, rd->o->transport_session) < 0 ||
		    pthread_create(&w[k].thread, NULL, reader_main, &w[k]) != 0)
			break;
		w[k].started = true;
		started++;
	}
	if (!started)
		error = ld_error_set(LD_ERR_OS, "cannot start a thread to read packages");
	for (size_t k = 0; k < n; k++) {
		if (w[k].started)
			pthread_join(w[k].thread, NULL);
		ld_transport_free(w[k].transport);
		ld_api_calls_add(rd->o->calls, &w[k].calls);
	}
	free(w);
	return error;
}

int ld_pool__reads(const ld_pool_reads_opts *o)
{
	size_t n = o->workers < o->njobs ? o->workers : o->njobs;
	ld_pool_reads rd;
	int error = 0;

	memset(&rd, 0, sizeof(rd));
	rd.o = o;
	if (n > MAX_WORKERS)
		n = MAX_WORKERS;
	if (n > 1 && o->transport_session) {
		rd.threaded = true;
		if (pthread_mutex_init(&rd.lock, NULL) != 0)
			return ld_error_set(LD_ERR_OS, "cannot create the package readers' lock");
		if ((error = reads_threads(&rd, n)) == 0 && (error = rd.error) < 0)
			ld_error_setc(error, LD_ERR_OS, "%s", rd.message);
		pthread_mutex_destroy(&rd.lock);
	} else {
		reads_work(&rd, o->calls);
		error = rd.error;
	}
	reads_buckets_dispose(&rd);
	return error;
}
