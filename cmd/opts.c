/*
 * The option parser and help printer behind cmd/opts.h. Parsing is one pass over argv
 * that looks each option up in the command's table; anything not in the table is a usage
 * error naming the option and the command's help, so a typo never runs a scan.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <lambdrift/attest.h>
#include <lambdrift/audit.h>
#include <lambdrift/date.h>
#include <lambdrift/errors.h>
#include <lambdrift/verify.h>

#include "opts.h"

#define HELP_COLUMN 28
#define MAX_OPTS 64 /* rows in one table; more is a programming error */

/* One parse: the table, the command for messages, and which rows were given (for needs). */
typedef struct {
	const ld_opt *opts;
	const char *cmd;
	bool seen[MAX_OPTS];
	const char *last[MAX_OPTS]; /* the row's last value, for messages (NULL: a flag) */
} parse_ctx;

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

/* ---- value checks (ld_opt_check) ---- */

static bool parse_int(long *out, const char *s, size_t len, long max)
{
	long v = 0;

	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static bool is_choice(const char *const *choices, const char *s, size_t len)
{
	for (; choices && *choices; choices++)
		if (strlen(*choices) == len && !strncmp(*choices, s, len))
			return true;
	return false;
}

/* "a, b or c" into buf. */
static const char *join_choices(char *buf, size_t size, const char *const *choices,
				const char *last_sep)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; choices && choices[i]; i++) {
		const char *sep = !i ? "" : choices[i + 1] ? ", " : last_sep;
		int w = snprintf(buf + n, size - n, "%s%s", sep, choices[i]);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* CLASS=N with a known class and 0.1 <= N <= max. The slowest rate: below one request per
 * 10 s a run stalls for hours without saying why, and 1e-300 made the wait between
 * requests overflow (a run that never ended). */
#define RATE_MIN 0.1
#define RATE_MIN_TEXT "0.1"

static bool rate_ok(const ld_opt_check *c, const char *v)
{
	const char *eq = strchr(v, '=');
	char *end = NULL;
	double n;

	if (!eq || !is_choice(c->choices, v, (size_t)(eq - v)))
		return false;
	if (!((eq[1] >= '0' && eq[1] <= '9') || eq[1] == '.'))
		return false;
	n = strtod(eq + 1, &end);
	return end != eq + 1 && !*end && n >= RATE_MIN && n <= (double)c->max;
}

/* aa-name-1: two letters, one or more dash-separated words, a number (us-gov-west-1). */
static bool region_ok(const char *v)
{
	const char *p = v;
	size_t words = 0, digits = 0;

	if (!strcmp(v, "all"))
		return true;
	if (!(p[0] >= 'a' && p[0] <= 'z' && p[1] >= 'a' && p[1] <= 'z' && p[2] == '-'))
		return false;
	for (p += 3; *p >= 'a' && *p <= 'z';) {
		while (*p >= 'a' && *p <= 'z')
			p++;
		if (*p++ != '-')
			return false;
		words++;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	return words && digits && digits <= 2 && !*p;
}

/* HOST[:PORT] up to the path: a name or IPv4 address (letters, digits, '.', '-', '_') or an
 * IPv6 address in brackets, PORT 1 to 65535. What curl would refuse only when sending (a
 * bracket left open, a port past 65535, credentials before an '@') is a usage error here,
 * before any request, not an incomplete run. */
static bool authority_ok(const char *p)
{
	static const char name[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789.-_";
	size_t n;

	if (*p == '[') {
		n = strspn(p + 1, "0123456789abcdefABCDEF:.");
		if (!n || p[1 + n] != ']')
			return false;
		p += n + 2;
	} else {
		if (!(n = strspn(p, name)))
			return false;
		p += n;
	}
	if (*p == ':') {
		n = strspn(p + 1, "0123456789");
		if (!n || n > 5 || strtol(p + 1, NULL, 10) < 1 || strtol(p + 1, NULL, 10) > 65535)
			return false;
		p += 1 + n;
	}
	return !*p || *p == '/';
}

static bool url_ok(const char *v)
{
	const char *host = !strncmp(v, "https://", 8) ? v + 8 : !strncmp(v, "http://", 7) ? v + 7
											: NULL;
	return host && authority_ok(host) && !strpbrk(v, " \t\r\n");
}

/* Refuse a value that does not fit the row's check, with a message saying what would. */
static int check_value(const ld_opt *o, const char *v, const char *cmd)
{
	const ld_opt_check *c = &o->check;
	char list[160];
	long n;

	switch (c->kind) {
	case LD_VAL_INT:
		if (parse_int(&n, v, strlen(v), c->max) && n >= c->min)
			return 0;
		usage_error(cmd, "--%s '%s' is not a number %s%s%sfrom %ld to %ld", o->name, v,
			    c->unit ? "of " : "", c->unit ? c->unit : "", c->unit ? " " : "",
			    c->min, c->max);
		return LD_OPTS_USAGE;
	case LD_VAL_ENUM:
		if (is_choice(c->choices, v, strlen(v)))
			return 0;
		usage_error(cmd, "--%s '%s' is not one of %s", o->name, v,
			    join_choices(list, sizeof(list), c->choices, ", "));
		return LD_OPTS_USAGE;
	case LD_VAL_RATE:
		if (rate_ok(c, v))
			return 0;
		usage_error(cmd, "--%s '%s' is not CLASS=N with CLASS %s and "
			    RATE_MIN_TEXT " <= N <= %ld "
			    "(default: %s)", o->name, v,
			    join_choices(list, sizeof(list), c->choices, " or "), c->max, c->unit);
		return LD_OPTS_USAGE;
	case LD_VAL_DATE:
		if (ld_date_parse(v, &n))
			return 0;
		usage_error(cmd, "--%s '%s' is not a date (YYYY-MM-DD)", o->name, v);
		return LD_OPTS_USAGE;
	case LD_VAL_URL:
		if (url_ok(v))
			return 0;
		if (strchr(v, '@')) { /* what comes before it may be a password: not repeated */
			usage_error(cmd, "--%s takes no user or password before an '@'; give "
				    "http://HOST[:PORT] or https://HOST[:PORT]", o->name);
			return LD_OPTS_USAGE;
		}
		usage_error(cmd, "--%s '%s' is not a URL; give http://HOST[:PORT] or "
			    "https://HOST[:PORT]", o->name, v);
		return LD_OPTS_USAGE;
	case LD_VAL_REGION:
		if (region_ok(v))
			return 0;
		usage_error(cmd, "--%s '%s' is not a region name like us-east-1 (or \"all\")",
			    o->name, v);
		return LD_OPTS_USAGE;
	case LD_VAL_ALIAS:
		if (ld_verify_alias_name_ok(v))
			return 0;
		usage_error(cmd, "--%s '%s' is not an alias name: 1 to 128 letters, digits, '-' "
			    "or '_', not all digits", o->name, v);
		return LD_OPTS_USAGE;
	case LD_VAL_KEY:
		/* "awskms://alias/x" is a typo of the KMS form, not a file name */
		if (!strncmp(v, "awskms:", 7) && !ld_attest_key_is_kms(v))
			ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "'%.64s' is not a KMS key: give "
				      "awskms:///<key id, key ARN or alias/NAME>", v);
		else if (ld_attest_key_ref_check(v) == 0)
			return 0;
		usage_error(cmd, "--%s: %s", o->name, ld_error_last()->message);
		return LD_OPTS_USAGE;
	default:
		return 0;
	}
}

/* Whether option `name` was given in this parse. */
static bool given(const parse_ctx *ctx, const char *name, size_t len)
{
	for (size_t i = 0; ctx->opts[i].name; i++)
		if (strlen(ctx->opts[i].name) == len && !strncmp(ctx->opts[i].name, name, len))
			return ctx->seen[i];
	return false;
}

/* An option given without the one it applies to would be ignored: refuse it. */
static int check_needs(const parse_ctx *ctx)
{
	for (size_t i = 0; ctx->opts[i].name; i++) {
		const char *needs = ctx->opts[i].check.needs, *p;
		bool ok = false;
		char words[160];
		size_t n = 0;
		if (!needs || !ctx->seen[i])
			continue;
		for (p = needs; !ok && *p;) {
			size_t len = strcspn(p, "|");
			ok = given(ctx, p, len);
			p += len + (p[len] == '|');
		}
		if (ok)
			continue;
		for (p = needs; *p && n < sizeof(words);) {
			size_t len = strcspn(p, "|");
			const char *sep = p == needs ? "" : strchr(p, '|') ? ", " : " or ";
			int w = snprintf(words + n, sizeof(words) - n, "%s--%.*s", sep, (int)len, p);
			if (w < 0)
				break;
			n += (size_t)w;
			p += len + (p[len] == '|');
		}
		if (ctx->last[i])
			usage_error(ctx->cmd, "--%s '%s' applies only with %s", ctx->opts[i].name,
				    ctx->last[i], words);
		else
			usage_error(ctx->cmd, "--%s applies only with %s", ctx->opts[i].name, words);
		return LD_OPTS_USAGE;
	}
	return 0;
}

/* Store one value; the option's spelling as given is used in messages. */
static int store(parse_ctx *ctx, const ld_opt *o, const char *value, const char *spelled)
{
	const char *p = value, *comma, *cmd = ctx->cmd;
	int error;

	/* one value, given twice: taking the last would let a later --fail-on none undo an
	 * earlier --fail-on error without a word */
	if (o->kind == LD_OPT_STRING && ctx->seen[o - ctx->opts]) {
		usage_error(cmd, "--%s given twice ('%s', then '%s'); it takes one value", o->name,
			    ctx->last[o - ctx->opts], value);
		return LD_OPTS_USAGE;
	}
	ctx->seen[o - ctx->opts] = true;
	ctx->last[o - ctx->opts] = o->kind == LD_OPT_FLAG ? NULL : value;
	if (!*value && o->kind != LD_OPT_FLAG) {
		usage_error(cmd, "option '%s' needs a non-empty value", spelled);
		return LD_OPTS_USAGE;
	}
	if (o->kind != LD_OPT_FLAG && o->kind != LD_OPT_CSV_LIST &&
	    (error = check_value(o, value, cmd)) != 0)
		return error;
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
			/* checked as stored: the list owns a terminated copy */
			if ((error = check_value(o, ((ld_opt_list *)o->value)->items[
					((ld_opt_list *)o->value)->count - 1], cmd)) != 0)
				return error;
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
static int parse_long(parse_ctx *ctx, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *name = arg + 2, *eq = strchr(name, '='), *cmd = ctx->cmd;
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const ld_opt *o = find_long(ctx->opts, name, len);

	if (!o) {
		usage_error(cmd, "unknown option '--%.*s'", (int)len, name);
		return LD_OPTS_USAGE;
	}
	if (o->kind == LD_OPT_FLAG) {
		if (eq) {
			usage_error(cmd, "option '--%s' takes no value", o->name);
			return LD_OPTS_USAGE;
		}
		return store(ctx, o, "", arg);
	}
	if (eq)
		return store(ctx, o, eq + 1, arg);
	if (*i + 1 >= argc) {
		usage_error(cmd, "option '--%s' needs a value (%s)", o->name, o->metavar);
		return LD_OPTS_USAGE;
	}
	return store(ctx, o, argv[++*i], arg);
}

/* Handle argv[*i] ("-o", "-oVALUE", "-q"); may consume the next argument. */
static int parse_short(parse_ctx *ctx, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *cmd = ctx->cmd;
	const ld_opt *o = find_short(ctx->opts, arg[1]);

	if (!o) {
		usage_error(cmd, "unknown option '-%c'", arg[1]);
		return LD_OPTS_USAGE;
	}
	if (o->kind == LD_OPT_FLAG) {
		if (arg[2]) {
			usage_error(cmd, "option '-%c' takes no value", arg[1]);
			return LD_OPTS_USAGE;
		}
		return store(ctx, o, "", arg);
	}
	if (arg[2])
		return store(ctx, o, arg + 2, arg);
	if (*i + 1 >= argc) {
		usage_error(cmd, "option '-%c' needs a value (%s)", arg[1], o->metavar);
		return LD_OPTS_USAGE;
	}
	return store(ctx, o, argv[++*i], arg);
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
	parse_ctx ctx;
	size_t rows = 0;
	int error;

	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = opts;
	ctx.cmd = cmd;
	while (opts[rows].name)
		rows++;
	if (rows > MAX_OPTS) {
		usage_error(cmd, "internal error: more than %d options", MAX_OPTS);
		return LD_OPTS_USAGE;
	}
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
			error = parse_long(&ctx, argc, argv, &i);
		else if (arg[0] == '-' && arg[1])
			error = parse_short(&ctx, argc, argv, &i);
		else
			error = positional_arg(positional, arg, cmd);
		if (error)
			return error;
	}
	return check_needs(&ctx);
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

static const ld_opt help_opt = { "help", 'h', LD_OPT_FLAG, NULL, "show this help", NULL,
				  LD_CHECK_NONE };

void ld_opts_help(FILE *out, const ld_cmd_doc *doc, const ld_opt *opts)
{
	if (ld_help_format("man")) {
		ld_opts_man(out, doc, opts);
		return;
	}
	if (ld_help_format("options")) {
		ld_opts_list(out, opts);
		return;
	}
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
