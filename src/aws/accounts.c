/*
 * The account list of an organisation scan (--accounts "ID,ID" or a file of ids) and the
 * role ARN to assume in each (a template with {account}, or a role name). Only 12-digit
 * ids are accepted, so a typo is a usage error at start rather than an AssumeRole failure
 * per account; a file is read with a size bound. --shard I/N keeps the accounts of one
 * shard of the list.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/aws.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/file.h"

#define MAX_ACCOUNTS_FILE ((size_t)4 * 1024 * 1024)
#define MAX_ACCOUNTS 100000
#define ACCOUNT_LEN 12

void ld_aws_accounts_free(char **ids, size_t nids)
{
	for (size_t i = 0; ids && i < nids; i++)
		free(ids[i]);
	free(ids);
}

static bool is_account(const char *s, size_t len)
{
	if (len != ACCOUNT_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Does the argument look like an inline list (digits, commas, spaces) rather than a path? */
static bool inline_list(const char *arg)
{
	for (const char *p = arg; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ',' && *p != ' ')
			return false;
	return *arg != '\0';
}

static int add_id(char ***ids, size_t *n, const char *s, size_t len)
{

	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*ids)[i], s, len) && !(*ids)[i][len])
			return 0;
	if (*n >= MAX_ACCOUNTS)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "more than %d accounts", MAX_ACCOUNTS);
	if (ld_array_grow(*ids, *n, 1) < 0)
		return LD_ERROR;
	if (!((*ids)[*n] = strndup(s, len)))
		return ld_error_oom();
	(*n)++;
	return 0;
}

static int parse_inline(char ***ids, size_t *n, const char *arg)
{
	const char *p = arg;
	int error;

	for (;;) {
		size_t len;
		while (*p == ' ')
			p++;
		len = strcspn(p, ", ");
		/* "ID,", ",ID" or "ID,,ID": a list cut or pasted wrong, not a shorter list */
		if (!len)
			return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--accounts: empty item in "
					     "'%.200s'; give ID,ID,...", arg);
		if (!is_account(p, len))
			return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
					     "--accounts: '%.*s' is not a 12-digit account id",
					     (int)(len > 40 ? 40 : len), p);
		if ((error = add_id(ids, n, p, len)) < 0)
			return error;
		p += len;
		while (*p == ' ')
			p++;
		if (!*p)
			return 0;
		if (*p == ',')
			p++;
	}
}

static int read_file(ld_buf *out, const char *path)
{
	int error = ld_buf_read_file(out, path, MAX_ACCOUNTS_FILE);
	const char *nul;

	if (error == LD_ELIMIT)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--accounts: '%s' is larger than "
				     "%zu MiB", path, MAX_ACCOUNTS_FILE >> 20);
	if (error < 0 && errno == EISDIR)
		return ld_file_dir_error(path, "a file of account ids (--accounts)", LD_ERR_USAGE);
	if (error == LD_ENOTFOUND || error == LD_EUSAGE)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "--accounts: cannot open '%s': give a file of account ids or "
				     "ID,ID,...", path);
	if (error < 0)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--accounts: cannot read '%s'", path);
	/* the lines are read as C strings: what follows a NUL would go unread */
	if ((nul = memchr(out->ptr, '\0', out->size))) {
		size_t lineno = 1;
		for (const char *p = out->ptr; p < nul; p++)
			lineno += *p == '\n';
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--accounts: '%s' line %zu: contains a "
				     "NUL byte; is this a text file?", path, lineno);
	}
	return 0;
}

