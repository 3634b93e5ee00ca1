/* OpenSSL wrapper (see hash.h). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

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

/* Either alphabet, but one per value; '=' only at the end, and only as much as the length
 * needs. Bits left over in the last symbol must be zero, so a value has one spelling. */
int ld_base64_decode_any(uint8_t *out, size_t cap, const char *in, size_t len)
{
	static const char url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *alpha = NULL;
	size_t n = 0, body = len;
	uint32_t acc = 0;
	int bits = 0;

	while (body && in[body - 1] == '=')
		body--;
	if (len - body > 2 || (len != body && len % 4) || body % 4 == 1)
		return ld_error_setc(LD_EINVALID, LD_ERR_OS, "malformed base64 value");
	for (size_t i = 0; i < body; i++) {
		const char *p = NULL;
		if (!in[i])
			return ld_error_setc(LD_EINVALID, LD_ERR_OS, "malformed base64 value");
		if (alpha != url && (p = memchr(b64, in[i], 64)) != NULL)
			alpha = in[i] == '+' || in[i] == '/' ? b64 : alpha;
		else if (alpha != b64 && (p = memchr(url, in[i], 64)) != NULL) {
			alpha = in[i] == '-' || in[i] == '_' ? url : alpha;
			p = b64 + (p - url);
		}
		if (!p)
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
	if (bits && (acc & ((1u << bits) - 1)))
		return ld_error_setc(LD_EINVALID, LD_ERR_OS, "malformed base64 value");
	return (int)n;
}

/* ---- signing keys ---- */

struct ld_key {
	EVP_PKEY *pkey;
	ld_key_type type;
	int priv;
};

#define KEY_PEM_MAX (64 * 1024)

/* PEM callbacks ask for a passphrase: there is none, so an encrypted key fails to load. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return 0;
}

/* Keep only the two key types release records use. OpenSSL's error queue is dropped: its
 * strings could quote input. */
static int key_wrap(ld_key **out, EVP_PKEY *pkey, int priv, const char *what, int code)
{
	ld_key *k;
	ld_key_type type = 0;

	ERR_clear_error();
	*out = NULL;
	if (!pkey)
		return code == LD_EINVALID
			       ? ld_error_setc(code, LD_ERR_OS, "%s is not a public key", what)
			       : ld_error_setc(code, LD_ERR_USAGE,
					       "%s is not an unencrypted PEM %s key; give an ECDSA "
					       "P-256 or Ed25519 key", what, priv ? "private" : "public");
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519)
		type = LD_KEY_ED25519;
	else if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
		char curve[64];
		size_t clen = 0;
		if (EVP_PKEY_get_utf8_string_param(pkey, "group", curve, sizeof(curve), &clen) == 1 &&
		    !strcmp(curve, "prime256v1"))
			type = LD_KEY_ECDSA_P256;
	}
	ERR_clear_error();
	if (!type) {
		EVP_PKEY_free(pkey);
		return ld_error_setc(code, code == LD_EINVALID ? LD_ERR_OS : LD_ERR_USAGE,
				     "%s is neither an ECDSA P-256 nor an Ed25519 key", what);
	}
	if (!(k = calloc(1, sizeof(*k)))) {
		EVP_PKEY_free(pkey);
		return ld_error_oom();
	}
	k->pkey = pkey;
	k->type = type;
	k->priv = priv;
	*out = k;
	return 0;
}

static int key_pem(ld_key **out, const char *pem, size_t len, const char *what, int priv)
{
	EVP_PKEY *pkey = NULL;
	BIO *bio;

	*out = NULL;
	if (len > KEY_PEM_MAX)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s is larger than %d bytes; it is "
				     "not a PEM key", what, KEY_PEM_MAX);
	if (!(bio = BIO_new_mem_buf(pem, (int)len)))
		return ld_error_oom();
	pkey = priv ? PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL)
		    : PEM_read_bio_PUBKEY(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	return key_wrap(out, pkey, priv, what, LD_EUSAGE);
}

int ld_key_private_pem(ld_key **out, const char *pem, size_t len, const char *what)
{
	return key_pem(out, pem, len, what, 1);
}

int ld_key_public_pem(ld_key **out, const char *pem, size_t len, const char *what)
{
	return key_pem(out, pem, len, what, 0);
}

int ld_key_public_der(ld_key **out, const uint8_t *der, size_t len, const char *what)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = len <= KEY_PEM_MAX ? d2i_PUBKEY(NULL, &p, (long)len) : NULL;

	if (pkey && p != der + len) { /* trailing bytes: not one key */
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return key_wrap(out, pkey, 0, what, LD_EINVALID);
}

void ld_key_free(ld_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

ld_key_type ld_key_type_of(const ld_key *k)
{
	return k->type;
}

int ld_key_is_private(const ld_key *k)
{
	return k->priv;
}

int ld_key_id(char out[LD_SHA256_HEX_LEN + 1], const ld_key *k)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pkey, &der);

	if (n <= 0) {
		ERR_clear_error();
		return ld_error_set(LD_ERR_OS, "cannot encode the public key");
	}
	ld_sha256_hex(out, der, (size_t)n);
	OPENSSL_free(der);
	return 0;
}

int ld_key_sign(ld_buf *sig, const ld_key *k, const void *msg, size_t len)
{
	EVP_MD_CTX *ctx = NULL;
	unsigned char out[LD_KEY_MAX_SIG];
	size_t n = sizeof(out);
	int error = 0;

	if (!k->priv)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "a public key cannot sign");
	if (!(ctx = EVP_MD_CTX_new()))
		return ld_error_oom();
	if (EVP_DigestSignInit(ctx, NULL, k->type == LD_KEY_ED25519 ? NULL : EVP_sha256(), NULL,
			       k->pkey) != 1 ||
	    EVP_DigestSign(ctx, out, &n, msg, len) != 1)
		error = ld_error_set(LD_ERR_OS, "signing failed");
	else
		error = ld_buf_put(sig, out, n);
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(out, sizeof(out));
	return error;
}

/* The raw r||s form (64 bytes for P-256) as DER, which OpenSSL verifies. */
static int raw_to_der(unsigned char **der, int *derlen, const uint8_t *sig)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);

	*der = NULL;
	if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return -1;
	}
	*derlen = i2d_ECDSA_SIG(es, der);
	ECDSA_SIG_free(es);
	return *derlen > 0 ? 0 : -1;
}

static int verify_once(const ld_key *k, const void *msg, size_t len, const uint8_t *sig,
		       size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = 0;

	if (ctx && EVP_DigestVerifyInit(ctx, NULL, k->type == LD_KEY_ED25519 ? NULL : EVP_sha256(),
					NULL, k->pkey) == 1)
		ok = EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1;
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	return ok;
}

int ld_key_verify(const ld_key *k, const void *msg, size_t len, const uint8_t *sig,
		  size_t siglen)
{
	unsigned char *der = NULL;
	int derlen = 0, ok;

	if (!siglen || siglen > LD_KEY_MAX_SIG)
		return LD_EINVALID;
	ok = verify_once(k, msg, len, sig, siglen);
	/* a DER signature can be 64 bytes too, so the raw form is the second try */
	if (!ok && k->type == LD_KEY_ECDSA_P256 && siglen == 64 &&
	    raw_to_der(&der, &derlen, sig) == 0)
		ok = verify_once(k, msg, len, der, (size_t)derlen);
	OPENSSL_free(der);
	return ok ? 0 : LD_EINVALID;
}
