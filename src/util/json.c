/* cJSON wrapper (see json.h): parsing with a depth bound, building, canonical output. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lambdrift/errors.h"
#include "util/json.h"
#include "util/str.h"

#define CUT_SHORT_MAX_DEPTH 256

/* Does the text end inside a string or an open object or array, with every bracket before
 * that matched? Then the document was cut short, not written wrong. */
static bool cut_short(const char *t, size_t len)
{
	char open[CUT_SHORT_MAX_DEPTH];
	size_t depth = 0;
	bool in_string = false, escape = false;

	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		if (in_string) {
			if (escape)
				escape = false;
			else if (c == '\\')
				escape = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (depth == CUT_SHORT_MAX_DEPTH)
				return false;
			open[depth++] = c;
		} else if (c == '}' || c == ']') {
			if (!depth || open[--depth] != (c == '}' ? '{' : '['))
				return false;
			if (!depth)
				return false; /* the root closed: whatever is wrong is after it */
		}
	}
	return in_string || depth > 0;
}

int ld_json_ends_early(const char *what, size_t at)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu: it "
			     "ends early, before the document is closed (cut short?)", what, at);
}

/* The offset of the first \u0000 escape in `t`, or `len`: cJSON decodes it into a NUL
 * that ends the C string, so "a\u0000b" would be read as "a". An escape is a backslash
 * preceded by an even number of backslashes. */
static size_t nul_escape(const char *t, size_t len)
{
	for (const char *p = t; p + 6 <= t + len && (p = memchr(p, '\\', len - (size_t)(p - t)));
	     p++) {
		size_t n = 0;
		if (p + 6 > t + len || memcmp(p + 1, "u0000", 5))
			continue;
		while (p - n > t && p[-1 - (ptrdiff_t)n] == '\\')
			n++;
		if (n % 2 == 0)
			return (size_t)(p - t);
	}
	return len;
}

int ld_json_parse(ld_json **out, const char *text, size_t len, const char *what)
{
	const char *end = NULL, *zero = memchr(text, '\0', len);
	size_t nul;
	cJSON *j;

	*out = NULL;
	if (zero)
		return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu: "
				     "a NUL byte, where cJSON would stop reading", what,
				     (size_t)(zero - text));
	if ((nul = nul_escape(text, len)) < len)
		return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu: "
				     "\\u0000 (a NUL character), which lambdrift does not read",
				     what, nul);
	j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!j) {
		size_t at = end && end >= text ? (size_t)(end - text) : 0;
		if (!end)
			at = cJSON_GetErrorPtr() ? (size_t)(cJSON_GetErrorPtr() - text) : 0;
		if (cut_short(text, len))
			return ld_json_ends_early(what, len ? len - 1 : 0);
		return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu",
				     what, at > len ? len : at);
	}
	*out = j;
	return 0;
}

void ld_json_free(ld_json *json)
{
	cJSON_Delete(json);
}

bool ld_json_is_object(const ld_json *j) { return j && cJSON_IsObject(j); }
bool ld_json_is_array(const ld_json *j) { return j && cJSON_IsArray(j); }
bool ld_json_is_string(const ld_json *j) { return j && cJSON_IsString(j); }
bool ld_json_is_number(const ld_json *j) { return j && cJSON_IsNumber(j); }
bool ld_json_is_bool(const ld_json *j) { return j && cJSON_IsBool(j); }
bool ld_json_is_null(const ld_json *j) { return j && cJSON_IsNull(j); }
bool ld_json_is_true(const ld_json *j) { return j && cJSON_IsTrue(j); }

