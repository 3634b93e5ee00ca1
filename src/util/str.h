/*
 * Small string helpers the modules share (private to the library). Nothing here keeps
 * state; ld_dup_or_null's copy belongs to the caller (free()).
 */
#ifndef LD_UTIL_STR_H
#define LD_UTIL_STR_H

#include <stdbool.h>

/** A space, tab, line break, form feed or vertical tab (C locale isspace, without locale). */
bool ld_is_blank(char c);

/** 64 lowercase hex digits and nothing else: a SHA-256 as lambdrift writes it (NULL: false). */
bool ld_is_hex64(const char *s);

/** *out = a copy of s, or NULL when s is NULL. @return 0, or LD_ERROR without memory */
int ld_dup_or_null(char **out, const char *s);

/** qsort/bsearch comparator of `char *` elements: bytewise, as strcmp. */
int ld_strcmp_ptrs(const void *a, const void *b);

#endif
