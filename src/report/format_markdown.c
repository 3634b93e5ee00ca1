/*
 * The Markdown report, for a CI job page (GitHub's step summary, GitLab's job page): a
 * heading with the verdict, what was checked, counts by severity (and what a baseline
 * hid), a table of findings, the files behind each code-drift finding as a short list, the
 * problems of an incomplete run, notes on what was left out on purpose (a region not
 * enabled) and stale baseline entries. A run over several accounts names them (a few by
 * id, many by count) and gives the table an account column. Everything from the account is
 * escaped, so a function name or message cannot open HTML or break a table. The table is
 * capped; the JSON report has everything.
 */
#include <string.h>

#include "lambdrift/errors.h"
#include "report/baseline.h"
#include "report/formats.h"
#include "report/report.h"
#include "util/json.h"

#define TABLE_MAX_ROWS 300   /* findings shown in the table */
#define DRIFT_MAX_FINDINGS 20
#define DRIFT_MAX_FILES 10   /* files listed per code-drift finding */
#define ACCOUNTS_LISTED 4    /* past this many, the line counts accounts (JSON lists all) */

/* Text in a table cell or list item: Markdown punctuation backslash-escaped, HTML
 * metacharacters as entities, control characters (there should be none) as spaces. */
static void md_put(ld_buf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			ld_buf_puts(out, "&amp;");
		else if (c == '<')
			ld_buf_puts(out, "&lt;");
		else if (c == '>')
			ld_buf_puts(out, "&gt;");
		else if (c < 0x20 || c == 0x7f)
			ld_buf_putc(out, ' ');
		else {
			if (strchr("\\`*_[]|#~!", c))
				ld_buf_putc(out, '\\');
			ld_buf_putc(out, (char)c);
		}
	}
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static size_t total(const ld_report__counts *c)
{
	return c->by_sev[LD_SEV_ERROR] + c->by_sev[LD_SEV_WARNING] + c->by_sev[LD_SEV_NOTE];
}

static void heading(ld_buf *out, const ld_report *r, const ld_report__counts *c)
{
	const char *icon = !r->inv->complete || c->by_sev[LD_SEV_ERROR] ? ":x:"
			   : total(c) ? ":warning:" : ":white_check_mark:";

	ld_buf_printf(out, "## %s lambdrift %s: ", icon, r->command ? r->command : "scan");
	if (!r->inv->complete)
		ld_buf_puts(out, "incomplete, ");
	if (!total(c))
		ld_buf_puts(out, "no findings\n\n");
	else
		ld_buf_printf(out, "%zu %s, %zu %s, %zu %s\n\n", c->by_sev[LD_SEV_ERROR],
			      plural(c->by_sev[LD_SEV_ERROR], "error", "errors"),
			      c->by_sev[LD_SEV_WARNING],
			      plural(c->by_sev[LD_SEV_WARNING], "warning", "warnings"),
			      c->by_sev[LD_SEV_NOTE], plural(c->by_sev[LD_SEV_NOTE], "note", "notes"));
}

static void accounts(ld_buf *out, const ld_inventory *inv, bool first)
{
	if (!ld_report__several_accounts(inv)) {
		ld_buf_puts(out, first ? "Account " : "account ");
		md_put(out, inv->account ? inv->account
			    : inv->naccounts ? inv->accounts[0] : "unknown");
		return;
	}
	if (inv->naccounts > ACCOUNTS_LISTED) {
		ld_buf_printf(out, "%zu accounts", inv->naccounts);
		return;
	}
	ld_buf_puts(out, first ? "Accounts " : "accounts ");
	for (size_t i = 0; i < inv->naccounts; i++) {
		ld_buf_puts(out, i ? ", " : "");
		md_put(out, inv->accounts[i]);
	}
}

static void what(ld_buf *out, const ld_report *r)
{
	const ld_inventory *inv = r->inv;
	unsigned long calls = ld_report__total_calls(&inv->calls);

	if (r->tag) {
		ld_buf_puts(out, "Tag ");
		md_put(out, r->tag);
		if (r->commit) {
			ld_buf_puts(out, " (commit ");
			md_put(out, r->commit);
			ld_buf_putc(out, ')');
		}
		ld_buf_puts(out, ", ");
		accounts(out, inv, false);
	} else {
		accounts(out, inv, true);
	}
	ld_buf_puts(out, plural(inv->nregions, ", region ", ", regions "));
	for (size_t i = 0; i < inv->nregions; i++) {
		ld_buf_puts(out, i ? ", " : "");
		md_put(out, inv->regions[i]);
	}
	if (!inv->nregions)
		ld_buf_puts(out, "none");
	ld_buf_printf(out, ": %zu %s %s, %lu API %s.\n\n", inv->nfunctions,
		      plural(inv->nfunctions, "function", "functions"), r->tag ? "verified" : "scanned",
		      calls, plural(calls, "call", "calls"));
}

