/* An inventory's arena handed on in a merge (arena.h); the arena itself is util/arena.c. */
#include "inventory/arena.h"

void ld_arena_adopt(ld_inventory *dst, ld_inventory *src)
{
	if (!src->arena)
		return;
	if (!dst->arena)
		dst->arena = src->arena;
	else
		ld_arena_join(dst->arena, src->arena);
	src->arena = NULL;
}
