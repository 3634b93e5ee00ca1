/*
 * Repository access (src/git/repo.c) against fixture repositories built at test time with
 * the git CLI in a temporary directory: annotated and lightweight tags, a branch, a tag of
 * a tree, nested sources with an executable, a symlink and a submodule entry, a file that
 * changes between tags, a bare clone, a linked worktree and a tree with unsafe names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "git/repo.h"
#include "harness.h"
#include "lambdrift/errors.h"
#include "script.h"

static const char *fx_base = ""; /* ld_script_fixture_dir's, once fixture() made it */
static char fx_repo[300];

/* First line of a command's output, without the newline. */
static void capture(char *out, size_t n, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	if (p && fgets(out, (int)n, p))
		out[strcspn(out, "\n")] = '\0';
	if (p)
		pclose(p);
}

/* Commits and tags get fixed, increasing dates so "newest tags" has a defined order. */
static const char fx_script[] =
	"d() { export GIT_AUTHOR_DATE=\"$1 +0000\" GIT_COMMITTER_DATE=\"$1 +0000\"; }\n"
	"mkdir -p services/orders/lib services/orders/tests services/billing\n"
	"echo 'print(1)' > services/orders/app.py\n"
	"printf '#!/bin/sh\\necho hi\\n' > services/orders/run.sh; chmod 755 services/orders/run.sh\n"
	"echo 'x = 1' > services/orders/lib/util.py\n"
	"echo bytecode > services/orders/lib/cache.pyc\n"
	"echo 'def test(): pass' > services/orders/tests/test_app.py\n"
	"ln -s lib/util.py services/orders/link.py\n"
	"echo 'print(3)' > services/billing/main.py\n"
	"printf '{\"lambdrift\": 1, \"functions\": []}\\n' > lambdrift.json\n"
	"git add -A; d 1700000000; git commit -q -m one\n"
	"d 1700000100; git tag -a v1.0.0 -m 'release 1.0.0'\n"
	"echo 'print(2)' > services/orders/app.py\n"
	"d 1700000200; git commit -q -am two; git tag v1.1.0\n"
	"git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),services/orders/vendor/sub\n"
	"d 1700000300; git commit -q -m three; git tag v1.2.0\n"
	"d 1700000400; git tag -a treetag -m 'a tree' 'HEAD^{tree}'\n"
	"git branch feature v1.0.0\n"
	"b=$(echo evil | git hash-object -w --stdin)\n"
	"t=$(printf '100644 blob %s\\t..\\n' $b | git mktree)\n"
	"c=$(d 1600000000; git commit-tree -m evil $t); git update-ref refs/tags/evil-dotdot $c\n"
	"t=$(printf '100644 blob %s\\t.git\\n' $b | git mktree)\n"
	"c=$(d 1600000000; git commit-tree -m evil $t); git update-ref refs/tags/evil-dotgit $c\n"
	"cd ..; git clone -q --bare repo bare.git\n"
	"git -C repo worktree add -q ../wt feature\n";

static const char *fixture(void)
{
	const char *repo;

	if (fx_repo[0])
		return fx_repo;
	if (!(fx_base = ld_script_fixture_dir("git"))) {
		fx_base = "";
		return NULL;
	}
	setenv("HOME", fx_base, 1); /* libgit2 reads $HOME/.gitconfig: none */
	if (!(repo = ld_script_fixture_repo(fx_script)))
		return NULL;
	snprintf(fx_repo, sizeof(fx_repo), "%s", repo);
	return fx_repo;
}

static ld_git_repo *open_fx(void)
{
	ld_git_repo *r = NULL;
	const char *path = fixture();
	if (path && ld_git_open(&r, path) < 0)
		fprintf(stderr, "open: %s\n", ld_error_last()->message);
	return r;
}

static void rev_parse(char *out, size_t n, const char *rev)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse '%s^{commit}'", fx_repo, rev);
	capture(out, n, cmd);
}

