/*
 * The bytes compare reads (see fetch.h): a version's package and a layer version's content,
 * each checked against the CodeSha256 Lambda reports. Failures are kept as data with their
 * one-line message; nothing here decides what a failure means for the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/code.h"
#include "aws/fetch.h"
#include "aws/layer.h"
#include "aws/session.h"
#include "util/hash.h"

static void failed(ld_fetched *f, ld_fetch_status status)
{
	f->status = status;
	snprintf(f->message, sizeof(f->message), "%s", ld_error_last()->message);
}

static void set_reported(ld_fetched *f, const char *sha256)
{
	f->has_reported = sha256 != NULL;
	snprintf(f->reported, sizeof(f->reported), "%s", sha256 ? sha256 : "");
}

/* Download `location` into f->bytes and hash it against f->reported. */
static void download(ld_fetched *f, ld_aws_session *s, const char *location)
{
	if (!location) {
		f->status = LD_FETCH_NO_LOCATION;
		return;
	}
	if (ld_code_download(&f->bytes, s, location, f->bytes.cap) < 0) {
		failed(f, LD_FETCH_DOWNLOAD_FAILED);
		return;
	}
	ld_code_sha256(f->got, f->bytes.ptr, f->bytes.size);
	f->status = f->has_reported && !strcmp(f->got, f->reported) ? LD_FETCH_OK
								      : LD_FETCH_CORRUPT;
}

int ld_fetch_package(ld_fetched *f, ld_aws_session *s, const char *region,
		     const char *function, const char *version, const char *fallback_sha256,
		     const char *unchanged_if, ld_fetch_mode mode, ld_api_calls *calls)
{
	ld_code_info info;

	memset(&info, 0, sizeof(info));
	if (ld_code_get(&info, s, region, function, version, calls) < 0) {
		failed(f, LD_FETCH_GET_FAILED);
		goto done;
	}
	set_reported(f, info.code_sha256 ? info.code_sha256 : fallback_sha256);
	if ((f->has_image = info.resolved_image_uri != NULL))
		ld_code_image_digest(f->image_digest, info.resolved_image_uri);
	if (f->has_reported && unchanged_if && !strcmp(f->reported, unchanged_if))
		f->status = LD_FETCH_UNCHANGED;
	else if (mode == LD_FETCH_DOWNLOAD)
		download(f, s, info.location);
done:
	ld_code_info_dispose(&info);
	return 0;
}

int ld_fetch_layer(ld_fetched *f, ld_aws_session *s, const char *arn, ld_api_calls *calls)
{
	ld_layer_arn parsed;
	ld_layer_info info;

	memset(&info, 0, sizeof(info));
	if (ld_layer_arn_parse(&parsed, arn) < 0) {
		failed(f, LD_FETCH_BAD_ARN);
		return 0;
	}
	f->layer_version = parsed.version;
	if (ld_layer_get(&info, s, arn, calls) < 0) {
		failed(f, LD_FETCH_GET_FAILED);
	} else {
		set_reported(f, info.code_sha256);
		download(f, s, info.location);
	}
	ld_layer_info_dispose(&info);
	return 0;
}

/* ------------------------------------------------------------------ the digest key */

const uint8_t *ld_fetch_digest_key(const ld_inventory *inv, const ld_aws_session *s)
{
	uint8_t digest[LD_SHA256_LEN];
	char hex[17];

	if (!s || !inv->digest_key_id)
		return NULL;
	ld_sha256(digest, s->digest_key, sizeof(s->digest_key));
	ld_hex(hex, digest, 8);
	return strcmp(hex, inv->digest_key_id) ? NULL : s->digest_key;
}

