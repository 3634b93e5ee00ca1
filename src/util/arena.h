/*
 * A region allocator (private to the library): large blocks carved without per-piece malloc
 * overhead, for data that lives and dies together (an inventory's slim versions, an OSV
 * database's records). An arena owns everything carved from it; nothing is freed one by
 * one. ld_arena_new() makes one and ld_arena_free() (NULL accepted) frees it with all its
 * pieces; ld_arena_join() moves one arena's pieces into another.
 */
#ifndef LD_UTIL_ARENA_H
#define LD_UTIL_ARENA_H

#include <stddef.h>

struct ld_arena;

/** An empty arena; NULL without memory (no error recorded). */
struct ld_arena *ld_arena_new(void);
/** Free an arena and everything in it; accepts NULL. */
void ld_arena_free(struct ld_arena *a);
/** Move every piece of `src` into `dst` (dst keeps filling its own block) and free `src`. */
void ld_arena_join(struct ld_arena *dst, struct ld_arena *src);

/** `n` bytes aligned to `align` (a power of two, at most _Alignof(max_align_t)); NULL
 *  without memory (error recorded). */
void *ld_arena_alloc(struct ld_arena *a, size_t n, size_t align);
/** A NUL-terminated copy of s[0..len); NULL without memory (error recorded). */
char *ld_arena_strdup(struct ld_arena *a, const char *s, size_t len);
/** One copy of `s` per arena (NULL stays NULL). @return 0, or LD_ERROR without memory */
int ld_arena_intern(struct ld_arena *a, const char *s, const char **out);

#endif
