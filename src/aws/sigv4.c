/*
 * AWS Signature Version 4, Authorization-header form (see sigv4.h). The request is reduced
 * to its canonical form (method, encoded path, sorted encoded query, sorted folded headers,
 * payload hash), hashed into the string to sign, and signed with a key derived from the
 * secret through the date/region/service HMAC chain. Everything is computed from the
 * arguments alone (no clock) so the published vectors in fixtures/sigv4 can drive it. Key
 * material is wiped before returning; only the signature leaves this file.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/str.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_HEADERS 256
#define MAX_PARAMS 1024
#define CREQ_CAP ((size_t)1024 * 1024)
#define PART_CAP ((size_t)256 * 1024)
#define STS_CAP ((size_t)1024)

/* One header as it enters the canonical form; `idx` keeps duplicates in sending order. */
typedef struct {
	const char *name;
	const char *value;
	size_t idx;
} hdr;

/* One query parameter, already in canonical (encoded) form; both owned. */
typedef struct {
	char *key;
	char *value;
} param;

/* Headers the signer adds itself, plus headers that proxies and HTTP stacks rewrite or
 * append after signing (botocore and aws-c-auth leave these out too). A caller copy of an
 * added header is ignored rather than sent twice. */
static const char *const skipped_headers[] = {
	"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
	"user-agent", "x-amzn-trace-id", "expect", "connection", "transfer-encoding", NULL
};

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int casecmp(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return (unsigned char)lower(*a) - (unsigned char)lower(*b);
}

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

static int uri_encode_n(ld_buf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hexd[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_unreserved(c) || (keep_slash && c == '/'))
			ld_buf_putc(out, (char)c);
		else
			ld_buf_printf(out, "%%%c%c", hexd[c >> 4], hexd[c & 15]);
	}
	return out->error;
}

int ld_sigv4_uri_encode(ld_buf *out, const char *s, bool keep_slash)
{
	return uri_encode_n(out, s, strlen(s), keep_slash);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo %XX escapes. A '%' not followed by two hex digits is kept as a literal '%', and '+'
 * stays '+': AWS wants spaces sent as %20, so a '+' on the wire is a plus sign. */
static int percent_decode(ld_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < len && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			ld_buf_putc(out, (char)(hi << 4 | lo));
			i += 2;
		} else {
			ld_buf_putc(out, s[i]);
		}
	}
	return out->error;
}

/* Remove empty and '.' segments and resolve '..' (never above the root), keeping a
 * trailing slash when the original had one; the result always starts with '/'. */
static int normalize_path(ld_buf *out, const char *path)
{
	const char *p = path, *end = path + strlen(path);

	while (p < end) {
		const char *seg = p, *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = slash ? (size_t)(slash - seg) : (size_t)(end - seg);
		p = slash ? slash + 1 : end;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			size_t cut = out->size;
			while (cut > 0 && out->ptr[cut - 1] != '/')
				cut--;
			ld_buf_truncate(out, cut ? cut - 1 : 0);
			continue;
		}
		ld_buf_putc(out, '/');
		ld_buf_put(out, seg, n);
	}
	if (out->size == 0 || (end > path && end[-1] == '/'))
		ld_buf_putc(out, '/');
	return out->error;
}

/* The path is encoded as given, so a wire path that is already percent-encoded is encoded
 * again (%3A -> %253A): that is what every AWS service except S3 computes. */
static int canonical_uri(ld_buf *out, const char *path, bool normalize)
{
	ld_buf norm = LD_BUF_INIT_CAP(PART_CAP);
	int error;

	if (!path || !*path)
		return ld_buf_putc(out, '/');
	if (!normalize)
		return ld_sigv4_uri_encode(out, path, true);
	if ((error = normalize_path(&norm, path)) == 0)
		error = uri_encode_n(out, norm.ptr, norm.size, true);
	ld_buf_dispose(&norm);
	return error;
}

