/*
 * Version comparison for npm (SemVer 2.0.0), PyPI (PEP 440) and Maven (ComparableVersion
 * of the Maven 3.9 line). Every parser records spans into the caller's string (Maven: into
 * a lower-cased copy) and every number is compared as a digit string, so versions with
 * 30-digit components (date stamps, build numbers) order correctly without overflow.
 * Nothing here allocates. Package names are normalised by ld_deps_normalise()
 * (deps/detect.h), the one place for that.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "deps/pkgver.h"
#include "lambdrift/errors.h"
#include "util/str.h"

typedef struct {
	const char *p;
	size_t n;
} span;

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Python's \s for ASCII, which PEP 440 strips around a version. */
static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Numeric comparison of two digit strings of any length; an empty span counts as 0. */
static int numcmp(span a, span b)
{
	while (a.n > 0 && *a.p == '0')
		a.p++, a.n--;
	while (b.n > 0 && *b.p == '0')
		b.p++, b.n--;
	if (a.n != b.n)
		return a.n < b.n ? -1 : 1;
	return a.n ? sign(memcmp(a.p, b.p, a.n)) : 0;
}

/* Byte-wise comparison; a proper prefix orders first. */
static int lexcmp(span a, span b, bool fold)
{
	size_t n = a.n < b.n ? a.n : b.n;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)(fold ? lower(a.p[i]) : a.p[i]);
		unsigned char y = (unsigned char)(fold ? lower(b.p[i]) : b.p[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a.n == b.n ? 0 : (a.n < b.n ? -1 : 1);
}

static bool all_digits(span a)
{
	for (size_t i = 0; i < a.n; i++)
		if (!is_digit(a.p[i]))
			return false;
	return a.n > 0;
}

/* Take a run of digits at *p (before end); false when there is none. */
static bool take_digits(const char **p, const char *end, span *out)
{
	const char *s = *p;
	while (*p < end && is_digit(**p))
		(*p)++;
	out->p = s;
	out->n = (size_t)(*p - s);
	return out->n > 0;
}

/* Trim blanks around s; false when over the length bound. */
static bool trimmed(const char *s, const char **b, const char **e)
{
	size_t n = strnlen(s, LD_PKGVER_MAX_LEN + 1);
	if (n > LD_PKGVER_MAX_LEN)
		return false;
	*b = s;
	*e = s + n;
	while (*b < *e && ld_is_blank(**b))
		(*b)++;
	while (*e > *b && ld_is_blank((*e)[-1]))
		(*e)--;
	return *b < *e;
}

/* ---------------------------------------------------------------- npm: SemVer 2.0.0 */

typedef struct {
	span major, minor, patch;
	span pre; /* pre-release identifiers without the '-'; n == 0 when absent */
} semver;

static bool semver_ident_char(char c)
{
	return is_digit(c) || is_alpha(c) || c == '-';
}

/* Dot-separated, non-empty identifiers of [0-9A-Za-z-], up to `stop` or end. */
static bool semver_idents(const char **p, const char *end, char stop, span *out)
{
	const char *s = *p;
	bool empty = true;
	for (; *p < end && **p != stop; (*p)++) {
		if (**p == '.') {
			if (empty)
				return false;
			empty = true;
		} else if (semver_ident_char(**p)) {
			empty = false;
		} else {
			return false;
		}
	}
	out->p = s;
	out->n = (size_t)(*p - s);
	return !empty;
}

static bool semver_parse(const char *s, semver *v)
{
	const char *p, *end;
	span build;

	memset(v, 0, sizeof(*v));
	if (!trimmed(s, &p, &end))
		return false;
	if (*p == '=')
		p++;
	if (p < end && (*p == 'v' || *p == 'V'))
		p++;
	if (!take_digits(&p, end, &v->major))
		return false;
	/* "1" and "1.2" read as 1.0.0 and 1.2.0: advisories write them (node-fetch's
	 * "introduced": "1.0"), and OSV coerces them the same way */
	if (p + 1 < end && *p == '.' && is_digit(p[1])) {
		p++;
		take_digits(&p, end, &v->minor);
		if (p + 1 < end && *p == '.' && is_digit(p[1])) {
			p++;
			take_digits(&p, end, &v->patch);
		}
	}
	if (p < end && *p == '-') {
		p++;
		if (!semver_idents(&p, end, '+', &v->pre))
			return false;
	}
	if (p < end && *p == '+') {
		p++;
		if (!semver_idents(&p, end, '\0', &build))
			return false;
	}
	return p == end;
}

/* Next dot-separated identifier of *rest (consumed); false when none is left. */
static bool next_ident(span *rest, span *id, char sep_a, char sep_b, char sep_c)
{
	size_t i = 0;
	if (rest->n == 0)
		return false;
	while (i < rest->n && rest->p[i] != sep_a && rest->p[i] != sep_b && rest->p[i] != sep_c)
		i++;
	id->p = rest->p;
	id->n = i;
	rest->p += i < rest->n ? i + 1 : i;
	rest->n -= i < rest->n ? i + 1 : i;
	return true;
}

static int semver_pre_cmp(span a, span b)
{
	span x = { NULL, 0 }, y = { NULL, 0 };
	bool hx, hy;

	if (a.n == 0 || b.n == 0)
		return a.n == b.n ? 0 : (a.n == 0 ? 1 : -1); /* a release follows its pre-releases */
	for (;;) {
		hx = next_ident(&a, &x, '.', '.', '.');
		hy = next_ident(&b, &y, '.', '.', '.');
		if (!hx || !hy)
			return hx == hy ? 0 : (hx ? 1 : -1);
		bool nx = all_digits(x), ny = all_digits(y);
		int c = nx && ny ? numcmp(x, y) : nx != ny ? (nx ? -1 : 1) : lexcmp(x, y, false);
		if (c)
			return c;
	}
}

static int semver_cmp(const semver *a, const semver *b)
{
	int c;
	if ((c = numcmp(a->major, b->major)) || (c = numcmp(a->minor, b->minor)) ||
	    (c = numcmp(a->patch, b->patch)))
		return c;
	return semver_pre_cmp(a->pre, b->pre);
}

/* ---------------------------------------------------------------- PyPI: PEP 440 */

#define PEP440_MAX_RELEASE 32

enum { PRE_NONE = 0, PRE_A = 1, PRE_B = 2, PRE_RC = 3 };

typedef struct {
	span epoch;                     /* n == 0: epoch 0 */
	span release[PEP440_MAX_RELEASE];
	size_t nrelease;
	int pre;                        /* PRE_* */
	span pre_n;
	bool post, dev;
	span post_n, dev_n;
	span local;                     /* after '+', separators not yet normalised */
} pep440;

static bool is_sep(const char *p, const char *end)
{
	return p < end && (*p == '-' || *p == '_' || *p == '.');
}

/* Case-insensitive keyword at p; returns its length or 0. */
static size_t keyword(const char *p, const char *end, const char *kw)
{
	size_t n = strlen(kw);
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != kw[i])
			return 0;
	return n;
}

