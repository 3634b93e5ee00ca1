/*
 * Baselines (include/lambdrift/baseline.h): creating one from a JSON report, loading one
 * with every field checked (a baseline hides findings, so a typo must fail loudly rather
 * than hide the wrong thing or nothing), and applying one to a run. An entry hides its
 * finding until the day before `expires`; from that day on the finding is reported again
 * and the entry is listed as expired. Entries that match nothing are stale only when the
 * run could have produced their finding: its command runs the rule, its region was
 * scanned, its function passes the --function globs, and no data was missing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/date.h"
#include "lambdrift/audit.h"
#include "lambdrift/errors.h"
#include "lambdrift/inventory.h"
#include "report/baseline.h"
#include "util/file.h"
#include "report/report.h"

#define BASELINE_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define REPORT_MAX_BYTES ((size_t)256 * 1024 * 1024)
#define BASELINE_MAX_ENTRIES 200000
#define TEXT_MAX 1024 /* reason and message: one line of at most this many bytes */
#define NAME_MAX_LEN 256

/* Where a rule runs is ld_rules[]'s to say (its `runs`), so a rule added there is counted
 * here too. A slug the table does not know (a report of a newer lambdrift) ran in no
 * scan; an unknown or NULL command runs every rule its checks allow. */
bool ld_report__rule_runs(const char *command, const char *slug, unsigned checks)
{
	const ld_rule_info *r = ld_rule_find(slug);
	bool scan = command && !strcmp(command, "scan");
	bool deps = checks & LD_CHECKS_DEPS;

	if (!slug)
		return false;
	if (!r)
		return !scan;
	switch (r->runs) {
	case LD_RULE_RUNS_SCAN: return true;
	case LD_RULE_RUNS_VERIFY: return !scan;
	case LD_RULE_RUNS_ATTESTED: return (checks & LD_CHECKS_ATTESTED) && (!command || scan);
	case LD_RULE_RUNS_DEPS: return deps;
	case LD_RULE_RUNS_DEPS_VERIFY: return deps && !scan;
	case LD_RULE_RUNS_ADVISORIES: return deps && (checks & LD_CHECKS_ADVISORIES);
	}
	return false;
}

unsigned ld_report__checks(const ld_report *r)
{
	return r->checks | (r->nattestations ? LD_CHECKS_ATTESTED : 0);
}

/* ------------------------------------------------------------------ entries */

static void entry_dispose(ld_baseline_entry *e)
{
	free(e->rule);
	free(e->function);
	free(e->region);
	free(e->qualifier);
	free(e->message);
	free(e->reason);
	free(e->expires);
	free(e->accepted);
	memset(e, 0, sizeof(*e));
}

void ld_baseline_dispose(ld_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->count; i++)
		entry_dispose(&b->items[i]);
	free(b->items);
	free(b->path);
	memset(b, 0, sizeof(*b));
}

ld_json *ld_report__entry_json(const ld_baseline_entry *e)
{
	ld_json *o = ld_json_new_object();

	if (!o)
		return NULL;
	if (ld_json_add_str(o, "fingerprint", e->fingerprint) < 0 ||
	    ld_json_add_str(o, "rule", e->rule) < 0 ||
	    ld_json_add_str(o, "function", e->function) < 0 ||
	    ld_json_add_str(o, "region", e->region) < 0 ||
	    ld_json_add_str(o, "qualifier", e->qualifier) < 0 ||
	    ld_json_add_str(o, "message", e->message) < 0 ||
	    ld_json_add_str(o, "reason", e->reason) < 0 ||
	    ld_json_add_str(o, "expires", e->expires) < 0 ||
	    ld_json_add_str(o, "accepted", e->accepted) < 0) {
		ld_json_free(o);
		return NULL;
	}
	return o;
}

/* ------------------------------------------------------------------ checking */

/* Where a value sits, for messages: "<file>: entries[3].reason: ...". */
typedef struct {
	const char *file;
	char path[96];
} where;

