/*
 * The dependency checks' collect step (private to the library): everything compare
 * (audit/depcheck.c) reads, fetched before it runs. Each served version's package is
 * downloaded, checked against its CodeSha256 and reduced at once to its detected
 * dependencies (the bytes are let go, so a run holds at most one package per reader), each
 * attached layer version is read once per run the same way and its newest version listed,
 * and the OSV API (--osv-api) is asked about every dependency found, once for the run.
 * Failures are kept as data with their message; compare says what they mean.
 */
#ifndef LD_AWS_DEPFETCH_H
#define LD_AWS_DEPFETCH_H

#include "audit/depcheck.h"
#include "aws/pool.h"
#include "lambdrift/aws.h"

/**
 * Collect into `c` every layer `v` attaches that the run has not read yet, as part of the
 * read job `rd` runs (a layer is claimed under its lock), counted in `calls`.
 * @return 0 whatever was had (each entry says), LD_ERROR without memory
 */
int ld_depfetch_layers(ld_depcheck *c, ld_pool_reads *rd, ld_aws_session *s,
		       const ld_version *v, ld_api_calls *calls);

/** GetFunction of `v` (of `fn`) and the download of its package, reduced to what compare
 *  reads: its fetch status and digests, and its dependencies when the bytes check out.
 *  @return 0 whatever was had (p->status), LD_ERROR without memory */
int ld_depfetch_package(ld_depcheck_pkg_read *p, ld_depcheck *c, ld_aws_session *s,
			const ld_function *fn, const ld_version *v, ld_api_calls *calls);

/**
 * The OSV API's one question for a run (--osv-api; nothing without it): every distinct
 * package version in `lists` (NULL entries skipped) and in c's layers, answered into c's
 * database. An answer that does not come is kept in `c` for compare to say on every
 * version it concerns (ld_depcheck__api_message()).
 * @return 0, or an error that stops the run (no memory; no connection could be opened)
 */
int ld_depfetch_ask(ld_depcheck *c, const ld_deps *const *lists, size_t nlists);

/**
 * What ld_depcheck_scan() compares: every inventory function's served versions ($LATEST
 * and what its aliases route to) into `reads`, their layers into `c`, then the OSV API's
 * answer for all of them into c's database. Each function is a read job of the
 * collector's pool (aws/pool.h), `c`'s workers at once, each reader on a connection of its
 * own; calls are counted in inv->calls and c's progress hears of each function. sessions[i] reaches accounts[i]; one session and no accounts: every function.
 * @return 0, or an error that stops the run (no memory; the OSV API cannot be asked)
 */
int ld_depfetch_scan(ld_depcheck_reads *reads, ld_depcheck *c, ld_inventory *inv,
		     ld_aws_session *const *sessions, const char *const *accounts,
		     size_t nsessions);

#endif
