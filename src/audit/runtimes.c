/*
 * The runtime lifecycle table: which Lambda runtimes exist and when each is deprecated and
 * blocked for create and update. AWS moves these dates, so they are data, not code: the
 * default table is data/lambda-runtimes.tsv compiled in (ld_runtimes_data), and a user file
 * with the same columns replaces it. A "# source: ..." comment line says where the dates
 * come from and as of when; every report that cites a date can cite it. Parsing is strict
 * (column count, real calendar dates, no duplicates) and errors name file:line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/audit.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/date.h"
#include "util/file.h"

extern const char ld_runtimes_data[];
extern const size_t ld_runtimes_data_len;

#define DEFAULT_TABLE_NAME "data/lambda-runtimes.tsv"
#define MAX_TABLE_BYTES ((size_t)1024 * 1024)
#define MAX_FIELDS 6
#define SOURCE_PREFIX "# source:"

void ld_runtime_table_dispose(ld_runtime_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->count; i++) {
		free(t->items[i].identifier);
		free(t->items[i].deprecation);
		free(t->items[i].block_create);
		free(t->items[i].block_update);
	}
	free(t->items);
	free(t->source);
	memset(t, 0, sizeof(*t));
}

const ld_runtime *ld_runtime_find(const ld_runtime_table *t, const char *identifier)
{
	for (size_t i = 0; t && identifier && i < t->count; i++)
		if (!strcmp(t->items[i].identifier, identifier))
			return &t->items[i];
	return NULL;
}

/* Split `line` in place on tabs; returns the field count, or MAX_FIELDS + 1 when more. */
static size_t split_tabs(char *line, char **fields)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		fields[n++] = p;
		if (!(p = strchr(p, '\t')))
			return n;
		*p++ = '\0';
	}
}

static int bad_line(const char *file, size_t lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_line(const char *file, size_t lineno, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "%s:%zu: %s", file, lineno, what);
}

static int dup_date(char **out, const char *field, const char *file, size_t lineno)
{
	long days;
	if (!*field)
		return 0;
	if (!ld_date_parse(field, &days))
		return bad_line(file, lineno, "'%s' is not a YYYY-MM-DD date", field);
	return (*out = strdup(field)) ? 0 : ld_error_oom();
}

static int add_row(ld_runtime_table *t, char **fields, size_t n, const char *file, size_t lineno)
{
	ld_runtime *r;
	int error;

	if (n < 5 || n > MAX_FIELDS)
		return bad_line(file, lineno, "expected 5 or 6 tab-separated columns (identifier, "
				"os, deprecation_date, block_create_date, block_update_date, source), "
				"found %s%zu", n > MAX_FIELDS ? "more than " : "",
				n > MAX_FIELDS ? (size_t)MAX_FIELDS : n);
	if (!*fields[0] || strpbrk(fields[0], " \r"))
		return bad_line(file, lineno, "runtime identifier '%s' is empty or has spaces",
				fields[0]);
	if (ld_runtime_find(t, fields[0]))
		return bad_line(file, lineno, "runtime '%s' is listed twice", fields[0]);
	if (ld_array_grow(t->items, t->count, 1) < 0)
		return LD_ERROR;
	r = &t->items[t->count];
	memset(r, 0, sizeof(*r));
	t->count++;
	if (!(r->identifier = strdup(fields[0])))
		return ld_error_oom();
	if ((error = dup_date(&r->deprecation, fields[2], file, lineno)) < 0 ||
	    (error = dup_date(&r->block_create, fields[3], file, lineno)) < 0 ||
	    (error = dup_date(&r->block_update, fields[4], file, lineno)) < 0)
		return error;
	return 0;
}

static int take_source(ld_runtime_table *t, const char *line)
{
	const char *s = line + strlen(SOURCE_PREFIX);
	while (*s == ' ')
		s++;
	if (t->source || !*s)
		return 0;
	return (t->source = strdup(s)) ? 0 : ld_error_oom();
}

static int parse_line(ld_runtime_table *t, char *line, const char *file, size_t lineno)
{
	char *fields[MAX_FIELDS];
	size_t n;

	if (!*line)
		return 0;
	if (*line == '#')
		return strncmp(line, SOURCE_PREFIX, strlen(SOURCE_PREFIX)) ? 0 : take_source(t, line);
	n = split_tabs(line, fields);
	/* The column header line, wherever the first data line would be. */
	if (!strcmp(fields[0], "identifier"))
		return 0;
	return add_row(t, fields, n, file, lineno);
}

static int parse_table(ld_runtime_table *out, const char *text, size_t len, const char *file)
{
	char *copy = NULL, *line, *next;
	size_t lineno = 0;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len))
		return ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "%s: binary data; expected a TSV "
				     "runtime table", file);
	if (!(copy = malloc(len + 1)))
		return ld_error_oom();
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; line && error == 0; line = next) {
		size_t l;
		lineno++;
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if ((l = strlen(line)) && line[l - 1] == '\r')
			line[l - 1] = '\0';
		error = parse_line(out, line, file, lineno);
	}
	if (error == 0 && out->count == 0)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "%s: no runtimes listed", file);
	if (error == 0 && !out->source && !(out->source = strdup(file)))
		error = ld_error_oom();
	free(copy);
	if (error < 0)
		ld_runtime_table_dispose(out);
	return error;
}

int ld_runtime_table_default(ld_runtime_table *out)
{
	return parse_table(out, ld_runtimes_data, ld_runtimes_data_len, DEFAULT_TABLE_NAME);
}

int ld_runtime_table_load(ld_runtime_table *out, const char *path)
{
	ld_buf text = LD_BUF_INIT_CAP(MAX_TABLE_BYTES);
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = ld_buf_read_file(&text, path, MAX_TABLE_BYTES)) == LD_ELIMIT)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "%s: larger than %zu KiB; not a "
				      "runtime table", path, MAX_TABLE_BYTES >> 10);
	else if (error < 0 && errno == EISDIR)
		error = ld_file_dir_error(path, "a runtime table", LD_ERR_CONFIG);
	else if (error == LD_ENOTFOUND || error == LD_EUSAGE)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG,
				      "cannot open the runtime table '%s'; check the path", path);
	else if (error < 0)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CONFIG, "%s: read error", path);
	if (error == 0)
		error = parse_table(out, text.ptr, text.size, path);
	ld_buf_dispose(&text);
	return error;
}
