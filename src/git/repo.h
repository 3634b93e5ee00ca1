/*
 * The repository side (private to the library; the only module that includes libgit2):
 * open a repository, resolve the tag a release names to its commit, and read what that
 * commit holds without a checkout — one file, a subtree walked blob by blob, or the whole
 * tree exported to a directory for build mode. An ld_git_repo is freed with ld_git_free();
 * an ld_git_rev is a plain value the caller keeps; ld_git_entry pointers passed to a walk
 * callback are borrowed for the duration of the call. libgit2 failures are reported as
 * LD_ERR_GIT messages, with LD_ENOTFOUND for things that do not exist.
 */
#ifndef LD_GIT_REPO_H
#define LD_GIT_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/buf.h"

#define LD_GIT_OID_HEX 40
#define LD_GIT_MAX_DEPTH 64                          /* directory nesting in a walk */
#define LD_GIT_MAX_BLOB ((size_t)256 * 1024 * 1024)  /* one file in an export */
#define LD_GIT_MAX_EXPORT ((size_t)1024 * 1024 * 1024) /* all files of an export */

/* Git file modes a walk yields (octal, as git writes them). */
#define LD_GIT_MODE_FILE 0100644
#define LD_GIT_MODE_EXEC 0100755
#define LD_GIT_MODE_LINK 0120000

typedef struct ld_git_repo ld_git_repo;

typedef enum {
	LD_GIT_TAG_ANNOTATED = 1,
	LD_GIT_TAG_LIGHTWEIGHT,
	LD_GIT_REF_BRANCH,  /* only with allow_ref */
	LD_GIT_REF_OTHER,   /* any other revision expression (HEAD, a SHA, ...); only with allow_ref */
} ld_git_rev_kind;

/* A resolved revision: what the user named and the commit it stands for. */
typedef struct {
	char name[256];                    /* as given, truncated for display */
	char commit[LD_GIT_OID_HEX + 1];   /* full hex id of the commit */
	ld_git_rev_kind kind;
} ld_git_rev;

/* One blob met by ld_git_walk(). */
typedef struct {
	const char *path;                  /* relative to the walked subtree, '/'-separated */
	const char *repo_path;             /* relative to the repository root */
	unsigned mode;                     /* LD_GIT_MODE_FILE, _EXEC or _LINK */
	size_t size;                       /* content bytes (a symlink's content is its target) */
	char oid[LD_GIT_OID_HEX + 1];      /* blob id */
} ld_git_entry;

/**
 * Open the repository at or above `path` (a work tree, a linked worktree, or a bare
 * repository; not a file, even inside a work tree). @return 0, LD_ENOTFOUND when no
 * repository is there or `path` is not a directory, LD_ERROR otherwise
 */
int ld_git_open(ld_git_repo **out, const char *path);

/** Close a repository; accepts NULL. */
void ld_git_free(ld_git_repo *repo);

/**
 * The URL of the repository's "origin" remote (else its only remote), without any user
 * name or password it embeds (https://user:token@host/... becomes https://host/...), so it
 * can be shown and signed. *out is NULL when there is none; the caller frees it.
 * @return 0, or LD_ERROR without memory
 */
int ld_git_remote_url(char **out, ld_git_repo *repo);

/**
 * Resolve `name` to a commit. A tag (annotated, peeled to its commit, or lightweight) is
 * always accepted; "refs/tags/NAME" means the tag NAME. Anything else — a branch, a raw
 * commit id, HEAD — is refused with LD_EUSAGE unless `allow_ref`, because it can move.
 * @return 0; LD_ENOTFOUND naming the newest existing tags; LD_EUSAGE for a refused ref or
 *         a tag that points at something other than a commit; LD_ERROR for a tag whose
 *         object cannot be read (a broken or shallow repository)
 */
int ld_git_resolve(ld_git_rev *out, ld_git_repo *repo, const char *name, bool allow_ref);

/**
 * Append the content of the regular file `path` of the commit to `out`, bounded by the
 * buffer's cap. @return 0; LD_ENOTFOUND when absent; LD_ELIMIT when larger than the room
 *         left; LD_EINVALID when the path names a directory, symlink or submodule
 */
int ld_git_read_file(ld_buf *out, ld_git_repo *repo, const ld_git_rev *rev, const char *path);

/**
 * Callback of ld_git_walk: return 0 to continue, or a negative LD_E* code (after setting
 * an error) to stop the walk, which then returns that code.
 */
typedef int (*ld_git_walk_cb)(const ld_git_entry *entry, void *payload);

/**
 * Walk the blobs under `subtree` ("" or "." for the whole tree) of the commit, in bytewise
 * order of path (git's tree order gives that), skipping paths `excludes` match (util/glob.h
 * semantics, relative to the subtree; an excluded directory is not entered).
 * @return 0; LD_ENOTFOUND when the subtree does not exist; LD_EINVALID when it is not a
 *         directory, or for a submodule (it cannot be packaged: exclude it) or an unsafe
 *         entry name; LD_ELIMIT past LD_GIT_MAX_DEPTH; or what the callback returned
 */
int ld_git_walk(ld_git_repo *repo, const ld_git_rev *rev, const char *subtree,
		const char *const *excludes, size_t nexcludes, ld_git_walk_cb cb, void *payload);

/**
 * Append the content of a walked blob to `out`, bounded by its cap.
 * @return 0, LD_ELIMIT when it does not fit, LD_ERROR when the object cannot be read
 */
int ld_git_entry_read(ld_buf *out, ld_git_repo *repo, const ld_git_entry *entry);

/**
 * Write the tree of the commit into directory `dir`, which must be absent (it is created
 * 0755) or empty: regular files with mode 0644/0755 (umask does not apply), symlinks as
 * symlinks (their targets are kept as they are: packages may point into /opt), directories;
 * a submodule becomes an empty directory, as in a checkout without submodules. Nothing is
 * written outside `dir`: entries named "", ".", "..", ".git" or containing '/' are refused,
 * and every directory and file is created relative to a descriptor of its parent with
 * O_EXCL / O_NOFOLLOW, so no symlink is ever followed.
 * @return 0; LD_EINVALID for an unsafe entry or a non-empty `dir`; LD_ELIMIT past
 *         LD_GIT_MAX_BLOB or LD_GIT_MAX_EXPORT; LD_ERROR for file-system failures. On
 *         failure `dir` is left as it is for the caller to remove.
 */
int ld_git_export(ld_git_repo *repo, const ld_git_rev *rev, const char *dir);

/** The path the repository was opened with, for messages. */
const char *ld_git_path(const ld_git_repo *repo);

#endif
