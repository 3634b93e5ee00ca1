/*
 * The streaming splitter (json_split.h). One pass over the bytes with a small state machine:
 * what the next token may be, whether it is inside a string (and after a backslash) or a
 * bare token (number or literal), and a stack of open brackets to check that each closes
 * what it should. Pieces are copied out of the read chunk as spans, not byte by byte.
 * Like cJSON (util/json.c), bytes from 1 to 32 count as white space, a UTF-8 byte order
 * mark is skipped and whatever follows the first value is ignored; a NUL byte, which cJSON
 * takes for the end of the text or of a string, is malformed; the contents of strings,
 * numbers and literals are left to the parser each piece goes to.
 */
#include <stdlib.h>
#include <string.h>

#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/json.h"
#include "util/json_split.h"

#define CHUNK 65536
#define MAX_DEPTH 1000 /* cJSON's nesting limit */
#define MAX_KEY 4096

typedef enum { E_VALUE, E_VALUE_OR_CLOSE, E_KEY_OR_CLOSE, E_KEY, E_COLON, E_COMMA_OR_CLOSE, E_END } expect;
typedef enum { CAP_NONE, CAP_KEY, CAP_MEMBER, CAP_ELEMENT, CAP_TOP } capture;

typedef struct {
	ld_split *s;
	const char *what;
	char stack[MAX_DEPTH];
	size_t depth;
	expect next;
	bool in_string, escape, in_bare, key_string, splitting;
	capture cap;
	size_t cap_depth, cap_at, span, index;
	ld_buf piece;
	char *key; /* the current top-level key, decoded */
	const char *chunk;
	size_t base; /* file offset of chunk[0] */
} scan;

static int malformed(const scan *sc, size_t at)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu", sc->what,
			     at);
}

/* A NUL byte before the end of the first value: cJSON would stop there, reading a string
 * or the document cut short as if whole. */
static int nul_byte(const scan *sc, size_t at)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_JSON, "malformed JSON in %s near byte %zu: a NUL "
			     "byte", sc->what, at);
}

static bool is_bare(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '+' || c == '-' || c == '.';
}

static bool is_split_key(const scan *sc)
{
	for (size_t i = 0; sc->key && i < sc->s->nsplit; i++)
		if (!strcmp(sc->key, sc->s->split_keys[i]))
			return true;
	return false;
}

static int too_large(const scan *sc)
{
	size_t mib = sc->s->max_piece >> 20;

	if (sc->cap == CAP_ELEMENT)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s[%zu]: larger than %zu MiB",
				     sc->what, sc->key, sc->index, mib);
	if (sc->cap == CAP_MEMBER)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s: larger than %zu MiB",
				     sc->what, sc->key, mib);
	return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: a member name or value is larger "
			     "than %zu MiB; not an inventory snapshot", sc->what, mib);
}

/* Copy the captured bytes of this chunk up to `end` (exclusive). */
static int keep_span(scan *sc, size_t end)
{
	if (end > sc->span && ld_buf_put(&sc->piece, sc->chunk + sc->span, end - sc->span) < 0)
		return sc->piece.error == LD_ELIMIT ? too_large(sc) : sc->piece.error;
	sc->span = end;
	return 0;
}

static void start_capture(scan *sc, capture cap, size_t i)
{
	ld_buf_clear(&sc->piece);
	sc->cap = cap;
	sc->cap_depth = sc->depth;
	sc->cap_at = sc->base + i;
	sc->span = i;
}

static int end_key(scan *sc)
{
	ld_json *j = NULL;
	int error;

	if ((error = ld_json_parse(&j, sc->piece.ptr, sc->piece.size, sc->what)) < 0)
		return malformed(sc, sc->cap_at);
	free(sc->key);
	sc->key = strdup(ld_json_str(j));
	ld_json_free(j);
	return sc->key ? 0 : ld_error_oom();
}

