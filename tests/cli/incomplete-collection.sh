# credentials, but the collection fails (the endpoint refuses every connection): every
# command that writes a report exits 3 and writes it in every format it has, marked
# incomplete in that format's own way and naming the call that failed; merging such a
# report and scanning such a snapshot are incomplete too (never a clean report)
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIEXAMPLEKEY
aws="--region us-east-1 --endpoint-url http://127.0.0.1:1 --timeout 2"
every() { for f in text json sarif junit markdown github; do printf ' --format %s -o %s.%s' $f $1 $f; done; }
$LD scan $aws $(every scan) 2>/dev/null; echo "scan: exit $?"
$LD verify --repo repo --tag v1 $aws $(every verify) 2>/dev/null; echo "verify: exit $?"
$LD deps $aws --format text -o deps.text 2>/dev/null; echo "deps --format text: exit $?"
$LD deps $aws --format json -o deps.json 2>/dev/null; echo "deps --format json: exit $?"
$LD snapshot $aws -o snap.json 2>/dev/null; echo "snapshot: exit $?"
$LD merge scan.json $(every merge) 2>/dev/null; echo "merge: exit $?"
$LD scan --inventory snap.json --format json -o offline.json 2>/dev/null
echo "scan --inventory snap.json: exit $?"
echo "--- each file names the failed call (files without it: none expected)"
grep -L 'ListFunctions: request to http://127.0.0.1:1/2015-03-31/functions failed' \
	scan.* verify.* deps.* snap.json merge.* offline.json
echo "--- the marker of each format"
grep -c '"complete": false' scan.json verify.json deps.json snap.json merge.json offline.json
grep -c '"executionSuccessful": false' scan.sarif verify.sarif merge.sarif
grep -c '<error message="run incomplete.*type="incomplete"' scan.junit verify.junit merge.junit
grep -c '^run INCOMPLETE: ' scan.text verify.text merge.text
grep -c '^INCOMPLETE: ' deps.text
grep -c 'Incomplete run' scan.markdown verify.markdown merge.markdown
grep -c '^::error title=lambdrift .* incomplete::' scan.github verify.github merge.github
exit 0
