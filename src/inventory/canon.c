/*
 * From one Lambda FunctionConfiguration (a ListFunctions item or GetFunction's
 * Configuration) to an ld_version: identity fields, and the behaviour-defining settings in
 * canonical form. Canonical means the same configuration gives the same bytes however the
 * API spelled it: a setting at its default (absent, null, empty, or the documented default
 * value) is omitted, unordered lists are sorted, volatile fields (LastModified, RevisionId,
 * State*, CodeSize, Description, VpcId, ...) never enter, and environment values are
 * replaced by an HMAC under the inventory's key so secrets never leave this file. The same
 * code canonicalises a spec's "config" object (canon.h), so verify compares like with like. Observed
 * against moto 5.2 (fixtures/aws/moto-listfunctions-all.json): an unchanged $LATEST and its
 * published version give the same digest even though one says "VpcConfig": null and
 * the other omits it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/build.h"
#include "inventory/canon.h"
#include "inventory/envscan.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/str.h"

static bool nonempty_str(const ld_json *j)
{
	return ld_json_is_string(j) && ld_json_str(j)[0] != '\0';
}

/* True for values that mean "not set": absent, null, "", [] and {}. */
static bool is_unset(const ld_json *j)
{
	if (!j || ld_json_is_null(j))
		return true;
	if (ld_json_is_string(j))
		return ld_json_str(j)[0] == '\0';
	if (ld_json_is_array(j) || ld_json_is_object(j))
		return ld_json_size(j) == 0;
	return false;
}

/* Remove unset members from an object (one level). */
static void prune(ld_json *obj)
{
	ld_json *m = ld_json_first(obj), *next;
	while (m) {
		next = ld_json_next(m);
		if (is_unset(m))
			ld_json_remove(obj, ld_json_key(m));
		m = next;
	}
}

static int add_field(ld_version *v, const char *name, const ld_json *value)
{
	ld_buf b = LD_BUF_INIT_CAP(1024 * 1024);
	ld_config_field *f;
	int error;

	if ((error = ld_json_canonical(&b, value)) < 0 || (error = b.error) < 0)
		goto done;
	/* A version has about twenty settings at most: growing one by one is fine. */
	if (!(f = realloc(v->config, (v->nconfig + 1) * sizeof(*f)))) {
		error = ld_error_oom();
		goto done;
	}
	v->config = f;
	f = &v->config[v->nconfig];
	f->name = strdup(name);
	f->value = ld_buf_detach(&b);
	if (!f->name || !f->value) {
		free(f->name);
		free(f->value);
		error = ld_error_oom();
		goto done;
	}
	v->nconfig++;
done:
	ld_buf_dispose(&b);
	return error;
}

/* Add `value` (owned; freed here) under `name`, or nothing when value is NULL. */
static int add_owned(ld_version *v, const char *name, ld_json *value)
{
	int error = value ? add_field(v, name, value) : 0;
	ld_json_free(value);
	return error;
}

static int add_scalar(ld_version *v, const ld_json *cfg, const char *name)
{
	const ld_json *j = ld_json_get(cfg, name);
	if (nonempty_str(j) || ld_json_is_number(j) || ld_json_is_bool(j))
		return add_field(v, name, j);
	return 0;
}

/* Add {key: value} under `name`, or nothing when `value` is unset. */
static int add_wrapped(ld_version *v, const char *name, const char *key, const char *value)
{
	ld_json *o;

	if (!value || !*value)
		return 0;
	if (!(o = ld_json_new_object()))
		return ld_error_oom();
	if (ld_json_add_str(o, key, value) < 0) {
		ld_json_free(o);
		return LD_ERROR;
	}
	return add_owned(v, name, o);
}

/* A new array holding the strings of `arr`, sorted when asked; non-strings are an error. */
static int string_array(ld_json **out, const ld_json *arr, bool sorted, const char *what)
{
	size_t n = ld_json_size(arr), i = 0;
	const char **items = NULL;
	ld_json *a = NULL;
	int error = 0;

	*out = NULL;
	if (n && !(items = calloc(n, sizeof(*items))))
		return ld_error_oom();
	for (ld_json *c = ld_json_first(arr); c; c = ld_json_next(c)) {
		if (!ld_json_is_string(c)) {
			error = ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
					      "%s holds a non-string item", what);
			goto done;
		}
		items[i++] = ld_json_str(c);
	}
	if (sorted && n > 1)
		qsort(items, n, sizeof(*items), ld_strcmp_ptrs);
	if (!(a = ld_json_new_array())) {
		error = ld_error_oom();
		goto done;
	}
	for (i = 0; i < n && error == 0; i++)
		error = ld_json_append(a, ld_json_new_string(items[i]));
	if (error == 0) {
		*out = a;
		a = NULL;
	}