static int bad(const where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const where *w, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: %s: %s", w->file,
			     w->path[0] ? w->path : "top level", msg);
}

/* A path too long for the buffer is cut, which only shortens a message. */
static void at_key(where *out, const where *parent, const char *key)
{
	int n = snprintf(out->path, sizeof(out->path), "%s%s%.40s", parent->path,
			 parent->path[0] ? "." : "", key);
	out->file = parent->file;
	if (n < 0 || (size_t)n >= sizeof(out->path))
		out->path[sizeof(out->path) - 1] = '\0';
}

static void at_index(where *out, const where *parent, const char *key, size_t i)
{
	int n = snprintf(out->path, sizeof(out->path), "%s%s%.40s[%zu]", parent->path,
			 parent->path[0] ? "." : "", key, i);
	out->file = parent->file;
	if (n < 0 || (size_t)n >= sizeof(out->path))
		out->path[sizeof(out->path) - 1] = '\0';
}

static bool is_fingerprint(const char *s)
{
	if (!s || strlen(s) != 32)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool is_one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Refuse members of `obj` not named in `allowed` (NULL-terminated). */
static int only_keys(const where *w, const ld_json *obj, const char *const *allowed)
{
	for (const ld_json *m = ld_json_first(obj); m; m = ld_json_next(m)) {
		size_t i = 0;
		while (allowed[i] && strcmp(allowed[i], ld_json_key(m)))
			i++;
		if (!allowed[i])
			return bad(w, "unknown key \"%.40s\"", ld_json_key(m));
	}
	return 0;
}

/* Copy an optional string member (absent or null gives NULL) of at most `max` bytes. */
static int opt_string(char **out, const where *w, const ld_json *obj, const char *key, size_t max)
{
	const ld_json *v = ld_json_get(obj, key);
	where at;

	*out = NULL;
	if (!v || ld_json_is_null(v))
		return 0;
	at_key(&at, w, key);
	if (!ld_json_is_string(v))
		return bad(&at, "expected a string or null");
	if (strlen(ld_json_str(v)) > max || !is_one_line(ld_json_str(v)))
		return bad(&at, "expected one line of at most %zu characters", max);
	return (*out = strdup(ld_json_str(v))) ? 0 : ld_error_oom();
}

static int opt_date(char **out, const where *w, const ld_json *obj, const char *key)
{
	long days;
	where at;
	int error;

	if ((error = opt_string(out, w, obj, key, 10)) < 0 || !*out)
		return error;
	if (ld_date_parse(*out, &days))
		return 0;
	at_key(&at, w, key);
	return bad(&at, "'%s' is not a YYYY-MM-DD date", *out);
}

static const char *const entry_keys[] = {
	"fingerprint", "rule", "function", "region", "qualifier", "message", "reason",
	"expires", "accepted", NULL
};

/* One baseline entry object; `e` is disposed by the caller on failure. */
static int entry_parse(ld_baseline_entry *e, const where *w, const ld_json *o)
{
	const char *fp = ld_json_get_str(o, "fingerprint");
	where at;
	int error;

	if (!ld_json_is_object(o))
		return bad(w, "expected an object");
	if ((error = only_keys(w, o, entry_keys)) < 0)
		return error;
	at_key(&at, w, "fingerprint");
	if (!is_fingerprint(fp))
		return bad(&at, "expected 32 lowercase hex digits (a finding's fingerprint)");
	memcpy(e->fingerprint, fp, 33);
	if ((error = opt_string(&e->rule, w, o, "rule", NAME_MAX_LEN)) < 0 ||
	    (error = opt_string(&e->function, w, o, "function", NAME_MAX_LEN)) < 0 ||
	    (error = opt_string(&e->region, w, o, "region", NAME_MAX_LEN)) < 0 ||
	    (error = opt_string(&e->qualifier, w, o, "qualifier", NAME_MAX_LEN)) < 0 ||
	    (error = opt_string(&e->message, w, o, "message", TEXT_MAX * 4)) < 0 ||
	    (error = opt_string(&e->reason, w, o, "reason", TEXT_MAX)) < 0 ||
	    (error = opt_date(&e->expires, w, o, "expires")) < 0 ||
	    (error = opt_date(&e->accepted, w, o, "accepted")) < 0)
		return error;
	at_key(&at, w, "rule");
	if (!e->rule)
		return bad(&at, "expected the rule slug");
	at_key(&at, w, "reason");
	if (!e->reason || !*e->reason)
		return bad(&at, "expected why the finding is accepted");
	return 0;
}

/* ------------------------------------------------------------------ reading */

static int read_bounded(ld_buf *out, const char *path, const char *what)
{
	int error = ld_buf_read_file(out, path, out->cap);

	if (error == LD_ELIMIT)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: larger than %zu MiB; not a %s",
				     path, out->cap >> 20, what);
	if (error < 0 && errno == EISDIR) {
		char a_what[64];
		snprintf(a_what, sizeof(a_what), "a %s", what);
		return ld_file_dir_error(path, a_what, LD_ERR_USAGE);
	}
	if (error == LD_ENOTFOUND || error == LD_EUSAGE)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "cannot open the %s '%s'; check the path",
				     what, path);
	if (error < 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: read error", path);
	return 0;
}

