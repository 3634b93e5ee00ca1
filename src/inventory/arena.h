/*
 * The inventory's arena (private to the library): where slim functions' versions and
 * listings live (slim.c), so an estate of hundreds of thousands of versions costs no
 * per-string malloc. An arena owns everything carved from it; nothing is freed one by one.
 * ld_arena_new() makes one, ld_arena_free() (NULL accepted) frees it with all its pieces,
 * and an inventory's arena goes with it (inventory.c frees it and hands it on in a merge).
 */
#ifndef LD_INVENTORY_ARENA_H
#define LD_INVENTORY_ARENA_H

#include <stddef.h>

#include "lambdrift/inventory.h"

/** An empty arena; NULL without memory (no error recorded). */
struct ld_arena *ld_arena_new(void);
/** Free an arena and everything in it; accepts NULL. */
void ld_arena_free(struct ld_arena *a);
/** Hand src's arena to dst (joined to dst's own); src has none afterwards. */
void ld_arena_adopt(ld_inventory *dst, ld_inventory *src);

/** `n` bytes aligned to `align` (a power of two); NULL without memory (error recorded). */
void *ld_arena_alloc(struct ld_arena *a, size_t n, size_t align);
/** A NUL-terminated copy of s[0..len); NULL without memory. */
char *ld_arena_strdup(struct ld_arena *a, const char *s, size_t len);
/** One copy of `s` per arena (NULL stays NULL). @return 0, or LD_ERROR without memory */
int ld_arena_intern(struct ld_arena *a, const char *s, const char **out);

#endif