/* One id per line; '#' starts a comment; blank lines and surrounding spaces ignored. */
static int parse_file(char ***ids, size_t *n, const char *path)
{
	ld_buf text = LD_BUF_INIT_CAP(MAX_ACCOUNTS_FILE);
	size_t lineno = 0;
	int error;

	if ((error = read_file(&text, path)) < 0)
		goto done;
	for (const char *p = text.ptr; *p;) {
		size_t len = strcspn(p, "\n"), used = strcspn(p, "#\n");
		const char *s = p;
		lineno++;
		while (used && isspace((unsigned char)*s)) {
			s++;
			used--;
		}
		while (used && isspace((unsigned char)s[used - 1]))
			used--;
		if (used && !is_account(s, used)) {
			error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
					      "%s:%zu: '%.*s' is not a 12-digit account id", path,
					      lineno, (int)(used > 40 ? 40 : used), s);
			goto done;
		}
		if (used && (error = add_id(ids, n, s, used)) < 0)
			goto done;
		p += len;
		if (*p)
			p++;
	}
	if (!*n)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "%s: no account ids in the file",
				      path);
done:
	ld_buf_dispose(&text);
	return error;
}

int ld_aws_parse_accounts(char ***ids, size_t *nids, const char *arg)
{
	int error;

	*ids = NULL;
	*nids = 0;
	if (!arg || !*arg)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--accounts needs ID,ID,... or a file");
	error = inline_list(arg) ? parse_inline(ids, nids, arg) : parse_file(ids, nids, arg);
	if (error == 0 && !*nids)
		error = ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "--accounts names no account");
	if (error < 0) {
		ld_aws_accounts_free(*ids, *nids);
		*ids = NULL;
		*nids = 0;
	}
	return error;
}

/* FNV-1a over the account id, then the splitmix64 finalizer so that ids differing in one
 * digit spread over all 64 bits: a fixed, portable function, because every shard of a run
 * (on other machines, with other releases) must agree on it. */
static uint64_t account_key(const char *account)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (const char *p = account; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3u;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9u;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebu;
	return h ^ (h >> 31);
}

/* Lamping and Veach's jump consistent hash: O(log count), and growing count to count + 1
 * moves only the keys that land in the new bucket. */
unsigned ld_aws_account_shard(const char *account, unsigned count)
{
	uint64_t key = account_key(account);
	int64_t b = -1, j = 0;

	assert(count > 0);
	while (j < (int64_t)count) {
		b = j;
		key = key * 2862933555777941757u + 1;
		j = (int64_t)((double)(b + 1) * ((double)(1LL << 31) / (double)((key >> 33) + 1)));
	}
	return (unsigned)b + 1;
}

void ld_aws_accounts_shard(char **ids, size_t *nids, unsigned index, unsigned count)
{
	size_t kept = 0;

	for (size_t i = 0; i < *nids; i++) {
		if (ld_aws_account_shard(ids[i], count) == index)
			ids[kept++] = ids[i];
		else
			free(ids[i]);
	}
	*nids = kept;
}

/* IAM role names: 1-64 of [A-Za-z0-9+=,.@_-], optionally under a path of such segments. */
static bool role_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > 512 || name[0] == '/' || name[n - 1] == '/')
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("+=,.@_-/", *p))
			return false;
	return true;
}

int ld_aws_role_arn(char **out, const char *template_arn, const char *role_name,
		    const char *account, const char *partition)
{
	ld_buf b = LD_BUF_INIT_CAP(2048);
	const char *p, *hit;

	*out = NULL;
	if (role_name) {
		if (!role_name_ok(role_name))
			return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
					     "--role-name '%s' is not an iam role name", role_name);
		ld_buf_printf(&b, "arn:%s:iam::%s:role/%s", partition ? partition : "aws", account,
			      role_name);
	} else {
		if (!template_arn || !strstr(template_arn, "{account}") ||
		    strncmp(template_arn, "arn:", 4) != 0)
			return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
					     "--role-arn-template must be an arn with {account}, "
					     "e.g. 'arn:aws:iam::{account}:role/Audit'");
		for (p = template_arn; (hit = strstr(p, "{account}")); p = hit + 9) {
			ld_buf_put(&b, p, (size_t)(hit - p));
			ld_buf_puts(&b, account);
		}
		ld_buf_puts(&b, p);
	}
	if (!(*out = ld_buf_detach(&b)))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "role arn is too long");
	return 0;
}
