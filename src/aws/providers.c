/*
 * The credential providers behind providers.h, each following botocore's protocol: web
 * identity reads its token file at every fetch and calls STS AssumeRoleWithWebIdentity
 * unsigned; credential_process runs the command with /bin/sh -c in its own process group,
 * reads at most LD_PROCESS_MAX_OUTPUT bytes of stdout within a timeout (stderr is
 * discarded: only the exit status is reported), and accepts only Version 1 JSON; the
 * container provider GETs its URL (allowed hosts only) with the optional Authorization
 * token, 2 s per attempt, 3 attempts one second apart; IMDS PUTs for a session token,
 * falls back to IMDSv1 on 403/404/405 or no answer unless v1 is disabled, then GETs the
 * role name and the role's credentials. Every buffer that held a secret is wiped.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/providers.h"
#include "aws/sts.h"
#include "lambdrift/errors.h"
#include "util/file.h"
#include "util/json.h"

#define MAX_TOKEN_FILE ((size_t)64 * 1024) /* read bound of a token file */
#define MAX_METADATA ((size_t)64 * 1024)   /* bound of one metadata response */
#define MAX_IMDS_TOKEN 1024
#define MAX_ROLE_NAME 128
#define IMDS_EXPIRED_GRACE 600 /* botocore's "static stability": use expired IMDS keys a while */

/* --- small helpers ---------------------------------------------------------------- */

static time_t wall_now(const ld_provider_ctx *ctx)
{
	return ctx->now ? ctx->now : time(NULL);
}

static void nap(const ld_provider_ctx *ctx, long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	if (ctx->retry && ctx->retry->sleep_ms) {
		ctx->retry->sleep_ms(ctx->retry->ctx, ms);
		return;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Remaining time before the run's deadline, capped at `want`; LD_ELIMIT once it passed. */
static int request_timeout(const ld_provider_ctx *ctx, long want, long *out, const char *what)
{
	int64_t left;

	*out = want;
	if (!ctx->deadline_ms)
		return 0;
	left = ctx->deadline_ms - ld_aws_now_ms();
	if (left <= 0)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CREDS,
				     "%s not fetched: the run's deadline (--timeout) has passed", what);
	if (left < want)
		*out = (long)left;
	return 0;
}

static void trim_right(ld_buf *b)
{
	while (b->size && isspace((unsigned char)b->ptr[b->size - 1]))
		ld_buf_truncate(b, b->size - 1);
}

static int dup_field(char **out, const char *s)
{
	if (!(*out = strdup(s)))
		return ld_error_oom();
	return 0;
}

/*
 * Credentials from a JSON object: AccessKeyId, SecretAccessKey, `token_key` and Expiration
 * (both required when `full`, as the container and IMDS answers always carry them).
 */
static int creds_from_json(ld_credentials *out, const ld_json *j, const char *token_key,
			   bool full, const char *what)
{
	const char *ak = ld_json_get_str(j, "AccessKeyId");
	const char *sk = ld_json_get_str(j, "SecretAccessKey");
	const char *tok = ld_json_get_str(j, token_key);
	const char *exp = ld_json_get_str(j, "Expiration");
	const char *missing = !ak || !*ak ? "AccessKeyId" : !sk || !*sk ? "SecretAccessKey"
			    : full && (!tok || !*tok) ? token_key
			    : full && !exp ? "Expiration" : NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (missing)
		return ld_error_setc(LD_EINVALID, LD_ERR_CREDS, "%s returned no %s", what, missing);
	if (exp && ld_parse_iso8601(&out->expiration, exp) < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
				     "%s returned an Expiration that is not an ISO 8601 time", what);
	if ((error = dup_field(&out->access_key_id, ak)) < 0 ||
	    (error = dup_field(&out->secret_access_key, sk)) < 0 ||
	    (tok && *tok && (error = dup_field(&out->session_token, tok)) < 0)) {
		ld_credentials_dispose(out);
		return error;
	}
	return 0;
}

/* Parse `body` as a JSON object into credentials; `what` names the source in messages. */
static int creds_from_body(ld_credentials *out, const ld_buf *body, const char *token_key,
			   bool full, const char *what)
{
	ld_json *j = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (ld_json_parse(&j, body->ptr, body->size, what) < 0 || !ld_json_is_object(j)) {
		ld_json_free(j);
		return ld_error_setc(LD_EINVALID, LD_ERR_CREDS, "%s returned something other than "
				     "a JSON object", what);
	}
	error = creds_from_json(out, j, token_key, full, what);
	ld_json_free(j);
	return error;
}

const char *ld_provider_name(ld_provider_kind kind)
{
	switch (kind) {
	case LD_PROVIDER_WEB_IDENTITY:
		return "web identity";
	case LD_PROVIDER_PROCESS:
		return "credential_process";
	case LD_PROVIDER_CONTAINER:
		return "container credentials";
	case LD_PROVIDER_IMDS:
		return "ec2 instance metadata";
	case LD_PROVIDER_STATIC:
	default:
		return "static keys";
	}
}

/* --- web identity ----------------------------------------------------------------- */

static int read_web_token(ld_buf *token, const ld_provider *p)
{
	int rc = ld_buf_read_file(token, p->token_file, MAX_TOKEN_FILE);

	if (rc < 0 && rc != LD_ELIMIT)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "cannot read the web identity token file '%s': %s; check "
				     "AWS_WEB_IDENTITY_TOKEN_FILE or web_identity_token_file in "
				     "profile '%s'", p->token_file, strerror(errno),
				     p->profile ? p->profile : "default");
	trim_right(token);
	if (rc == LD_ELIMIT || token->size > LD_WEB_IDENTITY_MAX_TOKEN)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "the web identity token file '%s' holds more than %d bytes, "
				     "more than sts accepts; point it at the token itself",
				     p->token_file, LD_WEB_IDENTITY_MAX_TOKEN);
	if (!token->size)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "the web identity token file '%s' is empty; its issuer (eks, "
				     "github actions, ...) has not written it yet", p->token_file);
	return 0;
}

