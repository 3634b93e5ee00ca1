/*
 * The tag verify compares against (private to the library; the public side is
 * lambdrift/verify.h), the expect stage's part of verify: ld_verify_prepare() opens the
 * repository, resolves the tag, loads the spec (from the tag's tree, or --spec) and selects
 * its functions; ld_tag__read_lock() reads a function's lockfiles from the tag's tree, and
 * ld_tag__expect() makes, before compare, what verify's compare reads of the tag: each
 * function's expected package (pkg/expect.h's, over the same repository and revision) and
 * its lockfiles. An ld_verify owns the repository, the spec and its strings; what points
 * into it is borrowed and lives as long as it does.
 */
#ifndef LD_SPEC_TAG_H
#define LD_SPEC_TAG_H

#include <stdbool.h>
#include <stddef.h>

#include "deps/lockfile.h"
#include "git/repo.h"
#include "lambdrift/buf.h"
#include "lambdrift/deps.h"
#include "lambdrift/verify.h"
#include "spec/spec.h"
#include "audit/source.h"

struct ld_verify {
	ld_git_repo *repo;
	ld_git_rev rev;
	ld_spec *spec;
	char *tag;
	char *alias;                        /* --alias, or NULL */
	bool allow_build, strict;
	size_t max_package;
	ld_depcheck *deps;                  /* borrowed, or NULL */
	const ld_spec_function **selected;  /* borrowed from spec, in file order */
	size_t nselected;
	const char **names;                 /* unique selected names, borrowed from spec */
	size_t nnames;
	const char **regions;               /* room for nselected; filled by ld_verify_regions */
	char *repository;                   /* remote URL without credentials, or NULL */
};

/**
 * The tag's lockfiles of `sf` into `lock`: those the spec names ("lockfiles"), else those
 * at the root of a source-mode function's directory; none is an empty lock. `files` gets
 * their paths, ", "-separated, for messages.
 * @return 0; LD_ENOTFOUND (the spec names a lockfile the tag lacks), the errors of reading
 *         or parsing one, with a message
 */
int ld_tag__read_lock(const ld_verify *v, const ld_spec_function *sf, ld_lock *lock,
		      ld_buf *files);

/**
 * verify's expect stage, before anything is downloaded: for every item of `plan`
 * (audit/source.h) that wants them, the tag's package (source mode, or the build command
 * with allow_build), reduced to its manifest, CodeSha256 and (when the dependencies are
 * checked) its dependencies, the bytes let go; and the function's lockfiles. What fails
 * is kept on the item with its message, for compare to say.
 * @return 0, or LD_ERROR without memory
 */
int ld_tag__expect(ld_verify_plan *plan, const ld_verify *v);

#endif
