/*
 * Findings: the list every rule appends to, its sort order (severity first, so the worst
 * problems lead every report), severity names, and the catalogue of rule slugs that SARIF
 * and the documentation are generated from, and the selection of rules a run runs
 * (--rule, --skip-rule). Fingerprints hash identity, never wording.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/findings.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/hash.h"
#include "util/str.h"

const ld_rule_info ld_rules[] = {
	{ "alias-unpinned", LD_SEV_ERROR, "an alias points at $LATEST",
	  LD_RULE_RUNS_SCAN },
	{ "alias-split", LD_SEV_WARNING, "an alias routes weighted traffic to a second version",
	  LD_RULE_RUNS_SCAN },
	{ "latest-drift", LD_SEV_ERROR,
	  "$LATEST differs (code or config) from the newest published version",
	  LD_RULE_RUNS_SCAN },
	{ "unpublished", LD_SEV_WARNING, "the function has no published version",
	  LD_RULE_RUNS_SCAN },
	{ "trigger-unqualified", LD_SEV_WARNING,
	  "an event source mapping, URL or permission targets the unqualified ARN or $LATEST",
	  LD_RULE_RUNS_SCAN },
	{ "runtime-deprecated", LD_SEV_ERROR, "the runtime is past its deprecation date",
	  LD_RULE_RUNS_SCAN },
	{ "runtime-deprecating", LD_SEV_WARNING,
	  "the runtime will be deprecated within the horizon",
	  LD_RULE_RUNS_SCAN },
	{ "runtime-unknown", LD_SEV_WARNING, "the runtime is not in the runtime lifecycle table",
	  LD_RULE_RUNS_SCAN },
	{ "code-drift", LD_SEV_ERROR, "served code differs from the tag's artifact",
	  LD_RULE_RUNS_VERIFY },
	{ "code-repackaged", LD_SEV_NOTE, "package bytes differ, content is identical",
	  LD_RULE_RUNS_VERIFY },
	{ "code-unverified", LD_SEV_WARNING, "package contents could not be compared",
	  LD_RULE_RUNS_VERIFY },
	{ "package-integrity", LD_SEV_ERROR,
	  "downloaded bytes do not hash to the CodeSha256 Lambda reports",
	  LD_RULE_RUNS_VERIFY },
	{ "config-drift", LD_SEV_ERROR, "a declared setting differs from the deployed one",
	  LD_RULE_RUNS_VERIFY },
	{ "config-unverified", LD_SEV_WARNING,
	  "a declared setting could not be compared (e.g. environment offline)",
	  LD_RULE_RUNS_VERIFY },
	{ "function-missing", LD_SEV_ERROR, "a function declared in the spec is absent",
	  LD_RULE_RUNS_VERIFY },
	{ "attestation-drift", LD_SEV_ERROR,
	  "a function no longer serves what a signed release record attests",
	  LD_RULE_RUNS_ATTESTED },
	{ "attestation-missing", LD_SEV_ERROR,
	  "a function a signed release record attests no longer exists",
	  LD_RULE_RUNS_ATTESTED },
	{ "alias-missing", LD_SEV_ERROR, "an alias declared in the spec is absent",
	  LD_RULE_RUNS_VERIFY },
	{ "layer-outdated", LD_SEV_WARNING, "a newer version of an attached layer exists",
	  LD_RULE_RUNS_DEPS },
	{ "dependency-drift", LD_SEV_ERROR,
	  "a deployed dependency differs from what the tag's lockfile pins",
	  LD_RULE_RUNS_DEPS_VERIFY },
	{ "dependency-vulnerable", LD_SEV_WARNING,
	  "an OSV advisory affects a deployed dependency (severity from the advisory)",
	  LD_RULE_RUNS_ADVISORIES },
	{ "url-public", LD_SEV_WARNING,
	  "a function URL takes unauthenticated requests from anyone (AuthType NONE)",
	  LD_RULE_RUNS_SCAN },
	{ "policy-public", LD_SEV_WARNING,
	  "the resource policy lets anyone, or a service on behalf of any account, invoke",
	  LD_RULE_RUNS_SCAN },
	{ "concurrency-unbounded", LD_SEV_WARNING,
	  "a function anyone may invoke has no reserved concurrency",
	  LD_RULE_RUNS_SCAN },
	{ "layer-foreign", LD_SEV_NOTE,
	  "a layer is published by another account that is not AWS's",
	  LD_RULE_RUNS_SCAN },
	{ "env-plaintext-secret", LD_SEV_ERROR,
	  "an environment variable holds a credential (the value is never printed)",
	  LD_RULE_RUNS_SCAN },
	{ "env-default-key", LD_SEV_WARNING,
	  "environment variables without a customer managed KMS key",
	  LD_RULE_RUNS_SCAN },
	{ "role-overprivileged", LD_SEV_ERROR,
	  "the execution role allows *, a whole service or a privilege-escalation action on *",
	  LD_RULE_RUNS_SCAN },
	{ "logging-denied", LD_SEV_WARNING,
	  "the execution role cannot write the function's log group",
	  LD_RULE_RUNS_SCAN },
	{ "log-retention", LD_SEV_NOTE,
	  "the function's log group keeps logs forever or too briefly",
	  LD_RULE_RUNS_SCAN },
	{ "code-signing-unenforced", LD_SEV_WARNING,
	  "the attached code signing config only warns on untrusted code (Warn, not Enforce)",
	  LD_RULE_RUNS_SCAN },
	{ "code-signing-missing", LD_SEV_NOTE, "no code signing config is attached",
	  LD_RULE_RUNS_SCAN },
	{ NULL, LD_SEV_NONE, NULL, 0 }
};

/* ---- rule selection (--rule, --skip-rule): shell globs over the slugs above; each pattern
 * must match one, since a mistyped slug would select nothing and report any account clean.
 * Applied where findings meet the report (ld_findings_select), so every rule, scan's,
 * verify's, the dependency and attestation ones, is left out alike. ---- */

