/*
 * Writing a release record (attest.h): the in-toto Statement v1 built from what verify
 * compared (its public records, the inventory and the findings), then signed into a DSSE
 * envelope. A function passes only when nothing at or above --fail-on was found for it and
 * its code and configuration were compared; the run passes only when it was complete and
 * every function passed, so an incomplete or failing run is never recorded as passed.
 */
#include <stdio.h>
#include <string.h>

#include "attest/dsse.h"
#include "attest/key.h"
#include "attest/statement.h"
#include "inventory/canon.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"

#define VERIFIER_ID "https://lambdrift.dev/verifier"

typedef struct {
	unsigned long by_sev[4];
	bool unverified;           /* code-unverified or config-unverified */
} fn_findings;

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void count_findings(fn_findings *c, const ld_findings *f, const ld_verify_record *rec)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < f->count; i++) {
		const ld_finding *x = &f->items[i];
		if (!same(x->function, rec->name) || (rec->region && x->region &&
						      strcmp(x->region, rec->region)))
			continue;
		if (x->severity >= LD_SEV_NOTE && x->severity <= LD_SEV_ERROR)
			c->by_sev[x->severity]++;
		if (!strcmp(x->rule, "code-unverified") || !strcmp(x->rule, "config-unverified"))
			c->unverified = true;
	}
}

static const char *fn_result(const fn_findings *c, const ld_verify_record *rec,
			     ld_severity fail_on, bool have_digest)
{
	for (int s = LD_SEV_ERROR; fail_on != LD_SEV_NONE && s >= (int)fail_on; s--)
		if (c->by_sev[s])
			return "failed";
	if (!rec->served && !rec->fn)
		return "failed";
	return c->unverified || !rec->served || !have_digest ? "unverified" : "passed";
}

static int add_counts(ld_json *obj, const char *key, const unsigned long by_sev[4])
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_add(obj, key, o)) < 0)
		return error;
	if (ld_json_add_num(o, "error", (double)by_sev[LD_SEV_ERROR]) < 0 ||
	    ld_json_add_num(o, "warning", (double)by_sev[LD_SEV_WARNING]) < 0 ||
	    ld_json_add_num(o, "note", (double)by_sev[LD_SEV_NOTE]) < 0)
		return LD_ERROR;
	return 0;
}

static int add_subject(ld_json *subjects, const char *arn, const char *hex, const char *alias)
{
	ld_json *s = ld_json_new_object(), *d = ld_json_new_object(), *ann = NULL;
	int error;

	if ((error = ld_json_append(subjects, s)) < 0) {
		ld_json_free(d);
		return error;
	}
	if (ld_json_add_str(s, "name", arn) < 0 || ld_json_add(s, "digest", d) < 0 ||
	    ld_json_add_str(d, "sha256", hex) < 0)
		return LD_ERROR;
	if (alias && (ld_json_add(s, "annotations", ann = ld_json_new_object()) < 0 ||
		      ld_json_add_str(ann, "alias", alias) < 0))
		return LD_ERROR;
	return 0;
}

/* One function of the predicate (and its subject when a version was found). */
static int add_function(ld_json *fns, ld_json *subjects, const ld_attest_release *in,
			const ld_verify_record *rec, bool *passed)
{
	char hex[LD_SHA256_HEX_LEN + 1] = "", config[LD_SHA256_HEX_LEN + 1] = "", arn[512];
	const ld_version *v = rec->served;
	ld_json *o = ld_json_new_object();
	fn_findings c;
	const char *result;
	int error;

	if ((error = ld_json_append(fns, o)) < 0)
		return error;
	count_findings(&c, in->findings, rec);
	if (v && ld_attest__code_hex(hex, v->code_sha256) < 0)
		hex[0] = '\0';
	if (v && (error = ld_version_release_digest(config, v)) < 0)
		return error;
	result = fn_result(&c, rec, in->fail_on, hex[0] != '\0');
	*passed = *passed && !strcmp(result, "passed");
	snprintf(arn, sizeof(arn), "%s:%s", rec->fn ? rec->fn->arn : "", v ? v->version : "");
	if (ld_json_add_str(o, "name", rec->name) < 0 ||
	    ld_json_add_str(o, "region", rec->region) < 0 ||
	    ld_json_add_str(o, "account", rec->fn ? rec->fn->account : NULL) < 0 ||
	    ld_json_add_str(o, "arn", v && hex[0] ? arn : NULL) < 0 ||
	    ld_json_add_str(o, "alias", rec->alias) < 0 ||
	    ld_json_add_str(o, "served_version", v ? v->version : NULL) < 0 ||
	    ld_json_add_str(o, "code_sha256", hex[0] ? hex : NULL) < 0 ||
	    ld_json_add_str(o, "config_digest", v ? config : NULL) < 0 ||
	    ld_json_add_str(o, "content_manifest_digest",
			    rec->manifest_digest[0] ? rec->manifest_digest : NULL) < 0 ||
	    ld_json_add_str(o, "result", result) < 0 || add_counts(o, "findings", c.by_sev) < 0)
		return LD_ERROR;
	return v && hex[0] ? add_subject(subjects, arn, hex, rec->alias) : 0;
}

