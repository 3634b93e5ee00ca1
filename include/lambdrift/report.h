/*
 * Reports: findings and inventory in, a document out: text, json, sarif (2.1.0), junit
 * (XML), markdown (for CI job pages) or github (workflow annotations). Every format is
 * rendered from the same ld_report, so one scan can be written in several formats. The
 * report borrows everything it is given; output goes to a FILE the caller owns. A verify
 * report also names the tag and commit it compared against (run.tag, run.commit in JSON;
 * the text header) and the spec file findings point into (SARIF physical locations); a scan
 * report leaves these NULL and carries none of them. With a baseline, r->findings holds
 * only what it did not hide, and every format counts what it hid. A scan held to release
 * records names them (file, digest, key, tag, commit) in JSON's run.attestations.
 */
#ifndef LAMBDRIFT_REPORT_H
#define LAMBDRIFT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lambdrift/attest.h"
#include "lambdrift/audit.h"
#include "lambdrift/baseline.h"
#include "lambdrift/deps.h"
#include "lambdrift/inventory.h"

struct ld_merge_store;

typedef enum {
	LD_FORMAT_TEXT = 0,
	LD_FORMAT_JSON,
	LD_FORMAT_SARIF,
	LD_FORMAT_JUNIT,
	LD_FORMAT_MARKDOWN,
	LD_FORMAT_GITHUB          /* "::error ..." workflow commands, one line per finding */
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
	const char *spec_uri;       /* verify: the spec's path relative to the repository root
				       ("lambdrift.json"), for findings' spec_line; else NULL */
	const ld_baseline_result *baseline; /* --baseline: what it hid, expired, found stale */
	const ld_attestation *attestations; /* scan --attestation: the verified records the
					       account was held to (run.attestations), or NULL */
	size_t nattestations;
	const struct ld_merge_store *merged; /* merge: inv's functions are light and the JSON
						report takes each from here; else NULL */
	unsigned checks;            /* LD_CHECKS_DEPS, LD_CHECKS_ADVISORIES: what ran; attested
				       is nattestations' to say */
	const ld_rule_selection *rules; /* --rule/--skip-rule: the rules the run ran, recorded
					   in every format (run.rules); NULL: every rule */
	long log_retention_min;     /* --log-retention-min (run.log_retention_min); 0 when not
				       given: log-retention notes only groups kept forever */
} ld_report;

/** Parse "text" | "json" | "sarif" | "junit" | "markdown" | "github".
 *  @return LD_EUSAGE when unknown */
int ld_format_parse(ld_format *out, const char *s);
/** The name ld_format_parse() accepts for `format`. */
const char *ld_format_name(ld_format format);
/** Write the report. @return 0, or LD_ERROR when writing failed */
int ld_report_write(FILE *out, const ld_report *r, ld_format format);

/* What `lambdrift deps` reports (all borrowed). */
typedef struct {
	const ld_dep_rows *rows;
	const ld_depcheck_layer *layers;
	size_t nlayers;
	const ld_inventory *inv;
	const char *started;          /* RFC 3339 UTC */
} ld_report_deps_in;

/** Write the dependency inventory of `lambdrift deps`: LD_FORMAT_JSON
 *  ("lambdrift/deps/v1"), else text. @return 0, LD_ELIMIT past 256 MiB, LD_ERROR */
int ld_report_deps(FILE *out, const ld_report_deps_in *in, ld_format format);

/**
 * A rule's section of the rule documentation (docs/rules.md, compiled in): Markdown from
 * its "## slug" heading up to the next rule. Borrowed, static; not NUL-terminated at `len`.
 * @return the section, or NULL (len 0) for an unknown slug
 */
const char *ld_rule_doc(const char *slug, size_t *len);

#endif
