/*
 * Expected artifacts (the expect stage, private to the library): what a function's package
 * should be according to the tag. Source mode walks the function's subtree of the tag
 * without a checkout and yields both the content manifest and the deterministic format-v1
 * zip (whose sha256 is what Lambda reports as CodeSha256 when the team deploys lambdrift's
 * package). Build mode exports the tag to a temporary directory, runs the declared command
 * there under a time limit with every AWS credential out of reach, and takes the declared
 * artifact. An ld_expected owns its manifest and is released with ld_expected_dispose();
 * an ld_build_log owns its text and is released with ld_build_log_dispose().
 */
#ifndef LD_PKG_EXPECT_H
#define LD_PKG_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "git/repo.h"
#include "lambdrift/buf.h"
#include "pkg/manifest.h"
#include "spec/spec.h"

/* base64 of a sha256: 44 characters. */
#define LD_CODE_SHA256_LEN 44

/* Content bytes a source tree may hold: twice Lambda's 250 MB unzipped limit, as the zip
 * reader allows (LD_ZIP_LIMITS_INIT), so both sides refuse the same trees. */
#define LD_EXPECT_MAX_TREE ((size_t)512 << 20)
/* Package bytes (the zip written, or a build artifact read). */
#define LD_EXPECT_MAX_PACKAGE ((size_t)512 << 20)
/* Build output kept for the message when a build fails: the tail. */
#define LD_BUILD_LOG_TAIL 4096

typedef struct {
	ld_manifest *manifest;                     /* finished */
	char code_sha256[LD_CODE_SHA256_LEN + 1];  /* base64 sha256 of the package bytes */
	size_t package_size;                       /* bytes of the package */
} ld_expected;

void ld_expected_dispose(ld_expected *e);

/** Lambda's CodeSha256 of `len` bytes: base64 of their sha256. */
void ld_code_sha256(char out[LD_CODE_SHA256_LEN + 1], const void *data, size_t len);

/**
 * The deterministic package (format v1) of a source-mode function: the blobs under
 * fn->source minus fn->exclude, modes from git (0755 for 100755, symlinks kept). The zip is
 * appended to `zip` when not NULL; `out` (when not NULL) receives the manifest and the
 * zip's CodeSha256.
 * @return 0; LD_EUSAGE when fn is not a source-mode function; LD_ENOTFOUND when the source
 *         directory is not in the tag; LD_EINVALID for a submodule or unsafe name in it;
 *         LD_ELIMIT past LD_EXPECT_MAX_TREE or zip limits; LD_ERROR otherwise
 */
int ld_expect_source(ld_expected *out, ld_buf *zip, ld_git_repo *repo, const ld_git_rev *rev,
		     const ld_spec_function *fn);

/* What a build left behind for messages: exit status and the tail of its output. */
typedef struct {
	int status;         /* exit status, or -signal; meaningful when `ran` */
	bool ran;           /* the command was started */
	bool timed_out;     /* killed at the time limit */
	char *tail;         /* last bytes of stdout+stderr (printable, lines joined by " | "),
			       or NULL */
} ld_build_log;

void ld_build_log_dispose(ld_build_log *log);

/**
 * Build mode: export the tag into a new temporary directory, run `/bin/sh -c command`
 * there (own process group, killed at fn->build_timeout), with an environment that is the
 * current one minus every AWS_* variable, HOME an empty temporary directory and
 * AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE pointed at /dev/null; then read the
 * artifact (a regular file inside the export, at most `max_bytes`) into `artifact` and
 * describe it in `out` (manifest read from the zip, its CodeSha256). Temporary directories
 * are always removed. `log` says what the command did, for messages.
 * @return 0; LD_EUSAGE when fn is not a build-mode function; LD_ELIMIT when the command ran
 *         past its limit or the artifact is larger than max_bytes; LD_ENOTFOUND when the
 *         artifact is missing; LD_EINVALID when it escapes the export, is not a regular
 *         file or not a readable zip; LD_ERROR when the command failed (status in `log`)
 *         or for system failures. Every failure is one line fit for a finding.
 */
int ld_expect_build(ld_expected *out, ld_buf *artifact, ld_build_log *log, ld_git_repo *repo,
		    const ld_git_rev *rev, const ld_spec_function *fn, size_t max_bytes);

#endif
