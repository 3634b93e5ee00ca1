/*
 * The JSON report, schema "lambdrift/report/v1" (docs/ARCHITECTURE.md): run metadata (with run.tag
 * and run.commit for verify only, so scan documents are unchanged), every function with its
 * versions and aliases, the findings with their evidence as real JSON objects, and a
 * summary. With --baseline only: a "baseline" object (suppressed findings as entries,
 * expired and stale entries), summary.suppressed/expired/stale, and a "baseline" member on
 * each finding whose entry expired. Printed pretty with a final newline, exactly as
 * util/json.h prints a whole tree, but built and printed one piece at a time (the run, each
 * function, each finding, ...), so an estate of half a million versions never exists as one
 * tree; with a spill FILE, finished bytes go to it as the buffer fills. Nothing in the
 * inventory is secret (env values are digested at collection), so the function data is
 * copied as it is.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/baseline.h"
#include "report/formats.h"
#include "report/report.h"
#include "util/json.h"

#ifndef LD_VERSION
#define LD_VERSION "0.0.0"
#endif

/* Hand the document over in pieces of about this size when spilling. */
#define SPILL_AT ((size_t)1024 * 1024)

typedef struct {
	ld_buf *out;
	FILE *spill; /* NULL: the whole document stays in `out` */
	ld_buf piece; /* one member or item printed at depth 0, before indenting */
} writer;

static int add_calls(ld_json *run, const ld_api_calls *c)
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_add(run, "api_calls", o)) < 0)
		return error;
	if (ld_json_add_num(o, "total", (double)ld_report__total_calls(c)) < 0 ||
	    ld_json_add_num(o, "control", (double)c->control) < 0 ||
	    ld_json_add_num(o, "get_function", (double)c->get_function) < 0 ||
	    /* only runs that read resource policies make these */
	    (c->get_policy && ld_json_add_num(o, "get_policy", (double)c->get_policy) < 0) ||
	    ld_json_add_num(o, "sts", (double)c->sts) < 0 ||
	    /* only runs that sign or check a release record with KMS make these */
	    (c->kms && ld_json_add_num(o, "kms", (double)c->kms) < 0) ||
	    /* only runs that collect IAM and Logs posture make these */
	    (c->iam && ld_json_add_num(o, "iam", (double)c->iam) < 0) ||
	    (c->logs && ld_json_add_num(o, "logs", (double)c->logs) < 0) ||
	    /* only runs that list the accounts of an organisation (--accounts org) */
	    (c->organizations &&
	     ld_json_add_num(o, "organizations", (double)c->organizations) < 0) ||
	    ld_json_add_num(o, "throttled", (double)c->throttled) < 0 ||
	    ld_json_add_num(o, "retries", (double)c->retries) < 0 ||
	    ld_json_add_num(o, "errors", (double)c->errors) < 0)
		return LD_ERROR;
	return 0;
}

/* The release records a scan was held to: which file, its digest, the key that verified
 * it, and the release it records. */
static int add_attestations(ld_json *run, const ld_report *r)
{
	ld_json *arr = ld_json_new_array(), *o;
	int error;

	if ((error = ld_json_add(run, "attestations", arr)) < 0)
		return error;
	for (size_t i = 0; i < r->nattestations; i++) {
		const ld_attestation *a = &r->attestations[i];
		if (ld_json_append(arr, o = ld_json_new_object()) < 0 ||
		    ld_json_add_str(o, "file", a->path) < 0 ||
		    ld_json_add_str(o, "sha256", a->digest) < 0 ||
		    ld_json_add_str(o, "keyid", a->keyid) < 0 ||
		    ld_json_add_str(o, "tag", a->tag) < 0 ||
		    ld_json_add_str(o, "commit", a->commit) < 0 ||
		    ld_json_add_str(o, "time_verified", a->time) < 0 ||
		    ld_json_add_str(o, "result", a->result) < 0 ||
		    ld_json_add_num(o, "functions", (double)a->nfunctions) < 0)
			return LD_ERROR;
	}
	return 0;
}

static int add_shard(ld_json *run, const ld_inventory *inv)
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_add(run, "shard", o)) < 0)
		return error;
	if (ld_json_add_num(o, "index", inv->shard_index) < 0 ||
	    ld_json_add_num(o, "count", inv->shard_count) < 0)
		return LD_ERROR;
	return 0;
}