static bool any_match(const char *const *globs, size_t n, const char *slug)
{
	for (size_t i = 0; i < n; i++)
		if (ld_glob_match(globs[i], slug))
			return true;
	return false;
}

bool ld_rule_selection_given(const ld_rule_selection *sel)
{
	return sel && (sel->nonly || sel->nskip);
}

bool ld_rule_selected(const ld_rule_selection *sel, const char *slug)
{
	if (!ld_rule_selection_given(sel))
		return true;
	if (!slug)
		return false;
	if (sel->nonly && !any_match(sel->only, sel->nonly, slug))
		return false;
	return !any_match(sel->skip, sel->nskip, slug);
}

static bool matches_a_rule(const char *glob)
{
	for (const ld_rule_info *r = ld_rules; r->slug; r++)
		if (ld_glob_match(glob, r->slug))
			return true;
	return false;
}

static int check_list(const char *const *globs, size_t n, const char *option)
{
	for (size_t i = 0; i < n; i++)
		if (!matches_a_rule(globs[i]))
			return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
					     "%s '%.128s' matches no rule; 'lambdrift rules' lists "
					     "them", option, globs[i]);
	return 0;
}

int ld_rule_selection_check(const ld_rule_selection *sel)
{
	int error;

	if (!sel)
		return 0;
	if ((error = check_list(sel->only, sel->nonly, "--rule")) < 0)
		return error;
	return check_list(sel->skip, sel->nskip, "--skip-rule");
}

size_t ld_rule_count(void)
{
	size_t n = 0;

	while (ld_rules[n].slug)
		n++;
	return n;
}

size_t ld_rule_selection_skipped(const ld_rule_selection *sel)
{
	size_t n = 0;

	for (const ld_rule_info *r = ld_rules; r->slug; r++)
		n += !ld_rule_selected(sel, r->slug);
	return n;
}

