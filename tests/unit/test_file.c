/* Named files (src/util/file.c): a directory said to be one, bounded whole-file reads. */
#include <errno.h>
#include <stdlib.h>

#include "harness.h"
#include "lambdrift/errors.h"
#include "util/file.h"

static char dir[] = "/tmp/ld_test_file.XXXXXX";
static char paths[4][64];

/* A scratch directory with five (5 bytes), empty, and sub/; removed by the last case. */
static void setup(void)
{
	if (!paths[0][0]) {
		LD_REQUIRE(mkdtemp(dir) != NULL);
		LD_REQUIRE(ld_test_sh("cd %s && mkdir sub && printf hello > five && : > empty",
				      dir) == 0);
		snprintf(paths[0], sizeof(paths[0]), "%s/five", dir);
		snprintf(paths[1], sizeof(paths[1]), "%s/empty", dir);
		snprintf(paths[2], sizeof(paths[2]), "%s/sub", dir);
		snprintf(paths[3], sizeof(paths[3]), "%s/nope", dir);
	}
}

#define FIVE paths[0]
#define EMPTY paths[1]
#define SUB paths[2]
#define NOPE paths[3]

static void test_file__reads_whole_file_within_cap(void)
{
	ld_buf b = LD_BUF_INIT_CAP(64);

	setup();
	LD_REQUIRE(ld_buf_puts(&b, ">") == 0);
	LD_CHECK_INT(ld_buf_read_file(&b, FIVE, 5), 0); /* exactly the cap */
	LD_CHECK_STR(b.ptr, ">hello");
	LD_CHECK_INT(ld_buf_read_file(&b, EMPTY, 5), 0);
	LD_CHECK_INT(b.size, 6);
	LD_CHECK_INT(ld_buf_read_file(&b, "/dev/null", 5), 0); /* not a regular file */
	LD_CHECK_INT(b.size, 6);
	ld_buf_dispose(&b);
}

static void test_file__larger_than_cap_is_refused(void)
{
	ld_buf b = LD_BUF_INIT_CAP(64), small = LD_BUF_INIT_CAP(3);

	setup();
	LD_CHECK_INT(ld_buf_read_file(&b, FIVE, 4), LD_ELIMIT);
	LD_CHECK_INT(errno, EFBIG);
	LD_CHECK_INT(b.size, 0); /* as it was */
	LD_CHECK(strstr(ld_error_last()->message, "is larger than 4 bytes") != NULL);
	LD_CHECK_INT(ld_buf_read_file(&small, FIVE, 100), LD_ELIMIT); /* the buffer's cap */
	ld_buf_dispose(&b);
	ld_buf_dispose(&small);
}

static void test_file__missing_and_directory_say_so(void)
{
	ld_buf b = LD_BUF_INIT_CAP(64);

	setup();
	LD_CHECK_INT(ld_buf_read_file(&b, NOPE, 64), LD_ENOTFOUND);
	LD_CHECK_INT(errno, ENOENT);
	LD_CHECK(strstr(ld_error_last()->message, "/nope': No such file or directory") != NULL);
	LD_CHECK_INT(ld_buf_read_file(&b, SUB, 64), LD_EUSAGE);
	LD_CHECK_INT(errno, EISDIR);
	LD_CHECK(strstr(ld_error_last()->message, "is a directory") != NULL);
	LD_CHECK(ld_file_open(SUB) == NULL && errno == EISDIR);
	ld_buf_dispose(&b);
	ld_test_sh("rm -rf %s", dir);
}

const ld_test ld_tests[] = {
	LD_TEST(test_file__reads_whole_file_within_cap),
	LD_TEST(test_file__larger_than_cap_is_refused),
	LD_TEST(test_file__missing_and_directory_say_so),
	{ NULL, NULL },
};
