/*
 * Exclude-glob matching (see glob.h). fnmatch() has no `**`, so matching is done here in
 * two layers: within a segment, the classic greedy star algorithm with single-point
 * backtracking; across segments, the same algorithm again with `**` as the star and each
 * other pattern segment as one token. Both layers are correct for "star matches any
 * sequence" patterns and need no allocation or recursion.
 */
#include <string.h>

#include "util/glob.h"

typedef struct {
	const char *p;
	size_t n;
} span;

/* Length of the class token "[...]" at p, or 0 when unterminated (then '[' is literal). */
static size_t class_len(const char *p, const char *pe)
{
	const char *q = p + 1;
	if (q < pe && (*q == '!' || *q == '^'))
		q++;
	if (q < pe && *q == ']')
		q++;
	while (q < pe && *q != ']') {
		if (*q == '\\' && q + 1 < pe)
			q++;
		q++;
	}
	return q < pe ? (size_t)(q - p) + 1 : 0;
}

static bool class_match(const char *p, size_t len, char c)
{
	const char *q = p + 1, *end = p + len - 1;
	bool neg = false, hit = false;
	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	for (bool first = true; q < end; first = false) {
		char lo = *q, hi;
		if (lo == ']' && !first)
			break;
		if (lo == '\\' && q + 1 < end)
			lo = *++q;
		q++;
		hi = lo;
		if (q + 1 < end && *q == '-') {
			hi = q[1];
			if (hi == '\\' && q + 2 < end)
				hi = q[2], q++;
			q += 2;
		}
		if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
			hit = true;
	}
	return hit != neg;
}

/* Does the single-character token at p match c? Sets *adv to the token's length. */
static bool token_match(const char *p, const char *pe, char c, size_t *adv)
{
	size_t len;
	*adv = 1;
	if (*p == '?')
		return true;
	if (*p == '\\' && p + 1 < pe) {
		*adv = 2;
		return p[1] == c;
	}
	if (*p == '[' && (len = class_len(p, pe)) > 0) {
		*adv = len;
		return class_match(p, len, c);
	}
	return *p == c;
}