int ld_report__read_json(ld_json **root, const char *path, size_t cap, const char *what)
{
	ld_buf text = LD_BUF_INIT_CAP(cap);
	int error;

	*root = NULL;
	if ((error = read_bounded(&text, path, what)) == 0 &&
	    (error = ld_json_parse(root, text.ptr, text.size, path)) < 0) {
		/* a malformed file is the user's to fix: a usage error, not bad server data */
		char msg[sizeof(ld_error_last()->message)];
		snprintf(msg, sizeof(msg), "%s", ld_error_last()->message);
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s", msg);
	}
	ld_buf_dispose(&text);
	return error;
}

static int reserve(ld_baseline *b, size_t n)
{
	ld_baseline_entry *items;

	if (n > BASELINE_MAX_ENTRIES)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: more than %d entries", b->path,
				     BASELINE_MAX_ENTRIES);
	if (n && !(items = calloc(n, sizeof(*items))))
		return ld_error_oom();
	b->items = n ? items : NULL;
	return 0;
}

static int check_unique(const ld_baseline *b)
{
	for (size_t i = 0; i < b->count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(b->items[i].fingerprint, b->items[j].fingerprint))
				return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
						     "%s: entries[%zu].fingerprint: %s is already "
						     "entries[%zu]; keep one entry per finding",
						     b->path, i, b->items[i].fingerprint, j);
	return 0;
}

static const char *const top_keys[] = { "schema", "created", "source", "entries", NULL };

static int load_doc(ld_baseline *b, const ld_json *root)
{
	const ld_json *entries = ld_json_get(root, "entries");
	where top = { b->path, "" }, at;
	int error;

	if (!ld_json_is_object(root))
		return bad(&top, "expected a baseline object");
	if ((error = only_keys(&top, root, top_keys)) < 0)
		return error;
	at_key(&at, &top, "schema");
	if (!ld_json_get_str(root, "schema") || strcmp(ld_json_get_str(root, "schema"),
						       LD_BASELINE_SCHEMA))
		return bad(&at, "expected \"%s\" (make one with 'lambdrift baseline create')",
			   LD_BASELINE_SCHEMA);
	at_key(&at, &top, "entries");
	if (!ld_json_is_array(entries))
		return bad(&at, "expected an array");
	if ((error = reserve(b, ld_json_size(entries))) < 0)
		return error;
	for (size_t i = 0; i < ld_json_size(entries); i++) {
		at_index(&at, &top, "entries", i);
		b->count++;
		if ((error = entry_parse(&b->items[i], &at, ld_json_at(entries, i))) < 0)
			return error;
	}
	return check_unique(b);
}

