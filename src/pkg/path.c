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

static const char *check_bytes(const unsigned char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == 0)
			return "NUL byte in name";
		if (s[i] < 0x20 || s[i] == 0x7f)
			return "control character in name";
		if (s[i] == '\\')
			return "backslash in name";
		if ((n = utf8_len(s + i, len - i)) == 0)
			return "name is not valid UTF-8";
		i += n;
	}
	return NULL;
}

static int is_drive(const char *comp, size_t n)
{
	unsigned char c = (unsigned char)comp[0];
	return n >= 2 && comp[1] == ':' && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

long ld_pkg_path_normalise(char *out, const char *name, size_t len, const char **why)
{
	size_t i = 0, o = 0, n;
	const char *comp;

	if ((*why = check_bytes((const unsigned char *)name, len)) != NULL)
		return -1;
	if (len > 0 && name[0] == '/')
		return *why = "absolute path", -1;
	while (i < len) {
		comp = name + i;
		for (n = 0; i + n < len && comp[n] != '/'; n++)
			;
		i += n + 1;
		if (n == 0 || (n == 1 && comp[0] == '.'))
			continue;
		if (n == 2 && comp[0] == '.' && comp[1] == '.')
			return *why = "'..' component", -1;
		if (o == 0 && is_drive(comp, n))
			return *why = "drive letter", -1;
		if (o + (o ? 1 : 0) + n > LD_PKG_PATH_MAX)
			return *why = "name longer than 4096 bytes", -1;
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
