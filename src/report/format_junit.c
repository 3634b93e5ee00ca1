/*
 * The JUnit XML report, for CI systems that render test results: a testsuite per region,
 * a testcase per function and check (every rule the command runs, plus any rule a finding
 * names), a <failure> per finding at or above --fail-on, findings below it in the case's
 * <system-out>, a case whose only findings a baseline accepted marked <skipped>, and a case
 * the scan could not judge for want of data (ld_findings.unchecked) an <error>. A last
 * suite, "lambdrift", holds the run's properties (an "account" property per account, as
 * "region" per region) and a "data complete" case that errors when the run is incomplete,
 * so missing data is never a green build; what was left out on purpose (a region not
 * enabled) is that case's <system-out>, where CI pages show it. Names of cases stay
 * the same from run to run (classname region.function, name = rule slug), which is what
 * CI systems key test history on.
 */
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/baseline.h"
#include "report/formats.h"
#include "report/report.h"

#define ACCOUNT_LEVEL "(account)"

typedef struct {
	const ld_finding **items; /* sorted by region, function, rule, then report order */
	size_t count;
} finding_index;

typedef struct {
	const ld_unchecked **items; /* sorted by region, function */
	size_t count;
} unchecked_index;

typedef struct {
	const ld_report *r;
	finding_index active, accepted;
	unchecked_index unchecked;
	size_t tests, failures, errors, skipped; /* of the suite being written */
} junit_ctx;

/* ------------------------------------------------------------------ escaping */

/* XML 1.0 text or attribute value: markup escaped, other C0 controls (not allowed in
 * XML 1.0 at all) replaced, line breaks kept in text and escaped in attributes. */
static void xml_put(ld_buf *out, const char *s, bool attr)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': ld_buf_puts(out, "&amp;"); break;
		case '<': ld_buf_puts(out, "&lt;"); break;
		case '>': ld_buf_puts(out, "&gt;"); break;
		case '"': ld_buf_puts(out, attr ? "&quot;" : "\""); break;
		case '\n': ld_buf_puts(out, attr ? "&#10;" : "\n"); break;
		case '\t': ld_buf_puts(out, attr ? "&#9;" : "\t"); break;
		case '\r': ld_buf_puts(out, "&#13;"); break;
		default:
			ld_buf_putc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
		}
	}
}

static void attr(ld_buf *out, const char *name, const char *value)
{
	ld_buf_printf(out, " %s=\"", name);
	xml_put(out, value, true);
	ld_buf_putc(out, '"');
}

/* ------------------------------------------------------------------ indexing */

