/*
 * Helpers shared by the commands (cli.h): error printing with hints, the AWS session and
 * collection over regions with a progress line, snapshot loading, the run's clock, and
 * output files that appear atomically. The report options and the ending of scan and
 * verify live in outputs.c. Nothing here prints secrets: messages come from
 * ld_error_last(), which never holds any.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lambdrift/aws.h>
#include <lambdrift/errors.h>

#include "cli.h"

void ld_cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("lambdrift: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void auth_hint(void)
{
	fputs("hint: 'aws sts get-caller-identity' with the same profile and environment shows\n"
	      "      which credentials are found; lambdrift resolves them the same way\n", stderr);
}

static int exit_for(int error)
{
	switch (error) {
	case LD_EAUTH:
	case LD_ENET:
	case LD_ETHROTTLED:
	case LD_ELIMIT:
		return LD_EXIT_INCOMPLETE;
	default:
		return LD_EXIT_USAGE;
	}
}

int ld_cli_fail(int error)
{
	const char *msg = ld_error_last()->message;

	ld_cli_errorf("%s", *msg ? msg : "failed for an unknown reason");
	if (error == LD_EAUTH)
		auth_hint();
	return exit_for(error);
}

bool ld_cli_aws_used(const ld_cli_aws *a, const char **which)
{
	*which = a->profile ? "--profile" : a->regions.count ? "--region" :
		 a->endpoint_url ? "--endpoint-url" : a->timeout ? "--timeout" : NULL;
	return *which != NULL;
}

int ld_cli_parse_count(long *out, const char *s, long max)
{
	long v = 0;

	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* ---- progress: one \r-updated line on a terminal ---- */

typedef struct {
	size_t width; /* columns of the line now shown, to blank it out */
} progress_line;

static void progress_cb(void *ctx, const ld_inventory *inv, const char *region)
{
	progress_line *p = ctx;
	const ld_api_calls *c = &inv->calls;
	unsigned long calls = c->control + c->get_function + c->sts;
	int n = fprintf(stderr, "\rscanning %s: %zu function%s, %lu call%s", region ? region : "",
			inv->nfunctions, inv->nfunctions == 1 ? "" : "s", calls, calls == 1 ? "" : "s");

	for (size_t w = n > 0 ? (size_t)n - 1 : 0; w < p->width; w++)
		fputc(' ', stderr);
	if (n > 0 && (size_t)n - 1 > p->width)
		p->width = (size_t)n - 1;
	fflush(stderr);
}

static void progress_clear(progress_line *p)
{
	if (!p->width)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->width, "");
	fflush(stderr);
	p->width = 0;
}

static bool progress_wanted(const ld_cli_aws *a)
{
	const char *ci = getenv("CI");
	return !a->quiet && (!ci || !*ci) && isatty(STDERR_FILENO);
}

/* ---- collection ---- */

static void collect_region(ld_inventory *inv, ld_aws_session *s, const char *region,
			   const ld_collect_opts *co, progress_line *p)
{
	char msg[sizeof(ld_error_last()->message)];
	int error = ld_collect(inv, s, region, co);

	if (error >= 0)
		return;
	progress_clear(p);
	snprintf(msg, sizeof(msg), "%s", ld_error_last()->message);
	if (!region)
		region = ld_aws_session_region(s);
	ld_cli_errorf("region %s: %s", region ? region : "(default)", msg);
	if (error == LD_EAUTH)
		auth_hint();
	ld_inventory_problem(inv, "region %s: %s", region ? region : "(default)", msg);
}

int ld_cli_session(ld_aws_session **out, const ld_cli_aws *a, const char *cmd)
{
	ld_aws_opts ao = LD_AWS_OPTS_INIT;
	long timeout = 0;
	int error;

	*out = NULL;
	if (a->timeout && ld_cli_parse_count(&timeout, a->timeout, 7L * 86400) < 0) {
		ld_cli_errorf("--timeout '%s' is not a whole number of seconds (0 to 604800); "
			      "see 'lambdrift %s --help'", a->timeout, cmd);
		return LD_EXIT_USAGE;
	}
	ao.profile = a->profile;
	ao.region = a->regions.count ? a->regions.items[0] : NULL;
	ao.endpoint_url = a->endpoint_url;
	ao.timeout_seconds = timeout;
	if ((error = ld_aws_session_new(out, &ao)) < 0)
		return ld_cli_fail(error);
	return LD_EXIT_OK;
}

/* Whether regions[i] already appeared earlier in the list (NULL matches NULL). */
static bool seen_before(const char *const *regions, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if ((!regions[j] && !regions[i]) ||
		    (regions[j] && regions[i] && !strcmp(regions[j], regions[i])))
			return true;
	return false;
}

int ld_cli_collect_regions(ld_inventory *inv, ld_aws_session *s, const ld_cli_aws *a,
			   const char *const *regions, size_t nregions,
			   const char *const *globs, size_t nglobs)
{
	ld_collect_opts co = LD_COLLECT_OPTS_INIT;
	progress_line line = { 0 };

	co.function_globs = globs;
	co.nglobs = nglobs;
	if (progress_wanted(a)) {
		co.progress = progress_cb;
		co.progress_ctx = &line;
	}
	for (size_t i = 0; i < nregions; i++)
		if (!seen_before(regions, i))
			collect_region(inv, s, regions[i], &co, &line);
	progress_clear(&line);
	ld_inventory_filter(inv, globs, nglobs);
	return inv->complete ? LD_EXIT_OK : LD_EXIT_INCOMPLETE;
}

