/*
 * Reading a release record back (attest.h): the envelope (dsse.c), its signature against
 * the given key over the PAE, and only then the Statement, checked field by field: the
 * right _type and predicateType, subjects that are ARNs with sha256 digests, and predicate
 * functions that agree with those subjects. Also the code digest both sides compute, and
 * what `lambdrift attestation verify` prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/dsse.h"
#include "attest/key.h"
#include "attest/statement.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/str.h"

#define MAX_FUNCTIONS 10000

int ld_attest__code_hex(char out[65], const char *code_sha256)
{
	uint8_t raw[LD_SHA256_LEN + 3];
	const char *hex;
	int n;

	out[0] = '\0';
	if (!code_sha256)
		return LD_EINVALID;
	hex = !strncmp(code_sha256, "sha256:", 7) ? code_sha256 + 7 : code_sha256;
	if (ld_is_hex64(hex)) {
		memcpy(out, hex, 65);
		return 0;
	}
	if (strlen(code_sha256) != 44 ||
	    (n = ld_base64_decode(raw, sizeof(raw), code_sha256)) != LD_SHA256_LEN)
		return LD_EINVALID;
	ld_hex(out, raw, LD_SHA256_LEN);
	return 0;
}

static int invalid(const char *path, const char *why)
{
	return ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s is not a valid release record: %s",
			     path, why);
}

/* Some signature verifies with the key; its keyid is kept. */
static int check_signature(ld_attestation *a, const ld_dsse *e, const ld_attest_key *key)
{
	ld_buf pae = LD_BUF_INIT_CAP(LD_DSSE_MAX_PAYLOAD + 512);
	int error = LD_EINVALID;

	if (strcmp(e->payload_type, LD_ATTEST_PAYLOAD_TYPE)) {
		ld_buf_dispose(&pae);
		return invalid(a->path, "its payloadType is not " LD_ATTEST_PAYLOAD_TYPE);
	}
	if ((error = ld_dsse_pae(&pae, e->payload_type, e->payload, e->payload_len)) < 0)
		goto done;
	error = LD_EINVALID;
	for (size_t i = 0; i < e->nsigs && error < 0; i++)
		if (ld_attest_key__verify(key, pae.ptr, pae.size, e->sigs[i].sig,
					  e->sigs[i].siglen) == 0) {
			error = 0;
			if (!(a->keyid = strdup(ld_attest_key_id(key))))
				error = ld_error_oom();
		}
	if (error == LD_EINVALID)
		error = ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s: no signature verifies with "
				      "key %.16s (forged, altered or signed by another key)",
				      a->path, ld_attest_key_id(key));
done:
	ld_buf_dispose(&pae);
	return error;
}

static int dup_member(char **out, const ld_json *obj, const char *key, bool required,
		      const char *path)
{
	const ld_json *v = ld_json_get(obj, key);
	char why[96];

	*out = NULL;
	if ((!v || ld_json_is_null(v)) && !required)
		return 0;
	if (!ld_json_is_string(v) || strlen(ld_json_str(v)) > 2048) {
		snprintf(why, sizeof(why), "\"%s\" is missing or not a string", key);
		return invalid(path, why);
	}
	return (*out = strdup(ld_json_str(v))) ? 0 : ld_error_oom();
}

/* The subject named `arn` with the sha256 `hex`. */
static bool has_subject(const ld_json *subjects, const char *arn, const char *hex)
{
	for (const ld_json *s = ld_json_first(subjects); s; s = ld_json_next(s)) {
		const char *d = ld_json_get_str(ld_json_get(s, "digest"), "sha256");
		const char *name = ld_json_get_str(s, "name");
		if (name && d && !strcmp(name, arn) && !strcmp(d, hex))
			return true;
	}
	return false;
}