const ld_rule_info *ld_rule_find(const char *slug)
{
	for (const ld_rule_info *r = ld_rules; slug && r->slug; r++)
		if (!strcmp(r->slug, slug))
			return r;
	return NULL;
}

uint64_t ld_rule_bit(const char *slug)
{
	const ld_rule_info *r = ld_rule_find(slug);
	return r && r - ld_rules < LD_RULES_MAX ? (uint64_t)1 << (r - ld_rules) : 0;
}

ld_severity ld_rule_severity(const char *slug)
{
	const ld_rule_info *r = ld_rule_find(slug);
	return r ? r->severity : LD_SEV_NONE;
}

static const char *const severity_names[] = { "none", "note", "warning", "error" };

const char *ld_severity_name(ld_severity s)
{
	return (int)s >= LD_SEV_NONE && (int)s <= LD_SEV_ERROR ? severity_names[(int)s] : "unknown";
}

int ld_severity_parse(ld_severity *out, const char *s)
{
	for (int i = LD_SEV_NONE; s && i <= LD_SEV_ERROR; i++) {
		if (!strcmp(s, severity_names[i])) {
			*out = (ld_severity)i;
			return 0;
		}
	}
	return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
			     "unknown severity '%s'; use error, warning, note or none", s ? s : "");
}

ld_finding_id ld_finding_id_of(const ld_function *fn, const char *account, const char *rule,
			       const char *qualifier, const char *key)
{
	ld_finding_id id = { rule, ld_rule_severity(rule), fn->account ? fn->account : account,
			     fn->region, fn->name, qualifier, key, 0 };
	return id;
}

void ld_finding_fingerprint(char out[33], const ld_finding_id *id)
{
	const char *parts[6] = { id->rule, id->account, id->region, id->function, id->qualifier,
				 id->key };
	uint8_t digest[LD_SHA256_LEN];
	ld_sha256_ctx *ctx = ld_sha256_new();
	char hex[LD_SHA256_HEX_LEN + 1];

	memset(out, 0, 33);
	if (!ctx)
		return;
	/* NUL-separated so ("ab","c") and ("a","bc") differ; NULL and "" hash alike. */
	for (size_t i = 0; i < 6; i++) {
		const char *p = parts[i] ? parts[i] : "";
		ld_sha256_update(ctx, p, strlen(p) + (i < 5 ? 1 : 0));
	}
	ld_sha256_final(ctx, digest);
	ld_hex(hex, digest, sizeof(digest));
	memcpy(out, hex, 32);
}

static void finding_dispose(ld_finding *f)
{
	free(f->function);
	free(f->region);
	free(f->qualifier);
	free(f->message);
	free(f->evidence);
	free(f->account);
	memset(f, 0, sizeof(*f));
}

static int reserve_one(ld_findings *out)
{
	return ld_array_reserve(out->items, out->alloc, out->count + 1);
}

char *ld_findings_evidence(ld_json *obj)
{
	ld_buf b = LD_BUF_INIT_CAP((size_t)1 << 20);
	char *s = NULL;
	if (obj && ld_json_canonical(&b, obj) == 0)
		s = ld_buf_detach(&b);
	ld_buf_dispose(&b);
	ld_json_free(obj);
	return s;
}

