/*
 * ld_merge_reports (lambdrift/merge.h): shard reports in, one report's data out. Each shard
 * document is parsed whole (a shard is a bounded slice of the estate), checked, and taken
 * apart: its functions become light inventory entries plus their JSON, printed as the
 * report prints it, in a temporary file; its findings are copied as they are (fingerprints
 * included, so baselines and code scanning see the same identities as an unsharded run);
 * its run metadata is folded into the merged inventory. Then the document is freed before the next is read.
 * The lines each report added (problems, notes, the shard lines for stderr) are put in shard
 * order at the end, so the merged report does not depend on the order of the arguments.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "audit/findings.h"
#include "lambdrift/errors.h"
#include "lambdrift/merge.h"
#include "report/report.h"
#include "util/arena.h"
#include "util/array.h"
#include "util/json.h"
#include "util/str.h"

#ifndef LD_VERSION
#define LD_VERSION "0.0.0"
#endif

#define SHARD_REPORT_MAX ((size_t)256 * 1024 * 1024)
#define MAX_SHARDS 100000

typedef struct {
	off_t off;
	size_t len;
} text_pos;

/* One function while merging: the light record and where its JSON text is. */
typedef struct {
	ld_function fn;
	text_pos pos;
	size_t report; /* index into the paths, for overlap errors */
} entry;

/* The functions' pretty JSON (as at the top level of a document) one after another in a
 * temporary file, and the light functions' strings: names, regions and accounts interned
 * (an estate repeats them), ARNs copied, none malloc'd one by one. */
struct ld_merge_store {
	FILE *tmp;
	off_t size;    /* bytes written to tmp: no ftell (a seek) per function */
	text_pos *pos; /* parallel to inv.functions once merged */
	ld_buf text;   /* reused to read one function back */
	struct ld_arena *strings;
};

/* Which lines a report added (problems, notes, shard lines), and where it sorts: the
 * merged report lists them by shard, not in the order the reports were given. */
enum { LINES_PROBLEMS, LINES_NOTES, LINES_SHARD, LINES_KINDS };

typedef struct {
	size_t report;            /* index into the paths */
	const char *path;         /* paths[report] */
	size_t shard;             /* run.shard.index, 0 without one */
	char *accounts;           /* its accounts, sorted, comma-separated ("" for none) */
	size_t start[LINES_KINDS], end[LINES_KINDS];
} report_key;

/* What merging needs besides the result: functions before sorting, shards seen. */
typedef struct {
	ld_merged *m;
	report_key *keys;         /* one per report taken, in argument order until sorted */
	size_t nkeys;
	entry *entries;
	size_t nentries, alloc;
	const char *const *paths;
	size_t *shard_report; /* by shard index - 1: report index + 1, 0 when not seen */
	size_t shard_count;   /* run.shard.count of the reports, 0 when they carry none */
	size_t unsharded;     /* reports without run.shard */
	ld_buf piece;
} merger;

static int bad(const char *path, const char *what)
{
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: %s", path, what);
}

/* An interned copy of `s` in the store (NULL stays NULL). */
static char *pool_str(struct ld_merge_store *st, const char *s, bool *failed)
{
	const char *out = NULL;

	if (s && ld_arena_intern(st->strings, s, &out) < 0)
		*failed = true;
	return (char *)out;
}

static int add_line(char ***lines, size_t *n, const char *s)
{
	char **grown = realloc(*lines, (*n + 1) * sizeof(**lines));

	if (!grown)
		return ld_error_oom();
	*lines = grown;
	if (!(grown[*n] = strdup(s)))
		return ld_error_oom();
	(*n)++;
	return 0;
}

static bool has_line(char *const *lines, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(lines[i], s))
			return true;
	return false;
}

/* Add every string of a JSON array to a set of lines (accounts, regions). */
static int add_unique(char ***lines, size_t *n, const ld_json *arr)
{
	int error;

	for (const ld_json *j = ld_json_first(arr); j; j = ld_json_next(j))
		if (ld_json_str(j) && !has_line(*lines, *n, ld_json_str(j)) &&
		    (error = add_line(lines, n, ld_json_str(j))) < 0)
			return error;
	return 0;
}

