# verify in every CI format from one run: SARIF validates, results point at the spec line of
# their function in lambdrift.json (uriBaseId REPO) with the ARN as logical location; JUnit
# parses; annotations under GITHUB_ACTIONS carry file= and line=
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
inv="$FIXTURES/inventory/cli-clean.json"
check="$FIXTURES/../tests/tools/validate_reports.py"
GITHUB_ACTIONS=true $LD verify --repo repo --tag v1 --inventory "$inv" --format sarif -o v.sarif \
	--format junit -o v.xml --format json -o v.json >annotations.txt
echo "exit $?"
python3 "$check" sarif v.sarif
python3 "$check" junit v.xml
python3 - <<'PY'
import json
run = json.load(open("v.sarif"))["runs"][0]
print("base:", run.get("originalUriBaseIds", {}).get("REPO", {}).get("description", {}).get("text"))
for r in run["results"]:
    loc = r["locations"][0]
    phys = loc.get("physicalLocation")
    where = "%s:%s (%s)" % (phys["artifactLocation"]["uri"], phys["region"]["startLine"],
                            phys["artifactLocation"]["uriBaseId"]) if phys else "no file"
    print(r["ruleId"], r["level"], loc["logicalLocations"][0]["fullyQualifiedName"], where)
PY
awk -F'::' '{ print $2 }' annotations.txt
