/*
 * lambdrift.json parsing and validation (see spec.h). Validation is table-driven: each
 * object kind is a table of fields with a check function, and check_object() refuses
 * unknown or duplicate keys (suggesting the closest allowed name) and missing required ones
 * while a path buffer tracks where we are ("functions[2].config.MemorySize"). The JSON
 * wrapper gives no positions, so a small scanner over the raw text finds the line and
 * column of a syntax error, refuses trailing content, and records the line of each
 * function object. Config bounds are the classic Lambda limits (MemorySize 128-10240,
 * Timeout 1-900, EphemeralStorage 512-10240).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deps/lockfile.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "lambdrift/verify.h"
#include "spec/spec.h"
#include "util/file.h"
#include "util/glob.h"
#include "util/hash.h"
#include "util/str.h"

typedef struct {
	const char *file;
	ld_buf path;
} ctx;

/* Record "<file>: <path>: <message>" as LD_EUSAGE. */
static int bad(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(ctx *c, const char *fmt, ...)
{
	char msg[384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: %s: %s", c->file,
			     c->path.size ? c->path.ptr : "top level", msg);
}

static size_t push_key(ctx *c, const char *key)
{
	size_t len = c->path.size;
	ld_buf_printf(&c->path, "%s%.64s", len ? "." : "", key);
	return len;
}

static size_t push_index(ctx *c, size_t i)
{
	size_t len = c->path.size;
	ld_buf_printf(&c->path, "[%zu]", i);
	return len;
}

static void pop(ctx *c, size_t len)
{
	if (!c->path.error)
		ld_buf_truncate(&c->path, len);
}

/* ---- "did you mean" ---- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[65];
	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], tmp;
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = diag + (tolower((unsigned char)a[i - 1]) !=
					      tolower((unsigned char)b[j - 1]));
			tmp = row[j];
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

/* ---- scalar checks ---- */

static int want_string(ctx *c, const ld_json *v, size_t min, size_t max)
{
	const char *s = ld_json_str(v);
	if (!s)
		return bad(c, "expected a string");
	if (strlen(s) < min || strlen(s) > max)
		return min ? bad(c, "expected a string of %zu to %zu characters", min, max)
			   : bad(c, "expected a string of at most %zu characters", max);
	return 0;
}

static int want_int(ctx *c, const ld_json *v, long long min, long long max)
{
	double d = ld_json_num(v);
	if (!ld_json_is_number(v) || d < (double)min || d > (double)max || d != (double)(long long)d)
		return bad(c, "expected an integer between %lld and %lld", min, max);
	return 0;
}

static int want_enum(ctx *c, const ld_json *v, const char *const *values)
{
	const char *s = ld_json_str(v);
	ld_buf list = LD_BUF_INIT_CAP(256);
	int error;
	for (size_t i = 0; s && values[i]; i++)
		if (strcmp(s, values[i]) == 0)
			return 0;
	for (size_t i = 0; values[i]; i++)
		ld_buf_printf(&list, "%s\"%s\"", i ? ", " : "", values[i]);
	error = bad(c, "expected one of %s", list.ptr);
	ld_buf_dispose(&list);
	return error;
}

static bool all_of(const char *s, const char *set_extra, bool alnum)
{
	for (; *s; s++)
		if (!(alnum && isalnum((unsigned char)*s)) && !strchr(set_extra, *s))
			return false;
	return true;
}

static bool is_arn(const char *s)
{
	return s && strncmp(s, "arn:", 4) == 0 && strlen(s) > 8 && strlen(s) <= 2048;
}

/* A relative path inside the tag: no leading '/', no '.'/'..'/empty segments. */
static int want_rel_path(ctx *c, const ld_json *v, bool allow_root)
{
	const char *s = ld_json_str(v), *p;
	size_t n;
	if (!s)
		return bad(c, "expected a string");
	n = strlen(s);
	if (n > 1024)
		return bad(c, "expected a path of at most 1024 characters");
	if (allow_root && (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "./") == 0))
		return 0;
	if (n == 0 || s[0] == '/')
		return bad(c, "expected a relative path inside the repository, not '%s'", s);
	for (p = s; *p;) {
		size_t k = strcspn(p, "/");
		bool last = p[k] == '\0' || p[k + 1] == '\0';
		if ((k == 0 && !last) || (k == 2 && p[0] == '.' && p[1] == '.') ||
		    (k == 1 && p[0] == '.'))
			return bad(c, "expected a relative path without '.', '..' or empty "
				      "segments, not '%s'", s);
		p += k;
		if (*p)
			p++;
	}
	return 0;
}