static int add_all(char ***lines, size_t *n, const ld_json *arr)
{
	int error;

	for (const ld_json *j = ld_json_first(arr); j; j = ld_json_next(j))
		if (ld_json_str(j) && (error = add_line(lines, n, ld_json_str(j))) < 0)
			return error;
	return 0;
}

static int shard_linef(ld_merged *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int shard_linef(ld_merged *m, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return add_line(&m->shard_lines, &m->nshard_lines, line);
}

/* ------------------------------------------------------------------ one report */

static int check_header(const ld_json *root, const char *path)
{
	const ld_json *tool = ld_json_get(root, "tool"), *run = ld_json_get(root, "run");
	const char *schema = ld_json_get_str(root, "schema");
	const char *version = ld_json_get_str(tool, "version");
	char msg[256];

	if (!schema || strcmp(schema, "lambdrift/report/v1")) {
		snprintf(msg, sizeof(msg), "schema '%.64s' is not lambdrift/report/v1; merge reads "
			 "the JSON reports of 'lambdrift scan --format json'", schema ? schema : "");
		return bad(path, msg);
	}
	if (!version || strcmp(version, LD_VERSION)) {
		snprintf(msg, sizeof(msg), "written by lambdrift %.32s, not %s; run every shard and "
			 "the merge with the same version", version ? version : "(unknown)",
			 LD_VERSION);
		return bad(path, msg);
	}
	if (!ld_json_is_object(run) || !ld_json_get_str(run, "command") ||
	    strcmp(ld_json_get_str(run, "command"), "scan"))
		return bad(path, "not a scan report; merge combines the shards of 'lambdrift scan'");
	if (ld_json_get(root, "baseline"))
		return bad(path, "written with --baseline, so accepted findings are missing from "
			   "it; scan the shards without --baseline and give it to merge");
	if (!ld_json_is_array(ld_json_get(root, "functions")) ||
	    !ld_json_is_array(ld_json_get(root, "findings")))
		return bad(path, "expected \"functions\" and \"findings\" arrays");
	return 0;
}

/* run.shard {index, count}: remember which shard this report is. */
static int take_shard(merger *g, const ld_json *run, size_t report)
{
	const ld_json *shard = ld_json_get(run, "shard");
	const char *path = g->paths[report];
	double index, count;
	char msg[256];

	if (!shard) {
		g->unsharded++;
		return 0;
	}
	if (!ld_json_get_num(shard, "index", &index) || !ld_json_get_num(shard, "count", &count) ||
	    count < 1 || count > MAX_SHARDS || index < 1 || index > count ||
	    index != (double)(size_t)index || count != (double)(size_t)count)
		return bad(path, "run.shard is not {index, count} with 1 <= index <= count");
	if (g->shard_count && (size_t)count != g->shard_count) {
		snprintf(msg, sizeof(msg), "shard %zu/%zu of a run of %zu shards, unlike the reports "
			 "before it", (size_t)index, (size_t)count, g->shard_count);
		return bad(path, msg);
	}
	if (!g->shard_count) {
		if (!(g->shard_report = calloc((size_t)count, sizeof(size_t))))
			return ld_error_oom();
		g->shard_count = (size_t)count;
	}
	if (g->shard_report[(size_t)index - 1]) {
		snprintf(msg, sizeof(msg), "shard %zu/%zu again (also %.200s)", (size_t)index,
			 (size_t)count, g->paths[g->shard_report[(size_t)index - 1] - 1]);
		return bad(path, msg);
	}
	g->shard_report[(size_t)index - 1] = report + 1;
	return 0;
}

static int add_calls(ld_api_calls *c, const ld_json *calls)
{
	double v;
	ld_api_calls add = { 0 };

	if (ld_json_get_num(calls, "control", &v) && v >= 0)
		add.control = (unsigned long)v;
	if (ld_json_get_num(calls, "get_function", &v) && v >= 0)
		add.get_function = (unsigned long)v;
	if (ld_json_get_num(calls, "get_policy", &v) && v >= 0)
		add.get_policy = (unsigned long)v;
	if (ld_json_get_num(calls, "sts", &v) && v >= 0)
		add.sts = (unsigned long)v;
	if (ld_json_get_num(calls, "kms", &v) && v >= 0)
		add.kms = (unsigned long)v;
	if (ld_json_get_num(calls, "iam", &v) && v >= 0)
		add.iam = (unsigned long)v;
	if (ld_json_get_num(calls, "logs", &v) && v >= 0)
		add.logs = (unsigned long)v;
	if (ld_json_get_num(calls, "organizations", &v) && v >= 0)
		add.organizations = (unsigned long)v;
	if (ld_json_get_num(calls, "throttled", &v) && v >= 0)
		add.throttled = (unsigned long)v;
	if (ld_json_get_num(calls, "retries", &v) && v >= 0)
		add.retries = (unsigned long)v;
	if (ld_json_get_num(calls, "errors", &v) && v >= 0)
		add.errors = (unsigned long)v;
	ld_api_calls_add(c, &add);
	return 0;
}

/* run.rules: every shard must have run the same rules (--rule, --skip-rule), or the merge
 * would call clean what some shard never checked. */
static int take_rules(merger *g, const ld_json *run, size_t report)
{
	ld_merged *m = g->m;
	const ld_json *rules = ld_json_get(run, "rules");
	ld_buf text = LD_BUF_INIT_CAP(64 * 1024);
	size_t n = 0;
	int error = 0;

	if (rules && ld_json_canonical(&text, rules) < 0) {
		error = text.error ? text.error : LD_ERROR;
		goto done;
	}
	if (report > 0 && (!m->rules_text != !rules ||
			   (rules && strcmp(m->rules_text, text.ptr)))) {
		error = bad(g->paths[report], "it ran other rules than the other shards (run.rules); "
			    "scan every shard with the same --rule and --skip-rule");
		goto done;
	}
	if (report > 0 || !rules)
		goto done;
	if (!(m->rules_text = ld_buf_detach(&text))) {
		error = ld_error_oom();
		goto done;
	}
	if ((error = add_all(&m->rule_only, &n, ld_json_get(rules, "rule"))) < 0)
		goto done;
	m->rules.nonly = n;
	n = 0;
	if ((error = add_all(&m->rule_skip, &n, ld_json_get(rules, "skip_rule"))) < 0)
		goto done;
	m->rules.nskip = n;
	m->rules.only = (const char *const *)m->rule_only;
	m->rules.skip = (const char *const *)m->rule_skip;
	if (!ld_rule_selection_given(&m->rules))
		error = bad(g->paths[report], "its run.rules holds no --rule or --skip-rule pattern");
done:
	ld_buf_dispose(&text);
	return error;
}

/* run.checks: the dependency checks ran in every shard or in none (a merged report cannot
 * say they passed for some functions only) */
static int take_checks(merger *g, const ld_json *run, size_t report)
{
	const ld_json *arr = ld_json_get(run, "checks");
	unsigned checks = 0;

	if (arr && !ld_json_is_array(arr))
		return bad(g->paths[report], "its run.checks is not a list");
	for (const ld_json *c = ld_json_first(arr); c; c = ld_json_next(c)) {
		const char *s = ld_json_str(c);
		if (s && !strcmp(s, "deps"))
			checks |= LD_CHECKS_DEPS;
		else if (s && !strcmp(s, "advisories"))
			checks |= LD_CHECKS_ADVISORIES;
		else
			return bad(g->paths[report], "its run.checks names a check this lambdrift "
				   "does not know");
	}
	if (report > 0 && checks != g->m->checks)
		return bad(g->paths[report], "it ran other checks than the other shards "
			   "(run.checks); scan every shard with the same --deps, --osv and --osv-api");
	g->m->checks = checks;
	return 0;
}

/* run.unchecked: what the shard's rules could not judge, kept per function */
static int take_unchecked(merger *g, const ld_json *run, size_t report)
{
	ld_findings *f = &g->m->findings;
	const ld_json *arr = ld_json_get(run, "unchecked");

	if (arr && !ld_json_is_array(arr))
		return bad(g->paths[report], "its run.unchecked is not a list");
	for (const ld_json *o = ld_json_first(arr); o; o = ld_json_next(o)) {
		const char *region = ld_json_get_str(o, "region"), *fn = ld_json_get_str(o, "function");
		const char *account = ld_json_get_str(o, "account");
		ld_unchecked *u;
		uint64_t bits = 0;

		for (const ld_json *r = ld_json_first(ld_json_get(o, "rules")); r; r = ld_json_next(r))
			bits |= ld_rule_bit(ld_json_str(r));
		if (!region || !fn || !bits)
			return bad(g->paths[report], "an entry of its run.unchecked has no region, "
				   "function or known rule");
		if (ld_array_grow(f->unchecked, f->nunchecked, 1) < 0)
			return LD_ERROR;
		u = &f->unchecked[f->nunchecked];
		memset(u, 0, sizeof(*u));
		u->rules = bits;
		if ((account && !(u->account = strdup(account))) || !(u->region = strdup(region)) ||
		    !(u->function = strdup(fn))) {
			free(u->account);
			free(u->region);
			return ld_error_oom();
		}
		f->nunchecked++;
	}
	return 0;
}

static int take_run(merger *g, const ld_json *run, size_t report)
{
	ld_merged *m = g->m;
	ld_inventory *inv = &m->inv;
	const char *started = ld_json_get_str(run, "started");
	const char *account = ld_json_get_str(run, "account");
	const char *table = ld_json_get_str(run, "runtime_table");
	const ld_json *shard = ld_json_get(run, "shard");
	double days;
	int error;

	if (started && (!*m->started || strcmp(started, m->started) < 0))
		snprintf(m->started, sizeof(m->started), "%s", started);
	if (table && m->runtime_table && strcmp(table, m->runtime_table))
		return bad(g->paths[report], "its runtime table differs from the other shards'; "
			   "scan every shard with the same --runtime-table");
	if (table && !m->runtime_table && !(m->runtime_table = strdup(table)))
		return ld_error_oom();
	/* log-retention noted other groups with another minimum: one report cannot say which */
	if (!ld_json_get_num(run, "log_retention_min", &days))
		days = 0;
	if (report > 0 && (long)days != m->log_retention_min)
		return bad(g->paths[report], "its log retention minimum differs from the other "
			   "shards' (run.log_retention_min); scan every shard with the same "
			   "--log-retention-min");
	m->log_retention_min = (long)days;
	if (account && !has_line(inv->accounts, inv->naccounts, account) &&
	    (error = add_line(&inv->accounts, &inv->naccounts, account)) < 0)
		return error;
	if ((error = add_unique(&inv->accounts, &inv->naccounts, ld_json_get(run, "accounts"))) < 0 ||
	    (error = add_unique(&inv->regions, &inv->nregions, ld_json_get(run, "regions"))) < 0 ||
	    (error = add_all(&inv->problems, &inv->nproblems, ld_json_get(run, "problems"))) < 0 ||
	    (error = add_all(&inv->notes, &inv->nnotes, ld_json_get(run, "notes"))) < 0)
		return error;
	add_calls(&inv->calls, ld_json_get(run, "api_calls"));
	if (!ld_json_is_true(ld_json_get(run, "complete"))) {
		/* say why with the shard's first problem (they are all in the report) */
		const char *why = ld_json_str(ld_json_first(ld_json_get(run, "problems")));
		inv->complete = false;
		if (!why && (error = ld_inventory_problem(inv, "%s is incomplete without saying why",
							   g->paths[report])) < 0)
			return error;
		if (shard)
			return shard_linef(m, "shard %.0f/%.0f (%s) is incomplete: %.300s",
					   ld_json_num(ld_json_get(shard, "index")),
					   ld_json_num(ld_json_get(shard, "count")), g->paths[report],
					   why ? why : "see its run.problems");
		return shard_linef(m, "%s is incomplete: %.300s", g->paths[report],
				   why ? why : "see its run.problems");
	}
	return 0;
}


/* A function: the light record, and its JSON, printed as the report prints it, appended
 * to the store (so the report copies it back without parsing it again). */
static int take_function(merger *g, const ld_json *fn, size_t report)
{
	struct ld_merge_store *st = g->m->store;
	const char *name = ld_json_get_str(fn, "name"), *region = ld_json_get_str(fn, "region");
	const char *arn = ld_json_get_str(fn, "arn");
	entry *e;
	bool failed = false;
	int error;

	if (!name || !region)
		return bad(g->paths[report], "a function without a name or region");
	if ((error = ld_array_reserve(g->entries, g->alloc, g->nentries + 1)) < 0)
		return error;
	ld_buf_clear(&g->piece);
	if ((error = ld_json_write(&g->piece, fn, true)) < 0)
		return error;
	if (fwrite(g->piece.ptr, 1, g->piece.size, st->tmp) != g->piece.size)
		return ld_error_set(LD_ERR_OS, "cannot write the merge's temporary file: %s",
				    strerror(errno));
	e = &g->entries[g->nentries];
	memset(e, 0, sizeof(*e));
	e->fn.name = pool_str(st, name, &failed);
	e->fn.region = pool_str(st, region, &failed);
	e->fn.account = pool_str(st, ld_json_get_str(fn, "account"), &failed);
	if (arn && !(e->fn.arn = ld_arena_strdup(st->strings, arn, strlen(arn))))
		failed = true;
	e->pos.off = st->size;
	e->pos.len = g->piece.size;
	st->size += (off_t)g->piece.size;
	e->report = report;
	g->nentries++;
	return failed ? ld_error_oom() : 0;
}

static const char *rule_slug(const char *rule)
{
	for (const ld_rule_info *r = ld_rules; rule && r->slug; r++)
		if (!strcmp(r->slug, rule))
			return r->slug;
	return NULL;
}

static int take_finding(merger *g, const ld_json *j, size_t report)
{
	const char *rule = rule_slug(ld_json_get_str(j, "rule"));
	const char *fp = ld_json_get_str(j, "fingerprint");
	const ld_json *evidence = ld_json_get(j, "evidence");
	ld_finding f;

	memset(&f, 0, sizeof(f));
	if (!rule || !fp || strlen(fp) != 32 ||
	    ld_severity_parse(&f.severity, ld_json_get_str(j, "severity")) < 0 ||
	    f.severity == LD_SEV_NONE || !ld_json_get_str(j, "message"))
		return bad(g->paths[report], "a finding without a known rule, severity, message or "
			   "fingerprint");
	f.rule = rule;
	memcpy(f.fingerprint, fp, 33);
	/* borrowed from the document; the list copies them */
	f.function = (char *)ld_json_get_str(j, "function");
	f.region = (char *)ld_json_get_str(j, "region");
	f.account = (char *)ld_json_get_str(j, "account");
	f.qualifier = (char *)ld_json_get_str(j, "qualifier");
	f.message = (char *)ld_json_get_str(j, "message");
	if (ld_json_is_object(evidence)) {
		ld_buf_clear(&g->piece);
		if (ld_json_write(&g->piece, evidence, false) < 0)
			return LD_ERROR;
		f.evidence = g->piece.ptr;
	}
	return ld_findings_add_copy(&g->m->findings, &f);
}

static void line_counts(const merger *g, size_t *counts)
{
	counts[LINES_PROBLEMS] = g->m->inv.nproblems;
	counts[LINES_NOTES] = g->m->inv.nnotes;
	counts[LINES_SHARD] = g->m->nshard_lines;
}

/* The report's accounts (run.account, run.accounts), sorted and comma-separated: where a
 * report without run.shard sorts. */
static int accounts_key(char **out, const ld_json *run)
{
	char **accounts = NULL;
	size_t n = 0;
	ld_buf text = LD_BUF_INIT_CAP(SHARD_REPORT_MAX);
	const char *one = ld_json_get_str(run, "account");
	int error = 0;

	if (one && (error = add_line(&accounts, &n, one)) < 0)
		goto done;
	if ((error = add_unique(&accounts, &n, ld_json_get(run, "accounts"))) < 0)
		goto done;
	if (n > 1)
		qsort(accounts, n, sizeof(*accounts), ld_strcmp_ptrs);
	for (size_t i = 0; i < n; i++) /* a failed append sticks: detach then fails */
		ld_buf_printf(&text, "%s%s", i ? "," : "", accounts[i]);
	if (!(*out = ld_buf_detach(&text)))
		error = LD_ERROR;
done:
	for (size_t i = 0; i < n; i++)
		free(accounts[i]);
	free(accounts);
	ld_buf_dispose(&text);
	return error;
}

/* Remember what the report added and where it sorts (after a successful take). */
static int take_key(merger *g, const ld_json *run, size_t report, const size_t *start)
{
	report_key *k = &g->keys[g->nkeys];
	double index;

	memset(k, 0, sizeof(*k));
	k->report = report;
	k->path = g->paths[report];
	if (ld_json_get_num(ld_json_get(run, "shard"), "index", &index))
		k->shard = (size_t)index; /* checked by take_shard */
	memcpy(k->start, start, sizeof(k->start));
	line_counts(g, k->end);
	g->nkeys++;
	return accounts_key(&k->accounts, run);
}

static int take_report(merger *g, size_t report)
{
	size_t start[LINES_KINDS];
	const char *path = g->paths[report];
	ld_json *root = NULL;
	const ld_json *run;
	int error;

	if ((error = ld_report__read_json(&root, path, SHARD_REPORT_MAX, "JSON report")) < 0)
		goto done;
	if ((error = check_header(root, path)) < 0)
		goto done;
	run = ld_json_get(root, "run");
	line_counts(g, start);
	if ((error = take_shard(g, run, report)) < 0 || (error = take_run(g, run, report)) < 0 ||
	    (error = take_rules(g, run, report)) < 0 || (error = take_checks(g, run, report)) < 0 ||
	    (error = take_unchecked(g, run, report)) < 0)
		goto done;
	for (const ld_json *fn = ld_json_first(ld_json_get(root, "functions")); fn && !error;
	     fn = ld_json_next(fn))
		error = take_function(g, fn, report);
	for (const ld_json *f = ld_json_first(ld_json_get(root, "findings")); f && !error;
	     f = ld_json_next(f))
		error = take_finding(g, f, report);
	if (!error)
		error = take_key(g, run, report, start);
done:
	ld_json_free(root);
	return error;
}

/* ------------------------------------------------------------------ combining */

/* The inventory's own order (account, region, name): what an unsharded run reports. */
static int cmp_entries(const void *a, const void *b)
{
	const ld_function *x = &((const entry *)a)->fn, *y = &((const entry *)b)->fn;
	int c = strcmp(x->account ? x->account : "", y->account ? y->account : "");

	if (!c)
		c = strcmp(x->region, y->region);
	return c ? c : strcmp(x->name, y->name);
}

static int take_functions(merger *g)
{
	ld_inventory *inv = &g->m->inv;
	struct ld_merge_store *st = g->m->store;
	char msg[512];

	if (g->nentries > 1)
		qsort(g->entries, g->nentries, sizeof(*g->entries), cmp_entries);
	for (size_t i = 1; i < g->nentries; i++)
		if (!cmp_entries(&g->entries[i - 1], &g->entries[i])) {
			const ld_function *fn = &g->entries[i].fn;
			snprintf(msg, sizeof(msg), "function %.128s (%.32s, account %.16s) is also in "
				 "%.200s: the shards overlap; give each shard's report once",
				 fn->name, fn->region, fn->account ? fn->account : "unknown",
				 g->paths[g->entries[i - 1].report]);
			return bad(g->paths[g->entries[i].report], msg);
		}
	if (!g->nentries)
		return 0;
	if (!(st->pos = calloc(g->nentries, sizeof(*st->pos))))
		return ld_error_oom();
	/* The entries' memory becomes the inventory's function array, each function moved
	 * down over the entry before it (an ld_function is smaller than an entry): no second
	 * array of 100,000 functions at the peak. */
	for (size_t i = 0; i < g->nentries; i++) {
		ld_function fn = g->entries[i].fn;
		st->pos[i] = g->entries[i].pos;
		memcpy((ld_function *)(void *)g->entries + i, &fn, sizeof(fn));
	}
	inv->functions = (ld_function *)(void *)g->entries;
	inv->nfunctions = g->nentries;
	g->entries = NULL;
	g->nentries = g->alloc = 0;
	return 0;
}

/* Shard order: run.shard's index; reports without one by their accounts, then by path
 * (and argument order only for one path given twice). */
static int cmp_keys(const void *a, const void *b)
{
	const report_key *x = a, *y = b;
	int c;

	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	if ((c = strcmp(x->accounts, y->accounts)))
		return c;
	if ((c = strcmp(x->path, y->path)))
		return c;
	return x->report < y->report ? -1 : x->report > y->report;
}

/* One kind of line in shard order: each report's lines moved as a block. */
static int reorder_lines(char ***lines, size_t n, const merger *g, int kind)
{
	char **sorted;
	size_t at = 0;

	if (n < 2)
		return 0;
	if (!(sorted = malloc(n * sizeof(*sorted))))
		return ld_error_oom();
	for (size_t i = 0; i < g->nkeys; i++) {
		const report_key *k = &g->keys[i];
		memcpy(sorted + at, *lines + k->start[kind],
		       (k->end[kind] - k->start[kind]) * sizeof(*sorted));
		at += k->end[kind] - k->start[kind];
	}
	free(*lines);
	*lines = sorted;
	return 0;
}

/* The lines the reports added, in shard order rather than the order they were given. */
static int shard_order(merger *g)
{
	ld_merged *m = g->m;
	int error;

	if (g->nkeys > 1)
		qsort(g->keys, g->nkeys, sizeof(*g->keys), cmp_keys);
	if ((error = reorder_lines(&m->inv.problems, m->inv.nproblems, g, LINES_PROBLEMS)) < 0 ||
	    (error = reorder_lines(&m->inv.notes, m->inv.nnotes, g, LINES_NOTES)) < 0)
		return error;
	return reorder_lines(&m->shard_lines, m->nshard_lines, g, LINES_SHARD);
}

/* Shards that never reported: from run.shard of the others, or by count alone. */
/* A --function pattern that every shard noted as matching nothing there matched nothing in
 * the whole run: most often a typo, so the merge is incomplete, never clean. */
static int unmatched_everywhere(merger *g, size_t nreports)
{
	ld_inventory *inv = &g->m->inv;
	size_t plen = strlen(LD_NOTE_UNMATCHED_PREFIX), slen = strlen(LD_NOTE_UNMATCHED_SUFFIX);
	int error;

	for (size_t i = 0; i < inv->nnotes; i++) {
		const char *note = inv->notes[i];
		size_t len = strlen(note), same = 0;
		bool first = true;

		if (len < plen + slen || strncmp(note, LD_NOTE_UNMATCHED_PREFIX, plen) ||
		    strcmp(note + len - slen, LD_NOTE_UNMATCHED_SUFFIX))
			continue;
		for (size_t j = 0; j < inv->nnotes; j++)
			if (!strcmp(inv->notes[j], note)) {
				first = first && j >= i;
				same++;
			}
		if (!first || same < nreports)
			continue;
		if ((error = shard_linef(g->m, "--function '%.*s' matched no function in any shard",
					 (int)(len - plen - slen), note + plen)) < 0 ||
		    (error = ld_inventory_problem(inv, "--function '%.*s' matched no function in any "
						  "of the %zu shards; check the name and --region",
						  (int)(len - plen - slen), note + plen, nreports)) < 0)
			return error;
	}
	return 0;
}

static int missing_shards(merger *g, size_t nreports, size_t expect)
{
	ld_merged *m = g->m;
	int error;
	char msg[256];

	if (g->shard_count && g->unsharded)
		return bad(g->paths[0], "some reports name their shard (run.shard) and some do not; "
			   "merge the reports of one sharded run");
	if (g->shard_count && expect && expect != g->shard_count) {
		snprintf(msg, sizeof(msg), "--expect-shards %zu, but the reports are shards of %zu",
			 expect, g->shard_count);
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s", msg);
	}
	for (size_t i = 0; i < g->shard_count; i++)
		if (!g->shard_report[i]) {
			if ((error = shard_linef(m, "shard %zu/%zu did not report", i + 1,
						 g->shard_count)) < 0 ||
			    (error = ld_inventory_problem(&m->inv, "shard %zu/%zu did not report",
							  i + 1, g->shard_count)) < 0)
				return error;
		}
	if (!g->shard_count && expect > nreports) {
		snprintf(msg, sizeof(msg), "%zu of %zu shards did not report", expect - nreports,
			 expect);
		if ((error = shard_linef(m, "%s", msg)) < 0 ||
		    (error = ld_inventory_problem(&m->inv, "%s", msg)) < 0)
			return error;
	}
	return 0;
}

static void finish_inventory(ld_inventory *inv)
{
	if (inv->naccounts > 1)
		qsort(inv->accounts, inv->naccounts, sizeof(char *), ld_strcmp_ptrs);
	if (inv->nregions > 1)
		qsort(inv->regions, inv->nregions, sizeof(char *), ld_strcmp_ptrs);
	if (inv->naccounts == 1)
		inv->account = strdup(inv->accounts[0]);
	/* The partition is in every ARN: "arn:PARTITION:lambda:..." */
	for (size_t i = 0; !inv->partition && i < inv->nfunctions; i++) {
		const char *arn = inv->functions[i].arn, *end;
		if (arn && !strncmp(arn, "arn:", 4) && (end = strchr(arn + 4, ':')))
			inv->partition = strndup(arn + 4, (size_t)(end - arn - 4));
	}
}

int ld_merge_reports(ld_merged *m, const char *const *paths, size_t n, size_t expect_shards)
{
	merger g;
	int error = 0;

	memset(m, 0, sizeof(*m));
	memset(&g, 0, sizeof(g));
	ld_inventory_init(&m->inv);
	g.m = m;
	g.paths = paths;
	ld_buf_init(&g.piece, SHARD_REPORT_MAX);
	if (!(m->store = calloc(1, sizeof(*m->store))))
		return ld_error_oom();
	ld_buf_init(&m->store->text, SHARD_REPORT_MAX);
	if (!(m->store->strings = ld_arena_new())) {
		error = ld_error_oom();
		goto done;
	}
	if (!(m->store->tmp = tmpfile())) {
		error = ld_error_set(LD_ERR_OS, "cannot create a temporary file for the merge: %s",
				     strerror(errno));
		goto done;
	}
	if (n && !(g.keys = calloc(n, sizeof(*g.keys)))) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t i = 0; i < n && !error; i++)
		error = take_report(&g, i);
	if (!error)
		error = shard_order(&g);
	if (!error && fflush(m->store->tmp) != 0)
		error = ld_error_set(LD_ERR_OS, "cannot write the merge's temporary file: %s",
				     strerror(errno));
	if (!error && !(error = take_functions(&g)) &&
	    !(error = missing_shards(&g, n, expect_shards)) &&
	    !(error = unmatched_everywhere(&g, n)))
		finish_inventory(&m->inv);
done:
	free(g.entries); /* their strings are the store's */
	free(g.shard_report);
	for (size_t i = 0; i < g.nkeys; i++)
		free(g.keys[i].accounts);
	free(g.keys);
	ld_buf_dispose(&g.piece);
	return error;
}

