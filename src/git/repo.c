/*
 * libgit2 wrapper (see repo.h): the only file that includes <git2.h>. libgit2 is
 * initialised once per process and never shut down (its global state is reachable until
 * exit). Every libgit2 failure is turned into an LD_ERR_GIT message that says what we were
 * doing, followed by libgit2's own text. Trees are read straight from the object database:
 * nothing here touches a work tree or the index. Modes are read normalised
 * (git_tree_entry_filemode), so the legacy 0100664 counts as 0100644.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "git/repo.h"
#include "lambdrift/errors.h"
#include "util/glob.h"

struct ld_git_repo {
	git_repository *repo;
	git_odb *odb;
	char *path;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void init_libgit2(void)
{
	init_rc = git_libgit2_init();
}

/* Record "<what>: <libgit2 message>"; GIT_ENOTFOUND becomes LD_ENOTFOUND. */
static int git_fail(int gerr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int git_fail(int gerr, const char *fmt, ...)
{
	const git_error *ge = git_error_last();
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ld_error_setc(gerr == GIT_ENOTFOUND ? LD_ENOTFOUND : LD_ERROR, LD_ERR_GIT, "%s: %s",
			     what, ge && ge->message ? ge->message : "unknown libgit2 error");
}

static int ensure_init(void)
{
	pthread_once(&init_once, init_libgit2);
	if (init_rc < 0)
		return git_fail(init_rc, "cannot initialise libgit2");
	return 0;
}

/* Drop "user[:password]@" after the scheme, and a scp-like "user@" (git@host:path). */
static char *without_userinfo(const char *url)
{
	const char *scheme = strstr(url, "://"), *host = scheme ? scheme + 3 : url;
	const char *end = host + strcspn(host, scheme ? "/?#" : ":/"), *at = NULL;
	size_t keep;
	char *out;

	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return strdup(url);
	keep = (size_t)(host - url);
	if (!(out = malloc(strlen(url) + 1)))
		return NULL;
	memcpy(out, url, keep);
	strcpy(out + keep, at + 1);
	return out;
}

/* The name of a "remote.NAME.url" configuration key, or NULL for other keys. */
static const char *remote_of(const char *key, size_t *len)
{
	size_t n = strlen(key);

	if (strncmp(key, "remote.", 7) || n < 12 || strcmp(key + n - 4, ".url"))
		return NULL;
	*len = n - 11;
	return key + 7;
}

/* The URL of "origin", else of the only remote, read from the configuration: not through
 * git_remote_lookup or git_remote_list, which in libgit2 1.5 leak the PCRE2 match data of
 * the regular expressions they iterate the configuration with. URLs are shown as
 * configured (no url.*.insteadOf rewriting). NULL when there is none. */
static char *remote_url(git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	const char *name;
	char *origin = NULL, *only = NULL, *first = NULL; /* entries die with the iterator */
	size_t len, first_len = 0;
	bool several = false;

	if (git_repository_config_snapshot(&cfg, repo) < 0 || git_config_iterator_new(&it, cfg) < 0)
		goto done;
	while (!origin && git_config_next(&e, it) == 0) {
		if (!(name = remote_of(e->name, &len)) || !*e->value)
			continue;
		if (len == 6 && !strncmp(name, "origin", 6))
			origin = strdup(e->value);
		else if (!first) {
			first = strndup(name, len);
			first_len = len;
			only = strdup(e->value);
		} else if (len != first_len || strncmp(name, first, len))
			several = true;
	}
done:
	git_config_iterator_free(it);
	git_config_free(cfg);
	git_error_clear();
	free(first);
	if (origin || several) {
		free(only);
		return origin;
	}
	return only;
}

int ld_git_remote_url(char **out, ld_git_repo *repo)
{
	char *url = remote_url(repo->repo);

	*out = url ? without_userinfo(url) : NULL;
	free(url);
	return url && !*out ? ld_error_oom() : 0;
}

int ld_git_open(ld_git_repo **out, const char *path)
{
	ld_git_repo *r = NULL;
	struct stat st;
	int error, gerr;

	*out = NULL;
	if ((error = ensure_init()) < 0)
		return error;
	if (!(r = calloc(1, sizeof(*r))) || !(r->path = strdup(path))) {
		error = ld_error_oom();
		goto done;
	}
	/* a file is refused even inside a work tree, where libgit2 would find the repository
	 * above it: the option takes a directory, and a file there is a mistake */
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		error = ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT, "'%s' is not a directory; pass "
				      "--repo DIR with the path of the repository", path);
		goto done;
	}
	if ((gerr = git_repository_open_ext(&r->repo, path, 0, NULL)) < 0) {
		bool exists = stat(path, &st) == 0;
		if (gerr == GIT_ENOTFOUND && !exists && errno == ENOENT)
			error = ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT,
					      "'%s' does not exist; pass --repo DIR with the path of "
					      "the repository", path);
		else if (gerr == GIT_ENOTFOUND)
			error = ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT,
					      "no git repository at or above '%s'; pass --repo DIR",
					      path);
		else
			error = git_fail(gerr, "cannot open repository '%s'", path);
		goto done;
	}
	if ((gerr = git_repository_odb(&r->odb, r->repo)) < 0) {
		error = git_fail(gerr, "cannot open the object database of '%s'", path);
		goto done;
	}
	*out = r;
	r = NULL;
