# --rule/--skip-rule (globs over the slugs of 'lambdrift rules'): left-out rules report
# nothing, and every format says they did not run; a pattern matching no rule is exit 2
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --skip-rule 'alias-*' --skip-rule runtime-deprecated
echo "exit $?"
$LD rules | sed 1d | cut -d' ' -f1 >slugs.txt
$LD scan --inventory "$inv" --rule 'latest-*' --format json |
	python3 -c 'import json, sys; d = json.load(sys.stdin); r = d["run"]["rules"]
slugs = set(open("slugs.txt").read().split())
print("json rule", r["rule"], "skip_rule", r["skip_rule"],
      "skipped all but latest-drift:", set(r["skipped"]) == slugs - {"latest-drift"},
      sorted({f["rule"] for f in d["findings"]}))'
$LD scan --inventory "$inv" --skip-rule 'runtime-*' --format sarif |
	python3 -c 'import json, sys; run = json.load(sys.stdin)["runs"][0]
o = run["invocations"][0]["ruleConfigurationOverrides"]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
print("sarif disabled", [(x["descriptor"]["id"], ids[x["descriptor"]["index"]] == x["descriptor"]["id"], x["configuration"]["enabled"]) for x in o])
print("sarif results", sorted({r["ruleId"] for r in run["results"]}), run["properties"]["rules"]["skip_rule"])'
$LD scan --inventory "$inv" --skip-rule 'runtime-*' --format junit >skip.xml
$LD scan --inventory "$inv" --format junit >all.xml
echo "junit cases named runtime-*: $(grep -c 'name="runtime-' skip.xml) (all rules: $(grep -c 'name="runtime-' all.xml))"
grep -o '<property name="\(skip_rule\|rules_skipped\)" value="[^"]*"/>' skip.xml
$LD scan --inventory "$inv" --rule nosuch
echo "exit $?"
$LD scan --inventory "$inv" --rule 'alias-*' --skip-rule 'alias-*'
echo "exit $?"
# shards that ran other rules cannot be merged into one report
$LD scan --inventory "$inv" --skip-rule 'alias-*' --format json -o a.json
$LD scan --inventory "$inv" --format json -o b.json
$LD merge a.json b.json >/dev/null 2>err.txt
echo "merge exit $?: $(sed "s|$(pwd)/||" err.txt)"
$LD merge a.json >/dev/null
$LD merge a.json --format json | python3 -c 'import json, sys; print("merged rules", json.load(sys.stdin)["run"]["rules"]["skip_rule"])'
# a baseline's entries for rules that did not run are not stale: they matched nothing
# because nothing looked
$LD scan --inventory "$inv" --format json -o all.json
$LD baseline create all.json -o base.json 2>/dev/null
$LD scan --inventory "$inv" --skip-rule 'alias-*' --baseline base.json | tail -2
# the posture rules are scan rules: JUnit has their cases (env.json's error fails, its warning
# is below --fail-on), none when
# skipped; a posture entry matching nothing is stale, unless its rule was skipped
env="$FIXTURES/inventory/env.json"
$LD scan --inventory "$env" --format junit >env.xml
$LD scan --inventory "$env" --skip-rule 'env-*' --format junit >env-skip.xml
echo "junit env-* cases: $(grep -c 'name="env-' env.xml), failing: $(grep -c '<failure [^>]*type="env-' env.xml); with --skip-rule 'env-*': $(grep -c 'name="env-' env-skip.xml)"
echo "junit posture cases: $(grep -o 'name="\(role-overprivileged\|logging-denied\|log-retention\|url-public\|policy-public\|concurrency-unbounded\|layer-foreign\)"' env.xml | sort -u | tr '\n' ' ')"
$LD scan --inventory "$env" --format json -o env.json
$LD baseline create env.json -o env-base.json 2>/dev/null
$LD scan --inventory "$inv" --baseline env-base.json | grep -E '^(baseline|  stale)'
for skip in env-default-key 'env-*'; do
	echo "--skip-rule $skip:"
	$LD scan --inventory "$inv" --baseline env-base.json --skip-rule "$skip" |
		grep -E '^(baseline|  stale)'
done
