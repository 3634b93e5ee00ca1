/*
 * Gaps of the scan rules (gaps.h): noted while the rules run, reported as problem lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/gaps.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/array.h"

#define MAX_NAMED 5 /* functions a problem line names; the rest are counted */

const char *const ld_gap_rules_role[] = { "role-overprivileged", "logging-denied", NULL };
const char *const ld_gap_rules_logs[] = { "log-retention", NULL };
const char *const ld_gap_rules_access[] = { "url-public", "policy-public",
					    "concurrency-unbounded", "trigger-unqualified", NULL };
const char *const ld_gap_rules_urls[] = { "url-public", "trigger-unqualified", NULL };
const char *const ld_gap_rules_concurrency[] = { "concurrency-unbounded", NULL };
const char *const ld_gap_rules_env[] = { "env-plaintext-secret", NULL };
const char *const ld_gap_rules_signing[] = { "code-signing-unenforced", "code-signing-missing",
					     NULL };

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool any_selected(const ld_gaps *g, const char *const *rules)
{
	for (; *rules; rules++)
		if (ld_rule_selected(g->rules, *rules))
			return true;
	return false;
}

static ld_gap *find(ld_gaps *g, const char *const *rules, const char *account,
		    const char *region, const char *reason)
{
	for (size_t i = 0; i < g->count; i++) {
		ld_gap *x = &g->items[i];
		if (x->rules == rules && same(x->account, account) && same(x->region, region) &&
		    !strcmp(x->reason, reason))
			return x;
	}
	return NULL;
}

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	return !s || (*out = strdup(s)) ? 0 : ld_error_oom();
}

static int add_function(ld_gap *x, const char *name)
{
	for (size_t i = 0; i < x->nfunctions; i++)
		if (!strcmp(x->functions[i], name))
			return 0;
	if (ld_array_grow(x->functions, x->nfunctions, 1) < 0)
		return LD_ERROR;
	if (!(x->functions[x->nfunctions] = strdup(name)))
		return ld_error_oom();
	x->nfunctions++;
	return 0;
}

int ld_gaps_unchecked(ld_gaps *g, const char *const *rules, const ld_function *fn,
		      const char *account)
{
	ld_findings *out = g->out;
	ld_unchecked *u;
	uint64_t bits = 0;

	for (; *rules; rules++)
		if (ld_rule_selected(g->rules, *rules))
			bits |= ld_rule_bit(*rules);
	if (!out || !bits)
		return 0;
	if (ld_array_grow(out->unchecked, out->nunchecked, 1) < 0)
		return LD_ERROR;
	u = &out->unchecked[out->nunchecked];
	memset(u, 0, sizeof(*u));
	u->rules = bits;
	if (dup_or_null(&u->account, account) < 0 || dup_or_null(&u->region, fn->region) < 0 ||
	    dup_or_null(&u->function, fn->name) < 0) {
		free(u->account);
		free(u->region);
		return LD_ERROR;
	}
	out->nunchecked++;
	return 0;
}

int ld_gaps_add(ld_gaps *g, const char *const *rules, const ld_function *fn,
		const char *account, bool regional, const char *fmt, ...)
{
	const char *region = regional ? fn->region : NULL;
	char reason[1024];
	ld_gap *x;
	va_list ap;

	if (!any_selected(g, rules))
		return 0;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (!(x = find(g, rules, account, region, reason))) {
		if (ld_array_grow(g->items, g->count, 1) < 0)
			return LD_ERROR;
		x = &g->items[g->count];
		memset(x, 0, sizeof(*x));
		g->count++;
		x->rules = rules;
		if (dup_or_null(&x->account, account) < 0 || dup_or_null(&x->region, region) < 0 ||
		    dup_or_null(&x->reason, reason) < 0)
			return LD_ERROR;
	}
	return add_function(x, fn->name) < 0 ? LD_ERROR : ld_gaps_unchecked(g, rules, fn, account);
}

bool ld_gaps_reported(const ld_gaps *g, const char *text)
{
	for (size_t i = 0; text && g->inv && i < g->inv->nproblems; i++)
		if (strstr(g->inv->problems[i], text))
			return true;
	return false;
}

/* "role-overprivileged and logging-denied unchecked for 2 functions in account A region R
 * (a, b): REASON" */
static int report_one(const ld_gaps *g, const ld_gap *x, ld_inventory *inv)
{
	ld_buf b = LD_BUF_INIT_CAP(8192);
	size_t n = 0, shown = 0;
	int error;

	for (const char *const *r = x->rules; *r; r++)
		if (ld_rule_selected(g->rules, *r))
			n++;
	for (const char *const *r = x->rules; *r; r++) {
		if (!ld_rule_selected(g->rules, *r))
			continue;
		shown++;
		ld_buf_printf(&b, "%s%s", shown == 1 ? "" : shown == n ? " and " : ", ", *r);
	}
	ld_buf_printf(&b, " unchecked for %zu function%s", x->nfunctions,
		      x->nfunctions == 1 ? "" : "s");
	if (x->account)
		ld_buf_printf(&b, " in account %s", x->account);
	if (x->region)
		ld_buf_printf(&b, "%s %s", x->account ? " region" : " in region", x->region);
	for (size_t i = 0; i < x->nfunctions && i < MAX_NAMED; i++)
		ld_buf_printf(&b, "%s%s", i ? ", " : " (", x->functions[i]);
	if (x->nfunctions > MAX_NAMED)
		ld_buf_printf(&b, " and %zu more", x->nfunctions - MAX_NAMED);
	ld_buf_printf(&b, "): %s", x->reason);
	error = b.error < 0 ? b.error : ld_inventory_problem(inv, "%s", b.ptr);
	ld_buf_dispose(&b);
	return error;
}

int ld_gaps_report(ld_gaps *g, ld_inventory *inv)
{
	int error = 0;

	for (size_t i = 0; i < g->count && error == 0; i++)
		error = report_one(g, &g->items[i], inv);
	if (error < 0)
		inv->complete = false; /* a line that could not be stored still fails the run */
	ld_gaps_dispose(g);
	return error;
}

void ld_gaps_dispose(ld_gaps *g)
{
	for (size_t i = 0; i < g->count; i++) {
		ld_gap *x = &g->items[i];
		for (size_t k = 0; k < x->nfunctions; k++)
			free(x->functions[k]);
		free(x->functions);
		free(x->account);
		free(x->region);
		free(x->reason);
	}
	free(g->items);
	g->items = NULL;
	g->count = 0;
}
