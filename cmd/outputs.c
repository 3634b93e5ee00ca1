/*
 * The report options and the ending shared by scan and verify (cli.h): which formats go
 * where, the baseline, and the one path from findings to written reports and an exit code.
 * Every requested format is rendered from the same findings of the same run, so a SARIF
 * and a JSON report of one invocation always agree and the account is read once. Each file
 * appears atomically (ld_cli_out); at most one report goes to stdout. Under GitHub Actions
 * (GITHUB_ACTIONS=true) a workflow annotation per finding is printed as well: on stdout
 * when no report is written there, else on stderr (the runner reads workflow commands from
 * both), so a report on stdout stays a clean document.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lambdrift/baseline.h>
#include <lambdrift/errors.h>
#include <lambdrift/report.h>

#include "cli.h"

#define HORIZON_MAX_DAYS 36500L

/* ---- pairing --format with --output ---- */

static const char *seq_value(const char *item, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(item, name, n) && item[n] == '=' ? item + n + 1 : NULL;
}

static int add_output(ld_cli_report_plan *p, const char *format, const char *cmd)
{
	ld_cli_output *o;

	if (p->noutputs == LD_CLI_MAX_OUTPUTS) {
		ld_cli_errorf("at most %d --format options; see 'lambdrift %s --help'",
			      LD_CLI_MAX_OUTPUTS, cmd);
		return LD_EXIT_USAGE;
	}
	o = &p->outputs[p->noutputs];
	if (ld_format_parse(&o->format, format) < 0) {
		ld_cli_errorf("--format '%s' is not one of text, json, sarif, junit, markdown, "
			      "github; see 'lambdrift %s --help'", format, cmd);
		return LD_EXIT_USAGE;
	}
	o->path = NULL;
	p->noutputs++;
	return LD_EXIT_OK;
}

/* Several formats: each --output belongs to the --format just before it. */
static int pair_in_order(ld_cli_report_plan *p, const ld_opt_list *seq, const char *cmd)
{
	bool open = false; /* the last --format has no --output yet */
	int rc;

	for (size_t i = 0; i < seq->count; i++) {
		const char *fmt = seq_value(seq->items[i], "format");
		const char *path = seq_value(seq->items[i], "output");
		if (fmt) {
			if ((rc = add_output(p, fmt, cmd)) != LD_EXIT_OK)
				return rc;
			open = true;
		} else if (path && open) {
			p->outputs[p->noutputs - 1].path = path;
			open = false;
		} else if (path) {
			ld_cli_errorf("--output '%s' follows no --format of its own; with several "
				      "formats give each --output right after its --format; see "
				      "'lambdrift %s --help'", path, cmd);
			return LD_EXIT_USAGE;
		}
	}
	return LD_EXIT_OK;
}

