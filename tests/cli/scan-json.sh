# offline scan of a snapshot, JSON report v1
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --format json
