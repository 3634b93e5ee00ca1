/*
 * Reports: findings and inventory in, a document out (text, json). The report borrows
 * everything it is given; output goes to a FILE the caller owns. A verify report also names
 * the tag and commit it compared against (run.tag, run.commit in JSON; the text header);
 * a scan report leaves both NULL and carries neither.
 */
#ifndef LAMBDRIFT_REPORT_H
#define LAMBDRIFT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lambdrift/audit.h"
#include "lambdrift/inventory.h"

typedef enum {
	LD_FORMAT_TEXT = 0,
	LD_FORMAT_JSON
} ld_format;

typedef struct {
	const char *command;        /* "scan", "verify" */
	const char *started;        /* RFC 3339 UTC */
	const ld_inventory *inv;
	const ld_findings *findings;
	const ld_runtime_table *runtimes; /* for the source line; may be NULL */
	bool color;                 /* text only: ANSI colours */
	ld_severity fail_on;
	const char *tag;            /* verify: the tag (or ref) as given, else NULL */
	const char *commit;         /* verify: the commit it resolved to (40 hex), else NULL */
} ld_report;

/** Parse "text" | "json". @return LD_EUSAGE when unknown */
int ld_format_parse(ld_format *out, const char *s);
/** Write the report. @return 0, or LD_ERROR when writing failed */
int ld_report_write(FILE *out, const ld_report *r, ld_format format);

#endif