static int add_predicate(ld_json *pred, ld_json *subjects, const ld_attest_release *in)
{
	ld_json *verifier = ld_json_new_object(), *version = ld_json_new_object(), *fns, *spec;
	unsigned long total[4] = { 0, 0, 0, 0 };
	bool passed = in->records->count > 0;
	int error;

	if ((error = ld_json_add(pred, "verifier", verifier)) < 0) {
		ld_json_free(version);
		return error;
	}
	if (ld_json_add_str(verifier, "id", VERIFIER_ID) < 0 ||
	    ld_json_add(verifier, "version", version) < 0 ||
	    ld_json_add_str(version, "lambdrift", LD_VERSION) < 0 ||
	    ld_json_add_str(pred, "timeVerified", in->time) < 0 ||
	    ld_json_add_str(pred, "repository", ld_verify_repository(in->verify)) < 0 ||
	    ld_json_add_str(pred, "tag", ld_verify_tag(in->verify)) < 0 ||
	    ld_json_add_str(pred, "commit", ld_verify_commit(in->verify)) < 0 ||
	    ld_json_add(pred, "spec", spec = ld_json_new_object()) < 0 ||
	    ld_json_add_str(spec, "sha256", ld_verify_spec_digest(in->verify)) < 0 ||
	    ld_json_add(pred, "functions", fns = ld_json_new_array()) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < in->records->count; i++)
		if ((error = add_function(fns, subjects, in, &in->records->items[i], &passed)) < 0)
			return error;
	for (size_t i = 0; i < in->findings->count; i++)
		if (in->findings->items[i].severity <= LD_SEV_ERROR)
			total[in->findings->items[i].severity]++;
	passed = passed && in->complete;
	if (ld_json_add_str(pred, "verificationResult", passed ? "PASSED" : "FAILED") < 0 ||
	    ld_json_add_bool(pred, "complete", in->complete) < 0 ||
	    ld_json_add_strings(pred, "problems", in->inv->problems, in->inv->nproblems) < 0 ||
	    add_counts(pred, "findings", total) < 0)
		return LD_ERROR;
	return 0;
}

static int statement(ld_buf *out, const ld_attest_release *in)
{
	ld_json *root = ld_json_new_object(), *subjects = ld_json_new_array(), *pred;
	int error;

	if (!root || !subjects || ld_json_add_str(root, "_type", LD_ATTEST_STATEMENT_TYPE) < 0 ||
	    ld_json_add(root, "subject", subjects) < 0) {
		ld_json_free(root);
		return ld_error_oom();
	}
	if (ld_json_add_str(root, "predicateType", LD_ATTEST_PREDICATE_TYPE) < 0 ||
	    ld_json_add(root, "predicate", pred = ld_json_new_object()) < 0)
		error = ld_error_oom();
	else if ((error = add_predicate(pred, subjects, in)) == 0)
		error = ld_json_write(out, root, false);
	ld_json_free(root);
	return error;
}

int ld_attest_sign_release(ld_buf *envelope, const ld_attest_release *in, ld_attest_key *key)
{
	ld_buf body = LD_BUF_INIT_CAP(LD_DSSE_MAX_PAYLOAD), pae = LD_BUF_INIT_CAP(LD_DSSE_MAX_PAYLOAD + 512);
	ld_buf sig = LD_BUF_INIT_CAP(LD_DSSE_MAX_SIG);
	int error;

	if ((error = statement(&body, in)) < 0 ||
	    (error = ld_dsse_pae(&pae, LD_ATTEST_PAYLOAD_TYPE, body.ptr, body.size)) < 0 ||
	    (error = ld_attest_key__sign(&sig, key, pae.ptr, pae.size)) < 0)
		goto done;
	error = ld_dsse_encode(envelope, LD_ATTEST_PAYLOAD_TYPE, body.ptr, body.size,
			       ld_attest_key_id(key), (const uint8_t *)sig.ptr, sig.size);
done:
	ld_buf_dispose(&body);
	ld_buf_dispose(&pae);
	ld_buf_dispose(&sig);
	return error;
}