static int read_function(ld_attested_function *f, const ld_json *o, const ld_json *subjects,
			 const char *path)
{
	int error;

	if ((error = dup_member(&f->name, o, "name", true, path)) < 0 ||
	    (error = dup_member(&f->region, o, "region", true, path)) < 0 ||
	    (error = dup_member(&f->account, o, "account", false, path)) < 0 ||
	    (error = dup_member(&f->arn, o, "arn", true, path)) < 0 ||
	    (error = dup_member(&f->alias, o, "alias", false, path)) < 0 ||
	    (error = dup_member(&f->version, o, "served_version", true, path)) < 0 ||
	    (error = dup_member(&f->code_sha256, o, "code_sha256", true, path)) < 0 ||
	    (error = dup_member(&f->config_digest, o, "config_digest", true, path)) < 0 ||
	    (error = dup_member(&f->result, o, "result", true, path)) < 0)
		return error;
	if (!ld_is_hex64(f->code_sha256) || !ld_is_hex64(f->config_digest) ||
	    !has_subject(subjects, f->arn, f->code_sha256))
		return invalid(path, "a function does not match the statement's subjects");
	return 0;
}

static int read_predicate(ld_attestation *a, const ld_json *pred, const ld_json *subjects)
{
	const ld_json *fns = ld_json_get(pred, "functions"), *complete = ld_json_get(pred, "complete");
	size_t n = 0;
	int error;

	if ((error = dup_member(&a->tag, pred, "tag", true, a->path)) < 0 ||
	    (error = dup_member(&a->commit, pred, "commit", true, a->path)) < 0 ||
	    (error = dup_member(&a->repository, pred, "repository", false, a->path)) < 0 ||
	    (error = dup_member(&a->time, pred, "timeVerified", true, a->path)) < 0 ||
	    (error = dup_member(&a->result, pred, "verificationResult", true, a->path)) < 0)
		return error;
	if (!ld_json_is_bool(complete) || !ld_json_is_array(fns))
		return invalid(a->path, "its predicate lacks \"complete\" or \"functions\"");
	if (ld_json_size(fns) > MAX_FUNCTIONS)
		return invalid(a->path, "it attests more than 10000 functions");
	a->complete = ld_json_is_true(complete);
	if (!(a->functions = calloc(ld_json_size(fns) + 1, sizeof(*a->functions))))
		return ld_error_oom();
	for (const ld_json *o = ld_json_first(fns); o; o = ld_json_next(o)) {
		const ld_json *arn = ld_json_get(o, "arn");
		if (!ld_json_is_object(o))
			return invalid(a->path, "a predicate function is not an object");
		if (!arn || ld_json_is_null(arn))
			continue; /* nothing was served: there is no digest to hold anyone to */
		a->nfunctions = ++n;
		if ((error = read_function(&a->functions[n - 1], o, subjects, a->path)) < 0)
			return error;
	}
	return 0;
}

static int read_statement(ld_attestation *a, const ld_dsse *e)
{
	const ld_json *subjects, *pred;
	ld_json *root = NULL;
	int error;

	if (ld_json_parse(&root, (const char *)e->payload, e->payload_len, a->path) < 0) {
		error = invalid(a->path, "its payload is not JSON");
		goto done;
	}
	subjects = ld_json_get(root, "subject");
	pred = ld_json_get(root, "predicate");
	if (!ld_json_get_str(root, "_type") ||
	    strcmp(ld_json_get_str(root, "_type"), LD_ATTEST_STATEMENT_TYPE))
		error = invalid(a->path, "its payload is not an in-toto Statement v1");
	else if (!ld_json_get_str(root, "predicateType") ||
		 strcmp(ld_json_get_str(root, "predicateType"), LD_ATTEST_PREDICATE_TYPE))
		error = invalid(a->path, "its predicateType is not lambdrift's release verification");
	else if (!ld_json_is_array(subjects) || !ld_json_is_object(pred))
		error = invalid(a->path, "its statement lacks \"subject\" or \"predicate\"");
	else
		error = read_predicate(a, pred, subjects);
done:
	ld_json_free(root);
	return error;
}

int ld_attestation_read(ld_attestation *a, const char *path, ld_attest_key *key)
{
	ld_buf text = LD_BUF_INIT_CAP(LD_DSSE_MAX_ENVELOPE);
	ld_dsse e;
	int error;

	memset(a, 0, sizeof(*a));
	memset(&e, 0, sizeof(e));
	if (!(a->path = strdup(path)))
		return ld_error_oom();
	if ((error = ld_attest__read_file(&text, path, "the release record")) < 0)
		goto done;
	ld_sha256_hex(a->digest, text.ptr, text.size);
	if ((error = ld_dsse_decode(&e, text.ptr, text.size, path)) < 0) {
		/* a bound hit by the file is a malformed record too */
		char msg[sizeof(ld_error_last()->message)];
		snprintf(msg, sizeof(msg), "%s", ld_error_last()->message);
		if (error != LD_ERROR)
			error = ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "%s", msg);
		goto done;
	}
	if ((error = check_signature(a, &e, key)) == 0)
		error = read_statement(a, &e);
