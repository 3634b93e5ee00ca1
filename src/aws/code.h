/*
 * Where a function version's code is, and fetching it (private to the library): GetFunction
 * with a Qualifier (the 100 req/s quota class) gives the code location of one version, and
 * a download through the session's transport fetches the package, capped, complete or not
 * at all. The location of a zip package is a presigned URL, a credential in all but name:
 * it lives only in an ld_code_info (wiped when disposed) and no message ever contains it —
 * failures name the host alone. An ld_code_info is caller-owned and released with
 * ld_code_info_dispose() (NULL and zeroed input accepted).
 */
#ifndef LD_AWS_CODE_H
#define LD_AWS_CODE_H

#include <stddef.h>

#include "lambdrift/aws.h"
#include "lambdrift/buf.h"
#include "lambdrift/inventory.h"

/* One package download, whole: a 250 MB package over a slow link still fits. */
#define LD_CODE_DOWNLOAD_TIMEOUT_MS (15L * 60 * 1000)
#define LD_CODE_DOWNLOAD_ATTEMPTS 3

typedef struct {
	char *repository_type;    /* "S3" (zip) or "ECR" (image), NULL when absent */
	char *location;           /* presigned package URL (a secret), NULL for images */
	char *image_uri;          /* ECR: the image as configured, or NULL */
	char *resolved_image_uri; /* ECR: "repo@sha256:<hex>", or NULL */
	char *code_sha256;        /* Configuration.CodeSha256, or NULL */
} ld_code_info;

void ld_code_info_dispose(ld_code_info *c);

/**
 * GetFunction `function` at `qualifier` ("$LATEST" or a version) in `region` (NULL: the
 * session's), counted in `calls` (may be NULL).
 * @return 0; LD_ENOTFOUND when the function or version is gone; LD_EINVALID for a response
 *         without Code; the errors of ld_aws_call()
 */
int ld_code_get(ld_code_info *out, ld_aws_session *s, const char *region, const char *function,
		const char *qualifier, ld_api_calls *calls);

/**
 * Download the package at `location` (http or https only; no signing: it is presigned)
 * through the session's transport into `out`, at most `max_bytes`. The transfer is retried
 * on transport failures; a body shorter than its Content-Length is a failure, never a
 * package. Messages say "the package download from <host> failed: ...".
 * @return 0; LD_EINVALID for another scheme; LD_ELIMIT past max_bytes; LD_ENET for a
 *         transport failure or a cut transfer; LD_ERROR for an http error status
 */
int ld_code_download(ld_buf *out, ld_aws_session *s, const char *location, size_t max_bytes);

/** The "sha256:<hex>" digest of an image URI "repo@sha256:<hex>" into `out` (72 bytes),
 *  or "" when it holds none. */
void ld_code_image_digest(char out[72], const char *image_uri);

#endif
