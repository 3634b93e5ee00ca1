# lambdrift merge: the merged report does not depend on the order the shard reports are
# given in (a scheduler's glob or a hand-typed list orders them as it likes): problems,
# notes and the stderr lines come in shard order, then in each shard's own order; reports
# without run.shard come in the order of their accounts. Every format, every permutation
# of three shards, two of them incomplete with two problems and a note each.
python3 - "$FIXTURES/inventory/cli-accounts.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, a in enumerate(d["accounts"] + ["333333333333"]):
    s = dict(d, account=a, accounts=[a],
             functions=[f for f in d["functions"] if f["account"] == a],
             triggers=[t for t in d["triggers"] if ":%s:" % a in t["function_arn"]],
             notes=[n for n in d["notes"] if a in n] + ["note %d of account %s" % (i + 1, a)])
    if i:
        s["api_calls"] = {k: 0 for k in d["api_calls"]}
    if i != 1:  # accounts 1 and 3 incomplete, the problems in an order no sort would give
        s["complete"] = False
        s["problems"] = ["region us-east-1: zz ListAliases throttled in account %d" % (i + 1),
                         "region eu-west-1: aa GetPolicy denied in account %d" % (i + 1)]
    json.dump(s, open("inv-%d.json" % (i + 1), "w"), indent=1)
PY
# sN.json is account N's report as shard (N mod 3) + 1: the shards' order is neither
# their names' nor their accounts'
for i in 1 2 3; do
	$LD scan --inventory inv-$i.json --format json -o u$i.json 2>/dev/null
	echo "account $i exit $?"
	python3 - u$i.json $i <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["run"]["shard"] = {"index": int(sys.argv[2]) % 3 + 1, "count": 3}
json.dump(r, open("s" + sys.argv[2] + ".json", "w"))
PY
done
# each format of each permutation against the first's: the report and stderr
check() {
	prefix=$1
	ref=""
	same=0 differ=0
	for perm in "1 2 3" "1 3 2" "2 1 3" "2 3 1" "3 1 2" "3 2 1"; do
		args=""
		for i in $perm; do args="$args $prefix$i.json"; done
		tag=$(echo "$perm" | tr -d ' ')
		for f in json sarif text markdown junit github; do
			$LD merge $args --format "$f" -o "m$prefix$tag.$f" 2>"m$prefix$tag.$f.err"
			echo "exit $?" >>"m$prefix$tag.$f.err"
			if [ -z "$ref" ]; then :
			elif cmp -s "m$prefix$ref.$f" "m$prefix$tag.$f" &&
			     cmp -s "m$prefix$ref.$f.err" "m$prefix$tag.$f.err"; then
				same=$((same + 1))
			else
				differ=$((differ + 1))
				echo "$prefix $tag $f differs from $prefix $ref:"
				diff "m$prefix$ref.$f" "m$prefix$tag.$f" | head -8
				diff "m$prefix$ref.$f.err" "m$prefix$tag.$f.err" | head -8
			fi
		done
		[ -n "$ref" ] || ref=$tag
	done
	echo "$prefix: $same byte-identical to the order 1 2 3, $differ different"
}
echo "--- shards (run.shard)"
check s
python3 -c 'import json; r = json.load(open("ms321.json"))["run"]
print(r["complete"]); print("\n".join(r["problems"])); print("\n".join(r["notes"]))'
cat ms321.json.err
echo "--- reports without run.shard: by account, though their names sort the other way"
cp u1.json w3.json; cp u2.json w2.json; cp u3.json w1.json
check w
python3 -c 'import json; r = json.load(open("mw231.json"))["run"]
print("\n".join(r["problems"])); print("\n".join(r["notes"]))'
cat mw231.json.err