int ld_provider_web_identity(ld_credentials *out, const ld_provider *p,
			     const ld_provider_ctx *ctx)
{
	ld_buf token = LD_BUF_INIT_CAP(MAX_TOKEN_FILE);
	ld_credentials none;
	ld_aws_client sts;
	ld_web_identity req;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&none, 0, sizeof(none));
	memset(&sts, 0, sizeof(sts));
	if ((error = read_web_token(&token, p)) < 0)
		goto done;
	if (!ctx->sts_endpoint) {
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CREDS,
				      "web identity needs an sts endpoint: set a region");
		goto done;
	}
	if ((error = ld_aws_client_init(&sts, ctx->transport, &none, ctx->region, "sts",
					ctx->sts_endpoint, ctx->calls, ctx->retry,
					ctx->deadline_ms)) < 0)
		goto done;
	req.role_arn = p->role_arn;
	req.session_name = p->session_name;
	req.token = token.ptr;
	req.token_file = p->token_file;
	error = ld_sts_assume_role_with_web_identity(out, &sts, &req);
done:
	ld_aws_client_dispose(&sts);
	ld_buf_dispose_secret(&token);
	return error;
}

/* --- credential_process ----------------------------------------------------------- */

typedef struct {
	pid_t pid;
	int fd;              /* read end of the child's stdout */
	int64_t deadline_ms; /* monotonic */
	bool timed_out;
	bool too_big;
	int status;          /* waitpid status */
} child;

/* Fork /bin/sh -c `command` in its own process group, stdout to a pipe, stderr discarded. */
static int spawn(child *c, const char *command)
{
	char *argv[] = { "sh", "-c", (char *)command, NULL };
	int fds[2];

	if (pipe(fds) < 0)
		return ld_error_set(LD_ERR_OS, "cannot create a pipe for credential_process: %s",
				    strerror(errno));
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	c->pid = fork();
	if (c->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return ld_error_set(LD_ERR_OS, "cannot start credential_process: %s",
				    strerror(errno));
	}
	if (c->pid == 0) {
		/* only async-signal-safe calls until exec */
		int devnull = open("/dev/null", O_WRONLY);
		setpgid(0, 0);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(127);
		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO);
		execv("/bin/sh", argv);
		_exit(127);
	}
	setpgid(c->pid, c->pid); /* also here, so the group exists before a kill */
	close(fds[1]);
	c->fd = fds[0];
	return 0;
}

