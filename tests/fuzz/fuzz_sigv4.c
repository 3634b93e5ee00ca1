/*
 * SigV4 canonicalisation: a raw HTTP request as in the test suites of fixtures/sigv4
 * ("METHOD PATH[?QUERY] HTTP/1.1", "Name:value" header lines, a blank line, the body),
 * signed with fixed keys, path normalisation on and off; also the URI encoder.
 */
#include "aws/sigv4.h"
#include "fuzz.h"
#include "lambdrift/buf.h"

#define MAX_HEADERS 32

static void sign(const ld_sigv4_request *req, bool normalize, const char *token)
{
	ld_sigv4_params p = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token,
			      "us-east-1", "lambda", 1440938160, normalize, !normalize, false };
	ld_sigv4_result r;
	int rc = ld_sigv4_sign(&r, req, &p);

	ld_fuzz_check_error(rc);
	if (rc == 0)
		ld_sigv4_result_dispose(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ld_header hdrs[MAX_HEADERS];
	ld_sigv4_request req;
	ld_buf enc = LD_BUF_INIT;
	char *s = ld_fuzz_cstr(data, size), *line, *next, *q, *sp;
	size_t nh = 0;

	if (!s)
		return 0;
	memset(&req, 0, sizeof(req));
	/* the request line */
	next = s + strcspn(s, "\n");
	if (*next)
		*next++ = '\0';
	req.method = s;
	req.path = "/";
	if ((sp = strchr(s, ' '))) {
		*sp++ = '\0';
		req.path = sp;
		if ((sp = strchr(sp, ' ')))
			*sp = '\0';
		if ((q = strchr(req.path, '?'))) {
			*q++ = '\0';
			req.query = q;
		}
	}
	/* headers up to a blank line, then the body */
	while (*next && nh < MAX_HEADERS) {
		char *colon;
		line = next;
		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!*line)
			break;
		if ((colon = strchr(line, ':'))) {
			*colon = '\0';
			hdrs[nh++] = (ld_header){ line, colon + 1 };
		}
	}
	req.headers = hdrs;
	req.nheaders = nh;
	req.body = next;
	req.body_len = strlen(next);
	sign(&req, true, NULL);
	sign(&req, false, "session-token");
	if (ld_sigv4_uri_encode(&enc, req.path, true) < 0)
		ld_fuzz_check_error(-1);
	ld_buf_dispose(&enc);
	free(s);
	return 0;
}