done:
	ld_json_free(a);
	free(items);
	return error;
}

void ld_env_digest(char *out, const char *name, const char *value_sha256_hex,
		   const uint8_t *key, size_t key_len)
{
	static const uint8_t no_key[1];
	uint8_t mac[LD_SHA256_LEN];
	size_t nlen = strlen(name);
	uint8_t *msg;

	out[0] = '\0';
	/* name "\0" hex(sha256(value)): the NUL keeps ("A","BC") and ("AB","C") apart, and
	 * hashing the value first lets a spec state a secret by its sha256 alone. */
	if (!(msg = malloc(nlen + 1 + LD_SHA256_HEX_LEN)))
		return;
	memcpy(msg, name, nlen + 1);
	memcpy(msg + nlen + 1, value_sha256_hex, LD_SHA256_HEX_LEN);
	ld_hmac_sha256(mac, key ? key : no_key, key ? key_len : 0, msg, nlen + 1 + LD_SHA256_HEX_LEN);
	free(msg);
	memcpy(out, LD_ENV_DIGEST_PREFIX, sizeof(LD_ENV_DIGEST_PREFIX) - 1);
	ld_hex(out + sizeof(LD_ENV_DIGEST_PREFIX) - 1, mac, sizeof(mac));
}

/* The sha256 hex of one variable's value: hashed here for a plaintext value, taken as
 * given for the spec's {"sha256": "<hex>"} form. */
static int env_value_sha256(char hex[LD_SHA256_HEX_LEN + 1], const ld_json *m,
			    const ld_config_opts *o)
{
	const char *given;

	if (ld_json_is_string(m)) {
		ld_sha256_hex(hex, ld_json_str(m), strlen(ld_json_str(m)));
		return 0;
	}
	given = o->spec && ld_json_is_object(m) ? ld_json_get_str(m, "sha256") : NULL;
	if (!ld_is_hex64(given))
		/* the name only: the value may be a secret */
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
				     "Environment.Variables.%s is not a string%s", ld_json_key(m),
				     o->spec ? " or {\"sha256\": \"<hex>\"}" : "");
	memcpy(hex, given, LD_SHA256_HEX_LEN + 1);
	return 0;
}

static int add_environment(ld_version *v, const ld_json *cfg, const ld_config_opts *o)
{
	const ld_json *vars = ld_json_get(ld_json_get(cfg, "Environment"), "Variables");
	char hex[LD_SHA256_HEX_LEN + 1], digest[LD_ENV_DIGEST_LEN + 1];
	ld_json *env = NULL, *digests = NULL;
	int error = 0;

	if (!ld_json_is_object(vars) || ld_json_size(vars) == 0)
		return 0;
	if (!(env = ld_json_new_object()) || !(digests = ld_json_new_object())) {
		error = ld_error_oom();
		goto done;
	}
	for (ld_json *m = ld_json_first(vars); m && error == 0; m = ld_json_next(m)) {
		if ((error = env_value_sha256(hex, m, o)) < 0)
			break;
		ld_env_digest(digest, ld_json_key(m), hex, o->key, o->key_len);
		if (!digest[0])
			error = ld_error_oom();
		else
			error = ld_json_add_str(digests, ld_json_key(m), digest);
	}
	memset(hex, 0, sizeof(hex));
	if (error == 0 && (error = ld_json_add(env, "Variables", digests)) == 0) {
		digests = NULL;
		error = add_field(v, "Environment", env);
	}
done:
	ld_json_free(digests);
	ld_json_free(env);
	return error;
}

static int add_layers(ld_version *v, const ld_json *cfg)
{
	const ld_json *layers = ld_json_get(cfg, "Layers");
	ld_json *arns;
	int error = 0;

	if (ld_json_size(layers) == 0 || !ld_json_is_array(layers))
		return 0;
	if (!(arns = ld_json_new_array()))
		return ld_error_oom();
	/* Order matters: later layers overwrite files of earlier ones. */
	for (ld_json *l = ld_json_first(layers); l && error == 0; l = ld_json_next(l)) {
		const char *arn = ld_json_is_string(l) ? ld_json_str(l) : ld_json_get_str(l, "Arn");
		if (!arn) {
			error = ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "Layers item without Arn");
			break;
		}
		error = ld_json_append(arns, ld_json_new_string(arn));
	}
	if (error == 0)
		error = add_field(v, "Layers", arns);
	ld_json_free(arns);
	return error;
}

