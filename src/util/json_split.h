/*
 * A streaming splitter for one large JSON object (private to the library; the snapshot
 * reader inventory/snapshot.c uses it): reads a FILE in bounded chunks, checks the
 * structure of the top level (braces, brackets, commas, colons, strings and their escapes),
 * and hands out one piece at a time: each top-level member's value as text, except for the
 * members named in `split_keys` whose value is an array: those arrive one element at a
 * time. Every piece is parsed by the caller (util/json.h), which judges what the splitter
 * does not (numbers, literals, escapes, nesting inside a piece), so memory is bounded by
 * the largest piece, never by the file.
 */
#ifndef LD_UTIL_JSON_SPLIT_H
#define LD_UTIL_JSON_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct {
	const char *const *split_keys; /* members whose array value is split into elements */
	size_t nsplit;
	size_t max_piece;  /* most bytes one piece (or one key) may have */
	size_t max_file;   /* most bytes read before giving up */
	void *ctx;
	/** A member's value (or a split member's value that is not an array). `at` is the file
	 *  offset of the value. */
	int (*member)(void *ctx, const char *key, const char *text, size_t len, size_t at);
	/** A split member's array opens (begin) or closes. */
	int (*array)(void *ctx, const char *key, bool begin);
	/** One element of a split member's array, `index` from 0. */
	int (*element)(void *ctx, const char *key, size_t index, const char *text, size_t len,
		       size_t at);
	/* Out: the document is valid structure but not an object (nothing was handed out). */
	bool not_object;
} ld_split;

/**
 * Read `f` to the end of its first JSON value. Keys are decoded (escapes resolved).
 * @return 0; LD_EINVALID ("malformed JSON in <what> near byte N") for broken structure or a
 *         key that does not parse; LD_EINVALID naming the piece when it is larger than
 *         max_piece, or the file past max_file; LD_EUSAGE on a read error; or what a
 *         callback returned (it stops the split)
 */
int ld_split_object(FILE *f, const char *what, ld_split *s);

#endif