static void kill_child(const child *c)
{
	kill(-c->pid, SIGKILL);
	kill(c->pid, SIGKILL);
}

/* Read the child's stdout until EOF, the size bound or the deadline. */
static int read_child(child *c, ld_buf *out)
{
	char chunk[4096];
	struct pollfd pfd;
	int64_t left;
	ssize_t n;
	int rc = 0;

	for (;;) {
		if ((left = c->deadline_ms - ld_aws_now_ms()) <= 0) {
			c->timed_out = true;
			break;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, left > 1000 ? 1000 : (int)left)) < 0 && errno != EINTR) {
			rc = ld_error_set(LD_ERR_OS, "cannot read credential_process output: %s",
					  strerror(errno));
			break;
		}
		if (n <= 0)
			continue;
		if ((n = read(c->fd, chunk, sizeof(chunk))) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EOF (or an error, which the exit status will explain) */
		if (out->size + (size_t)n > LD_PROCESS_MAX_OUTPUT ||
		    ld_buf_put(out, chunk, (size_t)n) < 0) {
			c->too_big = true;
			break;
		}
	}
	memset(chunk, 0, sizeof(chunk));
	return rc;
}

/* Wait for the child, killing its group when it overruns the deadline or was cut off. */
static void reap_child(child *c)
{
	struct timespec ts = { 0, 5 * 1000000L };
	pid_t w;

	if (c->timed_out || c->too_big)
		kill_child(c);
	for (;;) {
		w = waitpid(c->pid, &c->status, WNOHANG);
		if (w == c->pid || (w < 0 && errno != EINTR))
			break;
		if (w == 0 && ld_aws_now_ms() >= c->deadline_ms) {
			/* stdout closed but the process lingers: it has had its time */
			c->timed_out = true;
			kill_child(c);
			while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		nanosleep(&ts, NULL);
	}
}

static int process_failed(const ld_provider *p, const child *c, long timeout_ms)
{
	const char *name = p->profile ? p->profile : "default";

	if (c->timed_out)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CREDS,
				     "credential_process of profile '%s' did not finish within %ld "
				     "ms and was killed; run it by hand to see why it hangs", name,
				     timeout_ms);
	if (c->too_big)
		return ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
				     "credential_process of profile '%s' wrote more than %zu bytes; "
				     "it must print only the credentials JSON", name,
				     LD_PROCESS_MAX_OUTPUT);
	if (WIFSIGNALED(c->status))
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "credential_process of profile '%s' was killed by signal %d; "
				     "run it by hand to see why", name, WTERMSIG(c->status));
	return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
			     "credential_process of profile '%s' exited with status %d%s; run it "
			     "by hand to see its error", name, WEXITSTATUS(c->status),
			     WEXITSTATUS(c->status) == 127 ? " (command not found?)" : "");
}

/* Check Version 1 and take the keys of a credential_process answer. */
static int parse_process_output(ld_credentials *out, const ld_buf *body, const ld_provider *p,
				time_t now)
{
	const char *name = p->profile ? p->profile : "default";
	char what[300];
	ld_json *j = NULL;
	double version = 0;
	int error;

	memset(out, 0, sizeof(*out));
	snprintf(what, sizeof(what), "credential_process of profile '%s'", name);
	if (ld_json_parse(&j, body->ptr, body->size, "credential_process output") < 0 ||
	    !ld_json_is_object(j)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
				      "%s did not print a JSON object; it must print "
				      "{\"Version\": 1, \"AccessKeyId\": ..., ...}", what);
		goto done;
	}
	if (!ld_json_get_num(j, "Version", &version) || version != 1.0) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
				      "%s printed an unsupported Version (only the number 1 is "
				      "supported); fix the tool's output", what);
		goto done;
	}
	if ((error = creds_from_json(out, j, "SessionToken", false, what)) < 0)
		goto done;
	if (out->expiration && out->expiration <= now) {
		ld_credentials_dispose(out);
		error = ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				      "%s returned credentials that have already expired (check "
				      "the tool and the system clock)", what);
	}
done:
	ld_json_free(j);
	return error;
}