int ld_baseline_load(ld_baseline *out, const char *path)
{
	ld_json *root = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (!(out->path = strdup(path ? path : "")))
		return ld_error_oom();
	if ((error = ld_report__read_json(&root, path, BASELINE_MAX_BYTES, "baseline file")) == 0)
		error = load_doc(out, root);
	if (error < 0)
		ld_baseline_dispose(out);
	ld_json_free(root);
	return error;
}

/* ------------------------------------------------------------------ creating */

static void date_of(char out[11], time_t now)
{
	time_t t = now ? now : time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}

static bool has_fingerprint(const ld_baseline *b, const char *fp)
{
	for (size_t i = 0; i < b->count; i++)
		if (!strcmp(b->items[i].fingerprint, fp))
			return true;
	return false;
}

static int dup_field(char **out, const ld_json *o, const char *key)
{
	const char *s = ld_json_get_str(o, key);
	*out = NULL;
	return !s || (*out = strdup(s)) ? 0 : ld_error_oom();
}

/* An entry for a report finding, accepted today for `reason` until `expires`. */
static int entry_from_finding(ld_baseline *b, const where *w, const ld_json *f,
			      const ld_baseline_create_opts *o, const char *today)
{
	ld_baseline_entry *e = &b->items[b->count];
	const char *fp = ld_json_get_str(f, "fingerprint");
	where at;
	int error;

	at_key(&at, w, "fingerprint");
	if (!ld_json_is_object(f) || !is_fingerprint(fp))
		return bad(&at, "expected 32 lowercase hex digits; is this a lambdrift JSON report?");
	if (has_fingerprint(b, fp))
		return 0;
	b->count++;
	memcpy(e->fingerprint, fp, 33);
	if ((error = dup_field(&e->rule, f, "rule")) < 0 ||
	    (error = dup_field(&e->function, f, "function")) < 0 ||
	    (error = dup_field(&e->region, f, "region")) < 0 ||
	    (error = dup_field(&e->qualifier, f, "qualifier")) < 0 ||
	    (error = dup_field(&e->message, f, "message")) < 0)
		return error;
	if (!(e->reason = strdup(o->reason ? o->reason : LD_BASELINE_DEFAULT_REASON)) ||
	    (o->expires && !(e->expires = strdup(o->expires))) || !(e->accepted = strdup(today)))
		return ld_error_oom();
	return 0;
}

/* Entries an earlier baseline suppressed in this report keep their own reason and date. */
static int carry_over(ld_baseline *b, const where *w, const ld_json *list)
{
	where at;
	int error;

	for (size_t i = 0; i < ld_json_size(list); i++) {
		const ld_json *o = ld_json_at(list, i);
		const char *fp = ld_json_get_str(o, "fingerprint");
		at_index(&at, w, "suppressed", i);
		if (fp && has_fingerprint(b, fp))
			continue;
		b->count++;
		if ((error = entry_parse(&b->items[b->count - 1], &at, o)) < 0)
			return error;
	}
	return 0;
}

static int check_create_opts(const ld_baseline_create_opts *o, const char *today)
{
	long exp, now;

	if (o->reason && (!*o->reason || strlen(o->reason) > TEXT_MAX || !is_one_line(o->reason)))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "--reason must be one line of 1 to %d characters", TEXT_MAX);
	if (!o->expires)
		return 0;
	if (!ld_date_parse(o->expires, &exp))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "--expires '%.40s' is not a YYYY-MM-DD date", o->expires);
	if (ld_date_parse(today, &now) && exp <= now)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "--expires '%s' is not after today (%s); give a future date",
				     o->expires, today);
	return 0;
}

