/*
 * DSSE envelopes (see dsse.h): the pre-authentication encoding and the JSON envelope, after
 * https://github.com/secure-systems-lab/dsse (protocol.md and envelope.md, v1.0).
 */
#include <stdlib.h>
#include <string.h>

#include "attest/dsse.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"

int ld_dsse_pae(ld_buf *out, const char *type, const void *body, size_t len)
{
	ld_buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(type), type, len);
	return ld_buf_put(out, body, len);
}

int ld_dsse_encode(ld_buf *out, const char *type, const void *payload, size_t len,
		   const char *keyid, const uint8_t *sig, size_t siglen)
{
	ld_buf_puts(out, "{\"payloadType\":");
	ld_json_quote(out, type);
	ld_buf_puts(out, ",\"payload\":\"");
	ld_base64_encode(out, payload, len);
	ld_buf_puts(out, "\",\"signatures\":[{\"keyid\":");
	ld_json_quote(out, keyid ? keyid : "");
	ld_buf_puts(out, ",\"sig\":\"");
	ld_base64_encode(out, sig, siglen);
	return ld_buf_puts(out, "\"}]}\n");
}

/* Every member of `obj` is one of `known` (NULL-terminated), and none appears twice:
 * parsers that keep the first and those that keep the last must not read different
 * envelopes. */
static int check_members(const ld_json *obj, const char *const *known, const char *what,
			 const char *where)
{
	for (const ld_json *m = ld_json_first(obj); m; m = ld_json_next(m)) {
		size_t k = 0;
		while (known[k] && strcmp(known[k], ld_json_key(m)))
			k++;
		if (!known[k])
			return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: %s has an unknown member "
					     "(not a DSSE envelope)", what, where);
		for (const ld_json *o = ld_json_first(obj); o != m; o = ld_json_next(o))
			if (!strcmp(ld_json_key(o), ld_json_key(m)))
				return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: %s has \"%s\" "
						     "twice", what, where, known[k]);
	}
	return 0;
}

/* A base64 string member, decoded into a new buffer of at most `cap` bytes. */
static int get_b64(uint8_t **out, size_t *len, const ld_json *obj, const char *key, size_t cap,
		   const char *what)
{
	const char *s = ld_json_get_str(obj, key);
	size_t slen;
	int n;

	*out = NULL;
	if (!s)
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: \"%s\" is missing or not a "
				     "string", what, key);
	if ((slen = strlen(s)) > (cap + 2) / 3 * 4 + 2)
		return ld_error_setc(LD_ELIMIT, LD_ERR_USAGE, "%s: \"%s\" is larger than %zu bytes",
				     what, key, cap);
	if (!(*out = malloc(cap + 1)))
		return ld_error_oom();
	if ((n = ld_base64_decode_any(*out, cap, s, slen)) < 0) {
		free(*out);
		*out = NULL;
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: \"%s\" is not base64", what,
				     key);
	}
	(*out)[n] = 0;
	*len = (size_t)n;
	return 0;
}

static int decode_sig(ld_dsse_sig *out, const ld_json *item, const char *what)
{
	static const char *const known[] = { "keyid", "sig", NULL };
	const ld_json *keyid = ld_json_get(item, "keyid");
	int error;

	if (!ld_json_is_object(item))
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: a signature is not an object",
				     what);
	if ((error = check_members(item, known, what, "a signature")) < 0)
		return error;
	if (keyid && (!ld_json_is_string(keyid) || strlen(ld_json_str(keyid)) > LD_DSSE_MAX_KEYID))
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: a signature's \"keyid\" is not "
				     "a string of at most %d bytes", what, LD_DSSE_MAX_KEYID);
	if (!(out->keyid = strdup(keyid ? ld_json_str(keyid) : "")))
		return ld_error_oom();
	if ((error = get_b64(&out->sig, &out->siglen, item, "sig", LD_DSSE_MAX_SIG, what)) < 0)
		return error;
	if (!out->siglen)
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: a signature is empty", what);
	return 0;
}

static int decode_root(ld_dsse *out, const ld_json *root, const char *what)
{
	static const char *const known[] = { "payloadType", "payload", "signatures", NULL };
	const ld_json *sigs = ld_json_get(root, "signatures");
	const char *type = ld_json_get_str(root, "payloadType");
	int error;

	if (!ld_json_is_object(root))
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s is not a DSSE envelope (not a "
				     "JSON object)", what);
	if ((error = check_members(root, known, what, "the envelope")) < 0)
		return error;
	if (!type || !*type || strlen(type) > LD_DSSE_MAX_TYPE)
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: \"payloadType\" is missing or "
				     "not a short string", what);
	if (!(out->payload_type = strdup(type)))
		return ld_error_oom();
	if ((error = get_b64(&out->payload, &out->payload_len, root, "payload",
			     LD_DSSE_MAX_PAYLOAD, what)) < 0)
		return error;
	if (!ld_json_is_array(sigs) || ld_json_size(sigs) == 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s is unsigned: \"signatures\" is "
				     "missing or empty", what);
	if (ld_json_size(sigs) > LD_DSSE_MAX_SIGS)
		return ld_error_setc(LD_ELIMIT, LD_ERR_USAGE, "%s has more than %d signatures", what,
				     LD_DSSE_MAX_SIGS);
	if (!(out->sigs = calloc(ld_json_size(sigs), sizeof(*out->sigs))))
		return ld_error_oom();
	for (const ld_json *s = ld_json_first(sigs); s; s = ld_json_next(s))
		if ((error = decode_sig(&out->sigs[out->nsigs++], s, what)) < 0)
			return error;
	return 0;
}

int ld_dsse_decode(ld_dsse *out, const char *text, size_t len, const char *what)
{
	ld_json *root = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (len > LD_DSSE_MAX_ENVELOPE)
		return ld_error_setc(LD_ELIMIT, LD_ERR_USAGE, "%s is larger than %zu bytes; it is "
				     "not a release record", what, LD_DSSE_MAX_ENVELOPE);
	if (memchr(text, '\0', len) || ld_json_parse(&root, text, len, what) < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s is not a DSSE envelope (not "
				     "JSON)", what);
	error = decode_root(out, root, what);
	ld_json_free(root);
	if (error < 0)
		ld_dsse_dispose(out);
	return error;
}

void ld_dsse_dispose(ld_dsse *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nsigs; i++) {
		free(e->sigs[i].keyid);
		free(e->sigs[i].sig);
	}
	free(e->sigs);
	free(e->payload_type);
	free(e->payload);
	memset(e, 0, sizeof(*e));
}
