/* The arena (src/util/arena.c): alignment, big pieces, interning, joining two arenas. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "util/arena.h"

static void test_arena__alignment_holds(void)
{
	struct ld_arena *a = ld_arena_new();

	LD_REQUIRE(a != NULL);
	for (int i = 0; i < 100; i++) {
		char *c = ld_arena_alloc(a, 3, 1);
		void *p = ld_arena_alloc(a, 40, _Alignof(max_align_t));
		LD_REQUIRE(c && p);
		LD_CHECK((uintptr_t)p % _Alignof(max_align_t) == 0);
	}
	ld_arena_free(a);
}

static void test_arena__big_piece_keeps_the_block_filling(void)
{
	struct ld_arena *a = ld_arena_new();
	char *small1, *big, *small2;

	LD_REQUIRE(a != NULL);
	small1 = ld_arena_strdup(a, "one", 3);
	big = ld_arena_alloc(a, 1024 * 1024, 1);
	small2 = ld_arena_strdup(a, "two", 3);
	LD_REQUIRE(small1 && big && small2);
	memset(big, 'x', 1024 * 1024);
	LD_CHECK(small2 == small1 + 4); /* the same block, right after "one\0" */
	LD_CHECK_STR(small1, "one");
	LD_CHECK_STR(small2, "two");
	ld_arena_free(a);
}

static void test_arena__intern_and_join(void)
{
	struct ld_arena *a = ld_arena_new(), *b = ld_arena_new();
	const char *x = NULL, *y = NULL, *z = NULL, *n = "set";
	char name[32];

	LD_REQUIRE(a && b);
	LD_CHECK(ld_arena_intern(a, "python3.12", &x) == 0);
	LD_CHECK(ld_arena_intern(a, "python3.12", &y) == 0);
	LD_CHECK(x == y);
	LD_CHECK(ld_arena_intern(a, NULL, &n) == 0 && n == NULL);
	for (int i = 0; i < 5000; i++) { /* past the first table size */
		snprintf(name, sizeof(name), "s%d", i);
		LD_REQUIRE(ld_arena_intern(a, name, &z) == 0);
	}
	LD_CHECK(ld_arena_intern(a, "python3.12", &y) == 0 && y == x);
	z = ld_arena_strdup(b, "from b", 6);
	ld_arena_join(a, b); /* b's pieces now live (and die) with a */
	LD_CHECK_STR(z, "from b");
	ld_arena_free(a);
	ld_arena_free(NULL);
}

const ld_test ld_tests[] = {
	LD_TEST(test_arena__alignment_holds),
	LD_TEST(test_arena__big_piece_keeps_the_block_filling),
	LD_TEST(test_arena__intern_and_join),
	{ NULL, NULL },
};