/* The longest of `kws` at p (the table lists longer spellings first). */
static size_t keywords(const char *p, const char *end, const char *const *kws, size_t nkw,
		       size_t *which)
{
	for (size_t i = 0; i < nkw; i++) {
		size_t n = keyword(p, end, kws[i]);
		if (n) {
			*which = i;
			return n;
		}
	}
	return 0;
}

/* "[-_.]? LABEL [-_.]? [0-9]*" as PEP 440's pre, post and dev parts are written. */
static bool pep440_part(const char **p, const char *end, const char *const *kws, size_t nkw,
			size_t *which, span *num)
{
	const char *q = *p;
	size_t n;

	if (is_sep(q, end))
		q++;
	if (!(n = keywords(q, end, kws, nkw, which)))
		return false;
	q += n;
	if (is_sep(q, end))
		q++;
	num->n = 0;
	take_digits(&q, end, num);
	*p = q;
	return true;
}

static bool pep440_release(const char **p, const char *end, pep440 *v)
{
	for (;;) {
		if (v->nrelease == PEP440_MAX_RELEASE ||
		    !take_digits(p, end, &v->release[v->nrelease++]))
			return false;
		if (!(*p + 1 < end && **p == '.' && is_digit((*p)[1])))
			return true;
		(*p)++;
	}
}

static bool pep440_local(const char **p, const char *end, span *local)
{
	const char *s = *p;
	bool empty = true;
	for (; *p < end; (*p)++) {
		if (**p == '-' || **p == '_' || **p == '.') {
			if (empty)
				return false;
			empty = true;
		} else if (is_digit(**p) || is_alpha(**p)) {
			empty = false;
		} else {
			return false;
		}
	}
	local->p = s;
	local->n = (size_t)(*p - s);
	return !empty;
}

