# A snapshot written before lambdrift read IAM, resource policies and code signing (no "iam"
# section, no "access" or "code_signing" record per function; fixtures/inventory/cli-old.json
# is cli-basic.json as it was then): the posture rules that read them say nothing of its functions, problem lines name
# the rules and functions left unchecked, and the run is incomplete (exit 3), never clean.
# Skipped (--skip-rule) or left out (--rule), those rules need none of it: complete again.
# cli-basic.json itself now has them all, collected and clean: scan-text is its complete run.
inv="$FIXTURES/inventory/cli-old.json"
$LD scan --inventory "$inv" --fail-on none
rc=$?
$LD scan --inventory "$inv" --fail-on none --format json |
	python3 -c 'import json, sys
run = json.load(sys.stdin)["run"]
print("json complete:", run["complete"], "problems:", len(run["problems"]))'
# JUnit: a rule left unchecked is an error case of its function, never a pass
$LD scan --inventory "$inv" --fail-on none --format junit -o old.xml
python3 "$FIXTURES/../tests/tools/validate_reports.py" junit old.xml
python3 -c 'import collections, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
unchecked = collections.Counter(c.get("name") for c in root.iter("testcase")
                                if c.find("error") is not None and c.find("error").get("type") == "unchecked")
print("junit errors:", root.get("errors"), "unchecked:", ", ".join("%s %d" % kv for kv in sorted(unchecked.items())))' old.xml
$LD scan --inventory "$inv" --fail-on none --skip-rule 'role-*' --skip-rule 'log*-*' \
	--skip-rule 'url-*' --skip-rule 'policy-*' --skip-rule 'concurrency-*' \
	--skip-rule trigger-unqualified --skip-rule 'code-signing-*' >skipped.txt
echo "skipped: exit $?"
tail -3 skipped.txt
$LD scan --inventory "$inv" --fail-on none --rule 'runtime-*' >/dev/null
echo "--rule runtime-*: exit $?"
$LD scan --inventory "$inv" --fail-on none --rule log-retention | grep -c unchecked
# code signing alone: unchecked per region, not a clean pass of both rules
$LD scan --inventory "$inv" --fail-on none --rule 'code-signing-*' >signing.txt
echo "--rule code-signing-*: exit $?"
grep -c 'code-signing-unenforced and code-signing-missing unchecked' signing.txt
exit $rc
