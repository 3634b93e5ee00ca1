/*
 * The one wrapper around cJSON: no other file includes <cjson/cJSON.h>. An ld_json is a
 * node of a parsed or built document; only the root returned by ld_json_parse() or an
 * ld_json_new_*() call is freed, with ld_json_free(). Getters return borrowed pointers that
 * live as long as the root. Documents larger than LD_JSON_MAX_DEPTH levels are refused.
 */
#ifndef LD_UTIL_JSON_H
#define LD_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/buf.h"

typedef struct cJSON ld_json;

/** Parse `len` bytes. @return 0, or LD_EINVALID with a message naming `what` ("malformed
 *  JSON in <what> near byte N", and ": it ends early ..." when the text is cut short) */
int ld_json_parse(ld_json **out, const char *text, size_t len, const char *what);
/** The error for a document of `what` that stops before its last value is closed, at byte
 *  `at` (a truncated write or download). @return LD_EINVALID */
int ld_json_ends_early(const char *what, size_t at);
void ld_json_free(ld_json *json);

/* Type tests; all accept NULL and then return false. */
bool ld_json_is_object(const ld_json *j);
bool ld_json_is_array(const ld_json *j);
bool ld_json_is_string(const ld_json *j);
bool ld_json_is_number(const ld_json *j);
bool ld_json_is_bool(const ld_json *j);
bool ld_json_is_null(const ld_json *j);
bool ld_json_is_true(const ld_json *j);

/** Member `key` of an object (case-sensitive), or NULL. */
ld_json *ld_json_get(const ld_json *obj, const char *key);
/** String member, or NULL when absent or not a string. */
const char *ld_json_get_str(const ld_json *obj, const char *key);
/** Number member into *out; false when absent or not a number. */
bool ld_json_get_num(const ld_json *obj, const char *key, double *out);
/** String value of this node, or NULL. */
const char *ld_json_str(const ld_json *j);
double ld_json_num(const ld_json *j);

/* Arrays and objects: children in document order. */
size_t ld_json_size(const ld_json *j);
ld_json *ld_json_at(const ld_json *arr, size_t i);
ld_json *ld_json_first(const ld_json *j);
ld_json *ld_json_next(const ld_json *j);
/** Key of an object member. */
const char *ld_json_key(const ld_json *member);
/** The first key that appears twice in one object anywhere in `j` (depth first), or NULL.
 *  Readers disagree on which of two counts (cJSON takes the first, jq the last), so a
 *  document that must mean one thing refuses them. Borrowed from `j`. */
const char *ld_json_duplicate_key(const ld_json *j);

/* Building. Adders take ownership of `item`; all return 0 or LD_ERROR (no memory). */
ld_json *ld_json_new_object(void);
ld_json *ld_json_new_array(void);
ld_json *ld_json_new_string(const char *s);
ld_json *ld_json_new_number(double n);
ld_json *ld_json_new_bool(bool b);
ld_json *ld_json_new_null(void);
ld_json *ld_json_dup(const ld_json *j);
int ld_json_add(ld_json *obj, const char *key, ld_json *item);
int ld_json_add_str(ld_json *obj, const char *key, const char *s); /* s NULL adds null */
int ld_json_add_num(ld_json *obj, const char *key, double n);
int ld_json_add_bool(ld_json *obj, const char *key, bool b);
int ld_json_append(ld_json *arr, ld_json *item);
/** Add member `key`: an array of the `n` strings of `items` (none NULL). */
int ld_json_add_strings(ld_json *obj, const char *key, char *const *items, size_t n);
/** Remove and free member `key` if present. */
void ld_json_remove(ld_json *obj, const char *key);

/** Serialise: pretty (2-space indent) or compact. Appends to `out`. */
int ld_json_write(ld_buf *out, const ld_json *j, bool pretty);
/** Canonical compact form: object keys sorted bytewise, numbers in shortest form.
 *  Equal values give equal bytes; used for digests. */
int ld_json_canonical(ld_buf *out, const ld_json *j);
/** Append `s` as a JSON string literal (quoted, escaped). */
int ld_json_quote(ld_buf *out, const char *s);

#endif
