/*
 * The detectors behind env-plaintext-secret (envscan.h). Two kinds, tried in this order:
 * known credential formats, anywhere in any variable's value (a PEM private key, an AWS
 * access key id, and its secret key when an id sits in the same environment, GitHub,
 * GitLab, Slack, Stripe secret and npm tokens, a Slack webhook, a signed JWT, a URL with a
 * password); then secret-named variables, whose name ends in a word such as PASSWORD,
 * SECRET, TOKEN or API_KEY, unless the value is a reference (an ARN, an SSM parameter
 * path, a Secrets Manager name, {{resolve:...}}, ${...}), a number, a boolean or empty.
 * Names are judged by their last word so that TOKEN_URL, SECRET_ARN, SECRET_NAME or
 * PASSWORD_MIN_LENGTH, which hold no credential, stay clean; a last word that only says
 * which copy it is (DB_PASSWORD_PROD, API_KEY_2) and a number on the word (PASSWORD1)
 * are looked past. Shapes alone never flag a
 * neutral name: a git SHA or a CodeSha256 in BUILD_ID is not a secret. Values are read in
 * place and never copied, logged or put into an error message.
 */
#include <stdlib.h>
#include <string.h>

#include "inventory/envscan.h"
#include "lambdrift/errors.h"
#include "lambdrift/buf.h"

#define MAX_WORDS 16
#define MAX_WORD 32

static const char *const detectors[] = {
	LD_ENV_CLEAN, "pem-private-key", "aws-access-key-id", "aws-secret-access-key",
	"github-token", "gitlab-token", "slack-token", "slack-webhook", "stripe-secret-key",
	"npm-token", "jwt", "url-password", "secret-name", "unreadable", NULL
};

bool ld_env_verdict_known(const char *verdict)
{
	for (size_t i = 0; verdict && detectors[i]; i++)
		if (!strcmp(detectors[i], verdict))
			return true;
	return false;
}

/* ---------------------------------------------------------------- characters */

static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_upper(c) || is_lower(c) || is_digit(c); }
static bool is_b64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }
static char to_upper(char c) { return is_lower(c) ? (char)(c - 'a' + 'A') : c; }

/* How many characters from p satisfy `ok`. */
static size_t span(const char *p, bool (*ok)(char))
{
	size_t n = 0;
	while (p[n] && ok(p[n]))
		n++;
	return n;
}

static bool alnum_us(char c) { return is_alnum(c) || c == '_'; }
static bool alnum_dash(char c) { return is_alnum(c) || c == '-'; }
static bool upper_digit(char c) { return is_upper(c) || is_digit(c); }

/* A token starts at p: the text before it is not part of a word. */
static bool at_boundary(const char *value, const char *p)
{
	return p == value || !is_alnum(p[-1]);
}

/* Every occurrence of `prefix` at a word boundary followed by at least `min` characters
 * that `ok` accepts. */
static bool prefixed(const char *value, const char *prefix, bool (*ok)(char), size_t min)
{
	size_t plen = strlen(prefix);
	for (const char *p = strstr(value, prefix); p; p = strstr(p + 1, prefix))
		if (at_boundary(value, p) && span(p + plen, ok) >= min)
			return true;
	return false;
}

/* ---------------------------------------------------------------- formats */

static bool pem_private_key(const char *v)
{
	for (const char *p = strstr(v, "-----BEGIN "); p; p = strstr(p + 1, "-----BEGIN ")) {
		const char *end = strstr(p + 11, "-----");
		size_t n = end ? (size_t)(end - p) : 0;
		/* "-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY-----" */
		if (end && n >= 22 && !memcmp(end - 11, "PRIVATE KEY", 11) && !memchr(p, '\n', n))
			return true;
	}
	return false;
}

static bool aws_key_id(const char *v)
{
	static const char *const prefixes[] = { "AKIA", "ASIA", "ABIA", "ACCA" };
	for (size_t i = 0; i < 4; i++)
		for (const char *p = strstr(v, prefixes[i]); p; p = strstr(p + 1, prefixes[i]))
			if (at_boundary(v, p) && span(p + 4, upper_digit) == 16)
				return true;
	return false;
}

/* 40 characters of base64 with upper and lower case and a digit: a hex digest has only
 * one case, so a git SHA never matches. */
