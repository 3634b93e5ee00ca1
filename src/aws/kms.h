/*
 * AWS KMS for release records (private to the library): Sign an ECDSA_SHA_256 digest with
 * an asymmetric key, and read a key's public half (GetPublicKey), through the session's
 * credentials, retries and counters like every other AWS call. Keys are named as KMS
 * accepts them: a key id, a key ARN, "alias/NAME" or an alias ARN; the region is the
 * ARN's, else the session's. Outputs are appended to caller-owned buffers.
 */
#ifndef LD_AWS_KMS_H
#define LD_AWS_KMS_H

#include <stdint.h>

#include "lambdrift/aws.h"
#include "lambdrift/buf.h"

/**
 * KMS Sign of a SHA-256 digest (MessageType DIGEST, SigningAlgorithm ECDSA_SHA_256): the
 * DER signature is appended to `sig`. `calls` (may be NULL) counts the request.
 * @return 0; the client's errors (LD_EAUTH, LD_ENOTFOUND, LD_ENET, ...); LD_EINVALID for
 *         an answer without a signature
 */
int ld_kms_sign(ld_buf *sig, ld_aws_session *s, const char *key, const uint8_t digest[32],
		ld_api_calls *calls);

/**
 * KMS GetPublicKey: the DER SubjectPublicKeyInfo is appended to `der`.
 * @return 0; the client's errors; LD_EUSAGE for a key that does not sign with
 *         ECDSA_SHA_256; LD_EINVALID for an answer without a key
 */
int ld_kms_public_key(ld_buf *der, ld_aws_session *s, const char *key, ld_api_calls *calls);

#endif