done:
	ld_git_free(r);
	return error;
}

void ld_git_free(ld_git_repo *repo)
{
	if (!repo)
		return;
	git_odb_free(repo->odb);
	git_repository_free(repo->repo);
	free(repo->path);
	free(repo);
}

const char *ld_git_path(const ld_git_repo *repo)
{
	return repo->path;
}

/* ---- resolving a name ---- */

/* What a non-tag name turned out to be, for the refusal message. */
typedef enum { OTHER_BRANCH, OTHER_REMOTE, OTHER_SHA, OTHER_EXPR } other_kind;

/* Peel `obj` to a commit, or explain what `name` points at instead. */
static int peel_commit(git_object **out, git_object *obj, const char *what, const char *name)
{
	git_object *target = NULL;
	int gerr = git_object_peel(out, obj, GIT_OBJECT_COMMIT);
	if (gerr == 0)
		return 0;
	if (git_object_type(obj) == GIT_OBJECT_TAG && git_tag_peel(&target, (git_tag *)obj) == 0) {
		gerr = git_object_type(target);
		git_object_free(target);
	} else {
		gerr = git_object_type(obj);
	}
	return ld_error_setc(LD_EUSAGE, LD_ERR_GIT, "%s '%s' points at a %s, not a commit", what,
			     name, git_object_type2string((git_object_t)gerr));
}

/* The object refs/tags/<tag> names, through git_reference_lookup (git_revparse_single
 * leaks in libgit2 1.5 on a tag whose object is missing); a libgit2 code: GIT_ENOTFOUND or
 * GIT_EINVALIDSPEC with *reachable false when there is no such tag. */
static int tag_object(git_object **out, bool *reachable, ld_git_repo *repo, const char *tag)
{
	git_reference *ref = NULL, *direct = NULL;
	char refname[1024];
	int gerr;

	*out = NULL;
	*reachable = false;
	if ((size_t)snprintf(refname, sizeof(refname), "refs/tags/%s", tag) >= sizeof(refname))
		return GIT_EINVALIDSPEC;
	if ((gerr = git_reference_lookup(&ref, repo->repo, refname)) < 0)
		return gerr;
	*reachable = true;
	if ((gerr = git_reference_resolve(&direct, ref)) == 0)
		gerr = git_object_lookup(out, repo->repo, git_reference_target(direct),
					 GIT_OBJECT_ANY);
	git_reference_free(direct);
	git_reference_free(ref);
	return gerr;
}

