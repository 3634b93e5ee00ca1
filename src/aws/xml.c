/*
 * The bounded XML reader behind xml.h. It only ever looks for the first element of a given
 * name inside a span (AssumeRole responses, query-protocol error bodies), or for the first
 * direct child of that name, counting nesting (IAM's account listing); every scan is limited by the span's length, so a truncated or hostile body
 * cannot make it read out of bounds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "lambdrift/errors.h"

#define MAX_TAG 64

static const char *find_bytes(const char *hay, size_t len, const char *needle, size_t nlen)
{
	if (nlen > len)
		return NULL;
	for (size_t i = 0; i + nlen <= len; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, nlen))
			return hay + i;
	return NULL;
}

bool ld_xml_find(const char *xml, size_t len, const char *tag, const char **val, size_t *vlen)
{
	char close[MAX_TAG + 4];
	size_t tlen = strlen(tag), i = 0;
	const char *start, *end, *gt;

	if (!tlen || tlen > MAX_TAG)
		return false;
	snprintf(close, sizeof(close), "</%s>", tag);
	while (i < len) {
		const char *lt = memchr(xml + i, '<', len - i);
		size_t at, after;
		if (!lt)
			return false;
		at = (size_t)(lt - xml);
		after = at + 1 + tlen;
		i = at + 1;
		if (after >= len || memcmp(lt + 1, tag, tlen) != 0)
			continue;
		if (xml[after] != '>' && xml[after] != '/' && !isspace((unsigned char)xml[after]))
			continue; /* a longer name with this prefix */
		if (!(gt = memchr(xml + after, '>', len - after)))
			return false;
		if (gt[-1] == '/') { /* <Tag/> */
			*val = gt;
			*vlen = 0;
			return true;
		}
		start = gt + 1;
		if (!(end = find_bytes(start, len - (size_t)(start - xml), close, tlen + 3)))
			return false;
		*val = start;
		*vlen = (size_t)(end - start);
		return true;
	}
	return false;
}

/* --- direct children ---------------------------------------------------------------- */

typedef enum { TAG_OPEN, TAG_CLOSE, TAG_EMPTY, TAG_OTHER } tag_kind;

typedef struct {
	tag_kind kind;
	const char *name;
	size_t nlen;
	size_t at;                  /* offset of its '<' */
	size_t end;                 /* offset just past its '>' */
} xml_tag;

/* The next tag at or after xml[from]; false when none is complete within len. */
static bool next_tag(const char *xml, size_t len, size_t from, xml_tag *t)
{
	const char *lt, *gt;
	size_t i;

	if (from >= len || !(lt = memchr(xml + from, '<', len - from)))
		return false;
	t->at = (size_t)(lt - xml);
	if (!(gt = memchr(lt, '>', len - t->at)))
		return false;
	t->end = (size_t)(gt - xml) + 1;
	i = t->at + 1;
	t->kind = TAG_OPEN;
	if (xml[i] == '/') {
		t->kind = TAG_CLOSE;
		i++;
	} else if (xml[i] == '?' || xml[i] == '!') {
		t->kind = TAG_OTHER;
	} else if (gt[-1] == '/') {
		t->kind = TAG_EMPTY;
	}
	t->name = xml + i;
	while (i < t->end - 1 && xml[i] != '/' && !isspace((unsigned char)xml[i]))
		i++;
	t->nlen = (size_t)(xml + i - t->name);
	return true;
}

static bool named(const xml_tag *t, const char *tag, size_t tlen)
{
	return t->nlen == tlen && !memcmp(t->name, tag, tlen);
}

/* The first direct child named `tag` at or after xml[*pos]; *pos moves past it. */
static bool child_from(const char *xml, size_t len, const char *tag, size_t *pos,
		       const char **val, size_t *vlen)
{
	size_t tlen = strlen(tag), depth = 0, start = 0;
	bool inside = false;        /* in the wanted element: depth counts from it */
	xml_tag t;

	if (!tlen || tlen > MAX_TAG)
		return false;
	for (size_t at = *pos; next_tag(xml, len, at, &t); at = t.end) {
		if (t.kind == TAG_OTHER)
			continue;
		if (t.kind == TAG_EMPTY) {
			if (inside || depth || !named(&t, tag, tlen))
				continue;
			*val = xml + t.end;
			*vlen = 0;
			*pos = t.end;
			return true;
		}
		if (t.kind == TAG_OPEN) {
			if (!inside && depth == 0 && named(&t, tag, tlen)) {
				inside = true;
				start = t.end;
			}
			depth++;
			continue;
		}
		if (depth == 0)
			return false; /* the parent ends */
		if (--depth == 0 && inside) {
			*val = xml + start;
			*vlen = t.at - start;
			*pos = t.end;
			return true;
		}
	}
	return false;
}

