/*
 * The scan rules: what can be said about an account from its inventory alone, without a
 * repository. Per function: aliases that serve $LATEST or split traffic, $LATEST edited
 * after the newest publish (code and/or config, naming the changed settings but never a
 * value), no published version at all, and runtimes past or near their deprecation date.
 * Per event source mapping: triggers that invoke the unqualified function. The environment
 * posture rules live in env.c, the execution role and log rules in iam.c. Messages are one
 * line and never carry environment values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/env.h"
#include "audit/findings.h"
#include "audit/gaps.h"
#include "audit/policy.h"
#include "audit/iam.h"
#include "audit/signing.h"
#include "util/date.h"
#include "lambdrift/errors.h"
#include "util/json.h"

typedef struct {
	const ld_inventory *inv;
	const ld_runtime_table *runtimes;
	long today;   /* days since 1970-01-01, UTC */
	long horizon; /* days */
	ld_findings *out;
	ld_gaps *gaps; /* what the posture rules could not judge */
} scan_ctx;

static ld_finding_id fid(const scan_ctx *s, const char *rule, const ld_function *fn,
			 const char *qualifier, const char *key)
{
	ld_finding_id id = { rule, ld_rule_severity(rule),
			     fn->account ? fn->account : s->inv->account, fn->region, fn->name,
			     qualifier, key, 0 };
	return id;
}

/* ------------------------------------------------------------------ aliases */

static int check_alias_unpinned(const scan_ctx *s, const ld_function *fn, const ld_alias *a)
{
	ld_finding_id id = fid(s, "alias-unpinned", fn, a->name, NULL);

	if (!a->function_version || strcmp(a->function_version, "$LATEST"))
		return 0;
	return ld_findings_add(s->out, &id, NULL,
			       "alias %s points at $LATEST, so it serves whatever was uploaded last; "
			       "point it at a published version", a->name);
}

static int check_alias_split(const scan_ctx *s, const ld_function *fn, const ld_alias *a)
{
	ld_finding_id id = fid(s, "alias-split", fn, a->name, NULL);
	ld_buf msg = LD_BUF_INIT_CAP(4096);
	ld_json *ev = ld_json_new_object(), *w = ld_json_new_object();
	double rest = 1.0;
	char *evidence;
	int error;

	if (!a->nweights) {
		ld_json_free(ev);
		ld_json_free(w);
		return 0;
	}
	for (size_t i = 0; i < a->nweights; i++) {
		rest -= a->weights[i].weight;
		ld_buf_printf(&msg, "%s%g%% to version %s", i ? ", " : " and ",
			      a->weights[i].weight * 100.0, a->weights[i].version);
		if (w)
			ld_json_add_num(w, a->weights[i].version, a->weights[i].weight);
	}
	if (ev) {
		ld_json_add_str(ev, "function_version", a->function_version);
		ld_json_add(ev, "weights", w);
		w = NULL;
	}
	ld_json_free(w);
	evidence = ld_findings_evidence(ev);
	error = msg.error ? msg.error
			  : ld_findings_add(s->out, &id, evidence,
					    "alias %s splits traffic: %g%% to version %s%s", a->name,
					    (rest < 0 ? 0 : rest) * 100.0,
					    a->function_version ? a->function_version : "?", msg.ptr);
	free(evidence);
	ld_buf_dispose(&msg);
	return error;
}

/* -------------------------------------------------------------- latest-drift */

/* Names of the config fields that differ between two versions' sorted config lists,
 * comma-separated into `names` and as strings into the JSON array `list`. */
static int config_diff(ld_buf *names, ld_json *list, const ld_version *a, const ld_version *b)
{
	size_t i = 0, j = 0;

	while (i < a->nconfig || j < b->nconfig) {
		const ld_config_field *x = i < a->nconfig ? &a->config[i] : NULL;
		const ld_config_field *y = j < b->nconfig ? &b->config[j] : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x->name, y->name);
		const char *name = c <= 0 ? x->name : y->name;
		bool differ = c != 0 || strcmp(x->value, y->value) != 0;

		i += c <= 0;
		j += c >= 0;
		if (!differ)
			continue;
		ld_buf_printf(names, "%s%s", names->size ? ", " : "", name);
		if (ld_json_append(list, ld_json_new_string(name)) < 0)
			return LD_ERROR;
	}
	return names->error;
}

