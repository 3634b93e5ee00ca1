/* --accounts parsing and role ARNs (src/aws/accounts.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"

static void test_accounts__inline_and_file(void)
{
	char **ids = NULL;
	size_t n = 0;
	char path[] = "/tmp/ld-accounts-XXXXXX";
	int fd;
	FILE *f;

	LD_CHECK_INT(ld_aws_parse_accounts(&ids, &n, "111111111111, 222222222222,111111111111"), 0);
	LD_REQUIRE(n == 2);
	LD_CHECK_STR(ids[1], "222222222222");
	ld_aws_accounts_free(ids, n);
	LD_CHECK_INT(ld_aws_parse_accounts(&ids, &n, "12345"), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "'12345' is not a 12-digit account id") != NULL);
	/* an empty item is a list cut or pasted wrong: refused, not a shorter list */
	for (const char *const *bad = (const char *const[]){ "111111111111,", ",111111111111",
							     "111111111111,,222222222222",
							     "111111111111 , ", " ", NULL };
	     *bad; bad++) {
		LD_CHECK_INT(ld_aws_parse_accounts(&ids, &n, *bad), LD_EUSAGE);
		LD_CHECK(strstr(ld_error_last()->message, "--accounts: empty item in '") != NULL);
	}
	fd = mkstemp(path);
	LD_REQUIRE(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# production\n111111111111\n\n  222222222222  # shared services\n", f);
	fclose(f);
	LD_CHECK_INT(ld_aws_parse_accounts(&ids, &n, path), 0);
	LD_CHECK_INT(n, 2);
	ld_aws_accounts_free(ids, n);
	f = fopen(path, "w");
	fputs("111111111111\nprod\n", f);
	fclose(f);
	LD_CHECK_INT(ld_aws_parse_accounts(&ids, &n, path), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, ":2: 'prod' is not a 12-digit account id") != NULL);
	unlink(path);
	LD_CHECK_INT(ld_aws_parse_accounts(&ids, &n, "/nonexistent/accounts.txt"), LD_EUSAGE);
}

static void test_accounts__role_arn(void)
{
	char *arn = NULL;

	LD_CHECK_INT(ld_aws_role_arn(&arn, NULL, "Audit", "111111111111", "aws-cn"), 0);
	LD_CHECK_STR(arn, "arn:aws-cn:iam::111111111111:role/Audit");
	free(arn);
	LD_CHECK_INT(ld_aws_role_arn(&arn, "arn:aws:iam::{account}:role/ops/{account}-ro", NULL,
				     "222222222222", "aws"), 0);
	LD_CHECK_STR(arn, "arn:aws:iam::222222222222:role/ops/222222222222-ro");
	free(arn);
	LD_CHECK_INT(ld_aws_role_arn(&arn, "arn:aws:iam::1:role/x", NULL, "2", "aws"), LD_EUSAGE);
	LD_CHECK_INT(ld_aws_role_arn(&arn, NULL, "bad name", "2", "aws"), LD_EUSAGE);
}

/* The partition is part of the tool's contract: every shard of a run must compute the same
 * one, so these assignments are pinned. */
static void test_accounts__shard_pinned(void)
{
	static const unsigned want[] = { 3, 1, 3, 3, 3, 1, 2 };
	char id[16];

	for (unsigned i = 0; i < 7; i++) {
		snprintf(id, sizeof(id), "1234567890%02u", i + 1);
		LD_CHECK_INT(ld_aws_account_shard(id, 3), want[i]);
		LD_CHECK_INT(ld_aws_account_shard(id, 1), 1);
	}
}

/* Balanced, and going from N to N+1 shards moves accounts only into the new shard. */
static void test_accounts__shard_balance_and_growth(void)
{
	unsigned counts[5] = { 0 }, moved = 0;
	char id[16];

	for (unsigned i = 0; i < 10000; i++) {
		unsigned four, five;
		snprintf(id, sizeof(id), "%012u", 100000007u * i % 1000000000u);
		four = ld_aws_account_shard(id, 4);
		five = ld_aws_account_shard(id, 5);
		LD_REQUIRE(four >= 1 && four <= 4 && five >= 1 && five <= 5);
		counts[four - 1]++;
		if (five != four) {
			LD_CHECK_INT(five, 5);
			moved++;
		}
	}
	for (unsigned j = 0; j < 4; j++)
		LD_CHECK(counts[j] > 2300 && counts[j] < 2700);
	LD_CHECK(moved > 1800 && moved < 2200);
}

static void test_accounts__shard_filter(void)
{
	char **ids = NULL;
	size_t n = 0, total = 0;

	for (unsigned s = 1; s <= 3; s++) {
		LD_REQUIRE(ld_aws_parse_accounts(&ids, &n, "123456789001,123456789002,123456789003,"
						 "123456789004,123456789005,123456789006,"
						 "123456789007") == 0);
		ld_aws_accounts_shard(ids, &n, s, 3);
		for (size_t i = 0; i < n; i++)
			LD_CHECK_INT(ld_aws_account_shard(ids[i], 3), s);
		if (s == 1) {
			LD_CHECK_INT(n, 2);
			LD_CHECK_STR(ids[0], "123456789002");
			LD_CHECK_STR(ids[1], "123456789006");
		}
		total += n;
		ld_aws_accounts_free(ids, n);
	}
	LD_CHECK_INT(total, 7);
}

const ld_test ld_tests[] = {
	LD_TEST(test_accounts__shard_pinned),
	LD_TEST(test_accounts__shard_balance_and_growth),
	LD_TEST(test_accounts__shard_filter),
	LD_TEST(test_accounts__inline_and_file),
	LD_TEST(test_accounts__role_arn),
	{ NULL, NULL }
};