ld_json *ld_json_get(const ld_json *obj, const char *key)
{
	return ld_json_is_object(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *ld_json_get_str(const ld_json *obj, const char *key)
{
	return ld_json_str(ld_json_get(obj, key));
}

bool ld_json_get_num(const ld_json *obj, const char *key, double *out)
{
	ld_json *n = ld_json_get(obj, key);
	if (!ld_json_is_number(n))
		return false;
	*out = n->valuedouble;
	return true;
}

const char *ld_json_str(const ld_json *j)
{
	return ld_json_is_string(j) ? j->valuestring : NULL;
}

double ld_json_num(const ld_json *j)
{
	return ld_json_is_number(j) ? j->valuedouble : 0.0;
}

size_t ld_json_size(const ld_json *j)
{
	return (ld_json_is_array(j) || ld_json_is_object(j)) ? (size_t)cJSON_GetArraySize(j) : 0;
}

ld_json *ld_json_at(const ld_json *arr, size_t i)
{
	ld_json *c = ld_json_first(arr);
	while (c && i--)
		c = c->next;
	return c;
}

ld_json *ld_json_first(const ld_json *j)
{
	return (ld_json_is_array(j) || ld_json_is_object(j)) ? j->child : NULL;
}

ld_json *ld_json_next(const ld_json *j)
{
	return j ? j->next : NULL;
}

const char *ld_json_key(const ld_json *member)
{
	return member ? member->string : NULL;
}

ld_json *ld_json_new_object(void) { return cJSON_CreateObject(); }
ld_json *ld_json_new_array(void) { return cJSON_CreateArray(); }
ld_json *ld_json_new_string(const char *s) { return cJSON_CreateString(s); }
ld_json *ld_json_new_number(double n) { return cJSON_CreateNumber(n); }
ld_json *ld_json_new_bool(bool b) { return cJSON_CreateBool(b); }
ld_json *ld_json_new_null(void) { return cJSON_CreateNull(); }
ld_json *ld_json_dup(const ld_json *j) { return cJSON_Duplicate(j, 1); }

int ld_json_add(ld_json *obj, const char *key, ld_json *item)
{
	if (!item || !cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return ld_error_oom();
	}
	return 0;
}

int ld_json_add_str(ld_json *obj, const char *key, const char *s)
{
	return ld_json_add(obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

int ld_json_add_num(ld_json *obj, const char *key, double n)
{
	return ld_json_add(obj, key, cJSON_CreateNumber(n));
}

int ld_json_add_bool(ld_json *obj, const char *key, bool b)
{
	return ld_json_add(obj, key, cJSON_CreateBool(b));
}

int ld_json_append(ld_json *arr, ld_json *item)
{
	if (!item || !cJSON_AddItemToArray(arr, item)) {
		cJSON_Delete(item);
		return ld_error_oom();
	}
	return 0;
}

int ld_json_add_strings(ld_json *obj, const char *key, char *const *items, size_t n)
{
	ld_json *arr = cJSON_CreateArray();
	int error = arr ? 0 : ld_error_oom();

	for (size_t i = 0; i < n && error == 0; i++)
		error = ld_json_append(arr, cJSON_CreateString(items[i]));
	if (error < 0) {
		cJSON_Delete(arr);
		return error;
	}
	return ld_json_add(obj, key, arr);
}

void ld_json_remove(ld_json *obj, const char *key)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
}

static void indent(ld_buf *out, int depth)
{
	for (int i = 0; i < depth; i++)
		ld_buf_puts(out, "  ");
}

/* Pretty printing as people and diff tools expect it: two-space indent, "key": value, one
 * array item per line, [] and {} when empty. */
static int write_pretty(ld_buf *out, const ld_json *j, int depth)
{
	bool obj = ld_json_is_object(j);
	const ld_json *c = ld_json_first(j);

	if (!obj && !ld_json_is_array(j))
		return ld_json_write(out, j, false);
	if (!c)
		return ld_buf_puts(out, obj ? "{}" : "[]");
	ld_buf_putc(out, obj ? '{' : '[');
	for (; c; c = ld_json_next(c)) {
		ld_buf_putc(out, '\n');
		indent(out, depth + 1);
		if (obj) {
			ld_json_quote(out, ld_json_key(c));
			ld_buf_puts(out, ": ");
		}
		if (write_pretty(out, c, depth + 1) < 0)
			return out->error;
		if (ld_json_next(c))
			ld_buf_putc(out, ',');
	}
	ld_buf_putc(out, '\n');
	indent(out, depth);
	return ld_buf_putc(out, obj ? '}' : ']');
}

int ld_json_write(ld_buf *out, const ld_json *j, bool pretty)
{
	char *s;
	int error;

	if (pretty)
		return write_pretty(out, j, 0);
	if (!(s = cJSON_PrintUnformatted(j)))
		return ld_error_oom();
	error = ld_buf_puts(out, s);
	free(s);
	return error;
}

int ld_json_quote(ld_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	ld_buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': ld_buf_puts(out, "\\\""); break;
		case '\\': ld_buf_puts(out, "\\\\"); break;
		case '\n': ld_buf_puts(out, "\\n"); break;
		case '\r': ld_buf_puts(out, "\\r"); break;
		case '\t': ld_buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20) {
				char esc[7] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0 };
				ld_buf_puts(out, esc);
			} else {
				ld_buf_putc(out, (char)*p);
			}
		}
	}
	return ld_buf_putc(out, '"');
}