static int add_vpc(ld_version *v, const ld_json *cfg)
{
	const ld_json *vpc = ld_json_get(cfg, "VpcConfig");
	const ld_json *subnets = ld_json_get(vpc, "SubnetIds"), *groups = ld_json_get(vpc, "SecurityGroupIds");
	ld_json *out = NULL, *s = NULL, *g = NULL;
	int error = 0;

	/* No subnets and no groups is "not in a VPC", whatever else the object says. */
	if (ld_json_size(subnets) == 0 && ld_json_size(groups) == 0)
		return 0;
	if ((error = string_array(&s, subnets, true, "VpcConfig.SubnetIds")) < 0 ||
	    (error = string_array(&g, groups, true, "VpcConfig.SecurityGroupIds")) < 0)
		goto done;
	if (!(out = ld_json_new_object())) {
		error = ld_error_oom();
		goto done;
	}
	error = ld_json_add(out, "SubnetIds", s);
	s = NULL;
	if (error == 0)
		error = ld_json_add(out, "SecurityGroupIds", g);
	g = NULL;
	if (error == 0 && ld_json_is_true(ld_json_get(vpc, "Ipv6AllowedForDualStack")))
		error = ld_json_add_bool(out, "Ipv6AllowedForDualStack", true);
	if (error == 0)
		error = add_field(v, "VpcConfig", out);
done:
	ld_json_free(s);
	ld_json_free(g);
	ld_json_free(out);
	return error;
}

static int add_architectures(ld_version *v, const ld_json *cfg)
{
	const ld_json *a = ld_json_get(cfg, "Architectures");
	size_t n = ld_json_size(a);

	if (!ld_json_is_array(a) || n == 0)
		return 0;
	if (n == 1 && ld_json_str(ld_json_at(a, 0)) && !strcmp(ld_json_str(ld_json_at(a, 0)), "x86_64"))
		return 0;
	return add_field(v, "Architectures", a);
}

static int add_ephemeral_storage(ld_version *v, const ld_json *cfg)
{
	double size;
	ld_json *o;

	if (!ld_json_get_num(ld_json_get(cfg, "EphemeralStorage"), "Size", &size) || size == 512)
		return 0;
	if (!(o = ld_json_new_object()) || ld_json_add_num(o, "Size", size) < 0) {
		ld_json_free(o);
		return ld_error_oom();
	}
	return add_owned(v, "EphemeralStorage", o);
}

static int add_tracing(ld_version *v, const ld_json *cfg)
{
	const char *mode = ld_json_get_str(ld_json_get(cfg, "TracingConfig"), "Mode");
	if (!mode || !strcmp(mode, "PassThrough"))
		return 0;
	return add_wrapped(v, "TracingConfig", "Mode", mode);
}

static int add_snapstart(ld_version *v, const ld_json *cfg)
{
	/* OptimizationStatus is Lambda's progress report, not a setting. */
	const char *apply = ld_json_get_str(ld_json_get(cfg, "SnapStart"), "ApplyOn");
	if (!apply || !strcmp(apply, "None"))
		return 0;
	return add_wrapped(v, "SnapStart", "ApplyOn", apply);
}

static int add_dead_letter(ld_version *v, const ld_json *cfg)
{
	const char *target = ld_json_get_str(ld_json_get(cfg, "DeadLetterConfig"), "TargetArn");
	return add_wrapped(v, "DeadLetterConfig", "TargetArn", target);
}

/* An object setting with unset members dropped; omitted when nothing is left. */
static int add_pruned(ld_version *v, const char *name, const ld_json *obj, const char *drop_key,
		      const char *drop_value)
{
	ld_json *copy;
	const char *s;

	if (!ld_json_is_object(obj))
		return 0;
	if (!(copy = ld_json_dup(obj)))
		return ld_error_oom();
	prune(copy);
	if (drop_key && (s = ld_json_get_str(copy, drop_key)) && !strcmp(s, drop_value))
		ld_json_remove(copy, drop_key);
	if (ld_json_size(copy) == 0) {
		ld_json_free(copy);
		return 0;
	}
	return add_owned(v, name, copy);
}