static void test_git__open(void)
{
	ld_git_repo *r = NULL;
	char path[400], want[64];
	ld_git_rev rev;
	LD_REQUIRE(fixture() != NULL);
	LD_CHECK_INT(ld_git_open(&r, "/nonexistent/lambdrift"), LD_ENOTFOUND);
	LD_CHECK_STR(ld_error_last()->message, "'/nonexistent/lambdrift' does not exist; pass "
		     "--repo DIR with the path of the repository");
	LD_CHECK(r == NULL);
	LD_CHECK_INT(ld_git_open(&r, "/dev/null"), LD_ENOTFOUND);
	LD_CHECK(strstr(ld_error_last()->message, "'/dev/null' is not a directory") != NULL);
	LD_CHECK_INT(ld_git_open(&r, "/proc"), LD_ENOTFOUND);
	LD_CHECK(strstr(ld_error_last()->message, "no git repository at or above '/proc'") != NULL);
	LD_CHECK(r == NULL);

	snprintf(path, sizeof(path), "%s/bare.git", fx_base);
	LD_REQUIRE(ld_git_open(&r, path) == 0);
	LD_CHECK_STR(ld_git_path(r), path);
	LD_CHECK_INT(ld_git_resolve(&rev, r, "v1.1.0", false), 0);
	rev_parse(want, sizeof(want), "v1.1.0");
	LD_CHECK_STR(rev.commit, want);
	ld_git_free(r);

	snprintf(path, sizeof(path), "%s/wt/services", fx_base);
	LD_REQUIRE(ld_git_open(&r, path) == 0);
	LD_CHECK_INT(ld_git_resolve(&rev, r, "v1.0.0", false), 0);
	ld_git_free(r);
	ld_git_free(NULL);
}

static void test_git__resolve_tags(void)
{
	ld_git_repo *r = open_fx();
	ld_git_rev rev;
	char want[64];
	LD_REQUIRE(r != NULL);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "v1.0.0", false), 0);
	LD_CHECK_INT(rev.kind, LD_GIT_TAG_ANNOTATED);
	rev_parse(want, sizeof(want), "v1.0.0");
	LD_CHECK_STR(rev.commit, want);
	LD_CHECK_STR(rev.name, "v1.0.0");

	LD_CHECK_INT(ld_git_resolve(&rev, r, "v1.1.0", false), 0);
	LD_CHECK_INT(rev.kind, LD_GIT_TAG_LIGHTWEIGHT);
	rev_parse(want, sizeof(want), "v1.1.0");
	LD_CHECK_STR(rev.commit, want);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "refs/tags/v1.0.0", false), 0);
	LD_CHECK_INT(rev.kind, LD_GIT_TAG_ANNOTATED);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "treetag", false), LD_EUSAGE);
	LD_CHECK_STR(ld_error_last()->message, "tag 'treetag' points at a tree, not a commit");
	LD_CHECK_INT(ld_git_resolve(&rev, r, "", false), LD_EUSAGE);
	ld_git_free(r);
}

static void test_git__refuse_refs(void)
{
	ld_git_repo *r = open_fx();
	ld_git_rev rev;
	char want[64], sha[16];
	LD_REQUIRE(r != NULL);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "main", false), LD_EUSAGE);
	LD_CHECK_STR(ld_error_last()->message,
		     "'main' is a branch, not a tag; pass --allow-ref to use it");
	LD_CHECK_INT(ld_git_resolve(&rev, r, "main", true), 0);
	LD_CHECK_INT(rev.kind, LD_GIT_REF_BRANCH);
	rev_parse(want, sizeof(want), "main");
	LD_CHECK_STR(rev.commit, want);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "feature", true), 0);
	rev_parse(want, sizeof(want), "v1.0.0");
	LD_CHECK_STR(rev.commit, want);

	snprintf(sha, sizeof(sha), "%.12s", want);
	LD_CHECK_INT(ld_git_resolve(&rev, r, sha, false), LD_EUSAGE);
	LD_CHECK(strstr(ld_error_last()->message, "is a commit id, not a tag; pass --allow-ref") !=
		 NULL);
	LD_CHECK_INT(ld_git_resolve(&rev, r, sha, true), 0);
	LD_CHECK_INT(rev.kind, LD_GIT_REF_OTHER);
	LD_CHECK_STR(rev.commit, want);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "HEAD~1", false), LD_EUSAGE);
	LD_CHECK_STR(ld_error_last()->message,
		     "'HEAD~1' is a revision expression, not a tag; pass --allow-ref to use it");
	ld_git_free(r);
}