/* "checks": what ran besides the command's rules; absent when nothing did */
static int add_checks(ld_json *run, unsigned checks)
{
	ld_json *arr;

	if (!(checks & (LD_CHECKS_DEPS | LD_CHECKS_ADVISORIES)))
		return 0;
	if (ld_json_add(run, "checks", arr = ld_json_new_array()) < 0 ||
	    ((checks & LD_CHECKS_DEPS) && ld_json_append(arr, ld_json_new_string("deps")) < 0) ||
	    ((checks & LD_CHECKS_ADVISORIES) &&
	     ld_json_append(arr, ld_json_new_string("advisories")) < 0))
		return LD_ERROR;
	return 0;
}

/* "unchecked": per function, the rules that could not judge it for want of data (the
 * problems say why); absent when there are none */
static int add_unchecked(ld_json *run, const ld_findings *f)
{
	ld_json *arr, *o, *rules;

	if (!f || !f->nunchecked)
		return 0;
	if (ld_json_add(run, "unchecked", arr = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < f->nunchecked; i++) {
		const ld_unchecked *u = &f->unchecked[i];
		if (ld_json_append(arr, o = ld_json_new_object()) < 0 ||
		    ld_json_add_str(o, "account", u->account) < 0 ||
		    ld_json_add_str(o, "region", u->region) < 0 ||
		    ld_json_add_str(o, "function", u->function) < 0 ||
		    ld_json_add(o, "rules", rules = ld_json_new_array()) < 0)
			return LD_ERROR;
		for (const ld_rule_info *info = ld_rules; info->slug; info++)
			if ((u->rules & ld_rule_bit(info->slug)) &&
			    ld_json_append(rules, ld_json_new_string(info->slug)) < 0)
				return LD_ERROR;
	}
	return 0;
}

int ld_report__json_run(ld_json *root, const ld_report *r)
{
	const ld_inventory *inv = r->inv;
	ld_json *run = ld_json_new_object();
	int error;

	if ((error = ld_json_add(root, "run", run)) < 0)
		return error;
	if (ld_json_add_str(run, "command", r->command) < 0 ||
	    (r->tag && ld_json_add_str(run, "tag", r->tag) < 0) ||
	    (r->commit && ld_json_add_str(run, "commit", r->commit) < 0) ||
	    ld_json_add_str(run, "started", r->started) < 0 ||
	    ld_json_add_str(run, "account", inv->account) < 0 ||
	    /* several accounts (--accounts): run.account is null and this lists them */
	    (inv->naccounts > 1 &&
	     ld_json_add_strings(run, "accounts", inv->accounts, inv->naccounts) < 0) ||
	    ld_json_add_strings(run, "regions", inv->regions, inv->nregions) < 0 ||
	    /* which shard of a --shard run this is, checked by merge; absent when unsharded */
	    (inv->shard_count && add_shard(run, inv) < 0) ||
	    ld_json_add_bool(run, "complete", inv->complete) < 0 ||
	    ld_json_add_strings(run, "problems", inv->problems, inv->nproblems) < 0 ||
	    /* what was left out on purpose (a region not enabled); absent when nothing */
	    (inv->nnotes && ld_json_add_strings(run, "notes", inv->notes, inv->nnotes) < 0) ||
	    add_calls(run, &inv->calls) < 0 ||
	    ld_json_add_str(run, "runtime_table", r->runtimes ? r->runtimes->source : NULL) < 0 ||
	    /* --rule/--skip-rule: what was left out; absent when every rule ran */
	    (ld_rule_selection_given(r->rules) &&
	     ld_json_add(run, "rules", ld_report__rules_json(r->rules)) < 0) ||
	    /* --log-retention-min: absent when not given (only "forever" is noted) */
	    (r->log_retention_min > 0 &&
	     ld_json_add_num(run, "log_retention_min", (double)r->log_retention_min) < 0) ||
	    (r->nattestations && add_attestations(run, r) < 0) ||
	    add_checks(run, r->checks) < 0 || add_unchecked(run, r->findings) < 0)
		return LD_ERROR;
	return 0;
}

static int add_version(ld_json *arr, const ld_version_row *v)
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_append(arr, o)) < 0)
		return error;
	if (ld_json_add_str(o, "version", v->version) < 0 ||
	    ld_json_add_str(o, "code_sha256", v->code_sha256) < 0 ||
	    ld_json_add_str(o, "config_sha256", v->config_sha256) < 0 ||
	    ld_json_add_str(o, "runtime", v->runtime) < 0)
		return LD_ERROR;
	return 0;
}

