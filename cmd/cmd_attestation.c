/*
 * `lambdrift attestation verify FILE --key KEY`: is FILE a release record signed by KEY?
 * The envelope is read strictly, its signature checked over DSSE's PAE, and only then the
 * Statement is read and checked (attest.h). Exit 0 when valid, 1 when not (the reason on
 * stderr, or in the JSON), 2 for usage errors and unreadable files, 3 when KMS could not
 * be asked for the public key.
 */
#include <stdio.h>
#include <string.h>

#include <lambdrift/attest.h>
#include <lambdrift/aws.h>
#include <lambdrift/errors.h>

#include "cli.h"

typedef struct {
	const char *key;
	const char *format;
	ld_cli_aws aws;
} attestation_args;

static const ld_cmd_doc attestation_doc = {
	"attestation",
	"lambdrift attestation verify FILE --key KEY [options]",
	"Check a release record written by 'lambdrift verify --attest': the DSSE envelope\n"
	"is well formed, one of its signatures verifies with KEY over the envelope's\n"
	"payload, and the payload is an in-toto Statement v1 with lambdrift's release\n"
	"predicate whose functions agree with its subjects. KEY is a PEM public key file\n"
	"(ECDSA P-256 or Ed25519), or awskms:///<key id, ARN or alias>, whose public key\n"
	"is read with KMS GetPublicKey. The record's subjects and result are printed\n"
	"(--format json for a document). Nothing in the payload is trusted before the\n"
	"signature verifies.",
	"EXIT CODES\n"
	"  0  the record is valid\n"
	"  1  it is not: unsigned, forged or altered, signed by another key, malformed;\n"
	"     the reason is printed\n"
	"  2  usage error; FILE or the key file cannot be read, or is no suitable key\n"
	"  3  KMS could not be asked for the public key (credentials, network)\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	"\n"
	"EXAMPLES\n"
	"  lambdrift attestation verify release.json --key release.pub\n"
	"  lambdrift attestation verify release.json --key awskms:///alias/release \\\n"
	"      --format json\n",
};

static int print(const char *path, const ld_attestation *a, const char *reason, bool json)
{
	ld_buf out = LD_BUF_INIT;
	int rc = LD_EXIT_OK;

	if (ld_attestation_describe(&out, path, a, reason, json) < 0 ||
	    fwrite(out.ptr, 1, out.size, stdout) != out.size || fflush(stdout) != 0) {
		ld_cli_errorf("cannot write the result");
		rc = LD_EXIT_INCOMPLETE;
	}
	ld_buf_dispose(&out);
	return rc;
}

static int check(const char *path, const attestation_args *a)
{
	ld_attestation rec;
	ld_attest_key *key = NULL;
	ld_aws_session *s = NULL;
	bool json = a->format && !strcmp(a->format, "json");
	int error, rc;

	memset(&rec, 0, sizeof(rec));
	if (ld_attest_key_is_kms(a->key) &&
	    (rc = ld_cli_session(&s, &a->aws, "attestation")) != LD_EXIT_OK)
		goto done;
	if ((error = ld_attest_key_open(&key, a->key, false, s, NULL)) < 0) {
		rc = ld_cli_fail_opt(error, "attestation", "--key");
		goto done;
	}
	error = ld_attestation_read(&rec, path, key);
	if (error == LD_EINVALID) {
		char reason[sizeof(ld_error_last()->message)];
		snprintf(reason, sizeof(reason), "%s", ld_error_last()->message);
		if (json)
			print(path, NULL, reason, true);
		ld_cli_errorf("%s", reason);
		rc = LD_EXIT_FINDINGS;
	} else if (error < 0) {
		rc = ld_cli_fail(error);
	} else {
		rc = print(path, &rec, NULL, json);
	}
done:
	ld_attestation_dispose(&rec);
	ld_attest_key_free(key);
	ld_aws_session_free(s);
	return rc;
}

int ld_cmd_attestation(int argc, char **argv)
{
	attestation_args a = { NULL, "text", { 0 } };
	const ld_opt opts[] = {
		{ "key", 0, LD_OPT_STRING, "KEY",
		  "the public key: a PEM file, or awskms:///<key id,\nARN or alias> (required)",
		  &a.key, LD_CHECK_KEY(NULL) },
		{ "format", 0, LD_OPT_STRING, "FORMAT", "text or json (default: text)", &a.format,
		  LD_CHECK_ENUM(LD_CHOICES("text", "json")) },
		LD_CLI_OPT_PROFILE(a.aws),
		{ "region", 0, LD_OPT_CSV_LIST, "REGION",
		  "region of a KMS key given by id or alias (default:\n"
		  "AWS_REGION, AWS_DEFAULT_REGION, the profile)", &a.aws.regions, LD_CHECK_REGION },
		{ "endpoint-url", 0, LD_OPT_STRING, "URL",
		  "KMS endpoint, e.g. a local emulator (default:\n"
		  "AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL)", &a.aws.endpoint_url, LD_CHECK_URL },
		LD_OPT_END
	};
	ld_opt_list args = { NULL, 0 };
	int rc;

	if ((rc = ld_opts_parse_args(opts, argc, argv, "attestation", &args)) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &attestation_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc) {
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if (args.count != 2 || strcmp(args.items[0], "verify") || !a.key) {
		ld_cli_errorf("%s; use 'lambdrift attestation verify FILE --key KEY'; see "
			      "'lambdrift attestation --help'",
			      !args.count ? "attestation needs a subcommand"
			      : strcmp(args.items[0], "verify") ? "unknown attestation subcommand"
			      : args.count < 2 ? "attestation verify needs the record to check"
			      : args.count > 2 ? "attestation verify takes one record"
					       : "attestation verify needs --key KEY");
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if (a.aws.regions.count > 1) {
		ld_cli_errorf("attestation verify takes one --region; see 'lambdrift attestation "
			      "--help'");
		rc = LD_EXIT_USAGE;
		goto done;
	}
	rc = check(args.items[1], &a);
done:
	ld_opt_list_dispose(&args);
	ld_opts_dispose(opts);
	return rc;
}
