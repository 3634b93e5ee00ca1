/* Package path rules (see path.h): checks and normalisation of names taken from archives
 * and trees, before any of them becomes a manifest path. */
#include <stdio.h>
#include <string.h>

#include "pkg/path.h"

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when it is malformed,
 * overlong, a surrogate or past U+10FFFF. Names feed JSON and SARIF output, so anything
 * that is not clean UTF-8 is refused rather than guessed at (CP437 and friends). */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0], cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* What a name byte is: 0 printable ASCII (but '/' and '\\'), 1 '/', 2 anything else, which
 * odd_byte() looks at. Names are almost always only 0s and 1s, found at one load a byte. */
static const unsigned char byte_class[256] = {
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Why the byte at s (not printable ASCII) is refused, or NULL with *n set to the length of
 * the UTF-8 sequence it starts. */
static const char *odd_byte(const unsigned char *s, size_t avail, size_t *n)
{
	if (s[0] == 0)
		return "NUL byte in name";
	if (s[0] < 0x20 || s[0] == 0x7f)
		return "control character in name";
	if (s[0] == '\\')
		return "backslash in name";
	if ((*n = utf8_len(s, avail)) == 0)
		return "name is not valid UTF-8";
	return NULL;
}

static int is_drive(const char *comp, size_t n)
{
	unsigned char c = (unsigned char)comp[0];
	return n >= 2 && comp[1] == ':' && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Check one component of `n` bytes; *o counts the normalised bytes so far. */
static const char *component(const char *comp, size_t n, size_t *o)
{
	if (n == 0 || (n == 1 && comp[0] == '.'))
		return NULL;   /* dropped */
	if (n == 2 && comp[0] == '.' && comp[1] == '.')
		return "'..' component";
	if (*o == 0 && is_drive(comp, n))
		return "drive letter";
	if (*o + (*o ? 1 : 0) + n > LD_PKG_PATH_MAX)
		return "name longer than 4096 bytes";
	*o += (*o ? 1 : 0) + n;
	return NULL;
}

/* The component at *i (up to the next '/' or the end): its start and length; *i moves
 * past the '/'. */
static size_t next_component(const char *name, size_t len, size_t *i, const char **comp)
{
	const char *slash;
	size_t n;

	*comp = name + *i;
	slash = memchr(*comp, '/', len - *i);
	n = slash ? (size_t)(slash - *comp) : len - *i;
	*i += n + 1;
	return n;
}

/* One pass checks the bytes and the components. A refused byte anywhere wins over a
 * refused component (the first of those is kept while the bytes are still checked), as
 * when the bytes were checked in a pass of their own. The normalised name is a
 * subsequence of the name (kept components, one '/' between them), so when it is as long
 * as the name it is the name, copied whole; otherwise a second pass copies the kept
 * components. */
long ld_pkg_path_normalise(char *out, const char *name, size_t len, const char **why)
{
	const unsigned char *s = (const unsigned char *)name;
	const char *refused = len > 0 && name[0] == '/' ? "absolute path" : NULL;
	size_t i, start = 0, o = 0, n;
	const char *comp;

	for (i = 0;; i++) {   /* one component a turn, ended by a '/' or the end */
		for (;;) {
			while (i < len && byte_class[s[i]] == 0)
				i++;
			if (i == len || byte_class[s[i]] == 1)
				break;
			if ((*why = odd_byte(s + i, len - i, &n)) != NULL)
				return -1;
			i += n;
		}
		if (!refused)
			refused = component(name + start, i - start, &o);
		if (i == len)
			break;
		start = i + 1;
	}
	if ((*why = refused) != NULL)
		return -1;
	if (o == len) {
		memcpy(out, name, len);
		out[len] = '\0';
		return (long)len;
	}
	for (i = 0, o = 0; i < len;) {
		n = next_component(name, len, &i, &comp);
		if (n == 0 || (n == 1 && comp[0] == '.'))
			continue;
		if (o)
			out[o++] = '/';
		memcpy(out + o, comp, n);
		o += n;
	}
	out[o] = '\0';
	return (long)o;
}

void ld_pkg_path_quote(char *out, size_t size, const char *name, size_t len)
{
	size_t o = 0, i, n;
	unsigned char c;

	if (size == 0)
		return;
	for (i = 0; i < len; i += n) {
		c = (unsigned char)name[i];
		n = c >= 0x80 ? utf8_len((const unsigned char *)name + i, len - i) : 1;
		if (o + 8 >= size) {
			memcpy(out + o, "...", 4);
			return;
		}
		if (n == 0 || c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
			n = 1;
		} else {
			memcpy(out + o, name + i, n);
			o += n;
		}
	}
	out[o] = '\0';
}
