/*
 * Array growth (private to the library), in the spirit of libgit2's git_array: one place
 * that grows a heap array geometrically, checks the size for overflow and records out of
 * memory. The caller owns the array and frees it with free(); a failed growth leaves it as
 * it was.
 *
 * Capacities are powers of two (at least LD_ARRAY_MIN), so an array whose struct holds only
 * a count can derive its capacity from the count (ld_array_grow), and one with a capacity
 * field keeps it (ld_array_reserve). Both take the array lvalue, not its address.
 */
#ifndef LD_UTIL_ARRAY_H
#define LD_UTIL_ARRAY_H

#include <stddef.h>

#define LD_ARRAY_MIN 4

/**
 * Room for at least `need` elements in `arr` (a T * lvalue) whose capacity is `cap` (a
 * size_t lvalue, updated when the array moves).
 * @return 0, or LD_ERROR without memory (recorded)
 */
#define ld_array_reserve(arr, cap, need) \
	ld_array_reserve_(&(arr), &(cap), (need), sizeof(*(arr)))

/**
 * Room for `add` more elements after the first `count` of `arr` (a T * lvalue), for
 * arrays that were only ever grown by this header, so their capacity follows from count.
 * @return 0, or LD_ERROR without memory (recorded)
 */
#define ld_array_grow(arr, count, add) \
	ld_array_grow_(&(arr), (count), (add), sizeof(*(arr)))

int ld_array_reserve_(void *arrp, size_t *cap, size_t need, size_t elem);
int ld_array_grow_(void *arrp, size_t count, size_t add, size_t elem);

/** The capacity an array of `count` elements grown by this header has (0 for none). */
size_t ld_array_capacity(size_t count);

#endif