int ld_audit__latest_diff(char **evidence, ld_buf *what, const ld_version *latest,
			  const ld_version *v, const char *version_key)
{
	ld_buf names = LD_BUF_INIT_CAP(4096);
	ld_json *ev = ld_json_new_object(), *fields = ld_json_new_array();
	/* Unknown code hashes prove nothing either way; only a known difference counts. */
	bool code_changed = latest->code_sha256 && v->code_sha256 &&
			    strcmp(latest->code_sha256, v->code_sha256) != 0;
	int error;

	*evidence = NULL;
	if (!ev || !fields) {
		error = ld_error_oom();
		goto done;
	}
	if ((error = config_diff(&names, fields, latest, v)) < 0 ||
	    (!code_changed && names.size == 0))
		goto done;
	ld_buf_printf(what, "%s%s%s%s", code_changed ? "code changed" : "",
		      code_changed && names.size ? "; " : "",
		      names.size ? "config changed: " : "", names.ptr);
	if (ld_json_add_str(ev, version_key, v->version) < 0 ||
	    ld_json_add_bool(ev, "code_changed", code_changed) < 0) {
		error = LD_ERROR;
		goto done;
	}
	error = ld_json_add(ev, "config_fields", fields);
	fields = NULL; /* taken, on failure too */
	if (error < 0)
		goto done;
	*evidence = ld_findings_evidence(ev); /* a finding without evidence when NULL */
	ev = NULL;
	error = what->error < 0 ? what->error : 1;
done:
	ld_json_free(ev);
	ld_json_free(fields);
	ld_buf_dispose(&names);
	return error;
}

static int check_latest_drift(const scan_ctx *s, const ld_function *fn)
{
	const ld_version *latest = ld_function_version(fn, "$LATEST");
	const ld_version *pub = ld_function_latest_published(fn);
	ld_buf what = LD_BUF_INIT_CAP(8192);
	char *evidence = NULL;
	ld_finding_id id;
	int error;

	if (!latest || !pub)
		return 0;
	if ((error = ld_audit__latest_diff(&evidence, &what, latest, pub,
					   "published_version")) > 0) {
		id = fid(s, "latest-drift", fn, "$LATEST", pub->version);
		error = ld_findings_add(s->out, &id, evidence,
					"$LATEST was edited after version %s was published: %s; "
					"publish it or redeploy", pub->version, what.ptr);
	}
	free(evidence);
	ld_buf_dispose(&what);
	return error;
}

static int check_unpublished(const scan_ctx *s, const ld_function *fn)
{
	ld_finding_id id = fid(s, "unpublished", fn, NULL, NULL);

	if (ld_function_latest_published(fn) || !fn->nversions)
		return 0;
	return ld_findings_add(s->out, &id, NULL,
			       "function has no published version, so nothing pins what runs; "
			       "publish a version and point an alias at it");
}

/* ------------------------------------------------------------------ runtimes */

/* "; creating functions blocked since 2026-01-01" and the like; nothing when no date. */
static void block_clause(ld_buf *b, long today, const char *what, const char *date)
{
	long d;
	if (!date || !ld_date_parse(date, &d))
		return;
	ld_buf_printf(b, "; %s blocked %s %s", what, d <= today ? "since" : "from", date);
}

static char *runtime_evidence(const ld_runtime *rt, const scan_ctx *s, long days)
{
	ld_json *ev = ld_json_new_object();
	if (!ev)
		return NULL;
	ld_json_add_str(ev, "runtime", rt->identifier);
	ld_json_add_str(ev, "deprecation", rt->deprecation);
	ld_json_add_str(ev, "block_create", rt->block_create);
	ld_json_add_str(ev, "block_update", rt->block_update);
	ld_json_add_num(ev, "days_until_deprecation", (double)days);
	ld_json_add_str(ev, "table_source", s->runtimes->source);
	return ld_findings_evidence(ev);
}

