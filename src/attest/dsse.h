/*
 * DSSE, the envelope release records travel in (private to the library): the
 * pre-authentication encoding signatures are made over, and the JSON envelope
 * {"payloadType", "payload", "signatures": [{"keyid", "sig"}]} written and read. Reading is
 * strict, since an envelope is hostile input: bounded sizes and counts, exactly the known
 * members, each once, with the right types, base64 that decodes (standard or URL-safe, as
 * the spec asks verifiers to accept). An ld_dsse owns its strings and bytes;
 * ld_dsse_dispose() frees them (a zeroed struct accepted).
 */
#ifndef LD_ATTEST_DSSE_H
#define LD_ATTEST_DSSE_H

#include <stddef.h>
#include <stdint.h>

#include "lambdrift/buf.h"

#define LD_DSSE_MAX_ENVELOPE ((size_t)8 * 1024 * 1024) /* the whole envelope's text */
#define LD_DSSE_MAX_PAYLOAD ((size_t)4 * 1024 * 1024)  /* decoded payload bytes */
#define LD_DSSE_MAX_SIGS 16
#define LD_DSSE_MAX_SIG 512                            /* decoded signature bytes */
#define LD_DSSE_MAX_KEYID 256
#define LD_DSSE_MAX_TYPE 256

typedef struct {
	char *keyid;           /* "" when the envelope gives none */
	uint8_t *sig;
	size_t siglen;
} ld_dsse_sig;

typedef struct {
	char *payload_type;
	uint8_t *payload;      /* NUL-terminated for convenience; payload_len excludes it */
	size_t payload_len;
	ld_dsse_sig *sigs;
	size_t nsigs;
} ld_dsse;

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, appended. */
int ld_dsse_pae(ld_buf *out, const char *type, const void *body, size_t len);

/** The envelope of one signature as compact JSON, appended to `out`. */
int ld_dsse_encode(ld_buf *out, const char *type, const void *payload, size_t len,
		   const char *keyid, const uint8_t *sig, size_t siglen);

/**
 * Read an envelope from `len` bytes of text. `what` names it in messages.
 * @return 0; LD_EINVALID saying what is wrong (the text is never quoted); LD_ELIMIT past a
 *         bound; LD_ERROR without memory
 */
int ld_dsse_decode(ld_dsse *out, const char *text, size_t len, const char *what);
void ld_dsse_dispose(ld_dsse *e);

#endif