/* Sorted, so an object of many members costs n log n; without memory, pairwise. */
static const char *object_duplicate(const cJSON *obj, size_t n)
{
	const char **keys = n > 16 ? malloc(n * sizeof(*keys)) : NULL;
	const char *dup = NULL;
	size_t i = 0;

	if (!keys) {
		for (const cJSON *a = obj->child; a && !dup; a = a->next)
			for (const cJSON *b = a->next; b && !dup; b = b->next)
				if (!strcmp(a->string, b->string))
					dup = a->string;
		return dup;
	}
	for (const cJSON *m = obj->child; m; m = m->next)
		keys[i++] = m->string;
	qsort(keys, n, sizeof(*keys), ld_strcmp_ptrs);
	for (i = 1; i < n && !dup; i++)
		if (!strcmp(keys[i - 1], keys[i]))
			dup = keys[i];
	free(keys);
	return dup;
}

const char *ld_json_duplicate_key(const ld_json *j)
{
	const char *dup = NULL;

	if (!j || !(cJSON_IsObject(j) || cJSON_IsArray(j)))
		return NULL;
	if (cJSON_IsObject(j) && ld_json_size(j) > 1 &&
	    (dup = object_duplicate(j, ld_json_size(j))))
		return dup;
	for (const cJSON *c = j->child; c && !dup; c = c->next)
		dup = ld_json_duplicate_key(c);
	return dup;
}

static int cmp_members(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static int canonical_object(ld_buf *out, const ld_json *j)
{
	size_t n = ld_json_size(j), i = 0;
	const cJSON **members;
	int error = 0;

	if (!n)
		return ld_buf_puts(out, "{}");
	if (!(members = calloc(n, sizeof(*members))))
		return ld_error_oom();
	for (const cJSON *c = j->child; c; c = c->next)
		members[i++] = c;
	qsort(members, n, sizeof(*members), cmp_members);
	ld_buf_putc(out, '{');
	for (i = 0; i < n && error == 0; i++) {
		if (i)
			ld_buf_putc(out, ',');
		ld_json_quote(out, members[i]->string);
		ld_buf_putc(out, ':');
		error = ld_json_canonical(out, members[i]);
	}
	free(members);
	return error < 0 ? error : ld_buf_putc(out, '}');
}

/* Integers (exact in a double) without a fraction; anything else in the fewest significant
 * digits, 15 to 17, that read back as the same double: 0.1, not 0.10000000000000001.
 * JSON has no NaN or infinity; like cJSON, they become null. */
static int canonical_number(ld_buf *out, double d)
{
	char s[40];

	if (!isfinite(d))
		return ld_buf_puts(out, "null");
	if (d == floor(d) && fabs(d) < 9007199254740992.0)
		return ld_buf_printf(out, "%.0f", d);
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(s, sizeof(s), "%.*g", digits, d);
		if (strtod(s, NULL) == d)
			break;
	}
	return ld_buf_puts(out, s);
}

int ld_json_canonical(ld_buf *out, const ld_json *j)
{
	int error = 0;

	if (!j || cJSON_IsNull(j))
		return ld_buf_puts(out, "null");
	if (cJSON_IsBool(j))
		return ld_buf_puts(out, cJSON_IsTrue(j) ? "true" : "false");
	if (cJSON_IsString(j))
		return ld_json_quote(out, j->valuestring);
	if (cJSON_IsNumber(j))
		return canonical_number(out, j->valuedouble);
	if (cJSON_IsObject(j))
		return canonical_object(out, j);
	ld_buf_putc(out, '[');
	for (const cJSON *c = j->child; c && error == 0; c = c->next) {
		if (c != j->child)
			ld_buf_putc(out, ',');
		error = ld_json_canonical(out, c);
	}
	return error < 0 ? error : ld_buf_putc(out, ']');
}