/* A copy of a validated path without a trailing '/', "" for the root. */
static char *norm_path(const char *s)
{
	size_t n = strlen(s);
	if (strcmp(s, ".") == 0 || strcmp(s, "./") == 0)
		n = 0;
	while (n > 0 && s[n - 1] == '/')
		n--;
	return strndup(s, n);
}

/* ---- objects ---- */

typedef int (*check_fn)(ctx *c, const ld_json *v);

typedef struct {
	const char *name;
	check_fn check;
	bool required;
} field;

static int unknown_key(ctx *c, const char *key, const field *fields, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, limit = strlen(key) / 3 + 1;
	ld_buf list = LD_BUF_INIT_CAP(384);
	int error;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(key, fields[i].name);
		if (d < best_d) {
			best_d = d;
			best = fields[i].name;
		}
		ld_buf_printf(&list, "%s%s", i ? ", " : "", fields[i].name);
	}
	for (size_t i = 0; i < n && best_d > limit; i++) {
		if (strlen(key) >= 3 && strncasecmp(fields[i].name, key, strlen(key)) == 0) {
			best = fields[i].name;  /* an abbreviation: "Env" for "Environment" */
			best_d = 0;
		}
	}
	if (best && (best_d <= limit || strcasecmp(best, key) == 0))
		error = bad(c, "unknown key; did you mean '%s'?", best);
	else
		error = bad(c, "unknown key; expected one of %s", list.ptr);
	ld_buf_dispose(&list);
	return error;
}

/* Refuse a member whose key appeared earlier in the same object. */
static int no_duplicate(ctx *c, const ld_json *obj, const ld_json *m)
{
	for (const ld_json *p = ld_json_first(obj); p && p != m; p = ld_json_next(p))
		if (strcmp(ld_json_key(p), ld_json_key(m)) == 0)
			return bad(c, "duplicate key");
	return 0;
}

static int check_object(ctx *c, const ld_json *obj, const field *fields, size_t n)
{
	int error = 0;

	if (!ld_json_is_object(obj))
		return bad(c, "expected an object");
	for (const ld_json *m = ld_json_first(obj); m && !error; m = ld_json_next(m)) {
		size_t len = push_key(c, ld_json_key(m)), i;
		for (i = 0; i < n && strcmp(fields[i].name, ld_json_key(m)); i++)
			;
		if ((error = no_duplicate(c, obj, m)) == 0)
			error = i == n ? unknown_key(c, ld_json_key(m), fields, n)
				       : fields[i].check(c, m);
		pop(c, len);
	}
	for (size_t i = 0; i < n && !error; i++) {
		if (fields[i].required && !ld_json_get(obj, fields[i].name)) {
			size_t len = push_key(c, fields[i].name);
			error = bad(c, "missing required key");
			pop(c, len);
		}
	}
	return error;
}

#define CHECK_OBJECT(c, v, table) check_object((c), (v), (table), sizeof(table) / sizeof(*(table)))

/* Each element of an array of at most `max` items, with `check`. */
static int check_array(ctx *c, const ld_json *v, size_t min, size_t max, check_fn check)
{
	size_t i = 0;
	int error = 0;
	if (!ld_json_is_array(v))
		return bad(c, "expected an array");
	if (ld_json_size(v) < min || ld_json_size(v) > max)
		return bad(c, "expected an array of %zu to %zu items", min, max);
	for (const ld_json *e = ld_json_first(v); e && !error; e = ld_json_next(e), i++) {
		size_t len = push_index(c, i);
		error = check(c, e);
		pop(c, len);
	}
	return error;
}

/* ---- config fields (Lambda API names) ---- */

static int chk_runtime(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!s || !*s || strlen(s) > 32 || !all_of(s, ".-", true))
		return bad(c, "expected a Lambda runtime identifier such as \"python3.12\"");
	return 0;
}