static void test_git__missing_tag(void)
{
	ld_git_repo *r = open_fx();
	ld_git_rev rev;
	char want[600];
	LD_REQUIRE(r != NULL);

	LD_CHECK_INT(ld_git_resolve(&rev, r, "v9", false), LD_ENOTFOUND);
	snprintf(want, sizeof(want),
		 "tag 'v9' not found in '%s'; existing tags: treetag, v1.2.0, v1.1.0, v1.0.0, "
		 "evil-dotgit (newest 5 of 6)", fx_repo);
	LD_CHECK_STR(ld_error_last()->message, want);
	LD_CHECK_INT(ld_error_last()->code, LD_ENOTFOUND);
	LD_CHECK_INT(ld_git_resolve(&rev, r, "v9", true), LD_ENOTFOUND);
	LD_CHECK_INT(ld_git_resolve(&rev, r, "bad..name", false), LD_ENOTFOUND);
	ld_git_free(r);

	LD_REQUIRE(ld_test_sh("git init -q '%s/empty'", fx_base) == 0);
	snprintf(want, sizeof(want), "%s/empty", fx_base);
	LD_REQUIRE(ld_git_open(&r, want) == 0);
	LD_CHECK_INT(ld_git_resolve(&rev, r, "v1", false), LD_ENOTFOUND);
	LD_CHECK(strstr(ld_error_last()->message, "the repository has no tags") != NULL);
	ld_git_free(r);
}

static void test_git__read_file(void)
{
	ld_git_repo *r = open_fx();
	ld_git_rev v1, v11;
	ld_buf b = LD_BUF_INIT_CAP(1024), small = LD_BUF_INIT_CAP(4);
	LD_REQUIRE(r != NULL);
	LD_REQUIRE(ld_git_resolve(&v1, r, "v1.0.0", false) == 0);
	LD_REQUIRE(ld_git_resolve(&v11, r, "v1.1.0", false) == 0);

	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "lambdrift.json"), 0);
	LD_CHECK_STR(b.ptr, "{\"lambdrift\": 1, \"functions\": []}\n");
	ld_buf_clear(&b);
	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "services/orders/app.py"), 0);
	LD_CHECK_STR(b.ptr, "print(1)\n");
	ld_buf_clear(&b);
	LD_CHECK_INT(ld_git_read_file(&b, r, &v11, "services/orders/app.py"), 0);
	LD_CHECK_STR(b.ptr, "print(2)\n");

	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "nope.json"), LD_ENOTFOUND);
	LD_CHECK(strstr(ld_error_last()->message, "'nope.json' not found at 'v1.0.0'") != NULL);
	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "services"), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "is a directory; expected a regular file"));
	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "services/orders/link.py"), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "is a symlink"));
	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "../etc/passwd"), LD_EUSAGE);
	LD_CHECK_INT(ld_git_read_file(&b, r, &v1, "/lambdrift.json"), LD_EUSAGE);
	LD_CHECK_INT(ld_git_read_file(&small, r, &v1, "lambdrift.json"), LD_ELIMIT);
	LD_CHECK_STR(ld_error_last()->message, "'lambdrift.json' is 34 bytes; the limit is 4");
	ld_buf_dispose(&b);
	ld_buf_dispose(&small);
	ld_git_free(r);
}

typedef struct {
	ld_git_repo *repo;
	ld_buf list;
	int stop_after;
} collect;

static int collect_cb(const ld_git_entry *e, void *payload)
{
	collect *c = payload;
	ld_buf content = LD_BUF_INIT_CAP(256);
	int error = ld_git_entry_read(&content, c->repo, e);
	if (error < 0)
		return error;
	ld_buf_printf(&c->list, "%s %06o %zu %s|%s\n", e->path, e->mode, e->size, e->repo_path,
		      content.size == e->size ? "ok" : "size-mismatch");
	ld_buf_dispose(&content);
	if (c->stop_after && --c->stop_after == 0)
		return ld_error_setc(LD_ELIMIT, LD_ERR_NONE, "stop");
	return 0;
}