static int collect_entries(ld_baseline *b, const ld_json *report, const ld_baseline_create_opts *o,
			   const char *today)
{
	const ld_json *findings = ld_json_get(report, "findings");
	const ld_json *bl = ld_json_get(report, "baseline");
	const ld_json *suppressed = ld_json_get(bl, "suppressed");
	where top = { b->path, "" }, at;
	int error;

	at_key(&at, &top, "schema");
	if (!ld_json_get_str(report, "schema") ||
	    strcmp(ld_json_get_str(report, "schema"), "lambdrift/report/v1"))
		return bad(&at, "expected \"lambdrift/report/v1\"; write the report with --format json");
	at_key(&at, &top, "findings");
	if (!ld_json_is_array(findings))
		return bad(&at, "expected an array");
	if ((error = reserve(b, ld_json_size(findings) + ld_json_size(suppressed))) < 0)
		return error;
	for (size_t i = 0; i < ld_json_size(findings); i++) {
		at_index(&at, &top, "findings", i);
		if ((error = entry_from_finding(b, &at, ld_json_at(findings, i), o, today)) < 0)
			return error;
	}
	at_key(&at, &top, "baseline");
	return ld_json_is_array(suppressed) ? carry_over(b, &at, suppressed) : 0;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Sorted by what a reviewer scans for, so a re-created baseline diffs cleanly. */
static int cmp_entries(const void *pa, const void *pb)
{
	const ld_baseline_entry *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->rule, b->rule)) || (c = cmp_str(a->region, b->region)) ||
	    (c = cmp_str(a->function, b->function)) || (c = cmp_str(a->qualifier, b->qualifier)))
		return c;
	return strcmp(a->fingerprint, b->fingerprint);
}

static int write_doc(ld_buf *out, const ld_baseline *b, const ld_json *report, const char *today)
{
	const ld_json *run = ld_json_get(report, "run");
	ld_json *root = ld_json_new_object(), *source, *entries;
	int error;

	if (!root || ld_json_add_str(root, "schema", LD_BASELINE_SCHEMA) < 0 ||
	    ld_json_add_str(root, "created", today) < 0 ||
	    ld_json_add(root, "source", source = ld_json_new_object()) < 0 ||
	    ld_json_add_str(source, "command", ld_json_get_str(run, "command")) < 0 ||
	    ld_json_add_str(source, "account", ld_json_get_str(run, "account")) < 0 ||
	    ld_json_add_str(source, "started", ld_json_get_str(run, "started")) < 0 ||
	    ld_json_add(root, "entries", entries = ld_json_new_array()) < 0) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t i = 0; i < b->count; i++) {
		if (ld_json_append(entries, ld_report__entry_json(&b->items[i])) < 0) {
			error = ld_error_oom();
			goto done;
		}
	}
	if ((error = ld_json_write(out, root, true)) == 0)
		error = ld_buf_putc(out, '\n');
done:
	ld_json_free(root);
	return error;
}

int ld_baseline_create(ld_buf *out, size_t *nentries, const char *report_path,
		       const ld_baseline_create_opts *opts)
{
	ld_baseline_create_opts none = { NULL, NULL, 0 };
	ld_baseline b;
	ld_json *report = NULL;
	char today[11];
	int error;

	memset(&b, 0, sizeof(b));
	if (!opts)
		opts = &none;
	date_of(today, opts->now);
	if ((error = check_create_opts(opts, today)) < 0)
		return error;
	if (!(b.path = strdup(report_path ? report_path : "")))
		return ld_error_oom();
	if ((error = ld_report__read_json(&report, report_path, REPORT_MAX_BYTES, "JSON report")) < 0 ||
	    (error = collect_entries(&b, report, opts, today)) < 0)
		goto done;
	if (b.count > 1)
		qsort(b.items, b.count, sizeof(*b.items), cmp_entries);
	error = write_doc(out, &b, report, today);
	if (error == 0 && nentries)
		*nentries = b.count;
done:
	ld_json_free(report);
	ld_baseline_dispose(&b);
	return error;
}

/* ------------------------------------------------------------------ applying */

void ld_baseline_result_dispose(ld_baseline_result *res)
{
	if (!res)
		return;
	ld_findings_dispose(&res->suppressed);
	free(res->suppressed_by);
	free(res->expired);
	free(res->stale);
	memset(res, 0, sizeof(*res));
}

