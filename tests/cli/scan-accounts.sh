# a run over two accounts with a note (a region not enabled for one of them): the text
# report on stdout lists the accounts, names each function's account and prints the note;
# Markdown, JUnit and SARIF from the same scan say the same (SARIF validated against the
# 2.1.0 schema, its run properties, notifications and each result's account shown)
inv="$FIXTURES/inventory/cli-accounts.json"
check="$FIXTURES/../tests/tools/validate_reports.py"
$LD scan --inventory "$inv"
echo "exit $?"
$LD scan --inventory "$inv" --format markdown -o r.md --format junit -o r.xml \
	--format sarif -o r.sarif --format json -o r.json
echo "exit $?"
python3 "$check" sarif r.sarif
python3 "$check" junit r.xml
echo "--- markdown"
cat r.md
echo "--- junit (run suite)"
sed -n '/<testsuite name="lambdrift"/,/<\/testsuite>/p' r.xml
echo "--- sarif"
python3 - <<'PY'
import json
run = json.load(open("r.sarif"))["runs"][0]
p = run["properties"]
print("account:", p["account"], "accounts:", p.get("accounts"))
for n in run["invocations"][0]["toolExecutionNotifications"]:
    print("notification:", n["level"], n["message"]["text"])
for r in run["results"]:
    print("result:", r["ruleId"], r["properties"]["function"], r["properties"].get("account"),
          r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
j = json.load(open("r.json"))
print("json accounts:", j["run"]["accounts"], "notes:", j["run"]["notes"])
PY