/* Look up refs/tags/<tag>; LD_ENOTFOUND (no message) when there is no such tag. */
static int lookup_tag(git_object **commit, ld_git_rev_kind *kind, ld_git_repo *repo,
		      const char *tag)
{
	git_object *obj = NULL;
	bool exists;
	int error, gerr = tag_object(&obj, &exists, repo, tag);

	if (!exists && (gerr == GIT_ENOTFOUND || gerr == GIT_EINVALIDSPEC))
		return LD_ENOTFOUND;
	if (gerr < 0)
		/* the tag exists: an object it names that is missing is a broken repository,
		 * not LD_ENOTFOUND, which would say there is no such tag */
		return git_fail(gerr == GIT_ENOTFOUND ? GIT_ERROR : gerr,
				"cannot read tag '%s' in '%s'", tag, repo->path);
	*kind = git_object_type(obj) == GIT_OBJECT_TAG ? LD_GIT_TAG_ANNOTATED
						       : LD_GIT_TAG_LIGHTWEIGHT;
	error = peel_commit(commit, obj, "tag", tag);
	git_object_free(obj);
	return error;
}

static bool is_hex_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || n > LD_GIT_OID_HEX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Resolve a name that is not a tag; LD_ENOTFOUND (no message) when it names nothing. */
static int lookup_other(git_object **commit, other_kind *kind, ld_git_repo *repo,
			const char *name)
{
	git_reference *ref = NULL;
	git_object *obj = NULL;
	int error = LD_ENOTFOUND, gerr;

	if (git_branch_lookup(&ref, repo->repo, name, GIT_BRANCH_LOCAL) == 0)
		*kind = OTHER_BRANCH;
	else if (git_branch_lookup(&ref, repo->repo, name, GIT_BRANCH_REMOTE) == 0)
		*kind = OTHER_REMOTE;
	else
		*kind = is_hex_id(name) ? OTHER_SHA : OTHER_EXPR;
	gerr = git_revparse_single(&obj, repo->repo, name);
	if (gerr == GIT_ENOTFOUND || gerr == GIT_EINVALIDSPEC || gerr == GIT_EAMBIGUOUS)
		goto done;
	if (gerr < 0) {
		error = git_fail(gerr, "cannot resolve '%s' in '%s'", name, repo->path);
		goto done;
	}
	error = peel_commit(commit, obj, "revision", name);
done:
	git_object_free(obj);
	git_reference_free(ref);
	return error;
}

static int refuse(const char *name, other_kind kind)
{
	static const char *const what[] = {
		[OTHER_BRANCH] = "a branch", [OTHER_REMOTE] = "a remote-tracking branch",
		[OTHER_SHA] = "a commit id", [OTHER_EXPR] = "a revision expression",
	};
	return ld_error_setc(LD_EUSAGE, LD_ERR_GIT,
			     "'%s' is %s, not a tag; pass --allow-ref to use it", name, what[kind]);
}

typedef struct {
	char *name;
	long long when;
} tag_time;

/* Natural order: digit runs compare numerically, so v10 sorts after v9. */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea = a, *eb = b;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			for (; a < ea; a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int newest_first(const void *pa, const void *pb)
{
	const tag_time *a = pa, *b = pb;
	if (a->when != b->when)
		return a->when > b->when ? -1 : 1;
	return natural_cmp(b->name, a->name);
}

/* When a tag was made: the tagger's time, else its commit's time, else 0. */
static long long tag_when(ld_git_repo *repo, const char *tag)
{
	git_object *obj = NULL, *commit = NULL;
	long long when = 0;
	bool exists;

	if (tag_object(&obj, &exists, repo, tag) < 0) {
		git_error_clear();
		return 0;
	}
	if (git_object_type(obj) == GIT_OBJECT_TAG && git_tag_tagger((git_tag *)obj))
		when = git_tag_tagger((git_tag *)obj)->when.time;
	else if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0)
		when = git_commit_time((git_commit *)commit);
	git_object_free(commit);
	git_object_free(obj);
	return when;
}

#define NEWEST_TAGS 5

/* LD_ENOTFOUND naming the newest tags; `allow_ref` says a branch or commit was looked for
 * too. */
