/*
 * The report entry points (include/lambdrift/report.h): the table of formats (names and
 * writers, which never call back here: what they share is finding.c), and the one write
 * path shared by every format: render into a bounded buffer, then hand the bytes to the
 * caller's FILE and check that they got there, so a failed render never leaves half a
 * document behind. The exception is a JSON, SARIF or text report past a mebibyte (an
 * estate of thousands of functions, a merge of a hundred shards): it goes to the FILE in
 * pieces as it is rendered, so memory does not grow with it; `-o FILE` writes a temporary
 * file renamed into place only on success.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/formats.h"
#include "report/report.h"

/* A report holds the inventory and every finding; 256 MiB is far past any real account. */
#define REPORT_CAP ((size_t)256 * 1024 * 1024)

/* Every format: its name and its writer (JSON's, SARIF's and text's may spill a large
 * document to the FILE). */
typedef struct {
	const char *name;
	int (*render)(ld_buf *out, const ld_report *r);
	int (*render_to)(ld_buf *out, const ld_report *r, FILE *spill);
} format_entry;

static const format_entry formats[] = {
	[LD_FORMAT_TEXT] = { "text", NULL, ld_report__text_to },
	[LD_FORMAT_JSON] = { "json", NULL, ld_report__json_to },
	[LD_FORMAT_SARIF] = { "sarif", NULL, ld_report__sarif_to },
	[LD_FORMAT_JUNIT] = { "junit", ld_report__junit, NULL },
	[LD_FORMAT_MARKDOWN] = { "markdown", ld_report__markdown, NULL },
	[LD_FORMAT_GITHUB] = { "github", ld_report__annotations, NULL },
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

int ld_format_parse(ld_format *out, const char *s)
{
	for (size_t i = 0; s && i < NFORMATS; i++) {
		if (!strcmp(s, formats[i].name)) {
			*out = (ld_format)i;
			return 0;
		}
	}
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "unknown format '%s'; use text, json, sarif, "
			     "junit, markdown or github", s ? s : "");
}

const char *ld_format_name(ld_format format)
{
	return (size_t)format < NFORMATS ? formats[format].name : "unknown";
}

int ld_report_write(FILE *out, const ld_report *r, ld_format format)
{
	/* an unknown format writes text, as it always has */
	const format_entry *f = &formats[(size_t)format < NFORMATS ? format : LD_FORMAT_TEXT];
	ld_buf doc = LD_BUF_INIT_CAP(REPORT_CAP);
	int error;

	error = f->render_to ? f->render_to(&doc, r, out) : f->render(&doc, r);
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
