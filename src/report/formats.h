/*
 * Private to src/report/: the CI-facing writers (SARIF 2.1.0, JUnit XML, Markdown, GitHub
 * workflow annotations) and the helpers they share with each other (finding.c). Each
 * renders into a capped ld_buf; SARIF's, like the text and JSON writers, can hand finished
 * bytes to a FILE as it goes.
 */
#ifndef LD_REPORT_FORMATS_H
#define LD_REPORT_FORMATS_H

#include <stddef.h>
#include <stdio.h>

#include "lambdrift/baseline.h"
#include "lambdrift/report.h"

int ld_report__sarif(ld_buf *out, const ld_report *r);
/** The same document, its results handed to `spill` (when not NULL) as `out` fills. */
int ld_report__sarif_to(ld_buf *out, const ld_report *r, FILE *spill);
int ld_report__junit(ld_buf *out, const ld_report *r);
int ld_report__markdown(ld_buf *out, const ld_report *r);
/** GitHub workflow commands (::error/::warning/::notice), one line per finding. */
int ld_report__annotations(ld_buf *out, const ld_report *r);

/** The function's ARN, qualified when the finding has a qualifier, into `out`; falls back
 *  to the bare name when neither the inventory nor the account gives an ARN. */
void ld_report__finding_arn(char *out, size_t len, const ld_report *r, const ld_finding *f);

/** The account a finding belongs to: its own, else (findings of a report written by an
 *  older lambdrift) the run's only account, else that of the one function of the
 *  finding's name and region. NULL when unknown. */
const char *ld_report__finding_account(const ld_report *r, const ld_finding *f);

/** True when the run covers several accounts: headers list them, findings name theirs. */
static inline bool ld_report__several_accounts(const ld_inventory *inv)
{
	return inv->naccounts > 1;
}

/** The first paragraph after "**What it means.**" in a rule's section, into `out`
 *  (unwrapped to one line); false when the section has none. */
bool ld_report__rule_meaning(ld_buf *out, const char *slug);

/* The spec line a verify finding comes from (0: none), set by src/audit/verify.c. */
static inline unsigned ld_report__spec_line(const ld_finding *f)
{
	return f->spec_line;
}

#endif
