/*
 * AWS Signature Version 4 (header signing) over the OpenSSL wrapper. Pure functions: no
 * clock, no I/O, so the official test vectors can drive them. An ld_sigv4_result owns its
 * buffers; release it with ld_sigv4_result_dispose(), which also wipes the signing data.
 */
#ifndef LD_AWS_SIGV4_H
#define LD_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "http/http.h"
#include "lambdrift/buf.h"

typedef struct {
	const char *method;        /* "GET", "POST", ... */
	const char *path;          /* exactly as on the request line (wire form for AWS) */
	const char *query;         /* query string without '?', or NULL */
	const ld_header *headers;  /* must include Host; duplicates and folding allowed */
	size_t nheaders;
	const void *body;
	size_t body_len;
} ld_sigv4_request;

typedef struct {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;  /* NULL when none */
	const char *region;
	const char *service;        /* "lambda", "sts" */
	time_t when;                /* signing time (UTC) */
	bool normalize_path;        /* remove . and .. segments and duplicate slashes (not S3) */
	bool sign_body;             /* add and sign X-Amz-Content-SHA256 */
	bool omit_session_token;    /* add the token header after signing, unsigned */
} ld_sigv4_params;

typedef struct {
	char amz_date[17];          /* X-Amz-Date value, "YYYYMMDDTHHMMSSZ" */
	char payload_hash[65];      /* hex sha256 of the body */
	char signature[65];
	ld_buf canonical_request;
	ld_buf string_to_sign;
	ld_buf authorization;       /* Authorization header value */
	ld_header add[4];           /* headers the caller must send: X-Amz-Date, Authorization,
				       and X-Amz-Security-Token / X-Amz-Content-SHA256 when used;
				       values point into this result, except the token's,
				       which borrows params->session_token */
	size_t nadd;
} ld_sigv4_result;

/**
 * Sign `req`. Fills canonical request, string to sign, signature and the headers to add.
 * @return 0; LD_EINVALID for a request that cannot be canonicalised (no Host header);
 *         LD_EAUTH for empty keys; LD_ELIMIT past the header/parameter bounds.
 *         On failure `out` is already disposed.
 */
int ld_sigv4_sign(ld_sigv4_result *out, const ld_sigv4_request *req, const ld_sigv4_params *p);
void ld_sigv4_result_dispose(ld_sigv4_result *r);

/** Percent-encode `s` as SigV4 wants (unreserved A-Z a-z 0-9 - _ . ~ kept; '/' kept when
 *  keep_slash). Used for URI labels and query values too. */
int ld_sigv4_uri_encode(ld_buf *out, const char *s, bool keep_slash);

#endif
