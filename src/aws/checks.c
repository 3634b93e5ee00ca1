/*
 * The public entry points of the dependency checks and verify (lambdrift/deps.h,
 * lambdrift/verify.h): collect, then compare. ld_depcheck_scan() runs the collect step
 * (aws/depfetch.c) over the run's sessions and hands what it read to compare
 * (audit/depcheck.c), which does no I/O. ld_verify_run_records() plans from the
 * inventory (audit/verify.c), makes the tag's packages and reads its lockfiles (the expect
 * stage, spec/tag.c), collects what AWS serves (aws/verifyfetch.c) and then compares
 * (audit/verify.c), which does no I/O either.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/depcheck.h"
#include "aws/depfetch.h"
#include "aws/fetch.h"
#include "aws/session.h"
#include "aws/verifyfetch.h"
#include "lambdrift/errors.h"
#include "spec/tag.h"

/* ------------------------------------------------------------------ entry points */

int ld_depcheck_new(ld_depcheck **out, const ld_depcheck_opts *o)
{
	*out = NULL;
	if (o && o->osv_api && strncmp(o->osv_api, "http://", 7) &&
	    strncmp(o->osv_api, "https://", 8))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--osv-api wants an http:// or "
				     "https:// URL, such as https://api.osv.dev");
	return ld_depcheck__new(out, o);
}

int ld_depcheck_scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		     ld_aws_session *const *sessions, const char *const *accounts,
		     size_t nsessions, ld_depcheck *c)
{
	ld_depcheck_reads reads;
	int error;

	if ((error = ld_depfetch_scan(&reads, c, inv, sessions, accounts, nsessions)) == 0)
		error = ld_depcheck__scan(out, rows, inv, c, &reads);
	ld_depcheck_reads_dispose(&reads);
	return error;
}

int ld_verify_run_records(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
			  const ld_verify *v, const ld_audit_opts *audit,
			  ld_verify_records *records)
{
	const char *region = session ? ld_aws_session_region(session) : NULL;
	ld_verify_plan plan;
	int error;

	/* expect (the tag's packages and lockfiles), collect (what AWS serves), compare */
	if ((error = ld_verify__plan(&plan, inv, v, region, session != NULL)) == 0 &&
	    (error = ld_tag__expect(&plan, v)) == 0 &&
	    (!session || (error = ld_verifyfetch(&plan, v, session, inv)) == 0))
		error = ld_verify__compare(out, inv, &plan, ld_fetch_digest_key(inv, session), v,
					   audit, records);
	ld_verify_plan_dispose(&plan);
	return error;
}

int ld_verify_run(ld_findings *out, ld_inventory *inv, ld_aws_session *session,
		  const ld_verify *v, const ld_audit_opts *audit)
{
	return ld_verify_run_records(out, inv, session, v, audit, NULL);
}
