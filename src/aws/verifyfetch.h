/*
 * verify's collect step (private to the library): after the expect stage and before
 * compare, everything verify's compare reads from AWS, into the items of an
 * ld_verify_plan (audit/source.h). For each spec function as the plan and the expect
 * stage left it: GetFunction of a served image whose digest is not the declared one; the
 * served package (GetFunction, its download, checked against its CodeSha256 and the tag's)
 * when the tag's package was had and the inventory's CodeSha256 is another, read at once
 * into its content manifest (and its dependencies when they are checked) and the bytes
 * wiped; the package's dependencies alone when the tag's package was not had; the layers
 * the version attaches; then one OSV API question for every dependency found. The reads
 * are the collector's pool's read jobs (aws/pool.h). Failures are kept as data.
 */
#ifndef LD_AWS_VERIFYFETCH_H
#define LD_AWS_VERIFYFETCH_H

#include "audit/source.h"
#include "lambdrift/aws.h"
#include "spec/tag.h"

/** Collect what `plan` wants through `s`, counted in inv->calls.
 *  @return 0 whatever was had, or an error that stops the run (no memory; the OSV API
 *          cannot be asked) */
int ld_verifyfetch(ld_verify_plan *plan, const ld_verify *v, ld_aws_session *s,
		   ld_inventory *inv);

#endif
