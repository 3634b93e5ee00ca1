/*
 * The one wrapper around OpenSSL: SHA-256 (one-shot and streaming), HMAC-SHA256, random
 * bytes, and the hex/base64 codecs digests travel in. No other file includes OpenSSL.
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

#endif