/* Decode then encode, so a query given in wire form and one given raw canonicalise alike. */
static int canonical_component(char **out, const char *s, size_t len)
{
	ld_buf raw = LD_BUF_INIT_CAP(PART_CAP), enc = LD_BUF_INIT_CAP(PART_CAP);
	int error;

	*out = NULL;
	if ((error = percent_decode(&raw, s, len)) == 0 &&
	    (error = uri_encode_n(&enc, raw.ptr, raw.size, false)) == 0 &&
	    (*out = ld_buf_detach(&enc)) == NULL)
		error = LD_ERROR;
	ld_buf_dispose(&raw);
	ld_buf_dispose(&enc);
	return error;
}

static int param_cmp(const void *a, const void *b)
{
	const param *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->value, y->value);
}

static void params_free(param *ps, size_t n)
{
	for (size_t i = 0; ps && i < n; i++) {
		free(ps[i].key);
		free(ps[i].value);
	}
	free(ps);
}

/* Split `query` on '&' into *out (empty pieces dropped; a key without '=' has value ""). */
static int parse_query(param **out, size_t *count, const char *query)
{
	const char *p = query, *end = query + strlen(query);
	size_t cap = 1, n = 0;
	param *ps = NULL;
	int error = 0;

	for (const char *q = query; *q; q++)
		cap += *q == '&';
	if (cap > MAX_PARAMS)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS,
				     "request has more than %d query parameters to sign", MAX_PARAMS);
	if ((ps = calloc(cap, sizeof(*ps))) == NULL)
		return ld_error_oom();
	while (p < end && error == 0) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (stop > p) {
			const char *kend = eq ? eq : stop, *v = eq ? eq + 1 : stop;
			if ((error = canonical_component(&ps[n].key, p, (size_t)(kend - p))) == 0)
				error = canonical_component(&ps[n].value, v, (size_t)(stop - v));
			n++;
		}
		p = amp ? amp + 1 : end;
	}
	*out = ps;
	*count = n;
	return error;
}

static int canonical_query(ld_buf *out, const char *query)
{
	param *ps = NULL;
	size_t n = 0;
	int error;

	if (!query || !*query)
		return 0;
	if ((error = parse_query(&ps, &n, query)) < 0)
		goto done;
	qsort(ps, n, sizeof(*ps), param_cmp);
	for (size_t i = 0; i < n; i++)
		ld_buf_printf(out, "%s%s=%s", i ? "&" : "", ps[i].key, ps[i].value);
	error = out->error;
done:
	params_free(ps, n);
	return error;
}

static bool is_skipped(const char *name)
{
	for (const char *const *s = skipped_headers; *s; s++)
		if (casecmp(name, *s) == 0)
			return true;
	return false;
}

static int hdr_cmp(const void *a, const void *b)
{
	const hdr *x = a, *y = b;
	int c = casecmp(x->name, y->name);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Trimmed value with every run of blanks (including folded line breaks) made one space. */
static void put_trimmed(ld_buf *out, const char *v)
{
	bool pending = false, started = false;
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			pending = started;
			continue;
		}
		if (pending)
			ld_buf_putc(out, ' ');
		ld_buf_putc(out, *v);
		pending = false;
		started = true;
	}
}

static bool all_blank(const char *v)
{
	while (ld_is_blank(*v))
		v++;
	return !*v;
}

static void put_lower(ld_buf *out, const char *s)
{
	for (; *s; s++)
		ld_buf_putc(out, lower(*s));
}

/* Caller headers plus the ones this signer adds, sorted by name, duplicates kept in order. */
static int collect_headers(hdr *hs, size_t *count, const ld_sigv4_request *req,
			   const ld_sigv4_params *p, const ld_sigv4_result *r)
{
	size_t n = 0;
	bool host = false;

	for (size_t i = 0; i < req->nheaders; i++) {
		const ld_header *h = &req->headers[i];
		if (!h->name || !h->value || is_skipped(h->name))
			continue;
		host |= casecmp(h->name, "host") == 0 && !all_blank(h->value);
		hs[n] = (hdr){ h->name, h->value, n };
		n++;
	}
	if (!host)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "cannot sign a request without a "
				     "host header; set host to the endpoint's host name");
	hs[n] = (hdr){ "x-amz-date", r->amz_date, n };
	n++;
	if (p->session_token && *p->session_token && !p->omit_session_token) {
		hs[n] = (hdr){ "x-amz-security-token", p->session_token, n };
		n++;
	}
	if (p->sign_body) {
		hs[n] = (hdr){ "x-amz-content-sha256", r->payload_hash, n };
		n++;
	}
	qsort(hs, n, sizeof(*hs), hdr_cmp);
	*count = n;
	return 0;
}

