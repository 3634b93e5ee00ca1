/*
 * The report entry points (include/lambdrift/report.h): format names, and the one write
 * path shared by every format: render into a bounded buffer, then hand the bytes to the
 * caller's FILE and check that they got there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/report.h"

/* A report holds the inventory and every finding; 256 MiB is far past any real account. */
#define REPORT_CAP ((size_t)256 * 1024 * 1024)

int ld_format_parse(ld_format *out, const char *s)
{
	if (s && !strcmp(s, "text"))
		*out = LD_FORMAT_TEXT;
	else if (s && !strcmp(s, "json"))
		*out = LD_FORMAT_JSON;
	else
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "unknown format '%s'; use text or json", s ? s : "");
	return 0;
}

const char *ld_report__sev_name(ld_severity s)
{
	switch (s) {
	case LD_SEV_ERROR: return "error";
	case LD_SEV_WARNING: return "warning";
	case LD_SEV_NOTE: return "note";
	default: return "none";
	}
}

void ld_report__count(ld_report__counts *c, const ld_findings *f)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; f && i < f->count; i++) {
		ld_severity s = f->items[i].severity;
		if (s >= LD_SEV_NOTE && s <= LD_SEV_ERROR)
			c->by_sev[s]++;
	}
}

unsigned long ld_report__total_calls(const ld_api_calls *c)
{
	return c->control + c->get_function + c->sts;
}

int ld_report_write(FILE *out, const ld_report *r, ld_format format)
{
	ld_buf doc = LD_BUF_INIT_CAP(REPORT_CAP);
	int error;

	error = format == LD_FORMAT_JSON ? ld_report__json(&doc, r) : ld_report__text(&doc, r);
	if (error < 0)
		goto done;
	if (fwrite(doc.ptr, 1, doc.size, out) != doc.size || fflush(out) != 0 || ferror(out)) {
		error = ld_error_set(LD_ERR_OS, "cannot write the report: %s", strerror(errno));
		goto done;
	}
done:
	ld_buf_dispose(&doc);
	return error;
}