int ld_cli_collect(ld_inventory *inv, const ld_cli_aws *a, const char *cmd, bool *collected)
{
	static const char *const session_region[] = { NULL };
	ld_aws_session *s = NULL;
	int rc;

	*collected = false;
	if ((rc = ld_cli_session(&s, a, cmd)) != LD_EXIT_OK)
		return rc;
	*collected = true;
	if (a->regions.count)
		rc = ld_cli_collect_regions(inv, s, a, (const char *const *)a->regions.items,
					    a->regions.count,
					    (const char *const *)a->functions.items,
					    a->functions.count);
	else
		rc = ld_cli_collect_regions(inv, s, a, session_region, 1,
					    (const char *const *)a->functions.items,
					    a->functions.count);
	ld_aws_session_free(s);
	return rc;
}

int ld_cli_load_inventory(ld_inventory *inv, const char *path, const char *const *globs,
			  size_t nglobs)
{
	int error;

	if ((error = ld_inventory_load(inv, path)) < 0) {
		ld_cli_fail(error);
		return LD_EXIT_USAGE;
	}
	ld_inventory_filter(inv, globs, nglobs);
	if (!inv->complete) {
		ld_cli_errorf("'%s' is an incomplete snapshot (%zu %s); findings may be missing",
			      path, inv->nproblems, inv->nproblems == 1 ? "problem" : "problems");
		return LD_EXIT_INCOMPLETE;
	}
	return LD_EXIT_OK;
}

/* ---- the clock ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm), so no
 * timegm() is needed. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static int parse_date(time_t *out, const char *s)
{
	unsigned y, m, d;
	char tail;
	struct tm tm;
	time_t t;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	t = (time_t)days_from_civil((long)y, m, d) * 86400;
	/* Round-trip through gmtime to refuse dates such as 2026-02-30. */
	if (!gmtime_r(&t, &tm) || tm.tm_mday != (int)d || tm.tm_mon + 1 != (int)m)
		return -1;
	*out = t;
	return 0;
}

int ld_cli_now(time_t *today, char stamp[32])
{
	const char *pinned = getenv("LAMBDRIFT_NOW");
	time_t now = time(NULL);
	struct tm tm;

	if (pinned && *pinned) {
		if (parse_date(&now, pinned) < 0) {
			ld_cli_errorf("LAMBDRIFT_NOW='%s' is not a date; use YYYY-MM-DD or unset it",
				      pinned);
			return LD_EXIT_USAGE;
		}
	}
	*today = now - now % 86400;
	if (!gmtime_r(&now, &tm) || !strftime(stamp, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(stamp, 32, "1970-01-01T00:00:00Z");
	return 0;
}

/* ---- output files ---- */

/* A device or FIFO (-o /dev/null): no temp file and no rename, which would put a regular
 * file in its place. */
static int open_direct(ld_cli_out *o, const char *path)
{
	if (!(o->path = strdup(path))) {
		ld_cli_errorf("out of memory");
		return -1;
	}
	if (!(o->fp = fopen(path, "w"))) {
		ld_cli_errorf("cannot open '%s': %s", path, strerror(errno));
		free(o->path);
		memset(o, 0, sizeof(*o));
		return -1;
	}
	return 0;
}

int ld_cli_out_open(ld_cli_out *o, const char *path)
{
	struct stat st;
	mode_t mask;
	size_t len;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->fp = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		return open_direct(o, path);
	len = strlen(path);
	if (!(o->tmp = malloc(len + sizeof(".XXXXXX"))) || !(o->path = strdup(path))) {
		ld_cli_errorf("out of memory");
		goto fail;
	}
	memcpy(o->tmp, path, len);
	memcpy(o->tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	if ((fd = mkstemp(o->tmp)) < 0) {
		ld_cli_errorf("cannot create '%s': %s", path, strerror(errno));
		goto fail;
	}
	o->created = true;
	/* mkstemp makes the file 0600; give it the mode a plain create would have. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	if (!(o->fp = fdopen(fd, "w"))) {
		ld_cli_errorf("cannot open '%s': %s", o->tmp, strerror(errno));
		close(fd);
		goto fail;
	}
	return 0;
fail:
	ld_cli_out_abort(o);
	return -1;
}

int ld_cli_out_commit(ld_cli_out *o)
{
	int error = 0;

	if (!o->path) {
		if (fflush(o->fp) != 0 || ferror(o->fp)) {
			ld_cli_errorf("cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (fflush(o->fp) != 0 || ferror(o->fp) || (o->tmp && fsync(fileno(o->fp)) != 0))
		error = -1;
	if (fclose(o->fp) != 0)
		error = -1;
	o->fp = NULL;
	if (!error && o->tmp && rename(o->tmp, o->path) != 0)
		error = -1;
	if (error) {
		ld_cli_errorf("cannot write '%s': %s", o->path, strerror(errno));
		ld_cli_out_abort(o);
		return -1;
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
	return 0;
}

void ld_cli_out_abort(ld_cli_out *o)
{
	if (!o)
		return;
	if (o->path && o->fp)
		fclose(o->fp);
	if (o->created)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}
