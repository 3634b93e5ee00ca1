# lambdrift merge: the JSON reports of one scan split by account (as --shard splits it)
# merge into the report the unsharded scan writes, in every format, with the same
# fingerprints, baseline and --fail-on verdict; a shard that is incomplete or never
# reported makes the merge exit 3 naming it; reports of another schema, tool version or
# command, written with --baseline, given twice or overlapping are refused (exit 2)
cp "$FIXTURES/inventory/cli-accounts.json" inv.json
inv=inv.json
python3 - "$inv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, a in enumerate(d["accounts"]):
    s = dict(d, account=a, accounts=[a],
             functions=[f for f in d["functions"] if f["account"] == a],
             triggers=[t for t in d["triggers"] if ":%s:" % a in t["function_arn"]],
             notes=[n for n in d["notes"] if a in n])
    if i:
        s["api_calls"] = {k: 0 for k in d["api_calls"]}
    json.dump(s, open("inv-%d.json" % (i + 1), "w"), indent=1)
PY
# run.started is when a run began: the merge keeps the earliest shard's, so blank it
same() {
	python3 - "$1" "$2" <<'PY'
import re, sys
a, b = (re.sub(r'("started": |"startTimeUtc": |timestamp=)"?[0-9TZ:-]+"?', "T", open(p).read())
        for p in sys.argv[1:])
print("identical" if a == b else "DIFFERENT")
PY
}
$LD scan --inventory inv-1.json --format json -o s1.json; echo "shard 1 exit $?"
$LD scan --inventory inv-2.json --format json -o s2.json; echo "shard 2 exit $?"
for f in json sarif text markdown junit github; do
	$LD scan --inventory "$inv" --format "$f" -o "full.$f"
	$LD merge s2.json s1.json --format "$f" -o "merged.$f"
	echo "$f: exit $?, $(same "full.$f" "merged.$f") to the unsharded scan"
done
python3 -c 'import json; print([f["fingerprint"] for f in json.load(open("merged.json"))["findings"]])'
echo "--- text to stdout"
$LD merge s1.json s2.json; echo "exit $?"
echo "--- baseline and --fail-on apply after the merge"
$LD baseline create full.json -o base.json --reason "accepted in review OPS-7" --expires 2026-12-01 2>&1
$LD scan --inventory "$inv" --baseline base.json --fail-on warning --format json -o fullb.json
echo "unsharded exit $?"
$LD merge s1.json s2.json --baseline base.json --fail-on warning --format json -o mergedb.json
echo "merged exit $?, $(same fullb.json mergedb.json)"
$LD merge s1.json s2.json --fail-on none -o /dev/null; echo "--fail-on none exit $?"
echo "--- a shard missing or incomplete: exit 3, the report still written and incomplete"
$LD merge s1.json s2.json --expect-shards 3 --format json -o m3.json 2>&1; echo "exit $?"
python3 -c 'import json; r = json.load(open("m3.json"))["run"]; print(r["complete"], r["problems"])'
python3 - <<'PY'
import json
d = json.load(open("inv-2.json"))
d["complete"] = False
d["problems"] = ["region eu-west-1: ListFunctions throttled after 5 attempts"]
json.dump(d, open("inv-2x.json", "w"))
for i, name in ((1, "s1.json"), (2, "s2.json")):
    r = json.load(open(name))
    r["run"]["shard"] = {"index": i, "count": 3}
    json.dump(r, open("sh%d.json" % i, "w"))
