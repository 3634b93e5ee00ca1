/*
 * A function's execution role and log group as $LATEST's configuration gives them, for the
 * IAM and Logs collector (what to read) and the rules (what to judge) alike. Kept apart
 * from inventory/iam.c, which inventory.c calls to free the IAM data: this file calls into
 * inventory.c, and the two in one file would call each other.
 */
#include <stdlib.h>
#include <string.h>

#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "lambdrift/iam.h"
#include "util/json.h"

/* $LATEST's setting `name`, parsed, or NULL. */
static ld_json *latest_setting(const ld_function *fn, const char *name)
{
	const ld_version *v = ld_function_version(fn, "$LATEST");
	ld_json *j = NULL;

	for (size_t i = 0; v && i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, name) &&
		    ld_json_parse(&j, v->config[i].value, strlen(v->config[i].value), name) == 0)
			return j;
	ld_error_clear();
	return NULL;
}

char *ld_function_role(const ld_function *fn)
{
	ld_json *j = latest_setting(fn, "Role");
	char *s = ld_json_is_string(j) ? strdup(ld_json_str(j)) : NULL;

	ld_json_free(j);
	return s;
}

char *ld_function_log_group(const ld_function *fn)
{
	ld_json *j = latest_setting(fn, "LoggingConfig");
	const char *g = ld_json_get_str(j, "LogGroup");
	ld_buf b = LD_BUF_INIT_CAP(4096);

	if (g && g[0])
		ld_buf_puts(&b, g);
	else
		ld_buf_printf(&b, "/aws/lambda/%s", fn->name);
	ld_json_free(j);
	return ld_buf_detach(&b);
}