static int chk_handler(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	int error = want_string(c, v, 1, 128);
	for (; !error && *s; s++)
		if (isspace((unsigned char)*s))
			return bad(c, "expected a handler without whitespace");
	return error;
}

static int chk_memory(ctx *c, const ld_json *v) { return want_int(c, v, 128, 10240); }
static int chk_timeout(ctx *c, const ld_json *v) { return want_int(c, v, 1, 900); }
static int chk_storage_size(ctx *c, const ld_json *v) { return want_int(c, v, 512, 10240); }
static int chk_description(ctx *c, const ld_json *v) { return want_string(c, v, 0, 256); }

static int chk_role(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!is_arn(s) || !strstr(s, ":iam::") || !strstr(s, ":role/"))
		return bad(c, "expected an IAM role ARN such as "
			      "\"arn:aws:iam::123456789012:role/NAME\"");
	return 0;
}

/* An optional ARN: "" means "none" in the Lambda API. */
static int chk_arn_or_empty(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!s || (*s && !is_arn(s)))
		return bad(c, "expected an ARN (\"arn:...\") or \"\"");
	return 0;
}

static bool ends_with_number(const char *s)
{
	const char *colon = strrchr(s, ':');
	if (!colon || !colon[1])
		return false;
	for (colon++; *colon; colon++)
		if (!isdigit((unsigned char)*colon))
			return false;
	return true;
}

static int chk_layer(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!is_arn(s) ||
	    !(strstr(s, ":awslayer:") || (strstr(s, ":layer:") && ends_with_number(s))))
		return bad(c, "expected a layer version ARN such as "
			      "\"arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION\"");
	return 0;
}

static int chk_layers(ctx *c, const ld_json *v) { return check_array(c, v, 0, 5, chk_layer); }

static int chk_arch(ctx *c, const ld_json *v)
{
	static const char *const values[] = { "x86_64", "arm64", NULL };
	return want_enum(c, v, values);
}

static int chk_archs(ctx *c, const ld_json *v) { return check_array(c, v, 1, 1, chk_arch); }

static int chk_any_string(ctx *c, const ld_json *v) { return want_string(c, v, 0, 1024); }

static int chk_bool(ctx *c, const ld_json *v)
{
	return ld_json_is_bool(v) ? 0 : bad(c, "expected true or false");
}

static int chk_env_value(ctx *c, const ld_json *v)
{
	/* Never quote the value: it may be a secret. */
	if (ld_json_is_string(v))
		return 0;
	if (ld_json_is_object(v) && ld_json_size(v) == 1 && ld_is_hex64(ld_json_get_str(v, "sha256")))
		return 0;
	return bad(c, "expected a string or {\"sha256\": \"<64 lowercase hex digits>\"}");
}

static int chk_env_vars(ctx *c, const ld_json *v)
{
	int error = 0;
	if (!ld_json_is_object(v))
		return bad(c, "expected an object of NAME: value");
	for (const ld_json *m = ld_json_first(v); m && !error; m = ld_json_next(m)) {
		const char *k = ld_json_key(m);
		size_t len = push_key(c, k);
		if (strlen(k) < 2 || strlen(k) > 128 || !isalpha((unsigned char)k[0]) ||
		    !all_of(k, "_", true))
			error = bad(c, "expected a variable name: a letter, then letters, digits "
				       "or '_' (at least 2 characters)");
		else if ((error = no_duplicate(c, v, m)) == 0)
			error = chk_env_value(c, m);
		pop(c, len);
	}
	return error;
}

static const field environment_fields[] = { { "Variables", chk_env_vars, false } };
static int chk_environment(ctx *c, const ld_json *v)
{
	return CHECK_OBJECT(c, v, environment_fields);
}

static const field storage_fields[] = { { "Size", chk_storage_size, true } };
static int chk_storage(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, storage_fields); }

static int chk_tracing_mode(ctx *c, const ld_json *v)
{
	static const char *const values[] = { "Active", "PassThrough", NULL };
	return want_enum(c, v, values);
}
static const field tracing_fields[] = { { "Mode", chk_tracing_mode, true } };
static int chk_tracing(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, tracing_fields); }

