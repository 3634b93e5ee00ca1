# one run, four formats: --format/--output pairs write every report from the same findings
# (one scan); SARIF validates against the 2.1.0 schema, JUnit parses, and the fingerprints
# are the same in JSON, SARIF and JUnit; nothing goes to stdout
inv="$FIXTURES/inventory/cli-basic.json"
check="$FIXTURES/../tests/tools/validate_reports.py"
$LD scan --inventory "$inv" --format json -o r.json --format sarif --output r.sarif \
	--format junit -o r.xml --format=markdown --output=r.md
echo "exit $?"
ls
python3 "$check" sarif r.sarif
python3 "$check" junit r.xml
python3 - <<'PY'
import json, re
j = [f["fingerprint"] for f in json.load(open("r.json"))["findings"]]
s = [r["partialFingerprints"]["lambdrift/v1"] for r in json.load(open("r.sarif"))["runs"][0]["results"]]
x = re.findall(r"^fingerprint: ([0-9a-f]{32})$", open("r.xml").read(), re.M)
print(len(j), "findings; same fingerprints in json, sarif, junit:", j == s and sorted(j) == sorted(x))
PY
cat r.md
