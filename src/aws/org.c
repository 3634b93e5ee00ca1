/*
 * The accounts of an organisation (--accounts org): organizations:ListAccounts over the
 * JSON 1.1 protocol, every page (20 a page, the most the API allows), from the caller's
 * own credentials (the management account or a delegated administrator). Only each
 * account's id and state are kept: names and emails are sensitive in the API model and
 * nothing here needs them. An account's state is its State, the member AWS answers since
 * Status was retired (9 September 2026); an endpoint that still answers only Status is
 * read from that. An answer that names neither, or an id that is not 12 digits, fails the
 * listing: an account of unknown state is never silently scanned or dropped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/session.h"
#include "lambdrift/aws.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/json.h"

#define PAGE_SIZE 20          /* ListAccountsRequest.MaxResults: 1 to 20 */
#define MAX_ORG_ACCOUNTS 100000
/* Pages may come back empty with a NextToken (the API model says so), so the bound is on
 * pages, well past MAX_ORG_ACCOUNTS / PAGE_SIZE. */
#define MAX_PAGES 20000
#define TOKEN_CAP ((size_t)128 * 1024) /* NextToken: at most 100,000 characters */

void ld_org_accounts_free(ld_org_account *accounts)
{
	free(accounts);
}

static bool is_account_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isdigit((unsigned char)s[n]))
			return false;
	return n == 12;
}

/* One Account of a page; `where` names it in messages (its position, never its name). */
static int take_account(ld_org_account **out, size_t *n, const ld_json *a, size_t where)
{
	const char *id = ld_json_get_str(a, "Id");
	const char *state = ld_json_get_str(a, "State");

	if (!state)
		state = ld_json_get_str(a, "Status");
	if (!id || !is_account_id(id))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "ListAccounts answered account %zu "
				     "without a 12-digit Id", where + 1);
	if (!state || !*state || strlen(state) >= sizeof((*out)->state))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "ListAccounts answered account %s "
				     "without a State: its state is unknown, so it is neither "
				     "scanned nor left out", id);
	if (*n >= MAX_ORG_ACCOUNTS)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "the organisation lists more than %d "
				     "accounts", MAX_ORG_ACCOUNTS);
	if (ld_array_grow(*out, *n, 1) < 0)
		return LD_ERROR;
	memcpy((*out)[*n].id, id, 13);
	snprintf((*out)[*n].state, sizeof((*out)[*n].state), "%s", state);
	(*n)++;
	return 0;
}

/* One page's accounts, and its NextToken into `token` (emptied at the last page). */
static int take_page(ld_org_account **out, size_t *n, ld_buf *token, const ld_json *page)
{
	const ld_json *accounts = ld_json_get(page, "Accounts");
	const ld_json *next = ld_json_get(page, "NextToken");
	int error;

	if (!ld_json_is_object(page) || (accounts && !ld_json_is_array(accounts)) ||
	    (next && !ld_json_is_string(next) && !ld_json_is_null(next)))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "ListAccounts answered without an Accounts list");
	for (size_t i = 0; i < ld_json_size(accounts); i++)
		if ((error = take_account(out, n, ld_json_at(accounts, i), *n)) < 0)
			return error;
	ld_buf_clear(token);
	if (ld_json_str(next) && ld_buf_puts(token, ld_json_str(next)) < 0)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "ListAccounts answered a NextToken "
				     "longer than %zu bytes", TOKEN_CAP);
	return 0;
}

static int request_body(ld_buf *body, const ld_buf *token)
{
	ld_buf_clear(body);
	ld_buf_printf(body, "{\"MaxResults\":%d", PAGE_SIZE);
	if (token->size) {
		ld_buf_puts(body, ",\"NextToken\":");
		ld_json_quote(body, token->ptr);
	}
	return ld_buf_putc(body, '}');
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const ld_org_account *)a)->id, ((const ld_org_account *)b)->id);
}

/* The same account twice (a listing that changed under its pages) is kept once. */
static void sort_unique(ld_org_account *a, size_t *n)
{
	size_t kept = 0;

	if (!*n)
		return;
	qsort(a, *n, sizeof(*a), by_id);
	for (size_t i = 1; i < *n; i++)
		if (strcmp(a[i].id, a[kept].id))
			a[++kept] = a[i];
	*n = kept + 1;
}

static int list_pages(ld_org_account **out, size_t *n, ld_aws_client *c)
{
	ld_buf body = LD_BUF_INIT_CAP(TOKEN_CAP * 2), token = LD_BUF_INIT_CAP(TOKEN_CAP),
	       prev = LD_BUF_INIT_CAP(TOKEN_CAP);
	ld_http_response resp;
	ld_json *page = NULL;
	int error = 0;

	ld_http_response_init(&resp);
	for (size_t pages = 0; error == 0; pages++) {
		if (pages >= MAX_PAGES) {
			error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "ListAccounts still had more "
					      "after %d pages", MAX_PAGES);
			break;
		}
		if ((error = request_body(&body, &token)) < 0 ||
		    (error = ld_aws_call(c, &resp, "ListAccounts", "POST", "/", NULL, body.ptr,
					 LD_QUOTA_ORGANIZATIONS)) < 0 ||
		    (error = ld_json_parse(&page, resp.body.ptr, resp.body.size,
					   "ListAccounts")) < 0)
			break;
		ld_buf_clear(&prev);
		ld_buf_put(&prev, token.ptr, token.size);
		error = take_page(out, n, &token, page);
		ld_json_free(page);
		page = NULL;
		ld_http_response_dispose(&resp);
		ld_http_response_init(&resp);
		if (error == 0 && token.size && prev.size == token.size &&
		    !memcmp(prev.ptr, token.ptr, token.size))
			error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "ListAccounts answered the "
					      "NextToken it was given: the listing would not end");
		if (!token.size)
			break;
	}
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&body);
	ld_buf_dispose(&token);
	ld_buf_dispose(&prev);
	return error;
}

/* Organizations is global: one endpoint per partition, signed for the region it is in
 * (botocore's endpoint data: aws-global, aws-cn-global, aws-us-gov-global). */
static const char *org_region(const char *partition)
{
	if (!strcmp(partition, "aws-cn"))
		return "cn-northwest-1";
	if (!strcmp(partition, "aws-us-gov"))
		return "us-gov-west-1";
	return "us-east-1";
}

int ld_aws_org_accounts(ld_org_account **out, size_t *nout, ld_aws_session *s,
			ld_api_calls *calls)
{
	ld_aws_client client;
	int error;

	*out = NULL;
	*nout = 0;
	memset(&client, 0, sizeof(client));
	if ((error = ld_aws_session__org_client(&client, s,
						org_region(ld_aws_session_partition(s)),
						calls)) == 0)
		error = list_pages(out, nout, &client);
	ld_aws_client_dispose(&client);
	if (error == 0 && !*nout)
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "ListAccounts listed no account "
				      "(an organisation has at least its management account)");
	if (error < 0) {
		ld_org_accounts_free(*out);
		*out = NULL;
		*nout = 0;
		return error;
	}
	sort_unique(*out, nout);
	return 0;
}
