/*
 * KMS Sign and GetPublicKey (see kms.h) over the JSON 1.1 protocol: POST / with
 * X-Amz-Target TrentService.<op>, as in the API model (shared/reference kms).
 */
#include <stdlib.h>
#include <string.h>

#include "aws/kms.h"
#include "aws/session.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"

#define KMS_MAX_BLOB 8192 /* a public key or a signature, decoded */

/* "arn:aws:kms:REGION:ACCOUNT:key/..." names its region; other forms use the session's. */
static const char *key_region(char *buf, size_t len, const char *key)
{
	const char *p = key, *end;

	if (strncmp(key, "arn:", 4))
		return NULL;
	for (int field = 0; field < 3 && p; field++)
		p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
	if (!p || !(end = strchr(p, ':')) || end == p || (size_t)(end - p) >= len)
		return NULL;
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
	return buf;
}

/* One call with a JSON body; *answer is the parsed reply (caller frees). */
static int kms_call(ld_json **answer, ld_aws_session *s, const char *key, const char *op,
		    const char *body, ld_api_calls *calls)
{
	char region[64];
	ld_aws_client client;
	ld_http_response resp;
	int error;

	*answer = NULL;
	memset(&client, 0, sizeof(client));
	ld_http_response_init(&resp);
	if ((error = ld_aws_session__kms_client(&client, s, key_region(region, sizeof(region), key),
						calls)) < 0)
		goto done;
	if ((error = ld_aws_call(&client, &resp, op, "POST", "/", NULL, body, LD_QUOTA_KMS)) < 0)
		goto done;
	error = ld_json_parse(answer, resp.body.ptr, resp.body.size, op);
done:
	ld_http_response_dispose(&resp);
	ld_aws_client_dispose(&client);
	return error;
}

/* A base64 blob member of a KMS answer, decoded and appended to `out`. */
static int take_blob(ld_buf *out, const ld_json *answer, const char *member, const char *op)
{
	const char *b64 = ld_json_get_str(answer, member);
	uint8_t *bytes = NULL;
	int n, error;

	if (!b64 || !(bytes = malloc(KMS_MAX_BLOB)) ||
	    (n = ld_base64_decode(bytes, KMS_MAX_BLOB, b64)) <= 0) {
		free(bytes);
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s answered without a valid %s", op,
				     member);
	}
	error = ld_buf_put(out, bytes, (size_t)n);
	free(bytes);
	return error;
}

static int request_body(ld_buf *body, const char *key)
{
	ld_buf_puts(body, "{\"KeyId\":");
	return ld_json_quote(body, key);
}

int ld_kms_sign(ld_buf *sig, ld_aws_session *s, const char *key, const uint8_t digest[32],
		ld_api_calls *calls)
{
	ld_buf body = LD_BUF_INIT_CAP(4096);
	ld_json *answer = NULL;
	int error;

	request_body(&body, key);
	ld_buf_puts(&body, ",\"Message\":\"");
	ld_base64_encode(&body, digest, 32);
	ld_buf_puts(&body, "\",\"MessageType\":\"DIGEST\",\"SigningAlgorithm\":\"ECDSA_SHA_256\"}");
	if ((error = body.error) < 0 || (error = kms_call(&answer, s, key, "Sign", body.ptr, calls)) < 0)
		goto done;
	error = take_blob(sig, answer, "Signature", "Sign");
done:
	ld_json_free(answer);
	ld_buf_dispose(&body);
	return error;
}

static bool signs_ecdsa_sha256(const ld_json *answer)
{
	const ld_json *algs = ld_json_get(answer, "SigningAlgorithms");

	for (const ld_json *a = ld_json_first(algs); a; a = ld_json_next(a))
		if (ld_json_str(a) && !strcmp(ld_json_str(a), "ECDSA_SHA_256"))
			return true;
	return false;
}

int ld_kms_public_key(ld_buf *der, ld_aws_session *s, const char *key, ld_api_calls *calls)
{
	ld_buf body = LD_BUF_INIT_CAP(4096);
	ld_json *answer = NULL;
	int error;

	request_body(&body, key);
	ld_buf_puts(&body, "}");
	if ((error = body.error) < 0 ||
	    (error = kms_call(&answer, s, key, "GetPublicKey", body.ptr, calls)) < 0)
		goto done;
	if (!signs_ecdsa_sha256(answer)) {
		error = ld_error_setc(LD_EUSAGE, LD_ERR_AWS, "the KMS key %s does not sign with "
				      "ECDSA_SHA_256; use an ECC_NIST_P256 key with usage "
				      "SIGN_VERIFY", key);
		goto done;
	}
	error = take_blob(der, answer, "PublicKey", "GetPublicKey");
done:
	ld_json_free(answer);
	ld_buf_dispose(&body);
	return error;
}