int ld_provider_process(ld_credentials *out, const ld_provider *p, const ld_provider_ctx *ctx)
{
	ld_buf body = LD_BUF_INIT_CAP(LD_PROCESS_MAX_OUTPUT);
	long timeout = p->timeout_ms > 0 ? p->timeout_ms : LD_PROCESS_TIMEOUT_MS;
	child c;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	if ((error = request_timeout(ctx, timeout, &timeout, "credential_process")) < 0 ||
	    (error = spawn(&c, p->command)) < 0)
		goto done;
	c.deadline_ms = ld_aws_now_ms() + timeout;
	error = read_child(&c, &body);
	close(c.fd);
	reap_child(&c);
	if (error < 0)
		goto done;
	if (c.timed_out || c.too_big || !WIFEXITED(c.status) || WEXITSTATUS(c.status) != 0) {
		error = process_failed(p, &c, timeout);
		goto done;
	}
	error = parse_process_output(out, &body, p, wall_now(ctx));
done:
	ld_buf_dispose_secret(&body);
	return error;
}

/* --- container credentials -------------------------------------------------------- */

/* The host of an http(s) URL without brackets or port; false when there is none. */
static bool url_host_only(const char *url, size_t skip, char *host, size_t cap)
{
	const char *rest = url + skip, *end = rest + strcspn(rest, "/?#"), *h = rest, *he;

	if (memchr(rest, '@', (size_t)(end - rest)))
		return false; /* user info: nothing legitimate needs it here */
	if (*h == '[') {
		if (!(he = memchr(h, ']', (size_t)(end - h))))
			return false;
		h++;
	} else {
		he = memchr(h, ':', (size_t)(end - h));
		if (!he)
			he = end;
	}
	if (he == h || (size_t)(he - h) >= cap)
		return false;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	return true;
}

bool ld_container_url_allowed(const char *url)
{
	static const char *const named[] = { "localhost", "169.254.170.2", "169.254.170.23" };
	unsigned char v6[16], want[16];
	struct in_addr v4;
	char host[256];

	if (!url)
		return false;
	if (!strncasecmp(url, "https://", 8))
		return url_host_only(url, 8, host, sizeof(host));
	if (strncasecmp(url, "http://", 7) || !url_host_only(url, 7, host, sizeof(host)))
		return false;
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcasecmp(host, named[i]))
			return true;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, v6) != 1)
		return false;
	if (inet_pton(AF_INET6, "::1", want) == 1 && !memcmp(v6, want, 16))
		return true;
	return inet_pton(AF_INET6, "fd00:ec2::23", want) == 1 && !memcmp(v6, want, 16);
}

/* The Authorization value: the token file (read every time) or the variable. */
static int container_auth(ld_buf *out, const ld_provider *p)
{
	const char *from = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
	int rc;

	if (p->auth_token_file) {
		from = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
		if ((rc = ld_buf_read_file(out, p->auth_token_file, 16 * 1024)) < 0 &&
		    rc != LD_ELIMIT)
			return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
					     "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE "
					     "'%s': %s", p->auth_token_file, strerror(errno));
		if (rc == LD_ELIMIT)
			return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
					     "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '%s' is larger "
					     "than 16 KiB; point it at the token itself",
					     p->auth_token_file);
		/* a final newline is an editor's, not the token's */
		while (out->size && (out->ptr[out->size - 1] == '\n' || out->ptr[out->size - 1] == '\r'))
			ld_buf_truncate(out, out->size - 1);
	} else if (p->auth_token && ld_buf_puts(out, p->auth_token) < 0) {
		return ld_error_setc(LD_ELIMIT, LD_ERR_CREDS, "%s is too long", from);
	}
	if (strchr(out->ptr, '\n') || strchr(out->ptr, '\r') || strlen(out->ptr) != out->size)
		return ld_error_setc(LD_EUSAGE, LD_ERR_CREDS,
				     "%s is not a valid header value (it has a line break or a NUL)",
				     from);
	return 0;
}