static int missing_tag(ld_git_repo *repo, const char *name, bool allow_ref)
{
	const char *what = allow_ref ? "tag, branch or commit" : "tag";
	git_strarray tags = { NULL, 0 };
	tag_time *list = NULL;
	ld_buf msg = LD_BUF_INIT_CAP(400);
	int error, gerr;

	if ((gerr = git_tag_list(&tags, repo->repo)) < 0) {
		error = git_fail(gerr, "cannot list the tags of '%s'", repo->path);
		goto done;
	}
	if (tags.count == 0) {
		error = ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT,
				      "%s '%s' not found in '%s'; the repository has no tags", what, name,
				      repo->path);
		goto done;
	}
	if (!(list = calloc(tags.count, sizeof(*list)))) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t i = 0; i < tags.count; i++) {
		list[i].name = tags.strings[i];
		list[i].when = tag_when(repo, tags.strings[i]);
	}
	qsort(list, tags.count, sizeof(*list), newest_first);
	for (size_t i = 0; i < tags.count && i < NEWEST_TAGS; i++)
		ld_buf_printf(&msg, "%s%s", i ? ", " : "", list[i].name);
	if (tags.count > NEWEST_TAGS)
		ld_buf_printf(&msg, " (newest %d of %zu)", NEWEST_TAGS, tags.count);
	error = ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT,
			      "%s '%s' not found in '%s'; existing tags: %s", what, name, repo->path,
			      msg.error ? "(too many to list)" : msg.ptr);
done:
	ld_buf_dispose(&msg);
	free(list);
	git_strarray_dispose(&tags);
	return error;
}

static void fill_rev(ld_git_rev *out, const git_object *commit, ld_git_rev_kind kind)
{
	git_oid_tostr(out->commit, sizeof(out->commit), git_object_id(commit));
	out->kind = kind;
}

int ld_git_resolve(ld_git_rev *out, ld_git_repo *repo, const char *name, bool allow_ref)
{
	git_object *commit = NULL;
	const char *tag = name;
	ld_git_rev_kind kind = LD_GIT_TAG_LIGHTWEIGHT;
	other_kind other = OTHER_EXPR;
	int error;

	memset(out, 0, sizeof(*out));
	if (!name || !*name)
		return ld_error_setc(LD_EUSAGE, LD_ERR_GIT, "empty tag name; pass --tag NAME");
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (strncmp(tag, "refs/tags/", 10) == 0)
		tag += 10;
	error = lookup_tag(&commit, &kind, repo, tag);
	if (error == 0) {
		fill_rev(out, commit, kind);
		goto done;
	}
	if (error != LD_ENOTFOUND)
		goto done;
	error = lookup_other(&commit, &other, repo, name);
	if (error == LD_ENOTFOUND)
		error = missing_tag(repo, name, allow_ref);
	if (error < 0)
		goto done;
	if (!allow_ref) {
		error = refuse(name, other);
		goto done;
	}
	fill_rev(out, commit, other == OTHER_BRANCH ? LD_GIT_REF_BRANCH : LD_GIT_REF_OTHER);
done:
	git_object_free(commit);
	return error;
}

/* ---- reading trees ---- */

static int commit_tree(git_tree **out, ld_git_repo *repo, const ld_git_rev *rev)
{
	git_commit *commit = NULL;
	git_oid oid;
	int gerr;

	*out = NULL;
	if ((gerr = git_oid_fromstr(&oid, rev->commit)) == 0 &&
	    (gerr = git_commit_lookup(&commit, repo->repo, &oid)) == 0)
		gerr = git_commit_tree(out, commit);
	git_commit_free(commit);
	if (gerr < 0)
		return git_fail(gerr, "cannot read the tree of '%s' (%.12s)", rev->name, rev->commit);
	return 0;
}