static int add_alias(ld_json *arr, const ld_alias *a)
{
	ld_json *o = ld_json_new_object(), *w;
	int error;

	if ((error = ld_json_append(arr, o)) < 0)
		return error;
	if (ld_json_add_str(o, "name", a->name) < 0 ||
	    ld_json_add_str(o, "function_version", a->function_version) < 0 ||
	    ld_json_add(o, "weights", w = ld_json_new_object()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < a->nweights; i++)
		if ((error = ld_json_add_num(w, a->weights[i].version, a->weights[i].weight)) < 0)
			return error;
	return 0;
}

static int add_function(ld_json *arr, const ld_function *fn)
{
	/* The function-level hashes and runtime are those of $LATEST: what an unqualified
	 * invoke runs. */
	const ld_version *latest = ld_function_version(fn, "$LATEST");
	ld_json *o = ld_json_new_object(), *versions, *aliases;
	const ld_version_row *row;
	ld_version_iter it;
	int error;

	if ((error = ld_json_append(arr, o)) < 0)
		return error;
	if (ld_json_add_str(o, "name", fn->name) < 0 ||
	    ld_json_add_str(o, "region", fn->region) < 0 ||
	    (fn->account && ld_json_add_str(o, "account", fn->account) < 0) ||
	    ld_json_add_str(o, "arn", fn->arn) < 0 ||
	    ld_json_add_str(o, "runtime", latest ? latest->runtime : NULL) < 0 ||
	    ld_json_add_str(o, "code_sha256", latest ? latest->code_sha256 : NULL) < 0 ||
	    ld_json_add_str(o, "config_sha256", latest ? latest->config_sha256 : NULL) < 0 ||
	    ld_json_add(o, "versions", versions = ld_json_new_array()) < 0 ||
	    ld_json_add(o, "aliases", aliases = ld_json_new_array()) < 0)
		return LD_ERROR;
	/* every version, also those a slim inventory keeps only in its listing */
	ld_version_iter_init(&it, fn);
	while ((row = ld_version_iter_next(&it)))
		if ((error = add_version(versions, row)) < 0)
			return error;
	for (size_t i = 0; i < fn->naliases; i++)
		if ((error = add_alias(aliases, &fn->aliases[i])) < 0)
			return error;
	return 0;
}

/* Evidence arrives as compact JSON text; the report embeds it as a value so consumers
 * need not parse a string inside a document. Anything but an object becomes null. */
static ld_json *evidence_value(const char *evidence)
{
	ld_json *j = NULL;

	if (!evidence || ld_json_parse(&j, evidence, strlen(evidence), "finding evidence") < 0) {
		ld_error_clear();
		return ld_json_new_null();
	}
	if (!ld_json_is_object(j)) {
		ld_json_free(j);
		return ld_json_new_null();
	}
	return j;
}

/* A finding shown again because its baseline entry expired says so. */
static int add_expired(ld_json *o, const ld_report *r, const ld_finding *f)
{
	const ld_baseline_entry *e = ld_baseline_expired_for(r->baseline, f->fingerprint);
	ld_json *b;

	if (!e)
		return 0;
	if (ld_json_add(o, "baseline", b = ld_json_new_object()) < 0 ||
	    ld_json_add_str(b, "status", "expired") < 0 ||
	    ld_json_add_str(b, "expires", e->expires) < 0 ||
	    ld_json_add_str(b, "reason", e->reason) < 0)
		return LD_ERROR;
	return 0;
}

static int add_finding(ld_json *arr, const ld_report *r, const ld_finding *f)
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_append(arr, o)) < 0)
		return error;
	if (ld_json_add_str(o, "rule", f->rule) < 0 ||
	    ld_json_add_str(o, "severity", ld_report__sev_name(f->severity)) < 0 ||
	    ld_json_add_str(o, "function", f->function) < 0 ||
	    ld_json_add_str(o, "region", f->region) < 0 ||
	    ld_json_add_str(o, "account", ld_report__finding_account(r, f)) < 0 ||
	    ld_json_add_str(o, "qualifier", f->qualifier) < 0 ||
	    ld_json_add_str(o, "message", f->message) < 0 ||
	    ld_json_add(o, "evidence", evidence_value(f->evidence)) < 0 ||
	    ld_json_add_str(o, "fingerprint", f->fingerprint) < 0 || add_expired(o, r, f) < 0)
		return LD_ERROR;
	return 0;
}