bool ld_xml_child(const char *xml, size_t len, const char *tag, const char **val, size_t *vlen)
{
	size_t pos = 0;
	return child_from(xml, len, tag, &pos, val, vlen);
}

bool ld_xml_next_child(const char *xml, size_t len, const char *tag, size_t *pos,
		       const char **val, size_t *vlen)
{
	return child_from(xml, len, tag, pos, val, vlen);
}

/* Append one code point as UTF-8; 0 or LD_ELIMIT. */
static int put_utf8(char *out, size_t outlen, size_t *n, unsigned long cp)
{
	char tmp[4];
	size_t k = 0;
	if (cp < 0x80) {
		tmp[k++] = (char)cp;
	} else if (cp < 0x800) {
		tmp[k++] = (char)(0xc0 | (cp >> 6));
		tmp[k++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		tmp[k++] = (char)(0xe0 | (cp >> 12));
		tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[k++] = (char)(0x80 | (cp & 0x3f));
	} else {
		tmp[k++] = (char)(0xf0 | (cp >> 18));
		tmp[k++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[k++] = (char)(0x80 | (cp & 0x3f));
	}
	if (*n + k >= outlen)
		return LD_ELIMIT;
	memcpy(out + *n, tmp, k);
	*n += k;
	return 0;
}

static int decode_entity(const char *e, size_t elen, unsigned long *cp)
{
	static const struct { const char *name; char ch; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' }
	};
	char num[16];
	char *end;

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (elen == strlen(named[i].name) && !memcmp(e, named[i].name, elen)) {
			*cp = (unsigned char)named[i].ch;
			return 0;
		}
	if (elen < 2 || elen >= sizeof(num) || e[0] != '#')
		return LD_EINVALID;
	memcpy(num, e + 1, elen - 1);
	num[elen - 1] = '\0';
	if (num[0] == 'x' || num[0] == 'X')
		*cp = strtoul(num + 1, &end, 16);
	else
		*cp = strtoul(num, &end, 10);
	if (*end || end == num || *cp == 0 || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return LD_EINVALID;
	return 0;
}

int ld_xml_text(char *out, size_t outlen, const char *val, size_t vlen)
{
	size_t n = 0, i = 0;
	unsigned long cp;

	if (!outlen)
		return LD_ELIMIT;
	while (i < vlen) {
		if (val[i] == '&') {
			const char *semi = memchr(val + i, ';', vlen - i);
			if (!semi || decode_entity(val + i + 1, (size_t)(semi - val - i - 1), &cp) < 0)
				goto invalid;
			if (put_utf8(out, outlen, &n, cp) < 0)
				goto limit;
			i = (size_t)(semi - val) + 1;
			continue;
		}
		if (val[i] == '<')
			goto invalid; /* markup where text was expected */
		if (n + 1 >= outlen)
			goto limit;
		out[n++] = val[i++];
	}
	out[n] = '\0';
	return 0;
invalid:
	out[0] = '\0';
	return LD_EINVALID;
limit:
	out[0] = '\0';
	return LD_ELIMIT;
}

/* --- AWS error bodies ------------------------------------------------------------- */

bool ld_xml_parse_error(char *code, size_t codelen, char *message, size_t msglen,
			const char *xml, size_t len)
{
	const char *err, *v;
	size_t elen, vlen;

	if (codelen)
		code[0] = '\0';
	if (msglen)
		message[0] = '\0';
	/* <ErrorResponse><Error>..</Error> for query services; S3-style bodies are a bare <Error> */
	if (!ld_xml_find(xml, len, "Error", &err, &elen)) {
		err = xml;
		elen = len;
	}
	if (ld_xml_find(err, elen, "Message", &v, &vlen) && ld_xml_text(message, msglen, v, vlen) < 0)
		message[0] = '\0';
	if (!ld_xml_find(err, elen, "Code", &v, &vlen) || ld_xml_text(code, codelen, v, vlen) < 0) {
		code[0] = '\0';
		return false;
	}
	return code[0] != '\0';
}
