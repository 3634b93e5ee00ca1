/*
 * config-drift (see configcmp.h). The spec side becomes an ld_version through
 * ld_config_canonical(), exactly as a deployed FunctionConfiguration does, and then each
 * declared key is looked up on both sides: a setting at its default is absent on both, so
 * "declared the default, deployed nothing" is equal. Environment is compared per variable
 * on the keyed digests, so the message can say which variables are missing, extra or
 * different without ever holding a value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/configcmp.h"
#include "inventory/build.h"
#include "inventory/canon.h"
#include "lambdrift/errors.h"
#include "util/json.h"

#define SHOW_MAX 160  /* bytes of one value shown in a message */

static const char *field_value(const ld_version *v, const char *name)
{
	for (size_t i = 0; i < v->nconfig; i++)
		if (!strcmp(v->config[i].name, name))
			return v->config[i].value;
	return NULL;
}

/* A canonical value for a message: strings without their quotes, long values cut. */
static void show(char *out, size_t outlen, const char *canonical)
{
	size_t n;

	if (!canonical) {
		snprintf(out, outlen, "(not set)");
		return;
	}
	n = strlen(canonical);
	if (n >= 2 && canonical[0] == '"' && canonical[n - 1] == '"' &&
	    !memchr(canonical + 1, '\\', n - 2)) {
		canonical++;
		n -= 2;
	}
	if (n > SHOW_MAX)
		snprintf(out, outlen, "%.*s...", SHOW_MAX, canonical);
	else
		snprintf(out, outlen, "%.*s", (int)n, canonical);
}

static ld_finding_id with_rule(const ld_finding_id *base, const char *rule, const char *key)
{
	ld_finding_id id = *base;
	id.rule = rule;
	id.severity = ld_rule_severity(rule);
	id.key = key;
	return id;
}

/* ---- one ordinary field ---- */

static int compare_field(ld_findings *out, const ld_finding_id *base, const char *name,
			 const char *declared, const char *deployed)
{
	ld_finding_id id = with_rule(base, "config-drift", name);
	char a[SHOW_MAX + 8], b[SHOW_MAX + 8];
	ld_json *ev = NULL, *dv = NULL, *xv = NULL;
	char *evidence = NULL;
	int error;

	if ((!declared && !deployed) || (declared && deployed && !strcmp(declared, deployed)))
		return 0;
	if (!(ev = ld_json_new_object()))
		return ld_error_oom();
	if (declared)
		ld_json_parse(&dv, declared, strlen(declared), "canonical value");
	if (deployed)
		ld_json_parse(&xv, deployed, strlen(deployed), "canonical value");
	ld_json_add_str(ev, "field", name);
	ld_json_add(ev, "declared", dv ? dv : ld_json_new_null());
	ld_json_add(ev, "deployed", xv ? xv : ld_json_new_null());
	evidence = ld_findings_evidence(ev);
	show(a, sizeof(a), deployed);
	show(b, sizeof(b), declared);
	error = ld_findings_add(out, &id, evidence, "%s: deployed %s, tag declares %s", name, a, b);
	free(evidence);
	return error;
}

/* ---- Environment, per variable ---- */

typedef struct {
	ld_buf text;    /* "A, B not deployed; C deployed but not declared; D differs" */
	ld_json *missing, *extra, *different;
} env_diff;

static const ld_json *env_vars(ld_json **root, const char *canonical)
{
	*root = NULL;
	if (!canonical || ld_json_parse(root, canonical, strlen(canonical), "canonical value") < 0)
		return NULL;
	return ld_json_get(*root, "Variables");
}

static void list_names(ld_buf *text, const ld_json *names, const char *one, const char *many)
{
	size_t n = ld_json_size(names), i = 0;
	if (!n)
		return;
	if (text->size)
		ld_buf_puts(text, "; ");
	for (const ld_json *c = ld_json_first(names); c; c = ld_json_next(c), i++) {
		if (i == 8) {
			ld_buf_printf(text, " and %zu more", n - i);
			break;
		}
		ld_buf_printf(text, "%s%s", i ? ", " : "", ld_json_str(c));
	}
	ld_buf_printf(text, " %s", n == 1 ? one : many);
}