/* A capture that began at this depth is complete at `end` (exclusive). */
static int end_capture(scan *sc, size_t end)
{
	ld_split *s = sc->s;
	capture cap = sc->cap;
	int error;

	if ((error = keep_span(sc, end)) < 0)
		return error;
	sc->cap = CAP_NONE;
	switch (cap) {
	case CAP_KEY: return end_key(sc);
	case CAP_MEMBER: return s->member(s->ctx, sc->key, sc->piece.ptr, sc->piece.size, sc->cap_at);
	case CAP_ELEMENT:
		return s->element(s->ctx, sc->key, sc->index++, sc->piece.ptr, sc->piece.size,
				  sc->cap_at);
	default: return 0; /* CAP_TOP: judged at the end */
	}
}

/* A value (or key) is complete at `end`; the depth is the one it was opened at. */
static int value_done(scan *sc, size_t end, bool key)
{
	int error;

	if (sc->cap != CAP_NONE && sc->depth == sc->cap_depth && (error = end_capture(sc, end)) < 0)
		return error;
	sc->next = key ? E_COLON : sc->depth == 0 ? E_END : E_COMMA_OR_CLOSE;
	return 0;
}

static int open_value(scan *sc, unsigned char c, size_t i)
{
	ld_split *s = sc->s;
	int error;

	if (sc->depth == 0 && c != '{') {
		s->not_object = true;
		start_capture(sc, CAP_TOP, i);
	} else if (sc->depth == 1 && sc->cap == CAP_NONE) {
		if (c == '[' && is_split_key(sc)) {
			sc->splitting = true;
			sc->index = 0;
			if ((error = s->array(s->ctx, sc->key, true)) < 0)
				return error;
		} else {
			start_capture(sc, CAP_MEMBER, i);
		}
	} else if (sc->depth == 2 && sc->splitting && sc->cap == CAP_NONE) {
		start_capture(sc, CAP_ELEMENT, i);
	}
	if (c == '{' || c == '[') {
		if (sc->depth == MAX_DEPTH)
			return malformed(sc, sc->base + i);
		sc->stack[sc->depth++] = (char)c;
		sc->next = c == '{' ? E_KEY_OR_CLOSE : E_VALUE_OR_CLOSE;
	} else if (c == '"') {
		sc->in_string = true;
		sc->key_string = false;
	} else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
		sc->in_bare = true;
	} else {
		return malformed(sc, sc->base + i);
	}
	return 0;
}

static int close_container(scan *sc, unsigned char c, size_t i)
{
	char open = c == '}' ? '{' : '[';
	ld_split *s = sc->s;
	int error;

	if (!sc->depth || sc->stack[sc->depth - 1] != open)
		return malformed(sc, sc->base + i);
	sc->depth--;
	if (sc->depth == 1 && sc->splitting && sc->cap == CAP_NONE) {
		sc->splitting = false;
		if ((error = s->array(s->ctx, sc->key, false)) < 0)
			return error;
	}
	return value_done(sc, i + 1, false);
}

static int structural(scan *sc, unsigned char c, size_t i)
{
	switch (sc->next) {
	case E_VALUE_OR_CLOSE:
		if (c == ']')
			return close_container(sc, c, i);
		return open_value(sc, c, i);
	case E_VALUE:
		return open_value(sc, c, i);
	case E_KEY_OR_CLOSE:
		if (c == '}')
			return close_container(sc, c, i);
		/* fall through */
	case E_KEY:
		if (c != '"')
			return malformed(sc, sc->base + i);
		if (sc->depth == 1)
			start_capture(sc, CAP_KEY, i);
		sc->in_string = true;
		sc->key_string = true;
		return 0;
	case E_COLON:
		if (c != ':')
			return malformed(sc, sc->base + i);
		sc->next = E_VALUE;
		return 0;
	case E_COMMA_OR_CLOSE:
		if (c == ',') {
			sc->next = sc->stack[sc->depth - 1] == '{' ? E_KEY : E_VALUE;
			return 0;
		}
		if (c == '}' || c == ']')
			return close_container(sc, c, i);
		return malformed(sc, sc->base + i);
	default:
		return 0;
	}
}