static bool aws_secret_shape(const char *v)
{
	bool up = false, low = false, dig = false;
	size_t n = 0;

	for (; v[n]; n++) {
		char c = v[n];
		if (!is_alnum(c) && c != '/' && c != '+')
			return false;
		up |= is_upper(c);
		low |= is_lower(c);
		dig |= is_digit(c);
	}
	return n == 40 && up && low && dig;
}

static bool github_token(const char *v)
{
	static const char *const prefixes[] = { "ghp_", "gho_", "ghu_", "ghs_", "ghr_" };
	for (size_t i = 0; i < 5; i++)
		if (prefixed(v, prefixes[i], is_alnum, 36))
			return true;
	return prefixed(v, "github_pat_", alnum_us, 22);
}

static bool gitlab_token(const char *v)
{
	static const char *const prefixes[] = { "glpat-", "glptt-", "gldt-", "glrt-", "gloas-" };
	for (size_t i = 0; i < 5; i++)
		if (prefixed(v, prefixes[i], is_b64url, 20))
			return true;
	return false;
}

static bool slack_token(const char *v)
{
	static const char *const prefixes[] = { "xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-",
						"xoxr-", "xoxe-", "xapp-" };
	for (size_t i = 0; i < 8; i++)
		if (prefixed(v, prefixes[i], alnum_dash, 10))
			return true;
	return false;
}

static bool stripe_key(const char *v)
{
	/* pk_ keys are publishable by design; only secret and restricted keys count */
	static const char *const prefixes[] = { "sk_live_", "sk_test_", "rk_live_", "rk_test_" };
	for (size_t i = 0; i < 4; i++)
		if (prefixed(v, prefixes[i], is_alnum, 16))
			return true;
	return false;
}

/* header.payload.signature, each base64url, the first two JSON objects ("eyJ" is "{"). */
static bool jwt(const char *v)
{
	for (const char *p = strstr(v, "eyJ"); p; p = strstr(p + 1, "eyJ")) {
		size_t a = span(p, is_b64url), b, c;
		if (!at_boundary(v, p) || a < 10 || p[a] != '.' || strncmp(p + a + 1, "eyJ", 3))
			continue;
		b = span(p + a + 1, is_b64url);
		if (b < 10 || p[a + 1 + b] != '.')
			continue;
		c = span(p + a + 2 + b, is_b64url);
		if (c >= 16)
			return true;
	}
	return false;
}

/* A value wrapped as a template the deployment or the code resolves: ${...}, {{...}}. */
static bool placeholder(const char *v, size_t n)
{
	return (n >= 3 && v[0] == '$' && v[1] == '{') || (n >= 4 && v[0] == '{' && v[1] == '{');
}