static int cmp_opt(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_key(const ld_finding *f, const char *region, const char *function,
		   const char *rule)
{
	int c;
	if ((c = cmp_opt(f->region, region)) || (c = cmp_opt(f->function, function)))
		return c;
	return cmp_opt(f->rule, rule);
}

static int cmp_index(const void *pa, const void *pb)
{
	const ld_finding *a = *(const ld_finding *const *)pa, *b = *(const ld_finding *const *)pb;
	int c = cmp_key(a, b->region, b->function, b->rule);
	return c ? c : (a < b ? -1 : a > b);
}

static int index_of(finding_index *ix, const ld_findings *f)
{
	ix->count = f ? f->count : 0;
	ix->items = NULL;
	if (!ix->count)
		return 0;
	if (!(ix->items = calloc(ix->count, sizeof(*ix->items))))
		return ld_error_oom();
	for (size_t i = 0; i < ix->count; i++)
		ix->items[i] = &f->items[i];
	qsort(ix->items, ix->count, sizeof(*ix->items), cmp_index);
	return 0;
}

static int cmp_unchecked(const void *pa, const void *pb)
{
	const ld_unchecked *a = *(const ld_unchecked *const *)pa;
	const ld_unchecked *b = *(const ld_unchecked *const *)pb;
	int c = cmp_opt(a->region, b->region);
	return c ? c : cmp_opt(a->function, b->function);
}

static int unchecked_of(unchecked_index *ix, const ld_findings *f)
{
	ix->count = f ? f->nunchecked : 0;
	ix->items = NULL;
	if (!ix->count)
		return 0;
	if (!(ix->items = calloc(ix->count, sizeof(*ix->items))))
		return ld_error_oom();
	for (size_t i = 0; i < ix->count; i++)
		ix->items[i] = &f->unchecked[i];
	qsort(ix->items, ix->count, sizeof(*ix->items), cmp_unchecked);
	return 0;
}

/* Whether the scan could not judge `rule` for the function for want of data. */
static bool unchecked(const unchecked_index *ix, const char *region, const char *function,
		      const char *rule)
{
	size_t lo = 0, hi = ix->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ld_unchecked *u = ix->items[mid];
		int c = cmp_opt(u->region, region);
		if ((c ? c : cmp_opt(u->function, function)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->count; lo++) {
		const ld_unchecked *u = ix->items[lo];
		if (cmp_opt(u->region, region) || cmp_opt(u->function, function))
			break;
		if (u->rules & ld_rule_bit(rule))
			return true;
	}
	return false;
}

/* First finding at or after (region, function, rule), by binary search. */
static size_t lower_bound(const finding_index *ix, const char *region, const char *function,
			  const char *rule)
{
	size_t lo = 0, hi = ix->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key(ix->items[mid], region, function, rule) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ------------------------------------------------------------------ cases */

static bool fails(const junit_ctx *j, const ld_finding *f)
{
	return j->r->fail_on != LD_SEV_NONE && f->severity >= j->r->fail_on;
}

static void finding_body(ld_buf *out, const junit_ctx *j, const ld_finding *f)
{
	const ld_baseline_entry *e = ld_baseline_expired_for(j->r->baseline, f->fingerprint);
	char arn[1024];

	ld_report__finding_arn(arn, sizeof(arn), j->r, f);
	ld_buf_printf(out, "%s %s: ", ld_report__sev_name(f->severity), f->rule ? f->rule : "?");
	xml_put(out, f->message, false);
	ld_buf_puts(out, "\nfunction: ");
	xml_put(out, arn, false);
	if (ld_report__spec_line(f) && j->r->spec_uri) {
		ld_buf_puts(out, "\nspec: ");
		xml_put(out, j->r->spec_uri, false);
		ld_buf_printf(out, ":%u", ld_report__spec_line(f));
	}
	ld_buf_printf(out, "\nfingerprint: %s", f->fingerprint);
	if (f->evidence) {
		ld_buf_puts(out, "\nevidence: ");
		xml_put(out, f->evidence, false);
	}
	if (e) {
		ld_buf_printf(out, "\nbaseline: accepted until %s (expired): ", e->expires);
		xml_put(out, e->reason, false);
	}
	ld_buf_printf(out, "\nhelp: lambdrift explain %s\n", f->rule ? f->rule : "");
}

static void failure(ld_buf *out, const junit_ctx *j, const ld_finding *f)
{
	ld_buf_puts(out, "      <failure");
	attr(out, "message", f->message);
	attr(out, "type", f->rule);
	ld_buf_putc(out, '>');
	finding_body(out, j, f);
	ld_buf_puts(out, "</failure>\n");
}

static void skipped(ld_buf *out, const junit_ctx *j, const ld_finding *f)
{
	const ld_baseline_result *b = j->r->baseline;
	const ld_baseline_entry *e = NULL;
	ld_buf msg = LD_BUF_INIT_CAP(2048);

	for (size_t i = 0; b && i < b->suppressed.count && !e; i++)
		if (&b->suppressed.items[i] == f)
			e = b->suppressed_by[i];
	ld_buf_printf(&msg, "accepted in baseline%s%s: %s", e && e->expires ? " until " : "",
		      e && e->expires ? e->expires : "", e ? e->reason : "");
	ld_buf_puts(out, "      <skipped");
	attr(out, "message", msg.error ? "accepted in baseline" : msg.ptr);
	ld_buf_puts(out, "/>\n");
	ld_buf_dispose(&msg);
}

static void testcase(ld_buf *out, junit_ctx *j, const char *region, const char *function,
		     const char *rule)
{
	char classname[600];
	size_t a = lower_bound(&j->active, region, function, rule);
	size_t s = lower_bound(&j->accepted, region, function, rule);
	size_t nfail = 0, nquiet = 0, naccepted = 0;
	bool gap = function && unchecked(&j->unchecked, region, function, rule);

	for (size_t i = a; i < j->active.count &&
	     !cmp_key(j->active.items[i], region, function, rule); i++) {
		if (fails(j, j->active.items[i]))
			nfail++;
		else
			nquiet++;
	}
	for (size_t i = s; i < j->accepted.count &&
	     !cmp_key(j->accepted.items[i], region, function, rule); i++)
		naccepted++;
	snprintf(classname, sizeof(classname), "%s.%s", region ? region : "-",
		 function ? function : ACCOUNT_LEVEL);
	ld_buf_puts(out, "    <testcase");
	attr(out, "classname", classname);
	attr(out, "name", rule);
	ld_buf_puts(out, " time=\"0\"");
	j->tests++;
	if (!nfail && !nquiet && !naccepted && !gap) {
		ld_buf_puts(out, "/>\n");
		return;
	}
	ld_buf_puts(out, ">\n");
	/* data the rule reads is missing: an error, never a pass (the run's problems say why) */
	if (gap) {
		ld_buf_puts(out, "      <error message=\"unchecked: the data this rule reads is "
				 "missing; see the data complete case\" type=\"unchecked\"/>\n");
		j->errors++;
	}
	for (size_t i = a; i < a + nfail + nquiet; i++)
		if (fails(j, j->active.items[i]))
			failure(out, j, j->active.items[i]);
	if (nfail)
		j->failures++;
	else if (naccepted) {
		skipped(out, j, j->accepted.items[s]);
		j->skipped++;
	}
	if (nquiet) {
		ld_buf_puts(out, "      <system-out>");
		for (size_t i = a; i < a + nfail + nquiet; i++)
			if (!fails(j, j->active.items[i]))
				finding_body(out, j, j->active.items[i]);
		ld_buf_puts(out, "</system-out>\n");
	}
	ld_buf_puts(out, "    </testcase>\n");
}

/* Rules a finding of this function names that the command does not run (a test fixture,
 * a rule newer than the command's set) get their case too, once each, so no finding is
 * lost. Slugs come from ld_rules[], so there are few distinct ones. */
static void extra_cases(ld_buf *out, junit_ctx *j, const char *region, const char *function)
{
	const finding_index *lists[2] = { &j->active, &j->accepted };
	const char *done[64];
	size_t ndone = 0;

	for (size_t l = 0; l < 2; l++) {
		const finding_index *ix = lists[l];
		for (size_t i = lower_bound(ix, region, function, ""); i < ix->count; i++) {
			const ld_finding *f = ix->items[i];
			bool seen = ld_report__rule_runs(j->r->command, f->rule, ld_report__checks(j->r));
			if (cmp_opt(f->region, region) || cmp_opt(f->function, function))
				break;
			for (size_t k = 0; k < ndone && !seen; k++)
				seen = !cmp_opt(done[k], f->rule);
			if (seen || ndone == sizeof(done) / sizeof(done[0]))
				continue;
			done[ndone++] = f->rule;
			testcase(out, j, region, function, f->rule);
		}
	}
}

static void function_cases(ld_buf *out, junit_ctx *j, const char *region, const char *function)
{
	/* a rule --rule/--skip-rule left out has no case: it did not pass, it did not run */
	for (const ld_rule_info *info = ld_rules; info->slug; info++)
		if (ld_report__rule_runs(j->r->command, info->slug,
					 ld_report__checks(j->r)) &&
		    ld_rule_selected(j->r->rules, info->slug))
			testcase(out, j, region, function, info->slug);
	extra_cases(out, j, region, function);
}

/* ------------------------------------------------------------------ suites */

/* Functions of a region: the inventory's, then any only findings name (function-missing),
 * each once. */
static int region_functions(const junit_ctx *j, const char *region, const char ***out, size_t *n)
{
	const ld_inventory *inv = j->r->inv;
	const finding_index *lists[2] = { &j->active, &j->accepted };
	size_t cap = inv->nfunctions + j->active.count + j->accepted.count + 1;
	const char **names = calloc(cap, sizeof(*names));

	*n = 0;
	if (!(*out = names))
		return ld_error_oom();
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!cmp_opt(inv->functions[i].region, region))
			names[(*n)++] = inv->functions[i].name;
	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->count; i++) {
			const ld_finding *f = lists[l]->items[i];
			bool seen = false;
			if (cmp_opt(f->region, region))
				continue;
			for (size_t k = 0; k < *n && !seen; k++)
				seen = !cmp_opt(names[k], f->function);
			if (!seen)
				names[(*n)++] = f->function;
		}
	}
	return 0;
}

