/*
 * Release-record keys inside the library: sign and verify through a PEM key (util/hash.h)
 * or a KMS key (aws/kms.h), and the one bounded file reader the attest stage uses.
 */
#ifndef LD_ATTEST_KEY_H
#define LD_ATTEST_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "lambdrift/attest.h"
#include "lambdrift/buf.h"

/** Sign `msg` (a DSSE PAE) with `k`, appending the signature to `sig`. @return 0; LD_EUSAGE
 *  for a public key file; KMS errors */
int ld_attest_key__sign(ld_buf *sig, ld_attest_key *k, const void *msg, size_t len);
/** @return 0 when `sig` over `msg` verifies with `k`, else LD_EINVALID (no message set) */
int ld_attest_key__verify(const ld_attest_key *k, const void *msg, size_t len,
			  const uint8_t *sig, size_t siglen);

/** Append the file at `path` to `out`, whose cap bounds it. @return 0; LD_EUSAGE when it
 *  cannot be read (message names `what` and the path); LD_ELIMIT past the cap */
int ld_attest__read_file(ld_buf *out, const char *path, const char *what);

#endif