int ld_report__merged_function(const char **text, const struct ld_merge_store *store,
				size_t i)
{
	struct ld_merge_store *st = (struct ld_merge_store *)store;
	const text_pos *p = &st->pos[i];
	ssize_t got;
	int error;

	ld_buf_clear(&st->text);
	if ((error = ld_buf_grow(&st->text, p->len + 1)) < 0)
		return error;
	if ((got = pread(fileno(st->tmp), st->text.ptr, p->len, p->off)) < 0 ||
	    (size_t)got != p->len)
		return ld_error_set(LD_ERR_OS, "cannot read the merge's temporary file: %s",
				    got < 0 ? strerror(errno) : "it is shorter than written");
	st->text.size = p->len;
	st->text.ptr[p->len] = '\0';
	*text = st->text.ptr;
	return 0;
}

void ld_merged_dispose(ld_merged *m)
{
	if (!m)
		return;
	/* The functions' strings are the store's arena's, not the inventory's to free. */
	for (size_t i = 0; i < m->inv.nfunctions; i++) {
		ld_function *fn = &m->inv.functions[i];
		fn->name = fn->region = fn->account = fn->arn = NULL;
	}
	ld_inventory_dispose(&m->inv);
	ld_findings_dispose(&m->findings);
	free(m->runtime_table);
	free(m->rules_text);
	for (size_t i = 0; i < m->rules.nonly; i++)
		free(m->rule_only[i]);
	for (size_t i = 0; i < m->rules.nskip; i++)
		free(m->rule_skip[i]);
	free(m->rule_only);
	free(m->rule_skip);
	for (size_t i = 0; i < m->nshard_lines; i++)
		free(m->shard_lines[i]);
	free(m->shard_lines);
	if (m->store) {
		if (m->store->tmp)
			fclose(m->store->tmp);
		free(m->store->pos);
		ld_buf_dispose(&m->store->text);
		ld_arena_free(m->store->strings);
		free(m->store);
	}
	memset(m, 0, sizeof(*m));
}
