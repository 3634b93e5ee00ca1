/* OpenSSL wrapper (see hash.h). */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "lambdrift/errors.h"
#include "util/hash.h"

void ld_sha256(uint8_t out[LD_SHA256_LEN], const void *data, size_t len)
{
	SHA256(data, len, out);
}

/* An ld_sha256_ctx is an EVP_MD_CTX: the low-level SHA256_* calls are deprecated in 3.0. */
ld_sha256_ctx *ld_sha256_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		ctx = NULL;
	}
	return (ld_sha256_ctx *)ctx;
}

void ld_sha256_update(ld_sha256_ctx *ctx, const void *data, size_t len)
{
	EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len);
}

void ld_sha256_final(ld_sha256_ctx *ctx, uint8_t out[LD_SHA256_LEN])
{
	unsigned int n = LD_SHA256_LEN;
	EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, out, &n);
	EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
}

void ld_sha256_free(ld_sha256_ctx *ctx)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
}

void ld_hmac_sha256(uint8_t out[LD_SHA256_LEN], const void *key, size_t key_len,
		    const void *data, size_t len)
{
	unsigned int out_len = LD_SHA256_LEN;
	HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len);
}

int ld_random_bytes(void *out, size_t len)
{
	if (RAND_bytes(out, (int)len) != 1)
		return ld_error_set(LD_ERR_OS, "no random bytes available");
	return 0;
}

void ld_hex(char *out, const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

void ld_sha256_hex(char out[LD_SHA256_HEX_LEN + 1], const void *data, size_t len)
{
	uint8_t d[LD_SHA256_LEN];
	ld_sha256(d, data, len);
	ld_hex(out, d, sizeof(d));
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int ld_base64_encode(ld_buf *out, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;
		char q[5];
		if (n > 1)
			v |= (uint32_t)data[i + 1] << 8;
		if (n > 2)
			v |= data[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = n > 1 ? b64[(v >> 6) & 63] : '=';
		q[3] = n > 2 ? b64[v & 63] : '=';
		q[4] = '\0';
		ld_buf_puts(out, q);
	}
	return out->error;
}

int ld_base64_decode(uint8_t *out, size_t cap, const char *in)
{
	size_t n = 0, len = strlen(in);
	uint32_t acc = 0;
	int bits = 0, pad = 0;

	if (len % 4)
		return ld_error_setc(LD_EINVALID, LD_ERR_OS, "malformed base64 value");
	for (size_t i = 0; i < len; i++) {
		const char *p;
		if (in[i] == '=') {
			if (i < len - 2 || ++pad > 2)
				return ld_error_setc(LD_EINVALID, LD_ERR_OS, "malformed base64 value");
			continue;
		}
		if (pad || !(p = strchr(b64, in[i])) || !in[i])
			return ld_error_setc(LD_EINVALID, LD_ERR_OS, "malformed base64 value");
		acc = (acc << 6) | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return ld_error_setc(LD_EINVALID, LD_ERR_OS, "base64 value too long");
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)n;
}