/* Append blob `oid` to `out`, refusing before reading it when it cannot fit. */
static int blob_append(ld_buf *out, ld_git_repo *repo, const git_oid *oid, const char *what)
{
	git_blob *blob = NULL;
	git_object_t type;
	size_t size;
	int error = 0, gerr;

	if ((gerr = git_odb_read_header(&size, &type, repo->odb, oid)) < 0)
		return git_fail(gerr, "cannot read '%s'", what);
	if (out->error || size > out->cap - out->size)
		return ld_error_setc(LD_ELIMIT, LD_ERR_GIT, "'%s' is %zu bytes; the limit is %zu",
				     what, size, out->cap - out->size);
	if ((gerr = git_blob_lookup(&blob, repo->repo, oid)) < 0)
		return git_fail(gerr, "cannot read '%s'", what);
	error = ld_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return error;
}

/* Is `path` usable as a tree path: relative, no '.', '..' or empty segments? */
static bool path_ok(const char *path)
{
	const char *s = path;
	if (!*path || *path == '/')
		return false;
	while (*s) {
		size_t n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/' && !*++s)
			return false;
	}
	return true;
}

static const char *mode_noun(git_filemode_t mode)
{
	switch (mode) {
	case GIT_FILEMODE_TREE: return "a directory";
	case GIT_FILEMODE_LINK: return "a symlink";
	case GIT_FILEMODE_COMMIT: return "a submodule";
	default: return "not a regular file";
	}
}

int ld_git_read_file(ld_buf *out, ld_git_repo *repo, const ld_git_rev *rev, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_filemode_t mode;
	int error, gerr;

	if (!path_ok(path))
		return ld_error_setc(LD_EUSAGE, LD_ERR_GIT,
				     "'%s' is not a relative path inside the repository", path);
	if ((error = commit_tree(&tree, repo, rev)) < 0)
		goto done;
	if ((gerr = git_tree_entry_bypath(&entry, tree, path)) < 0) {
		if (gerr == GIT_ENOTFOUND)
			error = ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT, "'%s' not found at '%s' (%.12s)",
					      path, rev->name, rev->commit);
		else
			error = git_fail(gerr, "cannot find '%s' at '%s'", path, rev->name);
		goto done;
	}
	mode = git_tree_entry_filemode(entry);
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_GIT,
				      "'%s' at '%s' is %s; expected a regular file", path,
				      rev->name, mode_noun(mode));
		goto done;
	}
	error = blob_append(out, repo, git_tree_entry_id(entry), path);
done:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return error;
}

int ld_git_entry_read(ld_buf *out, ld_git_repo *repo, const ld_git_entry *entry)
{
	git_oid oid;
	if (git_oid_fromstr(&oid, entry->oid) < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_GIT, "bad object id for '%s'",
				     entry->repo_path);
	return blob_append(out, repo, &oid, entry->repo_path);
}

/* ---- walking ---- */

/* Why a tree entry name would be unsafe to use as a path component, or NULL. */
static const char *unsafe_name(const char *name)
{
	if (!*name)
		return "an empty name";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "a '.' or '..' name";
	if (strchr(name, '/'))
		return "a name containing '/'";
	if (strcasecmp(name, ".git") == 0)
		return "a '.git' name";
	return NULL;
}

/* State shared by a walk or an export: the current path, "<subtree>/<rel>". */
typedef struct {
	ld_git_repo *repo;
	const ld_git_rev *rev;
	ld_buf path;
	size_t rel;        /* offset of the subtree-relative part in path */
	const char *const *excludes;
	size_t nexcludes;
	ld_git_walk_cb cb;
	void *payload;
	size_t total;      /* export: bytes written so far */
	const char *dir;   /* export: target directory, for messages */
} walk_ctx;

static const char *rel_path(const walk_ctx *c)
{
	return c->path.ptr + c->rel;
}

