/*
 * Environment verdicts in the snapshot (envscan.h): each version object carries
 * "env_verdicts", {"NAME": "none" | detector}, next to its digested "config", so
 * `scan --inventory` judges secrets exactly as the live scan did without any value on disk.
 * The loader holds a file to what the collector writes: the names are the Environment's
 * own, every verdict is one lambdrift knows. A version with variables and no verdicts
 * (written before secret detection) or whose variables Lambda could not return leaves
 * env-plaintext-secret unchecked for its function; the rule says so (src/audit/env.c), and
 * only when the run selects it, so loading notes no problem.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/envscan.h"
#include "lambdrift/errors.h"

#define MAX_VERDICTS_BYTES ((size_t)1 << 20)

int ld_env__write(ld_json *version_obj, const ld_version *v)
{
	ld_json *verdicts = NULL;
	int error;

	if (!v->env_verdicts)
		return 0;
	if ((error = ld_json_parse(&verdicts, v->env_verdicts, strlen(v->env_verdicts),
				   "env_verdicts")) < 0)
		return error;
	return ld_json_add(version_obj, "env_verdicts", verdicts);
}

/* The Environment.Variables object of a loaded version's config, parsed; NULL without. */
static int env_names(ld_json **out, const ld_version *v)
{
	*out = NULL;
	for (size_t i = 0; i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, "Environment"))
			return ld_json_parse(out, v->config[i].value, strlen(v->config[i].value),
					     "Environment");
	return 0;
}

static int bad(const char *file, const char *path, const char *what)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s.env_verdicts: %s", file, path,
			     what);
}

/* Each verdict known, one per variable of the config and no other. */
static int check_verdicts(const ld_json *verdicts, const ld_json *vars, const char *file,
			  const char *path)
{
	const ld_json *first = ld_json_first(verdicts);

	if (!ld_json_is_object(verdicts))
		return bad(file, path, "expected an object of variable: verdict");
	if (first && !*ld_json_key(first) && ld_json_size(verdicts) == 1)
		return ld_json_is_string(first) && *ld_json_str(first)
			       ? 0
			       : bad(file, path, "expected the error code Lambda reported");
	for (const ld_json *m = first; m; m = ld_json_next(m)) {
		if (!ld_json_is_string(m) || !ld_env_verdict_known(ld_json_str(m)))
			return bad(file, path, "a verdict is not one lambdrift knows ('lambdrift "
				   "explain env-plaintext-secret' lists them)");
		if (!ld_json_get(vars, ld_json_key(m)))
			return bad(file, path, "names a variable the version's Environment lacks");
	}
	if (ld_json_size(verdicts) != ld_json_size(vars))
		return bad(file, path, "lacks a verdict for one of the version's variables");
	return 0;
}

int ld_env__load(ld_version *v, const ld_json *version_obj, const char *file, const char *path)
{
	const ld_json *verdicts = ld_json_get(version_obj, "env_verdicts");
	ld_buf b = LD_BUF_INIT_CAP(MAX_VERDICTS_BYTES);
	ld_json *env = NULL;
	int error;

	if (!verdicts || ld_json_is_null(verdicts))
		return 0;
	if ((error = env_names(&env, v)) < 0)
		goto done;
	if ((error = check_verdicts(verdicts, ld_json_get(env, "Variables"), file, path)) < 0)
		goto done;
	if ((error = ld_json_canonical(&b, verdicts)) == 0 && (error = b.error) == 0 &&
	    !(v->env_verdicts = ld_buf_detach(&b)))
		error = ld_error_oom();
done:
	ld_json_free(env);
	ld_buf_dispose(&b);
	return error;
}

static bool has_environment(const ld_version *v)
{
	for (size_t i = 0; i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, "Environment"))
			return true;
	return false;
}

/* {"": "CODE"}: the code, else NULL. */
static char *unreadable_code(const char *verdicts)
{
	ld_json *root = NULL;
	const ld_json *first;
	char *code = NULL;

	if (!verdicts || ld_json_parse(&root, verdicts, strlen(verdicts), "env_verdicts") < 0)
		return NULL;
	first = ld_json_first(root);
	if (first && !*ld_json_key(first) && ld_json_is_string(first))
		code = strdup(ld_json_str(first));
	ld_json_free(root);
	return code;
}

const ld_version *ld_env__unchecked_version(const ld_function *fn)
{
	const ld_version *old = NULL;
	char *code;

	for (size_t i = 0; i < fn->nversions; i++) {
		const ld_version *v = &fn->versions[i];
		if (!v->env_verdicts && has_environment(v) && !old)
			old = v;
		else if ((code = unreadable_code(v->env_verdicts))) {
			free(code);
			return v;
		}
	}
	return old;
}

int ld_env__unchecked(char **why, const ld_function *fn)
{
	const ld_version *v = ld_env__unchecked_version(fn);
	char *code = v ? unreadable_code(v->env_verdicts) : NULL;
	ld_buf b = LD_BUF_INIT_CAP(1024);

	*why = NULL;
	if (!v)
		return 0;
	if (code)
		ld_buf_printf(&b, "Lambda could not return the environment of version %s (%s); "
			      "grant kms:Decrypt on its KMS key", v->version, code);
	else
		ld_buf_printf(&b, "the snapshot has no environment verdicts for version %s "
			      "(written by an older lambdrift); take a new snapshot", v->version);
	free(code);
	if (b.error < 0 || !(*why = ld_buf_detach(&b))) {
		ld_buf_dispose(&b);
		return ld_error_oom();
	}
	return 0;
}