static int add_logging(ld_version *v, const ld_json *cfg, const char *fn)
{
	const ld_json *lc = ld_json_get(cfg, "LoggingConfig");
	const char *group = ld_json_get_str(lc, "LogGroup");
	char def[128];
	ld_json *copy;
	int error;

	if (!ld_json_is_object(lc))
		return 0;
	/* AWS reports the default log group and Text format explicitly; older APIs and
	 * emulators omit them. Both mean the same, so both are dropped. */
	if (!(copy = ld_json_dup(lc)))
		return ld_error_oom();
	if (fn && group && (size_t)snprintf(def, sizeof(def), "/aws/lambda/%s", fn) < sizeof(def) &&
	    !strcmp(group, def))
		ld_json_remove(copy, "LogGroup");
	error = add_pruned(v, "LoggingConfig", copy, "LogFormat", "Text");
	ld_json_free(copy);
	return error;
}

static int add_file_systems(ld_version *v, const ld_json *cfg)
{
	const ld_json *fs = ld_json_get(cfg, "FileSystemConfigs");
	if (!ld_json_is_array(fs) || ld_json_size(fs) == 0)
		return 0;
	return add_field(v, "FileSystemConfigs", fs);
}

static int add_package_type(ld_version *v)
{
	ld_json *s = ld_json_new_string(v->package_type);
	if (!s)
		return ld_error_oom();
	return add_owned(v, "PackageType", s);
}

static int cmp_fields(const void *a, const void *b)
{
	return strcmp(((const ld_config_field *)a)->name, ((const ld_config_field *)b)->name);
}

static int set_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	return (*dst = strdup(src)) ? 0 : ld_error_oom();
}

static int fill_identity(ld_version *out, const ld_json *cfg)
{
	const char *version = ld_json_get_str(cfg, "Version"), *arn = ld_json_get_str(cfg, "FunctionArn");
	const char *runtime = ld_json_get_str(cfg, "Runtime"), *pt = ld_json_get_str(cfg, "PackageType");
	int error;

	if (!version || !*version || !arn || !*arn)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
				     "function configuration without %s; the server sent an "
				     "incomplete item", !version || !*version ? "Version" : "FunctionArn");
	if ((error = set_str(&out->version, version)) < 0 || (error = set_str(&out->arn, arn)) < 0 ||
	    (error = set_str(&out->code_sha256, ld_json_get_str(cfg, "CodeSha256"))) < 0 ||
	    (error = set_str(&out->runtime, runtime && *runtime ? runtime : NULL)) < 0 ||
	    (error = set_str(&out->package_type, pt && *pt ? pt : "Zip")) < 0 ||
	    (error = set_str(&out->last_modified, ld_json_get_str(cfg, "LastModified"))) < 0)
		return error;
	return 0;
}

/* Every behaviour-defining setting, each canonicalised by its own helper. */
static int add_settings(ld_version *out, const ld_json *cfg, const ld_config_opts *o)
{
	const char *fn = ld_json_get_str(cfg, "FunctionName");
	const ld_json *image = o->spec ? ld_json_get(cfg, "ImageConfig")
				       : ld_json_get(ld_json_get(cfg, "ImageConfigResponse"),
						     "ImageConfig");
	int error;

	if ((error = add_scalar(out, cfg, "Runtime")) < 0 ||
	    (error = add_scalar(out, cfg, "Handler")) < 0 ||
	    (error = add_scalar(out, cfg, "MemorySize")) < 0 ||
	    (error = add_scalar(out, cfg, "Timeout")) < 0 ||
	    (error = add_scalar(out, cfg, "Role")) < 0 ||
	    (error = add_scalar(out, cfg, "KMSKeyArn")) < 0 ||
	    (error = add_environment(out, cfg, o)) < 0 ||
	    (error = add_layers(out, cfg)) < 0 ||
	    (error = add_vpc(out, cfg)) < 0 ||
	    (error = add_architectures(out, cfg)) < 0 ||
	    (error = add_ephemeral_storage(out, cfg)) < 0 ||
	    (error = add_tracing(out, cfg)) < 0 ||
	    (error = add_dead_letter(out, cfg)) < 0 ||
	    (error = add_file_systems(out, cfg)) < 0 ||
	    (error = add_pruned(out, "ImageConfig", image, NULL, NULL)) < 0 ||
	    (error = add_logging(out, cfg, fn ? fn : o->function_name)) < 0 ||
	    (error = add_snapstart(out, cfg)) < 0)
		return error;
	return 0;
}