static bool pep440_parse(const char *s, pep440 *v)
{
	static const char *const pre_kw[] = { "alpha", "a", "beta", "b", "preview", "pre", "c",
					      "rc" };
	static const int pre_kind[] = { PRE_A, PRE_A, PRE_B, PRE_B, PRE_RC, PRE_RC, PRE_RC, PRE_RC };
	static const char *const post_kw[] = { "post", "rev", "r" };
	static const char *const dev_kw[] = { "dev" };
	const char *p, *end, *q;
	size_t which;

	memset(v, 0, sizeof(*v));
	if (!trimmed(s, &p, &end))
		return false;
	if (lower(*p) == 'v')
		p++;
	q = p;
	if (take_digits(&q, end, &v->epoch) && q < end && *q == '!')
		p = q + 1;
	else
		v->epoch.n = 0;
	if (!pep440_release(&p, end, v))
		return false;
	if (pep440_part(&p, end, pre_kw, 8, &which, &v->pre_n))
		v->pre = pre_kind[which];
	if (p + 1 < end && *p == '-' && is_digit(p[1])) { /* implicit post release: 1.0-1 */
		p++;
		take_digits(&p, end, &v->post_n);
		v->post = true;
	} else {
		v->post = pep440_part(&p, end, post_kw, 3, &which, &v->post_n);
	}
	v->dev = pep440_part(&p, end, dev_kw, 1, &which, &v->dev_n);
	if (p < end && *p == '+') {
		p++;
		if (!pep440_local(&p, end, &v->local))
			return false;
	}
	return p == end;
}

static int pep440_release_cmp(const pep440 *a, const pep440 *b)
{
	static const span zero = { "0", 1 };
	size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;
	for (size_t i = 0; i < n; i++) {
		int c = numcmp(i < a->nrelease ? a->release[i] : zero,
			       i < b->nrelease ? b->release[i] : zero);
		if (c)
			return c;
	}
	return 0;
}

/* PEP 440's pre-release key: a dev release of a final version (1.0.dev1) sorts before its
 * pre-releases, a version without pre-release after them. */
static int pep440_pre_cmp(const pep440 *a, const pep440 *b)
{
	int ka = a->pre ? 1 : (!a->post && a->dev) ? 0 : 2;
	int kb = b->pre ? 1 : (!b->post && b->dev) ? 0 : 2;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (ka != 1)
		return 0;
	if (a->pre != b->pre)
		return a->pre < b->pre ? -1 : 1;
	return numcmp(a->pre_n, b->pre_n);
}

/* Local segments: numeric ones order after alphanumeric ones, then by value / case-folded
 * text; a version without a local part orders first. */
static int pep440_local_cmp(span a, span b)
{
	span x = { NULL, 0 }, y = { NULL, 0 };
	bool hx, hy;

	if (a.n == 0 || b.n == 0)
		return a.n == b.n ? 0 : (a.n == 0 ? -1 : 1);
	for (;;) {
		hx = next_ident(&a, &x, '.', '-', '_');
		hy = next_ident(&b, &y, '.', '-', '_');
		if (!hx || !hy)
			return hx == hy ? 0 : (hx ? 1 : -1);
		bool nx = all_digits(x), ny = all_digits(y);
		int c = nx && ny ? numcmp(x, y) : nx != ny ? (nx ? 1 : -1) : lexcmp(x, y, true);
		if (c)
			return c;
	}
}

static int pep440_cmp(const pep440 *a, const pep440 *b)
{
	int c;
	if ((c = numcmp(a->epoch, b->epoch)) || (c = pep440_release_cmp(a, b)) ||
	    (c = pep440_pre_cmp(a, b)))
		return c;
	if (a->post != b->post)
		return a->post ? 1 : -1;
	if (a->post && (c = numcmp(a->post_n, b->post_n)))
		return c;
	if (a->dev != b->dev)
		return a->dev ? -1 : 1;
	if (a->dev && (c = numcmp(a->dev_n, b->dev_n)))
		return c;
	return pep440_local_cmp(a->local, b->local);
}

/* ---------------------------------------------------------------- Maven: ComparableVersion */

/*
 * A Maven version is a list of items; a list may end with a nested list (after '-' or a
 * digit/letter transition), and parsing only ever appends to the innermost list, so the
 * items of every list occupy one contiguous run of `kids`. Numbers of any size are one kind
 * (Maven's int/long/BigInteger items all order numerically). Qualifiers carry a rank:
 * alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp < unknown
 * (unknown ones ordered by text).
 */