static void counts(ld_buf *out, const ld_report *r, const ld_report__counts *c)
{
	const ld_baseline_result *b = r->baseline;

	ld_buf_puts(out, "| severity | findings |\n|---|---:|\n");
	ld_buf_printf(out, "| error | %zu |\n| warning | %zu |\n| note | %zu |\n",
		      c->by_sev[LD_SEV_ERROR], c->by_sev[LD_SEV_WARNING], c->by_sev[LD_SEV_NOTE]);
	if (b) {
		ld_buf_printf(out, "| accepted in baseline (hidden) | %zu |\n", b->suppressed.count);
		ld_buf_printf(out, "| baseline expired (shown again) | %zu |\n", b->nexpired);
		if (b->stale_known)
			ld_buf_printf(out, "| stale baseline entries | %zu |\n", b->nstale);
	}
	if (ld_rule_selection_given(r->rules))
		ld_buf_printf(out, "| rules not run (--rule, --skip-rule) | %zu |\n",
			      ld_rule_selection_skipped(r->rules));
	ld_buf_printf(out, "\nFails at: **%s** and above.\n\n",
		      r->fail_on == LD_SEV_NONE ? "nothing" : ld_report__sev_name(r->fail_on));
}

static void finding_row(ld_buf *out, const ld_report *r, const ld_finding *f)
{
	const ld_baseline_entry *e = ld_baseline_expired_for(r->baseline, f->fingerprint);

	ld_buf_printf(out, "| %s | ", ld_report__sev_name(f->severity));
	md_put(out, f->rule);
	ld_buf_puts(out, " | ");
	md_put(out, f->function ? f->function : "(account)");
	ld_buf_puts(out, " | ");
	if (ld_report__several_accounts(r->inv)) {
		const char *account = ld_report__finding_account(r, f);
		md_put(out, account ? account : "-");
		ld_buf_puts(out, " | ");
	}
	md_put(out, f->region ? f->region : "-");
	ld_buf_puts(out, " | ");
	md_put(out, f->qualifier ? f->qualifier : "-");
	ld_buf_puts(out, " | ");
	md_put(out, f->message);
	if (e) {
		ld_buf_printf(out, " (baseline entry expired %s: ", e->expires);
		md_put(out, e->reason);
		ld_buf_putc(out, ')');
	}
	ld_buf_puts(out, " |\n");
}

static void table(ld_buf *out, const ld_report *r)
{
	size_t n = r->findings ? r->findings->count : 0;

	if (!n)
		return;
	if (ld_report__several_accounts(r->inv))
		ld_buf_puts(out, "### Findings\n\n| severity | rule | function | account | region | "
				 "qualifier | message |\n|---|---|---|---|---|---|---|\n");
	else
		ld_buf_puts(out, "### Findings\n\n| severity | rule | function | region | qualifier | "
				 "message |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < n && i < TABLE_MAX_ROWS; i++)
		finding_row(out, r, &r->findings->items[i]);
	if (n > TABLE_MAX_ROWS)
		ld_buf_printf(out, "\n... and %zu more findings; see the JSON or SARIF report.\n",
			      n - TABLE_MAX_ROWS);
	ld_buf_putc(out, '\n');
}

/* ------------------------------------------------------------------ code drift */

static const struct {
	const char *key;
	const char *mark;
} kinds[] = { { "added", "+" }, { "removed", "-" }, { "modified", "~" } };

static size_t kind_count(const ld_json *ev, size_t k)
{
	size_t listed = ld_json_size(ld_json_get(ev, kinds[k].key));
	double n;

	if (ld_json_get_num(ld_json_get(ev, "counts"), kinds[k].key, &n) && n >= (double)listed &&
	    n < 1e15)
		return (size_t)n;
	return listed;
}

/* An evidence item is a path, or an object with "path" (and "what" for a modification). */
static void file_item(ld_buf *out, size_t k, const ld_json *item)
{
	const char *path = ld_json_is_string(item) ? ld_json_str(item) : ld_json_get_str(item, "path");
	const char *why = ld_json_get_str(item, "what");

	ld_buf_printf(out, "  - %s ", kinds[k].mark);
	md_put(out, path ? path : "?");
	if (why) {
		ld_buf_puts(out, " (");
		md_put(out, why);
		ld_buf_putc(out, ')');
	}
	ld_buf_putc(out, '\n');
}

static void drift_item(ld_buf *out, const ld_report *r, const ld_finding *f, const ld_json *ev)
{
	const char *account = ld_report__several_accounts(r->inv)
				      ? ld_report__finding_account(r, f) : NULL;
	size_t shown = 0, all = 0;

	ld_buf_puts(out, "- ");
	md_put(out, f->function);
	ld_buf_puts(out, " (");
	md_put(out, f->region ? f->region : "-");
	if (f->qualifier) {
		ld_buf_puts(out, ", ");
		md_put(out, f->qualifier);
	}
	if (account) {
		ld_buf_puts(out, ", account ");
		md_put(out, account);
	}
	ld_buf_puts(out, "):\n");
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const ld_json *list = ld_json_get(ev, kinds[k].key);
		all += kind_count(ev, k);
		for (size_t i = 0; i < ld_json_size(list) && shown < DRIFT_MAX_FILES; i++, shown++)
			file_item(out, k, ld_json_at(list, i));
	}
	if (all > shown)
		ld_buf_printf(out, "  - ... and %zu more\n", all - shown);
}

