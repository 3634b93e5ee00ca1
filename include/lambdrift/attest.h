/*
 * Release records: what verify proved, signed. A record is a DSSE envelope
 * (payloadType application/vnd.in-toto+json) around an in-toto Statement v1 with one
 * subject per verified function (its ARN qualified with the served version, the sha256 of
 * its deployed code, the alias) and a predicate in the spirit of SLSA's Verification
 * Summary Attestation (verifier, time, repository, tag, commit, spec digest, per function
 * the served version, digests and result, findings by severity, completeness). Keys are a
 * PEM file (ECDSA P-256/SHA-256 or Ed25519) or an AWS KMS key, "awskms:///<key id, ARN or
 * alias>". An ld_attest_key and an ld_attestation own what they hold and are freed with
 * ld_attest_key_free() / ld_attestation_dispose() (NULL or zeroed accepted); key material
 * never reaches a message or an output.
 */
#ifndef LAMBDRIFT_ATTEST_H
#define LAMBDRIFT_ATTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/audit.h"
#include "lambdrift/aws.h"
#include "lambdrift/buf.h"
#include "lambdrift/inventory.h"
#include "lambdrift/verify.h"

#define LD_ATTEST_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define LD_ATTEST_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define LD_ATTEST_PREDICATE_TYPE "https://lambdrift.dev/attestation/release-verification/v1"
#define LD_ATTEST_KMS_PREFIX "awskms:///"

typedef struct ld_attest_key ld_attest_key;

/** Whether `ref` names a KMS key ("awskms:///..."). */
bool ld_attest_key_is_kms(const char *ref);

/**
 * Check the form of a key reference without reading anything: "awskms:///" followed by a
 * key id, key ARN, alias/NAME or alias ARN, or a file path. @return 0 or LD_EUSAGE
 */
int ld_attest_key_ref_check(const char *ref);

/**
 * Open a key. A file is read as PEM: a private key when `sign`, else a public key. A KMS
 * key is read with GetPublicKey through `session` (required then; borrowed, it must outlive
 * the key), its calls counted into `calls` (may be NULL).
 * @return 0; LD_EUSAGE for an unreadable or unsuitable key file, or a KMS key without
 *         `session`; the AWS client's errors for KMS
 */
int ld_attest_key_open(ld_attest_key **out, const char *ref, bool sign,
		       ld_aws_session *session, ld_api_calls *calls);
void ld_attest_key_free(ld_attest_key *k);
/** The key's id (hex sha256 of its public key's DER), as envelopes carry it. */
const char *ld_attest_key_id(const ld_attest_key *k);
/** "ecdsa-p256-sha256" or "ed25519". */
const char *ld_attest_key_algorithm(const ld_attest_key *k);

/* What a verify run gives its release record (all borrowed). */
typedef struct {
	const ld_verify *verify;
	const ld_verify_records *records;
	const ld_inventory *inv;
	const ld_findings *findings;  /* every finding of the run, before any baseline */
	ld_severity fail_on;          /* findings at or above it fail a function */
	bool complete;                /* false: the run is recorded as incomplete, not passed */
	const char *time;             /* RFC 3339 (LAMBDRIFT_NOW pins it) */
} ld_attest_release;

/**
 * Build the Statement for `in` and sign it with `key` into a DSSE envelope (JSON, one
 * line) appended to `envelope`.
 * @return 0; LD_EUSAGE for a public key; the signer's errors (KMS)
 */
int ld_attest_sign_release(ld_buf *envelope, const ld_attest_release *in, ld_attest_key *key);

/* One attested function, read back from a verified record. */
typedef struct {
	char *name;           /* function name */
	char *region;
	char *account;        /* NULL when the record does not know it */
	char *arn;            /* the subject: ARN qualified with the served version */
	char *alias;          /* NULL when the release is served without one */
	char *version;        /* the served version */
	char *code_sha256;    /* hex */
	char *config_digest;  /* hex (ld_version_release_digest) */
	char *result;         /* "passed", "failed" or "unverified" */
} ld_attested_function;

typedef struct {
	char *path;           /* the file, as given */
	char digest[65];      /* sha256 of the file's bytes (hex) */
	char *keyid;          /* the id of the key whose signature verified */
	char *tag, *commit, *repository, *time, *result;  /* repository may be NULL */
	bool complete;
	ld_attested_function *functions; /* the subjects, in record order */
	size_t nfunctions;
} ld_attestation;

/**
 * Read a record from `path` and check it: a well-formed envelope, a signature that verifies
 * with `key`, a well-formed Statement v1 with lambdrift's predicate whose functions match
 * its subjects. Nothing in an unverified payload is parsed beyond the envelope.
 * @return 0; LD_EINVALID with a one-line reason when the record is not valid (unsigned,
 *         forged, malformed); LD_EUSAGE when the file cannot be read; LD_ELIMIT for a file
 *         over the size bound
 */
int ld_attestation_read(ld_attestation *out, const char *path, ld_attest_key *key);
void ld_attestation_dispose(ld_attestation *a);

/** What `lambdrift attestation verify` prints, appended to `out`: for a valid record `a`,
 *  else (a NULL) for the invalid record at `path` with `reason`; text, or JSON
 *  ("lambdrift/attestation-check/v1": valid, reason or keyid, subjects and result). */
int ld_attestation_describe(ld_buf *out, const char *path, const ld_attestation *a,
			    const char *reason, bool json);

/**
 * attestation-drift and attestation-missing for `inv` against the record: each attested
 * function (among those matching `globs`; none = all) must still exist, and its alias (or,
 * without one, the attested version) must serve the attested version with the attested code
 * and configuration digests. An attested function in a region or account the inventory did
 * not cover cannot be checked and marks the inventory incomplete.
 * @return 0, or LD_ERROR without memory
 */
int ld_attest_check(ld_findings *out, ld_inventory *inv, const ld_attestation *a,
		    const char *const *globs, size_t nglobs);

#endif