/* Append "/name" (or "name" at the top) to the current path; check the name. */
static int push_name(walk_ctx *c, const char *name)
{
	const char *why = unsafe_name(name);
	if (why)
		return ld_error_setc(LD_EINVALID, LD_ERR_GIT,
				     "tree of '%s' has an entry with %s under '%s'; refusing it",
				     c->rev->name, why, c->path.size ? c->path.ptr : "/");
	if ((c->path.size && ld_buf_putc(&c->path, '/') < 0) || ld_buf_puts(&c->path, name) < 0)
		return ld_error_setc(LD_ELIMIT, LD_ERR_GIT, "a path under '%s' is longer than %d bytes",
				     c->rev->name, LD_PATHGLOB_MAX_PATH);
	return 0;
}

static bool excluded(const walk_ctx *c, bool is_dir)
{
	for (size_t i = 0; i < c->nexcludes; i++)
		if (ld_pathglob_match(c->excludes[i], rel_path(c), is_dir))
			return true;
	return false;
}

static int visit_blob(walk_ctx *c, const git_tree_entry *e, git_filemode_t mode)
{
	ld_git_entry entry;
	git_object_t type;
	int gerr;

	memset(&entry, 0, sizeof(entry));
	entry.path = rel_path(c);
	entry.repo_path = c->path.ptr;
	entry.mode = mode == GIT_FILEMODE_BLOB_EXECUTABLE ? LD_GIT_MODE_EXEC
		   : mode == GIT_FILEMODE_LINK		  ? LD_GIT_MODE_LINK
							  : LD_GIT_MODE_FILE;
	git_oid_tostr(entry.oid, sizeof(entry.oid), git_tree_entry_id(e));
	if ((gerr = git_odb_read_header(&entry.size, &type, c->repo->odb, git_tree_entry_id(e))) < 0)
		return git_fail(gerr, "cannot read '%s' at '%s'", c->path.ptr, c->rev->name);
	return c->cb(&entry, c->payload);
}

static int walk_tree(walk_ctx *c, const git_tree *tree, int depth);

static int walk_entry(walk_ctx *c, const git_tree_entry *e, int depth)
{
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_tree *sub = NULL;
	int error = 0, gerr;

	switch (mode) {
	case GIT_FILEMODE_TREE:
		if (excluded(c, true))
			return 0;
		if (depth >= LD_GIT_MAX_DEPTH)
			return ld_error_setc(LD_ELIMIT, LD_ERR_GIT, "'%s' is nested deeper than %d levels",
					     c->path.ptr, LD_GIT_MAX_DEPTH);
		if ((gerr = git_tree_lookup(&sub, c->repo->repo, git_tree_entry_id(e))) < 0)
			return git_fail(gerr, "cannot read '%s' at '%s'", c->path.ptr, c->rev->name);
		error = walk_tree(c, sub, depth + 1);
		git_tree_free(sub);
		return error;
	case GIT_FILEMODE_COMMIT:
		if (excluded(c, true))
			return 0;
		return ld_error_setc(LD_EINVALID, LD_ERR_GIT,
				     "'%s' at '%s' is a submodule, which cannot be packaged; add "
				     "'%s/' to exclude",
				     c->path.ptr, c->rev->name, rel_path(c));
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
	case GIT_FILEMODE_LINK:
		return excluded(c, false) ? 0 : visit_blob(c, e, mode);
	default:
		return ld_error_setc(LD_EINVALID, LD_ERR_GIT, "'%s' at '%s' has unknown mode %06o",
				     c->path.ptr, c->rev->name, (unsigned)mode);
	}
}

static int walk_tree(walk_ctx *c, const git_tree *tree, int depth)
{
	size_t n = git_tree_entrycount(tree);
	int error = 0;

	for (size_t i = 0; i < n && error == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		size_t len = c->path.size;
		if ((error = push_name(c, git_tree_entry_name(e))) < 0)
			break;
		error = walk_entry(c, e, depth);
		ld_buf_truncate(&c->path, len);
	}
	return error;
}