static void dispose_config(ld_version *v)
{
	for (size_t i = 0; i < v->nconfig; i++) {
		free(v->config[i].name);
		free(v->config[i].value);
	}
	free(v->config);
	free(v->config_sha256);
	v->config = NULL;
	v->config_sha256 = NULL;
	v->nconfig = 0;
}

int ld_config_canonical(ld_version *v, const ld_json *cfg, const ld_config_opts *opts)
{
	int error;

	if (!ld_json_is_object(cfg))
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
				     "function configuration is not a JSON object");
	if ((error = add_settings(v, cfg, opts)) < 0 ||
	    (!opts->spec && v->package_type && (error = add_package_type(v)) < 0) ||
	    (error = ld_version_digest(v)) < 0)
		dispose_config(v);
	return error;
}

int ld_version_from_api(ld_version *out, const ld_json *cfg, const uint8_t *key, size_t key_len)
{
	ld_config_opts opts = { key, key_len, false, NULL };
	int error;

	memset(out, 0, sizeof(*out));
	if (!ld_json_is_object(cfg)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
				      "function configuration is not a JSON object");
		goto done;
	}
	if ((error = fill_identity(out, cfg)) < 0 || (error = ld_config_canonical(out, cfg, &opts)) < 0)
		goto done;
	error = ld_env_scan(&out->env_verdicts, cfg);
done:
	/* A failed version is left zeroed; ld_inventory_sort() drops such slots. */
	if (error < 0)
		ld_version_dispose(out);
	return error;
}

int ld_version_digest(ld_version *v)
{
	char hex[LD_SHA256_HEX_LEN + 1];
	uint8_t digest[LD_SHA256_LEN];
	ld_sha256_ctx *ctx;

	if (v->nconfig > 1)
		qsort(v->config, v->nconfig, sizeof(*v->config), cmp_fields);
	if (!(ctx = ld_sha256_new()))
		return ld_error_oom();
	for (size_t i = 0; i < v->nconfig; i++) {
		ld_sha256_update(ctx, v->config[i].name, strlen(v->config[i].name));
		ld_sha256_update(ctx, "=", 1);
		ld_sha256_update(ctx, v->config[i].value, strlen(v->config[i].value));
		ld_sha256_update(ctx, "\n", 1);
	}
	ld_sha256_final(ctx, digest);
	ld_hex(hex, digest, sizeof(digest));
	free(v->config_sha256);
	if (!(v->config_sha256 = strdup(hex)))
		return ld_error_oom();
	return 0;
}

/* "Environment" hashed as its sorted names, one per line, values left out. */
static int hash_env_names(ld_sha256_ctx *ctx, const char *value)
{
	ld_json *root = NULL;
	const ld_json *vars;
	int error;

	if ((error = ld_json_parse(&root, value, strlen(value), "Environment")) < 0)
		return error;
	vars = ld_json_get(root, "Variables");
	ld_sha256_update(ctx, "names:", 6);
	for (const ld_json *m = ld_json_first(vars); m; m = ld_json_next(m)) {
		ld_sha256_update(ctx, ld_json_key(m), strlen(ld_json_key(m)));
		ld_sha256_update(ctx, ",", 1);
	}
	ld_json_free(root);
	return 0;
}

int ld_version_release_digest(char out[65], const ld_version *v)
{
	uint8_t digest[LD_SHA256_LEN];
	ld_sha256_ctx *ctx;
	int error = 0;

	if (!(ctx = ld_sha256_new()))
		return ld_error_oom();
	for (size_t i = 0; i < v->nconfig && error == 0; i++) {
		ld_sha256_update(ctx, v->config[i].name, strlen(v->config[i].name));
		ld_sha256_update(ctx, "=", 1);
		if (!strcmp(v->config[i].name, "Environment"))
			error = hash_env_names(ctx, v->config[i].value);
		else
			ld_sha256_update(ctx, v->config[i].value, strlen(v->config[i].value));
		ld_sha256_update(ctx, "\n", 1);
	}
	if (error < 0) {
		ld_sha256_free(ctx);
		return error;
	}
	ld_sha256_final(ctx, digest);
	ld_hex(out, digest, sizeof(digest));
	return 0;
}
