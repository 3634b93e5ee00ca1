# --fail-on sets which severity gates the exit code
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --fail-on none >/dev/null; echo "none: exit $?"
$LD scan --inventory "$inv" --function resizer >/dev/null; echo "warnings only, error: exit $?"
$LD scan --inventory "$inv" --function resizer --fail-on note >/dev/null; echo "warnings only, note: exit $?"
$LD scan --inventory "$inv" --function resizer --fail-on warning
