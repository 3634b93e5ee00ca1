/*
 * The text report, for people at a terminal: one header line saying what was scanned (and,
 * for verify, against which tag and commit), findings grouped under their function
 * (severity, rule slug, qualifier, message) in aligned columns, a code-drift finding's
 * changed files listed under it, the problems that made the run incomplete, the notes on
 * what was left out on purpose (a region not enabled), and a closing
 * summary (with --baseline: what it hid, what expired, which entries are stale). ANSI
 * colour only when the caller asks (it decides TTY / NO_COLOR). A run over several accounts
 * lists them in the header (a few by id, many by count) and names each function's account.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/formats.h"
#include "report/report.h"
#include "util/json.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define QUALIFIER_MAX_WIDTH 24
/* A code-drift finding lists at most this many changed files; the rest are counted. */
#define FILES_MAX_LINES 20
/* The file list sits under the rule column: two spaces plus the severity cell. */
#define FILES_INDENT "           "
/* Longest path shown in the list; the evidence in JSON keeps the whole path. */
#define FILES_PATH_MAX 300
/* The header names up to this many accounts; past it, it counts them (JSON lists all). */
#define ACCOUNTS_LISTED 4

/* A finding with the account it belongs to, which the grouping sorts on first. */
typedef struct {
	const ld_finding *f;
	const char *account;
} placed;

typedef struct {
	ld_buf *out;
	const ld_report *r;
	const ld_finding *items;
	size_t rule_w, qual_w;
	FILE *spill; /* NULL: the whole report stays in `out` */
} text_ctx;

/* Finished lines go to the spill FILE once the buffer holds about this much. */
#define SPILL_AT ((size_t)1024 * 1024)

static int spill(text_ctx *t)
{
	ld_buf *out = t->out;

	if (!t->spill || out->size < SPILL_AT || out->error)
		return out->error;
	if (fwrite(out->ptr, 1, out->size, t->spill) != out->size)
		return ld_error_set(LD_ERR_OS, "cannot write the report: %s", strerror(errno));
	ld_buf_clear(out);
	return 0;
}