static int chk_id(ctx *c, const ld_json *v) { return want_string(c, v, 1, 1024); }
static int chk_subnets(ctx *c, const ld_json *v) { return check_array(c, v, 0, 16, chk_id); }
static int chk_groups(ctx *c, const ld_json *v) { return check_array(c, v, 0, 5, chk_id); }
static const field vpc_fields[] = {
	{ "SubnetIds", chk_subnets, false },
	{ "SecurityGroupIds", chk_groups, false },
	{ "Ipv6AllowedForDualStack", chk_bool, false },
};
static int chk_vpc(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, vpc_fields); }

static const field dlq_fields[] = { { "TargetArn", chk_arn_or_empty, false } };
static int chk_dlq(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, dlq_fields); }

static int chk_log_format(ctx *c, const ld_json *v)
{
	static const char *const values[] = { "JSON", "Text", NULL };
	return want_enum(c, v, values);
}
static int chk_app_level(ctx *c, const ld_json *v)
{
	static const char *const values[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL",
					      NULL };
	return want_enum(c, v, values);
}
static int chk_sys_level(ctx *c, const ld_json *v)
{
	static const char *const values[] = { "DEBUG", "INFO", "WARN", NULL };
	return want_enum(c, v, values);
}
static int chk_log_group(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!s || !*s || strlen(s) > 512 || !all_of(s, ".-_/#", true))
		return bad(c, "expected a log group name of 1 to 512 of [A-Za-z0-9._/#-]");
	return 0;
}
static const field logging_fields[] = {
	{ "LogFormat", chk_log_format, false },
	{ "ApplicationLogLevel", chk_app_level, false },
	{ "SystemLogLevel", chk_sys_level, false },
	{ "LogGroup", chk_log_group, false },
};
static int chk_logging(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, logging_fields); }

static int chk_apply_on(ctx *c, const ld_json *v)
{
	static const char *const values[] = { "PublishedVersions", "None", NULL };
	return want_enum(c, v, values);
}
static const field snapstart_fields[] = { { "ApplyOn", chk_apply_on, true } };
static int chk_snapstart(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, snapstart_fields); }

static int chk_string_list(ctx *c, const ld_json *v)
{
	return check_array(c, v, 0, 1500, chk_any_string);
}
static int chk_workdir(ctx *c, const ld_json *v) { return want_string(c, v, 0, 1000); }
static const field image_config_fields[] = {
	{ "EntryPoint", chk_string_list, false },
	{ "Command", chk_string_list, false },
	{ "WorkingDirectory", chk_workdir, false },
};
static int chk_image_config(ctx *c, const ld_json *v)
{
	return CHECK_OBJECT(c, v, image_config_fields);
}

static int chk_fs_arn(ctx *c, const ld_json *v)
{
	return is_arn(ld_json_str(v)) ? 0 : bad(c, "expected an access point ARN (\"arn:...\")");
}
static int chk_mount(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!s || strncmp(s, "/mnt/", 5) || !s[5] || strlen(s) > 160 || !all_of(s + 5, "-_.", true))
		return bad(c, "expected a mount path \"/mnt/NAME\" (NAME of [A-Za-z0-9._-])");
	return 0;
}
static const field fs_fields[] = {
	{ "Arn", chk_fs_arn, true },
	{ "LocalMountPath", chk_mount, true },
};
static int chk_fs(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, fs_fields); }
static int chk_fs_list(ctx *c, const ld_json *v) { return check_array(c, v, 0, 1, chk_fs); }

static const field config_fields[] = {
	{ "Runtime", chk_runtime, false },
	{ "Handler", chk_handler, false },
	{ "MemorySize", chk_memory, false },
	{ "Timeout", chk_timeout, false },
	{ "Role", chk_role, false },
	{ "Environment", chk_environment, false },
	{ "Layers", chk_layers, false },
	{ "Architectures", chk_archs, false },
	{ "EphemeralStorage", chk_storage, false },
	{ "TracingConfig", chk_tracing, false },
	{ "VpcConfig", chk_vpc, false },
	{ "KMSKeyArn", chk_arn_or_empty, false },
	{ "DeadLetterConfig", chk_dlq, false },
	{ "LoggingConfig", chk_logging, false },
	{ "SnapStart", chk_snapstart, false },
	{ "ImageConfig", chk_image_config, false },
	{ "FileSystemConfigs", chk_fs_list, false },
	{ "Description", chk_description, false },
};
static int chk_config(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, config_fields); }