static int env_compare(env_diff *d, const char *declared, const char *deployed)
{
	ld_json *droot = NULL, *xroot = NULL;
	const ld_json *dv = env_vars(&droot, declared), *xv = env_vars(&xroot, deployed);
	int error = 0;

	for (const ld_json *m = ld_json_first(dv); m && error == 0; m = ld_json_next(m)) {
		const char *other = ld_json_get_str(xv, ld_json_key(m));
		if (!other)
			error = ld_json_append(d->missing, ld_json_new_string(ld_json_key(m)));
		else if (strcmp(other, ld_json_str(m)))
			error = ld_json_append(d->different, ld_json_new_string(ld_json_key(m)));
	}
	for (const ld_json *m = ld_json_first(xv); m && error == 0; m = ld_json_next(m))
		if (!ld_json_get(dv, ld_json_key(m)))
			error = ld_json_append(d->extra, ld_json_new_string(ld_json_key(m)));
	list_names(&d->text, d->missing, "is declared but not deployed", "are declared but not deployed");
	list_names(&d->text, d->extra, "is deployed but not declared", "are deployed but not declared");
	list_names(&d->text, d->different, "has a different value", "have different values");
	ld_json_free(droot);
	ld_json_free(xroot);
	return error < 0 ? error : d->text.error;
}

static int compare_environment(ld_findings *out, const ld_finding_id *base, const char *declared,
			       const char *deployed)
{
	ld_finding_id id = with_rule(base, "config-drift", "Environment");
	env_diff d = { LD_BUF_INIT_CAP(4096), ld_json_new_array(), ld_json_new_array(),
		       ld_json_new_array() };
	ld_json *ev = ld_json_new_object();
	char *evidence = NULL;
	int error;

	if (!d.missing || !d.extra || !d.different || !ev) {
		error = ld_error_oom();
		goto done;
	}
	if ((error = env_compare(&d, declared, deployed)) < 0 || d.text.size == 0)
		goto done;
	ld_json_add_str(ev, "field", "Environment");
	ld_json_add(ev, "missing", d.missing);
	ld_json_add(ev, "extra", d.extra);
	ld_json_add(ev, "different", d.different);
	d.missing = d.extra = d.different = NULL;
	evidence = ld_findings_evidence(ev);
	ev = NULL;
	error = ld_findings_add(out, &id, evidence,
				"Environment: %s (values are compared by digest, never shown)",
				d.text.ptr);
done:
	free(evidence);
	ld_json_free(ev);
	ld_json_free(d.missing);
	ld_json_free(d.extra);
	ld_json_free(d.different);
	ld_buf_dispose(&d.text);
	return error;
}

/* ---- the declared keys ---- */

static int unverified(ld_findings *out, const ld_finding_id *base, const char *name,
		      const char *why)
{
	ld_finding_id id = with_rule(base, "config-unverified", name);
	return ld_findings_add(out, &id, NULL, "%s was not compared: %s", name, why);
}

int ld_configcmp(ld_findings *out, const ld_finding_id *id, const ld_spec_function *fn,
		 const ld_version *deployed, const uint8_t *key, size_t key_len)
{
	ld_config_opts opts = { key, key_len, true, fn->name };
	ld_version want;
	int error = 0;

	memset(&want, 0, sizeof(want));
	if (!fn->config)
		return 0;
	if ((error = ld_config_canonical(&want, fn->config, &opts)) < 0)
		goto done;
	for (const ld_json *m = ld_json_first(fn->config); m && error == 0; m = ld_json_next(m)) {
		const char *name = ld_json_key(m);
		if (!strcmp(name, "Description"))
			error = unverified(out, id, name,
					   "lambdrift does not record descriptions (they do not "
					   "change behaviour)");
		else if (!strcmp(name, "Environment") && !key)
			error = unverified(out, id, name,
					   "the inventory's environment digests were made with a key "
					   "this run does not have; run verify live to compare them");
		else if (!strcmp(name, "Environment"))
			error = compare_environment(out, id, field_value(&want, name),
						    field_value(deployed, name));
		else
			error = compare_field(out, id, name, field_value(&want, name),
					      field_value(deployed, name));
	}
done:
	ld_version_dispose(&want);
	return error;
}