static const ld_baseline_entry *find_entry(const ld_baseline *b, const char *fp)
{
	for (size_t i = 0; i < b->count; i++)
		if (!strcmp(b->items[i].fingerprint, fp))
			return &b->items[i];
	return NULL;
}

static bool expired(const ld_baseline_entry *e, long today)
{
	long d;
	return e->expires && ld_date_parse(e->expires, &d) && d <= today;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(s, list[i]))
			return true;
	return n == 0;
}

static bool in_scope(const ld_baseline_entry *e, const ld_baseline_scope *s)
{
	bool glob_ok = s->nglobs == 0;

	for (size_t i = 0; i < s->nglobs && e->function; i++)
		glob_ok = glob_ok || ld_glob_match(s->function_globs[i], e->function);
	return glob_ok && in_list(e->region, s->regions, s->nregions) &&
	       ld_report__rule_runs(s->command, e->rule, s->checks) &&
	       ld_rule_selected(s->rules, e->rule);
}

/* Every array sized for the worst case up front, so applying cannot fail half-way. */
static int allocate(ld_baseline_result *res, size_t nfindings, size_t nentries)
{
	size_t n = nfindings ? nfindings : 1, m = nentries ? nentries : 1;

	res->suppressed.items = calloc(n, sizeof(*res->suppressed.items));
	res->suppressed.alloc = n;
	res->suppressed_by = calloc(n, sizeof(*res->suppressed_by));
	res->expired = calloc(m, sizeof(*res->expired));
	res->stale = calloc(m, sizeof(*res->stale));
	if (!res->suppressed.items || !res->suppressed_by || !res->expired || !res->stale) {
		ld_baseline_result_dispose(res);
		return ld_error_oom();
	}
	return 0;
}

static void split(ld_baseline_result *res, ld_findings *findings, const ld_baseline *b,
		  long today, bool *used)
{
	size_t kept = 0;

	for (size_t i = 0; i < findings->count; i++) {
		ld_finding *f = &findings->items[i];
		const ld_baseline_entry *e = find_entry(b, f->fingerprint);

		if (e)
			used[e - b->items] = true;
		if (e && !expired(e, today)) {
			res->suppressed_by[res->suppressed.count] = e;
			res->suppressed.items[res->suppressed.count++] = *f;
			continue;
		}
		if (e && !ld_baseline_expired_for(res, e->fingerprint))
			res->expired[res->nexpired++] = e;
		findings->items[kept++] = *f;
	}
	findings->count = kept;
}

int ld_baseline_apply(ld_baseline_result *res, ld_findings *findings, const ld_baseline *b,
		      const ld_baseline_scope *scope)
{
	ld_baseline_scope all = { NULL, NULL, 0, NULL, 0, true, 0,
				  LD_CHECKS_ATTESTED | LD_CHECKS_DEPS | LD_CHECKS_ADVISORIES, NULL };
	bool *used;
	long today;

	memset(res, 0, sizeof(*res));
	if (!scope)
		scope = &all;
	res->path = b->path;
	res->stale_known = scope->complete;
	today = ld_date_of(scope->now ? scope->now : time(NULL));
	if (!(used = calloc(b->count ? b->count : 1, sizeof(*used))))
		return ld_error_oom();
	if (allocate(res, findings->count, b->count) < 0) {
		free(used);
		return LD_ERROR;
	}
	split(res, findings, b, today, used);
	for (size_t i = 0; scope->complete && i < b->count; i++)
		if (!used[i] && in_scope(&b->items[i], scope))
			res->stale[res->nstale++] = &b->items[i];
	free(used);
	return 0;
}

const ld_baseline_entry *ld_baseline_expired_for(const ld_baseline_result *res,
						 const char *fingerprint)
{
	for (size_t i = 0; res && fingerprint && i < res->nexpired; i++)
		if (!strcmp(res->expired[i]->fingerprint, fingerprint))
			return res->expired[i];
	return NULL;
}
