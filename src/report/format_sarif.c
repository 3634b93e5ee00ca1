/*
 * The SARIF 2.1.0 report, for code-scanning consumers: one run whose driver lists every
 * rule (id = slug, descriptions and help from docs/rules.md, helpUri to its section,
 * default level), and one result per finding with its level, message, a logical location
 * (the function ARN with the qualifier), a physical location when the finding comes from a
 * line of the spec (verify: lambdrift.json at the tag, relative to the REPO base so code
 * scanning annotates the spec), and the stable fingerprint as a partial fingerprint.
 * Findings a baseline accepted are left out (a viewer that ignores `suppressions` would
 * show them again); the run's properties count them and list stale entries. The document
 * around the results is built as a tree and printed; the results are built and printed one
 * at a time in its place (a merge of a hundred shards has 60,000 of them), with the same
 * bytes as one tree would print.
 */
#include <errno.h>
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
/* Where docs/rules.md is published; each rule's helpUri is this plus "#<slug>". */
#ifndef LD_RULES_URL
#define LD_RULES_URL "https://github.com/lambdrift/lambdrift/blob/main/docs/rules.md"
#endif
#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define FINGERPRINT_KEY "lambdrift/v1"
#define SPEC_BASE "REPO"

static const char *level(ld_severity s)
{
	return s == LD_SEV_ERROR ? "error" : s == LD_SEV_WARNING ? "warning" : "note";
}

