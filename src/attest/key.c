/*
 * Keys for release records (attest.h, key.h): a PEM file read once into an ld_key, or a
 * KMS key whose public half is fetched when it is opened, so its id is known and every
 * signature KMS returns is checked locally before it is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/key.h"
#include "aws/kms.h"
#include "lambdrift/errors.h"
#include "util/file.h"
#include "util/hash.h"

#define KEY_FILE_MAX (64 * 1024)
#define KMS_KEY_MAX 2048

struct ld_attest_key {
	ld_key *key;             /* the file's key, or KMS's public key */
	char *kms;               /* the KMS key as given after awskms:///, or NULL */
	ld_aws_session *session; /* borrowed, for KMS */
	ld_api_calls *calls;     /* borrowed, may be NULL */
	char id[LD_SHA256_HEX_LEN + 1];
};

int ld_attest__read_file(ld_buf *out, const char *path, const char *what)
{
	int error = ld_buf_read_file(out, path, out->cap);

	if (error == LD_ELIMIT)
		return ld_error_setc(LD_ELIMIT, LD_ERR_USAGE, "%s %s is larger than %zu bytes", what,
				     path, out->cap);
	if (error < 0 && errno == EISDIR)
		return ld_file_dir_error(path, what, LD_ERR_USAGE);
	if (error == LD_ENOTFOUND || error == LD_EUSAGE)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "cannot read %s %s: %s", what, path,
				     strerror(errno));
	if (error < 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "cannot read %s %s", what, path);
	return 0;
}

bool ld_attest_key_is_kms(const char *ref)
{
	return ref && !strncmp(ref, LD_ATTEST_KMS_PREFIX, strlen(LD_ATTEST_KMS_PREFIX));
}

/* A key id, key ARN, alias/NAME or alias ARN: printable, no spaces, bounded. */
int ld_attest_key_ref_check(const char *ref)
{
	const char *id = ref + strlen(LD_ATTEST_KMS_PREFIX);

	if (!ld_attest_key_is_kms(ref))
		return 0;
	if (!*id || strlen(id) > KMS_KEY_MAX || strpbrk(id, " \t\r\n\"\\") ||
	    (!strncmp(id, "alias/", 6) && !id[6]))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "'%.64s' is not a KMS key: give "
				     "awskms:///<key id>, awskms:///<key ARN>, awskms:///alias/NAME "
				     "or awskms:///<alias ARN>", ref);
	return 0;
}

static int open_kms(ld_attest_key *k, const char *ref)
{
	ld_buf der = LD_BUF_INIT_CAP(16384);
	int error;

	if (!k->session)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "the KMS key %s needs AWS access", ref);
	if (!(k->kms = strdup(ref + strlen(LD_ATTEST_KMS_PREFIX))))
		return ld_error_oom();
	if ((error = ld_kms_public_key(&der, k->session, k->kms, k->calls)) == 0)
		error = ld_key_public_der(&k->key, (const uint8_t *)der.ptr, der.size, "KMS's answer");
	ld_buf_dispose(&der);
	return error;
}

static int open_file(ld_attest_key *k, const char *path, bool sign)
{
	ld_buf pem = LD_BUF_INIT_CAP(KEY_FILE_MAX);
	char what[320];
	int error;

	snprintf(what, sizeof(what), "the %s key %s", sign ? "signing" : "public", path);
	if ((error = ld_attest__read_file(&pem, path, sign ? "the signing key" : "the key")) == 0)
		error = sign ? ld_key_private_pem(&k->key, pem.ptr, pem.size, what)
			     : ld_key_public_pem(&k->key, pem.ptr, pem.size, what);
	ld_buf_dispose_secret(&pem);
	return error;
}

int ld_attest_key_open(ld_attest_key **out, const char *ref, bool sign,
		       ld_aws_session *session, ld_api_calls *calls)
{
	ld_attest_key *k;
	int error;

	*out = NULL;
	if ((error = ld_attest_key_ref_check(ref)) < 0)
		return error;
	if (!(k = calloc(1, sizeof(*k))))
		return ld_error_oom();
	k->session = session;
	k->calls = calls;
	error = ld_attest_key_is_kms(ref) ? open_kms(k, ref) : open_file(k, ref, sign);
	if (error == 0)
		error = ld_key_id(k->id, k->key);
	if (error < 0) {
		ld_attest_key_free(k);
		return error;
	}
	*out = k;
	return 0;
}

void ld_attest_key_free(ld_attest_key *k)
{
	if (!k)
		return;
	ld_key_free(k->key);
	free(k->kms);
	free(k);
}

const char *ld_attest_key_id(const ld_attest_key *k)
{
	return k->id;
}

const char *ld_attest_key_algorithm(const ld_attest_key *k)
{
	return ld_key_type_of(k->key) == LD_KEY_ED25519 ? "ed25519" : "ecdsa-p256-sha256";
}

int ld_attest_key__sign(ld_buf *sig, ld_attest_key *k, const void *msg, size_t len)
{
	uint8_t digest[LD_SHA256_LEN];
	int error;

	if (!k->kms)
		return ld_key_sign(sig, k->key, msg, len);
	if (ld_key_type_of(k->key) != LD_KEY_ECDSA_P256)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "the KMS key %s is not an "
				     "ECC_NIST_P256 key", k->kms);
	ld_sha256(digest, msg, len);
	if ((error = ld_kms_sign(sig, k->session, k->kms, digest, k->calls)) < 0)
		return error;
	/* what KMS signed must verify with the key it published, or the record is useless */
	if (ld_key_verify(k->key, msg, len, (const uint8_t *)sig->ptr, sig->size) < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "the signature KMS returned for %s "
				     "does not verify with its public key", k->kms);
	return 0;
}

int ld_attest_key__verify(const ld_attest_key *k, const void *msg, size_t len,
			  const uint8_t *sig, size_t siglen)
{
	return ld_key_verify(k->key, msg, len, sig, siglen);
}
