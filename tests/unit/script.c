/*
 * The scripted transport (script.h): answering from the table and recording each request.
 * Failures of the script itself (a request past the end, a URL that is not the one the step
 * expects) are test failures, reported where the request was sent. Also the fixture
 * directory and the shell-scripted git repository test_git, test_tag and test_verify build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lambdrift/errors.h"
#include "script.h"

static char *dup_or_null(const char *s, size_t len)
{
	return s ? strndup(s, len) : NULL;
}

static void record(ld_script *s, size_t i, const ld_http_request *req)
{
	ld_buf h = LD_BUF_INIT;

	if (i >= LD_SCRIPT_MAX)
		return;
	free(s->method[i]);
	free(s->url[i]);
	free(s->headers[i]);
	free(s->body[i]);
	s->method[i] = strdup(req->method);
	s->url[i] = strdup(req->url);
	s->body[i] = dup_or_null(req->body, req->body_len);
	s->timeout[i] = req->timeout_ms;
	for (size_t k = 0; k < req->nheaders; k++)
		ld_buf_printf(&h, "%s: %s\n", req->headers[k].name, req->headers[k].value);
	s->headers[i] = ld_buf_detach(&h);
}

/* The step that answers request `i`, or NULL when the script has none. */
static const ld_script_step *step_for(ld_script *s, size_t i, const ld_http_request *req)
{
	const ld_script_step *st;

	if (s->routes) {
		for (size_t k = 0; k < s->nsteps; k++)
			if (!s->steps[k].url_has || strstr(req->url, s->steps[k].url_has))
				return &s->steps[k];
		return &s->fallback;
	}
	if (i >= s->nsteps) {
		ld_test_fail(__FILE__, __LINE__, "unscripted request %zu: %s %s", i, req->method,
			     req->url);
		return NULL;
	}
	st = &s->steps[i];
	if (st->url_has && !strstr(req->url, st->url_has))
		ld_test_fail(__FILE__, __LINE__, "request %zu: url %s lacks %s", i, req->url,
			     st->url_has);
	return st;
}

static int script_send(ld_transport *t, const ld_http_request *req, ld_http_response *resp)
{
	ld_script *s = (ld_script *)t;
	size_t i = s->next++;
	const ld_script_step *st;
	size_t len;
	char where[256];

	record(s, i, req);
	if (!(st = step_for(s, i, req)))
		return ld_error_setc(LD_ENET, LD_ERR_HTTP, "unscripted request");
	if (st->fail) {
		/* as the curl transport words it: scheme, host and path, never the query */
		ld_http_url_for_message(where, sizeof(where), req->url);
		resp->transient = true;
		return ld_error_setc(LD_ENET, LD_ERR_HTTP, "request to %s %s", where, st->fail);
	}
	len = st->len ? st->len : st->body ? strlen(st->body) : 0;
	resp->status = st->status;
	resp->retry_after = st->retry_after ? st->retry_after : -1;
	if (st->error_type)
		snprintf(resp->error_type, sizeof(resp->error_type), "%.*s",
			 (int)strcspn(st->error_type, ":"), st->error_type);
	if (st->content_length)
		resp->content_length = st->content_length == LD_SCRIPT_BODY_LENGTH ?
				       (long long)len : st->content_length;
	return ld_buf_put(&resp->body, st->body ? st->body : "", len); /* LD_ELIMIT past the cap */
}

static void script_free(ld_transport *t)
{
	ld_script *s = (ld_script *)t;

	for (size_t i = 0; i < LD_SCRIPT_MAX; i++) {
		free(s->method[i]);
		free(s->url[i]);
		free(s->headers[i]);
		free(s->body[i]);
		free(s->owned[i]);
	}
	free(s);
}

ld_script *ld_script_new(void)
{
	ld_script *s = calloc(1, sizeof(*s));

	if (!s) {
		fprintf(stderr, "script: out of memory\n");
		abort();
	}
	s->base.send = script_send;
	s->base.free = script_free;
	return s;
}

void ld_script_add(ld_script *s, ld_script_step step)
{
	if (s->nsteps >= LD_SCRIPT_MAX) {
		ld_test_fail(__FILE__, __LINE__, "more than %d steps", LD_SCRIPT_MAX);
		return;
	}
	s->steps[s->nsteps++] = step;
}

char *ld_script_own(ld_script *s, char *str)
{
	if (s->nowned >= LD_SCRIPT_MAX) {
		ld_test_fail(__FILE__, __LINE__, "more than %d owned strings", LD_SCRIPT_MAX);
		return str; /* leaked: the test has failed anyway */
	}
	return s->owned[s->nowned++] = str;
}

size_t ld_script_count(const ld_script *s, const char *what)
{
	size_t n = 0;

	for (size_t i = 0; i < s->next && i < LD_SCRIPT_MAX; i++)
		n += s->url[i] && strstr(s->url[i], what) != NULL;
	return n;
}

ld_retry_policy ld_script_unpaced(int attempts)
{
	ld_retry_policy p = LD_RETRY_POLICY_INIT;

	for (int i = 0; i < LD_QUOTA_COUNT; i++)
		p.rate[i] = 0;
	p.max_attempts = attempts;
	return p;
}

void ld_script_config(ld_aws_config *cfg, const char *region, const char *secret)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = strdup("default");
	cfg->region = strdup(region);
	cfg->endpoint_url = strdup("http://127.0.0.1:5000");
	cfg->base.access_key_id = strdup("AKIDEXAMPLE");
	cfg->base.secret_access_key = strdup(secret);
	cfg->source = strdup("environment");
}

static char fx_dir[256];

static void fixture_cleanup(void)
{
	ld_test_sh("rm -rf '%s'", fx_dir);
}

const char *ld_script_fixture_dir(const char *name)
{
	if (fx_dir[0])
		return fx_dir;
	snprintf(fx_dir, sizeof(fx_dir), "/tmp/ld-test-%s-XXXXXX", name);
	if (!mkdtemp(fx_dir)) {
		fx_dir[0] = '\0';
		return NULL;
	}
	atexit(fixture_cleanup);
	setenv("FX", fx_dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	return fx_dir;
}

/* What every fixture script starts from. */
static const char fixture_preamble[] =
	"set -e; cd \"$FX\"; git init -q -b main repo; cd repo\n"
	"git config user.name t; git config user.email t@example.com\n";

const char *ld_script_fixture_repo(const char *sh)
{
	static char repo[300];
	char path[320];
	FILE *f;

	if (!fx_dir[0])
		return NULL;
	snprintf(path, sizeof(path), "%s/make.sh", fx_dir);
	if (!(f = fopen(path, "w")))
		return NULL;
	fputs(fixture_preamble, f);
	fputs(sh, f);
	fclose(f);
	if (ld_test_sh("sh '%s' >'%s/make.log' 2>&1", path, fx_dir) != 0) {
		ld_test_sh("cat '%s/make.log' >&2", fx_dir);
		return NULL;
	}
	snprintf(repo, sizeof(repo), "%s/repo", fx_dir);
	return repo;
}
