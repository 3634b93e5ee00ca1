/*
 * `lambdrift package`: write the deterministic zip (package format v1) of one source-mode
 * function of a tag. The bytes depend only on the tag's tree and lambdrift's version, so a
 * package made by the release pipeline and one made later by an auditor are identical, and
 * verifying a deployment made with it is a single CodeSha256 compare. The zip is built in
 * memory and then written atomically (a temp file renamed into place), so a failed run
 * never leaves a partial package behind.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lambdrift/buf.h>
#include <lambdrift/errors.h>
#include <lambdrift/verify.h>

#include "cli.h"

typedef struct {
	const char *repo;
	const char *tag;
	bool allow_ref;
	const char *spec;
	const char *function;
	const char *output;
} package_args;

static const ld_cmd_doc package_doc = {
	"package",
	"lambdrift package --tag TAG --function NAME -o FILE [options]",
	"Write the deterministic package of one function of a tag: the files of its\n"
	"source directory in the tag's tree (minus its exclude globs; lambdrift.json as\n"
	"in verify), as a zip that is byte-for-byte the same on every run and machine:\n"
	"paths sorted, timestamps 1980-01-01, modes 0644, or 0755 for files git records\n"
	"as executable, symlinks kept. Deploy it, and 'lambdrift verify' checks the\n"
	"deployment with one hash compare. Only source-mode functions can be packaged.",
	"EXIT CODES\n"
	"  0  the package was written\n"
	"  2  usage error; the repository, tag or function does not exist; a branch or\n"
	"     other moving ref without --allow-ref; an invalid spec; a function that is\n"
	"     not in source mode; a tree that cannot be packaged; the file could not be\n"
	"     written\n"
	"\n"
	"EXAMPLES\n"
	"  lambdrift package --tag v1.4.2 --function orders-api -o orders-api.zip\n"
	"  aws lambda update-function-code --function-name orders-api \\\n"
	"      --zip-file fileb://orders-api.zip --publish\n",
};

static int check_args(const package_args *a)
{
	const char *missing = !a->tag ? "--tag TAG" : !a->function ? "--function NAME" :
			      !a->output ? "--output FILE" : NULL;

	if (missing) {
		ld_cli_errorf("package needs %s; see 'lambdrift package --help'", missing);
		return LD_EXIT_USAGE;
	}
	if (!strcmp(a->output, "-") && isatty(STDOUT_FILENO)) {
		ld_cli_errorf("refusing to write a zip to a terminal; use -o FILE or redirect "
			      "standard output");
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

static int build(ld_buf *zip, const package_args *a)
{
	ld_verify_opts vo = LD_VERIFY_OPTS_INIT;
	ld_verify *v = NULL;
	int error;

	vo.repo_path = a->repo;
	vo.tag = a->tag;
	vo.allow_ref = a->allow_ref;
	vo.spec_path = a->spec;
	if ((error = ld_verify_prepare(&v, &vo)) == 0)
		error = ld_package_build(zip, v, a->function);
	if (error < 0) {
		/* Whatever went wrong (tag, spec, function, tree), there is no package: the
		 * message says why; nothing here is transient. */
		ld_cli_fail_opt(error, "package", NULL);
		error = LD_EXIT_USAGE;
	}
	ld_verify_free(v);
	return error;
}

static int write_zip(const ld_buf *zip, const char *path)
{
	bool to_stdout = !strcmp(path, "-");
	char sha[LD_PACKAGE_SHA256_LEN + 1];
	ld_cli_out out;

	if (ld_cli_out_open(&out, path, "--output", "package") < 0 ||
	    ld_cli_out_write(&out, zip->ptr, zip->size) < 0 || ld_cli_out_commit(&out) < 0)
		return LD_EXIT_USAGE;
	/* what a release script compares with the CodeSha256 Lambda reports after the upload;
	 * on stderr when the zip itself is on stdout */
	ld_package_sha256(sha, zip);
	fprintf(to_stdout ? stderr : stdout, "wrote %s: %zu bytes, CodeSha256 %s\n",
		to_stdout ? "standard output" : path, zip->size, sha);
	return LD_EXIT_OK;
}

int ld_cmd_package(int argc, char **argv)
{
	package_args a = { .repo = "." };
	const ld_opt opts[] = {
		{ "repo", 0, LD_OPT_STRING, "DIR",
		  "the git repository (work tree or bare; default: .)", &a.repo, LD_CHECK_NONE },
		{ "tag", 0, LD_OPT_STRING, "TAG",
		  "the release: an annotated or lightweight tag\n(required)", &a.tag,
		  LD_CHECK_NONE },
		{ "allow-ref", 0, LD_OPT_FLAG, NULL,
		  "accept a branch, commit id or other ref for --tag", &a.allow_ref,
		  LD_CHECK_NONE },
		{ "spec", 0, LD_OPT_STRING, "FILE",
		  "read the spec from FILE instead of lambdrift.json\nin the tag's tree", &a.spec,
		  LD_CHECK_NONE },
		{ "function", 0, LD_OPT_STRING, "NAME",
		  "the function to package, as named in the spec\n(required)", &a.function,
		  LD_CHECK_NONE },
		{ "output", 'o', LD_OPT_STRING, "FILE",
		  "write the zip to FILE, atomically (required;\n\"-\" for stdout)", &a.output,
		  LD_CHECK_NONE },
		LD_OPT_END
	};
	ld_buf zip = LD_BUF_INIT_CAP(LD_VERIFY_MAX_PACKAGE);
	int rc;

	if ((rc = ld_opts_parse(opts, argc, argv, "package")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &package_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc || (rc = check_args(&a)) ||
	    (rc = ld_cli_out_check(a.output, "--output", "package")) ||
	    (rc = build(&zip, &a)))
		goto done;
	rc = write_zip(&zip, a.output);
done:
	ld_buf_dispose(&zip);
	ld_opts_dispose(opts);
	return rc;
}
