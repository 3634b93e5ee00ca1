# baseline errors: a bad subcommand or arguments, a report that is not one, an expiry not
# in the future, a malformed baseline given to scan (exit 2 before any work)
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --format json -o r.json
$LD baseline 2>&1; echo "exit $?"
$LD baseline delete r.json 2>&1; echo "exit $?"
$LD baseline create 2>&1; echo "exit $?"
$LD baseline create r.json r.json 2>&1; echo "exit $?"
cp "$inv" inventory.json
$LD baseline create inventory.json -o b.json 2>&1; echo "exit $?"
$LD baseline create r.json -o b.json --expires 2026-11-25 2>&1; echo "exit $?"
$LD baseline create r.json -o b.json --expires 2026-13-01 2>&1; echo "exit $?"
$LD baseline create missing.json -o b.json 2>&1; echo "exit $?"
ls
echo '{"schema": "lambdrift/baseline/v1", "entries": [{"fingerprint": "x", "rule": "a", "reason": "r"}]}' >bad.json
$LD scan --inventory "$inv" --baseline bad.json 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --baseline nothere.json 2>&1; echo "exit $?"
