# --function globs (repeatable) keep only matching functions; the rest are not scanned
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --function "orders-*" --function=canary
echo "exit $?"
# a pattern that matches no function (a typo) is never a clean report: the run is
# incomplete (exit 3) and says which pattern matched nothing, offline and live alike
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --function orders-apj --fail-on none
echo "exit $?"
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --function "orders-*" \
	--function nosuch --format json | grep -c "function 'nosuch' matched no function"
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIEXAMPLEKEY
aws="--region us-east-1 --endpoint-url http://127.0.0.1:1 --timeout 2 --function nosuch"
$LD snapshot $aws -o snap.json 2>/dev/null; echo "snapshot exit $?"
$LD deps $aws --format json -o deps.json 2>/dev/null; echo "deps exit $?"
grep -c "function 'nosuch' matched no function" snap.json deps.json
