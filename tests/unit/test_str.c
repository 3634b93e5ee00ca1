/* String helpers (src/util/str.c): blanks, SHA-256 hex, copies of optional strings. */
#include <stdlib.h>

#include "harness.h"
#include "util/str.h"

static void test_str__blank(void)
{
	const char *yes = " \t\n\r\f\v", *no = "a0_-\x01";

	for (const char *p = yes; *p; p++)
		LD_CHECK(ld_is_blank(*p));
	for (const char *p = no; *p; p++)
		LD_CHECK(!ld_is_blank(*p));
	LD_CHECK(!ld_is_blank('\0'));
}

static void test_str__hex64(void)
{
	const char *ok = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

	LD_CHECK(ld_is_hex64(ok));
	LD_CHECK(!ld_is_hex64(NULL));
	LD_CHECK(!ld_is_hex64(""));
	LD_CHECK(!ld_is_hex64("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"));
	LD_CHECK(!ld_is_hex64("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
	LD_CHECK(!ld_is_hex64("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
}

static void test_str__dup_or_null(void)
{
	char *out = (char *)"unset";

	LD_CHECK_INT(ld_dup_or_null(&out, NULL), 0);
	LD_CHECK(out == NULL);
	LD_CHECK_INT(ld_dup_or_null(&out, "x"), 0);
	LD_CHECK_STR(out, "x");
	free(out);
}

const ld_test ld_tests[] = {
	LD_TEST(test_str__blank),
	LD_TEST(test_str__hex64),
	LD_TEST(test_str__dup_or_null),
	{ NULL, NULL },
};