/* Match one pattern segment against one path segment (neither contains '/'). */
static bool seg_match(span pat, span txt)
{
	const char *p = pat.p, *pe = pat.p + pat.n, *t = txt.p, *te = txt.p + txt.n;
	const char *star_p = NULL, *star_t = NULL;
	size_t adv;

	while (t < te) {
		if (p < pe && *p == '*') {
			while (p < pe && *p == '*')
				p++;
			star_p = p;
			star_t = t;
		} else if (p < pe && token_match(p, pe, *t, &adv)) {
			p += adv;
			t++;
		} else if (star_p) {
			p = star_p;
			t = ++star_t;
		} else {
			return false;
		}
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

/* The segment starting at s (up to '/' or end). */
static span seg_at(const char *s, const char *end)
{
	const char *q = memchr(s, '/', (size_t)(end - s));
	span sp = { s, q ? (size_t)(q - s) : (size_t)(end - s) };
	return sp;
}

static const char *seg_next(span sp, const char *end)
{
	const char *q = sp.p + sp.n;
	return q < end ? q + 1 : end;
}

static bool is_starstar(span sp)
{
	return sp.n == 2 && sp.p[0] == '*' && sp.p[1] == '*';
}

/* Anchored match of a '/'-separated pattern against a whole path, `**` = any segments. */
static bool segs_match(span pat, span path)
{
	const char *p = pat.p, *pe = pat.p + pat.n, *t = path.p, *te = path.p + path.n;
	const char *star_p = NULL, *star_t = NULL;

	if (path.n == 0)
		return false;
	while (t < te) {
		span ps = p < pe ? seg_at(p, pe) : (span){ pe, 0 };
		span ts = seg_at(t, te);
		if (p < pe && is_starstar(ps)) {
			p = seg_next(ps, pe);
			star_p = p;
			star_t = t;
		} else if (p < pe && seg_match(ps, ts)) {
			p = seg_next(ps, pe);
			t = seg_next(ts, te);
		} else if (star_p) {
			p = star_p;
			star_t = seg_next(seg_at(star_t, te), te);
			t = star_t;
		} else {
			return false;
		}
	}
	while (p < pe && is_starstar(seg_at(p, pe)))
		p = seg_next(seg_at(p, pe), pe);
	return p == pe;
}

/* A trailing "**" segment matches everything strictly inside what the rest matches. */
static bool anchored_match(span pat, span path)
{
	if (pat.n >= 2 && is_starstar((span){ pat.p + pat.n - 2, 2 }) &&
	    (pat.n == 2 || pat.p[pat.n - 3] == '/')) {
		span prefix = { pat.p, pat.n >= 3 ? pat.n - 3 : 0 };
		if (prefix.n == 0)
			return path.n > 0;
		for (size_t k = 0; k < path.n; k++)
			if (path.p[k] == '/' && segs_match(prefix, (span){ path.p, k }))
				return true;
		return false;
	}
	return segs_match(pat, path);
}

bool ld_pathglob_validate(const char *pattern, const char **why)
{
	size_t n = pattern ? strlen(pattern) : 0;
	const char *p, *end;

	*why = NULL;
	if (n == 0)
		*why = "pattern is empty";
	else if (n > LD_PATHGLOB_MAX_PATTERN)
		*why = "pattern is longer than 512 bytes";
	else if (pattern[0] == '!')
		*why = "negated patterns ('!') are not supported";
	else if (strcmp(pattern, "/") == 0)
		*why = "pattern '/' matches nothing";
	if (*why)
		return false;
	end = pattern + n - (pattern[n - 1] == '/');
	p = pattern + (pattern[0] == '/');
	for (; p < end; p = seg_next(seg_at(p, end), end)) {
		span s = seg_at(p, end);
		if (s.n == 0)
			*why = "pattern has an empty segment ('//')";
		else if ((s.n == 1 && s.p[0] == '.') || (s.n == 2 && s.p[0] == '.' && s.p[1] == '.'))
			*why = "pattern has a '.' or '..' segment; paths are relative to the source";
		else if (s.p[s.n - 1] == '\\' && (s.n < 2 || s.p[s.n - 2] != '\\'))
			*why = "pattern ends a segment with a lone '\\'";
		for (size_t i = 0; !*why && i < s.n; i++) {
			if (s.p[i] == '\\')
				i++;
			else if (s.p[i] == '[' && !class_len(s.p + i, s.p + s.n))
				*why = "pattern has an unterminated '[' class";
		}
		if (*why)
			return false;
	}
	return true;
}

static bool match_n(const char *pattern, const char *path, size_t len, bool is_dir)
{
	const char *why;
	size_t n = strlen(pattern);
	bool dir_only = false, anchored;
	span pat;

	if (!ld_pathglob_validate(pattern, &why) || len == 0 || len > LD_PATHGLOB_MAX_PATH)
		return false;
	if (pattern[n - 1] == '/') {
		dir_only = true;
		n--;
	}
	if (dir_only && !is_dir)
		return false;
	pat.p = pattern;
	pat.n = n;
	anchored = memchr(pattern, '/', n) != NULL;
	if (pattern[0] == '/') {
		pat.p++;
		pat.n--;
	}
	if (anchored)
		return anchored_match(pat, (span){ path, len });
	{
		const char *base = path + len;
		while (base > path && base[-1] != '/')
			base--;
		return seg_match(pat, (span){ base, (size_t)(path + len - base) });
	}
}

bool ld_pathglob_match(const char *pattern, const char *path, bool is_dir)
{
	return pattern && path && match_n(pattern, path, strlen(path), is_dir);
}

bool ld_pathglob_excluded(const char *const *patterns, size_t npatterns, const char *path,
		      bool is_dir)
{
	size_t len = path ? strlen(path) : 0;

	for (size_t i = 0; i < npatterns; i++) {
		if (match_n(patterns[i], path, len, is_dir))
			return true;
		for (size_t k = 0; k < len; k++)
			if (path[k] == '/' && match_n(patterns[i], path, k, true))
				return true;
	}
	return false;
}
