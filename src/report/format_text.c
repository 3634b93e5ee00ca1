/*
 * The text report, for people at a terminal: one header line saying what was scanned,
 * findings grouped under their function (severity, rule slug, qualifier, message) in
 * aligned columns, the problems that made the run incomplete, and a closing summary.
 * ANSI colour only when the caller asks (it decides TTY / NO_COLOR).
 */
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/report.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define QUALIFIER_MAX_WIDTH 24

typedef struct {
	ld_buf *out;
	const ld_report *r;
	const ld_finding *items;
	size_t rule_w, qual_w;
} text_ctx;

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

static void header(text_ctx *t)
{
	const ld_inventory *inv = t->r->inv;

	ld_buf_printf(t->out, "lambdrift %s: account %s, ", t->r->command ? t->r->command : "scan",
		      inv->account ? inv->account : "unknown");
	ld_buf_puts(t->out, plural(inv->nregions, "region ", "regions "));
	for (size_t i = 0; i < inv->nregions; i++)
		ld_buf_printf(t->out, "%s%s", i ? ", " : "", inv->regions[i]);
	if (!inv->nregions)
		ld_buf_puts(t->out, "none");
	ld_buf_printf(t->out, "; %zu %s scanned, %lu API %s\n", inv->nfunctions,
		      plural(inv->nfunctions, "function", "functions"),
		      ld_report__total_calls(&inv->calls),
		      plural(ld_report__total_calls(&inv->calls), "call", "calls"));
}

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Findings arrive sorted by severity; the text groups them by function. The sort key is
 * (region, function, position in the list), so within a group the severity order stays. */
static int cmp_group(const void *pa, const void *pb)
{
	const ld_finding *fa = *(const ld_finding *const *)pa, *fb = *(const ld_finding *const *)pb;
	int c;

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
	ld_buf_puts(t->out, "  ");
	put_cell(t, sev_color(f->severity), ld_report__sev_name(f->severity), 9);
	put_cell(t, "", or_dash(f->rule), t->rule_w + 2);
	put_cell(t, "", or_dash(f->qualifier), t->qual_w + 2);
	ld_buf_printf(t->out, "%s\n", or_dash(f->message));
}

static int findings(text_ctx *t)
{
	size_t n = t->r->findings ? t->r->findings->count : 0;
	const ld_finding **order, *prev = NULL;

	if (!n)
		return 0;
	if (!(order = calloc(n, sizeof(*order))))
		return ld_error_oom();
	for (size_t i = 0; i < n; i++)
		order[i] = &t->items[i];
	qsort(order, n, sizeof(*order), cmp_group);
	measure(t, n);
	for (size_t i = 0; i < n; i++) {
		const ld_finding *f = order[i];
		if (!prev || strcmp_null(prev->region, f->region) ||
		    strcmp_null(prev->function, f->function)) {
			ld_buf_putc(t->out, '\n');
			put_cell(t, C_BOLD, f->function ? f->function : "(account)", 0);
			ld_buf_printf(t->out, " (%s)\n", or_dash(f->region));
		}
		finding_line(t, f);
		prev = f;
	}
	free(order);
	return 0;
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
		return;
	}
	ld_buf_printf(t->out, "%zu %s, %zu %s, %zu %s\n",
		      c.by_sev[LD_SEV_ERROR], plural(c.by_sev[LD_SEV_ERROR], "error", "errors"),
		      c.by_sev[LD_SEV_WARNING], plural(c.by_sev[LD_SEV_WARNING], "warning", "warnings"),
		      c.by_sev[LD_SEV_NOTE], plural(c.by_sev[LD_SEV_NOTE], "note", "notes"));
	if (!inv->complete) {
		put_cell(t, sev_color(LD_SEV_ERROR), "run INCOMPLETE", 0);
		ld_buf_printf(t->out, ": %zu %s; findings may be missing, so this is not a clean result\n",
			      inv->nproblems, plural(inv->nproblems, "problem", "problems"));
	}
}

int ld_report__text(ld_buf *out, const ld_report *r)
{
	text_ctx t = { out, r, r->findings ? r->findings->items : NULL, 0, 0 };
	int error;

	header(&t);
	if ((error = findings(&t)) < 0)
		return error;
	problems(&t);
	summary(&t);
	return out->error;
}
