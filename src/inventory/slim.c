/*
 * Slim functions (inventory.h, build.h): how `scan/verify --inventory` hold an estate of
 * hundreds of thousands of versions in little memory. Each function keeps as full
 * ld_versions only those the rules and verify read, and lists every version in a packed
 * byte string for reports (ld_version_iter). Both live in the inventory's arena (arena.h):
 * large blocks carved without per-string malloc overhead, where repeated strings (runtimes,
 * setting names and values, "$LATEST") are stored once through an interning table. One
 * listing entry: a flags byte, then the version (a varint when it is a plain decimal, else
 * a string), the code hash (string), the config hash (32 raw bytes for lowercase hex, a
 * string otherwise, or nothing when it equals the previous entry's) and the runtime (a
 * string, or nothing when it equals the previous entry's). Strings are NUL-terminated so
 * the iterator hands them out without copying.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/arena.h"
#include "inventory/build.h"
#include "inventory/envscan.h"
#include "lambdrift/errors.h"

/* Listing flags. */
#define F_VNUM 0x01     /* version is a varint, else a string */
#define F_CODE_NULL 0x02
#define F_CFG_NULL 0x04
#define F_CFG_SAME 0x08 /* as the previous entry's */
#define F_CFG_TEXT 0x10 /* a string, else 32 raw bytes */
#define F_RT_NULL 0x20
#define F_RT_SAME 0x40
#define F_CODE_B64 0x80 /* 43 base64 digits and "=" (a SHA-256 as Lambda reports it), packed
			   six bits each into 33 bytes */

#define B64_LEN 44
#define B64_PACKED 33

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ------------------------------------------------------------------ listing */

static bool plain_decimal(const char *s, unsigned long long *out)
{
	unsigned long long n = 0;
	size_t len = strlen(s);

	/* canonical only ("0", or no leading zero), so decoding gives the same text back */
	if (!len || len > 19 || (s[0] == '0' && len > 1))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (unsigned long long)(*p - '0');
	}
	*out = n;
	return true;
}

