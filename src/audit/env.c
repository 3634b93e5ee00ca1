/*
 * env-plaintext-secret and env-default-key (env.h). Secrets are judged in every version
 * the inventory holds, because a published version keeps its environment readable by
 * anyone allowed lambda:GetFunctionConfiguration until it is deleted; one finding per
 * variable names the detectors and the versions, never a value (the inventory has none).
 * The key is judged on the versions that run ($LATEST, the newest published version and
 * those aliases route to), which a slim inventory keeps too. Messages name variables,
 * which the issue asks for, and nothing else of the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/env.h"
#include "inventory/envscan.h"
#include "lambdrift/errors.h"
#include "util/json.h"

#define MAX_SHOWN 20 /* versions listed in a finding's evidence */

typedef struct {
	const char *account;
	const ld_function *fn;
	ld_findings *out;
} env_ctx;

static bool has_setting(const ld_version *v, const char *name)
{
	for (size_t i = 0; i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, name))
			return true;
	return false;
}

static bool in_array(const ld_json *arr, const char *s)
{
	for (const ld_json *m = ld_json_first(arr); m; m = ld_json_next(m))
		if (!strcmp(ld_json_str(m), s))
			return true;
	return false;
}

/* Append s to the array unless there; false without memory. */
static bool add_unique(ld_json *arr, const char *s)
{
	return in_array(arr, s) || ld_json_append(arr, ld_json_new_string(s)) == 0;
}

/* "$LATEST", "$LATEST and version 3", "versions 1, 2 and 3", "$LATEST and 41 published
 * versions". */
static void describe_versions(ld_buf *b, const ld_json *versions, size_t total)
{
	size_t n = ld_json_size(versions), i = 0;
	const ld_json *first = ld_json_first(versions);
	bool latest = first && !strcmp(ld_json_str(first), "$LATEST");
	size_t published = total - (latest ? 1 : 0);

	if (latest)
		ld_buf_puts(b, "$LATEST");
	if (!published)
		return;
	ld_buf_puts(b, latest ? " and " : "");
	if (published > 3 || n < total) {
		ld_buf_printf(b, "%zu published versions", published);
		return;
	}
	ld_buf_puts(b, published == 1 ? "version " : "versions ");
	for (const ld_json *m = first; m; m = ld_json_next(m)) {
		if (!strcmp(ld_json_str(m), "$LATEST"))
			continue;
		ld_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == published ? " and " : ", ",
			      ld_json_str(m));
		i++;
	}
}

/* ------------------------------------------------------------- secrets */

/* The variables some version flags, in the order first seen, each once. */
static int flagged_names(ld_json **out, const ld_function *fn)
{
	ld_json *names = ld_json_new_array(), *verdicts = NULL;
	int error = names ? 0 : ld_error_oom();

	for (size_t i = 0; i < fn->nversions && error == 0; i++) {
		const char *s = fn->versions[i].env_verdicts;
		if (!s || (error = ld_json_parse(&verdicts, s, strlen(s), "env_verdicts")) < 0)
			continue;
		for (const ld_json *m = ld_json_first(verdicts); m && error == 0; m = ld_json_next(m))
			if (*ld_json_key(m) && ld_json_is_string(m) && strcmp(ld_json_str(m), "none") &&
			    !add_unique(names, ld_json_key(m)))
				error = ld_error_oom();
		ld_json_free(verdicts);
		verdicts = NULL;
	}
	if (error < 0) {
		ld_json_free(names);
		return error;
	}
	*out = names;
	return 0;
}

/* Detectors and versions of one variable; *total counts every version flagging it. */
static int variable_evidence(ld_json *detectors, ld_json *versions, size_t *total,
			     const ld_function *fn, const char *name)
{
	ld_json *verdicts = NULL;
	const char *d;
	int error = 0;

	*total = 0;
	for (size_t i = 0; i < fn->nversions && error == 0; i++) {
		const char *s = fn->versions[i].env_verdicts;
		if (!s || (error = ld_json_parse(&verdicts, s, strlen(s), "env_verdicts")) < 0)
			continue;
		d = ld_json_get_str(verdicts, name);
		if (d && strcmp(d, "none")) {
			(*total)++;
			if (!add_unique(detectors, d) ||
			    (*total <= MAX_SHOWN &&
			     !add_unique(versions, fn->versions[i].version)))
				error = ld_error_oom();
		}
		ld_json_free(verdicts);
		verdicts = NULL;
	}
	return error;
}