static void drift(ld_buf *out, const ld_report *r)
{
	size_t listed = 0;

	for (size_t i = 0; r->findings && i < r->findings->count; i++) {
		const ld_finding *f = &r->findings->items[i];
		ld_json *ev = NULL;

		if (!f->rule || strcmp(f->rule, "code-drift") || !f->evidence ||
		    ld_json_parse(&ev, f->evidence, strlen(f->evidence), "finding evidence") < 0) {
			ld_error_clear();
			continue;
		}
		if (listed++ == 0)
			ld_buf_puts(out, "### Code drift\n\nFiles that differ from the tag's artifact "
					 "(+ added, - removed, ~ modified):\n\n");
		if (listed <= DRIFT_MAX_FINDINGS)
			drift_item(out, r, f, ev);
		ld_json_free(ev);
	}
	if (listed > DRIFT_MAX_FINDINGS)
		ld_buf_printf(out, "- ... and %zu more functions\n", listed - DRIFT_MAX_FINDINGS);
	if (listed)
		ld_buf_putc(out, '\n');
}

/* ------------------------------------------------------------------ the rest */

static void problems(ld_buf *out, const ld_inventory *inv)
{
	if (inv->complete && !inv->nproblems)
		return;
	ld_buf_puts(out, "### Incomplete run\n\nData is missing, so findings may be missing too; "
			 "this is not a clean result.\n\n");
	for (size_t i = 0; i < inv->nproblems; i++) {
		ld_buf_puts(out, "- ");
		md_put(out, inv->problems[i]);
		ld_buf_putc(out, '\n');
	}
	if (!inv->nproblems)
		ld_buf_puts(out, "- the inventory is marked incomplete\n");
	ld_buf_putc(out, '\n');
}

/* What was left out on purpose; unlike problems, the run is still complete. */
static void notes(ld_buf *out, const ld_inventory *inv)
{
	if (!inv->nnotes)
		return;
	ld_buf_puts(out, "### Notes\n\nLeft out on purpose, not missing data:\n\n");
	for (size_t i = 0; i < inv->nnotes; i++) {
		ld_buf_puts(out, "- ");
		md_put(out, inv->notes[i]);
		ld_buf_putc(out, '\n');
	}
	ld_buf_putc(out, '\n');
}

static void stale(ld_buf *out, const ld_baseline_result *b)
{
	if (!b || !b->nstale)
		return;
	ld_buf_puts(out, "### Stale baseline entries\n\nThese entries of ");
	md_put(out, b->path);
	ld_buf_puts(out, " match no finding any more; remove them from the baseline.\n\n"
			 "| fingerprint | rule | function | region | reason |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < b->nstale; i++) {
		const ld_baseline_entry *e = b->stale[i];
		ld_buf_printf(out, "| %s | ", e->fingerprint);
		md_put(out, e->rule);
		ld_buf_puts(out, " | ");
		md_put(out, e->function ? e->function : "(account)");
		ld_buf_puts(out, " | ");
		md_put(out, e->region ? e->region : "-");
		ld_buf_puts(out, " | ");
		md_put(out, e->reason);
		ld_buf_puts(out, " |\n");
	}
	ld_buf_putc(out, '\n');
}

int ld_report__markdown(ld_buf *out, const ld_report *r)
{
	ld_report__counts c;

	ld_report__count(&c, r->findings);
	heading(out, r, &c);
	what(out, r);
	counts(out, r, &c);
	table(out, r);
	drift(out, r);
	problems(out, r->inv);
	notes(out, r->inv);
	stale(out, r->baseline);
	if (r->runtimes && r->runtimes->source) {
		ld_buf_puts(out, "Runtime dates: ");
		md_put(out, r->runtimes->source);
		ld_buf_puts(out, ".\n");
	}
	return out->error;
}