static int check_destinations(ld_cli_report_plan *p, const char *cmd)
{
	size_t to_stdout = 0;

	for (size_t i = 0; i < p->noutputs; i++) {
		if (p->outputs[i].path && !strcmp(p->outputs[i].path, "-"))
			p->outputs[i].path = NULL;
		if (ld_cli_out_check(p->outputs[i].path, "--output", cmd) != LD_EXIT_OK)
			return LD_EXIT_USAGE;
		to_stdout += !p->outputs[i].path;
		for (size_t j = 0; p->outputs[i].path && j < i; j++) {
			if (p->outputs[j].path && !strcmp(p->outputs[i].path, p->outputs[j].path)) {
				ld_cli_errorf("--output '%s' is given twice; see 'lambdrift %s --help'",
					      p->outputs[i].path, cmd);
				return LD_EXIT_USAGE;
			}
		}
	}
	if (to_stdout > 1) {
		ld_cli_errorf("%zu formats would go to standard output; give all but one an --output "
			      "FILE; see 'lambdrift %s --help'", to_stdout, cmd);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

static int plan_outputs(ld_cli_report_plan *p, const ld_opt_list *seq, const char *cmd)
{
	const char *fmt = NULL, *path = NULL;
	size_t nformats = 0, npaths = 0;
	int rc;

	for (size_t i = 0; i < seq->count; i++) {
		const char *v;
		if ((v = seq_value(seq->items[i], "format")) != NULL) {
			fmt = v;
			nformats++;
		} else if ((v = seq_value(seq->items[i], "output")) != NULL) {
			path = v;
			npaths++;
		}
	}
	if (nformats <= 1 && npaths <= 1) {
		/* One report: --format and --output pair in either order, as they always did. */
		if ((rc = add_output(p, fmt ? fmt : "text", cmd)) != LD_EXIT_OK)
			return rc;
		p->outputs[0].path = path;
	} else if ((rc = pair_in_order(p, seq, cmd)) != LD_EXIT_OK) {
		return rc;
	}
	return check_destinations(p, cmd);
}

/* ---- destinations, checked before collecting ---- */

int ld_cli_out_check(const char *path, const char *what, const char *cmd)
{
	const char *slash;
	char dir[4096];
	struct stat st;
	size_t len;

	if (!path || !strcmp(path, "-"))
		return LD_EXIT_OK;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			ld_cli_errorf("%s '%s' is a directory; give a file name; see 'lambdrift %s "
				      "--help'", what, path, cmd);
			return LD_EXIT_USAGE;
		}
		if (!S_ISREG(st.st_mode)) { /* a device or FIFO is written directly */
			if (access(path, W_OK) == 0)
				return LD_EXIT_OK;
			ld_cli_errorf("%s '%s' is not writable (%s); see 'lambdrift %s --help'",
				      what, path, strerror(errno), cmd);
			return LD_EXIT_USAGE;
		}
	}
	slash = strrchr(path, '/');
	len = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if (len >= sizeof(dir)) {
		ld_cli_errorf("%s '%s': the path is too long; see 'lambdrift %s --help'", what,
			      path, cmd);
		return LD_EXIT_USAGE;
	}
	memcpy(dir, slash ? path : ".", len);
	dir[len] = '\0';
	/* the report appears by renaming a temp file in that directory: it must be writable */
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		ld_cli_errorf("%s '%s': the directory '%s' does not exist; create it first; see "
			      "'lambdrift %s --help'", what, path, dir, cmd);
		return LD_EXIT_USAGE;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		ld_cli_errorf("%s '%s': the directory '%s' is not writable (%s); see 'lambdrift "
			      "%s --help'", what, path, dir, strerror(errno), cmd);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

/* ---- the plan ---- */

/* --rule/--skip-rule: each pattern must match a rule, so a typo never reports clean. */
static int plan_rules(ld_cli_report_plan *p, const ld_cli_report_args *a, const char *cmd)
{
	int error;

	p->rules.only = (const char *const *)a->rules.items;
	p->rules.nonly = a->rules.count;
	p->rules.skip = (const char *const *)a->skip_rules.items;
	p->rules.nskip = a->skip_rules.count;
	if ((error = ld_rule_selection_check(&p->rules)) < 0) {
		ld_cli_fail_opt(error, cmd, NULL);
		return LD_EXIT_USAGE;
	}
	if (ld_rule_selection_skipped(&p->rules) == ld_rule_count()) {
		ld_cli_errorf("--rule and --skip-rule leave no rule to run; 'lambdrift rules' "
			      "lists them; see 'lambdrift %s --help'", cmd);
		return LD_EXIT_USAGE;
	}
	p->audit.rules = ld_rule_selection_given(&p->rules) ? &p->rules : NULL;
	return LD_EXIT_OK;
}

static bool github_actions(void)
{
	const char *v = getenv("GITHUB_ACTIONS");
	return v && !strcmp(v, "true");
}

int ld_cli_report_plan_init(ld_cli_report_plan *p, const ld_cli_report_args *a,
			    const char *cmd)
{
	ld_audit_opts init = LD_AUDIT_OPTS_INIT;
	int error, rc;

	memset(p, 0, sizeof(*p));
	p->audit = init;
	if ((rc = plan_outputs(p, &a->outputs, cmd)) != LD_EXIT_OK)
		return rc;
	p->annotate = github_actions();
	for (size_t i = 0; i < p->noutputs; i++)
		if (p->outputs[i].format == LD_FORMAT_GITHUB)
			p->annotate = false; /* asked for explicitly: once is enough */
	if (ld_severity_parse(&p->fail_on, a->fail_on) < 0) {
		ld_cli_errorf("--fail-on '%s' is not one of error, warning, note, none; "
			      "see 'lambdrift %s --help'", a->fail_on, cmd);
		return LD_EXIT_USAGE;
	}
	if (ld_cli_parse_count(&p->audit.horizon_days, a->horizon, HORIZON_MAX_DAYS) < 0) {
		ld_cli_errorf("--runtime-horizon '%s' is not a number of days (0 to %ld); "
			      "see 'lambdrift %s --help'", a->horizon, HORIZON_MAX_DAYS, cmd);
		return LD_EXIT_USAGE;
	}
	if (a->log_retention_min &&
	    (ld_cli_parse_count(&p->audit.log_retention_min, a->log_retention_min,
				LD_LOG_RETENTION_MAX_DAYS) < 0 || p->audit.log_retention_min < 1)) {
		ld_cli_errorf("--log-retention-min '%s' is not a number of days (1 to %ld); "
			      "see 'lambdrift %s --help'", a->log_retention_min,
			      LD_LOG_RETENTION_MAX_DAYS, cmd);
		return LD_EXIT_USAGE;
	}
	if (ld_cli_now(&p->audit.now, p->started) != 0)
		return LD_EXIT_USAGE;
	if ((rc = plan_rules(p, a, cmd)) != LD_EXIT_OK)
		return rc;
	error = a->runtime_table ? ld_runtime_table_load(&p->runtimes, a->runtime_table)
				 : ld_runtime_table_default(&p->runtimes);
	if (error < 0)
		return ld_cli_fail_opt(error, cmd, "--runtime-table");
	p->audit.runtimes = &p->runtimes;
	/* A baseline that cannot be read must stop the run before it reads the account. */
	if (a->baseline && (error = ld_baseline_load(&p->baseline, a->baseline)) < 0) {
		ld_cli_fail_opt(error, cmd, "--baseline");
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

void ld_cli_report_plan_dispose(ld_cli_report_plan *p)
{
	if (!p)
		return;
	ld_runtime_table_dispose(&p->runtimes);
	ld_baseline_dispose(&p->baseline);
	p->audit.runtimes = NULL;
}

/* ---- writing ---- */

static bool want_color(const ld_cli_output *o)
{
	const char *no_color = getenv("NO_COLOR");
	return o->format == LD_FORMAT_TEXT && !o->path && (!no_color || !*no_color) &&
	       isatty(STDOUT_FILENO);
}

static int write_one(ld_report *r, const ld_cli_output *o)
{
	ld_cli_out out;
	int error;

	if (ld_cli_out_open(&out, o->path, "--output", "report") < 0)
		return LD_EXIT_USAGE;
	r->color = want_color(o);
	if ((error = ld_report_write(out.fp, r, o->format)) < 0)
		return ld_cli_out_fail(&out, error);
	return ld_cli_out_commit(&out) < 0 ? LD_EXIT_USAGE : LD_EXIT_OK;
}

/* Annotations go where no report does: stdout unless a report is written there. */
static int annotate(ld_report *r, const ld_cli_report_plan *p)
{
	FILE *dest = stdout;
	int error;

	for (size_t i = 0; i < p->noutputs; i++)
		if (!p->outputs[i].path)
			dest = stderr;
	r->color = false;
	if ((error = ld_report_write(dest, r, LD_FORMAT_GITHUB)) < 0) {
		ld_cli_fail(error);
		return LD_EXIT_USAGE;
	}
	return LD_EXIT_OK;
}

static bool fails(const ld_findings *f, ld_severity fail_on)
{
	for (size_t i = 0; fail_on != LD_SEV_NONE && i < f->count; i++)
		if (f->items[i].severity >= fail_on)
			return true;
	return false;
}

static int apply_baseline(ld_baseline_result *res, ld_report *r, ld_findings *findings,
			  const ld_cli_report_plan *p, bool complete, const char *const *globs,
			  size_t nglobs)
{
	const ld_inventory *inv = r->inv;
	ld_baseline_scope scope = { r->command, (const char *const *)inv->regions, inv->nregions,
				    globs, nglobs, complete, p->audit.now,
				    r->checks | (r->nattestations ? LD_CHECKS_ATTESTED : 0),
				    p->audit.rules };
	int error;

	if (!p->baseline.path)
		return LD_EXIT_OK;
	if ((error = ld_baseline_apply(res, findings, &p->baseline, &scope)) < 0)
		return ld_cli_fail(error);
	r->baseline = res;
	return LD_EXIT_OK;
}

int ld_cli_finish(ld_report *r, ld_findings *findings, const ld_cli_report_plan *p,
		  int gathered, const char *const *globs, size_t nglobs)
{
	ld_baseline_result res;
	bool complete = gathered != LD_EXIT_INCOMPLETE && r->inv->complete;
	int rc;

	memset(&res, 0, sizeof(res));
	/* every rule's findings pass here, scan's, verify's, dependencies', attestations' */
	ld_findings_select(findings, p->audit.rules);
	ld_findings_sort(findings);
	r->findings = findings;
	r->rules = p->audit.rules;
	r->log_retention_min = p->audit.log_retention_min;
	r->started = p->started;
	r->runtimes = &p->runtimes;
	r->fail_on = p->fail_on;
	if ((rc = apply_baseline(&res, r, findings, p, complete, globs, nglobs)) != LD_EXIT_OK)
		goto done;
	/* A report not written is exit 2 even when the run is incomplete too: 3 tells a script
	 * that the report is there to read (marked incomplete), and this one is not. */
	for (size_t i = 0; i < p->noutputs; i++)
		if ((rc = write_one(r, &p->outputs[i])) != LD_EXIT_OK)
			goto done;
	if (p->annotate && (rc = annotate(r, p)) != LD_EXIT_OK)
		goto done;
	/* Missing data outranks findings: exit 3 even when the reports are written. */
	if (!complete)
		rc = LD_EXIT_INCOMPLETE;
	else
		rc = fails(findings, p->fail_on) ? LD_EXIT_FINDINGS : LD_EXIT_OK;
done:
	r->baseline = NULL;
	ld_baseline_result_dispose(&res);
	return rc;
}