/* A suppressed finding as a baseline entry: what it is now, why and until when it is
 * accepted; `lambdrift baseline create` reads these back to carry the entries over. */
static ld_json *suppressed_json(const ld_finding *f, const ld_baseline_entry *e)
{
	ld_baseline_entry now = *e;

	now.rule = (char *)f->rule;
	now.function = f->function;
	now.region = f->region;
	now.qualifier = f->qualifier;
	now.message = f->message;
	return ld_report__entry_json(&now);
}

static int add_entries(ld_json *obj, const char *key, const ld_baseline_entry *const *items,
		       size_t n)
{
	ld_json *arr;

	if (ld_json_add(obj, key, arr = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < n; i++)
		if (ld_json_append(arr, ld_report__entry_json(items[i])) < 0)
			return LD_ERROR;
	return 0;
}

/* Only with --baseline: what it hid, what expired, what matched nothing. */
static int add_baseline(ld_json *root, const ld_baseline_result *b)
{
	ld_json *o, *hidden;

	if (!b)
		return 0;
	if (ld_json_add(root, "baseline", o = ld_json_new_object()) < 0 ||
	    ld_json_add_str(o, "file", b->path) < 0 ||
	    ld_json_add(o, "suppressed", hidden = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < b->suppressed.count; i++)
		if (ld_json_append(hidden, suppressed_json(&b->suppressed.items[i],
							    b->suppressed_by[i])) < 0)
			return LD_ERROR;
	if (add_entries(o, "expired", b->expired, b->nexpired) < 0 ||
	    add_entries(o, "stale", b->stale, b->nstale) < 0 ||
	    ld_json_add_bool(o, "stale_known", b->stale_known) < 0)
		return LD_ERROR;
	return 0;
}

static int add_summary(ld_json *root, const ld_report *r)
{
	ld_report__counts c;
	ld_json *o = ld_json_new_object();
	int error;

	ld_report__count(&c, r->findings);
	if ((error = ld_json_add(root, "summary", o)) < 0)
		return error;
	if (ld_json_add_num(o, "functions", (double)r->inv->nfunctions) < 0 ||
	    ld_json_add_num(o, "error", (double)c.by_sev[LD_SEV_ERROR]) < 0 ||
	    ld_json_add_num(o, "warning", (double)c.by_sev[LD_SEV_WARNING]) < 0 ||
	    ld_json_add_num(o, "note", (double)c.by_sev[LD_SEV_NOTE]) < 0)
		return LD_ERROR;
	if (r->baseline &&
	    (ld_json_add_num(o, "suppressed", (double)r->baseline->suppressed.count) < 0 ||
	     ld_json_add_num(o, "expired", (double)r->baseline->nexpired) < 0 ||
	     ld_json_add_num(o, "stale", (double)r->baseline->nstale) < 0))
		return LD_ERROR;
	return 0;
}

/* ------------------------------------------------------------------ printing */

static int spill(writer *w)
{
	ld_buf *out = w->out;

	if (!w->spill || out->size < SPILL_AT)
		return 0;
	if (fwrite(out->ptr, 1, out->size, w->spill) != out->size)
		return ld_error_set(LD_ERR_OS, "cannot write the report: %s", strerror(errno));
	ld_buf_clear(out);
	return 0;
}

/* `j` printed pretty as if it stood `depth` levels deep in the document: util/json.h's
 * layout, each line after the first indented by two spaces per level. Strings never hold a
 * raw newline (they are escaped), so every newline is a line break of the layout. */
static int put_text(writer *w, const char *text, int depth)
{
	const char *p, *nl;

	for (p = text; (nl = strchr(p, '\n')); p = nl + 1) {
		ld_buf_put(w->out, p, (size_t)(nl - p) + 1);
		for (int i = 0; i < depth; i++)
			ld_buf_puts(w->out, "  ");
	}
	return ld_buf_puts(w->out, p);
}

static int put_value(writer *w, const ld_json *j, int depth)
{
	int error;

	ld_buf_clear(&w->piece);
	if ((error = ld_json_write(&w->piece, j, true)) < 0)
		return error;
	return put_text(w, w->piece.ptr, depth);
}

/* A root member that is an array, printed one item at a time: make(i) builds item i into
 * a fresh array (so the builders above serve both ways). */
typedef int (*item_fn)(ld_json *arr, const ld_report *r, size_t i);

static int function_item(ld_json *arr, const ld_report *r, size_t i)
{
	return add_function(arr, &r->inv->functions[i]);
}

static int put_array(writer *w, const char *key, const ld_report *r, size_t n, item_fn make)
{
	ld_json *arr = NULL;
	int error = 0;

	ld_buf_puts(w->out, ",\n  ");
	ld_json_quote(w->out, key);
	ld_buf_puts(w->out, n ? ": [" : ": []");
	for (size_t i = 0; i < n && error == 0; i++) {
		if (r->merged && make == function_item) {
			/* a merge's functions are already printed, as their shards printed them */
			const char *text;
			if ((error = ld_report__merged_function(&text, r->merged, i)) == 0) {
				ld_buf_puts(w->out, i ? ",\n    " : "\n    ");
				error = put_text(w, text, 2);
			}
			if (error == 0)
				error = spill(w);
			continue;
		}
		if (!(arr = ld_json_new_array()))
			return ld_error_oom();
		if ((error = make(arr, r, i)) == 0) {
			ld_buf_puts(w->out, i ? ",\n    " : "\n    ");
			error = put_value(w, ld_json_first(arr), 2);
		}
		ld_json_free(arr);
		if (error == 0)
			error = spill(w);
	}
	if (n && error == 0)
		error = ld_buf_puts(w->out, "\n  ]");
	return error;
}


static int finding_item(ld_json *arr, const ld_report *r, size_t i)
{
	return add_finding(arr, r, &r->findings->items[i]);
}

/* The members before "functions" and after "findings" are small: built as before, into a
 * throwaway root, and printed member by member in the same order. */
static int put_members(writer *w, ld_json *root, bool first)
{
	int error = 0;

	for (ld_json *m = ld_json_first(root); m && error == 0; m = ld_json_next(m), first = false) {
		ld_buf_puts(w->out, first ? "{\n  " : ",\n  ");
		ld_json_quote(w->out, ld_json_key(m));
		ld_buf_puts(w->out, ": ");
		error = put_value(w, m, 1);
	}
	return error;
}

static int write_doc(writer *w, const ld_report *r)
{
	ld_json *head = ld_json_new_object(), *tail = ld_json_new_object(), *tool;
	int error;

	if (!head || !tail || ld_json_add_str(head, "schema", "lambdrift/report/v1") < 0 ||
	    ld_json_add(head, "tool", tool = ld_json_new_object()) < 0 ||
	    ld_json_add_str(tool, "name", "lambdrift") < 0 ||
	    ld_json_add_str(tool, "version", LD_VERSION) < 0 || ld_report__json_run(head, r) < 0 ||
	    add_baseline(tail, r->baseline) < 0 || add_summary(tail, r) < 0) {
		error = LD_ERROR;
		goto done;
	}
	if ((error = put_members(w, head, true)) < 0 || (error = spill(w)) < 0 ||
	    (error = put_array(w, "functions", r, r->inv->nfunctions, function_item)) < 0 ||
	    (error = put_array(w, "findings", r, r->findings ? r->findings->count : 0,
			       finding_item)) < 0 ||
	    (error = put_members(w, tail, false)) < 0)
		goto done;
	error = ld_buf_puts(w->out, "\n}\n");
done:
	ld_json_free(head);
	ld_json_free(tail);
	return error < 0 ? error : w->out->error;
}

int ld_report__json_to(ld_buf *out, const ld_report *r, FILE *spill_to)
{
	writer w = { out, spill_to, LD_BUF_INIT_CAP(out->cap) };
	int error = write_doc(&w, r);

	ld_buf_dispose(&w.piece);
	return error;
}

int ld_report__json(ld_buf *out, const ld_report *r)
{
	return ld_report__json_to(out, r, NULL);
}