static int region_suite(ld_buf *out, junit_ctx *j, const char *region)
{
	ld_buf body = LD_BUF_INIT_CAP(out->cap);
	const char **names = NULL;
	size_t n = 0;
	int error;

	j->tests = j->failures = j->errors = j->skipped = 0;
	if ((error = region_functions(j, region, &names, &n)) < 0)
		return error;
	for (size_t i = 0; i < n; i++)
		function_cases(&body, j, region, names[i]);
	free(names);
	if (body.error)
		return body.error;
	ld_buf_puts(out, "  <testsuite");
	attr(out, "name", region ? region : "-");
	ld_buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
			   "time=\"0\">\n", j->tests, j->failures, j->errors, j->skipped);
	ld_buf_put(out, body.ptr, body.size);
	ld_buf_puts(out, "  </testsuite>\n");
	ld_buf_dispose(&body);
	return out->error;
}

static void property(ld_buf *out, const char *name, const char *value)
{
	if (!value)
		return;
	ld_buf_puts(out, "      <property");
	attr(out, "name", name);
	attr(out, "value", value);
	ld_buf_puts(out, "/>\n");
}

static void run_properties(ld_buf *out, const ld_report *r)
{
	const ld_baseline_result *b = r->baseline;
	const ld_inventory *inv = r->inv;
	char num[32];

	ld_buf_puts(out, "    <properties>\n");
	property(out, "command", r->command);
	property(out, "tag", r->tag);
	property(out, "commit", r->commit);
	property(out, "started", r->started);
	if (ld_report__several_accounts(inv))
		for (size_t i = 0; i < inv->naccounts; i++)
			property(out, "account", inv->accounts[i]);
	else
		property(out, "account", inv->account ? inv->account
				       : inv->naccounts ? inv->accounts[0] : NULL);
	for (size_t i = 0; i < inv->nregions; i++)
		property(out, "region", inv->regions[i]);
	snprintf(num, sizeof(num), "%lu", ld_report__total_calls(&inv->calls));
	property(out, "api_calls", num);
	property(out, "fail_on", ld_report__sev_name(r->fail_on));
	for (size_t i = 0; r->rules && i < r->rules->nonly; i++)
		property(out, "rule", r->rules->only[i]);
	for (size_t i = 0; r->rules && i < r->rules->nskip; i++)
		property(out, "skip_rule", r->rules->skip[i]);
	if (ld_rule_selection_given(r->rules)) {
		snprintf(num, sizeof(num), "%zu", ld_rule_selection_skipped(r->rules));
		property(out, "rules_skipped", num);
	}
	if (b) {
		property(out, "baseline", b->path);
		snprintf(num, sizeof(num), "%zu", b->suppressed.count);
		property(out, "baseline_suppressed", num);
		snprintf(num, sizeof(num), "%zu", b->nexpired);
		property(out, "baseline_expired", num);
		snprintf(num, sizeof(num), "%zu", b->nstale);
		property(out, "baseline_stale", num);
	}
	ld_buf_puts(out, "    </properties>\n");
}

