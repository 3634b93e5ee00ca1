/*
 * What the commands share: the exit codes, error printing, the AWS options common to scan
 * and snapshot, collection with progress, the clock, and atomic output files. Each command
 * lives in cmd/cmd_<name>.c and is listed in main.c's command table.
 */
#ifndef LD_CMD_CLI_H
#define LD_CMD_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include <lambdrift/inventory.h>

#include "opts.h"

/* Exit codes (DESIGN.md). INCOMPLETE outranks FINDINGS: missing data is never clean. */
typedef enum {
	LD_EXIT_OK = 0,         /* nothing at or above --fail-on */
	LD_EXIT_FINDINGS = 1,   /* findings at or above --fail-on */
	LD_EXIT_USAGE = 2,      /* bad command line, spec or input file; output not written */
	LD_EXIT_INCOMPLETE = 3  /* data is missing: auth, network, throttling, partial snapshot */
} ld_exit_code;

typedef int (*ld_cmd_fn)(int argc, char **argv);

int ld_cmd_scan(int argc, char **argv);
int ld_cmd_snapshot(int argc, char **argv);
int ld_cmd_rules(int argc, char **argv);

/** Print "lambdrift: <message>" to stderr. */
void ld_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print ld_error_last() (with a hint for credential errors); return the exit code for
 *  the library error `error`: INCOMPLETE for auth/network/throttling, else USAGE. */
int ld_cli_fail(int error);

/* The options that reach AWS, shared by scan and snapshot. */
typedef struct {
	const char *profile;
	ld_opt_list regions;
	const char *endpoint_url;
	const char *timeout;
	ld_opt_list functions;
	bool quiet;
} ld_cli_aws;

#define LD_CLI_AWS_OPTS(a) \
	{ "profile", 0, LD_OPT_STRING, "NAME", \
	  "AWS profile (default: AWS_PROFILE, else \"default\")", &(a).profile }, \
	{ "region", 0, LD_OPT_CSV_LIST, "REGION", \
	  "region to scan; repeat or use commas for several\n" \
	  "(default: AWS_REGION, AWS_DEFAULT_REGION, the profile)", &(a).regions }, \
	{ "endpoint-url", 0, LD_OPT_STRING, "URL", \
	  "Lambda endpoint, e.g. a local emulator\n" \
	  "(default: AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL)", &(a).endpoint_url }, \
	{ "timeout", 0, LD_OPT_STRING, "SECONDS", \
	  "total deadline for collecting (default: none)", &(a).timeout }, \
	{ "function", 0, LD_OPT_LIST, "GLOB", \
	  "only functions whose name matches; repeatable (default: all)", &(a).functions }, \
	{ "quiet", 'q', LD_OPT_FLAG, NULL, "no progress line on stderr", &(a).quiet }

/* The ENVIRONMENT section of --help for commands that reach AWS. */
#define LD_CLI_AWS_ENV_DOC \
	"  AWS_PROFILE               profile when --profile is not given\n" \
	"  AWS_REGION, AWS_DEFAULT_REGION\n" \
	"                            region when --region is not given\n" \
	"  AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL\n" \
	"                            endpoint when --endpoint-url is not given\n" \
	"  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN\n" \
	"                            credentials (else the profile, web identity,\n" \
	"                            container or instance credentials)\n" \
	"  AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE\n" \
	"                            where profiles are read (default ~/.aws/)\n" \
	"  AWS_CA_BUNDLE             extra CA certificates; TLS is always verified\n" \
	"  CI                        when set, no progress line\n"

/** True when any option that needs AWS access was given (for --inventory conflicts);
 *  `which` receives its name. */
bool ld_cli_aws_used(const ld_cli_aws *a, const char **which);

/**
 * Collect the inventory for the options: one session (the first --region sets its
 * region), then every region in turn into `inv`. A region that fails as a whole becomes a
 * problem line, and the run goes on. Errors are printed.
 * @return LD_EXIT_OK when complete; LD_EXIT_INCOMPLETE with *collected true when something
 *         was gathered but data is missing, false when no session could be made;
 *         LD_EXIT_USAGE for bad options, profile or config
 */
int ld_cli_collect(ld_inventory *inv, const ld_cli_aws *a, bool *collected);

/** Parse a non-negative decimal integer no larger than `max`. @return 0 or -1 */
int ld_cli_parse_count(long *out, const char *s, long max);

/**
 * "Now" for the run: the current time, or midnight UTC of LAMBDRIFT_NOW=YYYY-MM-DD when
 * set (so golden tests are stable). `today` is midnight UTC of that day; `stamp` the
 * RFC 3339 start time. @return 0, or LD_EXIT_USAGE after printing an error
 */
int ld_cli_now(time_t *today, char stamp[32]);

/* An output destination: stdout, or FILE written through a temp file and renamed into
 * place on commit, so a reader never sees half a report. */
typedef struct {
	FILE *fp;
	char *path; /* NULL for stdout */
	char *tmp;
	bool created; /* tmp exists on disk and must be removed unless renamed */
} ld_cli_out;

/** Open `path` ("-" or NULL: stdout). @return 0, or -1 after printing an error */
int ld_cli_out_open(ld_cli_out *o, const char *path);
/** Flush, close and rename into place. @return 0, or -1 after printing an error */
int ld_cli_out_commit(ld_cli_out *o);
/** Drop an uncommitted output (removes the temp file). Accepts a zeroed struct. */
void ld_cli_out_abort(ld_cli_out *o);

#endif