done:
	ld_dsse_dispose(&e);
	ld_buf_dispose(&text);
	return error;
}

void ld_attestation_dispose(ld_attestation *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nfunctions; i++) {
		ld_attested_function *f = &a->functions[i];
		free(f->name);
		free(f->region);
		free(f->account);
		free(f->arn);
		free(f->alias);
		free(f->version);
		free(f->code_sha256);
		free(f->config_digest);
		free(f->result);
	}
	free(a->functions);
	free(a->path);
	free(a->keyid);
	free(a->tag);
	free(a->commit);
	free(a->repository);
	free(a->time);
	free(a->result);
	memset(a, 0, sizeof(*a));
}

/* ---- what `lambdrift attestation verify` prints ---- */

static int describe_json(ld_buf *out, const char *path, const ld_attestation *a,
			 const char *reason)
{
	ld_json *root = ld_json_new_object(), *subjects = NULL, *s, *d;
	int error = 0;

	if (!root || ld_json_add_str(root, "schema", "lambdrift/attestation-check/v1") < 0 ||
	    ld_json_add_str(root, "file", path) < 0 || ld_json_add_bool(root, "valid", !!a) < 0)
		error = ld_error_oom();
	else if (!a)
		error = ld_json_add_str(root, "reason", reason);
	else if (ld_json_add_str(root, "keyid", a->keyid) < 0 ||
		 ld_json_add_str(root, "sha256", a->digest) < 0 ||
		 ld_json_add_str(root, "repository", a->repository) < 0 ||
		 ld_json_add_str(root, "tag", a->tag) < 0 ||
		 ld_json_add_str(root, "commit", a->commit) < 0 ||
		 ld_json_add_str(root, "timeVerified", a->time) < 0 ||
		 ld_json_add_str(root, "result", a->result) < 0 ||
		 ld_json_add_bool(root, "complete", a->complete) < 0 ||
		 ld_json_add(root, "subjects", subjects = ld_json_new_array()) < 0)
		error = ld_error_oom();
	for (size_t i = 0; a && error == 0 && i < a->nfunctions; i++) {
		const ld_attested_function *f = &a->functions[i];
		if (ld_json_append(subjects, s = ld_json_new_object()) < 0 ||
		    ld_json_add_str(s, "name", f->arn) < 0 ||
		    ld_json_add(s, "digest", d = ld_json_new_object()) < 0 ||
		    ld_json_add_str(d, "sha256", f->code_sha256) < 0 ||
		    ld_json_add_str(s, "function", f->name) < 0 ||
		    ld_json_add_str(s, "alias", f->alias) < 0 ||
		    ld_json_add_str(s, "config_digest", f->config_digest) < 0 ||
		    ld_json_add_str(s, "result", f->result) < 0)
			error = ld_error_oom();
	}
	if (error == 0 && (error = ld_json_write(out, root, true)) == 0)
		error = ld_buf_putc(out, '\n');
	ld_json_free(root);
	return error;
}

int ld_attestation_describe(ld_buf *out, const char *path, const ld_attestation *a,
			    const char *reason, bool json)
{
	if (json)
		return describe_json(out, path, a, reason);
	if (!a)
		return ld_buf_printf(out, "invalid: %s\n", reason);
	ld_buf_printf(out, "valid: %s is signed by key %s\n", path, a->keyid);
	ld_buf_printf(out, "release %s (commit %s%s%s), verified %s: %s%s\n", a->tag, a->commit,
		      a->repository ? " of " : "", a->repository ? a->repository : "", a->time,
		      a->result, a->complete ? "" : " (the run was incomplete)");
	for (size_t i = 0; i < a->nfunctions; i++) {
		const ld_attested_function *f = &a->functions[i];
		ld_buf_printf(out, "  %s  sha256:%s%s%s  %s\n", f->arn, f->code_sha256,
			      f->alias ? "  alias " : "", f->alias ? f->alias : "", f->result);
	}
	return out->error;
}