enum { MI_NUM, MI_STR, MI_COMB, MI_LIST };
enum { Q_ALPHA, Q_BETA, Q_MILESTONE, Q_RC, Q_SNAPSHOT, Q_RELEASE, Q_SP, Q_UNKNOWN };

#define MV_MAX_NODES (2 * LD_PKGVER_MAX_LEN + 4)

typedef struct {
	unsigned char type, rank;
	span s;          /* MI_NUM: digits (no leading zeros); MI_STR/MI_COMB: qualifier text */
	span d;          /* MI_COMB: the number after the qualifier */
	int kbeg, kcnt;  /* MI_LIST: its items are kids[kbeg .. kbeg + kcnt) */
} mitem;

typedef struct {
	char lc[LD_PKGVER_MAX_LEN + 1];
	mitem it[MV_MAX_NODES];
	int kids[MV_MAX_NODES];
	int lists[MV_MAX_NODES]; /* in creation order: innermost last */
	int nit, nkids, nlists;
	int cur;                 /* the list being appended to */
} mversion;

static int qualifier_rank(span q, bool followed_by_digit)
{
	static const char *const names[] = { "alpha", "beta", "milestone", "rc", "snapshot", "",
					      "sp" };
	if (followed_by_digit && q.n == 1) {
		if (q.p[0] == 'a')
			return Q_ALPHA;
		if (q.p[0] == 'b')
			return Q_BETA;
		if (q.p[0] == 'm')
			return Q_MILESTONE;
	}
	if (q.n == 2 && memcmp(q.p, "cr", 2) == 0)
		return Q_RC;
	if ((q.n == 2 && memcmp(q.p, "ga", 2) == 0) || (q.n == 5 && memcmp(q.p, "final", 5) == 0) ||
	    (q.n == 7 && memcmp(q.p, "release", 7) == 0))
		return Q_RELEASE;
	for (int i = 0; i < 7; i++)
		if (strlen(names[i]) == q.n && memcmp(names[i], q.p, q.n) == 0)
			return i;
	return Q_UNKNOWN;
}

static int qcmp(int ra, span a, int rb, span b)
{
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return ra == Q_UNKNOWN ? lexcmp(a, b, false) : 0;
}

static int mv_new(mversion *v, int type)
{
	int i = v->nit++;
	memset(&v->it[i], 0, sizeof(v->it[i]));
	v->it[i].type = (unsigned char)type;
	return i;
}

static void mv_add(mversion *v, int item)
{
	mitem *l = &v->it[v->cur];
	if (l->kcnt == 0)
		l->kbeg = v->nkids;
	v->kids[v->nkids++] = item;
	l->kcnt++;
}

static void mv_push_list(mversion *v)
{
	int l = mv_new(v, MI_LIST);
	mv_add(v, l);
	v->lists[v->nlists++] = l;
	v->cur = l;
}

static int mv_number(mversion *v, span d)
{
	int i = mv_new(v, MI_NUM);
	while (d.n > 1 && *d.p == '0')
		d.p++, d.n--;
	v->it[i].s = d;
	return i;
}

/* One item of text lc[a, b): a number, a qualifier, or a qualifier glued to a number
 * ("rc1", "sp-1": the '-' only ever sits right before the digits). */
static int mv_item(mversion *v, bool comb, bool digit, size_t a, size_t b)
{
	span t = { v->lc + a, b - a };
	size_t fd = 0;
	int i;

	if (comb) {
		while (fd < t.n && !is_digit(t.p[fd]))
			fd++;
		if (fd < t.n) {
			span q = { t.p, fd }, d = { t.p + fd, t.n - fd };
			while (q.n > 0 && q.p[q.n - 1] == '-')
				q.n--;
			i = mv_number(v, d);
			v->it[i].type = MI_COMB;
			v->it[i].d = v->it[i].s;
			v->it[i].s = q;
			v->it[i].rank = (unsigned char)qualifier_rank(q, true);
			return i;
		}
	}
	if (digit)
		return mv_number(v, t);
	i = mv_new(v, MI_STR);
	v->it[i].s = t;
	v->it[i].rank = (unsigned char)qualifier_rank(t, false);
	return i;
}

static bool mv_is_null(const mversion *v, int i)
{
	const mitem *m = &v->it[i];
	switch (m->type) {
	case MI_NUM: return m->s.n == 1 && m->s.p[0] == '0';
	case MI_STR: return m->s.n == 0;
	case MI_LIST: return m->kcnt == 0;
	default: return false;
	}
}