/* Appends "name:v1,v2\n" lines to `canon` and "name;name" to `signed_names`. */
static int canonical_headers(ld_buf *canon, ld_buf *signed_names, const ld_sigv4_request *req,
			     const ld_sigv4_params *p, const ld_sigv4_result *r)
{
	hdr *hs = NULL;
	size_t n = 0;
	int error;

	if (req->nheaders > MAX_HEADERS)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS,
				     "request has more than %d headers to sign", MAX_HEADERS);
	if ((hs = calloc(req->nheaders + 3, sizeof(*hs))) == NULL)
		return ld_error_oom();
	if ((error = collect_headers(hs, &n, req, p, r)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && casecmp(hs[i].name, hs[i - 1].name) == 0) {
			ld_buf_putc(canon, ',');
		} else {
			if (i > 0) {
				ld_buf_putc(canon, '\n');
				ld_buf_putc(signed_names, ';');
			}
			put_lower(canon, hs[i].name);
			put_lower(signed_names, hs[i].name);
			ld_buf_putc(canon, ':');
		}
		put_trimmed(canon, hs[i].value);
	}
	ld_buf_putc(canon, '\n');
	error = canon->error ? canon->error : signed_names->error;
done:
	free(hs);
	return error;
}

static void put_digits(char *out, long long v, int width)
{
	while (width--) {
		out[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm): gmtime() is not
 * reentrant and this keeps the signer free of any global state. */
static int format_amz_date(char out[17], time_t when)
{
	long long secs = (long long)when, days = secs / 86400, rem = secs % 86400;
	long long z, era, doe, yoe, y, doy, mp, d, m;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	if (y < 0 || y > 9999)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "signing time is outside years 0000-9999; check the system clock");
	put_digits(out, y, 4);
	put_digits(out + 4, m, 2);
	put_digits(out + 6, d, 2);
	out[8] = 'T';
	put_digits(out + 9, rem / 3600, 2);
	put_digits(out + 11, rem % 3600 / 60, 2);
	put_digits(out + 13, rem % 60, 2);
	out[15] = 'Z';
	out[16] = '\0';
	return 0;
}

static int canonical_request(ld_sigv4_result *r, ld_buf *signed_names,
			     const ld_sigv4_request *req, const ld_sigv4_params *p)
{
	ld_buf *c = &r->canonical_request;
	int error;

	ld_buf_puts(c, req->method);
	ld_buf_putc(c, '\n');
	if ((error = canonical_uri(c, req->path, p->normalize_path)) < 0)
		return error;
	ld_buf_putc(c, '\n');
	if ((error = canonical_query(c, req->query)) < 0)
		return error;
	ld_buf_putc(c, '\n');
	if ((error = canonical_headers(c, signed_names, req, p, r)) < 0)
		return error;
	ld_buf_printf(c, "\n%s\n%s", signed_names->ptr, r->payload_hash);
	return c->error;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static int derive_key(uint8_t key[LD_SHA256_LEN], const char *secret, const char *date,
		      const ld_sigv4_params *p)
{
	ld_buf k = LD_BUF_INIT_CAP(4096);
	uint8_t t[LD_SHA256_LEN];
	int error;

	ld_buf_puts(&k, "AWS4");
	if ((error = ld_buf_puts(&k, secret)) < 0)
		goto done;
	ld_hmac_sha256(t, k.ptr, k.size, date, strlen(date));
	ld_hmac_sha256(key, t, sizeof(t), p->region, strlen(p->region));
	ld_hmac_sha256(t, key, LD_SHA256_LEN, p->service, strlen(p->service));
	ld_hmac_sha256(key, t, sizeof(t), "aws4_request", 12);
done:
	wipe(t, sizeof(t));
	ld_buf_dispose_secret(&k);
	return error;
}

static int sign_string(ld_sigv4_result *r, const char *scope, const ld_sigv4_params *p)
{
	uint8_t hash[LD_SHA256_LEN], key[LD_SHA256_LEN], sig[LD_SHA256_LEN];
	char date[9], hex[LD_SHA256_HEX_LEN + 1];
	int error;

	memcpy(date, r->amz_date, 8);
	date[8] = '\0';
	ld_sha256(hash, r->canonical_request.ptr, r->canonical_request.size);
	ld_hex(hex, hash, sizeof(hash));
	ld_buf_printf(&r->string_to_sign, ALGORITHM "\n%s\n%s\n%s", r->amz_date, scope, hex);
	if ((error = r->string_to_sign.error) < 0)
		return error;
	if ((error = derive_key(key, p->secret_access_key, date, p)) < 0)
		return error;
	ld_hmac_sha256(sig, key, sizeof(key), r->string_to_sign.ptr, r->string_to_sign.size);
	ld_hex(r->signature, sig, sizeof(sig));
	wipe(key, sizeof(key));
	wipe(sig, sizeof(sig));
	return 0;
}

static int check_params(const ld_sigv4_request *req, const ld_sigv4_params *p)
{
	if (!p->access_key_id || !*p->access_key_id || !p->secret_access_key ||
	    !*p->secret_access_key)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "no access key to sign the request with; configure aws credentials");
	if (!req->method || !*req->method || !p->region || !*p->region || !p->service ||
	    !*p->service)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "cannot sign a request without method, region and service");
	return 0;
}