/* ---- function and top-level fields ---- */

static int chk_name(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!s || !*s || strlen(s) > 64 || !all_of(s, "-_", true))
		return bad(c, "expected a function name of 1 to 64 of [A-Za-z0-9-_]");
	return 0;
}

static int chk_region(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v), *last;
	size_t parts = 1;
	bool ok = s && *s && strlen(s) <= 32 && all_of(s, "-", true) && islower((unsigned char)*s);
	for (const char *p = s; ok && *p; p++) {
		parts += *p == '-';
		ok = *p == '-' ? p[1] && p[1] != '-' : !isupper((unsigned char)*p);
	}
	last = ok ? strrchr(s, '-') : NULL;
	ok = ok && parts >= 3 && last && all_of(last + 1, "0123456789", false);
	return ok ? 0 : bad(c, "expected an AWS region name such as \"us-east-1\"");
}

/* The Alias shape of lambda-2015-03-31: pattern (?!^[0-9]+$)([a-zA-Z0-9-_]+), 1 to 128. */
bool ld_verify_alias_name_ok(const char *s)
{
	return s && *s && strlen(s) <= 128 && all_of(s, "-_", true) &&
	       !all_of(s, "0123456789", false);
}

static int chk_alias(ctx *c, const ld_json *v)
{
	if (!ld_verify_alias_name_ok(ld_json_str(v)))
		return bad(c, "expected an alias name of 1 to 128 of [A-Za-z0-9-_], not all digits");
	return 0;
}

static int chk_source(ctx *c, const ld_json *v) { return want_rel_path(c, v, true); }
static int chk_artifact(ctx *c, const ld_json *v) { return want_rel_path(c, v, false); }

static int chk_pattern(ctx *c, const ld_json *v)
{
	const char *why = NULL;
	if (!ld_json_is_string(v))
		return bad(c, "expected a glob pattern string");
	if (!ld_pathglob_validate(ld_json_str(v), &why))
		return bad(c, "%s", why);
	return 0;
}

static int chk_exclude(ctx *c, const ld_json *v)
{
	return check_array(c, v, 0, LD_SPEC_MAX_EXCLUDES, chk_pattern);
}

static int chk_lockfile(ctx *c, const ld_json *v)
{
	int error = want_rel_path(c, v, false);
	if (error == 0 && !ld_lock_ecosystem(ld_json_str(v)))
		return bad(c, "not a lockfile lambdrift reads: expected package-lock.json, "
			   "npm-shrinkwrap.json, poetry.lock, Pipfile.lock or requirements*.txt");
	return error;
}

static int chk_lockfiles(ctx *c, const ld_json *v)
{
	return check_array(c, v, 0, LD_SPEC_MAX_LOCKFILES, chk_lockfile);
}

static int chk_command(ctx *c, const ld_json *v) { return want_string(c, v, 1, 4096); }
static int chk_build_timeout(ctx *c, const ld_json *v)
{
	return want_int(c, v, 1, LD_SPEC_MAX_BUILD_TIMEOUT);
}
static const field build_fields[] = {
	{ "command", chk_command, true },
	{ "artifact", chk_artifact, true },
	{ "timeout", chk_build_timeout, false },
};
static int chk_build(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, build_fields); }

static int chk_digest(ctx *c, const ld_json *v)
{
	const char *s = ld_json_str(v);
	if (!s || strncmp(s, "sha256:", 7) || !ld_is_hex64(s + 7))
		return bad(c, "expected \"sha256:\" followed by 64 lowercase hex digits");
	return 0;
}
static const field image_fields[] = { { "digest", chk_digest, true } };
static int chk_image(ctx *c, const ld_json *v) { return CHECK_OBJECT(c, v, image_fields); }

static const field function_fields[] = {
	{ "name", chk_name, true },
	{ "region", chk_region, false },
	{ "alias", chk_alias, false },
	{ "source", chk_source, false },
	{ "exclude", chk_exclude, false },
	{ "build", chk_build, false },
	{ "image", chk_image, false },
	{ "lockfiles", chk_lockfiles, false },
	{ "config", chk_config, false },
};