static const char *sev_color(ld_severity s)
{
	switch (s) {
	case LD_SEV_ERROR: return "\033[1;31m";
	case LD_SEV_WARNING: return "\033[33m";
	case LD_SEV_NOTE: return "\033[36m";
	default: return "";
	}
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Write `s` in colour `color` (when enabled), padded with spaces to `width` columns. */
static void put_cell(text_ctx *t, const char *color, const char *s, size_t width)
{
	size_t len = strlen(s);
	bool paint = t->r->color && *color;

	if (paint)
		ld_buf_puts(t->out, color);
	ld_buf_puts(t->out, s);
	if (paint)
		ld_buf_puts(t->out, C_RESET);
	for (; len < width; len++)
		ld_buf_putc(t->out, ' ');
}

static void accounts(text_ctx *t, const ld_inventory *inv)
{
	if (!ld_report__several_accounts(inv)) {
		ld_buf_printf(t->out, "account %s, ", inv->account ? inv->account
					: inv->naccounts ? inv->accounts[0] : "unknown");
		return;
	}
	if (inv->naccounts > ACCOUNTS_LISTED) {
		ld_buf_printf(t->out, "%zu accounts, ", inv->naccounts);
		return;
	}
	ld_buf_puts(t->out, "accounts ");
	for (size_t i = 0; i < inv->naccounts; i++)
		ld_buf_printf(t->out, "%s, ", inv->accounts[i]);
}

static void header(text_ctx *t)
{
	const ld_inventory *inv = t->r->inv;

	ld_buf_printf(t->out, "lambdrift %s: ", t->r->command ? t->r->command : "scan");
	if (t->r->tag)
		ld_buf_printf(t->out, "tag %s (commit %s), ", t->r->tag, or_dash(t->r->commit));
	accounts(t, inv);
	ld_buf_puts(t->out, plural(inv->nregions, "region ", "regions "));
	for (size_t i = 0; i < inv->nregions; i++)
		ld_buf_printf(t->out, "%s%s", i ? ", " : "", inv->regions[i]);
	if (!inv->nregions)
		ld_buf_puts(t->out, "none");
	ld_buf_printf(t->out, "; %zu %s %s, %lu API %s\n", inv->nfunctions,
		      plural(inv->nfunctions, "function", "functions"),
		      t->r->tag ? "verified" : "scanned",
		      ld_report__total_calls(&inv->calls),
		      plural(ld_report__total_calls(&inv->calls), "call", "calls"));
}

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Findings arrive sorted by severity; the text groups them by function. The sort key is
 * (account, region, function, position in the list), so within a group the severity order
 * stays. */
static int cmp_group(const void *pa, const void *pb)
{
	const placed *a = pa, *b = pb;
	const ld_finding *fa = a->f, *fb = b->f;
	int c;

	if ((c = strcmp_null(a->account, b->account)) != 0)
		return c;
	if ((c = strcmp_null(fa->region, fb->region)) != 0)
		return c;
	if ((c = strcmp_null(fa->function, fb->function)) != 0)
		return c;
	return fa < fb ? -1 : fa > fb;
}

static void measure(text_ctx *t, size_t n)
{
	t->rule_w = t->qual_w = 1;
	for (size_t i = 0; i < n; i++) {
		size_t rl = strlen(or_dash(t->items[i].rule));
		size_t ql = strlen(or_dash(t->items[i].qualifier));
		if (rl > t->rule_w)
			t->rule_w = rl;
		if (ql > t->qual_w && ql <= QUALIFIER_MAX_WIDTH)
			t->qual_w = ql;
	}
}

static void finding_line(text_ctx *t, const ld_finding *f)
{
	const ld_baseline_entry *e = ld_baseline_expired_for(t->r->baseline, f->fingerprint);

	ld_buf_puts(t->out, "  ");
	put_cell(t, sev_color(f->severity), ld_report__sev_name(f->severity), 9);
	put_cell(t, "", or_dash(f->rule), t->rule_w + 2);
	put_cell(t, "", or_dash(f->qualifier), t->qual_w + 2);
	ld_buf_puts(t->out, or_dash(f->message));
	if (e)
		ld_buf_printf(t->out, " [baseline entry expired %s]", e->expires);
	ld_buf_putc(t->out, '\n');
}

/* ---- a code-drift finding's changed files ---- */

typedef struct {
	const char *key;   /* evidence member holding the paths */
	char mark;
} change_kind;

static const change_kind change_kinds[] = {
	{ "added", '+' }, { "removed", '-' }, { "modified", '~' }
};

/* Package paths are checked when read, but a report must not let any string steer the
 * terminal: control bytes become '?', and a very long path is cut. */
static void put_path(text_ctx *t, const char *path)
{
	size_t n = 0;

	for (; path[n] && n < FILES_PATH_MAX; n++)
		ld_buf_putc(t->out, (unsigned char)path[n] < 0x20 || path[n] == 0x7f ? '?' : path[n]);
	if (path[n])
		ld_buf_puts(t->out, "...");
}

/* An item is a path, or an object with "path" and (for a modification) "what". */
static void file_line(text_ctx *t, char mark, const ld_json *item)
{
	const char *path = ld_json_is_string(item) ? ld_json_str(item) : ld_json_get_str(item, "path");
	const char *what = ld_json_is_object(item) ? ld_json_get_str(item, "what") : NULL;

	ld_buf_printf(t->out, FILES_INDENT "%c ", mark);
	put_path(t, path ? path : "?");
	if (mark == '~')
		ld_buf_printf(t->out, " (%s)", what ? what : "content");
	ld_buf_putc(t->out, '\n');
}

/* How many paths of one kind changed: the evidence's "counts" when it has them (the lists
 * may be cut short), else the length of the list. */
static size_t change_count(const ld_json *ev, const change_kind *k)
{
	const ld_json *list = ld_json_get(ev, k->key);
	size_t listed = ld_json_is_array(list) ? ld_json_size(list) : 0;
	double n;

	if (ld_json_get_num(ld_json_get(ev, "counts"), k->key, &n) && n >= (double)listed &&
	    n < 1e15)
		return (size_t)n;
	return listed;
}

static void drift_files(text_ctx *t, const ld_finding *f)
{
	ld_json *ev = NULL;
	size_t shown = 0, total = 0;

	if (!f->rule || strcmp(f->rule, "code-drift") || !f->evidence)
		return;
	/* Evidence that is not JSON just has no list; the message still says what changed. */
	if (ld_json_parse(&ev, f->evidence, strlen(f->evidence), "finding evidence") < 0) {
		ld_error_clear();
		return;
	}
	for (size_t k = 0; k < sizeof(change_kinds) / sizeof(change_kinds[0]); k++) {
		const ld_json *list = ld_json_get(ev, change_kinds[k].key);
		total += change_count(ev, &change_kinds[k]);
		for (size_t i = 0; ld_json_is_array(list) && i < ld_json_size(list); i++)
			if (shown < FILES_MAX_LINES) {
				file_line(t, change_kinds[k].mark, ld_json_at(list, i));
				shown++;
			}
	}
	if (total > shown)
		ld_buf_printf(t->out, FILES_INDENT "... and %zu more\n", total - shown);
	else if (ld_json_is_true(ld_json_get(ev, "truncated")))
		ld_buf_puts(t->out, FILES_INDENT "... and more (the message gives the counts)\n");
	ld_json_free(ev);
}

/* The line over a function's findings: its name, region and, when the run covers several
 * accounts, its account (left out when the name exists in more than one of them). */
static void group_line(text_ctx *t, const placed *p)
{
	ld_buf_putc(t->out, '\n');
	put_cell(t, C_BOLD, p->f->function ? p->f->function : "(account)", 0);
	ld_buf_printf(t->out, " (%s", or_dash(p->f->region));
	if (ld_report__several_accounts(t->r->inv) && p->account)
		ld_buf_printf(t->out, ", account %s", p->account);
	ld_buf_puts(t->out, ")\n");
}

static int findings(text_ctx *t)
{
	size_t n = t->r->findings ? t->r->findings->count : 0;
	placed *order;
	const placed *prev = NULL;
	int error = 0;

	if (!n)
		return 0;
	if (!(order = calloc(n, sizeof(*order))))
		return ld_error_oom();
	for (size_t i = 0; i < n; i++) {
		order[i].f = &t->items[i];
		order[i].account = ld_report__finding_account(t->r, &t->items[i]);
	}
	qsort(order, n, sizeof(*order), cmp_group);
	measure(t, n);
	for (size_t i = 0; i < n && error == 0; i++) {
		const ld_finding *f = order[i].f;
		if (!prev || strcmp_null(prev->account, order[i].account) ||
		    strcmp_null(prev->f->region, f->region) ||
		    strcmp_null(prev->f->function, f->function))
			group_line(t, &order[i]);
		finding_line(t, f);
		drift_files(t, f);
		prev = &order[i];
		error = spill(t);
	}
	free(order);
	return error;
}

static void problems(text_ctx *t)
{
	const ld_inventory *inv = t->r->inv;

	if (inv->complete && !inv->nproblems)
		return;
	ld_buf_puts(t->out, "\nproblems (data is missing from this run):\n");
	for (size_t i = 0; i < inv->nproblems; i++)
		ld_buf_printf(t->out, "  - %s\n", inv->problems[i]);
	if (!inv->nproblems)
		ld_buf_puts(t->out, "  - the inventory is marked incomplete\n");
}

/* What was left out on purpose; the run stays complete. */
static void notes(text_ctx *t)
{
	const ld_inventory *inv = t->r->inv;

	if (!inv->nnotes)
		return;
	ld_buf_putc(t->out, '\n');
	for (size_t i = 0; i < inv->nnotes; i++)
		ld_buf_printf(t->out, "note: %s\n", inv->notes[i]);
}

/* With --baseline: what it hid, what expired, and the entries that match nothing. */
static void baseline_summary(text_ctx *t)
{
	const ld_baseline_result *b = t->r->baseline;

	if (!b)
		return;
	ld_buf_printf(t->out, "baseline %s: %zu accepted %s hidden, %zu expired (shown again)",
		      b->path, b->suppressed.count,
		      plural(b->suppressed.count, "finding", "findings"), b->nexpired);
	if (b->stale_known)
		ld_buf_printf(t->out, ", %zu stale %s\n", b->nstale,
			      plural(b->nstale, "entry", "entries"));
	else
		ld_buf_puts(t->out, "; stale entries not judged (run incomplete)\n");
	for (size_t i = 0; i < b->nstale; i++) {
		const ld_baseline_entry *e = b->stale[i];
		ld_buf_printf(t->out, "  stale: %s %s %s (%s) matches no finding; remove it\n",
			      e->fingerprint, or_dash(e->rule), e->function ? e->function : "(account)",
			      or_dash(e->region));
	}
}

/* With --rule/--skip-rule: how many rules did not run, so "no findings" is read right. */
static void rules_line(text_ctx *t)
{
	const ld_rule_selection *sel = t->r->rules;

	if (!ld_rule_selection_given(sel))
		return;
	ld_buf_printf(t->out, "rules: %zu not run (", ld_rule_selection_skipped(sel));
	for (size_t i = 0; i < sel->nonly; i++)
		ld_buf_printf(t->out, "%s--rule %s", i ? " " : "", sel->only[i]);
	for (size_t i = 0; i < sel->nskip; i++)
		ld_buf_printf(t->out, "%s--skip-rule %s", i || sel->nonly ? " " : "", sel->skip[i]);
	ld_buf_puts(t->out, ")\n");
}

static void summary(text_ctx *t)
{
	const ld_inventory *inv = t->r->inv;
	ld_report__counts c;
	size_t total;

	ld_report__count(&c, t->r->findings);
	total = c.by_sev[LD_SEV_ERROR] + c.by_sev[LD_SEV_WARNING] + c.by_sev[LD_SEV_NOTE];
	ld_buf_putc(t->out, '\n');
	if (!total && inv->complete) {
		ld_buf_puts(t->out, "no findings\n");
		rules_line(t);
		baseline_summary(t);
		return;
	}
	ld_buf_printf(t->out, "%zu %s, %zu %s, %zu %s\n",
		      c.by_sev[LD_SEV_ERROR], plural(c.by_sev[LD_SEV_ERROR], "error", "errors"),
		      c.by_sev[LD_SEV_WARNING], plural(c.by_sev[LD_SEV_WARNING], "warning", "warnings"),
		      c.by_sev[LD_SEV_NOTE], plural(c.by_sev[LD_SEV_NOTE], "note", "notes"));
	rules_line(t);
	baseline_summary(t);
	if (!inv->complete) {
		put_cell(t, sev_color(LD_SEV_ERROR), "run INCOMPLETE", 0);
		ld_buf_printf(t->out, ": %zu %s; findings may be missing, so this is not a clean result\n",
			      inv->nproblems, plural(inv->nproblems, "problem", "problems"));
	}
}

int ld_report__text_to(ld_buf *out, const ld_report *r, FILE *spill_to)
{
	text_ctx t = { out, r, r->findings ? r->findings->items : NULL, 0, 0, spill_to };
	int error;

	header(&t);
	if ((error = findings(&t)) < 0)
		return error;
	problems(&t);
	notes(&t);
	summary(&t);
	return out->error;
}

int ld_report__text(ld_buf *out, const ld_report *r)
{
	return ld_report__text_to(out, r, NULL);
}
