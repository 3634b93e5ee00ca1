/*
 * Who may invoke a function (private to the library): its resource policies (one per
 * qualifier that has one: the unqualified function and each alias), its function URLs, and
 * its reserved concurrency, as the collector read them or a snapshot recorded them; and the
 * reading of a policy statement that url-public, policy-public, concurrency-unbounded and
 * trigger-unqualified share with the collector (which asks for a URL's config and the
 * concurrency only where these say they matter). An ld_fn_policy hangs off its function
 * (ld_function.policy), owns every string under it, and is freed with ld_fn_policy_free().
 */
#ifndef LD_INVENTORY_POLICY_H
#define LD_INVENTORY_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "lambdrift/inventory.h"
#include "util/json.h"

typedef struct {
	char *qualifier; /* NULL: the unqualified function; else an alias name */
	char *document;  /* the policy as canonical JSON */
} ld_resource_policy;

typedef struct {
	char *url;
	char *function_arn; /* qualified (an alias) or not */
	char *auth_type;    /* "NONE" or "AWS_IAM" */
	char *cors;         /* the Cors object as canonical JSON, or NULL */
} ld_url_config;

struct ld_fn_policy {
	ld_resource_policy *policies; /* sorted: unqualified first, then by alias name */
	size_t npolicies;
	/* NULL when every policy was read; else why not, naming the missing permission (the
	 * problem line of the inventory says the same): the rules fed by them say nothing */
	char *unchecked;
	bool urls_checked;            /* ListFunctionUrlConfigs was asked (a policy names a URL) */
	ld_url_config *urls;          /* sorted by function_arn */
	size_t nurls;
	bool concurrency_checked;     /* GetFunction read the Concurrency (the function is public) */
	long reserved_concurrency;    /* -1: none reserved */
};
typedef struct ld_fn_policy ld_fn_policy;

/** A new, empty record (nothing read yet). NULL without memory. */
ld_fn_policy *ld_fn_policy_new(void);
/** Free it and everything under it; accepts NULL. */
void ld_fn_policy_free(ld_fn_policy *p);

/** Add a policy document (any JSON text; kept canonical) for `qualifier` (NULL: none).
 *  @return 0, LD_EINVALID when it is not a JSON object, LD_ERROR without memory */
int ld_fn_policy_add(ld_fn_policy *p, const char *qualifier, const char *text, size_t len);
/** Add a URL config (an item of ListFunctionUrlConfigs). @return 0, LD_EINVALID without
 *  FunctionUrl/FunctionArn/AuthType, LD_ERROR without memory */
int ld_fn_policy_add_url(ld_fn_policy *p, const ld_json *item);
/** Sort policies and URLs into their fixed order. */
void ld_fn_policy_sort(ld_fn_policy *p);

/* --- reading statements ---------------------------------------------------------------- */

typedef enum {
	LD_GRANT_NONE = 0,   /* no invoke granted to a principal it could be abused by */
	LD_GRANT_URL_PUBLIC, /* everyone may call the function's URL (url-public's) */
	LD_GRANT_PUBLIC,     /* everyone may invoke (policy-public) */
	LD_GRANT_DEPUTY,     /* a service principal without SourceAccount/SourceArn (policy-public) */
} ld_grant;

/** What an Allow statement grants; `who` receives the principal named ("*", or a service)
 *  as a borrowed string. Deny statements and statements restricted by a condition
 *  (aws:SourceAccount, an exact aws:SourceArn, aws:PrincipalOrgID, ...) grant nothing. */
ld_grant ld_policy_statement_grant(const ld_json *st, const char **who);

/** Whether a statement (Allow or not) names an invoke action: lambda:InvokeFunction
 *  (`url` false) or lambda:InvokeFunctionUrl (`url` true), literally or by a wildcard. */
bool ld_policy_statement_invokes(const ld_json *st, bool url);

/** Whether a statement applies only to calls through a function URL: a condition on
 *  lambda:FunctionUrlAuthType, or Bool lambda:InvokedViaFunctionUrl "true" (the
 *  lambda:InvokeFunction statement AWS pairs with a URL's since October 2025). */
bool ld_policy_statement_for_url(const ld_json *st);

/** Whether a statement's lambda:FunctionUrlAuthType condition (if any) lets through a URL
 *  call of `auth_type` ("NONE", "AWS_IAM"): a statement for NONE does not apply to an
 *  AWS_IAM URL's calls, nor the other way round. */
bool ld_policy_statement_admits_auth(const ld_json *st, const char *auth_type);

/** Whether a Deny statement of the same policy takes away what `st` grants (a Deny of
 *  everyone, without condition, of the same action). */
bool ld_policy_denied(const ld_json *policy, bool url);

/** The statements of a policy document (an array, also when the document has just one
 *  object); NULL when it has none. */
const ld_json *ld_policy_statements(const ld_json *policy);

/** Whether any policy names a URL invoke, or a statement only for URL calls (then the
 *  collector lists the URL configs). */
bool ld_fn_policy_names_url(const ld_fn_policy *p);
/** Whether the function is public as url-public or policy-public read it (then the
 *  collector reads its reserved concurrency). */
bool ld_fn_policy_public(const ld_fn_policy *p);

/** The URL config served under `qualifier` (NULL: the unqualified function), or NULL. */
const ld_url_config *ld_fn_policy_url(const ld_fn_policy *p, const char *qualifier);
/** The qualifier of a function ARN into out ("" when unqualified). */
void ld_policy_arn_qualifier(char *out, size_t len, const char *arn);

/* --- snapshot form ------------------------------------------------------------------- */

/** The "access" member of a function in a snapshot. NULL without memory. */
ld_json *ld_fn_policy_json(const ld_fn_policy *p);
/** Read it back; `where` names the place for messages. @return 0, LD_EINVALID */
int ld_fn_policy_load(ld_fn_policy **out, const ld_json *obj, const char *file,
		      const char *where);

#endif