static int container_get(const ld_provider *p, const ld_provider_ctx *ctx, const char *auth,
			 ld_http_response *resp)
{
	ld_header hdrs[3];
	ld_http_request req;
	size_t nh = 0;
	long timeout;
	int error;

	hdrs[nh++] = (ld_header){ "Accept", "application/json" };
	hdrs[nh++] = (ld_header){ "User-Agent", "lambdrift/" LD_VERSION };
	if (auth[0])
		hdrs[nh++] = (ld_header){ "Authorization", auth };
	if ((error = request_timeout(ctx, p->timeout_ms > 0 ? p->timeout_ms
							      : LD_CONTAINER_TIMEOUT_MS,
				     &timeout, "container credentials")) < 0)
		return error;
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = p->url;
	req.headers = hdrs;
	req.nheaders = nh;
	req.timeout_ms = timeout;
	req.max_response_bytes = MAX_METADATA;
	return ld_transport_send(ctx->transport, &req, resp);
}

static int container_failed(const ld_provider *p, const char *host, long status, int attempts,
			    const char *prior)
{
	if (status)
		return ld_error_setc(status == 401 || status == 403 ? LD_EAUTH : LD_ENET,
				     LD_ERR_CREDS,
				     "container credentials endpoint %s (%s) answered http %ld after "
				     "%d attempts%s", host, p->url_from, status, attempts,
				     status == 401 || status == 403
					     ? "; check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)"
					     : "");
	return ld_error_setc(LD_ENET, LD_ERR_CREDS,
			     "container credentials endpoint %s (%s) did not answer after %d "
			     "attempts: %s", host, p->url_from, attempts, prior);
}

int ld_provider_container(ld_credentials *out, const ld_provider *p,
			  const ld_provider_ctx *ctx)
{
	ld_buf auth = LD_BUF_INIT_CAP(16 * 1024);
	ld_http_response resp;
	int attempts = p->attempts > 0 ? p->attempts : LD_CONTAINER_ATTEMPTS;
	char host[256], what[320], prior[sizeof(((ld_error *)0)->message)] = "";
	long status = 0;
	int error = 0, i;

	memset(out, 0, sizeof(*out));
	ld_http_response_init(&resp);
	ld_http_host_for_message(host, sizeof(host), p->url);
	if (!ld_container_url_allowed(p->url)) {
		error = ld_error_setc(LD_EUSAGE, LD_ERR_CREDS,
				      "%s points at %s, which is not allowed: use https, a loopback "
				      "address, localhost, 169.254.170.2, 169.254.170.23 or "
				      "fd00:ec2::23", p->url_from, host);
		goto done;
	}
	if ((error = container_auth(&auth, p)) < 0)
		goto done;
	for (i = 1; i <= attempts; i++) {
		if (i > 1)
			nap(ctx, LD_CONTAINER_RETRY_SLEEP_MS);
		error = container_get(p, ctx, auth.ptr, &resp);
		if (error == LD_ELIMIT)
			goto done;
		if (error == 0 && resp.status == 200)
			break;
		status = error < 0 ? 0 : resp.status;
		if (error < 0)
			snprintf(prior, sizeof(prior), "%s", ld_error_last()->message);
	}
	if (i > attempts) {
		error = container_failed(p, host, status, attempts, prior);
		goto done;
	}
	snprintf(what, sizeof(what), "container credentials endpoint %s", host);
	if ((error = creds_from_body(out, &resp.body, "Token", true, what)) == 0 &&
	    out->expiration <= wall_now(ctx)) {
		ld_credentials_dispose(out);
		error = ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				      "%s returned credentials that have already expired (check the "
				      "system clock)", what);
	}
done:
	ld_buf_dispose_secret(&auth);
	ld_http_response_dispose(&resp);
	return error;
}

/* --- EC2 instance metadata -------------------------------------------------------- */

typedef struct {
	const ld_provider *p;
	const ld_provider_ctx *ctx;
	char token[MAX_IMDS_TOKEN]; /* "" when IMDSv1 */
	char host[256];             /* for messages */
} imds;