/* Cross-field rules of one function object, after its fields passed. */
static int chk_function_shape(ctx *c, const ld_json *v)
{
	int n = !!ld_json_get(v, "source") + !!ld_json_get(v, "build") + !!ld_json_get(v, "image");
	if (n != 1)
		return bad(c, "expected exactly one of \"source\", \"build\" or \"image\" (found %d)",
			   n);
	if (ld_json_get(v, "exclude") && !ld_json_get(v, "source")) {
		size_t len = push_key(c, "exclude");
		int error = bad(c, "applies only to a function with \"source\"");
		pop(c, len);
		return error;
	}
	return 0;
}

static int chk_function(ctx *c, const ld_json *v)
{
	int error = CHECK_OBJECT(c, v, function_fields);
	return error ? error : chk_function_shape(c, v);
}

static int chk_functions(ctx *c, const ld_json *v)
{
	if (ld_json_is_array(v) && ld_json_size(v) > LD_SPEC_MAX_FUNCTIONS)
		return ld_error_setc(LD_ELIMIT, LD_ERR_USAGE,
				     "%s: functions: more than %d functions", c->file,
				     LD_SPEC_MAX_FUNCTIONS);
	return check_array(c, v, 1, LD_SPEC_MAX_FUNCTIONS, chk_function);
}

static int chk_version(ctx *c, const ld_json *v)
{
	if (!ld_json_is_number(v) || ld_json_num(v) != 1)
		return bad(c, "expected 1 (the spec format version this lambdrift reads)");
	return 0;
}

static int chk_schema(ctx *c, const ld_json *v) { return want_string(c, v, 0, 1024); }

static const field root_fields[] = {
	{ "$schema", chk_schema, false },
	{ "lambdrift", chk_version, true },
	{ "region", chk_region, false },
	{ "alias", chk_alias, false },
	{ "functions", chk_functions, true },
};

/* ---- positions in the raw text ---- */