r = json.load(open("sh1.json"))
r["run"]["complete"] = False
json.dump(r, open("sh1x.json", "w"))
PY
$LD scan --inventory inv-2x.json --format json -o s2x.json 2>/dev/null; echo "shard 2 exit $?"
$LD merge s1.json s2x.json -o /dev/null 2>&1; echo "exit $?"
$LD merge sh1.json sh2.json --format json -o m4.json 2>&1; echo "exit $?"
$LD merge sh1x.json sh2.json -o /dev/null 2>&1; echo "exit $?"
python3 -c 'import json; r = json.load(open("m4.json"))["run"]; print(r["complete"], r["problems"])'
echo "--- refused"
python3 - <<'PY'
import json
r = json.load(open("s1.json"))
json.dump(dict(r, tool=dict(r["tool"], version="0.0.1")), open("old.json", "w"))
json.dump(dict(r, schema="lambdrift/report/v2"), open("v2.json", "w"))
json.dump(dict(r, run=dict(r["run"], shard={"index": 1, "count": 2})), open("shard1of2.json", "w"))
PY
$LD merge s1.json old.json 2>&1; echo "exit $?"
$LD merge v2.json s2.json 2>&1; echo "exit $?"
$LD merge s1.json s1.json 2>&1; echo "exit $?"
$LD merge sh1.json shard1of2.json 2>&1; echo "exit $?"
$LD merge s1.json mergedb.json 2>&1; echo "exit $?"
$LD merge "$inv" 2>&1; echo "exit $?"
$LD merge missing.json 2>&1; echo "exit $?"
$LD merge 2>&1; echo "exit $?"
$LD merge s1.json --expect-shards 0 2>&1; echo "exit $?"
echo "--- a --function pattern no shard matched is a problem of the merge, not a clean report"
python3 - <<'PY'
import json
note = "--function 'ordrs-*' matched no function in this shard"
for i, name in ((1, "s1.json"), (2, "s2.json")):
    r = json.load(open(name))
    r["run"]["shard"] = {"index": i, "count": 2}
    json.dump(r, open("fm%d.json" % i, "w"))
    r["run"]["notes"] = r["run"].get("notes", []) + [note]
    json.dump(r, open("fn%d.json" % i, "w"))
PY
$LD merge fn1.json fn2.json --format json -o fn.json 2>&1; echo "exit $?"
python3 -c 'import json; r = json.load(open("fn.json"))["run"]; print(r["complete"], r["problems"])'
$LD merge fn1.json fm2.json --format json -o fm.json 2>&1; echo "matched in shard 2: exit $?"
python3 -c 'import json; r = json.load(open("fm.json"))["run"]; print(r["complete"], r["problems"])'
echo "--- data missing in a shard: the merge says per function what was unchecked, as one scan does"
python3 - "$inv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["iam"]["accounts"] = [a for a in d["iam"]["accounts"] if a["account"] != "222222222222"]
for f in d["functions"]:
    if f["name"] == "billing":
        del f["access"]
json.dump(d, open("gap.json", "w"), indent=1)
for i, a in enumerate(d["accounts"]):
    s = dict(d, account=a, accounts=[a],
             functions=[f for f in d["functions"] if f["account"] == a],
             triggers=[t for t in d["triggers"] if ":%s:" % a in t["function_arn"]],
             notes=[n for n in d["notes"] if a in n],
             iam=dict(d["iam"], accounts=[x for x in d["iam"]["accounts"] if x["account"] == a]))
    if i:
        s["api_calls"] = {k: 0 for k in d["api_calls"]}
    json.dump(s, open("gap-%d.json" % (i + 1), "w"), indent=1)
PY
$LD scan --inventory gap-1.json --format json -o g1.json 2>/dev/null; echo "shard 1 exit $?"
$LD scan --inventory gap-2.json --format json -o g2.json 2>/dev/null; echo "shard 2 exit $?"
for f in json junit; do
	$LD scan --inventory gap.json --format "$f" -o "gfull.$f" 2>/dev/null
	$LD merge g1.json g2.json --format "$f" -o "gmerged.$f" 2>/dev/null
	echo "$f: exit $?, $(same "gfull.$f" "gmerged.$f") to the unsharded scan"
done
python3 -c 'import json
for u in json.load(open("gmerged.json"))["run"]["unchecked"]:
    print(u["account"], u["region"], u["function"], " ".join(u["rules"]))'
grep -c 'type="unchecked"' gmerged.junit
python3 -c 'import json; r = json.load(open("g1.json")); r["run"]["checks"] = ["deps"]; json.dump(r, open("g1d.json", "w"))'
$LD merge g1d.json g2.json -o /dev/null 2>&1; echo "other checks: exit $?"
