/*
 * The option parser and help printer behind cmd/opts.h. Parsing is one pass over argv
 * that looks each option up in the command's table; anything not in the table is a usage
 * error naming the option and the command's help, so a typo never runs a scan.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

#define HELP_COLUMN 28

static void usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("lambdrift: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'lambdrift %s --help'\n", cmd);
}

static const ld_opt *find_long(const ld_opt *opts, const char *name, size_t len)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, name, len))
			return opts;
	return NULL;
}

static const ld_opt *find_short(const ld_opt *opts, char c)
{
	for (; opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static int list_add(ld_opt_list *l, const char *s, size_t len)
{
	char **items = realloc(l->items, (l->count + 1) * sizeof(*items));
	char *copy;

	if (!items)
		return -1;
	l->items = items;
	if (!(copy = malloc(len + 1)))
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	l->items[l->count++] = copy;
	return 0;
}

/* Store one value; the option's spelling as given is used in messages. */
static int store(const ld_opt *o, const char *value, const char *spelled, const char *cmd)
{
	const char *p = value, *comma;

	if (!*value && o->kind != LD_OPT_FLAG) {
		usage_error(cmd, "option '%s' needs a non-empty value", spelled);
		return LD_OPTS_USAGE;
	}
	switch (o->kind) {
	case LD_OPT_STRING:
		*(const char **)o->value = value;
		return 0;
	case LD_OPT_LIST:
		if (list_add(o->value, value, strlen(value)) < 0)
			goto oom;
		return 0;
	case LD_OPT_SEQ: {
		size_t nlen = strlen(o->name), vlen = strlen(value);
		char *item = malloc(nlen + vlen + 2);
		int failed;
		if (!item)
			goto oom;
		memcpy(item, o->name, nlen);
		item[nlen] = '=';
		memcpy(item + nlen + 1, value, vlen + 1);
		failed = list_add(o->value, item, nlen + vlen + 1);
		free(item);
		if (failed < 0)
			goto oom;
		return 0;
	}
	case LD_OPT_CSV_LIST:
		do {
			size_t len;
			comma = strchr(p, ',');
			len = comma ? (size_t)(comma - p) : strlen(p);
			if (!len) {
				usage_error(cmd, "empty item in '%s %s'", spelled, value);
				return LD_OPTS_USAGE;
			}
			if (list_add(o->value, p, len) < 0)
				goto oom;
			p = comma + 1;
		} while (comma);
		return 0;
	default:
		*(bool *)o->value = true;
		return 0;
	}
oom:
	fputs("lambdrift: out of memory\n", stderr);
	return LD_OPTS_USAGE;
}

/* Handle argv[*i] ("--name", "--name=value"); may consume the next argument. */
static int parse_long(const ld_opt *opts, int argc, char **argv, int *i, const char *cmd)
{
	const char *arg = argv[*i], *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const ld_opt *o = find_long(opts, name, len);

	if (!o) {
		usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
		return LD_OPTS_USAGE;
	}
	if (o->kind == LD_OPT_FLAG) {
		if (eq) {
			usage_error(cmd, "option '--%s' takes no value", o->name);
			return LD_OPTS_USAGE;
		}
		return store(o, "", arg, cmd);
	}
	if (eq)
		return store(o, eq + 1, arg, cmd);
	if (*i + 1 >= argc) {
		usage_error(cmd, "option '--%s' needs a value (%s)", o->name, o->metavar);
		return LD_OPTS_USAGE;
	}
	return store(o, argv[++*i], arg, cmd);
}

/* Handle argv[*i] ("-o", "-oVALUE", "-q"); may consume the next argument. */
static int parse_short(const ld_opt *opts, int argc, char **argv, int *i, const char *cmd)
{
	const char *arg = argv[*i];
	const ld_opt *o = find_short(opts, arg[1]);

	if (!o) {
		usage_error(cmd, "unknown option '-%c'", arg[1]);
		return LD_OPTS_USAGE;
	}
	if (o->kind == LD_OPT_FLAG) {
		if (arg[2]) {
			usage_error(cmd, "option '-%c' takes no value", arg[1]);
			return LD_OPTS_USAGE;
		}
		return store(o, "", arg, cmd);
	}
	if (arg[2])
		return store(o, arg + 2, arg, cmd);
	if (*i + 1 >= argc) {
		usage_error(cmd, "option '-%c' needs a value (%s)", arg[1], o->metavar);
		return LD_OPTS_USAGE;
	}
	return store(o, argv[++*i], arg, cmd);
}

static int positional_arg(ld_opt_list *positional, const char *arg, const char *cmd)
{
	if (!positional) {
		usage_error(cmd, "unexpected argument '%s'", arg);
		return LD_OPTS_USAGE;
	}
	if (list_add(positional, arg, strlen(arg)) < 0) {
		fputs("lambdrift: out of memory\n", stderr);
		return LD_OPTS_USAGE;
	}
	return 0;
}

int ld_opts_parse_args(const ld_opt *opts, int argc, char **argv, const char *cmd,
		       ld_opt_list *positional)
{
	int error;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return LD_OPTS_HELP;
		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++)
				if ((error = positional_arg(positional, argv[i], cmd)) != 0)
					return error;
			break;
		}
		if (!strncmp(arg, "--", 2))
			error = parse_long(opts, argc, argv, &i, cmd);
		else if (arg[0] == '-' && arg[1])
			error = parse_short(opts, argc, argv, &i, cmd);
		else
			error = positional_arg(positional, arg, cmd);
		if (error)
			return error;
	}
	return 0;
}

int ld_opts_parse(const ld_opt *opts, int argc, char **argv, const char *cmd)
{
	return ld_opts_parse_args(opts, argc, argv, cmd, NULL);
}

/* Print help text, indenting every line after the first to the help column. */
static void print_help_text(FILE *out, const char *help)
{
	const char *nl;

	while ((nl = strchr(help, '\n')) != NULL) {
		fprintf(out, "%.*s\n%*s", (int)(nl - help), help, HELP_COLUMN, "");
		help = nl + 1;
	}
	fprintf(out, "%s\n", help);
}

static void print_option(FILE *out, const ld_opt *o)
{
	char left[96];
	int n;

	if (o->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", o->short_name, o->name);
	else
		n = snprintf(left, sizeof(left), "      --%s", o->name);
	if (o->metavar && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->metavar);
	if (strlen(left) + 2 > HELP_COLUMN)
		fprintf(out, "%s\n%*s", left, HELP_COLUMN, "");
	else
		fprintf(out, "%-*s", HELP_COLUMN, left);
	print_help_text(out, o->help);
}

static const ld_opt help_opt = { "help", 'h', LD_OPT_FLAG, NULL, "show this help", NULL };

void ld_opts_help(FILE *out, const ld_cmd_doc *doc, const ld_opt *opts)
{
	fprintf(out, "usage: %s\n\n%s\n\nOPTIONS\n", doc->usage, doc->about);
	for (; opts && opts->name; opts++)
		print_option(out, opts);
	print_option(out, &help_opt);
	if (doc->after)
		fprintf(out, "\n%s", doc->after);
}

void ld_opt_list_dispose(ld_opt_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

void ld_opts_dispose(const ld_opt *opts)
{
	for (; opts && opts->name; opts++)
		if (opts->kind == LD_OPT_LIST || opts->kind == LD_OPT_CSV_LIST ||
		    opts->kind == LD_OPT_SEQ)
			ld_opt_list_dispose(opts->value);
}
