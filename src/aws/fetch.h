/*
 * The bytes compare reads, fetched (private to the library): a version's package
 * (GetFunction, then its download) or a layer version's content (GetLayerVersion, then its
 * download) as an ld_fetched (audit/source.h), checked against the CodeSha256 Lambda
 * reports. Both run on the calling thread's connection of the session (its own, or the one
 * the thread set with ld_aws_session__use_thread_transport).
 */
#ifndef LD_AWS_FETCH_H
#define LD_AWS_FETCH_H

#include <stdint.h>

#include "audit/source.h"
#include "lambdrift/aws.h"

/** GetFunction for `version` of `function` in `region` (NULL: the session's), counted in
 *  `calls`, then (DOWNLOAD) its package. The reported digest is GetFunction's CodeSha256,
 *  else `fallback_sha256`; when it equals `unchanged_if` (may be NULL) nothing is
 *  downloaded (LD_FETCH_UNCHANGED).
 *  @return 0 whatever the outcome (f->status) */
int ld_fetch_package(ld_fetched *f, ld_aws_session *s, const char *region,
		     const char *function, const char *version, const char *fallback_sha256,
		     const char *unchanged_if, ld_fetch_mode mode, ld_api_calls *calls);

/** GetLayerVersion of `arn`, then its content (f->layer_version: the ARN's version;
 *  LD_FETCH_BAD_ARN when it does not parse). @return 0 whatever the outcome */
int ld_fetch_layer(ld_fetched *f, ld_aws_session *s, const char *arn, ld_api_calls *calls);

/** The session's environment digest key when `inv`'s digests were made with it, else NULL
 *  (NULL session too). */
const uint8_t *ld_fetch_digest_key(const ld_inventory *inv, const ld_aws_session *s);

#endif
