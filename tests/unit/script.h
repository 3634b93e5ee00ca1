/*
 * The scripted transport of the unit tests: an ld_transport that answers from a table of
 * expected request → canned response instead of a server, and records what each request
 * sent, so a test can drive the AWS client, the session, the providers or verify's
 * downloads and then check the requests. In order (the default) each request takes the
 * next step, whose url_has the URL must contain, and a request past the script fails the
 * test; as routes (`routes` true) each request is answered by the first step whose url_has
 * its URL contains, steps are reused, and `fallback` answers the rest. An ld_script is
 * made by ld_script_new() and freed with ld_transport_free(&s->base) (or by the session
 * that was given it); it owns the recorded requests and the strings ld_script_own() takes.
 * Nothing here is thread-safe: one script per transport, one thread per transport.
 * Also the shell-scripted fixture directory the repository tests build their git
 * repositories in (ld_script_fixture_dir, ld_script_fixture_repo): one per test process.
 */
#ifndef LD_TEST_SCRIPT_H
#define LD_TEST_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/profile.h"
#include "aws/retry.h"
#include "http/http.h"

#define LD_SCRIPT_MAX 64

/* content_length: the body's own length, as a server that sends Content-Length. */
#define LD_SCRIPT_BODY_LENGTH (-1LL)

typedef struct {
	const char *url_has;      /* in order: the URL must contain it; as routes: the requests
				     this step answers. NULL: any */
	long status;
	const char *body;         /* NULL: "" */
	size_t len;               /* bytes of body; 0: strlen(body) */
	long retry_after;         /* Retry-After seconds; 0: none */
	const char *error_type;   /* x-amzn-ErrorType, kept up to ':' as the transport does */
	long long content_length; /* 0: no Content-Length; LD_SCRIPT_BODY_LENGTH; else this */
	const char *fail;         /* instead of a response, a transient transport failure:
				     "request to <scheme://host/path> <fail>" */
} ld_script_step;

typedef struct {
	ld_transport base;
	bool routes;              /* answer by url_has, steps reused (else in order) */
	ld_script_step fallback;  /* routes: the answer when no step matches */
	ld_script_step steps[LD_SCRIPT_MAX];
	size_t nsteps;
	size_t next;              /* requests answered so far; in order, the next step (a test
				     may rewind it, or skip to nsteps so any request fails) */
	/* what request i sent (the first LD_SCRIPT_MAX); a rewound script records again */
	char *method[LD_SCRIPT_MAX];
	char *url[LD_SCRIPT_MAX];
	char *headers[LD_SCRIPT_MAX]; /* "Name: value\n" lines */
	char *body[LD_SCRIPT_MAX];    /* NULL when none was sent */
	long timeout[LD_SCRIPT_MAX];
	char *owned[LD_SCRIPT_MAX];
	size_t nowned;
} ld_script;

/** A new, empty script (aborts the test run without memory). */
ld_script *ld_script_new(void);

/** Append a step (one past LD_SCRIPT_MAX fails the test). */
void ld_script_add(ld_script *s, ld_script_step step);

/** Keep `str` (malloc'd) until the script is freed; returns it, for step bodies and
 *  url_has built by the test. */
char *ld_script_own(ld_script *s, char *str);

/** How many recorded requests' URLs contain `what`. */
size_t ld_script_count(const ld_script *s, const char *what);

/** A retry policy with no pacing (every rate 0) and `attempts` attempts per request. */
ld_retry_policy ld_script_unpaced(int attempts);

/** `cfg` zeroed, then as static keys in the environment resolve: profile default, `region`,
 *  every service at http://127.0.0.1:5000, access key AKIDEXAMPLE with `secret`; the caller
 *  may set more endpoints. Its strings are malloc'd, for the session that takes it. */
void ld_script_config(ld_aws_config *cfg, const char *region, const char *secret);

/** The fixture directory of this test process: /tmp/ld-test-<name>-XXXXXX, made on the
 *  first call (later ones return it, whatever their name), exported as $FX, removed at exit,
 *  with git's system and global configuration turned off for what runs after. NULL when it
 *  cannot be made. */
const char *ld_script_fixture_dir(const char *name);

/** Make the fixture repository: `sh` runs (written to make.sh, its output to make.log) in
 *  a new git repository $FX/repo on branch main, committer "t <t@example.com>", under
 *  `set -e`. @return the repository's path (static), or NULL (the log copied to stderr)
 *  when the script fails or there is no fixture directory */
const char *ld_script_fixture_repo(const char *sh);

#endif
