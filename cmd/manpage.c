/*
 * Man pages and completion data from the option tables that make --help, so the three cannot
 * drift. The build runs `lambdrift CMD --help` with LAMBDRIFT_HELP_FORMAT=man (a roff page:
 * NAME, SYNOPSIS, DESCRIPTION, OPTIONS from the table, then the help's own EXIT CODES,
 * ENVIRONMENT and EXAMPLES sections, verbatim) or =options (one line per option: its names,
 * metavar and choices, which scripts/gen-completion.sh turns into bash and zsh completion).
 * The variable is for the build, not for users.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

bool ld_help_format(const char *want)
{
	const char *f = getenv("LAMBDRIFT_HELP_FORMAT");

	return f && !strcmp(f, want);
}

/* One line of text for roff: backslashes and dashes escaped, a leading control character
 * neutralised. */
static void man_line(FILE *out, const char *s, size_t n)
{
	if (n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
	fputc('\n', out);
}

void ld_man_text(FILE *out, const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		man_line(out, text, n);
		text += n;
		if (*text)
			text++;
	}
}

/* A section title is a line of capitals and spaces, alone. */
static bool is_title(const char *s, size_t n)
{
	if (!n || !isupper((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)s[i]) && s[i] != ' ')
			return false;
	return true;
}

/* The help's trailing sections: each title a .SH, each body verbatim (.nf). */
void ld_man_sections(FILE *out, const char *after)
{
	bool open = false;

	while (after && *after) {
		size_t n = strcspn(after, "\n");
		if (is_title(after, n)) {
			if (open)
				fputs(".fi\n", out);
			fprintf(out, ".SH %.*s\n.nf\n", (int)n, after);
			open = true;
		} else if (n) {
			man_line(out, after, n);
		} else if (open) {
			fputs(".sp\n", out);
		}
		after += n;
		if (*after)
			after++;
	}
	if (open)
		fputs(".fi\n", out);
}

static void man_option(FILE *out, const ld_opt *o)
{
	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	for (const char *p = o->name; *p; p++)
		fputs(*p == '-' ? "\\-" : (char[]){ *p, 0 }, out);
	fputs("\\fR", out);
	if (o->metavar) {
		fputs(" \\fI", out);
		for (const char *p = o->metavar; *p; p++)
			fputs(*p == '-' ? "\\-" : (char[]){ *p, 0 }, out);
		fputs("\\fR", out);
	}
	fputc('\n', out);
	ld_man_text(out, o->help);
}

static const char *man_summary;

void ld_man_summary(const char *summary)
{
	man_summary = summary;
}

void ld_opts_man(FILE *out, const ld_cmd_doc *doc, const ld_opt *opts)
{
	fputs(".TH LAMBDRIFT\\-", out);
	for (const char *p = doc->name; *p; p++)
		fputc(toupper((unsigned char)*p), out);
	fputs(" 1 \"\" \"lambdrift\" \"User Commands\"\n", out);
	fprintf(out, ".SH NAME\nlambdrift\\-%s \\- ", doc->name);
	ld_man_text(out, man_summary ? man_summary : doc->name);
	fputs(".SH SYNOPSIS\n.nf\n", out);
	ld_man_text(out, doc->usage);
	fputs(".fi\n.SH DESCRIPTION\n", out);
	ld_man_text(out, doc->about);
	fputs(".SH OPTIONS\n", out);
	for (; opts && opts->name; opts++)
		man_option(out, opts);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow this help\n", out);
	ld_man_sections(out, doc->after);
	fputs(".SH SEE ALSO\n\\fBlambdrift\\fR(1)\n", out);
}

void ld_opts_list(FILE *out, const ld_opt *opts)
{
	for (; opts && opts->name; opts++) {
		fprintf(out, "--%s", opts->name);
		if (opts->short_name)
			fprintf(out, " -%c", opts->short_name);
		fprintf(out, "\t%s\t", opts->metavar ? opts->metavar : "");
		for (const char *const *c = opts->check.choices;
		     opts->check.kind == LD_VAL_ENUM && c && *c; c++)
			fprintf(out, "%s%s", c == opts->check.choices ? "" : " ", *c);
		fputc('\n', out);
	}
	fputs("--help -h\t\t\n", out);
}
