/*
 * A function's code signing record (inventory/signing.h) and its snapshot form:
 * {"config": ARN or null, "untrusted_artifact_on_deployment": "Warn" | "Enforce" | null,
 * "unchecked": why or null}.
 */
#include <stdlib.h>
#include <string.h>

#include "inventory/signing.h"
#include "lambdrift/errors.h"
#include "util/str.h"

ld_fn_signing *ld_fn_signing_new(const char *config_arn, const char *untrusted,
				 const char *unchecked)
{
	ld_fn_signing *s = calloc(1, sizeof(*s));

	if (!s) {
		ld_error_oom();
		return NULL;
	}
	if (ld_dup_or_null(&s->config_arn, config_arn) < 0 ||
	    ld_dup_or_null(&s->untrusted, untrusted) < 0 ||
	    ld_dup_or_null(&s->unchecked, unchecked) < 0) {
		ld_fn_signing_free(s);
		return NULL;
	}
	return s;
}

void ld_fn_signing_free(ld_fn_signing *s)
{
	if (!s)
		return;
	free(s->config_arn);
	free(s->untrusted);
	free(s->unchecked);
	free(s);
}

ld_json *ld_fn_signing_json(const ld_fn_signing *s)
{
	ld_json *o = ld_json_new_object();

	if (!o || ld_json_add_str(o, "config", s->config_arn) < 0 ||
	    ld_json_add_str(o, "untrusted_artifact_on_deployment", s->untrusted) < 0 ||
	    ld_json_add_str(o, "unchecked", s->unchecked) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

/* A member that must be a string or null; *out borrowed, NULL for null or absent. */
static int str_or_null(const char **out, const ld_json *obj, const char *member,
		       const char *file, const char *where)
{
	const ld_json *v = ld_json_get(obj, member);

	*out = NULL;
	if (!v || ld_json_is_null(v))
		return 0;
	if (!ld_json_is_string(v))
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s.code_signing.%s: "
				     "expected a string or null", file, where, member);
	*out = ld_json_str(v);
	return 0;
}

int ld_fn_signing_load(ld_fn_signing **out, const ld_json *obj, const char *file,
		       const char *where)
{
	const char *config, *untrusted, *unchecked;
	int error;

	*out = NULL;
	if (!obj || ld_json_is_null(obj))
		return 0;
	if (!ld_json_is_object(obj))
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s.code_signing: "
				     "expected an object", file, where);
	if ((error = str_or_null(&config, obj, "config", file, where)) < 0 ||
	    (error = str_or_null(&untrusted, obj, "untrusted_artifact_on_deployment", file,
				 where)) < 0 ||
	    (error = str_or_null(&unchecked, obj, "unchecked", file, where)) < 0)
		return error;
	/* a config without its policy could read as neither Warn nor Enforce: refuse it */
	if (!unchecked && config && !untrusted)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "%s: %s.code_signing: a "
				     "config without untrusted_artifact_on_deployment", file, where);
	return (*out = ld_fn_signing_new(config, untrusted, unchecked)) ? 0 : LD_ERROR;
}