static int report_secret(const env_ctx *c, const char *name)
{
	ld_json *ev = ld_json_new_object(), *detectors = ld_json_new_array();
	ld_json *versions = ld_json_new_array();
	ld_buf where = LD_BUF_INIT_CAP(4096), found = LD_BUF_INIT_CAP(4096);
	ld_finding_id id = ld_finding_id_of(c->fn, c->account, "env-plaintext-secret", NULL, name);
	char *evidence = NULL;
	size_t total = 0;
	int error;

	if (!ev || !detectors || !versions) {
		error = ld_error_oom();
		goto done;
	}
	if ((error = variable_evidence(detectors, versions, &total, c->fn, name)) < 0)
		goto done;
	describe_versions(&where, versions, total);
	for (const ld_json *m = ld_json_first(detectors); m; m = ld_json_next(m))
		ld_buf_printf(&found, "%s%s", found.size ? ", " : "", ld_json_str(m));
	if ((error = where.error) < 0 || (error = found.error) < 0)
		goto done;
	ld_json_add_str(ev, "variable", name);
	ld_json_add(ev, "detectors", detectors);
	ld_json_add(ev, "versions", versions);
	detectors = versions = NULL;
	ld_json_add_num(ev, "version_count", (double)total);
	evidence = ld_findings_evidence(ev);
	ev = NULL;
	error = ld_findings_add(c->out, &id, evidence,
				"environment variable %s holds a plaintext credential (%s) in %s; "
				"keep it in Secrets Manager or SSM Parameter Store, read it at run "
				"time, rotate it, and delete the versions that hold it", name,
				found.ptr, where.ptr);
done:
	free(evidence);
	ld_json_free(ev);
	ld_json_free(detectors);
	ld_json_free(versions);
	ld_buf_dispose(&where);
	ld_buf_dispose(&found);
	return error;
}

static int check_secrets(const env_ctx *c)
{
	ld_json *names = NULL;
	int error;

	if ((error = flagged_names(&names, c->fn)) < 0)
		return error;
	for (const ld_json *m = ld_json_first(names); m && error == 0; m = ld_json_next(m))
		error = report_secret(c, ld_json_str(m));
	ld_json_free(names);
	return error;
}

/* ------------------------------------------------------------- the key */

static bool routed_to(const ld_function *fn, const char *version)
{
	for (size_t i = 0; i < fn->naliases; i++) {
		const ld_alias *a = &fn->aliases[i];
		if (a->function_version && !strcmp(a->function_version, version))
			return true;
		for (size_t j = 0; j < a->nweights; j++)
			if (!strcmp(a->weights[j].version, version))
				return true;
	}
	return false;
}

/* The versions that run: $LATEST (any qualifier not a number), the newest published one,
 * and those aliases route to. */
static bool runs(const ld_function *fn, const ld_version *v, const ld_version *newest)
{
	const char *p = v->version;

	if (v == newest || routed_to(fn, v->version))
		return true;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return true;
	return !*v->version;
}

static int check_default_key(const env_ctx *c)
{
	const ld_version *newest = ld_function_latest_published(c->fn);
	ld_json *ev = NULL, *versions = ld_json_new_array();
	ld_finding_id id = ld_finding_id_of(c->fn, c->account, "env-default-key", NULL, NULL);
	ld_buf where = LD_BUF_INIT_CAP(4096);
	char *evidence = NULL;
	size_t total = 0;
	int error = versions ? 0 : ld_error_oom();

	for (size_t i = 0; i < c->fn->nversions && error == 0; i++) {
		const ld_version *v = &c->fn->versions[i];
		if (!runs(c->fn, v, newest) || !has_setting(v, "Environment") ||
		    has_setting(v, "KMSKeyArn"))
			continue;
		total++;
		if (ld_json_append(versions, ld_json_new_string(v->version)) < 0)
			error = ld_error_oom();
	}
	if (error < 0 || total == 0)
		goto done;
	describe_versions(&where, versions, total);
	if ((error = where.error) < 0 || !(ev = ld_json_new_object()))
		goto done;
	ld_json_add(ev, "versions", versions);
	versions = NULL;
	ld_json_add_str(ev, "key", "aws/lambda");
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(c->out, &id, evidence,
				"the environment variables of %s are encrypted with the AWS managed "
				"key aws/lambda; set KMSKeyArn to a customer managed key so that "
				"reading them takes kms:Decrypt on a key you control", where.ptr);
done:
	free(evidence);
	ld_json_free(versions);
	ld_buf_dispose(&where);
	return error;
}

/* ------------------------------------------------------------- unchecked */

/* A version the secrets rule cannot read leaves the function unchecked: never clean. The
 * collector says why in a problem line when Lambda would not return the variables (and a
 * snapshot keeps it), so that line is said once; an older snapshot has none. */
static int secrets_gap(ld_gaps *gaps, const char *account, const ld_function *fn)
{
	ld_buf line = LD_BUF_INIT_CAP(4096);
	const char *acct = fn->account ? fn->account : account;
	char *why = NULL;
	int error;

	if ((error = ld_env__unchecked(&why, fn)) < 0 || !why)
		return error;
	ld_buf_printf(&line, LD_ENV_UNCHECKED_LINE, fn->name, fn->region, why);
	if ((error = line.error) == 0)
		error = ld_gaps_reported(gaps, line.ptr)
				? ld_gaps_unchecked(gaps, ld_gap_rules_env, fn, acct)
				: ld_gaps_add(gaps, ld_gap_rules_env, fn, acct, true, "%s", why);
	ld_buf_dispose(&line);
	free(why);
	return error;
}

int ld_audit__env(ld_findings *out, ld_gaps *gaps, const char *account, const ld_function *fn)
{
	env_ctx c = { account, fn, out };
	int error;

	if ((error = secrets_gap(gaps, account, fn)) < 0 || (error = check_secrets(&c)) < 0)
		return error;
	return check_default_key(&c);
}
