/*
 * What every report format says the same way (private to src/report/): a severity's name,
 * the findings per severity, the run's total API calls, and the account and ARN a finding
 * is about. The writers call these; nothing here calls a writer, so the formats and the
 * dispatch in report.c depend on this file and never on each other.
 */
#include <stdio.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "report/formats.h"
#include "report/report.h"

const char *ld_report__sev_name(ld_severity s)
{
	switch (s) {
	case LD_SEV_ERROR: return "error";
	case LD_SEV_WARNING: return "warning";
	case LD_SEV_NOTE: return "note";
	default: return "none";
	}
}

void ld_report__count(ld_report__counts *c, const ld_findings *f)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; f && i < f->count; i++) {
		ld_severity s = f->items[i].severity;
		if (s >= LD_SEV_NOTE && s <= LD_SEV_ERROR)
			c->by_sev[s]++;
	}
}

unsigned long ld_report__total_calls(const ld_api_calls *c)
{
	return c->control + c->get_function + c->sts + c->kms + c->get_policy + c->iam + c->logs +
	       c->organizations;
}

/* The function with exactly this account, region and name, by binary search over the
 * inventory's order (account, region, name), or NULL: a merged estate of 100,000 functions
 * must not be walked once per finding. */
static const ld_function *exact_function(const ld_inventory *inv, const ld_finding *f)
{
	size_t lo = 0, hi = inv->nfunctions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const ld_function *fn = &inv->functions[mid];
		int c = strcmp(fn->account ? fn->account : "", f->account);
		if (!c)
			c = strcmp(fn->region, f->region);
		if (!c)
			c = strcmp(fn->name, f->function);
		if (!c)
			return fn;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The inventory's function a finding is about, in the finding's account when it names
 * one; NULL when there is none or when the name exists in several accounts of the run and
 * the finding does not say which. */
static const ld_function *finding_function(const ld_inventory *inv, const ld_finding *f)
{
	const ld_function *found = NULL;

	if (inv && f->function && f->account && f->region && (found = exact_function(inv, f)))
		return found;
	for (size_t i = 0; inv && f->function && i < inv->nfunctions; i++) {
		const ld_function *fn = &inv->functions[i];
		if (strcmp(fn->name, f->function) || (f->region && strcmp(fn->region, f->region)) ||
		    (f->account && fn->account && strcmp(fn->account, f->account)))
			continue;
		if (found && strcmp(found->account ? found->account : "",
				    fn->account ? fn->account : ""))
			return NULL;
		if (!found)
			found = fn;
	}
	return found;
}

const char *ld_report__finding_account(const ld_report *r, const ld_finding *f)
{
	const ld_inventory *inv = r->inv;
	const ld_function *fn;

	if (f->account)
		return f->account;
	if (!inv)
		return NULL;
	if (!ld_report__several_accounts(inv))
		return inv->account ? inv->account : inv->naccounts ? inv->accounts[0] : NULL;
	return (fn = finding_function(inv, f)) ? fn->account : NULL;
}

void ld_report__finding_arn(char *out, size_t len, const ld_report *r, const ld_finding *f)
{
	const ld_inventory *inv = r->inv;
	const ld_function *fn = finding_function(inv, f);
	const char *account = ld_report__finding_account(r, f);
	int n;

	if (fn && fn->arn)
		n = snprintf(out, len, "%s", fn->arn);
	else if (account && f->region && f->function)
		n = snprintf(out, len, "arn:%s:lambda:%s:%s:function:%s",
			     inv->partition ? inv->partition : "aws", f->region, account,
			     f->function);
	else
		n = snprintf(out, len, "%s", f->function ? f->function : "(account)");
	if (n >= 0 && (size_t)n < len && f->qualifier)
		snprintf(out + n, len - (size_t)n, ":%s", f->qualifier);
}

static int add_patterns(ld_json *obj, const char *key, const char *const *items, size_t n)
{
	ld_json *arr = ld_json_new_array();

	if (ld_json_add(obj, key, arr) < 0)
		return LD_ERROR;
	for (size_t i = 0; i < n; i++)
		if (ld_json_append(arr, ld_json_new_string(items[i])) < 0)
			return LD_ERROR;
	return 0;
}

ld_json *ld_report__rules_json(const ld_rule_selection *sel)
{
	ld_json *o = ld_json_new_object(), *skipped;

	if (!o || add_patterns(o, "rule", sel->only, sel->nonly) < 0 ||
	    add_patterns(o, "skip_rule", sel->skip, sel->nskip) < 0 ||
	    ld_json_add(o, "skipped", skipped = ld_json_new_array()) < 0)
		goto fail;
	for (const ld_rule_info *info = ld_rules; info->slug; info++)
		if (!ld_rule_selected(sel, info->slug) &&
		    ld_json_append(skipped, ld_json_new_string(info->slug)) < 0)
			goto fail;
	return o;
fail:
	ld_json_free(o);
	return NULL;
}
