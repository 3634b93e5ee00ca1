# a nightly scan with a baseline: accepted findings hidden and counted, shown again from
# their expiry date, entries that match nothing listed as stale, a new finding reported;
# fingerprints survive a re-run and a change of format
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --format json -o r.json
$LD baseline create r.json -o base.json --reason "accepted in review OPS-7" --expires 2026-12-01
echo "exit $?"
python3 -c 'import json; b = json.load(open("base.json")); print(b["schema"], b["created"], len(b["entries"])); print(sorted(b["entries"][0]))'
echo "--- hidden"
$LD scan --inventory "$inv" --baseline base.json; echo "exit $?"
echo "--- hidden, JSON summary"
$LD scan --inventory "$inv" --baseline base.json --format json |
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["summary"], len(d["findings"]), len(d["baseline"]["suppressed"]))'
echo "--- expired on 2026-12-01"
LAMBDRIFT_NOW=2026-12-01 $LD scan --inventory "$inv" --baseline base.json --function billing
echo "exit $?"
echo "--- stale: an entry for a finding that is gone; a new finding is not hidden"
python3 - <<'PY'
import json
b = json.load(open("base.json"))
gone = dict(b["entries"][0], fingerprint="0" * 32, function="retired", rule="alias-unpinned")
b["entries"] = [e for e in b["entries"] if e["rule"] != "unpublished"] + [gone]
json.dump(b, open("stale.json", "w"), indent=2)
PY
$LD scan --inventory "$inv" --baseline stale.json --format markdown; echo "exit $?"
echo "--- --function keeps other functions' entries out of stale"
$LD scan --inventory "$inv" --baseline stale.json --function billing | tail -2
echo "--- re-created from a baselined report: entries carried over"
$LD scan --inventory "$inv" --baseline base.json --format json -o r2.json
$LD baseline create r2.json -o base2.json --reason other 2>&1
python3 -c 'import json; a = json.load(open("base.json"))["entries"]; b = json.load(open("base2.json"))["entries"]; print("same entries:", a == b)'