/* The tree at `subtree` ("" or "." for the root) of the commit. */
static int subtree_at(git_tree **out, ld_git_repo *repo, const ld_git_rev *rev,
		      const char *subtree)
{
	git_tree *root = NULL;
	git_tree_entry *entry = NULL;
	int error, gerr;

	*out = NULL;
	if ((error = commit_tree(&root, repo, rev)) < 0)
		return error;
	if (!*subtree || strcmp(subtree, ".") == 0) {
		*out = root;
		return 0;
	}
	if ((gerr = git_tree_entry_bypath(&entry, root, subtree)) < 0) {
		error = gerr == GIT_ENOTFOUND
				? ld_error_setc(LD_ENOTFOUND, LD_ERR_GIT, "'%s' not found at '%s' (%.12s)",
						subtree, rev->name, rev->commit)
				: git_fail(gerr, "cannot find '%s' at '%s'", subtree, rev->name);
	} else if (git_tree_entry_type(entry) != GIT_OBJECT_TREE) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_GIT, "'%s' at '%s' is not a directory",
				      subtree, rev->name);
	} else if ((gerr = git_tree_lookup(out, repo->repo, git_tree_entry_id(entry))) < 0) {
		error = git_fail(gerr, "cannot read '%s' at '%s'", subtree, rev->name);
	}
	git_tree_entry_free(entry);
	git_tree_free(root);
	return error;
}

int ld_git_walk(ld_git_repo *repo, const ld_git_rev *rev, const char *subtree,
		const char *const *excludes, size_t nexcludes, ld_git_walk_cb cb, void *payload)
{
	walk_ctx c = { repo, rev, LD_BUF_INIT_CAP(LD_PATHGLOB_MAX_PATH), 0, excludes, nexcludes,
		       cb, payload, 0, NULL };
	git_tree *tree = NULL;
	char sub[LD_PATHGLOB_MAX_PATH];
	size_t n = strlen(subtree);
	bool root;
	int error;

	while (n > 1 && subtree[n - 1] == '/')
		n--;
	if (n >= sizeof(sub))
		return ld_error_setc(LD_ELIMIT, LD_ERR_GIT, "source path '%.64s...' is too long",
				     subtree);
	memcpy(sub, subtree, n);
	sub[n] = '\0';
	subtree = sub;
	root = !*subtree || strcmp(subtree, ".") == 0;
	if (!root && !path_ok(subtree))
		return ld_error_setc(LD_EUSAGE, LD_ERR_GIT,
				     "'%s' is not a relative path inside the repository", subtree);
	if ((error = subtree_at(&tree, repo, rev, subtree)) < 0)
		goto done;
	if (!root && (error = ld_buf_puts(&c.path, subtree)) < 0)
		goto done;
	c.rel = root ? 0 : c.path.size + 1;
	error = walk_tree(&c, tree, 0);
done:
	git_tree_free(tree);
	ld_buf_dispose(&c.path);
	return error;
}

/* ---- exporting ---- */

static int os_fail(const walk_ctx *c, const char *what)
{
	return ld_error_set(LD_ERR_OS, "cannot %s '%s' under '%s': %s", what, c->path.ptr, c->dir,
			    strerror(errno));
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int export_blob(walk_ctx *c, int dfd, const git_tree_entry *e, git_filemode_t mode)
{
	ld_buf data = LD_BUF_INIT_CAP(LD_GIT_MAX_BLOB);
	mode_t perm = mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644;
	const char *name = git_tree_entry_name(e);
	int fd = -1, error;

	if ((error = blob_append(&data, c->repo, git_tree_entry_id(e), c->path.ptr)) < 0)
		goto done;
	c->total += data.size;
	if (c->total > LD_GIT_MAX_EXPORT) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_GIT, "the tree of '%s' exceeds %zu bytes",
				      c->rev->name, LD_GIT_MAX_EXPORT);
		goto done;
	}
	if (mode == GIT_FILEMODE_LINK) {
		if (data.size == 0 || memchr(data.ptr, '\0', data.size))
			error = ld_error_setc(LD_EINVALID, LD_ERR_GIT,
					      "symlink '%s' at '%s' has an empty or binary target",
					      c->path.ptr, c->rev->name);
		else if (symlinkat(data.ptr, dfd, name) < 0)
			error = os_fail(c, "create symlink");
		goto done;
	}
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm);
	if (fd < 0 || write_all(fd, data.ptr, data.size) < 0 || fchmod(fd, perm) < 0)
		error = os_fail(c, "write");
