/*
 * The one wrapper around OpenSSL: SHA-256 (one-shot and streaming), HMAC-SHA256, random
 * bytes, the hex/base64 codecs digests travel in, and signing keys (ECDSA P-256 with
 * SHA-256 and Ed25519, read from PEM or a DER SubjectPublicKeyInfo) for release records.
 * No other file includes OpenSSL. An ld_key is heap-owned and freed with ld_key_free();
 * key material never reaches a message: errors name the file or source the key came from.
 */
#ifndef LD_UTIL_HASH_H
#define LD_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "lambdrift/buf.h"

#define LD_SHA256_LEN 32
#define LD_SHA256_HEX_LEN 64

typedef struct ld_sha256_ctx ld_sha256_ctx;

void ld_sha256(uint8_t out[LD_SHA256_LEN], const void *data, size_t len);
/** Streaming SHA-256; _new returns NULL without memory; _final also frees. */
ld_sha256_ctx *ld_sha256_new(void);
void ld_sha256_update(ld_sha256_ctx *ctx, const void *data, size_t len);
void ld_sha256_final(ld_sha256_ctx *ctx, uint8_t out[LD_SHA256_LEN]);
void ld_sha256_free(ld_sha256_ctx *ctx);

void ld_hmac_sha256(uint8_t out[LD_SHA256_LEN], const void *key, size_t key_len,
		    const void *data, size_t len);

/** Cryptographically strong random bytes. @return 0 or LD_ERROR */
int ld_random_bytes(void *out, size_t len);

/** Lowercase hex of `len` bytes into `out` (2*len+1 bytes, NUL-terminated). */
void ld_hex(char *out, const uint8_t *bytes, size_t len);
/** sha256 of `data` as 64 lowercase hex digits plus NUL. */
void ld_sha256_hex(char out[LD_SHA256_HEX_LEN + 1], const void *data, size_t len);

/** Standard base64 (with padding), appended to `out`. */
int ld_base64_encode(ld_buf *out, const uint8_t *data, size_t len);
/** Decode standard base64 into `out` (at most `cap` bytes). @return bytes written, or
 *  LD_EINVALID for malformed input or when it does not fit */
int ld_base64_decode(uint8_t *out, size_t cap, const char *in);
/** As ld_base64_decode, `len` bytes of standard or URL-safe base64 (one alphabet, padding
 *  optional), as DSSE asks verifiers to accept. @return bytes written, or LD_EINVALID */
int ld_base64_decode_any(uint8_t *out, size_t cap, const char *in, size_t len);

/* --- signing keys ------------------------------------------------------------------ */

typedef struct ld_key ld_key;

typedef enum {
	LD_KEY_ECDSA_P256 = 1, /* ECDSA over NIST P-256 with SHA-256; DER signatures */
	LD_KEY_ED25519         /* PureEdDSA; 64-byte signatures */
} ld_key_type;

#define LD_KEY_MAX_SIG 160     /* longest signature either type makes */

/**
 * Read an unencrypted PEM private key ("PRIVATE KEY" or "EC PRIVATE KEY"), or a PEM public
 * key ("PUBLIC KEY"), of one of the two types. `what` names its source in messages.
 * @return 0; LD_EUSAGE for anything else (encrypted, RSA, another curve, not PEM)
 */
int ld_key_private_pem(ld_key **out, const char *pem, size_t len, const char *what);
int ld_key_public_pem(ld_key **out, const char *pem, size_t len, const char *what);
/** A public key from DER SubjectPublicKeyInfo (KMS GetPublicKey). @return 0 or LD_EINVALID */
int ld_key_public_der(ld_key **out, const uint8_t *der, size_t len, const char *what);
void ld_key_free(ld_key *k);

ld_key_type ld_key_type_of(const ld_key *k);
/** Whether `k` holds a private key (can sign). */
int ld_key_is_private(const ld_key *k);
/** The key's id: 64 hex digits of sha256 over its DER SubjectPublicKeyInfo. @return 0 or
 *  LD_ERROR */
int ld_key_id(char out[LD_SHA256_HEX_LEN + 1], const ld_key *k);

/** Sign `msg` (ECDSA: over its SHA-256, DER-encoded; Ed25519: over `msg` itself), appended
 *  to `sig`. @return 0; LD_EUSAGE for a public key; LD_ERROR */
int ld_key_sign(ld_buf *sig, const ld_key *k, const void *msg, size_t len);
/**
 * Check a signature over `msg`. ECDSA signatures may be DER (cosign, KMS) or the raw 64-byte
 * r||s the DSSE test vectors use.
 * @return 0 when it verifies; LD_EINVALID when it does not (no message set)
 */
int ld_key_verify(const ld_key *k, const void *msg, size_t len, const uint8_t *sig,
		  size_t siglen);

#endif
