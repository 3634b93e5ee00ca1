/* The embedded region table (src/aws/regions.c): partitions and opt-in regions. */
#include <stdbool.h>
#include <string.h>

#include "harness.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"

static void test_regions__partitions_and_opt_in(void)
{
	const char *const *r = NULL;
	size_t n = 0;
	bool east = false;

	LD_CHECK_INT(ld_aws_partition_regions(&r, &n, "aws"), 0);
	LD_CHECK(n >= 30);
	for (size_t i = 0; i < n; i++)
		east = east || !strcmp(r[i], "us-east-1");
	LD_CHECK(east);
	for (size_t i = 1; i < n; i++)
		LD_CHECK(strcmp(r[i - 1], r[i]) < 0);
	LD_CHECK_INT(ld_aws_partition_regions(&r, &n, "aws-cn"), 0);
	LD_CHECK_INT(n, 2);
	LD_CHECK_INT(ld_aws_partition_regions(&r, &n, "nope"), LD_ENOTFOUND);
	LD_CHECK(ld_aws_region_opt_in("ap-east-1"));
	LD_CHECK(ld_aws_region_opt_in("me-south-1"));
	LD_CHECK(!ld_aws_region_opt_in("us-east-1"));
	LD_CHECK(!ld_aws_region_opt_in("ap-northeast-3"));
}

const ld_test ld_tests[] = {
	LD_TEST(test_regions__partitions_and_opt_in),
	{ NULL, NULL }
};
