/*
 * The report entry points (include/lambdrift/report.h): format names, and the one write
 * path shared by every format: render into a bounded buffer, then hand the bytes to the
 * caller's FILE and check that they got there, so a failed render never leaves half a
 * document behind. The exception is a JSON report past a mebibyte (an estate of thousands of
 * functions): it goes to the FILE in pieces as it is rendered, so memory does not grow with
 * it; `-o FILE` writes a temporary file renamed into place only on success.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/formats.h"
#include "report/report.h"

/* A report holds the inventory and every finding; 256 MiB is far past any real account. */
#define REPORT_CAP ((size_t)256 * 1024 * 1024)

static const char *const format_names[] = {
	[LD_FORMAT_TEXT] = "text", [LD_FORMAT_JSON] = "json", [LD_FORMAT_SARIF] = "sarif",
	[LD_FORMAT_JUNIT] = "junit", [LD_FORMAT_MARKDOWN] = "markdown", [LD_FORMAT_GITHUB] = "github"
};

#define NFORMATS (sizeof(format_names) / sizeof(format_names[0]))

int ld_format_parse(ld_format *out, const char *s)
{
	for (size_t i = 0; s && i < NFORMATS; i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (ld_format)i;
			return 0;
		}
	}
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "unknown format '%s'; use text, json, sarif, "
			     "junit, markdown or github", s ? s : "");
}

const char *ld_format_name(ld_format format)
{
	return (size_t)format < NFORMATS ? format_names[format] : "unknown";
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

	switch (format) {
	case LD_FORMAT_JSON: error = ld_report__json_to(&doc, r, out); break;
	case LD_FORMAT_SARIF: error = ld_report__sarif(&doc, r); break;
	case LD_FORMAT_JUNIT: error = ld_report__junit(&doc, r); break;
	case LD_FORMAT_MARKDOWN: error = ld_report__markdown(&doc, r); break;
	case LD_FORMAT_GITHUB: error = ld_report__annotations(&doc, r); break;
	default: error = ld_report__text(&doc, r); break;
	}
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
