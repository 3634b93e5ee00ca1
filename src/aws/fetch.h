/*
 * The bytes compare reads, fetched (private to the library): the collect stage's side of
 * audit/source.h. A session source answers a package (GetFunction, then its download) or a
 * layer version's content (GetLayerVersion, then its download) as an ld_fetched, and runs
 * the worker threads that read packages concurrently, each on a connection of its own.
 * fetch.c also holds the public entry points of verify and the dependency checks, which
 * make a session's source and --osv-api's client (ld_advisories over deps/osvapi.c) and
 * hand them to compare. A session source borrows its session.
 */
#ifndef LD_AWS_FETCH_H
#define LD_AWS_FETCH_H

#include <stdint.h>

#include "audit/source.h"
#include "lambdrift/aws.h"

typedef struct {
	ld_source base;            /* first: an ld_session_source * is an ld_source * */
	ld_aws_session *session;
} ld_session_source;

/** The source of `s`'s account (borrowed). */
void ld_session_source_init(ld_session_source *src, ld_aws_session *s);

/** The session's environment digest key when `inv`'s digests were made with it, else NULL
 *  (NULL session too). */
const uint8_t *ld_fetch_digest_key(const ld_inventory *inv, const ld_aws_session *s);

#endif