static void add_header(ld_sigv4_result *r, const char *name, const char *value)
{
	assert(r->nadd < sizeof(r->add) / sizeof(r->add[0]));
	r->add[r->nadd++] = (ld_header){ name, value };
}

/* The token value borrows p->session_token rather than copying a secret into the result. */
static void fill_added(ld_sigv4_result *r, const ld_sigv4_params *p)
{
	add_header(r, "X-Amz-Date", r->amz_date);
	add_header(r, "Authorization", r->authorization.ptr);
	if (p->session_token && *p->session_token)
		add_header(r, "X-Amz-Security-Token", p->session_token);
	if (p->sign_body)
		add_header(r, "X-Amz-Content-SHA256", r->payload_hash);
}

static void result_init(ld_sigv4_result *r)
{
	memset(r, 0, sizeof(*r));
	ld_buf_init(&r->canonical_request, CREQ_CAP);
	ld_buf_init(&r->string_to_sign, STS_CAP);
	ld_buf_init(&r->authorization, PART_CAP);
}

int ld_sigv4_sign(ld_sigv4_result *out, const ld_sigv4_request *req, const ld_sigv4_params *p)
{
	ld_buf signed_names = LD_BUF_INIT_CAP(PART_CAP), scope = LD_BUF_INIT_CAP(STS_CAP);
	int error;

	assert(out && req && p);
	result_init(out);
	if ((error = check_params(req, p)) < 0 ||
	    (error = format_amz_date(out->amz_date, p->when)) < 0)
		goto done;
	ld_sha256_hex(out->payload_hash, req->body ? req->body : "", req->body ? req->body_len : 0);
	if ((error = canonical_request(out, &signed_names, req, p)) < 0)
		goto done;
	ld_buf_printf(&scope, "%.8s/%s/%s/aws4_request", out->amz_date, p->region, p->service);
	if ((error = scope.error) < 0 || (error = sign_string(out, scope.ptr, p)) < 0)
		goto done;
	ld_buf_printf(&out->authorization, ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		      p->access_key_id, scope.ptr, signed_names.ptr, out->signature);
	if ((error = out->authorization.error) < 0)
		goto done;
	fill_added(out, p);
done:
	if (error < 0)
		ld_sigv4_result_dispose(out);
	ld_buf_dispose(&signed_names);
	ld_buf_dispose(&scope);
	return error;
}

void ld_sigv4_result_dispose(ld_sigv4_result *r)
{
	if (!r)
		return;
	ld_buf_dispose_secret(&r->canonical_request);
	ld_buf_dispose_secret(&r->string_to_sign);
	ld_buf_dispose_secret(&r->authorization);
	wipe(r->signature, sizeof(r->signature));
	memset(r->add, 0, sizeof(r->add));
	r->nadd = 0;
}