/* Drop null items (0, "", empty lists) that end the list or stand before a qualifier. */
static void mv_normalize(mversion *v, int list)
{
	mitem *l = &v->it[list];
	for (int i = l->kcnt - 1; i >= 0; i--) {
		int *k = &v->kids[l->kbeg];
		bool drop = false;
		if (!mv_is_null(v, k[i]))
			continue;
		if (i == l->kcnt - 1 || v->it[k[i + 1]].type == MI_STR) {
			drop = true;
		} else if (v->it[k[i + 1]].type == MI_LIST) {
			const mitem *next = &v->it[k[i + 1]];
			int first = next->kcnt ? v->it[v->kids[next->kbeg]].type : MI_NUM;
			drop = first == MI_COMB || first == MI_STR;
		}
		if (drop) {
			memmove(&k[i], &k[i + 1], (size_t)(l->kcnt - i - 1) * sizeof(*k));
			l->kcnt--;
		}
	}
}

static bool mv_parse(const char *s, mversion *v)
{
	size_t len = strnlen(s, LD_PKGVER_MAX_LEN + 1), start = 0;
	bool digit = false, comb = false;

	if (len == 0 || len > LD_PKGVER_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		v->lc[i] = lower(s[i]);
	v->lc[len] = '\0';
	v->nit = v->nkids = v->nlists = 0;
	v->cur = mv_new(v, MI_LIST);
	v->lists[v->nlists++] = v->cur;

	for (size_t i = 0; i < len; i++) {
		char c = v->lc[i];
		if (c == '.') {
			mv_add(v, i == start ? mv_number(v, (span){ "0", 1 })
					     : mv_item(v, comb, digit, start, i));
			comb = false;
			start = i + 1;
		} else if (c == '-') {
			if (i == start) {
				mv_add(v, mv_number(v, (span){ "0", 1 }));
			} else if (!digit && i + 1 < len && is_digit(v->lc[i + 1])) {
				comb = true; /* "X-1" reads as "X1" */
				continue;
			} else {
				mv_add(v, mv_item(v, comb, digit, start, i));
			}
			start = i + 1;
			if (v->it[v->cur].kcnt)
				mv_push_list(v);
			comb = false;
		} else if (is_digit(c)) {
			if (!digit && i > start) {
				comb = true;
				if (v->it[v->cur].kcnt)
					mv_push_list(v);
			}
			digit = true;
		} else {
			if (digit && i > start) {
				mv_add(v, mv_item(v, comb, true, start, i));
				start = i;
				mv_push_list(v);
				comb = false;
			}
			digit = false;
		}
	}
	if (len > start) {
		if (!digit && v->it[v->cur].kcnt) /* "1.0.0.X1" reads as "1.0.0-X1" */
			mv_push_list(v);
		mv_add(v, mv_item(v, comb, digit, start, len));
	}
	for (int i = v->nlists - 1; i >= 0; i--)
		mv_normalize(v, v->lists[i]);
	return true;
}

/* Item order of Maven's ComparableVersion; `r` < 0 stands for a missing item. */
static int mv_cmp(const mversion *va, int l, const mversion *vb, int r);

static int mv_cmp_null(const mversion *v, int l)
{
	static const span none = { "", 0 };
	const mitem *a = &v->it[l];
	switch (a->type) {
	case MI_NUM: return mv_is_null(v, l) ? 0 : 1;
	case MI_STR:
	case MI_COMB: return qcmp(a->rank, a->s, Q_RELEASE, none);
	default:
		for (int i = 0; i < a->kcnt; i++) {
			int c = mv_cmp_null(v, v->kids[a->kbeg + i]);
			if (c)
				return c;
		}
		return 0;
	}
}

static int mv_cmp_lists(const mversion *va, const mitem *a, const mversion *vb, const mitem *b)
{
	for (int i = 0; i < a->kcnt || i < b->kcnt; i++) {
		int c;
		if (i >= a->kcnt)
			c = -mv_cmp_null(vb, vb->kids[b->kbeg + i]);
		else if (i >= b->kcnt)
			c = mv_cmp_null(va, va->kids[a->kbeg + i]);
		else
			c = mv_cmp(va, va->kids[a->kbeg + i], vb, vb->kids[b->kbeg + i]);
		if (c)
			return c;
	}
	return 0;
}

static int mv_cmp(const mversion *va, int l, const mversion *vb, int r)
{
	const mitem *a = &va->it[l], *b;
	int c;

	if (r < 0)
		return mv_cmp_null(va, l);
	b = &vb->it[r];
	switch (a->type) {
	case MI_NUM:
		return b->type == MI_NUM ? numcmp(a->s, b->s) : 1;
	case MI_STR:
		if (b->type == MI_STR)
			return qcmp(a->rank, a->s, b->rank, b->s);
		if (b->type == MI_COMB)
			return (c = qcmp(a->rank, a->s, b->rank, b->s)) ? c : -1;
		return -1;
	case MI_COMB:
		if (b->type == MI_STR)
			return (c = qcmp(a->rank, a->s, b->rank, b->s)) ? c : 1;
		if (b->type == MI_COMB)
			return (c = qcmp(a->rank, a->s, b->rank, b->s)) ? c : numcmp(a->d, b->d);
		return -1;
	default:
		if (b->type == MI_LIST)
			return mv_cmp_lists(va, a, vb, b);
		return b->type == MI_NUM ? -1 : 1;
	}
}

/* ---------------------------------------------------------------- public */

ld_ecosystem ld_ecosystem_of(const char *name)
{
	static const struct {
		const char *name;
		ld_ecosystem eco;
	} table[] = { { "npm", LD_ECO_NPM }, { "pypi", LD_ECO_PYPI }, { "maven", LD_ECO_MAVEN } };
	if (!name)
		return LD_ECO_OTHER;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t n = strlen(table[i].name);
		if (strlen(name) == n && keyword(name, name + n, table[i].name) == n)
			return table[i].eco;
	}
	return LD_ECO_OTHER;
}