/* Left out on purpose: not an error, but a reader of the CI page should see it. */
static void data_notes(ld_buf *out, const ld_inventory *inv)
{
	if (!inv->nnotes)
		return;
	ld_buf_puts(out, "      <system-out>");
	for (size_t i = 0; i < inv->nnotes; i++) {
		ld_buf_puts(out, "note: ");
		xml_put(out, inv->notes[i], false);
		ld_buf_putc(out, '\n');
	}
	ld_buf_puts(out, "</system-out>\n");
}

/* The run itself as a suite: its properties and whether all data was collected. */
static void run_suite(ld_buf *out, junit_ctx *j)
{
	const ld_inventory *inv = j->r->inv;
	const ld_baseline_result *b = j->r->baseline;
	bool bad = !inv->complete;

	ld_buf_printf(out, "  <testsuite name=\"lambdrift\" tests=\"1\" failures=\"0\" "
			   "errors=\"%d\" skipped=\"0\" time=\"0\">\n", bad ? 1 : 0);
	run_properties(out, j->r);
	ld_buf_puts(out, "    <testcase classname=\"lambdrift\" name=\"data complete\" time=\"0\"");
	j->errors += bad;
	if (!bad && !inv->nnotes) {
		ld_buf_puts(out, "/>\n");
	} else {
		ld_buf_puts(out, ">\n");
		if (bad) {
			ld_buf_printf(out, "      <error message=\"run incomplete: %zu %s; findings may "
					   "be missing\" type=\"incomplete\">", inv->nproblems,
				      inv->nproblems == 1 ? "problem" : "problems");
			for (size_t i = 0; i < inv->nproblems; i++) {
				xml_put(out, inv->problems[i], false);
				ld_buf_putc(out, '\n');
			}
			ld_buf_puts(out, "</error>\n");
		}
		data_notes(out, inv);
		ld_buf_puts(out, "    </testcase>\n");
	}
	if (b && b->nstale) {
		ld_buf_puts(out, "    <system-out>stale baseline entries (they match no finding):\n");
		for (size_t i = 0; i < b->nstale; i++) {
			const ld_baseline_entry *e = b->stale[i];
			ld_buf_printf(out, "%s %s ", e->fingerprint, e->rule ? e->rule : "?");
			xml_put(out, e->function ? e->function : ACCOUNT_LEVEL, false);
			ld_buf_putc(out, ' ');
			xml_put(out, e->region ? e->region : "-", false);
			ld_buf_putc(out, '\n');
		}
		ld_buf_puts(out, "</system-out>\n");
	}
	ld_buf_puts(out, "  </testsuite>\n");
}

