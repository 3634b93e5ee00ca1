# offline scan of a snapshot, text report; errors present, so exit 1 under --fail-on error
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json"
