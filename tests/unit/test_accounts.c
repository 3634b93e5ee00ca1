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

const ld_test ld_tests[] = {
	LD_TEST(test_accounts__inline_and_file),
	LD_TEST(test_accounts__role_arn),
	{ NULL, NULL }
};