/* Regions in the report's order, then any only a finding names. */
static int suites(ld_buf *out, junit_ctx *j, size_t *tests, size_t *failures, size_t *errors,
		  size_t *skipped)
{
	const ld_inventory *inv = j->r->inv;
	const char **regions;
	size_t n = 0;
	int error = 0;

	if (!(regions = calloc(inv->nregions + j->active.count + j->accepted.count + 1,
			       sizeof(*regions))))
		return ld_error_oom();
	for (size_t i = 0; i < inv->nregions; i++)
		regions[n++] = inv->regions[i];
	for (size_t l = 0; l < 2; l++) {
		const finding_index *ix = l ? &j->accepted : &j->active;
		for (size_t i = 0; i < ix->count; i++) {
			bool seen = false;
			for (size_t k = 0; k < n && !seen; k++)
				seen = !cmp_opt(regions[k], ix->items[i]->region);
			if (!seen)
				regions[n++] = ix->items[i]->region;
		}
	}
	for (size_t i = 0; i < n && error == 0; i++) {
		error = region_suite(out, j, regions[i]);
		*tests += j->tests;
		*failures += j->failures;
		*errors += j->errors;
		*skipped += j->skipped;
	}
	free(regions);
	return error;
}

int ld_report__junit(ld_buf *out, const ld_report *r)
{
	const ld_baseline_result *b = r->baseline;
	junit_ctx j;
	ld_buf body = LD_BUF_INIT_CAP(out->cap);
	size_t tests = 1, failures = 0, errors = 0, skipped = 0;
	int error;

	memset(&j, 0, sizeof(j));
	j.r = r;
	if ((error = index_of(&j.active, r->findings)) < 0 ||
	    (error = index_of(&j.accepted, b ? &b->suppressed : NULL)) < 0 ||
	    (error = unchecked_of(&j.unchecked, r->findings)) < 0 ||
	    (error = suites(&body, &j, &tests, &failures, &errors, &skipped)) < 0)
		goto done;
	j.errors = errors;
	run_suite(&body, &j);
	ld_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<testsuites name=\"lambdrift %s\"", r->command ? r->command : "scan");
	ld_buf_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
			   "time=\"0\">\n", tests, failures, j.errors, skipped);
	ld_buf_put(out, body.ptr, body.size);
	ld_buf_puts(out, "</testsuites>\n");
	error = body.error ? body.error : out->error;
done:
	free(j.active.items);
	free(j.accepted.items);
	free(j.unchecked.items);
	ld_buf_dispose(&body);
	return error;
}
