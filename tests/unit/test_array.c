/* Array growth (src/util/array.c): powers of two, implied capacities, overflow refused. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "util/array.h"

static void test_array__capacity_is_a_power_of_two(void)
{
	LD_CHECK_INT(ld_array_capacity(0), 0);
	LD_CHECK_INT(ld_array_capacity(1), LD_ARRAY_MIN);
	LD_CHECK_INT(ld_array_capacity(4), 4);
	LD_CHECK_INT(ld_array_capacity(5), 8);
	LD_CHECK_INT(ld_array_capacity(1000), 1024);
}

static void test_array__reserve_keeps_contents(void)
{
	int *a = NULL;
	size_t cap = 0, n = 0;

	for (int i = 0; i < 1000; i++) {
		LD_REQUIRE(ld_array_reserve(a, cap, n + 1) == 0);
		a[n++] = i;
	}
	LD_CHECK_INT(cap, 1024);
	for (int i = 0; i < 1000; i++)
		LD_CHECK_INT(a[i], i);
	LD_CHECK(ld_array_reserve(a, cap, 10) == 0); /* never shrinks */
	LD_CHECK_INT(cap, 1024);
	free(a);
}

static void test_array__grow_derives_capacity_from_count(void)
{
	char **a = NULL;
	size_t n = 0;

	for (size_t i = 0; i < 300; i++) {
		LD_REQUIRE(ld_array_grow(a, n, 1) == 0);
		a[n++] = (char *)"x";
	}
	LD_REQUIRE(ld_array_grow(a, n, 200) == 0); /* several at once */
	for (size_t i = 0; i < 200; i++)
		a[n++] = (char *)"y";
	LD_CHECK_STR(a[0], "x");
	LD_CHECK_STR(a[499], "y");
	free(a);
}

static void test_array__overflow_is_refused(void)
{
	uint64_t *a = NULL;
	size_t cap = 0;

	LD_CHECK(ld_array_reserve(a, cap, SIZE_MAX / 4) < 0);
	LD_CHECK(a == NULL);
	LD_CHECK_INT(cap, 0);
	LD_CHECK(ld_array_grow(a, SIZE_MAX - 1, 2) < 0);
}

const ld_test ld_tests[] = {
	LD_TEST(test_array__capacity_is_a_power_of_two),
	LD_TEST(test_array__reserve_keeps_contents),
	LD_TEST(test_array__grow_derives_capacity_from_count),
	LD_TEST(test_array__overflow_is_refused),
	{ NULL, NULL },
};