static ld_json *text_obj(const char *key, const char *text)
{
	ld_json *o = ld_json_new_object();
	if (o && ld_json_add_str(o, key, text ? text : "") < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

static int add_text(ld_json *obj, const char *key, const char *text)
{
	return ld_json_add(obj, key, text_obj("text", text));
}

/* "alias-unpinned" -> "AliasUnpinned", SARIF's recommended form of a rule name. */
static void pascal(char *out, size_t len, const char *slug)
{
	size_t n = 0;
	bool up = true;

	for (const char *p = slug; *p && n + 1 < len; p++) {
		if (*p == '-') {
			up = true;
			continue;
		}
		out[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		up = false;
	}
	out[n] = '\0';
}

/* ------------------------------------------------------------------ rules */

static int add_help(ld_json *rule, const char *slug)
{
	size_t len;
	const char *doc = ld_rule_doc(slug, &len);
	ld_buf md = LD_BUF_INIT_CAP(64 * 1024);
	ld_json *help;
	int error;

	if (!doc)
		return 0;
	ld_buf_put(&md, doc, len);
	if (md.error)
		return md.error;
	if (!(help = ld_json_new_object()) || ld_json_add(rule, "help", help) < 0 ||
	    ld_json_add_str(help, "text", md.ptr) < 0 || ld_json_add_str(help, "markdown", md.ptr) < 0)
		error = LD_ERROR;
	else
		error = 0;
	ld_buf_dispose(&md);
	return error;
}

static int add_rule(ld_json *rules, const ld_rule_info *info)
{
	ld_buf meaning = LD_BUF_INIT_CAP(8192);
	ld_json *rule = ld_json_new_object(), *config, *props, *tags;
	char name[64], uri[512];
	int error = LD_ERROR;

	pascal(name, sizeof(name), info->slug);
	snprintf(uri, sizeof(uri), "%s#%s", LD_RULES_URL, info->slug);
	if (!ld_report__rule_meaning(&meaning, info->slug)) {
		ld_buf_clear(&meaning);
		ld_buf_puts(&meaning, info->summary);
	}
	if (ld_json_append(rules, rule) < 0 || ld_json_add_str(rule, "id", info->slug) < 0 ||
	    ld_json_add_str(rule, "name", name) < 0 ||
	    add_text(rule, "shortDescription", info->summary) < 0 ||
	    add_text(rule, "fullDescription", meaning.error ? info->summary : meaning.ptr) < 0 ||
	    ld_json_add_str(rule, "helpUri", uri) < 0 || add_help(rule, info->slug) < 0 ||
	    ld_json_add(rule, "defaultConfiguration", config = ld_json_new_object()) < 0 ||
	    ld_json_add_str(config, "level", level(info->severity)) < 0 ||
	    ld_json_add(rule, "properties", props = ld_json_new_object()) < 0 ||
	    ld_json_add(props, "tags", tags = ld_json_new_array()) < 0 ||
	    ld_json_append(tags, ld_json_new_string("aws-lambda")) < 0 ||
	    ld_json_append(tags, ld_json_new_string(ld_report__rule_runs("scan", info->slug,
									LD_CHECKS_ATTESTED)
							? "scan" : "verify")) < 0)
		goto done;
	error = 0;
done:
	ld_buf_dispose(&meaning);
	return error;
}

static int add_tool(ld_json *run)
{
	ld_json *tool = ld_json_new_object(), *driver, *rules;
	int error;

	if (ld_json_add(run, "tool", tool) < 0 ||
	    ld_json_add(tool, "driver", driver = ld_json_new_object()) < 0 ||
	    ld_json_add_str(driver, "name", "lambdrift") < 0 ||
	    ld_json_add_str(driver, "version", LD_VERSION) < 0 ||
	    ld_json_add_str(driver, "semanticVersion", LD_VERSION) < 0 ||
	    ld_json_add_str(driver, "informationUri", LD_RULES_URL) < 0 ||
	    ld_json_add(driver, "rules", rules = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (const ld_rule_info *info = ld_rules; info->slug; info++)
		if ((error = add_rule(rules, info)) < 0)
			return error;
	return 0;
}

static int rule_index(const char *slug)
{
	int i = 0;
	for (const ld_rule_info *info = ld_rules; slug && info->slug; info++, i++)
		if (!strcmp(info->slug, slug))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ results */

static int add_physical(ld_json *loc, const ld_report *r, const ld_finding *f)
{
	unsigned line = ld_report__spec_line(f);
	const char *uri = r->spec_uri;
	ld_json *phys, *art, *region;

	if (!line || !uri)
		return 0;
	if (ld_json_add(loc, "physicalLocation", phys = ld_json_new_object()) < 0 ||
	    ld_json_add(phys, "artifactLocation", art = ld_json_new_object()) < 0 ||
	    ld_json_add_str(art, "uri", uri) < 0 || ld_json_add_str(art, "uriBaseId", SPEC_BASE) < 0 ||
	    ld_json_add(phys, "region", region = ld_json_new_object()) < 0 ||
	    ld_json_add_num(region, "startLine", line) < 0)
		return LD_ERROR;
	return 0;
}

static int add_location(ld_json *result, const ld_report *r, const ld_finding *f)
{
	ld_json *locs = ld_json_new_array(), *loc = ld_json_new_object(), *logical, *ll;
	char arn[1024];

	ld_report__finding_arn(arn, sizeof(arn), r, f);
	if (ld_json_add(result, "locations", locs) < 0) {
		ld_json_free(loc);
		return LD_ERROR;
	}
	if (ld_json_append(locs, loc) < 0 || add_physical(loc, r, f) < 0 ||
	    ld_json_add(loc, "logicalLocations", logical = ld_json_new_array()) < 0 ||
	    ld_json_append(logical, ll = ld_json_new_object()) < 0 ||
	    ld_json_add_str(ll, "name", f->function ? f->function : "(account)") < 0 ||
	    ld_json_add_str(ll, "fullyQualifiedName", arn) < 0 ||
	    ld_json_add_str(ll, "kind", "function") < 0)
		return LD_ERROR;
	return 0;
}

/* Evidence is compact JSON from the rules; anything that does not parse is left out. */
static int add_evidence(ld_json *props, const char *evidence)
{
	ld_json *j = NULL;

	if (!evidence || ld_json_parse(&j, evidence, strlen(evidence), "finding evidence") < 0) {
		ld_error_clear();
		return 0;
	}
	return ld_json_add(props, "evidence", j);
}

static int add_expired(ld_json *props, const ld_report *r, const ld_finding *f)
{
	const ld_baseline_entry *e = ld_baseline_expired_for(r->baseline, f->fingerprint);
	ld_json *o;

	if (!e)
		return 0;
	if (ld_json_add(props, "baseline", o = ld_json_new_object()) < 0 ||
	    ld_json_add_str(o, "status", "expired") < 0 ||
	    ld_json_add_str(o, "expires", e->expires) < 0 ||
	    ld_json_add_str(o, "reason", e->reason) < 0)
		return LD_ERROR;
	return 0;
}

static int add_result(ld_json *results, const ld_report *r, const ld_finding *f)
{
	ld_json *res = ld_json_new_object(), *fp, *props;
	int idx = rule_index(f->rule);
	const char *account = ld_report__finding_account(r, f);

	if (ld_json_append(results, res) < 0 || ld_json_add_str(res, "ruleId", f->rule) < 0 ||
	    (idx >= 0 && ld_json_add_num(res, "ruleIndex", idx) < 0) ||
	    ld_json_add_str(res, "level", level(f->severity)) < 0 ||
	    add_text(res, "message", f->message) < 0 || add_location(res, r, f) < 0 ||
	    ld_json_add(res, "partialFingerprints", fp = ld_json_new_object()) < 0 ||
	    ld_json_add_str(fp, FINGERPRINT_KEY, f->fingerprint) < 0 ||
	    ld_json_add(res, "properties", props = ld_json_new_object()) < 0 ||
	    ld_json_add_str(props, "function", f->function) < 0 ||
	    (account && ld_json_add_str(props, "account", account) < 0) ||
	    ld_json_add_str(props, "region", f->region) < 0 ||
	    ld_json_add_str(props, "qualifier", f->qualifier) < 0 ||
	    ld_json_add_str(props, "fingerprint", f->fingerprint) < 0 ||
	    add_evidence(props, f->evidence) < 0 || add_expired(props, r, f) < 0)
		return LD_ERROR;
	return 0;
}

/* ------------------------------------------------------------------ run */

static int add_notification(ld_json *notes, const char *lvl, const char *text)
{
	ld_json *n = ld_json_new_object();

	if (ld_json_append(notes, n) < 0 || ld_json_add_str(n, "level", lvl) < 0 ||
	    add_text(n, "message", text) < 0)
		return LD_ERROR;
	return 0;
}

/* Rules --rule/--skip-rule left out are disabled for this invocation (3.20.5
 * ruleConfigurationOverrides), so a viewer does not read their missing results as passes;
 * the descriptors stay in the driver, their indices unchanged. */
static int add_overrides(ld_json *inv_obj, const ld_rule_selection *sel)
{
	ld_json *list, *o, *desc, *conf;
	int i = 0;

	if (!ld_rule_selection_given(sel))
		return 0;
	if (ld_json_add(inv_obj, "ruleConfigurationOverrides", list = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (const ld_rule_info *info = ld_rules; info->slug; info++, i++) {
		if (ld_rule_selected(sel, info->slug))
			continue;
		if (ld_json_append(list, o = ld_json_new_object()) < 0 ||
		    ld_json_add(o, "descriptor", desc = ld_json_new_object()) < 0 ||
		    ld_json_add_str(desc, "id", info->slug) < 0 ||
		    ld_json_add_num(desc, "index", i) < 0 ||
		    ld_json_add(o, "configuration", conf = ld_json_new_object()) < 0 ||
		    ld_json_add_bool(conf, "enabled", false) < 0)
			return LD_ERROR;
	}
	return 0;
}

/* Problems (data that could not be read) are error notifications; notes (what was left out
 * on purpose, such as a region not enabled) are "note" ones: SARIF's place for conditions
 * of the run that are not results (3.20.21). */
static int add_invocation(ld_json *run, const ld_report *r)
{
	const ld_inventory *inv = r->inv;
	ld_json *list = ld_json_new_array(), *inv_obj = ld_json_new_object(), *notes;

	if (ld_json_add(run, "invocations", list) < 0) {
		ld_json_free(inv_obj);
		return LD_ERROR;
	}
	if (ld_json_append(list, inv_obj) < 0 ||
	    ld_json_add_bool(inv_obj, "executionSuccessful", inv->complete) < 0 ||
	    (r->started && ld_json_add_str(inv_obj, "startTimeUtc", r->started) < 0) ||
	    ld_json_add(inv_obj, "toolExecutionNotifications", notes = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < inv->nproblems; i++)
		if (add_notification(notes, "error", inv->problems[i]) < 0)
			return LD_ERROR;
	if (!inv->complete && !inv->nproblems &&
	    add_notification(notes, "error", "the inventory is marked incomplete") < 0)
		return LD_ERROR;
	for (size_t i = 0; i < inv->nnotes; i++)
		if (add_notification(notes, "note", inv->notes[i]) < 0)
			return LD_ERROR;
	return add_overrides(inv_obj, r->rules);
}

static int add_base(ld_json *run, const ld_report *r)
{
	ld_json *bases, *base, *desc;
	char text[512];

	if (!r->spec_uri)
		return 0;
	snprintf(text, sizeof(text), "the root of the repository%s%s%s%s%s",
		 r->tag ? " at tag " : "", r->tag ? r->tag : "", r->commit ? " (commit " : "",
		 r->commit ? r->commit : "", r->commit ? ")" : "");
	if (ld_json_add(run, "originalUriBaseIds", bases = ld_json_new_object()) < 0 ||
	    ld_json_add(bases, SPEC_BASE, base = ld_json_new_object()) < 0 ||
	    ld_json_add(base, "description", desc = ld_json_new_object()) < 0 ||
	    ld_json_add_str(desc, "text", text) < 0)
		return LD_ERROR;
	return 0;
}

static int add_baseline_props(ld_json *props, const ld_baseline_result *b)
{
	ld_json *o, *stale;

	if (!b)
		return 0;
	if (ld_json_add(props, "baseline", o = ld_json_new_object()) < 0 ||
	    ld_json_add_str(o, "file", b->path) < 0 ||
	    ld_json_add_num(o, "suppressed", (double)b->suppressed.count) < 0 ||
	    ld_json_add_num(o, "expired", (double)b->nexpired) < 0 ||
	    ld_json_add(o, "stale", stale = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < b->nstale; i++)
		if (ld_json_append(stale, ld_report__entry_json(b->stale[i])) < 0)
			return LD_ERROR;
	return 0;
}

static int add_run_props(ld_json *run, const ld_report *r)
{
	const ld_inventory *inv = r->inv;
	ld_json *props = ld_json_new_object(), *regions, *accounts = NULL;

	if (ld_json_add(run, "properties", props) < 0 ||
	    ld_json_add_str(props, "command", r->command) < 0 ||
	    (r->tag && ld_json_add_str(props, "tag", r->tag) < 0) ||
	    (r->commit && ld_json_add_str(props, "commit", r->commit) < 0) ||
	    ld_json_add_str(props, "account", inv->account) < 0 ||
	    /* as in the JSON report: several accounts leave "account" null and list them */
	    (ld_report__several_accounts(inv) &&
	     ld_json_add(props, "accounts", accounts = ld_json_new_array()) < 0) ||
	    ld_json_add(props, "regions", regions = ld_json_new_array()) < 0 ||
	    ld_json_add_bool(props, "complete", inv->complete) < 0 ||
	    ld_json_add_num(props, "functions", (double)inv->nfunctions) < 0 ||
	    ld_json_add_num(props, "apiCalls", (double)ld_report__total_calls(&inv->calls)) < 0 ||
	    ld_json_add_str(props, "runtimeTable", r->runtimes ? r->runtimes->source : NULL) < 0 ||
	    (ld_rule_selection_given(r->rules) &&
	     ld_json_add(props, "rules", ld_report__rules_json(r->rules)) < 0) ||
	    (r->log_retention_min > 0 &&
	     ld_json_add_num(props, "logRetentionMin", (double)r->log_retention_min) < 0))
		return LD_ERROR;
	for (size_t i = 0; i < inv->nregions; i++)
		if (ld_json_append(regions, ld_json_new_string(inv->regions[i])) < 0)
			return LD_ERROR;
	for (size_t i = 0; ld_report__several_accounts(inv) && i < inv->naccounts; i++)
		if (ld_json_append(accounts, ld_json_new_string(inv->accounts[i])) < 0)
			return LD_ERROR;
	return add_baseline_props(props, r->baseline);
}

/* A run with findings gets one placeholder result: the document around the results is
 * small and printed whole, the results themselves one at a time in its place. */
#define RESULTS_MARK "\001lambdrift-results\001"

static int build(ld_json *root, const ld_report *r)
{
	ld_json *runs, *run, *results;

	if (ld_json_add_str(root, "$schema", SARIF_SCHEMA) < 0 ||
	    ld_json_add_str(root, "version", "2.1.0") < 0 ||
	    ld_json_add(root, "runs", runs = ld_json_new_array()) < 0 ||
	    ld_json_append(runs, run = ld_json_new_object()) < 0 || add_tool(run) < 0 ||
	    add_invocation(run, r) < 0 || add_base(run, r) < 0 ||
	    ld_json_add(run, "results", results = ld_json_new_array()) < 0 ||
	    (r->findings && r->findings->count &&
	     ld_json_append(results, ld_json_new_string(RESULTS_MARK)) < 0))
		return LD_ERROR;
	if (ld_json_add_str(run, "columnKind", "unicodeCodePoints") < 0)
		return LD_ERROR;
	return add_run_props(run, r);
}

/* Finished bytes go to `spill` (when given) once the buffer holds about this much. */
#define SPILL_AT ((size_t)1024 * 1024)

static int spill(ld_buf *out, FILE *to)
{
	if (!to || out->size < SPILL_AT)
		return 0;
	if (fwrite(out->ptr, 1, out->size, to) != out->size)
		return ld_error_set(LD_ERR_OS, "cannot write the report: %s", strerror(errno));
	ld_buf_clear(out);
	return 0;
}

/* Result `i` printed pretty as util/json.h prints it `indent` spaces deep: each line of
 * its own layout indented (strings hold no raw newline, they are escaped). */
static int put_result(ld_buf *out, ld_buf *piece, const ld_report *r, size_t i, size_t indent)
{
	ld_json *arr = ld_json_new_array();
	const char *p, *nl;
	int error;

	if (!arr)
		return ld_error_oom();
	ld_buf_clear(piece);
	if ((error = add_result(arr, r, &r->findings->items[i])) == 0 &&
	    (error = ld_json_write(piece, ld_json_first(arr), true)) == 0) {
		for (p = piece->ptr; (nl = strchr(p, '\n')); p = nl + 1) {
			ld_buf_put(out, p, (size_t)(nl - p) + 1);
			for (size_t k = 0; k < indent; k++)
				ld_buf_putc(out, ' ');
		}
		error = ld_buf_puts(out, p);
	}
	ld_json_free(arr);
	return error < 0 ? error : out->error;
}

/* The skeleton printed, then the results streamed where its placeholder stands. The
 * placeholder is found as the layout prints it, right after the "results" key, which no
 * string in the document can imitate (a string holds no raw newline). */
static int put_results(ld_buf *out, const char *doc, const ld_report *r, FILE *to,
		       ld_buf *piece)
{
	static const char key[] = "\"results\": [\n";
	static const char mark[] = "\"\\u0001lambdrift-results\\u0001\"";
	const char *at, *item;
	size_t indent;
	int error = 0;

	for (at = strstr(doc, key); at; at = strstr(at + 1, key)) {
		item = at + sizeof(key) - 1;
		indent = strspn(item, " ");
		if (!strncmp(item + indent, mark, sizeof(mark) - 1))
			break;
	}
	if (!at)
		return ld_error_set(LD_ERR_JSON, "the SARIF skeleton lost its results");
	item += indent;
	ld_buf_put(out, doc, (size_t)(item - doc));
	for (size_t i = 0; i < r->findings->count && error == 0; i++) {
		if (i) {
			ld_buf_puts(out, ",\n");
			for (size_t k = 0; k < indent; k++)
				ld_buf_putc(out, ' ');
		}
		if ((error = put_result(out, piece, r, i, indent)) == 0)
			error = spill(out, to);
	}
	return error < 0 ? error : ld_buf_puts(out, item + sizeof(mark) - 1);
}

int ld_report__sarif_to(ld_buf *out, const ld_report *r, FILE *spill_to)
{
	ld_json *root = ld_json_new_object();
	ld_buf doc = LD_BUF_INIT_CAP(out->cap), piece = LD_BUF_INIT_CAP(out->cap);
	int error;

	if (!root)
		return ld_error_oom();
	if ((error = build(root, r)) == 0 && (error = ld_json_write(&doc, root, true)) == 0 &&
	    (error = ld_buf_putc(&doc, '\n')) == 0) {
		ld_json_free(root);
		root = NULL;
		if (r->findings && r->findings->count)
			error = put_results(out, doc.ptr, r, spill_to, &piece);
		else
			error = ld_buf_put(out, doc.ptr, doc.size);
	}
	ld_json_free(root);
	ld_buf_dispose(&doc);
	ld_buf_dispose(&piece);
	return error < 0 ? error : out->error;
}

int ld_report__sarif(ld_buf *out, const ld_report *r)
{
	return ld_report__sarif_to(out, r, NULL);
}