static void test_git__walk_subtree(void)
{
	collect c = { NULL, LD_BUF_INIT, 0 };
	const char *ex[] = { "tests/**", "*.pyc" };
	ld_git_rev v1;
	c.repo = open_fx();
	LD_REQUIRE(c.repo != NULL);
	LD_REQUIRE(ld_git_resolve(&v1, c.repo, "v1.0.0", false) == 0);

	LD_CHECK_INT(ld_git_walk(c.repo, &v1, "services/orders", ex, 2, collect_cb, &c), 0);
	LD_CHECK_STR(c.list.ptr,
		     "app.py 100644 9 services/orders/app.py|ok\n"
		     "lib/util.py 100644 6 services/orders/lib/util.py|ok\n"
		     "link.py 120000 11 services/orders/link.py|ok\n"
		     "run.sh 100755 18 services/orders/run.sh|ok\n");
	ld_buf_clear(&c.list);
	LD_CHECK_INT(ld_git_walk(c.repo, &v1, "services/orders/", NULL, 0, collect_cb, &c), 0);
	LD_CHECK(strstr(c.list.ptr, "lib/cache.pyc 100644 9") != NULL);
	LD_CHECK(strstr(c.list.ptr, "tests/test_app.py 100644") != NULL);
	ld_buf_clear(&c.list);

	LD_CHECK_INT(ld_git_walk(c.repo, &v1, ".", ex, 2, collect_cb, &c), 0);
	LD_CHECK(strncmp(c.list.ptr, "lambdrift.json 100644 34 lambdrift.json|ok\n"
				     "services/billing/main.py ", 68) == 0);
	ld_buf_clear(&c.list);

	c.stop_after = 2;
	LD_CHECK_INT(ld_git_walk(c.repo, &v1, "", NULL, 0, collect_cb, &c), LD_ELIMIT);
	LD_CHECK_STR(ld_error_last()->message, "stop");
	c.stop_after = 0;

	LD_CHECK_INT(ld_git_walk(c.repo, &v1, "services/nope", NULL, 0, collect_cb, &c),
		     LD_ENOTFOUND);
	LD_CHECK_INT(ld_git_walk(c.repo, &v1, "lambdrift.json", NULL, 0, collect_cb, &c),
		     LD_EINVALID);
	LD_CHECK_INT(ld_git_walk(c.repo, &v1, "services/../x", NULL, 0, collect_cb, &c),
		     LD_EUSAGE);
	ld_buf_dispose(&c.list);
	ld_git_free(c.repo);
}

static void test_git__walk_submodule(void)
{
	collect c = { NULL, LD_BUF_INIT, 0 };
	const char *ex[] = { "vendor/" };
	ld_git_rev v12;
	c.repo = open_fx();
	LD_REQUIRE(c.repo != NULL);
	LD_REQUIRE(ld_git_resolve(&v12, c.repo, "v1.2.0", false) == 0);

	LD_CHECK_INT(ld_git_walk(c.repo, &v12, "services/orders", NULL, 0, collect_cb, &c),
		     LD_EINVALID);
	LD_CHECK_STR(ld_error_last()->message,
		     "'services/orders/vendor/sub' at 'v1.2.0' is a submodule, which cannot be "
		     "packaged; add 'vendor/sub/' to exclude");
	ld_buf_clear(&c.list);
	LD_CHECK_INT(ld_git_walk(c.repo, &v12, "services/orders", ex, 1, collect_cb, &c), 0);
	LD_CHECK(strstr(c.list.ptr, "vendor") == NULL);
	LD_CHECK(strstr(c.list.ptr, "app.py 100644 9") != NULL);
	ld_buf_dispose(&c.list);
	ld_git_free(c.repo);
}

static mode_t mode_of(const char *dir, const char *rel)
{
	char p[600];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &st) == 0 ? st.st_mode : 0;
}