/* One chunk; stops early (and sets E_END) once the first value is complete. */
static int scan_chunk(scan *sc, const char *chunk, size_t n)
{
	size_t i = 0;
	int error = 0;

	sc->chunk = chunk;
	sc->span = 0;
	if (sc->base == 0 && n >= 3 && !memcmp(chunk, "\xEF\xBB\xBF", 3))
		i = 3;
	for (; i < n && sc->next != E_END; i++) {
		unsigned char c = (unsigned char)chunk[i];

		if (sc->in_string) {
			const char *q;
			if (sc->escape) {
				sc->escape = false;
				if (!c)
					return nul_byte(sc, sc->base + i);
				continue;
			}
			/* most bytes of a snapshot are inside strings: jump to the next quote or
			 * backslash */
			for (q = chunk + i; q < chunk + n && *q != '"' && *q != '\\' && *q; q++)
				;
			i = (size_t)(q - chunk);
			if (i == n)
				break;
			if (!*q)
				return nul_byte(sc, sc->base + i);
			if (*q == '\\') {
				sc->escape = true;
				continue;
			}
			sc->in_string = false;
			if ((error = value_done(sc, i + 1, sc->key_string)) < 0)
				return error;
			continue;
		}
		if (sc->in_bare) {
			if (is_bare(c))
				continue;
			sc->in_bare = false;
			if ((error = value_done(sc, i, false)) < 0)
				return error;
			if (sc->next == E_END)
				break;
		}
		if (c == 0)
			return nul_byte(sc, sc->base + i);
		if (c <= 32)
			continue;
		if ((error = structural(sc, c, i)) < 0)
			return error;
	}
	if (sc->cap != CAP_NONE && (error = keep_span(sc, i < n ? i : n)) < 0)
		return error;
	sc->span = 0;
	return 0;
}

static int finish(scan *sc)
{
	ld_json *j = NULL;
	int error;

	if (sc->in_bare && sc->depth == 0) {
		sc->in_bare = false;
		if ((error = value_done(sc, 0, false)) < 0)
			return error;
	}
	if (sc->next != E_END) /* cut short: where cJSON gives up, at the last byte */
		return ld_json_ends_early(sc->what, sc->base ? sc->base - 1 : 0);
	if (!sc->s->not_object)
		return 0;
	/* not an object: still tell malformed from merely the wrong kind of document */
	if ((error = ld_json_parse(&j, sc->piece.ptr, sc->piece.size, sc->what)) < 0)
		return error;
	ld_json_free(j);
	return 0;
}

int ld_split_object(FILE *f, const char *what, ld_split *s)
{
	char *chunk = malloc(CHUNK);
	scan sc;
	size_t n;
	int error = 0;

	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	sc.what = what;
	sc.next = E_VALUE;
	ld_buf_init(&sc.piece, s->max_piece);
	s->not_object = false;
	if (!chunk)
		return ld_error_oom();
	while (error == 0 && sc.next != E_END && (n = fread(chunk, 1, CHUNK, f)) > 0) {
		if (sc.base + n > s->max_file) {
			error = ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
					      "%s: larger than %zu MiB; not an inventory snapshot", what,
					      s->max_file >> 20);
			break;
		}
		error = scan_chunk(&sc, chunk, n);
		sc.base += n;
	}
	if (error == 0 && ferror(f))
		error = ld_error_setc(LD_EUSAGE, LD_ERR_INVENTORY, "%s: read error", what);
	if (error == 0)
		error = finish(&sc);
	free(chunk);
	free(sc.key);
	ld_buf_dispose(&sc.piece);
	return error;
}