const char *ld_ecosystem_name(ld_ecosystem eco)
{
	switch (eco) {
	case LD_ECO_NPM: return "npm";
	case LD_ECO_PYPI: return "PyPI";
	case LD_ECO_MAVEN: return "Maven";
	default: return NULL;
	}
}

bool ld_pkgver_valid(ld_ecosystem eco, const char *v)
{
	static _Thread_local mversion mv;
	semver sv;
	pep440 pv;

	if (!v)
		return false;
	switch (eco) {
	case LD_ECO_NPM: return semver_parse(v, &sv);
	case LD_ECO_PYPI: return pep440_parse(v, &pv);
	case LD_ECO_MAVEN: return mv_parse(v, &mv);
	default: return false;
	}
}

static int invalid(ld_ecosystem eco, const char *v)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "'%.80s%s' is not a valid %s version",
			     v ? v : "", v && strlen(v) > 80 ? "..." : "", ld_ecosystem_name(eco));
}

/* The two Maven versions live in thread-local storage: 2 x ~17 KiB is too much stack for
 * a comparison that may run deep inside a scan. */
static int maven_cmp(const char *a, const char *b, int *result)
{
	static _Thread_local mversion va, vb;
	if (!mv_parse(a, &va))
		return invalid(LD_ECO_MAVEN, a);
	if (!mv_parse(b, &vb))
		return invalid(LD_ECO_MAVEN, b);
	*result = mv_cmp(&va, 0, &vb, 0);
	return 0;
}

int ld_pkgver_cmp_eco(ld_ecosystem eco, const char *a, const char *b, int *result)
{
	semver sa, sb;
	pep440 pa, pb;

	*result = 0;
	switch (eco) {
	case LD_ECO_NPM:
		if (!a || !semver_parse(a, &sa))
			return invalid(eco, a);
		if (!b || !semver_parse(b, &sb))
			return invalid(eco, b);
		*result = semver_cmp(&sa, &sb);
		return 0;
	case LD_ECO_PYPI:
		if (!a || !pep440_parse(a, &pa))
			return invalid(eco, a);
		if (!b || !pep440_parse(b, &pb))
			return invalid(eco, b);
		*result = pep440_cmp(&pa, &pb);
		return 0;
	case LD_ECO_MAVEN:
		if (!a || !b)
			return invalid(eco, a ? b : a);
		return maven_cmp(a, b, result);
	default:
		return ld_error_setc(LD_ENOTFOUND, LD_ERR_USAGE,
				     "no version ordering is known for this ecosystem");
	}
}

int ld_pkgver_cmp(const char *ecosystem, const char *a, const char *b, int *result)
{
	ld_ecosystem eco = ld_ecosystem_of(ecosystem);
	*result = 0;
	if (eco == LD_ECO_OTHER)
		return ld_error_setc(LD_ENOTFOUND, LD_ERR_USAGE,
				     "no version ordering is known for ecosystem '%.40s'",
				     ecosystem ? ecosystem : "");
	return ld_pkgver_cmp_eco(eco, a, b, result);
}
