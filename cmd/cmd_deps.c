/*
 * `lambdrift deps`: which third-party packages run where. Collects the functions like scan
 * does, then reads the dependencies of every served version ($LATEST and what each alias
 * routes to) from its package and its layers (ld_depcheck_scan), and prints one line (or
 * JSON object) per deployed copy, with the advisories that affect it when --osv is given.
 * It lists; it does not judge: findings are scan --deps's job, and the exit code only says
 * whether everything could be read (3 when not).
 */
#include <stdlib.h>
#include <string.h>

#include <lambdrift/deps.h>
#include <lambdrift/errors.h>
#include <lambdrift/inventory.h>
#include <lambdrift/report.h>

#include "cli.h"

typedef struct {
	ld_cli_aws aws;
	ld_cli_deps dep;
	const char *format;
	const char *output;
} deps_args;

static const ld_cmd_doc deps_doc = {
	"deps",
	"lambdrift deps [options]",
	"List the third-party dependencies deployed in Lambda: for every function's\n"
	"served versions ($LATEST and each version an alias routes to), the npm, PyPI,\n"
	"Maven and NuGet packages found in its package and in each layer it attaches,\n"
	"read from the package contents (package.json, *.dist-info/METADATA,\n"
	"pom.properties, *.deps.json) after checking the download against the CodeSha256\n"
	"Lambda reports. With --osv, each line also names the advisories that affect it.\n"
	"Answers \"where do we run lodash 4.17.15?\" across an account.",
	"EXIT CODES\n"
	"  0  every served package and layer was read\n"
	"  2  usage error, an unreadable --osv, or the list could not be written (also\n"
	"     of an incomplete run)\n"
	"  3  incomplete: something could not be collected, downloaded or read; what was\n"
	"     read is still listed, and the problems are named\n"
	"\n"
	"ENVIRONMENT\n"
	LD_CLI_AWS_ENV_DOC
	LD_CLI_ORG_ENV_DOC
	LD_CLI_SHARD_ENV_DOC
	"\n"
	"EXAMPLES\n"
	"  lambdrift deps --region eu-west-1 | grep ' lodash 4.17.15 '\n"
	"  lambdrift deps --function 'orders-*' --format json -o deps.json\n"
	"  lambdrift deps --osv ~/osv/npm --osv ~/osv/PyPI/all.zip\n",
};

static int write_list(const ld_dep_rows *rows, const ld_depcheck *c, const ld_inventory *inv,
		      const deps_args *a)
{
	ld_format format = LD_FORMAT_TEXT;
	ld_report_deps_in in = { rows, NULL, 0, inv, NULL };
	ld_depcheck_layer *layers = NULL;
	char started[32];
	time_t now;
	ld_cli_out out;
	int error;

	memset(&out, 0, sizeof(out));
	if (ld_cli_now(&now, started) != 0)
		return LD_EXIT_USAGE;
	if (a->format && (ld_format_parse(&format, a->format) < 0 ||
			  (format != LD_FORMAT_TEXT && format != LD_FORMAT_JSON))) {
		ld_cli_errorf("deps writes --format text or json, not '%s'", a->format);
		return LD_EXIT_USAGE;
	}
	in.started = started;
	in.nlayers = ld_depcheck_layers(c, NULL, 0);
	if (in.nlayers && !(layers = calloc(in.nlayers, sizeof(*layers)))) {
		ld_cli_errorf("out of memory");
		return LD_EXIT_INCOMPLETE;
	}
	ld_depcheck_layers(c, layers, in.nlayers);
	in.layers = layers;
	if (ld_cli_out_open(&out, a->output, "--output", "dependency list") != 0)
		error = LD_EUSAGE;
	else if ((error = ld_report_deps(out.fp, &in, format)) < 0)
		ld_cli_out_fail(&out, error);
	free(layers);
	/* a list asked for and not written is an output failure (2), even of an incomplete
	 * run: 3 promises the list was written */
	if (error < 0)
		return LD_EXIT_USAGE;
	return ld_cli_out_commit(&out) == 0 ? LD_EXIT_OK : LD_EXIT_USAGE;
}

int ld_cmd_deps(int argc, char **argv)
{
	deps_args a = { .format = NULL };
	const ld_opt opts[] = {
		LD_CLI_AWS_OPTS(a.aws),
		LD_CLI_DEPS_OPTS(a.dep, NULL),
		{ "format", 0, LD_OPT_STRING, "FORMAT", "text or json (default: text)", &a.format,
		  LD_CHECK_ENUM(LD_CHOICES("text", "json")) },
		{ "output", 'o', LD_OPT_STRING, "FILE",
		  "write to FILE, atomically (default: stdout)", &a.output, LD_CHECK_NONE },
		LD_OPT_END
	};
	ld_dep_rows rows = { NULL, 0, 0 };
	ld_inventory inv;
	ld_cli_sessions s = { NULL, NULL, 0, NULL };
	ld_depcheck *c = NULL;
	bool collected;
	int rc, gathered, error;

	ld_inventory_init(&inv);
	if ((rc = ld_opts_parse(opts, argc, argv, "deps")) == LD_OPTS_HELP) {
		ld_opts_help(stdout, &deps_doc, opts);
		rc = LD_EXIT_OK;
		goto done;
	}
	ld_cli_deps_workers(&a.dep, &a.aws);
	if (rc || (rc = ld_cli_out_check(a.output, "--output", "deps")) ||
	    (rc = ld_cli_depcheck(&c, &a.dep, "deps")))
		goto done;
	ld_cli_depcheck_progress(c, &a.aws);
	gathered = ld_cli_collect(&inv, &a.aws, "deps", &collected, &s);
	if (!collected) {
		rc = gathered;
		goto done;
	}
	gathered = ld_cli_check_functions(&inv, &a.aws.functions, gathered);
	if ((error = ld_depcheck_scan(NULL, &rows, &inv, s.sessions,
				      (const char *const *)s.accounts, s.n, c)) < 0) {
		rc = ld_cli_fail(error);
		goto done;
	}
	if ((rc = write_list(&rows, c, &inv, &a)) == LD_EXIT_OK && !inv.complete) {
		ld_cli_errorf("incomplete: %zu problem(s); the list above misses what could not be "
			      "read", inv.nproblems);
		rc = LD_EXIT_INCOMPLETE;
	}
done:
	ld_dep_rows_dispose(&rows);
	ld_depcheck_free(c);
	ld_cli_sessions_dispose(&s);
	ld_inventory_dispose(&inv);
	ld_opts_dispose(opts);
	return rc;
}
