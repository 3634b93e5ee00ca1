/*
 * The INI reader behind ini.h: reads an AWS shared config or credentials file in one bounded
 * read, splits it into lines and builds sections of entries, with botocore's rules for
 * comments, delimiters, continuation lines and nested blocks. Values may be secrets, so
 * every string the reader frees is wiped first, the read buffer included, and messages
 * name only the file and line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/ini.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/file.h"
#include "util/str.h"

#define NONE SIZE_MAX

typedef struct {
	ld_ini *ini;
	unsigned lineno;
	size_t sec;        /* index of the current section, or NONE */
	size_t ent;        /* index of the current entry in it, or NONE */
	size_t key_indent; /* indentation of the current entry's key line */
} parser;

static void wipe_free(char *s)
{
	if (s) {
		volatile char *p = s;
		while (*p)
			*p++ = '\0';
		free(s);
	}
}

static int fail(const parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(const parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "'%s' line %u: %s", p->ini->path,
			     p->lineno, msg);
}

static char *dup_range(const char *s, size_t n, bool fold)
{
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = fold ? (char)tolower((unsigned char)s[i]) : s[i];
	d[n] = '\0';
	return d;
}

/* Trim [*s, *s + *n) in place. */
static void trim(const char **s, size_t *n)
{
	while (*n && ld_is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && ld_is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Split "key = value" (or "key: value") at the first delimiter in `delims`. */
static bool split_kv(const char *s, size_t n, const char *delims, const char **k, size_t *kn,
		     const char **v, size_t *vn)
{
	size_t i = 0;
	while (i < n && !strchr(delims, s[i]))
		i++;
	if (i == n)
		return false;
	*k = s;
	*kn = i;
	*v = s + i + 1;
	*vn = n - i - 1;
	trim(k, kn);
	trim(v, vn);
	return true;
}

static void entry_dispose(ld_ini_entry *e)
{
	for (size_t i = 0; i < e->nsubs; i++)
		entry_dispose(&e->subs[i]);
	free(e->subs);
	free(e->key);
	wipe_free(e->value);
}

static int entry_set(ld_ini_entry *e, const char *k, size_t kn, const char *v, size_t vn,
		     unsigned line)
{
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->key = dup_range(k, kn, true);
	e->value = dup_range(v, vn, false);
	if (!e->key || !e->value) {
		entry_dispose(e);
		return ld_error_oom();
	}
	return 0;
}

static int on_header(parser *p, const char *s, size_t n)
{
	ld_ini *ini = p->ini;
	ld_ini_section *sec;
	const char *name = s + 1;
	size_t close = n;

	/* Like configparser, the name runs to the last ']' and anything after it is ignored. */
	while (close > 0 && s[close - 1] != ']')
		close--;
	if (close < 2)
		return fail(p, "section header has no closing ']'");
	n = close - 2;
	trim(&name, &n);
	if (n == 0)
		return fail(p, "empty section name");
	for (size_t i = 0; i < ini->nsections; i++)
		if (strlen(ini->sections[i].name) == n && !memcmp(ini->sections[i].name, name, n))
			return fail(p, "section repeats the one on line %u; merge them",
				    ini->sections[i].line);
	if (ld_array_grow(ini->sections, ini->nsections, 1) < 0)
		return LD_ERROR;
	sec = &ini->sections[ini->nsections];
	memset(sec, 0, sizeof(*sec));
	sec->line = p->lineno;
	if (!(sec->name = dup_range(name, n, false)))
		return ld_error_oom();
	p->sec = ini->nsections++;
	p->ent = NONE;
	return 0;
}

static int on_key(parser *p, const char *s, size_t n, size_t indent)
{
	ld_ini_section *sec;
	const char *k, *v;
	size_t kn, vn;

	if (p->sec == NONE)
		return fail(p, "'key = value' before any [section] header");
	sec = &p->ini->sections[p->sec];
	if (!split_kv(s, n, "=:", &k, &kn, &v, &vn))
		return fail(p, "expected 'key = value'");
	if (kn == 0)
		return fail(p, "missing key before '='");
	for (size_t i = 0; i < sec->nentries; i++)
		if (strlen(sec->entries[i].key) == kn && !strncasecmp(sec->entries[i].key, k, kn))
			return fail(p, "key repeats the one on line %u in the same section",
				    sec->entries[i].line);
	if (ld_array_grow(sec->entries, sec->nentries, 1) < 0)
		return LD_ERROR;
	if (entry_set(&sec->entries[sec->nentries], k, kn, v, vn, p->lineno) < 0)
		return LD_ERROR;
	p->ent = sec->nentries++;
	p->key_indent = indent;
	return 0;
}

static int append_line(ld_ini_entry *e, const char *s, size_t n)
{
	size_t old = strlen(e->value);
	char *v = malloc(old + n + 2);

	if (!v)
		return ld_error_oom();
	memcpy(v, e->value, old);
	v[old] = '\n';
	memcpy(v + old + 1, s, n);
	v[old + n + 1] = '\0';
	wipe_free(e->value);
	e->value = v;
	return 0;
}

/* A more-indented line after a key: a nested `sub = value` when the key's own value was
 * empty (botocore's subsections), otherwise a continuation of the value. */
static int on_continuation(parser *p, const char *s, size_t n)
{
	ld_ini_entry *e = &p->ini->sections[p->sec].entries[p->ent];
	const char *k, *v;
	size_t kn, vn;

	if (e->value[0] != '\0' && e->nsubs == 0)
		return append_line(e, s, n);
	if (!split_kv(s, n, "=", &k, &kn, &v, &vn))
		return fail(p, "expected 'key = value' in the block under line %u", e->line);
	if (kn == 0)
		return fail(p, "missing key before '='");
	if (ld_array_grow(e->subs, e->nsubs, 1) < 0)
		return LD_ERROR;
	if (entry_set(&e->subs[e->nsubs], k, kn, v, vn, p->lineno) < 0)
		return LD_ERROR;
	e->nsubs++;
	return 0;
}

static int on_line(parser *p, const char *line, size_t n)
{
	const char *s = line;
	size_t indent = 0;

	if (n > LD_INI_LINE_MAX)
		return fail(p, "line is longer than %zu bytes", LD_INI_LINE_MAX);
	if (memchr(line, '\0', n))
		return fail(p, "contains a NUL byte; is this a text file?");
	while (indent < n && ld_is_blank(line[indent]))
		indent++;
	trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (indent > 0 && p->ent != NONE && indent > p->key_indent)
		return on_continuation(p, s, n);
	if (s[0] == '[')
		return on_header(p, s, n);
	return on_key(p, s, n, indent);
}

static int too_large(const ld_ini *ini)
{
	return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
			     "'%s' is larger than %zu bytes; is it the right file?", ini->path,
			     LD_INI_FILE_MAX);
}

static int parse_into(ld_ini *ini, const char *data, size_t len)
{
	parser p = { ini, 0, NONE, NONE, 0 };
	size_t pos = 0;
	int error;

	if (len > LD_INI_FILE_MAX)
		return too_large(ini);
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		pos = 3; /* UTF-8 byte order mark, as written by some Windows editors */
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		size_t n = end - pos;

		if (n > 0 && data[pos + n - 1] == '\r')
			n--;
		p.lineno++;
		if ((error = on_line(&p, data + pos, n)) < 0)
			return error;
		pos = end + 1;
	}
	return 0;
}