/* One metadata request, retried on transport failures and 5xx up to the attempts. */
static int imds_send(imds *m, ld_http_response *resp, const char *method, const char *path)
{
	ld_buf url = LD_BUF_INIT_CAP(4096);
	ld_header hdrs[2];
	ld_http_request req;
	int attempts = m->p->attempts > 0 ? m->p->attempts : LD_IMDS_ATTEMPTS;
	long timeout;
	int error = 0;

	hdrs[0] = (ld_header){ "User-Agent", "lambdrift/" LD_VERSION };
	if (!strcmp(method, "PUT"))
		hdrs[1] = (ld_header){ "x-aws-ec2-metadata-token-ttl-seconds", LD_IMDS_TOKEN_TTL };
	else
		hdrs[1] = (ld_header){ "x-aws-ec2-metadata-token", m->token };
	if (ld_buf_printf(&url, "%s%s", m->p->imds_endpoint, path) < 0)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CREDS, "instance metadata url is too long");
	for (int i = 1; i <= attempts; i++) {
		if ((error = request_timeout(m->ctx, m->p->timeout_ms > 0 ? m->p->timeout_ms
									  : LD_IMDS_TIMEOUT_MS,
					     &timeout, "instance metadata")) < 0)
			break;
		memset(&req, 0, sizeof(req));
		req.method = method;
		req.url = url.ptr;
		req.headers = hdrs;
		req.nheaders = strcmp(method, "PUT") && !m->token[0] ? 1 : 2;
		req.body = strcmp(method, "PUT") ? NULL : "";
		req.timeout_ms = timeout;
		req.max_response_bytes = MAX_METADATA;
		error = ld_transport_send(m->ctx->transport, &req, resp);
		if (error == 0 && resp->status < 500)
			break;
	}
	ld_buf_dispose(&url);
	return error;
}

/* IMDSv2 session token, or "" for the v1 fallback when that is allowed. */
static int imds_token(imds *m)
{
	ld_http_response resp;
	char why[200];
	int error;

	ld_http_response_init(&resp);
	m->token[0] = '\0';
	error = imds_send(m, &resp, "PUT", "/latest/api/token");
	if (error == LD_ELIMIT)
		goto done;
	if (error == 0 && resp.status == 200) {
		trim_right(&resp.body);
		if (!resp.body.size || resp.body.size >= sizeof(m->token) ||
		    strlen(resp.body.ptr) != resp.body.size) {
			error = ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
					      "the instance metadata service at %s returned a "
					      "malformed session token", m->host);
			goto done;
		}
		memcpy(m->token, resp.body.ptr, resp.body.size + 1);
		goto done;
	}
	if (error == 0 && resp.status == 400) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
				      "the instance metadata service at %s refused the token "
				      "request as malformed (http 400)", m->host);
		goto done;
	}
	/* 403/404/405, another status or no answer: botocore falls back to IMDSv1 */
	if (error < 0)
		snprintf(why, sizeof(why), "%.180s", ld_error_last()->message);
	else
		snprintf(why, sizeof(why), "http %ld", resp.status);
	error = 0;
	if (m->p->imds_v1_disabled)
		error = ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				      "no IMDSv2 session token (%s) and IMDSv1 is disabled "
				      "(AWS_EC2_METADATA_V1_DISABLED or ec2_metadata_v1_disabled)", why);
done:
	ld_http_response_dispose(&resp);
	return error;
}

static bool role_char(char ch)
{
	return isalnum((unsigned char)ch) || strchr("+=,.@_-", ch);
}

static int imds_status_error(const imds *m, long status, const char *what)
{
	if (status == 404)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "this instance has no iam role (instance profile) attached");
	if (status == 401)
		return ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				     "the instance metadata service at %s refused the session "
				     "token for %s (http 401)", m->host, what);
	return ld_error_setc(status >= 500 ? LD_ENET : LD_EAUTH, LD_ERR_CREDS,
			     "the instance metadata service at %s answered http %ld for %s",
			     m->host, status, what);
}

static int imds_role(imds *m, char *role, size_t cap)
{
	ld_http_response resp;
	size_t n;
	int error;

	ld_http_response_init(&resp);
	if ((error = imds_send(m, &resp, "GET", "/latest/meta-data/iam/security-credentials/")) < 0)
		goto done;
	if (resp.status != 200) {
		error = imds_status_error(m, resp.status, "the role name");
		goto done;
	}
	n = strcspn(resp.body.ptr, "\r\n");
	for (size_t i = 0; i < n; i++)
		if (!role_char(resp.body.ptr[i]))
			n = 0;
	if (!n || n >= cap) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_CREDS,
				      "the instance metadata service at %s returned no valid role "
				      "name", m->host);
		goto done;
	}
	memcpy(role, resp.body.ptr, n);
	role[n] = '\0';
