# a snapshot marked incomplete: the report is written (marked so) and the exit is 3,
# even though nothing was found and --fail-on is none
$LD scan --inventory "$FIXTURES/inventory/cli-incomplete.json" --fail-on none 2>err.txt
rc=$?
$LD scan --inventory "$FIXTURES/inventory/cli-incomplete.json" --format json 2>/dev/null |
	grep -E "\"(complete|schema)\"|throttled after"
sed "s|$FIXTURES/||" err.txt >&2
exit $rc
