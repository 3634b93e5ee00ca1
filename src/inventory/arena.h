/*
 * The inventory's use of the arena (util/arena.h, private to the library): slim functions'
 * versions and listings live in it (slim.c), and an inventory's arena goes with it
 * (inventory.c frees it and hands it on in a merge).
 */
#ifndef LD_INVENTORY_ARENA_H
#define LD_INVENTORY_ARENA_H

#include "lambdrift/inventory.h"
#include "util/arena.h"

/** Hand src's arena to dst (joined to dst's own); src has none afterwards. */
void ld_arena_adopt(ld_inventory *dst, ld_inventory *src);

#endif