/* scheme://user:password@host with a password that is not a placeholder. */
static bool url_password(const char *v)
{
	for (const char *p = strstr(v, "://"); p; p = strstr(p + 3, "://")) {
		const char *s = p, *auth = p + 3, *end, *at = NULL, *colon;
		while (s > v && (is_alnum(s[-1]) || s[-1] == '+' || s[-1] == '.' || s[-1] == '-'))
			s--;
		if (s == p)
			continue; /* no scheme */
		end = auth + strcspn(auth, "/?# \t\r\n");
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		if (!at || !(colon = memchr(auth, ':', (size_t)(at - auth))))
			continue;
		if (colon + 1 < at && !placeholder(colon + 1, (size_t)(at - colon - 1)))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- names */

/* Split a name into upper-case words at '_', '-', '.' and lower-to-upper case changes. */
static size_t name_words(char words[MAX_WORDS][MAX_WORD], const char *name)
{
	size_t n = 0, len = 0;

	for (const char *p = name;; p++) {
		bool sep = !*p || *p == '_' || *p == '-' || *p == '.';
		bool camel = *p && p > name && is_lower(p[-1]) && is_upper(*p);
		if ((sep || camel) && len) {
			words[n][len] = '\0';
			if (++n == MAX_WORDS)
				return n;
			len = 0;
		}
		if (!*p)
			return n;
		if (!sep && len < MAX_WORD - 1)
			words[n][len++] = to_upper(*p);
	}
}

static bool word_in(const char *w, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(w, *set))
			return true;
	return false;
}

/* Words that only say which copy a value is (DB_PASSWORD_PROD, API_KEY_2, TOKEN_OLD): the
 * word before them is the name's last word. */
static bool qualifier(const char *w)
{
	static const char *const words[] = { "PROD", "PRODUCTION", "DEV", "DEVELOPMENT", "STAGING",
					     "STAGE", "STG", "TEST", "QA", "UAT", "LIVE", "SANDBOX",
					     "PRIMARY", "SECONDARY", "OLD", "NEW", "CURRENT",
					     "PREVIOUS", "NEXT", "BACKUP", NULL };
	return word_in(w, words) || (*w && span(w, is_digit) == strlen(w));
}

/* PASSWORD1 or TOKEN2 is PASSWORD or TOKEN numbered */
static void drop_digits(char *w)
{
	size_t len = strlen(w);
	while (len > 1 && is_digit(w[len - 1]))
		w[--len] = '\0';
}

static bool secret_named(const char *name)
{
	static const char *const last[] = { "PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET",
					    "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS",
					    "PRIVATEKEY", "SECRETKEY", NULL };
	static const char *const before_key[] = { "API", "PRIVATE", "SECRET", "ACCESS", "SIGNING",
						  "ENCRYPTION", "MASTER", "CLIENT", "AUTH", "HMAC",
						  "LICENSE", NULL };
	char words[MAX_WORDS][MAX_WORD];
	size_t n = name_words(words, name);

	while (n > 1 && qualifier(words[n - 1]))
		n--;
	if (!n)
		return false;
	drop_digits(words[n - 1]);
	if (word_in(words[n - 1], last))
		return true;
	/* PWD alone is the shell's working directory */
	if (n >= 2 && !strcmp(words[n - 1], "PWD"))
		return true;
	/* Rails' SECRET_KEY_BASE */
	if (n >= 3 && !strcmp(words[n - 1], "BASE") && !strcmp(words[n - 2], "KEY") &&
	    !strcmp(words[n - 3], "SECRET"))
		return true;
	return n >= 2 && !strcmp(words[n - 1], "KEY") && word_in(words[n - 2], before_key);
}

/* ---------------------------------------------------------------- exempt values */

static bool blank(const char *v)
{
	for (; *v; v++)
		if (*v != ' ' && *v != '\t' && *v != '\r' && *v != '\n')
			return false;
	return true;
}

static bool number(const char *v)
{
	size_t i = (*v == '-' || *v == '+') ? 1 : 0, d = span(v + i, is_digit);
	if (!d)
		return false;
	i += d;
	if (v[i] == '.' && (d = span(v + i + 1, is_digit)))
		i += 1 + d;
	return v[i] == '\0';
}

static bool boolean(const char *v)
{
	static const char *const words[] = { "TRUE", "FALSE", "YES", "NO", "ON", "OFF",
					     "ENABLED", "DISABLED", NULL };
	char up[16];
	size_t n = strlen(v);

	if (n >= sizeof(up))
		return false;
	for (size_t i = 0; i <= n; i++)
		up[i] = to_upper(v[i]);
	return word_in(up, words);
}

static bool path_char(char c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '+' || c == '=' || c == '@';
}

/* "/a/b" (an SSM parameter path) or "a/b" (a Secrets Manager name such as prod/db/creds):
 * segments of name characters, no empty one, no spaces. */
static bool parameter_path(const char *v)
{
	size_t segments = 0;
	const char *p = *v == '/' ? v + 1 : v;

	for (;;) {
		size_t n = span(p, path_char);
		if (!n)
			return false;
		segments++;
		p += n;
		if (!*p)
			break;
		if (*p != '/')
			return false;
		p++;
	}
	return *v == '/' || segments >= 2;
}

/* A secret that merely contains a slash: base64 padding or '+' (SSM parameter names allow
 * neither, and Secrets Manager names written by people seldom do), or the shape of an AWS
 * secret access key, which is base64 and so holds a '/' more often than not. Without this,
 * an AWS secret key alone under AWS_SECRET_ACCESS_KEY passed as a Secrets Manager name. */
static bool token_with_slash(const char *v)
{
	return strchr(v, '+') || strchr(v, '=') || aws_secret_shape(v);
}

static bool reference(const char *v)
{
	static const char *const arns[] = { "arn:aws:", "arn:aws-cn:", "arn:aws-us-gov:",
					    "arn:aws-iso:", "arn:aws-iso-b:", NULL };
	for (size_t i = 0; arns[i]; i++)
		if (!strncmp(v, arns[i], strlen(arns[i])))
			return true;
	return !strncmp(v, "{{resolve:", 10) || placeholder(v, strlen(v)) ||
	       (parameter_path(v) && !token_with_slash(v));
}

/* ---------------------------------------------------------------- verdicts */

const char *ld_env_classify(const char *name, const char *value, bool key_id_nearby)
{
	if (!value)
		return LD_ENV_CLEAN;
	if (pem_private_key(value))
		return "pem-private-key";
	if (aws_key_id(value))
		return "aws-access-key-id";
	if (key_id_nearby && aws_secret_shape(value))
		return "aws-secret-access-key";
	if (github_token(value))
		return "github-token";
	if (gitlab_token(value))
		return "gitlab-token";
	if (slack_token(value))
		return "slack-token";
	if (strstr(value, "https://hooks.slack.com/services/T"))
		return "slack-webhook";
	if (stripe_key(value))
		return "stripe-secret-key";
	if (prefixed(value, "npm_", is_alnum, 36))
		return "npm-token";
	if (jwt(value))
		return "jwt";
	if (url_password(value))
		return "url-password";
	if (name && secret_named(name) && !blank(value) && !number(value) && !boolean(value) &&
	    !reference(value))
		return "secret-name";
	return LD_ENV_CLEAN;
}

static int unreadable(char **out, const ld_json *error)
{
	const char *code = ld_json_get_str(error, "ErrorCode");
	ld_json *o = ld_json_new_object();
	ld_buf b = LD_BUF_INIT_CAP(4096);
	int rc;

	/* ErrorCode names the failure (KMSAccessDeniedException, ...); Message is left out */
	rc = !o ? ld_error_oom() : ld_json_add_str(o, LD_ENV_UNREADABLE_KEY, code && *code ? code : "unreadable");
	if (rc == 0 && (rc = ld_json_canonical(&b, o)) == 0 && (rc = b.error) == 0 &&
	    !(*out = ld_buf_detach(&b)))
		rc = ld_error_oom();
	ld_json_free(o);
	ld_buf_dispose(&b);
	return rc;
}

int ld_env_scan(char **out, const ld_json *cfg)
{
	const ld_json *env = ld_json_get(cfg, "Environment");
	const ld_json *vars = ld_json_get(env, "Variables"), *err = ld_json_get(env, "Error");
	ld_buf b = LD_BUF_INIT_CAP((size_t)1 << 20);
	bool key_id = false;
	ld_json *o = NULL;
	int error = 0;

	*out = NULL;
	if (ld_json_is_object(err) && ld_json_get(err, "ErrorCode"))
		return unreadable(out, err);
	if (!ld_json_is_object(vars) || ld_json_size(vars) == 0)
		return 0;
	for (const ld_json *m = ld_json_first(vars); m && !key_id; m = ld_json_next(m))
		key_id = ld_json_is_string(m) && aws_key_id(ld_json_str(m));
	if (!(o = ld_json_new_object()))
		return ld_error_oom();
	for (const ld_json *m = ld_json_first(vars); m && error == 0; m = ld_json_next(m)) {
		const char *v = ld_json_is_string(m) ? ld_json_str(m) : NULL;
		error = ld_json_add_str(o, ld_json_key(m), ld_env_classify(ld_json_key(m), v, key_id));
	}
	if (error == 0 && (error = ld_json_canonical(&b, o)) == 0 && (error = b.error) == 0 &&
	    !(*out = ld_buf_detach(&b)))
		error = ld_error_oom();
	ld_json_free(o);
	ld_buf_dispose(&b);
	return error;
}

bool ld_env_verdicts_flagged(const char *verdicts)
{
	ld_json *root = NULL;
	bool flagged = false;

	if (!verdicts || ld_json_parse(&root, verdicts, strlen(verdicts), "env_verdicts") < 0)
		return false;
	for (const ld_json *m = ld_json_first(root); m && !flagged; m = ld_json_next(m))
		flagged = *ld_json_key(m) && ld_json_is_string(m) && strcmp(ld_json_str(m), LD_ENV_CLEAN);
	ld_json_free(root);
	return flagged;
}