int ld_ini_parse(ld_ini *out, const char *data, size_t len, const char *name)
{
	memset(out, 0, sizeof(*out));
	if (!(out->path = strdup(name)))
		return ld_error_oom();
	return parse_into(out, data, len);
}

int ld_ini_load(ld_ini *out, const char *path)
{
	/* the limit plus one byte, so parse_into says when the file is too large */
	ld_buf text = LD_BUF_INIT_CAP(LD_INI_FILE_MAX + 1);
	int error;

	memset(out, 0, sizeof(*out));
	if (!(out->path = strdup(path)))
		return ld_error_oom();
	if ((error = ld_buf_read_file(&text, path, text.cap)) == LD_ELIMIT)
		error = too_large(out);
	else if (error < 0 && errno == EISDIR)
		error = ld_file_dir_error(path, "an aws config or credentials file", LD_ERR_CONFIG);
	else if (error == LD_ENOTFOUND)
		error = ld_error_setc(LD_ENOTFOUND, LD_ERR_CONFIG, "'%s' does not exist", path);
	else if (error == 0)
		error = parse_into(out, text.ptr, text.size);
	ld_buf_dispose_secret(&text); /* credentials */
	return error;
}

void ld_ini_dispose(ld_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->nsections; i++) {
		ld_ini_section *sec = &ini->sections[i];
		for (size_t j = 0; j < sec->nentries; j++)
			entry_dispose(&sec->entries[j]);
		free(sec->entries);
		free(sec->name);
	}
	free(ini->sections);
	free(ini->path);
	memset(ini, 0, sizeof(*ini));
}

const ld_ini_section *ld_ini_section_find(const ld_ini *ini, const char *name)
{
	for (size_t i = 0; ini && i < ini->nsections; i++)
		if (!strcmp(ini->sections[i].name, name))
			return &ini->sections[i];
	return NULL;
}

const ld_ini_entry *ld_ini_entry_find(const ld_ini_section *sec, const char *key)
{
	for (size_t i = 0; sec && i < sec->nentries; i++)
		if (!strcasecmp(sec->entries[i].key, key))
			return &sec->entries[i];
	return NULL;
}

const char *ld_ini_get(const ld_ini_section *sec, const char *key)
{
	const ld_ini_entry *e = ld_ini_entry_find(sec, key);
	return e ? e->value : NULL;
}

const char *ld_ini_sub_get(const ld_ini_section *sec, const char *key, const char *sub)
{
	const ld_ini_entry *e = ld_ini_entry_find(sec, key);

	/* Searched from the end: botocore keeps the last of repeated nested keys. */
	for (size_t i = e ? e->nsubs : 0; i > 0; i--)
		if (!strcasecmp(e->subs[i - 1].key, sub))
			return e->subs[i - 1].value;
	return NULL;
}