int ld_findings_add(ld_findings *out, const ld_finding_id *id, const char *evidence,
		    const char *fmt, ...)
{
	ld_buf msg = LD_BUF_INIT_CAP(4096);
	bool failed = false;
	ld_finding f;
	va_list ap;

	memset(&f, 0, sizeof(f));
	va_start(ap, fmt);
	ld_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (msg.error == LD_ELIMIT) {
		ld_buf_clear(&msg);
		ld_buf_puts(&msg, "(message too long)");
	}
	f.rule = id->rule;
	f.severity = id->severity;
	f.spec_line = id->spec_line;
	failed = ld_dup_or_null(&f.function, id->function) < 0 ||
		 ld_dup_or_null(&f.region, id->region) < 0 ||
		 ld_dup_or_null(&f.qualifier, id->qualifier) < 0 ||
		 ld_dup_or_null(&f.account, id->account) < 0 ||
		 ld_dup_or_null(&f.evidence, evidence) < 0 || !(f.message = ld_buf_detach(&msg));
	ld_buf_dispose(&msg);
	if (failed || reserve_one(out) < 0) {
		finding_dispose(&f);
		return ld_error_oom();
	}
	for (char *p = f.message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	ld_finding_fingerprint(f.fingerprint, id);
	out->items[out->count++] = f;
	return 0;
}

int ld_findings_add_copy(ld_findings *out, const ld_finding *from)
{
	ld_finding f = *from;
	bool failed;

	f.function = f.region = f.qualifier = f.account = f.evidence = f.message = NULL;
	failed = ld_dup_or_null(&f.function, from->function) < 0 ||
		 ld_dup_or_null(&f.region, from->region) < 0 ||
		 ld_dup_or_null(&f.qualifier, from->qualifier) < 0 ||
		 ld_dup_or_null(&f.account, from->account) < 0 ||
		 ld_dup_or_null(&f.evidence, from->evidence) < 0 ||
		 ld_dup_or_null(&f.message, from->message) < 0;
	if (failed || reserve_one(out) < 0) {
		finding_dispose(&f);
		return ld_error_oom();
	}
	out->items[out->count++] = f;
	return 0;
}

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_findings(const void *pa, const void *pb)
{
	const ld_finding *a = pa, *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if ((c = cmp_opt(a->region, b->region)) || (c = cmp_opt(a->function, b->function)) ||
	    (c = cmp_opt(a->rule, b->rule)) || (c = cmp_opt(a->qualifier, b->qualifier)))
		return c;
	/* Last, so the order is total and reports are byte-stable. */
	return strcmp(a->fingerprint, b->fingerprint);
}

static int cmp_unchecked(const void *pa, const void *pb)
{
	const ld_unchecked *a = pa, *b = pb;
	int c;

	if ((c = cmp_opt(a->account, b->account)) || (c = cmp_opt(a->region, b->region)))
		return c;
	return cmp_opt(a->function, b->function);
}

static void unchecked_dispose(ld_unchecked *u)
{
	free(u->account);
	free(u->region);
	free(u->function);
}

/* In the inventory's order, one record per function (its gaps' rules together), so a
 * sharded run's merge says what one unsharded run says. */
static void sort_unchecked(ld_findings *f)
{
	size_t kept = 0;

	if (f->nunchecked > 1)
		qsort(f->unchecked, f->nunchecked, sizeof(*f->unchecked), cmp_unchecked);
	for (size_t i = 0; i < f->nunchecked; i++) {
		if (kept && !cmp_unchecked(&f->unchecked[kept - 1], &f->unchecked[i])) {
			f->unchecked[kept - 1].rules |= f->unchecked[i].rules;
			unchecked_dispose(&f->unchecked[i]);
			continue;
		}
		f->unchecked[kept++] = f->unchecked[i];
	}
	f->nunchecked = kept;
}

void ld_findings_sort(ld_findings *f)
{
	if (f && f->count > 1)
		qsort(f->items, f->count, sizeof(*f->items), cmp_findings);
	if (f)
		sort_unchecked(f);
}

void ld_findings_select(ld_findings *f, const ld_rule_selection *sel)
{
	size_t kept = 0;

	if (!f || !ld_rule_selection_given(sel))
		return;
	for (size_t i = 0; i < f->count; i++) {
		if (!ld_rule_selected(sel, f->items[i].rule)) {
			finding_dispose(&f->items[i]);
			continue;
		}
		if (kept != i)
			f->items[kept] = f->items[i];
		kept++;
	}
	f->count = kept;
}

void ld_findings_dispose(ld_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->count; i++)
		finding_dispose(&f->items[i]);
	free(f->items);
	for (size_t i = 0; i < f->nunchecked; i++)
		unchecked_dispose(&f->unchecked[i]);
	free(f->unchecked);
	memset(f, 0, sizeof(*f));
}
