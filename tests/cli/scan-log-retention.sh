# --log-retention-min DAYS: log-retention notes groups kept forever (by default only those)
# and, with the option, those kept fewer than DAYS days; the minimum itself is enough. The
# reports record it (JSON run.log_retention_min, SARIF's run properties), shards with
# different minimums are not merged, and a bad value is exit 2 naming the option
inv="$FIXTURES/inventory/iam.json"
for min in "" 14 30 401; do
	echo "--log-retention-min ${min:-(none)}:"
	$LD scan --inventory "$inv" --rule log-retention ${min:+--log-retention-min "$min"} |
		grep 'log-retention  -'
done
$LD scan --inventory "$inv" --rule log-retention --log-retention-min 30 --format json -o a.json
$LD scan --inventory "$inv" --rule log-retention --format json -o b.json
python3 -c 'import json
a, b = (json.load(open(f))["run"] for f in ("a.json", "b.json"))
print("json run.log_retention_min", a.get("log_retention_min"), "without:", b.get("log_retention_min", "absent"))'
$LD scan --inventory "$inv" --rule log-retention --log-retention-min 30 --format sarif |
	python3 -c 'import json, sys; print("sarif logRetentionMin", json.load(sys.stdin)["runs"][0]["properties"].get("logRetentionMin"))'
$LD merge a.json --format json | python3 -c 'import json, sys; print("merged", json.load(sys.stdin)["run"].get("log_retention_min"))'
$LD merge a.json b.json >/dev/null 2>err.txt
echo "merge exit $?: $(sed "s|$(pwd)/||" err.txt)"
for bad in 0 3654 30d ""; do
	$LD verify --inventory "$inv" --log-retention-min "$bad" 2>&1 >/dev/null
	echo "exit $?"
done
