/*
 * The dependency inventory of `lambdrift deps`: which third-party package runs where. JSON
 * ("lambdrift/deps/v1") for tools, and text for a terminal or grep: one line per deployed
 * copy, "ECOSYSTEM NAME VERSION FUNCTION:QUALIFIER PATH", the layer when it came from
 * one, and the advisories that affect it when any were loaded; the JSON also lists each
 * layer read, with its content manifest digest. Both carry whether the run was complete,
 * since a missing package is a dependency nobody can see.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "lambdrift/report.h"
#include "report/report.h"
#include "util/json.h"

#define DEPS_CAP ((size_t)256 << 20)

/* The scan report's run object, so tools read both the same way, plus the function count. */
static int add_run(ld_json *root, const ld_inventory *inv, const char *started)
{
	ld_report r = { 0 };
	ld_json *run;

	r.command = "deps";
	r.started = started;
	r.inv = inv;
	if (ld_report__json_run(root, &r) < 0 || !(run = ld_json_get(root, "run")))
		return LD_ERROR;
	ld_json_remove(run, "runtime_table");
	return ld_json_add_num(run, "functions", (double)inv->nfunctions);
}

static int add_row(ld_json *list, const ld_dep_row *r)
{
	ld_json *o = ld_json_new_object(), *ids;
	int error;

	if ((error = ld_json_append(list, o)) < 0)
		return error;
	if (ld_json_add_str(o, "ecosystem", r->ecosystem) < 0 ||
	    ld_json_add_str(o, "name", r->name) < 0 ||
	    ld_json_add_str(o, "version", r->version) < 0 ||
	    ld_json_add_str(o, "path", r->path) < 0 ||
	    ld_json_add_str(o, "origin", r->origin) < 0 ||
	    ld_json_add_str(o, "function", r->function) < 0 ||
	    ld_json_add_str(o, "region", r->region) < 0 ||
	    ld_json_add_str(o, "account", r->account) < 0 ||
	    ld_json_add_str(o, "qualifier", r->qualifier) < 0)
		return LD_ERROR;
	if (!r->checked)
		return 0;
	if ((error = ld_json_add(o, "advisories", ids = ld_json_new_array())) < 0)
		return error;
	for (size_t i = 0; i < r->nadvisories; i++)
		if ((error = ld_json_append(ids, ld_json_new_string(r->advisories[i]))) < 0)
			return error;
	return 0;
}

static int add_layer(ld_json *list, const ld_depcheck_layer *l)
{
	ld_json *o = ld_json_new_object();
	int error;

	if ((error = ld_json_append(list, o)) < 0)
		return error;
	if (ld_json_add_str(o, "arn", l->arn) < 0 || ld_json_add_str(o, "state", l->state) < 0 ||
	    ld_json_add_str(o, "code_sha256", l->code_sha256) < 0 ||
	    ld_json_add_str(o, "manifest_digest", l->manifest_digest) < 0 ||
	    ld_json_add_num(o, "dependencies", (double)l->dependencies) < 0 ||
	    (l->newest && ld_json_add_num(o, "newest_version", (double)l->newest) < 0))
		return LD_ERROR;
	return 0;
}

static int deps_json(ld_buf *out, const ld_report_deps_in *in)
{
	ld_json *root = ld_json_new_object(), *list = NULL, *layers = NULL;
	int error = 0;

	if (!root)
		return ld_error_oom();
	if (ld_json_add_str(root, "schema", "lambdrift/deps/v1") < 0 ||
	    add_run(root, in->inv, in->started) < 0 ||
	    ld_json_add(root, "dependencies", list = ld_json_new_array()) < 0 ||
	    ld_json_add(root, "layers", layers = ld_json_new_array()) < 0) {
		error = LD_ERROR;
		goto done;
	}
	for (size_t i = 0; i < in->rows->count && error == 0; i++)
		error = add_row(list, &in->rows->items[i]);
	for (size_t i = 0; i < in->nlayers && error == 0; i++)
		error = add_layer(layers, &in->layers[i]);
	if (error == 0)
		error = ld_json_write(out, root, true);
done:
	ld_json_free(root);
	return error;
}

static void text_row(ld_buf *out, const ld_dep_row *r)
{
	ld_buf_printf(out, "%-6s %s %s  %s:%s  %s", r->ecosystem, r->name, r->version, r->function,
		      r->qualifier, r->path);
	if (r->origin && strcmp(r->origin, "function"))
		ld_buf_printf(out, "  (layer %s)", r->origin);
	for (size_t i = 0; i < r->nadvisories; i++)
		ld_buf_printf(out, "%s%s", i ? ", " : "  VULNERABLE: ", r->advisories[i]);
	ld_buf_putc(out, '\n');
}

static int deps_text(ld_buf *out, const ld_dep_rows *rows, const ld_inventory *inv)
{
	size_t vulnerable = 0;

	for (size_t i = 0; i < rows->count; i++) {
		text_row(out, &rows->items[i]);
		vulnerable += rows->items[i].nadvisories > 0;
	}
	ld_buf_printf(out, "%zu %s in %zu %s", rows->count,
		      rows->count == 1 ? "dependency" : "dependencies", inv->nfunctions,
		      inv->nfunctions == 1 ? "function" : "functions");
	if (vulnerable)
		ld_buf_printf(out, ", %zu affected by advisories", vulnerable);
	ld_buf_puts(out, ".\n");
	for (size_t i = 0; i < inv->nnotes; i++)
		ld_buf_printf(out, "note: %s\n", inv->notes[i]);
	if (!inv->complete) {
		ld_buf_puts(out, "INCOMPLETE: some dependencies could not be read:\n");
		for (size_t i = 0; i < inv->nproblems; i++)
			ld_buf_printf(out, "  - %s\n", inv->problems[i]);
	}
	return 0;
}

int ld_report_deps(FILE *out, const ld_report_deps_in *in, ld_format format)
{
	ld_buf doc = LD_BUF_INIT_CAP(DEPS_CAP);
	int error;

	if (format == LD_FORMAT_JSON)
		error = deps_json(&doc, in);
	else
		error = deps_text(&doc, in->rows, in->inv);
	if (error == 0 && doc.error)
		error = ld_error_setc(LD_ELIMIT, LD_ERR_OS, "the dependency list is larger than "
				      "%zu MiB; narrow it with --function", DEPS_CAP >> 20);
	if (error == 0 &&
	    (fwrite(doc.ptr, 1, doc.size, out) != doc.size || fflush(out) != 0 || ferror(out)))
		error = ld_error_set(LD_ERR_OS, "cannot write the dependency list: %s",
				     strerror(errno));
	ld_buf_dispose(&doc);
	return error;
}