done:
	ld_http_response_dispose(&resp);
	return error;
}

static int imds_creds(imds *m, ld_credentials *out, const char *role)
{
	ld_http_response resp;
	char path[MAX_ROLE_NAME + 64], what[MAX_ROLE_NAME + 300];
	ld_json *j = NULL;
	const char *code;
	int error;

	ld_http_response_init(&resp);
	snprintf(path, sizeof(path), "/latest/meta-data/iam/security-credentials/%s", role);
	snprintf(what, sizeof(what), "the instance metadata service at %s (role %s)", m->host,
		 role);
	if ((error = imds_send(m, &resp, "GET", path)) < 0)
		goto done;
	if (resp.status != 200) {
		error = imds_status_error(m, resp.status, "the role's credentials");
		goto done;
	}
	if (ld_json_parse(&j, resp.body.ptr, resp.body.size, "instance metadata") < 0 ||
	    !ld_json_is_object(j)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_CREDS, "%s returned something other than "
				      "a JSON object", what);
		goto done;
	}
	if ((code = ld_json_get_str(j, "Code")) && strcmp(code, "Success")) {
		error = ld_error_setc(LD_EAUTH, LD_ERR_CREDS, "%s has no credentials: Code %.64s",
				      what, code);
		goto done;
	}
	error = creds_from_json(out, j, "Token", true, what);
done:
	ld_json_free(j);
	ld_http_response_dispose(&resp);
	return error;
}

static int imds_fetch(imds *m, ld_credentials *out)
{
	char role[MAX_ROLE_NAME + 1];
	time_t now = wall_now(m->ctx);
	int error;

	if ((error = imds_token(m)) < 0 || (error = imds_role(m, role, sizeof(role))) < 0 ||
	    (error = imds_creds(m, out, role)) < 0)
		return error;
	/* An outage can leave the service handing out expired keys; like botocore, keep
	 * going with them for a while rather than failing the whole run at once. */
	if (out->expiration && out->expiration <= now)
		out->expiration = now + IMDS_EXPIRED_GRACE;
	return 0;
}

int ld_provider_imds(ld_credentials *out, const ld_provider *p, const ld_provider_ctx *ctx)
{
	char why[sizeof(((ld_error *)0)->message)];
	imds m;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	m.p = p;
	m.ctx = ctx;
	ld_http_host_for_message(m.host, sizeof(m.host), p->imds_endpoint);
	if ((error = imds_fetch(&m, out)) == 0)
		goto done;
	ld_credentials_dispose(out);
	snprintf(why, sizeof(why), "%s", ld_error_last()->message);
	if (p->looked)
		error = ld_error_setc(LD_EAUTH, LD_ERR_CREDS,
				      "no aws credentials found: looked in %s, and in the ec2 "
				      "instance metadata service at %s (%s); set AWS_ACCESS_KEY_ID "
				      "and AWS_SECRET_ACCESS_KEY, or add keys or a role_arn to the "
				      "profile", p->looked, m.host, why);
	else
		error = ld_error_setc(error, LD_ERR_CREDS,
				      "profile '%s' has credential_source = Ec2InstanceMetadata: %s",
				      p->profile ? p->profile : "default", why);
done:
	memset(m.token, 0, sizeof(m.token));
	return error;
}

/* --- dispatch --------------------------------------------------------------------- */

int ld_provider_fetch(ld_credentials *out, const ld_provider *p, const ld_provider_ctx *ctx)
{
	switch (p->kind) {
	case LD_PROVIDER_WEB_IDENTITY:
		return ld_provider_web_identity(out, p, ctx);
	case LD_PROVIDER_PROCESS:
		return ld_provider_process(out, p, ctx);
	case LD_PROVIDER_CONTAINER:
		return ld_provider_container(out, p, ctx);
	case LD_PROVIDER_IMDS:
		return ld_provider_imds(out, p, ctx);
	case LD_PROVIDER_STATIC:
	default:
		memset(out, 0, sizeof(*out));
		return ld_error_setc(LD_ERROR, LD_ERR_CREDS,
				     "static credentials have nothing to fetch");
	}
}
