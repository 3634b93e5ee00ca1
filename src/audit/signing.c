/*
 * Code signing posture of a function: code-signing-unenforced (the attached config's
 * UntrustedArtifactOnDeployment is Warn, so a package that fails the signature check is
 * deployed anyway, with only a CloudWatch metric and a CloudTrail entry) and
 * code-signing-missing (no config attached, so any package deploys). Container images
 * cannot use code signing (Lambda refuses a config on them), so neither rule reads them.
 * A function whose listings were not read says nothing and is a gap (audit/gaps.h): no
 * record (a snapshot taken before code signing was collected, or with both rules skipped)
 * gets a problem line of its own; an unchecked one is said by the collector's problem line,
 * naming the missing permission, unless that line was lost. Either way the run is
 * incomplete, unless both rules are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "audit/findings.h"
#include "audit/signing.h"
#include "inventory/signing.h"
#include "util/json.h"

static bool is_image(const ld_function *fn)
{
	const ld_version *latest = ld_function_version(fn, "$LATEST");

	return latest && latest->package_type && !strcmp(latest->package_type, "Image");
}

static int unenforced(ld_findings *out, const ld_inventory *inv, const ld_function *fn,
		      const ld_fn_signing *s)
{
	ld_finding_id id = ld_finding_id_of(fn, inv->account, "code-signing-unenforced", NULL,
					    s->config_arn);
	ld_json *ev = ld_json_new_object();
	char *evidence;
	int error;

	if (ev) {
		ld_json_add_str(ev, "code_signing_config", s->config_arn);
		ld_json_add_str(ev, "untrusted_artifact_on_deployment", s->untrusted);
	}
	evidence = ld_findings_evidence(ev);
	error = ld_findings_add(out, &id, evidence,
				"code signing config %s only warns on untrusted code "
				"(UntrustedArtifactOnDeployment %s), so unsigned or foreign-signed "
				"packages still deploy; set it to Enforce", s->config_arn,
				s->untrusted);
	free(evidence);
	return error;
}

static int missing(ld_findings *out, const ld_inventory *inv, const ld_function *fn)
{
	ld_finding_id id = ld_finding_id_of(fn, inv->account, "code-signing-missing", NULL, NULL);

	return ld_findings_add(out, &id, NULL,
			       "no code signing config is attached, so Lambda deploys any "
			       "package, signed or not; attach one that enforces your signing "
			       "profiles (aws lambda put-function-code-signing-config)");
}

#define NO_SIGNING "the inventory holds no code signing records for these functions (a " \
	"snapshot taken by an older lambdrift or with the code signing rules skipped, or their " \
	"collection failed); take a new snapshot or scan AWS"

/* Note why the rules cannot judge the function: no record, or one left unchecked. */
static int signing_gap(ld_gaps *gaps, const ld_inventory *inv, const ld_function *fn,
		       const ld_fn_signing *s)
{
	const char *account = fn->account ? fn->account : inv->account;

	if (!s)
		return ld_gaps_add(gaps, ld_gap_rules_signing, fn, account, true, NO_SIGNING);
	/* the collector's problem line says why, unless it was lost */
	if (ld_gaps_reported(gaps, s->unchecked))
		return 0;
	return ld_gaps_add(gaps, ld_gap_rules_signing, fn, account, true, "%s", s->unchecked);
}

int ld_audit__signing(ld_findings *out, ld_gaps *gaps, const ld_inventory *inv,
		      const ld_function *fn)
{
	const ld_fn_signing *s = fn->signing;

	/* an image cannot carry a config: nothing to judge, whatever was read */
	if (is_image(fn))
		return 0;
	if (!s || s->unchecked)
		return signing_gap(gaps, inv, fn, s);
	if (!s->config_arn)
		return missing(out, inv, fn);
	/* Enforce, or a value this build does not know: only Warn is known to let code in */
	if (s->untrusted && !strcmp(s->untrusted, "Warn"))
		return unenforced(out, inv, fn, s);
	return 0;
}