/* `served` is "" for $LATEST, or "version 3 (alias live): " for an alias target. */
static int check_runtime(const scan_ctx *s, const ld_function *fn, const ld_version *v,
			 const char *served)
{
	const ld_runtime *rt;
	ld_buf msg = LD_BUF_INIT_CAP(1024);
	char *evidence = NULL;
	ld_finding_id id;
	long dep, days;
	int error = 0;

	if (!v->runtime)
		return 0; /* container images bring their own runtime */
	if (!(rt = ld_runtime_find(s->runtimes, v->runtime))) {
		id = fid(s, "runtime-unknown", fn, v->version, v->runtime);
		return ld_findings_add(s->out, &id, NULL,
				       "%sruntime %s is not in the runtime table (%s); update "
				       "lambdrift or pass --runtime-table", served, v->runtime,
				       s->runtimes->source);
	}
	if (!rt->deprecation || !ld_date_parse(rt->deprecation, &dep))
		return 0;
	days = dep - s->today;
	if (days > s->horizon)
		return 0;
	id = fid(s, days <= 0 ? "runtime-deprecated" : "runtime-deprecating", fn, v->version,
		 v->runtime);
	if (days <= 0)
		ld_buf_printf(&msg, "%s%s was deprecated on %s", served, rt->identifier, rt->deprecation);
	else
		ld_buf_printf(&msg, "%s%s will be deprecated on %s (in %ld day%s)", served,
			      rt->identifier, rt->deprecation, days, days == 1 ? "" : "s");
	block_clause(&msg, s->today, "creating functions", rt->block_create);
	block_clause(&msg, s->today, "updates", rt->block_update);
	if ((error = msg.error) == 0) {
		evidence = runtime_evidence(rt, s, days);
		error = ld_findings_add(s->out, &id, evidence, "%s", msg.ptr);
	}
	free(evidence);
	ld_buf_dispose(&msg);
	return error;
}

/* Check a version an alias serves, once, and only when its runtime differs from
 * $LATEST's (otherwise the $LATEST finding already says it). */
static int check_served(const scan_ctx *s, const ld_function *fn, const ld_version *latest,
			const ld_alias *a, const char *version, const char **seen, size_t *nseen)
{
	const ld_version *v = ld_function_version(fn, version);
	char served[256];

	if (!v || !strcmp(version, "$LATEST") || !v->runtime)
		return 0;
	if (latest && latest->runtime && !strcmp(latest->runtime, v->runtime))
		return 0;
	for (size_t i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], version))
			return 0;
	seen[(*nseen)++] = version;
	snprintf(served, sizeof(served), "version %s (alias %s): ", version, a->name);
	return check_runtime(s, fn, v, served);
}

static int check_runtimes(const scan_ctx *s, const ld_function *fn)
{
	const ld_version *latest = ld_function_version(fn, "$LATEST");
	const char **seen = NULL;
	size_t nseen = 0, cap = 0;
	int error = 0;

	if (latest && (error = check_runtime(s, fn, latest, "")) < 0)
		return error;
	for (size_t i = 0; i < fn->naliases; i++)
		cap += 1 + fn->aliases[i].nweights;
	if (cap && !(seen = calloc(cap, sizeof(*seen))))
		return ld_error_oom();
	for (size_t i = 0; i < fn->naliases && error == 0; i++) {
		const ld_alias *a = &fn->aliases[i];
		if (a->function_version)
			error = check_served(s, fn, latest, a, a->function_version, seen, &nseen);
		for (size_t j = 0; j < a->nweights && error == 0; j++)
			error = check_served(s, fn, latest, a, a->weights[j].version, seen, &nseen);
	}
	free(seen);
	return error;
}

/* ------------------------------------------------------------------ triggers */

/* Split arn:partition:lambda:region:account:function:name[:qualifier]; false when the
 * ARN is not a function ARN. */
static bool parse_function_arn(const char *arn, char *name, size_t name_len, const char **qualifier)
{
	const char *field[8] = { arn };
	const char *end;
	size_t n = 1;

	if (!arn)
		return false;
	for (const char *p = arn; *p && n < 8; p++)
		if (*p == ':')
			field[n++] = p + 1;
	if (n < 7 || strncmp(arn, "arn:", 4) || strncmp(field[2], "lambda:", 7) ||
	    strncmp(field[5], "function:", 9))
		return false;
	*qualifier = n == 8 ? field[7] : NULL;
	end = n == 8 ? field[7] - 1 : field[6] + strlen(field[6]);
	if (end == field[6] || (size_t)(end - field[6]) >= name_len)
		return false;
	memcpy(name, field[6], (size_t)(end - field[6]));
	name[end - field[6]] = '\0';
	return true;
}

