# no credentials anywhere: every command that reads AWS exits 3 and still writes the report it
# was asked for, in every format, saying it is incomplete and why (never a clean report)
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
aws="--region us-east-1 --endpoint-url http://127.0.0.1:1"
why() { grep -c "no AWS session: no aws credentials found" "$1" | sed 's/^/  says why: /'; }
for f in text json sarif junit markdown github; do
	$LD scan $aws --format $f -o scan.$f 2>/dev/null
	echo "scan --format $f: exit $?"
	why scan.$f
	$LD verify --repo repo --tag v1 $aws --format $f -o verify.$f 2>/dev/null
	echo "verify --format $f: exit $?"
	why verify.$f
done
for f in text json; do
	$LD deps $aws --format $f -o deps.$f 2>/dev/null
	echo "deps --format $f: exit $?"
	why deps.$f
done
$LD snapshot $aws -o snap.json 2>/dev/null
echo "snapshot: exit $?"
why snap.json
# the markers each format uses for an incomplete run
grep -h '"complete"' scan.json verify.json deps.json snap.json scan.sarif verify.sarif | sort | uniq -c
grep -c 'type="incomplete"' scan.junit verify.junit
grep -c '^::error title=lambdrift .* incomplete::' scan.github verify.github
grep -c 'Incomplete run' scan.markdown verify.markdown
grep -ci 'incomplete' scan.text verify.text deps.text
# and a later scan of that snapshot is not clean either
$LD scan --inventory snap.json >/dev/null 2>&1
echo "scan --inventory snap.json: exit $?"
exit 0
