/*
 * Code signing of a function (private to the library): the code signing config attached to
 * it and that config's CodeSigningPolicies.UntrustedArtifactOnDeployment, as the collector
 * read them (ListCodeSigningConfigs + ListFunctionsByCodeSigningConfig per account-region,
 * src/aws/signing.c) or a snapshot recorded them ("code_signing" of a function). Read by
 * code-signing-unenforced and code-signing-missing (src/audit/signing.c). An ld_fn_signing
 * hangs off its function (ld_function.signing), owns its strings, and is freed with
 * ld_fn_signing_free(); NULL there means "not collected" (the rules say nothing).
 */
#ifndef LD_INVENTORY_SIGNING_H
#define LD_INVENTORY_SIGNING_H

#include "lambdrift/inventory.h"
#include "util/json.h"

struct ld_fn_signing {
	char *config_arn; /* the attached config, NULL: none */
	char *untrusted;  /* its UntrustedArtifactOnDeployment ("Warn", "Enforce"); NULL
			     when none is attached */
	/* NULL when the listings were read; else why not, naming the missing permission (the
	 * problem line of the inventory says the same): the rules say nothing then */
	char *unchecked;
};
typedef struct ld_fn_signing ld_fn_signing;

/** A new record: `config_arn` and `untrusted` (NULL: none attached) or `unchecked`
 *  copied. NULL without memory. */
ld_fn_signing *ld_fn_signing_new(const char *config_arn, const char *untrusted,
				 const char *unchecked);
/** Free it; accepts NULL. */
void ld_fn_signing_free(ld_fn_signing *s);

/** The "code_signing" member of a function in a snapshot. NULL without memory. */
ld_json *ld_fn_signing_json(const ld_fn_signing *s);
/** Read it back (absent or null: *out NULL); `where` names the function for messages.
 *  @return 0, LD_EINVALID */
int ld_fn_signing_load(ld_fn_signing **out, const ld_json *obj, const char *file,
		       const char *where);

#endif
