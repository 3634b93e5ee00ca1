/*
 * Minimal unit-test harness. A test file defines its cases and a NULL-terminated table:
 *
 *   static void test_buf__append(void) { LD_CHECK(...); }
 *   const ld_test ld_tests[] = { LD_TEST(test_buf__append), { NULL, NULL } };
 *
 * harness.c's main() runs each case (or those whose name contains argv[1]) and exits
 * non-zero if any check failed. LD_CHECK records and continues; LD_REQUIRE returns. It also
 * holds the few fixtures several test files share (the moto ListFunctions inventory).
 */
#ifndef LD_TEST_HARNESS_H
#define LD_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lambdrift/inventory.h"

typedef struct {
	const char *name;
	void (*fn)(void);
} ld_test;

extern const ld_test ld_tests[];
extern int ld_test_failures;

void ld_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define LD_TEST(fn) { #fn, fn }

#define LD_CHECK(cond) \
	do { if (!(cond)) ld_test_fail(__FILE__, __LINE__, "check failed: %s", #cond); } while (0)
#define LD_REQUIRE(cond) \
	do { if (!(cond)) { ld_test_fail(__FILE__, __LINE__, "required: %s", #cond); return; } } while (0)
#define LD_CHECK_STR(a, b) \
	do { const char *a_ = (a), *b_ = (b); \
	     if (!a_ || !b_ || strcmp(a_, b_)) \
		ld_test_fail(__FILE__, __LINE__, "%s == %s\n  got:      %s\n  expected: %s", \
			     #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
#define LD_CHECK_INT(a, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); \
	     if (a_ != b_) ld_test_fail(__FILE__, __LINE__, "%s == %s: got %lld, expected %lld", \
					#a, #b, a_, b_); } while (0)

/** Read a whole file into a malloc'd NUL-terminated string (NULL when unreadable). */
char *ld_test_read_file(const char *path, size_t *len);

/** Run a printf-formatted shell command (fixture setup); its system() status. */
int ld_test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * What the collector does with ListFunctions(FunctionVersion=ALL) of the moto fixture
 * (fixtures/aws/moto-listfunctions-all.json): one version per item, digested with `key`, in
 * account 123456789012, us-east-1, sorted. `inv` is initialised here; the caller disposes it.
 * @return 0, or the error of reading or canonicalising the fixture
 */
int ld_test_inventory_from_moto(ld_inventory *inv, const uint8_t *key, size_t key_len);
/** The first function of `inv` called `name` (borrowed), or NULL. */
const ld_function *ld_test_find_function(const ld_inventory *inv, const char *name);

#endif