static void test_git__export(void)
{
	ld_git_repo *r = open_fx();
	ld_git_rev v12, evil;
	char out[400], p[600], link[64];
	ssize_t n;
	char *text;
	LD_REQUIRE(r != NULL);
	LD_REQUIRE(ld_git_resolve(&v12, r, "v1.2.0", false) == 0);
	snprintf(out, sizeof(out), "%s/export", fx_base);

	LD_CHECK_INT(ld_git_export(r, &v12, out), 0);
	LD_CHECK_INT(mode_of(out, "services/orders/app.py"), 0100644);
	LD_CHECK_INT(mode_of(out, "services/orders/run.sh"), 0100755);
	LD_CHECK_INT(mode_of(out, "services/orders/lib"), 040755);
	LD_CHECK(S_ISLNK(mode_of(out, "services/orders/link.py")));
	LD_CHECK(S_ISDIR(mode_of(out, "services/orders/vendor/sub")));
	LD_CHECK_INT(mode_of(out, ".git"), 0);
	snprintf(p, sizeof(p), "%s/services/orders/link.py", out);
	n = readlink(p, link, sizeof(link) - 1);
	LD_REQUIRE(n > 0);
	link[n] = '\0';
	LD_CHECK_STR(link, "lib/util.py");
	snprintf(p, sizeof(p), "%s/services/orders/app.py", out);
	text = ld_test_read_file(p, NULL);
	LD_CHECK_STR(text, "print(2)\n");
	free(text);

	LD_CHECK_INT(ld_git_export(r, &v12, out), LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "is not empty") != NULL);

	LD_REQUIRE(ld_git_resolve(&evil, r, "evil-dotdot", false) == 0);
	snprintf(out, sizeof(out), "%s/export-evil", fx_base);
	LD_CHECK_INT(ld_git_export(r, &evil, out), LD_EINVALID);
	LD_CHECK_STR(ld_error_last()->message,
		     "tree of 'evil-dotdot' has an entry with a '.' or '..' name under '/'; "
		     "refusing it");
	LD_CHECK_INT(mode_of(fx_base, "evil"), 0);
	LD_REQUIRE(ld_git_resolve(&evil, r, "evil-dotgit", false) == 0);
	LD_CHECK_INT(ld_git_walk(r, &evil, "", NULL, 0, collect_cb, &(collect){ r, LD_BUF_INIT, 0 }),
		     LD_EINVALID);
	LD_CHECK(strstr(ld_error_last()->message, "a '.git' name") != NULL);
	ld_git_free(r);
}

/* origin wins; else the only remote; several and no origin: none; user info never kept. */
static void test_git__remote_url(void)
{
	ld_git_repo *r = NULL;
	char path[400], *url = NULL;

	LD_REQUIRE(fixture());
	snprintf(path, sizeof(path), "%s/remotes", fx_base);
	LD_REQUIRE(ld_test_sh("git init -q '%s'", path) == 0);
	LD_REQUIRE(ld_git_open(&r, path) == 0);
	LD_CHECK_INT(ld_git_remote_url(&url, r), 0);
	LD_CHECK(url == NULL);
	ld_git_free(r);

	LD_REQUIRE(ld_test_sh("git -C '%s' remote add Upstream "
			      "https://ci:s3cret@git.example.com/a.git", path) == 0);
	LD_REQUIRE(ld_git_open(&r, path) == 0);
	LD_CHECK_INT(ld_git_remote_url(&url, r), 0);
	LD_CHECK_STR(url, "https://git.example.com/a.git");
	free(url);
	ld_git_free(r);

	LD_REQUIRE(ld_test_sh("git -C '%s' remote add fork git@host.example:b.git", path) == 0);
	LD_REQUIRE(ld_git_open(&r, path) == 0);
	LD_CHECK_INT(ld_git_remote_url(&url, r), 0);
	LD_CHECK(url == NULL);
	ld_git_free(r);

	LD_REQUIRE(ld_test_sh("git -C '%s' remote add origin git@host.example:c.git", path) == 0);
	LD_REQUIRE(ld_git_open(&r, path) == 0);
	LD_CHECK_INT(ld_git_remote_url(&url, r), 0);
	LD_CHECK_STR(url, "host.example:c.git");
	free(url);
	ld_git_free(r);
}

const ld_test ld_tests[] = {
	LD_TEST(test_git__open),
	LD_TEST(test_git__resolve_tags),
	LD_TEST(test_git__refuse_refs),
	LD_TEST(test_git__missing_tag),
	LD_TEST(test_git__read_file),
	LD_TEST(test_git__walk_subtree),
	LD_TEST(test_git__walk_submodule),
	LD_TEST(test_git__export),
	LD_TEST(test_git__remote_url),
	{ NULL, NULL }
};