static void line_col(const char *text, size_t at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/*
 * Scan valid JSON text: store the offset of each '{' directly inside the root's
 * "functions" array (up to `max`), and return the offset just past the root value.
 */
static size_t scan(const char *t, size_t len, size_t *starts, size_t max, size_t *nstarts)
{
	size_t i = skip_ws(t, len, 0);
	int depth = 0, fdepth = -1;
	bool want_array = false;

	*nstarts = 0;
	for (; i < len; i++) {
		char ch = t[i];
		if (ch == '"') {
			size_t s = i + 1;
			for (i++; i < len && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
			if (depth == 1) {
				size_t j = skip_ws(t, len, i + 1);
				want_array = j < len && t[j] == ':' && i - s == 9 &&
					     memcmp(t + s, "functions", 9) == 0;
			}
			continue;
		}
		if (ch == '{' || ch == '[') {
			if (ch == '{' && depth == fdepth && *nstarts < max)
				starts[(*nstarts)++] = i;
			if (ch == '[' && depth == 1 && want_array)
				fdepth = 2;
			want_array = false;
			depth++;
		} else if (ch == '}' || ch == ']') {
			if (--depth < fdepth)
				fdepth = -1;
			if (depth == 0)
				return i + 1;
		} else if (depth == 0) {
			/* a scalar root: runs to the next delimiter */
			while (i < len && !strchr(" \t\r\n,]}", t[i]))
				i++;
			return i;
		} else if (ch == ',' && depth == 1) {
			want_array = false;
		}
	}
	return i;
}

/* cJSON reports where it stopped as "near byte N" (util/json.c); turn that into line:col. */
static int syntax_error(const char *file, const char *text, size_t len)
{
	const char *m = strstr(ld_error_last()->message, "near byte ");
	unsigned line, col;
	size_t at;

	if (!m)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: malformed JSON", file);
	at = (size_t)strtoull(m + 10, NULL, 10);
	line_col(text, at > len ? len : at, &line, &col);
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s:%u:%u: malformed JSON%s", file, line, col,
			     strstr(m, "ends early") ? ": the file ends early (cut short?)" : "");
}

/* ---- building the spec ---- */

static int fill_lockfiles(ld_spec_function *f, const ld_json *list)
{
	if (!list)
		return 0;
	f->has_lockfiles = true;
	if (ld_json_size(list) && !(f->lockfiles = calloc(ld_json_size(list), sizeof(char *))))
		return ld_error_oom();
	for (const ld_json *e = ld_json_first(list); e; e = ld_json_next(e))
		if (!(f->lockfiles[f->nlockfiles++] = norm_path(ld_json_str(e))))
			return ld_error_oom();
	return 0;
}

static int fill_function(ld_spec_function *f, const ld_json *v, const ld_spec *spec)
{
	const ld_json *build = ld_json_get(v, "build"), *ex = ld_json_get(v, "exclude");
	double timeout = LD_SPEC_DEFAULT_BUILD_TIMEOUT;

	if (!(f->name = strdup(ld_json_get_str(v, "name"))))
		return ld_error_oom();
	if (ld_dup_or_null(&f->region, ld_json_get_str(v, "region") ? ld_json_get_str(v, "region")
								    : spec->region) < 0 ||
	    ld_dup_or_null(&f->alias, ld_json_get_str(v, "alias") ? ld_json_get_str(v, "alias")
								  : spec->alias) < 0)
		return LD_ERROR;
	if (ld_json_get(v, "source")) {
		f->kind = LD_SPEC_SOURCE;
		if (!(f->source = norm_path(ld_json_get_str(v, "source"))))
			return ld_error_oom();
		if (ex && ld_json_size(ex) && !(f->exclude = calloc(ld_json_size(ex), sizeof(char *))))
			return ld_error_oom();
		for (const ld_json *e = ld_json_first(ex); e; e = ld_json_next(e))
			if (!(f->exclude[f->nexclude++] = strdup(ld_json_str(e))))
				return ld_error_oom();
	} else if (build) {
		f->kind = LD_SPEC_BUILD;
		ld_json_get_num(build, "timeout", &timeout);
		f->build_timeout = (unsigned)timeout;
		f->build_command = strdup(ld_json_get_str(build, "command"));
		f->build_artifact = norm_path(ld_json_get_str(build, "artifact"));
		if (!f->build_command || !f->build_artifact)
			return ld_error_oom();
	} else {
		f->kind = LD_SPEC_IMAGE;
		if (!(f->image_digest = strdup(ld_json_get_str(ld_json_get(v, "image"), "digest"))))
			return ld_error_oom();
	}
	if (ld_json_get(v, "config") && !(f->config = ld_json_dup(ld_json_get(v, "config"))))
		return ld_error_oom();
	return fill_lockfiles(f, ld_json_get(v, "lockfiles"));
}

/* The same name may appear once per region. */
static int no_twins(const ld_spec *spec, const char *file)
{
	for (size_t i = 1; i < spec->nfunctions; i++) {
		const ld_spec_function *f = &spec->functions[i];
		for (size_t j = 0; j < i; j++) {
			const ld_spec_function *g = &spec->functions[j];
			bool same_region = (!f->region && !g->region) ||
					   (f->region && g->region && !strcmp(f->region, g->region));
			if (same_region && strcmp(f->name, g->name) == 0)
				return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
						     "%s: functions[%zu].name: '%s' is declared twice "
						     "(also functions[%zu])",
						     file, i, f->name, j);
		}
	}
	return 0;
}

static int build_spec(ld_spec *spec, const ld_json *root, const size_t *starts, size_t nstarts,
		      const char *text)
{
	const ld_json *fns = ld_json_get(root, "functions");
	size_t i = 0, at = 0;
	unsigned line = 1;
	int error = 0;

	spec->version = 1;
	if (ld_dup_or_null(&spec->region, ld_json_get_str(root, "region")) < 0 ||
	    ld_dup_or_null(&spec->alias, ld_json_get_str(root, "alias")) < 0)
		return LD_ERROR;
	if (!(spec->functions = calloc(ld_json_size(fns), sizeof(*spec->functions))))
		return ld_error_oom();
	for (const ld_json *v = ld_json_first(fns); v && !error; v = ld_json_next(v), i++) {
		ld_spec_function *f = &spec->functions[spec->nfunctions++];
		/* starts[] ascend, so one pass over the text counts every line */
		for (; nstarts == ld_json_size(fns) && at < starts[i]; at++)
			line += text[at] == '\n';
		f->line = nstarts == ld_json_size(fns) ? line : 0;
		error = fill_function(f, v, spec);
	}
	return error ? error : no_twins(spec, spec->file);
}

