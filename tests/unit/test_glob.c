/* Exclude globs (src/util/glob.c): segments, `**`, basenames, directory-only patterns. */
#include "harness.h"
#include "util/glob.h"

#define M(p, s) ld_pathglob_match((p), (s), false)
#define MD(p, s) ld_pathglob_match((p), (s), true)

static void test_glob__within_segment(void)
{
	LD_CHECK(M("*.py", "app.py"));
	LD_CHECK(M("*.py", "src/deep/app.py"));
	LD_CHECK(!M("*.py", "app.pyc"));
	LD_CHECK(M("a?c", "abc"));
	LD_CHECK(!M("a?c", "a/c"));
	LD_CHECK(M("[abc]x", "bx"));
	LD_CHECK(!M("[!abc]x", "bx"));
	LD_CHECK(M("[a-c][0-9]", "c7"));
	LD_CHECK(M("\\*lit", "*lit"));
	LD_CHECK(!M("\\*lit", "xlit"));
	LD_CHECK(M("*a*b*c*", "xxaxxbxxcxx"));
	LD_CHECK(!M("*a*b*c*", "xxaxxcxxbxx"));
	LD_CHECK(M("[]]", "]"));
	LD_CHECK(M("*", "anything"));
}

static void test_glob__anchored_and_starstar(void)
{
	LD_CHECK(M("tests/**", "tests/a.py"));
	LD_CHECK(M("tests/**", "tests/x/y/z.py"));
	LD_CHECK(!M("tests/**", "tests"));
	LD_CHECK(!MD("tests/**", "tests"));
	LD_CHECK(!M("tests/**", "src/tests/a.py"));
	LD_CHECK(M("**/tests/*.py", "tests/a.py"));
	LD_CHECK(M("**/tests/*.py", "a/b/tests/a.py"));
	LD_CHECK(!M("**/tests/*.py", "a/b/tests/c/a.py"));
	LD_CHECK(M("a/**/b", "a/b"));
	LD_CHECK(M("a/**/b", "a/x/y/b"));
	LD_CHECK(!M("a/**/b", "a/x/y/c"));
	LD_CHECK(M("/build", "build"));
	LD_CHECK(!M("/build", "x/build"));
	LD_CHECK(M("src/*.c", "src/a.c"));
	LD_CHECK(!M("src/*.c", "src/sub/a.c"));
	LD_CHECK(!M("src/*.c", "x/src/a.c"));
	LD_CHECK(M("**", "a/b/c"));
	LD_CHECK(M("/**", "a/b/c"));
	LD_CHECK(M("a/**/**/b", "a/b"));
	LD_CHECK(M("**/x/**/y", "p/x/q/r/y"));
}

static void test_glob__directories(void)
{
	const char *pats[] = { "node_modules/", "*.pyc", "docs/**" };
	LD_CHECK(MD("node_modules/", "a/node_modules"));
	LD_CHECK(!M("node_modules/", "a/node_modules"));
	LD_CHECK(ld_pathglob_excluded(pats, 3, "a/node_modules/x/index.js", false));
	LD_CHECK(ld_pathglob_excluded(pats, 3, "node_modules", true));
	LD_CHECK(!ld_pathglob_excluded(pats, 3, "node_modules", false));
	LD_CHECK(ld_pathglob_excluded(pats, 3, "x/__pycache__/m.pyc", false));
	LD_CHECK(ld_pathglob_excluded(pats, 3, "docs/a/b.md", false));
	LD_CHECK(!ld_pathglob_excluded(pats, 3, "src/docs/a.md", false));
	LD_CHECK(!ld_pathglob_excluded(pats, 3, "app.py", false));
	LD_CHECK(!ld_pathglob_excluded(NULL, 0, "app.py", false));
}

static void test_glob__validate(void)
{
	const char *why = NULL;
	LD_CHECK(ld_pathglob_validate("tests/**", &why));
	LD_CHECK(why == NULL);
	LD_CHECK(!ld_pathglob_validate("", &why));
	LD_CHECK(!ld_pathglob_validate("!keep.py", &why));
	LD_CHECK(why && strstr(why, "negated"));
	LD_CHECK(!ld_pathglob_validate("a//b", &why));
	LD_CHECK(!ld_pathglob_validate("../x", &why));
	LD_CHECK(!ld_pathglob_validate("a/./b", &why));
	LD_CHECK(!ld_pathglob_validate("[abc", &why));
	LD_CHECK(why && strstr(why, "unterminated"));
	LD_CHECK(!ld_pathglob_validate("abc\\", &why));
	LD_CHECK(!ld_pathglob_validate("/", &why));
	LD_CHECK(!M("[abc", "[abc"));
}

static void test_glob__pathological_is_fast(void)
{
	char path[2048];
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	LD_CHECK(!M("*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
	for (size_t i = 1; i < sizeof(path) - 1; i += 2)
		path[i] = '/';
	LD_CHECK(!M("**/a/**/a/**/a/**/a/**/b", path));
}

const ld_test ld_tests[] = {
	LD_TEST(test_glob__within_segment),
	LD_TEST(test_glob__anchored_and_starstar),
	LD_TEST(test_glob__directories),
	LD_TEST(test_glob__validate),
	LD_TEST(test_glob__pathological_is_fast),
	{ NULL, NULL }
};