static bool lower_hex64(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i == 64;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool packable_b64(const char *s)
{
	size_t i = 0;
	for (; i < B64_LEN - 1 && s[i]; i++)
		if (!strchr(b64, s[i]) || !s[i])
			return false;
	return i == B64_LEN - 1 && s[i] == '=' && s[i + 1] == '\0';
}

static void put_b64(ld_buf *b, const char *s)
{
	unsigned char out[B64_PACKED] = { 0 };

	for (size_t i = 0; i < B64_LEN - 1; i++) {
		unsigned v = (unsigned)(strchr(b64, s[i]) - b64);
		for (int bit = 5; bit >= 0; bit--) {
			size_t at = i * 6 + (size_t)(5 - bit);
			if (v >> bit & 1)
				out[at / 8] |= (unsigned char)(0x80 >> (at % 8));
		}
	}
	ld_buf_put(b, out, sizeof(out));
}

static void take_b64(char *out, const unsigned char *p)
{
	for (size_t i = 0; i < B64_LEN - 1; i++) {
		unsigned v = 0;
		for (size_t k = 0; k < 6; k++) {
			size_t at = i * 6 + k;
			v = v << 1 | (unsigned)(p[at / 8] >> (7 - at % 8) & 1);
		}
		out[i] = b64[v];
	}
	out[B64_LEN - 1] = '=';
	out[B64_LEN] = '\0';
}

static void put_str(ld_buf *b, const char *s)
{
	ld_buf_put(b, s, strlen(s) + 1);
}

static void put_entry(ld_buf *b, const ld_version *v, const ld_version *prev)
{
	unsigned char flags = 0, raw[32];
	unsigned long long n = 0;

	if (plain_decimal(v->version, &n))
		flags |= F_VNUM;
	if (!v->code_sha256)
		flags |= F_CODE_NULL;
	else if (packable_b64(v->code_sha256))
		flags |= F_CODE_B64;
	if (!v->config_sha256)
		flags |= F_CFG_NULL;
	else if (prev && same(prev->config_sha256, v->config_sha256))
		flags |= F_CFG_SAME;
	else if (!lower_hex64(v->config_sha256))
		flags |= F_CFG_TEXT;
	if (!v->runtime)
		flags |= F_RT_NULL;
	else if (prev && same(prev->runtime, v->runtime))
		flags |= F_RT_SAME;
	ld_buf_putc(b, (char)flags);
	if (flags & F_VNUM) {
		do {
			ld_buf_putc(b, (char)((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
			n >>= 7;
		} while (n);
	} else {
		put_str(b, v->version);
	}
	if (flags & F_CODE_B64)
		put_b64(b, v->code_sha256);
	else if (v->code_sha256)
		put_str(b, v->code_sha256);
	if (!(flags & (F_CFG_NULL | F_CFG_SAME))) {
		if (flags & F_CFG_TEXT) {
			put_str(b, v->config_sha256);
		} else {
			for (size_t i = 0; i < 32; i++)
				raw[i] = (unsigned char)(hexval(v->config_sha256[2 * i]) << 4 |
							 hexval(v->config_sha256[2 * i + 1]));
			ld_buf_put(b, raw, sizeof(raw));
		}
	}
	if (!(flags & (F_RT_NULL | F_RT_SAME)))
		put_str(b, v->runtime);
}

/* ------------------------------------------------------------ kept versions */

static bool routed_to(const ld_function *fn, const char *version)
{
	for (size_t i = 0; i < fn->naliases; i++) {
		const ld_alias *a = &fn->aliases[i];
		if (same(a->function_version, version))
			return true;
		for (size_t j = 0; j < a->nweights; j++)
			if (same(a->weights[j].version, version))
				return true;
	}
	return false;
}

/* What the rules (src/audit/rules.c) and verify (src/audit/verify.c) look up: $LATEST
 * (and any other qualifier that is not a number, so odd snapshots lose nothing), the newest
 * published version, and the versions aliases route to. */
static bool kept(const ld_function *fn, const ld_version *v, const ld_version *newest,
		 const ld_version *unchecked)
{
	/* env-plaintext-secret reads every version holding a secret, and the one that says
	 * why it cannot judge the function */
	return v == newest || v == unchecked || ld_inventory__version_number(v->version) < 0 ||
	       routed_to(fn, v->version) || ld_env_verdicts_flagged(v->env_verdicts);
}

/* Strings unique to one version are copied; the rest are interned. */
static int copy_unique(struct ld_arena *a, const char *s, char **out)
{
	*out = NULL;
	return !s || (*out = ld_arena_strdup(a, s, strlen(s))) ? 0 : LD_ERROR;
}

static int copy_str(struct ld_arena *a, const char *s, char **out)
{
	const char *p;
	int error = ld_arena_intern(a, s, &p);
	*out = (char *)p; /* the arena owns it; slim versions are never freed one by one */
	return error;
}

static int copy_version(struct ld_arena *a, ld_version *to, const ld_version *from)
{
	memset(to, 0, sizeof(*to));
	if (copy_str(a, from->version, &to->version) < 0 || copy_unique(a, from->arn, &to->arn) < 0 ||
	    copy_unique(a, from->code_sha256, &to->code_sha256) < 0 ||
	    copy_str(a, from->config_sha256, &to->config_sha256) < 0 ||
	    copy_str(a, from->runtime, &to->runtime) < 0 ||
	    copy_str(a, from->package_type, &to->package_type) < 0 ||
	    copy_unique(a, from->last_modified, &to->last_modified) < 0 ||
	    copy_str(a, from->env_verdicts, &to->env_verdicts) < 0)
		return LD_ERROR;
	if (from->nconfig &&
	    !(to->config = ld_arena_alloc(a, from->nconfig * sizeof(*to->config), sizeof(void *))))
		return LD_ERROR;
	for (size_t i = 0; i < from->nconfig; i++)
		if (copy_str(a, from->config[i].name, &to->config[i].name) < 0 ||
		    copy_str(a, from->config[i].value, &to->config[i].value) < 0)
			return LD_ERROR;
	to->nconfig = from->nconfig;
	return 0;
}

int ld_function_slim(ld_inventory *inv, ld_function *fn)
{
	ld_buf list = LD_BUF_INIT_CAP(SIZE_MAX / 2);
	const ld_version *newest, *unchecked;
	ld_version *keep = NULL;
	unsigned char *listing = NULL;
	size_t nkeep = 0;
	int error = 0;

	if (fn->slim)
		return 0;
	if (!inv->arena && !(inv->arena = ld_arena_new()))
		return ld_error_oom();
	ld_function_sort_versions(fn);
	newest = ld_function_latest_published(fn);
	unchecked = ld_env__unchecked_version(fn);
	for (size_t i = 0; i < fn->nversions; i++) {
		put_entry(&list, &fn->versions[i], i ? &fn->versions[i - 1] : NULL);
		nkeep += kept(fn, &fn->versions[i], newest, unchecked);
	}
	if ((error = list.error) < 0 ||
	    (list.size && !(listing = ld_arena_alloc(inv->arena, list.size, 1))) ||
	    (nkeep && !(keep = ld_arena_alloc(inv->arena, nkeep * sizeof(*keep), sizeof(void *))))) {
		error = error < 0 ? error : LD_ERROR;
		goto done;
	}
	if (list.size)
		memcpy(listing, list.ptr, list.size);
	nkeep = 0;
	for (size_t i = 0; i < fn->nversions && error == 0; i++)
		if (kept(fn, &fn->versions[i], newest, unchecked))
			error = copy_version(inv->arena, &keep[nkeep++], &fn->versions[i]);
	if (error < 0)
		goto done; /* what was carved stays in the arena until it goes; fn is unchanged */
	for (size_t i = 0; i < fn->nversions; i++)
		ld_version_dispose(&fn->versions[i]);
	free(fn->versions);
	fn->nversions_all = fn->nversions;
	fn->versions = keep;
	fn->nversions = nkeep;
	fn->listing = listing;
	fn->slim = true;
done:
	ld_buf_dispose(&list);
	return error;
}

/* ---------------------------------------------------------------- iterating */

size_t ld_function_version_count(const ld_function *fn)
{
	return fn->slim ? fn->nversions_all : fn->nversions;
}

void ld_version_iter_init(ld_version_iter *it, const ld_function *fn)
{
	memset(it, 0, sizeof(*it));
	it->fn = fn;
	it->p = fn->listing;
}

static const char *take_str(const unsigned char **p)
{
	const char *s = (const char *)*p;
	*p += strlen(s) + 1;
	return s;
}

const ld_version_row *ld_version_iter_next(ld_version_iter *it)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = it->p;
	unsigned long long n = 0;
	unsigned char flags;
	int shift = 0;

	if (!it->fn || it->i >= ld_function_version_count(it->fn))
		return NULL;
	if (!it->fn->slim) {
		const ld_version *v = &it->fn->versions[it->i++];
		it->row = (ld_version_row){ v->version, v->code_sha256, v->config_sha256, v->runtime };
		return &it->row;
	}
	flags = *p++;
	if (flags & F_VNUM) {
		do {
			n |= (unsigned long long)(*p & 0x7f) << shift;
			shift += 7;
		} while (*p++ & 0x80);
		snprintf(it->version_text, sizeof(it->version_text), "%llu", n);
		it->row.version = it->version_text;
	} else {
		it->row.version = take_str(&p);
	}
	if (flags & F_CODE_B64) {
		take_b64(it->code_text, p);
		p += B64_PACKED;
		it->row.code_sha256 = it->code_text;
	} else {
		it->row.code_sha256 = flags & F_CODE_NULL ? NULL : take_str(&p);
	}
	if (flags & F_CFG_NULL) {
		it->config_sha256 = NULL;
	} else if (flags & F_CFG_TEXT) {
		it->config_sha256 = take_str(&p);
	} else if (!(flags & F_CFG_SAME)) {
		for (size_t i = 0; i < 32; i++, p++) {
			it->config_text[2 * i] = digits[*p >> 4];
			it->config_text[2 * i + 1] = digits[*p & 15];
		}
		it->config_text[64] = '\0';
		it->config_sha256 = it->config_text;
	}
	if (flags & F_RT_NULL)
		it->runtime = NULL;
	else if (!(flags & F_RT_SAME))
		it->runtime = take_str(&p);
	it->row.config_sha256 = it->config_sha256;
	it->row.runtime = it->runtime;
	it->p = p;
	it->i++;
	return &it->row;
}
