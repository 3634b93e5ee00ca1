/*
 * `lambdrift snapshot`: collect the inventory from AWS and write it as JSON
 * ("lambdrift/inventory/v1"), the evidence file that `scan --inventory` analyses offline.
 * An incomplete collection is still written (marked incomplete) and exits 3.
 */
#include <string.h>

#include <lambdrift/buf.h>
#include <lambdrift/errors.h>
#include <lambdrift/inventory.h>

#include "cli.h"

/* A snapshot holds configs of every version; 256 MiB is far beyond any account. */
#define SNAPSHOT_CAP ((size_t)256 * 1024 * 1024)

static const ld_cmd_doc snapshot_doc = {
	"snapshot",
	"lambdrift snapshot -o FILE [options]",
	"Collect the inventory of an account (functions, versions, aliases, event source\n"
	"mappings) and write it to FILE as JSON. Environment variable values are replaced\n"
	"by keyed digests, so the snapshot can be shared.\n"
	"'lambdrift scan --inventory FILE' audits it later without AWS access.",
	"EXIT CODES\n"
	"  0  the snapshot is complete\n"
	"  2  usage error, or the file could not be written (also when incomplete)\n"
	"  3  incomplete: credentials, network or throttling failures; whatever was\n"
	"     collected is still written, marked incomplete\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	LD_CLI_ORG_ENV_DOC
	LD_CLI_SHARD_ENV_DOC
	"\n"
	"EXAMPLE\n"
	"  lambdrift snapshot --region us-east-1 -o inventory.json\n",
};

static int write_snapshot(const ld_inventory *inv, const char *path)
{
	ld_buf doc = LD_BUF_INIT_CAP(SNAPSHOT_CAP);
	ld_cli_out out = { 0 };
	int error, rc = LD_EXIT_USAGE;

	if ((error = ld_inventory_write(&doc, inv)) < 0) {
		rc = ld_cli_fail(error);
		goto done;
	}
	if (ld_cli_out_open(&out, path, "--output", "snapshot") < 0 ||
	    ld_cli_out_write(&out, doc.ptr, doc.size) < 0 || ld_cli_out_commit(&out) < 0)
		goto done;
	rc = LD_EXIT_OK;
done:
	ld_cli_out_abort(&out);
	ld_buf_dispose(&doc);
	return rc;
}

int ld_cmd_snapshot(int argc, char **argv)
{
	ld_cli_aws aws = { .posture = true };
	const char *output = NULL;
	const ld_opt opts[] = {
		{ "output", 'o', LD_OPT_STRING, "FILE",
		  "write the snapshot to FILE, atomically (required;\n\"-\" for stdout)", &output,
		  LD_CHECK_NONE },
		LD_CLI_AWS_OPTS(aws),
		LD_CLI_OPT_ALL_URLS(aws),
		LD_OPT_END
	};
	ld_inventory inv;
	bool collected;
	int rc, wrote;

	ld_inventory_init(&inv);
	if ((rc = ld_opts_parse(opts, argc, argv, "snapshot")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &snapshot_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	if (rc)
		goto done;
	if (!output) {
		ld_cli_errorf("snapshot needs --output FILE; see 'lambdrift snapshot --help'");
		rc = LD_EXIT_USAGE;
		goto done;
	}
	if ((rc = ld_cli_out_check(output, "--output", "snapshot")) != LD_EXIT_OK)
		goto done;
	rc = ld_cli_collect(&inv, &aws, "snapshot", &collected, NULL);
	if (!collected)
		goto done;
	rc = ld_cli_check_functions(&inv, &aws.functions, rc);
	if ((wrote = write_snapshot(&inv, output)) != LD_EXIT_OK)
		rc = wrote;
done:
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