int ld_spec_parse(ld_spec **out, const char *text, size_t len, const char *file)
{
	ctx c = { file, LD_BUF_INIT_CAP(1024) };
	char digest[LD_SHA256_HEX_LEN + 1];
	ld_json *root = NULL;
	ld_spec *spec = NULL;
	size_t *starts = NULL, nstarts = 0, end;
	unsigned line, col;
	int error;

	*out = NULL;
	if (len > LD_SPEC_MAX_BYTES)
		return ld_error_setc(LD_ELIMIT, LD_ERR_USAGE, "%s: the spec is %zu bytes; the limit is %zu",
				     file, len, LD_SPEC_MAX_BYTES);
	ld_sha256_hex(digest, text, len); /* the bytes as read, BOM and all */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;  /* a UTF-8 BOM; columns of line 1 are then counted after it */
		len -= 3;
	}
	if (memchr(text, '\0', len)) {
		line_col(text, (size_t)((const char *)memchr(text, '\0', len) - text), &line, &col);
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s:%u:%u: NUL byte in the spec", file,
				     line, col);
	}
	if (ld_json_parse(&root, text, len, file) < 0)
		return syntax_error(file, text, len);
	if (!(starts = calloc(LD_SPEC_MAX_FUNCTIONS, sizeof(*starts))) ||
	    !(spec = calloc(1, sizeof(*spec))) || !(spec->file = strdup(file))) {
		error = ld_error_oom();
		goto done;
	}
	memcpy(spec->sha256, digest, sizeof(spec->sha256));
	end = skip_ws(text, len, scan(text, len, starts, LD_SPEC_MAX_FUNCTIONS, &nstarts));
	if (end < len) {
		line_col(text, end, &line, &col);
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				      "%s:%u:%u: unexpected text after the JSON value", file, line,
				      col);
		goto done;
	}
	if ((error = CHECK_OBJECT(&c, root, root_fields)) < 0)
		goto done;
	if (c.path.error) {
		error = c.path.error;
		goto done;
	}
	if ((error = build_spec(spec, root, starts, nstarts, text)) < 0)
		goto done;
	*out = spec;
	spec = NULL;
done:
	ld_spec_free(spec);
	free(starts);
	ld_json_free(root);
	ld_buf_dispose(&c.path);
	return error;
}

int ld_spec_load(ld_spec **out, const char *path)
{
	/* one byte past the limit: ld_spec_parse says when the spec is too large */
	ld_buf text = LD_BUF_INIT_CAP(LD_SPEC_MAX_BYTES + 1);
	int error;

	*out = NULL;
	if ((error = ld_buf_read_file(&text, path, text.cap)) == LD_ELIMIT)
		error = ld_error_setc(LD_ELIMIT, LD_ERR_USAGE, "%s: the spec is larger than %zu bytes",
				      path, LD_SPEC_MAX_BYTES);
	else if (error < 0 && errno == EISDIR)
		error = ld_file_dir_error(path, "a spec", LD_ERR_USAGE);
	if (!error)
		error = ld_spec_parse(out, text.ptr, text.size, path);
	ld_buf_dispose(&text);
	return error;
}

static void function_dispose(ld_spec_function *f)
{
	free(f->name);
	free(f->region);
	free(f->alias);
	free(f->source);
	for (size_t i = 0; i < f->nexclude; i++)
		free(f->exclude[i]);
	free(f->exclude);
	free(f->build_command);
	free(f->build_artifact);
	free(f->image_digest);
	for (size_t i = 0; i < f->nlockfiles; i++)
		free(f->lockfiles[i]);
	free(f->lockfiles);
	ld_json_free(f->config);
}

void ld_spec_free(ld_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->nfunctions; i++)
		function_dispose(&spec->functions[i]);
	free(spec->functions);
	free(spec->region);
	free(spec->alias);
	free(spec->file);
	free(spec);
}

const ld_spec_function *ld_spec_find(const ld_spec *spec, const char *name, const char *region)
{
	for (size_t i = 0; i < spec->nfunctions; i++) {
		const ld_spec_function *f = &spec->functions[i];
		if (strcmp(f->name, name) == 0 &&
		    (!region || (f->region && strcmp(f->region, region) == 0)))
			return f;
	}
	return NULL;
}