done:
	if (fd >= 0 && close(fd) < 0 && error == 0)
		error = os_fail(c, "write");
	ld_buf_dispose(&data);
	return error;
}

static int export_tree(walk_ctx *c, int dfd, const git_tree *tree, int depth);

static int export_dir(walk_ctx *c, int dfd, const git_tree_entry *e, int depth)
{
	git_tree *sub = NULL;
	int fd = -1, error = 0, gerr;

	if (depth >= LD_GIT_MAX_DEPTH)
		return ld_error_setc(LD_ELIMIT, LD_ERR_GIT, "'%s' is nested deeper than %d levels",
				     c->path.ptr, LD_GIT_MAX_DEPTH);
	if (mkdirat(dfd, git_tree_entry_name(e), 0755) < 0)
		return os_fail(c, "create directory");
	if (git_tree_entry_filemode(e) == GIT_FILEMODE_COMMIT)
		return 0;
	fd = openat(dfd, git_tree_entry_name(e), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return os_fail(c, "open directory");
	if (fchmod(fd, 0755) < 0)  /* mkdirat is subject to the umask; builds should not be */
		error = os_fail(c, "set the mode of");
	else if ((gerr = git_tree_lookup(&sub, c->repo->repo, git_tree_entry_id(e))) < 0)
		error = git_fail(gerr, "cannot read '%s' at '%s'", c->path.ptr, c->rev->name);
	else
		error = export_tree(c, fd, sub, depth + 1);
	git_tree_free(sub);
	close(fd);
	return error;
}

static int export_tree(walk_ctx *c, int dfd, const git_tree *tree, int depth)
{
	size_t n = git_tree_entrycount(tree);
	int error = 0;

	for (size_t i = 0; i < n && error == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		git_filemode_t mode = git_tree_entry_filemode(e);
		size_t len = c->path.size;
		if ((error = push_name(c, git_tree_entry_name(e))) < 0)
			break;
		if (mode == GIT_FILEMODE_TREE || mode == GIT_FILEMODE_COMMIT)
			error = export_dir(c, dfd, e, depth);
		else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
			 mode == GIT_FILEMODE_LINK)
			error = export_blob(c, dfd, e, mode);
		else
			error = ld_error_setc(LD_EINVALID, LD_ERR_GIT,
					      "'%s' at '%s' has unknown mode %06o", c->path.ptr,
					      c->rev->name, (unsigned)mode);
		ld_buf_truncate(&c->path, len);
	}
	return error;
}

/* Create `dir`, or accept it when it is an existing empty directory. */
static int prepare_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;
	int error = 0;

	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return ld_error_set(LD_ERR_OS, "cannot create '%s': %s", dir, strerror(errno));
	if (!(d = opendir(dir)))
		return ld_error_set(LD_ERR_OS, "cannot open '%s': %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL && error == 0)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			error = ld_error_setc(LD_EINVALID, LD_ERR_OS,
					      "'%s' is not empty; export needs an empty directory", dir);
	closedir(d);
	return error;
}

int ld_git_export(ld_git_repo *repo, const ld_git_rev *rev, const char *dir)
{
	walk_ctx c = { repo, rev, LD_BUF_INIT_CAP(LD_PATHGLOB_MAX_PATH), 0, NULL, 0, NULL, NULL, 0,
		       dir };
	git_tree *tree = NULL;
	int dfd = -1, error;

	if ((error = commit_tree(&tree, repo, rev)) < 0 || (error = prepare_dir(dir)) < 0)
		goto done;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		error = ld_error_set(LD_ERR_OS, "cannot open '%s': %s", dir, strerror(errno));
		goto done;
	}
	error = export_tree(&c, dfd, tree, 0);
done:
	if (dfd >= 0)
		close(dfd);
	git_tree_free(tree);
	ld_buf_dispose(&c.path);
	return error;
}