static const ld_function *find_function(const ld_inventory *inv, const char *region,
					const char *name)
{
	for (size_t i = 0; i < inv->nfunctions; i++)
		if (!strcmp(inv->functions[i].name, name) &&
		    (!region || !strcmp(inv->functions[i].region, region)))
			return &inv->functions[i];
	return NULL;
}

static int check_trigger(const scan_ctx *s, const ld_trigger *t)
{
	const char *qualifier = NULL;
	const ld_function *fn;
	ld_finding_id id;
	char name[256];
	char *evidence;
	ld_json *ev;
	int error;

	if (!parse_function_arn(t->function_arn, name, sizeof(name), &qualifier))
		return 0;
	if (qualifier && strcmp(qualifier, "$LATEST"))
		return 0;
	/* Only functions in the (possibly filtered) inventory: a trigger of a function the
	 * user did not ask about is not theirs to fix in this run. */
	if (!(fn = find_function(s->inv, t->region, name)))
		return 0;
	if ((ev = ld_json_new_object())) {
		ld_json_add_str(ev, "uuid", t->uuid);
		ld_json_add_str(ev, "event_source_arn", t->event_source_arn);
		ld_json_add_str(ev, "function_arn", t->function_arn);
	}
	evidence = ld_findings_evidence(ev);
	id = fid(s, "trigger-unqualified", fn, "$LATEST", t->uuid);
	error = ld_findings_add(s->out, &id, evidence,
				"event source mapping %s from %s invokes %s, so it runs whatever "
				"was uploaded last; map it to an alias", t->uuid ? t->uuid : "?",
				t->event_source_arn ? t->event_source_arn : "a self-managed source",
				qualifier ? "$LATEST" : "the unqualified function ARN");
	free(evidence);
	return error;
}

/* ---------------------------------------------------------------------- scan */

static int scan_function(const scan_ctx *s, const ld_function *fn)
{
	int error = 0;

	for (size_t i = 0; i < fn->naliases && error == 0; i++) {
		if ((error = check_alias_unpinned(s, fn, &fn->aliases[i])) == 0)
			error = check_alias_split(s, fn, &fn->aliases[i]);
	}
	if (error == 0 && (error = check_latest_drift(s, fn)) == 0 &&
	    (error = check_unpublished(s, fn)) == 0 && (error = check_runtimes(s, fn)) == 0)
		error = ld_audit__policy_rules(s->out, s->gaps, s->inv, fn);
	if (error == 0)
		error = ld_audit__env(s->out, s->gaps, s->inv->account, fn);
	if (error == 0)
		error = ld_audit__signing(s->out, s->gaps, s->inv, fn);
	return error;
}

int ld_audit_scan(ld_findings *out, ld_inventory *inv, const ld_audit_opts *opts)
{
	ld_runtime_table own = { NULL, 0, NULL };
	ld_audit_opts defaults = LD_AUDIT_OPTS_INIT;
	ld_gaps gaps = { 0 };
	scan_ctx s;
	int error = 0;

	if (!opts)
		opts = &defaults;
	gaps.rules = opts->rules;
	gaps.inv = inv;
	gaps.out = out;
	s.inv = inv;
	s.out = out;
	s.gaps = &gaps;
	s.horizon = opts->horizon_days < 0 ? 0 : opts->horizon_days;
	s.today = ld_date_of(opts->now ? opts->now : time(NULL));
	s.runtimes = opts->runtimes;
	if (!s.runtimes) {
		if ((error = ld_runtime_table_default(&own)) < 0)
			return error;
		s.runtimes = &own;
	}
	for (size_t i = 0; i < inv->nfunctions && error == 0; i++)
		error = scan_function(&s, &inv->functions[i]);
	for (size_t i = 0; i < inv->ntriggers && error == 0; i++)
		error = check_trigger(&s, &inv->triggers[i]);
	if (error == 0)
		error = ld_audit__iam(out, &gaps, inv, opts);
	/* missing data is never clean: a problem line per gap, the run incomplete */
	if (error == 0)
		error = ld_gaps_report(&gaps, inv);
	ld_gaps_dispose(&gaps);
	ld_findings_select(out, opts->rules);
	ld_findings_sort(out);
	ld_runtime_table_dispose(&own);
	return error;
}
