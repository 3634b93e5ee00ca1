/*
 * GitHub Actions workflow annotations: one "::error", "::warning" or "::notice" command
 * per finding (by its severity), with the rule in the title and, for a finding that comes
 * from a line of the spec, file= and line= so the annotation lands on lambdrift.json; plus
 * one ::error when the run is incomplete. Values are escaped the way the runner unescapes
 * them (%25, %0D, %0A, and in properties %3A and %2C), so no text from the account can end
 * a command early or start another one.
 */
#include <string.h>

#include "report/formats.h"
#include "report/report.h"

static void escape(ld_buf *out, const char *s, bool property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%': ld_buf_puts(out, "%25"); break;
		case '\r': ld_buf_puts(out, "%0D"); break;
		case '\n': ld_buf_puts(out, "%0A"); break;
		case ':':
			ld_buf_puts(out, property ? "%3A" : ":");
			break;
		case ',':
			ld_buf_puts(out, property ? "%2C" : ",");
			break;
		default:
			ld_buf_putc(out, *s);
		}
	}
}

static const char *command_of(ld_severity s)
{
	return s == LD_SEV_ERROR ? "error" : s == LD_SEV_WARNING ? "warning" : "notice";
}

static void annotation(ld_buf *out, const ld_report *r, const ld_finding *f)
{
	const ld_baseline_entry *e = ld_baseline_expired_for(r->baseline, f->fingerprint);
	const char *uri = r->spec_uri;
	unsigned line = ld_report__spec_line(f);

	ld_buf_printf(out, "::%s title=", command_of(f->severity));
	escape(out, "lambdrift ", true);
	escape(out, f->rule, true);
	if (uri && line) {
		ld_buf_puts(out, ",file=");
		escape(out, uri, true);
		ld_buf_printf(out, ",line=%u", line);
	}
	ld_buf_puts(out, "::");
	escape(out, f->function ? f->function : "(account)", false);
	ld_buf_puts(out, " (");
	escape(out, f->region ? f->region : "-", false);
	if (f->qualifier) {
		ld_buf_puts(out, ", ");
		escape(out, f->qualifier, false);
	}
	ld_buf_puts(out, "): ");
	escape(out, f->message, false);
	if (e) {
		ld_buf_printf(out, " [baseline entry expired %s]", e->expires);
	}
	ld_buf_printf(out, " (lambdrift explain %s)\n", f->rule ? f->rule : "");
}

int ld_report__annotations(ld_buf *out, const ld_report *r)
{
	const ld_inventory *inv = r->inv;

	if (!inv->complete) {
		ld_buf_printf(out, "::error title=lambdrift %s incomplete::", r->command ? r->command
											: "scan");
		ld_buf_printf(out, "%zu %s; findings may be missing", inv->nproblems,
			      inv->nproblems == 1 ? "problem" : "problems");
		for (size_t i = 0; i < inv->nproblems; i++) {
			ld_buf_puts(out, "%0A- ");
			escape(out, inv->problems[i], false);
		}
		ld_buf_putc(out, '\n');
	}
	for (size_t i = 0; r->findings && i < r->findings->count; i++)
		annotation(out, r, &r->findings->items[i]);
	return out->error;
}
